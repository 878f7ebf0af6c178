#!/usr/bin/env bash
# suggest never proposes a rewrite that breaks a source assertion: here
# the rewrite of fmt.Sprintf into strconv.AppendInt removes Key's heap
# escape but raises Key's inlining cost past the budget (79 -> 82), so the
# //goescape:inline call of Key in Use would no longer be inlined.  The
# rewrite is skipped, with the reason naming the directive, while the
# same rewrite in Other (no assertion involves it) is kept; without the
# directive both are proposed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-assert.sh"

test_expect_success 'setup: Key at inlining cost 79, its call pinned inline' '
	mkdir m && cd m &&
	write_key_module &&
	git init -q && git add . && git commit -qm sg &&
	goescape assert 2>err && grep -x "goescape: 0 of 1 assertion violated" err
'

test_expect_success 'suggest: the rewrite that breaks the inline assertion is skipped, said why' '
	cd m &&
	goescape suggest --format json -o ../s.json 2>/dev/null &&
	test "$(json ../s.json "[(x[\"function\"], x[\"line\"]) for x in d[\"suggestions\"]]")" = \
		"[('"'"'Other'"'"', 15)]" &&
	test "$(json ../s.json "[(x[\"rule\"], x[\"line\"], x[\"reason\"]) for x in d[\"skipped\"]]")" = \
		"[('"'"'sprintf-bytes'"'"', 7, '"'"'breaks //goescape:inline at p/p.go:11'"'"')]" &&
	goescape suggest --apply 2>/dev/null &&
	git diff >../applied.diff &&
	grep -q "^+.*return strconv.AppendInt(nil, int64(n), 10)" ../applied.diff &&
	! grep "^-.*m := " ../applied.diff &&
	goescape assert 2>err && grep -x "goescape: 0 of 1 assertion violated" err
'

test_expect_success 'the same rewrite without the directive: proposed' '
	cd m && git checkout -q p/p.go &&
	sed -i "s| //goescape:inline||" p/p.go &&
	goescape suggest --format json -o ../s2.json 2>/dev/null &&
	test "$(json ../s2.json "d[\"summary\"][\"suggestions\"]")" = 2
'

test_done
