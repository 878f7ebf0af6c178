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
#include "goconfig.h"
#include "match.h"

typedef struct ge_history {
	ge_git *git;            /* NULL outside a repository */
	ge_capture_opts build;  /* go, cwd, mods, goflags, output */
	char *const *pkgs;      /* package patterns; none = the whole module */
	size_t npkgs;
	int no_store;           /* never write notes */
	int rebuild;            /* never read notes: build every commit asked for */
	/* One-line warnings a person must see (a note that names another
	   commit); NULL = quiet. */
	ge_output_cb on_warning;
	void *warning_ud;
	/* Progress for a person ("building abc1234 in place"); NULL = quiet. */
	ge_output_cb on_progress;
	void *progress_ud;
} ge_history;

/*
 * Hands one formatted warning line to h->on_warning; nothing when it is
 * NULL or the line cannot be formatted.  For the flows built on a history
 * (history itself, check), so that every warning reaches the same sink.
 */
void ge_history_warn(const ge_history *h, const char *fmt, ...) GE_PRINTF(2, 3);

/*
 * The configuration a build here runs with (lib/goconfig): the one a
 * commit's stored report must have to be used.  Borrowed; computed once
 * per process.
 */
int ge_history_config(const struct ge_goconfig **out, ge_history *h);

/*
 * The stored report of a commit for the current configuration, from its
 * note; GE_ENOTFOUND when there is none (no note, only reports of other
 * configurations, a report naming another commit: the last is warned
 * about through on_warning).  Never builds.
 */
int ge_history_note(ge_report **out, ge_history *h, const char *commit);
/*
 * The same from a note's text already read (text, len): *warned (may be
 * NULL) gets how many reports of this configuration were ignored with a
 * warning for naming another commit.
 */
int ge_history_note_text(ge_report **out, size_t *warned, ge_history *h, const char *commit,
                         const char *text, size_t len);

/*
 * The working tree's report, with commit and dirty set; stored as HEAD's
 * note when the tree is clean and stayed so: HEAD, its tree and the
 * changed files are read before the build and after it, and a report
 * whose build saw them change is stored nowhere.  *status is go's wait status: a failed
 * build gives GE_EBUILD (the message names the exit status).
 */
int ge_history_worktree(ge_report **out, int *status, ge_history *h);

/* A commit's report: its note, or an in-place build (then stored). */
int ge_history_commit(ge_report **out, int *status, ge_history *h, const char *commit,
		      int *from_note);

/*
 * Run fn with a history hc whose builds run in a checkout of commit (under
 * <git-common-dir>/goescape/checkout-<id>, the in-place build's fallback's
 * directory and lock, so go's cache replays a second build of the same
 * commit), removed afterwards: hc's build.cwd and build.mods are the
 * checkout's (the same place relative to the work tree), its git NULL
 * (nothing is stored from it), the rest h's.  For what needs a commit's
 * source as directories, not only built (the hook's assertions of a pushed
 * commit that is not HEAD).  fn's result is returned.
 */
int ge_history_in_checkout(ge_history *h, const char *commit, int (*fn)(ge_history *hc, void *ud),
                           void *ud);

/*
 * Match head (the working tree when head_commit is NULL) against a base
 * commit's report, following renames and line moves of the git diff.
 */
int ge_history_match(ge_report *head, const ge_report *base, ge_history *h,
		     const char *base_commit, const char *head_commit);

/*
 * The line maps ge_history_match follows, from from_commit to to_commit
 * (the working tree when NULL): renames and each old line's new line (0
 * when changed), for positions recorded at another commit (a heap profile:
 * --profile-commit).  Paths are report paths (relative to mods->top).
 * GE_EUSAGE outside a repository.  Free with ge_history_map_free().
 */
typedef struct ge_history_map ge_history_map;
int ge_history_map_new(ge_history_map **out, ge_history *h, const char *from_commit,
		       const char *to_commit);
/* The map for lib/match and lib/cost (borrowed from m; NULL for NULL). */
const ge_match_map *ge_history_map_get(const ge_history_map *m);
void ge_history_map_free(ge_history_map *m);

/*
 * After a captured "goescape build": store its report as HEAD's note when
 * the build covered exactly the whole module ("./..." from the root, or
 * "MODULE/..."), with no flags that change the analysis other than those its
 * configuration records (-tags; GOFLAGS's -tags and -gcflags), on a clean tree.
 * args are the user's arguments after "go" (args[0] the subcommand).
 * Storing is a cache: failing to store is not an error worth stopping for.
 * ge_history_build_storable answers, before the build, whether it would be.
 */
