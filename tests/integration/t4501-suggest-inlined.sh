#!/usr/bin/env bash
# goescape suggest on tests/fixtures/suggestreach: heap diagnostics that -m
# prints away from the expression's lines (issue 14, item 7).  A function
# literal the compiler inlines into its caller is reported at the call that
# inlines it; a generic function instantiated only from another package is
# reported under that package's header (and at the function's name).  Both
# are found, probed in the file's own package and verified; a type-parameter
# argument is left alone with its reason.
. "$(dirname "$0")/lib.sh"

new_repo() {
	copy_module suggestreach "$1" || return 1
	(cd "$1" && git init -q && git add . && git commit -qm fixture) || return 1
}

# at FILE TEXT: the line holding TEXT (the first).
at() { grep -nF "$2" "$1" | head -1 | cut -d: -f1; }

test_expect_success 'suggest runs on the fixture' '
	new_repo reach &&
	cd reach &&
	goescape suggest --format json -o ../s.json ./... 2>../err &&
	validate_json suggest-1 ../s.json &&
	json ../s.json "\"\\n\".join(\"%s:%d %s %d>%d\" % (s[\"file\"], s[\"line\"], s[\"after\"], s[\"allocs_before\"], s[\"allocs_after\"]) for s in d[\"suggestions\"])" >../kept &&
	json ../s.json "\"\\n\".join(\"%s:%d %s\" % (s[\"file\"], s[\"line\"], s[\"reason\"]) for s in d[\"skipped\"])" >../skipped &&
	cat ../kept ../skipped
'

test_expect_success 'a literal inlined where it is called: reported at its call, rewritten' '
	cd reach &&
	l=$(at clo/clo.go "sink = []byte(strconv.Itoa(n))") &&
	grep -x "clo/clo.go:$l strconv.AppendInt(nil, int64(n), 10) 1>0" ../kept &&
	! grep "no heap diagnostic" ../skipped
'

test_expect_success 'nested literals, a literal passed to an inlined call, one line' '
	cd reach &&
	grep -c "^clo/clo.go:" ../kept >../n &&
	echo 4 >../want &&
	test_cmp ../want ../n &&
	l=$(at clo/clo.go "return fmt.Sprint(n)") &&
	grep -x "clo/clo.go:$l strconv.Itoa(n) 1>0" ../kept &&
	l=$(at clo/clo.go "func OneLine") &&
	grep -x "clo/clo.go:$l strconv.AppendInt(nil, int64(n), 10) 1>0" ../kept
'

test_expect_success 'a generic function instantiated only from another package is probed' '
	cd reach &&
	l=$(at gen/gen.go "prefix + fmt.Sprint(n)") &&
	grep "^gen/gen.go:$l strconv.Itoa(n) " ../kept &&
	! grep "could not be probed" ../skipped &&
	json ../s.json "\" \".join(s[\"package\"] for s in d[\"suggestions\"] if s[\"file\"] == \"gen/gen.go\")" >../pkg &&
	echo example.com/reach/gen >../want &&
	test_cmp ../want ../pkg
'

test_expect_success 'a type-parameter argument is left alone, with the reason' '
	cd reach &&
	l=$(at gen/gen.go "return fmt.Sprint(v)") &&
	grep -x "gen/gen.go:$l its type is a type parameter (T constrained by ~int | ~int64): a type argument may be a named type whose String, Error or Format method fmt calls" ../skipped
'

test_expect_success 'after --apply: tests pass, fewer heap escapes, 386 and windows build' '
	new_repo applied &&
	cd applied &&
	goescape report --format json -o ../before.json ./... &&
	goescape suggest --apply ./... >/dev/null 2>err &&
	grep "verified and applied" err &&
	go test -count=1 ./... &&
	GOARCH=386 go build ./... &&
	GOOS=windows go build ./... &&
	gofmt -l . >unformatted &&
	test_cmp /dev/null unformatted &&
	goescape report --format json -o ../after.json ./... &&
	b=$(json ../before.json "sum(1 for x in d[\"diagnostics\"] if \"heap\" in x[\"message\"])") &&
	a=$(json ../after.json "sum(1 for x in d[\"diagnostics\"] if \"heap\" in x[\"message\"])") &&
	echo "heap $b -> $a" &&
	test "$a" -lt "$b"
'

test_done
