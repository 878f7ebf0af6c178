/* .goescape.json and in-source suppression. */
#include "config.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "gopkg.h"

#define GE_XSTR(x) #x
#define GE_STR(x)  GE_XSTR(x)

void ge_config_init(ge_config *c)
{
	memset(c, 0, sizeof(*c));
	c->fail_on[GE_KIND_MOVED] = 1;
	c->fail_on[GE_KIND_ESCAPES] = 1;
}

void ge_config_release(ge_config *c)
{
	size_t i;
	if (!c)
		return;
	free(c->baseline);
	for (i = 0; i < c->npackages; i++)
		free(c->packages[i]);
	free(c->packages);
	for (i = 0; i < c->nignore_paths; i++)
		free(c->ignore_paths[i]);
	free(c->ignore_paths);
	for (i = 0; i < c->nignore_functions; i++)
		free(c->ignore_functions[i]);
	free(c->ignore_functions);
	ge_strv_free(c->suggest_platforms, c->nsuggest_platforms);
	ge_config_init(c);
}

/* The first control byte (or, with space, whitespace) in s, or NULL. */
static const char *control_byte(const char *s, int space)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f || (space && *s == ' '))
			return s;
	return NULL;
}

/*
 * Why p is not a package pattern, or NULL when it is one.  A pattern is what
 * go accepts as a package argument inside the module: "./...", "./cmd/x",
 * "cmd/...", "example.com/m/x/...", "all".  It never starts with '-' (go
 * would take it as a flag: -toolexec runs a program), holds no whitespace,
 * control byte or backslash, is not absolute and has no ".." element (the
 * packages a config names are the module's own).
 */
const char *ge_config_platform_problem(const char *p)
{
	/* go tool dist list, as of Go 1.26: nothing else reaches go's environment. */
	static const char *const oses[] = {"aix",     "android", "darwin",  "dragonfly", "freebsd",
	                                   "illumos", "ios",     "js",      "linux",     "netbsd",
	                                   "openbsd", "plan9",   "solaris", "wasip1",    "windows"};
	static const char *const arches[] = {"386",     "amd64",   "arm",    "arm64",    "loong64",
	                                     "mips",    "mipsle",  "mips64", "mips64le", "ppc64",
	                                     "ppc64le", "riscv64", "s390x",  "wasm"};
	const char *slash = strchr(p, '/');
	size_t i, n = slash ? (size_t)(slash - p) : 0;
	int os = 0, arch = 0;
	if (!slash)
		return "want GOOS/GOARCH";
	for (i = 0; i < sizeof(oses) / sizeof(oses[0]) && !os; i++)
		os = strlen(oses[i]) == n && memcmp(oses[i], p, n) == 0;
	for (i = 0; i < sizeof(arches) / sizeof(arches[0]) && !arch; i++)
		arch = strcmp(arches[i], slash + 1) == 0;
	if (!os)
		return "unknown GOOS";
	if (!arch)
		return "unknown GOARCH";
	return NULL;
}

static const char *pattern_problem(const char *p)
{
	size_t n = strlen(p);
	const char *e;
	if (!n)
		return "it is empty";
	if (p[0] == '-')
		return "it starts with '-'";
	if (n > GE_CONFIG_MAX_PATTERN)
		return "it is longer than " GE_STR(GE_CONFIG_MAX_PATTERN) " bytes";
	if (control_byte(p, 1))
		return "it holds whitespace or a control character";
	if (strchr(p, '\\'))
		return "it holds a backslash";
	if (p[0] == '/')
		return "it is an absolute path";
	for (e = p; e; e = strchr(e, '/')) {
		if (*e == '/')
			e++;
		if (e[0] == '.' && e[1] == '.' && (e[2] == '/' || !e[2]))
			return "it leaves the module ('..')";
	}
	return NULL;
}

