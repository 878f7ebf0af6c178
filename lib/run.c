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

extern char **environ;

int ge_run_depth(void)
{
	const char *v = getenv(GE_RUN_ENV_DEPTH);
	long d;
	char *end;
	if (!v || !*v)
		return 0;
	d = strtol(v, &end, 10);
	return *end || d < 0 || d > 1000 ? 0 : (int)d;
}

/*
 * base (NULL: our environment) with GOESCAPE_DEPTH one more than ours, for
 * a child (see ge_run_depth).  The array is malloc'd, its strings are
 * base's except the last, *depth_var, which the caller frees too.
 */
static char **env_deeper(char *const *base, char **depth_var)
{
	size_t n = 0, i, o = 0, len = strlen(GE_RUN_ENV_DEPTH);
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
		if (!(strncmp(base[i], GE_RUN_ENV_DEPTH, len) == 0 && base[i][len] == '='))
			env[o++] = base[i];
	if (ge_buf_printf(&b, "%s=%d", GE_RUN_ENV_DEPTH, ge_run_depth() + 1) < 0) {
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

/*
 * Read the child's pipes until both are closed: errfd (stderr, maybe with
 * stdout) into the sink, outfd (stdout) into out.  Either may be -1.  A sink
 * that asks to stop, or a buffer that cannot grow, stops delivering, never
 * reading: the child must not block on a full pipe.  GE_ENOMEM when out
 * could not grow.  Closes both descriptors.
 */
static int drain(int errfd, int outfd, const ge_run_opts *opts)
{
	struct pollfd pf[2];
	char buf[65536];
	int stop = 0, rc = 0;
	while (errfd >= 0 || outfd >= 0) {
		nfds_t n = 0;
		size_t k;
		if (errfd >= 0)
			pf[n++] = (struct pollfd){.fd = errfd, .events = POLLIN};
		if (outfd >= 0)
			pf[n++] = (struct pollfd){.fd = outfd, .events = POLLIN};
		if (n == 2 && poll(pf, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			rc = ge_error_errno(GE_ERROR, "cannot read from a child");
			close(errfd);
			close(outfd);
			return rc;
		}
		for (k = 0; k < n; k++) {
			ssize_t got;
			if (n == 2 && !(pf[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			got = read(pf[k].fd, buf, sizeof(buf));
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0) {
				close(pf[k].fd);
				if (pf[k].fd == errfd)
					errfd = -1;
				else
					outfd = -1;
				continue;
			}
			if (pf[k].fd == errfd) {
				if (!stop && opts->on_stderr(buf, (size_t)got, opts->ud) != 0)
					stop = 1;
			} else if (rc == 0 && ge_buf_put(opts->out, buf, (size_t)got) < 0) {
				rc = GE_ENOMEM;
			}
		}
	}
	return rc;
}

/*
 * The one spawn path.  The child gets stdin, our environment (or
 * opts->envp) with GOESCAPE_DEPTH one higher, stdout and stderr as opts
 * say; SIGINT, SIGTERM and SIGHUP are forwarded to it while it runs.
 */
int ge_run(int *status, char *const *argv, const ge_run_opts *opts)
{
	struct sigaction old[NFWD];
	posix_spawn_file_actions_t fa;
	int errp[2] = {-1, -1}, outp[2] = {-1, -1}, devnull = -1, rc = -1, fa_init = 0, drc;
	pid_t pid;
	char **env = NULL, *depth_var = NULL;

	assert(argv && argv[0] && status && opts);
	assert(!(opts->out && (opts->stdout_to_stderr || opts->quiet_stdout)));
	*status = 0;
	if (got_signal)
		return interrupted_error();
	if (!(env = env_deeper(opts->envp, &depth_var)))
		return ge_error_set(GE_ENOMEM, "out of memory");
	if ((opts->on_stderr && pipe2(errp, O_CLOEXEC) < 0) ||
	    (opts->out && pipe2(outp, O_CLOEXEC) < 0)) {
		rc = ge_error_errno(GE_ERROR, "cannot create a pipe");
		goto done;
	}
	if (posix_spawn_file_actions_init(&fa) != 0)
		goto fail;
	fa_init = 1;
	if (opts->dir && posix_spawn_file_actions_addchdir_np(&fa, opts->dir) != 0)
		goto fail;
	if (opts->quiet_stdout || (opts->quiet_stderr && !opts->on_stderr)) {
		devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (devnull < 0)
			goto fail;
	}
	if (opts->on_stderr) {
		if (posix_spawn_file_actions_adddup2(&fa, errp[1], 2) != 0)
			goto fail;
		if (opts->stdout_to_stderr &&
		    posix_spawn_file_actions_adddup2(&fa, errp[1], 1) != 0)
			goto fail;
	} else if (opts->quiet_stderr && posix_spawn_file_actions_adddup2(&fa, devnull, 2) != 0) {
		goto fail;
	}
	if (opts->out && posix_spawn_file_actions_adddup2(&fa, outp[1], 1) != 0)
		goto fail;
	if (opts->quiet_stdout && posix_spawn_file_actions_adddup2(&fa, devnull, 1) != 0)
		goto fail;

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
	if (errp[1] >= 0)
		close(errp[1]);
	if (outp[1] >= 0)
		close(outp[1]);
	errp[1] = outp[1] = -1;
	drc = drain(errp[0], outp[0], opts);
	errp[0] = outp[0] = -1; /* drain closed them */
	rc = drc;
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR) {
			rc = ge_error_errno(GE_ERROR, "cannot wait for '%s'", argv[0]);
			break;
		}
	}
	child_pid = 0;
	forward_off(old);
	if (after_child(*status) < 0)
		rc = GE_EINTERRUPTED; /* wins over a failed read: nothing more is to run */
	else if (rc == GE_ENOMEM)
		rc = ge_error_set(GE_ENOMEM, "out of memory");
	goto done;
fail:
	rc = ge_error_errno(GE_ERROR, "cannot prepare to run '%s'", argv[0]);
done:
	if (fa_init)
		posix_spawn_file_actions_destroy(&fa);
	if (errp[0] >= 0)
		close(errp[0]);
	if (errp[1] >= 0)
		close(errp[1]);
	if (outp[0] >= 0)
		close(outp[0]);
	if (outp[1] >= 0)
		close(outp[1]);
	if (devnull >= 0)
		close(devnull);
	free(env);
	free(depth_var);
	return rc;
}

int ge_run_capture(int *status, ge_buf *out, char *const *argv, const char *dir, int quiet_stderr)
{
	ge_run_opts ro = GE_RUN_OPTS_INIT;
	ro.dir = dir;
	ro.out = out;
	ro.quiet_stderr = quiet_stderr;
	return ge_run(status, argv, &ro);
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
