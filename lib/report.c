/* The diagnostic set of one build and its JSON form. */
#define _GNU_SOURCE /* mremap */
#include "report.h"

#include "goconfig.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <pthread.h>
#if defined(__SSE2__) && defined(__x86_64__)
#include <emmintrin.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/*
 * The arena: chunks of string storage plus an open-addressing table that
 * interns strings, so the thousands of diagnostics of one file or function
 * share one copy of its name.
 */
struct ge_arena {
	char **chunks;
	size_t nchunks;
	char *cur;
	size_t left;
	const char **slots; /* interned strings */
	uint64_t *hashes;
	size_t nslots, used;
	/* Strings copied by arena_recent: the last one at each hash slot. */
	struct arena_recent {
		const char *s;
		uint64_t h;
	} recent[1024];
};

static void arena_free(struct ge_arena *a)
{
	size_t i;
	if (!a)
		return;
	for (i = 0; i < a->nchunks; i++)
		free(a->chunks[i]);
	free(a->chunks);
	free(a->slots);
	free(a->hashes);
	free(a);
}

static char *arena_alloc_chunk(struct ge_arena *a, size_t n);

/* n bytes of string storage (the current chunk's, else a new one's). */
static inline char *arena_alloc(struct ge_arena *a, size_t n)
{
	char *p;
	if (n > a->left)
		return arena_alloc_chunk(a, n);
	p = a->cur;
	a->cur += n;
	a->left -= n;
	return p;
}

/* n bytes aligned for pointers (a ge_diag_rare): in the current chunk past
 * its padding, else at the start of a new one (malloc'd, so aligned). */
static void *arena_alloc_aligned(struct ge_arena *a, size_t n)
{
	size_t pad = (size_t)(-(uintptr_t)a->cur & (sizeof(void *) - 1));
	if (!a->cur || pad + n > a->left)
		return arena_alloc_chunk(a, n);
	a->cur += pad;
	a->left -= pad;
	return arena_alloc(a, n);
}

static char *arena_alloc_chunk(struct ge_arena *a, size_t n)
{
	size_t sz = n > 65536 ? n : 65536;
	char *p, **chunks = realloc(a->chunks, (a->nchunks + 1) * sizeof(*chunks));
	if (!chunks)
		return NULL;
	a->chunks = chunks;
	p = malloc(sz);
	if (!p)
		return NULL;
	a->chunks[a->nchunks++] = p;
	a->cur = p;
	a->left = sz;
	p = a->cur;
	a->cur += n;
	a->left -= n;
	return p;
}

static int arena_rehash(struct ge_arena *a)
{
	size_t n = a->nslots ? a->nslots * 2 : 1024, i;
	const char **slots = calloc(n, sizeof(*slots));
	uint64_t *hashes = calloc(n, sizeof(*hashes));
	if (!slots || !hashes) {
		free(slots);
		free(hashes);
		return ge_error_set(GE_ENOMEM, "out of memory");
	}
	for (i = 0; i < a->nslots; i++) {
		size_t j;
		if (!a->slots[i])
			continue;
		j = a->hashes[i] & (n - 1);
		while (slots[j])
			j = (j + 1) & (n - 1);
		slots[j] = a->slots[i];
		hashes[j] = a->hashes[i];
	}
	free(a->slots);
	free(a->hashes);
	a->slots = slots;
	a->hashes = hashes;
	a->nslots = n;
	return 0;
}

/*
 * The intern table's hash: eight bytes a step (FNV-1a's byte a step was
 * most of interning a diagnostic's unique subject and message).  Only the
 * table sees it; nothing stored depends on it.
 */
static uint64_t intern_hash(const char *s, size_t len)
{
	const uint64_t m = 0x9E3779B97F4A7C15ULL;
	uint64_t h = (uint64_t)len * m, w = 0;
	uint32_t x, y;
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * m;
		h ^= h >> 29;
	}
	/* The rest in fixed-size reads: the last eight bytes (overlapping),
	 * or for short strings the first and last four, or three bytes. */
	if (i < len && len >= 8) {
		memcpy(&w, s + len - 8, 8);
	} else if (len >= 4) {
		memcpy(&x, s, 4);
		memcpy(&y, s + len - 4, 4);
		w = (uint64_t)x << 32 | y;
	} else if (len) {
		w = (uint64_t)(unsigned char)s[0] << 16 | (uint64_t)(unsigned char)s[len / 2] << 8 |
		    (unsigned char)s[len - 1];
	}
	h = (h ^ w) * m;
	h ^= h >> 32;
	h *= m;
	return h ^ (h >> 29);
}

const char *ge_report_intern(ge_report *r, const char *s, size_t len)
{
	struct ge_arena *a = r->arena;
	uint64_t h = intern_hash(s, len);
	size_t j;
	char *p;
	if ((a->used + 1) * 2 > a->nslots && arena_rehash(a) < 0)
		return NULL;
	j = h & (a->nslots - 1);
	while (a->slots[j]) {
		if (a->hashes[j] == h && strncmp(a->slots[j], s, len) == 0 && a->slots[j][len] == '\0')
			return a->slots[j];
		j = (j + 1) & (a->nslots - 1);
	}
	p = arena_alloc(a, len + 1);
	if (!p) {
		ge_error_set(GE_ENOMEM, "out of memory");
		return NULL;
	}
	memcpy(p, s, len);
	p[len] = '\0';
	a->slots[j] = p;
	a->hashes[j] = h;
	a->used++;
	return p;
}

/*
 * A copy of s in the arena, shared with an equal string copied recently
 * (the last of each slot of a small table), not interned: a diagnostic's
 * subject and message are mostly its own, and interning each was a hash
 * table as large as the diagnostics and a third of storing them.
 */
/* Is s (NUL-ended) the n bytes at t, which hold no NUL?  Byte by byte,
 * inline: two calls a diagnostic, and they differ within a few bytes
 * (strncmp's call was 5 % of report --input's CPU at 10^6 lines).  A
 * shorter s ends at its NUL, which t's byte there is not. */
static inline int same_n(const char *s, const char *t, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (s[i] != t[i])
			return 0;
	return s[n] == '\0';
}

static const char *arena_recent(ge_report *r, const char *s, size_t len)
{
	struct ge_arena *a = r->arena;
	uint64_t h = intern_hash(s, len);
	struct arena_recent *e = &a->recent[h & 1023];
	char *p;
	if (e->s && e->h == h && same_n(e->s, s, len))
		return e->s;
	if (!(p = arena_alloc(a, len + 1))) {
		ge_error_set(GE_ENOMEM, "out of memory");
		return NULL;
	}
	memcpy(p, s, len);
	p[len] = '\0';
	e->s = p;
	e->h = h;
	return p;
}

int ge_report_new(ge_report **out)
{
	ge_report *r = calloc(1, sizeof(*r));
	if (!r)
		return ge_error_set(GE_ENOMEM, "out of memory");
	r->arena = calloc(1, sizeof(*r->arena));
	if (!r->arena) {
		free(r);
		return ge_error_set(GE_ENOMEM, "out of memory");
	}
	r->counted = 1;
	*out = r;
	return 0;
}

void ge_report_free(ge_report *r)
{
	size_t i;
	if (!r)
		return;
	free(r->go_version);
	free(r->module);
	free(r->commit);
	ge_goconfig_free(r->config);
	free(r->diags);
	free(r->fixed);
	for (i = 0; i < r->nexplain; i++)
		free(r->explain[i]);
	free(r->explain);
	arena_free(r->arena);
	free(r);
}

static int set_str(char **dst, const char *s)
{
	char *p = NULL;
	if (s && !(p = ge_strdup(s)))
		return ge_error_set(GE_ENOMEM, "out of memory");
	free(*dst);
	*dst = p;
	return 0;
}

int ge_report_set_meta(ge_report *r, const char *go_version, const char *module,
		       const char *commit, int dirty)
{
	if (set_str(&r->go_version, go_version) < 0 || set_str(&r->module, module) < 0 ||
	    set_str(&r->commit, commit) < 0)
		return GE_ENOMEM;
	r->dirty = dirty;
	return 0;
}

/* The layout report.h promises: a check at 10^7 lines holds two reports of
 * 6.7 million diagnostics each, so every byte here is 13 MB there. */
_Static_assert(sizeof(void *) != 8 || sizeof(ge_diag) == 80, "ge_diag is 80 bytes on LP64");

/* s's rare fields, none set: what a diagnostic without them points to (NULL). */
static int rare_empty(const ge_diag_rare *s)
{
	return !s || (!s->inlined_from && !s->from_file && !s->from_function);
}

static int rare_same(const ge_diag_rare *a, const ge_diag_rare *b)
{
	return a->inlined_from == b->inlined_from && a->from_file == b->from_file &&
	       a->from_function == b->from_function;
}

/*
 * d->rare's copy in r: its strings interned (those already r's, as
 * ge_report_add_interned's inlined_from is, are found as themselves), the
 * struct in r's arena, or prev's when prev (r's) holds the same strings, as
 * runs of an inlined callee's diagnostics do.  *out is NULL when none is set.
 */
static int rare_copy(ge_report *r, const ge_diag_rare **out, const ge_diag_rare *src,
                     const ge_diag *prev)
{
	ge_diag_rare c = {NULL, NULL, NULL};
	ge_diag_rare *p;
	*out = NULL;
	if (rare_empty(src))
		return 0;
	if (prev && prev->rare && rare_same(prev->rare, src)) {
		*out = prev->rare; /* the same strings of r's (ge_report_add_interned's run) */
		return 0;
	}
	if (src->inlined_from &&
	    !(c.inlined_from = ge_report_intern(r, src->inlined_from, strlen(src->inlined_from))))
		return GE_ENOMEM;
	if (src->from_file &&
	    !(c.from_file = ge_report_intern(r, src->from_file, strlen(src->from_file))))
		return GE_ENOMEM;
	if (src->from_function && !(c.from_function = ge_report_intern(r, src->from_function,
	                                                               strlen(src->from_function))))
		return GE_ENOMEM;
	if (prev && prev->rare && rare_same(prev->rare, &c)) {
		*out = prev->rare;
		return 0;
	}
	if (!(p = arena_alloc_aligned(r->arena, sizeof(*p))))
		return ge_error_set(GE_ENOMEM, "out of memory");
	*p = c;
	*out = p;
	return 0;
}

int ge_report_set_rare(ge_report *r, ge_diag *d, const ge_diag_rare *rare)
{
	return rare_copy(r, &d->rare, rare, NULL);
}

void ge_report_spare(const ge_report *r, uintptr_t *base, size_t *used, size_t *cap)
{
	*base = (uintptr_t)r->diags;
	*used = r->ndiags * sizeof(*r->diags);
	*cap = r->diags_alloc * sizeof(*r->diags);
}

/*
 * Past 1 MiB an array grows straight to 32 MiB and doubles from there:
 * glibc maps a block that large by itself (its mmap threshold is 32 MiB
 * at most) and grows a mapped block with mremap, so the array is copied
 * once, of 1 MiB, and the pages it has, faulted in ahead or not
 * (ge_report_spare), move with it.  Doubling through the heap it was
 * copied at each step, 8,000 fresh pages written by memcpy at 10^6 lines.
 * The room costs no memory until it is written.
 */
#define DIAGS_SMALL  ((size_t)1 << 20)
#define DIAGS_MAPPED (((size_t)32 << 20) + 4096)

/* Room for one more diagnostic in *arr (n held, *alloc allocated). */
static int diags_reserve(ge_diag **arr, size_t n, size_t *alloc)
{
	if (n == *alloc) {
		size_t na = *alloc ? *alloc * 2 : 64;
		ge_diag *p;
		if (na * sizeof(*p) > DIAGS_SMALL && na * sizeof(*p) < DIAGS_MAPPED)
			na = DIAGS_MAPPED / sizeof(*p) + 1;
		p = realloc(*arr, na * sizeof(*p));
		if (!p)
			return ge_error_set(GE_ENOMEM, "out of memory");
		*arr = p;
		*alloc = na;
	}
	return 0;
}

static int add_to(ge_report *r, ge_diag **arr, size_t *n, size_t *alloc, const ge_diag *d)
{
	ge_diag c = *d;
	const ge_diag *prev;
	if (diags_reserve(arr, *n, alloc) < 0)
		return GE_ENOMEM;
	prev = *n ? &(*arr)[*n - 1] : NULL;
	/* Runs of diagnostics share package, file and function (and often more):
	 * the previous one's string is the interned one, found without a hash. */
#define INTERN(f)                                                                                  \
	do {                                                                                       \
		const char *src_ = d->f ? d->f : "";                                               \
		if (prev && prev->f && strcmp(prev->f, src_) == 0)                                 \
			c.f = prev->f;                                                             \
		else if (!(c.f = ge_report_intern(r, src_, strlen(src_))))                         \
			return GE_ENOMEM;                                                          \
	} while (0)
	INTERN(package);
	INTERN(file);
	INTERN(function);
#define COPY(f)                                                                                    \
	do {                                                                                       \
		const char *src_ = d->f ? d->f : "";                                               \
		if (prev && prev->f && strcmp(prev->f, src_) == 0)                                 \
			c.f = prev->f;                                                             \
		else if (!(c.f = arena_recent(r, src_, strlen(src_))))                             \
			return GE_ENOMEM;                                                          \
	} while (0)
	COPY(message);
	/* "moved to heap: v4": a subject that ends the message is its tail,
	 * not a second copy (half the compiler's heap diagnostics). */
	{
		const char *src_ = d->subject ? d->subject : "";
		size_t sl = strlen(src_), ml = strlen(c.message);
		if (prev && prev->subject && strcmp(prev->subject, src_) == 0)
			c.subject = prev->subject;
		else if (sl <= ml && memcmp(c.message + ml - sl, src_, sl) == 0)
			c.subject = c.message + ml - sl;
		else if (!(c.subject = arena_recent(r, src_, sl)))
			return GE_ENOMEM;
	}
#undef COPY
#undef INTERN
	if (rare_copy(r, &c.rare, d->rare, prev) < 0)
		return GE_ENOMEM;
	if (!c.count)
		c.count = 1;
	(*arr)[(*n)++] = c;
	return 0;
}

int ge_report_add(ge_report *r, const ge_diag *d)
{
	return add_to(r, &r->diags, &r->ndiags, &r->diags_alloc, d);
}

int ge_report_add_fixed(ge_report *r, const ge_diag *d)
{
	return add_to(r, &r->fixed, &r->nfixed, &r->fixed_alloc, d);
}

int ge_report_add_interned(ge_report *r, const ge_diag *d, const char *subject,
                           size_t subject_len, const char *message, size_t message_len)
{
	ge_diag *c;
	const ge_diag *prev;
	/* The bytes up to the first NUL, as a NUL-ended copy would hold. */
	size_t sl = subject ? strnlen(subject, subject_len) : 0;
	size_t ml = message ? strnlen(message, message_len) : 0;
	if (!subject)
		subject = "";
	if (!message)
		message = "";
	if (diags_reserve(&r->diags, r->ndiags, &r->diags_alloc) < 0)
		return GE_ENOMEM;
	prev = r->ndiags ? &r->diags[r->ndiags - 1] : NULL;
	c = &r->diags[r->ndiags]; /* made in place, counted once complete */
	*c = *d;
	/* package, file and function are r's already: add_to's interning would
	 * hand back the same pointers. */
	if (prev && prev->message && same_n(prev->message, message, ml))
		c->message = prev->message;
	else if (!(c->message = arena_recent(r, message, ml)))
		return GE_ENOMEM;
	/* The subject as add_to shares it: the previous one's, the message's tail, a copy. */
	if (prev && prev->subject && same_n(prev->subject, subject, sl))
		c->subject = prev->subject;
	else if (sl <= ml && memcmp(c->message + ml - sl, subject, sl) == 0)
		c->subject = c->message + ml - sl;
	else if (!(c->subject = arena_recent(r, subject, sl)))
		return GE_ENOMEM;
	if (rare_copy(r, &c->rare, d->rare, prev) < 0)
		return GE_ENOMEM;
	if (!c->count)
		c->count = 1;
	r->ndiags++;
	return 0;
}

