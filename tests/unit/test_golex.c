/*
 * lib/golex: every file of the corpus in tests/fixtures/golex is scanned and
 * printed in the format of tests/fixtures/golex/gen (go/scanner's view:
 * "LINE:COL KIND LIT"), and compared with its .tokens file.  For valid Go
 * the .tokens file was written by go/scanner itself (its header names the
 * Go version); for invalid input it holds golex's own output, reviewed.
 * With GOLEX_CAPTURE=1 a missing .tokens file is written from golex.
 *
 * Bracket pairing, the line table and the recovery rules that the token
 * format does not show are asserted directly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "golex.h"

#define CORPUS "../fixtures/golex/"

/* Go's utf8.DecodeRune, for printing: the code point, or -1 (width 1). */
static long rune_at(const unsigned char *s, size_t n, size_t *w)
{
	unsigned c = s[0], lo = 0x80, hi = 0xBF, need, k;
	long r;
	*w = 1;
	if (c < 0x80)
		return c;
	if (c < 0xC2 || c > 0xF4)
		return -1;
	need = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (n < need || s[1] < lo || s[1] > hi)
		return -1;
	r = c & (need == 2 ? 0x1F : need == 3 ? 0x0F : 0x07);
	for (k = 1; k < need; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return -1;
		r = r << 6 | (s[k] & 0x3F);
	}
	*w = need;
	return r;
}

/* strconv.QuoteToASCII. */
static void quote(ge_buf *b, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, w;
	assert_int_equal(ge_buf_putc(b, '"'), 0);
	while (i < n) {
		long r = rune_at(s + i, n - i, &w);
		int rc;
		if (r < 0)
			rc = ge_buf_printf(b, "\\x%02x", s[i]);
		else if (r == '"' || r == '\\')
			rc = ge_buf_printf(b, "\\%c", (int)r);
		else if (r >= 0x20 && r < 0x7f)
			rc = ge_buf_putc(b, (char)r);
		else if (r == '\a')
			rc = ge_buf_puts(b, "\\a");
		else if (r == '\b')
			rc = ge_buf_puts(b, "\\b");
		else if (r == '\f')
			rc = ge_buf_puts(b, "\\f");
		else if (r == '\n')
			rc = ge_buf_puts(b, "\\n");
		else if (r == '\r')
			rc = ge_buf_puts(b, "\\r");
		else if (r == '\t')
			rc = ge_buf_puts(b, "\\t");
		else if (r == '\v')
			rc = ge_buf_puts(b, "\\v");
		else if (r < 0x80)
			rc = ge_buf_printf(b, "\\x%02x", (unsigned)r);
		else if (r < 0x10000)
			rc = ge_buf_printf(b, "\\u%04lx", r);
		else
			rc = ge_buf_printf(b, "\\U%08lx", r);
		assert_int_equal(rc, 0);
		i += w;
	}
	assert_int_equal(ge_buf_putc(b, '"'), 0);
}

/* The literal go/scanner returns with a token (see gen/main.go). */
static void literal(ge_buf *lit, const ge_golex *lx, const ge_golex_tok *t)
{
	const char *s = lx->src + t->off;
	size_t i;
	ge_buf_clear(lit);
	if (t->kind == GE_GOLEX_SEMICOLON) {
		assert_int_equal(ge_buf_puts(lit, t->len ? ";" : "\n"), 0);
	} else if (t->kind == GE_GOLEX_ILLEGAL) {
		size_t w;
		long r = rune_at((const unsigned char *)s, t->len, &w);
		if (r < 0 || r == 0xFFFD)
			assert_int_equal(ge_buf_puts(lit, "\xEF\xBF\xBD"), 0);
		else
			assert_int_equal(ge_buf_put(lit, s, t->len), 0);
	} else if (t->kind == GE_GOLEX_STRING && t->len && s[0] == '`') {
		for (i = 0; i < t->len; i++) /* Go drops a raw string's CRs */
			if (s[i] != '\r')
				assert_int_equal(ge_buf_putc(lit, s[i]), 0);
	} else if (t->kind == GE_GOLEX_IDENT || ge_golex_is_literal(t->kind) ||
	           ge_golex_is_keyword(t->kind)) {
		assert_int_equal(ge_buf_put(lit, s, t->len), 0);
	}
}

