/*
 * lib/asserts: directives found (gopkg), verdicts from the compiler (see
 * asserts.h).  Sections: the walk over the packages, the directives of a
 * file, the builds, the verdicts, the outputs.
 */
#include "asserts_int.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture.h"
#include "cost.h"
#include "golex.h"
#include "gopkg.h"
#include "parse.h"

/* ---- what was found ---- */

const char *ge_assert_rule(ge_assert_kind k)
{
	static const char *r[] = {"GE3000", "GE3001", "GE3002", "GE3003"};
	return r[k];
}

const char *ge_assert_kind_name(ge_assert_kind k)
{
	static const char *r[] = {"directive", "noescape", "inline", "bce"};
	return r[k];
}

void ge_assert_result_free(ge_assert_result *r)
{
	size_t i;
	if (!r)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->v[i].file);
		free(r->v[i].dfile);
		free(r->v[i].source);
		free(r->v[i].reason);
	}
	free(r->v);
	free(r->test_file);
	free(r);
}

static void state_release(state *s)
{
	size_t i, j;
	for (i = 0; i < s->npkgs; i++) {
		free(s->pkgs[i].dir);
		free(s->pkgs[i].ip);
		free(s->pkgs[i].name);
		ge_strv_free(s->pkgs[i].files, s->pkgs[i].nfiles);
		ge_strv_free(s->pkgs[i].types, s->pkgs[i].ntypes);
	}
	free(s->pkgs);
	for (i = 0; i < s->nfiles; i++) {
		free(s->files[i].rel);
		free(s->files[i].path);
		ge_buf_release(&s->files[i].src);
		free(s->files[i].lines);
	}
	free(s->files);
	for (i = 0; i < s->nas; i++) {
		free(s->as[i].fname);
		free(s->as[i].recv);
		for (j = 0; j < s->as[i].ncalls; j++) {
			free(s->as[i].calls[j].name);
			free(s->as[i].calls[j].display);
		}
		free(s->as[i].calls);
	}
	free(s->as);
	ge_strv_free(s->scope, s->nscope);
}

/* A line's text, trimmed; a trailing directive's own comment cut off at cut (a column, 0: none). */
static char *line_text(const char *src, const uint32_t *lines, uint32_t nlines, uint32_t line,
                       uint32_t cut, size_t len)
{
	size_t b, e;
	if (!line || line > nlines)
		return ge_strdup("");
	b = lines[line - 1];
	e = line < nlines ? lines[line] : len;
	if (cut && b + cut - 1 < e)
		e = b + cut - 1;
	while (e > b && (src[e - 1] == '\n' || src[e - 1] == '\r' || src[e - 1] == ' ' ||
	                 src[e - 1] == '\t'))
		e--;
	while (b < e && (src[b] == ' ' || src[b] == '\t'))
		b++;
	return ge_strndup(src + b, e - b);
}

int ge_assert__add_violation(state *s, ge_assert_kind k, const afile *site, uint32_t line,
                             const afile *df, const aassert *a, uint32_t cut, const char *reason)
{
	ge_assert_violation *v;
	if (GROW(s->res->v, s->res->n, s->res_cap) < 0)
		return GE_ENOMEM;
	v = &s->res->v[s->res->n];
	memset(v, 0, sizeof(*v));
	v->kind = k;
	v->line = line;
	v->dline = a ? a->dline : line;
	v->dcol = a ? a->dcol : 0;
	v->file = ge_strdup(site->rel);
	v->dfile = ge_strdup(df->rel);
	v->source =
	    line_text(ge_buf_cstr(&site->src), site->lines, site->nlines, line, cut, site->src.len);
	v->reason = ge_strdup(reason);
	s->res->n++;
	if (!v->file || !v->dfile || !v->source || !v->reason)
		return oom();
	return 0;
}

/* ---- the walk ---- */

