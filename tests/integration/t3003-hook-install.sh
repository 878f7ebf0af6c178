#!/usr/bin/env bash
# goescape hook install / uninstall: the hook goes where git runs it (the
# hooks directory, core.hooksPath relative or absolute, the common
# directory of worktrees), install twice changes nothing, a hook that was
# there is kept, runs first with git's arguments and input byte for byte,
# and comes back on uninstall.  Each placement is proven by a real push.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-hook.sh"

# refused_here: commit an escape and check that a push is refused by
# goescape, then drop the commit again.
refused_here() {
	add_box "$1" && git add cart && git commit -qm "box $1" &&
	if git push origin HEAD:refs/heads/main 2>"$TRASH/push.err"; then
		echo "push was not refused" >&2; cat "$TRASH/push.err" >&2; return 1
	fi &&
	grep -q "^cart/$1.go:4:.*: moved to heap: n$" "$TRASH/push.err" &&
	git reset -q --hard HEAD~1
}

# A legacy hook that records its arguments and input, and fails when
# $TRASH/legacy-fails exists.
write_legacy() {
	cat >"$1" <<EOF &&
#!/bin/sh
echo "\$1 \$2" >"$TRASH/legacy.args"
cat >"$TRASH/legacy.in"
if [ -e "$TRASH/legacy-fails" ]; then echo "legacy says no" >&2; exit 7; fi
exit 0
EOF
	chmod +x "$1"
}

test_expect_success 'install writes hooks/pre-push, executable, as shipped' '
	new_pair_unhooked plain &&
	cd plain &&
	goescape hook install 2>msg &&
	echo "goescape: installed the pre-push hook in '\''$TRASH/plain/.git/hooks/pre-push'\''" >expect &&
	test_cmp expect msg &&
	test -x .git/hooks/pre-push &&
	test_cmp "$TOP/hooks/pre-push" .git/hooks/pre-push &&
	refused_here one
'

test_expect_success 'install twice: the same hook, nothing kept as legacy' '
	cd plain &&
	goescape hook install 2>msg &&
	test_cmp expect msg &&
	test_cmp "$TOP/hooks/pre-push" .git/hooks/pre-push &&
	test ! -e .git/hooks/pre-push.legacy &&
	refused_here two
'

test_expect_success 'uninstall removes it; pushes are no longer checked' '
	cd plain &&
	goescape hook uninstall 2>msg &&
	grep -q "^goescape: removed the goescape pre-push hook from" msg &&
	test ! -e .git/hooks/pre-push &&
	goescape hook uninstall 2>msg &&
	grep -q "^goescape: no goescape pre-push hook in" msg &&
	add_box three && git add cart && git commit -qm box &&
	git push -q origin main
'

test_expect_success 'an existing hook is kept, and runs first with the same arguments and input' '
	new_pair_unhooked legacy &&
	cd legacy &&
	write_legacy .git/hooks/pre-push &&
	cp .git/hooks/pre-push "$TRASH/legacy.orig" &&
	goescape hook install 2>msg &&
	{
		echo "goescape: kept the existing hook as '\''$TRASH/legacy/.git/hooks/pre-push.legacy'\'' (it runs first)" &&
		echo "goescape: installed the pre-push hook in '\''$TRASH/legacy/.git/hooks/pre-push'\''"
	} >expect &&
	test_cmp expect msg &&
	test_cmp "$TRASH/legacy.orig" .git/hooks/pre-push.legacy &&
	git tag v1 &&
	git checkout -q -b side &&
	git commit -q --allow-empty -m side &&
	git push origin main side v1 2>err &&
	echo "origin $TRASH/legacy.git" >expect.args &&
	test_cmp expect.args "$TRASH/legacy.args" &&
	{
		printf "refs/heads/side %s refs/heads/side %s\n" $(git rev-parse side) 0000000000000000000000000000000000000000 &&
		printf "refs/tags/v1 %s refs/tags/v1 %s\n" $(git rev-parse v1) 0000000000000000000000000000000000000000
	} >expect.in &&
	test_cmp expect.in "$TRASH/legacy.in"
'

test_expect_success 'the kept hook gets empty input, byte for byte, when nothing is pushed' '
	cd legacy &&
	echo stale >"$TRASH/legacy.in" &&
	git push origin main 2>err &&
	grep -q "Everything up-to-date" err &&
	test_cmp /dev/null "$TRASH/legacy.in"
'

test_expect_success 'goescape still runs after the kept hook, with the same input' '
	cd legacy &&
	git checkout -q main &&
	add_box four && git add cart && git commit -qm box &&
	test_expect_code 1 git push origin main 2>err &&
	grep -q "^cart/four.go:4:14: Boxfour: moved to heap: n$" err &&
	printf "refs/heads/main %s refs/heads/main %s\n" $(git rev-parse main origin/main) >expect.in &&
	test_cmp expect.in "$TRASH/legacy.in"
'

test_expect_success 'a failing kept hook refuses the push before goescape runs' '
	cd legacy &&
	git reset -q --hard origin/main &&
	git commit -q --allow-empty -m empty &&
	: >"$TRASH/legacy-fails" &&
	test_expect_code 1 git push origin main 2>err &&
	rm "$TRASH/legacy-fails" &&
	grep -q "^legacy says no$" err &&
	! grep -q "^goescape" err
'

test_expect_success 'GOESCAPE_SKIP=1 skips goescape, not the kept hook' '
	cd legacy &&
	git reset -q --hard origin/main &&
	add_box five && git add cart && git commit -qm box &&
	rm -f "$TRASH/legacy.in" &&
	GOESCAPE_SKIP=1 git push origin main 2>err &&
	test -s "$TRASH/legacy.in" &&
	test "$(git --git-dir=../legacy.git rev-parse main)" = "$(git rev-parse main)"
