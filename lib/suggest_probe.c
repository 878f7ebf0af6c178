/* Type probes: what the compiler says the type of each fmt argument is. */
#include "suggest_int.h"

/* ---- type probes ------------------------------------------------------------ */

/*
 * Before the candidate's statement, a probe that is never run, one line per
 * question (the compiler drops columns past 255, so lines stay short and
 * errors are placed by line in the probe's own text):
 *   var _ = func() {
 *   goescapeProbe := X
 *   var _ int = goescapeProbe
 *   ...
 *   _ = goescapeProbe % goescapeProbe
 *   _ = goescapeProbe + -1
 *   _ = goescapeProbe.Format
 *   }
 * The short declaration gives X its default type, so exactly one assignment
 * compiles for a predeclared integer type and none for anything else; '%'
 * compiles only for integers, "+ -1" only for signed ones, and the method
 * value only when there is a Format method (which %d would call).
 * An append rewrite's destination gets two more lines:
 *   goescapeProbeD := DST
 *   var _ *[]byte = &goescapeProbeD
 *   var _ []byte = goescapeProbeD
 * the first compiles only when DST is exactly []byte, the second when its
 * underlying type is: strconv.AppendInt returns []byte, so a named
 * byte-slice type (json.RawMessage, a type with a String method) is kept
 * by a conversion back to it, T(strconv.AppendInt([]byte(DST), ...)), T
 * as the compiler names it.  Candidates whose argument type is known
 * (Itoa, FormatInt) write only these.
 * A writer rule's (lib/suggest_patterns.c) receiver W gets, for each of
 * *bytes.Buffer, *strings.Builder, *bufio.Writer (by the file's names for
 * those packages; a package it does not import is not written and counts
 * as failed):
 *   var _ *bytes.Buffer = (W)
 *   var _ *bytes.Buffer = &(W)
 * exactly one of the six must compile: W is that pointer, or an
 * addressable variable of that type (whose WriteString takes its address).
 * A type that embeds one of them does not compile here: its Write may be
 * its own.
 */
static const char *const writer_pkgs[] = {"bytes", "strings", "bufio"};
static const char *const writer_types[] = {"Buffer", "Builder", "Writer"};
static const char *const probe_types[] = {"int",   "int8",   "int16",  "int32",  "int64",  "uint",
                                          "uint8", "uint16", "uint32", "uint64", "uintptr"};
#define NTYPES    11
#define P_DECL    0
#define P_INTEGER (NTYPES + 1)
#define P_SIGNED  (NTYPES + 2)
#define P_FORMAT  (NTYPES + 3)
#define P_DDECL   (NTYPES + 4)
#define P_DEXACT  (NTYPES + 5)
#define P_DBYTES  (NTYPES + 6)
#define P_W       (NTYPES + 7) /* 6: *T = (W), *T = &(W) for each writer type */
#define NPROBE    (NTYPES + 13)
#define PROBE_DST PROBE_VAR "D"

typedef struct probe {
	size_t cand;
	size_t so[NPROBE], se[NPROBE];
	int failed[NPROBE];
	char *msg[NPROBE];
} probe;

static int probe_seg(ge_buf *b, probe *p, int k, const char *fmt, ...) GE_PRINTF(4, 5);
static int probe_seg(ge_buf *b, probe *p, int k, const char *fmt, ...)
{
	va_list ap;
	int rc;
	p->so[k] = b->len;
	va_start(ap, fmt);
	rc = ge_buf_vprintf(b, fmt, ap);
	va_end(ap);
	p->se[k] = b->len;
	return rc < 0 ? rc : ge_buf_putc(b, '\n');
}