/* Why g is not an ignore.paths glob, or NULL when it is one. */
static const char *glob_problem(const char *g)
{
	size_t n = strlen(g);
	if (!n)
		return "it is empty";
	if (n > GE_GLOB_MAX)
		return "it is longer than " GE_STR(GE_GLOB_MAX) " bytes";
	if (control_byte(g, 0))
		return "it holds a control character";
	if (strstr(g, "***"))
		return "it holds '***' (use '*' within a segment, '**' across)";
	return NULL;
}

/* Why f is not an ignore.functions name, or NULL when it is one. */
static const char *function_problem(const char *f)
{
	size_t n = strlen(f);
	if (!n)
		return "it is empty";
	if (n > GE_CONFIG_MAX_FUNCTION)
		return "it is longer than " GE_STR(GE_CONFIG_MAX_FUNCTION) " bytes";
	if (control_byte(f, 0))
		return "it holds a control character";
	return NULL;
}

/*
 * A list of at most max strings, each accepted by check (which says what is
 * wrong, NULL when nothing is), or an error naming the file, the key and
 * the entry.
 */
static int str_list(char ***out, size_t *n, const cJSON *v, const char *name, const char *key,
                    size_t max, const char *what, const char *(*check)(const char *))
{
	const cJSON *it;
	size_t k = 0;
	char q[GE_QUOTE_BUF];
	/* A key given twice: the last one wins, the first is freed. */
	for (k = 0; *out && k < *n; k++)
		free((*out)[k]);
	free(*out);
	*out = NULL;
	*n = k = 0;
	if (!cJSON_IsArray(v))
		return ge_error_set(GE_EBADINPUT, "'%s': \"%s\" must be a list of strings", name,
		                    key);
	if ((size_t)cJSON_GetArraySize(v) > max)
		return ge_error_set(GE_EBADINPUT, "'%s': \"%s\" has more than %zu entries", name,
		                    key, max);
	*out = calloc((size_t)cJSON_GetArraySize(v) + 1, sizeof(char *));
	if (!*out)
		return ge_error_set(GE_ENOMEM, "out of memory");
	cJSON_ArrayForEach(it, v)
	{
		const char *why;
		if (!cJSON_IsString(it))
			return ge_error_set(GE_EBADINPUT, "'%s': \"%s\" must be a list of strings",
			                    name, key);
		if (check && (why = check(it->valuestring)) != NULL)
			return ge_error_set(GE_EBADINPUT, "'%s': \"%s\"[%zu] '%s' is not %s (%s)",
			                    name, key, k, ge_quoted(q, it->valuestring), what, why);
		if (!((*out)[k++] = ge_strdup(it->valuestring)))
			return ge_error_set(GE_ENOMEM, "out of memory");
		*n = k;
	}
	return 0;
}

/* The globs together stay within GE_GLOB_TOTAL bytes (the matcher's budget). */
static int glob_budget(const ge_config *c, const char *name)
{
	size_t i, total = 0;
	for (i = 0; i < c->nignore_paths; i++)
		total += strlen(c->ignore_paths[i]);
	if (total > GE_GLOB_TOTAL)
		return ge_error_set(
		    GE_EBADINPUT,
		    "'%s': \"ignore.paths\" holds %zu bytes of globs, more than the "
		    "limit of %d",
		    name, total, GE_GLOB_TOTAL);
	return 0;
}

/*
 * The offset of the first "\u0000" escape inside a JSON string of text, or
 * len when there is none.  cJSON would cut the string there, so that
 * "./...\u0000-x" read as "./..." hides what the file says.
 */
static size_t escaped_nul(const char *text, size_t len)
{
	size_t i;
	int in = 0;
	for (i = 0; i < len; i++) {
		if (!in) {
			in = text[i] == '"';
		} else if (text[i] == '"') {
			in = 0;
		} else if (text[i] == '\\' && i + 1 < len) {
			if (text[i + 1] == 'u' && i + 6 <= len &&
			    memcmp(text + i + 2, "0000", 4) == 0)
				return i;
			i++;
		}
	}
	return len;
}

