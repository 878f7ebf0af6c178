#!/usr/bin/env bash
# A real module with more heap escapes than GitHub takes in one run
# (26,000 > 25,000): report --format sarif keeps 25,000, says so in a
# notification, and the log is valid.  Slow (the validator needs about two
# minutes for a 14 MB log), so it runs only with GOESCAPE_TEST_LARGE=1; the
# limit itself is covered on every run by test_sarif and t2099.
#
# Bodies are &&-chained: lib.sh runs them as an if-condition, where set -e
# has no effect.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sarif.sh"

if [ -z "${GOESCAPE_TEST_LARGE:-}" ]; then
	skip_all "set GOESCAPE_TEST_LARGE=1 to build and validate 26,000 escapes (.ci/run does)"
fi

test_expect_success 'setup: 26 files of 1,000 functions, one escape each' '
	mkdir -p big/p &&
	cd big &&
	printf "module example.com/big\n\ngo 1.21\n" >go.mod &&
	python3 -c "
for f in range(26):
    with open(\"p/f%02d.go\" % f, \"w\") as o:
        o.write(\"package p\\n\\n\")
        for i in range(1000):
            n = f * 1000 + i
            o.write(\"// F%d keeps x.\\nfunc F%d() *int {\\n\\tx := %d\\n\\treturn &x\\n}\\n\\n\" % (n, n, n))
" &&
	git init -q &&
	git add . &&
	git commit -qm big
'

test_expect_success 'report --format sarif: 25,000 results and a notification' '
	cd big &&
	goescape report --format sarif -o ../big.sarif &&
	goescape report --format json -o ../big.json &&
	json ../big.json "d[\"summary\"][\"moved\"]" >actual &&
	echo 26000 >expect &&
	test_cmp expect actual &&
	json ../big.sarif "len(d[\"runs\"][0][\"results\"])" >actual &&
	echo 25000 >expect &&
	test_cmp expect actual &&
	json ../big.sarif "d[\"runs\"][0][\"invocations\"][0][\"toolExecutionNotifications\"][0][\"message\"][\"text\"]" >note &&
	grep -q "found 26000 results but wrote only the 25000 most important" note &&
	grep -q "Left out: 1000 of 26000 heap escapes" note
'

test_expect_success 'the log is valid' '
	validate big.sarif
'

test_done
