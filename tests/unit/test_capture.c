/*
 * lib/capture: compiler output captured from real toolchains
 * (tests/fixtures/compiler-output, Go version in the name) attributed to the
 * fixture modules they came from, read from a file descriptor (--input) and
 * streamed from "go build" — the spawn is replaced by __wrap_ge_run
 * (linked with -Wl,--wrap=ge_run, see UNIT_LDFLAGS_test_capture in the
 * Makefile), which plays the captured stderr back in small chunks, so the
 * line splitting across reads is exercised and no go runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture.h"
#include "fixture.h"
#include "run.h"

#define OUT FIXTURE_OUTPUT

/* ---- the fake go ---------------------------------------------------------- */

static const char *play_file;  /* what go "prints" on stderr */
static int play_exit;          /* and its exit code */
static char played_argv[4096]; /* the argv it was given, space-joined */
static size_t play_chunk = 7;  /* bytes a read */

int __wrap_ge_run(int *status, char *const *argv, const ge_run_opts *opts);
int __wrap_ge_run(int *status, char *const *argv, const ge_run_opts *opts)
{
	ge_buf in = GE_BUF_INIT;
	size_t i, n = 0;
	played_argv[0] = 0;
	for (i = 0; argv[i]; i++) {
		size_t l = strlen(argv[i]);
		if (n + l + 2 < sizeof(played_argv)) {
			memcpy(played_argv + n, argv[i], l);
			n += l;
			played_argv[n++] = ' ';
			played_argv[n] = 0;
		}
	}
	if (play_file) {
		assert_int_equal(ge_file_read(&in, play_file), 0);
		/* 7 bytes a read unless a test says otherwise: lines split anywhere */
		for (i = 0; i < in.len; i += play_chunk)
			if (opts->on_stderr(in.ptr + i,
			                    in.len - i < play_chunk ? in.len - i : play_chunk,
			                    opts->ud))
				break;
	}
	ge_buf_release(&in);
	*status = play_exit << 8;
	return 0;
}

/* ---- helpers -------------------------------------------------------------- */

static const ge_diag *find(const ge_report *r, const char *file, uint32_t line, uint32_t col,
                           const char *message)
{
	size_t i;
	for (i = 0; i < r->ndiags; i++)
		if (!strcmp(r->diags[i].file, file) && r->diags[i].line == line &&
		    r->diags[i].column == col && !strcmp(r->diags[i].message, message))
			return &r->diags[i];
	return NULL;
}

/* ---- --input --------------------------------------------------------------- */

/* The same module compiled by three Go versions: the escapes every one of
 * them reports are found, attributed to their functions, at the column
 * each printed. */
static void input_three_versions(void **state)
{
	static const char *const files[] = {"go1.19.8-m.txt", "go1.26.8-m.txt", "go1.27.3-m.txt"};
	/* go1.19 points at the call's '(' less one, newer ones at the argument */
	static const uint32_t col[] = {21, 27, 27};
	size_t i;
	(void)state;
	for (i = 0; i < 3; i++) {
		ge_report *r = NULL;
		const ge_diag *d;
		ge_summary s;
		assert_int_equal(fixture_input(&r, files[i], "../fixtures/parsemod", NULL, 0), 0);
		assert_non_null(d = find(r, "heapy/heapy.go", 44, 2, "moved to heap: x"));
		assert_int_equal(d->kind, GE_KIND_MOVED);
		assert_string_equal(d->package, "example.com/parsemod/heapy");
		assert_non_null(d = find(r, "fmtint/fmtint.go", 16, col[i], "n escapes to heap"));
		assert_string_equal(d->function, "Sprintf");
		assert_string_equal(d->subject, "n");
		ge_report_summary(r, &s);
		assert_true(s.heap >= 10);
		assert_true(s.packages >= 4);
		ge_report_free(r);
	}
}

