/*
 * Blocks, statements and imports of a Go file, on lib/golex's tokens: the
 * tokens (semicolons inserted, brackets paired by golex's one recovery
 * policy) are copied into the public ge_gotok array with gostmt's coarser
 * kinds, and golex's line table is kept as it is.
 */
#include "gostmt.h"

#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "golex.h"

/* The one nesting limit of golex's walkers: stop descending there. */
#define MAX_DEPTH GE_GOLEX_MAX_DEPTH

int ge_gostmt_is(const ge_gostmt_file *x, size_t i, const char *s)
{
	size_t n = strlen(s);
	return i < x->ntoks && x->toks[i].len == n && memcmp(x->src + x->toks[i].off, s, n) == 0;
}

uint32_t ge_gostmt_end(const ge_gostmt_file *x, size_t i)
{
	return x->toks[i].off + x->toks[i].len;
}

static int opener(const ge_gostmt_file *x, size_t i)
{
	char c = x->src[x->toks[i].off];
	return x->toks[i].kind == GE_TOK_OP && x->toks[i].len == 1 &&
	       (c == '(' || c == '[' || c == '{');
}

/* ---- statements ----------------------------------------------------- */

typedef struct pctx {
	ge_gostmt_file *x;
	size_t cap;
	uint32_t decl_first, decl_last;
	unsigned depth;
	int rc;
} pctx;

static uint32_t add_stmt(pctx *p, uint32_t first, uint32_t last, uint32_t block,
                         ge_gostmt_kind kind)
{
	ge_gostmt_file *x = p->x;
	ge_stmt *s;
	if (p->rc)
		return GE_GOX_NONE;
	if (x->nstmts == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 64;
		ge_stmt *ns = realloc(x->stmts, nc * sizeof(*ns));
		if (!ns) {
			p->rc = ge_error_set(GE_ENOMEM, "out of memory");
			return GE_GOX_NONE;
		}
		x->stmts = ns;
		p->cap = nc;
	}
	s = &x->stmts[x->nstmts];
	s->first = first;
	s->last = last;
	s->block = block;
	s->decl_first = p->decl_first;
	s->decl_last = p->decl_last;
	s->kind = (uint8_t)kind;
	return (uint32_t)x->nstmts++;
}

/* Index after token i, jumping over a bracketed group that closes before end. */
static uint32_t skip(const ge_gostmt_file *x, uint32_t i, uint32_t end)
{
	if (opener(x, i) && x->toks[i].match != GE_GOX_NONE && x->toks[i].match < end)
		return x->toks[i].match + 1;
	return i + 1;
}

static int is_kw(const ge_gostmt_file *x, uint32_t i, const char *kw)
{
	return i < x->ntoks && x->toks[i].kind == GE_TOK_KEYWORD && ge_gostmt_is(x, i, kw);
}

static int is_op(const ge_gostmt_file *x, uint32_t i, const char *op)
{
	return i < x->ntoks && x->toks[i].kind == GE_TOK_OP && ge_gostmt_is(x, i, op);
}

/*
 * After a signature's parameters at k: skip a result type and return the
 * body's '{', or GE_GOX_NONE when there is no body before end (a function
 * type, or a declaration without body).  *after receives where scanning
 * stopped.
 */
static uint32_t body_after_params(const ge_gostmt_file *x, uint32_t k, uint32_t end,
                                  uint32_t *after)
{
	while (k < end) {
		const ge_gotok *t = &x->toks[k];
		if (is_op(x, k, "{")) {
			if (k > 0 && (is_kw(x, k - 1, "struct") || is_kw(x, k - 1, "interface"))) {
				k = skip(x, k, end);
				continue;
			}
			*after = k;
			return t->match != GE_GOX_NONE ? k : GE_GOX_NONE;
		}
		if (is_op(x, k, "(") || is_op(x, k, "[")) {
			k = skip(x, k, end);
			continue;
		}
		if (t->kind == GE_TOK_IDENT || is_kw(x, k, "map") || is_kw(x, k, "chan") ||
		    is_kw(x, k, "func") || is_kw(x, k, "struct") || is_kw(x, k, "interface") ||
		    is_op(x, k, ".") || is_op(x, k, "*") || is_op(x, k, "<-")) {
			k++;
			continue;
		}
		break;
	}
	*after = k;
	return GE_GOX_NONE;
}

