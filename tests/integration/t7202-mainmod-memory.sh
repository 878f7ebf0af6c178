#!/usr/bin/env bash
# Main-module output (issue 19): attribution releases a package's sources
# when the next package's group starts, so report --input's memory follows
# the diagnostics kept, not the number of files they name.  Before, every
# file read stayed to the end: 3,000 packages cost ~110 MB more than 300
# packages for the same 100,000 lines.
#
# The memory is compared at 1,000 and 3,000 packages, not 300: the --input
# reader makes up to 16 package views a 64 KiB slot ahead of attribution
# (128 at most), a bounded look-ahead that 300 packages (5 groups a slot)
# do not fill and 1,000 (18 a slot) do.  Compared with 300, that bound
# alone was 4 MB of the difference under AddressSanitizer, whose blocks
# are larger, and took it over the margin.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: modules of 300, 1,000 and 3,000 packages, 100,000 -m lines each' '
	python3 "$TOP/scripts/gen-module" g300 300 &&
	python3 "$TOP/scripts/gen-module" g1000 1000 &&
	python3 "$TOP/scripts/gen-module" g3000 3000 &&
	python3 "$TOP/scripts/gen-mlines" g300 300 100000 >m300.txt &&
	python3 "$TOP/scripts/gen-mlines" g1000 1000 100000 >m1000.txt &&
	python3 "$TOP/scripts/gen-mlines" g3000 3000 100000 >m3000.txt &&
	test "$(wc -l <m3000.txt)" -eq 103000
'

test_expect_success 'the same diagnostics from 300 and from 3,000 packages' '
	(cd g300 && goescape report --input ../m300.txt >../r300.txt) &&
	(cd g3000 && goescape report --input ../m3000.txt >../r3000.txt) &&
	tail -n 1 r300.txt >s300 && tail -n 1 r3000.txt >s3000 &&
	grep -q "^66667 heap escapes (33333 moved to heap, 33334 escapes) in 300 packages" s300 &&
	grep -q "^66667 heap escapes (33333 moved to heap, 33334 escapes) in 3000 packages" s3000
'

test_expect_success 'memory: three times the packages, not three times the memory' '
	a=$(cd g1000 && peak_kb "$GOESCAPE_BIN" report --input ../m1000.txt --format json -o /dev/null) &&
	b=$(cd g3000 && peak_kb "$GOESCAPE_BIN" report --input ../m3000.txt --format json -o /dev/null) &&
	echo "1000 packages $a KiB, 3000 packages $b KiB" &&
	test "$b" -le $((a + 16 * 1024))
'

# A group naming another package's file after that package's group ended
# (a generic instantiated elsewhere; once a line of its own package has
# told where the group was printed from): the released file is read again
# and the diagnostic is placed as before.
test_expect_success 'a file of a finished package named again is read again' '
	cat >again.txt <<-\EOT &&
	# example.com/gen/p000
	p000/a.go:16:9: &T{...} escapes to heap
	# example.com/gen/p001
	p001/b.go:5:2: moved to heap: total
	p000/a.go:21:28: ([]byte)(~r0) escapes to heap
	# example.com/gen/p002
	p002/a.go:16:9: &T{...} escapes to heap
	p000/b.go:24:11: moved to heap: x
	EOT
	(cd g300 && goescape report --input ../again.txt --format json -o ../again.json) &&
	python3 -c "import json
d = json.load(open(\"again.json\"))[\"diagnostics\"]
got = sorted((x[\"package\"], x[\"file\"], x[\"line\"], x[\"function\"]) for x in d)
want = sorted([(\"example.com/gen/p000\", \"p000/a.go\", 16, \"New\"),
               (\"example.com/gen/p001\", \"p001/b.go\", 5, \"Counter\"),
               (\"example.com/gen/p001\", \"p000/a.go\", 21, \"Bytes\"),
               (\"example.com/gen/p002\", \"p000/b.go\", 24, \"Keep\"),
               (\"example.com/gen/p002\", \"p002/a.go\", 16, \"New\")])
assert got == want, got"
'

test_done
