/*
 * lib/capture: one captured go build, from argv to report.
 *
 * Runs the planned go invocation (lib/gocmd, lib/run), streams its stderr
 * through the parser (lib/parse) and attribution (lib/attrib) into a report,
 * and hands every line the user should see — go's own messages, compiler
 * errors, with their "# importpath" header — to a callback in the order go
 * printed them.  The -m lines are withheld unless verbose is set or the
 * user's own -gcflags asked for -m.
 */
#ifndef GE_CAPTURE_H
#define GE_CAPTURE_H

#include "gocmd.h"
#include "report.h"

/* A line for the user (no newline). */
typedef void (*ge_output_cb)(const char *line, size_t len, void *ud);

typedef struct ge_capture_opts {
	const char *go;         /* the real go */
	char *const *args;      /* after "go": args[0] is "build" or "install" */
	size_t nargs;
	const char *cwd;        /* where go runs: the user's directory */
	const ge_modset *mods;
	const char *goflags;    /* $GOFLAGS as go sees it; may be NULL */
	int verbose;            /* show the -m lines too */
	ge_output_cb on_output; /* NULL: discard */
	void *ud;
	/* A go -overlay in effect (see ge_attrib_set_overlay); borrowed. */
	char *const *ov_real;
	char *const *ov_backing;
	size_t nov;
	/* -m only for the packages args name (ge_goplan_build_named), and a
	 * successful build that printed nothing for them is an error; set by
	 * ge_capture_packages. */
	int named;
	/* With -json: each build event as the user should see it (one JSON
	 * line, no newline; ud as for on_output).  NULL: discard. */
	ge_output_cb on_json;
	/* Report positions in vendor/ too (--vendored); off, they are the
	 * dependencies' code. */
	int vendored;
	/* --profile (lib/cost): attrib also places the build's inlining and
	 * other positioned lines into these sites (ge_cost_sites_take), for
	 * the staleness check and hot sites' text; NULL: not collected.
	 * Borrowed. */
	struct ge_cost_sites *sites;
	/* Each "# importpath" header go prints (the import path, no "# "),
	 * whether or not its lines are shown: lib/progress counts them.
	 * NULL: none.  package_ud is passed to it. */
	ge_output_cb on_package;
	void *package_ud;
	/* The replay fast path (ge_capture_replay); NULL: none. */
	struct ge_capture_replay *replay;
	/* ge_capture_packages: "go list -test", the packages' tests (their
	 * _test.go files, "# pkg [pkg.test]" groups) compiled too. */
	int tests;
} ge_capture_opts;

/*
 * The replay fast path of ge_capture_build.  got receives a hash of what go
 * printed that does not depend on the order of its "# package" blocks (go
 * prints each action's block as the action finishes, in no fixed order):
 * the sums of two 64-bit hashes of each block, the bytes and the blocks.  With
 * have set, the output is shown to the user as it comes but held, not
 * attributed, until go exits (up to GE_CAPTURE_REPLAY_MAX bytes, beyond
 * which attribution starts and the fast path is off): when go succeeded and
 * got equals expect, nothing is attributed, *out is NULL and hit is 1;
 * otherwise what was held is attributed as usual.
 */
#define GE_CAPTURE_REPLAY_MAX (64u * 1024 * 1024)
typedef struct ge_capture_replay {
	int have;
	uint64_t expect[4];
	uint64_t got[4];
	int hit;
	/*
	 * When set, have is tentative (the entry is being checked beside the
	 * build, lib/history): called once go has exited, before expect is
	 * read; it sets have (and expect) to what the check found.
	 */
	void (*settle)(struct ge_capture_replay *cap, void *ud);
	void *settle_ud;
} ge_capture_replay;

#define GE_CAPTURE_OPTS_INIT                                                                       \
	{                                                                                          \
		.go = NULL                                                                         \
	}

/*
 * Capture the analysis of packages, compiling without linking:
 * "go list -export -f={{""}} [-overlay FILE] PKG..." (ge_gocmd_compile_args,
 * the same compiler output as "go build"), with PKG... defaulting to
 * every package of the main modules.  o->args/nargs are ignored.  -m goes
 * to the named packages only (not to in-module packages they import), and
 * a build that succeeds without any -m line for them while one of them
 * declares a function fails with GE_EBADINPUT.
 */
int ge_capture_packages(ge_report **out, int *status, const ge_capture_opts *o,
			char *const *pkgs, size_t npkgs, const char *overlay_file);

/*
 * Run the build.  *status receives go's wait status; *out the report (also
 * on a failed build: whatever was printed), which the caller frees with
 * ge_report_free().  Returns < 0 only when go could not be run or memory ran
 * out.
 */
int ge_capture_build(ge_report **out, int *status, const ge_capture_opts *o);

/*
 * Attribute compiler output captured elsewhere, read from fd until EOF.
 * name is used in messages.  GE_EBADINPUT when the input is not compiler
 * output at all (binary data, no recognisable line).
 */
int ge_capture_input(ge_report **out, int fd, const char *name, const ge_modset *mods,
		     const char *cwd);
/*
 * The same, keeping only the packages that patterns pkgs name
 * (ge_gocmd_scope; none = every main-module package).  Both read plain
 * output and "go build -json" events, and fail with GE_EBADINPUT ("no
 * compiler output for P in 'NAME'") when nothing in the input is -m output
 * of a package in scope while one of them declares a function.  vendored:
 * report positions in vendor/ too.
 */
int ge_capture_input_pkgs(ge_report **out, int fd, const char *name, const ge_modset *mods,
			  const char *cwd, char *const *pkgs, size_t npkgs, int vendored);
/* The same, also handing the positioned non-diagnostic lines ("inlining
   call to", check_bce's "Found ...") to sites (lib/cost), as a build does. */
int ge_capture_input_sites(ge_report **out, int fd, const char *name, const ge_modset *mods,
                           const char *cwd, char *const *pkgs, size_t npkgs, int vendored,
                           struct ge_cost_sites *sites);

/*
 * Keep only the diagnostics of packages that patterns pkgs name (as
 * ge_gocmd_scope; none named keeps everything): a whole-module baseline
 * compared with a check of some packages.
 */
int ge_capture_keep_named(ge_report *r, char *const *pkgs, size_t npkgs, const ge_modset *mods,
                          const char *cwd);


/*
 * Did the last ge_capture_input_pkgs() read a "# pkg" block for pkg?  So a
 * caller that knows the base can tell input cut before a package from a
 * package that has no escapes left.  0 before any input was read.
 */
int ge_capture_input_saw(const char *pkg);

/*
 * For tests: how many lines the last --input from a regular file had
 * classified on its reader thread (0 when it had none): the lines of a
 * group not attributed are not.
 */
size_t ge_capture__ahead_classified(void);
/*
 * For tests: the package views the last such reader made ahead, and how
 * many of them attribution took instead of reading the directory itself.
 */
void ge_capture__ahead_views(size_t *made, size_t *taken);
/* For tests: the bytes of the report's diagnostic array the last such
 * reader faulted in ahead of attribution (ge_report_spare). */
size_t ge_capture__ahead_prefaulted(void);
/* For tests: the views attribution was done with that the last such reader
 * freed itself (ge_attrib_set_view_drop). */
size_t ge_capture__ahead_freed(void);
/*
 * For tests: the reader makes a slot's views only while it is this many
 * slots ahead of attribution (2, the default; 0: always), else attribution
 * makes them.
 */
void ge_capture__ahead_lead(int slots);

#endif
