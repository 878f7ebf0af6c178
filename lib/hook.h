/*
 * lib/hook: the git pre-push hook.
 *
 * install/uninstall put hooks/pre-push (built into goescape) where git runs
 * it: core.hooksPath when set (relative to the working tree root, as git
 * resolves it), else the common git directory's hooks/ (worktrees share it).
 * A pre-push hook that is not goescape's is kept as pre-push.legacy and run
 * first with the same input; uninstall puts it back.  pre-commit's own hook
 * is not kept that way (pre-commit would then run itself as its own legacy
 * hook): install refuses, and goescape goes into .pre-commit-config.yaml.
 *
 * pre-push reads git's "<local ref> <local oid> <remote ref> <remote oid>"
 * lines and analyses each pushed commit (not the working tree) against its
 * base: the remote oid for an update; for a new ref the merge-base with the
 * remote's default branch, else the newest commit already on any
 * ref under refs/remotes/REMOTE/.  Deletions are skipped.
 */
#ifndef GE_HOOK_H
#define GE_HOOK_H

struct ge_config;

#include "git.h"
#include "history.h"

/* The hook script, byte for byte hooks/pre-push. */
extern const char ge_hook_script[];

/*
 * Where the pre-push hook lives for this repository, as git resolves it
 * (asked of git itself when it can be run, else core.hooksPath through
 * libgit2); malloc'd.
 */
int ge_hook_path(char **out, ge_git *g);

/* Install / uninstall.  *msg (malloc'd) says what was done. */
int ge_hook_install(ge_git *g, char **msg);
int ge_hook_uninstall(ge_git *g, char **msg);

typedef struct ge_prepush_ref {
	char local_ref[256];
	char local_oid[GE_OID_HEX];
	char remote_ref[256];
	char remote_oid[GE_OID_HEX];
} ge_prepush_ref;

/*
 * Parse git's pre-push input.  Blank lines are skipped; anything else that
 * is not four fields with 40-hex object ids is GE_EBADINPUT (line named).
 * *out is malloc'd (free()).
 */
int ge_prepush_parse(ge_prepush_ref **out, size_t *n, const char *text, size_t len);

/* Is this an all-zero object id (a deletion / a new ref)? */
int ge_oid_is_zero(const char *hex);

/*
 * pre-commit reads git's ref lines itself and gives its hooks an empty
 * standard input; instead it exports, for the first ref it checks,
 * PRE_COMMIT_TO_REF (the pushed commit), PRE_COMMIT_FROM_REF (its base: the
 * remote's commit, or for a new branch the parent of the first commit the
 * remote lacks) and PRE_COMMIT_LOCAL_BRANCH / PRE_COMMIT_REMOTE_BRANCH.
 * This appends to *out the line git would have given:
 * "<local ref> <to> <remote ref> <from>\n", with "HEAD" for a missing ref
 * name and the zero id for a missing or empty from.  from and to must be
 * object ids (resolve revision names first).  GE_ENOTFOUND when to is NULL
 * or empty (nothing was pushed); GE_EBADINPUT, naming the variable, when a
 * value is not an object id or a ref name has a space.
 */
int ge_prepush_from_precommit(ge_buf *out, const char *from, const char *to,
			      const char *local_ref, const char *remote_ref);

/* One analysed ref of a push. */
typedef struct ge_prepush_result {
	const ge_prepush_ref *ref;
	char commit[GE_OID_HEX]; /* the pushed commit (a tag peeled); "" when skipped */
	char base[GE_OID_HEX]; /* "" when nothing to compare with */
	ge_report *report;     /* head report matched against base; NULL when skipped */
	int base_broken;       /* the base does not build: nothing compared */
	ge_report *unmatched;  /* base_broken, or no base: the head report, for assertions */
} ge_prepush_result;

