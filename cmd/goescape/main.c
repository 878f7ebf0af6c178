/*
 * goescape: the command table and option tables.  Each option row binds the
 * variable it sets (cmd/goescape/opt); a command reads its options, finds
 * what it starts from through lib/setup (go, the modules, the repository,
 * the config), makes one library call (lib/check, lib/hook, lib/suggest,
 * ...), has lib/emit render what it returns and maps it to an exit code.  --help, the top-level
 * synopsis, the completion scripts and the man page are generated from the same tables.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "asserts.h"
#include "baseline.h"
#include "capture.h"
#include "check.h"
#include "config.h"
#include "common.h"
#include "cost.h"
#include "emit.h"
#include "git.h"
#include "gocmd.h"
#include "goconfig.h"
#include "history.h"
#include "hook.h"
#include "log.h"
#include "opt.h"
#include "progress.h"
#include "report.h"
#include "run.h"
#include "setup.h"
#include "suggest.h"

/* Exit codes: DESIGN.md's contract. */
enum {
	EXIT_CLEAN = 0, /* nothing new */
	EXIT_NEW = 1,   /* new heap escapes */
	EXIT_USAGE = 2, /* usage error or bad input */
	EXIT_BUILD = 3  /* the Go build itself failed */
};

static const char *prog = "goescape";

static void die_usage(const char *fmt, ...) GE_PRINTF(1, 2);
static void die_usage(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_USAGE);
}

static int fail(int code)
{
	fprintf(stderr, "%s: %s\n", prog, ge_error_last());
	return code;
}

/* ---- shared context ---------------------------------------------------- */

typedef struct ctx {
	char cwd[PATH_MAX];
	char self[PATH_MAX];
	ge_setup s; /* go, the modules, git, the config (lib/setup) */
	int argc;
	char **argv;
	ge_progress *progress;    /* the status line, when on */
	ge_check_provenance prov; /* SARIF's provenance, built once */
	int prov_loaded;
} ctx;

static ctx G;

/* --vendored: positions in vendor/ are reported (they are the dependencies' code). */
static int vendored_opt;

/* The profile named on the command line, opened before any build. */
static struct {
	ge_pprof *p;
	const char *file, *sample;
	size_t top;
} prof;

/* What report's, check's and suggest's option rows bind for lib/check. */
static ge_check_opts run_args = GE_CHECK_OPTS_INIT;

/* --color's value for the command that runs (NULL: auto). */
static const char *color_opt;

static int verbose(void)
{
	const char *v = getenv("GOESCAPE_VERBOSE");
	return v && *v && strcmp(v, "0") != 0;
}

/* The status line is for a person at a terminal, or asked for. */
static int want_progress(void)
{
	const char *v = getenv("GOESCAPE_PROGRESS");
	if (v && *v)
		return strcmp(v, "0") != 0;
	return isatty(2);
}

static void write_stderr(const char *s, size_t len, void *ud)
{
	(void)ud;
	fwrite(s, 1, len, stderr);
	fflush(stderr);
}

static void print_to_stderr(const char *line, size_t len, void *ud)
{
	(void)ud;
	ge_progress_clear(G.progress);
	fwrite(line, 1, len, stderr);
	fputc('\n', stderr);
}

/* A line saying what comes next (the base's build): the count starts again. */
static void print_phase(const char *line, size_t len, void *ud)
{
	print_to_stderr(line, len, ud);
	ge_progress_reset(G.progress);
}

static void on_package(const char *pkg, size_t len, void *ud)
{
	(void)ud;
	ge_progress_package(G.progress, pkg, len);
}

/* Start the status line for builds of pkgs (when wanted; quietly none on failure). */
static void progress_start(char *const *pkgs, size_t npkgs)
{
	if (G.progress || !want_progress() || !G.s.mods.n)
		return;
	if (ge_progress_new(&G.progress, &G.s.mods, G.cwd, pkgs, npkgs, write_stderr, NULL) < 0)
		G.progress = NULL;
}

/* A go build -json event for the user (go's stdout stays go's). */
static void print_to_stdout(const char *line, size_t len, void *ud)
{
	(void)ud;
	fwrite(line, 1, len, stdout);
	fputc('\n', stdout);
	fflush(stdout);
}

/* --color (NULL: auto) for output going to outfile (NULL: stdout). */
static int use_color(const char *mode, const char *outfile)
{
	int on = 0;
	if (ge_emit_color(&on, mode, getenv("NO_COLOR"), getenv("FORCE_COLOR"),
	                  !outfile && isatty(1)) < 0)
		die_usage("%s", ge_error_last());
	return on;
}

/* Write rendered output to FILE atomically, or to stdout. */
static int write_output(const char *file, const ge_buf *b)
{
	if (file && strcmp(file, "-") != 0) {
		if (ge_file_write_atomic(file, ge_buf_cstr(b), b->len, 0644) < 0)
			return fail(EXIT_USAGE);
		return 0;
	}
	if (fwrite(ge_buf_cstr(b), 1, b->len, stdout) != b->len || fflush(stdout) != 0) {
		fprintf(stderr, "%s: cannot write to standard output: %s\n", prog, strerror(errno));
		return EXIT_USAGE;
	}
	return 0;
}

/*
 * Map a library failure to an exit code, printing its message.  A run a
 * signal ended (GE_EINTERRUPTED: the library has removed what it made)
 * prints nothing and dies of that signal.
 */
static int fail_rc(int rc)
{
	ge_progress_clear(G.progress);
	if (rc == GE_EINTERRUPTED)
		ge_run_reraise();
	return fail(rc == GE_EBUILD ? EXIT_BUILD : EXIT_USAGE);
}

/* A check/report/baseline call's failure: a signal first (dies like go did). */
static int fail_check(int rc, const ge_check_result *res)
{
	if (rc == GE_EINTERRUPTED || ge_run_signalled())
		ge_run_exit_like(res->status);
	return fail_rc(rc);
}

/* SARIF's provenance of this run, built once. */
static const ge_check_provenance *provenance(void)
{
	if (!G.prov_loaded &&
	    ge_check_provenance_load(&G.prov, G.s.git, G.s.mods.top, G.argc, G.argv) == 0)
		G.prov_loaded = 1;
	return G.prov_loaded ? &G.prov : NULL;
}
static int load_go(void)
{
	return ge_setup_go(&G.s);
}

static int load_modules(void)
{
	return ge_setup_modules(&G.s, NULL);
}

