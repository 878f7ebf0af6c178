#!/usr/bin/env bash
# A pushed branch (not the checked-out one) whose base does not build has
# nothing to compare heap escapes with, but its assertions need no base:
# they are still checked, and a broken one refuses the push.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-hook.sh"

test_expect_success 'setup: a remote whose main does not build, a clone with the hook' '
	mkdir -p seed/p && (cd seed && printf "module example.com/hp\n\ngo 1.19\n" >go.mod &&
		cat >p/p.go <<-\EOF &&
		package p

		//go:noinline
		func Slow(n int) int { return 3 * n }

		func Bad() int { return undefinedName }
		EOF
		git init -q && git add . && git commit -qm broken) &&
	git clone -q --bare seed r.git && git clone -q r.git c &&
	(cd c && goescape hook install 2>/dev/null)
'

test_expect_success 'a branch fixing the build and breaking an inline assertion: refused' '
	cd c &&
	git checkout -q -b side &&
	sed -i "s/return undefinedName/return 1/" p/p.go &&
	printf "\nfunc Use(n int) int {\n\treturn Slow(n) //goescape:inline\n}\n" >>p/p.go &&
	go build ./... &&
	git commit -qam "fix the build, call Slow inline" &&
	git checkout -q main &&
	test_expect_code 1 git push origin side 2>err &&
	! remote_rev r refs/heads/side &&
	grep "does not build" err &&
	grep -x "p/p.go:9: return Slow(n): call to Slow was not inlined" err &&
	grep -x "goescape: refs/heads/side breaks 1 assertion" err
'

test_done
