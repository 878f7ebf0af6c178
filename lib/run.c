/* Spawning go: posix_spawn with an argv, pipes, signals, exit status. */
#define _GNU_SOURCE
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "gocmd.h"

extern char **environ;

/*
 * base (NULL: our environment) with GOESCAPE_DEPTH one more than ours, for
 * a child go (see ge_gocmd_depth).  The array is malloc'd, its strings are
 * base's except the last, *depth_var, which the caller frees too.
 */
static char **env_deeper(char *const *base, char **depth_var)
{
	size_t n = 0, i, o = 0, len = strlen(GE_ENV_DEPTH);
	char **env;
	ge_buf b = GE_BUF_INIT;
	*depth_var = NULL;
	if (!base)
		base = environ;
	while (base[n])
		n++;
	if (!(env = calloc(n + 2, sizeof(*env))))
		return NULL;
	for (i = 0; i < n; i++)
		if (!(strncmp(base[i], GE_ENV_DEPTH, len) == 0 && base[i][len] == '='))
			env[o++] = base[i];
	if (ge_buf_printf(&b, "%s=%d", GE_ENV_DEPTH, ge_gocmd_depth() + 1) < 0) {
		free(env);
		return NULL;
	}
	env[o] = *depth_var = ge_buf_detach(&b);
	return env;
}

static volatile sig_atomic_t child_pid;
/*
 * The signal that ended the run, or 0.  Sticky: once a SIGINT, SIGTERM or
 * SIGHUP arrived (or killed a child), every later ge_run() refuses to start
 * anything, so no go starts after the user asked to stop even when a caller
 * forgets to pass GE_EINTERRUPTED on.
 */
static volatile sig_atomic_t got_signal;

static const int fwd_sigs[] = {SIGINT, SIGTERM, SIGHUP};
#define NFWD (sizeof(fwd_sigs) / sizeof(fwd_sigs[0]))

static void forward(int sig)
{
	got_signal = sig;
	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
}

/*
 * Forward the signals to the child while it runs.  A signal ignored when
 * goescape started (nohup's SIGHUP, SIGINT of a background job of a shell
 * without job control) stays ignored, for the child too, as the user's
 * environment asked.
 */
static void forward_on(struct sigaction old[NFWD])
{
	struct sigaction sa;
	size_t i;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NFWD; i++) {
		sigaction(fwd_sigs[i], NULL, &old[i]);
		if (old[i].sa_handler != SIG_IGN)
			sigaction(fwd_sigs[i], &sa, NULL);
	}
}

static void forward_off(const struct sigaction old[NFWD])
{
	size_t i;
	for (i = 0; i < NFWD; i++)
		sigaction(fwd_sigs[i], &old[i], NULL);
}

static const char *sig_name(int sig)
{
	return sig == SIGINT    ? "SIGINT"
	       : sig == SIGTERM ? "SIGTERM"
	       : sig == SIGHUP  ? "SIGHUP"
	                        : "a signal";
}

static int interrupted_error(void)
{
	return ge_error_set(GE_EINTERRUPTED, "interrupted by %s", sig_name((int)got_signal));
}

/*
 * After a child ended: GE_EINTERRUPTED when a signal reached goescape
 * while it ran, or the child itself died of SIGINT, SIGTERM or SIGHUP (go
 * ignores SIGINT and exits 1 when its compilers die of it, so the status
 * alone cannot tell).
 */
static int after_child(int status)
{
	size_t i;
	if (!got_signal && WIFSIGNALED(status))
		for (i = 0; i < NFWD; i++)
			if (WTERMSIG(status) == fwd_sigs[i])
				got_signal = fwd_sigs[i];
	return got_signal ? interrupted_error() : 0;
}

int ge_run_signalled(void)
{
	return (int)got_signal;
}

void ge_run_reraise(void)
{
	int sig = (int)got_signal;
	sigset_t set;
	if (!sig)
		return;
	fflush(NULL);
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);
}

void ge_run_exit_like(int status)
{
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		signal(sig, SIG_DFL);
		raise(sig);
		_exit(128 + sig);
	}
	ge_run_reraise();
	exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

