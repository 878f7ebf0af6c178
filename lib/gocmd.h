/*
 * lib/gocmd: everything about the go command line that goescape changes or
 * must understand, without running go.
 *
 *  - finding the real go binary (GOESCAPE_GO, else PATH minus goescape itself);
 *  - finding the main module(s): go.mod upward from a directory, and go.work
 *    (GOWORK honoured), read directly so no go process is needed;
 *  - planning a captured "go build"/"go install": the user's argv with our
 *    -gcflags merged in so that every main-module package gets -m on top of
 *    exactly the flags it had, and every other package keeps its flags.
 */
#ifndef GE_GOCMD_H
#define GE_GOCMD_H

#include <stddef.h>

#include "common.h"
#include "run.h"

/* A main module: its root directory (absolute, clean) and module path. */
typedef struct ge_module {
	char *root;
	char *path;
} ge_module;

/* The main modules of a directory: one for go.mod, several for go.work. */
typedef struct ge_modset {
	ge_module *mods;
	size_t n;
	char *workfile;   /* go.work path when in workspace mode, else NULL */
	char *top;        /* what report paths are relative to: the module root, or
	                     in workspace mode the go.work directory (or the nearest
	                     directory above it that holds every used module too) */
	char *go_version; /* the "go" line of go.mod / go.work, NULL if none */
} ge_modset;

#define GE_MODSET_INIT                                                                             \
	{                                                                                          \
		.mods = NULL                                                                       \
	}

/*
 * Find the main modules for directory dir (absolute).  env_gowork is the
 * value of GOWORK (NULL when unset).  GE_ENOTFOUND when dir is not inside a
 * module.  Release with ge_modset_release().
 */
int ge_modset_find(ge_modset *out, const char *dir, const char *env_gowork);
void ge_modset_release(ge_modset *m);
/* The module whose root contains the absolute path (the innermost); NULL if none. */
const ge_module *ge_modset_lookup_path(const ge_modset *m, const char *abspath);
/* The module whose path prefixes the import path (longest); NULL if none. */
const ge_module *ge_modset_lookup_import(const ge_modset *m, const char *importpath);
/* Is import path imp modpath itself or below it ("a/b" is within "a", "ab" is not)?
 * For modpath "std", is imp a standard-library package (ge_gocmd_std_import)? */
int ge_gocmd_import_within(const char *imp, const char *modpath);
/* Is imp a package of module std: its first path element has no dot, and it
 * is neither "cmd" (a module of its own) nor "command-line-arguments"? */
int ge_gocmd_std_import(const char *imp);

/* Is m the standard library's module "std" (GOROOT/src), whose import
 * paths carry no module-path prefix ("strconv", not "std/strconv")? */
int ge_module_is_std(const ge_module *m);

/* The directory below m's root of the package imp ("" for the root), or
 * NULL when imp is not one of m's packages.  Points into imp. */
const char *ge_module_rel_import(const ge_module *m, const char *imp);

/*
 * The import path of the package in directory rel ("" for the root) of the
 * module whose path is modpath, malloc'd: "MOD/rel", or "MOD" for the
 * root; module std's packages have no prefix ("strconv" for "strconv"; its
 * root, which holds no package, is "std").  NULL: out of memory.
 */
char *ge_gocmd_module_import(const char *modpath, const char *rel);

/*
 * The path below m's root of the file a -trimpath build printed as
 * printed, or NULL when that is not one of m's files.  go prints a module's
 * files as "MOD/dir/x.go"; module std's as the package's import path and
 * the file name ("unicode/utf8/utf8.go"), so for std, printed itself when
 * its directory is a standard-library import path.  Points into printed.
 */
const char *ge_module_trimmed_file(const ge_module *m, const char *printed);

/* The package pattern of all of m's packages, malloc'd: "MOD/..." or, for
 * module std, "std" (go's pattern for the standard library).  NULL: out of memory. */
char *ge_module_all_pattern(const ge_module *m);

/*
 * go.mod and go.work are read only when they are regular files of at most
 * this size (a FIFO or /dev/zero in their place is GE_EBADINPUT at once).
 */
#define GE_GOMOD_MAX_BYTES ((size_t)16 * 1024 * 1024)

/* Read the module path from a go.mod text; GE_EBADINPUT if there is none. */
int ge_gomod_module_path(char **out, const char *text, size_t len);

/*
 * The real go: $GOESCAPE_GO when set (must exist and be executable), else the
 * first executable "go" on PATH that is not this program (self is the path
 * of our own executable, compared after resolving symlinks).  *out is
 * malloc'd.  GE_ENOTFOUND with a message when there is none.
 */
int ge_gocmd_find_go(char **out, const char *env_goescape_go, const char *env_path,
                     const char *self);

/*
 * How many goescapes run this one: every go goescape starts gets
 * GOESCAPE_DEPTH one higher (lib/run).  A "go" that leads back to goescape
 * without being it (a wrapper script that execs goescape) would otherwise
 * run goescape again for ever; ge_gocmd_find_go refuses at GE_MAX_DEPTH.
 */
#define GE_ENV_DEPTH GE_RUN_ENV_DEPTH
#define GE_MAX_DEPTH 8
int ge_gocmd_depth(void);

/*
 * The subcommand and flags that start every build goescape runs for itself
 * (check's head and base, report, report --commit, the hook, suggest's
 * probes and verification): "go list -export" compiles each named package
 * and what it imports exactly as "go build" does, printing the same
 * compiler output under the same "# importpath" headers and failing the
 * same way on a compile error, but links no main package (go build re-links
 * every main package on every run, cache warm or not).  -f={{""}} keeps
 * stdout empty.  Go 1.19 and later.  Link errors are not found this way;
 * they do not change what the compiler says.  Put these GE_GOCMD_COMPILE_N
 * words after the go binary, then build flags and packages; the user's own
 * build and install stay go's command.
 */
