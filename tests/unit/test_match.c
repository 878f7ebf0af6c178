/* lib/match: the identity cascade, counts, renames, line mapping; git hunk mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "git.h"
#include "match.h"

/* One diagnostic of package p at file:line, column 2; count and rare as given (0, NULL: none). */
static void add_full(ge_report *r, const char *file, uint32_t line, const char *fn, ge_kind k,
		     const char *subj, const char *msg, uint64_t lh, uint32_t n,
		     const ge_diag_rare *rare)
{
	ge_diag d;
	memset(&d, 0, sizeof(d));
	d.package = "p";
	d.file = file;
	d.line = line;
	d.column = 2;
	d.function = fn;
	d.kind = k;
	d.subject = subj;
	d.message = msg;
	d.line_hash = lh;
	d.count = n;
	d.rare = rare;
	assert_int_equal(ge_report_add(r, &d), 0);
}

static void add(ge_report *r, const char *file, uint32_t line, const char *fn, ge_kind k,
		const char *subj, uint64_t lh)
{
	add_full(r, file, line, fn, k, subj, subj, lh, 0, NULL);
}

static size_t count(const ge_report *r, ge_status st)
{
	size_t i, n = 0;
	for (i = 0; i < r->ndiags; i++)
		n += r->diags[i].status == st;
	return n;
}

static void shifted_lines_are_not_new(void **state)
{
	ge_report *b, *h;
	(void)state;
	ge_report_new(&b);
	ge_report_new(&h);
	add(b, "a.go", 10, "F", GE_KIND_MOVED, "x", 111);
	add(b, "a.go", 20, "G", GE_KIND_ESCAPES, "&T{}", 222);
	/* Lines added above: everything moved down by 5. */
	add(h, "a.go", 15, "F", GE_KIND_MOVED, "x", 111);
	add(h, "a.go", 25, "G", GE_KIND_ESCAPES, "&T{}", 222);
	assert_int_equal(ge_match(h, b, NULL), 0);
	assert_int_equal(count(h, GE_STATUS_NEW), 0);
	assert_int_equal(h->nfixed, 0);
	ge_report_free(b);
	ge_report_free(h);
}

static void second_identical_escape_is_new(void **state)
{
	ge_report *b, *h;
	(void)state;
	ge_report_new(&b);
	ge_report_new(&h);
	add(b, "a.go", 10, "F", GE_KIND_MOVED, "x", 111);
	add(h, "a.go", 10, "F", GE_KIND_MOVED, "x", 111);
	add(h, "a.go", 11, "F", GE_KIND_MOVED, "x", 111);
	assert_int_equal(ge_match(h, b, NULL), 0);
	assert_int_equal(count(h, GE_STATUS_NEW), 1);
	assert_int_equal(count(h, GE_STATUS_EXISTING), 1);
	ge_report_free(b);
	ge_report_free(h);
}

static void removed_escape_is_fixed(void **state)
{
	ge_report *b, *h;
	(void)state;
	ge_report_new(&b);
	ge_report_new(&h);
	add(b, "a.go", 10, "F", GE_KIND_MOVED, "x", 111);
	add(b, "a.go", 12, "F", GE_KIND_ESCAPES, "y", 333);
	add(h, "a.go", 10, "F", GE_KIND_MOVED, "x", 111);
	assert_int_equal(ge_match(h, b, NULL), 0);
	assert_int_equal(count(h, GE_STATUS_NEW), 0);
	assert_int_equal(h->nfixed, 1);
	assert_string_equal(h->fixed[0].subject, "y");
	assert_int_equal(h->fixed[0].status, GE_STATUS_FIXED);
	ge_report_free(b);
	ge_report_free(h);
}

static const char *ren(const char *f, void *ud)
{
	(void)ud;
	return strcmp(f, "old.go") == 0 ? "new.go" : NULL;
}

static uint32_t ml(const char *f, uint32_t line, void *ud)
{
	(void)ud;
	(void)f;
	return line + 3;
}

