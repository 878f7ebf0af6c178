/* The run: base build, candidates, probes, verification rounds, the result. */
#include "suggest_int.h"

/* ---- the run ------------------------------------------------------------------- */

static int find_gofmt(char **out, const char *go)
{
	char real[PATH_MAX], *slash;
	const char *path = getenv("PATH");
	*out = NULL;
	if (go && realpath(go, real) && (slash = strrchr(real, '/'))) {
		ge_buf b = GE_BUF_INIT;
		*slash = '\0';
		if (ge_buf_printf(&b, "%s/gofmt", real) < 0)
			return oom();
		if (access(b.ptr, X_OK) == 0) {
			*out = ge_buf_detach(&b);
			return 0;
		}
		ge_buf_release(&b);
	}
	while (path && *path) {
		size_t n = strcspn(path, ":");
		ge_buf b = GE_BUF_INIT;
		if (n && ge_buf_printf(&b, "%.*s/gofmt", (int)n, path) == 0 &&
		    access(b.ptr, X_OK) == 0) {
			*out = ge_buf_detach(&b);
			return 0;
		}
		ge_buf_release(&b);
		path += n + (path[n] == ':');
	}
	return ge_error_set(GE_ENOTFOUND, "cannot find gofmt next to '%s' or on PATH",
	                    go ? go : "go");
}

static int setup_workdir(sctx *s)
{
	ge_buf b = GE_BUF_INIT;
	int rc;
	if (s->o->workdir) {
		if ((rc = ge_suggest__make_dirs(s, s->o->workdir)) < 0)
			return rc;
		if (!(s->workdir = ge_strdup(s->o->workdir)))
			return oom();
	} else {
		const char *tmp = getenv("TMPDIR");
		if ((rc = ge_buf_printf(&b, "%s/goescape-suggest-XXXXXX",
		                        tmp && *tmp ? tmp : "/tmp")) < 0)
			return rc;
		if (!mkdtemp(b.ptr)) {
			rc = ge_error_errno(GE_ERROR, "cannot create a directory like '%s'", b.ptr);
			ge_buf_release(&b);
			return rc;
		}
		s->workdir = ge_buf_detach(&b);
		s->own_workdir = 1;
	}
	if ((rc = ge_buf_printf(&b, "%s/overlay-%ld.json", s->workdir, (long)getpid())) < 0)
		return rc;
	s->ovfile = ge_buf_detach(&b);
	return 0;
}

static void cleanup(sctx *s)
{
	size_t i;
	for (i = s->nmade; i > 0; i--)
		if (unlink(s->made[i - 1]) < 0)
			(void)rmdir(s->made[i - 1]);
	if (s->own_workdir && s->workdir)
		(void)rmdir(s->workdir);
	for (i = 0; i < s->nmade; i++)
		free(s->made[i]);
	free(s->made);
	ge_overlay_clear(&s->ov);
	ge_suggest__asserts_release(s);
	ge_suggest__scope_release(s);
	for (i = 0; i < s->nfiles; i++)
		ge_suggest__sfile_release(&s->files[i]);
	free(s->files);
	ge_suggest__views_free(s);
	for (i = 0; i < s->nc; i++) {
		free(s->c[i].reason);
		free(s->c[i].dst_type);
		free(s->c[i].pre);
		free(s->c[i].suf);
		free(s->c[i].wtext);
	}
	free(s->c);
	free(s->plat_base);
	ge_report_free(s->base);
	ge_report_free(s->cur);
	free(s->workdir);
	free(s->ovfile);
	free(s->gofmt);
	ge_buf_release(&s->out);
}

/* Is d on c's expression: in the original (side 0) or in this round's text (side 1)? */
static int on_expr(const sctx *s, const cand *c, const ge_diag *d, int side)
{
	const sfile *f = &s->files[c->file];
	if (!ge_kind_is_heap(d->kind) || strcmp(d->file, f->rel) != 0)
		return 0;
	if (ge_suggest__on_site(s, c, d, side))
		return 1;
	if (side == 0) {
		size_t off = ge_gostmt_offset(f->x, d->line, d->column);
		return off >= f->x->toks[c->first].off && off < ge_gostmt_end(f->x, c->last);
	}
	if (c->var == V_BUF && d->line == c->decl_line)
		return strcmp(d->subject, c->bufname) == 0;
	if (d->line < c->new_first || d->line > c->new_last)
		return 0;
	if (!c->cols_ok)
		return 1;
	return !((d->line == c->new_first && d->column < c->ncol1) ||
	         (d->line == c->new_last && d->column > c->ncol2));
}

