#!/usr/bin/env bash
# goescape report's command line: -o FILE, --format, --input FILE|-, and
# the one-line errors with exit 2 for usage and bad input.
#
# Bodies are &&-chained: lib.sh runs them as an if-condition, where set -e
# has no effect.
. "$(dirname "$0")/lib.sh"
SQ="'"

REAL_GO=$(command -v go)

diags() { json "$1" "json.dumps(d[\"diagnostics\"], sort_keys=True, indent=1)"; }

test_expect_success 'setup: the example and its JSON report' '
	copy_example &&
	(cd shop && goescape report --format json >../report.json) &&
	test $(json report.json "d[\"summary\"][\"heap\"]") -gt 0 &&
	(cd shop && goescape report >../report.txt) &&
	mkdir -p logging &&
	printf "#!/bin/sh\necho \"\$*\" >>\"$TRASH/go.log\"\nexec \"$REAL_GO\" \"\$@\"\n" >logging/go &&
	chmod +x logging/go
'

test_expect_success 'report -o FILE writes the file and nothing to stdout' '
	(cd shop && goescape report --format json -o ../out.json >../stdout 2>../stderr) &&
	test ! -s stdout &&
	test ! -s stderr &&
	test_cmp report.json out.json &&
	(cd shop/cart && goescape report -o ../../out.txt >../../stdout) &&
	test ! -s stdout &&
	test_cmp report.txt out.txt
'

test_expect_success 'report -o FILE replaces an existing file' '
	echo old >out2.json &&
	(cd shop && goescape report --format=json -o ../out2.json) &&
	test_cmp report.json out2.json
'

test_expect_success '-f json, --format=json and --format json agree' '
	(cd shop && goescape report -f json >../f1.json) &&
	(cd shop && goescape report --format=json >../f2.json) &&
	test_cmp report.json f1.json &&
	test_cmp report.json f2.json
'

test_expect_success 'the text report has no colour in a file or a pipe' '
	! grep -q "$(printf "\033")" report.txt &&
	(cd shop && env -u NO_COLOR "$GOESCAPE_BIN" report >../plain.txt) &&
	! grep -q "$(printf "\033")" plain.txt &&
	test_cmp report.txt plain.txt
'

test_expect_success '--format nonsense: exit 2, one line naming it, before any build' '
	rm -f go.log &&
	(cd shop && GOESCAPE_GO="$TRASH/logging/go" test_expect_code 2 goescape report --format nonsense >../stdout 2>../stderr) &&
	test ! -s stdout &&
	test $(wc -l <stderr) = 1 &&
	grep -q "^goescape: .*${SQ}nonsense${SQ}" stderr &&
	test ! -e go.log
'

test_expect_success 'a directory that is not a Go module: exit 2, one line naming it' '
	mkdir -p notamodule/sub &&
	(cd notamodule/sub && test_expect_code 2 goescape report >../../stdout 2>../../stderr) &&
	test ! -s stdout &&
	test $(wc -l <stderr) = 1 &&
	grep -q "^goescape: .*$TRASH/notamodule/sub" stderr &&
	(cd notamodule && test_expect_code 2 goescape report --format json >../stdout 2>../stderr) &&
	test ! -s stdout &&
	test $(wc -l <stderr) = 1
'

test_expect_success 'an unknown option: exit 2, one line' '
	(cd shop && test_expect_code 2 goescape report --frobnicate >../stdout 2>../stderr) &&
	test ! -s stdout &&
	test $(wc -l <stderr) = 1 &&
	grep -q -- "--frobnicate" stderr
'

test_expect_success '-o into a directory that does not exist: exit 2, one line' '
	(cd shop && test_expect_code 2 goescape report -o ../no/such/dir/r.json >../stdout 2>../stderr) &&
	test ! -s stdout &&
	test $(wc -l <stderr) = 1 &&
	grep -q "no/such/dir/r.json" stderr &&
	test ! -e no
'

test_expect_success 'report --help: usage on stdout, exit 0' '
	goescape report --help >stdout &&
	grep -q "^usage: goescape report" stdout &&
	grep -q -- "--input" stdout
'

test_expect_success 'go build -gcflags=-m ./... 2>&1 | report --input - gives the report'"'"'s diagnostics' '
	(cd shop && go build -gcflags=-m ./... 2>&1 | goescape report --format json --input - >../piped.json) &&
	diags report.json >expect &&
	diags piped.json >actual &&
	test_cmp expect actual &&
	json piped.json "d[\"module\"]" >actual &&
	echo example.com/shop >expect &&
	test_cmp expect actual
'

test_expect_success '--input - in text format, from a subdirectory, gives the text report' '
	(cd shop && go build -gcflags=-m ./... 2>&1 | (cd cart && goescape report --input -) >../piped.txt) &&
	test_cmp report.txt piped.txt
'

test_expect_success '--input FILE with -m=2 output: the same heap diagnostics' '
	(cd shop && go build -gcflags=-m=2 ./... 2>../m2.out) &&
	grep -q "flow:" m2.out &&
	(cd shop && goescape report --format json --input ../m2.out >../m2.json) &&
	json report.json "sorted((x[\"file\"], x[\"line\"], x[\"column\"], x[\"function\"], x[\"message\"]) for x in d[\"diagnostics\"] if x[\"kind\"] != \"leak\")" >expect &&
	json m2.json "sorted((x[\"file\"], x[\"line\"], x[\"column\"], x[\"function\"], x[\"message\"]) for x in d[\"diagnostics\"] if x[\"kind\"] != \"leak\")" >actual &&
	test_cmp expect actual
'

test_expect_success '--input of a file that does not exist: exit 2, one line naming it' '
	(cd shop && test_expect_code 2 goescape report --input ../missing.txt >../stdout 2>../stderr) &&
	test ! -s stdout &&
	test $(wc -l <stderr) = 1 &&
	grep -q "missing.txt" stderr
'

test_expect_success '--input of binary data: exit 2, one line' '
	head -c 4096 "$GOESCAPE_BIN" >binary.dat &&
	(cd shop && test_expect_code 2 goescape report --input ../binary.dat >../stdout 2>../stderr) &&
	test ! -s stdout &&
	test $(wc -l <stderr) = 1 &&
	grep -q "binary.dat" stderr
'

test_expect_success '--input with package patterns is a usage error' '
	(cd shop && test_expect_code 2 goescape report --input - ./cart </dev/null >../stdout 2>../stderr) &&
	test ! -s stdout &&
	test $(wc -l <stderr) = 1
'

test_expect_success '--input of text that is not compiler output: exit 2, one line; blank input too' '
	copy_example plain &&
	cd plain &&
	printf "hello\nworld\n" >words.txt &&
	test_expect_code 2 goescape report --input words.txt >out 2>err &&
	test_cmp /dev/null out &&
	echo "goescape: '"'"'words.txt'"'"': not go compiler output (no '"'"'# package'"'"' header or -m line)" >expect &&
	test_cmp expect err &&
	printf "\n\n" | test_expect_code 2 goescape report --input - --format json >blank.json 2>err &&
	test_cmp /dev/null blank.json &&
	echo "goescape: no compiler output for example.com/shop in '"'"'-'"'"': was it built with -gcflags=-m?" >expect &&
	test_cmp expect err
'

test_done
