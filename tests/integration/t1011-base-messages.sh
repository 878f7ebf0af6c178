#!/usr/bin/env bash
# What a person sees while a base is built: a base that does not build is
# named once, with the user's file names (not the overlay's blob paths), and
# the progress of an in-place build shows with GOESCAPE_VERBOSE (or on a
# terminal) but not in logs.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a broken base, fixed at HEAD' '
	copy_example shop &&
	cd shop &&
	git init -q &&
	printf "package cart\n\nfunc Broken() { undefinedThing() }\n" >cart/broken.go &&
	git add . && git commit -qm broken &&
	git rm -q cart/broken.go && git commit -qm fix
'

test_expect_success 'a base that does not build: exit 3, its error once, with the real path' '
	cd shop &&
	test_expect_code 3 goescape check --base HEAD~1 2>err &&
	grep -x "goescape: the base $(git rev-parse --short=12 HEAD~1) does not build:" err &&
	test "$(grep -c "undefined: undefinedThing" err)" = 1 &&
	grep "^\./cart/broken.go:3:17: undefined: undefinedThing" err &&
	! grep "goescape/blobs" err &&
	! grep "building it in place" err
'

test_expect_success 'progress of an in-place base build with GOESCAPE_VERBOSE' '
	cd shop &&
	printf "package cart\n\nfunc Twice(n int) int { return 2 * n }\n" >cart/twice.go &&
	git add cart && git commit -qm twice &&
	git update-ref -d refs/notes/goescape &&
	GOESCAPE_VERBOSE=1 goescape check --base HEAD~1 >/dev/null 2>err &&
	grep -x "goescape: no stored report for $(git rev-parse --short=12 HEAD~1); building it in place (1 file differs)" err
'

test_done
