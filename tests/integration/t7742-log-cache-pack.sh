#!/usr/bin/env bash
# goescape log's first run over many commits writes the entries it made as
# one pack file in its cache (creating a file per commit was a fifth of
# the run), which the next run reads without reading a note; a run that
# makes only a few entries writes one file each as before; a pack entry
# that names another commit or blob is a miss, a truncated or garbled
# pack is no pack, and at most four packs are kept.
. "$(dirname "$0")/lib.sh"
# LeakSanitizer cannot check a process strace traces.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
command -v strace >/dev/null || skip_all "no strace"

# notes_for REV...: REV's note made from HEAD's (its commit id put in), as
# a build of a commit that only adds a comment would store it.
notes_for() {
	git notes --ref=goescape show HEAD >../head.json &&
	for rev in "$@"; do
		c=$(git rev-parse "$rev") &&
		sed "s/\"commit\": \"$(git rev-parse HEAD)\"/\"commit\": \"$c\"/" ../head.json >../n.json &&
		git notes --ref=goescape add -f -F ../n.json "$c" >/dev/null 2>&1 || return 1
	done
}

packs() { ls .git/goescape/log/ | grep -c "^pack-.*\.log$" || true; }
files() { ls .git/goescape/log/ | grep -c "\.json$" || true; }

test_expect_success 'setup: 40 commits that add comments, each with a note' '
	example_repo repo &&
	f=$(git ls-files "*.go" | head -n 1) &&
	for i in $(seq 1 40); do
		echo "// $i" >>"$f" && git commit -qam "comment $i" || return 1
	done &&
	goescape report --commit HEAD --format json >/dev/null &&
	notes_for $(git rev-list HEAD~1 | head -n 40) &&
	test "$(git notes --ref=goescape list | wc -l)" = 41
'

test_expect_success 'a first run of 20 entries writes one pack and no file per entry' '
	cd repo &&
	rm -rf .git/goescape/log &&
	goescape log -n 20 --format json >../first.json &&
	test "$(packs)" = 1 &&
	test "$(files)" = 0 &&
	json ../first.json "len(d[\"commits\"])" >n && echo 20 >expect && test_cmp expect n
'

test_expect_success 'the next run reads the pack: no note read, the same log' '
	cd repo &&
	strace -f -e trace=openat,open -o ../trace "$GOESCAPE_BIN" log -n 20 --format json >second.json &&
	test_cmp ../first.json second.json &&
	grep -c "goescape/log/pack-" ../trace >opened && echo 1 >expect && test_cmp expect opened &&
	git notes --ref=goescape list | cut -d" " -f1 | cut -c3- >blobs &&
	! grep -F -f blobs ../trace &&
	# Without the pack every note is read again, to the same log.
	rm .git/goescape/log/pack-*.log &&
	strace -f -e trace=openat,open -o ../trace "$GOESCAPE_BIN" log -n 20 --format json >third.json &&
	test_cmp ../first.json third.json &&
	grep -F -f blobs ../trace >read && test "$(wc -l <read)" -ge 20
'

test_expect_success 'a run that makes fewer than 8 entries writes one file each, read with the pack' '
	cd repo &&
	rm -rf .git/goescape/log &&
	goescape log -n 20 --format json >/dev/null &&
	goescape log -n 23 --format json >../more.json &&
	test "$(packs)" = 1 &&
	test "$(files)" = 3 &&
	strace -f -e trace=openat,open -o ../trace "$GOESCAPE_BIN" log -n 23 --format json >again.json &&
	test_cmp ../more.json again.json &&
	! grep -F -f blobs ../trace
'

test_expect_success 'a pack entry is believed as written; naming another commit it is a miss' '
	cd repo &&
	rm -rf .git/goescape/log &&
	goescape log -n 20 --format json >/dev/null &&
	p=$(ls .git/goescape/log/pack-*.log) &&
	cp "$p" ../pack.saved &&
	heap=$(json ../first.json "d[\"commits\"][3][\"heap\"]") &&
	nh=$((heap - 1)) &&
	test ${#nh} = ${#heap} &&
	c3=$(git rev-parse HEAD~3) &&
	# The same length, so the index still points at every entry.
	sed "/\"commit\": \"$c3\"/s/\"heap\": $heap, \"moved\"/\"heap\": $nh, \"moved\"/" ../pack.saved >"$p" &&
	! cmp "$p" ../pack.saved &&
	goescape log -n 20 --format json >out &&
	json out "d[\"commits\"][3][\"heap\"]" >got && echo $nh >expect && test_cmp expect got &&
	c4=$(git rev-parse HEAD~4) &&
	sed "s/{\"commit\": \"$c3\"/{\"commit\": \"$c4\"/" ../pack.saved >"$p" &&
	! cmp "$p" ../pack.saved &&
	goescape log -n 20 --format json >out &&
	test_cmp ../first.json out
'

test_expect_success 'a truncated or garbled pack is no pack: every entry read again, the same log' '
	cd repo &&
	p=$(ls .git/goescape/log/pack-*.log) &&
	for how in "head -c 300" "head -c 5000" "sed 1s/pack\\/1/pack\\/9/" \
		"sed 2s/^00000020/00099999/" "sed 3s/^\\([0-9a-f]*\\).0*/\\1.999999999999/" \
		"sed 3,30s/^[0-9a-f]*/ffffffffffffffff/"; do
		rm -rf .git/goescape/log && mkdir -p .git/goescape/log &&
		$how ../pack.saved >"$p" &&
		goescape log -n 20 --format json >out &&
		test_cmp ../first.json out || { echo "failed: $how"; return 1; }
	done
'

test_expect_success 'a sparse pack that claims 99,999,999 entries: not read, little memory, the same log' '
	cd repo &&
	rm -rf .git/goescape/log && mkdir -p .git/goescape/log &&
	p=.git/goescape/log/pack-0123456789abcdef.log &&
	printf "goescape-log-pack/1\n99999999\n" >"$p" &&
	truncate -s 4000000000 "$p" &&
	kb=$(peak_kb "$GOESCAPE_BIN" log -n 20 --format json) &&
	test "$kb" -lt 200000 &&
	goescape log -n 20 --format json >out &&
	test_cmp ../first.json out
'

test_expect_success 'at most four packs are kept, the oldest removed' '
	cd repo &&
	rm -rf .git/goescape/log &&
	for r in HEAD~32 HEAD~24 HEAD~16 HEAD~8 HEAD; do
		goescape log -n 8 $r >/dev/null &&
		ls .git/goescape/log/pack-*.log >>../made &&
		sleep 0.02 || return 1
	done &&
	test "$(packs)" = 4 &&
	first=$(head -n 1 ../made) &&
	test ! -e "$first" &&
	strace -f -e trace=openat,open -o ../trace "$GOESCAPE_BIN" log -n 32 HEAD >/dev/null &&
	{ grep -F -f blobs ../trace || true; } >read &&
	test_cmp /dev/null read
'

test_done
