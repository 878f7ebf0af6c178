#!/usr/bin/env bash
# --input cut at a line boundary before a package's block (a build killed
# after the first packages compiled, a capture of only part of the log)
# passed: the missing package's escapes counted as fixed, and an escape
# added there was never seen.  A package that the base reports heap escapes
# for, whose file is still there, and that has no "# pkg" block in the
# input is exit 2.  A package deleted from the tree is not missing.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: the example; a head that adds an escape to package main' '
	copy_example shop &&
	(cd shop && git init -q && git add . && git commit -qm shop &&
	 printf "package main\n\nfunc Leak(n int) *int { return &n }\n" >leak.go &&
	 go build -gcflags=-m ./... 2>../whole.txt) &&
	sed "/^# example.com\/shop\$/,\$d" whole.txt >cut.txt &&
	grep -q "^# example.com/shop/cart" cut.txt &&
	! grep -q "^# example.com/shop\$" cut.txt
'

test_expect_success 'the whole output finds the new escape' '
	(cd shop && test_expect_code 1 goescape check --base main --input ../whole.txt >/dev/null)
'

test_expect_success 'output without package main is exit 2, not 0 new' '
	(cd shop && test_expect_code 2 goescape check --base main --input ../cut.txt >../out 2>../err) &&
	test_cmp /dev/null out &&
	grep -q "example.com/shop" err
'

test_expect_success 'a baseline as the base: the same' '
	(cd shop && rm leak.go && goescape baseline 2>/dev/null &&
	 test_expect_code 2 goescape check --input ../cut.txt >../out 2>../err) &&
	test_cmp /dev/null out && test "$(wc -l <err)" = 1 &&
	grep -q "^goescape: no compiler output for example.com/shop in '"'"'../cut.txt'"'"'" err
'

test_expect_success 'package main deleted: its escapes are fixed, not missing' '
	(cd shop && git add -A && git commit -qm baseline &&
	 git rm -q main.go && go build -gcflags=-m ./... 2>../nomain.txt &&
	 goescape check --base main --input ../nomain.txt >../out) &&
	grep -q "^0 new heap escapes, 2 fixed" out
'

test_done
