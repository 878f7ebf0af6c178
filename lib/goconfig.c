/* The build configuration: toolchain selection, GOOS/GOARCH/cgo, tags, flags. */
#include "goconfig.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>

#include "run.h"

void ge_goconfig_free(ge_goconfig *c)
{
	if (!c)
		return;
	free(c->go);
	free(c->goos);
	free(c->goarch);
	free(c->cgo);
	free(c->tags);
	free(c->gcflags);
	free(c->build);
	free(c->goexperiment);
	free(c->canonical);
	free(c);
}

/* The fields in canonical order, as (name, pointer to the field). */
#define NFIELDS 8
static char **field(ge_goconfig *c, int i, const char **name)
{
	static const char *const names[NFIELDS] = {"go",   "goos",    "goarch", "cgo",
	                                           "tags", "gcflags", "build",  "goexperiment"};
	char **f[NFIELDS];
	f[0] = &c->go;
	f[1] = &c->goos;
	f[2] = &c->goarch;
	f[3] = &c->cgo;
	f[4] = &c->tags;
	f[5] = &c->gcflags;
	f[6] = &c->build;
	f[7] = &c->goexperiment;
	*name = names[i];
	return f[i];
}

int ge_goconfig_dup(ge_goconfig **out, const ge_goconfig *c)
{
	ge_goconfig *d = calloc(1, sizeof(*d));
	const char *name;
	int i;
	*out = NULL;
	if (!d)
		return ge_error_set(GE_ENOMEM, "out of memory");
	for (i = 0; i < NFIELDS; i++) {
		char *v = *field((ge_goconfig *)c, i, &name);
		if (v && !(*field(d, i, &name) = ge_strdup(v))) {
			ge_goconfig_free(d);
			return ge_error_set(GE_ENOMEM, "out of memory");
		}
	}
	if (c->canonical && !(d->canonical = ge_strdup(c->canonical))) {
		ge_goconfig_free(d);
		return ge_error_set(GE_ENOMEM, "out of memory");
	}
	memcpy(d->hash, c->hash, sizeof(d->hash));
	*out = d;
	return 0;
}

int ge_goconfig_finish(ge_goconfig *c)
{
	ge_buf b = GE_BUF_INIT;
	const char *name, *p;
	uint64_t h;
	int i, rc = 0;
	for (i = 0; i < NFIELDS; i++) {
		char **f = field(c, i, &name);
		rc |= ge_buf_printf(&b, "%s%s=", i ? " " : "", name);
		for (p = *f ? *f : ""; *p; p++) {
			unsigned char ch = (unsigned char)*p;
			if (ch <= ' ' || ch == '%' || ch >= 0x7f)
				rc |= ge_buf_printf(&b, "%%%02X", ch);
			else
				rc |= ge_buf_putc(&b, (char)ch);
		}
	}
	if (rc) {
		ge_buf_release(&b);
		return ge_error_set(GE_ENOMEM, "out of memory");
	}
	free(c->canonical);
	c->canonical = ge_buf_detach(&b);
	h = ge_hash_bytes(GE_HASH_SEED, c->canonical, strlen(c->canonical));
	snprintf(c->hash, sizeof(c->hash), "%016llx", (unsigned long long)h);
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int ge_goconfig_parse(ge_goconfig **out, const char *canonical, const char *hash)
{
	ge_goconfig *c = calloc(1, sizeof(*c));
	const char *p = canonical, *name;
	int i, rc = 0;
	*out = NULL;
	if (!c)
		return ge_error_set(GE_ENOMEM, "out of memory");
	for (i = 0; i < NFIELDS && rc == 0; i++) {
		char **f = field(c, i, &name);
		size_t n = strlen(name);
		ge_buf v = GE_BUF_INIT;
		if ((i && *p++ != ' ') || strncmp(p, name, n) != 0 || p[n] != '=') {
			rc = GE_EBADINPUT;
			break;
		}
		for (p += n + 1; *p && *p != ' '; p++) {
			if (*p == '%') {
				int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);
				if (lo < 0) {
					rc = GE_EBADINPUT;
					break;
				}
				rc |= ge_buf_putc(&v, (char)(hi * 16 + lo));
				p += 2;
			} else {
				rc |= ge_buf_putc(&v, *p);
			}
		}
		if (rc == 0 && !(*f = v.len ? ge_buf_detach(&v) : ge_strdup("")))
			rc = GE_ENOMEM;
		ge_buf_release(&v);
	}
	if (rc == 0 && *p)
		rc = GE_EBADINPUT;
	if (rc == 0 && (rc = ge_goconfig_finish(c)) == 0 &&
	    (strcmp(c->canonical, canonical) != 0 || (hash && strcmp(c->hash, hash) != 0)))
		rc = GE_EBADINPUT;
	if (rc < 0) {
		ge_goconfig_free(c);
		return rc == GE_ENOMEM
		           ? ge_error_set(GE_ENOMEM, "out of memory")
		           : ge_error_set(GE_EBADINPUT, "not a build configuration: '%.200s'",
		                          canonical);
	}
	*out = c;
	return 0;
}

