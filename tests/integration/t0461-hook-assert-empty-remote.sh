#!/usr/bin/env bash
# A first push to an empty remote has no base to compare heap escapes with,
# but source assertions need no base: they are still checked for the pushed
# commit (the checked-out HEAD, or another branch), and a broken one
# refuses the push.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-hook.sh"

test_expect_success 'setup: an empty bare remote, a repository with the hook' '
	git init -q --bare r.git &&
	mkdir -p c/p && (cd c && printf "module example.com/er\n\ngo 1.19\n" >go.mod &&
		cat >p/p.go <<-\EOF &&
		package p

		//go:noinline
		func Slow(n int) int { return 3 * n }

		func Fast(n int) int { return n + 1 }

		func Use(n int) int {
			return Slow(n) //goescape:inline
		}
		EOF
		go build ./... &&
		git init -q -b main && git add . && git commit -qm "call Slow inline" &&
		git remote add origin ../r.git &&
		goescape hook install 2>/dev/null)
'

test_expect_success 'the checked-out HEAD breaking an inline assertion: refused' '
	cd c &&
	test_expect_code 1 git push origin main 2>err &&
	! remote_rev r refs/heads/main &&
	grep -x "p/p.go:9: return Slow(n): call to Slow was not inlined" err &&
	grep -x "goescape: refs/heads/main breaks 1 assertion" err
'

test_expect_success 'another branch breaking it, pushed from main: refused' '
	cd c &&
	git checkout -q -b side &&
	git checkout -q main &&
	sed -i "s/return Slow(n) /return Fast(n) /" p/p.go &&
	git commit -qam "call Fast inline" &&
	test_expect_code 1 git push origin side 2>err &&
	! remote_rev r refs/heads/side &&
	grep -x "p/p.go:9: return Slow(n): call to Slow was not inlined" err &&
	grep -x "goescape: refs/heads/side breaks 1 assertion" err
'

test_expect_success 'a HEAD whose assertions hold: pushed' '
	cd c &&
	git push -q origin main 2>err &&
	test "$(remote_rev r refs/heads/main)" = "$(git rev-parse HEAD)" &&
	! grep "breaks" err
'

test_done
