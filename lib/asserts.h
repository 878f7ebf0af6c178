/*
 * lib/asserts: assertions in source (issue 15).
 *
 * A line comment "//goescape:LIST" or, for gcassert's users,
 * "//gcassert:LIST" (lib/gopkg finds them and the line each annotates)
 * names assertions about that line, LIST being comma-separated names:
 *   noescape  no heap escape ("moved to heap", "escapes to heap") is
 *             reported on the line;
 *   inline    on a statement: every function or method call on the line
 *             is inlined ("inlining call to F" there); a line without a
 *             call is a violation.  On a function declaration: every call
 *             site of the function in the packages checked is inlined;
 *   bce       no bounds check is left on the line ("Found IsInBounds" /
 *             "Found IsSliceInBounds" of -d=ssa/check_bce/debug=1);
 * any other name is a violation itself, so a typo never turns an
 * assertion off.
 *
 * Verdicts come from the compiler: the report of a build (noescape), the
 * "inlining call to" lines of the same build (fed through lib/cost's
 * sites), and a second build of only the packages that carry a bce
 * directive, with "-gcflags=PKG=-d=ssa/check_bce/debug=1" (merged with
 * -m and the user's flags by lib/gocmd's rules).  Files are read through
 * lib/gopkg's work-tree provider; one without the bytes "goescape:" or
 * "gcassert:" is never lexed.  The packages are the main modules'
 * directories as go sees them (no testdata, vendor, _x or .x directories,
 * no nested module, no symlinked directory), build constraints applied by
 * gopkg; _test.go files are not checked (the builds compile none), only
 * counted when asked (find_tests), so 'goescape assert' can say so.
 *
 * Calls are found with golex's tokens, not types: an identifier followed
 * by '(' that is not a builtin, a predeclared type, a type the package
 * declares, a declared function's own name or after "]" ([]byte(s)).  A
 * conversion to a type of another package (pkg.T(x)) is taken for a call.
 * A function-level inline's call sites are "F(" in its own package and
 * "name.F(" elsewhere, where name is F's package name; a method's are
 * ".M(" anywhere in the packages checked.
 */
#ifndef GE_ASSERTS_H
#define GE_ASSERTS_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "history.h"
#include "report.h"

typedef enum ge_assert_kind {
	GE_ASSERT_BAD = 0,  /* a bad directive: unknown name, misplaced, empty (GE3000) */
	GE_ASSERT_NOESCAPE, /* GE3001 */
	GE_ASSERT_INLINE,   /* GE3002 */
	GE_ASSERT_BCE       /* GE3003 */
} ge_assert_kind;

/* "GE3000" .. "GE3003" and "directive", "noescape", "inline", "bce". */
const char *ge_assert_rule(ge_assert_kind k);
const char *ge_assert_kind_name(ge_assert_kind k);

/* One broken assertion.  Strings are owned by the result. */
typedef struct ge_assert_violation {
	ge_assert_kind kind;
	char *file;           /* module-relative, '/'-separated */
	uint32_t line;        /* the annotated line (a call site for a function-level inline) */
	uint32_t dline, dcol; /* the directive's comment */
	char *dfile;          /* the directive's file (differs for a function-level inline) */
	char *source;         /* the line's text, trimmed */
	char *reason;         /* "y escapes to heap", "call to b.F was not inlined", ... */
} ge_assert_violation;

typedef struct ge_assert_result {
	size_t nassertions;     /* names checked, bad ones included */
	size_t nfiles;          /* files holding directives */
	size_t nbce_pkgs;       /* packages rebuilt for bce */
	ge_assert_violation *v; /* sorted by file, line, directive, reason */
	size_t n;
	/* With find_tests: the _test.go files that hold a directive (never
	   checked: the builds compile no test), and the first one's
	   module-relative name (NULL when none). */
	size_t ntest_files;
	char *test_file;
} ge_assert_result;

void ge_assert_result_free(ge_assert_result *r);

typedef struct ge_assert_scan ge_assert_scan;
struct ge_cost_sites;

typedef struct ge_assert_opts {
	/* NULL: build the packages (with the inlining lines collected).
	 * Else the head's report of a build just made (check): noescape is
	 * read from it, and inline needs one more build, which go's cache
	 * answers, unless head_sites has that build's lines. */
	const ge_report *head;
	/* With head: the positioned lines head's build printed (lib/capture's
	 * sites, collected because ge_assert_scan_wants_sites said so), read
	 * for inline instead of building again.  NULL: build. */
	const struct ge_cost_sites *head_sites;
	/* The walk and the directives already done by ge_assert_scan_new()
	 * with the same h and options (check scans before its head build, to
	 * know whether to collect the sites); taken over by the run, still
	 * freed by the caller.  NULL: the run scans. */
	ge_assert_scan *scan;
	/* Compiler output read from a file (--input), with the bce lines if
	 * the user built with check_bce; NULL: build.  Not with head. */
	const char *input;
	/* Kinds turned off (.goescape.json "assert": {"bce": false}). */
	int off[4];
	/* With head: read only the files head has a heap escape in, and check
	 * noescape only.  Exact for noescape (a violation needs an escape in
	 * its file) and no walk at all: a captured build's summary line.  Bad
	 * directives in other files are not seen. */
	int heap_files_only;
	/* Only find the directives: nassertions and the bad ones, no build,
	 * no verdict (whether there is anything to check at all). */
	int find_only;
	/* Where files are read: NULL, the work tree on disk; else this
	 * provider (lib/gopkg's interface; the hook's reads a pushed commit's
	 * tree).  It lists no directories: only with head and heap_files_only. */
	const struct ge_gopkg_source *src;
	/* src reads every file of the work tree (an overlay over it that only
	 * rewrites files): the walk lists the disk, files are read through src. */
	int src_reads_tree;
	/* Also read the packages' _test.go files for the bytes of a directive
	 * (not lexed, never checked) and count them in ntest_files, so that
	 * 'goescape assert' can say they are not checked.  Only with the walk. */
	int find_tests;
} ge_assert_opts;

