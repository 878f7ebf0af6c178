#!/usr/bin/env bash
# --input of a build that failed, or of output cut short, is not a report:
# the escapes it lacks would count as fixed and the gate would pass.  In a
# pipeline (go build -gcflags=-m ./... 2>&1 | goescape check --input -) go's
# exit status is lost, so goescape must see it in the output: a main-module
# package with compile errors and no -m line did not compile, and output
# whose last line has no newline was cut (go ends every line it prints).
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: the example in git; a head that adds an escape and does not compile' '
	copy_example shop &&
	(cd shop && git init -q && git add . && git commit -qm shop &&
	 printf "package main\n\nfunc Leak(n int) *int { return &n }\n\nfunc Bad() int { return \"x\" }\n" >leak.go &&
	 test_expect_code 1 go build -gcflags=-m ./... 2>../failed.txt) &&
	grep -q "^# example.com/shop$" failed.txt &&
	grep -q "cannot use" failed.txt
'

test_expect_success 'check --input of a failed build: exit 2 naming the package, not 0 new' '
	(cd shop && test_expect_code 2 goescape check --base main --input ../failed.txt >../out 2>../err) &&
	test_cmp /dev/null out && one_line err &&
	grep -q "example.com/shop did not compile" err
'

test_expect_success 'the same through a pipe, and as go build -json events' '
	(cd shop && go build -gcflags=-m ./... 2>&1 | test_expect_code 2 goescape check --base main --input - 2>../err) &&
	one_line err &&
	(cd shop && go build -json -gcflags=-m ./... 2>/dev/null | test_expect_code 2 goescape check --base main --input - 2>../err) &&
	one_line err && grep -q "example.com/shop did not compile" err
'

test_expect_success 'output cut inside a line: exit 2' '
	rm shop/leak.go &&
	(cd shop && go build -gcflags=-m ./... 2>../whole.txt) &&
	head -c 300 whole.txt >cut.txt &&
	test "$(tail -c 1 cut.txt | od -An -c | tr -d " ")" != "\n" &&
	(cd shop && test_expect_code 2 goescape check --base main --input ../cut.txt >../out 2>../err) &&
	test_cmp /dev/null out && one_line err && grep -q "cut short" err
'

test_expect_success 'the whole output still passes, plain, CRLF and -json' '
	(cd shop && goescape check --base main --input ../whole.txt >../out) &&
	grep -q "^0 new heap escapes" out &&
	sed "s/\$/\r/" whole.txt >crlf.txt &&
	(cd shop && goescape check --base main --input ../crlf.txt >../out) &&
	grep -q "^0 new heap escapes" out &&
	(cd shop && go build -json -gcflags=-m ./... 2>/dev/null | goescape check --base main --input - >../out) &&
	grep -q "^0 new heap escapes" out
'

test_done