static int cmp_diag(const void *pa, const void *pb)
{
	const ge_diag *a = pa, *b = pb;
	int c;
	if (a->file != b->file && (c = strcmp(a->file, b->file)) != 0)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->column != b->column)
		return a->column < b->column ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->subject != b->subject && (c = strcmp(a->subject, b->subject)) != 0)
		return c;
	if (a->message != b->message && (c = strcmp(a->message, b->message)) != 0)
		return c;
	if (a->function != b->function && (c = strcmp(a->function, b->function)) != 0)
		return c;
	return 0;
}

static int str_cmp(const char *a, const char *b)
{
	return a == b ? 0 : strcmp(a, b);
}

/* Canonical order, then what folding needs side by side: status, package, block. */
static int cmp_fold(const void *pa, const void *pb)
{
	const ge_diag *a = pa, *b = pb;
	int c = cmp_diag(pa, pb);
	if (c)
		return c;
	if (a->status != b->status)
		return a->status < b->status ? -1 : 1;
	if ((c = str_cmp(a->package, b->package)) != 0)
		return c;
	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	return 0;
}

static uint32_t add_sat(uint32_t a, uint32_t b)
{
	return a > UINT32_MAX - b ? UINT32_MAX : a + b;
}

/*
 * The radix sort's key: the leading fields of cmp_diag packed into bits
 * whose order is theirs (file as its rank among the distinct names, line,
 * column, kind).  An element is the key with the diagnostic's index below
 * it in one 64-bit word when both fit (8 bytes an element: the usual case,
 * 46 bits at the bench's 10^6 lines), else this pair (16 bytes).
 */
struct sort_key {
	uint64_t key;
	size_t idx;
};

/* The tie-break's element: a diagnostic of the array, by address. */
struct sort_tie {
	const ge_diag *d;
};

/* Ties of the key by cmp_fold, then by place in the array: what a stable sort keeps. */
static int cmp_tie(const void *pa, const void *pb)
{
	const struct sort_tie *a = pa, *b = pb;
	int c = cmp_fold(a->d, b->d);
	if (c)
		return c;
	return a->d < b->d ? -1 : a->d > b->d;
}

/* Does a come after b in cmp_tie's order (a and b of one array)? */
static inline int tie_after(const ge_diag *a, const ge_diag *b)
{
	int c = cmp_fold(a, b);
	return c > 0 || (c == 0 && a > b);
}

/* Are a and b, side by side in sorted order, of one run the fold folds? */
static inline int fold_same(const ge_diag *a, const ge_diag *b)
{
	return a->status == b->status && cmp_diag(a, b) == 0;
}

/* A diagnostic in a run of one, as the fold leaves it: its count made
 * explicit, its block forgotten. */
static inline void fold_single(ge_diag *d)
{
	d->count = ge_diag_count(d);
	d->group = 0;
}

/* Bits that hold v (0 for 0). */
/* Where a file pointer's search starts in sort_radix's table of nslot (a power of two). */
static size_t sort_slot_of(const char *p, size_t nslot)
{
	uintptr_t h = (uintptr_t)p;
	h ^= h >> 17;
	h *= 0x9E3779B97F4A7C15ULL;
	return (size_t)(h >> 20) & (nslot - 1);
}

static int bits_for(uint32_t v)
{
	int b = 0;
	while (v) {
		b++;
		v >>= 1;
	}
	return b;
}

/* Emptied pages are given back once this many bytes of them wait, each
 * stretch of them one after the other in one call (given back as each
 * page emptied, the bench's 10^6 lines took 3,300 madvise calls of 16 KiB
 * on average: a package's pages empty in no order). */
#define GATHER_BATCH ((size_t)2 << 20)
/* The fewest bytes a stretch moves into the new array with (below: madvise). */
#define GATHER_MOVE_MIN ((size_t)16 << 10)
/* The most stretches one gather moves: a moved stretch can be a mapping
 * of its own in the new array (2,200 of them with the bench's 10^6 lines
 * shuffled), and a process may hold 65,530 (vm.max_map_count). */
#define GATHER_MOVES_MAX 4096
static size_t gather_moves_max = GATHER_MOVES_MAX; /* ge_report__sort_gather_moves_max */

static int gather_mode; /* ge_report__sort_gather */
static int gathered;    /* the last permutation was (ge_report__sort_gathered) */

void ge_report__sort_gather(int mode)
{
	gather_mode = mode;
}

int ge_report__sort_gathered(void)
{
	return gathered;
}

static size_t gather_counted, gather_held; /* ge_report__sort_gather_peaks */
static size_t gather_moved, gather_moves;   /* ge_report__sort_gather_moved */
static int gather_refused;

void ge_report__sort_gather_peaks(size_t *counted, size_t *held)
{
	*counted = gather_counted;
	*held = gather_held;
}

void ge_report__sort_gather_moved(size_t *moved, size_t *moves, int *refused)
{
	*moved = gather_moved;
	*moves = gather_moves;
	*refused = gather_refused;
}

void ge_report__sort_gather_moves_max(size_t max)
{
	gather_moves_max = max ? max : GATHER_MOVES_MAX;
}

/*
 * d's pages emptied and not yet given back (bit q - first of empty; all
 * in [lo, hi), waiting of them), and the bytes given back.  [to, to_end):
 * the new array's pages wholly inside it that nothing is written on yet
 * (the caller keeps to past what it wrote).  A stretch of GATHER_MOVE_MIN
 * or more is given back by moving its pages there (mremap, the old place
 * left mapped and empty as madvise leaves it): in a virtual machine a
 * page faulted in costs its clearing and the host's fault, 3 us here,
 * where a 2 MiB move costs 0.3 us a page.  Pages moved ahead of the
 * writing are held too, so what is held is max(written, to) - freed.
 */
struct gather_run {
	uint64_t *empty;
	uintptr_t first, lo, hi;
	size_t waiting, freed;
	uintptr_t to, to_end;
	size_t moved, moves;
	int refused; /* a move failed (an old kernel, valgrind): madvise from then on */
};

/* Pages [lo, hi) given back (when give; only counted otherwise). */
static void gather_give(struct gather_run *r, uintptr_t lo, uintptr_t hi, unsigned sh, int give)
{
	size_t len = (size_t)((hi - lo) << sh);
	int move = !r->refused && len >= GATHER_MOVE_MIN && r->moves < gather_moves_max &&
	           r->to < r->to_end && hi - lo <= r->to_end - r->to;
#ifdef MREMAP_DONTUNMAP
	if (move && give &&
	    mremap((void *)(lo << sh), len, len, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP,
	           (void *)(r->to << sh)) == MAP_FAILED)
		r->refused = 1, move = 0;
#else
	r->refused = 1, move = 0;
#endif
	if (move) {
		r->to += hi - lo;
		r->moved += len;
		r->moves++;
	} else if (give) {
		(void)madvise((void *)(lo << sh), len, MADV_DONTNEED);
	}
	r->freed += len;
}

/* Every waiting page given back, a stretch at a time. */
static void gather_sweep(struct gather_run *r, unsigned sh, int give)
{
	size_t b = r->lo - r->first, end = r->hi - r->first;
	while (b < end) {
		uint64_t w = r->empty[b / 64] >> (b % 64);
		size_t s;
		if (!w) {
			b += 64 - b % 64;
			continue;
		}
		b += (size_t)__builtin_ctzll(w);
		if (b >= end)
			break;
		for (s = b; b < end && (r->empty[b / 64] >> (b % 64) & 1); b++)
			r->empty[b / 64] &= ~((uint64_t)1 << (b % 64));
		gather_give(r, r->first + s, r->first + b, sh, give);
	}
	r->waiting = 0;
	r->lo = r->hi = 0;
}

/*
 * An element on pages [lo, hi) taken: each page it empties waits, and
 * once GATHER_BATCH bytes wait they are given back (gather_sweep).
 * left[q - first]: the elements left on page q.
 */
static void gather_take(struct gather_run *r, uint16_t *left, uintptr_t lo, uintptr_t hi,
                        unsigned sh, int give)
{
	uintptr_t q;
	for (q = lo; q < hi; q++) {
		size_t b = q - r->first;
		if (--left[b] != 0)
			continue;
		r->empty[b / 64] |= (uint64_t)1 << (b % 64);
		if (!r->waiting++ || q < r->lo)
			r->lo = q;
		if (q + 1 > r->hi)
			r->hi = q + 1;
		if ((r->waiting << sh) >= GATHER_BATCH)
			gather_sweep(r, sh, give);
	}
}

/* r at the start of a pass: nothing waiting or given back; the new array
 * at nb of n elements, its first page wholly inside the first to move to. */
static void gather_start(struct gather_run *r, uint64_t *empty, size_t nempty, uintptr_t first,
                         uintptr_t nb, size_t n, uintptr_t pg, unsigned sh)
{
	memset(empty, 0, nempty * sizeof(*empty));
	memset(r, 0, sizeof(*r));
	r->empty = empty;
	r->first = first;
	r->to = (nb + pg - 1) >> sh;
	r->to_end = (nb + n * sizeof(ge_diag)) >> sh;
}

/* The new array written up to end: nothing moves onto its pages. */
static inline void gather_wrote(struct gather_run *r, uintptr_t end, uintptr_t pg, unsigned sh)
{
	uintptr_t w = (end + pg - 1) >> sh;
	r->to = r->to < w ? w : r->to;
}

/* What r holds beside d: the new array's reach (written, or moved into
 * ahead of the writing) less what d gave back. */
static inline size_t gather_held_now(const struct gather_run *r, uintptr_t nb, unsigned sh)
{
	size_t reach = (size_t)((r->to << sh) - nb);
	return reach > r->freed ? reach - r->freed : 0;
}

/*
 * The permutation applied out of place: a new array whose i-th element
 * is d[perm[i]], read in that order with the reads a few ahead
 * prefetched (in place, following each cycle, every step was a cache miss
 * that waited for the one before: half the sort at 10^6 diagnostics).
 * d's memory is given back to the system as the last element on a page is
 * taken, in batches of GATHER_BATCH, moved into the new array where it
 * can be (gather_take, which both passes below use): a package's
 * diagnostics lie together and are taken together, whatever order the
 * packages come in, so what this adds stays small.  Only pages wholly
 * inside d's n elements are given back, never the allocator's header
 * before them or what follows, and only pages wholly inside nd's taken.
 * A first pass over perm counts, by the same steps, what this adds at its
 * worst (written or moved into, not yet given back); when that would pass
 * a quarter of d's size (and 32 MiB) there is no new array: NULL, the
 * caller permutes in place.  NULL also without memory.  d is left for the
 * caller to free.  The first `single` elements written are made what the
 * fold makes of a run of one (fold_single) on the way.
 */
static ge_diag *sort_gather(ge_diag *d, const uint32_t *perm, size_t n, size_t single)
{
	const uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
	const uintptr_t base = (uintptr_t)d, end = base + n * sizeof(*d);
	uintptr_t first, last; /* pages wholly inside [base, end): [first, last) */
	size_t npage, i, budget = n * sizeof(*d) / 4, peak = 0;
	struct gather_run run;
	uint16_t *count, *left;
	uint64_t *empty;
	ge_diag *nd = NULL;
	uintptr_t nb;
	unsigned sh;
	gathered = 0;
	gather_moved = gather_moves = 0;
	gather_refused = 0;
	if (budget < ((size_t)32 << 20) && gather_mode != 3)
		budget = (size_t)32 << 20;
	if (gather_mode == 1 || pg < sizeof(*d) || (pg & (pg - 1)) != 0 ||
	    pg / sizeof(*d) + 2 > UINT16_MAX)
		return NULL;
	sh = (unsigned)__builtin_ctzll((unsigned long long)pg);
	first = (base + pg - 1) >> sh;
	last = end >> sh;
	npage = last > first ? (size_t)(last - first) : 0;
	if (!(count = calloc(2 * npage + 1, sizeof(*count))))
		return NULL;
	if (!(empty = calloc(npage / 64 + 1, sizeof(*empty)))) {
		free(count);
		return NULL;
	}
	left = count + npage;
	/* The elements on each page wholly inside (at most pg / 80 + 2). */
#define GATHER_PAGES(e, lo, hi)                                                      \
	do {                                                                            \
		uintptr_t a_ = base + (e) * sizeof(*d);                                 \
		lo = a_ >> sh;                                                          \
		hi = ((a_ + sizeof(*d) - 1) >> sh) + 1;                                 \
		lo = lo < first ? first : lo;                                           \
		hi = hi > last ? last : hi;                                             \
	} while (0)
	for (i = 0; i < n; i++) {
		uintptr_t lo, hi, q;
		GATHER_PAGES(i, lo, hi);
		for (q = lo; q < hi; q++)
			count[q - first]++;
	}
	if (!(nd = malloc(n * sizeof(*nd)))) {
		free(empty);
		free(count);
		return NULL;
	}
	nb = (uintptr_t)nd;
	/* First what giving back would hold at its worst, then the same
	 * steps giving it back: one rule, so the budget sees what is held. */
	memcpy(left, count, npage * sizeof(*left));
	gather_start(&run, empty, npage / 64 + 1, first, nb, n, pg, sh);
	for (i = 0; i < n; i++) {
		uintptr_t lo, hi;
		gather_wrote(&run, nb + (i + 1) * sizeof(*d), pg, sh);
		GATHER_PAGES(perm[i], lo, hi);
		gather_take(&run, left, lo, hi, sh, 0);
		if (gather_held_now(&run, nb, sh) > peak)
			peak = gather_held_now(&run, nb, sh);
	}
	gather_counted = peak;
	gather_held = 0;
	if (peak > budget && gather_mode != 2) {
		free(nd);
		free(empty);
		free(count);
		return NULL;
	}
	memcpy(left, count, npage * sizeof(*left));
	gather_start(&run, empty, npage / 64 + 1, first, nb, n, pg, sh);
	for (i = 0; i < n; i++) {
		size_t e = perm[i];
		uintptr_t lo, hi;
		if (i + 8 < n)
			__builtin_prefetch(&d[perm[i + 8]]);
		nd[i] = d[e];
		if (i < single)
			fold_single(&nd[i]);
		gather_wrote(&run, nb + (i + 1) * sizeof(*d), pg, sh);
		GATHER_PAGES(e, lo, hi);
		gather_take(&run, left, lo, hi, sh, 1);
		if (gather_held_now(&run, nb, sh) > gather_held)
			gather_held = gather_held_now(&run, nb, sh);
	}
#undef GATHER_PAGES
	gather_moved = run.moved;
	gather_moves = run.moves;
	gather_refused = run.refused;
	free(empty);
	free(count);
	gathered = 1;
	return nd;
}

