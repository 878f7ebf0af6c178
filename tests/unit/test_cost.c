/*
 * lib/cost: real heap profiles of tests/fixtures/profilemod joined with
 * reports built, through the parse and attrib API, from the -m output of
 * the same builds (scripts/capture-profiles captured both with go1.19.8 and
 * go1.26.8, in another directory than this checkout).
 *
 * Counts are exact for allocations of 16 bytes or more at
 * -memprofilerate=1: the benchmark runs Work once for b.N=1, then 1000
 * times, so each such allocation in Work is 1001 objects.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cost.h"

#define PROFILES "../fixtures/profiles/"
#define OUTPUT   "../fixtures/compiler-output/"

typedef struct build {
	ge_modset mods;
	char *root;
	ge_report *r;
	ge_cost_sites *sites;
	ge_attrib *a;
} build;

static int feed(const ge_parse_line *l, void *ud)
{
	build *b = ud;
	return ge_attrib_line(b->a, b->r, l);
}

/* The report and sites of a captured -m output of the fixture module. */
static void load_build(build *b, const char *output)
{
	ge_buf text = GE_BUF_INIT, path = GE_BUF_INIT;
	ge_parser *ps = NULL;
	memset(b, 0, sizeof(*b));
	b->root = realpath("../fixtures/profilemod", NULL);
	assert_non_null(b->root);
	assert_int_equal(ge_modset_find(&b->mods, b->root, NULL), 0);
	assert_int_equal(ge_report_new(&b->r), 0);
	assert_int_equal(ge_attrib_new(&b->a, &b->mods, b->root), 0);
	assert_int_equal(ge_cost_sites_new(&b->sites), 0);
	ge_attrib_set_sites(b->a, ge_cost_sites_take, b->sites);
	assert_int_equal(ge_parser_new(&ps), 0);
	ge_buf_printf(&path, OUTPUT "%s", output);
	if (ge_file_read(&text, path.ptr) < 0)
		fail_msg("%s: %s", path.ptr, ge_error_last());
	assert_int_equal(ge_parser_feed(ps, text.ptr, text.len, feed, b), 0);
	assert_int_equal(ge_parser_finish(ps, feed, b), 0);
	assert_int_equal(ge_report_set_meta(b->r, "go", b->mods.mods[0].path, NULL, 0), 0);
	ge_report_sort(b->r);
	ge_parser_free(ps);
	ge_buf_release(&text);
	ge_buf_release(&path);
}

static void release_build(build *b)
{
	ge_attrib_free(b->a);
	ge_cost_sites_free(b->sites);
	ge_report_free(b->r);
	ge_modset_release(&b->mods);
	free(b->root);
}

static ge_pprof *load_profile(const char *name)
{
	ge_pprof *p = NULL;
	ge_buf path = GE_BUF_INIT;
	ge_buf_printf(&path, PROFILES "%s", name);
	if (ge_pprof_load(&p, path.ptr) < 0)
		fail_msg("%s: %s", name, ge_error_last());
	ge_buf_release(&path);
	return p;
}

static ge_cost *join(const build *b, const ge_pprof *p, const char *root)
{
	ge_cost_opts o = GE_COST_OPTS_INIT;
	ge_cost *c = NULL;
	o.profile_name = "mem.out";
	o.module_root = root;
	o.sites = b->sites;
	if (ge_cost_join(&c, p, b->r, &o) < 0)
		fail_msg("join: %s", ge_error_last());
	return c;
}

/* The cost of the diagnostic at hot/hot.go:line of a kind. */
static const ge_diag_cost *at(const build *b, const ge_cost *c, uint32_t line, ge_kind k)
{
	size_t i;
	for (i = 0; i < b->r->ndiags; i++)
		if (b->r->diags[i].line == line && b->r->diags[i].kind == k &&
		    strcmp(b->r->diags[i].file, "hot/hot.go") == 0)
			return &c->diags[i];
	fail_msg("no %s diagnostic at hot/hot.go:%u", ge_kind_name(k), line);
	return NULL;
}

static const ge_hot_site *hot_at(const ge_cost *c, uint32_t line)
{
	size_t i;
	for (i = 0; i < c->nhot; i++)
		if (c->hot[i].line == line && strcmp(c->hot[i].file, "hot/hot.go") == 0)
			return &c->hot[i];
	return NULL;
}

static void assert_totals_add_up(const ge_cost *c, const ge_pprof *p)
{
	assert_int_equal(c->total_bytes,
	                 ge_pprof_total(p, ge_pprof_sample_index(p, "alloc_space")));
	assert_int_equal(c->total_objects,
	                 ge_pprof_total(p, ge_pprof_sample_index(p, "alloc_objects")));
	assert_int_equal(c->matched_bytes + c->via_bytes + c->hot_bytes + c->unmatched_bytes,
	                 c->total_bytes);
	assert_int_equal(c->matched_objects + c->via_objects + c->hot_objects +
	                     c->unmatched_objects,
	                 c->total_objects);
}

