/*
 * lib/check: the commands' flows (see check.h).  Moved here from the CLI so
 * that cmd/goescape holds only tables, option checks and rendering.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "baseline.h"
#include "capture.h"
#include "check.h"
#include "goconfig.h"
#include "run.h"
#include "suggest.h"

void ge_check_result_release(ge_check_result *r)
{
	ge_check_result z = GE_CHECK_RESULT_INIT;
	ge_report_free(r->head);
	ge_report_free(r->base);
	free(r->base_desc);
	free(r->suggest);
	ge_cost_free(r->cost);
	ge_cost_sites_free(r->sites);
	ge_history_map_free(r->profile_map);
	free(r->baseline_path);
	ge_assert_result_free(r->asserts);
	*r = z;
}

static const char *top_of(const ge_check_opts *o)
{
	return o->h->build.mods->top;
}

/* The configured baseline as the user reads its name. */
static const char *baseline_shown(const ge_check_opts *o)
{
	return o->baseline           ? o->baseline
	       : o->config->baseline ? o->config->baseline
	                             : GE_BASELINE_DEFAULT;
}

/*
 * The configured or default baseline, the way the repository decides it:
 * refused (GE_EBADINPUT) when a symlink on the way leaves the module, else
 * the path with every symlink resolved.  malloc'd into *out.
 */
static int repo_baseline(char **out, const ge_check_opts *o)
{
	char *joined, msg[1024];
	int rc;
	*out = NULL;
	joined = ge_path_join(top_of(o),
	                      o->config->baseline ? o->config->baseline : GE_BASELINE_DEFAULT);
	if (!joined)
		return ge_error_set(GE_ENOMEM, "out of memory");
	rc = ge_path_check_inside(out, top_of(o), joined);
	free(joined);
	if (rc < 0 && rc != GE_ENOMEM) {
		snprintf(msg, sizeof(msg), "%s", ge_error_last());
		rc = ge_error_set(rc, "baseline %s", msg);
	}
	return rc;
}

/*
 * --input cut before a package's block (a build killed after the first
 * packages, a log kept in part) would count that package's escapes as
 * fixed.  A package the base has heap escapes in, whose file is still
 * there, and that has no "# pkg" block in the input: GE_EBADINPUT.
 */
static int input_covers_base(const ge_report *base, const char *input, const char *top)
{
	const char *seen = NULL; /* the last package found in the input */
	size_t i;
	for (i = 0; i < base->ndiags; i++) {
		const ge_diag *d = &base->diags[i];
		struct stat st;
		char *path;
		int there;
		if (!ge_kind_is_heap(d->kind) || !d->package || !*d->package ||
		    (seen && strcmp(seen, d->package) == 0))
			continue;
		if (ge_capture_input_saw(d->package)) {
			seen = d->package;
			continue;
		}
		if (!(path = ge_path_join(top, d->file)))
			return ge_error_set(GE_ENOMEM, "out of memory");
		there = lstat(path, &st) == 0 && S_ISREG(st.st_mode);
		free(path);
		if (there)
			return ge_error_set(GE_EBADINPUT,
			                    "no compiler output for %s in '%s' (the base has heap "
			                    "escapes in '%s'): was the build cut short?",
			                    d->package, input, d->file);
	}
	return 0;
}

/* A report of the working tree: built, or read from --input. */
static int head_report(ge_check_result *out, const ge_check_opts *o)
{
	ge_history *h = o->h;
	int fd = 0, rc;
	if (!o->input) {
		if (o->profile && !out->sites &&
		    ge_cost_sites_new(&out->sites) < 0)
			return GE_ENOMEM;
		h->build.sites = out->sites; /* the head's build only, never the base's */
		rc = ge_history_worktree(&out->head, &out->status, h);
		h->build.sites = NULL;
		return ge_run_signalled() ? GE_EINTERRUPTED : rc;
	}
	/* The user's own file: a regular file or a FIFO, streamed; never a device. */
	if (strcmp(o->input, "-") != 0 && (rc = ge_file_open_stream(&fd, o->input)) < 0)
		return rc == GE_ENOTFOUND ? GE_EBADINPUT : rc;
	rc = ge_capture_input_pkgs(&out->head, fd, o->input, h->build.mods, h->build.cwd, h->pkgs,
	                           h->npkgs, h->build.vendored);
	if (fd > 0)
		close(fd);
	return rc;
}

