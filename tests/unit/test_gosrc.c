/*
 * Unit tests for lib/gosrc.
 *
 * The closure names are grounded in the real compiler: the fixtures under
 * tests/fixtures/gosrc/ hold Go packages and the -m=2 output that go1.26.8
 * and go1.19.8 printed for them.  Every diagnostic that names a function
 * gives a (file, line, column, name) the scanner must reproduce.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common.h"
#include "gosrc.h"

#define FIXTURES "../fixtures/gosrc/"

static ge_gofile *parse_str(const char *src)
{
	ge_gofile *f = NULL;
	assert_int_equal(ge_gofile_parse(&f, src, strlen(src)), 0);
	assert_non_null(f);
	return f;
}

/* 1-based line:col of the n-th (from 0) occurrence of needle in src. */
static void pos_of(const char *src, const char *needle, int n, uint32_t *line, uint32_t *col)
{
	const char *p = src, *q;
	for (;;) {
		p = strstr(p, needle);
		assert_non_null(p);
		if (!n--)
			break;
		p++;
	}
	*line = 1;
	for (q = src; q < p; q++)
		if (*q == '\n')
			(*line)++;
	for (q = p; q > src && q[-1] != '\n'; q--)
		;
	*col = (uint32_t)(p - q) + 1;
}

/* Name at the n-th occurrence of needle, plus delta columns. */
static const char *at(const ge_gofile *f, const char *src, const char *needle, int n, int delta)
{
	uint32_t line, col;
	pos_of(src, needle, n, &line, &col);
	return ge_gofile_func_at(f, line, (uint32_t)((int)col + delta));
}

/* ------------------------------------------------------------------ */
/* Compiler-grounded names                                              */

/*
 * The compiler's name in our notation: type arguments dropped
 * ("Gen[go.shape.int].func1" -> "Gen.func1"), a range-over-func body
 * ("R-range1") attributed to its function, and package-level code, which
 * the compiler calls "init", to no function.
 */
static void normalize(const char *in, char *out, size_t cap)
{
	size_t o = 0;
	int depth = 0;
	const char *s;
	for (s = in; *s && o + 1 < cap; s++) {
		if (*s == '[') {
			depth++;
			continue;
		}
		if (*s == ']') {
			depth--;
			continue;
		}
		if (depth)
			continue;
		if (!strncmp(s, "-range", 6)) {
			s += 6;
			while (s[1] >= '0' && s[1] <= '9')
				s++;
			continue;
		}
		out[o++] = *s;
	}
	out[o] = '\0';
	if (!strcmp(out, "init"))
		out[0] = '\0';
}

/* The compiled files of a package, named as in the capture. */
typedef struct pkg {
	const char *dir;
	const char *files[8]; /* in the compiler's order: sorted */
	ge_gofile *f[8];
	size_t n;
} pkg;

/* Load every file, continuing the package-wide numbering file by file. */
static void pkg_load(pkg *p)
{
	uint32_t clos = 0, inits = 0, c, i;
	size_t k;
	char path[512];
	for (k = 0; k < p->n; k++) {
		snprintf(path, sizeof(path), FIXTURES "%s/%s", p->dir, p->files[k]);
		assert_int_equal(ge_gofile_load(&p->f[k], path), 0);
		assert_int_equal(ge_gofile_set_package_base(p->f[k], clos, inits), 0);
		ge_gofile_package_counts(p->f[k], &c, &i);
		clos += c;
		inits += i;
	}
}

static void pkg_free(pkg *p)
{
	size_t k;
	for (k = 0; k < p->n; k++)
		ge_gofile_free(p->f[k]);
}

static ge_gofile *pkg_file(const pkg *p, const char *name)
{
	size_t k;
	for (k = 0; k < p->n; k++)
		if (!strcmp(p->files[k], name))
			return p->f[k];
	return NULL;
}

/* Whether line:col of f is a "func" keyword (a literal's position). */
static int on_func_keyword(const ge_gofile *f, uint32_t line, uint32_t col)
{
	size_t len;
	const char *s = ge_gofile_line(f, line, &len);
	if (!s || col < 1 || col - 1 + 4 > len || memcmp(s + col - 1, "func", 4))
		return 0;
	return col - 1 + 4 == len || s[col - 1 + 4] == '(' || s[col - 1 + 4] == ' ';
}

enum { HEADINGS, CANINLINE };

/*
 * Compare every function name in a capture with the scanner.  HEADINGS
 * (go1.26 -m=2 -l): "X escapes to heap in F:" and "parameter p leaks to
 * ... for F with derefs=N:" name the function holding the position.
 * CANINLINE (go1.19 -m=2): "can inline F" / "cannot inline F" sit on a
 * declaration's name or a literal's "func" keyword.  skip_prefix names
 * compiler names to leave out.  Returns the number of positions checked.
 */
