/*
 * tests/unit/fixture: what several unit binaries load from tests/fixtures,
 * in one place: a report attributed from compiler output captured from a
 * real toolchain (tests/fixtures/compiler-output), and the function a
 * compiler line names.  Plain C without cmocka, so that development tools
 * (scripts/gopkg-names) link it too; the tests assert on what it returns.
 * Paths are relative to tests/unit, where the unit binaries run.
 */
#ifndef GE_TEST_FIXTURE_H
#define GE_TEST_FIXTURE_H

#include <stddef.h>

#include "report.h"

/* The directory of the captured compiler output, relative to tests/unit. */
#define FIXTURE_OUTPUT "../fixtures/compiler-output/"

/*
 * Attribute FIXTURE_OUTPUT/capture, the compiler output of the module in
 * the directory module, into *out as --input does
 * (ge_capture_input_pkgs: pkgs the patterns to keep, none = every
 * main-module package; vendored positions dropped).  Returns what that
 * returns; GE_ENOTFOUND (message set) when the module or the
 * capture cannot be opened.
 */
int fixture_input(ge_report **out, const char *capture, const char *module, char *const *pkgs,
                  size_t npkgs);

/*
 * The report most renderings are tested on: go1.26.8's -m output of
 * tests/fixtures/parsemod.  NULL (message set) when it cannot be made.
 */
ge_report *fixture_parsemod(void);

/*
 * The function a compiler message (the text after "file:line:col: ") names,
 * malloc'd, or NULL for a message that names none: "X escapes to heap in
 * F:", "parameter p leaks to ... for F with derefs=N:" (go1.19 has no "for
 * F": NULL), "can inline F with cost ...", "cannot inline F: ...".
 * *is_inline is 1 for the last two (they sit at F's "func" keyword).
 */
char *fixture_compiler_name(const char *msg, int *is_inline);

/* Write text to dir/rel (replacing it).  0, or -1 with errno set. */
int fixture_write(const char *dir, const char *rel, const char *text);

#endif
