/*
 * lib/golex: the one Go lexer.  Every module that looks at Go source
 * (gosrc's function spans, gostmt's statements) reads these tokens; none
 * has a scanner of its own.
 *
 * Tokens follow the Go specification and, token for token, Go's own
 * go/scanner (checked against go1.26.8 on the corpus in tests/fixtures/golex):
 * identifiers of Unicode letters and digits (Unicode 15, tables generated
 * from Go's unicode package), the 25 keywords, every operator and
 * punctuation ('~', "<-", "...", "&^=" included), integer, floating-point
 * and imaginary literals in every base with '_' separators (hexadecimal
 * floats like 0x1p-2; "0x1e+2" is the hex integer 0x1e, '+', 2, while
 * "1e+2" is one float), rune literals, interpreted strings and raw strings.
 * Comments and white space make no token.  Semicolons are inserted exactly
 * as the specification says: at a newline, or at end of input, after an
 * identifier, a literal, one of the keywords break, continue, fallthrough
 * and return, or one of ++ -- ) ] }; a general comment that holds a newline
 * counts as that newline (the semicolon sits on the comment's first
 * newline), a line comment does not hide the newline that ends it.
 *
 * Positions.  Every token has a byte offset into the source, a line from 1
 * and a column from 1 counted in bytes from the start of the line, as the
 * compiler counts them.  Lines end at '\n' only: a '\r' before it is part
 * of the line (it is white space to Go), and a raw string or a general
 * comment spanning lines moves the next token's line on.  Positions are
 * physical: line directives (//line and its general-comment form) are
 * ordinary comments here.  A
 * UTF-8 byte order mark is skipped when it is the first thing in the file,
 * and only there, but it still counts in the columns of line 1 ("package"
 * after a BOM is at 1:4, as for the compiler); a BOM anywhere else is an
 * illegal character.  A token's text is src[off, off + len) as written: a
 * raw string's text keeps the carriage returns that its Go value drops.
 * An inserted semicolon has len 0 and sits at the newline (or comment, or
 * end of input) that caused it; a written ';' has len 1.
 *
 * Broken input.  Scanning never rejects a file and never fails except for
 * lack of memory or a source of 4 GiB or more.  Like go/scanner:
 *   - an interpreted string or rune literal that is not closed ends before
 *     the newline (or at the end of input) that interrupts it, and a raw
 *     string or general comment that is not closed runs to the end of
 *     input; such a literal carries GE_GOLEX_F_UNTERMINATED;
 *   - a character that starts no token (NUL, a byte that is not valid
 *     UTF-8, a BOM after the start, a valid character such as '#', '$',
 *     '?', '@', '\\', '\f' or a non-letter like U+20AC) becomes one
 *     GE_GOLEX_ILLEGAL token: one byte when the encoding is invalid, the
 *     whole character otherwise; it leaves semicolon insertion as it was;
 *   - a malformed number (a digit out of range for its base, a misplaced
 *     '_', a missing exponent) is scanned as go/scanner scans it, as one
 *     token of the kind it would have, and is not flagged.
 * The token array always ends with one GE_GOLEX_EOF token at offset len.
 *
 * Brackets.  ge_golex_scan() also pairs ( [ { with ) ] } in the one policy
 * every user shares: braces dominate.  A '}' closes the innermost open '{'
 * and every '(' or '[' opened inside it; a ')' or ']' closes the innermost
 * opener of its own kind inside the current brace block, and any opener
 * opened after that one; a closer with no opener of its kind in the current
 * block is stray.  An opener and its closer name each other in .match.
 * An opener closed implicitly (by an enclosing closer, or by the end of
 * input) carries GE_GOLEX_F_UNPAIRED and .match names the token that closed
 * it (that closer, or the EOF token); a stray closer carries
 * GE_GOLEX_F_UNPAIRED and .match is GE_GOLEX_NONE.  Any other token's
 * .match is GE_GOLEX_NONE.  The pairing is linear on any input, and so is
 * the scan: nothing here recurses.
 *
 * GE_GOLEX_MAX_DEPTH is the one nesting limit of the modules that walk
 * these tokens recursively: code nested deeper than that is not Go anyone
 * writes, and they stop descending there instead of exhausting the stack.
 */
