#!/usr/bin/env bash
# check says how many of the new heap escapes a 'goescape suggest' rewrite
# covers, and says nothing when none is.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup' '
	copy_example shop &&
	cd shop && git init -q && git add . && git commit -qm shop
'

test_expect_success 'a new []byte(strconv.Itoa(n)) is counted' '
	cd shop &&
	printf "package cart\n\nimport \"strconv\"\n\nfunc Num(n int) []byte { return []byte(strconv.Itoa(n)) }\n" >cart/num.go &&
	test_expect_code 1 goescape check --base HEAD >out 2>err &&
	grep -x "goescape: 1 of the new heap escapes match a rewrite; see '"'"'goescape suggest'"'"'" err
'

test_expect_success 'a new escape no rule covers: no mention' '
	cd shop &&
	printf "package cart\n\nfunc Box(n int) *int { return &n }\n" >cart/num.go &&
	test_expect_code 1 goescape check --base HEAD >out 2>err &&
	! grep "goescape suggest" err
'

test_done