/* The rules every Go version must satisfy on the fixture. */
static void check_common(const build *b, const ge_cost *c)
{
	const ge_diag_cost *d;
	const ge_hot_site *h;
	/* return &p inlined into Work: the call site pays, the copy nothing. */
	assert_int_equal(at(b, c, 142, GE_KIND_MOVED)->objects, 1001);
	assert_int_equal(at(b, c, 142, GE_KIND_MOVED)->bytes, 1001 * 24);
	assert_int_equal(at(b, c, 42, GE_KIND_MOVED)->objects, 0);
	assert_int_equal(at(b, c, 42, GE_KIND_MOVED)->bytes, 0);
	/* The same when not inlined: the function pays. */
	assert_int_equal(at(b, c, 48, GE_KIND_MOVED)->objects, 1001);
	/* An inline chain of three: the outermost call site. */
	assert_int_equal(at(b, c, 145, GE_KIND_MOVED)->objects, 1001);
	assert_int_equal(at(b, c, 65, GE_KIND_MOVED)->objects, 0);
	assert_int_equal(at(b, c, 70, GE_KIND_MOVED)->objects, 0);
	assert_int_equal(at(b, c, 74, GE_KIND_MOVED)->objects, 0);
	/* A boxed constant, a boxed small int, a leaking param: nothing. */
	assert_int_equal(at(b, c, 88, GE_KIND_ESCAPES)->bytes, 0);
	assert_int_equal(at(b, c, 93, GE_KIND_ESCAPES)->bytes, 0);
	assert_int_equal(at(b, c, 130, GE_KIND_LEAK)->bytes, 0);
	/* A closure, a method value, a generic function, &Point{}. */
	assert_int_equal(at(b, c, 57, GE_KIND_ESCAPES)->objects, 1001);
	assert_int_equal(at(b, c, 111, GE_KIND_ESCAPES)->objects, 1001);
	assert_int_equal(at(b, c, 98, GE_KIND_ESCAPES)->objects, 1001);
	assert_int_equal(at(b, c, 154, GE_KIND_ESCAPES)->objects, 1001);
	/* []byte(strconv.Itoa(n)): the conversion and strconv's string, the
	 * latter via strconv (17 digits: a 24-byte object each). */
	d = at(b, c, 32, GE_KIND_ESCAPES);
	assert_int_equal(d->objects, 2002);
	assert_int_equal(d->via_objects, 1001);
	assert_int_equal(d->via_bytes, 1001 * 24);
	assert_string_equal(d->via_callee, "strconv.Itoa");
	assert_false(d->line_shared);
	d = at(b, c, 139, GE_KIND_ESCAPES); /* ItoaBytesInl inlined into Work */
	assert_int_equal(d->objects, 2002);
	assert_string_equal(d->via_callee, "strconv.Itoa");
	assert_int_equal(at(b, c, 25, GE_KIND_ESCAPES)->bytes, 0);
	d = at(b, c, 37, GE_KIND_ESCAPES);
	assert_string_equal(d->via_callee, "fmt.Sprintf");
	assert_true(d->via_bytes > 0);
	/* Map growth and a long concatenation: bytes without a heap diagnostic. */
	h = hot_at(c, 118);
	assert_non_null(h);
	assert_string_equal(h->function, "MapGrow");
	assert_true(h->bytes > 0);
	assert_null(h->via_callee);
	h = hot_at(c, 125);
	assert_non_null(h);
	assert_string_equal(h->function, "Concat");
	assert_int_equal(h->objects, 1001);
	assert_string_equal(h->note, "a + b + a does not escape");
	/* Hot sites come largest first. */
	assert_true(c->nhot >= 2 && c->hot[0].bytes >= c->hot[c->nhot - 1].bytes);
}

static void go126_bench(void **state)
{
	build b;
	ge_pprof *p = load_profile("go1.26.8-bench.pb.gz");
	ge_cost *c;
	(void)state;
	load_build(&b, "go1.26.8-profilemod-m.txt");
	c = join(&b, p, b.root);
	check_common(&b, c);
	assert_totals_add_up(c, p);
	/* 1.26 reports append growth: Grow's bytes belong to a diagnostic. */
	assert_int_equal(at(&b, c, 81, GE_KIND_ESCAPES)->objects, 4004);
	assert_null(hot_at(c, 81));
	assert_true(at(&b, c, 81, GE_KIND_ESCAPES)->share > 0.4);
	assert_int_equal(c->inline_checked, 7);
	assert_int_equal(c->inline_agree, 7);
	/* Start lines: 5 against "can inline", the other 10 against the source. */
	assert_int_equal(c->start_checked, 15);
	assert_int_equal(c->start_agree, 15);
	assert_int_equal(c->nwarnings, 0);
	assert_string_equal(c->sample_type, "alloc_space");
	assert_int_equal(c->period, 1);
	ge_cost_free(c);
	/* Without the module root: the import path of each function decides,
	 * and only the "can inline" sites check start lines. */
	c = join(&b, p, NULL);
	check_common(&b, c);
	assert_int_equal(c->start_checked, 5);
	assert_int_equal(c->start_agree, 5);
	ge_cost_free(c);
	release_build(&b);
	ge_pprof_free(p);
}

