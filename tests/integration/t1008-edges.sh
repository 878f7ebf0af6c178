#!/usr/bin/env bash
# Edges: no git repository at all, a repository with no commits, a detached
# HEAD, a git worktree, a shallow clone without the base commit, and a base
# analysed by another Go version than the head.
. "$(dirname "$0")/lib.sh"

GOVERSION=$(go env GOVERSION)
GO119=/usr/lib/go-1.19/bin/go

MAKE_GO='package cart

// Make returns a fresh cart.
func Make() *Cart {
	return &Cart{}
}'
printf '%s\n' "cart/make.go:5:9: Make: &Cart{} escapes to heap" \
	"1 new heap escape, 0 fixed (of 9 in all)" >"$TRASH/expect.make"
echo "0 new heap escapes, 0 fixed (of 8 in all)" >"$TRASH/expect.clean"

# ---- no git repository at all ------------------------------------------------

test_expect_success 'no git repository: baseline and check --baseline work' '
	copy_example nogit &&
	cd nogit &&
	test_expect_code 128 git rev-parse --git-dir >/dev/null 2>&1 &&
	goescape baseline 2>err &&
	echo "goescape: wrote 8 heap escapes to '\''.goescape/baseline.json'\''" >expect &&
	test_cmp expect err &&
	test "$(json .goescape/baseline.json "d[\"commit\"] is None and d[\"go\"] == \"$GOVERSION\"")" = True &&
	goescape check >actual &&
	test_cmp ../expect.clean actual &&
	echo "$MAKE_GO" >cart/make.go &&
	test_expect_code 1 goescape check >actual &&
	test_cmp ../expect.make actual
'

test_expect_success 'no git repository: report works, stores nothing' '
	cd nogit &&
	goescape report --format json >r.json &&
	test "$(json r.json "d[\"commit\"] is None, d[\"summary\"][\"heap\"]")" = "(True, 9)" &&
	! test -e .git
'

test_expect_success 'no git repository: --base, --commit and log say so, exit 2' '
	cd nogit &&
	test_expect_code 2 goescape check --base HEAD >out 2>err &&
	test_cmp /dev/null out &&
	test "$(wc -l <err)" = 1 &&
	grep -q "git repository" err &&
	test_expect_code 2 goescape report --commit HEAD >out 2>err &&
	test "$(wc -l <err)" = 1 &&
	grep -q "git repository" err &&
	test_expect_code 2 goescape log >out 2>err &&
	test "$(wc -l <err)" = 1 &&
	grep -q "git repository" err
'

# ---- a repository with no commits ----------------------------------------------

test_expect_success 'no commits yet: report, baseline and check --baseline work' '
	copy_example empty &&
	cd empty &&
	git init -q &&
	goescape report --format json >r.json &&
	test "$(json r.json "d[\"commit\"] is None, d[\"summary\"][\"heap\"]")" = "(True, 8)" &&
	test_expect_code 1 git rev-parse -q --verify refs/notes/goescape &&
	goescape baseline 2>/dev/null &&
	test "$(json .goescape/baseline.json "d[\"commit\"] is None")" = True &&
	goescape check >actual &&
	test_cmp ../expect.clean actual &&
	echo "$MAKE_GO" >cart/make.go &&
	test_expect_code 1 goescape check >actual &&
	test_cmp ../expect.make actual &&
	rm cart/make.go
'

test_expect_success 'no commits yet: check --base HEAD and log fail with exit 2, saying so' '
	cd empty &&
	test_expect_code 2 goescape check --base HEAD >out 2>err &&
	test_cmp /dev/null out &&
	echo "goescape: unknown revision '\''HEAD'\'' (the current branch has no commits yet)" >expect &&
	test_cmp expect err &&
	test_expect_code 2 goescape log >out 2>err &&
	test_cmp expect err &&
	test_expect_code 2 goescape report --commit HEAD >out 2>err &&
	test_cmp expect err
'

test_expect_success 'no commits yet: the first commit, then check --base HEAD' '
	cd empty &&
	git add cart main.go go.mod &&
	git commit -qm first &&
	goescape check --base HEAD >actual &&
	test_cmp ../expect.clean actual &&
	git notes --ref=goescape show HEAD >/dev/null
'

# ---- a detached HEAD ---------------------------------------------------------

