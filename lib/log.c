/*
 * lib/log: the walk over a range of commits and the text and JSON views
 * (the HTML page is lib/log_html.c).
 */
#define _GNU_SOURCE /* memmem */
#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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
static int entry_json_with(ge_buf *out, const ge_log_entry *e, const ge_buf *pkgs);
static int pkgs_json(ge_buf *out, const ge_log_pkg *pkgs, size_t n);

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
static int cache_path(ge_buf *out, uint64_t *key, ge_history *h, const ge_log_entry *e,
                      const char *note, const char *pnote)
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
	*key = k;
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

/*
 * The cache file as cache_write writes it, read without a cJSON tree
 * (cJSON's parse and free were nine tenths of a cached run).  A cursor over
 * the exact layout entry_json and cache_write give: members in their
 * order, ", " between them, numbers as put_count writes them, strings
 * taken in place when they hold no escape.  Anything else, or a file
 * that does not name this commit and these blobs, is "not plain" and left
 * to the cJSON reader, which decides as before: what this reader takes is
 * what that one would (the same members, the same checks).
 */
typedef struct flat {
	const char *p, *end;
} flat;

static int flat_lit(flat *f, const char *s, size_t n)
{
	if ((size_t)(f->end - f->p) < n || memcmp(f->p, s, n) != 0)
		return 0;
	f->p += n;
	return 1;
}
#define FLAT_LIT(f, s) flat_lit((f), (s), sizeof(s) - 1)

/* A string without escapes or control bytes, in place: [*s, *s + *n). */
static int flat_str(flat *f, const char **s, size_t *n)
{
	const char *q;
	if (f->p >= f->end || *f->p != '"')
		return 0;
	for (q = f->p + 1; q < f->end && *q != '"'; q++)
		if ((unsigned char)*q < 0x20 || *q == '\\')
			return 0;
	if (q >= f->end)
		return 0;
	*s = f->p + 1;
	*n = (size_t)(q - *s);
	f->p = q + 1;
	return 1;
}

