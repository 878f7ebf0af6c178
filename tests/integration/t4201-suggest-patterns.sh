#!/usr/bin/env bash
# goescape suggest's new patterns (issue 14) on tests/fixtures/suggestpatterns:
# a constant around the number ("id-" + strconv.Itoa(n), fmt.Sprintf("id-%d", n)),
# the verbs besides %d, and WriteString/Fprintf on a concrete writer, each
# rewritten over a stack buffer; the near misses (a named type with a String
# method under %x, a writer that is an interface, a variable prefix) left
# alone, each with a reason; a *bufio.Writer gets its AvailableBuffer (its
# Write lets a stack buffer escape), only where go.mod says go 1.18 or later.
# After --apply the module's own test (which pins every function's output)
# passes, and it builds for 386, arm64 and windows.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sarif.sh"

new_repo() {
	copy_module suggestpatterns "$1" || return 1
	(cd "$1" && git init -q && git add . && git commit -qm fixture) || return 1
}

# at FUNC [N]: the line N after "func FUNC(" in pat/pat.go (default 1).
at() { echo $(($(grep -n "^func $1(" "$TRASH/p/pat/pat.go" | cut -d: -f1) + ${2:-1})); }

test_expect_success 'each new pattern is rewritten, with its rule' '
	new_repo p &&
	cd p &&
	goescape suggest --format json -o ../s.json ./pat 2>/dev/null &&
	validate_json suggest-1 ../s.json &&
	json ../s.json "\"\\n\".join(\"%d %s %s | %s\" % (s[\"line\"], s[\"rule\"], s[\"after\"], s[\"stack_buffer\"]) for s in d[\"suggestions\"])" >../kept &&
	cat ../kept &&
	grep -Fx "$(at ID) concat-itoa string(strconv.AppendInt(append(buf[:0], \"id-\"...), int64(n), 10)) | var buf [23]byte" ../kept &&
	grep -Fx "$(at Key) concat-itoa string(append(strconv.AppendInt(append(buf[:0], \"k\"...), n, 36), \"\\n\"...)) | var buf [23]byte" ../kept &&
	grep -Fx "$(at Tag) concat-itoa string(append(strconv.AppendUint(buf[:0], n, 10), \`px\`...)) | var buf [22]byte" ../kept &&
	grep -Fx "$(at Name) sprintf-affix string(strconv.AppendInt(append(buf[:0], \"item-\"...), int64(n), 10)) | var buf [25]byte" ../kept &&
	grep -Fx "$(at Hex) sprintf-base strconv.FormatInt(int64(n), 16) | None" ../kept &&
	grep -Fx "$(at Oct) sprintf-base strconv.FormatInt(int64(n), 8) | None" ../kept &&
	grep -Fx "$(at Bin) sprintf-base strconv.FormatUint(uint64(n), 2) | None" ../kept &&
	grep -Fx "$(at Val) sprintf-base strconv.Itoa(n) | None" ../kept &&
	grep -Fx "$(at LevelOct) sprintf-base strconv.FormatInt(int64(l), 8) | None" ../kept &&
	grep -Fx "$(at WriteBytes) writestring-itoa b.Write(strconv.AppendInt(buf[:0], int64(n), 10)) | var buf [20]byte" ../kept &&
	grep -Fx "$(at WriteBuilder 2) writestring-itoa sb.Write(strconv.AppendInt(buf[:0], int64(n), 10)) | var buf [20]byte" ../kept &&
	grep -Fx "$(at WriteBufio) writestring-itoa w.Write(strconv.AppendInt(w.AvailableBuffer(), int64(n), 10)) | None" ../kept &&
	grep -Fx "$(at Fprint) fprintf-d b.Write(append(strconv.AppendInt(append(buf[:0], \"n=\"...), int64(n), 10), \"\\n\"...)) | var buf [24]byte" ../kept
'

