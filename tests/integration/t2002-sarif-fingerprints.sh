#!/usr/bin/env bash
# partialFingerprints across commits: code added above the escapes moves
# their lines, but primaryLocationLineHash (GitHub's hash of the line and
# what follows it) and goescape/v1 stay the same, so GitHub keeps tracking
# the same alerts; an escape whose line changes gets a new line hash.
#
# Bodies are &&-chained: lib.sh runs them as an if-condition, where set -e
# has no effect.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lib-sarif.sh"

# One line per result: message, start line, line hash, goescape identity.
ROWS='["%s|%d|%s|%s" % (x["message"]["text"], x["locations"][0]["physicalLocation"]["region"]["startLine"], x["partialFingerprints"]["primaryLocationLineHash"], x["partialFingerprints"]["goescape/v1"]) for x in res if x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "cart/cart.go"]'

test_expect_success 'setup: the example, committed, and its SARIF' '
	committed_example repo &&
	cd repo &&
	goescape report --format sarif -o ../before.sarif &&
	validate ../before.sarif &&
	sarif ../before.sarif "$ROWS" | sort >../before.rows &&
	test $(wc -l <../before.rows) -ge 6
'

# Five lines after the imports, above every function of cart.go.
test_expect_success 'code added above the escapes moves them' '
	cd repo &&
	python3 -c "
p = \"cart/cart.go\"
s = open(p).read()
s = s.replace(\"// Item is one line\", \"// Version is\\n// a constant\\n// that allocates nothing.\\nconst Version = 2\\n\\n// Item is one line\", 1)
open(p, \"w\").write(s)
" &&
	git commit -qam "a constant on top" &&
	goescape report --format sarif -o ../after.sarif &&
	validate ../after.sarif &&
	sarif ../after.sarif "$ROWS" | sort >../after.rows &&
	test $(wc -l <../after.rows) = $(wc -l <../before.rows)
'

test_expect_success 'every line moved by 5, line hashes and identities unchanged' '
	awk -F"|" "{ print \$1 \"|\" \$2 + 5 \"|\" \$3 \"|\" \$4 }" before.rows >expect &&
	test_cmp expect after.rows
'

test_expect_success 'check between the two: nothing new, all unchanged, same hashes' '
	cd repo &&
	goescape check --base HEAD~1 --format sarif -o ../check.sarif &&
	validate ../check.sarif &&
	sarif ../check.sarif "sorted(set(x[\"baselineState\"] for x in res))" >actual &&
	echo unchanged >expect &&
	test_cmp expect actual &&
	sarif ../check.sarif "$ROWS" | sort >actual &&
	test_cmp ../after.rows actual
'

# Counter's closure: "return func() int {" becomes a longer line.
test_expect_success 'a changed escape line gets a new line hash' '
	cd repo &&
	sed -i "s/^\treturn func() int {$/\treturn func() (n int) {/; s/^\t\treturn total$/\t\tn = total\n\t\treturn/" cart/cart.go &&
	grep -q "return func() (n int) {" cart/cart.go &&
	goescape report --format sarif -o ../changed.sarif &&
	validate ../changed.sarif &&
	sarif ../changed.sarif "$ROWS" | sort >../changed.rows &&
	grep "^func literal escapes" ../after.rows | cut -d"|" -f3 >old.hash &&
	grep "^func literal escapes" ../changed.rows | cut -d"|" -f3 >new.hash &&
	test -s old.hash && test -s new.hash &&
	! test_cmp old.hash new.hash &&
	grep "^&Cart{} escapes" ../after.rows >expect &&
	grep "^&Cart{} escapes" ../changed.rows >actual &&
	test_cmp expect actual
'

test_done
