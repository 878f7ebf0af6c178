/*
 * lib/baseline: the baseline file (.goescape/baseline.json unless
 * configured).  The report JSON with schema "goescape-baseline/1": sorted,
 * one diagnostic per line (so merges conflict rarely and readably), no
 * absolute paths, no statuses, the commit, Go version and build
 * configuration (lib/goconfig: "config") it came from.  The
 * same tree gives a byte-identical file.  Written atomically.
 */
#ifndef GE_BASELINE_H
#define GE_BASELINE_H

#include "report.h"

#define GE_BASELINE_DEFAULT ".goescape/baseline.json"

/* Render r as a baseline (statuses and the fixed list are left out). */
int ge_baseline_render(ge_buf *out, const ge_report *r);
/* Write it to path atomically, creating the parent directory if needed. */
int ge_baseline_write(const char *path, const ge_report *r);
/*
 * A baseline is read only when it is a regular file; a FIFO, a device or a
 * directory is GE_EBADINPUT naming it, without blocking.  It is read in
 * pieces (lib/report: ge_report_from_json_fd), never held whole, so its
 * size is bounded only against absurd input: GE_BASELINE_STREAM_MAX_BYTES
 * (about 100 million entries).  One the streaming reader is not sure of is
 * read again whole for the whole-tree reader's message, and that only up
 * to GE_BASELINE_MAX_BYTES (about 1.7 million entries of ~300 bytes);
 * past it, the message is the limit's, as it always was.
 */
#define GE_BASELINE_MAX_BYTES        ((size_t)512 * 1024 * 1024)
#define GE_BASELINE_STREAM_MAX_BYTES ((size_t)32 * 1024 * 1024 * 1024)

/*
 * Load a baseline (or a report) file; GE_ENOTFOUND / GE_EBADINPUT with the
 * path named.  Strict: one JSON document, every entry with a non-empty
 * file, whole-number line and column (see ge_report_from_json).
 */
int ge_baseline_load(ge_report **out, const char *path);

/*
 * The same with other bounds (0: the default), for tests: tree_max for a
 * whole read, file_max for the file, and the streaming reader's chunk and
 * value_max (ge_json_chunks).
 */
typedef struct ge_baseline_limits {
	size_t tree_max, file_max, chunk, value_max;
} ge_baseline_limits;
int ge_baseline_load_limits(ge_report **out, const char *path, const ge_baseline_limits *lim);

#endif
