/* The build's status line (see progress.h). */
#include "progress.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common.h"

#define MAX_DIRS  100000 /* a walk stops counting here */
#define MAX_DEPTH 64

struct ge_progress {
	ge_progress_write_cb write;
	void *ud;
	char **scope; /* NULL: every main-module package */
	size_t nscope;
	const ge_modset *mods;
	size_t total;
	char **seen; /* distinct import paths of this build */
	size_t nseen, cap;
	int shown;
	struct timespec last;
};

static int has_go_files(const char *dir, int *nested)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;
	*nested = 0;
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (strcmp(e->d_name, "go.mod") == 0)
			*nested = 1;
		if (n > 3 && strcmp(e->d_name + n - 3, ".go") == 0 &&
		    !(n > 8 && strcmp(e->d_name + n - 8, "_test.go") == 0) && e->d_name[0] != '.' &&
		    e->d_name[0] != '_')
			found = 1;
	}
	closedir(d);
	return found;
}

/* Count package directories under dir (importpath ip), not following symlinks. */
static void walk(ge_progress *p, const char *dir, const char *ip, int depth, int top)
{
	DIR *d;
	struct dirent *e;
	int nested, pkg;
	if (depth > MAX_DEPTH || p->total >= MAX_DIRS)
		return;
	pkg = has_go_files(dir, &nested);
	if (nested && !top)
		return; /* another module: not ours */
	if (pkg && ge_gocmd_scope_match(p->scope, p->nscope, ip))
		p->total++;
	if (!(d = opendir(dir)))
		return;
	while ((e = readdir(d))) {
		char *sub, *subip;
		struct stat st;
		const char *n = e->d_name;
		if (n[0] == '.' || n[0] == '_' || strcmp(n, "vendor") == 0 ||
		    strcmp(n, "testdata") == 0)
			continue;
		if (!(sub = ge_path_join(dir, n)))
			continue;
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
			/* ip/n; below module std's root (ip "std"): "strconv", not "std/strconv" */
			if ((subip = ge_gocmd_module_import(ip, n))) {
				walk(p, sub, subip, depth + 1, 0);
				free(subip);
			}
		}
		free(sub);
	}
	closedir(d);
}

int ge_progress_new(ge_progress **out, const ge_modset *mods, const char *cwd, char *const *pkgs,
                    size_t npkgs, ge_progress_write_cb write, void *ud)
{
	ge_progress *p = calloc(1, sizeof(*p));
	size_t i;
	*out = NULL;
	if (!p)
		return ge_error_set(GE_ENOMEM, "out of memory");
	p->write = write;
	p->ud = ud;
	p->mods = mods;
	/* A pattern the scope cannot say: count every package. */
	if (npkgs && ge_gocmd_scope(&p->scope, &p->nscope, pkgs, npkgs, mods, cwd) < 0) {
		p->scope = NULL;
		p->nscope = 0;
		ge_error_clear();
	}
	for (i = 0; i < mods->n; i++)
		walk(p, mods->mods[i].root, mods->mods[i].path, 0, 1);
	*out = p;
	return 0;
}

size_t ge_progress_total(const ge_progress *p)
{
	return p->total;
}

static long ms_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

void ge_progress_package(ge_progress *p, const char *importpath, size_t len)
{
	char line[160];
	size_t i, n;
	int k;
	if (!p)
		return;
	for (i = 0; i < p->nseen; i++)
		if (strlen(p->seen[i]) == len && memcmp(p->seen[i], importpath, len) == 0)
			return;
	if (p->nseen == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 64;
		char **ns = realloc(p->seen, nc * sizeof(*ns));
		if (!ns)
			return;
		p->seen = ns;
		p->cap = nc;
	}
	if (!(p->seen[p->nseen] = malloc(len + 1)))
		return;
	memcpy(p->seen[p->nseen], importpath, len);
	p->seen[p->nseen++][len] = '\0';
	if (p->shown && ms_since(&p->last) < 100 && p->nseen < p->total)
		return;
	n = p->nseen < p->total ? p->nseen : p->total;
	if (p->total)
		k = snprintf(line, sizeof(line),
		             "\rgoescape: compiling %zu/%zu packages\xe2\x80\xa6\033[K", n,
		             p->total);
	else
		k = snprintf(line, sizeof(line),
		             "\rgoescape: compiling %zu packages\xe2\x80\xa6\033[K", p->nseen);
	if (k > 0 && (size_t)k < sizeof(line))
		p->write(line, (size_t)k, p->ud);
	p->shown = 1;
	clock_gettime(CLOCK_MONOTONIC, &p->last);
}

void ge_progress_reset(ge_progress *p)
{
	if (!p)
		return;
	ge_progress_clear(p);
	while (p->nseen)
		free(p->seen[--p->nseen]);
}

void ge_progress_clear(ge_progress *p)
{
	if (!p || !p->shown)
		return;
	p->write("\r\033[K", 4, p->ud);
	p->shown = 0;
}

void ge_progress_free(ge_progress *p)
{
	if (!p)
		return;
	while (p->nseen)
		free(p->seen[--p->nseen]);
	free(p->seen);
	ge_strv_free(p->scope, p->nscope);
	free(p);
}
