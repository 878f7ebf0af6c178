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
 *   }
 *
 * Every key is optional; an unknown key or a value of the wrong type is an
 * error naming the file.  Nothing in it names a program to run.
 * Path globs: "*" within one path segment, "**" across segments, a
 * pattern without "/" matches the base name.
 * In source, "//goescape:ignore" on the line of a diagnostic or on the line
 * above suppresses it.
 */
#ifndef GE_CONFIG_H
#define GE_CONFIG_H

#include "report.h"

typedef struct ge_config {
	char *baseline;          /* relative to the root; NULL = the default */
	char **packages;
	size_t npackages;
	char **ignore_paths;
	size_t nignore_paths;
	char **ignore_functions;
	size_t nignore_functions;
	int fail_on[3];          /* indexed by ge_kind */
} ge_config;

/* Defaults: moved and escapes fail, nothing ignored. */
void ge_config_init(ge_config *c);
void ge_config_release(ge_config *c);

/* Load root/.goescape.json into c (defaults when the file does not exist). */
int ge_config_load(ge_config *c, const char *root);
/* Parse config text; name is used in messages. */
int ge_config_parse(ge_config *c, const char *text, size_t len, const char *name);

/* Does a '/'-separated path match a glob ('*' within a segment, '**' across)? */
int ge_glob_match(const char *pattern, const char *path);

/*
 * Drop what the configuration ignores from r's diagnostics and fixed list,
 * and diagnostics whose source line (or the line above) under root carries
 * "//goescape:ignore".  Returns the number dropped, or < 0 on error.
 */
int ge_config_filter(const ge_config *c, ge_report *r, const char *root);

/* New diagnostics of kinds that fail a check. */
size_t ge_config_failing(const ge_config *c, const ge_report *r);

#endif
