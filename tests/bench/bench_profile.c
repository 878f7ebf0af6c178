/*
 * Profile benchmark: decode a generated gzipped heap profile (default
 * 300,000 samples of 19 frames over 200,000 locations, about 15 MB gzipped,
 * as runtime/pprof writes it: gzip level 1, strings last) and join it with
 * a 10,000-diagnostic report.  Prints
 *   "profile SAMPLES gz_mb decode_s join_s total_s decode_cpu_s join_cpu_s rss_mb
 *    matched_share" (wall-clock seconds, then CPU seconds).
 *
 *   bench_profile [SAMPLES [DIAGS [OUT.pb.gz]]]
 *   bench_profile --load FILE.pb.gz [DIAGS]
 *
 * With OUT the generated profile is also written there (so go tool pprof
 * can check that it is a valid profile); --load decodes a file instead of
 * generating one, so the peak RSS is the decoder's and the join's alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <zlib.h>

#include "cost.h"

#define NFUNCS 20000
#define NLOCS  200000
#define DEPTH  19

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds: on a shared machine the wall clock says more about the neighbours. */
static double cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_profile: %s: %s\n", what, ge_error_last());
	exit(2);
}

static uint64_t rng = 88172645463325252ULL;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void varint(ge_buf *b, uint64_t v)
{
	char tmp[10];
	size_t n = 0;
	while (v >= 0x80) {
		tmp[n++] = (char)(v | 0x80);
		v >>= 7;
	}
	tmp[n++] = (char)v;
	if (ge_buf_put(b, tmp, n) < 0)
		die("encode");
}

static void field_uint(ge_buf *b, uint32_t f, uint64_t v)
{
	varint(b, (uint64_t)f << 3);
	varint(b, v);
}

static void field_bytes(ge_buf *b, uint32_t f, const char *s, size_t n)
{
	varint(b, (uint64_t)f << 3 | 2);
	varint(b, n);
	if (ge_buf_put(b, s, n) < 0)
		die("encode");
}

static void field_msg(ge_buf *b, uint32_t f, ge_buf *m)
{
	field_bytes(b, f, m->ptr, m->len);
	ge_buf_clear(m);
}

/*
 * Strings: 0 "", 1..4 the sample types' names, 5 count, 6 bytes, 7 space,
 * then per function its name and file.
 */
static void generate(ge_buf *out, size_t nsamples)
{
	static const char *const fixed[] = {
	    "",      "alloc_objects", "alloc_space", "inuse_objects", "inuse_space",
	    "count", "bytes",         "space"};
	ge_buf m = GE_BUF_INIT, l = GE_BUF_INIT, pk = GE_BUF_INIT;
	char s[128];
	size_t i, k;
	for (i = 0; i < 4; i++) {
		field_uint(&m, 1, 1 + i);
		field_uint(&m, 2, i % 2 ? 6 : 5);
		field_msg(out, 1, &m);
	}
	for (i = 0; i < nsamples; i++) {
		uint64_t objs = 1 + next() % 64, size = 16 << (next() % 6);
		ge_buf_clear(&pk);
		for (k = 0; k < DEPTH; k++)
			varint(&pk, 1 + (k == 0 ? next() % NLOCS
			                        : (i * 7 + k * 977 + next() % 16) % NLOCS));
		field_bytes(&m, 1, pk.ptr, pk.len);
		ge_buf_clear(&pk);
		varint(&pk, objs);
		varint(&pk, objs * size);
		varint(&pk, objs / 8);
		varint(&pk, objs / 8 * size);
		field_bytes(&m, 2, pk.ptr, pk.len);
		field_msg(out, 2, &m);
	}
	for (i = 0; i < NLOCS; i++) {
		size_t nl = i % 10 == 0 ? 3 : 1; /* a tenth are inline chains */
		field_uint(&m, 1, i + 1);
		field_uint(&m, 2, 1);
		field_uint(&m, 3, 0x400000 + i * 16);
		for (k = 0; k < nl; k++) {
			field_uint(&l, 1, 1 + (i + k * 31) % NFUNCS);
			field_uint(&l, 2, 10 + (i / NFUNCS) * 3 + k);
			field_msg(&m, 4, &l);
		}
		field_msg(out, 4, &m);
	}
	for (i = 0; i < NFUNCS; i++) {
		field_uint(&m, 1, i + 1);
		field_uint(&m, 2, 8 + 2 * i);
		field_uint(&m, 3, 8 + 2 * i);
		field_uint(&m, 4, 9 + 2 * i);
		field_uint(&m, 5, 5);
		field_msg(out, 5, &m);
	}
	field_uint(out, 9, 1700000000000000000ULL);
	field_uint(&m, 1, 7);
	field_uint(&m, 2, 6);
	field_msg(out, 11, &m);
	field_uint(out, 12, 524288);
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		field_bytes(out, 6, fixed[i], strlen(fixed[i]));
	for (i = 0; i < NFUNCS; i++) {
		int n = snprintf(s, sizeof(s), "example.com/big/pkg%04zu.F%zu", i / 100, i % 100);
		field_bytes(out, 6, s, (size_t)n);
		n = snprintf(s, sizeof(s), "/build/big/pkg%04zu/file%02zu.go", i / 100, i % 10);
		field_bytes(out, 6, s, (size_t)n);
	}
	ge_buf_release(&m);
	ge_buf_release(&l);
	ge_buf_release(&pk);
}