static void go119_bench(void **state)
{
	build b;
	ge_pprof *p = load_profile("go1.19.8-bench.pb.gz");
	ge_cost *c;
	(void)state;
	load_build(&b, "go1.19.8-profilemod-m.txt");
	c = join(&b, p, b.root);
	check_common(&b, c);
	assert_totals_add_up(c, p);
	/* 1.19 prints no "append escapes to heap": growth is a hot site. */
	assert_non_null(hot_at(c, 81));
	assert_string_equal(hot_at(c, 81)->function, "Grow");
	assert_int_equal(c->inline_agree, c->inline_checked);
	assert_int_equal(c->start_checked, 0); /* 1.19 writes no start lines */
	assert_int_equal(c->nwarnings, 0);
	ge_cost_free(c);
	release_build(&b);
	ge_pprof_free(p);
}

static void trimpath_and_delta(void **state)
{
	build b;
	ge_pprof *p = load_profile("go1.26.8-bench-trimpath.pb.gz");
	ge_cost *c;
	(void)state;
	load_build(&b, "go1.26.8-profilemod-m.txt");
	c = join(&b, p, b.root);
	check_common(&b, c);
	assert_int_equal(c->nwarnings, 0);
	ge_cost_free(c);
	ge_pprof_free(p);
	/* /debug/pprof/allocs?seconds=1: sampled for a second, so no exact
	 * counts, but the same lines pay and the inline sites agree. */
	p = load_profile("go1.26.8-allocs-delta.pb.gz");
	c = join(&b, p, b.root);
	assert_totals_add_up(c, p);
	assert_true(at(&b, c, 142, GE_KIND_MOVED)->objects > 1000);
	assert_int_equal(at(&b, c, 42, GE_KIND_MOVED)->objects, 0);
	assert_string_equal(at(&b, c, 32, GE_KIND_ESCAPES)->via_callee, "strconv.Itoa");
	assert_non_null(hot_at(c, 118));
	assert_true(c->inline_checked >= 7);
	assert_int_equal(c->inline_agree, c->inline_checked);
	assert_int_equal(c->nwarnings, 0);
	ge_cost_free(c);
	ge_pprof_free(p);
	release_build(&b);
}

/* The source moved by two lines since the profile: one warning, no silent join. */
static void stale_profile(void **state)
{
	build b;
	ge_pprof *p = load_profile("go1.26.8-bench-shifted.pb.gz");
	ge_cost *c;
	(void)state;
	load_build(&b, "go1.26.8-profilemod-m.txt");
	c = join(&b, p, b.root);
	assert_int_equal(c->nwarnings, 1);
	assert_string_equal(c->warnings[0],
	                    "profile 'mem.out' does not match this source: 0 of 7 "
	                    "inline sites agree; was it taken from another commit?");
	assert_int_equal(c->inline_checked, 7);
	assert_int_equal(c->start_checked, 15);
	assert_int_equal(c->start_agree, 0);
	assert_int_equal(c->matched_bytes, 0);
	ge_cost_free(c);
	/* A report from a note has no sites: the source's start lines tell. */
	ge_cost_sites_free(b.sites);
	assert_int_equal(ge_cost_sites_new(&b.sites), 0);
	c = join(&b, p, b.root);
	assert_int_equal(c->inline_checked, 0);
	assert_int_equal(c->nwarnings, 1);
	assert_string_equal(c->warnings[0], "profile 'mem.out' does not match this source: 0 of 15 "
	                                    "function start lines agree; was it taken from another "
	                                    "commit?");
	ge_cost_free(c);
	ge_pprof_free(p);
	/* ... and stay quiet for a profile of this source. */
	p = load_profile("go1.26.8-bench.pb.gz");
	c = join(&b, p, b.root);
	assert_int_equal(c->start_checked, 15);
	assert_int_equal(c->start_agree, 15);
	assert_int_equal(c->nwarnings, 0);
	ge_cost_free(c);
	release_build(&b);
	ge_pprof_free(p);
}

/*
 * --profile-commit: the shifted profile's commit inserted two lines after
 * hot/hot.go's imports (line 8); mapped back to this source, as lib/history
 * maps a base, it joins as a profile of this source does.
 */
static uint32_t unshift(const char *file, uint32_t line, void *ud)
{
	(void)ud;
	if (strcmp(file, "hot/hot.go") != 0 || line <= 8)
		return line;
	return line <= 10 ? 0 : line - 2;
}

static const char *renamed(const char *file, void *ud)
{
	(void)ud;
	return strcmp(file, "hot/hot.go") == 0 ? "hot/moved.go" : NULL;
}

