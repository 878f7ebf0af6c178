/* Rules: find the matches in a file, decide where a rewrite may go, and write it. */
#include "suggest_int.h"

const char *const ge_suggest__rule_names[] = {"itoa-bytes",       "sprintf-d",   "sprint-int",
                                              "sprintf-bytes",    "append-itoa", "append-sprintf",
                                              "sprintf-base",     "concat-itoa", "sprintf-affix",
                                              "writestring-itoa", "fprintf-d"};

void ge_suggest__reject(cand *c, const char *fmt, ...) GE_PRINTF(2, 3);
void ge_suggest__reject(cand *c, const char *fmt, ...)
{
	ge_buf b = GE_BUF_INIT;
	va_list ap;
	if (c->state == C_REJECTED)
		return;
	c->state = C_REJECTED;
	va_start(ap, fmt);
	if (ge_buf_vprintf(&b, fmt, ap) == 0) {
		free(c->reason);
		c->reason = ge_buf_detach(&b);
	}
	va_end(ap);
	ge_buf_release(&b);
}
/* ---- matching ----------------------------------------------------------- */

/* pkg.fn( at i, not itself selected from something: the '(' or NONE. */
static uint32_t call_at(const ge_gostmt_file *x, uint32_t i, const char *pkg, const char *fn)
{
	if (!pkg || !is_ident(x, i, pkg) || (i > 0 && tok_eq(x, i - 1, ".")) ||
	    !tok_eq(x, i + 1, ".") || !is_ident(x, i + 2, fn) || !tok_eq(x, i + 3, "(") ||
	    x->toks[i + 3].match == GE_GOX_NONE)
		return GE_GOX_NONE;
	return i + 3;
}

/* Split the arguments of the call whose '(' is open: up to max ranges. */
size_t ge_suggest__split_args(const ge_gostmt_file *x, uint32_t open, uint32_t *af, uint32_t *al,
                              size_t max)
{
	uint32_t close = x->toks[open].match, k = open + 1, start = open + 1;
	size_t n = 0;
	if (k == close)
		return 0;
	while (k < close) {
		if (tok_eq(x, k, ",")) {
			if (n == max || k == start)
				return max + 1;
			af[n] = start;
			al[n] = k - 1;
			n++;
			start = ++k;
			continue;
		}
		if ((tok_eq(x, k, "(") || tok_eq(x, k, "[") || tok_eq(x, k, "{")) &&
		    x->toks[k].match != GE_GOX_NONE && x->toks[k].match < close)
			k = x->toks[k].match + 1;
		else
			k++;
	}
	if (start < close) { /* a trailing comma leaves nothing here */
		if (n == max)
			return max + 1;
		af[n] = start;
		al[n] = close - 1;
		n++;
	}
	return n;
}

void ge_suggest__match_release(match *m)
{
	free(m->pre);
	free(m->suf);
	memset(m, 0, sizeof(*m));
}

/*
 * One of the five calls at i, with a single plain argument (no x...).
 * m starts zeroed or from an earlier call (whose texts it frees).
 */
int ge_suggest__inner_at(const ge_gostmt_file *x, uint32_t i, const sfile *f, match *m)
{
	uint32_t af[3], al[3], open;
	size_t n;
	ge_suggest__match_release(m);
	m->bf = m->bl = GE_GOX_NONE;
	m->verb = 'd';
	if ((open = call_at(x, i, f->sc_imported ? f->sc_name : NULL, "Itoa")) != GE_GOX_NONE)
		m->in = IN_ITOA;
	else if ((open = call_at(x, i, f->sc_imported ? f->sc_name : NULL, "FormatInt")) !=
	         GE_GOX_NONE)
		m->in = IN_FORMATINT;
	else if ((open = call_at(x, i, f->sc_imported ? f->sc_name : NULL, "FormatUint")) !=
	         GE_GOX_NONE)
		m->in = IN_FORMATUINT;
	else if ((open = call_at(x, i, f->fmt_name, "Sprintf")) != GE_GOX_NONE)
		m->in = IN_SPRINTF;
	else if ((open = call_at(x, i, f->fmt_name, "Sprint")) != GE_GOX_NONE)
		m->in = IN_SPRINT;
	else
		return 0;
	n = ge_suggest__split_args(x, open, af, al, 2);
	m->open = open;
	m->close = x->toks[open].match;
	switch (m->in) {
	case IN_ITOA:
	case IN_SPRINT:
		if (n != 1)
			return 0;
		m->xf = af[0];
		m->xl = al[0];
		break;
	case IN_FORMATINT:
	case IN_FORMATUINT:
		if (n != 2)
			return 0;
		m->xf = af[0];
		m->xl = al[0];
		m->bf = af[1];
		m->bl = al[1];
		break;
	case IN_SPRINTF: {
		const ge_gotok *t;
		if (n != 2 || af[0] != al[0])
			return 0;
		t = &x->toks[af[0]];
		if (t->kind != GE_TOK_STRING ||
		    ge_suggest__format_parse(x->src + t->off, t->len, &m->verb, &m->pre, &m->suf) <=
		        0)
			return 0;
		m->xf = af[1];
		m->xl = al[1];
		break;
	}
	default:
		return 0;
	}
	return !tok_eq(x, m->xl, "...");
}

