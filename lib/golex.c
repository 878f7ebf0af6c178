/*
 * lib/golex: Go tokens, semicolon insertion, the line table and bracket
 * pairing (the contract is in golex.h).
 *
 * One forward pass over the bytes, modelled on go/scanner's Scan() so the
 * two can be compared token for token; then one pass over the tokens that
 * pairs brackets with an explicit stack.  Keywords are found by length and
 * first byte, then one memcmp; non-ASCII letters and digits by binary
 * search in tables generated from Go's unicode package.
 */
#include "golex.h"

#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "golex_unicode.inc"

#define BAD_RUNE UINT32_MAX

static const char *const kind_names[GE_GOLEX_NKINDS] = {
    [GE_GOLEX_EOF] = "EOF",
    [GE_GOLEX_ILLEGAL] = "ILLEGAL",
    [GE_GOLEX_IDENT] = "IDENT",
    [GE_GOLEX_INT] = "INT",
    [GE_GOLEX_FLOAT] = "FLOAT",
    [GE_GOLEX_IMAG] = "IMAG",
    [GE_GOLEX_CHAR] = "CHAR",
    [GE_GOLEX_STRING] = "STRING",
    [GE_GOLEX_ADD] = "+",
    [GE_GOLEX_SUB] = "-",
    [GE_GOLEX_MUL] = "*",
    [GE_GOLEX_QUO] = "/",
    [GE_GOLEX_REM] = "%",
    [GE_GOLEX_AND] = "&",
    [GE_GOLEX_OR] = "|",
    [GE_GOLEX_XOR] = "^",
    [GE_GOLEX_SHL] = "<<",
    [GE_GOLEX_SHR] = ">>",
    [GE_GOLEX_AND_NOT] = "&^",
    [GE_GOLEX_ADD_ASSIGN] = "+=",
    [GE_GOLEX_SUB_ASSIGN] = "-=",
    [GE_GOLEX_MUL_ASSIGN] = "*=",
    [GE_GOLEX_QUO_ASSIGN] = "/=",
    [GE_GOLEX_REM_ASSIGN] = "%=",
    [GE_GOLEX_AND_ASSIGN] = "&=",
    [GE_GOLEX_OR_ASSIGN] = "|=",
    [GE_GOLEX_XOR_ASSIGN] = "^=",
    [GE_GOLEX_SHL_ASSIGN] = "<<=",
    [GE_GOLEX_SHR_ASSIGN] = ">>=",
    [GE_GOLEX_AND_NOT_ASSIGN] = "&^=",
    [GE_GOLEX_LAND] = "&&",
    [GE_GOLEX_LOR] = "||",
    [GE_GOLEX_ARROW] = "<-",
    [GE_GOLEX_INC] = "++",
    [GE_GOLEX_DEC] = "--",
    [GE_GOLEX_EQL] = "==",
    [GE_GOLEX_LSS] = "<",
    [GE_GOLEX_GTR] = ">",
    [GE_GOLEX_ASSIGN] = "=",
    [GE_GOLEX_NOT] = "!",
    [GE_GOLEX_NEQ] = "!=",
    [GE_GOLEX_LEQ] = "<=",
    [GE_GOLEX_GEQ] = ">=",
    [GE_GOLEX_DEFINE] = ":=",
    [GE_GOLEX_ELLIPSIS] = "...",
    [GE_GOLEX_LPAREN] = "(",
    [GE_GOLEX_LBRACK] = "[",
    [GE_GOLEX_LBRACE] = "{",
    [GE_GOLEX_COMMA] = ",",
    [GE_GOLEX_PERIOD] = ".",
    [GE_GOLEX_RPAREN] = ")",
    [GE_GOLEX_RBRACK] = "]",
    [GE_GOLEX_RBRACE] = "}",
    [GE_GOLEX_SEMICOLON] = ";",
    [GE_GOLEX_COLON] = ":",
    [GE_GOLEX_TILDE] = "~",
    [GE_GOLEX_BREAK] = "break",
    [GE_GOLEX_CASE] = "case",
    [GE_GOLEX_CHAN] = "chan",
    [GE_GOLEX_CONST] = "const",
    [GE_GOLEX_CONTINUE] = "continue",
    [GE_GOLEX_DEFAULT] = "default",
    [GE_GOLEX_DEFER] = "defer",
    [GE_GOLEX_ELSE] = "else",
    [GE_GOLEX_FALLTHROUGH] = "fallthrough",
    [GE_GOLEX_FOR] = "for",
    [GE_GOLEX_FUNC] = "func",
    [GE_GOLEX_GO] = "go",
    [GE_GOLEX_GOTO] = "goto",
    [GE_GOLEX_IF] = "if",
    [GE_GOLEX_IMPORT] = "import",
    [GE_GOLEX_INTERFACE] = "interface",
    [GE_GOLEX_MAP] = "map",
    [GE_GOLEX_PACKAGE] = "package",
    [GE_GOLEX_RANGE] = "range",
    [GE_GOLEX_RETURN] = "return",
    [GE_GOLEX_SELECT] = "select",
    [GE_GOLEX_STRUCT] = "struct",
    [GE_GOLEX_SWITCH] = "switch",
    [GE_GOLEX_TYPE] = "type",
    [GE_GOLEX_VAR] = "var",
};