/*
 * Analyse every ref.  results[i] corresponds to refs[i]; each report is
 * owned by the caller (ge_report_free).  A commit pushed to several refs
 * (a branch and a tag on it) is analysed and reported once, for the
 * first.  A pushed commit that does not build is GE_EBUILD; a base that
 * does not build sets base_broken (a push that repairs the build is not
 * held back by it).  A commit with nothing on the remote to compare with
 * (a first push to an empty remote) gets its commit and its head report
 * as unmatched, base "": its assertions are still checked.  New escapes
 * that the pushed commit's own source suppresses with //goescape:ignore
 * are dropped.
 */
int ge_prepush_analyse(ge_prepush_result *results, ge_history *h, const char *remote,
		       const ge_prepush_ref *refs, size_t n);

/*
 * One run of the pre-push hook, in two steps around the CLI's loading of the
 * history context: ge_prepush_begin reads the push (git's ref lines, or
 * pre-commit's variables), ge_prepush_check analyses it and renders the
 * refusal.  What a person must read is appended to text (lines ending in
 * '\n', each "goescape: ..." or a new escape's "file:line:col: ..."), for
 * the CLI to print on stderr.
 */
typedef struct ge_prepush_env {
	int precommit;             /* PRE_COMMIT set: pre-commit runs the hook */
	const char *from_ref;      /* PRE_COMMIT_FROM_REF */
	const char *to_ref;        /* PRE_COMMIT_TO_REF */
	const char *local_branch;  /* PRE_COMMIT_LOCAL_BRANCH */
	const char *remote_branch; /* PRE_COMMIT_REMOTE_BRANCH */
} ge_prepush_env;

typedef struct ge_prepush {
	ge_prepush_ref *refs;
	size_t n;
	int precommit; /* the refs still come from env (ge_prepush_check) */
	ge_prepush_env env;
	ge_buf text;     /* for stderr */
	size_t failing;  /* new heap escapes that refuse the push */
	size_t violated; /* source assertions broken by a pushed commit: they refuse it too */
	char first_base[GE_OID_HEX];
	/* After ge_prepush_check: each ref's pushed commit ("" when skipped),
	   for checks the caller adds (the source assertions). */
	char (*commits)[GE_OID_HEX];
} ge_prepush;

#define GE_PREPUSH_INIT                                                                            \
	{                                                                                          \
		.refs = NULL, .text = GE_BUF_INIT                                                  \
	}

/*
 * Read the push.  1 when there is something to check; 0 when not (only
 * deletions, nothing pushed, pre-commit without a pushed commit: text may
 * say why); <0 on bad input.
 */
int ge_prepush_begin(ge_prepush *p, const char *input, size_t len, const ge_prepush_env *env);

/*
 * The input ge_prepush_begin reads: all of fd (the hook's standard input,
 * git's ref lines) appended to out until end of file, at most 16 MiB
 * (GE_EBADINPUT beyond: no push has that many refs).
 */
int ge_prepush_read(ge_buf *out, int fd);

/*
 * Analyse every pushed commit against its base (ge_prepush_analyse),
 * filter with cfg, and render each ref that adds failing escapes.
 * Then the source assertions (lib/asserts, kinds cfg turns off left out):
 * a pushed commit that is the checked-out HEAD of a clean work tree is
 * checked there, every kind; any other pushed commit gets its noescape
 * assertions, read from its own tree (the files its report has heap
 * escapes in, through ge_git_tree_file) and judged by its report; when it
 * may carry other directives, every kind is checked in a checkout of it
 * (ge_history_in_checkout), and when that fails a warning in text names
 * the commit whose inline and bce assertions were not checked.  p->failing > 0 or p->violated
 * > 0 refuses the push.  GE_EBUILD when a pushed commit does not build; text holds what was found
 * before the error.
 */
int ge_prepush_check(ge_prepush *p, ge_history *h, const struct ge_config *cfg, const char *remote);

void ge_prepush_release(ge_prepush *p);

#endif
