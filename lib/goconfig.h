/*
 * lib/goconfig: the build configuration that shapes what the compiler's
 * escape analysis says, worked out without running go where that can be
 * avoided.
 *
 * Two builds of the same tree agree on their escapes only when they agree
 * on: the Go toolchain that actually runs (after go's toolchain selection:
 * GOTOOLCHAIN, the go env file, GOROOT/go.env, the go/toolchain lines of
 * go.work or go.mod), GOOS, GOARCH, CGO_ENABLED, the build tags, the
 * -gcflags entries (GOFLAGS first, then the command line, in the order go
 * applies them), the other build flags that change what is compiled
 * (-race, -msan, -asan, -cover..., -pgo, -buildmode, -compiler,
 * -linkshared, -modfile) and GOEXPERIMENT.  A configuration is kept as its
 * fields, a canonical string made of them, and a 16-hex-digit hash of that
 * string, which is what notes and baselines are keyed by.
 */
#ifndef GE_GOCONFIG_H
#define GE_GOCONFIG_H

#include "common.h"
#include "gocmd.h"

typedef struct ge_goconfig {
	char *go; /* the toolchain that runs: "go1.27.3" */
	char *goos, *goarch;
	char *cgo;          /* "0" or "1" */
	char *tags;         /* sorted, without duplicates, comma-separated; "" for none */
	char *gcflags;      /* the -gcflags entries as go applies them, each "pattern=flags"
	                       with flags split and joined by one space; entries joined by "," */
	char *build;        /* other flags that change what is compiled, as "-race,-pgo=x" */
	char *goexperiment; /* GOEXPERIMENT as go sees it; "" when unset */
	char *canonical;    /* "go=... goos=... ..." (see ge_goconfig_finish) */
	char hash[17];      /* 16 hex digits of the canonical string's hash */
} ge_goconfig;

/* Free a configuration (NULL is fine). */
void ge_goconfig_free(ge_goconfig *c);
/* A deep copy; *out freed with ge_goconfig_free(). */
int ge_goconfig_dup(ge_goconfig **out, const ge_goconfig *c);

/*
 * The configuration of "go ARGS" (args[0] the subcommand, args may be
 * NULL for a plain build) run by the real go in cwd, with goflags the
 * value of GOFLAGS as go sees it and mods the main modules.  Reads the
 * environment, the go env file, GOROOT's VERSION and go.env and the
 * go.work / go.mod of mods; runs "go env" once per run only when go is
 * not a GOROOT's bin/go (a wrapper script).  *out freed with
 * ge_goconfig_free().
 */
int ge_goconfig_compute(ge_goconfig **out, const char *go, char *const *args, size_t nargs,
                        const char *goflags, const ge_modset *mods, const char *cwd);

/* Would ge_goconfig_compute() run go (a wrapper go not asked yet this run)? */
int ge_goconfig_spawns(const char *go);

/*
 * Fill canonical and hash from the fields.  The canonical string is
 * "go=V goos=V goarch=V cgo=V tags=V gcflags=V build=V goexperiment=V"
 * with space, '%' and control bytes of each value written as %XX, so it
 * splits back into its fields unambiguously.
 */
int ge_goconfig_finish(ge_goconfig *c);
/*
 * A configuration from its canonical string, checked against hash (NULL:
 * not checked).  GE_EBADINPUT when the string is not one.
 */
int ge_goconfig_parse(ge_goconfig **out, const char *canonical, const char *hash);

/* Append the configuration as a one-line JSON object. */
int ge_goconfig_to_json(ge_buf *out, const ge_goconfig *c);

/*
 * How two configurations differ: 0 not at all, 1 only in the Go patch
 * release (go1.26.7 against go1.26.8), 2 otherwise.  When what is given,
 * a short description of the differences ("go go1.19.13, now go1.26.8;
 * tags none, now tinygo") is appended to it.
 */
int ge_goconfig_compare(const ge_goconfig *was, const ge_goconfig *now, ge_buf *what);

/*
 * go's toolchain selection (cmd/go/internal/toolchain.Select) on its own:
 * local is the local toolchain's name ("go1.26.8"), gotoolchain the value
 * of GOTOOLCHAIN as go sees it (NULL or "" when unset), file_go and
 * file_toolchain the go and toolchain lines of the go.work or go.mod go
 * reads (NULL when absent).  *out is the name of the toolchain that runs
 * (malloc'd).  GE_EBADINPUT, with the message go gives, when go would
 * refuse the setting.  A local go older than 1.21 never switches.
 */
int ge_toolchain_select(char **out, const char *local, const char *gotoolchain, const char *file_go,
                        const char *file_toolchain);

/* gover.Compare on versions without "go" ("1.21", "1.21rc1", "1.21.0"). */
int ge_gover_compare(const char *x, const char *y);

/*
 * The value of a go.mod / go.work directive as go's toolchain selection
 * reads it (gover.GoModLookup: the first line "key value", comment
 * stripped); NULL when absent.  malloc'd.
 */
char *ge_gomod_lookup(const char *text, size_t len, const char *key);

#endif
