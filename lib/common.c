/* Buffers, errors, files and paths shared by every module. */
#define _POSIX_C_SOURCE 200809L
#include "common.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

static _Thread_local char last_error[1024] = "no error";

const char *ge_error_last(void)
{
	return last_error;
}

const char *ge_version(void)
{
	return GOESCAPE_VERSION;
}

void ge_error_clear(void)
{
	strcpy(last_error, "no error");
}

int ge_error_set(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return code;
}

int ge_error_errno(int code, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	size_t n;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	n = strlen(last_error);
	snprintf(last_error + n, sizeof(last_error) - n, ": %s", strerror(saved));
	errno = saved;
	return code;
}

/* The contents of every ge_buf that owns nothing; never written. */
char ge_buf__empty[1];

void ge_buf_init(ge_buf *b, size_t max)
{
	assert(b);
	b->ptr = ge_buf__empty;
	b->len = b->cap = 0;
	b->max = max;
}

/*
 * Write b's first n bytes to its sink and drop them (see common.h): after a
 * failed write the bytes are dropped all the same and sink->err kept.
 */
static void sink_send(ge_buf_sink *k, const char *p, size_t n)
{
	size_t off = 0;
	while (off < n && !k->err) {
		ssize_t w = write(k->fd, p + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			k->err = errno ? errno : EIO;
		else
			off += (size_t)w;
	}
	k->flushed += n;
}

static void sink_write(ge_buf *b, size_t n)
{
	sink_send(b->sink, b->ptr, n);
	memmove(b->ptr, b->ptr + n, b->len - n);
	b->len -= n;
	b->ptr[b->len] = '\0';
}

int ge_buf_put_sunk(ge_buf *b, const char *data, size_t len)
{
	if (!b->sink || b->max || len < GE_BUF_FLUSH_BYTES)
		return ge_buf_put(b, data, len);
	/* What b holds, then all of data but what b must keep, in order. */
	if (b->len)
		sink_write(b, b->len);
	sink_send(b->sink, data, len - GE_BUF_KEEP_BYTES);
	return ge_buf_put(b, data + len - GE_BUF_KEEP_BYTES, GE_BUF_KEEP_BYTES);
}

int ge_buf_flush(ge_buf *b, const char *name)
{
	if (!b->sink)
		return 0;
	if (b->len)
		sink_write(b, b->len);
	if (b->sink->err) {
		errno = b->sink->err;
		return ge_error_errno(GE_ERROR, "cannot write '%s'", name);
	}
	return 0;
}

int ge_buf_grow(ge_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;
	assert(b);
	if (b->sink && b->len >= GE_BUF_FLUSH_BYTES)
		sink_write(b, b->len - GE_BUF_KEEP_BYTES);
	if (extra > SIZE_MAX - b->len - 1)
		return ge_error_set(GE_ENOMEM, "out of memory");
	if (b->max && extra > b->max - (b->len < b->max ? b->len : b->max))
		return ge_error_set(GE_ETOOBIG, "more than %zu bytes (the buffer's bound)", b->max);
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (b->max && cap > b->max + 1)
		cap = need > b->max + 1 ? need : b->max + 1;
	/* While cap is 0, ptr is the shared empty string (or NULL): not ours. */
	p = realloc(b->cap ? b->ptr : NULL, cap);
	if (!p)
		return ge_error_set(GE_ENOMEM, "out of memory");
	if (!b->cap)
		p[0] = '\0';
	b->ptr = p;
	b->cap = cap;
	return 0;
}

int ge_buf_put(ge_buf *b, const char *data, size_t len)
{
	int rc;
	if ((rc = ge_buf_grow(b, len)) < 0)
		return rc;
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return 0;
}

int ge_buf_puts(ge_buf *b, const char *s)
{
	return ge_buf_put(b, s, strlen(s));
}

int ge_buf_putc(ge_buf *b, char c)
{
	return ge_buf_put(b, &c, 1);
}

int ge_buf_vprintf(ge_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n, rc;
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return ge_error_set(GE_ERROR, "bad format");
	if ((rc = ge_buf_grow(b, (size_t)n)) < 0)
		return rc;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int ge_buf_printf(ge_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = ge_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void ge_buf_truncate(ge_buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->ptr[len] = '\0';
	}
}

void ge_buf_clear(ge_buf *b)
{
	ge_buf_truncate(b, 0);
}

void ge_buf_release(ge_buf *b)
{
	if (!b)
		return;
	if (b->cap)
		free(b->ptr);
	b->ptr = ge_buf__empty;
	b->len = b->cap = 0;
}

char *ge_buf_detach(ge_buf *b)
{
	char *p = b->cap ? b->ptr : calloc(1, 1);
	b->ptr = ge_buf__empty;
	b->len = b->cap = 0;
	return p;
}

const char *ge_buf_cstr(const ge_buf *b)
{
	return b->ptr ? b->ptr : "";
}

/* See common.h: the WHATWG decoder's steps, which node (GitHub's upload action) runs. */
size_t ge_utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char b = s[0], lo = 0x80, hi = 0xBF;
	size_t need, i;
	uint32_t c;
	if (b < 0x80) {
		*cp = b;
		return 1;
	}
	if (b >= 0xC2 && b <= 0xDF) {
		need = 1;
		c = b & 0x1F;
	} else if (b >= 0xE0 && b <= 0xEF) {
		need = 2;
		c = b & 0x0F;
		if (b == 0xE0)
			lo = 0xA0;
		else if (b == 0xED)
			hi = 0x9F;
	} else if (b >= 0xF0 && b <= 0xF4) {
		need = 3;
		c = b & 0x07;
		if (b == 0xF0)
			lo = 0x90;
		else if (b == 0xF4)
			hi = 0x8F;
	} else {
		*cp = 0xFFFD;
		return 1;
	}
	for (i = 1; i <= need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*cp = 0xFFFD;
			return i;
		}
		c = (c << 6) | (s[i] & 0x3F);
		lo = 0x80;
		hi = 0xBF;
	}
	*cp = c;
	return need + 1;
}

