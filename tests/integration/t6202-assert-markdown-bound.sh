#!/usr/bin/env bash
# check's markdown stays under its size bound with the broken assertions
# inside it, and they come first (right after the headline): they fail the
# check, so they are never the part the bound cuts.  Too many of them for
# half the room: a note says how many are left out.
. "$(dirname "$0")/lib.sh"

# 30000 package-level variables, the first 20000 asserted noescape, and
# compiler output that moves every one to the heap (as t3101's big report).
test_expect_success 'setup: 30000 heap escapes, 20000 on //goescape:noescape lines' '
	mkdir big && cd big &&
	printf "module example.com/big\n\ngo 1.21\n" >go.mod &&
	python3 -c "
print(\"package big\")
for i in range(2, 30002): print(\"var variable_with_a_long_name_%d = 0%s\" % (i, \" //goescape:noescape\" if i < 20002 else \"\"))
" >big.go &&
	python3 -c "
print(\"# example.com/big\")
for i in range(2, 30002): print(\"./big.go:%d:5: moved to heap: variable_with_a_long_name_%d\" % (i, i))
" >big.txt &&
	printf "# example.com/big\n./big.go:2:5: moved to heap: variable_with_a_long_name_2\n" >one.txt &&
	git init -q && git add . && git commit -qm big &&
	goescape baseline --input one.txt 2>/dev/null
'

test_expect_success 'check --format markdown: under 1 MiB, broken assertions first, both tables cut with notes' '
	cd big &&
	test_expect_code 1 goescape check --input big.txt --format markdown -o ../out.md 2>/dev/null &&
	test $(wc -c <../out.md) -le 1048576 &&
	a=$(grep -n -x "### Broken assertions" ../out.md | cut -d: -f1) &&
	n=$(grep -n -x "#### New heap escapes" ../out.md | cut -d: -f1) &&
	test -n "$a" && test -n "$n" && test "$a" -lt "$n" &&
	grep -x "20000 of 20000 \`//goescape:\` assertions violated (a broken assertion fails the check whatever the base says):" ../out.md &&
	shown=$(grep -c "| GE3001 noescape |" ../out.md) &&
	test "$shown" -gt 1000 &&
	grep -x "> \*\*Note:\*\* $((20000 - shown)) broken assertions left out to stay under the size limit; .goescape assert. lists them all." ../out.md &&
	test $(grep -c "^| \[big.go:" ../out.md) -gt 1000 &&
	tail -n 1 ../out.md | grep "^> \*\*Note:\*\* .* rows left out"
'

test_done
