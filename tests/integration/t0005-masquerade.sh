#!/usr/bin/env bash
# Finding the real go, and goescape installed as "go" (a symlink first on
# PATH, as ccache does for compilers): build is captured, everything else
# is the real go, and goescape never runs itself.  GOESCAPE_GO, when set,
# names the real go and must be one.
#
# Every goescape run here is under timeout: a recursion would never end.
#
# Bodies are &&-chained: lib.sh runs them as an if-condition, where set -e
# has no effect.
. "$(dirname "$0")/lib.sh"
SQ="'"

REAL_GO=$(command -v go)
T="$(command -v timeout) 60"

test_expect_success 'setup: a go symlink to goescape, and a go that logs its calls' '
	test -x "$REAL_GO" &&
	mkdir masq logging &&
	ln -s "$GOESCAPE_BIN" masq/go &&
	printf "#!/bin/sh\necho \"\$*\" >>\"$TRASH/go.log\"\nexec \"$REAL_GO\" \"\$@\"\n" >logging/go &&
	chmod +x logging/go &&
	copy_example
'

test_expect_success 'masquerade: go build is captured, writes the binary, no recursion' '
	(cd shop && PATH="$TRASH/masq:$PATH" $T go build 2>../err) &&
	grep -q "^goescape: [0-9]* heap escapes in 2 packages$" err &&
	test $(wc -l <err) = 1 &&
	test -x shop/shop &&
	shop/shop >run &&
	test -s run
'

test_expect_success 'masquerade: go version and go env are the real go'"'"'s' '
	"$REAL_GO" version >expect &&
	PATH="$TRASH/masq:$PATH" $T go version >actual &&
	test_cmp expect actual &&
	"$REAL_GO" env GOPATH GOROOT >expect &&
	PATH="$TRASH/masq:$PATH" $T go env GOPATH GOROOT >actual &&
	test_cmp expect actual
'

test_expect_success 'masquerade: the first go on PATH that is not goescape is the one run' '
	rm -f go.log &&
	(cd shop && PATH="$TRASH/masq:$TRASH/logging:$PATH" $T go build -o /dev/null . 2>../err) &&
	grep -q "^goescape: " err &&
	grep -q "^build .*-gcflags=example.com/shop/...=-m" go.log &&
	PATH="$TRASH/masq:$TRASH/logging:$PATH" $T go env GOVERSION >actual &&
	grep -q "^env GOVERSION$" go.log &&
	"$REAL_GO" env GOVERSION >expect &&
	test_cmp expect actual
'

test_expect_success 'masquerade: a chain of symlinks to goescape, twice on PATH' '
	mkdir -p chain1 chain2 &&
	ln -s "$GOESCAPE_BIN" chain1/goescape-link &&
	ln -s ../chain1/goescape-link chain2/go &&
	ln -s goescape-link chain1/go &&
	(cd shop && PATH="$TRASH/chain2:$TRASH/chain1:$TRASH/masq:$PATH" $T go build -o /dev/null . 2>../err) &&
	grep -q "^goescape: [0-9]* heap escapes in 2 packages$" err &&
	PATH="$TRASH/chain2:$TRASH/chain1:$PATH" $T go version >actual &&
	"$REAL_GO" version >expect &&
	test_cmp expect actual
'

test_expect_success 'masquerade: a copy and a hard link of goescape named go, besides the symlink' '
	mkdir -p copy hard &&
	cp "$GOESCAPE_BIN" copy/go &&
	ln copy/go hard/go &&
	PATH="$TRASH/copy:$TRASH/masq:$TRASH/hard:$PATH" $T go version >actual &&
	"$REAL_GO" version >expect &&
	test_cmp expect actual &&
	PATH="$TRASH/hard:$TRASH/masq:$TRASH/copy:$PATH" $T go version >actual &&
	test_cmp expect actual &&
	(cd shop && PATH="$TRASH/masq:$TRASH/copy:$PATH" $T go build -o /dev/null . 2>../err) &&
	grep -q "^goescape: [0-9]* heap escapes in 2 packages$" err
'

