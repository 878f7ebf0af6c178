#!/usr/bin/env bash
# goescape assert on tests/fixtures/assertmod: every directive (noescape,
# inline, bce) in every placement (trailing, above a statement, above a
# declaration, above and beside a parameter on its own line, several in
# one comment, typos), each holding and violated, calls into another
# package, methods, and function-level inline directives with call sites
# in two packages.
#
# The expected violations are written by hand from the compiler's output
# captured in tests/fixtures/compiler-output/go1.26.8-assertmod-m.txt and
# go1.26.8-assertmod-bce-m.txt (and the go1.19.8 / go1.27.3 captures).
# Go 1.19, 1.26 and 1.27.3 agree on every verdict but one: Sized's
# 'buf := make([]byte, n)' (a/a.go:81) does not escape from Go 1.25 on,
# which keeps a variable-sized make on the stack when it does not escape,
# while Go 1.19 prints "make([]byte, n) escapes to heap".  Only the order
# of the "can inline" lines differs between the versions.
. "$(dirname "$0")/lib.sh"

# The violations under Go 1.26.8 (and 1.27.3).
cat >"$TRASH/expect" <<'EOF'
a/a.go:13: y := 2: moved to heap: y
a/a.go:16: s += b.NoInline(s): call to b.NoInline was not inlined
a/a.go:21: s += xs[i]: found IsInBounds
a/a.go:23: return s + xs[i]: found IsInBounds
a/a.go:30: w := 4: moved to heap: w
a/a.go:35: n += t.Slow(): call to t.Slow was not inlined
a/a.go:37: n++: no call to inline
a/a.go:43: return n + len(xs[v:]): found IsSliceInBounds
a/a.go:50: func Leak() *int { v := 5; return &v }: moved to heap: v
a/a.go:56: d int,: moved to heap: d
a/a.go:68: n += xs[i] + b.Pinned(n): found IsInBounds
a/a.go:68: n += xs[i] + b.Pinned(n): call to b.Pinned was not inlined
a/a.go:73: x++: unknown directive "noescap"
a/a.go:74: //gcassert:inline,inlnie: unknown directive "inlnie"
b/b.go:29: return Pinned(y): call to b.Pinned was not inlined
EOF

test_expect_success 'setup: the fixture module, committed' '
	copy_module assertmod m &&
	cd m && git init -q && git add . && git commit -qm assertmod
'

test_expect_success 'assert: each violation, sorted, exit 1 (Go 1.26)' '
	cd m &&
	test_expect_code 1 goescape assert >../actual 2>err &&
	test_cmp ../expect ../actual &&
	grep -x "goescape: 15 of 29 assertions violated" err
'

test_expect_success 'assert PKG: only that package is checked (b alone: one call site)' '
	cd m &&
	test_expect_code 1 goescape assert ./b >actual 2>err &&
	echo "b/b.go:29: return Pinned(y): call to b.Pinned was not inlined" >expect &&
	test_cmp expect actual
'

test_expect_success 'Go 1.19: the same verdicts, and Sized'"'"'s make escapes' '
	cd m &&
	{ grep -v "^b/" ../expect &&
	  echo "a/a.go:81: buf := make([]byte, n): make([]byte, n) escapes to heap" &&
	  grep "^b/" ../expect; } >expect119 &&
	GOESCAPE_GO=/usr/lib/go-1.19/bin/go test_expect_code 1 goescape assert >actual 2>err &&
	test_cmp expect119 actual
'

test_expect_success 'Go 1.27.3: the same verdicts as 1.26' '
	cd m &&
	if ! GOTOOLCHAIN=go1.27.3 go version >/dev/null 2>&1; then
		echo "go1.27.3 cannot be had here" >&2; exit 1
	fi &&
	GOTOOLCHAIN=go1.27.3 test_expect_code 1 goescape assert >actual 2>err &&
	test_cmp ../expect actual
'

