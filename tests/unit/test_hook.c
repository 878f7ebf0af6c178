/* lib/hook: git's pre-push input, pre-commit's variables, the built-in script. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "hook.h"

/* Object ids as git prints them; A and B are commits of a real push. */
#define A "3f6c2a0d5e1b7c8a9d0e1f2a3b4c5d6e7f8a9b0c"
#define B "c819211629469a420ab7213da1b33ae17050a017"
#define Z "0000000000000000000000000000000000000000"
#define T "9d1e5b2c3a4f6e7d8c9b0a1f2e3d4c5b6a7f8e9d"

static void parse_text(ge_prepush_ref **refs, size_t *n, const char *text)
{
	assert_int_equal(ge_prepush_parse(refs, n, text, strlen(text)), 0);
}

static void good_lines(void **state)
{
	ge_prepush_ref *refs = NULL;
	size_t n = 0;
	(void)state;
	parse_text(&refs, &n, "refs/heads/main " A " refs/heads/main " B "\n"
			      "refs/tags/v1 " T " refs/tags/v1 " Z "\n"
			      "refs/heads/feat " A " refs/heads/other " Z "\n");
	assert_int_equal(n, 3);
	assert_string_equal(refs[0].local_ref, "refs/heads/main");
	assert_string_equal(refs[0].local_oid, A);
	assert_string_equal(refs[0].remote_ref, "refs/heads/main");
	assert_string_equal(refs[0].remote_oid, B);
	assert_string_equal(refs[1].local_ref, "refs/tags/v1");
	assert_string_equal(refs[1].local_oid, T);
	assert_string_equal(refs[2].remote_ref, "refs/heads/other");
	free(refs);
}

static void no_final_newline(void **state)
{
	ge_prepush_ref *refs = NULL;
	size_t n = 0;
	(void)state;
	parse_text(&refs, &n, "refs/heads/main " A " refs/heads/main " Z);
	assert_int_equal(n, 1);
	assert_string_equal(refs[0].remote_oid, Z);
	free(refs);
}

static void empty_and_blank(void **state)
{
	ge_prepush_ref *refs = (ge_prepush_ref *)&refs;
	size_t n = 99;
	(void)state;
	/* Nothing to push: git gives no lines at all. */
	assert_int_equal(ge_prepush_parse(&refs, &n, "", 0), 0);
	assert_int_equal(n, 0);
	free(refs);
	parse_text(&refs, &n, "\n\n  \n\r\n");
	assert_int_equal(n, 0);
	free(refs);
	parse_text(&refs, &n, "\nrefs/heads/a " A " refs/heads/a " Z "\n\n   \nrefs/heads/b " A
			      " refs/heads/b " Z "\n\n");
	assert_int_equal(n, 2);
	assert_string_equal(refs[0].local_ref, "refs/heads/a");
	assert_string_equal(refs[1].local_ref, "refs/heads/b");
	free(refs);
}

static void crlf(void **state)
{
	ge_prepush_ref *refs = NULL;
	size_t n = 0;
	(void)state;
	parse_text(&refs, &n, "refs/heads/main " A " refs/heads/main " Z "\r\n"
			      "refs/tags/v1 " T " refs/tags/v1 " Z "\r\n");
	assert_int_equal(n, 2);
	/* The carriage return is not part of the last field. */
	assert_string_equal(refs[0].remote_oid, Z);
	assert_string_equal(refs[1].remote_oid, Z);
	assert_int_equal(ge_oid_is_zero(refs[1].remote_oid), 1);
	free(refs);
}

static void bad_lines(void **state)
{
	static const char *const bad[] = {
		"refs/heads/main " A " refs/heads/main\n",                    /* three fields */
		"refs/heads/main " A " refs/heads/main " Z " extra\n",        /* five */
		"refs/heads/main " A " refs/heads/main " Z " a b c d e f\n",  /* many */
		"refs/heads/main 3f6c2a0d refs/heads/main " Z "\n",           /* short id */
		"refs/heads/main " A " refs/heads/main " Z "0\n",             /* 41 digits */
		"refs/heads/main " A "0 refs/heads/main " Z "\n",
		"refs/heads/main 3F6C2A0D5E1B7C8A9D0E1F2A3B4C5D6E7F8A9B0C refs/heads/main " Z "\n",
		"refs/heads/main " A " refs/heads/main zz00000000000000000000000000000000000000\n",
		"garbage\n",
		NULL};
	size_t i;
	(void)state;
	for (i = 0; bad[i]; i++) {
		ge_prepush_ref *refs = (ge_prepush_ref *)&refs;
		size_t n = 7;
		assert_int_equal(ge_prepush_parse(&refs, &n, bad[i], strlen(bad[i])), GE_EBADINPUT);
		assert_null(refs);
		assert_int_equal(n, 0);
		assert_non_null(strstr(ge_error_last(), "line 1"));
	}
}

static void bad_line_is_named(void **state)
{
	static const char text[] = "refs/heads/a " A " refs/heads/a " Z "\n\nrefs/heads/b " A "\n";
	ge_prepush_ref *refs = NULL;
	size_t n = 0;
	(void)state;
	assert_int_equal(ge_prepush_parse(&refs, &n, text, strlen(text)), GE_EBADINPUT);
	assert_null(refs);
	assert_non_null(strstr(ge_error_last(), "line 3"));
}

