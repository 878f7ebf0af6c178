/* Matching base escapes to head escapes: the identity cascade. */
#include "match.h"

#include <stdlib.h>
#include <string.h>

typedef struct ent {
	uint64_t key;  /* hash of (file', function, kind, subject); stage 4: (kind, subject) */
	uint64_t lh;   /* line hash */
	uint32_t line; /* head line, or the base line */
	uint32_t mapped; /* base only: the line mapped into head, 0 if none */
	uint32_t idx;  /* index into the report's diagnostics */
	uint32_t left; /* allocation sites (the diagnostic's count) not yet matched */
	uint32_t moved; /* head only: sites matched by stage 4 */
	uint32_t from;  /* head only: base index+1 of its first stage-4 partner */
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

/* Stage 4's key: what an escape is wherever its code went. */
static uint64_t code_key_of(const ge_diag *d)
{
	uint64_t h = GE_HASH_SEED ^ 0x9e3779b97f4a7c15ULL;
	unsigned char k = (unsigned char)d->kind;
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

/* Stage 4 order: key, line hash, then report order (file, line). */
static int cmp_code(const void *pa, const void *pb)
{
	const ent *a = *(const ent *const *)pa, *b = *(const ent *const *)pb;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if (a->lh != b->lh)
		return a->lh < b->lh ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int cmp_line(const void *pa, const void *pb)
{
	const ent *a = *(const ent *const *)pa, *b = *(const ent *const *)pb;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Pair as many sites of b and h as both have left. */
static void take(ent *b, ent *h)
{
	uint32_t m = b->left < h->left ? b->left : h->left;
	b->left -= m;
	h->left -= m;
}

/* The first head entry with sites left, line hash lh, on line; h sorted by (lh, line). */
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
		if (h[lo].left)
			return &h[lo];
	return NULL;
}

static int grow_scratch(ent ***scratch, size_t *scap, size_t n)
{
	if (n > *scap) {
		ent **p = realloc(*scratch, n * sizeof(*p));
		if (!p)
			return ge_error_set(GE_ENOMEM, "out of memory");
		*scratch = p;
		*scap = n;
	}
	return 0;
}

/*
 * Match within one key group: base b[0..nb), head h[0..nh), both sorted by
 * (lh, line).  Every entry stands for its diagnostic's count of sites, so
 * N sites in base and N+1 in head leave exactly one unmatched.
 */
static int match_group(ent *b, size_t nb, ent *h, size_t nh, ent ***scratch, size_t *scap)
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
		while (b[i].left && b[i].mapped && (e = find_at(h, nh, b[i].lh, b[i].mapped)))
			take(&b[i], e);
	}
	i = 0;
	while (i < nb && j < nh) {
		if (!b[i].left)
			i++;
		else if (!h[j].left)
			j++;
		else if (b[i].lh == h[j].lh)
			take(&b[i], &h[j]);
		else if (b[i].lh < h[j].lh)
			i++;
		else
			j++;
	}
	/* Unmatched head entries, by line. */
	if (grow_scratch(scratch, scap, nh) < 0)
		return GE_ENOMEM;
	un = *scratch;
	for (j = 0; j < nh; j++)
		if (h[j].left)
			un[nu++] = &h[j];
	if (nu == 0)
		return 0;
	qsort(un, nu, sizeof(*un), cmp_line);
	/* 2. the base line mapped through the diff. */
	for (i = 0; i < nb; i++) {
		size_t lo = 0, hi = nu;
		if (!b[i].left || !b[i].mapped)
			continue;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (un[mid]->line < b[i].mapped)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (k = lo; b[i].left && k < nu && un[k]->line == b[i].mapped; k++)
			if (un[k]->left)
				take(&b[i], un[k]);
	}
	/* 3. by count, in line order. */
	k = 0;
	for (i = 0; i < nb && k < nu; i++) {
		while (b[i].left && k < nu) {
			if (un[k]->left)
				take(&b[i], un[k]);
			if (!un[k]->left)
				k++;
		}
	}
	return 0;
}

/*
 * 4. What the cascade left, paired across functions and files by kind,
 * subject and line hash: code that was renamed or moved, not a new
 * escape.  A line hash of 0 (source unknown) never pairs.
 */
static int match_moved(ent *be, size_t nb, ent *he, size_t nh, const ge_report *base,
                       const ge_report *head, ent ***scratch, size_t *scap)
{
	size_t i, j, n = 0, nbl = 0;
	ent **v;
	for (i = 0; i < nb; i++)
		nbl += be[i].left && be[i].lh;
	if (!nbl)
		return 0;
	for (j = 0; j < nh; j++)
		n += he[j].left && he[j].lh;
	if (!n)
		return 0;
	if (grow_scratch(scratch, scap, n + nbl) < 0)
		return GE_ENOMEM;
	v = *scratch;
	n = 0;
	for (i = 0; i < nb; i++)
		if (be[i].left && be[i].lh) {
			be[i].key = code_key_of(&base->diags[be[i].idx]);
			v[n++] = &be[i];
		}
	for (j = 0; j < nh; j++)
		if (he[j].left && he[j].lh) {
			he[j].key = code_key_of(&head->diags[he[j].idx]);
			v[n++] = &he[j];
		}
	qsort(v, nbl, sizeof(*v), cmp_code);
	qsort(v + nbl, n - nbl, sizeof(*v), cmp_code);
	for (i = 0, j = nbl; i < nbl && j < n;) {
		int c = cmp_code(&v[i], &v[j]);
		if (!v[i]->left) {
			i++;
		} else if (!v[j]->left) {
			j++;
		} else if (v[i]->key == v[j]->key && v[i]->lh == v[j]->lh) {
			uint32_t before = v[j]->left;
			take(v[i], v[j]);
			v[j]->moved += before - v[j]->left;
			if (!v[j]->from)
				v[j]->from = v[i]->idx + 1;
		} else if (c < 0) {
			i++;
		} else {
			j++;
		}
	}
	return 0;
}

/*
 * Head's diagnostics again, each split by how its sites matched: one part
 * existing, one moved, one new (a part with no sites is left out).
 */
static int split_head(ge_report *head, const ge_report *base, const ent *he, size_t nh)
{
	ge_diag *nd;
	size_t n = 0, j, o = 0;
	for (j = 0; j < nh; j++) {
		uint32_t c = ge_diag_count(&head->diags[he[j].idx]);
		n += (c - he[j].left - he[j].moved > 0) + (he[j].moved > 0) + (he[j].left > 0);
	}
	if (!(nd = malloc((n ? n : 1) * sizeof(*nd))))
		return ge_error_set(GE_ENOMEM, "out of memory");
	for (j = 0; j < nh; j++) {
		const ge_diag *d = &head->diags[he[j].idx];
		uint32_t c = ge_diag_count(d), ex = c - he[j].left - he[j].moved;
		if (ex) {
			nd[o] = *d;
			nd[o].count = ex;
			nd[o++].status = GE_STATUS_EXISTING;
		}
		if (he[j].moved) {
			const ge_diag *f = &base->diags[he[j].from - 1];
			ge_diag *m = &nd[o++];
			*m = *d;
			m->count = he[j].moved;
			m->status = GE_STATUS_MOVED;
			m->from_file = ge_report_intern(head, f->file, strlen(f->file));
			m->from_function = ge_report_intern(head, f->function, strlen(f->function));
			if (!m->from_file || !m->from_function) {
				free(nd);
				return GE_ENOMEM;
			}
		}
		if (he[j].left) {
			nd[o] = *d;
			nd[o].count = he[j].left;
			nd[o++].status = GE_STATUS_NEW;
		}
	}
	free(head->diags);
	head->diags = nd;
	head->ndiags = o;
	head->diags_alloc = n ? n : 1;
	return 0;
}

int ge_match(ge_report *head, const ge_report *base, const ge_match_map *map)
{
	ent *be = NULL, *he = NULL, **scratch = NULL;
	size_t nb = base->ndiags, nh = head->ndiags, i, j, scap = 0;
	int rc = 0, sites = base->counted && head->counted;
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
		be[i].left = sites ? ge_diag_count(d) : 1;
		be[i].moved = be[i].from = 0;
	}
	for (i = 0; i < nh; i++) {
		const ge_diag *d = &head->diags[i];
		he[i].key = key_of(d->file, d);
		he[i].lh = d->line_hash;
		he[i].line = d->line;
		he[i].mapped = 0;
		he[i].idx = (uint32_t)i;
		he[i].left = sites ? ge_diag_count(d) : 1;
		he[i].moved = he[i].from = 0;
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
	if ((rc = match_moved(be, nb, he, nh, base, head, &scratch, &scap)) < 0)
		goto done;
	for (i = 0; i < nb; i++) {
		ge_diag f;
		if (!be[i].left)
			continue;
		f = base->diags[be[i].idx];
		f.status = GE_STATUS_FIXED;
		f.count = be[i].left;
		f.explain = 0;
		f.group = 0;
		f.from_file = f.from_function = NULL;
		if ((rc = ge_report_add_fixed(head, &f)) < 0)
			goto done;
	}
	/* Against a report that kept one diagnostic per position: whole diagnostics. */
	for (i = 0; !sites && i < nh; i++) {
		uint32_t c = ge_diag_count(&head->diags[he[i].idx]);
		he[i].left = he[i].left ? c : 0;
		he[i].moved = he[i].moved ? c : 0;
	}
	if ((rc = split_head(head, base, he, nh)) < 0)
		goto done;
	ge_report_sort(head);
done:
	free(be);
	free(he);
	free(scratch);
	return rc;
}