static int check_capture(const pkg *p, const char *capture, int mode, const char *skip_file,
                         const char *const *skip_prefix)
{
	ge_buf text = GE_BUF_INIT;
	char path[512], *line, *save = NULL;
	int checked = 0, failed = 0;

	snprintf(path, sizeof(path), FIXTURES "%s", capture);
	assert_int_equal(ge_file_read(&text, path), 0);
	for (line = strtok_r(text.ptr, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char file[128], name[512], want[512], parent[512], *msg, *a, *b;
		unsigned ln, col;
		int off = 0;
		const ge_gofile *f;
		const char *got;
		const char *const *sp;
		int skip = 0;

		if (sscanf(line, "./%127[^:]:%u:%u: %n", file, &ln, &col, &off) != 3 || !off)
			continue;
		msg = line + off;
		if (msg[0] == ' ')
			continue; /* explanation lines */
		if (mode == HEADINGS) {
			size_t n = strlen(msg);
			if (n < 2 || msg[n - 1] != ':')
				continue;
			msg[n - 1] = '\0';
			if ((a = strstr(msg, " with derefs=")) && (b = strstr(msg, " for "))) {
				while ((a = strstr(b + 5, " for ")) &&
				       a < strstr(msg, " with derefs="))
					b = a;
				*strstr(msg, " with derefs=") = '\0';
				snprintf(name, sizeof(name), "%s", b + 5);
			} else if ((a = strstr(msg, " escapes to heap in "))) {
				snprintf(name, sizeof(name), "%s",
				         a + strlen(" escapes to heap in "));
			} else {
				continue;
			}
		} else {
			if (!strncmp(msg, "can inline ", 11))
				a = msg + 11;
			else if (!strncmp(msg, "cannot inline ", 14))
				a = msg + 14;
			else
				continue;
			b = a + strcspn(a, " :");
			snprintf(name, sizeof(name), "%.*s", (int)(b - a), a);
		}
		if (skip_file && !strcmp(file, skip_file))
			continue;
		for (sp = skip_prefix; sp && *sp; sp++)
			if (!strncmp(name, *sp, strlen(*sp)))
				skip = 1;
		if (skip)
			continue;
		f = pkg_file(p, file);
		if (!f)
			continue;
		normalize(name, want, sizeof(want));
		checked++;
		if (mode == CANINLINE && on_func_keyword(f, ln, col)) {
			/* A literal: its keyword is the parent's, what follows is its own. */
			snprintf(parent, sizeof(parent), "%s", want);
			a = strrchr(parent, '.');
			if (a)
				*a = '\0';
			got = ge_gofile_func_at(f, ln, col);
			if (strcmp(got, parent)) {
				print_message("%s:%u:%u: keyword of %s: want %s, got %s\n", file,
				              ln, col, name, parent, got);
				failed++;
			}
			col++;
		}
		got = ge_gofile_func_at(f, ln, col);
		if (strcmp(got, want)) {
			print_message("%s:%u:%u: %s: want %s, got %s\n", file, ln, col, name, want,
			              got);
			failed++;
		}
		if (mode == HEADINGS && on_func_keyword(f, ln, col)) {
			/* "func literal escapes to heap in F": the literal is F's child. */
			char prefix[sizeof(want) + 16];
			snprintf(prefix, sizeof(prefix), "%s%s", want, *want ? "." : "init.func");
			got = ge_gofile_func_at(f, ln, col + 1);
			if (strncmp(got, prefix, strlen(prefix))) {
				print_message("%s:%u:%u: literal in %s: got %s\n", file, ln,
				              col + 1, want, got);
				failed++;
			}
		}
	}
	ge_buf_release(&text);
	assert_int_equal(failed, 0);
	return checked;
}

static void test_compiler_names_go126(void **state)
{
	pkg p = {"closures", {"closures.go", "dead.go", "pkginit.go", "tricky.go"}, {NULL}, 4};
	/* "interface { M() }.M" is a method wrapper the compiler makes for
	 * an interface type literal, not a function of the source. */
	static const char *const skip[] = {"interface {", NULL};
	int n;
	(void)state;
	pkg_load(&p);
	n = check_capture(&p, "closures.go1.26.8-m2l.txt", HEADINGS, NULL, skip);
	print_message("go1.26.8: %d positions checked\n", n);
	/* 97 headings name a function in the sources */
	assert_true(n >= 97);
	pkg_free(&p);
}

static void test_compiler_names_go119(void **state)
{
	/* Go 1.19 names package-level literals "glob..funcN" in source order
	 * and numbers literals in dead code; "init.func1" there is an inlined
	 * copy.  The rest agrees with Go 1.26. */
	static const char *const skip[] = {"glob.", "init.func", NULL};
	pkg p = {"closures", {"closures.go", "dead.go", "pkginit.go", "tricky.go"}, {NULL}, 4};
	int n;
	(void)state;
	pkg_load(&p);
	n = check_capture(&p, "closures.go1.19.8-m2.txt", CANINLINE, "dead.go", skip);
	print_message("go1.19.8: %d positions checked\n", n);
	assert_true(n >= 64);
	pkg_free(&p);
}

static void test_compiler_names_rangefunc(void **state)
{
	pkg p = {"rangefunc", {"rangefunc.go"}, {NULL}, 1};
	int n;
	(void)state;
	pkg_load(&p);
	n = check_capture(&p, "rangefunc.go1.26.8-m2l.txt", HEADINGS, NULL, NULL);
	assert_true(n >= 4);
	pkg_free(&p);
}

/* The package-wide counts that make the numbering above continue. */
static void test_package_counts(void **state)
{
	pkg p = {"closures", {"closures.go", "dead.go", "pkginit.go", "tricky.go"}, {NULL}, 4};
	uint32_t c, i;
	ge_gofile *f;
	(void)state;
	pkg_load(&p);
	ge_gofile_package_counts(p.f[0], &c, &i);
	assert_int_equal(c, 3);
	assert_int_equal(i, 0);
	ge_gofile_package_counts(p.f[2], &c, &i);
	assert_int_equal(c, 3);
	assert_int_equal(i, 2);
	assert_string_equal(ge_gofile_package(p.f[2]), "closures");
	pkg_free(&p);

	/* Alone, a file numbers from the start; a base shifts and renames. */
	assert_int_equal(ge_gofile_load(&f, FIXTURES "closures/pkginit.go"), 0);
	assert_string_equal(ge_gofile_func_at(f, 8, 23), "init.func1"); /* pb: first initialised */
	assert_string_equal(ge_gofile_func_at(f, 6, 23), "init.func3"); /* pa: last */
	assert_string_equal(ge_gofile_func_at(f, 15, 22), "init.func2.1");
	assert_string_equal(ge_gofile_func_at(f, 19, 16), "init.0.func1");
	assert_string_equal(ge_gofile_func_at(f, 18, 1), "init.0");
	assert_string_equal(ge_gofile_func_at(f, 24, 16), "init.1.func1");
	assert_int_equal(ge_gofile_set_package_base(f, 10, 5), 0);
	assert_string_equal(ge_gofile_func_at(f, 8, 23), "init.func11");
	assert_string_equal(ge_gofile_func_at(f, 15, 22), "init.func12.1");
	assert_string_equal(ge_gofile_func_at(f, 24, 16), "init.6.func1");
	ge_gofile_free(f);
}

/* ------------------------------------------------------------------ */
/* Declarations and literals                                            */

static void test_methods(void **state)
{
	static const char src[] = "package m\n"
	                          "func New() *Cart { return &Cart{} }\n"
	                          "func (c *Cart) Add(i int) { c.n += i }\n"
	                          "func (c Cart) Len() int { return c.n }\n"
	                          "func (l *List[T]) Push(x T) { l.xs = append(l.xs, x) }\n"
	                          "func (m Map[K, V]) Get(k K) V { return m.m[k] }\n"
	                          "func (*Cart) Anon() { x := 1 }\n"
	                          "func (Cart) Val() { y := 2 }\n"
	                          "func (\n\tc *Cart,\n) Multi(\n\ta int,\n) {\n\tz := a\n}\n"
	                          "func (c (*Cart)) Paren() { w := 1 }\n"
	                          "func Map2[K comparable, V any](m map[K]V) []V { return nil }\n";
	ge_gofile *f = parse_str(src);
	(void)state;
	assert_string_equal(at(f, src, "return &Cart", 0, 0), "New");
	assert_string_equal(at(f, src, "c.n += i", 0, 0), "(*Cart).Add");
	assert_string_equal(at(f, src, "return c.n", 0, 0), "Cart.Len");
	assert_string_equal(at(f, src, "l.xs = ", 0, 0), "(*List).Push");
	assert_string_equal(at(f, src, "return m.m[k]", 0, 0), "Map.Get");
	assert_string_equal(at(f, src, "x := 1", 0, 0), "(*Cart).Anon");
	assert_string_equal(at(f, src, "y := 2", 0, 0), "Cart.Val");
	assert_string_equal(at(f, src, "z := a", 0, 0), "(*Cart).Multi");
	assert_string_equal(at(f, src, "c *Cart,", 0, 0), "(*Cart).Multi");
	assert_string_equal(at(f, src, "w := 1", 0, 0), "(*Cart).Paren");
	assert_string_equal(at(f, src, "return nil", 0, 0), "Map2");
	assert_string_equal(at(f, src, "package", 0, 0), "");
	ge_gofile_free(f);
}

static void test_signature_and_keyword_positions(void **state)
{
	static const char src[] = "package s\n"
	                          "\n"
	                          "// F leaks p.\n"
	                          "func F(p *int, cb func(int) error) (r *int) {\n"
	                          "\tf := func(q *int) *int { return q }\n"
	                          "\treturn f(p)\n"
	                          "}\n"
	                          "\n"
	                          "var after = 1\n";
	ge_gofile *f = parse_str(src);
	(void)state;
	assert_string_equal(at(f, src, "func F", 0, 0), "F"); /* the keyword */
	assert_string_equal(at(f, src, "p *int", 0, 0), "F"); /* leaking param: p */
	assert_string_equal(at(f, src, "r *int", 0, 0), "F");
	assert_string_equal(at(f, src, "// F leaks", 0, 0), "");
	assert_string_equal(at(f, src, "func(q", 0, 0), "F");           /* func literal escapes */
	assert_string_equal(at(f, src, "func(q", 0, 1), "F.func1");     /* just after it */
	assert_string_equal(at(f, src, "q *int", 0, 0), "F.func1");     /* its parameters */
	assert_string_equal(at(f, src, "return q }", 0, 9), "F.func1"); /* its closing brace */
	assert_string_equal(at(f, src, "return q }", 0, 10), "F");      /* after it */
	assert_string_equal(at(f, src, "return f(p)", 0, 0), "F");
	assert_string_equal(at(f, src, "}\n\nvar", 0, 0), "F"); /* F's closing brace */
	assert_string_equal(at(f, src, "var after", 0, 0), "");
	/* columns past the end of a line stay on that line */
	assert_string_equal(ge_gofile_func_at(f, 3, 500), "");
	assert_string_equal(ge_gofile_func_at(f, 6, 500), "F");
	assert_string_equal(ge_gofile_func_at(f, 6, 0), "F");
	assert_string_equal(ge_gofile_func_at(f, 0, 1), "");
	assert_string_equal(ge_gofile_func_at(f, 99, 1), "");
	ge_gofile_free(f);
}

static void test_lexical_traps(void **state)
{
	static const char src[] =
	    "package t\n"
	    "// } {\n"
	    "/* } func X() { */\n"
	    "func A() {\n"
	    "\ts := \"}{\\\"}\" + `}\n"
	    "}}` + string('}') + string('\\'') + string('\"') + string('{') // }\n"
	    "\tf := func() { _ = s /* { */ }\n"
	    "\tg := func() { _ = \"func() {\" }\n"
	    "\t_, _ = f, g\n"
	    "}\n"
	    "func B() {\n"
	    "\tmarker := 1\n"
	    "}\n";
	ge_gofile *f = parse_str(src);
	(void)state;
	assert_string_equal(at(f, src, "_ = s", 0, 0), "A.func1");
	assert_string_equal(at(f, src, "_ = \"func", 0, 0), "A.func2");
	assert_string_equal(at(f, src, "_, _ = f, g", 0, 0), "A");
	assert_string_equal(at(f, src, "marker", 0, 0), "B");
	assert_string_equal(at(f, src, "func X", 0, 0), "");
	ge_gofile_free(f);
}

static void test_func_types_are_not_literals(void **state)
{
	static const char src[] =
	    "package ft\n"
	    "type H func(int) error\n"
	    "type S struct {\n\tf func()\n\tg func(x int) (func(), error)\n}\n"
	    "var m map[string]func()\n"
	    "var fs = []func(){nil}\n"
	    "func F(cb func(int) error, ch chan func(), v ...func()) func() func() int {\n"
	    "\tvar a func(int) int\n"
	    "\tb := map[string]func() int{\"k\": nil}\n"
	    "\tc := make(chan func(), 1)\n"
	    "\td := [2]func(){}\n"
	    "\tvar e struct{ h func() }\n"
	    "\tvar i interface{ M(func() int) (func(), error) }\n"
	    "\tx := (func())(nil)\n"
	    "\t_, _, _, _, _, _, _ = a, b, c, d, e, i, x\n"
	    "\treturn func() func() int {\n"
	    "\t\treturn func() int { return 1 }\n"
	    "\t}\n"
	    "}\n"
	    "func G() (func(), error) {\n"
	    "\th := func(x int) (func(), error) { return nil, nil }\n"
	    "\t_ = h\n"
	    "\treturn func() { first := 1; _ = first }, nil\n"
	    "}\n";
	ge_gofile *f = parse_str(src);
	(void)state;
	assert_string_equal(at(f, src, "var a func", 0, 0), "F");
	assert_string_equal(at(f, src, "_, _, _, _", 0, 0), "F");
	assert_string_equal(at(f, src, "return func() func", 0, 7), "F");
	assert_string_equal(at(f, src, "return func() func", 0, 8), "F.func1");
	assert_string_equal(at(f, src, "return func() int", 0, 7), "F.func1");
	assert_string_equal(at(f, src, "return func() int", 0, 8), "F.func1.1");
	assert_string_equal(at(f, src, "return 1", 0, 0), "F.func1.1");
	assert_string_equal(at(f, src, "return nil, nil", 0, 0), "G.func1");
	assert_string_equal(at(f, src, "first", 0, 0), "G.func2");
	assert_string_equal(at(f, src, "f func()", 0, 0), "");
	assert_string_equal(at(f, src, "[]func(){nil}", 0, 0), "");
	ge_gofile_free(f);
}

static void test_package_level(void **state)
{
	static const char src[] =
	    "\xEF\xBB\xBFpackage pl // comment\n"
	    "\n"
	    "var plain = 1 + 2\n"
	    "var (\n"
	    "\ta = func() int { return 1 }\n"
	    "\tb = []func(){func() {}, func() { inner := func() {}; _ = inner }}\n"
	    ")\n"
	    "func F() {}\n";
	ge_gofile *f = parse_str(src);
	uint32_t c, i;
	(void)state;
	assert_string_equal(ge_gofile_package(f), "pl");
	assert_string_equal(at(f, src, "1 + 2", 0, 0), "");
	assert_string_equal(at(f, src, "return 1", 0, 0), "init.func1");
	assert_string_equal(at(f, src, "func() {}", 0, 6), "init.func2");
	assert_string_equal(at(f, src, "_ = inner", 0, 0), "init.func3");
	assert_string_equal(at(f, src, "func() {}", 1, 6), "init.func3.1");
	assert_string_equal(at(f, src, "func F", 0, 0), "F");
	ge_gofile_package_counts(f, &c, &i);
	assert_int_equal(c, 3);
	assert_int_equal(i, 0);
	ge_gofile_free(f);
}

/* Go 1.26's dead-code rules, beyond what the captured fixture shows. */
static void test_dead_code(void **state)
{
	static const char src[] = "package d\n"
	                          "const on = true\n"
	                          "func F(n int) {\n"
	                          "\tif on || n > 0 {\n"
	                          "\t\ta := func() {}\n"
	                          "\t} else {\n"
	                          "\t\tb := func() {}\n"
	                          "\t}\n"
	                          "\tfor i := 0; false; func() {}() {\n"
	                          "\t\tc := func() {}\n"
	                          "\t}\n"
	                          "\tif n > 1 { return } else { return }\n"
	                          "\td := func() {}\n"
	                          "}\n"
	                          "func G(n int) {\n"
	                          "\tswitch {\n"
	                          "\tdefault:\n"
	                          "\t\tpanic(\"no\")\n"
	                          "\t\te := func() {}\n"
	                          "\t}\n"
	                          "\t;;\n"
	                          "\tg := func() {}\n"
	                          "\treturn;;\n"
	                          "\th := func() {}\n"
	                          "}\n";
	ge_gofile *f = parse_str(src);
	(void)state;
	assert_string_equal(at(f, src, "func() {}", 0, 6), "F.func1"); /* a */
	assert_string_equal(at(f, src, "func() {}", 1, 6), "F");       /* b: dropped */
	assert_string_equal(at(f, src, "func() {}", 2, 6), "F");       /* post: dropped */
	assert_string_equal(at(f, src, "func() {}", 3, 6), "F");       /* c: dropped */
	assert_string_equal(at(f, src, "func() {}", 4, 6), "F");       /* d: dropped */
	assert_string_equal(at(f, src, "func() {}", 5, 6), "G");       /* e: dropped */
	assert_string_equal(at(f, src, "func() {}", 6, 6), "G.func1"); /* g */
	/* empty statements after "return" do not end the dead code (go1.26.8) */
	assert_string_equal(at(f, src, "func() {}", 7, 6), "G"); /* h: dropped */
	ge_gofile_free(f);
}

static void test_bodyless_and_nesting(void **state)
{
	static const char src[] =
	    "package b\n"
	    "//go:noescape\n"
	    "func asm(x int) int\n"
	    "func asm2(\n\tx int,\n) (int, error)\n"
	    "\n"
	    "func After() {\n"
	    "\tif true { for { switch { case true: { { x := 1; _ = x } } } } }\n"
	    "}\n";
	ge_gofile *f = parse_str(src);
	(void)state;
	assert_string_equal(at(f, src, "func asm(", 0, 0), "asm");
	assert_string_equal(at(f, src, "x int) int", 0, 0), "asm");
	assert_string_equal(at(f, src, "x int) int", 0, 9), "asm"); /* last byte */
	assert_string_equal(at(f, src, "x int) int", 0, 10), "");   /* past it */
	assert_string_equal(at(f, src, "x int,", 0, 0), "asm2");
	assert_string_equal(at(f, src, "x := 1", 0, 0), "After");
	assert_string_equal(ge_gofile_func_at(f, 11, 1), "");
	ge_gofile_free(f);
}

static void test_line_directives_ignored(void **state)
{
	static const char src[] = "package l\n"
	                          "//line other.go:100:1\n"
	                          "func F() {\n"
	                          "\t/*line x.go:1*/ y := 1\n"
	                          "}\n";
	ge_gofile *f = parse_str(src);
	(void)state;
	assert_string_equal(ge_gofile_func_at(f, 4, 18), "F");
	assert_string_equal(ge_gofile_func_at(f, 2, 1), "");
	ge_gofile_free(f);
}

/* ------------------------------------------------------------------ */
/* Lines                                                                */

static void test_lines_and_hashes(void **state)
{
	static const char lf[] = "package h\n\nfunc F() {\n\tx := a + b\n}";
	static const char crlf[] = "package h\r\n\r\nfunc F() {\r\n    x  :=  a+b   \r\n}\r\n";
	ge_gofile *a = parse_str(lf), *b = parse_str(crlf);
	size_t len;
	const char *s;
	(void)state;
	assert_int_equal(ge_gofile_nlines(a), 5); /* no trailing newline */
	assert_int_equal(ge_gofile_nlines(b), 5);
	s = ge_gofile_line(b, 3, &len);
	assert_int_equal(len, strlen("func F() {"));
	assert_memory_equal(s, "func F() {", len);
	s = ge_gofile_line(a, 5, &len);
	assert_int_equal(len, 1);
	assert_memory_equal(s, "}", 1);
	s = ge_gofile_line(b, 2, &len);
	assert_non_null(s);
	assert_int_equal(len, 0);
	assert_null(ge_gofile_line(a, 6, &len));
	assert_int_equal(len, 0);
	assert_null(ge_gofile_line(a, 0, &len));
	/* gofmt re-indentation and spacing do not change a line's hash */
	assert_true(ge_gofile_line_hash(a, 4) == ge_gofile_line_hash(b, 4));
	assert_true(ge_gofile_line_hash(a, 4) == ge_hash_nospace("x:=a+b", 6));
	assert_true(ge_gofile_line_hash(a, 3) == ge_gofile_line_hash(b, 3));
	assert_true(ge_gofile_line_hash(a, 3) != ge_gofile_line_hash(a, 4));
	assert_true(ge_gofile_line_hash(a, 9) == 0);
	assert_string_equal(ge_gofile_func_at(b, 4, 5), "F");
	assert_string_equal(ge_gofile_package(b), "h");
	ge_gofile_free(a);
	ge_gofile_free(b);
}

static void test_empty_and_odd_files(void **state)
{
	ge_gofile *f = NULL;
	size_t len;
	(void)state;
	assert_int_equal(ge_gofile_parse(&f, "", 0), 0);
	assert_int_equal(ge_gofile_nlines(f), 0);
	assert_null(ge_gofile_line(f, 1, &len));
	assert_string_equal(ge_gofile_func_at(f, 1, 1), "");
	assert_string_equal(ge_gofile_package(f), "");
	ge_gofile_free(f);

	f = parse_str("\n");
	assert_int_equal(ge_gofile_nlines(f), 1);
	ge_gofile_free(f);

	/* A BOM counts in columns, as for the compiler ("func F" at 1:15). */
	f = parse_str("\xEF\xBB\xBFpackage b; func F() *int { x := 1; return &x }\n");
	assert_string_equal(ge_gofile_package(f), "b");
	assert_string_equal(ge_gofile_func_at(f, 1, 14), "");
	assert_string_equal(ge_gofile_func_at(f, 1, 15), "F");
	assert_string_equal(ge_gofile_func_at(f, 1, 31), "F");
	ge_gofile_free(f);

	ge_gofile_free(NULL);
	assert_int_equal(ge_gofile_load(&f, FIXTURES "no-such-file.go"), GE_ENOTFOUND);
	assert_null(f);
}

/* CRLF changes no position: compare every column of the fixture. */
static void test_crlf_positions(void **state)
{
	ge_buf lf = GE_BUF_INIT, crlf = GE_BUF_INIT;
	ge_gofile *a, *b;
	uint32_t ln, col;
	size_t i, len;
	(void)state;
	assert_int_equal(ge_file_read(&lf, FIXTURES "closures/tricky.go"), 0);
	for (i = 0; i < lf.len; i++) {
		if (lf.ptr[i] == '\n')
			assert_int_equal(ge_buf_putc(&crlf, '\r'), 0);
		assert_int_equal(ge_buf_putc(&crlf, lf.ptr[i]), 0);
	}
	a = parse_str(lf.ptr);
	b = parse_str(crlf.ptr);
	assert_int_equal(ge_gofile_nlines(a), ge_gofile_nlines(b));
	for (ln = 1; ln <= ge_gofile_nlines(a); ln++) {
		const char *s = ge_gofile_line(a, ln, &len);
		size_t len2;
		const char *t = ge_gofile_line(b, ln, &len2);
		assert_int_equal(len, len2);
		assert_memory_equal(s, t, len);
		assert_true(ge_gofile_line_hash(a, ln) == ge_gofile_line_hash(b, ln));
		for (col = 1; col <= len + 1; col++)
			assert_string_equal(ge_gofile_func_at(a, ln, col),
			                    ge_gofile_func_at(b, ln, col));
	}
	ge_gofile_free(a);
	ge_gofile_free(b);
	ge_buf_release(&lf);
	ge_buf_release(&crlf);
}

static void test_long_line(void **state)
{
	ge_buf src = GE_BUF_INIT;
	ge_gofile *f;
	size_t i, len;
	(void)state;
	assert_int_equal(ge_buf_puts(&src, "package p\nfunc F() { x := \""), 0);
	for (i = 0; i < 1000000; i++)
		assert_int_equal(ge_buf_putc(&src, i % 7 ? 'a' : '{'), 0);
	assert_int_equal(ge_buf_puts(&src, "\"; g := func() {}; _ = g }\nvar z = 1\n"), 0);
	f = parse_str(src.ptr);
	assert_non_null(ge_gofile_line(f, 2, &len));
	assert_true(len > 1000000);
	assert_string_equal(ge_gofile_func_at(f, 2, (uint32_t)(len - 10)), "F.func1");
	assert_string_equal(ge_gofile_func_at(f, 2, (uint32_t)len), "F");
	assert_string_equal(ge_gofile_func_at(f, 3, 1), "");
	ge_gofile_free(f);
	ge_buf_release(&src);
}

/* ------------------------------------------------------------------ */
/* Robustness: never crash, never read out of bounds                    */

static void query_all(const ge_gofile *f)
{
	uint32_t ln, n = ge_gofile_nlines(f);
	size_t len;
	for (ln = 0; ln <= n + 1; ln++) {
		const char *s = ge_gofile_line(f, ln, &len);
		uint32_t col;
		(void)ge_gofile_line_hash(f, ln);
		for (col = 0; col <= (s ? len + 2 : 2) && col < 300; col++)
			assert_non_null(ge_gofile_func_at(f, ln, col));
	}
	assert_non_null(ge_gofile_package(f));
}

static void parse_bytes(const char *src, size_t len)
{
	ge_gofile *f = NULL;
	assert_int_equal(ge_gofile_parse(&f, src, len), 0);
	query_all(f);
	ge_gofile_free(f);
}

static void parse_repeat(const char *head, const char *unit, size_t times, const char *tail)
{
	ge_buf b = GE_BUF_INIT;
	size_t i;
	assert_int_equal(ge_buf_puts(&b, head), 0);
	for (i = 0; i < times; i++)
		assert_int_equal(ge_buf_puts(&b, unit), 0);
	assert_int_equal(ge_buf_puts(&b, tail), 0);
	parse_bytes(b.ptr, b.len);
	ge_buf_release(&b);
}

static void test_garbage(void **state)
{
	static const char *const nasty[] = {
	    "package",
	    "func",
	    "func (",
	    "func (x",
	    "func F",
	    "func F(",
	    "func F() {",
	    "func F() { \"unterminated\n}\nfunc G() {}",
	    "func F() { `raw { never closed",
	    "func F() { /* comment { never closed",
	    "func F() { 'x",
	    "func F() { '\\",
	    "func F() { \"\\",
	    "}}}}func F() {}",
	    ")]})]}func F() { ( ] } func G() {}",
	    "func F() { x := [}; y := func() { ( }; }",
	    "var x = func(",
	    "var x = func() {",
	    "var (",
	    "const (",
	    "const ( a = false; b; c, d = true )\nfunc F() { if b { func() {}() } }",
	    "func F() { if ; ; ; {} else if {} else }",
	    "func F() { for ;; {}; for range {} ; switch { case : default: } }",
	    "func F() { a: b: c: func() {}() }",
	    "func F() { if (((((true)))) {} }",
	    "func (",
	    "func (T) ()",
	    "func () F() {}",
	    "func _() { func() {}() }",
	    "func F[T any, () {}",
	    "package x\n\xef\xbb\xbf func F() {}",
	    "\xff\xfe\xfd func \x80() {}",
	    ".5e+3 ... := != <-chan &^= <<= >>= ++ -- ~ @ # $ ? \\",
	};
	uint64_t seed = 88172645463325252ULL;
	char buf[4096];
	size_t i, k;
	static const char alphabet[] = "func(){}[];,:=\"'`/*\n\t ifelsereturnpanicvar_xT.!&|\\\0";
	(void)state;

	for (i = 0; i < sizeof(nasty) / sizeof(nasty[0]); i++)
		parse_bytes(nasty[i], strlen(nasty[i]));
	parse_bytes("func F() {\0} func G() { x := \0 }", 33);

	/* Deep nesting: far beyond the walk's depth limit. */
	parse_repeat("package p\nfunc F() {", "{", 100000, "");
	parse_repeat("package p\nfunc F() {", "(", 100000, "}");
	parse_repeat("package p\nvar x = ", "func() {", 5000, "");
	parse_repeat("package p\nfunc F() {", "if x {", 5000, "");
	parse_repeat("package p\nfunc F() {", "} else if x {", 5000, "}");
	parse_repeat("package p\nfunc F() {", "a:", 100000, "}");
	parse_repeat("package p\nfunc F() { if ", "(", 100000, "true {} }");
	parse_repeat("package p\nfunc F() {", ")]", 100000, "}");
	parse_repeat("package p\n", "func F() { return }\n", 2000, "");

	/* Random bytes: from the Go alphabet, then any byte. */
	for (k = 0; k < 400; k++) {
		size_t n = (size_t)(seed % sizeof(buf));
		for (i = 0; i < n; i++) {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			buf[i] = k % 2 ? (char)(seed >> 24)
			               : alphabet[(seed >> 24) % (sizeof(alphabet) - 1)];
		}
		parse_bytes(buf, n);
	}
}

/* Deeply nested literals still get a name at every level. */
static void test_deep_literals(void **state)
{
	ge_buf b = GE_BUF_INIT;
	ge_gofile *f;
	int i;
	(void)state;
	assert_int_equal(ge_buf_puts(&b, "package p\nfunc F() {\n"), 0);
	for (i = 0; i < 50; i++)
		assert_int_equal(ge_buf_puts(&b, "func() {\n"), 0);
	assert_int_equal(ge_buf_puts(&b, "x := 1\n"), 0);
	for (i = 0; i < 50; i++)
		assert_int_equal(ge_buf_puts(&b, "}()\n"), 0);
	assert_int_equal(ge_buf_puts(&b, "}\n"), 0);
	f = parse_str(b.ptr);
	assert_string_equal(ge_gofile_func_at(f, 3, 2), "F.func1");
	assert_string_equal(ge_gofile_func_at(f, 4, 2), "F.func1.1");
	assert_string_equal(ge_gofile_func_at(f, 5, 2), "F.func1.1.1");
	assert_int_equal(strncmp(ge_gofile_func_at(f, 53, 1), "F.func1.1.1.1.1", 15), 0);
	assert_int_equal(strlen(ge_gofile_func_at(f, 53, 1)), strlen("F.func1") + 49 * 2);
	ge_gofile_free(f);
	ge_buf_release(&b);
}

/* A function is a declaration the scanner finds, never "func" in a string or comment. */
static void test_has_func(void **state)
{
	static const char *const with[] = {
	    "package p\n\nfunc F() {}\n",
	    "package p\n\n/* c */ func F() {}\n",
	    "package p\n\ntype T int\n\nfunc (T) M() {}\n",
	    "package p\n\nfunc init() {}\n",
	};
	static const char *const without[] = {
	    "package p\n\nconst s = `\nfunc F() {}\n`\n",
	    "package p\n\n/*\nfunc F() {}\n*/\ntype T int\n",
	    "package p\n\nvar V = func() int { return 1 }\n",
	    "package p\n",
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(with) / sizeof(with[0]); i++) {
		ge_gofile *f = parse_str(with[i]);
		assert_true(ge_gofile_has_func(f));
		ge_gofile_free(f);
	}
	for (i = 0; i < sizeof(without) / sizeof(without[0]); i++) {
		ge_gofile *f = parse_str(without[i]);
		assert_false(ge_gofile_has_func(f));
		ge_gofile_free(f);
	}
}

/*
 * ge_gofile_func_line (attribution keeps its answer per line when it says
 * the line is uniform) answers as ge_gofile_func_at at every column of
 * every line of the fixtures, and a line it calls uniform has one answer
 * at all of them (columns past the end included); it fails when a
 * function starting or ending inside a line is missed.
 */
static void test_func_line_uniform(void **state)
{
	static const char *const files[] = {"closures/closures.go", "closures/dead.go",
	                                    "closures/pkginit.go", "closures/tricky.go",
	                                    "rangefunc/rangefunc.go"};
	size_t k, uniform_lines = 0, mixed_lines = 0;
	(void)state;
	for (k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
		char path[256];
		ge_gofile *f = NULL;
		uint32_t line, col;
		snprintf(path, sizeof(path), FIXTURES "%s", files[k]);
		assert_int_equal(ge_gofile_load(&f, path), 0);
		for (line = 0; line <= ge_gofile_nlines(f) + 1; line++) {
			size_t len = 0;
			const char *first = NULL;
			int any_uniform = 0, all_same = 1;
			(void)ge_gofile_line(f, line, &len);
			for (col = 0; col <= len + 3; col++) {
				int u = -1;
				const char *got = ge_gofile_func_line(f, line, col, &u);
				assert_true(u == 0 || u == 1);
				assert_string_equal(got, ge_gofile_func_at(f, line, col));
				if (!first)
					first = got;
				else if (strcmp(first, got) != 0)
					all_same = 0;
				any_uniform |= u;
			}
			if (any_uniform) {
				if (!all_same)
					print_message("%s:%u: called uniform, answers differ\n",
					              files[k], line);
				assert_true(all_same);
				uniform_lines++;
			} else if (!all_same) {
				mixed_lines++;
			}
		}
		ge_gofile_free(f);
	}
	/* Both kinds occur, so the check above checks something. */
	assert_true(uniform_lines > 100);
	assert_true(mixed_lines > 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_has_func),
	    cmocka_unit_test(test_func_line_uniform),
	    cmocka_unit_test(test_compiler_names_go126),
	    cmocka_unit_test(test_compiler_names_go119),
	    cmocka_unit_test(test_compiler_names_rangefunc),
	    cmocka_unit_test(test_package_counts),
	    cmocka_unit_test(test_methods),
	    cmocka_unit_test(test_signature_and_keyword_positions),
	    cmocka_unit_test(test_lexical_traps),
	    cmocka_unit_test(test_func_types_are_not_literals),
	    cmocka_unit_test(test_package_level),
	    cmocka_unit_test(test_dead_code),
	    cmocka_unit_test(test_bodyless_and_nesting),
	    cmocka_unit_test(test_line_directives_ignored),
	    cmocka_unit_test(test_lines_and_hashes),
	    cmocka_unit_test(test_empty_and_odd_files),
	    cmocka_unit_test(test_crlf_positions),
	    cmocka_unit_test(test_long_line),
	    cmocka_unit_test(test_garbage),
	    cmocka_unit_test(test_deep_literals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
