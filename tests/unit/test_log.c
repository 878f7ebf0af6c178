/*
 * lib/log's renderers on a log made here (the walk itself is tested on
 * real repositories in t1007, t1901 and t1902): HTML escaping of every
 * repository string, gaps that break a chart's line instead of drawing
 * zeros, the text columns of `goescape log`, and JSON that parses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "log.h"

static const char evil[] = "<script>x</script> </svg> \"q\" 's' & \x01";

/* Three commits, newest first: a note with one new escape, a gap, a root with a note. */
static void make_log(ge_log *l)
{
	ge_log_entry *e;
	memset(l, 0, sizeof(*l));
	l->v = calloc(3, sizeof(*l->v));
	assert_non_null(l->v);
	l->n = 3;
	l->module = ge_strdup("example.com/m");
	e = &l->v[0];
	memcpy(e->commit, "1111111111111111111111111111111111111111", 41);
	memcpy(e->parent, "2222222222222222222222222222222222222222", 41);
	e->subject = ge_strdup(evil);
	e->author = ge_strdup(evil);
	e->time = 1764547200; /* 2025-12-01 */
	e->has_note = 1;
	e->compared = 1;
	e->heap = 3;
	e->escapes = 2;
	e->moved = 1;
	e->new_ = 1;
	e->pkgs = calloc(1, sizeof(*e->pkgs));
	assert_non_null(e->pkgs);
	e->npkgs = 1;
	e->pkgs[0].package = ge_strdup(evil);
	e->pkgs[0].heap = 3;
	e->ntop = 1;
	e->top[0].file = ge_strdup(evil);
	e->top[0].function = ge_strdup(evil);
	e->top[0].message = ge_strdup(evil);
	e->top[0].line = 7;
	e = &l->v[1];
	memcpy(e->commit, "2222222222222222222222222222222222222222", 41);
	memcpy(e->parent, "3333333333333333333333333333333333333333", 41);
	e->subject = ge_strdup("gap");
	e->author = ge_strdup("a");
	e = &l->v[2];
	memcpy(e->commit, "3333333333333333333333333333333333333333", 41);
	e->subject = ge_strdup("root");
	e->author = ge_strdup("a");
	e->has_note = 1;
	e->heap = e->escapes = 2;
	e->pkgs = calloc(1, sizeof(*e->pkgs));
	assert_non_null(e->pkgs);
	e->npkgs = 1;
	e->pkgs[0].package = ge_strdup(evil);
	e->pkgs[0].heap = 2;
}

static void escape_every_special_byte(void **state)
{
	ge_buf b = GE_BUF_INIT;
	(void)state;
	assert_int_equal(ge_log_html_escape(&b, evil), 0);
	assert_string_equal(ge_buf_cstr(&b), "&lt;script&gt;x&lt;/script&gt; &lt;/svg&gt; "
	                                     "&quot;q&quot; &#39;s&#39; &amp; &#xFFFD;");
	ge_buf_release(&b);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (hay = strstr(hay, needle); hay; hay = strstr(hay + 1, needle))
		n++;
	return n;
}

static void html_has_no_raw_repository_string(void **state)
{
	ge_log l;
	ge_buf b = GE_BUF_INIT;
	const char *h;
	(void)state;
	make_log(&l);
	assert_int_equal(ge_log_html(&b, &l), 0);
	h = ge_buf_cstr(&b);
	assert_null(strstr(h, "<script"));
	assert_null(strstr(h, "http"));
	assert_null(strstr(h, "url("));
	assert_int_equal(count(h, "<svg"), count(h, "</svg>"));
	assert_non_null(strstr(h, "&lt;script&gt;x&lt;/script&gt;"));
	/* The gap is named with the way to fill it. */
	assert_non_null(strstr(h, "1 of 3 commits have no stored report"));
	assert_non_null(strstr(h, "goescape report --commit 222222222222"));
	assert_non_null(strstr(h, "id=\"head-heap\">3<"));
	ge_buf_release(&b);
	ge_log_release(&l);
}

/* Oldest first: root, gap, newest.  The line restarts after the gap ("M" twice). */
static void html_gap_breaks_the_line(void **state)
{
	ge_log l;
	ge_buf b = GE_BUF_INIT;
	const char *p;
	(void)state;
	make_log(&l);
	assert_int_equal(ge_log_html(&b, &l), 0);
	p = strstr(ge_buf_cstr(&b), "<path fill=\"none\" stroke=\"#000000\"");
	assert_non_null(p);
	p = strstr(p, " d=\"");
	assert_non_null(p);
	assert_true(p[4] == 'M');
	assert_non_null(strchr(p + 5, 'M'));
	assert_true(strchr(p + 5, 'M') < strchr(p + 4, '/'));
	assert_null(memchr(p + 4, 'L', (size_t)(strchr(p + 4, '/') - (p + 4))));
	ge_buf_release(&b);
	ge_log_release(&l);
}

static void text_columns(void **state)
{
	ge_log l;
	ge_buf b = GE_BUF_INIT;
	(void)state;
	make_log(&l);
	free(l.v[0].subject);
	l.v[0].subject = ge_strdup("newest");
	assert_int_equal(ge_log_text(&b, &l), 0);
	assert_string_equal(ge_buf_cstr(&b), "1111111      3  +1 -0   newest\n"
	                                     "2222222      ?          gap\n"
	                                     "3333333      2          root\n");
	ge_buf_release(&b);
	ge_log_release(&l);
}

static void json_parses_with_gaps_as_absent_counts(void **state)
{
	ge_log l;
	ge_buf b = GE_BUF_INIT;
	cJSON *j, *c;
	(void)state;
	make_log(&l);
	assert_int_equal(ge_log_json(&b, &l), 0);
	j = cJSON_Parse(ge_buf_cstr(&b));
	assert_non_null(j);
	c = cJSON_GetObjectItem(j, "commits");
	assert_int_equal(cJSON_GetArraySize(c), 3);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(c, 0), "subject")->valuestring,
	                    evil);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(c, 0), "new")->valueint, 1);
	assert_null(cJSON_GetObjectItem(cJSON_GetArrayItem(c, 1), "heap"));
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetArrayItem(c, 1), "note")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(c, 2), "parent")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(c, 2), "new")));
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(c, 0), "date")->valuestring,
	                    "2025-12-01T00:00:00Z");
	cJSON_Delete(j);
	ge_buf_release(&b);
	ge_log_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(escape_every_special_byte),
	    cmocka_unit_test(html_has_no_raw_repository_string),
	    cmocka_unit_test(html_gap_breaks_the_line),
	    cmocka_unit_test(text_columns),
	    cmocka_unit_test(json_parses_with_gaps_as_absent_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
