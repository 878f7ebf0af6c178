#!/usr/bin/env bash
# scripts/check-architecture (run by make lint) holds lib/ to the include
# table of docs/ARCHITECTURE.md: the tree as it is passes; a renderer that
# includes git.h, a module with no row, a row for no module, and libgit2
# used outside lib/git each fail with a line naming the file and the rule.
. "$(dirname "$0")/lib.sh"

check() { "$TOP/scripts/check-architecture" "$TRASH/tree"; }

test_expect_success 'setup: a copy of lib/ and the document' '
	mkdir -p tree/docs &&
	cp -R "$TOP/lib" tree/lib &&
	cp "$TOP/docs/ARCHITECTURE.md" tree/docs/ &&
	check
'

test_expect_success 'emit including git.h is refused' '
	cp tree/lib/emit.c emit.c.orig &&
	sed -i "0,/#include \"cost.h\"/s//#include \"cost.h\"\n#include \"git.h\"/" tree/lib/emit.c &&
	grep -q "#include \"git.h\"" tree/lib/emit.c &&
	test_expect_code 1 check 2>err &&
	cat err &&
	grep "^lib/emit.c:[0-9]*: module .emit. includes .git.h. (module .git.), which docs/ARCHITECTURE.md does not allow$" err &&
	test "$(wc -l <err)" = 1 &&
	cp emit.c.orig tree/lib/emit.c && check
'

test_expect_success 'a split module keeps its row; a new module needs one' '
	printf "#include \"suggest.h\"\n#include \"udiff.h\"\n" >tree/lib/suggest_render.c &&
	check &&
	printf "#include \"common.h\"\n" >tree/lib/newmod.c &&
	test_expect_code 1 check 2>err &&
	grep "^lib: module .newmod. has no row in docs/ARCHITECTURE.md" err &&
	rm tree/lib/newmod.c tree/lib/suggest_render.c && check
'

test_expect_success 'a row for a module lib/ does not have' '
	cp tree/docs/ARCHITECTURE.md doc.orig &&
	sed -i "s/^tidy: common$/tidy: common\nghost: common/" tree/docs/ARCHITECTURE.md &&
	test_expect_code 1 check 2>err &&
	grep "row for module .ghost., which lib/ does not have" err &&
	cp doc.orig tree/docs/ARCHITECTURE.md
'

test_expect_success 'libgit2 outside lib/git is refused' '
	sed -i "0,/#include <string.h>/s//#include <string.h>\n#include <git2.h>/" tree/lib/report.c &&
	test_expect_code 1 check 2>err &&
	grep "^lib/report.c:[0-9]*: module .report. includes <git2.h>, which only git may use$" err
'

test_expect_success 'no table: exit 2, not a pass' '
	printf "# nothing here\n" >tree/docs/ARCHITECTURE.md &&
	test_expect_code 2 check 2>err &&
	grep "no architecture:deps block" err
'

test_done