static void dump(ge_buf *out, const ge_golex *lx)
{
	ge_buf lit = GE_BUF_INIT;
	uint32_t i;
	for (i = 0; i < lx->ntoks; i++) {
		const ge_golex_tok *t = &lx->toks[i];
		literal(&lit, lx, t);
		assert_int_equal(ge_buf_printf(out, "%u:%u %s ", (unsigned)t->line,
		                               (unsigned)t->col, ge_golex_kind_name(t->kind)),
		                 0);
		quote(out, lit.ptr, lit.len);
		assert_int_equal(ge_buf_putc(out, '\n'), 0);
	}
	ge_buf_release(&lit);
}

/* The body of a .tokens file: everything after its '#' header lines. */
static const char *body(const ge_buf *b)
{
	const char *p = b->ptr;
	while (*p == '#') {
		const char *nl = strchr(p, '\n');
		p = nl ? nl + 1 : p + strlen(p);
	}
	return p;
}

static void check_file(const char *name, int *compared)
{
	char in[512], exp[512];
	ge_buf src = GE_BUF_INIT, want = GE_BUF_INIT, got = GE_BUF_INIT;
	ge_golex lx = GE_GOLEX_INIT;
	size_t n = strlen(name);
	int rc;

	snprintf(in, sizeof(in), CORPUS "%s", name);
	snprintf(exp, sizeof(exp), CORPUS "%.*s.tokens", (int)(n - 3), name);
	assert_int_equal(ge_file_read(&src, in), 0);
	assert_int_equal(ge_golex_scan(&lx, src.ptr, src.len), 0);
	dump(&got, &lx);
	rc = ge_file_read(&want, exp);
	if (rc == GE_ENOTFOUND && getenv("GOLEX_CAPTURE")) {
		FILE *f = fopen(exp, "w");
		assert_non_null(f);
		fprintf(f, "# golex (C), not valid Go: captured with GOLEX_CAPTURE=1, reviewed\n%s",
		        got.ptr);
		fclose(f);
		rc = ge_file_read(&want, exp);
	}
	if (rc < 0)
		fail_msg("%s: no expectations (%s)", name, exp);
	if (strcmp(body(&want), got.ptr) != 0) {
		/* Name the first line that differs. */
		const char *a = body(&want), *b = got.ptr;
		unsigned line = 1;
		while (*a && *a == *b) {
			line += *a == '\n';
			a++;
			b++;
		}
		fail_msg("%s: token line %u differs from %s:\n  want %.60s\n  got  %.60s", name,
		         line, exp, a, b);
	}
	(*compared)++;
	ge_golex_release(&lx);
	ge_buf_release(&src);
	ge_buf_release(&want);
	ge_buf_release(&got);
}

static void test_corpus(void **state)
{
	DIR *d = opendir(CORPUS);
	struct dirent *e;
	int compared = 0, from_go = 0;
	(void)state;
	assert_non_null(d);
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n > 3 && !strcmp(e->d_name + n - 3, ".in"))
			check_file(e->d_name, &compared);
		if (n > 7 && !strcmp(e->d_name + n - 7, ".tokens")) {
			char path[512];
			ge_buf b = GE_BUF_INIT;
			snprintf(path, sizeof(path), CORPUS "%s", e->d_name);
			assert_int_equal(ge_file_read(&b, path), 0);
			from_go += !strncmp(b.ptr, "# go/scanner go", 15);
			ge_buf_release(&b);
		}
	}
	closedir(d);
	/* The corpus is there, and most of it is judged by Go itself. */
	assert_true(compared >= 25);
	assert_true(from_go >= 15);
}

static void scan(ge_golex *lx, const char *src)
{
	assert_int_equal(ge_golex_scan(lx, src, strlen(src)), 0);
}

/* Index of the nth (from 0) token of this kind. */
static uint32_t nth(const ge_golex *lx, int kind, int n)
{
	uint32_t i;
	for (i = 0; i < lx->ntoks; i++)
		if (lx->toks[i].kind == kind && n-- == 0)
			return i;
	fail_msg("no token %s", ge_golex_kind_name(kind));
	return 0;
}

