#!/usr/bin/env bash
# goescape build / install as a drop-in for go build: the same files are
# written where go would write them, go's own messages reach stderr as go
# prints them, the -m lines stay hidden unless GOESCAPE_VERBOSE=1, and one
# summary line ends a captured build.
#
# Bodies are &&-chained: lib.sh runs them as an if-condition, where set -e
# has no effect.
. "$(dirname "$0")/lib.sh"
# A cache only ever filled by go runs at a module root: what it replays is
# printed relative to the module root, exactly as a fresh run prints it.
ROOTCACHE="$TOP/build/test-gocache-rootrun"

# The compiler's unique heap lines for the example, printed at the module
# root (so paths are root-relative).
test_expect_success 'setup: the example module and what the compiler says about it' '
	copy_example &&
	(cd shop && GOCACHE="$ROOTCACHE" go build \
		-gcflags=example.com/shop/...=-m ./... >../compiler.out 2>&1) &&
	grep -E "escapes to heap|moved to heap" compiler.out | grep -v "^/" |
		sed "s|^\./||" | LC_ALL=C sort -u >compiler.heap &&
	test -s compiler.heap &&
	awk "/^# /{pkg=\$2} /escapes to heap|moved to heap/ && !/^\\//{print pkg}" compiler.out |
		LC_ALL=C sort -u >compiler.pkgs &&
	printf "goescape: %d heap escapes in %d packages\n" \
		"$(wc -l <compiler.heap)" "$(wc -l <compiler.pkgs)" >summary.expect &&
	cat summary.expect &&
	grep -q "heap escapes in 2 packages" summary.expect
'

test_expect_success 'build ./... exits 0 and prints exactly one summary line' '
	(cd shop && goescape build ./... >../out 2>../err) &&
	test_cmp summary.expect err &&
	test ! -s out
'

test_expect_success 'the -m lines stay hidden without GOESCAPE_VERBOSE' '
	(cd shop && goescape build ./... 2>../err) &&
	! grep -E "escapes to heap|moved to heap|can inline|does not escape" err
'

test_expect_success 'GOESCAPE_VERBOSE=1 shows every heap line the compiler prints' '
	(cd shop && GOESCAPE_VERBOSE=1 goescape build ./... 2>../err) &&
	grep -E "escapes to heap|moved to heap" err | grep -v "^/" | sed "s|^\./||" |
		LC_ALL=C sort -u >verbose.heap &&
	test_cmp compiler.heap verbose.heap &&
	grep -q "^# example.com/shop/cart$" err &&
	tail -n 1 err >last &&
	test_cmp summary.expect last
'

test_expect_success 'build with no arguments writes the binary go writes, and it runs the same' '
	(cd shop && rm -f shop && goescape build 2>../err) &&
	test_cmp summary.expect err &&
	test -x shop/shop &&
	(cd shop && go build -o ../shop.go-built) &&
	shop/shop >run.goescape &&
	./shop.go-built >run.go &&
	test_cmp run.go run.goescape &&
	test -s run.go
'

test_expect_success '-o ../bin/app from a subdirectory writes where go writes' '
	(cd shop/cart && goescape build -o ../bin/app .. 2>../../err) &&
	test_cmp summary.expect err &&
	test -x shop/bin/app &&
	test ! -e shop/cart/bin &&
	test ! -e bin &&
	(cd shop/cart && go build -o ../bin/app-go ..) &&
	test -x shop/bin/app-go &&
	shop/bin/app >run.app &&
	test_cmp run.go run.app
'

test_expect_success '-o DIR/ with several packages, relative to the user directory' '
	mkdir -p shop/out &&
	(cd shop && goescape build -o out/ ./... 2>../err) &&
	test_cmp summary.expect err &&
	test -x shop/out/shop
'

test_expect_success 'install is captured too and installs into GOBIN' '
	(cd shop/cart && GOBIN="$TRASH/gobin" goescape install .. 2>../../err) &&
	test_cmp summary.expect err &&
	test -x gobin/shop &&
	gobin/shop >run.installed &&
	test_cmp run.go run.installed
'