/* Packages named: only they are kept, and the input says what it read. */
static void input_named_packages(void **state)
{
	char *const pkgs[] = {(char *)"./heapy"};
	ge_report *r = NULL;
	size_t i;
	(void)state;
	assert_int_equal(fixture_input(&r, "go1.26.8-m.txt", "../fixtures/parsemod", pkgs, 1), 0);
	assert_true(r->ndiags > 0);
	for (i = 0; i < r->ndiags; i++)
		assert_string_equal(r->diags[i].package, "example.com/parsemod/heapy");
	assert_true(ge_capture_input_saw("example.com/parsemod/heapy"));
	assert_true(ge_capture_input_saw("example.com/parsemod/fmtint"));
	assert_false(ge_capture_input_saw("example.com/parsemod/nosuch"));
	ge_report_free(r);
}

/* Not compiler output, and nothing at all: GE_EBADINPUT, never an empty report. */
static void input_not_compiler_output(void **state)
{
	char tmpl[] = "/tmp/ge-test-capture-XXXXXX", dir[PATH_MAX];
	static const char bin[] = "\x7f"
	                          "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0";
	ge_modset mods = GE_MODSET_INIT;
	ge_report *r = NULL;
	int fd;
	(void)state;
	assert_non_null(realpath("../fixtures/parsemod", dir));
	assert_int_equal(ge_modset_find(&mods, dir, "off"), 0);
	assert_true((fd = mkstemp(tmpl)) >= 0);
	assert_int_equal(write(fd, bin, sizeof(bin)), (ssize_t)sizeof(bin));
	lseek(fd, 0, SEEK_SET);
	assert_int_equal(ge_capture_input(&r, fd, "bin", &mods, dir), GE_EBADINPUT);
	assert_null(r);
	assert_non_null(strstr(ge_error_last(), "'bin'"));
	assert_int_equal(ftruncate(fd, 0), 0);
	lseek(fd, 0, SEEK_SET);
	assert_int_equal(ge_capture_input(&r, fd, "empty", &mods, dir), GE_EBADINPUT);
	assert_null(r);
	close(fd);
	unlink(tmpl);
	ge_modset_release(&mods);
}

/* The report of --input b (through the file fd) in parsemod, as JSON (malloc'd), or NULL. */
static char *input_json(int fd, const ge_buf *b)
{
	char dir[PATH_MAX];
	ge_modset mods = GE_MODSET_INIT;
	ge_report *r = NULL;
	ge_buf j = GE_BUF_INIT;
	assert_non_null(realpath("../fixtures/parsemod", dir));
	assert_int_equal(ge_modset_find(&mods, dir, "off"), 0);
	assert_int_equal(ftruncate(fd, 0), 0);
	lseek(fd, 0, SEEK_SET);
	assert_int_equal(write(fd, b->ptr, b->len), (ssize_t)b->len);
	lseek(fd, 0, SEEK_SET);
	if (ge_capture_input(&r, fd, "mixed", &mods, dir) == 0)
		assert_int_equal(ge_report_to_json(&j, r), 0);
	ge_report_free(r);
	ge_modset_release(&mods);
	return j.len ? ge_buf_detach(&j) : NULL;
}

static void put_file(ge_buf *b, const char *capture)
{
	ge_buf f = GE_BUF_INIT;
	char path[PATH_MAX];
	snprintf(path, sizeof(path), OUT "%s", capture);
	assert_int_equal(ge_file_read(&f, path), 0);
	assert_int_equal(ge_buf_put(b, f.ptr, f.len), 0);
	ge_buf_release(&f);
}

/*
 * The standard library's groups are passed over unparsed (nothing of them
 * is kept): what follows them is read as it would be alone, whether it
 * comes as plain lines or as build events, after a line of the group that
 * starts with '#', a line longer than a read, and a header that a read
 * splits.
 */
