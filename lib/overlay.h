/*
 * lib/overlay: the file map of go's -overlay flag (go help build): each
 * real path of the module, as go would open it, replaced by a backing file
 * ("" for a file the build must not see).  Users: lib/history (a commit's
 * tree over the working tree) and lib/suggest (rewritten and probed files).
 * Where the backing files live and when they are removed is the caller's.
 */
#ifndef GE_OVERLAY_H
#define GE_OVERLAY_H

#include <stddef.h>

#include "common.h"

typedef struct ge_overlay {
	char **real, **backing; /* n of each, malloc'd */
	size_t n;
} ge_overlay;

#define GE_OVERLAY_INIT                                                                            \
	{                                                                                          \
		NULL, NULL, 0                                                                      \
	}

/* Add real -> backing (both copied). */
int ge_overlay_add(ge_overlay *o, const char *real, const char *backing);

/* Forget every entry; o stays usable. */
void ge_overlay_clear(ge_overlay *o);

/* The -overlay JSON, {"Replace":{real:backing,...}}, one entry a line, into out. */
int ge_overlay_json(ge_buf *out, const ge_overlay *o);

#endif
