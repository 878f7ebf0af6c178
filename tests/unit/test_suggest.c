/*
 * lib/suggest without go: the rewrites, buffers and import edits a run makes
 * (through ge_suggest__rewrite), what is left alone, the diff and JSON of a
 * result, --apply's refusals and file modes, and check's coverage count.
 * The compiler's errors as suggest_work.c reads them (through lib/parse)
 * come from a captured go1.26.8 build.  The rest of the compiler's side
 * (type probes, verification) is covered by the integration tests
 * t4001-t4006 and t4101-t4102, which run the real go.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "suggest.h"
#include "suggest_int.h"

static char *rewrite(const char *src, const char *ty)
{
	ge_buf out = GE_BUF_INIT;
	assert_int_equal(ge_suggest__rewrite(&out, src, strlen(src), ty), 0);
	return ge_buf_detach(&out);
}

static void check(const char *src, const char *ty, const char *want)
{
	char *got = rewrite(src, ty);
	assert_string_equal(got, want);
	free(got);
}

static void sprintf_types(void **state)
{
	static const char *src = "package p\n"
	                         "\n"
	                         "import \"fmt\"\n"
	                         "\n"
	                         "func F(n T) string {\n"
	                         "\treturn fmt.Sprintf(\"%d\", n)\n"
	                         "}\n";
	static const struct {
		const char *ty, *call;
	} cases[] = {
	    {"int", "strconv.Itoa(n)"},
	    {"int64", "strconv.FormatInt(n, 10)"},
	    {"signed", "strconv.FormatInt(int64(n), 10)"},
	    {"uint64", "strconv.FormatUint(n, 10)"},
	    {"unsigned", "strconv.FormatUint(uint64(n), 10)"},
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char want[256];
		snprintf(
		    want, sizeof(want),
		    "package p\n\nimport \"strconv\"\n\nfunc F(n T) string {\n\treturn %s\n}\n",
		    cases[i].call);
		check(src, cases[i].ty, want);
	}
}

static void imports_kept_and_added(void **state)
{
	(void)state;
	/* fmt still used: kept; strconv joins the standard-library group, sorted. */
	check("package p\n\nimport (\n\t\"fmt\"\n\t\"os\"\n\n\t\"example.com/x\"\n)\n\n"
	      "func F(n int) {\n\tfmt.Println(fmt.Sprint(n), os.Args, x.Y)\n}\n",
	      "int",
	      "package p\n\nimport "
	      "(\n\t\"fmt\"\n\t\"os\"\n\t\"strconv\"\n\n\t\"example.com/x\"\n)\n\n"
	      "func F(n int) {\n\tfmt.Println(strconv.Itoa(n), os.Args, x.Y)\n}\n");
	/* A single import becomes a group. */
	check("package p\n\nimport \"fmt\"\n\nfunc F(n int) {\n\tfmt.Println(fmt.Sprint(n))\n}\n",
	      "int",
	      "package p\n\nimport (\n\t\"fmt\"\n\t\"strconv\"\n)\n\n"
	      "func F(n int) {\n\tfmt.Println(strconv.Itoa(n))\n}\n");
	/* fmt alone in its group goes with the blank line after it. */
	check("package p\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/x\"\n\t\"strconv\"\n)\n\n"
	      "func F(n int) string {\n\treturn fmt.Sprintf(\"%d\", n) + x.Y + "
	      "strconv.Quote(\"\")\n}\n",
	      "int",
	      "package p\n\nimport (\n\t\"example.com/x\"\n\t\"strconv\"\n)\n\n"
	      "func F(n int) string {\n\treturn strconv.Itoa(n) + x.Y + strconv.Quote(\"\")\n}\n");
	/* A blank import of strconv becomes the import, not a second one beside it. */
	check("package p\n\nimport (\n\t\"fmt\"\n\t_ \"strconv\"\n)\n\n"
	      "func F(n int) {\n\tfmt.Println(fmt.Sprint(n))\n}\n",
	      "int",
	      "package p\n\nimport (\n\t\"fmt\"\n\t\"strconv\"\n)\n\n"
	      "func F(n int) {\n\tfmt.Println(strconv.Itoa(n))\n}\n");
	check("package p\n\nimport (\n\t\"fmt\"\n\t_ \"strconv\"\n)\n\n"
	      "func F(n int) string {\n\treturn fmt.Sprint(n)\n}\n",
	      "int",
	      "package p\n\nimport (\n\t\"strconv\"\n)\n\n"
	      "func F(n int) string {\n\treturn strconv.Itoa(n)\n}\n");
	/* A dot import of strconv is used as it is: unqualified calls, no second import. */
	check("package p\n\nimport (\n\t\"fmt\"\n\t. \"strconv\"\n)\n\n"
	      "func F(n int8) string {\n\treturn fmt.Sprint(n) + Quote(\"\")\n}\n",
	      "signed",
	      "package p\n\nimport (\n\t. \"strconv\"\n)\n\n"
	      "func F(n int8) string {\n\treturn FormatInt(int64(n), 10) + Quote(\"\")\n}\n");
	check("package p\n\nimport (\n\t\"fmt\"\n\t. \"strconv\"\n)\n\n"
	      "func F(n int, b []byte) []byte {\n\tfmt.Println(Quote(\"\"))\n"
	      "\treturn append(b, fmt.Sprint(n)...)\n}\n",
	      "int",
	      "package p\n\nimport (\n\t\"fmt\"\n\t. \"strconv\"\n)\n\n"
	      "func F(n int, b []byte) []byte {\n\tfmt.Println(Quote(\"\"))\n"
	      "\treturn AppendInt(b, int64(n), 10)\n}\n");
	/* ... unless one of its functions is something else there. */
	check("package p\n\nimport (\n\t\"fmt\"\n\t. \"strconv\"\n)\n\n"
	      "func F(n int) string {\n\tItoa := Quote\n\treturn fmt.Sprint(n) + Itoa(\"\")\n}\n",
	      "int",
	      "package p\n\nimport (\n\t\"fmt\"\n\t. \"strconv\"\n)\n\n"
	      "func F(n int) string {\n\tItoa := Quote\n\treturn fmt.Sprint(n) + Itoa(\"\")\n}\n");
	/* strconv.Itoa in a file that does not import strconv is not the package: untouched. */
	check("package p\n\nfunc F(n int) []byte {\n\treturn []byte(strconv.Itoa(n))\n}\n", "int",
	      "package p\n\nfunc F(n int) []byte {\n\treturn []byte(strconv.Itoa(n))\n}\n");
}

