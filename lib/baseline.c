/* The baseline file: deterministic, line-per-entry, atomic. */
#include "baseline.h"

#include "goconfig.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int put_entry(ge_buf *b, const ge_diag *d)
{
	int rc = 0;
	rc |= ge_buf_putc(b, '{');
	rc |= ge_diag_put_json_site(b, d);
	rc |= ge_buf_puts(b, ",\"package\":");
	rc |= ge_buf_put_json(b, d->package);
	/* Allocation sites at the position; absent means 1 (and older baselines). */
	if (ge_diag_count(d) > 1)
		rc |= ge_buf_printf(b, ",\"count\":%u", ge_diag_count(d));
	rc |= ge_buf_printf(b, ",\"line_hash\":\"%016llx\"}", (unsigned long long)d->line_hash);
	return rc ? GE_ENOMEM : 0;
}

int ge_baseline_render(ge_buf *out, const ge_report *r)
{
	ge_summary s;
	size_t i;
	int rc = 0;
	ge_report_summary(r, &s);
	rc |= ge_buf_puts(out, "{\n\"schema\": \"goescape-baseline/1\",\n\"go\": ");
	rc |= r->go_version ? ge_buf_put_json(out, r->go_version) : ge_buf_puts(out, "null");
	if (r->config) {
		/* The build configuration it was recorded under (lib/goconfig). */
		rc |= ge_buf_puts(out, ",\n\"config\": ");
		rc |= ge_goconfig_to_json(out, r->config) < 0;
	}
	rc |= ge_buf_puts(out, ",\n\"module\": ");
	rc |= r->module ? ge_buf_put_json(out, r->module) : ge_buf_puts(out, "null");
	rc |= ge_buf_puts(out, ",\n\"commit\": ");
	rc |= r->commit ? ge_buf_put_json(out, r->commit) : ge_buf_puts(out, "null");
	rc |= ge_buf_printf(out,
	                    ",\n\"dirty\": %s,%s\n\"summary\": {\"heap\": %zu, \"moved\": %zu, "
	                    "\"escapes\": %zu, \"leaks\": %zu},\n\"diagnostics\": [\n",
	                    r->dirty ? "true" : "false", r->counted ? "\n\"counts\": true," : "",
	                    s.heap, s.moved, s.escapes, s.leaks);
	for (i = 0; i < r->ndiags && rc == 0; i++) {
		rc |= put_entry(out, &r->diags[i]);
		rc |= ge_buf_puts(out, i + 1 < r->ndiags ? ",\n" : "\n");
	}
	rc |= ge_buf_puts(out, "]\n}\n");
	return rc ? ge_error_set(GE_ENOMEM, "out of memory") : 0;
}

/* Create the directory that will hold path. */
static int mkdir_parent(const char *path)
{
	char *dir = ge_strdup(path), *slash;
	int rc = 0;
	if (!dir)
		return ge_error_set(GE_ENOMEM, "out of memory");
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		rc = ge_mkdir_p(dir);
	}
	free(dir);
	return rc;
}

/* Rendered straight into the temp file (streamed), renamed into place once whole. */
int ge_baseline_write(const char *path, const ge_report *r)
{
	ge_out o;
	int rc;
	memset(&o, 0, sizeof(o));
	if ((rc = mkdir_parent(path)) == 0 && (rc = ge_out_open(&o, path, NULL, 0644, 0)) == 0 &&
	    (rc = ge_baseline_render(&o.buf, r)) == 0 && (rc = ge_out_finish(&o)) == 0)
		rc = ge_out_commit(&o);
	ge_out_abort(&o);
	return rc;
}

int ge_baseline_load(ge_report **out, const char *path)
{
	ge_buf b = GE_BUF_INIT;
	int rc;
	*out = NULL;
	rc = ge_file_read_bounded(&b, path, GE_BASELINE_MAX_BYTES);
	if (rc == GE_ENOTFOUND)
		rc = ge_error_set(
		    GE_ENOTFOUND,
		    "cannot read baseline '%s': no such file (create it with 'goescape "
		    "baseline')",
		    path);
	else if (rc == 0)
		rc = ge_report_from_json(out, b.ptr, b.len, path);
	ge_buf_release(&b);
	return rc;
}
