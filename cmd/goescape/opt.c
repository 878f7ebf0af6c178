/*
 * cmd/goescape/opt: parsing and every generated text (help, synopsis,
 * completion, man page) from the same option rows.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "opt.h"

void opt_release(opts *o)
{
	free(o->rest);
	o->rest = NULL;
}

/* Damerau-Levenshtein (optimal string alignment) distance, bounded to short words. */
static int distance(const char *a, const char *b)
{
	int d[34][34];
	size_t la = strlen(a), lb = strlen(b), i, j;
	if (la > 32 || lb > 32)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			int cost = a[i - 1] != b[j - 1], v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

const char *opt_nearest(const char *word, const char *const *cands, size_t n, int *dist)
{
	const char *best = NULL;
	int bd = 99;
	size_t i, wl = strlen(word);
	for (i = 0; i < n; i++) {
		int dd = distance(word, cands[i]);
		/* A prefix of a long option is a typo of it too ("--vers"). */
		if (wl >= 3 && strncmp(cands[i], word, wl) == 0 && dd > 1)
			dd = 1;
		if (dd < bd) {
			bd = dd;
			best = cands[i];
		}
	}
	if (dist)
		*dist = bd;
	if (!best || bd > 2 || (size_t)bd * 2 >= (wl > strlen(best) ? wl : strlen(best)))
		return NULL;
	return best;
}

static const char *nearest_option(const opt *t, const char *word)
{
	const char *c[64];
	size_t n = 0;
	for (; t && t->type != OPT_END && n < 63; t++)
		c[n++] = t->name;
	c[n++] = "help";
	return opt_nearest(word, c, n, NULL);
}

int opt_parse(opts *o, const command *c, int argc, char **argv, char *err, size_t errlen)
{
	const char *sep = *c->name ? ": " : "";
	int i, only_pos = 0;
	memset(o, 0, sizeof(*o));
	o->rest = calloc((size_t)argc + 1, sizeof(char *));
	if (!o->rest) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		const opt *t = NULL, *r;
		size_t n;
		if (only_pos || a[0] != '-' || !a[1]) {
			o->rest[o->nrest++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
			return 1;
		if (a[1] == '-') {
			n = strcspn(a + 2, "=");
			for (r = c->options; r && r->type != OPT_END; r++)
				if (strlen(r->name) == n && strncmp(r->name, a + 2, n) == 0)
					t = r;
			if (t && a[2 + n] == '=')
				val = a + 3 + n;
		} else {
			for (r = c->options; r && r->type != OPT_END; r++)
				if (r->shrt && r->shrt == a[1])
					t = r;
			if (t && a[2])
				val = a + 2;
		}
		if (!t) {
			char name[64];
			const char *near = NULL;
			if (a[1] == '-') {
				snprintf(name, sizeof(name), "%.*s", (int)strcspn(a + 2, "="),
				         a + 2);
				near = nearest_option(c->options, name);
			}
			if (near)
				snprintf(err, errlen,
				         "%s%sunknown option '%s'; did you mean '--%s'?", c->name,
				         sep, a, near);
			else
				snprintf(err, errlen,
				         "%s%sunknown option '%s' (see 'goescape%s%s --help')",
				         c->name, sep, a, *c->name ? " " : "", c->name);
			return -1;
		}
		if (t->type == OPT_FLAG) {
			if (val) {
				snprintf(err, errlen, "%s%soption '--%s' takes no value", c->name,
				         sep, t->name);
				return -1;
			}
			*(int *)t->value = 1;
			continue;
		}
		if (!val) {
			if (i + 1 >= argc) {
				snprintf(err, errlen, "%s%soption '--%s' needs %s", c->name, sep,
				         t->name, t->arg);
				return -1;
			}
			val = argv[++i];
		}
		if (t->type == OPT_INT) {
			char *end;
			long v;
			errno = 0;
			v = strtol(val, &end, 10);
			if (errno || end == val || *end || v < 0 || v > 1000000) {
				snprintf(err, errlen, "%s%soption '--%s' wants a number, not '%s'",
				         c->name, sep, t->name, val);
				return -1;
			}
			*(long *)t->value = v;
		} else {
			*(const char **)t->value = val;
		}
		if (o->nseq == OPT_MAX_SEQ) {
			snprintf(err, errlen, "%s%stoo many options", c->name, sep);
			return -1;
		}
		o->seq[o->nseq] = t;
		o->seqval[o->nseq++] = val;
	}
	return 0;
}

int opt_pairs(opt_pair *v, size_t max, const opts *o, const command *c, const char *const *first,
              const char *const *second, const char *what, char *err, size_t errlen)
{
	const opt *f = NULL, *s = NULL, *t;
	size_t n = 0;
	int nf = 0, ns = 0, k;
	for (t = c->options; t && t->type != OPT_END; t++) {
		if (t->value == (const void *)first)
			f = t;
		if (t->value == (const void *)second)
			s = t;
	}
	if (!f || !s) {
		snprintf(err, errlen, "%s: no such pair of options", c->name);
		return -1;
	}
	for (k = 0; k < o->nseq; k++) {
		nf += o->seq[k] == f;
		ns += o->seq[k] == s;
	}
	if (nf <= 1 && ns <= 1) {
		v[0].first = *first;
		v[0].second = *second;
		return 1;
	}
	for (k = 0; k < o->nseq; k++) {
		if (o->seq[k] == f) {
			if (n == max) {
				snprintf(err, errlen, "at most %zu %s", max, what);
				return -1;
			}
			v[n].first = o->seqval[k];
			v[n++].second = NULL;
		} else if (o->seq[k] == s) {
			if (!n || v[n - 1].second) {
				snprintf(err, errlen,
				         "with several %s each -%c %s follows its --%s (-%c '%s')",
				         what, s->shrt, s->arg, f->name, s->shrt, o->seqval[k]);
				return -1;
			}
			v[n - 1].second = o->seqval[k];
		}
	}
	return (int)n;
}

/*
 * The one walk over a table that every generated text makes: fn on each row
 * of t (NULL is an empty table) in order, until one returns non-zero, which
 * is returned; 0 when all were written.  arg is fn's own (a command name, a
 * flag), passed as it is.
 */
typedef int (*row_fn)(ge_buf *b, const opt *t, const void *arg);

static int each_row(ge_buf *b, const opt *t, row_fn fn, const void *arg)
{
	int rc = 0;
	for (; rc == 0 && t && t->type != OPT_END; t++)
		rc = fn(b, t, arg);
	return rc;
}

static int synopsis_row(ge_buf *b, const opt *t, const void *unused)
{
	(void)unused;
	if (t->synopsis)
		return *t->synopsis ? ge_buf_printf(b, " %s", t->synopsis) : 0;
	if (t->type == OPT_FLAG)
		return ge_buf_printf(b, " [--%s]", t->name);
	return ge_buf_printf(b, " [--%s %s]", t->name, t->arg);
}

int opt_synopsis(ge_buf *out, const command *c)
{
	int rc = ge_buf_printf(out, "goescape %s", c->name);
	if (rc == 0)
		rc = each_row(out, c->options, synopsis_row, NULL);
	if (rc == 0 && c->args && *c->args)
		rc = ge_buf_printf(out, " %s", c->args);
	return rc;
}

/*
 * The synopsis after lead, wrapped before an option group at 79 columns,
 * continuation lines indented under the command name.  --help and the
 * top-level usage both print it this way.
 */
static void print_synopsis(FILE *f, const char *lead, const command *c)
{
	ge_buf b = GE_BUF_INIT;
	const char *s, *p;
	size_t col, indent;
	(void)opt_synopsis(&b, c);
	s = ge_buf_cstr(&b);
	indent = strlen(lead) + strlen("goescape ") + strlen(c->name) + 1;
	col = strlen(lead);
	fputs(lead, f);
	while (*s) {
		/* The next word group: up to the next " [" (or the end). */
		size_t n;
		p = strstr(s + 1, " [");
		n = p ? (size_t)(p - s) : strlen(s);
		if (col + n > 79 && col > indent) {
			fprintf(f, "\n%*s", (int)indent - 1, "");
			col = indent - 1;
		}
		fwrite(s, 1, n, f);
		col += n;
		s += n;
	}
	fputc('\n', f);
	ge_buf_release(&b);
}

static int help_row(ge_buf *b, const opt *t, const void *unused)
{
	char left[64];
	const char *arg = t->type == OPT_FLAG ? NULL : t->arg;
	(void)unused;
	if (t->shrt)
		snprintf(left, sizeof(left), "-%c, --%s%s%s", t->shrt, t->name, arg ? " " : "",
		         arg ? arg : "");
	else
		snprintf(left, sizeof(left), "    --%s%s%s", t->name, arg ? " " : "",
		         arg ? arg : "");
	return ge_buf_printf(b, "  %-26s %s\n", left, t->help);
}

/* The --help lines of t's rows (what is written when memory runs out). */
static void print_rows(FILE *f, const opt *t)
{
	ge_buf b = GE_BUF_INIT;
	(void)each_row(&b, t, help_row, NULL);
	fputs(ge_buf_cstr(&b), f);
	ge_buf_release(&b);
}

void opt_command_help(FILE *f, const command *c)
{
	print_synopsis(f, "usage: ", c);
	fprintf(f, "\n%s\n\noptions:\n", c->summary);
	print_rows(f, c->options);
	fprintf(f, "  %-26s %s\n", "-h, --help", "show this help");
}

/* The first line of a summary. */
static int first_line(const char *s)
{
	return (int)strcspn(s, "\n");
}

void opt_usage(FILE *f, const command *commands, const opt *global)
{
	const command *c;
	fprintf(f, "usage: goescape <go-subcommand> [args...]   build/install are captured, the "
	           "rest run go\n"
	           "       goescape <command> [options] [ARGS...]\n\ncommands:\n");
	for (c = commands; c->name; c++)
		fprintf(f, "  %-10s %.*s\n", c->name, first_line(c->summary), c->summary);
	fprintf(f, "\nsynopsis (each command's --help has the details):\n");
	for (c = commands; c->name; c++)
		print_synopsis(f, "       ", c);
	fprintf(f, "\noptions:\n");
	print_rows(f, global);
	fprintf(f, "\nA captured build prints one summary line; GOESCAPE_VERBOSE=1 shows the\n"
	           "compiler's -m lines too.  GOESCAPE_GO names the real go.  On a terminal a\n"
	           "status line shows go's progress (GOESCAPE_PROGRESS=1 elsewhere, 0 never).\n"
	           "Colour: --color, NO_COLOR, FORCE_COLOR.  'goescape help' is this, then go's.\n"
	           "Exit codes: 0 nothing new, 1 new heap escapes, 2 usage or bad input, 3 go "
	           "build failed.\n");
}

/* ---- completion ------------------------------------------------------- */

/* " --name" (and " -x" when arg is non-NULL and the row has a short letter). */
static int word_row(ge_buf *b, const opt *t, const void *with_short)
{
	int rc = ge_buf_printf(b, " --%s", t->name);
	if (rc == 0 && with_short && t->shrt)
		rc = ge_buf_printf(b, " -%c", t->shrt);
	return rc;
}

static int words_of(ge_buf *out, const opt *t, int with_short)
{
	return each_row(out, t, word_row, with_short ? "" : NULL);
}

/* A bash case arm for an option that takes a value: what completes after it. */
static int bash_row(ge_buf *b, const opt *t, const void *unused)
{
	int rc;
	(void)unused;
	if (t->type == OPT_FLAG)
		return 0;
	if (t->shrt)
		rc = ge_buf_printf(b, "    --%s|-%c)", t->name, t->shrt);
	else
		rc = ge_buf_printf(b, "    --%s)", t->name);
	if (rc == 0 && t->choices)
		rc = ge_buf_printf(b, " COMPREPLY=($(compgen -W \"%s\" -- \"$cur\")); return ;;\n",
		                   t->choices);
	else if (rc == 0 && strcmp(t->arg, "FILE") == 0)
		rc = ge_buf_puts(b, " COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n");
	else if (rc == 0)
		rc = ge_buf_puts(b, " return ;;\n");
	return rc;
}

static int bash_completion(ge_buf *b, const command *commands, const opt *global)
{
	const command *c;
	int rc =
	    ge_buf_puts(b, "# goescape bash completion (generated by 'goescape completion bash')\n"
	                   "_goescape() {\n"
	                   "  local cur prev cmd words\n"
	                   "  cur=${COMP_WORDS[COMP_CWORD]}\n"
	                   "  prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	                   "  cmd=${COMP_WORDS[1]}\n"
	                   "  if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
	                   "    words=\"");
	for (c = commands; rc == 0 && c->name; c++)
		rc = ge_buf_printf(b, "%s ", c->name);
	if (rc == 0)
		rc = ge_buf_puts(b, "build install test vet run list env version mod help");
	if (rc == 0)
		rc = words_of(b, global, 0);
	if (rc == 0)
		rc = ge_buf_puts(
		    b, "\"\n    COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n    return\n"
		       "  fi\n  case \"$cmd\" in\n");
	for (c = commands; rc == 0 && c->name; c++) {
		rc = ge_buf_printf(b, "  %s)\n    case \"$prev\" in\n", c->name);
		if (rc == 0)
			rc = each_row(b, c->options, bash_row, NULL);
		if (rc == 0)
			rc = ge_buf_puts(b, "    esac\n    words=\"");
		if (rc == 0)
			rc = words_of(b, c->options, 1);
		if (rc == 0)
			rc = ge_buf_printf(b, " --help%s%s\" ;;\n", c->actions ? " " : "",
			                   c->actions ? c->actions : "");
	}
	if (rc == 0)
		rc =
		    ge_buf_puts(b, "  *) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n  esac\n"
		                   "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n}\n"
		                   "complete -o default -F _goescape goescape\n");
	return rc;
}

/* A help text inside single quotes and zsh's [...]: no quote, bracket or colon. */
static int put_plain(ge_buf *b, const char *s)
{
	int rc = 0;
	for (; rc == 0 && *s; s++)
		rc = ge_buf_putc(b, strchr("'[]:\\\n`$", *s) ? ' ' : *s);
	return rc;
}

/* put_plain of a command's one-line summary and the closing "'\n". */
static int put_summary(ge_buf *b, const command *c)
{
	char line[128];
	int rc;
	snprintf(line, sizeof(line), "%.*s", first_line(c->summary), c->summary);
	rc = put_plain(b, line);
	return rc == 0 ? ge_buf_puts(b, "'\n") : rc;
}

/* A zsh _arguments spec: '--name[help]' and what its value completes to. */
static int zsh_row(ge_buf *b, const opt *t, const void *unused)
{
	int rc = ge_buf_printf(b, "      '--%s[", t->name);
	(void)unused;
	if (rc == 0)
		rc = put_plain(b, t->help);
	if (rc == 0 && t->type == OPT_FLAG)
		rc = ge_buf_puts(b, "]' \\\n");
	else if (rc == 0 && t->choices)
		rc = ge_buf_printf(b, "]:%s:(%s)' \\\n", t->arg, t->choices);
	else if (rc == 0 && strcmp(t->arg, "FILE") == 0)
		rc = ge_buf_printf(b, "]:%s:_files' \\\n", t->arg);
	else if (rc == 0)
		rc = ge_buf_printf(b, "]:%s:' \\\n", t->arg);
	return rc;
}

static int zsh_completion(ge_buf *b, const command *commands)
{
	const command *c;
	int rc =
	    ge_buf_puts(b, "#compdef goescape\n"
	                   "# goescape zsh completion (generated by 'goescape completion zsh')\n"
	                   "_goescape() {\n"
	                   "  local -a cmds\n"
	                   "  cmds=(\n");
	for (c = commands; rc == 0 && c->name; c++) {
		rc = ge_buf_printf(b, "    '%s:", c->name);
		if (rc == 0)
			rc = put_summary(b, c);
	}
	if (rc == 0)
		rc = ge_buf_puts(b, "  )\n"
		                    "  if (( CURRENT == 2 )); then\n"
		                    "    _describe -t commands 'goescape command' cmds\n"
		                    "    _files\n"
		                    "    return\n"
		                    "  fi\n"
		                    "  case $words[2] in\n");
	for (c = commands; rc == 0 && c->name; c++) {
		rc = ge_buf_printf(b, "  %s)\n    _arguments -s \\\n", c->name);
		if (rc == 0)
			rc = each_row(b, c->options, zsh_row, NULL);
		if (rc == 0 && c->actions)
			rc = ge_buf_printf(b, "      '1:action:(%s)' \\\n", c->actions);
		if (rc == 0)
			rc = ge_buf_puts(b, "      '*:package:_files -/' ;;\n");
	}
	if (rc == 0)
		rc = ge_buf_puts(b, "  *) _files ;;\n  esac\n}\n"
		                    "if [ \"$funcstack[1]\" = \"_goescape\" ]; then\n"
		                    "  _goescape \"$@\"\n"
		                    "else\n"
		                    "  compdef _goescape goescape\n"
		                    "fi\n");
	return rc;
}

/*
 * A fish "complete" line for an option: of the command named by cmd, with
 * its short letter and what its value completes to; of the top level
 * (cmd NULL), its name and help only.
 */
static int fish_row(ge_buf *b, const opt *t, const void *cmd)
{
	int rc;
	if (!cmd)
		rc = ge_buf_printf(b, "complete -c goescape -n __fish_use_subcommand -l %s",
		                   t->name);
	else
		rc = ge_buf_printf(b,
		                   "complete -c goescape -n '__fish_seen_subcommand_from %s' -l %s",
		                   (const char *)cmd, t->name);
	if (rc == 0 && cmd && t->shrt)
		rc = ge_buf_printf(b, " -s %c", t->shrt);
	if (rc == 0 && cmd && t->type != OPT_FLAG)
		rc = t->choices                    ? ge_buf_printf(b, " -x -a '%s'", t->choices)
		     : strcmp(t->arg, "FILE") == 0 ? ge_buf_puts(b, " -r -F")
		                                   : ge_buf_puts(b, " -x");
	if (rc == 0)
		rc = ge_buf_puts(b, " -d '");
	if (rc == 0)
		rc = put_plain(b, t->help);
	if (rc == 0)
		rc = ge_buf_puts(b, "'\n");
	return rc;
}

static int fish_completion(ge_buf *b, const command *commands, const opt *global)
{
	const command *c;
	int rc =
	    ge_buf_puts(b, "# goescape fish completion (generated by 'goescape completion fish')\n"
	                   "complete -c goescape -f\n");
	for (c = commands; rc == 0 && c->name; c++) {
		rc = ge_buf_printf(b, "complete -c goescape -n __fish_use_subcommand -a %s -d '",
		                   c->name);
		if (rc == 0)
			rc = put_summary(b, c);
		if (rc == 0)
			rc = each_row(b, c->options, fish_row, c->name);
		if (rc == 0 && c->actions)
			rc = ge_buf_printf(
			    b, "complete -c goescape -n '__fish_seen_subcommand_from %s' -a '%s'\n",
			    c->name, c->actions);
	}
	if (rc == 0)
		rc = each_row(b, global, fish_row, NULL);
	return rc;
}

int opt_completion(ge_buf *out, const char *shell, const command *commands, const opt *global)
{
	int rc;
	if (strcmp(shell, "bash") == 0)
		rc = bash_completion(out, commands, global);
	else if (strcmp(shell, "zsh") == 0)
		rc = zsh_completion(out, commands);
	else if (strcmp(shell, "fish") == 0)
		rc = fish_completion(out, commands, global);
	else
		return ge_error_set(
		    GE_EUSAGE, "completion: unknown shell '%s' (want bash, zsh or fish)", shell);
	return rc < 0 ? ge_error_set(GE_ENOMEM, "out of memory") : 0;
}

/* ---- man page --------------------------------------------------------- */

/* Text for roff: backslashes doubled, '-' as \-, a leading '.' or '\'' escaped. */
static int roff(ge_buf *b, const char *s, size_t n)
{
	int rc = 0, bol = 1;
	size_t i;
	for (i = 0; rc == 0 && i < n && s[i]; i++) {
		if (bol && (s[i] == '.' || s[i] == '\''))
			rc = ge_buf_puts(b, "\\&");
		if (rc == 0)
			rc = s[i] == '\\'  ? ge_buf_puts(b, "\\e")
			     : s[i] == '-' ? ge_buf_puts(b, "\\-")
			                   : ge_buf_putc(b, s[i]);
		bol = s[i] == '\n';
	}
	return rc;
}

static int man_row(ge_buf *b, const opt *t, const void *unused)
{
	int rc = ge_buf_puts(b, ".TP\n");
	(void)unused;
	if (rc == 0 && t->shrt)
		rc = ge_buf_printf(b, "\\fB\\-%c\\fR, ", t->shrt);
	if (rc == 0)
		rc = ge_buf_puts(b, "\\fB\\-\\-");
	if (rc == 0)
		rc = roff(b, t->name, strlen(t->name));
	if (rc == 0)
		rc = ge_buf_puts(b, "\\fR");
	if (rc == 0 && t->type != OPT_FLAG)
		rc = ge_buf_printf(b, " \\fI%s\\fR", t->arg);
	if (rc == 0)
		rc = ge_buf_putc(b, '\n');
	if (rc == 0)
		rc = roff(b, t->help, strlen(t->help));
	if (rc == 0 && t->choices) {
		rc = ge_buf_puts(b, " (one of: ");
		if (rc == 0)
			rc = roff(b, t->choices, strlen(t->choices));
		if (rc == 0)
			rc = ge_buf_putc(b, ')');
	}
	if (rc == 0)
		rc = ge_buf_putc(b, '\n');
	return rc;
}

int opt_man(ge_buf *out, const command *commands, const opt *global, const char *version)
{
	const command *c;
	int rc = ge_buf_printf(
	    out,
	    ".\\\" Generated from goescape's option tables ('goescape --man').\n"
	    ".TH GOESCAPE 1 \"\" \"goescape %s\" \"User Commands\"\n"
	    ".SH NAME\ngoescape \\- Go heap escapes, per commit, with the new ones "
	    "failing a check\n"
	    ".SH SYNOPSIS\n.B goescape\n\\fIgo\\-subcommand\\fR [\\fIargs\\fR...]\n.br\n",
	    version);
	for (c = commands; rc == 0 && c->name; c++) {
		ge_buf s = GE_BUF_INIT;
		rc = opt_synopsis(&s, c);
		if (rc == 0)
			rc = roff(out, ge_buf_cstr(&s), s.len);
		if (rc == 0)
			rc = ge_buf_puts(out, "\n.br\n");
		ge_buf_release(&s);
	}
	if (rc == 0)
		rc = ge_buf_puts(
		    out,
		    ".SH DESCRIPTION\n"
		    "goescape wraps \\fBgo build\\fR: every go subcommand works through it; "
		    "\\fBbuild\\fR and \\fBinstall\\fR are captured with the compiler's escape "
		    "analysis on, everything else runs the real go unchanged.  Its own commands "
		    "follow.\n.SH OPTIONS\n");
	if (rc == 0)
		rc = each_row(out, global, man_row, NULL);
	if (rc == 0)
		rc = ge_buf_puts(out, ".SH COMMANDS\n");
	for (c = commands; rc == 0 && c->name; c++) {
		rc = ge_buf_printf(out, ".SS %s\n", c->name);
		if (rc == 0)
			rc = roff(out, c->summary, strlen(c->summary));
		if (rc == 0)
			rc = ge_buf_putc(out, '\n');
		if (rc == 0)
			rc = each_row(out, c->options, man_row, NULL);
	}
	if (rc == 0)
		rc = ge_buf_puts(
		    out, ".SH ENVIRONMENT\n"
		         ".TP\n.B GOESCAPE_GO\nthe real go binary\n"
		         ".TP\n.B GOESCAPE_VERBOSE\n1 shows the compiler's \\-m lines of a "
		         "captured build\n"
		         ".TP\n.B GOESCAPE_SKIP\n1 makes the pre\\-push hook pass\n"
		         ".TP\n.B GOESCAPE_PROGRESS\n1 shows the build's status line off a "
		         "terminal, 0 never\n"
		         ".TP\n.B NO_COLOR\nno colour with \\-\\-color=auto\n"
		         ".TP\n.B FORCE_COLOR\ncolour with \\-\\-color=auto even off a terminal\n"
		         ".SH EXIT STATUS\n0 nothing new; 1 new heap escapes (check, hook); 2 "
		         "usage error or "
		         "bad input; 3 the Go build failed.  Captured builds exit with go's own "
		         "status.\n");
	return rc < 0 ? ge_error_set(GE_ENOMEM, "out of memory") : 0;
}