test_expect_success 'go -v output is passed through as go prints it (no stray headers)' '
	cp -R shop vshop &&
	echo "// $TRASH" >>vshop/cart/cart.go &&
	echo "// $TRASH" >>vshop/main.go &&
	(cd vshop && go build ./...) &&
	echo "// again" >>vshop/cart/cart.go &&
	echo "// again" >>vshop/main.go &&
	(cd vshop && goescape build -v ./... 2>../err.goescape) &&
	printf "%s\n" example.com/shop/cart example.com/shop >v.expect &&
	cat summary.expect >>v.expect &&
	test_cmp v.expect err.goescape
'

test_expect_success 'go -x output carries no package headers of hidden -m output' '
	echo "// x" >>vshop/cart/cart.go &&
	(cd vshop && goescape build -x ./... 2>../err.x) &&
	grep -q "/compile " err.x &&
	! grep "^# example.com" err.x &&
	tail -n 1 err.x >last &&
	test_cmp summary.expect last
'

# go -x prints a compile command on one line: for a package of many files
# it is longer than the 64 KiB the parser keeps of a line.
test_expect_success 'go -x lines longer than 64 KiB are passed through whole' '
	mkdir -p wide/p &&
	printf "module example.com/wide\n\ngo 1.22\n" >wide/go.mod &&
	for i in $(seq 1100); do
		printf "package p\n\nvar V%d = %d // %s\n" $i $i "$TRASH" \
			>wide/p/file_with_a_rather_long_name_to_make_a_long_compile_line_$i.go || exit 1
	done &&
	(cd wide && GOCACHE="$TRASH/gc-wide" go build -x ./... 2>../wide-go.err) &&
	(cd wide && goescape build -x ./... 2>../wide.err) &&
	grep "/compile .* -p example.com/wide/p " wide-go.err | tr " " "\n" | grep "\.go$" >expect &&
	test $(wc -l <expect) -gt 1000 &&
	grep "/compile .* -p example.com/wide/p " wide.err >line &&
	test $(wc -l <line) = 1 &&
	test $(wc -c <line) -gt 70000 &&
	tr " " "\n" <line | grep "\.go$" >actual &&
	test_cmp expect actual
'

test_expect_success 'a -gcflags=-m of the user shows the -m lines (and still summarises)' '
	(cd shop && goescape build -gcflags=-m ./... 2>../err) &&
	grep -E "escapes to heap|moved to heap" err | grep -v "^/" | sed "s|^\./||" |
		LC_ALL=C sort -u >user-m.heap &&
	test_cmp compiler.heap user-m.heap &&
	tail -n 1 err >last &&
	test_cmp summary.expect last
'

# go build -json (Go 1.24) prints the build output, compiler lines
# included, as JSON events on stdout: goescape reads them, keeps the -m lines
# it added out of the events the user sees, and prints its summary.
test_expect_success 'build -json: captured, no -m lines in the events, the summary' '
	(cd shop && goescape build -json ./... >../json.out 2>../json.err) &&
	! grep -E "escapes to heap|moved to heap|can inline" json.out &&
	grep "^goescape: 8 heap escapes in 2 packages" json.err
'

test_expect_success 'build -json with a compile error: the events as go prints them, exit 1' '
	cp -R shop shop-bad &&
	printf "package main\n\nfunc broken() int { return \"x\" }\n" >shop-bad/bad.go &&
	(cd shop-bad && test_expect_code 1 go build -json ./... >../bad.go.out 2>/dev/null) &&
	(cd shop-bad && test_expect_code 1 goescape build -json ./... >../bad.ge.out 2>/dev/null) &&
	cat_events() { python3 -c "import json,sys; print(\"\".join(json.loads(l).get(\"Output\", \"\") for l in open(sys.argv[1])))" "$1"; } &&
	cat_events bad.go.out >expect &&
	cat_events bad.ge.out >actual &&
	test_cmp expect actual &&
	grep -q "cannot use" actual &&
	tail -n 1 bad.go.out >expect &&
	tail -n 1 bad.ge.out >actual &&
	test_cmp expect actual &&
	grep -q "\"Action\":\"build-fail\"" bad.ge.out
'

test_expect_success 'a usage error of go is go'"'"'s: same message, same exit status, no summary' '
	(cd shop && test_expect_code 2 go build -nosuchflag ./... 2>../err.go) &&
	(cd shop && test_expect_code 2 goescape build -nosuchflag ./... 2>../err.goescape) &&
	test_cmp err.go err.goescape
'

test_done
