/* lib/report: canonical order, duplicates, JSON out and back in, bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "gocmd.h"
#include "report.h"

static ge_diag mk(const char *file, uint32_t line, uint32_t col, ge_kind k, const char *subj)
{
	ge_diag d;
	memset(&d, 0, sizeof(d));
	d.package = "example.com/m/p";
	d.file = file;
	d.line = line;
	d.column = col;
	d.kind = k;
	d.subject = subj;
	d.function = "(*T).M";
	d.message = k == GE_KIND_MOVED ? "moved to heap: x" : "x escapes to heap \"q\"\t\\";
	d.line_hash = 0x1234abcdULL;
	return d;
}

static void sort_and_dedupe(void **state)
{
	ge_report *r = NULL;
	ge_diag a = mk("b.go", 3, 1, GE_KIND_ESCAPES, "x"), b = mk("a.go", 9, 2, GE_KIND_MOVED, "x");
	ge_summary s;
	(void)state;
	assert_int_equal(ge_report_new(&r), 0);
	assert_int_equal(ge_report_add(r, &a), 0);
	assert_int_equal(ge_report_add(r, &b), 0);
	assert_int_equal(ge_report_add(r, &a), 0); /* a second site at one position */
	ge_report_sort(r);
	assert_int_equal(r->ndiags, 2);
	assert_string_equal(r->diags[0].file, "a.go");
	assert_int_equal(r->diags[0].count, 1);
	assert_int_equal(r->diags[1].count, 2);
	/* Interned: equal strings share storage. */
	assert_ptr_equal(r->diags[0].function, r->diags[1].function);
	ge_report_summary(r, &s);
	assert_int_equal(s.heap, 3);
	assert_int_equal(s.moved, 1);
	assert_int_equal(s.packages, 1);
	ge_report_free(r);
}

/* A small deterministic generator for the random reports below. */
static uint32_t rnd(uint64_t *st)
{
	*st = *st * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*st >> 33);
}

/* x and y render to the same JSON; both are freed. */
static void same_json_and_free(ge_report *x, ge_report *y)
{
	ge_buf a = GE_BUF_INIT, b = GE_BUF_INIT;
	assert_int_equal(ge_report_to_json(&a, x), 0);
	assert_int_equal(ge_report_to_json(&b, y), 0);
	assert_string_equal(a.ptr, b.ptr);
	ge_buf_release(&a);
	ge_buf_release(&b);
	ge_report_free(x);
	ge_report_free(y);
}

/*
 * ge_report_sort's radix sort (packed keys, ties by the comparison) gives
 * exactly what qsort() with the comparison gives, folding included: random
 * reports with many ties at one position, names equal at two addresses,
 * wide lines, and (last round) lines and columns too wide for one key
 * together, where it falls back.
 */
static void sort_radix_same_as_qsort(void **state)
{
	static const char *const files[] = {"a.go", "p/b.go", "p/a.go", "z.go", "p/b.go2", "b.go"};
	static const char *const subj[] = {"x", "y", "&T{...}", "x.f", "make([]int, n)"};
	static const char *const pkgs[] = {"m/p", "m/q", "m/p_test"};
	char copies[6][16];
	uint64_t st = 42;
	int k, pass, round, skipped_to_fold = 0;
	size_t i;
	(void)state;
	for (i = 0; i < 6; i++)
		strcpy(copies[i], files[i]); /* the same names, not interned */
	/* The permutation applied in place (rounds 1, 4, ...), into a new array
	 * whatever that adds (2, 5, ...), as the budget says (0, 3, ...); rounds
	 * 12 to 14 of 9.6 MB, its pages given back as they empty, 13 in blocks
	 * of one file in reverse order (runs of pages empty as the new array
	 * fills).  Round 15's keys are wide: with their index they take more
	 * than 64 bits (16-byte elements); the second pass of rounds takes
	 * 16-byte elements where 8 would do; the third and fourth passes
	 * repeat both in two parts, each sorted by a thread of its own
	 * (rounds 12 to 14 take two at their size anyway; 13's blocks of one
	 * file, its split between two files; round 0 of the fourth pass,
	 * 70 diagnostics of one file: one part empty). */
	for (k = 0; k < 64; k++) {
		ge_report *a = NULL, *b = NULL;
		size_t n;
		pass = k / 16 % 2;
		round = k % 16;
		n = round == 0 ? 70 : round >= 12 && round < 15 ? 120000 : 500 + rnd(&st) % 3000;
		ge_report__sort_gather(round % 3);
		ge_report__sort_radix_wide(pass);
		ge_report__sort_radix_split(k >= 32);
		assert_int_equal(ge_report_new(&a), 0);
		assert_int_equal(ge_report_new(&b), 0);
		for (i = 0; i < n; i++) {
			const char *file = round == 13   ? files[5 - i * 6 / n]
			                   : k == 48 ? files[1]
			                             : files[rnd(&st) % 6];
			uint32_t line = round == 13 ? 1 + (uint32_t)(i % 5000)
			                            : 1 + rnd(&st) % (round % 3 ? 40 : 4);
			uint32_t col = 1 + rnd(&st) % 3;
			ge_kind kind = (ge_kind)(rnd(&st) % 3);
			ge_diag d = mk(file, line, col, kind, subj[rnd(&st) % 5]);
			d.package = pkgs[rnd(&st) % 3];
			d.function = rnd(&st) % 2 ? "F" : "(*T).M";
			d.status = (ge_status)(rnd(&st) % 4);
			d.group = 1 + rnd(&st) % 3;
			d.count = rnd(&st) % 3;
			d.explain = rnd(&st) % 4;
			d.line_hash = i; /* which diagnostic a fold kept */
			if (round == 10 && i % 7 == 0)
				d.line = 1u << 25; /* a wide key */
			if (round == 11 && i % 7 == 0) {
				d.line = UINT32_MAX - i % 2; /* too wide: qsort */
				d.column = UINT32_MAX;
			}
			if (round == 15 && i % 7 == 0) {
				d.line = (1u << 31) - i % 3; /* with the index, past 64 bits */
				d.column = 1u << 20;
			}
			assert_int_equal(ge_report_add(a, &d), 0);
		}
		for (i = 0; i < n; i++)
			if (rnd(&st) % 4 == 0) {
				size_t f;
				for (f = 0; f < 6; f++)
					if (strcmp(a->diags[i].file, files[f]) == 0)
						a->diags[i].file = copies[f];
			}
		/* Some counts "not set" (0), as a report read back may have them. */
		for (i = 0; i < n; i++)
			if (rnd(&st) % 5 == 0)
				a->diags[i].count = 0;
		b->diags = malloc(n * sizeof(*b->diags));
		assert_non_null(b->diags);
		memcpy(b->diags, a->diags, n * sizeof(*b->diags));
		b->ndiags = b->diags_alloc = n;
		ge_report_sort(a);
		/* which elements the radix sort took: none when too wide */
		assert_int_equal(ge_report__sort_radix_path(),
		                 round == 11 ? 0 : pass || round == 15 ? 1 : 2);
		assert_int_equal(ge_report__sort_radix_parts(),
		                 round == 11 ? 0 : k >= 32 || n >= 65536 ? 2 : 1);
		/* The fold began where the first run of equal ones does: past
		 * what the sort left as a run of one, none when none folds. */
		if (ge_report__sort_radix_path()) {
			size_t at = ge_report__sort_fold_at();
			assert_true(at <= n);
			assert_int_equal(at == n, a->ndiags == n);
			if (at > 0 && at < n)
				skipped_to_fold++;
		}
		ge_report_sort_qsort(b);
		assert_int_equal(a->ndiags, b->ndiags);
		if (round % 3 == 0 && round > 0)
			assert_true(a->ndiags < n); /* folds were made */
		for (i = 0; i < a->ndiags; i++) {
			const ge_diag *x = &a->diags[i], *y = &b->diags[i];
			assert_ptr_equal(x->file, y->file);
			assert_int_equal(x->line, y->line);
			assert_int_equal(x->column, y->column);
			assert_int_equal(x->kind, y->kind);
			assert_ptr_equal(x->subject, y->subject);
			assert_ptr_equal(x->message, y->message);
			assert_ptr_equal(x->function, y->function);
			assert_ptr_equal(x->package, y->package);
			assert_int_equal(x->status, y->status);
			assert_int_equal(x->count, y->count);
			assert_int_equal(x->explain, y->explain);
			assert_int_equal(x->line_hash, y->line_hash);
			assert_int_equal(x->group, y->group);
			/* a fold's result, of one diagnostic or many: block gone, count set */
			assert_int_equal(x->group, 0);
			assert_true(x->count >= 1);
		}
		ge_report_free(b);
		ge_report_free(a);
	}
	assert_true(skipped_to_fold > 0);
	ge_report__sort_gather(0);
	ge_report__sort_radix_wide(0);
	ge_report__sort_radix_split(0);
}