static int flat_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A string skipped, with the escapes ge_buf_put_json writes (and JSON's simple ones). */
static int flat_skip_str(flat *f)
{
	const char *q;
	if (f->p >= f->end || *f->p != '"')
		return 0;
	for (q = f->p + 1; q < f->end && *q != '"'; q++) {
		if ((unsigned char)*q < 0x20)
			return 0;
		if (*q != '\\')
			continue;
		if (++q >= f->end)
			return 0;
		if (strchr("\"\\/bfnrt", *q) && *q)
			continue;
		/* \u00XX and \ufffd: one code unit, never half a surrogate pair. */
		if (*q != 'u' || f->end - q < 5 ||
		    !((q[1] == '0' && q[2] == '0' && flat_hex(q[3]) && flat_hex(q[4])) ||
		      memcmp(q + 1, "fffd", 4) == 0))
			return 0;
		q += 4;
	}
	if (q >= f->end)
		return 0;
	f->p = q + 1;
	return 1;
}

/* A whole number as put_count writes it (no sign, no leading zero), below 10^15. */
static int flat_num(flat *f, size_t *v)
{
	const char *q = f->p;
	size_t n = 0;
	while (q < f->end && *q >= '0' && *q <= '9' && q - f->p < 16)
		n = n * 10 + (size_t)(*q++ - '0');
	if (q == f->p || q - f->p > 15 || (*f->p == '0' && q - f->p > 1) ||
	    (q < f->end && (*q == '.' || *q == 'e' || *q == 'E' || (*q >= '0' && *q <= '9'))))
		return 0;
	*v = n;
	f->p = q;
	return 1;
}

/* A number, or null (*is_num 0). */
static int flat_num_or_null(flat *f, size_t *v, int *is_num)
{
	*v = 0;
	*is_num = 0;
	if (FLAT_LIT(f, "null"))
		return 1;
	*is_num = 1;
	return flat_num(f, v);
}

/* The string at f equal to the n bytes at s. */
static int flat_str_is(flat *f, const char *s, size_t n)
{
	const char *v;
	size_t k;
	return flat_str(f, &v, &k) && k == n && memcmp(v, s, n) == 0;
}

static char *flat_dup(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* 1 when b is plain and holds e (filled in); 0 otherwise, e left as it was. */
static int cache_read_flat(ge_log_entry *e, char **module, const ge_buf *b, const char *note,
                           const char *pnote)
{
	flat f = {b->ptr, b->ptr + b->len};
	ge_log_pkg *pkgs = NULL;
	ge_log_diag top[GE_LOG_TOP];
	size_t npkgs = 0, cap = 0, ntop = 0, heap, moved, escapes, new_, fixed, k;
	const char *mod = NULL;
	size_t modlen = 0;
	int compared, fixed_num, ok = 0;
	memset(top, 0, sizeof(top));
	if (!FLAT_LIT(&f, "{\"commit\": ") || !flat_str_is(&f, e->commit, strlen(e->commit)) ||
	    !FLAT_LIT(&f, ", \"parent\": ") || !(FLAT_LIT(&f, "null") || flat_skip_str(&f)) ||
	    !FLAT_LIT(&f, ", \"subject\": ") || !flat_skip_str(&f) ||
	    !FLAT_LIT(&f, ", \"author\": ") || !flat_skip_str(&f) ||
	    !FLAT_LIT(&f, ", \"date\": ") || !flat_skip_str(&f) ||
	    !FLAT_LIT(&f, ", \"note\": true, \"heap\": ") || !flat_num(&f, &heap) ||
	    !FLAT_LIT(&f, ", \"moved\": ") || !flat_num(&f, &moved) ||
	    !FLAT_LIT(&f, ", \"escapes\": ") || !flat_num(&f, &escapes) ||
	    !FLAT_LIT(&f, ", \"new\": ") || !flat_num_or_null(&f, &new_, &compared) ||
	    !FLAT_LIT(&f, ", \"fixed\": ") || !flat_num_or_null(&f, &fixed, &fixed_num) ||
	    !FLAT_LIT(&f, ",\n     \"packages\": ["))
		goto done;
	while (!FLAT_LIT(&f, "]")) {
		const char *s;
		size_t n, h;
		if ((npkgs && !FLAT_LIT(&f, ", ")) || !FLAT_LIT(&f, "{\"package\": ") ||
		    !flat_str(&f, &s, &n) || !FLAT_LIT(&f, ", \"heap\": ") || !flat_num(&f, &h) ||
		    !FLAT_LIT(&f, "}"))
			goto done;
		if (npkgs == cap) {
			ge_log_pkg *np = realloc(pkgs, (cap = cap ? cap * 2 : 64) * sizeof(*np));
			if (!np)
				goto done;
			pkgs = np;
		}
		if (!(pkgs[npkgs].package = flat_dup(s, n)))
			goto done;
		pkgs[npkgs++].heap = h;
	}
	if (!FLAT_LIT(&f, ",\n     \"top_new\": ["))
		goto done;
	for (k = 0; !FLAT_LIT(&f, "]"); k++) {
		const char *fs, *fn, *ms;
		size_t fl, nl, ml, line;
		if ((k && !FLAT_LIT(&f, ", ")) || !FLAT_LIT(&f, "{\"file\": ") ||
		    !flat_str(&f, &fs, &fl) || !FLAT_LIT(&f, ", \"line\": ") ||
		    !flat_num(&f, &line) || !FLAT_LIT(&f, ", \"function\": ") ||
		    !flat_str(&f, &fn, &nl) || !FLAT_LIT(&f, ", \"message\": ") ||
		    !flat_str(&f, &ms, &ml) || !FLAT_LIT(&f, "}"))
			goto done;
		if (ntop == GE_LOG_TOP)
			continue;
		top[ntop].line = (uint32_t)line;
		if (!(top[ntop].file = flat_dup(fs, fl)) ||
		    !(top[ntop].function = flat_dup(fn, nl)) ||
		    !(top[ntop].message = flat_dup(ms, ml))) {
			ntop++;
			goto done;
		}
		ntop++;
	}
	if (!FLAT_LIT(&f, ", \"module\": ") || !flat_str(&f, &mod, &modlen) ||
	    !FLAT_LIT(&f, ", \"note_blob\": ") || !flat_str_is(&f, note, strlen(note)) ||
	    !FLAT_LIT(&f, ", \"parent_note_blob\": ") || !flat_str_is(&f, pnote, strlen(pnote)) ||
	    !FLAT_LIT(&f, "}\n") || f.p != f.end)
		goto done;
	if (!*module && !(*module = flat_dup(mod, modlen)))
		goto done;
	e->has_note = 1;
	e->heap = heap;
	e->moved = moved;
	e->escapes = escapes;
	e->compared = compared;
	e->new_ = new_;
	e->fixed = fixed;
	e->pkgs = pkgs;
	e->npkgs = npkgs;
	memcpy(e->top, top, sizeof(top));
	e->ntop = ntop;
	pkgs = NULL;
	npkgs = ntop = 0;
	ok = 1;
done:
	for (k = 0; k < npkgs; k++)
		free(pkgs[k].package);
	free(pkgs);
	for (k = 0; k < ntop; k++) {
		free(top[k].file);
		free(top[k].function);
		free(top[k].message);
	}
	return ok;
}

/* 1 when the cache held e (filled in), 0 when not. */
static int cache_read_buf(ge_log_entry *e, char **module, const ge_buf *b, const char *note,
                          const char *pnote)
{
	cJSON *j = NULL;
	const cJSON *c, *p, *t, *m;
	size_t k;
	int ok = 0;
	if (cache_read_flat(e, module, b, note, pnote))
		return 1;
	j = cJSON_ParseWithLength(b->ptr, b->len);
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
	return ok;
}

static int cache_read(ge_log_entry *e, char **module, const char *path, const char *note,
                      const char *pnote)
{
	ge_buf b = GE_BUF_INIT;
	int ok = 0;
	if (ge_file_read_bounded(&b, path, 1u << 20) < 0)
		ge_error_clear();
	else
		ok = cache_read_buf(e, module, &b, note, pnote);
	ge_buf_release(&b);
	return ok;
}

/*
 * A run that makes many entries (a first run) writes them as one pack
 * file, <git-common-dir>/goescape/log/pack-<hash>.log, instead of one file
 * each: creating the files was a fifth of a first run's CPU (the kernel's
 * inode allocation).  A pack holds, after its header line and its entry
 * count, one index line per entry, sorted by key ("<key> <offset>
 * <length>", fixed widths), then the entries, each exactly what its own
 * file would hold, so each is read and believed as one (cache_read_buf).
 * At most GE_LOG_PACKS packs are kept (the oldest removed when a new one
 * is written); a pack that does not parse is no pack, an index line that
 * does not parse or points outside the file no entry.
 */
#define GE_LOG_PACK_MIN  8 /* fewer new entries: one file each */
#define GE_LOG_PACKS     4
#define GE_LOG_PACK_HEAD "goescape-log-pack/1\n"
#define GE_LOG_PACK_REC  39 /* "%016llx %012zu %08zu\n" */
/* More entries than one run makes: a planted (sparse) pack's count is not read. */
#define GE_LOG_PACK_MAX_ENTRIES ((size_t)1 << 20)

typedef struct pack {
	int fd;
	size_t n, size;
	char *index; /* n records of GE_LOG_PACK_REC bytes */
} pack;

typedef struct packs {
	pack v[2 * GE_LOG_PACKS];
	size_t n;
} packs;

/* One pending entry: its key and its bytes. */
typedef struct pending {
	uint64_t key;
	char *bytes;
	size_t len;
} pending;

static int is_pack_name(const char *name)
{
	size_t n = strlen(name), k;
	if (n != 5 + 16 + 4 || memcmp(name, "pack-", 5) != 0 || memcmp(name + 21, ".log", 4) != 0)
		return 0;
	for (k = 5; k < 21; k++)
		if (!((name[k] >= '0' && name[k] <= '9') || (name[k] >= 'a' && name[k] <= 'f')))
			return 0;
	return 1;
}

static int read_full(int fd, char *p, size_t n, off_t at)
{
	while (n) {
		ssize_t r = pread(fd, p, n, at);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
		at += r;
	}
	return 0;
}

/* The packs in dir, their indexes read; none on any error. */
static void packs_open(packs *ps, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	ge_buf path = GE_BUF_INIT;
	ps->n = 0;
	if (!d)
		return;
	while ((de = readdir(d)) != NULL && ps->n < 2 * GE_LOG_PACKS) {
		pack *k = &ps->v[ps->n];
		char head[sizeof(GE_LOG_PACK_HEAD) - 1 + 9];
		struct stat st;
		size_t i, n;
		if (!is_pack_name(de->d_name))
			continue;
		ge_buf_clear(&path);
		if (ge_buf_printf(&path, "%s/%s", dir, de->d_name) < 0)
			break;
		k->fd = open(path.ptr, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		k->index = NULL;
		if (k->fd < 0)
			continue;
		if (fstat(k->fd, &st) < 0 || !S_ISREG(st.st_mode) ||
		    (uint64_t)st.st_size < sizeof(head) ||
		    read_full(k->fd, head, sizeof(head), 0) < 0 ||
		    memcmp(head, GE_LOG_PACK_HEAD, sizeof(GE_LOG_PACK_HEAD) - 1) != 0 ||
		    head[sizeof(head) - 1] != '\n')
			goto bad;
		for (n = 0, i = sizeof(GE_LOG_PACK_HEAD) - 1; i < sizeof(head) - 1; i++) {
			if (head[i] < '0' || head[i] > '9')
				goto bad;
			n = n * 10 + (size_t)(head[i] - '0');
		}
		if (!n || n > GE_LOG_PACK_MAX_ENTRIES ||
		    (uint64_t)n * GE_LOG_PACK_REC > (uint64_t)st.st_size - sizeof(head) ||
		    !(k->index = malloc(n * GE_LOG_PACK_REC)) ||
		    read_full(k->fd, k->index, n * GE_LOG_PACK_REC, (off_t)sizeof(head)) < 0)
			goto bad;
		k->n = n;
		k->size = (size_t)st.st_size;
		ps->n++;
		continue;
	bad:
		free(k->index);
		close(k->fd);
	}
	closedir(d);
	ge_buf_release(&path);
	ge_error_clear();
}

static void packs_close(packs *ps)
{
	size_t i;
	for (i = 0; i < ps->n; i++) {
		free(ps->v[i].index);
		close(ps->v[i].fd);
	}
	ps->n = 0;
}

/* A record's fixed-width decimal field, or (size_t)-1. */
static size_t rec_num(const char *p, size_t n)
{
	size_t v = 0, i;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return (size_t)-1;
		v = v * 10 + (size_t)(p[i] - '0');
	}
	return v;
}

/* 1 when a pack holds key and its entry is e (filled in), 0 when not. */
static int packs_read(ge_log_entry *e, char **module, const packs *ps, uint64_t key,
                      const char *note, const char *pnote)
{
	char hex[17];
	size_t i;
	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)key);
	for (i = 0; i < ps->n; i++) {
		const pack *k = &ps->v[i];
		size_t lo = 0, hi = k->n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2, off, len;
			const char *r = k->index + mid * GE_LOG_PACK_REC;
			int c = memcmp(r, hex, 16);
			ge_buf b = GE_BUF_INIT;
			int ok;
			if (c < 0) {
				lo = mid + 1;
				continue;
			}
			if (c > 0) {
				hi = mid;
				continue;
			}
			off = rec_num(r + 17, 12);
			len = rec_num(r + 30, 8);
			if (r[16] != ' ' || r[29] != ' ' || r[38] != '\n' || off == (size_t)-1 ||
			    len == (size_t)-1 || len > (1u << 20) || off > k->size ||
			    len > k->size - off || ge_buf_grow(&b, len + 1) < 0 ||
			    read_full(k->fd, b.ptr, len, (off_t)off) < 0) {
				ge_buf_release(&b);
				ge_error_clear();
				break;
			}
			b.len = len;
			b.ptr[len] = '\0';
			ok = cache_read_buf(e, module, &b, note, pnote);
			ge_buf_release(&b);
			if (ok)
				return 1;
			break;
		}
	}
	return 0;
}

