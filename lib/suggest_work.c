/* Work files under the work directory, running go and gofmt, and their compiler errors. */
#include "suggest_int.h"

#include "parse.h"

/* ---- work files and running go --------------------------------------------- */

int ge_suggest__remember(sctx *s, const char *path)
{
	if (s->nmade == s->made_cap) {
		size_t nc = s->made_cap ? s->made_cap * 2 : 32;
		char **n = realloc(s->made, nc * sizeof(*n));
		if (!n)
			return oom();
		s->made = n;
		s->made_cap = nc;
	}
	if (!(s->made[s->nmade] = ge_strdup(path)))
		return oom();
	s->nmade++;
	return 0;
}

int ge_suggest__is_made(const sctx *s, const char *path)
{
	size_t i;
	for (i = 0; i < s->nmade; i++)
		if (strcmp(s->made[i], path) == 0)
			return 1;
	return 0;
}

/*
 * mkdir -p (lib/common's), remembering the directories that were missing,
 * outermost first, so that cleanup removes them innermost first.
 */
int ge_suggest__make_dirs(sctx *s, const char *dir)
{
	char *p = ge_strdup(dir), *q;
	size_t first = s->nmade;
	struct stat st;
	int rc = 0;
	if (!p)
		return oom();
	for (q = p + 1;; q++) {
		if (*q == '/' || *q == '\0') {
			char c = *q;
			*q = '\0';
			if (stat(p, &st) < 0 && errno == ENOENT && !ge_suggest__is_made(s, p) &&
			    (rc = ge_suggest__remember(s, p)) < 0)
				break;
			*q = c;
			if (!c)
				break;
		}
	}
	free(p);
	if (rc == 0 && (rc = ge_mkdir_p(dir)) < 0)
		while (s->nmade > first)
			free(s->made[--s->nmade]); /* nothing of them to remove */
	return rc;
}

int ge_suggest__write_plain(sctx *s, const char *path, const char *data, size_t len)
{
	FILE *fp;
	int made = ge_suggest__is_made(s, path), rc = 0;
	if (!(fp = fopen(path, "wb")))
		return ge_error_errno(GE_ERROR, "cannot write '%s'", path);
	if (len && fwrite(data, 1, len, fp) != len)
		rc = ge_error_errno(GE_ERROR, "cannot write '%s'", path);
	if (fclose(fp) != 0 && rc == 0)
		rc = ge_error_errno(GE_ERROR, "cannot write '%s'", path);
	if (rc == 0 && !made)
		rc = ge_suggest__remember(s, path);
	return rc;
}

/*
 * A backing file named by its content (<workdir>/<hash>/<base name>), so
 * compiler output replayed from the build cache still names the right
 * text.  *out is malloc'd.
 */
int ge_suggest__write_backing(char **out, sctx *s, const char *real, const char *data, size_t len)
{
	ge_buf dir = GE_BUF_INIT, path = GE_BUF_INIT;
	uint64_t h = ge_hash_bytes(ge_hash_bytes(GE_HASH_SEED, real, strlen(real)), data, len);
	int rc;
	*out = NULL;
	if ((rc = ge_buf_printf(&dir, "%s/%016llx", s->workdir, (unsigned long long)h)) < 0 ||
	    (rc = ge_suggest__make_dirs(s, dir.ptr)) < 0 ||
	    (rc = ge_buf_printf(&path, "%s/%s", dir.ptr, base_name(real))) < 0 ||
	    (rc = ge_suggest__write_plain(s, path.ptr, data, len)) < 0)
		goto done;
	*out = ge_buf_detach(&path);
done:
	ge_buf_release(&dir);
	ge_buf_release(&path);
	return rc;
}

/* Write the overlay JSON for the current entries to s->ovfile. */
int ge_suggest__overlay_write(sctx *s)
{
	ge_buf j = GE_BUF_INIT;
	int rc = ge_overlay_json(&j, &s->ov);
	if (rc == 0)
		rc = ge_suggest__write_plain(s, s->ovfile, j.ptr, j.len);
	ge_buf_release(&j);
	return rc;
}

static int collect(const char *buf, size_t len, void *ud)
{
	sctx *s = ud;
	if (s->out.len + len > MAX_OUTPUT)
		return 0;
	if (ge_buf_put(&s->out, buf, len) < 0)
		return 1;
	return 0;
}

/* Run go (or gofmt) with argv in dir; its output, stdout and stderr, in s->out. */
int ge_suggest__run_tool(sctx *s, int *status, char *const *argv, const char *dir)
{
	return ge_suggest__run_tool_env(s, status, argv, dir, NULL);
}

/* The same with envp as the child's environment (NULL: ours). */
int ge_suggest__run_tool_env(sctx *s, int *status, char *const *argv, const char *dir,
                             char *const *envp)
{
	ge_run_opts ro = GE_RUN_OPTS_INIT;
	ge_buf_clear(&s->out);
	ro.dir = dir;
	ro.envp = envp;
	ro.on_stderr = collect;
	ro.ud = s;
	ro.stdout_to_stderr = 1;
	return ge_run(status, argv, &ro);
}