/*
 * The new array's budget (here a quarter of the array, no 32 MiB floor):
 * packages that come in any order, each one's diagnostics together, give
 * their pages back as they are taken and stay within it; diagnostics in no
 * order at all do not, and are permuted in place.  Both sort as qsort.
 */
static void sort_gather_budget(void **state)
{
	char names[60][16];
	uint64_t st = 7;
	size_t order[60], i, j;
	int blocks;
	(void)state;
	for (i = 0; i < 60; i++) {
		snprintf(names[i], sizeof(names[i]), "d/f%02zu.go", i);
		order[i] = i;
	}
	for (i = 59; i > 0; i--) {
		size_t t, r = rnd(&st) % (i + 1);
		t = order[i];
		order[i] = order[r];
		order[r] = t;
	}
	ge_report__sort_gather(3);
	for (blocks = 1; blocks >= 0; blocks--) {
		ge_report *a = NULL, *b = NULL;
		size_t n = 60 * 2000;
		assert_int_equal(ge_report_new(&a), 0);
		assert_int_equal(ge_report_new(&b), 0);
		for (i = 0; i < n; i++) {
			const char *file = names[blocks ? order[i / 2000] : rnd(&st) % 60];
			ge_diag d = mk(file, 1 + rnd(&st) % 3000, 1 + rnd(&st) % 9, GE_KIND_ESCAPES, "x");
			d.package = "m/p";
			d.function = "F";
			d.line_hash = i;
			assert_int_equal(ge_report_add(a, &d), 0);
		}
		b->diags = malloc(n * sizeof(*b->diags));
		assert_non_null(b->diags);
		memcpy(b->diags, a->diags, n * sizeof(*b->diags));
		b->ndiags = b->diags_alloc = n;
		ge_report_sort(a);
		assert_int_equal(ge_report__sort_gathered(), blocks);
		ge_report_sort_qsort(b);
		assert_int_equal(a->ndiags, b->ndiags);
		for (j = 0; j < a->ndiags; j++) {
			assert_ptr_equal(a->diags[j].file, b->diags[j].file);
			assert_int_equal(a->diags[j].line, b->diags[j].line);
			assert_int_equal(a->diags[j].column, b->diags[j].column);
			assert_int_equal(a->diags[j].line_hash, b->diags[j].line_hash);
		}
		ge_report_free(b);
		ge_report_free(a);
	}
	ge_report__sort_gather(0);
}

/*
 * What the gather holds is what its first pass counted, the decision's
 * ground: diagnostics nearly in their order empty the old array's pages
 * one after the other, a single run that was given back only when a page
 * out of it emptied (never, here: the whole old array held beside the new,
 * four times the budget at 4 * 10^6, counted as a page).
 */
static void sort_gather_holds_what_it_counts(void **state)
{
	ge_report *r = NULL;
	size_t i, n = 120000, counted, held, moved, moves; /* 9.6 MB */
	int refused;
	(void)state;
	assert_int_equal(ge_report_new(&r), 0);
	for (i = 0; i < n; i++) { /* in order but for pairs swapped */
		ge_diag d = mk("a.go", (uint32_t)(1 + (i ^ 1)), 1, GE_KIND_ESCAPES, "x");
		assert_int_equal(ge_report_add(r, &d), 0);
	}
	ge_report__sort_gather(2);
	ge_report_sort(r);
	ge_report__sort_gather(0);
	assert_int_equal(ge_report__sort_gathered(), 1);
	assert_int_equal(r->ndiags, n);
	for (i = 0; i < n; i++) /* pages moved in ahead of the writing: none overwritten */
		assert_int_equal(r->diags[i].line, i + 1);
	ge_report__sort_gather_peaks(&counted, &held);
	assert_true(held <= counted);
	assert_true(held < ((size_t)6 << 20));
	/* The emptied pages moved into the new array (mremap), unless the
	 * kernel refused (valgrind does): then they were given back. */
	ge_report__sort_gather_moved(&moved, &moves, &refused);
	assert_true(moved > ((size_t)4 << 20) || refused);
	assert_true(moves >= 2 || refused);
	ge_report_free(r);
	/* At most one stretch moved (each may be a mapping of its own): the
	 * rest given back, the order the same. */
	assert_int_equal(ge_report_new(&r), 0);
	for (i = 0; i < n; i++) {
		ge_diag d = mk("a.go", (uint32_t)(1 + (i ^ 1)), 1, GE_KIND_ESCAPES, "x");
		assert_int_equal(ge_report_add(r, &d), 0);
	}
	ge_report__sort_gather(2);
	ge_report__sort_gather_moves_max(1);
	ge_report_sort(r);
	ge_report__sort_gather_moves_max(0);
	ge_report__sort_gather(0);
	for (i = 0; i < n; i++)
		assert_int_equal(r->diags[i].line, i + 1);
	ge_report__sort_gather_moved(&moved, &moves, &refused);
	assert_true(moves <= 1);
	assert_true(moved <= ((size_t)2 << 20));
	ge_report_free(r);
}

/* A random string of n bytes from an alphabet with every case the JSON
 * writer's fast path must send to the general one. */
static void rnd_string(uint64_t *st, char *out, size_t n, uint32_t mode)
{
	static const char *const pieces[] = {"a", "Z", "0", " ", "~", "\"", "\\", "\x01", "\x1f",
	                                     "\x7f", "\t", "\n", "\xc3\xa9", "\xe2\x82", "\xff",
	                                     "\xef\xbf\xbd"};
	size_t o = 0, one = rnd(st) % 24; /* mode 0: plain; 1: one piece at byte one; 2: anything */
	while (o < n) {
		const char *p = (mode == 1 && o == one) || (mode == 2 && rnd(st) % 4 == 0)
		                    ? pieces[rnd(st) % 16]
		                    : "abcdefgh" + rnd(st) % 8;
		size_t m = rnd(st) % 4 ? 1 : strlen(p);
		if (m > n - o)
			m = n - o;
		memcpy(out + o, p, m);
		o += m;
	}
	out[o] = '\0';
}

