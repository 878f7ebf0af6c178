/*
 * lib/sarif internals: what lib/sarif.c (results, rules, the run) asks of
 * lib/sarif_loc.c (files, lines, columns, URIs).  Not a public header.
 */
#ifndef GE_SARIF_LOC_H
#define GE_SARIF_LOC_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "gopkg.h"
#include "sarif.h"

/* GitHub's primaryLocationLineHash of every line of a file. */
typedef struct ge_sarif__line_hashes {
	uint64_t *hash; /* [1..n]; index 0 unused */
	uint32_t *occ;
	uint32_t n;
	size_t alloc;
} ge_sarif__line_hashes;

/*
 * The source is read and scanned by lib/gopkg (through the work tree
 * provider), never here: a file is a one-file view's file, whose lines,
 * text and expression ends gopkg and golex answer.
 */
#define NCACHE 8

typedef struct ge_sarif__file {
	char *rel;         /* as in the report; NULL = free slot */
	ge_gopkg *view;    /* of the file's directory, for this file alone */
	ge_gopkg_file *pf; /* NULL: not readable (columns stay bytes, no line hash) */
	int hashed;
	ge_sarif__line_hashes hashes;
	unsigned long used;
} ge_sarif__file;

typedef struct ge_sarif__ctx {
	const ge_report *r;
	const ge_sarif_opts *o;
	char *srcroot; /* clean absolute module root; NULL when not given */
	char *root;    /* %SRCROOT%: the work tree, or srcroot */
	char *prefix;  /* srcroot relative to root, "" or ending in '/' */
	ge_sarif__file cache[NCACHE];
	unsigned long tick;
} ge_sarif__ctx;

/* Release f's contents; the slot is free again. */
void ge_sarif__file_release(ge_sarif__file *f);
/* The file at rel (relative to srcroot), loaded; NULL only on out of memory. */
ge_sarif__file *ge_sarif__file_get(ge_sarif__ctx *c, const char *rel);
/* Line text without '\n' and a trailing '\r'; NULL when not known. */
const char *ge_sarif__file_line(const ge_sarif__file *f, uint32_t line, size_t *len);
/* The line of d, if the file still has the text the compiler saw there. */
const char *ge_sarif__diag_line(const ge_sarif__file *f, const ge_diag *d, size_t *len);
/* "region" of line:col (see sarif_loc.c); text is the line's, or NULL. */
int ge_sarif__put_region(ge_buf *b, ge_sarif__file *f, const char *text, size_t len, uint32_t line,
                         uint32_t col, int snippets);
/* "artifactLocation" of rel, under %SRCROOT%. */
int ge_sarif__put_artifact(ge_buf *b, const ge_sarif__ctx *c, const char *rel);
/* Percent-encode s[0, n) for a URI path (':' kept when keep_colon). */
int ge_sarif__put_uri_part(ge_buf *b, const char *s, size_t n, int keep_colon);
/* See sarif_loc.c. */
int ge_sarif__put_line_hash(ge_buf *b, ge_sarif__file *f, uint32_t line);

#endif
