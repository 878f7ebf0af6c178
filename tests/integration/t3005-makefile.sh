#!/usr/bin/env bash
# A project Makefile that runs go through $(GO) (tests/fixtures/makefile-project):
# 'make GO=goescape' builds with the summary line on stderr, and test, vet
# and env run the real go unchanged, failures and exit codes included; a
# "go" symlink to goescape first on PATH (the masquerade) does the same.
. "$(dirname "$0")/lib.sh"

GOESCAPE_DIR=$(cd "$(dirname "$GOESCAPE_BIN")" && pwd)
export PATH="$GOESCAPE_DIR:$PATH"
unset MAKEFLAGS MFLAGS GO

SUMMARY='^goescape: [0-9][0-9]* heap escapes\{0,1\} in [0-9][0-9]* packages\{0,1\}$'

# The masquerade: a directory holding only "go" -> goescape.
mkdir "$TRASH/mbin"
ln -s "$GOESCAPE_BIN" "$TRASH/mbin/go"

test_expect_success 'plain make: go as it is, no summary (the fixture works)' '
	copy_module makefile-project plain &&
	cd plain &&
	make build >out 2>err &&
	./bin/mkproj >run &&
	echo apple=3 >expect &&
	test_cmp expect run &&
	! grep -q "^goescape" err
'

test_expect_success 'make GO=goescape: the default target builds, one summary line on stderr' '
	copy_module makefile-project ge &&
	cd ge &&
	make GO=goescape >out 2>err &&
	echo "goescape build -o bin/mkproj ." >expect &&
	test_cmp expect out &&
	grep "$SUMMARY" err >summary &&
	test_cmp err summary &&
	test $(wc -l <err) = 1 &&
	./bin/mkproj >run &&
	echo apple=3 >expect &&
	test_cmp expect run
'

test_expect_success 'make GO=goescape build: the escapes counted are the module'\''s' '
	cd ge &&
	rm -rf bin &&
	make GO=goescape build 2>err >/dev/null &&
	test -x bin/mkproj &&
	goescape report --format json -o report.json &&
	heap=$(json report.json "d[\"summary\"][\"heap\"]") &&
	test "$heap" -gt 0 &&
	grep -q "^goescape: $heap heap escape" err
'

test_expect_success 'make GO=goescape test: go test output, unchanged' '
	cd ge &&
	make GO=goescape test >out 2>err &&
	grep -q "^ok[[:space:]]*example.com/mkproj/stock" out &&
	! grep -q "^goescape" err &&
	make test >plain.out 2>&1 &&
	sed "s/^go test/goescape test/; s/[0-9.]*s$//; s/(cached)//" plain.out >a &&
	sed "s/[0-9.]*s$//; s/(cached)//" out >b &&
	test_cmp a b
'

test_expect_success 'make GO=goescape test: a failing test fails make' '
	cd ge &&
	sed -i "s/want pear=3/want pear=3 (broken on purpose)/; s/got != \"pear=3\"/got != \"pear=4\"/" stock/stock_test.go &&
	test_expect_code 2 make GO=goescape test >out 2>&1 &&
	grep -q "^FAIL" out &&
	grep -q "broken on purpose" out &&
	cp "$FIXTURES/makefile-project/stock/stock_test.go" stock/
'

test_expect_success 'make GO=goescape vet: passes, and a vet finding fails make' '
	cd ge &&
	make GO=goescape vet >out 2>err &&
	! grep -q "^goescape" err &&
	printf "package stock\n\nimport \"fmt\"\n\n// Show prints n wrongly.\nfunc Show(n int) { fmt.Printf(\"%%s\\\\n\", n) }\n" >stock/show.go &&
	test_expect_code 2 make GO=goescape vet >out 2>&1 &&
	grep -q "fmt.Printf format %s has arg n of wrong type int" out &&
	rm stock/show.go
'

test_expect_success 'make GO=goescape env: the real go env' '
	cd ge &&
	make -s GO=goescape env >out &&
	echo "$TRASH/ge/go.mod" >expect &&
	test_cmp expect out
'

test_expect_success 'make GO=goescape build: a compile error fails make with go'\''s message' '
	cd ge &&
	printf "package stock\n\nfunc Broken( {\n" >stock/broken.go &&
	test_expect_code 2 make GO=goescape build >out 2>&1 &&
	grep -q "stock/broken.go:3:14: syntax error" out &&
	rm stock/broken.go
'

test_expect_success 'masquerade: a go symlink first on PATH, plain make, summary on stderr' '
	copy_module makefile-project masq &&
	cd masq &&
	test "$(PATH="$TRASH/mbin:$PATH" command -v go)" = "$TRASH/mbin/go" &&
	PATH="$TRASH/mbin:$PATH" make build >out 2>err &&
	echo "go build -o bin/mkproj ." >expect &&
	test_cmp expect out &&
	grep "$SUMMARY" err >summary &&
	test_cmp err summary &&
	./bin/mkproj >run &&
	echo apple=3 >expect &&
	test_cmp expect run
'

test_expect_success 'masquerade: test, vet and env run the real go' '
	cd masq &&
	PATH="$TRASH/mbin:$PATH" make test >out 2>err &&
	grep -q "^ok[[:space:]]*example.com/mkproj/stock" out &&
	! grep -q "^goescape" err &&
	PATH="$TRASH/mbin:$PATH" make vet >out 2>err &&
	! grep -q "^goescape" err &&
	PATH="$TRASH/mbin:$PATH" make -s env >out &&
	echo "$TRASH/masq/go.mod" >expect &&
	test_cmp expect out &&
	PATH="$TRASH/mbin:$PATH" go version >v &&
	/usr/local/go/bin/go version >expect &&
	test_cmp expect v
'

test_expect_success 'masquerade: a failing test still fails make' '
	cd masq &&
	sed -i "s/got != \"pear=3\"/got != \"pear=4\"/" stock/stock_test.go &&
	test_expect_code 2 env PATH="$TRASH/mbin:$PATH" make test >out 2>&1 &&
	grep -q "^FAIL" out
'

test_done