#define GE_GOCMD_COMPILE_N 3
extern const char *const ge_gocmd_compile_args[GE_GOCMD_COMPILE_N];
/* Does the command line (args[0] the subcommand) start with those words? */
int ge_gocmd_is_compile_only(char *const *args, size_t n);

/* Is this go subcommand one goescape captures (build, install)? */
int ge_gocmd_is_captured(const char *subcmd);
/*
 * Does goescape capture this command line (args[0] the subcommand)?  build
 * and install, -json included (see ge_gocmd_json).
 */
int ge_gocmd_capture_args(char *const *args, size_t n);
/*
 * Does the command line (args[0] the subcommand) ask for -json?  go then
 * prints the compiler's output as build events on stdout (go help
 * buildjson), which goescape reads instead of stderr.
 */
int ge_gocmd_json(char *const *args, size_t n);

/*
 * go's -C DIR, which must be the first flag after the subcommand: flags are
 * the words after it.  The directory as written (borrowed from flags), or
 * NULL; *nwords (may be NULL) is how many words it took (0, 1 or 2).  The one
 * reader of -C: the CLI and the build plan both ask it.
 */
const char *ge_gocmd_chdir(char *const *flags, size_t n, size_t *nwords);

/* One -gcflags entry: pattern ("" = the command-line packages) and flags. */
typedef struct ge_gcflag {
	char *pattern;
	char *flags; /* the text after "pattern=", as the user wrote it */
} ge_gcflag;

/* A planned invocation. */
typedef struct ge_goplan {
	char **argv; /* NULL-terminated: go, subcommand, merged flags..., args */
	size_t argc;
	int user_m;  /* the user's own flags ask for -m: show compiler output */
	char *chdir; /* the -C directory if given (as written), else NULL */
	/* ge_goplan_build_named: the import-path patterns of the named
	 * packages (NULL = every main-module package), see ge_gocmd_scope. */
	char **scope;
	size_t nscope;
} ge_goplan;

#define GE_GOPLAN_INIT                                                                             \
	{                                                                                          \
		.argv = NULL                                                                       \
	}

/*
 * Plan a captured build: go is the real go, args are the user's arguments
 * after "go" (args[0] is "build" or "install"), goflags is $GOFLAGS (may be
 * NULL), mods the main modules, cwd the directory go will run in.
 * The result keeps every argument except the user's -gcflags, which are
 * folded into the merged entries inserted after the subcommand (after -C).
 */
int ge_goplan_build(ge_goplan *out, const char *go, char *const *args, size_t nargs,
                    const char *goflags, const ge_modset *mods, const char *cwd);
/*
 * The same for a build of named packages (goescape report/check PKG...):
 * -m goes only to the packages the positional arguments name, as
 * import-path patterns ("./middleware" becomes "MOD/middleware=-m"), not to
 * the in-module packages they import.  No positional argument, "./..." at
 * the root, "all" or "..." mean every main-module package, as with
 * ge_goplan_build.  The patterns are kept in out->scope.
 */
int ge_goplan_build_named(ge_goplan *out, const char *go, char *const *args, size_t nargs,
                          const char *goflags, const ge_modset *mods, const char *cwd);
void ge_goplan_release(ge_goplan *p);

/*
 * The import-path patterns that package patterns pkgs (as a user writes
 * them, relative to cwd) select inside the main modules: "./x" is "MOD/x",
 * "./x/..." "MOD/x/...", an import path stays itself, patterns outside
 * every main module are left out.  *out is NULL (*nout 0) when the patterns
 * mean every main-module package (none given, "all", "...", .go files);
 * else a NULL-terminated malloc'd array (possibly with *nout 0: nothing of
 * the main modules is named), freed with ge_strv_free().
 */
int ge_gocmd_scope(char ***out, size_t *nout, char *const *pkgs, size_t npkgs,
                   const ge_modset *mods, const char *cwd);
/* Is importpath selected by the scope (a NULL scope selects everything)? */
int ge_gocmd_scope_match(char *const *scope, size_t n, const char *importpath);

/*
 * The merging rule on its own (exposed for tests): given the user's entries
 * in the order go applies them (GOFLAGS first, then the command line, with
 * from_cmdline[i] telling which), produce the -gcflags values to put on the
 * command line.  *out is a malloc'd array of malloc'd strings, *nout long.
 */
int ge_gcflags_merge(char ***out, size_t *nout, const ge_gcflag *entries, const int *from_cmdline,
                     size_t n, const ge_modset *mods, const char *cwd);
/* The same with -m for the packages of a scope only (ge_gocmd_scope). */
int ge_gcflags_merge_scoped(char ***out, size_t *nout, const ge_gcflag *entries,
                            const int *from_cmdline, size_t n, const ge_modset *mods,
                            const char *cwd, char *const *scope, size_t nscope);

/* Split a GOFLAGS value the way go does (spaces, '' and "" quoting). */
int ge_goflags_split(char ***out, size_t *nout, const char *goflags);

/*
 * A go environment setting as go would see it: the process environment,
 * else the user's go env file ($GOENV, else $XDG_CONFIG_HOME/go/env, else
 * $HOME/.config/go/env), written by "go env -w".  *out is malloc'd or NULL.
 */
int ge_goenv_lookup(char **out, const char *name);
#endif
