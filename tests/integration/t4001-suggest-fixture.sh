#!/usr/bin/env bash
# goescape suggest on tests/fixtures/suggestmod: every rule, every integer
# kind, named types with and without String and Format, the cases that must
# stay as they are.  The diff is pinned (captured from go1.26.8 in the
# fixture's testdata); after --apply the module builds, vets, passes its own
# tests and is gofmt-clean, and its heap escapes drop by what suggest said.
. "$(dirname "$0")/lib.sh"

GOLDEN="$FIXTURES/suggestmod/testdata/suggest.go1.26.8.diff"

# new_repo DIR: the fixture in DIR, committed once.
new_repo() {
	copy_module suggestmod "$1" || return 1
	(cd "$1" && git init -q && git add . && git commit -qm fixture) || return 1
}

test_expect_success 'the diff is the verified one' '
	new_repo diff &&
	cd diff &&
	goescape suggest >../actual 2>../err &&
	test_cmp "$GOLDEN" ../actual &&
	grep "^goescape: 35 suggestions verified (45 candidates, 10 left alone); heap escapes 50 -> 13;" ../err &&
	git status --porcelain >../status &&
	test_cmp /dev/null ../status &&
	test ! -e .git/goescape/suggest
'

test_expect_success 'git apply and patch -p1 take the diff' '
	new_repo patched &&
	cd patched &&
	git apply --check "$GOLDEN" &&
	patch -p1 --dry-run <"$GOLDEN" >/dev/null &&
	patch -p1 <"$GOLDEN" >/dev/null &&
	go build ./... &&
	go vet ./...
'

test_expect_success 'after --apply: build, vet, the fixture tests, gofmt' '
	new_repo applied &&
	cd applied &&
	goescape suggest --apply >/dev/null 2>err &&
	grep "verified and applied" err &&
	go build ./... &&
	go vet ./... &&
	go test -count=1 ./... &&
	gofmt -l . >unformatted &&
	test_cmp /dev/null unformatted &&
	git diff >../applied.diff &&
	git diff --stat | tail -1 | grep "5 files changed"
'

test_expect_success 'what must stay untouched is untouched' '
	cd applied &&
	git diff --quiet -- kinds/untouched.go &&
	for f in StringySprint PlainSprint FormattedD; do
		grep -A2 "^func $f(" kinds/named.go | grep -q "return fmt.Sprint" || exit 1
	done &&
	grep -q "return strconv + fmt.Sprintf(\"%d\", n)" kinds/untouched.go &&
	grep -q "fmt.Sprintf(\"%5d\", x)" kinds/untouched.go &&
	grep -q "_, err := f.Write(\[\]byte(strconv.Itoa(n)))" writers/writers.go
'

test_expect_success 'the rewrites chose what the types and buffers call for' '
	cd applied &&
	grep -q "return strconv.FormatUint(uint64(x), 10)" kinds/kinds.go &&
	grep -q "return strconv.FormatInt(x, 10)" kinds/kinds.go &&
	grep -q "return strconv.FormatInt(int64(.a.), 10)" kinds/kinds.go &&
	grep -q "^import \"strconv\"$" writers/onlyfmt.go &&
	! grep -q "\"fmt\"" writers/onlyfmt.go writers/alias.go &&
	grep -q "return sc.FormatInt(int64(n), 10) + sc.Quote" writers/alias.go &&
	grep -q "return strconv.Itoa(next())" writers/writers.go &&
	grep -B1 "_, err := f.Write(strconv.AppendInt(buf\[:0\], int64(n), 10))" writers/writers.go |
		grep -q "^	var buf \[20\]byte$" &&
	grep -q "_, err := w.Write(strconv.AppendInt(nil, int64(n), 10))" writers/writers.go &&
	grep -q "out = append(out, strconv.AppendInt(nil, int64(n), 10))" writers/writers.go &&
	grep -q "bytes.Equal(strconv.AppendInt(buf\[:0\], int64(a), 10), strconv.AppendInt(buf2\[:0\], int64(b), 10))" writers/writers.go
'

test_expect_success 'heap escapes drop by exactly what suggest reported' '
	new_repo counted &&
	cd counted &&
	goescape report --format json >before.json &&
	goescape suggest --apply --format json -o suggest.json 2>/dev/null &&
	goescape report --format json >after.json &&
	before=$(json before.json "d[\"summary\"][\"heap\"]") &&
	after=$(json after.json "d[\"summary\"][\"heap\"]") &&
	test "$(json suggest.json "d[\"summary\"][\"heap_before\"]")" = "$before" &&
	test "$(json suggest.json "d[\"summary\"][\"heap_after\"]")" = "$after" &&
	test "$(json suggest.json "d[\"summary\"][\"heap_delta\"]")" = "$((after - before))" &&
	test "$(json suggest.json "sum(s[\"heap_delta\"] for s in d[\"suggestions\"])")" = "$((after - before))" &&
	test "$((before - after))" = 37
'

test_expect_success 'go runs are batched: a handful for the whole module' '
	cd counted &&
	runs=$(json suggest.json "d[\"summary\"][\"go_invocations\"]") &&
	plats=$(json suggest.json "len(d[\"summary\"][\"platforms\"])") &&
	echo "go runs: $runs ($plats other platforms)" &&
	test "$plats" = 2 &&
	test "$runs" -le $((6 + 2 * plats))
'

test_expect_success 'the JSON says why each case was left alone' '
	cd counted &&
	json suggest.json "\"\\n\".join(\"%s:%d %s\" % (s[\"file\"], s[\"line\"], s[\"reason\"]) for s in d[\"skipped\"])" >reasons &&
	grep "^kinds/named.go:39 a named integer type (int type Stringy): fmt.Sprint would call" reasons &&
	grep "^kinds/named.go:48 int type Formatted has a Format method, which %d calls" reasons &&
	grep "^kinds/untouched.go:28 not an integer: type float64" reasons &&
	grep "^kinds/untouched.go:44 .strconv. names something other than package strconv here" reasons &&
	grep "^writers/writers.go:36 no heap diagnostic on its lines to remove" reasons
'

test_done