/* The most bits a radix pass sorts by (2,048 counts a pass). */
#define SORT_DIGIT_MAX 11
/* The longest tie sorted by insertion (longer ones by qsort). */
#define SORT_TIE_INSERT 24
/* The fewest diagnostics the radix sort shares between two threads (below,
 * a thread's start costs more than it saves). */
#define SORT_SPLIT_MIN 65536

static int sort_wide_forced;  /* ge_report__sort_radix_wide */
static int sort_split_forced; /* ge_report__sort_radix_split */
static int sort_path;         /* ge_report__sort_radix_path */
static int sort_parts;        /* ge_report__sort_radix_parts */
static size_t sort_fold_at;   /* ge_report__sort_fold_at */

void ge_report__sort_radix_wide(int on)
{
	sort_wide_forced = on;
}

void ge_report__sort_radix_split(int on)
{
	sort_split_forced = on;
}

size_t ge_report__sort_fold_at(void)
{
	return sort_fold_at;
}

int ge_report__sort_radix_path(void)
{
	return sort_path;
}

int ge_report__sort_radix_parts(void)
{
	return sort_parts;
}

/* The tie-break's scratch, grown to the longest run of one key. */
static int tie_room(struct sort_tie **tie, size_t *cap, size_t m)
{
	struct sort_tie *nt;
	if (m <= *cap)
		return 0;
	if (!(nt = realloc(*tie, m * sizeof(*nt))))
		return -1;
	*tie = nt;
	*cap = m;
	return 0;
}

/* How sort_radix's keys are made, the same for both parts. */
struct radix_plan {
	int bline, bcol, ibits, npass, dbits, packed;
	uint32_t split; /* file ranks below it go to the first part */
	uint64_t dmask, imask;
};

/*
 * One thread's share of sort_radix.  radix_read: diagnostics [lo, hi)
 * of d read once (line and column into lc, the file's ordinal in this
 * part's own table with the kind into ordk, the widest line and column,
 * how many each ordinal has).  radix_keys: the same diagnostics keyed,
 * each written where its part's elements go (to[0] below the split rank,
 * to[1] from it), with the digits' counts by the part they go to.
 * radix_sort: the elements [at, at + m) of that, sorted by LSD passes;
 * the permutation into ordk[at ...]; ties by cmp_fold; fold_at.  A part
 * writes only its own ranges of the shared arrays.
 */
struct radix_part {
	const ge_diag *d;
	const struct radix_plan *plan;
	size_t lo, hi;
	uint64_t *lc;                /* line << 32 | column, by element; then scratch */
	uint32_t *ordk;              /* ordinal << 2 | kind by element; then the permutation */
	uint64_t *pk;                /* packed keys (key << ibits | index), placed */
	struct sort_key *wk, *wt;    /* wide keys, placed, and scratch */
	const char **names;          /* by ordinal */
	uint32_t *slot;              /* ordinal+1 into names; 0 empty */
	uint32_t *cnt, *rank;        /* by ordinal */
	size_t nslot, nnames, capnames;
	uint32_t maxline, maxcol;
	size_t to[2];
	size_t (*hist[2])[1 << SORT_DIGIT_MAX]; /* this part's counts, by the part they go to */
	size_t at, m, fold_at;
	struct sort_tie *tie;
	size_t ntie;
};

static void radix_part_free(struct radix_part *p)
{
	free(p->names);
	free(p->slot);
	free(p->cnt);
	free(p->rank);
	free(p->hist[0]);
	free(p->hist[1]);
	free(p->tie);
}

/* p's table of names with room for one more (2 slots a name). */
static int radix_names_room(struct radix_part *p)
{
	size_t ns, q, j;
	uint32_t *nsl;
	if (2 * (p->nnames + 1) <= p->nslot)
		return 0;
	ns = p->nslot ? 2 * p->nslot : 1024;
	if (ns / 2 > p->capnames) {
		const char **nn = realloc(p->names, ns / 2 * sizeof(*nn));
		uint32_t *nc;
		if (!nn)
			return -1;
		p->names = nn;
		if (!(nc = realloc(p->cnt, ns / 2 * sizeof(*nc))))
			return -1;
		p->cnt = nc;
		p->capnames = ns / 2;
	}
	if (!(nsl = calloc(ns, sizeof(*nsl))))
		return -1;
	for (q = 0; q < p->nnames; q++) {
		for (j = sort_slot_of(p->names[q], ns); nsl[j]; j = (j + 1) & (ns - 1))
			;
		nsl[j] = (uint32_t)q + 1;
	}
	free(p->slot);
	p->slot = nsl;
	p->nslot = ns;
	return 0;
}

/* The first read (file pointers interned: few, their table grows with them). */
static int radix_read(struct radix_part *p)
{
	const ge_diag *d = p->d;
	size_t i, j;
	for (i = p->lo; i < p->hi; i++) {
		uint32_t o;
		if ((unsigned)d[i].kind > 3)
			return -1;
		p->maxline = d[i].line > p->maxline ? d[i].line : p->maxline;
		p->maxcol = d[i].column > p->maxcol ? d[i].column : p->maxcol;
		p->lc[i] = (uint64_t)d[i].line << 32 | d[i].column;
		if (i > p->lo && d[i].file == d[i - 1].file) {
			/* runs of one file: no lookup */
			p->ordk[i] = (p->ordk[i - 1] & ~3u) | d[i].kind;
			p->cnt[p->ordk[i] >> 2]++;
			continue;
		}
		if (radix_names_room(p) < 0)
			return -1;
		for (j = sort_slot_of(d[i].file, p->nslot);
		     p->slot[j] && p->names[p->slot[j] - 1] != d[i].file; j = (j + 1) & (p->nslot - 1))
			;
		if (!p->slot[j]) {
			p->cnt[p->nnames] = 0;
			p->names[p->nnames++] = d[i].file;
			p->slot[j] = (uint32_t)p->nnames;
		}
		o = p->slot[j] - 1;
		p->cnt[o]++;
		p->ordk[i] = o << 2 | d[i].kind;
	}
	return 0;
}

/* Each element keyed and placed, the digits counted by where it goes. */
static int radix_keys(struct radix_part *p)
{
	const struct radix_plan *pl = p->plan;
	int pass, rshift = pl->bline + pl->bcol + 2;
	size_t i, t;
	for (t = 0; t < 2; t++)
		if (!(p->hist[t] = calloc((size_t)pl->npass, sizeof(*p->hist[t]))))
			return -1;
	for (i = p->lo; i < p->hi; i++) {
		uint64_t v = p->lc[i];
		uint32_t rk = p->rank[p->ordk[i] >> 2];
		/* One name takes no bits; then the rest may fill all 64 (no shift by 64). */
		uint64_t key = (rshift < 64 ? (uint64_t)rk << rshift : 0) | (v >> 32) << (pl->bcol + 2) |
		               (v & 0xffffffffu) << 2 | (p->ordk[i] & 3);
		size_t (*h)[1 << SORT_DIGIT_MAX];
		t = rk >= pl->split;
		h = p->hist[t];
		if (pl->packed) {
			p->pk[p->to[t]++] = key << pl->ibits | i;
		} else {
			p->wk[p->to[t]].key = key;
			p->wk[p->to[t]++].idx = i;
		}
		for (pass = 0; pass < pl->npass; pass++)
			h[pass][(key >> (pl->dbits * pass)) & pl->dmask]++;
	}
	return 0;
}

/* The part's elements sorted, their permutation and ties. */
static int radix_sort(struct radix_part *p)
{
	const struct radix_plan *pl = p->plan;
	const ge_diag *d = p->d;
	uint64_t *pk = p->pk + p->at, *pt = p->lc + p->at; /* lc: the scratch now */
	struct sort_key *wk = p->wk ? p->wk + p->at : NULL, *wt = p->wt ? p->wt + p->at : NULL;
	uint32_t *perm = p->ordk + p->at;
	size_t m = p->m, i, j, q;
	int pass;
	p->fold_at = p->at + m;
	if (m == 0)
		return 0;
	for (pass = 0; pass < pl->npass; pass++) {
		size_t sum = 0, *h = p->hist[0][pass];
		int at = pl->dbits * pass;
		uint64_t first = pl->packed ? pk[0] >> pl->ibits : wk[0].key;
		if (h[(first >> at) & pl->dmask] == m)
			continue; /* one value of this digit: nothing moves */
		for (i = 0; i <= pl->dmask; i++) {
			size_t c = h[i];
			h[i] = sum;
			sum += c;
		}
		if (pl->packed) {
			uint64_t *x;
			at += pl->ibits;
			for (i = 0; i < m; i++)
				pt[h[(pk[i] >> at) & pl->dmask]++] = pk[i];
			x = pk;
			pk = pt;
			pt = x;
		} else {
			struct sort_key *x;
			for (i = 0; i < m; i++)
				wt[h[(wk[i].key >> at) & pl->dmask]++] = wk[i];
			x = wk;
			wk = wt;
			wt = x;
		}
	}
	/* The permutation, in ordk (its fields are in the keys now); runs of one
	 * key: their diagnostics' addresses sorted, back as indexes. */
	for (i = 0; i < m; i++)
		perm[i] = (uint32_t)(pl->packed ? pk[i] & pl->imask : wk[i].idx);
	for (i = 0; i < m; i = j) {
		uint64_t key = pl->packed ? pk[i] >> pl->ibits : wk[i].key;
		for (j = i + 1; j < m && (pl->packed ? pk[j] >> pl->ibits : wk[j].key) == key; j++)
			;
		if (j - i < 2)
			continue;
		if (j - i <= SORT_TIE_INSERT) {
			/* A few (the usual tie): insertion by cmp_fold, then index. */
			for (q = i + 1; q < j; q++) {
				uint32_t x = perm[q];
				size_t r = q;
				for (; r > i && tie_after(&d[perm[r - 1]], &d[x]); r--)
					perm[r] = perm[r - 1];
				perm[r] = x;
			}
		} else {
			if (tie_room(&p->tie, &p->ntie, j - i) < 0)
				return -1;
			for (q = i; q < j; q++)
				p->tie[q - i].d = &d[perm[q]];
			qsort(p->tie, j - i, sizeof(*p->tie), cmp_tie);
			for (q = i; q < j; q++)
				perm[q] = (uint32_t)(p->tie[q - i].d - d);
		}
		/* Only a tie can fold (equal diagnostics share a key): the first
		 * that does is where the caller's fold starts. */
		for (q = i + 1; q < j && p->fold_at == p->at + m; q++)
			if (fold_same(&d[perm[q - 1]], &d[perm[q]]))
				p->fold_at = p->at + q - 1;
	}
	return 0;
}

struct radix_job {
	struct radix_part *p;
	int (*fn)(struct radix_part *);
	int rc;
};

static void *radix_job_run(void *arg)
{
	struct radix_job *j = arg;
	j->rc = j->fn(j->p);
	return NULL;
}

/* fn on part a, and on b when there are two: b on a thread of its own
 * (with none to be had, after a on this one). */
static int radix_both(struct radix_part *a, struct radix_part *b, int two,
                      int (*fn)(struct radix_part *))
{
	struct radix_job j = {b, fn, 0};
	pthread_t t;
	int threaded = two && ge_thread_start(&t, radix_job_run, &j) == 0, ra;
	ra = fn(a);
	if (threaded)
		pthread_join(t, NULL);
	else if (two)
		j.rc = fn(b);
	return ra < 0 || j.rc < 0 ? -1 : 0;
}

/* A file name of part `who` >> 31, ordinal who & 0x7fffffff: the ranks' sort. */
struct radix_name {
	const char *s;
	uint32_t who;
};

static int cmp_radix_name(const void *a, const void *b)
{
	return strcmp(((const struct radix_name *)a)->s, ((const struct radix_name *)b)->s);
}

/*
 * Both parts' names ranked together (equal names at two addresses share a
 * rank: *nrank of them) and the split chosen: the rank that parts the
 * elements nearest to halves (with one part, past the last).  Each part's
 * to[] set: where its elements below and from the split go.
 */
static int radix_rank(struct radix_part *p, int two, struct radix_plan *pl, uint32_t *nrank)
{
	size_t total = p[0].nnames + (two ? p[1].nnames : 0), i, k, n = p[0].hi - p[0].lo;
	struct radix_name *all = malloc((total ? total : 1) * sizeof(*all));
	size_t *per = calloc(total ? total : 1, sizeof(*per)), below = 0, low[2] = {0, 0};
	uint32_t j = 0;
	int t, rc = -1;
	if (two)
		n += p[1].hi - p[1].lo;
	if (!all || !per)
		goto done;
	for (t = 0, k = 0; t < 1 + two; t++) {
		if (!(p[t].rank = malloc((p[t].nnames ? p[t].nnames : 1) * sizeof(*p[t].rank))))
			goto done;
		for (i = 0; i < p[t].nnames; i++, k++) {
			all[k].s = p[t].names[i];
			all[k].who = (uint32_t)t << 31 | (uint32_t)i;
		}
	}
	qsort(all, total, sizeof(*all), cmp_radix_name);
	for (i = 0; i < total; i++) {
		struct radix_part *o = &p[all[i].who >> 31];
		uint32_t ord = all[i].who & 0x7fffffffu;
		if (i && strcmp(all[i - 1].s, all[i].s) != 0)
			j++;
		o->rank[ord] = j;
		per[j] += o->cnt[ord];
	}
	*nrank = j;
	/* The split: the first rank whose elements pass half, or the one after. */
	pl->split = (uint32_t)-1;
	if (two) {
		for (i = 0; i <= j && below + per[i] <= n / 2; i++)
			below += per[i];
		if (i <= j && n / 2 - below > below + per[i] - n / 2)
			below += per[i++];
		pl->split = (uint32_t)i;
	} else {
		below = n;
	}
	for (t = 0; t < 1 + two; t++)
		for (i = 0; i < p[t].nnames; i++)
			if (p[t].rank[i] < pl->split)
				low[t] += p[t].cnt[i];
	p[0].to[0] = 0;
	p[0].to[1] = below;
	p[0].at = 0;
	p[0].m = below;
	if (two) {
		p[1].to[0] = low[0];
		p[1].to[1] = below + (p[0].hi - p[0].lo - low[0]);
		p[1].at = below;
		p[1].m = n - below;
	}
	rc = 0;
done:
	free(all);
	free(per);
	return rc;
}

/*
 * d sorted as a stable qsort(cmp_fold) sorts it (glibc's is a merge sort),
 * in O(n) passes: an LSD radix sort of the packed keys (digits of up to
 * SORT_DIGIT_MAX bits, as few passes as the key's width allows), ties (one
 * position, one kind) then sorted by cmp_fold and index, and the
 * permutation applied into a new array (sort_gather: *dp and *alloc
 * replaced, the old array freed) or, when that would hold too much, in
 * place.  d is read once, into 12 bytes an element (line and column, the
 * file's ordinal and the kind), which the keys are made from.  From
 * SORT_SPLIT_MIN diagnostics the work is shared by two threads (radix_part
 * says how): each reads half of d, the file names are ranked together, and
 * the keys are placed in two ranges split at a file rank (one part's files
 * sort before the other's), which each thread then sorts alone; the gather
 * stays on this one.  0 when it cannot (rank, line and column wider than
 * 64 bits together, or no memory): the caller falls back to qsort.
 * *fold_at: where the fold is to begin, the first of a run of equal
 * diagnostics (only a tie can be one: equal diagnostics share a key), n
 * when none is; what lies before it is left as the fold leaves a run of
 * one (fold_single, in the gather's copy), so the fold does not go over
 * the whole array again (100 ms at 10^7 lines).  test_report's
 * sort_radix_same_as_qsort compares the two on random reports, packed and
 * wide, in one part and two.
 */
