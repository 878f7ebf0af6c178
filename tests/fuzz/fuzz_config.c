/* Fuzz target: the .goescape.json loader and path globs. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ge_config c;
	char pat[64], path[64];
	size_t half = size / 2;
	ge_config_init(&c);
	ge_config_parse(&c, (const char *)data, size, "fuzz");
	ge_config_release(&c);
	/* Globs: the first half is a pattern, the second a path. */
	if (half < sizeof(pat) && size - half < sizeof(path)) {
		memcpy(pat, data, half);
		pat[half] = '\0';
		memcpy(path, data + half, size - half);
		path[size - half] = '\0';
		ge_glob_match(pat, path);
	}
	return 0;
}
