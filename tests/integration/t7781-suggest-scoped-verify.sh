#!/usr/bin/env bash
# suggest's verification builds only the packages a round changes and the
# main-module packages that import them, transitively; every other
# package's -m output is the base build's.  A rewrite in p changes the
# escapes of q, which inlines p.Name (cross-package inlining): q is built
# again and its escape goes, while r, which imports neither, is not built
# under the overlay at all.  With --tests a package whose test file alone
# imports p is built again too.  Counted through a go wrapper that logs
# each invocation (as t7621 does).
. "$(dirname "$0")/lib.sh"

mkwrap() {
	real=$(command -v go) &&
	printf "#!/bin/sh\necho \"GOOS=\${GOOS-} \$*\" >>%s/go.log\nexec %s \"\$@\"\n" "$TRASH" "$real" >"$TRASH/gowrap" &&
	chmod +x "$TRASH/gowrap" &&
	rm -f "$TRASH/go.log"
}

# p has the candidate; q inlines p.Name; r has a heap escape of its own.
mkmod() {
	mkdir -p "$1/p" "$1/q" "$1/r" &&
	printf "module example.com/m\n\ngo 1.22\n" >"$1/go.mod" &&
	printf "package p\n\nimport \"fmt\"\n\nfunc Name(n int) string {\n\treturn fmt.Sprint(n)\n}\n" >"$1/p/p.go" &&
	printf "package q\n\nimport \"example.com/m/p\"\n\nfunc Use(n int) string {\n\treturn p.Name(n) + \"!\"\n}\n" >"$1/q/q.go" &&
	printf "package r\n\nfunc Box(n int) *int {\n\treturn &n\n}\n" >"$1/r/r.go"
}

# The verification builds: -m and the overlay (the probe and platform builds have no -m).
verify_builds() {
	grep "^GOOS= list .*=-m .* -overlay " "$TRASH/go.log"
}

test_expect_success 'a dependent of the rewritten package is verified again, the rest is not built' '
	mkwrap &&
	mkmod m &&
	cd m &&
	git init -q && git add . && git commit -qm m &&
	GOESCAPE_SUGGEST_SCOPE_MIN=1 GOESCAPE_GO=$TRASH/gowrap goescape suggest --format json -o ../s.json 2>../err &&
	grep "^goescape: 1 suggestion verified (1 candidate, 0 left alone); heap escapes 4 -> 2; 8 go runs, 1 round$" ../err &&
	test "$(json ../s.json "d[\"suggestions\"][0][\"after\"]")" = "strconv.Itoa(n)" &&
	test "$(json ../s.json "d[\"summary\"][\"heap_after\"]")" = 2 &&
	verify_builds >../v &&
	test "$(wc -l <../v)" = 1 &&
	grep " example.com/m/p example.com/m/q\$" ../v &&
	! grep "example.com/m/r" ../v &&
	! grep "example.com/m/\.\.\." ../v
'

test_expect_success 'applied, a build of the whole module counts what the verification did' '
	cd m &&
	goescape suggest --apply 2>/dev/null &&
	goescape report --format json -o ../after.json &&
	test "$(json ../after.json "sum(x.get(\"count\", 1) for x in d[\"diagnostics\"] if x[\"kind\"] != \"leak\")")" = 2 &&
	test "$(json ../after.json "\",\".join(sorted(x[\"file\"] for x in d[\"diagnostics\"] if x[\"kind\"] != \"leak\"))")" = q/q.go,r/r.go
'

test_expect_success 'a leaf rewrite: the verification names its package only' '
	mkwrap &&
	mkdir -p leaf/p leaf/r &&
	printf "module example.com/m\n\ngo 1.22\n" >leaf/go.mod &&
	printf "package p\n\nimport \"fmt\"\n\nfunc Name(n int) string {\n\treturn fmt.Sprint(n)\n}\n" >leaf/p/p.go &&
	printf "package r\n\nfunc Box(n int) *int {\n\treturn &n\n}\n" >leaf/r/r.go &&
	cd leaf &&
	git init -q && git add . && git commit -qm m &&
	GOESCAPE_SUGGEST_SCOPE_MIN=1 GOESCAPE_GO=$TRASH/gowrap goescape suggest --format json -o ../s.json 2>../err &&
	grep "heap escapes 2 -> 1;" ../err &&
	verify_builds >../v &&
	test "$(wc -l <../v)" = 1 &&
	grep " -overlay [^ ]* example.com/m/p\$" ../v
'

test_expect_success '--tests: a package whose test file alone imports the rewritten one is built again' '
	mkwrap &&
	mkmod t &&
	mkdir t/u &&
	printf "package u\n\nfunc U() int {\n\treturn 1\n}\n" >t/u/u.go &&
	printf "package u\n\nimport (\n\t\"testing\"\n\n\t\"example.com/m/p\"\n)\n\nfunc TestU(t *testing.T) {\n\tif p.Name(U())+\"!\" == \"\" {\n\t\tt.Fatal()\n\t}\n}\n" >t/u/u_test.go &&
	cd t &&
	git init -q && git add . && git commit -qm m &&
	GOESCAPE_SUGGEST_SCOPE_MIN=1 GOESCAPE_GO=$TRASH/gowrap goescape suggest --tests --format json -o ../s.json 2>../err &&
	grep "heap escapes 5 -> 2;" ../err &&
	verify_builds >../v &&
	test "$(wc -l <../v)" = 1 &&
	grep " -test .*example.com/m/p example.com/m/q example.com/m/u\$" ../v &&
	! grep "example.com/m/r" ../v
'

test_expect_success 'by default a module this small is verified whole (go'"'"'s cache answers it faster)' '
	mkwrap &&
	cd m &&
	git checkout -q . &&
	GOESCAPE_GO=$TRASH/gowrap goescape suggest --format json -o ../s2.json 2>../err &&
	grep "heap escapes 4 -> 2;" ../err &&
	verify_builds >../v &&
	grep " -overlay [^ ]* example.com/m/\.\.\.\$" ../v &&
	! grep -- "-deps" "$TRASH/go.log"
'

test_expect_success 'GOFLAGS asking for -m: the base build shows its -m lines as before' '
	cd m &&
	git checkout -q . &&
	GOFLAGS=-gcflags=-m GOESCAPE_SUGGEST_SCOPE_MIN=1 goescape suggest --format json -o ../s3.json 2>../err &&
	grep "^r/r.go:3:10: moved to heap: n\$" ../err &&
	grep "heap escapes 4 -> 2;" ../err
'

test_done