int ge_buf_put_json(ge_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
	int rc;
	if ((rc = ge_buf_putc(b, '"')) < 0)
		return rc;
	while (p < end) {
		const unsigned char *run = p;
		uint32_t cp = 0;
		size_t n = 1;
		/* Printable ASCII and valid UTF-8 (U+FFFD itself too) go out as they are. */
		while (p < end && *p >= 0x20 && *p != '"' && *p != '\\') {
			if (*p < 0x80) {
				p++;
				continue;
			}
			n = ge_utf8_next(p, (size_t)(end - p), &cp);
			if (cp == 0xFFFD && !(n == 3 && memcmp(p, "\xEF\xBF\xBD", 3) == 0))
				break;
			p += n;
		}
		if (p > run && (rc = ge_buf_put(b, (const char *)run, (size_t)(p - run))) < 0)
			return rc;
		if (p == end)
			break;
		if (*p == '"' || *p == '\\') {
			char e[2] = {'\\', (char)*p};
			rc = ge_buf_put(b, e, 2);
			n = 1;
		} else if (*p == '\n') {
			rc = ge_buf_puts(b, "\\n");
			n = 1;
		} else if (*p == '\t') {
			rc = ge_buf_puts(b, "\\t");
			n = 1;
		} else if (*p < 0x20) {
			char e[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
			rc = ge_buf_put(b, e, 6);
			n = 1;
		} else {
			/* Not UTF-8 (a file name in another encoding): JSON must stay
			 * valid.  The n bytes of one maximal invalid subpart are one U+FFFD. */
			rc = ge_buf_puts(b, "\\ufffd");
		}
		if (rc < 0)
			return rc;
		p += n;
	}
	return ge_buf_putc(b, '"');
}

int ge_file_read(ge_buf *out, const char *path)
{
	/* Go sources, go.env, VERSION: all in the repository's or a toolchain's tree. */
	return ge_file_read_bounded(out, path, GE_FILE_MAX_BYTES);
}

const char *ge_size_text(char *buf, size_t n, size_t bytes)
{
	if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
		snprintf(buf, n, "%zu MiB", bytes / (1024 * 1024));
	else if (bytes >= 1024 && bytes % 1024 == 0)
		snprintf(buf, n, "%zu KiB", bytes / 1024);
	else
		snprintf(buf, n, "%zu bytes", bytes);
	return buf;
}

/* What a file that is not a regular one is, for messages. */
static const char *file_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

static int too_big(const char *path, size_t limit)
{
	char t[64];
	return ge_error_set(GE_EBADINPUT, "cannot read '%s': larger than the limit of %s", path,
	                    ge_size_text(t, sizeof(t), limit));
}

int ge_file_too_big(const char *path, size_t limit)
{
	return too_big(path, limit);
}

int ge_file_open_bounded(int *out, size_t *size, const char *path, size_t limit)
{
	struct stat st;
	int fd;
	*out = -1;
	*size = 0;
	/*
	 * stat first: a FIFO or a device is refused before it is opened (opening
	 * a FIFO blocks, opening a device may do something).  The descriptor is
	 * checked again, since the name may change in between; O_NONBLOCK keeps
	 * even that open from waiting for a FIFO's writer.
	 */
	if (stat(path, &st) < 0)
		return ge_error_errno(errno == ENOENT ? GE_ENOTFOUND : GE_ERROR, "cannot read '%s'",
		                      path);
	if (!S_ISREG(st.st_mode))
		return ge_error_set(GE_EBADINPUT, "cannot read '%s': %s, not a regular file", path,
		                    file_kind(st.st_mode));
	if ((uintmax_t)st.st_size > (uintmax_t)limit)
		return too_big(path, limit);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return ge_error_errno(errno == ENOENT ? GE_ENOTFOUND : GE_ERROR, "cannot read '%s'",
		                      path);
	if (fstat(fd, &st) < 0) {
		int rc = ge_error_errno(GE_ERROR, "cannot read '%s'", path);
		close(fd);
		return rc;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return ge_error_set(GE_EBADINPUT, "cannot read '%s': %s, not a regular file", path,
		                    file_kind(st.st_mode));
	}
	if ((uintmax_t)st.st_size > (uintmax_t)limit) {
		close(fd);
		return too_big(path, limit);
	}
	*out = fd;
	*size = (size_t)st.st_size;
	return 0;
}

int ge_file_read_bounded(ge_buf *out, const char *path, size_t limit)
{
	size_t start = out->len, size;
	int fd, rc = 0;
	/* Refused before any read: not a regular file (a FIFO is never waited
	   on), or bigger than limit (ge_file_open_bounded). */
	if ((rc = ge_file_open_bounded(&fd, &size, path, limit)) < 0)
		return rc;
	for (;;) {
		size_t have = out->len - start, want;
		ssize_t n;
		if (have > limit) {
			rc = too_big(path, limit);
			goto done;
		}
		want = limit - have + 1; /* one byte more tells a file that grew */
		if (want > 65536)
			want = 65536;
		if (ge_buf_grow(out, want) < 0) {
			rc = GE_ENOMEM;
			goto done;
		}
		n = read(fd, out->ptr + out->len, want);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = ge_error_errno(GE_ERROR, "cannot read '%s'", path);
			goto done;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->ptr[out->len] = '\0';
	}
done:
	close(fd);
	if (rc < 0)
		ge_buf_truncate(out, start);
	return rc;
}

int ge_file_open_stream(int *fd, const char *path)
{
	struct stat st;
	*fd = -1;
	if (stat(path, &st) < 0)
		return ge_error_errno(errno == ENOENT ? GE_ENOTFOUND : GE_EBADINPUT,
		                      "cannot read '%s'", path);
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode))
		return ge_error_set(GE_EBADINPUT,
		                    "cannot read '%s': %s, not a regular file or a FIFO", path,
		                    file_kind(st.st_mode));
	*fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (*fd < 0)
		return ge_error_errno(GE_EBADINPUT, "cannot read '%s'", path);
	if (fstat(*fd, &st) < 0 || (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode))) {
		close(*fd);
		*fd = -1;
		return ge_error_set(GE_EBADINPUT, "cannot read '%s': not a regular file or a FIFO",
		                    path);
	}
	return 0;
}

