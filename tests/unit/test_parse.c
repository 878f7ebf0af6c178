/*
 * lib/parse: classification of real compiler output from Go 1.19, 1.26 and
 * 1.27 (tests/fixtures/compiler-output/, made by scripts/capture-fixtures),
 * header tracking, chunking, long lines, CRLF and a last line without a
 * newline.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>

#include "common.h"
#include "parse.h"

#define FIXTURES "../fixtures/compiler-output/"

/* A delivered line, copied out of the callback. */
typedef struct rec {
	ge_line_type type;
	char *line;
	char *pkg;
	char *path;
	char *text;
	char *subject;
	char *func;
	uint32_t lineno;
	uint32_t col;
	int truncated;
	int indent;
	ge_leak_form leak_form;
} rec;

typedef struct recs {
	rec *v;
	size_t n;
	size_t alloc;
	int stop_after; /* return 7 from the callback after this many lines; 0: never */
	int cr2;        /* lines may end "\r\r": the parser takes one, classifying the other */
} recs;

static char *dup_or_null(const char *s, size_t n)
{
	char *c;
	if (!s)
		return NULL;
	c = ge_strndup(s, n);
	assert_non_null(c);
	return c;
}

static int collect(const ge_parse_line *l, void *ud)
{
	recs *r = ud;
	rec *e;
	if (r->n == r->alloc) {
		r->alloc = r->alloc ? r->alloc * 2 : 64;
		r->v = realloc(r->v, r->alloc * sizeof(*r->v));
		assert_non_null(r->v);
	}
	e = &r->v[r->n++];
	memset(e, 0, sizeof(*e));
	e->type = l->type;
	e->line = dup_or_null(l->line, l->line_len);
	e->pkg = dup_or_null(l->pkg, l->pkg_len);
	e->path = dup_or_null(l->path, l->path_len);
	e->text = dup_or_null(l->text, l->text_len);
	e->subject = dup_or_null(l->subject, l->subject_len);
	e->func = dup_or_null(l->func, l->func_len);
	e->lineno = l->lineno;
	e->col = l->col;
	e->truncated = l->truncated;
	e->indent = l->indent;
	e->leak_form = l->leak_form;
	/* The line comes without '\n' or '\r', NUL-terminated as parse.h promises. */
	assert_null(memchr(l->line, '\n', l->line_len));
	if (r->cr2 && l->line[l->line_len] == '\r') {
		assert_int_equal(l->line[l->line_len + 1], '\0');
	} else {
		assert_int_equal(l->line[l->line_len], '\0');
		assert_true(l->line_len == 0 || l->line[l->line_len - 1] != '\r');
	}
	return r->stop_after && r->n == (size_t)r->stop_after ? 7 : 0;
}

static void recs_release(recs *r)
{
	size_t i;
	for (i = 0; i < r->n; i++) {
		free(r->v[i].line);
		free(r->v[i].pkg);
		free(r->v[i].path);
		free(r->v[i].text);
		free(r->v[i].subject);
		free(r->v[i].func);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static void read_fixture(ge_buf *b, const char *name)
{
	ge_buf path = GE_BUF_INIT;
	assert_int_equal(ge_buf_printf(&path, FIXTURES "%s", name), 0);
	if (ge_file_read(b, path.ptr) < 0)
		fail_msg("cannot read fixture %s: %s", path.ptr, ge_error_last());
	assert_true(b->len > 0);
	ge_buf_release(&path);
}

/* Parse data in chunks of chunk bytes (0: all at once), then finish. */
static void parse_chunked(recs *out, const char *data, size_t len, size_t chunk)
{
	ge_parser *p = NULL;
	size_t off = 0, n;
	assert_int_equal(ge_parser_new(&p), 0);
	if (!chunk)
		chunk = len ? len : 1;
	while (off < len) {
		n = len - off < chunk ? len - off : chunk;
		assert_int_equal(ge_parser_feed(p, data + off, n, collect, out), 0);
		off += n;
	}
	assert_int_equal(ge_parser_finish(p, collect, out), 0);
	ge_parser_free(p);
}

static void parse_fixture(recs *out, const char *name)
{
	ge_buf b = GE_BUF_INIT;
	read_fixture(&b, name);
	parse_chunked(out, b.ptr, b.len, 0);
	ge_buf_release(&b);
}

static int str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static void assert_str_or_null(const char *got, const char *want, const char *what,
                               const char *line)
{
	if (!str_eq(got, want))
		fail_msg("%s of '%s': got '%s', want '%s'", what, line, got ? got : "(null)",
		         want ? want : "(null)");
}

static void assert_recs_equal(const recs *a, const recs *b, const char *what)
{
	size_t i;
	if (a->n != b->n)
		fail_msg("%s: %zu lines, want %zu", what, a->n, b->n);
	for (i = 0; i < a->n; i++) {
		const rec *x = &a->v[i], *y = &b->v[i];
		if (x->type != y->type || !str_eq(x->line, y->line) || !str_eq(x->pkg, y->pkg) ||
		    !str_eq(x->path, y->path) || !str_eq(x->text, y->text) ||
		    !str_eq(x->subject, y->subject) || !str_eq(x->func, y->func) ||
		    x->lineno != y->lineno || x->col != y->col || x->truncated != y->truncated ||
		    x->indent != y->indent || x->leak_form != y->leak_form)
			fail_msg("%s: line %zu differs: '%s' vs '%s'", what, i + 1, x->line,
			         y->line);
	}
}

/* What one line must come out as; NULL subject/func/path/pkg mean "must be NULL". */
typedef struct want {
	const char *line;
	ge_line_type type;
	const char *pkg;
	const char *path;
	uint32_t lineno, col;
	const char *subject;
	const char *func;
	int indent;
	ge_leak_form leak_form;
} want;

static const rec *find_line(const recs *r, const char *line)
{
	size_t i;
	for (i = 0; i < r->n; i++)
		if (strcmp(r->v[i].line, line) == 0)
			return &r->v[i];
	fail_msg("line not found: '%s'", line);
	return NULL;
}

static void check_wants(const recs *r, const want *w, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		const rec *e = find_line(r, w[i].line);
		if (e->type != w[i].type)
			fail_msg("type of '%s': got %d, want %d", w[i].line, (int)e->type,
			         (int)w[i].type);
		assert_str_or_null(e->pkg, w[i].pkg, "pkg", w[i].line);
		assert_str_or_null(e->path, w[i].path, "path", w[i].line);
		assert_str_or_null(e->subject, w[i].subject, "subject", w[i].line);
		assert_str_or_null(e->func, w[i].func, "func", w[i].line);
		if (e->lineno != w[i].lineno || e->col != w[i].col)
			fail_msg("position of '%s': got %u:%u, want %u:%u", w[i].line, e->lineno,
			         e->col, w[i].lineno, w[i].col);
		if (e->indent != w[i].indent)
			fail_msg("indent of '%s': got %d, want %d", w[i].line, e->indent,
			         w[i].indent);
		if (e->type == GE_LINE_LEAK && e->leak_form != w[i].leak_form)
			fail_msg("leak form of '%s': got %d, want %d", w[i].line, (int)e->leak_form,
			         (int)w[i].leak_form);
		assert_int_equal(e->truncated, 0);
	}
}

#define CHECK_WANTS(r, w) check_wants((r), (w), sizeof(w) / sizeof((w)[0]))

static size_t count_type(const recs *r, ge_line_type t)
{
	size_t i, n = 0;
	for (i = 0; i < r->n; i++)
		n += r->v[i].type == t;
	return n;
}

/*
 * The fixtures, with counts hard-coded from grep (the command is above each
 * column).  fixture_counts also recounts them with an independent scan, so a
 * regenerated fixture that no longer matches this table fails loudly.
 */
static const struct fixture {
	const char *name;
	size_t lines;   /* wc -l */
	size_t moved;   /* grep -c 'moved to heap: ' */
	size_t escapes; /* grep -cE ' escapes to heap$' */
	size_t leaks;   /* grep -c 'leaking param' */
	size_t headers; /* grep -c '^# ' */
	int broken;     /* holds compile errors */
} fixtures[] = {
    {"go1.19.8-m.txt", 134, 5, 33, 11, 5, 0},          {"go1.19.8-m2.txt", 452, 5, 33, 11, 5, 0},
    {"go1.26.8-m.txt", 177, 8, 46, 13, 6, 0},          {"go1.26.8-m2.txt", 603, 8, 46, 13, 6, 0},
    {"go1.27.3-m.txt", 177, 8, 46, 13, 6, 0},          {"go1.27.3-m2.txt", 603, 8, 46, 13, 6, 0},
    {"go1.26.8-std-m.txt", 6072, 23, 1058, 569, 9, 0}, {"go1.19.8-broken-m.txt", 12, 1, 0, 0, 2, 1},
    {"go1.26.8-broken-m.txt", 12, 1, 0, 0, 2, 1},      {"go1.27.3-broken-m.txt", 12, 1, 0, 0, 2, 1},
};

#define NFIXTURES (sizeof(fixtures) / sizeof(fixtures[0]))

/*
 * An independent scan, in the spirit of grep: count lines by plain string
 * tests, without the parser.
 */
typedef struct scan {
	size_t lines, moved, escapes, leaks, headers;
} scan;

static int ends_with(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);
	return n >= k && memcmp(s + n - k, suf, k) == 0;
}

