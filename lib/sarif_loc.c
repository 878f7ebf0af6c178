/*
 * SARIF output, where a result is (see lib/sarif.h for the contract):
 * UTF-16 columns, GitHub's line hash, URIs, the source files a log quotes
 * and the regions in them.  The results, the rules and the run are in
 * lib/sarif.c; lib/sarif_loc.h is the interface between the two.
 */
#include "sarif_loc.h"
#include "url.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- UTF-16 ---------------------------------------------------------------- */

/* UTF-16 code units in the first n bytes of s. */
static uint32_t u16_units(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t units = 0;
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		if (p[i] < 0x80) {
			i++;
			units++;
			continue;
		}
		i += ge_utf8_next(p + i, n - i, &cp);
		units += cp > 0xFFFF ? 2 : 1;
	}
	return units;
}

/* ---- GitHub's line hash --------------------------------------------------- */

#define HASH_BLOCK 100
#define HASH_MOD   37u
#define HASH_EOF   65535u


static void line_hashes_release(ge_sarif__line_hashes *h)
{
	free(h->hash);
	free(h->occ);
	memset(h, 0, sizeof(*h));
}

/* Occurrence counts of hash values, open addressing. */
typedef struct occ_table {
	uint64_t *key;
	uint32_t *count;
	size_t mask, used;
} occ_table;

static int occ_bump(occ_table *t, uint64_t key, uint32_t *out)
{
	size_t i;
	if ((t->used + 1) * 2 > t->mask + 1 || !t->key) {
		size_t ncap = t->key ? (t->mask + 1) * 2 : 64, j;
		uint64_t *nk = calloc(ncap, sizeof(*nk));
		uint32_t *nc = calloc(ncap, sizeof(*nc));
		if (!nk || !nc) {
			free(nk);
			free(nc);
			return ge_error_set(GE_ENOMEM, "out of memory");
		}
		for (j = 0; t->key && j <= t->mask; j++) {
			size_t k;
			if (!t->count[j])
				continue;
			for (k = (size_t)(t->key[j] * 0x9E3779B97F4A7C15ULL) & (ncap - 1); nc[k];
			     k = (k + 1) & (ncap - 1))
				;
			nk[k] = t->key[j];
			nc[k] = t->count[j];
		}
		free(t->key);
		free(t->count);
		t->key = nk;
		t->count = nc;
		t->mask = ncap - 1;
	}
	for (i = (size_t)(key * 0x9E3779B97F4A7C15ULL) & t->mask; t->count[i] && t->key[i] != key;
	     i = (i + 1) & t->mask)
		;
	if (!t->count[i]) {
		t->key[i] = key;
		t->used++;
	}
	*out = ++t->count[i];
	return 0;
}

typedef struct hasher {
	uint32_t window[HASH_BLOCK];
	int64_t lineno[HASH_BLOCK]; /* line starting at this window slot, or -1 */
	uint64_t hash, first_mod;
	size_t index;
	int64_t line;
	int line_start, prev_cr;
	ge_sarif__line_hashes *out;
	occ_table occ;
} hasher;

static int hasher_emit(hasher *h)
{
	int64_t ln = h->lineno[h->index];
	uint32_t n = 0;
	ge_sarif__line_hashes *o = h->out;
	if (occ_bump(&h->occ, h->hash, &n) < 0)
		return GE_ENOMEM;
	h->lineno[h->index] = -1;
	if ((size_t)ln >= o->alloc) {
		size_t na = o->alloc ? o->alloc * 2 : 256;
		uint64_t *nh;
		uint32_t *no;
		while (na <= (size_t)ln)
			na *= 2;
		nh = realloc(o->hash, na * sizeof(*nh));
		if (!nh)
			return ge_error_set(GE_ENOMEM, "out of memory");
		o->hash = nh;
		no = realloc(o->occ, na * sizeof(*no));
		if (!no)
			return ge_error_set(GE_ENOMEM, "out of memory");
		o->occ = no;
		o->alloc = na;
	}
	o->hash[ln] = h->hash;
	o->occ[ln] = n;
	if ((uint32_t)ln > o->n)
		o->n = (uint32_t)ln;
	return 0;
}

