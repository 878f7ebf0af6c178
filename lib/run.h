/*
 * lib/run: running go.  argv only (posix_spawn, never a shell), stdout and
 * stdin inherited, stderr optionally captured through a pipe and handed to
 * a callback chunk by chunk, so nothing is buffered whole.
 *
 * While a child runs, SIGINT, SIGTERM and SIGHUP sent to goescape are
 * forwarded to it (unless goescape started with the signal ignored).  Such
 * a signal, or a child that died of one, ends the run: ge_run() and
 * ge_run_capture() return GE_EINTERRUPTED, and so does every later call
 * without starting anything.  Callers pass the code on after removing what
 * they made (goto done), never fall back to another go run, and the CLI
 * re-raises the signal (ge_run_reraise()) so goescape's own exit status is
 * the signal's.  A signal that arrives while no child runs takes its default
 * action: goescape ends at once, and no go starts after it.
 */
#ifndef GE_RUN_H
#define GE_RUN_H

#include <stddef.h>

#include "common.h"

/* Receives a chunk of the child's stderr; non-zero stops reading (the child
 * still runs to completion). */
typedef int (*ge_run_sink)(const char *buf, size_t len, void *ud);

/*
 * How one child is started (git's struct child_process): every spawn in
 * goescape goes through ge_run() with one of these, so every child gets the
 * same signal forwarding, GOESCAPE_DEPTH and descriptor handling.  Start
 * from GE_RUN_OPTS_INIT and set what differs.
 */
typedef struct ge_run_opts {
	const char *dir;       /* working directory for the child; NULL = ours */
	char *const *envp;     /* NULL = our environment */
	ge_run_sink on_stderr; /* NULL = stderr inherited */
	void *ud;
	int stdout_to_stderr; /* send the child's stdout into the stderr sink too */
	int quiet_stdout;     /* discard the child's stdout */
	ge_buf *out;          /* non-NULL: the child's stdout is appended here */
	int quiet_stderr;     /* discard the child's stderr (without on_stderr) */
} ge_run_opts;

/* Every field zero or NULL: inherit everything, as a plain fork and exec. */
#define GE_RUN_OPTS_INIT {.dir = NULL}

/*
 * Run argv[0] (a path) with argv.  *status receives a wait status (use
 * WIFEXITED etc.).  Returns GE_EINTERRUPTED when a signal ended the run
 * (see above; *status is still the child's), -1 with a message when the
 * child could not be started or waited for, GE_ENOMEM when opts->out could
 * not grow (the child still ran to its end).
 */
int ge_run(int *status, char *const *argv, const ge_run_opts *opts);

/* Run a program capturing its stdout in out (stderr inherited or discarded):
 * ge_run() with .out and .quiet_stderr set. */
int ge_run_capture(int *status, ge_buf *out, char *const *argv, const char *dir, int quiet_stderr);

/*
 * How many goescapes run this one: every child ge_run() and ge_run_exec()
 * start get GE_RUN_ENV_DEPTH one higher than ours, so a "go" that leads back
 * to goescape without being it (a wrapper script that execs goescape) can be
 * refused (ge_gocmd_find_go, at GE_MAX_DEPTH) instead of recursing for ever.
 * 0 when unset or not a number.
 */
#define GE_RUN_ENV_DEPTH "GOESCAPE_DEPTH"
int ge_run_depth(void);

/* The signal that ended the run (arrived during a child, or killed one), or 0.
 * Once set it stays set for the life of the process. */
int ge_run_signalled(void);
/* When a signal ended the run: flush stdio and die of that signal (returns
 * only when none did). */
void ge_run_reraise(void);
/* Exit the way the child did: re-raise its signal (or the one that ended the
 * run), or exit with its code. */
void ge_run_exit_like(int status);

/* Replace this process with argv (execv); returns only on failure. */
int ge_run_exec(char *const *argv);

#endif
