#!/usr/bin/env bash
# A clean tree analysed again with the same result leaves the notes ref
# where it was: no new notes commit per build.
. "$(dirname "$0")/lib.sh"

test_expect_success 'the same report twice: one notes commit' '
	copy_example shop &&
	cd shop &&
	git init -q && git add . && git commit -qm shop &&
	goescape report >/dev/null &&
	first=$(git rev-parse refs/notes/goescape) &&
	goescape report >/dev/null &&
	goescape build ./... 2>/dev/null &&
	test "$(git rev-parse refs/notes/goescape)" = "$first"
'

test_done
