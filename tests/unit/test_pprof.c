/*
 * lib/pprof: real heap profiles of tests/fixtures/profilemod made by Go
 * 1.19 and 1.26 (scripts/capture-profiles), decoded to the totals that
 * `go tool pprof -raw` gives, and hand-made wire encodings for the corners
 * of the format (packed and unpacked fields, unknown fields, groups,
 * overflowing varints, lengths past the end, sparse ids).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "pprof.h"

#define PROFILES "../fixtures/profiles/"

static void read_fixture(ge_buf *b, const char *name)
{
	ge_buf path = GE_BUF_INIT;
	ge_buf_printf(&path, PROFILES "%s", name);
	if (ge_file_read(b, path.ptr) < 0)
		fail_msg("cannot read fixture %s: %s", path.ptr, ge_error_last());
	ge_buf_release(&path);
}

/*
 * Totals per sample type, from
 *   go tool pprof -raw FILE | awk '/^Samples:/{s=1;next} /^Locations/{s=0}
 *     s && /^ +-?[0-9]+ +-?[0-9]+ +-?[0-9]+ +-?[0-9]+:/{a+=$1;b+=$2;c+=$3;d+=$4;n++}
 *     END{print n, a, b, c, d}'
 * (go1.26.8's pprof): samples, alloc_objects, alloc_space, inuse_objects, inuse_space;
 * and sha256sum FILE.
 */
static const struct {
	const char *name;
	size_t samples;
	int64_t totals[4];
	int default_set;
	const char *sha256;
} fixtures[] = {
    {"go1.19.8-bench.pb.gz",
     179,
     {24290, 2398992, 32, 5104},
     1,
     "9973aea0bc8ca2d4abefc97b027d596506a3bffdc261f5c81a4a4fdca39bdcc2"},
    {"go1.26.8-allocs-delta.pb.gz",
     414,
     {466017, 47016792, 639, -34272},
     0,
     "5e5a89b6e1b8931858cc7d49be2480ef7d38aa7be099f3f638e5a24ef5312d6c"},
    {"go1.26.8-bench-shifted.pb.gz",
     186,
     {23165, 2331112, 31, 4328},
     1,
     "c03666d153c1163dbaf0993c90a51a411ed4b053081522481cb34c29d4c8d052"},
    {"go1.26.8-bench-trimpath.pb.gz",
     189,
     {23167, 2331280, 31, 4352},
     1,
     "d643fd28602b40a98b3318426344e9bd20e163daab1031a92491d5ba3d7d9c5e"},
    {"go1.26.8-bench.pb.gz",
     184,
     {23162, 2294192, 31, 4448},
     1,
     "b7959561f6a90b4f2e1335b3e7e774ec871ae5e5ca16047f254ea27238304243"},
};
static const char *const type_names[] = {"alloc_objects", "alloc_space", "inuse_objects",
                                         "inuse_space"};

static void totals_match_pprof(void **state)
{
	size_t i, k;
	(void)state;
	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		ge_pprof *p = NULL;
		ge_buf path = GE_BUF_INIT;
		ge_buf_printf(&path, PROFILES "%s", fixtures[i].name);
		if (ge_pprof_load(&p, path.ptr) < 0)
			fail_msg("%s: %s", fixtures[i].name, ge_error_last());
		assert_int_equal(p->nsamples, fixtures[i].samples);
		assert_int_equal(p->nsample_types, 4);
		for (k = 0; k < 4; k++) {
			int idx = ge_pprof_sample_index(p, type_names[k]);
			assert_true(idx >= 0);
			if (ge_pprof_total(p, idx) != fixtures[i].totals[k])
				fail_msg("%s %s: %lld, want %lld", fixtures[i].name, type_names[k],
				         (long long)ge_pprof_total(p, idx),
				         (long long)fixtures[i].totals[k]);
		}
		assert_int_equal(ge_pprof_sample_index(p, "cpu"), -1);
		/* WriteHeapProfile-style deltas leave default_sample_type unset. */
		if (fixtures[i].default_set)
			assert_string_equal(p->default_sample_type, "alloc_space");
		else
			assert_null(p->default_sample_type);
		assert_string_equal(p->period_type.type, "space");
		assert_string_equal(p->period_type.unit, "bytes");
		assert_int_equal(p->period, 1); /* -memprofilerate=1 */
		assert_string_equal(p->sha256, fixtures[i].sha256);
		ge_pprof_free(p);
		ge_buf_release(&path);
	}
}

