/*
 * The main modules: go.mod and go.work as go reads them (module path, go
 * directive, use directives), the module set of a directory and which
 * module a path or an import path is in.  Part of lib/gocmd (gocmd.h);
 * it shares nothing private with gocmd.c.
 */
#include "gocmd.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Next line of text as [*s, *e); returns 0 at the end. */
static int next_line(const char **p, const char *end, const char **s, const char **e)
{
	if (*p >= end)
		return 0;
	*s = *p;
	*e = memchr(*p, '\n', (size_t)(end - *p));
	if (!*e)
		*e = end;
	*p = *e < end ? *e + 1 : end;
	return 1;
}

static void trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t' || **s == '\r'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
		(*e)--;
}

/* Strip a // comment and surrounding space; unquote "..." or `...`. */
static char *directive_arg(const char *s, const char *e)
{
	const char *c;
	trim(&s, &e);
	if (s < e && (*s == '"' || *s == '`')) {
		char q = *s;
		const char *q2 = memchr(s + 1, q, (size_t)(e - s - 1));
		if (!q2)
			return NULL;
		return ge_strndup(s + 1, (size_t)(q2 - s - 1));
	}
	for (c = s; c + 1 < e; c++)
		if (c[0] == '/' && c[1] == '/') {
			e = c;
			break;
		}
	trim(&s, &e);
	return s < e ? ge_strndup(s, (size_t)(e - s)) : NULL;
}

static int keyword(const char *s, const char *e, const char *kw, const char **rest)
{
	size_t n = strlen(kw);
	trim(&s, &e);
	if ((size_t)(e - s) < n || memcmp(s, kw, n) != 0)
		return 0;
	if (s + n < e && s[n] != ' ' && s[n] != '\t' && s[n] != '(')
		return 0;
	*rest = s + n;
	return 1;
}

int ge_gomod_module_path(char **out, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *s, *e, *rest;
	*out = NULL;
	while (next_line(&p, end, &s, &e)) {
		if (keyword(s, e, "module", &rest)) {
			*out = directive_arg(rest, e);
			if (*out)
				return 0;
		}
	}
	return GE_EBADINPUT;
}

static char *go_directive(const char *text, size_t len)
{
	const char *p = text, *end = text + len, *s, *e, *rest;
	while (next_line(&p, end, &s, &e))
		if (keyword(s, e, "go", &rest))
			return directive_arg(rest, e);
	return NULL;
}

/* Is dir a Go root's src: ".../src" beside the root's VERSION and bin/go? */
static int in_go_root(const char *dir)
{
	ge_buf p = GE_BUF_INIT, text = GE_BUF_INIT;
	size_t n = strlen(dir);
	struct stat st;
	int ok = 0;
	if (n >= 4 && strcmp(dir + n - 4, "/src") == 0 &&
	    ge_buf_printf(&p, "%.*s/VERSION", (int)(n - 4), dir) == 0 &&
	    ge_file_read_bounded(&text, p.ptr, 4096) == 0 && strncmp(text.ptr, "go", 2) == 0) {
		ge_buf_clear(&p);
		ok = ge_buf_printf(&p, "%.*s/bin/go", (int)(n - 4), dir) == 0 &&
		     stat(p.ptr, &st) == 0 && S_ISREG(st.st_mode);
	}
	ge_error_clear();
	ge_buf_release(&p);
	ge_buf_release(&text);
	return ok;
}