static void rename_and_line_map(void **state)
{
	ge_report *b, *h;
	ge_match_map m = {ren, ml, NULL};
	(void)state;
	ge_report_new(&b);
	ge_report_new(&h);
	add(b, "old.go", 10, "F", GE_KIND_MOVED, "x", 1);
	add(b, "old.go", 20, "F", GE_KIND_MOVED, "x", 2);
	/* The line text changed (hash differs) but the diff maps 20 -> 23. */
	add(h, "new.go", 10, "F", GE_KIND_MOVED, "x", 1);
	add(h, "new.go", 23, "F", GE_KIND_MOVED, "x", 9);
	assert_int_equal(ge_match(h, b, &m), 0);
	assert_int_equal(count(h, GE_STATUS_NEW), 0);
	ge_report_free(b);
	ge_report_free(h);
}

/* Another function, another line text: a new escape, and the old one fixed. */
static void other_function_is_new(void **state)
{
	ge_report *b, *h;
	(void)state;
	ge_report_new(&b);
	ge_report_new(&h);
	add(b, "a.go", 10, "F", GE_KIND_MOVED, "x", 111);
	add(h, "a.go", 10, "G", GE_KIND_MOVED, "x", 112);
	assert_int_equal(ge_match(h, b, NULL), 0);
	assert_int_equal(count(h, GE_STATUS_NEW), 1);
	assert_int_equal(count(h, GE_STATUS_MOVED), 0);
	assert_int_equal(h->nfixed, 1);
	ge_report_free(b);
	ge_report_free(h);
}

static void addn(ge_report *r, const char *file, uint32_t line, const char *fn, ge_kind k,
                 const char *subj, uint64_t lh, uint32_t n)
{
	ge_diag d;
	memset(&d, 0, sizeof(d));
	d.package = "p";
	d.file = file;
	d.line = line;
	d.column = 2;
	d.function = fn;
	d.kind = k;
	d.subject = subj;
	d.message = subj;
	d.line_hash = lh;
	d.count = n;
	assert_int_equal(ge_report_add(r, &d), 0);
}

static const ge_diag *with_status(const ge_report *r, ge_status st)
{
	size_t i;
	for (i = 0; i < r->ndiags; i++)
		if (r->diags[i].status == st)
			return &r->diags[i];
	return NULL;
}

/* Same kind, subject and line text in another function or file: moved. */
static void renamed_function_is_moved(void **state)
{
	ge_report *b, *h;
	ge_summary s;
	const ge_diag *m;
	(void)state;
	ge_report_new(&b);
	ge_report_new(&h);
	add(b, "a.go", 10, "F", GE_KIND_MOVED, "x", 111);
	add(b, "a.go", 20, "K", GE_KIND_ESCAPES, "&T{}", 222);
	add(h, "a.go", 10, "G", GE_KIND_MOVED, "x", 111);     /* F renamed to G */
	add(h, "b.go", 5, "K", GE_KIND_ESCAPES, "&T{}", 222); /* K moved to b.go */
	assert_int_equal(ge_match(h, b, NULL), 0);
	assert_int_equal(count(h, GE_STATUS_NEW), 0);
	assert_int_equal(count(h, GE_STATUS_MOVED), 2);
	assert_int_equal(h->nfixed, 0);
	m = with_status(h, GE_STATUS_MOVED);
	assert_string_equal(m->file, "a.go");
	assert_string_equal(ge_diag_from_function(m), "F");
	assert_string_equal(ge_diag_from_file(m), "a.go");
	ge_report_summary(h, &s);
	assert_int_equal(s.new_, 0);
	assert_int_equal(s.relocated, 2);
	ge_report_free(b);
	ge_report_free(h);
}

/* A line hash of 0 (source unknown) never pairs across functions. */
static void unknown_line_is_not_moved(void **state)
{
	ge_report *b, *h;
	(void)state;
	ge_report_new(&b);
	ge_report_new(&h);
	add(b, "a.go", 10, "F", GE_KIND_MOVED, "x", 0);
	add(h, "a.go", 10, "G", GE_KIND_MOVED, "x", 0);
	assert_int_equal(ge_match(h, b, NULL), 0);
	assert_int_equal(count(h, GE_STATUS_NEW), 1);
	assert_int_equal(h->nfixed, 1);
	ge_report_free(b);
	ge_report_free(h);
}

