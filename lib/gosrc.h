/*
 * lib/gosrc: a small Go scanner, enough to attribute a position.
 *
 * It knows comments, all string and rune literal forms, and brace
 * structure, so it can say which function encloses a line:column and hash a
 * line with its whitespace removed.  It is not a parser: it never rejects a
 * file, and on text that is not Go it answers as best it can.  Positions are
 * physical (line directives are ignored), lines end at '\n', columns count
 * bytes from 1 (a UTF-8 byte order mark counts, as it does for the
 * compiler), so col - 1 indexes the text ge_gofile_line() returns.
 *
 * Function notation (the compiler's own, so messages and names agree):
 *   func New()                     -> "New"
 *   func (c *Cart) Add()           -> "(*Cart).Add"
 *   func (c Cart) Len()            -> "Cart.Len"
 *   func (l *List[T]) Push()       -> "(*List).Push"   (type parameters dropped)
 *   func init() (the Nth in the package, from 0) -> "init.N"
 *   closures inside F              -> "F.func1", "F.func2", nested "F.func1.1"
 *   closures at package level      -> "init.func1", "init.func2", nested "init.func1.1"
 *   package-level code (var init)  -> "" (no function)
 * A position on a closure's "func" keyword belongs to the enclosing function
 * (that is where "func literal escapes to heap" is reported); its parameters
 * and body belong to the closure.  A top-level function owns everything from
 * its "func" keyword to its closing brace, signature included (to the end
 * of its signature when it has no body).
 *
 * Closure numbers follow Go 1.26 (checked against go1.26.8 -m=2 output; see
 * tests/fixtures/gosrc):
 *   - within a function, its literals are numbered 1, 2, ... in source order,
 *     whatever they are used for (assigned, called at once, deferred, go);
 *     a literal inside a literal is numbered within that literal;
 *   - literals the front end drops as dead code get no number: the branch of
 *     an if whose condition is the constant true or false (literally, or a
 *     bool constant declared in the same file), the body of a for whose
 *     condition is constant false, and the statements of a list after a
 *     return, goto, panic(...), or a block or if that ends in one, unless a
 *     labeled statement follows in that list;
 *   - package-level literals are numbered across the whole package in
 *     variable initialisation order (dependencies first), not source order;
 *     this file's order is computed from the names it declares itself.
 * A file scanned alone numbers init functions from 0 and package-level
 * literals from 1; ge_gofile_set_package_base() continues the count of the
 * files compiled before it.
 *
 * Where the compiler says something else (go1.26.8 on 20 standard-library
 * packages: 21514 of 22592 function names agree, every other one is listed
 * here):
 *   - generic code: the compiler writes "Gen[go.shape.int].func1" and
 *     "(*List[go.shape.string]).Push"; strip the brackets to compare;
 *   - wrappers it generates are reported at the source they wrap, under
 *     their own name: "(*T).M" for a value method, "Outer.M" for a method
 *     promoted from an embedded field, "T.M-fm" for a method value,
 *     "I.M" for an interface method (positioned in the type declaration,
 *     which is package level here); the source function is named here;
 *   - package-level code is "init" to the compiler, and a large
 *     package-level map literal is built in a function "map.init.N"; both
 *     are "" here;
 *   - inlining: a literal copied into a caller is renamed after the caller,
 *     e.g. "UseGen.Gen[go.shape.int].func1"; -l avoids it;
 *   - a range-over-func loop body (Go 1.23+) is a function "F-range1" to the
 *     compiler; it is F here, which cannot tell what a range ranges over;
 *     literals inside it are numbered within F by both;
 *   - go/defer of a call with arguments makes "F.gowrap1"/"F.deferwrap1"
 *     wrappers at the statement; they do not shift funcN numbers and the
 *     position is F's here;
 *   - constants the scanner cannot see (a bool constant declared in another
 *     file, runtime.GOOS == "linux", a switch on a constant) also drop dead
 *     code in the compiler, so later literals of the same function are
 *     numbered one higher here than there;
 *   - Go 1.19 (checked against go1.19.8) names package-level literals
 *     "glob..funcN" in source order, numbers literals in dead code too, and
 *     names a literal in a func _() "_.funcN" from the package count; Go
 *     1.26 does none of these, and does not compile func _() bodies at all.
 */
#ifndef GE_GOSRC_H
#define GE_GOSRC_H

#include <stddef.h>
#include <stdint.h>

typedef struct ge_gofile ge_gofile;

/* Scan src (copied; the caller keeps its buffer).  Free with ge_gofile_free(). */
int ge_gofile_parse(ge_gofile **out, const char *src, size_t len);
/* The same, for a src whose tokens lx holds already (ge_golex_scan of these
 * len bytes; borrowed and left as it was): not lexed again. */
struct ge_golex;
int ge_gofile_parse_lexed(ge_gofile **out, const char *src, size_t len, const struct ge_golex *lx);
/* Read and scan a file; GE_ENOTFOUND when it does not exist. */
int ge_gofile_load(ge_gofile **out, const char *path);
void ge_gofile_free(ge_gofile *f);

/* Name of the innermost function enclosing line:col (1-based, col in bytes);
 * "" when at package level.  Borrowed from f. */
const char *ge_gofile_func_at(const ge_gofile *f, uint32_t line, uint32_t col);
/* The same, and *uniform 1 when every column of the line gives this answer
 * (no function starts or ends inside it), so that a caller may keep it per
 * line; else 0. */
const char *ge_gofile_func_line(const ge_gofile *f, uint32_t line, uint32_t col, int *uniform);

/* Number of lines (a final line without newline counts). */
uint32_t ge_gofile_nlines(const ge_gofile *f);
/* Borrowed text of a line without its newline (and without a trailing \r);
 * NULL beyond the end.  *len receives the length. */
const char *ge_gofile_line(const ge_gofile *f, uint32_t line, size_t *len);
/* Does line (1-based; 0 or past the end: no) hold "//goescape:ignore" as
 * text?  Whether it is in a comment is for the lexer to say (ge_gopkg). */
int ge_gofile_line_has_mark(const ge_gofile *f, uint32_t line);
/* ge_hash_nospace() of the line; 0 beyond the end. */
uint64_t ge_gofile_line_hash(const ge_gofile *f, uint32_t line);

/* Does the file declare a function (a func or method declaration, init
 * included; a function literal is not one)? */
int ge_gofile_has_func(const ge_gofile *f);

/* Name of the package clause ("main"); "" if none found.  Borrowed. */
const char *ge_gofile_package(const ge_gofile *f);

/*
 * Package-wide numbering.  The compiler numbers init functions ("init.N")
 * and package-level closures ("init.funcN") across all the files of a
 * package, in the order it compiles them (go list's GoFiles: sorted by name).
 * To name them as it does, scan the files in that order and give each the
 * running totals of the files before it.  _counts() reports this file's
 * share; _set_package_base() renames (invalidating names borrowed before)
 * and returns 0 or GE_ENOMEM.  The initialisation order is assumed not to
 * cross files.
 */
void ge_gofile_package_counts(const ge_gofile *f, uint32_t *closures, uint32_t *inits);
int ge_gofile_set_package_base(ge_gofile *f, uint32_t closures, uint32_t inits);

#endif