/*
 * The JSON writer's fast path for plain diagnostics (one reserved write,
 * word-at-a-time checks, table hex digits) writes exactly what the general
 * writer does: random strings of every length around the word sizes, with
 * and without bytes to escape, and random numbers and hashes.  A diagnostic
 * whose explanation index names no explanation takes the general writer
 * and writes no explanation, so the two reports' JSON must be equal.
 */
static void json_plain_same_as_general(void **state)
{
	uint64_t st = 7;
	int round;
	(void)state;
	for (round = 0; round < 3000; round++) {
		ge_report *fast = NULL, *slow = NULL;
		ge_buf a = GE_BUF_INIT, b = GE_BUF_INIT;
		char str[5][40];
		int k, odd = (int)(rnd(&st) % 5); /* the one string that may need escapes */
		uint32_t line, col;
		ge_diag d;
		ge_diag_rare rare = {NULL, NULL, NULL};
		for (k = 0; k < 5; k++)
			rnd_string(&st, str[k], rnd(&st) % 24, k == odd ? rnd(&st) % 3 : 0);
		line = rnd(&st);
		col = rnd(&st) % 5 ? rnd(&st) % (rnd(&st) % 2 ? 10000 : 100) : rnd(&st);
		d = mk(str[0], line, col, (ge_kind)(rnd(&st) % 3), str[1]);
		d.function = str[2];
		d.message = str[3];
		d.package = str[4];
		d.line_hash = (uint64_t)rnd(&st) << 32 | rnd(&st);
		d.count = rnd(&st) % 3;
		d.status = (ge_status)(rnd(&st) % 4);
		if (rnd(&st) % 3 == 0) {
			rare.inlined_from = str[rnd(&st) % 5];
			d.rare = &rare;
		}
		assert_int_equal(ge_report_new(&fast), 0);
		assert_int_equal(ge_report_new(&slow), 0);
		assert_int_equal(ge_report_add(fast, &d), 0);
		d.explain = 99;
		assert_int_equal(ge_report_add(slow, &d), 0);
		assert_int_equal(ge_report_to_json(&a, fast), 0);
		assert_int_equal(ge_report_to_json(&b, slow), 0);
		assert_string_equal(a.ptr, b.ptr);
		{ /* the hex digits are printf's */
			char want[40];
			snprintf(want, sizeof(want), "\"line_hash\":\"%016llx\"",
			         (unsigned long long)d.line_hash);
			assert_non_null(strstr(a.ptr, want));
			/* and the decimal ones too (both writers share them) */
			snprintf(want, sizeof(want), "\"line\":%u,\"column\":%u,", (unsigned)line,
			         (unsigned)col);
			assert_non_null(strstr(a.ptr, want));
		}
		ge_buf_release(&a);
		ge_buf_release(&b);
		ge_report_free(fast);
		ge_report_free(slow);
	}
}

/*
 * ge_report_add_interned (lib/attrib's path) stores what ge_report_add
 * stores: runs of diagnostics from a small pool of strings (so a previous
 * one's subject or message is often equal, and a subject is often the
 * message's tail or head), the subject and message as counted slices of a
 * larger buffer with bytes after them, sometimes holding a NUL (read up to
 * it, as the NUL-ended copy ge_report_add was given).  Field by field, the
 * sharing of the subject with the message's tail, and the JSON.
 */
static void add_interned_same_as_add(void **state)
{
	static const char *const pool[] = {
	    "v0",   "x", "&T{}", "moved to heap: x", "x escapes to heap", "moved to heap: v0", "",
	    "heap", "p", "x#y"};
	uint64_t st = 11;
	int round;
	(void)state;
	for (round = 0; round < 300; round++) {
		ge_report *want = NULL, *got = NULL;
		size_t i, n = 1 + rnd(&st) % 40;
		assert_int_equal(ge_report_new(&want), 0);
		assert_int_equal(ge_report_new(&got), 0);
		for (i = 0; i < n; i++) {
			char sbuf[64], mbuf[64], scopy[64], mcopy[64];
			ge_diag_rare rare = {NULL, NULL, NULL};
			const char *sp = pool[rnd(&st) % 10], *mp = pool[rnd(&st) % 10];
			size_t sl, ml = strlen(mp);
			int nosubj = rnd(&st) % 8 == 0;
			ge_diag d = mk(rnd(&st) % 2 ? "a.go" : "b.go", rnd(&st) % 9, rnd(&st) % 3,
			               (ge_kind)(rnd(&st) % 3), NULL);
			if (rnd(&st) % 4 == 0) /* the message's tail */
				sp = mp + (ml ? rnd(&st) % ml : 0);
			sl = strlen(sp);
			memcpy(sbuf, sp, sl);
			memcpy(mbuf, mp, ml);
			/* "x#y": a NUL inside the counted bytes; then bytes after them. */
			if (sl >= 2 && sbuf[sl - 2] == '#')
				sbuf[sl - 2] = '\0';
			if (ml >= 2 && mbuf[ml - 2] == '#')
				mbuf[ml - 2] = '\0';
			memcpy(sbuf + sl, "tail", 5);
			memcpy(mbuf + ml, "more", 5);
			memcpy(scopy, sbuf, sl);
			scopy[sl] = '\0';
			memcpy(mcopy, mbuf, ml);
			mcopy[ml] = '\0';
			d.subject = nosubj ? NULL : scopy;
			d.message = mcopy;
			d.function = rnd(&st) % 2 ? "F" : "";
			rare.inlined_from = NULL;
			d.rare = NULL;
			if (rnd(&st) % 3 == 0) {
				rare.inlined_from = "slices.Grow";
				d.rare = &rare;
			}
			assert_int_equal(ge_report_add(want, &d), 0);
			d.package = ge_report_intern(got, d.package, strlen(d.package));
			d.file = ge_report_intern(got, d.file, strlen(d.file));
			d.function = ge_report_intern(got, d.function, strlen(d.function));
			if (d.rare)
				rare.inlined_from = ge_report_intern(got, rare.inlined_from, 11);
			d.subject = d.message = "wrong"; /* not read */
			assert_int_equal(
			    ge_report_add_interned(got, &d, nosubj ? NULL : sbuf, sl, mbuf, ml), 0);
		}
		assert_int_equal(got->ndiags, want->ndiags);
		for (i = 0; i < n; i++) {
			const ge_diag *w = &want->diags[i], *g = &got->diags[i];
			size_t wl = strlen(w->message), gl = strlen(g->message);
			assert_string_equal(g->package, w->package);
			assert_string_equal(g->file, w->file);
			assert_string_equal(g->function, w->function);
			assert_string_equal(g->subject, w->subject);
			assert_string_equal(g->message, w->message);
			assert_int_equal(ge_diag_inlined_from(g) != NULL,
			                 ge_diag_inlined_from(w) != NULL);
			assert_int_equal(g->count, w->count);
			assert_int_equal(g->subject == g->message + gl - strlen(g->subject),
			                 w->subject == w->message + wl - strlen(w->subject));
			assert_int_equal(i && g->message == g[-1].message,
			                 i && w->message == w[-1].message);
		}
		same_json_and_free(want, got);
	}
}

/*
 * The fast writer over whole reports, where what it remembers from one
 * diagnostic to the next matters: runs sharing package, file and function
 * (the fingerprint's hashed prefix, the plain checks by address), a
 * subject that is the message's tail ("moved to heap: S") or the previous
 * diagnostic's, strings long enough for a plain copy, and now and then a
 * string to escape or an inlined_from.  The same report through the
 * general writer (every explanation index naming none) gives the same bytes.
 */
