/* lib/gopkg: build constraints and file headers (see lib/gopkg.h).
 *
 * go/build's rules for which files a configuration compiles: file names,
 * //go:build and // +build lines, and the header (package clause, imports
 * of "C") that ge_gopkg_open() reads of every candidate.  Moved out of
 * gopkg.c as it was. */
#include "gopkg.h"
#include "gopkg_build.h"

#include <stdlib.h>
#include <string.h>

#include "golex.h"

/* Nesting limit of a //go:build expression (go/build/constraint has 1000). */
#define EXPR_DEPTH 100

/* ------------------------------------------------------------------ */
/* Build constraints                                                  */

static const char *const known_os[] = {
    "aix",  "android", "darwin",  "dragonfly", "freebsd", "hurd",   "illumos", "ios", "js", "linux",
    "nacl", "netbsd",  "openbsd", "plan9",     "solaris", "wasip1", "windows", "zos", NULL};
static const char *const unix_os[] = {"aix",     "android", "darwin", "dragonfly", "freebsd",
                                      "hurd",    "illumos", "ios",    "linux",     "netbsd",
                                      "openbsd", "solaris", NULL};
static const char *const known_arch[] = {"386",    "amd64",    "amd64p32",  "arm",         "armbe",
                                         "arm64",  "arm64be",  "loong64",   "mips",        "mipsle",
                                         "mips64", "mips64le", "mips64p32", "mips64p32le", "ppc",
                                         "ppc64",  "ppc64le",  "riscv",     "riscv64",     "s390",
                                         "s390x",  "sparc",    "sparc64",   "wasm",        NULL};

static int in_list(const char *const *v, const char *s, size_t n)
{
	for (; *v; v++)
		if (strlen(*v) == n && memcmp(*v, s, n) == 0)
			return 1;
	return 0;
}

static int eq(const char *a, const char *s, size_t n)
{
	return a && strlen(a) == n && memcmp(a, s, n) == 0;
}

static const char *b_goos(const ge_gopkg_build *b)
{
	return b->goos && *b->goos ? b->goos : "linux";
}

static const char *b_goarch(const ge_gopkg_build *b)
{
	return b->goarch && *b->goarch ? b->goarch : "amd64";
}

/* go/build's matchTag. */
static int match_tag(const ge_gopkg_build *b, const char *s, size_t n)
{
	const char *os = b_goos(b);
	size_t i;
	if (eq(os, s, n) || eq(b_goarch(b), s, n) || (n == 2 && memcmp(s, "gc", 2) == 0))
		return 1;
	if (n == 4 && memcmp(s, "unix", 4) == 0)
		return in_list(unix_os, os, strlen(os));
	if (eq("linux", s, n) && strcmp(os, "android") == 0)
		return 1;
	if (eq("solaris", s, n) && strcmp(os, "illumos") == 0)
		return 1;
	if (eq("darwin", s, n) && strcmp(os, "ios") == 0)
		return 1;
	if (eq("cgo", s, n))
		return b->cgo != 0;
	if (n > 13 && memcmp(s, "goexperiment.", 13) == 0) {
		for (i = 0; i < b->nexperiments; i++)
			if (eq(b->experiments[i], s + 13, n - 13))
				return 1;
		return 0;
	}
	if (n > 4 && memcmp(s, "go1.", 4) == 0) {
		long minor = 0;
		size_t k;
		for (k = 4; k < n && s[k] >= '0' && s[k] <= '9' && minor < 100000; k++)
			minor = minor * 10 + (s[k] - '0');
		if (k == n)
			return b->go_minor <= 0 || minor <= b->go_minor;
	}
	for (i = 0; i < b->ntags; i++)
		if (eq(b->tags[i], s, n))
			return 1;
	return 0;
}

static int tag_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.';
}

typedef struct expr {
	const char *s, *end;
	const ge_gopkg_build *b;
	int bad;
} expr;

static void ex_space(expr *e)
{
	while (e->s < e->end && (*e->s == ' ' || *e->s == '\t' || *e->s == '\r'))
		e->s++;
}

static int ex_or(expr *e, int depth);

