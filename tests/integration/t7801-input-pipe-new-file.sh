#!/usr/bin/env bash
# report --input from a pipe reads what a build prints while it runs:
# `go generate ./... && go build -gcflags=-m ./... 2>&1 | goescape report
# --input -` starts goescape before the generated files exist.  The walk
# that checks the module's file names runs first; its listings must not
# stand in for the directories then (issue 19, r1-attrib took them for
# every input), or the escapes of a file written after it are dropped and
# the gate passes on them.  From a regular file (a build that has ended)
# the listings are taken, as t7701 checks.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a package and a file generated later, -m output of both' '
	mkdir m && cd m &&
	printf "module example.com/m\n\ngo 1.21\n" >go.mod &&
	mkdir p &&
	printf "package p\n\ntype T struct{ n int }\n\n//go:noinline\nfunc A() *T { return &T{n: 1} }\n" >p/a.go &&
	printf "package p\n\n//go:noinline\nfunc B() *T {\n\tt := &T{n: 2}\n\treturn t\n}\n" >../gen.txt &&
	cp ../gen.txt p/b.go &&
	go build -gcflags=-m ./... 2>../m.txt &&
	cat ../m.txt &&
	grep -q "^p/b.go:5:.*escapes to heap" ../m.txt &&
	goescape report --input ../m.txt --format json -o ../want.json &&
	grep -q "\"file\":\"p/b.go\"" ../want.json &&
	rm p/b.go
'

test_expect_success 'a file created after the walk, while the pipe is read, is attributed' '
	cd m &&
	mkfifo ../fifo || exit 1
	# The blank lines fill the pipe: writing them ends only once goescape
	# reads, which it does after its walk; only then is p/b.go written.
	( python3 -c "import sys; sys.stdout.write(\"\\n\" * 300000)" &&
	  cp ../gen.txt p/b.go && cat ../m.txt ) >../fifo &
	goescape report --input ../fifo --format json -o ../got.json &&
	wait &&
	test_cmp ../want.json ../got.json
'

test_expect_success 'the same from a pipe on stdin' '
	cd m && rm -f p/b.go &&
	{
		python3 -c "import sys; sys.stdout.write(\"\\n\" * 300000)" &&
		cp ../gen.txt p/b.go &&
		cat ../m.txt
	} | goescape report --input - --format json -o ../got2.json &&
	test_cmp ../want.json ../got2.json
'

test_done