static void input_after_ignored_groups(void **state)
{
	static const char *const mod[] = {"go1.26.8-m.txt", "go1.26.8-json-m.txt"};
	char tmpl[] = "/tmp/ge-test-capture-XXXXXX";
	size_t i, k;
	int fd;
	(void)state;
	assert_true((fd = mkstemp(tmpl)) >= 0);
	for (i = 0; i < 2; i++) {
		ge_buf in = GE_BUF_INIT;
		char *alone, *mixed;
		put_file(&in, mod[i]);
		assert_non_null(alone = input_json(fd, &in));
		ge_buf_clear(&in);
		put_file(&in, "go1.26.8-std-m.txt"); /* 562 KB: groups across reads */
		assert_int_equal(ge_buf_puts(&in, "#x not a header\n"), 0);
		for (k = 0; k < 100000; k++) /* longer than a read and than a parsed line */
			assert_int_equal(ge_buf_putc(&in, 'x'), 0);
		assert_int_equal(ge_buf_puts(&in, "\n# errors\n"), 0);
		/* the next header starts 3 bytes before a 64 KiB boundary */
		k = (in.len / 65536 + 1) * 65536 - 3;
		assert_int_equal(ge_buf_puts(&in, "/usr/local/go/src/errors/errors.go:1:1: "), 0);
		while (in.len < k - 1)
			assert_int_equal(ge_buf_putc(&in, 'y'), 0);
		assert_int_equal(ge_buf_putc(&in, '\n'), 0);
		put_file(&in, mod[i]);
		assert_non_null(mixed = input_json(fd, &in));
		assert_string_equal(mixed, alone);
		/* The reader thread classified the module's lines and the lines
		 * that start with '#' or '{' (which end a group passed over),
		 * not the standard library's. */
		{
			ge_buf m = GE_BUF_INIT;
			size_t lines = 0, marked = 0, j;
			put_file(&m, mod[i]);
			for (j = 0; j < m.len; j++)
				lines += m.ptr[j] == '\n';
			for (j = 0; j < in.len; j++)
				if ((j == 0 || in.ptr[j - 1] == '\n') && (in.ptr[j] == '#' || in.ptr[j] == '{'))
					marked++;
			assert_true(ge_capture__ahead_classified() > 0);
			assert_true(ge_capture__ahead_classified() <= lines + marked);
			ge_buf_release(&m);
		}
		free(alone);
		free(mixed);
		ge_buf_release(&in);
	}
	close(fd);
	unlink(tmpl);
}

/*
 * A slot's lines past the AHEAD_LINES the reader classifies still decide
 * whether it classifies the next slot's: after an ignored group's header
 * that is the cap-th line, an attributed group's header in the rest of the
 * slot starts lines it must classify, not pass over as the ignored
 * group's (the main thread's second core, lost to the end of that group).
 */
static void input_header_past_line_cap(void **state)
{
	char tmpl[] = "/tmp/ge-test-capture-XXXXXX";
	ge_buf in = GE_BUF_INIT;
	size_t k, body = 0;
	char *json;
	int fd;
	(void)state;
	assert_true((fd = mkstemp(tmpl)) >= 0);
	for (k = 0; k < 4095; k++) /* 4095 lines classified, then "# fmt" the 4096th */
		assert_int_equal(ge_buf_putc(&in, '\n'), 0);
	assert_int_equal(ge_buf_puts(&in, "# fmt\n/usr/local/go/src/fmt/print.go:1:1: x\n"
	                                  "# example.com/parsemod\n"),
	                 0);
	while (in.len < 4 * 65536) { /* one attributed group over four slots */
		assert_int_equal(ge_buf_puts(&in, "./main.go:32:90: append escapes to heap\n"), 0);
		body++;
	}
	assert_non_null(json = input_json(fd, &in));
	assert_non_null(strstr(json, "\"main.go\""));
	/* The group's lines past the first slot (some 4,800) were classified. */
	assert_true(ge_capture__ahead_classified() > 4096 + body / 2);
	free(json);
	ge_buf_release(&in);
	close(fd);
	unlink(tmpl);
}

/* The report of --input b through a pipe (no reader thread), as JSON (malloc'd), or NULL. */
static char *pipe_json(const ge_buf *b)
{
	char dir[PATH_MAX];
	ge_modset mods = GE_MODSET_INIT;
	ge_report *r = NULL;
	ge_buf j = GE_BUF_INIT;
	int fds[2], st;
	pid_t pid;
	assert_non_null(realpath("../fixtures/parsemod", dir));
	assert_int_equal(ge_modset_find(&mods, dir, "off"), 0);
	assert_int_equal(pipe(fds), 0);
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		size_t o = 0;
		close(fds[0]);
		while (o < b->len) {
			ssize_t n = write(fds[1], b->ptr + o, b->len - o);
			if (n <= 0)
				_exit(1);
			o += (size_t)n;
		}
		_exit(0);
	}
	close(fds[1]);
	if (ge_capture_input(&r, fds[0], "piped", &mods, dir) == 0)
		assert_int_equal(ge_report_to_json(&j, r), 0);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ge_report_free(r);
	ge_modset_release(&mods);
	return j.len ? ge_buf_detach(&j) : NULL;
}

