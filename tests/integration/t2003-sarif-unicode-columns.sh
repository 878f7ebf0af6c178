#!/usr/bin/env bash
# Columns: the compiler counts bytes, SARIF (columnKind utf16CodeUnits)
# counts UTF-16 code units.  On a line with "日本é" and an emoji (two code
# units) before the escaping expression, the region starts at the character
# the compiler's byte column points at, and covers that expression.
#
# Bodies are &&-chained: lib.sh runs them as an if-condition, where set -e
# has no effect.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lib-sarif.sh"

test_expect_success 'setup: a function boxing n after non-ASCII text' '
	committed_example repo &&
	cd repo &&
	cat >cart/greet.go <<\EOF &&
package cart

import "fmt"

// Greet boxes n next to non-ASCII text.
func Greet(n int) string {
	s := "日本é😀"; return fmt.Sprint(s, n)
}
EOF
	git add cart/greet.go &&
	git commit -qm greet
'

test_expect_success 'the compiler reports n by its byte column' '
	cd repo &&
	goescape report --format json -o ../report.json &&
	json ../report.json "[(x[\"line\"], x[\"column\"]) for x in d[\"diagnostics\"] if x[\"file\"] == \"cart/greet.go\" and x[\"subject\"] == \"n\"]" >../actual &&
	echo "[(7, 44)]" >../expect &&
	test_cmp ../expect ../actual
'

# Bytes before n: a tab, `s := "` (6), 日本 (6), é (2), 😀 (4), `"; return
# fmt.Sprint(s, ` (24) = 43.  UTF-16 code units: 1 + 6 + 2 + 1 + 2 + 24 = 36.
test_expect_success 'SARIF: column 37 in UTF-16 code units, n alone' '
	cd repo &&
	goescape report --format sarif -o ../report.sarif &&
	validate ../report.sarif &&
	cd .. &&
	sarif report.sarif "[x[\"locations\"][0][\"physicalLocation\"][\"region\"] for x in res if x[\"locations\"][0][\"physicalLocation\"][\"artifactLocation\"][\"uri\"] == \"cart/greet.go\" and x[\"message\"][\"text\"].startswith(\"n escapes\")]" >actual &&
	echo "{'"'"'startLine'"'"': 7, '"'"'startColumn'"'"': 37, '"'"'endColumn'"'"': 38, '"'"'snippet'"'"': {'"'"'text'"'"': '"'"'n'"'"'}}" >expect &&
	test_cmp expect actual
'

test_expect_success 'the same column computed from the file by python' '
	python3 -c "
import json
d = json.load(open(\"report.sarif\"))
line = open(\"repo/cart/greet.go\", \"rb\").read().split(b\"\\n\")[6]
for x in d[\"runs\"][0][\"results\"]:
    loc = x[\"locations\"][0][\"physicalLocation\"]
    if loc[\"artifactLocation\"][\"uri\"] != \"cart/greet.go\":
        continue
    # Every region on the line: its byte start, as the compiler gave it.
    col = loc[\"region\"][\"startColumn\"]
    units = 0
    for i, ch in enumerate(line.decode()):
        if units + 1 == col:
            print(len(line.decode()[:i].encode()) + 1)
            break
        units += 2 if ord(ch) > 0xFFFF else 1
" | sort -n >actual &&
	json report.json "\"\\n\".join(str(c) for c in sorted(x[\"column\"] for x in d[\"diagnostics\"] if x[\"file\"] == \"cart/greet.go\"))" >expect &&
	test_cmp expect actual
'

test_expect_success 'check: the new escape on that line, same column' '
	cd repo &&
	test_expect_code 1 goescape check --base HEAD~1 --format sarif -o ../check.sarif &&
	validate ../check.sarif &&
	cd .. &&
	sarif check.sarif "[\"%s %d\" % (x[\"baselineState\"], x[\"locations\"][0][\"physicalLocation\"][\"region\"][\"startColumn\"]) for x in res if x[\"message\"][\"text\"].startswith(\"n escapes\") and x[\"locations\"][0][\"physicalLocation\"][\"artifactLocation\"][\"uri\"] == \"cart/greet.go\"]" >actual &&
	echo "new 37" >expect &&
	test_cmp expect actual
'

test_done
