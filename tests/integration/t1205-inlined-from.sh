#!/usr/bin/env bash
# Text of an inlined callee: "cannot be negative" escapes to heap at the
# user's slices.Grow call is slices.Grow's allocation, not the line's.  When
# the compiler printed "inlining call to F" at the diagnostic's position
# and the subject is not on the source line, text says "via F" and JSON has
# "inlined_from": F; a subject that is on the line gets neither.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a module calling slices.Grow and slices.Clone, in git' '
	mkdir -p m/app &&
	printf "module example.com/m\n\ngo 1.22\n" >m/go.mod &&
	cat >m/app/app.go <<\EOF &&
package app

import "slices"

// Grown copies xs with room for ten more.
func Grown(xs []int) []int {
	ys := slices.Clone(xs)
	return slices.Grow(ys, 10)
}

// Ptr moves n to the heap on its own line.
func Ptr(n int) *int {
	return &n
}
EOF
	(cd m && git init -q && git add . && git commit -qm m)
'

test_expect_success 'JSON: inlined_from on the callee'"'"'s text, not on the line'"'"'s own' '
	(cd m && goescape report --format json -o ../r.json) &&
	json r.json "\"\\n\".join(\"%d %s %s\" % (x[\"line\"], x[\"subject\"], x.get(\"inlined_from\")) for x in d[\"diagnostics\"] if x[\"kind\"] != \"leak\")" >actual &&
	grep -q "^8 \"cannot be negative\" slices.Grow$" actual &&
	grep -q "^7 append slices.Clone$" actual &&
	grep -q "^12 n None$" actual
'

test_expect_success 'text: "via slices.Grow" on the line'"'"'s escape' '
	(cd m && goescape report >../r.txt) &&
	grep -q "8:[0-9]*	escapes  \"cannot be negative\" escapes to heap via slices.Grow$" r.txt &&
	grep -q "moved    moved to heap: n$" r.txt
'

test_expect_success 'check: a new inlined escape says via F too' '
	(cd m && goescape baseline 2>/dev/null) &&
	cat >>m/app/app.go <<\EOF &&

// More grows again.
func More(xs []int) []int {
	return slices.Grow(xs, 20)
}
EOF
	(cd m && test_expect_code 1 goescape check >../c.txt) &&
	grep -q "app/app.go:18:[0-9]*: More: \"cannot be negative\" escapes to heap via slices.Grow" c.txt
'

test_done
