#!/usr/bin/env bash
# suggest builds its rewrites for other platforms (linux/386 and
# windows/amd64 by default) after building, once per platform, the
# packages without the rewrites.  That first build names only the packages
# holding a candidate, not every package with a heap diagnostic: on
# client_golang the latter was the whole module, 75 s per platform cold,
# for rewrites in 3 packages.  Counted through a go wrapper that logs each
# invocation with its GOOS.
. "$(dirname "$0")/lib.sh"

test_expect_success 'the platform builds name the candidate package only' '
	real=$(command -v go) &&
	printf "#!/bin/sh\necho \"GOOS=\${GOOS-} \$*\" >>%s/go.log\nexec %s \"\$@\"\n" "$TRASH" "$real" >gowrap &&
	chmod +x gowrap &&
	mkdir -p m/fmtd m/box &&
	printf "module example.com/m\n\ngo 1.22\n" >m/go.mod &&
	printf "package fmtd\n\nimport \"fmt\"\n\nfunc N(n int) string {\n\treturn fmt.Sprint(n)\n}\n" >m/fmtd/fmtd.go &&
	printf "package box\n\nfunc Box(n int) *int {\n\treturn &n\n}\n" >m/box/box.go &&
	cd m &&
	git init -q && git add . && git commit -qm m &&
	GOESCAPE_GO=$TRASH/gowrap goescape suggest --format json -o ../s.json 2>../err &&
	test "$(json ../s.json "d[\"suggestions\"][0][\"after\"]")" = "strconv.Itoa(n)" &&
	test "$(json ../s.json "\",\".join(d[\"summary\"][\"platforms\"])")" = linux/386,windows/amd64 &&
	grep "^GOOS=[a-z]" ../go.log >../plat &&
	test "$(grep -c " -overlay " ../plat)" = 2 &&
	grep -v " -overlay " ../plat >../plain &&
	test "$(wc -l <../plain)" = 2 &&
	grep -c " example.com/m/fmtd\$" ../plain >../n && test "$(cat ../n)" = 2 &&
	! grep "example.com/m/box" ../plat
'

test_done
