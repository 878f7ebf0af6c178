/*
 * goescape public API: what another program may call.
 *
 * Every function that can fail returns 0 on success, a negative GE_E* code
 * otherwise, and leaves a message for ge_error_last().
 */
#ifndef GOESCAPE_GOESCAPE_H
#define GOESCAPE_GOESCAPE_H

#include <stddef.h>

#define GOESCAPE_VERSION "0.1.0"

/* Error codes a caller may want to tell apart. */
enum {
	GE_OK = 0,
	GE_ERROR = -1,    /* anything else; see ge_error_last() */
	GE_ENOTFOUND = -2, /* a file, revision or note that does not exist */
	GE_EBADINPUT = -3, /* input that cannot be parsed */
	GE_ENOMEM = -4,
	GE_EUSAGE = -5, /* a caller's argument that makes no sense */
	GE_EBUILD = -6, /* the Go build itself failed */
	GE_ECONFLICT = -7, /* a concurrent update won; retry */
	/* A signal (SIGINT, SIGTERM, SIGHUP) ended the run: stop, clean up, re-raise it. */
	GE_EINTERRUPTED = -8,
	GE_ELOCKED = -9, /* a lock file is held, or was left behind by a killed process */
	GE_ETOOBIG = -10 /* an append would take a bounded buffer past its bound */
};

/* The message of the most recent failure on this thread; never NULL. */
const char *ge_error_last(void);

/* The library's version string, e.g. "0.1.0". */
const char *ge_version(void);

#endif
