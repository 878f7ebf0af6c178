#!/usr/bin/env bash
# go.work workspaces: every module of the workspace is a main module, so
# each gets -m and its escapes are reported, with files relative to the
# go.work directory.  GOWORK=off and GOWORK=FILE are honoured.
#
# Bodies are &&-chained: lib.sh runs them as an if-condition, where set -e
# has no effect.
. "$(dirname "$0")/lib.sh"
# A cache only ever filled by go runs at a module root: what it replays is
# printed relative to the module root, exactly as a fresh run prints it.
ROOTCACHE="$TOP/build/test-gocache-rootrun"
SQ="'"

# ws/go.work uses ./a and ./b; b/inner imports a.
make_ws() {
	mkdir -p "$1/a" "$1/b/inner" &&
	printf "module example.com/a\n\ngo 1.22\n" >"$1/a/go.mod" &&
	cat >"$1/a/a.go" <<\EOF &&
package a

// P returns a pointer to a fresh int.
func P() *int {
	x := 1
	return &x
}
EOF
	printf "module example.com/b\n\ngo 1.22\n" >"$1/b/go.mod" &&
	cat >"$1/b/inner/inner.go" <<\EOF &&
package inner

import "example.com/a"

var sink interface{}

// Keep boxes v.
func Keep(v int) *int {
	sink = v
	return a.P()
}
EOF
	printf "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n" >"$1/go.work"
}

test_expect_success 'setup: a workspace of two modules, and the compiler'"'"'s view of it' '
	make_ws ws &&
	(cd ws && GOCACHE="$ROOTCACHE" go build \
		-gcflags=example.com/a/...=-m -gcflags=example.com/b/...=-m \
		example.com/a/... example.com/b/... >../compiler.out 2>&1) &&
	grep -E "escapes to heap|moved to heap" compiler.out | grep -v "^/" |
		sed "s|^\./||" | LC_ALL=C sort -u >compiler.heap &&
	grep -q "^a/a.go:5:2: moved to heap: x$" compiler.heap &&
	grep -q "^b/inner/inner.go:9:9: v escapes to heap$" compiler.heap
'

test_expect_success 'report at the go.work directory: both modules, go.work-relative files' '
	(cd ws && goescape report --format json >../ws.json) &&
	heap_lines ws.json >actual &&
	test_cmp compiler.heap actual &&
	json ws.json "sorted(set((x[\"package\"], x[\"file\"], x[\"function\"]) for x in d[\"diagnostics\"] if x[\"kind\"] != \"leak\"))" >actual &&
	echo "[(${SQ}example.com/a${SQ}, ${SQ}a/a.go${SQ}, ${SQ}P${SQ}), (${SQ}example.com/b/inner${SQ}, ${SQ}b/inner/inner.go${SQ}, ${SQ}Keep${SQ})]" >expect &&
	test_cmp expect actual
'

test_expect_success 'report from inside a module of the workspace: identical JSON' '
	(cd ws/b/inner && goescape report --format json >../../../inner.json) &&
	test_cmp ws.json inner.json &&
	(cd ws/a && goescape report --format json >../../a.json) &&
	test_cmp ws.json a.json
'

test_expect_success 'report with a fresh cache filled from a module directory' '
	(cd ws/b && GOCACHE="$TRASH/gc-b" goescape report --format json >../../b-fresh.json) &&
	test_cmp ws.json b-fresh.json &&
	(cd ws && GOCACHE="$TRASH/gc-b" goescape report --format json >../b-replay.json) &&
	test_cmp ws.json b-replay.json
'

test_expect_success 'build ./... in one module: the other module, built as its dependency, is analysed too' '
	(cd ws/b && GOESCAPE_VERBOSE=1 goescape build ./... 2>../../err) &&
	grep -q "^# example.com/a$" err &&
	tail -n 1 err >actual &&
	echo "goescape: $(wc -l <compiler.heap) heap escapes in 2 packages" >expect &&
	test_cmp expect actual
'

test_expect_success 'report --input of workspace output captured in a module directory' '
	(cd ws/b/inner && GOCACHE="$TRASH/gc-input" go build -gcflags=-m -gcflags=example.com/a=-m . 2>../../../input.out) &&
	grep -q "^# example.com/a$" input.out &&
	(cd ws && goescape report --format json --input ../input.out >../input.json) &&
	heap_lines input.json >actual &&
	test_cmp compiler.heap actual
'

test_expect_success 'GOWORK=off: just the module, files relative to its root' '
	(cd ws/a && GOWORK=off goescape report --format json >../../off.json) &&
	heap_lines off.json >actual &&
	echo "a.go:5:2: moved to heap: x" >expect &&
	test_cmp expect actual &&
	json off.json "d[\"module\"]" >actual &&
	echo example.com/a >expect &&
	test_cmp expect actual
'

test_expect_success 'GOWORK=FILE names the workspace from another directory' '
	mkdir -p ws/conf &&
	printf "go 1.22\n\nuse (\n\t../a\n\t../b\n)\n" >ws/conf/other.work &&
	(cd ws/a && GOWORK="$TRASH/ws/conf/other.work" GOESCAPE_VERBOSE=1 goescape build ./... 2>../../gowork.err) &&
	grep -q "^# example.com/a$" gowork.err &&
	tail -n 1 gowork.err >actual &&
	echo "goescape: 1 heap escape in 1 package" >expect &&
	test_cmp expect actual
'

# DESIGN: files are relative to the go.work directory.  A module the
# workspace uses from outside that directory must not vanish from the
# report: paths are then relative to the nearest directory holding the
# go.work and every module (no path ever needs "..").
test_expect_success 'a module used from outside the go.work directory is reported, not dropped' '
	mkdir -p outside &&
	printf "module example.com/outside\n\ngo 1.22\n" >outside/go.mod &&
	printf "package outside\n\n// Q returns a pointer.\nfunc Q() *int {\n\tx := 2\n\treturn &x\n}\n" >outside/o.go &&
	cp ws/go.work ws/go.work.orig &&
	printf "\nuse ../outside\n" >>ws/go.work &&
	(cd ws && goescape report --format json >../with-outside.json) &&
	mv ws/go.work.orig ws/go.work &&
	json with-outside.json "\"\\n\".join(sorted(\"%s %s %s\" % (x[\"package\"], x[\"file\"], x[\"function\"]) for x in d[\"diagnostics\"] if x[\"function\"] in (\"P\", \"Q\")))" >actual &&
	cat >expect <<-\EOF &&
	example.com/a ws/a/a.go P
	example.com/outside outside/o.go Q
	EOF
	test_cmp expect actual
'

test_done