static void hasher_update(hasher *h, uint32_t cur)
{
	uint32_t begin = h->window[h->index];
	h->window[h->index] = cur;
	h->hash = HASH_MOD * h->hash + cur - h->first_mod * begin;
	h->index = (h->index + 1) % HASH_BLOCK;
}

static int hasher_char(hasher *h, uint32_t cur)
{
	if (cur == ' ' || cur == '\t' || (h->prev_cr && cur == '\n')) {
		h->prev_cr = 0;
		return 0;
	}
	if (cur == '\r') {
		cur = '\n';
		h->prev_cr = 1;
	} else {
		h->prev_cr = 0;
	}
	if (h->lineno[h->index] != -1 && hasher_emit(h) < 0)
		return GE_ENOMEM;
	if (h->line_start) {
		h->line_start = 0;
		h->lineno[h->index] = ++h->line;
	}
	if (cur == '\n')
		h->line_start = 1;
	hasher_update(h, cur);
	return 0;
}

static int hash_text(ge_sarif__line_hashes *out, const char *text, size_t len)
{
	hasher *h = calloc(1, sizeof(*h));
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0, k;
	int rc = 0;
	if (!h)
		return ge_error_set(GE_ENOMEM, "out of memory");
	h->first_mod = 1;
	for (k = 0; k < HASH_BLOCK; k++) {
		h->first_mod *= HASH_MOD;
		h->lineno[k] = -1;
	}
	h->line_start = 1;
	h->out = out;
	while (i < len && rc == 0) {
		uint32_t cp;
		if (p[i] < 0x80) {
			rc = hasher_char(h, p[i++]);
			continue;
		}
		i += ge_utf8_next(p + i, len - i, &cp);
		if (cp > 0xFFFF) {
			cp -= 0x10000;
			rc = hasher_char(h, 0xD800 + (cp >> 10));
			if (rc == 0)
				rc = hasher_char(h, 0xDC00 + (cp & 0x3FF));
		} else {
			rc = hasher_char(h, cp);
		}
	}
	if (rc == 0)
		rc = hasher_char(h, HASH_EOF);
	for (k = 0; k < HASH_BLOCK && rc == 0; k++) {
		if (h->lineno[h->index] != -1)
			rc = hasher_emit(h);
		hasher_update(h, 0);
	}
	free(h->occ.key);
	free(h->occ.count);
	free(h);
	return rc;
}

static int put_hash(ge_buf *b, const ge_sarif__line_hashes *h, uint32_t line)
{
	return ge_buf_printf(b, "%llx:%u", (unsigned long long)h->hash[line], h->occ[line]);
}

int ge_sarif_line_hashes(ge_buf *out, const char *text, size_t len)
{
	ge_sarif__line_hashes h = {NULL, NULL, 0, 0};
	uint32_t i;
	int rc;
	assert(out && (text || !len));
	if ((rc = hash_text(&h, text ? text : "", len)) < 0)
		goto done;
	for (i = 1; i <= h.n && rc == 0; i++)
		if (put_hash(out, &h, i) < 0 || ge_buf_putc(out, '\n') < 0)
			rc = GE_ENOMEM;
done:
	line_hashes_release(&h);
	return rc;
}

/* ---- URIs ----------------------------------------------------------------- */

/* Percent-encode what may not stand in a URI; keep '/' and, if asked, ':'. */
int ge_sarif__put_uri_part(ge_buf *b, const char *s, size_t n, int keep_colon)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		            (c >= '0' && c <= '9') || strchr("-._~/!$&'()*+,;=@", c) ||
		            (keep_colon && c == ':');
		if (c && plain) {
			if (ge_buf_putc(b, (char)c) < 0)
				return GE_ENOMEM;
		} else if (ge_buf_printf(b, "%%%c%c", hex[c >> 4], hex[c & 15]) < 0) {
			return GE_ENOMEM;
		}
	}
	return 0;
}

