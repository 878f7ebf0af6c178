/* Matching base escapes to head escapes: the identity cascade. */
#include "match.h"

#include "gopkg.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/*
 * One diagnostic of either side.  Its line and line hash are read from the
 * report's diagnostic (idx) where needed (a tie of keys, a group of more
 * than one), the base's mapped line from match_ctx: 16 bytes, not 32 (two
 * arrays of 6.7 million beside the two reports at 10^7 lines).
 */
typedef struct ent {
	/* hash of (file', function, kind, subject); stage 4: (kind, subject, line hash) */
	uint64_t key;
	uint32_t idx;  /* index into the report's diagnostics */
	uint32_t left; /* allocation sites (the diagnostic's count) not yet matched */
} ent;
_Static_assert(sizeof(ent) == 16, "ent is 16 bytes");

/* What match_group reads besides the entries. */
typedef struct match_ctx {
	const ge_diag *bd, *hd; /* base's and head's diagnostics (ent.idx) */
	/* The base line mapped into head, 0 if none, by base index; NULL: the
	 * base line itself (no map). */
	const uint32_t *bmap;
	struct unl {
		uint64_t lk; /* head line << 32 | entry index: cmp_line's order */
		ent *e;
	} *un;
	size_t ucap;
} match_ctx;

static uint32_t mapped_of(const match_ctx *c, const ent *b)
{
	return c->bmap ? c->bmap[b->idx] : c->bd[b->idx].line;
}

/* The line hash of a base entry, of a head entry. */
static uint64_t blh(const match_ctx *c, const ent *b)
{
	return c->bd[b->idx].line_hash;
}

static uint64_t hlh(const match_ctx *c, const ent *h)
{
	return c->hd[h->idx].line_hash;
}

/*
 * Stage 4's result for head entry j (its index in the sorted head array):
 * mv[2j] sites matched, mv[2j+1] base index+1 of its first partner.  NULL
 * when stage 4 paired nothing.
 */
static uint32_t mv_get(const uint32_t *mv, size_t j, int from)
{
	return mv ? mv[2 * j + (size_t)from] : 0;
}

/*
 * The first stages' key: file, function, kind, subject.  The function is
 * compared by its match key (lib/gopkg): closure and init ordinals are
 * wildcards ("F.func3" -> "F.func*"), so a closure inserted above others
 * does not rename their escapes into new + fixed; the line hash and the
 * subject tell a function's closures apart.  scratch is reused between
 * calls; names without a digit (most of them) need no copy.
 */
static int key_of(uint64_t *out, ge_buf *scratch, const char *file, const ge_diag *d)
{
	uint64_t h = GE_HASH_SEED;
	unsigned char k = (unsigned char)d->kind;
	const char *fn = d->function;
	size_t fl;
	if (strpbrk(fn, "0123456789")) {
		ge_buf_truncate(scratch, 0);
		if (ge_gopkg_match_key(scratch, fn) < 0)
			return GE_ENOMEM;
		fn = ge_buf_cstr(scratch);
		fl = scratch->len;
	} else {
		fl = strlen(fn);
	}
	/*
	 * Package initialization is one piece of code: a package-level
	 * variable's initializer (no enclosing function, "") runs in the
	 * package's init as the init functions do, so an initializer moved into
	 * init() keeps its identity (t1602; gjson e8e87f2a).
	 */
	if (fl == 0) {
		fn = "init.*";
		fl = 6;
	}
	h = ge_hash_bytes(h, file, strlen(file) + 1);
	h = ge_hash_bytes(h, fn, fl + 1);
	h = ge_hash_bytes(h, (const char *)&k, 1);
	*out = ge_hash_bytes(h, d->subject, strlen(d->subject) + 1);
	return 0;
}

/*
 * Stage 4's key: what an escape is wherever its code went, and its line's
 * text.  Equal keys are what stage 4 pairs: the line hash is in the key
 * (the entry has no room for it), as the first stages' names are in theirs.
 */
static uint64_t code_key_of(const ge_diag *d)
{
	uint64_t h = GE_HASH_SEED ^ 0x9e3779b97f4a7c15ULL;
	unsigned char k = (unsigned char)d->kind;
	h = ge_hash_bytes(h, (const char *)&k, 1);
	h = ge_hash_bytes(h, d->subject, strlen(d->subject) + 1);
	return ge_hash_bytes(h, (const char *)&d->line_hash, sizeof(d->line_hash));
}

