/* lib/gostmt: semicolons, blocks against literals, statements, imports, names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "gostmt.h"

static ge_gostmt_file *scan(const char *src)
{
	ge_gostmt_file *x = NULL;
	assert_int_equal(ge_gostmt_parse(&x, src, strlen(src)), 0);
	return x;
}

/* Index of the nth (from 0) token with text s. */
static uint32_t tok(const ge_gostmt_file *x, const char *s, int nth)
{
	size_t i;
	for (i = 0; i < x->ntoks; i++)
		if (ge_gostmt_is(x, i, s) && nth-- == 0)
			return (uint32_t)i;
	fail_msg("no token '%s'", s);
	return 0;
}

/* The text of the statement holding the nth token s. */
static char *stmt_text(const ge_gostmt_file *x, const char *s, int nth)
{
	uint32_t t = tok(x, s, nth), st = x->toks[t].stmt;
	const ge_stmt *g;
	assert_true(st != GE_GOX_NONE);
	g = &x->stmts[st];
	return ge_strndup(x->src + x->toks[g->first].off,
	                  ge_gostmt_end(x, g->last) - x->toks[g->first].off);
}

static void semicolons(void **state)
{
	ge_gostmt_file *x =
	    scan("package p\n\nfunc f() int {\n\tx := 1 /* a\n b */\n\treturn x\n}\n");
	size_t i, semis = 0;
	(void)state;
	for (i = 0; i < x->ntoks; i++)
		semis += x->toks[i].kind == GE_TOK_SEMI;
	/* after "p", after "1" (the comment holds a newline), after "x", after "}" */
	assert_int_equal(semis, 4);
	assert_int_equal(x->toks[tok(x, "return", 0)].line, 6);
	assert_int_equal(x->toks[tok(x, "return", 0)].col, 2);
	ge_gostmt_free(x);
}

static void literals_and_comments(void **state)
{
	ge_gostmt_file *x =
	    scan("package p\n\nvar a = `raw\n{ \"` + \"}\\\"\" + '\\'' // {\nvar b = 0x1e+2\n");
	size_t i;
	(void)state;
	for (i = 0; i < x->ntoks; i++)
		assert_false(ge_gostmt_is(x, i, "{"));
	/* 0x1e + 2: hex has no 'e' exponent */
	assert_true(x->toks[tok(x, "+", 1)].kind == GE_TOK_OP);
	assert_int_equal(x->toks[tok(x, "b", 0)].line, 5);
	ge_gostmt_free(x);
}

static void blocks_and_literals(void **state)
{
	const char *src = "package p\n"
	                  "\n"
	                  "func f(m map[string]int, xs []T) {\n"
	                  "\tfor _, v := range []int{1, 2} {\n"
	                  "\t\tuse(v)\n"
	                  "\t}\n"
	                  "\tfor k := range m {\n"
	                  "\t\tuse(k)\n"
	                  "\t}\n"
	                  "\tif x := (T{}); x == y {\n"
	                  "\t\tuse(T{A: 1})\n"
	                  "\t}\n"
	                  "\tfn := func() int { return 1 }\n"
	                  "\tswitch v := z.(type) {\n"
	                  "\tcase int:\n"
	                  "\t\tuse(v)\n"
	                  "\t}\n"
	                  "}\n";
	ge_gostmt_file *x = scan(src);
	char *t;
	(void)state;
	/* []int{1, 2} in a header is a literal; the brace after it opens the body. */
	assert_false(x->toks[tok(x, "{", 1)].flags & GE_TOKF_BLOCK);
	assert_true(x->toks[tok(x, "{", 2)].flags & GE_TOKF_BLOCK);
	/* "range m {" : a name before the brace, so the body. */
	assert_true(x->toks[tok(x, "{", 3)].flags & GE_TOKF_BLOCK);
	/* T{} in parentheses and T{A: 1} in a call are literals. */
	assert_false(x->toks[tok(x, "{", 4)].flags & GE_TOKF_BLOCK);
	assert_true(x->toks[tok(x, "{", 5)].flags & GE_TOKF_BLOCK);
	assert_false(x->toks[tok(x, "{", 6)].flags & GE_TOKF_BLOCK);
	/* A func literal's body is a block with its own statement. */
	assert_true(x->toks[tok(x, "{", 7)].flags & GE_TOKF_BLOCK);
	t = stmt_text(x, "return", 0);
	assert_string_equal(t, "return 1");
	free(t);
	t = stmt_text(x, "fn", 0);
	assert_string_equal(t, "fn := func() int { return 1 }");
	free(t);
	/* Case clauses are statements of their own; so is what follows them. */
	t = stmt_text(x, "case", 0);
	assert_string_equal(t, "case int:");
	free(t);
	t = stmt_text(x, "use", 3);
	assert_string_equal(t, "use(v)");
	free(t);
	assert_int_equal(x->stmts[x->toks[tok(x, "case", 0)].stmt].kind, GE_STMT_CLAUSE);
	ge_gostmt_free(x);
}

