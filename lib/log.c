/*
 * lib/log: the walk over a range of commits and the text and JSON views
 * (the HTML page is lib/log_html.c).
 */
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"

void ge_log_release(ge_log *l)
{
	size_t i, k;
	if (!l)
		return;
	for (i = 0; i < l->n; i++) {
		ge_log_entry *e = &l->v[i];
		free(e->subject);
		free(e->author);
		for (k = 0; k < e->npkgs; k++)
			free(e->pkgs[k].package);
		free(e->pkgs);
		for (k = 0; k < e->ntop; k++) {
			free(e->top[k].file);
			free(e->top[k].function);
			free(e->top[k].message);
		}
	}
	free(l->v);
	free(l->module);
	l->v = NULL;
	l->n = 0;
	l->module = NULL;
}

typedef struct pkg_count {
	const char *package;
	size_t n;
} pkg_count;

static int cmp_pkg_count(const void *a, const void *b)
{
	return strcmp(((const pkg_count *)a)->package, ((const pkg_count *)b)->package);
}

/* An entry's totals, heap escapes per package and first new ones, from r. */
static int entry_fill(ge_log_entry *e, const ge_report *r)
{
	pkg_count *pc = NULL;
	ge_summary s;
	size_t i, np = 0;
	int rc = 0;
	ge_report_summary(r, &s);
	e->has_note = 1;
	e->heap = s.heap;
	e->moved = s.moved;
	e->escapes = s.escapes;
	e->new_ = s.new_;
	e->fixed = s.fixed;
	if (r->ndiags && !(pc = calloc(r->ndiags, sizeof(*pc))))
		return ge_error_set(GE_ENOMEM, "out of memory");
	for (i = 0; i < r->ndiags; i++) {
		const ge_diag *d = &r->diags[i];
		if (!ge_kind_is_heap(d->kind))
			continue;
		pc[np].package = d->package ? d->package : "";
		pc[np++].n = ge_diag_count(d);
		if (d->status == GE_STATUS_NEW && e->ntop < GE_LOG_TOP) {
			ge_log_diag *t = &e->top[e->ntop];
			t->file = ge_strdup(d->file ? d->file : "");
			t->function = ge_strdup(d->function ? d->function : "");
			t->message = ge_strdup(d->message ? d->message : "");
			t->line = d->line;
			e->ntop++;
			if (!t->file || !t->function || !t->message) {
				rc = ge_error_set(GE_ENOMEM, "out of memory");
				goto done;
			}
		}
	}
	qsort(pc, np, sizeof(*pc), cmp_pkg_count);
	if (np && !(e->pkgs = calloc(np, sizeof(*e->pkgs)))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < np; i++) {
		if (e->npkgs && strcmp(e->pkgs[e->npkgs - 1].package, pc[i].package) == 0) {
			e->pkgs[e->npkgs - 1].heap += pc[i].n;
			continue;
		}
		if (!(e->pkgs[e->npkgs].package = ge_strdup(pc[i].package))) {
			rc = ge_error_set(GE_ENOMEM, "out of memory");
			goto done;
		}
		e->pkgs[e->npkgs++].heap = pc[i].n;
	}
done:
	free(pc);
	return rc;
}

static void warn(ge_history *h, const char *fmt, ...) GE_PRINTF(2, 3);
static void warn(ge_history *h, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;
	if (!h->on_warning)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		h->on_warning(line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1,
		              h->warning_ud);
}

static void progress(ge_history *h, size_t k, size_t of, const char *commit)
{
	char line[128];
	int n;
	if (!h->on_progress)
		return;
	n = snprintf(line, sizeof(line),
	             "goescape: log --build: commit %zu of %zu (%.12s) has no note", k, of, commit);
	if (n > 0)
		h->on_progress(line, (size_t)n, h->progress_ud);
}

/*
 * The report of the commit at index k of the range (of commits; k == of
 * for the parent of the last one): its note, or with build (inside the
 * range) an in-place build of it.  *out NULL (and 0) when there is none.
 */
static int entry_report(ge_report **out, ge_history *h, const char *commit, int build, size_t k,
                        size_t of)
{
	int rc, status = 0, from_note = 0;
	*out = NULL;
	rc = ge_history_note(out, h, commit);
	if (rc != GE_ENOTFOUND || !build || k >= of)
		return rc == GE_ENOTFOUND ? 0 : rc;
	progress(h, k + 1, of, commit);
	rc = ge_history_commit(out, &status, h, commit, &from_note);
	if (rc == GE_EBUILD || rc == GE_EBADINPUT) {
		warn(h, "goescape: cannot build %.12s (%s); it stays without a note", commit,
		     ge_error_last());
		ge_error_clear();
		*out = NULL;
		return 0;
	}
	return rc;
}

