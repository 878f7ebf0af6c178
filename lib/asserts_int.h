/*
 * lib/asserts' private types, shared by asserts.c (the walk, the builds, the
 * verdicts) and asserts_dir.c (the directives of a file).
 */
#ifndef GE_ASSERTS_INT_H
#define GE_ASSERTS_INT_H

#include "asserts.h"
#include "golex.h"
#include "gopkg.h"

#include <stdlib.h>
#include <string.h>

typedef struct afile {
	char *rel;  /* module-relative path */
	char *path; /* absolute */
	size_t pkg;
	ge_buf src;
	uint32_t *lines; /* offsets where lines start (golex's table) */
	uint32_t nlines;
} afile;

typedef struct apkg {
	char *dir, *ip, *name;
	char **files; /* compiled base names */
	size_t nfiles;
	char **types; /* type names declared, when asked (types_done) */
	size_t ntypes;
	int types_done, has_bce;
} apkg;

typedef struct acall {
	char *name;    /* the called identifier */
	char *display; /* "b.NoInline", "t.Slow", "F" */
} acall;

typedef struct aassert {
	ge_assert_kind kind;
	size_t file;
	uint32_t target, dline, dcol;
	uint32_t cut; /* a trailing directive's column: where the annotated text ends */
	int decl;
	char *fname;  /* function-level inline: the function's name */
	int method;   /* ... declared with a receiver */
	char *recv;   /* its receiver's type name */
	acall *calls; /* statement inline */
	size_t ncalls;
} aassert;

typedef struct state {
	ge_history *h;
	const ge_assert_opts *o;
	const char *top;
	char **scope;
	size_t nscope;
	apkg *pkgs;
	size_t npkgs, pkgs_cap;
	afile *files;
	size_t nfiles, files_cap;
	aassert *as;
	size_t nas, as_cap;
	ge_assert_result *res;
	size_t res_cap;
} state;

static inline int oom(void)
{
	return ge_error_set(GE_ENOMEM, "out of memory");
}

#define GROW(v, n, cap) (((n) < (cap)) ? 0 : grow((void **)&(v), &(cap), sizeof(*(v))))

static inline int grow(void **v, size_t *cap, size_t size)
{
	size_t nc = *cap ? *cap * 2 : 16;
	void *nv = realloc(*v, nc * size);
	if (!nv)
		return oom();
	*v = nv;
	*cap = nc;
	return 0;
}

/* Functions asserts.c and asserts_dir.c share. */
int ge_assert__add_violation(state *s, ge_assert_kind k, const afile *site, uint32_t line,
                             const afile *df, const aassert *a, uint32_t cut, const char *reason);
int ge_assert__read_file(const state *s, ge_buf *out, const char *path);
int ge_assert__tok_is(const ge_golex *lx, uint32_t t, const char *s);
int ge_assert__is_call(const ge_golex *lx, uint32_t t, const apkg *p);
int ge_assert__find_directives(state *s);

#endif
