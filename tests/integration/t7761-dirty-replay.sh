#!/usr/bin/env bash
# The replay fast path of a dirty tree (issue 19): a whole-module build of a
# tree with uncommitted changes stores no note, but when go prints what it
# printed for the same changes (the same files changed, each with the same
# stat data), on the same HEAD with the same note, in the same
# configuration, goescape attributes nothing and writes nothing and prints
# the summary (assertions included) it printed then, with the same exit
# code.  It is not taken when the changed file is edited again, another file
# changes, a file is added or staged, the configuration or HEAD changes, or
# go's output is not what the entry holds; an entry is not made when the
# tree changed under the build; the clean tree's entry stays beside it.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lib-replay.sh"
# dirty_entry: the replay entry of a dirty tree (state 1), if any.
dirty_entry() { grep -l "^state 1 " repo/.git/goescape/replay/* 2>/dev/null; }

test_expect_success 'setup: the shop committed, its clean build stored' '
	copy_example repo &&
	(cd repo && git init -q && git add . && git commit -qm shop) &&
	traced clean build -o /dev/null ./... &&
	echo 0 >expect.rc && test_cmp expect.rc clean.rc &&
	(cd repo && git notes --ref=goescape show HEAD >/dev/null) &&
	traced clean2 build -o /dev/null ./... && ! opens_go clean2
'

test_expect_success 'a dirty build attributes, stores no note, makes the dirty entry' '
	notes_ref >ref0 &&
	printf "\n// changed\n" >>repo/cart/cart.go &&
	traced dirty build -o /dev/null ./... &&
	test_cmp expect.rc dirty.rc && opens_go dirty &&
	test_cmp clean.err dirty.err &&
	notes_ref >ref1 && test_cmp ref0 ref1 &&
	test -n "$(dirty_entry)"
'

test_expect_success 'the same dirty tree again: no Go file opened, nothing written, same summary' '
	traced dirty2 build -o /dev/null ./... &&
	test_cmp expect.rc dirty2.rc && ! opens_go dirty2 && ! writes_git dirty2 &&
	test_cmp dirty.err dirty2.err &&
	notes_ref >ref2 && test_cmp ref0 ref2
'

test_expect_success 'a noescape assertion the dirty tree breaks is replayed too' '
	(cd repo && sed -i "s|^\treturn &Cart{}$|\treturn \\&Cart{} //goescape:noescape|" cart/cart.go &&
		grep -q "Cart{} //goescape:noescape" cart/cart.go) &&
	traced assert build -o /dev/null ./... &&
	test_cmp expect.rc assert.rc && opens_go assert &&
	grep -x "goescape: 1 noescape assertion violated (see '"'"'goescape assert'"'"', which checks inline and bce too)" assert.err &&
	traced assert2 build -o /dev/null ./... &&
	test_cmp expect.rc assert2.rc && ! opens_go assert2 &&
	test_cmp assert.err assert2.err
'

test_expect_success 'the changed file edited again (same bytes back): attributed' '
	(cd repo && cp cart/cart.go ../cart.go && sleep 1 && cp ../cart.go cart/cart.go) &&
	traced again build -o /dev/null ./... &&
	test_cmp expect.rc again.rc && opens_go again && test_cmp assert.err again.err &&
	traced again2 build -o /dev/null ./... && ! opens_go again2
'

test_expect_success 'another file changed too: attributed' '
	printf "\n// also\n" >>repo/main.go &&
	traced other build -o /dev/null ./... &&
	opens_go other && test_cmp assert.err other.err &&
	traced other2 build -o /dev/null ./... && ! opens_go other2
'

test_expect_success 'an untracked Go file added: attributed' '
	printf "package main\n" >repo/extra.go &&
	traced untracked build -o /dev/null ./... &&
	test_cmp expect.rc untracked.rc && opens_go untracked &&
	traced untracked2 build -o /dev/null ./... && ! opens_go untracked2
'

test_expect_success 'the change staged: attributed' '
	(cd repo && git add extra.go) &&
	traced staged build -o /dev/null ./... &&
	test_cmp expect.rc staged.rc && opens_go staged &&
	traced staged2 build -o /dev/null ./... && ! opens_go staged2
'

test_expect_success 'another configuration (-tags) on the same tree: attributed' '
	traced tags build -tags goescapetest -o /dev/null ./... &&
	test_cmp expect.rc tags.rc && opens_go tags && test_cmp staged.err tags.err
'

test_expect_success 'go printed something else than the entry holds: attributed' '
	traced base build -o /dev/null ./... && ! opens_go base &&
	test -n "$(dirty_entry)" &&
	for f in $(dirty_entry); do
		sed "s/^output [0-9a-f]*/output 0123456789abcdef/" "$f" >entry && cp entry "$f" || return 1
	done &&
	traced changed build -o /dev/null ./... &&
	test_cmp expect.rc changed.rc && opens_go changed && test_cmp base.err changed.err &&
	traced changed2 build -o /dev/null ./... && ! opens_go changed2
'

test_expect_success 'another HEAD (an empty commit), the same changes: attributed' '
	(cd repo && git rm -q --cached extra.go) &&
	traced unstaged build -o /dev/null ./... && opens_go unstaged &&
	traced unstaged2 build -o /dev/null ./... && ! opens_go unstaged2 &&
	(cd repo && git commit -q --allow-empty -m again && git status --porcelain >../st &&
		grep -q "cart/cart.go" ../st && grep -q "extra.go" ../st) &&
	traced newhead build -o /dev/null ./... &&
	test_cmp expect.rc newhead.rc && opens_go newhead && test_cmp unstaged.err newhead.err &&
	traced newhead2 build -o /dev/null ./... && ! opens_go newhead2
'

test_expect_success 'the tree changed under the build: no entry made' '
	rm -f $(dirty_entry) && test -z "$(dirty_entry)" &&
	fake_go edits "echo // during >>$TRASH/repo/main.go" &&
	(cd repo && GOESCAPE_GO="$TRASH/edits/bin/go" "$GOESCAPE_BIN" build -o /dev/null ./... \
		2>../during.err) &&
	grep -q "^goescape: .* heap escapes in 2 packages" during.err &&
	grep -q "// during" repo/main.go &&
	test -z "$(dirty_entry)" &&
	traced after build -o /dev/null ./... && opens_go after && test -n "$(dirty_entry)"
'

test_expect_success 'back to the clean tree: its own entry still replays' '
	(cd repo && git reset -q --hard HEAD~1 && rm extra.go && git status --porcelain >../status) &&
	! test -s status &&
	traced back build -o /dev/null ./... &&
	test_cmp expect.rc back.rc && ! opens_go back && ! writes_git back &&
	test_cmp clean.err back.err
'

test_done