/* The name of a line's function. */
static const char *fname(const ge_pprof *p, const ge_pprof_line *l)
{
	return l->function == GE_PPROF_NONE ? "" : p->functions[l->function].name;
}

static void inline_chain_innermost_first(void **state)
{
	ge_pprof *p = NULL;
	size_t i;
	int found = 0;
	(void)state;
	assert_int_equal(ge_pprof_load(&p, PROFILES "go1.26.8-bench.pb.gz"), 0);
	for (i = 0; i < p->nlocations; i++) {
		const ge_pprof_location *loc = &p->locations[i];
		const ge_pprof_line *l = &p->lines[loc->first_line];
		if (loc->nlines != 4 ||
		    strcmp(fname(p, &l[0]), "example.com/profilemod/hot.Deep") != 0)
			continue;
		found = 1;
		assert_string_equal(fname(p, &l[1]), "example.com/profilemod/hot.Mid");
		assert_string_equal(fname(p, &l[2]), "example.com/profilemod/hot.Chain");
		assert_string_equal(fname(p, &l[3]), "example.com/profilemod/hot.Work");
		assert_int_equal(l[0].line, 65);  /* q := Point{...}; return &q */
		assert_int_equal(l[3].line, 145); /* SinkP = Chain(i) */
		assert_int_equal(p->functions[l[0].function].start_line, 64);
		assert_non_null(
		    strstr(p->functions[l[0].function].filename, "/profilemod/hot/hot.go"));
	}
	assert_true(found);
	ge_pprof_free(p);
	/* -trimpath: import-path file names. */
	assert_int_equal(ge_pprof_load(&p, PROFILES "go1.26.8-bench-trimpath.pb.gz"), 0);
	for (i = 0, found = 0; i < p->nfunctions; i++)
		if (strcmp(p->functions[i].name, "example.com/profilemod/hot.Work") == 0) {
			assert_string_equal(p->functions[i].filename,
			                    "example.com/profilemod/hot/hot.go");
			found = 1;
		}
	assert_true(found);
	ge_pprof_free(p);
}

/* The fixture inflated by zlib itself: raw profile.proto decodes the same. */
static void uncompressed_accepted(void **state)
{
	ge_buf gz = GE_BUF_INIT;
	size_t cap = 1 << 22;
	unsigned char *raw = malloc(cap);
	z_stream z;
	ge_pprof *a = NULL, *b = NULL;
	(void)state;
	read_fixture(&gz, "go1.26.8-bench.pb.gz");
	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, 16 + MAX_WBITS), Z_OK);
	z.next_in = (Bytef *)gz.ptr;
	z.avail_in = (uInt)gz.len;
	z.next_out = raw;
	z.avail_out = (uInt)cap;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(ge_pprof_parse(&a, raw, z.total_out, "mem.pb"), 0);
	assert_int_equal(ge_pprof_parse(&b, gz.ptr, gz.len, "mem.pb.gz"), 0);
	assert_int_equal(a->nsamples, b->nsamples);
	assert_int_equal(ge_pprof_total(a, 1), ge_pprof_total(b, 1));
	inflateEnd(&z);
	free(raw);
	ge_pprof_free(a);
	ge_pprof_free(b);
	ge_buf_release(&gz);
}

static void expect_bad(const void *data, size_t len, const char *name, const char *why)
{
	ge_pprof *p = (ge_pprof *)1;
	int rc = ge_pprof_parse(&p, data, len, name);
	if (rc != GE_EBADINPUT)
		fail_msg("%s: rc %d, want GE_EBADINPUT (%s)", why, rc, rc ? ge_error_last() : "");
	assert_null(p);
	if (!strstr(ge_error_last(), name) || !strstr(ge_error_last(), why))
		fail_msg("message '%s' lacks '%s' or '%s'", ge_error_last(), name, why);
}

