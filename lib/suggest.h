/*
 * lib/suggest: verified patches that replace integer formatting with
 * strconv.Append* over stack buffers.
 *
 * Rules (found in the Go source with lib/gostmt, never in compiler text):
 *   itoa-bytes      []byte(strconv.Itoa(x)), []byte(strconv.FormatInt(x, b))
 *   sprintf-d       fmt.Sprintf("%d", x)
 *   sprint-int      fmt.Sprint(x)                      (x of a predeclared integer type)
 *   sprintf-bytes   []byte(fmt.Sprintf("%d", x)), []byte(fmt.Sprint(x))
 *   append-itoa     append(b, strconv.Itoa(x)...), append(b, strconv.FormatInt(x, b)...)
 *   append-sprintf  append(b, fmt.Sprintf("%d", x)...), append(b, fmt.Sprint(x)...)
 *
 * Only matches on a line that carries a heap diagnostic of the base build
 * are worth a rewrite; the others are listed as skipped.  Generated and cgo
 * files, case expressions, and functions where strconv or fmt name a
 * variable are left alone.
 *
 * Types come from the compiler: a probe build (-overlay, -gcflags=-e, no
 * -m) puts before each statement a never-run closure that assigns the fmt
 * argument to each integer type in turn; which assignments fail says the
 * type (int, int64, uint64, another signed or unsigned kind, a named
 * integer type with or without a Format method, or not an integer).  A
 * package whose dependencies were probed in the same build is probed again
 * in the next one, so there is one probe build per import level.
 *
 * A []byte consumed in its statement gets "var buf [20]byte" on the line
 * before it and strconv.AppendInt(buf[:0], ...); where the compiler moves
 * buf to the heap, or a goto jumps over it, nil replaces buf[:0].  Two
 * values alive in one statement get two buffers.  A buffer is never hoisted
 * out of a statement that runs more than once or outlives it: in an if,
 * for, switch or select header, or a go or defer statement, the nil form is
 * used.  The probe of an argument in a header that declares variables goes
 * where they are in scope (an if's or for's body, a switch's first clause),
 * so that it sees them and not the names they shadow; with no such place
 * the argument is left alone.  An append's destination must be exactly
 * []byte (a named byte-slice type would be lost), and an argument with a
 * shift is left alone (an untyped operand would change type).
 *
 * Platforms: a round that verifies on the host is built again for each
 * platform of opts.platforms (GOOS/GOARCH in the environment, CGO_ENABLED=0);
 * its errors are handled like the host's.  A platform where the packages
 * do not build without the rewrites is reported and not checked.
 *
 * Accounting: every candidate ends as a suggestion or as a skip with a
 * reason (candidates = suggestions + skipped).
 *
 * Verification, repeated until a round changes nothing: all candidates of
 * all packages in one -overlay build with -m (after gofmt, when the file was
 * gofmt-clean).  A rewrite whose lines do not compile is dropped; errors
 * elsewhere bisect the file (or the package).  A rewrite must leave its
 * lines with fewer heap diagnostics and its function with none it did not
 * have.  With run_tests, go test runs every changed package under the
 * overlay; a failing package is bisected, after checking that its tests
 * pass without the rewrites.  Typical cost: a base build, one probe build
 * per import level, two verification builds.
 *
 * Work files (probe and backing files, named by content so cache replays
 * stay true, and the overlay) live under opts.workdir or a temporary
 * directory and are removed at the end; the working tree is only written
 * by ge_suggest_apply().
 */
#ifndef GE_SUGGEST_H
#define GE_SUGGEST_H

#include "capture.h"
#include "report.h"
#include "sarif.h"

typedef struct ge_suggestion {
	const char *rule;
	char *package;
	char *file; /* module-relative ('/'-separated), as in reports */
	char *function;
	uint32_t line, column;            /* of the expression, in the original file */
	char *before, *after;             /* the expression's text, and what replaces it */
	char *decl;                       /* "var buf [20]byte" when a stack buffer is declared */
	char **heap_before, **heap_after; /* "line:col: message" on its lines */
	size_t nheap_before, nheap_after;
	/* Allocations inside the replaced call (the string strconv or fmt makes in
	   its own package) that no diagnostic shows and the rewrite removes. */
	size_t hidden;
	/* --bench: its function's testing.B before [0] and after [1] the
	   rewrites (medians), or why it was not benchmarked. */
	int bench_index; /* -1: none */
	int benched;
	double bench_ns[2], bench_allocs[2], bench_bytes[2];
	char *bench_skip;
} ge_suggestion;

typedef struct ge_suggest_skip {
	const char *rule;
	char *file;
	uint32_t line, column;
	char *reason;
} ge_suggest_skip;

typedef struct ge_suggest_file {
	char *path; /* module-relative */
	char *abs;
	char *old_text, *new_text;
	size_t old_len, new_len;
} ge_suggest_file;

typedef struct ge_suggest_result {
	char *module;
	char *go_version;
	ge_suggestion *items;
	size_t nitems;
	ge_suggest_skip *skipped;
	size_t nskipped;
	ge_suggest_file *files; /* files with at least one verified suggestion */
	size_t nfiles;
	size_t candidates; /* rule matches in files with heap diagnostics: items + skipped */
	size_t heap_before, heap_after; /* heap diagnostics of the analysed packages */
	size_t packages;                /* packages with candidates */
	unsigned go_runs, gofmt_runs, rounds;
	size_t behaviour_pairs; /* (rule, argument type) pairs the behaviour check ran */
	int tested;             /* go test ran and passed under the final overlay */
	int benched;            /* --bench ran (each suggestion says what it measured) */
	/* The platforms the kept rewrites were built for, and those where the
	   packages do not build even without the rewrites (not checked). */
	char **platforms, **platforms_unbuildable;
	size_t nplatforms, nplatforms_unbuildable;
} ge_suggest_result;

