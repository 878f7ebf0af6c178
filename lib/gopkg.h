/*
 * lib/gopkg: one package's Go source as the compiler saw it.
 *
 * A view of a package directory, read through a source provider (the work
 * tree, or the -overlay map a base build uses), that knows which files the
 * build compiles and in what order (go list's GoFiles: build constraints
 * applied, sorted by name), and so can name init functions ("init.N") and
 * package-level closures ("init.funcN") with the package-wide numbers the
 * compiler gives them.  Per file it answers what attribution and the
 * filters ask: the function at line:col, a line's text and hash, whether
 * a line is suppressed by a //goescape:ignore comment, and the key under
 * which the matcher should compare a diagnostic's function.  See
 * docs/GOPKG.md for what it owns and how the callers are wired to it.
 *
 * Reading.  Opening a view lists the directory and reads the header (the
 * comments and imports before the first declaration) of every *.go file
 * whose name the build accepts, to apply the build constraints; nothing
 * is scanned.  A file is read whole and scanned only when asked for.  The
 * files before it in compile order are scanned too only when a name is
 * asked of a file that has init functions or package-level closures:
 * their counts of those are its base.  Each file is
 * scanned at most once, in whatever order they are asked for.
 * ge_gopkg_stats_get() says how many were read.
 *
 * Build constraints (go/build's rules, for the configuration in
 * ge_gopkg_build):
 *   - file names: only "*.go", not starting with '_' or '.', "_test.go"
 *     only with tests (then after all other files, as cmd/go compiles a
 *     package's internal test variant), and the _GOOS, _GOARCH and
 *     _GOOS_GOARCH suffixes of the known systems and architectures;
 *   - "//go:build" lines in the header: && || ! parentheses and tags;
 *     without one, "// +build" lines (space = or, comma = and, ! = not; the
 *     lines and-ed) in the comments before the package clause;
 *   - a tag is satisfied by GOOS, GOARCH, "unix" for the Unix systems,
 *     "linux" under android, "solaris" under illumos, "darwin" under ios,
 *     "gc", "cgo" when cgo is on, "go1.1" to "go1.<go_minor>",
 *     "goexperiment.X" for each experiment X, and every tag in tags;
 *   - a file importing "C" is compiled only when cgo is on; such files
 *     come after the others (cgo generates the files the compiler sees;
 *     their numbering is not checked against the compiler).
 * External test packages (package p_test) are not part of the view.
 */
#ifndef GE_GOPKG_H
#define GE_GOPKG_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "golex.h"
#include "gosrc.h"
#include "gostmt.h"

/*
 * A source provider: how the view reads a directory and a file.  Paths are
 * absolute.  list() gives the names (not paths) of the entries of dir
 * that may be Go files, as a malloc'd array of malloc'd strings (the view
 * frees them); read() appends the file's content to out, at most max
 * bytes when max is not 0 (the view asks for a prefix to read headers);
 * both return 0, GE_ENOTFOUND, or another error with its message set.
 * A git tree provider is a third pair of these.
 */
typedef struct ge_gopkg_source {
	int (*list)(void *ud, const char *dir, char ***names, size_t *n);
	int (*read)(void *ud, const char *path, size_t max, ge_buf *out);
	void *ud;
} ge_gopkg_source;

/* The work tree as it is on disk. */
void ge_gopkg_source_worktree(ge_gopkg_source *out);

/*
 * Directory listings taken once and handed on.  A walk over the module
 * (lib/capture's check of file names, before --input's lines are read)
 * records each directory it listed whole: the names the work tree's
 * list() would give (ge_gopkg_listed_entry: *.go names of regular files,
 * symbolic links followed).  A view opened through
 * ge_gopkg_source_listed() then takes a recorded directory's names from
 * here instead of listing it again; others are listed from disk.
 */
typedef struct ge_gopkg_listing ge_gopkg_listing;
int ge_gopkg_listing_new(ge_gopkg_listing **out);
void ge_gopkg_listing_free(ge_gopkg_listing *l);
/* Record dir's names (copied; a directory recorded before keeps its
 * first).  0 or GE_ENOMEM. */
