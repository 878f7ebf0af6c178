#!/usr/bin/env bash
# The replay fast path of a captured build (issue 19): when go prints what it
# printed when HEAD's note was stored, in the same configuration, on a clean
# tree, goescape attributes nothing and writes nothing (no Go source opened
# by goescape itself, no note written) and prints the same summary with the
# same exit code.  It is not taken when a file changed, the configuration
# changed (.goescape.json, -tags, GOFLAGS's -gcflags), HEAD moved, or go's
# output is not what the entry holds, or HEAD's note is not the one the entry
# was made with (another configuration's build rewrote it, or it was removed).
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lib-replay.sh"

test_expect_success 'setup: the shop in a repository, .goescape.json ignored by git' '
	copy_example repo &&
	(cd repo && printf ".goescape.json\n" >.gitignore && git init -q && git add . &&
		git commit -qm shop)
'

test_expect_success 'first build: attributes, stores the note and the replay entry' '
	traced first build -o /dev/null ./... &&
	echo 0 >expect.rc && test_cmp expect.rc first.rc &&
	opens_go first && writes_git first &&
	grep "^goescape: 8 heap escapes in 2 packages$" first.err &&
	(cd repo && git notes --ref=goescape show HEAD >/dev/null) &&
	test "$(ls repo/.git/goescape/replay | wc -l)" = 1
'

test_expect_success 'second build: no Go file opened, nothing written, the same summary' '
	notes_ref >ref1 &&
	traced second build -o /dev/null ./... &&
	test_cmp expect.rc second.rc &&
	! opens_go second && ! writes_git second &&
	test_cmp first.err second.err &&
	notes_ref >ref2 && test_cmp ref1 ref2
'

test_expect_success 'a file changed (dirty tree): attributed again' '
	printf "\n// changed\n" >>repo/cart/cart.go &&
	traced dirty build -o /dev/null ./... &&
	test_cmp expect.rc dirty.rc && opens_go dirty &&
	test_cmp first.err dirty.err &&
	(cd repo && git checkout -q cart/cart.go)
'

test_expect_success 'another .goescape.json: attributed again' '
	printf "{\"fail_on\": [\"moved\"]}\n" >repo/.goescape.json &&
	traced conf build -o /dev/null ./... &&
	test_cmp expect.rc conf.rc && opens_go conf && test_cmp first.err conf.err &&
	traced conf2 build -o /dev/null ./... &&
	! opens_go conf2 && test_cmp first.err conf2.err &&
	rm repo/.goescape.json
'

test_expect_success 'another configuration (-tags, GOFLAGS -gcflags): attributed again' '
	traced tags build -tags goescapetest -o /dev/null ./... &&
	test_cmp expect.rc tags.rc && opens_go tags && test_cmp first.err tags.err &&
	GOFLAGS=-gcflags=example.com/shop/cart=-N traced gcf build -o /dev/null ./... &&
	test_cmp expect.rc gcf.rc && opens_go gcf &&
	traced back build -o /dev/null ./... &&
	test_cmp first.err back.err
'

# An entry names the note blob it was made with: a build of another
# configuration that rewrote the note makes it a miss once, until each
# configuration has been built again against the note that holds them all.
test_expect_success 'each configuration replays once the note holds them all' '
	notes_ref >ref3 &&
	traced back2 build -o /dev/null ./... && ! opens_go back2 &&
	traced tags2 build -tags goescapetest -o /dev/null ./... &&
	traced tags3 build -tags goescapetest -o /dev/null ./... && ! opens_go tags3 &&
	traced back3 build -o /dev/null ./... && ! opens_go back3 &&
	test_cmp first.err tags3.err && notes_ref >ref4 && test_cmp ref3 ref4
'

test_expect_success 'another HEAD (a new commit, same tree): attributed, its note stored' '
	(cd repo && git commit -q --allow-empty -m again) &&
	traced newhead build -o /dev/null ./... &&
	test_cmp expect.rc newhead.rc && opens_go newhead && writes_git newhead &&
	test_cmp first.err newhead.err &&
	(cd repo && git notes --ref=goescape show HEAD >/dev/null) &&
	traced newhead2 build -o /dev/null ./... &&
	! opens_go newhead2 && ! writes_git newhead2
'

# The clean entry was good but for go's output, so the state was read
# beside the build (lib/history): the miss stores nothing and removes the
# entry; the next build reads the state first, stores, and the one after
# replays.
test_expect_success 'go printed something else than the entry holds: attributed again' '
	f=$(ls -t repo/.git/goescape/replay/* | head -1) &&
	sed "s/^output [0-9a-f]*/output 0123456789abcdef/" "$f" >entry &&
	cp entry "$f" &&
	notes_ref >ref5 &&
	traced other build -o /dev/null ./... &&
	test_cmp expect.rc other.rc && opens_go other && test_cmp first.err other.err &&
	! test -e "$f" && notes_ref >ref6 && test_cmp ref5 ref6 &&
	traced other2 build -o /dev/null ./... && opens_go other2 &&
	test_cmp first.err other2.err && test -e "$f" &&
	traced other3 build -o /dev/null ./... && ! opens_go other3 && test_cmp first.err other3.err
'

test_expect_success 'HEAD note removed: attributed and stored again' '
	(cd repo && git notes --ref=goescape remove HEAD 2>/dev/null) &&
	traced nonote build -o /dev/null ./... &&
	opens_go nonote && (cd repo && git notes --ref=goescape show HEAD >/dev/null)
'

test_done
