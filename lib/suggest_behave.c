/*
 * The behaviour check: every (rule, argument type) pair the run's rewrites
 * use, evaluated old against new on the type's boundary values by one
 * generated program, built and run once in the work directory.  The
 * program imports the standard library only: no code of the module runs.
 * A named argument type (only %d takes one: fmt.Sprint of a named type is
 * left alone) is stood in for by a type of each underlying integer type
 * of its signedness with String and Error methods, which %d must ignore
 * (a Format method, which it would call, is refused by the type probe).
 */
#include "suggest_int.h"

extern char **environ;

static const char *const signed_types[] = {"int", "int8", "int16", "int32", "int64"};
static const char *const unsigned_types[] = {"uint",   "uint8",  "uint16",
                                             "uint32", "uint64", "uintptr"};

/* Do a and b rewrite the same way for the same argument type? */
static int same_pair(const cand *a, const cand *b)
{
	return a->rule == b->rule && a->in == b->in && a->var == b->var && a->ty == b->ty &&
	       !a->dst_type == !b->dst_type && a->verb == b->verb && !a->pre == !b->pre &&
	       !a->suf == !b->suf && a->wt == b->wt &&
	       (a->tyname == b->tyname ||
	        (a->tyname && b->tyname && strcmp(a->tyname, b->tyname) == 0));
}

/* The first candidate of each pair among the enabled ones, in candidate order. */
static size_t pairs_of(const sctx *s, size_t *rep)
{
	size_t i, j, n = 0;
	for (i = 0; i < s->nc; i++) {
		if (!enabled(&s->c[i]) || s->c[i].ty == TY_UNKNOWN)
			continue;
		for (j = 0; j < n && !same_pair(&s->c[rep[j]], &s->c[i]); j++)
			;
		if (j == n)
			rep[n++] = i;
	}
	return n;
}

/* The check's stand-ins for a candidate's constant texts. */
#define PRE_LIT "\"p-\""
#define SUF_LIT "\"-s\""

/* The old inner call on v. */
static int old_call(ge_buf *b, const cand *c)
{
	char verb = c->verb ? c->verb : 'd';
	switch (c->in) {
	case IN_ITOA:
		return ge_buf_puts(b, "strconv.Itoa(v)");
	case IN_FORMATINT:
		return ge_buf_puts(b, "strconv.FormatInt(v, 10)");
	case IN_FORMATUINT:
		return ge_buf_puts(b, "strconv.FormatUint(v, 10)");
	case IN_SPRINT:
		return ge_buf_puts(b, "fmt.Sprint(v)");
	default:
		return ge_buf_printf(b, "fmt.Sprintf(\"%s%%%c%s\", v)", c->pre ? "p-" : "", verb,
		                     c->suf ? "-s" : "");
	}
}

/* A writer rule's writer: its setup, and the statement that returns what it got. */
static const char *writer_setup(const cand *c)
{
	return c->wt == W_BUFIO     ? "var sb strings.Builder; w := bufio.NewWriter(&sb)"
	       : c->wt == W_STRINGS ? "w := new(strings.Builder)"
	                            : "w := new(bytes.Buffer)";
}

static const char *writer_result(const cand *c)
{
	return c->wt == W_BUFIO ? "w.Flush(); return sb.String()" : "return w.String()";
}