static int probe_write(ge_buf *b, const sfile *f, const cand *c, probe *p)
{
	int rc, k;
	ge_buf xt = GE_BUF_INIT;
	for (k = 0; k < NPROBE; k++)
		p->so[k] = p->se[k] = (size_t)-1; /* not written: no error falls there */
	rc = ge_buf_puts(b, "var _ = func() {\n");
	if (rc == 0 && c->needs_probe && (rc = put_toks(&xt, f->x, c->xf, c->xl)) == 0) {
		rc = probe_seg(b, p, P_DECL, "%s := %s", PROBE_VAR, xt.ptr);
		for (k = 0; k < NTYPES && rc == 0; k++)
			rc = probe_seg(b, p, k + 1, "var _ %s = %s", probe_types[k], PROBE_VAR);
		if (rc == 0)
			rc = probe_seg(b, p, P_INTEGER, "_ = %s %% %s", PROBE_VAR, PROBE_VAR);
		if (rc == 0)
			rc = probe_seg(b, p, P_SIGNED, "_ = %s + -1", PROBE_VAR);
		if (rc == 0)
			rc = probe_seg(b, p, P_FORMAT, "_ = %s.Format", PROBE_VAR);
	}
	if (rc == 0 && c->var == V_DST) {
		ge_buf_clear(&xt);
		if ((rc = put_toks(&xt, f->x, c->df, c->dl)) == 0)
			rc = probe_seg(b, p, P_DDECL, "%s := %s", PROBE_DST, xt.ptr);
		if (rc == 0)
			rc = probe_seg(b, p, P_DEXACT, "var _ *[]byte = &%s", PROBE_DST);
		if (rc == 0)
			rc = probe_seg(b, p, P_DBYTES, "var _ []byte = %s", PROBE_DST);
	}
	if (rc == 0 && writer_rule(c) && c->wt == W_UNKNOWN) {
		ge_buf_clear(&xt);
		rc = put_toks(&xt, f->x, c->wf, c->wl);
		for (k = 0; k < 3 && rc == 0; k++) {
			const char *pk = ge_gostmt_import_name(f->x, writer_pkgs[k], NULL);
			if (!pk) {
				p->failed[P_W + 2 * k] = p->failed[P_W + 2 * k + 1] = 1;
				continue;
			}
			rc = probe_seg(b, p, P_W + 2 * k, "var _ *%s.%s = (%s)", pk,
			               writer_types[k], xt.ptr);
			if (rc == 0)
				rc = probe_seg(b, p, P_W + 2 * k + 1, "var _ *%s.%s = &(%s)", pk,
				               writer_types[k], xt.ptr);
		}
	}
	if (rc == 0)
		rc = ge_buf_puts(b, "}\n");
	ge_buf_release(&xt);
	return rc;
}

static int unresolved(const cand *c)
{
	return enabled(c) &&
	       ((c->needs_probe && c->ty == TY_UNKNOWN) || (c->var == V_DST && !c->dst_ok) ||
	        (writer_rule(c) && c->wt == W_UNKNOWN));
}

/* "(variable of type float64)" -> "type float64", from a failed assignment. */
static void type_words(const char *msg, char *out, size_t n)
{
	const char *p = msg ? strstr(msg, "(variable of ") : NULL, *e;
	out[0] = '\0';
	if (!p)
		return;
	p += strlen("(variable of ");
	e = strchr(p, ')');
	if (e && (size_t)(e - p) < n)
		snprintf(out, n, "%.*s", (int)(e - p), p);
}

/* "... (value of type *json.RawMessage) ..." -> "json.RawMessage". */
static void dst_type(const char *msg, char *out, size_t n)
{
	const char *p = msg ? strstr(msg, "of type *") : NULL, *e;
	out[0] = '\0';
	if (!p)
		return;
	p += strlen("of type *");
	e = strchr(p, ')');
	if (e && (size_t)(e - p) < n)
		snprintf(out, n, "%.*s", (int)(e - p), p);
}