static void json_plain_runs_same_as_general(void **state)
{
	uint64_t st = 11;
	int round;
	(void)state;
	for (round = 0; round < 400; round++) {
		ge_report *fast = NULL, *slow = NULL;
		char pool[6][100], msg[60][140], subj[60][100];
		size_t n = 1 + rnd(&st) % 60, i, k;
		assert_int_equal(ge_report_new(&fast), 0);
		assert_int_equal(ge_report_new(&slow), 0);
		for (k = 0; k < 6; k++)
			rnd_string(&st, pool[k], rnd(&st) % 8 ? rnd(&st) % 24 : 65 + rnd(&st) % 30,
			           rnd(&st) % 10 == 0 ? 1 : 0);
		for (i = 0; i < n; i++) {
			ge_diag_rare rare = {NULL, NULL, NULL};
			ge_diag d = mk(pool[rnd(&st) % 2], 1 + rnd(&st) % 5000, rnd(&st) % 200,
			               (ge_kind)(rnd(&st) % 3), "");
			if (i && rnd(&st) % 3 == 0) {
				strcpy(subj[i], subj[i - 1]); /* shared with the previous one */
			} else {
				size_t len = rnd(&st) % 6 ? rnd(&st) % 12 : 60 + rnd(&st) % 30;
				rnd_string(&st, subj[i], len, rnd(&st) % 12 == 0 ? 2 : 0);
			}
			k = strlen(subj[i]);
			if (rnd(&st) % 2) {
				memcpy(msg[i], "moved to heap: ", 15);
				memcpy(msg[i] + 15, subj[i], k + 1);
			} else {
				memcpy(msg[i], subj[i], k);
				memcpy(msg[i] + k, " escapes to heap", 17);
			}
			d.subject = subj[i];
			d.message = msg[i];
			d.package = pool[2 + rnd(&st) % 2];
			d.function = pool[4 + rnd(&st) % 2];
			d.line_hash = (uint64_t)rnd(&st) << 32 | rnd(&st);
			d.count = rnd(&st) % 3;
			d.status = rnd(&st) % 4 ? GE_STATUS_NONE : (ge_status)(rnd(&st) % 4);
			d.rare = NULL;
			if (rnd(&st) % 5 == 0) {
				rare.inlined_from = pool[rnd(&st) % 6];
				d.rare = &rare;
			}
			assert_int_equal(ge_report_add(fast, &d), 0);
			d.explain = 99;
			assert_int_equal(ge_report_add(slow, &d), 0);
		}
		same_json_and_free(fast, slow);
	}
}

/*
 * A large report's diagnostics rendered with a second thread (chunks
 * alternating between the two, appended in order) are the bytes one thread
 * renders: an odd and an even number of chunks, a short last chunk, runs
 * of one file and function across chunk ends, diagnostics for the general
 * writer (an explanation, a move, a string to escape) among plain ones.
 * The whole JSON of the large report takes that way.
 */
static void json_two_threads_same_as_one(void **state)
{
	static const size_t sizes[] = {4 * 8192, 5 * 8192 + 123, 7 * 8192 - 1};
	uint64_t st = 5;
	size_t z;
	(void)state;
	for (z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
		ge_report *r = NULL;
		ge_buf one = GE_BUF_INIT, two = GE_BUF_INIT, whole = GE_BUF_INIT;
		char file[8][16], msg[64];
		size_t i;
		assert_int_equal(ge_report_new(&r), 0);
		r->explain = calloc(1, sizeof(*r->explain));
		assert_non_null(r->explain);
		r->explain[0] = strdup("flow: x = &y");
		assert_non_null(r->explain[0]);
		r->nexplain = 1;
		for (i = 0; i < 8; i++)
			snprintf(file[i], sizeof(file[i]), "p%zu/%s.go", i, i == 7 ? "q\"" : "a");
		for (i = 0; i < sizes[z]; i++) {
			ge_diag d = mk(file[(i / 700) % 8], 1 + (uint32_t)(i % 900),
			               1 + rnd(&st) % 40, (ge_kind)(rnd(&st) % 3), "v");
			snprintf(msg, sizeof(msg), "v%zu escapes to heap", i);
			d.message = msg;
			d.line_hash = (uint64_t)rnd(&st) << 32 | rnd(&st);
			d.explain = rnd(&st) % 50 == 0;
			if (rnd(&st) % 60 == 0)
				d.status = GE_STATUS_MOVED;
			assert_int_equal(ge_report_add(r, &d), 0);
		}
		assert_int_equal(ge_report__diags_json(&one, r, 0), 0);
		assert_int_equal(ge_report__diags_json(&two, r, 1), 0);
		assert_int_equal(one.len, two.len);
		assert_memory_equal(one.ptr, two.ptr, one.len);
		assert_int_equal(ge_report_to_json(&whole, r), 0);
		assert_non_null(strstr(whole.ptr, one.ptr));
		ge_buf_release(&one);
		ge_buf_release(&two);
		ge_buf_release(&whole);
		ge_report_free(r);
	}
}

/*
 * The summary counts distinct packages of heap diagnostics, however their
 * files interleave (a package's files sorted apart by another package's),
 * and not packages with leaks only.
 */
static void summary_packages(void **state)
{
	static const char *const pk[] = {"m/a", "m/b", "m/a", "m/c", "m/b", "m/d"};
	static const char *const fl[] = {"a/1.go", "a/2.go", "a/3.go",
	                                 "a/4.go", "a/5.go", "a/6.go"};
	ge_report *r = NULL;
	ge_summary s;
	size_t i;
	(void)state;
	assert_int_equal(ge_report_new(&r), 0);
	for (i = 0; i < 6; i++) {
		ge_diag d = mk(fl[i], 1, 1, i == 5 ? GE_KIND_LEAK : GE_KIND_ESCAPES, "x");
		d.package = pk[i];
		assert_int_equal(ge_report_add(r, &d), 0);
	}
	ge_report_sort(r);
	ge_report_summary(r, &s);
	assert_int_equal(s.packages, 3);
	assert_int_equal(s.heap, 5);
	ge_report_free(r);
	/* No heap diagnostic at all: no runs (nothing to sort; UBSan checks
	 * that no NULL array reaches qsort). */
	assert_int_equal(ge_report_new(&r), 0);
	{
		ge_diag d = mk("a/1.go", 1, 1, GE_KIND_LEAK, "x");
		d.package = "m/a";
		assert_int_equal(ge_report_add(r, &d), 0);
	}
	ge_report_summary(r, &s);
	assert_int_equal(s.packages, 0);
	assert_int_equal(s.leaks, 1);
	ge_report_free(r);
	/* More runs than the runs' array starts with (256): 700 packages, each
	 * in two runs (the files sorted put p<i>/a.go and p<i>/b.go of one
	 * package apart from each other), and a leak of its own package. */
	assert_int_equal(ge_report_new(&r), 0);
	for (i = 0; i < 1400; i++) {
		char f[32], pkg[32];
		ge_diag d;
		snprintf(f, sizeof(f), "%c/p%04zu.go", i % 2 ? 'b' : 'a', i / 2);
		snprintf(pkg, sizeof(pkg), "m/p%04zu", i / 2);
		d = mk(f, 1, 1, GE_KIND_MOVED, "x");
		d.package = pkg;
		assert_int_equal(ge_report_add(r, &d), 0);
	}
	{
		ge_diag d = mk("c/x.go", 1, 1, GE_KIND_LEAK, "x");
		d.package = "m/leaky";
		assert_int_equal(ge_report_add(r, &d), 0);
	}
	ge_report_sort(r);
	ge_report_summary(r, &s);
	assert_int_equal(s.packages, 700);
	assert_int_equal(s.heap, 1400);
	assert_int_equal(s.moved, 1400);
	assert_int_equal(s.leaks, 1);
	ge_report_free(r);
}