/*
 * Remove the temps of writers of path that were killed: "<base>" GE_TMP_MARK
 * "<pid>" (the older name) or "<base>" GE_TMP_MARK "<pid>-<hex>", whose pid
 * no longer runs.  A live pid (ours, another goescape's, or an unrelated
 * process that got the pid again) keeps its temp.  Best effort; unlinking a
 * planted symlink removes the link, never its target.
 */
static void clean_stale_tmp(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? ge_strndup(path, slash == path ? 1 : (size_t)(slash - path)) : ge_strdup(".");
	const char *base = slash ? slash + 1 : path;
	size_t blen = strlen(base), mlen = strlen(GE_TMP_MARK);
	DIR *d;
	struct dirent *e;
	if (!dir)
		return;
	d = opendir(dir);
	while (d && (e = readdir(d)) != NULL) {
		const char *n = e->d_name;
		char *end;
		long pid;
		if (strncmp(n, base, blen) != 0 || strncmp(n + blen, GE_TMP_MARK, mlen) != 0)
			continue;
		pid = strtol(n + blen + mlen, &end, 10);
		if (end == n + blen + mlen || pid <= 0 || pid == (long)getpid())
			continue;
		if (*end == '-') {
			const char *h = end + 1;
			while (*h && strchr("0123456789abcdef", *h))
				h++;
			if (*h || h == end + 1)
				continue;
		} else if (*end) {
			continue;
		}
		if (kill((pid_t)pid, 0) < 0 && errno == ESRCH) {
			ge_buf p = GE_BUF_INIT;
			if (ge_buf_printf(&p, "%s/%s", dir, n) == 0)
				unlink(p.ptr);
			ge_buf_release(&p);
		}
	}
	if (d)
		closedir(d);
	free(dir);
}

