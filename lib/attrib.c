/* Package, module-relative file, enclosing function and line hash of a diagnostic. */
#include "attrib.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gopkg.h"
#include "gosrc.h"

typedef struct file_ent {
	char *abs;         /* the real file */
	ge_gofile *src;    /* NULL when unreadable; the view's when pf is set */
	ge_gopkg_file *pf; /* the file in its package's view (lib/gopkg), or NULL */
	const ge_module *mod;
	uint8_t dirs; /* ge_diag.dirs for the file, once asked; GE_DIRS_UNKNOWN before */
	/* Facts of line i (1-based) of src, computed on first use (line_hash,
	 * line_mark): a file's diagnostics come many to a line.  NULL until
	 * then, or when there was no memory for them (each is then computed
	 * every time). */
	uint64_t *lhash;
	uint8_t *lfact; /* LF_* bits */
	/* Line i's function when every column of it has the same one
	 * (LF_FN), interned in the attrib's report when fn_gen is its igen. */
	const char **lfn;
	unsigned fn_gen;
	uint32_t nlines; /* of src, once lfact is set */
	/* Its path in the module (file_rel), once rel_known; rel interned in
	 * the attrib's report (rel_in) when rel_gen is the attrib's igen. */
	const char *rel, *rel_in;
	int rel_known;
	unsigned rel_gen;
} file_ent;

enum { LF_HASH = 1, LF_MARK_KNOWN = 2, LF_MARK = 4, LF_FN = 8 };

/* The most views made ahead that wait for their group (ge_attrib_view_adopt). */
#define ATTRIB_PENDING 64

/* A view made ahead: the directory's, as view_of makes it. */
struct ge_attrib_view {
	char *dir;
	ge_gopkg *p;
};

/* What a view made ahead is made from (ge_attrib_viewer_new). */
struct ge_attrib_viewer {
	const ge_modset *mods;
	ge_gopkg_source src;
	ge_gopkg_build build;
};

/* A package directory's source view: names with package-wide numbering. */
typedef struct view_ent {
	char *dir;
	ge_gopkg *p; /* NULL when the directory could not be viewed */
	int ahead;   /* made ahead (adopted): freed through view_drop */
} view_ent;

struct ge_attrib {
	const ge_modset *mods;
	const char *cwd;
	file_ent *files; /* open addressing on abs path */
	size_t nfiles, cap;
	/* The current "# importpath" group. */
	char *pkg;
	char *pkgdir; /* absolute directory of the package, NULL if not main */
	const ge_module *pkgmod;
	char *origin;  /* the group's paths are relative to a directory */
	int origin_up; /* origin_up levels below origin, if known */
	int origin_known;
	/*
	 * -m=2 explanations not yet matched to their diagnostic: go prints all
	 * of a function's blocks before its "moved to heap" lines, so several
	 * wait at once, keyed by position.  cur is the block that the next
	 * flow/from lines belong to, -1 while a block is being skipped.
	 */
	struct xblock {
		char *path;
		uint32_t line, col;
		ge_buf text;
	} * xb;
	size_t nxb, capxb;
	long cur;
	size_t dropped;
	file_ent *last;
	char *const *ov_real, *const *ov_backing;
	size_t nov;
	char *const *scope; /* ge_attrib_set_scope; NULL = every main package */
	size_t nscope;
	int in_scope; /* the current group is a main package in scope */
	size_t main_lines;
	/*
	 * The output was printed with -trimpath: main-module files are named
	 * "MODPATH/dir/x.go", and a relative path without a main module's
	 * path is the standard library's ("slices/slices.go") or a
	 * dependency's, never a file below our directory.
	 */
	int trimpath;
	int vendored; /* report positions in vendor/ (dependencies' code) too */
	/*
	 * "inlining call to F" lines of the current group by position (hash of
	 * the printed path, line, column): the first F printed there, which
	 * is the call written at that place.  Open addressing, cleared per
	 * group, at most GE_ATTRIB_MAX_INL entries.
	 */
	struct inl {
		uint64_t key;
		char *name;
	} * inl;
	size_t ninl, capinl;
	uint32_t block; /* "# importpath" headers seen: ge_diag.group */
	view_ent *views;
	size_t nviews, capviews;
	/* Views made ahead on another thread (ge_attrib_view_adopt), oldest
	 * first, taken by view_of; at most ATTRIB_PENDING. */
	struct ge_attrib_view *pending[ATTRIB_PENDING];
	size_t npending, taken; /* taken: views view_of took from them */
	void (*view_drop)(void *ud, ge_gopkg *p); /* ge_attrib_set_view_drop */
	void *view_drop_ud;
	ge_gopkg_build build; /* which files the build compiles (ge_attrib_set_build) */
	ge_gopkg_overlay gov;
	ge_gopkg_source gsrc;
	/* ge_attrib_set_listing */
	const ge_gopkg_listing *listing;
	ge_attrib_site_fn site_fn; /* ge_attrib_set_sites */
	void *site_ud;
	/*
	 * Printed paths of the current group already placed (place()): the
	 * file and whether it passed the module, root and vendor checks, so a
	 * path is resolved (and stat()ed) once per group, not once per line.
	 * Only answers that found a file are kept, and they are forgotten when
	 * what resolve() depends on changes: a new group, the file table
	 * moving (grow_files), -trimpath or the group's origin becoming known.
	 */
	struct placed {
		char *printed;
		size_t len;
		file_ent *fe;
		int ok;
	} * placed;
	size_t nplaced, capplaced;
	int placed_trim, placed_origin;
	/*
	 * Strings a diagnostic names, interned in report ir (ge_report_intern)
	 * for ge_report_add_interned, by the address attrib holds them at: the
	 * group's package, its files' module paths, their functions and the
	 * inlined callees.  Each stays at its address, unchanged, until the
	 * group ends, so the table is cleared by set_group (and when another
	 * report is passed).  Direct-mapped; a collision only interns again.
	 */
	ge_report *ir;
	unsigned igen; /* counts the reports ir was: 0 before the first */
	struct icache {
		const char *src, *in;
	} ic[64];
	const char *pkg_in; /* the group's package in ir, or NULL */
};

#define GE_ATTRIB_MAX_PLACED 256

static void placed_clear(ge_attrib *a);

/* Diagnostics go to r now: what was interned in another report is forgotten. */
static void intern_for(ge_attrib *a, ge_report *r)
{
	if (a->ir != r) {
		memset(a->ic, 0, sizeof(a->ic));
		a->pkg_in = NULL;
		a->ir = r;
		a->igen++;
	}
}

