/*
 * lib/git: what goescape needs from git, through libgit2.
 *
 * Discovery, HEAD, whether the tree is dirty (as far as the Go build is
 * concerned), revision parsing, merge-bases, notes under
 * refs/notes/goescape, the differences between a base commit and the
 * working tree (renames found, hunks kept for line mapping), blobs, and a
 * checkout of a commit into a directory of our own.
 */
#ifndef GE_GIT_H
#define GE_GIT_H

#include <stdint.h>

#include "common.h"

#define GE_NOTES_REF "refs/notes/goescape"
#define GE_OID_HEX 41

typedef struct ge_git ge_git;

/* Open the repository that holds dir; GE_ENOTFOUND when there is none. */
int ge_git_open(ge_git **out, const char *dir);
void ge_git_free(ge_git *g);

/* Absolute working directory without a trailing slash; NULL for a bare repo. */
const char *ge_git_workdir(const ge_git *g);
/* The common git directory (shared by worktrees), for goescape's own files. */
const char *ge_git_commondir(const ge_git *g);

/* HEAD's commit; GE_ENOTFOUND when the branch has no commits yet. */
int ge_git_head(char out[GE_OID_HEX], ge_git *g);
/* The branch HEAD names ("main"), or NULL when detached / unborn. malloc'd. */
char *ge_git_branch(ge_git *g);

/*
 * Is anything the Go build reads changed or untracked (not ignored) in the
 * working tree?  Only .go, .s, .c, .h, .syso files, go.mod, go.sum and
 * go.work(.sum) count, so goescape's own baseline file does not.
 */
int ge_git_is_dirty(int *dirty, ge_git *g);
/* Is this path one of the files above, that the Go build reads? */
int ge_git_go_relevant(const char *path);

/*
 * A revision (any form git understands) to a commit id.  GE_ENOTFOUND with a
 * message naming the revision; in a shallow clone the message says to fetch
 * more history.
 */
int ge_git_resolve(char out[GE_OID_HEX], ge_git *g, const char *rev);
int ge_git_merge_base(char out[GE_OID_HEX], ge_git *g, const char *a, const char *b);

/* A commit's first line and first parent ("" when none). subject is malloc'd. */
int ge_git_commit_info(char **subject, char parent[GE_OID_HEX], ge_git *g, const char *commit);
/* The author's name (malloc'd into *name) and author date (seconds since the epoch). */
int ge_git_commit_author(char **name, int64_t *when, ge_git *g, const char *commit);

/*
 * The note on a commit under refs/notes/goescape; GE_ENOTFOUND when none.
 * Notes arrive with fetches, so a note blob larger than GE_NOTE_MAX_BYTES
 * is GE_EBADINPUT, decided from the object header before it is inflated.
 */
#define GE_NOTE_MAX_BYTES ((size_t)512 * 1024 * 1024)
int ge_git_note_read(ge_buf *out, ge_git *g, const char *commit);
/* The id of commit's note blob (without reading it); GE_ENOTFOUND when it has none. */
int ge_git_note_oid(char out[GE_OID_HEX], ge_git *g, const char *commit);
/*
 * The notes tree as it is now, for reading many commits' notes: the notes
 * ref is resolved once (ge_git_note_oid resolves it on every call).
 * GE_ENOTFOUND when there is no notes ref.
 */
typedef struct ge_git_notes ge_git_notes;
int ge_git_notes_open(ge_git_notes **out, ge_git *g);
/* commit's note blob id in n; GE_ENOTFOUND when it has none. */
int ge_git_notes_find(char out[GE_OID_HEX], const ge_git_notes *n, const char *commit);
void ge_git_notes_free(ge_git_notes *n);
/*
 * The note blob blob (an id from ge_git_notes_find) into out, looked up
 * once and copied once, with ge_git_note_read's size limit; commit names
 * the note in messages.
 */
int ge_git_note_blob_read(ge_buf *out, ge_git *g, const char *blob, const char *commit);
/*
 * The same for a loose object only, and safe to call from another thread
 * while this one uses g (it reads the object file itself, never through
 * libgit2): 1 when read into out, 0 when not (packed, too large for max,
 * not well-formed: ge_git_note_blob_read then reads it or says why).
 */
int ge_git_note_blob_read_loose(ge_buf *out, ge_git *g, const char *blob, size_t max);

