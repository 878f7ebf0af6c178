/*
 * suggest's files: each file a rewrite may touch, read through a gopkg view
 * (the work tree's package view per directory, a one-file text view for a
 * caller's text, the overlay for a round's gofmt'd file), with its statement
 * view, its imports of strconv and fmt and whether it is generated.  Names
 * of functions come from the base report (package-wide, as the compiler's).
 */
#include "suggest_int.h"

void ge_suggest__sfile_release(sfile *f)
{
	free(f->rel);
	free(f->abs);
	free(f->pkg);
	ge_gopkg_free(f->own);
	if (f->own_text)
		free((char *)f->own_text->text);
	free(f->own_text);
	free(f->round_text);
	free(f->backing);
}

void ge_suggest__views_free(sctx *s)
{
	size_t i;
	for (i = 0; i < s->nviews; i++) {
		free(s->views[i].dir);
		ge_gopkg_free(s->views[i].p);
	}
	free(s->views);
	s->views = NULL;
	s->nviews = 0;
}

/* Read and scan one file; its imports decide the names rules look for. */
/* Go's convention for generated files, looked for before the package clause. */
static int is_generated(const char *t, size_t len)
{
	size_t ls = 0;
	while (ls < len) {
		size_t le = ls;
		while (le < len && t[le] != '\n')
			le++;
		if (le - ls >= 8 && memcmp(t + ls, "package ", 8) == 0)
			return 0;
		size_t end = le > ls && t[le - 1] == '\r' ? le - 1 : le;
		if (end - ls >= 30 && memcmp(t + ls, "// Code generated ", 18) == 0 &&
		    memcmp(t + end - 12, "DO NOT EDIT.", 12) == 0)
			return 1;
		ls = le + 1;
	}
	return 0;
}

/* Is path imported with "."? */
static int dot_import(const ge_gostmt_file *x, const char *path)
{
	size_t i;
	for (i = 0; i < x->nimports; i++)
		if (x->imports[i].alias && strcmp(x->imports[i].alias, ".") == 0 &&
		    strcmp(x->imports[i].path, path) == 0)
			return 1;
	return 0;
}

/* Take f's text and statements from pf; its imports decide the names rules look for. */
static int sfile_take(sfile *f, ge_gopkg_file *pf)
{
	const char *n;
	int rc;
	f->pf = pf;
	f->text = ge_gopkg_text(pf, &f->len);
	if ((rc = ge_gopkg_gostmt(&f->x, pf)) < 0)
		return rc;
	f->generated = is_generated(f->text, f->len);
	f->fmt_name = ge_gostmt_import_name(f->x, "fmt", NULL);
	n = ge_gostmt_import_name(f->x, "strconv", NULL);
	f->sc_imported = n != NULL;
	f->sc_name = n ? n : "strconv";
	f->sc_dot = !n && dot_import(f->x, "strconv");
	return 0;
}

/* A text of the caller's (owned by f from now on), at f->abs, through a
 * one-file view of it alone. */
int ge_suggest__sfile_scan(sfile *f, char *text, size_t len)
{
	ge_gopkg_source src;
	ge_gopkg_file *pf;
	char *slash;
	int rc;
	if (!text && !(text = ge_strdup("")))
		return oom();
	if (!(f->own_text = calloc(1, sizeof(*f->own_text)))) {
		free(text);
		return oom();
	}
	f->own_text->path = f->abs;
	f->own_text->text = text;
	f->own_text->len = len;
	ge_gopkg_source_text(&src, f->own_text);
	if (!(slash = strrchr(f->abs, '/')))
		return ge_error_set(GE_EUSAGE, "'%s' is not an absolute path", f->abs);
	*slash = 0;
	rc = ge_gopkg_open_files(&f->own, *f->abs ? f->abs : "/", &src);
	*slash = '/';
	if (rc < 0 || (rc = ge_gopkg_get(&pf, f->own, slash + 1)) < 0)
		return rc;
	return sfile_take(f, pf);
}

/*
 * The work tree's view of dir (absolute), opened at its first use: a
 * one-file view, which reads nothing but the files asked for (the files
 * with heap diagnostics).  Names come from the report (ge_suggest__func_at),
 * whose attribution numbered them package-wide already.
 */
static int view_of(ge_gopkg **out, sctx *s, const char *dir)
{
	ge_gopkg_source src;
	ge_gopkg *p = NULL;
	sview *nv;
	size_t i;
	int rc;
	for (i = 0; i < s->nviews; i++)
		if (strcmp(s->views[i].dir, dir) == 0) {
			*out = s->views[i].p;
			return 0;
		}
	ge_gopkg_source_worktree(&src);
	rc = ge_gopkg_open_files(&p, dir, &src);
	if (rc < 0)
		return rc;
	if (!(nv = realloc(s->views, (s->nviews + 1) * sizeof(*nv)))) {
		ge_gopkg_free(p);
		return oom();
	}
	s->views = nv;
	nv = &s->views[s->nviews];
	if (!(nv->dir = ge_strdup(dir))) {
		ge_gopkg_free(p);
		return oom();
	}
	nv->p = p;
	s->nviews++;
	*out = p;
	return 0;
}

