/*
 * lib/setup: what a command starts from, found once per process and only
 * when a command asks (git's setup.c is the model): the real go, the main
 * modules (go.mod, go.work), the repository (tidied of what killed runs
 * left, once, before anything is written there), .goescape.json, and the
 * package patterns go is given.  The CLI fills the fields marked "caller"
 * and asks for what each command needs; it adds to a history what is its
 * own (callbacks, verbosity, the status line).
 */
#ifndef GE_SETUP_H
#define GE_SETUP_H

#include <time.h>

#include "common.h"
#include "config.h"
#include "gocmd.h"
#include "history.h"

typedef struct ge_setup {
	/* caller: the directory the run started in, this program's own path
	   (never taken for the real go), $GOESCAPE_GO and $PATH (NULL when
	   unset), $GOFLAGS as go sees it (ge_goenv_lookup; NULL when none), and
	   when the run began (what is older in the git directory is not ours) */
	const char *cwd, *self, *env_goescape_go, *env_path;
	char *goflags;
	struct timespec started;
	/* found: */
	char *go;       /* ge_setup_go */
	ge_modset mods; /* ge_setup_modules */
	ge_git *git;    /* ge_setup_git: NULL outside a repository */
	int git_tried;
	ge_config config; /* ge_setup_history, once */
	int config_loaded;
	int config_rc;        /* its failure, kept: a second call fails alike */
	char *config_problem; /* that failure's message (ge_setup_config_problem) */
	char **config_pkgs;   /* "--", then the config's packages: go's argv */
} ge_setup;

#define GE_SETUP_INIT                                                                              \
	{                                                                                          \
		.cwd = NULL                                                                        \
	}

/* The real go (ge_gocmd_find_go), once. */
int ge_setup_go(ge_setup *s);

/*
 * The main modules of dir (NULL: cwd), once: a later call with another dir
 * keeps the first.  GE_ENOTFOUND when dir is in no module.
 */
int ge_setup_modules(ge_setup *s, const char *dir);

/*
 * The repository of dir, once (a later call keeps the first answer): 0 with
 * s->git NULL outside one; what killed runs left in its git directory is
 * removed the first time (ge_tidy_git).
 */
int ge_setup_git(ge_setup *s, const char *dir);

/*
 * A history over the setup: go, the modules of cwd, their repository and
 * .goescape.json found (each once: a second call reads nothing again).  h->git, h->build's go, cwd,
 * mods and goflags are set, and h->pkgs: pkgs, or when none the config's packages behind "--" (so
 * that go reads none of the repository's patterns as a flag).  Everything else in *h is zero, for
 * the caller.
 */
int ge_setup_history(ge_history *h, ge_setup *s, char **pkgs, size_t npkgs);

/*
 * Why .goescape.json could not be loaded (the one-line message naming the
 * file, as ge_error_last gave it), or NULL when it loaded, is absent, or was
 * never tried.  A build whose report goes unstored for this says so.
 */
const char *ge_setup_config_problem(const ge_setup *s);

void ge_setup_release(ge_setup *s);

#endif