static int list_files(apkg *p, const char *dir)
{
	ge_gopkg_source src;
	ge_gopkg_build b = GE_GOPKG_BUILD_INIT;
	ge_gopkg *gp = NULL;
	size_t i;
	int rc;
	ge_gopkg_source_worktree(&src);
	b.goos = getenv("GOOS");
	b.goarch = getenv("GOARCH");
	if ((rc = ge_gopkg_open(&gp, dir, &src, &b)) < 0)
		return rc == GE_ENOTFOUND ? 0 : rc;
	p->nfiles = ge_gopkg_nfiles(gp);
	if (p->nfiles && !(p->files = calloc(p->nfiles, sizeof(char *)))) {
		ge_gopkg_free(gp);
		return oom();
	}
	for (i = 0; i < p->nfiles; i++)
		if (!(p->files[i] = ge_strdup(ge_gopkg_file_name(gp, i)))) {
			ge_gopkg_free(gp);
			return oom();
		}
	ge_gopkg_free(gp);
	return 0;
}

static int has_go_file(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;
	if (!d)
		return 0;
	while (!found && (e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		found = n > 3 && strcmp(e->d_name + n - 3, ".go") == 0;
	}
	closedir(d);
	return found;
}

int ge_assert__read_file(const state *s, ge_buf *out, const char *path);

/* find_tests: the _test.go files of dir holding a directive's bytes, counted in s->res (the
 * name that sorts first kept). */
static int test_files(state *s, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	ge_buf src = GE_BUF_INIT;
	int rc = 0;
	if (!d)
		return 0;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		char *path;
		if (n <= 8 || strcmp(e->d_name + n - 8, "_test.go") != 0 || e->d_name[0] == '.' ||
		    e->d_name[0] == '_')
			continue;
		if (!(path = ge_path_join(dir, e->d_name))) {
			rc = oom();
			break;
		}
		ge_buf_clear(&src);
		if (ge_assert__read_file(s, &src, path) == 0 &&
		    ge_gopkg_may_have_directives(ge_buf_cstr(&src), src.len)) {
			const char *rel = ge_path_within(path, s->top);
			rel = rel ? rel : path;
			s->res->ntest_files++;
			if (!s->res->test_file || strcmp(rel, s->res->test_file) < 0) {
				free(s->res->test_file);
				if (!(s->res->test_file = ge_strdup(rel)))
					rc = oom();
			}
		}
		ge_error_clear();
		free(path);
	}
	closedir(d);
	ge_buf_release(&src);
	return rc;
}

/* The packages under dir of module (root, path), go's way: no testdata, vendor, _x, .x, nested
 * modules. */
static int walk(state *s, const char *root, const char *modpath, const char *dir, int depth)
{
	DIR *d;
	struct dirent *e;
	char **subs = NULL;
	size_t nsubs = 0, cap = 0, i;
	int rc = 0;
	if (depth > 64)
		return 0;
	if (has_go_file(dir)) {
		/* module std's packages have no prefix: "strconv", not "std/strconv" */
		char *ip = ge_gocmd_module_import(modpath, ge_path_within(dir, root));
		if (!ip)
			return oom();
		if (ge_gocmd_scope_match(s->scope, s->nscope, ip)) {
			apkg *p;
			if (GROW(s->pkgs, s->npkgs, s->pkgs_cap) < 0) {
				free(ip);
				return GE_ENOMEM;
			}
			p = &s->pkgs[s->npkgs++];
			memset(p, 0, sizeof(*p));
			p->ip = ip;
			ip = NULL;
			if (!(p->dir = ge_strdup(dir)))
				return oom();
			if ((rc = list_files(p, dir)) < 0)
				return rc;
			if (s->o->find_tests && (rc = test_files(s, dir)) < 0)
				return rc;
		}
		free(ip);
	}
	if (!(d = opendir(dir)))
		return 0;
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		char *sub, *gomod;
		if (e->d_name[0] == '.' || e->d_name[0] == '_' ||
		    strcmp(e->d_name, "testdata") == 0 || strcmp(e->d_name, "vendor") == 0)
			continue;
		if (!(sub = ge_path_join(dir, e->d_name))) {
			rc = oom();
			break;
		}
		/* lstat: a symlinked directory is not a package of the module (go does the same).
		 */
		if (lstat(sub, &st) < 0 || !S_ISDIR(st.st_mode)) {
			free(sub);
			continue;
		}
		gomod = ge_path_join(sub, "go.mod");
		if (gomod && access(gomod, F_OK) == 0) {
			free(gomod);
			free(sub);
			continue;
		}
		free(gomod);
		if (GROW(subs, nsubs, cap) < 0) {
			free(sub);
			rc = GE_ENOMEM;
			break;
		}
		subs[nsubs++] = sub;
	}
	closedir(d);
	for (i = 0; i < nsubs; i++) {
		if (rc == 0)
			rc = walk(s, root, modpath, subs[i], depth + 1);
		free(subs[i]);
	}
	free(subs);
	return rc;
}