static int contains(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;
	for (i = 0; i + k <= n; i++)
		if (memcmp(s + i, needle, k) == 0)
			return 1;
	return 0;
}

static void scan_counts(scan *sc, const char *data, size_t len)
{
	const char *s = data, *end = data + len, *nl;
	size_t n;
	memset(sc, 0, sizeof(*sc));
	while (s < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		sc->lines++;
		sc->moved += contains(s, n, "moved to heap: ");
		sc->escapes += ends_with(s, n, " escapes to heap");
		sc->leaks += contains(s, n, "leaking param");
		sc->headers += n >= 2 && s[0] == '#' && s[1] == ' ';
		s = nl ? nl + 1 : end;
	}
}

/* Counts of MOVED/ESCAPES/LEAK/HEADER lines equal both the scan and grep. */
static void fixture_counts(void **state)
{
	size_t i;
	(void)state;
	for (i = 0; i < NFIXTURES; i++) {
		const struct fixture *f = &fixtures[i];
		ge_buf b = GE_BUF_INIT;
		recs r = {0};
		scan sc;
		read_fixture(&b, f->name);
		scan_counts(&sc, b.ptr, b.len);
		/* The scan agrees with grep, so the fixture is the one counted. */
		assert_int_equal(sc.lines, f->lines);
		assert_int_equal(sc.moved, f->moved);
		assert_int_equal(sc.escapes, f->escapes);
		assert_int_equal(sc.leaks, f->leaks);
		assert_int_equal(sc.headers, f->headers);

		parse_chunked(&r, b.ptr, b.len, 0);
		if (r.n != f->lines || count_type(&r, GE_LINE_MOVED) != f->moved ||
		    count_type(&r, GE_LINE_ESCAPES) != f->escapes ||
		    count_type(&r, GE_LINE_LEAK) != f->leaks ||
		    count_type(&r, GE_LINE_HEADER) != f->headers)
			fail_msg("%s: lines %zu moved %zu escapes %zu leaks %zu headers %zu",
			         f->name, r.n, count_type(&r, GE_LINE_MOVED),
			         count_type(&r, GE_LINE_ESCAPES), count_type(&r, GE_LINE_LEAK),
			         count_type(&r, GE_LINE_HEADER));
		assert_true(f->broken || f->moved > 0);
		recs_release(&r);
		ge_buf_release(&b);
	}
}

/*
 * Every positioned line a toolchain printed for code that compiles is a
 * known -m form: none may fall through to OTHER (the user would see it as if
 * it were an error), and -m=2 files have explanations.
 */
static void fixture_every_line_known(void **state)
{
	size_t i, j;
	(void)state;
	for (i = 0; i < NFIXTURES; i++) {
		recs r = {0};
		if (fixtures[i].broken)
			continue;
		parse_fixture(&r, fixtures[i].name);
		for (j = 0; j < r.n; j++)
			if (r.v[j].type == GE_LINE_OTHER)
				fail_msg("%s:%zu: unrecognised '%s'", fixtures[i].name, j + 1,
				         r.v[j].line);
		if (strstr(fixtures[i].name, "-m2.")) {
			assert_true(count_type(&r, GE_LINE_EXPLAIN) > 10);
			assert_true(count_type(&r, GE_LINE_FLOW) > 10);
			assert_true(count_type(&r, GE_LINE_FROM) > 10);
			assert_true(count_type(&r, GE_LINE_NOTE) > 5);
		} else {
			assert_int_equal(count_type(&r, GE_LINE_EXPLAIN), 0);
			assert_int_equal(count_type(&r, GE_LINE_FLOW), 0);
		}
		recs_release(&r);
	}
}

/* The pkg of each line is the import path of the last "# " header before it. */
static void fixture_headers(void **state)
{
	size_t i, j;
	(void)state;
	for (i = 0; i < NFIXTURES; i++) {
		recs r = {0};
		const char *last = NULL;
		parse_fixture(&r, fixtures[i].name);
		for (j = 0; j < r.n; j++) {
			if (strncmp(r.v[j].line, "# ", 2) == 0) {
				assert_int_equal(r.v[j].type, GE_LINE_HEADER);
				last = r.v[j].line + 2;
			}
			if (!str_eq(r.v[j].pkg, last))
				fail_msg("%s:%zu: pkg '%s', want '%s'", fixtures[i].name, j + 1,
				         r.v[j].pkg ? r.v[j].pkg : "(null)",
				         last ? last : "(null)");
		}
		recs_release(&r);
	}
}

#define PM "example.com/parsemod"

