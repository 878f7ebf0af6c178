/*
 * lib/sarif: a report as SARIF 2.1.0 that GitHub code scanning accepts as it
 * is (validated with Microsoft's SARIF multitool, rule kinds Ghas and Sarif).
 *
 * Rules have stable ids, one per kind (moved to heap, escapes to heap,
 * leaking param).  Locations are module-relative under %SRCROOT%, with
 * columns converted from Go's bytes to SARIF's characters.
 * partialFingerprints carry GitHub's primaryLocationLineHash (computed as
 * GitHub's upload action does) and goescape's own identity.  For check
 * output, baselineState is new / unchanged / absent (fixed), and new heap
 * escapes are level error, the rest note.  -m=2 explanations become
 * codeFlows.  GitHub's limits (25,000 results per run, 10 MB gzipped) are
 * kept by dropping the least important results, said in a
 * toolExecutionNotification.
 */
#ifndef GE_SARIF_H
#define GE_SARIF_H

#include "report.h"

typedef struct ge_sarif_opts {
	const char *srcroot;      /* absolute directory report files are relative to */
	const char *repo_uri;     /* versionControlProvenance; NULL when unknown */
	const char *revision;
	const char *branch;
	const char *command_line; /* invocations[0] */
	int exit_code;
	int check;                /* statuses are meaningful: emit baselineState */
	size_t max_results;       /* 0 = GitHub's 25,000 */
	size_t max_bytes;         /* 0 = GitHub's limit (10 MB gzipped, approximated) */
} ge_sarif_opts;

#define GE_SARIF_OPTS_INIT {NULL, NULL, NULL, NULL, NULL, 0, 0, 0, 0}

int ge_sarif_render(ge_buf *out, const ge_report *r, const ge_sarif_opts *o);

#endif
