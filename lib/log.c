/*
 * lib/log: the walk over a range of commits and the text and JSON views
 * (the HTML page is lib/log_html.c).
 */
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "goconfig.h"
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
	             "goescape: log --build: building %.12s (%zu of %zu without a note)", commit, k,
	             of);
	if (n > 0)
		h->on_progress(line, (size_t)n, h->progress_ud);
}

static int entry_json(ge_buf *out, const ge_log_entry *e);

/*
 * The log cache: what entry_fill made of a commit's report, matched with
 * its parent's, kept as <git-common-dir>/goescape/log/<key>.json so that
 * the next log reads a small file instead of two notes.  The key hashes
 * everything the entry is a function of: the commit, its note blob, its
 * parent and the parent's note blob (notes are rewritten, never edited in
 * place: a new note is a new blob), the configuration a build here has
 * (which of a note's reports is this build's), goescape's version (the
 * matching) and the module's root (what the git diff's paths are relative to).  A cache file that
 * does not parse, or names another commit, is a miss; writing one is best effort.
 */
static int cache_path(ge_buf *out, ge_history *h, const ge_log_entry *e, const char *note,
                      const char *pnote)
{
	const ge_goconfig *cfg;
	uint64_t k = GE_HASH_SEED;
	const char *parts[7];
	size_t i;
	if (ge_history_config(&cfg, h) < 0) {
		ge_error_clear();
		return -1;
	}
	parts[0] = e->commit;
	parts[1] = note;
	parts[2] = e->parent;
	parts[3] = pnote;
	parts[4] = cfg->hash;
	parts[5] = ge_version();
	parts[6] = h->build.mods && h->build.mods->top ? h->build.mods->top : "";
	for (i = 0; i < 7; i++)
		k = ge_hash_bytes(k, parts[i], strlen(parts[i]) + 1);
	return ge_buf_printf(out, "%s/goescape/log/%016llx.json", ge_git_commondir(h->git),
	                     (unsigned long long)k);
}

static size_t jcount(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 1e15
	           ? (size_t)v->valuedouble
	           : 0;
}

static char *jdup(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return ge_strdup(cJSON_IsString(v) ? v->valuestring : "");
}

/* 1 when the cache held e (filled in), 0 when not. */
static int cache_read(ge_log_entry *e, char **module, const char *path, const char *note,
                      const char *pnote)
{
	ge_buf b = GE_BUF_INIT;
	cJSON *j = NULL;
	const cJSON *c, *p, *t, *m;
	size_t k;
	int ok = 0;
	if (ge_file_read_bounded(&b, path, 1u << 20) < 0) {
		ge_error_clear();
		goto done;
	}
	j = cJSON_ParseWithLength(ge_buf_cstr(&b), b.len);
	c = cJSON_GetObjectItemCaseSensitive(j, "commit");
	if (!cJSON_IsString(c) || strcmp(c->valuestring, e->commit) != 0 ||
	    !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "note")))
		goto done;
	/* The hash named the file; the blob ids it was made of must be these. */
	c = cJSON_GetObjectItemCaseSensitive(j, "note_blob");
	if (!cJSON_IsString(c) || strcmp(c->valuestring, note) != 0)
		goto done;
	c = cJSON_GetObjectItemCaseSensitive(j, "parent_note_blob");
	if (!cJSON_IsString(c) || strcmp(c->valuestring, pnote) != 0)
		goto done;
	p = cJSON_GetObjectItemCaseSensitive(j, "packages");
	t = cJSON_GetObjectItemCaseSensitive(j, "top_new");
	if (!cJSON_IsArray(p) || !cJSON_IsArray(t))
		goto done;
	e->has_note = 1;
	e->heap = jcount(j, "heap");
	e->moved = jcount(j, "moved");
	e->escapes = jcount(j, "escapes");
	e->compared = cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(j, "new"));
	e->new_ = jcount(j, "new");
	e->fixed = jcount(j, "fixed");
	if (cJSON_GetArraySize(p) &&
	    !(e->pkgs = calloc((size_t)cJSON_GetArraySize(p), sizeof(*e->pkgs))))
		goto done;
	cJSON_ArrayForEach(m, p)
	{
		if (!(e->pkgs[e->npkgs].package = jdup(m, "package")))
			goto done;
		e->pkgs[e->npkgs++].heap = jcount(m, "heap");
	}
	cJSON_ArrayForEach(m, t)
	{
		ge_log_diag *d;
		if (e->ntop == GE_LOG_TOP)
			break;
		d = &e->top[e->ntop++];
		d->file = jdup(m, "file");
		d->function = jdup(m, "function");
		d->message = jdup(m, "message");
		d->line = (uint32_t)jcount(m, "line");
		if (!d->file || !d->function || !d->message)
			goto done;
	}
	m = cJSON_GetObjectItemCaseSensitive(j, "module");
	if (!*module && cJSON_IsString(m) && !(*module = ge_strdup(m->valuestring)))
		goto done;
	ok = 1;
