/* lib/report: canonical order, duplicates, JSON out and back in, bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static ge_diag mk(const char *file, uint32_t line, uint32_t col, ge_kind k, const char *subj)
{
	ge_diag d;
	memset(&d, 0, sizeof(d));
	d.package = "example.com/m/p";
	d.file = file;
	d.line = line;
	d.column = col;
	d.kind = k;
	d.subject = subj;
	d.function = "(*T).M";
	d.message = k == GE_KIND_MOVED ? "moved to heap: x" : "x escapes to heap \"q\"\t\\";
	d.line_hash = 0x1234abcdULL;
	return d;
}

static void sort_and_dedupe(void **state)
{
	ge_report *r = NULL;
	ge_diag a = mk("b.go", 3, 1, GE_KIND_ESCAPES, "x"), b = mk("a.go", 9, 2, GE_KIND_MOVED, "x");
	ge_summary s;
	(void)state;
	assert_int_equal(ge_report_new(&r), 0);
	assert_int_equal(ge_report_add(r, &a), 0);
	assert_int_equal(ge_report_add(r, &b), 0);
	assert_int_equal(ge_report_add(r, &a), 0); /* the compiler repeats itself */
	ge_report_sort(r);
	assert_int_equal(r->ndiags, 2);
	assert_string_equal(r->diags[0].file, "a.go");
	/* Interned: equal strings share storage. */
	assert_ptr_equal(r->diags[0].function, r->diags[1].function);
	ge_report_summary(r, &s);
	assert_int_equal(s.heap, 2);
	assert_int_equal(s.moved, 1);
	assert_int_equal(s.packages, 1);
	ge_report_free(r);
}

static void json_round_trip(void **state)
{
	ge_report *r = NULL, *back = NULL;
	ge_buf j1 = GE_BUF_INIT, j2 = GE_BUF_INIT;
	ge_diag a = mk("p/x.go", 3, 1, GE_KIND_ESCAPES, "([]byte)(~r0)");
	ge_diag b = mk("p/x.go", 4, 2, GE_KIND_LEAK, "p");
	(void)state;
	assert_int_equal(ge_report_new(&r), 0);
	assert_int_equal(ge_report_set_meta(r, "go1.26.8", "example.com/m", NULL, 1), 0);
	a.status = GE_STATUS_NEW;
	assert_int_equal(ge_report_add(r, &a), 0);
	assert_int_equal(ge_report_add(r, &b), 0);
	assert_int_equal(ge_report_add_fixed(r, &b), 0);
	ge_report_sort(r);
	assert_int_equal(ge_report_to_json(&j1, r), 0);
	assert_non_null(strstr(j1.ptr, "\"schema\": \"goescape-report/1\""));
	assert_non_null(strstr(j1.ptr, "\"commit\": null"));
	assert_non_null(strstr(j1.ptr, "\"new\": 1"));
	assert_non_null(strstr(j1.ptr, "escapes to heap \\\"q\\\"\\t\\\\"));
	assert_int_equal(ge_report_from_json(&back, j1.ptr, j1.len, "r.json"), 0);
	assert_int_equal(back->ndiags, 2);
	assert_int_equal(back->nfixed, 1);
	assert_int_equal(back->dirty, 1);
	assert_int_equal(back->diags[0].line_hash, 0x1234abcdULL);
	assert_int_equal(ge_report_to_json(&j2, back), 0);
	assert_string_equal(j1.ptr, j2.ptr);
	ge_buf_release(&j1);
	ge_buf_release(&j2);
	ge_report_free(r);
	ge_report_free(back);
}

static void bad_json(void **state)
{
	static const char *const bad[] = {
		"",
		"{\"schema\":\"goescape-report/1\",\"diagnostics\":[",
		"[1,2]",
		"{\"schema\":\"goescape-report/9\",\"diagnostics\":[]}",
		"{\"schema\":\"goescape-report/1\",\"diagnostics\":{}}",
		"{\"schema\":\"goescape-report/1\",\"diagnostics\":[{\"file\":\"a.go\"}]}",
		"{\"schema\":\"goescape-report/1\",\"diagnostics\":[{\"file\":\"../../etc/x.go\","
		"\"line\":1,\"function\":\"\",\"kind\":\"moved\",\"subject\":\"x\"}]}",
		"{\"schema\":\"goescape-report/1\",\"diagnostics\":[{\"file\":\"a.go\","
		"\"line\":1,\"function\":\"\",\"kind\":\"weird\",\"subject\":\"x\"}]}",
		NULL};
	size_t i;
	(void)state;
	for (i = 0; bad[i]; i++) {
		ge_report *r = (ge_report *)1;
		assert_int_equal(ge_report_from_json(&r, bad[i], strlen(bad[i]), "b.json"),
				 GE_EBADINPUT);
		assert_null(r);
		assert_non_null(strstr(ge_error_last(), "'b.json'"));
	}
}

static void json_stays_utf8(void **state)
{
	/* A file name in another encoding must not make the JSON invalid. */
	ge_buf b = GE_BUF_INIT;
	(void)state;
	assert_int_equal(ge_buf_put_json(&b, "a\xff" "b\xc3\xa9\x01\xe6\x97\xa5\"\\\xed\xa0\x80"), 0);
	assert_string_equal(b.ptr, "\"a\\ufffdb\xc3\xa9\\u0001\xe6\x97\xa5\\\"\\\\\\ufffd\\ufffd\\ufffd\"");
	ge_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sort_and_dedupe),
		cmocka_unit_test(json_round_trip),
		cmocka_unit_test(bad_json),
		cmocka_unit_test(json_stays_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