/* n unpredictable bytes from the kernel. */
static int random_bytes(unsigned char *out, size_t n)
{
	size_t got = 0;
	int fd;
	while (got < n) {
		ssize_t r = getrandom(out + got, n - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		got += (size_t)r;
	}
	if (got == n)
		return 0;
	/* A kernel without getrandom(2): the same pool through the device. */
	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) < 0)
		return ge_error_errno(GE_ERROR, "cannot read random bytes");
	while (got < n) {
		ssize_t r = read(fd, out + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			close(fd);
			return ge_error_set(GE_ERROR, "cannot read random bytes");
		}
		got += (size_t)r;
	}
	close(fd);
	return 0;
}

/*
 * Create a new temp file beside path (see GE_TMP_MARK), open for writing,
 * with mode.  Never opens a name that existed before: a collision (a
 * planted file, a name already used) is retried under a fresh random name.
 * *tmp gets the name; name is what the message calls the target.
 */
static int tmp_create(int *out, ge_buf *tmp, const char *path, const char *name, int mode)
{
	static const char hex[] = "0123456789abcdef";
	int tries;
	*out = -1;
	for (tries = 0; tries < 16; tries++) {
		unsigned char r[8];
		char h[17];
		size_t i;
		int fd;
		if (random_bytes(r, sizeof(r)) < 0)
			return -1;
		for (i = 0; i < sizeof(r); i++) {
			h[2 * i] = hex[r[i] >> 4];
			h[2 * i + 1] = hex[r[i] & 15];
		}
		h[16] = '\0';
		ge_buf_clear(tmp);
		if (ge_buf_printf(tmp, "%s" GE_TMP_MARK "%ld-%s", path, (long)getpid(), h) < 0)
			return GE_ENOMEM;
		fd = open(tmp->ptr, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0) {
			*out = fd;
			return 0;
		}
		if (errno != EEXIST)
			break;
	}
	return ge_error_errno(GE_ERROR, "cannot write '%s'", name);
}

/* Write all of data to fd; name is for the message. */
static int write_all(int fd, const char *data, size_t len, const char *name)
{
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ge_error_errno(GE_ERROR, "cannot write '%s'", name);
		off += (size_t)n;
	}
	return 0;
}

/* fsync the directory holding path, so that a rename in it is durable. */
static void sync_parent(const char *path)
{
	char *dir = ge_strdup(path), *slash;
	int dfd;
	if (!dir)
		return;
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	free(dir);
}

/*
 * Write data into a new temp file beside path, fsync'd, with the mode the
 * target has (or mode for a new one).  *tmp gets its name; on failure no
 * temp is left.
 */
static int write_tmp(ge_buf *tmp, const char *path, const char *name, const char *data, size_t len,
                     int mode)
{
	struct stat st;
	int fd = -1, rc;
	clean_stale_tmp(path);
	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
		mode = (int)(st.st_mode & 07777);
	if ((rc = tmp_create(&fd, tmp, path, name, 0600)) < 0)
		return rc;
	if ((rc = write_all(fd, data, len, name)) == 0 &&
	    (fchmod(fd, (mode_t)mode) < 0 || fsync(fd) < 0))
		rc = ge_error_errno(GE_ERROR, "cannot write '%s'", name);
	if (close(fd) < 0 && rc == 0)
		rc = ge_error_errno(GE_ERROR, "cannot write '%s'", name);
	if (rc < 0)
		unlink(tmp->ptr);
	return rc;
}

/*
 * A symlink a person names on purpose for output: /dev/stdout, /dev/fd/N,
 * /proc/self/fd/N.  Written through; any other symlink at path is replaced.
 */
static int is_device_path(const char *path)
{
	return strncmp(path, "/dev/", 5) == 0 || strncmp(path, "/proc/", 6) == 0;
}

