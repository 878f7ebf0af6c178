#!/usr/bin/env bash
# What a run killed with kill -9 leaves in .git (overlay files, suggest's
# pre-<pid> trees, checkout locks and checkouts, libgit2's temp objects,
# the writer's temps) is removed at the start of the next run, once its
# writer is gone (its pid, or nobody holding its lock, or for libgit2's
# temps, untouched for 10 minutes).  What a live run uses is kept, and a
# normal run leaves none of it behind.
. "$(dirname "$0")/lib.sh"

# A go that refuses -overlay builds: the base is built from a checkout.
fake_go no-overlay 'for a in "$@"; do case "$a" in -overlay*) exit 7 ;; esac; done'

# leftovers: every goescape or libgit2 leftover under .git, one a line.
leftovers() {
	(cd .git && find goescape objects -maxdepth 2 \( -name "overlay-*" -o -name "pre-*" \
		-o -name "checkout-*" -o -name "tmp_object_git2_*" -o -name "*goescape-tmp*" \) | sort)
}

# plant PID COMMIT: one leftover of each kind, as a run with that pid leaves them.
plant() {
	mkdir -p .git/goescape/suggest/pre-$1/0 ".git/goescape/checkout-$2" &&
	echo "{}" >.git/goescape/overlay-$1.json &&
	echo "{}" >.git/goescape/overlay-$1.json.goescape-tmp-$1-0123456789abcdef &&
	echo "{}" >.git/goescape/suggest/overlay-$1.json &&
	echo "package a" >.git/goescape/suggest/pre-$1/0/a.go &&
	echo "module m" >".git/goescape/checkout-$2/go.mod" &&
	: >".git/goescape/checkout-$2.lock"
}

test_expect_success 'setup: a repository with a note' '
	copy_example repo &&
	cd repo &&
	git init -q &&
	git add . &&
	git commit -qm base &&
	goescape report >/dev/null 2>&1 &&
	leftovers >../none &&
	test_cmp /dev/null ../none
'

test_expect_success 'stale leftovers of a dead pid, an unheld lock, an old temp object: removed' '
	cd repo &&
	dead=$(sh -c "echo \$\$") &&
	commit=$(git rev-parse HEAD) &&
	plant $dead $commit &&
	echo x >.git/objects/tmp_object_git2_Ab12Cd &&
	touch -d "1 hour ago" .git/objects/tmp_object_git2_Ab12Cd &&
	test "$(leftovers | wc -l)" = 7 &&
	goescape log >/dev/null &&
	leftovers >../left &&
	test_cmp /dev/null ../left &&
	test -d .git/goescape/suggest &&
	git notes --ref=goescape show HEAD >/dev/null
'

test_expect_success 'the same leftovers of a live run are kept' '
	cd repo &&
	{ sleep 60 & } &&
	live=$! &&
	commit=$(git rev-parse HEAD) &&
	plant $live $commit &&
	{ python3 -c "
import fcntl, sys, time
f = open(sys.argv[1], \"a\")
fcntl.lockf(f, fcntl.LOCK_EX)
print(\"locked\", flush=True)
time.sleep(60)
" ".git/goescape/checkout-$commit.lock" >../locked & } &&
	holder=$! &&
	n=0 && while ! grep -q locked ../locked 2>/dev/null && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done &&
	grep -q locked ../locked &&
	echo x >.git/objects/tmp_object_git2_Fresh1 &&
	leftovers >../before &&
	test "$(wc -l <../before)" = 7 &&
	rc=0 && goescape log >/dev/null || rc=$? &&
	leftovers >../after &&
	kill $live $holder &&
	wait $live $holder 2>/dev/null || : &&
	test "$rc" = 0 &&
	test_cmp ../before ../after
'

test_expect_success 'once the live run is gone, the next run removes them' '
	cd repo &&
	touch -d "1 hour ago" .git/objects/tmp_object_git2_Fresh1 &&
	goescape log >/dev/null &&
	leftovers >../left &&
	test_cmp /dev/null ../left
'

test_expect_success 'a normal check through the checkout fallback leaves nothing behind' '
	cd repo &&
	echo "// changed" >>cart/cart.go &&
	git commit -qam "a commit without a note" &&
	echo "// changed again" >>cart/cart.go &&
	GOESCAPE_GO="$TRASH/no-overlay/bin/go" goescape check --base HEAD >../out &&
	grep -q "^0 new heap escapes" ../out &&
	git notes --ref=goescape show HEAD >/dev/null &&
	leftovers >../left &&
	test_cmp /dev/null ../left
'

test_expect_success 'a normal suggest leaves nothing behind' '
	cd repo &&
	goescape suggest >../patch 2>/dev/null &&
	test -s ../patch &&
	leftovers >../left &&
	test_cmp /dev/null ../left &&
	find .git/goescape/suggest -mindepth 1 >../suggest.left &&
	test_cmp /dev/null ../suggest.left
'

test_done
