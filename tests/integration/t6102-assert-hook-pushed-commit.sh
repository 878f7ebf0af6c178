#!/usr/bin/env bash
# The pre-push hook checks the noescape assertions of a pushed commit that
# is not the checked-out HEAD too: read from that commit's own tree (not the
# work tree) and judged by its report.  Its inline and bce assertions need
# the commit's source built as a whole, which only the work tree gives: the
# warning says so, and such a push is not refused for them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-hook.sh"
. "$(dirname "$0")/lib-assert.sh"

# The module with a function whose v escapes (p/p.go:12).
write_mod() { write_inline_module hp 'func Leak() *int { v := 5; return &v }'; }

test_expect_success 'setup: a remote with the module, a clone with the hook' '
	mkdir seed && (cd seed && write_mod && git init -q && git add . && git commit -qm hp) &&
	git clone -q --bare seed r.git && git clone -q r.git c &&
	cd c && goescape hook install 2>/dev/null
'

test_expect_success 'a branch not checked out that pins an escaping line is refused' '
	cd c &&
	git checkout -q -b side &&
	sed -i "s|^func Leak() \*int { v := 5; return &v }$|& //goescape:noescape|" p/p.go &&
	grep -q "noescape" p/p.go &&
	git commit -qam pin &&
	git checkout -q main &&
	! grep -q "noescape" p/p.go &&
	test_expect_code 1 git push origin side 2>err &&
	! git --git-dir=../r.git rev-parse -q --verify refs/heads/side &&
	grep -x "goescape: warning: only the noescape assertions of refs/heads/side are checked: it is not the checked-out commit of a clean work tree" err &&
	grep -x "p/p.go:12: func Leak() \*int { v := 5; return &v }: moved to heap: v" err &&
	grep -x "goescape: refs/heads/side breaks 1 assertion" err &&
	! grep "adds .* heap escape" err
'

test_expect_success 'the same commit checked out: refused by the full check too' '
	cd c &&
	git checkout -q side &&
	test_expect_code 1 git push origin side 2>err &&
	! grep "only the noescape" err &&
	grep -x "goescape: refs/heads/side breaks 1 assertion" err &&
	git checkout -q main
'

test_expect_success 'a branch not checked out breaking only an inline assertion: warned, not refused' '
	cd c &&
	git checkout -q -b side2 main &&
	sed -i "s/return Twice(n) /return Slow(n) /" p/p.go &&
	git commit -qam slow &&
	git checkout -q main &&
	git push -q origin side2 2>err &&
	git --git-dir=../r.git rev-parse -q --verify refs/heads/side2 &&
	grep -x "goescape: warning: only the noescape assertions of refs/heads/side2 are checked: it is not the checked-out commit of a clean work tree" err
'

test_expect_success 'a work tree without directives: a pushed branch adding the first one is checked' '
	mkdir seed2 && (cd seed2 && write_mod && sed -i "s| //goescape:inline||" p/p.go &&
		! grep -q goescape: p/p.go && git init -q && git add . && git commit -qm hp) &&
	git clone -q --bare seed2 r2.git && git clone -q r2.git c2 &&
	cd c2 && goescape hook install 2>/dev/null &&
	git checkout -q -b first &&
	sed -i "s|^func Leak() \*int { v := 5; return &v }$|// Leak leaks.\n//gcassert:noescape\n&|" p/p.go &&
	git commit -qam first &&
	git checkout -q main &&
	test_expect_code 1 git push origin first 2>err &&
	grep -x "p/p.go:14: func Leak() \*int { v := 5; return &v }: moved to heap: v" err &&
	grep -x "goescape: refs/heads/first breaks 1 assertion" err
'

test_done