static void profile_commit_map(void **state)
{
	build b;
	ge_pprof *p = load_profile("go1.26.8-bench-shifted.pb.gz");
	ge_pprof *q = load_profile("go1.26.8-bench.pb.gz");
	ge_match_map map = {NULL, unshift, NULL};
	ge_cost_opts o = GE_COST_OPTS_INIT;
	ge_cost *c = NULL, *want;
	ge_buf j = GE_BUF_INIT;
	size_t i;
	(void)state;
	load_build(&b, "go1.26.8-profilemod-m.txt");
	o.profile_name = "mem.out";
	o.module_root = b.root;
	o.sites = b.sites;
	o.map = &map;
	o.commit = "0123456789abcdef0123456789abcdef01234567";
	assert_int_equal(ge_cost_join(&c, p, b.r, &o), 0);
	want = join(&b, q, b.root);
	assert_int_equal(c->nwarnings, 0);
	assert_int_equal(c->inline_checked, 7);
	assert_int_equal(c->inline_agree, 7);
	assert_int_equal(c->start_checked, 15);
	assert_int_equal(c->start_agree, 15);
	assert_int_equal(c->changed_bytes, 0);
	assert_int_equal(at(&b, c, 142, GE_KIND_MOVED)->objects, 1001);
	assert_int_equal(at(&b, c, 42, GE_KIND_MOVED)->bytes, 0);
	/* The same diagnostics carry bytes as with the profile of this
	 * source, about as many (two runs of one benchmark differ by a few
	 * runtime-internal objects). */
	for (i = 0; i < b.r->ndiags; i++) {
		int64_t x = c->diags[i].objects, y = want->diags[i].objects;
		assert_int_equal(x == 0, y == 0);
		assert_true(x - y <= y / 100 && y - x <= y / 100);
	}
	assert_non_null(hot_at(c, 118));
	assert_int_equal(ge_cost_json_profile(&j, c, "mem.out", NULL), 0);
	assert_non_null(strstr(j.ptr, "\"commit\": \"0123456789abcdef"));
	ge_cost_free(c);
	/* Renamed since: the profile's file follows the rename, away from
	 * this report's hot/hot.go. */
	map.rename = renamed;
	map.map_line = NULL;
	assert_int_equal(ge_cost_join(&c, q, b.r, &o), 0);
	assert_int_equal(at(&b, c, 142, GE_KIND_MOVED)->objects, 0);
	for (i = 0; i < c->nhot; i++)
		if (c->hot[i].line == 142)
			break;
	assert_true(i < c->nhot);
	assert_string_equal(c->hot[i].file, "hot/moved.go");
	assert_int_equal(c->hot[i].objects, 1001);
	ge_cost_free(c);
	ge_cost_free(want);
	ge_buf_release(&j);
	release_build(&b);
	ge_pprof_free(p);
	ge_pprof_free(q);
}

/*
 * suggest --profile: rewrites by the bytes they remove.  The rewrite inside
 * ItoaBytesInl (always inlined into Work) removes what the profile puts on
 * Work's call site: the innermost module line counts, not the outermost.
 */
static void rank_rewrites(void **state)
{
	build b;
	ge_pprof *p = load_profile("go1.26.8-bench.pb.gz");
	static const ge_cost_pos pos[] = {{"hot/hot.go", 88, "BoxConst  none"},
	                                  {"hot/hot.go", 37, "Sprintf  sprintf-d"},
	                                  {"hot/hot.go", 25, "ItoaBytesInl  itoa-bytes"},
	                                  {"hot/hot.go", 32, "ItoaBytes  itoa-bytes"},
	                                  {"hot/hot.go", 32, "ItoaBytes  second"}};
	ge_cost_opts o = GE_COST_OPTS_INIT;
	ge_cost *c = NULL;
	size_t *order = NULL;
	ge_buf t = GE_BUF_INIT;
	(void)state;
	load_build(&b, "go1.26.8-profilemod-m.txt");
	o.profile_name = "mem.out";
	o.mods = &b.mods;
	o.sites = b.sites;
	assert_int_equal(ge_cost_rank(&c, &order, p, pos, 5, &o), 0);
	assert_int_equal(c->nwarnings, 0);
	assert_int_equal(order[0], 2); /* ties in the given order */
	assert_int_equal(order[1], 3);
	assert_int_equal(order[2], 4);
	assert_int_equal(order[3], 1);
	assert_int_equal(order[4], 0);
	assert_int_equal(c->diags[2].objects, 2002);
	assert_int_equal(c->diags[2].bytes, 48048);
	assert_int_equal(c->diags[2].via_bytes, 24024);
	assert_string_equal(c->diags[2].via_callee, "strconv.Itoa");
	assert_false(c->diags[2].line_shared);
	assert_int_equal(c->diags[3].bytes, 48048);
	assert_true(c->diags[3].line_shared);
	assert_string_equal(c->diags[1].via_callee, "fmt.Sprintf");
	assert_int_equal(c->diags[0].bytes, 0);
	assert_int_equal(ge_cost_rank_text(&t, c, order, pos, 5, 2), 0);
	assert_string_equal(t.ptr, "rewrites by the bytes they remove (alloc_space):\n"
	                           "   46.9 kB     2%  hot/hot.go:25  ItoaBytesInl  itoa-bytes "
	                           "(23.5 kB via strconv.Itoa)\n"
	                           "   46.9 kB     2%  hot/hot.go:32  ItoaBytes  itoa-bytes "
	                           "(23.5 kB via strconv.Itoa) [line shared]\n"
	                           "  ... 3 more (--top)\n"
	                           "133.9 kB of the profile's 2.2 MB on the rewritten lines\n");
	ge_cost_free(c);
	free(order);
	ge_buf_release(&t);
	release_build(&b);
	ge_pprof_free(p);
}