int ge_history_build_storable(ge_history *h, char *const *args, size_t nargs);
/*
 * The part of ge_history_build_storable that needs no repository: do the
 * arguments cover exactly the one main module mods, from cwd?  0 means no
 * note will be stored, so the caller need not open git at all.
 */
int ge_history_args_storable(const ge_modset *mods, const char *cwd, char *const *args,
                             size_t nargs);
/* Store r as HEAD's note when the state before the build (read with
 * ge_git_state_read) is still the state now and clean: 1 when HEAD's note
 * then holds r (written, or already so), 0 when not. */
int ge_history_store_build(ge_history *h, const ge_report *r, const ge_git_state *before);

/*
 * The replay fast path of a captured build that would be stored: when
 * what go prints (ge_capture_replay) is what it printed when HEAD's note was
 * last stored from a build, in the same configuration (the build's
 * configuration hash, .goescape.json, goescape's version) on a clean tree,
 * and HEAD's note is still that one, nothing is attributed or written and
 * the build prints the summary it printed then.  The entry is a small file
 * under <git-common-dir>/goescape/replay/ (the note format is unchanged).
 * A build that would be stored but for a dirty tree (it stores no note)
 * replays the same way when the tree is in the state the entry was made in:
 * the same changed, untracked and ignored files the Go build reads, each
 * with the same stat data (ge_git_state.hash), HEAD and its note as then.
 *
 * ge_history_replay_load, before the build (before: the state
 * ge_history_build_storable's caller read): path is set when this build
 * can take the fast path, and cap.have (with expect and summary) when an
 * entry is there.  Errors are only out of memory and the configuration's.
 * ge_history_replay_save, after ge_history_store_build returned 1, or
 * after a dirty tree's build printed its whole summary: the entry for this
 * build (cap.got, head, the summary printed), best effort; a dirty tree's
 * only when the state read again is still the one before the build.
 */
typedef struct ge_history_replay {
	char *path;    /* NULL: no fast path for this build */
	char config[17];
	ge_git_state state; /* the tree the entry is for: the state before the build */
	ge_capture_replay cap;
	char *summary; /* what the stored build printed after go's output */
	struct replay_beside *beside; /* ge_history_replay_begin's check, while it runs */
} ge_history_replay;
int ge_history_replay_load(ge_history_replay *rp, ge_history *h, const ge_git_state *before,
                           char *const *args, size_t nargs);

/*
 * The fast path with the state read beside the build, for a build whose
 * HEAD has a good clean entry in this configuration (its HEAD, config and
 * note checked before go starts): 1 when begun.  A thread reads the tree's
 * state and checks the clean or dirty entry against it while go runs;
 * cap.have is tentative until cap.settle (called by the capture once go
 * has exited) joins it.  0: nothing begun (no git, no HEAD, no good clean
 * entry, a go that must be spawned to tell the configuration, no thread):
 * read the state first and call ge_history_replay_load.  Errors are only
 * out of memory and the configuration's.
 *
 * A state read beside the build may have been read after go read a file:
 * a clean state then does not prove go compiled HEAD's tree.  So a build
 * begun this way that misses stores no note and removes the clean entry
 * (ge_history_replay_store), and the next build reads the state first and
 * stores.  A hit stores nothing; it prints the summary of the
 * same output from the same state and note, whatever go read when.
 * A dirty entry is saved as before: it replays only on that output again.
 */
int ge_history_replay_begin(ge_history_replay *rp, ge_history *h, char *const *args,
                            size_t nargs);
/* The state the entry was checked against, into before: 0, or < 0 when unknown. */
int ge_history_replay_state(const ge_history_replay *rp, ge_git_state *before);
/* After a build that missed: ge_history_store_build, or for a build begun
 * beside its state read, no note and the clean entry removed (0). */
int ge_history_replay_store(ge_history_replay *rp, ge_history *h, const ge_report *r,
                            const ge_git_state *before);
int ge_history_replay_save(const ge_history_replay *rp, ge_history *h, const char *head,
                           const char *summary, size_t len);
void ge_history_replay_release(ge_history_replay *rp);

/*
 * Attach the compiler's -m=2 explanation to each new heap escape of head,
 * building only the packages that have new escapes with -m=2 (never the
 * whole module: -m=2 costs several times -m).  Best effort: a failing
 * build leaves head without explanations.
 */
int ge_history_explain(ge_history *h, ge_report *head);

#endif
