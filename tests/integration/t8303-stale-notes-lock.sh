#!/usr/bin/env bash
# A lock on the notes ref left by a killed writer (older than the run) is
# reported at once in one line naming it and how to remove it, the note is
# not stored and the run otherwise goes on as it would; goescape never
# removes the lock itself.  A young lock (another process writing right
# now) is waited for a little and the note is stored.
. "$(dirname "$0")/lib.sh"

LOCK=.git/refs/notes/goescape.lock
REALGO=$(command -v go)
mkdir -p "$TRASH/wrap/bin" &&
cp "$(go env GOROOT)/VERSION" "$TRASH/wrap/VERSION"
# After the build, LOCK_AFTER is created and removed LOCK_HOLD seconds
# later by a process of its own (detached from goescape's pipes): the notes
# lock of a concurrent writer, appearing just before goescape writes.
cat >"$TRASH/wrap/bin/go" <<EOF
#!/bin/sh
"$REALGO" "\$@"
rc=\$?
if [ -n "\${LOCK_AFTER:-}" ]; then
	mkdir -p "\$(dirname "\$LOCK_AFTER")" && : >"\$LOCK_AFTER"
	(sleep "\$LOCK_HOLD"; rm -f "\$LOCK_AFTER") </dev/null >/dev/null 2>&1 &
fi
exit \$rc
EOF
chmod +x "$TRASH/wrap/bin/go"

# no_note: the commit has no goescape note.
no_note() {
	! git notes --ref=goescape show HEAD >/dev/null 2>&1
}

test_expect_success 'setup: a repository, its report, and no note' '
	copy_example shop &&
	cd shop &&
	git init -q && git add . && git commit -qm shop &&
	goescape report >../want.txt 2>../want.err &&
	test_cmp /dev/null ../want.err &&
	git notes --ref=goescape show HEAD >/dev/null &&
	git update-ref -d refs/notes/goescape &&
	no_note
'

test_expect_success 'a stale lock: one line at once, the report as without it, no note, lock kept' '
	cd shop &&
	mkdir -p .git/refs/notes &&
	touch -d "1 hour ago" $LOCK &&
	start=$(date +%s%N) &&
	goescape report >out 2>err &&
	end=$(date +%s%N) &&
	echo "took $(( (end - start) / 1000000 )) ms" &&
	test $(( (end - start) / 1000000 )) -lt 3000 &&
	echo "goescape: warning: '\''$LOCK'\'' is older than this run (a git or goescape process was killed?); if no git process is running, remove it: rm '\''$LOCK'\''" >expect &&
	test_cmp expect err &&
	test_cmp ../want.txt out &&
	test -e $LOCK &&
	no_note
'

test_expect_success 'the same for check, which goes on and exits as it would' '
	cd shop &&
	goescape baseline 2>/dev/null &&
	test_expect_code 0 goescape check >out 2>err &&
	test "$(grep -c "is older than this run" err)" = 1 &&
	test "$(wc -l <err)" = 1 &&
	no_note
'

test_expect_success 'the command the line gives removes the lock; the next run stores the note' '
	cd shop &&
	cmd=$(sed -n "s/.*remove it: //p" err) &&
	eval "$cmd" &&
	test ! -e $LOCK &&
	goescape report >out 2>err &&
	test_cmp /dev/null err &&
	git notes --ref=goescape show HEAD >/dev/null
'

test_expect_success 'from a subdirectory the line names the lock by its full path' '
	cd shop &&
	git update-ref -d refs/notes/goescape &&
	mkdir -p .git/refs/notes &&
	touch -d "1 hour ago" $LOCK &&
	(cd cart && goescape report >/dev/null 2>../err) &&
	grep -q "^goescape: warning: '\''$TRASH/shop/$LOCK'\'' is older than this run" err &&
	rm $LOCK
'

test_expect_success 'a young lock, gone after 0.3 s: waited for, the note is stored, nothing said' '
	cd shop &&
	git update-ref -d refs/notes/goescape &&
	GOESCAPE_GO="$TRASH/wrap/bin/go" LOCK_AFTER="$PWD/$LOCK" LOCK_HOLD=0.3 \
		goescape report >out 2>err &&
	test_cmp /dev/null err &&
	test_cmp ../want.txt out &&
	git notes --ref=goescape show HEAD >/dev/null &&
	test ! -e $LOCK
'

test_expect_success 'a young lock held too long: a bounded wait, then one line, no note' '
	cd shop &&
	git update-ref -d refs/notes/goescape &&
	start=$(date +%s%N) &&
	GOESCAPE_GO="$TRASH/wrap/bin/go" LOCK_AFTER="$PWD/$LOCK" LOCK_HOLD=8 \
		goescape report >out 2>err &&
	end=$(date +%s%N) &&
	echo "took $(( (end - start) / 1000000 )) ms" &&
	test $(( (end - start) / 1000000 )) -lt 7000 &&
	test "$(wc -l <err)" = 1 &&
	grep -q "^goescape: warning: '\''$TRASH/shop/$LOCK'\'' has been held by another process for over [0-9]* ms; the note on [0-9a-f]* was not stored$" err &&
	test_cmp ../want.txt out &&
	no_note
'

test_done
