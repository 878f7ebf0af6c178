/* One captured build: run go, stream stderr through parse and attribution. */
#include "capture.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attrib.h"
#include "goconfig.h"
#include "parse.h"
#include "run.h"

typedef struct cap_state {
	ge_parser *parser;
	ge_attrib *attrib;
	ge_report *report;
	ge_buf header; /* a "# pkg" line not yet shown to the user */
	int header_hid; /* -m lines of the header's group were withheld */
	int show_m;
	ge_output_cb out;
	void *ud;
	int rc;
	size_t recognised; /* lines that were compiler -m output or headers */
	size_t nul_lines;
	size_t long_lines; /* longer than the parser keeps */
	size_t text_lines; /* not compiler output and not blank */
	/* The part of the current line beyond what the parser keeps, so that
	 * go's over-long lines (-x commands of big packages) reach the user
	 * whole; bounded by GE_CAPTURE_MAX_LINE. */
	size_t cur_len;
	ge_buf overflow;
} cap_state;

#define GE_CAPTURE_MAX_LINE (16 * 1024 * 1024)

static size_t last_dropped;

size_t ge_capture_dropped(void)
{
	return last_dropped;
}

static void show(cap_state *s, const char *line, size_t len)
{
	if (!s->out)
		return;
	if (s->header.len) {
		s->out(s->header.ptr, s->header.len, s->ud);
		ge_buf_clear(&s->header);
	}
	if (line)
		s->out(line, len, s->ud);
}

static int on_line(const ge_parse_line *l, void *ud)
{
	cap_state *s = ud;
	int rc;
	switch (l->type) {
	case GE_LINE_HEADER:
		s->recognised++;
		ge_buf_clear(&s->header);
		s->header_hid = 0;
		if (ge_buf_put(&s->header, l->line, l->line_len) < 0)
			return s->rc = GE_ENOMEM;
		if (s->show_m)
			show(s, NULL, 0);
		break;
	case GE_LINE_OTHER:
		if (memchr(l->line, '\0', l->line_len))
			s->nul_lines++;
		if (l->truncated)
			s->long_lines++;
		{
			size_t k;
			for (k = 0; k < l->line_len; k++)
				if (l->line[k] != ' ' && l->line[k] != '\t' && l->line[k] != '\r') {
					s->text_lines++;
					break;
				}
		}
		/*
		 * go prints each action's output as one block: "# pkg", then its
		 * lines.  After withheld -m lines, a line with no position that is
		 * not indented is go's own (-v, -x) and the block is over: its
		 * header is not the user's to see.
		 */
		if (s->header.len && s->header_hid && !l->path && l->line_len &&
		    l->line[0] != '\t' && l->line[0] != ' ')
			ge_buf_clear(&s->header);
		if (l->truncated && s->overflow.len && s->out) {
			/* The parser kept the start; we kept the rest. */
			ge_buf whole = GE_BUF_INIT;
			if (ge_buf_put(&whole, l->line, l->line_len) < 0 ||
			    ge_buf_put(&whole, s->overflow.ptr, s->overflow.len) < 0) {
				ge_buf_release(&whole);
				return s->rc = GE_ENOMEM;
			}
			show(s, whole.ptr, whole.len);
			ge_buf_release(&whole);
			return 0;
		}
		show(s, l->line, l->line_len);
		return 0;
	default:
		s->recognised++;
		if (s->show_m)
			show(s, l->line, l->line_len);
		else
			s->header_hid = 1;
		break;
	}
	rc = ge_attrib_line(s->attrib, s->report, l);
	if (rc < 0)
		return s->rc = rc;
	return 0;
}

/* Keep the bytes of the current line beyond the parser's limit. */
static int keep_overflow(cap_state *s, const char *seg, size_t n)
{
	size_t skip, room;
	if (s->cur_len + n > GE_PARSE_MAX_LINE) {
		skip = s->cur_len < GE_PARSE_MAX_LINE ? GE_PARSE_MAX_LINE - s->cur_len : 0;
		room = GE_CAPTURE_MAX_LINE - s->overflow.len;
		if (n - skip < room)
			room = n - skip;
		if (room && ge_buf_put(&s->overflow, seg + skip, room) < 0)
			return GE_ENOMEM;
	}
	s->cur_len += n;
	return 0;
}

/*
 * Hand a chunk to the parser a line at a time, so that what is kept of an
 * over-long line (keep_overflow) belongs to the line the parser delivers.
 */
