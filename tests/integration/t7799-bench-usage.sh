#!/usr/bin/env bash
# scripts/bench (make bench) says how it is used instead of starting a
# run that takes minutes: --help prints its options and exits 0; an
# argument it does not know is exit 2 before anything is built or timed.
. "$(dirname "$0")/lib.sh"

test_expect_success 'bench --help: the options, exit 0, nothing run' '
	python3 "$TOP/scripts/bench" --help >out 2>err &&
	grep -q "^usage: scripts/bench" out &&
	grep -q -- "--only ROW" out &&
	test_cmp /dev/null err
'

test_expect_success 'bench with an unknown argument: exit 2 naming it, nothing run' '
	test_expect_code 2 python3 "$TOP/scripts/bench" --bogus >out 2>err &&
	head -1 err | grep -qx "bench: unknown argument '\''--bogus'\''" &&
	test_cmp /dev/null out &&
	test_expect_code 2 python3 "$TOP/scripts/bench" --only >out 2>err &&
	grep -q "unknown argument '\''--only'\''" err
'

test_expect_success 'bench --pairs takes a count of at least 1, else exit 2 before anything runs' '
	python3 "$TOP/scripts/bench" --help >out &&
	grep -q -- "--pairs N" out &&
	for bad in "--pairs" "--pairs 0" "--pairs x" "--pairs -3"; do
		test_expect_code 2 python3 "$TOP/scripts/bench" $bad >out 2>err &&
		head -1 err | grep -q "^bench: unknown argument '\''--pairs'\''" &&
		test_cmp /dev/null out || return 1
	done
'

test_done