# A wrapper script named go that execs goescape is not goescape itself, so
# goescape runs it as the real go, which runs goescape again...  Each go that
# goescape starts carries GOESCAPE_DEPTH one higher, and past a bound
# goescape stops with one line naming the go that leads back to it.
test_expect_success 'a wrapper script named go that execs goescape: exit 2, one line, no endless chain' '
	mkdir -p shim &&
	printf "#!/bin/sh\nexec \"%s\" \"\$@\"\n" "$GOESCAPE_BIN" >shim/go &&
	chmod +x shim/go &&
	PATH="$TRASH/shim:$PATH" test_expect_code 2 $T go version >stdout 2>err &&
	test ! -s stdout &&
	test $(wc -l <err) = 1 &&
	grep -q "^goescape: ${SQ}$TRASH/shim/go${SQ} leads back to goescape" err &&
	(cd shop && PATH="$TRASH/shim:$PATH" test_expect_code 2 $T go build -o /dev/null . 2>../err) &&
	test $(wc -l <err) = 1 &&
	grep -q "^goescape: ${SQ}$TRASH/shim/go${SQ} leads back to goescape" err &&
	(cd shop && PATH="$TRASH/shim:$PATH" GOESCAPE_GO="$REAL_GO" $T go build -o /dev/null . 2>../err) &&
	grep -q "^goescape: [0-9]* heap escapes in 2 packages$" err
'

test_expect_success 'the go goescape runs gets GOESCAPE_DEPTH one higher; nesting below the bound works' '
	printf "#!/bin/sh\necho \"depth=\$GOESCAPE_DEPTH \$1\" >>\"$TRASH/depth.log\"\nexec \"$REAL_GO\" \"\$@\"\n" >logging/go-depth &&
	chmod +x logging/go-depth &&
	(cd shop && GOESCAPE_GO="$TRASH/logging/go-depth" $T "$GOESCAPE_BIN" build -o /dev/null . 2>/dev/null) &&
	(cd shop && GOESCAPE_DEPTH=6 GOESCAPE_GO="$TRASH/logging/go-depth" $T "$GOESCAPE_BIN" version >/dev/null) &&
	printf "depth=1 build\ndepth=1 env\ndepth=7 version\n" >expect &&
	test_cmp expect depth.log &&
	(cd shop && GOESCAPE_DEPTH=8 GOESCAPE_GO="$TRASH/logging/go-depth" test_expect_code 2 $T "$GOESCAPE_BIN" version 2>../err) &&
	test $(wc -l <err) = 1
'

test_expect_success 'masquerade with no real go on PATH: exit 2, one line, no recursion' '
	(cd shop && PATH="$TRASH/masq" test_expect_code 2 $T "$TRASH/masq/go" build . 2>../err) &&
	test $(wc -l <err) = 1 &&
	grep -q "^goescape: .*go" err &&
	(cd shop && PATH="$TRASH/masq:$TRASH/chain1" test_expect_code 2 $T "$TRASH/masq/go" version 2>../err) &&
	test $(wc -l <err) = 1
'

test_expect_success 'GOESCAPE_GO names the real go: PATH is not searched' '
	rm -f go.log &&
	(cd shop && GOESCAPE_GO="$TRASH/logging/go" $T "$GOESCAPE_BIN" build -o /dev/null . 2>../err) &&
	grep -q "^goescape: " err &&
	grep -q "^build " go.log &&
	GOESCAPE_GO="$TRASH/logging/go" $T "$GOESCAPE_BIN" version >actual &&
	"$REAL_GO" version >expect &&
	test_cmp expect actual &&
	grep -q "^version$" go.log
'

test_expect_success 'GOESCAPE_GO that does not exist: exit 2 and one line naming it' '
	(cd shop && GOESCAPE_GO="$TRASH/no/such/go" test_expect_code 2 $T "$GOESCAPE_BIN" build ./... 2>../err) &&
	test $(wc -l <err) = 1 &&
	grep -q "^goescape: .*$TRASH/no/such/go" err &&
	GOESCAPE_GO="$TRASH/no/such/go" test_expect_code 2 $T "$GOESCAPE_BIN" version 2>err &&
	test $(wc -l <err) = 1 &&
	grep -q "$TRASH/no/such/go" err &&
	(cd shop && GOESCAPE_GO="$TRASH/no/such/go" test_expect_code 2 $T "$GOESCAPE_BIN" report 2>../err) &&
	test $(wc -l <err) = 1 &&
	grep -q "$TRASH/no/such/go" err &&
	(cd shop && GOESCAPE_GO="$TRASH/no/such/go" PATH="$TRASH/masq:$PATH" \
		test_expect_code 2 $T go build 2>../err) &&
	test $(wc -l <err) = 1 &&
	grep -q "$TRASH/no/such/go" err
'

test_expect_success 'GOESCAPE_GO naming goescape itself (through a symlink): exit 2, one line' '
	GOESCAPE_GO="$TRASH/masq/go" test_expect_code 2 $T "$GOESCAPE_BIN" version 2>err &&
	test $(wc -l <err) = 1 &&
	grep -q "$TRASH/masq/go" err
'

test_done
