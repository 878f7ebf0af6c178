#!/usr/bin/env bash
# The first note written into a repository without refs/notes/goescape
# must not overwrite a notes ref another writer created a moment before.
# libgit2's git_reference_create(force=0) looks for the ref before it
# takes the ref's lock, so two first writers (t1006's concurrent reports)
# could both create it and one note was lost, about one run in a few
# hundred.  A shim preloaded into goescape makes the window certain: just
# before goescape opens refs/notes/goescape.lock, it writes that ref as
# another writer would have.
. "$(dirname "$0")/lib.sh"
command -v cc >/dev/null || skip_all "no cc for the lock-file shim"
# The shim comes before an ASan runtime in the link order: allowed here.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

test_expect_success 'setup: two commits; a notes commit holding a note on the first' '
	cat >race.c <<-\EOF &&
	#define _GNU_SOURCE
	#include <dlfcn.h>
	#include <fcntl.h>
	#include <stdarg.h>
	#include <stdio.h>
	#include <stdlib.h>
	#include <string.h>
	#include <sys/stat.h>
	#include <unistd.h>
	/* Once per run: the ref the lock guards written first, as a racing writer would. */
	static void race(const char *path)
	{
		static int done;
		const char *tip = getenv("GE_RACE_TIP");
		size_t n = strlen(path);
		char ref[4096];
		FILE *f;
		if (done || !tip || n < 24 || n >= sizeof(ref) ||
		    strcmp(path + n - 24, "refs/notes/goescape.lock") != 0)
			return;
		done = 1;
		memcpy(ref, path, n - 5);
		ref[n - 5] = 0;
		if ((f = fopen(ref, "w"))) {
			fprintf(f, "%s\n", tip);
			fclose(f);
		}
		if ((f = fopen(getenv("GE_RACE_MARK"), "w")))
			fclose(f);
	}
	#define SHIM(name)                                                        \
		int name(const char *path, int flags, ...)                        \
		{                                                                 \
			int (*real)(const char *, int, ...) =                     \
			    (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, #name); \
			mode_t mode = 0;                                          \
			if (flags & O_CREAT) {                                    \
				va_list ap;                                       \
				va_start(ap, flags);                              \
				mode = (mode_t)va_arg(ap, int);                   \
				va_end(ap);                                       \
			}                                                         \
			race(path);                                               \
			return real(path, flags, mode);                           \
		}
	SHIM(open)
	SHIM(open64)
	EOF
	cc -shared -fPIC -o race.so race.c -ldl &&
	example_repo repo &&
	f=$(git ls-files "*.go" | head -n 1) &&
	echo "// two" >>"$f" && git commit -qam two &&
	git notes --ref=goescape add -m "the other writer" HEAD~1 &&
	git rev-parse refs/notes/goescape >../other &&
	git update-ref -d refs/notes/goescape
'

test_expect_success 'a notes ref created while goescape takes the lock: both notes kept' '
	cd repo &&
	LD_PRELOAD="$TRASH/race.so" GE_RACE_TIP=$(cat ../other) GE_RACE_MARK="$TRASH/raced" \
		goescape report --commit HEAD --format json >../rep 2>../err &&
	# The shim did step in: otherwise this test shows nothing.
	test -f "$TRASH/raced" &&
	test_cmp /dev/null ../err &&
	git notes --ref=goescape show HEAD~1 >note1 &&
	echo "the other writer" >expect &&
	test_cmp expect note1 &&
	git notes --ref=goescape show HEAD >note0 &&
	test_cmp ../rep note0 &&
	# The other writer'"'"'s commit is the new one'"'"'s parent: nothing rewritten.
	test "$(git rev-parse refs/notes/goescape~1)" = "$(cat ../other)"
'

test_expect_success 'with no one racing, the first note creates the ref' '
	cd repo &&
	git update-ref -d refs/notes/goescape &&
	goescape report --commit HEAD --format json >../rep 2>../err &&
	test_cmp /dev/null ../err &&
	git notes --ref=goescape show HEAD >note0 &&
	test_cmp ../rep note0 &&
	! git rev-parse -q --verify refs/notes/goescape~1
'

test_done
