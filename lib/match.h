/*
 * lib/match: which escapes of head are new, which of base are fixed.
 *
 * Identity (DESIGN.md): (file after rename mapping, enclosing function,
 * kind, subject), plus the hash of the whitespace-stripped source line.
 * Package-level initializers and init.N count as one function (package
 * initialization), so code moved between them is not new.
 * The cascade, strongest first, works on multisets so a second identical
 * escape in one function is new; a diagnostic stands for its count of
 * allocation sites (N in base and N+1 in head: one new):
 *   1. same key and same line hash;
 *   2. same key and the base line mapped through the diff is the head line;
 *   3. same key alone, paired by count in line order;
 *   4. what is still left, by kind, subject and line hash alone (another
 *      function or file: a renamed function, a body moved): "moved".
 * What is left in head is new; what is left in base is fixed.
 */
#ifndef GE_MATCH_H
#define GE_MATCH_H

#include "report.h"

typedef struct ge_match_map {
	/* The head path of a base file (renames); NULL = unchanged path. */
	const char *(*rename)(const char *base_file, void *ud);
	/* A base line's head line through the diff; 0 = changed or unknown. */
	uint32_t (*map_line)(const char *base_file, uint32_t line, void *ud);
	void *ud;
} ge_match_map;

/*
 * Mark every diagnostic of head GE_STATUS_NEW, GE_STATUS_EXISTING or
 * GE_STATUS_MOVED and add base's unmatched ones to head's fixed list (status
 * GE_STATUS_FIXED).  A head diagnostic whose sites matched in different ways
 * is split into one diagnostic per status, each with its part of the count;
 * a moved one names its base file and function (from_file, from_function).
 * map may be NULL (no renames, no line mapping).  Linear-logarithmic.
 */
int ge_match(ge_report *head, const ge_report *base, const ge_match_map *map);

/*
 * ge_match makes the base's entries on a second thread while the calling
 * thread makes the head's, when both sides are large: map's callbacks are
 * then called on that thread (only there, never two at once), and must
 * read nothing the caller changes meanwhile (history's read its diff).
 * For tests: ge_match__threads(1) always, (0) never, (-1) by size (the
 * default); ge_match__threaded() says whether the last ge_match did.
 */
void ge_match__threads(int mode);
int ge_match__threaded(void);

#endif