/* A func literal at k ("func"): its body's '{' or GE_GOX_NONE. */
static uint32_t func_lit_body(const ge_gostmt_file *x, uint32_t k, uint32_t end, uint32_t *after)
{
	uint32_t j = k + 1;
	if (!is_op(x, j, "(") || x->toks[j].match == GE_GOX_NONE || x->toks[j].match >= end) {
		*after = j;
		return GE_GOX_NONE;
	}
	return body_after_params(x, x->toks[j].match + 1, end, after);
}

static void parse_block(pctx *p, uint32_t open);

static void mark_block(ge_gostmt_file *x, uint32_t open)
{
	x->toks[open].flags |= GE_TOKF_BLOCK;
	if (x->toks[open].match != GE_GOX_NONE)
		x->toks[x->toks[open].match].flags |= GE_TOKF_BLOCK;
}

/* Find the func literals in tokens [first, last] and parse their bodies. */
static void parse_exprs(pctx *p, uint32_t first, uint32_t last)
{
	ge_gostmt_file *x = p->x;
	uint32_t j = first;
	while (j <= last && j < x->ntoks && !p->rc) {
		if (is_kw(x, j, "func")) {
			uint32_t after, body = func_lit_body(x, j, last + 1, &after);
			if (body != GE_GOX_NONE) {
				parse_block(p, body);
				j = x->toks[body].match + 1;
			} else {
				j = after > j ? after : j + 1;
			}
			continue;
		}
		j++;
	}
}

/*
 * In the header of an if/for/switch, is the '{' at k a composite literal?
 * Go's own rule: only when what precedes it is an array, slice, map or
 * struct type; a name, selector or index expression is followed by the body.
 */
static int header_literal(const ge_gostmt_file *x, uint32_t k)
{
	uint32_t q, first = GE_GOX_NONE;
	if (k == 0)
		return 0;
	q = k - 1;
	if (is_op(x, q, "}")) {
		uint32_t m = x->toks[q].match;
		return m != GE_GOX_NONE && m > 0 &&
		       (is_kw(x, m - 1, "struct") || is_kw(x, m - 1, "interface"));
	}
	for (;;) {
		if (x->toks[q].kind == GE_TOK_IDENT || is_kw(x, q, "map") || is_kw(x, q, "chan") ||
		    is_op(x, q, ".") || is_op(x, q, "*")) {
			first = q;
		} else if (is_op(x, q, "]") && x->toks[q].match != GE_GOX_NONE) {
			first = q = x->toks[q].match;
		} else {
			break;
		}
		if (q == 0)
			break;
		q--;
	}
	return first != GE_GOX_NONE && (is_op(x, first, "[") || is_kw(x, first, "map"));
}

