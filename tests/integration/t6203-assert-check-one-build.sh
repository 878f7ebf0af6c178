#!/usr/bin/env bash
# check with an inline assertion builds the head once: the inlining lines
# are kept from the head's own build (the directives are read before it),
# not asked of a second go build.  The verdicts stay the compiler's: held
# when the call is inlined, broken when it is not.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-assert.sh"

test_expect_success 'setup: a go that logs its calls, a module with an inline assertion' '
	real=$(command -v go) &&
	printf "#!/bin/sh\necho \"\$*\" >>%s/go.log\nexec %s \"\$@\"\n" "$TRASH" "$real" >gowrap &&
	chmod +x gowrap &&
	mkdir m && cd m &&
	write_inline_module am &&
	git init -q && git add . && git commit -qm am &&
	goescape baseline 2>/dev/null
'

test_expect_success 'check: the assertion holds, one build of the head' '
	cd m && rm -f ../go.log &&
	GOESCAPE_GO=$TRASH/gowrap goescape check >out 2>err &&
	! grep assertion err &&
	test "$(grep -c "^list .*-export" ../go.log)" = 1
'

test_expect_success 'check: broken (Slow is not inlined), still one build' '
	cd m && rm -f ../go.log &&
	sed -i "s/return Twice(n) /return Slow(n) /" p/p.go &&
	GOESCAPE_GO=$TRASH/gowrap test_expect_code 1 goescape check >out 2>err &&
	grep -x "p/p.go:9: return Slow(n): call to Slow was not inlined" err &&
	test "$(grep -c "^list .*-export" ../go.log)" = 1
'

test_done
