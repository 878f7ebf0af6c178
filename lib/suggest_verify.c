/* Verification: the rounds of compiler builds, and --test. */
#include "suggest_int.h"

#include "asserts.h"
#include "cost.h"
#include "gopkg.h"

static uint32_t map_line(const uint32_t *map, size_t n, uint32_t line)
{
	uint32_t k;
	if (!map || line == 0 || line > n)
		return line;
	if (map[line - 1])
		return map[line - 1];
	for (k = line - 1; k > 0; k--)
		if (map[k - 1])
			return map[k - 1] + (line - k);
	return line;
}

int ge_suggest__cand_region(const cand *c, uint32_t *l1, uint32_t *l2)
{
	*l1 = c->new_first;
	*l2 = c->new_last;
	if (c->var == V_BUF && c->decl_line && c->decl_line < *l1)
		*l1 = c->decl_line;
	return 0;
}

/*
 * Render every file with enabled candidates, bring it to gofmt's layout
 * when the original was gofmt-clean, and write the overlay.  Two gofmt runs
 * at most: -l over this round's texts (and originals not yet checked), -w
 * over those that need it.
 */
int ge_suggest__prepare_round(sctx *s)
{
	ge_buf *pre = NULL;
	char **prepath = NULL, **argv = NULL;
	size_t i, j, argc = 0;
	int rc = 0, status = 0;
	ge_overlay_clear(&s->ov);
	if (!(pre = calloc(s->nfiles, sizeof(*pre))) ||
	    !(prepath = calloc(s->nfiles, sizeof(*prepath))) ||
	    !(argv = calloc(2 * s->nfiles + 4, sizeof(*argv)))) {
		rc = oom();
		goto done;
	}
	argv[argc++] = s->gofmt;
	argv[argc++] = (char *)"-l";
	for (i = 0; i < s->nfiles; i++) {
		sfile *f = &s->files[i];
		ge_buf p = GE_BUF_INIT;
		f->enabled = 0;
		for (j = 0; j < s->nc; j++)
			f->enabled += s->c[j].file == i && enabled(&s->c[j]);
		if (!f->enabled)
			continue;
		if ((rc = ge_suggest__render_file(&pre[i], s, i)) < 0)
			goto done;
		if ((rc = ge_buf_printf(&p, "%s/pre-%ld/%zu", s->workdir, (long)getpid(), i)) < 0 ||
		    (rc = ge_suggest__make_dirs(s, p.ptr)) < 0 ||
		    (rc = ge_buf_printf(&p, "/%s", base_name(f->rel))) < 0 ||
		    (rc = ge_suggest__write_plain(s, p.ptr, ge_buf_cstr(&pre[i]), pre[i].len)) <
		        0) {
			ge_buf_release(&p);
			goto done;
		}
		prepath[i] = ge_buf_detach(&p);
		argv[argc++] = prepath[i];
		if (f->gofmt_clean < 0)
			argv[argc++] = f->abs;
	}
	if (argc > 2) {
		const char *o;
		size_t nw = 2;
		if ((rc = ge_suggest__run_tool(s, &status, argv, s->top)) < 0)
			goto done;
		s->res->gofmt_runs++;
		o = ge_buf_cstr(&s->out);
		argv[1] = (char *)"-w";
		for (i = 0; i < s->nfiles; i++) {
			sfile *f = &s->files[i];
			size_t n;
			const char *hit;
			if (!prepath[i])
				continue;
			if (f->gofmt_clean < 0) {
				n = strlen(f->abs);
				f->gofmt_clean = 1;
				for (hit = strstr(o, f->abs); hit; hit = strstr(hit + 1, f->abs))
					if ((hit == o || hit[-1] == '\n') &&
					    (hit[n] == '\n' || !hit[n]))
						f->gofmt_clean = 0;
			}
			n = strlen(prepath[i]);
			for (hit = strstr(o, prepath[i]); hit; hit = strstr(hit + 1, prepath[i]))
				if ((hit == o || hit[-1] == '\n') && (hit[n] == '\n' || !hit[n]) &&
				    f->gofmt_clean == 1) {
					argv[nw++] = prepath[i];
					break;
				}
		}
		if (nw > 2) {
			argv[nw] = NULL;
			if ((rc = ge_suggest__run_tool(s, &status, argv, s->top)) < 0)
				goto done;
			s->res->gofmt_runs++;
		}
	}
	for (i = 0; i < s->nfiles; i++) {
		sfile *f = &s->files[i];
		ge_buf post = GE_BUF_INIT;
		uint32_t *map = NULL;
		size_t nmap = 0;
		char *backing = NULL;
		free(f->round_text);
		f->round_text = NULL;
		f->round_len = 0;
		if (!prepath[i])
			continue;
		if ((rc = ge_suggest__round_read(&post, f, prepath[i])) < 0)
			goto done;
		if (post.len != pre[i].len ||
		    memcmp(ge_buf_cstr(&post), ge_buf_cstr(&pre[i]), post.len)) {
			if ((rc = ge_udiff_linemap(&map, &nmap, ge_buf_cstr(&pre[i]), pre[i].len,
			                           ge_buf_cstr(&post), post.len)) < 0) {
				ge_buf_release(&post);
				goto done;
			}
			for (j = 0; j < s->nc; j++) {
				cand *c = &s->c[j];
				if (c->file != i || !enabled(c))
					continue;
				if (c->new_first > nmap || c->new_last > nmap ||
				    !map[c->new_first - 1] || !map[c->new_last - 1])
					c->cols_ok = 0;
				c->new_first = map_line(map, nmap, c->new_first);
				c->new_last = map_line(map, nmap, c->new_last);
				if (c->decl_line)
					c->decl_line = map_line(map, nmap, c->decl_line);
			}
			free(map);
		}
		f->round_len = post.len;
		f->round_text = ge_buf_detach(&post);
		if (!f->round_text && !(f->round_text = ge_strdup(""))) {
			rc = oom();
			goto done;
		}
		free(f->backing);
		f->backing = NULL;
		if ((rc = ge_suggest__write_backing(&backing, s, f->abs, f->round_text,
		                                    f->round_len)) < 0)
			goto done;
		f->backing = backing;
		if ((rc = ge_overlay_add(&s->ov, f->abs, backing)) < 0 ||
		    (rc = ge_suggest__site_lines(s, i)) < 0)
			goto done;
	}
	if (s->ov.n)
		rc = ge_suggest__overlay_write(s);
done:
	for (i = 0; pre && i < s->nfiles; i++)
		ge_buf_release(&pre[i]);
	for (i = 0; prepath && i < s->nfiles; i++)
		free(prepath[i]);
	free(pre);
	free(prepath);
	free(argv);
	return rc;
}