int ge_goconfig_to_json(ge_buf *out, const ge_goconfig *c)
{
	int rc = 0;
	rc |= ge_buf_puts(out, "{\"hash\": ");
	rc |= ge_buf_put_json(out, c->hash);
	rc |= ge_buf_puts(out, ", \"canonical\": ");
	rc |= ge_buf_put_json(out, c->canonical ? c->canonical : "");
	rc |= ge_buf_putc(out, '}');
	return rc ? ge_error_set(GE_ENOMEM, "out of memory") : 0;
}

/* ---- versions (cmd/go/internal/gover) ------------------------------------ */

typedef struct gover {
	const char *major, *minor, *patch, *kind, *pre;
	size_t lmajor, lminor, lpatch, lkind, lpre;
	int ok;
} gover;

/* A decimal without a needless leading zero at *p; its length, 0 if none. */
static size_t cut_int(const char *p)
{
	size_t n = 0;
	while (p[n] >= '0' && p[n] <= '9')
		n++;
	if (n > 1 && p[0] == '0')
		return 0;
	return n;
}

static gover gover_parse(const char *x)
{
	gover v;
	size_t n;
	memset(&v, 0, sizeof(v));
	v.major = v.minor = v.patch = v.kind = v.pre = "";
	if (!(n = cut_int(x)))
		return v;
	v.major = x;
	v.lmajor = n;
	x += n;
	if (!*x) {
		v.minor = v.patch = "0";
		v.lminor = v.lpatch = 1;
		v.ok = 1;
		return v;
	}
	if (*x != '.' || !(n = cut_int(x + 1)))
		return v;
	v.minor = x + 1;
	v.lminor = n;
	x += 1 + n;
	if (!*x) {
		/* Before Go 1.21 a missing patch is .0; from 1.21 on, "1.21" is the language. */
		if (v.lminor < 2 || (v.lminor == 2 && strncmp(v.minor, "21", 2) < 0)) {
			v.patch = "0";
			v.lpatch = 1;
		}
		v.ok = 1;
		return v;
	}
	if (*x == '.') {
		if (!(n = cut_int(x + 1)) || x[1 + n])
			return v;
		v.patch = x + 1;
		v.lpatch = n;
		v.ok = 1;
		return v;
	}
	for (n = 0; x[n] >= 'a' && x[n] <= 'z'; n++)
		;
	if (!n || (x[n] && (x[n] < '0' || x[n] > '9')))
		return v;
	v.kind = x;
	v.lkind = n;
	x += n;
	if (*x) {
		if (!(n = cut_int(x)) || x[n])
			return v;
		v.pre = x;
		v.lpre = n;
	}
	v.ok = 1;
	return v;
}

static int cmp_int(const char *a, size_t la, const char *b, size_t lb)
{
	int c;
	if (la != lb)
		return la < lb ? -1 : 1;
	c = la ? memcmp(a, b, la) : 0;
	return c < 0 ? -1 : c > 0;
}

static int cmp_str(const char *a, size_t la, const char *b, size_t lb)
{
	size_t n = la < lb ? la : lb;
	int c = n ? memcmp(a, b, n) : 0;
	if (c)
		return c < 0 ? -1 : 1;
	return la < lb ? -1 : la > lb;
}

int ge_gover_compare(const char *x, const char *y)
{
	gover a = gover_parse(x ? x : ""), b = gover_parse(y ? y : "");
	int c;
	if (!a.ok || !b.ok)
		return a.ok - b.ok; /* malformed compares less, and equal to malformed */
	if ((c = cmp_int(a.major, a.lmajor, b.major, b.lmajor)) ||
	    (c = cmp_int(a.minor, a.lminor, b.minor, b.lminor)) ||
	    (c = cmp_int(a.patch, a.lpatch, b.patch, b.lpatch)) ||
	    (c = cmp_str(a.kind, a.lkind, b.kind, b.lkind)))
		return c;
	return cmp_int(a.pre, a.lpre, b.pre, b.lpre);
}

