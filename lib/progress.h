/*
 * lib/progress: the one-line status a person watching a terminal sees while
 * go builds ("goescape: compiling 57/211 packages…").
 *
 * Fed by lib/capture's package callback (each "# importpath" header go
 * prints for a package of the build's scope), it counts the distinct
 * packages seen against the packages the scope has on disk (directories of
 * the main modules holding non-test .go files; vendor/, testdata/, "." and
 * "_" directories and nested modules left out), and renders the status as
 * "\r", the text, and an erase to the end of the line.  It never writes:
 * the CLI gives it a writer and decides when it is on (a terminal, or
 * GOESCAPE_PROGRESS=1).  Whoever prints a line on the same stream calls
 * ge_progress_clear first; the status comes back with the next package.
 */
#ifndef GE_PROGRESS_H
#define GE_PROGRESS_H

#include <stddef.h>

#include "gocmd.h"

typedef void (*ge_progress_write_cb)(const char *s, size_t len, void *ud);

typedef struct ge_progress ge_progress;

/*
 * A status for builds of pkgs (as the user wrote them, relative to cwd;
 * none: every package of mods).  The directories are counted here, once.
 * *out is freed with ge_progress_free.
 */
int ge_progress_new(ge_progress **out, const ge_modset *mods, const char *cwd, char *const *pkgs,
                    size_t npkgs, ge_progress_write_cb write, void *ud);

/* The total, for tests and for a caller that knows better (0: unknown). */
size_t ge_progress_total(const ge_progress *p);

/* A "# importpath" header: shows "compiling N/M packages…" (at most every
   100 ms, and always the first time). */
void ge_progress_package(ge_progress *p, const char *importpath, size_t len);

/* A new build starts (the base's, a verification round): counts from 0. */
void ge_progress_reset(ge_progress *p);

/* Erase the status line if one is shown. */
void ge_progress_clear(ge_progress *p);

void ge_progress_free(ge_progress *p);

#endif