static int is_fmt_in(inner in)
{
	return in == IN_SPRINTF || in == IN_SPRINT || in == IN_FPRINTF;
}

static int add_cand(sctx *s, const cand *c)
{
	if (s->nc == s->ccap) {
		size_t nc = s->ccap ? s->ccap * 2 : 32;
		cand *n = realloc(s->c, nc * sizeof(*n));
		if (!n)
			return oom();
		s->c = n;
		s->ccap = nc;
	}
	s->c[s->nc++] = *c;
	return 0;
}

/*
 * Every rule match in the file, outermost only: a conversion or append
 * wins over the call inside it, and a match inside another's argument is
 * left for a later run.
 */
int ge_suggest__find_in_file(sctx *s, size_t fi)
{
	sfile *f = &s->files[fi];
	const ge_gostmt_file *x = f->x;
	uint32_t i, covered_until = 0;
	int rc = 0;
	match m;
	memset(&m, 0, sizeof(m));
	for (i = 0; i < x->ntoks; i++) {
		cand c;
		uint32_t af[3], al[3];
		int ok = 0;
		if (i < covered_until)
			continue;
		memset(&c, 0, sizeof(c));
		c.file = fi;
		c.df = c.dl = GE_GOX_NONE;
		c.probe_after = GE_GOX_NONE;
		/* []byte(inner) */
		if (tok_eq(x, i, "[") && tok_eq(x, i + 1, "]") && is_ident(x, i + 2, "byte") &&
		    tok_eq(x, i + 3, "(") && x->toks[i + 3].match != GE_GOX_NONE &&
		    !(i > 0 && (tok_eq(x, i - 1, "]") || tok_eq(x, i - 1, "."))) &&
		    ge_suggest__inner_at(x, i + 4, f, &m) && m.close + 1 == x->toks[i + 3].match &&
		    !m.pre && !m.suf) {
			c.rule = !is_fmt_in(m.in) ? R_ITOA_BYTES : R_SPRINTF_BYTES;
			c.first = i;
			c.last = x->toks[i + 3].match;
			ok = 1;
		} else if (is_ident(x, i, "append") && !(i > 0 && tok_eq(x, i - 1, ".")) &&
		           tok_eq(x, i + 1, "(") && x->toks[i + 1].match != GE_GOX_NONE &&
		           ge_suggest__split_args(x, i + 1, af, al, 2) == 2 &&
		           tok_eq(x, al[1], "...") && ge_suggest__inner_at(x, af[1], f, &m) &&
		           m.close + 1 == al[1] && !m.pre && !m.suf) {
			c.rule = !is_fmt_in(m.in) ? R_APPEND_ITOA : R_APPEND_SPRINTF;
			c.first = i;
			c.last = x->toks[i + 1].match;
			c.df = af[0];
			c.dl = al[0];
			ok = 1;
		} else if (ge_suggest__inner_at(x, i, f, &m) &&
		           (m.in == IN_SPRINTF || m.in == IN_SPRINT)) {
			c.rule = m.in == IN_SPRINT ? R_SPRINT
			         : m.pre || m.suf  ? R_SPRINTF_AFFIX
			         : m.verb != 'd'   ? R_SPRINTF_BASE
			                           : R_SPRINTF;
			c.first = i;
			c.last = m.close;
			ok = 1;
		} else if ((rc = ge_suggest__pattern_at(s, fi, i, &c, &m)) != 0) {
			if (rc < 0)
				break;
			ok = 1;
		}
		if (!ok)
			continue;
		c.in = m.in;
		c.xf = m.xf;
		c.xl = m.xl;
		c.bf = m.bf;
		c.bl = m.bl;
		c.stmt = x->toks[c.first].stmt;
		c.old_first = x->toks[c.first].line;
		c.old_last = x->toks[c.last].line;
		c.needs_probe = is_fmt_in(m.in);
		c.ty = m.in == IN_ITOA         ? TY_INT
		       : m.in == IN_FORMATINT  ? TY_INT64
		       : m.in == IN_FORMATUINT ? TY_UINT64
		                               : TY_UNKNOWN;
		c.tyname = m.in == IN_ITOA         ? "int"
		           : m.in == IN_FORMATINT  ? "int64"
		           : m.in == IN_FORMATUINT ? "uint64"
		                                   : NULL;
		c.verb = m.verb ? m.verb : 'd';
		c.base = c.verb == 'x' ? 16 : c.verb == 'o' ? 8 : c.verb == 'b' ? 2 : 10;
		if (m.pre || m.suf) {
			c.pre = m.pre;
			c.suf = m.suf;
			m.pre = m.suf = NULL;
		}
		if (c.rule == R_SPRINTF_AFFIX)
			c.hidden = 1; /* the string fmt.Sprintf makes inside fmt */
		c.bufsize = 20 + (c.pre ? (unsigned)strlen(c.pre) - 2 : 0) +
		            (c.suf ? (unsigned)strlen(c.suf) - 2 : 0);
		c.var = V_STRING;
		c.state = C_TRIAL;
		if ((rc = add_cand(s, &c)) < 0) {
			free(c.pre);
			free(c.suf);
			free(c.wtext);
			break;
		}
		covered_until = c.last + 1;
	}
	ge_suggest__match_release(&m);
	return rc < 0 ? rc : 0;
}


