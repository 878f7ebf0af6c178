#!/usr/bin/env bash
# Baselines are read streaming (issue 19): check --baseline holds no tree of
# the whole document, so its memory is about the two reports, and a baseline
# the streaming reader is not sure of is read the old way, to the same result.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a module and 120,000 heap escapes in it' '
	mkdir -p m && cd m &&
	moved_module 120000 ../m.txt &&
	goescape baseline --input ../m.txt -o ../b.json 2>../err &&
	grep -q "wrote 120000 heap escapes" ../err
'

test_expect_success 'check --baseline: memory about the reports, not a tree of the file' '
	(cd m && report=$(peak_kb "$GOESCAPE_BIN" report --input ../m.txt) &&
		check=$(peak_kb "$GOESCAPE_BIN" check --input ../m.txt --baseline ../b.json) &&
		size=$(($(wc -c <../b.json) / 1024)) &&
		echo "report $report KiB, check $check KiB, baseline $size KiB" &&
		test "$check" -le $((report + 2 * size)))
'

test_expect_success 'a new escape against the streamed baseline is found' '
	(cd m && sed "s/: v119999\$/: w1/" ../m.txt >../m2.txt &&
		test_expect_code 1 goescape check --input ../m2.txt --baseline ../b.json >../out) &&
	grep -q "1 new heap escape" out
'

test_expect_success 'a baseline the streaming reader declines is read all the same' '
	sed "s/^\"diagnostics\":/\"diagnostic\\\\u0073\":/" b.json >b2.json &&
	grep -q "^\"diagnostic\\\\u0073\": \[" b2.json &&
	(cd m && goescape check --input ../m.txt --baseline ../b2.json >../out2 &&
		test_expect_code 1 goescape check --input ../m2.txt --baseline ../b2.json >../out3) &&
	grep -q "0 new heap escapes" out2 && grep -q "1 new heap escape" out3
'

test_expect_success 'a bad entry at the end: the whole-tree message, exit 2' '
	sed "\$d" b.json | sed "\$d" | sed "\$s/\"line\":4,/\"line\":-4,/" >b3.json &&
	printf "]\n}\n" >>b3.json &&
	(cd m && test_expect_code 2 goescape check --input ../m.txt --baseline ../b3.json 2>../err3) &&
	grep -q "diagnostic 120000 has a \"line\" that is not a whole number" err3
'

test_done