/* A commit's report (note or in-place build). */
static int commit_report(ge_report **r, int *status, ge_history *h, const char *commit)
{
	int from_note = 0, rc;
	if (!h->git)
		return ge_error_set(GE_EUSAGE, "not inside a git repository");
	rc = ge_history_commit(r, status, h, commit, &from_note);
	return ge_run_signalled() ? GE_EINTERRUPTED : rc;
}

/*
 * A baseline recorded under another build configuration than the one the
 * head is built with: GE_EBADINPUT unless allowed, then a warning.  Only
 * the Go patch release differing is the older warning of the caller.
 * *warned tells the caller a line was printed.
 */
static int baseline_config_ok(const ge_report *base, const ge_check_opts *o, int *warned)
{
	const ge_goconfig *now = NULL;
	ge_buf what = GE_BUF_INIT;
	int d, rc = 0;
	*warned = 0;
	if (!base->config || ge_history_config(&now, o->h) < 0)
		return 0; /* an older baseline, or nothing to compare with: as before */
	d = ge_goconfig_compare(base->config, now, &what);
	if (d == 2 && o->allow_config_mismatch) {
		ge_history_warn(
		    o->h,
		    "goescape: warning: the baseline '%s' was recorded under another build "
		    "configuration (%s)",
		    baseline_shown(o), ge_buf_cstr(&what));
		*warned = 1;
	} else if (d == 2) {
		rc = ge_error_set(
		    GE_EBADINPUT,
		    "the baseline '%s' was recorded under another build configuration "
		    "(%s): record it again with 'goescape baseline', or compare anyway "
		    "with --allow-config-mismatch",
		    baseline_shown(o), ge_buf_cstr(&what));
	}
	ge_buf_release(&what);
	return rc;
}

/*
 * --profile-commit REV, before any build: the profile's positions are
 * REV's, mapped to the report's (of to_commit, or the working tree when
 * NULL) as check maps a base.  A bad REV fails here (exit 2).
 */
static int profile_map_load(ge_check_result *out, const ge_check_opts *o, const char *to_commit)
{
	int rc;
	if (!o->profile || !o->profile_commit)
		return 0;
	if (!o->h->git)
		return ge_error_set(GE_EUSAGE, "--profile-commit needs a git repository");
	if ((rc = ge_git_resolve(out->profile_commit, o->h->git, o->profile_commit)) < 0)
		return rc;
	return ge_history_map_new(&out->profile_map, o->h, out->profile_commit, to_commit);
}

/* Join the profile with r (sorted, matched, filtered); its warnings to on_warning. */
static int profile_join(ge_check_result *out, const ge_check_opts *o, const ge_report *r)
{
	ge_cost_opts co = GE_COST_OPTS_INIT;
	size_t i;
	int rc;
	if (!o->profile)
		return 0;
	co.sample = o->profile_sample ? o->profile_sample : "alloc_space";
	co.profile_name = o->profile_name;
	co.mods = o->h->build.mods;
	co.sites = out->sites;
	co.map = ge_history_map_get(out->profile_map);
	co.commit = out->profile_map ? out->profile_commit : NULL;
	if ((rc = ge_cost_join(&out->cost, o->profile, r, &co)) < 0)
		return rc;
	for (i = 0; i < out->cost->nwarnings; i++)
		ge_history_warn(o->h, "goescape: warning: %s", out->cost->warnings[i]);
	return 0;
}