static size_t heap_on_lines(const ge_report *r, const char *file, uint32_t l1, uint32_t l2)
{
	size_t i, n = 0;
	for (i = 0; i < r->ndiags; i++) {
		const ge_diag *d = &r->diags[i];
		n += ge_kind_is_heap(d->kind) && d->line >= l1 && d->line <= l2 &&
		     strcmp(d->file, file) == 0;
	}
	return n;
}

/* Does a label stand before token i ("L:" or "L:\n")?  A declaration there would take it. */
static int labeled(const ge_gostmt_file *x, uint32_t i)
{
	return i >= 2 && tok_eq(x, i - 1, ":") && x->toks[i - 2].kind == GE_TOK_IDENT &&
	       (i == 2 || x->toks[i - 3].kind == GE_TOK_SEMI || tok_eq(x, i - 3, "{") ||
	        tok_eq(x, i - 3, ":"));
}

/* Is the candidate the whole operand of "return"?  Its buffer would always escape. */
static int returned_whole(const ge_gostmt_file *x, const cand *c)
{
	const ge_stmt *st = &x->stmts[c->stmt];
	return tok_eq(x, st->first, "return") && c->first == st->first + 1 && c->last == st->last;
}

/*
 * Is there a shift in tokens [f, l]?  In 'a'<<n the untyped 'a' takes the
 * type the context gives it, so int64('a'<<n) shifts in int64, not rune.
 */
static int has_shift(const ge_gostmt_file *x, uint32_t f, uint32_t l)
{
	uint32_t k;
	for (k = f; k <= l && k < x->ntoks; k++)
		if (tok_eq(x, k, "<<") || tok_eq(x, k, ">>") || tok_eq(x, k, "<<=") ||
		    tok_eq(x, k, ">>="))
			return 1;
	return 0;
}

/*
 * Does the header of c's compound statement (if, for, switch, select)
 * declare variables before c?  Its tokens are the statement's own: those
 * of a body belong to the body's statements.
 */
static int header_declares(const ge_gostmt_file *x, const cand *c)
{
	uint32_t k;
	for (k = x->stmts[c->stmt].first; k < c->first; k++)
		if (x->toks[k].stmt == c->stmt && (tok_eq(x, k, ":=") || tok_eq(x, k, "range")))
			return 1;
	return 0;
}

/*
 * Where a probe sees the variables c's header declares, as the compiler
 * does: the token after which it goes.  An if or for: the body's '{'.  A
 * switch: the ':' of its first clause.  GE_GOX_NONE when there is none.
 */
static uint32_t scope_start(const ge_gostmt_file *x, const cand *c)
{
	const ge_stmt *st = &x->stmts[c->stmt];
	uint32_t k, body = GE_GOX_NONE;
	for (k = c->last + 1; k <= st->last && k < x->ntoks; k++) {
		if ((tok_eq(x, k, "(") || tok_eq(x, k, "[")) && x->toks[k].match != GE_GOX_NONE) {
			k = x->toks[k].match;
			continue;
		}
		if (tok_eq(x, k, "{") && (x->toks[k].flags & GE_TOKF_BLOCK)) {
			body = k;
			break;
		}
	}
	if (body == GE_GOX_NONE)
		return GE_GOX_NONE;
	if (tok_eq(x, st->first, "if") || tok_eq(x, st->first, "for"))
		return body;
	if (tok_eq(x, st->first, "switch") && body + 1 < x->ntoks &&
	    x->toks[body + 1].stmt != GE_GOX_NONE &&
	    x->stmts[x->toks[body + 1].stmt].kind == GE_STMT_CLAUSE &&
	    tok_eq(x, x->stmts[x->toks[body + 1].stmt].last, ":"))
		return x->stmts[x->toks[body + 1].stmt].last;
	return GE_GOX_NONE;
}

