#!/usr/bin/env bash
# Paths do not depend on where goescape runs, nor on whether go compiled
# afresh or replayed its build cache: go replays the stored compiler output
# with paths relative to the directory of the run that filled the cache.
# Each scenario fills its own fresh GOCACHE so the replay is certain.
#
# Bodies are &&-chained: lib.sh runs them as an if-condition, where set -e
# has no effect.
. "$(dirname "$0")/lib.sh"
SQ="'"

heap_lines() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for x in d["diagnostics"]:
    if x["kind"] in ("moved", "escapes"):
        print("%s:%d:%d: %s" % (x["file"], x["line"], x["column"], x["message"]))
' "$1" | LC_ALL=C sort -u
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

test_expect_success 'setup: the example, fresh run at the root' '
	copy_example &&
	(cd shop && GOCACHE="$TRASH/gc-a" goescape report --format json >../fresh.json) &&
	test $(json fresh.json "d[\"summary\"][\"heap\"]") -gt 0
'

test_expect_success 'a second run (cache hit) gives identical JSON' '
	(cd shop && GOCACHE="$TRASH/gc-a" goescape report --format json >../hit.json) &&
	test_cmp fresh.json hit.json
'

test_expect_success 'a run from a subdirectory gives identical JSON' '
	(cd shop/cart && GOCACHE="$TRASH/gc-a" goescape report --format json >../../sub.json) &&
	test_cmp fresh.json sub.json
'

test_expect_success 'cache filled from a subdirectory, report from the root' '
	(cd shop/cart && GOCACHE="$TRASH/gc-b" goescape report --format json >../../b-sub.json) &&
	test_cmp fresh.json b-sub.json &&
	(cd shop && GOCACHE="$TRASH/gc-b" goescape report --format json >../b-root.json) &&
	test_cmp fresh.json b-root.json
'

test_expect_success 'cache filled from one subdirectory, report from another' '
	mkdir -p shop/docs &&
	(cd shop/cart && GOCACHE="$TRASH/gc-c" goescape report --format json >/dev/null) &&
	(cd shop/docs && GOCACHE="$TRASH/gc-c" goescape report --format json >../../c-docs.json) &&
	test_cmp fresh.json c-docs.json
'

test_expect_success 'cache filled by goescape build in a subdirectory, report at the root' '
	(cd shop/cart && GOCACHE="$TRASH/gc-d" goescape build ./... 2>/dev/null) &&
	(cd shop && GOCACHE="$TRASH/gc-d" goescape report --format json >../d-root.json) &&
	test_cmp fresh.json d-root.json
'

test_expect_success 'a copy of the module at another path replays the first run'"'"'s paths' '
	(cd shop/cart && GOCACHE="$TRASH/gc-e" goescape report --format json >/dev/null) &&
	mkdir -p elsewhere/deeper &&
	cp -R shop elsewhere/deeper/shop-copy &&
	(cd elsewhere/deeper/shop-copy/docs && GOCACHE="$TRASH/gc-e" \
		goescape report --format json >../../../../e-copy.json) &&
	test_cmp fresh.json e-copy.json &&
	(cd elsewhere/deeper/shop-copy && GOCACHE="$TRASH/gc-e" \
		goescape report --format json >../../../e-copy-root.json) &&
	test_cmp fresh.json e-copy-root.json
'

test_expect_success 'report --input of a replay captured in a subdirectory' '
	(cd shop/cart && GOCACHE="$TRASH/gc-f" go build -gcflags=-m ../... 2>../../f-sub.out) &&
	grep -q "^\.\./main.go:.*escapes to heap" f-sub.out &&
	grep -q "^\./cart.go:.*moved to heap" f-sub.out &&
	(cd shop && goescape report --format json --input ../f-sub.out >../f.json) &&
	heap_lines fresh.json >expect &&
	heap_lines f.json >actual &&
	test_cmp expect actual
'

test_expect_success 'setup: a module whose escapes are reported under another package' '
	make_genmod gen &&
	(cd gen && GOCACHE="$TRASH/gocache-compiler" go build \
		-gcflags=example.com/gen/...=-m ./... >../gen-compiler.out 2>&1) &&
	grep -E "escapes to heap|moved to heap" gen-compiler.out | grep -v "^/" |
		sed "s|^\./||" | LC_ALL=C sort -u >gen-compiler.heap &&
	grep -q "^b/b.go:9:2: moved to heap" gen-compiler.heap &&
	(cd gen && GOCACHE="$TRASH/gc-g1" goescape report --format json >../gen-fresh.json) &&
	heap_lines gen-fresh.json >actual &&
	test_cmp gen-compiler.heap actual &&
	json gen-fresh.json "sorted(set((x[\"package\"], x[\"file\"], x[\"function\"]) for x in d[\"diagnostics\"]))" >actual &&
	echo "[(${SQ}example.com/gen/cmd/app${SQ}, ${SQ}b/b.go${SQ}, ${SQ}Box${SQ})]" >expect &&
	test_cmp expect actual
'

test_expect_success 'other package'"'"'s file: cache filled from cmd/app, report from the root' '
	(cd gen/cmd/app && GOCACHE="$TRASH/gc-g2" goescape report --format json >../../../g2-app.json) &&
	test_cmp gen-fresh.json g2-app.json &&
	(cd gen && GOCACHE="$TRASH/gc-g2" goescape report --format json >../g2-root.json) &&
	test_cmp gen-fresh.json g2-root.json
'

test_expect_success 'other package'"'"'s file: cache filled from the root, report from cmd/app and b' '
	(cd gen/cmd/app && GOCACHE="$TRASH/gc-g1" goescape report --format json >../../../g1-app.json) &&
	test_cmp gen-fresh.json g1-app.json &&
	(cd gen/b && GOCACHE="$TRASH/gc-g1" goescape report --format json >../../g1-b.json) &&
	test_cmp gen-fresh.json g1-b.json
'

test_expect_success 'other package'"'"'s file: a copy of the module, cache filled elsewhere' '
	(cd gen/cmd && GOCACHE="$TRASH/gc-g3" goescape report --format json >/dev/null) &&
	mkdir -p far/away &&
	cp -R gen far/away/gen2 &&
	(cd far/away/gen2/b && GOCACHE="$TRASH/gc-g3" goescape report --format json >../../../../g3.json) &&
	test_cmp gen-fresh.json g3.json
'

test_done
