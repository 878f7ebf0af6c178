/* Buffers, errors, files and paths shared by every module. */
#define _POSIX_C_SOURCE 200809L
#include "common.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
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

int ge_buf_grow(ge_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;
	assert(b);
	if (extra > SIZE_MAX - b->len - 1)
		return ge_error_set(GE_ENOMEM, "out of memory");
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->ptr, cap);
	if (!p)
		return ge_error_set(GE_ENOMEM, "out of memory");
	b->ptr = p;
	b->cap = cap;
	return 0;
}

int ge_buf_put(ge_buf *b, const char *data, size_t len)
{
	if (ge_buf_grow(b, len) < 0)
		return GE_ENOMEM;
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
	int n;
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return ge_error_set(GE_ERROR, "bad format");
	if (ge_buf_grow(b, (size_t)n) < 0)
		return GE_ENOMEM;
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
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
}

char *ge_buf_detach(ge_buf *b)
{
	char *p = b->ptr;
	if (!p)
		p = calloc(1, 1);
	b->ptr = NULL;
	b->len = b->cap = 0;
	return p;
}

const char *ge_buf_cstr(const ge_buf *b)
{
	return b->ptr ? b->ptr : "";
}

/* Length of a valid UTF-8 sequence at p (1-4), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *p)
{
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		return (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (p[0] >= 0xe0 && p[0] <= 0xef) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0))
			return 0; /* overlong, or a surrogate */
		return 3;
	}
	if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
			return 0;
		if ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