/* What the scanner alone can decide: where a rewrite may go, and with what buffer. */
void ge_suggest__prefilter(sctx *s, cand *c)
{
	sfile *f = &s->files[c->file];
	const ge_gostmt_file *x = f->x;
	const ge_stmt *st;
	c->heap_lines =
	    s->base ? (int)heap_on_lines(s->base, f->rel, c->old_first, c->old_last) : 1;
	ge_suggest__inline_sites(x, c);
	if (!c->heap_lines && s->base)
		c->heap_lines = (int)ge_suggest__site_heap(s, c, s->base);
	if (!c->heap_lines && !c->hidden) {
		ge_suggest__reject(c, "no heap diagnostic on its lines to remove");
		return;
	}
	if (f->generated) {
		ge_suggest__reject(c, "in a generated file");
		return;
	}
	if (ge_gostmt_import_name(x, "C", NULL)) {
		ge_suggest__reject(c, "in a cgo file");
		return;
	}
	if (c->stmt == GE_GOX_NONE) {
		ge_suggest__reject(c, "not in a statement goescape can place");
		return;
	}
	st = &x->stmts[c->stmt];
	if (st->kind == GE_STMT_CLAUSE) {
		ge_suggest__reject(c, "in a case clause");
		return;
	}
	if (st->kind == GE_STMT_DECL && !tok_eq(x, st->first, "var")) {
		ge_suggest__reject(c, "not in a statement goescape can place");
		return;
	}
	if (f->sc_dot) {
		/* strconv's functions are used unqualified: none may mean something else. */
		static const char *const fns[] = {"Itoa", "FormatInt", "FormatUint", "AppendInt",
		                                  "AppendUint"};
		size_t k;
		for (k = 0; k < sizeof(fns) / sizeof(fns[0]); k++)
			if (ge_gostmt_shadowed(x, st->decl_first, st->decl_last, fns[k])) {
				ge_suggest__reject(
				    c,
				    "strconv is dot-imported and '%s' names something "
				    "else here",
				    fns[k]);
				return;
			}
	} else if (ge_gostmt_shadowed(x, st->decl_first, st->decl_last, f->sc_name)) {
		ge_suggest__reject(c, "'%s' names something other than package strconv here",
		                   f->sc_name);
		return;
	}
	if (is_fmt_rule(c) && ge_gostmt_shadowed(x, st->decl_first, st->decl_last, f->fmt_name)) {
		ge_suggest__reject(c, "'%s' names something other than package fmt here",
		                   f->fmt_name);
		return;
	}
	if ((is_fmt_rule(c) || writer_rule(c) || c->rule == R_APPEND_ITOA ||
	     c->rule == R_APPEND_SPRINTF) &&
	    st->kind == GE_STMT_COMPOUND && header_declares(x, c) &&
	    (c->probe_after = scope_start(x, c)) == GE_GOX_NONE) {
		ge_suggest__reject(c, "in a statement header that declares variables, with no "
		                      "place for the type probe in their scope");
		return;
	}
	if (has_shift(x, c->xf, c->xl)) {
		ge_suggest__reject(c, "a shift in its argument: an untyped operand would take its "
		                      "type from the new context");
		return;
	}
	c->generic = ge_gostmt_decl_generic(x, st->decl_first);
	if (c->rule == R_APPEND_ITOA || c->rule == R_APPEND_SPRINTF)
		c->var = V_DST;
	else if (buffer_rule(c)) {
		/* Its gain is the stack buffer: without one it would allocate as before. */
		if (!(st->kind == GE_STMT_SIMPLE && !tok_eq(x, st->first, "go") &&
		      !tok_eq(x, st->first, "defer") && ge_gostmt_stmt_own_line(x, c->stmt) &&
		      !labeled(x, st->first))) {
			ge_suggest__reject(c, "no place for a stack buffer: not a simple statement "
			                      "on its own lines (a header, go, defer or label)");
			return;
		}
		if (c->bufsize > 1024) {
			ge_suggest__reject(c, "its constant text is longer than a stack buffer "
			                      "goescape writes (1,024 bytes)");
			return;
		}
		c->var = V_BUF;
	} else if (bytes_rule(c))
		c->var = st->kind == GE_STMT_SIMPLE && !tok_eq(x, st->first, "go") &&
		                 !tok_eq(x, st->first, "defer") &&
		                 ge_gostmt_stmt_own_line(x, c->stmt) && !returned_whole(x, c) &&
		                 !labeled(x, st->first)
		             ? V_BUF
		             : V_NIL;
	else
		c->var = V_STRING;
}

/* A name for c's buffer that nothing in its declaration uses, nor another buffer. */
static int pick_bufname(sctx *s, cand *c)
{
	const sfile *f = &s->files[c->file];
	const ge_stmt *st = &f->x->stmts[c->stmt];
	unsigned n;
	size_t k;
	for (n = 1; n < 1000; n++) {
		char name[24];
		int taken;
		if (n == 1)
			snprintf(name, sizeof(name), "buf");
		else
			snprintf(name, sizeof(name), "buf%u", n);
		taken = ge_gostmt_uses_ident(f->x, st->decl_first, st->decl_last, name);
		for (k = 0; k < s->nc && !taken; k++) {
			const cand *o = &s->c[k];
			taken = o != c && o->file == c->file && o->bufname[0] &&
			        strcmp(o->bufname, name) == 0 &&
			        f->x->stmts[o->stmt].decl_first == st->decl_first;
		}
		if (!taken) {
			memcpy(c->bufname, name, strlen(name) + 1);
			return 0;
		}
	}
	return ge_error_set(GE_ERROR, "no free name for a buffer in '%s'", f->rel);
}

/* ---- rewriting ------------------------------------------------------------- */

/*
 * The replacement of c's expression, from its argument's, destination's and
 * base's texts; S qualifies strconv's functions ("strconv.", or "" where
 * strconv is dot-imported).
 */
