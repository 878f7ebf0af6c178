# Shared helpers for integration tests, in the manner of git's t/test-lib.sh.
# Each test script sources this file, runs test_expect_success blocks, and
# ends with test_done.  Tests run the real goescape against real Go modules
# and real git repositories made in a temporary directory.
set -u

: "${GOESCAPE_BIN:?GOESCAPE_BIN must name the goescape binary}"
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FIXTURES="$TOP/tests/fixtures"
TEST_NAME=$(basename "$0" .sh)
TRASH=$(mktemp -d "${TMPDIR:-/tmp}/goescape-$TEST_NAME.XXXXXX")
export PATH="/usr/local/go/bin:$PATH"
# The module cache and GOPATH of the machine (downloaded modules are reused),
# then a HOME of the test's own: no user configuration (git's, go's) leaks in.
export GOMODCACHE="${GOMODCACHE:-$(go env GOMODCACHE)}"
export GOPATH="${GOPATH:-$(go env GOPATH)}"
export HOME="$TRASH/home"
mkdir -p "$HOME"
# A build cache shared by the tests (fast), unless a test sets its own.
export GOCACHE="${GOESCAPE_TEST_GOCACHE:-$TOP/build/test-gocache}"
export GOFLAGS=-buildvcs=false
export GOTOOLCHAIN=local
export NO_COLOR=1
unset GOESCAPE_GO GOESCAPE_VERBOSE GOESCAPE_SKIP GOWORK
# git: no user configuration leaks in, commits work without user.name.
export GIT_CONFIG_NOSYSTEM=1
export GIT_CONFIG_GLOBAL="$TRASH/.gitconfig"
export GIT_AUTHOR_NAME="Test Author" GIT_AUTHOR_EMAIL="author@example.com"
export GIT_COMMITTER_NAME="Test Committer" GIT_COMMITTER_EMAIL="committer@example.com"
printf '[init]\n\tdefaultBranch = main\n' >"$GIT_CONFIG_GLOBAL"

goescape() { "$GOESCAPE_BIN" "$@"; }

test_count=0
test_failed=0
cleanup() { [ "${KEEP_TRASH:-}" ] || rm -rf "$TRASH"; }
trap cleanup EXIT

# test_expect_success 'description' 'commands' — commands run in a subshell
# with errexit, in $TRASH; their output is shown only on failure.
test_expect_success() {
  local desc=$1 body=$2 out
  test_count=$((test_count + 1))
  out="$TRASH/.out.$test_count"
  # Not inside "if": bash ignores set -e in a condition, subshells included.
  (cd "$TRASH" && set -e && eval "$body") >"$out" 2>&1
  if [ $? -eq 0 ]; then
    echo "ok $test_count - $desc"
  else
    echo "not ok $test_count - $desc"
    sed 's/^/#   /' "$out"
    test_failed=$((test_failed + 1))
  fi
}

# test_cmp expect actual
test_cmp() { diff -u "$1" "$2"; }

# test_expect_code N command... : exit status must be exactly N.
test_expect_code() {
  local want=$1 got=0
  shift
  "$@" || got=$?
  if [ "$got" != "$want" ]; then
    echo "expected exit $want, got $got from: $*" >&2
    return 1
  fi
}

# Copy a fixture module into $TRASH/name.
copy_module() { cp -R "$FIXTURES/$1" "$TRASH/${2:-$1}"; }

# The example module shipped with goescape.
copy_example() { cp -R "$TOP/examples/shop" "$TRASH/${1:-shop}"; }

# example_repo DIR: the example in $TRASH/DIR as a git repository with one
# commit ("start"); the shell is left in it.
example_repo() {
	copy_example "$1" && cd "$TRASH/$1" && git init -q && git add . && git commit -qm "start"
}

# JSON field extraction with python3 (present on every CI machine).
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

# validate_json [--stream] SCHEMA FILE...: FILE is valid against
# docs/schema/SCHEMA.json (scripts/validate-json).
validate_json() { "$TOP/scripts/validate-json" "$@"; }

# heap_lines REPORT.json: "file:line:col: message" of every moved/escapes
# diagnostic of a goescape JSON report, sorted and unique (the form of the
# compiler's own lines, to compare with them).
heap_lines() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for x in d["diagnostics"]:
    if x["kind"] in ("moved", "escapes"):
        print("%s:%d:%d: %s" % (x["file"], x["line"], x["column"], x["message"]))
' "$1" | LC_ALL=C sort -u
}

# label_without_fmt [FILE]: the example's Label (in FILE, cart/cart.go by
# default) formats with strconv.Itoa instead of fmt.Sprintf, and FILE no
# longer imports fmt: the interface boxing of its argument is fixed.
label_without_fmt() {
	sed -i "s|return fmt.Sprintf(\"%d\", n)|return strconv.Itoa(n)|; /^\t\"fmt\"\$/d" "${1:-cart/cart.go}" &&
	grep -q "return strconv.Itoa(n)$" "${1:-cart/cart.go}"
}

# moved_module N FILE: in the current directory a module example.com/m with
# one package p, and in FILE N synthetic compiler lines "moved to heap: vK"
# at p/p.go:4:2 (large reports without a large build).
moved_module() {
	mkdir -p p &&
	printf "module example.com/m\n\ngo 1.21\n" >go.mod &&
	printf "package p\n\nfunc F() *int {\n\tx := 0\n\treturn &x\n}\n" >p/p.go &&
	python3 -c '
import sys
w = sys.stdout.write
w("# example.com/m/p\n")
for k in range(int(sys.argv[1])):
    w("p/p.go:4:2: moved to heap: v%d\n" % k)
' "$1" >"$2"
}

# one_line FILE: a bad-input message, exactly one line starting "goescape: ".
one_line() {
	test "$(wc -l <"$1")" = 1 && grep -q "^goescape: " "$1"
}

# fake_go NAME SCRIPT-BODY: $TRASH/NAME/bin/go, a wrapper that runs the
# shell body, then the real go (REALGO, the go on PATH when lib.sh is read),
# beside a copy of GOROOT/VERSION so goescape still learns the Go version.
REALGO=$(command -v go)
fake_go() {
	mkdir -p "$TRASH/$1/bin" &&
	cp "$(go env GOROOT)/VERSION" "$TRASH/$1/VERSION" &&
	printf '#!/bin/sh\n%s\nexec %s "$@"\n' "$2" "$REALGO" >"$TRASH/$1/bin/go" &&
	chmod +x "$TRASH/$1/bin/go"
}

# Peak RSS in KiB of the command, from getrusage of the child.  A sanitizer
# build keeps what is freed in a quarantine (256 MB by default), which would
# count what the command freed long ago (t7101, t7202): off.
peak_kb() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0" \
	    python3 -c 'import resource, subprocess, sys
rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)' "$@"
}

# rusage OUT CMD...: run CMD (stdout discarded) and write "CPU-ms max-RSS-KiB"
# of it and everything it waited for to OUT; CMD's exit status is kept.
rusage() {
	python3 - "$@" <<'PY'
import resource, subprocess, sys
p = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write("%d %d\n" % (int((r.ru_utime + r.ru_stime) * 1000), r.ru_maxrss))
sys.exit(p.returncode if p.returncode >= 0 else 128 - p.returncode)
PY
}

# skip_all 'reason': the whole script cannot run here.  It says so and exits
# 77, which run.sh counts as skipped, never as passed.
skip_all() {
  echo "# skip: $1"
  exit 77
}

test_done() {
  echo "# $TEST_NAME: $test_count tests, $test_failed failed"
  [ "$test_failed" -eq 0 ]
}
