/* lib/udiff: hunks as diff writes them, missing final newlines, line maps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "udiff.h"

static char *diff(const char *a, const char *b, unsigned ctx)
{
	ge_buf out = GE_BUF_INIT;
	assert_int_equal(ge_udiff_write(&out, "p/x.go", a, strlen(a), b, strlen(b), ctx), 0);
	return ge_buf_detach(&out);
}

static void equal_is_empty(void **state)
{
	char *d = diff("a\nb\n", "a\nb\n", 3);
	(void)state;
	assert_string_equal(d, "");
	free(d);
}

static void one_change_with_context(void **state)
{
	const char *a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
	const char *b = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
	char *d = diff(a, b, 3);
	(void)state;
	assert_string_equal(d, "diff --git a/p/x.go b/p/x.go\n"
	                       "--- a/p/x.go\n"
	                       "+++ b/p/x.go\n"
	                       "@@ -2,7 +2,7 @@\n"
	                       " 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
	free(d);
}

static void separate_and_merged_hunks(void **state)
{
	const char *a = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n";
	const char *b = "A\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nL\n";
	char *d = diff(a, b, 1);
	(void)state;
	assert_string_equal(d, "diff --git a/p/x.go b/p/x.go\n--- a/p/x.go\n+++ b/p/x.go\n"
	                       "@@ -1,2 +1,2 @@\n-a\n+A\n b\n"
	                       "@@ -11,2 +11,2 @@\n k\n-l\n+L\n");
	free(d);
	/* With five lines of context the two changes share one hunk. */
	d = diff(a, b, 5);
	assert_non_null(strstr(d, "@@ -1,12 +1,12 @@\n"));
	assert_null(strstr(strstr(d, "@@ -1,12 +1,12 @@\n") + 1, "\n@@"));
	free(d);
}

static void insertions_and_deletions(void **state)
{
	char *d = diff("x\ny\n", "x\nnew\ny\n", 0);
	(void)state;
	assert_non_null(strstr(d, "@@ -1,0 +2 @@\n+new\n"));
	free(d);
	d = diff("x\nold\ny\n", "x\ny\n", 0);
	assert_non_null(strstr(d, "@@ -2 +1,0 @@\n-old\n"));
	free(d);
	d = diff("", "only\n", 3);
	assert_non_null(strstr(d, "@@ -0,0 +1 @@\n+only\n"));
	free(d);
}

static void no_newline_at_end(void **state)
{
	char *d = diff("a\nb", "a\nc", 3);
	(void)state;
	assert_non_null(
	    strstr(d, "-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"));
	free(d);
	/* Adding the newline is a change of the last line. */
	d = diff("a\nb", "a\nb\n", 3);
	assert_non_null(strstr(d, "-b\n\\ No newline at end of file\n+b\n"));
	free(d);
}

static void line_map(void **state)
{
	uint32_t *map = NULL;
	size_t n = 0;
	const char *a = "import \"fmt\"\n\nfunc f() {\n\treturn x\n}\n";
	const char *b = "import \"strconv\"\n\nfunc f() {\n\tvar buf [20]byte\n\treturn y\n}\n";
	(void)state;
	assert_int_equal(ge_udiff_linemap(&map, &n, a, strlen(a), b, strlen(b)), 0);
	assert_int_equal(n, 5);
	assert_int_equal(map[0], 0); /* changed */
	assert_int_equal(map[1], 2);
	assert_int_equal(map[2], 3);
	assert_int_equal(map[3], 0); /* changed */
	assert_int_equal(map[4], 6); /* moved down by the inserted line */
	free(map);
}

static void large_and_different(void **state)
{
	/* Far more differences than the budget: still a correct diff. */
	ge_buf a = GE_BUF_INIT, b = GE_BUF_INIT, out = GE_BUF_INIT;
	uint32_t *map = NULL;
	size_t n = 0, i;
	(void)state;
	for (i = 0; i < 3000; i++) {
		assert_int_equal(ge_buf_printf(&a, "a%zu\n", i), 0);
		assert_int_equal(ge_buf_printf(&b, "b%zu\n", i), 0);
	}
	assert_int_equal(ge_buf_puts(&a, "same\n"), 0);
	assert_int_equal(ge_buf_puts(&b, "same\n"), 0);
	assert_int_equal(ge_udiff_write(&out, "f", a.ptr, a.len, b.ptr, b.len, 3), 0);
	assert_non_null(strstr(out.ptr, "@@ -1,3001 +1,3001 @@\n"));
	assert_int_equal(ge_udiff_linemap(&map, &n, a.ptr, a.len, b.ptr, b.len), 0);
	assert_int_equal(map[2999], 0);
	assert_int_equal(map[3000], 3001);
	free(map);
	ge_buf_release(&a);
	ge_buf_release(&b);
	ge_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(equal_is_empty),
	    cmocka_unit_test(one_change_with_context),
	    cmocka_unit_test(separate_and_merged_hunks),
	    cmocka_unit_test(insertions_and_deletions),
	    cmocka_unit_test(no_newline_at_end),
	    cmocka_unit_test(line_map),
	    cmocka_unit_test(large_and_different),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
