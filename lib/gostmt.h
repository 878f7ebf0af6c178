/*
 * lib/gostmt: the Go a rewrite needs to see, beyond lib/gosrc's function
 * spans: tokens with Go's semicolon insertion, matched brackets, which
 * braces open blocks, the statements of every block, the enclosing
 * top-level declaration of each statement, and the import declarations.
 *
 * It is not a parser either: it never rejects a file and answers as best it
 * can on text that is not Go.  What it reports about valid, gofmt-formatted
 * Go is meant to be exact; whatever a rewrite built on it gets wrong the
 * compiler catches, because every rewrite is compiled before it is shown.
 *
 * Positions: byte offsets into the source, lines from 1, columns in bytes
 * from 1 (as the compiler counts them).
 */
#ifndef GE_GOSTMT_H
#define GE_GOSTMT_H

#include <stddef.h>
#include <stdint.h>

#define GE_GOX_NONE UINT32_MAX

typedef enum ge_gotok_kind {
	GE_TOK_IDENT = 1,
	GE_TOK_KEYWORD,
	GE_TOK_NUMBER,
	GE_TOK_CHAR,
	GE_TOK_STRING,
	GE_TOK_OP,  /* operators and punctuation, brackets included */
	GE_TOK_SEMI /* ';' as written, or inserted at a newline (len 0) */
} ge_gotok_kind;

/* A '{' (and its '}') that opens a block of statements, not a literal or type. */
#define GE_TOKF_BLOCK 1u

typedef struct ge_gotok {
	uint32_t off, len;
	uint32_t line, col;
	uint32_t match; /* brackets: index of the partner, else GE_GOX_NONE */
	uint32_t stmt;  /* innermost statement holding the token, GE_GOX_NONE if none */
	uint8_t kind;   /* ge_gotok_kind */
	uint8_t flags;
} ge_gotok;

typedef enum ge_gostmt_kind {
	GE_STMT_SIMPLE = 1, /* expression, assignment, return, go, defer, var ... */
	GE_STMT_COMPOUND,   /* if (with its else chain), for, switch, select, a bare block */
	GE_STMT_CLAUSE,     /* "case ...:" or "default:"; its statements follow it */
	GE_STMT_DECL        /* a declaration at package level */
} ge_gostmt_kind;

typedef struct ge_stmt {
	uint32_t first, last; /* tokens, inclusive; last excludes the ending semicolon */
	uint32_t block;       /* the enclosing block's '{', GE_GOX_NONE at package level */
	uint32_t decl_first, decl_last; /* the enclosing top-level declaration */
	uint8_t kind;                   /* ge_gostmt_kind */
} ge_stmt;

typedef struct ge_goimport {
	uint32_t decl_first, decl_last; /* the whole "import ..." declaration */
	uint32_t spec_first, spec_last; /* this spec: [name] "path" */
	uint32_t name;                  /* token of the name, GE_GOX_NONE when unnamed */
	char *alias;                    /* the name's text, NULL when unnamed */
	char *path;                     /* unquoted import path */
	int grouped;                    /* inside "import ( ... )" */
} ge_goimport;

typedef struct ge_gostmt_file {
	char *src;
	size_t len;
	ge_gotok *toks;
	size_t ntoks;
	ge_stmt *stmts;
	size_t nstmts;
	ge_goimport *imports;
	size_t nimports;
	uint32_t *lines; /* byte offset of each line's start; lines[0] is line 1 */
	size_t nlines;
} ge_gostmt_file;

/* Scan src (copied).  Free with ge_gostmt_free(), which accepts NULL. */
int ge_gostmt_parse(ge_gostmt_file **out, const char *src, size_t len);
void ge_gostmt_free(ge_gostmt_file *x);

/* Does token i hold exactly the text s? */
int ge_gostmt_is(const ge_gostmt_file *x, size_t i, const char *s);

/* Byte offset just past token i. */
uint32_t ge_gostmt_end(const ge_gostmt_file *x, size_t i);

/* Byte offset of line:col (1-based); len when beyond the end. */
size_t ge_gostmt_offset(const ge_gostmt_file *x, uint32_t line, uint32_t col);

/* Line (1-based) holding byte offset off. */
uint32_t ge_gostmt_line_of(const ge_gostmt_file *x, size_t off);

/*
 * The name a file refers to an imported package by: the alias, or the last
 * element of the path ("strconv", "fmt").  NULL when the package is not
 * imported under a usable name (absent, "_" or "."); borrowed.  *imp, when
 * not NULL, receives the import's index.
 */
const char *ge_gostmt_import_name(const ge_gostmt_file *x, const char *path, size_t *imp);

/*
 * Is the identifier name used in tokens [first, last] other than as a
 * package qualifier ("name.X") or a selected field ("x.name")?  True means
 * something in that range may declare or use name as a variable, so it
 * cannot be trusted to mean the package.
 */
int ge_gostmt_shadowed(const ge_gostmt_file *x, uint32_t first, uint32_t last, const char *name);

/* Does the identifier occur in tokens [first, last] at all? */
int ge_gostmt_uses_ident(const ge_gostmt_file *x, uint32_t first, uint32_t last, const char *name);

/* Count of "name." qualifiers in the file outside [skip_off, skip_end) ranges. */
size_t ge_gostmt_qualifier_uses(const ge_gostmt_file *x, const char *name, const uint32_t *skip_off,
                                const uint32_t *skip_end, size_t nskip);

/*
 * Can a declaration go on a line of its own right before statement s?
 * True when s is inside a block, is not a case clause, and nothing but
 * white space precedes its first token on that line.
 */
int ge_gostmt_stmt_own_line(const ge_gostmt_file *x, uint32_t s);

/* The white space that starts the line of byte offset off; *len its length. */
const char *ge_gostmt_indent(const ge_gostmt_file *x, size_t off, size_t *len);

/* Does the top-level declaration starting at token decl_first have type parameters? */
int ge_gostmt_decl_generic(const ge_gostmt_file *x, uint32_t decl_first);

#endif
