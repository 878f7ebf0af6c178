/*
 * lib/run: running go.  argv only (posix_spawn, never a shell), stdout and
 * stdin inherited, stderr optionally captured through a pipe and handed to
 * a callback chunk by chunk, so nothing is buffered whole.
 *
 * While a child runs, SIGINT, SIGTERM and SIGHUP sent to goescape are
 * forwarded to it; ge_run_signalled() then tells which one arrived so the
 * caller can clean up and re-raise it (ge_run_reraise()).
 */
#ifndef GE_RUN_H
#define GE_RUN_H

#include <stddef.h>

#include "common.h"

/* Receives a chunk of the child's stderr; non-zero stops reading (the child
 * still runs to completion). */
typedef int (*ge_run_sink)(const char *buf, size_t len, void *ud);

typedef struct ge_run_opts {
	const char *dir;   /* working directory for the child; NULL = ours */
	char *const *envp; /* NULL = our environment */
	ge_run_sink on_stderr; /* NULL = stderr inherited */
	void *ud;
	int stdout_to_stderr; /* send the child's stdout into the stderr sink too */
	int quiet_stdout; /* discard the child's stdout */
} ge_run_opts;

#define GE_RUN_OPTS_INIT {NULL, NULL, NULL, NULL, 0, 0}

/*
 * Run argv[0] (a path) with argv.  *status receives a wait status (use
 * WIFEXITED etc.).  Returns -1 with a message only when the child could not
 * be started or waited for.
 */
int ge_run(int *status, char *const *argv, const ge_run_opts *opts);

/* Run a program capturing its stdout in out (stderr inherited or discarded). */
int ge_run_capture(int *status, ge_buf *out, char *const *argv, const char *dir,
		   int quiet_stderr);

/* The signal that arrived during the last ge_run(), or 0. */
int ge_run_signalled(void);
/* Exit the way the child did: re-raise its signal, or exit with its code. */
void ge_run_exit_like(int status);

/* Replace this process with argv (execv); returns only on failure. */
int ge_run_exec(char *const *argv);

#endif
