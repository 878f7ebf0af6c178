#!/usr/bin/env bash
# A baseline is read in pieces (issue 19): check --baseline never holds the
# file, so a baseline twice the size with the same entries (whitespace, as
# JSON allows) costs no more memory; it reads to the same result, and a bad
# one still gets the whole-tree reader's message.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a module, 200,000 heap escapes in a baseline, one in the input' '
	mkdir -p m && cd m &&
	moved_module 200000 ../m.txt &&
	goescape baseline --input ../m.txt -o ../b.json 2>../err &&
	grep -q "wrote 200000 heap escapes" ../err &&
	head -3 ../m.txt >../small.txt &&
	python3 -c "import sys
pad = \" \" * 400
with open(\"../b.json\") as f, open(\"../padded.json\", \"w\") as o:
    for line in f:
        o.write(pad + line if line.startswith(\"{\\\"file\\\"\") else line)" &&
	test $(wc -c <../padded.json) -gt $((2 * $(wc -c <../b.json)))
'

test_expect_success 'check --baseline: a baseline twice the size, the same memory' '
	(cd m && plain=$(peak_kb "$GOESCAPE_BIN" check --input ../small.txt --baseline ../b.json) &&
		padded=$(peak_kb "$GOESCAPE_BIN" check --input ../small.txt --baseline ../padded.json) &&
		extra=$(( ($(wc -c <../padded.json) - $(wc -c <../b.json)) / 1024 )) &&
		echo "plain $plain KiB, padded $padded KiB, $extra KiB more file" &&
		test $((padded - plain)) -le $((extra / 8)))
'

test_expect_success 'the same result from both: no new escape; a new one found' '
	(cd m && goescape check --input ../m.txt --baseline ../padded.json >../out &&
		sed "s/: v199999\$/: w1/" ../m.txt >../m2.txt &&
		test_expect_code 1 goescape check --input ../m2.txt --baseline ../padded.json >../out2) &&
	grep -q "0 new heap escapes" out && grep -q "^p/p.go:4:2: F: moved to heap: w1" out2 &&
	grep -q "1 new heap escape" out2
'

test_expect_success 'a bad entry at the end of the big one: the whole-tree message, exit 2' '
	sed "\$d" padded.json | sed "\$d" | sed "\$s/\"line\":4,/\"line\":-4,/" >bad.json &&
	printf "]\n}\n" >>bad.json &&
	(cd m && test_expect_code 2 goescape check --input ../m.txt --baseline ../bad.json 2>../err) &&
	one_line err && grep -q "bad.json.: diagnostic 200000 has a \"line\" that is not a whole number" err
'

test_done
