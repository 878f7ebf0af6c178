/* Writing the verified files into the module, all or nothing. */
#include "suggest_int.h"

/*
 * All or nothing: every target is checked (inside the module after its
 * symlinks, unchanged since it was analysed), then every new text staged
 * into a temp file beside its target (fsync'd, mode kept) and checked
 * replaceable, and only then are the temps renamed over the targets.  A
 * failure before the renames removes the temps and leaves every file as
 * it was, the message naming the file that failed.  The one window left is
 * a kill (or a file made immutable) between two renames: README's suggest
 * section says so.
 */
int ge_suggest_apply(const ge_suggest_result *r, const char *top)
{
	ge_stage stage = GE_STAGE_INIT;
	char **real = NULL, msg[1024];
	size_t i;
	int rc = 0;
	if (r->nfiles && !(real = calloc(r->nfiles, sizeof(*real))))
		return oom();
	/* Everything is checked before anything is written. */
	for (i = 0; i < r->nfiles && rc == 0; i++) {
		const ge_suggest_file *f = &r->files[i];
		ge_buf now = GE_BUF_INIT;
		if ((rc = ge_path_check_inside(&real[i], top, f->abs)) < 0) {
			if (rc != GE_ENOMEM) {
				snprintf(msg, sizeof(msg), "%s", ge_error_last());
				rc = ge_error_set(GE_EUSAGE, "%s; not written", msg);
			}
			break;
		}
		if ((rc = ge_file_read(&now, real[i])) < 0)
			break;
		if (now.len != f->old_len || memcmp(ge_buf_cstr(&now), f->old_text, now.len) != 0)
			rc = ge_error_set(GE_ECONFLICT,
			                  "'%s' changed since it was analysed; not written",
			                  f->path);
		ge_buf_release(&now);
	}
	if (rc == 0) {
		for (i = 0; i < r->nfiles && rc == 0; i++)
			rc = ge_stage_add(&stage, real[i], r->files[i].path, r->files[i].new_text,
			                  r->files[i].new_len, 0644);
		if (rc == 0) {
			rc = ge_stage_commit(&stage);
		} else if (rc != GE_ENOMEM) {
			snprintf(msg, sizeof(msg), "%s", ge_error_last());
			rc = ge_error_set(rc, "%s; no file was changed", msg);
		}
	}
	ge_stage_abort(&stage);
	for (i = 0; real && i < r->nfiles; i++)
		free(real[i]);
	free(real);
	return rc;
}