/* Counts are multisets: 2 sites in base, 3 in head is one new; 3 -> 2 one fixed. */
static void counts_match_as_sites(void **state)
{
	ge_report *b, *h;
	ge_summary s;
	const ge_diag *d;
	(void)state;
	ge_report_new(&b);
	ge_report_new(&h);
	addn(b, "a.go", 10, "F", GE_KIND_ESCAPES, "append", 7, 2);
	addn(b, "a.go", 20, "F", GE_KIND_ESCAPES, "&T{}", 8, 3);
	addn(h, "a.go", 12, "F", GE_KIND_ESCAPES, "append", 7, 3);
	addn(h, "a.go", 22, "F", GE_KIND_ESCAPES, "&T{}", 8, 2);
	assert_int_equal(ge_match(h, b, NULL), 0);
	assert_int_equal(h->ndiags, 3); /* append split into existing x2 and new x1 */
	d = with_status(h, GE_STATUS_NEW);
	assert_non_null(d);
	assert_string_equal(d->subject, "append");
	assert_int_equal(d->count, 1);
	ge_report_summary(h, &s);
	assert_int_equal(s.new_, 1);
	assert_int_equal(s.fixed, 1);
	assert_int_equal(s.heap, 5);
	assert_int_equal(h->nfixed, 1);
	assert_string_equal(h->fixed[0].subject, "&T{}");
	assert_int_equal(h->fixed[0].count, 1);
	ge_report_free(b);
	ge_report_free(h);
}

/* A base written before counts existed kept one diagnostic per position: no false new. */
static void uncounted_base_compares_positions(void **state)
{
	ge_report *b, *h;
	ge_summary s;
	(void)state;
	ge_report_new(&b);
	ge_report_new(&h);
	b->counted = 0;
	add(b, "a.go", 10, "F", GE_KIND_ESCAPES, "append", 7);
	addn(h, "a.go", 10, "F", GE_KIND_ESCAPES, "append", 7, 3);
	addn(h, "a.go", 11, "F", GE_KIND_ESCAPES, "append", 8, 2); /* a second one is new */
	assert_int_equal(ge_match(h, b, NULL), 0);
	ge_report_summary(h, &s);
	assert_int_equal(s.new_, 2);
	assert_int_equal(h->ndiags, 2);
	assert_int_equal(h->diags[0].status, GE_STATUS_EXISTING);
	assert_int_equal(h->diags[0].count, 3);
	assert_int_equal(h->nfixed, 0);
	ge_report_free(b);
	ge_report_free(h);
}

/*
 * Many entries, in shuffled order, with large groups of one key: exercises
 * the sort's partitioning (short arrays only reach its insertion sort).
 * Head is base shuffled, less every 7th, plus 100 with a new line hash.
 */