int ge_file_write_atomic(const char *path, const char *data, size_t len, int mode)
{
	ge_buf tmp = GE_BUF_INIT;
	struct stat st;
	int rc;

	/*
	 * A device or a pipe (/dev/null, /dev/stdout): nothing to replace, the
	 * bytes go through.  Only when path itself is one, or is a symlink under
	 * /dev or /proc: a symlink elsewhere (one a repository could commit
	 * beside the output) is replaced, never followed to a device.
	 */
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) &&
	    (!S_ISLNK(st.st_mode) || (is_device_path(path) && stat(path, &st) == 0))) {
		int flags = O_WRONLY | O_CLOEXEC | O_NOCTTY;
		int fd;
		if (S_ISREG(st.st_mode))
			flags |= O_APPEND; /* /dev/stdout redirected to a file */
		fd = open(path, flags);
		if (fd < 0)
			return ge_error_errno(GE_ERROR, "cannot write '%s'", path);
		rc = write_all(fd, data, len, path);
		if (close(fd) < 0 && rc == 0)
			rc = ge_error_errno(GE_ERROR, "cannot write '%s'", path);
		return rc;
	}
	if ((rc = write_tmp(&tmp, path, path, data, len, mode)) < 0)
		goto done;
	if (rename(tmp.ptr, path) < 0) {
		rc = ge_error_errno(GE_ERROR, "cannot write '%s'", path);
		unlink(tmp.ptr);
		goto done;
	}
	sync_parent(path);
done:
	ge_buf_release(&tmp);
	return rc;
}

int ge_file_write_cache(const char *path, const char *data, size_t len, int mode)
{
	ge_buf tmp = GE_BUF_INIT;
	int fd = -1, rc;
	if ((rc = tmp_create(&fd, &tmp, path, path, mode)) < 0)
		goto done;
	rc = write_all(fd, data, len, path);
	if (close(fd) < 0 && rc == 0)
		rc = ge_error_errno(GE_ERROR, "cannot write '%s'", path);
	if (rc == 0 && rename(tmp.ptr, path) < 0)
		rc = ge_error_errno(GE_ERROR, "cannot write '%s'", path);
	if (rc < 0)
		unlink(tmp.ptr);
done:
	ge_buf_release(&tmp);
	return rc;
}

int ge_stage_add(ge_stage *s, const char *path, const char *name, const char *data, size_t len,
                 int mode)
{
	ge_buf tmp = GE_BUF_INIT;
	ge_stage_entry *e;
	struct stat st;
	int rc, fd;
	assert(s && path);
	if (!name)
		name = path;
	/*
	 * Can the target be replaced at all?  Opening it for writing (no
	 * truncation) fails for an immutable or append-only file, whose rename
	 * would fail only at commit, after other files were already replaced.
	 */
	if (lstat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode))
			return ge_error_set(GE_ERROR, "cannot write '%s': not a regular file",
			                    name);
		fd = open(path, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return ge_error_errno(GE_ERROR, "cannot write '%s'", name);
		close(fd);
	}
	e = realloc(s->e, (s->n + 1) * sizeof(*e));
	if (!e)
		return ge_error_set(GE_ENOMEM, "out of memory");
	s->e = e;
	if ((rc = write_tmp(&tmp, path, name, data, len, mode)) < 0) {
		ge_buf_release(&tmp);
		return rc;
	}
	e = &s->e[s->n];
	e->tmp = ge_buf_detach(&tmp);
	e->path = ge_strdup(path);
	e->name = ge_strdup(name);
	s->n++;
	if (!e->path || !e->name)
		return ge_error_set(GE_ENOMEM, "out of memory");
	return 0;
}

int ge_stage_commit(ge_stage *s)
{
	size_t i;
	int rc = 0;
	assert(s);
	/* Renames only, nothing that can wait or fail for want of space. */
	for (i = 0; i < s->n; i++) {
		if (rename(s->e[i].tmp, s->e[i].path) < 0) {
			if (i == 0)
				rc = ge_error_errno(GE_ERROR,
				                    "cannot write '%s'; no file was changed",
				                    s->e[i].name);
			else
				rc = ge_error_errno(GE_ERROR,
				                    "cannot write '%s' after %zu other file%s "
				                    "%s replaced",
				                    s->e[i].name, i, i == 1 ? "" : "s",
				                    i == 1 ? "was" : "were");
			break;
		}
		free(s->e[i].tmp);
		s->e[i].tmp = NULL;
	}
	for (i = 0; rc == 0 && i < s->n; i++)
		sync_parent(s->e[i].path);
	ge_stage_abort(s);
	return rc;
}

void ge_stage_abort(ge_stage *s)
{
	size_t i;
	if (!s)
		return;
	for (i = 0; i < s->n; i++) {
		if (s->e[i].tmp)
			unlink(s->e[i].tmp);
		free(s->e[i].tmp);
		free(s->e[i].path);
		free(s->e[i].name);
	}
	free(s->e);
	s->e = NULL;
	s->n = 0;
}

/* ge_stage_add's test that path can be replaced at all (see there). */
static int stage_check(const char *path, const char *name)
{
	struct stat st;
	int fd;
	if (lstat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode))
			return ge_error_set(GE_ERROR, "cannot write '%s': not a regular file",
			                    name);
		fd = open(path, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return ge_error_errno(GE_ERROR, "cannot write '%s'", name);
		close(fd);
	}
	return 0;
}