const char *ge_golex_kind_name(int kind)
{
	return kind >= 0 && kind < GE_GOLEX_NKINDS ? kind_names[kind] : "?";
}

/* ------------------------------------------------------------------ */
/* Characters                                                           */

/*
 * The code point encoded at s (n > 0 bytes available) and its width, as
 * Go's utf8.DecodeRune decides: overlong forms, surrogates and values past
 * U+10FFFF are invalid.  BAD_RUNE with *w = 1 when invalid.
 */
static uint32_t decode(const unsigned char *s, uint32_t n, uint32_t *w)
{
	unsigned c = s[0], lo = 0x80, hi = 0xBF;
	*w = 1;
	if (c < 0x80)
		return c;
	if (c < 0xC2 || c > 0xF4 || n < 2)
		return BAD_RUNE;
	if (c < 0xE0) {
		if ((s[1] & 0xC0) != 0x80)
			return BAD_RUNE;
		*w = 2;
		return (uint32_t)(c & 0x1F) << 6 | (s[1] & 0x3F);
	}
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (s[1] < lo || s[1] > hi || n < 3 || (s[2] & 0xC0) != 0x80)
		return BAD_RUNE;
	if (c < 0xF0) {
		*w = 3;
		return (uint32_t)(c & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
	}
	if (n < 4 || (s[3] & 0xC0) != 0x80)
		return BAD_RUNE;
	*w = 4;
	return (uint32_t)(c & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
	       (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
}

static int in_table(const uint32_t (*t)[2], size_t n, uint32_t r)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r < t[mid][0])
			hi = mid;
		else if (r > t[mid][1])
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int ascii_letter(unsigned c)
{
	return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_';
}

static int decimal(unsigned c)
{
	return c >= '0' && c <= '9';
}

/* Width of the non-ASCII letter (digits too when digit) at s, else 0. */
static uint32_t unicode_ident(const unsigned char *s, uint32_t n, int digit)
{
	uint32_t w, r = decode(s, n, &w);
	if (r == BAD_RUNE)
		return 0;
	if (in_table(golex_letters, NELEM(golex_letters), r) ||
	    (digit && in_table(golex_digits, NELEM(golex_digits), r)))
		return w;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Tokens                                                               */

typedef struct lexer {
	ge_golex *lx;
	const unsigned char *s;
	uint32_t n;
	uint32_t cap;
	uint32_t li; /* index in lx->lines of the line being scanned */
	/* Where the line after it starts, when a token there is on it
	 * (next_line), else UINT32_MAX: one comparison a token. */
	uint32_t next;
} lexer;

/* l->next for l->li. */
static uint32_t next_line(const lexer *l)
{
	const ge_golex *lx = l->lx;
	return l->li + 1 < lx->nlines && lx->lines[l->li + 1] < l->n ? lx->lines[l->li + 1]
	                                                             : UINT32_MAX;
}

static inline int push(lexer *l, int kind, uint32_t off, uint32_t len, unsigned flags)
{
	ge_golex *lx = l->lx;
	ge_golex_tok *t;
	if (lx->ntoks == l->cap) {
		uint32_t nc = l->cap ? l->cap * 2 : 256;
		ge_golex_tok *nt;
		if (l->cap > UINT32_MAX / 4)
			return GE_ENOMEM;
		nt = realloc(lx->toks, (size_t)nc * sizeof(*nt));
		if (!nt)
			return GE_ENOMEM;
		lx->toks = nt;
		l->cap = nc;
	}
	/* A token at the very end of a file that ends in a newline stays on
	 * the last line, as go/token puts it. */
	while (off >= l->next) {
		l->li++;
		l->next = next_line(l);
	}
	t = &lx->toks[lx->ntoks++];
	t->off = off;
	t->len = len;
	t->line = l->li + 1;
	t->col = off - lx->lines[l->li] + 1;
	t->match = GE_GOLEX_NONE;
	t->kind = (uint8_t)kind;
	t->flags = (uint8_t)flags;
	return 0;
}

static int keyword(const unsigned char *s, uint32_t n)
{
	static const struct kw {
		const char *w;
		int kind;
	} k2[] = {{"go", GE_GOLEX_GO}, {"if", GE_GOLEX_IF}, {NULL, 0}},
	  k3[] = {{"for", GE_GOLEX_FOR}, {"map", GE_GOLEX_MAP}, {"var", GE_GOLEX_VAR}, {NULL, 0}},
	  k4[] = {{"case", GE_GOLEX_CASE},
	          {"chan", GE_GOLEX_CHAN},
	          {"else", GE_GOLEX_ELSE},
	          {"func", GE_GOLEX_FUNC},
	          {"goto", GE_GOLEX_GOTO},
	          {"type", GE_GOLEX_TYPE},
	          {NULL, 0}},
	  k5[] = {{"break", GE_GOLEX_BREAK},
	          {"const", GE_GOLEX_CONST},
	          {"defer", GE_GOLEX_DEFER},
	          {"range", GE_GOLEX_RANGE},
	          {NULL, 0}},
	  k6[] = {{"import", GE_GOLEX_IMPORT}, {"return", GE_GOLEX_RETURN},
	          {"select", GE_GOLEX_SELECT}, {"struct", GE_GOLEX_STRUCT},
	          {"switch", GE_GOLEX_SWITCH}, {NULL, 0}},
	  k7[] = {{"default", GE_GOLEX_DEFAULT}, {"package", GE_GOLEX_PACKAGE}, {NULL, 0}},
	  k8[] = {{"continue", GE_GOLEX_CONTINUE}, {NULL, 0}},
	  k9[] = {{"interface", GE_GOLEX_INTERFACE}, {NULL, 0}},
	  k11[] = {{"fallthrough", GE_GOLEX_FALLTHROUGH}, {NULL, 0}};
	static const struct kw *const by_len[12] = {NULL, NULL, k2, k3, k4,   k5,
	                                            k6,   k7,   k8, k9, NULL, k11};
	const struct kw *k;
	if (n < 2 || n > 11 || !(k = by_len[n]) || s[0] < 'b' || s[0] > 'v')
		return GE_GOLEX_IDENT;
	for (; k->w; k++)
		if (k->w[0] == (char)s[0] && !memcmp(k->w + 1, s + 1, n - 1))
			return k->kind;
	return GE_GOLEX_IDENT;
}

/* After the letter at i: the end of the identifier. */
static uint32_t scan_ident(const unsigned char *s, uint32_t n, uint32_t i)
{
	while (i < n) {
		unsigned c = s[i];
		uint32_t w;
		if (c < 0x80) {
			if (!ascii_letter(c) && !decimal(c))
				break;
			i++;
		} else if ((w = unicode_ident(s + i, n - i, 1))) {
			i += w;
		} else {
			break;
		}
	}
	return i;
}

/* go/scanner's digits(): { digit | '_' } of base (any decimal digit when
 * base <= 10, hex digits otherwise). */
static uint32_t digits(const unsigned char *s, uint32_t n, uint32_t i, int base)
{
	if (base <= 10) {
		while (i < n && (decimal(s[i]) || s[i] == '_'))
			i++;
	} else {
		while (i < n && (decimal(s[i]) || ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'f') ||
		                 s[i] == '_'))
			i++;
	}
	return i;
}

/* A number at i (a digit, or '.' before a digit): its end and *kind,
 * exactly as go/scanner's scanNumber() consumes it. */
static uint32_t scan_number(const unsigned char *s, uint32_t n, uint32_t i, int *kind)
{
	int base = 10;
	unsigned e;
	*kind = GE_GOLEX_ILLEGAL;
	if (s[i] != '.') {
		*kind = GE_GOLEX_INT;
		if (s[i] == '0') {
			unsigned c = ++i < n ? s[i] | 0x20 : 0;
			if (c == 'x') {
				i++;
				base = 16;
			} else if (c == 'o') {
				i++;
				base = 8;
			} else if (c == 'b') {
				i++;
				base = 2;
			} else {
				base = 8;
			}
		}
		i = digits(s, n, i, base);
	}
	if (i < n && s[i] == '.') {
		*kind = GE_GOLEX_FLOAT;
		i = digits(s, n, i + 1, base);
	}
	e = i < n ? s[i] | 0x20 : 0;
	if (e == 'e' || e == 'p') {
		*kind = GE_GOLEX_FLOAT;
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		i = digits(s, n, i, 10);
	}
	if (i < n && s[i] == 'i') {
		*kind = GE_GOLEX_IMAG;
		i++;
	}
	return i;
}

/* After the opening quote at i - 1: the end of an interpreted string or
 * rune literal closed by q; *flags gets GE_GOLEX_F_UNTERMINATED when a
 * newline or the end of input comes first.  A backslash takes the next
 * byte with it unless that is a newline: go/scanner's escapes consume no
 * more than that before they can meet the closing quote. */
static uint32_t scan_quoted(const unsigned char *s, uint32_t n, uint32_t i, unsigned char q,
                            unsigned *flags)
{
	while (i < n) {
		unsigned char c = s[i];
		if (c == q)
			return i + 1;
		if (c == '\n')
			break;
		i += c == '\\' && i + 1 < n && s[i + 1] != '\n' ? 2 : 1;
	}
	*flags |= GE_GOLEX_F_UNTERMINATED;
	return i;
}

/* Operator or punctuation at i (c = s[i]); its length, 0 if c is none. */
static uint32_t scan_op(const unsigned char *s, uint32_t n, uint32_t i, int *kind)
{
	unsigned c = s[i], d = i + 1 < n ? s[i + 1] : 0, e = i + 2 < n ? s[i + 2] : 0;
#define OP2(k1, k2) (d == '=' ? (*kind = (k2), 2) : (*kind = (k1), 1))
	switch (c) {
	case '(':
		*kind = GE_GOLEX_LPAREN;
		return 1;
	case ')':
		*kind = GE_GOLEX_RPAREN;
		return 1;
	case '[':
		*kind = GE_GOLEX_LBRACK;
		return 1;
	case ']':
		*kind = GE_GOLEX_RBRACK;
		return 1;
	case '{':
		*kind = GE_GOLEX_LBRACE;
		return 1;
	case '}':
		*kind = GE_GOLEX_RBRACE;
		return 1;
	case ',':
		*kind = GE_GOLEX_COMMA;
		return 1;
	case ';':
		*kind = GE_GOLEX_SEMICOLON;
		return 1;
	case '~':
		*kind = GE_GOLEX_TILDE;
		return 1;
	case '.':
		if (d == '.' && e == '.') {
			*kind = GE_GOLEX_ELLIPSIS;
			return 3;
		}
		*kind = GE_GOLEX_PERIOD;
		return 1;
	case ':':
		return OP2(GE_GOLEX_COLON, GE_GOLEX_DEFINE);
	case '=':
		return OP2(GE_GOLEX_ASSIGN, GE_GOLEX_EQL);
	case '!':
		return OP2(GE_GOLEX_NOT, GE_GOLEX_NEQ);
	case '*':
		return OP2(GE_GOLEX_MUL, GE_GOLEX_MUL_ASSIGN);
	case '/':
		return OP2(GE_GOLEX_QUO, GE_GOLEX_QUO_ASSIGN);
	case '%':
		return OP2(GE_GOLEX_REM, GE_GOLEX_REM_ASSIGN);
	case '^':
		return OP2(GE_GOLEX_XOR, GE_GOLEX_XOR_ASSIGN);
	case '+':
		if (d == '+') {
			*kind = GE_GOLEX_INC;
			return 2;
		}
		return OP2(GE_GOLEX_ADD, GE_GOLEX_ADD_ASSIGN);
	case '-':
		if (d == '-') {
			*kind = GE_GOLEX_DEC;
			return 2;
		}
		return OP2(GE_GOLEX_SUB, GE_GOLEX_SUB_ASSIGN);
	case '|':
		if (d == '|') {
			*kind = GE_GOLEX_LOR;
			return 2;
		}
		return OP2(GE_GOLEX_OR, GE_GOLEX_OR_ASSIGN);
	case '&':
		if (d == '&') {
			*kind = GE_GOLEX_LAND;
			return 2;
		}
		if (d == '^') {
			*kind = e == '=' ? GE_GOLEX_AND_NOT_ASSIGN : GE_GOLEX_AND_NOT;
			return e == '=' ? 3 : 2;
		}
		return OP2(GE_GOLEX_AND, GE_GOLEX_AND_ASSIGN);
	case '<':
		if (d == '-') {
			*kind = GE_GOLEX_ARROW;
			return 2;
		}
		if (d == '<') {
			*kind = e == '=' ? GE_GOLEX_SHL_ASSIGN : GE_GOLEX_SHL;
			return e == '=' ? 3 : 2;
		}
		return OP2(GE_GOLEX_LSS, GE_GOLEX_LEQ);
	case '>':
		if (d == '>') {
			*kind = e == '=' ? GE_GOLEX_SHR_ASSIGN : GE_GOLEX_SHR;
			return e == '=' ? 3 : 2;
		}
		return OP2(GE_GOLEX_GTR, GE_GOLEX_GEQ);
	default:
		return 0;
	}
#undef OP2
}

/* Does a newline after a token of this kind insert a semicolon? */
static int ends_stmt(int kind)
{
	switch (kind) {
	case GE_GOLEX_IDENT:
	case GE_GOLEX_INT:
	case GE_GOLEX_FLOAT:
	case GE_GOLEX_IMAG:
	case GE_GOLEX_CHAR:
	case GE_GOLEX_STRING:
	case GE_GOLEX_BREAK:
	case GE_GOLEX_CONTINUE:
	case GE_GOLEX_FALLTHROUGH:
	case GE_GOLEX_RETURN:
	case GE_GOLEX_INC:
	case GE_GOLEX_DEC:
	case GE_GOLEX_RPAREN:
	case GE_GOLEX_RBRACK:
	case GE_GOLEX_RBRACE:
		return 1;
	default:
		return 0;
	}
}

static int lex(lexer *l)
{
	const unsigned char *s = l->s;
	uint32_t n = l->n, i = 0;
	int semi = 0;

	if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
		i = 3;
	while (i < n) {
		unsigned c = s[i];
		uint32_t st = i, w;
		unsigned flags = 0;
		int kind;

		switch (c) {
		case '\n':
			if (semi && push(l, GE_GOLEX_SEMICOLON, i, 0, 0) < 0)
				return GE_ENOMEM;
			semi = 0;
			i++;
			continue;
		case ' ':
		case '\t':
		case '\r':
			i++;
			continue;
		case '/':
			if (i + 1 < n && s[i + 1] == '/') {
				const unsigned char *nl = memchr(s + i, '\n', n - i);
				i = nl ? (uint32_t)(nl - s) : n;
				continue; /* the newline, if any, is seen next */
			}
			if (i + 1 < n && s[i + 1] == '*') {
				uint32_t nlat = GE_GOLEX_NONE;
				for (i += 2; i < n; i++) {
					if (s[i] == '*' && i + 1 < n && s[i + 1] == '/')
						break;
					if (s[i] == '\n' && nlat == GE_GOLEX_NONE)
						nlat = i;
				}
				i = i < n ? i + 2 : n;
				if (semi && nlat != GE_GOLEX_NONE) {
					if (push(l, GE_GOLEX_SEMICOLON, nlat, 0, 0) < 0)
						return GE_ENOMEM;
					semi = 0;
				}
				continue;
			}
			break;
		case '"':
		case '\'':
			i = scan_quoted(s, n, i + 1, (unsigned char)c, &flags);
			if (push(l, c == '"' ? GE_GOLEX_STRING : GE_GOLEX_CHAR, st, i - st, flags) <
			    0)
				return GE_ENOMEM;
			semi = 1;
			continue;
		case '`': {
			const unsigned char *q =
			    i + 1 < n ? memchr(s + i + 1, '`', n - i - 1) : NULL;
			i = q ? (uint32_t)(q - s) + 1 : n;
			if (push(l, GE_GOLEX_STRING, st, i - st, q ? 0 : GE_GOLEX_F_UNTERMINATED) <
			    0)
				return GE_ENOMEM;
			semi = 1;
			continue;
		}
		default:
			break;
		}

		if (c < 0x80 ? ascii_letter(c) : (w = unicode_ident(s + i, n - i, 0)) != 0) {
			i = scan_ident(s, n, i + (c < 0x80 ? 1 : w));
			kind = keyword(s + st, i - st);
		} else if (decimal(c) || (c == '.' && i + 1 < n && decimal(s[i + 1]))) {
			i = scan_number(s, n, i, &kind);
		} else if ((w = scan_op(s, n, i, &kind)) != 0) {
			i += w;
		} else {
			/* Starts no token: keep the semicolon state, as Go does. */
			if (c >= 0x80 && decode(s + i, n - i, &w) == BAD_RUNE)
				w = 1;
			i += c < 0x80 ? 1 : w;
			if (push(l, GE_GOLEX_ILLEGAL, st, i - st, 0) < 0)
				return GE_ENOMEM;
			continue;
		}
		if (push(l, kind, st, i - st, 0) < 0)
			return GE_ENOMEM;
		semi = ends_stmt(kind);
	}
	if (semi && push(l, GE_GOLEX_SEMICOLON, n, 0, 0) < 0)
		return GE_ENOMEM;
	return push(l, GE_GOLEX_EOF, n, 0, 0);
}

/* ------------------------------------------------------------------ */
/* Lines and brackets                                                   */

static int index_lines(ge_golex *lx)
{
	const char *s = lx->src, *e = s + lx->len, *p = s;
	uint32_t n = 1;
	while (p < e && (p = memchr(p, '\n', (size_t)(e - p)))) {
		n++;
		p++;
	}
	lx->lines = malloc((size_t)n * sizeof(*lx->lines));
	if (!lx->lines)
		return GE_ENOMEM;
	lx->lines[0] = 0;
	lx->nlines = 1;
	for (p = s; p < e && (p = memchr(p, '\n', (size_t)(e - p)));)
		lx->lines[lx->nlines++] = (uint32_t)(++p - s);
	return 0;
}

/* Pair the brackets (the policy is in golex.h).  The stack holds each open
 * bracket and the counts of open parentheses and brackets of its block, so
 * a stray closer is known at once and the pass stays linear. */
static int pair(ge_golex *lx)
{
	struct ent {
		uint32_t idx, paren, brack;
	} * st;
	ge_golex_tok *t = lx->toks;
	uint32_t sp = 0, paren = 0, brack = 0, brace = 0, i, eof = lx->ntoks - 1;

	st = malloc((size_t)lx->ntoks * sizeof(*st));
	if (!st)
		return GE_ENOMEM;
	for (i = 0; i < eof; i++) {
		int k = t[i].kind, want;
		uint32_t *count;
		switch (k) {
		case GE_GOLEX_LPAREN:
		case GE_GOLEX_LBRACK:
		case GE_GOLEX_LBRACE:
			st[sp].idx = i;
			st[sp].paren = paren;
			st[sp].brack = brack;
			sp++;
			if (k == GE_GOLEX_LPAREN) {
				paren++;
			} else if (k == GE_GOLEX_LBRACK) {
				brack++;
			} else {
				brace++;
				paren = brack = 0;
			}
			break;
		case GE_GOLEX_RPAREN:
		case GE_GOLEX_RBRACK:
			want = k == GE_GOLEX_RPAREN ? GE_GOLEX_LPAREN : GE_GOLEX_LBRACK;
			count = k == GE_GOLEX_RPAREN ? &paren : &brack;
			if (!*count) {
				t[i].flags |= GE_GOLEX_F_UNPAIRED;
				break;
			}
			while (sp) {
				ge_golex_tok *o = &t[st[--sp].idx];
				o->match = i;
				if (o->kind == want) {
					t[i].match = st[sp].idx;
					(*count)--;
					break;
				}
				o->flags |= GE_GOLEX_F_UNPAIRED;
				if (o->kind == GE_GOLEX_LPAREN)
					paren--;
				else
					brack--;
			}
			break;
		case GE_GOLEX_RBRACE:
			if (!brace) {
				t[i].flags |= GE_GOLEX_F_UNPAIRED;
				break;
			}
			while (sp) {
				ge_golex_tok *o = &t[st[--sp].idx];
				o->match = i;
				if (o->kind == GE_GOLEX_LBRACE) {
					t[i].match = st[sp].idx;
					paren = st[sp].paren;
					brack = st[sp].brack;
					brace--;
					break;
				}
				o->flags |= GE_GOLEX_F_UNPAIRED;
			}
			break;
		default:
			break;
		}
	}
	while (sp) {
		ge_golex_tok *o = &t[st[--sp].idx];
		o->match = eof;
		o->flags |= GE_GOLEX_F_UNPAIRED;
	}
	free(st);
	return 0;
}

/* ------------------------------------------------------------------ */

int ge_golex_scan(ge_golex *lx, const char *src, size_t len)
{
	lexer l;
	assert(lx && (src || !len));
	memset(lx, 0, sizeof(*lx));
	if (len >= UINT32_MAX - 1)
		return ge_error_set(GE_EBADINPUT, "go source too large (%zu bytes)", len);
	lx->src = src;
	lx->len = len;
	memset(&l, 0, sizeof(l));
	l.lx = lx;
	l.s = (const unsigned char *)src;
	l.n = (uint32_t)len;
	/* About one token per five bytes of gofmt'd Go: one allocation mostly.
	 * (A quarter saved the realloc of most small files, 4 M instructions
	 * at 6,000 files, but raised report --input's peak at 10^7 lines by
	 * 54 MB: the heap's holes between packages no longer fit.) */
	l.cap = (uint32_t)(len / 5 + 16);
	lx->toks = malloc((size_t)l.cap * sizeof(*lx->toks));
	if (!lx->toks || index_lines(lx) < 0 || (l.next = next_line(&l), lex(&l) < 0) ||
	    pair(lx) < 0) {
		ge_golex_release(lx);
		return ge_error_set(GE_ENOMEM, "out of memory");
	}
	return 0;
}

void ge_golex_release(ge_golex *lx)
{
	if (!lx)
		return;
	free(lx->toks);
	free(lx->lines);
	memset(lx, 0, sizeof(*lx));
}

uint32_t *ge_golex_take_lines(ge_golex *lx, uint32_t *nlines)
{
	uint32_t *v;
	assert(lx && nlines);
	v = lx->lines;
	*nlines = lx->nlines;
	lx->lines = NULL;
	lx->nlines = 0;
	return v;
}

uint32_t ge_golex_line_at(const uint32_t *lines, uint32_t nlines, size_t off)
{
	uint32_t lo = 0, hi = nlines;
	if (!nlines)
		return 0;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo + 1;
}

/* Identifiers, keywords and numbers: the tokens old-style "word" bytes make. */
static int word_kind(int kind)
{
	return kind == GE_GOLEX_IDENT || kind == GE_GOLEX_INT || kind == GE_GOLEX_FLOAT ||
	       kind == GE_GOLEX_IMAG || ge_golex_is_keyword(kind);
}

size_t ge_golex_expr_end(const ge_golex *lx, size_t off)
{
	uint32_t lo = 0, hi, i, line;
	size_t cur = off, eol;
	assert(lx && lx->toks && lx->ntoks);
	if (off >= lx->len)
		return off + 1;
	line = ge_golex_line_at(lx->lines, lx->nlines, off);
	eol = line < lx->nlines ? lx->lines[line] - 1 : lx->len;
	/* The first token that ends after off (written tokens are in order). */
	hi = lx->ntoks - 1;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const ge_golex_tok *t = &lx->toks[mid];
		if (t->off + t->len <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	i = lo;
	while (i + 1 < lx->ntoks && lx->toks[i].len == 0) /* an inserted ';' */
		i++;
	/* Inside a word: the rest of it. */
	if (lx->toks[i].off < off) {
		if (!word_kind(lx->toks[i].kind))
			return off + 1;
		cur = lx->toks[i].off + lx->toks[i].len;
		i++;
	}
	while (lx->toks[i].off == cur &&
	       (lx->toks[i].kind == GE_GOLEX_AND || lx->toks[i].kind == GE_GOLEX_MUL)) {
		cur += lx->toks[i].len;
		i++;
	}
	for (;;) {
		const ge_golex_tok *t = &lx->toks[i];
		if (t->kind == GE_GOLEX_EOF || t->off != cur || t->off >= eol)
			break;
		if (word_kind(t->kind)) {
			cur = t->off + t->len;
			i++;
		} else if (t->kind == GE_GOLEX_LPAREN || t->kind == GE_GOLEX_LBRACK ||
		           t->kind == GE_GOLEX_LBRACE) {
			const ge_golex_tok *m =
			    t->match != GE_GOLEX_NONE ? &lx->toks[t->match] : NULL;
			if (m && !(t->flags & GE_GOLEX_F_UNPAIRED) && m->kind != GE_GOLEX_EOF &&
			    m->off + m->len <= eol) {
				cur = m->off + m->len;
				i = t->match + 1;
				continue;
			}
			/* Not closed on this line: the group runs to the line's last token. */
			for (; lx->toks[i].kind != GE_GOLEX_EOF && lx->toks[i].off < eol; i++)
				if (lx->toks[i].len)
					cur = lx->toks[i].off + lx->toks[i].len;
			if (cur > eol)
				cur = eol;
			break;
		} else if (t->kind == GE_GOLEX_PERIOD && cur > off &&
		           lx->toks[i + 1].kind == GE_GOLEX_IDENT &&
		           lx->toks[i + 1].off == t->off + t->len) {
			cur = lx->toks[i + 1].off + lx->toks[i + 1].len;
			i += 2;
		} else {
			break;
		}
	}
	return cur > off ? cur : off + 1;
}