done:
	if (!ok) {
		/* A half-filled entry is emptied again: the report is read instead. */
		for (k = 0; k < e->npkgs; k++)
			free(e->pkgs[k].package);
		free(e->pkgs);
		for (k = 0; k < e->ntop; k++) {
			free(e->top[k].file);
			free(e->top[k].function);
			free(e->top[k].message);
		}
		e->pkgs = NULL;
		e->npkgs = e->ntop = 0;
		e->has_note = e->compared = 0;
	}
	cJSON_Delete(j);
	ge_buf_release(&b);
	return ok;
}

static void cache_write(const char *path, const ge_log_entry *e, const char *module,
                        const char *note, const char *pnote)
{
	ge_buf b = GE_BUF_INIT, dir = GE_BUF_INIT;
	const char *slash = strrchr(path, '/');
	if (entry_json(&b, e) < 0 || b.len < 2)
		goto done;
	b.len--; /* the closing brace: the module follows */
	if (ge_buf_puts(&b, ", \"module\": ") < 0 ||
	    ge_buf_put_json(&b, module ? module : "") < 0 ||
	    ge_buf_printf(&b, ", \"note_blob\": \"%s\", \"parent_note_blob\": \"%s\"}\n", note,
	                  pnote) < 0 ||
	    ge_buf_put(&dir, path, (size_t)(slash - path)) < 0)
		goto done;
	if (ge_mkdir_p(ge_buf_cstr(&dir)) == 0)
		(void)ge_file_write_atomic(path, ge_buf_cstr(&b), b.len, 0644);
done:
	ge_error_clear();
	ge_buf_release(&b);
	ge_buf_release(&dir);
}

/* commit's note blob id into out, "" when it has none (or on any error). */
static void note_id(ge_history *h, const char *commit, char out[GE_OID_HEX])
{
	if (!commit[0] || ge_git_note_oid(out, h->git, commit) < 0) {
		out[0] = '\0';
		ge_error_clear();
	}
}

