#!/usr/bin/env bash
# A Go file whose name holds a newline: go builds it, and the compiler
# prints its name as it is, so each of its -m lines arrives split in two
# and its escapes were lost: check said "0 new" on an escape added there
# (and the second half, "::error::...", reached the CI log as a line of its
# own).  report, check and baseline refuse such a module: exit 2, one line,
# the name escaped.  goescape build stays exactly go build.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: the example; a file named with a newline adds an escape' '
	copy_example shop &&
	(cd shop && git init -q && git add . && git commit -qm shop &&
	 printf "package cart\n\nfunc Box(n int) *int { return &n }\n" >"cart/x
::error::pwn.go" &&
	 go build ./... &&
	 go build -gcflags=-m ./... 2>../m.txt) &&
	grep -q "^::error::pwn.go:3:.*moved to heap: n" m.txt
'

test_expect_success 'check: exit 2, one line naming the file, not 0 new' '
	(cd shop && test_expect_code 2 goescape check --base main >../out 2>../err) &&
	test_cmp /dev/null out &&
	test "$(wc -l <err)" = 1 &&
	grep -q "^goescape: '"'"'cart/x\\\\x0a::error::pwn.go'"'"': a Go file name with a control character" err
'

test_expect_success 'check --input, report and baseline: exit 2 as well' '
	(cd shop && test_expect_code 2 goescape check --base main --input ../m.txt 2>../err) &&
	test "$(wc -l <err)" = 1 &&
	(cd shop && test_expect_code 2 goescape report 2>../err) &&
	test "$(wc -l <err)" = 1 &&
	(cd shop && test_expect_code 2 goescape baseline 2>../err) &&
	test "$(wc -l <err)" = 1 && test ! -e shop/.goescape/baseline.json
'

test_expect_success 'goescape build still builds as go does' '
	(cd shop && goescape build ./... 2>../err) &&
	! grep -q "control character" err
'

test_expect_success 'a nested module is not the module: its names are not looked at' '
	(cd shop && mkdir -p sub/deep other &&
	 printf "module example.com/sub\n\ngo 1.21\n" >sub/go.mod &&
	 mv cart/x* "sub/deep/y
z.go" &&
	 goescape report >../out 2>../err) &&
	! grep -q "control character" err
'

test_expect_success 'a go.mod that is a link to a file marks a nested module as a file does' '
	(cd shop && mv sub/go.mod sub.mod && ln -s ../sub.mod sub/go.mod &&
	 goescape report >../out 2>../err) &&
	! grep -q "control character" err
'

test_expect_success 'a dangling go.mod link marks none (go finds none): the name is refused' '
	(cd shop && rm sub/go.mod && ln -s ../nothing.mod sub/go.mod &&
	 test_expect_code 2 goescape report >../out 2>../err) &&
	grep -q "sub/deep/y\\\\x0az.go'"'"': a Go file name with a control character" err
'

test_expect_success 'a directory reached through a link is not walked (go follows none)' '
	(cd shop && mv sub/deep/y* "other/w
v.go" && rm -rf sub && ln -s other sub2 && mv other ../outside && ln -s ../outside other &&
	 goescape report >../out 2>../err) &&
	! grep -q "control character" err &&
	(cd shop && rm other sub2 && mv ../outside/w* "cart/x
::error::pwn.go" && rmdir ../outside)
'

test_expect_success 'a .go link named with a newline is refused as a file is (go compiles it)' '
	(cd shop && printf "package cart\n\nfunc Lk(n int) *int { return &n }\n" >../lk.txt &&
	 ln -s ../../lk.txt "cart/l
k.go" &&
	 test_expect_code 2 goescape report >../out 2>../err) &&
	test "$(wc -l <err)" = 1 &&
	grep -q "cart/l\\\\x0ak.go'"'"': a Go file name with a control character" err &&
	rm shop/cart/l*k.go
'

test_expect_success 'directories nested past 64: refused, not walked past unseen' '
	(cd shop && mv cart/x* ../xsave && d=deep && for i in $(seq 1 65); do d=$d/d; done &&
	 mkdir -p "$d" && test_expect_code 2 goescape report >../out 2>../err) &&
	test "$(wc -l <err)" = 1 &&
	grep -q "^goescape: '"'"'deep/d/.*/d'"'"': directories nested more than 64 deep" err &&
	rm -rf shop/deep && (cd shop && goescape report >../out) && mv xsave "shop/cart/x
::error::pwn.go"
'

test_expect_success 'renamed, the escape is found: exit 1' '
	(cd shop && mv cart/x* cart/box.go &&
	 test_expect_code 1 goescape check --base main >../out) &&
	grep -q "^1 new heap escape" out
'

test_done
