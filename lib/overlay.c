/* The -overlay file map shared by history and suggest. */
#include "overlay.h"

#include <stdlib.h>
#include <string.h>

int ge_overlay_add(ge_overlay *o, const char *real, const char *backing)
{
	char **r = realloc(o->real, (o->n + 1) * sizeof(*r)), **b;
	if (!r)
		return ge_error_set(GE_ENOMEM, "out of memory");
	o->real = r;
	if (!(b = realloc(o->backing, (o->n + 1) * sizeof(*b))))
		return ge_error_set(GE_ENOMEM, "out of memory");
	o->backing = b;
	if (!(r[o->n] = ge_strdup(real)))
		return ge_error_set(GE_ENOMEM, "out of memory");
	if (!(b[o->n] = ge_strdup(backing))) {
		free(r[o->n]);
		return ge_error_set(GE_ENOMEM, "out of memory");
	}
	o->n++;
	return 0;
}

void ge_overlay_clear(ge_overlay *o)
{
	ge_strv_free(o->real, o->n);
	ge_strv_free(o->backing, o->n);
	memset(o, 0, sizeof(*o));
}

int ge_overlay_json(ge_buf *out, const ge_overlay *o)
{
	size_t i;
	int rc = ge_buf_puts(out, "{\"Replace\":{");
	for (i = 0; i < o->n && rc == 0; i++) {
		rc = ge_buf_puts(out, i ? ",\n" : "\n");
		if (rc == 0)
			rc = ge_buf_put_json(out, o->real[i]);
		if (rc == 0)
			rc = ge_buf_putc(out, ':');
		if (rc == 0)
			rc = ge_buf_put_json(out, o->backing[i]);
	}
	return rc ? rc : ge_buf_puts(out, "}}\n");
}
