/* SARIF 2.1.0 output.  (Being written: see lib/sarif.h for the contract.) */
#include "sarif.h"

int ge_sarif_render(ge_buf *out, const ge_report *r, const ge_sarif_opts *o)
{
	(void)out;
	(void)r;
	(void)o;
	return ge_error_set(GE_EUSAGE, "--format sarif is not available yet");
}
