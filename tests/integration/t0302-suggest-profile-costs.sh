#!/usr/bin/env bash
# suggest --profile puts each rewrite's cost, the bytes the profile spends
# on its line (what the stderr ranking shows), into the JSON (a "cost"
# object on each suggestion, the one a report diagnostic has) and into the
# SARIF (result.rank from the share, properties bytes, objects, viaBytes,
# viaCallee).  Without --profile neither has it.  The setup is t5104's: a
# real benchmark profile of tests/fixtures/profilemod.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-profile.sh"

. "$(dirname "$0")/lib-sarif.sh"

test_expect_success 'setup: the profile module and its benchmark profile' '
	profile_module m &&
	cd m &&
	mem_profile mem.out
'

# One line a suggestion: file:line function rule bytes objects via_bytes via_callee line_shared.
COSTS='"\n".join("%s:%d %s %s %d %d %d %s %s" % (s["file"], s["line"], s["function"], s["rule"], s["cost"]["bytes"], s["cost"]["objects"], s["cost"]["via_bytes"], s["cost"]["via_callee"], s["cost"]["line_shared"]) for s in d["suggestions"])'

test_expect_success 'json: every suggestion has its cost, valid against the schema' '
	cd m &&
	goescape suggest --profile mem.out --format json -o ../s.json 2>err &&
	validate_json suggest-1 ../s.json &&
	json ../s.json "$COSTS" >../costs &&
	cat ../costs &&
	test $(wc -l <../costs) = 3 &&
	grep -q "^hot/hot.go:25 ItoaBytesInl itoa-bytes [0-9]* [0-9]* [0-9]* strconv.Itoa False\$" ../costs &&
	grep -q "^hot/hot.go:32 ItoaBytes itoa-bytes [0-9]* [0-9]* [0-9]* strconv.Itoa False\$" ../costs &&
	grep -q "^hot/hot.go:37 Sprintf sprintf-d [0-9]* [0-9]* [0-9]* fmt.Sprintf False\$" ../costs &&
	json ../s.json "all(s[\"cost\"][\"bytes\"] > s[\"cost\"][\"via_bytes\"] > 0 and s[\"cost\"][\"objects\"] > 0 and 0 < s[\"cost\"][\"share\"] < 1 for s in d[\"suggestions\"])" >ok &&
	test "$(cat ok)" = True
'

# The ranking prints "   46.9 kB   2%  hot/hot.go:25  ItoaBytesInl ...": the
# JSON bytes of each rewrite, in the same units (1 kB = 1024 bytes), are that figure.
test_expect_success 'json: the bytes are those of the ranking on stderr' '
	cd m &&
	sed -n "/^rewrites by/,\$p" err | sed -n "2,4p" |
		sed -E "s/^ *([0-9.]+) kB +[0-9]+%  ([^ ]+)  .*/\2 \1/" | sort >../want &&
	json ../s.json "\"\n\".join(\"%s:%d %.1f\" % (s[\"file\"], s[\"line\"], s[\"cost\"][\"bytes\"] / 1024) for s in d[\"suggestions\"])" |
		sort >../got &&
	test_cmp ../want ../got
'

# The rank is the share in percent to one decimal, the JSON's share has
# four: they agree within 0.05 + 0.005.  (Both rounded to one decimal, one
# value in twenty differed by 0.1, as the profile's sampled bytes fell.)
test_expect_success 'sarif: rank and the bytes on each result, still valid' '
	cd m &&
	goescape suggest --profile mem.out --format sarif -o ../s.sarif 2>/dev/null &&
	validate ../s.sarif &&
	sarif ../s.sarif "[\"%s:%d %s %s %s %s\" % (x[\"locations\"][0][\"physicalLocation\"][\"artifactLocation\"][\"uri\"], x[\"locations\"][0][\"physicalLocation\"][\"region\"][\"startLine\"], x[\"properties\"][\"bytes\"], x[\"properties\"][\"objects\"], x[\"properties\"][\"viaBytes\"], x[\"properties\"][\"viaCallee\"]) for x in res]" | sort >../sarif-costs &&
	json ../s.json "\"\n\".join(\"%s:%d %d %d %d %s\" % (s[\"file\"], s[\"line\"], s[\"cost\"][\"bytes\"], s[\"cost\"][\"objects\"], s[\"cost\"][\"via_bytes\"], s[\"cost\"][\"via_callee\"]) for s in d[\"suggestions\"])" | sort >../json-costs &&
	test_cmp ../json-costs ../sarif-costs &&
	sarif ../s.sarif "[x[\"rank\"] for x in res]" >ranks &&
	json ../s.json "\"\n\".join(\"%.4f\" % (s[\"cost\"][\"share\"] * 100) for s in d[\"suggestions\"])" >want-ranks &&
	paste ranks want-ranks &&
	python3 -c "
import sys
a = [float(x) for x in open(\"ranks\")]
b = [float(x) for x in open(\"want-ranks\")]
sys.exit(0 if len(a) == len(b) == 3 and all(abs(x - y) <= 0.056 for x, y in zip(a, b)) else 1)"
'

test_expect_success 'without --profile: no cost in the JSON, no rank in the SARIF' '
	cd m &&
	goescape suggest --format json -o ../plain.json &&
	validate_json suggest-1 ../plain.json &&
	test "$(json ../plain.json "any(\"cost\" in s for s in d[\"suggestions\"])")" = False &&
	goescape suggest --format sarif -o ../plain.sarif &&
	test "$(sarif ../plain.sarif "any(\"rank\" in x or \"properties\" in x for x in res)")" = False
'

test_done