/* Index package k (s->pkgs) in idx (entries k + 1, open addressing on dir). */
static void idx_put(const state *s, size_t *idx, size_t cap, size_t k)
{
	size_t j = ge_hash_bytes(GE_HASH_SEED, s->pkgs[k].dir, strlen(s->pkgs[k].dir)) & (cap - 1);
	while (idx[j])
		j = (j + 1) & (cap - 1);
	idx[j] = k + 1;
}

/*
 * *out: the index in s->pkgs of the package in directory dir (taken, freed
 * when a package has it already), a new one of import path ip when none.
 * *idx (cap entries, a power of two) indexes s->pkgs by directory.
 */
static int pkg_of_dir(size_t *out, state *s, size_t **idx, size_t *cap, char *dir, const char *ip)
{
	size_t j, k;
	apkg *p;
	if ((s->npkgs + 1) * 2 > *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		size_t *ni = calloc(nc, sizeof(*ni));
		if (!ni) {
			free(dir);
			return oom();
		}
		for (k = 0; k < s->npkgs; k++)
			idx_put(s, ni, nc, k);
		free(*idx);
		*idx = ni;
		*cap = nc;
	}
	j = ge_hash_bytes(GE_HASH_SEED, dir, strlen(dir)) & (*cap - 1);
	for (; (*idx)[j]; j = (j + 1) & (*cap - 1))
		if (strcmp(s->pkgs[(*idx)[j] - 1].dir, dir) == 0) {
			free(dir);
			*out = (*idx)[j] - 1;
			return 0;
		}
	if (GROW(s->pkgs, s->npkgs, s->pkgs_cap) < 0) {
		free(dir);
		return GE_ENOMEM;
	}
	p = &s->pkgs[s->npkgs];
	memset(p, 0, sizeof(*p));
	p->dir = dir; /* state_release frees it with the package */
	*out = s->npkgs++;
	(*idx)[j] = s->npkgs;
	return (p->ip = ge_strdup(ip)) ? 0 : oom();
}

/*
 * The packages and files head has heap escapes in: heap_files_only's view.
 * A file attribution found no directive in (ge_diag.dirs) is left out when
 * the files are the worktree's (no source provider), as attribution read
 * them; its directives would be none.  A report's diagnostics come sorted
 * by file, so a file is looked up once, not once per diagnostic.
 */
