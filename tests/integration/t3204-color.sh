#!/usr/bin/env bash
# --color=auto|always|never on the commands that colour (report, check),
# with NO_COLOR and FORCE_COLOR for auto.
. "$(dirname "$0")/lib.sh"
ESC=$(printf "\033")

test_expect_success 'setup: the example and its baseline' '
	copy_example &&
	(cd shop && goescape baseline 2>/dev/null)
'

test_expect_success 'report --color=always colours a pipe; never and auto do not' '
	(cd shop && goescape report --color=always >../always.txt) &&
	grep -q "$ESC\[" always.txt &&
	(cd shop && env -u NO_COLOR "$GOESCAPE_BIN" report --color never >../never.txt) &&
	! grep -q "$ESC" never.txt &&
	(cd shop && env -u NO_COLOR "$GOESCAPE_BIN" report --color=auto >../auto.txt) &&
	test_cmp never.txt auto.txt &&
	sed "s/$ESC\[[0-9;]*m//g" always.txt >stripped &&
	test_cmp never.txt stripped
'

test_expect_success 'FORCE_COLOR colours auto off a terminal; NO_COLOR wins over it' '
	(cd shop && env -u NO_COLOR FORCE_COLOR=1 "$GOESCAPE_BIN" report >../forced.txt) &&
	test_cmp always.txt forced.txt &&
	(cd shop && NO_COLOR=1 FORCE_COLOR=1 goescape report >../nc.txt) &&
	test_cmp never.txt nc.txt &&
	(cd shop && env -u NO_COLOR FORCE_COLOR=0 "$GOESCAPE_BIN" report >../f0.txt) &&
	test_cmp never.txt f0.txt &&
	(cd shop && FORCE_COLOR=1 goescape report --color=never >../fn.txt) &&
	test_cmp never.txt fn.txt
'

test_expect_success 'check --color=always colours its summary, even with NO_COLOR' '
	(cd shop && NO_COLOR=1 goescape check --color=always >../check.txt) &&
	grep -q "^$ESC\[1;32m0 new heap escapes" check.txt
'

test_expect_success '--color=sometimes: exit 2, one line, before any build' '
	(cd shop && GOESCAPE_GO=/nonexistent test_expect_code 2 goescape report --color=sometimes >../out 2>../err) &&
	test ! -s out &&
	test $(wc -l <err) = 1 &&
	grep "sometimes" err
'

test_done