static void alias_and_shadowing(void **state)
{
	(void)state;
	/* strconv under another name: that name is used. */
	check(
	    "package p\n\nimport (\n\t\"fmt\"\n\tsc \"strconv\"\n)\n\n"
	    "func F(n int16) string {\n\treturn fmt.Sprintf(\"%d\", n) + sc.Quote(\"x\")\n}\n",
	    "signed",
	    "package p\n\nimport (\n\tsc \"strconv\"\n)\n\n"
	    "func F(n int16) string {\n\treturn sc.FormatInt(int64(n), 10) + sc.Quote(\"x\")\n}\n");
	/* A variable named strconv, or fmt, in the function: left alone. */
	check("package p\n\nimport \"fmt\"\n\nfunc F(n int) string {\n\tstrconv := \"n=\"\n"
	      "\treturn strconv + fmt.Sprintf(\"%d\", n)\n}\n",
	      "int",
	      "package p\n\nimport \"fmt\"\n\nfunc F(n int) string {\n\tstrconv := \"n=\"\n"
	      "\treturn strconv + fmt.Sprintf(\"%d\", n)\n}\n");
	check("package p\n\nimport \"fmt\"\n\nfunc F(fmt T, n int) string {\n"
	      "\treturn fmt.Sprintf(\"%d\", n)\n}\n",
	      "int",
	      "package p\n\nimport \"fmt\"\n\nfunc F(fmt T, n int) string {\n"
	      "\treturn fmt.Sprintf(\"%d\", n)\n}\n");
}