static void not_heap_profiles(void **state)
{
	ge_buf b = GE_BUF_INIT;
	ge_pprof *p = (ge_pprof *)1;
	(void)state;
	read_fixture(&b, "go1.26.8-cpu.pb.gz");
	expect_bad(b.ptr, b.len, "cpu.out",
	           "not a heap profile (its sample types are samples/count, "
	           "cpu/nanoseconds)");
	ge_buf_clear(&b);
	read_fixture(&b, "go1.26.8-heap-debug1.txt");
	expect_bad(b.ptr, b.len, "heap.txt", "legacy text form");
	ge_buf_clear(&b);
	/* Truncated gzip, at several lengths. */
	read_fixture(&b, "go1.26.8-bench.pb.gz");
	expect_bad(b.ptr, b.len / 2, "mem.out", "truncated gzip data");
	expect_bad(b.ptr, b.len - 4, "mem.out", "truncated gzip data");
	expect_bad(b.ptr, 10, "mem.out", "truncated gzip data");
	/* Corrupt deflate data. */
	memset(b.ptr + 40, 0xff, 64);
	expect_bad(b.ptr, b.len, "mem.out", "gzip");
	expect_bad("", 0, "empty.out", "empty");
	expect_bad("hello, world\n", 13, "junk.out", "cannot read profile");
	assert_int_equal(ge_pprof_load(&p, PROFILES "no-such.pb.gz"), GE_ENOTFOUND);
	assert_null(p);
	ge_buf_release(&b);
}

/* ---- a tiny protobuf encoder for hand-made profiles ---- */

static void put_varint(ge_buf *b, uint64_t v)
{
	while (v >= 0x80) {
		ge_buf_putc(b, (char)(v | 0x80));
		v >>= 7;
	}
	ge_buf_putc(b, (char)v);
}

static void put_tag(ge_buf *b, uint32_t field, unsigned wt)
{
	put_varint(b, (uint64_t)field << 3 | wt);
}

static void put_uint(ge_buf *b, uint32_t field, uint64_t v)
{
	put_tag(b, field, 0);
	put_varint(b, v);
}

static void put_bytes(ge_buf *b, uint32_t field, const char *s, size_t n)
{
	put_tag(b, field, 2);
	put_varint(b, n);
	ge_buf_put(b, s, n);
}

static void put_msg(ge_buf *b, uint32_t field, ge_buf *m)
{
	put_bytes(b, field, m->ptr, m->len);
	ge_buf_clear(m);
}

/* strings: "", alloc_objects, count, alloc_space, bytes, main.f, /m/x.go, space */
static void put_strings(ge_buf *b)
{
	static const char *const s[] = {"",      "alloc_objects", "count",   "alloc_space",
	                                "bytes", "main.f",        "/m/x.go", "space"};
	size_t i;
	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		put_bytes(b, 6, s[i], strlen(s[i]));
}

static void put_types(ge_buf *b)
{
	ge_buf m = GE_BUF_INIT;
	put_uint(&m, 1, 1);
	put_uint(&m, 2, 2);
	put_msg(b, 1, &m);
	put_uint(&m, 1, 3);
	put_uint(&m, 2, 4);
	put_msg(b, 1, &m);
	put_uint(&m, 1, 7);
	put_uint(&m, 2, 4);
	put_msg(b, 11, &m);
	ge_buf_release(&m);
}

/*
 * One function (id fid), one location (id lid, two lines: an inline
 * chain), and a sample on it, values written packed or not.
 */
static void put_profile(ge_buf *b, int packed, uint64_t fid, uint64_t lid, int extras)
{
	ge_buf m = GE_BUF_INIT, l = GE_BUF_INIT, pk = GE_BUF_INIT;
	if (extras) {
		/* Unknown fields of every skippable wire type, before anything. */
		put_uint(b, 99, 12345);
		put_tag(b, 98, 1);
		ge_buf_put(b, "12345678", 8);
		put_bytes(b, 97, "skip me", 7);
		put_tag(b, 96, 5);
		ge_buf_put(b, "1234", 4);
	}
	put_types(b);
	if (packed) {
		put_varint(&pk, lid);
		put_bytes(&m, 1, pk.ptr, pk.len);
		ge_buf_clear(&pk);
		put_varint(&pk, 3);
		put_varint(&pk, 96);
		put_bytes(&m, 2, pk.ptr, pk.len);
	} else {
		put_uint(&m, 1, lid);
		put_uint(&m, 2, 3);
		put_uint(&m, 2, 96);
	}
	if (extras)
		put_bytes(&m, 3, "\x08\x01\x18\x60", 4); /* a label */
	put_msg(b, 2, &m);
	put_uint(&m, 1, lid);
	put_uint(&m, 2, 1); /* mapping id */
	put_uint(&l, 1, fid);
	put_uint(&l, 2, 7);
	if (extras)
		put_uint(&l, 3, 9); /* column, newer pprof */
	put_msg(&m, 4, &l);
	put_uint(&l, 1, fid);
	put_uint(&l, 2, 12);
	put_msg(&m, 4, &l);
	put_msg(b, 4, &m);
	put_uint(&m, 1, fid);
	put_uint(&m, 2, 5);
	put_uint(&m, 3, 5);
	put_uint(&m, 4, 6);
	put_uint(&m, 5, 3);
	put_msg(b, 5, &m);
	put_uint(b, 12, 524288);
	put_strings(b);
	ge_buf_release(&m);
	ge_buf_release(&l);
	ge_buf_release(&pk);
}

