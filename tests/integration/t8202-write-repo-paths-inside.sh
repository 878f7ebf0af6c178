#!/usr/bin/env bash
# Paths the repository decides (.goescape/, the default baseline, the
# configured "baseline") never lead out of the module: a symlink on the way
# that resolves outside is exit 2 with one line naming it, before any
# build, and nothing is written outside.  A symlink that stays inside is
# followed.  Paths given on the command line (-o, --baseline) are the
# user's, symlinks included.
. "$(dirname "$0")/lib.sh"

# nothing_outside: the directory outside is exactly as it was made.
nothing_outside() {
	(cd "$TRASH/outside" && find . | sort) >"$TRASH/outside.now" &&
	test_cmp "$TRASH/outside.before" "$TRASH/outside.now"
}

# fresh NAME: a committed copy of the example module in $TRASH/NAME.
fresh() {
	copy_example "$1" &&
	(cd "$TRASH/$1" && git init -q && git add . && git commit -qm base)
}

test_expect_success 'setup: a directory outside the module' '
	mkdir -p outside/dir &&
	echo old >outside/dir/baseline.json &&
	(cd outside && find . | sort) >outside.before
'

test_expect_success '.goescape symlinked outside: baseline is exit 2, nothing written there' '
	fresh dotdir &&
	cd dotdir &&
	ln -s "$TRASH/outside/dir" .goescape &&
	test_expect_code 2 goescape baseline 2>err &&
	echo "goescape: baseline '\''.goescape/baseline.json'\'': '\''.goescape'\'' is a symlink leaving the module" >expect &&
	test_cmp expect err &&
	nothing_outside &&
	echo old >expect &&
	test_cmp expect "$TRASH/outside/dir/baseline.json"
'

test_expect_success '.goescape symlinked outside, relatively and dangling: refused too' '
	fresh dangling &&
	cd dangling &&
	ln -s ../outside/newdir .goescape &&
	test_expect_code 2 goescape baseline 2>err &&
	grep -q "'\''.goescape'\'' is a symlink leaving the module" err &&
	test "$(wc -l <err)" = 1 &&
	! test -e "$TRASH/outside/newdir" &&
	nothing_outside
'

test_expect_success 'check reads no baseline through .goescape symlinked outside' '
	cd dotdir &&
	test_expect_code 2 goescape check 2>err &&
	grep -q "^goescape: baseline '\''.goescape/baseline.json'\'': '\''.goescape'\'' is a symlink leaving the module$" err &&
	test "$(wc -l <err)" = 1
'

test_expect_success 'the configured baseline through a link leaving the module: exit 2' '
	fresh config &&
	cd config &&
	ln -s "$TRASH/outside/dir" link &&
	printf "{\"baseline\": \"link/b.json\"}\n" >.goescape.json &&
	test_expect_code 2 goescape baseline 2>err &&
	test "$(wc -l <err)" = 1 &&
	grep -q "link/b.json" err &&
	grep -q "module" err &&
	nothing_outside
'

test_expect_success 'the baseline file itself a symlink leaving the module: exit 2' '
	fresh final &&
	cd final &&
	mkdir .goescape &&
	ln -s "$TRASH/outside/dir/baseline.json" .goescape/baseline.json &&
	test_expect_code 2 goescape baseline 2>err &&
	echo "goescape: baseline '\''.goescape/baseline.json'\'': '\''.goescape/baseline.json'\'' is a symlink leaving the module" >expect &&
	test_cmp expect err &&
	nothing_outside
'

test_expect_success 'symlinks that stay inside the module are followed' '
	fresh inside &&
	cd inside &&
	mkdir -p conf/escapes &&
	ln -s conf/escapes .goescape &&
	goescape baseline 2>err &&
	test -f conf/escapes/baseline.json && ! test -L conf/escapes/baseline.json &&
	test -L .goescape &&
	test "$(json conf/escapes/baseline.json "d[\"schema\"]")" = goescape-baseline/1 &&
	goescape check >out &&
	grep -q "^0 new heap escapes" out &&
	ln -s ../conf/escapes/baseline.json cart/b.json &&
	printf "{\"baseline\": \"cart/b.json\"}\n" >.goescape.json &&
	goescape baseline 2>err &&
	test -L cart/b.json &&
	test "$(json conf/escapes/baseline.json "d[\"schema\"]")" = goescape-baseline/1
'

test_expect_success 'baseline -o and check --baseline through a symlink of the user: followed' '
	cd dotdir &&
	mkdir "$TRASH/mine" &&
	ln -s "$TRASH/mine" ../mylink &&
	goescape baseline -o ../mylink/b.json 2>err &&
	test -f "$TRASH/mine/b.json" &&
	goescape check --baseline ../mylink/b.json >out &&
	grep -q "^0 new heap escapes" out
'

test_done
