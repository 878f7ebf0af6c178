#!/usr/bin/env bash
# The bce assertions' build hands go the check_bce flag once per package:
# a named package's -gcflags entry is not repeated without -m before its
# -m copy (go takes the last matching pattern; the first said nothing).
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a go that logs its calls, a module with a bce assertion' '
	real=$(command -v go) &&
	printf "#!/bin/sh\nfor a in \"\$@\"; do printf \"%%s\\\\n\" \"\$a\"; done >>%s/argv.log\nexec %s \"\$@\"\n" \
		"$TRASH" "$real" >gowrap &&
	chmod +x gowrap &&
	mkdir -p m/p && cd m &&
	printf "module example.com/bo\n\ngo 1.19\n" >go.mod &&
	cat >p/p.go <<-\EOF &&
	package p

	func Sum(xs []int, i int) int {
		if i >= 0 && i < len(xs) {
			return xs[i] //goescape:bce
		}
		return 0
	}
	EOF
	git init -q && git add . && git commit -qm bo
'

test_expect_success 'assert: check_bce reaches go once, with -m, and the assertion holds' '
	cd m && rm -f ../argv.log &&
	GOESCAPE_GO=$TRASH/gowrap goescape assert 2>err &&
	grep -x "goescape: 0 of 1 assertion violated" err &&
	grep -c "check_bce" ../argv.log >count &&
	echo 1 >one &&
	test_cmp one count &&
	grep -x -- "-gcflags=example.com/bo/p=-d=ssa/check_bce/debug=1 -m" ../argv.log
'

test_expect_success 'assert: a bounds check the compiler keeps still breaks it' '
	cd m && rm -f ../argv.log &&
	sed -i "s/if i >= 0 \&\& i < len(xs) {/if i < 100 {/" p/p.go &&
	GOESCAPE_GO=$TRASH/gowrap test_expect_code 1 goescape assert 2>err &&
	grep "1 of 1 assertion violated" err &&
	test "$(grep -c check_bce ../argv.log)" = 1
'

test_done