static int sort_radix(ge_diag **dp, size_t *alloc, size_t n, size_t *fold_at)
{
	ge_diag *d = *dp, *nd;
	struct radix_part p[2];
	struct radix_plan pl;
	uint64_t *lc = NULL, *pk = NULL;
	struct sort_key *wk = NULL, *wt = NULL;
	uint32_t *ordk = NULL, nrank = 0;
	size_t i, mid;
	int kbits, ok = 0, t, two;
	sort_path = 0;
	sort_parts = 0;
	*fold_at = 0;
	memset(p, 0, sizeof(p));
	memset(&pl, 0, sizeof(pl));
	if (n < 64 || n > (UINT32_MAX >> 2))
		return 0;
	two = n >= SORT_SPLIT_MIN || sort_split_forced;
	mid = two ? n / 2 : n;
	lc = malloc(n * sizeof(*lc));
	ordk = malloc(n * sizeof(*ordk));
	if (!lc || !ordk)
		goto done;
	for (t = 0; t < 2; t++) {
		p[t].d = d;
		p[t].plan = &pl;
		p[t].lc = lc;
		p[t].ordk = ordk;
		p[t].lo = t ? mid : 0;
		p[t].hi = t ? n : mid;
	}
	if (radix_both(&p[0], &p[1], two, radix_read) < 0 || radix_rank(p, two, &pl, &nrank) < 0)
		goto done;
	/* Each field as wide as its largest value needs: fewer bits, fewer passes. */
	pl.bline = bits_for(p[0].maxline > p[1].maxline ? p[0].maxline : p[1].maxline);
	pl.bcol = bits_for(p[0].maxcol > p[1].maxcol ? p[0].maxcol : p[1].maxcol);
	kbits = bits_for(nrank) + pl.bline + pl.bcol + 2;
	pl.ibits = bits_for((uint32_t)(n - 1));
	if (kbits > 64)
		goto done;
	pl.packed = kbits + pl.ibits <= 64 && !sort_wide_forced;
	pl.npass = (kbits + SORT_DIGIT_MAX - 1) / SORT_DIGIT_MAX;
	pl.dbits = (kbits + pl.npass - 1) / pl.npass;
	pl.dmask = ((uint64_t)1 << pl.dbits) - 1;
	pl.imask = ((uint64_t)1 << pl.ibits) - 1;
	if (pl.packed ? !(pk = malloc(n * sizeof(*pk)))
	              : !(wk = malloc(n * sizeof(*wk))) || !(wt = malloc(n * sizeof(*wt))))
		goto done;
	for (t = 0; t < 2; t++) {
		p[t].pk = pk;
		p[t].wk = wk;
		p[t].wt = wt;
	}
	if (radix_both(&p[0], &p[1], two, radix_keys) < 0)
		goto done;
	/* Each part's counts: what both threads counted of its elements. */
	if (two) {
		size_t c, np = (size_t)pl.npass << SORT_DIGIT_MAX;
		size_t *a0 = p[0].hist[0][0], *a1 = p[0].hist[1][0];
		size_t *b0 = p[1].hist[0][0], *b1 = p[1].hist[1][0];
		for (c = 0; c < np; c++) {
			a0[c] += b0[c];
			b0[c] = a1[c] + b1[c];
		}
	}
	if (radix_both(&p[0], &p[1], two, radix_sort) < 0)
		goto done;
	*fold_at = p[0].fold_at < p[0].at + p[0].m ? p[0].fold_at
	           : two && p[1].fold_at < p[1].at + p[1].m ? p[1].fold_at
	                                                    : n;
	sort_path = pl.packed ? 2 : 1;
	sort_parts = 1 + two;
	/* The keys' memory goes before the gather's new array is made. */
	free(lc);
	free(pk);
	free(wk);
	free(wt);
	lc = pk = NULL;
	wk = wt = NULL;
	/* Position i takes d[ordk[i]]: into a new array, or following each
	 * cycle once. */
	if ((nd = sort_gather(d, ordk, n, *fold_at))) {
		free(d);
		*dp = nd;
		*alloc = n;
		ok = 1;
		goto done;
	}
	for (i = 0; i < n; i++) {
		ge_diag tmp;
		size_t at = i;
		if (ordk[i] == i)
			continue;
		tmp = d[i];
		while (ordk[at] != i) {
			size_t from = ordk[at];
			d[at] = d[from];
			ordk[at] = (uint32_t)at;
			at = from;
		}
		d[at] = tmp;
		ordk[at] = (uint32_t)at;
	}
	for (i = 0; i < *fold_at; i++)
		fold_single(&d[i]);
	ok = 1;
done:
	if (!ok) {
		sort_path = 0;
		sort_parts = 0;
	}
	radix_part_free(&p[0]);
	radix_part_free(&p[1]);
	free(lc);
	free(ordk);
	free(pk);
	free(wk);
	free(wt);
	return ok;
}

/*
 * Sort, and fold each run of identical diagnostics (same identity, same
 * status) into its first one: counts are summed within a compiler output
 * block, the largest block wins among blocks of one package, and packages
 * add up (report.h says why).
 */
/*
 * keep (the first of a run) takes g's moved_from, as the run's first that
 * has one, beside its own inlined_from.  Both are r's diagnostics, so when
 * their inlined_from is the same (always but for two inline calls folded
 * at one position) g's rare is exactly that: shared, nothing allocated.
 * Otherwise a new ge_diag_rare; out of memory for those 24 bytes, keep
 * takes g's whole (its inlined_from too).
 */
static void keep_moved_from(ge_report *r, ge_diag *keep, const ge_diag *g)
{
	const char *ki = ge_diag_inlined_from(keep), *gi = ge_diag_inlined_from(g);
	ge_diag_rare c = {ki, ge_diag_from_file(g), ge_diag_from_function(g)};
	if (!c.from_file)
		return; /* keep has no moved_from either (the caller's test) */
	if (ki == gi || (ki && gi && strcmp(ki, gi) == 0) || rare_copy(r, &keep->rare, &c, NULL) < 0)
		keep->rare = g->rare;
}

static size_t sort_dedupe(ge_report *r, ge_diag **dp, size_t *alloc, size_t n, int radix)
{
	ge_diag *d = *dp;
	size_t i = 0, o = 0;
	if (n == 0)
		return 0;
	/* Already in order with nothing to fold (a report matched in place): done. */
	for (i = 1; i < n; i++) {
		int c = cmp_fold(&d[i - 1], &d[i]);
		if (c > 0 || (d[i - 1].status == d[i].status && cmp_diag(&d[i - 1], &d[i]) == 0))
			break;
	}
	if (i == n) {
		for (i = 0; i < n; i++)
			d[i].group = 0;
		return n;
	}
	i = 0;
	/* The radix sort leaves what lies before its first fold as the
	 * loop below would (sort_radix's fold_at): the loop starts there. */
	if (radix && sort_radix(dp, alloc, n, &i)) {
		o = sort_fold_at = i;
	} else {
		qsort(d, n, sizeof(*d), cmp_fold);
		i = 0;
	}
	d = *dp;
	while (i < n) {
		ge_diag keep;
		uint32_t total = 0;
		size_t e = i + 1, p;
		while (e < n && d[e].status == d[i].status && cmp_diag(&d[i], &d[e]) == 0)
			e++;
		if (e == i + 1) {
			/* A run of one (the usual case): what the fold below makes of
			 * it, its count made explicit, without copying it twice. */
			if (o != i)
				d[o] = d[i];
			fold_single(&d[o]);
			o++;
			i = e;
			continue;
		}
		keep = d[i];
		for (p = i; p < e;) {
			uint32_t pkgmax = 0;
			size_t q = p;
			while (q < e && str_cmp(d[q].package, d[p].package) == 0) {
				uint32_t blk = 0;
				size_t g = q;
				for (; g < e && d[g].group == d[q].group &&
				       str_cmp(d[g].package, d[p].package) == 0;
				     g++) {
					blk = add_sat(blk, ge_diag_count(&d[g]));
					if (!keep.explain)
						keep.explain = d[g].explain;
					if (!ge_diag_from_file(&keep))
						keep_moved_from(r, &keep, &d[g]);
				}
				if (blk > pkgmax)
					pkgmax = blk;
				q = g;
			}
			total = add_sat(total, pkgmax);
			p = q;
		}
		keep.count = total;
		keep.group = 0;
		d[o++] = keep;
		i = e;
	}
	return o;
}

uint32_t ge_diag_count(const ge_diag *d)
{
	return d->count ? d->count : 1;
}

void ge_report_sort(ge_report *r)
{
	r->ndiags = sort_dedupe(r, &r->diags, &r->diags_alloc, r->ndiags, 1);
	r->nfixed = sort_dedupe(r, &r->fixed, &r->fixed_alloc, r->nfixed, 1);
}

void ge_report_sort_qsort(ge_report *r)
{
	r->ndiags = sort_dedupe(r, &r->diags, &r->diags_alloc, r->ndiags, 0);
	r->nfixed = sort_dedupe(r, &r->fixed, &r->fixed_alloc, r->nfixed, 0);
}

static const char *const kind_names[] = {"moved", "escapes", "leak"};

const char *ge_kind_name(ge_kind k)
{
	return (unsigned)k < 3 ? kind_names[k] : "unknown";
}

int ge_kind_parse(ge_kind *out, const char *s)
{
	int i;
	for (i = 0; i < 3; i++)
		if (strcmp(s, kind_names[i]) == 0) {
			*out = (ge_kind)i;
			return 0;
		}
	return GE_EBADINPUT;
}

int ge_kind_is_heap(ge_kind k)
{
	return k == GE_KIND_MOVED || k == GE_KIND_ESCAPES;
}

const char *ge_status_name(ge_status s)
{
	switch (s) {
	case GE_STATUS_NEW:
		return "new";
	case GE_STATUS_EXISTING:
		return "existing";
	case GE_STATUS_FIXED:
		return "fixed";
	case GE_STATUS_MOVED:
		return "moved";
	default:
		return "";
	}
}

/* Order of addresses (distinct interned strings). */
static int cmp_ptr(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	return (uintptr_t)x < (uintptr_t)y ? -1 : (uintptr_t)x > (uintptr_t)y;
}

void ge_report_summary(const ge_report *r, ge_summary *out)
{
	size_t i, nruns = 0, capruns = 0, j;
	const char *last_pkg = NULL, **runs = NULL;
	int lost = 0;
	memset(out, 0, sizeof(*out));
	/*
	 * One pass: the counts by kind and status, and the distinct packages
	 * among heap diagnostics.  Those are interned, so equal names are equal
	 * pointers: the starts of runs (sorted by file, so mostly one run per
	 * package) are kept, then sorted by address and counted once each:
	 * O(n log runs), where a search of the names seen so far was quadratic
	 * in packages.  The runs' array grows with them (sized to the
	 * diagnostics it was 5 MB at 10^6 lines, and a second pass).
	 */
	for (i = 0; i < r->ndiags; i++) {
		const ge_diag *d = &r->diags[i];
		size_t n = ge_diag_count(d);
		int heap = ge_kind_is_heap(d->kind);
		switch (d->kind) {
		case GE_KIND_MOVED:
			out->moved += n;
			break;
		case GE_KIND_ESCAPES:
			out->escapes += n;
			break;
		default:
			out->leaks += n;
			break;
		}
		if (d->status == GE_STATUS_NEW && heap)
			out->new_ += n;
		if (d->status == GE_STATUS_MOVED && heap)
			out->relocated += n;
		if (!heap || d->package == last_pkg || lost)
			continue;
		if (nruns == capruns) {
			size_t nc = capruns ? 2 * capruns : 256;
			const char **nv = realloc(runs, nc * sizeof(*nv));
			if (!nv) {
				lost = 1; /* out of memory: no count of packages, as before */
				continue;
			}
			runs = nv;
			capruns = nc;
		}
		runs[nruns++] = last_pkg = d->package;
	}
	out->heap = out->moved + out->escapes;
	out->fixed = 0;
	for (i = 0; i < r->nfixed; i++)
		if (ge_kind_is_heap(r->fixed[i].kind))
			out->fixed += ge_diag_count(&r->fixed[i]);
	if (!lost && nruns) { /* (no runs: runs is NULL, which qsort may not take) */
		qsort(runs, nruns, sizeof(*runs), cmp_ptr);
		for (i = 0, j = 0; i < nruns; i++)
			if (!i || runs[i] != runs[i - 1])
				j++;
		out->packages = j;
	}
	free(runs);
}

/* v as 16 lowercase hex digits, no terminator. */
static void hex16(char out[16], uint64_t v)
{
#if defined(__SSE2__) && defined(__x86_64__)
	/* The eight bytes high first, each split into its two nibbles side by
	 * side, and every nibble made a digit at once (+'0', and 'a' - '0' - 10
	 * more where it is ten or more): about a dozen instructions. */
	const __m128i low4 = _mm_set1_epi8(0x0f);
	__m128i x = _mm_cvtsi64_si128((long long)__builtin_bswap64(v));
	__m128i hi = _mm_and_si128(_mm_srli_epi16(x, 4), low4);
	__m128i nib = _mm_unpacklo_epi8(hi, _mm_and_si128(x, low4));
	__m128i ten = _mm_cmpgt_epi8(nib, _mm_set1_epi8(9));
	nib = _mm_add_epi8(nib, _mm_set1_epi8('0'));
	nib = _mm_add_epi8(nib, _mm_and_si128(ten, _mm_set1_epi8('a' - '0' - 10)));
	_mm_storeu_si128((__m128i *)(void *)out, nib);
#else
	int half;
#if !(defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__GNUC__))
	int i;
#endif
	for (half = 0; half < 2; half++) {
		/* Eight nibbles spread to eight bytes, each made a digit at once
		 * ('a'..'f' where a nibble is ten or more), high nibble first. */
		uint64_t x = (uint32_t)(v >> (32 * (1 - half))), ten;
		x = ((x & 0xFFFF0000ULL) << 16) | (x & 0xFFFFULL);
		x = ((x & 0x0000FF000000FF00ULL) << 8) | (x & 0x000000FF000000FFULL);
		x = ((x & 0x00F000F000F000F0ULL) << 4) | (x & 0x000F000F000F000FULL);
		ten = ((x + 0x0606060606060606ULL) >> 4) & 0x0101010101010101ULL;
		x += 0x3030303030303030ULL + 0x27 * ten;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__GNUC__)
		x = __builtin_bswap64(x);
		memcpy(out + 8 * half, &x, 8);
#else
		for (i = 0; i < 8; i++)
			out[8 * half + i] = (char)(x >> (56 - 8 * i));
#endif
	}
#endif
}

