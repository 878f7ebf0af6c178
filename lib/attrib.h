/*
 * lib/attrib: turning a parsed compiler line into a report diagnostic —
 * which package, which file relative to its module root, which function,
 * what the source line hashes to.
 *
 * Paths printed by go cannot be trusted as they stand (a build-cache hit
 * replays output relative to the directory of the run that filled the
 * cache), so the "# importpath" header decides: inside a main module the
 * import path minus the module path is the package's directory, and the
 * printed file's base name completes the path.  Files printed under a
 * package header that belong to another directory (code inlined from
 * elsewhere) are resolved relative to the directory the output was printed
 * from, inferred from the package's own files.
 *
 * Go source files are read once each and kept for the life of the object.
 */
#ifndef GE_ATTRIB_H
#define GE_ATTRIB_H

#include "gocmd.h"
#include "parse.h"
#include "report.h"

typedef struct ge_attrib ge_attrib;

/* mods and cwd are borrowed and must outlive a.  Free with ge_attrib_free(). */
int ge_attrib_new(ge_attrib **out, const ge_modset *mods, const char *cwd);
void ge_attrib_free(ge_attrib *a);

/*
 * Feed every parsed line in order.  Heap and leak diagnostics that belong to
 * a main module are added to r; -m=2 explanations are attached to the
 * diagnostic they explain.  Other lines only update state.
 */
int ge_attrib_line(ge_attrib *a, ge_report *r, const ge_parse_line *l);

/*
 * Files replaced by a go -overlay: real[i] (absolute) is built from
 * backing[i] (absolute; "" = deleted).  The compiler names either path
 * depending on its version; both are reported as the real file, read from
 * the backing one.  The arrays are borrowed and must outlive a.
 */
void ge_attrib_set_overlay(ge_attrib *a, char *const *real, char *const *backing, size_t n);

/*
 * Directory listings taken already (lib/gopkg's ge_gopkg_listing; borrowed,
 * must outlive a): package views list a recorded directory from l, and a
 * *.go file of one exists when l names it.  Not used under an overlay.
 */
struct ge_gopkg_listing;
struct ge_gopkg;
void ge_attrib_set_listing(ge_attrib *a, const struct ge_gopkg_listing *l);

/*
 * Only packages whose import path the scope selects (ge_gocmd_scope) are
 * reported; NULL (the default) selects every main-module package.  The
 * array is borrowed and must outlive a.
 */
void ge_attrib_set_scope(ge_attrib *a, char *const *scope, size_t n);

/*
 * Compiler -m lines seen for main-module packages in scope (and heap lines
 * without any header that were placed in a module file): 0 means the
 * output said nothing about the packages asked for.
 */
size_t ge_attrib_main_lines(const ge_attrib *a);

/*
 * The output was printed with -trimpath (known from the command line; it
 * is also inferred from the first "MODPATH/x.go" position): relative paths
 * without a main module's path are then never module files.
 */
void ge_attrib_set_trimpath(ge_attrib *a, int on);
/* Report positions in vendor/ directories (off: they are dependencies'). */
void ge_attrib_set_vendored(ge_attrib *a, int on);
/*
 * The configuration the output was built with, which decides the files of
 * each package and so the package-wide names of init functions and
 * package-level closures (lib/gopkg): GOOS, GOARCH (NULL or "" for the
 * defaults), cgo, the comma-separated -tags and the Go version
 * ("go1.26.8").  Copied.  0 or GE_ENOMEM.
 */
int ge_attrib_set_build(ge_attrib *a, const char *goos, const char *goarch, int cgo,
                        const char *tags, const char *go_version);

/*
 * Also place the "inlining call to", "does not escape" and other positioned
 * -m lines of main-module files exactly as diagnostics are placed, and hand
 * each to fn with its module-relative file and enclosing function (both
 * valid during the call): lib/cost's sites (--profile), from the same
 * sources read once.  fn returns 0 or a negative error, which
 * ge_attrib_line() returns.  NULL (the default): such lines only update
 * state.  They never count in ge_attrib_dropped().
 */
typedef int (*ge_attrib_site_fn)(void *ud, const ge_parse_line *l, const char *file,
                                 const char *function);
void ge_attrib_set_sites(ge_attrib *a, ge_attrib_site_fn fn, void *ud);

/* Diagnostics seen that could not be placed in a main module's file. */
size_t ge_attrib_dropped(const ge_attrib *a);

/*
 * Is the current "# pkg" group one nothing is kept of (a dependency's or
 * the standard library's, or a package not in scope)?  Then every further
 * line of the group, up to the next header, changes nothing but the
 * dropped count, and a reader may pass over them without parsing them
 * (lib/capture does for --input; those lines are not counted in
 * ge_attrib_dropped()).  0 before any header.
 */
int ge_attrib_group_ignored(const ge_attrib *a);

/*
 * Would a group headed "# pkg" (pkg[0..len), "pkg [pkg.test]" as go prints
 * it: the first word is the import path) be attributed: a main-module
 * package (or go's command-line-arguments, without a scope) that scope
 * selects?  The test a header applies, as a function of mods and scope
 * alone, for a thread that has no ge_attrib (lib/capture's reader).  An
 * import path of 512 bytes or more is answered 1 (parse the group).
 */
int ge_attrib_import_in_scope(const ge_modset *mods, char *const *scope, size_t nscope,
                              const char *pkg, size_t len);

/*
 * Package views made ahead, on a thread that has no ge_attrib (lib/capture's
 * reader): a viewer is what a's views are read from and built as (a
 * snapshot: a's listing and build configuration must outlive it and stay
 * as they are; NULL under an overlay, or without memory).  A view made for
 * the group headed "# pkg" (pkg[0..len)) is its main-module package's
 * directory, read and scanned as a's own view would be; NULL when the
 * import path is no main module's or anything fails (a then reads it
 * itself).  Adopted (on a's thread, before that group's lines are fed),
 * a takes it in place of opening the directory; a view never asked for is
 * freed when a later one is taken.  The views a holds are its own.
 */
typedef struct ge_attrib_viewer ge_attrib_viewer;
typedef struct ge_attrib_view ge_attrib_view;
ge_attrib_viewer *ge_attrib_viewer_new(const ge_attrib *a);
void ge_attrib_viewer_free(ge_attrib_viewer *v);
ge_attrib_view *ge_attrib_view_make(const ge_attrib_viewer *vw, const char *pkg, size_t len);
void ge_attrib_view_free(ge_attrib_view *v);
void ge_attrib_view_adopt(ge_attrib *a, ge_attrib_view *v);
/* The views a took from those adopted instead of opening the directory. */
size_t ge_attrib_views_taken(const ge_attrib *a);
/*
 * Where a's views made ahead go once a is done with them (their package's
 * group over, or never asked for): to drop(ud, p), which frees p in its
 * own time (ge_gopkg_free), in place of a freeing it.  Memory is given
 * back faster by the thread that took it: freed here, each block of the
 * other thread's heap took that heap's lock while the other allocated
 * from it (its release a futex wake each time, 5 % of report --input's
 * time at 10^6 lines).  NULL: a frees them itself.  Views a opened itself
 * are always freed by a.
 */
void ge_attrib_set_view_drop(ge_attrib *a, void (*drop)(void *ud, struct ge_gopkg *p),
                             void *ud);

#endif
