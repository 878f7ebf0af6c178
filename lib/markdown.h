/*
 * lib/markdown: a report as GitHub-flavoured markdown, for a pull request's
 * step summary ($GITHUB_STEP_SUMMARY) or a comment.
 *
 * check (only_new): a headline (new / fixed / in all, and the base), a
 * table of the new heap escapes (file:line linked, function, message, ×N,
 * whether a 'goescape suggest' rewrite matches), the moved ones and the
 * fixed ones each collapsed in <details>, and the heap escapes per package.
 * report: the headline and a table of every heap escape, per package.
 *
 * Everything taken from the report (file names, functions, messages: the
 * repository's and the compiler's text) is escaped so that it can neither
 * end a table cell, start markup, nor inject HTML; link targets are
 * percent-encoded.  The text stays under limit bytes (0: GitHub's 1 MiB
 * step-summary limit, less room for the closing lines): rows that would
 * pass it are left out and a note says how many.
 */
#ifndef GE_MARKDOWN_H
#define GE_MARKDOWN_H

#include <stddef.h>

#include "report.h"

/* GitHub refuses a step summary over 1 MiB. */
#define GE_MARKDOWN_LIMIT ((size_t)1024 * 1024)

typedef struct ge_markdown_opts {
	int only_new; /* check: new / moved / fixed; else every heap escape */
	const char
	    *base; /* what check compared with ("merge-base 1a2b… of origin/main"), or NULL */
	const char *link;             /* prepended to a file's path in links: the module's directory
	                                 relative to the repository root with a trailing '/', "" or NULL */
	const unsigned char *suggest; /* per diagnostic of r (r->ndiags): 1 when a suggest
	                                 rule matches it; NULL when not known */
	size_t limit;                 /* bytes; 0 is GE_MARKDOWN_LIMIT */
	/* Markdown put whole right after the headline (and the base), before
	   every table, inside the limit: lib/emit's broken assertions, which
	   fail the check and so are never the part cut off.  The caller keeps
	   it well under limit (emit: half of it).  NULL: none. */
	const char *lead;
} ge_markdown_opts;

#define GE_MARKDOWN_OPTS_INIT                                                                      \
	{                                                                                          \
		.only_new = 0                                                                      \
	}

/* Append r as markdown to out.  GE_ENOMEM on failure. */
int ge_markdown_render(ge_buf *out, const ge_report *r, const ge_markdown_opts *o);

/* Append s to out escaped for markdown text (a table cell): no markup, no HTML. */
int ge_markdown_escape(ge_buf *out, const char *s);

#endif