/* ---- verification ------------------------------------------------------------ */

static void out_line(const char *line, size_t len, void *ud)
{
	sctx *s = ud;
	if (s->out.len + len + 1 > MAX_OUTPUT)
		return;
	if (ge_buf_put(&s->out, line, len) == 0)
		(void)ge_buf_putc(&s->out, '\n');
}

/* ---- source assertions: a rewrite never breaks one (lib/asserts) -------------- */

/* Candidates of a file sharing a statement or lines, judged together (ge_suggest__evaluate). */
typedef struct unit {
	size_t file;
	uint32_t o1, o2, n1, n2;
	int skip;
} unit;

/* lib/asserts' view of suggest's build: no git (nothing stored), quiet. */
static void assert_history(ge_history *h, const sctx *s)
{
	memset(h, 0, sizeof(*h));
	h->build = s->o->build;
	h->build.on_output = NULL;
	h->build.verbose = 0;
	h->pkgs = s->o->pkgs;
	h->npkgs = s->o->npkgs;
}

/* Once, before the first round: whether there are assertions, and those broken without
 * rewrites (noescape from the base report; inline from one -m build go's cache answers). */
static int asserts_load(sctx *s)
{
	ge_history h;
	ge_assert_opts ao = GE_ASSERT_OPTS_INIT;
	ge_assert_scan *sc = NULL;
	int rc;
	if (s->asserts)
		return 0;
	assert_history(&h, s);
	ao.head = s->base;
	ge_assert_opts_off(&ao, s->o->assert_off);
	ao.off[GE_ASSERT_BCE] = 1;
	if ((rc = ge_assert_scan_new(&sc, &h, &ao)) < 0)
		return rc;
	ao.scan = sc;
	s->asserts = ge_assert_scan_wants_sites(sc) ? 3 : 2;
	rc = ge_assert_run(&s->abase, &h, &ao);
	s->res->go_runs += s->asserts == 3; /* inline's -m build of the tree as it is */
	if (rc == 0 && !s->abase->nassertions)
		s->asserts = 1;
	ge_assert_scan_free(sc);
	return rc;
}

void ge_suggest__asserts_release(sctx *s)
{
	ge_assert_result_free(s->abase);
	ge_cost_sites_free(s->asites);
	s->abase = NULL;
	s->asites = NULL;
}

/* A name's own part: "Get" of "b.(*T).Get", "Key" of "Key". */
static const char *own_name(const char *s, size_t *n)
{
	const char *e = s + strlen(s), *d = e;
	while (d > s && d[-1] != '.' && d[-1] != ')')
		d--;
	*n = (size_t)(e - d);
	return d;
}

/* Whether c sits in a function whose own name is callee's (of "call to b.Key was not
 * inlined": the callee grown past inlining). */
static int in_callee(const sctx *s, const cand *c, const char *reason)
{
	const char *b = strstr(reason, "call to "), *e, *fn, *own, *fo;
	char name[256];
	size_t n, fon;
	if (!b || !(e = strstr(b, " was not inlined")))
		return 0;
	b += strlen("call to ");
	n = (size_t)(e - b);
	if (n == 0 || n >= sizeof(name))
		return 0;
	memcpy(name, b, n);
	name[n] = '\0';
	own = own_name(name, &n);
	fn = ge_gopkg_func_at(s->files[c->file].pf, s->files[c->file].x->toks[c->first].line,
	                      s->files[c->file].x->toks[c->first].col);
	fo = own_name(fn, &fon);
	return fon == n && memcmp(fo, own, n) == 0;
}

/*
 * After a clean round: the assertions the round's build breaks that the
 * tree without rewrites does not.  The rewrites on a broken line go, with
 * "breaks //goescape:KIND at FILE:LINE"; for an inline one broken
 * elsewhere, the rewrites inside the callee (grown past inlining); when no
 * rewrite can be blamed, every rewrite of the round goes, so none is ever
 * proposed that breaks an assertion.
 */
