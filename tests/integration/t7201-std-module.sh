#!/usr/bin/env bash
# goescape report on the standard library itself (issue 19): run inside
# GOROOT/src, the main module is "std", whose packages have no import-path
# prefix ("strconv", not "std/strconv").  It used to report 0 packages from
# a build and refuse captured output ("no compiler output for std").
. "$(dirname "$0")/lib.sh"

GOROOT_REAL=$(go env GOROOT)
FIX="$FIXTURES/compiler-output/go1.26.8-stdmod-m2.txt"

# Summary and the sorted set of packages and files of a JSON report.
shape() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
s = d["summary"]
print("heap", s["heap"], "escapes", s["escapes"])
for p in sorted({x["package"] for x in d["diagnostics"]}): print("package", p)
for f in sorted({x["file"] for x in d["diagnostics"]}): print("file", f)' "$1"
}

# Never written in: a copy of GOROOT (hard links where the file system
# allows, so the copy is cheap) whose go is the one run.
test_expect_success 'setup: a copy of GOROOT' '
	{ cp -al "$GOROOT_REAL" goroot 2>/dev/null || cp -r "$GOROOT_REAL" goroot; } &&
	test -f goroot/src/go.mod && grep -q "^module std$" goroot/src/go.mod
'

export GOROOT="$TRASH/goroot" PATH="$TRASH/goroot/bin:$PATH"

test_expect_success 'report --input of std -m=2 output, in GOROOT/src' '
	(cd goroot/src && goescape report --input "$FIX" --format json -o ../../in.json) &&
	shape in.json >in.shape &&
	grep -q "^heap 63 escapes 63$" in.shape &&
	grep -q "^package strconv$" in.shape && grep -q "^package unicode/utf8$" in.shape &&
	! grep -q "^package std" in.shape &&
	grep -q "^file strconv/quote.go$" in.shape && grep -q "^file unicode/utf8/utf8.go$" in.shape &&
	python3 -c "import json
d = json.load(open(\"in.json\"))
assert all(x[\"function\"] or x[\"line\"] for x in d[\"diagnostics\"])
assert any(x.get(\"explanation\") for x in d[\"diagnostics\"]), \"no -m=2 explanation attached\""
'

test_expect_success 'a real build of two std packages reports the same' '
	if [ "$(go env GOVERSION)" != go1.26.8 ]; then echo "fixture is go1.26.8"; exit 0; fi &&
	(cd goroot/src && goescape report strconv unicode/utf8 --format json -o ../../build.json) &&
	shape build.json >build.shape &&
	test_cmp in.shape build.shape
'

test_expect_success 'a directory pattern inside GOROOT/src: std import paths' '
	(cd goroot/src/unicode && goescape report ./utf8 --format json -o ../../../dir.json) &&
	shape dir.json >dir.shape &&
	grep -q "^package unicode/utf8$" dir.shape && ! grep -q "^package strconv$" dir.shape &&
	grep -q "^file unicode/utf8/utf8.go$" dir.shape
'

test_expect_success 'one package named: only its own diagnostics, -m=2 of std deps dropped' '
	(cd goroot/src && goescape report strconv --format json -o ../../one.json) &&
	shape one.json >one.shape &&
	grep -q "^package strconv$" one.shape && ! grep -q "^package unicode/utf8$" one.shape
'

test_done
