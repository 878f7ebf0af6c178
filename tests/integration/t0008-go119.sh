#!/usr/bin/env bash
# An older toolchain: GOESCAPE_GO=go1.19 on the example (its go.mod says
# go 1.19).  Go 1.19 words some diagnostics differently and has no
# "append escapes to heap"; the diagnostics must still be exactly the
# compiler's, with the same enclosing functions.
#
# Bodies are &&-chained: lib.sh runs them as an if-condition, where set -e
# has no effect.
. "$(dirname "$0")/lib.sh"
SQ="'"

GO119=/usr/lib/go-1.19/bin/go
if ! [ -x "$GO119" ]; then
	skip_all "$GO119 is not installed (scripts/bootstrap installs golang-1.19-go)"
fi
# go1.19's own cache, fresh: it shares nothing with the other toolchain.
export GOCACHE="$TRASH/gocache-go119"

test_expect_success 'setup: the example and what go1.19 says about it' '
	copy_example &&
	grep -q "^go 1.19$" shop/go.mod &&
	"$GO119" version >version &&
	grep -q "^go version go1\.19" version &&
	(cd shop && "$GO119" build -gcflags=example.com/shop/...=-m ./... >../compiler.out 2>&1) &&
	grep -E "escapes to heap|moved to heap" compiler.out | grep -v "^/" |
		sed "s|^\./||" | LC_ALL=C sort -u >compiler.heap &&
	grep -q "^cart/cart.go:43:2: moved to heap: total$" compiler.heap &&
	! grep -q "append escapes to heap" compiler.heap
'

test_expect_success 'report --format json with GOESCAPE_GO=go1.19: the compiler'"'"'s diagnostics' '
	(cd shop && GOESCAPE_GO="$GO119" goescape report --format json >../report.json 2>../err) &&
	test ! -s err &&
	heap_lines report.json >actual &&
	test_cmp compiler.heap actual &&
	json report.json "d[\"go\"]" >actual &&
	"$GO119" env GOVERSION >expect &&
	test_cmp expect actual
'

test_expect_success 'go1.19: the same enclosing functions' '
	json report.json "\"\\n\".join(\"%s %s %s\" % (x[\"function\"], x[\"kind\"], x[\"subject\"]) for x in d[\"diagnostics\"] if x[\"file\"] == \"cart/cart.go\")" >actual &&
	cat >expect <<-\EOF &&
	New escapes &Cart{}
	(*Cart).Add leak c
	(*Cart).Add leak sku
	CountBytes escapes ([]byte)(~R0)
	Label escapes n
	Counter moved total
	Counter escapes func literal
	EOF
	test_cmp expect actual &&
	json report.json "sorted(set(x[\"function\"] for x in d[\"diagnostics\"] if x[\"file\"] == \"main.go\"))" >actual &&
	echo "[${SQ}main${SQ}]" >expect &&
	test_cmp expect actual
'

test_expect_success 'go1.19 from a subdirectory, through its cache: identical JSON' '
	(cd shop/cart && GOESCAPE_GO="$GO119" goescape report --format json >../../sub.json) &&
	test_cmp report.json sub.json
'

test_expect_success 'go1.19, cache filled from a subdirectory, report at the root' '
	cp -R shop shop2 &&
	for f in $(find shop2 -name "*.go"); do printf "\n// %s\n" "$TRASH" >>"$f" || exit 1; done &&
	(cd shop2/cart && GOESCAPE_GO="$GO119" goescape report --format json >../../sub2.json) &&
	(cd shop2 && GOESCAPE_GO="$GO119" goescape report --format json >../root2.json) &&
	test_cmp report.json sub2.json &&
	test_cmp report.json root2.json
'

test_expect_success 'goescape build with go1.19: summary line and a binary go1.19 built' '
	(cd shop && GOESCAPE_GO="$GO119" goescape build -o ../app 2>../err) &&
	echo "goescape: $(wc -l <compiler.heap) heap escapes in 2 packages" >expect &&
	test_cmp expect err &&
	"$GO119" version app >actual &&
	grep -q "^app: go1\.19" actual
'

test_expect_success 'goescape version with GOESCAPE_GO=go1.19 is go1.19'"'"'s' '
	GOESCAPE_GO="$GO119" goescape version >actual &&
	test_cmp version actual
'

test_done
