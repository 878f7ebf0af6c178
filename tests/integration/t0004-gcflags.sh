#!/usr/bin/env bash
# The user's -gcflags (command line and GOFLAGS) still reach the compiler
# exactly where they did, and goescape's -m reaches the main module's
# packages only.  Checked on go's own -x output: the compile command line
# of each package.  Every check uses a fresh GOCACHE, so every package in
# question is compiled (and shown by -x) rather than taken from the cache.
#
# Bodies are &&-chained: lib.sh runs them as an if-condition, where set -e
# has no effect.
. "$(dirname "$0")/lib.sh"

# compile_words ERRFILE IMPORTPATH: the words of the compile command go -x
# printed for that package, one per line; fails when there is none.
compile_words() {
	grep -E "/compile .* -p $2 " "$1" >"$1.line" &&
	test $(wc -l <"$1.line") = 1 &&
	tr " " "\n" <"$1.line"
}

# has WORDS FLAG... / lacks WORDS FLAG...
has() {
	local w=$1 f
	shift
	for f; do grep -qx -- "$f" "$w" || { echo "missing $f in $w" >&2; return 1; }; done
}
lacks() {
	local w=$1 f
	shift
	for f; do ! grep -qx -- "$f" "$w" || { echo "unexpected $f" >&2; return 1; }; done
}
count_m() { grep -cx -- "-m" "$1"; }

# app (the main module, no main package: nothing to link) uses a local
# dependency module and one small standard package.
make_app() {
	mkdir -p "$1/app/lib" "$1/dep" &&
	printf "module example.com/dep\n\ngo 1.22\n" >"$1/dep/go.mod" &&
	printf "package dep\n\n// Ptr returns a pointer to a copy of v.\nfunc Ptr(v int) *int { return &v }\n" >"$1/dep/dep.go" &&
	printf "module example.com/app\n\ngo 1.22\n\nrequire example.com/dep v0.0.0\n\nreplace example.com/dep => ../dep\n" >"$1/app/go.mod" &&
	cat >"$1/app/lib/lib.go" <<\EOF
package lib

import (
	"unicode/utf8"

	"example.com/dep"
)

// Twice returns two pointers.
func Twice(s string) (*int, *int) {
	x := utf8.RuneCountInString(s)
	return &x, dep.Ptr(x)
}
EOF
}

# The example's own packages are made unique to this run (so go compiles
# them, and -x shows it) while the standard library comes from the shared
# cache: std checks are done on the small app module with fresh caches.
test_expect_success 'setup' '
	copy_example &&
	echo "// $TRASH" >>shop/cart/cart.go &&
	echo "// $TRASH" >>shop/main.go &&
	(cd shop && go build -o /dev/null ./...) &&
	make_app m &&
	(cd m/app && GOCACHE="$TRASH/gc-setup" go build ./...)
'

test_expect_success 'plain go: -N -l for the command-line packages, no -m anywhere' '
	(cd shop && go build -x -gcflags="-N -l" ./... 2>../go.err) &&
	compile_words go.err example.com/shop/cart >w.cart &&
	compile_words go.err main >w.main &&
	has w.cart -N -l && lacks w.cart -m &&
	has w.main -N -l && lacks w.main -m &&
	(cd m/app && GOCACHE="$TRASH/gc-0" go build -x "-gcflags=all=-N -l" ./... 2>../../go-all.err) &&
	compile_words go-all.err example.com/app/lib >w.lib &&
	compile_words go-all.err unicode/utf8 >w.utf8 &&
	has w.lib -N -l && lacks w.lib -m &&
	has w.utf8 -N -l && lacks w.utf8 -m
'

test_expect_success 'goescape build -x -gcflags="-N -l": main packages get -N -l -m, others neither' '
	(cd shop && goescape build -x -gcflags="-N -l" ./... 2>../ge.err) &&
	compile_words ge.err example.com/shop/cart >w.cart &&
	compile_words ge.err main >w.main &&
	has w.cart -N -l -m && test $(count_m w.cart) = 1 &&
	has w.main -N -l -m && test $(count_m w.main) = 1 &&
	tail -n 1 ge.err | grep -q "^goescape: [0-9]* heap escapes in [0-9]* packages\?$" &&
	(cd m/app && GOCACHE="$TRASH/gc-1" goescape build -x -gcflags="-N -l" ./... 2>../../ge-app.err) &&
	compile_words ge-app.err example.com/app/lib >w.lib &&
	compile_words ge-app.err example.com/dep >w.dep &&
	compile_words ge-app.err unicode/utf8 >w.utf8 &&
	has w.lib -N -l -m &&
	lacks w.dep -N -l -m &&
	lacks w.utf8 -N -l -m
