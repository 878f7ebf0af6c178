#!/usr/bin/env bash
# Ways of naming what to build that change how the compiler names files:
# .go files on the command line (go's package "command-line-arguments"),
# -trimpath (files named by module path), and -C DIR (go runs elsewhere).
# Each must still give the module's heap escapes, attributed as usual.
#
# Bodies are &&-chained: lib.sh runs them as an if-condition, where set -e
# has no effect.
. "$(dirname "$0")/lib.sh"

heap_lines() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for x in d["diagnostics"]:
    if x["kind"] in ("moved", "escapes"):
        print("%s:%d:%d: %s %s" % (x["file"], x["line"], x["column"], x["function"], x["message"]))
' "$1" | LC_ALL=C sort -u
}

test_expect_success 'setup: the example and its report' '
	copy_example &&
	(cd shop && goescape report --format json >../report.json) &&
	heap_lines report.json >all.heap &&
	grep "^cart/" all.heap >cart.heap &&
	test -s cart.heap &&
	grep "^main.go" all.heap >main.heap &&
	test -s main.heap &&
	(cd shop && go build -o ../app-go .) &&
	./app-go >run.go
'

test_expect_success 'build of .go files: their escapes are analysed and counted' '
	(cd shop && GOESCAPE_VERBOSE=1 goescape build -o ../app-files main.go 2>../err) &&
	grep -q "^\./main.go:.*escapes to heap" err &&
	tail -n 1 err >actual &&
	echo "goescape: $(wc -l <all.heap) heap escapes in 2 packages" >expect &&
	test_cmp expect actual &&
	./app-files >run.files &&
	test_cmp run.go run.files
'

test_expect_success 'build of .go files in a subdirectory' '
	(cd shop/cart && goescape build cart.go 2>../../err) &&
	echo "goescape: $(wc -l <cart.heap) heap escapes in 1 package" >expect &&
	test_cmp expect err
'

test_expect_success '.go files keep the flags of the entry that selects them, plus -m' '
	echo "// $TRASH" >>shop/main.go &&
	(cd shop && goescape build -x -o /dev/null "-gcflags=all=-N -l" main.go 2>../x.err) &&
	grep -E "/compile .* -p main " x.err | tr " " "\n" >words &&
	grep -qx -- -N words && grep -qx -- -l words && grep -qx -- -m words &&
	echo "// again" >>shop/main.go &&
	(cd shop && goescape build -x -o /dev/null -gcflags=example.com/...=-N main.go 2>../x.err) &&
	grep -E "/compile .* -p main " x.err | tr " " "\n" >words &&
	! grep -qx -- -N words && grep -qx -- -m words
'

test_expect_success 'build -trimpath: files named by module path are still found' '
	(cd shop && goescape build -trimpath -o ../app-trim . 2>../err) &&
	echo "goescape: $(wc -l <all.heap) heap escapes in 2 packages" >expect &&
	test_cmp expect err &&
	./app-trim >run.trim &&
	test_cmp run.go run.trim
'

test_expect_success 'report with -trimpath in GOFLAGS gives the same report' '
	(cd shop/cart && GOFLAGS="-buildvcs=false -trimpath" goescape report --format json >../../trim.json) &&
	heap_lines trim.json >actual &&
	test_cmp all.heap actual
'

test_expect_success 'build -C DIR inside the module' '
	(cd shop && goescape build -C cart -o /dev/null . 2>../err) &&
	echo "goescape: $(wc -l <cart.heap) heap escapes in 1 package" >expect &&
	test_cmp expect err
'

test_expect_success 'build -C DIR from outside any module is captured too' '
	goescape build -C shop -o ../app-c . 2>err &&
	echo "goescape: $(wc -l <all.heap) heap escapes in 2 packages" >expect &&
	test_cmp expect err &&
	./app-c >run.c &&
	test_cmp run.go run.c
'

test_expect_success 'build -C DIR into another module: that module is the main one' '
	mkdir -p other &&
	printf "module example.com/other\n\ngo 1.22\n" >other/go.mod &&
	printf "package other\n\n// P returns a pointer.\nfunc P() *int {\n\tx := 1\n\treturn &x\n}\n" >other/o.go &&
	(cd shop && goescape build -C ../other ./... 2>../err) &&
	echo "goescape: 1 heap escape in 1 package" >expect &&
	test_cmp expect err
'

test_done