int ge_config_parse(ge_config *c, const char *text, size_t len, const char *name)
{
	cJSON *root = NULL;
	const cJSON *it, *sub;
	const char *err = NULL;
	size_t nul;
	int rc = 0;
	if ((nul = escaped_nul(text, len)) < len)
		return ge_error_set(GE_EBADINPUT,
		                    "'%s': a string holds a NUL (\\u0000) at byte %zu", name, nul);
	root = cJSON_ParseWithLengthOpts(text, len, &err, 0);
	if (!root)
		return ge_error_set(GE_EBADINPUT, "'%s': invalid JSON at byte %zu", name,
		                    err ? (size_t)(err - text) : (size_t)0);
	if (!cJSON_IsObject(root)) {
		rc = ge_error_set(GE_EBADINPUT, "'%s': must be a JSON object", name);
		goto done;
	}
	cJSON_ArrayForEach(it, root)
	{
		if (strcmp(it->string, "baseline") == 0) {
			if (!cJSON_IsString(it) || !it->valuestring[0] ||
			    it->valuestring[0] == '/' || strstr(it->valuestring, "..") ||
			    strlen(it->valuestring) > GE_CONFIG_MAX_PATTERN ||
			    control_byte(it->valuestring, 0)) {
				rc = ge_error_set(
				    GE_EBADINPUT,
				    "'%s': \"baseline\" must be a path inside the module", name);
				goto done;
			}
			free(c->baseline);
			if (!(c->baseline = ge_strdup(it->valuestring))) {
				rc = ge_error_set(GE_ENOMEM, "out of memory");
				goto done;
			}
		} else if (strcmp(it->string, "packages") == 0) {
			if ((rc = str_list(&c->packages, &c->npackages, it, name, "packages",
			                   GE_CONFIG_MAX_PACKAGES, "a package pattern",
			                   pattern_problem)) < 0)
				goto done;
		} else if (strcmp(it->string, "ignore") == 0) {
			if (!cJSON_IsObject(it)) {
				rc = ge_error_set(GE_EBADINPUT,
				                  "'%s': \"ignore\" must be an object", name);
				goto done;
			}
			cJSON_ArrayForEach(sub, it)
			{
				if (strcmp(sub->string, "paths") == 0) {
					rc = str_list(&c->ignore_paths, &c->nignore_paths, sub,
					              name, "ignore.paths", GE_CONFIG_MAX_GLOBS,
					              "a glob", glob_problem);
					if (rc == 0)
						rc = glob_budget(c, name);
				} else if (strcmp(sub->string, "functions") == 0) {
					rc = str_list(&c->ignore_functions, &c->nignore_functions,
					              sub, name, "ignore.functions",
					              GE_CONFIG_MAX_FUNCTIONS, "a function name",
					              function_problem);
				} else {
					char q[GE_QUOTE_BUF];
					rc = ge_error_set(GE_EBADINPUT,
					                  "'%s': unknown key \"ignore.%s\"", name,
					                  ge_quoted(q, sub->string));
				}
				if (rc < 0)
					goto done;
			}
		} else if (strcmp(it->string, "fail_on") == 0) {
			char **kinds = NULL;
			size_t nk = 0, i;
			rc = str_list(&kinds, &nk, it, name, "fail_on", 16, NULL, NULL);
			memset(c->fail_on, 0, sizeof(c->fail_on));
			for (i = 0; rc == 0 && i < nk; i++) {
				ge_kind k;
				char q[GE_QUOTE_BUF];
				if (ge_kind_parse(&k, kinds[i]) < 0)
					rc = ge_error_set(GE_EBADINPUT,
					                  "'%s': \"fail_on\" has unknown kind '%s' "
					                  "(want moved, escapes, leak)",
					                  name, ge_quoted(q, kinds[i]));
				else
					c->fail_on[k] = 1;
			}
			for (i = 0; i < nk; i++)
				free(kinds[i]);
			free(kinds);
			if (rc < 0)
				goto done;
		} else if (strcmp(it->string, "suggest") == 0) {
			if (!cJSON_IsObject(it)) {
				rc = ge_error_set(GE_EBADINPUT,
				                  "'%s': \"suggest\" must be an object", name);
				goto done;
			}
			cJSON_ArrayForEach(sub, it)
			{
				if (strcmp(sub->string, "platforms") == 0) {
					rc = str_list(&c->suggest_platforms, &c->nsuggest_platforms,
					              sub, name, "suggest.platforms",
					              GE_CONFIG_MAX_PLATFORMS, "a platform",
					              ge_config_platform_problem);
					c->suggest_platforms_set = 1;
				} else {
					char q[GE_QUOTE_BUF];
					rc = ge_error_set(GE_EBADINPUT,
					                  "'%s': unknown key \"suggest.%s\"", name,
					                  ge_quoted(q, sub->string));
				}
				if (rc < 0)
					goto done;
			}
		} else if (strcmp(it->string, "fail_min_share") == 0) {
			/* A number in (0, 1]: NaN, infinities and 0 fail the test. */
			if (!cJSON_IsNumber(it) || !(it->valuedouble > 0 && it->valuedouble <= 1)) {
				rc = ge_error_set(
				    GE_EBADINPUT,
				    "'%s': \"fail_min_share\" must be a number in (0, 1], "
				    "a share of the profile's bytes",
				    name);
				goto done;
			}
			c->fail_min_share = it->valuedouble;
		} else if (strcmp(it->string, "assert") == 0) {
			static const char *const kinds[] = {"noescape", "inline", "bce"};
			const cJSON *k;
			if (!cJSON_IsObject(it)) {
				rc = ge_error_set(GE_EBADINPUT,
				                  "'%s': \"assert\" must be an object", name);
				goto done;
			}
			cJSON_ArrayForEach(k, it)
			{
				size_t j;
				char q[GE_QUOTE_BUF];
				for (j = 0; j < 3 && strcmp(k->string, kinds[j]); j++)
					;
				if (j == 3 || !cJSON_IsBool(k)) {
					rc = ge_error_set(
					    GE_EBADINPUT,
					    j == 3 ? "'%s': unknown key \"assert.%s\" (want "
					             "noescape, inline or bce)"
					           : "'%s': \"assert.%s\" must be true or false",
					    name, ge_quoted(q, k->string));
					goto done;
				}
				c->assert_off[j] = cJSON_IsFalse(k);
			}
		} else {
			char q[GE_QUOTE_BUF];
			rc = ge_error_set(GE_EBADINPUT, "'%s': unknown key \"%s\"", name,
			                  ge_quoted(q, it->string));
			goto done;
		}
	}
done:
	cJSON_Delete(root);
	return rc;
}