test_expect_success '--input: the captured output gives the same verdicts, bce from its own lines' '
	cd m &&
	cat "$FIXTURES"/compiler-output/go1.26.8-assertmod-m.txt \
		"$FIXTURES"/compiler-output/go1.26.8-assertmod-bce-m.txt >in.txt &&
	test_expect_code 1 goescape assert --input in.txt >actual 2>err &&
	test_cmp ../expect actual &&
	test_expect_code 1 goescape assert --input - <in.txt >actual 2>err &&
	test_cmp ../expect actual &&
	test_expect_code 2 goescape assert \
		--input "$FIXTURES"/compiler-output/go1.26.8-assertmod-m.txt >actual 2>err &&
	grep "no bounds-check lines in" err && test ! -s actual
'

test_expect_success 'json: rules, kinds and the directive of each violation' '
	cd m &&
	test_expect_code 1 goescape assert --format json >a.json &&
	python3 -c "
import json
d = json.load(open(\"a.json\"))
assert d[\"version\"] == \"goescape-assert/1\" and d[\"assertions\"] == 29 and d[\"violated\"] == 15, d
v = d[\"violations\"]
k = {}
for x in v: k[x[\"rule\"]] = k.get(x[\"rule\"], 0) + 1
assert k == {\"GE3000\": 2, \"GE3001\": 4, \"GE3002\": 5, \"GE3003\": 4}, k
b = [x for x in v if x[\"file\"] == \"b/b.go\"][0]
# the call site in b, the directive above Pinned
assert b[\"line\"] == 29 and b[\"directive\"] == {\"file\": \"b/b.go\", \"line\": 12, \"column\": 1}, b
"
'

test_expect_success 'sarif passes the validator; github annotations' '
	cd m &&
	test_expect_code 1 goescape assert --format sarif -o a.sarif &&
	"$TOP/scripts/validate-sarif" a.sarif &&
	test "$(json a.sarif "len(d[\"runs\"][0][\"results\"])")" = 15 &&
	test "$(json a.sarif "\",\".join(sorted(set(r[\"level\"] for r in d[\"runs\"][0][\"results\"])))")" = error &&
	test_expect_code 1 goescape assert --format github >gh.txt &&
	grep -c "^::error file=" gh.txt >n && test "$(cat n)" = 15 &&
	grep -F "::error file=a/a.go,line=73,title=goescape GE3000 directive::x++: unknown directive \"noescap\"" gh.txt
'

test_expect_success 'every assertion holding: exit 0; a string holding the text is no directive' '
	cp -R m ok && cd ok &&
	cat >a/a.go <<-\EOF &&
	package a

	import "example.com/assertmod/b"

	func Fine(xs []int) int {
		n := b.Small(1) //goescape:inline
		s := "//goescape:noescap"
		for i := range xs {
			//gcassert:bce,noescape
			n += xs[i]
		}
		return n + len(s)
	}
	EOF
	rm -f b/b.go && printf "package b\n\nfunc Small(x int) int { return x + 1 }\n" >b/b.go &&
	goescape assert >actual 2>err &&
	test ! -s actual &&
	grep -x "goescape: 0 of 3 assertions violated" err
'

test_expect_success 'an unknown name with an escape byte is quoted, one line' '
	cp -R ok esc && cd esc &&
	printf "package a\n\nfunc Esc() int {\n\treturn 1 //goescape:no\033[31mred\n}\n" >a/esc.go &&
	test_expect_code 1 goescape assert >actual 2>err &&
	printf "%s\n" "a/esc.go:4: return 1: unknown directive \"no\\x1b[31mred\"" >expect &&
	test_cmp expect actual
'

test_expect_success 'config: "assert": {"bce": false} turns bce off; a bad value exits 2' '
	cd m &&
	echo "{\"assert\": {\"bce\": false}}" >.goescape.json &&
	test_expect_code 1 goescape assert >actual &&
	grep -v "found Is" ../expect >expect &&
	test_cmp expect actual &&
	echo "{\"assert\": {\"bcee\": false}}" >.goescape.json &&
	test_expect_code 2 goescape assert 2>err &&
	grep "unknown key \"assert.bcee\"" err &&
	rm .goescape.json
'

test_expect_success 'usage: an unknown format exits 2' '
	cd m &&
	test_expect_code 2 goescape assert --format xml 2>err &&
	grep "unknown format" err
'

test_done
