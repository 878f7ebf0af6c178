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
#include <sys/wait.h>
#include <unistd.h>

#include "capture.h"
#include "common.h"
#include "emit.h"
#include "gocmd.h"
#include "report.h"
#include "run.h"

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
	}
}

/* ---- shared context ---------------------------------------------------- */

typedef struct ctx {
	char cwd[PATH_MAX];
	char self[PATH_MAX];
	char *go;
	ge_modset mods;
	char *goflags;
} ctx;

static ctx G;

static int load_go(void)
{
	if (G.go)
		return 0;
	return ge_gocmd_find_go(&G.go, getenv("GOESCAPE_GO"), getenv("PATH"), G.self);
}

static int load_modules(void)
{
	char *gowork = NULL;
	int rc;
	if (G.mods.n)
		return 0;
	if ((rc = ge_goenv_lookup(&gowork, "GOWORK")) < 0)
		return rc;
	rc = ge_modset_find(&G.mods, G.cwd, gowork);
	free(gowork);
	return rc;
}

static void print_to_stderr(const char *line, size_t len, void *ud)
{
	(void)ud;
	fwrite(line, 1, len, stderr);
	fputc('\n', stderr);
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

/*
 * Capture a build of pkgs (default: every package of the main modules) with
 * its binary discarded, as report/baseline/check need.
 */
static int build_report(ge_report **out, char **pkgs, int npkgs, int *exit_code)
{
	ge_capture_opts co = GE_CAPTURE_OPTS_INIT;
	char **args = NULL;
	size_t nargs = 0, i;
	int status = 0, rc;
	*exit_code = 0;
	if ((rc = load_go()) < 0 || (rc = load_modules()) < 0) {
		*exit_code = fail(EXIT_USAGE);
		return rc;
	}
	args = calloc((size_t)npkgs + G.mods.n + 4, sizeof(*args));
	if (!args) {
		*exit_code = fail(EXIT_USAGE);
		return GE_ENOMEM;
	}
	static char a_build[] = "build", a_o[] = "-o", a_null[] = "/dev/null";
	args[nargs++] = a_build;
	args[nargs++] = a_o;
	args[nargs++] = a_null;
	if (npkgs)
		for (i = 0; i < (size_t)npkgs; i++)
			args[nargs++] = pkgs[i];
	else
		for (i = 0; i < G.mods.n; i++) {
			ge_buf b = GE_BUF_INIT;
			ge_buf_printf(&b, "%s/...", G.mods.mods[i].path);
			args[nargs++] = ge_buf_detach(&b);
		}
	co.go = G.go;
	co.args = args;
	co.nargs = nargs;
	co.cwd = G.cwd;
	co.mods = &G.mods;
	co.goflags = G.goflags;
	co.verbose = getenv("GOESCAPE_VERBOSE") && strcmp(getenv("GOESCAPE_VERBOSE"), "0");
	co.on_output = print_to_stderr;
	rc = ge_capture_build(out, &status, &co);
	if (!npkgs)
		for (i = 3; i < nargs; i++)
			free(args[i]);
	free(args);
	if (rc < 0) {
		*exit_code = fail(EXIT_USAGE);
		return rc;
	}
	if (ge_run_signalled())
		ge_run_exit_like(status);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (WIFSIGNALED(status))
			ge_run_exit_like(status);
		fprintf(stderr, "%s: go build failed (exit status %d)\n", prog,
			WIFEXITED(status) ? WEXITSTATUS(status) : 1);
		*exit_code = EXIT_BUILD;
		ge_report_free(*out);
		*out = NULL;
		return GE_EBUILD;
	}
	return 0;
}

/* A report from --input (FILE or - for stdin). */
static int input_report(ge_report **out, const char *input, int *exit_code)
{
	int fd = 0, rc;
	if ((rc = load_modules()) < 0) {
		*exit_code = fail(EXIT_USAGE);
		return rc;
	}
	if (strcmp(input, "-") != 0 && (fd = open(input, O_RDONLY | O_CLOEXEC)) < 0) {
		ge_error_errno(GE_ERROR, "cannot read '%s'", input);
		*exit_code = fail(EXIT_USAGE);
		return GE_ERROR;
	}
	rc = ge_capture_input(out, fd, strcmp(input, "-") ? input : "<stdin>", &G.mods, G.cwd);
	if (fd > 0)
		close(fd);
	if (rc < 0)
		*exit_code = fail(EXIT_USAGE);
	return rc;
}

/* ---- commands ---------------------------------------------------------- */

enum { REPORT_COMMIT, REPORT_FORMAT, REPORT_OUTPUT, REPORT_INPUT };
static const opt report_opts[] = {
	{"commit", 0, OPT_STRING, "REV", "report for this commit (stored history) [not yet]"},
	{"format", 'f', OPT_STRING, "F", "text (default), json, github"},
	{"output", 'o', OPT_STRING, "FILE", "write to FILE (atomically) instead of stdout"},
	{"input", 0, OPT_STRING, "FILE", "read compiler -m output from FILE ('-' for stdin)"},
	{NULL, 0, 0, NULL, NULL}};

static int cmd_report(const command *c, opts *o)
{
	ge_report *r = NULL;
	ge_buf b = GE_BUF_INIT;
	ge_format fmt = GE_FMT_TEXT;
	ge_emit_opts eo = GE_EMIT_OPTS_INIT;
	int code = 0;
	(void)c;
	if (o->str[REPORT_FORMAT] && ge_format_parse(&fmt, o->str[REPORT_FORMAT]) < 0)
		return fail(EXIT_USAGE);
	if (o->set[REPORT_COMMIT])
		die_usage("report: --commit needs stored history, which this build does not have yet");
	if (o->str[REPORT_INPUT]) {
		if (o->nrest)
			die_usage("report: --input and package patterns do not go together");
		if (input_report(&r, o->str[REPORT_INPUT], &code) < 0)
			return code;
	} else if (build_report(&r, o->rest, o->nrest, &code) < 0) {
		return code;
	}
	eo.color = use_color(o->str[REPORT_OUTPUT]);
	if (ge_emit(&b, r, fmt, &eo) < 0)
		code = fail(EXIT_USAGE);
	else
		code = write_output(o->str[REPORT_OUTPUT], &b);
	ge_buf_release(&b);
	ge_report_free(r);
	return code;
}

static const command commands[] = {
	{"report", "[--format F] [-o FILE] [--input FILE] [PKG...]",
	 "Build the packages (default: the whole module) with escape analysis on and\n"
	 "print every heap escape, grouped by file and function.",
	 report_opts, cmd_report},
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
	int i, rc, status = 0;
	ge_report *r = NULL;
	ge_capture_opts co = GE_CAPTURE_OPTS_INIT;

	if (load_go() < 0)
		return fail(EXIT_USAGE);
	if (argc < 1 || !ge_gocmd_is_captured(argv[0]) || load_modules() < 0) {
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
	co.verbose = getenv("GOESCAPE_VERBOSE") && strcmp(getenv("GOESCAPE_VERBOSE"), "0");
	co.on_output = print_to_stderr;
	rc = ge_capture_build(&r, &status, &co);
	if (rc < 0)
		return fail(EXIT_USAGE);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && !ge_run_signalled()) {
		ge_buf b = GE_BUF_INIT;
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
			free(o.rest);
			free(G.go);
			free(G.goflags);
			ge_modset_release(&G.mods);
			return rc;
		}
	return run_go(argc - 1, argv + 1);
}