/* The history (lib/setup), with this run's output, verbosity and status line. */
static int load_history(ge_history *h, char **pkgs, int npkgs)
{
	int rc = ge_setup_history(h, &G.s, pkgs, (size_t)(npkgs > 0 ? npkgs : 0));
	if (rc < 0)
		return rc;
	h->build.verbose = verbose();
	h->build.on_output = print_to_stderr;
	h->build.vendored = vendored_opt;
	/* Progress is for a person watching: a terminal, or GOESCAPE_VERBOSE. */
	progress_start(h->pkgs, h->npkgs);
	h->on_progress = isatty(2) || verbose() || G.progress ? print_phase : NULL;
	h->build.on_package = G.progress ? on_package : NULL;
	h->on_warning = print_to_stderr;
	return 0;
}

#define MAX_OUTPUTS 8

/* Whether one of the outputs is format. */
static int outputs_have(const ge_emit_output *v, size_t n, const char *format)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (v[i].format && strcmp(v[i].format, format) == 0)
			return 1;
	return 0;
}

/* check's assertion verdicts for its outputs (emit_and_write); NULL for other commands. */
static const ge_assert_result *emit_asserts;

/*
 * Render every output (lib/emit), the files all or none, then standard
 * output.  0, or an exit code after a message; nothing is written when any
 * rendering or any file fails.
 */
static int emit_and_write(const ge_report *r, const ge_emit_output *v, size_t n, int only_new,
                          const char *cmdname, int exit_code, const ge_markdown_opts *mo,
                          const ge_cost *cost)
{
	ge_emit_output eout[MAX_OUTPUTS];
	ge_emit_opts eo = GE_EMIT_OPTS_INIT;
	ge_sarif_opts so = GE_SARIF_OPTS_INIT;
	ge_markdown_opts md = GE_MARKDOWN_OPTS_INIT;
	ge_buf b = GE_BUF_INIT;
	ge_buf_sink out = {.fd = 1};
	size_t i, nstdout = 0;
	int code;
	for (i = 0; i < n; i++) {
		eout[i] = v[i];
		eout[i].color = use_color(color_opt, v[i].file);
		nstdout += !v[i].file;
	}
	if (outputs_have(v, n, "sarif")) {
		const ge_check_provenance *p = provenance();
		if (!p)
			return fail(EXIT_USAGE);
		ge_check_provenance_apply(&so, p);
		so.revision = r->commit;
		so.exit_code = exit_code;
		so.check = only_new;
		eo.sarif = &so;
	}
	if (mo)
		md = *mo;
	md.only_new = only_new;
	eo.markdown = &md;
	eo.repo_prefix = md.link;
	if (cost) {
		eo.cost = cost;
		eo.profile_file = prof.file;
		eo.profile_sha256 = prof.p->sha256;
		eo.top = prof.top;
		so.cost = cost->diags;
		so.ncost = cost->ndiags;
	}
	eo.only_new = only_new;
	eo.command = cmdname;
	eo.asserts = emit_asserts;
	/* Standard output streams as it is rendered (lib/emit renders it last). */
	if (nstdout && fflush(stdout) == 0)
		b.sink = &out;
	if (ge_emit_outputs(&b, r, eout, n, &eo) < 0)
		code = fail(EXIT_USAGE);
	else if (b.sink && ge_buf_flush(&b, "standard output") < 0) {
		fprintf(stderr, "%s: cannot write to standard output: %s\n", prog,
		        strerror(out.err));
		code = EXIT_USAGE;
	} else
		code = nstdout ? write_output(NULL, &b) : 0;
	ge_buf_release(&b);
	return code;
}

/* ---- --profile (lib/cost) --------------------------------------------- */

/* Read --profile, --profile-sample and --top before any build: a bad profile exits 2. */
static void profile_open(const char *file, const char *sample, long top, int top_set)
{
	if (!file) {
		if (sample || top_set || run_args.profile_commit)
			die_usage("--profile-sample, --profile-commit and --top go with --profile");
		return;
	}
	prof.file = file;
	prof.sample = sample ? sample : "alloc_space";
	prof.top = (size_t)top;
	if (ge_cost_open(&prof.p, file, prof.sample) < 0)
		die_usage("%s", ge_error_last());
}

static void profile_into(ge_check_opts *co)
{
	co->profile = prof.p;
	co->profile_name = prof.file;
	co->profile_sample = prof.sample;
}

/* ---- commands ---------------------------------------------------------- */

#define FORMATS "text json sarif github markdown"
#define COLORS  "auto always never"
#define SAMPLES "alloc_space alloc_objects inuse_space inuse_objects"

/* What --format/-o pairs, --profile and --color bind, shared by report and check. */
static struct {
	const char *format, *output, *profile, *profile_sample, *fail_min_bytes;
	long top;
} out_args;

/*
 * The outputs a command line asks for (lib/emit writes them).  One --format
 * and one -o, in either order, are one output (as always).  Otherwise each
 * --format F starts an output and an -o FILE right after it (before the
 * next --format) is where it goes; a --format without -o goes to stdout, at
 * most one may.  Usage errors exit 2 before anything is built.
 */
static size_t parse_outputs(ge_emit_output *v, const opts *o, const command *c)
{
	opt_pair p[MAX_OUTPUTS];
	char err[256];
	ge_format f;
	int n, i;
	n = opt_pairs(p, MAX_OUTPUTS, o, c, &out_args.format, &out_args.output, "outputs", err,
	              sizeof(err));
	if (n < 0)
		die_usage("%s: %s", c->name, err);
	for (i = 0; i < n; i++) {
		v[i].format = p[i].first;
		v[i].file = p[i].second && strcmp(p[i].second, "-") != 0 ? p[i].second : NULL;
		v[i].color = 0;
	}
	if (n > 1 && ge_emit_outputs_check(v, (size_t)n) < 0)
		die_usage("%s: %s", c->name, ge_error_last());
	for (i = 0; i < n; i++)
		if (v[i].format && ge_format_parse(&f, v[i].format) < 0)
			die_usage("%s", ge_error_last());
	(void)use_color(color_opt, NULL);
	return (size_t)n;
}

/* clang-format off */
#define OUTPUT_ROWS \
	{OPT_STRING, "format", 'f', &out_args.format, "F", \
	 "text (default), json, sarif, github, markdown; repeat '--format F -o FILE' for several", \
	 FORMATS, "[--format F [-o FILE]]..."}, \
	{OPT_STRING, "output", 'o', &out_args.output, "FILE", \
	 "write the --format before it to FILE (atomically), not stdout", NULL, ""}, \
	{OPT_STRING, "color", 0, &color_opt, "WHEN", \
	 "colour the text output: auto (a terminal, no NO_COLOR; FORCE_COLOR), always, never", \
	 COLORS, NULL}