int ge_out_open(ge_out *o, const char *path, const char *name, int mode, int staged)
{
	ge_buf tmp = GE_BUF_INIT;
	struct stat st;
	int rc, fd = -1;
	assert(o && path);
	memset(o, 0, sizeof(*o));
	ge_buf_init(&o->buf, 0);
	o->sink.fd = -1;
	if (!name)
		name = path;
	if (!(o->path = ge_strdup(path)) || !(o->name = ge_strdup(name)))
		return ge_error_set(GE_ENOMEM, "out of memory");
	if (staged && (rc = stage_check(path, name)) < 0)
		return rc;
	/* ge_file_write_atomic's devices and pipes, written through. */
	if (!staged && lstat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) &&
	    (!S_ISLNK(st.st_mode) || (is_device_path(path) && stat(path, &st) == 0))) {
		int flags = O_WRONLY | O_CLOEXEC | O_NOCTTY;
		if (S_ISREG(st.st_mode))
			flags |= O_APPEND; /* /dev/stdout redirected to a file */
		if ((fd = open(path, flags)) < 0)
			return ge_error_errno(GE_ERROR, "cannot write '%s'", path);
	} else {
		clean_stale_tmp(path);
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
			mode = (int)(st.st_mode & 07777);
		if ((rc = tmp_create(&fd, &tmp, path, name, 0600)) < 0) {
			ge_buf_release(&tmp);
			return rc;
		}
		if (!(o->tmp = ge_buf_detach(&tmp))) {
			close(fd);
			return ge_error_set(GE_ENOMEM, "out of memory");
		}
	}
	o->mode = mode;
	o->sink.fd = fd;
	o->buf.sink = &o->sink;
	return 0;
}

int ge_out_finish(ge_out *o)
{
	int rc;
	if (o->sink.fd < 0)
		return ge_error_set(GE_ERROR, "cannot write '%s'", o->name);
	rc = ge_buf_flush(&o->buf, o->name);
	if (rc == 0 && o->tmp && (fchmod(o->sink.fd, (mode_t)o->mode) < 0 || fsync(o->sink.fd) < 0))
		rc = ge_error_errno(GE_ERROR, "cannot write '%s'", o->name);
	if (close(o->sink.fd) < 0 && rc == 0)
		rc = ge_error_errno(GE_ERROR, "cannot write '%s'", o->name);
	o->sink.fd = -1;
	o->buf.sink = NULL;
	ge_buf_release(&o->buf);
	if (rc < 0 && o->tmp) {
		unlink(o->tmp);
		free(o->tmp);
		o->tmp = NULL;
	}
	return rc;
}

int ge_out_commit(ge_out *o)
{
	int rc = 0;
	if (!o->tmp)
		return 0; /* written through */
	if (rename(o->tmp, o->path) < 0) {
		rc = ge_error_errno(GE_ERROR, "cannot write '%s'", o->name);
		unlink(o->tmp);
	} else {
		sync_parent(o->path);
	}
	free(o->tmp);
	o->tmp = NULL;
	return rc;
}

int ge_out_stage(ge_out *o, ge_stage *s)
{
	ge_stage_entry *e;
	if (!o->tmp)
		return ge_error_set(GE_ERROR, "cannot write '%s': not a regular file", o->name);
	if (!(e = realloc(s->e, (s->n + 1) * sizeof(*e))))
		return ge_error_set(GE_ENOMEM, "out of memory");
	s->e = e;
	e = &s->e[s->n++];
	e->tmp = o->tmp;
	e->path = o->path;
	e->name = o->name;
	o->tmp = o->path = o->name = NULL;
	return 0;
}

void ge_out_abort(ge_out *o)
{
	if (!o)
		return;
	if (o->buf.sink && o->sink.fd >= 0)
		close(o->sink.fd); /* open and not finished (a zeroed ge_out owns no fd) */
	o->sink.fd = -1;
	o->buf.sink = NULL;
	ge_buf_release(&o->buf);
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	free(o->name);
	o->tmp = o->path = o->name = NULL;
}

/*
 * Resolve path like realpath(3), except that the missing rest is kept as
 * written ("realpath -m"): each existing component is lstat'ed and a
 * symlink replaced by its target.  path is absolute.  *out is malloc'd.
 */
