#!/usr/bin/env bash
# An untracked directory that is a git repository of its own (issue 19,
# review): libgit2's status lists it as one entry ("sub/") and does not
# look inside, but go compiles its Go files as part of the module when it
# holds no go.mod.  Such a tree is not HEAD's: its build must store no note
# for HEAD, and an edit inside it must not replay the summary of before.
. "$(dirname "$0")/lib.sh"

assert_line="goescape: 1 noescape assertion violated (see 'goescape assert', which checks inline and bce too)"

test_expect_success 'setup: the shop committed, its clean build stored' '
	copy_example repo &&
	(cd repo && git init -q && git add . && git commit -qm shop &&
		"$GOESCAPE_BIN" build -o /dev/null ./... 2>../clean.err &&
		git notes --ref=goescape show HEAD >../note0) &&
	grep -q "in 2 packages" clean.err
'

test_expect_success 'a nested repository with a package: no note for HEAD, the tree is dirty' '
	mkdir -p repo/sub/cart2 && (cd repo/sub && git init -q) &&
	sed "s/^package cart\$/package cart2/" repo/cart/cart.go >repo/sub/cart2/cart.go &&
	(cd repo && git status --porcelain >../st) && grep -qx "?? sub/" st &&
	(cd repo && "$GOESCAPE_BIN" build -o /dev/null ./... 2>../nested.err) &&
	grep -q "in 3 packages" nested.err &&
	(cd repo && git notes --ref=goescape show HEAD >../note1) &&
	test_cmp note0 note1 &&
	(cd repo && "$GOESCAPE_BIN" build -o /dev/null ./... 2>../nested2.err) &&
	test_cmp nested.err nested2.err
'

test_expect_success 'an edit inside the nested repository is not replayed away' '
	sed -i "s|^\treturn &Cart{}\$|\treturn \\&Cart{} //goescape:noescape|" repo/sub/cart2/cart.go &&
	grep -q "Cart{} //goescape:noescape" repo/sub/cart2/cart.go &&
	(cd repo && "$GOESCAPE_BIN" build -o /dev/null ./... 2>../edited.err) &&
	grep -qxF "$assert_line" edited.err
'

test_done
