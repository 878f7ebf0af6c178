/*
 * lib/history: reports per commit.
 *
 * A commit's report is its note under refs/notes/goescape when there is
 * one; otherwise goescape builds the commit **in place**: the files that
 * differ between the commit and the working tree are replaced through a go
 * -overlay by the commit's blobs (kept under <git-common-dir>/goescape/blobs,
 * named by blob id so replayed compiler output stays true), in the same
 * directory and build cache, so only packages whose files differ are
 * recompiled.  When the overlay build fails, the commit is checked out under
 * <git-common-dir>/goescape/checkout-<id> and built there instead.  Either
 * way the result is stored as the commit's note, so the next check against
 * the same base builds nothing.
 *
 * Only reports of whole modules are stored or read as notes: a check
 * limited to some packages builds both sides itself.
 */
#ifndef GE_HISTORY_H
#define GE_HISTORY_H

#include "capture.h"
#include "git.h"
#include "match.h"

typedef struct ge_history {
	ge_git *git;            /* NULL outside a repository */
	ge_capture_opts build;  /* go, cwd, mods, goflags, output */
	char *const *pkgs;      /* package patterns; none = the whole module */
	size_t npkgs;
	int no_store;           /* never write notes */
	/* Progress for a person ("building abc1234 in place"); NULL = quiet. */
	ge_output_cb on_progress;
	void *progress_ud;
} ge_history;

/*
 * The working tree's report, with commit and dirty set; stored as HEAD's
 * note when the tree is clean.  *status is go's wait status: a failed
 * build gives GE_EBUILD (the message names the exit status).
 */
int ge_history_worktree(ge_report **out, int *status, ge_history *h);

/* A commit's report: its note, or an in-place build (then stored). */
int ge_history_commit(ge_report **out, int *status, ge_history *h, const char *commit,
		      int *from_note);

/*
 * Match head (the working tree when head_commit is NULL) against a base
 * commit's report, following renames and line moves of the git diff.
 */
int ge_history_match(ge_report *head, const ge_report *base, ge_history *h,
		     const char *base_commit, const char *head_commit);

/*
 * After a captured "goescape build": store its report as HEAD's note when
 * the build covered exactly the whole module ("./..." from the root, or
 * "MODULE/..."), with no flags that change the analysis, on a clean tree.
 * args are the user's arguments after "go" (args[0] the subcommand).
 * Storing is a cache: failing to store is not an error worth stopping for.
 */
int ge_history_store_build(ge_history *h, const ge_report *r, char *const *args, size_t nargs);

/*
 * Attach the compiler's -m=2 explanation to each new heap escape of head,
 * building only the packages that have new escapes with -m=2 (never the
 * whole module: -m=2 costs several times -m).  Best effort: a failing
 * build leaves head without explanations.
 */
int ge_history_explain(ge_history *h, ge_report *head);

#endif