static int resolve_missing(char **out, const char *path)
{
	ge_buf done = GE_BUF_INIT, rest = GE_BUF_INIT, link = GE_BUF_INIT;
	int links = 0, missing = 0, rc = 0;
	size_t at = 0;
	*out = NULL;
	assert(path[0] == '/');
	if (ge_buf_puts(&rest, path) < 0 || ge_buf_put(&done, "", 0) < 0)
		goto oom;
	while (at < rest.len) {
		const char *c;
		size_t n, keep;
		struct stat st;
		while (at < rest.len && rest.ptr[at] == '/')
			at++;
		if (at >= rest.len)
			break;
		c = rest.ptr + at;
		n = strcspn(c, "/");
		at += n;
		if (n == 1 && c[0] == '.')
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			char *s = strrchr(done.ptr, '/');
			ge_buf_truncate(&done, s ? (size_t)(s - done.ptr) : 0);
			continue;
		}
		keep = done.len;
		if (ge_buf_putc(&done, '/') < 0 || ge_buf_put(&done, c, n) < 0)
			goto oom;
		if (missing)
			continue;
		if (lstat(done.ptr, &st) < 0) {
			if (errno != ENOENT && errno != ENOTDIR) {
				rc = ge_error_errno(GE_ERROR, "cannot resolve '%s'", done.ptr);
				goto done;
			}
			missing = 1;
			continue;
		}
		if (!S_ISLNK(st.st_mode))
			continue;
		if (++links > 40) {
			errno = ELOOP;
			rc = ge_error_errno(GE_ERROR, "cannot resolve '%s'", path);
			goto done;
		}
		ge_buf_clear(&link);
		if (ge_buf_grow(&link, (size_t)st.st_size + 256) < 0)
			goto oom;
		{
			ssize_t r = readlink(done.ptr, link.ptr, link.cap - 1);
			if (r < 0 || (size_t)r >= link.cap - 1) {
				rc = ge_error_errno(GE_ERROR, "cannot resolve '%s'", done.ptr);
				goto done;
			}
			link.len = (size_t)r;
			link.ptr[r] = '\0';
		}
		/* The target, then what was still to come after the link. */
		if (ge_buf_putc(&link, '/') < 0 || ge_buf_puts(&link, rest.ptr + at) < 0)
			goto oom;
		ge_buf_clear(&rest);
		if (ge_buf_put(&rest, link.ptr, link.len) < 0)
			goto oom;
		at = 0;
		ge_buf_truncate(&done, link.ptr[0] == '/' ? 0 : keep);
	}
	if (done.len == 0 && ge_buf_putc(&done, '/') < 0)
		goto oom;
	*out = ge_buf_detach(&done);
	goto done;
oom:
	rc = ge_error_set(GE_ENOMEM, "out of memory");
done:
	ge_buf_release(&done);
	ge_buf_release(&rest);
	ge_buf_release(&link);
	return rc;
}

static int inside(const char *resolved, const char *root)
{
	return strcmp(resolved, root) == 0 || ge_path_within(resolved, root) != NULL;
}

int ge_path_check_inside(char **resolved, const char *root, const char *path)
{
	char *croot = NULL, *cpath = NULL, *rroot = NULL, *rpath = NULL, *pre = NULL;
	char cwd[4096];
	const char *rel;
	int rc;
	assert(root && path);
	if (resolved)
		*resolved = NULL;
	if ((root[0] != '/' || path[0] != '/') && !getcwd(cwd, sizeof(cwd)))
		return ge_error_errno(GE_ERROR, "cannot find the current directory");
	croot = root[0] == '/' ? ge_path_join(NULL, root) : ge_path_join(cwd, root);
	cpath = path[0] == '/' ? ge_path_join(NULL, path) : ge_path_join(cwd, path);
	if (!croot || !cpath) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	rel = strcmp(cpath, croot) == 0 ? "." : ge_path_within(cpath, croot);
	if (!rel) {
		rc = ge_error_set(GE_EBADINPUT, "'%s' is outside the module", path);
		goto done;
	}
	if ((rc = resolve_missing(&rroot, croot)) < 0 || (rc = resolve_missing(&rpath, cpath)) < 0)
		goto done;
	if (inside(rpath, rroot)) {
		/*
		 * Inside the module but in a git directory (its own .git, a
		 * submodule's or a nested repository's): the user's config,
		 * hooks and objects, never the repository's to name.
		 */
		const char *in = strcmp(rpath, rroot) == 0 ? "" : ge_path_within(rpath, rroot), *p;
		for (p = in; p && *p; p = strchr(p, '/') ? strchr(p, '/') + 1 : NULL)
			if (strncasecmp(p, ".git", 4) == 0 && (p[4] == '/' || p[4] == '\0')) {
				rc = ge_error_set(GE_EBADINPUT, "'%s' is inside a git directory",
				                  rel);
				goto done;
			}
		if (resolved) {
			*resolved = rpath;
			rpath = NULL;
		}
		goto done;
	}
	/*
	 * The first prefix that resolves outside ends in a symlink: the one
	 * before it resolved inside, and a plain name below it stays there.
	 */
	{
		size_t i;
		int out = 0;
		for (i = strlen(croot) + 1; !out && cpath[i - 1]; i++) {
			char *r = NULL;
			if (cpath[i] != '/' && cpath[i] != '\0')
				continue;
			free(pre);
			if (!(pre = ge_strndup(cpath, i))) {
				rc = ge_error_set(GE_ENOMEM, "out of memory");
				goto done;
			}
			if ((rc = resolve_missing(&r, pre)) < 0)
				goto done;
			out = !inside(r, rroot);
			free(r);
		}
	}
	rc = ge_error_set(GE_EBADINPUT, "'%s': '%s' is a symlink leaving the module", rel,
	                  pre && ge_path_within(pre, croot) ? ge_path_within(pre, croot) : rel);
done:
	free(croot);
	free(cpath);
	free(rroot);
	free(rpath);
	free(pre);
	return rc;
}