static void buffers(void **state)
{
	(void)state;
	/* Consumed in the statement, on a line of its own: a stack buffer. */
	check("package p\n\nimport (\n\t\"io\"\n\t\"strconv\"\n)\n\nfunc F(w io.Writer, n int) {\n"
	      "\tif n > 0 {\n\t\tw.Write([]byte(strconv.Itoa(n)))\n\t}\n}\n",
	      "int",
	      "package p\n\nimport (\n\t\"io\"\n\t\"strconv\"\n)\n\nfunc F(w io.Writer, n int) {\n"
	      "\tif n > 0 {\n\t\tvar buf [20]byte\n"
	      "\t\tw.Write(strconv.AppendInt(buf[:0], int64(n), 10))\n\t}\n}\n");
	/* Two values alive at once get two buffers; a taken name is skipped. */
	check("package p\n\nimport (\n\t\"bytes\"\n\t\"fmt\"\n)\n\nfunc F(a, b uint8) bool {\n"
	      "\tbuf := 1\n\t_ = buf\n"
	      "\treturn bytes.Equal([]byte(fmt.Sprintf(\"%d\", a)), []byte(fmt.Sprint(b)))\n}\n",
	      "unsigned",
	      "package p\n\nimport (\n\t\"bytes\"\n\t\"strconv\"\n)\n\nfunc F(a, b uint8) bool {\n"
	      "\tbuf := 1\n\t_ = buf\n\tvar buf2 [20]byte\n\tvar buf3 [20]byte\n"
	      "\treturn bytes.Equal(strconv.AppendUint(buf2[:0], uint64(a), 10), "
	      "strconv.AppendUint(buf3[:0], uint64(b), 10))\n}\n");
	/* Returned whole, or not on a line of its own: nil. */
	check("package p\n\nimport \"strconv\"\n\nfunc F(n int64) []byte {\n"
	      "\treturn []byte(strconv.FormatInt(n, 16))\n}\n\n"
	      "func G(n int) { if n > 0 { use([]byte(strconv.Itoa(n))) } }\n",
	      "int",
	      "package p\n\nimport \"strconv\"\n\nfunc F(n int64) []byte {\n"
	      "\treturn strconv.AppendInt(nil, n, 16)\n}\n\n"
	      "func G(n int) { if n > 0 { use(strconv.AppendInt(nil, int64(n), 10)) } }\n");
	/* A labeled statement keeps its label: no declaration between them. */
	check(
	    "package p\n\nimport \"strconv\"\n\nfunc F(w W, ns []int) {\nL:\n"
	    "\tfor _, n := range bytes([]byte(strconv.Itoa(len(ns)))) {\n\t\tcontinue L\n\t}\n}\n",
	    "int",
	    "package p\n\nimport \"strconv\"\n\nfunc F(w W, ns []int) {\nL:\n"
	    "\tfor _, n := range bytes(strconv.AppendInt(nil, int64(len(ns)), 10)) {\n"
	    "\t\tcontinue L\n\t}\n}\n");
	/* append(b, s...) appends in place. */
	check("package p\n\nimport \"strconv\"\n\nfunc F(b []byte, n int) []byte {\n"
	      "\tb = append(b, strconv.Itoa(n)...)\n\treturn b\n}\n",
	      "int",
	      "package p\n\nimport \"strconv\"\n\nfunc F(b []byte, n int) []byte {\n"
	      "\tb = strconv.AppendInt(b, int64(n), 10)\n\treturn b\n}\n");
}

static void left_alone(void **state)
{
	static const char *src = "package p\n\nimport \"fmt\"\n\n"
	                         "func F(n int, xs []any) []string {\n"
	                         "\tswitch fmt.Sprint(n) {\n"
	                         "\tcase fmt.Sprint(n + 1):\n" /* a case expression */
	                         "\t}\n"
	                         "\treturn []string{fmt.Sprintf(\"%5d\", n), fmt.Sprintf(\"%x\", "
	                         "n), fmt.Sprintf(\"%+d\", n),\n"
	                         "\t\tfmt.Sprintf(\"%.0d\", n), fmt.Sprint(n, n), "
	                         "fmt.Sprint(xs...), fmt.Sprintf(\"%d %d\", n, n)}\n"
	                         "}\n";
	char *got = rewrite(src, "int");
	(void)state;
	/* Only the switch tag is rewritten. */
	assert_non_null(strstr(got, "\tswitch strconv.Itoa(n) {\n\tcase fmt.Sprint(n + 1):\n"));
	assert_non_null(
	    strstr(got, "fmt.Sprintf(\"%5d\", n), strconv.FormatInt(int64(n), 16), "
	                "fmt.Sprintf(\"%+d\", n),\n\t\tfmt.Sprintf(\"%.0d\", n), "
	                "fmt.Sprint(n, n), fmt.Sprint(xs...), fmt.Sprintf(\"%d %d\", n, n)}"));
	assert_non_null(strstr(got, "import (\n\t\"fmt\"\n\t\"strconv\"\n)\n"));
	free(got);
	/* Generated and cgo files are nobody's to edit. */
	check("// Code generated by stringer. DO NOT EDIT.\n\npackage p\n\nimport \"fmt\"\n\n"
	      "func F(n int) string {\n\treturn fmt.Sprint(n)\n}\n",
	      "int",
	      "// Code generated by stringer. DO NOT EDIT.\n\npackage p\n\nimport \"fmt\"\n\n"
	      "func F(n int) string {\n\treturn fmt.Sprint(n)\n}\n");
	check("package p\n\nimport \"C\"\nimport \"fmt\"\n\nfunc F(n int) string {\n"
	      "\treturn fmt.Sprint(n)\n}\n",
	      "int",
	      "package p\n\nimport \"C\"\nimport \"fmt\"\n\nfunc F(n int) string {\n"
	      "\treturn fmt.Sprint(n)\n}\n");
	/* Nested: the outer match only, the inner one is for a later run. */
	check("package p\n\nimport \"fmt\"\n\nfunc F(n int) string {\n"
	      "\treturn fmt.Sprintf(\"%d\", len(fmt.Sprint(n)))\n}\n",
	      "int",
	      "package p\n\nimport (\n\t\"fmt\"\n\t\"strconv\"\n)\n\nfunc F(n int) string {\n"
	      "\treturn strconv.Itoa(len(fmt.Sprint(n)))\n}\n");
}

