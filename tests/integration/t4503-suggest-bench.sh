#!/usr/bin/env bash
# suggest --bench: for each kept rewrite's function a testing.B runs with
# -benchmem before and after the rewrites (the benchmark file lives only in
# go's -overlay); allocs/op fall where the compiler said they would, and a
# function whose parameters cannot be made is "not benchmarked: <reason>".
. "$(dirname "$0")/lib.sh"

make_mod() {
	mkdir -p "$1/p" &&
	printf "module example.com/t\n\ngo 1.22\n" >"$1/go.mod" &&
	cat >"$1/p/p.go" <<-\EOF &&
	package p

	import (
		"fmt"
		"strconv"
	)

	var sink []byte

	func Key(n int, s string) {
		sink = []byte(strconv.Itoa(n + len(s)))
	}

	func Name(n int) string { return fmt.Sprint(n) }

	type T struct{ n int }

	func (t *T) Label() string { return fmt.Sprintf("%d", t.n) }

	func Ptr(p *int) string { return fmt.Sprint(*p) }
	EOF
	(cd "$1" && gofmt -w . && git init -q && git add . && git commit -qm base)
}

test_expect_success '--bench: allocs/op and ns/op before and after, in JSON and on stderr' '
	make_mod m &&
	cd m &&
	goescape suggest --bench --format json -o ../s.json ./... 2>../err &&
	cat ../err &&
	validate_json suggest-1 ../s.json &&
	git status --porcelain >../status &&
	test_cmp /dev/null ../status &&
	json ../s.json "\"\\n\".join(\"%s %s\" % (s[\"function\"], \"%g>%g\" % (s[\"bench\"][\"allocs_before\"], s[\"bench\"][\"allocs_after\"]) if \"ns_before\" in s[\"bench\"] else s[\"bench\"][\"skipped\"]) for s in d[\"suggestions\"])" >../bench &&
	cat ../bench &&
	grep -x "Name 2>1" ../bench &&
	grep -x "Key 2>1" ../bench &&
	grep -x "(\*T).Label a method or a function literal (no receiver or enclosing call to make)" ../bench &&
	grep -x "Ptr a parameter of type \*int" ../bench &&
	grep "^goescape: bench: example.com/t/p Name: 2 -> 1 allocs/op, .* ns/op$" ../err &&
	grep "^goescape: bench: example.com/t/p Ptr: not benchmarked: a parameter of type \*int$" ../err
'

test_expect_success 'without --bench: no benchmark runs, no bench field' '
	cd m &&
	goescape suggest --format json -o ../plain.json ./... 2>../err2 &&
	! grep "bench" ../err2 &&
	json ../plain.json "any(\"bench\" in s for s in d[\"suggestions\"])" >../any &&
	echo False >../want &&
	test_cmp ../want ../any
'

test_done
