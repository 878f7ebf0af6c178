/*
 * Fuzz target: the suggest patterns (gostmt's scanner and the rules of
 * suggest_rules.c), and the same bytes read as go's output by
 * suggest_work.c's compiler-error reader (through lib/parse).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gostmt.h"
#include "suggest.h"
#include "suggest_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = {"int", "int64", "uint64", "signed", "unsigned"};
	ge_gostmt_file *x = NULL;
	ge_buf b = GE_BUF_INIT;
	uint32_t line;
	size_t imp = 0;
	if (ge_gostmt_parse(&x, (const char *)data, size) == 0) {
		for (line = 1; line < 64; line++)
			(void)ge_gostmt_offset(x, line, 1 + line % 9);
		(void)ge_gostmt_import_name(x, "strconv", &imp);
		(void)ge_gostmt_shadowed(x, 0, 1000, "strconv");
		ge_gostmt_free(x);
	}
	ge_suggest__rewrite(&b, (const char *)data, size, types[size % 5]);
	ge_buf_release(&b);
	{
		sctx s;
		sfile f;
		cerrs e = {NULL, 0, NULL, 0};
		memset(&s, 0, sizeof(s));
		memset(&f, 0, sizeof(f));
		f.rel = (char *)"p/x.go";
		f.pkg = (char *)"example.com/m/p";
		s.files = &f;
		s.nfiles = 1;
		if (ge_suggest__parse_errors(&s, &e, (const char *)data, size) == 0)
			ge_suggest__cerrs_release(&e);
	}
	return 0;
}
