#!/usr/bin/env bash
# Bad input and hostile conditions: each gets exit 2 (3 for a failed Go
# build) and one line naming the file and the problem, and leaves every file
# as it was.  Also: awkward paths and sources, stale temporary files of a
# killed writer, concurrent writers, and Ctrl-C.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: the example with a baseline' '
	copy_example shop &&
	(cd shop && git init -q && git add . && git commit -qm shop &&
	 goescape baseline 2>/dev/null && cp .goescape/baseline.json ../good.json)
'

for case in empty truncated shape newer; do
	test_expect_success "baseline that is $case: exit 2, one line naming it, file untouched" '
		cd shop &&
		case '"$case"' in
		empty) : >bad.json ;;
		truncated) head -c 200 ../good.json >bad.json ;;
		shape) echo "[1,2,3]" >bad.json ;;
		newer) sed "s/goescape-baseline\/1/goescape-baseline\/7/" ../good.json >bad.json ;;
		esac &&
		cp bad.json before.json &&
		test_expect_code 2 goescape check --baseline bad.json >out 2>err &&
		one_line err && grep -q "bad.json" err &&
		cmp bad.json before.json
	'
done

test_expect_success 'a newer schema says to upgrade' '
	cd shop &&
	sed "s/goescape-baseline\/1/goescape-baseline\/7/" ../good.json >newer.json &&
	test_expect_code 2 goescape check --baseline newer.json 2>err &&
	grep -q "newer than this goescape understands" err
'

test_expect_success 'a 10 MB line on --input: exit 2, one line' '
	cd shop &&
	python3 -c "print(\"x\" * (10 * 1024 * 1024))" >long.txt &&
	test_expect_code 2 goescape report --input long.txt >out 2>err &&
	one_line err && grep -q "long.txt" err
'

test_expect_success 'a module path with spaces and non-UTF-8 bytes: valid JSON, right files' '
	dir=$(printf "odd dir \\377\\376") &&
	mkdir "$dir" && cp -R shop/. "$dir"/ && rm -rf "$dir/.git" &&
	(cd "$dir" && goescape report --format json -o ../odd.json) &&
	python3 -c "import json,sys; d=json.load(open(\"odd.json\")); sys.exit(0 if d[\"summary\"][\"heap\"] == 8 else 1)" &&
	json odd.json "sorted(set(x[\"file\"] for x in d[\"diagnostics\"]))" >actual &&
	echo "['"'"'cart/cart.go'"'"', '"'"'main.go'"'"']" >expect &&
	test_cmp expect actual
'

test_expect_success 'CRLF Go source: same functions and escapes as LF' '
	cp -R shop crlf && rm -rf crlf/.git &&
	sed -i "s/\$/\r/" crlf/cart/cart.go &&
	(cd crlf && goescape report --format json -o ../crlf.json) &&
	(cd shop && goescape report --format json -o ../lf.json) &&
	json crlf.json "[(x[\"file\"], x[\"line\"], x[\"function\"], x[\"subject\"]) for x in d[\"diagnostics\"]]" >a &&
	json lf.json "[(x[\"file\"], x[\"line\"], x[\"function\"], x[\"subject\"]) for x in d[\"diagnostics\"]]" >b &&
	test_cmp b a
'

test_expect_success '//line directives: diagnostics named by a directive that is not a module file are dropped, the rest stay' '
	cp -R shop linedir && rm -rf linedir/.git &&
	printf "package cart\n\n//line generated.y:10\nfunc Gen(n int) *int { return &n }\n" >linedir/cart/gen.go &&
	(cd linedir && goescape report --format json -o ../line.json 2>err) &&
	test "$(json line.json "d[\"summary\"][\"heap\"]")" = 8 &&
	! grep -q generated.y line.json
'

test_expect_success 'a .goescape that cannot be a directory: exit 2, one line, nothing written' '
	cp -R shop ro && rm -rf ro/.git ro/.goescape &&
	echo "not a directory" >ro/.goescape &&
	(cd ro && test_expect_code 2 goescape baseline 2>../err) &&
	one_line err &&
	test "$(cat ro/.goescape)" = "not a directory"
'

test_expect_success 'a full disk: -o /dev/full exits 2 with one line' '
	cd shop &&
	test_expect_code 2 goescape report -o /dev/full 2>err &&
	one_line err && grep -q "/dev/full" err
'

test_expect_success 'a killed writer left a temporary file: the next write removes it' '
	cd shop &&
	: >.goescape/baseline.json.goescape-tmp-999999 &&
	goescape baseline 2>/dev/null &&
	! ls .goescape/ | grep -q goescape-tmp &&
	cmp .goescape/baseline.json ../good.json
'

test_expect_success 'two concurrent baseline writers: both succeed, the file is whole' '
	cd shop
	goescape baseline 2>/dev/null &
	p1=$!
	goescape baseline 2>/dev/null &
	p2=$!
	wait $p1 && wait $p2 &&
	cmp .goescape/baseline.json ../good.json &&
	! ls .goescape/ | grep -q goescape-tmp
'

test_expect_success 'Ctrl-C during a captured build: go stops, goescape dies of SIGINT' '
	"$TOP/scripts/gen-module" big 60 &&
	cd big
	export GOCACHE="$TRASH/cold-cache"
	code=0
	timeout --preserve-status -s INT 3 "$GOESCAPE_BIN" build -o /dev/null ./... 2>../int.err || code=$?
	echo "code=$code" &&
	test "$code" = 130 &&
	! grep -q "^goescape: [0-9]* heap escape" ../int.err
'

test_done