#ifndef GE_GOLEX_H
#define GE_GOLEX_H

#include <stddef.h>
#include <stdint.h>

#define GE_GOLEX_NONE      UINT32_MAX
#define GE_GOLEX_MAX_DEPTH 256

/* Token kinds, in go/token's order (and with its spelling, see
 * ge_golex_kind_name()). */
typedef enum ge_golex_kind {
	GE_GOLEX_EOF = 0,
	GE_GOLEX_ILLEGAL,

	GE_GOLEX_IDENT, /* literals: */
	GE_GOLEX_INT,
	GE_GOLEX_FLOAT,
	GE_GOLEX_IMAG,
	GE_GOLEX_CHAR,
	GE_GOLEX_STRING, /* interpreted or raw */

	GE_GOLEX_ADD, /* operators: + - * / % */
	GE_GOLEX_SUB,
	GE_GOLEX_MUL,
	GE_GOLEX_QUO,
	GE_GOLEX_REM,
	GE_GOLEX_AND, /* & | ^ << >> &^ */
	GE_GOLEX_OR,
	GE_GOLEX_XOR,
	GE_GOLEX_SHL,
	GE_GOLEX_SHR,
	GE_GOLEX_AND_NOT,
	GE_GOLEX_ADD_ASSIGN, /* += -= *= /= %= */
	GE_GOLEX_SUB_ASSIGN,
	GE_GOLEX_MUL_ASSIGN,
	GE_GOLEX_QUO_ASSIGN,
	GE_GOLEX_REM_ASSIGN,
	GE_GOLEX_AND_ASSIGN, /* &= |= ^= <<= >>= &^= */
	GE_GOLEX_OR_ASSIGN,
	GE_GOLEX_XOR_ASSIGN,
	GE_GOLEX_SHL_ASSIGN,
	GE_GOLEX_SHR_ASSIGN,
	GE_GOLEX_AND_NOT_ASSIGN,
	GE_GOLEX_LAND, /* && || <- ++ -- */
	GE_GOLEX_LOR,
	GE_GOLEX_ARROW,
	GE_GOLEX_INC,
	GE_GOLEX_DEC,
	GE_GOLEX_EQL, /* == < > = ! */
	GE_GOLEX_LSS,
	GE_GOLEX_GTR,
	GE_GOLEX_ASSIGN,
	GE_GOLEX_NOT,
	GE_GOLEX_NEQ, /* != <= >= := ... */
	GE_GOLEX_LEQ,
	GE_GOLEX_GEQ,
	GE_GOLEX_DEFINE,
	GE_GOLEX_ELLIPSIS,
	GE_GOLEX_LPAREN, /* ( [ { , . */
	GE_GOLEX_LBRACK,
	GE_GOLEX_LBRACE,
	GE_GOLEX_COMMA,
	GE_GOLEX_PERIOD,
	GE_GOLEX_RPAREN, /* ) ] } ; : */
	GE_GOLEX_RBRACK,
	GE_GOLEX_RBRACE,
	GE_GOLEX_SEMICOLON,
	GE_GOLEX_COLON,
	GE_GOLEX_TILDE,

	GE_GOLEX_BREAK, /* keywords */
	GE_GOLEX_CASE,
	GE_GOLEX_CHAN,
	GE_GOLEX_CONST,
	GE_GOLEX_CONTINUE,
	GE_GOLEX_DEFAULT,
	GE_GOLEX_DEFER,
	GE_GOLEX_ELSE,
	GE_GOLEX_FALLTHROUGH,
	GE_GOLEX_FOR,
	GE_GOLEX_FUNC,
	GE_GOLEX_GO,
	GE_GOLEX_GOTO,
	GE_GOLEX_IF,
	GE_GOLEX_IMPORT,
	GE_GOLEX_INTERFACE,
	GE_GOLEX_MAP,
	GE_GOLEX_PACKAGE,
	GE_GOLEX_RANGE,
	GE_GOLEX_RETURN,
	GE_GOLEX_SELECT,
	GE_GOLEX_STRUCT,
	GE_GOLEX_SWITCH,
	GE_GOLEX_TYPE,
	GE_GOLEX_VAR,
	GE_GOLEX_NKINDS
} ge_golex_kind;