#define GE_ASSERT_OPTS_INIT                                                                        \
	{                                                                                          \
		NULL, NULL, NULL, NULL, {0, 0, 0, 0}, 0, 0, NULL, 0, 0                             \
	}

/*
 * Check every directive in the packages h names (h->pkgs; none = every
 * main-module package).  *out is the result (ge_assert_result_free());
 * a module without directives costs a directory walk and no build when
 * head or input is given.  GE_EBUILD when a build fails, GE_EBADINPUT for
 * unreadable input.
 */
int ge_assert_run(ge_assert_result **out, ge_history *h, const ge_assert_opts *o);

/*
 * The scan of a run (the packages' directives, no build, no verdict), made
 * before the builds: free with ge_assert_scan_free() (NULL is fine), pass
 * as ge_assert_opts.scan.  _wants_sites: whether it holds an inline
 * assertion that is on, whose verdict needs the head build's sites.
 */
int ge_assert_scan_new(ge_assert_scan **out, ge_history *h, const ge_assert_opts *o);
int ge_assert_scan_wants_sites(const ge_assert_scan *sc);
void ge_assert_scan_free(ge_assert_scan *sc);

/*
 * The assertions of a build made elsewhere with a go -overlay (suggest's
 * verification of its rewrites): the directives read through ov (real[i]
 * from backing[i]; the walk lists the work tree, whose files the overlay
 * only rewrites), noescape judged by rep, inline by sites, that build's
 * positioned lines (NULL: inline is not judged); bce is not judged (it
 * needs a build of its own), nor are the kinds assert_off turns off
 * (NULL: none).  No build.  *out as ge_assert_run's.
 */
struct ge_gopkg_overlay;
int ge_assert_judge_overlay(ge_assert_result **out, ge_history *h, const ge_report *rep,
                            const struct ge_cost_sites *sites, const struct ge_gopkg_overlay *ov,
                            const int assert_off[3]);

/*
 * Whether v (a violation of a judged variant of the source) is in base
 * too, by kind, file, annotated text and reason, not by line (lines move
 * with rewrites).
 */
int ge_assert_result_has(const ge_assert_result *base, const ge_assert_violation *v);

/*
 * Render a result: "text" (file:line: source: reason, one a line, and a
 * summary line), "json" (goescape-assert/1), "sarif" (2.1.0, rules GE3000
 * to GE3003, level error) or "github" (workflow commands).  srcroot is
 * the module root (SARIF's %SRCROOT%).  GE_EUSAGE for another format.
 */
int ge_assert_emit(ge_buf *out, const ge_assert_result *r, const char *format, const char *srcroot);

/*
 * For check's own outputs (lib/emit).  ge_assert_report_json: the
 * goescape-report/1 member ',\n  "assertions": {"checked": N, "violated":
 * M, "violations": [...]}' (violations as goescape-assert/1 has them), to
 * go after the report's last member.  ge_assert_github: the workflow
 * commands of 'assert --format github' with prefix (the module's directory
 * in the repository, or NULL) before each file name.
 */
int ge_assert_report_json(ge_buf *out, const ge_assert_result *r);
int ge_assert_github(ge_buf *out, const ge_assert_result *r, const char *prefix);

/* The kinds .goescape.json turns off (ge_config's assert_off: noescape, inline, bce) into o. */
void ge_assert_opts_off(ge_assert_opts *o, const int assert_off[3]);

/*
 * The gate's text, as check and the hook print it on stderr: nothing when
 * r holds, else "goescape: N of M assertions violated:" and the
 * violations as 'assert' prints them, each line ending in '\n'.
 */
int ge_assert_gate_text(ge_buf *out, const ge_assert_result *r);

/*
 * A captured whole-module build's summary (goescape build): the noescape
 * assertions r (the build's own report) breaks, read from the files it
 * has heap escapes in only (no walk: a build stays as fast as it was);
 * inline, bce and typos are left to 'goescape assert'.  Appends one line
 * ending in '\n' when any is violated, else nothing.  A failure to check
 * appends nothing and is not an error: the build's result is go's.
 */
int ge_assert_build_summary(ge_buf *out, ge_history *h, const ge_report *r,
                            const int assert_off[3]);

#endif