static int cmp_pending(const void *a, const void *b)
{
	uint64_t x = ((const pending *)a)->key, y = ((const pending *)b)->key;
	return x < y ? -1 : x > y;
}

typedef struct pack_age {
	char name[32];
	struct timespec t;
} pack_age;

static int cmp_age(const void *a, const void *b)
{
	const pack_age *x = a, *y = b;
	if (x->t.tv_sec != y->t.tv_sec)
		return x->t.tv_sec < y->t.tv_sec ? -1 : 1;
	if (x->t.tv_nsec != y->t.tv_nsec)
		return x->t.tv_nsec < y->t.tv_nsec ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* All but the newest GE_LOG_PACKS packs in dir removed (best effort). */
static void packs_trim(const char *dir)
{
	pack_age v[64];
	size_t n = 0, i;
	DIR *d = opendir(dir);
	struct dirent *de;
	ge_buf path = GE_BUF_INIT;
	if (!d)
		return;
	while ((de = readdir(d)) != NULL && n < 64) {
		struct stat st;
		if (!is_pack_name(de->d_name))
			continue;
		ge_buf_clear(&path);
		if (ge_buf_printf(&path, "%s/%s", dir, de->d_name) < 0 || lstat(path.ptr, &st) < 0)
			continue;
		memcpy(v[n].name, de->d_name, 26); /* is_pack_name: 25 bytes */
		v[n++].t = st.st_mtim;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), cmp_age);
	for (i = 0; n > GE_LOG_PACKS && i < n - GE_LOG_PACKS; i++) {
		ge_buf_clear(&path);
		if (ge_buf_printf(&path, "%s/%s", dir, v[i].name) == 0)
			(void)unlink(path.ptr);
	}
	ge_buf_release(&path);
	ge_error_clear();
}