/* package main built elsewhere: no import path, a foreign root: by suffix. */
static void suffix_mapping(void **state)
{
	build b;
	ge_pprof *p = load_profile("go1.26.8-bench.pb.gz");
	ge_cost *c;
	size_t i;
	static const char *const names[] = {"main.Work", "main.NewPoint", "main.Chain",
	                                    "main.Mid",  "main.Deep",     "main.NewPointInl"};
	(void)state;
	load_build(&b, "go1.26.8-profilemod-m.txt");
	for (i = 0; i < p->nfunctions; i++) {
		size_t k;
		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (strncmp(p->functions[i].name, "example.com/profilemod/hot.", 27) == 0 &&
			    strcmp(p->functions[i].name + 26, names[k] + 4) == 0)
				p->functions[i].name = names[k];
	}
	c = join(&b, p, b.root);
	assert_int_equal(at(&b, c, 142, GE_KIND_MOVED)->objects, 1001);
	assert_int_equal(at(&b, c, 145, GE_KIND_MOVED)->objects, 1001);
	assert_int_equal(at(&b, c, 48, GE_KIND_MOVED)->objects, 1001);
	ge_cost_free(c);
	/* An import path that climbs out of the module names no module file. */
	for (i = 0; i < p->nfunctions; i++)
		if (strcmp(p->functions[i].name, "main.Work") == 0)
			p->functions[i].name = "example.com/profilemod/../../etc.Work";
	c = join(&b, p, b.root);
	for (i = 0; i < c->nhot; i++)
		assert_null(strstr(c->hot[i].file, ".."));
	assert_int_equal(at(&b, c, 142, GE_KIND_MOVED)->objects, 0); /* refused, not guessed */
	ge_cost_free(c);
	/* A file this build does not know cannot be matched by suffix. */
	for (i = 0; i < b.r->ndiags; i++)
		if (strcmp(b.r->diags[i].file, "hot/hot.go") == 0)
			b.r->diags[i].file = "hot/other.go";
	ge_cost_sites_free(b.sites);
	assert_int_equal(ge_cost_sites_new(&b.sites), 0);
	c = join(&b, p, "/nonexistent/root");
	for (i = 0; i < b.r->ndiags; i++)
		assert_int_equal(c->diags[i].bytes, 0);
	ge_cost_free(c);
	release_build(&b);
	ge_pprof_free(p);
}

/* A workspace: report paths relative to the go.work directory, not the module root. */
static void workspace_paths(void **state)
{
	build b;
	ge_pprof *p = load_profile("go1.26.8-bench.pb.gz");
	ge_cost_opts o = GE_COST_OPTS_INIT;
	ge_modset ws = GE_MODSET_INIT;
	ge_module m;
	ge_cost *c = NULL;
	char *top;
	size_t i;
	(void)state;
	load_build(&b, "go1.26.8-profilemod-m.txt");
	/* One module; the modset as ge_modset_find() gives it. */
	o.profile_name = "mem.out";
	o.mods = &b.mods;
	o.sites = b.sites;
	assert_int_equal(ge_cost_join(&c, p, b.r, &o), 0);
	check_common(&b, c);
	assert_int_equal(c->start_agree, 15);
	ge_cost_free(c);
	/* The same module used from a go.work one directory up. */
	top = ge_strdup(b.root);
	*strrchr(top, '/') = '\0';
	m.root = b.root;
	m.path = b.mods.mods[0].path;
	ws.mods = &m;
	ws.n = 1;
	ws.top = top;
	for (i = 0; i < b.r->ndiags; i++) {
		ge_buf f = GE_BUF_INIT;
		ge_buf_printf(&f, "profilemod/%s", b.r->diags[i].file);
		b.r->diags[i].file = ge_report_intern(b.r, f.ptr, f.len);
		ge_buf_release(&f);
	}
	o.mods = &ws;
	o.sites = NULL;
	assert_int_equal(ge_cost_join(&c, p, b.r, &o), 0);
	for (i = 0; i < b.r->ndiags; i++)
		if (b.r->diags[i].line == 142 &&
		    strcmp(b.r->diags[i].file, "profilemod/hot/hot.go") == 0)
			assert_int_equal(c->diags[i].objects, 1001);
	assert_non_null(c->nhot ? c->hot[0].file : NULL);
	assert_string_equal(c->hot[0].file, "profilemod/hot/hot.go");
	assert_int_equal(c->start_checked, 15);
	assert_int_equal(c->start_agree, 15);
	ge_cost_free(c);
	free(top);
	release_build(&b);
	ge_pprof_free(p);
}

