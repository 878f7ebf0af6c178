/*
 * lib/suggest_int.h: what the suggest_*.c files share (not installed, not
 * for other modules).  lib/suggest.h is the public face.
 *
 * The modules and what each owns:
 *   suggest_rules.c   the rules: matches in a file's tokens (lib/gostmt on
 *                     lib/golex), where a rewrite may go, its text, a file's
 *                     rendered text with buffers and import edits; the
 *                     files, their text and statements, through lib/gopkg's
 *                     views (work tree, or the overlay for a round's file)
 *   suggest_probe.c   the type of each fmt argument, from probe builds
 *   suggest_behave.c  the behaviour check: old against new per (rule, type)
 *   suggest_work.c    work files, the overlay, running go and gofmt, the
 *                     compiler's errors (through lib/parse)
 *   suggest_verify.c  the verification rounds and --test
 *   suggest_scope.c   a round's build: only the packages it changes and
 *                     their importers (go list -deps), the others' -m
 *                     output the base build's as printed
 *   suggest_bench.c   --bench: a testing.B per rewritten function, before and after
 *   suggest_inline.c  where -m reports a candidate inside an inlined function
 *                     literal; a file's own package
 *   suggest_run.c     ge_suggest_run: the order of all of the above, the result
 *   suggest_render.c  diff, JSON (cJSON) and SARIF of a result
 *   suggest_apply.c   writing a result into the module
 * Only suggest_run.c sees the whole context; the others take what they
 * need of it through sctx, which is why it is declared here.
 */
#ifndef GE_SUGGEST_INT_H
#define GE_SUGGEST_INT_H

#include "suggest.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gopkg.h"
#include "gostmt.h"
#include "overlay.h"
#include "run.h"
#include "udiff.h"

#define DEFAULT_MAX_ROUNDS 24
#define MAX_OUTPUT         (64u << 20) /* bytes of go output kept per run */
#define PROBE_VAR          "goescapeProbe"

#define GE_SUGGEST_MAX_SITES 4 /* inlining calls followed per candidate */

/* ---- candidates --------------------------------------------------------- */

typedef enum rule {
	R_ITOA_BYTES,
	R_SPRINTF,
	R_SPRINT,
	R_SPRINTF_BYTES,
	R_APPEND_ITOA,
	R_APPEND_SPRINTF,
	/* lib/suggest_patterns.c */
	R_SPRINTF_BASE,  /* fmt.Sprintf("%x", n), %o %b %v: FormatInt(.., 16) */
	R_CONCAT,        /* "p" + strconv.Itoa(n) + "s": one string over a stack buffer */
	R_SPRINTF_AFFIX, /* fmt.Sprintf("p%ds", n): the same */
	R_WRITESTRING,   /* w.WriteString(strconv.Itoa(n)): w.Write over a stack buffer */
	R_FPRINTF        /* fmt.Fprintf(w, "%d", n) as a statement: the same */
} rule;

extern const char *const ge_suggest__rule_names[];

/* The call inside a rule. */
typedef enum inner {
	IN_ITOA,
	IN_FORMATINT,
	IN_SPRINTF,
	IN_SPRINT,
	IN_FORMATUINT,
	IN_FPRINTF
} inner;

/* The concrete writer of R_WRITESTRING and R_FPRINTF, as the probe proved it. */
typedef enum wtype { W_UNKNOWN = 0, W_BYTES, W_STRINGS, W_BUFIO } wtype;

/* What the argument is, as far as a rewrite cares. */
typedef enum tyclass {
	TY_UNKNOWN = 0,
	TY_INT,      /* int: Itoa */
	TY_INT64,    /* int64: FormatInt(x, 10) */
	TY_SIGNED,   /* other signed: FormatInt(int64(x), 10) */
	TY_UINT64,   /* uint64: FormatUint(x, 10) */
	TY_UNSIGNED, /* other unsigned, uintptr: FormatUint(uint64(x), 10) */
} tyclass;

/* V_AVAIL: a *bufio.Writer's own free space, w.AvailableBuffer() (go 1.18). */
typedef enum variant { V_STRING, V_BUF, V_NIL, V_DST, V_AVAIL } variant;

typedef enum cstate { C_TRIAL, C_ACCEPTED, C_PENDING, C_REJECTED } cstate;

