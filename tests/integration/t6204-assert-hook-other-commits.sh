#!/usr/bin/env bash
# The pre-push hook checks inline and bce assertions of every pushed ref's
# commit, not only of the checked-out HEAD: one push of two refs where the
# one not checked out breaks an inline assertion and HEAD's removes a heap
# escape is refused for the first, named; a bce assertion broken on a
# branch not checked out is refused too; and a work tree without any
# directive pushing a branch that adds the first inline assertion, in a
# file without heap escapes, has it checked (never a silent pass); so is
# a typo in a directive of a branch not checked out.  When no checkout can
# be made, a warning names the commit whose inline and bce went unchecked.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-hook.sh"

write_mod() {
	mkdir -p p &&
	printf "module example.com/hp\n\ngo 1.19\n" >go.mod &&
	cat >p/p.go <<-\EOF
	package p

	func Twice(n int) int { return 2 * n }

	//go:noinline
	func Slow(n int) int { return 3 * n }

	func Use(n int) int {
		return Twice(n) //goescape:inline
	}

	func Sum(xs []int, i int) int {
		if i >= 0 && i < len(xs) {
			return xs[i] //goescape:bce
		}
		return 0
	}

	func Leak() *int { v := 5; return &v }
	EOF
}

test_expect_success 'setup: a remote with the module, a clone with the hook' '
	mkdir seed && (cd seed && write_mod && git init -q && git add . && git commit -qm hp) &&
	git clone -q --bare seed r.git && git clone -q r.git c &&
	cd c && goescape hook install 2>/dev/null &&
	goescape assert >out
'

test_expect_success 'one push, two refs: side (not HEAD) breaks inline, main fixes a heap escape' '
	cd c &&
	git checkout -q -b side &&
	sed -i "s/return Twice(n) /return Slow(n) /" p/p.go &&
	git commit -qam "slow (breaks the inline assertion)" &&
	git checkout -q main &&
	sed -i "s|^func Leak() \*int { v := 5; return &v }$|func Leak() int { v := 5; return v }|" p/p.go &&
	git commit -qam "no leak" &&
	main_before=$(remote_rev r main) &&
	test_expect_code 1 git push origin side main 2>err &&
	! remote_rev r refs/heads/side &&
	test "$(remote_rev r main)" = "$main_before" &&
	grep -x "p/p.go:9: return Slow(n): call to Slow was not inlined" err &&
	grep -x "goescape: refs/heads/side breaks 1 assertion" err &&
	! grep "refs/heads/main breaks" err &&
	! grep warning err &&
	git push -q origin main 2>err &&
	test "$(remote_rev r main)" = "$(git rev-parse HEAD)"
'

test_expect_success 'a branch not checked out keeping a bounds check on a bce line: refused' '
	cd c &&
	git checkout -q -b side3 main &&
	sed -i "s/if i >= 0 \&\& i < len(xs) {/if i >= 0 {/" p/p.go &&
	git commit -qam "bounds check back" &&
	git checkout -q main &&
	test_expect_code 1 git push origin side3 2>err &&
	! remote_rev r refs/heads/side3 &&
	grep -x "p/p.go:14: return xs\[i\]: found IsInBounds" err &&
	grep -x "goescape: refs/heads/side3 breaks 1 assertion" err
'

test_expect_success 'a branch not checked out with a typo in a directive: refused, named' '
	cd c &&
	git checkout -q -b side4 main &&
	sed -i "s|^func Twice(n int) int { return 2 \* n }$|& //goescape:noescap|" p/p.go &&
	grep -q noescap p/p.go &&
	git commit -qam typo &&
	git checkout -q main &&
	test_expect_code 1 git push origin side4 2>err &&
	grep "^p/p.go:3: func Twice(n int) int { return 2 \* n }: unknown directive \"noescap\"$" err
'

test_expect_success 'no checkout can be made: a warning names the commit whose inline and bce are unchecked' '
	cd c &&
	git checkout -q -b side5 main &&
	echo "// side5" >>p/p.go && git commit -qam side5 &&
	c5=$(git rev-parse HEAD) &&
	git checkout -q main &&
	mkdir -p ".git/goescape/checkout-$c5.lock" &&
	git push origin side5 2>err &&
	rmdir ".git/goescape/checkout-$c5.lock" &&
	grep "^goescape: warning: the inline and bce assertions of refs/heads/side5 ($(echo $c5 | cut -c1-12)) are not checked: " err
'

test_expect_success 'a work tree without directives: a branch adding the first inline assertion is checked' '
	mkdir seed2 && (cd seed2 && write_mod && sed -i "s| //goescape:[a-z]*||" p/p.go &&
		! grep -q goescape: p/p.go && git init -q && git add . && git commit -qm hp) &&
	git clone -q --bare seed2 r2.git && git clone -q r2.git c2 &&
	cd c2 && goescape hook install 2>/dev/null &&
	git checkout -q -b first &&
	printf "package p\n\nfunc Call(n int) int {\n\treturn Slow(n) //gcassert:inline\n}\n" >p/q.go &&
	git add p/q.go && git commit -qm first &&
	git checkout -q main &&
	test_expect_code 1 git push origin first 2>err &&
	grep -x "p/q.go:4: return Slow(n): call to Slow was not inlined" err &&
	grep -x "goescape: refs/heads/first breaks 1 assertion" err
'

test_done