/*
 * Folding by compiler output block: sites add up within a block, the same
 * package's block seen again does not add, another package's block does.
 */
static void fold_by_block(void **state)
{
	ge_report *r = NULL;
	ge_diag a = mk("p/x.go", 3, 1, GE_KIND_ESCAPES, "append");
	(void)state;
	assert_int_equal(ge_report_new(&r), 0);
	a.group = 1; /* "# example.com/m/p": two sites */
	assert_int_equal(ge_report_add(r, &a), 0);
	assert_int_equal(ge_report_add(r, &a), 0);
	a.group = 2; /* the same package's output read again: three lines there */
	assert_int_equal(ge_report_add(r, &a), 0);
	assert_int_equal(ge_report_add(r, &a), 0);
	assert_int_equal(ge_report_add(r, &a), 0);
	a.group = 3; /* an importing package compiles the code again: one more */
	a.package = "example.com/m/q";
	assert_int_equal(ge_report_add(r, &a), 0);
	ge_report_sort(r);
	assert_int_equal(r->ndiags, 1);
	assert_int_equal(r->diags[0].count, 4);
	assert_int_equal(r->diags[0].group, 0);
	ge_report_free(r);
}

/* "count" is written only above 1, read back, and absent means 1. */
static void json_count(void **state)
{
	ge_report *r = NULL, *back = NULL;
	ge_buf j = GE_BUF_INIT;
	ge_diag a = mk("p/x.go", 3, 1, GE_KIND_ESCAPES, "append");
	ge_diag b = mk("p/x.go", 4, 1, GE_KIND_MOVED, "x");
	ge_diag_rare moved = {NULL, "p/old.go", "Old"};
	ge_summary s;
	(void)state;
	assert_int_equal(ge_report_new(&r), 0);
	a.count = 3;
	b.status = GE_STATUS_MOVED;
	b.rare = &moved;
	assert_int_equal(ge_report_add(r, &a), 0);
	assert_int_equal(ge_report_add(r, &b), 0);
	ge_report_sort(r);
	assert_int_equal(ge_report_to_json(&j, r), 0);
	assert_non_null(strstr(j.ptr, "\"count\":3,"));
	assert_non_null(strstr(j.ptr, "\"status\":\"moved\",\"moved_from\":{\"file\":\"p/old.go\","
	                              "\"function\":\"Old\"}"));
	assert_null(strstr(j.ptr, "\"count\":1"));
	assert_non_null(strstr(j.ptr, "\"heap\": 4,"));
	assert_int_equal(ge_report_from_json(&back, j.ptr, j.len, "r.json"), 0);
	assert_int_equal(back->counted, 1);
	assert_int_equal(back->diags[0].count, 3);
	assert_int_equal(back->diags[1].count, 1);
	assert_int_equal(back->diags[1].status, GE_STATUS_MOVED);
	assert_string_equal(ge_diag_from_function(&back->diags[1]), "Old");
	ge_report_summary(back, &s);
	assert_int_equal(s.heap, 4);
	assert_int_equal(s.relocated, 1);
	ge_buf_release(&j);
	ge_report_free(r);
	ge_report_free(back);
}

/* A report from before counts: readable, every count 1, and marked as such. */
static void json_without_counts(void **state)
{
	static const char old[] = "{\"schema\":\"goescape-report/1\",\"diagnostics\":[{\"file\":"
				  "\"a.go\",\"line\":1,\"function\":\"\",\"kind\":\"moved\","
				  "\"subject\":\"x\"}]}";
	ge_report *r = NULL;
	(void)state;
	assert_int_equal(ge_report_from_json(&r, old, strlen(old), "old.json"), 0);
	assert_int_equal(r->counted, 0);
	assert_int_equal(r->diags[0].count, 1);
	ge_report_free(r);
}

/* Compiler output captured by scripts/capture-fixtures from tests/fixtures/countmod. */
struct want_count {
	const char *file;
	uint32_t line, col;
	ge_kind kind;
	const char *subject;
	uint32_t count;
};

static const ge_diag *find_diag(const ge_report *r, const struct want_count *w)
{
	size_t i;
	for (i = 0; i < r->ndiags; i++) {
		const ge_diag *d = &r->diags[i];
		if (strcmp(d->file, w->file) == 0 && d->line == w->line && d->column == w->col &&
		    d->kind == w->kind && strcmp(d->subject, w->subject) == 0)
			return d;
	}
	return NULL;
}

static ge_report *capture_file(const char *path, const char *dir, int times)
{
	ge_modset mods = GE_MODSET_INIT;
	ge_report *r = NULL;
	int fds[2];
	ge_buf b = GE_BUF_INIT;
	int i;
	assert_int_equal(ge_modset_find(&mods, dir, "off"), 0);
	assert_int_equal(ge_file_read(&b, path), 0);
	assert_int_equal(pipe(fds), 0);
	assert_true(b.len * (size_t)times < 65536); /* fits in the pipe */
	for (i = 0; i < times; i++)
		assert_int_equal(write(fds[1], b.ptr, b.len), (ssize_t)b.len);
	close(fds[1]);
	assert_int_equal(ge_capture_input(&r, fds[0], path, &mods, dir), 0);
	close(fds[0]);
	ge_buf_release(&b);
	ge_modset_release(&mods);
	return r;
}

static void fixture_counts(void **state)
{
	static const char *const files[] = {"../fixtures/compiler-output/go1.26.8-count-m.txt",
	                                    "../fixtures/compiler-output/go1.27.3-count-m.txt"};
	static const struct want_count want[] = {
	    {"use/use.go", 8, 16, GE_KIND_ESCAPES, "append", 2}, /* inlined Two */
	    {"inl/inl.go", 6, 12, GE_KIND_ESCAPES, "append", 1},
	    {"inl/inl.go", 7, 15, GE_KIND_ESCAPES, "append", 1},
	    {"cat/cat.go", 7, 22, GE_KIND_ESCAPES, "append", 2}, /* slices.Concat */
	    {"cat/cat.go", 7, 22, GE_KIND_ESCAPES, "\"len out of range\"", 1},
	    {"seq/seq.go", 15, 2, GE_KIND_MOVED, "x", 2}, /* body per yield */
	    {"seq/seq.go", 15, 2, GE_KIND_ESCAPES, "append", 2},
	};
	char dir[PATH_MAX];
	size_t f, i;
	(void)state;
	assert_non_null(realpath("../fixtures/countmod", dir));
	for (f = 0; f < 2; f++) {
		int times;
		/* Read once, and twice over (the same packages' output again): same counts. */
		for (times = 1; times <= 2; times++) {
			ge_report *r = capture_file(files[f], dir, times);
			ge_summary s;
			for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
				const ge_diag *d = find_diag(r, &want[i]);
				if (!d)
					fail_msg("%s: no %s:%u:%u %s", files[f], want[i].file,
					         want[i].line, want[i].col, want[i].subject);
				if (d->count != want[i].count)
					fail_msg("%s x%d: %s:%u:%u %s: count %u, want %u", files[f],
					         times, want[i].file, want[i].line, want[i].col,
					         want[i].subject, d->count, want[i].count);
			}
			ge_report_summary(r, &s);
			/* grep -E '^(use|inl|cat|seq)/.*(escapes to heap$|moved to heap)' | wc -l
			 */
			assert_int_equal(s.heap, 12);
			ge_report_free(r);
		}
	}
}