typedef struct cand {
	size_t file;
	rule rule;
	inner in;
	uint32_t first, last; /* tokens of the replaced expression */
	uint32_t xf, xl;      /* the argument */
	uint32_t df, dl;      /* append's destination, or GE_GOX_NONE */
	uint32_t bf, bl;      /* FormatInt's base, or GE_GOX_NONE */
	uint32_t stmt;
	uint32_t old_first, old_last; /* lines of the expression */
	int needs_probe;
	int dst_ok;           /* the probe said append's destination is []byte, or dst_type */
	char *dst_type;       /* append's destination's named byte-slice type, or NULL */
	uint32_t probe_after; /* the token its probe follows (in the scope of the variables
	                         its header declares), or GE_GOX_NONE: before its statement */
	int generic;          /* inside a function with type parameters */
	/* lib/suggest_patterns.c's rules: */
	char verb;        /* a fmt verb: 'd' (also for the other rules), 'x', 'o', 'b', 'v' */
	int base;         /* the base that verb formats in: 10, 16, 8, 2 */
	char *pre, *suf;  /* constant text around the number, as Go literals, or NULL */
	unsigned bufsize; /* the stack buffer's bytes: 20 and the constant texts' */
	int hidden;       /* allocations inside the replaced call (the string strconv or
	                     fmt makes) that no diagnostic of the package shows and the
	                     rewrite removes: the rule starts from the source pattern */
	uint32_t wf, wl;  /* the writer expression (R_WRITESTRING, R_FPRINTF) */
	char *wtext;      /* the receiver the rewrite calls Write on */
	wtype wt;         /* its concrete type, from the probe */
	tyclass ty;
	const char *tyname; /* the argument's predeclared type (static), or NULL: a named one */
	variant var;
	char bufname[24];
	cstate state;
	int tested; /* its package's tests passed with it */
	int tpend;  /* waiting because its package's tests failed */
	unsigned group;
	char *reason;
	int heap_lines; /* base heap diagnostics on its lines (or at its inlining sites) */
	/* Calls that inline a function literal holding it, where -m reports its
	   body (suggest_inline.c): their '(' tokens, and their lines and columns
	   in this round's text (0: not followed; a column 0: any). */
	uint32_t sites[GE_SUGGEST_MAX_SITES];
	uint32_t site_new[GE_SUGGEST_MAX_SITES], site_col[GE_SUGGEST_MAX_SITES];
	unsigned nsites;
	/* The current round's text: lines of the expression and of the declaration. */
	uint32_t new_first, new_last, decl_line;
	uint32_t ncol1, ncol2; /* its columns on new_first and new_last */
	int cols_ok;           /* gofmt left those lines alone */
	size_t unit;
} cand;

/*
 * A file the rules read: its text and statements come from its package's
 * view (lib/gopkg), borrowed from it (text, x, pf valid while the view is
 * open: sctx's views, or own for a text of the caller's).
 */
typedef struct sfile {
	char *rel, *abs, *pkg;
	const char *text;
	size_t len;
	const ge_gostmt_file *x;
	ge_gopkg_file *pf;
	ge_gopkg *own;                /* a one-file view of a text of the caller's, or NULL */
	ge_gopkg_text_file *own_text; /* own's provider (malloc'd: sfiles move) */
	const char *fmt_name;         /* NULL when fmt is not imported under a name */
	const char *sc_name;          /* strconv's name here: the import's, or "strconv" to add */
	int sc_imported;
	int sc_dot;       /* strconv is imported with "." only: its functions go unqualified */
	int gofmt_clean;  /* -1 unknown */
	int enabled;      /* candidates enabled this round */
	int keep_fmt;     /* the compiler disagreed that fmt became unused */
	int generated;    /* "// Code generated ... DO NOT EDIT." before the package clause */
	char *round_text; /* this round's content (after gofmt) */
	size_t round_len;
	char *backing;        /* this round's backing file */
	uint64_t tested_hash; /* content whose tests passed, 0 none */
	int base_tests;       /* its package's tests without rewrites: 1 pass, -1 fail, 0 unknown */
} sfile;

/* One package directory's view, opened at its first file. */
typedef struct sview {
	char *dir;
	ge_gopkg *p;
} sview;