/* v in decimal; the digits written (at most 10, no terminator). */
static size_t dec32(char out[10], uint32_t v)
{
	char t[10];
	size_t n = 0, i;
	/* Lines and columns are mostly short: those without the loop. */
	if (v < 10) {
		out[0] = (char)('0' + v);
		return 1;
	}
	if (v < 100) {
		out[0] = (char)('0' + v / 10);
		out[1] = (char)('0' + v % 10);
		return 2;
	}
	if (v < 1000) {
		out[0] = (char)('0' + v / 100);
		out[1] = (char)('0' + v / 10 % 10);
		out[2] = (char)('0' + v % 10);
		return 3;
	}
	do
		t[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	for (i = 0; i < n; i++)
		out[i] = t[n - 1 - i];
	return n;
}

/* ",KEY" followed by the decimal v: the JSON writer's numbers, no printf. */
static int put_num(ge_buf *b, const char *key, size_t klen, uint32_t v)
{
	char num[10];
	size_t n = dec32(num, v);
	return ge_buf_put(b, key, klen) < 0 || ge_buf_put(b, num, n) < 0 ? GE_ENOMEM : 0;
}

void ge_diag_fingerprint(const ge_diag *d, char out[17])
{
	/* Identity, not position: file, function, kind, subject, line text. */
	uint64_t h = GE_HASH_SEED;
	char lh[16];
	const char *kind = ge_kind_name(d->kind);
	h = ge_hash_bytes(h, d->file, strlen(d->file) + 1);
	h = ge_hash_bytes(h, d->function, strlen(d->function) + 1);
	h = ge_hash_bytes(h, kind, strlen(kind) + 1);
	h = ge_hash_bytes(h, d->subject, strlen(d->subject) + 1);
	hex16(lh, d->line_hash);
	h = ge_hash_bytes(h, lh, 16);
	hex16(out, h);
	out[16] = '\0';
}

int ge_diag_put_json_site(ge_buf *b, const ge_diag *d)
{
	int rc = 0;
	rc |= ge_buf_puts(b, "\"file\":");
	rc |= ge_buf_put_json(b, d->file);
	rc |= put_num(b, ",\"line\":", 8, d->line);
	rc |= put_num(b, ",\"column\":", 10, d->column);
	rc |= ge_buf_puts(b, ",\"function\":");
	rc |= ge_buf_put_json(b, d->function);
	rc |= ge_buf_puts(b, ",\"kind\":\"");
	rc |= ge_buf_puts(b, ge_kind_name(d->kind));
	rc |= ge_buf_puts(b, "\",\"subject\":");
	rc |= ge_buf_put_json(b, d->subject);
	rc |= ge_buf_puts(b, ",\"message\":");
	rc |= ge_buf_put_json(b, d->message);
	return rc ? GE_ENOMEM : 0;
}

/* Is s printable ASCII with nothing JSON escapes?  *n is its length then.
 * Eight bytes at a time: a byte below 0x20, at or above 0x7f, '"' or '\\'. */
static int plain_ascii(const char *s, size_t *n)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	size_t len = strlen(s), i = 0;
#if defined(__SSE2__) && defined(__x86_64__)
	if (len >= 16) {
		/* Sixteen bytes at a time, the last sixteen overlapping: as signed
		 * bytes, those at or above 0x80 are below 0x20 too. */
		const __m128i sp = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7f),
		              qu = _mm_set1_epi8('"'), bsl = _mm_set1_epi8('\\');
		for (;; i += 16) {
			__m128i x, bad;
			if (i + 16 > len)
				i = len - 16;
			x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			bad = _mm_or_si128(
			    _mm_or_si128(_mm_cmplt_epi8(x, sp), _mm_cmpeq_epi8(x, del)),
			    _mm_or_si128(_mm_cmpeq_epi8(x, qu), _mm_cmpeq_epi8(x, bsl)));
			if (_mm_movemask_epi8(bad))
				return 0;
			if (i + 16 == len)
				break;
		}
		*n = len;
		return 1;
	}
#endif
	for (; i + 8 <= len; i += 8) {
		uint64_t w, lo, hi, q, bs;
		memcpy(&w, s + i, 8);
		lo = (w - ones * 0x20) & ~w; /* a byte < 0x20 */
		hi = w + ones * 0x01;        /* a byte >= 0x7f sets its top bit */
		q = ((w ^ (ones * '"')) - ones) & ~(w ^ (ones * '"'));
		bs = ((w ^ (ones * '\\')) - ones) & ~(w ^ (ones * '\\'));
		if (((lo | hi | w | q | bs) & high) != 0)
			return 0;
	}
	if (len < 8 && len >= 4) {
		/* Four to seven bytes: the first four and the last four as one word. */
		uint32_t x, y;
		uint64_t w, lo, hi, q, bs;
		memcpy(&x, s, 4);
		memcpy(&y, s + len - 4, 4);
		w = (uint64_t)x << 32 | y;
		lo = (w - ones * 0x20) & ~w;
		hi = w + ones * 0x01;
		q = ((w ^ (ones * '"')) - ones) & ~(w ^ (ones * '"'));
		bs = ((w ^ (ones * '\\')) - ones) & ~(w ^ (ones * '\\'));
		if (((lo | hi | w | q | bs) & high) != 0)
			return 0;
		i = len;
	}
	if (i < len && len >= 8) {
		/* The last eight bytes, some checked already: one more word. */
		uint64_t w, lo, hi, q, bs;
		memcpy(&w, s + len - 8, 8);
		lo = (w - ones * 0x20) & ~w;
		hi = w + ones * 0x01;
		q = ((w ^ (ones * '"')) - ones) & ~(w ^ (ones * '"'));
		bs = ((w ^ (ones * '\\')) - ones) & ~(w ^ (ones * '\\'));
		if (((lo | hi | w | q | bs) & high) != 0)
			return 0;
		i = len;
	}
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			return 0;
	}
	*n = len;
	return 1;
}

/*
 * n bytes from s to w without a call for the short strings of a diagnostic:
 * words that may overlap at the end, every read inside s[0..n) and every
 * write inside w[0..n).
 */
static inline void copy_short(char *w, const char *s, size_t n)
{
	if (n > 64) {
		memcpy(w, s, n);
	} else if (n >= 8) {
		size_t i;
		for (i = 0; i + 8 < n; i += 8)
			memcpy(w + i, s + i, 8);
		memcpy(w + n - 8, s + n - 8, 8);
	} else if (n >= 4) {
		memcpy(w, s, 4);
		memcpy(w + n - 4, s + n - 4, 4);
	} else {
		size_t i;
		for (i = 0; i < n; i++)
			w[i] = s[i];
	}
}

/* Raw writes into room reserved beforehand (put_diag_plain). */
#define W_LIT(w, lit)  (memcpy((w), (lit), sizeof(lit) - 1), (w) += sizeof(lit) - 1)
#define W_STR(w, s, n) (*(w)++ = '"', copy_short((w), (s), (n)), (w) += (n), *(w)++ = '"')

/* FNV-1a as ge_hash_bytes computes it, four bytes a step (the same value). */
static inline uint64_t fnv_run(uint64_t h, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	const uint64_t prime = 1099511628211ULL;
	for (; n >= 4; n -= 4, p += 4) {
		h = (h ^ p[0]) * prime;
		h = (h ^ p[1]) * prime;
		h = (h ^ p[2]) * prime;
		h = (h ^ p[3]) * prime;
	}
	for (; n; n--, p++)
		h = (h ^ *p) * prime;
	return h;
}

/*
 * The fingerprint of consecutive diagnostics of one file and function
 * hashes that prefix once (the hash is a running one over the fields in
 * ge_diag_fingerprint's order, so the result is the same).
 */
typedef struct fp_memo {
	const char *file, *function;
	uint64_t h;
	/* The last package, file, function and subject plain_ascii() passed,
	 * and their lengths: runs of diagnostics share them (interned or
	 * shared with the previous diagnostic, so by address). */
	const char *ok[4];
	size_t okn[4];
} fp_memo;

/* plain_ascii() through the memo's slot k. */
static int plain_memo(fp_memo *m, int k, const char *s, size_t *n)
{
	if (m->ok[k] == s) {
		*n = m->okn[k];
		return 1;
	}
	if (!plain_ascii(s, n))
		return 0;
	m->ok[k] = s;
	m->okn[k] = *n;
	return 1;
}

/* The kinds' names with their lengths (ge_kind_name's, without strlen). */
static const struct {
	const char *s;
	size_t n;
} kind_lit[] = {{"moved", 5}, {"escapes", 7}, {"leak", 4}};

/* nk, ns: the lengths of kind and d->subject. */
static void fingerprint_memo(const ge_diag *d, fp_memo *m, const char *kind, size_t nk, size_t ns,
                             const char lh[16], char out[17])
{
	uint64_t h;
	if (m->file != d->file || m->function != d->function) {
		m->h = fnv_run(GE_HASH_SEED, d->file, m->okn[1] + 1);
		m->h = fnv_run(m->h, d->function, m->okn[2] + 1);
		m->file = d->file;
		m->function = d->function;
	}
	h = fnv_run(m->h, kind, nk + 1);
	h = fnv_run(h, d->subject, ns + 1);
	h = fnv_run(h, lh, 16);
	hex16(out, h);
	out[16] = '\0';
}

/*
 * put_diag for the common diagnostic: every string plain ASCII, no move,
 * no explanation.  Room for the whole object is reserved once and written
 * in place, after sep (nsep bytes, the separator before it); 1 when
 * written, 0 when put_diag must do it (nothing written then), GE_ENOMEM.
 * The bytes are exactly put_diag's.
 */
static int put_diag_plain(ge_buf *b, const ge_diag *d, fp_memo *m, const char *sep, size_t nsep)
{
	size_t np, nf, nfn, ns, nm, ni = 0, nk, need;
	const char *kind;
	uintptr_t sub = (uintptr_t)d->subject, msg = (uintptr_t)d->message;
	char *w, lh[16];
	if (d->explain || d->status == GE_STATUS_MOVED || (unsigned)d->kind > 2 ||
	    !plain_memo(m, 0, d->package, &np) || !plain_memo(m, 1, d->file, &nf) ||
	    !plain_memo(m, 2, d->function, &nfn) || !plain_ascii(d->message, &nm))
		return 0;
	if (sub >= msg && sub <= msg + nm) /* the message's tail ("moved to heap: v"): plain too */
		ns = nm - (size_t)(sub - msg);
	else if (!plain_memo(m, 3, d->subject, &ns))
		return 0;
	if (ge_diag_inlined_from(d) && !plain_ascii(ge_diag_inlined_from(d), &ni))
		return 0;
	kind = kind_lit[d->kind].s;
	nk = kind_lit[d->kind].n;
	need =
	    nsep + np + nf + nfn + ns + nm + ni + 512; /* the keys, numbers and hashes: under 300 */
	/* ge_buf_grow only when it would do something: flush, bound, realloc. */
	if ((b->sink && b->len >= GE_BUF_FLUSH_BYTES) || b->max || b->cap <= b->len ||
	    b->cap - b->len <= need) {
		if (ge_buf_grow(b, need) < 0)
			return GE_ENOMEM;
	}
	w = b->ptr + b->len;
	copy_short(w, sep, nsep);
	w += nsep;
	W_LIT(w, "{\"package\":");
	W_STR(w, d->package, np);
	W_LIT(w, ",\"file\":");
	W_STR(w, d->file, nf);
	W_LIT(w, ",\"line\":");
	w += dec32(w, d->line);
	W_LIT(w, ",\"column\":");
	w += dec32(w, d->column);
	W_LIT(w, ",\"function\":");
	W_STR(w, d->function, nfn);
	W_LIT(w, ",\"kind\":\"");
	copy_short(w, kind, nk);
	w += nk;
	W_LIT(w, "\",\"subject\":");
	W_STR(w, d->subject, ns);
	W_LIT(w, ",\"message\":");
	W_STR(w, d->message, nm);
	if (ge_diag_count(d) > 1) {
		W_LIT(w, ",\"count\":");
		w += dec32(w, ge_diag_count(d));
	}
	if (d->status != GE_STATUS_NONE) {
		const char *st = ge_status_name(d->status);
		W_LIT(w, ",\"status\":\"");
		memcpy(w, st, strlen(st));
		w += strlen(st);
		*w++ = '"';
	}
	W_LIT(w, ",\"fingerprint\":\"");
	hex16(lh, d->line_hash); /* the fingerprint hashes its digits too */
	fingerprint_memo(d, m, kind, nk, ns, lh, w);
	w += 16;
	W_LIT(w, "\",\"line_hash\":\"");
	memcpy(w, lh, 16);
	w += 16;
	*w++ = '"';
	if (ge_diag_inlined_from(d)) {
		W_LIT(w, ",\"inlined_from\":");
		W_STR(w, ge_diag_inlined_from(d), ni);
	}
	*w++ = '}';
	b->len = (size_t)(w - b->ptr);
	b->ptr[b->len] = '\0';
	return 1;
}

static int put_diag(ge_buf *b, const ge_report *r, const ge_diag *d)
{
	char fp[17];
	int rc = 0;
	ge_diag_fingerprint(d, fp);
	rc |= ge_buf_puts(b, "{\"package\":");
	rc |= ge_buf_put_json(b, d->package);
	rc |= ge_buf_putc(b, ',');
	rc |= ge_diag_put_json_site(b, d);
	if (ge_diag_count(d) > 1)
		rc |= put_num(b, ",\"count\":", 9, ge_diag_count(d));
	if (d->status != GE_STATUS_NONE) {
		rc |= ge_buf_puts(b, ",\"status\":\"");
		rc |= ge_buf_puts(b, ge_status_name(d->status));
		rc |= ge_buf_putc(b, '"');
	}
	if (d->status == GE_STATUS_MOVED && ge_diag_from_file(d)) {
		rc |= ge_buf_puts(b, ",\"moved_from\":{\"file\":");
		rc |= ge_buf_put_json(b, ge_diag_from_file(d));
		rc |= ge_buf_puts(b, ",\"function\":");
		rc |= ge_buf_put_json(b, ge_diag_from_function(d) ? ge_diag_from_function(d) : "");
		rc |= ge_buf_putc(b, '}');
	}
	{
		char t[] =
		    ",\"fingerprint\":\"0123456789abcdef\",\"line_hash\":\"0123456789abcdef\"";
		memcpy(t + 16, fp, 16);
		hex16(t + 47, d->line_hash);
		rc |= ge_buf_put(b, t, sizeof(t) - 1);
	}
	if (ge_diag_inlined_from(d)) {
		rc |= ge_buf_puts(b, ",\"inlined_from\":");
		rc |= ge_buf_put_json(b, ge_diag_inlined_from(d));
	}
	if (d->explain && d->explain <= r->nexplain) {
		rc |= ge_buf_puts(b, ",\"explanation\":");
		rc |= ge_buf_put_json(b, r->explain[d->explain - 1]);
	}
	rc |= ge_buf_putc(b, '}');
	return rc ? GE_ENOMEM : 0;
}

static int put_opt(ge_buf *b, const char *s)
{
	return s ? ge_buf_put_json(b, s) : ge_buf_puts(b, "null");
}

int ge_report_to_json(ge_buf *out, const ge_report *r)
{
	return ge_report_to_json_extra(out, r, NULL, NULL, NULL);
}

/*
 * The diagnostics [from, to) of r, each after its separator (none before
 * the report's first), as the report's JSON has them.
 */