/* s (NUL-ended, held by a until the group ends) interned in a->ir (see
 * intern_for); NULL when out of memory. */
static const char *interned(ge_attrib *a, const char *s)
{
	uintptr_t k = (uintptr_t)s;
	struct icache *e = &a->ic[((k >> 3) ^ (k >> 9)) & 63];
	if (e->src != s || !e->in) {
		e->in = ge_report_intern(a->ir, s, strlen(s));
		e->src = e->in ? s : NULL;
	}
	return e->in;
}

#define GE_ATTRIB_MAX_INL (1u << 16)

/* Does s[0..n) contain lit[0..m)? */
static int contains(const char *s, size_t n, const char *lit, size_t m)
{
	size_t i;
	if (m > n)
		return 0;
	for (i = 0; i + m <= n; i++)
		if (s[i] == lit[0] && memcmp(s + i, lit, m) == 0)
			return 1;
	return 0;
}

static uint64_t inl_key(const ge_parse_line *l)
{
	uint64_t h = ge_hash_bytes(GE_HASH_SEED, l->path, l->path_len);
	h ^= ((uint64_t)l->lineno << 20) ^ l->col;
	return h ? h : 1;
}

static void inl_clear(ge_attrib *a)
{
	size_t i;
	for (i = 0; i < a->capinl; i++) {
		free(a->inl[i].name);
		a->inl[i].name = NULL;
		a->inl[i].key = 0;
	}
	a->ninl = 0;
}

/* The callee of "inlining call to F" at the line's position, or NULL. */
static const char *inl_find(const ge_attrib *a, const ge_parse_line *l)
{
	uint64_t k;
	size_t j;
	if (!a->capinl || !l->path)
		return NULL;
	k = inl_key(l);
	for (j = k & (a->capinl - 1); a->inl[j].key; j = (j + 1) & (a->capinl - 1))
		if (a->inl[j].key == k)
			return a->inl[j].name;
	return NULL;
}

/* Remember "inlining call to F" (the first at a position wins). */
static int inl_add(ge_attrib *a, const ge_parse_line *l)
{
	static const char lead[] = "inlining call to ";
	const char *name;
	size_t n, j;
	uint64_t k;
	if (!l->path || l->text_len <= sizeof(lead) - 1 ||
	    memcmp(l->text, lead, sizeof(lead) - 1) != 0 || inl_find(a, l))
		return 0;
	if (a->ninl >= GE_ATTRIB_MAX_INL)
		return 0;
	if ((a->ninl + 1) * 2 > a->capinl) {
		size_t nc = a->capinl ? a->capinl * 2 : 256, i;
		struct inl *ni = calloc(nc, sizeof(*ni));
		if (!ni)
			return ge_error_set(GE_ENOMEM, "out of memory");
		for (i = 0; i < a->capinl; i++)
			if (a->inl[i].key) {
				for (j = a->inl[i].key & (nc - 1); ni[j].key;
				     j = (j + 1) & (nc - 1))
					;
				ni[j] = a->inl[i];
			}
		free(a->inl);
		a->inl = ni;
		a->capinl = nc;
	}
	name = l->text + sizeof(lead) - 1;
	n = l->text_len - (sizeof(lead) - 1);
	/* "slices.Grow[go.shape.[]int,go.shape.int]": the function's name. */
	{
		const char *br = memchr(name, '[', n);
		if (br && br > name)
			n = (size_t)(br - name);
	}
	k = inl_key(l);
	for (j = k & (a->capinl - 1); a->inl[j].key; j = (j + 1) & (a->capinl - 1))
		;
	if (!(a->inl[j].name = ge_strndup(name, n)))
		return ge_error_set(GE_ENOMEM, "out of memory");
	a->inl[j].key = k;
	a->ninl++;
	return 0;
}

void ge_attrib_set_trimpath(ge_attrib *a, int on)
{
	a->trimpath = on;
}

void ge_attrib_set_vendored(ge_attrib *a, int on)
{
	a->vendored = on;
}

void ge_attrib_set_scope(ge_attrib *a, char *const *scope, size_t n)
{
	a->scope = scope;
	a->nscope = n;
}

size_t ge_attrib_main_lines(const ge_attrib *a)
{
	return a->main_lines;
}

void ge_attrib_set_listing(ge_attrib *a, const struct ge_gopkg_listing *l)
{
	a->listing = l;
}

void ge_attrib_set_overlay(ge_attrib *a, char *const *real, char *const *backing, size_t n)
{
	a->ov_real = real;
	a->ov_backing = backing;
	a->nov = n;
	a->gov.real = real;
	a->gov.backing = backing;
	a->gov.n = n;
}

int ge_attrib_set_build(ge_attrib *a, const char *goos, const char *goarch, int cgo,
                        const char *tags, const char *go_version)
{
	assert(a);
	ge_gopkg_build_release(&a->build);
	return ge_gopkg_build_set(&a->build, goos, goarch, cgo, tags, go_version);
}

/* The source views read (view_of and the views made ahead alike). */
static void source_of(ge_gopkg_source *src, const ge_attrib *a)
{
	if (a->nov)
		ge_gopkg_source_overlay(src, &a->gov);
	else if (a->listing)
		ge_gopkg_source_listed(src, a->listing);
	else
		ge_gopkg_source_worktree(src);
}

/* dir's view from src as build says; a directory the package view cannot
 * take (a bad //go:build) has its files read alone, through a one-file view
 * of the same source.  NULL without one. */
static ge_gopkg *view_open(const char *dir, const ge_gopkg_source *src,
                           const ge_gopkg_build *build)
{
	ge_gopkg *p = NULL;
	if (ge_gopkg_open(&p, dir, src, build) < 0) {
		p = NULL;
		ge_error_clear();
		if (ge_gopkg_open_files(&p, dir, src) < 0)
			return NULL;
	}
	return p;
}

void ge_attrib_view_free(ge_attrib_view *v)
{
	if (!v)
		return;
	free(v->dir);
	ge_gopkg_free(v->p);
	free(v);
}

void ge_attrib_set_view_drop(ge_attrib *a, void (*drop)(void *ud, ge_gopkg *p), void *ud)
{
	a->view_drop = drop;
	a->view_drop_ud = ud;
}

/* A view made ahead, done with: to its dropper, or freed. */
static void drop_ahead(ge_attrib *a, ge_gopkg *p)
{
	if (p && a->view_drop)
		a->view_drop(a->view_drop_ud, p);
	else
		ge_gopkg_free(p);
}

