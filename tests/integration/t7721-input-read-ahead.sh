#!/usr/bin/env bash
# report --input from a file (issue 19): a reader thread reads the file
# ahead and classifies its lines with a parser of its own while the main
# thread attributes the lines before; from a pipe everything is read and
# classified on the one thread, as before.  Both ways must give the same
# bytes in every format, the same messages and exit codes: real -m and
# -m=2 output of a real build, long generated output (the reader's ring of
# buffers wraps many times, lines cut at every buffer end), many more short
# lines a buffer than the reader classifies, CRLF line ends, and input
# that is no compiler output at all.
. "$(dirname "$0")/lib.sh"

# both NAME FILE ARGS...: report --input - reading FILE itself and reading a pipe, compared
both() {
	name=$1 file=$2
	shift 2
	for fmt in json text sarif; do
		goescape report --input - --format $fmt "$@" <"$file" >"$name.file.$fmt" 2>"$name.file.err"
		echo "exit $?" >>"$name.file.err"
		cat "$file" | goescape report --input - --format $fmt "$@" >"$name.pipe.$fmt" 2>"$name.pipe.err"
		echo "exit $?" >>"$name.pipe.err"
		test_cmp "$name.pipe.$fmt" "$name.file.$fmt" || return 1
		test_cmp "$name.pipe.err" "$name.file.err" || return 1
	done
}

test_expect_success 'setup: a generated module of 30 packages, its real -m and -m=2 output' '
	python3 "$TOP/scripts/gen-module" g30 30 &&
	(cd g30 && go build -gcflags=example.com/gen/...=-m -o /dev/null ./... 2>../real1.txt) &&
	(cd g30 && go build -gcflags=example.com/gen/...=-m=2 -o /dev/null ./... 2>../real2.txt) &&
	grep -q "escapes to heap" real1.txt &&
	grep -q "flow:" real2.txt &&
	python3 "$TOP/scripts/gen-mlines" g30 30 300000 >long.txt &&
	test "$(wc -c <long.txt)" -gt $((100 * 65536))
'

test_expect_success 'real -m and -m=2 output: the same from a file as from a pipe' '
	(cd g30 && both ../real1 ../real1.txt) &&
	(cd g30 && both ../real2 ../real2.txt) &&
	grep -q "\"kind\":\"escapes\"" real1.file.json
'

test_expect_success 'long output, its lines cut at every buffer end: the same' '
	(cd g30 && both ../long ../long.txt) &&
	grep -q "^200000 heap escapes" long.file.text
'

test_expect_success 'short lines by the tens of thousands a buffer, CRLF ends: the same' '
	{
		echo "# example.com/gen/p001" &&
		python3 -c "import sys; sys.stdout.write(\"\\n\" * 200000)" &&
		sed -n "2,4000p" long.txt | sed "s/\$/\r/" &&
		python3 -c "import sys; sys.stdout.write(\"x\\n\" * 100000)"
	} >short.txt &&
	(cd g30 && both ../short ../short.txt) &&
	grep -q "heap escapes" short.file.text
'

test_expect_success 'not compiler output: the same message and exit code' '
	python3 -c "import sys; sys.stdout.write(\"hello world\\n\" * 50000)" >prose.txt &&
	(cd g30 && both ../prose ../prose.txt) &&
	grep -q "not go compiler output" prose.file.err &&
	grep -q "^exit 2" prose.file.err
'

test_done
