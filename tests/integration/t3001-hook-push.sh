#!/usr/bin/env bash
# The pre-push hook, driven by real 'git push' to a local bare remote: a
# clean push passes, a push that adds a heap escape is refused and names it,
# new branches are compared with what the remote already has, the bypasses
# work, deletions and up-to-date pushes pass at once, a repository without
# go.mod passes with one line, a pushed commit that does not build is
# refused, and a missing goescape makes the hook fail with directions.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-hook.sh"

refused_hint() {
	echo "goescape: with the pushed commit checked out, see them with 'goescape check --base $1' and fixes with 'goescape suggest'; push anyway with 'git push --no-verify' or GOESCAPE_SKIP=1"
}

test_expect_success 'a clean push passes and the pushed commit was analysed' '
	new_pair clean &&
	cd clean &&
	add_clean a &&
	git add cart && git commit -qm "twice" &&
	git push origin main 2>err &&
	test "$(remote_rev clean main)" = "$(git rev-parse HEAD)" &&
	hook_lines err >actual &&
	test_cmp /dev/null actual &&
	git notes --ref=goescape show HEAD >note.json &&
	test "$(json note.json "d[\"commit\"]")" = "$(git rev-parse HEAD)"
'

test_expect_success 'a push that adds an escape is refused and names the file' '
	new_pair add &&
	cd add &&
	base=$(git rev-parse --short=12 origin/main) &&
	before=$(remote_rev add main) &&
	add_box one &&
	git add cart && git commit -qm "box" &&
	test_expect_code 1 git push origin main 2>err &&
	test "$(remote_rev add main)" = "$before" &&
	hook_lines err >actual &&
	{
		echo "goescape: refs/heads/main adds 1 heap escape (against $base):" &&
		echo "cart/one.go:4:13: Boxone: moved to heap: n" &&
		refused_hint $base
	} >expect &&
	test_cmp expect actual &&
	grep -q "failed to push" err
'

test_expect_success 'the hook exits 1 itself, and reads the lines git gives' '
	cd add &&
	printf "refs/heads/main %s refs/heads/main %s\n" $(git rev-parse HEAD origin/main) >lines &&
	test_expect_code 1 goescape hook pre-push origin "$TRASH/add.git" <lines 2>err &&
	test_cmp expect err
'

test_expect_success 'an escape in an existing file is named with its line' '
	cd add &&
	git reset -q --hard origin/main &&
	printf "\n// Boxed boxes n.\nfunc Boxed(n int) *int { return &n }\n" >>cart/cart.go &&
	git commit -qam "boxed" &&
	test_expect_code 1 git push origin main 2>err &&
	hook_lines err >actual &&
	grep -x "cart/cart.go:51:12: Boxed: moved to heap: n" actual
'

test_expect_success '--no-verify and GOESCAPE_SKIP=1 let it through' '
	new_pair skip &&
	cd skip &&
	add_box one &&
	git add cart && git commit -qm "box" &&
	test_expect_code 1 git push origin main 2>/dev/null &&
	git push --no-verify origin main 2>err &&
	test "$(remote_rev skip main)" = "$(git rev-parse HEAD)" &&
	hook_lines err >actual &&
	test_cmp /dev/null actual &&
	add_box two &&
	git add cart && git commit -qm "box two" &&
	test_expect_code 1 git push origin main 2>/dev/null &&
	GOESCAPE_SKIP=1 git push origin main 2>err &&
	test "$(remote_rev skip main)" = "$(git rev-parse HEAD)" &&
	hook_lines err >actual &&
	test_cmp /dev/null actual
'

test_expect_success 'a new branch that adds an escape is refused (base: origin/HEAD)' '
	new_pair nb &&
	cd nb &&
	test "$(git symbolic-ref refs/remotes/origin/HEAD)" = refs/remotes/origin/main &&
	base=$(git rev-parse --short=12 origin/main) &&
	git checkout -q -b topic &&
	add_clean a && git add cart && git commit -qm clean &&
	add_box one && git add cart && git commit -qm box &&
	test_expect_code 1 git push -u origin topic 2>err &&
	! remote_rev nb topic >/dev/null &&
	hook_lines err >actual &&
	{
		echo "goescape: refs/heads/topic adds 1 heap escape (against $base):" &&
		echo "cart/one.go:4:13: Boxone: moved to heap: n" &&
		refused_hint $base
	} >expect &&
	test_cmp expect actual
