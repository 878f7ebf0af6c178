#!/usr/bin/env bash
# Per-commit history: the report of a clean tree is stored as a git note
# under refs/notes/goescape; report --commit reads it back; a check against
# a base with a note builds nothing for the base.
. "$(dirname "$0")/lib.sh"

new_repo() {
	copy_example "$1" || return 1
	(cd "$1" && git init -q && git add . && git commit -qm "shop") || return 1
}

# Wrappers around the real go (fake_go, lib.sh).
# Logs each invocation (one line of arguments) to $GOLOG.
fake_go logging 'printf "%s\n" "$*" >>"$GOLOG"'
LOGGING_GO=$TRASH/logging/bin/go
# Refuses any -overlay build: the base may not be built.
fake_go no-overlay 'for a in "$@"; do case "$a" in -overlay*) echo "no-overlay-go: refusing $*" >&2; exit 7 ;; esac; done'
NO_OVERLAY_GO=$TRASH/no-overlay/bin/go
# Refuses every build: nothing may be built at all.
fake_go no-build 'case "$1" in build|install|list) echo "no-build-go: refusing $*" >&2; exit 7 ;; esac'
NO_BUILD_GO=$TRASH/no-build/bin/go

# builds FILE: how many go builds FILE logged.
builds() { grep -c "^list .*-export " "$1" || true; }

test_expect_success 'report on a clean tree stores the report JSON as the note on HEAD' '
	new_repo r &&
	cd r &&
	test_expect_code 1 git notes --ref=goescape show HEAD 2>/dev/null &&
	goescape report --format json >report.json &&
	git notes --ref=goescape show HEAD >note.json &&
	validate_json --stream report-1 note.json &&
	test_cmp report.json note.json &&
	test "$(json note.json "d[\"commit\"]")" = "$(git rev-parse HEAD)" &&
	test "$(json note.json "d[\"dirty\"], d[\"summary\"][\"heap\"]")" = "(False, 8)"
'

test_expect_success 'report --commit HEAD --format json equals the note' '
	cd r &&
	goescape report --commit HEAD --format json >actual &&
	test_cmp note.json actual &&
	goescape report --commit main --format json >actual &&
	test_cmp note.json actual
'

test_expect_success 'report --commit reads the note: no go build at all' '
	cd r &&
	GOESCAPE_GO="$NO_BUILD_GO" goescape report --commit HEAD --format json >actual &&
	test_cmp note.json actual
'

test_expect_success 'report --commit HEAD in text is the stored report' '
	cd r &&
	goescape report >expect &&
	GOESCAPE_GO="$NO_BUILD_GO" goescape report --commit HEAD >actual &&
	test_cmp expect actual
'

test_expect_success 'a dirty tree stores no note' '
	new_repo dirty &&
	cd dirty &&
	echo "// dirty" >>cart/cart.go &&
	goescape report --format json >r.json &&
	test "$(json r.json "d[\"dirty\"]")" = True &&
	test_expect_code 1 git notes --ref=goescape show HEAD 2>/dev/null &&
	test_expect_code 1 git rev-parse -q --verify refs/notes/goescape
'

test_expect_success 'an untracked Go file makes the tree dirty: no note' '
	new_repo untracked &&
	cd untracked &&
	printf "package cart\n\n// Two is 2.\nfunc Two() int { return 2 }\n" >cart/two.go &&
	goescape report --format json >r.json &&
	test "$(json r.json "d[\"dirty\"]")" = True &&
	test_expect_code 1 git rev-parse -q --verify refs/notes/goescape
'

test_expect_success 'a report of some packages only stores no note' '
	new_repo pkgs &&
	cd pkgs &&
	goescape report ./cart >out &&
	grep -q "^cart/cart.go$" out &&
	test_expect_code 1 git rev-parse -q --verify refs/notes/goescape
'

test_expect_success 'check on a clean tree stores notes on HEAD and on the base' '
	new_repo c &&
	cd c &&
	printf "package cart\n\n// Make returns a fresh cart.\nfunc Make() *Cart {\n\treturn &Cart{}\n}\n" >cart/make.go &&
	git add . &&
	git commit -qm make &&
	rm -f "$TRASH/c.log" &&
	GOLOG="$TRASH/c.log" GOESCAPE_GO="$LOGGING_GO" \
		test_expect_code 1 goescape check --base HEAD~1 >first &&
	test "$(builds "$TRASH/c.log")" = 2 &&
	git notes --ref=goescape show HEAD >head.json &&
	git notes --ref=goescape show HEAD~1 >base.json &&
	test "$(json head.json "d[\"commit\"]")" = "$(git rev-parse HEAD)" &&
	test "$(json head.json "d[\"summary\"][\"heap\"]")" = 9 &&
	test "$(json base.json "d[\"commit\"]")" = "$(git rev-parse HEAD~1)" &&
	test "$(json base.json "d[\"summary\"][\"heap\"]")" = 8 &&
	cat >expect <<-\EOF &&
	cart/make.go:5:9: Make: &Cart{} escapes to heap
	1 new heap escape, 0 fixed (of 9 in all)
	EOF
	test_cmp expect first
