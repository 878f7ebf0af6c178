/*
 * lib/url: remote URLs without the credentials people put in them.
 *
 * A remote URL in .git/config may carry a password or token (CI systems
 * write "https://x-access-token:TOKEN@host/o/r", "?access_token=" query
 * strings, "user:TOKEN@host:path").  Whatever goescape writes from it (the
 * SARIF versionControlProvenance) goes through ge_url_scrub() first.
 */
#ifndef GE_URL_H
#define GE_URL_H

#include "common.h"

/*
 * Append to out the URL with every credential removed:
 *
 *   scheme://[userinfo@]host[:port][/path][?query][#fragment]
 *       -> scheme://host[:port][/path]: the userinfo is everything before
 *          the LAST '@' (or "%40") of the authority, so "u:p@ss@host" keeps
 *          no "ss@"; the query and fragment go; a bracketed IPv6 host and a
 *          numeric port stay.
 *   [user[:secret]@]host:path (scp-like: a ':' before any '/')
 *       -> host:path, without query or fragment.
 *   /absolute/local/path, relative/path without '@' -> unchanged.
 *
 * When the URL cannot be read with confidence — empty, a control byte or
 * backslash, a host that is not a host name or bracketed address, a port
 * that is not a number, an '@' left in the path (a password holding '/'),
 * a relative path with an '@' — nothing is appended and GE_EBADINPUT is
 * returned: the caller leaves the URL out.  The message never quotes the
 * URL.  What is appended is never longer than url, and scrubbing it again
 * gives it back unchanged.
 */
int ge_url_scrub(ge_buf *out, const char *url);

#endif
