#!/usr/bin/env bash
# report --input lists each directory once: the walk that checks the
# module's file names records what it listed, and the package views take
# their names from it (issue 19, r1-attrib).  What the views are given must
# be what listing the directory would give: a *.go name that is a symbolic
# link to a regular file is one of the package's files (go compiles it),
# and its diagnostics are attributed as a regular file's are: the same
# report as the build's own path, which lists every directory itself.
. "$(dirname "$0")/lib.sh"
# LeakSanitizer cannot check a process strace traces.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

test_expect_success 'setup: a package with a linked file, -m output of its build' '
	mkdir m && cd m &&
	printf "module example.com/m\n\ngo 1.21\n" >go.mod &&
	mkdir p shared &&
	printf "package p\n\ntype T struct{ n int }\n\n//go:noinline\nfunc A() *T { return &T{n: 1} }\n" >p/a.go &&
	printf "package p\n\n//go:noinline\nfunc B() *T {\n\tt := &T{n: 2}\n\treturn t\n}\n" >shared/b.txt &&
	ln -s ../shared/b.txt p/b.go &&
	go build -gcflags=-m ./... 2>../m.txt &&
	cat ../m.txt &&
	grep -q "^p/b.go:5:.*escapes to heap" ../m.txt
'

diags() {
	python3 -c '
import json, sys
for x in json.load(open(sys.argv[1]))["diagnostics"]:
    print(x["file"], x["line"], x["column"], repr(x["function"]), x["kind"], x["line_hash"])
' "$1"
}

test_expect_success 'the linked file is attributed as the build path attributes it' '
	cd m &&
	goescape report --input ../m.txt --format json -o ../input.json &&
	goescape report --format json -o ../build.json &&
	diags ../input.json >../input.txt &&
	diags ../build.json >../build.txt &&
	cat ../input.txt &&
	test_cmp ../build.txt ../input.txt &&
	grep -q "^p/b.go 5 .* '"'"'B'"'"' escapes" ../input.txt &&
	grep -q "^p/a.go 6 .* '"'"'A'"'"' escapes" ../input.txt
'

# The walk opens a subdirectory by its name from its parent (openat(fd, "p")),
# the views by its whole path: either counts.
test_expect_success 'each directory of the module is listed once' '
	cd m &&
	if ! command -v strace >/dev/null; then echo "no strace: skipped"; exit 0; fi &&
	strace -f -e trace=openat -o ../trace "$GOESCAPE_BIN" report --input ../m.txt --format json -o /dev/null &&
	grep "O_DIRECTORY" ../trace | grep -cE "\"(/.*/m/)?p\"" >../n &&
	cat ../n &&
	test "$(cat ../n)" = 1
'

test_done
