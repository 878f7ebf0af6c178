/* lib/run: the one spawn path — pipes, stdout capture, GOESCAPE_DEPTH. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "run.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(both_pipes_at_once),
	    cmocka_unit_test(depth_one_higher),
	    cmocka_unit_test(status_dir_quiet),
	    cmocka_unit_test(cannot_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
