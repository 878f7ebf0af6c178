/*
 * The join of a heap profile with a report: bytes per diagnostic, hot
 * sites, staleness, and the ranking of rewrites (suggest --profile).
 *
 * What is here and why it stays together: the sites the build hands over,
 * the mapping of profile paths and names to the module's, the line table,
 * the join itself and its staleness check.  The staleness check reads the
 * join's own per-function table (module file, name, mapped lines) and the
 * sites index the hot sites use, so splitting it off would mean a private
 * header for those internals; it is two functions of its own below
 * (site_checks, source_start_lines) instead.  Everything that only reads a
 * finished ge_cost (JSON, text, check's failing count, byte sizes) is in
 * lib/cost_out.c.
 */
#include "cost.h"

#include "gopkg.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Sums wrap instead of overflowing: a hostile profile may hold any value. */
static int64_t add64(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a + (uint64_t)b);
}

/* ---- sites ---- */

struct ge_cost_sites {
	ge_report *arena; /* strings */
	ge_cost_site *v;
	size_t n, cap;
};

int ge_cost_sites_new(ge_cost_sites **out)
{
	ge_cost_sites *s = calloc(1, sizeof(*s));
	int rc;
	assert(out);
	*out = NULL;
	if (!s)
		return ge_error_set(GE_ENOMEM, "out of memory");
	if ((rc = ge_report_new(&s->arena)) < 0) {
		free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void ge_cost_sites_free(ge_cost_sites *s)
{
	if (!s)
		return;
	ge_report_free(s->arena);
	free(s->v);
	free(s);
}

static const char *intern(ge_report *r, const char *s)
{
	const char *p = ge_report_intern(r, s ? s : "", s ? strlen(s) : 0);
	if (!p)
		ge_error_set(GE_ENOMEM, "out of memory");
	return p;
}

/* Add site, its text text[0..len) (not NUL-terminated). */
static int sites_add_text(ge_cost_sites *s, const ge_cost_site *site, const char *text, size_t len)
{
	ge_cost_site c = *site;
	if (!(c.file = intern(s->arena, site->file)) ||
	    !(c.function = intern(s->arena, site->function)) ||
	    !(c.text = ge_report_intern(s->arena, text ? text : "", text ? len : 0)))
		return ge_error_set(GE_ENOMEM, "out of memory");
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 64;
		ge_cost_site *nv = realloc(s->v, nc * sizeof(*nv));
		if (!nv)
			return ge_error_set(GE_ENOMEM, "out of memory");
		s->v = nv;
		s->cap = nc;
	}
	s->v[s->n++] = c;
	return 0;
}

int ge_cost_sites_add(ge_cost_sites *s, const ge_cost_site *site)
{
	return sites_add_text(s, site, site->text, site->text ? strlen(site->text) : 0);
}

static int prefix(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);
	return n >= k && memcmp(s, p, k) == 0;
}

int ge_cost_sites_take(void *ud, const ge_parse_line *l, const char *file, const char *function)
{
	ge_cost_sites *s = ud;
	ge_cost_site site;
	memset(&site, 0, sizeof(site));
	if (l->type == GE_LINE_NOESCAPE)
		site.kind = GE_SITE_NOESCAPE;
	else if (l->type == GE_LINE_NOTE)
		site.kind = GE_SITE_NOTE;
	else if (l->type == GE_LINE_INLINE && prefix(l->text, l->text_len, "inlining call to "))
		site.kind = GE_SITE_INLINED;
	else if (l->type == GE_LINE_INLINE && prefix(l->text, l->text_len, "can inline "))
		site.kind = GE_SITE_CAN_INLINE;
	else
		return 0; /* "cannot inline F: why" says nothing about positions */
	site.file = file;
	site.function = function;
	site.line = l->lineno;
	site.column = l->col;
	return sites_add_text(s, &site, l->text, l->text_len);
}

const ge_cost_site *ge_cost_sites_list(const ge_cost_sites *s, size_t *n)
{
	*n = s->n;
	return s->v;
}

/* ---- names and paths ---- */

/* Where the package qualifier of a runtime function name ends (its '.'), or NULL. */
static const char *pkg_end(const char *name)
{
	const char *limit = name + strcspn(name, "[("), *slash = NULL, *p;
	for (p = name; p < limit; p++)
		if (*p == '/')
			slash = p;
	p = memchr(slash ? slash : name, '.', (size_t)(limit - (slash ? slash : name)));
	return p;
}

/* Append s without its bracketed type arguments. */
static int put_unbracketed(ge_buf *out, const char *s)
{
	int depth = 0;
	for (; *s; s++) {
		if (*s == '[') {
			depth++;
			continue;
		}
		if (*s == ']' && depth > 0) {
			depth--;
			continue;
		}
		if (depth == 0 && ge_buf_putc(out, *s) < 0)
			return GE_ENOMEM;
	}
	if (ge_buf_grow(out, 1) < 0)
		return GE_ENOMEM;
	out->ptr[out->len] = '\0'; /* a C string even when empty */
	return 0;
}

int ge_cost_func_name(ge_buf *out, const char *name)
{
	const char *dot = pkg_end(name);
	ge_buf_clear(out);
	return put_unbracketed(out, dot ? dot + 1 : name);
}

