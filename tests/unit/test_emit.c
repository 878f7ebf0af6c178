/*
 * lib/emit: the renderings of a report made from compiler output captured
 * from a real toolchain (go1.26.8 on tests/fixtures/parsemod): the format
 * names, report's grouped text and its summary, check's one line per new
 * escape, colour only when asked, JSON exactly the report's, GitHub
 * workflow commands (escaped, with the repository prefix), and the build's
 * one-line summary.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "emit.h"
#include "fixture.h"

static ge_report *load(void)
{
	ge_report *r = fixture_parsemod();
	if (!r)
		fail_msg("%s", ge_error_last());
	return r;
}

static ge_diag *find(ge_report *r, const char *file, uint32_t line, uint32_t col)
{
	size_t i;
	for (i = 0; i < r->ndiags; i++)
		if (!strcmp(r->diags[i].file, file) && r->diags[i].line == line &&
		    r->diags[i].column == col)
			return &r->diags[i];
	fail_msg("no diagnostic at %s:%u:%u", file, line, col);
	return NULL;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (; (hay = strstr(hay, needle)); hay++)
		n++;
	return n;
}

static void format_names(void **state)
{
	static const char *const names[] = {"text", "json", "sarif", "github", "markdown"};
	ge_format f;
	int i;
	(void)state;
	for (i = 0; i < 5; i++) {
		assert_int_equal(ge_format_parse(&f, names[i]), 0);
		assert_int_equal((int)f, i);
	}
	assert_int_equal(ge_format_parse(&f, "JSON"), GE_EUSAGE);
	assert_string_equal(ge_error_last(),
	                    "unknown format 'JSON' (want text, json, sarif, github or markdown)");
	assert_int_equal(ge_format_parse(&f, ""), GE_EUSAGE);
}

/* report: each file once as a heading, each function under it, then the
 * summary line whose numbers are the report's. */
static void text_grouped(void **state)
{
	ge_report *r = load();
	ge_emit_opts o = GE_EMIT_OPTS_INIT;
	ge_buf out = GE_BUF_INIT, want = GE_BUF_INIT;
	ge_summary s;
	(void)state;
	assert_int_equal(ge_emit(&out, r, GE_FMT_TEXT, &o), 0);
	assert_int_equal(count(ge_buf_cstr(&out), "\nheapy/heapy.go\n"), 1);
	assert_int_equal(count(ge_buf_cstr(&out), "fmtint/fmtint.go\n"), 1);
	assert_non_null(
	    strstr(ge_buf_cstr(&out), "\n  Sprintf\n    16:27\tescapes  n escapes to heap\n"));
	assert_non_null(strstr(ge_buf_cstr(&out), "    44:2\tmoved    moved to heap: x\n"));
	assert_null(strchr(ge_buf_cstr(&out), '\033'));
	ge_report_summary(r, &s);
	assert_int_equal(ge_buf_printf(&want,
	                               "\n%zu heap escapes (%zu moved to heap, %zu escapes) in %zu "
	                               "packages; %zu leaking params\n",
	                               s.heap, s.moved, s.escapes, s.packages, s.leaks),
	                 0);
	assert_true(out.len > want.len);
	assert_string_equal(ge_buf_cstr(&out) + out.len - want.len, ge_buf_cstr(&want));
	ge_buf_release(&out);
	ge_buf_release(&want);
	ge_report_free(r);
}

/* check: one line per new heap escape, moved ones after them, leaks and
 * existing ones never; colour codes only with color set. */
