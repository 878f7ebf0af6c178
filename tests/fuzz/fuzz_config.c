/*
 * Fuzz target: the .goescape.json loader and validator, and path globs.
 * A config that parses must hold only valid values (packages never start
 * with '-' nor hold whitespace or control bytes), and the compiled glob set
 * must agree with ge_glob_match pattern by pattern: any difference aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Do the set and the patterns one by one give the same answer on path? */
static void agree(char *const *pats, size_t n, const char *path)
{
	ge_globset *g = NULL;
	size_t i;
	int one = 0, set;
	if (ge_globset_new(&g, pats, n) < 0)
		return;
	for (i = 0; i < n && !one; i++)
		one = ge_glob_match(pats[i], path);
	set = ge_globset_match(g, path);
	ge_globset_free(g);
	if (set >= 0 && set != one)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = {"a.go", "gen/x/y_gen.go", "a/b/c/d.go", "zz_x.go", "",
					    "cmd/tool/main.go", NULL};
	ge_config c;
	char pat[300], path[300];
	size_t half = size / 2, i, k;
	ge_config_init(&c);
	if (ge_config_parse(&c, (const char *)data, size, "fuzz") == 0) {
		for (i = 0; i < c.npackages; i++) {
			const char *p = c.packages[i];
			if (p[0] == '-' || !p[0])
				abort();
			for (k = 0; p[k]; k++)
				if ((unsigned char)p[k] <= ' ' || p[k] == 0x7f)
					abort();
		}
		for (i = 0; paths[i]; i++)
			agree(c.ignore_paths, c.nignore_paths, paths[i]);
	}
	ge_config_release(&c);
	/* Globs: the first half is a pattern, the second a path. */
	if (half < sizeof(pat) && size - half < sizeof(path)) {
		char *one[1];
		memcpy(pat, data, half);
		pat[half] = '\0';
		memcpy(path, data + half, size - half);
		path[size - half] = '\0';
		one[0] = pat;
		if (strlen(pat) <= GE_GLOB_MAX)
			agree(one, 1, path);
		else
			ge_glob_match(pat, path);
	}
	return 0;
}
