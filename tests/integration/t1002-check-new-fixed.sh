#!/usr/bin/env bash
# check: injected escapes are reported exactly, with their files and
# functions; a second identical escape in one function is new; a removed
# escape is reported fixed (text summary and the JSON "fixed" list).
. "$(dirname "$0")/lib.sh"

new_repo() {
	copy_example "$1" || return 1
	(cd "$1" && git init -q && git add . && git commit -qm "shop") || return 1
}

# new_diags FILE: the new diagnostics of a check --format json, one a line.
new_diags() {
	json "$1" "\"\\n\".join(\"%s:%d:%d %s %s %s %s\" % (d[\"file\"], d[\"line\"], d[\"column\"], d[\"function\"], d[\"kind\"], d[\"subject\"], d[\"status\"]) for d in d[\"diagnostics\"] if d[\"status\"] == \"new\")"
}
fixed_diags() {
	json "$1" "\"\\n\".join(\"%s:%d:%d %s %s %s %s\" % (d[\"file\"], d[\"line\"], d[\"column\"], d[\"function\"], d[\"kind\"], d[\"subject\"], d[\"status\"]) for d in d[\"fixed\"])"
}

# A new file with two functions that allocate, and a new escape in main().
# (Go source is written with plain here-documents: <<- would strip its tabs.)
inject() {
	cat >cart/price.go <<\EOF || return 1
package cart

import "fmt"

// Price formats a price in cents.
func Price(cents int) string {
	return fmt.Sprintf("%d.%02d", cents/100, cents%100)
}

// Total is kept on the heap by the pointer it returns.
func Total(c *Cart) *int {
	sum := 0
	for _, it := range c.items {
		sum += it.Count
	}
	return &sum
}
EOF
	python3 - <<\EOF
p = "main.go"
s = open(p).read()
s = s.replace("\tnext := cart.Counter()\n", "\tnext := cart.Counter()\n\tos.Stdout.WriteString(fmt.Sprint(len(os.Args)))\n", 1)
s = s.replace("import (\n", "import (\n\t\"fmt\"\n", 1)
open(p, "w").write(s)
EOF
}

cat >"$TRASH/expect.injected" <<\EOF
cart/price.go:7:37: Price: cents / 100 escapes to heap
cart/price.go:7:48: Price: cents % 100 escapes to heap
cart/price.go:12:2: Total: moved to heap: sum
main.go:17:38: main: len(os.Args) escapes to heap
4 new heap escapes, 0 fixed (of 12 in all)
EOF

test_expect_success 'injected escapes (committed): exactly those, exit 1' '
	new_repo inj &&
	cd inj &&
	inject &&
	gofmt -l . >unformatted &&
	test_cmp /dev/null unformatted &&
	git add . &&
	git commit -qm "price, total, and a print" &&
	test_expect_code 1 goescape check --base HEAD~1 >actual &&
	test_cmp ../expect.injected actual
'

test_expect_success 'injected escapes (working tree): the same, exit 1' '
	new_repo injwt &&
	cd injwt &&
	inject &&
	test_expect_code 1 goescape check --base HEAD >actual &&
	test_cmp ../expect.injected actual
'

test_expect_success 'injected escapes in JSON: status new on exactly those' '
	cd inj &&
	test_expect_code 1 goescape check --base HEAD~1 --format json >out.json &&
	validate_json report-1 out.json &&
	new_diags out.json >actual &&
	cat >expect <<-\EOF &&
	cart/price.go:7:37 Price escapes cents / 100 new
	cart/price.go:7:48 Price escapes cents % 100 new
	cart/price.go:12:2 Total moved sum new
	main.go:17:38 main escapes len(os.Args) new
	EOF
	test_cmp expect actual &&
	test "$(json out.json "d[\"summary\"][\"new\"], d[\"summary\"][\"fixed\"], d[\"summary\"][\"heap\"]")" = "(4, 0, 12)" &&
	test "$(json out.json "\" \".join(sorted(set(x[\"status\"] for x in d[\"diagnostics\"])))")" = "existing new" &&
	test "$(json out.json "d[\"fixed\"]")" = "[]"
'

test_expect_success 'check -o FILE writes the same text, exit 1' '
	cd inj &&
	test_expect_code 1 goescape check --base HEAD~1 -o check.txt >stdout &&
	test_cmp /dev/null stdout &&
	test_cmp ../expect.injected check.txt
'

test_expect_success 'a leaking param alone is not a failure' '
	new_repo leak &&
	cd leak &&
	printf "package cart\n\nvar last *Cart\n\n// Keep keeps c.\nfunc Keep(c *Cart) { last = c }\n" >cart/keep.go &&
	goescape check --base HEAD --format json >out.json &&
	test "$(json out.json "\" \".join(\"%s/%s/%s\" % (x[\"function\"], x[\"kind\"], x[\"status\"]) for x in d[\"diagnostics\"] if x[\"status\"] == \"new\")")" = "Keep/leak/new" &&
	goescape check --base HEAD >actual &&
	echo "0 new heap escapes, 0 fixed (of 8 in all)" >expect &&
	test_cmp expect actual
'

