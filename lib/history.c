/* Reports per commit: notes, in-place base builds through -overlay, matching. */
#define _XOPEN_SOURCE 700
#include "history.h"
#include "overlay.h"
#include "tidy.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int build_ok(int status)
{
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static int build_failed(int status)
{
	return ge_error_set(GE_EBUILD, "go build failed (exit status %d)",
	                    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/* ---- notes: one report per build configuration ---------------------------- */

/*
 * A note is a stream of report JSON objects, one per build configuration,
 * each exactly what "report --format json" prints, sorted by configuration
 * hash.  A note written by an older goescape is one report without a
 * configuration: its configuration is unknown and it is used for none.
 * Concatenating two notes (git notes merge -s union) keeps a valid stream.
 */
typedef struct note_set {
	ge_report **r;
	size_t n;
} note_set;

static void note_set_release(note_set *s)
{
	size_t i;
	for (i = 0; i < s->n; i++)
		ge_report_free(s->r[i]);
	free(s->r);
	s->r = NULL;
	s->n = 0;
}

/* Parse every report of a note text; stops at the first one that is not. */
static int note_parse(note_set *out, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	memset(out, 0, sizeof(*out));
	for (;;) {
		const char *stop;
		ge_report *r = NULL, **nr;
		while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'))
			p++;
		if (p >= end)
			break;
		/* One that does not parse ends the set. */
		if (ge_report_from_json_first(&r, &stop, p, (size_t)(end - p), "note") < 0)
			break;
		if (!(nr = realloc(out->r, (out->n + 1) * sizeof(*nr)))) {
			ge_report_free(r);
			note_set_release(out);
			return ge_error_set(GE_ENOMEM, "out of memory");
		}
		out->r = nr;
		out->r[out->n++] = r;
		p = stop;
	}
	ge_error_clear();
	return 0;
}

void ge_history_warn(const ge_history *h, const char *fmt, ...)
{
	ge_buf b = GE_BUF_INIT;
	va_list ap;
	if (!h->on_warning)
		return;
	va_start(ap, fmt);
	if (ge_buf_vprintf(&b, fmt, ap) == 0)
		h->on_warning(b.ptr, b.len, h->warning_ud);
	va_end(ap);
	ge_buf_release(&b);
}

static ge_goconfig *cur_config;
static void free_cur_config(void)
{
	ge_goconfig_free(cur_config);
	cur_config = NULL;
}

int ge_history_config(const ge_goconfig **out, ge_history *h)
{
	static char *const args[] = {(char *)"build", (char *)"-o", (char *)"/dev/null"};
	int rc;
	*out = NULL;
	if (!cur_config) {
		if ((rc = ge_goconfig_compute(&cur_config, h->build.go, args, 3, h->build.goflags,
		                              h->build.mods, h->build.cwd)) < 0)
			return rc;
		atexit(free_cur_config);
	}
	*out = cur_config;
	return 0;
}

/*
 * The index of the report of the current configuration in a note, or -1;
 * *warned counts the reports of it ignored with a warning.
 */
static long note_pick(ge_history *h, const note_set *s, const char *commit, const ge_goconfig *cfg,
                      size_t *warned)
{
	size_t i;
	for (i = 0; i < s->n; i++) {
		const ge_report *r = s->r[i];
		if (!r->config || strcmp(r->config->canonical, cfg->canonical) != 0)
			continue;
		if (!r->commit || strcmp(r->commit, commit) != 0) {
			ge_history_warn(
			    h,
			    "goescape: warning: ignoring the stored report on %.12s: it names "
			    "commit '%.40s'",
			    commit, r->commit ? r->commit : "(none)");
			(*warned)++;
			continue;
		}
		return (long)i;
	}
	return -1;
}

int ge_history_note_text(ge_report **out, size_t *warned, ge_history *h, const char *commit,
                         const char *text, size_t len)
{
	note_set s = {NULL, 0};
	const ge_goconfig *cfg;
	size_t nw = 0;
	long i;
	int rc;
	*out = NULL;
	if (warned)
		*warned = 0;
	if ((rc = ge_history_config(&cfg, h)) < 0)
		return rc;
	if (note_parse(&s, text, len) < 0) {
		ge_error_clear();
		return GE_ENOTFOUND;
	}
	if ((i = note_pick(h, &s, commit, cfg, &nw)) >= 0) {
		*out = s.r[i];
		s.r[i] = NULL;
		rc = 0;
	} else {
		rc = GE_ENOTFOUND;
	}
	if (warned)
		*warned = nw;
	note_set_release(&s);
	return rc;
}

int ge_history_note(ge_report **out, ge_history *h, const char *commit)
{
	ge_buf note = GE_BUF_INIT;
	const ge_goconfig *cfg;
	int rc;
	*out = NULL;
	if (!h->git || h->npkgs || h->rebuild)
		return GE_ENOTFOUND;
	if ((rc = ge_history_config(&cfg, h)) < 0)
		return rc;
	if ((rc = ge_git_note_read(&note, h->git, commit)) < 0) {
		ge_buf_release(&note);
		ge_error_clear();
		return GE_ENOTFOUND;
	}
	rc = ge_history_note_text(out, NULL, h, commit, note.ptr, note.len);
	ge_buf_release(&note);
	return rc;
}

static int cmp_by_config(const void *a, const void *b)
{
	const ge_report *x = *(ge_report *const *)a, *y = *(ge_report *const *)b;
	return strcmp(x->config->hash, y->config->hash);
}

/*
 * Store r (of a known configuration) in commit's note: the note keeps the
 * reports of other configurations that name this commit and drops the
 * rest (an older goescape's report, one naming another commit, the old
 * report of r's configuration).
 */
/* The last store_note() left the note holding its report (written or already so). */
static int store_held;

static int store_note(ge_history *h, const char *commit, const ge_report *r)
{
	ge_buf b = GE_BUF_INIT, old = GE_BUF_INIT;
	note_set s = {NULL, 0};
	ge_report **keep = NULL;
	size_t i, nk = 0;
	int rc = 0;
	store_held = 0;
	if (!h->git || h->no_store || h->npkgs || !r->config)
		return 0;
	if (ge_git_note_read(&old, h->git, commit) == 0) {
		/*
		 * The rebuild of a clean tree in the one configuration the note
		 * holds: the note is this report's JSON byte for byte, and
		 * nothing needs parsing or writing (reading the old note back
		 * through cJSON cost a quarter of a warm captured build).
		 */
		if ((rc = ge_report_to_json(&b, r)) < 0)
			goto done;
		if (old.len == b.len && memcmp(old.ptr, b.ptr, b.len) == 0) {
			store_held = 1;
			goto done;
		}
		ge_buf_clear(&b);
		if ((rc = note_parse(&s, old.ptr, old.len)) < 0)
			goto done;
	}
	if (!(keep = calloc(s.n + 1, sizeof(*keep)))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < s.n; i++)
		if (s.r[i]->config &&
		    strcmp(s.r[i]->config->canonical, r->config->canonical) != 0 &&
		    s.r[i]->commit && strcmp(s.r[i]->commit, commit) == 0)
			keep[nk++] = s.r[i];
	keep[nk++] = (ge_report *)r;
	qsort(keep, nk, sizeof(*keep), cmp_by_config);
	for (i = 0; i < nk && rc == 0; i++)
		rc = ge_report_to_json(&b, keep[i]);
	/* The same note again (a rebuild of a clean tree): no new notes commit. */
	if (rc == 0 && !(old.len == b.len && memcmp(old.ptr, b.ptr, b.len) == 0))
		rc = ge_git_note_write(h->git, commit, b.ptr);
	store_held = rc == 0;
	/* A lock in the way (a killed writer's, or held too long): say so, once, and go on. */
	if (rc == GE_ELOCKED || rc == GE_ECONFLICT) {
		ge_history_warn(h, "goescape: warning: %s", ge_error_last());
		rc = 0;
	}
done:
	free(keep);
	note_set_release(&s);
	ge_buf_release(&b);
	ge_buf_release(&old);
	return rc;
}

int ge_history_worktree(ge_report **out, int *status, ge_history *h)
{
	ge_report *r = NULL;
	ge_git_state before, after;
	int rc, have_before = 0;
	*out = NULL;
	/* What the build will see, to know afterwards whether it saw a commit. */
	if (h->git && ge_git_state_read(&before, h->git) == 0)
		have_before = 1;
	if ((rc = ge_capture_packages(&r, status, &h->build, h->pkgs, h->npkgs, NULL)) < 0)
		return rc;
	if (!build_ok(*status)) {
		ge_report_free(r);
		return build_failed(*status);
	}
	if (h->git && have_before && before.head[0]) {
		if ((rc = ge_git_state_read(&after, h->git)) < 0)
			goto fail;
		if ((rc = ge_report_set_meta(
		         r, r->go_version, r->module, after.head[0] ? after.head : NULL,
		         after.dirty || !ge_git_state_same(&before, &after))) < 0)
			goto fail;
		/* Stored only when nothing moved under the build: else it is nobody's. */
		if (!after.dirty && ge_git_state_same(&before, &after))
			(void)store_note(h, after.head,
			                 r); /* a cache: failing to store is not fatal */
	} else {
		r->dirty = h->git != NULL;
	}
	*out = r;
	return 0;
fail:
	ge_report_free(r);
	return rc;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_rf(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The overlay that turns the working tree into commit's tree. */
typedef struct overlay {
	ge_overlay map;
	char *file; /* the -overlay JSON, removed afterwards */
} overlay;

static void overlay_release(overlay *o)
{
	ge_overlay_clear(&o->map);
	if (o->file) {
		unlink(o->file);
		free(o->file);
	}
	memset(o, 0, sizeof(*o));
}

static int overlay_add(overlay *o, const char *workdir, const char *path, const char *backing)
{
	char *real = ge_path_join(workdir, path);
	int rc;
	if (!real)
		return ge_error_set(GE_ENOMEM, "out of memory");
	rc = ge_overlay_add(&o->map, real, backing);
	free(real);
	return rc;
}

/* Write a blob as <commondir>/goescape/blobs/<id>/<base name>, once. */
static int backing_file(ge_buf *path, ge_history *h, const char *blob, const char *repo_path)
{
	const char *base = strrchr(repo_path, '/');
	ge_buf content = GE_BUF_INIT;
	struct stat st;
	int rc;
	base = base ? base + 1 : repo_path;
	ge_buf_clear(path);
	if ((rc = ge_buf_printf(path, "%s/goescape/blobs/%s", ge_git_commondir(h->git), blob)) < 0)
		return rc;
	if ((rc = ge_mkdir_p(path->ptr)) < 0)
		return rc;
	if ((rc = ge_buf_printf(path, "/%s", base)) < 0)
		return rc;
	if (stat(path->ptr, &st) == 0)
		return 0; /* named by content: already right */
	if ((rc = ge_git_blob_read(&content, h->git, blob)) == 0)
		rc = ge_file_write_atomic(path->ptr, content.ptr, content.len, 0644);
	ge_buf_release(&content);
	return rc;
}

static int make_overlay(overlay *o, ge_history *h, const char *commit)
{
	ge_git_diff diff = GE_GIT_DIFF_INIT;
	ge_buf path = GE_BUF_INIT, json = GE_BUF_INIT;
	const char *wd = ge_git_workdir(h->git);
	size_t i;
	int rc;
	memset(o, 0, sizeof(*o));
	if ((rc = ge_git_diff_load(&diff, h->git, commit, NULL)) < 0)
		return rc;
	for (i = 0; i < diff.n && rc == 0; i++) {
		const ge_git_delta *d = &diff.d[i];
		if (d->new_path && ge_git_go_relevant(d->new_path) &&
		    (d->kind == GE_DELTA_ADDED || d->kind == GE_DELTA_RENAMED))
			rc = overlay_add(o, wd, d->new_path, "");
		if (rc == 0 && d->old_path && ge_git_go_relevant(d->old_path) &&
		    (rc = backing_file(&path, h, d->old_blob, d->old_path)) == 0)
			rc = overlay_add(o, wd, d->old_path, path.ptr);
	}
	if (rc < 0 || o->map.n == 0)
		goto done;
	rc |= ge_overlay_json(&json, &o->map);
	ge_buf_clear(&path);
	rc |= ge_buf_printf(&path, "%s/goescape", ge_git_commondir(h->git));
	if (rc) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	/* Only added files: no blob was written, so the directory may not exist yet. */
	if ((rc = ge_mkdir_p(path.ptr)) < 0)
		goto done;
	if ((rc = ge_buf_printf(&path, "/overlay-%ld.json", (long)getpid())) < 0)
		goto done;
	if ((rc = ge_file_write_atomic(path.ptr, json.ptr, json.len, 0644)) < 0)
		goto done;
	o->file = ge_buf_detach(&path);
done:
	if (rc < 0)
		overlay_release(o);
	ge_git_diff_release(&diff);
	ge_buf_release(&path);
	ge_buf_release(&json);
	return rc;
}

int ge_history_in_checkout(ge_history *h, const char *commit, int (*fn)(ge_history *hc, void *ud),
                           void *ud)
{
	ge_buf dir = GE_BUF_INIT;
	ge_modset mods = GE_MODSET_INIT;
	ge_history hc = *h;
	const char *wd = ge_git_workdir(h->git), *rel_cwd, *rel_top;
	char *cwd = NULL, *top = NULL, *lockpath = NULL;
	struct stat st;
	int rc, lockfd = -1, made = 0;
	if (!wd)
		return ge_error_set(GE_EUSAGE, "a bare repository has no work tree to build in");
	/*
	 * One checkout directory per commit, so that a later build of it replays
	 * from go's cache (the directory is part of the cache key); a lock next to
	 * it keeps a second goescape building the same commit at the same time
	 * from removing or refilling it under the first one's build.
	 */
	if ((rc = ge_buf_printf(&dir, "%s/goescape", ge_git_commondir(h->git))) < 0)
		return rc;
	if ((rc = ge_mkdir_p(dir.ptr)) < 0)
		goto done;
	if ((rc = ge_buf_printf(&dir, "/checkout-%s.lock", commit)) < 0)
		goto done;
	/* Removed when done (ge_tidy_unlock); one a killed run left, by ge_tidy_git. */
	if ((rc = ge_tidy_lock(&lockfd, dir.ptr, 1)) < 0)
		goto done;
	if (!(lockpath = ge_strdup(dir.ptr))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	dir.len -= strlen(".lock");
	dir.ptr[dir.len] = '\0';
	rm_rf(dir.ptr);
	made = 1;
	if ((rc = ge_mkdir_p(dir.ptr)) < 0 ||
	    (rc = ge_git_checkout_to(h->git, commit, dir.ptr)) < 0)
		goto done;
	rel_cwd = strcmp(h->build.cwd, wd) == 0 ? "" : ge_path_within(h->build.cwd, wd);
	rel_top = strcmp(h->build.mods->top, wd) == 0 ? "" : ge_path_within(h->build.mods->top, wd);
	cwd = ge_path_join(dir.ptr, rel_cwd ? rel_cwd : "");
	top = ge_path_join(dir.ptr, rel_top ? rel_top : "");
	if (!cwd || !top) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	/* The current directory may be new since the commit: build from the module root then. */
	if (stat(cwd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		free(cwd);
		if (!(cwd = ge_strdup(top))) {
			rc = ge_error_set(GE_ENOMEM, "out of memory");
			goto done;
		}
	}
	if ((rc = ge_modset_find(&mods, cwd, NULL)) < 0)
		goto done;
	hc.git = NULL; /* nothing of the checkout is stored */
	hc.build.cwd = cwd;
	hc.build.mods = &mods;
	rc = fn(&hc, ud);
done:
	if (made)
		rm_rf(dir.ptr);
	if (lockpath)
		ge_tidy_unlock(lockfd, lockpath); /* removes the file, releases the lock */
	else if (lockfd >= 0)
		close(lockfd);
	free(lockpath);
	ge_modset_release(&mods);
	free(cwd);
	free(top);
	ge_buf_release(&dir);
	return rc;
}

typedef struct checkout_build {
	ge_report **out;
	int *status;
} checkout_build;

static int build_in(ge_history *hc, void *ud)
{
	checkout_build *b = ud;
	ge_capture_opts co = hc->build;
	co.on_output = NULL; /* the caller shows the in-place attempt's messages */
	return ge_capture_packages(b->out, b->status, &co, hc->pkgs, hc->npkgs, NULL);
}

/* The fallback: a checkout of the commit in a directory of our own. */
static int build_checkout(ge_report **out, int *status, ge_history *h, const char *commit)
{
	checkout_build b;
	b.out = out;
	b.status = status;
	return ge_history_in_checkout(h, commit, build_in, &b);
}

static void progress(ge_history *h, const char *fmt, ...) GE_PRINTF(2, 3);
static void progress(ge_history *h, const char *fmt, ...)
{
	ge_buf b = GE_BUF_INIT;
	va_list ap;
	if (!h->on_progress)
		return;
	va_start(ap, fmt);
	if (ge_buf_vprintf(&b, fmt, ap) == 0)
		h->on_progress(b.ptr, b.len, h->progress_ud);
	va_end(ap);
	ge_buf_release(&b);
}

/* Collect go's lines (each with its newline) for later. */
static void hold_line(const char *line, size_t len, void *ud)
{
	ge_buf *b = ud;
	if (ge_buf_put(b, line, len) == 0)
		(void)ge_buf_putc(b, '\n');
}

/*
 * go names a replaced file by its backing path in error messages
 * (".git/goescape/blobs/<id>/x.go"): put the real file's path, relative to
 * where go ran, in its place so the messages point at the user's code.
 */
static int name_real_files(ge_buf *text, const overlay *o, const char *cwd)
{
	ge_buf out = GE_BUF_INIT;
	const char *p = ge_buf_cstr(text), *end = p + text->len;
	size_t i;
	while (p < end) {
		const char *hit = NULL, *tok = NULL;
		size_t best = 0, bi = 0;
		for (i = 0; i < o->map.n; i++) {
			const char *b = o->map.backing[i], *tail, *f;
			if (!b[0] || !(tail = strstr(b, "/goescape/blobs/")))
				continue;
			f = strstr(p, tail);
			if (f && (!hit || f < hit)) {
				hit = f;
				best = strlen(tail);
				bi = i;
			}
		}
		if (!hit) {
			if (ge_buf_put(&out, p, (size_t)(end - p)) < 0)
				goto oom;
			break;
		}
		/* The path token starts after the last space or line start before it. */
		for (tok = hit; tok > p && tok[-1] != ' ' && tok[-1] != '\n' && tok[-1] != '\t';
		     tok--)
			;
		if (ge_buf_put(&out, p, (size_t)(tok - p)) < 0)
			goto oom;
		{
			const char *rel = ge_path_within(o->map.real[bi], cwd);
			if (ge_buf_puts(&out, rel ? "./" : "") < 0 ||
			    ge_buf_puts(&out, rel ? rel : o->map.real[bi]) < 0)
				goto oom;
		}
		p = hit + best;
	}
	ge_buf_release(text);
	*text = out;
	return 0;
oom:
	ge_buf_release(&out);
	return ge_error_set(GE_ENOMEM, "out of memory");
}

int ge_history_commit(ge_report **out, int *status, ge_history *h, const char *commit,
                      int *from_note)
{
	ge_buf held = GE_BUF_INIT;
	ge_git_state before, after;
	int have_before = 0;
	overlay ov;
	ge_capture_opts co = h->build;
	ge_report *r = NULL;
	int rc;
	*out = NULL;
	*from_note = 0;
	*status = 0;
	if ((rc = ge_history_note(&r, h, commit)) == 0) {
		*out = r;
		*from_note = 1;
		return 0;
	}
	if (rc != GE_ENOTFOUND)
		return rc;
	r = NULL;
	/* The overlay is made from the working tree: it must not move under the build. */
	if (ge_git_state_read(&before, h->git) < 0)
		ge_error_clear();
	else
		have_before = 1;
	if ((rc = make_overlay(&ov, h, commit)) < 0)
		return rc;
	progress(h,
	         "goescape: no stored report for %.12s; building it in place (%zu file%s "
	         "differ%s)",
	         commit, ov.map.n, ov.map.n == 1 ? "" : "s", ov.map.n == 1 ? "s" : "");
	/*
	 * go's messages about the base are held back: when the in-place build
	 * fails and the checkout works, they were about the overlay, not the
	 * code; when both fail, the first attempt's are the ones to show.
	 */
	co.on_output = hold_line;
	co.ud = &held;
	co.ov_real = ov.map.real;
	co.ov_backing = ov.map.backing;
	co.nov = ov.map.n;
	rc = ge_capture_packages(&r, status, &co, h->pkgs, h->npkgs, ov.file);
	if (rc == 0 && !build_ok(*status))
		rc = name_real_files(&held, &ov, h->build.cwd);
	overlay_release(&ov);
	if (rc < 0)
		goto done;
	if (!build_ok(*status)) {
		ge_report_free(r);
		r = NULL;
		progress(h,
		         "goescape: the in-place build of %.12s failed; building a checkout of it",
		         commit);
		if ((rc = build_checkout(&r, status, h, commit)) < 0)
			goto done;
		if (!build_ok(*status)) {
			ge_report_free(r);
			r = NULL;
			if (h->build.on_output && held.len) {
				char head[80];
				int n =
				    snprintf(head, sizeof(head),
				             "goescape: the base %.12s does not build:", commit);
				h->build.on_output(head, (size_t)n, h->build.ud);
				h->build.on_output(held.ptr, held.len - 1, h->build.ud);
			}
			rc = build_failed(*status);
			goto done;
		}
	}
	ge_buf_release(&held);
	if ((rc = ge_report_set_meta(r, r->go_version, r->module, commit, 0)) < 0) {
		ge_report_free(r);
		return rc;
	}
	if (have_before && ge_git_state_read(&after, h->git) == 0 &&
	    ge_git_state_same(&before, &after))
		(void)store_note(h, commit, r);
	*out = r;
	return 0;
done:
	ge_buf_release(&held);
	return rc;
}

/* ---- matching through the diff ------------------------------------------ */

typedef struct fmap {
	const char *old_rel; /* report-relative */
	const char *new_rel; /* NULL when deleted */
	const ge_git_delta *d;
} fmap;

typedef struct map_ctx {
	fmap *m;
	size_t n;
} map_ctx;

static int cmp_fmap(const void *a, const void *b)
{
	return strcmp(((const fmap *)a)->old_rel, ((const fmap *)b)->old_rel);
}

static const fmap *find(const map_ctx *c, const char *file)
{
	fmap key = {0};
	key.old_rel = file;
	return c->n ? bsearch(&key, c->m, c->n, sizeof(*c->m), cmp_fmap) : NULL;
}

static const char *map_rename(const char *file, void *ud)
{
	const fmap *f = find(ud, file);
	return f && f->new_rel && strcmp(f->new_rel, file) ? f->new_rel : NULL;
}

static uint32_t map_line(const char *file, uint32_t line, void *ud)
{
	const fmap *f = find(ud, file);
	if (!f)
		return line;
	if (!f->new_rel)
		return 0;
	return ge_git_map_line(f->d, line);
}

/* A repo-relative path as a report path (relative to mods->top); NULL outside. */
static const char *report_rel(const char *repo_path, const char *prefix)
{
	size_t n = strlen(prefix);
	if (!n)
		return repo_path;
	if (strncmp(repo_path, prefix, n) == 0 && repo_path[n] == '/')
		return repo_path + n + 1;
	return NULL;
}

/* c's files of diff from base to head (NULL = the working tree), by old path. */
static int map_load(map_ctx *c, ge_git_diff *diff, ge_history *h, const char *prefix,
                    const char *base_commit, const char *head_commit)
{
	size_t i;
	int rc;
	if ((rc = ge_git_diff_load(diff, h->git, base_commit, head_commit)) < 0)
		return rc;
	c->m = calloc(diff->n ? diff->n : 1, sizeof(*c->m));
	if (!c->m)
		return ge_error_set(GE_ENOMEM, "out of memory");
	for (i = 0; i < diff->n; i++) {
		const ge_git_delta *d = &diff->d[i];
		const char *o;
		if (!d->old_path || !(o = report_rel(d->old_path, prefix)))
			continue;
		c->m[c->n].old_rel = o;
		c->m[c->n].new_rel = d->new_path ? report_rel(d->new_path, prefix) : NULL;
		c->m[c->n].d = d;
		c->n++;
	}
	qsort(c->m, c->n, sizeof(*c->m), cmp_fmap);
	return 0;
}

/* The report paths' directory in the repository ("" at its top); NULL outside it. */
static const char *report_prefix(ge_history *h)
{
	const char *wd = ge_git_workdir(h->git);
	return strcmp(h->build.mods->top, wd) == 0 ? "" : ge_path_within(h->build.mods->top, wd);
}

int ge_history_match(ge_report *head, const ge_report *base, ge_history *h, const char *base_commit,
                     const char *head_commit)
{
	ge_git_diff diff = GE_GIT_DIFF_INIT;
	map_ctx c = {NULL, 0};
	ge_match_map mm = {map_rename, map_line, &c};
	const char *prefix;
	int rc;
	if (!h->git || !base_commit)
		return ge_match(head, base, NULL);
	if (!(prefix = report_prefix(h)))
		return ge_match(head, base, NULL);
	if ((rc = map_load(&c, &diff, h, prefix, base_commit, head_commit)) == 0)
		rc = ge_match(head, base, &mm);
	free(c.m);
	ge_git_diff_release(&diff);
	return rc;
}

struct ge_history_map {
	ge_git_diff diff;
	map_ctx c;
	ge_match_map mm;
};

int ge_history_map_new(ge_history_map **out, ge_history *h, const char *from_commit,
                       const char *to_commit)
{
	ge_history_map *m;
	const char *prefix;
	int rc;
	*out = NULL;
	if (!h->git)
		return ge_error_set(GE_EUSAGE,
		                    "mapping lines from a commit needs a git repository");
	if (!(m = calloc(1, sizeof(*m))))
		return ge_error_set(GE_ENOMEM, "out of memory");
	m->mm.rename = map_rename;
	m->mm.map_line = map_line;
	m->mm.ud = &m->c;
	if ((prefix = report_prefix(h)) &&
	    (rc = map_load(&m->c, &m->diff, h, prefix, from_commit, to_commit)) < 0) {
		ge_history_map_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

const ge_match_map *ge_history_map_get(const ge_history_map *m)
{
	return m ? &m->mm : NULL;
}

void ge_history_map_free(ge_history_map *m)
{
	if (!m)
		return;
	free(m->c.m);
	ge_git_diff_release(&m->diff);
	free(m);
}

/*
 * Flags of a build that do not change what the compiler analyses, or whose
 * change the report's configuration records (-tags).
 */
static int neutral_flag(const char *a, int *takes_value)
{
	static const char *const with_value[] = {"-o", "-p", "-tags", NULL};
	static const char *const plain[] = {"-v", "-x", "-a", "-work", "-trimpath", NULL};
	size_t i;
	*takes_value = 0;
	if (a[0] == '-' && a[1] == '-')
		a++;
	for (i = 0; with_value[i]; i++) {
		size_t n = strlen(with_value[i]);
		if (strcmp(a, with_value[i]) == 0) {
			*takes_value = 1;
			return 1;
		}
		if (strncmp(a, with_value[i], n) == 0 && a[n] == '=')
			return 1;
	}
	for (i = 0; plain[i]; i++)
		if (strcmp(a, plain[i]) == 0)
			return 1;
	return strncmp(a, "-buildvcs", 9) == 0 || strncmp(a, "-mod=", 5) == 0;
}

int ge_history_build_storable(ge_history *h, char *const *args, size_t nargs)
{
	if (!h->git || h->no_store)
		return 0;
	return ge_history_args_storable(h->build.mods, h->build.cwd, args, nargs);
}

int ge_history_args_storable(const ge_modset *m, const char *cwd, char *const *args, size_t nargs)
{
	int whole = 0, tv;
	size_t i;
	/* GOFLAGS's -tags and -gcflags are in the report's configuration (lib/goconfig). */
	if (m->n != 1)
		return 0;
	for (i = 1; i < nargs; i++) {
		const char *a = args[i];
		if (a[0] == '-') {
			if (!neutral_flag(a, &tv))
				return 0;
			i += (size_t)tv;
			continue;
		}
		/* Exactly the whole module: "./..." from its root, or "MODULE/...". */
		if (whole)
			return 0;
		if (strcmp(a, "./...") == 0 && strcmp(cwd, m->top) == 0)
			whole = 1;
		else if (strncmp(a, m->mods[0].path, strlen(m->mods[0].path)) == 0 &&
		         strcmp(a + strlen(m->mods[0].path), "/...") == 0)
			whole = 1;
		else
			return 0;
	}
	return whole;
}

int ge_history_store_build(ge_history *h, const ge_report *r, const ge_git_state *before)
{
	ge_git_state now;
	/* Dirty before: never stored (the state now would have to be it, clean). */
	if (!h->git || h->no_store || before->dirty || ge_git_state_read(&now, h->git) < 0 ||
	    now.dirty || !now.head[0] || !ge_git_state_same(before, &now))
		return 0;
	{
		/* The report as a commit's: with its commit set. */
		ge_report *c = (ge_report *)r;
		char *old = c->commit;
		int old_dirty = c->dirty, rc;
		c->commit = now.head;
		c->dirty = 0;
		rc = store_note(h, now.head, c);
		c->commit = old;
		c->dirty = old_dirty;
		return rc < 0 ? rc : store_held;
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int ge_history_explain(ge_history *h, ge_report *head)
{
	const char **pk = NULL;
	char **args = NULL;
	size_t np = 0, i, j, na = 0;
	ge_report *ex = NULL;
	int status = 0, rc = 0;
	if (!head->ndiags)
		return 0;
	if (!(pk = calloc(head->ndiags, sizeof(*pk))))
		return ge_error_set(GE_ENOMEM, "out of memory");
	for (i = 0; i < head->ndiags; i++)
		if (head->diags[i].status == GE_STATUS_NEW &&
		    ge_kind_is_heap(head->diags[i].kind) && head->diags[i].package[0])
			pk[np++] = head->diags[i].package;
	qsort(pk, np, sizeof(*pk), cmp_str);
	for (i = 0, j = 0; i < np; i++)
		if (!j || strcmp(pk[j - 1], pk[i]))
			pk[j++] = pk[i];
	np = j;
	if (!np)
		goto done;
	/* -m=2 for exactly those packages: "P=-m=2" entries, then the packages. */
	if (!(args = calloc(np * 2, sizeof(*args)))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < np; i++) {
		ge_buf b = GE_BUF_INIT;
		if (ge_buf_printf(&b, "-gcflags=%s=-m=2", pk[i]) < 0) {
			rc = GE_ENOMEM;
			goto done;
		}
		args[na++] = ge_buf_detach(&b);
	}
	for (i = 0; i < np; i++)
		if (!(args[na++] = ge_strdup(pk[i]))) {
			rc = ge_error_set(GE_ENOMEM, "out of memory");
			goto done;
		}
	{
		ge_capture_opts co = h->build;
		co.on_output = NULL; /* the first build already showed go's messages */
		co.verbose = 0;
		if ((rc = ge_capture_packages(&ex, &status, &co, args, na, NULL)) < 0)
			goto done;
	}
	if (!build_ok(status))
		goto done; /* explanations are a bonus: go without them */
	/* Both reports are sorted the same way: walk them together. */
	for (i = 0, j = 0; i < head->ndiags && j < ex->ndiags;) {
		ge_diag *a = &head->diags[i];
		const ge_diag *b = &ex->diags[j];
		int c = strcmp(a->file, b->file);
		if (!c)
			c = a->line < b->line ? -1 : a->line > b->line;
		if (!c)
			c = a->column < b->column ? -1 : a->column > b->column;
		if (!c)
			c = a->kind < b->kind ? -1 : a->kind > b->kind;
		if (!c)
			c = strcmp(a->subject, b->subject);
		if (c < 0) {
			i++;
		} else if (c > 0) {
			j++;
		} else {
			if (b->explain && a->status == GE_STATUS_NEW && !a->explain) {
				char **nx =
				    realloc(head->explain, (head->nexplain + 1) * sizeof(*nx));
				if (!nx) {
					rc = ge_error_set(GE_ENOMEM, "out of memory");
					goto done;
				}
				head->explain = nx;
				head->explain_alloc = head->nexplain + 1;
				if (!(nx[head->nexplain] =
				          ge_strdup(ex->explain[b->explain - 1]))) {
					rc = ge_error_set(GE_ENOMEM, "out of memory");
					goto done;
				}
				a->explain = (uint32_t)++head->nexplain;
			}
			i++;
			j++;
		}
	}
done:
	ge_report_free(ex);
	ge_strv_free(args, na);
	free(pk);
	return rc;
}

/*
 * The replay cache: <git-common-dir>/goescape/replay/<key>, text:
 *
 *   goescape-replay 2
 *   head OID
 *   config HASH
 *   state D HASH            (the tree: D 0 clean, 1 dirty; HASH ge_git_state.hash)
 *   output H0 H1 H2 H3      (ge_capture_replay.got, 16 hex digits each)
 *   note OID                 (HEAD's note blob when the entry was made; 40 zeros: none)
 *   summary N
 *   N bytes: what the build printed after go's output
 *
 * The key hashes HEAD, the build's configuration hash, the bytes of
 * .goescape.json, goescape's version, the module root and whether the
 * tree is dirty; the file repeats HEAD, the configuration and the state,
 * so that a key collision is a miss.  A clean tree's entry and a dirty
 * one's have different keys: building the same commit clean and with an
 * edit in turn replays both.  A dirty tree's entry is the last dirty state
 * built on that HEAD (the state's hash is not in the key, so edits replace
 * one entry instead of adding one each).  Version 1 entries (no state
 * line) are misses, replaced by the next build.
 */
static int replay_path(ge_buf *out, ge_history *h, const ge_git_state *before,
                       const ge_goconfig *cfg)
{
	ge_buf conf = GE_BUF_INIT, p = GE_BUF_INIT;
	uint64_t k = GE_HASH_SEED;
	const char *top = h->build.mods->top;
	int rc;
	if ((rc = ge_buf_printf(&p, "%s/.goescape.json", top)) < 0)
		goto done;
	rc = ge_file_read_bounded(&conf, p.ptr, 1u << 20);
	if (rc == GE_ENOTFOUND) {
		ge_error_clear();
		rc = 0;
	} else if (rc < 0) {
		goto done;
	}
	k = ge_hash_bytes(k, before->head, strlen(before->head) + 1);
	k = ge_hash_bytes(k, cfg->hash, strlen(cfg->hash) + 1);
	k = ge_hash_bytes(k, ge_version(), strlen(ge_version()) + 1);
	k = ge_hash_bytes(k, top, strlen(top) + 1);
	k = ge_hash_bytes(k, rc == 0 && conf.ptr ? conf.ptr : "", conf.len);
	if (before->dirty)
		k = ge_hash_bytes(k, "dirty", 6);
	rc = ge_buf_printf(out, "%s/goescape/replay/%016llx", ge_git_commondir(h->git),
	                   (unsigned long long)k);
done:
	ge_buf_release(&conf);
	ge_buf_release(&p);
	return rc;
}

/* HEAD's note blob id into out, 40 zeros when it has none; < 0: it cannot be told. */
static int replay_note(char out[GE_OID_HEX], ge_history *h, const char *head)
{
	int rc = ge_git_note_oid(out, h->git, head);
	if (rc == GE_ENOTFOUND) {
		memset(out, '0', GE_OID_HEX - 1);
		out[GE_OID_HEX - 1] = '\0';
		rc = 0;
	}
	if (rc < 0)
		ge_error_clear();
	return rc;
}

/*
 * The entry at path, when it is for HEAD head in configuration cfg and
 * HEAD's note is still the one it was made with: 1, with the state it was
 * made in (dirty, hash), what go printed then (expect) and the summary
 * (malloc'd).  A bad or missing entry is 0, never an error: the build
 * stores a new one.
 */
typedef struct replay_entry {
	int ok, dirty;
	unsigned long long hash;
	uint64_t expect[4];
	char *summary;
} replay_entry;

static int replay_entry_read(replay_entry *e, ge_history *h, const char *path, const char *head,
                             const ge_goconfig *cfg)
{
	ge_buf text = GE_BUF_INIT;
	char ehead[GE_OID_HEX], conf[17], note[GE_OID_HEX], now[GE_OID_HEX];
	unsigned long long g[4];
	size_t n;
	int used = 0, i;
	memset(e, 0, sizeof(*e));
	if (ge_file_read_bounded(&text, path, 1u << 20) < 0)
		goto done;
	if (sscanf(ge_buf_cstr(&text),
	           "goescape-replay 2\nhead %40[0-9a-f]\nconfig %16[0-9a-f]\nstate %d %16llx\n"
	           "output %16llx %16llx %16llx %16llx\nnote %40[0-9a-f]\nsummary %zu\n%n",
	           ehead, conf, &e->dirty, &e->hash, &g[0], &g[1], &g[2], &g[3], note, &n,
	           &used) != 10 ||
	    !used || n != text.len - (size_t)used || strcmp(ehead, head) != 0 ||
	    strcmp(conf, cfg->hash) != 0)
		goto done;
	/* HEAD's note must still be the one there then (not removed, not rewritten). */
	if (replay_note(now, h, head) < 0 || strcmp(now, note) != 0 ||
	    !(e->summary = ge_strndup(text.ptr + used, n)))
		goto done;
	for (i = 0; i < 4; i++)
		e->expect[i] = g[i];
	e->ok = 1;
done:
	ge_error_clear();
	ge_buf_release(&text);
	return e->ok;
}

/* The entry e is for the state before: the fast path's expect and summary from it. */
static void replay_take(ge_history_replay *rp, replay_entry *e, const ge_git_state *before,
                        uint64_t expect[4], int *have)
{
	if (!e->ok || e->dirty != (before->dirty != 0) ||
	    e->hash != (unsigned long long)before->hash)
		return;
	memcpy(expect, e->expect, sizeof(e->expect));
	rp->summary = e->summary;
	e->summary = NULL;
	*have = 1;
}

/* Only a build that would be stored, or would be but for a dirty tree,
 * with the configuration known before go runs. */
static int replay_possible(ge_history *h)
{
	return h->git && !h->no_store && !ge_goconfig_spawns(h->build.go);
}

int ge_history_replay_load(ge_history_replay *rp, ge_history *h, const ge_git_state *before,
                           char *const *args, size_t nargs)
{
	ge_goconfig *cfg = NULL;
	ge_buf path = GE_BUF_INIT;
	replay_entry e = {0};
	int rc = 0;
	memset(rp, 0, sizeof(*rp));
	if (!replay_possible(h) || !before->head[0])
		return 0;
	if ((rc = ge_goconfig_compute(&cfg, h->build.go, args, nargs, h->build.goflags,
	                              h->build.mods, h->build.cwd)) < 0 ||
	    (rc = replay_path(&path, h, before, cfg)) < 0)
		goto done;
	memcpy(rp->config, cfg->hash, sizeof(rp->config));
	rp->state = *before;
	if (!(rp->path = ge_buf_detach(&path))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	if (replay_entry_read(&e, h, rp->path, before->head, cfg))
		replay_take(rp, &e, before, rp->cap.expect, &rp->cap.have);
	free(e.summary);
done:
	ge_goconfig_free(cfg);
	ge_buf_release(&path);
	return rc;
}

/*
 * ge_history_replay_begin's thread.  It alone writes rp's path, state
 * and summary and the fields below until joined; nothing reads them
 * before (cap.settle, ge_history_replay_state and _store join first).
 */
struct replay_beside {
	pthread_t thread;
	int joined;
	ge_history_replay *rp;
	ge_history *h;
	ge_goconfig *cfg;
	char head[GE_OID_HEX];
	char *path[2]; /* the clean entry's, the dirty one's */
	replay_entry ent[2];
	int state_ok;  /* rp->state was read */
	int have;      /* and the entry is this build's: */
	uint64_t expect[4];
};

static void *beside_main(void *arg)
{
	struct replay_beside *b = arg;
	ge_history_replay *rp = b->rp;
	if (ge_git_state_read(&rp->state, b->h->git) < 0) {
		ge_error_clear();
		return NULL;
	}
	b->state_ok = 1;
	/* HEAD moved since the entry was looked up: not this build's entry. */
	if (strcmp(rp->state.head, b->head) != 0 ||
	    !(rp->path = ge_strdup(b->path[rp->state.dirty != 0]))) {
		ge_error_clear();
		return NULL;
	}
	replay_take(rp, &b->ent[rp->state.dirty != 0], &rp->state, b->expect, &b->have);
	return NULL;
}

static void beside_join(struct replay_beside *b)
{
	if (!b->joined) {
		(void)pthread_join(b->thread, NULL);
		b->joined = 1;
	}
}

static void beside_settle(ge_capture_replay *cap, void *ud)
{
	ge_history_replay *rp = ud;
	beside_join(rp->beside);
	cap->have = rp->beside->have;
	memcpy(cap->expect, rp->beside->expect, sizeof(cap->expect));
}

static void beside_free(struct replay_beside *b)
{
	if (!b)
		return;
	beside_join(b);
	ge_goconfig_free(b->cfg);
	free(b->path[0]);
	free(b->path[1]);
	free(b->ent[0].summary);
	free(b->ent[1].summary);
	free(b);
}

int ge_history_replay_begin(ge_history_replay *rp, ge_history *h, char *const *args,
                            size_t nargs)
{
	struct replay_beside *b;
	ge_git_state key;
	ge_buf path = GE_BUF_INIT;
	int rc, k;
	memset(rp, 0, sizeof(*rp));
	if (!replay_possible(h))
		return 0;
	if (!(b = calloc(1, sizeof(*b))))
		return ge_error_set(GE_ENOMEM, "out of memory");
	b->rp = rp;
	b->h = h;
	b->joined = 1;
	memset(&key, 0, sizeof(key));
	if ((rc = ge_git_head(b->head, h->git)) < 0) {
		ge_error_clear();
		rc = 0;
		goto none;
	}
	memcpy(key.head, b->head, sizeof(key.head));
	if ((rc = ge_goconfig_compute(&b->cfg, h->build.go, args, nargs, h->build.goflags,
	                              h->build.mods, h->build.cwd)) < 0)
		goto none;
	for (k = 0; k < 2; k++) {
		key.dirty = k;
		ge_buf_clear(&path);
		if ((rc = replay_path(&path, h, &key, b->cfg)) < 0)
			goto none;
		if (!(b->path[k] = ge_strdup(ge_buf_cstr(&path)))) {
			rc = ge_error_set(GE_ENOMEM, "out of memory");
			goto none;
		}
		/* Checked here but for the state: a note or entry that is not this
		 * HEAD's is a miss known before go runs. */
		(void)replay_entry_read(&b->ent[k], h, b->path[k], b->head, b->cfg);
	}
	/* Only with the clean entry good: a clean tree's miss must store the
	 * note, which needs the state read first. */
	if (!b->ent[0].ok)
		goto none;
	memcpy(rp->config, b->cfg->hash, sizeof(rp->config));
	if ((k = ge_thread_start(&b->thread, beside_main, b)) != 0)
		goto none; /* no thread: the state is read first */
	b->joined = 0;
	rp->beside = b;
	rp->cap.have = 1; /* tentative: held until settled */
	rp->cap.settle = beside_settle;
	rp->cap.settle_ud = rp;
	ge_buf_release(&path);
	return 1;
none:
	ge_buf_release(&path);
	beside_free(b);
	memset(rp, 0, sizeof(*rp));
	return rc;
}

int ge_history_replay_state(const ge_history_replay *rp, ge_git_state *before)
{
	if (rp->beside) {
		beside_join(rp->beside);
		if (!rp->beside->state_ok)
			return GE_ERROR;
	}
	*before = rp->state;
	return 0;
}

int ge_history_replay_store(ge_history_replay *rp, ge_history *h, const ge_report *r,
                            const ge_git_state *before)
{
	if (!rp->beside)
		return ge_history_store_build(h, r, before);
	beside_join(rp->beside);
	/* The clean entry missed: the next build reads the state before go. */
	if (rp->beside->state_ok && !rp->state.dirty && rp->path)
		(void)unlink(rp->path);
	return 0;
}

int ge_history_replay_save(const ge_history_replay *rp, ge_history *h, const char *head,
                           const char *summary, size_t len)
{
	ge_buf b = GE_BUF_INIT, dir = GE_BUF_INIT;
	char note[GE_OID_HEX];
	const char *slash;
	ge_git_state now;
	int rc = 0;
	if (!rp->path || !(slash = strrchr(rp->path, '/')))
		return 0;
	/* A dirty tree's build stored nothing that read the state again: the
	 * entry is for the state it started in only if the tree is still in it. */
	if (rp->state.dirty &&
	    (ge_git_state_read(&now, h->git) < 0 || !ge_git_state_same(&rp->state, &now)))
		goto done;
	/* Best effort, as the note itself: a cache that cannot be written is a miss. */
	if (replay_note(note, h, head) < 0 ||
	    ge_buf_printf(&b,
	                  "goescape-replay 2\nhead %s\nconfig %s\nstate %d %016llx\n"
	                  "output %016llx %016llx %016llx %016llx\nnote %s\nsummary %zu\n",
	                  head, rp->config, rp->state.dirty != 0,
	                  (unsigned long long)rp->state.hash, (unsigned long long)rp->cap.got[0],
	                  (unsigned long long)rp->cap.got[1], (unsigned long long)rp->cap.got[2],
	                  (unsigned long long)rp->cap.got[3], note, len) < 0 ||
	    ge_buf_put(&b, summary, len) < 0 ||
	    ge_buf_put(&dir, rp->path, (size_t)(slash - rp->path)) < 0)
		goto done;
	if (ge_mkdir_p(ge_buf_cstr(&dir)) == 0)
		(void)ge_file_write_atomic(rp->path, b.ptr, b.len, 0644);
done:
	ge_error_clear();
	ge_buf_release(&b);
	ge_buf_release(&dir);
	return rc;
}

void ge_history_replay_release(ge_history_replay *rp)
{
	beside_free(rp->beside);
	free(rp->path);
	free(rp->summary);
	memset(rp, 0, sizeof(*rp));
}