static int ex_not(expr *e, int depth)
{
	const char *t;
	if (depth > EXPR_DEPTH) {
		e->bad = 1;
		return 0;
	}
	ex_space(e);
	if (e->s < e->end && *e->s == '!') {
		e->s++;
		return !ex_not(e, depth + 1);
	}
	if (e->s < e->end && *e->s == '(') {
		int v;
		e->s++;
		v = ex_or(e, depth + 1);
		ex_space(e);
		if (e->s >= e->end || *e->s != ')')
			e->bad = 1;
		else
			e->s++;
		return v;
	}
	for (t = e->s; e->s < e->end && tag_char(*e->s); e->s++)
		;
	if (t == e->s) {
		e->bad = 1;
		return 0;
	}
	return match_tag(e->b, t, (size_t)(e->s - t));
}

static int ex_and(expr *e, int depth)
{
	int v = ex_not(e, depth);
	for (;;) {
		ex_space(e);
		if (e->bad || e->end - e->s < 2 || memcmp(e->s, "&&", 2) != 0)
			return v;
		e->s += 2;
		v = ex_not(e, depth) && v; /* evaluate both: an error anywhere counts */
	}
}

static int ex_or(expr *e, int depth)
{
	int v = ex_and(e, depth);
	for (;;) {
		ex_space(e);
		if (e->bad || e->end - e->s < 2 || memcmp(e->s, "||", 2) != 0)
			return v;
		e->s += 2;
		v = ex_and(e, depth) || v;
	}
}

int ge_gopkg_eval_constraint(const char *s, size_t len, const ge_gopkg_build *b)
{
	expr e;
	int v;
	assert(s && b);
	e.s = s;
	e.end = s + len;
	e.b = b;
	e.bad = 0;
	v = ex_or(&e, 0);
	ex_space(&e);
	if (e.bad || e.s != e.end)
		return ge_error_set(GE_EBADINPUT, "cannot parse build constraint '%.*s'",
		                    (int)(len > 200 ? 200 : len), s);
	return v;
}

/* One "// +build" line's options: space = or, comma = and, '!' = not. */
static int plus_build(const char *s, const char *end, const ge_gopkg_build *b)
{
	int any = 0;
	while (s < end) {
		int all = 1;
		while (s < end && (*s == ' ' || *s == '\t' || *s == '\r'))
			s++;
		if (s >= end)
			break;
		while (s < end && *s != ' ' && *s != '\t' && *s != '\r') {
			const char *t;
			int neg = 0;
			if (*s == '!') {
				neg = 1;
				s++;
			}
			for (t = s; s < end && tag_char(*s); s++)
				;
			if (t == s || (neg && s - t >= 1 && *t == '!'))
				all = 0; /* "!!x" or an empty term: false, as go/build */
			else if (match_tag(b, t, (size_t)(s - t)) == neg)
				all = 0;
			if (s < end && *s == ',')
				s++;
			else if (s < end && *s != ' ' && *s != '\t' && *s != '\r') {
				all = 0;
				while (s < end && *s != ' ' && *s != '\t')
					s++;
			}
		}
		any |= all;
	}
	return any;
}

int ge_gopkg_name_ok(const char *name, const ge_gopkg_build *b)
{
	size_t n, start, k, parts[3][2];
	int np = 0;
	assert(name && b);
	n = strlen(name);
	if (n < 4 || strcmp(name + n - 3, ".go") != 0 || name[0] == '_' || name[0] == '.')
		return 0;
	n -= 3;
	/* go/build: the name up to the first '.', then "_test" dropped. */
	for (k = 0; k < n; k++)
		if (name[k] == '.') {
			n = k;
			break;
		}
	if (n >= 5 && memcmp(name + n - 5, "_test", 5) == 0)
		n -= 5;
	for (k = 0; k < n && name[k] != '_'; k++)
		;
	if (k == n)
		return 1;
	/* The last three '_'-separated parts after the first '_'. */
	start = n;
	for (k = n; k > 0 && np < 3; k--) {
		if (name[k - 1] == '_') {
			parts[np][0] = k;
			parts[np][1] = start - k;
			np++;
			start = k - 1;
		}
	}
	/* parts[0] is the last part, parts[1] the one before it. */
	if (np >= 2 && in_list(known_os, name + parts[1][0], parts[1][1]) &&
	    in_list(known_arch, name + parts[0][0], parts[0][1]))
		return match_tag(b, name + parts[1][0], parts[1][1]) &&
		       match_tag(b, name + parts[0][0], parts[0][1]);
	if (np >= 1 && (in_list(known_os, name + parts[0][0], parts[0][1]) ||
	                in_list(known_arch, name + parts[0][0], parts[0][1])))
		return match_tag(b, name + parts[0][0], parts[0][1]);
	return 1;
}

