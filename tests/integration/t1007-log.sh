#!/usr/bin/env bash
# goescape log: one line per commit from the notes -- short sha, heap
# escapes, +new -fixed against the parent, subject -- and '?' where a
# commit has no note.
. "$(dirname "$0")/lib.sh"

# line SHA HEAP DELTA SUBJECT: one expected log line, its fields separated
# by single spaces; glog: goescape log with its columns squeezed the same
# way (the padding is not what these tests are about).
line() { printf '%.7s %s %s %s\n' "$1" "$2" "$3" "$4" | tr -s " "; }
glog() { goescape log "$@" >glog.out && tr -s " " <glog.out && rm glog.out; }

MAKE_GO='package cart

// Make returns a fresh cart.
func Make() *Cart {
	return &Cart{}
}'
TWO_GO='package cart

import "fmt"

// Two formats n twice.
func Two(n int) (string, string) { return fmt.Sprint(n), fmt.Sprint(n) }'

test_expect_success 'setup: six commits, notes on all but one' '
	copy_example repo &&
	cd repo &&
	git init -q &&
	git add . &&
	git commit -qm "shop" &&
	echo "$MAKE_GO" >cart/make.go &&
	git add . &&
	git commit -qm "make: one more escape" &&
	echo "// a comment" >>main.go &&
	git commit -qam "a comment, never analysed" &&
	label_without_fmt &&
	git commit -qam "label without fmt: two fixed" &&
	echo "$TWO_GO" >cart/two.go &&
	git add . &&
	git commit -qm "two: two new" &&
	git mv cart/cart.go cart/basket.go &&
	sed -i "s|^// New returns|// (moved)\n//\n// New returns|" cart/basket.go &&
	git commit -qm "rename: nothing new" &&
	for rev in HEAD~5 HEAD~4 HEAD~2 HEAD~1 HEAD; do
		goescape report --commit $rev --format json >/dev/null || exit 1
	done &&
	test "$(git notes --ref=goescape list | wc -l)" = 5 &&
	test_expect_code 1 git notes --ref=goescape show HEAD~3 2>/dev/null
'

test_expect_success 'log: counts, +new -fixed, ? without a note, blank at the root' '
	cd repo &&
	{
		line "$(git rev-parse HEAD)" 9 "+0 -0" "rename: nothing new" &&
		line "$(git rev-parse HEAD~1)" 9 "+2 -0" "two: two new" &&
		line "$(git rev-parse HEAD~2)" 7 "?" "label without fmt: two fixed" &&
		line "$(git rev-parse HEAD~3)" "?" "" "a comment, never analysed" &&
		line "$(git rev-parse HEAD~4)" 9 "+1 -0" "make: one more escape" &&
		line "$(git rev-parse HEAD~5)" 8 "" "shop"
	} >expect &&
	glog >actual &&
	test_cmp expect actual
'

test_expect_success 'log -n N shows N commits' '
	cd repo &&
	goescape log >all &&
	head -n 2 all >expect &&
	goescape log -n 2 >actual &&
	test_cmp expect actual &&
	goescape log -n2 >actual &&
	test_cmp expect actual &&
	goescape log --max-count=1 >actual &&
	head -n 1 all >expect &&
	test_cmp expect actual &&
	goescape log -n 0 >actual &&
	test_cmp /dev/null actual
'

test_expect_success 'log REV starts at REV' '
	cd repo &&
	goescape log >all &&
	tail -n 2 all >expect &&
	goescape log HEAD~4 >actual &&
	test_cmp expect actual &&
	git tag v1 HEAD~1 &&
	sed -n "2,6p" all >expect &&
	goescape log v1 >actual &&
	test_cmp expect actual
'

test_expect_success 'once the missing note exists, the ? go' '
	cd repo &&
	goescape report --commit HEAD~3 --format json >/dev/null &&
	{
		line "$(git rev-parse HEAD~2)" 7 "+0 -2" "label without fmt: two fixed" &&
		line "$(git rev-parse HEAD~3)" 9 "+0 -0" "a comment, never analysed"
	} >expect &&
	glog -n 4 >all &&
	sed -n "3,4p" all >actual &&
	test_cmp expect actual
'

test_expect_success 'check on a clean tree adds the head to the log' '
	cd repo &&
	echo "$MAKE_GO" | sed "s/Make/Make2/g" >cart/make2.go &&
	git add . &&
	git commit -qm "make2: one more" &&
	test_expect_code 1 goescape check --base HEAD~1 >/dev/null &&
	line "$(git rev-parse HEAD)" 10 "+1 -0" "make2: one more" >expect &&
	glog -n 1 >actual &&
	test_cmp expect actual
'

# The columns are padded ("%6s", "%-6s"); the subject must start at the
# same column whether the line has "+N -M", "?" or nothing there.
test_expect_success 'log columns line up: every subject starts at the same column' '
	cd repo &&
	goescape log >out &&
	python3 -c "
import sys
cols = set()
subjects = [\"make2: one more\", \"rename: nothing new\", \"two: two new\", \"label without fmt: two fixed\", \"a comment, never analysed\", \"make: one more escape\", \"shop\"]
for l, s in zip(open(\"out\").read().splitlines(), subjects):
    assert l.endswith(s), (l, s)
    cols.add(len(l) - len(s))
print(sorted(cols))
sys.exit(len(cols) != 1)
"
'

test_expect_success 'log without any notes: ? everywhere, exit 0' '
	copy_example bare &&
	cd bare &&
	git init -q &&
	git add . &&
	git commit -qm one &&
	git commit -q --allow-empty -m two &&
	{
		line "$(git rev-parse HEAD)" "?" "" "two" &&
		line "$(git rev-parse HEAD~1)" "?" "" "one"
	} >expect &&
	glog >actual &&
	test_cmp expect actual
'

test_expect_success 'log of an unknown revision: exit 2, one line naming it' '
	cd bare &&
	test_expect_code 2 goescape log nosuchrev >out 2>err &&
	test_cmp /dev/null out &&
	test "$(wc -l <err)" = 1 &&
	grep -F "nosuchrev" err
'

test_expect_success 'log outside a git repository: exit 2' '
	copy_example nogit &&
	cd nogit &&
	test_expect_code 2 goescape log >out 2>err &&
	test_cmp /dev/null out &&
	test "$(wc -l <err)" = 1
'

test_done