static int expr_core(ge_buf *b, const char *S, const cand *c, const char *xt, const char *dst,
                     const char *base)
{
	char bb[8];
	ge_buf d = GE_BUF_INIT, call = GE_BUF_INIT;
	int rc;
	if (c->in != IN_FORMATINT && c->in != IN_FORMATUINT) {
		snprintf(bb, sizeof(bb), "%d", c->base ? c->base : 10);
		base = bb;
	}
	if (c->var == V_STRING) {
		switch (c->ty) {
		case TY_INT:
			if (strcmp(base, "10") == 0)
				return ge_buf_printf(b, "%sItoa(%s)", S, xt);
			return ge_buf_printf(b, "%sFormatInt(int64(%s), %s)", S, xt, base);
		case TY_INT64:
			return ge_buf_printf(b, "%sFormatInt(%s, %s)", S, xt, base);
		case TY_SIGNED:
			return ge_buf_printf(b, "%sFormatInt(int64(%s), %s)", S, xt, base);
		case TY_UINT64:
			return ge_buf_printf(b, "%sFormatUint(%s, %s)", S, xt, base);
		default:
			return ge_buf_printf(b, "%sFormatUint(uint64(%s), %s)", S, xt, base);
		}
	}
	/* Constant text before the number goes into the buffer first. */
	if (c->pre)
		rc = ge_buf_printf(&d, "append(%s, %s...)", dst, c->pre);
	else
		rc = ge_buf_puts(&d, dst);
	if (rc < 0)
		goto done;
	switch (c->ty) {
	case TY_INT64:
		rc = ge_buf_printf(&call, "%sAppendInt(%s, %s, %s)", S, d.ptr, xt, base);
		break;
	case TY_INT:
	case TY_SIGNED:
		rc = ge_buf_printf(&call, "%sAppendInt(%s, int64(%s), %s)", S, d.ptr, xt, base);
		break;
	case TY_UINT64:
		rc = ge_buf_printf(&call, "%sAppendUint(%s, %s, %s)", S, d.ptr, xt, base);
		break;
	default:
		rc = ge_buf_printf(&call, "%sAppendUint(%s, uint64(%s), %s)", S, d.ptr, xt, base);
		break;
	}
	if (rc == 0 && c->suf) {
		ge_buf_clear(&d);
		if ((rc = ge_buf_printf(&d, "append(%s, %s...)", call.ptr, c->suf)) == 0) {
			ge_buf_clear(&call);
			rc = ge_buf_puts(&call, d.ptr);
		}
	}
	if (rc < 0)
		goto done;
	if (writer_rule(c))
		rc = ge_buf_printf(b, "%s.Write(%s)", c->wtext ? c->wtext : "w", call.ptr);
	else if (c->rule == R_CONCAT || c->rule == R_SPRINTF_AFFIX)
		rc = ge_buf_printf(b, "string(%s)", call.ptr);
	else
		rc = ge_buf_puts(b, call.ptr);
done:
	ge_buf_release(&d);
	ge_buf_release(&call);
	return rc;
}

int ge_suggest__expr_text_of(ge_buf *b, const char *S, const cand *c, const char *xt,
                             const char *dst, const char *base)
{
	ge_buf d = GE_BUF_INIT, in = GE_BUF_INIT;
	int rc;
	if (c->var != V_DST || !c->dst_type)
		return expr_core(b, S, c, xt, dst, base);
	/* A named byte-slice type: T(strconv.AppendInt([]byte(DST), ...)). */
	if ((rc = ge_buf_printf(&d, "[]byte(%s)", dst)) == 0 &&
	    (rc = expr_core(&in, S, c, xt, d.ptr, base)) == 0)
		rc = ge_buf_printf(b, "%s(%s)", c->dst_type, in.ptr);
	ge_buf_release(&d);
	ge_buf_release(&in);
	return rc;
}

/* The replacement of c's expression. */
int ge_suggest__expr_text(ge_buf *b, const sctx *s, const cand *c)
{
	const sfile *f = &s->files[c->file];
	const ge_gostmt_file *x = f->x;
	ge_buf xt = GE_BUF_INIT, dst = GE_BUF_INIT, bt = GE_BUF_INIT, pfx = GE_BUF_INIT;
	int rc;
	if ((rc = put_toks(&xt, x, c->xf, c->xl)) < 0)
		goto done;
	if (c->var == V_BUF)
		rc = ge_buf_printf(&dst, "%s[:0]", c->bufname);
	else if (c->var == V_NIL)
		rc = ge_buf_puts(&dst, "nil");
	else if (c->var == V_AVAIL)
		rc = ge_buf_printf(&dst, "%s.AvailableBuffer()", c->wtext ? c->wtext : "w");
	else if (c->var == V_DST)
		rc = put_toks(&dst, x, c->df, c->dl);
	if (rc == 0 && (c->in == IN_FORMATINT || c->in == IN_FORMATUINT) && c->bf != GE_GOX_NONE)
		rc = put_toks(&bt, x, c->bf, c->bl);
	if (rc == 0 && !f->sc_dot)
		rc = ge_buf_printf(&pfx, "%s.", f->sc_name);
	if (rc == 0)
		rc = ge_suggest__expr_text_of(b, ge_buf_cstr(&pfx), c, xt.ptr, ge_buf_cstr(&dst),
		                              ge_buf_cstr(&bt));
done:
	ge_buf_release(&xt);
	ge_buf_release(&dst);
	ge_buf_release(&bt);
	ge_buf_release(&pfx);
	return rc;
}

typedef struct edit {
	size_t off, end;
	char *text;
	size_t cand; /* (size_t)-1 for import edits */
	int decl;
	size_t noff, nend; /* where it landed in the new text */
} edit;

typedef struct edits {
	edit *e;
	size_t n, cap;
} edits;

static int edit_add(edits *es, size_t off, size_t end, const char *text, size_t who, int decl)
{
	edit *e;
	if (es->n == es->cap) {
		size_t nc = es->cap ? es->cap * 2 : 16;
		edit *ne = realloc(es->e, nc * sizeof(*ne));
		if (!ne)
			return oom();
		es->e = ne;
		es->cap = nc;
	}
	e = &es->e[es->n];
	memset(e, 0, sizeof(*e));
	if (!(e->text = ge_strdup(text)))
		return oom();
	e->off = off;
	e->end = end;
	e->cand = who;
	e->decl = decl;
	es->n++;
	return 0;
}

