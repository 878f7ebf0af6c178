#!/usr/bin/env bash
# A hostile repository plants symlinks where goescape's writer would put
# its temp file ("<output>.goescape-tmp-<pid>", for the next 100 pids, and
# the new "-<pid>-<hex>" form as far as it can be guessed), or makes the
# output itself a symlink.  Nothing outside is written; every output ends
# up a regular file.  A symlink on the way of a -o path the user gives is
# the user's, and followed.
. "$(dirname "$0")/lib.sh"

# plant DIR NAME: DIR/NAME.goescape-tmp-<pid> and ...-<pid>-0000000000000000
# for the next 100 pids, every one a symlink to the victim.  One process
# makes them all, so the pids goescape gets next are the ones planted.
plant() {
	python3 -c '
import os, sys
d, n, victim = sys.argv[1], sys.argv[2], sys.argv[3]
for pid in range(os.getpid() + 1, os.getpid() + 101):
    for suffix in ("", "-0000000000000000"):
        p = "%s/%s.goescape-tmp-%d%s" % (d, n, pid, suffix)
        if not os.path.lexists(p):
            os.symlink(victim, p)
' "$1" "$2" "$TRASH/outside/victim"
}

# untouched: the victim is as it was, and nothing else appeared outside.
untouched() {
	echo victim >"$TRASH/expect.victim" &&
	test_cmp "$TRASH/expect.victim" "$TRASH/outside/victim" &&
	ls "$TRASH/outside" >"$TRASH/outside.ls" &&
	echo victim >"$TRASH/expect.ls" &&
	test_cmp "$TRASH/expect.ls" "$TRASH/outside.ls"
}

test_expect_success 'setup: a repository with one commit, a victim outside it' '
	mkdir outside &&
	echo victim >outside/victim &&
	copy_example repo &&
	cd repo &&
	mkdir .goescape &&
	git init -q &&
	git add . &&
	git commit -qm base &&
	goescape report >/dev/null 2>&1
'

test_expect_success 'check --format sarif -o goescape.sarif: the planted temps are not followed' '
	cd repo &&
	plant . goescape.sarif &&
	goescape check --base HEAD --format sarif -o goescape.sarif &&
	untouched &&
	test -f goescape.sarif && ! test -L goescape.sarif &&
	json goescape.sarif "d[\"version\"]" >version &&
	echo 2.1.0 >expect &&
	test_cmp expect version
'

test_expect_success 'baseline: the planted temps beside .goescape/baseline.json are not followed' '
	cd repo &&
	plant .goescape baseline.json &&
	goescape baseline 2>err &&
	untouched &&
	test -f .goescape/baseline.json && ! test -L .goescape/baseline.json &&
	json .goescape/baseline.json "d[\"schema\"]" >schema &&
	echo goescape-baseline/1 >expect &&
	test_cmp expect schema
'

test_expect_success 'report -o: the planted temps are not followed' '
	cd repo &&
	plant . report.json &&
	goescape report --format json -o report.json &&
	untouched &&
	test -f report.json && ! test -L report.json &&
	test "$(json report.json "d[\"summary\"][\"heap\"]")" -gt 0
'

test_expect_success 'planted links named for pids that are gone are removed, their target kept' '
	cd repo &&
	rm -f report.json.goescape-tmp-* &&
	for i in 1 2 3; do
		pid=$(sh -c "echo \$\$") &&
		ln -s "$TRASH/outside/victim" report.json.goescape-tmp-$pid &&
		ln -s "$TRASH/outside/victim" report.json.goescape-tmp-$pid-00000000000000ff || return 1
	done &&
	goescape report --format json -o report.json &&
	ls -A | grep -c "^report.json.goescape-tmp" >count || : &&
	echo 0 >expect &&
	test_cmp expect count &&
	untouched
'

test_expect_success 'an output that is itself a committed symlink is replaced, its target untouched' '
	cd repo &&
	ln -s "$TRASH/outside/victim" linked.sarif &&
	git add linked.sarif &&
	git commit -qm "a link" &&
	goescape check --base HEAD --format sarif -o linked.sarif &&
	untouched &&
	test -f linked.sarif && ! test -L linked.sarif
'

test_expect_success '-o through a directory symlink the user made is followed' '
	cd repo &&
	mkdir "$TRASH/reports" &&
	ln -s "$TRASH/reports" ../mine &&
	goescape report --format json -o ../mine/r.json &&
	test -f "$TRASH/reports/r.json" &&
	test "$(json "$TRASH/reports/r.json" "d[\"summary\"][\"heap\"]")" -gt 0 &&
	goescape baseline -o ../mine/b.json 2>/dev/null &&
	test "$(json "$TRASH/reports/b.json" "d[\"schema\"]")" = goescape-baseline/1
'

# /dev/fd/1, not /dev/stdout: a writer that renamed over the path (the old
# one did, when standard output was a file) must not replace the machine's
# /dev/stdout when this test catches it.
test_expect_success '-o /dev/fd/1 writes through to a file or a pipe' '
	cd repo &&
	goescape report --format json -o /dev/fd/1 >out.json &&
	test "$(json out.json "d[\"summary\"][\"heap\"]")" -gt 0 &&
	goescape report --format json -o /dev/fd/1 | cat >piped.json &&
	test_cmp out.json piped.json &&
	test -L /dev/fd
'

test_done