test_expect_success 'detached HEAD: check --base main, notes on the detached commit' '
	copy_example detached &&
	cd detached &&
	git init -q &&
	git add . &&
	git commit -qm base &&
	git checkout -q --detach &&
	echo "$MAKE_GO" >cart/make.go &&
	git add . &&
	git commit -qm make &&
	test_expect_code 1 git symbolic-ref -q HEAD &&
	test_expect_code 1 goescape check --base main >actual &&
	test_cmp ../expect.make actual &&
	git notes --ref=goescape show HEAD >note.json &&
	test "$(json note.json "d[\"commit\"]")" = "$(git rev-parse HEAD)" &&
	git notes --ref=goescape show main >/dev/null
'

test_expect_success 'detached HEAD: report --commit and log' '
	cd detached &&
	goescape report --commit HEAD --format json >r.json &&
	test_cmp note.json r.json &&
	goescape log >log &&
	test "$(wc -l <log)" = 2 &&
	grep -q "^$(git rev-parse --short=7 HEAD) *9 *+1 -0 *make$" log
'

test_expect_success 'detached HEAD at an old commit: check --base main is clean' '
	cd detached &&
	git checkout -q main &&
	git checkout -q --detach main &&
	goescape check --base main >actual &&
	test_cmp ../expect.clean actual
'

# ---- a git worktree ----------------------------------------------------------

test_expect_success 'git worktree: check --base main in a linked worktree' '
	copy_example wtmain &&
	cd wtmain &&
	git init -q &&
	git add . &&
	git commit -qm base &&
	git worktree add -q ../wt -b feature &&
	cd ../wt &&
	echo "$MAKE_GO" >cart/make.go &&
	sed -i "s|^// New returns|// (moved)\n//\n// New returns|" cart/cart.go &&
	git add . &&
	git commit -qm make &&
	test_expect_code 1 goescape check --base main >actual &&
	test_cmp ../expect.make actual
'

test_expect_success 'git worktree: notes and blobs are in the common git directory' '
	cd wtmain &&
	git notes --ref=goescape show feature >feature.json &&
	test "$(json feature.json "d[\"commit\"]")" = "$(git rev-parse feature)" &&
	git notes --ref=goescape show main >main.json &&
	test "$(json main.json "d[\"summary\"][\"heap\"]")" = 8 &&
	test -f ".git/goescape/blobs/$(git rev-parse main:cart/cart.go)/cart.go" &&
	! test -e .git/worktrees/wt/goescape
'

test_expect_success 'git worktree: uncommitted changes in the worktree against main' '
	cd wt &&
	git -C ../wtmain update-ref -d refs/notes/goescape &&
	echo "$MAKE_GO" | sed "s/Make/Make2/g" >cart/make2.go &&
	test_expect_code 1 goescape check --base main >actual &&
	cat >expect <<-\EOF &&
	cart/make.go:5:9: Make: &Cart{} escapes to heap
	cart/make2.go:5:9: Make2: &Cart{} escapes to heap
	2 new heap escapes, 0 fixed (of 10 in all)
	EOF
	test_cmp expect actual &&
	git notes --ref=goescape show main >main2.json &&
	test_cmp ../wtmain/main.json main2.json
'

test_expect_success 'git worktree: check in the main worktree against feature' '
	cd wtmain &&
	goescape check --base feature --format json >out.json &&
	test "$(json out.json "d[\"summary\"][\"new\"], d[\"summary\"][\"fixed\"]")" = "(0, 0)"
'

# ---- a shallow clone ---------------------------------------------------------

test_expect_success 'setup: an origin with main and a feature branch' '
	copy_example origin &&
	cd origin &&
	git init -q &&
	git add . &&
	git commit -qm c0 &&
	git checkout -q -b feature &&
	echo "$MAKE_GO" >cart/make.go &&
	git add . &&
	git commit -qm f1 &&
	git checkout -q main &&
	echo "// m1" >>main.go &&
	git commit -qam m1
'

test_expect_success 'shallow clone: --base HEAD~1 is missing: exit 2, fetch more history' '
	git clone -q --depth 1 --branch feature "file://$TRASH/origin" shallow1 &&
	cd shallow1 &&
	test "$(git rev-parse --is-shallow-repository)" = true &&
	test_expect_code 2 goescape check --base HEAD~1 >out 2>err &&
	test_cmp /dev/null out &&
	test "$(wc -l <err)" = 1 &&
	grep -q "fetch more history" err &&
	grep -q "fetch-depth: 0" err
'

test_expect_success 'shallow clone: the merge-base with origin/main is missing: exit 2' '
	cd shallow1 &&
	git fetch -q --depth 1 origin main:refs/remotes/origin/main &&
	test_expect_code 2 goescape check --base origin/main >out 2>err &&
	test_cmp /dev/null out &&
	test "$(wc -l <err)" = 1 &&
	grep -q "fetch more history" err &&
	grep -q "fetch-depth: 0" err &&
	test_expect_code 2 goescape check --base origin/main --format json >out 2>err &&
	test_cmp /dev/null out