/* The base: the merge-base's report, or the baseline file (read before any build). */
static int load_base(ge_check_result *out, const ge_check_opts *o, int *cfg_warned)
{
	ge_history *h = o->h;
	char rev[GE_OID_HEX], headc[GE_OID_HEX];
	char *blpath = NULL;
	int rc;
	if (o->base) {
		if (!h->git)
			return ge_error_set(GE_EUSAGE, "check: --base needs a git repository");
		if ((rc = ge_git_resolve(rev, h->git, o->base)) < 0 ||
		    (rc = ge_git_head(headc, h->git)) < 0 ||
		    (rc = ge_git_merge_base(out->base_commit, h->git, rev, headc)) < 0)
			return rc;
		return 0;
	}
	if (o->baseline)
		blpath = ge_strdup(o->baseline);
	else if ((rc = repo_baseline(&blpath, o)) < 0)
		return rc;
	if (!blpath)
		return ge_error_set(GE_ENOMEM, "out of memory");
	rc = ge_baseline_load(&out->base, blpath);
	free(blpath);
	if (rc < 0)
		return rc;
	if (!o->input && (rc = baseline_config_ok(out->base, o, cfg_warned)) < 0)
		return rc;
	/* Named packages: the baseline's other packages are not compared. */
	if ((rc = ge_capture_keep_named(out->base, h->pkgs, h->npkgs, h->build.mods,
	                                h->build.cwd)) < 0)
		return rc;
	if (h->git && out->base->commit && ge_git_resolve(rev, h->git, out->base->commit) == 0)
		memcpy(out->base_commit, rev, sizeof(rev));
	return 0;
}

/*
 * The head's source assertions, whatever the base says.  head is the report
 * just built (noescape is read from it); with --input the same file is read
 * again ('-' cannot be: then only noescape is checked, and said).
 */
static int check_assertions(ge_check_result *out, const ge_check_opts *o)
{
	ge_assert_opts ao = GE_ASSERT_OPTS_INIT;
	ge_assert_opts_off(&ao, o->config->assert_off);
	if (o->input && strcmp(o->input, "-") != 0)
		ao.input = o->input;
	else
		ao.head = out->head;
	if (o->input && !ao.input) {
		ao.off[GE_ASSERT_INLINE] = ao.off[GE_ASSERT_BCE] = 1;
		ge_history_warn(o->h, "goescape: warning: with --input - only noescape assertions "
		                      "are checked");
	}
	return ge_assert_run(&out->asserts, o->h, &ao);
}

int ge_check_run(ge_check_result *out, const ge_check_opts *o)
{
	ge_history *h = o->h;
	const ge_config *cfg = o->config;
	const char *base_commit;
	ge_buf desc = GE_BUF_INIT;
	int rc, cfg_warned = 0;

	h->rebuild = o->rebuild_base;
	if ((rc = profile_map_load(out, o, NULL)) < 0)
		goto done;
	/* The base first: a bad revision or baseline fails before any build. */
	if ((rc = load_base(out, o, &cfg_warned)) < 0)
		goto done;
	base_commit = out->base_commit[0] ? out->base_commit : NULL;
	if ((rc = head_report(out, o)) < 0)
		goto done;
	if (!out->base && (rc = commit_report(&out->base, &out->status, h, base_commit)) < 0)
		goto done;
	if (o->input && (rc = input_covers_base(out->base, o->input, top_of(o))) < 0)
		goto done;
	if (!cfg_warned && out->base->go_version && out->head->go_version &&
	    strcmp(out->base->go_version, out->head->go_version))
		ge_history_warn(
		    h, "goescape: warning: the base was analysed with %s, the head with %s",
		    out->base->go_version, out->head->go_version);
	if ((rc = ge_history_match(out->head, out->base, h, base_commit, NULL)) < 0 ||
	    (rc = ge_config_filter(cfg, out->head, top_of(o))) < 0)
		goto done;
	out->failing = ge_config_failing(cfg, out->head);
	if ((rc = profile_join(out, o, out->head)) < 0)
		goto done;
	if (out->cost && (o->fail_min_bytes > 0 || cfg->fail_min_share > 0))
		out->failing = ge_cost_failing(out->head, out->cost, cfg->fail_on,
		                               o->fail_min_bytes, cfg->fail_min_share);
	if (out->failing) {
		out->suggest = calloc(out->head->ndiags ? out->head->ndiags : 1, 1);
		if (out->suggest && ge_suggest_covered_each(&out->suggest_covered, out->suggest,
		                                            out->head, top_of(o)) < 0)
			out->suggest_covered = 0;
	}
	if (out->failing && !o->input && o->explain && (rc = ge_history_explain(h, out->head)) < 0)
		goto done;
	if (o->base)
		rc = ge_buf_printf(&desc, "the merge-base %.12s of %s", out->base_commit, o->base);
	else
		rc = ge_buf_printf(&desc, "the baseline %s", baseline_shown(o));
	if (rc < 0)
		goto done;
	out->base_desc = ge_buf_detach(&desc);
	rc = check_assertions(out, o);
done:
	ge_buf_release(&desc);
	return rc;
}

