/*
 * goescape: the command table and option tables.  Everything a command
 * does beyond reading its options and choosing what to print lives in lib/.
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

#include "baseline.h"
#include "capture.h"
#include "config.h"
#include "common.h"
#include "cost.h"
#include "emit.h"
#include "git.h"
#include "gocmd.h"
#include "goconfig.h"
#include "history.h"
#include "hook.h"
#include "report.h"
#include "run.h"
#include "suggest.h"
#include "tidy.h"

/* Exit codes: DESIGN.md's contract. */
enum {
	EXIT_CLEAN = 0,    /* nothing new */
	EXIT_NEW = 1,      /* new heap escapes */
	EXIT_USAGE = 2,    /* usage error or bad input */
	EXIT_BUILD = 3     /* the Go build itself failed */
};

/* ---- options ---------------------------------------------------------- */

typedef enum { OPT_FLAG, OPT_STRING, OPT_INT } opt_type;

typedef struct opt {
	const char *name; /* long name without "--" */
	char shrt;        /* short letter or 0 */
	opt_type type;
	const char *arg;  /* argument name for --help */
	const char *help;
} opt;

/* Parsed options of one command: values indexed like its table. */
typedef struct opts {
	const char *str[16];
	int set[16];
	char **rest; /* positional arguments */
	int nrest;
	/* Every string option in the order given (repeated ones too): which
	   (index into the table) and its value.  --format/-o pairs read it. */
	int seq[32];
	const char *seqval[32];
	int nseq;
} opts;

typedef struct command {
	const char *name;
	const char *args;    /* synopsis after the name */
	const char *summary;
	const opt *options;
	int (*run)(const struct command *c, opts *o);
} command;

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

static void print_options(FILE *f, const opt *t)
{
	for (; t && t->name; t++) {
		char left[64];
		if (t->shrt)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", t->shrt, t->name,
				 t->arg ? " " : "", t->arg ? t->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", t->name, t->arg ? " " : "",
				 t->arg ? t->arg : "");
		fprintf(f, "  %-26s %s\n", left, t->help);
	}
}

static void command_help(const command *c)
{
	printf("usage: goescape %s %s\n\n%s\n\noptions:\n", c->name, c->args, c->summary);
	print_options(stdout, c->options);
	printf("  %-26s %s\n", "-h, --help", "show this help");
}

/* Parse argv against a table; positional arguments are kept in order. */
static void parse_opts(opts *o, const command *c, int argc, char **argv)
{
	int i, j, only_pos = 0;
	memset(o, 0, sizeof(*o));
	o->rest = calloc((size_t)argc + 1, sizeof(char *));
	if (!o->rest)
		die_usage("out of memory");
	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		const opt *t = NULL;
		size_t n;
		if (only_pos || a[0] != '-' || !a[1]) {
			o->rest[o->nrest++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			command_help(c);
			exit(EXIT_CLEAN);
		}
		if (a[1] == '-') {
			n = strcspn(a + 2, "=");
			for (j = 0; c->options && c->options[j].name; j++)
				if (strlen(c->options[j].name) == n &&
				    strncmp(c->options[j].name, a + 2, n) == 0)
					t = &c->options[j];
			if (t && a[2 + n] == '=')
				val = a + 3 + n;
		} else {
			for (j = 0; c->options && c->options[j].name; j++)
				if (c->options[j].shrt == a[1])
					t = &c->options[j];
			if (t && a[2])
				val = a + 2;
		}
		if (!t)
			die_usage("%s: unknown option '%s' (see 'goescape %s --help')", c->name, a,
				  c->name);
		j = (int)(t - c->options);
		if (t->type == OPT_FLAG) {
			if (val)
				die_usage("%s: option '--%s' takes no value", c->name, t->name);
			o->set[j] = 1;
			continue;
		}
		if (!val) {
			if (i + 1 >= argc)
				die_usage("%s: option '--%s' needs %s", c->name, t->name, t->arg);
			val = argv[++i];
		}
		if (t->type == OPT_INT) {
			char *end;
			long v;
			errno = 0;
			v = strtol(val, &end, 10);
			if (errno || *end || v < 0 || v > 1000000)
				die_usage("%s: option '--%s' wants a number, not '%s'", c->name,
					  t->name, val);
		}
		o->set[j] = 1;
		o->str[j] = val;
		if (o->nseq == (int)(sizeof(o->seq) / sizeof(o->seq[0])))
			die_usage("%s: too many options", c->name);
		o->seq[o->nseq] = j;
		o->seqval[o->nseq++] = val;
	}
}

/* ---- shared context ---------------------------------------------------- */

typedef struct ctx {
	char cwd[PATH_MAX];
	char self[PATH_MAX];
	char *go;
	ge_modset mods;
	char *goflags;
	ge_git *git;
	int git_tried;
	ge_config config;
	char **config_pkgs; /* "--", then the config's packages: go's argv */
	int argc;
	char **argv;
	struct timespec started; /* when this run began: what is older is not ours */
} ctx;

static ctx G;

/* The heap profile of this run, joined with its report; emit_and_write shows it. */
static struct {
	ge_pprof *p;
	ge_cost *c;
	ge_cost_sites *sites; /* what the head's build said besides its escapes */
	const char *file, *sample;
	size_t top;
} prof;

static int load_go(void)
{
	if (G.go)
		return 0;
	return ge_gocmd_find_go(&G.go, getenv("GOESCAPE_GO"), getenv("PATH"), G.self);
}

/* The main modules of dir (NULL: the current directory). */
static int load_modules_at(const char *dir)
{
	char *gowork = NULL;
	int rc;
	if (G.mods.n)
		return 0;
	if ((rc = ge_goenv_lookup(&gowork, "GOWORK")) < 0)
		return rc;
	rc = ge_modset_find(&G.mods, dir ? dir : G.cwd, gowork);
	free(gowork);
	return rc;
}

static int load_modules(void)
{
	return load_modules_at(NULL);
}

/* go's -C DIR must be the first flag: the directory go works in, or NULL.  malloc'd. */
static char *go_chdir(int argc, char **argv)
{
	const char *v = NULL;
	if (argc >= 3 && (strcmp(argv[1], "-C") == 0 || strcmp(argv[1], "--C") == 0))
		v = argv[2];
	else if (argc >= 2 && strncmp(argv[1], "-C=", 3) == 0)
		v = argv[1] + 3;
	else if (argc >= 2 && strncmp(argv[1], "--C=", 4) == 0)
		v = argv[1] + 4;
	return v ? ge_path_join(G.cwd, v) : NULL;
}

static int verbose(void)
{
	const char *v = getenv("GOESCAPE_VERBOSE");
	return v && *v && strcmp(v, "0") != 0;
}

static void print_to_stderr(const char *line, size_t len, void *ud)
{
	(void)ud;
	fwrite(line, 1, len, stderr);
	fputc('\n', stderr);
}

/* A go build -json event for the user (go's stdout stays go's). */
static void print_to_stdout(const char *line, size_t len, void *ud)
{
	(void)ud;
	fwrite(line, 1, len, stdout);
	fputc('\n', stdout);
	fflush(stdout);
}

