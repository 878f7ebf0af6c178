/*
 * Private helpers shared by every module: the growable buffer, error
 * recording, small string utilities.
 */
#ifndef GE_COMMON_H
#define GE_COMMON_H

#include <assert.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "goescape/goescape.h"

#if defined(__GNUC__)
#define GE_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define GE_PRINTF(f, a)
#endif

/* Record an error message for ge_error_last() and return code. */
int ge_error_set(int code, const char *fmt, ...) GE_PRINTF(2, 3);
/* Same, with strerror(errno) appended as ": <reason>". */
int ge_error_errno(int code, const char *fmt, ...) GE_PRINTF(2, 3);
void ge_error_clear(void);

/*
 * A growable, always NUL-terminated byte buffer, like git's strbuf: ptr is
 * never NULL.  Until the first append it points at ge_buf__empty, a shared
 * empty string that is never written (cap is 0 while it does), so a
 * buffer's contents can always be read as ptr without a check.
 * ge_buf_release() frees the contents and points ptr back at the empty
 * string.  A zeroed ge_buf (calloc, memset) is accepted by every function
 * too and owns nothing, but its ptr is NULL until the first append: set
 * embedded buffers up with GE_BUF_INIT or ge_buf_init().
 *
 * max, like curl's dynbuf, bounds what the buffer may hold: an append that
 * would take len past max fails with GE_ETOOBIG (the message names the
 * bound) and leaves the buffer as it was.  0 is unbounded.  The bound
 * outlives ge_buf_release(), ge_buf_clear() and ge_buf_detach().
 * Appending functions return 0, GE_ENOMEM or GE_ETOOBIG.
 */
struct ge_buf_sink;

typedef struct ge_buf {
	char *ptr;
	size_t len;
	size_t cap; /* 0: ptr is ge_buf__empty (or NULL when zeroed), owned nothing */
	size_t max; /* bytes of content at most; 0: no bound */
	struct ge_buf_sink *sink; /* NULL: everything stays in memory (see below) */
} ge_buf;

extern char ge_buf__empty[];

#define GE_BUF_INIT {.ptr = ge_buf__empty}
#define GE_BUF_INIT_BOUNDED(n) {.ptr = ge_buf__empty, .max = (n)}

/* Set b up empty, owning nothing, with bound max (0: none). */
void ge_buf_init(ge_buf *b, size_t max);
int ge_buf_grow(ge_buf *b, size_t extra);
int ge_buf_put(ge_buf *b, const char *data, size_t len);
int ge_buf_puts(ge_buf *b, const char *s);
int ge_buf_putc(ge_buf *b, char c);
int ge_buf_printf(ge_buf *b, const char *fmt, ...) GE_PRINTF(2, 3);
int ge_buf_vprintf(ge_buf *b, const char *fmt, va_list ap);
void ge_buf_truncate(ge_buf *b, size_t len);
void ge_buf_clear(ge_buf *b);
void ge_buf_release(ge_buf *b);
/*
 * Hand the contents to the caller as a malloc'd string (free() it), also
 * when nothing was appended (then a fresh ""); NULL only on out of memory.
 * The buffer is left empty, owning nothing.
 */
char *ge_buf_detach(ge_buf *b);
/* b->ptr; "" for a zeroed buffer.  New code reads b->ptr. */
const char *ge_buf_cstr(const ge_buf *b);

/*
 * A streaming buffer: with sink set, an append that finds the buffer
 * holding GE_BUF_FLUSH_BYTES or more first writes all but its last
 * GE_BUF_KEEP_BYTES to sink->fd, so a renderer that appends a report of any
 * size holds about a megabyte of it.  What a renderer may still do to what
 * it appended: drop or rewrite its last GE_BUF_KEEP_BYTES bytes (a closing
 * "}" reopened), never read or truncate further back; ptr and len are
 * only the unwritten tail.  A write that fails is kept in sink->err (the
 * first errno) and every later byte is dropped, so renderers need no new
 * error path: whoever set the sink up reads err after ge_buf_flush().
 * sink->flushed counts the bytes written.
 */
#define GE_BUF_FLUSH_BYTES ((size_t)1024 * 1024)
#define GE_BUF_KEEP_BYTES  64
typedef struct ge_buf_sink {
	int fd;
	int err;
	unsigned long long flushed;
} ge_buf_sink;

/*
 * ge_buf_put, for a large piece (GE_BUF_FLUSH_BYTES or more) with a sink:
 * what b holds and all of data but its last GE_BUF_KEEP_BYTES are written
 * to the sink at once, without a copy into b; those last bytes stay in b,
 * as after ge_buf_put and the flush it would cause.
 */