/* The old expression of c's rule on v ("x" is append's destination). */
static int old_text(ge_buf *b, const cand *c)
{
	ge_buf k = GE_BUF_INIT;
	int rc;
	if ((rc = old_call(&k, c)) < 0)
		goto done;
	if (c->rule == R_CONCAT)
		rc = ge_buf_printf(b, "%s%s%s%s", c->pre ? PRE_LIT " + " : "", k.ptr,
		                   c->suf ? " + " : "", c->suf ? SUF_LIT : "");
	else if (c->rule == R_WRITESTRING)
		rc = ge_buf_printf(b, "func() string { %s; w.WriteString(%s); %s }()",
		                   writer_setup(c), k.ptr, writer_result(c));
	else if (c->rule == R_FPRINTF)
		rc = ge_buf_printf(b, "func() string { %s; fmt.Fprintf(w, \"%s%%%c%s\", v); %s }()",
		                   writer_setup(c), c->pre ? "p-" : "", c->verb ? c->verb : 'd',
		                   c->suf ? "-s" : "", writer_result(c));
	else if (c->var == V_DST && c->dst_type) /* its type and its String too */
		rc = ge_buf_printf(b, "goescapeShow(append(goescapeBytes(\"x\"), %s...))", k.ptr);
	else if (c->rule == R_APPEND_ITOA || c->rule == R_APPEND_SPRINTF)
		rc = ge_buf_printf(b, "string(append([]byte(\"x\"), %s...))", k.ptr);
	else if (bytes_rule(c))
		rc = ge_buf_printf(b, "string([]byte(%s))", k.ptr);
	else
		rc = ge_buf_puts(b, k.ptr);
done:
	ge_buf_release(&k);
	return rc;
}

/* The new expression, as suggest writes it, as a string. */
static int new_text(ge_buf *b, const cand *c)
{
	ge_buf e = GE_BUF_INIT;
	const char *dst = c->var == V_BUF ? "buf[:0]" : c->var == V_NIL ? "nil" : "[]byte(\"x\")";
	cand named = *c;
	int rc;
	if (c->var == V_DST && c->dst_type) {
		/* The stand-in for the named byte-slice type, as the rewrite names its own. */
		named.dst_type = (char *)"goescapeBytes";
		rc = ge_suggest__expr_text_of(&e, "strconv.", &named, "v", "goescapeBytes(\"x\")",
		                              "10");
		if (rc == 0)
			rc = ge_buf_printf(b, "goescapeShow(%s)", e.ptr);
		ge_buf_release(&e);
		return rc;
	}
	if (buffer_rule(c)) {
		named.pre = c->pre ? (char *)PRE_LIT : NULL;
		named.suf = c->suf ? (char *)SUF_LIT : NULL;
		named.wtext = (char *)"w";
		if (c->var == V_AVAIL)
			dst = "w.AvailableBuffer()";
		rc = ge_suggest__expr_text_of(&e, "strconv.", &named, "v", dst, "10");
		if (rc == 0 && c->var == V_AVAIL)
			rc = ge_buf_printf(b, "func() string { %s; %s; %s }()", writer_setup(c),
			                   e.ptr, writer_result(c));
		else if (rc == 0 && writer_rule(c))
			rc = ge_buf_printf(b, "func() string { %s; var buf [%u]byte; %s; %s }()",
			                   writer_setup(c), c->bufsize ? c->bufsize : 20, e.ptr,
			                   writer_result(c));
		else if (rc == 0)
			rc = ge_buf_printf(b, "func() string { var buf [%u]byte; return %s }()",
			                   c->bufsize ? c->bufsize : 20, e.ptr);
		ge_buf_release(&e);
		return rc;
	}
	rc = ge_suggest__expr_text_of(&e, "strconv.", c, "v", dst, "10");
	if (rc == 0) {
		if (c->var == V_STRING)
			rc = ge_buf_puts(b, e.ptr);
		else if (c->var == V_BUF)
			rc = ge_buf_printf(
			    b, "func() string { var buf [20]byte; return string(%s) }()", e.ptr);
		else
			rc = ge_buf_printf(b, "string(%s)", e.ptr);
	}
	ge_buf_release(&e);
	return rc;
}

/* One loop: pair id over the values of type ty (named: a stand-in of that underlying type). */
static int pair_block(ge_buf *b, size_t id, const char *ty, int named, const char *oldx,
                      const char *newx)
{
	int sgn = ty[0] == 'i';
	return ge_buf_printf(
	    b,
	    "\tfor _, x := range %s {\n"
	    "\t\tv := %s%s(x)\n"
	    "\t\ta := %s\n"
	    "\t\tb := %s\n"
	    "\t\tif a != b {\n"
	    "\t\t\tfmt.Printf(\"goescape-behaviour %zu %%s\\n\", fmt.Sprintf(\"%%s %%s: %%s gives "
	    "%%q, %%s gives %%q\", `%s%s`, strconv.Format%s(%s(v), 10), `%s`, a, `%s`, b))\n"
	    "\t\t\tbreak\n"
	    "\t\t}\n"
	    "\t}\n",
	    sgn ? "goescapeSigned" : "goescapeUnsigned", named ? "goescapeNamed_" : "", ty, oldx,
	    newx, id, named ? "a named " : "", ty, sgn ? "Int" : "Uint", sgn ? "int64" : "uint64",
	    oldx, newx);
}

