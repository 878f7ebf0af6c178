/*
 * Fuzz target: the remote URL scrubber (lib/url) and the SARIF repository
 * URI made from it.  Beyond "no crash", the invariants, checked by an
 * oracle written apart from the scrubber:
 *  - the output is never longer than the input, and scrubs to itself;
 *  - a URL's userinfo (scheme://USERINFO@host, up to the authority's last
 *    '@'; USERINFO@host:path before the first '/'), when it occurs once in
 *    the input, does not occur in the output;
 *  - a URL's query or fragment is gone: no '?' or '#' in the output of a
 *    scheme:// or scp-like input;
 *  - a refusal writes nothing, and the SARIF URI exists only for a URL
 *    the scrubber accepted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sarif.h"
#include "url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Occurrences of needle in hay, overlapping ones too. */
static size_t count(const char *hay, size_t hn, const char *needle, size_t nn)
{
	size_t i, c = 0;
	if (!nn || nn > hn)
		return 0;
	for (i = 0; i + nn <= hn; i++)
		c += memcmp(hay + i, needle, nn) == 0;
	return c;
}

static int has_scheme(const char *s)
{
	const char *p = s;
	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		return 0;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
	       *p == '+' || *p == '-' || *p == '.')
		p++;
	return strncmp(p, "://", 3) == 0;
}

/* The userinfo by the oracle's reading: [*start, *start + *len). */
static int userinfo(const char *in, const char **start, size_t *len)
{
	const char *a, *end, *at = NULL, *p;
	if (has_scheme(in)) {
		a = strstr(in, "://") + 3;
		end = a + strcspn(a, "/?#");
	} else {
		a = in;
		end = a + strcspn(a, "/");
	}
	for (p = a; p < end; p++)
		if (*p == '@')
			at = p;
	if (!at || at == a)
		return 0;
	*start = a;
	*len = (size_t)(at - a);
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ge_buf out = GE_BUF_INIT, again = GE_BUF_INIT;
	char *in, *uri;
	const char *ui;
	size_t uilen;
	if (size > 4096 || memchr(data, 0, size))
		return 0;
	if (!(in = malloc(size + 1)))
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	if (ge_url_scrub(&out, in) == 0) {
		const char *o = out.ptr;
		int url = has_scheme(in);
		int scp = !url && in[0] != '/' && memchr(in, ':', strcspn(in, "/"));
		if (out.len > size)
			abort();
		if (ge_url_scrub(&again, o) != 0 || strcmp(again.ptr, o) != 0)
			abort();
		if ((url || scp) && userinfo(in, &ui, &uilen) && count(in, size, ui, uilen) == 1 &&
		    count(o, out.len, ui, uilen) != 0)
			abort();
		if ((url || scp) && strpbrk(o, "?#"))
			abort();
	} else if (out.len != 0) {
		abort(); /* a refusal writes nothing */
	}
	/* Only made from a scrubbed URL. */
	uri = ge_sarif_repo_uri(in);
	if (uri && out.len == 0)
		abort();
	free(uri);
	ge_buf_release(&out);
	ge_buf_release(&again);
	free(in);
	return 0;
}
