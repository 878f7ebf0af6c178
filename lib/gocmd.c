/*
 * The go command line: the real go, -gcflags merging and build plans,
 * which share the string vector and go's quoted.Split below.  The main
 * modules (go.mod and go.work) are in gocmd_mod.c.
 */
#include "gocmd.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A growable vector of malloc'd strings. */
typedef struct strv {
	char **v;
	size_t n, cap;
} strv;

static int strv_push_owned(strv *s, char *str)
{
	if (!str)
		return ge_error_set(GE_ENOMEM, "out of memory");
	if (s->n + 2 > s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 16;
		char **p = realloc(s->v, nc * sizeof(*p));
		if (!p) {
			free(str);
			return ge_error_set(GE_ENOMEM, "out of memory");
		}
		s->v = p;
		s->cap = nc;
	}
	s->v[s->n++] = str;
	s->v[s->n] = NULL;
	return 0;
}

static int strv_push(strv *s, const char *str)
{
	return strv_push_owned(s, ge_strdup(str));
}

/* Go's quoted.Split: fields separated by space, '' or "" around a field. */
int ge_goflags_split(char ***out, size_t *nout, const char *s)
{
	strv v = {0};
	*out = NULL;
	*nout = 0;
	while (s && *s) {
		const char *st;
		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		if (!*s)
			break;
		if (*s == '"' || *s == '\'') {
			char q = *s++;
			st = s;
			while (*s && *s != q)
				s++;
			if (!*s) {
				ge_strv_free(v.v, v.n);
				return ge_error_set(GE_EBADINPUT, "GOFLAGS: unterminated %c string",
				                    q);
			}
			if (strv_push_owned(&v, ge_strndup(st, (size_t)(s - st))) < 0)
				return GE_ENOMEM;
			s++;
			continue;
		}
		st = s;
		while (*s && *s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			s++;
		if (strv_push_owned(&v, ge_strndup(st, (size_t)(s - st))) < 0) {
			ge_strv_free(v.v, v.n);
			return GE_ENOMEM;
		}
	}
	*out = v.v;
	*nout = v.n;
	return 0;
}

int ge_goenv_lookup(char **out, const char *name)
{
	const char *v = getenv(name), *goenv, *home;
	ge_buf path = GE_BUF_INIT, text = GE_BUF_INIT;
	size_t nlen = strlen(name);
	char *line, *save = NULL;
	int rc = 0;
	*out = NULL;
	if (v)
		return (*out = ge_strdup(v)) ? 0 : ge_error_set(GE_ENOMEM, "out of memory");
	goenv = getenv("GOENV");
	if (goenv && strcmp(goenv, "off") == 0)
		return 0;
	if (goenv && *goenv)
		rc = ge_buf_puts(&path, goenv);
	else if ((home = getenv("XDG_CONFIG_HOME")) && *home)
		rc = ge_buf_printf(&path, "%s/go/env", home);
	else if ((home = getenv("HOME")) && *home)
		rc = ge_buf_printf(&path, "%s/.config/go/env", home);
	else
		return 0;
	if (rc < 0)
		goto done;
	if (ge_file_read(&text, path.ptr) < 0) {
		rc = 0; /* no env file is the common case */
		goto done;
	}
	for (line = strtok_r(text.ptr, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		while (*line == ' ' || *line == '\t')
			line++;
		if (strncmp(line, name, nlen) == 0 && line[nlen] == '=') {
			free(*out);
			if (!(*out = ge_strdup(line + nlen + 1))) {
				rc = ge_error_set(GE_ENOMEM, "out of memory");
				goto done;
			}
		}
	}
done:
	ge_buf_release(&path);
	ge_buf_release(&text);
	return rc;
}

/* ---- the real go ------------------------------------------------------ */

static int is_executable(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
}

/*
 * Is cand (resolved) the same program as self (resolved): the same file, a
 * hard link to it, or a byte-identical copy?  Any of them would find the
 * other on PATH and exec it in turn, for ever.
 */
static int same_program(const char *cand, const char *self)
{
	struct stat a, b;
	FILE *fa = NULL, *fb = NULL;
	char ba[8192], bb[8192];
	int same = 0;
	if (strcmp(cand, self) == 0)
		return 1;
	if (stat(cand, &a) != 0 || stat(self, &b) != 0)
		return 0;
	if (a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return 1;
	if (a.st_size != b.st_size || !(fa = fopen(cand, "rb")) || !(fb = fopen(self, "rb")))
		goto done;
	for (;;) {
		size_t na = fread(ba, 1, sizeof(ba), fa), nb = fread(bb, 1, sizeof(bb), fb);
		if (na != nb || memcmp(ba, bb, na) != 0)
			break;
		if (na == 0) {
			same = !ferror(fa) && !ferror(fb);
			break;
		}
	}
done:
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

int ge_gocmd_depth(void)
{
	return ge_run_depth();
}

int ge_gocmd_find_go(char **out, const char *env_goescape_go, const char *env_path,
                     const char *self)
{
	char self_real[PATH_MAX], cand_real[PATH_MAX];
	const char *p;
	ge_buf cand = GE_BUF_INIT;
	int have_self = self && realpath(self, self_real) != NULL;
	int depth = ge_gocmd_depth();
	*out = NULL;
	if (env_goescape_go && *env_goescape_go) {
		if (!is_executable(env_goescape_go))
			return ge_error_set(GE_ENOTFOUND,
			                    "GOESCAPE_GO='%s' is not an executable file",
			                    env_goescape_go);
		if (have_self && realpath(env_goescape_go, cand_real) &&
		    same_program(cand_real, self_real))
			return ge_error_set(GE_EUSAGE, "GOESCAPE_GO='%s' is goescape itself",
			                    env_goescape_go);
		if (depth >= GE_MAX_DEPTH)
			return ge_error_set(
			    GE_EUSAGE,
			    "GOESCAPE_GO='%s' leads back to goescape (%d goescapes deep)",
			    env_goescape_go, depth);
		return (*out = ge_strdup(env_goescape_go))
		           ? 0
		           : ge_error_set(GE_ENOMEM, "out of memory");
	}
	for (p = env_path ? env_path : "";;) {
		const char *colon = strchr(p, ':');
		size_t n = colon ? (size_t)(colon - p) : strlen(p);
		ge_buf_clear(&cand);
		if (ge_buf_put(&cand, n ? p : ".", n ? n : 1) < 0 || ge_buf_puts(&cand, "/go") < 0)
			break;
		if (is_executable(cand.ptr) && !(have_self && realpath(cand.ptr, cand_real) &&
		                                 same_program(cand_real, self_real))) {
			if (depth >= GE_MAX_DEPTH) {
				int rc =
				    ge_error_set(GE_EUSAGE,
				                 "'%s' leads back to goescape (%d goescapes deep): "
				                 "set GOESCAPE_GO to the real go",
				                 cand.ptr, depth);
				ge_buf_release(&cand);
				return rc;
			}
			*out = ge_buf_detach(&cand);
			return 0;
		}
		if (!colon)
			break;
		p = colon + 1;
	}
	ge_buf_release(&cand);
	return ge_error_set(GE_ENOTFOUND,
	                    "cannot find the go command: no 'go' on PATH other than goescape "
	                    "(set GOESCAPE_GO to the real go)");
}

static int takes_value(const char *name, size_t n);

int ge_gocmd_is_captured(const char *subcmd)
{
	return strcmp(subcmd, "build") == 0 || strcmp(subcmd, "install") == 0;
}

const char *const ge_gocmd_compile_args[GE_GOCMD_COMPILE_N] = {"list", "-export", "-f={{\"\"}}"};

int ge_gocmd_is_compile_only(char *const *args, size_t n)
{
	size_t i;
	if (n < GE_GOCMD_COMPILE_N)
		return 0;
	for (i = 0; i < GE_GOCMD_COMPILE_N; i++)
		if (strcmp(args[i], ge_gocmd_compile_args[i]) != 0)
			return 0;
	return 1;
}

int ge_gocmd_capture_args(char *const *args, size_t n)
{
	return n >= 1 && ge_gocmd_is_captured(args[0]);
}

int ge_gocmd_json(char *const *args, size_t n)
{
	size_t i;
	int json = 0;
	for (i = 1; i < n; i++) {
		const char *a = args[i];
		if (a[0] != '-' || strcmp(a, "--") == 0)
			break;
		if (a[1] == '-')
			a++;
		if (strcmp(a, "-json") == 0 || strcmp(a, "-json=true") == 0 ||
		    strcmp(a, "-json=1") == 0 || strcmp(a, "-json=t") == 0 ||
		    strcmp(a, "-json=T") == 0 || strcmp(a, "-json=TRUE") == 0 ||
		    strcmp(a, "-json=True") == 0)
			json = 1;
		else if (strncmp(a, "-json=", 6) == 0)
			json = 0;
		else if (a[1] != '-' && !strchr(a, '=') && takes_value(a + 1, strlen(a + 1)))
			i++; /* the flag's value is not a flag */
	}
	return json;
}

/* ---- -gcflags merging ------------------------------------------------- */

/* Build flags of "go build"/"go install" that take a separate value. */
static const char *const value_flags[] = {
    "C",        "o",          "p",         "asmflags",      "buildmode",
    "compiler", "gccgoflags", "gcflags",   "installsuffix", "ldflags",
    "mod",      "modfile",    "overlay",   "pgo",           "pkgdir",
    "tags",     "toolexec",   "covermode", "coverpkg",      "reuse",
    NULL};

static int takes_value(const char *name, size_t n)
{
	size_t i;
	for (i = 0; value_flags[i]; i++)
		if (strlen(value_flags[i]) == n && memcmp(value_flags[i], name, n) == 0)
			return 1;
	return 0;
}

/* Does the flag list (as text) already ask the compiler for -m? */
static int has_m(const char *flags)
{
	char **v = NULL;
	size_t n = 0, i;
	int found = 0;
	if (ge_goflags_split(&v, &n, flags) < 0)
		return 0;
	for (i = 0; i < n; i++) {
		const char *f = v[i] + (v[i][0] == '-' && v[i][1] == '-');
		if (strcmp(f, "-m") == 0 || strncmp(f, "-m=", 3) == 0)
			found = 1;
	}
	ge_strv_free(v, n);
	return found;
}

enum pat_class { PAT_INSIDE, PAT_COVERS, PAT_DISJOINT, PAT_PARTIAL };

/* Literal prefix of a pattern before its first "...". */
static size_t literal_len(const char *pat)
{
	const char *d = strstr(pat, "...");
	return d ? (size_t)(d - pat) : strlen(pat);
}

/* How a go package pattern relates to the main modules. */
static enum pat_class classify(const char *pat, const ge_modset *mods, const char *cwd)
{
	size_t i, lit;
	int any_inside = 0, all_covered = 1, any_overlap = 0;
	if (strcmp(pat, "all") == 0 || strcmp(pat, "...") == 0)
		return PAT_COVERS;
	if (strcmp(pat, "std") == 0 && mods->n == 1 && ge_module_is_std(&mods->mods[0]))
		return PAT_INSIDE; /* in GOROOT/src: the main module itself */
	if (strcmp(pat, "std") == 0 || strcmp(pat, "cmd") == 0)
		return PAT_DISJOINT;
	if (pat[0] == '.' || pat[0] == '/') {
		/* A directory pattern: resolve against cwd. */
		int recursive = strlen(pat) >= 3 && strcmp(pat + strlen(pat) - 3, "...") == 0;
		char *dir = ge_path_join(cwd, pat);
		enum pat_class c = PAT_PARTIAL;
		if (!dir)
			return PAT_PARTIAL;
		if (recursive) {
			size_t n = strlen(dir);
			if (n >= 3)
				dir[n - 3] = '\0';
			ge_path_clean(dir);
		}
		if (ge_modset_lookup_path(mods, dir)) {
			c = PAT_INSIDE;
			/* A recursive pattern above other main modules covers them too. */
			for (i = 0; recursive && i < mods->n; i++)
				if (ge_path_within(mods->mods[i].root, dir))
					c = PAT_PARTIAL;
		} else if (recursive) {
			c = PAT_DISJOINT;
			for (i = 0; i < mods->n; i++)
				if (ge_path_within(mods->mods[i].root, dir))
					c = PAT_PARTIAL;
		} else {
			c = PAT_DISJOINT;
		}
		free(dir);
		return c;
	}
	lit = literal_len(pat);
	for (i = 0; i < mods->n; i++) {
		const char *mp = mods->mods[i].path;
		size_t mn = strlen(mp);
		if (lit == strlen(pat)) { /* no wildcard: one import path */
			if (ge_gocmd_import_within(pat, mp))
				return ge_modset_lookup_import(mods, pat) ? PAT_INSIDE
				                                          : PAT_PARTIAL;
			all_covered = 0;
			continue;
		}
		/* pat = literal + "..." + rest */
		if (ge_module_is_std(&mods->mods[i]) && lit > 0) {
			char *l = ge_strndup(pat, lit);
			int in = l && ge_gocmd_std_import(l) &&
			         strchr(l, '/'); /* "net/...", not "n..." */
			free(l);
			if (in) {
				any_inside = 1;
				all_covered = 0;
				any_overlap = 1;
				continue;
			}
		}
		if (lit >= mn && strncmp(pat, mp, mn) == 0 && (pat[mn] == '/' || lit == mn)) {
			any_inside = 1; /* narrower than or equal to the module */
			all_covered = 0;
			any_overlap = 1;
		} else if (lit < mn && strncmp(pat, mp, lit) == 0) {
			any_overlap = 1;
			/* "prefix/..." with nothing after covers everything below. */
			if (strcmp(pat + lit, "...") != 0)
				all_covered = 0;
		} else {
			all_covered = 0;
		}
	}
	if (!any_overlap)
		return PAT_DISJOINT;
	if (all_covered)
		return PAT_COVERS;
	if (any_inside && mods->n == 1)
		return PAT_INSIDE;
	return PAT_PARTIAL;
}

static int is_go_file(const char *a)
{
	size_t n = strlen(a);
	return n > 3 && strcmp(a + n - 3, ".go") == 0;
}

/*
 * Does a go pattern with "..." wildcards match the whole of s?  As in go, a
 * trailing "/..." also matches the empty string ("x/..." matches "x").
 */
static int wild_match(const char *pat, const char *s)
{
	const char *d = strstr(pat, "...");
	size_t pn = strlen(pat);
	if (!d)
		return strcmp(pat, s) == 0;
	if (pn >= 4 && strcmp(pat + pn - 4, "/...") == 0 && strlen(s) == pn - 4 &&
	    strncmp(pat, s, pn - 4) == 0)
		return 1;
	if (strncmp(pat, s, (size_t)(d - pat)) != 0)
		return 0;
	s += d - pat;
	for (;; s++) {
		if (wild_match(d + 3, s))
			return 1;
		if (!*s)
			return 0;
	}
}

/*
 * A package pattern as an import-path pattern of a main module, or NULL
 * (*out) when it names nothing in one: "./x" and "/abs/x" become "MOD/x",
 * "./x/..." "MOD/x/...", and import paths that reach into a main module
 * stay as they are.  A directory pattern above every main module's root
 * gives NULL here (ge_gocmd_scope adds the modules below it).
 */
static int to_import(char **out, const char *pat, const ge_modset *mods, const char *cwd)
{
	ge_buf b = GE_BUF_INIT;
	char *dir = NULL;
	const char *suffix = "";
	const ge_module *m;
	size_t n = strlen(pat);
	int rc = 0;
	*out = NULL;
	if (pat[0] != '.' && pat[0] != '/') {
		if (classify(pat, mods, cwd) != PAT_DISJOINT && !(*out = ge_strdup(pat)))
			return ge_error_set(GE_ENOMEM, "out of memory");
		return 0;
	}
	if (!(dir = ge_path_join(cwd, pat)))
		return ge_error_set(GE_ENOMEM, "out of memory");
	n = strlen(dir);
	if (n >= 4 && strcmp(dir + n - 4, "/...") == 0) {
		dir[n - 4] = '\0';
		suffix = "/...";
	} else if (n >= 3 && strcmp(dir + n - 3, "...") == 0) {
		dir[n - 3] = '\0';
		suffix = "...";
	}
	ge_path_clean(dir);
	if ((m = ge_modset_lookup_path(mods, dir))) {
		const char *rel = strcmp(dir, m->root) == 0 ? "" : ge_path_within(dir, m->root);
		if (*suffix == '.' && !*rel) /* "./..." glued to the root: the module itself */
			suffix = "/...";
		if (ge_module_is_std(m) && (!rel || !*rel)) {
			/* GOROOT/src itself: "std" for its tree, no package of its own */
			if (*suffix && !(*out = ge_strdup("std")))
				rc = GE_ENOMEM;
		} else if (ge_module_is_std(m)) {
			if (ge_buf_printf(&b, "%s%s", rel, suffix) < 0)
				rc = GE_ENOMEM;
			else
				*out = ge_buf_detach(&b);
		} else if (ge_buf_printf(&b, "%s%s%s%s", m->path, rel && *rel ? "/" : "",
		                         rel ? rel : "", suffix) < 0)
			rc = GE_ENOMEM;
		else
			*out = ge_buf_detach(&b);
	}
	free(dir);
	ge_buf_release(&b);
	return rc;
}

int ge_gocmd_scope(char ***out, size_t *nout, char *const *pkgs, size_t npkgs,
                   const ge_modset *mods, const char *cwd)
{
	strv v = {0};
	size_t i, j;
	int rc = 0, whole = npkgs == 0;
	*out = NULL;
	*nout = 0;
	for (i = 0; i < npkgs && rc == 0 && !whole; i++) {
		const char *p = pkgs[i];
		char *imp = NULL;
		if (strcmp(p, "all") == 0 || strcmp(p, "...") == 0 || is_go_file(p)) {
			whole = 1;
			break;
		}
		if (p[0] == '-') /* a flag among the packages: go's business */
			continue;
		if ((p[0] == '.' || p[0] == '/') && strstr(p, "...")) {
			/* A directory tree may hold several main modules. */
			char *dir = ge_path_join(cwd, p);
			size_t n;
			if (!dir) {
				rc = ge_error_set(GE_ENOMEM, "out of memory");
				break;
			}
			n = strlen(dir);
			if (n >= 3 && strcmp(dir + n - 3, "...") == 0)
				dir[n - 3] = '\0';
			ge_path_clean(dir);
			for (j = 0; j < mods->n && rc == 0; j++)
				if (ge_path_within(mods->mods[j].root, dir)) {
					char *all = ge_module_all_pattern(&mods->mods[j]);
					rc = all ? strv_push_owned(&v, all) : GE_ENOMEM;
				}
			free(dir);
		}
		if (rc == 0 && (rc = to_import(&imp, p, mods, cwd)) == 0 && imp)
			rc = strv_push_owned(&v, imp);
	}
	if (rc < 0 || whole) {
		ge_strv_free(v.v, v.n);
		return rc;
	}
	if (!v.v && (rc = strv_push_owned(&v, ge_strdup(""))) == 0) {
		/* Named, but nothing in a main module: an empty scope, not none. */
		free(v.v[0]);
		v.v[0] = NULL;
		v.n = 0;
	}
	if (rc < 0) {
		ge_strv_free(v.v, v.n);
		return rc;
	}
	*out = v.v;
	*nout = v.n;
	return 0;
}

int ge_gocmd_scope_match(char *const *scope, size_t n, const char *importpath)
{
	size_t i;
	if (!scope)
		return 1;
	for (i = 0; i < n; i++)
		if (wild_match(scope[i], importpath) ||
		    (strcmp(scope[i], "std") == 0 && ge_gocmd_std_import(importpath)))
			return 1;
	return 0;
}

/*
 * The packages both a user's -gcflags pattern and a named (import-path)
 * pattern select, as one pattern, or NULL when none.  Exact where one of
 * them has no wildcard; two wildcard patterns give the one whose literal
 * prefix lies inside the other's (an approximation go's patterns cannot
 * express exactly).  *whole: the pattern is the user's own (every package
 * it selects is named).
 */
static int narrower(char **out, int *whole, const char *user, const char *named,
                    const ge_modset *mods, const char *cwd)
{
	char *u = NULL;
	const char *pick = NULL;
	int rc;
	size_t lu, ln;
	*out = NULL;
	*whole = 0;
	if ((rc = to_import(&u, user, mods, cwd)) < 0 || !u)
		return rc;
	lu = literal_len(u);
	ln = literal_len(named);
	if (!strstr(named, "..."))
		pick = wild_match(u, named) ? named : NULL;
	else if (!strstr(u, "..."))
		pick = wild_match(named, u) ? u : NULL;
	else if (ln >= lu && strncmp(named, u, lu) == 0)
		pick = named;
	else if (lu > ln && strncmp(u, named, ln) == 0)
		pick = u;
	if (pick && !(*out = ge_strdup(pick)))
		rc = ge_error_set(GE_ENOMEM, "out of memory");
	*whole = pick && strcmp(pick, u) == 0;
	free(u);
	return rc;
}

static char *entry_text(const char *pattern, const char *flags, int add_m)
{
	ge_buf b = GE_BUF_INIT;
	int rc = 0;
	if (pattern && *pattern)
		rc |= ge_buf_printf(&b, "%s=", pattern);
	rc |= ge_buf_puts(&b, flags);
	if (add_m)
		rc |= ge_buf_puts(&b, b.len && (!pattern || b.len > strlen(pattern) + 1) ? " -m"
		                                                                         : "-m");
	if (rc) {
		ge_buf_release(&b);
		return NULL;
	}
	return ge_buf_detach(&b);
}

/*
 * The merge.  cmdline_outside: every package named on the command line is
 * outside the main modules, so entries without a pattern (which apply to
 * those packages only) must not get -m.
 */
static int merge(char ***out, size_t *nout, const ge_gcflag *entries, const int *from_cmdline,
                 size_t n, const ge_modset *mods, const char *cwd, int cmdline_outside,
                 char *const *scope, size_t nscope)
{
	strv v = {0}, ours = {0};
	size_t i, j;
	int rc = 0;
	*out = NULL;
	*nout = 0;
	/* The packages that get -m: the named ones, else every main package. */
	if (scope) {
		for (j = 0; j < nscope && rc == 0; j++)
			rc = strv_push(&ours, scope[j]);
	} else {
		for (j = 0; j < mods->n && rc == 0; j++) {
			char *all = ge_module_all_pattern(&mods->mods[j]);
			rc = all ? strv_push_owned(&ours, all) : GE_ENOMEM;
		}
	}
	/* Each of them gets -m, unless a later entry says otherwise. */
	for (j = 0; j < ours.n && rc == 0; j++)
		rc = strv_push_owned(&v, entry_text(ours.v[j], "", 1));
	for (i = 0; i < n && rc == 0; i++) {
		const ge_gcflag *e = &entries[i];
		const char *flags = e->flags ? e->flags : "";
		int add_m = !has_m(flags);
		char *t;
		if (!e->pattern || !*e->pattern) {
			/* The command-line packages: usually the main module's own. */
			rc =
			    strv_push_owned(&v, entry_text(NULL, flags, add_m && !cmdline_outside));
			continue;
		}
		switch (classify(e->pattern, mods, cwd)) {
		case PAT_INSIDE:
		case PAT_PARTIAL:
			if (!scope) {
				rc = strv_push_owned(&v, entry_text(e->pattern, flags, add_m));
				break;
			}
			/*
			 * Named packages: the entry keeps its flags without -m, and
			 * the part of it that is named gets them again with -m.  When
			 * that part is the whole entry, the entry itself is left out
			 * (go takes the last pattern matching a package: it would say
			 * nothing, and the flags would reach go twice).
			 */
			{
				strv more = {0};
				int whole = 0, w;
				for (j = 0; j < ours.n && rc == 0; j++) {
					char *narrow = NULL;
					if ((rc = narrower(&narrow, &w, e->pattern, ours.v[j], mods,
					                   cwd)) < 0)
						break;
					whole |= w;
					if (narrow) {
						t = entry_text(narrow, flags, add_m);
						free(narrow);
						rc = strv_push_owned(&more, t);
					}
				}
				if (rc == 0 && !whole)
					rc = strv_push_owned(&v, entry_text(e->pattern, flags, 0));
				for (j = 0; j < more.n && rc == 0; j++) {
					rc = strv_push_owned(&v, more.v[j]);
					more.v[j] = NULL;
				}
				ge_strv_free(more.v, more.n);
			}
			break;
		case PAT_COVERS:
			if (from_cmdline[i])
				rc = strv_push_owned(&v, entry_text(e->pattern, flags, 0));
			for (j = 0; j < ours.n && rc == 0; j++) {
				t = entry_text(ours.v[j], flags, add_m);
				rc = strv_push_owned(&v, t);
			}
			break;
		case PAT_DISJOINT:
			if (from_cmdline[i])
				rc = strv_push_owned(&v, entry_text(e->pattern, flags, 0));
			break;
		}
	}
	ge_strv_free(ours.v, ours.n);
	if (rc < 0) {
		ge_strv_free(v.v, v.n);
		return rc;
	}
	*out = v.v;
	*nout = v.n;
	return 0;
}

int ge_gcflags_merge(char ***out, size_t *nout, const ge_gcflag *entries, const int *from_cmdline,
                     size_t n, const ge_modset *mods, const char *cwd)
{
	return merge(out, nout, entries, from_cmdline, n, mods, cwd, 0, NULL, 0);
}

int ge_gcflags_merge_scoped(char ***out, size_t *nout, const ge_gcflag *entries,
                            const int *from_cmdline, size_t n, const ge_modset *mods,
                            const char *cwd, char *const *scope, size_t nscope)
{
	return merge(out, nout, entries, from_cmdline, n, mods, cwd, 0, scope, nscope);
}

/*
 * Does a -gcflags pattern select the package go makes of .go files named
 * on the command line ("command-line-arguments", in directory filedir)?
 * As go matches: no pattern, "all", "...", a directory pattern, or a
 * pattern matching the name "command-line-arguments".
 */
static int selects_files(const char *pat, const char *filedir, const char *cwd)
{
	if (!pat || !*pat || strcmp(pat, "all") == 0)
		return 1;
	if (pat[0] == '.' || pat[0] == '/') {
		char *dir = ge_path_join(cwd, pat);
		size_t n;
		int ok = 0;
		if (!dir)
			return 0;
		n = strlen(dir);
		if (n >= 3 && strcmp(dir + n - 3, "...") == 0) {
			dir[n - 3] = '\0';
			ge_path_clean(dir);
			ok = strcmp(dir, filedir) == 0 || ge_path_within(filedir, dir) != NULL;
		} else {
			ok = strcmp(dir, filedir) == 0;
		}
		free(dir);
		return ok;
	}
	return wild_match(pat, "command-line-arguments");
}

/* Split "pattern=flags" the way go does; a value starting with '-' has no pattern. */
static int split_entry(ge_gcflag *e, const char *v)
{
	const char *s = v, *eq;
	while (*s == ' ' || *s == '\t')
		s++;
	e->pattern = NULL;
	e->flags = NULL;
	if (*s && *s != '-' && (eq = strchr(s, '='))) {
		const char *pe = eq;
		while (pe > s && (pe[-1] == ' ' || pe[-1] == '\t'))
			pe--;
		e->pattern = ge_strndup(s, (size_t)(pe - s));
		e->flags = ge_strdup(eq + 1);
	} else {
		e->pattern = ge_strdup("");
		e->flags = ge_strdup(s);
	}
	if (!e->pattern || !e->flags)
		return ge_error_set(GE_ENOMEM, "out of memory");
	return 0;
}

void ge_goplan_release(ge_goplan *p)
{
	if (!p)
		return;
	ge_strv_free(p->argv, p->argc);
	ge_strv_free(p->scope, p->nscope);
	free(p->chdir);
	memset(p, 0, sizeof(*p));
}

static int plan_build(ge_goplan *out, const char *go, char *const *args, size_t nargs,
                      const char *goflags, const ge_modset *mods, const char *cwd, int named);

int ge_goplan_build(ge_goplan *out, const char *go, char *const *args, size_t nargs,
                    const char *goflags, const ge_modset *mods, const char *cwd)
{
	return plan_build(out, go, args, nargs, goflags, mods, cwd, 0);
}

int ge_goplan_build_named(ge_goplan *out, const char *go, char *const *args, size_t nargs,
                          const char *goflags, const ge_modset *mods, const char *cwd)
{
	return plan_build(out, go, args, nargs, goflags, mods, cwd, 1);
}

const char *ge_gocmd_chdir(char *const *flags, size_t n, size_t *nwords)
{
	const char *v = NULL;
	size_t w = 0;
	if (n && (strcmp(flags[0], "-C") == 0 || strcmp(flags[0], "--C") == 0)) {
		w = n >= 2 ? 2 : 1;
		v = n >= 2 ? flags[1] : NULL;
	} else if (n && strncmp(flags[0], "-C=", 3) == 0) {
		w = 1;
		v = flags[0] + 3;
	} else if (n && strncmp(flags[0], "--C=", 4) == 0) {
		w = 1;
		v = flags[0] + 4;
	}
	if (nwords)
		*nwords = w;
	return v;
}

static int plan_build(ge_goplan *out, const char *go, char *const *args, size_t nargs,
                      const char *goflags, const ge_modset *mods, const char *cwd, int named)
{
	ge_gcflag *entries = NULL;
	int *cmdline = NULL;
	size_t nent = 0, i, nmerged = 0, insert_at, chdir_words = 0;
	char **gf = NULL, **merged = NULL;
	size_t ngf = 0;
	strv rest = {0}, outv = {0};
	int rc = 0, flags_done = 0;
	char *dir_for_patterns = NULL, *filedir = NULL;
	size_t pos_start = (size_t)-1;
	int cmdline_outside = 1;

	assert(nargs >= 1);
	memset(out, 0, sizeof(*out));
	entries = calloc(nargs + 64, sizeof(*entries));
	cmdline = calloc(nargs + 64, sizeof(*cmdline));
	if (!entries || !cmdline) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	/* GOFLAGS entries come first: go applies them before the command line. */
	if (goflags && (rc = ge_goflags_split(&gf, &ngf, goflags)) < 0)
		goto done;
	for (i = 0; i < ngf; i++) {
		const char *f = gf[i] + (gf[i][0] == '-' && gf[i][1] == '-');
		if (strncmp(f, "-gcflags=", 9) == 0) {
			if (nent >= nargs + 64)
				break;
			if ((rc = split_entry(&entries[nent], f + 9)) < 0)
				goto done;
			cmdline[nent++] = 0;
		}
	}
	/* go's -C DIR (first, as go wants it): where go runs. */
	{
		const char *dir = ge_gocmd_chdir(args + 1, nargs - 1, &chdir_words);
		if (dir && !(out->chdir = ge_strdup(dir))) {
			rc = ge_error_set(GE_ENOMEM, "out of memory");
			goto done;
		}
	}
	/* The command line: args[0] is the subcommand. */
	for (i = 1; i < nargs; i++) {
		const char *a = args[i], *name;
		size_t nlen;
		if (flags_done || a[0] != '-' || strcmp(a, "-") == 0) {
			if (!flags_done)
				pos_start = rest.n;
			flags_done = 1;
			if ((rc = strv_push(&rest, a)) < 0)
				goto done;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			if (!flags_done)
				pos_start = rest.n + 1;
			flags_done = 1;
			if ((rc = strv_push(&rest, a)) < 0)
				goto done;
			continue;
		}
		name = a + 1 + (a[1] == '-');
		nlen = strcspn(name, "=");
		if (nlen == 7 && memcmp(name, "gcflags", 7) == 0) {
			const char *val = name[nlen] == '=' ? name + nlen + 1 : NULL;
			if (!val) {
				if (i + 1 >= nargs) /* go will complain; pass it on */
					goto keep;
				val = args[++i];
			}
			if ((rc = split_entry(&entries[nent], val)) < 0)
				goto done;
			cmdline[nent++] = 1;
			continue;
		}
	keep:
		if ((rc = strv_push(&rest, a)) < 0)
			goto done;
		if (name[nlen] != '=' && takes_value(name, nlen) && i + 1 < nargs) {
			if ((rc = strv_push(&rest, args[++i])) < 0)
				goto done;
		}
		for (size_t k = 0; k < nent; k++)
			if (entries[k].flags && has_m(entries[k].flags))
				out->user_m = 1;
	}
	for (i = 0; i < nent; i++)
		if (has_m(entries[i].flags))
			out->user_m = 1;
	dir_for_patterns = out->chdir ? ge_path_join(cwd, out->chdir) : ge_strdup(cwd);
	if (!dir_for_patterns) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	/*
	 * The command-line packages (what entries without a pattern apply to):
	 * all outside the main modules, or .go files (go's package
	 * "command-line-arguments", which no module pattern selects).
	 */
	if (pos_start > rest.n)
		pos_start = rest.n;
	if (pos_start == rest.n) {
		cmdline_outside = classify(".", mods, dir_for_patterns) == PAT_DISJOINT;
	} else if (is_go_file(rest.v[pos_start])) {
		char *f = ge_path_join(dir_for_patterns, rest.v[pos_start]), *slash;
		if (!f) {
			rc = ge_error_set(GE_ENOMEM, "out of memory");
			goto done;
		}
		if ((slash = strrchr(f, '/')))
			*(slash == f ? slash + 1 : slash) = '\0';
		cmdline_outside = !ge_modset_lookup_path(mods, f);
		if (!cmdline_outside)
			filedir = f;
		else
			free(f);
	} else {
		for (i = pos_start; i < rest.n; i++)
			if (classify(rest.v[i], mods, dir_for_patterns) != PAT_DISJOINT)
				cmdline_outside = 0;
	}
	if (named && pos_start < rest.n) {
		size_t k = pos_start + (strcmp(rest.v[pos_start], "--") == 0);
		if ((rc = ge_gocmd_scope(&out->scope, &out->nscope, rest.v + k, rest.n - k, mods,
		                         dir_for_patterns)) < 0)
			goto done;
	}
	if ((rc = merge(&merged, &nmerged, entries, cmdline, nent, mods, dir_for_patterns,
	                cmdline_outside, out->scope, out->nscope)) < 0)
		goto done;
	if (filedir) {
		/* The files' package gets -m on top of the flags of the last entry
		 * that selects it, in an entry of its own at the end. */
		const char *flags = "";
		char *t, **nm;
		for (i = 0; i < nent; i++)
			if (selects_files(entries[i].pattern, filedir, dir_for_patterns))
				flags = entries[i].flags ? entries[i].flags : "";
		if (!(t = entry_text(NULL, flags, !has_m(flags))) ||
		    !(nm = realloc(merged, (nmerged + 1) * sizeof(*nm)))) {
			free(t);
			rc = ge_error_set(GE_ENOMEM, "out of memory");
			goto done;
		}
		merged = nm;
		merged[nmerged++] = t;
	}
	/* go, subcommand, [-C dir], merged -gcflags, the rest. */
	if ((rc = strv_push(&outv, go)) < 0 || (rc = strv_push(&outv, args[0])) < 0)
		goto done;
	insert_at = chdir_words < rest.n ? chdir_words : rest.n;
	for (i = 0; i < insert_at; i++)
		if ((rc = strv_push(&outv, rest.v[i])) < 0)
			goto done;
	for (i = 0; i < nmerged; i++) {
		ge_buf b = GE_BUF_INIT;
		if (ge_buf_printf(&b, "-gcflags=%s", merged[i]) < 0 ||
		    (rc = strv_push_owned(&outv, ge_buf_detach(&b))) < 0) {
			ge_buf_release(&b);
			rc = GE_ENOMEM;
			goto done;
		}
	}
	for (i = insert_at; i < rest.n; i++)
		if ((rc = strv_push(&outv, rest.v[i])) < 0)
			goto done;
	out->argv = outv.v;
	out->argc = outv.n;
	outv.v = NULL;
	outv.n = 0;
	rc = 0;
done:
	for (i = 0; entries && i < nent; i++) {
		free(entries[i].pattern);
		free(entries[i].flags);
	}
	free(entries);
	free(cmdline);
	ge_strv_free(gf, ngf);
	ge_strv_free(merged, nmerged);
	ge_strv_free(rest.v, rest.n);
	ge_strv_free(outv.v, outv.n);
	free(dir_for_patterns);
	free(filedir);
	if (rc < 0)
		ge_goplan_release(out);
	return rc;
}
