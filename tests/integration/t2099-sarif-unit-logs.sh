#!/usr/bin/env bash
# The SARIF logs the unit test renders from synthetic reports (a check with
# code flows and a fixed escape, flow steps outside the module, UTF-16
# columns, no srcroot, and runs cut to max_results = 3 or to a byte limit)
# pass the validator too: a log that drops results to stay within the
# limits is still a valid one.
#
# The unit binary is the one beside GOESCAPE_BIN (make check builds it
# before the integration tests run).
#
# Bodies are &&-chained: lib.sh runs them as an if-condition, where set -e
# has no effect.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sarif.sh"

UNIT="$(dirname "$GOESCAPE_BIN")/tests/test_sarif"

if [ ! -x "$UNIT" ]; then
	skip_all "no $UNIT (make check builds it; or make ${UNIT#"$TOP"/})"
fi

test_expect_success 'the unit test passes and leaves its logs' '
	mkdir logs &&
	(cd "$TOP/tests/unit" && GOESCAPE_SARIF_OUT="$TRASH/logs" "$UNIT" >"$TRASH/unit.out" 2>&1) &&
	ls logs >actual &&
	cat >expect <<-\EOF &&
	check.sarif
	columns.sarif
	flow-paths.sarif
	limit-bytes.sarif
	limit-gzip.sarif
	limit-nothing.sarif
	limit-results.sarif
	no-srcroot.sarif
	strings.sarif
	EOF
	test_cmp expect actual
'

test_expect_success 'every one of them is valid' '
	validate logs/*.sarif
'

test_expect_success 'the cut runs say so in a notification' '
	for f in limit-results limit-bytes limit-nothing; do
		json logs/$f.sarif "d[\"runs\"][0][\"invocations\"][0][\"toolExecutionNotifications\"][0][\"descriptor\"][\"id\"]" || return 1
	done >actual &&
	printf "%s\n" GE9001 GE9001 GE9001 >expect &&
	test_cmp expect actual &&
	json logs/limit-results.sarif "len(d[\"runs\"][0][\"results\"])" >actual &&
	echo 3 >expect &&
	test_cmp expect actual
'

test_done