/* lib/suggest_patterns.c's rules, and what each leaves alone. */
static void patterns(void **state)
{
	static const struct {
		const char *body, *want;
	} cases[] = {
	    /* A constant around the number: one string over a buffer sized for it. */
	    {"\ts := \"id-\" + strconv.Itoa(n)\n",
	     "\tvar buf [23]byte\n\ts := string(strconv.AppendInt(append(buf[:0], \"id-\"...), "
	     "int64(n), 10))\n"},
	    {"\ts := \"<\" + strconv.FormatUint(u, 16) + \"\\n>\"\n",
	     "\tvar buf [24]byte\n\ts := string(append(strconv.AppendUint(append(buf[:0], "
	     "\"<\"...), u, 16), \"\\n>\"...))\n"},
	    {"\ts := strconv.Itoa(n) + `px`\n",
	     "\tvar buf [22]byte\n\ts := string(append(strconv.AppendInt(buf[:0], int64(n), 10), "
	     "`px`...))\n"},
	    {"\ts := fmt.Sprintf(\"id-%d\\t\", n)\n",
	     "\tvar buf [25]byte\n\ts := string(append(strconv.AppendInt(append(buf[:0], "
	     "\"id-\"...), int64(n), 10), \"\\t\"...))\n"},
	    /* Other verbs: the base. */
	    {"\ts := fmt.Sprintf(\"%x\", n) + fmt.Sprintf(\"%o\", n) + fmt.Sprintf(\"%b\", n) + "
	     "fmt.Sprintf(\"%v\", n)\n",
	     "\ts := strconv.FormatInt(int64(n), 16) + strconv.FormatInt(int64(n), 8) + "
	     "strconv.FormatInt(int64(n), 2) + strconv.Itoa(n)\n"},
	    /* FormatUint joins Itoa and FormatInt in the older rules too. */
	    {"\tfmt.Println([]byte(strconv.FormatUint(u, 16)))\n",
	     "\tvar buf [20]byte\n\tfmt.Println(strconv.AppendUint(buf[:0], u, 16))\n"},
	    /* Writers. */
	    {"\tw.WriteString(strconv.Itoa(n))\n",
	     "\tvar buf [20]byte\n\tw.Write(strconv.AppendInt(buf[:0], int64(n), 10))\n"},
	    {"\tfmt.Fprintf(&b, \"n=%d\\n\", n)\n",
	     "\tvar buf [24]byte\n\tb.Write(append(strconv.AppendInt(append(buf[:0], \"n=\"...), "
	     "int64(n), 10), \"\\n\"...))\n"},
	    /* Left alone: a variable prefix, an escape that could be '%', results used,
	       a slice of the suffix, a prefix joined to something before it. */
	    {"\ts := p + strconv.Itoa(n)\n", NULL},
	    {"\ts := fmt.Sprintf(\"\\x25d%d\", n)\n", NULL},
	    {"\t_, _ = w.WriteString(strconv.Itoa(n))\n", NULL},
	    {"\ts := \"a\"[:1] + strconv.Itoa(n)[1:]\n", NULL},
	    {"\ts := p + \"a\" + strconv.Itoa(n)\n", NULL},
	    {"\tif s := \"a\" + strconv.Itoa(n); s != p {\n\t}\n", NULL},
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char src[512], want[512];
		char *got;
		snprintf(src, sizeof(src),
		         "package p\n\nimport (\n\t\"fmt\"\n\t\"strconv\"\n)\n\n"
		         "func F(n int, u uint64, p string, w W, b B) {\n%s\tfmt.Println()\n}\n",
		         cases[i].body);
		snprintf(want, sizeof(want),
		         "package p\n\nimport (\n\t\"fmt\"\n\t\"strconv\"\n)\n\n"
		         "func F(n int, u uint64, p string, w W, b B) {\n%s\tfmt.Println()\n}\n",
		         cases[i].want ? cases[i].want : cases[i].body);
		got = rewrite(src, "int");
		if (strcmp(got, want) != 0)
			print_error("case %zu\n", i);
		assert_string_equal(got, want);
		free(got);
	}
}