int ge_sarif_put_uri_path(ge_buf *out, const char *s, int keep_colon)
{
	return ge_sarif__put_uri_part(out, s, strlen(s), keep_colon);
}

/* The end of a host (bracketed IPv6 or name) that starts at h, before any ":port". */
static const char *host_end(const char *h, const char *e)
{
	const char *rb;
	if (*h == '[' && (rb = memchr(h, ']', (size_t)(e - h))))
		return rb + 1;
	rb = memchr(h, ':', (size_t)(e - h));
	return rb ? rb : e;
}

/*
 * From the URL ge_url_scrub() made (no userinfo, query or fragment; a host
 * of letters, digits, "-._~", %HH or a bracketed address, so it is written
 * as it is).
 */
char *ge_sarif_repo_uri(const char *url)
{
	ge_buf b = GE_BUF_INIT, clean = GE_BUF_INIT;
	const char *sep, *host, *path, *end;
	size_t scheme_len;
	int rc = 0;
	assert(url);
	if (ge_url_scrub(&clean, url) < 0) {
		ge_buf_release(&clean);
		return NULL; /* credentials cannot be told apart: leave the URL out */
	}
	url = clean.ptr;
	if (url[0] == '/') {
		rc |= ge_buf_puts(&b, "file://");
		rc |= ge_sarif__put_uri_part(&b, url, strlen(url), 1);
		goto done;
	}
	sep = strstr(url, "://");
	if (sep) {
		scheme_len = (size_t)(sep - url);
		host = sep + 3;
		path = host + strcspn(host, "/");
		if (scheme_len == 4 && strncmp(url, "file", 4) == 0 && host == path) {
			rc |= ge_buf_puts(&b, "file://");
			rc |= ge_sarif__put_uri_part(&b, path, strlen(path), 1);
			goto done;
		}
		if (scheme_len == 0 || host == path) {
			rc = -1;
			goto done;
		}
		if ((scheme_len == 3 && strncmp(url, "ssh", 3) == 0) ||
		    (scheme_len == 3 && strncmp(url, "git", 3) == 0) ||
		    (scheme_len == 7 && strncmp(url, "git+ssh", 7) == 0) ||
		    (scheme_len == 7 && strncmp(url, "ssh+git", 7) == 0)) {
			/* The ssh port is no https port. */
			rc |= ge_buf_puts(&b, "https://");
			rc |= ge_buf_put(&b, host, (size_t)(host_end(host, path) - host));
		} else {
			rc |= ge_buf_put(&b, url, (size_t)(path - url));
		}
		rc |= ge_sarif__put_uri_part(&b, path, strlen(path), 1);
		goto done;
	}
	/* scp-like host:path, the host without '/' (else it is a path). */
	end = strchr(url, ':');
	if (!end || memchr(url, '/', (size_t)(end - url)) || end == url) {
		rc = -1;
		goto done;
	}
	host = url;
	end = host_end(host, host + strlen(host));
	if (*end != ':') {
		rc = -1;
		goto done;
	}
	path = end + 1;
	while (*path == '/')
		path++;
	rc |= ge_buf_puts(&b, "https://");
	rc |= ge_buf_put(&b, host, (size_t)(end - host));
	rc |= ge_buf_putc(&b, '/');
	rc |= ge_sarif__put_uri_part(&b, path, strlen(path), 1);
done:
	ge_buf_release(&clean);
	if (rc) {
		ge_buf_release(&b);
		return NULL;
	}
	return ge_buf_detach(&b);
}

/* ---- source files --------------------------------------------------------- */


void ge_sarif__file_release(ge_sarif__file *f)
{
	free(f->rel);
	ge_gopkg_free(f->view);
	line_hashes_release(&f->hashes);
	memset(f, 0, sizeof(*f));
}