static int heap_files(state *s, const ge_report *head)
{
	size_t i, k, *idx = NULL, cap = 0;
	const char *last = NULL; /* the file of the diagnostic before, listed */
	int rc = 0;
	for (i = 0; i < head->ndiags && rc == 0; i++) {
		const ge_diag *d = &head->diags[i];
		const char *slash;
		char *path, *dir, *base, **nv;
		apkg *p;
		size_t pi = 0;
		if (!ge_kind_is_heap(d->kind) || !d->package || !d->file)
			continue;
		if (d->dirs == GE_DIRS_NONE && !s->o->src)
			continue;
		if (last && (last == d->file || strcmp(last, d->file) == 0))
			continue;
		if (!(path = ge_path_join(s->top, d->file))) {
			rc = oom();
			break;
		}
		slash = strrchr(path, '/');
		dir = ge_strndup(path, (size_t)(slash - path));
		base = ge_strdup(slash + 1);
		free(path);
		if (!dir || !base) {
			free(dir);
			free(base);
			rc = oom();
			break;
		}
		if ((rc = pkg_of_dir(&pi, s, &idx, &cap, dir, d->package)) < 0) {
			free(base);
			break;
		}
		last = d->file;
		p = &s->pkgs[pi];
		for (k = 0; k < p->nfiles && strcmp(p->files[k], base) != 0; k++)
			;
		if (k < p->nfiles) {
			free(base);
			continue;
		}
		if (!(nv = realloc(p->files, (p->nfiles + 1) * sizeof(*nv)))) {
			free(base);
			rc = oom();
			break;
		}
		p->files = nv;
		p->files[p->nfiles++] = base;
	}
	free(idx);
	return rc;
}

/* ---- the builds ---- */