static void compound_statements(void **state)
{
	const char *src = "package p\n"
	                  "\n"
	                  "func f() {\n"
	                  "\tfor i := 0; i < n([]byte(s)); i++ {\n"
	                  "\t}\n"
	                  "\tif a {\n"
	                  "\t} else if b(c) {\n"
	                  "\t} else {\n"
	                  "\t\tz()\n"
	                  "\t}\n"
	                  "L:\n"
	                  "\tfor {\n"
	                  "\t\tbreak L\n"
	                  "\t}\n"
	                  "}\n";
	ge_gostmt_file *x = scan(src);
	uint32_t s;
	char *t;
	(void)state;
	/* The semicolons of a for clause do not end the statement. */
	s = x->toks[tok(x, "s", 0)].stmt;
	assert_true(ge_gostmt_is(x, x->stmts[s].first, "for"));
	assert_int_equal(x->stmts[s].kind, GE_STMT_COMPOUND);
	/* An else chain is one statement, from its first if. */
	s = x->toks[tok(x, "c", 0)].stmt;
	assert_true(ge_gostmt_is(x, x->stmts[s].first, "if"));
	assert_int_equal(x->toks[x->stmts[s].first].line, 6);
	assert_int_equal(x->toks[x->stmts[s].last].line, 10);
	t = stmt_text(x, "z", 0);
	assert_string_equal(t, "z()");
	free(t);
	/* A label is not part of the statement it labels. */
	s = x->toks[tok(x, "break", 0)].stmt;
	t = stmt_text(x, "break", 0);
	assert_string_equal(t, "break L");
	free(t);
	assert_true(ge_gostmt_stmt_own_line(x, s));
	s = x->toks[tok(x, "for", 1)].stmt;
	assert_true(ge_gostmt_is(x, x->stmts[s].first, "for"));
	ge_gostmt_free(x);
}

static void own_line(void **state)
{
	const char *src = "package p\n"
	                  "\n"
	                  "var v = f()\n"
	                  "\n"
	                  "func g() {\n"
	                  "\ta := 1; b := 2\n"
	                  "\tif a > b { c() }\n"
	                  "}\n";
	ge_gostmt_file *x = scan(src);
	(void)state;
	assert_false(ge_gostmt_stmt_own_line(x, x->toks[tok(x, "f", 0)].stmt)); /* package level */
	assert_true(ge_gostmt_stmt_own_line(x, x->toks[tok(x, "a", 0)].stmt));
	assert_false(ge_gostmt_stmt_own_line(x, x->toks[tok(x, "b", 0)].stmt));
	assert_false(ge_gostmt_stmt_own_line(x, x->toks[tok(x, "c", 0)].stmt));
	assert_int_equal(x->stmts[x->toks[tok(x, "f", 0)].stmt].kind, GE_STMT_DECL);
	ge_gostmt_free(x);
}