/*
 * May the text of path be quoted?  Only a Go file of the module: path (under
 * srcroot) must still be inside srcroot once its symlinks are followed, end
 * in ".go" and have no ".git" element.  A baseline or a note names the files
 * of its entries, and both come from the repository: an entry for
 * ".git/config" (a CI checkout's token header) or for a file reached through
 * a committed symlink must not put that file's lines into the SARIF.
 */
static int module_go_file(const ge_sarif__ctx *c, const char *path)
{
	char *resolved = NULL, *root = NULL;
	const char *rel, *p;
	size_t n;
	int ok = 0;
	if (ge_path_check_inside(&resolved, c->srcroot, path) < 0 ||
	    !(root = realpath(c->srcroot, NULL)) || !(rel = ge_path_within(resolved, root)))
		goto done;
	n = strlen(rel);
	if (n < 3 || strcmp(rel + n - 3, ".go") != 0)
		goto done;
	for (p = rel; p; p = strchr(p, '/') ? strchr(p, '/') + 1 : NULL)
		if (strncmp(p, ".git", 4) == 0 && (p[4] == '/' || p[4] == '\0'))
			goto done;
	ok = 1;
done:
	ge_error_clear();
	free(resolved);
	free(root);
	return ok;
}

/* The file at rel (relative to srcroot), loaded; NULL only on out of memory. */
ge_sarif__file *ge_sarif__file_get(ge_sarif__ctx *c, const char *rel)
{
	ge_sarif__file *f = NULL;
	ge_gopkg_source src;
	char *path = NULL, *slash;
	size_t i;
	int rc;
	for (i = 0; i < NCACHE; i++) {
		if (c->cache[i].rel && strcmp(c->cache[i].rel, rel) == 0) {
			c->cache[i].used = ++c->tick;
			return &c->cache[i];
		}
		if (!f || c->cache[i].used < f->used)
			f = &c->cache[i];
	}
	ge_sarif__file_release(f);
	if (!(f->rel = ge_strdup(rel))) {
		ge_error_set(GE_ENOMEM, "out of memory");
		return NULL;
	}
	f->used = ++c->tick;
	if (!c->srcroot)
		return f;
	if (!(path = ge_path_join(c->srcroot, rel)))
		goto nomem;
	if (!ge_path_within(path, c->srcroot) || !module_go_file(c, path) ||
	    !(slash = strrchr(path, '/')))
		goto unreadable;
	*slash = '\0';
	ge_gopkg_source_worktree(&src);
	if ((rc = ge_gopkg_open_files(&f->view, *path ? path : "/", &src)) < 0 ||
	    (rc = ge_gopkg_get(&f->pf, f->view, slash + 1)) < 0) {
		if (rc == GE_ENOMEM)
			goto nomem;
		goto unreadable;
	}
	free(path);
	return f;
unreadable:
	/* Unreadable: columns stay bytes, no line hash.  Not an error. */
	ge_error_clear();
	ge_gopkg_free(f->view);
	f->view = NULL;
	f->pf = NULL;
	free(path);
	return f;
nomem:
	free(path);
	ge_sarif__file_release(f);
	ge_error_set(GE_ENOMEM, "out of memory");
	return NULL;
}

/* Line text without '\n' and a trailing '\r' (lib/gopkg's lines). */
const char *ge_sarif__file_line(const ge_sarif__file *f, uint32_t line, size_t *len)
{
	if (!f->pf || line == 0)
		return NULL;
	return ge_gopkg_line(f->pf, line, len);
}

/*
 * The line of d, if the file still has the text the compiler saw there
 * (line_hash 0: nothing to compare with, so trust it).
 */
const char *ge_sarif__diag_line(const ge_sarif__file *f, const ge_diag *d, size_t *len)
{
	const char *s = ge_sarif__file_line(f, d->line, len);
	if (s && d->line_hash && ge_hash_nospace(s, *len) != d->line_hash)
		return NULL;
	return s;
}

