/*
 * lib/asserts: the directives of a file (see asserts.h): which comments are
 * directives, the line each annotates, the calls on an inline statement and
 * the declarations a function-level inline names.
 */
#include "asserts_int.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the directives of a file ---- */

static int is_builtin(const char *s, size_t n)
{
	static const char *const names[] = {
	    "append",     "cap",     "clear",   "close",   "complex",    "copy",  "delete",
	    "imag",       "len",     "make",    "max",     "min",        "new",   "panic",
	    "print",      "println", "real",    "recover", "bool",       "byte",  "complex64",
	    "complex128", "error",   "float32", "float64", "int",        "int8",  "int16",
	    "int32",      "int64",   "rune",    "string",  "uint",       "uint8", "uint16",
	    "uint32",     "uint64",  "uintptr", "any",     "comparable", NULL};
	size_t i;
	for (i = 0; names[i]; i++)
		if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
			return 1;
	return 0;
}

int ge_assert__tok_is(const ge_golex *lx, uint32_t t, const char *s)
{
	size_t n = strlen(s);
	return lx->toks[t].kind == GE_GOLEX_IDENT && lx->toks[t].len == n &&
	       memcmp(lx->src + lx->toks[t].off, s, n) == 0;
}

/* The type names a package declares ("type T", and each spec of "type ( ... )"). */
static int collect_types(apkg *p, const ge_golex *lx)
{
	size_t cap = p->ntypes;
	uint32_t t;
	for (t = 0; t + 1 < lx->ntoks; t++) {
		uint32_t u, end;
		if (lx->toks[t].kind != GE_GOLEX_TYPE)
			continue;
		u = t + 1;
		end = u + 1;
		if (lx->toks[u].kind == GE_GOLEX_LPAREN && lx->toks[u].match != GE_GOLEX_NONE) {
			end = lx->toks[u].match;
			u++;
		}
		for (; u < end && u < lx->ntoks; u++) {
			const ge_golex_tok *k = &lx->toks[u];
			int start = u == t + 1 || lx->toks[u - 1].kind == GE_GOLEX_LPAREN ||
			            lx->toks[u - 1].kind == GE_GOLEX_SEMICOLON;
			if (k->kind != GE_GOLEX_IDENT || !start)
				continue;
			if (p->ntypes == cap) {
				size_t nc = cap ? cap * 2 : 8;
				char **nv = realloc(p->types, nc * sizeof(*nv));
				if (!nv)
					return oom();
				p->types = nv;
				cap = nc;
			}
			if (!(p->types[p->ntypes] = ge_strndup(lx->src + k->off, k->len)))
				return oom();
			p->ntypes++;
		}
	}
	return 0;
}

static int is_type(const apkg *p, const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < p->ntypes; i++)
		if (strlen(p->types[i]) == n && memcmp(p->types[i], s, n) == 0)
			return 1;
	return 0;
}

int ge_assert__read_file(const state *s, ge_buf *out, const char *path)
{
	ge_gopkg_source src;
	if (s->o->src)
		return s->o->src->read(s->o->src->ud, path, 0, out);
	ge_gopkg_source_worktree(&src);
	return src.read(src.ud, path, 0, out);
}

/* Lex every file of p for its type names, once. */
static int pkg_types(state *s, apkg *p)
{
	size_t i;
	int rc = 0;
	(void)s;
	if (p->types_done)
		return 0;
	p->types_done = 1;
	for (i = 0; i < p->nfiles && rc == 0; i++) {
		ge_buf b = GE_BUF_INIT;
		ge_golex lx = GE_GOLEX_INIT;
		char *path = ge_path_join(p->dir, p->files[i]);
		if (!path)
			return oom();
		rc = ge_assert__read_file(s, &b, path);
		free(path);
		if (rc == 0 && (rc = ge_golex_scan(&lx, ge_buf_cstr(&b), b.len)) == 0)
			rc = collect_types(p, &lx);
		ge_golex_release(&lx);
		ge_buf_release(&b);
	}
	return rc;
}

/* Is token t (an IDENT followed by '(') a call, not a declaration's name or a conversion? */
int ge_assert__is_call(const ge_golex *lx, uint32_t t, const apkg *p)
{
	const ge_golex_tok *k = &lx->toks[t];
	if (k->kind != GE_GOLEX_IDENT || t + 1 >= lx->ntoks ||
	    lx->toks[t + 1].kind != GE_GOLEX_LPAREN)
		return 0;
	if (t > 0) {
		const ge_golex_tok *pv = &lx->toks[t - 1];
		if (pv->kind == GE_GOLEX_FUNC || pv->kind == GE_GOLEX_RBRACK)
			return 0;
		/* func (r T) M( : the name of a method */
		if (pv->kind == GE_GOLEX_RPAREN && pv->match != GE_GOLEX_NONE && pv->match > 0 &&
		    lx->toks[pv->match - 1].kind == GE_GOLEX_FUNC)
			return 0;
		if (pv->kind == GE_GOLEX_PERIOD)
			return 1; /* x.F( : a qualified call or a method (pkg.T(x) taken for one) */
	}
	return !is_builtin(lx->src + k->off, k->len) && !is_type(p, lx->src + k->off, k->len);
}

