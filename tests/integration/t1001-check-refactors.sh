#!/usr/bin/env bash
# check --base: pure refactors report nothing new and exit 0.
#
# Each test makes a git repository from the example module, commits it,
# commits a refactor on top and runs 'goescape check --base HEAD~1'.  The
# identity of an escape (DESIGN.md) is file after renames, function, kind,
# subject plus a whitespace-free line hash, so moving code around must not
# turn an existing escape into a new one.
. "$(dirname "$0")/lib.sh"

# new_repo DIR: the example module in DIR, committed once.
new_repo() {
	copy_example "$1" || return 1
	(cd "$1" && git init -q && git add . && git commit -qm "shop") || return 1
}

# The line every refactor must give: nothing new, nothing fixed, 8 in all.
printf '0 new heap escapes, 0 fixed (of 8 in all)\n' >"$TRASH/expect.clean"

test_expect_success 'the unchanged module is clean against itself' '
	new_repo same &&
	cd same &&
	goescape check --base HEAD >actual &&
	test_cmp ../expect.clean actual
'

test_expect_success 'lines added above an escape: nothing new' '
	new_repo above &&
	cd above &&
	python3 - <<-\EOF &&
	p = "cart/cart.go"
	s = open(p).read()
	s = s.replace("// New returns", "// Three lines above every escape of the file.\n//\n//\n// New returns", 1)
	open(p, "w").write(s)
	EOF
	git commit -qam "more comments" &&
	goescape report --format json >head.json &&
	test "$(json head.json "[d[\"line\"] for d in d[\"diagnostics\"] if d[\"function\"] == \"New\"][0]")" = 26 &&
	goescape check --base HEAD~1 >actual &&
	test_cmp ../expect.clean actual
'

test_expect_success 'a function moved to another place in its file: nothing new' '
	new_repo moved &&
	cd moved &&
	python3 - <<-\EOF &&
	p = "cart/cart.go"
	s = open(p).read()
	start = s.index("// Counter returns")
	counter = s[start:]
	s = s[:start]
	i = s.index("// New returns")
	s = s[:i] + counter + "\n" + s[i:]
	open(p, "w").write(s.rstrip("\n") + "\n")
	EOF
	gofmt -l cart >unformatted &&
	test_cmp /dev/null unformatted &&
	git commit -qam "Counter first" &&
	goescape report --format json >head.json &&
	test "$(json head.json "[d[\"line\"] for d in d[\"diagnostics\"] if d[\"kind\"] == \"moved\"][0]")" = 23 &&
	goescape check --base HEAD~1 >actual &&
	test_cmp ../expect.clean actual
'

test_expect_success 'a file renamed with git mv: nothing new' '
	new_repo renamed &&
	cd renamed &&
	git mv cart/cart.go cart/basket.go &&
	git commit -qm "cart.go is basket.go" &&
	goescape report --format json >head.json &&
	json head.json "\" \".join(sorted(set(d[\"file\"] for d in d[\"diagnostics\"])))" >files &&
	echo "cart/basket.go main.go" >expect.files &&
	test_cmp expect.files files &&
	goescape check --base HEAD~1 >actual &&
	test_cmp ../expect.clean actual
'

test_expect_success 'a file renamed and edited above its escapes: nothing new' '
	new_repo renamed2 &&
	cd renamed2 &&
	git mv cart/cart.go cart/basket.go &&
	sed -i "s|^// Item is one line of a cart.|// Basket.\n\n// Item is one line of a cart.|" cart/basket.go &&
	git commit -qam "cart.go is basket.go, with a comment" &&
	goescape check --base HEAD~1 >actual &&
	test_cmp ../expect.clean actual
'

test_expect_success 'gofmt re-indentation (code wrapped in if true {}): nothing new' '
	new_repo wrapped &&
	cd wrapped &&
	python3 - <<-\EOF &&
	p = "cart/cart.go"
	s = open(p).read()
	old = "\treturn []byte(strconv.Itoa(n))\n}"
	assert old in s
	s = s.replace(old, "if true {\nreturn []byte(strconv.Itoa(n))\n}\nreturn nil\n}", 1)
	old = "\ttotal := 0\n\treturn func() int {\n\t\ttotal++\n\t\treturn total\n\t}\n}"
	assert old in s
	s = s.replace(old, "if true {\ntotal := 0\nreturn func() int {\ntotal++\nreturn total\n}\n}\nreturn nil\n}", 1)
	open(p, "w").write(s)
	EOF
	gofmt -w cart/cart.go &&
	grep -q "^		return \[\]byte(strconv.Itoa(n))$" cart/cart.go &&
	grep -q "^			total++$" cart/cart.go &&
	git commit -qam "wrap in if true" &&
	goescape check --base HEAD~1 >actual &&
	test_cmp ../expect.clean actual
'

test_expect_success 'gofmt of badly formatted code: nothing new' '
	new_repo fmt &&
	cd fmt &&
	python3 - <<-\EOF &&
	p = "cart/cart.go"
	s = open(p).read()
	s = s.replace("\treturn []byte(strconv.Itoa(n))", "        return []byte( strconv.Itoa( n ) )", 1)
	s = s.replace("\treturn fmt.Sprintf(\"%d\", n)", "  return fmt.Sprintf( \"%d\",n )", 1)
	s = s.replace("\ttotal := 0", "total:=0", 1)
	open(p, "w").write(s)
	EOF
	git commit -qam "badly formatted" &&
	gofmt -w cart/cart.go &&
	test_cmp "$TOP/examples/shop/cart/cart.go" cart/cart.go &&
	git commit -qam gofmt &&
	goescape check --base HEAD~1 >actual &&
	test_cmp ../expect.clean actual
'

test_expect_success 'an escape line edited (a comment added, spacing changed): nothing new' '
	new_repo edited &&
	cd edited &&
	sed -i "s|^\treturn fmt.Sprintf(\"%d\", n)$|\treturn fmt.Sprintf(\"%d\", n) // boxed|; s|^\treturn \&Cart{}$|\treturn \&Cart{ }|" cart/cart.go &&
	grep -q "// boxed$" cart/cart.go &&
	grep -q "&Cart{ }$" cart/cart.go &&
	git commit -qam "edited lines" &&
	goescape check --base HEAD~1 >actual &&
	test_cmp ../expect.clean actual
'

test_expect_success 'refactors in the working tree (not committed): nothing new' '
	new_repo wt &&
	cd wt &&
	git mv cart/cart.go cart/basket.go &&
	sed -i "s|^// New returns|// (moved down)\n//\n// New returns|" cart/basket.go &&
	printf "package cart\n\n// Nothing escapes here.\nfunc Two() int { return 2 }\n" >cart/two.go &&
	goescape check --base HEAD >actual &&
	test_cmp ../expect.clean actual
'

test_done