/* Does the file name a package q (q of "q.T"), by its import's name? */
static int names_package(const sfile *f, const char *q, size_t n)
{
	size_t i;
	for (i = 0; i < f->x->nimports; i++) {
		const ge_goimport *im = &f->x->imports[i];
		const char *nm = im->alias ? im->alias : base_name(im->path);
		if (strlen(nm) == n && memcmp(nm, q, n) == 0)
			return 1;
	}
	return 0;
}

/*
 * An append rewrite keeps its destination's type: []byte as it is, a named
 * byte-slice type T by a conversion back to T, when T can be written
 * where the expression is (a local name, or q.T with q imported as q) and
 * the code is not generic.
 */
static void classify_dst(const sfile *f, cand *c, const probe *p)
{
	char words[128];
	if (p->failed[P_DDECL]) {
		ge_suggest__reject(c, "its destination does not compile before the statement: %s",
		                   p->msg[P_DDECL] ? p->msg[P_DDECL] : "?");
		return;
	}
	if (p->failed[P_DEXACT]) {
		const char *dot;
		dst_type(p->msg[P_DEXACT], words, sizeof(words));
		dot = strchr(words, '.');
		if (words[0] && !p->failed[P_DBYTES] && !c->generic && !strpbrk(words, " [(*") &&
		    (!dot || names_package(f, words, (size_t)(dot - words)))) {
			if (!(c->dst_type = ge_strdup(words)))
				return;
			c->dst_ok = 1;
			return;
		}
		if (words[0] && !p->failed[P_DBYTES] && !c->generic) {
			ge_suggest__reject(
			    c,
			    "appends to a named byte-slice type (%s) this file cannot "
			    "name that way: strconv.Append* would make it []byte",
			    words);
			return;
		}
		ge_suggest__reject(c,
		                   "appends to a named byte-slice type (%s): strconv.Append* would "
		                   "make it []byte",
		                   words[0] ? words : "?");
		return;
	}
	c->dst_ok = 1;
}

static void classify_arg(sctx *s, cand *c, const probe *p);

/* Is the module's go line (go.mod or go.work) 1.18 or later? */
static int go_118(const sctx *s)
{
	const char *v = s->mods ? s->mods->go_version : NULL;
	char *e;
	long major, minor;
	if (!v)
		return 0;
	major = strtol(v, &e, 10);
	if (e == v || (major == 1 && *e != '.'))
		return 0;
	minor = major == 1 ? strtol(e + 1, NULL, 10) : 0;
	return major > 1 || minor >= 18;
}

/*
 * bufio.Writer.Write lets a stack buffer escape (it may hand it to the
 * writer under it), so a *bufio.Writer gets its own free space instead:
 * w.Write(strconv.AppendInt(w.AvailableBuffer(), ...)), the idiom its
 * documentation gives, where go.mod allows AvailableBuffer (go 1.18).
 * When that space is short AppendInt allocates, as Itoa did before.
 * The free space is taken before the argument is evaluated, so an argument
 * with a call in it (which might write to w, or change what w names) is
 * refused: nothing but w's own Write may move it.
 */
static void bufio_variant(const sctx *s, cand *c)
{
	const ge_gostmt_file *x = s->files[c->file].x;
	uint32_t k;
	for (k = c->xf; k <= c->xl && k < x->ntoks; k++)
		if (tok_eq(x, k, "(")) {
			ge_suggest__reject(c,
			                   "a *bufio.Writer and a call in its argument: its "
			                   "AvailableBuffer would be taken before the call, which "
			                   "may write to it");
			return;
		}
	if (!go_118(s)) {
		ge_suggest__reject(c, "a *bufio.Writer: its Write lets a stack buffer escape, and "
		                      "AvailableBuffer needs go 1.18 in go.mod");
		return;
	}
	c->var = V_AVAIL;
}