/* ------------------------------------------------------------------ */
/* Headers                                                            */

static int is_sp(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/*
 * Apply the //go:build (or // +build) lines found in src[0, end), the text
 * before the package clause.  1, 0, or GE_EBADINPUT.
 */
static int header_constraints(const char *src, size_t end, const ge_gopkg_build *b,
                              const char *path)
{
	size_t i = 0, last_blank = 0;
	int go_build = -1, plus = 1, seen_plus = 0;
	const char *plus_at[64];
	size_t plus_len[64], plus_line_end[64], nplus = 0, k;
	int line_start = 1, in_block = 0;
	/* A BOM first is no part of the text. */
	if (end >= 3 && (unsigned char)src[0] == 0xef && (unsigned char)src[1] == 0xbb &&
	    (unsigned char)src[2] == 0xbf)
		i = 3;
	while (i < end) {
		char c = src[i];
		if (in_block) {
			if (c == '*' && i + 1 < end && src[i + 1] == '/') {
				in_block = 0;
				i += 2;
				line_start = 0;
				continue;
			}
			if (c == '\n')
				line_start = 1;
			i++;
			continue;
		}
		if (c == '\n') {
			/* A blank line: nothing but spaces since the last newline. */
			size_t j = i;
			while (j > 0 && is_sp(src[j - 1]))
				j--;
			if (j == 0 || src[j - 1] == '\n')
				last_blank = i;
			line_start = 1;
			i++;
			continue;
		}
		if (is_sp(c)) {
			i++;
			continue;
		}
		if (c == '/' && i + 1 < end && src[i + 1] == '/') {
			size_t e = i;
			while (e < end && src[e] != '\n')
				e++;
			if (line_start && e - i >= 10 && memcmp(src + i, "//go:build", 10) == 0 &&
			    (e - i == 10 || is_sp(src[i + 10]))) {
				int v;
				if (go_build >= 0)
					return ge_error_set(
					    GE_EBADINPUT, "'%s': multiple //go:build lines", path);
				v = ge_gopkg_eval_constraint(src + i + 10, e - i - 10, b);
				if (v < 0) {
					char why[256]; /* the message buffer is rewritten below */
					snprintf(why, sizeof(why), "%s", ge_error_last());
					return ge_error_set(GE_EBADINPUT, "'%s': %s", path, why);
				}
				go_build = v;
			} else if (line_start) {
				size_t j = i + 2;
				while (j < e && is_sp(src[j]))
					j++;
				if (e - j >= 6 && memcmp(src + j, "+build", 6) == 0 &&
				    (e - j == 6 || is_sp(src[j + 6])) && nplus < 64) {
					plus_at[nplus] = src + j + 6;
					plus_len[nplus] = e - j - 6;
					plus_line_end[nplus] = e;
					nplus++;
				}
			}
			i = e;
			continue;
		}
		if (c == '/' && i + 1 < end && src[i + 1] == '*') {
			in_block = 1;
			i += 2;
			continue;
		}
		i++; /* a stray byte (not Go): ignore */
		line_start = 0;
	}
	if (go_build >= 0)
		return go_build;
	/* +build lines count only in comment blocks ended by a blank line. */
	for (k = 0; k < nplus; k++) {
		if (plus_line_end[k] >= last_blank)
			continue;
		seen_plus = 1;
		plus = plus && plus_build(plus_at[k], plus_at[k] + plus_len[k], b);
	}
	return seen_plus ? plus : 1;
}

/* Scan a file's text (or a prefix of it) for its header. */
int ge_gopkg__header_read(ge_gopkg__header *h, const char *src, size_t len, int whole,
                          const ge_gopkg_build *b, const char *path, ge_golex *toks)
{
	ge_golex lx = GE_GOLEX_INIT;
	uint32_t i;
	int rc;
	memset(h, 0, sizeof(*h));
	if ((rc = ge_golex_scan(&lx, src, len)) < 0)
		return rc;
	for (i = 0;
	     i < lx.ntoks && lx.toks[i].kind != GE_GOLEX_PACKAGE && lx.toks[i].kind != GE_GOLEX_EOF;
	     i++)
		;
	if (lx.toks[i].kind != GE_GOLEX_PACKAGE) {
		/* No package clause: not a Go file the build compiles (go list
		 * fails on it); excluded here, unless the prefix cut it off. */
		h->complete = whole;
		h->ok = 0;
		goto done;
	}
	rc = header_constraints(src, lx.toks[i].off, b, path);
	if (rc < 0)
		goto done;
	h->ok = rc;
	rc = 0;
	if (lx.toks[i + 1].kind == GE_GOLEX_IDENT &&
	    !(h->pkg = ge_strndup(src + lx.toks[i + 1].off, lx.toks[i + 1].len))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	/* The imports: does one say "C"?  They end at the first other token. */
	for (i += 2; i < lx.ntoks; i++) {
		const ge_golex_tok *t = &lx.toks[i];
		if (t->kind == GE_GOLEX_EOF) {
			h->complete = whole;
			break;
		}
		if (t->kind == GE_GOLEX_IMPORT) {
			/* import "x" | import n "x" | import ( ... ) */
			if (lx.toks[i + 1].kind == GE_GOLEX_LPAREN) {
				uint32_t m = lx.toks[i + 1].match, j;
				if (m == GE_GOLEX_NONE || lx.toks[m].kind == GE_GOLEX_EOF) {
					h->complete = whole;
					break;
				}
				for (j = i + 2; j < m; j++)
					if (lx.toks[j].kind == GE_GOLEX_STRING &&
					    lx.toks[j].len == 3 && src[lx.toks[j].off + 1] == 'C')
						h->cgo = 1;
				i = m;
			}
			continue;
		}
		if (t->kind == GE_GOLEX_STRING && t->len == 3 && src[t->off + 1] == 'C' && i > 0 &&
		    (lx.toks[i - 1].kind == GE_GOLEX_IMPORT ||
		     (i > 1 && lx.toks[i - 2].kind == GE_GOLEX_IMPORT)))
			h->cgo = 1;
		if (t->kind == GE_GOLEX_SEMICOLON || t->kind == GE_GOLEX_STRING ||
		    t->kind == GE_GOLEX_IDENT || t->kind == GE_GOLEX_PERIOD)
			continue;
		h->complete = 1; /* a declaration: the imports are over */
		break;
	}
done:
	if (rc == 0 && toks) {
		*toks = lx;
		return 0;
	}
	ge_golex_release(&lx);
	return rc;
}

/* ------------------------------------------------------------------ */
/* A configuration in go's words                                      */

void ge_gopkg_build_release(ge_gopkg_build *b)
{
	size_t i;
	for (i = 0; i < b->ntags; i++)
		free((char *)b->tags[i]);
	free((void *)b->tags);
	free((char *)b->goos);
	free((char *)b->goarch);
	b->goos = b->goarch = NULL;
	b->tags = NULL;
	b->ntags = 0;
}

int ge_gopkg_build_set(ge_gopkg_build *out, const char *goos, const char *goarch, int cgo,
                       const char *tags, const char *go_version)
{
	ge_gopkg_build b = GE_GOPKG_BUILD_INIT;
	char **v = NULL;
	size_t n = 1, i;
	const char *t;
	b.cgo = cgo;
	/* "go1.26.8" -> 26; 0 (every go1.N tag) when unknown. */
	if (go_version && strncmp(go_version, "go1.", 4) == 0)
		b.go_minor = atoi(go_version + 4);
	if ((goos && *goos && !(b.goos = ge_strdup(goos))) ||
	    (goarch && *goarch && !(b.goarch = ge_strdup(goarch))))
		goto oom;
	if (tags && *tags) {
		for (t = tags; *t; t++)
			n += *t == ',';
		if (!(v = calloc(n, sizeof(*v))))
			goto oom;
		b.tags = (const char *const *)v;
		for (t = tags; *t; t += *t == ',') {
			size_t l = strcspn(t, ",");
			if (l && !(v[b.ntags++] = ge_strndup(t, l)))
				goto oom;
			t += l;
		}
	}
	*out = b;
	return 0;
oom:
	for (i = 0; v && i < n; i++)
		free(v[i]);
	b.ntags = 0;
	ge_gopkg_build_release(&b);
	*out = (ge_gopkg_build)GE_GOPKG_BUILD_INIT;
	return ge_error_set(GE_ENOMEM, "out of memory");
}
