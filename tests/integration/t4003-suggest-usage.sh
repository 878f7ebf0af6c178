#!/usr/bin/env bash
# goescape suggest: formats, -o, usage errors, a failing build, and a module
# with nothing to suggest.
. "$(dirname "$0")/lib.sh"

test_expect_success 'an unknown format is a usage error, before any build' '
	copy_example unknown &&
	cd unknown &&
	test_expect_code 2 goescape suggest --format xml 2>../err &&
	grep "^goescape: suggest: unknown format .xml. (want diff, json or sarif)$" ../err
'

test_expect_success 'json to a file with -o' '
	copy_example json &&
	cd json &&
	goescape suggest --format json -o ../s.json 2>/dev/null &&
	validate_json suggest-1 ../s.json &&
	test "$(json ../s.json "d[\"schema\"]")" = goescape-suggest/1 &&
	test "$(json ../s.json "d[\"module\"]")" = example.com/shop &&
	test "$(json ../s.json "len(d[\"suggestions\"])")" = 2 &&
	test "$(json ../s.json "\",\".join(s[\"rule\"] for s in d[\"suggestions\"])")" = itoa-bytes,sprintf-d &&
	test "$(json ../s.json "d[\"suggestions\"][1][\"heap_before\"][0]")" = "38:27: n escapes to heap" &&
	test "$(json ../s.json "d[\"suggestions\"][1][\"heap_after\"]")" = "[]" &&
	test "$(json ../s.json "d[\"suggestions\"][1][\"function\"]")" = Label &&
	test "$(json ../s.json "d[\"skipped\"][0][\"reason\"]")" = "no heap diagnostic on its lines to remove"
'

test_expect_success 'nothing to suggest: an empty diff, exit 0' '
	mkdir none &&
	cd none &&
	printf "module example.com/none\n\ngo 1.22\n" >go.mod &&
	printf "package none\n\nfunc P() *int {\n\tx := 1\n\treturn &x\n}\n" >none.go &&
	goescape suggest >../out 2>../err &&
	test_cmp /dev/null ../out &&
	grep "^goescape: 0 suggestions verified (0 candidates, 0 left alone); heap escapes 1 -> 1; 1 go run, 0 rounds$" ../err
'

test_expect_success 'a module that does not build: exit 3, go.s errors shown' '
	copy_module brokenmod broken &&
	cd broken &&
	test_expect_code 3 goescape suggest >../out 2>../err &&
	test_cmp /dev/null ../out &&
	grep "goescape: go build failed" ../err
'

test_done
