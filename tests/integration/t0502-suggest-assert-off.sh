#!/usr/bin/env bash
# .goescape.json's "assert" off switches reach suggest's assertion filter:
# with {"assert": {"inline": false}} the rewrite that breaks a
# //goescape:inline call (t6206's module) is kept, since that assertion is
# not checked; with the switch on (or absent) it is dropped.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-assert.sh"

test_expect_success 'setup: Key at inlining cost 79, its call pinned inline' '
	mkdir m && cd m &&
	write_key_module &&
	git init -q && git add . && git commit -qm sg
'

# funcs FILE: the functions of FILE'"'"'s suggestions, sorted.
funcs() { json "$1" "sorted(x[\"function\"] for x in d[\"suggestions\"])"; }

test_expect_success 'inline turned off: the rewrite of Key is kept' '
	cd m &&
	echo "{\"assert\": {\"inline\": false}}" >.goescape.json &&
	goescape suggest --format json -o ../off.json 2>/dev/null &&
	test "$(funcs ../off.json)" = "['"'"'Key'"'"', '"'"'Other'"'"']" &&
	test "$(json ../off.json "len(d[\"skipped\"])")" = 0
'

test_expect_success 'inline turned on: the rewrite of Key is dropped, said why' '
	cd m &&
	echo "{\"assert\": {\"inline\": true}}" >.goescape.json &&
	goescape suggest --format json -o ../on.json 2>/dev/null &&
	test "$(funcs ../on.json)" = "['"'"'Other'"'"']" &&
	test "$(json ../on.json "[x[\"reason\"] for x in d[\"skipped\"]]")" = \
		"['"'"'breaks //goescape:inline at p/p.go:11'"'"']"
'

test_expect_success 'noescape turned off leaves the inline filter on' '
	cd m &&
	echo "{\"assert\": {\"noescape\": false}}" >.goescape.json &&
	goescape suggest --format json -o ../ne.json 2>/dev/null &&
	test "$(funcs ../ne.json)" = "['"'"'Other'"'"']"
'

test_done
