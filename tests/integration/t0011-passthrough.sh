#!/usr/bin/env bash
# Every go subcommand but build and install is the real go, run with the
# same argv: same output, same exit status, stdin and stdout untouched.
#
# Bodies are &&-chained: lib.sh runs them as an if-condition, where set -e
# has no effect.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: the example, with a passing and a failing test' '
	copy_example &&
	cat >shop/cart/cart_test.go <<-\EOF &&
	package cart

	import "testing"

	func TestLabel(t *testing.T) {
		if got := Label(7); got != "7" {
			t.Fatalf("Label(7) = %q", got)
		}
	}
	EOF
	cp -R shop failing &&
	cat >failing/cart/fail_test.go <<-\EOF
	package cart

	import "testing"

	func TestFails(t *testing.T) { t.Fatal("this test fails on purpose") }
	EOF
'

test_expect_success 'goescape version prints what go version prints' '
	go version >expect &&
	goescape version >actual &&
	test_cmp expect actual
'

test_expect_success 'goescape env GOPATH (and several variables) equals go env' '
	go env GOPATH >expect &&
	goescape env GOPATH >actual &&
	test_cmp expect actual &&
	test -s actual &&
	(cd shop && go env GOMOD GOVERSION GOFLAGS >../expect) &&
	(cd shop && goescape env GOMOD GOVERSION GOFLAGS >../actual) &&
	test_cmp expect actual &&
	(cd shop && go env -json GOMOD >../expect) &&
	(cd shop && goescape env -json GOMOD >../actual) &&
	test_cmp expect actual
'

test_expect_success 'goescape test ./... runs the tests, exit 0' '
	(cd shop && goescape test -count=1 ./... >../test.out 2>../test.err) &&
	grep -q "^ok  	example.com/shop/cart" test.out &&
	! grep -q "goescape:" test.err
'

test_expect_success 'a failing Go test: goescape test exits with go test'"'"'s status' '
	(cd failing && test_expect_code 1 go test -count=1 ./... >../go-fail.out 2>&1) &&
	(cd failing && test_expect_code 1 goescape test -count=1 ./... >../ge-fail.out 2>&1) &&
	grep -q "this test fails on purpose" ge-fail.out &&
	grep -q "^FAIL	example.com/shop/cart" ge-fail.out
'

test_expect_success 'goescape test -run with a pattern and -v: output as go prints it' '
	(cd shop && go test -count=1 -v -run "^TestLabel$" ./cart >../expect 2>&1) &&
	(cd shop && goescape test -count=1 -v -run "^TestLabel$" ./cart >../actual 2>&1) &&
	sed "s/([0-9.]*s)//; s/	[0-9.]*s$//" expect >expect.t &&
	sed "s/([0-9.]*s)//; s/	[0-9.]*s$//" actual >actual.t &&
	test_cmp expect.t actual.t
'

test_expect_success 'goescape list with a template containing spaces: argv kept as it is' '
	(cd shop && go list -f "{{.ImportPath}} {{.Name}} {{len .GoFiles}}" ./... >../expect) &&
	(cd shop && goescape list -f "{{.ImportPath}} {{.Name}} {{len .GoFiles}}" ./... >../actual) &&
	test_cmp expect actual &&
	grep -q "^example.com/shop/cart cart 1$" actual
'

test_expect_success 'goescape vet: status and messages are go vet'"'"'s' '
	mkdir -p vetmod &&
	printf "module example.com/vetmod\n\ngo 1.22\n" >vetmod/go.mod &&
	printf "package vetmod\n\nimport \"fmt\"\n\nfunc F() string { return fmt.Sprintf(\"%%d\", \"x\") }\n" >vetmod/v.go &&
	(cd vetmod && test_expect_code 1 go vet ./... 2>../vet-go.err) &&
	(cd vetmod && test_expect_code 1 goescape vet ./... 2>../vet-ge.err) &&
	test_cmp vet-go.err vet-ge.err &&
	grep -q "Sprintf format %d has arg \"x\" of wrong type string" vet-ge.err
'

test_expect_success 'goescape run: stdin, stdout and the exit status are the program'"'"'s' '
	mkdir -p runmod &&
	printf "module example.com/runmod\n\ngo 1.22\n" >runmod/go.mod &&
	printf "package main\n\nimport (\n\t\"io\"\n\t\"os\"\n)\n\nfunc main() {\n\tio.Copy(os.Stdout, os.Stdin)\n\tos.Exit(3)\n}\n" >runmod/main.go &&
	echo "hello through stdin" >in &&
	(cd runmod && test_expect_code 1 goescape run . <../in >../run.out 2>../run.err) &&
	test_cmp in run.out &&
	grep -q "^exit status 3$" run.err
'

test_expect_success 'an unknown subcommand is go'"'"'s error, go'"'"'s status' '
	test_expect_code 2 go frobnicate 2>expect &&
	test_expect_code 2 goescape frobnicate 2>actual &&
	test_cmp expect actual
'

test_expect_success 'goescape help build is go help build' '
	go help build >expect &&
	goescape help build >actual &&
	test_cmp expect actual
'

test_expect_success 'outside any module, goescape build is plain go build' '
	mkdir -p nomod &&
	printf "package main\n\nfunc main() {}\n" >nomod/main.go &&
	(cd nomod && goescape build -o app main.go 2>../nomod.err) &&
	test -x nomod/app &&
	test ! -s nomod.err
'

test_done