/* Go 1.26 -m=2: new wording ("escapes to heap in F:", "for F", "flow: a ← b:"). */
static void go126_m2_lines(void **state)
{
	recs r = {0};
	static const want w[] = {
	    {"heapy/heapy.go:25:9: &Cart{...} escapes to heap in NewCart:", GE_LINE_EXPLAIN,
	     PM "/heapy", "heapy/heapy.go", 25, 9, "&Cart{...}", "NewCart", 0, 0},
	    {"heapy/heapy.go:24:14: parameter owner leaks to {storage for &Cart{...}} for NewCart "
	     "with derefs=0:",
	     GE_LINE_EXPLAIN, PM "/heapy", "heapy/heapy.go", 24, 14, "owner", "NewCart", 0, 0},
	    {"heapy/heapy.go:101:12: parameter c leaks to {storage for c.Owner} for Print with "
	     "derefs=1:",
	     GE_LINE_EXPLAIN, PM "/heapy", "heapy/heapy.go", 101, 12, "c", "Print", 0, 0},
	    {"fmtint/fmtint.go:20:17: parameter b leaks to ~r0 for AppendItoa with derefs=0:",
	     GE_LINE_EXPLAIN, PM "/fmtint", "fmtint/fmtint.go", 20, 17, "b", "AppendItoa", 0, 0},
	    {"./generic/generic.go:16:18: append(generic.s.items, generic.v) escapes to heap in "
	     "(*Stack[go.shape.int]).Push:",
	     GE_LINE_EXPLAIN, PM, "./generic/generic.go", 16, 18,
	     "append(generic.s.items, generic.v)", "(*Stack[go.shape.int]).Push", 0, 0},
	    {"<autogenerated>:1: parameter ~p0 leaks to {heap} for Shape.Area with derefs=0:",
	     GE_LINE_EXPLAIN, PM "/devirt", "<autogenerated>", 1, 0, "~p0", "Shape.Area", 0, 0},
	    {"heapy/heapy.go:24:14:   flow: {storage for &Cart{...}} ← owner:", GE_LINE_FLOW,
	     PM "/heapy", "heapy/heapy.go", 24, 14, "{storage for &Cart{...}} ← owner", NULL, 2, 0},
	    {"heapy/heapy.go:24:14:     from Cart{...} (struct literal element) at "
	     "heapy/heapy.go:25:14",
	     GE_LINE_FROM, PM "/heapy", "heapy/heapy.go", 24, 14,
	     "Cart{...} (struct literal element) at heapy/heapy.go:25:14", NULL, 4, 0},
	    {"heapy/heapy.go:44:2: moved to heap: x", GE_LINE_MOVED, PM "/heapy", "heapy/heapy.go",
	     44, 2, "x", NULL, 0, 0},
	    {"heapy/heapy.go:68:16: leaking param: p", GE_LINE_LEAK, PM "/heapy", "heapy/heapy.go",
	     68, 16, "p", NULL, 0, GE_LEAK_PARAM},
	    {"heapy/heapy.go:73:18: leaking param content: p", GE_LINE_LEAK, PM "/heapy",
	     "heapy/heapy.go", 73, 18, "p", NULL, 0, GE_LEAK_CONTENT},
	    {"heapy/heapy.go:78:17: leaking param: p to result ~r0 level=0", GE_LINE_LEAK,
	     PM "/heapy", "heapy/heapy.go", 78, 17, "p", NULL, 0, GE_LEAK_RESULT},
	    {"fmtint/fmtint.go:11:28: ([]byte)(~r0) escapes to heap", GE_LINE_ESCAPES, PM "/fmtint",
	     "fmtint/fmtint.go", 11, 28, "([]byte)(~r0)", NULL, 0, 0},
	    {"fmtint/fmtint.go:31:27: ([]byte)(fmt.Sprintf(\"%d\", ... argument...)) escapes to "
	     "heap",
	     GE_LINE_ESCAPES, PM "/fmtint", "fmtint/fmtint.go", 31, 27,
	     "([]byte)(fmt.Sprintf(\"%d\", ... argument...))", NULL, 0, 0},
	    {"fmtint/fmtint.go:16:20: ... argument does not escape", GE_LINE_NOESCAPE, PM "/fmtint",
	     "fmtint/fmtint.go", 16, 20, "... argument", NULL, 0, 0},
	    {"heapy/heapy.go:89:13: make([]byte, n) escapes to heap", GE_LINE_ESCAPES, PM "/heapy",
	     "heapy/heapy.go", 89, 13, "make([]byte, n)", NULL, 0, 0},
	    {"heapy/heapy.go:51:9: func literal escapes to heap", GE_LINE_ESCAPES, PM "/heapy",
	     "heapy/heapy.go", 51, 9, "func literal", NULL, 0, 0},
	    {"heapy/inner/inner.go:16:15: append escapes to heap", GE_LINE_ESCAPES,
	     PM "/heapy/inner", "heapy/inner/inner.go", 16, 15, "append", NULL, 0, 0},
	    {"heapy/heapy.go:84:9: n escapes to heap", GE_LINE_ESCAPES, PM "/heapy",
	     "heapy/heapy.go", 84, 9, "n", NULL, 0, 0},
	    {"./main.go:24:20: &heapy.Cart{...} escapes to heap", GE_LINE_ESCAPES, PM, "./main.go",
	     24, 20, "&heapy.Cart{...}", NULL, 0, 0},
	    {"heapy/heapy.go:111:6: can inline Adder with cost 17 as: func(int) func(int) int { "
	     "return func literal }",
	     GE_LINE_INLINE, PM "/heapy", "heapy/heapy.go", 111, 6, "Adder", NULL, 0, 0},
	    {"heapy/heapy.go:101:6: cannot inline Print: function too complex: cost 83 exceeds "
	     "budget 80",
	     GE_LINE_INLINE, PM "/heapy", "heapy/heapy.go", 101, 6, "Print", NULL, 0, 0},
	    {"./main.go:24:20: inlining call to heapy.NewCart", GE_LINE_INLINE, PM, "./main.go", 24,
	     20, "heapy.NewCart", NULL, 0, 0},
	    {"<autogenerated>:1: inlining call to Square.Area", GE_LINE_INLINE, PM "/devirt",
	     "<autogenerated>", 1, 0, "Square.Area", NULL, 0, 0},
	    {"heapy/heapy.go:50:2: Counter capturing by ref: count (addr=false assign=true "
	     "width=8)",
	     GE_LINE_NOTE, PM "/heapy", "heapy/heapy.go", 50, 2, NULL, NULL, 0, 0},
	    {"heapy/heapy.go:111:12: Adder capturing by value: n (addr=false assign=false "
	     "width=8)",
	     GE_LINE_NOTE, PM "/heapy", "heapy/heapy.go", 111, 12, NULL, NULL, 0, 0},
	    {"devirt/devirt.go:36:8: devirtualizing g.Grow to *Square", GE_LINE_NOTE, PM "/devirt",
	     "devirt/devirt.go", 36, 8, NULL, NULL, 0, 0},
	    {"devirt/devirt.go:48:15: partially devirtualizing s.Area to wrapped", GE_LINE_NOTE,
	     PM "/devirt", "devirt/devirt.go", 48, 15, NULL, NULL, 0, 0},
	    {"devirt/devirt.go:55:11: marking p as escaping uintptr", GE_LINE_NOTE, PM "/devirt",
	     "devirt/devirt.go", 55, 11, NULL, NULL, 0, 0},
	    {"heapy/heapy.go:119:10: (*Cart).Self ignoring self-assignment in c.Items = "
	     "c.Items[:len(c.Items)]",
	     GE_LINE_NOTE, PM "/heapy", "heapy/heapy.go", 119, 10, NULL, NULL, 0, 0},
	    {"heapy/heapy.go:131:6:   warning: truncated explanation due to assignment cycle; see "
	     "golang.org/issue/35518",
	     GE_LINE_NOTE, PM "/heapy", "heapy/heapy.go", 131, 6, NULL, NULL, 2, 0},
	    /* range-over-func's #next has no position (Go 1.23 on) */
	    {"moved to heap: #next", GE_LINE_MOVED, PM "/rangefunc", NULL, 0, 0, "#next", NULL, 0,
	     0},
	    {"<unknown line number>: #next escapes to heap in Find:", GE_LINE_EXPLAIN,
	     PM "/rangefunc", NULL, 0, 0, "#next", "Find", 0, 0},
	    {"<unknown line number>:   flow: {storage for func literal} ← &#next:", GE_LINE_FLOW,
	     PM "/rangefunc", NULL, 0, 0, "{storage for func literal} ← &#next", NULL, 2, 0},
	    {"<unknown line number>:     from #next (reference) at rangefunc/rangefunc.go:26:4",
	     GE_LINE_FROM, PM "/rangefunc", NULL, 0, 0,
	     "#next (reference) at rangefunc/rangefunc.go:26:4", NULL, 4, 0},
	    {"rangefunc/rangefunc.go:24:2:     from #state1 (reference) at <unknown line number>",
	     GE_LINE_FROM, PM "/rangefunc", "rangefunc/rangefunc.go", 24, 2,
	     "#state1 (reference) at <unknown line number>", NULL, 4, 0},
	    {"Find capturing by ref: #next (addr=false assign=true width=8)", GE_LINE_NOTE,
	     PM "/rangefunc", NULL, 0, 0, NULL, NULL, 0, 0},
	    {"rangefunc/rangefunc.go:24:2: can inline Find-range1 with cost 35 as: func(int) bool "
	     "{ "
	     "#tmpState := #state1; #state1 = 2; if #tmpState != 1 { "
	     "runtime.panicrangestate(#tmpState) }; if x == want { #rv1 = true; #next = -1; "
	     "#state1 = 0; return false }; #state1 = 1; return true }",
	     GE_LINE_INLINE, PM "/rangefunc", "rangefunc/rangefunc.go", 24, 2, "Find-range1", NULL,
	     0, 0},
	};
	(void)state;
	parse_fixture(&r, "go1.26.8-m2.txt");
	CHECK_WANTS(&r, w);
	recs_release(&r);
}