static void text_only_new(void **state)
{
	ge_report *r = load();
	ge_emit_opts o = GE_EMIT_OPTS_INIT;
	ge_buf out = GE_BUF_INIT, want = GE_BUF_INIT;
	ge_summary s;
	size_t i;
	ge_diag *d;
	(void)state;
	for (i = 0; i < r->ndiags; i++)
		r->diags[i].status = GE_STATUS_EXISTING;
	find(r, "heapy/heapy.go", 44, 2)->status = GE_STATUS_NEW;
	d = find(r, "fmtint/fmtint.go", 16, 27);
	d->status = GE_STATUS_MOVED;
	{
		ge_diag_rare moved = {NULL, "fmtint/old.go", "OldSprintf"};
		assert_int_equal(ge_report_set_rare(r, d, &moved), 0);
	}
	o.only_new = 1;
	o.command = "check";
	assert_int_equal(ge_emit(&out, r, GE_FMT_TEXT, &o), 0);
	ge_report_summary(r, &s);
	assert_int_equal(
	    ge_buf_printf(&want,
	                  "heapy/heapy.go:44:2: Moved: moved to heap: x\n"
	                  "fmtint/fmtint.go:16:27: Sprintf: n escapes to heap  (moved "
	                  "from OldSprintf in fmtint/old.go)\n"
	                  "1 new heap escape, 0 fixed, 1 moved with their code (of %zu "
	                  "in all)\n",
	                  s.heap),
	    0);
	assert_string_equal(ge_buf_cstr(&out), ge_buf_cstr(&want));
	ge_buf_release(&want);
	ge_buf_release(&out);
	o.color = 1;
	assert_int_equal(ge_emit(&out, r, GE_FMT_TEXT, &o), 0);
	assert_non_null(strstr(ge_buf_cstr(&out), "\033[1mheapy/heapy.go:44:2:\033[0m Moved"));
	assert_non_null(strstr(ge_buf_cstr(&out), "\033[1;31m1 new heap escape\033[0m"));
	ge_buf_release(&out);
	ge_report_free(r);
}

static void json_is_the_reports(void **state)
{
	ge_report *r = load();
	ge_emit_opts o = GE_EMIT_OPTS_INIT;
	ge_buf out = GE_BUF_INIT, direct = GE_BUF_INIT;
	(void)state;
	assert_int_equal(ge_emit(&out, r, GE_FMT_JSON, &o), 0);
	assert_int_equal(ge_report_to_json(&direct, r), 0);
	assert_string_equal(ge_buf_cstr(&out), ge_buf_cstr(&direct));
	assert_non_null(strstr(ge_buf_cstr(&out), "\"schema\": \"goescape-report/1\""));
	ge_buf_release(&out);
	ge_buf_release(&direct);
	ge_report_free(r);
}

/* github: warnings for every heap escape of a report; with statuses only the
 * new ones, as errors; properties escaped, the prefix before the file. */
static void github_commands(void **state)
{
	ge_report *r = load();
	ge_emit_opts o = GE_EMIT_OPTS_INIT;
	ge_buf out = GE_BUF_INIT;
	ge_summary s;
	size_t i;
	(void)state;
	ge_report_summary(r, &s);
	assert_int_equal(ge_emit(&out, r, GE_FMT_GITHUB, &o), 0);
	assert_int_equal(count(ge_buf_cstr(&out), "::warning file="), s.heap);
	assert_int_equal(count(ge_buf_cstr(&out), "\n"), s.heap);
	assert_non_null(strstr(ge_buf_cstr(&out),
	                       "::warning file=heapy/heapy.go,line=44,col=2,title=moved to heap in "
	                       "Moved::moved to heap: x\n"));
	ge_buf_release(&out);
	for (i = 0; i < r->ndiags; i++)
		r->diags[i].status = GE_STATUS_EXISTING;
	find(r, "fmtint/fmtint.go", 16, 27)->status = GE_STATUS_NEW;
	o.repo_prefix = "svc/a,b:c/";
	assert_int_equal(ge_emit(&out, r, GE_FMT_GITHUB, &o), 0);
	assert_string_equal(ge_buf_cstr(&out),
	                    "::error file=svc/a%2Cb%3Ac/fmtint/fmtint.go,line=16,col=27,"
	                    "title=escapes to heap in Sprintf::n escapes to heap\n");
	ge_buf_release(&out);
	ge_report_free(r);
}

static void build_summary(void **state)
{
	ge_report *r = load();
	ge_buf out = GE_BUF_INIT, want = GE_BUF_INIT;
	ge_summary s;
	(void)state;
	ge_report_summary(r, &s);
	assert_int_equal(ge_emit_build_summary(&out, r), 0);
	assert_int_equal(
	    ge_buf_printf(&want, "goescape: %zu heap escapes in %zu packages", s.heap, s.packages),
	    0);
	assert_string_equal(ge_buf_cstr(&out), ge_buf_cstr(&want));
	assert_true(s.heap > 1 && s.packages > 1);
	ge_buf_release(&out);
	ge_buf_release(&want);
	ge_report_free(r);
}