static int put_diags(ge_buf *out, const ge_report *r, size_t from, size_t to,
                     int (*diag_extra)(ge_buf *out, size_t index, void *ud), void *ud)
{
	fp_memo m = {NULL, NULL, 0, {NULL, NULL, NULL, NULL}, {0, 0, 0, 0}};
	size_t i;
	int rc = 0;
	for (i = from; i < to && rc == 0; i++) {
		int fast = put_diag_plain(out, &r->diags[i], &m, &",\n    "[!i], i ? 6 : 5);
		if (fast < 0) {
			rc |= fast;
		} else if (!fast) {
			rc |= ge_buf_put(out, &",\n    "[!i], i ? 6 : 5);
			rc |= put_diag(out, r, &r->diags[i]);
		}
		if (diag_extra && rc == 0) {
			out->len--; /* reopen the object put_diag closed */
			rc |= diag_extra(out, i, ud);
			rc |= ge_buf_putc(out, '}');
		}
	}
	return rc ? GE_ENOMEM : 0;
}

/*
 * The second core on a large report: the diagnostics are cut into chunks
 * of GE_JSON_CHUNK; this thread renders the even chunks straight into the
 * output, a worker the odd ones (job k is chunk 2k + 1) into the two
 * buffers it alternates between (job k into buf[k % 2]), which this thread
 * appends in order.  The bytes are put_diags' over the whole range (the
 * fingerprint memo only saves work, and a chunk starts with none).  A
 * buffer is the worker's until `ready` (under mu) has passed its job, this
 * thread's until `taken` has: the worker starts job k only once `taken`
 * is k - 1 or more, so no buffer is ever used by both.  No thread (too
 * few diagnostics, a per-diagnostic extra, or pthread_create failing):
 * put_diags alone, the same bytes.
 */
#define GE_JSON_CHUNK      ((size_t)8192)
#define GE_JSON_THREAD_MIN (4 * GE_JSON_CHUNK)

typedef struct json_worker {
	pthread_t t;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const ge_report *r;
	size_t njobs;
	ge_buf buf[2];
	size_t ready, taken; /* jobs rendered; jobs appended by the main thread */
	int rc;              /* the worker's error (then ready stops) */
	int stop;            /* the main thread wants no more */
} json_worker;

static void *json_worker_run(void *arg)
{
	json_worker *w = arg;
	size_t k;
	for (k = 0; k < w->njobs; k++) {
		size_t from = (2 * k + 1) * GE_JSON_CHUNK, to = from + GE_JSON_CHUNK;
		ge_buf *b = &w->buf[k % 2];
		int rc;
		pthread_mutex_lock(&w->mu);
		while (!w->stop && k >= w->taken + 2)
			pthread_cond_wait(&w->cv, &w->mu);
		rc = w->stop;
		pthread_mutex_unlock(&w->mu);
		if (rc)
			break;
		ge_buf_truncate(b, 0);
		rc = put_diags(b, w->r, from, to < w->r->ndiags ? to : w->r->ndiags, NULL, NULL);
		pthread_mutex_lock(&w->mu);
		if (rc)
			w->rc = rc;
		else
			w->ready = k + 1;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		if (rc)
			break;
	}
	return NULL;
}

/* put_diags(out, r, 0, r->ndiags, NULL, NULL) with the worker's help. */
static int put_diags_two(ge_buf *out, const ge_report *r)
{
	json_worker w;
	size_t nchunks = (r->ndiags + GE_JSON_CHUNK - 1) / GE_JSON_CHUNK, c;
	int rc = 0;
	memset(&w, 0, sizeof(w));
	w.r = r;
	w.njobs = nchunks / 2;
	ge_buf_init(&w.buf[0], 0);
	ge_buf_init(&w.buf[1], 0);
	if (pthread_mutex_init(&w.mu, NULL) != 0)
		return put_diags(out, r, 0, r->ndiags, NULL, NULL);
	if (pthread_cond_init(&w.cv, NULL) != 0) {
		pthread_mutex_destroy(&w.mu);
		return put_diags(out, r, 0, r->ndiags, NULL, NULL);
	}
	if (ge_thread_start(&w.t, json_worker_run, &w) != 0) {
		pthread_cond_destroy(&w.cv);
		pthread_mutex_destroy(&w.mu);
		return put_diags(out, r, 0, r->ndiags, NULL, NULL);
	}
	for (c = 0; c < nchunks && rc == 0; c++) {
		size_t from = c * GE_JSON_CHUNK, to = from + GE_JSON_CHUNK, k = c / 2;
		if (c % 2 == 0) {
			rc = put_diags(out, r, from, to < r->ndiags ? to : r->ndiags, NULL, NULL);
			continue;
		}
		pthread_mutex_lock(&w.mu);
		while (w.ready <= k && !w.rc)
			pthread_cond_wait(&w.cv, &w.mu);
		rc = w.ready > k ? 0 : w.rc;
		pthread_mutex_unlock(&w.mu);
		if (rc == 0)
			rc = ge_buf_put_sunk(out, w.buf[k % 2].ptr, w.buf[k % 2].len);
		pthread_mutex_lock(&w.mu);
		w.taken = k + 1;
		pthread_cond_broadcast(&w.cv);
		pthread_mutex_unlock(&w.mu);
	}
	pthread_mutex_lock(&w.mu);
	w.stop = 1;
	pthread_cond_broadcast(&w.cv);
	pthread_mutex_unlock(&w.mu);
	pthread_join(w.t, NULL);
	pthread_cond_destroy(&w.cv);
	pthread_mutex_destroy(&w.mu);
	ge_buf_release(&w.buf[0]);
	ge_buf_release(&w.buf[1]);
	return rc ? GE_ENOMEM : 0;
}

int ge_report__diags_json(ge_buf *out, const ge_report *r, int two)
{
	return two ? put_diags_two(out, r) : put_diags(out, r, 0, r->ndiags, NULL, NULL);
}

int ge_report_to_json_extra(ge_buf *out, const ge_report *r,
                            int (*diag_extra)(ge_buf *out, size_t index, void *ud),
                            const char *top_extra, void *ud)
{
	ge_summary s;
	size_t i;
	int rc = 0;
	ge_report_summary(r, &s);
	rc |= ge_buf_puts(out, "{\n  \"schema\": \"goescape-report/1\",\n  \"go\": ");
	rc |= put_opt(out, r->go_version);
	if (r->config) {
		rc |= ge_buf_puts(out, ",\n  \"config\": ");
		rc |= ge_goconfig_to_json(out, r->config);
	}
	rc |= ge_buf_puts(out, ",\n  \"module\": ");
	rc |= put_opt(out, r->module);
	rc |= ge_buf_puts(out, ",\n  \"commit\": ");
	rc |= put_opt(out, r->commit);
	rc |= ge_buf_printf(out,
	                    ",\n  \"dirty\": %s,%s\n  \"summary\": {\"heap\": %zu, \"moved\": %zu, "
	                    "\"escapes\": %zu, \"leaks\": %zu, \"new\": %zu, \"fixed\": %zu},\n"
	                    "  \"diagnostics\": [",
	                    r->dirty ? "true" : "false", r->counted ? "\n  \"counts\": true," : "",
	                    s.heap, s.moved, s.escapes, s.leaks, s.new_, s.fixed);
	if (rc == 0)
		rc = !diag_extra && r->ndiags >= GE_JSON_THREAD_MIN
		         ? put_diags_two(out, r)
		         : put_diags(out, r, 0, r->ndiags, diag_extra, ud);
	rc |= ge_buf_puts(out, r->ndiags ? "\n  ],\n  \"fixed\": [" : "],\n  \"fixed\": [");
	for (i = 0; i < r->nfixed && rc == 0; i++) {
		rc |= ge_buf_puts(out, i ? ",\n    " : "\n    ");
		rc |= put_diag(out, r, &r->fixed[i]);
	}
	rc |= ge_buf_puts(out, r->nfixed ? "\n  ]" : "]");
	if (top_extra)
		rc |= ge_buf_puts(out, top_extra);
	rc |= ge_buf_puts(out, "\n}\n");
	return rc ? ge_error_set(GE_ENOMEM, "out of memory") : 0;
}

static const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/*
 * "count": how many allocation sites the compiler printed at the position.
 * Absent (reports, baselines and notes written before it existed, and every
 * diagnostic printed once) means 1; otherwise a whole number from 1 on.
 */
static int parse_count(ge_diag *d, ge_diag_rare *rare, const cJSON *o, const char *name,
                       size_t idx)
{
	const cJSON *cnt = cJSON_GetObjectItemCaseSensitive(o, "count");
	const cJSON *from = cJSON_GetObjectItemCaseSensitive(o, "moved_from");
	d->count = 1;
	if (cnt) {
		if (!cJSON_IsNumber(cnt) || cnt->valuedouble < 1 || cnt->valuedouble > 1e9 ||
		    cnt->valuedouble != (double)(uint32_t)cnt->valuedouble)
			return ge_error_set(GE_EBADINPUT,
			                    "'%s': diagnostic %zu has a count that is not a whole "
			                    "number from 1 on",
			                    name, idx + 1);
		d->count = (uint32_t)cnt->valuedouble;
	}
	if (cJSON_IsObject(from)) {
		rare->from_file = jstr(from, "file");
		rare->from_function = jstr(from, "function");
	}
	return 0;
}

/*
 * A line or column: a JSON number whose value is a whole number from 0 to
 * 10^9.  JSON numbers are values, not spellings, so 1e3 is 1000 and
 * accepted; 1.5, -1 and 1e10 are not.  Missing is fine only when optional.
 */
static int bad_position(const cJSON *v, int optional)
{
	if (!v)
		return !optional;
	return !cJSON_IsNumber(v) || !(v->valuedouble >= 0 && v->valuedouble <= 1e9) ||
	       v->valuedouble != (double)(uint32_t)v->valuedouble;
}

/* The first required field that o lacks (or has with the wrong type), or NULL. */
static const char *missing_field(const cJSON *o)
{
	static const char *const strs[] = {"file", "function", "kind", "subject", NULL};
	size_t i;
	for (i = 0; strs[i]; i++)
		if (!jstr(o, strs[i]))
			return strs[i];
	if (!cJSON_GetObjectItemCaseSensitive(o, "line"))
		return "line";
	return NULL;
}

/* o into d, and its rare fields into *rare (d->rare points at it when one is set). */
static int parse_diag(ge_diag *d, ge_diag_rare *rare, const cJSON *o, const char *name,
                      size_t idx)
{
	int rc;
	ge_kind kd;
	char q[GE_QUOTE_BUF];
	const cJSON *line = cJSON_GetObjectItemCaseSensitive(o, "line");
	const cJSON *col = cJSON_GetObjectItemCaseSensitive(o, "column");
	const char *kind = jstr(o, "kind"), *status = jstr(o, "status"), *lh = jstr(o, "line_hash");
	const char *field;
	memset(d, 0, sizeof(*d));
	memset(rare, 0, sizeof(*rare));
	if (!cJSON_IsObject(o))
		return ge_error_set(GE_EBADINPUT, "'%s': diagnostic %zu is not an object", name,
		                    idx + 1);
	d->package = jstr(o, "package");
	d->file = jstr(o, "file");
	d->function = jstr(o, "function");
	d->subject = jstr(o, "subject");
	d->message = jstr(o, "message");
	rare->inlined_from = jstr(o, "inlined_from");
	if ((field = missing_field(o)) != NULL)
		return ge_error_set(GE_EBADINPUT, "'%s': diagnostic %zu lacks \"%s\"", name,
		                    idx + 1, field);
	if (bad_position(line, 0) || bad_position(col, 1))
		return ge_error_set(GE_EBADINPUT,
		                    "'%s': diagnostic %zu has a \"%s\" that is not a whole number "
		                    "from 0 to 1000000000",
		                    name, idx + 1, bad_position(line, 0) ? "line" : "column");
	if (!d->file[0])
		return ge_error_set(GE_EBADINPUT, "'%s': diagnostic %zu has an empty \"file\"",
		                    name, idx + 1);
	if (ge_kind_parse(&kd, kind) < 0)
		return ge_error_set(GE_EBADINPUT, "'%s': diagnostic %zu has unknown kind '%s'",
		                    name, idx + 1, ge_quoted(q, kind));
	d->kind = (uint8_t)kd;
	if (d->file[0] == '/' || strncmp(d->file, "../", 3) == 0 || strstr(d->file, "/../") ||
	    strcmp(d->file, "..") == 0)
		return ge_error_set(GE_EBADINPUT,
		                    "'%s': diagnostic %zu names a file outside the module: '%s'",
		                    name, idx + 1, ge_quoted(q, d->file));
	d->line = (uint32_t)line->valuedouble;
	d->column = col ? (uint32_t)col->valuedouble : 0;
	if (!d->package)
		d->package = "";
	if (!d->message)
		d->message = "";
	if (status && strcmp(status, "new") == 0)
		d->status = GE_STATUS_NEW;
	else if (status && strcmp(status, "existing") == 0)
		d->status = GE_STATUS_EXISTING;
	else if (status && strcmp(status, "moved") == 0)
		d->status = GE_STATUS_MOVED;
	if ((rc = parse_count(d, rare, o, name, idx)) < 0)
		return rc;
	if (!rare_empty(rare))
		d->rare = rare;
	if (lh)
		d->line_hash = strtoull(lh, NULL, 16);
	return 0;
}

/* The "config" object, when there is one (lib/goconfig). */
static int parse_config(ge_report *r, const cJSON *root, const char *name)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(root, "config");
	const char *canon = jstr(c, "canonical"), *hash = jstr(c, "hash");
	if (!c || cJSON_IsNull(c))
		return 0;
	if (!cJSON_IsObject(c) || !canon || !hash || ge_goconfig_parse(&r->config, canon, hash) < 0)
		return ge_error_set(GE_EBADINPUT, "'%s': \"config\" is not a build configuration",
		                    name);
	return 0;
}

