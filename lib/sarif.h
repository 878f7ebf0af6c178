/*
 * lib/sarif: a report as SARIF 2.1.0 that GitHub code scanning accepts as it
 * is (validated with Microsoft's SARIF multitool, rule kinds Ghas and Sarif).
 *
 * Rules have stable ids, one per kind: GE1001 moved to heap, GE1002 escapes
 * to heap, GE1003 leaking param (GE2xxx is kept for rewrite rules).
 * Locations are relative to %SRCROOT%, the git work tree that holds the
 * module (the module root when there is none), so GitHub finds the files
 * of a module in a subdirectory.  Columns are converted from Go's bytes to
 * UTF-16 code units (columnKind "utf16CodeUnits") with the source line, and
 * end at the end of the expression found there.
 *
 * partialFingerprints carry primaryLocationLineHash, computed as GitHub's
 * upload action computes it (see ge_sarif_line_hashes), and goescape's own
 * identity (ge_diag_fingerprint) under "goescape/v1".  Source lines are
 * used only while their text still hashes to the diagnostic's line_hash, so
 * a report of another commit never borrows the wrong line.
 *
 * For check output, baselineState is new / unchanged / absent (the fixed
 * list); new heap escapes are level error, everything else note; fixed
 * ones also carry an external suppression, because GitHub shows every
 * result it is given as an alert and a fixed escape should not be an open
 * one.  report output has no baselineState: heap escapes are warnings,
 * leaks notes.  -m=2 explanations of new heap escapes (of every heap
 * escape in report output) become codeFlows.
 *
 * GitHub's limits (25,000 results per run, 10 MB gzipped) are kept by
 * dropping the least important results first (fixed, then leaks, then
 * existing heap escapes, new heap escapes last), said in
 * invocations[0].toolExecutionNotifications.  The output is valid SARIF
 * whatever is dropped.
 */
#ifndef GE_SARIF_H
#define GE_SARIF_H

#include <stdint.h>

#include "report.h"

/*
 * tool.driver.informationUri: where a reader of an alert learns about
 * goescape.  Set when goescape is built (make GOESCAPE_URL=https://...,
 * generated into build/gen/info_uri.c); empty by default, and then SARIF
 * has no informationUri (the property is optional) rather than a guessed
 * address.
 */
extern const char ge_sarif_info_uri[];
/* The rules' helpUri: the Go GC guide, which explains escape analysis and heap cost. */
#define GE_SARIF_HELP_URI "https://go.dev/doc/gc-guide"

/* The start of every SARIF log goescape writes, up to the first run's members. */
#define GE_SARIF_LOG_HEAD                                                                          \
	"{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\","                          \
	"\"version\":\"2.1.0\",\n\"runs\":[{"

/*
 * Appends the run's "tool" member up to the driver's rules, both objects
 * left open: "tool":{"driver":{"name":"goescape","version":...,
 * "semanticVersion":...[,"informationUri":...].  Every SARIF writer
 * (reports, suggestions, assertions) names the tool through this.
 */
int ge_sarif_put_tool_head(ge_buf *b);

/* GitHub code scanning's hard limit of results in one run. */
#define GE_SARIF_MAX_RESULTS 25000
/*
 * GitHub takes at most 10 MB of gzipped SARIF.  max_bytes bounds the
 * uncompressed log first (cheap); then the log is measured with zlib and,
 * when its gzipped size is still over GE_SARIF_MAX_GZIP, rendered again with
 * a bound scaled down by the measured ratio.  goescape's SARIF compresses 12
 * to 19 times, so the second render is rare.
 */
#define GE_SARIF_MAX_GZIP (10u * 1000 * 1000)
#define GE_SARIF_MAX_BYTES (64u * 1024 * 1024)