/* Go 1.27 keeps the new wording. */
static void go127_m2_lines(void **state)
{
	recs r = {0};
	static const want w[] = {
	    {"heapy/heapy.go:25:9: &Cart{...} escapes to heap in NewCart:", GE_LINE_EXPLAIN,
	     PM "/heapy", "heapy/heapy.go", 25, 9, "&Cart{...}", "NewCart", 0, 0},
	    {"./generic/generic.go:15:6: append(generic.s.items, generic.v) escapes to heap in "
	     "(*Stack[int]).Push:",
	     GE_LINE_EXPLAIN, PM, "./generic/generic.go", 15, 6,
	     "append(generic.s.items, generic.v)", "(*Stack[int]).Push", 0, 0},
	    {"heapy/heapy.go:101:12: parameter c leaks to {storage for c.Owner} for Print with "
	     "derefs=1:",
	     GE_LINE_EXPLAIN, PM "/heapy", "heapy/heapy.go", 101, 12, "c", "Print", 0, 0},
	    {"heapy/heapy.go:24:14:   flow: {storage for &Cart{...}} ← owner:", GE_LINE_FLOW,
	     PM "/heapy", "heapy/heapy.go", 24, 14, "{storage for &Cart{...}} ← owner", NULL, 2, 0},
	    {"heapy/heapy.go:78:17: leaking param: p to result ~r0 level=0", GE_LINE_LEAK,
	     PM "/heapy", "heapy/heapy.go", 78, 17, "p", NULL, 0, GE_LEAK_RESULT},
	    {"./main.go:32:59: devirtualizing devirt.s.Area to devirt.Square", GE_LINE_NOTE, PM,
	     "./main.go", 32, 59, NULL, NULL, 0, 0},
	};
	(void)state;
	parse_fixture(&r, "go1.27.3-m2.txt");
	CHECK_WANTS(&r, w);
	recs_release(&r);
}

/* Go 1.19 -m=2: old wording ("escapes to heap:", no "for F", "flow: a = b:"). */
static void go119_m2_lines(void **state)
{
	recs r = {0};
	static const want w[] = {
	    {"heapy/heapy.go:25:9: &Cart{...} escapes to heap:", GE_LINE_EXPLAIN, PM "/heapy",
	     "heapy/heapy.go", 25, 9, "&Cart{...}", NULL, 0, 0},
	    {"heapy/heapy.go:24:14: parameter owner leaks to {storage for &Cart{...}} with "
	     "derefs=0:",
	     GE_LINE_EXPLAIN, PM "/heapy", "heapy/heapy.go", 24, 14, "owner", NULL, 0, 0},
	    {"heapy/heapy.go:24:14:   flow: {storage for &Cart{...}} = owner:", GE_LINE_FLOW,
	     PM "/heapy", "heapy/heapy.go", 24, 14, "{storage for &Cart{...}} = owner", NULL, 2, 0},
	    {"heapy/heapy.go:24:14:     from Cart{...} (struct literal element) at "
	     "heapy/heapy.go:25:14",
	     GE_LINE_FROM, PM "/heapy", "heapy/heapy.go", 24, 14,
	     "Cart{...} (struct literal element) at heapy/heapy.go:25:14", NULL, 4, 0},
	    {"<autogenerated>:1: parameter .this leaks to {heap} with derefs=1:", GE_LINE_EXPLAIN,
	     PM "/devirt", "<autogenerated>", 1, 0, ".this", NULL, 0, 0},
	    {"heapy/heapy.go:78:17: leaking param: p to result ~r0 level=0", GE_LINE_LEAK,
	     PM "/heapy", "heapy/heapy.go", 78, 17, "p", NULL, 0, GE_LEAK_RESULT},
	    {"heapy/heapy.go:73:18: leaking param content: p", GE_LINE_LEAK, PM "/heapy",
	     "heapy/heapy.go", 73, 18, "p", NULL, 0, GE_LEAK_CONTENT},
	    {"heapy/heapy.go:44:2: moved to heap: x", GE_LINE_MOVED, PM "/heapy", "heapy/heapy.go",
	     44, 2, "x", NULL, 0, 0},
	    {"./main.go:18:6: cannot inline main: function too complex: cost 732 exceeds budget 80",
	     GE_LINE_INLINE, PM, "./main.go", 18, 6, "main", NULL, 0, 0},
	    {"heapy/heapy.go:131:6:   warning: truncated explanation due to assignment cycle; see "
	     "golang.org/issue/35518",
	     GE_LINE_NOTE, PM "/heapy", "heapy/heapy.go", 131, 6, NULL, NULL, 2, 0},
	};
	(void)state;
	parse_fixture(&r, "go1.19.8-m2.txt");
	CHECK_WANTS(&r, w);
	recs_release(&r);
}

