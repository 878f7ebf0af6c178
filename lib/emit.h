/*
 * lib/emit: a report as a person or a program reads it.
 *
 *   text    grouped by file and function (report), or one line per new
 *           escape "file:line:col: function: message" (check); colour only
 *           when asked for (the CLI decides: a terminal and no NO_COLOR)
 *   json    DESIGN.md's report JSON
 *   github  workflow commands, one per new escape
 *   markdown  a pull request's summary (lib/markdown)
 */
#ifndef GE_EMIT_H
#define GE_EMIT_H

#include "report.h"
#include "markdown.h"
#include "sarif.h"

typedef enum ge_format { GE_FMT_TEXT = 0, GE_FMT_JSON, GE_FMT_SARIF, GE_FMT_GITHUB, GE_FMT_MARKDOWN } ge_format;

int ge_format_parse(ge_format *out, const char *s);

typedef struct ge_emit_opts {
	int color;
	int only_new; /* text: list new escapes only (check) */
	const char *command; /* for messages, e.g. "report" */
	const ge_sarif_opts *sarif; /* for GE_FMT_SARIF */
	const ge_markdown_opts *markdown; /* for GE_FMT_MARKDOWN; NULL: defaults */
	/* GE_FMT_GITHUB: prepended to file names, which GitHub takes relative to
	   the repository root (the module's directory there, with '/'); NULL: none */
	const char *repo_prefix;
	/* --profile (lib/cost): diagnostics ranked by bytes; NULL without one */
	const struct ge_cost *cost;
	const char *profile_file;   /* as the user named it */
	const char *profile_sha256; /* its digest */
	size_t top;                 /* text and hot sites: at most this many (0 = all) */
	/* check: the source assertions' verdicts (lib/asserts), or NULL.  When
	   the module has any, json gets a top-level "assertions" object, sarif
	   the rules GE3000-GE3003 and a result (level error) per violation in
	   the same run, github an ::error per violation, markdown a table;
	   text is left to the caller (check prints them on stderr). */
	const struct ge_assert_result *asserts;
} ge_emit_opts;

#define GE_EMIT_OPTS_INIT                                                                          \
	{                                                                                          \
		.command = "report"                                                                \
	}

struct ge_assert_result;
int ge_emit(ge_buf *out, const ge_report *r, ge_format fmt, const ge_emit_opts *o);

/*
 * The pre-push hook's refusal for one ref: a line "goescape: REF adds N heap
 * escapes (against BASE):" and each new escape of a failing kind
 * (fail_on, indexed by ge_kind) as "file:line:col: function: message".
 */
int ge_emit_refusal(ge_buf *out, const ge_report *r, const char *ref, const char *base,
                    size_t nfailing, const int fail_on[3]);

/*
 * The pre-push hook's refusal for the assertions ref's commit breaks (a
 * ge_assert_result of lib/asserts): the violations as check prints them
 * and a line "goescape: REF breaks N assertions".  Nothing when r holds.
 */
struct ge_assert_result;
int ge_emit_assert_refusal(ge_buf *out, const struct ge_assert_result *r, const char *ref);

/*
 * Whether text output is coloured.  mode is --color's value: "always",
 * "never" or "auto" (NULL: auto); anything else is GE_EUSAGE.  auto colours
 * when no_color ($NO_COLOR) is unset or empty and either force ($FORCE_COLOR)
 * is set, non-empty and not "0", or the output is a terminal (tty).
 * *out is 1 or 0.
 */
int ge_emit_color(int *out, const char *mode, const char *no_color, const char *force, int tty);

/* The one-line summary a captured build prints, without newline. */
int ge_emit_build_summary(ge_buf *out, const ge_report *r);

/* One output of a command that renders a report several ways at once. */
typedef struct ge_emit_output {
	const char *format; /* a ge_format_parse name; NULL: text */
	const char *file;   /* where it goes; NULL: standard output */
	int color;          /* text: coloured (the caller decides, per output) */
} ge_emit_output;

/*
 * Every output of one run of report or check ('--format F -o FILE ...'):
 * r rendered once per output with o (each with its own format and colour;
 * o->sarif is needed only when a format is SARIF), then the outputs that
 * name a file written: one atomically, several all or none (staged, each
 * atomic).  Each file's rendering streams into its temp file (common.h:
 * ge_out), so it is never held whole.  The one output without a file (at
 * most one) is rendered into to_stdout last, once the files are in place
 * (to_stdout may have a sink: then it streams too).  When a file's
 * rendering or a file fails, no file is written and to_stdout is left
 * untouched.
 */
int ge_emit_outputs(ge_buf *to_stdout, const ge_report *r, const ge_emit_output *v, size_t n,
                    const ge_emit_opts *o);

/*
 * Whether v can be written as ge_emit_outputs writes them, asked before
 * anything is built: at most one output without a file and no file named
 * twice.  GE_EUSAGE with the message otherwise.
 */
int ge_emit_outputs_check(const ge_emit_output *v, size_t n);

#endif