/*
 * The behaviour check of lib/suggest_patterns.c's pairs: the program is
 * tests/fixtures/suggest-behaviour/patterns.go, its output from a real
 * "go run" (go1.26) patterns-go1.26-output.txt.  The last pair is the trap
 * the type probe refuses (%x of a named type with String and Error methods,
 * which fmt formats as the hex of what Error returns), let through here:
 * the check must drop it, and only it.
 */
static void behaviour_patterns(void **state)
{
	static const struct {
		rule r;
		inner in;
		variant v;
		tyclass ty;
		const char *name;
		char verb;
		int pre, suf;
		wtype wt;
	} pairs[] = {
	    {R_CONCAT, IN_ITOA, V_BUF, TY_INT, "int", 'd', 1, 1, W_UNKNOWN},
	    {R_CONCAT, IN_FORMATUINT, V_BUF, TY_UINT64, "uint64", 'd', 0, 1, W_UNKNOWN},
	    {R_SPRINTF_AFFIX, IN_SPRINTF, V_BUF, TY_SIGNED, NULL, 'd', 1, 0, W_UNKNOWN},
	    {R_SPRINTF_BASE, IN_SPRINTF, V_STRING, TY_INT, "int", 'x', 0, 0, W_UNKNOWN},
	    {R_SPRINTF_BASE, IN_SPRINTF, V_STRING, TY_SIGNED, "int8", 'o', 0, 0, W_UNKNOWN},
	    {R_SPRINTF_BASE, IN_SPRINTF, V_STRING, TY_UNSIGNED, NULL, 'b', 0, 0, W_UNKNOWN},
	    {R_SPRINTF_BASE, IN_SPRINTF, V_STRING, TY_INT, "int", 'v', 0, 0, W_UNKNOWN},
	    {R_WRITESTRING, IN_ITOA, V_BUF, TY_INT, "int", 'd', 0, 0, W_BYTES},
	    {R_WRITESTRING, IN_SPRINT, V_BUF, TY_INT, "int", 'd', 0, 0, W_STRINGS},
	    {R_WRITESTRING, IN_ITOA, V_AVAIL, TY_INT, "int", 'd', 0, 0, W_BUFIO},
	    {R_FPRINTF, IN_FPRINTF, V_BUF, TY_SIGNED, "int32", 'd', 1, 1, W_BYTES},
	    {R_SPRINTF_BASE, IN_SPRINTF, V_STRING, TY_SIGNED, NULL, 'x', 0, 0, W_UNKNOWN},
	};
	enum { NP = sizeof(pairs) / sizeof(pairs[0]) };
	cand c[NP];
	sctx s;
	ge_buf prog = GE_BUF_INIT, want = GE_BUF_INIT, out = GE_BUF_INIT;
	size_t i;
	(void)state;
	memset(&s, 0, sizeof(s));
	memset(c, 0, sizeof(c));
	for (i = 0; i < NP; i++) {
		c[i].rule = pairs[i].r;
		c[i].in = pairs[i].in;
		c[i].var = pairs[i].v;
		c[i].ty = pairs[i].ty;
		c[i].tyname = pairs[i].name;
		c[i].verb = pairs[i].verb;
		c[i].base = pairs[i].verb == 'x'   ? 16
		            : pairs[i].verb == 'o' ? 8
		            : pairs[i].verb == 'b' ? 2
		                                   : 10;
		c[i].pre = pairs[i].pre ? (char *)"\"id-\"" : NULL;
		c[i].suf = pairs[i].suf ? (char *)"`\\n`" : NULL;
		c[i].bufsize = 20 + (pairs[i].pre ? 3 : 0) + (pairs[i].suf ? 2 : 0);
		c[i].wt = pairs[i].wt;
		c[i].state = C_TRIAL;
	}
	s.c = c;
	s.nc = NP;
	assert_int_equal(ge_suggest__behaviour_program(&prog, &s), 0);
	assert_int_equal(ge_file_read(&want, "../fixtures/suggest-behaviour/patterns.go"), 0);
	assert_string_equal(prog.ptr, want.ptr);
	assert_int_equal(
	    ge_file_read(&out, "../fixtures/suggest-behaviour/patterns-go1.26-output.txt"), 0);
	assert_int_equal(ge_suggest__behaviour_verdicts(&s, out.ptr, out.len), 0);
	for (i = 0; i < NP; i++)
		assert_int_equal(c[i].state, i == NP - 1 ? C_REJECTED : C_TRIAL);
	assert_non_null(
	    strstr(c[NP - 1].reason, "behaviour check: changes output for a named int "));
	assert_non_null(strstr(c[NP - 1].reason, "fmt.Sprintf(\"%x\", v) gives \"4572726f72\""));
	free(c[NP - 1].reason);
	ge_buf_release(&prog);
	ge_buf_release(&want);
	ge_buf_release(&out);
}