static void test_brackets(void **state)
{
	ge_golex lx = GE_GOLEX_INIT;
	uint32_t lb, rb, lp, i;
	(void)state;

	scan(&lx, "f(a[b[c]], {x})");
	for (i = 0; i < lx.ntoks; i++) {
		const ge_golex_tok *t = &lx.toks[i];
		assert_false(t->flags & GE_GOLEX_F_UNPAIRED);
		if (t->match != GE_GOLEX_NONE)
			assert_int_equal(lx.toks[t->match].match, i);
	}
	assert_int_equal(lx.toks[nth(&lx, GE_GOLEX_LBRACK, 0)].match, nth(&lx, GE_GOLEX_RBRACK, 1));
	assert_int_equal(lx.toks[nth(&lx, GE_GOLEX_LBRACK, 1)].match, nth(&lx, GE_GOLEX_RBRACK, 0));
	ge_golex_release(&lx);

	/* Braces dominate: "}" closes the "(" and "[" left open inside. */
	scan(&lx, "func F() { ( ] } x");
	lb = nth(&lx, GE_GOLEX_LBRACE, 0);
	rb = nth(&lx, GE_GOLEX_RBRACE, 0);
	lp = nth(&lx, GE_GOLEX_LPAREN, 1);
	assert_int_equal(lx.toks[lb].match, rb);
	assert_int_equal(lx.toks[rb].match, lb);
	assert_true(lx.toks[lp].flags & GE_GOLEX_F_UNPAIRED);
	assert_int_equal(lx.toks[lp].match, rb);
	i = nth(&lx, GE_GOLEX_RBRACK, 0); /* no "[" in this block: stray */
	assert_true(lx.toks[i].flags & GE_GOLEX_F_UNPAIRED);
	assert_int_equal(lx.toks[i].match, GE_GOLEX_NONE);
	ge_golex_release(&lx);

	/* ")" closes the "[" opened after its "("; a "}" with no "{" is stray;
	 * what is open at the end closes at the EOF token. */
	scan(&lx, "} ( [ ) {");
	assert_true(lx.toks[0].flags & GE_GOLEX_F_UNPAIRED);
	assert_int_equal(lx.toks[nth(&lx, GE_GOLEX_LPAREN, 0)].match, nth(&lx, GE_GOLEX_RPAREN, 0));
	assert_int_equal(lx.toks[nth(&lx, GE_GOLEX_LBRACK, 0)].match, nth(&lx, GE_GOLEX_RPAREN, 0));
	assert_true(lx.toks[nth(&lx, GE_GOLEX_LBRACK, 0)].flags & GE_GOLEX_F_UNPAIRED);
	assert_int_equal(lx.toks[nth(&lx, GE_GOLEX_LBRACE, 0)].match, lx.ntoks - 1);
	assert_int_equal(lx.toks[lx.ntoks - 1].kind, GE_GOLEX_EOF);
	ge_golex_release(&lx);
}

/* 10,000 nested brackets pair without recursion, outermost with outermost. */
static void test_deep_nesting(void **state)
{
	ge_buf src = GE_BUF_INIT;
	ge_golex lx = GE_GOLEX_INIT;
	(void)state;
	assert_int_equal(ge_file_read(&src, CORPUS "deep.in"), 0);
	assert_int_equal(ge_golex_scan(&lx, src.ptr, src.len), 0);
	assert_int_equal(lx.toks[nth(&lx, GE_GOLEX_LPAREN, 0)].match,
	                 nth(&lx, GE_GOLEX_RPAREN, 9999));
	assert_int_equal(lx.toks[nth(&lx, GE_GOLEX_LPAREN, 9999)].match,
	                 nth(&lx, GE_GOLEX_RPAREN, 0));
	ge_golex_release(&lx);
	ge_buf_release(&src);

	assert_int_equal(ge_file_read(&src, CORPUS "unbalanced-deep.in"), 0);
	assert_int_equal(ge_golex_scan(&lx, src.ptr, src.len), 0);
	/* The one "}" closes the innermost "{" and the 10,000 openers after it. */
	assert_int_equal(lx.toks[nth(&lx, GE_GOLEX_LBRACE, 10000)].match,
	                 nth(&lx, GE_GOLEX_RBRACE, 0));
	assert_int_equal(lx.toks[nth(&lx, GE_GOLEX_LPAREN, 4999)].match,
	                 nth(&lx, GE_GOLEX_RBRACE, 0));
	assert_int_equal(lx.toks[nth(&lx, GE_GOLEX_LBRACE, 0)].match, lx.ntoks - 1);
	ge_golex_release(&lx);
	ge_buf_release(&src);
}

