/*
 * lib/hook: the git pre-push hook.
 *
 * install/uninstall put hooks/pre-push (built into goescape) where git runs
 * it: core.hooksPath when set (relative to the working tree root, as git
 * resolves it), else the common git directory's hooks/ (worktrees share it).
 * A pre-push hook that is not goescape's is kept as pre-push.legacy and run
 * first with the same input; uninstall puts it back.
 *
 * pre-push reads git's "<local ref> <local oid> <remote ref> <remote oid>"
 * lines and analyses each pushed commit (not the working tree) against its
 * base: the remote oid for an update; for a new ref the merge-base with the
 * remote's default branch, else the newest commit already on any
 * ref under refs/remotes/REMOTE/.  Deletions are skipped.
 */
#ifndef GE_HOOK_H
#define GE_HOOK_H

#include "git.h"
#include "history.h"

/* The hook script, byte for byte hooks/pre-push. */
extern const char ge_hook_script[];

/* Where the pre-push hook lives for this repository; malloc'd. */
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

/* One analysed ref of a push. */
typedef struct ge_prepush_result {
	const ge_prepush_ref *ref;
	char base[GE_OID_HEX]; /* "" when nothing to compare with */
	ge_report *report;     /* head report matched against base; NULL when skipped */
} ge_prepush_result;

/*
 * Analyse every ref.  results[i] corresponds to refs[i]; each report is
 * owned by the caller (ge_report_free).  A commit pushed to several refs
 * is built once.
 */
int ge_prepush_analyse(ge_prepush_result *results, ge_history *h, const char *remote,
		       const ge_prepush_ref *refs, size_t n);

#endif
