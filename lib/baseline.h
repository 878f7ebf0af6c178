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
/* Load a baseline (or a report) file; GE_ENOTFOUND / GE_EBADINPUT with the path named. */
int ge_baseline_load(ge_report **out, const char *path);

#endif