int ge_gopkg_listing_add(ge_gopkg_listing *l, const char *dir, char *const *names, size_t n);
/* Is name one of the names recorded for directory dir[0..dirlen)?  1 or 0;
 * -1 when the directory was not recorded (l may be NULL). */
int ge_gopkg_listing_has(const ge_gopkg_listing *l, const char *dir, size_t dirlen,
                         const char *name);
/* Does the entry name (readdir's d_type) of dir list as the work tree's
 * list() lists: 1 yes, 0 no, -1 out of memory. */
int ge_gopkg_listed_entry(const char *dir, const char *name, unsigned char d_type);
/* The work tree as on disk, its directories' names taken from l where l
 * recorded them (l borrowed for the provider's life). */
void ge_gopkg_source_listed(ge_gopkg_source *out, const ge_gopkg_listing *l);

/*
 * The work tree under a go build -overlay map, as lib/history.c makes it
 * and ge_attrib_set_overlay() receives it: real[i] is read from backing[i],
 * and an empty backing[i] means real[i] does not exist for the build.  The
 * arrays are borrowed by ov, and ov by the provider.
 */
typedef struct ge_gopkg_overlay {
	char *const *real;
	char *const *backing;
	size_t n;
} ge_gopkg_overlay;
void ge_gopkg_source_overlay(ge_gopkg_source *out, const ge_gopkg_overlay *ov);

/*
 * A text of the caller's as the one file at path (absolute; lists as its
 * base name in its directory); every other path does not exist.  For a
 * rewritten file that is on no disk (suggest's rewrite entry point).  t and
 * its strings are borrowed by the provider.
 */
typedef struct ge_gopkg_text_file {
	const char *path;
	const char *text;
	size_t len;
} ge_gopkg_text_file;
void ge_gopkg_source_text(ge_gopkg_source *out, const ge_gopkg_text_file *t);

/* The build configuration that selects the files (see above).  Strings and
 * arrays are borrowed for the life of the view.  NULL goos/goarch mean
 * "linux"/"amd64"; go_minor 0 means every go1.N tag is satisfied. */
typedef struct ge_gopkg_build {
	const char *goos, *goarch;
	const char *const *tags; /* -tags */
	size_t ntags;
	const char *const *experiments; /* GOEXPERIMENT names, without "goexperiment." */
	size_t nexperiments;
	int cgo;      /* CGO_ENABLED */
	int go_minor; /* 26 for go1.26.x */
	int tests;    /* include the package's internal _test.go files */
} ge_gopkg_build;

#define GE_GOPKG_BUILD_INIT                                                                        \
	{                                                                                          \
		.goos = NULL                                                                       \
	}

/*
 * A build configuration in go's words, copied into *out, which owns it
 * until ge_gopkg_build_release(): tags as -tags writes them (comma-
 * separated; NULL or "" for none), go_version as "go1.26.8" (NULL or
 * another form: every go1.N tag).  Empty goos/goarch are NULL.  0 or
 * GE_ENOMEM (then *out is released).  Release only a build made here.
 */
int ge_gopkg_build_set(ge_gopkg_build *out, const char *goos, const char *goarch, int cgo,
                       const char *tags, const char *go_version);
void ge_gopkg_build_release(ge_gopkg_build *b);

typedef struct ge_gopkg ge_gopkg;
typedef struct ge_gopkg_file ge_gopkg_file;

/* What a view has read so far. */
typedef struct ge_gopkg_stats {
	size_t candidates;   /* *.go names listed */
	size_t headers;      /* headers read to apply build constraints */
	size_t compiled;     /* files in compile order */
	size_t scanned;      /* files read whole and scanned */
	size_t bytes;        /* bytes read, headers included */
	size_t header_bytes; /* of which for headers */
} ge_gopkg_stats;

/*
 * Open a view of the package in dir (absolute) through src, for build.
 * Lists the directory and applies the build constraints; free with
 * ge_gopkg_free().  GE_ENOTFOUND when dir cannot be listed.
 */
int ge_gopkg_open(ge_gopkg **out, const char *dir, const ge_gopkg_source *src,
                  const ge_gopkg_build *build);
