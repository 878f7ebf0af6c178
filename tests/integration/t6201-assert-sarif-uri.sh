#!/usr/bin/env bash
# The assertions' SARIF carries URIs, not paths: a module in a directory
# named with a space, '#', '%' and a non-ASCII letter gives percent-encoded
# %SRCROOT% (assert) and artifact URIs with the module's directory
# percent-encoded under the repository's root (check), and both logs pass
# the validator.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sarif.sh"

dir='my mod #1 100% é'

test_expect_success 'setup: a broken noescape assertion in a module under "my mod #1 100% é"' '
	mkdir -p "repo/$dir/p" && cd "repo/$dir" &&
	printf "module example.com/am\n\ngo 1.19\n" >go.mod &&
	cat >p/p.go <<-\EOF &&
	package p

	func Leak() *int {
		v := 1 //goescape:noescape
		return &v
	}
	EOF
	cd .. && git init -q && git add . && git commit -qm am &&
	cd "$dir" && goescape baseline 2>/dev/null
'

test_expect_success 'assert --format sarif: %SRCROOT% percent-encoded, valid' '
	cd "repo/$dir" &&
	test_expect_code 1 goescape assert --format sarif -o ../../assert.sarif &&
	validate ../../assert.sarif >/dev/null &&
	sarif ../../assert.sarif "r[\"originalUriBaseIds\"][\"%SRCROOT%\"][\"uri\"]" >../../actual &&
	echo "file://$(cd ../.. && pwd | python3 -c "import sys,urllib.parse; print(urllib.parse.quote(sys.stdin.read().strip(), safe=\"/\"))")/repo/my%20mod%20%231%20100%25%20%C3%A9/" >../../expect &&
	test_cmp ../../expect ../../actual &&
	sarif ../../assert.sarif "[x[\"locations\"][0][\"physicalLocation\"][\"artifactLocation\"][\"uri\"] for x in res]" >../../actual &&
	echo p/p.go >../../expect &&
	test_cmp ../../expect ../../actual
'

test_expect_success 'check --format sarif: the module directory percent-encoded in the URI, valid' '
	cd "repo/$dir" &&
	test_expect_code 1 goescape check --format sarif -o ../../check.sarif 2>/dev/null &&
	validate ../../check.sarif >/dev/null &&
	sarif ../../check.sarif "[x[\"locations\"][0][\"physicalLocation\"][\"artifactLocation\"][\"uri\"] for x in res if x[\"ruleId\"] == \"GE3001\"]" >../../actual &&
	echo "my%20mod%20%231%20100%25%20%C3%A9/p/p.go" >../../expect &&
	test_cmp ../../expect ../../actual
'

test_done