/*
 * The function a "can inline X" names, in goescape notation, into out.  The
 * compiler writes X unqualified ("Deep", "Counter.func1", "Adder.Add"),
 * except for generic instantiations, which carry the package name
 * ("generic.(*Stack[go.shape.int]).Push").
 */
static int can_inline_name(ge_buf *out, const char *x)
{
	ge_buf_clear(out);
	if (strchr(x, '[')) {
		size_t q = strcspn(x, ".([");
		if (x[q] == '.')
			x += q + 1;
	}
	return put_unbracketed(out, x);
}

/* A set of the module-relative files the report and the sites know. */
typedef struct fileset {
	const char **v; /* open addressing; NULL = empty */
	size_t n, mask;
} fileset;

static size_t str_hash(const char *s)
{
	return (size_t)ge_hash_bytes(GE_HASH_SEED, s, strlen(s));
}

static int fileset_add(fileset *fs, const char *f)
{
	size_t j;
	if (!fs->v || (fs->n + 1) * 2 > fs->mask + 1) {
		size_t ncap = fs->v ? (fs->mask + 1) * 2 : 64, i;
		const char **nv = calloc(ncap, sizeof(*nv));
		if (!nv)
			return ge_error_set(GE_ENOMEM, "out of memory");
		for (i = 0; fs->v && i <= fs->mask; i++) {
			if (!fs->v[i])
				continue;
			j = str_hash(fs->v[i]) & (ncap - 1);
			while (nv[j])
				j = (j + 1) & (ncap - 1);
			nv[j] = fs->v[i];
		}
		free(fs->v);
		fs->v = nv;
		fs->mask = ncap - 1;
	}
	j = str_hash(f) & fs->mask;
	while (fs->v[j]) {
		if (strcmp(fs->v[j], f) == 0)
			return 0;
		j = (j + 1) & fs->mask;
	}
	fs->v[j] = f;
	fs->n++;
	return 0;
}

static const char *fileset_get(const fileset *fs, const char *f)
{
	size_t j;
	if (!fs->v)
		return NULL;
	for (j = str_hash(f) & fs->mask; fs->v[j]; j = (j + 1) & fs->mask)
		if (strcmp(fs->v[j], f) == 0)
			return fs->v[j];
	return NULL;
}

