/*
 * Where the compiler reports a candidate: its own lines, and the calls that
 * inline a function literal holding it; and which package a file is.
 */
#include "suggest_int.h"

/* ---- a file's package ---------------------------------------------------- */

int ge_suggest__file_package(char **out, const ge_modset *mods, const char *abs)
{
	const ge_module *m = ge_modset_lookup_path(mods, abs);
	const char *slash = strrchr(abs, '/'), *rel;
	ge_buf b = GE_BUF_INIT;
	char *dir;
	*out = NULL;
	if (!m || !slash)
		return 0;
	if (!(dir = ge_strndup(abs, (size_t)(slash - abs))))
		return oom();
	rel = strcmp(dir, m->root) == 0 ? "" : ge_path_within(dir, m->root);
	if (rel && ge_buf_printf(&b, "%s%s%s", m->path, *rel ? "/" : "", rel) < 0) {
		free(dir);
		return oom();
	}
	free(dir);
	*out = rel ? ge_buf_detach(&b) : NULL;
	return 0;
}

/* ---- inlined function literals -------------------------------------------- */

/*
 * Measured with go1.26.8: a function literal that is called where it is
 * written (func() { ... }(), at any depth of such literals) or passed to a
 * call the compiler inlines (apply(func() { ... })) is compiled only inside
 * its caller, and -m prints the heap diagnostics of its body at the
 * position of the outermost inlined call: the '(' after the literal's '}',
 * or the '(' of the call it is an argument of.  Nothing is printed on the
 * body's own lines.  (The compiler's -json log names the body's position as
 * an "inlineLoc"; -m text does not.)
 */

/* The '{' of the body of the function literal whose "func" is token k, or GE_GOX_NONE. */
static uint32_t literal_body(const ge_gostmt_file *x, uint32_t k)
{
	uint32_t p;
	if (!(x->toks[k].kind == GE_TOK_KEYWORD && ge_gostmt_is(x, k, "func")) ||
	    !tok_eq(x, k + 1, "(") || x->toks[k + 1].match == GE_GOX_NONE)
		return GE_GOX_NONE;
	for (p = x->toks[k + 1].match + 1; p < x->ntoks; p++) {
		if ((tok_eq(x, p, "(") || tok_eq(x, p, "[")) && x->toks[p].match != GE_GOX_NONE) {
			p = x->toks[p].match;
			continue;
		}
		if (tok_eq(x, p, "{"))
			return x->toks[p].match != GE_GOX_NONE ? p : GE_GOX_NONE;
		if (x->toks[p].kind == GE_TOK_SEMI)
			return GE_GOX_NONE; /* a function type, not a literal */
	}
	return GE_GOX_NONE;
}

/* The call that inlines the literal of tokens [k, end]: its '(' , or GE_GOX_NONE. */
static uint32_t literal_call(const ge_gostmt_file *x, uint32_t k, uint32_t end)
{
	uint32_t q;
	if (tok_eq(x, end + 1, "("))
		return end + 1;
	/* An argument: the unmatched '(' before it, of a call (after a name or a ')'). */
	if (k == 0 || !(tok_eq(x, k - 1, "(") || tok_eq(x, k - 1, ",")))
		return GE_GOX_NONE;
	for (q = k - 1;; q--) {
		if (tok_eq(x, q, "(") && x->toks[q].match != GE_GOX_NONE && x->toks[q].match > end)
			break;
		if ((tok_eq(x, q, ")") || tok_eq(x, q, "]") || tok_eq(x, q, "}")) &&
		    x->toks[q].match != GE_GOX_NONE && x->toks[q].match < q)
			q = x->toks[q].match;
		else if (x->toks[q].kind == GE_TOK_SEMI || tok_eq(x, q, "{"))
			return GE_GOX_NONE;
		if (q == 0)
			return GE_GOX_NONE;
	}
	if (q == 0 || !(x->toks[q - 1].kind == GE_TOK_IDENT || tok_eq(x, q - 1, ")") ||
	                tok_eq(x, q - 1, "]")))
		return GE_GOX_NONE;
	return q;
}

/*
 * Measured too: a generic function inlined into the package that
 * instantiates it has the diagnostics of that copy printed at the
 * position of its name in the declaration ("gen.go:5:6: gen.n escapes to
 * heap" for "func Label[T any](...)" at line 5), beside those of its own
 * shape instantiation on the body's lines.
 */
static uint32_t generic_name(const ge_gostmt_file *x, uint32_t decl)
{
	uint32_t k = decl + 1;
	if (!ge_gostmt_decl_generic(x, decl))
		return GE_GOX_NONE;
	if (tok_eq(x, k, "(") && x->toks[k].match != GE_GOX_NONE)
		k = x->toks[k].match + 1; /* a method's receiver */
	return k < x->ntoks && x->toks[k].kind == GE_TOK_IDENT ? k : GE_GOX_NONE;
}

