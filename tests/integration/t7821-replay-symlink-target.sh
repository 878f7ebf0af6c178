#!/usr/bin/env bash
# The replay fast path and a Go file that is a symbolic link (issue 19,
# review): go reads the link's target, which may be outside the work tree,
# where git sees no change when it is edited.  An edit there that leaves
# go's output alone (a trailing //goescape:noescape) changes the summary:
# the replay entry, dirty or clean, must not print the summary of the
# target as it was.  A build of the same tree still replays.
. "$(dirname "$0")/lib.sh"

command -v strace >/dev/null || skip_all "no strace"
strace -qq -o /dev/null true 2>/dev/null || skip_all "strace cannot trace here"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# traced NAME ARGS...: goescape ARGS in repo, its own opens in NAME.trace,
# stderr in NAME.err.
traced() {
	name=$1 && shift &&
	(cd repo && strace -qq -e trace=openat,open,clone,clone3,vfork,fork -o "../$name.trace" \
		"$GOESCAPE_BIN" "$@" 2>"../$name.err")
}
# opens_go NAME: did goescape itself read a Go source file once go was started?
opens_go() { sed -n '/^clone\|^vfork\|^fork/,$p' "$1.trace" | grep -q '\.go", O_RDONLY'; }
assert_line="goescape: 1 noescape assertion violated (see 'goescape assert', which checks inline and bce too)"
mark() { sed -i "s|^\treturn &Cart{}$|\treturn \\&Cart{} //goescape:noescape|" outside/cart.go &&
	grep -q "Cart{} //goescape:noescape" outside/cart.go; }
unmark() { sed -i "s|^\treturn &Cart{} //goescape:noescape$|\treturn \\&Cart{}|" outside/cart.go &&
	! grep -q "goescape:noescape" outside/cart.go; }

test_expect_success 'setup: the shop committed, cart.go a link to a file outside the work tree' '
	copy_example repo &&
	(cd repo && git init -q && git add . && git commit -qm shop) &&
	mkdir outside && mv repo/cart/cart.go outside/cart.go &&
	ln -s ../../outside/cart.go repo/cart/cart.go &&
	(cd repo && git status --porcelain >../st) && grep -q "cart/cart.go" st
'

test_expect_success 'dirty tree: the target edited, the replay does not print the old summary' '
	traced d1 build -o /dev/null ./... && ! grep -qxF "$assert_line" d1.err &&
	traced d2 build -o /dev/null ./... && ! opens_go d2 && test_cmp d1.err d2.err &&
	mark &&
	traced d3 build -o /dev/null ./... && opens_go d3 &&
	grep -qxF "$assert_line" d3.err &&
	traced d4 build -o /dev/null ./... && ! opens_go d4 && test_cmp d3.err d4.err
'

# c3 misses with the state read beside the build: it stores nothing and
# removes the clean entry; c4 reads the state first and stores (t7301).
test_expect_success 'clean tree, the link committed: the target edited, no stale replay' '
	(cd repo && git add cart/cart.go && git commit -qm link && git status --porcelain >../st) &&
	! test -s st &&
	traced c1 build -o /dev/null ./... && grep -qxF "$assert_line" c1.err &&
	traced c2 build -o /dev/null ./... && ! opens_go c2 && test_cmp c1.err c2.err &&
	unmark &&
	traced c3 build -o /dev/null ./... && opens_go c3 &&
	! grep -qxF "$assert_line" c3.err &&
	traced c4 build -o /dev/null ./... && opens_go c4 && test_cmp c3.err c4.err &&
	traced c5 build -o /dev/null ./... && ! opens_go c5 && test_cmp c3.err c5.err
'

test_done
