/*
 * Unit tests of the assertion directives' pieces that need no build:
 * lib/gopkg's directive reading (placement, lists, strings that are not
 * comments, the ignore mark left alone) on the fixture module's source,
 * lib/parse's check_bce lines on output captured from Go 1.19.8, 1.26.8
 * and 1.27.3 (tests/fixtures/compiler-output, goN-assertmod-bce-m.txt), and
 * the rule names and outputs of lib/asserts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "asserts.h"
#include "common.h"
#include "emit.h"
#include "golex.h"
#include "gopkg.h"
#include "parse.h"

#define FIXDIR "../fixtures/assertmod/"
#define OUTDIR "../fixtures/compiler-output/"

typedef struct found {
	ge_buf src;
	ge_golex lx;
	ge_gopkg_directive *d;
	size_t n;
} found;

static void scan_text(found *f, const char *text)
{
	ge_buf z = GE_BUF_INIT;
	ge_golex l = GE_GOLEX_INIT;
	f->src = z;
	f->lx = l;
	assert_int_equal(ge_buf_puts(&f->src, text), 0);
	assert_int_equal(ge_golex_scan(&f->lx, ge_buf_cstr(&f->src), f->src.len), 0);
	assert_int_equal(ge_gopkg_directives(&f->d, &f->n, &f->lx), 0);
}

static void scan_file(found *f, const char *path)
{
	ge_buf b = GE_BUF_INIT;
	assert_int_equal(ge_file_read(&b, path), 0);
	scan_text(f, ge_buf_cstr(&b));
	ge_buf_release(&b);
}

static void found_release(found *f)
{
	free(f->d);
	ge_golex_release(&f->lx);
	ge_buf_release(&f->src);
}

/* The directive whose comment is on line, or fail. */
static const ge_gopkg_directive *at(const found *f, uint32_t line)
{
	size_t i;
	for (i = 0; i < f->n; i++)
		if (f->d[i].line == line)
			return &f->d[i];
	fail_msg("no directive on line %u", line);
	return NULL;
}

static int list_is(const ge_gopkg_directive *d, const char *s)
{
	return d->list_len == strlen(s) && memcmp(d->list, s, d->list_len) == 0;
}

static void test_fixture_placements(void **state)
{
	found f;
	const ge_gopkg_directive *d;
	(void)state;
	scan_file(&f, FIXDIR "a/a.go");
	assert_int_equal(f.n, 24); /* every "//goescape:" and "//gcassert:" comment */
	/* trailing */
	d = at(&f, 12);
	assert_int_equal(d->target, 12);
	assert_true(d->trailing && !d->gcassert && !d->decl);
	assert_int_equal(d->col, 10);
	assert_true(list_is(d, "noescape"));
	d = at(&f, 16);
	assert_true(d->trailing && d->gcassert && list_is(d, "inline"));
	/* above a statement: the next line */
	d = at(&f, 27);
	assert_int_equal(d->target, 28);
	assert_false(d->trailing);
	/* above a declaration, after a doc comment: the func line, a declaration */
	d = at(&f, 46);
	assert_int_equal(d->target, 47);
	assert_true(d->decl);
	d = at(&f, 49);
	assert_true(d->decl && d->gcassert);
	/* parameters on lines of their own: beside and above */
	d = at(&f, 53);
	assert_true(d->trailing && d->target == 53 && !d->decl);
	d = at(&f, 54);
	assert_int_equal(d->target, 55);
	/* lists, spaces kept for the splitter */
	assert_true(list_is(at(&f, 65), "bce,inline"));
	assert_true(list_is(at(&f, 67), "noescape, bce"));
	assert_true(list_is(at(&f, 73), "noescap"));
	assert_int_equal(at(&f, 74)->target, 75);
	found_release(&f);

	scan_file(&f, FIXDIR "b/b.go");
	d = at(&f, 7);
	assert_true(d->decl && d->target == 8 && !d->gcassert);
	d = at(&f, 12);
	/* above //go:noinline, still the same comment group */
	assert_true(d->decl && d->target == 14 && d->gcassert);
	found_release(&f);
}

