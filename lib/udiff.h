/*
 * lib/udiff: line diffs of two versions of a file (Myers' O(ND) algorithm),
 * as the unified diff git apply and patch -p1 accept, and as a map from the
 * old file's lines to the new file's.
 *
 * A line is compared with its newline: a last line without one differs
 * from the same text with one, and is written with "\ No newline at end
 * of file" as diff does.  Files differing in more than a few thousand
 * lines get a correct but coarse diff (the differing middle replaced whole).
 */
#ifndef GE_UDIFF_H
#define GE_UDIFF_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

/*
 * Append the diff of a against b, both named path (relative, '/'-separated)
 * under git's "a/" and "b/" prefixes: a "diff --git" line, the ---/+++
 * header and hunks with ctx lines of context.  Nothing when equal.
 */
int ge_udiff_write(ge_buf *out, const char *path, const char *a, size_t alen, const char *b,
                   size_t blen, unsigned ctx);

/*
 * For each line of a (index 0 is line 1), the line of b it is kept as, or 0
 * when it was deleted or changed.  *out is malloc'd (free()), *nout lines
 * long.
 */
int ge_udiff_linemap(uint32_t **out, size_t *nout, const char *a, size_t alen, const char *b,
                     size_t blen);

#endif
