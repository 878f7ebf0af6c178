#!/usr/bin/env bash
# suggest --test runs the package's tests under the rewrites: a rewrite
# that compiles and removes a heap escape but breaks a test (here one that
# pins an allocation count) is found by bisecting the package and dropped;
# the others stay.  Without --test it is kept.
. "$(dirname "$0")/lib.sh"

q=\' # a single quote

make_mod() {
	mkdir -p "$1/p" &&
	printf "module example.com/t\n\ngo 1.22\n" >"$1/go.mod" &&
	cat >"$1/p/p.go" <<-\EOF &&
	package p

	import "fmt"

	// Label is pinned by a test to its two allocations.
	func Label(n int) string {
		return fmt.Sprintf("%d", n)
	}

	func Other(n uint16) string {
		return fmt.Sprintf("%d", n)
	}

	func Third(n int64) string {
		return fmt.Sprint(n)
	}
	EOF
	cat >"$1/p/p_test.go" <<-\EOF
	package p

	import "testing"

	var (
		sink string
		v    = 12345
	)

	func TestLabelAllocs(t *testing.T) {
		if n := testing.AllocsPerRun(100, func() { sink = Label(v) }); n != 2 {
			t.Fatalf("Label allocates %v times, want 2", n)
		}
	}

	func TestValues(t *testing.T) {
		if Label(7) != "7" || Other(65535) != "65535" || Third(-3) != "-3" {
			t.Fatal("values")
		}
	}
	EOF
}

test_expect_success 'without --test: all three' '
	make_mod plain &&
	cd plain &&
	go test ./... >/dev/null &&
	goescape suggest --format json -o ../s.json 2>/dev/null &&
	test "$(json ../s.json "len(d[\"suggestions\"])")" = 3 &&
	test "$(json ../s.json "d[\"summary\"][\"tested\"]")" = False
'

test_expect_success 'with --test: Label dropped, the other two kept and tested' '
	make_mod tested &&
	cd tested &&
	goescape suggest --test --format json -o ../s.json 2>/dev/null &&
	test "$(json ../s.json "\" \".join(s[\"function\"] for s in d[\"suggestions\"])")" = "Other Third" &&
	test "$(json ../s.json "d[\"skipped\"][0][\"reason\"]")" = "the package${q}s tests fail with it" &&
	test "$(json ../s.json "d[\"summary\"][\"tested\"]")" = True &&
	goescape suggest --test --apply >/dev/null 2>&1 &&
	go test -count=1 ./... &&
	grep -q "return fmt.Sprintf(\"%d\", n)" p/p.go
'

test_done
