#!/usr/bin/env bash
# Several outputs from one build: repeated '--format F -o FILE' pairs, a
# --format without -o on stdout.  Every file is valid (SARIF through the
# validator, JSON through python); a file that cannot be written leaves
# none of them written or changed; pairs that do not make sense are usage
# errors (exit 2) before anything is built.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lib-sarif.sh"

test_expect_success 'setup: a repository with one new escape' '
	committed_example repo &&
	cd repo &&
	printf "package cart\n\nfunc Box(n int) *int { return &n }\n" >cart/box.go &&
	git add . && git commit -qm box
'

test_expect_success 'check: sarif, markdown and json files, text on stdout, exit 1' '
	cd repo &&
	test_expect_code 1 goescape check --base HEAD~1 --format sarif -o ../a.sarif \
		--format markdown -o ../s.md --format json -o ../r.json --format text >../out &&
	echo "cart/box.go:3:10: Box: moved to heap: n" >../expect &&
	grep -v "new heap escape" ../out >../actual &&
	test_cmp ../expect ../actual &&
	grep -x "1 new heap escape, 0 fixed (of [0-9]* in all)" ../out &&
	validate ../a.sarif &&
	python3 -c "
import json
d = json.load(open(\"../a.sarif\"))
new = [r for r in d[\"runs\"][0][\"results\"] if r.get(\"baselineState\") == \"new\"]
assert len(new) == 1 and \"moved to heap: n\" in new[0][\"message\"][\"text\"], new
d = json.load(open(\"../r.json\"))
assert d[\"schema\"] == \"goescape-report/1\"
assert [x[\"file\"] for x in d[\"diagnostics\"] if x.get(\"status\") == \"new\"] == [\"cart/box.go\"], d
" &&
	grep -x "| \[cart/box.go:3\](cart/box.go#L3) | Box | moved to heap&#58; n |" ../s.md
'

test_expect_success 'the files are what a run with one output writes' '
	cd repo &&
	test_expect_code 1 goescape check --base HEAD~1 --format json -o ../one.json &&
	python3 -c "
import json
a = json.load(open(\"../one.json\"))
b = json.load(open(\"../r.json\"))
# With a SARIF output among them, check also asks the compiler why (-m=2).
for x in b[\"diagnostics\"]:
    x.pop(\"explanation\", None)
assert a == b, (a, b)
" &&
	test_expect_code 1 goescape check --base HEAD~1 --format markdown >../one.md &&
	test_cmp ../one.md ../s.md
'

test_expect_success 'report: annotations on stdout and a SARIF file' '
	cd repo &&
	goescape report --format github --format sarif -o ../report.sarif >../annotations &&
	validate ../report.sarif &&
	grep "^::warning file=cart/box.go,line=3,col=10," ../annotations
'

test_expect_success 'one file that cannot be written: exit 2, no file written or changed' '
	cd repo &&
	echo old >../keep.sarif &&
	rm -f ../new.md &&
	test_expect_code 2 goescape check --base HEAD~1 --format sarif -o ../keep.sarif \
		--format json -o ../no/such/dir.json --format markdown -o ../new.md 2>../err &&
	grep "cannot write .*dir.json" ../err &&
	echo old >../expect &&
	test_cmp ../expect ../keep.sarif &&
	test ! -e ../new.md &&
	! ls -a .. | grep goescape-tmp
'

test_expect_success 'usage errors before any build: two on stdout, -o first, one file twice' '
	cd repo &&
	test_expect_code 2 goescape check --base HEAD~1 --format json --format sarif 2>../err &&
	grep "only one output can go to standard output" ../err &&
	test_expect_code 2 goescape check --base HEAD~1 -o ../x --format json --format sarif -o ../y 2>../err &&
	grep "each -o FILE follows its --format" ../err &&
	test_expect_code 2 goescape check --base HEAD~1 --format json -o ../x --format sarif -o ../x 2>../err &&
	grep "two outputs to" ../err &&
	test_expect_code 2 goescape report --format json -o ../x --format nope -o ../y 2>../err &&
	grep "unknown format .nope." ../err &&
	test ! -e ../x
'

test_expect_success 'one --format and one -o in either order: as before' '
	cd repo &&
	test_expect_code 1 goescape check --base HEAD~1 -o ../rev.json --format json &&
	test_cmp ../one.json ../rev.json &&
	test_expect_code 1 goescape check --base HEAD~1 -o - --format json >../stdout.json &&
	test_cmp ../one.json ../stdout.json
'

test_expect_success '--help says how' '
	goescape check --help >help &&
	grep -F "[--format F [-o FILE]]..." help &&
	grep -F "markdown; repeat '"'"'--format F -o FILE'"'"' for several" help &&
	goescape report --help >help &&
	grep -F "[--format F [-o FILE]]..." help
'

test_done