static int add_calls(state *s, aassert *a, const ge_golex *lx, apkg *p)
{
	uint32_t t;
	size_t cap = 0;
	int rc;
	if ((rc = pkg_types(s, p)) < 0)
		return rc;
	for (t = 0; t < lx->ntoks; t++) {
		const ge_golex_tok *k = &lx->toks[t];
		ge_buf disp = GE_BUF_INIT;
		if (k->line != a->target || !ge_assert__is_call(lx, t, p))
			continue;
		if (t >= 2 && lx->toks[t - 1].kind == GE_GOLEX_PERIOD &&
		    lx->toks[t - 2].kind == GE_GOLEX_IDENT)
			rc = ge_buf_printf(&disp, "%.*s.", (int)lx->toks[t - 2].len,
			                   lx->src + lx->toks[t - 2].off);
		if (rc < 0 || ge_buf_put(&disp, lx->src + k->off, k->len) < 0)
			return oom();
		if (a->ncalls == cap) {
			size_t nc = cap ? cap * 2 : 4;
			acall *nv = realloc(a->calls, nc * sizeof(*nv));
			if (!nv) {
				ge_buf_release(&disp);
				return oom();
			}
			a->calls = nv;
			cap = nc;
		}
		a->calls[a->ncalls].display = ge_buf_detach(&disp);
		a->calls[a->ncalls].name = ge_strndup(lx->src + k->off, k->len);
		if (!a->calls[a->ncalls].display || !a->calls[a->ncalls].name)
			return oom();
		a->ncalls++;
	}
	return 0;
}

/* A function declaration's name (and receiver type) at line. */
static int decl_name(aassert *a, const ge_golex *lx)
{
	uint32_t t;
	for (t = 0; t + 1 < lx->ntoks; t++) {
		const ge_golex_tok *k = &lx->toks[t];
		uint32_t u;
		if (k->line != a->target || k->kind != GE_GOLEX_FUNC)
			continue;
		u = t + 1;
		if (lx->toks[u].kind == GE_GOLEX_LPAREN && lx->toks[u].match != GE_GOLEX_NONE) {
			uint32_t r, close = lx->toks[u].match;
			for (r = u + 1; r < close; r++)
				if (lx->toks[r].kind == GE_GOLEX_IDENT && !a->recv &&
				    (lx->toks[r + 1].kind == GE_GOLEX_RPAREN ||
				     lx->toks[r + 1].kind == GE_GOLEX_LBRACK))
					a->recv =
					    ge_strndup(lx->src + lx->toks[r].off, lx->toks[r].len);
			a->method = 1;
			u = close + 1;
		}
		if (u < lx->ntoks && lx->toks[u].kind == GE_GOLEX_IDENT)
			a->fname = ge_strndup(lx->src + lx->toks[u].off, lx->toks[u].len);
		return a->fname ? 0 : oom();
	}
	return 0;
}

static int add_bad(state *s, size_t fi, const ge_gopkg_directive *d, const char *reason)
{
	aassert a;
	memset(&a, 0, sizeof(a));
	a.dline = d->line;
	a.dcol = d->col;
	s->res->nassertions++;
	return ge_assert__add_violation(s, GE_ASSERT_BAD, &s->files[fi], d->line, &s->files[fi], &a,
	                                d->trailing ? d->col : 0, reason);
}

