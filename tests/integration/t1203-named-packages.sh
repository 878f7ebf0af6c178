#!/usr/bin/env bash
# Named packages mean those packages: "check ./api" adds -m for the import
# path of ./api only, so an escape added to an in-module package that api
# imports is not api's; one added in api itself still is.  "./..." (the
# default) stays the whole module.  --input is filtered the same way.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a module where api imports store, in git' '
	mkdir -p m/api m/store &&
	printf "module example.com/m\n\ngo 1.21\n" >m/go.mod &&
	cat >m/store/store.go <<\EOF &&
package store

// Keep stores a value.
func Keep(n int) int {
	return n + 1
}
EOF
	cat >m/api/api.go <<\EOF &&
package api

import "example.com/m/store"

// Handle uses store.
func Handle(n int) int {
	return store.Keep(n) * 2
}
EOF
	(cd m && git init -q && git add . && git commit -qm base)
'

test_expect_success 'an escape added to the imported package: check ./api passes' '
	cat >>m/store/store.go <<\EOF &&

// Leak moves n to the heap.
func Leak(n int) *int {
	return &n
}
EOF
	(cd m && goescape check --base main ./api >../out) &&
	grep -q "^0 new heap escapes" out &&
	(cd m && goescape check --base main example.com/m/api >../out2) &&
	grep -q "^0 new heap escapes" out2
'

test_expect_success '... while check ./store and check ./... (the default) fail on it' '
	(cd m && test_expect_code 1 goescape check --base main ./store >../out) &&
	grep -q "^1 new heap escape" out &&
	(cd m && test_expect_code 1 goescape check --base main >../out) &&
	grep -q "^1 new heap escape" out &&
	(cd m && test_expect_code 1 goescape check --base main ./... >../out) &&
	grep -q "^1 new heap escape" out
'

test_expect_success 'an escape added in api itself: check ./api fails on it' '
	cat >>m/api/api.go <<\EOF &&

// Ptr moves n to the heap.
func Ptr(n int) *int {
	return &n
}
EOF
	(cd m && test_expect_code 1 goescape check --base main --format json ./api >../api.json) &&
	json api.json "[(x[\"package\"], x[\"subject\"]) for x in d[\"diagnostics\"] if x[\"status\"] == \"new\"]" >actual &&
	echo "[('"'"'example.com/m/api'"'"', '"'"'n'"'"')]" >expect &&
	test_cmp expect actual
'

test_expect_success 'from a subdirectory, "." is that package only' '
	(cd m/api && test_expect_code 1 goescape check --base main --format json . >../../dot.json) &&
	json dot.json "sorted(set(x[\"package\"] for x in d[\"diagnostics\"]))" >actual &&
	echo "['"'"'example.com/m/api'"'"']" >expect &&
	test_cmp expect actual
'

test_expect_success 'with GOFLAGS=-gcflags=all=-l: still api only, and no inlining is not "nothing read"' '
	(cd m && GOFLAGS="-buildvcs=false -gcflags=all=-l" test_expect_code 1 goescape check --base main --format json ./api >../l.json) &&
	json l.json "sorted(set(x[\"package\"] for x in d[\"diagnostics\"]))" >actual &&
	test_cmp expect actual &&
	(cd m && GOFLAGS="-buildvcs=false -gcflags=all=-l" goescape report ./store >../l.txt) &&
	grep -q "1 heap escape" l.txt
'

test_expect_success 'with the user'"'"'s own -gcflags=all=-m in GOFLAGS, still only api is reported' '
	(cd m && GOFLAGS="-buildvcs=false -gcflags=all=-m" test_expect_code 1 goescape check --base main --format json ./api >../um.json 2>/dev/null) &&
	json um.json "sorted(set(x[\"package\"] for x in d[\"diagnostics\"]))" >actual &&
	test_cmp expect actual
'

test_expect_success 'a quiet package named under -l: a real build, not an error' '
	mkdir -p m/quiet &&
	printf "package quiet\n\n// Add adds.\nfunc Add(a, b int) int {\n\treturn a + b\n}\n" >m/quiet/q.go &&
	(cd m && GOFLAGS="-buildvcs=false -gcflags=all=-l" goescape report ./quiet >../q.txt) &&
	grep -q "0 heap escapes" q.txt
'

test_expect_success '--input of the whole module'"'"'s output is filtered to the named package' '
	(cd m && go build -gcflags=-m ./... 2>../all.txt) &&
	grep -q "^# example.com/m/store" all.txt &&
	(cd m && test_expect_code 1 goescape check --base main --format json --input ../all.txt ./api >../in.json) &&
	json in.json "sorted(set(x[\"package\"] for x in d[\"diagnostics\"]))" >actual &&
	echo "['"'"'example.com/m/api'"'"']" >expect &&
	test_cmp expect actual
'

test_expect_success 'check ./store against a whole-module baseline: api'"'"'s escapes are not "fixed"' '
	cp -R m mb &&
	(cd mb && goescape baseline 2>/dev/null) &&
	test "$(json mb/.goescape/baseline.json "sorted(set(x[\"package\"] for x in d[\"diagnostics\"]))")" = "['"'"'example.com/m/api'"'"', '"'"'example.com/m/store'"'"']" &&
	(cd mb && goescape check ./store >../b.out) &&
	grep -q "^0 new heap escapes, 0 fixed (of 1 in all)" b.out
'

test_expect_success 'report ./store reports store only' '
	(cd m && goescape report --format json ./store >../st.json) &&
	json st.json "sorted(set(x[\"package\"] for x in d[\"diagnostics\"]))" >actual &&
	echo "['"'"'example.com/m/store'"'"']" >expect &&
	test_cmp expect actual
'

test_done