static int asserts_judge(sctx *s, const ge_report *rep, unit *u, size_t nu, int *changed)
{
	ge_history h;
	ge_assert_result *ar = NULL;
	ge_gopkg_overlay ov;
	size_t i, j, k;
	int rc;
	if (s->asserts < 2)
		return 0;
	assert_history(&h, s);
	ov.real = s->ov.real;
	ov.backing = s->ov.backing;
	ov.n = s->ov.n;
	if ((rc = ge_assert_judge_overlay(&ar, &h, rep, s->asserts == 3 ? s->asites : NULL, &ov,
	                                  s->o->assert_off)) < 0)
		return rc;
	for (i = 0; i < ar->n; i++) {
		const ge_assert_violation *v = &ar->v[i];
		size_t owner = nu;
		int callee = 0;
		if (ge_assert_result_has(s->abase, v))
			continue;
		for (k = 0; k < nu && owner == nu; k++)
			if (strcmp(s->files[u[k].file].rel, v->file) == 0 && v->line >= u[k].n1 &&
			    v->line <= u[k].n2)
				owner = k;
		if (owner == nu && v->kind == GE_ASSERT_INLINE)
			for (j = 0; j < s->nc && !callee; j++)
				callee = enabled(&s->c[j]) && in_callee(s, &s->c[j], v->reason);
		for (j = 0; j < s->nc; j++) {
			cand *c = &s->c[j];
			if (!enabled(c) || (owner < nu && c->unit != owner) ||
			    (owner == nu && callee && !in_callee(s, c, v->reason)))
				continue;
			ge_suggest__reject(c, "breaks //goescape:%s at %s:%u",
			                   ge_assert_kind_name(v->kind), v->dfile, v->dline);
			*changed = 1;
		}
	}
	ge_assert_result_free(ar);
	return 0;
}

/* One -m build of the user's packages under the current overlay. */
int ge_suggest__verify_build(sctx *s, ge_report **rep, int *status)
{
	ge_capture_opts co = s->o->build;
	int rc, scoped = 0;
	if ((rc = asserts_load(s)) < 0)
		return rc;
	if (s->asserts == 3) { /* this round's inlining lines, for the inline assertions */
		ge_cost_sites_free(s->asites);
		s->asites = NULL;
		if ((rc = ge_cost_sites_new(&s->asites)) < 0)
			return rc;
		co.sites = s->asites;
	}
	co.on_output = out_line;
	co.ud = s;
	co.verbose = 0;
	co.ov_real = s->ov.real;
	co.ov_backing = s->ov.backing;
	co.nov = s->ov.n;
	co.tests = s->o->tests;
	/* Only the packages the overlay changes and what imports them, when that is
	   fewer than all (suggest_scope.c): the same report. */
	if ((rc = ge_suggest__verify_scoped(s, rep, status, &co, &scoped)) < 0 || scoped)
		return rc;
	ge_buf_clear(&s->out);
	rc = ge_capture_packages(rep, status, &co, s->o->pkgs, s->o->npkgs,
	                         s->ov.n ? s->ovfile : NULL);
	s->res->go_runs++;
	return rc; /* GE_EINTERRUPTED from lib/run when a signal ended the run */
}

/* Split the enabled candidates of a scope in two: the second half waits. */
static void split_scope(sctx *s, const char *file_pkg, int by_pkg, const char *why)
{
	size_t i, n = 0, half, k = 0;
	for (i = 0; i < s->nc; i++) {
		const cand *c = &s->c[i];
		const sfile *f = &s->files[c->file];
		n += c->state == C_TRIAL && strcmp(by_pkg ? f->pkg : f->rel, file_pkg) == 0;
	}
	if (!n)
		for (i = 0; i < s->nc; i++) {
			cand *c = &s->c[i];
			const sfile *f = &s->files[c->file];
			if (c->state == C_ACCEPTED &&
			    strcmp(by_pkg ? f->pkg : f->rel, file_pkg) == 0) {
				c->state = C_TRIAL;
				n++;
			}
		}
	if (!n)
		return;
	half = (n + 1) / 2;
	s->group_seq++;
	for (i = 0; i < s->nc; i++) {
		cand *c = &s->c[i];
		const sfile *f = &s->files[c->file];
		if (c->state != C_TRIAL || strcmp(by_pkg ? f->pkg : f->rel, file_pkg) != 0)
			continue;
		if (n == 1 && c->var == V_BUF && !by_pkg && !buffer_rule(c))
			c->var = V_NIL; /* its declaration may be what broke: try without */
		else if (n == 1)
			ge_suggest__reject(c, "%s", why);
		else if (k++ >= half) {
			c->state = C_PENDING;
			c->group = s->group_seq;
		}
	}
}

/* After a good round: tried becomes accepted, and each file's latest waiting group is tried. */
int ge_suggest__promote(sctx *s)
{
	size_t i, fi;
	int any = 0;
	for (i = 0; i < s->nc; i++)
		if (s->c[i].state == C_TRIAL)
			s->c[i].state = C_ACCEPTED;
	for (fi = 0; fi < s->nfiles; fi++) {
		unsigned g = 0;
		for (i = 0; i < s->nc; i++)
			if (s->c[i].file == fi && s->c[i].state == C_PENDING && !s->c[i].tpend &&
			    s->c[i].group > g)
				g = s->c[i].group;
		if (!g)
			continue;
		for (i = 0; i < s->nc; i++)
			if (s->c[i].state == C_PENDING && s->c[i].group == g) {
				s->c[i].state = C_TRIAL;
				any = 1;
			}
	}
	return any;
}