static int gover_valid(const char *x)
{
	return gover_parse(x).ok;
}

static int gover_is_lang(const char *x)
{
	gover v = gover_parse(x);
	return v.ok && !v.lpatch && !v.lkind && !v.lpre;
}

/*
 * gover.FromToolchain: "go1.2.3" -> "1.2.3", "go1.2.3-bigcorp" -> "1.2.3";
 * NULL when name is not a toolchain name.  malloc'd.
 */
static char *from_toolchain(const char *name)
{
	char *v;
	if (!name || strpbrk(name, "\\/") || strncmp(name, "go", 2) != 0)
		return NULL;
	if (!(v = ge_strndup(name + 2, strcspn(name + 2, " \t-"))))
		return NULL;
	if (!gover_valid(v)) {
		free(v);
		return NULL;
	}
	return v;
}

int ge_toolchain_select(char **out, const char *local, const char *gotoolchain, const char *file_go,
                        const char *file_toolchain)
{
	char *min_vers = NULL, *chosen = NULL, *v = NULL;
	const char *mode = "";
	int rc = 0;
	*out = NULL;
	assert(local);
	min_vers = from_toolchain(local);
	/* Go before 1.21 knows nothing of GOTOOLCHAIN. */
	if (!gotoolchain || !*gotoolchain || !min_vers || ge_gover_compare(min_vers, "1.21") < 0)
		goto local;
	if (strcmp(gotoolchain, "auto") == 0 || strcmp(gotoolchain, "path") == 0) {
		mode = gotoolchain;
		chosen = ge_strdup(local);
	} else {
		const char *plus = strchr(gotoolchain, '+');
		char *min = ge_strndup(gotoolchain,
		                       plus ? (size_t)(plus - gotoolchain) : strlen(gotoolchain));
		if (!min) {
			rc = GE_ENOMEM;
			goto done;
		}
		if (strcmp(min, "local") != 0) {
			if (!(v = from_toolchain(min))) {
				free(min);
				rc = ge_error_set(GE_EBADINPUT,
				                  plus ? "invalid GOTOOLCHAIN '%s': invalid "
				                         "minimum toolchain"
				                       : "invalid GOTOOLCHAIN '%s'",
				                  gotoolchain);
				goto done;
			}
			free(min_vers);
			min_vers = v;
			v = NULL;
			chosen = min;
		} else {
			free(min);
			chosen = ge_strdup(local);
		}
		if (plus && strcmp(plus + 1, "auto") != 0 && strcmp(plus + 1, "path") != 0) {
			rc = ge_error_set(
			    GE_EBADINPUT,
			    "invalid GOTOOLCHAIN '%s': only version suffixes are +auto "
			    "and +path",
			    gotoolchain);
			goto done;
		}
		mode = plus ? plus + 1 : "";
	}
	if (!chosen) {
		rc = GE_ENOMEM;
		goto done;
	}
	if ((!strcmp(mode, "auto") || !strcmp(mode, "path")) &&
	    !(file_toolchain && strcmp(file_toolchain, "default") == 0)) {
		if (file_toolchain && *file_toolchain) {
			if (!(v = from_toolchain(file_toolchain))) {
				rc = ge_error_set(GE_EBADINPUT, "invalid toolchain '%s' in go.mod",
				                  file_toolchain);
				goto done;
			}
			if (ge_gover_compare(v, min_vers) > 0) {
				free(chosen);
				free(min_vers);
				chosen = ge_strdup(file_toolchain);
				min_vers = v;
				v = NULL;
			}
		}
		if (file_go && *file_go && ge_gover_compare(file_go, min_vers) > 0) {
			ge_buf b = GE_BUF_INIT;
			rc = ge_buf_printf(
			    &b, "go%s%s", file_go,
			    gover_is_lang(file_go) && ge_gover_compare(file_go, "1.21") >= 0 ? ".0"
			                                                                     : "");
			free(chosen);
			chosen = ge_buf_detach(&b);
			if (rc < 0)
				goto done;
		}
	}
	if (!chosen) {
		rc = GE_ENOMEM;
		goto done;
	}
	*out = chosen;
	chosen = NULL;
	goto done;
local:
	if (!(*out = ge_strdup(local)))
		rc = GE_ENOMEM;
done:
	free(min_vers);
	free(chosen);
	free(v);
	if (rc == GE_ENOMEM)
		return ge_error_set(GE_ENOMEM, "out of memory");
	return rc;
}

