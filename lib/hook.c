/* The pre-push hook: installing it, and what it runs. */
#include "hook.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MARKER "# goescape pre-push hook"

int ge_hook_path(char **out, ge_git *g)
{
	char *hp = NULL;
	int rc;
	*out = NULL;
	rc = ge_git_config_path(g, "core.hooksPath", &hp);
	if (rc == 0) {
		/* git runs hooks from the working tree root: relative paths start there. */
		const char *base = ge_git_workdir(g) ? ge_git_workdir(g) : ge_git_commondir(g);
		char *dir = ge_path_join(base, hp);
		free(hp);
		if (!dir)
			return ge_error_set(GE_ENOMEM, "out of memory");
		*out = ge_path_join(dir, "pre-push");
		free(dir);
	} else if (rc == GE_ENOTFOUND) {
		ge_buf b = GE_BUF_INIT;
		if (ge_buf_printf(&b, "%s/hooks/pre-push", ge_git_commondir(g)) < 0)
			return GE_ENOMEM;
		*out = ge_buf_detach(&b);
	} else {
		return rc;
	}
	return *out ? 0 : ge_error_set(GE_ENOMEM, "out of memory");
}

static int is_ours(const char *path)
{
	ge_buf b = GE_BUF_INIT;
	int ours = ge_file_read(&b, path) == 0 && strstr(ge_buf_cstr(&b), MARKER) != NULL;
	ge_buf_release(&b);
	return ours;
}

static int exists(const char *p)
{
	struct stat st;
	return lstat(p, &st) == 0;
}

static int mkdir_p(const char *dir)
{
	char *p = ge_strdup(dir), *s;
	int rc = 0;
	if (!p)
		return ge_error_set(GE_ENOMEM, "out of memory");
	for (s = p + 1;; s++)
		if (*s == '/' || !*s) {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0777) < 0 && errno != EEXIST) {
				rc = ge_error_errno(GE_ERROR, "cannot create '%s'", p);
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	free(p);
	return rc;
}

int ge_hook_install(ge_git *g, char **msg)
{
	char *path = NULL, *dir = NULL, *slash;
	ge_buf legacy = GE_BUF_INIT, m = GE_BUF_INIT;
	int rc;
	*msg = NULL;
	if ((rc = ge_hook_path(&path, g)) < 0)
		return rc;
	if (!(dir = ge_strdup(path)) || ge_buf_printf(&legacy, "%s.legacy", path) < 0) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	if ((slash = strrchr(dir, '/')))
		*slash = '\0';
	if ((rc = mkdir_p(dir)) < 0)
		goto done;
	if (exists(path) && !is_ours(path)) {
		if (exists(legacy.ptr)) {
			rc = ge_error_set(GE_ERROR,
					  "'%s' is not goescape's and '%s' already exists; move one "
					  "of them away first",
					  path, legacy.ptr);
			goto done;
		}
		if (rename(path, legacy.ptr) < 0) {
			rc = ge_error_errno(GE_ERROR, "cannot keep the existing hook '%s'", path);
			goto done;
		}
		ge_buf_printf(&m, "kept the existing hook as '%s' (it runs first)\n", legacy.ptr);
	}
	if ((rc = ge_file_write_atomic(path, ge_hook_script, strlen(ge_hook_script), 0755)) < 0)
		goto done;
	if (chmod(path, 0755) < 0) {
		rc = ge_error_errno(GE_ERROR, "cannot make '%s' executable", path);
		goto done;
	}
	ge_buf_printf(&m, "installed the pre-push hook in '%s'", path);
	*msg = ge_buf_detach(&m);
	rc = 0;
done:
	free(path);
	free(dir);
	ge_buf_release(&legacy);
	ge_buf_release(&m);
	return rc;
}

int ge_hook_uninstall(ge_git *g, char **msg)
{
	char *path = NULL;
	ge_buf legacy = GE_BUF_INIT, m = GE_BUF_INIT;
	int rc;
	*msg = NULL;
	if ((rc = ge_hook_path(&path, g)) < 0)
		return rc;
	if (ge_buf_printf(&legacy, "%s.legacy", path) < 0) {
		rc = GE_ENOMEM;
		goto done;
	}
	if (!exists(path) || !is_ours(path)) {
		ge_buf_printf(&m, "no goescape pre-push hook in '%s'", path);
	} else if (exists(legacy.ptr)) {
		if (rename(legacy.ptr, path) < 0) {
			rc = ge_error_errno(GE_ERROR, "cannot restore '%s'", legacy.ptr);
			goto done;
		}
		ge_buf_printf(&m, "removed the goescape hook and restored the previous one in '%s'",
			      path);
	} else {
		if (unlink(path) < 0) {
			rc = ge_error_errno(GE_ERROR, "cannot remove '%s'", path);
			goto done;
		}
		ge_buf_printf(&m, "removed the goescape pre-push hook from '%s'", path);
	}
	*msg = ge_buf_detach(&m);
	rc = 0;
done:
	free(path);
	ge_buf_release(&legacy);
	ge_buf_release(&m);
	return rc;
}