static int feed(const char *buf, size_t len, void *ud)
{
	cap_state *s = ud;
	int rc = 0;
	while (len && rc == 0 && s->rc == 0) {
		const char *nl = memchr(buf, '\n', len);
		size_t n = nl ? (size_t)(nl - buf) : len;
		if ((rc = keep_overflow(s, buf, n)) < 0)
			break;
		if (nl)
			n++;
		rc = ge_parser_feed(s->parser, buf, n, on_line, s);
		if (nl) {
			s->cur_len = 0;
			ge_buf_clear(&s->overflow);
		}
		buf += n;
		len -= n;
	}
	if (rc != 0 && s->rc == 0)
		s->rc = rc < 0 ? rc : GE_ERROR;
	return s->rc != 0;
}

static int state_init(cap_state *s, const ge_modset *mods, const char *cwd)
{
	int rc;
	memset(s, 0, sizeof(*s));
	if ((rc = ge_parser_new(&s->parser)) < 0 || (rc = ge_attrib_new(&s->attrib, mods, cwd)) < 0 ||
	    (rc = ge_report_new(&s->report)) < 0)
		return rc;
	if (mods->n && (rc = ge_report_set_meta(s->report, NULL, mods->mods[0].path, NULL, 0)) < 0)
		return rc;
	return 0;
}

static void state_release(cap_state *s)
{
	last_dropped = s->attrib ? ge_attrib_dropped(s->attrib) : 0;
	ge_parser_free(s->parser);
	ge_attrib_free(s->attrib);
	ge_report_free(s->report);
	ge_buf_release(&s->header);
	ge_buf_release(&s->overflow);
}

/*
 * The version of the last go asked, so that the several builds of one run
 * (head, base, explanations, suggest rounds) ask a wrapper go only once.
 */
static char version_of[PATH_MAX], version_was[64];

static int go_version_uncached(char **out, const char *go);

int ge_capture_go_version(char **out, const char *go)
{
	int rc;
	*out = NULL;
	if (version_was[0] && strcmp(version_of, go) == 0)
		return (*out = ge_strdup(version_was)) ? 0 : ge_error_set(GE_ENOMEM, "out of memory");
	/* GOTOOLCHAIN naming a version answers without asking go: never cached. */
	if (getenv("GOTOOLCHAIN") && strncmp(getenv("GOTOOLCHAIN"), "go1", 3) == 0)
		return go_version_uncached(out, go);
	rc = go_version_uncached(out, go);
	if (rc == 0 && *out && strlen(*out) < sizeof(version_was) && strlen(go) < sizeof(version_of)) {
		strcpy(version_was, *out);
		strcpy(version_of, go);
	}
	return rc;
}

static int go_version_uncached(char **out, const char *go)
{
	const char *tc = getenv("GOTOOLCHAIN");
	char real[PATH_MAX], *slash;
	ge_buf path = GE_BUF_INIT, text = GE_BUF_INIT;
	int rc = 0;
	*out = NULL;
	if (tc && strncmp(tc, "go1", 3) == 0) {
		size_t n = strcspn(tc, "+");
		return (*out = ge_strndup(tc, n)) ? 0 : ge_error_set(GE_ENOMEM, "out of memory");
	}
	if (!realpath(go, real))
		return 0;
	/* GOROOT/bin/go -> GOROOT/VERSION */
	if ((slash = strrchr(real, '/')))
		*slash = '\0';
	if ((slash = strrchr(real, '/')))
		*slash = '\0';
	if (ge_buf_printf(&path, "%s/VERSION", real) < 0)
		return GE_ENOMEM;
	if (ge_file_read(&text, path.ptr) == 0 && text.len) {
		size_t n = strcspn(text.ptr, "\r\n");
		if (n && strncmp(text.ptr, "go", 2) == 0 && !(*out = ge_strndup(text.ptr, n)))
			rc = ge_error_set(GE_ENOMEM, "out of memory");
	}
	if (rc == 0 && !*out) {
		/* Not a GOROOT's bin/go (a wrapper script, a shim): ask it, once. */
		char *argv[] = {(char *)go, (char *)"env", (char *)"GOVERSION", NULL};
		int status = 0;
		ge_buf_clear(&text);
		if (ge_run_capture(&status, &text, argv, NULL, 1) == 0 && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0 && text.len && strncmp(text.ptr, "go1", 3) == 0) {
			size_t n = strcspn(text.ptr, "\r\n");
			if (!(*out = ge_strndup(text.ptr, n)))
				rc = ge_error_set(GE_ENOMEM, "out of memory");
		}
	}
	ge_buf_release(&path);
	ge_buf_release(&text);
	return rc;
}