#define PROFILE_ROWS \
	{OPT_STRING, "profile", 0, &out_args.profile, "FILE", \
	 "rank by the bytes of a Go heap profile (go test -memprofile)", NULL, NULL}, \
	{OPT_STRING, "profile-sample", 0, &out_args.profile_sample, "T", \
	 "alloc_space (default), alloc_objects, inuse_space, inuse_objects", SAMPLES, NULL}, \
	{OPT_INT, "top", 0, &out_args.top, "N", \
	 "with --profile: show the N costliest escapes and hot lines", NULL, NULL}, \
	{OPT_STRING, "profile-commit", 0, &run_args.profile_commit, "REV", \
	 "with --profile: the commit the profile was taken at (its lines mapped to this source)", \
	 NULL, NULL}
/* clang-format on */

/* clang-format off */
static const opt report_opts[] = {
	{OPT_STRING, "commit", 0, &run_args.commit, "REV", "the report of a commit: its stored note, or a build of it", NULL, NULL},
	OUTPUT_ROWS,
	{OPT_STRING, "input", 0, &run_args.input, "FILE", "read compiler -m output from FILE ('-' for stdin)", NULL, NULL},
	{OPT_FLAG, "vendored", 0, &vendored_opt, NULL, "report code in vendor/ too (the dependencies')", NULL, NULL},
	PROFILE_ROWS,
	{OPT_END, NULL, 0, NULL, NULL, NULL, NULL, NULL}};
/* clang-format on */

/* Whether --top was given (0 is a value too). */
static int top_given(const opts *o)
{
	int k;
	for (k = 0; k < o->nseq; k++)
		if (o->seq[k]->value == (const void *)&out_args.top)
			return 1;
	return 0;
}

static int cmd_report(const command *c, opts *o)
{
	ge_history h = {0};
	ge_check_result res = GE_CHECK_RESULT_INIT;
	ge_emit_output outs[MAX_OUTPUTS];
	size_t nouts;
	ge_markdown_opts mo = GE_MARKDOWN_OPTS_INIT;
	char *link = NULL;
	int rc, code;
	nouts = parse_outputs(outs, o, c);
	if (run_args.input && (o->nrest || run_args.commit))
		die_usage("report: --input does not go with --commit or package patterns");
	profile_open(out_args.profile, out_args.profile_sample, out_args.top, top_given(o));
	if ((rc = load_history(&h, o->rest, o->nrest)) < 0)
		return fail_rc(rc);
	run_args.h = &h;
	run_args.config = &G.s.config;
	profile_into(&run_args);
	rc = ge_check_report(&res, &run_args);
	ge_progress_clear(G.progress);
	if (rc < 0) {
		code = fail_check(rc, &res);
	} else {
		mo.link = link = ge_check_link_prefix(G.s.git, G.s.mods.top);
		code = emit_and_write(res.head, outs, nouts, 0, "report", 0, &mo, res.cost);
	}
	free(link);
	ge_check_result_release(&res);
	return code;
}

static const char *baseline_output;
/* clang-format off */
static const opt baseline_opts[] = {
	{OPT_STRING, "output", 'o', &baseline_output, "FILE", "where to write (default .goescape/baseline.json)", NULL, NULL},
	{OPT_STRING, "input", 0, &run_args.input, "FILE", "read compiler -m output from FILE ('-' for stdin)", NULL, NULL},
	{OPT_FLAG, "vendored", 0, &vendored_opt, NULL, "report code in vendor/ too (the dependencies')", NULL, NULL},
	{OPT_END, NULL, 0, NULL, NULL, NULL, NULL, NULL}};
/* clang-format on */

static int cmd_baseline(const command *c, opts *o)
{
	ge_history h = {0};
	ge_check_result res = GE_CHECK_RESULT_INIT;
	ge_summary s;
	int rc;
	(void)c;
	if ((rc = load_history(&h, o->rest, o->nrest)) < 0)
		return fail_rc(rc);
	run_args.h = &h;
	run_args.config = &G.s.config;
	rc = ge_check_baseline(&res, &run_args, baseline_output);
	ge_progress_clear(G.progress);
	if (rc < 0) {
		rc = fail_check(rc, &res);
		ge_check_result_release(&res);
		return rc;
	}
	ge_report_summary(res.head, &s);
	fprintf(stderr, "goescape: wrote %zu heap escape%s to '%s'\n", s.heap,
	        s.heap == 1 ? "" : "s", res.baseline_shown);
	ge_check_result_release(&res);
	return EXIT_CLEAN;
}

static const opt check_opts[] = {
    {OPT_STRING, "base", 0, &run_args.base, "REV", "compare with the merge-base of REV and HEAD",
     NULL, NULL},
    {OPT_STRING, "baseline", 0, &run_args.baseline, "FILE",
     "compare with a baseline file (default .goescape/baseline.json)", NULL, NULL},
    OUTPUT_ROWS,
    {OPT_STRING, "input", 0, &run_args.input, "FILE",
     "read the head's compiler -m output from FILE ('-' for stdin)", NULL, NULL},
    {OPT_FLAG, "vendored", 0, &vendored_opt, NULL, "report code in vendor/ too (the dependencies')",
     NULL, NULL},
    {OPT_FLAG, "rebuild-base", 0, &run_args.rebuild_base, NULL,
     "build the base even when its report is stored (and store it again)", NULL, NULL},
    {OPT_FLAG, "allow-config-mismatch", 0, &run_args.allow_config_mismatch, NULL,
     "compare with a baseline recorded under another build configuration (a warning, not exit 2)",
     NULL, NULL},
    PROFILE_ROWS,
    {OPT_STRING, "fail-min-bytes", 0, &out_args.fail_min_bytes, "N",
     "with --profile: fail only on new escapes costing at least N bytes (64K, 1M)", NULL, NULL},
    {OPT_END, NULL, 0, NULL, NULL, NULL, NULL, NULL}};