static void test_not_directives(void **state)
{
	found f;
	(void)state;
	scan_text(&f, "package p\n"
	              "\n"
	              "var s = \"//goescape:noescape\" // in a string: none\n"
	              "var r = `\n//gcassert:bce\n`\n"
	              "func F() {\n"
	              "\tx := 1 //goescape:ignore\n"
	              "\t// goescape:noescape (a space: prose, as for go's directives)\n"
	              "\t_ = x\n"
	              "\t/* //goescape:inline */\n"
	              "}\n");
	assert_int_equal(f.n, 0);
	found_release(&f);
}

static void test_misplaced(void **state)
{
	found f;
	(void)state;
	scan_text(&f, "package p\n"
	              "\n"
	              "func F() int {\n"
	              "\t//goescape:noescape\n"
	              "\n"
	              "\tx := 1\n"
	              "\treturn x\n"
	              "}\n"
	              "\n"
	              "//gcassert:inline\n");
	assert_int_equal(f.n, 2);
	assert_int_equal(f.d[0].target, 0); /* a blank line between */
	assert_int_equal(f.d[1].target, 0); /* nothing follows */
	found_release(&f);
	scan_text(&f, "package p\n\nfunc (t *T) M() { //goescape:inline\n}\n");
	assert_int_equal(f.n, 1);
	assert_true(f.d[0].decl && f.d[0].trailing && f.d[0].target == 3);
	found_release(&f);
}

static void test_may_have(void **state)
{
	static const char a[] = "package p // gcassert:bce";
	static const char b[] = "package p // goescape:";
	static const char c[] = "package p // goescape gcassert : :";
	(void)state;
	assert_true(ge_gopkg_may_have_directives(a, sizeof(a) - 1));
	assert_true(ge_gopkg_may_have_directives(b, sizeof(b) - 1));
	assert_false(ge_gopkg_may_have_directives(c, sizeof(c) - 1));
	assert_false(ge_gopkg_may_have_directives("goescape", 8));
	assert_false(ge_gopkg_may_have_directives("", 0));
}

typedef struct bce_count {
	int in, slice, other_notes;
	uint32_t lines[16];
	int n;
} bce_count;

static int on_line(const ge_parse_line *l, void *ud)
{
	bce_count *c = ud;
	int b;
	if (l->type == GE_LINE_OTHER && l->path)
		fail_msg("a check_bce line read as a compile error: %s", l->line);
	if (l->type != GE_LINE_NOTE)
		return 0;
	b = ge_parse_bce(l->text, l->text_len);
	if (b == 1)
		c->in++;
	else if (b == 2)
		c->slice++;
	else
		c->other_notes++;
	if (b && c->n < 16)
		c->lines[c->n++] = l->lineno;
	return 0;
}

static void check_capture(const char *name)
{
	ge_buf b = GE_BUF_INIT;
	ge_parser *p = NULL;
	bce_count c;
	memset(&c, 0, sizeof(c));
	assert_int_equal(ge_file_read(&b, name), 0);
	assert_int_equal(ge_parser_new(&p), 0);
	assert_int_equal(ge_parser_feed(p, ge_buf_cstr(&b), b.len, on_line, &c), 0);
	assert_int_equal(ge_parser_finish(p, on_line, &c), 0);
	/* a/a.go:21, 23, 68 keep an index check, 43 a slice check (by hand from the capture) */
	assert_int_equal(c.in, 3);
	assert_int_equal(c.slice, 1);
	assert_int_equal(c.other_notes, 0);
	assert_int_equal(c.n, 4);
	assert_int_equal(c.lines[0], 43);
	assert_int_equal(c.lines[1], 23);
	assert_int_equal(c.lines[2], 21);
	assert_int_equal(c.lines[3], 68);
	ge_parser_free(p);
	ge_buf_release(&b);
}