/* Build the commits of the range that have no note, in place (each is then stored). */
static int build_missing(ge_log *l, ge_history *h)
{
	size_t i, missing = 0, k = 0;
	char id[GE_OID_HEX];
	int rc;
	for (i = 0; i < l->n; i++) {
		note_id(h, l->v[i].commit, id);
		l->v[i].has_note = id[0] ? 0 : -1;
		missing += !id[0];
	}
	for (i = 0; i < l->n; i++) {
		ge_report *r = NULL;
		int status = 0, from_note = 0;
		if (l->v[i].has_note != -1)
			continue;
		l->v[i].has_note = 0;
		progress(h, ++k, missing, l->v[i].commit);
		rc = ge_history_commit(&r, &status, h, l->v[i].commit, &from_note);
		ge_report_free(r);
		if (rc == GE_EBUILD || rc == GE_EBADINPUT) {
			warn(h, "goescape: cannot build %.12s (%s); it stays without a note",
			     l->v[i].commit, ge_error_last());
			ge_error_clear();
		} else if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

int ge_log_walk(ge_log *out, ge_history *h, const char *rev, const ge_log_opts *o)
{
	ge_log_opts dflt = GE_LOG_OPTS_INIT;
	ge_report *cur = NULL, *par = NULL;
	ge_buf path = GE_BUF_INIT;
	char commit[GE_OID_HEX], note[GE_OID_HEX], pnote[GE_OID_HEX];
	const char *par_of = NULL; /* whose report par is */
	size_t i, cap = 0;
	int rc, cache;
	if (!o)
		o = &dflt;
	memset(out, 0, sizeof(*out));
	if (!h->git)
		return ge_error_set(GE_EBADINPUT, "log: needs a git repository");
	if ((rc = ge_git_resolve(commit, h->git, rev ? rev : "HEAD")) < 0)
		return rc;
	/* The commits first: subjects, authors, first parents. */
	while (out->n < o->max && commit[0]) {
		ge_log_entry *e;
		if (out->n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			ge_log_entry *nv = realloc(out->v, ncap * sizeof(*nv));
			if (!nv) {
				rc = ge_error_set(GE_ENOMEM, "out of memory");
				goto done;
			}
			memset(nv + cap, 0, (ncap - cap) * sizeof(*nv));
			out->v = nv;
			cap = ncap;
		}
		e = &out->v[out->n++];
		memcpy(e->commit, commit, sizeof(e->commit));
		if ((rc = ge_git_commit_info(&e->subject, e->parent, h->git, commit)) < 0 ||
		    (rc = ge_git_commit_author(&e->author, &e->time, h->git, commit)) < 0)
			goto done;
		memcpy(commit, e->parent, sizeof(commit));
	}
	if (o->build && (rc = build_missing(out, h)) < 0)
		goto done;
	cache = !h->rebuild && !h->npkgs;
	/*
	 * Newest first.  An entry comes from the cache when it can; otherwise
	 * from its report (cur) matched with its parent's (par), which is read
	 * once and carried to the next step as that entry's own.
	 */
	for (i = 0; i < out->n; i++) {
		ge_log_entry *e = &out->v[i];
		note_id(h, e->commit, note);
		if (par && par_of == e->commit) {
			cur = par;
			par = NULL;
		} else {
			ge_report_free(par);
			par = NULL;
		}
		par_of = NULL;
		if (!note[0]) {
			ge_report_free(cur);
			cur = NULL;
			continue;
		}
		note_id(h, e->parent, pnote);
		ge_buf_clear(&path);
		if (cache && cache_path(&path, h, e, note, pnote) == 0 &&
		    cache_read(e, &out->module, ge_buf_cstr(&path), note, pnote)) {
			ge_report_free(cur);
			cur = NULL;
			continue;
		}
		if (!cur && (rc = ge_history_note(&cur, h, e->commit)) < 0 && rc != GE_ENOTFOUND)
			goto done;
		if (!cur)
			continue;
		if (pnote[0]) {
			if ((rc = ge_history_note(&par, h, e->parent)) < 0 && rc != GE_ENOTFOUND)
				goto done;
			if (par) {
				if (ge_history_match(cur, par, h, e->parent, e->commit) == 0)
					e->compared = 1;
				else
					ge_error_clear();
				if (i + 1 < out->n)
					par_of = out->v[i + 1].commit;
			}
		}
		if ((rc = entry_fill(e, cur)) < 0)
			goto done;
		if (!out->module && cur->module && !(out->module = ge_strdup(cur->module))) {
			rc = ge_error_set(GE_ENOMEM, "out of memory");
			goto done;
		}
		if (cache && path.len)
			cache_write(ge_buf_cstr(&path), e, cur->module, note, pnote);
		ge_report_free(cur);
		cur = NULL;
	}
	rc = 0;
done:
	ge_report_free(cur);
	ge_report_free(par);
	ge_buf_release(&path);
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

/* One commit as log-1.json's object (without the members of a note when it has none). */
static int entry_json(ge_buf *out, const ge_log_entry *e)
{
	char date[32];
	size_t k;
	int rc = 0;
	iso_date(date, e->time);
	rc |= ge_buf_printf(out, "{\"commit\": \"%s\", \"parent\": ", e->commit);
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
	if (!e->has_note)
		return ge_buf_puts(out, "}") | rc;
	rc |= ge_buf_printf(out, ", \"heap\": %zu, \"moved\": %zu, \"escapes\": %zu", e->heap,
	                    e->moved, e->escapes);
	if (e->compared)
		rc |= ge_buf_printf(out, ", \"new\": %zu, \"fixed\": %zu", e->new_, e->fixed);
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
	return rc;
}

int ge_log_json(ge_buf *out, const ge_log *l)
{
	size_t i;
	int rc = 0;
	rc |= ge_buf_puts(out, "{\n  \"schema\": \"goescape-log/1\",\n  \"module\": ");
	if (l->module)
		rc |= ge_buf_put_json(out, l->module);
	else
		rc |= ge_buf_puts(out, "null");
	rc |= ge_buf_puts(out, ",\n  \"commits\": [");
	for (i = 0; i < l->n; i++) {
		rc |= ge_buf_puts(out, i ? ",\n    " : "\n    ");
		rc |= entry_json(out, &l->v[i]);
	}
	rc |= ge_buf_puts(out, l->n ? "\n  ]\n}\n" : "]\n}\n");
	return rc < 0 ? GE_ENOMEM : 0;
}
