#!/usr/bin/env bash
# A go.mod that says "module std" anywhere but a Go root's src (a pull
# request that renames the module): go refuses to build it, and goescape
# must not take "./..." for the toolchain's standard library, build that
# and report 0 packages of the module -- a gate passed by a rename.  One
# line naming the go.mod, exit 2.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a module with a heap escape, its note, then renamed std' '
	mkdir m && cd m &&
	git init -q &&
	printf "module example.com/m\n\ngo 1.19\n" >go.mod &&
	printf "package main\n\ntype T struct{ n int }\n\nfunc New() *T { return &T{} }\n\nfunc main() { _ = New() }\n" >main.go &&
	git add . && git commit -qm start &&
	goescape report --format json >../before.json &&
	grep -q "escapes to heap" ../before.json &&
	printf "module std\n\ngo 1.19\n" >go.mod &&
	printf "package main\n\ntype T struct{ n int }\n\nfunc New() *T { return &T{} }\n\nfunc G() []int { return make([]int, 9) }\n\nfunc main() { _ = New(); _ = G() }\n" >main.go &&
	git commit -qam "rename the module std, add an escape"
'

test_expect_success 'report: exit 2 naming go.mod, not 0 packages' '
	cd m &&
	test_expect_code 2 goescape report --format json -o ../r.json 2>err &&
	cat err &&
	test $(wc -l <err) = 1 &&
	grep -q "m/go.mod.*module std outside a Go root" err &&
	test ! -e ../r.json
'

test_expect_success 'check --base: exit 2, never 0 new' '
	cd m &&
	test_expect_code 2 goescape check --base HEAD~1 >out 2>err &&
	cat out err &&
	grep -q "module std outside a Go root" err &&
	! grep -q "new heap escape" out
'

test_done