static void many_shuffled(void **state)
{
	enum { N = 20000 };
	static const char *const files[] = {"a.go", "b.go", "c.go"};
	static const char *const fns[] = {"F", "G"};
	ge_report *b, *h;
	ge_summary s;
	size_t i, *perm = malloc(N * sizeof(*perm));
	unsigned long long x = 88172645463325252ULL;
	(void)state;
	assert_non_null(perm);
	ge_report_new(&b);
	ge_report_new(&h);
	for (i = 0; i < N; i++) {
		perm[i] = i;
		add(b, files[i % 3], (uint32_t)(i / 3 + 1), fns[i % 2], GE_KIND_ESCAPES, "append",
		    (uint64_t)(i % 50) + 1);
	}
	for (i = N - 1; i > 0; i--) { /* xorshift Fisher-Yates */
		size_t j, t;
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		j = (size_t)(x % (i + 1));
		t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	for (i = 0; i < N; i++) {
		size_t k = perm[i];
		if (k % 7 == 0)
			continue;
		add(h, files[k % 3], (uint32_t)(k / 3 + 1), fns[k % 2], GE_KIND_ESCAPES, "append",
		    (uint64_t)(k % 50) + 1);
	}
	for (i = 0; i < 100; i++)
		add(h, files[i % 3], (uint32_t)(N + i), fns[i % 2], GE_KIND_ESCAPES, "append", 999);
	assert_int_equal(ge_match(h, b, NULL), 0);
	ge_report_summary(h, &s);
	/* Same key, other line hash: stage 3 pairs the 100 with removed ones by count. */
	assert_int_equal(s.new_, 0);
	assert_int_equal(s.fixed, (N + 6) / 7 - 100);
	assert_int_equal(s.heap, N - (N + 6) / 7 + 100);
	free(perm);
	ge_report_free(b);
	ge_report_free(h);
}

/* A moved part and a new part of one diagnostic. */
static void count_partly_moved(void **state)
{
	ge_report *b, *h;
	ge_summary s;
	(void)state;
	ge_report_new(&b);
	ge_report_new(&h);
	addn(b, "a.go", 10, "F", GE_KIND_ESCAPES, "append", 7, 2);
	addn(h, "a.go", 10, "G", GE_KIND_ESCAPES, "append", 7, 3);
	assert_int_equal(ge_match(h, b, NULL), 0);
	ge_report_summary(h, &s);
	assert_int_equal(s.new_, 1);
	assert_int_equal(s.relocated, 2);
	assert_int_equal(s.fixed, 0);
	assert_int_equal(with_status(h, GE_STATUS_MOVED)->count, 2);
	ge_report_free(b);
	ge_report_free(h);
}

/* A diagnostic inlined from F (its rare, lib/report.h), count n. */
static void addi(ge_report *r, const char *file, uint32_t line, const char *fn, uint64_t lh,
                 uint32_t n)
{
	ge_diag_rare rare = {"slices.Grow", NULL, NULL};
	add_full(r, file, line, fn, GE_KIND_ESCAPES, "append", "append escapes to heap", lh, n,
		 &rare);
}

/* head's diagnostic at file:line with status st (NULL when there is none). */
static const ge_diag *at(const ge_report *r, const char *file, uint32_t line, ge_status st)
{
	size_t i;
	for (i = 0; i < r->ndiags; i++)
		if (strcmp(r->diags[i].file, file) == 0 && r->diags[i].line == line &&
		    r->diags[i].status == st)
			return &r->diags[i];
	return NULL;
}

static void inlined_moved(const ge_diag *d, const char *from_file, const char *from_fn)
{
	assert_non_null(d);
	assert_string_equal(ge_diag_inlined_from(d), "slices.Grow");
	if (!from_file) {
		assert_null(ge_diag_from_file(d));
		assert_null(ge_diag_from_function(d));
		return;
	}
	assert_string_equal(ge_diag_from_file(d), from_file);
	assert_string_equal(ge_diag_from_function(d), from_fn);
}

/*
 * A run of an inlined callee's diagnostics shares one rare (report.c): each
 * moved one names its own origin, the others of the run (existing, new, a
 * split's existing part) none, all keep inlined_from; a fixed one keeps its
 * inlined_from and names no origin.
 */
static void inlined_run_moved_apart(void **state)
{
	ge_report *b, *h;
	const ge_diag *d;
	size_t i;
	(void)state;
	ge_report_new(&b);
	ge_report_new(&h);
	addi(b, "a.go", 10, "A", 501, 1);
	addi(b, "a.go", 20, "B", 502, 1);
	addi(b, "a.go", 30, "D", 503, 1); /* D removed: fixed */
	addi(b, "a.go", 40, "E", 504, 1); /* E kept: existing */
	addi(b, "a.go", 50, "F", 700, 1); /* F gains G's site: split */
	addi(b, "a.go", 60, "G", 700, 1);
	addi(h, "a.go", 40, "E", 504, 1);
	addi(h, "a.go", 50, "F", 700, 2);
	addi(h, "c.go", 5, "C", 501, 1); /* A's line */
	addi(h, "c.go", 6, "C", 502, 1); /* B's line */
	addi(h, "c.go", 7, "C", 599, 1); /* new */
	for (i = 1; i < h->ndiags; i++)
		assert_ptr_equal(h->diags[i].rare, h->diags[0].rare); /* what this is about */
	assert_int_equal(ge_match(h, b, NULL), 0);
	assert_int_equal(h->ndiags, 6);
	inlined_moved(at(h, "c.go", 5, GE_STATUS_MOVED), "a.go", "A");
	inlined_moved(at(h, "c.go", 6, GE_STATUS_MOVED), "a.go", "B");
	inlined_moved(at(h, "c.go", 7, GE_STATUS_NEW), NULL, NULL);
	inlined_moved(at(h, "a.go", 40, GE_STATUS_EXISTING), NULL, NULL);
	inlined_moved(at(h, "a.go", 50, GE_STATUS_EXISTING), NULL, NULL);
	inlined_moved(at(h, "a.go", 50, GE_STATUS_MOVED), "a.go", "G");
	assert_int_equal(h->nfixed, 1);
	d = &h->fixed[0];
	assert_string_equal(d->function, "D");
	inlined_moved(d, NULL, NULL);
	ge_report_free(b);
	ge_report_free(h);
}

static void hunk_mapping(void **state)
{
	/* 2 lines inserted after old 5; old 10-11 replaced by new 12; old 20 deleted. */
	ge_git_hunk hs[] = {{5, 0, 6, 2}, {10, 2, 12, 1}, {20, 1, 20, 0}};
	ge_git_delta d;
	(void)state;
	memset(&d, 0, sizeof(d));
	d.hunks = hs;
	d.nhunks = 3;
	assert_int_equal(ge_git_map_line(&d, 1), 1);
	assert_int_equal(ge_git_map_line(&d, 5), 5);
	assert_int_equal(ge_git_map_line(&d, 6), 8);
	assert_int_equal(ge_git_map_line(&d, 9), 11);
	assert_int_equal(ge_git_map_line(&d, 10), 0);
	assert_int_equal(ge_git_map_line(&d, 11), 0);
	assert_int_equal(ge_git_map_line(&d, 12), 13);
	assert_int_equal(ge_git_map_line(&d, 19), 20);
	assert_int_equal(ge_git_map_line(&d, 20), 0);
	assert_int_equal(ge_git_map_line(&d, 21), 21);
}

/* The map of two_threads_same_as_one: old.go renamed, lines of b.go moved
 * down by 4, those of e.go up by 900 (the first 999 deleted), and the
 * threads its callbacks ran on. */
typedef struct thread_map {
	pthread_t caller;
	int on_caller, on_other;
} thread_map;

static void thread_map_note(thread_map *t)
{
	if (pthread_equal(pthread_self(), t->caller))
		t->on_caller++;
	else
		t->on_other++;
}

static const char *tm_ren(const char *f, void *ud)
{
	thread_map_note(ud);
	return strcmp(f, "old.go") == 0 ? "new.go" : NULL;
}

static uint32_t tm_ml(const char *f, uint32_t line, void *ud)
{
	thread_map_note(ud);
	if (strcmp(f, "e.go") == 0) /* 900 lines deleted above 1,000 */
		return line >= 1000 ? line - 900 : 0;
	return strcmp(f, "b.go") == 0 ? line + 4 : line;
}

/* A base and a head of n diagnostics each, from seed: kept, shifted,
 * renamed, moved into another closure, removed and new ones. */
static void two_sides(ge_report **b, ge_report **h, size_t n, uint64_t seed)
{
	static const char *const files[] = {"a.go", "b.go", "old.go", "c/d.go"};
	static const char *const fns[] = {"F", "G.func1", "G.func2", "(*T).M", "init.0", ""};
	size_t i;
	assert_int_equal(ge_report_new(b), 0);
	assert_int_equal(ge_report_new(h), 0);
	(*b)->counted = (*h)->counted = 1;
	for (i = 0; i < n; i++) {
		uint64_t r = (seed = seed * 6364136223846793005ULL + 1442695040888963407ULL) >> 11;
		size_t f = r % 4, fn = (r >> 2) % 6;
		char sj[16];
		uint32_t line = (uint32_t)(1 + (r >> 8) % 5000), n1 = (uint32_t)((r >> 21) % 3);
		ge_kind k = (ge_kind)((r >> 23) % 3);
		uint64_t lh = ((r >> 25) & 0xfffffff) + 1;
		int what = (int)((r >> 40) % 20);
		snprintf(sj, sizeof(sj), "v%u", (unsigned)(((r * 0x9e3779b97f4a7c15ULL) >> 52) % 4000));
		add_full(*b, files[f], line, fns[fn], k, sj, sj, lh, n1, NULL);
		if (what == 0)
			continue; /* removed: fixed */
		if (what == 1) {
			lh ^= 0x5555; /* another line: new (and the old fixed) */
			line += 1;
		}
		if (what == 2)
			fn = (fn + 1) % 6; /* the same line text in another function: moved */
		if (what == 3)
			n1 += 2; /* more sites: some new */
		add_full(*h, f == 2 ? "new.go" : files[f], f == 1 ? line + 4 : line, fns[fn], k,
		         sj, sj, lh, n1, NULL);
	}
	/* Where only the line map tells: two base escapes alike but for
	 * their line, one where the lines were deleted, the other now 900
	 * lines up, and one head escape where that one went.  Without the map
	 * the head's pairs with the base's nearest to its line, the deleted
	 * one (t_e_fixed counts which is fixed). */
	for (i = 0; i < 300; i++) {
		char sj[16];
		uint32_t line = (uint32_t)(100 + i), moved = (uint32_t)(1050 + 2 * i);
		snprintf(sj, sizeof(sj), "dup%zu", i);
		add_full(*b, "e.go", line, "F", GE_KIND_MOVED, sj, sj, 0x7000000000ULL + i, 0, NULL);
		add_full(*b, "e.go", moved, "F", GE_KIND_MOVED, sj, sj, 0x7000000000ULL + i, 0, NULL);
		add_full(*h, "e.go", moved - 900, "F", GE_KIND_MOVED, sj, sj, 0x7000000000ULL + i, 0,
		         NULL);
	}
}

/* The fixed escapes of e.go on the lines two_sides deleted (below 1,000). */
static size_t t_e_fixed(const ge_report *h)
{
	size_t i, n = 0;
	for (i = 0; i < h->nfixed; i++)
		n += strcmp(h->fixed[i].file, "e.go") == 0 && h->fixed[i].line < 1000;
	return n;
}

/*
 * The base's entries made on a second thread give what one thread gives:
 * the head's statuses, counts and moved-from, the fixed list, byte for
 * byte; map's callbacks then run on that thread only.  By size (the
 * default) the second thread is taken for large sides, not for small.
 */
static void two_threads_same_as_one(void **state)
{
	const int modes[] = {0, 1, -1};
	char *want = NULL;
	size_t m;
	ge_summary s;
	(void)state;
	for (m = 0; m < 3; m++) {
		ge_report *b, *h;
		ge_buf js = GE_BUF_INIT;
		thread_map t = {pthread_self(), 0, 0};
		ge_match_map map = {tm_ren, tm_ml, &t};
		two_sides(&b, &h, 40000, 7);
		ge_match__threads(modes[m]);
		assert_int_equal(ge_match(h, b, &map), 0);
		assert_int_equal(ge_match__threaded(), modes[m] != 0);
		if (modes[m] == 0) {
			assert_int_equal(t.on_other, 0);
			assert_true(t.on_caller >= 80000);
		} else {
			assert_int_equal(t.on_caller, 0);
			assert_true(t.on_other >= 80000);
		}
		assert_int_equal(ge_report_to_json(&js, h), 0);
		if (!want) {
			/* Not a comparison of nothing: every way of matching took part. */
			ge_report_summary(h, &s);
			assert_true(s.new_ > 1000 && s.fixed > 1000);
			assert_true(count(h, GE_STATUS_MOVED) > 400);
			assert_true(count(h, GE_STATUS_EXISTING) > 30000);
			assert_int_equal(t_e_fixed(h), 300);
			want = strdup(ge_buf_cstr(&js));
			assert_non_null(want);
		} else {
			assert_string_equal(ge_buf_cstr(&js), want);
		}
		ge_buf_release(&js);
		ge_report_free(b);
		ge_report_free(h);
	}
	free(want);
	{
		ge_report *b, *h;
		two_sides(&b, &h, 1000, 8);
		assert_int_equal(ge_match(h, b, NULL), 0);
		assert_int_equal(ge_match__threaded(), 0);
		ge_report_free(b);
		ge_report_free(h);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shifted_lines_are_not_new),
		cmocka_unit_test(second_identical_escape_is_new),
		cmocka_unit_test(removed_escape_is_fixed),
		cmocka_unit_test(rename_and_line_map),
		cmocka_unit_test(other_function_is_new),
		cmocka_unit_test(renamed_function_is_moved),
		cmocka_unit_test(unknown_line_is_not_moved),
		cmocka_unit_test(counts_match_as_sites),
		cmocka_unit_test(count_partly_moved),
		cmocka_unit_test(inlined_run_moved_apart),
		cmocka_unit_test(uncounted_base_compares_positions),
		cmocka_unit_test(many_shuffled),
		cmocka_unit_test(hunk_mapping),
		cmocka_unit_test(two_threads_same_as_one),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