int ge_config_load(ge_config *c, const char *root)
{
	ge_buf path = GE_BUF_INIT, text = GE_BUF_INIT;
	int rc;
	ge_config_init(c);
	if ((rc = ge_buf_printf(&path, "%s/.goescape.json", root)) < 0)
		return rc;
	rc = ge_file_read_bounded(&text, path.ptr, GE_CONFIG_MAX_BYTES);
	if (rc == GE_ENOTFOUND)
		rc = 0;
	else if (rc == 0)
		rc = ge_config_parse(c, text.ptr, text.len, ".goescape.json");
	ge_buf_release(&path);
	ge_buf_release(&text);
	return rc;
}

/*
 * Globs.  A pattern is a sequence of tokens: a literal byte, '?' (one byte
 * but '/'), '*' (any run of bytes without '/'), "**" (any run, slashes
 * included) and "**" + "/" (nothing, or any run that ends in '/': zero or
 * more whole segments when it starts a segment).  The last is two tokens,
 * "**" then an optional '/' that can also be skipped from the state before
 * the "**".
 *
 * Matching is the textbook dynamic program over (token, path offset), one
 * row per path byte kept in two rolling arrays on the stack: O(pattern x
 * path) time, no allocation, no recursion.  A row with no live state ends
 * the match early.
 */
