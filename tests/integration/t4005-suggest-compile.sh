#!/usr/bin/env bash
# Rewrites the compiler rejects are dropped or repaired, never shown: an
# import of strconv that clashes with a package-level name, and a stack
# buffer a goto jumps over (found by bisecting the file, then retried
# without the buffer).
. "$(dirname "$0")/lib.sh"

q=\' # a single quote, for Python's list repr

test_expect_success 'strconv taken at package level: every rewrite needing it dropped' '
	mkdir -p clash/p &&
	cd clash &&
	printf "module example.com/clash\n\ngo 1.22\n" >go.mod &&
	printf "package p\n\nimport \"fmt\"\n\nfunc A(n int) string {\n\treturn fmt.Sprintf(\"%%d\", n)\n}\n\nfunc B(n int) string {\n\treturn fmt.Sprint(n + 1)\n}\n" >p/a.go &&
	printf "package p\n\nvar strconv = 1\n\nfunc C() int {\n\treturn strconv\n}\n" >p/b.go &&
	goescape suggest --format json -o ../s.json 2>../err &&
	test "$(json ../s.json "len(d[\"suggestions\"])")" = 0 &&
	test "$(json ../s.json "len(d[\"skipped\"])")" = 2 &&
	json ../s.json "d[\"skipped\"][0][\"reason\"]" | grep "^package strconv cannot be imported here: strconv already declared" &&
	test "$(json ../s.json "d[\"summary\"][\"go_invocations\"]")" -le 4 &&
	goescape suggest --apply >../out 2>/dev/null &&
	test_cmp /dev/null ../out &&
	grep -q "return fmt.Sprintf(\"%d\", n)" p/a.go
'

cat >"$TRASH/goto.go" <<-\EOF
package p

import (
	"bytes"
	"fmt"
)

func F(w *bytes.Buffer, n int) {
	if n < 0 {
		goto done
	}
	w.Write([]byte(fmt.Sprintf("%d", n)))
done:
}

func G(w *bytes.Buffer, n int) {
	w.Write([]byte(fmt.Sprintf("%d", n)))
}
EOF

test_expect_success 'a goto over the buffer: bisected, F without a buffer, G with one' '
	mkdir -p jump/p &&
	cd jump &&
	printf "module example.com/jump\n\ngo 1.22\n" >go.mod &&
	cp ../goto.go p/p.go &&
	goescape suggest --format json -o ../s.json 2>/dev/null &&
	test "$(json ../s.json "[s[\"function\"] + \" \" + s[\"after\"] for s in d[\"suggestions\"]]")" = \
		"[${q}F strconv.AppendInt(nil, int64(n), 10)${q}, ${q}G strconv.AppendInt(buf[:0], int64(n), 10)${q}]" &&
	goescape suggest --apply 2>/dev/null &&
	go build ./... &&
	go vet ./...
'

test_done