static int build_failed(int status)
{
	return ge_error_set(GE_EBUILD, "go build failed (exit status %d)",
	                    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

static int status_ok(int status)
{
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* --input: the whole file (or stdin) once, through a temporary file to capture, whose
 * attribution hands the positioned lines to sites. */
static int from_input(ge_report **rep, ge_cost_sites *sites, ge_history *h, const char *input)
{
	ge_buf b = GE_BUF_INIT;
	FILE *tmp = NULL;
	int rc;
	if (strcmp(input, "-") == 0) {
		char chunk[65536];
		ssize_t n;
		while ((n = read(0, chunk, sizeof(chunk))) > 0)
			if (ge_buf_put(&b, chunk, (size_t)n) < 0) {
				rc = oom();
				goto done;
			}
		rc = n < 0 ? ge_error_set(GE_EBADINPUT, "cannot read standard input") : 0;
	} else {
		rc = ge_file_read_bounded(&b, input, (size_t)1 << 30);
		if (rc == GE_ENOTFOUND)
			rc = ge_error_set(GE_EBADINPUT, "cannot read '%s'", input);
	}
	if (rc < 0)
		goto done;
	if (!(tmp = tmpfile()) || fwrite(ge_buf_cstr(&b), 1, b.len, tmp) != b.len ||
	    fflush(tmp) != 0 || fseek(tmp, 0, SEEK_SET) != 0) {
		rc = ge_error_set(-1, "cannot write a temporary file");
		goto done;
	}
	rc = ge_capture_input_sites(rep, fileno(tmp), input, h->build.mods, h->build.cwd, h->pkgs,
	                            h->npkgs, h->build.vendored, sites);
done:
	if (tmp)
		fclose(tmp);
	ge_buf_release(&b);
	return rc;
}

/* Build the packages with a bce directive only, with check_bce for them; the lines into sites. */
static int bce_build(state *s, ge_cost_sites *sites)
{
	ge_capture_opts co = s->h->build;
	ge_report *r = NULL;
	char **args = NULL;
	size_t nargs = 0, i, n = 0;
	int rc = 0, status = 0;
	for (i = 0; i < s->npkgs; i++)
		n += s->pkgs[i].has_bce;
	if (!n)
		return 0;
	s->res->nbce_pkgs = n;
	if (!(args = calloc(2 * n + 4, sizeof(*args))))
		return oom();
	/* Compile without linking (lib/gocmd), as every build goescape starts for itself. */
	for (i = 0; i < GE_GOCMD_COMPILE_N; i++)
		args[nargs++] = ge_strdup(ge_gocmd_compile_args[i]);
	for (i = 0; i < s->npkgs; i++) {
		ge_buf b = GE_BUF_INIT;
		if (!s->pkgs[i].has_bce)
			continue;
		if (ge_buf_printf(&b, "-gcflags=%s=-d=ssa/check_bce/debug=1", s->pkgs[i].ip) < 0)
			rc = oom();
		args[nargs++] = ge_buf_detach(&b);
	}
	for (i = 0; i < s->npkgs; i++)
		if (s->pkgs[i].has_bce)
			args[nargs++] = ge_strdup(s->pkgs[i].ip);
	for (i = 0; i < nargs; i++)
		if (!args[i])
			rc = oom();
	if (rc < 0)
		goto done;
	co.args = args;
	co.nargs = nargs;
	co.sites = sites;
	co.named = 1; /* -m for the bce packages only, not every package they import */
	if ((rc = ge_capture_build(&r, &status, &co)) < 0)
		goto done;
	if (!status_ok(status))
		rc = build_failed(status);
done:
	ge_report_free(r);
	ge_strv_free(args, nargs);
	return rc;
}

/* ---- verdicts ---- */

/* The callee's own name in "inlining call to b.(*T).Get" / "F[go.shape.int]": "Get", "F". */
static void callee_name(const char *text, const char **name, size_t *len)
{
	const char *s = text + strlen("inlining call to "), *e = s + strlen(s), *d;
	if (e > s && e[-1] == ']') {
		int depth = 0;
		const char *q = e;
		while (q > s) {
			q--;
			if (*q == ']')
				depth++;
			else if (*q == '[' && --depth == 0)
				break;
		}
		e = q;
	}
	for (d = e; d > s && d[-1] != '.'; d--)
		;
	*name = d;
	*len = (size_t)(e - d);
}

static int inlined_at(const ge_cost_site *v, size_t n, unsigned char *used, const char *file,
                      uint32_t line, const char *name)
{
	size_t i;
	for (i = 0; i < n; i++) {
		const char *c;
		size_t cl;
		if (used[i] || v[i].kind != GE_SITE_INLINED || v[i].line != line ||
		    strcmp(v[i].file, file) != 0)
			continue;
		callee_name(v[i].text, &c, &cl);
		if (cl == strlen(name) && memcmp(c, name, cl) == 0) {
			used[i] = 1;
			return 1;
		}
	}
	return 0;
}

static int verdict_noescape(state *s, const aassert *a, const ge_report *r)
{
	const afile *f = &s->files[a->file];
	size_t i;
	int rc = 0;
	for (i = 0; r && i < r->ndiags && rc == 0; i++) {
		const ge_diag *d = &r->diags[i];
		if (!ge_kind_is_heap(d->kind) || d->line != a->target ||
		    strcmp(d->file, f->rel) != 0)
			continue;
		rc = ge_assert__add_violation(s, GE_ASSERT_NOESCAPE, f, a->target, f, a, a->cut,
		                              d->message ? d->message : d->subject);
	}
	return rc;
}

static int verdict_inline(state *s, const aassert *a, const ge_cost_site *v, size_t n,
                          unsigned char *used)
{
	const afile *f = &s->files[a->file];
	size_t i;
	int rc = 0;
	if (!a->ncalls)
		return ge_assert__add_violation(s, GE_ASSERT_INLINE, f, a->target, f, a, a->cut,
		                                "no call to inline");
	for (i = 0; i < a->ncalls && rc == 0; i++) {
		ge_buf msg = GE_BUF_INIT;
		if (inlined_at(v, n, used, f->rel, a->target, a->calls[i].name))
			continue;
		if (ge_buf_printf(&msg, "call to %s was not inlined", a->calls[i].display) < 0)
			rc = oom();
		else
			rc = ge_assert__add_violation(s, GE_ASSERT_INLINE, f, a->target, f, a,
			                              a->cut, ge_buf_cstr(&msg));
		ge_buf_release(&msg);
	}
	return rc;
}

/* Every call site of a function-level inline's function, in every package checked. */
static int verdict_inline_decl(state *s, const aassert *a, const ge_cost_site *v, size_t n,
                               unsigned char *used)
{
	const afile *df = &s->files[a->file];
	const apkg *home = &s->pkgs[df->pkg];
	size_t i, j;
	int rc = 0;
	if (!a->fname)
		return 0;
	for (i = 0; i < s->npkgs && rc == 0; i++) {
		apkg *p = &s->pkgs[i];
		for (j = 0; j < p->nfiles && rc == 0; j++) {
			afile f;
			ge_golex lx = GE_GOLEX_INIT;
			uint32_t t;
			memset(&f, 0, sizeof(f));
			if (!(f.path = ge_path_join(p->dir, p->files[j])))
				return oom();
			f.rel = ge_strdup(ge_path_within(f.path, s->top)
			                      ? ge_path_within(f.path, s->top)
			                      : f.path);
			if (!f.rel)
				rc = oom();
			if (rc == 0 && (rc = ge_assert__read_file(s, &f.src, f.path)) == 0 &&
			    strstr(ge_buf_cstr(&f.src), a->fname) &&
			    (rc = ge_golex_scan(&lx, ge_buf_cstr(&f.src), f.src.len)) == 0) {
				f.lines = lx.lines;
				f.nlines = lx.nlines;
				for (t = 1; t + 1 < lx.ntoks && rc == 0; t++) {
					const ge_golex_tok *k = &lx.toks[t], *pv = &lx.toks[t - 1];
					ge_buf msg = GE_BUF_INIT;
					int site;
					if (!ge_assert__tok_is(&lx, t, a->fname) ||
					    lx.toks[t + 1].kind != GE_GOLEX_LPAREN ||
					    !ge_assert__is_call(&lx, t, p))
						continue;
					if (a->method)
						site = pv->kind == GE_GOLEX_PERIOD;
					else if (p == home)
						site = pv->kind != GE_GOLEX_PERIOD;
					else
						site = pv->kind == GE_GOLEX_PERIOD && t >= 2 &&
						       home->name &&
						       ge_assert__tok_is(&lx, t - 2, home->name);
					if (!site ||
					    inlined_at(v, n, used, f.rel, k->line, a->fname))
						continue;
					if (a->method)
						rc = ge_buf_printf(
						    &msg, "call to %s.%s was not inlined",
						    a->recv ? a->recv : "", a->fname);
					else
						rc = ge_buf_printf(
						    &msg, "call to %s.%s was not inlined",
						    home->name ? home->name : home->ip, a->fname);
					if (rc == 0)
						rc = ge_assert__add_violation(s, GE_ASSERT_INLINE,
						                              &f, k->line, df, a, 0,
						                              ge_buf_cstr(&msg));
					ge_buf_release(&msg);
				}
			}
			if (rc == GE_ENOTFOUND)
				rc = 0;
			ge_golex_release(&lx);
			free(f.path);
			free(f.rel);
			ge_buf_release(&f.src);
		}
	}
	return rc;
}

static int verdict_bce(state *s, const aassert *a, const ge_cost_site *v, size_t n)
{
	const afile *f = &s->files[a->file];
	int seen[3] = {0, 0, 0};
	size_t i;
	int rc = 0;
	for (i = 0; i < n && rc == 0; i++) {
		int b;
		if (v[i].kind != GE_SITE_NOTE || v[i].line != a->target ||
		    strcmp(v[i].file, f->rel))
			continue;
		b = ge_parse_bce(v[i].text, strlen(v[i].text));
		if (!b || seen[b]++)
			continue;
		rc =
		    ge_assert__add_violation(s, GE_ASSERT_BCE, f, a->target, f, a, a->cut,
		                             b == 1 ? "found IsInBounds" : "found IsSliceInBounds");
	}
	return rc;
}

static int cmp_violation(const void *x, const void *y)
{
	const ge_assert_violation *a = x, *b = y;
	int c = strcmp(a->file, b->file);
	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if ((c = strcmp(a->dfile, b->dfile)) != 0)
		return c;
	if (a->dline != b->dline)
		return a->dline < b->dline ? -1 : 1;
	return strcmp(a->reason, b->reason);
}

/* The walk and the directives (s zeroed): what a run judges. */
static int scan(state *s, ge_history *h, const ge_assert_opts *o)
{
	size_t i;
	int rc;
	s->h = h;
	s->o = o;
	s->top = h->build.mods->top;
	if (o->src && !o->src_reads_tree && !(o->heap_files_only && o->head))
		return ge_error_set(GE_EUSAGE, "internal: a source provider needs head and "
		                               "heap_files_only (it lists no directories)");
	if (!(s->res = calloc(1, sizeof(*s->res))))
		return oom();
	if ((rc = ge_gocmd_scope(&s->scope, &s->nscope, h->pkgs, h->npkgs, h->build.mods,
	                         h->build.cwd)) < 0)
		return rc;
	if (o->heap_files_only && o->head)
		rc = heap_files(s, o->head);
	for (i = 0; !(o->heap_files_only && o->head) && i < h->build.mods->n && rc == 0; i++)
		rc = walk(s, h->build.mods->mods[i].root, h->build.mods->mods[i].path,
		          h->build.mods->mods[i].root, 0);
	return rc < 0 ? rc : ge_assert__find_directives(s);
}

struct ge_assert_scan {
	state s;
};

int ge_assert_scan_new(ge_assert_scan **out, ge_history *h, const ge_assert_opts *o)
{
	ge_assert_scan *sc = calloc(1, sizeof(*sc));
	int rc;
	*out = NULL;
	if (!sc)
		return oom();
	if ((rc = scan(&sc->s, h, o)) < 0) {
		ge_assert_scan_free(sc);
		return rc;
	}
	sc->s.o = NULL; /* o may not outlive the scan: the run sets its own */
	*out = sc;
	return 0;
}

int ge_assert_scan_wants_sites(const ge_assert_scan *sc)
{
	size_t i;
	for (i = 0; sc && i < sc->s.nas; i++)
		if (sc->s.as[i].kind == GE_ASSERT_INLINE)
			return 1;
	return 0;
}

void ge_assert_scan_free(ge_assert_scan *sc)
{
	if (!sc)
		return;
	state_release(&sc->s);
	ge_assert_result_free(sc->s.res);
	free(sc);
}

int ge_assert_run(ge_assert_result **out, ge_history *h, const ge_assert_opts *o)
{
	state s;
	ge_cost_sites *sites = NULL, *bsites = NULL;
	ge_report *r = NULL;
	const ge_report *rep = o->head;
	const ge_cost_site *sv = NULL, *bv = NULL;
	unsigned char *used = NULL;
	size_t i, nsv = 0, nbv = 0;
	int rc, status = 0, need_inline = 0, need_heap = 0, need_bce = 0;
	/* check's head build printed the inlining lines: no build of its own. */
	int head_sites = o->head && o->head_sites && !o->input;
	*out = NULL;
	memset(&s, 0, sizeof(s));
	if (o->scan && o->scan->s.res) {
		/* Taken over: the scan is left empty for ge_assert_scan_free. */
		s = o->scan->s;
		memset(&o->scan->s, 0, sizeof(o->scan->s));
		s.o = o;
		rc = 0;
	} else if ((rc = scan(&s, h, o)) < 0) {
		goto done;
	}
	if (o->find_only)
		goto done;
	for (i = 0; i < s.nas; i++) {
		need_inline |= s.as[i].kind == GE_ASSERT_INLINE;
		need_heap |= s.as[i].kind == GE_ASSERT_NOESCAPE;
		need_bce |= s.as[i].kind == GE_ASSERT_BCE;
	}
	if ((need_inline || need_bce || need_heap) &&
	    ((rc = ge_cost_sites_new(&sites)) < 0 || (rc = ge_cost_sites_new(&bsites)) < 0))
		goto done;
	if (o->input && (need_inline || need_heap || need_bce)) {
		if ((rc = from_input(&r, sites, h, o->input)) < 0)
			goto done;
		rep = r;
	} else if (need_inline && head_sites) {
		sv = ge_cost_sites_list(o->head_sites, &nsv);
	} else if ((need_inline || (need_heap && !rep)) && !o->input) {
		ge_capture_opts save = h->build;
		h->build.sites = sites;
		if (!rep)
			rc = ge_history_worktree(&r, &status, h);
		else
			rc = ge_capture_packages(&r, &status, &h->build, h->pkgs, h->npkgs, NULL);
		h->build = save;
		if (rc == 0 && !status_ok(status))
			rc = build_failed(status);
		if (rc < 0)
			goto done;
		if (!rep)
			rep = r;
	}
	if (need_bce && !o->input && (rc = bce_build(&s, bsites)) < 0)
		goto done;
	if (sites && !sv)
		sv = ge_cost_sites_list(sites, &nsv);
	if (o->input)
		bv = sv, nbv = nsv;
	else if (bsites)
		bv = ge_cost_sites_list(bsites, &nbv);
	if (o->input && need_bce) {
		/* Nothing says the input was built with check_bce: a bce verdict from it
		   would pass by accident. */
		size_t k, nb = 0;
		for (k = 0; k < nbv; k++)
			nb += bv[k].kind == GE_SITE_NOTE &&
			      ge_parse_bce(bv[k].text, strlen(bv[k].text));
		if (!nb) {
			rc = ge_error_set(
			    GE_EBADINPUT,
			    "no bounds-check lines in '%s' for its bce assertions: build "
			    "with -gcflags='PKG=-d=ssa/check_bce/debug=1 -m' (or turn "
			    "\"assert\": {\"bce\": false})",
			    o->input);
			goto done;
		}
	}
	if (nsv && !(used = calloc(nsv, 1))) {
		rc = oom();
		goto done;
	}
	for (i = 0; i < s.nas && rc == 0; i++) {
		const aassert *a = &s.as[i];
		if (used)
			memset(used, 0, nsv);
		if (a->kind == GE_ASSERT_NOESCAPE)
			rc = verdict_noescape(&s, a, rep);
		else if (a->kind == GE_ASSERT_INLINE && a->decl)
			rc = verdict_inline_decl(&s, a, sv, nsv, used);
		else if (a->kind == GE_ASSERT_INLINE)
			rc = verdict_inline(&s, a, sv, nsv, used);
		else if (a->kind == GE_ASSERT_BCE)
			rc = verdict_bce(&s, a, bv, nbv);
	}
	if (rc == 0 && s.res->n)
		qsort(s.res->v, s.res->n, sizeof(*s.res->v), cmp_violation);
done:
	free(used);
	ge_report_free(r);
	ge_cost_sites_free(sites);
	ge_cost_sites_free(bsites);
	state_release(&s);
	if (rc < 0) {
		ge_assert_result_free(s.res);
		return rc;
	}
	*out = s.res;
	return 0;
}

int ge_assert_judge_overlay(ge_assert_result **out, ge_history *h, const ge_report *rep,
                            const struct ge_cost_sites *sites, const ge_gopkg_overlay *ov,
                            const int assert_off[3])
{
	ge_assert_opts ao = GE_ASSERT_OPTS_INIT;
	ge_gopkg_source src;
	static const int none[3] = {0, 0, 0};
	ge_assert_opts_off(&ao, assert_off ? assert_off : none);
	ge_gopkg_source_overlay(&src, ov);
	ao.head = rep;
	ao.head_sites = sites;
	ao.src = &src;
	ao.src_reads_tree = 1;
	ao.off[GE_ASSERT_BCE] = 1;
	if (!sites)
		ao.off[GE_ASSERT_INLINE] = 1;
	return ge_assert_run(out, h, &ao);
}

int ge_assert_result_has(const ge_assert_result *base, const ge_assert_violation *v)
{
	size_t i;
	for (i = 0; base && i < base->n; i++) {
		const ge_assert_violation *b = &base->v[i];
		if (b->kind == v->kind && strcmp(b->file, v->file) == 0 &&
		    strcmp(b->source, v->source) == 0 && strcmp(b->reason, v->reason) == 0)
			return 1;
	}
	return 0;
}