static int use_color(const char *outfile)
{
	const char *nc = getenv("NO_COLOR");
	if (outfile || (nc && *nc))
		return 0;
	return isatty(1);
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

/* --vendored: positions in vendor/ are reported (they are the dependencies' code). */
static int vendored_opt;

/* The history context: the capture options plus git, when there is a repository. */
static int load_history(ge_history *h, char **pkgs, int npkgs)
{
	int rc;
	memset(h, 0, sizeof(*h));
	if ((rc = load_go()) < 0 || (rc = load_modules()) < 0)
		return rc;
	if (!G.git_tried) {
		G.git_tried = 1;
		rc = ge_git_open(&G.git, G.mods.top);
		if (rc < 0 && rc != GE_ENOTFOUND)
			return rc;
		/* Once per run, before anything is written there: what killed runs left. */
		if (G.git && ge_tidy_git(NULL, ge_git_commondir(G.git), &G.started) < 0)
			return GE_ENOMEM;
	}
	if ((rc = ge_config_load(&G.config, G.mods.top)) < 0)
		return rc;
	if (!npkgs && G.config.npackages) {
		/*
		 * The repository's patterns reach go behind "--", so that go reads
		 * none of them as a flag even if one got past ge_config_parse.
		 */
		if (!G.config_pkgs) {
			static char dashdash[] = "--";
			G.config_pkgs = calloc(G.config.npackages + 1, sizeof(char *));
			if (!G.config_pkgs)
				return ge_error_set(GE_ENOMEM, "out of memory");
			G.config_pkgs[0] = dashdash;
			memcpy(G.config_pkgs + 1, G.config.packages,
			       G.config.npackages * sizeof(char *));
		}
		pkgs = G.config_pkgs;
		npkgs = (int)G.config.npackages + 1;
	}
	h->git = G.git;
	h->build.go = G.go;
	h->build.cwd = G.cwd;
	h->build.mods = &G.mods;
	h->build.goflags = G.goflags;
	h->build.verbose = verbose();
	h->build.on_output = print_to_stderr;
	h->build.vendored = vendored_opt;
	/* Progress is for a person watching: a terminal, or GOESCAPE_VERBOSE. */
	h->on_progress = isatty(2) || verbose() ? print_to_stderr : NULL;
	h->on_warning = print_to_stderr;
	h->pkgs = pkgs;
	h->npkgs = (size_t)npkgs;
	return 0;
}

/* The baseline file: configured, or .goescape/baseline.json at the root.  malloc'd. */
static char *default_baseline(void)
{
	return ge_path_join(G.mods.top, G.config.baseline ? G.config.baseline : GE_BASELINE_DEFAULT);
}

/*
 * The configured or default baseline, the way the repository decides it:
 * refused (GE_EBADINPUT) when a symlink on the way leaves the module, else
 * the path with every symlink resolved.  malloc'd into *out.
 */
static int repo_baseline(char **out)
{
	char *joined = default_baseline(), msg[1024];
	int rc;
	*out = NULL;
	if (!joined)
		return ge_error_set(GE_ENOMEM, "out of memory");
	rc = ge_path_check_inside(out, G.mods.top, joined);
	free(joined);
	if (rc < 0 && rc != GE_ENOMEM) {
		snprintf(msg, sizeof(msg), "%s", ge_error_last());
		rc = ge_error_set(rc, "baseline %s", msg);
	}
	return rc;
}

/*
 * Map a library failure to an exit code, printing its message.  A run a
 * signal ended (GE_EINTERRUPTED: the library has removed what it made)
 * prints nothing and dies of that signal.
 */
static int fail_rc(int rc)
{
	if (rc == GE_EINTERRUPTED)
		ge_run_reraise();
	return fail(rc == GE_EBUILD ? EXIT_BUILD : EXIT_USAGE);
}

/*
 * --input cut before a package's block (a build killed after the first
 * packages, a log kept in part) would count that package's escapes as
 * fixed.  A package the base has heap escapes in, whose file is still
 * there, and that has no "# pkg" block in the input: GE_EBADINPUT.
 */
static int input_covers_base(const ge_report *base, const char *input)
{
	const char *seen = NULL; /* the last package found in the input */
	size_t i;
	for (i = 0; i < base->ndiags; i++) {
		const ge_diag *d = &base->diags[i];
		struct stat st;
		char *path;
		int there;
		if (!ge_kind_is_heap(d->kind) || !d->package || !*d->package ||
		    (seen && strcmp(seen, d->package) == 0))
			continue;
		if (ge_capture_input_saw(d->package)) {
			seen = d->package;
			continue;
		}
		if (!(path = ge_path_join(G.mods.top, d->file)))
			return ge_error_set(GE_ENOMEM, "out of memory");
		there = lstat(path, &st) == 0 && S_ISREG(st.st_mode);
		free(path);
		if (there)
			return ge_error_set(GE_EBADINPUT,
			                    "no compiler output for %s in '%s' (the base has heap "
			                    "escapes in '%s'): was the build cut short?",
			                    d->package, input, d->file);
	}
	return 0;
}

/* A report of the working tree: built, or read from --input. */
static int head_report(ge_report **out, ge_history *h, const char *input)
{
	int fd = 0, rc, status = 0;
	if (!input) {
		if (prof.p && !prof.sites && ge_cost_sites_new(&prof.sites, &G.mods, G.cwd) < 0)
			return GE_ENOMEM;
		h->build.sites = prof.sites; /* the head's build only, never the base's */
		rc = ge_history_worktree(out, &status, h);
		h->build.sites = NULL;
		if (ge_run_signalled())
			ge_run_exit_like(status);
		return rc;
	}
	/* The user's own file: a regular file or a FIFO, streamed; never a device. */
	if (strcmp(input, "-") != 0 && (rc = ge_file_open_stream(&fd, input)) < 0)
		return rc == GE_ENOTFOUND ? GE_EBADINPUT : rc;
	rc = ge_capture_input_pkgs(out, fd, input, &G.mods, G.cwd, h->pkgs, h->npkgs, vendored_opt);
	if (fd > 0)
		close(fd);
	return rc;
}

/* A commit's report (note or in-place build). */
static int commit_report(ge_report **out, ge_history *h, const char *commit)
{
	int status = 0, from_note = 0, rc;
	if (!h->git)
		return ge_error_set(GE_EUSAGE, "not inside a git repository");
	rc = ge_history_commit(out, &status, h, commit, &from_note);
	if (ge_run_signalled())
		ge_run_exit_like(status);
	return rc;
}

/* The command line as one string, for SARIF's invocations. */
static char *command_line(void)
{
	ge_buf b = GE_BUF_INIT;
	int i;
	for (i = 0; i < G.argc; i++) {
		if (i)
			ge_buf_putc(&b, ' ');
		if (strpbrk(G.argv[i], " \t'\"")) {
			ge_buf_putc(&b, '\'');
			ge_buf_puts(&b, G.argv[i]);
			ge_buf_putc(&b, '\'');
		} else {
			ge_buf_puts(&b, G.argv[i]);
		}
	}
	return ge_buf_detach(&b);
}

/* One output of check or report: a format and a file (NULL: stdout). */
typedef struct out_spec {
	const char *format;
	const char *file;
} out_spec;

#define MAX_OUTPUTS 8

/*
 * The outputs a command line asks for.  One --format and one -o, in either
 * order, are one output (as always).  Otherwise each --format F starts an
 * output and an -o FILE right after it (before the next --format) is where
 * it goes; a --format without -o goes to stdout, at most one may.  Usage
 * errors exit 2 before anything is built.
 */
static size_t parse_outputs(out_spec *v, const opts *o, int fidx, int oidx, const char *cmd)
{
	size_t n = 0, i, j, nstdout = 0;
	int nf = 0, no = 0, k;
	for (k = 0; k < o->nseq; k++) {
		nf += o->seq[k] == fidx;
		no += o->seq[k] == oidx;
	}
	if (nf <= 1 && no <= 1) {
		v[0].format = o->str[fidx];
		v[0].file = o->str[oidx];
		if (v[0].file && strcmp(v[0].file, "-") == 0)
			v[0].file = NULL;
		return 1;
	}
	for (k = 0; k < o->nseq; k++) {
		if (o->seq[k] == fidx) {
			if (n == MAX_OUTPUTS)
				die_usage("%s: at most %d outputs", cmd, MAX_OUTPUTS);
			v[n].format = o->seqval[k];
			v[n++].file = NULL;
		} else if (o->seq[k] == oidx) {
			if (!n || v[n - 1].file)
				die_usage("%s: with several outputs each -o FILE follows its --format "
					  "(-o '%s')",
					  cmd, o->seqval[k]);
			v[n - 1].file = strcmp(o->seqval[k], "-") == 0 ? "-" : o->seqval[k];
		}
	}
	for (i = 0; i < n; i++) {
		if (v[i].file && strcmp(v[i].file, "-") == 0)
			v[i].file = NULL;
		if (!v[i].file && ++nstdout > 1)
			die_usage("%s: only one output can go to standard output (give the others -o FILE)",
				  cmd);
		for (j = 0; v[i].file && j < i; j++)
			if (v[j].file && strcmp(v[i].file, v[j].file) == 0)
				die_usage("%s: two outputs to '%s'", cmd, v[i].file);
	}
	return n;
}

/* Render r in one format into b.  0, or an exit code after a message. */
static int render_output(ge_buf *b, const ge_report *r, const out_spec *sp, int only_new,
			 const char *cmdname, int exit_code, const ge_markdown_opts *mo)
{
	ge_format fmt = GE_FMT_TEXT;
	ge_emit_opts eo = GE_EMIT_OPTS_INIT;
	ge_sarif_opts so = GE_SARIF_OPTS_INIT;
	ge_markdown_opts md = GE_MARKDOWN_OPTS_INIT;
	char *uri = NULL, *branch = NULL, *cmdline = NULL;
	int code = 0;
	if (sp->format && ge_format_parse(&fmt, sp->format) < 0)
		return fail(EXIT_USAGE);
	if (fmt == GE_FMT_SARIF) {
		so.srcroot = G.mods.top;
		so.repo_root = G.git ? ge_git_workdir(G.git) : NULL;
		if (G.git) {
			uri = ge_git_origin_url(G.git);
			branch = ge_git_branch(G.git);
		}
		so.repo_uri = uri;
		so.branch = branch;
		so.revision = r->commit;
		so.command_line = cmdline = command_line();
		so.exit_code = exit_code;
		so.check = only_new;
		eo.sarif = &so;
	}
	if (mo)
		md = *mo;
	md.only_new = only_new;
	eo.markdown = &md;
	eo.repo_prefix = md.link;
	if (prof.c) {
		eo.cost = prof.c;
		eo.profile_file = prof.file;
		eo.profile_sha256 = prof.p->sha256;
		eo.top = prof.top;
		so.cost = prof.c->diags;
		so.ncost = prof.c->ndiags;
	}
	eo.color = use_color(sp->file);
	eo.only_new = only_new;
	eo.command = cmdname;
	if (ge_emit(b, r, fmt, &eo) < 0)
		code = fail(EXIT_USAGE);
	free(uri);
	free(branch);
	free(cmdline);
	return code;
}

/*
 * Render every output, then write them: the files all or none (staged, each
 * atomic), then standard output.  Nothing is written when any rendering or
 * any file fails.
 */
static int emit_and_write(const ge_report *r, const out_spec *v, size_t n, int only_new,
			  const char *cmdname, int exit_code, const ge_markdown_opts *mo)
{
	ge_buf b[MAX_OUTPUTS];
	ge_stage st = GE_STAGE_INIT;
	size_t i, nfiles = 0;
	int code = 0;
	for (i = 0; i < n; i++) {
		ge_buf z = GE_BUF_INIT;
		b[i] = z;
	}
	for (i = 0; i < n && code == 0; i++) {
		code = render_output(&b[i], r, &v[i], only_new, cmdname, exit_code, mo);
		nfiles += v[i].file != NULL;
	}
	if (code == 0 && n == 1) {
		code = write_output(v[0].file, &b[0]);
	} else if (code == 0) {
		for (i = 0; i < n && code == 0; i++)
			if (v[i].file &&
			    ge_stage_add(&st, v[i].file, NULL, ge_buf_cstr(&b[i]), b[i].len, 0644) < 0)
				code = fail(EXIT_USAGE);
		if (code == 0 && nfiles && ge_stage_commit(&st) < 0)
			code = fail(EXIT_USAGE);
		for (i = 0; i < n && code == 0; i++)
			if (!v[i].file)
				code = write_output(NULL, &b[i]);
	}
	ge_stage_abort(&st);
	for (i = 0; i < n; i++)
		ge_buf_release(&b[i]);
	return code;
}

/* The module's directory relative to the repository's, with '/', for links ("" at the top). */
static char *module_link_prefix(void)
{
	const char *wd = G.git ? ge_git_workdir(G.git) : NULL, *top = G.mods.top;
	size_t n;
	if (!wd || !top)
		return NULL;
	n = strlen(wd);
	while (n && wd[n - 1] == '/')
		n--;
	if (strncmp(top, wd, n) != 0 || (top[n] && top[n] != '/'))
		return NULL;
	top += n;
	while (*top == '/')
		top++;
	if (!*top)
		return ge_strdup("");
	{
		ge_buf b = GE_BUF_INIT;
		if (ge_buf_printf(&b, "%s/", top) < 0) {
			ge_buf_release(&b);
			return NULL;
		}
		return ge_buf_detach(&b);
	}
}

/* ---- --profile (lib/cost) --------------------------------------------- */

/* Read --profile, --profile-sample and --top before any build: a bad profile exits 2. */
static void profile_open(const char *file, const char *sample, const char *top)
{
	if (!file) {
		if (sample || top)
			die_usage("--profile-sample and --top go with --profile");
		return;
	}
	prof.file = file;
	prof.sample = sample ? sample : "alloc_space";
	prof.top = top ? (size_t)strtoul(top, NULL, 10) : 0;
	if (ge_cost_open(&prof.p, file, prof.sample) < 0)
		die_usage("%s", ge_error_last());
}

/* Join the profile with r (sorted, matched, filtered); its warnings to stderr. */
static int profile_join(const ge_report *r)
{
	ge_cost_opts co = GE_COST_OPTS_INIT;
	size_t i;
	int rc;
	if (!prof.p)
		return 0;
	co.sample = prof.sample;
	co.profile_name = prof.file;
	co.mods = &G.mods;
	co.sites = prof.sites;
	if ((rc = ge_cost_join(&prof.c, prof.p, r, &co)) < 0)
		return rc;
	for (i = 0; i < prof.c->nwarnings; i++)
		fprintf(stderr, "%s: warning: %s\n", prog, prof.c->warnings[i]);
	return 0;
}

static void profile_free(void)
{
	ge_cost_free(prof.c);
	ge_pprof_free(prof.p);
	ge_cost_sites_free(prof.sites);
	prof.sites = NULL;
	prof.c = NULL;
	prof.p = NULL;
}

/* Check a --format value before any build is started. */
static void check_format(const char *format)
{
	ge_format f;
	if (format && ge_format_parse(&f, format) < 0)
		die_usage("%s", ge_error_last());
}

/* Whether one of the outputs is format. */
static int outputs_have(const out_spec *v, size_t n, const char *format)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (v[i].format && strcmp(v[i].format, format) == 0)
			return 1;
	return 0;
}