static void edits_release(edits *es)
{
	size_t i;
	for (i = 0; i < es->n; i++)
		free(es->e[i].text);
	free(es->e);
	memset(es, 0, sizeof(*es));
}

static size_t line_start(const char *t, size_t off)
{
	while (off > 0 && t[off - 1] != '\n')
		off--;
	return off;
}

/* Offset just past the newline that ends the line holding off (or len). */
static size_t next_line(const char *t, size_t len, size_t off)
{
	const char *nl = off < len ? memchr(t + off, '\n', len - off) : NULL;
	return nl ? (size_t)(nl - t) + 1 : len;
}

static int blank_line(const char *t, size_t len, size_t ls)
{
	for (; ls < len && t[ls] != '\n'; ls++)
		if (t[ls] != ' ' && t[ls] != '\t' && t[ls] != '\r')
			return 0;
	return 1;
}

static int ws_only(const char *t, size_t a, size_t b)
{
	for (; a < b; a++)
		if (t[a] != ' ' && t[a] != '\t')
			return 0;
	return 1;
}

/* Only white space or a line comment from off to the end of the line? */
static int rest_is_trivia(const char *t, size_t len, size_t off)
{
	while (off < len && (t[off] == ' ' || t[off] == '\t' || t[off] == '\r'))
		off++;
	return off >= len || t[off] == '\n' ||
	       (off + 1 < len && t[off] == '/' && t[off + 1] == '/');
}

static int spec_count(const ge_gostmt_file *x, uint32_t decl_first)
{
	size_t i;
	int n = 0;
	for (i = 0; i < x->nimports; i++)
		n += x->imports[i].decl_first == decl_first;
	return n;
}

/* Delete import spec k: its line, or its whole declaration when it is the only spec. */
static int remove_import(edits *es, const sfile *f, size_t k)
{
	const ge_gostmt_file *x = f->x;
	const ge_goimport *im = &x->imports[k];
	const char *t = f->text;
	size_t len = f->len, start, end;
	uint32_t a = im->spec_first, b = im->spec_last;
	if (!im->grouped || spec_count(x, im->decl_first) == 1) {
		a = im->decl_first;
		b = im->decl_last;
	}
	start = x->toks[a].off;
	end = ge_gostmt_end(x, b);
	if (ws_only(t, line_start(t, start), start) && rest_is_trivia(t, len, end)) {
		size_t prev;
		int prev_blank, next_blank, prev_opens, next_closes;
		start = line_start(t, start);
		end = next_line(t, len, end);
		prev = start > 0 ? line_start(t, start - 1) : start;
		prev_blank = start > 0 && blank_line(t, len, prev);
		next_blank = end < len && blank_line(t, len, end);
		prev_opens = start > 1 && t[start - 2] == '(';
		next_closes = end < len && t[end + strspn(t + end, " \t")] == ')';
		if (next_blank && (prev_blank || prev_opens))
			end = next_line(t, len, end);
		else if (prev_blank && next_closes)
			start = prev;
	} else if (b + 1 < x->ntoks && x->toks[b + 1].kind == GE_TOK_SEMI && x->toks[b + 1].len) {
		end = ge_gostmt_end(x, b + 1);
	}
	return edit_add(es, start, end, "", (size_t)-1, 0);
}

static int std_path(const char *p)
{
	size_t n = strcspn(p, "/");
	return memchr(p, '.', n) == NULL;
}

/* Insert an import of "strconv" where gofmt would keep it. */
/* The index of a blank import (_ "path") of path, or (size_t)-1. */
static size_t blank_import(const ge_gostmt_file *x, const char *path)
{
	size_t i;
	for (i = 0; i < x->nimports; i++)
		if (x->imports[i].alias && strcmp(x->imports[i].alias, "_") == 0 &&
		    strcmp(x->imports[i].path, path) == 0)
			return i;
	return (size_t)-1;
}