static void json_round_trip(void **state)
{
	ge_report *r = NULL, *back = NULL;
	ge_buf j1 = GE_BUF_INIT, j2 = GE_BUF_INIT;
	ge_diag a = mk("p/x.go", 3, 1, GE_KIND_ESCAPES, "([]byte)(~r0)");
	ge_diag b = mk("p/x.go", 4, 2, GE_KIND_LEAK, "p");
	(void)state;
	assert_int_equal(ge_report_new(&r), 0);
	assert_int_equal(ge_report_set_meta(r, "go1.26.8", "example.com/m", NULL, 1), 0);
	a.status = GE_STATUS_NEW;
	assert_int_equal(ge_report_add(r, &a), 0);
	assert_int_equal(ge_report_add(r, &b), 0);
	assert_int_equal(ge_report_add_fixed(r, &b), 0);
	ge_report_sort(r);
	assert_int_equal(ge_report_to_json(&j1, r), 0);
	assert_non_null(strstr(j1.ptr, "\"schema\": \"goescape-report/1\""));
	assert_non_null(strstr(j1.ptr, "\"commit\": null"));
	assert_non_null(strstr(j1.ptr, "\"new\": 1"));
	assert_non_null(strstr(j1.ptr, "escapes to heap \\\"q\\\"\\t\\\\"));
	assert_int_equal(ge_report_from_json(&back, j1.ptr, j1.len, "r.json"), 0);
	assert_int_equal(back->ndiags, 2);
	assert_int_equal(back->nfixed, 1);
	assert_int_equal(back->dirty, 1);
	assert_int_equal(back->diags[0].line_hash, 0x1234abcdULL);
	assert_int_equal(ge_report_to_json(&j2, back), 0);
	assert_string_equal(j1.ptr, j2.ptr);
	ge_buf_release(&j1);
	ge_buf_release(&j2);
	ge_report_free(r);
	ge_report_free(back);
}

/*
 * inlined_from, from_file and from_function live out of line (ge_diag.rare,
 * shared by a run of diagnostics that hold the same ones): each diagnostic
 * keeps exactly its own through adding, JSON out and back in (the flat
 * reader takes the inlined ones, cJSON the moved ones) and out again, a
 * change to one diagnostic's (match's moved ones) leaves the run it shared
 * with alone, and a fold keeps its first's inlined_from beside a later
 * one's moved_from.
 */
static void rare_fields_round_trip(void **state)
{
	static const char *const inl[] = {NULL, "slices.Grow", "strings.(*Builder).grow", NULL};
	static const char *const from[] = {NULL, "p/old.go", NULL, "p/q/older.go"};
	enum { N = 3000 };
	const char *want_inl[N], *want_ff[N], *want_fn[N];
	ge_report *r = NULL, *back = NULL;
	ge_buf j1 = GE_BUF_INIT, j2 = GE_BUF_INIT;
	size_t i, ninl = 0, nmoved = 0;
	const char *p;
	(void)state;
	assert_int_equal(ge_report_new(&r), 0);
	for (i = 0; i < N; i++) {
		/* Runs of 1 to 4 with the same fields, then a change. */
		size_t run = i / (1 + i % 4);
		ge_diag_rare rare = {inl[run % 4], from[(run / 4) % 4], NULL};
		ge_diag d = mk("p/x.go", (uint32_t)(1 + i), 1, GE_KIND_ESCAPES, "x");
		if (rare.from_file) {
			rare.from_function = run % 3 ? "Old" : "";
			d.status = GE_STATUS_MOVED;
			nmoved++;
		}
		ninl += rare.inlined_from != NULL;
		want_inl[i] = rare.inlined_from;
		want_ff[i] = rare.from_file;
		want_fn[i] = rare.from_function;
		d.rare = rare.inlined_from || rare.from_file ? &rare : NULL;
		assert_int_equal(ge_report_add(r, &d), 0);
	}
	/* One of a run changed: its neighbours keep theirs. */
	{
		ge_diag_rare moved = {want_inl[2001], "p/moved.go", "Moved"};
		assert_ptr_equal(r->diags[2000].rare, r->diags[2001].rare);
		assert_int_equal(ge_report_set_rare(r, &r->diags[2001], &moved), 0);
		nmoved += !want_ff[2001];
		r->diags[2001].status = GE_STATUS_MOVED;
		want_ff[2001] = "p/moved.go";
		want_fn[2001] = "Moved";
	}
	ge_report_sort(r);
	assert_int_equal(r->ndiags, N);
	for (i = 0; i < N; i++) {
		const ge_diag *d = &r->diags[i];
		assert_int_equal(d->line, 1 + i);
		assert_true(!d->rare == (!want_inl[i] && !want_ff[i]));
		if (want_inl[i])
			assert_string_equal(ge_diag_inlined_from(d), want_inl[i]);
		else
			assert_null(ge_diag_inlined_from(d));
		if (want_ff[i]) {
			assert_string_equal(ge_diag_from_file(d), want_ff[i]);
			assert_string_equal(ge_diag_from_function(d), want_fn[i]);
		} else {
			assert_null(ge_diag_from_file(d));
		}
	}
	assert_int_equal(ge_report_to_json(&j1, r), 0);
	for (i = 0, p = j1.ptr; (p = strstr(p, "\"inlined_from\":")) != NULL; p++)
		i++;
	assert_int_equal(i, ninl);
	for (i = 0, p = j1.ptr; (p = strstr(p, "\"moved_from\":")) != NULL; p++)
		i++;
	assert_int_equal(i, nmoved);
	assert_int_equal(ge_report_from_json(&back, j1.ptr, j1.len, "r.json"), 0);
	assert_int_equal(ge_report_to_json(&j2, back), 0);
	assert_string_equal(j1.ptr, j2.ptr);
	ge_report_free(back);
	back = NULL;
	ge_buf_release(&j2);
	assert_int_equal(ge_report_from_json_streamed(&back, j1.ptr, j1.len), 0);
	assert_int_equal(ge_report_to_json(&j2, back), 0);
	assert_string_equal(j1.ptr, j2.ptr);
	ge_report_free(back);
	ge_report_free(r);
	ge_buf_release(&j1);
	ge_buf_release(&j2);
	/* A fold: the first's inlined_from, the first moved_from of the run. */
	{
		ge_diag a = mk("p/x.go", 7, 1, GE_KIND_MOVED, "x");
		ge_diag_rare ra = {"slices.Grow", NULL, NULL}, rb = {NULL, "p/old.go", "Old"};
		a.status = GE_STATUS_MOVED;
		assert_int_equal(ge_report_new(&r), 0);
		a.rare = &ra;
		assert_int_equal(ge_report_add(r, &a), 0);
		a.rare = &rb;
		assert_int_equal(ge_report_add(r, &a), 0);
		a.rare = NULL;
		assert_int_equal(ge_report_add(r, &a), 0);
		ge_report_sort(r);
		assert_int_equal(r->ndiags, 1);
		assert_int_equal(r->diags[0].count, 3);
		assert_string_equal(ge_diag_inlined_from(&r->diags[0]), "slices.Grow");
		assert_string_equal(ge_diag_from_file(&r->diags[0]), "p/old.go");
		assert_string_equal(ge_diag_from_function(&r->diags[0]), "Old");
		ge_report_free(r);
	}
}