/*
 * The reader thread makes each attributed package's view ahead (its
 * directory listed, its files read and scanned), and attribution takes
 * it instead of reading the directory: the report is the one read from a
 * pipe, where there is no reader.  Not for a test variant right after its
 * package (the view is kept), nor for groups passed over; views made for
 * groups without lines (a hundred packages with no directory) are never
 * taken, and are freed (valgrind runs this).
 */
static void input_views_made_ahead(void **state)
{
	char tmpl[] = "/tmp/ge-test-capture-XXXXXX";
	ge_buf in = GE_BUF_INIT, heapy = GE_BUF_INIT;
	char *file, *piped;
	size_t made, taken, k;
	const char *h, *e;
	int fd;
	(void)state;
	assert_true((fd = mkstemp(tmpl)) >= 0);
	ge_capture__ahead_lead(0); /* views for every slot, whatever the timing */
	put_file(&in, "go1.26.8-m.txt"); /* six packages, each under one header */
	/* a header that names a directory outside the module: no view of it */
	assert_int_equal(ge_buf_puts(&in, "# example.com/parsemod/../gopkgmod/p\n"
	                                  "# example.com/parsemod/heapy/../../gopkgmod/p\n"),
	                 0);
	assert_non_null(file = input_json(fd, &in));
	ge_capture__ahead_views(&made, &taken);
	assert_int_equal(made, 6);
	assert_int_equal(taken, 6);
	assert_non_null(piped = pipe_json(&in));
	assert_string_equal(file, piped);
	free(file);
	free(piped);
	/* heapy's group again, as its test variant right after it, then a
	 * standard-library group, a hundred empty groups of the module and
	 * heapy's once more. */
	assert_non_null(h = strstr(in.ptr, "# example.com/parsemod/heapy\n"));
	assert_non_null(e = strstr(h, "# example.com/parsemod/heapy/inner\n"));
	assert_int_equal(ge_buf_put(&heapy, h, (size_t)(e - h)), 0);
	assert_int_equal(ge_buf_put(&in, heapy.ptr, heapy.len), 0);
	assert_int_equal(ge_buf_puts(&in, "# example.com/parsemod/heapy [example.com/parsemod/heapy.test]\n"), 0);
	assert_int_equal(ge_buf_put(&in, strchr(heapy.ptr, '\n') + 1,
	                            heapy.len - (size_t)(strchr(heapy.ptr, '\n') + 1 - heapy.ptr)),
	                 0);
	assert_int_equal(ge_buf_puts(&in, "# fmt\n/usr/local/go/src/fmt/print.go:1:1: x\n"), 0);
	for (k = 0; k < 100; k++) { /* some 20 a slot: 16 made in each */
		assert_int_equal(ge_buf_printf(&in, "# example.com/parsemod/none%zu\n./none.go:1:1: can inline ", k), 0);
		while (in.len % 3000)
			assert_int_equal(ge_buf_putc(&in, 'f'), 0);
		assert_int_equal(ge_buf_putc(&in, '\n'), 0);
	}
	/* heapy's last group at the start of a slot of its own, after more
	 * than ATTRIB_PENDING views never taken. */
	assert_int_equal(ge_buf_puts(&in, "./none.go:1:1: can inline "), 0);
	while ((in.len + 1) % 65536)
		assert_int_equal(ge_buf_putc(&in, 'f'), 0);
	assert_int_equal(ge_buf_putc(&in, '\n'), 0);
	assert_int_equal(ge_buf_put(&in, heapy.ptr, heapy.len), 0);
	assert_non_null(file = input_json(fd, &in));
	ge_capture__ahead_views(&made, &taken);
	/* AHEAD_VIEWS (16) in each of the first five slots (the first one's
	 * the module's seven and nine empty groups'), then heapy's. */
	assert_int_equal(made, 5 * 16 + 1);
	assert_int_equal(taken, 6 + 1 + 1);
	assert_non_null(piped = pipe_json(&in));
	assert_string_equal(file, piped);
	free(file);
	free(piped);
	ge_capture__ahead_lead(2);
	ge_buf_release(&heapy);
	ge_buf_release(&in);
	close(fd);
	unlink(tmpl);
}

