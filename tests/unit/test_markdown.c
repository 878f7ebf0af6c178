/* lib/markdown: repository text cannot break a table or become HTML; the size limit holds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "markdown.h"

static void escape(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"plain text 1.go", "plain text 1.go"},
	    {"a|b", "a&#124;b"},
	    {"<script>x</script>", "&#60;script&#62;x&#60;/script&#62;"},
	    {"`code`", "&#96;code&#96;"},
	    {"[x](javascript:y)", "&#91;x&#93;(javascript&#58;y)"},
	    {"*em* _u_ ~s~", "&#42;em&#42; &#95;u&#95; &#126;s&#126;"},
	    {"&amp; \\| @user #1 $x$", "&#38;amp; &#92;&#124; &#64;user &#35;1 &#36;x&#36;"},
	    {"two\nlines\r\tand\x01" "ctl", "two lines  andctl"},
	    {"h\xc3\xa9 \xe2\x9c\x93", "h\xc3\xa9 \xe2\x9c\x93"},
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ge_buf b = GE_BUF_INIT;
		assert_int_equal(ge_markdown_escape(&b, cases[i].in), 0);
		assert_string_equal(b.ptr, cases[i].want);
		ge_buf_release(&b);
	}
}

static ge_report *hostile_report(size_t n)
{
	ge_report *r = NULL;
	size_t i;
	assert_int_equal(ge_report_new(&r), 0);
	for (i = 0; i < n; i++) {
		ge_diag d;
		memset(&d, 0, sizeof(d));
		d.package = "example.com/m|<b>";
		d.file = "x|y<script>`.go";
		d.function = "F|<i>";
		d.subject = "n";
		d.message = "moved to heap: n|`<img src=x>`";
		d.line = (uint32_t)(i + 1);
		d.column = 2;
		d.kind = GE_KIND_MOVED;
		d.status = GE_STATUS_NEW;
		d.count = i == 0 ? 3 : 1;
		assert_int_equal(ge_report_add(r, &d), 0);
	}
	return r;
}

/* Every table row has the cells of its header: no '|' from the data. */
static void rows_keep_their_cells(void **state)
{
	ge_report *r = hostile_report(2);
	ge_markdown_opts o = GE_MARKDOWN_OPTS_INIT;
	ge_buf b = GE_BUF_INIT;
	const char *p;
	(void)state;
	o.only_new = 1;
	o.link = "sub dir/";
	assert_int_equal(ge_markdown_render(&b, r, &o), 0);
	assert_null(strstr(b.ptr, "<script"));
	assert_null(strstr(b.ptr, "<img"));
	assert_null(strstr(b.ptr, "<b>"));
	assert_non_null(strstr(
	    b.ptr, "| [x&#124;y&#60;script&#62;&#96;.go:1](sub%20dir/x%7Cy%3Cscript%3E%60.go#L1) "
	           "| F&#124;&#60;i&#62; | moved to heap&#58; n&#124;&#96;&#60;img src=x&#62;&#96; "
	           "\xc3\x97"
	           "3 |\n"));
	for (p = b.ptr; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p), bars = 0, k;
		for (k = 0; k < len; k++)
			bars += p[k] == '|';
		if (len && p[0] == '|' && strncmp(p, "| Package", 9) && strncmp(p, "|---|--:", 8) &&
		    strncmp(p, "| example.com", 13))
			assert_int_equal(bars, 4);
		p += len + (e != NULL);
	}
	ge_buf_release(&b);
	ge_report_free(r);
}

static void limit(void **state)
{
	ge_report *r = hostile_report(2000);
	ge_markdown_opts o = GE_MARKDOWN_OPTS_INIT;
	ge_buf b = GE_BUF_INIT;
	(void)state;
	o.only_new = 1;
	o.limit = 64 * 1024;
	assert_int_equal(ge_markdown_render(&b, r, &o), 0);
	assert_true(b.len <= o.limit);
	assert_true(b.len > o.limit / 2);
	assert_non_null(strstr(b.ptr, " rows left out to stay under GitHub's 64 KiB"));
	assert_non_null(strstr(b.ptr, " | 2002 | 2002 | 0 |\n"));
	ge_buf_release(&b);
	ge_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(escape),
	    cmocka_unit_test(rows_keep_their_cells),
	    cmocka_unit_test(limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