/*
 * The streaming reader (no tree of the whole document) reads what goescape
 * writes, to the same report; it declines what it is not sure of, and the
 * whole-tree reader then reads it the same or refuses it with its message.
 */
static void json_streamed(void **state)
{
	static const char *const declined[] = {
	    /* an escaped key, a second list, a byte-order mark, data after it */
	    "{\"schema\":\"goescape-report/1\",\"diagnostic\\u0073\":[]}",
	    "{\"schema\":\"goescape-report/1\",\"diagnostics\":[],\"diagnostics\":[]}",
	    "\xef\xbb\xbf{\"schema\":\"goescape-report/1\",\"diagnostics\":[]}",
	    /* every refusal: the whole-tree reader gives the message */
	    "{\"schema\":\"goescape-report/1\",\"diagnostics\":[]} {}",
	    "{\"schema\":\"goescape-report/1\",\"diagnostics\":[{\"file\":\"a.go\"}]}",
	    "{\"schema\":\"goescape-report/1\",\"diagnostics\":[1,]}",
	    "{\"schema\":\"goescape-report/1\",\"diagnostics\":[{\"file\":\"a.go\",]}",
	    "{\"schema\":\"goescape-report/9\",\"diagnostics\":[]}", "{\"diagnostics\":[]}", NULL};
	ge_report *r = NULL, *back = NULL;
	ge_buf j1 = GE_BUF_INIT, j2 = GE_BUF_INIT;
	ge_diag a = mk("p/x.go", 3, 1, GE_KIND_ESCAPES, "([]byte)(~r0)");
	ge_diag b = mk("p/x.go", 4, 2, GE_KIND_LEAK, "p");
	size_t i;
	(void)state;
	assert_int_equal(ge_report_new(&r), 0);
	assert_int_equal(ge_report_set_meta(r, "go1.26.8", "example.com/m", NULL, 1), 0);
	a.status = GE_STATUS_NEW;
	a.count = 3;
	assert_int_equal(ge_report_add(r, &a), 0);
	assert_int_equal(ge_report_add(r, &b), 0);
	assert_int_equal(ge_report_add_fixed(r, &b), 0);
	ge_report_sort(r);
	assert_int_equal(ge_report_to_json(&j1, r), 0);
	assert_int_equal(ge_report_from_json_streamed(&back, j1.ptr, j1.len), 0);
	assert_non_null(back);
	assert_int_equal(back->ndiags, 2);
	assert_int_equal(back->nfixed, 1);
	assert_int_equal(ge_report_to_json(&j2, back), 0);
	assert_string_equal(j1.ptr, j2.ptr);
	ge_report_free(back);
	back = NULL;
	for (i = 0; declined[i]; i++) {
		ge_report *d = (ge_report *)1;
		assert_int_equal(ge_report_from_json_streamed(&d, declined[i], strlen(declined[i])),
		                 1);
		assert_null(d);
	}
	/* Declined but good: read by the whole-tree reader all the same. */
	assert_int_equal(ge_report_from_json(&back, declined[0], strlen(declined[0]), "d.json"), 0);
	assert_int_equal(back->ndiags, 0);
	ge_report_free(back);
	assert_int_equal(ge_report_from_json(&back, declined[4], strlen(declined[4]), "d.json"),
	                 GE_EBADINPUT);
	assert_string_equal(ge_error_last(), "'d.json': diagnostic 1 lacks \"function\"");
	ge_buf_release(&j1);
	ge_buf_release(&j2);
	ge_report_free(r);
}

/*
 * The flat reader of a diagnostic (no cJSON tree) gives what cJSON's tree
 * gives, on the plain shape it takes and on every one it leaves to cJSON:
 * each element read as a document, and again with an escaped key first,
 * which the streaming reader declines (so the whole-tree reader reads it).
 */
static void json_flat_same_as_tree(void **state)
{
	static const char *const elems[] = {
	    "{\"package\":\"p\",\"file\":\"a.go\",\"line\":3,\"column\":7,\"function\":\"F\","
	    "\"kind\":\"escapes\",\"subject\":\"x\",\"message\":\"x escapes to heap\",\"count\":2,"
	    "\"status\":\"new\",\"fingerprint\":\"0011223344556677\","
	    "\"line_hash\":\"89abcdef01234567\",\"inlined_from\":\"q.G\",\"explanation\":\"e\"}",
	    "{\"file\":\"a.go\",\"line\":1,\"function\":\"\",\"kind\":\"leak\",\"subject\":"
	    "\"\\\"s\\\\\\/\\n\\t\\b\\f\\r\",\"status\":\"moved\"}",
	    "{\"file\":\"a.go\",\"line\":1,\"function\":\"\",\"kind\":\"leak\",\"subject\":"
	    "\"\\u00e9\"}",
	    "{\"file\":\"a.go\",\"line\":1,\"function\":\"\",\"kind\":\"leak\",\"subject\":"
	    "\"\x01\xff\"}",
	    "{\"file\":\"a.go\",\"line\":1e1,\"function\":\"\",\"kind\":\"leak\",\"subject\":"
	    "\"s\"}",
	    "{\"file\":\"a.go\",\"line\":012,\"function\":\"\",\"kind\":\"leak\",\"subject\":"
	    "\"s\"}",
	    "{\"file\":\"a.go\",\"line\":1000000001,\"function\":\"\",\"kind\":\"leak\","
	    "\"subject\":\"s\"}",
	    "{\"file\":\"a.go\",\"line\":99999999999,\"function\":\"\",\"kind\":\"leak\","
	    "\"subject\":\"s\"}",
	    "{\"file\":\"a.go\",\"line\":1,\"function\":\"\",\"kind\":\"leak\",\"subject\":\"s\","
	    "\"count\":0}",
	    "{\"file\":\"a.go\",\"line\":\"1\",\"function\":\"\",\"kind\":\"leak\",\"subject\":"
	    "\"s\"}",
	    "{\"file\":\"a.go\",\"line\":1,\"function\":\"\",\"kind\":\"heap\",\"subject\":\"s\"}",
	    "{\"file\":\"../"
	    "a.go\",\"line\":1,\"function\":\"\",\"kind\":\"leak\",\"subject\":\"s\"}",
	    "{\"file\":\"\",\"line\":1,\"function\":\"\",\"kind\":\"leak\",\"subject\":\"s\"}",
	    "{\"file\":\"a.go\",\"function\":\"\",\"kind\":\"leak\",\"subject\":\"s\"}",
	    "{\"file\":\"a.go\",\"file\":\"b.go\",\"line\":1,\"function\":\"\",\"kind\":\"leak\","
	    "\"subject\":\"s\"}",
	    "{\"file\":\"a.go\",\"line\":1,\"function\":\"\",\"kind\":\"leak\",\"subject\":\"s\","
	    "\"status\":\"moved\",\"moved_from\":{\"file\":\"b.go\",\"function\":\"G\"}}",
	    "{\"file\":\"a.go\",\"line\":1,\"function\":\"\",\"kind\":\"leak\",\"subject\":\"s\","
	    "\"line_hash\":\"0x12\",\"x\":[1],\"y\":null}",
	    "{ \"file\" :\t\"a.go\" ,\r\n\"line\": 2 , \"function\":\"\",\"kind\":\"leak\","
	    "\"subject\":\"s\" }",
	    NULL};
	size_t i;
	(void)state;
	for (i = 0; elems[i]; i++) {
		ge_buf flat = GE_BUF_INIT, tree = GE_BUF_INIT, jf = GE_BUF_INIT, jt = GE_BUF_INIT;
		ge_report *rf = NULL, *rt = NULL;
		int of, ot;
		assert_int_equal(ge_buf_printf(&flat,
		                               "{\"schema\":\"goescape-report/1\",\"diagnostics\":"
		                               "[%s,%s]}",
		                               elems[i], elems[i]),
		                 0);
		assert_int_equal(ge_buf_printf(&tree,
		                               "{\"\\u0078\":1,\"schema\":\"goescape-report/1\","
		                               "\"diagnostics\":[%s,%s]}",
		                               elems[i], elems[i]),
		                 0);
		of = ge_report_from_json(&rf, flat.ptr, flat.len, "f");
		ot = ge_report_from_json(&rt, tree.ptr, tree.len, "t");
		assert_int_equal(of, ot);
		if (of == 0) {
			assert_int_equal(ge_report_to_json(&jf, rf), 0);
			assert_int_equal(ge_report_to_json(&jt, rt), 0);
			assert_string_equal(jf.ptr, jt.ptr);
		}
		ge_report_free(rf);
		ge_report_free(rt);
		ge_buf_release(&flat);
		ge_buf_release(&tree);
		ge_buf_release(&jf);
		ge_buf_release(&jt);
	}
}

