/* Matching base escapes to head escapes: the identity cascade. */
#include "match.h"

#include <stdlib.h>
#include <string.h>

typedef struct ent {
	uint64_t key;  /* hash of (file', function, kind, subject) */
	uint64_t lh;   /* line hash */
	uint32_t line; /* head line, or the base line */
	uint32_t mapped; /* base only: the line mapped into head, 0 if none */
	uint32_t idx;  /* index into the report's diagnostics */
	int matched;
} ent;

static uint64_t key_of(const char *file, const ge_diag *d)
{
	uint64_t h = GE_HASH_SEED;
	unsigned char k = (unsigned char)d->kind;
	h = ge_hash_bytes(h, file, strlen(file) + 1);
	h = ge_hash_bytes(h, d->function, strlen(d->function) + 1);
	h = ge_hash_bytes(h, (const char *)&k, 1);
	return ge_hash_bytes(h, d->subject, strlen(d->subject) + 1);
}

static int cmp_ent(const void *pa, const void *pb)
{
	const ent *a = pa, *b = pb;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if (a->lh != b->lh)
		return a->lh < b->lh ? -1 : 1;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int cmp_line(const void *pa, const void *pb)
{
	const ent *a = *(const ent *const *)pa, *b = *(const ent *const *)pb;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* The first unmatched head entry with line hash lh on line; h sorted by (lh, line). */
static ent *find_at(ent *h, size_t nh, uint64_t lh, uint32_t line)
{
	size_t lo = 0, hi = nh;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (h[mid].lh < lh || (h[mid].lh == lh && h[mid].line < line))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < nh && h[lo].lh == lh && h[lo].line == line; lo++)
		if (!h[lo].matched)
			return &h[lo];
	return NULL;
}

/* Match within one key group: base b[0..nb), head h[0..nh), both sorted by (lh, line). */
static int match_group(ent *b, size_t nb, ent *h, size_t nh, ent **scratch, size_t *scap)
{
	size_t i = 0, j = 0, k, nu = 0;
	ent **un;
	/*
	 * 1. same line hash.  Where several head lines carry the hash (a second
	 * identical escape in the function), the one the diff maps the base
	 * line to is the old one: pair those first, then the rest by count in
	 * line order.
	 */
	for (i = 0; i < nb; i++) {
		ent *e;
		if (b[i].mapped && (e = find_at(h, nh, b[i].lh, b[i].mapped))) {
			e->matched = 1;
			b[i].matched = 1;
		}
	}
	i = 0;
	while (i < nb && j < nh) {
		if (b[i].matched) {
			i++;
		} else if (h[j].matched) {
			j++;
		} else if (b[i].lh == h[j].lh) {
			b[i++].matched = 1;
			h[j++].matched = 1;
		} else if (b[i].lh < h[j].lh) {
			i++;
		} else {
			j++;
		}
	}
	/* Unmatched head entries, by line. */
	if (nh > *scap) {
		ent **p = realloc(*scratch, nh * sizeof(*p));
		if (!p)
			return ge_error_set(GE_ENOMEM, "out of memory");
		*scratch = (ent *)p;
		*scap = nh;
	}
	un = (ent **)*scratch;
	for (j = 0; j < nh; j++)
		if (!h[j].matched)
			un[nu++] = &h[j];
	if (nu == 0)
		return 0;
	qsort(un, nu, sizeof(*un), cmp_line);
	/* 2. the base line mapped through the diff. */
	for (i = 0; i < nb; i++) {
		size_t lo = 0, hi = nu;
		if (b[i].matched || !b[i].mapped)
			continue;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (un[mid]->line < b[i].mapped)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (k = lo; k < nu && un[k]->line == b[i].mapped; k++)
			if (!un[k]->matched) {
				un[k]->matched = 1;
				b[i].matched = 1;
				break;
			}
	}
	/* 3. by count, in line order. */
	k = 0;
	for (i = 0; i < nb; i++) {
		if (b[i].matched)
			continue;
		while (k < nu && un[k]->matched)
			k++;
		if (k == nu)
			break;
		un[k++]->matched = 1;
		b[i].matched = 1;
	}
	return 0;
}

int ge_match(ge_report *head, const ge_report *base, const ge_match_map *map)
{
	ent *be = NULL, *he = NULL, *scratch = NULL;
	size_t nb = base->ndiags, nh = head->ndiags, i, j, scap = 0;
	int rc = 0;
	be = malloc((nb ? nb : 1) * sizeof(*be));
	he = malloc((nh ? nh : 1) * sizeof(*he));
	if (!be || !he) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < nb; i++) {
		const ge_diag *d = &base->diags[i];
		const char *file = d->file;
		if (map && map->rename) {
			const char *r = map->rename(d->file, map->ud);
			if (r)
				file = r;
		}
		be[i].key = key_of(file, d);
		be[i].lh = d->line_hash;
		be[i].line = d->line;
		be[i].mapped = map && map->map_line ? map->map_line(d->file, d->line, map->ud) : d->line;
		be[i].idx = (uint32_t)i;
		be[i].matched = 0;
	}
	for (i = 0; i < nh; i++) {
		const ge_diag *d = &head->diags[i];
		he[i].key = key_of(d->file, d);
		he[i].lh = d->line_hash;
		he[i].line = d->line;
		he[i].mapped = 0;
		he[i].idx = (uint32_t)i;
		he[i].matched = 0;
	}
	qsort(be, nb, sizeof(*be), cmp_ent);
	qsort(he, nh, sizeof(*he), cmp_ent);
	for (i = 0, j = 0; i < nb && j < nh;) {
		size_t ie = i, je = j;
		if (be[i].key < he[j].key) {
			i++;
			continue;
		}
		if (be[i].key > he[j].key) {
			j++;
			continue;
		}
		while (ie < nb && be[ie].key == be[i].key)
			ie++;
		while (je < nh && he[je].key == he[j].key)
			je++;
		if ((rc = match_group(be + i, ie - i, he + j, je - j, &scratch, &scap)) < 0)
			goto done;
		i = ie;
		j = je;
	}
	for (i = 0; i < nh; i++)
		head->diags[he[i].idx].status = he[i].matched ? GE_STATUS_EXISTING : GE_STATUS_NEW;
	for (i = 0; i < nb; i++) {
		ge_diag f;
		if (be[i].matched)
			continue;
		f = base->diags[be[i].idx];
		f.status = GE_STATUS_FIXED;
		f.explain = 0;
		if ((rc = ge_report_add_fixed(head, &f)) < 0)
			goto done;
	}
	ge_report_sort(head);
done:
	free(be);
	free(he);
	free(scratch);
	return rc;
}