/* The body of an if/for/switch/select at i (the keyword); returns its last token. */
static uint32_t compound_rest(pctx *p, uint32_t i, uint32_t end)
{
	ge_gostmt_file *x = p->x;
	uint32_t k = i + 1, body = GE_GOX_NONE, last;
	while (k < end && !p->rc) {
		if (x->toks[k].kind == GE_TOK_SEMI && is_kw(x, i, "if") == 0 &&
		    is_kw(x, i, "for") == 0 && is_kw(x, i, "switch") == 0)
			break;
		if (is_kw(x, k, "func")) {
			uint32_t after, b = func_lit_body(x, k, end, &after);
			k = b != GE_GOX_NONE ? x->toks[b].match + 1 : (after > k ? after : k + 1);
			continue;
		}
		if (is_op(x, k, "{")) {
			if (header_literal(x, k)) {
				k = skip(x, k, end);
				continue;
			}
			body = k;
			break;
		}
		if (is_op(x, k, "(") || is_op(x, k, "[")) {
			k = skip(x, k, end);
			continue;
		}
		k++;
	}
	if (body == GE_GOX_NONE || x->toks[body].match == GE_GOX_NONE ||
	    x->toks[body].match >= end) {
		last = k > i + 1 ? k - 1 : i;
		parse_exprs(p, i + 1, last);
		return last;
	}
	if (body > i + 1)
		parse_exprs(p, i + 1, body - 1);
	parse_block(p, body);
	last = x->toks[body].match;
	if (is_kw(x, i, "if") && is_kw(x, last + 1, "else")) {
		if (is_kw(x, last + 2, "if"))
			return compound_rest(p, last + 2, end);
		if (is_op(x, last + 2, "{") && x->toks[last + 2].match != GE_GOX_NONE &&
		    x->toks[last + 2].match < end) {
			parse_block(p, last + 2);
			return x->toks[last + 2].match;
		}
	}
	return last;
}

static void parse_block(pctx *p, uint32_t open)
{
	ge_gostmt_file *x = p->x;
	uint32_t i, end = x->toks[open].match;
	if (end == GE_GOX_NONE || p->depth >= MAX_DEPTH)
		return;
	p->depth++;
	mark_block(x, open);
	i = open + 1;
	while (i < end && !p->rc) {
		uint32_t k, s;
		if (x->toks[i].kind == GE_TOK_SEMI) {
			i++;
			continue;
		}
		if (is_kw(x, i, "case") || is_kw(x, i, "default")) {
			for (k = i; k < end && !is_op(x, k, ":");)
				k = skip(x, k, end);
			add_stmt(p, i, k < end ? k : end - 1, open, GE_STMT_CLAUSE);
			if (k > i + 1)
				parse_exprs(p, i + 1, k - 1);
			i = k + 1;
			continue;
		}
		if (x->toks[i].kind == GE_TOK_IDENT && is_op(x, i + 1, ":") && i + 1 < end) {
			i += 2; /* a label: the statement follows */
			continue;
		}
		if (is_kw(x, i, "if") || is_kw(x, i, "for") || is_kw(x, i, "switch") ||
		    is_kw(x, i, "select")) {
			s = add_stmt(p, i, i, open, GE_STMT_COMPOUND);
			k = compound_rest(p, i, end);
			if (s != GE_GOX_NONE)
				x->stmts[s].last = k;
			i = k + 1;
			continue;
		}
		if (is_op(x, i, "{") && x->toks[i].match != GE_GOX_NONE && x->toks[i].match < end) {
			add_stmt(p, i, x->toks[i].match, open, GE_STMT_COMPOUND);
			parse_block(p, i);
			i = x->toks[i].match + 1;
			continue;
		}
		for (k = i; k < end && x->toks[k].kind != GE_TOK_SEMI;)
			k = skip(x, k, end);
		add_stmt(p, i, k - 1, open, GE_STMT_SIMPLE);
		parse_exprs(p, i, k - 1);
		i = k;
	}
	p->depth--;
}

