/*
 * lib/gosrc: the Go scanner behind function attribution and line hashes.
 *
 * Parsing walks the tokens of lib/golex (semicolons inserted, brackets
 * paired with golex's one recovery policy), which are dropped afterwards
 * but for the line table: a structural walk finds function declarations
 * and function literals and numbers the literals the way the Go 1.26
 * compiler does, down to the statements its front end drops as dead code.
 * What survives is a table of spans sorted by start offset (a pre-order of
 * the function tree), the line table and the names.  A lookup is a binary
 * search followed by a walk up the (shallow) tree.
 *
 * Every recursion in the walk is bounded by GE_GOLEX_MAX_DEPTH nested
 * blocks (the one limit every walker of golex tokens shares), so
 * arbitrary input cannot exhaust the stack; code nested deeper than that
 * is attributed to the function at the limit.
 *
 * The parser's types are in gosrc_int.h; the initialisation order of
 * package-level variables (which numbers package-level closures) is in
 * gosrc_init.c.  What remains (about 1,230 lines) is one structural walk
 * (statements, declarations, names) whose parts call each other; cutting
 * it further would only spread that recursion over files.
 */
#include "gosrc.h"

#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "golex.h"
#include "gosrc_int.h"

/*
 * Grow the array whose pointer is at pptr (elements of size el, *cap of them)
 * to hold need elements; 0 or GE_ENOMEM.  pptr is the address of any object
 * pointer; it is moved with memcpy so no pointer is accessed as another type.
 */
