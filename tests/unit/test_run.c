/*
 * lib/run: the one spawn path — pipes, stdout capture, GOESCAPE_DEPTH; and
 * real children (/bin/sh): exit statuses, stderr whole and in order through
 * the sink, a sink that stops, stdout to the sink or discarded, dir and
 * environment, the exit-like helpers in a forked child.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "run.h"

/* argv strings: run.h takes char *const *, as execv does. */
#define A(s) ((char *)(s))

static int count_sink(const char *buf, size_t len, void *ud)
{
	(void)buf;
	*(size_t *)ud += len;
	return 0;
}

/*
 * A child that writes 1 MiB to stdout and 1 MiB to stderr, interleaved:
 * both arrive whole, neither pipe blocks the child (a reader of one pipe
 * only would hang once the other fills).
 */
static void both_pipes_at_once(void **state)
{
	char *argv[] = {(char *)"/bin/sh", (char *)"-c",
	                (char *)"i=0; while [ $i -lt 16 ]; do head -c 65536 /dev/zero; "
	                        "head -c 65536 /dev/zero >&2; i=$((i+1)); done",
	                NULL};
	ge_run_opts ro = GE_RUN_OPTS_INIT;
	ge_buf out = GE_BUF_INIT;
	size_t err = 0;
	int status = -1;
	(void)state;
	ro.out = &out;
	ro.on_stderr = count_sink;
	ro.ud = &err;
	assert_int_equal(ge_run(&status, argv, &ro), 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(out.len, 1 << 20);
	assert_int_equal(err, 1 << 20);
	ge_buf_release(&out);
}

/* Every child sees GOESCAPE_DEPTH one more than ours, replacing ours. */
static void depth_one_higher(void **state)
{
	char *argv[] = {(char *)"/bin/sh", (char *)"-c",
	                (char *)"env | grep -c '^GOESCAPE_DEPTH='; echo $GOESCAPE_DEPTH", NULL};
	ge_buf out = GE_BUF_INIT;
	int status = -1;
	(void)state;
	setenv(GE_RUN_ENV_DEPTH, "3", 1);
	assert_int_equal(ge_run_depth(), 3);
	assert_int_equal(ge_run_capture(&status, &out, argv, NULL, 1), 0);
	assert_string_equal(ge_buf_cstr(&out), "1\n4\n");
	setenv(GE_RUN_ENV_DEPTH, "x", 1);
	assert_int_equal(ge_run_depth(), 0);
	unsetenv(GE_RUN_ENV_DEPTH);
	ge_buf_release(&out);
}

/* The exit status comes back; quiet_stderr discards, dir is the cwd. */
static void status_dir_quiet(void **state)
{
	char *argv[] = {(char *)"/bin/sh", (char *)"-c", (char *)"pwd; echo noise >&2; exit 5",
	                NULL};
	ge_run_opts ro = GE_RUN_OPTS_INIT;
	ge_buf out = GE_BUF_INIT;
	int status = -1;
	(void)state;
	ro.out = &out;
	ro.dir = "/";
	ro.quiet_stderr = 1;
	assert_int_equal(ge_run(&status, argv, &ro), 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 5);
	assert_string_equal(ge_buf_cstr(&out), "/\n");
	ge_buf_release(&out);
}

/*
 * A program that does not exist: an error with its name.  (Under valgrind,
 * whose posix_spawn cannot report a failed exec, the child exits 127.)
 */
static void cannot_run(void **state)
{
	char *argv[] = {(char *)"/nonexistent/go", NULL};
	ge_run_opts ro = GE_RUN_OPTS_INIT;
	int status = -1, rc;
	(void)state;
	rc = ge_run(&status, argv, &ro);
	if (rc == 0) {
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 127);
		return;
	}
	assert_true(rc < 0);
	assert_non_null(strstr(ge_error_last(), "'/nonexistent/go'"));
}

/* ---- real children: stderr whole and in order, stdout to the sink, env ---- */

/* The sink: everything the child wrote to stderr, in order. */
static int collect(const char *buf, size_t len, void *ud)
{
	return ge_buf_put((ge_buf *)ud, buf, len) < 0;
}

static void exit_status_and_stderr(void **state)
{
	char *const argv[] = {A("/bin/sh"), A("-c"), A("echo one >&2; echo two >&2; exit 3"), NULL};
	ge_run_opts o = GE_RUN_OPTS_INIT;
	ge_buf err = GE_BUF_INIT;
	int status = -1;
	(void)state;
	o.on_stderr = collect;
	o.ud = &err;
	assert_int_equal(ge_run(&status, argv, &o), 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 3);
	assert_string_equal(ge_buf_cstr(&err), "one\ntwo\n");
	assert_int_equal(ge_run_signalled(), 0);
	ge_buf_release(&err);
}

/* More than a pipe holds, in many chunks: every byte arrives, in order. */
static void large_stderr_whole(void **state)
{
	char *const argv[] = {
	    A("/bin/sh"), A("-c"),
	    A("i=0; while [ $i -lt 20000 ]; do echo line$i >&2; i=$((i+1)); done"), NULL};
	ge_run_opts o = GE_RUN_OPTS_INIT;
	ge_buf err = GE_BUF_INIT;
	int status = -1;
	(void)state;
	o.on_stderr = collect;
	o.ud = &err;
	assert_int_equal(ge_run(&status, argv, &o), 0);
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(err.len > 65536);
	assert_memory_equal(ge_buf_cstr(&err), "line0\nline1\n", 12);
	assert_non_null(strstr(ge_buf_cstr(&err), "\nline19999\n"));
	assert_string_equal(ge_buf_cstr(&err) + err.len - 10, "line19999\n");
	ge_buf_release(&err);
}