/* The compile errors of a failed round: drop what they point at, split the rest. */
int ge_suggest__handle_failure(sctx *s)
{
	cerrs errs = {NULL, 0, NULL, 0};
	size_t i, j, k;
	unsigned char *placed = NULL, *split = NULL;
	int rc, acted = 0;
	char line[200];
	char on[48] = "";
	if ((rc = ge_suggest__parse_errors(s, &errs, ge_buf_cstr(&s->out), s->out.len)) < 0)
		return rc;
	if (s->building_for)
		snprintf(on, sizeof(on), " on %s", s->building_for);
	if (!(placed = calloc(errs.n + 1, 1)) || !(split = calloc(s->nfiles + 1, 1))) {
		rc = oom();
		goto done;
	}
	for (i = 0; i < errs.n; i++) {
		const cerr *e = &errs.e[i];
		if (e->file == (size_t)-1 || !s->files[e->file].enabled)
			continue;
		for (j = 0; j < s->nc; j++) {
			cand *c = &s->c[j];
			uint32_t l1, l2;
			if (c->file != e->file || !enabled(c))
				continue;
			ge_suggest__cand_region(c, &l1, &l2);
			if (e->line >= l1 && e->line <= l2)
				placed[i] = 1;
		}
	}
	for (i = 0; i < errs.n; i++) {
		const cerr *e = &errs.e[i];
		if (!placed[i])
			continue;
		for (j = 0; j < s->nc; j++) {
			cand *c = &s->c[j];
			uint32_t l1, l2;
			if (c->file != e->file || !enabled(c))
				continue;
			ge_suggest__cand_region(c, &l1, &l2);
			if (e->line >= l1 && e->line <= l2) {
				ge_suggest__reject(c, "does not compile%s: %s", on, e->msg);
				acted = 1;
			}
		}
	}
	/* Not on a rewritten line: an import, or something a rewrite broke
	 * elsewhere.  Bisect the file, or the package when the file has none;
	 * each once per round. */
	for (i = 0; i < errs.n; i++) {
		const cerr *e = &errs.e[i];
		const sfile *f = e->file != (size_t)-1 ? &s->files[e->file] : NULL;
		const char *pkg = f ? f->pkg : e->pkg;
		int ours = 0;
		if (placed[i])
			continue;
		for (k = 0; k < s->nfiles; k++)
			ours |= s->files[k].enabled && strcmp(s->files[k].pkg, pkg) == 0;
		if (!ours)
			continue; /* a package that failed because one it imports did */
		if (strstr(e->msg, "strconv")) {
			/* The import goescape added clashes with something: every
			 * rewrite of the files that needed it goes. */
			int hit = 0;
			for (j = 0; j < s->nc; j++) {
				cand *c = &s->c[j];
				const sfile *cf = &s->files[c->file];
				if ((!enabled(c) && c->state != C_PENDING) || cf->sc_imported ||
				    cf->sc_dot || strcmp(cf->pkg, pkg) != 0 ||
				    (f && f->enabled && cf != f))
					continue;
				ge_suggest__reject(c, "package strconv cannot be imported here: %s",
				                   e->msg);
				hit = acted = 1;
			}
			if (hit)
				continue;
		}
		if (f && f->enabled && !f->keep_fmt && f->fmt_name && strstr(e->msg, f->fmt_name) &&
		    (strstr(e->msg, "not used") || strstr(e->msg, "undefined"))) {
			s->files[e->file].keep_fmt = 1;
			acted = 1;
			continue;
		}
		if (f && f->enabled) {
			ge_buf why = GE_BUF_INIT;
			if (split[e->file])
				continue;
			split[e->file] = 1;
			if (ge_buf_printf(&why, "does not compile%s: %s:%u: %s", on,
			                  base_name(f->rel), e->line, e->msg) < 0) {
				rc = oom();
				goto done;
			}
			split_scope(s, f->rel, 0, why.ptr);
			ge_buf_release(&why);
		} else {
			int seen = 0;
			for (k = 0; k < s->nfiles; k++)
				if (strcmp(s->files[k].pkg, pkg) == 0 && split[k])
					seen = 1;
			if (seen)
				continue;
			for (k = 0; k < s->nfiles; k++)
				if (strcmp(s->files[k].pkg, pkg) == 0)
					split[k] = 1;
			char why[96];
			snprintf(why, sizeof(why),
			         "does not compile%s with the rest of its package", on);
			split_scope(s, pkg, 1, why);
		}
		acted = 1;
	}
	if (!acted) {
		/* go failed without naming a file of ours: nothing can be verified. */
		ge_suggest__first_line(s, line, sizeof(line));
		for (i = 0; i < s->nc; i++)
			if (enabled(&s->c[i]) || s->c[i].state == C_PENDING)
				ge_suggest__reject(
				    &s->c[i], "go build%s with the rewrite failed: %s", on, line);
	}
done:
	free(placed);
	free(split);
	ge_suggest__cerrs_release(&errs);
	return rc;
}

static size_t select_diags(const ge_diag **out, const ge_report *r, const char *file, uint32_t l1,
                           uint32_t l2, const char *fn)
{
	size_t i, n = 0;
	for (i = 0; i < r->ndiags; i++) {
		const ge_diag *d = &r->diags[i];
		if (!ge_kind_is_heap(d->kind) || strcmp(d->file, file) != 0 || d->line < l1 ||
		    d->line > l2 || (fn && strcmp(d->function, fn) != 0))
			continue;
		out[n++] = d;
	}
	return n;
}

