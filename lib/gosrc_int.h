/*
 * lib/gosrc internals, shared by gosrc.c (the structural walk) and
 * gosrc_init.c (package-level initialisation order) only: the parser's
 * state and the scanned file's layout.  Not a public header; the short
 * type names are private to those two files.
 */
#ifndef GE_GOSRC_INT_H
#define GE_GOSRC_INT_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "golex.h"
#include "gosrc.h"

#define NONE      UINT32_MAX
#define MAX_DEPTH GE_GOLEX_MAX_DEPTH

enum { N_DECL, N_INIT, N_CLOSURE };

typedef struct node {
	uint32_t start, end; /* byte offsets, both inclusive */
	uint32_t parent;     /* NONE at package level */
	uint32_t num;        /* closure number; for N_INIT the init index */
	uint32_t nkids;      /* closures numbered so far directly inside */
	uint32_t group;      /* package-level closure: its initialiser */
	uint32_t raw;        /* N_DECL: offset of the declared name in raw */
	uint32_t name;       /* offset of the final name in names */
	uint8_t kind;
} node;

struct ge_gofile {
	char *src;
	size_t len;
	uint32_t *lines; /* start offset of each line */
	uint32_t nlines;
	node *nodes;
	uint32_t nnodes, capnodes;
	ge_buf raw;   /* declaration names as written, NUL separated */
	ge_buf names; /* final names, rebuilt when the package base changes */
	char *pkg;
	uint32_t nglob, ninit;
	uint32_t glob_base, init_base;
};

/* A package-level name: a bool constant, a variable or a function. */
typedef struct ident {
	const char *s;
	uint32_t len;
	uint32_t val; /* constant: 1 true, 2 false; var: spec; func: index */
	uint8_t isfunc;
} ident;

/* A package-level initialiser: one var spec, or a stray statement. */
typedef struct spec {
	uint32_t s, e;  /* token range of the whole spec */
	uint32_t init;  /* first token after '=', or NONE */
	uint32_t nclos; /* package-level closures found in it */
} spec;

typedef struct parser {
	const char *src;
	uint32_t len;
	ge_golex lx;
	const ge_golex_tok *tok; /* lx.toks */
	uint32_t eof;            /* index of the EOF token */
	ge_gofile *f;
	ident *consts;
	uint32_t nconsts, capconsts;
	ident *globals;
	uint32_t nglobals, capglobals;
	uint32_t (*funcs)[2]; /* body token range of each plain function */
	uint32_t nfuncs, capfuncs;
	spec *specs;
	uint32_t nspecs, capspecs;
	uint32_t group; /* spec receiving the package-level closures found now */
	int err;
} parser;

/*
 * Grow the array whose pointer is at pptr (elements of size el, *cap of
 * them) to hold need elements; 0 or GE_ENOMEM.
 */
int ge_gosrc__grow(void *pptr, uint32_t *cap, uint32_t need, size_t el);
/* The package-level name of token j in v (n sorted entries), or NULL. */
const ident *ge_gosrc__ident_find(const ident *v, uint32_t n, const parser *p, uint32_t j);
/* Number the package-level closures: by initialiser rank, then source.
 * 0 or GE_ENOMEM. */
int ge_gosrc__number_globals(parser *p);

#endif