int ge_buf_put_sunk(ge_buf *b, const char *data, size_t len);
/* Write all of b to its sink (none: nothing to do).  0, or GE_ERROR naming name. */
int ge_buf_flush(ge_buf *b, const char *name);

/*
 * Decode one code point from s (n > 0 bytes) as the WHATWG decoder does
 * (and so node, which GitHub's upload action runs on, and the Unicode
 * standard's "maximal subpart" practice): an invalid sequence is U+FFFD and
 * consumes its maximal valid prefix, at least one byte.  Returns the bytes
 * consumed; *cp is the code point.
 */
size_t ge_utf8_next(const unsigned char *s, size_t n, uint32_t *cp);

/*
 * Append s as a quoted JSON string.  This is the one JSON string writer:
 * every JSON and SARIF text goescape writes by hand goes through it, so
 * every output has one policy (docs/DESIGN-NOTES.md, "JSON strings"):
 * valid UTF-8 is kept as it is; each invalid sequence (a file name in
 * another encoding) becomes one \ufffd per maximal invalid subpart, as
 * ge_utf8_next reads it; '"' and '\\' are escaped, \n and \t as such,
 * every other byte below 0x20 as \u00XX.  The output is always valid JSON.
 */
int ge_buf_put_json(ge_buf *b, const char *s);

/*
 * Read a whole file; GE_ENOTFOUND when it does not exist.  Every whole-file
 * read goes through ge_file_read_bounded(): a Go source named by the
 * compiler's output is the repository's too, so a .go link to /dev/zero or
 * a FIFO is refused, not read for ever.  GE_FILE_MAX_BYTES is far above any
 * real Go file (the largest generated ones run to tens of megabytes).
 */
#define GE_FILE_MAX_BYTES ((size_t)256 * 1024 * 1024)
int ge_file_read(ge_buf *out, const char *path);

/*
 * Read a whole file that the repository controls (config, baseline): only a
 * regular file (symlinks followed) of at most limit bytes is read.  A FIFO,
 * a device, a socket or a directory is GE_EBADINPUT without blocking and
 * without reading a byte; so is a file larger than limit (never more than
 * limit + 1 bytes are read, even if it grows).  GE_ENOTFOUND when it does
 * not exist.  The message names path and, when exceeded, the limit.
 */
int ge_file_read_bounded(ge_buf *out, const char *path, size_t limit);

/*
 * Open a file named on the command line for streaming (--input): a regular
 * file or a FIFO (the user's own, so opening it waits for a writer, as cat
 * would).  A device, socket or directory is GE_EBADINPUT.  *fd is the open
 * descriptor, which the caller closes.
 */
int ge_file_open_stream(int *fd, const char *path);

/* "1 MiB", "512 MiB", "4096 bytes": a limit as a person reads it, in buf. */
const char *ge_size_text(char *buf, size_t n, size_t bytes);

/*
 * Write data to path atomically: a temporary file in the same directory,
 * fsync, rename.  On failure the old file is untouched and no temporary
 * file is left.  mode is used for a new file; an existing file keeps its own.
 */
int ge_file_write_atomic(const char *path, const char *data, size_t len, int mode);

/*
 * Write a cache file: a new temporary file beside path (a GE_TMP_MARK name
 * with our pid, which ge_tidy_git removes after a killed run), renamed over
 * path, without fsync: a crash may lose the file or leave it empty, never
 * half of one under path while the system runs, so a reader that validates
 * what it reads (one that does not parse is a miss) never believes a torn
 * write.  For files that are a cache only; mode is the new file's.
 */
int ge_file_write_cache(const char *path, const char *data, size_t len, int mode);

/*
 * Files beside a target: "<path>.goescape-tmp-<pid>-<16 hex>", created with
 * O_CREAT|O_EXCL|O_NOFOLLOW in path's directory, so a name planted there
 * beforehand (a symlink, a file) is never opened, and nobody can guess the
 * next name.  The pid lets a later writer recognise and remove the temp of
 * a writer that was killed.  GE_TMP_MARK is the part every such name holds.
 */
#define GE_TMP_MARK ".goescape-tmp-"

/*
 * Staged writes: several files replaced all or nothing.  ge_stage_add
 * writes each new content to a temp file beside its target (fsync'd, the
 * target's mode kept) and checks the target can be replaced; nothing is
 * visible until ge_stage_commit renames every temp over its target.  A
 * failure in ge_stage_add leaves every target as it was (call
 * ge_stage_abort, which removes the temps).  The one window left is a kill
 * between two renames of ge_stage_commit: then some targets are new and
 * the rest old, and the rest's temps stay until the next write of that
 * file removes them.  name (or NULL: path) is what messages call the file.
 */
typedef struct ge_stage_entry {
	char *path;
	char *tmp;
	char *name;
} ge_stage_entry;