static void package_level(void **state)
{
	(void)state;
	check("package p\n\nimport \"fmt\"\n\nvar Answer = fmt.Sprint(42)\n", "int",
	      "package p\n\nimport \"strconv\"\n\nvar Answer = strconv.Itoa(42)\n");
}

/* ---- results -------------------------------------------------------------- */

static ge_suggest_result *one_result(const char *abs)
{
	ge_suggest_result *r = calloc(1, sizeof(*r));
	ge_suggestion *g;
	assert_non_null(r);
	r->module = ge_strdup("example.com/m");
	r->go_version = ge_strdup("go1.26.8");
	r->items = calloc(1, sizeof(*r->items));
	r->nitems = 1;
	g = &r->items[0];
	g->rule = "sprintf-d";
	g->package = ge_strdup("example.com/m/p");
	g->file = ge_strdup("p/x.go");
	g->function = ge_strdup("F");
	g->line = 6;
	g->column = 9;
	g->before = ge_strdup("fmt.Sprintf(\"%d\", n)");
	g->after = ge_strdup("strconv.Itoa(n)");
	g->heap_before = calloc(1, sizeof(char *));
	g->heap_before[0] = ge_strdup("6:27: n escapes to heap");
	g->nheap_before = 1;
	r->files = calloc(1, sizeof(*r->files));
	r->nfiles = 1;
	r->files[0].path = ge_strdup("p/x.go");
	r->files[0].abs = ge_strdup(abs);
	r->files[0].old_text = ge_strdup("a\nfmt\n");
	r->files[0].old_len = 6;
	r->files[0].new_text = ge_strdup("a\nstrconv\n");
	r->files[0].new_len = 10;
	r->heap_before = 3;
	r->heap_after = 2;
	r->candidates = 1;
	r->go_runs = 3;
	r->behaviour_pairs = 2;
	return r;
}

static void json_and_diff(void **state)
{
	ge_suggest_result *r = one_result("/nonexistent/p/x.go");
	ge_buf b = GE_BUF_INIT;
	(void)state;
	assert_int_equal(ge_suggest_json(&b, r), 0);
	assert_non_null(strstr(b.ptr, "{\"schema\":\"goescape-suggest/1\",\"go\":\"go1.26.8\","));
	assert_non_null(strstr(b.ptr, "\"heap_before\":3,\"heap_after\":2,\"heap_delta\":-1,"
	                              "\"go_invocations\":3,"));
	assert_non_null(strstr(b.ptr, "\"rounds\":0,\"behaviour_pairs\":2,"));
	assert_non_null(
	    strstr(b.ptr, "\"rule\":\"sprintf-d\",\"package\":\"example.com/m/p\","
	                  "\"file\":\"p/x.go\",\"line\":6,\"column\":9,\"function\":\"F\","
	                  "\"before\":\"fmt.Sprintf(\\\"%d\\\", n)\",\"after\":\"strconv.Itoa(n)\","
	                  "\"stack_buffer\":null,\"heap_before\":[\"6:27: n escapes to heap\"],"
	                  "\"heap_after\":[],\"heap_delta\":-1,\"allocs_before\":1,"
	                  "\"allocs_after\":0,\"allocs_hidden\":0}"));
	ge_buf_clear(&b);
	assert_int_equal(ge_suggest_diff(&b, r, NULL), 0);
	assert_string_equal(b.ptr, "diff --git a/p/x.go b/p/x.go\n--- a/p/x.go\n+++ b/p/x.go\n"
	                           "@@ -1,2 +1,2 @@\n a\n-fmt\n+strconv\n");
	ge_buf_clear(&b);
	/* The module in a subdirectory of its repository. */
	assert_int_equal(ge_suggest_diff(&b, r, "mod/"), 0);
	assert_non_null(strstr(b.ptr, "diff --git a/mod/p/x.go b/mod/p/x.go\n--- a/mod/p/x.go\n"));
	ge_buf_release(&b);
	ge_suggest_result_free(r);
	ge_suggest_result_free(NULL);
}

