/* Fuzz target: the compiler-output parser, fed in uneven chunks. */
#include <stddef.h>
#include <stdint.h>

#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int sink(const ge_parse_line *l, void *ud)
{
	size_t *n = ud;
	/* Touch every borrowed field so the sanitizers see bad pointers. */
	if (l->subject && l->subject_len)
		*n += (unsigned char)l->subject[l->subject_len - 1];
	if (l->path && l->path_len)
		*n += (unsigned char)l->path[l->path_len - 1];
	if (l->func && l->func_len)
		*n += (unsigned char)l->func[l->func_len - 1];
	if (l->pkg && l->pkg_len)
		*n += (unsigned char)l->pkg[l->pkg_len - 1];
	*n += l->line_len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ge_parser *p = NULL;
	size_t off = 0, n = 0, step = size ? (size_t)data[0] % 61 + 1 : 1;
	if (ge_parser_new(&p) < 0)
		return 0;
	while (off < size) {
		size_t c = size - off < step ? size - off : step;
		ge_parser_feed(p, (const char *)data + off, c, sink, &n);
		off += c;
	}
	ge_parser_finish(p, sink, &n);
	ge_parser_free(p);
	return 0;
}
