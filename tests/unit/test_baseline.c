/* lib/baseline and the reads under it: strict entries, bounded regular files;
 * rendering and writing a report of captured compiler output. */
#define _POSIX_C_SOURCE 200809L
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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "baseline.h"
#include "capture.h"
#include "fixture.h"

static char dir[] = "/tmp/goescape-test-baseline.XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* dir/name, in a static buffer. */
static const char *at(const char *name)
{
	static char p[256];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

static void put(const char *name, const char *text)
{
	FILE *f = fopen(at(name), "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

#define HEAD "{\"schema\":\"goescape-baseline/1\",\"diagnostics\":["
#define ENTRY(file, line, col)                                                                     \
	"{\"file\":" file ",\"line\":" line ",\"column\":" col ",\"function\":\"F\","              \
	"\"kind\":\"moved\",\"subject\":\"x\"}"

static void strict_entries(void **state)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
	    {HEAD ENTRY("\"a.go\"", "1", "2") "]}\n{}", "data after the JSON document"},
	    {HEAD ENTRY("\"a.go\"", "1", "2") "]} x", "data after the JSON document at byte"},
	    {HEAD ENTRY("\"\"", "1", "2") "]}", "diagnostic 1 has an empty \"file\""},
	    {HEAD ENTRY("\"a.go\"", "1", "2") "," ENTRY("\"a.go\"", "1.5", "2") "]}",
	     "diagnostic 2 has a \"line\" that is not a whole number"},
	    {HEAD ENTRY("\"a.go\"", "-1", "2") "]}", "\"line\" that is not a whole number"},
	    {HEAD ENTRY("\"a.go\"", "1e10", "2") "]}", "\"line\" that is not a whole number"},
	    {HEAD ENTRY("\"a.go\"", "\"1\"", "2") "]}", "\"line\" that is not a whole number"},
	    {HEAD ENTRY("\"a.go\"", "1", "0.25") "]}", "\"column\" that is not a whole number"},
	    {HEAD ENTRY("\"a.go\"", "1", "null") "]}", "\"column\" that is not a whole number"},
	    {HEAD "{\"line\":1,\"function\":\"F\",\"kind\":\"moved\",\"subject\":\"x\"}]}",
	     "diagnostic 1 lacks \"file\""},
	    {HEAD "{\"file\":\"a.go\",\"function\":\"F\",\"kind\":\"moved\",\"subject\":\"x\"}]}",
	     "diagnostic 1 lacks \"line\""},
	    {HEAD "{\"file\":\"a.go\",\"line\":1,\"kind\":\"moved\",\"subject\":\"x\"}]}",
	     "diagnostic 1 lacks \"function\""},
	    {HEAD "{\"file\":\"a.go\",\"line\":1,\"function\":\"F\",\"subject\":\"x\"}]}",
	     "diagnostic 1 lacks \"kind\""},
	    {HEAD "{\"file\":\"a.go\",\"line\":1,\"function\":\"F\",\"kind\":\"moved\"}]}",
	     "diagnostic 1 lacks \"subject\""},
	    {HEAD "3]}", "diagnostic 1 is not an object"},
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ge_report *r = NULL;
		ge_baseline_limits one = {.chunk = 1};
		put("b.json", bad[i].text);
		assert_int_equal(ge_baseline_load(&r, at("b.json")), GE_EBADINPUT);
		assert_null(r);
		if (!strstr(ge_error_last(), bad[i].want) || !strstr(ge_error_last(), at("b.json")))
			fail_msg("case %zu: message '%s' lacks '%s'", i, ge_error_last(),
			         bad[i].want);
		/* Read a byte at a time: the same message. */
		assert_int_equal(ge_baseline_load_limits(&r, at("b.json"), &one), GE_EBADINPUT);
		assert_null(r);
		if (!strstr(ge_error_last(), bad[i].want))
			fail_msg("case %zu, in pieces: message '%s' lacks '%s'", i, ge_error_last(),
			         bad[i].want);
	}
}

static void good_entries(void **state)
{
	ge_report *r = NULL;
	(void)state;
	/* 1e3 is the number 1000: JSON numbers are values, not spellings. */
	put("g.json", HEAD ENTRY("\"a.go\"", "1e3", "0") "," ENTRY("\"b.go\"", "7", "3") "]}\n\n");
	assert_int_equal(ge_baseline_load(&r, at("g.json")), 0);
	assert_int_equal(r->ndiags, 2);
	assert_int_equal(r->diags[0].line, 1000);
	ge_report_free(r);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A FIFO and /dev/zero behind a name: refused at once, the name in the message. */
static void not_regular(void **state)
{
	ge_report *r = NULL;
	double t0;
	(void)state;
	assert_int_equal(mkfifo(at("fifo"), 0600), 0);
	assert_int_equal(symlink("fifo", at("to-fifo")), 0);
	assert_int_equal(symlink("/dev/zero", at("to-zero")), 0);
	t0 = now();
	assert_int_equal(ge_baseline_load(&r, at("to-fifo")), GE_EBADINPUT);
	assert_non_null(strstr(ge_error_last(), "to-fifo"));
	assert_non_null(strstr(ge_error_last(), "a FIFO, not a regular file"));
	assert_int_equal(ge_baseline_load(&r, at("to-zero")), GE_EBADINPUT);
	assert_non_null(strstr(ge_error_last(), "to-zero"));
	assert_non_null(strstr(ge_error_last(), "a device"));
	assert_int_equal(ge_baseline_load(&r, dir), GE_EBADINPUT);
	assert_non_null(strstr(ge_error_last(), "a directory"));
	assert_true(now() - t0 < 1.0);
	assert_int_equal(ge_baseline_load(&r, at("none")), GE_ENOTFOUND);
}

/* Over the limit: decided from the size (a sparse file), or while reading. */
static void over_the_limit(void **state)
{
	ge_buf b = GE_BUF_INIT;
	int fd;
	ge_report *r = NULL;
	(void)state;
	fd = open(at("big.json"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)GE_BASELINE_MAX_BYTES + 1), 0);
	close(fd);
	assert_int_equal(ge_baseline_load(&r, at("big.json")), GE_EBADINPUT);
	assert_non_null(strstr(ge_error_last(), "big.json"));
	assert_non_null(strstr(ge_error_last(), "larger than the limit of 512 MiB"));
	/* The bounded read itself, at a small limit: exactly the limit is fine. */
	put("ten", "0123456789");
	assert_int_equal(ge_file_read_bounded(&b, at("ten"), 10), 0);
	assert_int_equal(b.len, 10);
	assert_int_equal(ge_file_read_bounded(&b, at("ten"), 9), GE_EBADINPUT);
	assert_int_equal(b.len, 10); /* what was there before stays */
	assert_non_null(strstr(ge_error_last(), "larger than the limit of 9 bytes"));
	ge_buf_release(&b);
}

/* The baseline is written by the one JSON writer: bytes that are not text still read back. */
static void invalid_utf8_and_control_bytes(void **state)
{
	ge_report *r = NULL, *back = NULL;
	ge_diag d;
	(void)state;
	memset(&d, 0, sizeof(d));
	d.package = "example.com/m/p";
	d.file = "p/caf\xe9\x01.go";
	d.function = "F\xe2\x82";
	d.subject = "s\x1b\xff";
	d.message = "s\x1b\xff escapes to heap";
	d.line = 3;
	d.column = 2;
	d.kind = GE_KIND_ESCAPES;
	assert_int_equal(ge_report_new(&r), 0);
	assert_int_equal(ge_report_add(r, &d), 0);
	assert_int_equal(ge_baseline_write(at("u.json"), r), 0);
	assert_int_equal(ge_baseline_load(&back, at("u.json")), 0);
	assert_int_equal(back->ndiags, 1);
	assert_string_equal(back->diags[0].file, "p/caf\xef\xbf\xbd\x01.go");
	assert_string_equal(back->diags[0].function, "F\xef\xbf\xbd");
	assert_string_equal(back->diags[0].subject, "s\x1b\xef\xbf\xbd");
	ge_report_free(r);
	ge_report_free(back);
}

/* A report of compiler output captured from go1.26.8 (tests/fixtures/parsemod). */
static ge_report *captured(void)
{
	ge_report *r = fixture_parsemod();
	if (!r)
		fail_msg("%s", ge_error_last());
	assert_int_equal(ge_report_set_meta(r, "go1.26.8", "example.com/parsemod",
	                                    "0123456789abcdef0123456789abcdef01234567", 0),
	                 0);
	return r;
}

static size_t lines_starting(const char *s, const char *prefix)
{
	size_t n = 0;
	for (; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL)
		n += strncmp(s, prefix, strlen(prefix)) == 0;
	return n;
}

/* Rendered: one diagnostic a line, no statuses, no fixed list, the same
 * bytes every time; written into a directory it creates, no temp left
 * beside it; loaded back: the same diagnostics. */
static void render_write_load(void **state)
{
	ge_report *r = captured(), *back = NULL;
	ge_buf a = GE_BUF_INIT, b = GE_BUF_INIT, file = GE_BUF_INIT;
	size_t i;
	(void)state;
	assert_true(r->ndiags > 10);
	for (i = 0; i < r->ndiags; i++)
		r->diags[i].status = i % 2 ? GE_STATUS_NEW : GE_STATUS_EXISTING;
	assert_int_equal(ge_baseline_render(&a, r), 0);
	assert_int_equal(ge_baseline_render(&b, r), 0);
	assert_string_equal(ge_buf_cstr(&a), ge_buf_cstr(&b));
	assert_int_equal(lines_starting(ge_buf_cstr(&a), "{\"file\":"), r->ndiags);
	assert_non_null(strstr(ge_buf_cstr(&a), "\"schema\": \"goescape-baseline/1\""));
	assert_null(strstr(ge_buf_cstr(&a), "\"status\""));
	assert_null(strstr(ge_buf_cstr(&a), "\"fixed\""));
	assert_null(strstr(ge_buf_cstr(&a), "\"fingerprint\""));

	assert_int_equal(ge_baseline_write(at("new/dir/b.json"), r), 0);
	assert_int_equal(ge_file_read(&file, at("new/dir/b.json")), 0);
	assert_string_equal(ge_buf_cstr(&file), ge_buf_cstr(&a));
	assert_int_equal(ge_baseline_write(at("new/dir/b.json"), r), 0); /* over itself */
	{
		char cmd[512];
		snprintf(cmd, sizeof(cmd), "test \"$(ls -A '%s')\" = b.json", at("new/dir"));
		assert_int_equal(system(cmd), 0);
	}
	assert_int_equal(ge_baseline_load(&back, at("new/dir/b.json")), 0);
	assert_int_equal(back->ndiags, r->ndiags);
	for (i = 0; i < r->ndiags; i++) {
		assert_string_equal(back->diags[i].file, r->diags[i].file);
		assert_int_equal(back->diags[i].line, r->diags[i].line);
		assert_string_equal(back->diags[i].function, r->diags[i].function);
		assert_int_equal(back->diags[i].line_hash, r->diags[i].line_hash);
		assert_int_equal(back->diags[i].status, GE_STATUS_NONE);
	}
	assert_string_equal(back->commit, r->commit);
	ge_report_free(back);
	ge_report_free(r);
	ge_buf_release(&a);
	ge_buf_release(&b);
	ge_buf_release(&file);
}

/* The report the whole-buffer reader gives for the file, as baseline text. */
static void whole_as_text(ge_buf *out, const char *name)
{
	ge_buf file = GE_BUF_INIT;
	ge_report *r = NULL;
	assert_int_equal(ge_file_read(&file, at(name)), 0);
	assert_int_equal(ge_report_from_json(&r, file.ptr, file.len, name), 0);
	assert_int_equal(ge_baseline_render(out, r), 0);
	ge_report_free(r);
	ge_buf_release(&file);
}

/*
 * Read in pieces of any size, a baseline and a report (with its fixed list)
 * give what the whole-buffer reader gives, by the streaming reader itself
 * (it never declines them); one element longer than value_max is declined
 * and read whole, to the same report.
 */
static void read_in_pieces(void **state)
{
	static const size_t chunks[] = {1, 2, 3, 7, 64, 4096, 0};
	ge_report *r = captured(), *back = NULL;
	ge_buf json = GE_BUF_INIT;
	const char *names[] = {"p.json", "pr.json"};
	size_t i, k;
	(void)state;
	assert_int_equal(ge_baseline_write(at("p.json"), r), 0);
	r->diags[0].status = GE_STATUS_NEW;
	assert_int_equal(ge_report_add_fixed(r, &r->diags[1]), 0);
	assert_int_equal(ge_report_to_json(&json, r), 0);
	/* Whitespace around the document and inside it, as JSON allows. */
	assert_int_equal(ge_buf_puts(&json, " \n\t\n"), 0);
	assert_int_equal(ge_file_write_atomic(at("pr.json"), json.ptr, json.len, 0600), 0);
	for (k = 0; k < 2; k++) {
		ge_buf want = GE_BUF_INIT;
		whole_as_text(&want, names[k]);
		for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
			ge_json_chunks jc = {.chunk = chunks[i]};
			ge_baseline_limits lim = {.chunk = chunks[i], .value_max = 100};
			ge_buf got = GE_BUF_INIT;
			int fd = open(at(names[k]), O_RDONLY);
			assert_true(fd >= 0);
			assert_int_equal(ge_report_from_json_fd(&back, fd, names[k], &jc), 0);
			close(fd);
			assert_int_equal(ge_baseline_render(&got, back), 0);
			assert_string_equal(got.ptr, want.ptr);
			if (k == 1)
				assert_int_equal(back->nfixed, 1);
			ge_report_free(back);
			ge_buf_clear(&got);
			assert_int_equal(ge_baseline_load_limits(&back, at(names[k]), &lim), 0);
			assert_int_equal(ge_baseline_render(&got, back), 0);
			assert_string_equal(got.ptr, want.ptr);
			ge_report_free(back);
			ge_buf_release(&got);
		}
		ge_buf_release(&want);
	}
	ge_buf_release(&json);
	ge_report_free(r);
}

