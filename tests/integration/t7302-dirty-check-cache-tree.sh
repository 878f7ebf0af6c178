#!/usr/bin/env bash
# The dirty check of a captured build reads no tree of HEAD when the index's
# cached tree id (git's TREE extension) says the index is HEAD's tree
# (issue 19: libgit2's status read every tree of HEAD); an index that differs
# from HEAD is still seen as a change: a staged edit, a soft reset.
. "$(dirname "$0")/lib.sh"

command -v strace >/dev/null || skip_all "no strace"
strace -qq -o /dev/null true 2>/dev/null || skip_all "strace cannot trace here"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# object_path REV: the loose object file of REV in repo.
object_path() { id=$(cd repo && git rev-parse "$1") && echo "objects/${id:0:2}/${id:2}"; }
has_note() { (cd repo && git notes --ref=goescape show HEAD >/dev/null 2>&1); }

test_expect_success 'setup: the shop in a repository, two commits' '
	copy_example repo &&
	(cd repo && git init -q && git add . && git commit -qm one &&
		printf "\n// two\n" >>main.go && git commit -qam two)
'

test_expect_success 'a clean build opens no tree object of HEAD below its root' '
	(cd repo && strace -qq -e trace=openat,open -o ../clean.trace \
		"$GOESCAPE_BIN" build -o /dev/null ./... 2>/dev/null) &&
	has_note &&
	tree=$(object_path HEAD:cart) &&
	test -f "repo/.git/$tree" &&
	! grep -q "$tree" clean.trace
'

test_expect_success 'a staged edit (index differs from HEAD, work tree as the index): dirty' '
	(cd repo && git notes --ref=goescape remove HEAD 2>/dev/null &&
		printf "\n// staged\n" >>cart/cart.go && git add cart/cart.go &&
		"$GOESCAPE_BIN" build -o /dev/null ./... 2>/dev/null) &&
	! has_note &&
	(cd repo && git reset -q --hard)
'

test_expect_success 'a soft reset (index holds the newer tree, its cache valid): dirty' '
	(cd repo && git reset -q --soft HEAD~1 &&
		git notes --ref=goescape remove HEAD 2>/dev/null;
		git diff --cached --quiet && exit 1;
		"$GOESCAPE_BIN" build -o /dev/null ./... 2>/dev/null) &&
	! has_note
'

test_done