/* Adler-32 of n bytes at p continuing from a (1 to start), as zlib's adler32() computes it. */
uint32_t ge_git_adler32(uint32_t a, const unsigned char *p, size_t n);
/*
 * *keeps = 1 when every path of base's tree is still in head's tree as the
 * same kind of entry (file, directory, submodule): no file deleted, so no
 * rename between them for ge_git_diff_load to find.  Trees with the same id
 * are not opened.
 */
int ge_git_tree_keeps_paths(int *keeps, ge_git *g, const char *base, const char *head);
/*
 * Set the note (replacing an older one), retrying when another process
 * moves the notes ref at the same time.  Works without user.name/user.email.
 * A lock file on the notes ref that is older than this run (a killed
 * writer's) gives GE_ELOCKED at once, with a message naming the file and
 * how to remove it; a younger one is waited for, up to a few seconds, then
 * GE_ELOCKED too.  The lock is never removed here.
 */
int ge_git_note_write(ge_git *g, const char *commit, const char *text);

/* One changed file between a base commit and the working tree (or a commit). */
typedef struct ge_git_hunk {
	uint32_t old_start, old_lines, new_start, new_lines;
} ge_git_hunk;

typedef enum { GE_DELTA_MODIFIED, GE_DELTA_ADDED, GE_DELTA_DELETED, GE_DELTA_RENAMED } ge_delta_kind;

typedef struct ge_git_delta {
	ge_delta_kind kind;
	char *old_path; /* repo-relative; NULL when added */
	char *new_path; /* repo-relative; NULL when deleted */
	char old_blob[GE_OID_HEX]; /* the base's blob; "" when added */
	ge_git_hunk *hunks;
	size_t nhunks;
} ge_git_delta;

typedef struct ge_git_diff {
	ge_git_delta *d;
	size_t n;
} ge_git_diff;

#define GE_GIT_DIFF_INIT                                                                           \
	{                                                                                          \
		.d = NULL                                                                          \
	}

/*
 * Differences from base to head (a commit id), or to the working tree with
 * untracked files when head is NULL.  Renames are detected (git's default
 * 50% similarity).  Release with ge_git_diff_release().
 */
int ge_git_diff_load(ge_git_diff *out, ge_git *g, const char *base, const char *head);
void ge_git_diff_release(ge_git_diff *d);

/* Map a base line through a delta's hunks; 0 when the line was changed. */
uint32_t ge_git_map_line(const ge_git_delta *d, uint32_t old_line);

/* A blob's content. */
int ge_git_blob_read(ge_buf *out, ge_git *g, const char *blob);
/* A file of a commit's tree ("" path errors); GE_ENOTFOUND when absent. */
int ge_git_tree_file(ge_buf *out, ge_git *g, const char *commit, const char *path);

/* Check out a commit's tree into dir (created; must not hold other files). */
int ge_git_checkout_to(ge_git *g, const char *commit, const char *dir);

/*
 * The base a new ref pushed to remote is compared with: the merge-base of
 * commit and refs/remotes/REMOTE/HEAD, else the newest merge-base with any
 * ref under refs/remotes/REMOTE/.  GE_ENOTFOUND when nothing of commit is there.
 */
int ge_git_remote_base(char out[GE_OID_HEX], ge_git *g, const char *remote, const char *commit);

/* A path-valued config key (e.g. core.hooksPath), ~ expanded; GE_ENOTFOUND when unset. */
int ge_git_config_path(char **out, ge_git *g, const char *key);

/* Does the object exist and peel to a commit?  Then *out is that commit. */
int ge_git_object_is_commit(char out[GE_OID_HEX], ge_git *g, const char *oid_hex);

/*
 * What a build of the working tree reads, as far as git can tell: HEAD,
 * its tree, and every changed, untracked or ignored file the Go build reads
 * (its path, status and stat data, hashed), and every one of them in the
 * index marked assume-unchanged or skip-worktree (git does not look at
 * those files, so any such entry counts as dirty: the build may not be
 * HEAD's).  Read before a build and again
 * after it: when the two differ, something moved under the build (a
 * commit, a checkout, an edit) and its report belongs to no commit.
 * head and tree are "" on a branch with no commits.
 */
typedef struct ge_git_state {
	char head[GE_OID_HEX];
	char tree[GE_OID_HEX];
	int dirty; /* as ge_git_is_dirty(), and the ignored and hidden files above */
	uint64_t hash;
} ge_git_state;

int ge_git_state_read(ge_git_state *out, ge_git *g);
int ge_git_state_same(const ge_git_state *a, const ge_git_state *b);

/* The URL of remote "origin", or NULL.  malloc'd. */
char *ge_git_origin_url(ge_git *g);

#endif
