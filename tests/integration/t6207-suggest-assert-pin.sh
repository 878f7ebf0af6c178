#!/usr/bin/env bash
# suggest --assert pins the win: each stack buffer a verified rewrite adds
# gets a //goescape:noescape line above it (its indentation, gofmt-clean),
# in the diff and in what --apply writes; the assertions then hold, and
# catch the buffer escaping later.  A buffer the user wrote before, with the
# same text, is left alone; without --assert nothing is pinned.  (The
# here-document loses the indentation: gofmt puts it back.)
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: three buffered rewrites, one existing buffer line' '
	mkdir -p m/p && cd m &&
	printf "module example.com/sg\n\ngo 1.21\n" >go.mod &&
	cat >p/p.go <<-\EOF &&
	package p

	import (
		"bytes"
		"fmt"
	)

	var sink []byte

	// ToBuffer writes to a *bytes.Buffer, which copies the bytes.
	func ToBuffer(b *bytes.Buffer, n int64) {
		b.Write([]byte(fmt.Sprintf("%d", n)))
	}

	// Same holds two values at once.
	func Same(a, b int) bool {
		return bytes.Equal([]byte(fmt.Sprintf("%d", a)), []byte(fmt.Sprintf("%d", b)))
	}

	// Mine has a buffer of its own.
	func Mine() int {
		var buf [20]byte
		return len(buf)
	}
	EOF
	gofmt -w p/p.go &&
	git init -q && git add . && git commit -qm sg
'

test_expect_success 'suggest without --assert: no directive' '
	cd m &&
	goescape suggest >../plain.diff 2>/dev/null &&
	grep -q "^+	var buf \[20\]byte" ../plain.diff &&
	! grep goescape: ../plain.diff
'

test_expect_success 'suggest --assert: a directive above each added buffer, none above the old one' '
	cd m &&
	goescape suggest --assert >../pin.diff 2>/dev/null &&
	test "$(grep -c "^+	//goescape:noescape$" ../pin.diff)" = 3 &&
	goescape suggest --assert --apply >/dev/null 2>&1 &&
	test -z "$(gofmt -l p)" &&
	grep -B1 -x "	var buf2 \[20\]byte" p/p.go | head -n 1 | grep -x "	//goescape:noescape" &&
	test "$(grep -B1 -x "	var buf \[20\]byte" p/p.go | grep -c -x "	//goescape:noescape")" = 2 &&
	sed -n "/^func Mine/,/^}/p" p/p.go >mine &&
	! grep goescape: mine
'

test_expect_success 'the pinned buffers: assert holds, and catches one escaping later' '
	cd m &&
	goescape assert 2>err &&
	grep -x "goescape: 0 of 3 assertions violated" err &&
	sed -i "s|	b.Write(strconv.AppendInt(buf\[:0\], n, 10))|	sink = strconv.AppendInt(buf[:0], n, 10)|" p/p.go &&
	grep -q "sink = " p/p.go &&
	test_expect_code 1 goescape assert >out 2>err &&
	grep "^p/p.go:13: var buf \[20\]byte: moved to heap: buf$" out
'

test_done