int ge_mkdir_p(const char *dir)
{
	char *p = ge_strdup(dir), *s;
	int rc = 0;
	if (!p)
		return ge_error_set(GE_ENOMEM, "out of memory");
	for (s = p + 1;; s++) {
		if (*s == '/' || !*s) {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0777) < 0 && errno != EEXIST) {
				rc = ge_error_errno(GE_ERROR, "cannot create directory '%s'", p);
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	return rc;
}

char *ge_strdup(const char *s)
{
	return ge_strndup(s, strlen(s));
}

char *ge_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

uint64_t ge_hash_bytes(uint64_t h, const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

uint64_t ge_hash_nospace(const char *s, size_t n)
{
	uint64_t h = GE_HASH_SEED;
	size_t i;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f')
			continue;
		h ^= c;
		h *= 1099511628211ULL;
	}
	return h;
}

void ge_path_clean(char *p)
{
	/*
	 * Components are copied down in place; "out" only ever trails "r".
	 * dotdot marks how much of the output is leading ".." that cannot be
	 * removed (relative paths only).
	 */
	int rooted = p[0] == '/';
	char *start = p + rooted, *out = start, *r = start;
	size_t dotdot = 0; /* length of the unremovable "../.." prefix in output */
	while (*r) {
		char *c = r;
		size_t n;
		while (*r && *r != '/')
			r++;
		n = (size_t)(r - c);
		while (*r == '/')
			r++;
		if (n == 0 || (n == 1 && c[0] == '.'))
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			if ((size_t)(out - start) > dotdot) {
				/* Remove the last component of the output. */
				while (out > start + dotdot && out[-1] != '/')
					out--;
				if (out > start + dotdot)
					out--; /* the separator */
				continue;
			}
			if (rooted)
				continue;
			if (out > start)
				*out++ = '/';
			*out++ = '.';
			*out++ = '.';
			dotdot = (size_t)(out - start);
			continue;
		}
		if (out > start)
			*out++ = '/';
		memmove(out, c, n);
		out += n;
	}
	if (out == start && !rooted)
		*out++ = '.';
	*out = '\0';
}

char *ge_path_join(const char *dir, const char *rel)
{
	/* One allocation and two copies (a printf into a buffer was most of
	 * its cost: attribution joins a path for every file it places). */
	size_t nd = rel[0] == '/' || !dir ? 0 : strlen(dir), nr = strlen(rel);
	char *p = malloc(nd + 1 + nr + 1);
	if (!p)
		return NULL;
	if (nd) {
		memcpy(p, dir, nd);
		p[nd++] = '/';
	}
	memcpy(p + nd, rel, nr + 1);
	ge_path_clean(p);
	return p;
}

const char *ge_path_within(const char *path, const char *root)
{
	size_t n = strlen(root);
	if (n == 1 && root[0] == '/')
		return path[0] == '/' ? path + 1 : NULL;
	if (strncmp(path, root, n) != 0 || path[n] != '/')
		return NULL;
	return path + n + 1;
}

void ge_strv_free(char **v, size_t n)
{
	size_t i;
	if (!v)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

const char *ge_quoted(char *buf, const char *v)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i;
	for (i = 0; v[i]; i++) {
		unsigned char c = (unsigned char)v[i];
		if (i == GE_QUOTE_MAX) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			buf[o++] = (char)c;
		} else {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	buf[o] = '\0';
	return buf;
}

int ge_thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int rc;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}