/*
 * The whole-file bound is only the whole-tree reader's: a baseline larger
 * than it is read (in pieces); one the streaming reader declines gets the
 * bound's message as before; a file past file_max is refused at once.
 */
static void bounds_in_pieces(void **state)
{
	ge_report *r = captured(), *back = NULL;
	ge_buf text = GE_BUF_INIT, odd = GE_BUF_INIT;
	ge_baseline_limits lim = {.tree_max = 1024};
	char *at_key;
	(void)state;
	assert_int_equal(ge_baseline_render(&text, r), 0);
	assert_true(text.len > 4 * lim.tree_max);
	put("big.json", text.ptr);
	assert_int_equal(ge_baseline_load_limits(&back, at("big.json"), &lim), 0);
	assert_int_equal(back->ndiags, r->ndiags);
	ge_report_free(back);
	back = NULL;
	/* An escaped key: valid JSON the streaming reader leaves to the tree. */
	at_key = strstr(text.ptr, "\"diagnostics\"");
	assert_non_null(at_key);
	assert_int_equal(ge_buf_put(&odd, text.ptr, (size_t)(at_key - text.ptr)), 0);
	assert_int_equal(ge_buf_puts(&odd, "\"diagnostic\\u0073\""), 0);
	assert_int_equal(ge_buf_puts(&odd, at_key + strlen("\"diagnostics\"")), 0);
	put("odd.json", odd.ptr);
	assert_int_equal(ge_baseline_load_limits(&back, at("odd.json"), &lim), GE_EBADINPUT);
	assert_null(back);
	assert_non_null(strstr(ge_error_last(), "odd.json"));
	assert_non_null(strstr(ge_error_last(), "larger than the limit of 1 KiB"));
	assert_int_equal(ge_baseline_load(&back, at("odd.json")), 0); /* under the real bound */
	assert_int_equal(back->ndiags, r->ndiags);
	ge_report_free(back);
	back = NULL;
	lim.file_max = 2048;
	assert_int_equal(ge_baseline_load_limits(&back, at("big.json"), &lim), GE_EBADINPUT);
	assert_non_null(strstr(ge_error_last(), "larger than the limit of 2 KiB"));
	ge_buf_release(&text);
	ge_buf_release(&odd);
	ge_report_free(r);
}

/* A path that cannot be written: an error naming it, nothing left behind. */
static void write_refused(void **state)
{
	ge_report *r = captured();
	(void)state;
	put("plain", "x");
	assert_true(ge_baseline_write(at("plain/b.json"), r) < 0);
	assert_non_null(strstr(ge_error_last(), "plain"));
	ge_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(invalid_utf8_and_control_bytes),
	    cmocka_unit_test(strict_entries),
	    cmocka_unit_test(good_entries),
	    cmocka_unit_test(not_regular),
	    cmocka_unit_test(over_the_limit),
	    cmocka_unit_test(render_write_load),
	    cmocka_unit_test(write_refused),
	    cmocka_unit_test(read_in_pieces),
	    cmocka_unit_test(bounds_in_pieces),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
