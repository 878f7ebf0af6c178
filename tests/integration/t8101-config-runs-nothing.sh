#!/usr/bin/env bash
# A stranger's .goescape.json is data: a "packages" entry that go would read
# as a flag (-toolexec runs a program for every compile) is refused with
# exit 2 and one line naming the file, the key and the entry, by check,
# report, baseline and the pre-push hook through a real 'git push', and the
# program never runs.  Every other form that is not a package pattern too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-hook.sh"

# The attacker's program: leaves a marker, then runs the real tool.
cat >"$TRASH/evil.sh" <<EOF
#!/bin/sh
touch "$TRASH/MARK"
exec "\$@"
EOF
chmod +x "$TRASH/evil.sh"

# evil_config FILE: the committed config of the pull request.
evil_config() {
	printf '{"packages":["-toolexec=%s","./..."]}\n' "$TRASH/evil.sh" >"$1"
}

# The line goescape must print for it.
evil_line() {
	echo "goescape: '.goescape.json': \"packages\"[0] '-toolexec=$TRASH/evil.sh' is not a package pattern (it starts with '-')"
}

test_expect_success 'setup: the marker program works when go is given the flag' '
	copy_example shop &&
	(cd shop && go build -o /dev/null -toolexec="$TRASH/evil.sh" ./...) &&
	test -f MARK && rm MARK &&
	(cd shop && git init -q && git add . && git commit -qm shop &&
	 goescape baseline 2>/dev/null && git add .goescape && git commit -qm baseline &&
	 evil_config .goescape.json && git add .goescape.json && git commit -qm "config")
'

for cmd in "check" "check --base HEAD~1" "report" "report --format json" "baseline" \
	   "suggest" "build ./..."; do
	test_expect_success "goescape $cmd: exit 2 and the line (build: config unread), nothing runs" '
		cd shop &&
		cp .goescape/baseline.json ../before.json &&
		code=0 && goescape '"$cmd"' >out 2>err || code=$? &&
		case "'"$cmd"'" in
		build*)
			# a plain go build never reads the config: it builds, without the flag
			test "$code" = 0 ;;
		*)
			test "$code" = 2 && evil_line >expect && test_cmp expect err ;;
		esac &&
		test ! -e ../MARK &&
		cmp .goescape/baseline.json ../before.json
	'
done

test_expect_success 'the pre-push hook refuses the push with the message, nothing runs' '
	new_pair push &&
	cd push &&
	before=$(remote_rev push main) &&
	evil_config .goescape.json &&
	git add .goescape.json && git commit -qm "config" &&
	! git push origin main 2>err &&
	test "$(remote_rev push main)" = "$before" &&
	{
		evil_line &&
		echo "goescape: the pre-push check could not run; push anyway with '"'"'git push --no-verify'"'"' or GOESCAPE_SKIP=1"
	} >expect &&
	grep "^goescape" err >actual &&
	test_cmp expect actual &&
	test ! -e ../MARK
'

test_expect_success 'the hook refuses it on a new branch too' '
	cd push &&
	git checkout -q -b feature &&
	! git push origin feature 2>err &&
	test -z "$(remote_rev push refs/heads/feature)" &&
	grep -q "is not a package pattern" err &&
	test ! -e ../MARK
'

# Each form that is not a package pattern, and what the message says.
while IFS='|' read -r entry why; do
	test_expect_success "packages entry $entry: exit 2 ($why)" '
		cd shop &&
		python3 -c "import json,sys; json.dump({\"packages\": [\"./...\", sys.argv[1]]}, open(\".goescape.json\", \"w\"))" "$(printf "%b" "$entry")" &&
		test_expect_code 2 goescape report >out 2>err &&
		test "$(wc -l <err)" = 1 &&
		grep -q "^goescape: '"'"'.goescape.json'"'"': \"packages\"\[1\] " err &&
		grep -q "is not a package pattern ('"$why"')" err &&
		test ! -s out && test ! -e ../MARK
	'
done <<'EOF'
-toolexec=/bin/sh -c touch|it starts with '-'
-exec=/bin/sh|it starts with '-'
-overlay=/tmp/overlay.json|it starts with '-'
-modfile=/tmp/go.mod|it starts with '-'
--toolexec|it starts with '-'
-a|it starts with '-'
./...\n-toolexec=x|it holds whitespace or a control character
./a b|it holds whitespace or a control character
./x\t|it holds whitespace or a control character
/etc|it is an absolute path
../elsewhere/...|it leaves the module ('..')
|it is empty
EOF

test_expect_success 'a NUL escape cannot hide a flag behind a pattern' '
	cd shop &&
	printf "{\"packages\":[\"./...\\\\u0000-toolexec=x\"]}" >.goescape.json &&
	test_expect_code 2 goescape report 2>err &&
	grep -q "'"'"'.goescape.json'"'"': a string holds a NUL" err
'

test_expect_success 'control bytes in the message are escaped: one line' '
	cd shop &&
	printf "{\"packages\":[\"-x\\\\u001b[2J\\\\r\"]}" >.goescape.json &&
	test_expect_code 2 goescape report 2>err &&
	test "$(wc -l <err)" = 1 &&
	grep -q "'"'"'-x\\\\x1b\[2J\\\\x0d'"'"' is not a package pattern" err
'

test_expect_success 'valid patterns still work: report of ./cart only' '
	cd shop &&
	echo "{\"packages\":[\"./cart\"]}" >.goescape.json &&
	goescape report --format json -o ../cart.json &&
	json ../cart.json "sorted(set(x[\"file\"] for x in d[\"diagnostics\"]))" >actual &&
	echo "['"'"'cart/cart.go'"'"']" >expect &&
	test_cmp expect actual
'

test_expect_success 'ignore.functions with a control character: exit 2 naming it' '
	cd shop &&
	printf "{\"ignore\":{\"functions\":[\"New\",\"F\\\\u0007\"]}}" >.goescape.json &&
	test_expect_code 2 goescape report 2>err &&
	grep -q "\"ignore.functions\"\[1\] '"'"'F\\\\x07'"'"' is not a function name" err
'

test_done