/* Two heap diagnostics on one line: both get the line, nobody splits it. */
static void line_shared(void **state)
{
	build b;
	ge_pprof *p = load_profile("go1.26.8-bench.pb.gz");
	ge_cost *c, *c0;
	ge_diag d;
	size_t i;
	(void)state;
	load_build(&b, "go1.26.8-profilemod-m.txt");
	c0 = join(&b, p, b.root);
	for (i = 0; i < b.r->ndiags; i++)
		if (b.r->diags[i].line == 142 && strcmp(b.r->diags[i].file, "hot/hot.go") == 0)
			d = b.r->diags[i];
	d.column = 2;
	d.kind = GE_KIND_ESCAPES;
	d.subject = "x";
	assert_int_equal(ge_report_add(b.r, &d), 0);
	c = join(&b, p, b.root);
	assert_int_equal(c->diags[b.r->ndiags - 1].bytes, 1001 * 24);
	assert_true(c->diags[b.r->ndiags - 1].line_shared);
	assert_true(at(&b, c, 142, GE_KIND_MOVED)->line_shared);
	assert_int_equal(at(&b, c, 142, GE_KIND_MOVED)->bytes, 1001 * 24);
	assert_int_equal(c->matched_bytes, c0->matched_bytes); /* never counted twice */
	ge_cost_free(c);
	ge_cost_free(c0);
	release_build(&b);
	ge_pprof_free(p);
}

static void options_and_warnings(void **state)
{
	build b;
	ge_pprof *p = load_profile("go1.26.8-bench.pb.gz");
	ge_cost_opts o = GE_COST_OPTS_INIT;
	ge_cost *c = (ge_cost *)1;
	(void)state;
	load_build(&b, "go1.26.8-profilemod-m.txt");
	o.profile_name = "mem.out";
	o.sample = "cpu";
	assert_int_equal(ge_cost_join(&c, p, b.r, &o), GE_EUSAGE);
	assert_null(c);
	assert_non_null(strstr(ge_error_last(), "'cpu'"));
	/* By objects: shares follow objects, bytes are still bytes. */
	o.sample = "alloc_objects";
	assert_int_equal(ge_cost_join(&c, p, b.r, &o), 0);
	assert_int_equal(at(&b, c, 142, GE_KIND_MOVED)->bytes, 1001 * 24);
	assert_true(at(&b, c, 142, GE_KIND_MOVED)->share > 1000.0 / 23162 - 1e-9);
	assert_true(at(&b, c, 142, GE_KIND_MOVED)->share < 1002.0 / 23162);
	ge_cost_free(c);
	/* inuse_space: what was still live at the end (nothing much). */
	o.sample = "inuse_space";
	assert_int_equal(ge_cost_join(&c, p, b.r, &o), 0);
	assert_int_equal(c->total_bytes, 4448);
	ge_cost_free(c);
	/* The default sampling rate is stated. */
	o.sample = "alloc_space";
	p->period = 512 * 1024;
	assert_int_equal(ge_cost_join(&c, p, b.r, &o), 0);
	assert_int_equal(c->nwarnings, 1);
	assert_non_null(strstr(c->warnings[0], "profile 'mem.out' was sampled every 512 KiB"));
	ge_cost_free(c);
	p->period = 1;
	/* A profile of another program: nothing in the module, said so. */
	free(b.r->module);
	b.r->module = strdup("example.com/other");
	o.module_root = "/nonexistent";
	ge_cost_sites_free(b.sites);
	b.sites = NULL;
	{
		size_t i;
		for (i = 0; i < b.r->ndiags; i++)
			b.r->diags[i].file = "elsewhere.go";
	}
	assert_int_equal(ge_cost_join(&c, p, b.r, &o), 0);
	assert_int_equal(c->unmatched_bytes, c->total_bytes);
	assert_int_equal(c->nwarnings, 1);
	assert_string_equal(c->warnings[0],
	                    "profile 'mem.out' has no sample in a file of module "
	                    "'example.com/other': was it taken from another program?");
	ge_cost_free(c);
	release_build(&b);
	ge_pprof_free(p);
}

static void function_names(void **state)
{
	static const char *const cases[][2] = {
	    {"example.com/ex/hot.Adder.func1", "Adder.func1"},
	    {"example.com/ex/hot.(*T).M", "(*T).M"},
	    {"example.com/ex/hot.MapT[go.shape.int]", "MapT"},
	    {"example.com/ex/hot.(*List[go.shape.struct { example.com/x.F int }]).Push",
	     "(*List).Push"},
	    {"main.main.func2", "main.func2"},
	    {"mymod.F", "F"},
	    {"example.com/ex/hot.Adder.Add-fm", "Adder.Add-fm"},
	    {"Deep", "Deep"},
	};
	ge_buf b = GE_BUF_INIT;
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(ge_cost_func_name(&b, cases[i][0]), 0);
		assert_string_equal(b.ptr, cases[i][1]);
	}
	ge_buf_release(&b);
}

