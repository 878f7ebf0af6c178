/*
 * Leftovers of killed runs, and the lock that lets them be told apart from
 * a live run's files.
 */
#ifndef GE_TIDY_H
#define GE_TIDY_H

#include <time.h>

#include "common.h"

/*
 * How old a leftover without a pid in its name must be before it is taken
 * as abandoned: far longer than libgit2 holds a temp object open.
 */
#define GE_TIDY_AGE 600

/*
 * Remove what goescape runs that were killed (kill -9, a lost CI runner)
 * left in the git directory commondir, once, at the start of a command:
 *
 *   goescape/overlay-<pid>.json, goescape/suggest/overlay-<pid>.json and
 *   goescape/suggest/pre-<pid>/, and any "<name>" GE_TMP_MARK "<pid>..."
 *   temp there or in goescape/log/ (lib/log's cache): when no process has that pid and the file is older than
 *   started (a pid that runs again, ours included, keeps its files);
 *   goescape/checkout-<commit>.lock and goescape/checkout-<commit>/: when
 *   nobody holds the lock (ge_tidy_lock), both are removed under it;
 *   objects/tmp_object_git2_*, libgit2's temp loose objects, which carry
 *   no pid: when last modified more than GE_TIDY_AGE seconds before
 *   started.
 *
 * Best effort: what cannot be removed stays.  *removed (may be NULL) gets
 * the count.  Returns 0, or GE_ENOMEM.
 */
int ge_tidy_git(size_t *removed, const char *commondir, const struct timespec *started);

/*
 * Take the lock file path (created when missing) for writing, waiting for
 * another holder (wait != 0) or not (GE_ECONFLICT when held).  The file
 * locked is the one path names when the lock is granted: a holder's
 * ge_tidy_unlock removes it, so one that was removed while we waited is
 * not kept.  *out is the descriptor the lock lives on.
 */
int ge_tidy_lock(int *out, const char *path, int wait);

/* Remove the lock file, then release the lock (close fd).  fd < 0: nothing. */
void ge_tidy_unlock(int fd, const char *path);

#endif