static void classify(sctx *s, cand *c, const probe *p)
{
	if (c->needs_probe && c->ty == TY_UNKNOWN)
		classify_arg(s, c, p);
	if (c->state != C_REJECTED && c->var == V_DST)
		classify_dst(&s->files[c->file], c, p);
	if (c->state != C_REJECTED && writer_rule(c) && c->wt == W_UNKNOWN) {
		int k, ok = -1, nok = 0;
		for (k = 0; k < 6; k++)
			if (!p->failed[P_W + k]) {
				ok = k;
				nok++;
			}
		if (nok != 1)
			ge_suggest__reject(c,
			                   "its writer is not proven a *bytes.Buffer, "
			                   "*strings.Builder or *bufio.Writer (an interface, or a "
			                   "type whose Write may be its own)");
		else
			c->wt = (wtype)(W_BYTES + ok / 2);
		if (c->wt == W_BUFIO)
			bufio_variant(s, c);
	}
}

static void classify_arg(sctx *s, cand *c, const probe *p)
{
	static const tyclass basic[NTYPES] = {TY_INT,      TY_SIGNED,   TY_SIGNED,   TY_SIGNED,
	                                      TY_INT64,    TY_UNSIGNED, TY_UNSIGNED, TY_UNSIGNED,
	                                      TY_UNSIGNED, TY_UINT64,   TY_UNSIGNED};
	int k, ok = -1, nok = 0;
	char words[128];
	(void)s;
	if (p->failed[P_DECL]) {
		ge_suggest__reject(c, "its argument does not compile before the statement: %s",
		                   p->msg[P_DECL] ? p->msg[P_DECL] : "?");
		return;
	}
	for (k = 0; k < NTYPES; k++)
		if (!p->failed[k + 1]) {
			ok = k;
			nok++;
		}
	if (nok == 1) {
		c->ty = basic[ok];
		c->tyname = probe_types[ok];
		return;
	}
	type_words(p->msg[1], words, sizeof(words));
	if (nok > 1 || p->failed[P_INTEGER]) {
		ge_suggest__reject(c, "not an integer%s%s", words[0] ? ": " : "", words);
		return;
	}
	if (strstr(words, " constrained by ")) {
		/* A type parameter: one text cannot suit every type argument. */
		ge_suggest__reject(c,
		                   "its type is a type parameter (%s): a type argument may be a "
		                   "named type whose String, Error or Format method fmt calls",
		                   words + (strncmp(words, "type ", 5) == 0 ? 5 : 0));
		return;
	}
	if (c->verb == 'x' || c->verb == 'v') {
		ge_suggest__reject(c,
		                   "a named integer type (%s): %%%c would call its String, Error "
		                   "or Format method",
		                   words[0] ? words : "?", c->verb);
		return;
	}
	if (c->in == IN_SPRINT) {
		ge_suggest__reject(
		    c,
		    "a named integer type (%s): fmt.Sprint would call its String, Error or "
		    "Format method",
		    words[0] ? words : "?");
		return;
	}
	if (c->generic) {
		ge_suggest__reject(c, "a named integer type in generic code (%s)",
		                   words[0] ? words : "?");
		return;
	}
	if (!p->failed[P_FORMAT]) {
		ge_suggest__reject(c, "%s has a Format method, which %%d calls",
		                   words[0] ? words : "its type");
		return;
	}
	c->ty = p->failed[P_SIGNED] ? TY_UNSIGNED : TY_SIGNED;
}

/* Where c's probe goes in its file's text. */
static size_t probe_offset(const sctx *s, const cand *c)
{
	const ge_gostmt_file *x = s->files[c->file].x;
	if (c->probe_after != GE_GOX_NONE)
		return ge_gostmt_end(x, c->probe_after);
	return x->toks[x->stmts[c->stmt].first].off;
}

