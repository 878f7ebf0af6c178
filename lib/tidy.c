/* Leftovers of killed runs: found by pid, by lock, or by age. */
#define _XOPEN_SOURCE 700
#include "tidy.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	(void)remove(p);
	return 0;
}

/* Remove path, a file or a whole tree (symlinks removed, never followed). */
static int rm_rf(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	(void)nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return lstat(path, &st) == 0 ? -1 : 0;
}

/* Is there no process with this pid (in our pid namespace)? */
static int pid_gone(long pid)
{
	if (pid <= 0 || (pid_t)pid != pid)
		return 0;
	return kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

/* The pid at s, up to end (NULL: the end of the string); 0 when not one. */
static long pid_at(const char *s, const char *end)
{
	long pid = 0;
	const char *p;
	for (p = s; *p && p != end; p++) {
		if (*p < '0' || *p > '9' || pid > 100000000L)
			return 0;
		pid = pid * 10 + (*p - '0');
	}
	return p == s ? 0 : pid;
}

static int before(const struct stat *st, const struct timespec *t)
{
	return st->st_mtim.tv_sec < t->tv_sec ||
	       (st->st_mtim.tv_sec == t->tv_sec && st->st_mtim.tv_nsec < t->tv_nsec);
}

/*
 * The writer's pid named by a leftover in goescape's own directories:
 * "overlay-<pid>.json", "pre-<pid>" (suggest only), or a temp of the
 * atomic writer ("...<GE_TMP_MARK><pid>" or "...<GE_TMP_MARK><pid>-<hex>").
 */
static long leftover_pid(const char *n, int in_suggest)
{
	const char *m = strstr(n, GE_TMP_MARK);
	size_t len = strlen(n);
	if (m) {
		const char *p = m + strlen(GE_TMP_MARK);
		return pid_at(p, strchr(p, '-'));
	}
	if (strncmp(n, "overlay-", 8) == 0 && len > 13 && strcmp(n + len - 5, ".json") == 0)
		return pid_at(n + 8, n + len - 5);
	if (in_suggest && strncmp(n, "pre-", 4) == 0)
		return pid_at(n + 4, NULL);
	return 0;
}

int ge_tidy_lock(int *out, const char *path, int wait)
{
	struct flock fl;
	struct stat a, b;
	int fd;
	*out = -1;
	for (;;) {
		if ((fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0)
			return ge_error_errno(GE_ERROR, "cannot open '%s'", path);
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		while (fcntl(fd, wait ? F_SETLKW : F_SETLK, &fl) < 0) {
			int e = errno;
			if (e == EINTR && wait)
				continue;
			close(fd);
			errno = e;
			if (!wait && (e == EAGAIN || e == EACCES))
				return ge_error_set(GE_ECONFLICT, "'%s' is held", path);
			return ge_error_errno(GE_ERROR, "cannot lock '%s'", path);
		}
		/* Granted on the file path still names? Else its holder removed it. */
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino) {
			*out = fd;
			return 0;
		}
		close(fd);
	}
}

void ge_tidy_unlock(int fd, const char *path)
{
	if (fd < 0)
		return;
	/* While still held: a waiter then finds its file gone and starts over. */
	(void)unlink(path);
	close(fd);
}

/*
 * checkout-<commit>.lock or checkout-<commit> in dir: when no run holds
 * the lock, remove the checkout and the lock under it.
 */
static int tidy_checkout(size_t *removed, const char *dir, const char *n)
{
	ge_buf lock = GE_BUF_INIT, co = GE_BUF_INIT;
	size_t len = strlen(n);
	int fd = -1, rc = 0;
	if (len > 5 && strcmp(n + len - 5, ".lock") == 0)
		len -= 5;
	if (ge_buf_printf(&co, "%s/%.*s", dir, (int)len, n) < 0 ||
	    ge_buf_printf(&lock, "%s.lock", co.ptr) < 0) {
		rc = GE_ENOMEM;
		goto done;
	}
	if (ge_tidy_lock(&fd, lock.ptr, 0) < 0)
		goto done; /* a live run holds it, or it cannot be opened */
	if (rm_rf(co.ptr) == 0)
		(*removed)++;
	ge_tidy_unlock(fd, lock.ptr);
	(*removed)++;
done:
	ge_buf_release(&lock);
	ge_buf_release(&co);
	return rc;
}

/* One of goescape's directories: .git/goescape or .git/goescape/suggest. */
static int tidy_dir(size_t *removed, const char *dir, int in_suggest,
                    const struct timespec *started)
{
	ge_buf p = GE_BUF_INIT;
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;
	while (d && rc == 0 && (e = readdir(d)) != NULL) {
		const char *n = e->d_name;
		struct stat st;
		long pid;
		if (!in_suggest && strncmp(n, "checkout-", 9) == 0 && !strstr(n, GE_TMP_MARK)) {
			rc = tidy_checkout(removed, dir, n);
			continue;
		}
		if ((pid = leftover_pid(n, in_suggest)) == 0 || !pid_gone(pid))
			continue;
		ge_buf_clear(&p);
		if (ge_buf_printf(&p, "%s/%s", dir, n) < 0) {
			rc = GE_ENOMEM;
			break;
		}
		if (lstat(p.ptr, &st) == 0 && before(&st, started) && rm_rf(p.ptr) == 0)
			(*removed)++;
	}
	if (d)
		closedir(d);
	ge_buf_release(&p);
	return rc;
}

/* libgit2's objects/tmp_object_git2_XXXXXX, abandoned GE_TIDY_AGE before started. */
static int tidy_objects(size_t *removed, const char *dir, const struct timespec *started)
{
	ge_buf p = GE_BUF_INIT;
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;
	while (d && (e = readdir(d)) != NULL) {
		struct stat st;
		if (strncmp(e->d_name, "tmp_object_git2_", 16) != 0)
			continue;
		ge_buf_clear(&p);
		if (ge_buf_printf(&p, "%s/%s", dir, e->d_name) < 0) {
			rc = GE_ENOMEM;
			break;
		}
		if (lstat(p.ptr, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_mtim.tv_sec + GE_TIDY_AGE < started->tv_sec && unlink(p.ptr) == 0)
			(*removed)++;
	}
	if (d)
		closedir(d);
	ge_buf_release(&p);
	return rc;
}

int ge_tidy_git(size_t *removed, const char *commondir, const struct timespec *started)
{
	ge_buf dir = GE_BUF_INIT;
	size_t n = 0;
	int rc;
	assert(commondir && started);
	if ((rc = ge_buf_printf(&dir, "%s/goescape", commondir)) == 0 &&
	    (rc = tidy_dir(&n, dir.ptr, 0, started)) == 0 &&
	    (rc = ge_buf_puts(&dir, "/suggest")) == 0 &&
	    (rc = tidy_dir(&n, dir.ptr, 1, started)) == 0) {
		/* lib/log's cache: only temps of its atomic writes can be left there. */
		ge_buf_clear(&dir);
		if ((rc = ge_buf_printf(&dir, "%s/goescape/log", commondir)) == 0)
			rc = tidy_dir(&n, dir.ptr, 0, started);
		ge_buf_clear(&dir);
		if (rc == 0 && (rc = ge_buf_printf(&dir, "%s/objects", commondir)) == 0)
			rc = tidy_objects(&n, dir.ptr, started);
	}
	ge_buf_release(&dir);
	if (removed)
		*removed = n;
	return rc < 0 ? ge_error_set(GE_ENOMEM, "out of memory") : 0;
}