'

test_expect_success 'a new branch without escapes passes' '
	cd nb &&
	git checkout -q -b quiet origin/main &&
	add_clean b && git add cart && git commit -qm clean &&
	git push origin quiet 2>err &&
	test "$(remote_rev nb quiet)" = "$(git rev-parse HEAD)" &&
	hook_lines err >actual &&
	test_cmp /dev/null actual
'

# Without refs/remotes/origin/HEAD the base is the newest commit of
# refs/remotes/origin/* that the branch shares: here origin/side, so the
# escape of origin/side (pushed with --no-verify) is not new again.  The
# commits are dated apart: "newest" is by commit time, to the second.
test_expect_success 'a new branch without origin/HEAD: compared with the newest remote branch it shares' '
	cd nb &&
	t=$(($(date +%s) + 100)) &&
	export GIT_COMMITTER_DATE="@$t +0000" &&
	git remote set-head origin -d &&
	! git rev-parse -q --verify refs/remotes/origin/HEAD &&
	git checkout -q -b side quiet &&
	add_box two && git add cart && git commit -qm "box two" &&
	git push -q --no-verify origin side &&
	export GIT_COMMITTER_DATE="@$((t + 100)) +0000" &&
	git checkout -q -b more side &&
	add_box three && git add cart && git commit -qm "box three" &&
	base=$(git rev-parse --short=12 origin/side) &&
	test_expect_code 1 git push origin more 2>err &&
	hook_lines err >actual &&
	{
		echo "goescape: refs/heads/more adds 1 heap escape (against $base):" &&
		echo "cart/three.go:4:15: Boxthree: moved to heap: n" &&
		refused_hint $base
	} >expect &&
	test_cmp expect actual
'

test_expect_success 'a first push to an empty remote has nothing to compare with: passes' '
	copy_example first &&
	git init -q --bare first.git &&
	cd first &&
	git init -q && git add . && git commit -qm shop &&
	goescape hook install 2>/dev/null &&
	git remote add origin ../first.git &&
	git push origin main 2>err &&
	test "$(remote_rev first main)" = "$(git rev-parse HEAD)"
'

test_expect_success 'a deletion passes, even of a branch with escapes' '
	new_pair del &&
	cd del &&
	git checkout -q -b boxes &&
	add_box one && git add cart && git commit -qm box &&
	git push -q --no-verify origin boxes &&
	remote_rev del boxes >/dev/null &&
	git push origin --delete boxes 2>err &&
	! remote_rev del boxes >/dev/null &&
	hook_lines err >actual &&
	test_cmp /dev/null actual &&
	git push -q --no-verify origin boxes &&
	git push origin :boxes 2>err &&
	! remote_rev del boxes >/dev/null
'

# A "go" that leaves a mark: nothing to check must not run it.
cat >"$TRASH/marking-go" <<EOF
#!/bin/sh
echo "\$@" >>"$TRASH/go-was-run"
exit 1
EOF
chmod +x "$TRASH/marking-go"

test_expect_success 'nothing to push returns at once, without running go' '
	new_pair uptodate &&
	cd uptodate &&
	GOESCAPE_GO="$TRASH/marking-go" git push origin main 2>err &&
	grep -q "Everything up-to-date" err &&
	hook_lines err >actual &&
	test_cmp /dev/null actual &&
	test ! -e "$TRASH/go-was-run" &&
	GOESCAPE_GO="$TRASH/marking-go" goescape hook pre-push origin "$TRASH/uptodate.git" </dev/null &&
	printf "\n\n" | GOESCAPE_GO="$TRASH/marking-go" goescape hook pre-push origin x &&
	test ! -e "$TRASH/go-was-run"
'

test_expect_success 'a push of deletions only returns at once, without running go' '
	cd uptodate &&
	printf "(delete) %s refs/heads/gone %s\n" 0000000000000000000000000000000000000000 $(git rev-parse HEAD) >lines &&
	GOESCAPE_GO="$TRASH/marking-go" goescape hook pre-push origin x <lines 2>err &&
	test_cmp /dev/null err &&
	test ! -e "$TRASH/go-was-run"
'

test_expect_success 'bad pre-push input is exit 2 with one line naming it' '
	cd uptodate &&
	echo "refs/heads/main nothex refs/heads/main nothex" >lines &&
	test_expect_code 2 goescape hook pre-push origin x <lines 2>err &&
	test $(wc -l <err) = 1 &&
	grep -q "pre-push input line 1" err