void ge_suggest__inline_sites(const ge_gostmt_file *x, cand *c)
{
	uint32_t k, lo;
	c->nsites = 0;
	if (c->stmt == GE_GOX_NONE)
		return;
	lo = x->stmts[c->stmt].decl_first;
	if (tok_eq(x, lo, "func") && (k = generic_name(x, lo)) != GE_GOX_NONE)
		c->sites[c->nsites++] = k;
	for (k = c->first; k > lo + 1 && c->nsites < GE_SUGGEST_MAX_SITES;) {
		uint32_t body, site;
		k--;
		if ((body = literal_body(x, k)) == GE_GOX_NONE || body >= c->first ||
		    x->toks[body].match < c->last)
			continue;
		site = literal_call(x, k, x->toks[body].match);
		if (site != GE_GOX_NONE)
			c->sites[c->nsites++] = site;
	}
}

size_t ge_suggest__site_heap(const sctx *s, const cand *c, const ge_report *r)
{
	size_t i, n = 0;
	if (!r)
		return 0;
	for (i = 0; i < r->ndiags; i++)
		n += ge_suggest__on_site(s, c, &r->diags[i], 0);
	return n;
}

int ge_suggest__on_site(const sctx *s, const cand *c, const ge_diag *d, int side)
{
	const sfile *f = &s->files[c->file];
	unsigned k;
	if (!c->nsites || !ge_kind_is_heap(d->kind) || strcmp(d->file, f->rel) != 0)
		return 0;
	for (k = 0; k < c->nsites; k++) {
		const ge_gotok *t = &f->x->toks[c->sites[k]];
		if (side == 0 && d->line == t->line && d->column == t->col)
			return 1;
		if (side == 1 && c->site_new[k] && d->line == c->site_new[k] &&
		    (!c->site_col[k] || d->column == c->site_col[k]))
			return 1;
	}
	return 0;
}

int ge_suggest__site_lines(sctx *s, size_t fi)
{
	sfile *f = &s->files[fi];
	uint32_t *map = NULL;
	size_t nmap = 0, i;
	int any = 0, rc;
	for (i = 0; i < s->nc; i++)
		any |= s->c[i].file == fi && enabled(&s->c[i]) && s->c[i].nsites;
	if (!any || !f->round_text)
		return 0;
	if ((rc = ge_udiff_linemap(&map, &nmap, f->text, f->len, f->round_text, f->round_len)) < 0)
		return rc;
	for (i = 0; i < s->nc; i++) {
		cand *c = &s->c[i];
		unsigned k;
		if (c->file != fi || !enabled(c))
			continue;
		for (k = 0; k < c->nsites; k++) {
			const ge_gotok *t = &f->x->toks[c->sites[k]];
			if (t->line >= c->old_first && t->line <= c->old_last) {
				/* On a line of its own rewrite: the line it is on now, any column.
				 */
				c->site_new[k] =
				    t->line == c->old_first ? c->new_first : c->new_last;
				c->site_col[k] = 0;
			} else if (t->line <= nmap && map[t->line - 1]) {
				c->site_new[k] = map[t->line - 1];
				c->site_col[k] = t->col; /* the line is as it was */
			} else {
				c->site_new[k] = 0; /* changed by another rewrite: not followed */
			}
		}
	}
	free(map);
	return 0;
}

void ge_suggest__cand_span(const cand *c, uint32_t *o1, uint32_t *o2, uint32_t *n1, uint32_t *n2,
                           const sctx *s)
{
	const ge_gostmt_file *x = s->files[c->file].x;
	unsigned k;
	*o1 = c->old_first;
	*o2 = c->old_last;
	ge_suggest__cand_region(c, n1, n2);
	for (k = 0; k < c->nsites; k++) {
		uint32_t l = x->toks[c->sites[k]].line, nl = c->site_new[k];
		if (!nl)
			continue;
		if (l < *o1)
			*o1 = l;
		if (l > *o2)
			*o2 = l;
		if (nl < *n1)
			*n1 = nl;
		if (nl > *n2)
			*n2 = nl;
	}
}

/*
 * Did go compile the unit file fi is in?  A file of an external test
 * package (package p_test in p's directory, with --tests) is compiled
 * under the header "p_test [p.test]", and only when p compiled: the
 * header of p alone says nothing about it.
 */
int ge_suggest__saw_unit(const sctx *s, const cerrs *errs, size_t fi)
{
	const sfile *f = &s->files[fi];
	const ge_gostmt_file *x = f->x;
	size_t n = strlen(f->rel), k;
	ge_buf b = GE_BUF_INIT;
	int saw;
	if (n < 8 || strcmp(f->rel + n - 8, "_test.go") != 0 || x->ntoks < 2 ||
	    !tok_eq(x, 0, "package") || x->toks[1].kind != GE_TOK_IDENT)
		return 1;
	k = x->toks[1].len;
	if (k <= 5 || memcmp(x->src + x->toks[1].off + k - 5, "_test", 5) != 0)
		return 1;
	if (ge_buf_printf(&b, "%s_test", f->pkg) < 0)
		return 0;
	saw = ge_suggest__saw_pkg(errs, b.ptr);
	ge_buf_release(&b);
	return saw;
}