/* An adopted view a is done with (never asked for). */
static void pending_free(ge_attrib *a, ge_attrib_view *v)
{
	drop_ahead(a, v->p);
	v->p = NULL;
	ge_attrib_view_free(v);
}

/* dir's view made ahead, taken out of a's pending ones (the older ones,
 * whose groups have passed, freed); NULL when none was. */
static ge_gopkg *pending_take(ge_attrib *a, const char *dir)
{
	size_t i, j;
	ge_gopkg *p;
	for (i = 0; i < a->npending && strcmp(a->pending[i]->dir, dir) != 0; i++)
		;
	if (i == a->npending)
		return NULL;
	p = a->pending[i]->p;
	a->pending[i]->p = NULL;
	a->taken++;
	for (j = 0; j <= i; j++)
		pending_free(a, a->pending[j]);
	memmove(a->pending, a->pending + i + 1, (a->npending - i - 1) * sizeof(*a->pending));
	a->npending -= i + 1;
	return p;
}

/* The view of dir (absolute), opened at its first use; NULL when it has none. */
static ge_gopkg *view_of(ge_attrib *a, const char *dir)
{
	size_t i;
	view_ent *v;
	for (i = a->nviews; i-- > 0;)
		if (strcmp(a->views[i].dir, dir) == 0)
			return a->views[i].p;
	if (a->nviews == a->capviews) {
		size_t nc = a->capviews ? a->capviews * 2 : 16;
		view_ent *nv = realloc(a->views, nc * sizeof(*nv));
		if (!nv)
			return NULL;
		a->views = nv;
		a->capviews = nc;
	}
	v = &a->views[a->nviews];
	if (!(v->dir = ge_strdup(dir)))
		return NULL;
	v->p = NULL;
	a->nviews++;
	source_of(&a->gsrc, a);
	v->ahead = (v->p = pending_take(a, dir)) != NULL;
	if (!v->ahead)
		v->p = view_open(dir, &a->gsrc, &a->build);
	return v->p;
}

/* The backing file of a real path under the overlay, or NULL. */
static const char *backing_of(const ge_attrib *a, const char *real)
{
	size_t i;
	for (i = 0; i < a->nov; i++)
		if (strcmp(a->ov_real[i], real) == 0)
			return a->ov_backing[i];
	return NULL;
}

/* The real path of a backing file, or NULL. */
static const char *real_of(const ge_attrib *a, const char *backing)
{
	size_t i;
	for (i = 0; i < a->nov; i++)
		if (a->ov_backing[i][0] && strcmp(a->ov_backing[i], backing) == 0)
			return a->ov_real[i];
	return NULL;
}

/* Forget every waiting explanation (a new package group starts). */
static void xb_clear(ge_attrib *a)
{
	size_t i;
	for (i = 0; i < a->nxb; i++) {
		free(a->xb[i].path);
		ge_buf_release(&a->xb[i].text);
	}
	a->nxb = 0;
	a->cur = -1;
}

int ge_attrib_new(ge_attrib **out, const ge_modset *mods, const char *cwd)
{
	ge_attrib *a = calloc(1, sizeof(*a));
	if (!a)
		return ge_error_set(GE_ENOMEM, "out of memory");
	a->mods = mods;
	a->cwd = cwd;
	a->cur = -1;
	a->build.cgo = 1; /* go's default on a host with a C compiler; see ge_attrib_set_build */
	*out = a;
	return 0;
}

void ge_attrib_free(ge_attrib *a)
{
	size_t i;
	if (!a)
		return;
	for (i = 0; i < a->cap; i++) {
		free(a->files[i].abs);
		free(a->files[i].lhash);
		free(a->files[i].lfact);
		free((void *)a->files[i].lfn);
	}
	free(a->files);
	for (i = 0; i < a->nviews; i++) {
		free(a->views[i].dir);
		ge_gopkg_free(a->views[i].p);
	}
	free(a->views);
	for (i = 0; i < a->npending; i++)
		ge_attrib_view_free(a->pending[i]);
	ge_gopkg_build_release(&a->build);
	free(a->pkg);
	free(a->pkgdir);
	free(a->origin);
	xb_clear(a);
	free(a->xb);
	inl_clear(a);
	free(a->inl);
	placed_clear(a);
	free(a->placed);
	free(a);
}

size_t ge_attrib_dropped(const ge_attrib *a)
{
	return a->dropped;
}

int ge_attrib_group_ignored(const ge_attrib *a)
{
	return a->pkg && !a->in_scope;
}

void ge_attrib_set_sites(ge_attrib *a, ge_attrib_site_fn fn, void *ud)
{
	a->site_fn = fn;
	a->site_ud = ud;
}

static void placed_clear(ge_attrib *a)
{
	size_t i;
	for (i = 0; i < a->nplaced; i++)
		free(a->placed[i].printed);
	a->nplaced = 0;
	a->placed_trim = a->trimpath;
	a->placed_origin = a->origin_known;
}

/* The cached placement of a printed path in this group, or NULL. */
static struct placed *placed_find(ge_attrib *a, const char *path, size_t len)
{
	size_t i;
	if (a->placed_trim != a->trimpath || a->placed_origin != a->origin_known)
		placed_clear(a);
	for (i = a->nplaced; i-- > 0;)
		if (a->placed[i].len == len && memcmp(a->placed[i].printed, path, len) == 0)
			return &a->placed[i];
	return NULL;
}

/* Remember a placement (best effort: a full or failed cache only costs time). */
static void placed_add(ge_attrib *a, const char *path, size_t len, file_ent *fe, int ok)
{
	struct placed *e;
	if (a->placed_trim != a->trimpath || a->placed_origin != a->origin_known)
		placed_clear(a);
	if (a->nplaced >= GE_ATTRIB_MAX_PLACED)
		return;
	if (a->nplaced == a->capplaced) {
		size_t nc = a->capplaced ? a->capplaced * 2 : 16;
		struct placed *np = realloc(a->placed, nc * sizeof(*np));
		if (!np)
			return;
		a->placed = np;
		a->capplaced = nc;
	}
	e = &a->placed[a->nplaced];
	if (!(e->printed = ge_strndup(path, len)))
		return;
	e->len = len;
	e->fe = fe;
	e->ok = ok;
	a->nplaced++;
}

/*
 * Drop every file and package view read so far: compiler output comes
 * grouped by package, so once a new package's group starts the previous
 * package's sources are done with (a later group naming one of them reads
 * it again), and memory stays that of one package's sources.
 */
