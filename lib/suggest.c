/* Integer-formatting rewrites: find, probe types, verify with the compiler, diff, apply. */
#include "suggest.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "goexpr.h"
#include "gosrc.h"
#include "run.h"
#include "udiff.h"

#define DEFAULT_MAX_ROUNDS 24
#define MAX_OUTPUT         (64u << 20) /* bytes of go output kept per run */
#define PROBE_VAR          "goescapeProbe"

/* ---- candidates --------------------------------------------------------- */

typedef enum rule {
	R_ITOA_BYTES,
	R_SPRINTF,
	R_SPRINT,
	R_SPRINTF_BYTES,
	R_APPEND_ITOA,
	R_APPEND_SPRINTF
} rule;

static const char *const rule_names[] = {"itoa-bytes",    "sprintf-d",   "sprint-int",
                                         "sprintf-bytes", "append-itoa", "append-sprintf"};

/* The call inside a rule. */
typedef enum inner { IN_ITOA, IN_FORMATINT, IN_SPRINTF, IN_SPRINT } inner;

/* What the argument is, as far as a rewrite cares. */
typedef enum tyclass {
	TY_UNKNOWN = 0,
	TY_INT,      /* int: Itoa */
	TY_INT64,    /* int64: FormatInt(x, 10) */
	TY_SIGNED,   /* other signed: FormatInt(int64(x), 10) */
	TY_UINT64,   /* uint64: FormatUint(x, 10) */
	TY_UNSIGNED, /* other unsigned, uintptr: FormatUint(uint64(x), 10) */
} tyclass;

typedef enum variant { V_STRING, V_BUF, V_NIL, V_DST } variant;

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
	int generic; /* inside a function with type parameters */
	tyclass ty;
	variant var;
	char bufname[24];
	cstate state;
	int tested; /* its package's tests passed with it */
	int tpend;  /* waiting because its package's tests failed */
	unsigned group;
	char *reason;
	int heap_lines; /* base heap diagnostics on its lines */
	/* The current round's text: lines of the expression and of the declaration. */
	uint32_t new_first, new_last, decl_line;
	uint32_t ncol1, ncol2; /* its columns on new_first and new_last */
	int cols_ok;           /* gofmt left those lines alone */
	size_t unit;
} cand;

typedef struct sfile {
	char *rel, *abs, *pkg;
	char *text;
	size_t len;
	ge_goexpr *x;
	ge_gofile *gf;
	const char *fmt_name; /* NULL when fmt is not imported under a name */
	const char *sc_name;  /* strconv's name here: the import's, or "strconv" to add */
	int sc_imported;
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
	char **ov_real, **ov_backing;
	size_t nov;
	char *ovfile;
	ge_buf out; /* compiler output of the current run */
} sctx;

static int oom(void)
{
	return ge_error_set(GE_ENOMEM, "out of memory");
}

static int tok_eq(const ge_goexpr *x, uint32_t i, const char *s)
{
	return ge_goexpr_is(x, i, s);
}

static int is_ident(const ge_goexpr *x, uint32_t i, const char *s)
{
	return i < x->ntoks && x->toks[i].kind == GE_TOK_IDENT && ge_goexpr_is(x, i, s);
}

/* Source text of tokens [f, l]. */
static int put_toks(ge_buf *b, const ge_goexpr *x, uint32_t f, uint32_t l)
{
	return ge_buf_put(b, x->src + x->toks[f].off, ge_goexpr_end(x, l) - x->toks[f].off);
}

static char *dup_toks(const ge_goexpr *x, uint32_t f, uint32_t l)
{
	return ge_strndup(x->src + x->toks[f].off, ge_goexpr_end(x, l) - x->toks[f].off);
}

static void reject(cand *c, const char *fmt, ...) GE_PRINTF(2, 3);
static void reject(cand *c, const char *fmt, ...)
{
	ge_buf b = GE_BUF_INIT;
	va_list ap;
	if (c->state == C_REJECTED)
		return;
	c->state = C_REJECTED;
	va_start(ap, fmt);
	if (ge_buf_vprintf(&b, fmt, ap) == 0) {
		free(c->reason);
		c->reason = ge_buf_detach(&b);
	}
	va_end(ap);
	ge_buf_release(&b);
}

static int enabled(const cand *c)
{
	return c->state == C_TRIAL || c->state == C_ACCEPTED;
}

/* ---- matching ----------------------------------------------------------- */

/* pkg.fn( at i, not itself selected from something: the '(' or NONE. */
static uint32_t call_at(const ge_goexpr *x, uint32_t i, const char *pkg, const char *fn)
{
	if (!pkg || !is_ident(x, i, pkg) || (i > 0 && tok_eq(x, i - 1, ".")) ||
	    !tok_eq(x, i + 1, ".") || !is_ident(x, i + 2, fn) || !tok_eq(x, i + 3, "(") ||
	    x->toks[i + 3].match == GE_GOX_NONE)
		return GE_GOX_NONE;
	return i + 3;
}

/* Split the arguments of the call whose '(' is open: up to max ranges. */
static size_t split_args(const ge_goexpr *x, uint32_t open, uint32_t *af, uint32_t *al, size_t max)
{
	uint32_t close = x->toks[open].match, k = open + 1, start = open + 1;
	size_t n = 0;
	if (k == close)
		return 0;
	while (k < close) {
		if (tok_eq(x, k, ",")) {
			if (n == max || k == start)
				return max + 1;
			af[n] = start;
			al[n] = k - 1;
			n++;
			start = ++k;
			continue;
		}
		if ((tok_eq(x, k, "(") || tok_eq(x, k, "[") || tok_eq(x, k, "{")) &&
		    x->toks[k].match != GE_GOX_NONE && x->toks[k].match < close)
			k = x->toks[k].match + 1;
		else
			k++;
	}
	if (start < close) { /* a trailing comma leaves nothing here */
		if (n == max)
			return max + 1;
		af[n] = start;
		al[n] = close - 1;
		n++;
	}
	return n;
}

typedef struct match {
	inner in;
	uint32_t open, close; /* the call's parentheses */
	uint32_t xf, xl, bf, bl;
} match;

/* One of the four calls at i, with a single plain argument (no x...). */
static int inner_at(const ge_goexpr *x, uint32_t i, const sfile *f, match *m)
{
	uint32_t af[3], al[3], open;
	size_t n;
	memset(m, 0, sizeof(*m));
	m->bf = m->bl = GE_GOX_NONE;
	if ((open = call_at(x, i, f->sc_imported ? f->sc_name : NULL, "Itoa")) != GE_GOX_NONE)
		m->in = IN_ITOA;
	else if ((open = call_at(x, i, f->sc_imported ? f->sc_name : NULL, "FormatInt")) !=
	         GE_GOX_NONE)
		m->in = IN_FORMATINT;
	else if ((open = call_at(x, i, f->fmt_name, "Sprintf")) != GE_GOX_NONE)
		m->in = IN_SPRINTF;
	else if ((open = call_at(x, i, f->fmt_name, "Sprint")) != GE_GOX_NONE)
		m->in = IN_SPRINT;
	else
		return 0;
	n = split_args(x, open, af, al, 2);
	m->open = open;
	m->close = x->toks[open].match;
	switch (m->in) {
	case IN_ITOA:
	case IN_SPRINT:
		if (n != 1)
			return 0;
		m->xf = af[0];
		m->xl = al[0];
		break;
	case IN_FORMATINT:
		if (n != 2)
			return 0;
		m->xf = af[0];
		m->xl = al[0];
		m->bf = af[1];
		m->bl = al[1];
		break;
	case IN_SPRINTF: {
		const ge_gotok *t;
		if (n != 2 || af[0] != al[0])
			return 0;
		t = &x->toks[af[0]];
		if (t->kind != GE_TOK_STRING || t->len != 4 ||
		    (memcmp(x->src + t->off, "\"%d\"", 4) && memcmp(x->src + t->off, "`%d`", 4)))
			return 0;
		m->xf = af[1];
		m->xl = al[1];
		break;
	}
	}
	return !tok_eq(x, m->xl, "...");
}

static int add_cand(sctx *s, const cand *c)
{
	if (s->nc == s->ccap) {
		size_t nc = s->ccap ? s->ccap * 2 : 32;
		cand *n = realloc(s->c, nc * sizeof(*n));
		if (!n)
			return oom();
		s->c = n;
		s->ccap = nc;
	}
	s->c[s->nc++] = *c;
	return 0;
}

/*
 * Every rule match in the file, outermost only: a conversion or append
 * wins over the call inside it, and a match inside another's argument is
 * left for a later run.
 */
static int find_in_file(sctx *s, size_t fi)
{
	sfile *f = &s->files[fi];
	const ge_goexpr *x = f->x;
	uint32_t i, covered_until = 0;
	int rc;
	for (i = 0; i < x->ntoks; i++) {
		cand c;
		match m;
		uint32_t af[3], al[3];
		int ok = 0;
		if (i < covered_until)
			continue;
		memset(&c, 0, sizeof(c));
		c.file = fi;
		c.df = c.dl = GE_GOX_NONE;
		/* []byte(inner) */
		if (tok_eq(x, i, "[") && tok_eq(x, i + 1, "]") && is_ident(x, i + 2, "byte") &&
		    tok_eq(x, i + 3, "(") && x->toks[i + 3].match != GE_GOX_NONE &&
		    !(i > 0 && (tok_eq(x, i - 1, "]") || tok_eq(x, i - 1, "."))) &&
		    inner_at(x, i + 4, f, &m) && m.close + 1 == x->toks[i + 3].match) {
			c.rule = m.in == IN_ITOA || m.in == IN_FORMATINT ? R_ITOA_BYTES
			                                                 : R_SPRINTF_BYTES;
			c.first = i;
			c.last = x->toks[i + 3].match;
			ok = 1;
		} else if (is_ident(x, i, "append") && !(i > 0 && tok_eq(x, i - 1, ".")) &&
		           tok_eq(x, i + 1, "(") && x->toks[i + 1].match != GE_GOX_NONE &&
		           split_args(x, i + 1, af, al, 2) == 2 && tok_eq(x, al[1], "...") &&
		           inner_at(x, af[1], f, &m) && m.close + 1 == al[1]) {
			c.rule = m.in == IN_ITOA || m.in == IN_FORMATINT ? R_APPEND_ITOA
			                                                 : R_APPEND_SPRINTF;
			c.first = i;
			c.last = x->toks[i + 1].match;
			c.df = af[0];
			c.dl = al[0];
			ok = 1;
		} else if (inner_at(x, i, f, &m) && (m.in == IN_SPRINTF || m.in == IN_SPRINT)) {
			c.rule = m.in == IN_SPRINTF ? R_SPRINTF : R_SPRINT;
			c.first = i;
			c.last = m.close;
			ok = 1;
		}
		if (!ok)
			continue;
		c.in = m.in;
		c.xf = m.xf;
		c.xl = m.xl;
		c.bf = m.bf;
		c.bl = m.bl;
		c.stmt = x->toks[c.first].stmt;
		c.old_first = x->toks[c.first].line;
		c.old_last = x->toks[c.last].line;
		c.needs_probe = m.in == IN_SPRINTF || m.in == IN_SPRINT;
		c.ty = m.in == IN_ITOA ? TY_INT : m.in == IN_FORMATINT ? TY_INT64 : TY_UNKNOWN;
		c.var = V_STRING;
		c.state = C_TRIAL;
		if ((rc = add_cand(s, &c)) < 0)
			return rc;
		covered_until = c.last + 1;
	}
	return 0;
}

/* ---- files ---------------------------------------------------------------- */

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static void sfile_release(sfile *f)
{
	free(f->rel);
	free(f->abs);
	free(f->pkg);
	free(f->text);
	ge_goexpr_free(f->x);
	ge_gofile_free(f->gf);
	free(f->round_text);
	free(f->backing);
}

/* Read and scan one file; its imports decide the names rules look for. */
/* Go's convention for generated files, looked for before the package clause. */
static int is_generated(const char *t, size_t len)
{
	size_t ls = 0;
	while (ls < len) {
		size_t le = ls;
		while (le < len && t[le] != '\n')
			le++;
		if (le - ls >= 8 && memcmp(t + ls, "package ", 8) == 0)
			return 0;
		size_t end = le > ls && t[le - 1] == '\r' ? le - 1 : le;
		if (end - ls >= 30 && memcmp(t + ls, "// Code generated ", 18) == 0 &&
		    memcmp(t + end - 12, "DO NOT EDIT.", 12) == 0)
			return 1;
		ls = le + 1;
	}
	return 0;
}

/* Scan text (owned by f from now on); its imports decide the names rules look for. */
static int sfile_scan(sfile *f, char *text, size_t len)
{
	const char *n;
	int rc;
	f->text = text;
	f->len = len;
	if (!f->text && !(f->text = ge_strdup("")))
		return oom();
	if ((rc = ge_goexpr_parse(&f->x, f->text, f->len)) < 0 ||
	    (rc = ge_gofile_parse(&f->gf, f->text, f->len)) < 0)
		return rc;
	f->generated = is_generated(f->text, f->len);
	f->fmt_name = ge_goexpr_import_name(f->x, "fmt", NULL);
	n = ge_goexpr_import_name(f->x, "strconv", NULL);
	f->sc_imported = n != NULL;
	f->sc_name = n ? n : "strconv";
	return 0;
}

static int sfile_load(sfile *f, const char *top, const char *rel, const char *pkg)
{
	ge_buf b = GE_BUF_INIT;
	size_t len;
	int rc;
	memset(f, 0, sizeof(*f));
	f->gofmt_clean = -1;
	if (!(f->rel = ge_strdup(rel)) || !(f->pkg = ge_strdup(pkg)) ||
	    !(f->abs = ge_path_join(top, rel)))
		return oom();
	if ((rc = ge_file_read(&b, f->abs)) < 0)
		return rc;
	len = b.len;
	return sfile_scan(f, ge_buf_detach(&b), len);
}