/* "DIR/name" in a buffer of the test's. */
static const char *in_dir(char *buf, size_t len, const char *dir, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
	return buf;
}

/* Several outputs of one run: each rendered as ge_emit renders it alone, the
 * files written, the one without a file handed back for standard output; a
 * file that cannot be written leaves every file as it was and nothing for
 * standard output. */
static void outputs_all_or_none(void **state)
{
	ge_report *r = load();
	ge_emit_opts o = GE_EMIT_OPTS_INIT;
	ge_buf out = GE_BUF_INIT, json = GE_BUF_INIT, text = GE_BUF_INIT, got = GE_BUF_INIT;
	char tmpl[] = "/tmp/test_emit.XXXXXX", a[128], b[128], bad[128];
	const char *dir = mkdtemp(tmpl);
	ge_emit_output v[3] = {{"json", NULL, 0}, {NULL, NULL, 0}, {"github", NULL, 0}};
	(void)state;
	assert_non_null(dir);
	v[0].file = in_dir(a, sizeof(a), dir, "a.json");
	v[2].file = in_dir(b, sizeof(b), dir, "b.gh");
	assert_int_equal(ge_emit(&json, r, GE_FMT_JSON, &o), 0);
	assert_int_equal(ge_emit(&text, r, GE_FMT_TEXT, &o), 0);
	assert_int_equal(ge_emit_outputs(&out, r, v, 3, &o), 0);
	assert_string_equal(ge_buf_cstr(&out), ge_buf_cstr(&text));
	assert_int_equal(ge_file_read(&got, a), 0);
	assert_string_equal(ge_buf_cstr(&got), ge_buf_cstr(&json));
	ge_buf_release(&got);
	assert_int_equal(ge_file_read(&got, b), 0);
	assert_non_null(strstr(ge_buf_cstr(&got), "::warning file=heapy/heapy.go,line=44,col=2,"));
	ge_buf_release(&got);
	ge_buf_release(&out);
	/* b.gh in a directory that does not exist: a.json is not replaced either */
	assert_int_equal(unlink(a), 0);
	v[2].file = in_dir(bad, sizeof(bad), dir, "no/such/b.gh");
	assert_true(ge_emit_outputs(&out, r, v, 3, &o) < 0);
	assert_int_equal(access(a, F_OK), -1);
	assert_int_equal(out.len, 0);
	/* an unknown format fails before anything is written */
	v[2].file = b;
	v[2].format = "yaml";
	assert_int_equal(ge_emit_outputs(&out, r, v, 3, &o), GE_EUSAGE);
	assert_int_equal(access(a, F_OK), -1);
	assert_int_equal(unlink(b), 0);
	assert_int_equal(rmdir(dir), 0);
	ge_buf_release(&out);
	ge_buf_release(&json);
	ge_buf_release(&text);
	ge_report_free(r);
}

/* What ge_emit_outputs cannot write: two outputs to standard output, or
 * two to one file. */
static void outputs_check(void **state)
{
	ge_emit_output two_stdout[2] = {{"json", NULL, 0}, {"text", NULL, 0}};
	ge_emit_output same_file[3] = {{"json", "a", 0}, {"text", NULL, 0}, {"sarif", "a", 0}};
	ge_emit_output fine[3] = {{"json", "a", 0}, {"text", NULL, 0}, {"sarif", "b", 0}};
	(void)state;
	assert_int_equal(ge_emit_outputs_check(two_stdout, 2), GE_EUSAGE);
	assert_non_null(strstr(ge_error_last(), "only one output can go to standard output"));
	assert_int_equal(ge_emit_outputs_check(same_file, 3), GE_EUSAGE);
	assert_string_equal(ge_error_last(), "two outputs to 'a'");
	assert_int_equal(ge_emit_outputs_check(fine, 3), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(format_names),        cmocka_unit_test(text_grouped),
	    cmocka_unit_test(text_only_new),       cmocka_unit_test(json_is_the_reports),
	    cmocka_unit_test(github_commands),     cmocka_unit_test(build_summary),
	    cmocka_unit_test(outputs_all_or_none), cmocka_unit_test(outputs_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
