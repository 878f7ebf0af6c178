#!/usr/bin/env bash
# suggest --tests: _test.go files are read too (benchmarks are where teams
# look at allocations).  The test packages are compiled with go list -test
# (an in-package test file and an external _test package), so their heap
# diagnostics are seen and every rewrite is verified in them; without
# --tests no test file is touched.
. "$(dirname "$0")/lib.sh"

make_mod() {
	mkdir -p "$1/p" &&
	printf "module example.com/t\n\ngo 1.22\n" >"$1/go.mod" &&
	cat >"$1/p/p.go" <<-\EOF &&
	package p

	import "fmt"

	func Name(n int) string { return fmt.Sprint(n) }
	EOF
	cat >"$1/p/p_test.go" <<-\EOF &&
	package p

	import (
		"strconv"
		"testing"
	)

	var sink []byte

	// key is a benchmark's helper: one allocation per call.
	func key(n int) []byte {
		return []byte(strconv.Itoa(n))
	}

	func BenchmarkKey(b *testing.B) {
		for i := 0; i < b.N; i++ {
			sink = key(i)
		}
	}

	func TestKey(t *testing.T) {
		if string(key(-12)) != "-12" || Name(7) != "7" {
			t.Fatal("key")
		}
	}
	EOF
	cat >"$1/p/x_test.go" <<-\EOF &&
	package p_test

	import (
		"fmt"
		"testing"

		"example.com/t/p"
	)

	func TestName(t *testing.T) {
		want := fmt.Sprint(len(t.Name()))
		if p.Name(len(t.Name())) != want {
			t.Fatal(want)
		}
	}
	EOF
	(cd "$1" && gofmt -w . && git init -q && git add . && git commit -qm base)
}

lines() { json "$1" "\"\\n\".join(\"%s:%d %s %d>%d\" % (s[\"file\"], s[\"line\"], s[\"after\"], s[\"allocs_before\"], s[\"allocs_after\"]) for s in d[\"suggestions\"])"; }

test_expect_success 'without --tests: no test file is read' '
	make_mod m &&
	cd m &&
	goescape suggest --format json -o ../plain.json ./... 2>/dev/null &&
	lines ../plain.json >../plain &&
	cat ../plain &&
	echo "p/p.go:5 strconv.Itoa(n) 1>0" >../want &&
	test_cmp ../want ../plain
'

test_expect_success 'with --tests: the helper and the external test are rewritten, verified in the test packages' '
	cd m &&
	goescape suggest --tests --format json -o ../tests.json ./... 2>../err &&
	validate_json suggest-1 ../tests.json &&
	lines ../tests.json >../withtests &&
	cat ../withtests &&
	grep -x "p/p_test.go:12 strconv.AppendInt(nil, int64(n), 10) 1>0" ../withtests &&
	grep -x "p/x_test.go:11 strconv.Itoa(len(t.Name())) 1>0" ../withtests &&
	grep -x "p/p.go:5 strconv.Itoa(n) 1>0" ../withtests &&
	json ../tests.json "len(d[\"suggestions\"])" >../n &&
	echo 3 >../want &&
	test_cmp ../want ../n
'

test_expect_success '--tests --apply: tests pass, vet passes on 386 and windows, gofmt clean' '
	make_mod a &&
	cd a &&
	goescape suggest --tests --apply ./... >/dev/null 2>err &&
	grep "verified and applied" err &&
	! git diff --quiet -- p/p_test.go &&
	! git diff --quiet -- p/x_test.go &&
	go test -count=1 ./... &&
	GOARCH=386 go vet ./... &&
	GOOS=windows go vet ./... &&
	gofmt -l . >unformatted &&
	test_cmp /dev/null unformatted
'

test_done