char *ge_gomod_lookup(const char *text, size_t len, const char *key)
{
	const char *p = text, *end = text + len;
	size_t kn = strlen(key);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *s = p, *e = nl ? nl : end;
		p = nl ? nl + 1 : end;
		while (s < e && (*s == ' ' || *s == '\t' || *s == '\r'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if ((size_t)(e - s) > kn && memcmp(s, key, kn) == 0 &&
		    (s[kn] == ' ' || s[kn] == '\t')) {
			const char *v = s + kn, *c;
			for (c = v; c + 1 < e; c++)
				if (c[0] == '/' && c[1] == '/') {
					e = c;
					break;
				}
			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			return ge_strndup(v, (size_t)(e - v));
		}
	}
	return NULL;
}

/* ---- gathering the inputs ---------------------------------------------- */

/* A value of $GOROOT/go.env (the toolchain's defaults); NULL when none. */
static char *goroot_env(const char *goroot, const char *name)
{
	ge_buf path = GE_BUF_INIT, text = GE_BUF_INIT;
	char *v = NULL;
	size_t n = strlen(name);
	if (goroot && ge_buf_printf(&path, "%s/go.env", goroot) == 0 &&
	    ge_file_read(&text, path.ptr) == 0) {
		const char *p = text.ptr, *end = p + text.len;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;
			if ((size_t)(e - p) > n && strncmp(p, name, n) == 0 && p[n] == '=') {
				free(v);
				v = ge_strndup(p + n + 1, (size_t)(e - p - n - 1));
			}
			p = nl ? nl + 1 : end;
		}
	}
	ge_buf_release(&path);
	ge_buf_release(&text);
	return v;
}

/* A go setting: environment, go env file, then GOROOT/go.env.  malloc'd or NULL. */
static int go_getenv(char **out, const char *goroot, const char *name)
{
	int rc = ge_goenv_lookup(out, name);
	if (rc == 0 && !*out)
		*out = goroot_env(goroot, name);
	return rc;
}

/* GOROOT of a go binary that is GOROOT/bin/go, with its VERSION's first line. */
static int find_goroot(char **root, char **version, const char *go)
{
	char real[PATH_MAX], *slash;
	ge_buf path = GE_BUF_INIT, text = GE_BUF_INIT;
	*root = *version = NULL;
	if (!realpath(go, real))
		return 0;
	if ((slash = strrchr(real, '/')))
		*slash = '\0';
	if ((slash = strrchr(real, '/')))
		*slash = '\0';
	if (ge_buf_printf(&path, "%s/VERSION", real) == 0 && ge_file_read(&text, path.ptr) == 0 &&
	    strncmp(text.ptr, "go", 2) == 0) {
		size_t n = strcspn(text.ptr, "\r\n");
		*version = ge_strndup(text.ptr, n);
		*root = ge_strdup(real);
	}
	ge_buf_release(&path);
	ge_buf_release(&text);
	if (!*root || !*version) {
		free(*root);
		free(*version);
		*root = *version = NULL;
	}
	return 0;
}

