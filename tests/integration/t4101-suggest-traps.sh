#!/usr/bin/env bash
# goescape suggest on tests/fixtures/suggesttraps: code on which a careless
# rewrite compiles, passes escape analysis and changes behaviour (issue 14).
# Each trap is rewritten correctly or left alone with a reason; after
# --apply the module's own tests pass and it builds for 386, arm64 and
# windows; with --test every candidate is a suggestion or a skip.
. "$(dirname "$0")/lib.sh"

q=\' # a single quote

new_repo() {
	copy_module suggesttraps "$1" || return 1
	(cd "$1" && git init -q && git add . && git commit -qm fixture) || return 1
}

# line FILE FUNC: the line of FUNC's trap (the line after "func FUNC(").
trap_line() { echo $(($(grep -n "^func $2(" "$1" | cut -d: -f1) + ${3:-1})); }

test_expect_success 'a buffer is never hoisted out of a for header or a defer' '
	new_repo hoist &&
	cd hoist &&
	goescape suggest --format json -o ../s.json ./traps 2>/dev/null &&
	json ../s.json "\"\\n\".join(\"%d %s\" % (s[\"line\"], s[\"after\"]) for s in d[\"suggestions\"])" >../kept &&
	cat ../kept &&
	post=$(trap_line traps/traps.go ForPost 2) &&
	grep "^$post strconv.AppendInt(nil, int64(i+10), 10)$" ../kept &&
	defer=$(trap_line traps/traps.go Deferred 3) &&
	grep "^$defer strconv.AppendInt(nil, int64(i), 10)$" ../kept &&
	json ../s.json "\"\\n\".join(str(s[\"stack_buffer\"]) for s in d[\"suggestions\"])" >../bufs &&
	! grep "byte" ../bufs
'

test_expect_success 'a header that declares variables: the probe sees them, as the compiler does' '
	cd hoist &&
	json ../s.json "\"\\n\".join(\"%d %s\" % (s[\"line\"], s[\"reason\"]) for s in d[\"skipped\"])" >../skipped &&
	cat ../skipped &&
	ifl=$(trap_line traps/traps.go IfShadow 3) &&
	swl=$(trap_line traps/traps.go SwitchShadow 3) &&
	forl=$(trap_line traps/traps.go ForShadow 4) &&
	grep "^$ifl a named integer type (int type time.Month): fmt.Sprint would call its String" ../skipped &&
	grep "^$swl strconv.FormatUint(v, 10)$" ../kept &&
	grep "^$forl strconv.FormatInt(int64(i), 10)$" ../kept
'

test_expect_success 'a shift in the argument is left alone, with the reason' '
	cd hoist &&
	grep "^$(trap_line traps/traps.go Shift) a shift in its argument: an untyped operand" ../skipped
'

test_expect_success 'an append to a named byte-slice type keeps the type; to []byte rewritten' '
	cd hoist &&
	json ../s.json "\"\\n\".join(\"%s:%d %s\" % (s[\"file\"], s[\"line\"], s[\"after\"]) for s in d[\"suggestions\"])" >../kept2 &&
	grep -x "traps/named.go:$(trap_line traps/named.go IDJSON) json.RawMessage(strconv.AppendInt(\[\]byte(json.RawMessage{}), int64(n), 10))" ../kept2 &&
	grep -x "traps/named.go:$(trap_line traps/named.go HexOf) Hex(strconv.AppendInt(\[\]byte(Hex(nil)), int64(n), 10))" ../kept2 &&
	grep -x "traps/named.go:$(trap_line traps/named.go Plain) strconv.AppendInt(dst, int64(n), 10)" ../kept2 &&
	json ../s.json "\"\\n\".join(\"%s:%d %s\" % (s[\"file\"], s[\"line\"], s[\"reason\"]) for s in d[\"skipped\"])" >../named &&
	grep "^traps/alias.go:$(trap_line traps/alias.go AliasJSON) appends to a named byte-slice type (json.RawMessage) this file cannot name that way" ../named
'

test_expect_success 'a rewrite is judged again when a neighbour'"'"'s buffer moved to the heap' '
	cd hoist &&
	json ../s.json "\"\\n\".join(\"%s:%d %s\" % (s[\"file\"], s[\"line\"], s[\"after\"]) for s in d[\"suggestions\"])" >../kept3 &&
	grep "^traps/neighbour.go:$(trap_line traps/neighbour.go Neighbours) strconv.AppendInt(nil, int64(n), 10)$" ../kept3 &&
	grep "^traps/neighbour.go:$(trap_line traps/neighbour.go Neighbours 3) strconv.Itoa(m)$" ../kept3
'

test_expect_success 'after --apply: the traps behave as before, on 386, arm64 and windows too' '
	new_repo applied &&
	cd applied &&
	goescape suggest --apply ./traps >/dev/null 2>err &&
	grep "verified and applied" err &&
	git diff --quiet -- bisect &&
	! git diff --quiet -- traps &&
	go test -count=1 ./traps &&
	GOARCH=386 go build ./... &&
	GOARCH=arm64 go build ./... &&
	GOOS=windows go build ./... &&
	GOARCH=386 go vet ./traps &&
	gofmt -l . >unformatted &&
	test_cmp /dev/null unformatted
'

test_expect_success '--test: candidates = suggestions + skipped; a test failure is bisected, nothing lost' '
	new_repo bisect &&
	cd bisect &&
	goescape suggest --test --format json -o ../b.json ./bisect 2>/dev/null &&
	test "$(json ../b.json "d[\"summary\"][\"candidates\"]")" = 3 &&
	test "$(json ../b.json "d[\"summary\"][\"suggestions\"] + d[\"summary\"][\"skipped\"]")" = 3 &&
	test "$(json ../b.json "len(d[\"suggestions\"]) + len(d[\"skipped\"])")" = 3 &&
	test "$(json ../b.json "\",\".join(str(s[\"line\"]) for s in d[\"suggestions\"])")" = \
		"$(trap_line bisect/bisect.go First),$(trap_line bisect/bisect.go Last)" &&
	test "$(json ../b.json "\",\".join(\"%d %s\" % (s[\"line\"], s[\"reason\"]) for s in d[\"skipped\"])")" = \
		"$(trap_line bisect/bisect.go Pinned) the package${q}s tests fail with it" &&
	test "$(json ../b.json "all(s[\"reason\"] for s in d[\"skipped\"])")" = True
'

test_done
