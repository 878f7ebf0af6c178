/* Fuzz target: the pre-push standard-input parser. */
#include <stdlib.h>
#include <stddef.h>
#include <stdint.h>

#include "hook.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ge_prepush_ref *refs = NULL;
	size_t n = 0;
	ge_prepush_parse(&refs, &n, (const char *)data, size);
	free(refs);
	return 0;
}