'

test_expect_success 'a repository without go.mod passes with one line' '
	git init -q --bare nomod.git &&
	mkdir nomod && cd nomod &&
	git init -q && echo hello >README && git add README && git commit -qm readme &&
	git remote add origin ../nomod.git &&
	git push -q origin main &&
	goescape hook install 2>/dev/null &&
	echo more >>README && git commit -qam more &&
	git push origin main 2>err &&
	test "$(remote_rev nomod main)" = "$(git rev-parse HEAD)" &&
	hook_lines err >actual &&
	echo "goescape: no go.mod in '\''$TRASH/nomod'\'' or above; nothing to check" >expect &&
	test_cmp expect actual
'

test_expect_success 'a pushed commit that does not build is refused' '
	new_pair broken &&
	cd broken &&
	before=$(remote_rev broken main) &&
	printf "package cart\n\nfunc Broken( {\n" >cart/broken.go &&
	git add cart && git commit -qm broken &&
	test_expect_code 1 git push origin main 2>err &&
	test "$(remote_rev broken main)" = "$before" &&
	grep -q "syntax error" err &&
	grep -q "^goescape: a pushed commit does not build; push anyway with .git push --no-verify." err &&
	printf "refs/heads/main %s refs/heads/main %s\n" $(git rev-parse HEAD origin/main) >lines &&
	test_expect_code 3 goescape hook pre-push origin x <lines 2>/dev/null
'

test_expect_success 'a push that repairs a broken base passes' '
	cd broken &&
	git push -q --no-verify origin main &&
	git rm -q cart/broken.go && git commit -qm repaired &&
	git push origin main 2>err &&
	test "$(remote_rev broken main)" = "$(git rev-parse HEAD)" &&
	grep -q "^goescape: refs/heads/main: the base $(git rev-parse --short=12 HEAD~1) does not build; nothing to compare with$" err
'

test_expect_success 'goescape missing from PATH: the hook fails and says how to skip' '
	new_pair missing &&
	cd missing &&
	before=$(remote_rev missing main) &&
	add_clean a && git add cart && git commit -qm clean &&
	test_expect_code 1 env PATH=/usr/local/go/bin:/usr/bin:/bin git push origin main 2>err &&
	test "$(remote_rev missing main)" = "$before" &&
	grep -q "^goescape pre-push hook: goescape is not on PATH; install it, or skip this check with .git push --no-verify." err &&
	env PATH=/usr/local/go/bin:/usr/bin:/bin git push --no-verify origin main 2>err &&
	test "$(remote_rev missing main)" = "$(git rev-parse HEAD)"
'

test_expect_success 'no go to run: the hook fails (exit 2) and says how to push anyway' '
	new_pair nogo &&
	cd nogo &&
	before=$(remote_rev nogo main) &&
	add_clean a && git add cart && git commit -qm clean &&
	test_expect_code 1 env GOESCAPE_GO="$TRASH/no/go" git push origin main 2>err &&
	test "$(remote_rev nogo main)" = "$before" &&
	hook_lines err >actual &&
	{
		echo "goescape: GOESCAPE_GO='\''$TRASH/no/go'\'' is not an executable file" &&
		echo "goescape: the pre-push check could not run; push anyway with '\''git push --no-verify'\'' or GOESCAPE_SKIP=1"
	} >expect &&
	test_cmp expect actual &&
	printf "refs/heads/main %s refs/heads/main %s\n" $(git rev-parse HEAD origin/main) >lines &&
	test_expect_code 2 env GOESCAPE_GO="$TRASH/no/go" goescape hook pre-push origin x <lines 2>/dev/null
'

test_expect_success 'the push is checked from a linked worktree too' '
	new_pair wt &&
	cd wt &&
	git worktree add -q ../wt-linked -b linked &&
	cd ../wt-linked &&
	add_box one && git add cart && git commit -qm box &&
	test_expect_code 1 git push origin linked 2>err &&
	hook_lines err >actual &&
	grep -x "cart/one.go:4:13: Boxone: moved to heap: n" actual &&
	git reset -q --hard HEAD~1 &&
	add_clean a && git add cart && git commit -qm clean &&
	git push origin linked 2>err &&
	test "$(remote_rev wt linked)" = "$(git rev-parse HEAD)"
'

test_done