/*
 * The diagnostics of after with no partner in before.  A partner has the
 * same kind and subject; failing that, the same kind on the rewritten
 * lines of one unit (units[0..nu), or any when units is NULL): an
 * allocation whose subject quotes the rewritten expression, such as
 * "fmt.Sprintf(...) + s escapes to heap", is the same allocation after it.
 */
static size_t extras(const ge_diag **xs, const ge_diag **after, size_t na, const ge_diag **before,
                     size_t nb, unsigned char *used, const unit *units, size_t nu)
{
	size_t i, j, k, nx = 0;
	unsigned char *left = used + nb;
	memset(used, 0, nb + na);
	for (i = 0; i < na; i++) {
		for (j = 0; j < nb; j++)
			if (!used[j] && before[j]->kind == after[i]->kind &&
			    strcmp(before[j]->subject, after[i]->subject) == 0)
				break;
		if (j < nb)
			used[j] = 1;
		else
			left[i] = 1;
	}
	for (i = 0; i < na; i++) {
		if (!left[i])
			continue;
		for (j = 0; j < nb; j++) {
			int near = !units;
			if (used[j] || before[j]->kind != after[i]->kind)
				continue;
			for (k = 0; k < nu && !near; k++)
				near = !units[k].skip && after[i]->line >= units[k].n1 &&
				       after[i]->line <= units[k].n2 &&
				       before[j]->line >= units[k].o1 &&
				       before[j]->line <= units[k].o2;
			if (near)
				break;
		}
		if (j < nb)
			used[j] = 1;
		else
			xs[nx++] = after[i];
	}
	return nx;
}

/*
 * Judge a good round: buffers the compiler moved to the heap become nil;
 * a group of rewrites on the same lines must leave fewer heap diagnostics
 * there and none new; their functions must gain none.  Returns whether
 * anything changed.
 */
int ge_suggest__evaluate(sctx *s, const ge_report *rep, int *changed)
{
	const ge_diag **A = NULL, **B = NULL, **X = NULL, **FB = NULL;
	unsigned char *used = NULL;
	unit *u = NULL;
	size_t nu = 0, i, j, k,
	       cap = (rep->ndiags > s->base->ndiags ? rep->ndiags : s->base->ndiags) + 1;
	int rc = 0;
	*changed = 0;
	if (!(A = calloc(cap, sizeof(*A))) || !(B = calloc(cap, sizeof(*B))) ||
	    !(X = calloc(cap, sizeof(*X))) || !(FB = calloc(cap, sizeof(*FB))) ||
	    !(used = calloc(2 * cap, 1)) || !(u = calloc(s->nc + 1, sizeof(*u)))) {
		rc = oom();
		goto done;
	}
	/* Units: enabled candidates of a file sharing a statement or lines. */
	for (i = 0; i < s->nc; i++) {
		cand *c = &s->c[i];
		uint32_t l1, l2, o1, o2;
		if (!enabled(c))
			continue;
		/* Its lines, and those of the calls that inline a literal holding it. */
		ge_suggest__cand_span(c, &o1, &o2, &l1, &l2, s);
		for (k = 0; k < nu; k++)
			if (u[k].file == c->file && o1 <= u[k].o2 && o2 >= u[k].o1)
				break;
		for (j = 0; j < i && k == nu; j++)
			if (enabled(&s->c[j]) && s->c[j].file == c->file && s->c[j].stmt == c->stmt)
				k = s->c[j].unit;
		if (k == nu) {
			u[nu].file = c->file;
			u[nu].o1 = o1;
			u[nu].o2 = o2;
			u[nu].n1 = l1;
			u[nu].n2 = l2;
			nu++;
		} else {
			if (o1 < u[k].o1)
				u[k].o1 = o1;
			if (o2 > u[k].o2)
				u[k].o2 = o2;
			if (l1 < u[k].n1)
				u[k].n1 = l1;
			if (l2 > u[k].n2)
				u[k].n2 = l2;
		}
		c->unit = k;
	}
	/* Buffers the compiler put on the heap. */
	for (i = 0; i < s->nc; i++) {
		cand *c = &s->c[i];
		if (!enabled(c) || c->var != V_BUF)
			continue;
		for (j = 0; j < rep->ndiags; j++) {
			const ge_diag *d = &rep->diags[j];
			if (d->kind == GE_KIND_MOVED &&
			    (d->line == c->decl_line || ge_suggest__on_site(s, c, d, 1)) &&
			    strcmp(d->subject, c->bufname) == 0 &&
			    strcmp(d->file, s->files[c->file].rel) == 0) {
				if (buffer_rule(c)) {
					/* Without its stack buffer it would allocate as before. */
					ge_suggest__reject(c,
					                   "its stack buffer moves to the heap: %s",
					                   d->message);
					u[c->unit].skip = 1;
					*changed = 1;
					break;
				}
				c->var = V_NIL;
				c->decl_line = 0;
				u[c->unit].skip = 1;
				*changed = 1;
				break;
			}
		}
	}
	for (k = 0; k < nu; k++) {
		const char *file = s->files[u[k].file].rel;
		size_t nb, na, nx, hid = 0;
		if (u[k].skip)
			continue;
		/* Allocations no diagnostic shows that the unit's rewrites remove. */
		for (i = 0; i < s->nc; i++)
			if (enabled(&s->c[i]) && s->c[i].unit == k)
				hid += (size_t)s->c[i].hidden;
		nb = select_diags(B, s->base, file, u[k].o1, u[k].o2, NULL);
		na = select_diags(A, rep, file, u[k].n1, u[k].n2, NULL);
		nx = extras(X, A, na, B, nb, used, NULL, 0);
		for (i = 0; i < s->nc; i++) {
			cand *c = &s->c[i];
			if (!enabled(c) || c->unit != k)
				continue;
			if (nx)
				ge_suggest__reject(c, "adds a heap diagnostic: %s", X[0]->message);
			else if (na >= nb + hid)
				ge_suggest__reject(
				    c, "leaves %zu heap diagnostic%s on its lines (%zu before)", na,
				    na == 1 ? "" : "s", nb);
		}
		if (nx || na >= nb + hid) {
			u[k].skip = 1;
			*changed = 1;
		}
	}
	/* Functions: nothing new anywhere in a function holding a rewrite. */
	for (k = 0; k < nu; k++) {
		const char *file = s->files[u[k].file].rel;
		size_t nb = select_diags(B, s->base, file, u[k].o1, u[k].o2, NULL), f;
		for (f = 0; f < nb && !u[k].skip; f++) {
			const char *fn = B[f]->function;
			size_t nfb, nfa, nx, e, g;
			int seen = 0;
			for (g = 0; g < f; g++)
				seen |= strcmp(B[g]->function, fn) == 0;
			if (seen)
				continue;
			nfb = select_diags(FB, s->base, file, 0, UINT32_MAX, fn);
			nfa = select_diags(A, rep, file, 0, UINT32_MAX, fn);
			for (g = 0; g < nu; g++)
				if (u[g].file != u[k].file)
					u[g].skip |= 2;
			nx = extras(X, A, nfa, FB, nfb, used, u, nu);
			for (g = 0; g < nu; g++)
				u[g].skip &= ~2;
			for (e = 0; e < nx; e++) {
				size_t owner = nu;
				int theirs = 0;
				for (j = 0; j < nu; j++)
					if (u[j].file == u[k].file && X[e]->line >= u[j].n1 &&
					    X[e]->line <= u[j].n2) {
						if (u[j].skip)
							theirs = 1;
						else
							owner = j;
					}
				/*
				 * On the lines of a unit this round already judged (its
				 * buffer became nil, or it went): not this unit's doing.
				 * The next round, without it, judges this one again.
				 */
				if (theirs && owner == nu)
					continue;
				if (owner == nu)
					owner = k;
				for (i = 0; i < s->nc; i++) {
					cand *c = &s->c[i];
					if (enabled(c) && c->unit == owner)
						ge_suggest__reject(
						    c, "adds a heap diagnostic to %s: %s",
						    fn[0] ? fn : "package level", X[e]->message);
				}
				u[owner].skip = 1;
				*changed = 1;
			}
		}
	}
	if (!*changed)
		rc = asserts_judge(s, rep, u, nu, changed);
done:
	free(A);
	free(B);
	free(X);
	free(FB);
	free(used);
	free(u);
	return rc;
}