void ge_gopkg_free(ge_gopkg *p);

/*
 * A view of dir that lists nothing and reads no header: every file asked
 * of it (ge_gopkg_get) is read through src when asked and scanned alone,
 * as a file the build does not compile is (ge_gopkg_nfiles() is 0).  For
 * callers that want one file's text, lines and expressions rather than
 * the package (sarif).  Free with ge_gopkg_free().
 */
int ge_gopkg_open_files(ge_gopkg **out, const char *dir, const ge_gopkg_source *src);

/* The files the build compiles, in compile order: base names, borrowed. */
size_t ge_gopkg_nfiles(const ge_gopkg *p);
const char *ge_gopkg_file_name(const ge_gopkg *p, size_t i);

/*
 * The scanned file named name (a base name in dir): borrowed, valid until
 * ge_gopkg_free().  Names are asked through ge_gopkg_func_at(), which
 * applies the package-wide base first; ge_gopkg_gofile() gives the gosrc
 * object as it is (with the base only after a first ge_gopkg_func_at()),
 * for callers that need more than this header offers.  A file the build
 * does not compile (a name the constraints exclude, or not a Go file name)
 * is still scanned, alone (numbers from 0 and 1, as gosrc does), and
 * ge_gopkg_file_compiled() says 0.  GE_ENOTFOUND when the provider has no
 * such file.
 */
int ge_gopkg_get(ge_gopkg_file **out, ge_gopkg *p, const char *name);
int ge_gopkg_file_compiled(const ge_gopkg_file *f);
const ge_gofile *ge_gopkg_gofile(const ge_gopkg_file *f);

/* Does the scanned file declare a function (ge_gofile_has_func)? */
int ge_gopkg_file_has_func(const ge_gopkg_file *f);

void ge_gopkg_stats_get(ge_gopkg_stats *out, const ge_gopkg *p);

/*
 * ge_gofile_func_at() with the package's numbering: borrowed from the
 * view, valid until ge_gopkg_free().  The first question on a file that
 * has init functions or package-level closures scans the files before it
 * for their counts (a file without any needs no other); NULL when one of
 * them cannot be read or memory runs out (the error is set).
 */
const char *ge_gopkg_func_at(ge_gopkg_file *f, uint32_t line, uint32_t col);
/* The same, with ge_gofile_func_line()'s *uniform. */
const char *ge_gopkg_func_line(ge_gopkg_file *f, uint32_t line, uint32_t col, int *uniform);
/* ge_gofile_line() and _line_hash() of the file. */
const char *ge_gopkg_line(const ge_gopkg_file *f, uint32_t line, size_t *len);
uint64_t ge_gopkg_line_hash(const ge_gopkg_file *f, uint32_t line);

/* The file's bytes as read: borrowed, valid until ge_gopkg_free(). */
const char *ge_gopkg_text(const ge_gopkg_file *f, size_t *len);

/*
 * The file's statements, blocks and imports (lib/gostmt) for the rewrite
 * rules: parsed on the first question and kept, *out borrowed until
 * ge_gopkg_free().  0, or gostmt's error (GE_ENOMEM, GE_EBADINPUT).
 */
int ge_gopkg_gostmt(const ge_gostmt_file **out, ge_gopkg_file *f);

/*
 * The expression the compiler points at with line:col (bytes, from 1), as
 * ge_golex_expr_end() reads it: *end_col is the column just past it, on
 * the same line (a trailing '\r' is not part of the line).  The file is
 * lexed on the first question and its tokens kept until ge_gopkg_free().
 * 0; GE_ENOTFOUND when line:col is not on a line of the file (col past the
 * line's end included); GE_ENOMEM.
 */
int ge_gopkg_expr_end(uint32_t *end_col, ge_gopkg_file *f, uint32_t line, uint32_t col);

/*
 * Is a diagnostic on line suppressed?  1 when a comment on that line, or
 * on the line above, holds "//goescape:ignore" (a line comment, or the
 * text inside a general comment); text in a string or rune literal is not
 * a comment.  0 otherwise (line 0 or beyond the end included), GE_ENOMEM.
 */
int ge_gopkg_ignored(ge_gopkg_file *f, uint32_t line);