# Format has one fmt.Sprint(n); the head adds a second, identical line
# above it, inside an if.  The added line is the new one.
test_expect_success 'a second identical escape in the same function is new' '
	new_repo twice &&
	cd twice &&
	cat >cart/format.go <<\EOF &&
package cart

import "fmt"

// Format formats n.
func Format(n int) string {
	s := ""
	s += fmt.Sprint(n)
	return s
}
EOF
	git add . &&
	git commit -qm format &&
	cat >cart/format.go <<\EOF &&
package cart

import "fmt"

// Format formats n.
func Format(n int) string {
	s := ""
	if n < 0 {
		s += fmt.Sprint(n)
	}
	s += fmt.Sprint(n)
	return s
}
EOF
	git commit -qam "format twice" &&
	test_expect_code 1 goescape check --base HEAD~1 >actual &&
	cat >expect <<-\EOF &&
	cart/format.go:9:19: Format: n escapes to heap
	1 new heap escape, 0 fixed (of 10 in all)
	EOF
	test_cmp expect actual
'

test_expect_success 'the same escape twice on one new line: both new' '
	cd twice &&
	printf "package cart\n\nimport \"fmt\"\n\n// Two formats n twice.\nfunc Two(n int) (string, string) { return fmt.Sprint(n), fmt.Sprint(n) }\n" >cart/two.go &&
	test_expect_code 1 goescape check --base HEAD~1 >actual &&
	cat >expect <<-\EOF &&
	cart/format.go:9:19: Format: n escapes to heap
	cart/two.go:6:54: Two: n escapes to heap
	cart/two.go:6:69: Two: n escapes to heap
	3 new heap escapes, 0 fixed (of 12 in all)
	EOF
	test_cmp expect actual
'

test_expect_success 'a duplicate of an escape in another function is new there' '
	new_repo dup &&
	cd dup &&
	printf "package cart\n\n// Make returns a fresh cart.\nfunc Make() *Cart {\n\treturn &Cart{}\n}\n" >cart/make.go &&
	test_expect_code 1 goescape check --base HEAD >actual &&
	cat >expect <<-\EOF &&
	cart/make.go:5:9: Make: &Cart{} escapes to heap
	1 new heap escape, 0 fixed (of 9 in all)
	EOF
	test_cmp expect actual
'

# Label stops boxing n: its escape and the one inlined into main() go.
test_expect_success 'a removed escape is reported fixed (text summary), exit 0' '
	new_repo fixed &&
	cd fixed &&
	label_without_fmt &&
	git commit -qam "Label without fmt" &&
	goescape check --base HEAD~1 >actual &&
	echo "0 new heap escapes, 2 fixed (of 6 in all)" >expect &&
	test_cmp expect actual
'

test_expect_success 'a removed escape is in the JSON fixed list' '
	cd fixed &&
	goescape check --base HEAD~1 --format json >out.json &&
	fixed_diags out.json >actual &&
	cat >expect <<-\EOF &&
	cart/cart.go:38:27 Label escapes n fixed
	main.go:14:35 main escapes 7 fixed
	EOF
	test_cmp expect actual &&
	test "$(json out.json "d[\"summary\"][\"new\"], d[\"summary\"][\"fixed\"]")" = "(0, 2)" &&
	test -z "$(new_diags out.json)"
'

test_expect_success 'new and fixed together: exit 1, both counted' '
	cd fixed &&
	inject &&
	test_expect_code 1 goescape check --base HEAD~1 >actual &&
	cat >expect <<-\EOF &&
	cart/price.go:7:37: Price: cents / 100 escapes to heap
	cart/price.go:7:48: Price: cents % 100 escapes to heap
	cart/price.go:12:2: Total: moved to heap: sum
	main.go:17:38: main: len(os.Args) escapes to heap
	4 new heap escapes, 2 fixed (of 10 in all)
	EOF
	test_cmp expect actual
'

# The function is part of an escape's identity, but an escape left over in
# another function with the same kind, subject and line text is the same
# code moved (match.h, stage 4): shown as moved, never failing.
test_expect_success 'a renamed function: its escapes are moved, not new' '
	new_repo fnrename &&
	cd fnrename &&
	sed -i "s/Counter/Tally/g" cart/cart.go main.go &&
	git commit -qam "Counter is Tally" &&
	goescape check --base HEAD~1 >actual &&
	cat >expect <<-\EOF &&
	cart/cart.go:43:2: Tally: moved to heap: total  (moved from Counter in cart/cart.go)
	cart/cart.go:44:9: Tally: func literal escapes to heap  (moved from Counter in cart/cart.go)
	0 new heap escapes, 0 fixed, 2 moved with their code (of 8 in all)
	EOF
	test_cmp expect actual
'

test_expect_success 'a deleted file: its escapes are fixed' '
	new_repo del &&
	cd del &&
	printf "package cart\n\n// Make returns a fresh cart.\nfunc Make() *Cart {\n\treturn &Cart{}\n}\n" >cart/make.go &&
	git add . &&
	git commit -qm make &&
	git rm -q cart/make.go &&
	git commit -qm "no make" &&
	goescape check --base HEAD~1 --format json >out.json &&
	fixed_diags out.json >actual &&
	echo "cart/make.go:5:9 Make escapes &Cart{} fixed" >expect &&
	test_cmp expect actual
'

test_done