int ge_log_walk(ge_log *out, ge_history *h, const char *rev, const ge_log_opts *o)
{
	ge_log_opts dflt = GE_LOG_OPTS_INIT;
	ge_report *cur = NULL, *par = NULL;
	char commit[GE_OID_HEX];
	size_t i;
	int rc;
	if (!o)
		o = &dflt;
	memset(out, 0, sizeof(*out));
	if (!h->git)
		return ge_error_set(GE_EBADINPUT, "log: needs a git repository");
	if ((rc = ge_git_resolve(h->git, rev ? rev : "HEAD", commit)) < 0)
		return rc;
	/* The commits first: subjects, authors, first parents. */
	if (o->max && !(out->v = calloc(o->max, sizeof(*out->v))))
		return ge_error_set(GE_ENOMEM, "out of memory");
	while (out->n < o->max && commit[0]) {
		ge_log_entry *e = &out->v[out->n++];
		memcpy(e->commit, commit, sizeof(e->commit));
		if ((rc = ge_git_commit_info(h->git, commit, &e->subject, e->parent)) < 0 ||
		    (rc = ge_git_commit_author(h->git, commit, &e->author, &e->time)) < 0)
			goto done;
		memcpy(commit, e->parent, sizeof(commit));
	}
	/*
	 * Newest first: cur is entry i's report, par its parent's, read once
	 * and carried to the next step as that entry's own.  The parent of
	 * the last entry is read (never built) only to compare with.
	 */
	for (i = 0; i < out->n; i++) {
		ge_log_entry *e = &out->v[i];
		if (i == 0) {
			if ((rc = entry_report(&cur, h, e->commit, o->build, i, out->n)) < 0)
				goto done;
		} else {
			cur = par;
			par = NULL;
		}
		if (e->parent[0] && (cur || i + 1 < out->n)) {
			if ((rc = entry_report(&par, h, e->parent, o->build, i + 1, out->n)) < 0)
				goto done;
			if (cur && par) {
				if (ge_history_match(cur, par, h, e->parent, e->commit) == 0)
					e->compared = 1;
				else
					ge_error_clear();
			}
		}
		if (cur) {
			if ((rc = entry_fill(e, cur)) < 0)
				goto done;
			if (!out->module && cur->module &&
			    !(out->module = ge_strdup(cur->module))) {
				rc = ge_error_set(GE_ENOMEM, "out of memory");
				goto done;
			}
		}
		ge_report_free(cur);
		cur = NULL;
	}
	rc = 0;
done:
	ge_report_free(cur);
	ge_report_free(par);
	if (rc < 0)
		ge_log_release(out);
	return rc;
}

int ge_log_text(ge_buf *out, const ge_log *l)
{
	size_t i;
	int rc = 0;
	for (i = 0; i < l->n; i++) {
		const ge_log_entry *e = &l->v[i];
		char delta[48], heap[24];
		if (e->has_note) {
			if (e->compared)
				snprintf(delta, sizeof(delta), "+%zu -%zu", e->new_, e->fixed);
			else
				snprintf(delta, sizeof(delta), "%s", e->parent[0] ? "?" : "");
			snprintf(heap, sizeof(heap), "%zu", e->heap);
		} else {
			delta[0] = '\0';
			snprintf(heap, sizeof(heap), "?");
		}
		rc |=
		    ge_buf_printf(out, "%.7s %6s  %-6s  %s\n", e->commit, heap, delta, e->subject);
	}
	return rc < 0 ? GE_ENOMEM : 0;
}

/* "2026-12-01T16:58:00Z" */
static void iso_date(char out[32], int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, 32, "1970-01-01T00:00:00Z");
}

int ge_log_json(ge_buf *out, const ge_log *l)
{
	size_t i, k;
	int rc = 0;
	rc |= ge_buf_puts(out, "{\n  \"schema\": \"goescape-log/1\",\n  \"module\": ");
	if (l->module)
		rc |= ge_buf_put_json(out, l->module);
	else
		rc |= ge_buf_puts(out, "null");
	rc |= ge_buf_puts(out, ",\n  \"commits\": [");
	for (i = 0; i < l->n; i++) {
		const ge_log_entry *e = &l->v[i];
		char date[32];
		iso_date(date, e->time);
		rc |= ge_buf_printf(out, "%s\n    {\"commit\": \"%s\", \"parent\": ", i ? "," : "",
		                    e->commit);
		if (e->parent[0])
			rc |= ge_buf_printf(out, "\"%s\"", e->parent);
		else
			rc |= ge_buf_puts(out, "null");
		rc |= ge_buf_puts(out, ", \"subject\": ");
		rc |= ge_buf_put_json(out, e->subject);
		rc |= ge_buf_puts(out, ", \"author\": ");
		rc |= ge_buf_put_json(out, e->author);
		rc |= ge_buf_printf(out, ", \"date\": \"%s\", \"note\": %s", date,
		                    e->has_note ? "true" : "false");
		if (!e->has_note) {
			rc |= ge_buf_puts(out, "}");
			continue;
		}
		rc |= ge_buf_printf(out, ", \"heap\": %zu, \"moved\": %zu, \"escapes\": %zu",
		                    e->heap, e->moved, e->escapes);
		if (e->compared)
			rc |=
			    ge_buf_printf(out, ", \"new\": %zu, \"fixed\": %zu", e->new_, e->fixed);
		else
			rc |= ge_buf_puts(out, ", \"new\": null, \"fixed\": null");
		rc |= ge_buf_puts(out, ",\n     \"packages\": [");
		for (k = 0; k < e->npkgs; k++) {
			rc |= ge_buf_puts(out, k ? ", {\"package\": " : "{\"package\": ");
			rc |= ge_buf_put_json(out, e->pkgs[k].package);
			rc |= ge_buf_printf(out, ", \"heap\": %zu}", e->pkgs[k].heap);
		}
		rc |= ge_buf_puts(out, "],\n     \"top_new\": [");
		for (k = 0; k < e->ntop; k++) {
			rc |= ge_buf_puts(out, k ? ", {\"file\": " : "{\"file\": ");
			rc |= ge_buf_put_json(out, e->top[k].file);
			rc |= ge_buf_printf(out, ", \"line\": %u, \"function\": ", e->top[k].line);
			rc |= ge_buf_put_json(out, e->top[k].function);
			rc |= ge_buf_puts(out, ", \"message\": ");
			rc |= ge_buf_put_json(out, e->top[k].message);
			rc |= ge_buf_puts(out, "}");
		}
		rc |= ge_buf_puts(out, "]}");
	}
	rc |= ge_buf_puts(out, l->n ? "\n  ]\n}\n" : "]\n}\n");
	return rc < 0 ? GE_ENOMEM : 0;
}
