/* suggest --assert: a //goescape:noescape line above each stack buffer a rewrite adds. */
#include "suggest_int.h"

/* Whether [b, e) holds, after blanks, "var NAME [20]byte" for one of f's items' decl. */
static int is_decl(const ge_suggest_result *r, const char *path, const char *b, const char *e)
{
	size_t i, n;
	while (b < e && (*b == ' ' || *b == '\t'))
		b++;
	while (e > b && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
		e--;
	n = (size_t)(e - b);
	for (i = 0; i < r->nitems; i++) {
		const ge_suggestion *g = &r->items[i];
		if (g->decl && strcmp(g->file, path) == 0 && strlen(g->decl) == n &&
		    memcmp(g->decl, b, n) == 0)
			return 1;
	}
	return 0;
}

/* Whether [b, e) is, after blanks, a goescape or gcassert directive comment. */
static int is_directive(const char *b, const char *e)
{
	while (b < e && (*b == ' ' || *b == '\t'))
		b++;
	return (size_t)(e - b) >= 11 &&
	       (strncmp(b, "//goescape:", 11) == 0 || strncmp(b, "//gcassert:", 11) == 0);
}

static int pin_file(ge_suggest_file *f, const ge_suggest_result *r)
{
	uint32_t *map = NULL;
	unsigned char *kept = NULL;
	size_t nold = 0, i, line = 0;
	const char *p = f->new_text, *end = f->new_text + f->new_len, *prev = NULL;
	ge_buf out = GE_BUF_INIT;
	int rc, pinned = 0;
	if ((rc = ge_udiff_linemap(&map, &nold, f->old_text, f->old_len, f->new_text, f->new_len)) <
	    0)
		return rc;
	/* New lines that are an old line kept: never a rewrite's. */
	if (!(kept = calloc(f->new_len + 2, 1))) {
		rc = oom();
		goto done;
	}
	for (i = 0; i < nold; i++)
		if (map[i] && map[i] <= f->new_len + 1)
			kept[map[i]] = 1;
	while (p < end && rc == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;
		line++;
		if (!kept[line] && is_decl(r, f->path, p, e) && !(prev && is_directive(prev, p))) {
			const char *ind = p;
			while (ind < e && (*ind == ' ' || *ind == '\t'))
				ind++;
			rc |= ge_buf_put(&out, p, (size_t)(ind - p));
			rc |= ge_buf_puts(&out, "//goescape:noescape\n");
			pinned = 1;
		}
		rc |= ge_buf_put(&out, p, (size_t)(nl ? nl + 1 - p : e - p));
		prev = p;
		p = nl ? nl + 1 : end;
	}
	if (rc) {
		rc = oom();
		goto done;
	}
	if (pinned) {
		free(f->new_text);
		f->new_len = out.len;
		f->new_text = ge_buf_detach(&out);
		if (!f->new_text)
			rc = oom();
	}
done:
	ge_buf_release(&out);
	free(kept);
	free(map);
	return rc;
}

int ge_suggest_pin(ge_suggest_result *r)
{
	size_t i;
	int rc = 0;
	for (i = 0; i < r->nfiles && rc == 0; i++)
		rc = pin_file(&r->files[i], r);
	return rc;
}