static int add_import(edits *es, const sfile *f)
{
	const ge_gostmt_file *x = f->x;
	const char *t = f->text;
	size_t len = f->len, i, ins, ilen;
	const char *indent;
	ge_buf line = GE_BUF_INIT;
	int rc;
	for (i = 0; i < x->nimports && !x->imports[i].grouped; i++)
		;
	if (i < x->nimports) {
		uint32_t decl = x->imports[i].decl_first;
		size_t k, anchor = (size_t)-1, last = (size_t)-1;
		int after = 0, found = 0, group = 0, chosen = -1;
		/* Groups are runs of specs without a blank line between them; the
		 * first group with a standard-library path gets "strconv", sorted. */
		for (k = i; k < x->nimports && x->imports[k].decl_first == decl; k++) {
			if (k > i) {
				size_t p = next_line(t, len,
				                     ge_gostmt_end(x, x->imports[k - 1].spec_last));
				size_t to = line_start(t, x->toks[x->imports[k].spec_first].off);
				for (; p < to; p = next_line(t, len, p))
					if (blank_line(t, len, p)) {
						group++;
						break;
					}
			}
			if (chosen < 0 && std_path(x->imports[k].path))
				chosen = group;
			if (group != chosen)
				continue;
			found = 1;
			last = k;
			if (anchor == (size_t)-1 && strcmp(x->imports[k].path, "strconv") > 0)
				anchor = k;
		}
		if (found) {
			if (anchor == (size_t)-1) {
				anchor = last;
				after = 1;
			}
			ins = x->toks[x->imports[anchor].spec_first].off;
			if (ws_only(t, line_start(t, ins), ins)) {
				indent = ge_gostmt_indent(x, ins, &ilen);
				if ((rc = ge_buf_put(&line, indent, ilen)) < 0 ||
				    (rc = ge_buf_puts(&line, "\"strconv\"\n")) < 0)
					goto done;
				ins =
				    after
				        ? next_line(t, len,
				                    ge_gostmt_end(x, x->imports[anchor].spec_last))
				        : line_start(t, ins);
				rc = edit_add(es, ins, ins, line.ptr, (size_t)-1, 0);
				goto done;
			}
		} else {
			ins = x->toks[x->imports[i].spec_first].off;
			if (ws_only(t, line_start(t, ins), ins)) {
				indent = ge_gostmt_indent(x, ins, &ilen);
				if ((rc = ge_buf_put(&line, indent, ilen)) < 0 ||
				    (rc = ge_buf_puts(&line, "\"strconv\"\n\n")) < 0)
					goto done;
				rc = edit_add(es, line_start(t, ins), line_start(t, ins), line.ptr,
				              (size_t)-1, 0);
				goto done;
			}
		}
	}
	if (x->nimports == 1 && !x->imports[0].grouped &&
	    ws_only(t, line_start(t, x->toks[x->imports[0].decl_first].off),
	            x->toks[x->imports[0].decl_first].off) &&
	    rest_is_trivia(t, len, ge_gostmt_end(x, x->imports[0].decl_last))) {
		/* import "fmt" -> import ( "fmt" "strconv" ), as gofmt sorts it. */
		const ge_goimport *im = &x->imports[0];
		ge_buf spec = GE_BUF_INIT;
		int first = strcmp(im->path, "strconv") < 0;
		if ((rc = put_toks(&spec, x, im->spec_first, im->spec_last)) == 0)
			rc = ge_buf_printf(&line, "import (\n\t%s\n\t%s\n)",
			                   first ? spec.ptr : "\"strconv\"",
			                   first ? "\"strconv\"" : spec.ptr);
		ge_buf_release(&spec);
		if (rc == 0)
			rc = edit_add(es, x->toks[im->decl_first].off,
			              ge_gostmt_end(x, im->decl_last), line.ptr, (size_t)-1, 0);
		goto done;
	}
	if (x->nimports) {
		uint32_t last = 0;
		for (i = 0; i < x->nimports; i++)
			if (x->imports[i].decl_last > last)
				last = x->imports[i].decl_last;
		ins = next_line(t, len, ge_gostmt_end(x, last));
		if (ins > 0 && t[ins - 1] == '\n')
			ins--;
		rc = edit_add(es, ins, ins, "\nimport \"strconv\"", (size_t)-1, 0);
		goto done;
	}
	for (i = 0; i < x->nstmts; i++)
		if (x->stmts[i].kind == GE_STMT_DECL && tok_eq(x, x->stmts[i].first, "package"))
			break;
	ins = i < x->nstmts ? next_line(t, len, ge_gostmt_end(x, x->stmts[i].last)) : 0;
	if (ins > 0 && t[ins - 1] == '\n')
		ins--;
	rc = edit_add(es, ins, ins, "\n\nimport \"strconv\"", (size_t)-1, 0);
done:
	ge_buf_release(&line);
	return rc;
}

/* Is name used as a package qualifier ("name.X") in tokens [first, last]? */
static int qualifier_in(const ge_gostmt_file *x, const char *name, uint32_t first, uint32_t last)
{
	uint32_t i;
	for (i = first; i <= last && i < x->ntoks; i++)
		if (is_ident(x, i, name) && tok_eq(x, i + 1, ".") &&
		    !(i > 0 && tok_eq(x, i - 1, ".")))
			return 1;
	return 0;
}

static int edit_before(const edit *a, const edit *b)
{
	if (a->off != b->off)
		return a->off < b->off;
	return (a->end == a->off) && (b->end != b->off);
}

/*
 * This round's text of a file: every enabled candidate rewritten, its
 * buffer declared, strconv imported and fmt dropped when nothing else uses
 * it.  Sets the candidates' new_first/new_last/decl_line in that text.
 */