test_expect_success 'what the compiler cannot see is counted: allocs_hidden' '
	cd p &&
	test "$(json ../s.json "\",\".join(\"%s:%d\" % (s[\"rule\"], s[\"allocs_hidden\"]) for s in d[\"suggestions\"] if s[\"line\"] in ($(at ID), $(at Name), $(at Hex), $(at WriteBytes), $(at Fprint)))")" = \
		"concat-itoa:1,sprintf-affix:1,sprintf-base:0,writestring-itoa:1,fprintf-d:0" &&
	test "$(json ../s.json "[s[\"allocs_before\"] for s in d[\"suggestions\"] if s[\"line\"] == $(at WriteBytes)]")" = "[0]"
'

test_expect_success 'the near misses are left alone, each with its reason; nothing is lost' '
	cd p &&
	json ../s.json "\"\\n\".join(\"%d %s\" % (s[\"line\"], s[\"reason\"]) for s in d[\"skipped\"])" >../skipped &&
	cat ../skipped &&
	grep -Fx "$(at LevelHex) a named integer type (int type Level): %x would call its String, Error or Format method" ../skipped &&
	grep -Fx "$(at WriteBufioCall) a *bufio.Writer and a call in its argument: its AvailableBuffer would be taken before the call, which may write to it" ../skipped &&
	grep "^$(at WriteIface) its writer is not proven a \*bytes.Buffer, \*strings.Builder or \*bufio.Writer" ../skipped &&
	grep "^$(at FprintIface) its writer is not proven a \*bytes.Buffer" ../skipped &&
	! grep "^$(at Prefixed) " ../kept ../skipped &&
	test "$(json ../s.json "d[\"summary\"][\"candidates\"] == d[\"summary\"][\"suggestions\"] + d[\"summary\"][\"skipped\"] == len(d[\"suggestions\"]) + len(d[\"skipped\"])")" = True &&
	test "$(json ../s.json "d[\"summary\"][\"behaviour_pairs\"] >= 10")" = True
'

test_expect_success 'SARIF: one result with its fix per kept rewrite, a valid log' '
	cd p &&
	goescape suggest --format sarif -o ../s.sarif ./pat 2>/dev/null &&
	validate ../s.sarif &&
	test "$(sarif ../s.sarif "len(res)")" = "$(json ../s.json "len(d[\"suggestions\"])")" &&
	test "$(sarif ../s.sarif "sum(1 for x in res if x.get(\"fixes\"))")" = "$(sarif ../s.sarif "len(res)")" &&
	test "$(sarif ../s.sarif "len(res) >= 12")" = True
'

test_expect_success 'a *bufio.Writer without go 1.18 in go.mod is left alone (no AvailableBuffer)' '
	new_repo old &&
	cd old &&
	sed "s/^go 1.21$/go 1.17/" go.mod >go.mod.new && mv go.mod.new go.mod &&
	grep -x "go 1.17" go.mod &&
	goescape suggest --format json -o ../o.json ./pat 2>/dev/null &&
	json ../o.json "\"\\n\".join(\"%d %s\" % (s[\"line\"], s[\"reason\"]) for s in d[\"skipped\"])" >../oskipped &&
	grep -Fx "$(at WriteBufio) a *bufio.Writer: its Write lets a stack buffer escape, and AvailableBuffer needs go 1.18 in go.mod" ../oskipped
'

test_expect_success 'after --apply: the outputs are as before, on 386, arm64 and windows too' '
	new_repo applied &&
	cd applied &&
	goescape suggest --apply ./pat >/dev/null 2>err &&
	grep "verified and applied" err &&
	! git diff --quiet -- pat &&
	go test -count=1 ./pat &&
	GOARCH=386 go build ./... &&
	GOARCH=arm64 go build ./... &&
	GOOS=windows go build ./... &&
	go vet ./pat &&
	gofmt -l . >unformatted &&
	test_cmp /dev/null unformatted &&
	test "$(grep -c "WriteString(strconv.Itoa(n))" pat/pat.go)" = 1 # io.StringWriter
'

test_done
