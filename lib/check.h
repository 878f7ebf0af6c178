/*
 * lib/check: the flows of goescape's commands 'check', 'report' and
 * 'baseline', one call each.
 *
 * The CLI loads the history context (lib/history: go, the modules, git,
 * the build's callbacks) and the configuration, parses its options into
 * ge_check_opts, makes one call, and then only renders the result (lib/emit)
 * and maps the return code to an exit code.  Everything between — which
 * base, the merge-base, the baseline's configuration and Go version, the
 * head's build or --input, matching, the configuration's filter, what
 * fails, which escapes a rewrite covers, the -m=2 explanations, the
 * profile's join — happens here, in that order.
 *
 * Warnings a person must see go through h->on_warning as they happen
 * (lines beginning "goescape: warning: "); errors are returned with their
 * message in ge_error_last(): GE_EUSAGE (an option that needs a repository),
 * GE_EBADINPUT, GE_EBUILD (the head's or the base's build failed), and
 * GE_EINTERRUPTED when a signal ended a go run (out->status then holds the
 * child's status, for ge_run_exit_like).
 */
#ifndef GE_CHECK_H
#define GE_CHECK_H

#include <stdint.h>

#include "asserts.h"
#include "config.h"
#include "cost.h"
#include "history.h"
#include "pprof.h"
#include "sarif.h"
#include "suggest.h"

typedef struct ge_check_opts {
	ge_history *h;             /* loaded by the caller (git may be NULL); borrowed */
	const ge_config *config;   /* the module's .goescape.json; borrowed */
	const char *base;          /* check: --base REV (its merge-base with HEAD) */
	const char *baseline;      /* check: --baseline FILE; NULL: the configured one */
	const char *commit;        /* report: --commit REV */
	const char *input;         /* --input FILE ('-': stdin) instead of building the head */
	int rebuild_base;          /* check: build the base even when its note is there */
	int allow_config_mismatch; /* check: a baseline of another configuration only warns */
	int explain;               /* check: explain failing escapes (-m=2), e.g. for SARIF */
	/* --profile: opened by the caller (bad profiles fail before any build) */
	const ge_pprof *profile;
	const char *profile_name;
	const char *profile_sample;
	const char *profile_commit; /* --profile-commit REV: the profile's lines are REV's */
	int64_t fail_min_bytes; /* check --fail-min-bytes; 0: unset */
} ge_check_opts;

#define GE_CHECK_OPTS_INIT                                                                         \
	{                                                                                          \
		.h = NULL                                                                          \
	}

typedef struct ge_check_result {
	ge_report *head;              /* the report to show: matched (check), filtered */
	ge_report *base;              /* check: what it was matched against */
	size_t failing;               /* check: new escapes that fail it */
	char base_commit[GE_OID_HEX]; /* check: the base's commit; "" when unknown */
	char *base_desc;        /* check: "the merge-base abc123 of main" / "the baseline FILE" */
	unsigned char *suggest; /* check: per head diagnostic, 1 when a rewrite covers it */
	size_t suggest_covered; /* how many of the failing ones a rewrite covers */
	ge_cost *cost;          /* with a profile: the join */
	ge_cost_sites *sites;   /* with a profile: what the head's build said */
	ge_history_map *profile_map;          /* --profile-commit: its lines to the report's */
	char profile_commit[GE_OID_HEX];      /* ... resolved */
	char *baseline_path;    /* baseline: the file written */
	const char *baseline_shown; /* baseline: as the user or config named it */
	int status;                 /* GE_EINTERRUPTED: the go child's status */
	/* check: the source assertions' verdicts (lib/asserts), never NULL after
	   a successful run; a violated one fails check whatever the base says */
	ge_assert_result *asserts;
} ge_check_result;

#define GE_CHECK_RESULT_INIT                                                                       \
	{                                                                                          \
		.head = NULL                                                                       \
	}

/* What a result owns; the struct is left as _INIT. */
void ge_check_result_release(ge_check_result *r);

/*
 * goescape check: the head against a base revision or a baseline file.
 * out->failing counts the new escapes that fail it; out->asserts->n the
 * violated assertions, which fail it too (checked on the head's report;
 * with --input FILE read again from FILE, with --input - only noescape,
 * which a warning says).
 */
int ge_check_run(ge_check_result *out, const ge_check_opts *o);

/* goescape report: the head's report (or o->commit's), filtered, with the profile joined. */
int ge_check_report(ge_check_result *out, const ge_check_opts *o);

/*
 * goescape baseline: record the head's report as the baseline file, at
 * path (NULL: the configured one, refused when a symlink on the way leaves
 * the module).  out->head and out->baseline_path tell what was written.
 */
/*
 * --profile-commit for a command that is neither check nor report
 * (suggest): resolve o->profile_commit and load its line maps to the
 * working tree into out, before any build.  Nothing without it.
 */
int ge_check_profile_commit(ge_check_result *out, const ge_check_opts *o);

/*
 * suggest --profile (after ge_check_profile_commit): r's verified rewrites ranked by the bytes of o's
 * profile they remove (lib/cost's ge_cost_rank), as text into *text; the
 * join is kept in out->cost.  Nothing without o->profile.
 */
int ge_check_suggest_rank(ge_buf *text, ge_check_result *out, const ge_check_opts *o,
                          const ge_suggest_result *r);

int ge_check_baseline(ge_check_result *out, const ge_check_opts *o, const char *path);

/*
 * Where SARIF says a run comes from: the repository's origin URL, branch
 * and HEAD, the source root, and the command line (argv quoted).  Built
 * once per run; the strings belong to p (ge_check_provenance_release).
 */
typedef struct ge_check_provenance {
	char *repo_uri;
	char *branch;
	char *command_line;
	char head[GE_OID_HEX];
	const char *srcroot;
	const char *repo_root;
} ge_check_provenance;

int ge_check_provenance_load(ge_check_provenance *p, ge_git *git, const char *srcroot, int argc,
                             char *const *argv);
void ge_check_provenance_release(ge_check_provenance *p);
/* The provenance into a SARIF options struct (the pointers are p's). */
void ge_check_provenance_apply(ge_sarif_opts *so, const ge_check_provenance *p);

/*
 * The module's directory relative to the repository's working tree, with
 * '/' and a trailing '/' ("" at the top), for links in markdown and GitHub
 * annotations; NULL outside a repository, when the module is not inside
 * its working tree, or out of memory.  malloc'd.
 */
char *ge_check_link_prefix(const ge_git *git, const char *top);

/*
 * suggest's output of r in format ("diff", "json" or "sarif") into out: the
 * diff with its paths from the top of h's repository (so that git apply
 * works anywhere in it); the JSON and the SARIF with the
 * costs of rank (after ge_check_suggest_rank; NULL: none); the SARIF with
 * the provenance p (NULL: an error, the message of the provenance's own
 * failure kept).
 */
int ge_check_suggest_output(ge_buf *out, const char *format, const ge_suggest_result *r,
                            const ge_check_result *rank, const ge_history *h,
                            const ge_check_provenance *p);

#endif
