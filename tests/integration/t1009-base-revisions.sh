#!/usr/bin/env bash
# check --base REV: any revision git understands, compared at the
# merge-base of REV and HEAD; bad revisions fail before anything is built;
# package patterns limit both sides.
. "$(dirname "$0")/lib.sh"

MAKE_GO='package cart

// Make returns a fresh cart.
func Make() *Cart {
	return &Cart{}
}'
PTR_GO='package cart

// Ptr returns a pointer to a copy of n.
func Ptr(n int) *int {
	return &n
}'

# A go whose builds always fail: nothing may be built.
fake_go no-build 'case "$1" in build|install|list) echo "no-build-go: refusing $*" >&2; exit 7 ;; esac'
NO_BUILD_GO=$TRASH/no-build/bin/go

# main: base -> m1 (Make, a new escape on main after the fork)
# feature (from base): f1 (Ptr, a new escape on the feature)
test_expect_success 'setup: main and a feature branch that forked before main moved' '
	copy_example repo &&
	cd repo &&
	git init -q &&
	git add . &&
	git commit -qm base &&
	git tag v0 &&
	git checkout -q -b feature &&
	echo "$PTR_GO" >cart/ptr.go &&
	git add . &&
	git commit -qm "f1: Ptr" &&
	git checkout -q main &&
	echo "$MAKE_GO" >cart/make.go &&
	git add . &&
	git commit -qm "m1: Make" &&
	git checkout -q feature &&
	cat >../expect.ptr <<-\EOF
	cart/ptr.go:4:10: Ptr: moved to heap: n
	1 new heap escape, 0 fixed (of 9 in all)
	EOF
'

test_expect_success 'check --base main compares with the merge-base, not the tip of main' '
	cd repo &&
	test_expect_code 1 goescape check --base main --format json >out.json &&
	test "$(json out.json "d[\"summary\"][\"new\"], d[\"summary\"][\"fixed\"], d[\"summary\"][\"heap\"]")" = "(1, 0, 9)" &&
	test_expect_code 1 goescape check --base main >actual &&
	test_cmp ../expect.ptr actual &&
	git notes --ref=goescape show v0 >base.json &&
	test "$(json base.json "d[\"commit\"]")" = "$(git merge-base main HEAD)" &&
	test_expect_code 1 git notes --ref=goescape show main 2>/dev/null
'

test_expect_success 'any revision form gives the same answer' '
	cd repo &&
	for rev in main main~0 v0 "$(git rev-parse --short main)" "$(git rev-parse v0)" HEAD~1 HEAD^ "main^{commit}" refs/heads/main "feature@{1}"; do
		test_expect_code 1 goescape check --base "$rev" >actual &&
		test_cmp ../expect.ptr actual || { echo "--base $rev"; exit 1; }
	done
'

test_expect_success 'check --base HEAD on a clean tree: nothing new' '
	cd repo &&
	goescape check --base HEAD --format json >out.json &&
	test "$(json out.json "d[\"summary\"][\"new\"], d[\"summary\"][\"fixed\"]")" = "(0, 0)"
'

test_expect_success 'an unknown revision: exit 2 before any build' '
	cd repo &&
	GOESCAPE_GO="$NO_BUILD_GO" test_expect_code 2 goescape check --base no-such-branch >out 2>err &&
	test_cmp /dev/null out &&
	echo "goescape: unknown revision '\''no-such-branch'\''" >expect &&
	test_cmp expect err
'

test_expect_success 'a revision that is not a commit (a blob): exit 2' '
	cd repo &&
	GOESCAPE_GO="$NO_BUILD_GO" test_expect_code 2 goescape check --base HEAD:go.mod >out 2>err &&
	test_cmp /dev/null out &&
	test "$(wc -l <err)" = 1 &&
	grep -qF "HEAD:go.mod" err
'

test_expect_success 'unrelated histories: exit 2, no common ancestor' '
	cd repo &&
	git checkout -q --orphan lonely &&
	git commit -qm lonely &&
	git checkout -q feature &&
	GOESCAPE_GO="$NO_BUILD_GO" test_expect_code 2 goescape check --base lonely >out 2>err &&
	test_cmp /dev/null out &&
	test "$(wc -l <err)" = 1 &&
	grep -q "no common ancestor" err
'

test_expect_success '--base and --baseline together: usage error, exit 2' '
	cd repo &&
	GOESCAPE_GO="$NO_BUILD_GO" test_expect_code 2 goescape check --base main --baseline x.json 2>err &&
	test "$(wc -l <err)" = 1
'

test_expect_success 'a bad --format fails before any build: exit 2' '
	cd repo &&
	GOESCAPE_GO="$NO_BUILD_GO" test_expect_code 2 goescape check --base main --format yaml 2>err &&
	test "$(wc -l <err)" = 1 &&
	grep -qF "yaml" err
'

test_expect_success 'the head build fails: exit 3' '
	cd repo &&
	echo "func Broken( {" >>cart/ptr.go &&
	test_expect_code 3 goescape check --base main >out 2>err &&
	test_cmp /dev/null out &&
	grep -q "go build failed" err &&
	git checkout -q cart/ptr.go
'

test_expect_success 'check --base from a subdirectory of the module: the same' '
	cd repo/cart &&
	test_expect_code 1 goescape check --base main >actual &&
	test_cmp ../../expect.ptr actual
'

test_expect_success 'check --base with package patterns: only those, and no note stored' '
	cd repo &&
	git update-ref -d refs/notes/goescape &&
	test_expect_code 1 goescape check --base main ./cart >actual &&
	cat >expect <<-\EOF &&
	cart/ptr.go:4:10: Ptr: moved to heap: n
	1 new heap escape, 0 fixed (of 7 in all)
	EOF
	test_cmp expect actual &&
	test_expect_code 1 goescape check --base main ./cart --format json >out.json &&
	test "$(json out.json "\" \".join(sorted(set(x[\"package\"] for x in d[\"diagnostics\"] + d[\"fixed\"])))")" = "example.com/shop/cart" &&
	test_expect_code 1 git rev-parse -q --verify refs/notes/goescape
'

test_expect_success 'check --base ./cart ignores a new escape in another package' '
	cd repo &&
	printf "package main\n\n// Make returns a fresh int.\nfunc Make() *int {\n\treturn new(int)\n}\n" >make.go &&
	test_expect_code 1 goescape check --base main ./cart >actual &&
	test_cmp expect actual &&
	test_expect_code 1 goescape check --base main >all &&
	cat >expect.all <<-\EOF &&
	cart/ptr.go:4:10: Ptr: moved to heap: n
	make.go:5:12: Make: new(int) escapes to heap
	2 new heap escapes, 0 fixed (of 10 in all)
	EOF
	test_cmp expect.all all &&
	rm make.go
'

test_done
