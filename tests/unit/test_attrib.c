/*
 * lib/attrib: compiler output captured from real toolchains, parsed by
 * lib/parse and attributed line by line: the file relative to its module,
 * the package from the "# importpath" header, the function by the
 * compiler's own name (package-wide closure and init numbering across the
 * package's files, checked against the names -m=2 prints: "escapes to heap
 * in F"), the -m=2 explanation attached, one line hash per source line,
 * the scope, and the count of lines that said something about the module.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "attrib.h"

#define OUT "../fixtures/compiler-output/"

typedef struct feed_ud {
	ge_attrib *a;
	ge_report *r;
} feed_ud;

static int feed(const ge_parse_line *l, void *ud)
{
	feed_ud *f = ud;
	return ge_attrib_line(f->a, f->r, l);
}

/* Attribute FIXTURE (output of MODULE) into a sorted report; scope: the
 * import paths to keep (NULL: every main-module package). */
static ge_report *attribute(const char *fixture, const char *module, char *const *scope,
                            size_t nscope, size_t *main_lines)
{
	char dir[PATH_MAX];
	ge_modset mods = GE_MODSET_INIT;
	ge_parser *p = NULL;
	ge_buf in = GE_BUF_INIT;
	feed_ud f = {NULL, NULL};
	assert_non_null(realpath(module, dir));
	assert_int_equal(ge_modset_find(&mods, dir, "off"), 0);
	assert_int_equal(ge_file_read(&in, fixture), 0);
	assert_int_equal(ge_parser_new(&p), 0);
	assert_int_equal(ge_attrib_new(&f.a, &mods, dir), 0);
	assert_int_equal(ge_report_new(&f.r), 0);
	if (scope)
		ge_attrib_set_scope(f.a, scope, nscope);
	assert_int_equal(ge_parser_feed(p, in.ptr, in.len, feed, &f), 0);
	assert_int_equal(ge_parser_finish(p, feed, &f), 0);
	if (main_lines)
		*main_lines = ge_attrib_main_lines(f.a);
	ge_report_sort(f.r);
	ge_attrib_free(f.a);
	ge_parser_free(p);
	ge_buf_release(&in);
	ge_modset_release(&mods);
	return f.r;
}

static const ge_diag *find(const ge_report *r, const char *file, uint32_t line, uint32_t col,
                           ge_kind kind)
{
	size_t i;
	for (i = 0; i < r->ndiags; i++)
		if (!strcmp(r->diags[i].file, file) && r->diags[i].line == line &&
		    r->diags[i].column == col && r->diags[i].kind == kind)
			return &r->diags[i];
	fail_msg("no diagnostic at %s:%u:%u", file, line, col);
	return NULL;
}

/* Package-level closures and init functions in three files of one package:
 * the names are those the compiler printed with -m=2. */
static void compiler_names_across_files(void **state)
{
	static const struct {
		const char *file;
		uint32_t line, col;
		const char *func;
	} want[] = {
	    {"p/a.go", 9, 2, "init.func1"}, {"p/b.go", 11, 3, "init.func3"},
	    {"p/c.go", 8, 2, "init.func4"}, {"p/a.go", 14, 12, "init.0"},
	    {"p/a.go", 24, 3, "Work"},
	};
	size_t i;
	ge_report *r =
	    attribute(OUT "go1.26.8-gopkgmod-m2.txt", "../fixtures/gopkgmod", NULL, 0, NULL);
	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const ge_diag *d = NULL;
		size_t k;
		for (k = 0; k < r->ndiags && !d; k++)
			if (!strcmp(r->diags[k].file, want[i].file) &&
			    r->diags[k].line == want[i].line && r->diags[k].column == want[i].col)
				d = &r->diags[k];
		if (!d)
			fail_msg("no diagnostic at %s:%u:%u", want[i].file, want[i].line,
			         want[i].col);
		assert_string_equal(d->function, want[i].func);
		assert_string_equal(d->package, "example.com/gopkgmod/p");
	}
	ge_report_free(r);
}

/* -m=2: the explanation is kept with the diagnostic it explains. */
static void explanations_attached(void **state)
{
	ge_report *r =
	    attribute(OUT "go1.26.8-gopkgmod-m2.txt", "../fixtures/gopkgmod", NULL, 0, NULL);
	const ge_diag *d = find(r, "p/a.go", 9, 2, GE_KIND_MOVED);
	(void)state;
	assert_true(r->nexplain > 0);
	assert_true(d->explain > 0 && d->explain <= r->nexplain);
	assert_non_null(strstr(r->explain[d->explain - 1], "x escapes to heap in init.func1"));
	ge_report_free(r);
}

/* One hash per source line: two diagnostics on one line share it, two lines
 * do not; the file is relative to the module, the package its header's. */
static void files_packages_line_hashes(void **state)
{
	size_t main_lines = 0;
	ge_report *r =
	    attribute(OUT "go1.27.3-m.txt", "../fixtures/parsemod", NULL, 0, &main_lines);
	const ge_diag *a = find(r, "fmtint/fmtint.go", 26, 37, GE_KIND_ESCAPES);
	const ge_diag *b = find(r, "fmtint/fmtint.go", 26, 15, GE_KIND_ESCAPES);
	const ge_diag *c = find(r, "fmtint/fmtint.go", 21, 15, GE_KIND_ESCAPES);
	(void)state;
	assert_true(main_lines > 0);
	assert_true(a->line_hash != 0);
	assert_true(a->line_hash == b->line_hash);
	assert_true(a->line_hash != c->line_hash);
	assert_string_equal(a->package, "example.com/parsemod/fmtint");
	assert_string_equal(a->function, "AppendSprintf");
	assert_string_equal(find(r, "heapy/heapy.go", 44, 2, GE_KIND_MOVED)->function, "Moved");
	ge_report_free(r);
}

/* A scope of one package: the others' diagnostics are not reported. */
static void scope_keeps_one_package(void **state)
{
	char *const scope[] = {(char *)"example.com/parsemod/heapy"};
	ge_report *all = attribute(OUT "go1.26.8-m.txt", "../fixtures/parsemod", NULL, 0, NULL);
	ge_report *r = attribute(OUT "go1.26.8-m.txt", "../fixtures/parsemod", scope, 1, NULL);
	size_t i, n = 0;
	(void)state;
	for (i = 0; i < all->ndiags; i++)
		n += !strcmp(all->diags[i].package, "example.com/parsemod/heapy");
	assert_true(n > 0 && n < all->ndiags);
	assert_int_equal(r->ndiags, n);
	for (i = 0; i < r->ndiags; i++)
		assert_string_equal(r->diags[i].package, "example.com/parsemod/heapy");
	ge_report_free(all);
	ge_report_free(r);
}

/* Output of another module says nothing about this one. */
static void other_module_output(void **state)
{
	size_t main_lines = 1;
	ge_report *r =
	    attribute(OUT "go1.26.8-m.txt", "../fixtures/gopkgmod", NULL, 0, &main_lines);
	(void)state;
	assert_int_equal(r->ndiags, 0);
	assert_int_equal(main_lines, 0);
	ge_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(compiler_names_across_files),
	    cmocka_unit_test(explanations_attached),
	    cmocka_unit_test(files_packages_line_hashes),
	    cmocka_unit_test(scope_keeps_one_package),
	    cmocka_unit_test(other_module_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