int ge_run(int *status, char *const *argv, const ge_run_opts *opts)
{
	struct sigaction old[NFWD];
	posix_spawn_file_actions_t fa;
	int pipefd[2] = {-1, -1}, devnull = -1, rc = -1, fa_init = 0, stop = 0;
	pid_t pid;
	char buf[65536], **env = NULL, *depth_var = NULL;

	assert(argv && argv[0] && status);
	*status = 0;
	if (got_signal)
		return interrupted_error();
	if (!(env = env_deeper(opts->envp, &depth_var)))
		return ge_error_set(GE_ENOMEM, "out of memory");
	if (opts->on_stderr && pipe2(pipefd, O_CLOEXEC) < 0) {
		rc = ge_error_errno(GE_ERROR, "cannot create a pipe");
		free(env);
		free(depth_var);
		return rc;
	}
	if (posix_spawn_file_actions_init(&fa) != 0)
		goto fail;
	fa_init = 1;
	if (opts->dir && posix_spawn_file_actions_addchdir_np(&fa, opts->dir) != 0)
		goto fail;
	if (opts->on_stderr) {
		if (posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2) != 0)
			goto fail;
		if (opts->stdout_to_stderr &&
		    posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1) != 0)
			goto fail;
	}
	if (opts->quiet_stdout) {
		devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (devnull < 0 || posix_spawn_file_actions_adddup2(&fa, devnull, 1) != 0)
			goto fail;
	}

	forward_on(old);
	errno = posix_spawn(&pid, argv[0], &fa, NULL, argv, env);
	if (errno != 0) {
		rc = ge_error_errno(GE_ERROR, "cannot run '%s'", argv[0]);
		forward_off(old);
		goto done;
	}
	child_pid = pid;
	if (got_signal) /* arrived between installing the handler and now */
		kill(pid, got_signal);

	if (opts->on_stderr) {
		close(pipefd[1]);
		pipefd[1] = -1;
		for (;;) {
			ssize_t n = read(pipefd[0], buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			if (!stop && opts->on_stderr(buf, (size_t)n, opts->ud) != 0)
				stop = 1;
		}
	}
	rc = 0;
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR) {
			rc = ge_error_errno(GE_ERROR, "cannot wait for '%s'", argv[0]);
			break;
		}
	}
	child_pid = 0;
	forward_off(old);
	if (after_child(*status) < 0)
		rc = GE_EINTERRUPTED;
	goto done;
fail:
	rc = ge_error_errno(GE_ERROR, "cannot prepare to run '%s'", argv[0]);
done:
	if (fa_init)
		posix_spawn_file_actions_destroy(&fa);
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (devnull >= 0)
		close(devnull);
	free(env);
	free(depth_var);
	return rc;
}

static int to_buf(const char *b, size_t n, void *ud)
{
	return ge_buf_put(ud, b, n) < 0 ? 1 : 0;
}

int ge_run_capture(int *status, ge_buf *out, char *const *argv, const char *dir, int quiet_stderr)
{
	posix_spawn_file_actions_t fa;
	struct sigaction old[NFWD];
	int pipefd[2] = {-1, -1}, devnull = -1, rc = -1;
	pid_t pid;
	char buf[65536], **env, *depth_var = NULL;
	*status = 0;
	if (got_signal)
		return interrupted_error();
	if (!(env = env_deeper(NULL, &depth_var)))
		return ge_error_set(GE_ENOMEM, "out of memory");
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		free(env);
		free(depth_var);
		return ge_error_errno(GE_ERROR, "cannot create a pipe");
	}
	if (posix_spawn_file_actions_init(&fa) != 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		free(env);
		free(depth_var);
		return ge_error_errno(GE_ERROR, "cannot prepare to run '%s'", argv[0]);
	}
	if (dir)
		posix_spawn_file_actions_addchdir_np(&fa, dir);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	if (quiet_stderr) {
		devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (devnull >= 0)
			posix_spawn_file_actions_adddup2(&fa, devnull, 2);
	}
	forward_on(old);
	errno = posix_spawn(&pid, argv[0], &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	free(env);
	free(depth_var);
	close(pipefd[1]);
	if (devnull >= 0)
		close(devnull);
	if (errno != 0) {
		rc = ge_error_errno(GE_ERROR, "cannot run '%s'", argv[0]);
		forward_off(old);
		close(pipefd[0]);
		return rc;
	}
	child_pid = pid;
	if (got_signal)
		kill(pid, got_signal);
	rc = 0;
	for (;;) {
		ssize_t n = read(pipefd[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (rc == 0 && to_buf(buf, (size_t)n, out))
			rc = GE_ENOMEM;
	}
	close(pipefd[0]);
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR) {
			rc = ge_error_errno(GE_ERROR, "cannot wait for '%s'", argv[0]);
			break;
		}
	child_pid = 0;
	forward_off(old);
	if (after_child(*status) < 0)
		rc = GE_EINTERRUPTED; /* wins over a failed read: nothing more is to run */
	return rc;
}

int ge_run_exec(char *const *argv)
{
	char **env, *depth_var = NULL;
	int err;
	if (got_signal)
		return interrupted_error();
	if (!(env = env_deeper(NULL, &depth_var)))
		return ge_error_set(GE_ENOMEM, "out of memory");
	execve(argv[0], argv, env);
	err = errno;
	free(env);
	free(depth_var);
	errno = err;
	return ge_error_errno(GE_ERROR, "cannot run '%s'", argv[0]);
}
