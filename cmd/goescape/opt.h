/*
 * cmd/goescape/opt: the command and option tables' machinery.
 *
 * As in libgit2's src/cli/opt.c, each option row points at the variable it
 * sets, so a table is both the parser and the documentation: --help, the
 * top-level synopsis, shell completion and the man page are all generated
 * from the same rows and cannot drift from what is parsed.
 */
#ifndef GE_CLI_OPT_H
#define GE_CLI_OPT_H

#include <stdio.h>

#include "common.h"

typedef enum {
	OPT_END = 0,
	OPT_FLAG,   /* value: int *, set to 1 */
	OPT_STRING, /* value: const char **, the last one given */
	OPT_INT     /* value: long *, 0..1000000 */
} opt_type;

typedef struct opt {
	opt_type type;
	const char *name; /* long name without "--" */
	char shrt;        /* short letter or 0 */
	void *value;      /* the variable this row sets (see opt_type) */
	const char *arg;  /* argument name for --help, e.g. "FILE" */
	const char *help;
	/* The values it takes, space-separated, for completion and the man
	   page; NULL when free-form (a FILE completes as a file name). */
	const char *choices;
	/* The row's part of the synopsis when the default ("[--name ARG]")
	   says too little (options that pair or repeat); "" leaves the row out
	   (another row's text covers it).  NULL: the default. */
	const char *synopsis;
} opt;

#define OPT_MAX_SEQ 32

/* Parsed options of one command: positional arguments, and every string
   option in the order given (repeated ones too; --format/-o pairs read it). */
typedef struct opts {
	char **rest;
	int nrest;
	const opt *seq[OPT_MAX_SEQ];
	const char *seqval[OPT_MAX_SEQ];
	int nseq;
} opts;

struct command;
typedef int (*command_fn)(const struct command *c, opts *o);

typedef struct command {
	const char *name;
	const char *args;    /* the positional part of the synopsis, e.g. "[PKG...]" */
	const char *summary; /* the first line is the one-line summary */
	const opt *options;
	command_fn run;
	/* Words the first positional argument completes to (e.g. "install
	   uninstall pre-push"), NULL for packages. */
	const char *actions;
} command;

/*
 * Parse argv (after the command name) against c's table, setting the bound
 * variables.  0 on success; 1 when -h/--help was asked for (nothing else is
 * done); -1 on a usage error, with the one-line message (without the
 * "goescape: " prefix) in err.  o->rest is malloc'd (opt_release).
 */
int opt_parse(opts *o, const command *c, int argc, char **argv, char *err, size_t errlen);
void opt_release(opts *o);

/* A value option and the one that may follow it ("--format F [-o FILE]"). */
typedef struct opt_pair {
	const char *first;
	const char *second; /* NULL when none followed */
} opt_pair;

/*
 * The pairs of c's two string options bound to first and second, as o was
 * parsed.  With at most one of each, the one pair (*first, *second) in
 * either order.  Otherwise each first starts a pair and a second right
 * after it (before the next first) is its.  The count, or -1 with the
 * message in err: more than max pairs, or a second without its first
 * (what names the pairs: "at most 8 outputs").
 */
int opt_pairs(opt_pair *v, size_t max, const opts *o, const command *c, const char *const *first,
              const char *const *second, const char *what, char *err, size_t errlen);

/* "goescape NAME [--opt ARG]... ARGS", from the table. */
int opt_synopsis(ge_buf *out, const command *c);

/* A command's --help. */
void opt_command_help(FILE *f, const command *c);

/* The top-level usage: every command's generated synopsis. */
void opt_usage(FILE *f, const command *commands, const opt *global);

/*
 * Completion script for shell ("bash", "zsh", "fish") into out.
 * GE_EUSAGE for another shell.
 */
int opt_completion(ge_buf *out, const char *shell, const command *commands, const opt *global);

/* The man page goescape.1 (roff) into out. */
int opt_man(ge_buf *out, const command *commands, const opt *global, const char *version);

/*
 * The candidate nearest to word when it is close enough to be a typo of it
 * (an edit distance of at most 2, and less than half its length), else NULL.
 * Returns the distance through *dist when not NULL.
 */
const char *opt_nearest(const char *word, const char *const *cands, size_t n, int *dist);

#endif