/* Level-1 output of each version, and the standard library's absolute paths. */
static void level1_lines(void **state)
{
	recs r = {0};
	static const want w119[] = {
	    {"fmtint/fmtint.go:11:15: ([]byte)(~R0) escapes to heap", GE_LINE_ESCAPES, PM "/fmtint",
	     "fmtint/fmtint.go", 11, 15, "([]byte)(~R0)", NULL, 0, 0},
	    {"heapy/inner/inner.go:15:11: leaking param: p", GE_LINE_LEAK, PM "/heapy/inner",
	     "heapy/inner/inner.go", 15, 11, "p", NULL, 0, GE_LEAK_PARAM},
	    {"./main.go:19:2: moved to heap: n", GE_LINE_MOVED, PM, "./main.go", 19, 2, "n", NULL,
	     0, 0},
	};
	static const want w126[] = {
	    {"heapy/inner/inner.go:11:14: \"n=\" + ~r0 escapes to heap", GE_LINE_ESCAPES,
	     PM "/heapy/inner", "heapy/inner/inner.go", 11, 14, "\"n=\" + ~r0", NULL, 0, 0},
	    {"./main.go:19:2: moved to heap: n", GE_LINE_MOVED, PM, "./main.go", 19, 2, "n", NULL,
	     0, 0},
	    {"./main.go:32:13: inlining call to fmt.Println", GE_LINE_INLINE, PM, "./main.go", 32,
	     13, "fmt.Println", NULL, 0, 0},
	};
	static const want wstd[] = {
	    {"<autogenerated>:1: inlining call to IntSlice.Len", GE_LINE_INLINE, "sort",
	     "<autogenerated>", 1, 0, "IntSlice.Len", NULL, 0, 0},
	    {"/usr/local/go/src/bytes/bytes.go:250:33: index bounds check elided", GE_LINE_NOTE,
	     "bytes", "/usr/local/go/src/bytes/bytes.go", 250, 33, NULL, NULL, 0, 0},
	    {"/usr/local/go/src/strings/strings.go:1093:28: zero-copy string->[]byte conversion",
	     GE_LINE_NOTE, "strings", "/usr/local/go/src/strings/strings.go", 1093, 28, NULL, NULL,
	     0, 0},
	};
	(void)state;
	parse_fixture(&r, "go1.19.8-m.txt");
	CHECK_WANTS(&r, w119);
	recs_release(&r);
	parse_fixture(&r, "go1.26.8-m.txt");
	CHECK_WANTS(&r, w126);
	recs_release(&r);
	parse_fixture(&r, "go1.26.8-std-m.txt");
	CHECK_WANTS(&r, wstd);
	recs_release(&r);
}

/*
 * Compile errors and go's own messages are OTHER, with the text intact so
 * the caller can show them; the -m lines around them still count.
 */
static void broken_is_other(void **state)
{
	static const char *const names[] = {"go1.19.8-broken-m.txt", "go1.26.8-broken-m.txt",
	                                    "go1.27.3-broken-m.txt"};
	size_t i, j, errors;
	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		recs r = {0};
		const rec *e;
		parse_fixture(&r, names[i]);
		errors = 0;
		for (j = 0; j < r.n; j++) {
			if (str_eq(r.v[j].pkg, "example.com/brokenmod/bad") &&
			    r.v[j].type != GE_LINE_HEADER) {
				if (r.v[j].type != GE_LINE_OTHER)
					fail_msg("%s: error line '%s' classified %d", names[i],
					         r.v[j].line, (int)r.v[j].type);
				errors += r.v[j].path != NULL;
			}
		}
		/* "os" unused, too many arguments, unused variable, type mismatch, undefined */
		assert_int_equal(errors, 5);
		e = find_line(&r, "bad/bad.go:17:13: undefined: undefinedName");
		assert_int_equal(e->type, GE_LINE_OTHER);
		assert_string_equal(e->path, "bad/bad.go");
		assert_int_equal(e->lineno, 17);
		assert_int_equal(e->col, 13);
		assert_string_equal(e->text, "undefined: undefinedName");
		e = find_line(&r, "\twant (int)");
		assert_int_equal(e->type, GE_LINE_OTHER);
		assert_null(e->path);
		e = find_line(
		    &r, "go: warning: \"example.com/brokenmod/nothing/...\" matched no packages");
		assert_int_equal(e->type, GE_LINE_OTHER);
		assert_null(e->path);
		assert_null(e->pkg); /* printed before any header */
		e = find_line(&r, "good/good.go:8:2: moved to heap: x");
		assert_int_equal(e->type, GE_LINE_MOVED);
		assert_string_equal(e->pkg, "example.com/brokenmod/good");
		recs_release(&r);
	}
}

/* Chunks of 1, 7 and 4096 bytes give what one feed of the whole file gives. */
static void chunking(void **state)
{
	static const size_t sizes[] = {1, 7, 4096};
	size_t i, k;
	(void)state;
	for (i = 0; i < NFIXTURES; i++) {
		ge_buf b = GE_BUF_INIT;
		recs whole = {0};
		read_fixture(&b, fixtures[i].name);
		parse_chunked(&whole, b.ptr, b.len, 0);
		assert_int_equal(whole.n, fixtures[i].lines);
		for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			recs part = {0};
			parse_chunked(&part, b.ptr, b.len, sizes[k]);
			assert_recs_equal(&part, &whole, fixtures[i].name);
			recs_release(&part);
		}
		recs_release(&whole);
		ge_buf_release(&b);
	}
}

/* A fixture with CRLF line ends parses like the original. */
static void crlf(void **state)
{
	ge_buf b = GE_BUF_INIT, crlf = GE_BUF_INIT;
	recs lf = {0}, cr = {0}, cr1 = {0};
	size_t i;
	(void)state;
	read_fixture(&b, "go1.26.8-m2.txt");
	for (i = 0; i < b.len; i++) {
		if (b.ptr[i] == '\n')
			assert_int_equal(ge_buf_putc(&crlf, '\r'), 0);
		assert_int_equal(ge_buf_putc(&crlf, b.ptr[i]), 0);
	}
	parse_chunked(&lf, b.ptr, b.len, 0);
	parse_chunked(&cr, crlf.ptr, crlf.len, 0);
	parse_chunked(&cr1, crlf.ptr, crlf.len, 1); /* '\r' and '\n' in separate feeds */
	assert_recs_equal(&cr, &lf, "crlf");
	assert_recs_equal(&cr1, &lf, "crlf, 1-byte chunks");
	assert_string_equal(cr.v[0].pkg, PM "/devirt");
	recs_release(&lf);
	recs_release(&cr);
	recs_release(&cr1);
	ge_buf_release(&b);
	ge_buf_release(&crlf);
}

/* A 1 MB line: one truncated OTHER of GE_PARSE_MAX_LINE bytes, then parsing goes on. */
static void long_line(void **state)
{
	static const size_t sizes[] = {0, 1, 4096, 65536};
	const char tail[] = "\n./x.go:3:4: moved to heap: y\n";
	size_t big = 1024 * 1024, i, k;
	char *data = malloc(big + sizeof(tail));
	(void)state;
	assert_non_null(data);
	memset(data, 'a', big);
	memcpy(data, "./x.go:1:2: ", 12); /* would be a position, were it short */
	memcpy(data + big - 16, " escapes to heap", 16);
	memcpy(data + big, tail, sizeof(tail));
	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		recs r = {0};
		parse_chunked(&r, data, big + sizeof(tail) - 1, sizes[k]);
		assert_int_equal(r.n, 2);
		assert_int_equal(r.v[0].type, GE_LINE_OTHER);
		assert_int_equal(r.v[0].truncated, 1);
		assert_int_equal(strlen(r.v[0].line), GE_PARSE_MAX_LINE);
		assert_memory_equal(r.v[0].line, data, GE_PARSE_MAX_LINE);
		assert_int_equal(r.v[1].type, GE_LINE_MOVED);
		assert_int_equal(r.v[1].truncated, 0);
		assert_string_equal(r.v[1].subject, "y");
		assert_int_equal(r.v[1].lineno, 3);
		recs_release(&r);
	}

	/* Exactly GE_PARSE_MAX_LINE bytes (plus a '\r') is still a whole line. */
	for (i = 0; i < 2; i++) {
		size_t len = GE_PARSE_MAX_LINE;
		for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			recs r = {0};
			memset(data, 'b', len);
			memcpy(data, "./x.go:1:2: ", 12);
			memcpy(data + len - 16, " escapes to heap", 16);
			if (i == 0) {
				data[len] = '\n';
				parse_chunked(&r, data, len + 1, sizes[k]);
			} else {
				data[len] = '\r';
				data[len + 1] = '\n';
				parse_chunked(&r, data, len + 2, sizes[k]);
			}
			assert_int_equal(r.n, 1);
			assert_int_equal(r.v[0].truncated, 0);
			assert_int_equal(r.v[0].type, GE_LINE_ESCAPES);
			assert_int_equal(strlen(r.v[0].line), len);
			recs_release(&r);

			/* One byte more is too long. */
			data[len] = 'b';
			data[len + 1] = '\r';
			data[len + 2] = '\n';
			parse_chunked(&r, data, len + 3, sizes[k]);
			assert_int_equal(r.n, 1);
			assert_int_equal(r.v[0].truncated, 1);
			assert_int_equal(r.v[0].type, GE_LINE_OTHER);
			recs_release(&r);
		}
	}
	free(data);
}