/* The order of the entries: key, line hash, line, index. */
static int ent_less(const ge_diag *dg, const ent *a, const ent *b)
{
	if (a->key != b->key)
		return a->key < b->key;
	if (dg[a->idx].line_hash != dg[b->idx].line_hash)
		return dg[a->idx].line_hash < dg[b->idx].line_hash;
	if (dg[a->idx].line != dg[b->idx].line)
		return dg[a->idx].line < dg[b->idx].line;
	return a->idx < b->idx;
}

static void ent_swap(ent *a, ent *b)
{
	ent t = *a;
	*a = *b;
	*b = t;
}

static void ent_sift(const ge_diag *dg, ent *v, size_t n, size_t i)
{
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && ent_less(dg, &v[c], &v[c + 1]))
			c++;
		if (!ent_less(dg, &v[i], &v[c]))
			return;
		ent_swap(&v[i], &v[c]);
		i = c;
	}
}

/*
 * The entries in ent_less order: an introsort (quicksort, median of three,
 * heapsort past a depth of 2 log n, insertion sort for short runs), about
 * twice as fast as qsort() here because the comparison is inlined.  Every
 * entry is distinct (idx), so no run of equal keys can slow it down, and the
 * depth bound keeps crafted input at O(n log n).
 */
static void ent_sort(const ge_diag *dg, ent *v, size_t n, unsigned depth)
{
	while (n > 16) {
		size_t i, j, mid = n / 2;
		if (depth-- == 0) {
			for (i = n / 2; i-- > 0;)
				ent_sift(dg, v, n, i);
			for (i = n - 1; i > 0; i--) {
				ent_swap(&v[0], &v[i]);
				ent_sift(dg, v, i, 0);
			}
			return;
		}
		if (ent_less(dg, &v[mid], &v[0]))
			ent_swap(&v[mid], &v[0]);
		if (ent_less(dg, &v[n - 1], &v[0]))
			ent_swap(&v[n - 1], &v[0]);
		if (ent_less(dg, &v[n - 1], &v[mid]))
			ent_swap(&v[n - 1], &v[mid]);
		/* v[0] <= pivot <= v[n-1]: the pivot goes to n-2, partition 1..n-3. */
		ent_swap(&v[mid], &v[n - 2]);
		i = 0;
		j = n - 2;
		for (;;) {
			while (ent_less(dg, &v[++i], &v[n - 2]))
				;
			while (ent_less(dg, &v[n - 2], &v[--j]))
				;
			if (i >= j)
				break;
			ent_swap(&v[i], &v[j]);
		}
		ent_swap(&v[i], &v[n - 2]);
		/* Recurse into the smaller side, loop on the larger. */
		if (i < n - i - 1) {
			ent_sort(dg, v, i, depth);
			v += i + 1;
			n -= i + 1;
		} else {
			ent_sort(dg, v + i + 1, n - i - 1, depth);
			n = i;
		}
	}
	for (size_t i = 1; i < n; i++) {
		ent t = v[i];
		size_t j = i;
		for (; j > 0 && ent_less(dg, &t, &v[j - 1]); j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
}

static unsigned sort_depth(size_t n)
{
	unsigned d = 0;
	for (; n > 1; n >>= 1)
		d += 2;
	return d;
}

/* Stage 4 order: key (line hash included), then report order (file, line). */
static int cmp_code(const void *pa, const void *pb)
{
	const ent *a = *(const ent *const *)pa, *b = *(const ent *const *)pb;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int cmp_line(const void *pa, const void *pb)
{
	const struct unl *a = pa, *b = pb;
	return a->lk < b->lk ? -1 : a->lk > b->lk;
}

/* Pair as many sites of b and h as both have left. */
static void take(ent *b, ent *h)
{
	uint32_t m = b->left < h->left ? b->left : h->left;
	b->left -= m;
	h->left -= m;
}

/* The first head entry with sites left, line hash lh, on line; h sorted by (lh, line). */
static ent *find_at(const ge_diag *hd, ent *h, size_t nh, uint64_t lh, uint32_t line)
{
	size_t lo = 0, hi = nh;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t m = hd[h[mid].idx].line_hash;
		if (m < lh || (m == lh && hd[h[mid].idx].line < line))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < nh && hd[h[lo].idx].line_hash == lh && hd[h[lo].idx].line == line; lo++)
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
static int match_group(ent *b, size_t nb, ent *h, size_t nh, match_ctx *c)
{
	size_t i = 0, j = 0, k, nu = 0;
	struct unl *un;
	/* One on each side: every stage below would pair them. */
	if (nb == 1 && nh == 1) {
		take(b, h);
		return 0;
	}
	/*
	 * 1. same line hash.  Where several head lines carry the hash (a second
	 * identical escape in the function), the one the diff maps the base
	 * line to is the old one: pair those first, then the rest by count in
	 * line order.
	 */
	for (i = 0; i < nb; i++) {
		ent *e;
		uint32_t m = mapped_of(c, &b[i]);
		while (b[i].left && m && (e = find_at(c->hd, h, nh, blh(c, &b[i]), m)))
			take(&b[i], e);
	}
	i = 0;
	while (i < nb && j < nh) {
		if (!b[i].left)
			i++;
		else if (!h[j].left)
			j++;
		else if (blh(c, &b[i]) == hlh(c, &h[j]))
			take(&b[i], &h[j]);
		else if (blh(c, &b[i]) < hlh(c, &h[j]))
			i++;
		else
			j++;
	}
	/* Unmatched head entries, by line. */
	if (nh > c->ucap) {
		struct unl *p = realloc(c->un, nh * sizeof(*p));
		if (!p)
			return ge_error_set(GE_ENOMEM, "out of memory");
		c->un = p;
		c->ucap = nh;
	}
	un = c->un;
	for (j = 0; j < nh; j++)
		if (h[j].left) {
			un[nu].lk = (uint64_t)c->hd[h[j].idx].line << 32 | h[j].idx;
			un[nu++].e = &h[j];
		}
	if (nu == 0)
		return 0;
	qsort(un, nu, sizeof(*un), cmp_line);
	/* 2. the base line mapped through the diff. */
	for (i = 0; i < nb; i++) {
		size_t lo = 0, hi = nu;
		uint32_t m = mapped_of(c, &b[i]);
		if (!b[i].left || !m)
			continue;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if ((uint32_t)(un[mid].lk >> 32) < m)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (k = lo; b[i].left && k < nu && (uint32_t)(un[k].lk >> 32) == m; k++)
			if (un[k].e->left)
				take(&b[i], un[k].e);
	}
	/* 3. by count, in line order. */
	k = 0;
	for (i = 0; i < nb && k < nu; i++) {
		while (b[i].left && k < nu) {
			if (un[k].e->left)
				take(&b[i], un[k].e);
			if (!un[k].e->left)
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
static int match_moved(uint32_t **mvp, ent *be, size_t nb, ent *he, size_t nh,
                       const ge_report *base, const ge_report *head, ent ***scratch, size_t *scap)
{
	size_t i, j, n = 0, nbl = 0;
	ent **v;
	for (i = 0; i < nb; i++)
		nbl += be[i].left && base->diags[be[i].idx].line_hash;
	if (!nbl)
		return 0;
	for (j = 0; j < nh; j++)
		n += he[j].left && head->diags[he[j].idx].line_hash;
	if (!n)
		return 0;
	if (grow_scratch(scratch, scap, n + nbl) < 0)
		return GE_ENOMEM;
	v = *scratch;
	n = 0;
	for (i = 0; i < nb; i++)
		if (be[i].left && base->diags[be[i].idx].line_hash) {
			be[i].key = code_key_of(&base->diags[be[i].idx]);
			v[n++] = &be[i];
		}
	for (j = 0; j < nh; j++)
		if (he[j].left && head->diags[he[j].idx].line_hash) {
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
		} else if (v[i]->key == v[j]->key) {
			uint32_t before = v[j]->left;
			size_t h = (size_t)(v[j] - he);
			if (!*mvp && !(*mvp = calloc(2 * nh, sizeof(**mvp))))
				return ge_error_set(GE_ENOMEM, "out of memory");
			take(v[i], v[j]);
			(*mvp)[2 * h] += before - v[j]->left;
			if (!(*mvp)[2 * h + 1])
				(*mvp)[2 * h + 1] = v[i]->idx + 1;
		} else if (c < 0) {
			i++;
		} else {
			j++;
		}
	}
	return 0;
}

/*
 * Head's diagnostics, each split by how its sites matched: one part
 * existing, one moved, one new (a part with no sites is left out).  Kept in
 * head's order, which is canonical after a capture, so the final sort is
 * cheap; in place when nothing needs splitting (the usual case).
 */
static int set_moved_from(ge_report *head, ge_diag *m, const ge_diag *f)
{
	/* A fresh ge_diag_rare: m's may be shared with the diagnostic's other parts. */
	ge_diag_rare c = {ge_diag_inlined_from(m), f->file, f->function};
	return ge_report_set_rare(head, m, &c);
}

static int split_head(ge_report *head, const ge_report *base, const ent *he, const uint32_t *mv,
                      size_t nh)
{
	ge_diag *nd = NULL;
	uint32_t *inv = malloc((nh ? nh : 1) * sizeof(*inv));
	size_t n = 0, i, o = 0;
	int rc = 0;
	if (!inv)
		return ge_error_set(GE_ENOMEM, "out of memory");
	for (i = 0; i < nh; i++) {
		uint32_t c = ge_diag_count(&head->diags[he[i].idx]);
		inv[he[i].idx] = (uint32_t)i;
		uint32_t m = mv_get(mv, i, 0);
		n += (c - he[i].left - m > 0) + (m > 0) + (he[i].left > 0);
	}
	if (n == nh) {
		for (i = 0; i < nh && rc == 0; i++) {
			const ent *e = &he[inv[i]];
			ge_diag *d = &head->diags[i];
			if (e->left) {
				d->status = GE_STATUS_NEW;
			} else if (mv_get(mv, inv[i], 0)) {
				d->status = GE_STATUS_MOVED;
				rc = set_moved_from(head, d,
				                    &base->diags[mv_get(mv, inv[i], 1) - 1]);
			} else {
				d->status = GE_STATUS_EXISTING;
			}
		}
		free(inv);
		return rc;
	}
	if (!(nd = malloc(n * sizeof(*nd)))) {
		free(inv);
		return ge_error_set(GE_ENOMEM, "out of memory");
	}
	for (i = 0; i < nh && rc == 0; i++) {
		const ent *e = &he[inv[i]];
		const ge_diag *d = &head->diags[i];
		uint32_t m = mv_get(mv, inv[i], 0), ex = ge_diag_count(d) - e->left - m;
		/* In the order of the statuses (report.c sorts by it): new, existing, moved. */
		if (e->left) {
			nd[o] = *d;
			nd[o].count = e->left;
			nd[o++].status = GE_STATUS_NEW;
		}
		if (ex) {
			nd[o] = *d;
			nd[o].count = ex;
			nd[o++].status = GE_STATUS_EXISTING;
		}
		if (m) {
			nd[o] = *d;
			nd[o].count = m;
			nd[o].status = GE_STATUS_MOVED;
			rc =
			    set_moved_from(head, &nd[o++], &base->diags[mv_get(mv, inv[i], 1) - 1]);
		}
	}
	free(inv);
	if (rc < 0) {
		free(nd);
		return rc;
	}
	free(head->diags);
	head->diags = nd;
	head->ndiags = o;
	head->diags_alloc = n;
	return 0;
}

/*
 * One side's entries made and sorted: their first stages' keys (the base's
 * file through map's rename, its lines through map_line into bmap when
 * that is set) and counts, then ent_sort.  Reads r and map, writes e,
 * bmap and rc only: the two sides are made on two threads (prepare_both).
 */
typedef struct side {
	const ge_report *r;
	const ge_match_map *map; /* NULL for the head */
	ent *e;
	uint32_t *bmap; /* NULL: no line map wanted */
	int sites;
	int rc;
	pthread_t t;
} side;

static void side_prepare(side *sd)
{
	ge_buf kbuf = GE_BUF_INIT;
	const ge_match_map *map = sd->map;
	size_t i, n = sd->r->ndiags;
	sd->rc = 0;
	for (i = 0; i < n; i++) {
		const ge_diag *d = &sd->r->diags[i];
		const char *file = d->file;
		if (map && map->rename) {
			const char *r = map->rename(d->file, map->ud);
			if (r)
				file = r;
		}
		if ((sd->rc = key_of(&sd->e[i].key, &kbuf, file, d)) < 0)
			break;
		if (sd->bmap)
			sd->bmap[i] = map->map_line(d->file, d->line, map->ud);
		sd->e[i].idx = (uint32_t)i;
		sd->e[i].left = sd->sites ? ge_diag_count(d) : 1;
	}
	ge_buf_release(&kbuf);
	if (sd->rc == 0)
		ent_sort(sd->r->diags, sd->e, n, sort_depth(n));
}

static void *side_run(void *arg)
{
	side_prepare(arg);
	return NULL;
}

/* Below this many diagnostics on each side one thread makes both. */
#define MATCH_THREAD_MIN ((size_t)32768)

static int match_threads = -1; /* ge_match__threads: -1 by size, 0 never, 1 always */
static int match_threaded;     /* the last ge_match made the base on a second thread */

void ge_match__threads(int mode)
{
	match_threads = mode;
}

int ge_match__threaded(void)
{
	return match_threaded;
}

/*
 * Both sides made: the base's on a second thread while this one makes the
 * head's (at 10^6 against 10^6 making them was about two thirds of
 * ge_match, one side as much as the other), or one after the other when
 * the sides are small or no thread starts.  The same entries either way:
 * each side's are its own.  map's callbacks run on the base's thread
 * only; the head's side calls none.  An error is out of memory
 * (key_of's), set here.
 */
static int prepare_both(side *b, side *h)
{
	int two = match_threads == 1 ||
	          (match_threads < 0 && b->r->ndiags >= MATCH_THREAD_MIN &&
	           h->r->ndiags >= MATCH_THREAD_MIN);
	match_threaded = two && ge_thread_start(&b->t, side_run, b) == 0;
	if (!match_threaded)
		side_prepare(b);
	side_prepare(h);
	if (match_threaded)
		pthread_join(b->t, NULL);
	return b->rc < 0 || h->rc < 0 ? ge_error_set(GE_ENOMEM, "out of memory") : 0;
}

int ge_match(ge_report *head, const ge_report *base, const ge_match_map *map)
{
	ent *be = NULL, *he = NULL, **scratch = NULL;
	uint32_t *mv = NULL, *bmap = NULL;
	match_ctx ctx = {NULL, NULL, NULL, NULL, 0};
	size_t nb = base->ndiags, nh = head->ndiags, i, j, scap = 0;
	int rc = 0, sites = base->counted && head->counted;
	be = malloc((nb ? nb : 1) * sizeof(*be));
	he = malloc((nh ? nh : 1) * sizeof(*he));
	if (map && map->map_line && !(bmap = malloc((nb ? nb : 1) * sizeof(*bmap)))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	if (!be || !he) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	{
		side bs = {.r = base, .map = map, .e = be, .bmap = bmap, .sites = sites};
		side hs = {.r = head, .e = he, .sites = sites};
		if ((rc = prepare_both(&bs, &hs)) < 0)
			goto done;
	}
	ctx.bd = base->diags;
	ctx.hd = head->diags;
	ctx.bmap = bmap;
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
		if ((rc = match_group(be + i, ie - i, he + j, je - j, &ctx)) < 0)
			goto done;
		i = ie;
		j = je;
	}
	if ((rc = match_moved(&mv, be, nb, he, nh, base, head, &scratch, &scap)) < 0)
		goto done;
	for (i = 0; i < nb; i++) {
		ge_diag f;
		ge_diag_rare fr = {NULL, NULL, NULL};
		if (!be[i].left)
			continue;
		f = base->diags[be[i].idx];
		f.status = GE_STATUS_FIXED;
		f.count = be[i].left;
		f.explain = 0;
		f.group = 0;
		fr.inlined_from = ge_diag_inlined_from(&f); /* not where it moved from */
		f.rare = &fr;
		if ((rc = ge_report_add_fixed(head, &f)) < 0)
			goto done;
	}
	/* Each array is freed once nothing reads it: at 10^7 lines each is 200 MB
	 * beside the two reports, and split_head and the sort allocate more. */
	free(be);
	be = NULL;
	free(scratch);
	scratch = NULL;
	free(bmap);
	bmap = NULL;
	free(ctx.un);
	ctx.un = NULL;
	/* Against a report that kept one diagnostic per position: whole diagnostics. */
	for (i = 0; !sites && i < nh; i++) {
		uint32_t c = ge_diag_count(&head->diags[he[i].idx]);
		he[i].left = he[i].left ? c : 0;
		if (mv && mv[2 * i])
			mv[2 * i] = c;
	}
	if ((rc = split_head(head, base, he, mv, nh)) < 0)
		goto done;
	free(he);
	he = NULL;
	free(mv);
	mv = NULL;
	ge_report_sort(head);
done:
	free(be);
	free(he);
	free(mv);
	free(scratch);
	free(bmap);
	free(ctx.un);
	return rc;
}