'

test_expect_success 'shallow clone: after fetching the history, check works' '
	cd shallow1 &&
	git fetch -q --unshallow origin &&
	test_expect_code 1 goescape check --base origin/main >actual &&
	test_cmp ../expect.make actual
'

# ---- a base analysed by another Go version ----------------------------------

test_expect_success 'a baseline from another Go version: one warning naming both' '
	copy_example gover &&
	cd gover &&
	git init -q &&
	git add . &&
	git commit -qm base &&
	goescape baseline 2>/dev/null &&
	sed -i "s/^\"go\": \"$GOVERSION\",$/\"go\": \"go1.19.13\",/" .goescape/baseline.json &&
	grep -q "^\"go\": \"go1.19.13\",$" .goescape/baseline.json &&
	goescape check >actual 2>err &&
	test_cmp ../expect.clean actual &&
	echo "goescape: warning: the base was analysed with go1.19.13, the head with $GOVERSION" >expect &&
	test_cmp expect err
'

test_expect_success 'the same Go version: no warning' '
	cd gover &&
	goescape baseline 2>/dev/null &&
	goescape check >actual 2>err &&
	test_cmp ../expect.clean actual &&
	test_cmp /dev/null err
'

test_expect_success 'a base note from another Go version: the same warning with --base' '
	cd gover &&
	goescape report --format json >/dev/null &&
	git notes --ref=goescape show HEAD | sed "s/^  \"go\": \"$GOVERSION\",$/  \"go\": \"go1.19.13\",/" >old.json &&
	grep -q "\"go\": \"go1.19.13\"" old.json &&
	git notes --ref=goescape add -f -F old.json HEAD 2>/dev/null &&
	echo "$MAKE_GO" >cart/make.go &&
	test_expect_code 1 goescape check --base HEAD >actual 2>err &&
	test_cmp ../expect.make actual &&
	echo "goescape: warning: the base was analysed with go1.19.13, the head with $GOVERSION" >expect &&
	test_cmp expect err &&
	rm cart/make.go
'

test_expect_success 'a baseline made by the real go1.19: exit 2, one line naming both configurations' '
	test -x "$GO119" &&
	cd gover &&
	GOESCAPE_GO="$GO119" goescape baseline -o ../go119.json 2>/dev/null &&
	v119=$("$GO119" env GOVERSION) &&
	test "$(json ../go119.json "d[\"go\"]")" = "$v119" &&
	test "$(json ../go119.json "d[\"config\"][\"canonical\"].split()[0]")" = "go=$v119" &&
	test_expect_code 2 goescape check --baseline ../go119.json >actual 2>err &&
	test_cmp /dev/null actual &&
	echo "goescape: the baseline '\''../go119.json'\'' was recorded under another build configuration (go: $v119, now $GOVERSION): record it again with '\''goescape baseline'\'', or compare anyway with --allow-config-mismatch" >expect &&
	test_cmp expect err
'

test_expect_success '--allow-config-mismatch compares anyway, with one warning naming both' '
	cd gover &&
	v119=$("$GO119" env GOVERSION) &&
	code=0 &&
	{ goescape check --baseline ../go119.json --allow-config-mismatch >actual 2>err || code=$?; } &&
	test $code -le 1 &&
	echo "goescape: warning: the baseline '\''../go119.json'\'' was recorded under another build configuration (go: $v119, now $GOVERSION)" >expect &&
	grep "^goescape: warning" err >warnings &&
	test_cmp expect warnings
'

# A go wrapper script (as with asdf, goenv, or a logging shim) is still the
# same Go: the report must still name its version, or the check above
# silently disappears.
test_expect_success 'through a GOESCAPE_GO wrapper script the Go version is still known' '
	mkdir -p shim &&
	printf "#!/bin/sh\nexec %s \"\$@\"\n" "$(command -v go)" >shim/go-wrapper &&
	chmod +x shim/go-wrapper &&
	cd gover &&
	GOESCAPE_GO="$TRASH/shim/go-wrapper" goescape report --format json >r.json &&
	test "$(json r.json "d[\"go\"]")" = "$GOVERSION" &&
	test_expect_code 2 env GOESCAPE_GO="$TRASH/shim/go-wrapper" "$GOESCAPE_BIN" check --baseline ../go119.json >actual 2>err &&
	test "$(grep -c "recorded under another build configuration (go: " err)" = 1
'

test_done