static void release_sources(ge_attrib *a)
{
	size_t i;
	placed_clear(a);
	for (i = 0; i < a->cap; i++) {
		if (!a->files[i].abs)
			continue; /* an empty slot, zero already */
		free(a->files[i].abs);
		free(a->files[i].lhash);
		free(a->files[i].lfact);
		free((void *)a->files[i].lfn);
		if (!a->files[i].pf)
			ge_gofile_free(a->files[i].src);
		memset(&a->files[i], 0, sizeof(a->files[i]));
	}
	a->nfiles = 0;
	a->last = NULL;
	for (i = 0; i < a->nviews; i++) {
		free(a->views[i].dir);
		if (a->views[i].ahead)
			drop_ahead(a, a->views[i].p);
		else
			ge_gopkg_free(a->views[i].p);
	}
	a->nviews = 0;
}

static int grow_files(ge_attrib *a)
{
	size_t ncap = a->cap ? a->cap * 2 : 256, i;
	file_ent *nf = calloc(ncap, sizeof(*nf));
	if (!nf)
		return ge_error_set(GE_ENOMEM, "out of memory");
	for (i = 0; i < a->cap; i++) {
		size_t j;
		if (!a->files[i].abs)
			continue;
		j = ge_hash_bytes(GE_HASH_SEED, a->files[i].abs, strlen(a->files[i].abs)) &
		    (ncap - 1);
		while (nf[j].abs)
			j = (j + 1) & (ncap - 1);
		nf[j] = a->files[i];
	}
	free(a->files);
	a->files = nf;
	a->cap = ncap;
	a->last = NULL;
	placed_clear(a); /* it points into the old table */
	return 0;
}

/* The cached source of an absolute, clean path inside a main module. */
static file_ent *get_file(ge_attrib *a, const char *abs)
{
	size_t j;
	if (a->last && strcmp(a->last->abs, abs) == 0)
		return a->last;
	if ((a->nfiles + 1) * 2 > a->cap && grow_files(a) < 0)
		return NULL;
	j = ge_hash_bytes(GE_HASH_SEED, abs, strlen(abs)) & (a->cap - 1);
	while (a->files[j].abs) {
		if (strcmp(a->files[j].abs, abs) == 0)
			return a->last = &a->files[j];
		j = (j + 1) & (a->cap - 1);
	}
	if (!(a->files[j].abs = ge_strdup(abs))) {
		ge_error_set(GE_ENOMEM, "out of memory");
		return NULL;
	}
	a->files[j].mod = ge_modset_lookup_path(a->mods, abs);
	if (a->files[j].mod) { /* only main-module sources are ever read */
		const char *slash = strrchr(abs, '/');
		ge_gopkg *view = NULL;
		/* Through the package's view (the overlay's backing files
		 * included), so init.N and init.funcN are numbered across the
		 * package as the compiler numbers them. */
		if (slash) {
			char *dir =
			    slash > abs ? ge_strndup(abs, (size_t)(slash - abs)) : ge_strdup("/");
			if (!dir) {
				ge_error_set(GE_ENOMEM, "out of memory");
				return NULL;
			}
			view = view_of(a, dir);
			free(dir);
		}
		a->files[j].pf = NULL;
		a->files[j].src = NULL; /* unreadable: no function, no line hash */
		if (view && ge_gopkg_get(&a->files[j].pf, view, slash + 1) == 0)
			a->files[j].src = (ge_gofile *)ge_gopkg_gofile(a->files[j].pf);
		else
			ge_error_clear();
	}
	a->nfiles++;
	return a->last = &a->files[j];
}

