#!/usr/bin/env bash
# //goescape:ignore filtering reuses what attribution read (issue 19): the
# configuration filter parses no source file a second time, and a mark on
# the line or the line above still suppresses, in a comment only.
. "$(dirname "$0")/lib.sh"

command -v strace >/dev/null || skip_all "no strace"
strace -f -qq -o /dev/null true 2>/dev/null || skip_all "strace cannot trace here"
# LeakSanitizer cannot run under ptrace: a sanitizer build is traced with
# its leak check off (every other test checks leaks).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

test_expect_success 'setup: the shop and its compiler output' '
	copy_example shop &&
	(cd shop && go build -gcflags=example.com/shop/...=-m -o /dev/null ./... 2>../m.txt) &&
	grep -q "^cart/cart.go:23:9: &Cart{} escapes to heap$" m.txt
'

test_expect_success 'report --input opens each source file only for attribution' '
	(cd shop && strace -f -qq -e trace=openat,open -o ../opens.trace \
		"$GOESCAPE_BIN" report --input ../m.txt >../report.txt) &&
	grep -q "^    23:9	escapes  &Cart{} escapes to heap$" report.txt &&
	test "$(grep -c "cart/cart.go\"" opens.trace)" -le 2
'

test_expect_success 'a mark above the line, or on it, still suppresses; one in a string does not' '
	(cd shop && sed -i "23s|^|\t// goescape: keep\n\t//goescape:ignore\n|" cart/cart.go &&
		sed -i "s|^\treturn \[\]byte(strconv.Itoa(n))$|\treturn []byte(strconv.Itoa(n)) //goescape:ignore|" cart/cart.go &&
		sed -i "s|^\treturn fmt.Sprintf(\"%d\", n)$|\treturn fmt.Sprintf(\"%d //goescape:ignore\", n)|" cart/cart.go &&
		go build -gcflags=example.com/shop/...=-m -o /dev/null ./... 2>../m2.txt &&
		goescape report --input ../m2.txt >../r2.txt) &&
	! grep -q "&Cart{} escapes to heap" r2.txt &&
	! grep -q "(~r0) escapes to heap" r2.txt &&
	grep -A1 "^  Label$" r2.txt | grep -q "n escapes to heap$"
'

test_done