/* A string, rune, raw string literal not closed before its end (see above). */
#define GE_GOLEX_F_UNTERMINATED 1u
/* An opener closed implicitly, or a stray closer (see above). */
#define GE_GOLEX_F_UNPAIRED 2u

typedef struct ge_golex_tok {
	uint32_t off, len;
	uint32_t line, col;
	uint32_t match; /* brackets: see above; GE_GOLEX_NONE otherwise */
	uint8_t kind;   /* ge_golex_kind */
	uint8_t flags;  /* GE_GOLEX_F_* */
} ge_golex_tok;

/*
 * A scanned file.  src is borrowed: it must outlive the tokens' use.
 * lines[i] is the offset where line i + 1 starts: lines[0] is 0 and every
 * '\n' starts another line, so nlines is one more than the number of
 * newlines (a file ending in '\n' has an empty last line in the table).
 * Release with ge_golex_release(); a module that keeps the line table when
 * the tokens go takes it with ge_golex_take_lines().
 */
typedef struct ge_golex {
	const char *src;
	size_t len;
	ge_golex_tok *toks; /* ntoks of them, the last GE_GOLEX_EOF */
	uint32_t ntoks;
	uint32_t *lines;
	uint32_t nlines;
} ge_golex;

#define GE_GOLEX_INIT                                                                              \
	{                                                                                          \
		.src = NULL                                                                        \
	}

/*
 * Scan len bytes of src into lx (initialised with GE_GOLEX_INIT or
 * released).  0, GE_ENOMEM, or GE_EBADINPUT when len does not fit the
 * 32-bit offsets; on failure lx is left released.
 */
int ge_golex_scan(ge_golex *lx, const char *src, size_t len);

/* Free the tokens and the line table; lx can be scanned into again. */
void ge_golex_release(ge_golex *lx);

/* Hand the line table to the caller (free() it); *nlines its length. */
uint32_t *ge_golex_take_lines(ge_golex *lx, uint32_t *nlines);

/* Line (from 1) holding byte offset off, given a line table as above;
 * offsets past the end belong to the last line.  0 when nlines is 0. */
uint32_t ge_golex_line_at(const uint32_t *lines, uint32_t nlines, size_t off);

/*
 * The end (exclusive byte offset) of the expression that starts at byte
 * off, as the compiler points at one in a diagnostic: an identifier, a
 * unary & or *, or the '(' of a call; the expression goes on through
 * selectors (".name"), calls, indexes and composite literals whose
 * brackets close on the same line, written without spaces between the
 * parts.  A group not closed on off's line runs to that line's last
 * token.  Never past off's line; at least one byte (off + 1 when no
 * expression starts at off, or off is at or past the end).
 */
size_t ge_golex_expr_end(const ge_golex *lx, size_t off);

/* go/token's spelling of a kind: "IDENT", "INT", "+", "&^=", "break",
 * "EOF" ...; "?" for a value out of range. */
const char *ge_golex_kind_name(int kind);

static inline int ge_golex_is_literal(int kind)
{
	return kind >= GE_GOLEX_INT && kind <= GE_GOLEX_STRING;
}

static inline int ge_golex_is_keyword(int kind)
{
	return kind >= GE_GOLEX_BREAK && kind <= GE_GOLEX_VAR;
}

static inline int ge_golex_is_operator(int kind)
{
	return kind >= GE_GOLEX_ADD && kind <= GE_GOLEX_TILDE;
}

#endif