static void test_bce_lines(void **state)
{
	(void)state;
	check_capture(OUTDIR "go1.19.8-assertmod-bce-m.txt");
	check_capture(OUTDIR "go1.26.8-assertmod-bce-m.txt");
	check_capture(OUTDIR "go1.27.3-assertmod-bce-m.txt");
	assert_int_equal(ge_parse_bce("Found IsInBounds", 16), 1);
	assert_int_equal(ge_parse_bce("Found IsSliceInBounds", 21), 2);
	assert_int_equal(ge_parse_bce("Found IsInBoundsX", 17), 0);
	assert_int_equal(ge_parse_bce("index bounds check elided", 25), 0);
}

static void test_emit(void **state)
{
	ge_assert_violation v[2];
	ge_assert_result r;
	ge_buf b = GE_BUF_INIT;
	(void)state;
	memset(&r, 0, sizeof(r));
	memset(v, 0, sizeof(v));
	v[0].kind = GE_ASSERT_NOESCAPE;
	v[0].file = v[0].dfile = (char *)"a/a.go";
	v[0].line = v[0].dline = 13;
	v[0].dcol = 10;
	v[0].source = (char *)"y := 2";
	v[0].reason = (char *)"moved to heap: y";
	v[1].kind = GE_ASSERT_BAD;
	v[1].file = v[1].dfile = (char *)"a/a.go";
	v[1].line = v[1].dline = 73;
	v[1].source = (char *)"x++";
	v[1].reason = (char *)"unknown directive \"noescap\"";
	r.v = v;
	r.n = 2;
	r.nassertions = 5;
	assert_int_equal(ge_assert_emit(&b, &r, "text", NULL), 0);
	assert_string_equal(ge_buf_cstr(&b), "a/a.go:13: y := 2: moved to heap: y\n"
	                                     "a/a.go:73: x++: unknown directive \"noescap\"\n");
	ge_buf_clear(&b);
	assert_int_equal(ge_assert_emit(&b, &r, "github", NULL), 0);
	assert_non_null(strstr(
	    ge_buf_cstr(&b), "::error file=a/a.go,line=13,title=goescape GE3001 noescape::y := 2: "
	                     "moved to heap: y\n"));
	ge_buf_clear(&b);
	assert_int_equal(ge_assert_emit(&b, &r, "json", NULL), 0);
	assert_non_null(strstr(ge_buf_cstr(&b), "\"assertions\": 5"));
	assert_non_null(strstr(ge_buf_cstr(&b), "\"rule\": \"GE3000\""));
	ge_buf_clear(&b);
	assert_int_equal(ge_assert_emit(&b, &r, "xml", NULL), GE_EUSAGE);
	/* check's gate on stderr, and the hook's refusal (lib/emit) */
	ge_buf_clear(&b);
	assert_int_equal(ge_assert_gate_text(&b, &r), 0);
	assert_string_equal(ge_buf_cstr(&b), "goescape: 2 of 5 assertions violated:\n"
	                                     "a/a.go:13: y := 2: moved to heap: y\n"
	                                     "a/a.go:73: x++: unknown directive \"noescap\"\n");
	ge_buf_clear(&b);
	assert_int_equal(ge_emit_assert_refusal(&b, &r, "refs/heads/main"), 0);
	assert_non_null(strstr(ge_buf_cstr(&b), "a/a.go:13: y := 2: moved to heap: y\n"
	                                        "a/a.go:73: x++: unknown directive \"noescap\"\n"
	                                        "goescape: refs/heads/main breaks 2 assertions\n"));
	ge_buf_clear(&b);
	r.n = 0;
	assert_int_equal(ge_assert_gate_text(&b, &r), 0);
	assert_int_equal(ge_emit_assert_refusal(&b, &r, "refs/heads/main"), 0);
	assert_int_equal(b.len, 0);
	r.n = 2;
	ge_buf_release(&b);
	assert_string_equal(ge_assert_rule(GE_ASSERT_BCE), "GE3003");
	assert_string_equal(ge_assert_kind_name(GE_ASSERT_INLINE), "inline");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixture_placements), cmocka_unit_test(test_not_directives),
	    cmocka_unit_test(test_misplaced),          cmocka_unit_test(test_may_have),
	    cmocka_unit_test(test_bce_lines),          cmocka_unit_test(test_emit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
