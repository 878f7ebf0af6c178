#!/usr/bin/env bash
# The pre-push hook analyses the commits being pushed, not the working
# tree: a branch that is not checked out, a dirty tree either way round,
# //goescape:ignore as the pushed commit has it, and one push carrying
# tags and several branches at once.  The working tree is never touched.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-hook.sh"

# snapshot: the Go files of the working tree and index as they are, to
# compare afterwards.
snapshot() {
	{ git status --porcelain=v1 --untracked-files=all -- "*.go" "go.*" && git diff -- "*.go" "go.*" && git diff --cached -- "*.go" "go.*" &&
		find . -path ./.git -prune -o -type f \( -name "*.go" -o -name "go.*" \) -print0 | sort -z | xargs -0 sha1sum; }
}

test_expect_success 'a branch that is not checked out: its escape is found' '
	new_pair other &&
	cd other &&
	git checkout -q -b topic &&
	add_box one && git add cart && git commit -qm box &&
	git checkout -q main &&
	test ! -e cart/one.go &&
	snapshot >before &&
	test_expect_code 1 git push origin topic 2>err &&
	! remote_rev other topic >/dev/null &&
	hook_lines err >actual &&
	grep -x "goescape: refs/heads/topic adds 1 heap escape (against $(git rev-parse --short=12 main)):" actual &&
	grep -x "cart/one.go:4:13: Boxone: moved to heap: n" actual &&
	snapshot >after &&
	test_cmp before after
'

test_expect_success 'a clean branch that is not checked out passes while HEAD has escapes' '
	cd other &&
	git checkout -q topic &&
	add_box two &&
	git checkout -q -b calm main 2>/dev/null &&
	add_clean a && git add cart/a.go && git commit -qm clean &&
	git checkout -q topic &&
	test -e cart/two.go &&
	git push origin calm 2>err &&
	test "$(remote_rev other calm)" = "$(git rev-parse calm)" &&
	hook_lines err >actual &&
	test_cmp /dev/null actual
'

test_expect_success 'dirty tree: an uncommitted escape does not fail a clean pushed commit' '
	new_pair dirty &&
	cd dirty &&
	add_clean a && git add cart && git commit -qm clean &&
	add_box one &&
	printf "\n// Boxed boxes n.\nfunc Boxed(n int) *int { return &n }\n" >>cart/cart.go &&
	add_box staged && git add cart/staged.go &&
	snapshot >before &&
	git push origin main 2>err &&
	test "$(remote_rev dirty main)" = "$(git rev-parse HEAD)" &&
	hook_lines err >actual &&
	test_cmp /dev/null actual &&
	snapshot >after &&
	test_cmp before after
'

test_expect_success 'dirty tree: a committed escape is refused though the tree reverts it' '
	cd dirty &&
	git reset -q --hard origin/main &&
	git clean -fq cart &&
	add_box two &&
	printf "\n// Boxed boxes n.\nfunc Boxed(n int) *int { return &n }\n" >>cart/cart.go &&
	git add cart && git commit -qm "two escapes" &&
	rm cart/two.go &&
	git show HEAD~1:cart/cart.go >cart/cart.go &&
	goescape check --base HEAD~1 >wt-check &&
	grep -q "^0 new heap escapes" wt-check &&
	snapshot >before &&
	test_expect_code 1 git push origin main 2>err &&
	hook_lines err >actual &&
	{
		echo "goescape: refs/heads/main adds 2 heap escapes (against $(git rev-parse --short=12 HEAD~1)):" &&
		echo "cart/cart.go:51:12: Boxed: moved to heap: n" &&
		echo "cart/two.go:4:13: Boxtwo: moved to heap: n"
	} >expect &&
	head -n 3 actual >actual3 &&
	test_cmp expect actual3 &&
	snapshot >after &&
	test_cmp before after
'