/* A note's reports are split at ge_report_json_end: where a parser stops. */
static void json_end(void **state)
{
	static const char two[] = "{\"a\":\"}\\\"]{\",\"b\":[{},[1]]}\n{\"c\":1}";
	static const char cut[] = "{\"a\":\"}\\\"\",\"b\":[{}";
	const char *e = ge_report_json_end(two, two + strlen(two));
	(void)state;
	assert_non_null(e);
	assert_int_equal(e - two, strchr(two, '\n') - two);
	assert_ptr_equal(ge_report_json_end(e + 1, two + strlen(two)), two + strlen(two));
	assert_null(ge_report_json_end(cut, cut + strlen(cut)));
	assert_null(ge_report_json_end(two, two));
}

static void bad_json(void **state)
{
	static const char *const bad[] = {
		"",
		"{\"schema\":\"goescape-report/1\",\"diagnostics\":[",
		"[1,2]",
		"{\"schema\":\"goescape-report/9\",\"diagnostics\":[]}",
		"{\"schema\":\"goescape-report/1\",\"diagnostics\":{}}",
		"{\"schema\":\"goescape-report/1\",\"diagnostics\":[{\"file\":\"a.go\"}]}",
		"{\"schema\":\"goescape-report/1\",\"diagnostics\":[{\"file\":\"../../etc/x.go\","
		"\"line\":1,\"function\":\"\",\"kind\":\"moved\",\"subject\":\"x\"}]}",
		"{\"schema\":\"goescape-report/1\",\"diagnostics\":[{\"file\":\"a.go\","
		"\"line\":1,\"function\":\"\",\"kind\":\"weird\",\"subject\":\"x\"}]}",
	    "{\"schema\":\"goescape-report/1\",\"diagnostics\":[{\"file\":\"a.go\","
	    "\"line\":1,\"function\":\"\",\"kind\":\"moved\",\"subject\":\"x\",\"count\":0}]}",
	    "{\"schema\":\"goescape-report/1\",\"diagnostics\":[{\"file\":\"a.go\","
	    "\"line\":1,\"function\":\"\",\"kind\":\"moved\",\"subject\":\"x\",\"count\":1.5}]}",
	    "{\"schema\":\"goescape-report/1\",\"diagnostics\":[{\"file\":\"a.go\","
	    "\"line\":1,\"function\":\"\",\"kind\":\"moved\",\"subject\":\"x\",\"count\":\"2\"}]}",
		NULL};
	size_t i;
	(void)state;
	for (i = 0; bad[i]; i++) {
		ge_report *r = (ge_report *)1;
		assert_int_equal(ge_report_from_json(&r, bad[i], strlen(bad[i]), "b.json"),
				 GE_EBADINPUT);
		assert_null(r);
		assert_non_null(strstr(ge_error_last(), "'b.json'"));
	}
}

static void json_stays_utf8(void **state)
{
	/* A file name in another encoding must not make the JSON invalid. */
	ge_buf b = GE_BUF_INIT;
	(void)state;
	assert_int_equal(ge_buf_put_json(&b, "a\xff" "b\xc3\xa9\x01\xe6\x97\xa5\"\\\xed\xa0\x80"), 0);
	assert_string_equal(b.ptr, "\"a\\ufffdb\xc3\xa9\\u0001\xe6\x97\xa5\\\"\\\\\\ufffd\\ufffd\\ufffd\"");
	ge_buf_release(&b);
}

/*
 * The report's JSON takes its strings through the one writer (common.h):
 * control bytes and invalid UTF-8 in every string field still give JSON
 * that reads back, with one U+FFFD per maximal invalid subpart.
 */
static void json_invalid_utf8_and_control_bytes(void **state)
{
	ge_report *r = NULL, *back = NULL;
	ge_buf j = GE_BUF_INIT;
	ge_diag a = mk("p/caf\xe9\x01.go", 3, 1, GE_KIND_ESCAPES, "s\x01\xff");
	(void)state;
	a.function = "F\xe2\x82";
	a.message = "m\x1b[0m\xf0\x9f\x98";
	assert_int_equal(ge_report_new(&r), 0);
	assert_int_equal(ge_report_set_meta(r, "go1.26.8", "example.com/m\x7f\xc0", NULL, 0), 0);
	assert_int_equal(ge_report_add(r, &a), 0);
	assert_int_equal(ge_report_to_json(&j, r), 0);
	assert_int_equal(ge_report_from_json(&back, j.ptr, j.len, "r.json"), 0);
	assert_int_equal(back->ndiags, 1);
	assert_string_equal(back->diags[0].file, "p/caf\xef\xbf\xbd\x01.go");
	assert_string_equal(back->diags[0].function, "F\xef\xbf\xbd");
	assert_string_equal(back->diags[0].subject, "s\x01\xef\xbf\xbd");
	assert_string_equal(back->module, "example.com/m\x7f\xef\xbf\xbd");
	assert_non_null(strstr(j.ptr, "\"F\\ufffd\""));
	ge_buf_release(&j);
	ge_report_free(r);
	ge_report_free(back);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sort_and_dedupe),
		cmocka_unit_test(sort_radix_same_as_qsort),
		cmocka_unit_test(sort_gather_budget),
		cmocka_unit_test(sort_gather_holds_what_it_counts),
		cmocka_unit_test(json_plain_same_as_general),
		cmocka_unit_test(add_interned_same_as_add),
		cmocka_unit_test(json_plain_runs_same_as_general),
		cmocka_unit_test(json_two_threads_same_as_one),
		cmocka_unit_test(summary_packages),
		cmocka_unit_test(fold_by_block),
		cmocka_unit_test(json_count),
		cmocka_unit_test(json_without_counts),
		cmocka_unit_test(fixture_counts),
		cmocka_unit_test(json_round_trip),
		cmocka_unit_test(rare_fields_round_trip),
		cmocka_unit_test(json_streamed),
		cmocka_unit_test(json_flat_same_as_tree),
		cmocka_unit_test(json_end),
		cmocka_unit_test(bad_json),
		cmocka_unit_test(json_stays_utf8),
		cmocka_unit_test(json_invalid_utf8_and_control_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