static int cmd_check(const command *c, opts *o)
{
	ge_history h = {0};
	ge_check_result res = GE_CHECK_RESULT_INIT;
	ge_emit_output outs[MAX_OUTPUTS];
	size_t nouts;
	ge_markdown_opts mo = GE_MARKDOWN_OPTS_INIT;
	char *link = NULL;
	size_t nviolated = 0;
	int rc, code;
	nouts = parse_outputs(outs, o, c);
	if (run_args.base && run_args.baseline)
		die_usage("check: give --base or --baseline, not both");
	if (run_args.rebuild_base && !run_args.base)
		die_usage("check: --rebuild-base goes with --base");
	if (out_args.fail_min_bytes &&
	    (!out_args.profile ||
	     ge_cost_parse_bytes(&run_args.fail_min_bytes, out_args.fail_min_bytes,
	                         "--fail-min-bytes") < 0))
		die_usage("check: %s", out_args.profile ? ge_error_last()
		                                        : "--fail-min-bytes goes with --profile");
	profile_open(out_args.profile, out_args.profile_sample, out_args.top, top_given(o));
	if ((rc = load_history(&h, o->rest, o->nrest)) < 0)
		return fail_rc(rc);
	run_args.h = &h;
	run_args.config = &G.s.config;
	run_args.explain = outputs_have(outs, nouts, "sarif");
	profile_into(&run_args);
	rc = ge_check_run(&res, &run_args);
	ge_progress_clear(G.progress);
	if (rc < 0) {
		code = fail_check(rc, &res);
		ge_check_result_release(&res);
		return code;
	}
	if (res.suggest_covered)
		fprintf(stderr,
		        "goescape: %zu of the new heap escapes match a rewrite; see 'goescape "
		        "suggest'\n",
		        res.suggest_covered);
	mo.base = res.base_desc;
	mo.link = link = ge_check_link_prefix(G.s.git, G.s.mods.top);
	mo.suggest = res.suggest;
	/* The source assertions gate too, whatever the base says. */
	nviolated = res.asserts ? res.asserts->n : 0;
	{
		ge_buf ab = GE_BUF_INIT;
		if (ge_assert_gate_text(&ab, res.asserts) == 0)
			fputs(ge_buf_cstr(&ab), stderr);
		ge_buf_release(&ab);
	}
	emit_asserts = res.asserts;
	code = emit_and_write(res.head, outs, nouts, 1, "check",
	                      res.failing || nviolated ? EXIT_NEW : EXIT_CLEAN, &mo, res.cost);
	emit_asserts = NULL;
	if (code == EXIT_CLEAN && (res.failing || nviolated))
		code = EXIT_NEW;
	free(link);
	ge_check_result_release(&res);
	return code;
}

static long log_max = 20;
static struct {
	const char *format, *output;
	int html, build;
} log_args;

/* clang-format off */
static const opt log_opts[] = {
    {OPT_INT, "max-count", 'n', &log_max, "N", "show N commits (default 20)", NULL, NULL},
    {OPT_STRING, "format", 'f', &log_args.format, "F", "text (default), json or html", "text json html", NULL},
    {OPT_FLAG, "html", 0, &log_args.html, NULL, "the same as --format html: one self-contained page", NULL, NULL},
    {OPT_STRING, "output", 'o', &log_args.output, "FILE", "write to FILE (atomically) instead of stdout", NULL, NULL},
    {OPT_FLAG, "build", 0, &log_args.build, NULL, "build the commits without a note in place first", NULL, NULL},
    {OPT_END, NULL, 0, NULL, NULL, NULL, NULL, NULL}};
/* clang-format on */

static int cmd_log(const command *c, opts *o)
{
	ge_history h = {0};
	ge_log l = GE_LOG_INIT;
	ge_log_opts lo = GE_LOG_OPTS_INIT;
	ge_buf b = GE_BUF_INIT;
	const char *fmt = log_args.html ? "html" : log_args.format ? log_args.format : "text";
	int rc, code;
	(void)c;
	if (o->nrest > 1)
		die_usage("log: at most one revision");
	if (strcmp(fmt, "text") && strcmp(fmt, "json") && strcmp(fmt, "html"))
		die_usage("log: unknown format '%s' (want text, json or html)", fmt);
	if (log_args.html && log_args.format && strcmp(log_args.format, "html"))
		die_usage("log: --html and --format %s disagree", log_args.format);
	if ((rc = load_history(&h, NULL, 0)) < 0)
		return fail_rc(rc);
	if (!h.git)
		die_usage("log: needs a git repository");
	lo.max = log_max > 0 ? (size_t)log_max : 0;
	lo.build = log_args.build;
	rc = ge_log_walk(&l, &h, o->nrest ? o->rest[0] : "HEAD", &lo);
	ge_progress_clear(G.progress);
	if (rc < 0)
		return fail_rc(rc);
	rc = strcmp(fmt, "json") == 0   ? ge_log_json(&b, &l)
	     : strcmp(fmt, "html") == 0 ? ge_log_html(&b, &l)
	                                : ge_log_text(&b, &l);
	code = rc < 0 ? fail_rc(rc) : write_output(log_args.output, &b);
	ge_buf_release(&b);
	ge_log_release(&l);
	return code;
}

static const opt hook_opts[] = {{OPT_END, NULL, 0, NULL, NULL, NULL, NULL, NULL}};

/* The pre-push hook: lib/hook reads the push, checks it and says what refuses it. */
static int hook_prepush(const char *remote)
{
	ge_buf in = GE_BUF_INIT;
	ge_prepush p = GE_PREPUSH_INIT;
	ge_prepush_env env = {0};
	ge_history h = {0};
	const char *skip = getenv("GOESCAPE_SKIP");
	int rc;
	if (skip && strcmp(skip, "1") == 0)
		return EXIT_CLEAN;
	env.precommit = getenv("PRE_COMMIT") != NULL;
	env.from_ref = getenv("PRE_COMMIT_FROM_REF");
	env.to_ref = getenv("PRE_COMMIT_TO_REF");
	env.local_branch = getenv("PRE_COMMIT_LOCAL_BRANCH");
	env.remote_branch = getenv("PRE_COMMIT_REMOTE_BRANCH");
	/* git always gives a pipe; a terminal has no ref lines to wait for. */
	if (!isatty(0) && (rc = ge_prepush_read(&in, 0)) < 0)
		goto failed;
	rc = ge_prepush_begin(&p, ge_buf_cstr(&in), in.len, &env);
	ge_buf_release(&in);
	fputs(ge_buf_cstr(&p.text), stderr);
	ge_buf_clear(&p.text);
	if (rc <= 0)
		goto done;
	rc = load_modules();
	if (rc == GE_ENOTFOUND) {
		fprintf(stderr, "goescape: no go.mod in '%s' or above; nothing to check\n", G.cwd);
		rc = 0;
		goto done;
	}
	if (rc == 0)
		rc = load_history(&h, NULL, 0);
	if (rc < 0 || !h.git) {
		rc = rc < 0 ? fail_rc(rc) : fail(EXIT_USAGE);
		fprintf(stderr, "goescape: the pre-push check could not run; push anyway with "
		                "'git push --no-verify' or GOESCAPE_SKIP=1\n");
		ge_prepush_release(&p);
		return rc;
	}
	rc = ge_prepush_check(&p, &h, &G.s.config, remote);
	ge_progress_clear(G.progress);
	if (ge_run_signalled())
		ge_run_exit_like(0);
	fputs(ge_buf_cstr(&p.text), stderr);
	if (rc < 0) {
		rc = fail_rc(rc);
		fprintf(stderr,
		        "goescape: %s; push anyway with 'git push --no-verify' or "
		        "GOESCAPE_SKIP=1\n",
		        rc == EXIT_BUILD ? "a pushed commit does not build"
		                         : "the pre-push check could not run");
		ge_prepush_release(&p);
		return rc;
	}
	rc = p.failing || p.violated ? EXIT_NEW : EXIT_CLEAN;
	ge_prepush_release(&p);
	return rc;
failed:
	ge_buf_release(&in);
	return fail_rc(rc);
done:
	ge_prepush_release(&p);
	return rc < 0 ? fail_rc(rc) : EXIT_CLEAN;
}