/* ---- tests ------------------------------------------------------------------- */

/* Did go test's output say pkg passed ("ok" or "?" with no test files)? */
static int test_passed(const char *out, const char *pkg)
{
	const char *p = out;
	size_t n = strlen(pkg);
	int ok = 0;
	while (*p) {
		const char *le = p + strcspn(p, "\n"), *q = p;
		int okline = strncmp(p, "ok", 2) == 0 || p[0] == '?',
		    fail = strncmp(p, "FAIL", 4) == 0;
		if (okline || fail) {
			while (q < le && *q != ' ' && *q != '\t')
				q++;
			while (q < le && (*q == ' ' || *q == '\t'))
				q++;
			if ((size_t)(le - q) >= n && strncmp(q, pkg, n) == 0 &&
			    (q + n == le || q[n] == '\t' || q[n] == ' ')) {
				if (fail)
					return 0;
				ok = 1;
			}
		}
		p = *le ? le + 1 : le;
	}
	return ok;
}

static uint64_t text_hash(const sfile *f)
{
	return ge_hash_bytes(GE_HASH_SEED, f->round_text ? f->round_text : "", f->round_len) | 1;
}

/* Whether pkg's tests pass without rewrites: 1, -1, or 0 unknown. */
static int base_known(const sctx *s, const char *pkg)
{
	size_t i;
	for (i = 0; i < s->nfiles; i++)
		if (strcmp(s->files[i].pkg, pkg) == 0 && s->files[i].base_tests)
			return s->files[i].base_tests;
	return 0;
}

static int in_pkg(const sctx *s, const cand *c, const char *pkg)
{
	return strcmp(s->files[c->file].pkg, pkg) == 0;
}

/*
 * The tests of pkg failed with its enabled rewrites: the ones not yet
 * tested are split, the second half waiting for the first to pass; a
 * single one is dropped.  When all were tested before, their combination
 * failed: all are tried again, in halves.
 */
static void test_split(sctx *s, const char *pkg)
{
	size_t i, n = 0, k = 0, half;
	for (i = 0; i < s->nc; i++)
		n += enabled(&s->c[i]) && !s->c[i].tested && in_pkg(s, &s->c[i], pkg);
	if (!n)
		for (i = 0; i < s->nc; i++)
			if (enabled(&s->c[i]) && in_pkg(s, &s->c[i], pkg)) {
				s->c[i].tested = 0;
				n++;
			}
	half = (n + 1) / 2;
	s->group_seq++;
	for (i = 0; i < s->nc; i++) {
		cand *c = &s->c[i];
		if (!enabled(c) || c->tested || !in_pkg(s, c, pkg))
			continue;
		if (n == 1) {
			ge_suggest__reject(c, "the package's tests fail with it");
		} else if (k++ >= half) {
			c->state = C_PENDING;
			c->tpend = 1;
			c->group = s->group_seq;
		}
	}
}