static void test_lines(void **state)
{
	ge_golex lx = GE_GOLEX_INIT;
	uint32_t n, *lines;
	(void)state;
	scan(&lx, "a\r\nb `x\ny` c\n");
	assert_int_equal(lx.nlines, 4); /* three newlines: the last line is empty */
	assert_int_equal(lx.lines[1], 3);
	assert_int_equal(lx.toks[nth(&lx, GE_GOLEX_IDENT, 2)].line, 3);
	assert_int_equal(lx.toks[nth(&lx, GE_GOLEX_IDENT, 2)].col, 4);
	assert_int_equal(ge_golex_line_at(lx.lines, lx.nlines, 0), 1);
	assert_int_equal(ge_golex_line_at(lx.lines, lx.nlines, 2), 1);
	assert_int_equal(ge_golex_line_at(lx.lines, lx.nlines, 3), 2);
	assert_int_equal(ge_golex_line_at(lx.lines, lx.nlines, 999), 4);
	assert_int_equal(ge_golex_line_at(NULL, 0, 5), 0);
	lines = ge_golex_take_lines(&lx, &n);
	assert_int_equal(n, 4);
	assert_null(lx.lines);
	free(lines);
	ge_golex_release(&lx);

	assert_int_equal(ge_golex_scan(&lx, "", 0), 0);
	assert_int_equal(lx.nlines, 1);
	assert_int_equal(lx.ntoks, 1);
	assert_int_equal(lx.toks[0].kind, GE_GOLEX_EOF);
	ge_golex_release(&lx);
	ge_golex_release(&lx); /* twice is harmless */
}

/* What the token format cannot show: the flags and exact extents. */
static void test_recovery(void **state)
{
	ge_golex lx = GE_GOLEX_INIT;
	uint32_t i;
	(void)state;
	scan(&lx, "x = \"abc\ny = 'q\nz = `raw\n");
	i = nth(&lx, GE_GOLEX_STRING, 0);
	assert_true(lx.toks[i].flags & GE_GOLEX_F_UNTERMINATED);
	assert_int_equal(lx.toks[i].len, 4); /* up to the newline, not past it */
	assert_int_equal(lx.toks[i + 1].kind, GE_GOLEX_SEMICOLON);
	i = nth(&lx, GE_GOLEX_CHAR, 0);
	assert_true(lx.toks[i].flags & GE_GOLEX_F_UNTERMINATED);
	assert_int_equal(lx.toks[i].len, 2);
	i = nth(&lx, GE_GOLEX_STRING, 1);
	assert_true(lx.toks[i].flags & GE_GOLEX_F_UNTERMINATED);
	assert_int_equal(lx.toks[i].off + lx.toks[i].len, lx.len); /* raw: to the end */
	ge_golex_release(&lx);

	/* An illegal character keeps the semicolon state: "x #\n" still ends
	 * a statement, "( #\n" does not. */
	scan(&lx, "x #\n( #\n");
	assert_int_equal(lx.toks[1].kind, GE_GOLEX_ILLEGAL);
	assert_int_equal(lx.toks[2].kind, GE_GOLEX_SEMICOLON);
	assert_int_equal(lx.toks[4].kind, GE_GOLEX_ILLEGAL);
	assert_int_equal(lx.toks[5].kind, GE_GOLEX_EOF);
	ge_golex_release(&lx);

	/* A BOM is skipped only at the start, and counts in columns there. */
	scan(&lx, "\xEF\xBB\xBFpackage p\n\xEF\xBB\xBFx");
	assert_int_equal(lx.toks[0].kind, GE_GOLEX_PACKAGE);
	assert_int_equal(lx.toks[0].col, 4);
	i = nth(&lx, GE_GOLEX_ILLEGAL, 0);
	assert_int_equal(lx.toks[i].len, 3);
	assert_int_equal(lx.toks[i].line, 2);
	ge_golex_release(&lx);

	/* The kinds the rewrites tell apart. */
	scan(&lx, "0x1e+2 1e+2 0x1p-2i '\\'' \"\\\"\" ~ <- ... &^=");
	assert_int_equal(lx.toks[0].kind, GE_GOLEX_INT);
	assert_int_equal(lx.toks[0].len, 4);
	assert_int_equal(lx.toks[1].kind, GE_GOLEX_ADD);
	assert_int_equal(lx.toks[3].kind, GE_GOLEX_FLOAT);
	assert_int_equal(lx.toks[3].len, 4);
	assert_int_equal(lx.toks[4].kind, GE_GOLEX_IMAG);
	assert_int_equal(lx.toks[5].kind, GE_GOLEX_CHAR);
	assert_int_equal(lx.toks[5].len, 4);
	assert_int_equal(lx.toks[6].kind, GE_GOLEX_STRING);
	assert_int_equal(lx.toks[6].len, 4);
	assert_int_equal(lx.toks[7].kind, GE_GOLEX_TILDE);
	assert_int_equal(lx.toks[8].kind, GE_GOLEX_ARROW);
	assert_int_equal(lx.toks[9].kind, GE_GOLEX_ELLIPSIS);
	assert_int_equal(lx.toks[10].kind, GE_GOLEX_AND_NOT_ASSIGN);
	ge_golex_release(&lx);
	assert_string_equal(ge_golex_kind_name(GE_GOLEX_FALLTHROUGH), "fallthrough");
	assert_string_equal(ge_golex_kind_name(-1), "?");
	assert_string_equal(ge_golex_kind_name(GE_GOLEX_NKINDS), "?");
}

