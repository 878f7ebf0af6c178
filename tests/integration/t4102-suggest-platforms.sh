#!/usr/bin/env bash
# suggest builds every kept rewrite for other platforms too: by default
# linux/386 and windows/amd64, else "suggest": {"platforms": [...]} in
# .goescape.json, each GOOS/GOARCH from a fixed list.  The traps fixture's
# BlkText formats a type that is int64 here and int32 on 32-bit systems.
. "$(dirname "$0")/lib.sh"

q=\' # a single quote

new_repo() {
	copy_module suggesttraps "$1" || return 1
	if test -n "${2-}"; then printf '%s\n' "$2" >"$TRASH/$1/.goescape.json" || return 1; fi
	(cd "$1" && git init -q && git add . && git commit -qm fixture) || return 1
}

blk_line() { echo $(($(grep -n "^func BlkText(" traps/traps.go | cut -d: -f1) + 1)); }

test_expect_success 'by default: dropped, the reason naming linux/386' '
	new_repo dflt &&
	cd dflt &&
	goescape suggest --format json -o ../s.json ./traps 2>/dev/null &&
	test "$(json ../s.json "\",\".join(d[\"summary\"][\"platforms\"])")" = linux/386,windows/amd64 &&
	json ../s.json "\"\\n\".join(\"%d %s\" % (s[\"line\"], s[\"reason\"]) for s in d[\"skipped\"])" >../skipped &&
	grep "^$(blk_line) does not compile on linux/386: cannot use b" ../skipped &&
	goescape suggest --apply ./traps 2>/dev/null &&
	GOARCH=386 go build ./... &&
	GOARCH=arm64 go build ./... &&
	GOOS=windows go build ./...
'

test_expect_success 'platforms [] : the host only, and the rewrite is kept' '
	new_repo hostonly "{\"suggest\": {\"platforms\": []}}" &&
	cd hostonly &&
	goescape suggest --format json -o ../h.json ./traps 2>/dev/null &&
	test "$(json ../h.json "len(d[\"summary\"][\"platforms\"])")" = 0 &&
	json ../h.json "\"\\n\".join(\"%d %s\" % (s[\"line\"], s[\"after\"]) for s in d[\"suggestions\"])" >../kept &&
	grep "^$(blk_line) strconv.FormatInt(b, 10)$" ../kept
'

test_expect_success 'platforms ["linux/arm"]: the reason names it' '
	new_repo arm "{\"suggest\": {\"platforms\": [\"linux/arm\"]}}" &&
	cd arm &&
	goescape suggest --format json -o ../a.json ./traps 2>/dev/null &&
	test "$(json ../a.json "d[\"summary\"][\"platforms\"]")" = "[${q}linux/arm${q}]" &&
	json ../a.json "\"\\n\".join(\"%d %s\" % (s[\"line\"], s[\"reason\"]) for s in d[\"skipped\"])" >../skipped &&
	grep "^$(blk_line) does not compile on linux/arm: " ../skipped
'

test_expect_success 'a platform the packages do not build for without rewrites is reported, not blamed' '
	mkdir -p unix/u &&
	printf "module example.com/unix\n\ngo 1.22\n" >unix/go.mod &&
	printf "//go:build unix\n\npackage u\n\nimport \"fmt\"\n\nfunc N(n int) string {\n\treturn fmt.Sprint(n)\n}\n" >unix/u/u.go &&
	echo "{\"suggest\": {\"platforms\": [\"windows/amd64\", \"linux/386\"]}}" >unix/.goescape.json &&
	cd unix &&
	goescape suggest --format json -o ../u.json 2>/dev/null &&
	test "$(json ../u.json "d[\"summary\"][\"platforms\"]")" = "[${q}linux/386${q}]" &&
	test "$(json ../u.json "d[\"summary\"][\"platforms_unbuildable\"]")" = "[${q}windows/amd64${q}]" &&
	test "$(json ../u.json "d[\"suggestions\"][0][\"after\"]")" = "strconv.Itoa(n)"
'

# Each value that must not reach go's environment, and what the message says.
while IFS='|' read -r value why; do
	test_expect_success "suggest.platforms $value: exit 2 ($why), nothing runs" '
		new_repo bad "{\"suggest\": {\"platforms\": $value}}" &&
		cd bad &&
		test_expect_code 2 goescape suggest --apply >../out 2>../err &&
		test "$(wc -l <../err)" = 1 &&
		grep -q "^goescape: '"'"'.goescape.json'"'"': " ../err &&
		grep -q "$why" ../err &&
		test ! -s ../out &&
		git status --porcelain >../st &&
		test_cmp /dev/null ../st &&
		test ! -e ../MARK
	'
	rm -rf "$TRASH/bad"
done <<'EOF'
["linux/386 -toolexec=touch ../MARK"]|is not a platform (unknown GOARCH)
["-toolexec=touch/amd64"]|is not a platform (unknown GOOS)
["../../x/amd64"]|is not a platform (unknown GOOS)
["linux"]|is not a platform (want GOOS/GOARCH)
["linux/386\nGOFLAGS=-toolexec=x"]|is not a platform (unknown GOARCH)
["plan9/wasm2"]|is not a platform (unknown GOARCH)
[1]|must be a list of strings
"linux/386"|must be a list of strings
["linux/386","linux/386","linux/386","linux/386","linux/386","linux/386","linux/386","linux/386","linux/386"]|has more than 8 entries
EOF

test_expect_success 'an unknown key under suggest, or suggest not an object: exit 2' '
	new_repo key "{\"suggest\": {\"platform\": [\"linux/386\"]}}" &&
	cd key &&
	test_expect_code 2 goescape suggest 2>err &&
	grep -q "unknown key \"suggest.platform\"" err &&
	echo "{\"suggest\": []}" >.goescape.json &&
	test_expect_code 2 goescape suggest 2>err &&
	grep -q "\"suggest\" must be an object" err
'

test_done