/*
 * go1.26.8-m.txt from the line `from` up to the line `to`, times over, read
 * from a file with the reader making the views (its lead 0) and then from
 * a pipe, which has no reader: the two reports' JSON the same.  on_file and
 * on_pipe check the reader's test hooks after each.
 */
static void reader_and_pipe(const char *from, const char *to, size_t times, size_t min_len,
                            void (*on_file)(void), void (*on_pipe)(void))
{
	char tmpl[] = "/tmp/ge-test-capture-XXXXXX";
	ge_buf fix = GE_BUF_INIT, in = GE_BUF_INIT;
	char *file, *piped;
	const char *h, *e;
	size_t k;
	int fd;
	assert_true((fd = mkstemp(tmpl)) >= 0);
	ge_capture__ahead_lead(0);
	put_file(&fix, "go1.26.8-m.txt");
	assert_non_null(h = strstr(fix.ptr, from));
	assert_non_null(e = strstr(h, to));
	for (k = 0; k < times; k++)
		assert_int_equal(ge_buf_put(&in, h, (size_t)(e - h)), 0);
	assert_true(in.len > min_len);
	assert_non_null(file = input_json(fd, &in));
	on_file();
	assert_non_null(piped = pipe_json(&in));
	on_pipe();
	assert_string_equal(file, piped);
	free(file);
	free(piped);
	ge_capture__ahead_lead(2);
	ge_buf_release(&fix);
	ge_buf_release(&in);
	close(fd);
	unlink(tmpl);
}

static void prefaulted_some(void)
{
	assert_true(ge_capture__ahead_prefaulted() >= 4096);
}

static void prefaulted_none(void)
{
	assert_int_equal(ge_capture__ahead_prefaulted(), 0); /* a pipe: no reader */
}

/*
 * The reader faults the report's diagnostic array in ahead of attribution
 * (MADV_POPULATE_WRITE over the room past the last diagnostic) and the
 * report is the same as a pipe's, read without a reader: heapy's group
 * 400 times, 10 slots, the array doubled past 8,000 diagnostics.
 */
static void input_array_faulted_in_ahead(void **state)
{
	(void)state;
	reader_and_pipe("# example.com/parsemod/heapy\n", "# example.com/parsemod/heapy/inner\n", 400,
	                6 * 65536, prefaulted_some, prefaulted_none);
}

static void freed_by_reader(void)
{
	size_t made, taken;
	ge_capture__ahead_views(&made, &taken);
	assert_true(taken >= 100);
	assert_true(ge_capture__ahead_freed() >= 100);
	assert_true(ge_capture__ahead_freed() <= made);
}

static void freed_none(void)
{
	assert_int_equal(ge_capture__ahead_freed(), 0); /* a pipe: no reader */
}

/*
 * The views the reader made go back to it once attribution is done with
 * them, and it frees them (freed on this thread, each block of the
 * reader's heap took that heap's lock while the reader allocated from
 * it): two packages' groups one after the other, 1,000 times, each group a
 * view dropped at the next.  The report as a pipe's, which has no reader.
 * The input is 40 slots: a reader ahead takes its last look at the drops
 * up to 8 slots before the end (the rest are freed once it has stopped),
 * so at 300 times (12 slots) only the drops of the first 4 to 8 slots
 * were its own, near the count of 100, which failed 7 runs in 30.
 */
static void input_views_freed_by_reader(void **state)
{
	(void)state;
	reader_and_pipe("# example.com/parsemod/heapy\n", "# example.com/parsemod\n", 1000,
	                40 * 65536, freed_by_reader, freed_none);
}

/* ---- go build, through the fake go ---------------------------------------- */