/* ---- commands ---------------------------------------------------------- */

enum {
	REPORT_COMMIT,
	REPORT_FORMAT,
	REPORT_OUTPUT,
	REPORT_INPUT,
	REPORT_VENDORED,
	REPORT_PROFILE,
	REPORT_PROFILE_SAMPLE,
	REPORT_TOP
};
static const opt report_opts[] = {
	{"commit", 0, OPT_STRING, "REV", "the report of a commit: its stored note, or a build of it"},
	{"format", 'f', OPT_STRING, "F",
	 "text (default), json, sarif, github, markdown; repeat '--format F -o FILE' for several"},
	{"output", 'o', OPT_STRING, "FILE", "write the --format before it to FILE (atomically), not stdout"},
	{"input", 0, OPT_STRING, "FILE", "read compiler -m output from FILE ('-' for stdin)"},
	{"vendored", 0, OPT_FLAG, NULL, "report code in vendor/ too (the dependencies')"},
	{"profile", 0, OPT_STRING, "FILE", "rank by the bytes of a Go heap profile (go test -memprofile)"},
	{"profile-sample", 0, OPT_STRING, "T", "alloc_space (default), alloc_objects, inuse_space, inuse_objects"},
	{"top", 0, OPT_INT, "N", "with --profile: show the N costliest escapes and hot lines"},
	{NULL, 0, 0, NULL, NULL}};