int ge_capture_build(ge_report **out, int *status, const ge_capture_opts *o)
{
	cap_state s;
	ge_goplan plan = GE_GOPLAN_INIT;
	ge_run_opts ro = GE_RUN_OPTS_INIT;
	char *ver = NULL, *godir = NULL;
	int rc;

	*out = NULL;
	memset(&s, 0, sizeof(s));
	if ((rc = ge_goplan_build(&plan, o->go, o->args, o->nargs, o->goflags, o->mods, o->cwd)) < 0)
		goto done;
	/* With -C DIR, go prints what it compiles afresh relative to DIR. */
	if (plan.chdir && !(godir = ge_path_join(o->cwd, plan.chdir))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = state_init(&s, o->mods, godir ? godir : o->cwd)) < 0)
		goto done;
	s.show_m = o->verbose || plan.user_m;
	s.out = o->on_output;
	s.ud = o->ud;
	if (o->nov)
		ge_attrib_set_overlay(s.attrib, o->ov_real, o->ov_backing, o->nov);
	ro.dir = o->cwd;
	ro.on_stderr = feed;
	ro.ud = &s;
	if ((rc = ge_run(status, plan.argv, &ro)) < 0)
		goto done;
	if (s.rc == 0 && (rc = ge_parser_finish(s.parser, on_line, &s)) != 0 && s.rc == 0)
		s.rc = rc < 0 ? rc : GE_ERROR;
	if ((rc = s.rc) < 0)
		goto done;
	/* Interrupted: no more go processes (the configuration may need one). */
	if (!ge_run_signalled() && !WIFSIGNALED(*status)) {
		if ((rc = ge_goconfig_compute(&s.report->config, o->go, o->args, o->nargs,
					      o->goflags, o->mods, o->cwd)) < 0)
			goto done;
		if (!(ver = ge_strdup(s.report->config->go))) {
			rc = ge_error_set(GE_ENOMEM, "out of memory");
			goto done;
		}
	}
	free(s.report->go_version);
	s.report->go_version = ver;
	ge_report_sort(s.report);
	*out = s.report;
	s.report = NULL;
done:
	state_release(&s);
	ge_goplan_release(&plan);
	free(godir);
	return rc;
}

int ge_capture_input(ge_report **out, int fd, const char *name, const ge_modset *mods,
		     const char *cwd)
{
	cap_state s;
	char buf[65536];
	size_t total = 0;
	int rc;
	*out = NULL;
	if ((rc = state_init(&s, mods, cwd)) < 0)
		goto done;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = ge_error_errno(GE_ERROR, "cannot read '%s'", name);
			goto done;
		}
		if (n == 0)
			break;
		total += (size_t)n;
		if (feed(buf, (size_t)n, &s)) {
			rc = s.rc;
			goto done;
		}
	}
	if ((rc = ge_parser_finish(s.parser, on_line, &s)) != 0 || (rc = s.rc) < 0)
		goto done;
	if (total && !s.recognised && s.nul_lines) {
		rc = ge_error_set(GE_EBADINPUT, "'%s': not go compiler output (binary data)", name);
		goto done;
	}
	if (total && !s.recognised && s.long_lines) {
		rc = ge_error_set(GE_EBADINPUT,
				  "'%s': not go compiler output (a line longer than %d bytes)", name,
				  GE_PARSE_MAX_LINE);
		goto done;
	}
	if (total && !s.recognised && s.text_lines) {
		rc = ge_error_set(GE_EBADINPUT,
				  "'%s': not go compiler output (no '# package' header or -m line)",
				  name);
		goto done;
	}
	ge_report_sort(s.report);
	*out = s.report;
	s.report = NULL;
done:
	state_release(&s);
	return rc;
}

int ge_capture_packages(ge_report **out, int *status, const ge_capture_opts *o,
			char *const *pkgs, size_t npkgs, const char *overlay_file)
{
	ge_capture_opts co = *o;
	char **args = NULL;
	size_t nargs = 0, i;
	int rc;
	args = calloc(npkgs + o->mods->n + 8, sizeof(*args));
	if (!args)
		return ge_error_set(GE_ENOMEM, "out of memory");
	args[nargs++] = ge_strdup("build");
	args[nargs++] = ge_strdup("-o");
	args[nargs++] = ge_strdup("/dev/null");
	if (overlay_file) {
		args[nargs++] = ge_strdup("-overlay");
		args[nargs++] = ge_strdup(overlay_file);
	}
	for (i = 0; i < npkgs; i++)
		args[nargs++] = ge_strdup(pkgs[i]);
	if (!npkgs)
		for (i = 0; i < o->mods->n; i++) {
			ge_buf b = GE_BUF_INIT;
			if (ge_buf_printf(&b, "%s/...", o->mods->mods[i].path) == 0)
				args[nargs++] = ge_buf_detach(&b);
			else
				args[nargs++] = NULL;
		}
	for (i = 0; i < nargs; i++)
		if (!args[i]) {
			rc = ge_error_set(GE_ENOMEM, "out of memory");
			goto done;
		}
	co.args = args;
	co.nargs = nargs;
	rc = ge_capture_build(out, status, &co);
done:
	ge_strv_free(args, nargs);
	return rc;
}