/* Read f (rel, of package pkg) through its package's view: only the files
 * asked for are read whole (docs/GOPKG.md). */
int ge_suggest__sfile_load(sctx *s, sfile *f, const char *rel, const char *pkg)
{
	ge_gopkg *view = NULL;
	ge_gopkg_file *pf;
	char *slash;
	int rc;
	memset(f, 0, sizeof(*f));
	f->gofmt_clean = -1;
	if (!(f->rel = ge_strdup(rel)) || !(f->pkg = ge_strdup(pkg)) ||
	    !(f->abs = ge_path_join(s->top, rel)))
		return oom();
	if (!(slash = strrchr(f->abs, '/')))
		return ge_error_set(GE_EUSAGE, "'%s' is not an absolute path", f->abs);
	*slash = 0;
	rc = view_of(&view, s, *f->abs ? f->abs : "/");
	*slash = '/';
	if (rc < 0 || (rc = ge_gopkg_get(&pf, view, slash + 1)) < 0)
		return rc;
	return sfile_take(f, pf);
}

int ge_suggest__round_read(ge_buf *out, const sfile *f, const char *backing)
{
	char *const real[1] = {f->abs}, *const back[1] = {(char *)backing};
	ge_gopkg_overlay ov = {real, back, 1};
	ge_gopkg_source src;
	ge_gopkg *view = NULL;
	ge_gopkg_file *pf;
	const char *slash = strrchr(f->abs, '/'), *t;
	char *dir;
	size_t n;
	int rc;
	if (!slash)
		return ge_error_set(GE_EUSAGE, "'%s' is not an absolute path", f->abs);
	if (!(dir = slash > f->abs ? ge_strndup(f->abs, (size_t)(slash - f->abs)) : ge_strdup("/")))
		return oom();
	ge_gopkg_source_overlay(&src, &ov);
	if ((rc = ge_gopkg_open_files(&view, dir, &src)) == 0 &&
	    (rc = ge_gopkg_get(&pf, view, slash + 1)) == 0) {
		t = ge_gopkg_text(pf, &n);
		rc = ge_buf_put(out, t, n);
	}
	ge_gopkg_free(view);
	free(dir);
	return rc;
}

int ge_suggest__func_at(char **out, const sctx *s, const cand *c)
{
	const sfile *f = &s->files[c->file];
	const ge_gotok *t = &f->x->toks[c->first];
	const char *name = NULL;
	size_t i;
	*out = NULL;
	/* The base report's name of a heap diagnostic on the expression, else
	 * on its lines: attribution's, package-wide as the compiler's. */
	for (i = 0; s->base && i < s->base->ndiags; i++) {
		const ge_diag *d = &s->base->diags[i];
		size_t off;
		if (!ge_kind_is_heap(d->kind) || d->line < c->old_first || d->line > c->old_last ||
		    strcmp(d->file, f->rel) != 0)
			continue;
		off = ge_gostmt_offset(f->x, d->line, d->column);
		if (off >= t->off && off < ge_gostmt_end(f->x, c->last)) {
			name = d->function;
			break;
		}
		if (!name)
			name = d->function;
	}
	/* None (a rewrite's text of the caller's): the file's own numbering. */
	if (!name && !(name = ge_gopkg_func_at(f->pf, t->line, t->col)))
		return GE_ERROR; /* its message is set */
	return (*out = ge_strdup(name)) ? 0 : oom();
}

/* The files of main-module packages that carry a heap diagnostic, each once. */
int ge_suggest__load_files(sctx *s, const ge_report *r)
{
	size_t i, j;
	int rc;
	for (i = 0; i < r->ndiags; i++) {
		const ge_diag *d = &r->diags[i];
		char *abs, *own = NULL;
		int seen = 0;
		if (!ge_kind_is_heap(d->kind) || !d->file[0])
			continue;
		for (j = 0; j < s->nfiles && !seen; j++)
			seen = strcmp(s->files[j].rel, d->file) == 0;
		if (seen)
			continue;
		if (!(abs = ge_path_join(s->top, d->file)))
			return oom();
		seen = ge_modset_lookup_path(s->mods, abs) == NULL;
		if (!seen && (rc = ge_suggest__file_package(&own, s->mods, abs)) < 0) {
			free(abs);
			return rc;
		}
		free(abs);
		if (seen)
			continue;
		if (s->nfiles == s->fcap) {
			size_t nc = s->fcap ? s->fcap * 2 : 16;
			sfile *nf = realloc(s->files, nc * sizeof(*nf));
			if (!nf)
				return oom();
			s->files = nf;
			s->fcap = nc;
		}
		/* The file's own package, not the header's: a generic function's
		   diagnostics come under the package that instantiates it. */
		rc = ge_suggest__sfile_load(s, &s->files[s->nfiles], d->file, own ? own : d->package);
		free(own);
		own = NULL;
		s->nfiles++;
		if (rc == GE_ENOTFOUND) {
			/* Generated elsewhere (cgo): nothing to rewrite. */
			ge_suggest__sfile_release(&s->files[--s->nfiles]);
			continue;
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}