static int from_json_tree(ge_report **out, const char *json, size_t len, const char *name)
{
	cJSON *root = NULL;
	const cJSON *arr, *item, *schema;
	ge_report *r = NULL;
	const char *err;
	size_t idx;
	int rc = -1;
	*out = NULL;
	if (len == 0) {
		rc = ge_error_set(GE_EBADINPUT, "'%s': empty file", name);
		goto done;
	}
	root = cJSON_ParseWithLengthOpts(json, len, &err, 0);
	if (!root) {
		rc = ge_error_set(GE_EBADINPUT, "'%s': invalid JSON at byte %zu", name,
		                  err ? (size_t)(err - json) : (size_t)0);
		goto done;
	}
	/* One document: after it only whitespace (a file cut and pasted twice is not one). */
	if (err) {
		size_t at = (size_t)(err - json);
		while (at < len && (json[at] == ' ' || json[at] == '\t' || json[at] == '\n' ||
		                    json[at] == '\r'))
			at++;
		if (at < len) {
			rc = ge_error_set(GE_EBADINPUT,
			                  "'%s': data after the JSON document at byte %zu", name,
			                  at);
			goto done;
		}
	}
	schema = cJSON_GetObjectItemCaseSensitive(root, "schema");
	if (!cJSON_IsObject(root) || !cJSON_IsString(schema)) {
		rc =
		    ge_error_set(GE_EBADINPUT, "'%s': not a goescape report (no \"schema\")", name);
		goto done;
	}
	if (strncmp(schema->valuestring, "goescape-report/", 16) != 0 &&
	    strncmp(schema->valuestring, "goescape-baseline/", 18) != 0) {
		char q[GE_QUOTE_BUF];
		rc = ge_error_set(GE_EBADINPUT, "'%s': unknown schema '%s'", name,
		                  ge_quoted(q, schema->valuestring));
		goto done;
	}
	if (strcmp(schema->valuestring, "goescape-report/1") != 0 &&
	    strcmp(schema->valuestring, "goescape-baseline/1") != 0) {
		char q[GE_QUOTE_BUF];
		rc = ge_error_set(GE_EBADINPUT,
		                  "'%s': schema '%s' is newer than this goescape understands; "
		                  "upgrade goescape",
		                  name, ge_quoted(q, schema->valuestring));
		goto done;
	}
	if ((rc = ge_report_new(&r)) < 0)
		goto done;
	if ((rc = ge_report_set_meta(
	         r, jstr(root, "go"), jstr(root, "module"), jstr(root, "commit"),
	         cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "dirty")))) < 0)
		goto done;
	r->counted = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "counts"));
	if ((rc = parse_config(r, root, name)) < 0)
		goto done;
	arr = cJSON_GetObjectItemCaseSensitive(root, "diagnostics");
	if (!cJSON_IsArray(arr)) {
		rc = ge_error_set(GE_EBADINPUT, "'%s': \"diagnostics\" is not a list", name);
		goto done;
	}
	idx = 0;
	cJSON_ArrayForEach(item, arr)
	{
		ge_diag d;
		ge_diag_rare rare;
		if ((rc = parse_diag(&d, &rare, item, name, idx++)) < 0 ||
		    (rc = ge_report_add(r, &d)) < 0)
			goto done;
	}
	arr = cJSON_GetObjectItemCaseSensitive(root, "fixed");
	if (arr && !cJSON_IsArray(arr)) {
		rc = ge_error_set(GE_EBADINPUT, "'%s': \"fixed\" is not a list", name);
		goto done;
	}
	idx = 0;
	cJSON_ArrayForEach(item, arr)
	{
		ge_diag d;
		ge_diag_rare rare;
		if ((rc = parse_diag(&d, &rare, item, name, idx++)) < 0 ||
		    (rc = ge_report_add_fixed(r, &d)) < 0)
			goto done;
	}
	*out = r;
	r = NULL;
	rc = 0;
done:
	cJSON_Delete(root);
	ge_report_free(r);
	return rc;
}

/*
 * The streaming reader.  A baseline or note of a million diagnostics is a
 * few hundred megabytes of JSON, and cJSON's tree of it is several times
 * that, so the document is read here without a tree of the whole: one scan
 * finds the top-level members; every member except "diagnostics" and
 * "fixed" is parsed by cJSON as a small object of its own (so the header is
 * checked exactly as from_json_tree does), and the two lists are parsed one
 * element at a time, each element's tree freed before the next.
 *
 * It only ever succeeds with the report from_json_tree would give.  On
 * anything it is not sure of (a syntax error, a field that fails a check, a
 * duplicate or escaped key, deep nesting, a byte-order mark) it declines and
 * from_json_tree reads the document again, so every message, and which of
 * several problems is reported, stays exactly that one's.
 */
#define STREAM_DECLINE   1
#define STREAM_MAX_DEPTH 512 /* below cJSON's nesting limit, even one level in */

/* cJSON's whitespace: every byte up to and including space. */
static const char *sk_ws(const char *p, const char *end)
{
	while (p < end && (unsigned char)*p <= 32)
		p++;
	return p;
}

/* The end of the string token starting at p ('"'), or NULL. */
static const char *sk_string(const char *p, const char *end)
{
	const char *q = p + 1;
	for (;;) {
		const char *b;
		/* memchr to the next quote; it closes when an even number of
		   backslashes precedes it. */
		if (q >= end || !(q = memchr(q, '"', (size_t)(end - q))))
			return NULL;
		for (b = q; b > p + 1 && b[-1] == '\\'; b--)
			;
		if ((q - b) % 2 == 0)
			return q + 1;
		q++;
	}
}

/*
 * The end of the JSON value starting at p, or NULL.  Containers are only
 * bracket-matched here; cJSON checks what is inside when it parses them.
 */
static const char *sk_value(const char *p, const char *end)
{
	int depth = 0;
	if (p >= end)
		return NULL;
	if (*p == '"')
		return sk_string(p, end);
	if (*p != '{' && *p != '[') {
		const char *q = p;
		while (q < end && (unsigned char)*q > 32 && *q != ',' && *q != ']' && *q != '}' &&
		       *q != '"' && *q != '[' && *q != '{' && *q != ':')
			q++;
		return q > p ? q : NULL;
	}
	while (p < end) {
		if (*p == '"') {
			if (!(p = sk_string(p, end)))
				return NULL;
			continue;
		}
		if (*p == '{' || *p == '[') {
			if (++depth > STREAM_MAX_DEPTH)
				return NULL;
		} else if (*p == '}' || *p == ']') {
			if (--depth == 0)
				return p + 1;
		}
		p++;
	}
	return NULL;
}

/*
 * The flat reader of one diagnostic: the object at v (before end) read
 * without a cJSON tree, *q_out set after its '}', its strings decoded into
 * scratch up to wend (d's strings point there until the next element).
 * It takes only the plain shape every goescape writes (keys without
 * escapes, each once; values strings with the simple escapes or whole
 * numbers of up to ten digits) and parse_diag's checks all passing; it
 * returns 1 with d set then, 0 on anything else, and the element is read
 * by cJSON as before (so each message stays that path's).
 */
enum {
	FD_PACKAGE,
	FD_FILE,
	FD_FUNCTION,
	FD_KIND,
	FD_SUBJECT,
	FD_MESSAGE,
	FD_STATUS,
	FD_LINE_HASH,
	FD_INLINED_FROM,
	FD_LINE,
	FD_COLUMN,
	FD_COUNT,
	FD_OTHER, /* a key parse_diag does not read: its value is still checked */
	FD_N
};

static int flat_key(const char *k, size_t n)
{
#define FD_IS(s, v)                                                                                \
	if (n == sizeof(s) - 1 && memcmp(k, s, n) == 0)                                            \
	return v
	switch (n) {
	case 4:
		FD_IS("file", FD_FILE);
		FD_IS("kind", FD_KIND);
		FD_IS("line", FD_LINE);
		break;
	case 5:
		FD_IS("count", FD_COUNT);
		break;
	case 6:
		FD_IS("status", FD_STATUS);
		FD_IS("column", FD_COLUMN);
		break;
	case 7:
		FD_IS("package", FD_PACKAGE);
		FD_IS("subject", FD_SUBJECT);
		FD_IS("message", FD_MESSAGE);
		break;
	case 8:
		FD_IS("function", FD_FUNCTION);
		break;
	case 9:
		FD_IS("line_hash", FD_LINE_HASH);
		break;
	case 12:
		FD_IS("inlined_from", FD_INLINED_FROM);
		break;
	}
#undef FD_IS
	return FD_OTHER;
}

/* The string token at p ('"') decoded to *w; the byte after it, or NULL. */
static const char *flat_string(const char *p, const char *end, char **w, const char *wend)
{
	char *o = *w;
	const char *s = p + 1, *q = memchr(s, '"', (size_t)(end - s));
	/* Most strings have no escape: one copy.  Bytes below 32 are kept as
	   cJSON keeps them; a NUL is left to cJSON. */
	if (q && !memchr(s, '\\', (size_t)(q - s))) {
		size_t n = (size_t)(q - s);
		if (n + 1 > (size_t)(wend - o) || memchr(s, '\0', n))
			return NULL;
		memcpy(o, s, n);
		o[n] = '\0';
		*w = o + n + 1;
		return q + 1;
	}
	for (p++; p < end && o + 1 < wend; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"') {
			*o++ = '\0';
			*w = o;
			return p + 1;
		}
		if (c == 0)
			return NULL;
		if (c != '\\') {
			*o++ = (char)c;
			continue;
		}
		if (++p >= end)
			return NULL;
		switch (*p) {
		case '"':
		case '\\':
		case '/':
			*o++ = *p;
			break;
		case 'b':
			*o++ = '\b';
			break;
		case 'f':
			*o++ = '\f';
			break;
		case 'n':
			*o++ = '\n';
			break;
		case 'r':
			*o++ = '\r';
			break;
		case 't':
			*o++ = '\t';
			break;
		default:
			return NULL; /* \u and anything else: cJSON's */
		}
	}
	return NULL;
}

/* strtoull(s, NULL, 16), without its cost for the 16 hex digits goescape writes. */
static uint64_t flat_hex16(const char *s)
{
	uint64_t v = 0;
	int i;
	for (i = 0; i < 16; i++) {
		unsigned c = (unsigned char)s[i];
		if (c - '0' < 10)
			v = v << 4 | (c - '0');
		else if ((c | 32) - 'a' < 6)
			v = v << 4 | ((c | 32) - 'a' + 10);
		else
			return strtoull(s, NULL, 16);
	}
	return s[16] ? strtoull(s, NULL, 16) : v;
}

static int flat_diag(ge_diag *d, ge_diag_rare *rare, const char *v, const char *end,
                     char *scratch, const char *wend, const char **q_out)
{
	const char *s[FD_LINE] = {NULL};
	uint64_t num[FD_N] = {0};
	unsigned seen = 0;
	ge_kind kd;
	const char *p = sk_ws(v + 1, end), *f;
	char *w = scratch;
	memset(d, 0, sizeof(*d));
	if (p < end && *p == '}')
		return 0;
	for (;;) {
		const char *k = p, *ke;
		int key;
		if (p >= end || *p != '"')
			return 0;
		for (ke = p + 1; ke < end && *ke != '"' && *ke != '\\'; ke++)
			;
		if (ke >= end || *ke++ != '"')
			return 0;
		key = flat_key(k + 1, (size_t)(ke - k - 2));
		if (key != FD_OTHER) {
			if (seen & (1u << key))
				return 0;
			seen |= 1u << key;
		}
		p = sk_ws(ke, end);
		if (p >= end || *p != ':')
			return 0;
		p = sk_ws(p + 1, end);
		if (p < end && *p == '"') {
			char *at = w;
			if ((key >= FD_LINE && key != FD_OTHER) ||
			    !(p = flat_string(p, end, &w, wend)))
				return 0;
			if (key != FD_OTHER)
				s[key] = at;
		} else {
			const char *n0 = p;
			uint64_t x = 0;
			while (p < end && *p >= '0' && *p <= '9' && p - n0 < 11)
				x = x * 10 + (uint64_t)(*p++ - '0');
			if (p == n0 || p - n0 > 10 || key < FD_LINE)
				return 0;
			num[key] = x;
		}
		p = sk_ws(p, end);
		if (p < end && *p == ',') {
			p = sk_ws(p + 1, end);
			continue;
		}
		if (p < end && *p == '}') {
			*q_out = p + 1;
			break;
		}
		return 0;
	}
	/* parse_diag's checks; any failing one is that path's to report. */
	if (!s[FD_FILE] || !s[FD_FUNCTION] || !s[FD_KIND] || !s[FD_SUBJECT] ||
	    !(seen & (1u << FD_LINE)) || num[FD_LINE] > 1000000000 || num[FD_COLUMN] > 1000000000 ||
	    !s[FD_FILE][0] || ge_kind_parse(&kd, s[FD_KIND]) < 0)
		return 0;
	d->kind = (uint8_t)kd;
	f = s[FD_FILE];
	if (f[0] == '/' || strncmp(f, "../", 3) == 0 || strstr(f, "/../") || strcmp(f, "..") == 0)
		return 0;
	if ((seen & (1u << FD_COUNT)) && (num[FD_COUNT] < 1 || num[FD_COUNT] > 1000000000))
		return 0;
	d->package = s[FD_PACKAGE] ? s[FD_PACKAGE] : "";
	d->file = f;
	d->function = s[FD_FUNCTION];
	d->subject = s[FD_SUBJECT];
	d->message = s[FD_MESSAGE] ? s[FD_MESSAGE] : "";
	if (s[FD_INLINED_FROM]) { /* the rest of rare is cJSON's to read ("moved_from") */
		rare->inlined_from = s[FD_INLINED_FROM];
		rare->from_file = rare->from_function = NULL;
		d->rare = rare;
	}
	d->line = (uint32_t)num[FD_LINE];
	d->column = (uint32_t)num[FD_COLUMN];
	d->count = (seen & (1u << FD_COUNT)) ? (uint32_t)num[FD_COUNT] : 1;
	if (s[FD_STATUS] && strcmp(s[FD_STATUS], "new") == 0)
		d->status = GE_STATUS_NEW;
	else if (s[FD_STATUS] && strcmp(s[FD_STATUS], "existing") == 0)
		d->status = GE_STATUS_EXISTING;
	else if (s[FD_STATUS] && strcmp(s[FD_STATUS], "moved") == 0)
		d->status = GE_STATUS_MOVED;
	if (s[FD_LINE_HASH])
		d->line_hash = flat_hex16(s[FD_LINE_HASH]);
	return 1;
}

/*
 * One list element at v (a '{'): read flat into d where it can, in the
 * scratch there is, and again in enough scratch when it is longer.  1 when
 * d was read flat, 0 when cJSON must read it, GE_ENOMEM.  *q is set after
 * the element, or to NULL when it does not end before end.
 */
static int elem_scan(ge_diag *d, ge_diag_rare *rare, const char *v, const char *end,
                     ge_buf *scratch, const char **q)
{
	int flat = flat_diag(d, rare, v, end, scratch->ptr, scratch->ptr + scratch->cap, q);
	if (flat)
		return 1;
	if (!(*q = sk_value(v, end)))
		return 0;
	if ((size_t)(*q - v) >= scratch->cap) {
		if (ge_buf_grow(scratch, (size_t)(*q - v) + 1) < 0)
			return GE_ENOMEM;
		flat = flat_diag(d, rare, v, *q, scratch->ptr, scratch->ptr + scratch->cap, q);
	}
	return flat;
}

/* Add the element elem_scan read (flat, or by cJSON over v..q): 0, GE_ENOMEM or STREAM_DECLINE. */
static int elem_add(ge_report *r, ge_diag *d, ge_diag_rare *rare, int flat, const char *v,
                    const char *q, int fixed, size_t *idx)
{
	int rc;
	if (flat) {
		(*idx)++;
		rc = fixed ? ge_report_add_fixed(r, d) : ge_report_add(r, d);
	} else {
		const char *stop = NULL;
		cJSON *o = cJSON_ParseWithLengthOpts(v, (size_t)(q - v), &stop, 0);
		if (!o)
			return STREAM_DECLINE;
		if (stop != q) {
			cJSON_Delete(o);
			return STREAM_DECLINE;
		}
		rc = parse_diag(d, rare, o, "", (*idx)++);
		if (rc == 0)
			rc = fixed ? ge_report_add_fixed(r, d) : ge_report_add(r, d);
		cJSON_Delete(o);
	}
	if (rc == GE_ENOMEM)
		return rc;
	return rc < 0 ? STREAM_DECLINE : 0;
}

/*
 * Each element of the list at p ('['), parsed and added to r (fixed: to the
 * fixed list); *stop is set after its ']'.  STREAM_DECLINE on anything
 * from_json_tree would refuse.
 */