'

test_expect_success 'the notes hold what a build of each commit reports' '
	cd c &&
	goescape report --format json >now.json &&
	test_cmp head.json now.json &&
	git checkout -q HEAD~1 &&
	goescape report --format json >then.json &&
	git checkout -q main &&
	test_cmp base.json then.json
'

test_expect_success 'a second check --base HEAD~1 builds the head only' '
	cd c &&
	rm -f "$TRASH/c2.log" &&
	GOLOG="$TRASH/c2.log" GOESCAPE_GO="$LOGGING_GO" \
		test_expect_code 1 goescape check --base HEAD~1 >second &&
	test_cmp first second &&
	test "$(builds "$TRASH/c2.log")" = 1 &&
	! grep -e "-overlay" "$TRASH/c2.log"
'

test_expect_success 'with the base build made impossible, check still works from the note' '
	cd c &&
	GOESCAPE_GO="$NO_OVERLAY_GO" test_expect_code 1 goescape check --base HEAD~1 >third 2>err &&
	test_cmp first third &&
	! grep no-overlay-go err
'

test_expect_success 'GOESCAPE_VERBOSE=1 shows -m lines of the head build only' '
	cd c &&
	GOESCAPE_VERBOSE=1 test_expect_code 1 goescape check --base HEAD~1 >out 2>err &&
	test "$(grep -c "cart.go:23:9: &Cart{} escapes to heap" err)" = 1
'

test_expect_success 'without the note the base is built again (and the note comes back)' '
	cd c &&
	git notes --ref=goescape remove HEAD~1 2>/dev/null &&
	rm -f "$TRASH/c3.log" &&
	GOLOG="$TRASH/c3.log" GOESCAPE_GO="$LOGGING_GO" \
		test_expect_code 1 goescape check --base HEAD~1 >again &&
	test_cmp first again &&
	test "$(builds "$TRASH/c3.log")" = 2 &&
	git notes --ref=goescape show HEAD~1 >base2.json &&
	test_cmp base.json base2.json
'

test_expect_success 'a corrupt note is ignored and replaced' '
	cd c &&
	git notes --ref=goescape add -f -m "not json" HEAD~1 &&
	test_expect_code 1 goescape check --base HEAD~1 >out &&
	test_cmp first out &&
	git notes --ref=goescape show HEAD~1 >base3.json &&
	test_cmp base.json base3.json
'

test_expect_success 'report --commit of a commit without a note builds it and stores the note' '
	cd c &&
	git notes --ref=goescape remove HEAD~1 2>/dev/null &&
	goescape report --commit HEAD~1 --format json >built.json &&
	test_cmp base.json built.json &&
	git notes --ref=goescape show HEAD~1 >stored.json &&
	test_cmp base.json stored.json
'

test_expect_success 'the note commit is by the GIT_AUTHOR_*/GIT_COMMITTER_* identity, as with git notes' '
	cd r &&
	git log -1 --format="%an <%ae>|%cn <%ce>" refs/notes/goescape >who &&
	echo "Test Author <author@example.com>|Test Committer <committer@example.com>" >expect.who &&
	test_cmp expect.who who
'

test_expect_success 'without the variables, user.name/user.email of the repository' '
	cd r &&
	(
		unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL &&
		git config user.name "Repo User" &&
		git config user.email repo@example.com &&
		git update-ref -d refs/notes/goescape &&
		goescape report >/dev/null &&
		git log -1 --format="%an <%ae>|%cn <%ce>" refs/notes/goescape >who &&
		echo "Repo User <repo@example.com>|Repo User <repo@example.com>" >expect.who &&
		test_cmp expect.who who
	)
'

test_expect_success 'notes work without user.name/user.email (no identity at all)' '
	new_repo anon &&
	cd anon &&
	(
		unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL EMAIL &&
		export HOME="$TRASH/anon-home" GIT_CONFIG_GLOBAL="$TRASH/anon-home/gitconfig" &&
		mkdir -p "$HOME" &&
		: >"$GIT_CONFIG_GLOBAL" &&
		goescape report --format json >report.json &&
		git notes --ref=goescape show HEAD >note.json &&
		test_cmp report.json note.json &&
		git log -1 --format="%an <%ae>" refs/notes/goescape >who &&
		echo "goescape <goescape@localhost>" >expect.who &&
		test_cmp expect.who who &&
		echo "change" >README &&
		git -c user.name=x -c user.email=y add README &&
		git -c user.name=x -c user.email=y commit -qm readme &&
		goescape check --base HEAD~1 >out &&
		git notes --ref=goescape show HEAD >/dev/null
	)
'

test_done
