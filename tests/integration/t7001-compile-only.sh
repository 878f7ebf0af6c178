#!/usr/bin/env bash
# The builds goescape starts for itself (report, check's head and base,
# report --commit) compile without linking ("go list -export", issue 19):
# the same -m lines and attribution as a linking build of a module with main
# packages, a compile error still exits 3, a main package that compiles but
# cannot link is still analysed, and the user's own goescape build stays
# go's command exactly (it links, and fails where go fails).
. "$(dirname "$0")/lib.sh"

# A module with a library and two main packages; cmd/nolink declares a
# function without a body (an empty .s file lets it compile), so it compiles
# and does not link.
mkmod() {
	mkdir -p "$1/lib" "$1/cmd/a" "$1/cmd/b" &&
	printf "module example.com/co\n\ngo 1.19\n" >"$1/go.mod" &&
	cat >"$1/lib/lib.go" <<-\EOF &&
	package lib

	// T is a value.
	type T struct{ N int }

	// New returns a fresh T.
	func New(n int) *T { return &T{N: n} }

	// Box boxes n.
	func Box(n int) interface{} { return n }
	EOF
	cat >"$1/cmd/a/main.go" <<-\EOF &&
	package main

	import (
		"fmt"

		"example.com/co/lib"
	)

	func main() {
		x := 7
		p := &x
		fmt.Println(lib.New(*p), lib.Box(3))
	}
	EOF
	cat >"$1/cmd/b/main.go" <<-\EOF
	package main

	import "fmt"

	func main() {
		s := make([]int, 0, 10)
		fmt.Println(s)
	}
	EOF
}

addnolink() {
	mkdir -p "$1/cmd/nolink" &&
	: >"$1/cmd/nolink/stub.s" &&
	cat >"$1/cmd/nolink/main.go" <<-\EOF
	package main

	import "fmt"

	func missing() int

	func main() {
		v := missing()
		fmt.Println(&v)
	}
	EOF
}

fake_go logging 'printf "%s\n" "$*" >>"$GOLOG"'

test_expect_success 'report equals what a linking go build of the same module says' '
	mkmod m &&
	(cd m && git init -q && git add . && git commit -qm m) &&
	(cd m && go build -gcflags=example.com/co/...=-m -o /dev/null ./... 2>../linked.txt) &&
	(cd m && goescape report --input ../linked.txt --format json >../from-build.json) &&
	(cd m && GOLOG="$TRASH/m.log" GOESCAPE_GO="$TRASH/logging/bin/go" \
		goescape report --format json >../own.json) &&
	python3 -c "import json,sys
a=json.load(open(sys.argv[1]))[\"diagnostics\"]
b=json.load(open(sys.argv[2]))[\"diagnostics\"]
assert a == b and len(a) >= 5, (len(a), len(b))" from-build.json own.json &&
	grep -q "^list .*-export " m.log &&
	! grep -q "^build " m.log
'

test_expect_success 'a main package that compiles but does not link is analysed; goescape build still fails like go' '
	addnolink m &&
	(cd m && test_expect_code 1 go build -o /dev/null ./cmd/nolink 2>../go-link.err) &&
	(cd m && test_expect_code 1 goescape build -o /dev/null ./cmd/nolink 2>../ge-link.err) &&
	test_cmp go-link.err ge-link.err &&
	(cd m && goescape report ./cmd/nolink >../nolink.out) &&
	grep -q "^cmd/nolink/main.go$" nolink.out &&
	grep -q "moved to heap: v" nolink.out
'

test_expect_success 'a compile error in the head: report and check exit 3 with go'"'"'s error' '
	rm -rf m/cmd/nolink &&
	mkdir -p m/bad &&
	printf "package bad\n\nfunc F() int { return \"x\" }\n" >m/bad/bad.go &&
	(cd m && test_expect_code 3 goescape report >../bad.out 2>../bad.err) &&
	test ! -s bad.out &&
	grep -q "^bad/bad.go:3:23: " bad.err &&
	(cd m && test_expect_code 3 goescape check --base HEAD >/dev/null 2>../badc.err) &&
	grep -q "^bad/bad.go:3:23: " badc.err
'

test_expect_success 'a compile error in the base only: check --base exits 3' '
	(cd m && git add -A && git commit -qm bad &&
		rm -r bad && git add -A && git commit -qm fixed &&
		git notes --ref=goescape remove HEAD~1 2>/dev/null;
		test_expect_code 3 goescape check --base HEAD~1 >../base.out 2>../base.err) &&
	grep -q "bad/bad.go:3:23: " base.err
'

test_expect_success 'go 1.19: compile-only report equals its linking build' '
	GO119=/usr/lib/go-1.19/bin/go &&
	if ! test -x $GO119; then echo "no go 1.19 here" >&2; false; fi &&
	mkmod m19 &&
	(cd m19 && git init -q && git add . && git commit -qm m) &&
	(cd m19 && $GO119 build -gcflags=example.com/co/...=-m -o /dev/null ./... 2>../linked19.txt) &&
	(cd m19 && goescape report --input ../linked19.txt --format json >../from-build19.json) &&
	(cd m19 && GOESCAPE_GO=$GO119 goescape report --format json >../own19.json) &&
	python3 -c "import json,sys
a=json.load(open(sys.argv[1]))[\"diagnostics\"]
b=json.load(open(sys.argv[2]))[\"diagnostics\"]
assert a == b and len(a) >= 5, (len(a), len(b))" from-build19.json own19.json &&
	test "$(json own19.json "d[\"go\"]")" = "$($GO119 env GOVERSION)"
'

test_done