static int diag_lines(char ***out, size_t *n, const sctx *s, const cand *c, const ge_report *r,
                      int side)
{
	size_t i;
	*out = NULL;
	*n = 0;
	if (!r)
		return 0;
	for (i = 0; i < r->ndiags; i++) {
		const ge_diag *d = &r->diags[i];
		ge_buf b = GE_BUF_INIT;
		char **nv;
		if (!on_expr(s, c, d, side))
			continue;
		if (!(nv = realloc(*out, (*n + 1) * sizeof(*nv))))
			return oom();
		*out = nv;
		if (ge_buf_printf(&b, "%u:%u: %s", d->line, d->column, d->message) < 0)
			return oom();
		nv[(*n)++] = ge_buf_detach(&b);
	}
	return 0;
}

static int assemble(sctx *s)
{
	ge_suggest_result *r = s->res;
	size_t i, n = 0;
	int rc = 0;
	for (i = 0; i < s->nc; i++)
		n += enabled(&s->c[i]);
	if (n && !(r->items = calloc(n, sizeof(*r->items))))
		return oom();
	if (s->nc && !(r->skipped = calloc(s->nc, sizeof(*r->skipped))))
		return oom();
	if (s->nfiles && !(r->files = calloc(s->nfiles, sizeof(*r->files))))
		return oom();
	for (i = 0; i < s->nc && rc == 0; i++) {
		cand *c = &s->c[i];
		sfile *f = &s->files[c->file];
		const ge_gotok *t = &f->x->toks[c->first];
		/* Every candidate is a suggestion or a skip with a reason: none waits unheard. */
		if (c->state == C_PENDING)
			ge_suggest__reject(c, "%s",
			                   "not verified: still waiting when verification ended");
		if (c->state == C_REJECTED) {
			ge_suggest_skip *k = &r->skipped[r->nskipped++];
			k->rule = ge_suggest__rule_names[c->rule];
			k->line = t->line;
			k->column = t->col;
			if (!(k->file = ge_strdup(f->rel)) ||
			    !(k->reason = ge_strdup(c->reason ? c->reason : "rejected")))
				rc = oom();
		} else if (enabled(c)) {
			ge_suggestion *g = &r->items[r->nitems++];
			ge_buf b = GE_BUF_INIT;
			g->rule = ge_suggest__rule_names[c->rule];
			g->line = t->line;
			g->column = t->col;
			if ((rc = ge_suggest__func_at(&g->function, s, c)) < 0)
				break;
			if (!(g->package = ge_strdup(f->pkg)) || !(g->file = ge_strdup(f->rel)) ||
			    !(g->before = dup_toks(f->x, c->first, c->last))) {
				rc = oom();
				break;
			}
			if ((rc = ge_suggest__expr_text(&b, s, c)) < 0)
				break;
			g->after = ge_buf_detach(&b);
			g->hidden = (size_t)c->hidden;
			if (c->var == V_BUF) {
				if ((rc = ge_buf_printf(&b, "var %s [%u]byte", c->bufname,
				                        c->bufsize ? c->bufsize : 20)) < 0)
					break;
				g->decl = ge_buf_detach(&b);
			}
			if ((rc = diag_lines(&g->heap_before, &g->nheap_before, s, c, s->base, 0)) <
			        0 ||
			    (rc = diag_lines(&g->heap_after, &g->nheap_after, s, c, s->cur, 1)) < 0)
				break;
		}
	}
	for (i = 0; i < s->nfiles && rc == 0; i++) {
		sfile *f = &s->files[i];
		ge_suggest_file *o;
		size_t j;
		int any = 0;
		for (j = 0; j < s->nc; j++)
			any |= s->c[j].file == i && enabled(&s->c[j]);
		if (!any || !f->round_text)
			continue;
		o = &r->files[r->nfiles++];
		o->old_len = f->len;
		o->new_len = f->round_len;
		if (!(o->path = ge_strdup(f->rel)) || !(o->abs = ge_strdup(f->abs)) ||
		    !(o->old_text = ge_strndup(f->text, f->len)) ||
		    !(o->new_text = ge_strndup(f->round_text, f->round_len)))
			rc = oom();
	}
	return rc;
}

