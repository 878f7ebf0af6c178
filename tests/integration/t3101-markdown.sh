#!/usr/bin/env bash
# check --format markdown on a real repository: a headline, a table of the
# new heap escapes linked to their lines (with "suggest available" where a
# rewrite matches), the fixed ones collapsed in <details>, counts per
# package; file names from the repository escaped so that neither '|' nor
# '<script>' breaks the table or becomes HTML; report --format markdown; and
# a report too big for a step summary cut under 1 MiB with a note.
. "$(dirname "$0")/lib.sh"

# cells FILE: for each table row, its number of cell separators (a '|' that
# ends a cell), so a stray '|' shows as a row with more.
cells() {
	python3 -c '
import sys
for l in open(sys.argv[1]):
    if l.startswith("|"):
        print(l.count("|"))
' "$1" | sort | uniq -c | sed "s/^ *//"
}

test_expect_success 'setup: the example, committed' '
	copy_example repo &&
	cd repo && git init -q && git add . && git commit -qm shop
'

# Num: new, and a suggest rule matches it.  Box, in a file whose name is
# hostile markdown: new.  Label stops boxing its argument: fixed.
test_expect_success 'setup: two new escapes, one fixed' '
	cd repo &&
	printf "package cart\n\nimport \"strconv\"\n\nfunc Num(n int) []byte { return []byte(strconv.Itoa(n)) }\n" >cart/num.go &&
	printf "package cart\n\nfunc Box(n int) *int { return &n }\n" >"cart/x|y<script>alert(1)\`z.go" &&
	label_without_fmt &&
	git add . && git commit -qm "num, box; label without boxing"
'

test_expect_success 'check --format markdown: exit 1, the headline with the base' '
	cd repo &&
	test_expect_code 1 goescape check --base HEAD~1 --format markdown -o ../s.md &&
	base=$(git merge-base HEAD~1 HEAD | cut -c1-12) &&
	grep -x "### goescape: .* 2 new heap escapes, 2 fixed (of [0-9]* in all)" ../s.md &&
	grep -x "Compared with the merge-base $base of HEAD&#126;1." ../s.md
'

test_expect_success 'the new escape is a table row linked to its line, suggest available' '
	grep -x "| \[cart/num.go:5\](cart/num.go#L5) | Num | (&#91;&#93;byte)(&#126;r0) escapes to heap via strconv.Itoa | suggest available |" s.md &&
	grep -x "#### New heap escapes" s.md &&
	grep -x "| Location | Function | Message | Suggest |" s.md
'

test_expect_success 'a hostile file name is escaped: no HTML, the row keeps its cells' '
	grep -F "| [cart/x&#124;y&#60;script&#62;alert(1)&#96;z.go:3](cart/x%7Cy%3Cscript%3Ealert%281%29%60z.go#L3) | Box | moved to heap&#58; n |  |" s.md &&
	! grep -i "<script" s.md &&
	! grep -F "x|y" s.md &&
	cells s.md >actual &&
	printf "4 4\n8 5\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'the fixed ones are collapsed in <details>' '
	sed -n "/^<details><summary>2 fixed<\/summary>$/,/^<\/details>$/p" s.md >fixed &&
	grep "^| \[cart/cart.go:[0-9]*\](cart/cart.go#L[0-9]*) | Label | n escapes to heap |$" fixed &&
	grep "^| \[main.go:[0-9]*\](main.go#L[0-9]*) | main | 7 escapes to heap |$" fixed &&
	! sed -n "/^<details><summary>2 fixed/,/^<\/details>/p" s.md | grep Num
'

test_expect_success 'counts per package, new and fixed' '
	sed -n "/^<details><summary>Heap escapes per package/,/^<\/details>$/p" s.md >pkgs &&
	grep -x "| example.com/shop | [0-9]* | 0 | 1 |" pkgs &&
	grep -x "| example.com/shop/cart | [0-9]* | 2 | 1 |" pkgs