typedef struct lines {
	ge_buf text;
	int n;
} lines;

static void on_output(const char *line, size_t len, void *ud)
{
	lines *l = ud;
	ge_buf_put(&l->text, line, len);
	ge_buf_putc(&l->text, '\n');
	l->n++;
}

static int build(ge_report **out, int *status, const char *module, lines *seen, int verbose)
{
	char dir[PATH_MAX];
	char *const args[] = {(char *)"build", (char *)"./..."};
	ge_modset mods = GE_MODSET_INIT;
	ge_capture_opts o = GE_CAPTURE_OPTS_INIT;
	int rc;
	assert_non_null(realpath(module, dir));
	assert_int_equal(ge_modset_find(&mods, dir, "off"), 0);
	o.go = "/usr/local/go/bin/go";
	o.args = args;
	o.nargs = 2;
	o.cwd = dir;
	o.mods = &mods;
	o.verbose = verbose;
	o.on_output = on_output;
	o.ud = seen;
	rc = ge_capture_build(out, status, &o);
	ge_modset_release(&mods);
	return rc;
}

/* A build: -m is added to what go runs, the diagnostics are in the report,
 * and the -m lines are not shown to the user (verbose shows them). */
static void build_adds_m_and_withholds_it(void **state)
{
	lines seen = {GE_BUF_INIT, 0};
	ge_report *r = NULL;
	int status = -1;
	(void)state;
	if (access("/usr/local/go/bin/go", X_OK) != 0)
		skip();
	play_file = OUT "go1.26.8-m.txt";
	play_exit = 0;
	assert_int_equal(build(&r, &status, "../fixtures/parsemod", &seen, 0), 0);
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_non_null(strstr(played_argv, " build "));
	assert_non_null(strstr(played_argv, "-m"));
	assert_non_null(find(r, "heapy/heapy.go", 44, 2, "moved to heap: x"));
	assert_null(strstr(ge_buf_cstr(&seen.text), "escapes to heap"));
	ge_report_free(r);
	ge_buf_release(&seen.text);

	r = NULL;
	seen.n = 0;
	assert_int_equal(build(&r, &status, "../fixtures/parsemod", &seen, 1), 0);
	assert_non_null(strstr(ge_buf_cstr(&seen.text), "heapy/heapy.go:44:2: moved to heap: x\n"));
	ge_report_free(r);
	ge_buf_release(&seen.text);
}

/* The replay hash (ge_capture_replay.got) of go's output played from text. */
static void replay_hash_of(uint64_t got[4], const char *text, size_t chunk)
{
	static char path[] = "/tmp/goescape-unit-replay-XXXXXX";
	char dir[PATH_MAX];
	char *const args[] = {(char *)"build", (char *)"./..."};
	ge_modset mods = GE_MODSET_INIT;
	ge_capture_opts o = GE_CAPTURE_OPTS_INIT;
	ge_capture_replay rp;
	lines seen = {GE_BUF_INIT, 0};
	ge_report *r = NULL;
	int status = -1, fd;
	memcpy(path + sizeof(path) - 7, "XXXXXX", 6);
	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	memset(&rp, 0, sizeof(rp));
	assert_non_null(realpath("../fixtures/parsemod", dir));
	assert_int_equal(ge_modset_find(&mods, dir, "off"), 0);
	o.go = "/usr/local/go/bin/go";
	o.args = args;
	o.nargs = 2;
	o.cwd = dir;
	o.mods = &mods;
	o.on_output = on_output;
	o.ud = &seen;
	o.replay = &rp;
	play_file = path;
	play_exit = 0;
	play_chunk = chunk;
	assert_int_equal(ge_capture_build(&r, &status, &o), 0);
	play_chunk = 7;
	memcpy(got, rp.got, sizeof(rp.got));
	unlink(path);
	ge_report_free(r);
	ge_buf_release(&seen.text);
	ge_modset_release(&mods);
}

/* The replay hash does not depend on where go's writes split its output
 * nor on the order of its "# pkg" blocks; it changes with any byte, with a
 * line moved from one block to another, and with a block split in two. */