/* ---- regions -------------------------------------------------------------- */

/*
 * "region" of line:col (bytes), in UTF-16 code units when the line's text
 * is known; with snippets, also the expression's text and the line as
 * "contextRegion" (so the caller writes the two as siblings).
 */
int ge_sarif__put_region(ge_buf *b, ge_sarif__file *f, const char *text, size_t len, uint32_t line,
                      uint32_t col, int snippets)
{
	uint32_t sc = col, ec = col + 1, end_col = 0;
	size_t off = 0, end = 0;
	int rc = 0;
	if (col == 0)
		return ge_buf_printf(b, "\"region\":{\"startLine\":%u}", line);
	if (text) {
		off = col - 1;
		if (off < len) {
			if ((rc = ge_gopkg_expr_end(&end_col, f->pf, line, col)) == GE_ENOMEM)
				return rc;
			end =
			    rc == 0 && end_col > col && end_col - 1 <= len ? end_col - 1 : off + 1;
			rc = 0;
			sc = u16_units(text, off) + 1;
			ec = u16_units(text, end) + 1;
		} else {
			sc = u16_units(text, len) + 1 + (uint32_t)(off - len);
			ec = sc + 1;
			snippets = 0;
		}
	}
	rc |= ge_buf_printf(b, "\"region\":{\"startLine\":%u,\"startColumn\":%u,\"endColumn\":%u",
	                    line, sc, ec);
	if (text && snippets) {
		char *snip = ge_strndup(text + off, end - off), *whole = ge_strndup(text, len);
		if (!snip || !whole) {
			free(snip);
			free(whole);
			return GE_ENOMEM;
		}
		rc |= ge_buf_puts(b, ",\"snippet\":{\"text\":");
		rc |= ge_buf_put_json(b, snip);
		rc |= ge_buf_printf(
		    b, "}},\"contextRegion\":{\"startLine\":%u,\"snippet\":{\"text\":", line);
		rc |= ge_buf_put_json(b, whole);
		rc |= ge_buf_puts(b, "}}");
		free(snip);
		free(whole);
	} else {
		rc |= ge_buf_putc(b, '}');
	}
	return rc ? GE_ENOMEM : 0;
}

int ge_sarif__put_artifact(ge_buf *b, const ge_sarif__ctx *c, const char *rel)
{
	int rc = 0;
	ge_buf uri = GE_BUF_INIT;
	rc |= ge_buf_puts(&uri, c->prefix);
	rc |= ge_sarif__put_uri_part(&uri, rel, strlen(rel), 0);
	rc |= ge_buf_puts(b, "\"artifactLocation\":{\"uri\":");
	rc |= ge_buf_put_json(b, uri.ptr);
	rc |= ge_buf_puts(b, ",\"uriBaseId\":\"%SRCROOT%\"}");
	ge_buf_release(&uri);
	return rc ? GE_ENOMEM : 0;
}

/*
 * "primaryLocationLineHash":"...", (with the comma) for line of f, whose
 * text is known; nothing when the action's numbering has no such line.
 * The file is hashed once, on the first question.
 */
int ge_sarif__put_line_hash(ge_buf *b, ge_sarif__file *f, uint32_t line)
{
	int rc = 0;
	if (!f->hashed) {
		size_t n;
		const char *all = ge_gopkg_text(f->pf, &n);
		if (hash_text(&f->hashes, all, n) < 0)
			return GE_ENOMEM;
		f->hashed = 1;
	}
	/* The action numbers lines its own way (a lone CR ends one too). */
	if (line <= f->hashes.n) {
		rc |= ge_buf_puts(b, "\"primaryLocationLineHash\":\"");
		rc |= put_hash(b, &f->hashes, line);
		rc |= ge_buf_puts(b, "\",");
	}
	return rc ? GE_ENOMEM : 0;
}
