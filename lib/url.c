/* Remote URLs without credentials: userinfo, query and fragment removed. */
#include "url.h"

#include <string.h>

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int bad(void)
{
	return ge_error_set(GE_EBADINPUT, "cannot read the remote url without doubt; left out");
}

/* Past the last '@' or "%40" in [s, e), or NULL when there is none. */
static const char *past_userinfo(const char *s, const char *e)
{
	const char *p, *last = NULL;
	for (p = s; p < e; p++) {
		if (*p == '@')
			last = p + 1;
		else if (*p == '%' && e - p >= 3 && p[1] == '4' && p[2] == '0')
			last = p + 3;
	}
	return last;
}

/*
 * [h, e) is a host: a bracketed IPv6 address ("[::1]", "[fe80::1%25eth0]")
 * or a name of letters, digits, '-', '.', '_', '~' and %HH escapes; with
 * with_port, optionally followed by ':' and at most 5 digits.
 */
static int host_ok(const char *h, const char *e, int with_port)
{
	const char *p = h;
	int colons = 0;
	if (p >= e)
		return 0;
	if (*p == '[') {
		for (p++; p < e && *p != ']'; p++) {
			if (*p == '%') { /* a zone: %25 then unreserved characters */
				for (p++; p < e && *p != ']'; p++)
					if (!is_alpha(*p) && !is_digit(*p) && !strchr("-._~%", *p))
						return 0;
				break;
			}
			if (*p == ':')
				colons++;
			else if (!is_hex(*p) && *p != '.')
				return 0;
		}
		if (p >= e || *p != ']' || colons < 2)
			return 0;
		p++;
	} else {
		for (; p < e && *p != ':'; p++) {
			if (*p == '%') {
				if (e - p < 3 || !is_hex(p[1]) || !is_hex(p[2]))
					return 0;
				p += 2;
			} else if (!is_alpha(*p) && !is_digit(*p) && !strchr("-._~", *p)) {
				return 0;
			}
		}
		if (p == h)
			return 0;
	}
	if (p == e)
		return 1;
	if (!with_port || *p != ':' || e - p - 1 > 5)
		return 0;
	for (p++; p < e; p++)
		if (!is_digit(*p))
			return 0;
	return 1;
}

/* The length of a scheme followed by "://" at the start of s, or 0. */
static size_t scheme_len(const char *s)
{
	size_t n = 0;
	if (!is_alpha(s[0]))
		return 0;
	while (is_alpha(s[n]) || is_digit(s[n]) || s[n] == '+' || s[n] == '-' || s[n] == '.')
		n++;
	return strncmp(s + n, "://", 3) == 0 ? n : 0;
}

int ge_url_scrub(ge_buf *out, const char *url)
{
	const char *p, *auth, *auth_end, *host, *path, *path_end, *colon;
	size_t n, start;
	int rc;
	assert(out && url);
	start = out->len;
	if (!url[0])
		return bad();
	for (p = url; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
			return bad();

	if ((n = scheme_len(url))) {
		auth = url + n + 3;
		auth_end = auth + strcspn(auth, "/?#");
		host = past_userinfo(auth, auth_end);
		host = host ? host : auth;
		path = auth_end;
		path_end = path + strcspn(path, "?#");
		/* file:///path has an empty host; every other URL names one. */
		if (host == auth_end ? !(n == 4 && strncmp(url, "file", 4) == 0)
		                     : !host_ok(host, auth_end, 1))
			return bad();
		if (memchr(path, '@', (size_t)(path_end - path)))
			return bad(); /* "u:pa/ss@host": the password held a '/' */
		rc = ge_buf_put(out, url, n + 3);
		if (rc == 0)
			rc = ge_buf_put(out, host, (size_t)(path_end - host));
		goto done;
	}

	/* No ':' before the first '/': a local path. */
	path_end = url + strcspn(url, "/");
	if (!memchr(url, ':', (size_t)(path_end - url))) {
		if (url[0] != '/' && strchr(url, '@'))
			return bad(); /* "user@host" without a ':' is no path anyone means */
		rc = ge_buf_puts(out, url);
		goto done;
	}

	/* scp-like [user[:secret]@]host:path: the host ends at its ':'. */
	host = past_userinfo(url, path_end);
	host = host ? host : url;
	if (*host == '[') {
		colon = strchr(host, ']');
		colon = colon ? colon + 1 : NULL;
	} else {
		colon = host + strcspn(host, ":/");
	}
	if (!colon || *colon != ':' || !host_ok(host, colon, 0))
		return bad();
	path = colon + 1;
	path_end = path + strcspn(path, "?#");
	if (memchr(path, '@', (size_t)(path_end - path)))
		return bad();
	rc = ge_buf_put(out, host, (size_t)(path_end - host));
	if (rc == 0 && scheme_len(out->ptr + start)) {
		/* "user@host://x" would read back as a URL of scheme "host". */
		ge_buf_truncate(out, start);
		return bad();
	}
done:
	if (rc < 0) {
		ge_buf_truncate(out, start);
		return ge_error_set(GE_ENOMEM, "out of memory");
	}
	return 0;
}