static int cmd_hook(const command *c, opts *o)
{
	char *msg = NULL, *line, *nl;
	int rc;
	(void)c;
	if (o->nrest < 1)
		die_usage("hook: want 'install', 'uninstall' or 'pre-push REMOTE URL'");
	if (strcmp(o->rest[0], "pre-push") == 0) {
		const char *pc_remote = getenv("PRE_COMMIT_REMOTE_NAME");
		if (o->nrest == 3)
			return hook_prepush(o->rest[1]);
		/* pre-commit runs its hooks without git's arguments; it exports them. */
		if (o->nrest == 1 && getenv("PRE_COMMIT"))
			return hook_prepush(pc_remote && *pc_remote ? pc_remote : "origin");
		die_usage("hook pre-push: want REMOTE and URL, as git gives them");
	}
	if (strcmp(o->rest[0], "install") && strcmp(o->rest[0], "uninstall"))
		die_usage("hook: unknown action '%s' (want install, uninstall, pre-push)",
		          o->rest[0]);
	if (o->nrest != 1)
		die_usage("hook %s: takes no arguments", o->rest[0]);
	if (!G.s.git_tried) {
		G.s.git_tried = 1;
		if ((rc = ge_git_open(&G.s.git, G.cwd)) < 0)
			return fail_rc(rc);
	}
	rc = strcmp(o->rest[0], "install") == 0 ? ge_hook_install(G.s.git, &msg)
	                                        : ge_hook_uninstall(G.s.git, &msg);
	if (rc < 0)
		return fail_rc(rc);
	for (line = msg; line && *line; line = nl ? nl + 1 : line + strlen(line)) {
		nl = strchr(line, '\n');
		fprintf(stderr, "goescape: %.*s\n", nl ? (int)(nl - line) : (int)strlen(line),
		        line);
	}
	free(msg);
	return EXIT_CLEAN;
}

static struct {
	int apply, test, pin, tests, bench;
	const char *format, *output, *profile, *profile_sample;
} suggest_args;

/* clang-format off */
static const opt suggest_opts[] = {
	{OPT_FLAG, "apply", 0, &suggest_args.apply, NULL, "write the verified edits to the module's files", NULL, NULL},
	{OPT_STRING, "format", 'f', &suggest_args.format, "F", "diff (default, for git apply / patch -p1), json, sarif", "diff json sarif", NULL},
	{OPT_STRING, "output", 'o', &suggest_args.output, "FILE", "write to FILE (atomically) instead of stdout", NULL, NULL},
	{OPT_FLAG, "test", 0, &suggest_args.test, NULL, "also run the changed packages' tests under the edits", NULL, NULL},
	{OPT_FLAG, "assert", 0, &suggest_args.pin, NULL, "pin each stack buffer a rewrite adds with //goescape:noescape", NULL, NULL},
	{OPT_FLAG, "tests", 0, &suggest_args.tests, NULL, "rewrite in _test.go files too (test packages compiled with go list -test)", NULL, NULL},
	{OPT_FLAG, "bench", 0, &suggest_args.bench, NULL, "run a testing.B for each rewritten function before and after (allocs/op, ns/op)", NULL, NULL},
	{OPT_STRING, "profile", 0, &suggest_args.profile, "FILE", "rank the rewrites by the bytes of a Go heap profile they remove", NULL, NULL},
	{OPT_STRING, "profile-sample", 0, &suggest_args.profile_sample, "T", "alloc_space (default), alloc_objects, inuse_space, inuse_objects", SAMPLES, NULL},
	{OPT_STRING, "profile-commit", 0, &run_args.profile_commit, "REV", "with --profile: the commit the profile was taken at (its lines mapped to this source)", NULL, NULL},
	{OPT_END, NULL, 0, NULL, NULL, NULL, NULL, NULL}};
/* clang-format on */