test_expect_success '//goescape:ignore counts as the pushed commit has it, not the tree' '
	new_pair ignore &&
	cd ignore &&
	printf "package cart\n\n// Kept boxes n.\nfunc Kept(n int) *int { return &n } //goescape:ignore\n" >cart/kept.go &&
	git add cart && git commit -qm "ignored escape" &&
	git push origin main 2>err &&
	test "$(remote_rev ignore main)" = "$(git rev-parse HEAD)" &&
	printf "package cart\n\n// Box boxes n.\nfunc Box(n int) *int { return &n }\n" >cart/box.go &&
	git add cart && git commit -qm "escape" &&
	printf "package cart\n\n// Box boxes n.\nfunc Box(n int) *int { return &n } //goescape:ignore\n" >cart/box.go &&
	test_expect_code 1 git push origin main 2>err &&
	hook_lines err >actual &&
	grep -x "cart/box.go:4:10: Box: moved to heap: n" actual
'

test_expect_success 'a marker on the line above also counts' '
	cd ignore &&
	git checkout -q cart/box.go &&
	printf "package cart\n\n// Box boxes n.\n//goescape:ignore\nfunc Box(n int) *int { return &n }\n" >cart/box.go &&
	git commit -qam "ignore box" &&
	git push origin main 2>err &&
	test "$(remote_rev ignore main)" = "$(git rev-parse HEAD)"
'

# v1 is on a commit of no branch; v0 and v0a are on tidy's commit, which is
# analysed once and, being clean, reported by none of them.
test_expect_success 'tags and several branches in one push: each is checked' '
	new_pair many &&
	cd many &&
	git checkout -q -b boxes &&
	add_box one && git add cart && git commit -qm box &&
	git checkout -q --detach main &&
	add_box two && git add cart && git commit -qm "box two" &&
	git tag -a v1 -m "annotated, on an escape" &&
	git checkout -q -b tidy main &&
	add_clean a && git add cart && git commit -qm clean &&
	git tag v0 &&
	git tag -a v0a -m "annotated, clean" &&
	git checkout -q main &&
	add_clean b && git add cart && git commit -qm clean &&
	before=$(remote_rev many main) &&
	base=$(git rev-parse --short=12 origin/main) &&
	test_expect_code 1 git push origin main tidy boxes v0 v0a v1 2>err &&
	test "$(remote_rev many main)" = "$before" &&
	for r in tidy boxes v0 v0a v1; do ! remote_rev many $r >/dev/null || exit 1; done &&
	hook_lines err >actual &&
	{
		echo "goescape: refs/heads/boxes adds 1 heap escape (against $base):" &&
		echo "cart/one.go:4:13: Boxone: moved to heap: n" &&
		echo "goescape: refs/tags/v1 adds 1 heap escape (against $base):" &&
		echo "cart/two.go:4:13: Boxtwo: moved to heap: n"
	} >expect &&
	head -n 4 actual >actual4 &&
	test_cmp expect actual4 &&
	test $(wc -l <actual) = 5
'

test_expect_success 'a tag on a commit already analysed for a branch is reported once' '
	cd many &&
	git tag -a v2 -m "on boxes" boxes &&
	test_expect_code 1 git push origin boxes v2 2>err &&
	hook_lines err >actual &&
	test $(grep -c "^goescape: refs/" actual) = 1 &&
	grep -x "goescape: refs/heads/boxes adds 1 heap escape (against $(git rev-parse --short=12 origin/main)):" actual
'

test_expect_success 'tags and several clean branches in one push pass' '
	cd many &&
	git push origin main tidy v0 v0a 2>err &&
	hook_lines err >actual &&
	test_cmp /dev/null actual &&
	test "$(remote_rev many main)" = "$(git rev-parse main)" &&
	test "$(remote_rev many tidy)" = "$(git rev-parse tidy)" &&
	test "$(remote_rev many v0)" = "$(git rev-parse v0)" &&
	test "$(remote_rev many v0a)" = "$(git rev-parse v0a)"
'

test_expect_success 'a deletion and an update in one push: the update is checked' '
	cd many &&
	git checkout -q main &&
	add_box two && git add cart && git commit -qm box &&
	test_expect_code 1 git push origin main :tidy 2>err &&
	remote_rev many tidy >/dev/null &&
	hook_lines err >actual &&
	grep -x "cart/two.go:4:13: Boxtwo: moved to heap: n" actual &&
	git reset -q --hard HEAD~1 &&
	add_clean c && git add cart && git commit -qm clean &&
	git push origin main :tidy 2>err &&
	! remote_rev many tidy >/dev/null &&
	test "$(remote_rev many main)" = "$(git rev-parse main)"
'

test_done