enum { T_LIT, T_ONE, T_STAR, T_DSTAR, T_SLASH_OPT };

typedef struct glob_tok {
	unsigned char kind, c;
} glob_tok;

/* Tokens of pattern into t (room for GE_GLOB_MAX); the count, or -1 when too long. */
static int glob_compile(glob_tok *t, const char *p)
{
	size_t n = 0, i = 0;
	while (p[i]) {
		if (n >= GE_GLOB_MAX)
			return -1;
		if (p[i] == '*' && p[i + 1] == '*') {
			/* "**" + "/" then "**": the first adds nothing (fewer epsilon chains). */
			if (n >= 2 && t[n - 2].kind == T_DSTAR && t[n - 1].kind == T_SLASH_OPT)
				n -= 2;
			t[n++].kind = T_DSTAR;
			i += 2;
			if (p[i] == '/') {
				if (n >= GE_GLOB_MAX)
					return -1;
				t[n].kind = T_SLASH_OPT;
				t[n++].c = '/';
				i++;
			}
		} else if (p[i] == '*') {
			t[n++].kind = T_STAR;
			i++;
		} else if (p[i] == '?') {
			t[n++].kind = T_ONE;
			i++;
		} else {
			t[n].kind = T_LIT;
			t[n++].c = (unsigned char)p[i++];
		}
	}
	return (int)n;
}

/*
 * Epsilon moves within row m (m[i]: the first i tokens match the path so
 * far): a star may match nothing, "**" + "/" may be skipped whole.
 */
static void glob_close(unsigned char *m, const glob_tok *t, int n)
{
	int i;
	for (i = 0; i < n; i++) {
		if (t[i].kind == T_STAR || t[i].kind == T_DSTAR)
			m[i + 1] |= m[i];
		else if (t[i].kind == T_SLASH_OPT)
			m[i + 1] |= m[i - 1];
	}
}

static int glob_run(const glob_tok *t, int n, const char *s)
{
	unsigned char a[GE_GLOB_MAX + 1], b[GE_GLOB_MAX + 1];
	unsigned char *cur = a, *nxt = b, *sw;
	int i;
	memset(cur, 0, (size_t)n + 1);
	cur[0] = 1;
	glob_close(cur, t, n);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s, live = 0;
		memset(nxt, 0, (size_t)n + 1);
		for (i = 0; i < n; i++) {
			switch (t[i].kind) {
			case T_LIT:
			case T_SLASH_OPT:
				nxt[i + 1] |= cur[i] && c == t[i].c;
				break;
			case T_ONE:
				nxt[i + 1] |= cur[i] && c != '/';
				break;
			case T_STAR:
				nxt[i + 1] |= cur[i + 1] && c != '/';
				break;
			default: /* T_DSTAR */
				nxt[i + 1] |= cur[i + 1];
				break;
			}
		}
		glob_close(nxt, t, n);
		for (i = 0; i <= n; i++)
			live |= nxt[i];
		if (!live)
			return 0;
		sw = cur;
		cur = nxt;
		nxt = sw;
	}
	return cur[n];
}

int ge_glob_match(const char *pattern, const char *path)
{
	glob_tok t[GE_GLOB_MAX];
	int n = glob_compile(t, pattern);
	if (n < 0)
		return 0; /* longer than any pattern a config may hold */
	/* A pattern without '/' matches the base name anywhere. */
	if (!strchr(pattern, '/')) {
		const char *b = strrchr(path, '/');
		if (b && glob_run(t, n, b + 1))
			return 1;
	}
	return glob_run(t, n, path);
}

/*
 * A set of globs compiled into one bit-parallel NFA (Shift-And): each
 * pattern of n tokens owns n + 1 consecutive bits (bit k: its first k
 * tokens match what was read), so one step over a path byte is a few word
 * operations on the whole vector, whatever the number of patterns.  The
 * cost of matching a path is O(path x total pattern bytes / 64), and it
 * agrees with ge_glob_match (the fuzz target checks that).
 */