static int stream_list_add(ge_report *r, const char *p, const char *end, int fixed,
                           const char **stop_out)
{
	size_t idx = 0;
	ge_buf scratch = GE_BUF_INIT;
	int rc = STREAM_DECLINE;
	p = sk_ws(p + 1, end);
	if (p < end && *p == ']') {
		*stop_out = p + 1;
		return 0;
	}
	if (ge_buf_grow(&scratch, 4096) < 0)
		return GE_ENOMEM;
	for (;;) {
		const char *v = p, *q = NULL;
		ge_diag d;
		ge_diag_rare rare;
		int flat;
		if (p >= end || *v != '{')
			goto decline;
		if ((flat = elem_scan(&d, &rare, v, end, &scratch, &q)) < 0) {
			rc = flat;
			goto done;
		}
		if (!q)
			goto decline;
		if ((rc = elem_add(r, &d, &rare, flat, v, q, fixed, &idx)) != 0)
			goto done;
		p = sk_ws(q, end);
		if (p < end && *p == ']') {
			*stop_out = p + 1;
			rc = 0;
			goto done;
		}
		if (p >= end || *p != ',')
			goto decline;
		p = sk_ws(p + 1, end);
	}
decline:
	rc = STREAM_DECLINE;
done:
	ge_buf_release(&scratch);
	return rc;
}

/*
 * The header of a streamed report: every top-level member but the lists,
 * gathered in rest as one object, checked as the whole-tree reader checks
 * them, and set in r.  0, STREAM_DECLINE or < 0 (an error set).
 */
static int stream_header(ge_report *r, const ge_buf *rest)
{
	cJSON *root = cJSON_ParseWithLength(rest->ptr, rest->len);
	const cJSON *schema;
	int rc = STREAM_DECLINE;
	if (!root)
		return rc;
	schema = cJSON_GetObjectItemCaseSensitive(root, "schema");
	if (!cJSON_IsString(schema) || (strcmp(schema->valuestring, "goescape-report/1") != 0 &&
	                                strcmp(schema->valuestring, "goescape-baseline/1") != 0))
		goto done;
	rc = ge_report_set_meta(r, jstr(root, "go"), jstr(root, "module"), jstr(root, "commit"),
	                        cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "dirty")));
	if (rc < 0)
		goto done;
	r->counted = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "counts"));
	rc = parse_config(r, root, "") < 0 ? STREAM_DECLINE : 0;
done:
	cJSON_Delete(root);
	return rc;
}

/*
 * 0 with *out set, GE_ENOMEM, or STREAM_DECLINE (*out NULL).  With stop_out
 * the report is the one at json's start, and *stop_out is set after it:
 * what follows is the caller's.
 */
static int from_json_stream_at(ge_report **out, const char *json, size_t len, const char **stop_out)
{
	const char *p = json, *end = json + len;
	int seen_diags = 0, seen_fixed = 0;
	ge_buf rest = GE_BUF_INIT;
	ge_report *r = NULL;
	int rc = STREAM_DECLINE, first = 1;
	*out = NULL;
	p = sk_ws(p, end);
	if (p >= end || *p != '{')
		goto done;
	if (ge_buf_puts(&rest, "{") < 0)
		goto nomem;
	/* The lists are added as they are met, the header checked after. */
	if ((rc = ge_report_new(&r)) < 0)
		goto done;
	rc = STREAM_DECLINE;
	p = sk_ws(p + 1, end);
	if (p < end && *p == '}')
		p++;
	else
		for (;;) {
			const char *k = p, *ke, *v, *ve;
			if (p >= end || *p != '"' || !(ke = sk_string(p, end)) ||
			    memchr(k, '\\', (size_t)(ke - k)))
				goto done;
			p = sk_ws(ke, end);
			if (p >= end || *p != ':')
				goto done;
			v = sk_ws(p + 1, end);
			if ((ke - k == 13 && memcmp(k, "\"diagnostics\"", 13) == 0) ||
			    (ke - k == 7 && memcmp(k, "\"fixed\"", 7) == 0)) {
				int *seen = ke - k == 7 ? &seen_fixed : &seen_diags;
				if (*seen || v >= end || *v != '[')
					goto done; /* a second one, or not a list */
				*seen = 1;
				if ((rc = stream_list_add(r, v, end, ke - k == 7, &ve)) != 0)
					goto done;
				rc = STREAM_DECLINE;
			} else {
				if (!(ve = sk_value(v, end)))
					goto done;
				if ((!first && ge_buf_puts(&rest, ",") < 0) ||
				    ge_buf_put(&rest, k, (size_t)(ve - k)) < 0)
					goto nomem;
				first = 0;
			}
			p = sk_ws(ve, end);
			if (p < end && *p == '}') {
				p++;
				break;
			}
			if (p >= end || *p != ',')
				goto done;
			p = sk_ws(p + 1, end);
		}
	/* from_json_tree's test for data after the document. */
	while (!stop_out && p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	if ((!stop_out && p < end) || !seen_diags || ge_buf_puts(&rest, "}") < 0)
		goto done;
	if ((rc = stream_header(r, &rest)) != 0)
		goto done;
	*out = r;
	r = NULL;
	if (stop_out)
		*stop_out = p;
	rc = 0;
	goto done;
nomem:
	rc = GE_ENOMEM;
done:
	if (rc == GE_ENOMEM)
		rc = ge_error_set(GE_ENOMEM, "out of memory");
	else if (rc > 0)
		ge_error_clear();
	ge_buf_release(&rest);
	ge_report_free(r);
	return rc;
}

static int from_json_stream(ge_report **out, const char *json, size_t len)
{
	return from_json_stream_at(out, json, len, NULL);
}

int ge_report_from_json_first(ge_report **out, const char **stop, const char *json, size_t len,
                              const char *name)
{
	int rc = from_json_stream_at(out, json, len, stop);
	if (rc != STREAM_DECLINE)
		return rc;
	if (!(*stop = sk_value(json, json + len)))
		return ge_error_set(GE_EBADINPUT, "'%s': invalid JSON at byte 0", name);
	return from_json_tree(out, json, (size_t)(*stop - json), name);
}

const char *ge_report_json_end(const char *p, const char *end)
{
	return sk_value(p, end);
}

int ge_report_from_json_streamed(ge_report **out, const char *json, size_t len)
{
	return from_json_stream(out, json, len);
}

int ge_report_from_json(ge_report **out, const char *json, size_t len, const char *name)
{
	int rc = from_json_stream(out, json, len);
	if (rc != STREAM_DECLINE)
		return rc;
	return from_json_tree(out, json, len, name);
}

/*
 * The streaming reader over a file read in pieces (a baseline of any size,
 * never held whole).  The same steps as from_json_stream_at, each one (a
 * top-level member's head, a small member, one list element with what
 * follows it) taken only once it lies whole in the window; otherwise the
 * window drops what was read before the step, reads another chunk and the
 * step starts again.  So it accepts exactly what from_json_stream_at would
 * accept of the same bytes, with the same report, and declines the rest;
 * one step longer than value_max (or that much whitespace) is declined too.
 */
#define CW_EOF  0
#define CW_MORE 2

typedef struct cwin {
	ge_buf w;
	int fd, eof;
	size_t chunk, value_max, file_max;
	unsigned long long total;
	const char *name;
} cwin;

/* Drop the window's first drop bytes, then read a chunk: CW_MORE, CW_EOF, STREAM_DECLINE or < 0. */
static int cw_more(cwin *c, size_t drop)
{
	size_t want;
	ssize_t n;
	if (drop) {
		memmove(c->w.ptr, c->w.ptr + drop, c->w.len - drop);
		c->w.len -= drop;
		c->w.ptr[c->w.len] = '\0';
	}
	if (c->eof)
		return CW_EOF;
	if (c->w.len > c->value_max)
		return STREAM_DECLINE;
	/* A step longer than a chunk: read as much again as there is, so a long
	   one is scanned a few times, not once per chunk. */
	want = c->w.len > c->chunk ? c->w.len : c->chunk;
	if (ge_buf_grow(&c->w, want) < 0)
		return GE_ENOMEM;
	do
		n = read(c->fd, c->w.ptr + c->w.len, want);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ge_error_errno(GE_ERROR, "cannot read '%s'", c->name);
	if (n == 0) {
		c->eof = 1;
		return CW_EOF;
	}
	c->w.len += (size_t)n;
	c->w.ptr[c->w.len] = '\0';
	c->total += (unsigned long long)n;
	if (c->total > c->file_max)
		return ge_file_too_big(c->name, c->file_max);
	return CW_MORE;
}

/*
 * Skip whitespace from *p, dropping it as it goes: CW_MORE with *p at the
 * next byte that is not, CW_EOF at the end of the file, STREAM_DECLINE
 * past value_max bytes of it, or < 0.
 */
static int cw_ws(cwin *c, size_t *p)
{
	size_t skipped = 0;
	for (;;) {
		const char *s = c->w.ptr + *p, *end = c->w.ptr + c->w.len, *q = sk_ws(s, end);
		int rc;
		if (q < end) {
			*p = (size_t)(q - c->w.ptr);
			return CW_MORE;
		}
		skipped += (size_t)(end - s);
		if (skipped > c->value_max)
			return STREAM_DECLINE;
		if ((rc = cw_more(c, c->w.len)) != CW_MORE)
			return rc;
		*p = 0;
	}
}

/* stream_list_add over the window: the list at *p ('['); *p is set after its ']'. */
static int cw_list_add(ge_report *r, cwin *c, size_t *pp, int fixed)
{
	ge_buf scratch = GE_BUF_INIT;
	size_t p = *pp + 1, idx = 0;
	int rc = STREAM_DECLINE, first = 1;
	if (ge_buf_grow(&scratch, 4096) < 0)
		return GE_ENOMEM;
	for (;;) {
		const char *end = c->w.ptr + c->w.len, *v = sk_ws(c->w.ptr + p, end), *q = NULL, *t;
		ge_diag d;
		ge_diag_rare rare;
		int flat;
		if (v >= end)
			goto more;
		if (first && *v == ']') {
			*pp = (size_t)(v + 1 - c->w.ptr);
			rc = 0;
			goto done;
		}
		if (*v != '{')
			goto decline;
		if ((flat = elem_scan(&d, &rare, v, end, &scratch, &q)) < 0) {
			rc = flat;
			goto done;
		}
		if (!q)
			goto more;
		t = sk_ws(q, end);
		if (t >= end)
			goto more;
		if (*t != ',' && *t != ']')
			goto decline;
		if ((rc = elem_add(r, &d, &rare, flat, v, q, fixed, &idx)) != 0)
			goto done;
		p = (size_t)(t + 1 - c->w.ptr);
		first = 0;
		if (*t == ']') {
			*pp = p;
			rc = 0;
			goto done;
		}
		continue;
	more:
		if (c->eof)
			goto decline;
		if ((rc = cw_more(c, p)) != CW_MORE && rc != CW_EOF)
			goto done;
		p = 0;
	}
decline:
	rc = STREAM_DECLINE;
done:
	ge_buf_release(&scratch);
	return rc;
}

static int from_json_chunks(ge_report **out, cwin *c)
{
	int seen_diags = 0, seen_fixed = 0, first = 1, nmembers = 0, rc;
	ge_buf rest = GE_BUF_INIT;
	ge_report *r = NULL;
	size_t p = 0;
	*out = NULL;
	if ((rc = cw_ws(c, &p)) != CW_MORE)
		goto done_decline; /* nothing but whitespace, too much of it, or an error */
	rc = STREAM_DECLINE;
	if (c->w.ptr[p] != '{')
		goto done;
	p++;
	if (ge_buf_puts(&rest, "{") < 0 || ge_report_new(&r) < 0)
		goto nomem;
	for (;;) {
		const char *end = c->w.ptr + c->w.len, *k = sk_ws(c->w.ptr + p, end), *ke, *t, *v,
		           *ve;
		if (k >= end)
			goto more;
		if (!nmembers && *k == '}') {
			p = (size_t)(k + 1 - c->w.ptr);
			break;
		}
		if (*k != '"')
			goto done;
		if (!(ke = sk_string(k, end)))
			goto more;
		if (memchr(k, '\\', (size_t)(ke - k)))
			goto done;
		if ((t = sk_ws(ke, end)) >= end)
			goto more;
		if (*t != ':')
			goto done;
		if ((v = sk_ws(t + 1, end)) >= end)
			goto more;
		if ((ke - k == 13 && memcmp(k, "\"diagnostics\"", 13) == 0) ||
		    (ke - k == 7 && memcmp(k, "\"fixed\"", 7) == 0)) {
			int *seen = ke - k == 7 ? &seen_fixed : &seen_diags;
			if (*seen || *v != '[')
				goto done;
			*seen = 1;
			p = (size_t)(v - c->w.ptr);
			if ((rc = cw_list_add(r, c, &p, ke - k == 7)) != 0)
				goto done;
			rc = STREAM_DECLINE;
		} else {
			if (!(ve = sk_value(v, end)) || (ve == end && !c->eof))
				goto more;
			if ((!first && ge_buf_puts(&rest, ",") < 0) ||
			    ge_buf_put(&rest, k, (size_t)(ve - k)) < 0)
				goto nomem;
			first = 0;
			p = (size_t)(ve - c->w.ptr);
		}
		nmembers++;
		/* What follows the value: ',' or the closing '}'. */
		for (;;) {
			end = c->w.ptr + c->w.len;
			t = sk_ws(c->w.ptr + p, end);
			if (t < end)
				break;
			if (c->eof)
				goto done;
			if ((rc = cw_more(c, p)) != CW_MORE && rc != CW_EOF)
				goto done;
			rc = STREAM_DECLINE;
			p = 0;
		}
		p = (size_t)(t + 1 - c->w.ptr);
		if (*t == '}')
			break;
		if (*t != ',')
			goto done;
		continue;
	more:
		if (c->eof)
			goto done;
		if ((rc = cw_more(c, p)) != CW_MORE && rc != CW_EOF)
			goto done;
		rc = STREAM_DECLINE;
		p = 0;
	}
	/* from_json_tree's test for data after the document. */
	if ((rc = cw_ws(c, &p)) != CW_EOF)
		goto done_decline; /* data after the document, or an error */
	rc = STREAM_DECLINE;
	if (!seen_diags || ge_buf_puts(&rest, "}") < 0)
		goto done;
	if ((rc = stream_header(r, &rest)) != 0)
		goto done;
	*out = r;
	r = NULL;
	rc = 0;
	goto done;
done_decline:
	if (rc >= 0)
		rc = STREAM_DECLINE;
	goto done;
nomem:
	rc = GE_ENOMEM;
done:
	if (rc == GE_ENOMEM)
		rc = ge_error_set(GE_ENOMEM, "out of memory");
	else if (rc > 0)
		ge_error_clear();
	ge_buf_release(&rest);
	ge_report_free(r);
	return rc;
}

int ge_report_from_json_fd(ge_report **out, int fd, const char *name, const ge_json_chunks *lim)
{
	cwin c;
	int rc;
	memset(&c, 0, sizeof(c));
	ge_buf_init(&c.w, 0);
	c.fd = fd;
	c.name = name;
	c.chunk = lim && lim->chunk ? lim->chunk : GE_JSON_CHUNK_BYTES;
	c.value_max = lim && lim->value_max ? lim->value_max : GE_JSON_VALUE_MAX_BYTES;
	c.file_max = lim && lim->file_max ? lim->file_max : (size_t)-1;
	rc = from_json_chunks(out, &c);
	ge_buf_release(&c.w);
	return rc;
}