/* The JSON pieces are valid JSON with the numbers of the join. */
static void json_pieces(void **state)
{
	build b;
	ge_pprof *p = load_profile("go1.26.8-bench.pb.gz");
	ge_cost *c;
	ge_buf j = GE_BUF_INIT;
	cJSON *doc, *x;
	size_t i;
	int saw_map = 0, saw_concat = 0;
	char h[32];
	(void)state;
	load_build(&b, "go1.26.8-profilemod-m.txt");
	c = join(&b, p, b.root);
	assert_int_equal(ge_cost_json_profile(&j, c, "mem \"out\"", p->sha256), 0);
	assert_non_null(doc = cJSON_Parse(j.ptr));
	assert_string_equal(cJSON_GetObjectItem(doc, "file")->valuestring, "mem \"out\"");
	assert_string_equal(cJSON_GetObjectItem(doc, "sha256")->valuestring, p->sha256);
	assert_string_equal(cJSON_GetObjectItem(doc, "sample_type")->valuestring, "alloc_space");
	assert_int_equal(cJSON_GetObjectItem(doc, "total_bytes")->valuedouble, 2294192);
	assert_int_equal(cJSON_GetObjectItem(doc, "matched_bytes")->valuedouble, c->matched_bytes);
	assert_int_equal(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "inline_sites"), "agree")->valuedouble, 7);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "warnings")), 0);
	cJSON_Delete(doc);
	ge_buf_clear(&j);
	assert_int_equal(ge_cost_json_diag(&j, at(&b, c, 32, GE_KIND_ESCAPES)), 0);
	assert_non_null(doc = cJSON_Parse(j.ptr));
	assert_int_equal(cJSON_GetObjectItem(doc, "bytes")->valuedouble, 2002 * 24);
	assert_string_equal(cJSON_GetObjectItem(doc, "via_callee")->valuestring, "strconv.Itoa");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(doc, "line_shared")));
	cJSON_Delete(doc);
	ge_buf_clear(&j);
	assert_int_equal(ge_cost_json_diag(&j, at(&b, c, 42, GE_KIND_MOVED)), 0);
	assert_non_null(doc = cJSON_Parse(j.ptr));
	assert_int_equal(cJSON_GetObjectItem(doc, "bytes")->valuedouble, 0);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(doc, "via_callee")));
	cJSON_Delete(doc);
	ge_buf_clear(&j);
	assert_int_equal(ge_cost_json_hot_sites(&j, c, 0), 0);
	assert_non_null(doc = cJSON_Parse(j.ptr));
	assert_int_equal(cJSON_GetArraySize(doc), (int)c->nhot);
	for (i = 0; i < c->nhot; i++) {
		x = cJSON_GetArrayItem(doc, (int)i);
		if (cJSON_GetObjectItem(x, "line")->valueint == 118) {
			saw_map = 1;
			assert_string_equal(cJSON_GetObjectItem(x, "function")->valuestring,
			                    "MapGrow");
			assert_true(cJSON_IsNull(cJSON_GetObjectItem(x, "compiler")));
		}
		if (cJSON_GetObjectItem(x, "line")->valueint == 125) {
			saw_concat = 1;
			assert_string_equal(cJSON_GetObjectItem(x, "compiler")->valuestring,
			                    "a + b + a does not escape");
		}
	}
	assert_true(saw_map && saw_concat);
	cJSON_Delete(doc);
	ge_buf_clear(&j);
	assert_int_equal(ge_cost_json_hot_sites(&j, c, 1), 0);
	assert_non_null(doc = cJSON_Parse(j.ptr));
	assert_int_equal(cJSON_GetArraySize(doc), 1);
	cJSON_Delete(doc);
	ge_cost_human_bytes(h, 0);
	assert_string_equal(h, "0 B");
	ge_cost_human_bytes(h, 1023);
	assert_string_equal(h, "1023 B");
	ge_cost_human_bytes(h, 1024);
	assert_string_equal(h, "1.0 kB");
	ge_cost_human_bytes(h, 960960);
	assert_string_equal(h, "938.4 kB");
	ge_cost_human_bytes(h, 13000000);
	assert_string_equal(h, "12.4 MB");
	ge_cost_human_bytes(h, INT64_MAX);
	assert_string_equal(h, "8.0 EB");
	ge_buf_release(&j);
	ge_cost_free(c);
	release_build(&b);
	ge_pprof_free(p);
}