/*
 * The entries this run made, written: as one pack when there are at
 * least GE_LOG_PACK_MIN, else one file each (best effort, no fsync).
 */
static void pending_flush(pending *pd, size_t n, const char *commondir)
{
	ge_buf dir = GE_BUF_INIT, b = GE_BUF_INIT, path = GE_BUF_INIT;
	uint64_t h = GE_HASH_SEED;
	size_t i, off, m = 0;
	if (!n || ge_buf_printf(&dir, "%s/goescape/log", commondir) < 0 || ge_mkdir_p(dir.ptr) < 0)
		goto done;
	if (n < GE_LOG_PACK_MIN) {
		for (i = 0; i < n; i++) {
			ge_buf_clear(&path);
			if (ge_buf_printf(&path, "%s/%016llx.json", dir.ptr,
			                  (unsigned long long)pd[i].key) == 0)
				(void)ge_file_write_cache(path.ptr, pd[i].bytes, pd[i].len, 0644);
		}
		goto done;
	}
	/* Sorted by key, each key once (the first kept; the rest freed here, the caller frees the
	 * kept). */
	qsort(pd, n, sizeof(*pd), cmp_pending);
	for (i = 0; i < n; i++) {
		if (m && pd[m - 1].key == pd[i].key) {
			free(pd[i].bytes);
			pd[i].bytes = NULL;
			continue;
		}
		pd[m++] = pd[i];
		if (m - 1 != i)
			pd[i].bytes = NULL;
	}
	off = sizeof(GE_LOG_PACK_HEAD) - 1 + 9 + m * GE_LOG_PACK_REC;
	if (ge_buf_printf(&b, GE_LOG_PACK_HEAD "%08zu\n", m) < 0)
		goto done;
	for (i = 0; i < m; i++) {
		if (ge_buf_printf(&b, "%016llx %012zu %08zu\n", (unsigned long long)pd[i].key, off,
		                  pd[i].len) < 0)
			goto done;
		off += pd[i].len;
		h = ge_hash_bytes(h, (const char *)&pd[i].key, sizeof(pd[i].key));
	}
	for (i = 0; i < m; i++)
		if (ge_buf_put(&b, pd[i].bytes, pd[i].len) < 0)
			goto done;
	if (ge_buf_printf(&path, "%s/pack-%016llx.log", dir.ptr, (unsigned long long)h) == 0 &&
	    ge_file_write_cache(path.ptr, b.ptr, b.len, 0644) == 0)
		packs_trim(dir.ptr);
done:
	ge_error_clear();
	ge_buf_release(&dir);
	ge_buf_release(&b);
	ge_buf_release(&path);
}

/*
 * e's cache entry, kept to be written when the walk ends (pending_flush):
 * best effort, and without fsync (ge_file_write_cache): a lost or empty
 * file is a miss, and cache_read believes no file that does not parse or
 * names other commits or blobs.
 */