/* The same check on a source text of its own (no view): for callers that
 * have the file's bytes from elsewhere, such as a git blob. */
int ge_gopkg_text_ignored(const char *src, size_t len, uint32_t line);

/*
 * Match keys: the name under which the matcher compares a diagnostic's
 * function, so that inserting a closure, or an init function, does not
 * turn the escapes of the others into new + fixed.  The display name stays
 * the compiler's; only the comparison uses the key.
 *
 * ge_gopkg_match_key() needs nothing but the name: each ordinal that
 * numbers a closure or an init function becomes '*':
 *   "F.func3" -> "F.func*", "F.func1.2" -> "F.func*.*",
 *   "(*T).M.func2" -> "(*T).M.func*", "init.func4" -> "init.func*",
 *   "init.3" -> "init.*", "init.1.func2" -> "init.*.func*",
 *   "F", "(*T).M", "" -> unchanged.
 * All closures of one named function share a key; the line hash and the
 * subject then tell their escapes apart, as they do for any two escapes
 * of one function.  A method whose name looks like a closure ordinal
 * ("T.func1") is keyed like one; it only shares a key with its siblings.
 *
 * ge_gopkg_match_key_hashed() keys each closure by the hash of the line
 * its "func" keyword is on instead ("F.func#1a2b...", "init.#"), with the
 * hash asked of closure_hash(ud, prefix, prefix_len, &hash) for each
 * closure prefix of func ("F.func1", then "F.func1.2"); an ordinal whose
 * closure is not found (0 returned) becomes '*' as above.  Finer, but it
 * needs the source at both commits; ge_gopkg_file_match_key() is it for a
 * file of a view.  Both append to out and return 0 or GE_ENOMEM.
 */
int ge_gopkg_match_key(ge_buf *out, const char *func);
int ge_gopkg_match_key_hashed(ge_buf *out, const char *func,
                              int (*closure_hash)(void *ud, const char *prefix, size_t len,
                                                  uint64_t *hash),
                              void *ud);
int ge_gopkg_file_match_key(ge_buf *out, ge_gopkg_file *f, const char *func);

/*
 * Does the header of a Go file satisfy build?  The file-name rules and the
 * //go:build (or // +build) lines, as ge_gopkg_open() applies them; for
 * tests and tools.  src is the file's text or a prefix holding its header.
 */
int ge_gopkg_name_ok(const char *name, const ge_gopkg_build *build);
/* Evaluate one //go:build expression (the text after "//go:build");
 * 1 true, 0 false, GE_EBADINPUT when it does not parse. */
int ge_gopkg_eval_constraint(const char *expr, size_t len, const ge_gopkg_build *build);

/*
 * Assertion directives (issue 15): the line comments that start with
 * "//goescape:" or "//gcassert:" (no space, as Go's own directives), other
 * than "//goescape:ignore" (ge_gopkg_ignored's).  Found between golex's
 * tokens, as the ignore mark is, so text in a string is never one.  Each
 * annotates one line:
 *   - trailing (a token before it on its line): that line;
 *   - on a line of its own: the first line of what follows the comment
 *     group it is in (the next token's line), when no blank line separates
 *     them; else none (target 0, a misplaced directive).
 * list/list_len is the text after the colon up to the end of the comment
 * (borrowed from lx->src): the comma-separated names, not yet split.
 * decl is set when the annotated line starts a function declaration (its
 * first token is "func" outside every brace).  *out is malloc'd (free()),
 * NULL when *n is 0.
 */
typedef struct ge_gopkg_directive {
	uint32_t line, col; /* of the comment */
	uint32_t target;    /* the annotated line; 0 when none */
	int trailing;
	int gcassert; /* written "//gcassert:" */
	int decl;
	const char *list;
	size_t list_len;
} ge_gopkg_directive;

int ge_gopkg_directives(ge_gopkg_directive **out, size_t *n, const ge_golex *lx);

/* Can src hold a directive at all?  A byte search for "goescape:" and
 * "gcassert:", so a file without either is never lexed for them. */
int ge_gopkg_may_have_directives(const char *src, size_t len);

#endif