static void wire_forms(void **state)
{
	int packed, extras;
	(void)state;
	for (packed = 0; packed < 2; packed++) {
		for (extras = 0; extras < 2; extras++) {
			ge_buf b = GE_BUF_INIT;
			ge_pprof *p = NULL;
			put_profile(&b, packed, 7000, 1ULL << 40, extras);
			if (ge_pprof_parse(&p, b.ptr, b.len, "synthetic") < 0)
				fail_msg("packed=%d extras=%d: %s", packed, extras,
				         ge_error_last());
			assert_int_equal(p->nsamples, 1);
			assert_int_equal(p->samples[0].nlocs, 1);
			assert_int_equal(p->values[0], 3);
			assert_int_equal(p->values[1], 96);
			assert_int_equal(p->locations[p->locs[0]].id, 1ULL << 40);
			assert_int_equal(p->locations[p->locs[0]].nlines, 2);
			assert_int_equal(p->lines[p->locations[0].first_line + 1].line, 12);
			assert_string_equal(p->functions[p->lines[0].function].name, "main.f");
			assert_string_equal(p->functions[0].filename, "/m/x.go");
			assert_int_equal(p->functions[0].start_line, 3);
			assert_int_equal(p->period, 524288);
			assert_null(p->default_sample_type);
			ge_pprof_free(p);
			ge_buf_release(&b);
		}
	}
}

static void wire_refused(void **state)
{
	ge_buf b = GE_BUF_INIT, m = GE_BUF_INIT;
	size_t i;
	(void)state;
	/* A group (wire type 3) where a field would be. */
	put_tag(&b, 50, 3);
	put_tag(&b, 50, 4);
	put_types(&b);
	put_strings(&b);
	expect_bad(b.ptr, b.len, "g.pb", "groups are not supported");
	ge_buf_clear(&b);
	/* An 11-byte varint. */
	put_tag(&b, 99, 0);
	for (i = 0; i < 10; i++)
		ge_buf_putc(&b, (char)0xff);
	ge_buf_putc(&b, 1);
	expect_bad(b.ptr, b.len, "v.pb", "varint");
	ge_buf_clear(&b);
	/* A 10-byte varint over 64 bits. */
	put_tag(&b, 99, 0);
	for (i = 0; i < 9; i++)
		ge_buf_putc(&b, (char)0xff);
	ge_buf_putc(&b, 2);
	expect_bad(b.ptr, b.len, "v.pb", "varint overflows 64 bits");
	ge_buf_clear(&b);
	/* A length past the end. */
	put_tag(&b, 6, 2);
	put_varint(&b, 1000);
	ge_buf_puts(&b, "abc");
	expect_bad(b.ptr, b.len, "l.pb", "length runs past the end");
	ge_buf_clear(&b);
	/* A nested length past the end of its message, not of the data. */
	put_uint(&m, 1, 1);
	put_tag(&m, 4, 2);
	put_varint(&m, 50);
	put_msg(&b, 4, &m);
	put_types(&b);
	put_strings(&b);
	expect_bad(b.ptr, b.len, "n.pb", "length runs past the end of its message");
	ge_buf_clear(&b);
	/* Wire type 7. */
	put_tag(&b, 9, 7);
	expect_bad(b.ptr, b.len, "w.pb", "invalid wire type");
	ge_buf_clear(&b);
	/* A string index past the table. */
	put_uint(&m, 1, 1);
	put_uint(&m, 2, 200);
	put_msg(&b, 1, &m);
	put_strings(&b);
	expect_bad(b.ptr, b.len, "s.pb", "names string 200 of 8");
	ge_buf_clear(&b);
	/* string_table[0] must be "". */
	put_bytes(&b, 6, "x", 1);
	put_types(&b);
	expect_bad(b.ptr, b.len, "s0.pb", "string_table[0]");
	ge_buf_clear(&b);
	/* A sample naming a location nobody defined. */
	put_types(&b);
	put_uint(&m, 1, 42);
	put_uint(&m, 2, 1);
	put_uint(&m, 2, 1);
	put_msg(&b, 2, &m);
	put_strings(&b);
	expect_bad(b.ptr, b.len, "loc.pb", "location 42");
	ge_buf_clear(&b);
	/* A sample with one value for two sample types. */
	put_types(&b);
	put_uint(&m, 2, 1);
	put_msg(&b, 2, &m);
	put_strings(&b);
	expect_bad(b.ptr, b.len, "val.pb", "sample 1 has 1 values for 2 sample types");
	ge_buf_clear(&b);
	/* A location id given twice. */
	put_types(&b);
	put_uint(&m, 1, 5);
	put_msg(&b, 4, &m);
	put_uint(&m, 1, 5);
	put_msg(&b, 4, &m);
	put_strings(&b);
	expect_bad(b.ptr, b.len, "dup.pb", "location id 5 is defined twice");
	ge_buf_clear(&b);
	/* No sample types at all (an empty message is valid protobuf). */
	put_strings(&b);
	expect_bad(b.ptr, b.len, "none.pb", "no sample types");
	ge_buf_release(&b);
	ge_buf_release(&m);
}