static int cmd_suggest(const command *c, opts *o)
{
	ge_history h;
	ge_suggest_opts so = GE_SUGGEST_OPTS_INIT;
	ge_suggest_result *r = NULL;
	ge_check_result rank = GE_CHECK_RESULT_INIT;
	ge_buf b = GE_BUF_INIT, wd = GE_BUF_INIT, ranked = GE_BUF_INIT;
	const char *format = suggest_args.format ? suggest_args.format : "diff";
	int rc, code;
	(void)c;
	if (strcmp(format, "diff") != 0 && strcmp(format, "json") != 0 &&
	    strcmp(format, "sarif") != 0)
		die_usage("suggest: unknown format '%s' (want diff, json or sarif)", format);
	profile_open(suggest_args.profile, suggest_args.profile_sample, 0, 0);
	if ((rc = load_history(&h, o->rest, o->nrest)) < 0)
		return fail_rc(rc);
	run_args.h = &h;
	run_args.config = &G.s.config;
	profile_into(&run_args);
	if ((rc = ge_check_profile_commit(&rank, &run_args)) < 0)
		return fail_rc(rc);
	so.build = h.build;
	so.pkgs = h.pkgs;
	so.npkgs = h.npkgs;
	so.run_tests = suggest_args.test;
	so.tests = suggest_args.tests;
	so.bench = suggest_args.bench;
	if (getenv("GOESCAPE_SUGGEST_SCOPE_MIN")) /* lib/suggest.h's scope_min; tests set 1 */
		so.scope_min = (unsigned)strtoul(getenv("GOESCAPE_SUGGEST_SCOPE_MIN"), NULL, 10);
	so.on_progress = h.on_progress;
	so.platforms = G.s.config.suggest_platforms;
	so.nplatforms = G.s.config.nsuggest_platforms;
	so.platforms_set = G.s.config.suggest_platforms_set;
	memcpy(so.assert_off, G.s.config.assert_off, sizeof(so.assert_off));
	if (h.git && ge_buf_printf(&wd, "%s/goescape/suggest", ge_git_commondir(h.git)) == 0)
		so.workdir = wd.ptr;
	rc = ge_suggest_run(&r, &so);
	ge_progress_clear(G.progress);
	ge_buf_release(&wd);
	if (ge_run_signalled())
		ge_run_exit_like(0);
	if (rc == 0 && suggest_args.pin)
		rc = ge_suggest_pin(r);
	if (rc < 0) {
		ge_suggest_result_free(r);
		return fail_rc(rc);
	}
	/* --profile: the rewrites by their bytes (text for stderr, costs for json/sarif). */
	if (prof.p && ge_check_suggest_rank(&ranked, &rank, &run_args, r) < 0)
		rc = -1;
	else
		rc = ge_check_suggest_output(&b, format, r, prof.p ? &rank : NULL, &h,
		                             strcmp(format, "sarif") == 0 ? provenance() : NULL);
	code = rc < 0 ? fail(EXIT_USAGE) : write_output(suggest_args.output, &b);
	if (code == EXIT_CLEAN && suggest_args.apply && ge_suggest_apply(r, G.s.mods.top) < 0)
		code = fail(EXIT_USAGE);
	if (code == EXIT_CLEAN)
		fprintf(
		    stderr,
		    "goescape: %zu suggestion%s verified%s (%zu candidate%s, %zu left alone); heap "
		    "escapes %zu -> %zu; %u go run%s, %u round%s\n",
		    r->nitems, r->nitems == 1 ? "" : "s",
		    suggest_args.apply && r->nfiles ? " and applied" : "", r->candidates,
		    r->candidates == 1 ? "" : "s", r->nskipped, r->heap_before, r->heap_after,
		    r->go_runs, r->go_runs == 1 ? "" : "s", r->rounds, r->rounds == 1 ? "" : "s");
	/* --profile: the ranking to stderr; the patch is unchanged. */
	if (code == EXIT_CLEAN && prof.p)
		fputs(ge_buf_cstr(&ranked), stderr);
	/* --bench: each function's before and after, to stderr. */
	ge_buf_clear(&ranked);
	if (code == EXIT_CLEAN && r->benched && ge_suggest_bench_text(&ranked, r) == 0)
		fputs(ge_buf_cstr(&ranked), stderr);
	ge_check_result_release(&rank);
	ge_buf_release(&ranked);
	ge_buf_release(&b);
	ge_suggest_result_free(r);
	return code;
}

static const command commands[];
static const opt global_opts[];

static const opt completion_opts[] = {{OPT_END, NULL, 0, NULL, NULL, NULL, NULL, NULL}};

static int cmd_completion(const command *c, opts *o)
{
	ge_buf b = GE_BUF_INIT;
	int code;
	(void)c;
	if (o->nrest != 1)
		die_usage("completion: want one shell: bash, zsh or fish");
	if (opt_completion(&b, o->rest[0], commands, global_opts) < 0) {
		ge_buf_release(&b);
		die_usage("%s", ge_error_last());
	}
	code = write_output(NULL, &b);
	ge_buf_release(&b);
	return code;
}

/* ---- assert (lib/asserts) ---------------------------------------------- */

static struct {
	const char *format, *output, *input;
} assert_args;

/* clang-format off */
static const opt assert_opts[] = {
    {OPT_STRING, "format", 'f', &assert_args.format, "F", "text (default), json, sarif, github", "text json sarif github", NULL},
    {OPT_STRING, "output", 'o', &assert_args.output, "FILE", "write to FILE (atomically), not stdout", NULL, NULL},
    {OPT_STRING, "input", 0, &assert_args.input, "FILE", "read compiler -m output from FILE ('-' for stdin); bce needs -d=ssa/check_bce/debug=1 in it", NULL, NULL},
    {OPT_FLAG, "vendored", 0, &vendored_opt, NULL, "report code in vendor/ too (the dependencies')", NULL, NULL},
    {OPT_END, NULL, 0, NULL, NULL, NULL, NULL, NULL}};
/* clang-format on */

/* The kinds .goescape.json turns off ("assert": {"bce": false}). */
static void assert_config(ge_assert_opts *ao)
{
	ge_assert_opts_off(ao, G.s.config.assert_off);
}

static int cmd_assert(const command *c, opts *o)
{
	ge_history h = {0};
	ge_assert_result *res = NULL;
	ge_assert_opts ao = GE_ASSERT_OPTS_INIT;
	ge_buf b = GE_BUF_INIT;
	const char *fmt = assert_args.format;
	int rc, code;
	(void)c;
	if (fmt && strcmp(fmt, "text") && strcmp(fmt, "json") && strcmp(fmt, "sarif") &&
	    strcmp(fmt, "github"))
		die_usage("assert: unknown format '%s' (want text, json, sarif or github)", fmt);
	if (assert_args.input && o->nrest)
		die_usage("assert: --input does not go with package patterns");
	if ((rc = load_history(&h, o->rest, o->nrest)) < 0)
		return fail_rc(rc);
	ao.input = assert_args.input;
	ao.find_tests = 1;
	assert_config(&ao);
	rc = ge_assert_run(&res, &h, &ao);
	ge_progress_clear(G.progress);
	if (rc < 0)
		return fail_rc(rc);
	if (res->ntest_files)
		fprintf(
		    stderr,
		    "goescape: warning: directives in _test.go files are not checked (%zu file%s, "
		    "'%s' first): tests are not built\n",
		    res->ntest_files, res->ntest_files == 1 ? "" : "s", res->test_file);
	if (ge_assert_emit(&b, res, fmt, G.s.mods.top) < 0) {
		ge_assert_result_free(res);
		return fail(EXIT_USAGE);
	}
	code = write_output(assert_args.output, &b);
	fprintf(stderr, "goescape: %zu of %zu assertion%s violated\n", res->n, res->nassertions,
	        res->nassertions == 1 ? "" : "s");
	if (code == 0 && res->n)
		code = EXIT_NEW;
	ge_buf_release(&b);
	ge_assert_result_free(res);
	return code;
}

