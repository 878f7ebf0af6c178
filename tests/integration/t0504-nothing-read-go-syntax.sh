#!/usr/bin/env bash
# Whether an empty -m output read nothing turns on whether the module
# declares a function, which is asked of the Go source (lib/gopkg), not
# guessed from bytes: a function declared after a comment on its line
# counts (empty input is an error, never "0 new"), a "func" line inside a
# raw string or a comment does not (an empty report stays one).
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a module whose only function follows a comment on its line' '
	mkdir -p m && cd m &&
	printf "module example.com/ns\n\ngo 1.19\n" >go.mod &&
	cat >ns.go <<-\EOF &&
	package ns

	/* the one function */ func F(n int) *int { return &n }
	EOF
	git init -q && git add . && git commit -qm ns
'

test_expect_success 'report --input - of empty input: exit 2, not an empty report' '
	cd m &&
	echo "" | test_expect_code 2 goescape report --input - >out 2>err &&
	test_cmp /dev/null out &&
	echo "goescape: no compiler output for example.com/ns in '"'"'-'"'"': was it built with -gcflags=-m?" >expect &&
	test_cmp expect err
'

test_expect_success 'setup: a module with "func" lines only in a raw string and a comment' '
	mkdir -p t && cd t &&
	printf "module example.com/nf\n\ngo 1.19\n" >go.mod &&
	cat >nf.go <<-\EOF &&
	package nf

	const Doc = `
	func NotOne() {}
	`

	/*
	func NorThis() {}
	*/

	type T struct{ N int }
	EOF
	git init -q && git add . && git commit -qm nf &&
	go build -gcflags=-m ./... 2>../nf.m &&
	! grep -q "^[^#]" ../nf.m
'

test_expect_success 'report --input of its real (empty) -m output: an empty report' '
	cd t &&
	goescape report --format json --input ../nf.m >out.json &&
	test "$(json out.json "d[\"summary\"][\"heap\"]")" = 0
'

test_done
