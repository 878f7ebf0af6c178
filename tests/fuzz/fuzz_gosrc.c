/* Fuzz target: the Go scanner — function boundaries and line hashes. */
#include <stddef.h>
#include <stdint.h>

#include "gosrc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ge_gofile *f = NULL;
	uint32_t line, n;
	size_t sum = 0;
	if (ge_gofile_parse(&f, (const char *)data, size) < 0)
		return 0;
	n = ge_gofile_nlines(f);
	for (line = 0; line <= n + 1; line++) {
		size_t len = 0;
		const char *t = ge_gofile_line(f, line, &len);
		const char *fn = ge_gofile_func_at(f, line, 1);
		sum += (t && len) ? (unsigned char)t[len - 1] : 0;
		sum += fn ? (unsigned char)fn[0] : 0;
		sum += (size_t)ge_gofile_line_hash(f, line);
		fn = ge_gofile_func_at(f, line, (uint32_t)(len + 3));
		sum += fn ? (unsigned char)fn[0] : 0;
	}
	sum += (unsigned char)ge_gofile_package(f)[0];
	ge_gofile_free(f);
	return (int)(sum & 0);
}
