#!/usr/bin/env bash
# docs/schema: every schema is draft 2020-12 and closed where the format is,
# scripts/validate-json accepts what goescape writes and rejects a broken
# document (an unknown field, a wrong schema name, a missing field, a
# wrong type, nothing at all) with exit 1 and one line naming file and place.
# The other tests validate the JSON they make (t0002, t1002, t1003, t1004,
# t4003, t5101 ...); this one proves the validator can say no.
. "$(dirname "$0")/lib.sh"

test_expect_success 'every schema in docs/schema is a valid draft 2020-12 schema' '
	ls "$TOP"/docs/schema/*.json >schemas &&
	test "$(wc -l <schemas)" -ge 3 &&
	while read -r s; do
		python3 -c "import json,sys; s=json.load(open(sys.argv[1])); assert s[\"\$schema\"] == \"https://json-schema.org/draft/2020-12/schema\", sys.argv[1]" "$s" &&
		echo "{}" >empty.json &&
		test_expect_code 1 "$TOP/scripts/validate-json" "$s" empty.json 2>/dev/null || exit 1
	done <schemas
'

test_expect_success 'a report and a baseline of the example are valid' '
	copy_example shop &&
	(cd shop && git init -q && git add . && git commit -qm shop &&
	 goescape report --format json >../r.json 2>/dev/null &&
	 goescape baseline -o ../b.json 2>/dev/null) &&
	validate_json report-1 r.json &&
	validate_json baseline-1 b.json &&
	(cd shop && git notes --ref=goescape show HEAD) >note &&
	validate_json --stream report-1 note
'

# broken SCHEMA FILE PYTHON-EDIT MESSAGE: the edited copy is refused with
# MESSAGE (\x27 for a quote, the test bodies being single-quoted).
broken() {
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $3; json.dump(d, open(\"bad.json\", \"w\"))" "$2" &&
	test_expect_code 1 "$TOP/scripts/validate-json" "$1" bad.json 2>err &&
	cat err &&
	grep -F "$(printf '%b' "$4")" err &&
	grep -q "^validate-json: .bad.json. document 1 at " err
}

test_expect_success 'a broken report is rejected, naming the place' '
	broken report-1 r.json "d[\"surprise\"] = 1" "(\x27surprise\x27 was unexpected)" &&
	broken report-1 r.json "d[\"schema\"] = \"goescape-report/2\"" "\x27goescape-report/1\x27 was expected" &&
	broken report-1 r.json "del d[\"diagnostics\"][0][\"line_hash\"]" "\$[\x27diagnostics\x27][0]: \x27line_hash\x27 is a required property" &&
	broken report-1 r.json "d[\"diagnostics\"][1][\"line\"] = \"27\"" "\x2727\x27 is not of type \x27integer\x27" &&
	broken report-1 r.json "d[\"diagnostics\"][0][\"kind\"] = \"stack\"" "is not one of" &&
	broken report-1 r.json "d[\"diagnostics\"][0][\"moved_from\"] = {\"file\": \"a.go\", \"function\": \"F\"}" "\x27status\x27 is a required property"
'

test_expect_success 'a broken baseline is rejected; a report is not a baseline' '
	broken baseline-1 b.json "d[\"diagnostics\"][0][\"fingerprint\"] = \"0123456789abcdef\"" "(\x27fingerprint\x27 was unexpected)" &&
	broken baseline-1 b.json "d[\"summary\"][\"heap\"] = -1" "less than the minimum of 0" &&
	test_expect_code 1 "$TOP/scripts/validate-json" baseline-1 r.json 2>err &&
	grep -F "$(printf "%b" "(\x27fixed\x27 was unexpected)")" err
'

test_expect_success 'nothing read is an error, never valid' '
	: >nothing.json &&
	test_expect_code 1 "$TOP/scripts/validate-json" report-1 nothing.json 2>err &&
	: >nothing.note &&
	test_expect_code 1 "$TOP/scripts/validate-json" --stream report-1 nothing.note 2>>err &&
	test_expect_code 1 "$TOP/scripts/validate-json" report-1 missing.json 2>>err &&
	test "$(grep -c "^validate-json: " err)" = 3 &&
	test_expect_code 2 "$TOP/scripts/validate-json" no-such-schema r.json 2>err &&
	grep "^validate-json: schema .*no-such-schema.json" err
'

test_done