'

test_expect_success '-gcflags="all=-N -l": dependencies and std get -N -l but not -m' '
	(cd m/app && GOCACHE="$TRASH/gc-2" goescape build -x "-gcflags=all=-N -l" ./... 2>../../all.err) &&
	compile_words all.err example.com/app/lib >w.lib &&
	compile_words all.err example.com/dep >w.dep &&
	compile_words all.err unicode/utf8 >w.utf8 &&
	has w.lib -N -l -m && test $(count_m w.lib) = 1 &&
	has w.dep -N -l && lacks w.dep -m &&
	has w.utf8 -N -l && lacks w.utf8 -m
'

test_expect_success 'GOFLAGS="-gcflags=all=-N -l" behaves the same' '
	(cd m/app && GOCACHE="$TRASH/gc-3" GOFLAGS="-buildvcs=false \"-gcflags=all=-N -l\"" \
		goescape build -x ./... 2>../../goflags.err) &&
	compile_words goflags.err example.com/app/lib >w.lib &&
	compile_words goflags.err example.com/dep >w.dep &&
	compile_words goflags.err unicode/utf8 >w.utf8 &&
	has w.lib -N -l -m && test $(count_m w.lib) = 1 &&
	has w.dep -N -l && lacks w.dep -m &&
	has w.utf8 -N -l && lacks w.utf8 -m
'

test_expect_success 'GOFLAGS from the go env file (go env -w) behaves the same' '
	GOENV="$TRASH/goenv" go env -w GOFLAGS="-buildvcs=false \"-gcflags=all=-N -l\"" &&
	(cd m/app && GOCACHE="$TRASH/gc-4" GOENV="$TRASH/goenv" env -u GOFLAGS \
		"$GOESCAPE_BIN" build -x ./... 2>../../goenv.err) &&
	compile_words goenv.err example.com/app/lib >w.lib &&
	compile_words goenv.err example.com/dep >w.dep &&
	has w.lib -N -l -m &&
	has w.dep -N -l && lacks w.dep -m
'

test_expect_success 'a pattern naming the dependency: it gets the flags, the module only -m' '
	(cd m/app && GOCACHE="$TRASH/gc-5" goescape build -x -gcflags=example.com/dep=-N ./... 2>../../dep.err) &&
	compile_words dep.err example.com/app/lib >w.lib &&
	compile_words dep.err example.com/dep >w.dep &&
	compile_words dep.err unicode/utf8 >w.utf8 &&
	has w.lib -m && lacks w.lib -N &&
	has w.dep -N && lacks w.dep -m &&
	lacks w.utf8 -N -m
'

test_expect_success 'GOFLAGS entry for the module and a command-line entry: the last one wins' '
	(cd m/app && GOCACHE="$TRASH/gc-6" GOFLAGS="-buildvcs=false -gcflags=example.com/app/...=-B" \
		goescape build -x -gcflags=-N ./... 2>../../last.err) &&
	compile_words last.err example.com/app/lib >w.lib &&
	compile_words last.err example.com/dep >w.dep &&
	has w.lib -N -m && lacks w.lib -B &&
	lacks w.dep -N -B -m
'

test_expect_success 'flags without a pattern for a package outside the module get no -m' '
	(cd m/app && GOCACHE="$TRASH/gc-7" goescape build -x -gcflags=-N example.com/dep 2>../../outside.err) &&
	compile_words outside.err example.com/dep >w.dep &&
	has w.dep -N && lacks w.dep -m
'

test_expect_success 'the user'"'"'s own -m is not doubled into -m -m' '
	(cd m/app && GOCACHE="$TRASH/gc-8" goescape build -x -gcflags=-m ./... 2>../../m.err) &&
	compile_words m.err example.com/app/lib >w.lib &&
	test $(count_m w.lib) = 1 &&
	grep -q "moved to heap: x" m.err
'

test_expect_success 'the build itself is unchanged: the same files and exit status as go' '
	(cd shop && goescape build -o app-ge -gcflags="-N -l" .) &&
	(cd shop && go build -o app-go -gcflags="-N -l" .) &&
	shop/app-ge >out.ge &&
	shop/app-go >out.go &&
	test_cmp out.go out.ge
'

test_done