/* What the CLI calls: open, sizes, the ranked text, the report JSON, failing. */
static void cli_pieces(void **state)
{
	build b;
	ge_pprof *p = NULL;
	ge_cost *c;
	ge_buf j = GE_BUF_INIT, t = GE_BUF_INIT;
	cJSON *doc, *diags, *x;
	int64_t v;
	size_t i, ncost = 0, all;
	const char *l1, *l2;
	int fail_on[3] = {1, 1, 0};
	(void)state;
	/* open: the four sample types, refused profiles are GE_EBADINPUT naming the file */
	assert_int_equal(ge_cost_open(&p, PROFILES "go1.26.8-bench.pb.gz", "cpu"), GE_EUSAGE);
	assert_int_equal(ge_cost_open(&p, PROFILES "go1.26.8-cpu.pb.gz", "alloc_space"),
	                 GE_EBADINPUT);
	assert_non_null(strstr(ge_error_last(), "go1.26.8-cpu.pb.gz"));
	assert_int_equal(ge_cost_open(&p, PROFILES "no-such.pb.gz", "alloc_space"), GE_EBADINPUT);
	assert_int_equal(ge_cost_open(&p, "/dev/zero", "alloc_space"), GE_EBADINPUT);
	assert_null(p);
	assert_int_equal(ge_cost_open(&p, PROFILES "go1.26.8-bench.pb.gz", "inuse_objects"), 0);
	ge_pprof_free(p);
	assert_int_equal(ge_cost_open(&p, PROFILES "go1.26.8-bench.pb.gz", "alloc_space"), 0);

	/* sizes */
	assert_int_equal(ge_cost_parse_bytes(&v, "1000", "--n"), 0);
	assert_int_equal(v, 1000);
	assert_int_equal(ge_cost_parse_bytes(&v, "64K", "--n"), 0);
	assert_int_equal(v, 65536);
	assert_int_equal(ge_cost_parse_bytes(&v, "1MiB", "--n"), 0);
	assert_int_equal(v, 1 << 20);
	assert_int_equal(ge_cost_parse_bytes(&v, "2gb", "--n"), 0);
	assert_int_equal(v, INT64_C(2) << 30);
	assert_int_equal(ge_cost_parse_bytes(&v, "12Q", "--n"), GE_EUSAGE);
	assert_non_null(strstr(ge_error_last(), "'12Q'"));
	assert_int_equal(ge_cost_parse_bytes(&v, "-1", "--n"), GE_EUSAGE);
	assert_int_equal(ge_cost_parse_bytes(&v, "", "--n"), GE_EUSAGE);
	assert_int_equal(ge_cost_parse_bytes(&v, "99999999999999999999", "--n"), GE_EUSAGE);

	load_build(&b, "go1.26.8-profilemod-m.txt");
	c = join(&b, p, b.root);

	/* text: largest first, --top 2, hot sites, totals */
	assert_int_equal(ge_cost_text(&t, b.r, c, 2, 0), 0);
	l1 = strstr(t.ptr, "\n") + 1;
	assert_non_null(strstr(l1, "hot/hot.go:81  Grow  append escapes to heap\n"));
	l2 = strchr(l1, '\n') + 1;
	assert_true(strncmp(strchr(l2, 'h'), "hot/hot.go:32  ItoaBytes", 24) == 0);
	assert_non_null(strstr(t.ptr, "more (--top)"));
	assert_non_null(strstr(t.ptr, "hot/hot.go:118  MapGrow"));
	assert_non_null(strstr(t.ptr, "(a + b + a does not escape)"));
	assert_non_null(strstr(t.ptr, "\nprofile: "));

	/* the report JSON: a cost on every diagnostic, profile and hot_sites at the top */
	assert_int_equal(ge_cost_report_json(&j, b.r, c, "mem.out", p->sha256, 1), 0);
	assert_non_null(doc = cJSON_Parse(j.ptr));
	assert_string_equal(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "profile"), "file")->valuestring,
	    "mem.out");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "hot_sites")), 1);
	diags = cJSON_GetObjectItem(doc, "diagnostics");
	assert_int_equal((size_t)cJSON_GetArraySize(diags), b.r->ndiags);
	cJSON_ArrayForEach(x, diags)
	{
		assert_non_null(cJSON_GetObjectItem(x, "cost"));
		ncost++;
	}
	assert_int_equal(ncost, b.r->ndiags);
	cJSON_Delete(doc);

	/* failing: new ones only; a threshold keeps the costly ones */
	for (i = 0; i < b.r->ndiags; i++)
		b.r->diags[i].status = GE_STATUS_NEW;
	all = ge_cost_failing(b.r, c, fail_on, 0, 0);
	assert_true(all > 10);
	assert_int_equal(ge_cost_failing(b.r, c, fail_on, 65536, 0), 1); /* Grow's append */
	assert_int_equal(ge_cost_failing(b.r, c, fail_on, 0, 0.3), 1);
	assert_int_equal(ge_cost_failing(b.r, c, fail_on, 1 << 20, 0), 0);
	assert_int_equal(ge_cost_failing(b.r, c, fail_on, 1, 0) < all, 1); /* free ones pass */

	ge_buf_release(&j);
	ge_buf_release(&t);
	ge_cost_free(c);
	release_build(&b);
	ge_pprof_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(go126_bench),          cmocka_unit_test(go119_bench),
	    cmocka_unit_test(trimpath_and_delta),   cmocka_unit_test(stale_profile),
	    cmocka_unit_test(suffix_mapping),       cmocka_unit_test(line_shared),
	    cmocka_unit_test(options_and_warnings), cmocka_unit_test(function_names),
	    cmocka_unit_test(json_pieces),          cmocka_unit_test(workspace_paths),
	    cmocka_unit_test(cli_pieces),           cmocka_unit_test(profile_commit_map),
	    cmocka_unit_test(rank_rewrites),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
