#!/usr/bin/env bash
# SARIF's tool.driver.informationUri is whatever the builder of goescape
# set with 'make GOESCAPE_URL=...', and absent by default: goescape has no
# address of its own to guess.  Both ways the logs of report and assert
# (every SARIF writer names the tool through ge_sarif_put_tool_head) pass
# the validator.  The second half builds goescape again, into $TRASH, with
# a URL (and then another), so it takes a minute.
#
# The first half expects the binary under test to be a default build (as
# 'make check' makes it).
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lib-sarif.sh"

DRIVER='",".join(sorted(k for k in r["tool"]["driver"] if k != "rules" and k != "notifications"))'

test_expect_success 'setup: the example and the assertion fixture, committed' '
	committed_example shop &&
	copy_module assertmod m &&
	(cd m && git init -q && git add . && git commit -qm assertmod)
'

test_expect_success 'default build: report SARIF has no informationUri and is valid' '
	(cd shop && goescape report --format sarif -o ../report.sarif) &&
	sarif report.sarif "$DRIVER" >actual &&
	echo "name,semanticVersion,version" >expect &&
	test_cmp expect actual &&
	validate report.sarif >out &&
	! grep " error " out
'

test_expect_success 'default build: assert SARIF names the tool the same way' '
	(cd m && test_expect_code 1 goescape assert --format sarif -o ../assert.sarif) &&
	sarif assert.sarif "$DRIVER" >actual &&
	test_cmp expect actual &&
	validate assert.sarif
'

command -v make >/dev/null && command -v cc >/dev/null || skip_all "no make or cc for the GOESCAPE_URL build"

# build URL: goescape built from $TOP into $TRASH/b with GOESCAPE_URL=URL
# (-O0: only the setting is under test).  Nothing is written in $TOP.
build() {
	make -s -C "$TOP" -j2 BUILD="$TRASH/b" CFLAGS=-O0 GOESCAPE_URL="$1" "$TRASH/b/goescape"
}

test_expect_success 'make GOESCAPE_URL=...: the URL is informationUri, and the log is valid' '
	build https://example.org/goescape >build.out 2>&1 &&
	(cd shop && "$TRASH/b/goescape" report --format sarif -o ../url.sarif) &&
	sarif url.sarif "r[\"tool\"][\"driver\"][\"informationUri\"]" >actual &&
	echo https://example.org/goescape >expect &&
	test_cmp expect actual &&
	validate url.sarif >out &&
	! grep -e " error " -e SARIF2005 out &&
	(cd m && test_expect_code 1 "$TRASH/b/goescape" assert --format sarif -o ../url-assert.sarif) &&
	sarif url-assert.sarif "r[\"tool\"][\"driver\"][\"informationUri\"]" >actual &&
	test_cmp expect actual &&
	validate url-assert.sarif
'

test_expect_success 'another value rebuilds: the new URL is the one written' '
	build https://example.org/other >build.out 2>&1 &&
	(cd shop && "$TRASH/b/goescape" report --format sarif -o ../other.sarif) &&
	sarif other.sarif "r[\"tool\"][\"driver\"][\"informationUri\"]" >actual &&
	echo https://example.org/other >expect &&
	test_cmp expect actual
'

test_expect_success 'a value that is not one http(s) URL stops make before it builds' '
	for bad in "ftp://example.org/x" "https://example.org/a\"b" "https://example.org/a b" \
		"https://example.org/a\\b" "example.org"; do
		test_expect_code 2 make -s -C "$TOP" -n BUILD="$TRASH/bad" GOESCAPE_URL="$bad" \
			"$TRASH/bad/goescape" >out 2>err &&
		grep -q "GOESCAPE_URL must" err || return 1
	done &&
	test ! -e "$TRASH/bad"
'

test_done
