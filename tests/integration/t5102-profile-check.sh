#!/usr/bin/env bash
# check --profile: exit codes as without a profile unless asked; with
# --fail-min-bytes or the config's "fail_min_share" only new escapes whose
# line cost that much fail.  SARIF carries rank and bytes and stays valid;
# GitHub annotations say the bytes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-profile.sh"
. "$(dirname "$0")/lib-sarif.sh"

# The base: Grow appends nothing and BoxConst boxes nothing (same lines);
# the head brings back both escapes: append growth (about 940 kB, 41% of
# the profile) and a boxed constant (static data: 0 bytes).
test_expect_success 'setup: base without two escapes, head with them, the head profile' '
	profile_module m head-to-be &&
	cd m &&
	sed -i -e "s/^\t\ts = append(s, i)\$/\t\t_ = i/" -e "s/^\treturn 1000\$/\treturn nil/" hot/hot.go &&
	! grep -q "return 1000" hot/hot.go &&
	git commit -qam base &&
	git revert --no-edit HEAD >/dev/null &&
	grep -q "return 1000" hot/hot.go &&
	mem_profile mem.out
'

test_expect_success 'without a threshold: exit 1 as before, both listed by bytes' '
	cd m &&
	test_expect_code 1 goescape check --base HEAD~1 >plain.txt &&
	test $(wc -l <plain.txt) = 3 &&
	test_expect_code 1 goescape check --base HEAD~1 --profile mem.out >out.txt &&
	sed -n 2p out.txt | grep -q "kB  *[1-9][0-9]%  hot/hot.go:81  Grow  append escapes to heap" &&
	sed -n 3p out.txt | grep -q "^ *0 B  *0%  hot/hot.go:88  BoxConst  1000 escapes to heap\$" &&
	tail -n 1 out.txt | grep -q "^2 new heap escapes, 0 fixed"
'

test_expect_success '--fail-min-bytes: 64K fails on the append, 1M passes' '
	cd m &&
	test_expect_code 1 goescape check --base HEAD~1 --profile mem.out --fail-min-bytes 64K >/dev/null &&
	test_expect_code 1 goescape check --base HEAD~1 --profile mem.out --fail-min-bytes 900000 >/dev/null &&
	goescape check --base HEAD~1 --profile mem.out --fail-min-bytes 1M >out.txt &&
	grep -q "hot/hot.go:81  Grow" out.txt &&
	goescape check --base HEAD~1 --profile mem.out --fail-min-bytes 1MiB >/dev/null
'

test_expect_success '--fail-min-bytes: a bad size, or no --profile, exits 2' '
	cd m &&
	test_expect_code 2 goescape check --base HEAD~1 --profile mem.out --fail-min-bytes 12Q 2>err &&
	grep -q "fail-min-bytes wants a size in bytes" err &&
	test_expect_code 2 goescape check --base HEAD~1 --profile mem.out --fail-min-bytes -1 2>err &&
	test_expect_code 2 goescape check --base HEAD~1 --fail-min-bytes 1M 2>err &&
	grep -q "goes with --profile" err
'

test_expect_success '"fail_min_share": 0.5 passes, 0.3 fails, without --profile it changes nothing' '
	cd m &&
	echo "{\"fail_min_share\": 0.5}" >.goescape.json &&
	goescape check --base HEAD~1 --profile mem.out >/dev/null &&
	echo "{\"fail_min_share\": 0.3}" >.goescape.json &&
	test_expect_code 1 goescape check --base HEAD~1 --profile mem.out >/dev/null &&
	echo "{\"fail_min_share\": 0.5}" >.goescape.json &&
	test_expect_code 1 goescape check --base HEAD~1 >/dev/null &&
	rm .goescape.json
'

test_expect_success '"fail_min_share" out of (0, 1] or not a number: exit 2 naming the file' '
	cd m &&
	for v in 0 1.5 -0.1 "\"0.5\"" true; do
		echo "{\"fail_min_share\": $v}" >.goescape.json &&
		test_expect_code 2 goescape check --base HEAD~1 --profile mem.out 2>err &&
		grep -q "goescape.json.*fail_min_share" err || return 1
	done &&
	rm .goescape.json
'

test_expect_success 'sarif: valid, rank from the share, bytes and objects' '
	cd m &&
	test_expect_code 1 goescape check --base HEAD~1 --profile mem.out --format sarif >out.sarif &&
	validate out.sarif &&
	python3 -c "
import json
d = json.load(open(\"out.sarif\"))
res = d[\"runs\"][0][\"results\"]
g = [x for x in res if x[\"locations\"][0][\"physicalLocation\"][\"region\"][\"startLine\"] == 81 and x.get(\"baselineState\") == \"new\"]
assert len(g) == 1, g
g = g[0]
assert 20 < g[\"rank\"] <= 100, g[\"rank\"]
assert g[\"properties\"][\"bytes\"] > 900000 and g[\"properties\"][\"objects\"] == 4004, g[\"properties\"]
b = [x for x in res if x[\"locations\"][0][\"physicalLocation\"][\"region\"][\"startLine\"] == 88]
assert b and b[0][\"rank\"] == 0 and b[0][\"properties\"][\"bytes\"] == 0, b
assert all(\"rank\" in x for x in res if x.get(\"baselineState\") != \"absent\")
"
'

test_expect_success 'github: the annotations say the bytes' '
	cd m &&
	test_expect_code 1 goescape check --base HEAD~1 --profile mem.out --format github >out.gh &&
	grep "^::error file=hot/hot.go,line=81," out.gh | grep -q "(938.[0-9] kB, 4004 objects in the profile)\$" &&
	grep "^::error file=hot/hot.go,line=88," out.gh | grep -q "(0 B, 0 objects in the profile)\$"
'

test_done