int ge_check_report(ge_check_result *out, const ge_check_opts *o)
{
	char commit[GE_OID_HEX];
	int rc;
	if (o->commit) {
		if (!o->h->git)
			return ge_error_set(GE_EUSAGE, "report: --commit needs a git repository");
		if ((rc = ge_git_resolve(commit, o->h->git, o->commit)) < 0 ||
		    (rc = profile_map_load(out, o, commit)) < 0 ||
		    (rc = commit_report(&out->head, &out->status, o->h, commit)) < 0)
			return rc;
	} else if ((rc = profile_map_load(out, o, NULL)) < 0 || (rc = head_report(out, o)) < 0 ||
	           (rc = ge_config_filter(o->config, out->head, top_of(o))) < 0) {
		return rc;
	}
	return profile_join(out, o, out->head);
}

int ge_check_baseline(ge_check_result *out, const ge_check_opts *o, const char *path)
{
	int rc;
	/* Where it goes first: a baseline path that leaves the module fails before any build. */
	if (path && !(out->baseline_path = ge_strdup(path)))
		return ge_error_set(GE_ENOMEM, "out of memory");
	if (!path && (rc = repo_baseline(&out->baseline_path, o)) < 0)
		return rc;
	out->baseline_shown = path ? out->baseline_path : baseline_shown(o);
	if ((rc = head_report(out, o)) < 0)
		return rc;
	return ge_baseline_write(out->baseline_path, out->head);
}

int ge_check_provenance_load(ge_check_provenance *p, ge_git *git, const char *srcroot, int argc,
                             char *const *argv)
{
	ge_buf b = GE_BUF_INIT;
	int i, rc = 0;
	memset(p, 0, sizeof(*p));
	p->srcroot = srcroot;
	if (git) {
		p->repo_root = ge_git_workdir(git);
		p->repo_uri = ge_git_origin_url(git);
		p->branch = ge_git_branch(git);
		if (ge_git_head(p->head, git) < 0)
			p->head[0] = '\0';
	}
	for (i = 0; rc == 0 && i < argc; i++) {
		if (i)
			rc = ge_buf_putc(&b, ' ');
		if (rc == 0 && strpbrk(argv[i], " \t'\""))
			rc = ge_buf_printf(&b, "'%s'", argv[i]);
		else if (rc == 0)
			rc = ge_buf_puts(&b, argv[i]);
	}
	if (rc < 0 || !(p->command_line = ge_buf_detach(&b))) {
		ge_buf_release(&b);
		ge_check_provenance_release(p);
		return ge_error_set(GE_ENOMEM, "out of memory");
	}
	ge_error_clear();
	return 0;
}

void ge_check_provenance_release(ge_check_provenance *p)
{
	free(p->repo_uri);
	free(p->branch);
	free(p->command_line);
	memset(p, 0, sizeof(*p));
}

void ge_check_provenance_apply(ge_sarif_opts *so, const ge_check_provenance *p)
{
	so->srcroot = p->srcroot;
	so->repo_root = p->repo_root;
	so->repo_uri = p->repo_uri;
	so->branch = p->branch;
	so->revision = p->head[0] ? p->head : NULL;
	so->command_line = p->command_line;
}