static int exists_on_disk(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Does the file exist as the build saw it (the overlay included)? */
#define exists(p) exists_in(a, (p))
static int exists_in(const ge_attrib *a, const char *p)
{
	const char *b = backing_of(a, p), *slash;
	int has;
	if (b)
		return b[0] != '\0';
	/* A *.go name in a directory the listing recorded: the listing says
	 * (it follows links as stat does); anything else is stat()ed. */
	if (a->listing && !a->nov && (slash = strrchr(p, '/')) && strlen(slash + 1) >= 3 &&
	    strcmp(slash + strlen(slash) - 3, ".go") == 0 &&
	    (has = ge_gopkg_listing_has(a->listing, p, (size_t)(slash - p), slash + 1)) >= 0)
		return has;
	return exists_on_disk(p);
}

static int import_in_scope(const ge_module *m, char *const *scope, size_t nscope,
                           const char *pkg)
{
	return (m || (!scope && strcmp(pkg, "command-line-arguments") == 0)) &&
	       ge_gocmd_scope_match(scope, nscope, pkg);
}

int ge_attrib_import_in_scope(const ge_modset *mods, char *const *scope, size_t nscope,
                              const char *pkg, size_t len)
{
	char word[512];
	size_t sp;
	for (sp = 0; sp < len && pkg[sp] != ' '; sp++)
		;
	if (sp >= sizeof(word))
		return 1; /* not decided here: the caller parses the group */
	memcpy(word, pkg, sp);
	word[sp] = '\0';
	return import_in_scope(ge_modset_lookup_import(mods, word), scope, nscope, word);
}

/*
 * The directory of main-module package pkg (an import path of module m):
 * malloc'd, NULL without memory.  variant: the header names a test
 * variant ("# p_test [p.test]"), whose external test package lives in p's
 * directory.
 */
static char *pkg_dir(const ge_module *m, const char *pkg, int variant)
{
	const char *rel = ge_module_rel_import(m, pkg);
	char *dir = rel && *rel ? ge_path_join(m->root, rel) : ge_strdup(m->root);
	size_t n = dir ? strlen(dir) : 0;
	if (variant && n > 5 && strcmp(dir + n - 5, "_test") == 0)
		dir[n - 5] = '\0';
	return dir;
}

/* Start a new "# importpath" group. */
static int set_group(ge_attrib *a, const char *pkg, size_t len)
{
	const ge_module *m;
	size_t sp;
	for (sp = 0; sp < len && pkg[sp] != ' '; sp++)
		;
	if (!a->pkg || strlen(a->pkg) != sp || memcmp(a->pkg, pkg, sp) != 0)
		release_sources(a);
	placed_clear(a);
	free(a->pkg);
	free(a->pkgdir);
	free(a->origin);
	a->pkg = a->pkgdir = a->origin = NULL;
	a->pkgmod = NULL;
	xb_clear(a);
	inl_clear(a);
	a->origin_known = 0;
	a->origin_up = 0;
	a->block++;
	memset(a->ic, 0, sizeof(a->ic)); /* the package and sources it keyed on are gone */
	a->pkg_in = NULL;
	/* "# pkg [pkg.test]" for test variants: the import path is the first word. */
	if (!(a->pkg = ge_strndup(pkg, sp)))
		return ge_error_set(GE_ENOMEM, "out of memory");
	m = ge_modset_lookup_import(a->mods, a->pkg);
	a->in_scope = import_in_scope(m, a->scope, a->nscope, a->pkg);
	if (m) {
		a->pkgmod = m;
		if (!(a->pkgdir = pkg_dir(m, a->pkg, len > sp)))
			return ge_error_set(GE_ENOMEM, "out of memory");
	}
	return 0;
}

ge_attrib_viewer *ge_attrib_viewer_new(const ge_attrib *a)
{
	ge_attrib_viewer *v;
	if (a->nov || !(v = calloc(1, sizeof(*v))))
		return NULL; /* an overlay's backing files: not ahead */
	v->mods = a->mods;
	source_of(&v->src, a);
	v->build = a->build;
	return v;
}

size_t ge_attrib_views_taken(const ge_attrib *a)
{
	return a->taken;
}

void ge_attrib_viewer_free(ge_attrib_viewer *v)
{
	free(v);
}

/* Is rel (NULL: no) a path of plain elements: none empty, "." or ".."? */
static int plain_rel(const char *rel)
{
	const char *e;
	if (!rel)
		return 0;
	for (e = rel; *rel; rel = e + (*e == '/')) {
		for (e = rel; *e && *e != '/'; e++)
			;
		if (e == rel || (e - rel == 1 && rel[0] == '.') ||
		    (e - rel == 2 && rel[0] == '.' && rel[1] == '.'))
			return 0;
	}
	return 1;
}

ge_attrib_view *ge_attrib_view_make(const ge_attrib_viewer *vw, const char *pkg, size_t len)
{
	char word[512];
	const ge_module *m;
	ge_attrib_view *v;
	size_t sp, i, n;
	for (sp = 0; sp < len && pkg[sp] != ' '; sp++)
		;
	if (sp >= sizeof(word))
		return NULL;
	memcpy(word, pkg, sp);
	word[sp] = '\0';
	if (!(m = ge_modset_lookup_import(vw->mods, word)) || !plain_rel(ge_module_rel_import(m, word)) ||
	    !(v = calloc(1, sizeof(*v))))
		return NULL;
	/* Only a directory of m itself: nothing a header names is read
	 * outside the module (the other thread reads a file's directory). */
	if (!(v->dir = pkg_dir(m, word, len > sp)) || ge_modset_lookup_path(vw->mods, v->dir) != m ||
	    !(v->p = view_open(v->dir, &vw->src, &vw->build))) {
		ge_error_clear();
		ge_attrib_view_free(v);
		return NULL;
	}
	/* Each compiled file read and scanned here, as ge_gopkg_get would
	 * there: what fails is left for that thread to meet again. */
	n = ge_gopkg_nfiles(v->p);
	for (i = 0; i < n; i++) {
		ge_gopkg_file *f;
		if (ge_gopkg_get(&f, v->p, ge_gopkg_file_name(v->p, i)) < 0)
			ge_error_clear();
	}
	return v;
}

void ge_attrib_view_adopt(ge_attrib *a, ge_attrib_view *v)
{
	if (!v)
		return;
	if (a->npending == ATTRIB_PENDING) { /* never asked for: the oldest goes */
		pending_free(a, a->pending[0]);
		memmove(a->pending, a->pending + 1, (ATTRIB_PENDING - 1) * sizeof(*a->pending));
		a->npending--;
	}
	a->pending[a->npending++] = v;
}

static const char *base_name(const char *p, size_t n, size_t *blen)
{
	const char *s = p + n;
	while (s > p && s[-1] != '/')
		s--;
	*blen = (size_t)(p + n - s);
	return s;
}

/*
 * Does the printed directory fit the package directory?  True when the
 * printed directory's last components (ignoring "." and "..") are the
 * package directory's last components.  Then *origin is the directory
 * those components hang from and *up the number of leading ".." in the
 * printed directory: the output was printed from a directory *up levels
 * below *origin (whose names are lost).
 */
static int fits(const char *pkgdir, const char *printed_dir, char **origin, int *up)
{
	char *pd = ge_strdup(printed_dir[0] ? printed_dir : ".");
	size_t n, k;
	int ok = 0, dots = 0;
	const char *q;
	*origin = NULL;
	*up = 0;
	if (!pd)
		return 0;
	ge_path_clean(pd);
	for (q = pd; strncmp(q, "../", 3) == 0; q += 3)
		dots++;
	if (strcmp(q, "..") == 0) {
		dots++;
		q += 2;
	}
	if (strcmp(q, ".") == 0)
		q += 1;
	n = strlen(q);
	k = strlen(pkgdir);
	if (n == 0) {
		ok = 1;
	} else if (k > n && strcmp(pkgdir + k - n, q) == 0 && pkgdir[k - n - 1] == '/') {
		ok = 1;
	}
	if (ok) {
		*origin = ge_strndup(pkgdir, n ? k - n - 1 : k);
		if (*origin && !**origin) {
			free(*origin);
			*origin = ge_strdup("/");
		}
		*up = dots;
	}
	free(pd);
	return ok;
}

/*
 * The package's own file that a printed path names, or NULL.  The first
 * one found in a group also tells where the group's output was printed
 * from (a->origin, a->origin_up), for the files of other packages.
 */
static char *own_file(ge_attrib *a, const char *printed, size_t len)
{
	char *dir, *origin = NULL, *res = NULL;
	size_t blen;
	const char *base = base_name(printed, len, &blen);
	int up = 0;
	if (!a->pkgdir || printed[0] == '/' || printed[0] == '<')
		return NULL;
	dir = ge_strndup(printed, (size_t)(base - printed));
	if (dir && fits(a->pkgdir, dir, &origin, &up)) {
		res = ge_path_join(a->pkgdir, base);
		if (res && !exists(res)) {
			free(res);
			res = NULL;
		}
		if (res && !a->origin_known && origin) {
			a->origin = origin;
			a->origin_up = up;
			origin = NULL;
			a->origin_known = 1;
		}
	}
	free(dir);
	free(origin);
	return res;
}

/* dir joined with rel, when that is a file of a main module; else NULL. */
static char *module_file(ge_attrib *a, const char *dir, const char *rel)
{
	char *res = ge_path_join(dir, rel);
	if (res && !(exists(res) && ge_modset_lookup_path(a->mods, res))) {
		free(res);
		res = NULL;
	}
	return res;
}

/* A path relative to the group's known origin (see own_file). */
static char *from_origin(ge_attrib *a, const char *printed)
{
	char *clean = ge_strdup(printed), *res = NULL;
	const char *p = clean;
	int up = a->origin_up;
	if (!clean)
		return NULL;
	ge_path_clean(clean);
	for (; up > 0 && strncmp(p, "../", 3) == 0; up--)
		p += 3;
	if (up == 0)
		res = module_file(a, a->origin, p);
	free(clean);
	return res;
}

/*
 * A -trimpath path: the module path, then the file's path in the module
 * (ge_module_trimmed_file).  Module std's trimmed paths ("strings/x.go")
 * look like paths relative to our directory, so they are read so only
 * when -trimpath is known to be on.
 */
static char *from_trimpath(ge_attrib *a, const char *printed)
{
	const ge_module *best = NULL;
	const char *rel, *best_rel = NULL;
	size_t i;
	for (i = 0; i < a->mods->n; i++) {
		const ge_module *m = &a->mods->mods[i];
		if (ge_module_is_std(m) && !a->trimpath)
			continue;
		if ((rel = ge_module_trimmed_file(m, printed)) &&
		    (!best || strlen(m->path) > strlen(best->path))) {
			best = m;
			best_rel = rel;
		}
	}
	return best ? module_file(a, best->root, best_rel) : NULL;
}

/* Is the absolute file one of the current group's package directory? */
static int in_pkgdir(const ge_attrib *a, const char *abs)
{
	const char *slash = strrchr(abs, '/');
	size_t n = strlen(a->pkgdir ? a->pkgdir : "");
	return a->pkgdir && slash && (size_t)(slash - abs) == n && strncmp(abs, a->pkgdir, n) == 0;
}

/*
 * Absolute path of the file a printed path names, or NULL when unknowable.
 *
 * The header decides for the package's own files.  Files of other packages
 * (generic instantiations, closures) are printed relative to the directory
 * of the run that produced the output, which for a build-cache replay is
 * not ours: that directory is known when the group printed one of its own
 * files; otherwise the candidates are our directory (a fresh run), then the
 * package directory and each directory above it.
 */
static char *resolve(ge_attrib *a, const char *path, size_t len)
{
	char *printed = ge_strndup(path, len), *res = NULL, *dir = NULL, *slash;
	if (!printed)
		return NULL;
	if (printed[0] == '/') {
		const char *real;
		ge_path_clean(printed);
		if ((real = real_of(a, printed))) {
			free(printed);
			return ge_strdup(real);
		}
		return printed;
	}
	if ((res = from_trimpath(a, printed))) {
		a->trimpath = 1;
		goto done;
	}
	if (a->trimpath)
		goto done; /* the standard library's or a dependency's file */
	if ((res = own_file(a, printed, len)))
		goto done;
	if (a->origin_known && (res = from_origin(a, printed)))
		goto done;
	/*
	 * Guesses: a file found relative to our directory or one above the
	 * package's counts only when it is a file of the header's package
	 * (a -trimpath standard-library path such as "slices/slices.go" must
	 * not land on a module directory of that name).
	 */
	if ((res = module_file(a, a->cwd, printed)) && a->pkgdir && !in_pkgdir(a, res)) {
		free(res);
		res = NULL;
	}
	if (res || !a->pkgdir)
		goto done;
	if (!(dir = ge_strdup(a->pkgdir)))
		goto done;
	for (;;) {
		if ((res = module_file(a, dir, printed)) && !in_pkgdir(a, res)) {
			free(res);
			res = NULL;
		}
		if (res || strcmp(dir, "/") == 0)
			break;
		slash = strrchr(dir, '/');
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
done:
	free(dir);
	free(printed);
	return res;
}

/* Is abs inside a "vendor" directory of its module? */
static int is_vendored(const char *abs, const char *root)
{
	const char *rel = ge_path_within(abs, root);
	return rel && (strncmp(rel, "vendor/", 7) == 0 || strstr(rel, "/vendor/") != NULL);
}

/* The waiting block at a line's position, or -1. */
static long xb_find(const ge_attrib *a, const ge_parse_line *l)
{
	size_t i;
	if (!l->path)
		return -1;
	for (i = a->nxb; i-- > 0;) {
		const struct xblock *b = &a->xb[i];
		if (b->line == l->lineno && b->col == l->col && strlen(b->path) == l->path_len &&
		    memcmp(b->path, l->path, l->path_len) == 0)
			return (long)i;
	}
	return -1;
}

static void xb_remove(ge_attrib *a, size_t i)
{
	free(a->xb[i].path);
	ge_buf_release(&a->xb[i].text);
	a->xb[i] = a->xb[--a->nxb];
	a->cur = -1;
}

static int add_explain(ge_report *r, const char *text, uint32_t *idx)
{
	if (r->nexplain == r->explain_alloc) {
		size_t na = r->explain_alloc ? r->explain_alloc * 2 : 16;
		char **p = realloc(r->explain, na * sizeof(*p));
		if (!p)
			return ge_error_set(GE_ENOMEM, "out of memory");
		r->explain = p;
		r->explain_alloc = na;
	}
	if (!(r->explain[r->nexplain] = ge_strdup(text)))
		return ge_error_set(GE_ENOMEM, "out of memory");
	*idx = (uint32_t)++r->nexplain;
	return 0;
}

/*
 * The main-module file of a positioned line of the current group, as a
 * diagnostic is placed: 1 and *out (a module file in scope, within the
 * module's root and its lines), 0 when it is not one (counted in dropped
 * when count_dropped), or GE_ENOMEM.
 */
static int place(file_ent **out, ge_attrib *a, const ge_parse_line *l, int count_dropped)
{
	file_ent *fe;
	struct placed *pl;
	char *abs;
	*out = NULL;
	if (!l->path || l->col == 0 || (l->path_len && l->path[0] == '<'))
		goto dropped; /* <autogenerated> wrappers have no source */
	/*
	 * A package outside the main modules (a dependency built with the
	 * user's own -m) cannot hold main-module code: nothing to resolve.
	 * "command-line-arguments" (go build x.go) has no module path.
	 */
	if (a->pkg && !a->pkgdir && strcmp(a->pkg, "command-line-arguments") != 0)
		goto dropped;
	/* A main package the user did not name (its own -m reached it). */
	if (a->pkg && !a->in_scope)
		return 0;
	if ((pl = placed_find(a, l->path, l->path_len))) {
		fe = pl->fe;
		if (!pl->ok)
			goto dropped;
	} else {
		int ok;
		if (!(abs = resolve(a, l->path, l->path_len)))
			goto dropped;
		fe = get_file(a, abs);
		free(abs);
		if (!fe)
			return GE_ENOMEM;
		ok = fe->mod &&
		     ge_path_within(fe->abs, a->mods->top ? a->mods->top : fe->mod->root) &&
		     /* Vendored code is the dependency's, reported only when asked for. */
		     (a->vendored || !is_vendored(fe->abs, fe->mod->root));
		placed_add(a, l->path, l->path_len, fe, ok);
		if (!ok)
			goto dropped;
	}
	/* A position past the file's end is not in this file. */
	if (fe->src && l->lineno > ge_gofile_nlines(fe->src))
		goto dropped;
	*out = fe;
	return 1;
dropped:
	a->dropped += count_dropped ? 1 : 0;
	return 0;
}

/* Is line a line of fe's source whose facts can be kept? */
static inline int facts_for(file_ent *fe, uint32_t line)
{
	uint32_t n;
	if (fe->lfact)
		return line != 0 && line <= fe->nlines;
	if (!fe->src || line == 0 || line > (n = ge_gofile_nlines(fe->src)))
		return 0;
	fe->lhash = malloc(((size_t)n + 1) * sizeof(*fe->lhash));
	fe->lfn = malloc(((size_t)n + 1) * sizeof(*fe->lfn));
	fe->lfact = calloc((size_t)n + 1, 1);
	if (!fe->lhash || !fe->lfact || !fe->lfn) {
		free(fe->lhash);
		free(fe->lfact);
		free((void *)fe->lfn);
		fe->lhash = NULL;
		fe->lfact = NULL;
		fe->lfn = NULL;
		return 0;
	}
	fe->nlines = n;
	return 1;
}

/* ge_gofile_line_hash of fe's source (0 without one), once a line. */
static inline uint64_t line_hash(file_ent *fe, uint32_t line)
{
	if (!facts_for(fe, line))
		return fe->src ? ge_gofile_line_hash(fe->src, line) : 0;
	if (!(fe->lfact[line] & LF_HASH)) {
		fe->lhash[line] = ge_gofile_line_hash(fe->src, line);
		fe->lfact[line] |= LF_HASH;
	}
	return fe->lhash[line];
}

/* ge_gofile_line_has_mark of fe's source, once a line. */
static inline int line_mark(file_ent *fe, uint32_t line)
{
	if (!facts_for(fe, line))
		return ge_gofile_line_has_mark(fe->src, line);
	if (!(fe->lfact[line] & LF_MARK_KNOWN))
		fe->lfact[line] |= LF_MARK_KNOWN |
		                   (ge_gofile_line_has_mark(fe->src, line) ? LF_MARK : 0);
	return (fe->lfact[line] & LF_MARK) != 0;
}

/*
 * The function at l's position in fe, interned in a->ir: kept per line
 * when the whole line is in one function.  0, -1 when a file before it
 * could not be read (the message is set), or GE_ENOMEM.
 */
static int line_function(const char **out, ge_attrib *a, file_ent *fe, const ge_parse_line *l)
{
	const char *fn;
	int uniform = 0, keep = facts_for(fe, l->lineno);
	if (keep && fe->fn_gen != a->igen) { /* another report's strings */
		uint32_t i;
		for (i = 0; i <= fe->nlines; i++)
			fe->lfact[i] &= (uint8_t)~LF_FN;
		fe->fn_gen = a->igen;
	}
	if (keep && (fe->lfact[l->lineno] & LF_FN)) {
		*out = fe->lfn[l->lineno];
		return 0;
	}
	if (fe->pf) {
		if (!(fn = ge_gopkg_func_line(fe->pf, l->lineno, l->col, &uniform)))
			return -1;
	} else {
		fn = fe->src ? ge_gofile_func_line(fe->src, l->lineno, l->col, &uniform) : "";
	}
	if (!(fn = interned(a, fn)))
		return GE_ENOMEM;
	if (keep && uniform) {
		fe->lfn[l->lineno] = fn;
		fe->lfact[l->lineno] |= LF_FN;
	}
	*out = fn;
	return 0;
}

/* fe's path in the module (its root, or the top of a workspace's), once a file. */
static const char *file_rel(const ge_attrib *a, file_ent *fe)
{
	if (!fe->rel_known) {
		fe->rel = ge_path_within(fe->abs, a->mods->top ? a->mods->top : fe->mod->root);
		fe->rel_known = 1;
	}
	return fe->rel;
}

/* An inlining, "does not escape" or other positioned line, placed, to site_fn. */
static int site(ge_attrib *a, const ge_parse_line *l)
{
	file_ent *fe;
	const char *function;
	int rc;
	if ((rc = place(&fe, a, l, 0)) <= 0)
		return rc;
	if (fe->pf) {
		if (!(function = ge_gopkg_func_at(fe->pf, l->lineno, l->col)))
			return -1; /* a file before it could not be read: the message is set */
	} else {
		function = fe->src ? ge_gofile_func_at(fe->src, l->lineno, l->col) : "";
	}
	return a->site_fn(a->site_ud, l,
	                  ge_path_within(fe->abs, a->mods->top ? a->mods->top : fe->mod->root),
	                  function);
}

int ge_attrib_line(ge_attrib *a, ge_report *r, const ge_parse_line *l)
{
	ge_diag d;
	file_ent *fe;
	const char *rel;
	int rc = 0;

	if (l->type == GE_LINE_HEADER)
		return set_group(a, l->pkg, l->pkg_len);
	if (l->type != GE_LINE_OTHER && a->in_scope)
		a->main_lines++;
	if (a->pkg && !a->in_scope) {
		/*
		 * A group nothing is kept of (a dependency's or the standard
		 * library's, or a package not named): no explanation, inlining
		 * or file to note, only what place() would count as dropped.
		 */
		int heap = l->type == GE_LINE_MOVED || l->type == GE_LINE_ESCAPES ||
		           l->type == GE_LINE_LEAK;
		if (heap && (!l->path || l->col == 0 || (l->path_len && l->path[0] == '<') ||
		             (!a->pkgdir && strcmp(a->pkg, "command-line-arguments") != 0)))
			a->dropped++;
		return 0;
	}
	if (l->type == GE_LINE_EXPLAIN) {
		/*
		 * "x escapes to heap in F:" is followed, at the same position,
		 * by "parameter x leaks to ... :" telling the same flow again:
		 * keep the escape's block for "moved to heap: x".
		 */
		long i = xb_find(a, l);
		struct xblock *b;
		if (!l->path)
			return 0;
		if (i >= 0 && l->text_len >= 10 && memcmp(l->text, "parameter ", 10) == 0) {
			a->cur = -1;
			return 0;
		}
		if (i >= 0) {
			ge_buf_clear(&a->xb[i].text);
		} else {
			if (a->nxb >= 4096)
				xb_clear(a); /* bounded: blocks nobody claims are dropped */
			if (a->nxb == a->capxb) {
				size_t nc = a->capxb ? a->capxb * 2 : 16;
				struct xblock *nb = realloc(a->xb, nc * sizeof(*nb));
				if (!nb)
					return ge_error_set(GE_ENOMEM, "out of memory");
				a->xb = nb;
				a->capxb = nc;
			}
			i = (long)a->nxb;
			b = &a->xb[i];
			memset(b, 0, sizeof(*b));
			if (!(b->path = ge_strndup(l->path, l->path_len)))
				return ge_error_set(GE_ENOMEM, "out of memory");
			b->line = l->lineno;
			b->col = l->col;
			a->nxb++;
		}
		a->cur = i;
		b = &a->xb[i];
		return ge_buf_put(&b->text, l->text, l->text_len) < 0 ||
		               ge_buf_putc(&b->text, '\n') < 0
		           ? GE_ENOMEM
		           : 0;
	}
	if (l->type == GE_LINE_FLOW || l->type == GE_LINE_FROM) {
		if (a->cur >= 0 && xb_find(a, l) == a->cur) {
			ge_buf *t = &a->xb[a->cur].text;
			int i;
			for (i = 0; i < l->indent; i++)
				if (ge_buf_putc(t, ' ') < 0)
					return GE_ENOMEM;
			if (ge_buf_put(t, l->text, l->text_len) < 0 || ge_buf_putc(t, '\n') < 0)
				return GE_ENOMEM;
		}
		return 0;
	}
	if (!a->origin_known && a->pkgdir && l->path && l->path_len &&
	    (l->type == GE_LINE_INLINE || l->type == GE_LINE_NOESCAPE || l->type == GE_LINE_NOTE)) {
		/* Any line naming one of the package's files tells where the group
		 * was printed from, before a heap line names another package's. */
		char *p = ge_strndup(l->path, l->path_len);
		if (!p)
			return ge_error_set(GE_ENOMEM, "out of memory");
		free(own_file(a, p, l->path_len));
		free(p);
	}
	if (l->type == GE_LINE_INLINE && (rc = inl_add(a, l)) < 0)
		return rc;
	if (l->type != GE_LINE_MOVED && l->type != GE_LINE_ESCAPES && l->type != GE_LINE_LEAK)
		return a->site_fn && (l->type == GE_LINE_INLINE || l->type == GE_LINE_NOESCAPE ||
		                      l->type == GE_LINE_NOTE)
		           ? site(a, l)
		           : 0;
	if ((rc = place(&fe, a, l, 1)) <= 0)
		return rc;
	rc = 0;
	rel = file_rel(a, fe);
	memset(&d, 0, sizeof(d));
	intern_for(a, r);
	if (!a->pkg_in && !(a->pkg_in = interned(a, a->pkg ? a->pkg : "")))
		return GE_ENOMEM;
	if (fe->rel_gen != a->igen || !fe->rel_in) {
		if (!(fe->rel_in = ge_report_intern(r, rel ? rel : "", rel ? strlen(rel) : 0)))
			return GE_ENOMEM;
		fe->rel_gen = a->igen;
	}
	d.package = a->pkg_in;
	d.file = fe->rel_in;
	d.line = l->lineno;
	d.column = l->col;
	d.group = a->block;
	d.kind = l->type == GE_LINE_MOVED     ? GE_KIND_MOVED
	         : l->type == GE_LINE_ESCAPES ? GE_KIND_ESCAPES
	                                      : GE_KIND_LEAK;
	{
		ge_diag_rare rare = {NULL, NULL, NULL};
		if ((rc = line_function(&d.function, a, fe, l)) < 0)
			goto done;
		d.line_hash = line_hash(fe, l->lineno);
		/* The mark as text first (a byte search of two lines); only then
		 * the view's lexer, which says whether it is in a comment. */
		if (fe->pf) {
			int m = line_mark(fe, l->lineno) || line_mark(fe, l->lineno - 1);
			if (m && (m = ge_gopkg_ignored(fe->pf, l->lineno)) < 0) {
				rc = m;
				goto done;
			}
			d.mark = m ? GE_MARK_YES : GE_MARK_NO;
			/* Whether the file may hold assertion directives, once per
			 * file: the summary after the build then reads no file it
			 * would find none in.  Not under an overlay, whose bytes are
			 * not the worktree's the summary would read. */
			if (!fe->dirs && !a->nov) {
				size_t tl = 0;
				const char *t = ge_gopkg_text(fe->pf, &tl);
				if (t)
					fe->dirs = ge_gopkg_may_have_directives(t, tl)
					               ? GE_DIRS_MAYBE
					               : GE_DIRS_NONE;
			}
			d.dirs = fe->dirs;
		}
		/*
		 * Text of an inlined callee ("cannot be negative" from
		 * slices.Grow): the subject is not on the source line, and the
		 * compiler inlined a call at this very position.
		 */
		if (ge_kind_is_heap(d.kind) && l->subject_len) {
			const char *via = inl_find(a, l);
			size_t sl = 0;
			const char *src =
			    via && fe->src ? ge_gofile_line(fe->src, l->lineno, &sl) : NULL;
			if (via && src && !contains(src, sl, l->subject, l->subject_len)) {
				if (!(rare.inlined_from = interned(a, via)))
					return GE_ENOMEM;
				d.rare = &rare; /* copied into r by ge_report_add_interned */
			}
		}
		if (ge_kind_is_heap(d.kind)) {
			long xi = a->nxb ? xb_find(a, l) : -1;
			if (xi >= 0) {
				if (a->xb[xi].text.len)
					rc = add_explain(r, a->xb[xi].text.ptr, &d.explain);
				xb_remove(a, (size_t)xi);
			}
		}
		if (rc == 0)
			rc = ge_report_add_interned(r, &d, l->subject,
			                            l->subject ? l->subject_len : 0, l->text,
			                            l->text_len);
		if (rc == 0 && !a->pkg)
			a->main_lines++; /* no header, but a module file's diagnostic */
	}
done:
	return rc;
}
