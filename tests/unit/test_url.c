/* lib/url: remote URLs lose their credentials, and doubtful ones are left out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

typedef struct url_case {
	const char *in;
	const char *want; /* NULL: GE_EBADINPUT, nothing written */
} url_case;

static const url_case cases[] = {
    /* userinfo: everything before the last '@' of the authority */
    {"https://x-access-token:s3cret@github.com/org/repo.git", "https://github.com/org/repo.git"},
    {"https://u:p@ss@host/x", "https://host/x"},
    {"https://tok@host", "https://host"},
    {"https://user:@host/x", "https://host/x"},
    {"https://:pw@host/x", "https://host/x"},
    {"http://u:p@gitea.local:3000/o/r", "http://gitea.local:3000/o/r"},
    {"ssh://git@github.com:22/org/repo.git", "ssh://github.com:22/org/repo.git"},
    {"ssh://user:pw@[::1]:2222/srv/r.git", "ssh://[::1]:2222/srv/r.git"},
    {"https://[fe80::1%25eth0]/r", "https://[fe80::1%25eth0]/r"},
    {"git://example.com/r.git", "git://example.com/r.git"},
    {"git+ssh://me@host/r", "git+ssh://host/r"},
    {"file:///srv/git/r.git", "file:///srv/git/r.git"},
    {"file://u:p@nas/share/r.git", "file://nas/share/r.git"},
    /* percent-encoded '@': a user name with a domain, or the separator itself */
    {"https://me%40corp.com:tok@host/r", "https://host/r"},
    {"https://me%40host/r", "https://host/r"},
    /* query and fragment */
    {"https://host/o/r.git?access_token=abc123", "https://host/o/r.git"},
    {"https://host/o/r#frag", "https://host/o/r"},
    {"https://u:p@host?x=1#y", "https://host"},
    {"https://host/o/r?a=1@b", "https://host/o/r"},
    /* scp-like */
    {"git@github.com:org/repo.git", "github.com:org/repo.git"},
    {"user:tok3n@host:o/r.git", "host:o/r.git"},
    {"a:b@c@host:path", "host:path"},
    {"github.com:org/repo", "github.com:org/repo"},
    {"git@[::1]:repo", "[::1]:repo"},
    {"git@host:o/r?token=x", "host:o/r"},
    /* local paths */
    {"/srv/git/my repo.git", "/srv/git/my repo.git"},
    {"/home/u@corp/repo", "/home/u@corp/repo"},
    {"../other", "../other"},
    {"repo", "repo"},
    /* doubtful: left out */
    {"", NULL},
    {"https://", NULL},
    {"https://u:pa/ss@host/x", NULL},   /* password with '/': host "u", port "pa" */
    {"https://u:123/456@host/x", NULL}, /* the same with a numeric start */
    {"https://host:99999999/x", NULL},  /* not a port */
    {"https://bad host/x", NULL},
    {"https://[::1/x", NULL},
    {"https://host/a\nb", NULL},
    {"https://host\\@evil/x", NULL},
    {"git@bad host:o/r", NULL},
    {"u:to/k@host:o/r", NULL}, /* scp password with '/' */
    {"host:a@b", NULL},
    {"user@host", NULL},
    {":path", NULL},
    {"C:\\repo", NULL},
    {"user\340@host3http://:", NULL}, /* found by fuzz_url: reads back as a URL */
};

static void table(void **state)
{
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ge_buf out = GE_BUF_INIT;
		int rc = ge_url_scrub(&out, cases[i].in);
		if (!cases[i].want) {
			if (rc != GE_EBADINPUT || out.len)
				fail_msg("case %zu: want it left out, got %d '%s'", i, rc, out.ptr);
			/* The message never quotes the URL. */
			assert_null(strstr(ge_error_last(), "host"));
		} else {
			if (rc != 0 || strcmp(out.ptr, cases[i].want) != 0)
				fail_msg("case %zu '%s': want '%s', got %d '%s'", i, cases[i].in,
				         cases[i].want, rc, out.ptr);
			assert_true(out.len <= strlen(cases[i].in));
		}
		ge_buf_release(&out);
	}
}

/* What was scrubbed scrubs to itself, and nothing is lost that was there. */
static void idempotent_and_appending(void **state)
{
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ge_buf once = GE_BUF_INIT, twice = GE_BUF_INIT;
		if (!cases[i].want)
			continue;
		assert_int_equal(ge_buf_puts(&twice, "keep:"), 0);
		assert_int_equal(ge_url_scrub(&once, cases[i].in), 0);
		assert_int_equal(ge_url_scrub(&twice, once.ptr), 0);
		assert_string_equal(twice.ptr + 5, once.ptr);
		assert_memory_equal(twice.ptr, "keep:", 5);
		ge_buf_release(&once);
		ge_buf_release(&twice);
	}
	{
		/* A failure leaves what was in the buffer. */
		ge_buf b = GE_BUF_INIT;
		assert_int_equal(ge_buf_puts(&b, "keep"), 0);
		assert_int_equal(ge_url_scrub(&b, "https://u:pa/ss@host/x"), GE_EBADINPUT);
		assert_string_equal(b.ptr, "keep");
		ge_buf_release(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(table),
	    cmocka_unit_test(idempotent_and_appending),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