int ge_suggest__render_file(ge_buf *out, sctx *s, size_t fi)
{
	sfile *f = &s->files[fi];
	const ge_gostmt_file *x = f->x;
	edits es = {NULL, 0, 0};
	uint32_t *skip_off = NULL, *skip_end = NULL, *lt = NULL;
	size_t nskip = 0, i, j, pos = 0, nlt = 0;
	int rc = 0, fmt_any = 0;
	ge_buf t = GE_BUF_INIT;
	if (!(skip_off = calloc(s->nc + 1, sizeof(*skip_off))) ||
	    !(skip_end = calloc(s->nc + 1, sizeof(*skip_end)))) {
		rc = oom();
		goto done;
	}
	for (i = 0; i < s->nc; i++) {
		cand *c = &s->c[i];
		if (c->file != fi || !enabled(c))
			continue;
		if (c->var == V_BUF && !c->bufname[0] && (rc = pick_bufname(s, c)) < 0)
			goto done;
		ge_buf_clear(&t);
		if ((rc = ge_suggest__expr_text(&t, s, c)) < 0 ||
		    (rc = edit_add(&es, x->toks[c->first].off, ge_gostmt_end(x, c->last), t.ptr, i,
		                   0)) < 0)
			goto done;
		if (c->var == V_BUF) {
			size_t ilen, ls = line_start(f->text, x->toks[x->stmts[c->stmt].first].off);
			const char *ind = ge_gostmt_indent(x, ls, &ilen);
			ge_buf_clear(&t);
			if ((rc = ge_buf_put(&t, ind, ilen)) < 0 ||
			    (rc = ge_buf_printf(&t, "var %s [%u]byte\n", c->bufname,
			                        c->bufsize ? c->bufsize : 20)) < 0 ||
			    (rc = edit_add(&es, ls, ls, t.ptr, i, 1)) < 0)
				goto done;
		}
		if (is_fmt_rule(c)) {
			fmt_any = 1;
			skip_off[nskip] = x->toks[c->first].off;
			skip_end[nskip++] = ge_gostmt_end(x, c->last);
		}
	}
	if (es.n) {
		size_t fk = 0;
		int drop_fmt =
		    fmt_any && f->fmt_name && !f->keep_fmt &&
		    ge_gostmt_import_name(x, "fmt", &fk) &&
		    ge_gostmt_qualifier_uses(x, f->fmt_name, skip_off, skip_end, nskip) == 0;
		/* What a rewrite keeps (its argument, append's destination) may use fmt too. */
		for (i = 0; i < s->nc && drop_fmt; i++) {
			const cand *c = &s->c[i];
			if (c->file != fi || !enabled(c) || !is_fmt_rule(c))
				continue;
			if (qualifier_in(x, f->fmt_name, c->xf, c->xl) ||
			    (c->df != GE_GOX_NONE && qualifier_in(x, f->fmt_name, c->df, c->dl)) ||
			    (writer_rule(c) && qualifier_in(x, f->fmt_name, c->wf, c->wl)))
				drop_fmt = 0;
		}
		size_t blank = blank_import(x, "strconv");
		/* A dot import of strconv is used as it is: no second import. */
		int have_sc = f->sc_imported || f->sc_dot;
		if (drop_fmt && !have_sc && blank == (size_t)-1) {
			const ge_goimport *im = &x->imports[fk];
			rc =
			    edit_add(&es, x->toks[im->spec_first].off,
			             ge_gostmt_end(x, im->spec_last), "\"strconv\"", (size_t)-1, 0);
		} else {
			if (drop_fmt)
				rc = remove_import(&es, f, fk);
			if (rc == 0 && !have_sc && blank != (size_t)-1) {
				/* _ "strconv" becomes "strconv": one import of it, not two. */
				const ge_goimport *im = &x->imports[blank];
				rc = edit_add(&es, x->toks[im->spec_first].off,
				              ge_gostmt_end(x, im->spec_last), "\"strconv\"",
				              (size_t)-1, 0);
			} else if (rc == 0 && !have_sc) {
				rc = add_import(&es, f);
			}
		}
		if (rc < 0)
			goto done;
	}
	/* Stable insertion sort: by offset, insertions before replacements. */
	for (i = 1; i < es.n; i++) {
		edit v = es.e[i];
		for (j = i; j > 0 && edit_before(&v, &es.e[j - 1]); j--)
			es.e[j] = es.e[j - 1];
		es.e[j] = v;
	}
	ge_buf_clear(out);
	for (i = 0; i < es.n; i++) {
		edit *e = &es.e[i];
		if (e->off < pos) {
			if (e->cand != (size_t)-1)
				ge_suggest__reject(&s->c[e->cand], "overlaps another rewrite");
			e->cand = (size_t)-1;
			continue;
		}
		if ((rc = ge_buf_put(out, f->text + pos, e->off - pos)) < 0)
			goto done;
		e->noff = out->len;
		if ((rc = ge_buf_puts(out, e->text)) < 0)
			goto done;
		e->nend = out->len;
		pos = e->end;
	}
	if ((rc = ge_buf_put(out, f->text + pos, f->len - pos)) < 0)
		goto done;
	if ((rc = ge_suggest__line_table(&lt, &nlt, ge_buf_cstr(out), out->len)) < 0)
		goto done;
	for (i = 0; i < es.n; i++) {
		const edit *e = &es.e[i];
		cand *c;
		if (e->cand == (size_t)-1)
			continue;
		c = &s->c[e->cand];
		if (e->decl) {
			c->decl_line = ge_suggest__line_at(lt, nlt, e->noff);
		} else {
			size_t lastb = e->nend > e->noff ? e->nend - 1 : e->noff;
			c->new_first = ge_suggest__line_at(lt, nlt, e->noff);
			c->new_last = ge_suggest__line_at(lt, nlt, lastb);
			c->ncol1 = (uint32_t)(e->noff - lt[c->new_first - 1]) + 1;
			c->ncol2 = (uint32_t)(lastb - lt[c->new_last - 1]) + 1;
			c->cols_ok = 1;
		}
	}
done:
	free(lt);
	free(skip_off);
	free(skip_end);
	ge_buf_release(&t);
	edits_release(&es);
	return rc;
}

/* A line of the text before gofmt, in the text after it. */
