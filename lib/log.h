/*
 * lib/log: heap escapes per commit over a range of history, from the
 * stored reports (refs/notes/goescape), and the three ways to show them:
 * the text lines of `goescape log`, DESIGN's log JSON
 * ("goescape-log/1", docs/schema/log-1.json) and one self-contained HTML
 * page with charts (lib/log_html.c).
 *
 * The walk reads each commit's note once: a commit's report is matched
 * against its parent's (ge_history_match, following renames and line
 * moves), and the parent's report, read for that, is the next commit's
 * own.  Only two reports are held at a time; what an entry keeps is its
 * totals, its heap escapes per package and its first new ones.
 *
 * Everything in an entry that came from the repository (subject, author,
 * package, file, function and message) is untrusted text: the renderers
 * escape it for their format.
 */
#ifndef GE_LOG_H
#define GE_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "history.h"

/* At most this many new heap escapes are kept per commit (the movers table). */
#define GE_LOG_TOP 5

typedef struct ge_log_pkg {
	char *package; /* import path */
	size_t heap;   /* moved + escapes, as allocation sites */
} ge_log_pkg;

typedef struct ge_log_diag {
	char *file; /* module-relative */
	uint32_t line;
	char *function;
	char *message;
} ge_log_diag;

typedef struct ge_log_entry {
	char commit[41], parent[41]; /* hex; parent "" at a root */
	char *subject, *author;
	int64_t time; /* author date, seconds since the epoch (UTC) */
	int has_note; /* a stored report of this configuration: the counts below */
	int compared; /* new_ and fixed against the parent are known */
	size_t heap, moved, escapes, new_, fixed;
	ge_log_pkg *pkgs; /* sorted by package */
	size_t npkgs;
	ge_log_diag top[GE_LOG_TOP]; /* the first new heap escapes, canonical order */
	size_t ntop;
} ge_log_entry;

/* Commits newest first, as git log shows them. */
typedef struct ge_log {
	ge_log_entry *v;
	size_t n;
	char *module; /* from the newest note; NULL when no commit has one */
} ge_log;

#define GE_LOG_INIT                                                                                \
	{                                                                                          \
		NULL, 0, NULL                                                                      \
	}

typedef struct ge_log_opts {
	size_t max; /* at most this many commits */
	int build;  /* build the commits without a note in place first (and store them) */
} ge_log_opts;

#define GE_LOG_OPTS_INIT                                                                           \
	{                                                                                          \
		20, 0                                                                              \
	}

/*
 * Walk max commits from rev (following first parents) into *out, which
 * the caller releases with ge_log_release().  With o->build, a commit
 * without a note is built in place through ge_history_commit (which
 * stores the note); one whose build fails stays without a note and is
 * reported through h->on_warning.  GE_ENOTFOUND for an unknown revision.
 */
int ge_log_walk(ge_log *out, ge_history *h, const char *rev, const ge_log_opts *o);
void ge_log_release(ge_log *l);

/* The text of `goescape log`: "sha7 heap  +new -fixed  subject" per commit. */
int ge_log_text(ge_buf *out, const ge_log *l);
/* The log as JSON, docs/schema/log-1.json. */
int ge_log_json(ge_buf *out, const ge_log *l);
/* One self-contained HTML page: inline CSS and SVG, no script, no reference
   to anything outside the file. */
int ge_log_html(ge_buf *out, const ge_log *l);

/* HTML-escape s (& < > " ' and control bytes) onto out. */
int ge_log_html_escape(ge_buf *out, const char *s);

#endif