static void apply(void **state)
{
	char dir[] = "/tmp/goescape-test-suggest-XXXXXX";
	char path[128], other[128];
	ge_suggest_result *r;
	ge_buf b = GE_BUF_INIT;
	struct stat st;
	FILE *f;
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/p", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/p/x.go", dir);
	r = one_result(path);

	/* A file that changed since it was read is not written. */
	f = fopen(path, "w");
	fputs("a\nchanged\n", f);
	fclose(f);
	assert_int_equal(ge_suggest_apply(r, dir), GE_ECONFLICT);
	assert_int_equal(ge_file_read(&b, path), 0);
	assert_string_equal(b.ptr, "a\nchanged\n");

	/* Outside the module: refused. */
	snprintf(other, sizeof(other), "%s/p", dir);
	assert_int_equal(ge_suggest_apply(r, other) < 0, 1);

	/* Written, keeping the file's mode. */
	f = fopen(path, "w");
	fputs("a\nfmt\n", f);
	fclose(f);
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(ge_suggest_apply(r, dir), 0);
	ge_buf_clear(&b);
	assert_int_equal(ge_file_read(&b, path), 0);
	assert_string_equal(b.ptr, "a\nstrconv\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);

	unlink(path);
	snprintf(path, sizeof(path), "%s/p", dir);
	rmdir(path);
	rmdir(dir);
	ge_buf_release(&b);
	ge_suggest_result_free(r);
}

static void covered(void **state)
{
	char dir[] = "/tmp/goescape-test-covered-XXXXXX";
	char path[128];
	ge_report *r = NULL;
	ge_diag d;
	size_t n = 99;
	FILE *f;
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x.go", dir);
	f = fopen(path, "w");
	fputs("package p\n\nimport \"fmt\"\n\nfunc F(n int) string {\n"
	      "\treturn fmt.Sprintf(\"%d\", n)\n}\n\nfunc G() *int {\n\tx := 1\n\treturn &x\n}\n",
	      f);
	fclose(f);
	assert_int_equal(ge_report_new(&r), 0);
	memset(&d, 0, sizeof(d));
	d.package = "example.com/m";
	d.file = "x.go";
	d.function = "F";
	d.subject = "n";
	d.message = "n escapes to heap";
	d.kind = GE_KIND_ESCAPES;
	d.status = GE_STATUS_NEW;
	d.line = 6;
	d.column = 27;
	assert_int_equal(ge_report_add(r, &d), 0);
	d.function = "G";
	d.subject = d.message = "x";
	d.kind = GE_KIND_MOVED;
	d.line = 10;
	d.column = 2;
	assert_int_equal(ge_report_add(r, &d), 0);
	d.status = GE_STATUS_EXISTING; /* not new: not counted */
	d.line = 6;
	assert_int_equal(ge_report_add(r, &d), 0);
	d.status = GE_STATUS_NEW;
	d.file = "gone.go"; /* a file that is not there any more */
	assert_int_equal(ge_report_add(r, &d), 0);
	assert_int_equal(ge_suggest_covered(&n, r, dir), 0);
	assert_int_equal(n, 1);
	ge_report_free(r);
	unlink(path);
	rmdir(dir);
}

/* go build's errors: those in a file suggest read name it, the others only the package. */
static void compiler_errors(void **state)
{
	sctx s;
	sfile f;
	cerrs e = {NULL, 0, NULL, 0};
	ge_buf out = GE_BUF_INIT;
	(void)state;
	memset(&s, 0, sizeof(s));
	memset(&f, 0, sizeof(f));
	f.rel = (char *)"p/x.go";
	f.pkg = (char *)"example.com/m/p";
	s.files = &f;
	s.nfiles = 1;
	assert_int_equal(
	    ge_file_read(&out, "../fixtures/compiler-output/go1.26.8-suggest-errors.txt"), 0);
	assert_int_equal(ge_suggest__parse_errors(&s, &e, out.ptr, out.len), 0);
	assert_int_equal(e.npkgs, 1);
	assert_string_equal(e.pkgs[0], "example.com/m/p");
	assert_int_equal(e.n, 3);
	assert_int_equal(e.e[0].file, 0);
	assert_int_equal(e.e[0].line, 6);
	assert_int_equal(e.e[0].col, 27);
	assert_string_equal(e.e[0].msg, "cannot use b (variable of type int32) as int64 value in "
	                                "argument to strconv.FormatInt");
	assert_int_equal(e.e[1].line, 9);
	assert_true(e.e[2].file == (size_t)-1); /* y.go: not one of ours */
	assert_string_equal(e.e[2].pkg, "example.com/m/p");
	assert_string_equal(e.e[2].msg, "undefined: undefinedThing");
	assert_true(ge_suggest__saw_pkg(&e, "example.com/m/p"));
	assert_false(ge_suggest__saw_pkg(&e, "example.com/m"));
	ge_suggest__cerrs_release(&e);
	/* Without a header, only our own files count. */
	assert_int_equal(ge_suggest__parse_errors(&s, &e, out.ptr + 17, out.len - 17), 0);
	assert_int_equal(e.n, 2);
	ge_suggest__cerrs_release(&e);
	ge_buf_release(&out);
}