static int add_import(ge_gostmt_file *x, size_t *cap, uint32_t decl_first, uint32_t first,
                      uint32_t last, int grouped)
{
	ge_goimport *im;
	uint32_t path = last;
	const ge_gotok *t;
	if (x->toks[path].kind != GE_TOK_STRING || (last != first && last != first + 1))
		return 0;
	if (x->nimports == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		ge_goimport *ni = realloc(x->imports, nc * sizeof(*ni));
		if (!ni)
			return ge_error_set(GE_ENOMEM, "out of memory");
		x->imports = ni;
		*cap = nc;
	}
	t = &x->toks[path];
	im = &x->imports[x->nimports];
	memset(im, 0, sizeof(*im));
	im->decl_first = decl_first;
	im->spec_first = first;
	im->spec_last = last;
	im->name = last == first + 1 ? first : GE_GOX_NONE;
	im->grouped = grouped;
	if (t->len < 2)
		return 0;
	if (!(im->path = ge_strndup(x->src + t->off + 1, t->len - 2)))
		return ge_error_set(GE_ENOMEM, "out of memory");
	if (im->name != GE_GOX_NONE &&
	    !(im->alias = ge_strndup(x->src + x->toks[first].off, x->toks[first].len))) {
		free(im->path);
		return ge_error_set(GE_ENOMEM, "out of memory");
	}
	x->nimports++;
	return 0;
}

static int parse_imports(ge_gostmt_file *x, uint32_t i, uint32_t last)
{
	size_t first_new = x->nimports, j;
	size_t cap = first_new;
	int rc = 0;
	if (is_op(x, i + 1, "(") && x->toks[i + 1].match != GE_GOX_NONE) {
		uint32_t k = i + 2, end = x->toks[i + 1].match;
		while (k < end && rc == 0) {
			uint32_t s = k;
			if (x->toks[k].kind == GE_TOK_SEMI) {
				k++;
				continue;
			}
			while (k < end && x->toks[k].kind != GE_TOK_SEMI)
				k++;
			rc = add_import(x, &cap, i, s, k - 1, 1);
		}
	} else if (i + 1 <= last) {
		rc = add_import(x, &cap, i, i + 1, last, 0);
	}
	for (j = first_new; j < x->nimports; j++)
		x->imports[j].decl_last = last;
	return rc;
}

static int parse_file(ge_gostmt_file *x)
{
	pctx p;
	uint32_t i = 0, n = (uint32_t)x->ntoks;
	size_t s;
	memset(&p, 0, sizeof(p));
	p.x = x;
	while (i < n && !p.rc) {
		uint32_t k, last, body = GE_GOX_NONE;
		if (x->toks[i].kind == GE_TOK_SEMI) {
			i++;
			continue;
		}
		if (is_kw(x, i, "func")) {
			uint32_t after;
			k = i + 1;
			if (is_op(x, k, "("))
				k = skip(x, k, n);
			if (k < n && x->toks[k].kind == GE_TOK_IDENT)
				k++;
			if (is_op(x, k, "["))
				k = skip(x, k, n);
			if (is_op(x, k, "("))
				k = skip(x, k, n);
			body = body_after_params(x, k, n, &after);
			if (body != GE_GOX_NONE) {
				last = x->toks[body].match;
			} else {
				for (last = after; last < n && x->toks[last].kind != GE_TOK_SEMI;)
					last = skip(x, last, n);
				last = last > i ? last - 1 : i;
			}
		} else {
			for (k = i; k < n && x->toks[k].kind != GE_TOK_SEMI;)
				k = skip(x, k, n);
			last = k > i ? k - 1 : i;
		}
		p.decl_first = i;
		p.decl_last = last;
		add_stmt(&p, i, last, GE_GOX_NONE, GE_STMT_DECL);
		if (body != GE_GOX_NONE)
			parse_block(&p, body);
		else if (is_kw(x, i, "import"))
			p.rc = parse_imports(x, i, last);
		else
			parse_exprs(&p, i, last);
		i = last + 1;
	}
	if (p.rc)
		return p.rc;
	/* Statements were recorded outer first: the innermost one wins. */
	for (s = 0; s < x->nstmts; s++) {
		uint32_t t;
		for (t = x->stmts[s].first; t <= x->stmts[s].last && t < n; t++)
			x->toks[t].stmt = (uint32_t)s;
	}
	return 0;
}