typedef struct ge_stage {
	ge_stage_entry *e;
	size_t n;
} ge_stage;

#define GE_STAGE_INIT                                                                              \
	{                                                                                          \
		.e = NULL                                                                          \
	}

int ge_stage_add(ge_stage *s, const char *path, const char *name, const char *data, size_t len,
                 int mode);
int ge_stage_commit(ge_stage *s);
void ge_stage_abort(ge_stage *s);

/*
 * A streamed write of one file: ge_out_open creates the temp beside path
 * (GE_TMP_MARK) and sets o->buf up streaming into it; the caller renders
 * into o->buf; ge_out_finish writes the rest, sets the mode (the target's,
 * or mode for a new file) and fsyncs; then ge_out_commit renames it over
 * path (one file, as ge_file_write_atomic), or ge_out_stage hands it to a
 * ge_stage whose ge_stage_commit renames several all or none.  Until then
 * path is untouched; ge_out_abort (always safe, also after the others)
 * removes the temp and frees everything.  A device or a /dev, /proc
 * symlink (/dev/stdout) is written through, as ge_file_write_atomic does,
 * unless staged: staged targets are checked as ge_stage_add checks them.
 * The ge_out must not move while it is open (its buf points at it).
 */
typedef struct ge_out {
	ge_buf buf;
	ge_buf_sink sink;
	char *path, *tmp, *name;
	int mode;
} ge_out;

int ge_out_open(ge_out *o, const char *path, const char *name, int mode, int staged);
int ge_out_finish(ge_out *o);
int ge_out_commit(ge_out *o);
int ge_out_stage(ge_out *o, ge_stage *s);
void ge_out_abort(ge_out *o);

/*
 * Open a file the repository controls for reading in pieces, with the
 * checks and messages of ge_file_read_bounded (regular file only, at most
 * limit bytes by its size, never blocking).  *fd is the descriptor (the
 * caller closes it), *size the file's size then.
 */
int ge_file_open_bounded(int *fd, size_t *size, const char *path, size_t limit);
/* ge_file_read_bounded's message for a file over limit (GE_EBADINPUT). */
int ge_file_too_big(const char *path, size_t limit);

/*
 * Check that path, a file the repository decides (a configured baseline,
 * .goescape/, a file suggest rewrites), stays inside root once every
 * symlink on the way is followed: each existing component is resolved
 * (like realpath(3)); the missing rest is taken as written.  A symlink that
 * stays inside root is fine.  On success *resolved (may be NULL) gets the
 * resolved path, malloc'd.  Otherwise GE_EBADINPUT with a message naming
 * the path relative to root and the symlink that leaves it:
 * "'.goescape/baseline.json': '.goescape' is a symlink leaving the module".
 */
int ge_path_check_inside(char **resolved, const char *root, const char *path);

/* mkdir -p: create dir and its missing parents (mode 0777 less umask). */
int ge_mkdir_p(const char *dir);

/*
 * v quoted for a message on one line (a repository's strings may hold
 * newlines and escape sequences): printable ASCII as it is, every other
 * byte and the backslash as \xNN, at most GE_QUOTE_MAX bytes of it then
 * "...".  buf holds GE_QUOTE_BUF bytes; returns buf.
 */
#define GE_QUOTE_MAX 160
#define GE_QUOTE_BUF (GE_QUOTE_MAX * 4 + 8)
const char *ge_quoted(char *buf, const char *v);

/* Free the first n strings of v, then v (NULL is fine). */
void ge_strv_free(char **v, size_t n);

/* malloc'd copies; NULL on out of memory. */
char *ge_strdup(const char *s);
char *ge_strndup(const char *s, size_t n);

/* 64-bit FNV-1a over the bytes that are not ASCII whitespace. */
uint64_t ge_hash_nospace(const char *s, size_t n);
uint64_t ge_hash_bytes(uint64_t h, const char *s, size_t n);
#define GE_HASH_SEED 1469598103934665603ULL

/*
 * pthread_create(t, NULL, fn, arg) with every signal blocked in the new
 * thread: a signal goescape takes (lib/run's, forwarded to go; a Ctrl-C
 * ending a --input run) is the main thread's.  Every helper thread of lib
 * starts here.  pthread_create's result.
 */
int ge_thread_start(pthread_t *t, void *(*fn)(void *), void *arg);

/* Path helpers working on '/'-separated strings. */
/* Lexically clean a path (., .., //) in place, like Go's path.Clean. */
void ge_path_clean(char *p);
/* Join dir and rel into a new malloc'd, cleaned path (rel may be absolute). */
char *ge_path_join(const char *dir, const char *rel);
/* If path is inside root (both clean, absolute), the part after "root/", else NULL. */
const char *ge_path_within(const char *path, const char *root);

#endif