/* The host's GOOS/GOARCH: GOROOT/pkg/tool/<goos>_<goarch>, else uname. */
static void host_platform(char **goos, char **goarch, const char *goroot)
{
	static const char *const machines[][2] = {
	    {"x86_64", "amd64"},    {"amd64", "amd64"}, {"aarch64", "arm64"},   {"arm64", "arm64"},
	    {"i686", "386"},        {"i386", "386"},    {"armv7l", "arm"},      {"armv6l", "arm"},
	    {"ppc64le", "ppc64le"}, {"s390x", "s390x"}, {"riscv64", "riscv64"}, {NULL, NULL}};
	ge_buf dir = GE_BUF_INIT;
	struct utsname u;
	DIR *d;
	*goos = *goarch = NULL;
	if (goroot && ge_buf_printf(&dir, "%s/pkg/tool", goroot) == 0 && (d = opendir(dir.ptr))) {
		struct dirent *e;
		int n = 0;
		char *os = NULL, *arch = NULL;
		while ((e = readdir(d))) {
			const char *us = strchr(e->d_name, '_');
			if (e->d_name[0] == '.' || !us)
				continue;
			n++;
			free(os);
			free(arch);
			os = ge_strndup(e->d_name, (size_t)(us - e->d_name));
			arch = ge_strdup(us + 1);
		}
		closedir(d);
		if (n == 1) {
			*goos = os;
			*goarch = arch;
		} else {
			free(os);
			free(arch);
		}
	}
	ge_buf_release(&dir);
	if (*goos && *goarch)
		return;
	free(*goos);
	free(*goarch);
	*goos = *goarch = NULL;
	if (uname(&u) == 0) {
		size_t i;
		char sys[sizeof(u.sysname)];
		for (i = 0; u.sysname[i] && i + 1 < sizeof(sys); i++)
			sys[i] =
			    (char)(u.sysname[i] >= 'A' && u.sysname[i] <= 'Z' ? u.sysname[i] + 32
			                                                      : u.sysname[i]);
		sys[i] = '\0';
		*goos = ge_strdup(sys);
		for (i = 0; machines[i][0]; i++)
			if (strcmp(u.machine, machines[i][0]) == 0)
				*goarch = ge_strdup(machines[i][1]);
		if (!*goarch)
			*goarch = ge_strdup(u.machine);
	}
}

/* Is an executable named prog on PATH? */
static int on_path(const char *prog)
{
	const char *p = getenv("PATH");
	ge_buf cand = GE_BUF_INIT;
	int found = 0;
	while (p && !found) {
		const char *colon = strchr(p, ':');
		size_t n = colon ? (size_t)(colon - p) : strlen(p);
		struct stat st;
		ge_buf_clear(&cand);
		if (ge_buf_put(&cand, n ? p : ".", n ? n : 1) == 0 &&
		    ge_buf_printf(&cand, "/%s", prog) == 0 && stat(cand.ptr, &st) == 0 &&
		    S_ISREG(st.st_mode) && access(cand.ptr, X_OK) == 0)
			found = 1;
		p = colon ? colon + 1 : NULL;
	}
	ge_buf_release(&cand);
	return found;
}

/* What a wrapper go answers to "go env GOVERSION GOOS GOARCH CGO_ENABLED", once per run. */
static char wrap_of[PATH_MAX], wrap_answer[4][64];

static int ask_go(const char *go, const char *cwd)
{
	char *argv[] = {(char *)go,
	                (char *)"env",
	                (char *)"GOVERSION",
	                (char *)"GOOS",
	                (char *)"GOARCH",
	                (char *)"CGO_ENABLED",
	                NULL};
	ge_buf text = GE_BUF_INIT;
	int status = 0, i = 0;
	const char *p;
	if (wrap_of[0] && strcmp(wrap_of, go) == 0)
		return 0;
	memset(wrap_answer, 0, sizeof(wrap_answer));
	if (ge_run_capture(&status, &text, argv, cwd, 1) == 0 && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0) {
		for (p = text.ptr; *p && i < 4; i++) {
			size_t n = strcspn(p, "\r\n");
			if (n < sizeof(wrap_answer[i]))
				memcpy(wrap_answer[i], p, n);
			p += n;
			if (*p == '\r')
				p++;
			if (*p == '\n')
				p++;
		}
	}
	ge_buf_release(&text);
	if (strncmp(wrap_answer[0], "go", 2) != 0)
		memset(wrap_answer, 0, sizeof(wrap_answer));
	if (strlen(go) < sizeof(wrap_of))
		strcpy(wrap_of, go);
	return 0;
}

/* Collect the flags of GOFLAGS and the command line that shape the compile. */
typedef struct flagset {
	char *tags;     /* the last -tags value */
	ge_buf gcflags; /* entries, ',' joined */
	ge_buf build;   /* other flags, ',' joined */
} flagset;

/* Bool flags and value flags, without the leading '-'. */
static const char *const bool_flags[] = {"race", "msan", "asan", "cover", "linkshared", NULL};
static const char *const value_flags[] = {"covermode", "coverpkg", "pgo", "buildmode",
                                          "compiler",  "modfile",  NULL};
/* Flags of go build that take a separate value (to skip it). */
static const char *const skip_value[] = {
    "C",       "o",      "p",        "asmflags", "gccgoflags", "installsuffix", "ldflags", "mod",
    "overlay", "pkgdir", "toolexec", "reuse",    NULL};

