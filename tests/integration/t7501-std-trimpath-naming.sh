#!/usr/bin/env bash
# The standard library as the main module (goescape run inside GOROOT/src,
# module "std", issue 19), beyond t7201: a -trimpath build prints std's
# files as "strconv/quote.go", which attribution used to take for another
# module's and drop (0 heap escapes, a silent pass); and the package walks
# of 'assert' and the status line named std's packages "std/strconv", so
# that no named package matched (0 assertions; "compiling N packages"
# without its total).  Only a few std packages are built.
. "$(dirname "$0")/lib.sh"

GOROOT_REAL=$(go env GOROOT)

# Summary, packages and files of a JSON report.
shape() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
s = d["summary"]
print("heap", s["heap"], "escapes", s["escapes"], "leaks", s["leaks"])
for p in sorted({x["package"] for x in d["diagnostics"]}): print("package", p)
for f in sorted({x["file"] for x in d["diagnostics"]}): print("file", f)' "$1"
}

# Never written in: a copy of GOROOT (hard links where the file system
# allows; only new files and directories are added to it).
test_expect_success 'setup: a copy of GOROOT' '
	{ cp -al "$GOROOT_REAL" goroot 2>/dev/null || cp -r "$GOROOT_REAL" goroot; } &&
	test -f goroot/src/go.mod && grep -q "^module std$" goroot/src/go.mod
'

export GOROOT="$TRASH/goroot" PATH="$TRASH/goroot/bin:$PATH"

test_expect_success 'GOFLAGS=-trimpath: the same report as without' '
	(cd goroot/src && goescape report strconv unicode/utf8 --format json -o ../../plain.json) &&
	(cd goroot/src && GOFLAGS=-trimpath goescape report strconv unicode/utf8 \
		--format json -o ../../trim.json) &&
	shape plain.json >plain.shape && shape trim.json >trim.shape &&
	grep -q "^file strconv/quote.go$" trim.shape &&
	grep -q "^file unicode/utf8/utf8.go$" trim.shape &&
	! grep -q "^heap 0 " trim.shape &&
	test_cmp plain.shape trim.shape &&
	python3 -c "import json
a, b = (json.load(open(f))[\"diagnostics\"] for f in (\"plain.json\", \"trim.json\"))
assert a == b, \"diagnostics differ\""
'

test_expect_success 'GOFLAGS=-trimpath in a directory below GOROOT/src' '
	(cd goroot/src/unicode && GOFLAGS=-trimpath goescape report ./utf8 --format json \
		-o ../../../dir.json) &&
	shape dir.json >dir.shape &&
	grep -q "^package unicode/utf8$" dir.shape && grep -q "^file unicode/utf8/utf8.go$" dir.shape &&
	! grep -q "^heap 0 " dir.shape
'

test_expect_success 'goescape build -trimpath of a std package counts its escapes' '
	(cd goroot/src && goescape build -trimpath unicode/utf8 2>../../build.err) &&
	heap=$(sed -n "s/^heap \([0-9]*\) .*/\1/p" dir.shape) &&
	test "$heap" -gt 0 &&
	grep -q "goescape: $heap heap escapes in 1 package" build.err
'

# A package of our own in the copy's std (a new directory: nothing of the
# real GOROOT changes).
test_expect_success 'assert on a std package: its directives are found and judged' '
	mkdir goroot/src/zzassert &&
	cat >goroot/src/zzassert/a.go <<-\EOF &&
	package zzassert

	func Index(p []byte, i int) byte {
		return p[i] //goescape:bce
	}

	func Leak() *int {
		x := 1 //goescape:noescape
		return &x
	}

	func Sum(p []byte) int {
		s := 0
		for i := 0; i < len(p); i++ {
			s += int(p[i]) //goescape:bce
		}
		return s
	}
	EOF
	(cd goroot/src && test_expect_code 1 goescape assert zzassert >../../assert.out 2>../../assert.err) &&
	cat >expect <<-\EOF &&
	zzassert/a.go:4: return p[i]: found IsInBounds
	zzassert/a.go:8: x := 1: moved to heap: x
	EOF
	test_cmp expect assert.out &&
	grep -q "2 of 3 assertions violated" assert.err
'

test_expect_success 'the status line counts std packages against their total' '
	(cd goroot/src && GOESCAPE_PROGRESS=1 goescape report strconv unicode/utf8 \
		-o /dev/null 2>../../progress.err) &&
	grep -a -q "goescape: compiling [0-9]/2 packages" progress.err
'

test_done
