#!/usr/bin/env bash
# Signals end the pre-push hook too, through a real 'git push' to a local
# bare remote: a Ctrl-C (SIGINT to the push's process group) while the hook
# builds the remote's base in place interrupts the push — the remote is
# unchanged, no go starts after the signal (no checkout fallback), no
# overlay file is left — and git push dies of the signal.  git dies of it
# at once; the hook's goescape must stop too, not go on in the background.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-hook.sh"

REALGO=$(command -v go)
mkdir -p "$TRASH/wrap/bin" &&
cp "$(go env GOROOT)/VERSION" "$TRASH/wrap/VERSION"
# Logs each start; for builds matching SIG_MATCH, runs the real go on a cold
# cache and signals the process group a second later (see t8301).
cat >"$TRASH/wrap/bin/go" <<EOF
#!/bin/sh
printf '%s start %s\n' "\$(date +%s.%N)" "\$*" >>"\$GOLOG"
if [ -n "\${SIG:-}" ]; then
	case " \$* " in \$SIG_MATCH)
		export GOCACHE="$TRASH/cold-\$\$"
		(sleep 1; printf '%s signal %s\n' "\$(date +%s.%N)" "\$SIG" >>"\$GOLOG"; kill -"\$SIG" 0) & ;;
	esac
fi
exec "$REALGO" "\$@"
EOF
chmod +x "$TRASH/wrap/bin/go"
export GOLOG="$TRASH/go.log"

# push_in_group ARGS...: git push in a process group of its own (job
# control on), waited for; then wait until every process of the group —
# the hook's goescape and its go outlive a git killed by the signal — is
# gone.  Sets $got to the push's exit status.
push_in_group() {
	set -m
	git push "$@" >out 2>err &
	pid=$!
	got=0
	wait $pid || got=$?
	set +m
	for i in $(seq 100); do
		pgrep -g $pid >/dev/null || return 0
		sleep 0.2
	done
	echo "the push's process group is still running" >&2
	return 1
}

started_after_signal() {
	awk '$2 == "signal" { s = 1; next } s && $2 == "start"' "$GOLOG"
}

test_expect_success 'setup: a clone with the hook and a commit adding an escape' '
	new_pair sig &&
	cd sig &&
	add_box one &&
	git add cart && git commit -qm box
'

for sig in INT:130 TERM:143; do
	name=${sig%:*} code=${sig#*:}
	test_expect_success "SIG$name during the hook's base build: the push ends with $code, no further go" '
		cd sig &&
		: >"$GOLOG" &&
		before=$(remote_rev sig main) &&
		GOESCAPE_GO="$TRASH/wrap/bin/go" SIG='"$name"' SIG_MATCH="*-overlay*" \
			push_in_group origin main &&
		cat "$GOLOG" err &&
		grep -q " signal " "$GOLOG" &&
		test "$got" = '"$code"' &&
		test "$(remote_rev sig main)" = "$before" &&
		started_after_signal >late &&
		test_cmp /dev/null late &&
		! grep -q "building a checkout" err &&
		! ls .git/goescape | grep -q "^overlay-"
	'
done

test_expect_success 'without a signal the same push is refused for the escape' '
	cd sig &&
	: >"$GOLOG" &&
	GOESCAPE_GO="$TRASH/wrap/bin/go" test_expect_code 1 git push origin main 2>err &&
	grep -q "adds 1 heap escape" err
'

test_done