static int in_list(const char *const *l, const char *name, size_t n)
{
	size_t i;
	for (i = 0; l[i]; i++)
		if (strlen(l[i]) == n && memcmp(l[i], name, n) == 0)
			return 1;
	return 0;
}

/* "pattern=flags" with flags split and joined by one space. */
static int add_gcflags(flagset *fs, const char *v)
{
	const char *s = v, *eq = NULL;
	char **parts = NULL;
	size_t np = 0, i;
	int rc = 0;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s && *s != '-')
		eq = strchr(s, '=');
	if (fs->gcflags.len)
		rc |= ge_buf_putc(&fs->gcflags, ',');
	if (eq) {
		const char *pe = eq;
		while (pe > s && (pe[-1] == ' ' || pe[-1] == '\t'))
			pe--;
		rc |= ge_buf_put(&fs->gcflags, s, (size_t)(pe - s));
		s = eq + 1;
	}
	rc |= ge_buf_putc(&fs->gcflags, '=');
	if (ge_goflags_split(&parts, &np, s) < 0) {
		rc |= ge_buf_puts(&fs->gcflags, s);
	} else {
		for (i = 0; i < np; i++) {
			rc |= ge_buf_puts(&fs->gcflags, i ? " " : "");
			rc |= ge_buf_puts(&fs->gcflags, parts[i]);
		}
		ge_strv_free(parts, np);
	}
	return rc ? GE_ENOMEM : 0;
}

/* One flag (without its dashes) with its value, or NULL for a bool given bare. */
static int add_flag(flagset *fs, const char *name, size_t n, const char *val)
{
	int rc = 0;
	if (n == 4 && memcmp(name, "tags", 4) == 0) {
		free(fs->tags);
		return (fs->tags = ge_strdup(val ? val : "")) ? 0 : GE_ENOMEM;
	}
	if (n == 7 && memcmp(name, "gcflags", 7) == 0)
		return add_gcflags(fs, val ? val : "");
	if (in_list(bool_flags, name, n)) {
		/* -race=false is no race. */
		if (val && (!strcmp(val, "false") || !strcmp(val, "0") || !strcmp(val, "f") ||
		            !strcmp(val, "F") || !strcmp(val, "FALSE") || !strcmp(val, "False")))
			return 0;
	} else if (!in_list(value_flags, name, n)) {
		return 0;
	}
	if (fs->build.len)
		rc |= ge_buf_putc(&fs->build, ',');
	rc |= ge_buf_putc(&fs->build, '-');
	rc |= ge_buf_put(&fs->build, name, n);
	if (val && !in_list(bool_flags, name, n))
		rc |= ge_buf_printf(&fs->build, "=%s", val);
	return rc ? GE_ENOMEM : 0;
}