typedef struct glob_nfa {
	size_t nw;   /* 64-bit words per state vector */
	size_t ncls; /* byte classes: 0 other, 1 '/', then literals */
	unsigned char cls[256];
	uint64_t *start, *final;     /* nw each */
	uint64_t *e1, *e2;           /* epsilon sources: bit i -> i+1, bit i -> i+2 */
	uint64_t *stay, *stay_slash; /* states kept on a byte that is not '/', on '/' */
	uint64_t *acc;               /* ncls x nw: bit i set if token i takes the class */
	int has_eps;
} glob_nfa;

struct ge_globset {
	glob_nfa full; /* every pattern, against the whole path */
	glob_nfa base; /* patterns without '/', against the base name */
};

static void nfa_release(glob_nfa *a)
{
	free(a->start);
}

#define SETBIT(v, b) ((v)[(b) / 64] |= (uint64_t)1 << ((b) % 64))

/* Compile the patterns that want[] selects into a (nothing selected: nw 0). */
static int nfa_compile(glob_nfa *a, char *const *pats, size_t n, const unsigned char *want)
{
	glob_tok t[GE_GLOB_MAX];
	size_t i, bits = 0, off, k;
	int nt;
	memset(a, 0, sizeof(*a));
	for (i = 0; i < n; i++)
		if (want[i]) {
			if ((nt = glob_compile(t, pats[i])) < 0)
				return ge_error_set(GE_EBADINPUT, "glob '%.40s...' is too long",
				                    pats[i]);
			bits += (size_t)nt + 1;
		}
	if (!bits)
		return 0;
	a->nw = (bits + 63) / 64;
	a->cls['/'] = 1;
	a->ncls = 2;
	for (i = 0; i < n; i++)
		for (k = 0; want[i] && pats[i][k]; k++) {
			unsigned char c = (unsigned char)pats[i][k];
			if (c != '/' && c != '*' && c != '?' && !a->cls[c])
				a->cls[c] = (unsigned char)a->ncls++;
		}
	/* A literal '*' or '?' cannot occur (they are always wildcards). */
	a->start = calloc(a->nw * (6 + a->ncls), sizeof(uint64_t));
	if (!a->start)
		return ge_error_set(GE_ENOMEM, "out of memory");
	a->final = a->start + a->nw;
	a->e1 = a->final + a->nw;
	a->e2 = a->e1 + a->nw;
	a->stay = a->e2 + a->nw;
	a->stay_slash = a->stay + a->nw;
	a->acc = a->stay_slash + a->nw;
	for (i = 0, off = 0; i < n; i++) {
		if (!want[i])
			continue;
		nt = glob_compile(t, pats[i]);
		SETBIT(a->start, off);
		SETBIT(a->final, off + (size_t)nt);
		for (k = 0; k < (size_t)nt; k++) {
			size_t b = off + k, c;
			switch (t[k].kind) {
			case T_LIT:
				SETBIT(a->acc + a->cls[t[k].c] * a->nw, b);
				break;
			case T_SLASH_OPT:
				SETBIT(a->acc + 1 * a->nw, b);
				SETBIT(a->e2, b - 1);
				a->has_eps = 1;
				break;
			case T_ONE:
				for (c = 0; c < a->ncls; c++)
					if (c != 1)
						SETBIT(a->acc + c * a->nw, b);
				break;
			case T_STAR:
				SETBIT(a->e1, b);
				SETBIT(a->stay, b + 1);
				a->has_eps = 1;
				break;
			default: /* T_DSTAR */
				SETBIT(a->e1, b);
				SETBIT(a->stay, b + 1);
				SETBIT(a->stay_slash, b + 1);
				a->has_eps = 1;
				break;
			}
		}
		off += (size_t)nt + 1;
	}
	return 0;
}

