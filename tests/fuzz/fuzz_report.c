/* Fuzz target: the report / baseline JSON loader. */
#include <stddef.h>
#include <stdint.h>

#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ge_report *r = NULL;
	if (ge_report_from_json(&r, (const char *)data, size, "fuzz") == 0) {
		ge_buf b = GE_BUF_INIT;
		ge_report_sort(r);
		ge_report_to_json(&b, r);
		ge_buf_release(&b);
	}
	ge_report_free(r);
	return 0;
}