/* The files of main-module packages that carry a heap diagnostic, each once. */
static int load_files(sctx *s, const ge_report *r)
{
	size_t i, j;
	int rc;
	for (i = 0; i < r->ndiags; i++) {
		const ge_diag *d = &r->diags[i];
		char *abs;
		int seen = 0;
		if (!ge_kind_is_heap(d->kind) || !d->file[0])
			continue;
		for (j = 0; j < s->nfiles && !seen; j++)
			seen = strcmp(s->files[j].rel, d->file) == 0;
		if (seen)
			continue;
		if (!(abs = ge_path_join(s->top, d->file)))
			return oom();
		seen = ge_modset_lookup_path(s->mods, abs) == NULL;
		free(abs);
		if (seen)
			continue;
		if (s->nfiles == s->fcap) {
			size_t nc = s->fcap ? s->fcap * 2 : 16;
			sfile *nf = realloc(s->files, nc * sizeof(*nf));
			if (!nf)
				return oom();
			s->files = nf;
			s->fcap = nc;
		}
		rc = sfile_load(&s->files[s->nfiles], s->top, d->file, d->package);
		s->nfiles++;
		if (rc == GE_ENOTFOUND) {
			/* Generated elsewhere (cgo): nothing to rewrite. */
			sfile_release(&s->files[--s->nfiles]);
			continue;
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

static size_t heap_on_lines(const ge_report *r, const char *file, uint32_t l1, uint32_t l2)
{
	size_t i, n = 0;
	for (i = 0; i < r->ndiags; i++) {
		const ge_diag *d = &r->diags[i];
		n += ge_kind_is_heap(d->kind) && d->line >= l1 && d->line <= l2 &&
		     strcmp(d->file, file) == 0;
	}
	return n;
}

static int is_fmt_rule(const cand *c)
{
	return c->in == IN_SPRINTF || c->in == IN_SPRINT;
}

static int bytes_rule(const cand *c)
{
	return c->rule == R_ITOA_BYTES || c->rule == R_SPRINTF_BYTES;
}

/* Does a label stand before token i ("L:" or "L:\n")?  A declaration there would take it. */
static int labeled(const ge_goexpr *x, uint32_t i)
{
	return i >= 2 && tok_eq(x, i - 1, ":") && x->toks[i - 2].kind == GE_TOK_IDENT &&
	       (i == 2 || x->toks[i - 3].kind == GE_TOK_SEMI || tok_eq(x, i - 3, "{") ||
	        tok_eq(x, i - 3, ":"));
}

/* Is the candidate the whole operand of "return"?  Its buffer would always escape. */
static int returned_whole(const ge_goexpr *x, const cand *c)
{
	const ge_gostmt *st = &x->stmts[c->stmt];
	return tok_eq(x, st->first, "return") && c->first == st->first + 1 && c->last == st->last;
}

/* What the scanner alone can decide: where a rewrite may go, and with what buffer. */
static void prefilter(sctx *s, cand *c)
{
	sfile *f = &s->files[c->file];
	const ge_goexpr *x = f->x;
	const ge_gostmt *st;
	c->heap_lines =
	    s->base ? (int)heap_on_lines(s->base, f->rel, c->old_first, c->old_last) : 1;
	if (!c->heap_lines) {
		reject(c, "no heap diagnostic on its lines to remove");
		return;
	}
	if (f->generated) {
		reject(c, "in a generated file");
		return;
	}
	if (ge_goexpr_import_name(x, "C", NULL)) {
		reject(c, "in a cgo file");
		return;
	}
	if (c->stmt == GE_GOX_NONE) {
		reject(c, "not in a statement goescape can place");
		return;
	}
	st = &x->stmts[c->stmt];
	if (st->kind == GE_STMT_CLAUSE) {
		reject(c, "in a case clause");
		return;
	}
	if (st->kind == GE_STMT_DECL && !tok_eq(x, st->first, "var")) {
		reject(c, "not in a statement goescape can place");
		return;
	}
	if (ge_goexpr_shadowed(x, st->decl_first, st->decl_last, f->sc_name)) {
		reject(c, "'%s' names something other than package strconv here", f->sc_name);
		return;
	}
	if (is_fmt_rule(c) && ge_goexpr_shadowed(x, st->decl_first, st->decl_last, f->fmt_name)) {
		reject(c, "'%s' names something other than package fmt here", f->fmt_name);
		return;
	}
	c->generic = ge_goexpr_decl_generic(x, st->decl_first);
	if (c->rule == R_APPEND_ITOA || c->rule == R_APPEND_SPRINTF)
		c->var = V_DST;
	else if (bytes_rule(c))
		c->var = st->kind != GE_STMT_DECL && ge_goexpr_stmt_own_line(x, c->stmt) &&
		                 !returned_whole(x, c) && !labeled(x, st->first)
		             ? V_BUF
		             : V_NIL;
	else
		c->var = V_STRING;
}

/* A name for c's buffer that nothing in its declaration uses, nor another buffer. */
static int pick_bufname(sctx *s, cand *c)
{
	const sfile *f = &s->files[c->file];
	const ge_gostmt *st = &f->x->stmts[c->stmt];
	unsigned n;
	size_t k;
	for (n = 1; n < 1000; n++) {
		char name[24];
		int taken;
		if (n == 1)
			snprintf(name, sizeof(name), "buf");
		else
			snprintf(name, sizeof(name), "buf%u", n);
		taken = ge_goexpr_uses_ident(f->x, st->decl_first, st->decl_last, name);
		for (k = 0; k < s->nc && !taken; k++) {
			const cand *o = &s->c[k];
			taken = o != c && o->file == c->file && o->bufname[0] &&
			        strcmp(o->bufname, name) == 0 &&
			        f->x->stmts[o->stmt].decl_first == st->decl_first;
		}
		if (!taken) {
			memcpy(c->bufname, name, strlen(name) + 1);
			return 0;
		}
	}
	return ge_error_set(GE_ERROR, "no free name for a buffer in '%s'", f->rel);
}

/* ---- work files and running go --------------------------------------------- */

static int remember(sctx *s, const char *path)
{
	if (s->nmade == s->made_cap) {
		size_t nc = s->made_cap ? s->made_cap * 2 : 32;
		char **n = realloc(s->made, nc * sizeof(*n));
		if (!n)
			return oom();
		s->made = n;
		s->made_cap = nc;
	}
	if (!(s->made[s->nmade] = ge_strdup(path)))
		return oom();
	s->nmade++;
	return 0;
}

static int is_made(const sctx *s, const char *path)
{
	size_t i;
	for (i = 0; i < s->nmade; i++)
		if (strcmp(s->made[i], path) == 0)
			return 1;
	return 0;
}

/* mkdir -p, remembering what was created. */
static int make_dirs(sctx *s, const char *dir)
{
	char *p = ge_strdup(dir), *q;
	int rc = 0;
	if (!p)
		return oom();
	for (q = p + 1;; q++) {
		if (*q == '/' || *q == '\0') {
			char c = *q;
			*q = '\0';
			if (mkdir(p, 0700) == 0) {
				if ((rc = remember(s, p)) < 0)
					break;
			} else if (errno != EEXIST) {
				rc = ge_error_errno(GE_ERROR, "cannot create '%s'", p);
				break;
			}
			*q = c;
			if (!c)
				break;
		}
	}
	free(p);
	return rc;
}

static int write_plain(sctx *s, const char *path, const char *data, size_t len)
{
	FILE *fp;
	int made = is_made(s, path), rc = 0;
	if (!(fp = fopen(path, "wb")))
		return ge_error_errno(GE_ERROR, "cannot write '%s'", path);
	if (len && fwrite(data, 1, len, fp) != len)
		rc = ge_error_errno(GE_ERROR, "cannot write '%s'", path);
	if (fclose(fp) != 0 && rc == 0)
		rc = ge_error_errno(GE_ERROR, "cannot write '%s'", path);
	if (rc == 0 && !made)
		rc = remember(s, path);
	return rc;
}

/*
 * A backing file named by its content (<workdir>/<hash>/<base name>), so
 * compiler output replayed from the build cache still names the right
 * text.  *out is malloc'd.
 */
static int write_backing(char **out, sctx *s, const char *real, const char *data, size_t len)
{
	ge_buf dir = GE_BUF_INIT, path = GE_BUF_INIT;
	uint64_t h = ge_hash_bytes(ge_hash_bytes(GE_HASH_SEED, real, strlen(real)), data, len);
	int rc;
	*out = NULL;
	if ((rc = ge_buf_printf(&dir, "%s/%016llx", s->workdir, (unsigned long long)h)) < 0 ||
	    (rc = make_dirs(s, dir.ptr)) < 0 ||
	    (rc = ge_buf_printf(&path, "%s/%s", dir.ptr, base_name(real))) < 0 ||
	    (rc = write_plain(s, path.ptr, data, len)) < 0)
		goto done;
	*out = ge_buf_detach(&path);
done:
	ge_buf_release(&dir);
	ge_buf_release(&path);
	return rc;
}

static void overlay_reset(sctx *s)
{
	size_t i;
	for (i = 0; i < s->nov; i++) {
		free(s->ov_real[i]);
		free(s->ov_backing[i]);
	}
	free(s->ov_real);
	free(s->ov_backing);
	s->ov_real = s->ov_backing = NULL;
	s->nov = 0;
}

static int overlay_add(sctx *s, const char *real, const char *backing)
{
	char **r = realloc(s->ov_real, (s->nov + 1) * sizeof(*r)), **b;
	if (!r)
		return oom();
	s->ov_real = r;
	if (!(b = realloc(s->ov_backing, (s->nov + 1) * sizeof(*b))))
		return oom();
	s->ov_backing = b;
	if (!(r[s->nov] = ge_strdup(real)))
		return oom();
	if (!(b[s->nov] = ge_strdup(backing))) {
		free(r[s->nov]);
		return oom();
	}
	s->nov++;
	return 0;
}

/* Write the overlay JSON for the current entries to s->ovfile. */
static int overlay_write(sctx *s)
{
	ge_buf j = GE_BUF_INIT;
	size_t i;
	int rc = ge_buf_puts(&j, "{\"Replace\":{");
	for (i = 0; i < s->nov && rc == 0; i++) {
		if (i)
			rc = ge_buf_putc(&j, ',');
		if (rc == 0)
			rc = ge_buf_put_json(&j, s->ov_real[i]);
		if (rc == 0)
			rc = ge_buf_putc(&j, ':');
		if (rc == 0)
			rc = ge_buf_put_json(&j, s->ov_backing[i]);
	}
	if (rc == 0)
		rc = ge_buf_puts(&j, "}}\n");
	if (rc == 0)
		rc = write_plain(s, s->ovfile, j.ptr, j.len);
	ge_buf_release(&j);
	return rc;
}

static int collect(const char *buf, size_t len, void *ud)
{
	sctx *s = ud;
	if (s->out.len + len > MAX_OUTPUT)
		return 0;
	if (ge_buf_put(&s->out, buf, len) < 0)
		return 1;
	return 0;
}

/* Run go (or gofmt) with argv in dir; its output, stdout and stderr, in s->out. */
static int run_tool(sctx *s, int *status, char *const *argv, const char *dir)
{
	ge_run_opts ro = GE_RUN_OPTS_INIT;
	ge_buf_clear(&s->out);
	ro.dir = dir;
	ro.on_stderr = collect;
	ro.ud = s;
	ro.stdout_to_stderr = 1;
	return ge_run(status, argv, &ro);
}

static int exited_ok(int status)
{
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* The file of the package pkg whose base name is base, or (size_t)-1. */
static size_t file_by_base(const sctx *s, const char *pkg, const char *base, size_t blen)
{
	size_t i, any = (size_t)-1;
	for (i = 0; i < s->nfiles; i++) {
		const char *b = base_name(s->files[i].rel);
		if (strlen(b) != blen || memcmp(b, base, blen) != 0)
			continue;
		if (pkg && strcmp(s->files[i].pkg, pkg) == 0)
			return i;
		if (any == (size_t)-1)
			any = i;
	}
	return pkg ? (size_t)-1 : any;
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

static void cerrs_release(cerrs *c)
{
	size_t i;
	for (i = 0; i < c->n; i++)
		free(c->e[i].msg);
	for (i = 0; i < c->npkgs; i++)
		free(c->pkgs[i]);
	free(c->e);
	free(c->pkgs);
	memset(c, 0, sizeof(*c));
}

static int parse_uint(const char **p, const char *end, uint32_t *out)
{
	unsigned long v = 0;
	const char *q = *p;
	while (q < end && *q >= '0' && *q <= '9' && v < 100000000)
		v = v * 10 + (unsigned long)(*q++ - '0');
	if (q == *p)
		return 0;
	*out = (uint32_t)v;
	*p = q;
	return 1;
}

/* Errors in text (go's output) that name a file of ours. */
static int parse_errors(const sctx *s, cerrs *out, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	char *pkg = NULL;
	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end, *go;
		if (le - p > 2 && p[0] == '#' && p[1] == ' ') {
			size_t n = strcspn(p + 2, " \n");
			char **np = realloc(out->pkgs, (out->npkgs + 1) * sizeof(*np));
			if (!np)
				goto nomem;
			out->pkgs = np;
			if (!(np[out->npkgs] = ge_strndup(
			          p + 2, n < (size_t)(le - p - 2) ? n : (size_t)(le - p - 2))))
				goto nomem;
			pkg = np[out->npkgs++];
		} else if (p[0] != '\t' && p[0] != ' ' && (go = strstr(p, ".go:")) && go < le) {
			const char *q = go + 4, *b = go;
			uint32_t line, col = 0;
			size_t fi;
			while (b > p && b[-1] != '/' && b[-1] != ' ')
				b--;
			if (parse_uint(&q, le, &line) && q < le && *q == ':') {
				q++;
				if (!parse_uint(&q, le, &col))
					col = 0;
				if (q < le && *q == ':')
					q++;
				while (q < le && *q == ' ')
					q++;
				fi = file_by_base(s, pkg, b, (size_t)(go + 3 - b));
				if (fi != (size_t)-1 || pkg) {
					cerr *ne = realloc(out->e, (out->n + 1) * sizeof(*ne));
					if (!ne)
						goto nomem;
					out->e = ne;
					ne[out->n].file = fi;
					ne[out->n].pkg = pkg;
					ne[out->n].line = line;
					ne[out->n].col = col;
					if (!(ne[out->n].msg = ge_strndup(q, (size_t)(le - q))))
						goto nomem;
					out->n++;
				}
			}
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
nomem:
	cerrs_release(out);
	return oom();
}

static int saw_pkg(const cerrs *c, const char *pkg)
{
	size_t i;
	for (i = 0; i < c->npkgs; i++)
		if (strcmp(c->pkgs[i], pkg) == 0)
			return 1;
	return 0;
}

/* Offsets of each line's start in text; *n lines. */
static int line_table(uint32_t **out, size_t *n, const char *text, size_t len)
{
	size_t i, k = 1;
	uint32_t *t;
	for (i = 0; i < len; i++)
		k += text[i] == '\n';
	if (!(t = malloc(k * sizeof(*t))))
		return oom();
	t[0] = 0;
	*n = 1;
	for (i = 0; i < len; i++)
		if (text[i] == '\n')
			t[(*n)++] = (uint32_t)(i + 1);
	*out = t;
	return 0;
}

static uint32_t line_at(const uint32_t *t, size_t n, size_t off)
{
	size_t lo = 0, hi = n;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (t[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return (uint32_t)lo + 1;
}

/* ---- type probes ------------------------------------------------------------ */

/*
 * Before the candidate's statement, a probe that is never run, one line per
 * question (the compiler drops columns past 255, so lines stay short and
 * errors are placed by line in the probe's own text):
 *   var _ = func() {
 *   goescapeProbe := X
 *   var _ int = goescapeProbe
 *   ...
 *   _ = goescapeProbe % goescapeProbe
 *   _ = goescapeProbe + -1
 *   _ = goescapeProbe.Format
 *   }
 * The short declaration gives X its default type, so exactly one assignment
 * compiles for a predeclared integer type and none for anything else; '%'
 * compiles only for integers, "+ -1" only for signed ones, and the method
 * value only when there is a Format method (which %d would call).
 */
static const char *const probe_types[] = {"int",   "int8",   "int16",  "int32",  "int64",  "uint",
                                          "uint8", "uint16", "uint32", "uint64", "uintptr"};
#define NTYPES    11
#define P_DECL    0
#define P_INTEGER (NTYPES + 1)
#define P_SIGNED  (NTYPES + 2)
#define P_FORMAT  (NTYPES + 3)
#define NPROBE    (NTYPES + 4)

typedef struct probe {
	size_t cand;
	size_t so[NPROBE], se[NPROBE];
	int failed[NPROBE];
	char *msg[NPROBE];
} probe;

static int probe_seg(ge_buf *b, probe *p, int k, const char *fmt, ...) GE_PRINTF(4, 5);
static int probe_seg(ge_buf *b, probe *p, int k, const char *fmt, ...)
{
	va_list ap;
	int rc;
	p->so[k] = b->len;
	va_start(ap, fmt);
	rc = ge_buf_vprintf(b, fmt, ap);
	va_end(ap);
	p->se[k] = b->len;
	return rc < 0 ? rc : ge_buf_puts(b, k == NPROBE - 1 ? "\n}\n" : "\n");
}

static int probe_write(ge_buf *b, const sfile *f, const cand *c, probe *p)
{
	int rc, k;
	ge_buf xt = GE_BUF_INIT;
	if ((rc = put_toks(&xt, f->x, c->xf, c->xl)) < 0)
		return rc;
	rc = ge_buf_puts(b, "var _ = func() {\n");
	if (rc == 0)
		rc = probe_seg(b, p, P_DECL, "%s := %s", PROBE_VAR, xt.ptr);
	for (k = 0; k < NTYPES && rc == 0; k++)
		rc = probe_seg(b, p, k + 1, "var _ %s = %s", probe_types[k], PROBE_VAR);
	if (rc == 0)
		rc = probe_seg(b, p, P_INTEGER, "_ = %s %% %s", PROBE_VAR, PROBE_VAR);
	if (rc == 0)
		rc = probe_seg(b, p, P_SIGNED, "_ = %s + -1", PROBE_VAR);
	if (rc == 0)
		rc = probe_seg(b, p, P_FORMAT, "_ = %s.Format", PROBE_VAR);
	ge_buf_release(&xt);
	return rc;
}

static int unresolved(const cand *c)
{
	return enabled(c) && c->needs_probe && c->ty == TY_UNKNOWN;
}

/* "(variable of type float64)" -> "type float64", from a failed assignment. */
static void type_words(const char *msg, char *out, size_t n)
{
	const char *p = msg ? strstr(msg, "(variable of ") : NULL, *e;
	out[0] = '\0';
	if (!p)
		return;
	p += strlen("(variable of ");
	e = strchr(p, ')');
	if (e && (size_t)(e - p) < n)
		snprintf(out, n, "%.*s", (int)(e - p), p);
}

static void classify(sctx *s, cand *c, const probe *p)
{
	static const tyclass basic[NTYPES] = {TY_INT,      TY_SIGNED,   TY_SIGNED,   TY_SIGNED,
	                                      TY_INT64,    TY_UNSIGNED, TY_UNSIGNED, TY_UNSIGNED,
	                                      TY_UNSIGNED, TY_UINT64,   TY_UNSIGNED};
	int k, ok = -1, nok = 0;
	char words[128];
	(void)s;
	if (p->failed[P_DECL]) {
		reject(c, "its argument does not compile before the statement: %s",
		       p->msg[P_DECL] ? p->msg[P_DECL] : "?");
		return;
	}
	for (k = 0; k < NTYPES; k++)
		if (!p->failed[k + 1]) {
			ok = k;
			nok++;
		}
	if (nok == 1) {
		c->ty = basic[ok];
		return;
	}
	type_words(p->msg[1], words, sizeof(words));
	if (nok > 1 || p->failed[P_INTEGER]) {
		reject(c, "not an integer%s%s", words[0] ? ": " : "", words);
		return;
	}
	if (c->in == IN_SPRINT) {
		reject(c,
		       "a named integer type (%s): fmt.Sprint would call its String, Error or "
		       "Format method",
		       words[0] ? words : "?");
		return;
	}
	if (c->generic) {
		reject(c, "a named integer type in generic code (%s)", words[0] ? words : "?");
		return;
	}
	if (!p->failed[P_FORMAT]) {
		reject(c, "%s has a Format method, which %%d calls", words[0] ? words : "its type");
		return;
	}
	c->ty = p->failed[P_SIGNED] ? TY_UNSIGNED : TY_SIGNED;
}

static int cand_insert_cmp(const void *a, const void *b, const sctx *s)
{
	const cand *x = &s->c[*(const size_t *)a], *y = &s->c[*(const size_t *)b];
	uint32_t ox = s->files[x->file].x->toks[s->files[x->file].x->stmts[x->stmt].first].off;
	uint32_t oy = s->files[y->file].x->toks[s->files[y->file].x->stmts[y->stmt].first].off;
	if (ox != oy)
		return ox < oy ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* Insertion sort of candidate indexes by where their statement starts. */
static void sort_by_stmt(const sctx *s, size_t *idx, size_t n)
{
	size_t i, j;
	for (i = 1; i < n; i++) {
		size_t v = idx[i];
		for (j = i; j > 0 && cand_insert_cmp(&idx[j - 1], &v, s) > 0; j--)
			idx[j] = idx[j - 1];
		idx[j] = v;
	}
}

typedef struct probe_file {
	size_t file;
	char *text;
	size_t len;
	uint32_t *lines;
	size_t nlines;
	size_t first, n; /* its probes in the probe array */
} probe_file;

/* Record the failures of errs in the probes of pf. */
static void probe_errors(probe *pr, const probe_file *pf, const cerrs *errs)
{
	size_t i, j;
	int k;
	for (i = 0; i < errs->n; i++) {
		const cerr *e = &errs->e[i];
		size_t off;
		if (e->file != pf->file || e->line == 0 || e->line > pf->nlines)
			continue;
		off = pf->lines[e->line - 1] + (e->col ? e->col - 1 : 0);
		for (j = pf->first; j < pf->first + pf->n; j++)
			for (k = 0; k < NPROBE; k++)
				if (off >= pr[j].so[k] && off < pr[j].se[k] + 1) {
					pr[j].failed[k] = 1;
					if (!pr[j].msg[k])
						pr[j].msg[k] = ge_strdup(e->msg);
				}
	}
}

static void probes_free(probe *pr, size_t n, probe_file *pf, size_t npf)
{
	size_t i;
	int k;
	for (i = 0; i < n; i++)
		for (k = 0; k < NPROBE; k++)
			free(pr[i].msg[k]);
	for (i = 0; i < npf; i++) {
		free(pf[i].text);
		free(pf[i].lines);
	}
	free(pr);
	free(pf);
}

/* First line of the last go run's output, for messages. */
static const char *first_line(const sctx *s, char *buf, size_t n)
{
	const char *p = ge_buf_cstr(&s->out);
	size_t k = strcspn(p, "\n");
	snprintf(buf, n, "%.*s", (int)(k < n - 1 ? k : n - 1), p);
	return buf[0] ? buf : "no output";
}

/*
 * Learn the type of every fmt candidate's argument.  A package whose probes
 * fail does not let go compile the packages importing it, so a package
 * that printed nothing is probed again in the next run, without the probes
 * of the packages already answered.
 */
static int probe_all(sctx *s)
{
	int rc = 0;
	unsigned runs;
	for (runs = 0; runs < 8; runs++) {
		probe *pr = NULL;
		probe_file *pf = NULL;
		size_t npr = 0, npf = 0, i, j, *idx = NULL, nidx;
		char **argv = NULL;
		size_t argc = 0;
		cerrs errs;
		int status = 0, progress = 0;
		char line[200];
		memset(&errs, 0, sizeof(errs));
		overlay_reset(s);
		for (i = 0; i < s->nc; i++)
			npr += unresolved(&s->c[i]);
		if (!npr)
			break;
		if (!(pr = calloc(npr, sizeof(*pr))) || !(pf = calloc(s->nfiles, sizeof(*pf))) ||
		    !(idx = calloc(npr, sizeof(*idx))) ||
		    !(argv = calloc(s->nfiles + 8, sizeof(*argv)))) {
			rc = oom();
			goto round_done;
		}
		npr = 0;
		argv[argc++] = (char *)s->o->build.go;
		argv[argc++] = (char *)"build";
		argv[argc++] = (char *)"-o";
		argv[argc++] = (char *)"/dev/null";
		argv[argc++] = (char *)"-overlay";
		argv[argc++] = s->ovfile;
		argv[argc++] = (char *)"-gcflags=-e";
		for (i = 0; i < s->nfiles; i++) {
			sfile *f = &s->files[i];
			ge_buf t = GE_BUF_INIT;
			size_t pos = 0;
			char *backing = NULL;
			int dup = 0;
			for (nidx = 0, j = 0; j < s->nc; j++)
				if (s->c[j].file == i && unresolved(&s->c[j]))
					idx[nidx++] = j;
			if (!nidx)
				continue;
			sort_by_stmt(s, idx, nidx);
			pf[npf].file = i;
			pf[npf].first = npr;
			for (j = 0; j < nidx && rc == 0; j++) {
				cand *c = &s->c[idx[j]];
				size_t ins = f->x->toks[f->x->stmts[c->stmt].first].off;
				rc = ge_buf_put(&t, f->text + pos, ins - pos);
				pos = ins;
				pr[npr].cand = idx[j];
				if (rc == 0)
					rc = probe_write(&t, f, c, &pr[npr]);
				npr++;
			}
			if (rc == 0)
				rc = ge_buf_put(&t, f->text + pos, f->len - pos);
			pf[npf].n = npr - pf[npf].first;
			if (rc == 0)
				rc = line_table(&pf[npf].lines, &pf[npf].nlines, ge_buf_cstr(&t),
				                t.len);
			pf[npf].len = t.len;
			pf[npf].text = ge_buf_detach(&t);
			npf++;
			if (rc == 0)
				rc = write_backing(&backing, s, f->abs,
				                   pf[npf - 1].text ? pf[npf - 1].text : "",
				                   pf[npf - 1].len);
			if (rc == 0)
				rc = overlay_add(s, f->abs, backing);
			free(backing);
			ge_buf_release(&t);
			if (rc < 0)
				goto round_done;
			for (j = 7; j < argc; j++)
				dup |= strcmp(argv[j], f->pkg) == 0;
			if (!dup)
				argv[argc++] = f->pkg;
		}
		if ((rc = overlay_write(s)) < 0)
			goto round_done;
		if ((rc = run_tool(s, &status, argv, s->top)) < 0)
			goto round_done;
		s->res->go_runs++;
		if ((rc = parse_errors(s, &errs, ge_buf_cstr(&s->out), s->out.len)) < 0)
			goto round_done;
		for (i = 0; i < npf; i++) {
			if (!saw_pkg(&errs, s->files[pf[i].file].pkg))
				continue;
			probe_errors(pr, &pf[i], &errs);
			for (j = pf[i].first; j < pf[i].first + pf[i].n; j++)
				classify(s, &s->c[pr[j].cand], &pr[j]);
			progress = 1;
		}
		if (!progress)
			for (i = 0; i < s->nc; i++)
				if (unresolved(&s->c[i]))
					reject(&s->c[i], "its type could not be probed: %s",
					       first_line(s, line, sizeof(line)));
	round_done:
		cerrs_release(&errs);
		probes_free(pr, npr, pf, npf);
		free(idx);
		free(argv);
		if (rc < 0 || !progress)
			break;
	}
	for (size_t i = 0; i < s->nc; i++)
		if (unresolved(&s->c[i]))
			reject(&s->c[i], "its type could not be probed");
	return rc;
}

/* ---- rewriting ------------------------------------------------------------- */

/* The replacement of c's expression. */
static int expr_text(ge_buf *b, const sctx *s, const cand *c)
{
	const sfile *f = &s->files[c->file];
	const ge_goexpr *x = f->x;
	const char *S = f->sc_name;
	ge_buf xt = GE_BUF_INIT, dst = GE_BUF_INIT;
	int rc;
	if ((rc = put_toks(&xt, x, c->xf, c->xl)) < 0)
		goto done;
	if (c->var == V_STRING) {
		switch (c->ty) {
		case TY_INT:
			rc = ge_buf_printf(b, "%s.Itoa(%s)", S, xt.ptr);
			break;
		case TY_INT64:
			rc = ge_buf_printf(b, "%s.FormatInt(%s, 10)", S, xt.ptr);
			break;
		case TY_SIGNED:
			rc = ge_buf_printf(b, "%s.FormatInt(int64(%s), 10)", S, xt.ptr);
			break;
		case TY_UINT64:
			rc = ge_buf_printf(b, "%s.FormatUint(%s, 10)", S, xt.ptr);
			break;
		default:
			rc = ge_buf_printf(b, "%s.FormatUint(uint64(%s), 10)", S, xt.ptr);
			break;
		}
		goto done;
	}
	if (c->var == V_BUF)
		rc = ge_buf_printf(&dst, "%s[:0]", c->bufname);
	else if (c->var == V_NIL)
		rc = ge_buf_puts(&dst, "nil");
	else
		rc = put_toks(&dst, x, c->df, c->dl);
	if (rc < 0)
		goto done;
	if (c->in == IN_FORMATINT) {
		ge_buf bt = GE_BUF_INIT;
		if ((rc = put_toks(&bt, x, c->bf, c->bl)) == 0)
			rc = ge_buf_printf(b, "%s.AppendInt(%s, %s, %s)", S, dst.ptr, xt.ptr,
			                   bt.ptr);
		ge_buf_release(&bt);
		goto done;
	}
	switch (c->ty) {
	case TY_INT64:
		rc = ge_buf_printf(b, "%s.AppendInt(%s, %s, 10)", S, dst.ptr, xt.ptr);
		break;
	case TY_INT:
	case TY_SIGNED:
		rc = ge_buf_printf(b, "%s.AppendInt(%s, int64(%s), 10)", S, dst.ptr, xt.ptr);
		break;
	case TY_UINT64:
		rc = ge_buf_printf(b, "%s.AppendUint(%s, %s, 10)", S, dst.ptr, xt.ptr);
		break;
	default:
		rc = ge_buf_printf(b, "%s.AppendUint(%s, uint64(%s), 10)", S, dst.ptr, xt.ptr);
		break;
	}
done:
	ge_buf_release(&xt);
	ge_buf_release(&dst);
	return rc;
}

typedef struct edit {
	size_t off, end;
	char *text;
	size_t cand; /* (size_t)-1 for import edits */
	int decl;
	size_t noff, nend; /* where it landed in the new text */
} edit;

typedef struct edits {
	edit *e;
	size_t n, cap;
} edits;

static int edit_add(edits *es, size_t off, size_t end, const char *text, size_t who, int decl)
{
	edit *e;
	if (es->n == es->cap) {
		size_t nc = es->cap ? es->cap * 2 : 16;
		edit *ne = realloc(es->e, nc * sizeof(*ne));
		if (!ne)
			return oom();
		es->e = ne;
		es->cap = nc;
	}
	e = &es->e[es->n];
	memset(e, 0, sizeof(*e));
	if (!(e->text = ge_strdup(text)))
		return oom();
	e->off = off;
	e->end = end;
	e->cand = who;
	e->decl = decl;
	es->n++;
	return 0;
}

static void edits_release(edits *es)
{
	size_t i;
	for (i = 0; i < es->n; i++)
		free(es->e[i].text);
	free(es->e);
	memset(es, 0, sizeof(*es));
}

static size_t line_start(const char *t, size_t off)
{
	while (off > 0 && t[off - 1] != '\n')
		off--;
	return off;
}

/* Offset just past the newline that ends the line holding off (or len). */
static size_t next_line(const char *t, size_t len, size_t off)
{
	const char *nl = off < len ? memchr(t + off, '\n', len - off) : NULL;
	return nl ? (size_t)(nl - t) + 1 : len;
}

static int blank_line(const char *t, size_t len, size_t ls)
{
	for (; ls < len && t[ls] != '\n'; ls++)
		if (t[ls] != ' ' && t[ls] != '\t' && t[ls] != '\r')
			return 0;
	return 1;
}

static int ws_only(const char *t, size_t a, size_t b)
{
	for (; a < b; a++)
		if (t[a] != ' ' && t[a] != '\t')
			return 0;
	return 1;
}

/* Only white space or a line comment from off to the end of the line? */
static int rest_is_trivia(const char *t, size_t len, size_t off)
{
	while (off < len && (t[off] == ' ' || t[off] == '\t' || t[off] == '\r'))
		off++;
	return off >= len || t[off] == '\n' ||
	       (off + 1 < len && t[off] == '/' && t[off + 1] == '/');
}

static int spec_count(const ge_goexpr *x, uint32_t decl_first)
{
	size_t i;
	int n = 0;
	for (i = 0; i < x->nimports; i++)
		n += x->imports[i].decl_first == decl_first;
	return n;
}

/* Delete import spec k: its line, or its whole declaration when it is the only spec. */
static int remove_import(edits *es, const sfile *f, size_t k)
{
	const ge_goexpr *x = f->x;
	const ge_goimport *im = &x->imports[k];
	const char *t = f->text;
	size_t len = f->len, start, end;
	uint32_t a = im->spec_first, b = im->spec_last;
	if (!im->grouped || spec_count(x, im->decl_first) == 1) {
		a = im->decl_first;
		b = im->decl_last;
	}
	start = x->toks[a].off;
	end = ge_goexpr_end(x, b);
	if (ws_only(t, line_start(t, start), start) && rest_is_trivia(t, len, end)) {
		size_t prev;
		int prev_blank, next_blank, prev_opens, next_closes;
		start = line_start(t, start);
		end = next_line(t, len, end);
		prev = start > 0 ? line_start(t, start - 1) : start;
		prev_blank = start > 0 && blank_line(t, len, prev);
		next_blank = end < len && blank_line(t, len, end);
		prev_opens = start > 1 && t[start - 2] == '(';
		next_closes = end < len && t[end + strspn(t + end, " \t")] == ')';
		if (next_blank && (prev_blank || prev_opens))
			end = next_line(t, len, end);
		else if (prev_blank && next_closes)
			start = prev;
	} else if (b + 1 < x->ntoks && x->toks[b + 1].kind == GE_TOK_SEMI && x->toks[b + 1].len) {
		end = ge_goexpr_end(x, b + 1);
	}
	return edit_add(es, start, end, "", (size_t)-1, 0);
}

static int std_path(const char *p)
{
	size_t n = strcspn(p, "/");
	return memchr(p, '.', n) == NULL;
}

/* Insert an import of "strconv" where gofmt would keep it. */
static int add_import(edits *es, const sfile *f)
{
	const ge_goexpr *x = f->x;
	const char *t = f->text;
	size_t len = f->len, i, ins, ilen;
	const char *indent;
	ge_buf line = GE_BUF_INIT;
	int rc;
	for (i = 0; i < x->nimports && !x->imports[i].grouped; i++)
		;
	if (i < x->nimports) {
		uint32_t decl = x->imports[i].decl_first;
		size_t k, anchor = (size_t)-1, last = (size_t)-1;
		int after = 0, found = 0, group = 0, chosen = -1;
		/* Groups are runs of specs without a blank line between them; the
		 * first group with a standard-library path gets "strconv", sorted. */
		for (k = i; k < x->nimports && x->imports[k].decl_first == decl; k++) {
			if (k > i) {
				size_t p = next_line(t, len,
				                     ge_goexpr_end(x, x->imports[k - 1].spec_last));
				size_t to = line_start(t, x->toks[x->imports[k].spec_first].off);
				for (; p < to; p = next_line(t, len, p))
					if (blank_line(t, len, p)) {
						group++;
						break;
					}
			}
			if (chosen < 0 && std_path(x->imports[k].path))
				chosen = group;
			if (group != chosen)
				continue;
			found = 1;
			last = k;
			if (anchor == (size_t)-1 && strcmp(x->imports[k].path, "strconv") > 0)
				anchor = k;
		}
		if (found) {
			if (anchor == (size_t)-1) {
				anchor = last;
				after = 1;
			}
			ins = x->toks[x->imports[anchor].spec_first].off;
			if (ws_only(t, line_start(t, ins), ins)) {
				indent = ge_goexpr_indent(x, ins, &ilen);
				if ((rc = ge_buf_put(&line, indent, ilen)) < 0 ||
				    (rc = ge_buf_puts(&line, "\"strconv\"\n")) < 0)
					goto done;
				ins =
				    after
				        ? next_line(t, len,
				                    ge_goexpr_end(x, x->imports[anchor].spec_last))
				        : line_start(t, ins);
				rc = edit_add(es, ins, ins, line.ptr, (size_t)-1, 0);
				goto done;
			}
		} else {
			ins = x->toks[x->imports[i].spec_first].off;
			if (ws_only(t, line_start(t, ins), ins)) {
				indent = ge_goexpr_indent(x, ins, &ilen);
				if ((rc = ge_buf_put(&line, indent, ilen)) < 0 ||
				    (rc = ge_buf_puts(&line, "\"strconv\"\n\n")) < 0)
					goto done;
				rc = edit_add(es, line_start(t, ins), line_start(t, ins), line.ptr,
				              (size_t)-1, 0);
				goto done;
			}
		}
	}
	if (x->nimports == 1 && !x->imports[0].grouped &&
	    ws_only(t, line_start(t, x->toks[x->imports[0].decl_first].off),
	            x->toks[x->imports[0].decl_first].off) &&
	    rest_is_trivia(t, len, ge_goexpr_end(x, x->imports[0].decl_last))) {
		/* import "fmt" -> import ( "fmt" "strconv" ), as gofmt sorts it. */
		const ge_goimport *im = &x->imports[0];
		ge_buf spec = GE_BUF_INIT;
		int first = strcmp(im->path, "strconv") < 0;
		if ((rc = put_toks(&spec, x, im->spec_first, im->spec_last)) == 0)
			rc = ge_buf_printf(&line, "import (\n\t%s\n\t%s\n)",
			                   first ? spec.ptr : "\"strconv\"",
			                   first ? "\"strconv\"" : spec.ptr);
		ge_buf_release(&spec);
		if (rc == 0)
			rc = edit_add(es, x->toks[im->decl_first].off,
			              ge_goexpr_end(x, im->decl_last), line.ptr, (size_t)-1, 0);
		goto done;
	}
	if (x->nimports) {
		uint32_t last = 0;
		for (i = 0; i < x->nimports; i++)
			if (x->imports[i].decl_last > last)
				last = x->imports[i].decl_last;
		ins = next_line(t, len, ge_goexpr_end(x, last));
		if (ins > 0 && t[ins - 1] == '\n')
			ins--;
		rc = edit_add(es, ins, ins, "\nimport \"strconv\"", (size_t)-1, 0);
		goto done;
	}
	for (i = 0; i < x->nstmts; i++)
		if (x->stmts[i].kind == GE_STMT_DECL && tok_eq(x, x->stmts[i].first, "package"))
			break;
	ins = i < x->nstmts ? next_line(t, len, ge_goexpr_end(x, x->stmts[i].last)) : 0;
	if (ins > 0 && t[ins - 1] == '\n')
		ins--;
	rc = edit_add(es, ins, ins, "\n\nimport \"strconv\"", (size_t)-1, 0);
done:
	ge_buf_release(&line);
	return rc;
}

/* Is name used as a package qualifier ("name.X") in tokens [first, last]? */
static int qualifier_in(const ge_goexpr *x, const char *name, uint32_t first, uint32_t last)
{
	uint32_t i;
	for (i = first; i <= last && i < x->ntoks; i++)
		if (is_ident(x, i, name) && tok_eq(x, i + 1, ".") &&
		    !(i > 0 && tok_eq(x, i - 1, ".")))
			return 1;
	return 0;
}

static int edit_before(const edit *a, const edit *b)
{
	if (a->off != b->off)
		return a->off < b->off;
	return (a->end == a->off) && (b->end != b->off);
}

/*
 * This round's text of a file: every enabled candidate rewritten, its
 * buffer declared, strconv imported and fmt dropped when nothing else uses
 * it.  Sets the candidates' new_first/new_last/decl_line in that text.
 */
static int render_file(ge_buf *out, sctx *s, size_t fi)
{
	sfile *f = &s->files[fi];
	const ge_goexpr *x = f->x;
	edits es = {NULL, 0, 0};
	uint32_t *skip_off = NULL, *skip_end = NULL, *lt = NULL;
	size_t nskip = 0, i, j, pos = 0, nlt = 0;
	int rc = 0, fmt_any = 0;
	ge_buf t = GE_BUF_INIT;
	if (!(skip_off = calloc(s->nc + 1, sizeof(*skip_off))) ||
	    !(skip_end = calloc(s->nc + 1, sizeof(*skip_end)))) {
		rc = oom();
		goto done;
	}
	for (i = 0; i < s->nc; i++) {
		cand *c = &s->c[i];
		if (c->file != fi || !enabled(c))
			continue;
		if (c->var == V_BUF && !c->bufname[0] && (rc = pick_bufname(s, c)) < 0)
			goto done;
		ge_buf_clear(&t);
		if ((rc = expr_text(&t, s, c)) < 0 ||
		    (rc = edit_add(&es, x->toks[c->first].off, ge_goexpr_end(x, c->last), t.ptr, i,
		                   0)) < 0)
			goto done;
		if (c->var == V_BUF) {
			size_t ilen, ls = line_start(f->text, x->toks[x->stmts[c->stmt].first].off);
			const char *ind = ge_goexpr_indent(x, ls, &ilen);
			ge_buf_clear(&t);
			if ((rc = ge_buf_put(&t, ind, ilen)) < 0 ||
			    (rc = ge_buf_printf(&t, "var %s [20]byte\n", c->bufname)) < 0 ||
			    (rc = edit_add(&es, ls, ls, t.ptr, i, 1)) < 0)
				goto done;
		}
		if (is_fmt_rule(c)) {
			fmt_any = 1;
			skip_off[nskip] = x->toks[c->first].off;
			skip_end[nskip++] = ge_goexpr_end(x, c->last);
		}
	}
	if (es.n) {
		size_t fk = 0;
		int drop_fmt =
		    fmt_any && f->fmt_name && !f->keep_fmt &&
		    ge_goexpr_import_name(x, "fmt", &fk) &&
		    ge_goexpr_qualifier_uses(x, f->fmt_name, skip_off, skip_end, nskip) == 0;
		/* What a rewrite keeps (its argument, append's destination) may use fmt too. */
		for (i = 0; i < s->nc && drop_fmt; i++) {
			const cand *c = &s->c[i];
			if (c->file != fi || !enabled(c) || !is_fmt_rule(c))
				continue;
			if (qualifier_in(x, f->fmt_name, c->xf, c->xl) ||
			    (c->df != GE_GOX_NONE && qualifier_in(x, f->fmt_name, c->df, c->dl)))
				drop_fmt = 0;
		}
		if (drop_fmt && !f->sc_imported) {
			const ge_goimport *im = &x->imports[fk];
			rc =
			    edit_add(&es, x->toks[im->spec_first].off,
			             ge_goexpr_end(x, im->spec_last), "\"strconv\"", (size_t)-1, 0);
		} else {
			if (drop_fmt)
				rc = remove_import(&es, f, fk);
			if (rc == 0 && !f->sc_imported)
				rc = add_import(&es, f);
		}
		if (rc < 0)
			goto done;
	}
	/* Stable insertion sort: by offset, insertions before replacements. */
	for (i = 1; i < es.n; i++) {
		edit v = es.e[i];
		for (j = i; j > 0 && edit_before(&v, &es.e[j - 1]); j--)
			es.e[j] = es.e[j - 1];
		es.e[j] = v;
	}
	ge_buf_clear(out);
	for (i = 0; i < es.n; i++) {
		edit *e = &es.e[i];
		if (e->off < pos) {
			if (e->cand != (size_t)-1)
				reject(&s->c[e->cand], "overlaps another rewrite");
			e->cand = (size_t)-1;
			continue;
		}
		if ((rc = ge_buf_put(out, f->text + pos, e->off - pos)) < 0)
			goto done;
		e->noff = out->len;
		if ((rc = ge_buf_puts(out, e->text)) < 0)
			goto done;
		e->nend = out->len;
		pos = e->end;
	}
	if ((rc = ge_buf_put(out, f->text + pos, f->len - pos)) < 0)
		goto done;
	if ((rc = line_table(&lt, &nlt, ge_buf_cstr(out), out->len)) < 0)
		goto done;
	for (i = 0; i < es.n; i++) {
		const edit *e = &es.e[i];
		cand *c;
		if (e->cand == (size_t)-1)
			continue;
		c = &s->c[e->cand];
		if (e->decl) {
			c->decl_line = line_at(lt, nlt, e->noff);
		} else {
			size_t lastb = e->nend > e->noff ? e->nend - 1 : e->noff;
			c->new_first = line_at(lt, nlt, e->noff);
			c->new_last = line_at(lt, nlt, lastb);
			c->ncol1 = (uint32_t)(e->noff - lt[c->new_first - 1]) + 1;
			c->ncol2 = (uint32_t)(lastb - lt[c->new_last - 1]) + 1;
			c->cols_ok = 1;
		}
	}
done:
	free(lt);
	free(skip_off);
	free(skip_end);
	ge_buf_release(&t);
	edits_release(&es);
	return rc;
}

/* A line of the text before gofmt, in the text after it. */
static uint32_t map_line(const uint32_t *map, size_t n, uint32_t line)
{
	uint32_t k;
	if (!map || line == 0 || line > n)
		return line;
	if (map[line - 1])
		return map[line - 1];
	for (k = line - 1; k > 0; k--)
		if (map[k - 1])
			return map[k - 1] + (line - k);
	return line;
}

static int cand_region(const cand *c, uint32_t *l1, uint32_t *l2)
{
	*l1 = c->new_first;
	*l2 = c->new_last;
	if (c->var == V_BUF && c->decl_line && c->decl_line < *l1)
		*l1 = c->decl_line;
	return 0;
}

/*
 * Render every file with enabled candidates, bring it to gofmt's layout
 * when the original was gofmt-clean, and write the overlay.  Two gofmt runs
 * at most: -l over this round's texts (and originals not yet checked), -w
 * over those that need it.
 */
static int prepare_round(sctx *s)
{
	ge_buf *pre = NULL;
	char **prepath = NULL, **argv = NULL;
	size_t i, j, argc = 0;
	int rc = 0, status = 0;
	overlay_reset(s);
	if (!(pre = calloc(s->nfiles, sizeof(*pre))) ||
	    !(prepath = calloc(s->nfiles, sizeof(*prepath))) ||
	    !(argv = calloc(2 * s->nfiles + 4, sizeof(*argv)))) {
		rc = oom();
		goto done;
	}
	argv[argc++] = s->gofmt;
	argv[argc++] = (char *)"-l";
	for (i = 0; i < s->nfiles; i++) {
		sfile *f = &s->files[i];
		ge_buf p = GE_BUF_INIT;
		f->enabled = 0;
		for (j = 0; j < s->nc; j++)
			f->enabled += s->c[j].file == i && enabled(&s->c[j]);
		if (!f->enabled)
			continue;
		if ((rc = render_file(&pre[i], s, i)) < 0)
			goto done;
		if ((rc = ge_buf_printf(&p, "%s/pre-%ld/%zu", s->workdir, (long)getpid(), i)) < 0 ||
		    (rc = make_dirs(s, p.ptr)) < 0 ||
		    (rc = ge_buf_printf(&p, "/%s", base_name(f->rel))) < 0 ||
		    (rc = write_plain(s, p.ptr, ge_buf_cstr(&pre[i]), pre[i].len)) < 0) {
			ge_buf_release(&p);
			goto done;
		}
		prepath[i] = ge_buf_detach(&p);
		argv[argc++] = prepath[i];
		if (f->gofmt_clean < 0)
			argv[argc++] = f->abs;
	}
	if (argc > 2) {
		const char *o;
		size_t nw = 2;
		if ((rc = run_tool(s, &status, argv, s->top)) < 0)
			goto done;
		s->res->gofmt_runs++;
		o = ge_buf_cstr(&s->out);
		argv[1] = (char *)"-w";
		for (i = 0; i < s->nfiles; i++) {
			sfile *f = &s->files[i];
			size_t n;
			const char *hit;
			if (!prepath[i])
				continue;
			if (f->gofmt_clean < 0) {
				n = strlen(f->abs);
				f->gofmt_clean = 1;
				for (hit = strstr(o, f->abs); hit; hit = strstr(hit + 1, f->abs))
					if ((hit == o || hit[-1] == '\n') &&
					    (hit[n] == '\n' || !hit[n]))
						f->gofmt_clean = 0;
			}
			n = strlen(prepath[i]);
			for (hit = strstr(o, prepath[i]); hit; hit = strstr(hit + 1, prepath[i]))
				if ((hit == o || hit[-1] == '\n') && (hit[n] == '\n' || !hit[n]) &&
				    f->gofmt_clean == 1) {
					argv[nw++] = prepath[i];
					break;
				}
		}
		if (nw > 2) {
			argv[nw] = NULL;
			if ((rc = run_tool(s, &status, argv, s->top)) < 0)
				goto done;
			s->res->gofmt_runs++;
		}
	}
	for (i = 0; i < s->nfiles; i++) {
		sfile *f = &s->files[i];
		ge_buf post = GE_BUF_INIT;
		uint32_t *map = NULL;
		size_t nmap = 0;
		char *backing = NULL;
		free(f->round_text);
		f->round_text = NULL;
		f->round_len = 0;
		if (!prepath[i])
			continue;
		if ((rc = ge_file_read(&post, prepath[i])) < 0)
			goto done;
		if (post.len != pre[i].len ||
		    memcmp(ge_buf_cstr(&post), ge_buf_cstr(&pre[i]), post.len)) {
			if ((rc = ge_udiff_linemap(&map, &nmap, ge_buf_cstr(&pre[i]), pre[i].len,
			                           ge_buf_cstr(&post), post.len)) < 0) {
				ge_buf_release(&post);
				goto done;
			}
			for (j = 0; j < s->nc; j++) {
				cand *c = &s->c[j];
				if (c->file != i || !enabled(c))
					continue;
				if (c->new_first > nmap || c->new_last > nmap ||
				    !map[c->new_first - 1] || !map[c->new_last - 1])
					c->cols_ok = 0;
				c->new_first = map_line(map, nmap, c->new_first);
				c->new_last = map_line(map, nmap, c->new_last);
				if (c->decl_line)
					c->decl_line = map_line(map, nmap, c->decl_line);
			}
			free(map);
		}
		f->round_len = post.len;
		f->round_text = ge_buf_detach(&post);
		if (!f->round_text && !(f->round_text = ge_strdup(""))) {
			rc = oom();
			goto done;
		}
		free(f->backing);
		f->backing = NULL;
		if ((rc = write_backing(&backing, s, f->abs, f->round_text, f->round_len)) < 0)
			goto done;
		f->backing = backing;
		if ((rc = overlay_add(s, f->abs, backing)) < 0)
			goto done;
	}
	if (s->nov)
		rc = overlay_write(s);
done:
	for (i = 0; pre && i < s->nfiles; i++)
		ge_buf_release(&pre[i]);
	for (i = 0; prepath && i < s->nfiles; i++)
		free(prepath[i]);
	free(pre);
	free(prepath);
	free(argv);
	return rc;
}

/* ---- verification ------------------------------------------------------------ */

static void out_line(const char *line, size_t len, void *ud)
{
	sctx *s = ud;
	if (s->out.len + len + 1 > MAX_OUTPUT)
		return;
	if (ge_buf_put(&s->out, line, len) == 0)
		(void)ge_buf_putc(&s->out, '\n');
}

/* One -m build of the user's packages under the current overlay. */
static int verify_build(sctx *s, ge_report **rep, int *status)
{
	ge_capture_opts co = s->o->build;
	int rc;
	co.on_output = out_line;
	co.ud = s;
	co.verbose = 0;
	co.ov_real = s->ov_real;
	co.ov_backing = s->ov_backing;
	co.nov = s->nov;
	ge_buf_clear(&s->out);
	rc = ge_capture_packages(rep, status, &co, s->o->pkgs, s->o->npkgs,
	                         s->nov ? s->ovfile : NULL);
	s->res->go_runs++;
	return rc; /* GE_EINTERRUPTED from lib/run when a signal ended the run */
}

/* Split the enabled candidates of a scope in two: the second half waits. */
static void split_scope(sctx *s, const char *file_pkg, int by_pkg, const char *why)
{
	size_t i, n = 0, half, k = 0;
	for (i = 0; i < s->nc; i++) {
		const cand *c = &s->c[i];
		const sfile *f = &s->files[c->file];
		n += c->state == C_TRIAL && strcmp(by_pkg ? f->pkg : f->rel, file_pkg) == 0;
	}
	if (!n)
		for (i = 0; i < s->nc; i++) {
			cand *c = &s->c[i];
			const sfile *f = &s->files[c->file];
			if (c->state == C_ACCEPTED &&
			    strcmp(by_pkg ? f->pkg : f->rel, file_pkg) == 0) {
				c->state = C_TRIAL;
				n++;
			}
		}
	if (!n)
		return;
	half = (n + 1) / 2;
	s->group_seq++;
	for (i = 0; i < s->nc; i++) {
		cand *c = &s->c[i];
		const sfile *f = &s->files[c->file];
		if (c->state != C_TRIAL || strcmp(by_pkg ? f->pkg : f->rel, file_pkg) != 0)
			continue;
		if (n == 1 && c->var == V_BUF && !by_pkg)
			c->var = V_NIL; /* its declaration may be what broke: try without */
		else if (n == 1)
			reject(c, "%s", why);
		else if (k++ >= half) {
			c->state = C_PENDING;
			c->group = s->group_seq;
		}
	}
}

/* After a good round: tried becomes accepted, and each file's latest waiting group is tried. */
static int promote(sctx *s)
{
	size_t i, fi;
	int any = 0;
	for (i = 0; i < s->nc; i++)
		if (s->c[i].state == C_TRIAL)
			s->c[i].state = C_ACCEPTED;
	for (fi = 0; fi < s->nfiles; fi++) {
		unsigned g = 0;
		for (i = 0; i < s->nc; i++)
			if (s->c[i].file == fi && s->c[i].state == C_PENDING && !s->c[i].tpend &&
			    s->c[i].group > g)
				g = s->c[i].group;
		if (!g)
			continue;
		for (i = 0; i < s->nc; i++)
			if (s->c[i].state == C_PENDING && s->c[i].group == g) {
				s->c[i].state = C_TRIAL;
				any = 1;
			}
	}
	return any;
}

/* The compile errors of a failed round: drop what they point at, split the rest. */
static int handle_failure(sctx *s)
{
	cerrs errs;
	size_t i, j, k;
	unsigned char *placed = NULL, *split = NULL;
	int rc, acted = 0;
	char line[200];
	if ((rc = parse_errors(s, &errs, ge_buf_cstr(&s->out), s->out.len)) < 0)
		return rc;
	if (!(placed = calloc(errs.n + 1, 1)) || !(split = calloc(s->nfiles + 1, 1))) {
		rc = oom();
		goto done;
	}
	for (i = 0; i < errs.n; i++) {
		const cerr *e = &errs.e[i];
		if (e->file == (size_t)-1 || !s->files[e->file].enabled)
			continue;
		for (j = 0; j < s->nc; j++) {
			cand *c = &s->c[j];
			uint32_t l1, l2;
			if (c->file != e->file || !enabled(c))
				continue;
			cand_region(c, &l1, &l2);
			if (e->line >= l1 && e->line <= l2)
				placed[i] = 1;
		}
	}
	for (i = 0; i < errs.n; i++) {
		const cerr *e = &errs.e[i];
		if (!placed[i])
			continue;
		for (j = 0; j < s->nc; j++) {
			cand *c = &s->c[j];
			uint32_t l1, l2;
			if (c->file != e->file || !enabled(c))
				continue;
			cand_region(c, &l1, &l2);
			if (e->line >= l1 && e->line <= l2) {
				reject(c, "does not compile: %s", e->msg);
				acted = 1;
			}
		}
	}
	/* Not on a rewritten line: an import, or something a rewrite broke
	 * elsewhere.  Bisect the file, or the package when the file has none;
	 * each once per round. */
	for (i = 0; i < errs.n; i++) {
		const cerr *e = &errs.e[i];
		const sfile *f = e->file != (size_t)-1 ? &s->files[e->file] : NULL;
		const char *pkg = f ? f->pkg : e->pkg;
		int ours = 0;
		if (placed[i])
			continue;
		for (k = 0; k < s->nfiles; k++)
			ours |= s->files[k].enabled && strcmp(s->files[k].pkg, pkg) == 0;
		if (!ours)
			continue; /* a package that failed because one it imports did */
		if (strstr(e->msg, "strconv")) {
			/* The import goescape added clashes with something: every
			 * rewrite of the files that needed it goes. */
			int hit = 0;
			for (j = 0; j < s->nc; j++) {
				cand *c = &s->c[j];
				const sfile *cf = &s->files[c->file];
				if ((!enabled(c) && c->state != C_PENDING) || cf->sc_imported ||
				    strcmp(cf->pkg, pkg) != 0 || (f && f->enabled && cf != f))
					continue;
				reject(c, "package strconv cannot be imported here: %s", e->msg);
				hit = acted = 1;
			}
			if (hit)
				continue;
		}
		if (f && f->enabled && !f->keep_fmt && f->fmt_name && strstr(e->msg, f->fmt_name) &&
		    (strstr(e->msg, "not used") || strstr(e->msg, "undefined"))) {
			s->files[e->file].keep_fmt = 1;
			acted = 1;
			continue;
		}
		if (f && f->enabled) {
			ge_buf why = GE_BUF_INIT;
			if (split[e->file])
				continue;
			split[e->file] = 1;
			if (ge_buf_printf(&why, "does not compile: %s:%u: %s", base_name(f->rel),
			                  e->line, e->msg) < 0) {
				rc = oom();
				goto done;
			}
			split_scope(s, f->rel, 0, why.ptr);
			ge_buf_release(&why);
		} else {
			int seen = 0;
			for (k = 0; k < s->nfiles; k++)
				if (strcmp(s->files[k].pkg, pkg) == 0 && split[k])
					seen = 1;
			if (seen)
				continue;
			for (k = 0; k < s->nfiles; k++)
				if (strcmp(s->files[k].pkg, pkg) == 0)
					split[k] = 1;
			split_scope(s, pkg, 1, "does not compile with the rest of its package");
		}
		acted = 1;
	}
	if (!acted) {
		/* go failed without naming a file of ours: nothing can be verified. */
		first_line(s, line, sizeof(line));
		for (i = 0; i < s->nc; i++)
			if (enabled(&s->c[i]) || s->c[i].state == C_PENDING)
				reject(&s->c[i], "go build with the rewrite failed: %s", line);
	}
done:
	free(placed);
	free(split);
	cerrs_release(&errs);
	return rc;
}

static size_t select_diags(const ge_diag **out, const ge_report *r, const char *file, uint32_t l1,
                           uint32_t l2, const char *fn)
{
	size_t i, n = 0;
	for (i = 0; i < r->ndiags; i++) {
		const ge_diag *d = &r->diags[i];
		if (!ge_kind_is_heap(d->kind) || strcmp(d->file, file) != 0 || d->line < l1 ||
		    d->line > l2 || (fn && strcmp(d->function, fn) != 0))
			continue;
		out[n++] = d;
	}
	return n;
}

typedef struct unit {
	size_t file;
	uint32_t o1, o2, n1, n2;
	int skip;
} unit;

/*
 * The diagnostics of after with no partner in before.  A partner has the
 * same kind and subject; failing that, the same kind on the rewritten
 * lines of one unit (units[0..nu), or any when units is NULL): an
 * allocation whose subject quotes the rewritten expression, such as
 * "fmt.Sprintf(...) + s escapes to heap", is the same allocation after it.
 */
static size_t extras(const ge_diag **xs, const ge_diag **after, size_t na, const ge_diag **before,
                     size_t nb, unsigned char *used, const unit *units, size_t nu)
{
	size_t i, j, k, nx = 0;
	unsigned char *left = used + nb;
	memset(used, 0, nb + na);
	for (i = 0; i < na; i++) {
		for (j = 0; j < nb; j++)
			if (!used[j] && before[j]->kind == after[i]->kind &&
			    strcmp(before[j]->subject, after[i]->subject) == 0)
				break;
		if (j < nb)
			used[j] = 1;
		else
			left[i] = 1;
	}
	for (i = 0; i < na; i++) {
		if (!left[i])
			continue;
		for (j = 0; j < nb; j++) {
			int near = !units;
			if (used[j] || before[j]->kind != after[i]->kind)
				continue;
			for (k = 0; k < nu && !near; k++)
				near = !units[k].skip && after[i]->line >= units[k].n1 &&
				       after[i]->line <= units[k].n2 &&
				       before[j]->line >= units[k].o1 &&
				       before[j]->line <= units[k].o2;
			if (near)
				break;
		}
		if (j < nb)
			used[j] = 1;
		else
			xs[nx++] = after[i];
	}
	return nx;
}

/*
 * Judge a good round: buffers the compiler moved to the heap become nil;
 * a group of rewrites on the same lines must leave fewer heap diagnostics
 * there and none new; their functions must gain none.  Returns whether
 * anything changed.
 */
static int evaluate(sctx *s, const ge_report *rep, int *changed)
{
	const ge_diag **A = NULL, **B = NULL, **X = NULL, **FB = NULL;
	unsigned char *used = NULL;
	unit *u = NULL;
	size_t nu = 0, i, j, k,
	       cap = (rep->ndiags > s->base->ndiags ? rep->ndiags : s->base->ndiags) + 1;
	int rc = 0;
	*changed = 0;
	if (!(A = calloc(cap, sizeof(*A))) || !(B = calloc(cap, sizeof(*B))) ||
	    !(X = calloc(cap, sizeof(*X))) || !(FB = calloc(cap, sizeof(*FB))) ||
	    !(used = calloc(2 * cap, 1)) || !(u = calloc(s->nc + 1, sizeof(*u)))) {
		rc = oom();
		goto done;
	}
	/* Units: enabled candidates of a file sharing a statement or lines. */
	for (i = 0; i < s->nc; i++) {
		cand *c = &s->c[i];
		uint32_t l1, l2;
		if (!enabled(c))
			continue;
		cand_region(c, &l1, &l2);
		for (k = 0; k < nu; k++)
			if (u[k].file == c->file && c->old_first <= u[k].o2 &&
			    c->old_last >= u[k].o1)
				break;
		for (j = 0; j < i && k == nu; j++)
			if (enabled(&s->c[j]) && s->c[j].file == c->file && s->c[j].stmt == c->stmt)
				k = s->c[j].unit;
		if (k == nu) {
			u[nu].file = c->file;
			u[nu].o1 = c->old_first;
			u[nu].o2 = c->old_last;
			u[nu].n1 = l1;
			u[nu].n2 = l2;
			nu++;
		} else {
			if (c->old_first < u[k].o1)
				u[k].o1 = c->old_first;
			if (c->old_last > u[k].o2)
				u[k].o2 = c->old_last;
			if (l1 < u[k].n1)
				u[k].n1 = l1;
			if (l2 > u[k].n2)
				u[k].n2 = l2;
		}
		c->unit = k;
	}
	/* Buffers the compiler put on the heap. */
	for (i = 0; i < s->nc; i++) {
		cand *c = &s->c[i];
		if (!enabled(c) || c->var != V_BUF)
			continue;
		for (j = 0; j < rep->ndiags; j++) {
			const ge_diag *d = &rep->diags[j];
			if (d->kind == GE_KIND_MOVED && d->line == c->decl_line &&
			    strcmp(d->subject, c->bufname) == 0 &&
			    strcmp(d->file, s->files[c->file].rel) == 0) {
				c->var = V_NIL;
				c->decl_line = 0;
				u[c->unit].skip = 1;
				*changed = 1;
				break;
			}
		}
	}
	for (k = 0; k < nu; k++) {
		const char *file = s->files[u[k].file].rel;
		size_t nb, na, nx;
		if (u[k].skip)
			continue;
		nb = select_diags(B, s->base, file, u[k].o1, u[k].o2, NULL);
		na = select_diags(A, rep, file, u[k].n1, u[k].n2, NULL);
		nx = extras(X, A, na, B, nb, used, NULL, 0);
		for (i = 0; i < s->nc; i++) {
			cand *c = &s->c[i];
			if (!enabled(c) || c->unit != k)
				continue;
			if (nx)
				reject(c, "adds a heap diagnostic: %s", X[0]->message);
			else if (na >= nb)
				reject(c, "leaves %zu heap diagnostic%s on its lines (%zu before)",
				       na, na == 1 ? "" : "s", nb);
		}
		if (nx || na >= nb) {
			u[k].skip = 1;
			*changed = 1;
		}
	}
	/* Functions: nothing new anywhere in a function holding a rewrite. */
	for (k = 0; k < nu; k++) {
		const char *file = s->files[u[k].file].rel;
		size_t nb = select_diags(B, s->base, file, u[k].o1, u[k].o2, NULL), f;
		for (f = 0; f < nb && !u[k].skip; f++) {
			const char *fn = B[f]->function;
			size_t nfb, nfa, nx, e, g;
			int seen = 0;
			for (g = 0; g < f; g++)
				seen |= strcmp(B[g]->function, fn) == 0;
			if (seen)
				continue;
			nfb = select_diags(FB, s->base, file, 0, UINT32_MAX, fn);
			nfa = select_diags(A, rep, file, 0, UINT32_MAX, fn);
			for (g = 0; g < nu; g++)
				if (u[g].file != u[k].file)
					u[g].skip |= 2;
			nx = extras(X, A, nfa, FB, nfb, used, u, nu);
			for (g = 0; g < nu; g++)
				u[g].skip &= ~2;
			for (e = 0; e < nx; e++) {
				size_t owner = nu;
				for (j = 0; j < nu; j++)
					if (!u[j].skip && u[j].file == u[k].file &&
					    X[e]->line >= u[j].n1 && X[e]->line <= u[j].n2)
						owner = j;
				if (owner == nu)
					owner = k;
				for (i = 0; i < s->nc; i++) {
					cand *c = &s->c[i];
					if (enabled(c) && c->unit == owner)
						reject(c, "adds a heap diagnostic to %s: %s",
						       fn[0] ? fn : "package level", X[e]->message);
				}
				u[owner].skip = 1;
				*changed = 1;
			}
		}
	}
done:
	free(A);
	free(B);
	free(X);
	free(FB);
	free(used);
	free(u);
	return rc;
}

/* ---- tests ------------------------------------------------------------------- */

/* Did go test's output say pkg passed ("ok" or "?" with no test files)? */
static int test_passed(const char *out, const char *pkg)
{
	const char *p = out;
	size_t n = strlen(pkg);
	int ok = 0;
	while (*p) {
		const char *le = p + strcspn(p, "\n"), *q = p;
		int okline = strncmp(p, "ok", 2) == 0 || p[0] == '?',
		    fail = strncmp(p, "FAIL", 4) == 0;
		if (okline || fail) {
			while (q < le && *q != ' ' && *q != '\t')
				q++;
			while (q < le && (*q == ' ' || *q == '\t'))
				q++;
			if ((size_t)(le - q) >= n && strncmp(q, pkg, n) == 0 &&
			    (q + n == le || q[n] == '\t' || q[n] == ' ')) {
				if (fail)
					return 0;
				ok = 1;
			}
		}
		p = *le ? le + 1 : le;
	}
	return ok;
}

static uint64_t text_hash(const sfile *f)
{
	return ge_hash_bytes(GE_HASH_SEED, f->round_text ? f->round_text : "", f->round_len) | 1;
}

/* Whether pkg's tests pass without rewrites: 1, -1, or 0 unknown. */
static int base_known(const sctx *s, const char *pkg)
{
	size_t i;
	for (i = 0; i < s->nfiles; i++)
		if (strcmp(s->files[i].pkg, pkg) == 0 && s->files[i].base_tests)
			return s->files[i].base_tests;
	return 0;
}

static int in_pkg(const sctx *s, const cand *c, const char *pkg)
{
	return strcmp(s->files[c->file].pkg, pkg) == 0;
}

/*
 * The tests of pkg failed with its enabled rewrites: the ones not yet
 * tested are split, the second half waiting for the first to pass; a
 * single one is dropped.  When all were tested before, their combination
 * failed: all are tried again, in halves.
 */
static void test_split(sctx *s, const char *pkg)
{
	size_t i, n = 0, k = 0, half;
	for (i = 0; i < s->nc; i++)
		n += enabled(&s->c[i]) && !s->c[i].tested && in_pkg(s, &s->c[i], pkg);
	if (!n)
		for (i = 0; i < s->nc; i++)
			if (enabled(&s->c[i]) && in_pkg(s, &s->c[i], pkg)) {
				s->c[i].tested = 0;
				n++;
			}
	half = (n + 1) / 2;
	s->group_seq++;
	for (i = 0; i < s->nc; i++) {
		cand *c = &s->c[i];
		if (!enabled(c) || c->tested || !in_pkg(s, c, pkg))
			continue;
		if (n == 1) {
			reject(c, "the package's tests fail with it");
		} else if (k++ >= half) {
			c->state = C_PENDING;
			c->tpend = 1;
			c->group = s->group_seq;
		}
	}
}

/* The tests of pkg passed: what ran is tested; the latest waiting group runs next. */
static int test_passed_pkg(sctx *s, const char *pkg)
{
	size_t i;
	unsigned g = 0;
	for (i = 0; i < s->nc; i++) {
		cand *c = &s->c[i];
		if (!in_pkg(s, c, pkg))
			continue;
		if (enabled(c))
			c->tested = 1;
		else if (c->state == C_PENDING && c->tpend && c->group > g)
			g = c->group;
	}
	if (!g)
		return 0;
	for (i = 0; i < s->nc; i++)
		if (s->c[i].state == C_PENDING && s->c[i].tpend && s->c[i].group == g) {
			s->c[i].state = C_TRIAL;
			s->c[i].tpend = 0;
		}
	return 1;
}

/* Run go test for pkgs with or without the overlay. */
static int go_test(sctx *s, char **pkgs, size_t n, int overlay)
{
	char **argv = calloc(n + 6, sizeof(*argv));
	size_t argc = 0, i;
	int rc, status = 0;
	if (!argv)
		return oom();
	argv[argc++] = (char *)s->o->build.go;
	argv[argc++] = (char *)"test";
	if (overlay) {
		argv[argc++] = (char *)"-overlay";
		argv[argc++] = s->ovfile;
	}
	for (i = 0; i < n; i++)
		argv[argc++] = pkgs[i];
	rc = run_tool(s, &status, argv, s->top);
	s->res->go_runs++;
	free(argv);
	return rc;
}

/*
 * The packages whose rewritten files have not passed their tests yet run
 * them under the overlay.  A failing package is tested once more without
 * it: failing there too, nothing of it can be verified; passing, its
 * rewrites are bisected.
 */
static int run_tests(sctx *s, int *changed)
{
	char **pkgs = NULL, **bad = NULL, **unknown = NULL;
	size_t np = 0, nbad = 0, i, j, k;
	int rc = 0;
	*changed = 0;
	if (!(pkgs = calloc(s->nfiles + 1, sizeof(*pkgs))) ||
	    !(bad = calloc(s->nfiles + 1, sizeof(*bad))) ||
	    !(unknown = calloc(s->nfiles + 1, sizeof(*unknown)))) {
		rc = oom();
		goto done;
	}
	/* A package whose tried rewrites all went: its waiting ones are next. */
	for (i = 0; i < s->nc; i++) {
		const cand *c = &s->c[i];
		int live = 0;
		if (c->state != C_PENDING || !c->tpend)
			continue;
		for (j = 0; j < s->nc; j++)
			live |= enabled(&s->c[j]) && in_pkg(s, &s->c[j], s->files[c->file].pkg);
		if (!live && test_passed_pkg(s, s->files[c->file].pkg))
			*changed = 1;
	}
	if (*changed)
		goto done;
	for (i = 0; i < s->nfiles; i++) {
		sfile *f = &s->files[i];
		int dup = 0;
		if (!f->enabled || f->tested_hash == text_hash(f))
			continue;
		for (j = 0; j < np; j++)
			dup |= strcmp(pkgs[j], f->pkg) == 0;
		if (!dup)
			pkgs[np++] = f->pkg;
	}
	if (!np)
		goto done;
	if ((rc = go_test(s, pkgs, np, 1)) < 0)
		goto done;
	for (j = 0; j < np; j++) {
		if (test_passed(ge_buf_cstr(&s->out), pkgs[j])) {
			for (i = 0; i < s->nfiles; i++)
				if (s->files[i].enabled && strcmp(s->files[i].pkg, pkgs[j]) == 0)
					s->files[i].tested_hash = text_hash(&s->files[i]);
			*changed |= test_passed_pkg(s, pkgs[j]);
			continue;
		}
		bad[nbad++] = pkgs[j];
	}
	if (!nbad)
		goto done;
	*changed = 1;
	/* Each failing package once without the rewrites, unless known to pass. */
	for (j = 0, k = 0; j < nbad; j++)
		if (!base_known(s, bad[j]))
			unknown[k++] = bad[j];
	if (k && (rc = go_test(s, unknown, k, 0)) < 0)
		goto done;
	for (j = 0; j < k; j++)
		for (i = 0; i < s->nfiles; i++)
			if (strcmp(s->files[i].pkg, unknown[j]) == 0)
				s->files[i].base_tests =
				    test_passed(ge_buf_cstr(&s->out), unknown[j]) ? 1 : -1;
	for (j = 0; j < nbad; j++) {
		if (base_known(s, bad[j]) < 0) {
			for (i = 0; i < s->nc; i++)
				if ((enabled(&s->c[i]) || s->c[i].state == C_PENDING) &&
				    in_pkg(s, &s->c[i], bad[j]))
					reject(&s->c[i],
					       "the tests of %s fail without the rewrite too",
					       bad[j]);
			continue;
		}
		test_split(s, bad[j]);
	}
done:
	free(pkgs);
	free(bad);
	free(unknown);
	return rc;
}

/* ---- the run ------------------------------------------------------------------- */

static int find_gofmt(char **out, const char *go)
{
	char real[PATH_MAX], *slash;
	const char *path = getenv("PATH");
	*out = NULL;
	if (go && realpath(go, real) && (slash = strrchr(real, '/'))) {
		ge_buf b = GE_BUF_INIT;
		*slash = '\0';
		if (ge_buf_printf(&b, "%s/gofmt", real) < 0)
			return oom();
		if (access(b.ptr, X_OK) == 0) {
			*out = ge_buf_detach(&b);
			return 0;
		}
		ge_buf_release(&b);
	}
	while (path && *path) {
		size_t n = strcspn(path, ":");
		ge_buf b = GE_BUF_INIT;
		if (n && ge_buf_printf(&b, "%.*s/gofmt", (int)n, path) == 0 &&
		    access(b.ptr, X_OK) == 0) {
			*out = ge_buf_detach(&b);
			return 0;
		}
		ge_buf_release(&b);
		path += n + (path[n] == ':');
	}
	return ge_error_set(GE_ENOTFOUND, "cannot find gofmt next to '%s' or on PATH",
	                    go ? go : "go");
}

static int setup_workdir(sctx *s)
{
	ge_buf b = GE_BUF_INIT;
	int rc;
	if (s->o->workdir) {
		if ((rc = make_dirs(s, s->o->workdir)) < 0)
			return rc;
		if (!(s->workdir = ge_strdup(s->o->workdir)))
			return oom();
	} else {
		const char *tmp = getenv("TMPDIR");
		if ((rc = ge_buf_printf(&b, "%s/goescape-suggest-XXXXXX",
		                        tmp && *tmp ? tmp : "/tmp")) < 0)
			return rc;
		if (!mkdtemp(b.ptr)) {
			rc = ge_error_errno(GE_ERROR, "cannot create a directory like '%s'", b.ptr);
			ge_buf_release(&b);
			return rc;
		}
		s->workdir = ge_buf_detach(&b);
		s->own_workdir = 1;
	}
	if ((rc = ge_buf_printf(&b, "%s/overlay-%ld.json", s->workdir, (long)getpid())) < 0)
		return rc;
	s->ovfile = ge_buf_detach(&b);
	return 0;
}

static void cleanup(sctx *s)
{
	size_t i;
	for (i = s->nmade; i > 0; i--)
		if (unlink(s->made[i - 1]) < 0)
			(void)rmdir(s->made[i - 1]);
	if (s->own_workdir && s->workdir)
		(void)rmdir(s->workdir);
	for (i = 0; i < s->nmade; i++)
		free(s->made[i]);
	free(s->made);
	overlay_reset(s);
	for (i = 0; i < s->nfiles; i++)
		sfile_release(&s->files[i]);
	free(s->files);
	for (i = 0; i < s->nc; i++)
		free(s->c[i].reason);
	free(s->c);
	ge_report_free(s->base);
	ge_report_free(s->cur);
	free(s->workdir);
	free(s->ovfile);
	free(s->gofmt);
	ge_buf_release(&s->out);
}

/* Is d on c's expression: in the original (side 0) or in this round's text (side 1)? */
static int on_expr(const sctx *s, const cand *c, const ge_diag *d, int side)
{
	const sfile *f = &s->files[c->file];
	if (!ge_kind_is_heap(d->kind) || strcmp(d->file, f->rel) != 0)
		return 0;
	if (side == 0) {
		size_t off = ge_goexpr_offset(f->x, d->line, d->column);
		return off >= f->x->toks[c->first].off && off < ge_goexpr_end(f->x, c->last);
	}
	if (c->var == V_BUF && d->line == c->decl_line)
		return strcmp(d->subject, c->bufname) == 0;
	if (d->line < c->new_first || d->line > c->new_last)
		return 0;
	if (!c->cols_ok)
		return 1;
	return !((d->line == c->new_first && d->column < c->ncol1) ||
	         (d->line == c->new_last && d->column > c->ncol2));
}

static int diag_lines(char ***out, size_t *n, const sctx *s, const cand *c, const ge_report *r,
                      int side)
{
	size_t i;
	*out = NULL;
	*n = 0;
	if (!r)
		return 0;
	for (i = 0; i < r->ndiags; i++) {
		const ge_diag *d = &r->diags[i];
		ge_buf b = GE_BUF_INIT;
		char **nv;
		if (!on_expr(s, c, d, side))
			continue;
		if (!(nv = realloc(*out, (*n + 1) * sizeof(*nv))))
			return oom();
		*out = nv;
		if (ge_buf_printf(&b, "%u:%u: %s", d->line, d->column, d->message) < 0)
			return oom();
		nv[(*n)++] = ge_buf_detach(&b);
	}
	return 0;
}

static int assemble(sctx *s)
{
	ge_suggest_result *r = s->res;
	size_t i, n = 0;
	int rc = 0;
	for (i = 0; i < s->nc; i++)
		n += enabled(&s->c[i]);
	if (n && !(r->items = calloc(n, sizeof(*r->items))))
		return oom();
	if (s->nc && !(r->skipped = calloc(s->nc, sizeof(*r->skipped))))
		return oom();
	if (s->nfiles && !(r->files = calloc(s->nfiles, sizeof(*r->files))))
		return oom();
	for (i = 0; i < s->nc && rc == 0; i++) {
		cand *c = &s->c[i];
		sfile *f = &s->files[c->file];
		const ge_gotok *t = &f->x->toks[c->first];
		if (c->state == C_REJECTED) {
			ge_suggest_skip *k = &r->skipped[r->nskipped++];
			k->rule = rule_names[c->rule];
			k->line = t->line;
			k->column = t->col;
			if (!(k->file = ge_strdup(f->rel)) ||
			    !(k->reason = ge_strdup(c->reason ? c->reason : "rejected")))
				rc = oom();
		} else if (enabled(c)) {
			ge_suggestion *g = &r->items[r->nitems++];
			ge_buf b = GE_BUF_INIT;
			g->rule = rule_names[c->rule];
			g->line = t->line;
			g->column = t->col;
			if (!(g->package = ge_strdup(f->pkg)) || !(g->file = ge_strdup(f->rel)) ||
			    !(g->function = ge_strdup(ge_gofile_func_at(f->gf, t->line, t->col))) ||
			    !(g->before = dup_toks(f->x, c->first, c->last))) {
				rc = oom();
				break;
			}
			if ((rc = expr_text(&b, s, c)) < 0)
				break;
			g->after = ge_buf_detach(&b);
			if (c->var == V_BUF) {
				if ((rc = ge_buf_printf(&b, "var %s [20]byte", c->bufname)) < 0)
					break;
				g->decl = ge_buf_detach(&b);
			}
			if ((rc = diag_lines(&g->heap_before, &g->nheap_before, s, c, s->base, 0)) <
			        0 ||
			    (rc = diag_lines(&g->heap_after, &g->nheap_after, s, c, s->cur, 1)) < 0)
				break;
		}
	}
	for (i = 0; i < s->nfiles && rc == 0; i++) {
		sfile *f = &s->files[i];
		ge_suggest_file *o;
		size_t j;
		int any = 0;
		for (j = 0; j < s->nc; j++)
			any |= s->c[j].file == i && enabled(&s->c[j]);
		if (!any || !f->round_text)
			continue;
		o = &r->files[r->nfiles++];
		o->old_len = f->len;
		o->new_len = f->round_len;
		if (!(o->path = ge_strdup(f->rel)) || !(o->abs = ge_strdup(f->abs)) ||
		    !(o->old_text = ge_strndup(f->text, f->len)) ||
		    !(o->new_text = ge_strndup(f->round_text, f->round_len)))
			rc = oom();
	}
	return rc;
}

int ge_suggest_run(ge_suggest_result **out, const ge_suggest_opts *o)
{
	sctx s;
	ge_summary sum;
	size_t i, j;
	unsigned max_rounds;
	int rc, status = 0, done = 0;
	assert(out && o);
	assert(o->build.go && o->build.mods);
	max_rounds = o->max_rounds ? o->max_rounds : DEFAULT_MAX_ROUNDS;
	*out = NULL;
	memset(&s, 0, sizeof(s));
	s.o = o;
	s.mods = o->build.mods;
	s.top = s.mods->top ? s.mods->top : (s.mods->n ? s.mods->mods[0].root : o->build.cwd);
	if (!(s.res = calloc(1, sizeof(*s.res))))
		return oom();

	/* The base: the user's packages as they are. */
	rc = ge_capture_packages(&s.base, &status, &o->build, o->pkgs, o->npkgs, NULL);
	s.res->go_runs++;
	if (rc < 0)
		goto done;
	if (!exited_ok(status)) {
		rc = ge_error_set(GE_EBUILD, "go build failed (exit status %d)",
		                  WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		goto done;
	}
	ge_report_summary(s.base, &sum);
	s.res->heap_before = s.res->heap_after = sum.heap;
	if ((s.base->module && !(s.res->module = ge_strdup(s.base->module))) ||
	    (s.base->go_version && !(s.res->go_version = ge_strdup(s.base->go_version)))) {
		rc = oom();
		goto done;
	}

	/* Candidates, and what the scanner alone rules out. */
	if ((rc = load_files(&s, s.base)) < 0)
		goto done;
	for (i = 0; i < s.nfiles; i++)
		if ((rc = find_in_file(&s, i)) < 0)
			goto done;
	s.res->candidates = s.nc;
	for (i = 0; i < s.nc; i++) {
		int seen = 0;
		prefilter(&s, &s.c[i]);
		for (j = 0; j < i; j++)
			seen |= strcmp(s.files[s.c[j].file].pkg, s.files[s.c[i].file].pkg) == 0;
		s.res->packages += !seen;
	}
	for (i = 0; i < s.nc && !enabled(&s.c[i]); i++)
		;
	if (i < s.nc) {
		if ((rc = setup_workdir(&s)) < 0 ||
		    (rc = o->gofmt ? ((s.gofmt = ge_strdup(o->gofmt)) ? 0 : oom())
		                   : find_gofmt(&s.gofmt, o->build.go)) < 0 ||
		    (rc = probe_all(&s)) < 0)
			goto done;
	}

	/* Verify, all packages in each go run, until a round changes nothing. */
	while (!done) {
		ge_report *rep = NULL;
		int changed = 0, promoted, any = 0;
		for (i = 0; i < s.nc; i++)
			any |= enabled(&s.c[i]) || s.c[i].state == C_PENDING;
		if (!any)
			break;
		if (s.res->rounds >= max_rounds) {
			for (i = 0; i < s.nc; i++)
				if (enabled(&s.c[i]) || s.c[i].state == C_PENDING)
					reject(&s.c[i], "not verified within %u rounds",
					       max_rounds);
			break;
		}
		s.res->rounds++;
		if (o->on_progress) {
			ge_buf line = GE_BUF_INIT;
			size_t nv = 0;
			for (i = 0; i < s.nc; i++)
				nv += enabled(&s.c[i]) || s.c[i].state == C_PENDING;
			if (ge_buf_printf(&line,
			                  "goescape: suggest: round %u: verifying %zu rewrite%s "
			                  "with go build",
			                  s.res->rounds, nv, nv == 1 ? "" : "s") == 0)
				o->on_progress(line.ptr, line.len, o->progress_ud);
			ge_buf_release(&line);
		}
		if ((rc = prepare_round(&s)) < 0 || (rc = verify_build(&s, &rep, &status)) < 0) {
			ge_report_free(rep);
			goto done;
		}
		if (!exited_ok(status)) {
			ge_report_free(rep);
			if ((rc = handle_failure(&s)) < 0)
				goto done;
			continue;
		}
		if ((rc = evaluate(&s, rep, &changed)) < 0) {
			ge_report_free(rep);
			goto done;
		}
		promoted = promote(&s);
		if (!changed && !promoted && o->run_tests && (rc = run_tests(&s, &changed)) < 0) {
			ge_report_free(rep);
			goto done;
		}
		if (changed || promoted) {
			ge_report_free(rep);
			continue;
		}
		ge_report_free(s.cur);
		s.cur = rep;
		s.res->tested = o->run_tests;
		done = 1;
	}
	if (s.cur) {
		ge_report_summary(s.cur, &sum);
		s.res->heap_after = sum.heap;
	}
	rc = assemble(&s);
done:
	cleanup(&s);
	if (rc < 0) {
		ge_suggest_result_free(s.res);
		return rc;
	}
	*out = s.res;
	return 0;
}

void ge_suggest_result_free(ge_suggest_result *r)
{
	size_t i, j;
	if (!r)
		return;
	for (i = 0; i < r->nitems; i++) {
		ge_suggestion *g = &r->items[i];
		free(g->package);
		free(g->file);
		free(g->function);
		free(g->before);
		free(g->after);
		free(g->decl);
		for (j = 0; j < g->nheap_before; j++)
			free(g->heap_before[j]);
		for (j = 0; j < g->nheap_after; j++)
			free(g->heap_after[j]);
		free(g->heap_before);
		free(g->heap_after);
	}
	for (i = 0; i < r->nskipped; i++) {
		free(r->skipped[i].file);
		free(r->skipped[i].reason);
	}
	for (i = 0; i < r->nfiles; i++) {
		free(r->files[i].path);
		free(r->files[i].abs);
		free(r->files[i].old_text);
		free(r->files[i].new_text);
	}
	free(r->items);
	free(r->skipped);
	free(r->files);
	free(r->module);
	free(r->go_version);
	free(r);
}

/* ---- output -------------------------------------------------------------------- */

int ge_suggest_diff(ge_buf *out, const ge_suggest_result *r, const char *prefix)
{
	ge_buf path = GE_BUF_INIT;
	size_t i;
	int rc = 0;
	for (i = 0; i < r->nfiles && rc == 0; i++) {
		ge_buf_clear(&path);
		if ((rc = ge_buf_printf(&path, "%s%s", prefix ? prefix : "", r->files[i].path)) ==
		    0)
			rc =
			    ge_udiff_write(out, path.ptr, r->files[i].old_text, r->files[i].old_len,
			                   r->files[i].new_text, r->files[i].new_len, 3);
	}
	ge_buf_release(&path);
	return rc;
}

static int json_strv(ge_buf *b, char **v, size_t n)
{
	size_t i;
	int rc = ge_buf_putc(b, '[');
	for (i = 0; i < n && rc == 0; i++) {
		if (i)
			rc = ge_buf_putc(b, ',');
		if (rc == 0)
			rc = ge_buf_put_json(b, v[i]);
	}
	return rc ? rc : ge_buf_putc(b, ']');
}

static int json_field(ge_buf *b, const char *name, const char *value)
{
	int rc = ge_buf_printf(b, "\"%s\":", name);
	if (rc == 0)
		rc = value ? ge_buf_put_json(b, value) : ge_buf_puts(b, "null");
	return rc;
}

int ge_suggest_json(ge_buf *out, const ge_suggest_result *r)
{
	size_t i;
	int rc;
	rc = ge_buf_puts(out, "{\"schema\":\"goescape-suggest/1\",");
	if (rc == 0)
		rc = json_field(out, "go", r->go_version);
	if (rc == 0)
		rc = ge_buf_putc(out, ',');
	if (rc == 0)
		rc = json_field(out, "module", r->module);
	if (rc == 0)
		rc = ge_buf_printf(out,
		                   ",\n\"summary\":{\"candidates\":%zu,\"suggestions\":%zu,"
		                   "\"skipped\":%zu,\"files\":%zu,\"packages\":%zu,"
		                   "\"heap_before\":%zu,\"heap_after\":%zu,\"heap_delta\":%ld,"
		                   "\"go_invocations\":%u,\"gofmt_invocations\":%u,\"rounds\":%u,"
		                   "\"tested\":%s},\n\"suggestions\":[",
		                   r->candidates, r->nitems, r->nskipped, r->nfiles, r->packages,
		                   r->heap_before, r->heap_after,
		                   (long)r->heap_after - (long)r->heap_before, r->go_runs,
		                   r->gofmt_runs, r->rounds, r->tested ? "true" : "false");
	for (i = 0; i < r->nitems && rc == 0; i++) {
		const ge_suggestion *g = &r->items[i];
		rc = ge_buf_puts(out, i ? ",\n{" : "\n{");
		if (rc == 0)
			rc = json_field(out, "rule", g->rule);
		if (rc == 0)
			rc = ge_buf_putc(out, ',');
		if (rc == 0)
			rc = json_field(out, "package", g->package);
		if (rc == 0)
			rc = ge_buf_putc(out, ',');
		if (rc == 0)
			rc = json_field(out, "file", g->file);
		if (rc == 0)
			rc = ge_buf_printf(out, ",\"line\":%u,\"column\":%u,", g->line, g->column);
		if (rc == 0)
			rc = json_field(out, "function", g->function);
		if (rc == 0)
			rc = ge_buf_putc(out, ',');
		if (rc == 0)
			rc = json_field(out, "before", g->before);
		if (rc == 0)
			rc = ge_buf_putc(out, ',');
		if (rc == 0)
			rc = json_field(out, "after", g->after);
		if (rc == 0)
			rc = ge_buf_putc(out, ',');
		if (rc == 0)
			rc = json_field(out, "stack_buffer", g->decl);
		if (rc == 0)
			rc = ge_buf_puts(out, ",\"heap_before\":");
		if (rc == 0)
			rc = json_strv(out, g->heap_before, g->nheap_before);
		if (rc == 0)
			rc = ge_buf_puts(out, ",\"heap_after\":");
		if (rc == 0)
			rc = json_strv(out, g->heap_after, g->nheap_after);
		if (rc == 0)
			rc = ge_buf_printf(out, ",\"heap_delta\":%ld}",
			                   (long)g->nheap_after - (long)g->nheap_before);
	}
	if (rc == 0)
		rc = ge_buf_puts(out, "],\n\"skipped\":[");
	for (i = 0; i < r->nskipped && rc == 0; i++) {
		const ge_suggest_skip *k = &r->skipped[i];
		rc = ge_buf_puts(out, i ? ",\n{" : "\n{");
		if (rc == 0)
			rc = json_field(out, "rule", k->rule);
		if (rc == 0)
			rc = ge_buf_putc(out, ',');
		if (rc == 0)
			rc = json_field(out, "file", k->file);
		if (rc == 0)
			rc = ge_buf_printf(out, ",\"line\":%u,\"column\":%u,", k->line, k->column);
		if (rc == 0)
			rc = json_field(out, "reason", k->reason);
		if (rc == 0)
			rc = ge_buf_putc(out, '}');
	}
	if (rc == 0)
		rc = ge_buf_puts(out, "]}\n");
	return rc;
}

/*
 * All or nothing: every target is checked (inside the module after its
 * symlinks, unchanged since it was analysed), then every new text staged
 * into a temp file beside its target (fsync'd, mode kept) and checked
 * replaceable, and only then are the temps renamed over the targets.  A
 * failure before the renames removes the temps and leaves every file as
 * it was, the message naming the file that failed.  The one window left is
 * a kill (or a file made immutable) between two renames: README's suggest
 * section says so.
 */
int ge_suggest_apply(const ge_suggest_result *r, const char *top)
{
	ge_stage stage = GE_STAGE_INIT;
	char **real = NULL, msg[1024];
	size_t i;
	int rc = 0;
	if (r->nfiles && !(real = calloc(r->nfiles, sizeof(*real))))
		return oom();
	/* Everything is checked before anything is written. */
	for (i = 0; i < r->nfiles && rc == 0; i++) {
		const ge_suggest_file *f = &r->files[i];
		ge_buf now = GE_BUF_INIT;
		if ((rc = ge_path_check_inside(&real[i], top, f->abs)) < 0) {
			if (rc != GE_ENOMEM) {
				snprintf(msg, sizeof(msg), "%s", ge_error_last());
				rc = ge_error_set(GE_EUSAGE, "%s; not written", msg);
			}
			break;
		}
		if ((rc = ge_file_read(&now, real[i])) < 0)
			break;
		if (now.len != f->old_len || memcmp(ge_buf_cstr(&now), f->old_text, now.len) != 0)
			rc = ge_error_set(GE_ECONFLICT,
			                  "'%s' changed since it was analysed; not written",
			                  f->path);
		ge_buf_release(&now);
	}
	if (rc == 0) {
		for (i = 0; i < r->nfiles && rc == 0; i++)
			rc = ge_stage_add(&stage, real[i], r->files[i].path, r->files[i].new_text,
			                  r->files[i].new_len, 0644);
		if (rc == 0) {
			rc = ge_stage_commit(&stage);
		} else if (rc != GE_ENOMEM) {
			snprintf(msg, sizeof(msg), "%s", ge_error_last());
			rc = ge_error_set(rc, "%s; no file was changed", msg);
		}
	}
	ge_stage_abort(&stage);
	for (i = 0; real && i < r->nfiles; i++)
		free(real[i]);
	free(real);
	return rc;
}

int ge_suggest_covered(size_t *out, const ge_report *r, const char *top)
{
	return ge_suggest_covered_each(out, NULL, r, top);
}

int ge_suggest_covered_each(size_t *out, unsigned char *marks, const ge_report *r, const char *top)
{
	sctx s;
	size_t i, j;
	int rc = 0;
	*out = 0;
	memset(&s, 0, sizeof(s));
	s.top = top;
	for (i = 0; i < r->ndiags && rc == 0; i++) {
		const ge_diag *d = &r->diags[i];
		size_t fi;
		if (d->status != GE_STATUS_NEW || !ge_kind_is_heap(d->kind) || !d->file[0])
			continue;
		for (fi = 0; fi < s.nfiles && strcmp(s.files[fi].rel, d->file) != 0; fi++)
			;
		if (fi == s.nfiles) {
			if (s.nfiles == s.fcap) {
				size_t nc = s.fcap ? s.fcap * 2 : 16;
				sfile *nf = realloc(s.files, nc * sizeof(*nf));
				if (!nf) {
					rc = oom();
					break;
				}
				s.files = nf;
				s.fcap = nc;
			}
			rc = sfile_load(&s.files[s.nfiles], top, d->file, d->package);
			s.nfiles++;
			if (rc == GE_ENOTFOUND) {
				rc = 0;
				continue;
			}
			if (rc < 0 || (rc = find_in_file(&s, fi)) < 0)
				break;
		}
		for (j = 0; j < s.nc; j++)
			if (s.c[j].file == fi && d->line >= s.c[j].old_first &&
			    d->line <= s.c[j].old_last) {
				(*out)++;
				if (marks)
					marks[i] = 1;
				break;
			}
	}
	cleanup(&s);
	return rc;
}

int ge_suggest__rewrite(ge_buf *out, const char *src, size_t len, const char *ty)
{
	static const struct {
		const char *name;
		tyclass ty;
	} types[] = {{"int", TY_INT},
	             {"int64", TY_INT64},
	             {"signed", TY_SIGNED},
	             {"uint64", TY_UINT64},
	             {"unsigned", TY_UNSIGNED}};
	sctx s;
	char *text;
	size_t i, t;
	int rc;
	for (t = 0; t < sizeof(types) / sizeof(types[0]) && strcmp(types[t].name, ty); t++)
		;
	if (t == sizeof(types) / sizeof(types[0]))
		return ge_error_set(GE_EUSAGE, "unknown type class '%s'", ty);
	memset(&s, 0, sizeof(s));
	if (!(s.files = calloc(1, sizeof(*s.files))) || !(text = ge_strndup(src, len))) {
		free(s.files);
		return oom();
	}
	s.nfiles = s.fcap = 1;
	s.files[0].gofmt_clean = -1;
	if (!(s.files[0].rel = ge_strdup("x.go")) || !(s.files[0].pkg = ge_strdup("p")) ||
	    !(s.files[0].abs = ge_strdup("/x.go"))) {
		free(text);
		rc = oom();
		goto done;
	}
	if ((rc = sfile_scan(&s.files[0], text, len)) < 0 || (rc = find_in_file(&s, 0)) < 0)
		goto done;
	for (i = 0; i < s.nc; i++) {
		prefilter(&s, &s.c[i]);
		if (s.c[i].needs_probe)
			s.c[i].ty = types[t].ty;
	}
	rc = render_file(out, &s, 0);
done:
	cleanup(&s);
	return rc;
}

/* Where each line of a text starts; idx[n] is the end.  malloc'd. */
static size_t *line_starts(const char *t, size_t len, size_t *n)
{
	size_t i, k = 0, cnt = 0;
	size_t *idx;
	for (i = 0; i < len; i++)
		cnt += t[i] == '\n';
	cnt += len && t[len - 1] != '\n';
	if (!(idx = malloc((cnt + 1) * sizeof(*idx))))
		return NULL;
	idx[k++] = 0;
	for (i = 0; i < len && k <= cnt; i++)
		if (t[i] == '\n' && k <= cnt)
			idx[k++] = i + 1;
	idx[cnt] = len;
	*n = cnt;
	return idx;
}

int ge_suggest_sarif(ge_buf *out, const ge_suggest_result *r, const ge_sarif_opts *o)
{
	ge_sarif_fix *fixes = NULL;
	ge_sarif_replacement *repl = NULL;
	size_t *owner = NULL, nrepl = 0, i, f;
	char **msgs = NULL;
	int rc = 0;
	if (r->nitems && (!(fixes = calloc(r->nitems, sizeof(*fixes))) ||
			  !(msgs = calloc(2 * r->nitems, sizeof(*msgs)))))
		goto oom;
	for (i = 0; i < r->nitems; i++) {
		const ge_suggestion *s = &r->items[i];
		ge_buf m = GE_BUF_INIT, d = GE_BUF_INIT;
		if (ge_buf_printf(&m, "%s: `%s` allocates; `%s` does not (heap diagnostics on its "
				      "lines: %zu -> %zu)",
				  s->function && *s->function ? s->function : "package level", s->before,
				  s->after, s->nheap_before, s->nheap_after) < 0 ||
		    ge_buf_printf(&d, "Replace `%s` with `%s`%s%s", s->before, s->after,
				  s->decl ? " over " : "", s->decl ? s->decl : "") < 0) {
			ge_buf_release(&m);
			ge_buf_release(&d);
			goto oom;
		}
		msgs[2 * i] = ge_buf_detach(&m);
		msgs[2 * i + 1] = ge_buf_detach(&d);
		fixes[i].file = s->file;
		fixes[i].line = s->line;
		fixes[i].column = s->column;
		fixes[i].message = msgs[2 * i];
		fixes[i].description = msgs[2 * i + 1];
	}
	/* Replacements file by file, each given to one suggestion of that file. */
	for (f = 0; f < r->nfiles; f++) {
		const ge_suggest_file *sf = &r->files[f];
		uint32_t *map = NULL;
		size_t nold = 0, nnew = 0, *nidx = NULL, L;
		uint32_t prev_old = 0, prev_new = 0;
		if (ge_udiff_linemap(&map, &nold, sf->old_text, sf->old_len, sf->new_text,
				     sf->new_len) < 0 ||
		    !(nidx = line_starts(sf->new_text, sf->new_len, &nnew))) {
			free(map);
			goto oom;
		}
		/* Walk kept lines; the gap between two kept lines is a replacement. */
		for (L = 1; L <= nold + 1; L++) {
			uint32_t nl = L <= nold ? map[L - 1] : (uint32_t)nnew + 1;
			ge_sarif_replacement *nr;
			size_t best = SIZE_MAX, k, *no;
			if (L <= nold && !nl)
				continue;
			if (L - 1 == prev_old && nl - 1 == prev_new) {
				prev_old = (uint32_t)L;
				prev_new = nl;
				continue;
			}
			nr = realloc(repl, (nrepl + 1) * sizeof(*nr));
			if (nr)
				repl = nr;
			no = nr ? realloc(owner, (nrepl + 1) * sizeof(*no)) : NULL;
			if (no)
				owner = no;
			if (!nr || !no) {
				free(map);
				free(nidx);
				goto oom;
			}
			/* Old lines (prev_old, L) became new lines (prev_new, nl). */
			repl[nrepl].start_line = prev_old + 1;
			repl[nrepl].end_line = (uint32_t)(L <= nold ? L : nold + 1);
			repl[nrepl].text = sf->new_text + nidx[prev_new];
			repl[nrepl].len = nidx[nl - 1 <= nnew ? nl - 1 : nnew] - nidx[prev_new];
			/* Its suggestion: the first one at or below the gap, else the last. */
			for (k = 0; k < r->nitems; k++) {
				if (strcmp(r->items[k].file, sf->path) != 0)
					continue;
				if (best == SIZE_MAX || r->items[k].line >= repl[nrepl].start_line)
					best = k;
				if (r->items[k].line >= repl[nrepl].start_line)
					break;
			}
			owner[nrepl++] = best;
			prev_old = (uint32_t)L;
			prev_new = nl;
		}
		free(map);
		free(nidx);
	}
	/* Each fix's replacements are a contiguous run: sort by owner, stable. */
	{
		ge_sarif_replacement *sorted = nrepl ? malloc(nrepl * sizeof(*sorted)) : NULL;
		size_t o2 = 0;
		if (nrepl && !sorted)
			goto oom;
		for (i = 0; i < r->nitems; i++) {
			size_t k, first = o2;
			for (k = 0; k < nrepl; k++)
				if (owner[k] == i)
					sorted[o2++] = repl[k];
			fixes[i].repl = sorted ? sorted + first : NULL;
			fixes[i].nrepl = o2 - first;
		}
		rc = ge_sarif_render_fixes(out, fixes, r->nitems, o);
		free(sorted);
	}
	goto done;
oom:
	rc = ge_error_set(GE_ENOMEM, "out of memory");
done:
	for (i = 0; msgs && i < 2 * r->nitems; i++)
		free(msgs[i]);
	free(msgs);
	free(fixes);
	free(repl);
	free(owner);
	return rc;
}