/* Besides the host: 32 bits, and another system. */
static const char *const default_platforms[] = {"linux/386", "windows/amd64"};

/* Which platforms were built for, and which could not be (not even without rewrites). */
static int platforms_result(sctx *s)
{
	size_t p;
	ge_suggest_result *r = s->res;
	if (s->nplat && (!(r->platforms = calloc(s->nplat, sizeof(char *))) ||
	                 !(r->platforms_unbuildable = calloc(s->nplat, sizeof(char *)))))
		return oom();
	for (p = 0; p < s->nplat; p++) {
		char **v = s->plat_base[p] > 0 ? r->platforms : r->platforms_unbuildable;
		size_t *n = s->plat_base[p] > 0 ? &r->nplatforms : &r->nplatforms_unbuildable;
		if (!s->plat_base[p])
			continue; /* nothing was kept to build */
		if (!(v[*n] = ge_strdup(s->plat[p])))
			return oom();
		(*n)++;
	}
	return 0;
}

int ge_suggest_run(ge_suggest_result **out, const ge_suggest_opts *o)
{
	sctx s;
	ge_summary sum;
	ge_capture_opts base_opts;
	size_t i, j;
	unsigned max_rounds;
	int rc, status = 0, done = 0;
	assert(out && o);
	assert(o->build.go && o->build.mods);
	max_rounds = o->max_rounds ? o->max_rounds : DEFAULT_MAX_ROUNDS;
	*out = NULL;
	memset(&s, 0, sizeof(s));
	s.o = o;
	if (o->platforms_set || o->platforms) {
		s.plat = (const char *const *)o->platforms;
		s.nplat = o->nplatforms;
	} else {
		s.plat = default_platforms;
		s.nplat = sizeof(default_platforms) / sizeof(default_platforms[0]);
	}
	if (s.nplat && !(s.plat_base = calloc(s.nplat, sizeof(*s.plat_base))))
		return oom();
	s.mods = o->build.mods;
	s.top = s.mods->top ? s.mods->top : (s.mods->n ? s.mods->mods[0].root : o->build.cwd);
	if (!(s.res = calloc(1, sizeof(*s.res))))
		return oom();

	/* The base: the user's packages as they are (with --tests, their tests too). */
	base_opts = o->build;
	base_opts.tests = o->tests;
	/* Its output is kept as printed for the rounds that build only some
	   packages (suggest_scope.c). */
	rc = ge_suggest__base_build(&s, &status, &base_opts);
	s.res->go_runs++;
	if (rc < 0)
		goto done;
	if (!ge_suggest__exited_ok(status)) {
		rc = ge_error_set(GE_EBUILD, "go build failed (exit status %d)",
		                  WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		goto done;
	}
	ge_report_summary(s.base, &sum);
	s.res->heap_before = s.res->heap_after = sum.heap;
	if ((s.base->module && !(s.res->module = ge_strdup(s.base->module))) ||
	    (s.base->go_version && !(s.res->go_version = ge_strdup(s.base->go_version)))) {
		rc = oom();
		goto done;
	}

	/* Candidates, and what the scanner alone rules out. */
	if ((rc = ge_suggest__load_files(&s, s.base)) < 0)
		goto done;
	for (i = 0; i < s.nfiles; i++)
		if ((rc = ge_suggest__find_in_file(&s, i)) < 0)
			goto done;
	s.res->candidates = s.nc;
	for (i = 0; i < s.nc; i++) {
		int seen = 0;
		ge_suggest__prefilter(&s, &s.c[i]);
		for (j = 0; j < i; j++)
			seen |= strcmp(s.files[s.c[j].file].pkg, s.files[s.c[i].file].pkg) == 0;
		s.res->packages += !seen;
	}
	for (i = 0; i < s.nc && !enabled(&s.c[i]); i++)
		;
	if (i < s.nc) {
		if ((rc = setup_workdir(&s)) < 0 ||
		    (rc = o->gofmt ? ((s.gofmt = ge_strdup(o->gofmt)) ? 0 : oom())
		                   : find_gofmt(&s.gofmt, o->build.go)) < 0 ||
		    (rc = ge_suggest__probe_all(&s)) < 0 || (rc = ge_suggest__behaviour(&s)) < 0)
			goto done;
	}

	/* Verify, all packages in each go run, until a round changes nothing. */
	while (!done) {
		ge_report *rep = NULL;
		int changed = 0, promoted, any = 0;
		for (i = 0; i < s.nc; i++)
			any |= enabled(&s.c[i]) || s.c[i].state == C_PENDING;
		if (!any)
			break;
		if (s.res->rounds >= max_rounds) {
			for (i = 0; i < s.nc; i++)
				if (enabled(&s.c[i]) || s.c[i].state == C_PENDING)
					ge_suggest__reject(&s.c[i], "not verified within %u rounds",
					                   max_rounds);
			break;
		}
		s.res->rounds++;
		if (o->on_progress) {
			ge_buf line = GE_BUF_INIT;
			size_t nv = 0;
			for (i = 0; i < s.nc; i++)
				nv += enabled(&s.c[i]) || s.c[i].state == C_PENDING;
			if (ge_buf_printf(&line,
			                  "goescape: suggest: round %u: verifying %zu rewrite%s "
			                  "with go build",
			                  s.res->rounds, nv, nv == 1 ? "" : "s") == 0)
				o->on_progress(line.ptr, line.len, o->progress_ud);
			ge_buf_release(&line);
		}
		if ((rc = ge_suggest__prepare_round(&s)) < 0 ||
		    (rc = ge_suggest__verify_build(&s, &rep, &status)) < 0) {
			ge_report_free(rep);
			goto done;
		}
		if (!ge_suggest__exited_ok(status)) {
			ge_report_free(rep);
			if ((rc = ge_suggest__handle_failure(&s)) < 0)
				goto done;
			continue;
		}
		if ((rc = ge_suggest__evaluate(&s, rep, &changed)) < 0) {
			ge_report_free(rep);
			goto done;
		}
		promoted = ge_suggest__promote(&s);
		if (!changed && !promoted && o->run_tests &&
		    (rc = ge_suggest__run_tests(&s, &changed)) < 0) {
			ge_report_free(rep);
			goto done;
		}
		if (!changed && !promoted && (rc = ge_suggest__platforms(&s, &changed)) < 0) {
			ge_report_free(rep);
			goto done;
		}
		if (changed || promoted) {
			ge_report_free(rep);
			continue;
		}
		ge_report_free(s.cur);
		s.cur = rep;
		s.res->tested = o->run_tests;
		done = 1;
	}
	if (s.cur) {
		ge_report_summary(s.cur, &sum);
		s.res->heap_after = sum.heap;
	}
	if ((rc = platforms_result(&s)) < 0)
		goto done;
	rc = assemble(&s);
	if (rc == 0 && o->bench)
		rc = ge_suggest__bench(&s);
done:
	cleanup(&s);
	if (rc < 0) {
		ge_suggest_result_free(s.res);
		return rc;
	}
	*out = s.res;
	return 0;
}

void ge_suggest_result_free(ge_suggest_result *r)
{
	size_t i, j;
	if (!r)
		return;
	for (i = 0; i < r->nitems; i++) {
		ge_suggestion *g = &r->items[i];
		free(g->package);
		free(g->file);
		free(g->function);
		free(g->before);
		free(g->after);
		free(g->decl);
		for (j = 0; j < g->nheap_before; j++)
			free(g->heap_before[j]);
		for (j = 0; j < g->nheap_after; j++)
			free(g->heap_after[j]);
		free(g->heap_before);
		free(g->heap_after);
		free(g->bench_skip);
	}
	for (i = 0; i < r->nskipped; i++) {
		free(r->skipped[i].file);
		free(r->skipped[i].reason);
	}
	for (i = 0; i < r->nfiles; i++) {
		free(r->files[i].path);
		free(r->files[i].abs);
		free(r->files[i].old_text);
		free(r->files[i].new_text);
	}
	free(r->items);
	free(r->skipped);
	free(r->files);
	free(r->module);
	free(r->go_version);
	ge_strv_free(r->platforms, r->nplatforms);
	ge_strv_free(r->platforms_unbuildable, r->nplatforms_unbuildable);
	free(r);
}

int ge_suggest_covered(size_t *out, const ge_report *r, const char *top)
{
	return ge_suggest_covered_each(out, NULL, r, top);
}

int ge_suggest_covered_each(size_t *out, unsigned char *marks, const ge_report *r, const char *top)
{
	sctx s;
	size_t i, j;
	int rc = 0;
	*out = 0;
	memset(&s, 0, sizeof(s));
	s.top = top;
	for (i = 0; i < r->ndiags && rc == 0; i++) {
		const ge_diag *d = &r->diags[i];
		size_t fi;
		if (d->status != GE_STATUS_NEW || !ge_kind_is_heap(d->kind) || !d->file[0])
			continue;
		for (fi = 0; fi < s.nfiles && strcmp(s.files[fi].rel, d->file) != 0; fi++)
			;
		if (fi == s.nfiles) {
			if (s.nfiles == s.fcap) {
				size_t nc = s.fcap ? s.fcap * 2 : 16;
				sfile *nf = realloc(s.files, nc * sizeof(*nf));
				if (!nf) {
					rc = oom();
					break;
				}
				s.files = nf;
				s.fcap = nc;
			}
			rc = ge_suggest__sfile_load(&s, &s.files[s.nfiles], d->file, d->package);
			s.nfiles++;
			if (rc == GE_ENOTFOUND) {
				rc = 0;
				continue;
			}
			if (rc < 0 || (rc = ge_suggest__find_in_file(&s, fi)) < 0)
				break;
		}
		for (j = 0; j < s.nc; j++)
			if (s.c[j].file == fi && d->line >= s.c[j].old_first &&
			    d->line <= s.c[j].old_last) {
				(*out)++;
				if (marks)
					marks[i] = 1;
				break;
			}
	}
	cleanup(&s);
	return rc;
}

int ge_suggest__rewrite(ge_buf *out, const char *src, size_t len, const char *ty)
{
	static const struct {
		const char *name;
		tyclass ty;
	} types[] = {{"int", TY_INT},
	             {"int64", TY_INT64},
	             {"signed", TY_SIGNED},
	             {"uint64", TY_UINT64},
	             {"unsigned", TY_UNSIGNED}};
	sctx s;
	char *text;
	size_t i, t;
	int rc;
	for (t = 0; t < sizeof(types) / sizeof(types[0]) && strcmp(types[t].name, ty); t++)
		;
	if (t == sizeof(types) / sizeof(types[0]))
		return ge_error_set(GE_EUSAGE, "unknown type class '%s'", ty);
	memset(&s, 0, sizeof(s));
	if (!(s.files = calloc(1, sizeof(*s.files))) || !(text = ge_strndup(src, len))) {
		free(s.files);
		return oom();
	}
	s.nfiles = s.fcap = 1;
	s.files[0].gofmt_clean = -1;
	if (!(s.files[0].rel = ge_strdup("x.go")) || !(s.files[0].pkg = ge_strdup("p")) ||
	    !(s.files[0].abs = ge_strdup("/x.go"))) {
		free(text);
		rc = oom();
		goto done;
	}
	if ((rc = ge_suggest__sfile_scan(&s.files[0], text, len)) < 0 ||
	    (rc = ge_suggest__find_in_file(&s, 0)) < 0)
		goto done;
	for (i = 0; i < s.nc; i++) {
		ge_suggest__prefilter(&s, &s.c[i]);
		if (s.c[i].needs_probe)
			s.c[i].ty = types[t].ty;
		if (writer_rule(&s.c[i]))
			s.c[i].wt = W_BYTES;
	}
	rc = ge_suggest__render_file(out, &s, 0);
done:
	cleanup(&s);
	return rc;
}
