#!/usr/bin/env bash
# Paths do not depend on where goescape runs, nor on whether go compiled
# afresh or replayed its build cache: go replays the stored compiler output
# with paths relative to the directory of the run that filled the cache.
# Each scenario works on its own copy of the module, made unique by a
# comment at the end of every .go file (line numbers do not move): its
# first run is certain to compile, the next ones to replay that run.
#
# Bodies are &&-chained: lib.sh runs them as an if-condition, where set -e
# has no effect.
. "$(dirname "$0")/lib.sh"
SQ="'"

# uniq_copy SRC DST: a copy whose build-cache keys are its own.
uniq_copy() {
	cp -R "$1" "$2" &&
	for f in $(find "$2" -name "*.go"); do
		printf "\n// %s\n" "$TRASH/$2" >>"$f" || return 1
	done
}

# A module where code of one package is analysed under another's header:
# the generic b.Box is instantiated (and its escapes reported) while
# compiling cmd/app, so the compiler names b/b.go under "# .../cmd/app".
make_genmod() {
	mkdir -p "$1/b" "$1/cmd/app" &&
	printf "module example.com/gen\n\ngo 1.22\n" >"$1/go.mod" &&
	cat >"$1/b/b.go" <<\EOF &&
package b

var Sink any

// Box stores v in an interface and returns a pointer to a copy.
//
//go:noinline
func Box[T any](v T) *T {
	x := v
	Sink = v
	return &x
}
EOF
	cat >"$1/cmd/app/main.go" <<\EOF
package main

import "example.com/gen/b"

type point struct{ x, y int }

func main() {
	p := b.Box(point{1, 2})
	println(p.x)
}
EOF
}

# A cache only ever filled by go runs at a module root: what it replays is
# printed relative to the module root, exactly as a fresh run prints it.
ROOTCACHE="$TOP/build/test-gocache-rootrun"

test_expect_success 'setup: the example, fresh run at the root' '
	copy_example &&
	uniq_copy shop shop-a &&
	(cd shop-a && goescape report --format json >../fresh.json) &&
	test $(json fresh.json "d[\"summary\"][\"heap\"]") -gt 0 &&
	(cd shop && GOCACHE="$ROOTCACHE" go build -gcflags=example.com/shop/...=-m ./... >../compiler.out 2>&1) &&
	grep -E "escapes to heap|moved to heap" compiler.out | grep -v "^/" |
		sed "s|^\./||" | LC_ALL=C sort -u >compiler.heap &&
	heap_lines fresh.json >actual &&
	test_cmp compiler.heap actual
'

test_expect_success 'a second run (cache hit) gives identical JSON' '
	(cd shop-a && goescape report --format json >../hit.json) &&
	test_cmp fresh.json hit.json
'

test_expect_success 'a run from a subdirectory gives identical JSON' '
	(cd shop-a/cart && goescape report --format json >../../sub.json) &&
	test_cmp fresh.json sub.json
'

test_expect_success 'cache filled from a subdirectory, report from the root' '
	uniq_copy shop shop-b &&
	(cd shop-b/cart && goescape report --format json >../../b-sub.json) &&
	test_cmp fresh.json b-sub.json &&
	(cd shop-b && goescape report --format json >../b-root.json) &&
	test_cmp fresh.json b-root.json
'

test_expect_success 'cache filled from one subdirectory, report from another' '
	uniq_copy shop shop-c &&
	mkdir -p shop-c/docs &&
	(cd shop-c/cart && goescape report --format json >/dev/null) &&
	(cd shop-c/docs && goescape report --format json >../../c-docs.json) &&
	test_cmp fresh.json c-docs.json
'

test_expect_success 'cache filled by goescape build in a subdirectory, report at the root' '
	uniq_copy shop shop-d &&
	(cd shop-d/cart && goescape build ./... 2>../../d-build.err) &&
	grep -q "^goescape: [0-9]* heap escapes in 1 package$" d-build.err &&
	(cd shop-d && goescape report --format json >../d-root.json) &&
	test_cmp fresh.json d-root.json
'

test_expect_success 'a copy of the module at another path replays the first run'"'"'s paths' '
	uniq_copy shop shop-e &&
	(cd shop-e/cart && goescape report --format json >/dev/null) &&
	mkdir -p elsewhere/deeper shop-e/docs &&
	cp -R shop-e elsewhere/deeper/shop-copy &&
	(cd elsewhere/deeper/shop-copy/docs && goescape report --format json >../../../../e-copy.json) &&
	test_cmp fresh.json e-copy.json &&
	(cd elsewhere/deeper/shop-copy && goescape report --format json >../../../e-copy-root.json) &&
	test_cmp fresh.json e-copy-root.json
'

test_expect_success 'report --input of output printed in a subdirectory' '
	uniq_copy shop shop-f &&
	(cd shop-f/cart && go build -gcflags=-m ../... 2>../../f-sub.out) &&
	grep -q "^\.\./main.go:.*escapes to heap" f-sub.out &&
	grep -q "^\./cart.go:.*moved to heap" f-sub.out &&
	(cd shop-f && goescape report --format json --input ../f-sub.out >../f.json) &&
	heap_lines f.json >actual &&
	test_cmp compiler.heap actual
'

test_expect_success 'setup: a module whose escapes are reported under another package' '
	make_genmod gen &&
	(cd gen && GOCACHE="$ROOTCACHE" go build \
		-gcflags=example.com/gen/...=-m ./... >../gen-compiler.out 2>&1) &&
	grep -E "escapes to heap|moved to heap" gen-compiler.out | grep -v "^/" |
		sed "s|^\./||" | LC_ALL=C sort -u >gen-compiler.heap &&
	grep -q "^b/b.go:9:2: moved to heap" gen-compiler.heap &&
	uniq_copy gen gen-a &&
	(cd gen-a && goescape report --format json >../gen-fresh.json) &&
	heap_lines gen-fresh.json >actual &&
	test_cmp gen-compiler.heap actual &&
	json gen-fresh.json "sorted(set((x[\"package\"], x[\"file\"], x[\"function\"]) for x in d[\"diagnostics\"]))" >actual &&
	echo "[(${SQ}example.com/gen/cmd/app${SQ}, ${SQ}b/b.go${SQ}, ${SQ}Box${SQ})]" >expect &&
	test_cmp expect actual
'

test_expect_success 'other package'"'"'s file: cache filled from cmd/app, report from the root' '
	uniq_copy gen gen-b &&
	(cd gen-b/cmd/app && goescape report --format json >../../../g2-app.json) &&
	test_cmp gen-fresh.json g2-app.json &&
	(cd gen-b && goescape report --format json >../g2-root.json) &&
	test_cmp gen-fresh.json g2-root.json
'

test_expect_success 'other package'"'"'s file: cache filled from the root, report from cmd/app and b' '
	(cd gen-a/cmd/app && goescape report --format json >../../../g1-app.json) &&
	test_cmp gen-fresh.json g1-app.json &&
	(cd gen-a/b && goescape report --format json >../../g1-b.json) &&
	test_cmp gen-fresh.json g1-b.json
'

test_expect_success 'other package'"'"'s file: a copy of the module, cache filled elsewhere' '
	uniq_copy gen gen-c &&
	(cd gen-c/cmd && goescape report --format json >/dev/null) &&
	mkdir -p far/away gen-c/docs/x &&
	cp -R gen-c far/away/gen2 &&
	(cd far/away/gen2/docs/x && goescape report --format json >../../../../../g3.json) &&
	test_cmp gen-fresh.json g3.json
'

test_done
