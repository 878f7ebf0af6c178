#!/usr/bin/env bash
# Every check enforces the assertions: 'check' exits 1 on a violated
# assertion even when the baseline makes no escape new (it is broken, not
# new), passes when they hold, a captured whole-module build adds a summary
# line, and the pre-push hook refuses a push that breaks one without adding
# a heap escape.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-hook.sh"
. "$(dirname "$0")/lib-assert.sh"

test_expect_success 'check: the fixture with its baseline has nothing new, and exits 1' '
	copy_module assertmod m &&
	cd m && git init -q && git add . && git commit -qm assertmod &&
	goescape baseline 2>/dev/null &&
	test_expect_code 1 goescape check >out 2>err &&
	grep -x "goescape: 15 of 29 assertions violated:" err &&
	grep -x "a/a.go:56: d int,: moved to heap: d" err &&
	grep -x "b/b.go:29: return Pinned(y): call to b.Pinned was not inlined" err &&
	grep -x "a/a.go:43: return n + len(xs\[v:\]): found IsSliceInBounds" err &&
	grep "0 new" out
'

test_expect_success 'check --input FILE: the assertions from the same file' '
	cd m &&
	cat "$FIXTURES"/compiler-output/go1.26.8-assertmod-m.txt \
		"$FIXTURES"/compiler-output/go1.26.8-assertmod-bce-m.txt >in.txt &&
	test_expect_code 1 goescape check --input in.txt >out 2>err &&
	grep -x "goescape: 15 of 29 assertions violated:" err
'

test_expect_success 'build: a whole-module build says what it breaks, exit as go' '
	cd m &&
	goescape build ./... 2>err &&
	grep -x "goescape: 4 noescape assertions violated (see '"'"'goescape assert'"'"', which checks inline and bce too)" err &&
	goescape build ./b 2>err &&
	! grep assertion err
'

test_expect_success 'check: assertions that hold leave the exit 0' '
	mkdir ok && cd ok && write_inline_module am &&
	git init -q && git add . && git commit -qm ok &&
	goescape baseline 2>/dev/null &&
	goescape check >out 2>err &&
	! grep assertion err
'

test_expect_success 'check: breaking it (no escape added) exits 1 and names the line' '
	cd ok &&
	sed -i "s/return Twice(n) /return Slow(n) /" p/p.go &&
	test_expect_code 1 goescape check >out 2>err &&
	grep -x "p/p.go:9: return Slow(n): call to Slow was not inlined" err
'

test_expect_success 'hook: a push keeping the assertion passes' '
	mkdir seed && (cd seed && write_inline_module am && git init -q && git add . && git commit -qm ok) &&
	git clone -q --bare seed r.git && git clone -q r.git c &&
	cd c && goescape hook install 2>/dev/null &&
	printf "\n// Three is 3.\nfunc Three() int { return 3 }\n" >>p/p.go &&
	git commit -qam three &&
	git push -q origin main 2>err &&
	test "$(remote_rev r main)" = "$(git rev-parse HEAD)"
'

test_expect_success 'hook: a push breaking the assertion is refused' '
	cd c &&
	before=$(remote_rev r main) &&
	sed -i "s/return Twice(n) /return Slow(n) /" p/p.go &&
	git commit -qam slow &&
	test_expect_code 1 git push origin main 2>err &&
	test "$(remote_rev r main)" = "$before" &&
	grep -x "p/p.go:9: return Slow(n): call to Slow was not inlined" err &&
	grep -x "goescape: refs/heads/main breaks 1 assertion" err &&
	GOESCAPE_SKIP=1 git push -q origin main
'

test_expect_success 'hook: a pushed branch that is not checked out is said to be unchecked' '
	cd c &&
	git checkout -q -b side && echo "// side" >>p/p.go && git commit -qam side &&
	git checkout -q main &&
	git push -q origin side 2>err &&
	grep -x "goescape: warning: only the noescape assertions of refs/heads/side are checked: it is not the checked-out commit of a clean work tree" err
'

test_done