static int collect_flags(flagset *fs, char *const *args, size_t nargs, const char *goflags)
{
	char **gf = NULL;
	size_t ngf = 0, i;
	int rc = 0;
	if (goflags && ge_goflags_split(&gf, &ngf, goflags) == 0) {
		for (i = 0; i < ngf && rc == 0; i++) {
			const char *a = gf[i], *name, *eq;
			if (a[0] != '-')
				continue;
			name = a + 1 + (a[1] == '-');
			eq = strchr(name, '=');
			rc = add_flag(fs, name, eq ? (size_t)(eq - name) : strlen(name),
			              eq ? eq + 1 : NULL);
		}
		ge_strv_free(gf, ngf);
	}
	for (i = 1; i < nargs && rc == 0; i++) {
		const char *a = args[i], *name, *eq;
		size_t n;
		if (a[0] != '-' || strcmp(a, "-") == 0 || strcmp(a, "--") == 0)
			break;
		name = a + 1 + (a[1] == '-');
		eq = strchr(name, '=');
		n = eq ? (size_t)(eq - name) : strlen(name);
		if (!eq && (in_list(value_flags, name, n) || (n == 4 && !memcmp(name, "tags", 4)) ||
		            (n == 7 && !memcmp(name, "gcflags", 7)))) {
			if (i + 1 >= nargs)
				break;
			rc = add_flag(fs, name, n, args[++i]);
			continue;
		}
		if (!eq && in_list(skip_value, name, n)) {
			i++;
			continue;
		}
		rc = add_flag(fs, name, n, eq ? eq + 1 : NULL);
	}
	return rc;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* go's -tags value as a sorted, de-duplicated, comma-separated list. */
static char *canonical_tags(const char *v)
{
	char **t = NULL;
	size_t n = 0, i, j;
	ge_buf b = GE_BUF_INIT;
	if (!v)
		return ge_strdup("");
	if (strchr(v, ' ') || strchr(v, '\'')) {
		if (ge_goflags_split(&t, &n, v) < 0)
			return ge_strdup(v);
	} else {
		const char *p = v;
		if (!(t = calloc(strlen(v) + 1, sizeof(*t))))
			return NULL;
		while (*p) {
			size_t k = strcspn(p, ",");
			if (k && !(t[n++] = ge_strndup(p, k))) {
				ge_strv_free(t, n);
				return NULL;
			}
			p += k;
			if (*p)
				p++;
		}
	}
	qsort(t, n, sizeof(*t), cmp_strp);
	for (i = 0, j = 0; i < n; i++) {
		if (j && strcmp(t[i], t[j - 1]) == 0)
			continue;
		if (ge_buf_puts(&b, j++ ? "," : "") < 0 || ge_buf_puts(&b, t[i]) < 0)
			break;
	}
	ge_strv_free(t, n);
	return b.len ? ge_buf_detach(&b) : ge_strdup("");
}

/* The go and toolchain lines of the go.work or go.mod go reads. */
static void file_lines(char **go_line, char **tc_line, const ge_modset *mods)
{
	ge_buf path = GE_BUF_INIT, text = GE_BUF_INIT;
	*go_line = *tc_line = NULL;
	if (!mods || !mods->n)
		return;
	if (mods->workfile ? ge_buf_puts(&path, mods->workfile) == 0
	                   : ge_buf_printf(&path, "%s/go.mod", mods->mods[0].root) == 0) {
		if (ge_file_read(&text, path.ptr) == 0) {
			*go_line = ge_gomod_lookup(text.ptr, text.len, "go");
			*tc_line = ge_gomod_lookup(text.ptr, text.len, "toolchain");
		}
	}
	ge_buf_release(&path);
	ge_buf_release(&text);
}

int ge_goconfig_spawns(const char *go)
{
	char *goroot = NULL, *local = NULL;
	int spawns;
	find_goroot(&goroot, &local, go);
	spawns = !goroot && !(wrap_of[0] && strcmp(wrap_of, go) == 0);
	free(goroot);
	free(local);
	return spawns;
}

int ge_goconfig_compute(ge_goconfig **out, const char *go, char *const *args, size_t nargs,
                        const char *goflags, const ge_modset *mods, const char *cwd)
{
	ge_goconfig *c = calloc(1, sizeof(*c));
	char *goroot = NULL, *local = NULL, *tc = NULL, *go_line = NULL, *tc_line = NULL;
	char *v = NULL, *hostos = NULL, *hostarch = NULL;
	flagset fs = {NULL, GE_BUF_INIT, GE_BUF_INIT};
	int rc = 0, wrapper;
	*out = NULL;
	if (!c)
		return ge_error_set(GE_ENOMEM, "out of memory");
	find_goroot(&goroot, &local, go);
	wrapper = !goroot;
	if (wrapper) {
		/* Not GOROOT/bin/go: the wrapper's go answers, with its own selection. */
		ask_go(go, cwd);
		c->go = wrap_answer[0][0] ? ge_strdup(wrap_answer[0]) : ge_strdup("unknown");
	} else {
		char *mod = NULL;
		if ((rc = go_getenv(&tc, goroot, "GOTOOLCHAIN")) < 0 ||
		    (rc = ge_goenv_lookup(&mod, "GO111MODULE")) < 0)
			goto done;
		if (mod && strcmp(mod, "off") == 0) {
			free(tc);
			tc = NULL;
		}
		free(mod);
		file_lines(&go_line, &tc_line, mods);
		if (ge_toolchain_select(&c->go, local, tc, go_line, tc_line) < 0 &&
		    !(c->go = ge_strdup(local))) {
			rc = GE_ENOMEM;
			goto done;
		}
		ge_error_clear();
	}
	if ((rc = go_getenv(&c->goos, goroot, "GOOS")) < 0 ||
	    (rc = go_getenv(&c->goarch, goroot, "GOARCH")) < 0 ||
	    (rc = go_getenv(&v, goroot, "CGO_ENABLED")) < 0 ||
	    (rc = go_getenv(&c->goexperiment, goroot, "GOEXPERIMENT")) < 0)
		goto done;
	if (wrapper) {
		if (!c->goos && wrap_answer[1][0])
			c->goos = ge_strdup(wrap_answer[1]);
		if (!c->goarch && wrap_answer[2][0])
			c->goarch = ge_strdup(wrap_answer[2]);
	}
	host_platform(&hostos, &hostarch, goroot);
	if (!c->goos || !*c->goos) {
		free(c->goos);
		c->goos = ge_strdup(hostos ? hostos : "unknown");
	}
	if (!c->goarch || !*c->goarch) {
		free(c->goarch);
		c->goarch = ge_strdup(hostarch ? hostarch : "unknown");
	}
	/* cmd/go's rule: CGO_ENABLED when 0 or 1; off when cross-compiling;
	 * from Go 1.20 off when CC is unset and gcc (clang on darwin and the
	 * BSDs that default to it) is not on PATH; else on. */
	if (v && (!strcmp(v, "0") || !strcmp(v, "1"))) {
		c->cgo = ge_strdup(v);
	} else if (wrapper && wrap_answer[3][0] && !getenv("GOOS") && !getenv("GOARCH")) {
		c->cgo = ge_strdup(wrap_answer[3]);
	} else if (!hostos || !hostarch || strcmp(c->goos, hostos) || strcmp(c->goarch, hostarch)) {
		c->cgo = ge_strdup("0");
	} else {
		const char *cc = getenv("CC");
		const char *dcc = !strcmp(c->goos, "darwin") || !strcmp(c->goos, "ios") ||
		                          !strcmp(c->goos, "freebsd") || !strcmp(c->goos, "openbsd")
		                      ? "clang"
		                      : "gcc";
		char *ver = from_toolchain(c->go);
		int old = ver && ge_gover_compare(ver, "1.20") < 0;
		free(ver);
		c->cgo = ge_strdup(old || (cc && *cc) || on_path(dcc) ? "1" : "0");
	}
	if ((rc = collect_flags(&fs, args, nargs, goflags)) < 0)
		goto done;
	c->tags = canonical_tags(fs.tags);
	c->gcflags = fs.gcflags.len ? ge_buf_detach(&fs.gcflags) : ge_strdup("");
	c->build = fs.build.len ? ge_buf_detach(&fs.build) : ge_strdup("");
	if (!c->goexperiment)
		c->goexperiment = ge_strdup("");
	if (!c->go || !c->goos || !c->goarch || !c->cgo || !c->tags || !c->gcflags || !c->build ||
	    !c->goexperiment) {
		rc = GE_ENOMEM;
		goto done;
	}
	rc = ge_goconfig_finish(c);
done:
	free(goroot);
	free(local);
	free(tc);
	free(go_line);
	free(tc_line);
	free(v);
	free(hostos);
	free(hostarch);
	free(fs.tags);
	ge_buf_release(&fs.gcflags);
	ge_buf_release(&fs.build);
	if (rc < 0) {
		ge_goconfig_free(c);
		return rc == GE_ENOMEM ? ge_error_set(GE_ENOMEM, "out of memory") : rc;
	}
	*out = c;
	return 0;
}

/* ---- comparing ------------------------------------------------------------ */

/* "go1.26.8" and "go1.26.7": the same language version, another patch release. */
static int same_minor(const char *a, const char *b)
{
	char *va = from_toolchain(a), *vb = from_toolchain(b);
	int same = 0;
	if (va && vb) {
		gover x = gover_parse(va), y = gover_parse(vb);
		same = x.ok && y.ok && !cmp_int(x.major, x.lmajor, y.major, y.lmajor) &&
		       !cmp_int(x.minor, x.lminor, y.minor, y.lminor) && !x.lkind && !y.lkind;
	}
	free(va);
	free(vb);
	return same;
}

int ge_goconfig_compare(const ge_goconfig *was, const ge_goconfig *now, ge_buf *what)
{
	const char *name;
	int i, worst = 0, n = 0;
	for (i = 0; i < NFIELDS; i++) {
		const char *a = *field((ge_goconfig *)was, i, &name);
		const char *b = *field((ge_goconfig *)now, i, &name);
		int d;
		a = a ? a : "";
		b = b ? b : "";
		if (!strcmp(a, b))
			continue;
		d = i == 0 && same_minor(a, b) ? 1 : 2;
		if (d > worst)
			worst = d;
		if (what)
			(void)ge_buf_printf(what, "%s%s: %s, now %s", n++ ? "; " : "", name,
			                    *a ? a : "none", *b ? b : "none");
	}
	return worst;
}