/*
 * The behaviour check's program and how its output is read.  The program
 * of these pairs is tests/fixtures/suggest-behaviour/check.go; its output,
 * from a real "go run" (go1.26), is go1.26-output.txt.  The last pair is
 * a guard disabled on purpose: an int8 rewritten as if it were unsigned
 * (FormatUint(uint64(v))), which compiles and prints -1 as
 * 18446744073709551615; the check must drop it, and only it.
 */
static void behaviour(void **state)
{
	static const struct {
		rule r;
		inner in;
		variant v;
		tyclass ty;
		const char *name;
	} pairs[] = {
	    {R_SPRINT, IN_SPRINT, V_STRING, TY_INT, "int"},
	    {R_SPRINT, IN_SPRINT, V_STRING, TY_SIGNED, "int8"},
	    {R_SPRINTF, IN_SPRINTF, V_STRING, TY_SIGNED, NULL},
	    {R_SPRINTF, IN_SPRINTF, V_STRING, TY_UNSIGNED, NULL},
	    {R_SPRINTF, IN_SPRINTF, V_STRING, TY_UINT64, "uint64"},
	    {R_ITOA_BYTES, IN_ITOA, V_BUF, TY_INT, "int"},
	    {R_ITOA_BYTES, IN_FORMATINT, V_NIL, TY_INT64, "int64"},
	    {R_SPRINTF_BYTES, IN_SPRINTF, V_BUF, TY_UNSIGNED, "uintptr"},
	    {R_APPEND_ITOA, IN_ITOA, V_DST, TY_INT, "int"},
	    {R_APPEND_SPRINTF, IN_SPRINT, V_DST, TY_SIGNED, "int16"},
	    {R_APPEND_ITOA, IN_ITOA, V_DST, TY_INT, "int"},       /* to a named []byte type */
	    {R_SPRINT, IN_SPRINT, V_STRING, TY_UNSIGNED, "int8"}, /* wrong on purpose */
	};
	enum { NP = sizeof(pairs) / sizeof(pairs[0]) };
	cand c[NP + 1];
	sctx s;
	ge_buf prog = GE_BUF_INIT, want = GE_BUF_INIT, out = GE_BUF_INIT;
	size_t i;
	(void)state;
	memset(&s, 0, sizeof(s));
	memset(c, 0, sizeof(c));
	for (i = 0; i < NP; i++) {
		c[i].rule = pairs[i].r;
		c[i].in = pairs[i].in;
		c[i].var = pairs[i].v;
		c[i].ty = pairs[i].ty;
		c[i].tyname = pairs[i].name;
		c[i].state = C_TRIAL;
	}
	c[NP - 2].dst_type = (char *)"json.RawMessage";
	c[NP] = c[1]; /* the same pair twice: one check */
	s.c = c;
	s.nc = NP + 1;
	assert_int_equal(ge_suggest__behaviour_program(&prog, &s), 0);
	assert_int_equal(ge_file_read(&want, "../fixtures/suggest-behaviour/check.go"), 0);
	assert_string_equal(prog.ptr, want.ptr);
	assert_int_equal(ge_file_read(&out, "../fixtures/suggest-behaviour/go1.26-output.txt"), 0);
	assert_int_equal(ge_suggest__behaviour_verdicts(&s, out.ptr, out.len), 0);
	for (i = 0; i < NP; i++)
		assert_int_equal(c[i].state, i == NP - 1 ? C_REJECTED : C_TRIAL);
	assert_string_equal(c[NP - 1].reason,
	                    "behaviour check: changes output for int8 -1: fmt.Sprint(v) gives "
	                    "\"-1\", strconv.FormatUint(uint64(v), 10) gives "
	                    "\"18446744073709551615\"");
	free(c[NP - 1].reason);
	ge_buf_release(&prog);
	ge_buf_release(&want);
	ge_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(sprintf_types),
	    cmocka_unit_test(imports_kept_and_added),
	    cmocka_unit_test(alias_and_shadowing),
	    cmocka_unit_test(buffers),
	    cmocka_unit_test(left_alone),
	    cmocka_unit_test(patterns),
	    cmocka_unit_test(package_level),
	    cmocka_unit_test(json_and_diff),
	    cmocka_unit_test(apply),
	    cmocka_unit_test(covered),
	    cmocka_unit_test(compiler_errors),
	    cmocka_unit_test(behaviour),
	    cmocka_unit_test(behaviour_patterns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