static int cmd_report(const command *c, opts *o)
{
	ge_history h = {0};
	ge_report *r = NULL;
	char commit[GE_OID_HEX];
	int rc, code;
	out_spec outs[MAX_OUTPUTS];
	size_t nouts, k;
	ge_markdown_opts mo = GE_MARKDOWN_OPTS_INIT;
	char *link = NULL;
	(void)c;
	nouts = parse_outputs(outs, o, REPORT_FORMAT, REPORT_OUTPUT, "report");
	for (k = 0; k < nouts; k++)
		check_format(outs[k].format);
	vendored_opt = o->set[REPORT_VENDORED];
	if (o->str[REPORT_INPUT] && (o->nrest || o->str[REPORT_COMMIT]))
		die_usage("report: --input does not go with --commit or package patterns");
	profile_open(o->str[REPORT_PROFILE], o->str[REPORT_PROFILE_SAMPLE], o->str[REPORT_TOP]);
	if ((rc = load_history(&h, o->rest, o->nrest)) < 0)
		return fail_rc(rc);
	if (o->str[REPORT_COMMIT]) {
		if (!h.git)
			die_usage("report: --commit needs a git repository");
		if ((rc = ge_git_resolve(h.git, o->str[REPORT_COMMIT], commit)) < 0 ||
		    (rc = commit_report(&r, &h, commit)) < 0)
			return fail_rc(rc);
	} else if ((rc = head_report(&r, &h, o->str[REPORT_INPUT])) < 0) {
		return fail_rc(rc);
	}
	if (!o->str[REPORT_COMMIT] && (rc = ge_config_filter(&G.config, r, G.mods.top)) < 0) {
		ge_report_free(r);
		return fail_rc(rc);
	}
	if ((rc = profile_join(r)) < 0) {
		ge_report_free(r);
		profile_free();
		return fail_rc(rc);
	}
	mo.link = link = module_link_prefix();
	code = emit_and_write(r, outs, nouts, 0, "report", 0, &mo);
	free(link);
	ge_report_free(r);
	profile_free();
	return code;
}

enum { BASELINE_OUTPUT, BASELINE_INPUT, BASELINE_VENDORED };
static const opt baseline_opts[] = {
	{"output", 'o', OPT_STRING, "FILE", "where to write (default .goescape/baseline.json)"},
	{"input", 0, OPT_STRING, "FILE", "read compiler -m output from FILE ('-' for stdin)"},
	{"vendored", 0, OPT_FLAG, NULL, "report code in vendor/ too (the dependencies')"},
	{NULL, 0, 0, NULL, NULL}};

static int cmd_baseline(const command *c, opts *o)
{
	ge_history h = {0};
	ge_report *r = NULL;
	ge_summary s;
	char *path = NULL;
	int rc;
	(void)c;
	vendored_opt = o->set[BASELINE_VENDORED];
	if ((rc = load_history(&h, o->rest, o->nrest)) < 0)
		return fail_rc(rc);
	/* Where it goes first: a baseline path that leaves the module fails before any build. */
	if (o->str[BASELINE_OUTPUT])
		path = ge_strdup(o->str[BASELINE_OUTPUT]);
	else
		(void)repo_baseline(&path);
	if (!path)
		return fail(EXIT_USAGE);
	if ((rc = head_report(&r, &h, o->str[BASELINE_INPUT])) < 0) {
		free(path);
		return fail_rc(rc);
	}
	if (ge_baseline_write(path, r) < 0) {
		free(path);
		ge_report_free(r);
		return fail(EXIT_USAGE);
	}
	ge_report_summary(r, &s);
	fprintf(stderr, "goescape: wrote %zu heap escape%s to '%s'\n", s.heap, s.heap == 1 ? "" : "s",
		o->str[BASELINE_OUTPUT] ? path
					: (G.config.baseline ? G.config.baseline : GE_BASELINE_DEFAULT));
	free(path);
	ge_report_free(r);
	return EXIT_CLEAN;
}

enum {
	CHECK_BASE,
	CHECK_BASELINE,
	CHECK_FORMAT,
	CHECK_OUTPUT,
	CHECK_INPUT,
	CHECK_VENDORED,
	CHECK_REBUILD_BASE,
	CHECK_ALLOW_CONFIG_MISMATCH,
	CHECK_PROFILE,
	CHECK_PROFILE_SAMPLE,
	CHECK_TOP,
	CHECK_FAIL_MIN_BYTES
};
static const opt check_opts[] = {
	{"base", 0, OPT_STRING, "REV", "compare with the merge-base of REV and HEAD"},
	{"baseline", 0, OPT_STRING, "FILE", "compare with a baseline file (default .goescape/baseline.json)"},
	{"format", 'f', OPT_STRING, "F",
	 "text (default), json, sarif, github, markdown; repeat '--format F -o FILE' for several"},
	{"output", 'o', OPT_STRING, "FILE", "write the --format before it to FILE (atomically), not stdout"},
	{"input", 0, OPT_STRING, "FILE", "read the head's compiler -m output from FILE ('-' for stdin)"},
	{"vendored", 0, OPT_FLAG, NULL, "report code in vendor/ too (the dependencies')"},
	{"rebuild-base", 0, OPT_FLAG, NULL, "build the base even when its report is stored (and store it again)"},
	{"allow-config-mismatch", 0, OPT_FLAG, NULL,
	 "compare with a baseline recorded under another build configuration (a warning, not exit 2)"},
	{"profile", 0, OPT_STRING, "FILE", "rank by the bytes of a Go heap profile (go test -memprofile)"},
	{"profile-sample", 0, OPT_STRING, "T", "alloc_space (default), alloc_objects, inuse_space, inuse_objects"},
	{"top", 0, OPT_INT, "N", "with --profile: show the N costliest escapes and hot lines"},
	{"fail-min-bytes", 0, OPT_STRING, "N",
	 "with --profile: fail only on new escapes costing at least N bytes (64K, 1M)"},
	{NULL, 0, 0, NULL, NULL}};