static const command commands[] = {
    {"report", "[PKG...]",
     "Print every heap escape of the packages (default: the whole module).\n"
     "Built with escape analysis on, grouped by file and function.  Several outputs\n"
     "from one build: '--format sarif -o a.sarif --format markdown -o s.md --format text'\n"
     "(each -o is for the --format before it; the files are written all or none).",
     report_opts, cmd_report, NULL},
    {"assert", "[PKG...]",
     "Check the //goescape: (or //gcassert:) noescape, inline and bce directives of the\n"
     "packages against the compiler; print each violated one as 'file:line: source:\n"
     "reason'; exit 1 when any is violated.",
     assert_opts, cmd_assert, NULL},
    {"baseline", "[PKG...]",
     "Record today's heap escapes as the baseline file that 'check' compares with.", baseline_opts,
     cmd_baseline, NULL},
    {"check", "[PKG...]",
     "Report only the heap escapes that are new; exit 1 when there are any.\n"
     "New against a base revision (--base, its merge-base with HEAD) or a baseline\n"
     "file (--baseline, the default).  Several outputs from one build: repeat\n"
     "'--format F -o FILE' (one --format without -o goes to stdout), e.g.\n"
     "'--format sarif -o a.sarif --format markdown -o s.md --format github'.",
     check_opts, cmd_check, NULL},
    {"log", "[REV]",
     "Heap escapes per commit from stored history (refs/notes/goescape).\n"
     "With +new -fixed against the parent; '?' where a commit has no note.  --html writes\n"
     "one self-contained page with charts per commit and per package (no network needed).",
     log_opts, cmd_log, NULL},
    {"hook", "install | uninstall | pre-push [REMOTE URL]",
     "Install (or remove) the git pre-push hook that refuses a push adding heap escapes.\n"
     "'pre-push' is what the hook runs (ref lines on standard input; pre-commit\n"
     "calls it without arguments).  Bypass with 'git push --no-verify' or GOESCAPE_SKIP=1.",
     hook_opts, cmd_hook, "install uninstall pre-push"},
    {"suggest", "[PKG...]",
     "Rewrite integer formatting into strconv.Append* over stack buffers.\n"
     "strconv.Itoa / fmt.Sprintf(\"%d\") into []byte and fmt.Sprint of integers;\n"
     "only rewrites the compiler verifies remove heap escapes are kept; printed as a diff.",
     suggest_opts, cmd_suggest, NULL},
    {"completion", "bash | zsh | fish",
     "Print a shell completion script, e.g. 'source <(goescape completion bash)'.", completion_opts,
     cmd_completion, "bash zsh fish"},
    {NULL, NULL, NULL, NULL, NULL, NULL}};

static int show_version, show_man;
static const opt global_opts[] = {
    {OPT_FLAG, "version", 0, &show_version, NULL, "print goescape's version", NULL, NULL},
    {OPT_FLAG, "man", 0, &show_man, NULL, "print the man page goescape.1 (roff)", NULL, NULL},
    {OPT_END, NULL, 0, NULL, NULL, NULL, NULL, NULL}};

/* The top-level options: a pseudo-command for the parser. */
static const command global_cmd = {"", "", "", global_opts, NULL, NULL};

/* go's own subcommands: never taken for a typo of goescape's. */
static const char *const go_commands[] = {
    "bug",  "build", "clean", "doc", "env",       "fix",  "fmt",  "generate", "get", "install",
    "list", "mod",   "work",  "run", "telemetry", "test", "tool", "version",  "vet", "help"};

static const command *find_command(const char *name)
{
	const command *c;
	for (c = commands; c->name; c++)
		if (strcmp(name, c->name) == 0)
			return c;
	return NULL;
}

/*
 * A first word that is neither goescape's command nor go's, but close to one
 * of goescape's ("reprot"): goescape's own error, with the near command.
 * Words close to a go command ("biuld") are go's to refuse.
 */
static void refuse_typo(const char *word)
{
	const char *mine[16], *near;
	size_t n = 0, i;
	int d_mine, d_go;
	const command *c;
	for (i = 0; i < sizeof(go_commands) / sizeof(go_commands[0]); i++)
		if (strcmp(word, go_commands[i]) == 0)
			return;
	for (c = commands; c->name && n < 16; c++)
		mine[n++] = c->name;
	near = opt_nearest(word, mine, n, &d_mine);
	if (!near)
		return;
	(void)opt_nearest(word, go_commands, sizeof(go_commands) / sizeof(go_commands[0]), &d_go);
	if (d_go <= d_mine)
		return;
	die_usage("unknown command '%s'; did you mean '%s'? (see 'goescape --help')", word, near);
}

/* goescape help [TOPIC]: goescape's commands (or one's help), then go's help. */
static int cmd_help(int argc, char **argv)
{
	const command *c = argc > 0 ? find_command(argv[0]) : NULL;
	char **gargv;
	int i;
	if (c) {
		opt_command_help(stdout, c);
		return EXIT_CLEAN;
	}
	if (argc == 0) {
		opt_usage(stdout, commands, global_opts);
		printf("\nThe go command's own help follows ('go help').\n\n");
	}
	fflush(stdout);
	if (load_go() < 0)
		return fail(EXIT_USAGE);
	if (!(gargv = calloc((size_t)argc + 3, sizeof(*gargv))))
		return fail(EXIT_USAGE);
	gargv[0] = G.s.go;
	gargv[1] = (char *)"help";
	for (i = 0; i < argc; i++)
		gargv[i + 2] = argv[i];
	ge_run_exec(gargv);
	free(gargv);
	return fail(EXIT_USAGE);
}

/* Top-level options (argv[1] begins with '-', and is not go's -C). */
static int run_global(int argc, char **argv)
{
	char err[512];
	opts o;
	int rc = opt_parse(&o, &global_cmd, argc, argv, err, sizeof(err));
	opt_release(&o);
	if (rc == 1) {
		opt_usage(stdout, commands, global_opts);
		return EXIT_CLEAN;
	}
	if (rc < 0)
		die_usage("%s", err);
	if (show_man) {
		ge_buf b = GE_BUF_INIT;
		if (opt_man(&b, commands, global_opts, ge_version()) < 0)
			return fail(EXIT_USAGE);
		rc = write_output(NULL, &b);
		ge_buf_release(&b);
		return rc;
	}
	if (show_version)
		printf("goescape %s\n", ge_version());
	return EXIT_CLEAN;
}

/* ---- the go drop-in ---------------------------------------------------- */

