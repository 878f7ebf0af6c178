/*
 * Matching benchmark: N base diagnostics against N head diagnostics
 * (default 1,000,000), with a realistic mix — most unchanged, lines shifted
 * in a tenth of the files, a few new and a few fixed.  Prints seconds and
 * peak RSS as "match N seconds rss_mb new fixed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "match.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fill(ge_report *r, size_t n, int head)
{
	static const char *const subj[] = {"x", "&T{}", "([]byte)(~r0)", "n", "func literal", "buf"};
	char file[64], fn[64];
	size_t i;
	for (i = 0; i < n; i++) {
		ge_diag d;
		size_t f = i / 100, k = i % 100;
		memset(&d, 0, sizeof(d));
		snprintf(file, sizeof(file), "pkg%04zu/file%02zu.go", f / 10, f % 10);
		snprintf(fn, sizeof(fn), "F%zu", k / 4);
		d.package = "example.com/big";
		d.file = file;
		d.function = fn;
		d.kind = (ge_kind)(k % 3);
		d.subject = subj[k % 6];
		d.message = d.subject;
		d.line = (uint32_t)(10 + k * 3);
		d.column = 2;
		d.line_hash = (uint64_t)i * 2654435761u;
		if (head) {
			if (f % 10 == 3)
				d.line += 7; /* lines added above */
			if (i % 1000 == 999) {
				d.subject = "fresh"; /* a new escape; the old one is fixed */
				d.line_hash ^= 1;
			}
		}
		if (ge_report_add(r, &d) < 0) {
			fprintf(stderr, "out of memory\n");
			exit(2);
		}
	}
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
	ge_report *base = NULL, *head = NULL;
	struct rusage ru;
	double t0, t1;
	ge_summary s;
	if (ge_report_new(&base) < 0 || ge_report_new(&head) < 0)
		return 2;
	fill(base, n, 0);
	fill(head, n, 1);
	t0 = now();
	if (ge_match(head, base, NULL) < 0) {
		fprintf(stderr, "match failed: %s\n", ge_error_last());
		return 2;
	}
	t1 = now();
	getrusage(RUSAGE_SELF, &ru);
	ge_report_summary(head, &s);
	printf("match %zu %.3f %.1f %zu %zu\n", n, t1 - t0, (double)ru.ru_maxrss / 1024.0, s.new_,
	       s.fixed);
	ge_report_free(base);
	ge_report_free(head);
	return 0;
}
