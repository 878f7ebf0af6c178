/*
 * lib/progress: the total is the scope's package directories on disk, the
 * count the distinct packages go printed a header for, and the status line
 * is drawn and erased in place.  emit's --color decision beside it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emit.h"
#include "progress.h"

static char root[256];

static void put(const char *rel, const char *text)
{
	char path[512], *slash;
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (slash = strchr(path + strlen(root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static void capture(const char *s, size_t len, void *ud)
{
	assert_int_equal(ge_buf_put(ud, s, len), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "%s/ge-progress-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(root));
	put("go.mod", "module example.com/m\n\ngo 1.19\n");
	put("m.go", "package m\n");
	put("a/a.go", "package a\n");
	put("a/b/b.go", "package b\n");
	put("t/t_test.go", "package t\n");     /* tests only: no package */
	put("testdata/x/x.go", "package x\n"); /* never a package */
	put("vendor/v/v.go", "package v\n");   /* the dependencies' */
	put("_skip/s.go", "package s\n");
	put(".hidden/h.go", "package h\n");
	put("nested/go.mod", "module example.com/n\n"); /* another module */
	put("nested/n.go", "package n\n");
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void counts_and_draws(void **state)
{
	ge_modset mods = {0};
	ge_progress *p = NULL;
	ge_buf out = GE_BUF_INIT;
	char *const sub[] = {(char *)"./a/..."};
	(void)state;
	assert_int_equal(ge_modset_find(&mods, root, NULL), 0);
	assert_int_equal(ge_progress_new(&p, &mods, root, NULL, 0, capture, &out), 0);
	assert_int_equal(ge_progress_total(p), 3); /* m, a, a/b */
	ge_progress_package(p, "example.com/m/a", 15);
	assert_string_equal(ge_buf_cstr(&out),
	                    "\rgoescape: compiling 1/3 packages\xe2\x80\xa6\033[K");
	ge_buf_clear(&out);
	ge_progress_package(p, "example.com/m/a", 15); /* seen: nothing new */
	assert_int_equal(out.len, 0);
	ge_progress_package(p, "example.com/m", 13);
	ge_progress_package(p, "example.com/m/a/b", 17); /* the last: always drawn */
	assert_non_null(strstr(ge_buf_cstr(&out), "compiling 3/3 packages"));
	ge_buf_clear(&out);
	ge_progress_clear(p);
	assert_string_equal(ge_buf_cstr(&out), "\r\033[K");
	ge_buf_clear(&out);
	ge_progress_clear(p); /* nothing shown: nothing to erase */
	assert_int_equal(out.len, 0);
	ge_progress_reset(p);
	ge_progress_package(p, "example.com/m", 13);
	assert_non_null(strstr(ge_buf_cstr(&out), "compiling 1/3 packages"));
	ge_progress_free(p);

	/* Named packages: the total is theirs. */
	assert_int_equal(ge_progress_new(&p, &mods, root, sub, 1, capture, &out), 0);
	assert_int_equal(ge_progress_total(p), 2);
	ge_progress_free(p);
	ge_modset_release(&mods);
	ge_buf_release(&out);
}

static void color(void **state)
{
	int on = -1;
	(void)state;
	assert_int_equal(ge_emit_color(&on, "always", "1", NULL, 0), 0);
	assert_int_equal(on, 1);
	assert_int_equal(ge_emit_color(&on, "never", NULL, "1", 1), 0);
	assert_int_equal(on, 0);
	assert_int_equal(ge_emit_color(&on, NULL, NULL, NULL, 1), 0);
	assert_int_equal(on, 1);
	assert_int_equal(ge_emit_color(&on, "auto", "", NULL, 1), 0); /* empty NO_COLOR: unset */
	assert_int_equal(on, 1);
	assert_int_equal(ge_emit_color(&on, "auto", "1", "1", 1), 0); /* NO_COLOR wins */
	assert_int_equal(on, 0);
	assert_int_equal(ge_emit_color(&on, NULL, NULL, "1", 0), 0);
	assert_int_equal(on, 1);
	assert_int_equal(ge_emit_color(&on, NULL, NULL, "0", 0), 0);
	assert_int_equal(on, 0);
	assert_int_equal(ge_emit_color(&on, "sometimes", NULL, NULL, 1), GE_EUSAGE);
	assert_int_equal(on, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(counts_and_draws),
	    cmocka_unit_test(color),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