'

test_expect_success 'install again keeps the kept hook kept' '
	cd legacy &&
	goescape hook install 2>msg &&
	echo "goescape: installed the pre-push hook in '\''$TRASH/legacy/.git/hooks/pre-push'\''" >expect &&
	test_cmp expect msg &&
	test_cmp "$TRASH/legacy.orig" .git/hooks/pre-push.legacy
'

test_expect_success 'uninstall puts the kept hook back' '
	cd legacy &&
	goescape hook uninstall 2>msg &&
	grep -q "^goescape: removed the goescape hook and restored the previous one in" msg &&
	test_cmp "$TRASH/legacy.orig" .git/hooks/pre-push &&
	test -x .git/hooks/pre-push &&
	test ! -e .git/hooks/pre-push.legacy
'

test_expect_success 'a foreign hook and a foreign pre-push.legacy: install refuses, touches nothing' '
	new_pair_unhooked both &&
	cd both &&
	write_legacy .git/hooks/pre-push &&
	echo "#!/bin/sh" >.git/hooks/pre-push.legacy &&
	cp .git/hooks/pre-push hook.before &&
	cp .git/hooks/pre-push.legacy legacy.before &&
	test_expect_code 2 goescape hook install 2>msg &&
	grep -q "already exists; move one of them away first" msg &&
	test_cmp hook.before .git/hooks/pre-push &&
	test_cmp legacy.before .git/hooks/pre-push.legacy
'

test_expect_success 'core.hooksPath relative: installed under the working tree root, run by git' '
	new_pair_unhooked relative &&
	cd relative &&
	git config core.hooksPath .githooks &&
	(cd cart && goescape hook install 2>../msg) &&
	echo "goescape: installed the pre-push hook in '\''$TRASH/relative/.githooks/pre-push'\''" >expect &&
	test_cmp expect msg &&
	test ! -e .git/hooks/pre-push &&
	test_cmp "$TOP/hooks/pre-push" .githooks/pre-push &&
	refused_here one
'

test_expect_success 'core.hooksPath relative: uninstall from a subdirectory' '
	cd relative/cart &&
	goescape hook uninstall 2>/dev/null &&
	test ! -e ../.githooks/pre-push
'

test_expect_success 'core.hooksPath absolute: installed there, a kept hook there too' '
	new_pair_unhooked absolute &&
	cd absolute &&
	mkdir "$TRASH/shared-hooks" &&
	write_legacy "$TRASH/shared-hooks/pre-push" &&
	git config core.hooksPath "$TRASH/shared-hooks" &&
	goescape hook install 2>msg &&
	grep -q "^goescape: installed the pre-push hook in '\''$TRASH/shared-hooks/pre-push'\''$" msg &&
	test -x "$TRASH/shared-hooks/pre-push.legacy" &&
	test ! -e .git/hooks/pre-push &&
	rm -f "$TRASH/legacy.in" &&
	refused_here two &&
	test -s "$TRASH/legacy.in" &&
	goescape hook uninstall 2>/dev/null &&
	test ! -e "$TRASH/shared-hooks/pre-push.legacy" &&
	grep -q "legacy.args" "$TRASH/shared-hooks/pre-push"
'

test_expect_success 'core.hooksPath with ~/: expanded as git does' '
	new_pair_unhooked tilde &&
	cd tilde &&
	mkdir -p "$TRASH/home" &&
	git config core.hooksPath "~/githooks" &&
	HOME="$TRASH/home" goescape hook install 2>msg &&
	test -x "$TRASH/home/githooks/pre-push" &&
	HOME="$TRASH/home" refused_here three
'

# libgit2 reads ~/.gitconfig only; git also reads GIT_CONFIG_GLOBAL.
test_expect_success 'core.hooksPath from GIT_CONFIG_GLOBAL: where git looks' '
	new_pair_unhooked global &&
	cd global &&
	export GIT_CONFIG_GLOBAL="$TRASH/global.gitconfig" &&
	cp "$TRASH/.gitconfig" "$GIT_CONFIG_GLOBAL" &&
	git config --global core.hooksPath "$TRASH/global-hooks" &&
	goescape hook install 2>msg &&
	echo "goescape: installed the pre-push hook in '\''$TRASH/global-hooks/pre-push'\''" >expect &&
	test_cmp expect msg &&
	test ! -e .git/hooks/pre-push &&
	refused_here six
'

test_expect_success 'from a linked worktree: installed in the common hooks directory' '
	new_pair_unhooked wt &&
	cd wt &&
	git worktree add -q ../wt-linked -b linked &&
	cd ../wt-linked &&
	goescape hook install 2>msg &&
	echo "goescape: installed the pre-push hook in '\''$TRASH/wt/.git/hooks/pre-push'\''" >expect &&
	test_cmp expect msg &&
	refused_here four &&
	cd ../wt &&
	refused_here five
'

test_expect_success 'install outside a git repository is an error' '
	mkdir nogit &&
	cd nogit &&
	test_expect_code 2 goescape hook install 2>msg &&
	grep -q "not inside a git repository" msg
'

test_expect_success 'bad usage of hook is exit 2' '
	test_expect_code 2 goescape hook &&
	test_expect_code 2 goescape hook frobnicate &&
	test_expect_code 2 goescape hook install extra &&
	test_expect_code 2 goescape hook pre-push origin </dev/null
'

test_done