static int file_directives(state *s, size_t fi)
{
	afile *f = &s->files[fi];
	apkg *p = &s->pkgs[f->pkg];
	ge_golex lx = GE_GOLEX_INIT;
	ge_gopkg_directive *dv = NULL;
	size_t n = 0, i;
	int rc;
	if ((rc = ge_golex_scan(&lx, ge_buf_cstr(&f->src), f->src.len)) < 0)
		return rc;
	if (!p->name && lx.ntoks > 1 && lx.toks[0].kind == GE_GOLEX_PACKAGE &&
	    lx.toks[1].kind == GE_GOLEX_IDENT &&
	    !(p->name = ge_strndup(lx.src + lx.toks[1].off, lx.toks[1].len))) {
		rc = oom();
		goto done;
	}
	if ((rc = ge_gopkg_directives(&dv, &n, &lx)) < 0)
		goto done;
	/* The line table now: violations quote lines of this file. */
	if (!(f->lines = ge_golex_take_lines(&lx, &f->nlines))) {
		rc = oom();
		goto done;
	}
	for (i = 0; i < n && rc == 0; i++) {
		const ge_gopkg_directive *d = &dv[i];
		const char *l = d->list, *e = d->list + d->list_len;
		if (!d->target) {
			rc = add_bad(s, fi, d,
			             "directive is not directly above a statement or declaration");
			continue;
		}
		if (l == e) {
			rc = add_bad(s, fi, d, "empty directive");
			continue;
		}
		while (l <= e && rc == 0) {
			const char *c = memchr(l, ',', (size_t)(e - l));
			const char *ne = c ? c : e, *b = l;
			ge_assert_kind k = GE_ASSERT_BAD;
			aassert a;
			while (b < ne && (*b == ' ' || *b == '\t'))
				b++;
			while (ne > b && (ne[-1] == ' ' || ne[-1] == '\t'))
				ne--;
			l = c ? c + 1 : e + 1;
			if ((size_t)(ne - b) == 8 && memcmp(b, "noescape", 8) == 0)
				k = GE_ASSERT_NOESCAPE;
			else if ((size_t)(ne - b) == 6 && memcmp(b, "inline", 6) == 0)
				k = GE_ASSERT_INLINE;
			else if ((size_t)(ne - b) == 3 && memcmp(b, "bce", 3) == 0)
				k = GE_ASSERT_BCE;
			else if (!d->gcassert && (size_t)(ne - b) == 6 &&
			         memcmp(b, "ignore", 6) == 0)
				continue; /* //goescape:ignore,... : the filter's, not an assertion
				           */
			if (k == GE_ASSERT_BAD) {
				/* The repository's text: quoted (control bytes as \xNN). */
				ge_buf msg = GE_BUF_INIT;
				char q[GE_QUOTE_BUF], *name = ge_strndup(b, (size_t)(ne - b));
				if (!name || ge_buf_printf(&msg, "unknown directive \"%s\"",
				                           ge_quoted(q, name)) < 0)
					rc = oom();
				else
					rc = add_bad(s, fi, d, ge_buf_cstr(&msg));
				free(name);
				ge_buf_release(&msg);
				continue;
			}
			s->res->nassertions++;
			if (s->o->off[k])
				continue;
			memset(&a, 0, sizeof(a));
			a.kind = k;
			a.file = fi;
			a.target = d->target;
			a.dline = d->line;
			a.dcol = d->col;
			a.cut = d->trailing ? d->col : 0;
			a.decl = d->decl;
			if (k == GE_ASSERT_BCE)
				p->has_bce = 1;
			if (k == GE_ASSERT_INLINE && a.decl)
				rc = decl_name(&a, &lx);
			else if (k == GE_ASSERT_INLINE)
				rc = add_calls(s, &a, &lx, p);
			if (rc == 0 && GROW(s->as, s->nas, s->as_cap) < 0)
				rc = GE_ENOMEM;
			if (rc < 0) {
				size_t j;
				free(a.fname);
				free(a.recv);
				for (j = 0; j < a.ncalls; j++) {
					free(a.calls[j].name);
					free(a.calls[j].display);
				}
				free(a.calls);
				break;
			}
			s->as[s->nas++] = a;
		}
	}
done:
	free(dv);
	ge_golex_release(&lx);
	return rc;
}

/* Read every compiled file of the packages found; lex those that may hold directives. */
int ge_assert__find_directives(state *s)
{
	size_t i, j;
	int rc = 0;
	for (i = 0; i < s->npkgs && rc == 0; i++) {
		apkg *p = &s->pkgs[i];
		for (j = 0; j < p->nfiles && rc == 0; j++) {
			afile f;
			memset(&f, 0, sizeof(f));
			if (!(f.path = ge_path_join(p->dir, p->files[j])))
				return oom();
			if ((rc = ge_assert__read_file(s, &f.src, f.path)) < 0 ||
			    !ge_gopkg_may_have_directives(ge_buf_cstr(&f.src), f.src.len)) {
				free(f.path);
				ge_buf_release(&f.src);
				if (rc == GE_ENOTFOUND)
					rc = 0;
				continue;
			}
			f.pkg = i;
			f.rel = ge_strdup(ge_path_within(f.path, s->top)
			                      ? ge_path_within(f.path, s->top)
			                      : f.path);
			if (!f.rel || GROW(s->files, s->nfiles, s->files_cap) < 0) {
				free(f.rel);
				free(f.path);
				ge_buf_release(&f.src);
				return oom();
			}
			s->files[s->nfiles++] = f;
			rc = file_directives(s, s->nfiles - 1);
		}
	}
	s->res->nfiles = s->nfiles;
	return rc;
}