/* x |= its epsilon moves, until nothing changes. */
static void nfa_close(const glob_nfa *a, uint64_t *x)
{
	size_t k;
	int changed = a->has_eps;
	while (changed) {
		uint64_t c1 = 0, c2 = 0;
		changed = 0;
		for (k = 0; k < a->nw; k++) {
			uint64_t s1 = x[k] & a->e1[k], s2 = x[k] & a->e2[k];
			uint64_t add = (s1 << 1) | c1 | (s2 << 2) | c2;
			c1 = s1 >> 63;
			c2 = s2 >> 62;
			if (add & ~x[k]) {
				x[k] |= add;
				changed = 1;
			}
		}
	}
}

static int nfa_run(const glob_nfa *a, const char *s, uint64_t *cur)
{
	size_t k;
	uint64_t live = 0;
	memcpy(cur, a->start, a->nw * sizeof(uint64_t));
	nfa_close(a, cur);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		const uint64_t *acc = a->acc + a->cls[c] * a->nw;
		const uint64_t *stay = c == '/' ? a->stay_slash : a->stay;
		uint64_t carry = 0;
		live = 0;
		for (k = 0; k < a->nw; k++) {
			uint64_t moved = cur[k] & acc[k];
			uint64_t nx = (moved << 1) | carry | (cur[k] & stay[k]);
			carry = moved >> 63;
			cur[k] = nx;
			live |= nx;
		}
		if (!live)
			return 0;
		nfa_close(a, cur);
	}
	for (k = 0; k < a->nw; k++)
		if (cur[k] & a->final[k])
			return 1;
	return 0;
}

int ge_globset_new(ge_globset **out, char *const *patterns, size_t n)
{
	ge_globset *g = calloc(1, sizeof(*g));
	unsigned char *all = calloc(n + 1, 1), *noslash = calloc(n + 1, 1);
	size_t i;
	int rc;
	*out = NULL;
	if (!g || !all || !noslash) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		all[i] = 1;
		noslash[i] = !strchr(patterns[i], '/');
	}
	if ((rc = nfa_compile(&g->full, patterns, n, all)) < 0 ||
	    (rc = nfa_compile(&g->base, patterns, n, noslash)) < 0)
		goto done;
	*out = g;
	g = NULL;
done:
	free(all);
	free(noslash);
	ge_globset_free(g);
	return rc;
}

void ge_globset_free(ge_globset *g)
{
	if (!g)
		return;
	nfa_release(&g->full);
	nfa_release(&g->base);
	free(g);
}

int ge_globset_match(const ge_globset *g, const char *path)
{
	/* Room for any set a config may hold: no allocation per match. */
	uint64_t stackv[(GE_GLOB_TOTAL + GE_CONFIG_MAX_GLOBS + 63) / 64], *v = stackv;
	size_t nw = g->full.nw > g->base.nw ? g->full.nw : g->base.nw;
	const char *b = strrchr(path, '/');
	int r = 0;
	if (!nw)
		return 0;
	if (nw > sizeof(stackv) / sizeof(stackv[0]) && !(v = malloc(nw * sizeof(*v))))
		return -1;
	r = nfa_run(&g->full, path, v) || (b && g->base.nw && nfa_run(&g->base, b + 1, v));
	if (v != stackv)
		free(v);
	return r;
}

/*
 * The ignore rules for d.  The glob answer depends only on the file, and a
 * report is sorted by file, so the last file's answer is kept in *last /
 * *last_ans: each distinct file is matched once, not once per diagnostic.
 */
static int ignored(const ge_config *c, const ge_globset *g, const ge_diag *d, const char **last,
                   int *last_ans, int *oom)
{
	size_t i;
	if (g) {
		if (!*last || (*last != d->file && strcmp(*last, d->file) != 0)) {
			*last = d->file;
			*last_ans = ge_globset_match(g, d->file);
			if (*last_ans < 0) {
				*oom = 1;
				*last_ans = 0;
			}
		}
		if (*last_ans)
			return 1;
	}
	for (i = 0; i < c->nignore_functions; i++)
		if (strcmp(c->ignore_functions[i], d->function) == 0)
			return 1;
	return 0;
}

