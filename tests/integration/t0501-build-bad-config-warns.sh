#!/usr/bin/env bash
# A captured build in a repository whose .goescape.json is invalid stays
# go's build (exit code, output), but its report cannot be stored as HEAD's
# note: goescape says so in one line naming the file, and stores nothing.
. "$(dirname "$0")/lib.sh"

new_repo() {
	copy_example "$1" || return 1
	(cd "$1" && git init -q && git add . && git commit -qm "shop") || return 1
}

test_expect_success 'setup: a repository with a broken .goescape.json' '
	new_repo bad &&
	(cd bad && printf "{\"packages\": [" >.goescape.json &&
	 git add .goescape.json && git commit -qm "broken config")
'

test_expect_success 'build ./... exits as go does and warns once that nothing was stored' '
	(cd bad && goescape build ./... >../out 2>../err) &&
	test ! -s out &&
	grep -c "the build.s report was not stored" err >count &&
	echo 1 >one &&
	test_cmp one count &&
	grep -x "goescape: .\.goescape\.json.: .*; the build.s report was not stored" err &&
	(cd bad && git notes --ref=goescape list >../notes) &&
	test ! -s notes
'

test_expect_success 'the warning is the message check gives for the same file' '
	(cd bad && test_expect_code 2 goescape check 2>../check.err) &&
	sed "s/; the build.s report was not stored\$//" err | grep -v "heap escapes" >warn &&
	test_cmp check.err warn
'

test_expect_success 'a failing build prints go'"'"'s error and no warning' '
	(cd bad && printf "package shop\nfunc broken( {\n" >broken.go &&
	 test_expect_code 1 goescape build ./... 2>../err; rm -f broken.go) &&
	! grep "not stored" err
'

test_expect_success 'with a valid .goescape.json the note is stored and nothing is said' '
	(cd bad && echo "{}" >.goescape.json && git commit -qam "fixed config" &&
	 goescape build ./... 2>../err) &&
	! grep "not stored" err &&
	(cd bad && git notes --ref=goescape list HEAD >../notes) &&
	test -s notes
'

test_done
