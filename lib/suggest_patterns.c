/*
 * The rules that start from the source pattern (issue 14's new patterns):
 * a number between constant strings, a number written to a concrete
 * writer, and the fmt verbs besides %d.  Their rewrites (suggest_rules.c's
 * expr_core) put the bytes in a stack buffer:
 *   "p" + strconv.Itoa(n) + "s", fmt.Sprintf("p%ds", n)
 *       -> string(append(strconv.AppendInt(append(buf[:0], "p"...), int64(n), 10), "s"...))
 *   w.WriteString(strconv.Itoa(n)), fmt.Fprintf(w, "%d", n)
 *       -> w.Write(strconv.AppendInt(buf[:0], int64(n), 10))
 *       (a *bufio.Writer: w.AvailableBuffer() for buf[:0], suggest_probe.c)
 * What they remove is the string strconv.Itoa (or fmt) makes inside its
 * own package, which no diagnostic of the module shows: the compiler's
 * view of the call is at most the concatenation's (which becomes
 * string(...)'s) or fmt's boxed argument.  So such a candidate carries
 * hidden = 1 (suggest_int.h): it is looked for without a heap diagnostic
 * on its lines, and verification counts that allocation as removed when
 * the buffer stays on the stack (a buffer the compiler moves to the heap
 * rejects it: its nil form would allocate as before).
 */
#include "suggest_int.h"

/*
 * A fmt format literal (quotes included) with exactly one verb among
 * d x o b v, no flags, width or other '%': its verb and the text before and
 * after it, each as a Go literal of the same kind (NULL when empty).  An
 * escape that could stand for '%' (\x, \u, \U, octal) is refused, so the
 * verb fmt sees is the one written.  1 parsed, 0 not this shape, <0 error.
 */
int ge_suggest__format_parse(const char *lit, size_t len, char *verb, char **pre, char **suf)
{
	char q;
	size_t i, pct = 0, n = 0;
	*pre = *suf = NULL;
	if (len < 4 || (lit[0] != '"' && lit[0] != '`') || lit[len - 1] != lit[0])
		return 0;
	q = lit[0];
	for (i = 1; i + 1 < len; i++) {
		if (q == '"' && lit[i] == '\\') {
			char e = lit[i + 1];
			if (e == 'x' || e == 'u' || e == 'U' || (e >= '0' && e <= '7'))
				return 0;
			i++;
			continue;
		}
		if (lit[i] == '%') {
			pct = i;
			n++;
		}
	}
	if (n != 1 || pct + 2 >= len || !strchr("dxobv", lit[pct + 1]))
		return 0;
	*verb = lit[pct + 1];
	if (pct > 1) {
		ge_buf b = GE_BUF_INIT;
		if (ge_buf_putc(&b, q) < 0 || ge_buf_put(&b, lit + 1, pct - 1) < 0 ||
		    ge_buf_putc(&b, q) < 0) {
			ge_buf_release(&b);
			return oom();
		}
		*pre = ge_buf_detach(&b);
	}
	if (pct + 2 < len - 1) {
		ge_buf b = GE_BUF_INIT;
		if (ge_buf_putc(&b, q) < 0 ||
		    ge_buf_put(&b, lit + pct + 2, len - 1 - (pct + 2)) < 0 ||
		    ge_buf_putc(&b, q) < 0) {
			ge_buf_release(&b);
			free(*pre);
			*pre = NULL;
			return oom();
		}
		*suf = ge_buf_detach(&b);
	}
	return 1;
}

static int is_op(const ge_gostmt_file *x, uint32_t i, const char *const *ops)
{
	for (; *ops; ops++)
		if (tok_eq(x, i, *ops))
			return 1;
	return 0;
}

/*
 * Can an expression of binary '+' start after token i (so that nothing
 * binding tighter takes its first operand)?  And end before token i?
 * Comparisons and logical operators bind looser than '+'; another '+'
 * after it is left-associative, so the sum is still its left operand.
 */
static int opens_expr(const ge_gostmt_file *x, uint32_t i)
{
	static const char *const ok[] = {"(",  ",",  "=", ":=", "+=", "return", "{",  "[",  ":",
	                                 "==", "!=", "<", "<=", ">",  ">=",     "&&", "||", NULL};
	return i == GE_GOX_NONE || x->toks[i].kind == GE_TOK_SEMI || is_op(x, i, ok);
}

static int closes_expr(const ge_gostmt_file *x, uint32_t i)
{
	static const char *const ok[] = {
	    ")", ",", "]", "}", ":", "{", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "+", NULL};
	return i >= x->ntoks || x->toks[i].kind == GE_TOK_SEMI || is_op(x, i, ok);
}

static int strconv_in(inner in)
{
	return in == IN_ITOA || in == IN_FORMATINT || in == IN_FORMATUINT;
}

static char *tok_dup(const ge_gostmt_file *x, uint32_t i)
{
	return ge_strndup(x->src + x->toks[i].off, x->toks[i].len);
}