static void replay_hash_split_and_order_free(void **state)
{
	static const char a[] = "# example.com/parsemod/heapy\n"
	                        "heapy/heapy.go:44:2: moved to heap: x\n"
	                        "heapy/heapy.go:50:9: &T{} escapes to heap # not a block\n";
	static const char b[] = "# example.com/parsemod/devirt\n"
	                        "devirt/devirt.go:13:6: can inline Square.Area\n";
	static const size_t chunks[] = {1, 2, 3, 7, 8, 9, 16, 61, 1u << 20};
	char ab[512], ba[512], x[512];
	uint64_t g0[4], g[4];
	size_t i;
	(void)state;
	if (access("/usr/local/go/bin/go", X_OK) != 0)
		skip();
	snprintf(ab, sizeof(ab), "%s%s", a, b);
	snprintf(ba, sizeof(ba), "%s%s", b, a);
	replay_hash_of(g0, ab, 7);
	assert_int_equal(g0[2], strlen(ab));
	assert_int_equal(g0[3], 2);
	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		replay_hash_of(g, ab, chunks[i]);
		assert_memory_equal(g, g0, sizeof(g));
		replay_hash_of(g, ba, chunks[i]);
		assert_memory_equal(g, g0, sizeof(g));
	}
	/* one byte changed, in either block; every position of the first */
	for (i = 0; i < strlen(ab); i++) {
		memcpy(x, ab, strlen(ab) + 1);
		x[i] = x[i] == 'q' ? 'r' : 'q';
		replay_hash_of(g, x, 8);
		assert_true(g[0] != g0[0] && g[1] != g0[1]);
	}
	/* the last line of a moved to the end of b: the same bytes, other blocks */
	snprintf(x, sizeof(x), "%.*s%s%s", (int)(strchr(strchr(a, '\n') + 1, '\n') + 1 - a), a, b,
	         strchr(strchr(a, '\n') + 1, '\n') + 1);
	assert_int_equal(strlen(x), strlen(ab));
	replay_hash_of(g, x, 7);
	assert_true(g[0] != g0[0] && g[1] != g0[1]);
	/* a block split in two by a header line */
	snprintf(x, sizeof(x), "%.*s#\n%s", (int)(strchr(a, '\n') + 1 - a), a, strchr(a, '\n') + 1);
	replay_hash_of(g, x, 7);
	assert_int_equal(g[3], 2);
	assert_true(g[0] != g0[0]);
}

/* A failed build: go's exit status is passed on, the compiler errors reach
 * the user with their "# pkg" header, and the packages that compiled still
 * have their escapes. */
static void build_failed(void **state)
{
	lines seen = {GE_BUF_INIT, 0};
	ge_report *r = NULL;
	int status = -1;
	(void)state;
	if (access("/usr/local/go/bin/go", X_OK) != 0)
		skip();
	play_file = OUT "go1.26.8-broken-m.txt";
	play_exit = 1;
	assert_int_equal(build(&r, &status, "../fixtures/brokenmod", &seen, 0), 0);
	assert_int_equal(WEXITSTATUS(status), 1);
	assert_non_null(r);
	assert_non_null(find(r, "good/good.go", 8, 2, "moved to heap: x"));
	assert_non_null(strstr(ge_buf_cstr(&seen.text), "# example.com/brokenmod/bad\n"));
	assert_non_null(strstr(ge_buf_cstr(&seen.text), "matched no packages"));
	assert_null(strstr(ge_buf_cstr(&seen.text), "moved to heap"));
	ge_report_free(r);
	ge_buf_release(&seen.text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(input_three_versions),
	    cmocka_unit_test(input_named_packages),
	    cmocka_unit_test(input_not_compiler_output),
	    cmocka_unit_test(input_after_ignored_groups),
	    cmocka_unit_test(input_header_past_line_cap),
	    cmocka_unit_test(input_views_made_ahead),
	    cmocka_unit_test(input_array_faulted_in_ahead),
	    cmocka_unit_test(input_views_freed_by_reader),
	    cmocka_unit_test(build_adds_m_and_withholds_it),
	    cmocka_unit_test(replay_hash_split_and_order_free),
	    cmocka_unit_test(build_failed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