/*
 * Is the diagnostic at root/file:line suppressed by a //goescape:ignore
 * comment?  Through a one-file view of the file's directory (lib/gopkg),
 * kept while the diagnostics stay in that directory; each file is read
 * and lexed once.  1, 0 (an unreadable file included), GE_ENOMEM.
 */
static int marked(ge_gopkg **view, char **vdir, const char *root, const char *file, uint32_t line)
{
	ge_gopkg_source src;
	ge_gopkg_file *pf;
	char *p = ge_path_join(root, file), *slash;
	int rc = 0;
	if (!p)
		return ge_error_set(GE_ENOMEM, "out of memory");
	if (!(slash = strrchr(p, '/'))) {
		free(p);
		return 0;
	}
	*slash = 0;
	if (!*vdir || strcmp(*vdir, *p ? p : "/") != 0) {
		ge_gopkg_free(*view);
		*view = NULL;
		free(*vdir);
		if (!(*vdir = ge_strdup(*p ? p : "/"))) {
			free(p);
			return ge_error_set(GE_ENOMEM, "out of memory");
		}
		ge_gopkg_source_worktree(&src);
		if ((rc = ge_gopkg_open_files(view, *vdir, &src)) < 0) {
			free(p);
			return rc;
		}
	}
	rc = ge_gopkg_get(&pf, *view, slash + 1);
	free(p);
	if (rc == GE_ENOMEM)
		return rc;
	if (rc < 0) {
		ge_error_clear();
		return 0;
	}
	return ge_gopkg_ignored(pf, line);
}

int ge_config_filter(const ge_config *c, ge_report *r, const char *root)
{
	size_t i, o = 0, dropped = 0;
	const char *last = NULL;
	int last_ans = 0, oom = 0, rc;
	ge_gopkg *view = NULL;
	char *vdir = NULL;
	ge_globset *g = NULL;
	if (c->nignore_paths && (rc = ge_globset_new(&g, c->ignore_paths, c->nignore_paths)) < 0)
		return rc;
	for (i = 0; i < r->ndiags; i++) {
		ge_diag *d = &r->diags[i];
		int drop = ignored(c, g, d, &last, &last_ans, &oom);
		/*
		 * Attribution answered already (through its view, comments only);
		 * a report read back (--input, notes) has no answer: the file's
		 * view is asked, once per file.
		 */
		if (!drop && root && d->mark != GE_MARK_UNKNOWN) {
			drop = d->mark == GE_MARK_YES;
		} else if (!drop && root) {
			int ig = marked(&view, &vdir, root, d->file, d->line);
			if (ig < 0) {
				ge_gopkg_free(view);
				free(vdir);
				ge_globset_free(g);
				return ig;
			}
			drop = ig == 1;
		}
		if (drop) {
			dropped++;
			continue;
		}
		r->diags[o++] = *d;
	}
	ge_gopkg_free(view);
	free(vdir);
	r->ndiags = o;
	last = NULL;
	for (i = 0, o = 0; i < r->nfixed; i++) {
		if (ignored(c, g, &r->fixed[i], &last, &last_ans, &oom)) {
			dropped++;
			continue;
		}
		r->fixed[o++] = r->fixed[i];
	}
	r->nfixed = o;
	ge_globset_free(g);
	if (oom)
		return ge_error_set(GE_ENOMEM, "out of memory");
	return (int)(dropped > 0x7fffffff ? 0x7fffffff : dropped);
}

size_t ge_config_failing(const ge_config *c, const ge_report *r)
{
	size_t i, n = 0;
	/* Allocation sites (a count each); moved ones never fail. */
	for (i = 0; i < r->ndiags; i++)
		if (r->diags[i].status == GE_STATUS_NEW && c->fail_on[r->diags[i].kind])
			n += ge_diag_count(&r->diags[i]);
	return n;
}
