#!/usr/bin/env bash
# check's machine outputs carry the violated assertions, not only stderr:
# JSON a top-level "assertions" object (goescape-report/1, validated),
# SARIF the rules GE3000-GE3003 and one result at level error per
# violation in the same run (validated), GitHub one ::error each, markdown
# a table.  The module sits in a subdirectory of the repository, so file
# names in SARIF and GitHub carry its directory.  A module without
# directives prints exactly what it did before.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sarif.sh"

test_expect_success 'setup: the assertion fixture in sub/ of a repository, its baseline' '
	mkdir repo && copy_module assertmod repo/sub &&
	cd repo && git init -q && git add . && git commit -qm assertmod &&
	cd sub && goescape baseline 2>/dev/null
'

test_expect_success 'check: every format from one run, exit 1 (nothing new, 15 broken)' '
	cd repo/sub &&
	test_expect_code 1 goescape check --format json -o out.json --format sarif -o out.sarif \
		--format markdown -o out.md --format github -o out.gh 2>err &&
	grep -x "goescape: 15 of 29 assertions violated:" err
'

test_expect_success 'json: valid goescape-report/1 with the assertions' '
	cd repo/sub &&
	validate_json report-1 out.json &&
	test "$(json out.json "d[\"assertions\"][\"checked\"], d[\"assertions\"][\"violated\"], len(d[\"assertions\"][\"violations\"])")" = "(29, 15, 15)" &&
	test "$(json out.json "[v for v in d[\"assertions\"][\"violations\"] if v[\"line\"] == 56][0]")" = \
		"{'"'"'file'"'"': '"'"'a/a.go'"'"', '"'"'line'"'"': 56, '"'"'kind'"'"': '"'"'noescape'"'"', '"'"'rule'"'"': '"'"'GE3001'"'"', '"'"'source'"'"': '"'"'d int,'"'"', '"'"'reason'"'"': '"'"'moved to heap: d'"'"', '"'"'directive'"'"': {'"'"'file'"'"': '"'"'a/a.go'"'"', '"'"'line'"'"': 56, '"'"'column'"'"': 9}}" &&
	test "$(json out.json "d[\"summary\"][\"new\"]")" = 0
'

test_expect_success 'sarif: valid, one run, GE3000-GE3003 results at level error' '
	cd repo/sub &&
	validate out.sarif >/dev/null &&
	test "$(json out.sarif "len(d[\"runs\"])")" = 1 &&
	test "$(json out.sarif "sorted(set(r[\"ruleId\"] for r in d[\"runs\"][0][\"results\"] if r[\"ruleId\"].startswith(\"GE3\")))")" = \
		"['"'"'GE3000'"'"', '"'"'GE3001'"'"', '"'"'GE3002'"'"', '"'"'GE3003'"'"']" &&
	test "$(json out.sarif "len([r for r in d[\"runs\"][0][\"results\"] if r[\"ruleId\"].startswith(\"GE3\") and r[\"level\"] == \"error\"])")" = 15 &&
	test "$(json out.sarif "all(d[\"runs\"][0][\"tool\"][\"driver\"][\"rules\"][r[\"ruleIndex\"]][\"id\"] == r[\"ruleId\"] for r in d[\"runs\"][0][\"results\"])")" = True &&
	test "$(json out.sarif "[r[\"locations\"][0][\"physicalLocation\"][\"artifactLocation\"][\"uri\"] for r in d[\"runs\"][0][\"results\"] if r[\"ruleId\"] == \"GE3002\" and \"b.Pinned\" in r[\"message\"][\"text\"] and \"return\" in r[\"message\"][\"text\"]]")" = \
		"['"'"'sub/b/b.go'"'"']" &&
	test "$(json out.sarif "d[\"runs\"][0][\"invocations\"][0][\"exitCode\"]")" = 1
'

test_expect_success 'github and markdown: the broken assertions' '
	cd repo/sub &&
	grep -x "::error file=sub/b/b.go,line=29,title=goescape GE3002 inline::return Pinned(y): call to b.Pinned was not inlined" out.gh &&
	test "$(grep -c "title=goescape GE3" out.gh)" = 15 &&
	grep -x "### Broken assertions" out.md &&
	test "$(grep -c "^| .* | GE3" out.md)" = 15
'

test_expect_success 'a module without directives: no assertions member, no GE3 rule' '
	mkdir plain && cd plain &&
	printf "module example.com/plain\n\ngo 1.19\n" >go.mod &&
	printf "package plain\n\nfunc P() *int { v := 1; return &v }\n" >p.go &&
	git init -q && git add . && git commit -qm plain &&
	goescape baseline 2>/dev/null &&
	goescape check --format json -o out.json --format sarif -o out.sarif 2>err &&
	test "$(json out.json "\"assertions\" in d")" = False &&
	! grep -q GE300 out.sarif
'

test_done
