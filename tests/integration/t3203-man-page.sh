#!/usr/bin/env bash
# goescape.1: generated at build time from the option tables (goescape
# --man), rendered by man -l, and installed by make install.
. "$(dirname "$0")/lib.sh"

command -v man >/dev/null 2>&1 || skip_all "man is not installed (scripts/bootstrap installs man-db)"

test_expect_success 'man -l renders the page: every command and its options' '
	goescape --man >goescape.1 &&
	MANWIDTH=100 man -l goescape.1 2>err | col -b >page &&
	test ! -s err &&
	grep "^NAME" page &&
	tr -s "[:blank:]" " " <page | grep "goescape check \[--base REV\]" &&
	for c in report baseline check log hook suggest completion; do
		grep -q "^   $c\$" page || { echo "no section for $c"; return 1; }
		goescape $c --help | sed -n "/^options:/,\$p" | grep -o -- "--[a-z][a-z-]*" | sort -u |
		while read -r o; do
			[ "$o" = --help ] || grep -q -- "$o" page || { echo "$c: $o not in the page"; exit 1; }
		done || return 1
	done &&
	grep "FORCE_COLOR" page &&
	grep "GOESCAPE_PROGRESS" page
'

bindir=$(cd "$(dirname "$GOESCAPE_BIN")" && pwd)
test_expect_success 'the build made goescape.1 from the same tables' '
	test -f "$bindir/goescape.1" &&
	test_cmp goescape.1 "$bindir/goescape.1"
'

case "$bindir" in
"$TOP"/*)
	test_expect_success 'make install puts goescape.1 in share/man/man1' '
		env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$TOP" BUILD="${bindir#"$TOP"/}" \
			install DESTDIR="$TRASH/dest" PREFIX=/usr >make.out 2>&1 &&
		test -x dest/usr/bin/goescape &&
		test_cmp goescape.1 dest/usr/share/man/man1/goescape.1 &&
		MANPATH="$TRASH/dest/usr/share/man" man -w goescape >where &&
		grep "dest/usr/share/man/man1/goescape.1" where
	'
	;;
*) echo "# $GOESCAPE_BIN is not in this tree's build: make install not tried" ;;
esac

test_done
