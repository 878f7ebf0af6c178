#!/usr/bin/env bash
# Package initialization is one piece of code: a package-level variable's
# initializer (no enclosing function) and the init functions (init.0,
# init.1 ...) all run as the package's init.  Found by scripts/history-check
# on gjson e8e87f2a, which moved `var modifiers = map[...]...{...}` into
# `func init() { modifiers = map[...]...{...} }`: the same map, reported as one
# new heap escape in init.0 and one fixed, exit 1.  Now it is the same escape;
# an init added above another (init.0 becomes init.1) is too; a new escape in
# init code is still new.
. "$(dirname "$0")/lib.sh"

new_repo() {
	mkdir "$1" &&
	(cd "$1" && git init -q && printf "module example.com/mods\n\ngo 1.22\n" >go.mod &&
	 cat >mods.go &&
	 gofmt -w mods.go && git add . && git commit -qm base)
}

test_expect_success 'a package-level initializer moved into init(): 0 new, exit 0' '
	new_repo mv <<-\EOF &&
	package mods

	import "strings"

	// Disabled turns the modifiers off.
	var Disabled = false

	var modifiers = map[string]func(s string) string{
		"upper": strings.ToUpper,
		"lower": strings.ToLower,
	}

	// Apply runs the modifier named m.
	func Apply(m, s string) string { return modifiers[m](s) }
	EOF
	cd mv &&
	python3 - <<-\EOF &&
	s = open("mods.go").read()
	s = s.replace("var modifiers = map[string]func(s string) string{\n\t\"upper\": strings.ToUpper,\n\t\"lower\": strings.ToLower,\n}\n",
	              "var modifiers map[string]func(s string) string\n\nfunc init() {\n\tmodifiers = map[string]func(s string) string{\n\t\t\"upper\": strings.ToUpper,\n\t\t\"lower\": strings.ToLower,\n\t}\n}\n")
	open("mods.go", "w").write(s)
	EOF
	grep -q "^func init" mods.go &&
	test -z "$(gofmt -l .)" &&
	git commit -qam "modifiers are made in init" &&
	goescape check --base HEAD~1 >actual &&
	echo "0 new heap escapes, 0 fixed (of 1 in all)" >expect &&
	test_cmp expect actual &&
	goescape check --base HEAD~1 --format json -o check.json &&
	test "$(json check.json "[(x[\"function\"], x[\"status\"]) for x in d[\"diagnostics\"] if x[\"kind\"] != \"leak\"]")" = "[('"'"'init.0'"'"', '"'"'existing'"'"')]"
'

test_expect_success 'an init added above another, and a new escape in init code' '
	new_repo two <<-\EOF &&
	package mods

	var table map[string]int

	func init() {
		table = make(map[string]int)
	}
	EOF
	cd two &&
	python3 - <<-\EOF &&
	s = open("mods.go").read()
	s = s.replace("var table map[string]int\n",
	              "var table map[string]int\n\nvar names []string\n\nfunc init() {\n\tnames = make([]string, 0, 8)\n}\n")
	open("mods.go", "w").write(s)
	EOF
	test -z "$(gofmt -l .)" &&
	git commit -qam "names" &&
	test_expect_code 1 goescape check --base HEAD~1 >actual &&
	cat >expect <<-\EOF &&
	mods.go:8:14: init.0: make([]string, 0, 8) escapes to heap
	1 new heap escape, 0 fixed (of 2 in all)
	EOF
	test_cmp expect actual
'

test_done
