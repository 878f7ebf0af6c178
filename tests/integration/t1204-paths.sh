#!/usr/bin/env bash
# A position is a module file only if the file exists in the module at that
# path and its package is the header's package.  With -trimpath the
# standard library prints as "slices/slices.go": a module with a slices/
# directory must not get the standard library's escapes.  Positions in
# vendor/ are the dependency's code: reported only with --vendored.
. "$(dirname "$0")/lib.sh"

files_lines() {
	json "$1" "\"\\n\".join(\"%s:%d %s\" % (x[\"file\"], x[\"line\"], x[\"message\"]) for x in d[\"diagnostics\"])"
}

test_expect_success 'setup: a module with a directory named like a std package, in git' '
	mkdir -p tp/slices tp/app &&
	printf "module example.com/tp\n\ngo 1.22\n" >tp/go.mod &&
	cat >tp/slices/slices.go <<\EOF &&
package slices

// Pad returns s with n zeros appended.
func Pad(s []int, n int) []int {
	for i := 0; i < n; i++ {
		s = append(s, 0)
	}
	return s
}
EOF
	cat >tp/app/app.go <<\EOF &&
package app

import (
	"slices"
	"sort"
)

// Sorted copies, grows, sorts and inserts: stdlib code inlined here.
func Sorted(xs []int) []int {
	ys := slices.Clone(xs)
	ys = slices.Grow(ys, 10)
	sort.Ints(ys)
	return slices.Insert(ys, 0, 1, 2)
}
EOF
	(cd tp && git init -q && git add . && git commit -qm tp) &&
	(cd tp && go build -trimpath -gcflags=example.com/tp/...=-m ./... 2>../trim.txt) &&
	grep -q "^slices/slices.go:[0-9]*:[0-9]*: append escapes to heap" trim.txt
'

test_expect_success '-trimpath build: the same report as without, nothing invented in slices/' '
	(cd tp && goescape report --format json -o ../plain.json) &&
	(cd tp && GOFLAGS="-buildvcs=false -trimpath" goescape report --format json -o ../trim.json) &&
	files_lines plain.json >expect &&
	files_lines trim.json >actual &&
	test_cmp expect actual &&
	! grep -q "^slices/slices.go:[1-9][0-9]" actual
'

test_expect_success '-trimpath output read with --input: nothing invented either' '
	(cd tp && goescape report --format json --input ../trim.txt >../in.json) &&
	files_lines in.json >actual &&
	test_cmp expect actual
'

test_expect_success 'check with -trimpath after a comment-only commit: 0 new, exit 0' '
	(cd tp && printf "\n// A comment.\n" >>app/app.go && git commit -qam comment &&
	 GOFLAGS="-buildvcs=false -trimpath" goescape check --base HEAD~1 >../out) &&
	grep -q "^0 new heap escapes" out
'

test_expect_success 'setup: a module with a vendored dependency whose code is inlined' '
	mkdir -p dep vm &&
	printf "module example.com/dep\n\ngo 1.21\n" >dep/go.mod &&
	cat >dep/dep.go <<\EOF &&
package dep

// Box holds a number.
type Box struct{ N int }

// New puts n in a box.
func New(n int) *Box {
	return &Box{N: n}
}

// Dup doubles a slice: generic, so compiled in the package that uses it.
//
//go:noinline
func Dup[T any](xs []T) []T {
	out := make([]T, 0, 2*len(xs))
	out = append(out, xs...)
	return append(out, xs...)
}
EOF
	printf "module example.com/vm\n\ngo 1.21\n\nrequire example.com/dep v0.0.0\n\nreplace example.com/dep => ../dep\n" >vm/go.mod &&
	cat >vm/main.go <<\EOF &&
package main

import (
	"fmt"

	"example.com/dep"
)

var sink *dep.Box

func main() {
	sink = dep.New(3)
	fmt.Println(sink.N, len(dep.Dup([]string{"a"})))
}
EOF
	(cd vm && go mod vendor && test -f vendor/example.com/dep/dep.go &&
	 go build -gcflags=example.com/vm/...=-m ./... 2>../vm.txt) &&
	grep -q "^./vendor/example.com/dep/dep.go:[0-9:]* append escapes to heap" vm.txt &&
	(cd vm && git init -q && git add . && git commit -qm vm)
'

test_expect_success 'vendor/ positions are not reported by default' '
	(cd vm && goescape report --format json -o ../vm.json) &&
	json vm.json "sorted(set(x[\"file\"] for x in d[\"diagnostics\"]))" >actual &&
	echo "['"'"'main.go'"'"']" >expect &&
	test_cmp expect actual &&
	(cd vm && goescape report --format json --input ../vm.txt >../vmi.json) &&
	json vmi.json "sorted(set(x[\"file\"] for x in d[\"diagnostics\"]))" >actual &&
	test_cmp expect actual
'

test_expect_success '--vendored reports them, under the package they were compiled in' '
	(cd vm && goescape report --vendored --format json -o ../vmv.json) &&
	json vmv.json "sorted(set((x[\"file\"], x[\"package\"]) for x in d[\"diagnostics\"]))" >actual &&
	grep -q "vendor/example.com/dep/dep.go'"'"', '"'"'example.com/vm'"'"'" actual &&
	(cd vm && goescape check --vendored --base main >../out) &&
	grep -q "^0 new heap escapes" out
'

test_done