/*
 * A baseline recorded under another build configuration than the one the
 * head is built with: one line, and exit 2 unless allowed.  Only the Go
 * patch release differing is the older warning of the caller.  *warned
 * tells the caller a line was printed.
 */
static int baseline_config_ok(const ge_report *base, ge_history *h, const char *shown, int allow,
			      int *warned)
{
	const ge_goconfig *now = NULL;
	ge_buf what = GE_BUF_INIT;
	int d;
	*warned = 0;
	if (!base->config || ge_history_config(&now, h) < 0)
		return 1; /* an older baseline, or nothing to compare with: as before */
	d = ge_goconfig_compare(base->config, now, &what);
	if (d == 2) {
		fprintf(stderr,
			allow ? "%s: warning: the baseline '%s' was recorded under another build "
				"configuration (%s)\n"
			      : "%s: the baseline '%s' was recorded under another build configuration "
				"(%s): record it again with 'goescape baseline', or compare anyway "
				"with --allow-config-mismatch\n",
			prog, shown, ge_buf_cstr(&what));
		*warned = 1;
	}
	ge_buf_release(&what);
	return d < 2 || allow;
}

static int cmd_check(const command *c, opts *o)
{
	ge_history h = {0};
	ge_report *head = NULL, *base = NULL;
	char rev[GE_OID_HEX], headc[GE_OID_HEX], mb[GE_OID_HEX];
	const char *base_commit = NULL;
	char *blpath = NULL;
	size_t failing;
	int64_t min_bytes = 0;
	int rc, code, cfg_warned = 0;
	out_spec outs[MAX_OUTPUTS];
	size_t nouts, k;
	ge_markdown_opts mo = GE_MARKDOWN_OPTS_INIT;
	unsigned char *marks = NULL;
	char *link = NULL;
	ge_buf basedesc = GE_BUF_INIT;
	(void)c;
	nouts = parse_outputs(outs, o, CHECK_FORMAT, CHECK_OUTPUT, "check");
	for (k = 0; k < nouts; k++)
		check_format(outs[k].format);
	vendored_opt = o->set[CHECK_VENDORED];
	if (o->str[CHECK_BASE] && o->str[CHECK_BASELINE])
		die_usage("check: give --base or --baseline, not both");
	if (o->set[CHECK_REBUILD_BASE] && !o->str[CHECK_BASE])
		die_usage("check: --rebuild-base goes with --base");
	if (o->str[CHECK_FAIL_MIN_BYTES] &&
	    (!o->str[CHECK_PROFILE] ||
	     ge_cost_parse_bytes(&min_bytes, o->str[CHECK_FAIL_MIN_BYTES], "--fail-min-bytes") < 0))
		die_usage("check: %s", o->str[CHECK_PROFILE]
		                           ? ge_error_last()
		                           : "--fail-min-bytes goes with --profile");
	profile_open(o->str[CHECK_PROFILE], o->str[CHECK_PROFILE_SAMPLE], o->str[CHECK_TOP]);
	if ((rc = load_history(&h, o->rest, o->nrest)) < 0)
		return fail_rc(rc);
	h.rebuild = o->set[CHECK_REBUILD_BASE];
	/* The base first: a bad revision or baseline fails before any build. */
	if (o->str[CHECK_BASE]) {
		if (!h.git)
			die_usage("check: --base needs a git repository");
		if ((rc = ge_git_resolve(h.git, o->str[CHECK_BASE], rev)) < 0)
			return fail_rc(rc);
		if ((rc = ge_git_head(h.git, headc)) < 0)
			return fail_rc(rc);
		if ((rc = ge_git_merge_base(h.git, rev, headc, mb)) < 0)
			return fail_rc(rc);
		base_commit = mb;
	} else {
		if (o->str[CHECK_BASELINE])
			blpath = ge_strdup(o->str[CHECK_BASELINE]);
		else
			(void)repo_baseline(&blpath);
		if (!blpath)
			return fail(EXIT_USAGE);
		if ((rc = ge_baseline_load(&base, blpath)) < 0) {
			free(blpath);
			return fail_rc(rc);
		}
		free(blpath);
		if (!o->str[CHECK_INPUT] &&
		    !baseline_config_ok(base, &h,
					o->str[CHECK_BASELINE] ? o->str[CHECK_BASELINE]
					: G.config.baseline    ? G.config.baseline
							       : GE_BASELINE_DEFAULT,
					o->set[CHECK_ALLOW_CONFIG_MISMATCH], &cfg_warned)) {
			ge_report_free(base);
			return EXIT_USAGE;
		}
		/* Named packages: the baseline's other packages are not compared. */
		if ((rc = ge_capture_keep_named(base, h.pkgs, h.npkgs, &G.mods, G.cwd)) < 0) {
			ge_report_free(base);
			return fail_rc(rc);
		}
		if (h.git && base->commit && ge_git_resolve(h.git, base->commit, rev) == 0)
			base_commit = rev;
	}
	if ((rc = head_report(&head, &h, o->str[CHECK_INPUT])) < 0)
		goto failed;
	if (!base && (rc = commit_report(&base, &h, base_commit)) < 0)
		goto failed;
	if (o->str[CHECK_INPUT] && (rc = input_covers_base(base, o->str[CHECK_INPUT])) < 0)
		goto failed;
	if (!cfg_warned && base->go_version && head->go_version &&
	    strcmp(base->go_version, head->go_version))
		fprintf(stderr, "%s: warning: the base was analysed with %s, the head with %s\n", prog,
			base->go_version, head->go_version);
	if ((rc = ge_history_match(head, base, &h, base_commit, NULL)) < 0)
		goto failed;
	if ((rc = ge_config_filter(&G.config, head, G.mods.top)) < 0)
		goto failed;
	failing = ge_config_failing(&G.config, head);
	if ((rc = profile_join(head)) < 0)
		goto failed;
	if (prof.c && (min_bytes > 0 || G.config.fail_min_share > 0))
		failing = ge_cost_failing(head, prof.c, G.config.fail_on, min_bytes,
		                          G.config.fail_min_share);
	if (failing) {
		size_t covered = 0;
		marks = calloc(head->ndiags ? head->ndiags : 1, 1);
		if (marks && ge_suggest_covered_each(&covered, marks, head, G.mods.top) == 0 && covered)
			fprintf(stderr,
				"goescape: %zu of the new heap escapes match a rewrite; see "
				"'goescape suggest'\n",
				covered);
	}
	if (failing && !o->str[CHECK_INPUT] && outputs_have(outs, nouts, "sarif") &&
	    (rc = ge_history_explain(&h, head)) < 0)
		goto failed;
	if (o->str[CHECK_BASE])
		(void)ge_buf_printf(&basedesc, "the merge-base %.12s of %s", mb, o->str[CHECK_BASE]);
	else
		(void)ge_buf_printf(&basedesc, "the baseline %s",
				    o->str[CHECK_BASELINE] ? o->str[CHECK_BASELINE]
				    : G.config.baseline    ? G.config.baseline
							   : GE_BASELINE_DEFAULT);
	mo.base = basedesc.len ? ge_buf_cstr(&basedesc) : NULL;
	mo.link = link = module_link_prefix();
	mo.suggest = marks;
	code = emit_and_write(head, outs, nouts, 1, "check", failing ? EXIT_NEW : EXIT_CLEAN, &mo);
	if (code == EXIT_CLEAN && failing)
		code = EXIT_NEW;
	free(marks);
	free(link);
	ge_buf_release(&basedesc);
	ge_report_free(head);
	ge_report_free(base);
	profile_free();
	return code;
failed:
	free(marks);
	ge_buf_release(&basedesc);
	ge_report_free(head);
	ge_report_free(base);
	profile_free();
	return fail_rc(rc);
}

