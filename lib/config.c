/* .goescape.json and in-source suppression. */
#include "config.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "gosrc.h"

void ge_config_init(ge_config *c)
{
	memset(c, 0, sizeof(*c));
	c->fail_on[GE_KIND_MOVED] = 1;
	c->fail_on[GE_KIND_ESCAPES] = 1;
}

void ge_config_release(ge_config *c)
{
	size_t i;
	if (!c)
		return;
	free(c->baseline);
	for (i = 0; i < c->npackages; i++)
		free(c->packages[i]);
	free(c->packages);
	for (i = 0; i < c->nignore_paths; i++)
		free(c->ignore_paths[i]);
	free(c->ignore_paths);
	for (i = 0; i < c->nignore_functions; i++)
		free(c->ignore_functions[i]);
	free(c->ignore_functions);
	ge_config_init(c);
}

/* A list of strings, or an error naming key. */
static int str_list(char ***out, size_t *n, const cJSON *v, const char *name, const char *key)
{
	const cJSON *it;
	size_t k = 0;
	/* A key given twice: the last one wins, the first is freed. */
	for (k = 0; *out && k < *n; k++)
		free((*out)[k]);
	free(*out);
	*out = NULL;
	*n = k = 0;
	if (!cJSON_IsArray(v))
		return ge_error_set(GE_EBADINPUT, "'%s': \"%s\" must be a list of strings", name, key);
	*out = calloc((size_t)cJSON_GetArraySize(v) + 1, sizeof(char *));
	if (!*out)
		return ge_error_set(GE_ENOMEM, "out of memory");
	cJSON_ArrayForEach(it, v)
	{
		if (!cJSON_IsString(it))
			return ge_error_set(GE_EBADINPUT, "'%s': \"%s\" must be a list of strings",
					    name, key);
		if (!((*out)[k++] = ge_strdup(it->valuestring)))
			return ge_error_set(GE_ENOMEM, "out of memory");
		*n = k;
	}
	return 0;
}

int ge_config_parse(ge_config *c, const char *text, size_t len, const char *name)
{
	cJSON *root = NULL;
	const cJSON *it, *sub;
	const char *err = NULL;
	int rc = 0;
	root = cJSON_ParseWithLengthOpts(text, len, &err, 0);
	if (!root)
		return ge_error_set(GE_EBADINPUT, "'%s': invalid JSON at byte %zu", name,
				    err ? (size_t)(err - text) : (size_t)0);
	if (!cJSON_IsObject(root)) {
		rc = ge_error_set(GE_EBADINPUT, "'%s': must be a JSON object", name);
		goto done;
	}
	cJSON_ArrayForEach(it, root)
	{
		if (strcmp(it->string, "baseline") == 0) {
			if (!cJSON_IsString(it) || !it->valuestring[0] || it->valuestring[0] == '/' ||
			    strstr(it->valuestring, "..")) {
				rc = ge_error_set(GE_EBADINPUT,
						  "'%s': \"baseline\" must be a path inside the module",
						  name);
				goto done;
			}
			free(c->baseline);
			if (!(c->baseline = ge_strdup(it->valuestring))) {
				rc = ge_error_set(GE_ENOMEM, "out of memory");
				goto done;
			}
		} else if (strcmp(it->string, "packages") == 0) {
			if ((rc = str_list(&c->packages, &c->npackages, it, name, "packages")) < 0)
				goto done;
		} else if (strcmp(it->string, "ignore") == 0) {
			if (!cJSON_IsObject(it)) {
				rc = ge_error_set(GE_EBADINPUT, "'%s': \"ignore\" must be an object",
						  name);
				goto done;
			}
			cJSON_ArrayForEach(sub, it)
			{
				if (strcmp(sub->string, "paths") == 0)
					rc = str_list(&c->ignore_paths, &c->nignore_paths, sub, name,
						      "ignore.paths");
				else if (strcmp(sub->string, "functions") == 0)
					rc = str_list(&c->ignore_functions, &c->nignore_functions, sub,
						      name, "ignore.functions");
				else
					rc = ge_error_set(GE_EBADINPUT, "'%s': unknown key \"ignore.%s\"",
							  name, sub->string);
				if (rc < 0)
					goto done;
			}
		} else if (strcmp(it->string, "fail_on") == 0) {
			char **kinds = NULL;
			size_t nk = 0, i;
			rc = str_list(&kinds, &nk, it, name, "fail_on");
			memset(c->fail_on, 0, sizeof(c->fail_on));
			for (i = 0; rc == 0 && i < nk; i++) {
				ge_kind k;
				if (ge_kind_parse(&k, kinds[i]) < 0)
					rc = ge_error_set(GE_EBADINPUT,
							  "'%s': \"fail_on\" has unknown kind '%s' "
							  "(want moved, escapes, leak)",
							  name, kinds[i]);
				else
					c->fail_on[k] = 1;
			}
			for (i = 0; i < nk; i++)
				free(kinds[i]);
			free(kinds);
			if (rc < 0)
				goto done;
		} else {
			rc = ge_error_set(GE_EBADINPUT, "'%s': unknown key \"%s\"", name, it->string);
			goto done;
		}
	}
done:
	cJSON_Delete(root);
	return rc;
}