/* The tests of pkg passed: what ran is tested; the latest waiting group runs next. */
static int test_passed_pkg(sctx *s, const char *pkg)
{
	size_t i;
	unsigned g = 0;
	for (i = 0; i < s->nc; i++) {
		cand *c = &s->c[i];
		if (!in_pkg(s, c, pkg))
			continue;
		if (enabled(c))
			c->tested = 1;
		else if (c->state == C_PENDING && c->tpend && c->group > g)
			g = c->group;
	}
	if (!g)
		return 0;
	for (i = 0; i < s->nc; i++)
		if (s->c[i].state == C_PENDING && s->c[i].tpend && s->c[i].group == g) {
			s->c[i].state = C_TRIAL;
			s->c[i].tpend = 0;
		}
	return 1;
}

/* Run go test for pkgs with or without the overlay. */
static int go_test(sctx *s, char **pkgs, size_t n, int overlay)
{
	char **argv = calloc(n + 6, sizeof(*argv));
	size_t argc = 0, i;
	int rc, status = 0;
	if (!argv)
		return oom();
	argv[argc++] = (char *)s->o->build.go;
	argv[argc++] = (char *)"test";
	if (overlay) {
		argv[argc++] = (char *)"-overlay";
		argv[argc++] = s->ovfile;
	}
	for (i = 0; i < n; i++)
		argv[argc++] = pkgs[i];
	rc = ge_suggest__run_tool(s, &status, argv, s->top);
	s->res->go_runs++;
	free(argv);
	return rc;
}

/* Have pkg's files, as this round has them, passed their tests already? */
static int pkg_tested(const sctx *s, const char *pkg)
{
	size_t i;
	for (i = 0; i < s->nfiles; i++)
		if (s->files[i].enabled && strcmp(s->files[i].pkg, pkg) == 0 &&
		    s->files[i].tested_hash != text_hash(&s->files[i]))
			return 0;
	return 1;
}

/*
 * The packages whose rewritten files have not passed their tests yet run
 * them under the overlay.  A failing package is tested once more without
 * it: failing there too, nothing of it can be verified; passing, its
 * rewrites are bisected.
 */
int ge_suggest__run_tests(sctx *s, int *changed)
{
	char **pkgs = NULL, **bad = NULL, **unknown = NULL;
	size_t np = 0, nbad = 0, i, j, k;
	int rc = 0;
	*changed = 0;
	if (!(pkgs = calloc(s->nfiles + 1, sizeof(*pkgs))) ||
	    !(bad = calloc(s->nfiles + 1, sizeof(*bad))) ||
	    !(unknown = calloc(s->nfiles + 1, sizeof(*unknown)))) {
		rc = oom();
		goto done;
	}
	/*
	 * A package whose tried rewrites all went, or whose text now is one
	 * whose tests passed already (the half that failed was dropped): its
	 * waiting ones are next.  Without this they would wait for ever and
	 * leave the result without a word about them.
	 */
	for (i = 0; i < s->nc; i++) {
		const cand *c = &s->c[i];
		int live = 0;
		if (c->state != C_PENDING || !c->tpend)
			continue;
		for (j = 0; j < s->nc; j++)
			live |= enabled(&s->c[j]) && in_pkg(s, &s->c[j], s->files[c->file].pkg);
		if ((!live || pkg_tested(s, s->files[c->file].pkg)) &&
		    test_passed_pkg(s, s->files[c->file].pkg))
			*changed = 1;
	}
	if (*changed)
		goto done;
	for (i = 0; i < s->nfiles; i++) {
		sfile *f = &s->files[i];
		int dup = 0;
		if (!f->enabled || f->tested_hash == text_hash(f))
			continue;
		for (j = 0; j < np; j++)
			dup |= strcmp(pkgs[j], f->pkg) == 0;
		if (!dup)
			pkgs[np++] = f->pkg;
	}
	if (!np)
		goto done;
	if ((rc = go_test(s, pkgs, np, 1)) < 0)
		goto done;
	for (j = 0; j < np; j++) {
		if (test_passed(ge_buf_cstr(&s->out), pkgs[j])) {
			for (i = 0; i < s->nfiles; i++)
				if (s->files[i].enabled && strcmp(s->files[i].pkg, pkgs[j]) == 0)
					s->files[i].tested_hash = text_hash(&s->files[i]);
			*changed |= test_passed_pkg(s, pkgs[j]);
			continue;
		}
		bad[nbad++] = pkgs[j];
	}
	if (!nbad)
		goto done;
	*changed = 1;
	/* Each failing package once without the rewrites, unless known to pass. */
	for (j = 0, k = 0; j < nbad; j++)
		if (!base_known(s, bad[j]))
			unknown[k++] = bad[j];
	if (k && (rc = go_test(s, unknown, k, 0)) < 0)
		goto done;
	for (j = 0; j < k; j++)
		for (i = 0; i < s->nfiles; i++)
			if (strcmp(s->files[i].pkg, unknown[j]) == 0)
				s->files[i].base_tests =
				    test_passed(ge_buf_cstr(&s->out), unknown[j]) ? 1 : -1;
	for (j = 0; j < nbad; j++) {
		if (base_known(s, bad[j]) < 0) {
			for (i = 0; i < s->nc; i++)
				if ((enabled(&s->c[i]) || s->c[i].state == C_PENDING) &&
				    in_pkg(s, &s->c[i], bad[j]))
					ge_suggest__reject(
					    &s->c[i],
					    "the tests of %s fail without the rewrite too", bad[j]);
			continue;
		}
		test_split(s, bad[j]);
	}
done:
	free(pkgs);
	free(bad);
	free(unknown);
	return rc;
}