/* ge_parser_finish() delivers a last line that has no newline, once. */
static void finish_flushes(void **state)
{
	const char in[] = "# example.com/m\r\n./x.go:7:3: moved to heap: last";
	ge_parser *p = NULL;
	recs r = {0};
	(void)state;
	assert_int_equal(ge_parser_new(&p), 0);
	assert_int_equal(ge_parser_feed(p, in, sizeof(in) - 1, collect, &r), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.v[0].type, GE_LINE_HEADER);
	assert_string_equal(r.v[0].pkg, "example.com/m");
	assert_string_equal(r.v[0].line, "# example.com/m");
	assert_int_equal(ge_parser_finish(p, collect, &r), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.v[1].type, GE_LINE_MOVED);
	assert_string_equal(r.v[1].subject, "last");
	assert_string_equal(r.v[1].pkg, "example.com/m");
	assert_int_equal(ge_parser_finish(p, collect, &r), 0);
	assert_int_equal(r.n, 2);
	/* The parser goes on after finish. */
	assert_int_equal(ge_parser_feed(p, "./y.go:1:1: z escapes to heap\n", 31, collect, &r), 0);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.v[2].type, GE_LINE_ESCAPES);
	assert_string_equal(r.v[2].pkg, "example.com/m");
	ge_parser_free(p);
	recs_release(&r);
}

/* A callback's non-zero return stops the feed and comes back from it. */
static void callback_stops(void **state)
{
	const char in[] = "a\nb\nc\n";
	ge_parser *p = NULL;
	recs r = {0};
	(void)state;
	r.stop_after = 2;
	assert_int_equal(ge_parser_new(&p), 0);
	assert_int_equal(ge_parser_feed(p, in, sizeof(in) - 1, collect, &r), 7);
	assert_int_equal(r.n, 2);
	ge_parser_free(p);
	recs_release(&r);
}

/* ge_parse_classify on its own: positions and paths of every kind. */
static void classify_positions(void **state)
{
	ge_parser *p = NULL;
	ge_parse_line l;
	static const struct {
		const char *line;
		ge_line_type type;
		const char *path;
		uint32_t lineno, col;
		const char *subject;
	} cases[] = {
	    {"<autogenerated>:1: leaking param: .this", GE_LINE_LEAK, "<autogenerated>", 1, 0,
	     ".this"},
	    {"../x.go:12:5: moved to heap: v", GE_LINE_MOVED, "../x.go", 12, 5, "v"},
	    {"/abs/dir/x.go:3:1: &T{} escapes to heap", GE_LINE_ESCAPES, "/abs/dir/x.go", 3, 1,
	     "&T{}"},
	    {"./my dir/x.go:4:2: moved to heap: v", GE_LINE_MOVED, "./my dir/x.go", 4, 2, "v"},
	    {"odd:dir/x.go:4:2: moved to heap: v", GE_LINE_MOVED, "odd:dir/x.go", 4, 2, "v"},
	    {"sub/x.go:4:2: x does not escape", GE_LINE_NOESCAPE, "sub/x.go", 4, 2, "x"},
	    {"./x.go:3:2: undefined: foo", GE_LINE_OTHER, "./x.go", 3, 2, NULL},
	    {"./x.go:3:2: declared and not used: moved", GE_LINE_OTHER, "./x.go", 3, 2, NULL},
	    {"./x.go:3:2: escapes to heap", GE_LINE_OTHER, "./x.go", 3, 2, NULL},
	    {"./x.go:3:2: moved to heap: ", GE_LINE_OTHER, "./x.go", 3, 2, NULL},
	    {"./x.go:3:2:   flow: no colon at the end", GE_LINE_OTHER, "./x.go", 3, 2, NULL},
	    {"./x.go:3:2:     from x", GE_LINE_OTHER, "./x.go", 3, 2, NULL},
	    {"./x.go:3:2: inlining call to F with score 40", GE_LINE_INLINE, "./x.go", 3, 2, "F"},
	    {"./x.go:3:2: cannot inline F into G: repeated recursive cycle", GE_LINE_INLINE,
	     "./x.go", 3, 2, "F"},
	    {"./x.go:9999999999:2: moved to heap: v", GE_LINE_OTHER, NULL, 0, 0, NULL},
	    {"go: downloading example.com/x v1.0.0", GE_LINE_OTHER, NULL, 0, 0, NULL},
	    {"x.go:3:2:moved to heap: v", GE_LINE_OTHER, NULL, 0, 0, NULL},
	    {"", GE_LINE_OTHER, NULL, 0, 0, NULL},
	    {"moved to heap: #next", GE_LINE_MOVED, NULL, 0, 0, "#next"},
	    {"too many errors", GE_LINE_OTHER, NULL, 0, 0, NULL},
	    {"\tmoved to heap: x", GE_LINE_OTHER, NULL, 0, 0, NULL},
	};
	size_t i;
	(void)state;
	assert_int_equal(ge_parser_new(&p), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *s = cases[i].line;
		size_t n = strlen(s);
		ge_line_type t = ge_parse_classify(p, &l, s, n);
		if (t != cases[i].type || l.type != t)
			fail_msg("'%s': type %d, want %d", s, (int)t, (int)cases[i].type);
		assert_ptr_equal(l.line, s);
		assert_int_equal(l.line_len, n);
		assert_null(l.pkg);
		if (!cases[i].path) {
			assert_null(l.path);
			assert_ptr_equal(l.text, s);
		} else {
			assert_non_null(l.path);
			assert_int_equal(l.path_len, strlen(cases[i].path));
			assert_memory_equal(l.path, cases[i].path, l.path_len);
		}
		assert_int_equal(l.lineno, cases[i].lineno);
		assert_int_equal(l.col, cases[i].col);
		if (!cases[i].subject) {
			assert_null(l.subject);
		} else {
			assert_int_equal(l.subject_len, strlen(cases[i].subject));
			assert_memory_equal(l.subject, cases[i].subject, l.subject_len);
		}
	}
	/* Nested braces in a leak target; a target a string literal unbalances. */
	{
		const char *ok =
		    "x.go:1:2: parameter s leaks to {storage for T{a: {}}} for (*T).M with "
		    "derefs=0:";
		const char *odd = "x.go:1:2: parameter s leaks to {storage for \"}\"} for F with "
		                  "derefs=0:";
		assert_int_equal(ge_parse_classify(p, &l, ok, strlen(ok)), GE_LINE_EXPLAIN);
		assert_int_equal(l.func_len, 6);
		assert_memory_equal(l.func, "(*T).M", 6);
		assert_int_equal(ge_parse_classify(p, &l, odd, strlen(odd)), GE_LINE_EXPLAIN);
		assert_int_equal(l.subject_len, 1);
		assert_memory_equal(l.subject, "s", 1);
		assert_null(l.func);
	}
	/* A '\r' left at the end is not part of the message. */
	assert_int_equal(ge_parse_classify(p, &l, "x.go:1:2: moved to heap: v\r", 27),
	                 GE_LINE_MOVED);
	assert_int_equal(l.line_len, 26);
	assert_int_equal(l.subject_len, 1);
	assert_memory_equal(l.subject, "v", 1);
	/* A header carries its import path even without feeder state. */
	assert_int_equal(ge_parse_classify(p, &l, "# example.com/m/sub", 19), GE_LINE_HEADER);
	assert_int_equal(l.pkg_len, 17);
	assert_memory_equal(l.pkg, "example.com/m/sub", 17);
	ge_parser_free(p);
}