/* Random bytes: the scan ends, covers the input in order, and pairs
 * consistently. */
static void test_garbage(void **state)
{
	static const char alphabet[] =
	    "func(){}[];,:=\"'`/*\n\t\r 0x1e.p+-_ab\\\xEF\xBB\xBF\xC3\xA9\xFF\0";
	uint64_t seed = 88172645463325252ULL;
	char buf[2048];
	size_t k, i;
	(void)state;
	for (k = 0; k < 600; k++) {
		ge_golex lx = GE_GOLEX_INIT;
		size_t n = (size_t)(seed % sizeof(buf));
		uint32_t end = 0, j;
		for (i = 0; i < n; i++) {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			buf[i] = k % 2 ? (char)(seed >> 24)
			               : alphabet[(seed >> 24) % (sizeof(alphabet) - 1)];
		}
		assert_int_equal(ge_golex_scan(&lx, buf, n), 0);
		assert_int_equal(lx.toks[lx.ntoks - 1].kind, GE_GOLEX_EOF);
		for (j = 0; j < lx.ntoks; j++) {
			const ge_golex_tok *t = &lx.toks[j];
			assert_true(t->off >= end || t->len == 0);
			assert_true(t->off + t->len <= n);
			assert_true(t->line >= 1 && t->line <= lx.nlines);
			if (t->len)
				end = t->off + t->len;
			if (t->match != GE_GOLEX_NONE && !(t->flags & GE_GOLEX_F_UNPAIRED))
				assert_int_equal(lx.toks[t->match].match, j);
			if (t->match != GE_GOLEX_NONE)
				assert_true(t->match < lx.ntoks);
		}
		ge_golex_release(&lx);
	}
}

/*
 * Expression ends, as SARIF regions take them: from the byte the compiler
 * points at, through '&'/'*', words, ".name" selectors and groups closed
 * on the line, written without spaces; a group left open runs to the
 * line's last token (a line comment is not part of it).
 */
static void test_expr_end(void **state)
{
	static const struct {
		const char *src, *at, *want;
	} cases[] = {
	    {"x := &T{a: 1}\n", "&", "&T{a: 1}"},
	    {"return x.y.z(a, \")\")[i] + 1\n", "x", "x.y.z(a, \")\")[i]"},
	    {"v := new(T) // c\n", "new", "new(T)"},
	    {"f(a, // open\n\tb)\n", "f", "f(a,"},
	    {"s := &T{\n\tA: 1,\n}\n", "&", "&T{"},
	    {"p := *q.r\n", "*", "*q.r"},
	    {"a := x . y\n", "x", "x"},
	    {"a := x.(T)\n", "x", "x"},
	    {"s := \"lit\" + t\n", "\"", "\""},
	    {"go func() { g() }()\n", "func", "func()"},
	    {"m := make([]int, n)\n", "make", "make([]int, n)"},
	    {"u := 日本.名前\n", "日本", "日本.名前"},
	    {"w := longname\n", "ngname", "ngname"},
	    {"x := y\r\n", "y", "y"},
	    {"end", "end", "end"},
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ge_golex lx = GE_GOLEX_INIT;
		const char *at = strstr(cases[i].src, cases[i].at);
		size_t off, end;
		assert_non_null(at);
		off = (size_t)(at - cases[i].src);
		assert_int_equal(ge_golex_scan(&lx, cases[i].src, strlen(cases[i].src)), 0);
		end = ge_golex_expr_end(&lx, off);
		if (end - off != strlen(cases[i].want) ||
		    memcmp(cases[i].src + off, cases[i].want, end - off) != 0)
			fail_msg("case %zu: got '%.*s', want '%s'", i, (int)(end - off),
			         cases[i].src + off, cases[i].want);
		/* Past the end: one byte, never a read beyond. */
		assert_int_equal(ge_golex_expr_end(&lx, lx.len), lx.len + 1);
		ge_golex_release(&lx);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_corpus),       cmocka_unit_test(test_brackets),
	    cmocka_unit_test(test_deep_nesting), cmocka_unit_test(test_lines),
	    cmocka_unit_test(test_recovery),     cmocka_unit_test(test_garbage),
	    cmocka_unit_test(test_expr_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