/* gostmt's kind for a golex kind; illegal characters count as operators. */
static ge_gotok_kind coarse_kind(int k)
{
	if (k == GE_GOLEX_IDENT)
		return GE_TOK_IDENT;
	if (ge_golex_is_keyword(k))
		return GE_TOK_KEYWORD;
	switch (k) {
	case GE_GOLEX_INT:
	case GE_GOLEX_FLOAT:
	case GE_GOLEX_IMAG:
		return GE_TOK_NUMBER;
	case GE_GOLEX_CHAR:
		return GE_TOK_CHAR;
	case GE_GOLEX_STRING:
		return GE_TOK_STRING;
	case GE_GOLEX_SEMICOLON:
		return GE_TOK_SEMI;
	default:
		return GE_TOK_OP;
	}
}

/* Copy golex's tokens (all but EOF) and take its line table.  A bracket
 * golex closed implicitly, or a stray one, has no partner here. */
static int take_tokens(ge_gostmt_file *x, ge_golex *lx)
{
	uint32_t i, n = lx->ntoks - 1, nlines;
	x->toks = malloc(((size_t)n + 1) * sizeof(*x->toks));
	if (!x->toks)
		return ge_error_set(GE_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		const ge_golex_tok *g = &lx->toks[i];
		ge_gotok *t = &x->toks[i];
		t->off = g->off;
		t->len = g->len;
		t->line = g->line;
		t->col = g->col;
		t->match = g->flags & GE_GOLEX_F_UNPAIRED ? GE_GOX_NONE : g->match;
		t->stmt = GE_GOX_NONE;
		t->kind = (uint8_t)coarse_kind(g->kind);
		t->flags = 0;
	}
	x->ntoks = n;
	x->lines = ge_golex_take_lines(lx, &nlines);
	x->nlines = nlines;
	return 0;
}

int ge_gostmt_parse(ge_gostmt_file **out, const char *src, size_t len)
{
	ge_golex lx = GE_GOLEX_INIT;
	ge_gostmt_file *x;
	int rc;
	*out = NULL;
	if (len >= UINT32_MAX / 2)
		return ge_error_set(GE_EBADINPUT, "Go source too large");
	if (!(x = calloc(1, sizeof(*x))))
		return ge_error_set(GE_ENOMEM, "out of memory");
	if (!(x->src = malloc(len + 1))) {
		free(x);
		return ge_error_set(GE_ENOMEM, "out of memory");
	}
	if (len)
		memcpy(x->src, src, len);
	x->src[len] = '\0';
	x->len = len;
	if ((rc = ge_golex_scan(&lx, x->src, len)) < 0 || (rc = take_tokens(x, &lx)) < 0 ||
	    (rc = parse_file(x)) < 0)
		goto fail;
	ge_golex_release(&lx);
	*out = x;
	return 0;
fail:
	ge_golex_release(&lx);
	ge_gostmt_free(x);
	return rc;
}

void ge_gostmt_free(ge_gostmt_file *x)
{
	size_t i;
	if (!x)
		return;
	for (i = 0; i < x->nimports; i++) {
		free(x->imports[i].path);
		free(x->imports[i].alias);
	}
	free(x->imports);
	free(x->stmts);
	free(x->toks);
	free(x->lines);
	free(x->src);
	free(x);
}

size_t ge_gostmt_offset(const ge_gostmt_file *x, uint32_t line, uint32_t col)
{
	size_t off;
	if (line == 0 || line > x->nlines)
		return x->len;
	off = x->lines[line - 1] + (col ? col - 1 : 0);
	return off > x->len ? x->len : off;
}

