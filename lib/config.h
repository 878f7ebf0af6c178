/*
 * lib/config: the optional .goescape.json at the module root (the go.work
 * directory in a workspace).
 *
 *   {
 *     "baseline": ".goescape/baseline.json",   where baseline/check keep the baseline
 *     "packages": ["./..."],                   default package patterns
 *     "ignore": {
 *       "paths": ["internal/gen/<glob>", "<glob>_gen.go"],  files never reported
 *       "functions": ["init", "(*Pool).Grow"]      functions never reported
 *     },
 *     "fail_on": ["moved", "escapes"]          kinds whose new diagnostics fail a check
 *     "fail_min_share": 0.01                   with check --profile: only new escapes whose
 *                                              line has this share of the bytes fail; (0,1]
 *     "assert": {"bce": false}                 assertion kinds (noescape, inline, bce) that
 *                                              are not checked; each true (default) or false
 *   }
 *
 * Every key is optional; an unknown key or a value of the wrong type is an
 * error naming the file.  Nothing in it names a program to run.
 *
 * The file comes with the repository, so it is untrusted: every value is
 * checked for what it is, within the limits below, and anything else is
 * GE_EBADINPUT naming the file, the key and the entry.
 *  - "packages": package patterns inside the module ("./...", "./cmd/x",
 *    "cmd/...", "example.com/m/x/...", "all"): never starting with '-' (go
 *    would read a flag: -toolexec, -exec, -overlay, -modfile), no
 *    whitespace, control byte or backslash, not absolute, no "..".
 *  - "ignore.paths": globs without control bytes and without "***".
 *  - "ignore.functions": names without control bytes.
 *  - "baseline": relative, no "..", no control bytes.
 *
 * Path globs: "?" one byte but '/', "*" a run within one path segment, "**"
 * a run across segments, "**" + "/" zero or more whole segments; a pattern
 * without "/" also matches the base name.  Matching costs O(pattern x path)
 * with no allocation, and each distinct file of a report is matched once.
 * In source, "//goescape:ignore" on the line of a diagnostic or on the line
 * above suppresses it.
 */
#ifndef GE_CONFIG_H
#define GE_CONFIG_H

#include "report.h"

#define GE_CONFIG_MAX_BYTES     (1024 * 1024) /* the file itself */
#define GE_CONFIG_MAX_PACKAGES  256           /* "packages" entries */
#define GE_CONFIG_MAX_PATTERN   512           /* bytes in a package pattern or baseline path */
#define GE_CONFIG_MAX_GLOBS     256           /* "ignore.paths" entries */
#define GE_GLOB_MAX             256           /* bytes in one glob */
#define GE_GLOB_TOTAL           4096          /* bytes in all globs together */
#define GE_CONFIG_MAX_FUNCTIONS 1024          /* "ignore.functions" entries */
#define GE_CONFIG_MAX_FUNCTION  512           /* bytes in one function name */
#define GE_CONFIG_MAX_PLATFORMS 8             /* "suggest.platforms" entries */

typedef struct ge_config {
	char *baseline; /* relative to the root; NULL = the default */
	char **packages;
	size_t npackages;
	char **ignore_paths;
	size_t nignore_paths;
	char **ignore_functions;
	size_t nignore_functions;
	int fail_on[3]; /* indexed by ge_kind */
	/* "fail_min_share": with check --profile, only new escapes whose line
	   has at least this share of the profile's bytes fail; 0 = unset */
	double fail_min_share;
	/* "suggest": {"platforms": ["GOOS/GOARCH", ...]}: where suggest's
	   rewrites must compile besides the host; GOOS and GOARCH each from a
	   fixed list (ge_config_platform_problem).  platforms_set: the key was
	   given (an empty list then means the host only). */
	char **suggest_platforms;
	size_t nsuggest_platforms;
	int suggest_platforms_set;
	/* "assert": kinds turned off, indexed noescape, inline, bce (lib/asserts) */
	int assert_off[3];
} ge_config;

/* NULL when p is "GOOS/GOARCH" of a known system and architecture, else why not. */
const char *ge_config_platform_problem(const char *p);

/* Defaults: moved and escapes fail, nothing ignored. */
void ge_config_init(ge_config *c);
void ge_config_release(ge_config *c);

/* Load root/.goescape.json into c (defaults when the file does not exist). */
int ge_config_load(ge_config *c, const char *root);
/* Parse config text; name is used in messages. */
int ge_config_parse(ge_config *c, const char *text, size_t len, const char *name);

/*
 * Does a '/'-separated path match a glob ('*' within a segment, '**' across)?
 * A pattern longer than GE_GLOB_MAX matches nothing.
 */
int ge_glob_match(const char *pattern, const char *path);

/*
 * The same matching for many globs at once, compiled into one bit-parallel
 * automaton: ge_globset_match tells whether any pattern matches path, in
 * O(path x total pattern bytes / 64) (1 yes, 0 no, -1 out of memory).
 * ge_globset_new's result is freed with ge_globset_free (NULL is fine).
 */
typedef struct ge_globset ge_globset;
int ge_globset_new(ge_globset **out, char *const *patterns, size_t n);
int ge_globset_match(const ge_globset *g, const char *path);
void ge_globset_free(ge_globset *g);

/*
 * Drop what the configuration ignores from r's diagnostics and fixed list,
 * and diagnostics whose source line (or the line above) under root carries
 * "//goescape:ignore".  Returns the number dropped, or < 0 on error.
 */
int ge_config_filter(const ge_config *c, ge_report *r, const char *root);

/* New diagnostics of kinds that fail a check. */
size_t ge_config_failing(const ge_config *c, const ge_report *r);

#endif