/* The check program of every pair the enabled candidates use ("" when there are none). */
int ge_suggest__behaviour_program(ge_buf *out, const sctx *s)
{
	size_t *rep = NULL, n, i, k;
	ge_buf o = GE_BUF_INIT, nx = GE_BUF_INIT;
	int rc = 0, writers = 0;
	ge_buf_clear(out);
	if (s->nc && !(rep = calloc(s->nc, sizeof(*rep))))
		return oom();
	n = pairs_of(s, rep);
	if (!n)
		goto done;
	for (i = 0; i < n && !writers; i++)
		writers = writer_rule(&s->c[rep[i]]);
	/* The writers' packages only when a pair uses them: a program of the others is as it was.
	 */
	rc = ge_buf_printf(
	    out,
	    "// Code generated by goescape suggest (its behaviour check). DO NOT EDIT.\n"
	    "package main\n\n"
	    "import (\n%s\t\"fmt\"\n\t\"math\"\n\t\"strconv\"\n%s)\n\n%s",
	    writers ? "\t\"bufio\"\n\t\"bytes\"\n" : "", writers ? "\t\"strings\"\n" : "",
	    writers
	        ? "var _ = bufio.NewWriter\nvar _ = bytes.NewBuffer\nvar _ = strings.NewReader\n\n"
	        : "");
	if (rc == 0)
		rc = ge_buf_puts(
		    out, "var goescapeSigned = []int64{0, 1, -1, 99, 100, 1 << 31, math.MinInt64, "
		         "math.MaxInt64, math.MinInt8, math.MaxInt8, math.MinInt16, math.MaxInt16, "
		         "math.MinInt32, math.MaxInt32}\n"
		         "var goescapeUnsigned = []uint64{0, 1, math.MaxUint64, 99, 100, 1 << 31, "
		         "math.MaxUint8, math.MaxUint16, math.MaxUint32}\n\n");
	/* A named type of every integer kind, signed then unsigned, with a String and an Error. */
	for (k = 0; k < 11 && rc == 0; k++) {
		const char *t = k < 5 ? signed_types[k] : unsigned_types[k - 5];
		rc = ge_buf_printf(
		    out,
		    "type goescapeNamed_%s %s\n\n"
		    "func (goescapeNamed_%s) String() string { return \"String\" }\n"
		    "func (goescapeNamed_%s) Error() string  { return \"Error\" }\n\n",
		    t, t, t, t);
	}
	if (rc == 0)
		rc = ge_buf_puts(
		    out, "type goescapeBytes []byte\n\n"
		         "func (b goescapeBytes) String() string { return \"0x\" + "
		         "string(b) }\n\n"
		         "func goescapeShow(x interface{}) string { return fmt.Sprintf(\"%T %v\", "
		         "x, x) }\n\n"
		         "func main() {\n");
	for (i = 0; i < n && rc == 0; i++) {
		const cand *c = &s->c[rep[i]];
		ge_buf_clear(&o);
		ge_buf_clear(&nx);
		if ((rc = old_text(&o, c)) < 0 || (rc = new_text(&nx, c)) < 0)
			break;
		if (c->tyname) {
			rc = pair_block(out, i, c->tyname, 0, o.ptr, nx.ptr);
		} else if (c->ty == TY_SIGNED) {
			for (k = 0; k < 5 && rc == 0; k++)
				rc = pair_block(out, i, signed_types[k], 1, o.ptr, nx.ptr);
		} else {
			for (k = 0; k < 6 && rc == 0; k++)
				rc = pair_block(out, i, unsigned_types[k], 1, o.ptr, nx.ptr);
		}
	}
	if (rc == 0)
		rc = ge_buf_puts(out, "}\n");
done:
	ge_buf_release(&o);
	ge_buf_release(&nx);
	free(rep);
	return rc;
}