static void cache_write(pending **pd, size_t *npd, size_t *cap, uint64_t key, const ge_log_entry *e,
                        const ge_buf *pkgs, const char *module, const char *note, const char *pnote)
{
	ge_buf b = GE_BUF_INIT;
	if (entry_json_with(&b, e, pkgs) < 0 || b.len < 2)
		goto done;
	b.len--; /* the closing brace: the module follows */
	if (ge_buf_puts(&b, ", \"module\": ") < 0 ||
	    ge_buf_put_json(&b, module ? module : "") < 0 ||
	    ge_buf_printf(&b, ", \"note_blob\": \"%s\", \"parent_note_blob\": \"%s\"}\n", note,
	                  pnote) < 0)
		goto done;
	if (*npd == *cap) {
		size_t nc = *cap ? *cap * 2 : 32;
		pending *np = realloc(*pd, nc * sizeof(*np));
		if (!np)
			goto done;
		*pd = np;
		*cap = nc;
	}
	(*pd)[*npd].key = key;
	(*pd)[*npd].len = b.len;
	if (!((*pd)[*npd].bytes = malloc(b.len)))
		goto done;
	memcpy((*pd)[*npd].bytes, b.ptr, b.len);
	(*npd)++;
done:
	ge_error_clear();
	ge_buf_release(&b);
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

/*
 * A commit's note as the walk reads it: its blob id ("" when none) and
 * text, read at most once (state 1 read, -1 unreadable, 0 not yet).
 */
typedef struct walk_note {
	char id[GE_OID_HEX];
	ge_buf text;
	int state;
	char commit[GE_OID_HEX]; /* whose note it is ("" for none) */
	/*
	 * Not 0: the text was found to be the template of this generation
	 * (tmpl.gen) with this note's own commit id; the prefetch thread then
	 * dropped it (state 0, read again if it is needed).
	 */
	unsigned same;
} walk_note;

static int note_text(walk_note *n, ge_history *h, const char *commit)
{
	if (!n->state) {
		n->state = ge_git_note_blob_read(&n->text, h->git, n->id, commit) == 0 ? 1 : -1;
		ge_error_clear();
	}
	return n->state == 1;
}

/*
 * Is text the n bytes tt (a template's text, naming its commit at the
 * offsets at[0, nat)) with commit's id at those places and nothing else
 * changed?
 */
static int text_same(const char *tt, size_t n, const size_t *at, size_t nat, const ge_buf *text,
                     const char *commit)
{
	size_t k, from = 0;
	if (text->len != n)
		return 0;
	for (k = 0; k < nat; k++) {
		if (memcmp(text->ptr + from, tt + from, at[k] - from) != 0 ||
		    memcmp(text->ptr + at[k], commit, 40) != 0)
			return 0;
		from = at[k] + 40;
	}
	return memcmp(text->ptr + from, tt + from, n - from) == 0;
}

/*
 * The second core on a first run: a thread inflates the notes
 * notes[from, to) in order while this one reads, compares and matches
 * those before them (inflating is about two thirds of an entry, so it
 * takes the last three quarters).  A note is the thread's until `done`
 * (under mu) has passed it, this thread's after: prefetch_wait before
 * touching one, so no note is ever used by both.  The thread reads loose
 * objects only (never through libgit2), at most GE_LOG_PREFETCH_BYTES in
 * all; what it leaves (state 0) is read here as before.  Once this thread
 * has a template (tmpl) it hands the thread a copy (prefetch_publish,
 * under mu; never changed after): a note that is that template with its
 * own commit id is then only marked (walk_note.same) and its text dropped,
 * the next note inflated into the same memory, so the notes that are all
 * alike cost neither this thread's comparisons nor fresh pages.
 */
#define GE_LOG_PREFETCH_BYTES ((size_t)256 * 1024 * 1024)
#define GE_LOG_PREFETCH_MIN   8 /* fewer notes left: not worth a thread */

typedef struct prefetch {
	pthread_t t;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int running;
	ge_git *git;
	walk_note *notes;
	size_t from, to, done;
	int published;   /* under mu: the members below are set and never change */
	ge_buf tt;       /* the template's text */
	size_t *at, nat; /* where it names its commit */
	unsigned gen;    /* its generation (tmpl.gen) */
	ge_buf scratch;  /* the thread's: a note read to be compared */
} prefetch;

static void *prefetch_run(void *arg)
{
	prefetch *p = arg;
	size_t k, used = 0;
	int stop = 0;
	for (k = p->from; k < p->to && !stop; k++) {
		walk_note *n = &p->notes[k];
		int have;
		pthread_mutex_lock(&p->mu);
		have = p->published;
		pthread_mutex_unlock(&p->mu);
		if (n->id[0] && !n->state) {
			ge_buf *b = have ? &p->scratch : &n->text;
			ge_buf_clear(b);
			if (!ge_git_note_blob_read_loose(b, p->git, n->id,
			                                 GE_LOG_PREFETCH_BYTES - used)) {
				stop = 1; /* this one and the rest: read by the walk */
			} else if (have &&
			           text_same(p->tt.ptr, p->tt.len, p->at, p->nat, b, n->commit)) {
				n->same = p->gen;
			} else {
				if (have) {
					n->text = p->scratch;
					ge_buf_init(&p->scratch, 0);
				}
				n->state = 1;
				used += n->text.len;
			}
		}
		pthread_mutex_lock(&p->mu);
		p->done = stop ? p->to : k + 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

/* Start p on notes[from, to) unless there are too few; best effort. */
static void prefetch_start(prefetch *p, ge_git *g, walk_note *notes, size_t from, size_t to)
{
	if (p->running || to < from + GE_LOG_PREFETCH_MIN)
		return;
	p->git = g;
	p->notes = notes;
	p->from = p->done = from;
	p->to = to;
	p->published = 0;
	ge_buf_init(&p->tt, 0);
	ge_buf_init(&p->scratch, 0);
	p->at = NULL;
	if (pthread_mutex_init(&p->mu, NULL) != 0)
		return;
	if (pthread_cond_init(&p->cv, NULL) != 0) {
		pthread_mutex_destroy(&p->mu);
		return;
	}
	p->running = ge_thread_start(&p->t, prefetch_run, p) == 0;
	if (!p->running) {
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->mu);
	}
}

/* notes[0, k] are this thread's once this returns. */
static void prefetch_wait(prefetch *p, size_t k)
{
	if (!p->running || k < p->from)
		return;
	pthread_mutex_lock(&p->mu);
	while (p->done <= k && p->done < p->to)
		pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

static void prefetch_join(prefetch *p)
{
	if (!p->running)
		return;
	pthread_join(p->t, NULL);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	ge_buf_release(&p->tt);
	ge_buf_release(&p->scratch);
	free(p->at);
	p->running = 0;
}

/* commit's report for this configuration from its note's text, as ge_history_note gives it. */
static int note_report(ge_report **out, size_t *warned, ge_history *h, walk_note *n,
                       const char *commit)
{
	*out = NULL;
	*warned = 1;
	if (!n->id[0] || h->npkgs || h->rebuild || !note_text(n, h, commit))
		return GE_ENOTFOUND;
	return ge_history_note_text(out, warned, h, commit, n->text.ptr, n->text.len);
}

/*
 * The last note read whole whose report was picked without a warning,
 * with what entry_fill takes from that report alone (not from the match:
 * totals, heap escapes per package, the module).  A note of another commit
 * whose text differs from this one only in that commit's id where this one
 * has its own (at every place in `at`: each "commit": "<id>" of the text)
 * holds the same report but for the commit it names, so its entry's
 * counts are these; and matched with a parent's report that is again the
 * same, every escape is existing: +0 -0, nothing new to list (lib/match
 * pairs equal diagnostics by their key, line hash and count, and only a
 * renamed file changes a base diagnostic's key; ge_git_tree_keeps_paths
 * rules that out).  Usable only when the text spells every "commit" key
 * and every occurrence of its commit as that one member (no \u escapes, so
 * no key spelled another way): then no report changes which commit it
 * names but at those places.
 */
typedef struct tmpl {
	int ok;
	unsigned gen, gens; /* this one's generation (1, 2, ...), the last one given */
	char commit[GE_OID_HEX];
	ge_buf text;
	size_t *at, nat;
	size_t heap, moved, escapes;
	ge_log_pkg *pkgs;
	size_t npkgs;
	char *module;
	ge_buf pkjson; /* pkgs as pkgs_json writes them (an entry's cache file has them so) */
	int pkjson_ok;
} tmpl;

static void tmpl_clear(tmpl *t)
{
	size_t k;
	for (k = 0; k < t->npkgs; k++)
		free(t->pkgs[k].package);
	free(t->pkgs);
	free(t->at);
	free(t->module);
	t->pkgs = NULL;
	t->at = NULL;
	t->module = NULL;
	t->npkgs = t->nat = 0;
	t->ok = 0;
	ge_buf_clear(&t->text);
	ge_buf_clear(&t->pkjson);
	t->pkjson_ok = 0;
}

static size_t count_of(const char *s, size_t n, const char *needle, size_t k)
{
	size_t c = 0;
	const char *p = s, *end = s + n;
	while ((p = memmem(p, (size_t)(end - p), needle, k)) != NULL) {
		c++;
		p += k;
	}
	return c;
}

/*
 * Where a note's text names commit (each "commit": "<id>" member) into
 * *at (malloc'd), *nat: 0 when the text may be a template, -1 when not (a
 * \u escape, a "commit" key or a mention of the commit elsewhere).
 */
static int text_places(size_t **at, size_t *nat, const ge_buf *text, const char *commit)
{
	static const char key[] = "\"commit\": \"";
	const size_t klen = sizeof(key) - 1;
	const char *s = text->ptr, *end = text->ptr + text->len, *p;
	size_t cap = 0;
	*at = NULL;
	*nat = 0;
	if (!text->len || memmem(s, text->len, "\\u", 2))
		return -1;
	for (p = s; (p = memmem(p, (size_t)(end - p), key, klen)) != NULL; p += klen) {
		const char *v = p + klen;
		if ((size_t)(end - v) <= 40 || memcmp(v, commit, 40) != 0 || v[40] != '"')
			continue;
		if (*nat == cap) {
			size_t *na = realloc(*at, (cap = cap ? cap * 2 : 4) * sizeof(*na));
			if (!na)
				goto fail;
			*at = na;
		}
		(*at)[(*nat)++] = (size_t)(v - s);
	}
	/* Every "commit" key and every mention of the commit is one of those members. */
	if (*nat && count_of(s, text->len, "\"commit\"", 8) == *nat &&
	    count_of(s, text->len, commit, 40) == *nat)
		return 0;
fail:
	free(*at);
	*at = NULL;
	*nat = 0;
	return -1;
}

/*
 * t from e's note text and entry (filled from e's report), of generation
 * gen (0: a new one); t stays unusable when the text does not allow it.
 */
static void tmpl_set(tmpl *t, const ge_log_entry *e, const ge_buf *text, const char *module,
                     unsigned gen)
{
	const char *s = text->ptr;
	size_t k;
	tmpl_clear(t);
	if (text_places(&t->at, &t->nat, text, e->commit) < 0)
		return;
	if (ge_buf_put(&t->text, s, text->len) < 0)
		goto fail;
	if (e->npkgs && !(t->pkgs = calloc(e->npkgs, sizeof(*t->pkgs))))
		goto fail;
	for (k = 0; k < e->npkgs; k++) {
		if (!(t->pkgs[k].package = ge_strdup(e->pkgs[k].package)))
			goto fail;
		t->pkgs[k].heap = e->pkgs[k].heap;
		t->npkgs++;
	}
	if (module && !(t->module = ge_strdup(module)))
		goto fail;
	memcpy(t->commit, e->commit, sizeof(t->commit));
	t->heap = e->heap;
	t->moved = e->moved;
	t->escapes = e->escapes;
	t->gen = gen ? gen : ++t->gens;
	t->pkjson_ok = pkgs_json(&t->pkjson, t->pkgs, t->npkgs) == 0;
	ge_error_clear();
	t->ok = 1;
	return;
fail:
	tmpl_clear(t);
}

/* Is text t's text with commit's id at every place of t->at (and nothing else changed)? */
static int tmpl_same(const tmpl *t, const ge_buf *text, const char *commit)
{
	return t->ok && text_same(t->text.ptr, t->text.len, t->at, t->nat, text, commit);
}

/*
 * Is n's note t's text with n's own commit id?  Each note is compared
 * once for a template (the prefetch thread may have done it).
 */
static int note_is_tmpl(walk_note *n, const tmpl *t, ge_history *h)
{
	if (!t->ok)
		return 0;
	if (n->same == t->gen)
		return 1;
	if (!note_text(n, h, n->commit) || !tmpl_same(t, &n->text, n->commit))
		return 0;
	n->same = t->gen;
	return 1;
}

/*
 * Hand the prefetch thread a copy of n's text as the template to come,
 * once (best effort): its generation is reserved in t now and is the one
 * tmpl_set gives t from this note (the same text, commit and places).
 * Done before the note is parsed, so that the thread compares from its
 * first notes on; if no template is made of it, what the thread marked is
 * read again.  The generation, 0 when none was published.
 */
static unsigned prefetch_publish(prefetch *p, tmpl *t, walk_note *n)
{
	ge_buf tt = GE_BUF_INIT;
	size_t *at, nat;
	if (!p->running || p->published || n->state != 1 ||
	    text_places(&at, &nat, &n->text, n->commit) < 0)
		return 0;
	if (ge_buf_put(&tt, n->text.ptr, n->text.len) < 0) {
		ge_error_clear();
		free(at);
		return 0;
	}
	pthread_mutex_lock(&p->mu);
	p->tt = tt;
	p->at = at;
	p->nat = nat;
	p->gen = ++t->gens;
	p->published = 1;
	pthread_mutex_unlock(&p->mu);
	return p->gen;
}

/* e as the template's report, matched with an equal one: +0 -0. */
static int entry_from_tmpl(ge_log_entry *e, const tmpl *t)
{
	size_t k;
	e->has_note = 1;
	e->compared = 1;
	e->heap = t->heap;
	e->moved = t->moved;
	e->escapes = t->escapes;
	e->new_ = e->fixed = 0;
	if (t->npkgs && !(e->pkgs = calloc(t->npkgs, sizeof(*e->pkgs))))
		return ge_error_set(GE_ENOMEM, "out of memory");
	for (k = 0; k < t->npkgs; k++) {
		if (!(e->pkgs[k].package = ge_strdup(t->pkgs[k].package)))
			return ge_error_set(GE_ENOMEM, "out of memory");
		e->pkgs[k].heap = t->pkgs[k].heap;
		e->npkgs++;
	}
	return 0;
}

int ge_log_walk(ge_log *out, ge_history *h, const char *rev, const ge_log_opts *o)
{
	ge_log_opts dflt = GE_LOG_OPTS_INIT;
	ge_report *cur = NULL, *par = NULL;
	ge_buf path = GE_BUF_INIT;
	char commit[GE_OID_HEX];
	const char *par_of = NULL; /* whose report par is */
	walk_note *notes = NULL, noparent = {"", GE_BUF_INIT, 0, "", 0};
	ge_git_notes *nt = NULL;
	tmpl tp = {0};
	prefetch pf = {0};
	int prefetched = 0;
	size_t cand = (size_t)-1; /* the note published to the prefetch thread, of cand_gen */
	unsigned cand_gen = 0;
	size_t cur_warned = 1, par_warned = 1; /* for cur and par: as note_report's *warned */
	size_t i, cap = 0;
	int rc, cache;
	uint64_t key = 0;
	packs pks = {0};
	pending *pd = NULL; /* the entries this run made, written at the end */
	size_t npd = 0, pdcap = 0;
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
	if (cache) {
		ge_buf dir = GE_BUF_INIT;
		if (ge_buf_printf(&dir, "%s/goescape/log", ge_git_commondir(h->git)) == 0)
			packs_open(&pks, dir.ptr);
		ge_error_clear();
		ge_buf_release(&dir);
	}
	/* Every note's blob id at once, from one look at the notes ref. */
	if (out->n && !(notes = calloc(out->n + 1, sizeof(*notes)))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = ge_git_notes_open(&nt, h->git)) < 0 && rc != GE_ENOTFOUND)
		goto done;
	ge_error_clear();
	for (i = 0; nt && i <= out->n && out->n; i++) {
		const char *c = i < out->n ? out->v[i].commit : out->v[out->n - 1].parent;
		memcpy(notes[i].commit, c, sizeof(notes[i].commit));
		if (c[0] && ge_git_notes_find(notes[i].id, nt, c) < 0) {
			notes[i].id[0] = '\0';
			ge_error_clear();
		}
	}
	/*
	 * Newest first.  An entry comes from the cache when it can; then from
	 * the template when its note and its parent's are the template's text
	 * with their own commit ids (tmpl); otherwise from its report (cur)
	 * matched with its parent's (par), which is read once and carried to
	 * the next step as that entry's own.  v[i]'s parent is v[i + 1]
	 * (first parents), the last one's is notes[n].
	 */
	for (i = 0; i < out->n; i++) {
		ge_log_entry *e = &out->v[i];
		walk_note *cn = &notes[i], *pn = &notes[i + 1];
		size_t warned = 1, pwarned = 1;
		int keeps = 0;
		prefetch_wait(&pf, i + 1);
		if (par && par_of == e->commit) {
			cur = par;
			cur_warned = par_warned;
			par = NULL;
		} else {
			ge_report_free(par);
			par = NULL;
			cur_warned = 1;
		}
		par_of = NULL;
		if (i > 0)
			ge_buf_release(&notes[i - 1].text);
		if (!cn->id[0]) {
			ge_report_free(cur);
			cur = NULL;
			continue;
		}
		if (!e->parent[0])
			pn = &noparent;
		ge_buf_clear(&path);
		if (cache && cache_path(&path, &key, h, e, cn->id, pn->id) == 0 &&
		    (packs_read(e, &out->module, &pks, key, cn->id, pn->id) ||
		     cache_read(e, &out->module, ge_buf_cstr(&path), cn->id, pn->id))) {
			ge_report_free(cur);
			cur = NULL;
			continue;
		}
		/* The first miss: the notes are read from here on (a first run). */
		if (cache && !prefetched) {
			prefetched = 1;
			prefetch_start(&pf, h->git, notes, i + (out->n - i) / 4 + 1, out->n + 1);
			if (!tp.ok && note_text(cn, h, e->commit)) {
				cand = i;
				cand_gen = prefetch_publish(&pf, &tp, cn);
			}
		}
		if (cache && pn->id[0] && note_is_tmpl(cn, &tp, h) && note_is_tmpl(pn, &tp, h) &&
		    ge_git_tree_keeps_paths(&keeps, h->git, e->parent, e->commit) == 0 && keeps) {
			if ((rc = entry_from_tmpl(e, &tp)) < 0)
				goto done;
			if (!out->module && tp.module && !(out->module = ge_strdup(tp.module))) {
				rc = ge_error_set(GE_ENOMEM, "out of memory");
				goto done;
			}
			if (path.len)
				cache_write(&pd, &npd, &pdcap, key, e,
				            tp.pkjson_ok ? &tp.pkjson : NULL, tp.module, cn->id,
				            pn->id);
			ge_report_free(cur);
			cur = NULL;
			continue;
		}
		ge_error_clear();
		warned = cur_warned;
		if (!cur && (rc = note_report(&cur, &warned, h, cn, e->commit)) < 0 &&
		    rc != GE_ENOTFOUND)
			goto done;
		if (!cur)
			continue;
		if (pn->id[0]) {
			if ((rc = note_report(&par, &pwarned, h, pn, e->parent)) < 0 &&
			    rc != GE_ENOTFOUND)
				goto done;
			if (par) {
				if (ge_history_match(cur, par, h, e->parent, e->commit) == 0)
					e->compared = 1;
				else
					ge_error_clear();
				if (i + 1 < out->n) {
					par_of = out->v[i + 1].commit;
					par_warned = pwarned;
				}
			}
		}
		if ((rc = entry_fill(e, cur)) < 0)
			goto done;
		if (!out->module && cur->module && !(out->module = ge_strdup(cur->module))) {
			rc = ge_error_set(GE_ENOMEM, "out of memory");
			goto done;
		}
		if (cache && !warned && cn->state == 1)
			tmpl_set(&tp, e, &cn->text, cur->module, i == cand ? cand_gen : 0);
		if (cache && path.len)
			cache_write(&pd, &npd, &pdcap, key, e, NULL, cur->module, cn->id, pn->id);
		ge_report_free(cur);
		cur = NULL;
	}
	rc = 0;
done:
	prefetch_join(&pf);
	packs_close(&pks);
	pending_flush(pd, npd, ge_git_commondir(h->git));
	for (i = 0; i < npd; i++)
		free(pd[i].bytes);
	free(pd);
	ge_report_free(cur);
	ge_report_free(par);
	ge_buf_release(&path);
	for (i = 0; notes && i <= out->n; i++)
		ge_buf_release(&notes[i].text);
	free(notes);
	ge_git_notes_free(nt);
	tmpl_clear(&tp);
	ge_buf_release(&tp.text);
	ge_buf_release(&tp.pkjson);
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

/* n in decimal: one per package and commit, where a printf showed (two passes each). */
static int put_count(ge_buf *out, size_t n)
{
	char d[24];
	size_t i = sizeof(d);
	do {
		d[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	return ge_buf_put(out, d + i, sizeof(d) - i);
}

/* e's packages as entry_json writes them inside "packages": [...]. */
static int pkgs_json(ge_buf *out, const ge_log_pkg *pkgs, size_t n)
{
	size_t k;
	int rc = 0;
	for (k = 0; k < n; k++) {
		rc |= ge_buf_puts(out, k ? ", {\"package\": " : "{\"package\": ");
		rc |= ge_buf_put_json(out, pkgs[k].package);
		rc |= ge_buf_puts(out, ", \"heap\": ");
		rc |= put_count(out, pkgs[k].heap);
		rc |= ge_buf_putc(out, '}');
	}
	return rc;
}

/* One commit as log-1.json's object (without the members of a note when it has none). */
static int entry_json(ge_buf *out, const ge_log_entry *e)
{
	return entry_json_with(out, e, NULL);
}

/* The same, with e's packages already written as pkgs_json writes them, when pkgs. */
static int entry_json_with(ge_buf *out, const ge_log_entry *e, const ge_buf *pkgs)
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
	if (pkgs)
		rc |= ge_buf_put(out, pkgs->ptr, pkgs->len);
	else
		rc |= pkgs_json(out, e->pkgs, e->npkgs);
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