/* SHA-256 padding edges: inputs of 55, 56 and 64 bytes of unknown-field padding. */
static void sha256_lengths(void **state)
{
	ge_buf b = GE_BUF_INIT, base = GE_BUF_INIT;
	char filler[127];
	ge_pprof *p = NULL;
	size_t target[] = {55, 56, 64, 119, 120, 128};
	size_t i;
	(void)state;
	memset(filler, 'x', sizeof(filler));
	put_types(&base);
	put_strings(&base);
	for (i = 0; i < sizeof(target) / sizeof(target[0]); i++) {
		size_t pad;
		ge_buf_clear(&b);
		ge_buf_put(&b, base.ptr, base.len);
		/* field 99, wire type 2, one-byte length, then filler */
		pad = target[i] + 64 - base.len - 3;
		assert_true(pad < sizeof(filler));
		put_bytes(&b, 99, filler, pad);
		assert_int_equal(b.len, target[i] + 64);
		assert_int_equal(ge_pprof_parse(&p, b.ptr, b.len, "sha"), 0);
		assert_int_equal(strlen(p->sha256), 64);
		{
			/* Against an independent implementation: zlib has none, so
			 * compare with the value sha256sum printed for this input. */
			FILE *f = fopen("sha-input.tmp", "wb");
			assert_non_null(f);
			fwrite(b.ptr, 1, b.len, f);
			fclose(f);
		}
		{
			FILE *pipe = popen("sha256sum sha-input.tmp", "r");
			char want[65] = "";
			assert_non_null(pipe);
			assert_int_equal(fscanf(pipe, "%64s", want), 1);
			pclose(pipe);
			assert_string_equal(p->sha256, want);
		}
		ge_pprof_free(p);
	}
	remove("sha-input.tmp");
	ge_buf_release(&b);
	ge_buf_release(&base);
}

/* A gzip stream that inflates past GE_PPROF_MAX_INFLATED is refused. */
static void inflate_bound(void **state)
{
	z_stream z;
	size_t chunk = 1 << 20, i, cap = 1 << 20;
	unsigned char *zeros = calloc(1, chunk), *outb = malloc(cap);
	ge_buf gz = GE_BUF_INIT;
	(void)state;
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
	                 Z_OK);
	for (i = 0; i <= (GE_PPROF_MAX_INFLATED >> 20); i++) {
		int flush = i == (GE_PPROF_MAX_INFLATED >> 20) ? Z_FINISH : Z_NO_FLUSH;
		z.next_in = zeros;
		z.avail_in = (uInt)chunk;
		do {
			z.next_out = outb;
			z.avail_out = (uInt)cap;
			deflate(&z, flush);
			ge_buf_put(&gz, (const char *)outb, cap - z.avail_out);
		} while (z.avail_out == 0);
	}
	deflateEnd(&z);
	expect_bad(gz.ptr, gz.len, "bomb.pb.gz", "inflates to more than 256 MiB");
	free(zeros);
	free(outb);
	ge_buf_release(&gz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(totals_match_pprof),
	    cmocka_unit_test(inline_chain_innermost_first),
	    cmocka_unit_test(uncompressed_accepted),
	    cmocka_unit_test(not_heap_profiles),
	    cmocka_unit_test(wire_forms),
	    cmocka_unit_test(wire_refused),
	    cmocka_unit_test(sha256_lengths),
	    cmocka_unit_test(inflate_bound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
