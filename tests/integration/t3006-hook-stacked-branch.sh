#!/usr/bin/env bash
# A new branch stacked on another pushed branch is compared with that
# branch, not with main, even when every commit carries the same date and
# the remote has no HEAD: only the escapes of the new commit are reported.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-hook.sh"
export GIT_COMMITTER_DATE="@1700000000 +0000" GIT_AUTHOR_DATE="@1700000000 +0000"

test_expect_success 'setup: remote with main, a pushed branch b' '
	copy_example seed &&
	(cd seed && git init -q && git add . && git commit -qm shop) &&
	git clone -q --bare seed remote.git &&
	git clone -q remote.git work &&
	cd work &&
	git remote set-head origin -d &&
	goescape hook install 2>/dev/null &&
	git checkout -q -b b &&
	add_box x && git add cart && git commit -qm x &&
	git push -q --no-verify origin b
'

test_expect_success 'a branch on top of b reports only its own escape' '
	cd work &&
	git checkout -q -b c &&
	add_box y && git add cart && git commit -qm y &&
	test_expect_code 1 git push origin c 2>err &&
	grep "^cart/y.go:4:.*: Boxy: moved to heap: n" err &&
	! grep "^cart/x.go" err
'

test_done