static void gzip_it(ge_buf *out, const ge_buf *in)
{
	z_stream z;
	size_t cap = in->len + in->len / 100 + 1024;
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK ||
	    ge_buf_grow(out, cap) < 0)
		die("gzip");
	z.next_in = (Bytef *)in->ptr;
	z.avail_in = (uInt)in->len;
	z.next_out = (Bytef *)out->ptr;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		die("gzip");
	out->len = z.total_out;
	deflateEnd(&z);
}

/* Diagnostics on the lines the generated locations name, in the generated files. */
static void fill(ge_report *r, size_t n)
{
	char file[64], fn[32];
	size_t i;
	if (ge_report_set_meta(r, "go1.26.8", "example.com/big", NULL, 0) < 0)
		die("report");
	for (i = 0; i < n; i++) {
		ge_diag d;
		size_t f = (i * 37) % NFUNCS;
		memset(&d, 0, sizeof(d));
		snprintf(file, sizeof(file), "pkg%04zu/file%02zu.go", f / 100, f % 10);
		snprintf(fn, sizeof(fn), "F%zu", f % 100);
		d.package = "example.com/big";
		d.file = file;
		d.function = fn;
		d.kind = i % 5 == 4 ? GE_KIND_LEAK : (ge_kind)(i % 2);
		d.subject = "x";
		d.message = "x escapes to heap";
		d.line = (uint32_t)(10 + (i % 10) * 3);
		d.column = 2;
		if (ge_report_add(r, &d) < 0)
			die("report");
	}
	ge_report_sort(r);
}

int main(int argc, char **argv)
{
	int load = argc > 2 && strcmp(argv[1], "--load") == 0;
	size_t nsamples = argc > 1 && !load ? (size_t)strtoull(argv[1], NULL, 10) : 300000;
	size_t ndiags = argc > 2 + load ? (size_t)strtoull(argv[2 + load], NULL, 10) : 10000;
	ge_buf raw = GE_BUF_INIT, gz = GE_BUF_INIT;
	ge_report *r = NULL;
	ge_pprof *p = NULL;
	ge_cost *c = NULL;
	ge_cost_opts o = GE_COST_OPTS_INIT;
	struct rusage ru;
	double t0, t1, t2, c0, c1, c2;

	if (load) {
		if (ge_file_read(&gz, argv[2]) < 0)
			die(argv[2]);
	} else {
		generate(&raw, nsamples);
		gzip_it(&gz, &raw);
		ge_buf_release(&raw);
	}
	if (!load && argc > 3 && ge_file_write_atomic(argv[3], gz.ptr, gz.len, 0644) < 0)
		die(argv[3]);
	if (ge_report_new(&r) < 0)
		die("report");
	fill(r, ndiags);

	t0 = now();
	c0 = cpu();
	if (ge_pprof_parse(&p, gz.ptr, gz.len, "bench.pb.gz") < 0)
		die("decode");
	t1 = now();
	c1 = cpu();
	o.profile_name = "bench.pb.gz";
	o.module_root = "/build/big";
	if (ge_cost_join(&c, p, r, &o) < 0)
		die("join");
	t2 = now();
	c2 = cpu();
	getrusage(RUSAGE_SELF, &ru);
	printf("profile %zu %.1f %.3f %.3f %.3f %.3f %.3f %.1f %.3f\n", p->nsamples,
	       (double)gz.len / 1e6, t1 - t0, t2 - t1, t2 - t0, c1 - c0, c2 - c1,
	       (double)ru.ru_maxrss / 1024.0,
	       c->total_bytes ? (double)(c->matched_bytes + c->via_bytes) / (double)c->total_bytes
	                      : 0.0);
	ge_cost_free(c);
	ge_pprof_free(p);
	ge_report_free(r);
	ge_buf_release(&gz);
	return 0;
}
