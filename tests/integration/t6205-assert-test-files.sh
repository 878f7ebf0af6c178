#!/usr/bin/env bash
# Directives in _test.go files are not checked (the builds compile no
# test), and 'goescape assert' says so, once, rather than leave a user
# believing a pinned test helper is protected.  Test files without a
# directive say nothing.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: directives in two _test.go files, one holding in p.go' '
	mkdir -p m/p m/q && cd m &&
	printf "module example.com/tm\n\ngo 1.19\n" >go.mod &&
	printf "package p\n\nfunc Twice(n int) int {\n\tv := 2 * n //goescape:noescape\n\treturn v\n}\n" >p/p.go &&
	printf "package p\n\nimport \"testing\"\n\nfunc leak() *int {\n\tv := 1 //goescape:noescape\n\treturn &v\n}\n\nfunc TestP(t *testing.T) { _ = leak() }\n" >p/p_test.go &&
	printf "package q\n\nfunc Q() int { return 1 }\n" >q/q.go &&
	printf "package q\n\n//gcassert:inline\nfunc helper() int { return Q() }\n" >q/q_test.go
'

test_expect_success 'assert: exit 0, one warning naming the count and the first file' '
	cd m &&
	goescape assert >out 2>err &&
	grep -x "goescape: 0 of 1 assertion violated" err &&
	grep -x "goescape: warning: directives in _test.go files are not checked (2 files, .p/p_test.go. first): tests are not built" err &&
	test "$(grep -c warning err)" = 1
'

test_expect_success 'test files without directives: no warning' '
	cd m &&
	sed -i "s| //goescape:noescape||" p/p_test.go && rm q/q_test.go &&
	goescape assert >out 2>err &&
	! grep warning err
'

test_done
