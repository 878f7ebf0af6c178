/*
 * lib/gosrc: a small Go scanner, enough to attribute a position.
 *
 * It knows comments, all string and rune literal forms, and brace
 * structure, so it can say which function encloses a line:column and hash a
 * line with its whitespace removed.  It is not a parser: it never rejects a
 * file, and on text that is not Go it answers as best it can.
 *
 * Function notation (the compiler's own, so messages and names agree):
 *   func New()                     -> "New"
 *   func (c *Cart) Add()           -> "(*Cart).Add"
 *   func (c Cart) Len()            -> "Cart.Len"
 *   func (l *List[T]) Push()       -> "(*List).Push"   (type parameters dropped)
 *   closures inside F              -> "F.func1", "F.func2", nested "F.func1.1"
 *   closures at package level      -> "glob..func1"
 *   package-level code (var init)  -> "" (no function)
 * A position on a closure's "func" keyword belongs to the enclosing function
 * (that is where "func literal escapes to heap" is reported); its parameters
 * and body belong to the closure.  A top-level function owns everything from
 * its "func" keyword to its closing brace, signature included.
 */
#ifndef GE_GOSRC_H
#define GE_GOSRC_H

#include <stddef.h>
#include <stdint.h>

typedef struct ge_gofile ge_gofile;

/* Scan src (copied; the caller keeps its buffer).  Free with ge_gofile_free(). */
int ge_gofile_parse(ge_gofile **out, const char *src, size_t len);
/* Read and scan a file; GE_ENOTFOUND when it does not exist. */
int ge_gofile_load(ge_gofile **out, const char *path);
void ge_gofile_free(ge_gofile *f);

/* Name of the innermost function enclosing line:col (1-based, col in bytes);
 * "" when at package level.  Borrowed from f. */
const char *ge_gofile_func_at(const ge_gofile *f, uint32_t line, uint32_t col);

/* Number of lines (a final line without newline counts). */
uint32_t ge_gofile_nlines(const ge_gofile *f);
/* Borrowed text of a line without its newline (and without a trailing \r);
 * NULL beyond the end.  *len receives the length. */
const char *ge_gofile_line(const ge_gofile *f, uint32_t line, size_t *len);
/* ge_hash_nospace() of the line; 0 beyond the end. */
uint64_t ge_gofile_line_hash(const ge_gofile *f, uint32_t line);

/* Name of the package clause ("main"); "" if none found.  Borrowed. */
const char *ge_gofile_package(const ge_gofile *f);

#endif