typedef struct ge_sarif_opts {
	const char *srcroot;  /* absolute directory report files are relative to */
	const char *repo_uri; /* versionControlProvenance; NULL when unknown */
	const char *revision;
	const char *branch;
	const char *command_line; /* invocations[0] */
	int exit_code;
	int check;             /* statuses are meaningful: emit baselineState */
	size_t max_results;    /* 0 = GE_SARIF_MAX_RESULTS */
	size_t max_bytes;      /* uncompressed; 0 = GE_SARIF_MAX_BYTES */
	size_t max_gzip;       /* gzipped; 0 = GE_SARIF_MAX_GZIP */
	const char *repo_root; /* git work tree holding srcroot, %SRCROOT%; NULL = the
	                          nearest directory upward with a .git, else srcroot */
	/* --profile: the cost of each diagnostic, parallel to the report's diags[]
	   (lib/cost); result.rank is share * 100, properties bytes and objects.
	   For ge_sarif_render_fixes, parallel to the fixes (suggest --profile:
	   what each rewrite removes).  NULL without a profile. */
	const struct ge_diag_cost *cost;
	size_t ncost;
} ge_sarif_opts;

#define GE_SARIF_OPTS_INIT                                                                         \
	{                                                                                          \
		.srcroot = NULL                                                                    \
	}

/*
 * Append the SARIF log of r to out.  Source files are read from srcroot
 * (when set) for columns and line hashes; a file that cannot be read only
 * loses those.  Returns 0, or GE_ENOMEM (out then holds a partial log the
 * caller discards).
 */
int ge_sarif_render(ge_buf *out, const ge_report *r, const ge_sarif_opts *o);

/* One replacement of whole lines: [start_line, end_line) deleted (end_line ==
 * start_line: nothing deleted, text inserted before start_line), then text. */
typedef struct ge_sarif_replacement {
	uint32_t start_line, end_line;
	const char *text; /* whole lines, each with its newline */
	size_t len;
} ge_sarif_replacement;

/* A verified rewrite as a SARIF result of rule GE2001 with a fix. */
typedef struct ge_sarif_fix {
	const char *file; /* report-relative */
	uint32_t line, column;
	const char *message;     /* the result's message */
	const char *description; /* the fix's description */
	const ge_sarif_replacement *repl;
	size_t nrepl;
} ge_sarif_fix;

/* A log of rewrites (goescape suggest --format sarif): one result per fix. */
int ge_sarif_render_fixes(ge_buf *out, const ge_sarif_fix *fixes, size_t n,
			  const ge_sarif_opts *o);

/*
 * GitHub's primaryLocationLineHash of every line of text, one "<hex>:<n>"
 * per line, each followed by '\n', appended to out.  The algorithm of
 * github/codeql-action src/fingerprints.ts: text decoded from UTF-8 into
 * UTF-16 code units (invalid bytes become U+FFFD), spaces and tabs
 * skipped, CR and CRLF read as LF; a polynomial rolling hash (base 37,
 * modulo 2^64) over a window of 100 code units, a line's hash being the
 * window that starts at its first code unit, with the code unit 65535
 * marking the end of the text and zeros after it; <n> counts earlier lines
 * with the same hash, from 1.  Lines are those of that reading (CR, LF
 * and CRLF end a line), and the text after the last line end is a line
 * too, even when empty.  Returns 0 or GE_ENOMEM.
 */
int ge_sarif_line_hashes(ge_buf *out, const char *text, size_t len);

/*
 * A repository URL as an absolute URI for SARIF: scp-like "git@host:o/r.git"
 * and ssh:// or git:// URLs become https://host/o/r.git, absolute paths
 * file:// URIs.  Credentials never pass: the URL goes through
 * ge_url_scrub() (lib/url.h) first, which drops userinfo, query and
 * fragment.  NULL when url cannot be made absolute (a relative path), when
 * the scrubber cannot read it without doubt, or on out of memory; else
 * malloc'd, free() it.
 */
char *ge_sarif_repo_uri(const char *url);

/*
 * Append s percent-encoded as a URI path (RFC 3986: every byte but
 * unreserved ones, sub-delims, '@' and '/' as %HH, so a space, '#', '?',
 * '%' and non-ASCII bytes stay in the path), for another module's SARIF
 * (lib/asserts): a relative file name (keep_colon 0, so "a:b" is no
 * scheme) or an absolute directory after "file://" (keep_colon 1).
 * Returns 0 or GE_ENOMEM.
 */
int ge_sarif_put_uri_path(ge_buf *out, const char *s, int keep_colon);

#endif
