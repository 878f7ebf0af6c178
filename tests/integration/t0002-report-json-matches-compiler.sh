#!/usr/bin/env bash
# goescape report on the example module: the heap diagnostics in the JSON
# are exactly those the compiler prints for the module, each attributed to
# the function that encloses it; the text format groups them by file and
# function.
#
# Bodies are &&-chained: lib.sh runs them as an if-condition, where set -e
# has no effect.
. "$(dirname "$0")/lib.sh"
# A cache only ever filled by go runs at a module root: what it replays is
# printed relative to the module root, exactly as a fresh run prints it.
ROOTCACHE="$TOP/build/test-gocache-rootrun"
SQ="'"

# heap_lines REPORT.json: "file:line:col: message" of every moved/escapes
# diagnostic, sorted and unique.
heap_lines() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "goescape-report/1", d["schema"]
for x in d["diagnostics"]:
    if x["kind"] in ("moved", "escapes"):
        print("%s:%d:%d: %s" % (x["file"], x["line"], x["column"], x["message"]))
' "$1" | LC_ALL=C sort -u
}

test_expect_success 'setup: the example and the compiler'"'"'s own heap lines' '
	copy_example &&
	(cd shop && GOCACHE="$ROOTCACHE" go build \
		-gcflags=example.com/shop/...=-m ./... >../compiler.out 2>&1) &&
	grep -E "escapes to heap|moved to heap" compiler.out | grep -v "^/" |
		sed "s|^\./||" | LC_ALL=C sort -u >compiler.heap &&
	grep -q "^cart/cart.go:43:2: moved to heap: total$" compiler.heap &&
	grep -q "^main.go:" compiler.heap
'

test_expect_success 'report --format json: the same heap diagnostics as the compiler' '
	(cd shop && goescape report --format json >../report.json 2>../err) &&
	validate_json report-1 report.json &&
	test ! -s err &&
	heap_lines report.json >goescape.heap &&
	test_cmp compiler.heap goescape.heap
'

test_expect_success 'report JSON header and summary agree with the diagnostics' '
	json report.json "d[\"schema\"]" >actual &&
	json report.json "d[\"module\"]" >>actual &&
	json report.json "d[\"go\"]" >>actual &&
	json report.json "d[\"summary\"][\"heap\"]" >>actual &&
	json report.json "len([x for x in d[\"diagnostics\"] if x[\"kind\"] in (\"moved\",\"escapes\")])" >>actual &&
	json report.json "d[\"summary\"][\"moved\"] + d[\"summary\"][\"escapes\"]" >>actual &&
	json report.json "d[\"summary\"][\"leaks\"] == len([x for x in d[\"diagnostics\"] if x[\"kind\"] == \"leak\"])" >>actual &&
	n=$(wc -l <compiler.heap) &&
	{
		echo goescape-report/1 &&
		echo example.com/shop &&
		go env GOVERSION &&
		echo $n && echo $n && echo $n && echo True
	} >expect &&
	test_cmp expect actual
'

test_expect_success 'every diagnostic has package, root-relative file, position, kind, subject' '
	json report.json "\"\\n\".join(\"%s %s %s\" % (x[\"package\"], x[\"file\"], x[\"kind\"]) for x in d[\"diagnostics\"] if x[\"kind\"] != \"leak\")" |
		LC_ALL=C sort -u >actual &&
	cat >expect <<-\EOF &&
	example.com/shop main.go escapes
	example.com/shop/cart cart/cart.go escapes
	example.com/shop/cart cart/cart.go moved
	EOF
	test_cmp expect actual &&
	json report.json "all(x[\"line\"] > 0 and x[\"column\"] > 0 and x[\"subject\"] and x[\"message\"].find(x[\"subject\"]) >= 0 for x in d[\"diagnostics\"])" >actual &&
	echo True >expect &&
	test_cmp expect actual
'

# The enclosing function of each heap diagnostic in cart.go, in the
# compiler's notation.
test_expect_success 'enclosing functions: New, (*Cart).Add, CountBytes, Label, Counter' '
	json report.json "\"\\n\".join(\"%d %s %s: %s\" % (x[\"line\"], x[\"function\"], x[\"kind\"], x[\"subject\"]) for x in d[\"diagnostics\"] if x[\"file\"] == \"cart/cart.go\" and x[\"kind\"] != \"leak\")" >actual &&
	cat >expect <<-\EOF &&
	23 New escapes: &Cart{}
	28 (*Cart).Add escapes: append
	33 CountBytes escapes: ([]byte)(~r0)
	38 Label escapes: n
	43 Counter moved: total
	44 Counter escapes: func literal
	EOF
	test_cmp expect actual
'

test_expect_success 'leaking params are attributed too' '
	json report.json "\"\\n\".join(\"%d:%d %s %s\" % (x[\"line\"], x[\"column\"], x[\"function\"], x[\"message\"]) for x in d[\"diagnostics\"] if x[\"kind\"] == \"leak\")" >actual &&
	cat >expect <<-\EOF &&
	27:7 (*Cart).Add leaking param content: c
	27:20 (*Cart).Add leaking param: sku
	EOF
	test_cmp expect actual
'

test_expect_success 'code inlined into main is reported in main.go, function main' '
	json report.json "\"\\n\".join(sorted(set(\"%s %s\" % (x[\"file\"], x[\"function\"]) for x in d[\"diagnostics\"] if x[\"package\"] == \"example.com/shop\")))" >actual &&
	echo "main.go main" >expect &&
	test_cmp expect actual
'

test_expect_success 'text report: grouped by file, then function, in source order' '
	(cd shop && goescape report >../report.txt 2>../err) &&
	test ! -s err &&
	grep -v "^    " report.txt >skeleton &&
	n=$(wc -l <compiler.heap) &&
	cat >expect <<-EOF &&
	cart/cart.go
	  New
	  (*Cart).Add
	  CountBytes
	  Label
	  Counter

	main.go
	  main

	$n heap escapes (1 moved to heap, $((n - 1)) escapes) in 2 packages; 2 leaking params
	EOF
	test_cmp expect skeleton &&
	grep -q "^    43:2	moved    moved to heap: total$" report.txt &&
	grep -q "^    23:9	escapes  &Cart{} escapes to heap$" report.txt
'

test_expect_success 'text and json list the same positions' '
	sed -n "s/^    \([0-9]*:[0-9]*\)	\(moved\|escapes\) .*/\1/p" report.txt | LC_ALL=C sort >text.pos &&
	json report.json "\"\\n\".join(\"%d:%d\" % (x[\"line\"], x[\"column\"]) for x in d[\"diagnostics\"] if x[\"kind\"] != \"leak\")" |
		LC_ALL=C sort >json.pos &&
	test_cmp json.pos text.pos
'

test_expect_success 'report PKG narrows to the named packages' '
	(cd shop && goescape report --format json ./cart >../cart.json) &&
	json cart.json "sorted(set(x[\"package\"] for x in d[\"diagnostics\"]))" >actual &&
	echo "[${SQ}example.com/shop/cart${SQ}]" >expect &&
	test_cmp expect actual &&
	grep "^cart/" compiler.heap >expect &&
	heap_lines cart.json >actual &&
	test_cmp expect actual
'

test_done