static const char *base_of(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/*
 * The module-relative file of a profile function's file, interned into
 * arena, or NULL when it is not a main-module file (see cost.h for the
 * order of the rules).
 */
/* A main module: its path and its root's directory relative to the report's paths. */
typedef struct modref {
	const char *path;
	const char *dir; /* "" when the report's paths are relative to this root */
} modref;

/* The module whose path is the longest '/'-bounded prefix of s (up to n bytes), or NULL. */
static const modref *longest_module(const modref *mods, size_t nmods, const char *s, size_t n)
{
	const modref *best = NULL;
	size_t i;
	for (i = 0; i < nmods; i++) {
		size_t k = strlen(mods[i].path);
		if (k && k <= n && memcmp(s, mods[i].path, k) == 0 && (k == n || s[k] == '/') &&
		    (!best || k > strlen(best->path)))
			best = &mods[i];
	}
	return best;
}

static int put_dir(ge_buf *b, const char *dir)
{
	if (!*dir)
		return 0;
	return ge_buf_puts(b, dir) < 0 || ge_buf_putc(b, '/') < 0 ? GE_ENOMEM : 0;
}

/*
 * The module-relative file of a profile function's file, interned into
 * arena, or NULL when it is not a main-module file (see cost.h for the
 * order of the rules).
 */
static const char *module_file(ge_report *arena, const modref *mods, size_t nmods, const char *root,
                               const fileset *known, const char *funcname, const char *filename,
                               int *oom)
{
	size_t flen = strlen(filename), i;
	const char *dot = pkg_end(funcname), *best = NULL, *rel;
	const modref *m;
	ge_buf b = GE_BUF_INIT;

	/* Generated wrappers have no source; a build without tests has no
	 * diagnostics for test files, whose frames are the caller's business. */
	if (!flen || filename[0] == '<' ||
	    (flen > 8 && strcmp(filename + flen - 8, "_test.go") == 0))
		return NULL;
	if (dot && (m = longest_module(mods, nmods, funcname, (size_t)(dot - funcname)))) {
		size_t mlen = strlen(m->path);
		const char *dir = funcname + mlen + ((size_t)(dot - funcname) > mlen ? 1 : 0);
		if (put_dir(&b, m->dir) < 0 ||
		    (dot > dir &&
		     (ge_buf_put(&b, dir, (size_t)(dot - dir)) < 0 || ge_buf_putc(&b, '/') < 0)) ||
		    ge_buf_puts(&b, base_of(filename)) < 0)
			goto oom;
		goto found;
	}
	if (root && filename[0] == '/' && (rel = ge_path_within(filename, root)) && *rel) {
		if (ge_buf_puts(&b, rel) < 0)
			goto oom;
		goto found;
	}
	if ((m = longest_module(mods, nmods, filename, flen)) && flen > strlen(m->path) + 1) {
		if (put_dir(&b, m->dir) < 0 || ge_buf_puts(&b, filename + strlen(m->path) + 1) < 0)
			goto oom;
		goto found;
	}
	/* The longest '/'-bounded suffix that is a known file. */
	for (i = 0; i < flen && !best; i++)
		if (filename[i] == '/' && filename[i + 1])
			best = fileset_get(known, filename + i + 1);
	return best;
found:
	/* A hostile profile must not name a file outside the module. */
	if (b.ptr[0] == '/' || strcmp(b.ptr, "..") == 0 || strncmp(b.ptr, "../", 3) == 0 ||
	    strstr(b.ptr, "/../") || (b.len >= 3 && strcmp(b.ptr + b.len - 3, "/..") == 0)) {
		ge_buf_release(&b);
		return NULL;
	}
	rel = ge_report_intern(arena, b.ptr, b.len);
	ge_buf_release(&b);
	if (!rel)
		*oom = 1;
	return rel;
oom:
	ge_buf_release(&b);
	*oom = 1;
	return NULL;
}

/* ---- the line table ---- */

typedef struct lineent {
	const char *file; /* interned; NULL = empty slot */
	uint32_t line;
	uint32_t nheap;
	const char *function;
	int64_t bytes, objects, via_bytes, via_objects;
	const char *via_callee;
	int64_t via_callee_bytes;
} lineent;

typedef struct calleeent {
	const char *file;
	uint32_t line;
	const char *callee; /* interned; NULL = empty */
	int64_t bytes;
} calleeent;

typedef struct table {
	lineent *v;
	size_t n, mask;
	calleeent *c;
	size_t nc, cmask;
} table;

static size_t hash_pos(const char *file, uint32_t line, const char *extra)
{
	uint64_t h = (uint64_t)(uintptr_t)file * 0x9e3779b97f4a7c15ULL;
	h ^= (uint64_t)line * 0xff51afd7ed558ccdULL;
	h ^= (uint64_t)(uintptr_t)extra * 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	return (size_t)h;
}

static int table_grow(table *t)
{
	size_t ncap = t->v ? (t->mask + 1) * 2 : 1024, i;
	lineent *nv = calloc(ncap, sizeof(*nv));
	if (!nv)
		return ge_error_set(GE_ENOMEM, "out of memory");
	for (i = 0; t->v && i <= t->mask; i++) {
		size_t j;
		if (!t->v[i].file)
			continue;
		j = hash_pos(t->v[i].file, t->v[i].line, NULL) & (ncap - 1);
		while (nv[j].file)
			j = (j + 1) & (ncap - 1);
		nv[j] = t->v[i];
	}
	free(t->v);
	t->v = nv;
	t->mask = ncap - 1;
	return 0;
}

static lineent *table_get(table *t, const char *file, uint32_t line, int create)
{
	size_t j;
	if (!t->v || (create && (t->n + 1) * 2 > t->mask + 1)) {
		if (!create && !t->v)
			return NULL;
		if (table_grow(t) < 0)
			return NULL;
	}
	j = hash_pos(file, line, NULL) & t->mask;
	while (t->v[j].file) {
		if (t->v[j].file == file && t->v[j].line == line)
			return &t->v[j];
		j = (j + 1) & t->mask;
	}
	if (!create)
		return NULL;
	t->v[j].file = file;
	t->v[j].line = line;
	t->n++;
	return &t->v[j];
}

static int callee_add(table *t, const char *file, uint32_t line, const char *callee, int64_t bytes,
                      lineent *le)
{
	size_t j;
	if (!t->c || (t->nc + 1) * 2 > t->cmask + 1) {
		size_t ncap = t->c ? (t->cmask + 1) * 2 : 256, i;
		calleeent *nc = calloc(ncap, sizeof(*nc));
		if (!nc)
			return ge_error_set(GE_ENOMEM, "out of memory");
		for (i = 0; t->c && i <= t->cmask; i++) {
			if (!t->c[i].callee)
				continue;
			j = hash_pos(t->c[i].file, t->c[i].line, t->c[i].callee) & (ncap - 1);
			while (nc[j].callee)
				j = (j + 1) & (ncap - 1);
			nc[j] = t->c[i];
		}
		free(t->c);
		t->c = nc;
		t->cmask = ncap - 1;
	}
	j = hash_pos(file, line, callee) & t->cmask;
	while (t->c[j].callee &&
	       !(t->c[j].file == file && t->c[j].line == line && t->c[j].callee == callee))
		j = (j + 1) & t->cmask;
	if (!t->c[j].callee) {
		t->c[j].file = file;
		t->c[j].line = line;
		t->c[j].callee = callee;
		t->nc++;
	}
	t->c[j].bytes = add64(t->c[j].bytes, bytes);
	/* Ties go to the name that sorts first, so the result does not
	 * depend on the order of the samples. */
	if (!le->via_callee || t->c[j].bytes > le->via_callee_bytes ||
	    (t->c[j].bytes == le->via_callee_bytes && strcmp(callee, le->via_callee) < 0)) {
		le->via_callee = callee;
		le->via_callee_bytes = t->c[j].bytes;
	}
	return 0;
}

/* ---- the join ---- */

typedef struct funcinfo {
	const char *file;     /* module-relative, interned; NULL if not a module file */
	const char *old_file; /* the same at the profile's commit (opts.map) */
	const char *name;     /* goescape notation (module functions) or runtime name, interned */
	int start_checked;
} funcinfo;

/*
 * A profile line of function f as a line of the report's source: through
 * the map when the profile is of another commit; 0 when out of range or
 * changed since.
 */
static uint32_t pos_line(const ge_match_map *map, const funcinfo *f, int64_t line)
{
	if (line <= 0 || line > UINT32_MAX)
		return 0;
	if (!map || !map->map_line)
		return (uint32_t)line;
	return map->map_line(f->old_file, (uint32_t)line, map->ud);
}

static int has_func(const char *s, size_t n)
{
	size_t i;
	for (i = 0; i + 4 <= n; i++)
		if (memcmp(s + i, "func", 4) == 0)
			return 1;
	return 0;
}

/*
 * Each module function's start line against the source on disk: the line
 * must hold "func", the file's one-file view (lib/gopkg: gosrc's names,
 * per file) must find the function itself at its end (where the body of
 * "func F() {" or "return func() {" has begun), and something else at the
 * end of the line before.  Names gosrc cannot spell (compiler wrappers
 * "-fm", "glob.", spaces) are skipped, and functions the sites checked
 * already.  Files are read once each, from root/rel only.
 */
static int source_start_lines(ge_cost *c, const ge_pprof *p, funcinfo *fi, const char *root,
                              const ge_match_map *map)
{
	struct src {
		const char *rel; /* interned: compared by pointer; NULL = empty slot */
		ge_gopkg *view;  /* a one-file view of it (lib/gopkg), NULL when unread */
		ge_gopkg_file *f;
	} *cache = NULL;
	size_t mask = 63, n = 0, i, k;
	int rc = 0;
	if (!(cache = calloc(mask + 1, sizeof(*cache))))
		return ge_error_set(GE_ENOMEM, "out of memory");
	for (i = 0; i < p->nfunctions; i++) {
		const ge_pprof_function *f = &p->functions[i];
		const char *name = fi[i].name, *got, *text;
		ge_gopkg_file *src = NULL;
		size_t len;
		uint32_t start;
		int agree;
		if (!fi[i].file || !(start = pos_line(map, &fi[i], f->start_line)) ||
		    fi[i].start_checked || strpbrk(name, "- ") || strncmp(name, "glob.", 5) == 0)
			continue;
		if ((n + 1) * 2 > mask + 1) {
			size_t ncap = (mask + 1) * 2;
			struct src *nc = calloc(ncap, sizeof(*nc));
			if (!nc) {
				rc = ge_error_set(GE_ENOMEM, "out of memory");
				goto done;
			}
			for (k = 0; k <= mask; k++) {
				size_t j;
				if (!cache[k].rel)
					continue;
				j = hash_pos(cache[k].rel, 0, NULL) & (ncap - 1);
				while (nc[j].rel)
					j = (j + 1) & (ncap - 1);
				nc[j] = cache[k];
			}
			free(cache);
			cache = nc;
			mask = ncap - 1;
		}
		k = hash_pos(fi[i].file, 0, NULL) & mask;
		while (cache[k].rel && cache[k].rel != fi[i].file)
			k = (k + 1) & mask;
		if (!cache[k].rel) {
			char *path = ge_path_join(root, fi[i].file), *slash;
			ge_gopkg_source wt;
			if (!path) {
				rc = ge_error_set(GE_ENOMEM, "out of memory");
				goto done;
			}
			ge_gopkg_source_worktree(&wt);
			cache[k].rel = fi[i].file;
			n++;
			slash = strrchr(path, '/');
			if (slash) {
				*slash = 0;
				rc = ge_gopkg_open_files(&cache[k].view, *path ? path : "/", &wt);
				if (rc == 0 &&
				    ge_gopkg_get(&cache[k].f, cache[k].view, slash + 1) < 0)
					ge_error_clear(); /* not on disk: nothing to compare */
			}
			free(path);
			if (rc < 0)
				goto done;
		}
		if (!(src = cache[k].f))
			continue;
		/* A one-file view names the file alone, as the profile's check
		 * always has: package-level closures ("glob.") are skipped above. */
		text = ge_gopkg_line(src, start, &len);
		got = text ? ge_gopkg_func_at(src, start, (uint32_t)(len ? len : 1)) : "";
		if (!got) {
			rc = GE_ERROR; /* its message is set */
			goto done;
		}
		agree = text && has_func(text, len) && strcmp(got, name) == 0;
		if (agree && start > 1) {
			/* ... and the line before is not in it yet. */
			text = ge_gopkg_line(src, start - 1, &len);
			got = ge_gopkg_func_at(src, start - 1, (uint32_t)(len ? len : 1));
			if (!got) {
				rc = GE_ERROR;
				goto done;
			}
			agree = strcmp(got, name) != 0;
		}
		c->start_checked++;
		c->start_agree += agree;
		fi[i].start_checked = 1;
	}
done:
	for (k = 0; k <= mask; k++)
		ge_gopkg_free(cache[k].view);
	free(cache);
	return rc;
}

static int warn(ge_cost *c, const char *fmt, ...) GE_PRINTF(2, 3);
static int warn(ge_cost *c, const char *fmt, ...)
{
	ge_buf b = GE_BUF_INIT;
	va_list ap;
	char **nw;
	int rc;
	va_start(ap, fmt);
	rc = ge_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return rc;
	if (!(nw = realloc(c->warnings, (c->nwarnings + 1) * sizeof(*nw)))) {
		ge_buf_release(&b);
		return ge_error_set(GE_ENOMEM, "out of memory");
	}
	c->warnings = nw;
	c->warnings[c->nwarnings++] = ge_buf_detach(&b);
	return 0;
}

static int cmp_hot(const void *a, const void *b)
{
	const ge_hot_site *x = a, *y = b;
	int k;
	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	if ((k = strcmp(x->file, y->file)) != 0)
		return k;
	return x->line < y->line ? -1 : x->line > y->line;
}

/*
 * Index the sites by position: sorted copies searched with bsearch, so the
 * staleness check stays linear-logarithmic on large builds.
 */
typedef struct sitekey {
	const char *file;
	uint32_t line;
	const ge_cost_site *site;
} sitekey;

static int cmp_sitekey(const void *a, const void *b)
{
	const sitekey *x = a, *y = b;
	int k = strcmp(x->file, y->file);
	if (k)
		return k;
	return x->line < y->line ? -1 : x->line > y->line;
}

static const ge_cost_site *sites_find(const sitekey *keys, size_t n, const char *file,
                                      uint32_t line, int kind)
{
	sitekey k = {file, line, NULL};
	const sitekey *hit = n ? bsearch(&k, keys, n, sizeof(*keys), cmp_sitekey) : NULL;
	if (!hit)
		return NULL;
	while (hit > keys && cmp_sitekey(hit - 1, &k) == 0)
		hit--;
	for (; hit < keys + n && cmp_sitekey(hit, &k) == 0; hit++)
		if (kind < 0 || (int)hit->site->kind == kind)
			return hit->site;
	return NULL;
}

/* A "can inline" site by (file, function name). */
struct canon {
	const char *file, *name;
	uint32_t line;
};

static int cmp_canon(const void *a, const void *b)
{
	const struct canon *x = a, *y = b;
	int k = strcmp(x->file, y->file);
	return k ? k : strcmp(x->name, y->name);
}

static int family(const char *sample, const char **space, const char **objects)
{
	if (strcmp(sample, "alloc_space") == 0 || strcmp(sample, "alloc_objects") == 0) {
		*space = "alloc_space";
		*objects = "alloc_objects";
		return 0;
	}
	if (strcmp(sample, "inuse_space") == 0 || strcmp(sample, "inuse_objects") == 0) {
		*space = "inuse_space";
		*objects = "inuse_objects";
		return 0;
	}
	return -1;
}

/*
 * Staleness, against the build's sites.  Every inline edge of the profile
 * (a location's line that is not its outermost, called from the next one
 * out, in a module file) should be an "inlining call to" at the caller's
 * position; every module function's start line should be where the build
 * said "can inline" it, when it said so.  Distinct edges count once.
 * Counts into c's inline_* and start_*; marks fi[].start_checked.
 */
static int site_checks(ge_cost *c, const ge_pprof *p, funcinfo *fi, const sitekey *keys,
                       size_t nkeys, const ge_cost_site *sites, size_t nsites,
                       const ge_match_map *map)
{
	struct canon *canon = NULL;
	size_t ncanon = 0, i;
	ge_buf name = GE_BUF_INIT;
	int rc = 0;
	{
		table seen = {NULL, 0, 0, NULL, 0, 0};
		for (i = 0; i < p->nlocations; i++) {
			const ge_pprof_location *loc = &p->locations[i];
			uint32_t j;
			for (j = 0; j + 1 < loc->nlines; j++) {
				const ge_pprof_line *outer = &p->lines[loc->first_line + j + 1];
				lineent *se;
				uint32_t at;
				if (outer->function == GE_PPROF_NONE || !fi[outer->function].file ||
				    !(at = pos_line(map, &fi[outer->function], outer->line)))
					continue;
				if (!(se = table_get(&seen, fi[outer->function].file, at, 1))) {
					free(seen.v);
					rc = GE_ENOMEM;
					goto done;
				}
				if (se->nheap++)
					continue;
				c->inline_checked++;
				if (sites_find(keys, nkeys, fi[outer->function].file, at,
				               GE_SITE_INLINED))
					c->inline_agree++;
			}
		}
		free(seen.v);
		/* Where the build declared each function it could inline. */
		if (!(canon = malloc(nsites * sizeof(*canon)))) {
			rc = ge_error_set(GE_ENOMEM, "out of memory");
			goto done;
		}
		for (i = 0; i < nsites; i++) {
			if (sites[i].kind != GE_SITE_CAN_INLINE)
				continue;
			if ((rc = can_inline_name(&name, sites[i].text + strlen("can inline "))) <
			    0)
				goto done;
			canon[ncanon].file = sites[i].file;
			canon[ncanon].line = sites[i].line;
			if (!(canon[ncanon].name = intern(c->strings, name.ptr))) {
				rc = GE_ENOMEM;
				goto done;
			}
			ncanon++;
		}
		if (ncanon)
			qsort(canon, ncanon, sizeof(*canon), cmp_canon);
		for (i = 0; i < p->nfunctions && ncanon; i++) {
			const ge_pprof_function *f = &p->functions[i];
			struct canon key, *hit;
			uint32_t start;
			if (!fi[i].file || !(start = pos_line(map, &fi[i], f->start_line)) ||
			    fi[i].start_checked)
				continue;
			key.file = fi[i].file;
			key.name = fi[i].name;
			key.line = 0;
			if (!(hit = bsearch(&key, canon, ncanon, sizeof(*canon), cmp_canon)))
				continue; /* only functions the build said it can inline */
			c->start_checked++;
			c->start_agree += hit->line == start;
			fi[i].start_checked = 1;
		}
	}
done:
	free(canon);
	ge_buf_release(&name);
	return rc;
}

/*
 * The warnings of a join: a profile that does not fit the source, one of
 * another program, the default sampling rate.
 */
static int join_warnings(ge_cost *c, const ge_pprof *p, const ge_cost_opts *o, const char *module)
{
	int rc = 0;
	/*
	 * Warn when fewer than 80% agree: a few inline decisions may differ
	 * between the profiled build (go test) and this one, a shifted source
	 * moves nearly all of them.
	 */
	if (c->inline_checked >= 2 && c->inline_agree * 5 < c->inline_checked * 4) {
		if ((rc = warn(c,
		               "profile '%s' does not match this source: %zu of %zu inline sites "
		               "agree; was it taken from another commit?",
		               o->profile_name, c->inline_agree, c->inline_checked)) < 0)
			return rc;
	} else if (c->inline_checked < 2 && c->start_checked >= 2 &&
	           c->start_agree * 5 < c->start_checked * 4) {
		if ((rc = warn(c,
		               "profile '%s' does not match this source: %zu of %zu function start "
		               "lines agree; was it taken from another commit?",
		               o->profile_name, c->start_agree, c->start_checked)) < 0)
			return rc;
	}
	if (c->total_bytes > 0 && c->unmatched_bytes == c->total_bytes) {
		if ((rc = warn(c,
		               "profile '%s' has no sample in a file of module '%s': was it taken "
		               "from another program?",
		               o->profile_name, module ? module : "")) < 0)
			return rc;
	}
	if (p->period == 512 * 1024) {
		if ((rc = warn(c,
		               "profile '%s' was sampled every 512 KiB (the default "
		               "MemProfileRate): small shares are noise and allocations under 16 "
		               "bytes are under-counted; -memprofilerate=1 gives exact counts",
		               o->profile_name)) < 0)
			return rc;
	}
	return 0;
}

int ge_cost_join(ge_cost **out, const ge_pprof *p, const ge_report *r, const ge_cost_opts *o)
{
	ge_cost *c = NULL;
	funcinfo *fi = NULL;
	fileset known = {NULL, 0, 0};
	size_t nmods = 0;
	modref *mods = NULL, single;
	const char *root = NULL;
	table t = {NULL, 0, 0, NULL, 0, 0};
	sitekey *keys = NULL;
	size_t nsites = 0, i, nkeys = 0;
	const ge_cost_site *sites = NULL;
	const char *space_name, *objects_name, *module;
	int bi, oi, by_objects, rc = 0, oom = 0;
	ge_buf name = GE_BUF_INIT;
	int64_t total_value;

	assert(out && p && r && o && o->sample && o->profile_name);
	*out = NULL;
	if (o->sites)
		sites = ge_cost_sites_list(o->sites, &nsites);
	if (family(o->sample, &space_name, &objects_name) < 0)
		return ge_error_set(GE_EUSAGE,
		                    "unknown profile sample type '%s' (alloc_space, alloc_objects, "
		                    "inuse_space or inuse_objects)",
		                    o->sample);
	bi = ge_pprof_sample_index(p, space_name);
	oi = ge_pprof_sample_index(p, objects_name);
	if (bi < 0 || oi < 0)
		return ge_error_set(GE_EUSAGE, "profile '%s' has no sample type '%s'",
		                    o->profile_name, bi < 0 ? space_name : objects_name);
	by_objects = strstr(o->sample, "_objects") != NULL;
	module = r->module;

	if (!(c = calloc(1, sizeof(*c))) || (rc = ge_report_new(&c->strings)) < 0) {
		rc = c ? rc : ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	if (!(c->sample_type = intern(c->strings, o->sample)) ||
	    !(c->period_unit = intern(c->strings, p->period_type.unit))) {
		rc = GE_ENOMEM;
		goto done;
	}
	c->period = p->period;
	if (o->commit && !(c->commit = intern(c->strings, o->commit))) {
		rc = GE_ENOMEM;
		goto done;
	}

	/* The main modules: a workspace's all, else the report's one. */
	if (o->mods && o->mods->n) {
		if (!(mods = calloc(o->mods->n, sizeof(*mods)))) {
			rc = ge_error_set(GE_ENOMEM, "out of memory");
			goto done;
		}
		for (i = 0; i < o->mods->n; i++) {
			const char *top = o->mods->top ? o->mods->top : o->mods->mods[i].root;
			const char *d = ge_path_within(o->mods->mods[i].root, top);
			mods[nmods].path = o->mods->mods[i].path;
			mods[nmods].dir = d ? d : "";
			nmods++;
		}
		root = o->mods->top ? o->mods->top : o->mods->mods[0].root;
	} else {
		single.path = module ? module : "";
		single.dir = "";
		mods = &single;
		nmods = 1;
		root = o->module_root;
	}

	/* The files this build knows, for the suffix rule. */
	for (i = 0; i < r->ndiags; i++) {
		const char *f = intern(c->strings, r->diags[i].file);
		if (!f || (rc = fileset_add(&known, f)) < 0) {
			rc = rc ? rc : GE_ENOMEM;
			goto done;
		}
	}
	for (i = 0; i < nsites; i++) {
		const char *f = intern(c->strings, sites[i].file);
		if (!f || (rc = fileset_add(&known, f)) < 0) {
			rc = rc ? rc : GE_ENOMEM;
			goto done;
		}
	}

	/* Each function once: its module file and its name. */
	if (p->nfunctions && !(fi = calloc(p->nfunctions, sizeof(*fi)))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < p->nfunctions; i++) {
		const ge_pprof_function *f = &p->functions[i];
		fi[i].file =
		    module_file(c->strings, mods, nmods, root, &known, f->name, f->filename, &oom);
		if (oom) {
			rc = ge_error_set(GE_ENOMEM, "out of memory");
			goto done;
		}
		fi[i].old_file = fi[i].file;
		if (fi[i].file && o->map && o->map->rename) {
			const char *nf = o->map->rename(fi[i].file, o->map->ud);
			if (nf && !(fi[i].file = intern(c->strings, nf))) {
				rc = GE_ENOMEM;
				goto done;
			}
		}
		if (fi[i].file) {
			if ((rc = ge_cost_func_name(&name, f->name)) < 0)
				goto done;
			fi[i].name = ge_report_intern(c->strings, name.ptr, name.len);
		} else {
			fi[i].name = intern(c->strings, f->name);
		}
		if (!fi[i].name) {
			rc = GE_ENOMEM;
			goto done;
		}
	}

	/* The lines of heap diagnostics. */
	for (i = 0; i < r->ndiags; i++) {
		lineent *le;
		const char *f;
		if (!ge_kind_is_heap(r->diags[i].kind))
			continue;
		f = intern(c->strings, r->diags[i].file);
		if (!f || !(le = table_get(&t, f, r->diags[i].line, 1))) {
			rc = GE_ENOMEM;
			goto done;
		}
		le->nheap++;
	}

	/* Every sample onto its line. */
	for (i = 0; i < p->nsamples; i++) {
		const ge_pprof_sample *s = &p->samples[i];
		int64_t bytes = p->values[i * p->nsample_types + (size_t)bi];
		int64_t objs = p->values[i * p->nsample_types + (size_t)oi];
		const char *callee = NULL, *file = NULL, *fn = NULL;
		uint32_t k, line = 0;
		int changed = 0;
		lineent *le;

		c->total_bytes = add64(c->total_bytes, bytes);
		c->total_objects = add64(c->total_objects, objs);
		/*
		 * Leaf first: the first location whose outermost line is in a
		 * module file gets the sample.  On the leaf itself that is a
		 * direct allocation (non-module code inlined into module code
		 * is the module's own); further out, it is via the non-module
		 * function nearest to that module frame.
		 */
		for (k = 0; k < s->nlocs && !file; k++) {
			const ge_pprof_location *loc = &p->locations[p->locs[s->first_loc + k]];
			const ge_pprof_line *outer;
			uint32_t j;
			for (j = 0; j < loc->nlines; j++) {
				const ge_pprof_line *ln = &p->lines[loc->first_line + j];
				if (ln->function == GE_PPROF_NONE)
					continue;
				if (fi[ln->function].file)
					break;
				callee = fi[ln->function].name;
			}
			if (j == loc->nlines)
				continue; /* no module frame here */
			outer =
			    &p->lines[loc->first_line + (o->source_lines ? j : loc->nlines - 1)];
			if (outer->function == GE_PPROF_NONE || !fi[outer->function].file ||
			    outer->line <= 0 || outer->line > UINT32_MAX) {
				/* module code inlined into something else */
				if (outer->function != GE_PPROF_NONE)
					callee = fi[outer->function].name;
				continue;
			}
			if (!(line = pos_line(o->map, &fi[outer->function], outer->line))) {
				changed = 1; /* that line changed since the profile's commit */
				break;
			}
			file = fi[outer->function].file;
			fn = fi[outer->function].name;
			if (k == 0)
				callee = NULL;
		}
		if (!file) {
			c->unmatched_bytes = add64(c->unmatched_bytes, bytes);
			c->unmatched_objects = add64(c->unmatched_objects, objs);
			if (changed) {
				c->changed_bytes = add64(c->changed_bytes, bytes);
				c->changed_objects = add64(c->changed_objects, objs);
			}
			continue;
		}
		if (!(le = table_get(&t, file, line, 1))) {
			rc = GE_ENOMEM;
			goto done;
		}
		if (!le->function)
			le->function = fn;
		le->bytes = add64(le->bytes, bytes);
		le->objects = add64(le->objects, objs);
		if (callee) {
			le->via_bytes = add64(le->via_bytes, bytes);
			le->via_objects = add64(le->via_objects, objs);
			if ((rc = callee_add(&t, file, line, callee, bytes, le)) < 0)
				goto done;
		}
		if (le->nheap) {
			if (callee) {
				c->via_bytes = add64(c->via_bytes, bytes);
				c->via_objects = add64(c->via_objects, objs);
			} else {
				c->matched_bytes = add64(c->matched_bytes, bytes);
				c->matched_objects = add64(c->matched_objects, objs);
			}
		} else {
			c->hot_bytes = add64(c->hot_bytes, bytes);
			c->hot_objects = add64(c->hot_objects, objs);
		}
	}
	total_value = by_objects ? c->total_objects : c->total_bytes;

	/* Per diagnostic. */
	c->ndiags = r->ndiags;
	if (r->ndiags && !(c->diags = calloc(r->ndiags, sizeof(*c->diags)))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < r->ndiags; i++) {
		ge_diag_cost *dc = &c->diags[i];
		const lineent *le;
		const char *f;
		if (!ge_kind_is_heap(r->diags[i].kind))
			continue;
		if (!(f = intern(c->strings, r->diags[i].file))) {
			rc = GE_ENOMEM;
			goto done;
		}
		le = table_get(&t, f, r->diags[i].line, 0);
		if (!le)
			continue;
		dc->bytes = le->bytes;
		dc->objects = le->objects;
		dc->via_bytes = le->via_bytes;
		dc->via_objects = le->via_objects;
		dc->via_callee = le->via_callee;
		dc->line_shared = le->nheap > 1;
		if (total_value > 0)
			dc->share =
			    (double)(by_objects ? le->objects : le->bytes) / (double)total_value;
	}

	/* Sites by position, for the notes of hot sites and the staleness check. */
	if (nsites && !(keys = malloc(nsites * sizeof(*keys)))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < nsites; i++) {
		keys[nkeys].file = sites[i].file;
		keys[nkeys].line = sites[i].line;
		keys[nkeys].site = &sites[i];
		nkeys++;
	}
	if (nkeys)
		qsort(keys, nkeys, sizeof(*keys), cmp_sitekey);

	/* Hot sites. */
	for (i = 0; t.v && i <= t.mask; i++)
		if (t.v[i].file && !t.v[i].nheap && (t.v[i].bytes || t.v[i].objects))
			c->nhot++;
	if (c->nhot && !(c->hot = calloc(c->nhot, sizeof(*c->hot)))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	c->nhot = 0;
	for (i = 0; t.v && i <= t.mask; i++) {
		const lineent *le = &t.v[i];
		ge_hot_site *h;
		const ge_cost_site *note;
		if (!le->file || le->nheap || !(le->bytes || le->objects))
			continue;
		h = &c->hot[c->nhot++];
		h->file = le->file;
		h->line = le->line;
		h->function = le->function ? le->function : "";
		h->bytes = le->bytes;
		h->objects = le->objects;
		h->via_bytes = le->via_bytes;
		h->via_objects = le->via_objects;
		h->via_callee = le->via_callee;
		if (total_value > 0)
			h->share =
			    (double)(by_objects ? le->objects : le->bytes) / (double)total_value;
		note = sites_find(keys, nkeys, le->file, le->line, GE_SITE_NOESCAPE);
		if (!note)
			note = sites_find(keys, nkeys, le->file, le->line, GE_SITE_NOTE);
		if (note && !(h->note = intern(c->strings, note->text))) {
			rc = GE_ENOMEM;
			goto done;
		}
	}
	if (c->nhot)
		qsort(c->hot, c->nhot, sizeof(*c->hot), cmp_hot);

	/* Staleness: the profile's inline edges and start lines against the build. */
	if (nkeys && (rc = site_checks(c, p, fi, keys, nkeys, sites, nsites, o->map)) < 0)
		goto done;
	if (root && (rc = source_start_lines(c, p, fi, root, o->map)) < 0)
		goto done;
	if ((rc = join_warnings(c, p, o, module)) < 0)
		goto done;
done:
	free(fi);
	free(known.v);
	if (mods != &single)
		free(mods);
	free(t.v);
	free(t.c);
	free(keys);
	ge_buf_release(&name);
	if (rc < 0) {
		ge_cost_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

void ge_cost_free(ge_cost *c)
{
	size_t i;
	if (!c)
		return;
	for (i = 0; i < c->nwarnings; i++)
		free(c->warnings[i]);
	free(c->warnings);
	free(c->diags);
	free(c->hot);
	ge_report_free(c->strings);
	free(c);
}

/* ---- what the CLI calls ---------------------------------------------------- */

int ge_cost_open(ge_pprof **out, const char *path, const char *sample)
{
	const char *space, *objects;
	ge_pprof *p = NULL;
	int rc;
	*out = NULL;
	if (family(sample, &space, &objects) < 0)
		return ge_error_set(GE_EUSAGE,
		                    "unknown profile sample type '%s' (alloc_space, alloc_objects, "
		                    "inuse_space or inuse_objects)",
		                    sample);
	if ((rc = ge_pprof_load(&p, path)) < 0) {
		char msg[1024];
		if (rc == GE_ENOMEM || rc == GE_EBADINPUT)
			return rc;
		snprintf(msg, sizeof(msg), "%s", ge_error_last());
		return ge_error_set(GE_EBADINPUT, "%s", msg); /* missing, unreadable: exit 2 */
	}
	if (ge_pprof_sample_index(p, space) < 0 || ge_pprof_sample_index(p, objects) < 0) {
		ge_pprof_free(p);
		return ge_error_set(GE_EBADINPUT,
		                    "cannot read profile '%s': it has no sample type '%s'", path,
		                    sample);
	}
	*out = p;
	return 0;
}
