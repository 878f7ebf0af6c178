/* A package's source view: files in compile order, package-wide names.
 *
 * Providers, the view, comments, expressions and match keys are sections
 * below; build constraints and file headers are in gopkg_build.c. */
#include "gopkg.h"
#include "gopkg_build.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "golex.h"
#include "gostmt.h"

/* How much of a file is read to find its header; more when it is longer. */
#define HEADER_PREFIX 4096

static const char mark[] = "//goescape:ignore";

/* ------------------------------------------------------------------ */
/* Providers                                                          */

static int read_disk(const char *path, size_t max, ge_buf *out)
{
	int fd, rc = 0;
	char chunk[8192];
	size_t got = 0;
	if (!max)
		return ge_file_read(out, path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return ge_error_set(GE_ENOTFOUND, "cannot read '%s': no such file", path);
		return ge_error_set(GE_ERROR, "cannot read '%s': %s", path, strerror(errno));
	}
	while (got < max) {
		size_t want = max - got < sizeof(chunk) ? max - got : sizeof(chunk);
		ssize_t n = read(fd, chunk, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = ge_error_set(GE_ERROR, "cannot read '%s': %s", path, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if ((rc = ge_buf_put(out, chunk, (size_t)n)) < 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	return rc;
}

static int list_disk(const char *dir, char ***names, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t cnt = 0, cap = 0;
	int rc = 0;
	*names = NULL;
	*n = 0;
	if (!d) {
		if (errno == ENOENT || errno == ENOTDIR)
			return ge_error_set(GE_ENOTFOUND, "cannot list '%s': no such directory",
			                    dir);
		return ge_error_set(GE_ERROR, "cannot list '%s': %s", dir, strerror(errno));
	}
	while ((e = readdir(d)) != NULL) {
		int reg = ge_gopkg_listed_entry(dir, e->d_name, e->d_type);
		if (reg < 0) {
			rc = GE_ENOMEM;
			break;
		}
		if (!reg)
			continue;
		if (cnt == cap) {
			size_t nc = cap ? cap * 2 : 32;
			char **nv = realloc(v, nc * sizeof(*nv));
			if (!nv) {
				rc = GE_ENOMEM;
				break;
			}
			v = nv;
			cap = nc;
		}
		if (!(v[cnt] = ge_strdup(e->d_name))) {
			rc = GE_ENOMEM;
			break;
		}
		cnt++;
	}
	closedir(d);
	if (rc < 0) {
		ge_strv_free(v, cnt);
		return ge_error_set(GE_ENOMEM, "out of memory");
	}
	*names = v;
	*n = cnt;
	return 0;
}

int ge_gopkg_listed_entry(const char *dir, const char *name, unsigned char d_type)
{
	size_t len = strlen(name);
	char *full;
	struct stat st;
	int reg;
	if (len < 3 || strcmp(name + len - 3, ".go") != 0)
		return 0;
	/* A regular file by its entry needs no stat (which would say the
	 * same: it follows only symbolic links); links and unknowns do. */
	if (d_type == DT_REG)
		return 1;
	if (d_type != DT_LNK && d_type != DT_UNKNOWN)
		return 0;
	if (!(full = ge_path_join(dir, name)))
		return -1;
	reg = stat(full, &st) == 0 && S_ISREG(st.st_mode);
	free(full);
	return reg;
}

/* The listings of ge_gopkg_listing_add: open addressing on the directory. */
struct ge_gopkg_listing {
	struct listed {
		char *dir;
		size_t dirlen;
		char **names;
		size_t n;
		uint64_t h;
	} * v;
	size_t n, cap;
};

int ge_gopkg_listing_new(ge_gopkg_listing **out)
{
	if (!(*out = calloc(1, sizeof(**out))))
		return ge_error_set(GE_ENOMEM, "out of memory");
	return 0;
}

void ge_gopkg_listing_free(ge_gopkg_listing *l)
{
	size_t i;
	if (!l)
		return;
	for (i = 0; i < l->cap; i++)
		if (l->v[i].dir) {
			free(l->v[i].dir);
			ge_strv_free(l->v[i].names, l->v[i].n);
		}
	free(l->v);
	free(l);
}

static const struct listed *listing_find(const ge_gopkg_listing *l, const char *dir, size_t len)
{
	uint64_t h;
	size_t j;
	if (!l || !l->n)
		return NULL;
	h = ge_hash_bytes(GE_HASH_SEED, dir, len);
	for (j = h & (l->cap - 1); l->v[j].dir; j = (j + 1) & (l->cap - 1))
		if (l->v[j].h == h && l->v[j].dirlen == len && memcmp(l->v[j].dir, dir, len) == 0)
			return &l->v[j];
	return NULL;
}

int ge_gopkg_listing_add(ge_gopkg_listing *l, const char *dir, char *const *names, size_t n)
{
	size_t len = strlen(dir), i, j;
	struct listed e;
	if (listing_find(l, dir, len))
		return 0; /* the first listing stands */
	if ((l->n + 1) * 2 > l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 64;
		struct listed *nv = calloc(nc, sizeof(*nv));
		if (!nv)
			return ge_error_set(GE_ENOMEM, "out of memory");
		for (i = 0; i < l->cap; i++)
			if (l->v[i].dir) {
				for (j = l->v[i].h & (nc - 1); nv[j].dir; j = (j + 1) & (nc - 1))
					;
				nv[j] = l->v[i];
			}
		free(l->v);
		l->v = nv;
		l->cap = nc;
	}
	memset(&e, 0, sizeof(e));
	if (!(e.dir = ge_strdup(dir)) || (n && !(e.names = calloc(n, sizeof(*e.names)))))
		goto oom;
	for (e.n = 0; e.n < n; e.n++)
		if (!(e.names[e.n] = ge_strdup(names[e.n])))
			goto oom;
	e.dirlen = len;
	e.h = ge_hash_bytes(GE_HASH_SEED, dir, len);
	for (j = e.h & (l->cap - 1); l->v[j].dir; j = (j + 1) & (l->cap - 1))
		;
	l->v[j] = e;
	l->n++;
	return 0;
oom:
	free(e.dir);
	ge_strv_free(e.names, e.n);
	return ge_error_set(GE_ENOMEM, "out of memory");
}

int ge_gopkg_listing_has(const ge_gopkg_listing *l, const char *dir, size_t dirlen,
                         const char *name)
{
	const struct listed *e = listing_find(l, dir, dirlen);
	size_t i;
	if (!e)
		return -1;
	for (i = 0; i < e->n; i++)
		if (strcmp(e->names[i], name) == 0)
			return 1;
	return 0;
}

static int listed_list(void *ud, const char *dir, char ***names, size_t *n)
{
	const struct listed *e = listing_find(ud, dir, strlen(dir));
	char **v;
	size_t i;
	if (!e)
		return list_disk(dir, names, n);
	*names = NULL;
	*n = 0;
	if (!e->n)
		return 0;
	if (!(v = calloc(e->n, sizeof(*v))))
		return ge_error_set(GE_ENOMEM, "out of memory");
	for (i = 0; i < e->n; i++)
		if (!(v[i] = ge_strdup(e->names[i]))) {
			ge_strv_free(v, i);
			return ge_error_set(GE_ENOMEM, "out of memory");
		}
	*names = v;
	*n = e->n;
	return 0;
}

static int listed_read(void *ud, const char *path, size_t max, ge_buf *out)
{
	(void)ud;
	return read_disk(path, max, out);
}

void ge_gopkg_source_listed(ge_gopkg_source *out, const ge_gopkg_listing *l)
{
	out->list = listed_list;
	out->read = listed_read;
	out->ud = (void *)l;
}

static int wt_list(void *ud, const char *dir, char ***names, size_t *n)
{
	(void)ud;
	return list_disk(dir, names, n);
}

static int wt_read(void *ud, const char *path, size_t max, ge_buf *out)
{
	(void)ud;
	return read_disk(path, max, out);
}

void ge_gopkg_source_worktree(ge_gopkg_source *out)
{
	out->list = wt_list;
	out->read = wt_read;
	out->ud = NULL;
}

/* The overlay entry of a real path, or -1. */
static long ov_find(const ge_gopkg_overlay *ov, const char *real)
{
	size_t i;
	for (i = 0; i < ov->n; i++)
		if (strcmp(ov->real[i], real) == 0)
			return (long)i;
	return -1;
}

/* Is real directly inside dir?  Then *base is its name there. */
static int in_dir(const char *real, const char *dir, const char **base)
{
	size_t dl = strlen(dir);
	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	if (strncmp(real, dir, dl) != 0 || real[dl] != '/' || strchr(real + dl + 1, '/'))
		return 0;
	*base = real + dl + 1;
	return 1;
}

static int ov_list(void *ud, const char *dir, char ***names, size_t *n)
{
	const ge_gopkg_overlay *ov = ud;
	char **v = NULL;
	size_t cnt = 0, i, j;
	int rc = list_disk(dir, &v, &cnt);
	if (rc == GE_ENOTFOUND) { /* the directory may exist only in the overlay */
		v = NULL;
		cnt = 0;
	} else if (rc < 0) {
		return rc;
	}
	/* Drop what the overlay deletes. */
	for (i = 0, j = 0; i < cnt; i++) {
		char *full = ge_path_join(dir, v[i]);
		long k;
		if (!full) {
			for (; i < cnt; i++)
				free(v[i]);
			ge_strv_free(v, j);
			return ge_error_set(GE_ENOMEM, "out of memory");
		}
		k = ov_find(ov, full);
		free(full);
		if (k >= 0 && !ov->backing[k][0])
			free(v[i]);
		else
			v[j++] = v[i];
	}
	cnt = j;
	/* Add what it creates. */
	for (i = 0; i < ov->n; i++) {
		const char *base;
		char **nv;
		size_t len;
		int dup = 0;
		if (!ov->backing[i][0] || !in_dir(ov->real[i], dir, &base))
			continue;
		len = strlen(base);
		if (len < 3 || strcmp(base + len - 3, ".go") != 0)
			continue;
		for (j = 0; j < cnt && !dup; j++)
			dup = strcmp(v[j], base) == 0;
		if (dup)
			continue;
		nv = realloc(v, (cnt + 1) * sizeof(*nv));
		if (!nv || !(nv[cnt] = ge_strdup(base))) {
			ge_strv_free(nv ? nv : v, cnt);
			return ge_error_set(GE_ENOMEM, "out of memory");
		}
		v = nv;
		cnt++;
	}
	if (!cnt && rc == GE_ENOTFOUND)
		return ge_error_set(GE_ENOTFOUND, "cannot list '%s': no such directory", dir);
	*names = v;
	*n = cnt;
	return 0;
}

static int ov_read(void *ud, const char *path, size_t max, ge_buf *out)
{
	const ge_gopkg_overlay *ov = ud;
	long k = ov_find(ov, path);
	if (k < 0)
		return read_disk(path, max, out);
	if (!ov->backing[k][0])
		return ge_error_set(GE_ENOTFOUND, "cannot read '%s': deleted in the overlay", path);
	return read_disk(ov->backing[k], max, out);
}

void ge_gopkg_source_overlay(ge_gopkg_source *out, const ge_gopkg_overlay *ov)
{
	out->list = ov_list;
	out->read = ov_read;
	out->ud = (void *)(uintptr_t)ov; /* only read through */
}

/* One text of the caller's at one path; every other path does not exist. */
static int text_list(void *ud, const char *dir, char ***names, size_t *n)
{
	const ge_gopkg_text_file *t = ud;
	const char *base;
	*names = NULL;
	*n = 0;
	if (!in_dir(t->path, dir, &base))
		return 0;
	if (!(*names = calloc(1, sizeof(char *))) || !((*names)[0] = ge_strdup(base))) {
		free(*names);
		*names = NULL;
		return ge_error_set(GE_ENOMEM, "out of memory");
	}
	*n = 1;
	return 0;
}

static int text_read(void *ud, const char *path, size_t max, ge_buf *out)
{
	const ge_gopkg_text_file *t = ud;
	if (strcmp(path, t->path) != 0)
		return ge_error_set(GE_ENOTFOUND, "cannot read '%s': no such file", path);
	return ge_buf_put(out, t->text, max && max < t->len ? max : t->len);
}

void ge_gopkg_source_text(ge_gopkg_source *out, const ge_gopkg_text_file *t)
{
	out->list = text_list;
	out->read = text_read;
	out->ud = (void *)t;
}

/* ------------------------------------------------------------------ */
/* The view                                                           */

typedef struct closure_ent {
	char *name;
	uint64_t hash;
} closure_ent;

struct ge_gopkg_file {
	ge_gopkg *pkg;
	char *name;
	char *path;
	int compiled;
	int counted; /* scanned: gf, src, nglob, ninit known */
	int based;   /* the package base is applied */
	uint32_t nglob, ninit;
	ge_gofile *gf; /* NULL until asked for */
	char *src;     /* its text, for the lexer-based questions */
	size_t len;
	int marks_done, clos_done;
	uint32_t *marks; /* lines holding the mark in a comment, ascending */
	size_t nmarks;
	closure_ent *clos; /* sorted by name */
	size_t nclos;
	/* The file's tokens (over src once scanned, over held before): lexed
	 * once, by the header read when it read the whole file, else by
	 * file_scan(), and shared by gosrc's parse, the marks, the closures and
	 * the expression questions; toks NULL until then. */
	ge_golex lx;
	ge_gostmt_file *stmts; /* the statement view, NULL until asked for */
	/* The whole file as classify() read it (shorter than the header
	 * prefix), for file_scan() to parse without reading it again. */
	ge_buf held;
	int has_held;
};

struct ge_gopkg {
	char *dir;
	ge_gopkg_source src;
	ge_gopkg_build build;
	ge_gopkg_file **files; /* compile order */
	size_t nfiles;
	ge_gopkg_file **extra; /* asked for, not compiled */
	size_t nextra;
	ge_gopkg_stats st;
};

static void file_free(ge_gopkg_file *f)
{
	size_t i;
	if (!f)
		return;
	free(f->name);
	free(f->path);
	ge_gofile_free(f->gf);
	free(f->src);
	ge_buf_release(&f->held);
	free(f->marks);
	for (i = 0; i < f->nclos; i++)
		free(f->clos[i].name);
	free(f->clos);
	ge_golex_release(&f->lx);
	ge_gostmt_free(f->stmts);
	free(f);
}

void ge_gopkg_free(ge_gopkg *p)
{
	size_t i;
	if (!p)
		return;
	for (i = 0; i < p->nfiles; i++)
		file_free(p->files[i]);
	for (i = 0; i < p->nextra; i++)
		file_free(p->extra[i]);
	free(p->files);
	free(p->extra);
	free(p->dir);
	free(p);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static ge_gopkg_file *file_new(ge_gopkg *p, const char *name)
{
	ge_gopkg_file *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->pkg = p;
	if (!(f->name = ge_strdup(name)) || !(f->path = ge_path_join(p->dir, name))) {
		file_free(f);
		return NULL;
	}
	return f;
}

/* Read a candidate's header; *keep is 1 for GoFiles, 2 for cgo files, 3 for
 * internal tests, 0 when excluded. */
static int classify(ge_gopkg *p, const char *name, int is_test, int *keep, char **pkgname,
                    ge_buf *held, int *has_held, ge_golex *toks)
{
	ge_golex lx = GE_GOLEX_INIT;
	ge_buf b = GE_BUF_INIT;
	char *path = ge_path_join(p->dir, name);
	ge_gopkg__header h;
	int rc, whole;
	*keep = 0;
	*pkgname = NULL;
	memset(&h, 0, sizeof(h));
	if (!path)
		return ge_error_set(GE_ENOMEM, "out of memory");
	rc = p->src.read(p->src.ud, path, HEADER_PREFIX, &b);
	if (rc < 0)
		goto done;
	p->st.headers++;
	p->st.bytes += b.len;
	p->st.header_bytes += b.len;
	whole = b.len < HEADER_PREFIX;
	rc = ge_gopkg__header_read(&h, b.ptr, b.len, whole, &p->build, path, whole ? &lx : NULL);
	if (rc == 0 && !h.complete && !whole) {
		/* A header longer than the prefix: read it all. */
		ge_buf_clear(&b);
		free(h.pkg);
		h.pkg = NULL;
		if ((rc = p->src.read(p->src.ud, path, 0, &b)) < 0)
			goto done;
		p->st.bytes += b.len;
		p->st.header_bytes += b.len;
		rc = ge_gopkg__header_read(&h, b.ptr, b.len, 1, &p->build, path, NULL);
	}
	if (rc < 0)
		goto done;
	if (h.ok && (!h.cgo || p->build.cgo))
		*keep = is_test ? 3 : h.cgo ? 2 : 1;
	*pkgname = h.pkg;
	h.pkg = NULL;
	if (*keep && whole) { /* all of it: file_scan() need not read or lex it again */
		*held = b;
		*has_held = 1;
		b = (ge_buf)GE_BUF_INIT;
		*toks = lx;
		lx = (ge_golex)GE_GOLEX_INIT;
	}
done:
	ge_golex_release(&lx);
	free(h.pkg);
	free(path);
	ge_buf_release(&b);
	return rc;
}

int ge_gopkg_open(ge_gopkg **out, const char *dir, const ge_gopkg_source *src,
                  const ge_gopkg_build *build)
{
	ge_gopkg *p = NULL;
	char **names = NULL, **pkgs = NULL;
	int *keep = NULL, *has_held = NULL;
	ge_buf *held = NULL;
	ge_golex *toks = NULL;
	size_t n = 0, i, pass;
	const char *main_pkg = NULL;
	int rc;
	assert(out && dir && src && src->list && src->read && build);
	*out = NULL;
	if (!(p = calloc(1, sizeof(*p))) || !(p->dir = ge_strdup(dir))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	p->src = *src;
	p->build = *build;
	if ((rc = src->list(src->ud, dir, &names, &n)) < 0)
		goto done;
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	keep = calloc(n ? n : 1, sizeof(*keep));
	pkgs = calloc(n ? n : 1, sizeof(*pkgs));
	p->files = calloc(n ? n : 1, sizeof(*p->files));
	held = calloc(n ? n : 1, sizeof(*held));
	has_held = calloc(n ? n : 1, sizeof(*has_held));
	toks = calloc(n ? n : 1, sizeof(*toks)); /* all-zero: GE_GOLEX_INIT */
	if (!keep || !pkgs || !p->files || !held || !has_held || !toks) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		size_t len = strlen(names[i]);
		int is_test = len > 8 && strcmp(names[i] + len - 8, "_test.go") == 0;
		if (!ge_gopkg_name_ok(names[i], build) || (is_test && !build->tests))
			continue;
		p->st.candidates++;
		if ((rc = classify(p, names[i], is_test, &keep[i], &pkgs[i], &held[i], &has_held[i],
		                   &toks[i])) < 0)
			goto done;
		if (keep[i] && keep[i] != 3 && !main_pkg && pkgs[i])
			main_pkg = pkgs[i];
	}
	/* GoFiles, then CgoFiles, then the internal TestGoFiles (those of the
	 * package's own name; "p_test" files are another package). */
	for (pass = 1; pass <= 3; pass++)
		for (i = 0; i < n; i++) {
			if (keep[i] != (int)pass)
				continue;
			if (pass == 3 && main_pkg && pkgs[i] && strcmp(pkgs[i], main_pkg) != 0)
				continue;
			if (!(p->files[p->nfiles] = file_new(p, names[i]))) {
				rc = ge_error_set(GE_ENOMEM, "out of memory");
				goto done;
			}
			p->files[p->nfiles]->held = held[i];
			p->files[p->nfiles]->has_held = has_held[i];
			held[i] = (ge_buf)GE_BUF_INIT;
			has_held[i] = 0;
			p->files[p->nfiles]->lx = toks[i];
			toks[i] = (ge_golex)GE_GOLEX_INIT;
			p->files[p->nfiles++]->compiled = 1;
		}
	p->st.compiled = p->nfiles;
	*out = p;
	p = NULL;
	rc = 0;
done:
	ge_strv_free(names, n);
	if (pkgs)
		ge_strv_free(pkgs, n);
	free(keep);
	for (i = 0; held && i < n; i++)
		ge_buf_release(&held[i]);
	for (i = 0; toks && i < n; i++)
		ge_golex_release(&toks[i]);
	free(toks);
	free(held);
	free(has_held);
	ge_gopkg_free(p);
	return rc;
}

int ge_gopkg_open_files(ge_gopkg **out, const char *dir, const ge_gopkg_source *src)
{
	ge_gopkg *p;
	assert(out && dir && src && src->read);
	*out = NULL;
	if (!(p = calloc(1, sizeof(*p))) || !(p->dir = ge_strdup(dir))) {
		free(p);
		return ge_error_set(GE_ENOMEM, "out of memory");
	}
	p->src = *src;
	*out = p;
	return 0;
}

size_t ge_gopkg_nfiles(const ge_gopkg *p)
{
	return p->nfiles;
}

const char *ge_gopkg_file_name(const ge_gopkg *p, size_t i)
{
	return i < p->nfiles ? p->files[i]->name : NULL;
}

void ge_gopkg_stats_get(ge_gopkg_stats *out, const ge_gopkg *p)
{
	*out = p->st;
}

/* Read and scan one file. */
static int file_scan(ge_gopkg_file *f)
{
	ge_buf b = GE_BUF_INIT;
	int rc = 0;
	if (f->has_held) { /* read whole with its header */
		b = f->held;
		f->held = (ge_buf)GE_BUF_INIT;
		f->has_held = 0;
	} else if ((rc = f->pkg->src.read(f->pkg->src.ud, f->path, 0, &b)) < 0) {
		goto done;
	} else {
		f->pkg->st.bytes += b.len;
	}
	f->pkg->st.scanned++;
	if (!f->lx.toks && (rc = ge_golex_scan(&f->lx, b.ptr, b.len)) < 0)
		goto done;
	if ((rc = ge_gofile_parse_lexed(&f->gf, b.ptr, b.len, &f->lx)) < 0)
		goto done;
	ge_gofile_package_counts(f->gf, &f->nglob, &f->ninit);
	f->counted = 1;
	f->len = b.len;
	f->src = ge_buf_detach(&b);
	if (!f->src && !(f->src = ge_strdup(""))) /* an empty file */
		rc = ge_error_set(GE_ENOMEM, "out of memory");
	f->lx.src = f->src; /* the same bytes (tokens are offsets), now in f */
done:
	if (rc < 0)
		ge_golex_release(&f->lx);
	ge_buf_release(&b);
	return rc;
}

/* Count a file that precedes the one asked for.  It stays scanned: asked
 * for later, it is not read again. */
static int file_count(ge_gopkg_file *f)
{
	return f->counted ? 0 : file_scan(f);
}

/* Apply the package-wide base to a compiled file: scan (count) the files
 * before it in compile order.  Done only when a name needs it. */
static int file_base(ge_gopkg_file *f)
{
	ge_gopkg *p = f->pkg;
	uint32_t glob = 0, init = 0;
	size_t i;
	int rc;
	if (f->based)
		return 0;
	if (f->compiled && (f->nglob || f->ninit)) {
		for (i = 0; i < p->nfiles && p->files[i] != f; i++) {
			if ((rc = file_count(p->files[i])) < 0)
				return rc;
			glob += p->files[i]->nglob;
			init += p->files[i]->ninit;
		}
		if ((glob || init) && (rc = ge_gofile_set_package_base(f->gf, glob, init)) < 0)
			return rc;
	}
	f->based = 1;
	return 0;
}

int ge_gopkg_get(ge_gopkg_file **out, ge_gopkg *p, const char *name)
{
	size_t i, k;
	ge_gopkg_file *f, **v;
	int rc;
	assert(out && p && name);
	*out = NULL;
	for (k = 0; k < p->nfiles && strcmp(p->files[k]->name, name) != 0; k++)
		;
	if (k == p->nfiles) {
		for (i = 0; i < p->nextra; i++)
			if (strcmp(p->extra[i]->name, name) == 0) {
				*out = p->extra[i];
				return 0;
			}
		if (!(f = file_new(p, name)))
			return ge_error_set(GE_ENOMEM, "out of memory");
		if ((rc = file_scan(f)) < 0) {
			file_free(f);
			return rc;
		}
		f->based = 1; /* alone */
		if (!(v = realloc(p->extra, (p->nextra + 1) * sizeof(*v)))) {
			file_free(f);
			return ge_error_set(GE_ENOMEM, "out of memory");
		}
		p->extra = v;
		p->extra[p->nextra++] = f;
		*out = f;
		return 0;
	}
	f = p->files[k];
	if ((rc = file_count(f)) < 0)
		return rc;
	*out = f;
	return 0;
}

int ge_gopkg_file_compiled(const ge_gopkg_file *f)
{
	return f->compiled;
}

const ge_gofile *ge_gopkg_gofile(const ge_gopkg_file *f)
{
	return f->gf;
}

int ge_gopkg_file_has_func(const ge_gopkg_file *f)
{
	return f->gf && ge_gofile_has_func(f->gf);
}

const char *ge_gopkg_func_at(ge_gopkg_file *f, uint32_t line, uint32_t col)
{
	/* Only init functions and package-level closures ("init.N...",
	 * "init.funcN...") depend on the files before this one, and only a
	 * file that has some gets a base.  It is applied before the first
	 * answer, so that no name handed out is renamed afterwards. */
	if (!f->based && (f->nglob || f->ninit) && file_base(f) < 0)
		return NULL;
	return ge_gofile_func_at(f->gf, line, col);
}

const char *ge_gopkg_func_line(ge_gopkg_file *f, uint32_t line, uint32_t col, int *uniform)
{
	*uniform = 0;
	if (!f->based && (f->nglob || f->ninit) && file_base(f) < 0)
		return NULL;
	return ge_gofile_func_line(f->gf, line, col, uniform);
}

const char *ge_gopkg_line(const ge_gopkg_file *f, uint32_t line, size_t *len)
{
	return ge_gofile_line(f->gf, line, len);
}

uint64_t ge_gopkg_line_hash(const ge_gopkg_file *f, uint32_t line)
{
	return ge_gofile_line_hash(f->gf, line);
}

/* ------------------------------------------------------------------ */
/* Comments                                                           */

static int add_mark(uint32_t **v, size_t *n, size_t *cap, uint32_t line)
{
	if (*n && (*v)[*n - 1] == line)
		return 0;
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		uint32_t *nv = realloc(*v, nc * sizeof(*nv));
		if (!nv)
			return GE_ENOMEM;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = line;
	return 0;
}

/* The line token t ends on (a raw string or a general comment spans
 * lines): the comment walks below skip each token with it. */
static uint32_t tok_end_line(const ge_golex *lx, uint32_t t)
{
	uint32_t line = lx->toks[t].line;
	size_t i;
	for (i = lx->toks[t].off; i < (size_t)lx->toks[t].off + lx->toks[t].len; i++)
		line += lx->src[i] == '\n';
	return line;
}

/*
 * The lines on which a comment holds the mark.  Comments are what lies
 * between golex's tokens (white space aside), so a string or rune literal
 * is never searched.
 */
static int find_marks(const ge_golex *lx, uint32_t **marks, size_t *nmarks)
{
	const char *src = lx->src;
	size_t cap = 0, m = sizeof(mark) - 1;
	uint32_t t, line = 1;
	size_t i = 0;
	*marks = NULL;
	*nmarks = 0;
	for (t = 0; t < lx->ntoks; t++) {
		size_t end = lx->toks[t].off;
		while (i < end) {
			if (src[i] == '\n') {
				line++;
				i++;
			} else if (src[i] == '/' && i + 1 < end &&
			           (src[i + 1] == '/' || src[i + 1] == '*')) {
				int block = src[i + 1] == '*';
				size_t j = i;
				for (; j < end; j++) {
					if (block && src[j] == '*' && j + 1 < end &&
					    src[j + 1] == '/') {
						j += 2;
						break;
					}
					if (!block && src[j] == '\n')
						break;
					if (src[j] == '/' && end - j >= m &&
					    memcmp(src + j, mark, m) == 0 &&
					    add_mark(marks, nmarks, &cap, line) < 0) {
						free(*marks);
						*marks = NULL;
						*nmarks = 0;
						return ge_error_set(GE_ENOMEM, "out of memory");
					}
					if (src[j] == '\n')
						line++;
				}
				i = j;
			} else {
				i++;
			}
		}
		line = tok_end_line(lx, t);
		i = (size_t)lx->toks[t].off + lx->toks[t].len;
	}
	return 0;
}

static int has_mark(const uint32_t *v, size_t n, uint32_t line)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo] == line;
}

static int cmp_clos(const void *a, const void *b)
{
	return strcmp(((const closure_ent *)a)->name, ((const closure_ent *)b)->name);
}

static void clos_clear(ge_gopkg_file *f)
{
	size_t i;
	for (i = 0; i < f->nclos; i++)
		free(f->clos[i].name);
	free(f->clos);
	f->clos = NULL;
	f->nclos = 0;
}

/*
 * Lex the file for its comments (the marks) and, when closures is set, for
 * its closures' first lines; each is done once.  The marks need this file
 * alone; the closures' names need the package base.
 */
static int file_lex(ge_gopkg_file *f, int closures)
{
	const ge_golex *lx;
	size_t cap = 0;
	uint32_t t;
	int rc;
	if (f->marks_done && (!closures || f->clos_done))
		return 0;
	if (closures && (rc = file_base(f)) < 0)
		return rc;
	if (!f->lx.toks && (rc = ge_golex_scan(&f->lx, f->src, f->len)) < 0)
		return rc;
	lx = &f->lx;
	if (!f->marks_done) {
		if ((rc = find_marks(lx, &f->marks, &f->nmarks)) < 0)
			goto done;
		f->marks_done = 1;
	}
	if (!closures)
		goto done;
	/* A closure: a "func (" whose '(' gosrc puts in another function than
	 * the keyword (a method's receiver list is its own function's). */
	for (t = 0; t + 1 < lx->ntoks; t++) {
		const ge_golex_tok *k = &lx->toks[t], *lp = &lx->toks[t + 1];
		const char *outer, *inner;
		if (k->kind != GE_GOLEX_FUNC || lp->kind != GE_GOLEX_LPAREN)
			continue;
		outer = ge_gofile_func_at(f->gf, k->line, k->col);
		inner = ge_gofile_func_at(f->gf, lp->line, lp->col);
		if (!inner[0] || strcmp(outer, inner) == 0)
			continue;
		if (f->nclos == cap) {
			size_t nc = cap ? cap * 2 : 8;
			closure_ent *nv = realloc(f->clos, nc * sizeof(*nv));
			if (!nv) {
				rc = ge_error_set(GE_ENOMEM, "out of memory");
				goto done;
			}
			f->clos = nv;
			cap = nc;
		}
		if (!(f->clos[f->nclos].name = ge_strdup(inner))) {
			rc = ge_error_set(GE_ENOMEM, "out of memory");
			goto done;
		}
		f->clos[f->nclos++].hash = ge_gofile_line_hash(f->gf, k->line);
	}
	if (f->nclos)
		qsort(f->clos, f->nclos, sizeof(*f->clos), cmp_clos);
	f->clos_done = 1;
done:
	if (rc < 0 && closures)
		clos_clear(f);
	return rc;
}

int ge_gopkg_ignored(ge_gopkg_file *f, uint32_t line)
{
	int rc;
	if (!line)
		return 0;
	if ((rc = file_lex(f, 0)) < 0)
		return rc;
	return has_mark(f->marks, f->nmarks, line) || has_mark(f->marks, f->nmarks, line - 1);
}

int ge_gopkg_text_ignored(const char *src, size_t len, uint32_t line)
{
	ge_golex lx = GE_GOLEX_INIT;
	uint32_t *marks = NULL;
	size_t n = 0;
	int rc;
	if (!line)
		return 0;
	if ((rc = ge_golex_scan(&lx, src, len)) < 0)
		return rc;
	rc = find_marks(&lx, &marks, &n);
	if (rc == 0)
		rc = has_mark(marks, n, line) || has_mark(marks, n, line - 1);
	free(marks);
	ge_golex_release(&lx);
	return rc;
}

const char *ge_gopkg_text(const ge_gopkg_file *f, size_t *len)
{
	*len = f->len;
	return f->src;
}

int ge_gopkg_gostmt(const ge_gostmt_file **out, ge_gopkg_file *f)
{
	int rc;
	assert(out && f);
	*out = NULL;
	if (!f->stmts && (rc = ge_gostmt_parse(&f->stmts, f->src, f->len)) < 0)
		return rc;
	*out = f->stmts;
	return 0;
}

int ge_gopkg_expr_end(uint32_t *end_col, ge_gopkg_file *f, uint32_t line, uint32_t col)
{
	size_t start, eol, end;
	int rc;
	assert(end_col && f);
	*end_col = 0;
	if (!f->lx.toks && (rc = ge_golex_scan(&f->lx, f->src, f->len)) < 0)
		return rc;
	if (!line || !col || line > f->lx.nlines)
		return GE_ENOTFOUND;
	start = f->lx.lines[line - 1];
	eol = line < f->lx.nlines ? f->lx.lines[line] - 1 : f->len;
	if (eol > start && f->src[eol - 1] == '\r')
		eol--;
	if (col - 1 >= eol - start)
		return GE_ENOTFOUND;
	end = ge_golex_expr_end(&f->lx, start + col - 1);
	if (end > eol)
		end = eol;
	*end_col = (uint32_t)(end - start) + 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Assertion directives                                               */

int ge_gopkg_may_have_directives(const char *src, size_t len)
{
	const char *p = src, *e = src + len;
	/* "goescape:" and "gcassert:" both have ':' at index 8. */
	while (p + 9 <= e && (p = memchr(p + 8, ':', (size_t)(e - p - 8))) != NULL) {
		if (memcmp(p - 8, "goescape", 8) == 0 || memcmp(p - 8, "gcassert", 8) == 0)
			return 1;
		p -= 7;
	}
	return 0;
}

/*
 * After a comment ending at i (its '\n' not included), up to end (the next
 * token): 1 when only comments and white space lie between with no blank
 * line, so the comment belongs to the group directly above that token.
 */
static int group_reaches(const char *src, size_t i, size_t end)
{
	int blank = 0; /* on a line with nothing but white space so far */
	while (i < end) {
		char c = src[i];
		if (c == '\n') {
			if (blank)
				return 0;
			blank = 1;
			i++;
		} else if (c == ' ' || c == '\t' || c == '\r') {
			i++;
		} else if (c == '/' && i + 1 < end && src[i + 1] == '/') {
			while (i < end && src[i] != '\n')
				i++;
			blank = 0;
		} else if (c == '/' && i + 1 < end && src[i + 1] == '*') {
			for (i += 2; i + 1 < end && !(src[i] == '*' && src[i + 1] == '/'); i++)
				;
			i += 2;
			blank = 0;
		} else {
			i++;
			blank = 0;
		}
	}
	return 1;
}

static int add_directive(ge_gopkg_directive **v, size_t *n, size_t *cap,
                         const ge_gopkg_directive *d)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		ge_gopkg_directive *nv = realloc(*v, nc * sizeof(*nv));
		if (!nv)
			return ge_error_set(GE_ENOMEM, "out of memory");
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = *d;
	return 0;
}

/* Is line's first token "func" outside every brace?  depth[t] is the brace depth at token t. */
static int starts_decl(const ge_golex *lx, const uint32_t *depth, uint32_t line)
{
	uint32_t lo = 0, hi = lx->ntoks;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (lx->toks[mid].line < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo < lx->ntoks && lx->toks[lo].line == line && lx->toks[lo].len == 0)
		lo++;
	return lo < lx->ntoks && lx->toks[lo].line == line && lx->toks[lo].kind == GE_GOLEX_FUNC &&
	       depth[lo] == 0;
}

int ge_gopkg_directives(ge_gopkg_directive **out, size_t *n, const ge_golex *lx)
{
	const char *src = lx->src;
	ge_gopkg_directive *v = NULL;
	uint32_t *depth = NULL, t, d = 0, line = 1;
	size_t cap = 0, nv = 0, i = 0;
	int rc = 0;
	*out = NULL;
	*n = 0;
	if (!(depth = malloc(((size_t)lx->ntoks + 1) * sizeof(*depth))))
		return ge_error_set(GE_ENOMEM, "out of memory");
	for (t = 0; t < lx->ntoks; t++) {
		if (lx->toks[t].kind == GE_GOLEX_RBRACE && d)
			d--;
		depth[t] = d;
		if (lx->toks[t].kind == GE_GOLEX_LBRACE)
			d++;
	}
	for (t = 0; t < lx->ntoks && rc == 0; t++) {
		size_t end = lx->toks[t].off;
		while (i < end && rc == 0) {
			if (src[i] == '\n') {
				line++;
				i++;
			} else if (src[i] == '/' && i + 1 < end && src[i + 1] == '*') {
				for (i += 2; i + 1 < end && !(src[i] == '*' && src[i + 1] == '/');
				     i++)
					if (src[i] == '\n')
						line++;
				i += 2;
			} else if (src[i] == '/' && i + 1 < end && src[i + 1] == '/') {
				size_t j = i, k;
				ge_gopkg_directive dv;
				int gc = 0;
				while (j < end && src[j] != '\n')
					j++;
				if (j - i >= 11 && memcmp(src + i, "//goescape:", 11) == 0)
					gc = 0;
				else if (j - i >= 11 && memcmp(src + i, "//gcassert:", 11) == 0)
					gc = 1;
				else {
					i = j;
					continue;
				}
				if (!gc && j - i >= 17 &&
				    memcmp(src + i, "//goescape:ignore", 17) == 0 &&
				    (j - i == 17 || src[i + 17] == ' ' || src[i + 17] == '\t' ||
				     src[i + 17] == '\r')) {
					i = j;
					continue;
				}
				memset(&dv, 0, sizeof(dv));
				dv.line = line;
				dv.col = (uint32_t)(i - lx->lines[line - 1]) + 1;
				dv.gcassert = gc;
				dv.list = src + i + 11;
				dv.list_len = j - i - 11;
				while (dv.list_len && (dv.list[dv.list_len - 1] == '\r' ||
				                       dv.list[dv.list_len - 1] == ' ' ||
				                       dv.list[dv.list_len - 1] == '\t'))
					dv.list_len--;
				/* The last written token before the comment. */
				for (k = t; k > 0 && lx->toks[k - 1].len == 0; k--)
					;
				if (k > 0 && lx->toks[k - 1].line == line) {
					dv.trailing = 1;
					dv.target = line;
				} else {
					uint32_t u = t;
					while (u < lx->ntoks && lx->toks[u].len == 0 &&
					       lx->toks[u].kind != GE_GOLEX_EOF)
						u++;
					if (u < lx->ntoks && lx->toks[u].kind != GE_GOLEX_EOF &&
					    group_reaches(src, j, lx->toks[u].off))
						dv.target = lx->toks[u].line;
				}
				if (dv.target)
					dv.decl = starts_decl(lx, depth, dv.target);
				rc = add_directive(&v, &nv, &cap, &dv);
				i = j;
			} else {
				i++;
			}
		}
		line = tok_end_line(lx, t);
		i = (size_t)lx->toks[t].off + lx->toks[t].len;
	}
	free(depth);
	if (rc < 0) {
		free(v);
		return rc;
	}
	*out = v;
	*n = nv;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Match keys                                                         */

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Length of the digits at s, when they end at '\0' or '.'; else 0. */
static size_t ordinal(const char *s)
{
	size_t n = 0;
	while (is_digit(s[n]))
		n++;
	return n && (s[n] == '\0' || s[n] == '.') ? n : 0;
}

/* Append the key of the ordinal ending at func[0, end): "#hash" or "*". */
static int put_ordinal(ge_buf *out, const char *func, size_t end,
                       int (*fn)(void *, const char *, size_t, uint64_t *), void *ud)
{
	uint64_t h = 0;
	if (fn && fn(ud, func, end, &h) > 0)
		return ge_buf_printf(out, "#%016llx", (unsigned long long)h);
	return ge_buf_putc(out, '*');
}

int ge_gopkg_match_key_hashed(ge_buf *out, const char *func,
                              int (*fn)(void *ud, const char *prefix, size_t len, uint64_t *hash),
                              void *ud)
{
	const char *s, *q;
	size_t n;
	int rc = 0;
	assert(out && func);
	s = func;
	/* "init.N": an init function, by its ordinal in the package. */
	if (strncmp(s, "init.", 5) == 0 && (n = ordinal(s + 5)) > 0) {
		rc |= ge_buf_puts(out, "init.*");
		s += 5 + n;
	}
	/* The first ".funcN" starts the closures; ".N" after it nests them. */
	for (q = s; (q = strstr(q, ".func")) != NULL; q++)
		if ((n = ordinal(q + 5)) > 0)
			break;
	if (!q)
		return (ge_buf_puts(out, s) | rc) ? ge_error_set(GE_ENOMEM, "out of memory") : 0;
	rc |= ge_buf_put(out, s, (size_t)(q - s) + 5);
	s = q + 5;
	for (;;) {
		rc |= put_ordinal(out, func, (size_t)(s - func) + n, fn, ud);
		s += n;
		if (*s != '.' || !(n = ordinal(s + 1)))
			break;
		rc |= ge_buf_putc(out, '.');
		s++;
	}
	rc |= ge_buf_puts(out, s);
	return rc ? ge_error_set(GE_ENOMEM, "out of memory") : 0;
}

int ge_gopkg_match_key(ge_buf *out, const char *func)
{
	return ge_gopkg_match_key_hashed(out, func, NULL, NULL);
}

static int file_closure_hash(void *ud, const char *prefix, size_t len, uint64_t *hash)
{
	const ge_gopkg_file *f = ud;
	size_t lo = 0, hi = f->nclos;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *nm = f->clos[mid].name;
		int c = strncmp(nm, prefix, len);
		if (c == 0 && nm[len])
			c = 1;
		if (c == 0) {
			*hash = f->clos[mid].hash;
			return 1;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int ge_gopkg_file_match_key(ge_buf *out, ge_gopkg_file *f, const char *func)
{
	int rc = file_lex(f, 1);
	if (rc < 0)
		return rc;
	return ge_gopkg_match_key_hashed(out, func, file_closure_hash, f);
}