/*
 * go build -json (go help buildjson): the events of a real -json build,
 * decoded, give exactly the text of the same build without -json, and so
 * the same classified lines.  Lines that are not build events are told
 * apart: go test's TestEvent, other JSON, broken JSON, plain text.
 */
static void build_events(void **state)
{
	ge_buf b = GE_BUF_INIT, text = GE_BUF_INIT, plain = GE_BUF_INIT;
	recs from_json = {0}, from_text = {0};
	const char *p, *end;
	size_t nevents = 0, nfail = 0, i;
	ge_build_event ev = GE_BUILD_EVENT_INIT;
	(void)state;
	read_fixture(&b, "go1.26.8-json-m.txt");
	for (p = b.ptr, end = b.ptr + b.len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		assert_int_equal(ge_parse_build_event(&ev, p, n), 1);
		assert_non_null(ev.import_path);
		assert_true(strncmp(ev.import_path, "example.com/parsemod", 20) == 0);
		if (strcmp(ev.action, "build-output") == 0) {
			assert_non_null(ev.output);
			assert_int_equal(ge_buf_put(&text, ev.output, ev.output_len), 0);
		} else {
			nfail++;
		}
		nevents++;
		ge_build_event_release(&ev);
		p += n + (nl != NULL);
	}
	assert_true(nevents >= 5);
	assert_int_equal(nfail, 0);
	read_fixture(&plain, "go1.26.8-m.txt");
	assert_int_equal(text.len, plain.len);
	assert_memory_equal(text.ptr, plain.ptr, plain.len);
	parse_chunked(&from_json, text.ptr, text.len, 0);
	parse_chunked(&from_text, plain.ptr, plain.len, 0);
	assert_int_equal(from_json.n, from_text.n);
	for (i = 0; i < from_text.n; i++) {
		assert_int_equal(from_json.v[i].type, from_text.v[i].type);
		assert_string_equal(from_json.v[i].line, from_text.v[i].line);
	}

	{
		static const char *const not_events[] = {
		    "{\"Time\":\"2026-01-01T00:00:00Z\",\"Action\":\"output\",\"Package\":\"p\","
		    "\"Output\":\"ok\\n\"}",
		    "{\"ImportPath\":\"p\",\"Action\":\"start\"}",
		    "{\"ImportPath\":\"p\",\"Action\":\"build-output\",\"Output\":7}",
		    "{\"ImportPath\":\"p\",\"Action\":\"build-output\",",
		    "[1,2]",
		    "# example.com/m",
		    "x.go:1:2: moved to heap: v",
		    "",
		};
		const char *fail = "{\"ImportPath\":\"example.com/m\",\"Action\":\"build-fail\"}\r";
		const char *esc = "  {\"ImportPath\":\"m\",\"Action\":\"build-output\","
		                  "\"Output\":\"x.go:1:2: \\u2190 \\\"q\\\"\\n\"}";
		for (i = 0; i < sizeof(not_events) / sizeof(not_events[0]); i++) {
			assert_int_equal(
			    ge_parse_build_event(&ev, not_events[i], strlen(not_events[i])), 0);
			assert_null(ev.import_path);
		}
		assert_int_equal(ge_parse_build_event(&ev, fail, strlen(fail)), 1);
		assert_string_equal(ev.action, "build-fail");
		assert_null(ev.output);
		ge_build_event_release(&ev);
		assert_int_equal(ge_parse_build_event(&ev, esc, strlen(esc)), 1);
		assert_string_equal(ev.output, "x.go:1:2: \xe2\x86\x90 \"q\"\n");
		ge_build_event_release(&ev);
	}
	recs_release(&from_json);
	recs_release(&from_text);
	ge_buf_release(&b);
	ge_buf_release(&text);
	ge_buf_release(&plain);
}

/* Both position readers on one line, with and without a trailing '\r'. */
static void pos_both(const ge_parser *p, const char *line, size_t len, const char *where)
{
	if (!ge_parse__pos_same(p, line, len))
		fail_msg("%s: the position reader and its PCRE2 pattern differ on '%.*s'", where,
		         (int)len, line);
}

/*
 * The hand-written position reader against the pattern that defines it: on
 * every line of every captured compiler output in tests/fixtures (each whole,
 * each with a few bytes cut off either end, and the message of each put
 * behind another position), on the forms at the edges of the pattern
 * (colons in paths, digit runs of 10 and 11, a missing space, an empty
 * path), and on 300,000 random lines over the bytes that matter.
 */
