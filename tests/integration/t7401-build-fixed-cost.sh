#!/usr/bin/env bash
# A captured build's fixed cost (issue 19): libgit2's init parses no CA
# bundle (lib/git.c defines the two mbedTLS functions libgit2 would parse
# it with; goescape never uses the network), and the noescape-assertion
# summary after a build reuses what attribution learned about each file,
# so a dirty build opens each of the module's source files once.
. "$(dirname "$0")/lib.sh"

command -v strace >/dev/null || skip_all "no strace"
strace -f -qq -o /dev/null true 2>/dev/null || skip_all "strace cannot trace here"
# LeakSanitizer cannot run under ptrace: a sanitizer build is traced with
# its leak check off (every other test checks leaks).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# Only goescape's own process is traced (no -f: go and the compiler read
# the sources too).
trace() { strace -qq -e trace=openat,open,stat,newfstatat,statx -o "$@"; }
CA=/etc/ssl/certs/ca-certificates.crt

test_expect_success 'setup: the shop in a fresh repository' '
	copy_example repo &&
	(cd repo && git init -q && git add . && git commit -qm shop)
'

test_expect_success 'a whole-module build: libgit2 starts, the note is stored, no CA bundle read' '
	(cd repo && trace ../first.trace "$GOESCAPE_BIN" build -o /dev/null ./... 2>../first.err) &&
	(cd repo && git notes --ref=goescape show HEAD >/dev/null) &&
	grep -q "^goescape: .* heap escapes in 2 packages" first.err &&
	if nm -D "$(ldd "$GOESCAPE_BIN" | sed -n "s/.*libgit2[^ ]* => \([^ ]*\).*/\1/p")" 2>/dev/null |
		grep -q " U mbedtls_x509_crt_parse_file$"
	then
		# mbedTLS: its init still looks whether the bundle is there
		grep -q "\"$CA\"" first.trace
	fi &&
	! grep -q "open.*\"$CA\"" first.trace &&
	! grep -q "open.*/etc/ssl/certs" first.trace
'

test_expect_success 'the replay of the clean tree reads no CA bundle either' '
	(cd repo && trace ../replay.trace "$GOESCAPE_BIN" build -o /dev/null ./... 2>../replay.err) &&
	test_cmp first.err replay.err &&
	! grep -q "open.*/etc/ssl/certs" replay.trace
'

# opens_once TRACE: no module source file is opened twice.
opens_once() {
	grep "^open.*\"$TRASH/repo/[^\"]*\.go\"" "$1" | grep -v ENOENT |
		sed "s/^[^\"]*\"\([^\"]*\)\".*/\1/" | sort | uniq -d >"$1.twice" &&
	! test -s "$1.twice"
}

test_expect_success 'a dirty build opens each source file once' '
	(cd repo && echo "// not committed" >>main.go &&
		trace ../dirty.trace "$GOESCAPE_BIN" build -o /dev/null ./... 2>../dirty.err) &&
	grep -q "^goescape: .* heap escapes in 2 packages" dirty.err &&
	grep -q "^open.*$TRASH/repo/cart/cart.go\"" dirty.trace &&
	opens_once dirty.trace
'

test_expect_success 'a noescape assertion the dirty build breaks is still reported' '
	(cd repo && sed -i "s|^\treturn &Cart{}$|\treturn \\&Cart{} //goescape:noescape|" cart/cart.go &&
		grep -q "Cart{} //goescape:noescape" cart/cart.go &&
		trace ../assert.trace "$GOESCAPE_BIN" build -o /dev/null ./... 2>../assert.err) &&
	grep -x "goescape: 1 noescape assertion violated (see '"'"'goescape assert'"'"', which checks inline and bce too)" assert.err &&
	(cd repo && git checkout -q cart/cart.go && "$GOESCAPE_BIN" build -o /dev/null ./... 2>../clean.err) &&
	! grep -q assertion clean.err
'

test_done