/* The module's directory relative to the repository's, with '/', for links ("" at the top). */
char *ge_check_link_prefix(const ge_git *git, const char *top)
{
	const char *wd = git ? ge_git_workdir(git) : NULL;
	size_t n;
	if (!wd || !top)
		return NULL;
	n = strlen(wd);
	while (n && wd[n - 1] == '/')
		n--;
	if (strncmp(top, wd, n) != 0 || (top[n] && top[n] != '/'))
		return NULL;
	top += n;
	while (*top == '/')
		top++;
	if (!*top)
		return ge_strdup("");
	{
		ge_buf b = GE_BUF_INIT;
		if (ge_buf_printf(&b, "%s/", top) < 0) {
			ge_buf_release(&b);
			return NULL;
		}
		return ge_buf_detach(&b);
	}
}

int ge_check_profile_commit(ge_check_result *out, const ge_check_opts *o)
{
	return profile_map_load(out, o, NULL);
}

int ge_check_suggest_rank(ge_buf *text, ge_check_result *out, const ge_check_opts *o,
                          const ge_suggest_result *r)
{
	ge_cost_opts co = GE_COST_OPTS_INIT;
	ge_cost_pos *pos = NULL;
	ge_buf labels = GE_BUF_INIT;
	size_t *order = NULL, i;
	int rc = 0;
	if (!o->profile)
		return 0;
	if (!(pos = calloc(r->nitems ? r->nitems : 1, sizeof(*pos))))
		return ge_error_set(GE_ENOMEM, "out of memory");
	/* One label per rewrite, NUL-separated in one buffer (it may move while growing). */
	for (i = 0; i < r->nitems && rc == 0; i++)
		rc = ge_buf_printf(&labels, "%s  %s%c", r->items[i].function, r->items[i].rule, 0);
	for (i = 0; i < r->nitems && rc == 0; i++) {
		pos[i].file = r->items[i].file;
		pos[i].line = r->items[i].line;
		pos[i].label = i ? pos[i - 1].label + strlen(pos[i - 1].label) + 1 : labels.ptr;
	}
	co.sample = o->profile_sample ? o->profile_sample : "alloc_space";
	co.profile_name = o->profile_name;
	co.mods = o->h->build.mods;
	co.map = ge_history_map_get(out->profile_map);
	co.commit = out->profile_map ? out->profile_commit : NULL;
	if (rc == 0 && (rc = ge_cost_rank(&out->cost, &order, o->profile, pos, r->nitems, &co)) == 0) {
		for (i = 0; i < out->cost->nwarnings; i++)
			ge_history_warn(o->h, "goescape: warning: %s", out->cost->warnings[i]);
		rc = ge_cost_rank_text(text, out->cost, order, pos, r->nitems, 0);
	}
	free(order);
	free(pos);
	ge_buf_release(&labels);
	return rc;
}

/* See check.h. */
int ge_check_suggest_output(ge_buf *out, const char *format, const ge_suggest_result *r,
                            const ge_check_result *rank, const ge_history *h,
                            const ge_check_provenance *p)
{
	const ge_diag_cost *cost = rank && rank->cost ? rank->cost->diags : NULL;
	const char *wd = h->git ? ge_git_workdir(h->git) : NULL;
	const char *sub = wd ? ge_path_within(h->build.mods->top, wd) : NULL;
	ge_buf prefix = GE_BUF_INIT;
	int rc;
	if (strcmp(format, "sarif") == 0) {
		ge_sarif_opts sa = GE_SARIF_OPTS_INIT;
		if (!p)
			return GE_ERROR;
		ge_check_provenance_apply(&sa, p);
		sa.cost = cost;
		sa.ncost = cost ? r->nitems : 0;
		return ge_suggest_sarif(out, r, &sa);
	}
	if (strcmp(format, "json") == 0)
		return ge_suggest_json_cost(out, r, cost);
	if (sub && ge_buf_printf(&prefix, "%s/", sub) < 0)
		return ge_error_set(GE_ENOMEM, "out of memory");
	rc = ge_suggest_diff(out, r, ge_buf_cstr(&prefix));
	ge_buf_release(&prefix);
	return rc;
}
