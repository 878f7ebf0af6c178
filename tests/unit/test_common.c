/*
 * lib/common: the growable buffer (never NULL, optionally bounded), the lockfile-style writer,
 * staged writes, and the check that a path the repository decides stays inside the module.  Each
 * test works in a fresh directory of its own under TMPDIR, with real files and links.
 */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

static char dir[1024];

/* A path under the test's directory (a static buffer per call slot). */
static const char *at(const char *rel)
{
	static char slots[8][PATH_MAX];
	static int next;
	char *p = slots[next++ % 8];
	assert_true(snprintf(p, PATH_MAX, "%s/%s", dir, rel) < PATH_MAX);
	return p;
}

static void put(const char *rel, const char *text)
{
	FILE *f = fopen(at(rel), "wb");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void expect_text(const char *rel, const char *text)
{
	ge_buf b = GE_BUF_INIT;
	assert_int_equal(ge_file_read(&b, at(rel)), 0);
	assert_string_equal(b.ptr, text);
	ge_buf_release(&b);
}

/* How many names in the test's directory hold GE_TMP_MARK. */
static int temps(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += strstr(e->d_name, GE_TMP_MARK) != NULL;
	closedir(d);
	return n;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

static int setup(void **state)
{
	const char *t = getenv("TMPDIR");
	(void)state;
	if (snprintf(dir, sizeof(dir), "%s/ge-common-XXXXXX", t && *t ? t : "/tmp") >=
	    (int)sizeof(dir))
		return -1;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void atomic_replaces_and_keeps_mode(void **state)
{
	struct stat st;
	(void)state;
	put("out.txt", "old\n");
	assert_int_equal(chmod(at("out.txt"), 0640), 0);
	assert_int_equal(ge_file_write_atomic(at("out.txt"), "new\n", 4, 0644), 0);
	expect_text("out.txt", "new\n");
	assert_int_equal(stat(at("out.txt"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(temps(), 0);
}

/* Names planted beside the output (old and new scheme) are never opened. */
static void atomic_ignores_planted_temps(void **state)
{
	char name[PATH_MAX];
	struct stat st;
	long pid = (long)getpid(), i;
	(void)state;
	put("victim", "victim\n");
	for (i = 0; i < 100; i++) {
		assert_true(snprintf(name, sizeof(name), "%s/out.sarif" GE_TMP_MARK "%ld", dir,
		                     pid + i) < (int)sizeof(name));
		assert_int_equal(symlink(at("victim"), name), 0);
	}
	assert_int_equal(ge_file_write_atomic(at("out.sarif"), "{}\n", 3, 0644), 0);
	expect_text("victim", "victim\n");
	expect_text("out.sarif", "{}\n");
	assert_int_equal(lstat(at("out.sarif"), &st), 0);
	assert_true(S_ISREG(st.st_mode));
}

/* A symlink at the output itself is replaced by the file, its target untouched. */
static void atomic_replaces_a_symlink(void **state)
{
	struct stat st;
	(void)state;
	put("victim", "victim\n");
	assert_int_equal(symlink(at("victim"), at("out.sarif")), 0);
	assert_int_equal(ge_file_write_atomic(at("out.sarif"), "{}\n", 3, 0644), 0);
	expect_text("victim", "victim\n");
	assert_int_equal(lstat(at("out.sarif"), &st), 0);
	assert_true(S_ISREG(st.st_mode));
}

/* The temp of a writer that is gone is removed; one of a live pid is kept. */
static void atomic_cleans_dead_writers(void **state)
{
	char dead[256], live[256];
	pid_t child = fork();
	(void)state;
	assert_true(child >= 0);
	if (child == 0)
		_exit(0);
	assert_int_equal(waitpid(child, NULL, 0), child);
	assert_true(snprintf(dead, sizeof(dead), "out" GE_TMP_MARK "%ld-0123456789abcdef",
	                     (long)child) < (int)sizeof(dead));
	assert_true(snprintf(live, sizeof(live), "out" GE_TMP_MARK "%ld-0123456789abcdef",
	                     (long)getppid()) < (int)sizeof(live));
	put(dead, "x");
	put(live, "x");
	assert_int_equal(ge_file_write_atomic(at("out"), "y", 1, 0644), 0);
	assert_int_equal(access(at(dead), F_OK), -1);
	assert_int_equal(access(at(live), F_OK), 0);
}

static void atomic_fails_cleanly(void **state)
{
	(void)state;
	assert_int_equal(ge_file_write_atomic(at("missing/out"), "y", 1, 0644), GE_ERROR);
	assert_non_null(strstr(ge_error_last(), "cannot write '"));
	assert_non_null(strstr(ge_error_last(), "missing/out': No such file or directory"));
}

static void stage_commits_all(void **state)
{
	ge_stage s = GE_STAGE_INIT;
	(void)state;
	put("a", "a0");
	put("b", "b0");
	assert_int_equal(ge_stage_add(&s, at("a"), "a", "a1", 2, 0644), 0);
	assert_int_equal(ge_stage_add(&s, at("b"), "b", "b1", 2, 0644), 0);
	/* Staged, not yet visible. */
	expect_text("a", "a0");
	expect_text("b", "b0");
	assert_int_equal(temps(), 2);
	assert_int_equal(ge_stage_commit(&s), 0);
	expect_text("a", "a1");
	expect_text("b", "b1");
	assert_int_equal(temps(), 0);
	assert_int_equal(s.n, 0);
}

/* A target that cannot be replaced fails at add, naming it; abort leaves nothing. */
static void stage_refuses_a_directory(void **state)
{
	ge_stage s = GE_STAGE_INIT;
	(void)state;
	put("a", "a0");
	assert_int_equal(mkdir(at("b"), 0755), 0);
	assert_int_equal(ge_stage_add(&s, at("a"), "a", "a1", 2, 0644), 0);
	assert_int_equal(ge_stage_add(&s, at("b"), "pkg/b.go", "b1", 2, 0644), GE_ERROR);
	assert_string_equal(ge_error_last(), "cannot write 'pkg/b.go': not a regular file");
	ge_stage_abort(&s);
	expect_text("a", "a0");
	assert_int_equal(temps(), 0);
}

static void inside_plain_and_missing(void **state)
{
	char *r = NULL;
	(void)state;
	assert_int_equal(ge_path_check_inside(&r, dir, at(".goescape/baseline.json")), 0);
	assert_non_null(strstr(r, "/.goescape/baseline.json"));
	free(r);
	assert_int_equal(ge_path_check_inside(NULL, dir, at("a/../b")), 0);
	assert_int_equal(ge_path_check_inside(NULL, dir, at("../x")), GE_EBADINPUT);
	assert_non_null(strstr(ge_error_last(), "is outside the module"));
}

static void inside_symlink_staying_inside(void **state)
{
	char *r = NULL, real[PATH_MAX];
	(void)state;
	assert_int_equal(mkdir(at("conf"), 0755), 0);
	assert_int_equal(symlink("conf", at(".goescape")), 0);
	assert_int_equal(ge_path_check_inside(&r, dir, at(".goescape/baseline.json")), 0);
	assert_non_null(realpath(dir, real));
	assert_int_equal(strncmp(r, real, strlen(real)), 0);
	assert_string_equal(r + strlen(real), "/conf/baseline.json");
	free(r);
}

static void inside_symlink_leaving(void **state)
{
	(void)state;
	assert_int_equal(mkdir(at("mod"), 0755), 0);
	assert_int_equal(mkdir(at("elsewhere"), 0755), 0);
	/* A directory on the way, absolute and relative. */
	assert_int_equal(symlink(at("elsewhere"), at("mod/.goescape")), 0);
	assert_int_equal(ge_path_check_inside(NULL, at("mod"), at("mod/.goescape/baseline.json")),
	                 GE_EBADINPUT);
	assert_string_equal(ge_error_last(), "'.goescape/baseline.json': '.goescape' is a symlink "
	                                     "leaving the module");
	assert_int_equal(mkdir(at("mod/sub"), 0755), 0);
	assert_int_equal(symlink("../../elsewhere", at("mod/sub/link")), 0);
	assert_int_equal(ge_path_check_inside(NULL, at("mod"), at("mod/sub/link/b.json")),
	                 GE_EBADINPUT);
	assert_string_equal(ge_error_last(),
	                    "'sub/link/b.json': 'sub/link' is a symlink leaving the module");
	/* The final component, dangling: where it would create the file counts. */
	assert_int_equal(symlink("../elsewhere/new.json", at("mod/b.json")), 0);
	assert_int_equal(ge_path_check_inside(NULL, at("mod"), at("mod/b.json")), GE_EBADINPUT);
	assert_string_equal(ge_error_last(), "'b.json': 'b.json' is a symlink leaving the module");
	/* A chain: inside, then out. */
	assert_int_equal(symlink("sub/link", at("mod/hop")), 0);
	assert_int_equal(ge_path_check_inside(NULL, at("mod"), at("mod/hop/x")), GE_EBADINPUT);
	assert_string_equal(ge_error_last(), "'hop/x': 'hop' is a symlink leaving the module");
	/* A loop is an error, not a hang. */
	assert_int_equal(symlink("loop", at("mod/loop")), 0);
	assert_true(ge_path_check_inside(NULL, at("mod"), at("mod/loop/x")) < 0);
}

/* ge_buf: ptr is a string from GE_BUF_INIT on, before any append and after release. */
static void buf_never_null(void **state)
{
	ge_buf b = GE_BUF_INIT, c;
	char *d;
	(void)state;
	assert_non_null(b.ptr);
	assert_string_equal(b.ptr, "");
	assert_int_equal(b.len, 0);
	ge_buf_clear(&b);
	ge_buf_truncate(&b, 0);
	assert_string_equal(b.ptr, "");
	/* Nothing appended: detach still hands out an owned "" and the buffer stays usable. */
	d = ge_buf_detach(&b);
	assert_non_null(d);
	assert_string_equal(d, "");
	free(d);
	assert_ptr_equal(b.ptr, ge_buf__empty);
	assert_int_equal(ge_buf_printf(&b, "%s-%d", "x", 7), 0);
	assert_string_equal(b.ptr, "x-7");
	assert_int_equal(b.len, 3);
	d = ge_buf_detach(&b);
	assert_string_equal(d, "x-7");
	free(d);
	assert_string_equal(b.ptr, "");
	assert_int_equal(ge_buf_puts(&b, "abc"), 0);
	ge_buf_release(&b);
	assert_non_null(b.ptr);
	assert_string_equal(b.ptr, "");
	ge_buf_release(&b); /* twice is fine */
	/* The shared empty string is never written through a buffer. */
	assert_int_equal(ge_buf__empty[0], '\0');
	/* ge_buf_init is GE_BUF_INIT for embedded buffers. */
	memset(&c, 0x5a, sizeof(c));
	ge_buf_init(&c, 0);
	assert_string_equal(c.ptr, "");
	assert_int_equal(ge_buf_put(&c, "", 0), 0);
	assert_string_equal(c.ptr, "");
	ge_buf_release(&c);
}

/* A zeroed buffer (calloc'd struct) owns nothing and works with every function. */
static void buf_zeroed_is_accepted(void **state)
{
	ge_buf b;
	char *d;
	(void)state;
	memset(&b, 0, sizeof(b));
	assert_string_equal(ge_buf_cstr(&b), "");
	d = ge_buf_detach(&b);
	assert_string_equal(d, "");
	free(d);
	memset(&b, 0, sizeof(b));
	assert_int_equal(ge_buf_putc(&b, 'q'), 0);
	assert_string_equal(b.ptr, "q");
	ge_buf_release(&b);
	assert_string_equal(b.ptr, "");
}

/* Bounded: appends up to max succeed, one past fails with GE_ETOOBIG and changes nothing. */
static void buf_bound(void **state)
{
	ge_buf b = GE_BUF_INIT_BOUNDED(8);
	char *d;
	(void)state;
	assert_int_equal(ge_buf_puts(&b, "12345"), 0);
	assert_int_equal(ge_buf_puts(&b, "6789"), GE_ETOOBIG);
	assert_non_null(strstr(ge_error_last(), "8 bytes"));
	assert_string_equal(b.ptr, "12345");
	assert_int_equal(b.len, 5);
	assert_int_equal(ge_buf_printf(&b, "%d", 6789), GE_ETOOBIG);
	assert_string_equal(b.ptr, "12345");
	assert_int_equal(ge_buf_grow(&b, 4), GE_ETOOBIG);
	assert_int_equal(ge_buf_puts(&b, "678"), 0); /* exactly max */
	assert_string_equal(b.ptr, "12345678");
	assert_int_equal(ge_buf_putc(&b, '9'), GE_ETOOBIG);
	assert_int_equal(ge_buf_put(&b, "", 0), 0); /* nothing more is fine */
	assert_int_equal(ge_buf_put_json(&b, "x"), GE_ETOOBIG);
	/* The bound outlives clear, release and detach. */
	ge_buf_clear(&b);
	assert_int_equal(ge_buf_puts(&b, "123456789"), GE_ETOOBIG);
	d = ge_buf_detach(&b);
	free(d);
	assert_int_equal(ge_buf_puts(&b, "123456789"), GE_ETOOBIG);
	ge_buf_release(&b);
	assert_int_equal(b.max, 8);
	assert_int_equal(ge_buf_puts(&b, "123456789"), GE_ETOOBIG);
	assert_int_equal(ge_buf_puts(&b, "12345678"), 0);
	assert_true(b.cap <= 9); /* never allocates past the bound */
	ge_buf_release(&b);
	/* Unbounded: large appends are fine. */
	{
		ge_buf u = GE_BUF_INIT;
		size_t i;
		for (i = 0; i < 10000; i++)
			assert_int_equal(ge_buf_putc(&u, 'a'), 0);
		assert_int_equal(u.len, 10000);
		assert_int_equal(ge_buf_grow(&u, SIZE_MAX - 5), GE_ENOMEM);
		ge_buf_release(&u);
	}
}

/*
 * The one JSON string policy (common.h): control bytes escaped, valid UTF-8
 * (U+FFFD itself too) kept, one \ufffd per maximal invalid subpart, as the
 * WHATWG decoder reads it: a truncated sequence is one, a surrogate or an
 * overlong form one per byte.
 */
static void json_string_policy(void **state)
{
	static const char in[] = "a\"b\\c\n\t\x01\x1f\x7f\xc3\xa9|\xff|\xe2\x82x|\xed\xa0\x80|"
	                         "\xef\xbf\xbd|\xf0\x9f\x98\x80|\xc0\xae|\xf0\x9f\x98";
	static const char want[] = "\"a\\\"b\\\\c\\n\\t\\u0001\\u001f\x7f\xc3\xa9|\\ufffd|\\ufffdx|"
	                           "\\ufffd\\ufffd\\ufffd|\xef\xbf\xbd|\xf0\x9f\x98\x80|"
	                           "\\ufffd\\ufffd|\\ufffd\"";
	ge_buf b = GE_BUF_INIT;
	(void)state;
	assert_int_equal(ge_buf_put_json(&b, in), 0);
	assert_string_equal(b.ptr, want);
	ge_buf_release(&b);
	assert_int_equal(ge_buf_put_json(&b, ""), 0);
	assert_string_equal(b.ptr, "\"\"");
	ge_buf_release(&b);
}

/* ge_path_join: dir, then rel, cleaned; rel alone when absolute or dir is empty. */
static void path_join_cases(void **state)
{
	static const char *const cases[][3] = {
	    {"/m/p", "a.go", "/m/p/a.go"},
	    {"/m/p/", "./a.go", "/m/p/a.go"},
	    {"/m/p", "../q/b.go", "/m/q/b.go"},
	    {"/m/p", "/abs/c.go", "/abs/c.go"},
	    {"", "x/../y.go", "y.go"},
	    {"m", "..", "."},
	    {"/", "a", "/a"},
	    {"/m", "", "/m"},
	};
	size_t i;
	char *p;
	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p = ge_path_join(cases[i][0], cases[i][1]);
		assert_non_null(p);
		assert_string_equal(p, cases[i][2]);
		free(p);
	}
	p = ge_path_join(NULL, "a//b/./c.go");
	assert_string_equal(p, "a/b/c.go");
	free(p);
}

/*
 * A large piece put through a sink goes out at once, in order after what
 * the buffer held, and the buffer keeps its last GE_BUF_KEEP_BYTES (what a
 * renderer may still rewrite); small pieces are plain appends.  The file
 * holds exactly the concatenation.
 */
static void buf_put_sunk_in_order(void **state)
{
	const char *tmp = getenv("TMPDIR");
	char path[PATH_MAX];
	size_t big = 3 * GE_BUF_FLUSH_BYTES + 17, i, total = 0;
	char *piece = malloc(big), *want = malloc(2 * big + 64), *got = malloc(2 * big + 64);
	ge_buf_sink k = {0, 0, 0};
	ge_buf b = GE_BUF_INIT;
	ssize_t n;
	(void)state;
	assert_non_null(piece);
	assert_non_null(want);
	assert_non_null(got);
	for (i = 0; i < big; i++)
		piece[i] = (char)('a' + (i * 7 + i / 1000) % 26);
	snprintf(path, sizeof(path), "%s/ge-sunk-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	k.fd = mkstemp(path);
	assert_true(k.fd >= 0);
	b.sink = &k;
	assert_int_equal(ge_buf_puts(&b, "head,"), 0);
	memcpy(want, "head,", 5);
	total = 5;
	assert_int_equal(ge_buf_put_sunk(&b, piece, big), 0);
	memcpy(want + total, piece, big);
	total += big;
	assert_int_equal(b.len, GE_BUF_KEEP_BYTES);
	assert_memory_equal(b.ptr, piece + big - GE_BUF_KEEP_BYTES, GE_BUF_KEEP_BYTES);
	assert_int_equal(ge_buf_put_sunk(&b, "small", 5), 0); /* a plain append */
	memcpy(want + total, "small", 5);
	total += 5;
	assert_int_equal(b.len, GE_BUF_KEEP_BYTES + 5);
	assert_int_equal(ge_buf_put_sunk(&b, piece + 1, big - 1), 0);
	memcpy(want + total, piece + 1, big - 1);
	total += big - 1;
	assert_int_equal(ge_buf_flush(&b, path), 0);
	assert_int_equal(k.flushed, total);
	assert_int_equal(lseek(k.fd, 0, SEEK_SET), 0);
	n = read(k.fd, got, 2 * big + 64);
	assert_int_equal(n, (ssize_t)total);
	assert_memory_equal(got, want, total);
	close(k.fd);
	unlink(path);
	ge_buf_release(&b);
	free(piece);
	free(want);
	free(got);
}

/* What a helper thread's signal mask holds (thread_mask's result). */
static void *thread_mask(void *arg)
{
	pthread_sigmask(SIG_BLOCK, NULL, arg);
	return NULL;
}

/* A helper thread takes no signal: SIGINT, SIGTERM and the rest are
 * blocked in it (the main thread's to take, lib/run's to forward); the
 * caller's mask is as it was. */
static void thread_blocks_signals(void **state)
{
	sigset_t in, before, after;
	pthread_t t;
	(void)state;
	sigemptyset(&in);
	pthread_sigmask(SIG_BLOCK, NULL, &before);
	assert_int_equal(sigismember(&before, SIGINT), 0);
	assert_int_equal(ge_thread_start(&t, thread_mask, &in), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(sigismember(&in, SIGINT), 1);
	assert_int_equal(sigismember(&in, SIGTERM), 1);
	assert_int_equal(sigismember(&in, SIGHUP), 1);
	assert_int_equal(sigismember(&in, SIGCHLD), 1);
	pthread_sigmask(SIG_BLOCK, NULL, &after);
	assert_int_equal(sigismember(&after, SIGINT), 0);
	assert_int_equal(sigismember(&after, SIGTERM), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(json_string_policy),
	    cmocka_unit_test(path_join_cases),
	    cmocka_unit_test(buf_never_null),
	    cmocka_unit_test(buf_zeroed_is_accepted),
	    cmocka_unit_test(buf_bound),
	    cmocka_unit_test(buf_put_sunk_in_order),
	    cmocka_unit_test_setup_teardown(atomic_replaces_and_keeps_mode, setup, teardown),
	    cmocka_unit_test_setup_teardown(atomic_ignores_planted_temps, setup, teardown),
	    cmocka_unit_test_setup_teardown(atomic_replaces_a_symlink, setup, teardown),
	    cmocka_unit_test_setup_teardown(atomic_cleans_dead_writers, setup, teardown),
	    cmocka_unit_test_setup_teardown(atomic_fails_cleanly, setup, teardown),
	    cmocka_unit_test_setup_teardown(stage_commits_all, setup, teardown),
	    cmocka_unit_test_setup_teardown(stage_refuses_a_directory, setup, teardown),
	    cmocka_unit_test_setup_teardown(inside_plain_and_missing, setup, teardown),
	    cmocka_unit_test_setup_teardown(inside_symlink_staying_inside, setup, teardown),
	    cmocka_unit_test_setup_teardown(inside_symlink_leaving, setup, teardown),
	    cmocka_unit_test(thread_blocks_signals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
