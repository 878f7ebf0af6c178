#!/usr/bin/env bash
# check --format sarif on a real repository: a new escape appears once, with
# baselineState new, level error, its file, line and rule; the others are
# unchanged notes; a removed one is absent; provenance and invocation say
# what was analysed and how it ended.  Every log passes the validator.
#
# Bodies are &&-chained: lib.sh runs them as an if-condition, where set -e
# has no effect.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lib-sarif.sh"

# One line per result: rule, file:line, level, baselineState, message.
LINES='["%s %s:%d %s %s %s" % (x["ruleId"], x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], x["locations"][0]["physicalLocation"]["region"]["startLine"], x["level"], x.get("baselineState"), x["message"]["text"]) for x in res]'

test_expect_success 'setup: the example, committed, with an origin' '
	copy_example repo &&
	cd repo &&
	git init -q &&
	git remote add origin git@github.com:example/shop.git &&
	git add . &&
	git commit -qm shop
'

# Hold is new (one heap escape); Label stops boxing its argument (fixed, in
# Label and where main inlines it).
test_expect_success 'setup: a commit with one new escape and one fixed' '
	cd repo &&
	add_hold &&
	label_without_fmt &&
	git commit -qam "hold; label without boxing" &&
	grep -n "p := new(int)" cart/cart.go | cut -d: -f1 >../hold.line &&
	test "$(cat ../hold.line)" = 51
'

test_expect_success 'check --base: exit 1 and a valid log' '
	cd repo &&
	test_expect_code 1 goescape check --base HEAD~1 --format sarif -o ../check.sarif &&
	validate ../check.sarif
'

# The compiler places a call at its parenthesis: the region starts there.
test_expect_success 'the new escape appears once: new, error, GE1002, cart/cart.go:51' '
	sarif check.sarif "[l for l in $LINES if \" new \" in l]" >actual &&
	echo "GE1002 cart/cart.go:51 error new new(int) escapes to heap (in Hold)." >expect &&
	test_cmp expect actual &&
	sarif check.sarif "len([x for x in res if \"new(int)\" in x[\"message\"][\"text\"]])" >actual &&
	echo 1 >expect &&
	test_cmp expect actual &&
	sarif check.sarif "[x[\"locations\"][0][\"physicalLocation\"][\"region\"] for x in res if x.get(\"baselineState\") == \"new\"]" >actual &&
	echo "{'"'"'startLine'"'"': 51, '"'"'startColumn'"'"': 10, '"'"'endColumn'"'"': 15, '"'"'snippet'"'"': {'"'"'text'"'"': '"'"'(int)'"'"'}}" >expect &&
	test_cmp expect actual
'

# A fixed escape keeps where the base had it.
test_expect_success 'the rest: unchanged notes, and Label'"'"'s fixed escape absent' '
	sarif check.sarif "sorted(set(\"%s %s\" % (x[\"level\"], x.get(\"baselineState\")) for x in res))" >actual &&
	printf "%s\n" "error new" "note absent" "note unchanged" >expect &&
	test_cmp expect actual &&
	sarif check.sarif "[l for l in $LINES if \" absent \" in l]" >actual &&
	printf "%s\n" "GE1002 cart/cart.go:38 note absent Fixed: n escapes to heap (in Label)." \
		"GE1002 main.go:14 note absent Fixed: 7 escapes to heap (in main)." >expect &&
	test_cmp expect actual &&
	sarif check.sarif "[x[\"suppressions\"][0][\"kind\"] for x in res if x.get(\"baselineState\") == \"absent\"]" >actual &&
	printf "%s\n" external external >expect &&
	test_cmp expect actual
'

test_expect_success 'rules and results agree; every result is located under %SRCROOT%' '
	sarif check.sarif "[r[\"tool\"][\"driver\"][\"rules\"][x[\"ruleIndex\"]][\"id\"] == x[\"ruleId\"] for x in res]" | sort -u >actual &&
	echo True >expect &&
	test_cmp expect actual &&
	sarif check.sarif "sorted(set(x[\"locations\"][0][\"physicalLocation\"][\"artifactLocation\"][\"uriBaseId\"] for x in res))" >actual &&
	echo "%SRCROOT%" >expect &&
	test_cmp expect actual &&
	sarif check.sarif "r[\"originalUriBaseIds\"][\"%SRCROOT%\"][\"uri\"]" >actual &&
	echo "file://$TRASH/repo/" >expect &&
	test_cmp expect actual &&
	sarif check.sarif "r[\"columnKind\"]" >actual &&
	echo utf16CodeUnits >expect &&
	test_cmp expect actual &&
	sarif check.sarif "[x[\"partialFingerprints\"][\"goescape/v1\"] != \"\" and \":\" in x[\"partialFingerprints\"][\"primaryLocationLineHash\"] for x in res if x.get(\"baselineState\") != \"absent\"]" | sort -u >actual &&
	echo True >expect &&
	test_cmp expect actual
'

test_expect_success 'provenance and invocation' '
	sarif check.sarif "r[\"versionControlProvenance\"][0]" >actual &&
	head=$(git -C repo rev-parse HEAD) &&
	echo "{'"'"'repositoryUri'"'"': '"'"'https://github.com/example/shop.git'"'"', '"'"'revisionId'"'"': '"'"'$head'"'"', '"'"'branch'"'"': '"'"'main'"'"', '"'"'mappedTo'"'"': {'"'"'uriBaseId'"'"': '"'"'%SRCROOT%'"'"'}}" >expect &&
	test_cmp expect actual &&
	sarif check.sarif "(r[\"invocations\"][0][\"exitCode\"], r[\"invocations\"][0][\"executionSuccessful\"])" >actual &&
	echo "(1, True)" >expect &&
	test_cmp expect actual &&
	sarif check.sarif "r[\"invocations\"][0][\"commandLine\"]" >actual &&
	grep -q "check --base HEAD~1 --format sarif -o ../check.sarif$" actual
'

test_expect_success 'nothing new: exit 0, no result new, still valid' '
	cd repo &&
	goescape check --base HEAD --format sarif -o ../clean.sarif &&
	validate ../clean.sarif &&
	sarif ../clean.sarif "sorted(set(str(x.get(\"baselineState\")) for x in res))" >actual &&
	echo unchanged >expect &&
	test_cmp expect actual &&
	sarif ../clean.sarif "(r[\"invocations\"][0][\"exitCode\"], r[\"invocations\"][0][\"executionSuccessful\"])" >actual &&
	echo "(0, True)" >expect &&
	test_cmp expect actual
'

test_expect_success 'report --format sarif: every escape, no baseline, valid' '
	cd repo &&
	goescape report --format sarif -o ../report.sarif &&
	validate ../report.sarif &&
	goescape report --format json -o ../report.json &&
	sarif ../report.sarif "len(res)" >actual &&
	json ../report.json "len(d[\"diagnostics\"])" >expect &&
	test_cmp expect actual &&
	sarif ../report.sarif "sorted(set(\"%s %s %s\" % (x[\"ruleId\"], x[\"level\"], x.get(\"baselineState\")) for x in res))" >actual &&
	printf "%s\n" "GE1001 warning None" "GE1002 warning None" "GE1003 note None" >expect &&
	test_cmp expect actual
'

test_done