static int add_module(ge_modset *m, const char *root)
{
	ge_buf gomod = GE_BUF_INIT, text = GE_BUF_INIT;
	ge_module *mods;
	char *path = NULL, *r = NULL;
	int rc;
	if ((rc = ge_buf_printf(&gomod, "%s/go.mod", root)) < 0)
		goto done;
	/* The repository's file: a regular file of sane size, never a FIFO or a device. */
	if ((rc = ge_file_read_bounded(&text, gomod.ptr, GE_GOMOD_MAX_BYTES)) < 0)
		goto done;
	if ((rc = ge_gomod_module_path(&path, text.ptr, text.len)) < 0) {
		rc = ge_error_set(GE_EBADINPUT, "'%s': no module directive", gomod.ptr);
		goto done;
	}
	/*
	 * Module std is the standard library only in a Go root's src (go
	 * itself refuses to build a module std anywhere else).  Elsewhere
	 * goescape would take "./..." for "std", build the toolchain's
	 * standard library instead of the repository's code and find 0
	 * packages of the module: a gate passed by renaming the module.
	 */
	if (strcmp(path, "std") == 0 && !in_go_root(root)) {
		rc = ge_error_set(GE_EBADINPUT, "'%s': module std outside a Go root's src directory",
		                  gomod.ptr);
		goto done;
	}
	if (!m->go_version)
		m->go_version = go_directive(text.ptr, text.len);
	if (!(r = ge_strdup(root))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	mods = realloc(m->mods, (m->n + 1) * sizeof(*mods));
	if (!mods) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	m->mods = mods;
	m->mods[m->n].root = r;
	m->mods[m->n].path = path;
	m->n++;
	r = path = NULL;
	rc = 0;
done:
	free(path);
	free(r);
	ge_buf_release(&gomod);
	ge_buf_release(&text);
	return rc;
}

static int load_work(ge_modset *m, const char *workfile)
{
	ge_buf text = GE_BUF_INIT;
	const char *p, *end, *s, *e, *rest;
	char *dir = NULL, *slash;
	int rc, in_block = 0;
	if ((rc = ge_file_read_bounded(&text, workfile, GE_GOMOD_MAX_BYTES)) < 0)
		return rc;
	if (!(dir = ge_strdup(workfile)) || !(m->workfile = ge_strdup(workfile))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	m->go_version = go_directive(text.ptr, text.len);
	p = text.ptr;
	end = p + text.len;
	while (next_line(&p, end, &s, &e)) {
		char *arg = NULL, *abs;
		trim(&s, &e);
		if (in_block) {
			if (s < e && *s == ')') {
				in_block = 0;
				continue;
			}
			arg = directive_arg(s, e);
		} else if (keyword(s, e, "use", &rest)) {
			const char *r2 = rest, *e2 = e;
			trim(&r2, &e2);
			if (r2 < e2 && *r2 == '(') {
				in_block = 1;
				continue;
			}
			arg = directive_arg(rest, e);
		}
		if (!arg)
			continue;
		abs = ge_path_join(dir, arg);
		free(arg);
		if (!abs) {
			rc = ge_error_set(GE_ENOMEM, "out of memory");
			goto done;
		}
		rc = add_module(m, abs);
		free(abs);
		if (rc == GE_ENOMEM)
			goto done;
	}
	rc = m->n ? 0 : ge_error_set(GE_ENOTFOUND, "'%s': no usable modules", workfile);
done:
	free(dir);
	ge_buf_release(&text);
	return rc;
}

int ge_modset_find(ge_modset *out, const char *dir, const char *env_gowork)
{
	char *cur = NULL;
	ge_buf probe = GE_BUF_INIT;
	struct stat st;
	char *mod_root = NULL;
	int rc = GE_ENOTFOUND;
	assert(dir && dir[0] == '/');
	memset(out, 0, sizeof(*out));
	if (!(cur = ge_strdup(dir)))
		return ge_error_set(GE_ENOMEM, "out of memory");
	ge_path_clean(cur);
	if (env_gowork && *env_gowork && strcmp(env_gowork, "off") != 0) {
		char *wf = ge_path_join(dir, env_gowork);
		rc = wf ? load_work(out, wf) : GE_ENOMEM;
		free(wf);
		goto done;
	}
	for (;;) {
		char *slash;
		ge_buf_clear(&probe);
		if (!mod_root) {
			if (ge_buf_printf(&probe, "%s/go.mod", cur) < 0)
				goto oom;
			if (stat(probe.ptr, &st) == 0 && S_ISREG(st.st_mode) &&
			    !(mod_root = ge_strdup(cur)))
				goto oom;
		}
		if (!env_gowork || strcmp(env_gowork, "off") != 0) {
			ge_buf_clear(&probe);
			if (ge_buf_printf(&probe, "%s/go.work", strcmp(cur, "/") ? cur : "") < 0)
				goto oom;
			if (stat(probe.ptr, &st) == 0 && S_ISREG(st.st_mode)) {
				rc = load_work(out, probe.ptr);
				goto done;
			}
		}
		if (strcmp(cur, "/") == 0)
			break;
		slash = strrchr(cur, '/');
		if (slash == cur)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	if (mod_root)
		rc = add_module(out, mod_root);
	else
		rc = ge_error_set(GE_ENOTFOUND, "'%s' is not inside a Go module (no go.mod found)",
		                  dir);
	goto done;
oom:
	rc = ge_error_set(GE_ENOMEM, "out of memory");
done:
	if (rc == 0) {
		char *top = out->workfile ? ge_strdup(out->workfile) : ge_strdup(out->mods[0].root);
		char *slash;
		if (!top) {
			rc = ge_error_set(GE_ENOMEM, "out of memory");
		} else {
			size_t i;
			if (out->workfile && (slash = strrchr(top, '/')))
				*(slash == top ? slash + 1 : slash) = '\0';
			/*
			 * A workspace may use modules from outside its directory
			 * ("use ../lib"): report paths are relative to the nearest
			 * directory holding the go.work and every module, so no
			 * path needs "..".
			 */
			for (i = 0; out->workfile && i < out->n; i++)
				while (strcmp(top, "/") != 0 &&
				       strcmp(out->mods[i].root, top) != 0 &&
				       !ge_path_within(out->mods[i].root, top)) {
					slash = strrchr(top, '/');
					*(slash == top ? slash + 1 : slash) = '\0';
				}
			out->top = top;
		}
	}
	if (rc < 0)
		ge_modset_release(out);
	free(cur);
	free(mod_root);
	ge_buf_release(&probe);
	return rc;
}

void ge_modset_release(ge_modset *m)
{
	size_t i;
	if (!m)
		return;
	for (i = 0; i < m->n; i++) {
		free(m->mods[i].root);
		free(m->mods[i].path);
	}
	free(m->mods);
	free(m->workfile);
	free(m->top);
	free(m->go_version);
	memset(m, 0, sizeof(*m));
}

const ge_module *ge_modset_lookup_path(const ge_modset *m, const char *abspath)
{
	const ge_module *best = NULL;
	size_t i;
	for (i = 0; i < m->n; i++) {
		const char *root = m->mods[i].root;
		if ((strcmp(abspath, root) == 0 || ge_path_within(abspath, root)) &&
		    (!best || strlen(root) > strlen(best->root)))
			best = &m->mods[i];
	}
	return best;
}

/*
 * Is imp a package of the standard library's module?  Module "std"
 * (GOROOT/src) has no import-path prefix: its packages are those whose first
 * path element has no dot, as go decides, except "cmd" (a module of its
 * own) and the name go gives the files of a command line.
 */
int ge_gocmd_std_import(const char *imp)
{
	const char *slash = strchr(imp, '/'), *dot = strchr(imp, '.');
	if (!*imp || (dot && (!slash || dot < slash)))
		return 0;
	if (strcmp(imp, "command-line-arguments") == 0 || strcmp(imp, "cmd") == 0 ||
	    strncmp(imp, "cmd/", 4) == 0)
		return 0;
	return 1;
}

int ge_module_is_std(const ge_module *m)
{
	return strcmp(m->path, "std") == 0;
}

const char *ge_module_rel_import(const ge_module *m, const char *imp)
{
	size_t n = strlen(m->path);
	if (ge_module_is_std(m))
		return ge_gocmd_std_import(imp) ? imp : NULL;
	if (strncmp(imp, m->path, n) != 0 || (imp[n] != '\0' && imp[n] != '/'))
		return NULL;
	return imp[n] ? imp + n + 1 : imp + n;
}

char *ge_gocmd_module_import(const char *modpath, const char *rel)
{
	ge_buf b = GE_BUF_INIT;
	if (!rel || !*rel)
		return ge_strdup(modpath);
	if (strcmp(modpath, "std") == 0)
		return ge_strdup(rel);
	if (ge_buf_printf(&b, "%s/%s", modpath, rel) < 0)
		return NULL;
	return ge_buf_detach(&b);
}

const char *ge_module_trimmed_file(const ge_module *m, const char *printed)
{
	size_t n = strlen(m->path);
	if (ge_module_is_std(m))
		return strchr(printed, '/') && ge_gocmd_std_import(printed) ? printed : NULL;
	if (strncmp(printed, m->path, n) != 0 || printed[n] != '/' || !printed[n + 1])
		return NULL;
	return printed + n + 1;
}

char *ge_module_all_pattern(const ge_module *m)
{
	ge_buf b = GE_BUF_INIT;
	if (ge_module_is_std(m))
		return ge_strdup("std");
	if (ge_buf_printf(&b, "%s/...", m->path) < 0)
		return NULL;
	return ge_buf_detach(&b);
}

int ge_gocmd_import_within(const char *imp, const char *modpath)
{
	size_t n = strlen(modpath);
	if (strcmp(modpath, "std") == 0)
		return ge_gocmd_std_import(imp);
	return strncmp(imp, modpath, n) == 0 && (imp[n] == '\0' || imp[n] == '/');
}

const ge_module *ge_modset_lookup_import(const ge_modset *m, const char *importpath)
{
	const ge_module *best = NULL;
	size_t i;
	for (i = 0; i < m->n; i++)
		if (ge_gocmd_import_within(importpath, m->mods[i].path) &&
		    (!best || strlen(m->mods[i].path) > strlen(best->path)))
			best = &m->mods[i];
	return best;
}