static void imports_and_names(void **state)
{
	const char *src = "package p\n"
	                  "\n"
	                  "import (\n"
	                  "\t\"fmt\"\n"
	                  "\tsc \"strconv\"\n"
	                  "\t_ \"embed\"\n"
	                  "\t\"math/rand\"\n"
	                  ")\n"
	                  "\n"
	                  "func f(fmt int) string { return sc.Itoa(fmt) }\n"
	                  "\n"
	                  "func g[T any](x T) { sc.Itoa(1); h.fmt.X(); rand.Int() }\n";
	ge_gostmt_file *x = scan(src);
	size_t k = 99;
	uint32_t f = tok(x, "func", 0), g = tok(x, "func", 1);
	(void)state;
	assert_int_equal(x->nimports, 4);
	assert_string_equal(ge_gostmt_import_name(x, "strconv", &k), "sc");
	assert_int_equal(k, 1);
	assert_string_equal(ge_gostmt_import_name(x, "fmt", NULL), "fmt");
	assert_string_equal(ge_gostmt_import_name(x, "math/rand", NULL), "rand");
	assert_null(ge_gostmt_import_name(x, "embed", NULL));
	assert_null(ge_gostmt_import_name(x, "os", NULL));
	assert_true(x->imports[0].grouped);
	/* fmt is a parameter of f: shadowed there, not in g (h.fmt is a field). */
	assert_true(ge_gostmt_shadowed(x, f, x->stmts[x->toks[f].stmt].decl_last, "fmt"));
	assert_false(ge_gostmt_shadowed(x, g, (uint32_t)x->ntoks - 1, "fmt"));
	assert_false(ge_gostmt_shadowed(x, f, x->stmts[x->toks[f].stmt].decl_last, "sc"));
	assert_int_equal(ge_gostmt_qualifier_uses(x, "sc", NULL, NULL, 0), 2);
	assert_false(ge_gostmt_decl_generic(x, f));
	assert_true(ge_gostmt_decl_generic(x, g));
	assert_true(ge_gostmt_uses_ident(x, g, (uint32_t)x->ntoks - 1, "x"));
	assert_false(ge_gostmt_uses_ident(x, g, (uint32_t)x->ntoks - 1, "buf"));
	ge_gostmt_free(x);
}

static void positions(void **state)
{
	ge_gostmt_file *x = scan("package p\n\nvar x = 1\n");
	size_t len;
	const char *ind;
	(void)state;
	assert_int_equal(ge_gostmt_offset(x, 3, 5), 15);
	assert_int_equal(ge_gostmt_line_of(x, 15), 3);
	assert_int_equal(ge_gostmt_offset(x, 9, 1), x->len);
	ind = ge_gostmt_indent(x, 15, &len);
	assert_int_equal(len, 0);
	(void)ind;
	ge_gostmt_free(x);
}

/* A UTF-8 BOM before the package clause is skipped, as Go skips it, and
 * still counts in the columns of line 1: the clause is a declaration that
 * a new import can follow.  (Before golex, gostmt read "\xEF\xBB\xBFpackage"
 * as one identifier.) */
static void bom(void **state)
{
	ge_gostmt_file *x = scan("\xEF\xBB\xBFpackage p\n\nimport \"fmt\"\n\nvar b = 0x1e+2\n");
	(void)state;
	assert_int_equal(x->toks[0].kind, GE_TOK_KEYWORD);
	assert_true(ge_gostmt_is(x, 0, "package"));
	assert_int_equal(x->toks[0].col, 4);
	assert_int_equal(x->toks[1].col, 12);
	assert_int_equal(x->stmts[0].kind, GE_STMT_DECL);
	assert_int_equal(x->stmts[0].last, 1);
	assert_string_equal(ge_gostmt_import_name(x, "fmt", NULL), "fmt");
	/* A BOM anywhere else is an illegal character, not part of a name. */
	ge_gostmt_free(x);
	x = scan("package p\nvar \xEF\xBB\xBFx = 1\n");
	assert_int_equal(x->toks[tok(x, "x", 0)].col, 8);
	ge_gostmt_free(x);
}

static void not_go(void **state)
{
	/* Garbage, unbalanced brackets, a NUL: answers, no crash. */
	const char junk[] = "}}} func ( { [ \"unterminated\n'x\x00 /* open";
	ge_gostmt_file *x = NULL;
	(void)state;
	assert_int_equal(ge_gostmt_parse(&x, junk, sizeof(junk) - 1), 0);
	ge_gostmt_free(x);
	assert_int_equal(ge_gostmt_parse(&x, "", 0), 0);
	assert_int_equal(x->ntoks, 0);
	ge_gostmt_free(x);
	ge_gostmt_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(semicolons),
	    cmocka_unit_test(literals_and_comments),
	    cmocka_unit_test(blocks_and_literals),
	    cmocka_unit_test(compound_statements),
	    cmocka_unit_test(own_line),
	    cmocka_unit_test(imports_and_names),
	    cmocka_unit_test(positions),
	    cmocka_unit_test(not_go),
	    cmocka_unit_test(bom),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
