#!/usr/bin/env bash
# goescape suggest's behaviour check (issue 14): one generated program per
# run evaluates the old and the new expression of every (rule, argument
# type) pair the run's rewrites use, on the type's boundary values; the JSON
# counts the pairs and says each suggestion's heap diagnostics before and
# after (allocs_before, allocs_after).  A pair that differs is dropped: that
# is shown by tests/unit/test_suggest.c (behaviour), with a guard disabled.
. "$(dirname "$0")/lib.sh"

q=\' # a single quote

test_expect_success 'every pair a run uses is checked; correct rewrites are kept' '
	mkdir m && cd m &&
	printf "module example.com/m\n\ngo 1.19\n" >go.mod &&
	cat >m.go <<-\EOT &&
	package m

	import (
		"fmt"
		"strconv"
	)

	type Level uint16

	func (l Level) String() string { return "level" }

	func A(n int8) string    { return fmt.Sprint(n) }
	func B(l Level) string   { return fmt.Sprintf("%d", l) }
	func C(n uint64) []byte  { return []byte(fmt.Sprint(n)) }
	func D(n int) []byte     { return append([]byte("id="), strconv.Itoa(n)...) }
	func E(n int8) string    { return fmt.Sprint(n) + "!" }
	EOT
	git init -q && git add . && git commit -qm one &&
	goescape suggest --format json -o ../s.json 2>../err &&
	validate_json suggest-1 ../s.json &&
	json ../s.json "\"\\n\".join(s[\"after\"] for s in d[\"suggestions\"])" >../kept &&
	cat ../kept &&
	grep -x "strconv.FormatInt(int64(n), 10)" ../kept &&
	grep -x "strconv.FormatUint(uint64(l), 10)" ../kept &&
	grep -x "strconv.AppendUint(nil, n, 10)" ../kept &&
	grep -x "strconv.AppendInt(\[\]byte(\"id=\"), int64(n), 10)" ../kept &&
	test "$(json ../s.json "d[\"summary\"][\"behaviour_pairs\"]")" = 4 &&
	test "$(json ../s.json "d[\"summary\"][\"candidates\"]")" = 5
'

test_expect_success 'each suggestion says the compiler'"'"'s allocations before and after' '
	cd m &&
	test "$(json ../s.json "all(s[\"allocs_before\"] == len(s[\"heap_before\"]) >= 1 and s[\"allocs_after\"] == len(s[\"heap_after\"]) for s in d[\"suggestions\"])")" = True &&
	test "$(json ../s.json "sum(s[\"allocs_before\"] - s[\"allocs_after\"] for s in d[\"suggestions\"])")" = "$((-$(json ../s.json "d[\"summary\"][\"heap_delta\"]")))"
'

test_expect_success 'the check writes nothing in the module, nor leaves its program' '
	cd m &&
	test -z "$(git status --porcelain --ignored)" &&
	mkdir ../tmp &&
	TMPDIR=$PWD/../tmp goescape suggest >/dev/null 2>&1 &&
	test -z "$(ls -A ../tmp)"
'

test_expect_success 'a dot import of strconv is used as it is, not imported a second time' '
	mkdir dot && cd dot &&
	printf "module example.com/dot\n\ngo 1.19\n" >go.mod &&
	cat >d.go <<-\EOT &&
	package dot

	import (
		"fmt"
		. "strconv"
	)

	func F(n int16) string { return fmt.Sprint(n) + Quote("x") }
	EOT
	gofmt -w d.go &&
	git init -q && git add . && git commit -qm one &&
	goescape suggest --format json -o ../d.json 2>../err &&
	validate_json suggest-1 ../d.json &&
	test "$(json ../d.json "[s[\"after\"] for s in d[\"suggestions\"]]")" = "[${q}FormatInt(int64(n), 10)${q}]" &&
	goescape suggest --apply >../d.diff 2>../err &&
	test "$(grep -c strconv d.go)" = 1 &&
	go vet ./... &&
	test -z "$(gofmt -l .)"
'

test_done
