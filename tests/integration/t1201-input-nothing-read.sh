#!/usr/bin/env bash
# A run that read nothing is an error, never "0 new": report, check and
# baseline with --input (and the builds goescape runs for them) exit 2 with
# one line saying what was read when the output has no -m line for a
# main-module package although the module declares functions.  A module
# that really has nothing to say (only types and constants) stays an empty
# report.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: the example in a git repository, its -m output' '
	copy_example shop &&
	(cd shop && git init -q && git add . && git commit -qm shop &&
	 go build -gcflags=-m ./... 2>../m.txt) &&
	grep -q "escapes to heap" m.txt
'

test_expect_success 'check --input - of empty input: exit 2, one line, not 0 new' '
	(cd shop && echo "" | test_expect_code 2 goescape check --base main --input - >../out 2>../err) &&
	test_cmp /dev/null out &&
	one_line err &&
	echo "goescape: no compiler output for example.com/shop in '"'"'-'"'"': was it built with -gcflags=-m?" >expect &&
	test_cmp expect err
'

test_expect_success 'check --input FILE of an empty file names the file' '
	: >empty.txt &&
	(cd shop && test_expect_code 2 goescape check --base main --input ../empty.txt 2>../err) &&
	one_line err &&
	grep -q "no compiler output for example.com/shop in '"'"'../empty.txt'"'"'" err
'

test_expect_success 'report --input of a build without -gcflags=-m: exit 2' '
	(cd shop && go build ./... 2>../plain.txt) &&
	(cd shop && test_expect_code 2 goescape report --input ../plain.txt >../out 2>../err) &&
	one_line err && test_cmp /dev/null out
'

test_expect_success 'baseline --input of empty input: exit 2, the baseline file left as it was' '
	(cd shop && goescape baseline 2>/dev/null && cp .goescape/baseline.json ../bl.before) &&
	(cd shop && test_expect_code 2 goescape baseline --input - </dev/null 2>../err) &&
	one_line err &&
	cmp bl.before shop/.goescape/baseline.json
'

test_expect_success 'another module'"'"'s output: exit 2' '
	copy_example other &&
	(cd other && sed -i "s#example.com/shop#example.org/other#" go.mod main.go &&
	 go build -gcflags=-m ./... 2>../other.txt) &&
	grep -q "^# example.org/other" other.txt &&
	(cd shop && test_expect_code 2 goescape check --base main --input ../other.txt 2>../err) &&
	one_line err && grep -q "no compiler output for example.com/shop" err
'

test_expect_success 'garbled headers (no main-module package left): exit 2' '
	sed "s/^# example.com\/shop/# exampl.com\/shp/" m.txt >garbled.txt &&
	(cd shop && test_expect_code 2 goescape check --base main --input ../garbled.txt 2>../err) &&
	one_line err
'

test_expect_success 'the real output still passes: exit 0, 0 new' '
	(cd shop && goescape check --base main --input ../m.txt >../out) &&
	grep -q "^0 new heap escapes" out
'

test_expect_success 'a module with only types and constants: a real build is an empty report' '
	mkdir -p quiet/consts quiet/types &&
	printf "module example.com/quiet\n\ngo 1.21\n" >quiet/go.mod &&
	printf "package consts\n\nconst A = 1\n\nvar B = []int{1, 2}\n" >quiet/consts/c.go &&
	printf "package types\n\ntype T struct{ X int }\n\ntype I interface{ M() }\n\n// func in a comment is no function\n" >quiet/types/t.go &&
	printf "package types\n\nimport \"testing\"\n\nfunc TestT(t *testing.T) {}\n" >quiet/types/t_test.go &&
	(cd quiet && git init -q && git add . && git commit -qm quiet &&
	 go build -gcflags=-m ./... 2>../quiet.txt) &&
	test_cmp /dev/null quiet.txt &&
	(cd quiet && goescape report --format json -o ../q.json) &&
	test "$(json q.json "d[\"summary\"][\"heap\"]")" = 0 &&
	(cd quiet && goescape check --base main >../out) &&
	grep -q "^0 new heap escapes" out &&
	(cd quiet && goescape report --input ../quiet.txt --format json >/dev/null)
'

test_expect_success 'a package whose only function is too big to inline, no pointers: a real build is not an error' '
	mkdir -p big/calc &&
	printf "module example.com/big\n\ngo 1.21\n" >big/go.mod &&
	python3 -c "
body = \"\\n\".join(\"\\tx = x*%d + %d\\n\\tif x > %d {\\n\\t\\tx -= %d\\n\\t}\" % (i + 3, i, 1000 + i, i + 7) for i in range(40))
open(\"big/calc/calc.go\", \"w\").write(\"package calc\\n\\n// Mix mixes.\\nfunc Mix(x int) int {\\n\" + body + \"\\n\\treturn x\\n}\\n\")
" &&
	(cd big && go vet ./... && go build -gcflags=-m ./... 2>../big.txt) &&
	test_cmp /dev/null big.txt &&
	(cd big && goescape report --format json -o ../big.json) &&
	test "$(json big.json "d[\"summary\"][\"heap\"]")" = 0 &&
	(cd big && test_expect_code 2 goescape report --input ../big.txt 2>../err) &&
	one_line err
'

test_expect_success 'a build that prints nothing for a module with functions: exit 2' '
	mkdir -p fake &&
	printf "#!/bin/sh\n# a go that builds nothing and says nothing\nexit 0\n" >fake/go &&
	chmod +x fake/go &&
	(cd shop && GOESCAPE_GO="$TRASH/fake/go" test_expect_code 2 goescape report >../out 2>../err) &&
	one_line err &&
	grep -q "no compiler output for example.com/shop from" err
'

test_expect_success 'a package whose only file is a link (go compiles it): empty input is still an error' '
	mkdir -p linked/p linked/src &&
	printf "module example.com/linked\n\ngo 1.21\n" >linked/go.mod &&
	printf "package p\n\nfunc F(n int) *int { return &n }\n" >linked/src/f.txt &&
	ln -s ../src/f.txt linked/p/f.go &&
	(cd linked && go build -gcflags=-m ./... 2>../linked.txt) &&
	grep -q "moved to heap: n" linked.txt &&
	: >nothing.txt &&
	(cd linked && test_expect_code 2 goescape report --input ../nothing.txt >../out 2>../err) &&
	one_line err &&
	grep -q "no compiler output for example.com/linked in" err
'

test_done