int ge_gosrc__grow(void *pptr, uint32_t *cap, uint32_t need, size_t el)
{
	uint32_t n;
	void *old, *q;
	if (need <= *cap)
		return 0;
	n = *cap ? *cap : 16;
	while (n < need)
		n = n > UINT32_MAX / 2 ? need : n * 2;
	if ((size_t)n > SIZE_MAX / el)
		return GE_ENOMEM;
	memcpy(&old, pptr, sizeof(old));
	q = realloc(old, (size_t)n * el);
	if (!q)
		return GE_ENOMEM;
	memcpy(pptr, &q, sizeof(q));
	*cap = n;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Token helpers.  lim bounds every look-ahead: past it is end of input. */

static int K(const parser *p, uint32_t j, uint32_t lim)
{
	return j < lim && j < p->eof ? p->tok[j].kind : GE_GOLEX_EOF;
}

static int opener(int kind)
{
	return kind == GE_GOLEX_LPAREN || kind == GE_GOLEX_LBRACK || kind == GE_GOLEX_LBRACE;
}

/*
 * The last token of the group opened at j: its closer, or when golex
 * closed it implicitly the token before the one that did (the EOF token
 * itself at the end of input), so a group never swallows its closer's
 * enclosing group.
 */
static uint32_t group_end(const parser *p, uint32_t j)
{
	const ge_golex_tok *t = &p->tok[j];
	if (!(t->flags & GE_GOLEX_F_UNPAIRED))
		return t->match;
	return t->match == p->eof ? p->eof : t->match - 1;
}

/* The token after the group opened at j, or after j itself. */
static uint32_t skip(const parser *p, uint32_t j, uint32_t lim)
{
	uint32_t k = j + 1;
	if (j < p->eof && opener(p->tok[j].kind))
		k = group_end(p, j) + 1;
	if (lim > p->eof)
		lim = p->eof;
	return k > lim ? lim : k;
}

/* The closer of the group opened at j, clamped to lim. */
static uint32_t closer(const parser *p, uint32_t j, uint32_t lim)
{
	uint32_t m = group_end(p, j);
	return m > lim ? lim : m;
}

static int is_word(const parser *p, uint32_t j, const char *w)
{
	size_t n = strlen(w);
	return p->tok[j].kind == GE_GOLEX_IDENT && p->tok[j].len == n &&
	       !memcmp(p->src + p->tok[j].off, w, n);
}

static int starts_type(int k)
{
	switch (k) {
	case GE_GOLEX_IDENT:
	case GE_GOLEX_MUL:
	case GE_GOLEX_LBRACK:
	case GE_GOLEX_LPAREN:
	case GE_GOLEX_ARROW:
	case GE_GOLEX_FUNC:
	case GE_GOLEX_MAP:
	case GE_GOLEX_CHAN:
	case GE_GOLEX_STRUCT:
	case GE_GOLEX_INTERFACE:
		return 1;
	default:
		return 0;
	}
}

/* A token after which '[' indexes rather than starts a type. */
static int ends_operand(int k)
{
	return k == GE_GOLEX_IDENT || ge_golex_is_literal(k) || k == GE_GOLEX_RPAREN ||
	       k == GE_GOLEX_RBRACK || k == GE_GOLEX_RBRACE;
}

/*
 * Skip one type starting at j; return the token after it.  Iterative:
 * prefixes (*, [n], map[k], chan, <-) loop, and a func type's single
 * unparenthesised result is the next type of the same loop.  A func type
 * never has a body here: a following '{' is left for the caller.
 */
static uint32_t skip_type(const parser *p, uint32_t j, uint32_t lim)
{
	for (;;) {
		switch (K(p, j, lim)) {
		case GE_GOLEX_MUL:
		case GE_GOLEX_ARROW:
			j++;
			continue;
		case GE_GOLEX_LBRACK:
			j = skip(p, j, lim);
			continue;
		case GE_GOLEX_MAP:
			j++;
			if (K(p, j, lim) == GE_GOLEX_LBRACK)
				j = skip(p, j, lim);
			continue;
		case GE_GOLEX_CHAN:
			j++;
			if (K(p, j, lim) == GE_GOLEX_ARROW)
				j++;
			continue;
		case GE_GOLEX_FUNC:
			j++;
			if (K(p, j, lim) != GE_GOLEX_LPAREN)
				return j;
			j = skip(p, j, lim);
			if (K(p, j, lim) == GE_GOLEX_LPAREN)
				return skip(p, j, lim);
			if (starts_type(K(p, j, lim)))
				continue;
			return j;
		case GE_GOLEX_STRUCT:
		case GE_GOLEX_INTERFACE:
			j++;
			if (K(p, j, lim) == GE_GOLEX_LBRACE)
				j = skip(p, j, lim);
			return j;
		case GE_GOLEX_LPAREN:
			return skip(p, j, lim);
		case GE_GOLEX_IDENT:
			j++;
			if (K(p, j, lim) == GE_GOLEX_PERIOD && K(p, j + 1, lim) == GE_GOLEX_IDENT)
				j += 2;
			if (K(p, j, lim) == GE_GOLEX_LBRACK)
				j = skip(p, j, lim);
			return j;
		default:
			return j;
		}
	}
}

/*
 * Skip a signature's parameters and results, starting at the '(' of the
 * parameters; return the token after the signature.
 */
static uint32_t skip_signature(const parser *p, uint32_t j, uint32_t lim)
{
	if (K(p, j, lim) != GE_GOLEX_LPAREN)
		return j;
	j = skip(p, j, lim);
	if (K(p, j, lim) == GE_GOLEX_LPAREN)
		return skip(p, j, lim);
	if (starts_type(K(p, j, lim)))
		return skip_type(p, j, lim);
	return j;
}

/*
 * The 'func' at j: a function literal (return 1, *lb = its body '{') or a
 * function type (return 0, *after = the token after the type).  After ']'
 * (slice, array, map element), 'chan' or '...' only a type can follow, and
 * a '{' there opens a composite literal, not a body.
 */
static int func_lit(const parser *p, uint32_t j, uint32_t lim, uint32_t *lb, uint32_t *after)
{
	uint32_t k;
	int prev = j ? p->tok[j - 1].kind : GE_GOLEX_EOF;
	if (prev == GE_GOLEX_RBRACK || prev == GE_GOLEX_CHAN || prev == GE_GOLEX_ELLIPSIS) {
		*after = skip_type(p, j, lim);
		return 0;
	}
	k = skip_signature(p, j + 1, lim);
	if (K(p, j + 1, lim) == GE_GOLEX_LPAREN && K(p, k, lim) == GE_GOLEX_LBRACE) {
		*lb = k;
		return 1;
	}
	*after = k > j ? k : j + 1;
	return 0;
}

/*
 * The '{' opening the body of an if/for/switch/select whose header starts
 * at j, or lim.  Function literals and struct/interface types are stepped
 * over, and so are composite literals of array, slice, map and struct
 * types, which Go allows unparenthesised in a header (a named type's
 * literal would need parentheses).
 */
static uint32_t find_body(const parser *p, uint32_t j, uint32_t lim)
{
	uint32_t lb, after;
	while (j < lim) {
		int k = K(p, j, lim);
		/* A header never spans a line end that ends a statement. */
		if (k == GE_GOLEX_EOF || (k == GE_GOLEX_SEMICOLON && !p->tok[j].len))
			return lim;
		if (k == GE_GOLEX_LBRACE)
			return j;
		if (k == GE_GOLEX_FUNC) {
			j = func_lit(p, j, lim, &lb, &after) ? skip(p, lb, lim) : after;
			continue;
		}
		if (k == GE_GOLEX_MAP || k == GE_GOLEX_STRUCT || k == GE_GOLEX_INTERFACE ||
		    (k == GE_GOLEX_LBRACK && !(j && ends_operand(p->tok[j - 1].kind)))) {
			j = skip_type(p, j, lim);
			if (K(p, j, lim) == GE_GOLEX_LBRACE)
				j = skip(p, j, lim);
			continue;
		}
		j = skip(p, j, lim);
	}
	return lim;
}

/*
 * The end of the statement starting at j: its ';' or lim.  The header of an
 * if, for, switch or select may hold ';' of its own, so such a statement is
 * first stepped over up to the end of its body (and of its else chain).
 */
static uint32_t stmt_end(const parser *p, uint32_t j, uint32_t lim)
{
	uint32_t k = j, lb;
	int kw;
	while (K(p, k, lim) == GE_GOLEX_IDENT && K(p, k + 1, lim) == GE_GOLEX_COLON)
		k += 2;
	kw = K(p, k, lim);
	if (kw == GE_GOLEX_IF || kw == GE_GOLEX_FOR || kw == GE_GOLEX_SWITCH ||
	    kw == GE_GOLEX_SELECT) {
		while ((lb = find_body(p, k + 1, lim)) < lim) {
			j = k = skip(p, lb, lim);
			if (kw != GE_GOLEX_IF || K(p, k, lim) != GE_GOLEX_ELSE)
				break;
			k++;
			if (K(p, k, lim) == GE_GOLEX_LBRACE) {
				j = skip(p, k, lim);
				break;
			}
			if (K(p, k, lim) != GE_GOLEX_IF)
				break;
		}
	}
	while (j < lim && K(p, j, lim) != GE_GOLEX_SEMICOLON && K(p, j, lim) != GE_GOLEX_EOF)
		j = skip(p, j, lim);
	return j < lim ? j : lim;
}

/* ------------------------------------------------------------------ */
/* Package-level names                                                 */

static int ident_cmp(const void *a, const void *b)
{
	const ident *x = a, *y = b;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return memcmp(x->s, y->s, x->len);
}

const ident *ge_gosrc__ident_find(const ident *v, uint32_t n, const parser *p, uint32_t j)
{
	ident key = {0};
	if (!n)
		return NULL;
	key.s = p->src + p->tok[j].off;
	key.len = p->tok[j].len;
	return bsearch(&key, v, n, sizeof(*v), ident_cmp);
}

static int add_ident(parser *p, ident **v, uint32_t *n, uint32_t *cap, uint32_t j, uint32_t val,
                     int isfunc)
{
	ident *x;
	if (is_word(p, j, "_"))
		return 0;
	if (ge_gosrc__grow(v, cap, *n + 1, sizeof(**v)) < 0)
		return GE_ENOMEM;
	x = &(*v)[(*n)++];
	x->s = p->src + p->tok[j].off;
	x->len = p->tok[j].len;
	x->val = val;
	x->isfunc = (uint8_t)isfunc;
	return 0;
}

/*
 * One const spec [s, e): names '=' values.  A spec without '=' repeats the
 * previous spec's values (*prev), as Go's implicit repetition does.  Only
 * names bound to a bare true or false are recorded.
 */
static void const_spec(parser *p, uint32_t s, uint32_t e, uint32_t prev[2])
{
	uint32_t j = s, names = s, nnames = 0, vs, ve, v, i;

	while (K(p, j, e) == GE_GOLEX_IDENT) {
		nnames++;
		j++;
		if (K(p, j, e) != GE_GOLEX_COMMA)
			break;
		j++;
	}
	while (j < e && K(p, j, e) != GE_GOLEX_ASSIGN)
		j = skip(p, j, e);
	if (j < e) {
		prev[0] = j + 1;
		prev[1] = e;
	}
	if (prev[0] == NONE)
		return;
	vs = prev[0];
	ve = prev[1];
	for (i = 0, v = vs; i < nnames && v < ve; i++) {
		uint32_t end = v;
		while (end < ve && K(p, end, ve) != GE_GOLEX_COMMA)
			end = skip(p, end, ve);
		if (end == v + 1 && (is_word(p, v, "true") || is_word(p, v, "false"))) {
			uint32_t name = names + 2 * i;
			if (add_ident(p, &p->consts, &p->nconsts, &p->capconsts, name,
			              is_word(p, v, "true") ? 1 : 2, 0) < 0)
				p->err = GE_ENOMEM;
		}
		v = end + 1;
	}
}

static int add_spec(parser *p, uint32_t s, uint32_t e, uint32_t init)
{
	spec *x;
	if (ge_gosrc__grow(&p->specs, &p->capspecs, p->nspecs + 1, sizeof(*p->specs)) < 0)
		return GE_ENOMEM;
	x = &p->specs[p->nspecs++];
	x->s = s;
	x->e = e;
	x->init = init;
	x->nclos = 0;
	return 0;
}

/* One var spec [s, e): record it and its names. */
static void var_spec(parser *p, uint32_t s, uint32_t e)
{
	uint32_t j = s, init;
	while (j < e && K(p, j, e) != GE_GOLEX_ASSIGN)
		j = skip(p, j, e);
	init = j < e ? j + 1 : NONE;
	if (add_spec(p, s, e, init) < 0) {
		p->err = GE_ENOMEM;
		return;
	}
	for (j = s; K(p, j, e) == GE_GOLEX_IDENT;) {
		if (add_ident(p, &p->globals, &p->nglobals, &p->capglobals, j, p->nspecs - 1, 0) <
		    0)
			p->err = GE_ENOMEM;
		j++;
		if (K(p, j, e) != GE_GOLEX_COMMA)
			break;
		j++;
	}
}

/* Call fn for each ';'-separated spec of the declaration [a, b). */
static void each_spec(parser *p, uint32_t a, uint32_t b,
                      void (*fn)(parser *, uint32_t, uint32_t, void *), void *arg)
{
	if (K(p, a + 1, b) == GE_GOLEX_LPAREN) {
		uint32_t rp = closer(p, a + 1, b), s = a + 2;
		while (s < rp) {
			uint32_t e = stmt_end(p, s, rp);
			if (e > s)
				fn(p, s, e, arg);
			s = e + 1;
		}
	} else if (a + 1 < b) {
		fn(p, a + 1, b, arg);
	}
}

static void const_cb(parser *p, uint32_t s, uint32_t e, void *arg)
{
	const_spec(p, s, e, arg);
}

static void var_cb(parser *p, uint32_t s, uint32_t e, void *arg)
{
	(void)arg;
	var_spec(p, s, e);
}

/* Whether the top-level statement at a is a function declaration. */
static int is_func_decl(const parser *p, uint32_t a, uint32_t b)
{
	uint32_t k = a + 1;
	if (K(p, a, b) != GE_GOLEX_FUNC)
		return 0;
	if (K(p, k, b) == GE_GOLEX_LPAREN)
		k = skip(p, k, b);
	return K(p, k, b) == GE_GOLEX_IDENT;
}

/* ------------------------------------------------------------------ */
/* Static conditions, as the Go 1.26 front end evaluates them            */

static int sb_or(const parser *p, uint32_t s, uint32_t e, int depth, int *isc);

/* A constant operand: true, false, a known bool constant, possibly
 * negated or parenthesised.  +1 / -1 with *isc set, else 0. */
static int sb_operand(const parser *p, uint32_t s, uint32_t e, int depth, int *isc)
{
	int neg = 0, v = 0, ic = 0;
	*isc = 0;
	while (s < e && K(p, s, e) == GE_GOLEX_NOT) {
		neg ^= 1;
		s++;
	}
	if (s >= e)
		return 0;
	if (e - s == 1 && K(p, s, e) == GE_GOLEX_IDENT) {
		const ident *c;
		if (is_word(p, s, "true"))
			v = 1;
		else if (is_word(p, s, "false"))
			v = -1;
		else if ((c = ge_gosrc__ident_find(p->consts, p->nconsts, p, s)))
			v = c->val == 1 ? 1 : -1;
		ic = v != 0;
	} else if (K(p, s, e) == GE_GOLEX_LPAREN && group_end(p, s) == e - 1 && depth < 32) {
		v = sb_or(p, s + 1, e - 1, depth + 1, &ic);
		if (!ic)
			v = 0;
	}
	if (!ic)
		return 0;
	*isc = 1;
	return neg ? -v : v;
}

/*
 * A left-associative chain of operands separated by op: GE_GOLEX_LOR (whose
 * operands are GE_GOLEX_LAND chains) or GE_GOLEX_LAND (whose operands are unary).
 * The combination follows Go's staticBool: constant when every operand
 * is, otherwise its short-circuit rules.
 */
static int sb_chain(const parser *p, uint32_t s, uint32_t e, int depth, int *isc, int op)
{
	int acc = 0, accc = 0, first = 1;
	while (s <= e) {
		uint32_t t = s;
		int y, yc;
		while (t < e && K(p, t, e) != op)
			t = skip(p, t, e);
		if (op == GE_GOLEX_LOR)
			y = sb_chain(p, s, t, depth, &yc, GE_GOLEX_LAND);
		else
			y = sb_operand(p, s, t, depth, &yc);
		if (first) {
			acc = y;
			accc = yc;
			first = 0;
		} else if (accc && yc) {
			acc = op == GE_GOLEX_LAND ? (acc > 0 && y > 0 ? 1 : -1)
			                          : (acc > 0 || y > 0 ? 1 : -1);
		} else {
			int x = acc;
			accc = 0;
			if (op == GE_GOLEX_LAND)
				acc = x < 0 ? x : (x > 0 || y < 0 ? y : 0);
			else
				acc = x > 0 ? x : (x < 0 || y > 0 ? y : 0);
		}
		s = t + 1;
	}
	*isc = accc;
	return acc;
}

static int sb_or(const parser *p, uint32_t s, uint32_t e, int depth, int *isc)
{
	return sb_chain(p, s, e, depth, isc, GE_GOLEX_LOR);
}

/* +1 when the condition [s, e) is always true, -1 always false, else 0. */
static int static_bool(const parser *p, uint32_t s, uint32_t e)
{
	int ic;
	if (s >= e)
		return 0;
	return sb_or(p, s, e, 0, &ic);
}

/* ------------------------------------------------------------------ */
/* The function tree                                                    */

static uint32_t new_node(parser *p, int kind, uint32_t start, uint32_t end, uint32_t parent)
{
	ge_gofile *f = p->f;
	node *n;
	if (p->err)
		return NONE;
	if (f->nnodes == NONE - 1 ||
	    ge_gosrc__grow(&f->nodes, &f->capnodes, f->nnodes + 1, sizeof(*f->nodes)) < 0) {
		p->err = GE_ENOMEM;
		return NONE;
	}
	if (parent != NONE && end > f->nodes[parent].end)
		end = f->nodes[parent].end;
	if (end < start)
		end = start;
	n = &f->nodes[f->nnodes];
	memset(n, 0, sizeof(*n));
	n->kind = (uint8_t)kind;
	n->start = start;
	n->end = end;
	n->parent = parent;
	n->group = NONE;
	return f->nnodes++;
}

static int stmts(parser *p, uint32_t s, uint32_t e, uint32_t fn, int depth, int emit);

/*
 * Find the function literals in [s, e), in source order, number each in
 * fn (NONE: package level, numbered later in initialisation order) and
 * walk its body.  Everything that is not a literal is stepped over token
 * by token, so literals nested in calls and composite literals are found.
 */
static void scan_expr(parser *p, uint32_t s, uint32_t e, uint32_t fn, int depth)
{
	uint32_t j = s, lb, after, rb, n;
	while (j < e && K(p, j, e) != GE_GOLEX_EOF) {
		if (K(p, j, e) != GE_GOLEX_FUNC) {
			j++;
			continue;
		}
		if (!func_lit(p, j, e, &lb, &after)) {
			j = after;
			continue;
		}
		rb = closer(p, lb, e);
		n = new_node(p, N_CLOSURE, p->tok[j].off + 1, p->tok[rb].off, fn);
		if (n == NONE)
			return;
		if (fn == NONE) {
			p->f->nodes[n].group = p->group;
			if (p->group != NONE)
				p->specs[p->group].nclos++;
		} else {
			p->f->nodes[n].num = ++p->f->nodes[fn].nkids;
		}
		if (depth < MAX_DEPTH)
			stmts(p, lb + 1, rb, n, depth + 1, 1);
		j = rb + 1;
	}
}

static int stmt(parser *p, uint32_t a, uint32_t b, uint32_t fn, int depth, int emit);

static int is_panic(const parser *p, uint32_t a, uint32_t b)
{
	while (K(p, a, b) == GE_GOLEX_LPAREN && group_end(p, a) == b - 1 && a + 1 < b - 1) {
		a++;
		b--;
	}
	return b - a >= 3 && is_word(p, a, "panic") && K(p, a + 1, b) == GE_GOLEX_LPAREN &&
	       group_end(p, a + 1) == b - 1;
}

/* The start of an if/for header's condition: after its last ';'. */
static uint32_t cond_start(const parser *p, uint32_t s, uint32_t e)
{
	uint32_t j = s, c = s;
	while (j < e) {
		if (K(p, j, e) == GE_GOLEX_SEMICOLON)
			c = j + 1;
		j = skip(p, j, e);
	}
	return c;
}

/*
 * An if statement (with its else-if chain, walked iteratively).  Go 1.26
 * drops a branch whose condition is constant, so its literals get no
 * number.  Returns whether the statement terminates, by Go's rule:
 * (cond false or then terminates) and (cond true or else terminates).
 */
static int if_stmt(parser *p, uint32_t a, uint32_t b, uint32_t fn, int depth, int emit)
{
	int acc = 1;
	for (;;) {
		uint32_t lb = find_body(p, a + 1, b), rb, j;
		int cond, t = 0;
		if (lb >= b) {
			if (emit)
				scan_expr(p, a + 1, b, fn, depth);
			return 0;
		}
		cond = static_bool(p, cond_start(p, a + 1, lb), lb);
		if (emit)
			scan_expr(p, a + 1, lb, fn, depth);
		rb = closer(p, lb, b);
		if (cond >= 0)
			t = stmts(p, lb + 1, rb, fn, depth + 1, emit);
		acc = acc && (cond < 0 || t);
		if (cond > 0)
			return acc;
		j = rb + 1;
		if (K(p, j, b) != GE_GOLEX_ELSE)
			return 0;
		j++;
		if (K(p, j, b) == GE_GOLEX_IF) {
			a = j;
			continue;
		}
		if (K(p, j, b) == GE_GOLEX_LBRACE) {
			t = stmts(p, j + 1, closer(p, j, b), fn, depth + 1, emit);
			return acc && t;
		}
		return 0;
	}
}

/* A for statement; a constant false condition drops the post statement
 * and the body. */
static void for_stmt(parser *p, uint32_t a, uint32_t b, uint32_t fn, int depth)
{
	uint32_t lb = find_body(p, a + 1, b), j, semi[2] = {NONE, NONE}, nsemi = 0, upto;
	int cond = 0, isrange = 0;
	if (lb >= b) {
		scan_expr(p, a + 1, b, fn, depth);
		return;
	}
	for (j = a + 1; j < lb; j = skip(p, j, lb)) {
		int k = K(p, j, lb);
		if (k == GE_GOLEX_RANGE)
			isrange = 1;
		if (k == GE_GOLEX_SEMICOLON && nsemi < 2)
			semi[nsemi++] = j;
	}
	if (!isrange && nsemi == 0)
		cond = static_bool(p, a + 1, lb);
	else if (!isrange && nsemi == 2)
		cond = static_bool(p, semi[0] + 1, semi[1]);
	upto = cond < 0 && nsemi == 2 ? semi[1] : lb;
	scan_expr(p, a + 1, upto, fn, depth);
	if (cond >= 0)
		stmts(p, lb + 1, closer(p, lb, b), fn, depth + 1, 1);
}

/* A switch or select statement: header, then case clauses, each a
 * statement list of its own. */
static void switch_stmt(parser *p, uint32_t a, uint32_t b, uint32_t fn, int depth)
{
	uint32_t lb = find_body(p, a + 1, b), rb, j;
	if (lb >= b) {
		scan_expr(p, a + 1, b, fn, depth);
		return;
	}
	scan_expr(p, a + 1, lb, fn, depth);
	rb = closer(p, lb, b);
	j = lb + 1;
	while (j < rb) {
		uint32_t c = j, ce;
		int k = K(p, j, rb);
		if (k == GE_GOLEX_CASE || k == GE_GOLEX_DEFAULT) {
			c = j + 1;
			while (c < rb && K(p, c, rb) != GE_GOLEX_COLON)
				c = skip(p, c, rb);
			scan_expr(p, j + 1, c, fn, depth);
			c = c < rb ? c + 1 : rb;
		}
		ce = c;
		while (ce < rb && K(p, ce, rb) != GE_GOLEX_CASE && K(p, ce, rb) != GE_GOLEX_DEFAULT)
			ce = skip(p, ce, rb);
		stmts(p, c, ce, fn, depth + 1, 1);
		j = ce > j ? ce : j + 1;
	}
}

/*
 * One statement [a, b) of a body.  With emit, its literals are numbered
 * and walked; without, it is only judged.  Returns whether it terminates
 * in the sense of Go 1.26's dead-code pass: return, goto, a call of
 * panic, a block ending in one, an if whose live branches all do.
 */
static int stmt(parser *p, uint32_t a, uint32_t b, uint32_t fn, int depth, int emit)
{
	int labeled = 0, t;
	while (a + 1 < b && K(p, a, b) == GE_GOLEX_IDENT && K(p, a + 1, b) == GE_GOLEX_COLON) {
		a += 2;
		labeled = 1;
	}
	if (a >= b)
		return 0;
	switch (K(p, a, b)) {
	case GE_GOLEX_RETURN:
		if (emit)
			scan_expr(p, a + 1, b, fn, depth);
		t = 1;
		break;
	case GE_GOLEX_GOTO:
		t = 1;
		break;
	case GE_GOLEX_IF:
		t = if_stmt(p, a, b, fn, depth, emit);
		break;
	case GE_GOLEX_FOR:
		if (emit)
			for_stmt(p, a, b, fn, depth);
		t = 0;
		break;
	case GE_GOLEX_SWITCH:
	case GE_GOLEX_SELECT:
		if (emit)
			switch_stmt(p, a, b, fn, depth);
		t = 0;
		break;
	case GE_GOLEX_LBRACE: {
		uint32_t rb = closer(p, a, b);
		t = stmts(p, a + 1, rb, fn, depth + 1, emit);
		if (emit && rb + 1 < b)
			scan_expr(p, rb + 1, b, fn, depth);
		break;
	}
	default:
		if (emit)
			scan_expr(p, a, b, fn, depth);
		t = is_panic(p, a, b);
		break;
	}
	return labeled ? 0 : t;
}

/*
 * A statement list [s, e).  Go 1.26 omits the statements after a
 * terminating one unless a labeled statement follows later in the list;
 * literals in omitted statements are not numbered.  Returns whether the
 * last non-empty statement terminates.
 */
static int stmts(parser *p, uint32_t s, uint32_t e, uint32_t fn, int depth, int emit)
{
	uint32_t a, b, i, last_label = NONE, last = NONE, last_end = NONE;
	int dead = 0, t = 0;

	if (depth > MAX_DEPTH || p->err)
		return 0;
	for (a = s, i = 0; a < e; i++) {
		b = stmt_end(p, a, e);
		if (b > a) {
			if (K(p, a, b) == GE_GOLEX_IDENT && K(p, a + 1, b) == GE_GOLEX_COLON)
				last_label = i;
			last = a;
			last_end = b;
		}
		a = b + 1;
	}
	if (!emit)
		return last == NONE ? 0 : stmt(p, last, last_end, fn, depth, 0);
	for (a = s, i = 0; a < e; i++) {
		b = stmt_end(p, a, e);
		if (dead && (last_label == NONE || i > last_label)) {
			if (a == last)
				t = stmt(p, a, b, fn, depth, 0);
		} else if (b > a) {
			t = dead = stmt(p, a, b, fn, depth, 1);
		}
		a = b + 1;
	}
	return t;
}

/* Append the name of a method or function declared at [a, name]. */
static int decl_name(parser *p, uint32_t a, uint32_t name, uint32_t b, uint32_t *raw)
{
	ge_buf *r = &p->f->raw;
	uint32_t recv = a + 1, tname = NONE, j, rend;
	int ptr = 0, rc = 0;

	*raw = (uint32_t)r->len;
	if (K(p, recv, b) == GE_GOLEX_LPAREN) {
		rend = closer(p, recv, b);
		/* The type name is the last identifier outside type arguments;
		 * parentheses, as in (r (*T)), are stepped into. */
		for (j = recv + 1; j < rend;
		     j = K(p, j, rend) == GE_GOLEX_LBRACK ? skip(p, j, rend) : j + 1) {
			int k = K(p, j, rend);
			if (k == GE_GOLEX_MUL)
				ptr = 1;
			else if (k == GE_GOLEX_IDENT)
				tname = j;
		}
		if (tname != NONE) {
			if (ptr)
				rc |= ge_buf_puts(r, "(*");
			rc |= ge_buf_put(r, p->src + p->tok[tname].off, p->tok[tname].len);
			rc |= ge_buf_puts(r, ptr ? ")." : ".");
		}
	}
	rc |= ge_buf_put(r, p->src + p->tok[name].off, p->tok[name].len);
	rc |= ge_buf_putc(r, '\0');
	return rc ? GE_ENOMEM : 0;
}

/*
 * A top-level function declaration [a, b): its span runs from 'func' to
 * the closing brace, or to the end of the signature when it has no body
 * (an assembly function).
 */
static void func_decl(parser *p, uint32_t a, uint32_t b)
{
	uint32_t k = a + 1, name, lb = NONE, n, end, raw;
	int init = 0;

	if (K(p, k, b) == GE_GOLEX_LPAREN)
		k = skip(p, k, b);
	name = k++;
	init = k == a + 2 && is_word(p, name, "init");
	if (K(p, k, b) == GE_GOLEX_LBRACK)
		k = skip(p, k, b);
	k = skip_signature(p, k, b);
	if (K(p, k, b) == GE_GOLEX_LBRACE)
		lb = k;
	if (lb != NONE)
		end = p->tok[closer(p, lb, b)].off;
	else
		end = p->tok[k - 1].off + (p->tok[k - 1].len ? p->tok[k - 1].len - 1 : 0);
	if (init) {
		n = new_node(p, N_INIT, p->tok[a].off, end, NONE);
		if (n != NONE)
			p->f->nodes[n].num = p->f->ninit++;
	} else {
		if (decl_name(p, a, name, b, &raw) < 0) {
			p->err = GE_ENOMEM;
			return;
		}
		n = new_node(p, N_DECL, p->tok[a].off, end, NONE);
		if (n != NONE)
			p->f->nodes[n].raw = raw;
	}
	if (n != NONE && lb != NONE)
		stmts(p, lb + 1, closer(p, lb, b), n, 1, 1);
}

/* The plain (receiver-less, non-init) function declared at [a, b), for
 * the initialisation-order dependencies. */
static void note_func(parser *p, uint32_t a, uint32_t b)
{
	uint32_t k, lb;
	if (K(p, a + 1, b) != GE_GOLEX_IDENT || is_word(p, a + 1, "init"))
		return;
	k = a + 2;
	if (K(p, k, b) == GE_GOLEX_LBRACK)
		k = skip(p, k, b);
	lb = skip_signature(p, k, b);
	if (K(p, lb, b) != GE_GOLEX_LBRACE)
		return;
	if (ge_gosrc__grow(&p->funcs, &p->capfuncs, p->nfuncs + 1, sizeof(*p->funcs)) < 0 ||
	    add_ident(p, &p->globals, &p->nglobals, &p->capglobals, a + 1, p->nfuncs, 1) < 0) {
		p->err = GE_ENOMEM;
		return;
	}
	p->funcs[p->nfuncs][0] = lb + 1;
	p->funcs[p->nfuncs][1] = closer(p, lb, b);
	p->nfuncs++;
}

/* ------------------------------------------------------------------ */
/* Top level                                                            */

/* Call fn(p, a, b) for each top-level statement [a, b). */
static void each_top(parser *p, void (*fn)(parser *, uint32_t, uint32_t))
{
	uint32_t a = 0, b;
	while (a < p->eof && !p->err) {
		b = stmt_end(p, a, p->eof);
		if (b > a)
			fn(p, a, b);
		a = b + 1;
	}
}

/* Pass 1: names, constants, initialisers. */
static void collect(parser *p, uint32_t a, uint32_t b)
{
	uint32_t prev[2] = {NONE, NONE};
	switch (K(p, a, b)) {
	case GE_GOLEX_PACKAGE:
		if (!p->f->pkg && K(p, a + 1, b) == GE_GOLEX_IDENT) {
			p->f->pkg = ge_strndup(p->src + p->tok[a + 1].off, p->tok[a + 1].len);
			if (!p->f->pkg)
				p->err = GE_ENOMEM;
		}
		break;
	case GE_GOLEX_IMPORT:
	case GE_GOLEX_TYPE:
		break;
	case GE_GOLEX_CONST:
		each_spec(p, a, b, const_cb, prev);
		break;
	case GE_GOLEX_VAR:
		each_spec(p, a, b, var_cb, NULL);
		break;
	case GE_GOLEX_FUNC:
		if (is_func_decl(p, a, b)) {
			note_func(p, a, b);
			break;
		}
		/* fall through */
	default:
		if (add_spec(p, a, b, NONE) < 0)
			p->err = GE_ENOMEM;
		break;
	}
}

/* Pass 2: functions and literals, in source order.  Specs were recorded
 * in the same order by collect(); p->group walks them. */
static void walk(parser *p, uint32_t a, uint32_t b)
{
	int k = K(p, a, b);
	if (k == GE_GOLEX_PACKAGE || k == GE_GOLEX_IMPORT || k == GE_GOLEX_TYPE ||
	    k == GE_GOLEX_CONST)
		return;
	if (k == GE_GOLEX_FUNC && is_func_decl(p, a, b)) {
		func_decl(p, a, b);
		return;
	}
	while (p->group < p->nspecs && p->specs[p->group].s < b) {
		scan_expr(p, p->specs[p->group].s, p->specs[p->group].e, NONE, 0);
		p->group++;
	}
}

/* Final names, from the raw declaration names and the package bases.  On
 * failure every name is left empty, never stale. */
static int build_names(ge_gofile *f)
{
	uint32_t i;
	ge_buf_clear(&f->names);
	for (i = 0; i < f->nnodes; i++) {
		node *n = &f->nodes[i];
		size_t at = f->names.len;
		int rc;
		if (at > UINT32_MAX - 64) {
			rc = GE_ENOMEM; /* offsets are 32-bit */
		} else if (n->kind == N_DECL) {
			rc = ge_buf_puts(&f->names, f->raw.ptr + n->raw);
		} else if (n->kind == N_INIT) {
			rc = ge_buf_printf(&f->names, "init.%llu",
			                   (unsigned long long)f->init_base + n->num);
		} else if (n->parent == NONE) {
			rc = ge_buf_printf(&f->names, "init.func%llu",
			                   (unsigned long long)f->glob_base + n->num);
		} else {
			const node *up = &f->nodes[n->parent];
			size_t plen = strlen(f->names.ptr + up->name);
			/* Reserve first: the parent's name lives in this buffer. */
			rc = ge_buf_grow(&f->names, plen + 32);
			if (!rc)
				rc = ge_buf_put(&f->names, f->names.ptr + up->name, plen);
			if (!rc)
				rc = ge_buf_printf(&f->names,
				                   up->kind == N_CLOSURE ? ".%lu" : ".func%lu",
				                   (unsigned long)n->num);
		}
		if (!rc)
			rc = ge_buf_putc(&f->names, '\0');
		if (rc) {
			for (i = 0; i < f->nnodes; i++)
				f->nodes[i].name = 0;
			ge_buf_clear(&f->names);
			return ge_error_set(GE_ENOMEM, "out of memory");
		}
		n->name = (uint32_t)at;
	}
	return 0;
}

static void parser_release(parser *p)
{
	ge_golex_release(&p->lx);
	free(p->consts);
	free(p->globals);
	free(p->funcs);
	free(p->specs);
}

/* Parse src, which the new object takes over (it was malloc'd with one
 * spare byte for the terminating NUL).  pre, when not NULL, holds src's
 * tokens already (borrowed): they are walked instead of lexing again. */
static int parse_owned(ge_gofile **out, char *src, size_t len, const ge_golex *pre)
{
	parser p;
	ge_gofile *f = NULL;
	int rc = GE_ENOMEM;

	memset(&p, 0, sizeof(p));
	*out = NULL;
	if (len >= UINT32_MAX - 1) {
		free(src);
		return ge_error_set(GE_EBADINPUT, "go source too large (%zu bytes)", len);
	}
	src[len] = '\0';
	f = calloc(1, sizeof(*f));
	if (!f) {
		free(src);
		goto done;
	}
	ge_buf_init(&f->raw, 0);
	ge_buf_init(&f->names, 0);
	f->src = src;
	f->len = len;
	p.src = src;
	p.len = (uint32_t)len;
	p.f = f;
	if (pre) {
		rc = GE_ENOMEM;
		p.tok = pre->toks;
		p.eof = pre->ntoks - 1;
		if (!(f->lines = malloc((pre->nlines ? pre->nlines : 1) * sizeof(*f->lines))))
			goto done;
		memcpy(f->lines, pre->lines, pre->nlines * sizeof(*f->lines));
		f->nlines = pre->nlines;
	} else {
		rc = ge_golex_scan(&p.lx, src, len);
		if (rc < 0)
			goto done;
		rc = GE_ENOMEM;
		p.tok = p.lx.toks;
		p.eof = p.lx.ntoks - 1;
		f->lines = ge_golex_take_lines(&p.lx, &f->nlines);
	}
	/* golex counts an empty line after a final newline; gosrc does not. */
	if (!len || src[len - 1] == '\n')
		f->nlines--;
	each_top(&p, collect);
	if (p.err)
		goto done;
	if (p.nconsts)
		qsort(p.consts, p.nconsts, sizeof(*p.consts), ident_cmp);
	if (p.nglobals)
		qsort(p.globals, p.nglobals, sizeof(*p.globals), ident_cmp);
	p.group = 0;
	each_top(&p, walk);
	if (p.err || ge_gosrc__number_globals(&p) < 0)
		goto done;
	rc = build_names(f);
	if (rc < 0)
		goto done;
	*out = f;
	f = NULL;
	rc = 0;
done:
	if (rc == GE_ENOMEM)
		ge_error_set(GE_ENOMEM, "out of memory");
	parser_release(&p);
	ge_gofile_free(f);
	return rc;
}

/* A copy of src parsed, with lx's tokens of it when given (else lexed here). */
static int parse_copy(ge_gofile **out, const char *src, size_t len, const ge_golex *lx)
{
	char *copy;
	*out = NULL;
	if (len >= UINT32_MAX - 1)
		return ge_error_set(GE_EBADINPUT, "go source too large (%zu bytes)", len);
	copy = malloc(len + 1);
	if (!copy)
		return ge_error_set(GE_ENOMEM, "out of memory");
	if (len)
		memcpy(copy, src, len);
	return parse_owned(out, copy, len, lx);
}

int ge_gofile_parse(ge_gofile **out, const char *src, size_t len)
{
	assert(out && (src || !len));
	return parse_copy(out, src, len, NULL);
}

int ge_gofile_parse_lexed(ge_gofile **out, const char *src, size_t len, const ge_golex *lx)
{
	assert(out && (src || !len) && lx && lx->toks && lx->len == len);
	return parse_copy(out, src, len, lx);
}

int ge_gofile_load(ge_gofile **out, const char *path)
{
	ge_buf b = GE_BUF_INIT;
	size_t len;
	int rc;
	assert(out && path);
	*out = NULL;
	rc = ge_file_read(&b, path);
	if (rc < 0)
		goto done;
	len = b.len;
	if (len >= UINT32_MAX - 1) {
		rc = ge_error_set(GE_EBADINPUT, "cannot scan '%s': file too large", path);
		goto done;
	}
	if (ge_buf_grow(&b, 1) < 0) {
		rc = GE_ENOMEM;
		goto done;
	}
	rc = parse_owned(out, ge_buf_detach(&b), len, NULL);
done:
	ge_buf_release(&b);
	return rc;
}

void ge_gofile_free(ge_gofile *f)
{
	if (!f)
		return;
	free(f->src);
	free(f->lines);
	free(f->nodes);
	ge_buf_release(&f->raw);
	ge_buf_release(&f->names);
	free(f->pkg);
	free(f);
}

/* Offset of the '\n' ending a line (1..nlines), or of the end of file. */
static uint32_t line_end(const ge_gofile *f, uint32_t line)
{
	uint32_t e = line < f->nlines ? f->lines[line] : (uint32_t)f->len;
	return e > f->lines[line - 1] && f->src[e - 1] == '\n' ? e - 1 : e;
}

const char *ge_gofile_func_at(const ge_gofile *f, uint32_t line, uint32_t col)
{
	uint32_t off, eol, lo, hi, i;
	assert(f);
	if (line == 0 || line > f->nlines || !f->nnodes)
		return "";
	off = f->lines[line - 1];
	eol = line_end(f, line);
	off = col > 1 && col - 1 < eol - off ? off + (col - 1) : (col > 1 ? eol : off);
	/* last node starting at or before off */
	lo = 0;
	hi = f->nnodes;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (f->nodes[mid].start <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return "";
	for (i = lo - 1; i != NONE; i = f->nodes[i].parent)
		if (f->nodes[i].end >= off)
			return f->names.ptr + f->nodes[i].name;
	return "";
}

const char *ge_gofile_func_line(const ge_gofile *f, uint32_t line, uint32_t col, int *uniform)
{
	uint32_t ls, eol, lo = 0, hi, i;
	assert(f && uniform);
	*uniform = 0;
	if (line == 0 || line > f->nlines)
		return ge_gofile_func_at(f, line, col);
	ls = f->lines[line - 1];
	eol = line_end(f, line);
	hi = f->nnodes;
	while (lo < hi) { /* lo: the first node starting after ls */
		uint32_t mid = lo + (hi - lo) / 2;
		if (f->nodes[mid].start <= ls)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* ge_gofile_func_at's offsets for the line are ls..eol.  With no node
	 * starting after ls among them, each finds the chain of node lo - 1;
	 * the nodes of it that end before ls are passed over by all of them,
	 * and the first that does not (the answer at ls) answers them all
	 * when it reaches eol. */
	if (lo == f->nnodes || f->nodes[lo].start > eol) {
		*uniform = 1;
		for (i = lo ? lo - 1 : NONE; i != NONE; i = f->nodes[i].parent)
			if (f->nodes[i].end >= ls) {
				*uniform = f->nodes[i].end >= eol;
				break;
			}
	}
	return ge_gofile_func_at(f, line, col);
}

uint32_t ge_gofile_nlines(const ge_gofile *f)
{
	assert(f);
	return f->nlines;
}

const char *ge_gofile_line(const ge_gofile *f, uint32_t line, size_t *len)
{
	uint32_t s, e;
	assert(f && len);
	*len = 0;
	if (line == 0 || line > f->nlines)
		return NULL;
	s = f->lines[line - 1];
	e = line_end(f, line);
	if (e > s && f->src[e - 1] == '\r')
		e--;
	*len = e - s;
	return f->src + s;
}

uint64_t ge_gofile_line_hash(const ge_gofile *f, uint32_t line)
{
	size_t len;
	const char *s = ge_gofile_line(f, line, &len);
	return s ? ge_hash_nospace(s, len) : 0;
}

int ge_gofile_has_func(const ge_gofile *f)
{
	uint32_t i;
	assert(f);
	for (i = 0; i < f->nnodes; i++)
		if (f->nodes[i].parent == NONE &&
		    (f->nodes[i].kind == N_DECL || f->nodes[i].kind == N_INIT))
			return 1;
	return 0;
}

const char *ge_gofile_package(const ge_gofile *f)
{
	assert(f);
	return f->pkg ? f->pkg : "";
}

void ge_gofile_package_counts(const ge_gofile *f, uint32_t *closures, uint32_t *inits)
{
	assert(f);
	if (closures)
		*closures = f->nglob;
	if (inits)
		*inits = f->ninit;
}

int ge_gofile_set_package_base(ge_gofile *f, uint32_t closures, uint32_t inits)
{
	assert(f);
	f->glob_base = closures;
	f->init_base = inits;
	return build_names(f);
}

int ge_gofile_line_has_mark(const ge_gofile *f, uint32_t line)
{
	static const char mark[] = "//goescape:ignore";
	size_t n, i, m = sizeof(mark) - 1;
	const char *t = line ? ge_gofile_line(f, line, &n) : NULL;
	if (!t)
		return 0;
	for (i = 0; i + m <= n; i++)
		if (t[i] == '/' && memcmp(t + i, mark, m) == 0)
			return 1;
	return 0;
}
