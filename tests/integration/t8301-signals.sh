#!/usr/bin/env bash
# Signals end the run.  A Ctrl-C (SIGINT to the whole process group), a
# SIGTERM or a SIGHUP while any go runs — the head build, the in-place base
# build, suggest's verification round, suggest --test, the pre-push hook —
# stops goescape: no fallback, no further go, no temporary files left, and
# goescape dies of the same signal (130 / 143 / 129 from bash).
#
# The go is a wrapper that logs every start with a timestamp and, for the
# build it is told to interrupt, starts the real go on a cold build cache of
# its own (so go is really compiling) and sends the signal to its process
# group a second later, as a terminal would.  goescape runs under setsid:
# that group is goescape's own, not the test's.
. "$(dirname "$0")/lib.sh"

REALGO=$(command -v go)
mkdir -p "$TRASH/wrap/bin" &&
cp "$(go env GOROOT)/VERSION" "$TRASH/wrap/VERSION" # no 'go env GOVERSION' run
cat >"$TRASH/wrap/bin/go" <<EOF
#!/bin/sh
# SIG: the signal; SIG_MATCH / SIG_NOT: case patterns over " \$* " choosing
# the build to interrupt; SIG_SELF=1: the signal kills only this go.
printf '%s start %s\n' "\$(date +%s.%N)" "\$*" >>"\$GOLOG"
if [ -n "\${SIG:-}" ]; then
	hit=
	case " \$* " in \$SIG_MATCH) hit=1 ;; esac
	case " \$* " in \${SIG_NOT:-@none@}) hit= ;; esac
	if [ -n "\$hit" ] && [ -n "\${SIG_SELF:-}" ]; then
		printf '%s signal %s\n' "\$(date +%s.%N)" "\$SIG" >>"\$GOLOG"
		kill -"\$SIG" \$\$
		sleep 5
	fi
	if [ -n "\$hit" ]; then
		export GOCACHE="$TRASH/cold-\$\$"
		(sleep \${SIG_DELAY:-1}; printf '%s signal %s\n' "\$(date +%s.%N)" "\$SIG" >>"\$GOLOG"; kill -"\$SIG" 0) &
	fi
fi
exec "$REALGO" "\$@"
EOF
chmod +x "$TRASH/wrap/bin/go"
export GOESCAPE_GO="$TRASH/wrap/bin/go"
export GOLOG="$TRASH/go.log"

# started_after_signal: the go starts logged after the signal (none wanted).
started_after_signal() {
	awk '$2 == "signal" { s = 1; next } s && $2 == "start"' "$GOLOG"
}
# signalled: the signal was sent (the test really interrupted something).
signalled() {
	grep -q " signal " "$GOLOG"
}

test_expect_success 'setup: a base commit, and a head that adds an escape' '
	copy_example shop &&
	cd shop &&
	git init -q && git add . && git commit -qm base &&
	git tag base &&
	printf "package cart\n\n// Box boxes n.\nfunc Box(n int) *int { return &n }\n" >cart/box.go &&
	git add cart && git commit -qm box &&
	GOESCAPE_VERBOSE=1 goescape report >/dev/null 2>head.out &&
	git update-ref -d refs/notes/goescape
'

test_expect_success 'SIGINT to the group during the base build: exit 130, no fallback go' '
	cd shop &&
	: >"$GOLOG" &&
	code=0 &&
	SIG=INT SIG_MATCH="*-overlay*" setsid "$GOESCAPE_BIN" check --base base >out 2>err || code=$? &&
	cat "$GOLOG" err &&
	signalled &&
	test "$code" = 130 &&
	started_after_signal >late &&
	test_cmp /dev/null late &&
	! grep -q "building a checkout" err &&
	! ls .git/goescape | grep -q "^overlay-" &&
	! ls .git/goescape | grep -q "^checkout-[0-9a-f]*$" &&
	test_expect_code 1 git notes --ref=goescape show base 2>/dev/null
'

test_expect_success 'SIGTERM to the group during the head build: exit 143, the base is never built' '
	cd shop &&
	: >"$GOLOG" &&
	code=0 &&
	SIG=TERM SIG_MATCH="*" SIG_NOT="*-overlay*" setsid "$GOESCAPE_BIN" check --base base >out 2>err || code=$? &&
	cat "$GOLOG" err &&
	signalled &&
	test "$code" = 143 &&
	started_after_signal >late &&
	test_cmp /dev/null late &&
	test "$(grep -c " start " "$GOLOG")" = 1
'

# env --default-signal: a run under nohup (SIGHUP ignored, which goescape and go
# rightly keep) still tests the handler.
test_expect_success 'SIGHUP to the group during a captured build: exit 129' '
	cd shop &&
	: >"$GOLOG" &&
	code=0 &&
	SIG=HUP SIG_MATCH="*" env --default-signal=HUP setsid "$GOESCAPE_BIN" build -o /dev/null ./... 2>err || code=$? &&
	signalled &&
	test "$code" = 129 &&
	! grep -q "heap escape" err
'

# Only go dies, goescape gets no signal: the run ends all the same.
test_expect_success 'the base build'\''s go dies of SIGTERM alone: exit 143, no checkout fallback' '
	cd shop &&
	: >"$GOLOG" &&
	code=0 &&
	SIG=TERM SIG_SELF=1 SIG_MATCH="*-overlay*" "$GOESCAPE_BIN" check --base base >out 2>err || code=$? &&
	cat "$GOLOG" err &&
	test "$code" = 143 &&
	started_after_signal >late &&
	test_cmp /dev/null late &&
	! ls .git/goescape | grep -q "^overlay-"
'

test_expect_success 'SIGINT during the -m=2 explanations of check --format sarif: exit 130' '
	cd shop &&
	: >"$GOLOG" &&
	code=0 &&
	SIG=INT SIG_MATCH="*-m=2*" setsid "$GOESCAPE_BIN" check --base base --format sarif -o s.sarif 2>err || code=$? &&
	cat "$GOLOG" err &&
	signalled &&
	test "$code" = 130 &&
	started_after_signal >late &&
	test_cmp /dev/null late &&
	test ! -e s.sarif
'

# suggest: the base build has no -overlay, the type probes -gcflags=-e; the
# verification rounds build with -overlay and -m.
test_expect_success 'SIGTERM during suggest'\''s verification: exit 143, no work files left' '
	cd shop &&
	git reset -q --hard base &&
	: >"$GOLOG" &&
	code=0 &&
	SIG=TERM SIG_MATCH="*-overlay*" SIG_NOT="*-gcflags=-e*" setsid "$GOESCAPE_BIN" suggest >out 2>err || code=$? &&
	cat "$GOLOG" err &&
	signalled &&
	test "$code" = 143 &&
	started_after_signal >late &&
	test_cmp /dev/null late &&
	test_cmp /dev/null out &&
	git diff --exit-code &&
	! find .git/goescape -path "*suggest/*" | grep -q . &&
	! find "${TMPDIR:-/tmp}" -maxdepth 1 -name "goescape-suggest-*" -newer "$GOLOG" | grep -q .
'

test_expect_success 'SIGINT during suggest --test'\''s go test: exit 130, files untouched' '
	cd shop &&
	: >"$GOLOG" &&
	code=0 &&
	SIG=INT SIG_MATCH="* test *" setsid "$GOESCAPE_BIN" suggest --test --apply >out 2>err || code=$? &&
	cat "$GOLOG" err &&
	signalled &&
	test "$code" = 130 &&
	started_after_signal >late &&
	test_cmp /dev/null late &&
	git diff --exit-code &&
	! find .git/goescape -path "*suggest/*" | grep -q .
'

test_done