static int cand_insert_cmp(const void *a, const void *b, const sctx *s)
{
	const cand *x = &s->c[*(const size_t *)a], *y = &s->c[*(const size_t *)b];
	size_t ox = probe_offset(s, x), oy = probe_offset(s, y);
	if (ox != oy)
		return ox < oy ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* Insertion sort of candidate indexes by where their probes go. */
static void sort_by_stmt(const sctx *s, size_t *idx, size_t n)
{
	size_t i, j;
	for (i = 1; i < n; i++) {
		size_t v = idx[i];
		for (j = i; j > 0 && cand_insert_cmp(&idx[j - 1], &v, s) > 0; j--)
			idx[j] = idx[j - 1];
		idx[j] = v;
	}
}

typedef struct probe_file {
	size_t file;
	char *text;
	size_t len;
	uint32_t *lines;
	size_t nlines;
	size_t first, n; /* its probes in the probe array */
} probe_file;

/* Record the failures of errs in the probes of pf. */
static void probe_errors(probe *pr, const probe_file *pf, const cerrs *errs)
{
	size_t i, j;
	int k;
	for (i = 0; i < errs->n; i++) {
		const cerr *e = &errs->e[i];
		size_t off;
		if (e->file != pf->file || e->line == 0 || e->line > pf->nlines)
			continue;
		off = pf->lines[e->line - 1] + (e->col ? e->col - 1 : 0);
		for (j = pf->first; j < pf->first + pf->n; j++)
			for (k = 0; k < NPROBE; k++)
				if (off >= pr[j].so[k] && off < pr[j].se[k] + 1) {
					pr[j].failed[k] = 1;
					if (!pr[j].msg[k])
						pr[j].msg[k] = ge_strdup(e->msg);
				}
	}
}

static void probes_free(probe *pr, size_t n, probe_file *pf, size_t npf)
{
	size_t i;
	int k;
	for (i = 0; i < n; i++)
		for (k = 0; k < NPROBE; k++)
			free(pr[i].msg[k]);
	for (i = 0; i < npf; i++) {
		free(pf[i].text);
		free(pf[i].lines);
	}
	free(pr);
	free(pf);
}

/* First line of the last go run's output, for messages. */
const char *ge_suggest__first_line(const sctx *s, char *buf, size_t n)
{
	const char *p = ge_buf_cstr(&s->out);
	size_t k = strcspn(p, "\n");
	snprintf(buf, n, "%.*s", (int)(k < n - 1 ? k : n - 1), p);
	return buf[0] ? buf : "no output";
}

/*
 * Learn the type of every fmt candidate's argument.  A package whose probes
 * fail does not let go compile the packages importing it, so a package
 * that printed nothing is probed again in the next run, without the probes
 * of the packages already answered.
 */
int ge_suggest__probe_all(sctx *s)
{
	int rc = 0;
	unsigned runs;
	for (runs = 0; runs < 8; runs++) {
		probe *pr = NULL;
		probe_file *pf = NULL;
		size_t npr = 0, npf = 0, i, j, *idx = NULL, nidx;
		char **argv = NULL;
		size_t argc = 0, k, first_pkg = 0;
		cerrs errs;
		int status = 0, progress = 0, all_ok;
		char line[200];
		memset(&errs, 0, sizeof(errs));
		ge_overlay_clear(&s->ov);
		for (i = 0; i < s->nc; i++)
			npr += unresolved(&s->c[i]);
		if (!npr)
			break;
		if (!(pr = calloc(npr, sizeof(*pr))) || !(pf = calloc(s->nfiles, sizeof(*pf))) ||
		    !(idx = calloc(npr, sizeof(*idx))) ||
		    !(argv = calloc(s->nfiles + 8, sizeof(*argv)))) {
			rc = oom();
			goto round_done;
		}
		npr = 0;
		argv[argc++] = (char *)s->o->build.go;
		/* Compile without linking (lib/gocmd): the same errors, no binary. */
		for (k = 0; k < GE_GOCMD_COMPILE_N; k++)
			argv[argc++] = (char *)ge_gocmd_compile_args[k];
		if (s->o->tests)
			argv[argc++] = (char *)"-test";
		argv[argc++] = (char *)"-overlay";
		argv[argc++] = s->ovfile;
		argv[argc++] = (char *)"-gcflags=-e";
		first_pkg = argc;
		for (i = 0; i < s->nfiles; i++) {
			sfile *f = &s->files[i];
			ge_buf t = GE_BUF_INIT;
			size_t pos = 0;
			char *backing = NULL;
			int dup = 0;
			for (nidx = 0, j = 0; j < s->nc; j++)
				if (s->c[j].file == i && unresolved(&s->c[j]))
					idx[nidx++] = j;
			if (!nidx)
				continue;
			sort_by_stmt(s, idx, nidx);
			pf[npf].file = i;
			pf[npf].first = npr;
			for (j = 0; j < nidx && rc == 0; j++) {
				cand *c = &s->c[idx[j]];
				size_t ins = probe_offset(s, c);
				rc = ge_buf_put(&t, f->text + pos, ins - pos);
				pos = ins;
				if (rc == 0 && c->probe_after != GE_GOX_NONE)
					rc = ge_buf_putc(&t, '\n'); /* after a '{' or ':' */
				pr[npr].cand = idx[j];
				if (rc == 0)
					rc = probe_write(&t, f, c, &pr[npr]);
				npr++;
			}
			if (rc == 0)
				rc = ge_buf_put(&t, f->text + pos, f->len - pos);
			pf[npf].n = npr - pf[npf].first;
			if (rc == 0)
				rc = ge_suggest__line_table(&pf[npf].lines, &pf[npf].nlines,
				                            ge_buf_cstr(&t), t.len);
			pf[npf].len = t.len;
			pf[npf].text = ge_buf_detach(&t);
			npf++;
			if (rc == 0)
				rc = ge_suggest__write_backing(
				    &backing, s, f->abs, pf[npf - 1].text ? pf[npf - 1].text : "",
				    pf[npf - 1].len);
			if (rc == 0)
				rc = ge_overlay_add(&s->ov, f->abs, backing);
			free(backing);
			ge_buf_release(&t);
			if (rc < 0)
				goto round_done;
			for (j = first_pkg; j < argc; j++)
				dup |= strcmp(argv[j], f->pkg) == 0;
			if (!dup)
				argv[argc++] = f->pkg;
		}
		if ((rc = ge_suggest__overlay_write(s)) < 0)
			goto round_done;
		if ((rc = ge_suggest__run_tool(s, &status, argv, s->top)) < 0)
			goto round_done;
		s->res->go_runs++;
		if ((rc = ge_suggest__parse_errors(s, &errs, ge_buf_cstr(&s->out), s->out.len)) < 0)
			goto round_done;
		/* go printed nothing and succeeded: every probe compiled (an
		   append's destination probes can all pass, and then no header). */
		all_ok = ge_suggest__exited_ok(status);
		for (i = 0; i < npf; i++) {
			if (!all_ok && (!ge_suggest__saw_pkg(&errs, s->files[pf[i].file].pkg) ||
			                !ge_suggest__saw_unit(s, &errs, pf[i].file)))
				continue;
			probe_errors(pr, &pf[i], &errs);
			for (j = pf[i].first; j < pf[i].first + pf[i].n; j++)
				classify(s, &s->c[pr[j].cand], &pr[j]);
			progress = 1;
		}
		if (!progress)
			for (i = 0; i < s->nc; i++)
				if (unresolved(&s->c[i]))
					ge_suggest__reject(
					    &s->c[i], "its type could not be probed: %s",
					    ge_suggest__first_line(s, line, sizeof(line)));
	round_done:
		ge_suggest__cerrs_release(&errs);
		probes_free(pr, npr, pf, npf);
		free(idx);
		free(argv);
		if (rc < 0 || !progress)
			break;
	}
	for (size_t i = 0; i < s->nc; i++)
		if (unresolved(&s->c[i]))
			ge_suggest__reject(&s->c[i], "its type could not be probed");
	return rc;
}