typedef struct sctx {
	const ge_suggest_opts *o;
	const ge_modset *mods;
	const char *top;
	ge_suggest_result *res;
	sfile *files;
	size_t nfiles, fcap;
	cand *c;
	size_t nc, ccap;
	ge_report *base, *cur;
	char *workdir;
	int own_workdir;
	char *gofmt;
	unsigned group_seq;
	/* Files written under workdir, removed at the end. */
	char **made;
	size_t nmade, made_cap;
	/* The current overlay. */
	ge_overlay ov;
	char *ovfile;
	ge_buf out; /* compiler output of the current run */
	/* Platforms: "GOOS/GOARCH", and whether the packages build there
	   without rewrites (0 unknown, 1 yes, -1 no). */
	const char *const *plat;
	size_t nplat;
	int *plat_base;
	const char *building_for; /* the platform of the failed build being handled, or NULL */
	/* The source assertions (lib/asserts): 0 not looked for yet, 1 none,
	   2 some, 3 some with an inline one (then abase holds those the tree
	   breaks without rewrites, asites the positioned lines of this round's
	   build when an inline one needs them).  See suggest_verify.c. */
	int asserts;
	struct ge_assert_result *abase;
	struct ge_cost_sites *asites;
	/* The work tree's views the files are read through (lib/gopkg). */
	sview *views;
	size_t nviews;
	/* Rounds building only the packages they change (suggest_scope.c):
	   the base build's output as go printed it (base_raw_ok: kept whole),
	   the import graph (scope_state 0 not listed yet, 1 listed, -1 none). */
	ge_buf base_raw;
	int base_raw_ok;
	struct sgraph *graph;
	int scope_state;
} sctx;

static inline int oom(void)
{
	return ge_error_set(GE_ENOMEM, "out of memory");
}

static inline int tok_eq(const ge_gostmt_file *x, uint32_t i, const char *s)
{
	return ge_gostmt_is(x, i, s);
}

static inline int is_ident(const ge_gostmt_file *x, uint32_t i, const char *s)
{
	return i < x->ntoks && x->toks[i].kind == GE_TOK_IDENT && ge_gostmt_is(x, i, s);
}

/* Source text of tokens [f, l]. */
static inline int put_toks(ge_buf *b, const ge_gostmt_file *x, uint32_t f, uint32_t l)
{
	return ge_buf_put(b, x->src + x->toks[f].off, ge_gostmt_end(x, l) - x->toks[f].off);
}

static inline char *dup_toks(const ge_gostmt_file *x, uint32_t f, uint32_t l)
{
	return ge_strndup(x->src + x->toks[f].off, ge_gostmt_end(x, l) - x->toks[f].off);
}

static inline int enabled(const cand *c)
{
	return c->state == C_TRIAL || c->state == C_ACCEPTED;
}

static inline int is_fmt_rule(const cand *c)
{
	return c->in == IN_SPRINTF || c->in == IN_SPRINT || c->in == IN_FPRINTF;
}

/* Does the rewrite end in string(...) or w.Write(...) over a stack buffer it must have? */
static inline int buffer_rule(const cand *c)
{
	return c->rule == R_CONCAT || c->rule == R_SPRINTF_AFFIX || c->rule == R_WRITESTRING ||
	       c->rule == R_FPRINTF;
}

static inline int writer_rule(const cand *c)
{
	return c->rule == R_WRITESTRING || c->rule == R_FPRINTF;
}

static inline int bytes_rule(const cand *c)
{
	return c->rule == R_ITOA_BYTES || c->rule == R_SPRINTF_BYTES;
}

static inline const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* One compiler error: "path:line:col: message" under a "# pkg" header. */
typedef struct cerr {
	size_t file;     /* (size_t)-1: a file goescape did not read, of package pkg */
	const char *pkg; /* borrowed from the cerrs' header list */
	uint32_t line, col;
	char *msg;
} cerr;

typedef struct cerrs {
	cerr *e;
	size_t n;
	char **pkgs; /* headers seen */
	size_t npkgs;
} cerrs;

/* suggest_rules.c */
void ge_suggest__reject(cand *c, const char *fmt, ...) GE_PRINTF(2, 3);
/* Free what the assertion filter holds (sctx's asserts, abase, asites). */
void ge_suggest__asserts_release(sctx *s);
void ge_suggest__sfile_release(sfile *f);
int ge_suggest__sfile_scan(sfile *f, char *text, size_t len);
int ge_suggest__sfile_load(sctx *s, sfile *f, const char *rel, const char *pkg);
void ge_suggest__views_free(sctx *s);
/* The name of the function c is in, malloc'd: the base report's (package-
 * wide, as attribution gives it and the compiler does).  0 or GE_ENOMEM. */
int ge_suggest__func_at(char **out, const sctx *s, const cand *c);
/* f's text as the next build sees it, backed by backing (this round's file,
 * after gofmt): read through gopkg's overlay provider, appended to out. */
int ge_suggest__round_read(ge_buf *out, const sfile *f, const char *backing);
int ge_suggest__load_files(sctx *s, const ge_report *r);
int ge_suggest__find_in_file(sctx *s, size_t fi);
void ge_suggest__prefilter(sctx *s, cand *c);
int ge_suggest__expr_text(ge_buf *b, const sctx *s, const cand *c);
int ge_suggest__expr_text_of(ge_buf *b, const char *S, const cand *c, const char *xt,
                             const char *dst, const char *base);
