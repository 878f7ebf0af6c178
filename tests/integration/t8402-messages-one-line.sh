#!/usr/bin/env bash
# Every refusal of repository input is one line of printable text: a key,
# kind, schema or file name that the repository chose is quoted with its
# control bytes escaped, so a newline cannot start a second line (in CI a
# line of its own such as "::error::..." is read as a workflow command) and
# an escape sequence cannot reach the terminal.
. "$(dirname "$0")/lib.sh"

one_line() { # err: exactly one line, "goescape: ", printable ASCII only
	test "$(wc -l <"$1")" = 1 && grep -q "^goescape: " "$1" &&
	! LC_ALL=C grep -q "[^ -~]" "$1"
}

test_expect_success 'setup: the example with a baseline' '
	copy_example shop &&
	(cd shop && git init -q && git add . && git commit -qm shop &&
	 goescape baseline 2>/dev/null && git add -A && git commit -qm baseline &&
	 cp .goescape/baseline.json ../good.json)
'

test_expect_success 'an unknown ignore key with a newline and ESC: one line' '
	(cd shop && printf "{\"ignore\":{\"a\\\\n::error::x\\\\u001b[2J\":[]}}" >.goescape.json &&
	 test_expect_code 2 goescape report 2>../err) &&
	one_line err && grep -q "unknown key" err &&
	rm shop/.goescape.json
'

bad_baseline() { # python expression changing d, then check exits 2 with one line
	rm -f shop/.goescape.json &&
	python3 - "$1" <<-'PY' &&
	import json, sys
	d = json.load(open("good.json"))
	exec(sys.argv[1])
	open("shop/.goescape/baseline.json", "w").write(json.dumps(d))
	PY
	(cd shop && test_expect_code 2 goescape check 2>../err) &&
	cat err && one_line err
}

test_expect_success 'a baseline kind with a newline: one line' '
	bad_baseline "d[\"diagnostics\"][0][\"kind\"] = \"x\\n::error::y\\x1b[2J\""
'

test_expect_success 'a baseline schema with a newline: one line' '
	bad_baseline "d[\"schema\"] = \"nope/1\\n::error::y\\x1b[2J\""
'

test_expect_success 'a newer baseline schema with a newline: one line' '
	bad_baseline "d[\"schema\"] = \"goescape-baseline/2\\n::error::y\\x1b[2J\""
'

test_expect_success 'a baseline file outside the module, with a newline: one line' '
	bad_baseline "d[\"diagnostics\"][0][\"file\"] = \"../x\\n::error::y\\x1b[2J\""
'

test_done