static int run_go(int argc, char **argv)
{
	char **gargv;
	int i, rc, status = 0, mods_rc = -1;
	ge_report *r = NULL;
	ge_capture_opts co = GE_CAPTURE_OPTS_INIT;
	ge_git_state before;
	ge_history_replay replay;
	ge_history h0;
	int storable = 0, begun = 0;

	memset(&replay, 0, sizeof(replay));
	if (load_go() < 0)
		return fail(EXIT_USAGE);
	if (ge_gocmd_capture_args(argv, (size_t)(argc > 0 ? argc : 0))) {
		/* With -C, go works in DIR: so do the modules it builds. */
		const char *cd = ge_gocmd_chdir(argv + 1, (size_t)(argc > 0 ? argc - 1 : 0), NULL);
		char *dir = cd ? ge_path_join(G.cwd, cd) : NULL;
		mods_rc = cd && !dir ? GE_ENOMEM : ge_setup_modules(&G.s, dir);
		free(dir);
	}
	if (!ge_gocmd_capture_args(argv, (size_t)(argc > 0 ? argc : 0)) || mods_rc < 0) {
		/* Not captured, or outside any module: this is plain go. */
		gargv = calloc((size_t)argc + 2, sizeof(*gargv));
		if (!gargv)
			return fail(EXIT_USAGE);
		gargv[0] = G.s.go;
		for (i = 0; i < argc; i++)
			gargv[i + 1] = argv[i];
		ge_run_exec(gargv);
		free(gargv);
		return fail(EXIT_USAGE);
	}
	co.go = G.s.go;
	co.args = argv;
	co.nargs = (size_t)argc;
	co.cwd = G.cwd;
	co.mods = &G.s.mods;
	co.goflags = G.s.goflags;
	co.verbose = verbose();
	co.on_output = print_to_stderr;
	co.on_json = print_to_stdout;
	/* A build that may be stored as HEAD's note.  No git at all (not even
	 * libgit2's init) for a build never stored. */
	storable = ge_history_args_storable(&G.s.mods, G.cwd, argv, (size_t)argc) &&
	           load_history(&h0, NULL, 0) == 0 &&
	           ge_history_build_storable(&h0, argv, (size_t)argc);
	/* The replay fast path (lib/history): what HEAD's note came from,
	 * checked beside the build when HEAD has an entry, else first. */
	if (storable && (begun = ge_history_replay_begin(&replay, &h0, argv, (size_t)argc)) < 0)
		return fail(EXIT_USAGE);
	if (storable && !begun && !(storable = ge_git_state_read(&before, h0.git) == 0))
		ge_error_clear();
	if (storable && !begun &&
	    ge_history_replay_load(&replay, &h0, &before, argv, (size_t)argc) < 0)
		return fail(EXIT_USAGE);
	if (replay.path || begun)
		co.replay = &replay.cap;
	co.on_package = G.progress ? on_package : NULL;
	rc = ge_capture_build(&r, &status, &co);
	ge_progress_clear(G.progress);
	if (begun && ge_history_replay_state(&replay, &before) < 0)
		storable = 0;
	if (rc < 0) {
		ge_history_replay_release(&replay); /* no thread left at exit */
		if (rc == GE_EINTERRUPTED)
			ge_run_exit_like(status);
		return fail(EXIT_USAGE);
	}
	if (replay.cap.hit) {
		fputs(replay.summary, stderr);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && !ge_run_signalled()) {
		ge_buf b = GE_BUF_INIT;
		ge_history h;
		int loaded = storable && load_history(&h, NULL, 0) == 0, stored = 0, whole = 0;
		size_t first;
		if (loaded)
			stored = ge_history_replay_store(&replay, &h, r, &before) == 1;
		if (ge_emit_build_summary(&b, r) == 0 && ge_buf_putc(&b, '\n') == 0) {
			fputs(b.ptr, stderr);
			whole = 1;
		} else {
			stored = 0;
		}
		if (!loaded && ge_setup_config_problem(&G.s))
			fprintf(stderr, "%s: %s; the build's report was not stored\n", prog,
			        ge_setup_config_problem(&G.s));
		first = b.len;
		if (loaded && ge_assert_build_summary(&b, &h, r, G.s.config.assert_off) == 0)
			fputs(ge_buf_cstr(&b) + first, stderr);
		else
			whole = 0;
		/* A dirty tree's build stores no note, but its summary replays. */
		if ((stored || (whole && before.dirty)) && replay.path)
			(void)ge_history_replay_save(&replay, &h, before.head, b.ptr, b.len);
		ge_buf_release(&b);
	}
	ge_history_replay_release(&replay);
	ge_report_free(r);
	fflush(stderr);
	ge_run_exit_like(status);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	const command *c;
	ssize_t n;
	opts o;
	char err[512];
	int rc;

	base = base ? base + 1 : argv[0];
	(void)clock_gettime(CLOCK_REALTIME, &G.s.started);
	G.s.cwd = G.cwd;
	G.s.self = G.self;
	G.s.env_goescape_go = getenv("GOESCAPE_GO");
	G.s.env_path = getenv("PATH");
	G.argc = argc;
	G.argv = argv;
	if (!getcwd(G.cwd, sizeof(G.cwd))) {
		fprintf(stderr, "%s: cannot find the current directory: %s\n", prog,
		        strerror(errno));
		return EXIT_USAGE;
	}
	n = readlink("/proc/self/exe", G.self, sizeof(G.self) - 1);
	if (n > 0)
		G.self[n] = '\0';
	else
		snprintf(G.self, sizeof(G.self), "%s", argv[0]);
	if (ge_goenv_lookup(&G.s.goflags, "GOFLAGS") < 0)
		return fail(EXIT_USAGE);

	/* Masquerade: invoked as "go", everything is a go subcommand. */
	if (strcmp(base, "go") == 0)
		return run_go(argc - 1, argv + 1);

	if (argc < 2) {
		opt_usage(stderr, commands, global_opts);
		return EXIT_USAGE;
	}
	/* go's one top-level flag is -C DIR; every other option is goescape's. */
	if (argv[1][0] == '-' && argv[1][1] && !ge_gocmd_chdir(argv + 1, (size_t)argc - 1, NULL) &&
	    strcmp(argv[1], "-C") != 0)
		return run_global(argc - 1, argv + 1);
	if (strcmp(argv[1], "help") == 0)
		return cmd_help(argc - 2, argv + 2);
	if ((c = find_command(argv[1]))) {
		rc = opt_parse(&o, c, argc - 2, argv + 2, err, sizeof(err));
		if (rc == 1) {
			opt_command_help(stdout, c);
			opt_release(&o);
			return EXIT_CLEAN;
		}
		if (rc < 0)
			die_usage("%s", err);
		rc = c->run(c, &o);
		ge_progress_clear(G.progress);
		/* A signal ended the run, whatever the command made of it. */
		ge_run_reraise();
		opt_release(&o);
		ge_progress_free(G.progress);
		ge_check_provenance_release(&G.prov);
		ge_pprof_free(prof.p);
		ge_setup_release(&G.s);
		return rc;
	}
	if (argv[1][0] != '-')
		refuse_typo(argv[1]);
	return run_go(argc - 1, argv + 1);
}