/*
 * Read the program's output: each "goescape-behaviour ID WHY" line drops
 * every enabled candidate of pair ID, WHY its reason.
 */
int ge_suggest__behaviour_verdicts(sctx *s, const char *out, size_t len)
{
	size_t *rep = NULL, n, i;
	const char *p = out, *end = out + len;
	if (s->nc && !(rep = calloc(s->nc, sizeof(*rep))))
		return oom();
	n = pairs_of(s, rep);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end;
		static const char tag[] = "goescape-behaviour ";
		if ((size_t)(le - p) > sizeof(tag) - 1 && memcmp(p, tag, sizeof(tag) - 1) == 0) {
			char *e;
			unsigned long id = strtoul(p + sizeof(tag) - 1, &e, 10);
			if (id < n && e < le && *e == ' ') {
				cand r = s->c[rep[id]];
				for (i = 0; i < s->nc; i++)
					if (enabled(&s->c[i]) && same_pair(&s->c[i], &r))
						ge_suggest__reject(
						    &s->c[i],
						    "behaviour check: changes output for %.*s",
						    (int)(le - e - 1), e + 1);
			}
		}
		p = le + 1;
	}
	free(rep);
	return 0;
}

/*
 * Write, build and run the check program (go run, the module's go, in the
 * work directory, GOOS/GOARCH/GOFLAGS of the user's environment dropped:
 * it runs here).  A program that does not build or run drops every
 * candidate it was to check: nothing is kept unchecked.
 */
int ge_suggest__behaviour(sctx *s)
{
	ge_buf prog = GE_BUF_INIT, path = GE_BUF_INIT;
	char **env = NULL, *argv[4], line[200];
	size_t n, k = 0, i, *rep = NULL;
	int rc, status = 0;
	if ((rc = ge_suggest__behaviour_program(&prog, s)) < 0 || !prog.len)
		goto done;
	if (!(rep = calloc(s->nc, sizeof(*rep)))) {
		rc = oom();
		goto done;
	}
	s->res->behaviour_pairs = pairs_of(s, rep);
	if ((rc = ge_buf_printf(&path, "%s/behaviour-%ld.go", s->workdir, (long)getpid())) < 0 ||
	    (rc = ge_suggest__write_plain(s, path.ptr, prog.ptr, prog.len)) < 0)
		goto done;
	for (n = 0; environ && environ[n]; n++)
		;
	if (!(env = calloc(n + 3, sizeof(*env)))) {
		rc = oom();
		goto done;
	}
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "GOOS=", 5) && strncmp(environ[i], "GOARCH=", 7) &&
		    strncmp(environ[i], "GOFLAGS=", 8) && strncmp(environ[i], "GOWORK=", 7))
			env[k++] = environ[i];
	env[k++] = (char *)"GOFLAGS=";
	env[k++] = (char *)"GOWORK=off";
	argv[0] = (char *)s->o->build.go;
	argv[1] = (char *)"run";
	argv[2] = path.ptr;
	argv[3] = NULL;
	rc = ge_suggest__run_tool_env(s, &status, argv, s->workdir, env);
	s->res->go_runs++;
	if (rc < 0)
		goto done;
	if (!ge_suggest__exited_ok(status)) {
		/* Its first line that is not go's "# command-line-arguments". */
		const char *o = ge_buf_cstr(&s->out);
		while (*o == '#' && strchr(o, '\n'))
			o = strchr(o, '\n') + 1;
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(o, "\n"), o);
		for (i = 0; i < s->nc; i++)
			if (enabled(&s->c[i]) && s->c[i].ty != TY_UNKNOWN)
				ge_suggest__reject(
				    &s->c[i], "behaviour check: its program did not run: %s", line);
		goto done;
	}
	rc = ge_suggest__behaviour_verdicts(s, ge_buf_cstr(&s->out), s->out.len);
done:
	free(rep);
	free(env);
	ge_buf_release(&prog);
	ge_buf_release(&path);
	return rc;
}
