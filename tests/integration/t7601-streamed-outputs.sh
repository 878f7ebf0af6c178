#!/usr/bin/env bash
# Outputs are streamed into their temp files (issue 19): report and baseline
# hold about a megabyte of each rendering, not the rendering, whatever its
# size; the files still appear whole or not at all (a run killed midway, a
# write that fails midway: every old file stays as it was, no temp stays).
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a module and 200,000 heap escapes in it' '
	mkdir -p m && cd m &&
	moved_module 200000 ../m.txt
'

# Peak RSS (KiB) of a run beyond the same report with a small output.
over_small() {
	small=$(peak_kb "$GOESCAPE_BIN" report --input ../m.txt --format markdown -o ../small.md) &&
	big=$(peak_kb "$@") &&
	echo "small output $small KiB, this run $big KiB" &&
	echo $((big - small))
}

test_expect_success 'report to three files: memory about the report, not the renderings' '
	(cd m && d=$(over_small "$GOESCAPE_BIN" report --input ../m.txt --format json -o ../r.json \
		--format text -o ../r.txt --format github -o ../r.gh | tail -1) &&
		size=$(( ($(wc -c <../r.json) + $(wc -c <../r.txt) + $(wc -c <../r.gh)) / 1024 )) &&
		echo "$d KiB more, for $size KiB of output" &&
		test "$size" -gt 40000 && test "$d" -le $((size / 8))) &&
	python3 -c "import json; d = json.load(open(\"r.json\")); assert len(d[\"diagnostics\"]) == 200000" &&
	test "$(grep -c "moved to heap: v" r.txt)" = 200000 &&
	test "$(grep -c "^::warning file=p/p.go,line=4" r.gh)" = 200000 &&
	(cd m && goescape report --input ../m.txt --format json >../one.json) &&
	test_cmp one.json r.json
'

test_expect_success 'baseline -o: streamed too, the same bytes' '
	(cd m && d=$(over_small "$GOESCAPE_BIN" baseline --input ../m.txt -o ../b.json | tail -1) &&
		size=$(($(wc -c <../b.json) / 1024)) && echo "$d KiB more, for $size KiB" &&
		test "$d" -le $((size / 8))) &&
	grep -c "^{\"file\":\"p/p.go\"" b.json >n && test "$(cat n)" = 200000
'

test_expect_success 'standard output streams too; a write error there is one line, exit 2' '
	(cd m && d=$(over_small "$GOESCAPE_BIN" report --input ../m.txt --format json | tail -1) &&
		size=$(($(wc -c <../one.json) / 1024)) && echo "$d KiB more, for $size KiB" &&
		test "$d" -le $((size / 8)) &&
		test_expect_code 2 "$GOESCAPE_BIN" report --input ../m.txt >/dev/full 2>../err) &&
	one_line err && grep -q "cannot write to standard output: No space left" err
'

test_expect_success 'killed midway: the old file stays whole, the next run removes the temp' '
	echo old >k.json && cp k.json k.before &&
	{ (cd m && exec "$GOESCAPE_BIN" report --input ../m.txt --format json -o ../k.json) & } &&
	pid=$! && seen= && t0=$(date +%s) &&
	while test -z "$seen" && test $(($(date +%s) - t0)) -lt 60; do
		for t in k.json.goescape-tmp-*; do
			if test -s "$t"; then seen=$t; fi
		done
	done &&
	kill -9 $pid && { wait $pid || :; } &&
	echo "killed with $(wc -c <"$seen") bytes in $seen" &&
	test -n "$seen" && test -e "$seen" &&
	test_cmp k.before k.json &&
	(cd m && goescape report --input ../m.txt --format json -o ../k.json) &&
	test_cmp one.json k.json &&
	test -z "$(ls -A | grep goescape-tmp)"
'

test_expect_success 'a write that fails midway: exit 2, one line, every file as it was' '
	echo old-json >w.json && echo old-text >w.txt && cp w.json w.json.before &&
	cp w.txt w.txt.before &&
	(cd m && trap "" XFSZ && ulimit -f 20000 &&
		test_expect_code 2 "$GOESCAPE_BIN" report --input ../m.txt --format text -o ../w.txt \
			--format json -o ../w.json 2>../err) &&
	cat err && one_line err && grep -q "cannot write .*w.json" err &&
	test_cmp w.json.before w.json && test_cmp w.txt.before w.txt &&
	test -z "$(ls -A | grep goescape-tmp)" &&
	(cd m && trap "" XFSZ && ulimit -f 20000 &&
		test_expect_code 2 "$GOESCAPE_BIN" baseline --input ../m.txt -o ../b.json 2>../err) &&
	one_line err && grep -q "cannot write .*b.json" err &&
	grep -c "^{\"file\":\"p/p.go\"" b.json >n && test "$(cat n)" = 200000 &&
	test -z "$(ls -A | grep goescape-tmp)"
'

test_expect_success 'all or none: the second file cannot be created, the first stays' '
	(cd m && test_expect_code 2 goescape report --input ../m.txt --format json -o ../w.json \
		--format text -o ../no/such/dir/w.txt 2>../err) &&
	one_line err && grep -q "no/such/dir/w.txt" err &&
	test_cmp w.json.before w.json && test -z "$(ls -A | grep goescape-tmp)"
'

test_done