typedef struct ge_suggest_opts {
	ge_capture_opts build; /* go, cwd, mods, goflags; on_output sees the base build's errors */
	char *const *pkgs;     /* patterns as the user gave them; none = the whole module */
	size_t npkgs;
	const char *gofmt;   /* NULL: the gofmt next to the real go */
	const char *workdir; /* for overlay files; NULL: a fresh temporary directory */
	int run_tests;
	/* --tests: the packages' _test.go files too (go list -test: every
	   build, probe and platform build compiles the test packages). */
	int tests;
	/* --bench: a testing.B per function of a kept rewrite, run before and
	   after (go test -bench under an overlay; nothing written in the module). */
	int bench;
	unsigned max_rounds; /* 0: 24 */
	/* A round builds only the packages it changes and what imports them
	   when the base build printed -m output for at least this many blocks
	   of other packages (below that go's cache answers the whole module
	   faster than the import graph is listed); 0: 256.  The result is the
	   same either way.  GOESCAPE_SUGGEST_SCOPE_MIN sets it. */
	unsigned scope_min;
	/* What each verification round does, one line for a person
	   ("goescape: suggest: round 2: verifying 5 rewrites"); NULL: quiet. */
	ge_output_cb on_progress;
	void *progress_ud;
	/* "GOOS/GOARCH" where every kept rewrite must compile too (cross builds
	   with CGO_ENABLED=0, no -m); NULL with platforms_set 0: the defaults,
	   linux/386 and windows/amd64.  Validated by the caller (lib/config). */
	char *const *platforms;
	size_t nplatforms;
	int platforms_set;
	/* The assertion kinds .goescape.json turns off (ge_config's assert_off:
	   noescape, inline, bce): a rewrite that breaks only those is kept. */
	int assert_off[3];
} ge_suggest_opts;

#define GE_SUGGEST_OPTS_INIT                                                                       \
	{                                                                                          \
		.build = GE_CAPTURE_OPTS_INIT                                                      \
	}

/*
 * Find, probe and verify.  *out (free with ge_suggest_result_free()) holds
 * the verified suggestions and final file contents.  GE_EBUILD when the
 * base build fails; the working tree is never written.
 */
int ge_suggest_run(ge_suggest_result **out, const ge_suggest_opts *o);
void ge_suggest_result_free(ge_suggest_result *r);
/* --bench's lines for a person, one per benchmarked function:
   "goescape: bench: pkg F: 1 -> 0 allocs/op, 52.1 -> 20.3 ns/op". */
int ge_suggest_bench_text(ge_buf *out, const ge_suggest_result *r);

/*
 * The verified edits as one unified diff.  Paths are module-relative with
 * prefix (NULL or "" for none, else ending in '/') in front: the module's
 * directory in its git repository, so that git apply works anywhere in the
 * repository and patch -p1 at its top.
 */
int ge_suggest_diff(ge_buf *out, const ge_suggest_result *r, const char *prefix);

/* DESIGN.md-style JSON: {"schema":"goescape-suggest/1", ...}. */
int ge_suggest_json(ge_buf *out, const ge_suggest_result *r);
/*
 * The same with suggest --profile's cost: cost[i] (lib/cost, parallel to
 * r->items, as ge_check_suggest_rank joins them) becomes suggestion i's
 * "cost" object, the one a report diagnostic has.  NULL: none.
 */
int ge_suggest_json_cost(ge_buf *out, const ge_suggest_result *r, const struct ge_diag_cost *cost);

/*
 * SARIF: one result per verified suggestion (rule GE2001) whose fix holds
 * the line replacements that belong to it — its own lines, the buffer
 * declared before its statement, and, for a file's first suggestion, the
 * import edits — taken from the diff of the file's old and new text.
 */
int ge_suggest_sarif(ge_buf *out, const ge_suggest_result *r, const struct ge_sarif_opts *o);

/*
 * Write the verified files, atomically each, keeping their modes.  Refuses
 * (before writing anything) a file outside top or one that changed since it
 * was read.
 */
int ge_suggest_apply(const ge_suggest_result *r, const char *top);

/*
 * suggest --assert: pin each verified stack buffer with a
 * "//goescape:noescape" line directly above its "var NAME [20]byte" (with
 * its indentation), in the files' new texts, so the win is enforced from
 * then on (lib/asserts).  A post-processing step on the finished result
 * (lib/suggest_pin.c): call it before rendering or applying r.  Only lines
 * the rewrites added are pinned; one already under a directive is left.
 * 0 or GE_ENOMEM (r unchanged then).
 */
int ge_suggest_pin(ge_suggest_result *r);

/*
 * For check: how many new heap diagnostics of r lie on an expression a rule
 * matches (the scanner only: no go run, nothing verified).  top is the
 * directory report paths are relative to.
 */
int ge_suggest_covered(size_t *out, const ge_report *r, const char *top);
/* The same, and marks[i] (r->ndiags of them, zeroed by the caller) set to 1
   for each diagnostic i counted. */
int ge_suggest_covered_each(size_t *out, unsigned char *marks, const ge_report *r, const char *top);

/*
 * For tests only: every rule match in src rewritten as if the compiler had
 * typed each fmt argument ty ("int", "int64", "signed", "uint64",
 * "unsigned"), with the buffers and import edits a run would make, and no
 * go run, no gofmt and no verification.  Skipped matches stay as they are.
 */
int ge_suggest__rewrite(ge_buf *out, const char *src, size_t len, const char *ty);

#endif