enum { LOG_N };
static const opt log_opts[] = {
	{"max-count", 'n', OPT_INT, "N", "show N commits (default 20)"},
	{NULL, 0, 0, NULL, NULL}};

static int cmd_log(const command *c, opts *o)
{
	ge_history h = {0};
	char commit[GE_OID_HEX], parent[GE_OID_HEX];
	long n = o->str[LOG_N] ? strtol(o->str[LOG_N], NULL, 10) : 20, i;
	int rc;
	(void)c;
	if (o->nrest > 1)
		die_usage("log: at most one revision");
	if ((rc = load_history(&h, NULL, 0)) < 0)
		return fail_rc(rc);
	if (!h.git)
		die_usage("log: needs a git repository");
	if ((rc = ge_git_resolve(h.git, o->nrest ? o->rest[0] : "HEAD", commit)) < 0)
		return fail_rc(rc);
	for (i = 0; i < n && commit[0]; i++) {
		ge_buf note = GE_BUF_INIT, pnote = GE_BUF_INIT;
		ge_report *r = NULL, *p = NULL;
		char *subject = NULL;
		if ((rc = ge_git_commit_info(h.git, commit, &subject, parent)) < 0)
			return fail_rc(rc);
		/* Only reports of the configuration a build here would have. */
		if (ge_history_note(&r, &h, commit) == 0) {
			ge_summary s;
			if (parent[0] && ge_history_note(&p, &h, parent) == 0 &&
			    ge_history_match(r, p, &h, parent, commit) == 0) {
				ge_report_summary(r, &s);
				char delta[48];
				snprintf(delta, sizeof(delta), "+%zu -%zu", s.new_, s.fixed);
				printf("%.7s %6zu  %-6s  %s\n", commit, s.heap, delta, subject);
			} else {
				ge_report_summary(r, &s);
				printf("%.7s %6zu  %-6s  %s\n", commit, s.heap, parent[0] ? "?" : "", subject);
			}
		} else {
			printf("%.7s %6s  %-6s  %s\n", commit, "?", "", subject);
		}
		ge_report_free(r);
		ge_report_free(p);
		ge_buf_release(&note);
		ge_buf_release(&pnote);
		free(subject);
		memcpy(commit, parent, sizeof(commit));
	}
	return EXIT_CLEAN;
}

static const opt hook_opts[] = {{NULL, 0, 0, NULL, NULL}};