int ge_oid_is_zero(const char *hex)
{
	for (; *hex; hex++)
		if (*hex != '0')
			return 0;
	return 1;
}

static int is_hex_oid(const char *s, size_t n)
{
	size_t i;
	if (n != 40 && n != 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int ge_prepush_parse(ge_prepush_ref **out, size_t *n, const char *text, size_t len)
{
	ge_prepush_ref *refs = NULL;
	size_t cap = 0, count = 0, lineno = 0;
	const char *p = text, *end = text + len;
	*out = NULL;
	*n = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end;
		const char *f[4];
		size_t fl[4], k = 0;
		const char *q = p;
		lineno++;
		if (le > p && le[-1] == '\r')
			le--;
		while (q < le && k < 5) {
			const char *s;
			while (q < le && *q == ' ')
				q++;
			if (q == le)
				break;
			s = q;
			while (q < le && *q != ' ')
				q++;
			if (k < 4) {
				f[k] = s;
				fl[k] = (size_t)(q - s);
			}
			k++;
		}
		p = nl ? nl + 1 : end;
		if (k == 0)
			continue;
		if (k != 4 || !is_hex_oid(f[1], fl[1]) || !is_hex_oid(f[3], fl[3]) || fl[0] >= 256 ||
		    fl[2] >= 256 || fl[1] >= GE_OID_HEX || fl[3] >= GE_OID_HEX) {
			free(refs);
			return ge_error_set(GE_EBADINPUT,
					    "pre-push input line %zu: want '<local ref> <local oid> "
					    "<remote ref> <remote oid>'",
					    lineno);
		}
		if (count == cap) {
			ge_prepush_ref *nr;
			cap = cap ? cap * 2 : 8;
			nr = realloc(refs, cap * sizeof(*nr));
			if (!nr) {
				free(refs);
				return ge_error_set(GE_ENOMEM, "out of memory");
			}
			refs = nr;
		}
		memset(&refs[count], 0, sizeof(refs[count]));
		memcpy(refs[count].local_ref, f[0], fl[0]);
		memcpy(refs[count].local_oid, f[1], fl[1]);
		memcpy(refs[count].remote_ref, f[2], fl[2]);
		memcpy(refs[count].remote_oid, f[3], fl[3]);
		count++;
	}
	*out = refs;
	*n = count;
	return 0;
}

int ge_prepush_analyse(ge_prepush_result *results, ge_history *h, const char *remote,
		       const ge_prepush_ref *refs, size_t n)
{
	size_t i, j;
	int rc = 0;
	for (i = 0; i < n; i++) {
		memset(&results[i], 0, sizeof(results[i]));
		results[i].ref = &refs[i];
	}
	for (i = 0; i < n && rc == 0; i++) {
		const ge_prepush_ref *r = &refs[i];
		ge_prepush_result *res = &results[i];
		char head[GE_OID_HEX], base[GE_OID_HEX];
		ge_report *hr = NULL, *br = NULL;
		int status = 0, from_note = 0, dup = 0;
		if (ge_oid_is_zero(r->local_oid) || !ge_git_object_is_commit(h->git, r->local_oid, head))
			continue; /* a deletion, or a tag of something that is not a commit */
		if (!ge_oid_is_zero(r->remote_oid) &&
		    ge_git_object_is_commit(h->git, r->remote_oid, base)) {
			/* An update: compare with what the remote has. */
		} else if (ge_git_remote_base(h->git, remote, head, base) < 0) {
			continue; /* nothing on the remote to compare with */
		}
		if (strcmp(base, head) == 0)
			continue;
		/* The same commit and base pushed to several refs: analysed once. */
		for (j = 0; j < i; j++)
			if (results[j].report && strcmp(refs[j].local_oid, r->local_oid) == 0 &&
			    strcmp(results[j].base, base) == 0)
				dup = 1;
		if (dup)
			continue;
		memcpy(res->base, base, sizeof(base));
		if ((rc = ge_history_commit(&hr, &status, h, head, &from_note)) < 0)
			break;
		if ((rc = ge_history_commit(&br, &status, h, base, &from_note)) < 0) {
			ge_report_free(hr);
			break;
		}
		rc = ge_history_match(hr, br, h, base, head);
		ge_report_free(br);
		if (rc < 0) {
			ge_report_free(hr);
			break;
		}
		res->report = hr;
	}
	return rc;
}
