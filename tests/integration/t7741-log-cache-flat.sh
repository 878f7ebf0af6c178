#!/usr/bin/env bash
# goescape log's cache files are read without cJSON when they are in the
# layout the log writes them in (a cached run parsed one cJSON tree per
# commit): such a file is believed as it is written (its counts, packages
# and new escapes), any other spelling of the same JSON is still read by
# cJSON with the same result, and a plain file that names another commit
# or note blob is a miss.  A shim preloaded into goescape counts its
# calls of cJSON_ParseWithLength.
. "$(dirname "$0")/lib.sh"
command -v cc >/dev/null || skip_all "no cc for the cJSON call counter"
# The shim comes before an ASan runtime in the link order: allowed here.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

# parses CMD...: how many cJSON trees CMD parsed (its output in out).
parses() {
	rm -f "$TRASH/calls" &&
	LD_PRELOAD="$TRASH/count.so" GE_COUNT="$TRASH/calls" "$@" >out &&
	if test -f "$TRASH/calls"; then wc -c <"$TRASH/calls"; else echo 0; fi
}

test_expect_success 'setup: three commits with notes, one adding a heap escape' '
	cat >count.c <<-\EOF &&
	#define _GNU_SOURCE
	#include <dlfcn.h>
	#include <stdio.h>
	#include <stdlib.h>
	typedef void *(*parse_fn)(const char *, size_t);
	void *cJSON_ParseWithLength(const char *s, size_t n)
	{
		parse_fn real = (parse_fn)dlsym(RTLD_NEXT, "cJSON_ParseWithLength");
		const char *p = getenv("GE_COUNT");
		FILE *f = p ? fopen(p, "a") : NULL;
		if (f) {
			fputc(120, f);
			fclose(f);
		}
		return real(s, n);
	}
	EOF
	cc -shared -fPIC -o count.so count.c -ldl &&
	example_repo repo &&
	f=$(git ls-files "*.go" | head -n 1) &&
	echo "// one" >>"$f" && git commit -qam "comment one" &&
	printf "\nfunc NewEscape() *int {\n\tv := 42\n\treturn &v\n}\n" >>"$f" &&
	git commit -qam "an escape more" &&
	for rev in HEAD~2 HEAD~1 HEAD; do
		goescape report --commit $rev --format json >/dev/null || return 1
	done &&
	rm -rf .git/goescape/log &&
	goescape log --format json >../first.json &&
	goescape log >../first.txt &&
	json ../first.json "d[\"commits\"][0][\"top_new\"][0][\"function\"]" >fn &&
	grep NewEscape fn &&
	test "$(ls .git/goescape/log/*.json | wc -l)" = 3
'

test_expect_success 'a cached run reads its plain cache files without cJSON' '
	cd repo &&
	n=$(parses goescape log --format json) &&
	test_cmp ../first.json out &&
	# The same files spelled otherwise (a space more after each comma):
	# read by cJSON, one tree a file, the same log.
	for c in .git/goescape/log/*.json; do
		sed "s/, \"/,  \"/g" "$c" >tmp && mv tmp "$c" || return 1
	done &&
	m=$(parses goescape log --format json) &&
	test_cmp ../first.json out &&
	test "$m" = "$((n + 3))" &&
	# That run wrote nothing back (its entries were hits): the files stay spelled otherwise.
	grep -l ",  \"" .git/goescape/log/*.json >spelled &&
	test "$(wc -l <spelled)" = 3 &&
	goescape log >text &&
	test_cmp ../first.txt text
'

test_expect_success 'a plain cache file is believed as written; naming another commit or note blob, it is a miss' '
	cd repo &&
	rm -rf .git/goescape/log &&
	goescape log --format json >/dev/null &&
	c=$(grep -l "\"commit\": \"$(git rev-parse HEAD)\"" .git/goescape/log/*.json) &&
	cp "$c" ../saved &&
	sed "s/\"heap\": [0-9]*, \"moved\"/\"heap\": 999, \"moved\"/; s/\"function\": \"[^\"]*\"/\"function\": \"Planted\"/" ../saved >"$c" &&
	n=$(parses goescape log --format json) &&
	json out "(d[\"commits\"][0][\"heap\"], d[\"commits\"][0][\"top_new\"][0][\"function\"])" >got &&
	echo "(999, '"'"'Planted'"'"')" >expect &&
	test_cmp expect got &&
	m=$(parses goescape log --format json) &&
	test "$m" = "$n" &&
	for lie in "s/\"commit\": \"[0-9a-f]*\"/\"commit\": \"$(git rev-parse HEAD~1)\"/" \
		"s/\"note_blob\": \"[0-9a-f]*\"/\"note_blob\": \"$(git rev-parse HEAD~1)\"/" \
		"s/\"parent_note_blob\": \"[0-9a-f]*\"/\"parent_note_blob\": \"\"/"; do
		sed "s/\"heap\": [0-9]*, \"moved\"/\"heap\": 999, \"moved\"/; $lie" ../saved >"$c" &&
		goescape log --format json >out &&
		test_cmp ../first.json out || return 1
	done
'

test_expect_success 'a cache file with an escaped string is read by cJSON, to the same log' '
	cd repo &&
	rm -rf .git/goescape/log &&
	goescape log --format json >/dev/null &&
	for c in .git/goescape/log/*.json; do
		sed "s/\"module\": \"\([^\"]*\)o\([^\"]*\)\"/\"module\": \"\1\\\\u006f\2\"/" "$c" >tmp &&
		mv tmp "$c" &&
		grep -F "\\u006f" "$c" || return 1
	done &&
	n=$(parses goescape log --format json) &&
	test_cmp ../first.json out &&
	test "$n" -ge 3
'

test_done