int ge_config_load(ge_config *c, const char *root)
{
	ge_buf path = GE_BUF_INIT, text = GE_BUF_INIT;
	int rc;
	ge_config_init(c);
	if ((rc = ge_buf_printf(&path, "%s/.goescape.json", root)) < 0)
		return rc;
	rc = ge_file_read(&text, path.ptr);
	if (rc == GE_ENOTFOUND)
		rc = 0;
	else if (rc == 0)
		rc = ge_config_parse(c, ge_buf_cstr(&text), text.len, ".goescape.json");
	ge_buf_release(&path);
	ge_buf_release(&text);
	return rc;
}

/*
 * Glob matching by dynamic programming over (pattern offset, path offset):
 * each pair is decided once, so a pattern of many stars costs
 * O(pattern x path), never an exponential backtrack.  memo: 0 unknown,
 * 1 no, 2 yes.
 */
typedef struct glob_ctx {
	const char *p, *s;
	size_t pn, sn;
	unsigned char *memo;
} glob_ctx;

static int glob_at(glob_ctx *g, size_t i, size_t j)
{
	unsigned char *m = &g->memo[i * (g->sn + 1) + j];
	int r;
	if (*m)
		return *m == 2;
	if (i == g->pn) {
		r = j == g->sn;
	} else if (g->p[i] == '*' && i + 1 < g->pn && g->p[i + 1] == '*') {
		/* "**" (and "**" + "/"): anything, slashes included, or nothing. */
		size_t k = i + 2, t;
		if (k < g->pn && g->p[k] == '/')
			k++;
		r = 0;
		for (t = j; !r && t <= g->sn; t++)
			r = glob_at(g, k, t) || (k > i + 2 && glob_at(g, i + 2, t));
	} else if (g->p[i] == '*') {
		size_t t;
		r = 0;
		for (t = j; !r && t <= g->sn; t++) {
			r = glob_at(g, i + 1, t);
			if (t < g->sn && g->s[t] == '/')
				break;
		}
	} else if (j < g->sn && (g->p[i] == g->s[j] || (g->p[i] == '?' && g->s[j] != '/'))) {
		r = glob_at(g, i + 1, j + 1);
	} else {
		r = 0;
	}
	*m = r ? 2 : 1;
	return r;
}

static int glob_full(const char *pattern, const char *path)
{
	glob_ctx g;
	int r;
	g.p = pattern;
	g.s = path;
	g.pn = strlen(pattern);
	g.sn = strlen(path);
	if (g.pn > 4096 || g.sn > 4096)
		return 0; /* no real pattern or module path is this long */
	g.memo = calloc((g.pn + 1) * (g.sn + 1), 1);
	if (!g.memo)
		return 0;
	r = glob_at(&g, 0, 0);
	free(g.memo);
	return r;
}

int ge_glob_match(const char *pattern, const char *path)
{
	/* A pattern without '/' matches the base name anywhere. */
	if (!strchr(pattern, '/')) {
		const char *b = strrchr(path, '/');
		if (glob_full(pattern, b ? b + 1 : path))
			return 1;
	}
	return glob_full(pattern, path);
}

static int ignored(const ge_config *c, const ge_diag *d)
{
	size_t i;
	for (i = 0; i < c->nignore_paths; i++)
		if (ge_glob_match(c->ignore_paths[i], d->file))
			return 1;
	for (i = 0; i < c->nignore_functions; i++)
		if (strcmp(c->ignore_functions[i], d->function) == 0)
			return 1;
	return 0;
}

static int has_marker(const ge_gofile *f, uint32_t line)
{
	size_t n;
	const char *t = line ? ge_gofile_line(f, line, &n) : NULL;
	static const char mark[] = "//goescape:ignore";
	size_t i, m = sizeof(mark) - 1;
	if (!t)
		return 0;
	for (i = 0; i + m <= n; i++)
		if (t[i] == '/' && memcmp(t + i, mark, m) == 0)
			return 1;
	return 0;
}

int ge_config_filter(const ge_config *c, ge_report *r, const char *root)
{
	size_t i, o = 0, dropped = 0;
	const char *cur = NULL;
	ge_gofile *f = NULL;
	for (i = 0; i < r->ndiags; i++) {
		ge_diag *d = &r->diags[i];
		int drop = ignored(c, d);
		if (!drop && root) {
			if (d->file != cur) {
				char *p = ge_path_join(root, d->file);
				ge_gofile_free(f);
				f = NULL;
				if (!p)
					return ge_error_set(GE_ENOMEM, "out of memory");
				if (ge_gofile_load(&f, p) < 0)
					f = NULL;
				free(p);
				cur = d->file;
			}
			drop = f && (has_marker(f, d->line) || has_marker(f, d->line - 1));
		}
		if (drop) {
			dropped++;
			continue;
		}
		r->diags[o++] = *d;
	}
	ge_gofile_free(f);
	r->ndiags = o;
	for (i = 0, o = 0; i < r->nfixed; i++) {
		if (ignored(c, &r->fixed[i])) {
			dropped++;
			continue;
		}
		r->fixed[o++] = r->fixed[i];
	}
	r->nfixed = o;
	return (int)(dropped > 0x7fffffff ? 0x7fffffff : dropped);
}

size_t ge_config_failing(const ge_config *c, const ge_report *r)
{
	size_t i, n = 0;
	/* Allocation sites (a count each); moved ones never fail. */
	for (i = 0; i < r->ndiags; i++)
		if (r->diags[i].status == GE_STATUS_NEW && c->fail_on[r->diags[i].kind])
			n += ge_diag_count(&r->diags[i]);
	return n;
}