/* ---- platforms ----------------------------------------------------------------- */

extern char **environ;

/* Our environment with GOOS, GOARCH and CGO_ENABLED=0 of plat ("GOOS/GOARCH"). */
static int plat_env(char ***out, char vars[3][48], const char *plat)
{
	const char *slash = strchr(plat, '/');
	size_t n, k = 0, i;
	char **env;
	*out = NULL;
	for (n = 0; environ && environ[n]; n++)
		;
	if (!slash || !(env = calloc(n + 4, sizeof(*env))))
		return oom();
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "GOOS=", 5) && strncmp(environ[i], "GOARCH=", 7) &&
		    strncmp(environ[i], "CGO_ENABLED=", 12))
			env[k++] = environ[i];
	snprintf(vars[0], sizeof(vars[0]), "GOOS=%.*s", (int)(slash - plat), plat);
	snprintf(vars[1], sizeof(vars[1]), "GOARCH=%s", slash + 1);
	snprintf(vars[2], sizeof(vars[2]), "CGO_ENABLED=0");
	env[k++] = vars[0];
	env[k++] = vars[1];
	env[k++] = vars[2];
	*out = env;
	return 0;
}

/* A compile-only go build [-overlay] PKGS for plat; *ok whether it compiled. */
static int plat_build(sctx *s, int *ok, const char *plat, char **pkgs, size_t n, int overlay)
{
	char **argv = calloc(n + 8, sizeof(*argv)), **env = NULL, vars[3][48];
	size_t argc = 0, i, k;
	int rc, status = 0;
	*ok = 0;
	if (!argv)
		return oom();
	if ((rc = plat_env(&env, vars, plat)) < 0)
		goto done;
	argv[argc++] = (char *)s->o->build.go;
	/* Compile without linking (lib/gocmd): the same errors, no binary. */
	for (k = 0; k < GE_GOCMD_COMPILE_N; k++)
		argv[argc++] = (char *)ge_gocmd_compile_args[k];
	if (s->o->tests)
		argv[argc++] = (char *)"-test";
	if (overlay) {
		argv[argc++] = (char *)"-overlay";
		argv[argc++] = s->ovfile;
	}
	for (i = 0; i < n; i++)
		argv[argc++] = pkgs[i];
	rc = ge_suggest__run_tool_env(s, &status, argv, s->top, env);
	s->res->go_runs++;
	*ok = rc == 0 && ge_suggest__exited_ok(status);
done:
	free(env);
	free(argv);
	return rc;
}

/*
 * A round verified on the host: build it for every platform where the
 * packages build without the rewrites.  A failure is handled as the host's
 * (drop what the errors point at, bisect the rest), its reasons naming the
 * platform, and *changed says another round is due.  "The packages" are
 * those holding a candidate not rejected yet: the only ones a round can
 * change (a rejection is final, so no later round names another), not
 * every package with a heap diagnostic -- on client_golang that was the
 * whole module, 75 s per platform cold, for rewrites in 3 packages.
 */
int ge_suggest__platforms(sctx *s, int *changed)
{
	char **all = NULL, **mine = NULL;
	size_t nall = 0, nmine = 0, i, j, p;
	int rc = 0, ok;
	*changed = 0;
	if (!(all = calloc(s->nfiles + 1, sizeof(*all))) ||
	    !(mine = calloc(s->nfiles + 1, sizeof(*mine)))) {
		rc = oom();
		goto done;
	}
	for (i = 0; i < s->nfiles; i++) {
		int dup = 0, dupm = 0, cands = 0;
		for (j = 0; j < s->nc && !cands; j++)
			cands = s->c[j].file == i && s->c[j].state != C_REJECTED;
		for (j = 0; j < nall; j++)
			dup |= strcmp(all[j], s->files[i].pkg) == 0;
		if (!dup && cands)
			all[nall++] = s->files[i].pkg;
		for (j = 0; j < nmine; j++)
			dupm |= strcmp(mine[j], s->files[i].pkg) == 0;
		if (!dupm && s->files[i].enabled)
			mine[nmine++] = s->files[i].pkg;
	}
	for (p = 0; p < s->nplat && nmine; p++) {
		if (!s->plat_base[p]) {
			if ((rc = plat_build(s, &ok, s->plat[p], all, nall, 0)) < 0)
				goto done;
			s->plat_base[p] = ok ? 1 : -1;
		}
		if (s->plat_base[p] < 0)
			continue;
		if ((rc = plat_build(s, &ok, s->plat[p], mine, nmine, 1)) < 0)
			goto done;
		if (ok)
			continue;
		s->building_for = s->plat[p];
		rc = ge_suggest__handle_failure(s);
		s->building_for = NULL;
		*changed = 1;
		break;
	}
done:
	free(all);
	free(mine);
	return rc;
}
