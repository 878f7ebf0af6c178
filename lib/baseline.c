/* The baseline file: deterministic, line-per-entry, atomic. */
#include "baseline.h"

#include "goconfig.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static int not_found(const char *path)
{
	return ge_error_set(GE_ENOTFOUND,
	                    "cannot read baseline '%s': no such file (create it with 'goescape "
	                    "baseline')",
	                    path);
}

/*
 * Read in pieces by the streaming reader; when it declines, the file is
 * read whole (within tree_max, the old bound, and its message past it) by
 * ge_report_from_json, whose whole-tree reader gives the message.
 */
int ge_baseline_load_limits(ge_report **out, const char *path, const ge_baseline_limits *lim)
{
	ge_json_chunks jc = {0};
	ge_buf b = GE_BUF_INIT;
	size_t size = 0, tree_max = lim && lim->tree_max ? lim->tree_max : GE_BASELINE_MAX_BYTES;
	int fd = -1, rc;
	*out = NULL;
	jc.chunk = lim ? lim->chunk : 0;
	jc.value_max = lim ? lim->value_max : 0;
	jc.file_max = lim && lim->file_max ? lim->file_max : GE_BASELINE_STREAM_MAX_BYTES;
	rc = ge_file_open_bounded(&fd, &size, path, jc.file_max);
	if (rc == GE_ENOTFOUND)
		return not_found(path);
	if (rc < 0)
		return rc;
	rc = ge_report_from_json_fd(out, fd, path, &jc);
	close(fd);
	if (rc != 1)
		return rc;
	rc = ge_file_read_bounded(&b, path, tree_max);
	if (rc == GE_ENOTFOUND)
		rc = not_found(path);
	else if (rc == 0)
		rc = ge_report_from_json(out, b.ptr, b.len, path);
	ge_buf_release(&b);
	return rc;
}

int ge_baseline_load(ge_report **out, const char *path)
{
	return ge_baseline_load_limits(out, path, NULL);
}
