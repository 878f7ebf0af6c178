#!/usr/bin/env bash
# Files the repository controls are read only when they are regular files
# within a size limit: .goescape.json or the baseline as a link to
# /dev/zero or to a FIFO is exit 2 within a second (no hang, no gigabytes),
# one line naming the file; a file over the limit names the limit.
# --input is the user's own: a regular file or a FIFO, never a device.
# A note blob over the limit is never inflated.  The hook, through a real
# git push, refuses a committed config that links to /dev/zero.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-hook.sh"

# quick N CMD...: CMD exits N within 1 s (a 10 s safety net against a hang).
quick() {
	local want=$1 t0 t1 code=0
	shift
	t0=$(date +%s%N)
	timeout 10 "$@" || code=$?
	t1=$(date +%s%N)
	echo "took $(( (t1 - t0) / 1000000 )) ms, exit $code: $*" >>"$TRASH/quick.log"
	test "$code" = "$want" && test $(( (t1 - t0) / 1000000 )) -lt 1000
}

test_expect_success 'setup: the example with a baseline, and a FIFO' '
	copy_example shop &&
	(cd shop && git init -q && git add . && git commit -qm shop &&
	 goescape baseline 2>/dev/null && git add .goescape && git commit -qm baseline) &&
	mkfifo "$TRASH/fifo"
'

for target in /dev/zero fifo; do
	test_expect_success ".goescape.json -> $target: exit 2 at once, naming it" '
		cd shop &&
		t='"$target"' && case $t in fifo) t="$TRASH/fifo" ;; esac &&
		ln -sf "$t" .goescape.json &&
		for cmd in report check baseline; do
			quick 2 "$GOESCAPE_BIN" $cmd >out 2>err &&
			one_line err &&
			grep -q "cannot read '"'"'$TRASH/shop/.goescape.json'"'"': a .*, not a regular file" err ||
			return 1
		done &&
		rm .goescape.json
	'

	test_expect_success "the baseline -> $target: exit 2 at once, naming it, the link kept" '
		cd shop &&
		t='"$target"' && case $t in fifo) t="$TRASH/fifo" ;; esac &&
		mv .goescape/baseline.json ../baseline.json &&
		ln -s "$t" .goescape/baseline.json &&
		quick 2 "$GOESCAPE_BIN" check >out 2>err &&
		one_line err &&
		grep -q "'"'"'\(.*/\)\?.goescape/baseline.json'"'"'" err &&
		quick 2 "$GOESCAPE_BIN" check --baseline "$t" >out 2>err &&
		one_line err && grep -q "$t" err &&
		test -L .goescape/baseline.json &&
		rm .goescape/baseline.json && mv ../baseline.json .goescape/baseline.json
	'
done

test_expect_success 'a config that is a directory: exit 2, naming it' '
	cd shop &&
	rm -f .goescape.json && mkdir .goescape.json &&
	test_expect_code 2 goescape report 2>err &&
	one_line err && grep -q "a directory, not a regular file" err &&
	rmdir .goescape.json
'

test_expect_success 'a config over 1 MiB: exit 2, naming the file and the limit' '
	cd shop &&
	rm -f .goescape.json &&
	python3 -c "import sys; sys.stdout.write(\"{\" + \" \" * (1024 * 1024) + \"}\")" >.goescape.json &&
	quick 2 "$GOESCAPE_BIN" report 2>err &&
	one_line err &&
	grep -q "cannot read '"'"'$TRASH/shop/.goescape.json'"'"': larger than the limit of 1 MiB" err &&
	python3 -c "import sys; sys.stdout.write(\"{\" + \" \" * (1024 * 1024 - 2) + \"}\")" >.goescape.json &&
	goescape report >/dev/null &&
	rm .goescape.json
'

test_expect_success 'a baseline over 512 MiB (sparse): exit 2 at once, naming the limit' '
	cd shop &&
	truncate -s $((512 * 1024 * 1024 + 1)) ../huge.json &&
	quick 2 "$GOESCAPE_BIN" check --baseline ../huge.json 2>err &&
	one_line err &&
	grep -q "huge.json'"'"': larger than the limit of 512 MiB" err
'

test_expect_success '--input /dev/zero or a directory: exit 2, naming it' '
	cd shop &&
	quick 2 "$GOESCAPE_BIN" report --input /dev/zero 2>err &&
	one_line err && grep -q "'"'"'/dev/zero'"'"': a device" err &&
	test_expect_code 2 goescape check --input . 2>err &&
	one_line err && grep -q "a directory" err
'

test_expect_success '--input from a FIFO the user feeds (and from a pipe) is read' '
	cd shop &&
	go build -gcflags=-m ./... 2>../m.txt &&
	goescape report --input ../m.txt >expect &&
	{ cat ../m.txt >"$TRASH/fifo" & } &&
	timeout 20 "$GOESCAPE_BIN" report --input "$TRASH/fifo" >actual &&
	test_cmp expect actual &&
	cat ../m.txt | goescape report --input - >actual &&
	test_cmp expect actual &&
	grep -q "heap escapes" actual
'

test_expect_success 'a note blob over 512 MiB is ignored and rebuilt, never inflated' '
	cd shop &&
	blob=$(head -c $((512 * 1024 * 1024 + 16)) /dev/zero | git hash-object -w --stdin) &&
	git notes --ref=goescape add -f -C "$blob" HEAD &&
	rusage ../usage "$GOESCAPE_BIN" report --commit HEAD --format json -o ../r.json &&
	rss=$(cut -d" " -f2 ../usage) &&
	echo "max RSS $rss KiB" &&
	test "$rss" -lt 200000 &&
	test "$(json ../r.json "d[\"summary\"][\"heap\"]")" = 8
'

test_expect_success 'a committed .goescape.json -> /dev/zero: the hook refuses the push at once' '
	new_pair zero &&
	cd zero &&
	before=$(remote_rev zero main) &&
	ln -s /dev/zero .goescape.json &&
	git add .goescape.json && git commit -qm "config" &&
	! timeout 20 git push origin main 2>err &&
	test "$(remote_rev zero main)" = "$before" &&
	grep -q "^goescape: cannot read '"'"'$TRASH/zero/.goescape.json'"'"': a device, not a regular file" err
'

# A Go file is the repository's too: compiler output that names a .go file
# linked to /dev/zero or a FIFO must not make goescape read for ever.
for target in /dev/zero fifo; do
	test_expect_success "a .go file -> $target named by --input: no hang" '
		cd shop &&
		t='"$target"' && case $t in fifo) t="$TRASH/fifo" ;; esac &&
		go build -gcflags=example.com/shop/...=-m ./... 2>m.txt &&
		ln -s "$t" cart/zero.go &&
		printf "# example.com/shop/cart\ncart/zero.go:3:6: moved to heap: x\n" >>m.txt &&
		code=0 && t0=$(date +%s%N) &&
		{ timeout 10 "$GOESCAPE_BIN" report --input m.txt >out 2>err || code=$?; } &&
		t1=$(date +%s%N) &&
		rm cart/zero.go m.txt &&
		test $(( (t1 - t0) / 1000000 )) -lt 2000 &&
		test "$code" != 124 && test "$code" -le 2
	'
done

test_done
