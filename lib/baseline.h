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
 * A baseline is read only when it is a regular file of at most this size
 * (about 1.7 million entries of ~300 bytes); a FIFO, a device or a bigger
 * file is GE_EBADINPUT naming it, without blocking.
 */
#define GE_BASELINE_MAX_BYTES ((size_t)512 * 1024 * 1024)

/*
 * Load a baseline (or a report) file; GE_ENOTFOUND / GE_EBADINPUT with the
 * path named.  Strict: one JSON document, every entry with a non-empty
 * file, whole-number line and column (see ge_report_from_json).
 */
int ge_baseline_load(ge_report **out, const char *path);

#endif