/* Read all of standard input (the pre-push ref lines). */
static int read_stdin(ge_buf *b)
{
	char chunk[4096];
	ssize_t n;
	while ((n = read(0, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return ge_error_errno(GE_ERROR, "cannot read the pre-push input");
		}
		if (ge_buf_put(b, chunk, (size_t)n) < 0)
			return GE_ENOMEM;
		if (b->len > (1u << 24))
			return ge_error_set(GE_EBADINPUT, "pre-push input is too long");
	}
	return 0;
}

static int hook_prepush(const char *remote)
{
	ge_buf in = GE_BUF_INIT;
	ge_prepush_ref *refs = NULL;
	ge_prepush_result *res = NULL;
	ge_history h = {0};
	size_t n = 0, i, j, failing = 0, pushed = 0;
	const char *skip = getenv("GOESCAPE_SKIP"), *pc_to = getenv("PRE_COMMIT_TO_REF");
	const char *first_base = NULL;
	int rc, precommit;
	if (skip && strcmp(skip, "1") == 0)
		return EXIT_CLEAN;
	/* git always gives a pipe; a terminal has no ref lines to wait for. */
	if ((!isatty(0) && (rc = read_stdin(&in)) < 0) ||
	    (rc = ge_prepush_parse(&refs, &n, ge_buf_cstr(&in), in.len)) < 0) {
		ge_buf_release(&in);
		return fail_rc(rc);
	}
	ge_buf_release(&in);
	/* pre-commit passes no lines but exports the first ref it checks. */
	precommit = n == 0 && getenv("PRE_COMMIT");
	for (i = 0; i < n; i++)
		pushed += !ge_oid_is_zero(refs[i].local_oid);
	if (!pushed && !precommit) {
		free(refs);
		return EXIT_CLEAN; /* nothing to push, or only deletions */
	}
	if (precommit && !(pc_to && *pc_to)) {
		fprintf(stderr, "goescape: pre-commit gave no pushed commit (PRE_COMMIT_TO_REF); "
				"nothing to check\n");
		free(refs);
		return EXIT_CLEAN;
	}
	rc = load_modules();
	if (rc == 0)
		rc = load_history(&h, NULL, 0);
	else if (rc == GE_ENOTFOUND) {
		fprintf(stderr, "goescape: no go.mod in '%s' or above; nothing to check\n", G.cwd);
		free(refs);
		return EXIT_CLEAN;
	}
	if (rc < 0 || !h.git) {
		free(refs);
		rc = rc < 0 ? fail_rc(rc) : fail(EXIT_USAGE);
		fprintf(stderr, "goescape: the pre-push check could not run; push anyway with "
				"'git push --no-verify' or GOESCAPE_SKIP=1\n");
		return rc;
	}
	if (precommit) {
		/* Object ids from the pre-push hook; revision names from 'pre-commit run'. */
		const char *from = getenv("PRE_COMMIT_FROM_REF"), *to = pc_to;
		char fromc[GE_OID_HEX], toc[GE_OID_HEX];
		if (from && *from && ge_git_resolve(h.git, from, fromc) == 0)
			from = fromc;
		if (ge_git_resolve(h.git, to, toc) == 0)
			to = toc;
		rc = ge_prepush_from_precommit(&in, from, to, getenv("PRE_COMMIT_LOCAL_BRANCH"),
					       getenv("PRE_COMMIT_REMOTE_BRANCH"));
		if (rc == 0)
			rc = ge_prepush_parse(&refs, &n, ge_buf_cstr(&in), in.len);
		ge_buf_release(&in);
		if (rc < 0)
			return fail_rc(rc);
	}
	if (!(res = calloc(n, sizeof(*res)))) {
		free(refs);
		return fail(EXIT_USAGE);
	}
	rc = ge_prepush_analyse(res, &h, remote, refs, n);
	if (ge_run_signalled())
		ge_run_exit_like(0);
	for (i = 0; i < n; i++) {
		ge_report *r = res[i].report;
		size_t nf;
		if (res[i].base_broken)
			fprintf(stderr, "goescape: %s: the base %.12s does not build; nothing to "
					"compare with\n",
				refs[i].local_ref, res[i].base);
		if (!r)
			continue;
		if (rc == 0 && ge_config_filter(&G.config, r, NULL) < 0)
			rc = GE_ENOMEM;
		nf = ge_config_failing(&G.config, r);
		if (nf) {
			fprintf(stderr, "goescape: %s adds %zu heap escape%s (against %.12s):\n",
				refs[i].local_ref, nf, nf == 1 ? "" : "s", res[i].base);
			for (j = 0; j < r->ndiags; j++) {
				const ge_diag *d = &r->diags[j];
				if (d->status != GE_STATUS_NEW || !G.config.fail_on[d->kind])
					continue;
				fprintf(stderr, "%s:%u:%u: %s: %s", d->file, d->line, d->column,
				        d->function[0] ? d->function : "(package level)",
				        d->message);
				if (ge_diag_count(d) > 1)
					fprintf(stderr, " \xc3\x97%u", ge_diag_count(d));
				fputc('\n', stderr);
			}
			failing += nf;
			if (!first_base)
				first_base = res[i].base;
		}
		ge_report_free(r);
	}
	if (rc < 0) {
		free(res);
		free(refs);
		rc = fail_rc(rc);
		fprintf(stderr, "goescape: %s; push anyway with 'git push --no-verify' or "
				"GOESCAPE_SKIP=1\n",
			rc == EXIT_BUILD ? "a pushed commit does not build"
					 : "the pre-push check could not run");
		return rc;
	}
	if (failing)
		fprintf(stderr, "goescape: with the pushed commit checked out, see them with "
				"'goescape check --base %.12s' and fixes with 'goescape suggest'; "
				"push anyway with 'git push --no-verify' or GOESCAPE_SKIP=1\n",
			first_base);
	free(res);
	free(refs);
	return failing ? EXIT_NEW : EXIT_CLEAN;
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
		die_usage("hook: unknown action '%s' (want install, uninstall, pre-push)", o->rest[0]);
	if (o->nrest != 1)
		die_usage("hook %s: takes no arguments", o->rest[0]);
	if (!G.git_tried) {
		G.git_tried = 1;
		if ((rc = ge_git_open(&G.git, G.cwd)) < 0)
			return fail_rc(rc);
	}
	rc = strcmp(o->rest[0], "install") == 0 ? ge_hook_install(G.git, &msg)
						 : ge_hook_uninstall(G.git, &msg);
	if (rc < 0)
		return fail_rc(rc);
	for (line = msg; line && *line; line = nl ? nl + 1 : line + strlen(line)) {
		nl = strchr(line, '\n');
		fprintf(stderr, "goescape: %.*s\n", nl ? (int)(nl - line) : (int)strlen(line), line);
	}
	free(msg);
	return EXIT_CLEAN;
}

enum { SUGGEST_APPLY, SUGGEST_FORMAT, SUGGEST_OUTPUT, SUGGEST_TEST };
static const opt suggest_opts[] = {
	{"apply", 0, OPT_FLAG, NULL, "write the verified edits to the module's files"},
	{"format", 'f', OPT_STRING, "F", "diff (default, for git apply / patch -p1), json, sarif"},
	{"output", 'o', OPT_STRING, "FILE", "write to FILE (atomically) instead of stdout"},
	{"test", 0, OPT_FLAG, NULL, "also run the changed packages' tests under the edits"},
	{NULL, 0, 0, NULL, NULL}};

static int cmd_suggest(const command *c, opts *o)
{
	ge_history h;
	ge_suggest_opts so = GE_SUGGEST_OPTS_INIT;
	ge_suggest_result *r = NULL;
	ge_buf b = GE_BUF_INIT, wd = GE_BUF_INIT, prefix = GE_BUF_INIT;
	const char *format = o->str[SUGGEST_FORMAT] ? o->str[SUGGEST_FORMAT] : "diff", *sub;
	int rc, code;
	(void)c;
	if (strcmp(format, "diff") != 0 && strcmp(format, "json") != 0 && strcmp(format, "sarif") != 0)
		die_usage("suggest: unknown format '%s' (want diff, json or sarif)", format);
	if ((rc = load_history(&h, o->rest, o->nrest)) < 0)
		return fail_rc(rc);
	so.build = h.build;
	so.pkgs = h.pkgs;
	so.npkgs = h.npkgs;
	so.run_tests = o->set[SUGGEST_TEST];
	if (h.git && ge_buf_printf(&wd, "%s/goescape/suggest", ge_git_commondir(h.git)) == 0)
		so.workdir = wd.ptr;
	rc = ge_suggest_run(&r, &so);
	ge_buf_release(&wd);
	if (ge_run_signalled())
		ge_run_exit_like(0);
	if (rc < 0)
		return fail_rc(rc);
	/* Diff paths from the top of the repository, so git apply works anywhere in it. */
	sub = h.git && ge_git_workdir(h.git) ? ge_path_within(G.mods.top, ge_git_workdir(h.git))
					     : NULL;
	if (sub && ge_buf_printf(&prefix, "%s/", sub) < 0) {
		ge_suggest_result_free(r);
		return fail(EXIT_USAGE);
	}
	if (strcmp(format, "sarif") == 0) {
		ge_sarif_opts sa = GE_SARIF_OPTS_INIT;
		char *uri = G.git ? ge_git_origin_url(G.git) : NULL;
		char *branch = G.git ? ge_git_branch(G.git) : NULL, *cmdline = command_line();
		char head[GE_OID_HEX] = "";
		if (G.git)
			(void)ge_git_head(G.git, head);
		sa.srcroot = G.mods.top;
		sa.repo_root = G.git ? ge_git_workdir(G.git) : NULL;
		sa.repo_uri = uri;
		sa.branch = branch;
		sa.revision = head[0] ? head : NULL;
		sa.command_line = cmdline;
		rc = ge_suggest_sarif(&b, r, &sa);
		free(uri);
		free(branch);
		free(cmdline);
	} else {
		rc = strcmp(format, "json") == 0 ? ge_suggest_json(&b, r)
						 : ge_suggest_diff(&b, r, ge_buf_cstr(&prefix));
	}
	ge_buf_release(&prefix);
	code = rc < 0 ? fail(EXIT_USAGE) : write_output(o->str[SUGGEST_OUTPUT], &b);
	if (code == EXIT_CLEAN && o->set[SUGGEST_APPLY] && ge_suggest_apply(r, G.mods.top) < 0)
		code = fail(EXIT_USAGE);
	if (code == EXIT_CLEAN)
		fprintf(stderr,
			"goescape: %zu suggestion%s verified%s (%zu candidate%s, %zu left alone); heap "
			"escapes %zu -> %zu; %u go run%s, %u round%s\n",
			r->nitems, r->nitems == 1 ? "" : "s",
			o->set[SUGGEST_APPLY] && r->nfiles ? " and applied" : "", r->candidates,
			r->candidates == 1 ? "" : "s", r->nskipped, r->heap_before, r->heap_after,
			r->go_runs, r->go_runs == 1 ? "" : "s", r->rounds, r->rounds == 1 ? "" : "s");
	ge_buf_release(&b);
	ge_suggest_result_free(r);
	return code;
}

static const command commands[] = {
	{"report", "[--commit REV] [--format F [-o FILE]]... [--input FILE] [PKG...]",
	 "Build the packages (default: every package of the module) with escape analysis\n"
	 "on and print every heap escape, grouped by file and function.  Several outputs\n"
	 "from one build: '--format sarif -o a.sarif --format markdown -o s.md --format text'\n"
	 "(each -o is for the --format before it; the files are written all or none).",
	 report_opts, cmd_report},
	{"baseline", "[-o FILE] [PKG...]",
	 "Record today's heap escapes as the baseline file that 'check' compares with.",
	 baseline_opts, cmd_baseline},
	{"check",
	 "[--base REV [--rebuild-base] | --baseline FILE [--allow-config-mismatch]] "
	 "[--format F [-o FILE]]... [--input FILE] [PKG...]",
	 "Report only the heap escapes that are new against a base revision or a baseline\n"
	 "file; exit 1 when there are any.  Several outputs from one build: repeat\n"
	 "'--format F -o FILE' (one --format without -o goes to stdout), e.g.\n"
	 "'--format sarif -o a.sarif --format markdown -o s.md --format github'.",
	 check_opts, cmd_check},
	{"log", "[-n N] [REV]",
	 "Heap escapes per commit from stored history (refs/notes/goescape), with +new -fixed\n"
	 "against the parent; '?' where a commit has no note.",
	 log_opts, cmd_log},
	{"hook", "install | uninstall | pre-push REMOTE URL",
	 "Install (or remove) the git pre-push hook that refuses a push adding heap\n"
	 "escapes; 'pre-push' is what the hook runs (ref lines on standard input).\n"
	 "Bypass with 'git push --no-verify' or GOESCAPE_SKIP=1.",
	 hook_opts, cmd_hook},
	{"suggest", "[--apply] [--format diff|json] [--test] [-o FILE] [PKG...]",
	 "Rewrite integer formatting (strconv.Itoa / fmt.Sprintf(\"%d\") into []byte,\n"
	 "fmt.Sprint of integers) into strconv.Append* over stack buffers, keeping only\n"
	 "rewrites the compiler verifies remove heap escapes; print them as a diff.",
	 suggest_opts, cmd_suggest},
	{NULL, NULL, NULL, NULL, NULL}};

static void usage(FILE *f)
{
	const command *c;
	fprintf(f, "usage: goescape <go-subcommand> [args...]   build/install are captured, the rest run go\n"
		   "       goescape <command> [options] [PKG...]\n\ncommands:\n");
	for (c = commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->args);
	fprintf(f, "\n  --version  goescape's version     --help  this text\n"
		   "\nA captured build prints one summary line; GOESCAPE_VERBOSE=1 shows the\n"
		   "compiler's -m lines too.  GOESCAPE_GO names the real go.\n"
		   "Exit codes: 0 nothing new, 1 new heap escapes, 2 usage or bad input, 3 go build failed.\n");
}

/* ---- the go drop-in ---------------------------------------------------- */

static int run_go(int argc, char **argv)
{
	char **gargv;
	int i, rc, status = 0, mods_rc = -1;
	ge_report *r = NULL;
	ge_capture_opts co = GE_CAPTURE_OPTS_INIT;
	ge_git_state before;
	int storable = 0;

	if (load_go() < 0)
		return fail(EXIT_USAGE);
	if (ge_gocmd_capture_args(argv, (size_t)(argc > 0 ? argc : 0))) {
		/* With -C, go works in DIR: so do the modules it builds. */
		char *dir = go_chdir(argc, argv);
		mods_rc = load_modules_at(dir);
		free(dir);
	}
	if (!ge_gocmd_capture_args(argv, (size_t)(argc > 0 ? argc : 0)) || mods_rc < 0) {
		/* Not captured, or outside any module: this is plain go. */
		gargv = calloc((size_t)argc + 2, sizeof(*gargv));
		if (!gargv)
			return fail(EXIT_USAGE);
		gargv[0] = G.go;
		for (i = 0; i < argc; i++)
			gargv[i + 1] = argv[i];
		ge_run_exec(gargv);
		free(gargv);
		return fail(EXIT_USAGE);
	}
	co.go = G.go;
	co.args = argv;
	co.nargs = (size_t)argc;
	co.cwd = G.cwd;
	co.mods = &G.mods;
	co.goflags = G.goflags;
	co.verbose = verbose();
	co.on_output = print_to_stderr;
	co.on_json = print_to_stdout;
	{
		/* A build that may be stored as HEAD's note: what it will see, first. */
		ge_history h;
		/* No git at all (not even libgit2's init) for a build never stored. */
		storable = ge_history_args_storable(&G.mods, G.cwd, argv, (size_t)argc) &&
		           load_history(&h, NULL, 0) == 0 &&
		           ge_history_build_storable(&h, argv, (size_t)argc) &&
		           ge_git_state_read(h.git, &before) == 0;
	}
	rc = ge_capture_build(&r, &status, &co);
	if (rc == GE_EINTERRUPTED)
		ge_run_exit_like(status);
	if (rc < 0)
		return fail(EXIT_USAGE);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && !ge_run_signalled()) {
		ge_buf b = GE_BUF_INIT;
		ge_history h;
		if (storable && load_history(&h, NULL, 0) == 0)
			(void)ge_history_store_build(&h, r, &before);
		if (ge_emit_build_summary(&b, r) == 0)
			fprintf(stderr, "%s\n", b.ptr);
		ge_buf_release(&b);
	}
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
	int rc;

	base = base ? base + 1 : argv[0];
	(void)clock_gettime(CLOCK_REALTIME, &G.started);
	G.argc = argc;
	G.argv = argv;
	if (!getcwd(G.cwd, sizeof(G.cwd))) {
		fprintf(stderr, "%s: cannot find the current directory: %s\n", prog, strerror(errno));
		return EXIT_USAGE;
	}
	n = readlink("/proc/self/exe", G.self, sizeof(G.self) - 1);
	if (n > 0)
		G.self[n] = '\0';
	else
		snprintf(G.self, sizeof(G.self), "%s", argv[0]);
	if (ge_goenv_lookup(&G.goflags, "GOFLAGS") < 0)
		return fail(EXIT_USAGE);

	/* Masquerade: invoked as "go", everything is a go subcommand. */
	if (strcmp(base, "go") == 0)
		return run_go(argc - 1, argv + 1);

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return EXIT_CLEAN;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("goescape %s\n", ge_version());
		return EXIT_CLEAN;
	}
	for (c = commands; c->name; c++)
		if (strcmp(argv[1], c->name) == 0) {
			parse_opts(&o, c, argc - 2, argv + 2);
			rc = c->run(c, &o);
			/* A signal ended the run, whatever the command made of it. */
			ge_run_reraise();
			free(o.rest);
			free(G.go);
			free(G.goflags);
			ge_git_free(G.git);
			free(G.config_pkgs);
			ge_config_release(&G.config);
			ge_modset_release(&G.mods);
			return rc;
		}
	return run_go(argc - 1, argv + 1);
}