/* "a" + strconv.Itoa(n) [+ "b"], strconv.Itoa(n) + "b" at i: 1 matched, 0 not, <0 error. */
static int concat_at(const sctx *s, size_t fi, uint32_t i, cand *c, match *m)
{
	const sfile *f = &s->files[fi];
	const ge_gostmt_file *x = f->x;
	uint32_t call = i, end;
	int has_pre = 0;
	if (!opens_expr(x, i > 0 ? i - 1 : GE_GOX_NONE))
		return 0;
	if (x->toks[i].kind == GE_TOK_STRING && tok_eq(x, i + 1, "+")) {
		has_pre = 1;
		call = i + 2;
	}
	if (!ge_suggest__inner_at(x, call, f, m) || !strconv_in(m->in))
		return 0;
	end = m->close;
	/* A suffix, when nothing binding tighter follows it ("b"[1:] is not "b"). */
	if (tok_eq(x, end + 1, "+") && end + 2 < x->ntoks &&
	    x->toks[end + 2].kind == GE_TOK_STRING && closes_expr(x, end + 3))
		end += 2;
	else if (!has_pre || !closes_expr(x, end + 1))
		return 0;
	c->rule = R_CONCAT;
	c->first = i;
	c->last = end;
	c->hidden = 1;
	if ((has_pre && !(c->pre = tok_dup(x, i))) ||
	    (end != m->close && !(c->suf = tok_dup(x, end)))) {
		free(c->pre);
		c->pre = NULL;
		return oom();
	}
	return 1;
}

/* An identifier, or a chain of selectors a.b.c from i: its last token, or NONE. */
static uint32_t ident_chain(const ge_gostmt_file *x, uint32_t i)
{
	if (i >= x->ntoks || x->toks[i].kind != GE_TOK_IDENT || (i > 0 && tok_eq(x, i - 1, ".")))
		return GE_GOX_NONE;
	while (tok_eq(x, i + 1, ".") && i + 2 < x->ntoks && x->toks[i + 2].kind == GE_TOK_IDENT)
		i += 2;
	return i;
}

/* Is [first, last] a whole expression statement? */
static int whole_stmt(const ge_gostmt_file *x, uint32_t first, uint32_t last)
{
	uint32_t st = x->toks[first].stmt;
	return st != GE_GOX_NONE && x->stmts[st].kind == GE_STMT_SIMPLE &&
	       x->stmts[st].first == first && x->stmts[st].last == last;
}

/*
 * W.WriteString(inner) as a statement (its results unused: Write's are
 * the same numbers, but a statement needs no proof of it).  W is an
 * identifier or a selector chain, evaluated once before and after.
 */
static int writestring_at(const sctx *s, size_t fi, uint32_t i, cand *c, match *m)
{
	const sfile *f = &s->files[fi];
	const ge_gostmt_file *x = f->x;
	uint32_t last = ident_chain(x, i), open;
	if (last == GE_GOX_NONE || last < i + 2 || !is_ident(x, last, "WriteString") ||
	    !tok_eq(x, last + 1, "(") || (open = last + 1, x->toks[open].match == GE_GOX_NONE))
		return 0;
	if (!ge_suggest__inner_at(x, open + 1, f, m) || m->close + 1 != x->toks[open].match ||
	    m->in == IN_SPRINTF || !whole_stmt(x, i, x->toks[open].match))
		return 0;
	c->rule = R_WRITESTRING;
	c->first = i;
	c->last = x->toks[open].match;
	c->wf = i;
	c->wl = last - 2;
	c->hidden = 1;
	if (!(c->wtext = dup_toks(x, i, last - 2)))
		return oom();
	return 1;
}

/* fmt.Fprintf(W, "p%ds", n) as a statement; W an identifier chain or &chain. */
static int fprintf_at(const sctx *s, size_t fi, uint32_t i, cand *c, match *m)
{
	const sfile *f = &s->files[fi];
	const ge_gostmt_file *x = f->x;
	uint32_t af[4], al[4], open, w, wl;
	const ge_gotok *t;
	int r;
	if (!f->fmt_name || !is_ident(x, i, f->fmt_name) || (i > 0 && tok_eq(x, i - 1, ".")) ||
	    !tok_eq(x, i + 1, ".") || !is_ident(x, i + 2, "Fprintf") || !tok_eq(x, i + 3, "(") ||
	    x->toks[i + 3].match == GE_GOX_NONE)
		return 0;
	open = i + 3;
	if (ge_suggest__split_args(x, open, af, al, 3) != 3 || af[1] != al[1] ||
	    tok_eq(x, al[2], "...") || !whole_stmt(x, i, x->toks[open].match))
		return 0;
	w = af[0];
	if (tok_eq(x, w, "&"))
		w++;
	wl = ident_chain(x, w);
	if (wl != al[0])
		return 0;
	t = &x->toks[af[1]];
	ge_suggest__match_release(m);
	if (t->kind != GE_TOK_STRING ||
	    (r = ge_suggest__format_parse(x->src + t->off, t->len, &m->verb, &m->pre, &m->suf)) <=
	        0)
		return r < 0 ? r : 0;
	m->in = IN_FPRINTF;
	m->open = open;
	m->close = x->toks[open].match;
	m->xf = af[2];
	m->xl = al[2];
	m->bf = m->bl = GE_GOX_NONE;
	c->rule = R_FPRINTF;
	c->first = i;
	c->last = m->close;
	c->wf = af[0];
	c->wl = al[0];
	c->hidden = 0; /* fmt's boxed argument is what the compiler shows */
	if (!(c->wtext = dup_toks(x, w, wl)))
		return oom();
	return 1;
}

/*
 * A match of one of these rules at token i: c's rule, tokens, texts and
 * hidden set, m the inner call (as ge_suggest__inner_at leaves it).
 */
int ge_suggest__pattern_at(const sctx *s, size_t fi, uint32_t i, cand *c, match *m)
{
	int rc;
	if ((rc = concat_at(s, fi, i, c, m)) != 0 || (rc = writestring_at(s, fi, i, c, m)) != 0 ||
	    (rc = fprintf_at(s, fi, i, c, m)) != 0)
		return rc;
	return 0;
}
