#!/usr/bin/env bash
# codeFlows: check reading the compiler's -m=2 output (--input) turns the
# explanation of a new escape into a thread flow whose steps are the
# compiler's "from ... at FILE:LINE:COL" lines, located in the module.
#
# Bodies are &&-chained: lib.sh runs them as an if-condition, where set -e
# has no effect.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lib-sarif.sh"

test_expect_success 'setup: a commit adding Hold, and its -m=2 output' '
	committed_example repo &&
	cd repo &&
	cat >cart/hold.go <<\EOF &&
package cart

// Hold returns a fresh pointer: new(int) escapes through the result.
func Hold(n int) *int {
	p := new(int)
	*p = n
	return p
}
EOF
	git add cart/hold.go &&
	git commit -qm hold &&
	go build -gcflags=-m=2 ./... 2>../m2.txt &&
	grep -q "^cart/hold.go:5:10: new(int) escapes to heap in Hold:$" ../m2.txt
'

test_expect_success 'check --input: exit 1, valid, the new escape has a code flow' '
	cd repo &&
	test_expect_code 1 goescape check --base HEAD~1 --input ../m2.txt --format sarif -o ../flows.sarif &&
	validate ../flows.sarif &&
	cd .. &&
	sarif flows.sarif "[x[\"codeFlows\"][0][\"message\"][\"text\"] for x in res if x.get(\"baselineState\") == \"new\"]" >actual &&
	echo "new(int) escapes to heap in Hold" >expect &&
	test_cmp expect actual
'

test_expect_success 'its steps: the compiler'"'"'s from-lines, where they are' '
	sarif flows.sarif "[\"%s:%d:%d %s\" % (l[\"location\"][\"physicalLocation\"][\"artifactLocation\"][\"uri\"], l[\"location\"][\"physicalLocation\"][\"region\"][\"startLine\"], l[\"location\"][\"physicalLocation\"][\"region\"][\"startColumn\"], l[\"location\"][\"message\"][\"text\"]) for x in res if x.get(\"baselineState\") == \"new\" for l in x[\"codeFlows\"][0][\"threadFlows\"][0][\"locations\"]]" >actual &&
	cat >expect <<-\EOF &&
	cart/hold.go:5:10 flow: p ← &{storage for new(int)}: from new(int) (spill)
	cart/hold.go:5:4 from p := new(int) (assign)
	cart/hold.go:7:2 flow: ~r0 ← p: from return p (return)
	EOF
	test_cmp expect actual
'

test_expect_success 'existing escapes carry no code flow in check output' '
	sarif flows.sarif "sorted(set(\"%s %s\" % (x.get(\"baselineState\"), \"codeFlows\" in x) for x in res))" >actual &&
	printf "%s\n" "new True" "unchanged False" >expect &&
	test_cmp expect actual
'

test_done