int ge_buf_put_json(ge_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	if (ge_buf_putc(b, '"') < 0)
		return GE_ENOMEM;
	while (*p) {
		const unsigned char *run = p;
		size_t n;
		/* Valid UTF-8 and printable ASCII go out as they are. */
		while (*p >= 0x20 && *p != '"' && *p != '\\' && (n = utf8_len(p)) != 0)
			p += n;
		if (p > run && ge_buf_put(b, (const char *)run, (size_t)(p - run)) < 0)
			return GE_ENOMEM;
		if (!*p)
			break;
		if (*p == '"' || *p == '\\') {
			char e[2] = {'\\', (char)*p};
			if (ge_buf_put(b, e, 2) < 0)
				return GE_ENOMEM;
		} else if (*p == '\n') {
			if (ge_buf_puts(b, "\\n") < 0)
				return GE_ENOMEM;
		} else if (*p == '\t') {
			if (ge_buf_puts(b, "\\t") < 0)
				return GE_ENOMEM;
		} else if (*p < 0x20) {
			char e[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
			if (ge_buf_put(b, e, 6) < 0)
				return GE_ENOMEM;
		} else if (ge_buf_puts(b, "\\ufffd") < 0) {
			/* Not UTF-8 (a file name in another encoding): JSON must stay valid. */
			return GE_ENOMEM;
		}
		p++;
	}
	return ge_buf_putc(b, '"');
}

int ge_file_read(ge_buf *out, const char *path)
{
	int fd = -1, rc = 0;
	ssize_t n;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ge_error_errno(errno == ENOENT ? GE_ENOTFOUND : GE_ERROR, "cannot read '%s'",
				      path);
	for (;;) {
		if (ge_buf_grow(out, 65536) < 0) {
			rc = GE_ENOMEM;
			break;
		}
		n = read(fd, out->ptr + out->len, out->cap - out->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = ge_error_errno(GE_ERROR, "cannot read '%s'", path);
			break;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->ptr[out->len] = '\0';
	}
	close(fd);
	return rc;
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

int ge_file_read_bounded(ge_buf *out, const char *path, size_t limit)
{
	struct stat st;
	int fd = -1, rc = 0;
	size_t start = out->len;
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
		rc = ge_error_errno(GE_ERROR, "cannot read '%s'", path);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = ge_error_set(GE_EBADINPUT, "cannot read '%s': %s, not a regular file", path,
		                  file_kind(st.st_mode));
		goto done;
	}
	if ((uintmax_t)st.st_size > (uintmax_t)limit) {
		rc = too_big(path, limit);
		goto done;
	}
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
 * Remove "<path>.goescape-tmp-<pid>" files left by a writer that was killed
 * (its pid no longer runs).  Best effort.
 */
static void clean_stale_tmp(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? ge_strndup(path, slash == path ? 1 : (size_t)(slash - path)) : ge_strdup(".");
	const char *base = slash ? slash + 1 : path;
	size_t blen = strlen(base);
	DIR *d;
	struct dirent *e;
	if (!dir)
		return;
	d = opendir(dir);
	while (d && (e = readdir(d)) != NULL) {
		const char *n = e->d_name;
		char *end;
		long pid;
		if (strncmp(n, base, blen) != 0 || strncmp(n + blen, ".goescape-tmp-", 14) != 0)
			continue;
		pid = strtol(n + blen + 14, &end, 10);
		if (*end || pid <= 0 || pid == (long)getpid())
			continue;
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

int ge_file_write_atomic(const char *path, const char *data, size_t len, int mode)
{
	ge_buf tmp = GE_BUF_INIT;
	struct stat st;
	int fd = -1, rc = -1;
	size_t off = 0;
	char *dir = NULL, *slash;

	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* A device or a pipe (/dev/null, /dev/stdout): nothing to replace. */
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return ge_error_errno(GE_ERROR, "cannot write '%s'", path);
		while (off < len) {
			ssize_t n = write(fd, data + off, len - off);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				rc = ge_error_errno(GE_ERROR, "cannot write '%s'", path);
				close(fd);
				return rc;
			}
			off += (size_t)n;
		}
		if (close(fd) < 0)
			return ge_error_errno(GE_ERROR, "cannot write '%s'", path);
		return 0;
	}
	clean_stale_tmp(path);
	if (ge_buf_printf(&tmp, "%s.goescape-tmp-%ld", path, (long)getpid()) < 0)
		goto done;
	if (stat(path, &st) == 0)
		mode = (int)(st.st_mode & 07777);
	fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		rc = ge_error_errno(GE_ERROR, "cannot write '%s'", path);
		goto done;
	}
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = ge_error_errno(GE_ERROR, "cannot write '%s'", path);
			goto done;
		}
		off += (size_t)n;
	}
	if (fchmod(fd, (mode_t)mode) < 0 || fsync(fd) < 0) {
		rc = ge_error_errno(GE_ERROR, "cannot write '%s'", path);
		goto done;
	}
	if (close(fd) < 0) {
		fd = -1;
		rc = ge_error_errno(GE_ERROR, "cannot write '%s'", path);
		goto done;
	}
	fd = -1;
	if (rename(tmp.ptr, path) < 0) {
		rc = ge_error_errno(GE_ERROR, "cannot write '%s'", path);
		goto done;
	}
	/* Make the rename itself durable. */
	dir = ge_strdup(path);
	if (dir) {
		int dfd;
		slash = strrchr(dir, '/');
		if (slash)
			*(slash == dir ? slash + 1 : slash) = '\0';
		dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			(void)fsync(dfd);
			close(dfd);
		}
	}
	rc = 0;
done:
	if (fd >= 0)
		close(fd);
	if (rc < 0 && tmp.ptr)
		unlink(tmp.ptr);
	free(dir);
	ge_buf_release(&tmp);
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
	ge_buf b = GE_BUF_INIT;
	if (rel[0] == '/' || !dir || !dir[0]) {
		if (ge_buf_puts(&b, rel) < 0)
			return NULL;
	} else if (ge_buf_printf(&b, "%s/%s", dir, rel) < 0) {
		ge_buf_release(&b);
		return NULL;
	}
	ge_path_clean(b.ptr);
	b.len = strlen(b.ptr);
	return ge_buf_detach(&b);
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