static void long_ref_is_bad(void **state)
{
	char text[700];
	char name[300];
	ge_prepush_ref *refs = NULL;
	size_t n = 0;
	(void)state;
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(text, sizeof(text), "%s " A " refs/heads/a " Z "\n", name);
	assert_int_equal(ge_prepush_parse(&refs, &n, text, strlen(text)), GE_EBADINPUT);
	assert_null(refs);
}

static void zero_oids(void **state)
{
	ge_prepush_ref *refs = NULL;
	size_t n = 0;
	(void)state;
	/* A deletion (zero local id) and a new branch (zero remote id). */
	parse_text(&refs, &n, "(delete) " Z " refs/heads/gone " A "\n"
			      "refs/heads/new " A " refs/heads/new " Z "\n");
	assert_int_equal(n, 2);
	assert_string_equal(refs[0].local_ref, "(delete)");
	assert_true(ge_oid_is_zero(refs[0].local_oid));
	assert_false(ge_oid_is_zero(refs[0].remote_oid));
	assert_false(ge_oid_is_zero(refs[1].local_oid));
	assert_true(ge_oid_is_zero(refs[1].remote_oid));
	assert_false(ge_oid_is_zero("0000000000000000000000000000000000000001"));
	free(refs);
}

static void precommit_update(void **state)
{
	ge_buf b = GE_BUF_INIT;
	ge_prepush_ref *refs = NULL;
	size_t n = 0;
	(void)state;
	assert_int_equal(
		ge_prepush_from_precommit(&b, B, A, "refs/heads/main", "refs/heads/main"), 0);
	assert_string_equal(b.ptr, "refs/heads/main " A " refs/heads/main " B "\n");
	/* What it makes, the parser takes. */
	parse_text(&refs, &n, b.ptr);
	assert_int_equal(n, 1);
	assert_string_equal(refs[0].local_oid, A);
	assert_string_equal(refs[0].remote_oid, B);
	free(refs);
	ge_buf_release(&b);
}

static void precommit_defaults(void **state)
{
	ge_buf b = GE_BUF_INIT;
	(void)state;
	/* 'pre-commit run --to-ref X' by hand: no from, no branch names. */
	assert_int_equal(ge_prepush_from_precommit(&b, NULL, A, NULL, ""), 0);
	assert_string_equal(b.ptr, "HEAD " A " HEAD " Z "\n");
	ge_buf_clear(&b);
	assert_int_equal(ge_prepush_from_precommit(&b, "", A, "refs/heads/x", NULL), 0);
	assert_string_equal(b.ptr, "refs/heads/x " A " HEAD " Z "\n");
	ge_buf_release(&b);
}

static void precommit_nothing_or_bad(void **state)
{
	ge_buf b = GE_BUF_INIT;
	(void)state;
	assert_int_equal(ge_prepush_from_precommit(&b, A, NULL, "a", "b"), GE_ENOTFOUND);
	assert_int_equal(ge_prepush_from_precommit(&b, A, "", "a", "b"), GE_ENOTFOUND);
	assert_int_equal(b.len, 0);
	assert_int_equal(ge_prepush_from_precommit(&b, A, "HEAD", "a", "b"), GE_EBADINPUT);
	assert_non_null(strstr(ge_error_last(), "PRE_COMMIT_TO_REF 'HEAD'"));
	assert_int_equal(ge_prepush_from_precommit(&b, "origin/main", A, "a", "b"), GE_EBADINPUT);
	assert_non_null(strstr(ge_error_last(), "PRE_COMMIT_FROM_REF 'origin/main'"));
	assert_int_equal(ge_prepush_from_precommit(&b, A, A, "a b", "b"), GE_EBADINPUT);
	assert_non_null(strstr(ge_error_last(), "PRE_COMMIT_LOCAL_BRANCH"));
	assert_int_equal(ge_prepush_from_precommit(&b, A, A, "a", "b\n"), GE_EBADINPUT);
	assert_non_null(strstr(ge_error_last(), "PRE_COMMIT_REMOTE_BRANCH"));
	assert_int_equal(b.len, 0);
	ge_buf_release(&b);
}

/* The script goescape installs is hooks/pre-push, byte for byte. */
static void script_is_hooks_pre_push(void **state)
{
	ge_buf b = GE_BUF_INIT;
	(void)state;
	assert_int_equal(ge_file_read(&b, "../../hooks/pre-push"), 0);
	assert_int_equal(strlen(ge_hook_script), b.len);
	assert_memory_equal(ge_hook_script, b.ptr, b.len);
	assert_non_null(strstr(ge_hook_script, "goescape hook pre-push \"$1\" \"$2\""));
	ge_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_lines),
		cmocka_unit_test(no_final_newline),
		cmocka_unit_test(empty_and_blank),
		cmocka_unit_test(crlf),
		cmocka_unit_test(bad_lines),
		cmocka_unit_test(bad_line_is_named),
		cmocka_unit_test(long_ref_is_bad),
		cmocka_unit_test(zero_oids),
		cmocka_unit_test(precommit_update),
		cmocka_unit_test(precommit_defaults),
		cmocka_unit_test(precommit_nothing_or_bad),
		cmocka_unit_test(script_is_hooks_pre_push),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
