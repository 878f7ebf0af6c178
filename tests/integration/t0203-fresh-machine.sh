#!/usr/bin/env bash
# A fresh machine (issue 17): README's first two commands are exactly
# 'make demo' and 'make check', and 'make demo' in a fresh clone works with
# nothing typed before it.  The machine is played with fakes first on PATH:
# a pkg-config that finds no library (PKG_CONFIG), a dpkg-query that knows
# no package, an id that says who we are, and an apt-get that records what
# it was asked and makes the libraries findable.  Not root: make stops
# before compiling anything, printing the one apt-get line to run.  Root:
# make runs scripts/bootstrap, which installs, and the demo runs.  (No
# nested 'make check': it would take minutes.)
. "$(dirname "$0")/lib.sh"

command -v make >/dev/null && command -v cc >/dev/null || skip_all "no make or cc"

test_expect_success 'README: the first two commands are make demo and make check' '
	python3 - "$TOP/README.md" >cmds <<-\PY &&
	import re, sys
	text = open(sys.argv[1]).read()
	block = re.search(r"^```sh\n(.*?)^```", text, re.S | re.M).group(1)
	for line in block.splitlines():
	    cmd = line.split("#", 1)[0].strip()
	    if cmd:
	        print(cmd)
	PY
	printf "make demo\nmake check\n" >expect &&
	head -n 2 cmds >actual &&
	test_cmp expect actual &&
	grep -q "with nothing typed before them" "$TOP/README.md" &&
	grep -q "make runs .scripts/bootstrap. first" "$TOP/README.md"
'

test_expect_success 'setup: a fresh clone, and a machine without the libraries' '
	git clone -q "$TOP" fresh &&
	test ! -e fresh/build &&
	mkdir fake &&
	real_pc=$(command -v pkg-config) &&
	real_dpkg=$(command -v dpkg-query) &&
	cat >fake/pkg-config <<-EOF &&
	#!/bin/sh
	# Nothing is installed until apt-get has run.
	[ -e "$TRASH/installed" ] && exec "$real_pc" "\$@"
	echo "Package was not found in the pkg-config search path" >&2
	exit 1
	EOF
	cat >fake/dpkg-query <<-EOF &&
	#!/bin/sh
	[ -e "$TRASH/installed" ] && exec "$real_dpkg" "\$@"
	exit 1
	EOF
	cat >fake/id <<-\EOF &&
	#!/bin/sh
	[ "$1" = -u ] && { echo "$FAKE_UID"; exit 0; }
	exec /usr/bin/id "$@"
	EOF
	cat >fake/apt-get <<-EOF &&
	#!/bin/sh
	echo "apt-get \$*" >>"$TRASH/apt.log"
	case " \$* " in *" install "*) : >"$TRASH/installed" ;; esac
	EOF
	chmod +x fake/* &&
	test_expect_code 1 fake/pkg-config --exists libgit2
'

# make_demo UID: make demo in the clone on the fake machine.
# A fresh machine: nothing of the make that runs this test (make check SANITIZE=...
# passes its variables down through MAKEFLAGS) reaches the fresh clone's make.
make_demo() {
	(cd "$TRASH/fresh" &&
	 env -u GOESCAPE_BIN -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SANITIZE -u WERROR PATH="$TRASH/fake:$PATH" FAKE_UID="$1" \
		PKG_CONFIG="$TRASH/fake/pkg-config" make -j2 demo)
}

test_expect_success 'not root: make demo prints the one apt-get line and stops' '
	test_expect_code 2 make_demo 1000 >out 2>err &&
	cat err &&
	grep -x "bootstrap: run: sudo apt-get update && sudo apt-get install -y .*" err >line &&
	test "$(grep -c apt-get err)" = 1 &&
	for p in gcc make pkg-config libgit2-dev libcjson-dev libpcre2-dev zlib1g-dev; do
		grep -q " $p\( \|$\)" line || { echo "missing $p"; exit 1; }
	done &&
	! grep -q "libcmocka-dev\|valgrind\|cppcheck" line &&
	grep -q "scripts/bootstrap could not install what .demo. needs" err &&
	test ! -e apt.log &&
	test ! -e fresh/build/goescape
'

test_expect_success 'root: make demo runs bootstrap, which installs, then the demo runs' '
	make_demo 0 >out 2>err &&
	cat apt.log &&
	grep -q "^apt-get update" apt.log &&
	grep "^apt-get install -y" apt.log >install &&
	grep -q " libgit2-dev " install &&
	grep -q " libcjson-dev " install &&
	! grep -q "libcmocka-dev" install &&
	grep -q "^bootstrap: installing " err &&
	grep -q "^bootstrap: ok (runtime)" err &&
	test -x fresh/build/goescape &&
	grep -q "^\$ goescape report" out &&
	grep -q "heap escapes\? .*in [0-9]* package" out
'

test_done
