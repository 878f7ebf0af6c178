/*
 * lib/gopkg internals: what the view (gopkg.c) asks of the build
 * constraints (gopkg_build.c).  Not a public header.
 */
#ifndef GE_GOPKG_BUILD_H
#define GE_GOPKG_BUILD_H

#include <stddef.h>

#include "golex.h"
#include "gopkg.h"

/* What a file's header says. */
typedef struct ge_gopkg__header {
	int complete; /* the imports ended inside the text */
	int ok;       /* constraints satisfied */
	int cgo;      /* imports "C" */
	char *pkg;    /* package name, NULL if none */
} ge_gopkg__header;

/*
 * Scan a file's text (or a prefix of it, whole 0) for its header, and
 * apply build's constraints to it; path is for messages.  0, GE_EBADINPUT
 * (a //go:build line that does not parse, two of them), GE_ENOMEM; h->pkg
 * is malloc'd.  toks, when not NULL, takes the tokens the header was read
 * from (lexed over these len bytes; src borrowed) on success, released
 * with ge_golex_release(); they stay GE_GOLEX_INIT on failure.
 */
int ge_gopkg__header_read(ge_gopkg__header *h, const char *src, size_t len, int whole,
                          const ge_gopkg_build *b, const char *path, ge_golex *toks);

#endif