int ge_suggest__exited_ok(int status)
{
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* The file of the package pkg whose base name is base, or (size_t)-1. */
size_t ge_suggest__file_by_base(const sctx *s, const char *pkg, const char *base, size_t blen)
{
	size_t i, any = (size_t)-1;
	for (i = 0; i < s->nfiles; i++) {
		const char *b = base_name(s->files[i].rel);
		if (strlen(b) != blen || memcmp(b, base, blen) != 0)
			continue;
		if (pkg && strcmp(s->files[i].pkg, pkg) == 0)
			return i;
		if (any == (size_t)-1)
			any = i;
	}
	return pkg ? (size_t)-1 : any;
}

void ge_suggest__cerrs_release(cerrs *c)
{
	size_t i;
	for (i = 0; i < c->n; i++)
		free(c->e[i].msg);
	for (i = 0; i < c->npkgs; i++)
		free(c->pkgs[i]);
	free(c->e);
	free(c->pkgs);
	memset(c, 0, sizeof(*c));
}

typedef struct perr {
	const sctx *s;
	cerrs *out;
	const char *pkg; /* the last header's, in out->pkgs */
	int rc;
} perr;

/* lib/parse's view of one line of go's output: a header, or a positioned message. */
static int on_err_line(const ge_parse_line *l, void *ud)
{
	perr *pe = ud;
	cerrs *out = pe->out;
	const char *b, *e;
	size_t fi;
	if (l->type == GE_LINE_HEADER) {
		size_t n = strcspn(l->line + 2, " "), k, names = 1;
		/* "# p_test [p.test]", an external test package: its files are p's
		   (the header is listed as it is, for saw_pkg, and as p). */
		if (l->line[2 + n] == ' ' && n > 5 && memcmp(l->line + 2 + n - 5, "_test", 5) == 0)
			names = 2;
		for (k = 0; k < names; k++) {
			char **np = realloc(out->pkgs, (out->npkgs + 1) * sizeof(*np));
			if (!np)
				return pe->rc = oom();
			out->pkgs = np;
			if (!(out->pkgs[out->npkgs] = ge_strndup(l->line + 2, n - 5 * k)))
				return pe->rc = oom();
			pe->pkg = out->pkgs[out->npkgs++];
		}
		return 0;
	}
	/* A position "dir/name.go:L[:C]: " that starts the line. */
	if (!l->path || !l->lineno || l->path != l->line || l->line[0] == ' ' ||
	    l->line[0] == '\t' || l->path_len < 3 ||
	    memcmp(l->path + l->path_len - 3, ".go", 3) != 0)
		return 0;
	e = l->path + l->path_len;
	for (b = e; b > l->path && b[-1] != '/' && b[-1] != ' '; b--)
		;
	fi = ge_suggest__file_by_base(pe->s, pe->pkg, b, (size_t)(e - b));
	if (fi != (size_t)-1 || pe->pkg) {
		cerr *ne = realloc(out->e, (out->n + 1) * sizeof(*ne));
		if (!ne)
			return pe->rc = oom();
		out->e = ne;
		ne[out->n].file = fi;
		ne[out->n].pkg = pe->pkg;
		ne[out->n].line = l->lineno;
		ne[out->n].col = l->col;
		if (!(ne[out->n].msg = ge_strndup(l->text, l->text_len)))
			return pe->rc = oom();
		out->n++;
	}
	return 0;
}

/* Errors in text (go's output) that name a file of ours, read by lib/parse. */
int ge_suggest__parse_errors(const sctx *s, cerrs *out, const char *text, size_t len)
{
	ge_parser *p = NULL;
	perr pe = {s, out, NULL, 0};
	int rc;
	memset(out, 0, sizeof(*out));
	if ((rc = ge_parser_new(&p)) < 0)
		return rc;
	rc = ge_parser_feed(p, text, len, on_err_line, &pe);
	if (rc == 0)
		rc = ge_parser_finish(p, on_err_line, &pe);
	ge_parser_free(p);
	if (pe.rc < 0 || rc < 0) {
		ge_suggest__cerrs_release(out);
		return pe.rc < 0 ? pe.rc : rc;
	}
	return 0;
}

int ge_suggest__saw_pkg(const cerrs *c, const char *pkg)
{
	size_t i;
	for (i = 0; i < c->npkgs; i++)
		if (strcmp(c->pkgs[i], pkg) == 0)
			return 1;
	return 0;
}

/* Offsets of each line's start in text; *n lines. */
int ge_suggest__line_table(uint32_t **out, size_t *n, const char *text, size_t len)
{
	size_t i, k = 1;
	uint32_t *t;
	for (i = 0; i < len; i++)
		k += text[i] == '\n';
	if (!(t = malloc(k * sizeof(*t))))
		return oom();
	t[0] = 0;
	*n = 1;
	for (i = 0; i < len; i++)
		if (text[i] == '\n')
			t[(*n)++] = (uint32_t)(i + 1);
	*out = t;
	return 0;
}

uint32_t ge_suggest__line_at(const uint32_t *t, size_t n, size_t off)
{
	size_t lo = 0, hi = n;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (t[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return (uint32_t)lo + 1;
}