'

test_expect_success 'nothing new: a passing headline, no table' '
	cd repo &&
	goescape check --base HEAD --format markdown >../clean.md &&
	grep -x "### goescape: .* 0 new heap escapes, 0 fixed (of [0-9]* in all)" ../clean.md &&
	! grep "New heap escapes" ../clean.md
'

test_expect_success 'a renamed function: its escapes moved, in their own <details>' '
	copy_example ren &&
	cd ren && git init -q && git add . && git commit -qm shop &&
	sed -i "s/Counter/Tally/g" cart/cart.go main.go &&
	git commit -qam "Counter is Tally" &&
	goescape check --base HEAD~1 --format markdown >../ren.md &&
	grep -x "### goescape: .* 0 new heap escapes, 0 fixed, 2 moved with their code (of [0-9]* in all)" ../ren.md &&
	! grep "New heap escapes" ../ren.md &&
	sed -n "/^<details><summary>2 heap escapes moved with their code<\/summary>$/,/^<\/details>$/p" ../ren.md >../moved &&
	grep -x "| Location | Function | Message | Moved from |" ../moved &&
	grep -x "| \[cart/cart.go:43\](cart/cart.go#L43) | Tally | moved to heap&#58; total | Counter in cart/cart.go |" ../moved &&
	grep -x "| \[cart/cart.go:44\](cart/cart.go#L44) | Tally | func literal escapes to heap | Counter in cart/cart.go |" ../moved
'

test_expect_success 'report --format markdown: every heap escape in a table' '
	cd repo &&
	goescape report --format markdown >../report.md &&
	grep -x "### goescape: [0-9]* heap escapes in 2 packages" ../report.md &&
	grep -x "| \[cart/num.go:5\](cart/num.go#L5) | Num | (&#91;&#93;byte)(&#126;r0) escapes to heap via strconv.Itoa |" ../report.md &&
	grep -x "| example.com/shop/cart | [0-9]* |" ../report.md
'

test_expect_success 'a module in a subdirectory: links and annotations relative to the repository root' '
	mkdir sub && cp -R repo/. sub/ && rm -rf sub/.git &&
	mkdir mono && mv sub mono/svc && cd mono && git init -q && git add . && git commit -qm mono &&
	cd svc && goescape report --format markdown >../../mono.md &&
	grep -F "| [cart/num.go:5](svc/cart/num.go#L5) | Num |" ../../mono.md &&
	goescape report --format github >../../mono.gh &&
	grep "^::warning file=svc/cart/num.go,line=5,col=" ../../mono.gh &&
	! grep "^::warning file=cart/" ../../mono.gh
'

# 30000 heap escapes read from compiler output: far over 1 MiB of rows.
test_expect_success 'too big for a step summary: under 1 MiB, a note, the package counts kept' '
	mkdir big && cd big &&
	printf "module example.com/big\n\ngo 1.21\n" >go.mod &&
	python3 -c "
print(\"package big\")
for i in range(30001): print(\"var _ = %d\" % i)
" >big.go &&
	python3 -c "
print(\"# example.com/big\")
for i in range(2, 30002): print(\"./big.go:%d:2: moved to heap: variable_with_a_long_name_%d\" % (i, i))
" >big.txt &&
	goescape report --input big.txt --format markdown -o ../big.md &&
	test $(wc -c <../big.md) -le 1048576 &&
	test $(wc -c <../big.md) -ge 1000000 &&
	shown=$(grep -c "^| \[big.go:" ../big.md) &&
	grep -x "> \*\*Note:\*\* $((30000 - shown)) rows left out to stay under GitHub.s 1 MiB step-summary limit; the SARIF or JSON output has them all." ../big.md &&
	grep -x "| example.com/big | 30000 |" ../big.md &&
	tail -n 1 ../big.md | grep "^> \*\*Note"
'

test_done