uint32_t ge_gostmt_line_of(const ge_gostmt_file *x, size_t off)
{
	size_t lo = 0, hi = x->nlines;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (x->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return (uint32_t)lo + 1;
}

const char *ge_gostmt_import_name(const ge_gostmt_file *x, const char *path, size_t *imp)
{
	size_t i;
	for (i = 0; i < x->nimports; i++) {
		const ge_goimport *im = &x->imports[i];
		const char *slash;
		if (strcmp(im->path, path) != 0)
			continue;
		if (im->alias) {
			if (strcmp(im->alias, "_") == 0 || strcmp(im->alias, ".") == 0)
				continue;
			if (imp)
				*imp = i;
			return im->alias;
		}
		if (imp)
			*imp = i;
		slash = strrchr(im->path, '/');
		return slash ? slash + 1 : im->path;
	}
	return NULL;
}

static int ident_is(const ge_gostmt_file *x, uint32_t i, const char *name, size_t n)
{
	return x->toks[i].kind == GE_TOK_IDENT && x->toks[i].len == n &&
	       memcmp(x->src + x->toks[i].off, name, n) == 0;
}

int ge_gostmt_shadowed(const ge_gostmt_file *x, uint32_t first, uint32_t last, const char *name)
{
	size_t n = strlen(name);
	uint32_t i;
	for (i = first; i <= last && i < x->ntoks; i++) {
		if (!ident_is(x, i, name, n))
			continue;
		if (i > 0 && is_op(x, i - 1, "."))
			continue; /* x.name: a field or method */
		if (is_op(x, i + 1, "."))
			continue; /* name.X: the package */
		return 1;
	}
	return 0;
}

int ge_gostmt_uses_ident(const ge_gostmt_file *x, uint32_t first, uint32_t last, const char *name)
{
	size_t n = strlen(name);
	uint32_t i;
	for (i = first; i <= last && i < x->ntoks; i++)
		if (ident_is(x, i, name, n))
			return 1;
	return 0;
}

size_t ge_gostmt_qualifier_uses(const ge_gostmt_file *x, const char *name, const uint32_t *skip_off,
                                const uint32_t *skip_end, size_t nskip)
{
	size_t n = strlen(name), count = 0, k;
	uint32_t i;
	for (i = 0; i < x->ntoks; i++) {
		int skipped = 0;
		if (!ident_is(x, i, name, n) || !is_op(x, i + 1, ".") ||
		    (i > 0 && is_op(x, i - 1, ".")))
			continue;
		for (k = 0; k < nskip; k++)
			if (x->toks[i].off >= skip_off[k] && x->toks[i].off < skip_end[k])
				skipped = 1;
		count += !skipped;
	}
	return count;
}

int ge_gostmt_stmt_own_line(const ge_gostmt_file *x, uint32_t s)
{
	const ge_stmt *st;
	uint32_t off, ls;
	if (s >= x->nstmts)
		return 0;
	st = &x->stmts[s];
	if (st->block == GE_GOX_NONE || st->kind == GE_STMT_CLAUSE)
		return 0;
	off = x->toks[st->first].off;
	ls = x->lines[ge_gostmt_line_of(x, off) - 1];
	for (; ls < off; ls++)
		if (x->src[ls] != ' ' && x->src[ls] != '\t')
			return 0;
	return 1;
}

const char *ge_gostmt_indent(const ge_gostmt_file *x, size_t off, size_t *len)
{
	uint32_t ls = x->lines[ge_gostmt_line_of(x, off) - 1], e = ls;
	while (e < x->len && (x->src[e] == ' ' || x->src[e] == '\t'))
		e++;
	*len = e - ls;
	return x->src + ls;
}

int ge_gostmt_decl_generic(const ge_gostmt_file *x, uint32_t decl_first)
{
	uint32_t k = decl_first + 1, i;
	if (!is_kw(x, decl_first, "func"))
		return 0;
	if (is_op(x, k, "(") && x->toks[k].match != GE_GOX_NONE) {
		for (i = k; i < x->toks[k].match; i++)
			if (is_op(x, i, "["))
				return 1;
		k = x->toks[k].match + 1;
	}
	if (k < x->ntoks && x->toks[k].kind == GE_TOK_IDENT)
		k++;
	return is_op(x, k, "[");
}