/* A sink that stops reading: the child still runs to its end. */
static int stop_at_once(const char *buf, size_t len, void *ud)
{
	(void)buf;
	(void)len;
	(*(int *)ud)++;
	return 1;
}

static void sink_stops(void **state)
{
	char tmpl[] = "/tmp/ge-test-run-XXXXXX";
	char cmd[PATH_MAX + 128], path[PATH_MAX];
	char *argv[] = {A("/bin/sh"), A("-c"), cmd, NULL};
	ge_run_opts o = GE_RUN_OPTS_INIT;
	int status = -1, calls = 0;
	(void)state;
	assert_non_null(mkdtemp(tmpl));
	snprintf(path, sizeof(path), "%s/done", tmpl);
	snprintf(cmd, sizeof(cmd), "echo x >&2; sleep 0.2; echo y >&2; : >%s; exit 4", path);
	o.on_stderr = stop_at_once;
	o.ud = &calls;
	assert_int_equal(ge_run(&status, argv, &o), 0);
	assert_int_equal(WEXITSTATUS(status), 4);
	assert_int_equal(calls, 1);
	assert_int_equal(access(path, F_OK), 0);
	unlink(path);
	rmdir(tmpl);
}

static void stdout_to_sink_and_dir_and_env(void **state)
{
	char tmpl[] = "/tmp/ge-test-run-XXXXXX";
	char *const argv[] = {A("/bin/sh"), A("-c"), A("pwd; echo \"v=$GE_TEST_V\" >&2"), NULL};
	char *const envp[] = {A("GE_TEST_V=seen"), A("PATH=/usr/bin:/bin"), NULL};
	char want[PATH_MAX + 64], real[PATH_MAX];
	ge_run_opts o = GE_RUN_OPTS_INIT;
	ge_buf err = GE_BUF_INIT;
	int status = -1;
	(void)state;
	assert_non_null(mkdtemp(tmpl));
	assert_non_null(realpath(tmpl, real));
	o.dir = real;
	o.envp = envp;
	o.on_stderr = collect;
	o.ud = &err;
	o.stdout_to_stderr = 1;
	assert_int_equal(ge_run(&status, argv, &o), 0);
	assert_int_equal(WEXITSTATUS(status), 0);
	snprintf(want, sizeof(want), "%s\nv=seen\n", real);
	assert_string_equal(ge_buf_cstr(&err), want);
	ge_buf_release(&err);
	rmdir(tmpl);
}

/* quiet_stdout: the child's stdout goes nowhere, not to ours. */
static void quiet_stdout(void **state)
{
	char *const argv[] = {A("/bin/sh"), A("-c"), A("echo LEAKED; echo kept >&2"), NULL};
	ge_run_opts o = GE_RUN_OPTS_INIT;
	ge_buf err = GE_BUF_INIT;
	char tmpl[] = "/tmp/ge-test-run-out-XXXXXX", got[64];
	int status = -1, fd, saved;
	ssize_t n;
	(void)state;
	assert_true((fd = mkstemp(tmpl)) >= 0);
	fflush(stdout);
	saved = dup(1);
	dup2(fd, 1);
	o.on_stderr = collect;
	o.ud = &err;
	o.quiet_stdout = 1;
	assert_int_equal(ge_run(&status, argv, &o), 0);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	n = pread(fd, got, sizeof(got), 0);
	close(fd);
	unlink(tmpl);
	assert_int_equal(n, 0);
	assert_string_equal(ge_buf_cstr(&err), "kept\n");
	ge_buf_release(&err);
}

static void capture_stdout(void **state)
{
	char *const argv[] = {A("/bin/sh"), A("-c"), A("printf 'a\\0b'; echo noise >&2; exit 0"),
	                      NULL};
	char *const argv2[] = {A("/bin/sh"), A("-c"), A("exit 7"), NULL};
	ge_buf out = GE_BUF_INIT;
	int status = -1;
	(void)state;
	assert_int_equal(ge_run_capture(&status, &out, argv, NULL, 1), 0);
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(out.len, 3);
	assert_memory_equal(out.ptr, "a\0b", 3);
	ge_buf_release(&out);
	assert_int_equal(ge_run_capture(&status, &out, argv2, "/", 1), 0);
	assert_int_equal(WEXITSTATUS(status), 7);
	assert_int_equal(out.len, 0);
	ge_buf_release(&out);
}

/* In a forked child: exit_like passes the exit code on, exec replaces us. */
static void exit_like_and_exec(void **state)
{
	int st = 0;
	pid_t pid;
	(void)state;
	fflush(NULL);
	if ((pid = fork()) == 0) {
		ge_run_reraise(); /* no signal ended a run: returns */
		ge_run_exit_like(5 << 8);
		_exit(99);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 5);
	if ((pid = fork()) == 0) {
		char *const argv[] = {A("/bin/sh"), A("-c"), A("exit 6"), NULL};
		ge_run_exec(argv);
		_exit(99);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_int_equal(WEXITSTATUS(st), 6);
	if ((pid = fork()) == 0) {
		char *const argv[] = {A("/nonexistent/ge-no-such"), NULL};
		_exit(ge_run_exec(argv) < 0 ? 42 : 99);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_int_equal(WEXITSTATUS(st), 42);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(both_pipes_at_once),
	    cmocka_unit_test(depth_one_higher),
	    cmocka_unit_test(status_dir_quiet),
	    cmocka_unit_test(cannot_run),
	    cmocka_unit_test(exit_status_and_stderr),
	    cmocka_unit_test(large_stderr_whole),
	    cmocka_unit_test(sink_stops),
	    cmocka_unit_test(stdout_to_sink_and_dir_and_env),
	    cmocka_unit_test(quiet_stdout),
	    cmocka_unit_test(capture_stdout),
	    cmocka_unit_test(exit_like_and_exec),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
