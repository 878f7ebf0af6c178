#!/usr/bin/env bash
# The baseline path is the repository's: "baseline": ".git/config" in a
# committed .goescape.json is inside the module by its text, and 'goescape
# baseline' overwrote the user's .git/config with JSON (the repository could
# no longer be opened; ".git/hooks/pre-push" would replace a hook, mode
# kept).  A path whose resolved form has a .git element (the module's own
# git directory, a submodule's, or reached through a committed symlink) is
# refused: exit 2, one line, nothing written.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: the example in git' '
	copy_example shop &&
	(cd shop && git init -q && git add . && git commit -qm shop) &&
	cp shop/.git/config config.before
'

test_expect_success '"baseline": ".git/config": exit 2, .git/config as it was' '
	(cd shop && printf "{\"baseline\":\".git/config\"}" >.goescape.json &&
	 test_expect_code 2 goescape baseline >../out 2>../err) &&
	test "$(wc -l <err)" = 1 && grep -q "git directory" err &&
	cmp config.before shop/.git/config &&
	(cd shop && test_expect_code 2 goescape check 2>../err) &&
	test "$(wc -l <err)" = 1 && grep -q "git directory" err
'

test_expect_success 'an existing hook named as the baseline is not replaced' '
	cp config.before shop/.git/config &&
	printf "#!/bin/sh\nexit 0\n" >shop/.git/hooks/pre-push && chmod +x shop/.git/hooks/pre-push &&
	cp shop/.git/hooks/pre-push hook.before &&
	(cd shop && printf "{\"baseline\":\"./.git/hooks/pre-push\"}" >.goescape.json &&
	 test_expect_code 2 goescape baseline 2>../err) &&
	cmp hook.before shop/.git/hooks/pre-push
'

test_expect_success 'through a committed symlink into .git: exit 2, nothing written' '
	cp config.before shop/.git/config &&
	(cd shop && ln -s .git g && printf "{\"baseline\":\"g/config\"}" >.goescape.json &&
	 test_expect_code 2 goescape baseline 2>../err) &&
	test "$(wc -l <err)" = 1 && grep -q "git directory" err &&
	cmp config.before shop/.git/config
'

test_expect_success 'a nested repository'"'"'s .git: exit 2' '
	cp config.before shop/.git/config &&
	(cd shop && mkdir -p sub && git -C sub init -q &&
	 printf "{\"baseline\":\"sub/.git/config\"}" >.goescape.json &&
	 cp sub/.git/config ../sub.before &&
	 test_expect_code 2 goescape baseline 2>../err) &&
	cmp sub.before shop/sub/.git/config
'

test_expect_success 'a name that only starts with .git is fine' '
	cp config.before shop/.git/config &&
	(cd shop && rm -rf g sub && printf "{\"baseline\":\".github/goescape.json\"}" >.goescape.json &&
	 goescape baseline 2>/dev/null) &&
	test -s shop/.github/goescape.json
'

test_done