static void pos_reader_same_as_pattern(void **state)
{
	static const char *const edges[] = {
	    "a.go:1:2: x",
	    "a.go:1: x",
	    "a.go:1:2:x",
	    "a.go:1:x",
	    ":1:2: x",
	    "a:b:1:2: x",
	    "a: b:1: x",
	    "a:1:2:3: x",
	    "a:1::2: x",
	    "a:1: :2: x",
	    "a:1234567890: x",
	    "a:12345678901: x",
	    "a:1:1234567890: x",
	    "a:1:12345678901: x",
	    "a:12345678901:1: x",
	    "C:\\x\\y.go:3:4: x",
	    "a b/c d.go:10:2: moved to heap: x",
	    "a:1:2: ",
	    "a:1:2:",
	    "a:1: ",
	    "a:1:",
	    "a::1: x",
	    "a:1:2:: x",
	    "::",
	    ": ",
	    "a:0: x",
	    "a:00:00: x",
	    "a:1:2 x: 3:4: y",
	    "a:x1:2: y",
	    "a:1x:2: y",
	    "<autogenerated>:1: x",
	};
	DIR *d = opendir(FIXTURES);
	struct dirent *e;
	ge_parser *p = NULL;
	ge_buf b = GE_BUF_INIT, l = GE_BUF_INIT;
	size_t i, nlines = 0, nfiles = 0;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	(void)state;
	assert_int_equal(ge_parser_new(&p), 0);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		ge_buf path = GE_BUF_INIT;
		const char *s, *end, *nl;
		if (e->d_name[0] == '.')
			continue;
		assert_int_equal(ge_buf_printf(&path, FIXTURES "%s", e->d_name), 0);
		ge_buf_clear(&b);
		if (ge_file_read(&b, path.ptr) < 0)
			fail_msg("cannot read fixture %s: %s", path.ptr, ge_error_last());
		nfiles++;
		for (s = b.ptr, end = b.ptr + b.len; s < end; s = nl + 1) {
			size_t n, k;
			if (!(nl = memchr(s, '\n', (size_t)(end - s))))
				nl = end;
			n = (size_t)(nl - s);
			pos_both(p, s, n, path.ptr);
			for (k = 1; k <= 3 && k <= n; k++) {
				pos_both(p, s + k, n - k, path.ptr);
				pos_both(p, s, n - k, path.ptr);
			}
			ge_buf_clear(&l);
			assert_int_equal(ge_buf_printf(&l, "x y:1:%.*s\r", (int)n, s), 0);
			pos_both(p, l.ptr, l.len, path.ptr);
			pos_both(p, l.ptr, l.len - 1, path.ptr);
			nlines++;
		}
		ge_buf_release(&path);
	}
	closedir(d);
	/* All of tests/fixtures/compiler-output was read, not a few files. */
	assert_true(nfiles >= 29);
	assert_true(nlines > 10000);
	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		pos_both(p, edges[i], strlen(edges[i]), "edge");
	for (i = 0; i < 300000; i++) {
		static const char alpha[] = "::::0123456789  a/.\r";
		char line[24];
		size_t n, k;
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		n = (size_t)(x % sizeof(line));
		for (k = 0; k < n; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			line[k] = alpha[(x >> 11) % (sizeof(alpha) - 1)];
		}
		pos_both(p, line, n, "random");
	}
	ge_buf_release(&b);
	ge_buf_release(&l);
	ge_parser_free(p);
}

/* collect(), and the line's pointers are into the line the callback got. */
static int collect_inside(const ge_parse_line *l, void *ud)
{
	const char *const at[] = {l->path, l->text, l->subject, l->func};
	size_t i;
	for (i = 0; i < 4; i++)
		if (at[i])
			assert_true(at[i] >= l->line && at[i] <= l->line + l->line_len);
	return collect(l, ud);
}

/* Feed data's whole lines one by one, classified ahead by a second parser when ahead. */
static void feed_lines(recs *out, const char *data, size_t len, int ahead)
{
	ge_parser *p = NULL, *q = NULL;
	const char *s = data, *end = data + len, *nl;
	assert_int_equal(ge_parser_new(&p), 0);
	assert_int_equal(ge_parser_new(&q), 0);
	while (s < end && (nl = memchr(s, '\n', (size_t)(end - s)))) {
		ge_parse_ahead pre;
		int got = ahead && ge_parse_ahead_line(q, &pre, s, (size_t)(nl - s));
		assert_int_equal(ge_parser_feed_line_ahead(p, s, (size_t)(nl - s),
		                                           got ? &pre : NULL, collect_inside, out),
		                 0);
		s = nl + 1;
	}
	ge_parser_free(p);
	ge_parser_free(q);
}

/*
 * Lines classified ahead (by another parser, where they lie) and fed with
 * that classification give the callback exactly the records feeding them
 * alone gives, pointers into the parser's own copy: every fixture, and
 * lines ending in '\r', a header between, a line too long to classify.
 */
static void ahead_same_as_feed(void **state)
{
	size_t i;
	(void)state;
	for (i = 0; i <= NFIXTURES; i++) {
		ge_buf b = GE_BUF_INIT;
		recs x = {0}, y = {0};
		x.cr2 = y.cr2 = i == NFIXTURES;
		if (i < NFIXTURES) {
			read_fixture(&b, fixtures[i].name);
		} else {
			size_t k;
			assert_int_equal(
			    ge_buf_puts(&b, "# example.com/m/p\r\n./a.go:3:7: x escapes to heap\r\n"
			                    "./a.go:4:2: moved to heap: y\r\r\n# example.com/m/q\n"
			                    "./b.go:1:1: leaking param: p to result ~r0 level=0\n"),
			    0);
			for (k = 0; k < GE_PARSE_MAX_LINE + 1; k++)
				assert_int_equal(ge_buf_putc(&b, k % 50 ? 'x' : ':'), 0);
			assert_int_equal(ge_buf_puts(&b, "\n./c.go:2:2: z does not escape\n"), 0);
		}
		feed_lines(&x, b.ptr, b.len, 0);
		feed_lines(&y, b.ptr, b.len, 1);
		assert_true(x.n > 0);
		assert_recs_equal(&y, &x, i < NFIXTURES ? fixtures[i].name : "synthetic");
		recs_release(&x);
		recs_release(&y);
		ge_buf_release(&b);
	}
}

/*
 * A pattern is JIT-compiled at its first match, not when the parser is
 * made: the -m lines of a warm build (the replay's display parse) need no
 * pattern, a note needs the notes' pattern, and the classification is the
 * same before and after the JIT (fails when ge_parser_new compiles them).
 */
static void jit_at_first_match(void **state)
{
	static const char *const lines[] = {
	    "p000/a.go:15:6: can inline New",
	    "p000/a.go:16:36: inlining call to strconv.Itoa",
	    "p000/a.go:16:9: &T{...} escapes to heap",
	    "p000/b.go:5:2: moved to heap: total",
	    "p000/b.go:13:10: xs does not escape",
	    "p000/a.go:26:20: ... argument does not escape",
	    "p000/b.go:24:11: leaking param: x",
	};
	static const char note[] = "p000/b.go:3:9: index bounds check elided";
	static const char err[] = "p000/b.go:3:9: undefined: x";
	ge_parser *p;
	ge_parse_line l;
	size_t i;
	int k;
	(void)state;
	assert_int_equal(ge_parser_new(&p), 0);
	assert_int_equal(ge_parse__jit_tried(p), 0);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		assert_int_not_equal(ge_parse_classify(p, &l, lines[i], strlen(lines[i])),
		                     GE_LINE_OTHER);
	assert_int_equal(ge_parse__jit_tried(p), 0);
	for (k = 0; k < 2; k++) { /* the first match JIT-compiles, the second uses it */
		assert_int_equal(ge_parse_classify(p, &l, note, strlen(note)), GE_LINE_NOTE);
		assert_int_equal(ge_parse__jit_tried(p), 1);
		assert_int_equal(ge_parse_classify(p, &l, err, strlen(err)), GE_LINE_OTHER);
		assert_non_null(l.path);
	}
	ge_parser_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(fixture_counts),  cmocka_unit_test(fixture_every_line_known),
	    cmocka_unit_test(fixture_headers), cmocka_unit_test(go126_m2_lines),
	    cmocka_unit_test(go127_m2_lines),  cmocka_unit_test(go119_m2_lines),
	    cmocka_unit_test(level1_lines),    cmocka_unit_test(broken_is_other),
	    cmocka_unit_test(chunking),        cmocka_unit_test(crlf),
	    cmocka_unit_test(long_line),       cmocka_unit_test(finish_flushes),
	    cmocka_unit_test(callback_stops),  cmocka_unit_test(classify_positions),
	    cmocka_unit_test(build_events),    cmocka_unit_test(pos_reader_same_as_pattern),
	    cmocka_unit_test(ahead_same_as_feed),  cmocka_unit_test(jit_at_first_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