int ge_suggest__render_file(ge_buf *out, sctx *s, size_t fi);

/* One of the inner calls at a token (suggest_rules.c). */
typedef struct match {
	inner in;
	uint32_t open, close; /* the call's parentheses */
	uint32_t xf, xl, bf, bl;
	char verb;       /* IN_SPRINTF: its one verb */
	char *pre, *suf; /* IN_SPRINTF: the format's text around it, as literals (owned) */
} match;

size_t ge_suggest__split_args(const ge_gostmt_file *x, uint32_t open, uint32_t *af, uint32_t *al,
                              size_t max);
int ge_suggest__inner_at(const ge_gostmt_file *x, uint32_t i, const sfile *f, match *m);
void ge_suggest__match_release(match *m);

/* suggest_patterns.c */
int ge_suggest__format_parse(const char *lit, size_t len, char *verb, char **pre, char **suf);
int ge_suggest__pattern_at(const sctx *s, size_t fi, uint32_t i, cand *c, match *m);

/* suggest_work.c */
int ge_suggest__remember(sctx *s, const char *path);
int ge_suggest__make_dirs(sctx *s, const char *dir);
int ge_suggest__write_plain(sctx *s, const char *path, const char *data, size_t len);
int ge_suggest__write_backing(char **out, sctx *s, const char *real, const char *data, size_t len);
int ge_suggest__overlay_write(sctx *s);
int ge_suggest__is_made(const sctx *s, const char *path);
size_t ge_suggest__file_by_base(const sctx *s, const char *pkg, const char *base, size_t blen);
int ge_suggest__run_tool(sctx *s, int *status, char *const *argv, const char *dir);
int ge_suggest__run_tool_env(sctx *s, int *status, char *const *argv, const char *dir,
                             char *const *envp);
int ge_suggest__exited_ok(int status);
const char *ge_suggest__first_line(const sctx *s, char *buf, size_t n);
int ge_suggest__parse_errors(const sctx *s, cerrs *out, const char *text, size_t len);
void ge_suggest__cerrs_release(cerrs *c);
int ge_suggest__saw_pkg(const cerrs *c, const char *pkg);
int ge_suggest__line_table(uint32_t **out, size_t *n, const char *text, size_t len);
uint32_t ge_suggest__line_at(const uint32_t *t, size_t n, size_t off);

/* suggest_inline.c */
int ge_suggest__file_package(char **out, const ge_modset *mods, const char *abs);
int ge_suggest__saw_unit(const sctx *s, const cerrs *errs, size_t fi);
void ge_suggest__inline_sites(const ge_gostmt_file *x, cand *c);
int ge_suggest__on_site(const sctx *s, const cand *c, const ge_diag *d, int side);
size_t ge_suggest__site_heap(const sctx *s, const cand *c, const ge_report *r);
int ge_suggest__site_lines(sctx *s, size_t fi);
void ge_suggest__cand_span(const cand *c, uint32_t *o1, uint32_t *o2, uint32_t *n1, uint32_t *n2,
                           const sctx *s);

/* suggest_bench.c */
int ge_suggest__bench(sctx *s);

/* suggest_probe.c */
int ge_suggest__probe_all(sctx *s);

/* suggest_behave.c */
int ge_suggest__behaviour_program(ge_buf *out, const sctx *s);
int ge_suggest__behaviour_verdicts(sctx *s, const char *out, size_t len);
int ge_suggest__behaviour(sctx *s);

/* suggest_verify.c */
int ge_suggest__prepare_round(sctx *s);
int ge_suggest__verify_build(sctx *s, ge_report **rep, int *status);
int ge_suggest__handle_failure(sctx *s);
int ge_suggest__evaluate(sctx *s, const ge_report *rep, int *changed);
int ge_suggest__promote(sctx *s);
int ge_suggest__run_tests(sctx *s, int *changed);
int ge_suggest__platforms(sctx *s, int *changed);
int ge_suggest__cand_region(const cand *c, uint32_t *l1, uint32_t *l2);

/* lib/suggest_scope.c */
typedef struct sgraph sgraph;
typedef struct sbase sbase;
int ge_suggest__base_build(sctx *s, int *status, const ge_capture_opts *o);
int ge_suggest__verify_scoped(sctx *s, ge_report **rep, int *status, ge_capture_opts *co,
                              int *done);
void ge_suggest__scope_release(sctx *s);

#endif
