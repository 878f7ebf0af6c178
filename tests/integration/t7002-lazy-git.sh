#!/usr/bin/env bash
# A captured build starts libgit2 only when its report may be stored as
# HEAD's note (issue 19): outside any repository, or for a build of some
# packages only, libgit2 is not initialised at all (its init parses the
# system CA bundle, a quarter of a warm build); a whole-module build in a
# repository still stores its note, and a rebuild of the same clean tree
# writes no new notes commit.
. "$(dirname "$0")/lib.sh"

command -v strace >/dev/null || skip_all "no strace"
strace -f -qq -o /dev/null true 2>/dev/null || skip_all "strace cannot trace here"
# LeakSanitizer cannot run under ptrace: a sanitizer build is traced with
# its leak check off (every other test checks leaks).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# opens_ca LOG: did the traced run look for the CA bundle (libgit2's
# mbedTLS init stats it; since lib/git.c's no-CA functions it never opens
# it, t7401)?
opens_ca() { grep -q 'ca-certificates\|/etc/ssl/certs' "$1"; }

test_expect_success 'setup: the shop outside git and inside a fresh repository' '
	copy_example plain &&
	copy_example repo &&
	(cd repo && git init -q && git add . && git commit -qm shop)
'

test_expect_success 'whole-module build in a repository: libgit2 runs, the note is stored' '
	(cd repo && strace -f -qq -e trace=openat,open,stat,newfstatat,statx -o ../in-repo.trace \
		"$GOESCAPE_BIN" build -o /dev/null ./... 2>../in-repo.err) &&
	opens_ca in-repo.trace &&
	(cd repo && git notes --ref=goescape show HEAD >/dev/null)
'

test_expect_success 'outside any repository: the same build, no libgit2' '
	(cd plain && strace -f -qq -e trace=openat,open,stat,newfstatat,statx -o ../plain.trace \
		"$GOESCAPE_BIN" build -o /dev/null ./... 2>../plain.err) &&
	! opens_ca plain.trace &&
	test_cmp in-repo.err plain.err
'

test_expect_success 'a build of one package in a repository: no libgit2, no note' '
	(cd repo && git notes --ref=goescape remove HEAD 2>/dev/null &&
		strace -f -qq -e trace=openat,open,stat,newfstatat,statx -o ../pkg.trace \
		"$GOESCAPE_BIN" build -o /dev/null ./cart 2>/dev/null) &&
	! opens_ca pkg.trace &&
	(cd repo && test_expect_code 1 git notes --ref=goescape show HEAD >/dev/null 2>&1)
'

test_expect_success 'a rebuild of the same clean tree writes no new notes commit' '
	(cd repo && goescape build -o /dev/null ./... 2>/dev/null &&
		git rev-parse refs/notes/goescape >../n1 &&
		goescape build -o /dev/null ./... 2>/dev/null &&
		git rev-parse refs/notes/goescape >../n2) &&
	test_cmp n1 n2
'

test_done
