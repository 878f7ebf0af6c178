#!/usr/bin/env bash
# A baseline is read strictly: trailing data after the JSON document, an
# empty "file", a line or column that is not a whole number, a missing
# required field are exit 2, one line naming the file and the entry, and
# the baseline is left as it was; the default (committed) baseline too.
# Trailing whitespace and 1e3 (the number 1000) are accepted.
. "$(dirname "$0")/lib.sh"

# mutate EXPR: good.json with the Python statement EXPR applied to entry 2
# (e), written back one entry per line as goescape writes it.
mutate() {
	python3 - "$1" <<'EOF'
import json, sys
d = json.load(open("../good.json"))
e = d["diagnostics"][1]
exec(sys.argv[1])
text = json.dumps(d, indent=None)
open("bad.json", "w").write(text + "\n")
EOF
}

test_expect_success 'setup: the example with a baseline; it is accepted as it is' '
	copy_example shop &&
	(cd shop && git init -q && git add . && git commit -qm shop &&
	 goescape baseline 2>/dev/null && cp .goescape/baseline.json ../good.json &&
	 goescape check --baseline ../good.json >/dev/null)
'

while IFS='|' read -r what expr want; do
	test_expect_success "a baseline with $what: exit 2, naming the file and entry" '
		cd shop &&
		mutate "$expr" &&
		cp bad.json before.json &&
		test_expect_code 2 goescape check --baseline bad.json >out 2>err &&
		cat err &&
		one_line err &&
		grep -q "^goescape: '"'"'bad.json'"'"': " err &&
		grep -qF "$want" err &&
		cmp bad.json before.json &&
		test ! -s out
	'
done <<'EOF'
an empty file name|e["file"] = ""|diagnostic 2 has an empty "file"
line 1.5|e["line"] = 1.5|diagnostic 2 has a "line" that is not a whole number
line -1|e["line"] = -1|diagnostic 2 has a "line" that is not a whole number
line 1e10|e["line"] = 1e10|diagnostic 2 has a "line" that is not a whole number
line as a string|e["line"] = "12"|diagnostic 2 has a "line" that is not a whole number
column 2.25|e["column"] = 2.25|diagnostic 2 has a "column" that is not a whole number
no file|del e["file"]|diagnostic 2 lacks "file"
no line|del e["line"]|diagnostic 2 lacks "line"
no kind|del e["kind"]|diagnostic 2 lacks "kind"
no function|del e["function"]|diagnostic 2 lacks "function"
no subject|del e["subject"]|diagnostic 2 lacks "subject"
an entry that is a number|d["diagnostics"][1] = 7|diagnostic 2 is not an object
EOF

test_expect_success 'trailing data after the document: exit 2, naming the byte' '
	cd shop &&
	{ cat ../good.json && echo "{\"schema\":\"goescape-baseline/1\",\"diagnostics\":[]}"; } >bad.json &&
	test_expect_code 2 goescape check --baseline bad.json 2>err &&
	one_line err &&
	grep -q "'"'"'bad.json'"'"': data after the JSON document at byte $(wc -c <../good.json)" err &&
	{ cat ../good.json && printf "garbage"; } >bad.json &&
	test_expect_code 2 goescape check --baseline bad.json 2>err &&
	grep -q "data after the JSON document" err
'

test_expect_success 'trailing whitespace is fine, and 1e3 is the number 1000' '
	cd shop &&
	{ cat ../good.json && printf "\n\n  \t\n"; } >ws.json &&
	goescape check --baseline ws.json >/dev/null &&
	mutate "e[\"line\"] = 1000.0" && mv bad.json e3.json &&
	sed -i "s/\"line\": 1000.0/\"line\": 1e3/" e3.json &&
	grep -q "1e3" e3.json &&
	goescape check --baseline e3.json >/dev/null
'

test_expect_success 'the default baseline, committed in a bad form: check exits 2 naming it' '
	cd shop &&
	mutate "e[\"file\"] = \"\"" && cp bad.json .goescape/baseline.json &&
	git add .goescape && git commit -qm "bad baseline" &&
	test_expect_code 2 goescape check 2>err &&
	one_line err &&
	grep -q "'"'"'$TRASH/shop/.goescape/baseline.json'"'"': diagnostic 2 has an empty \"file\"" err
'

test_done
