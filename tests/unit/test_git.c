/*
 * lib/git on real repositories made by the real git in a temp dir (no
 * configuration of the machine's: GIT_CONFIG_NOSYSTEM, a HOME of its own):
 * discovery, HEAD and branch, revisions and merge-bases, commit subjects,
 * what counts as dirty for a Go build, notes written and read back, files
 * of a commit's tree, a diff with a rename and its line mapping, checkout
 * into a directory, and the build state before and after a change.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dlfcn.h>
#include <git2.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "fixture.h"
#include "git.h"

static char top[PATH_MAX]; /* the temp dir; the repository is top/repo */
static char repo[PATH_MAX + 8];

static void sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(cmd));
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
}

static void put(const char *rel, const char *text)
{
	assert_int_equal(fixture_write(repo, rel, text), 0);
}

static const char go_a[] = "package m\n\nfunc A() *int {\n\tx := 1\n\treturn &x\n}\n";

/* main: "one" (go.mod, a.go), "two" (b.go); side: from "one", "side". */
static int setup(void **state)
{
	char t[] = "/tmp/ge-test-git-XXXXXX";
	(void)state;
	assert_non_null(mkdtemp(t));
	assert_non_null(realpath(t, top));
	snprintf(repo, sizeof(repo), "%s/repo", top);
	setenv("HOME", top, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_AUTHOR_NAME", "A", 1);
	setenv("GIT_AUTHOR_EMAIL", "a@example.com", 1);
	setenv("GIT_COMMITTER_NAME", "C", 1);
	setenv("GIT_COMMITTER_EMAIL", "c@example.com", 1);
	sh("git init -q -b main '%s'", repo);
	put("go.mod", "module example.com/m\n\ngo 1.21\n");
	put("a.go", go_a);
	sh("cd '%s' && git add . && git commit -qm one && git branch side", repo);
	put("b.go", "package m\n\nfunc B() {}\n");
	sh("cd '%s' && git add . && git commit -qm 'two\n\nbody' && git checkout -q side && "
	   "echo '// side' >>a.go && git commit -qam side && git checkout -q main",
	   repo);
	sh("cd '%s' && git remote add origin https://git.example.com/o/m.git", repo);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sh("rm -rf '%s'", top);
	return 0;
}

static void open_head_branch(void **state)
{
	char sub[PATH_MAX + 16], head[GE_OID_HEX], want[GE_OID_HEX] = "";
	ge_git *g = NULL;
	char *b;
	FILE *p;
	(void)state;
	snprintf(sub, sizeof(sub), "%s/sub", repo);
	sh("mkdir -p '%s'", sub);
	assert_int_equal(ge_git_open(&g, sub), 0); /* found from a subdirectory */
	assert_string_equal(ge_git_workdir(g), repo);
	assert_non_null(strstr(ge_git_commondir(g), "/repo/.git"));
	assert_int_equal(ge_git_head(head, g), 0);
	sh("cd '%s' && git rev-parse HEAD >'%s/head'", repo, top);
	snprintf(sub, sizeof(sub), "%s/head", top);
	assert_non_null(p = fopen(sub, "r"));
	assert_non_null(fgets(want, sizeof(want), p));
	fclose(p);
	assert_string_equal(head, want);
	assert_non_null(b = ge_git_branch(g));
	assert_string_equal(b, "main");
	free(b);
	/* ge_git_origin_url is left to t8304 (SARIF provenance): libgit2 1.5's
	 * git_remote_lookup leaks PCRE2 match data, which make valgrind would
	 * count against this binary (tests/lsan.supp suppresses it for LSan). */
	ge_git_free(g);
	assert_int_equal(ge_git_open(&g, "/"), GE_ENOTFOUND);
	assert_null(g);
}

static void revisions(void **state)
{
	char head[GE_OID_HEX], one[GE_OID_HEX], side[GE_OID_HEX], mb[GE_OID_HEX],
	    parent[GE_OID_HEX], peeled[GE_OID_HEX];
	char *subject = NULL;
	ge_git *g = NULL;
	(void)state;
	assert_int_equal(ge_git_open(&g, repo), 0);
	assert_int_equal(ge_git_resolve(head, g, "HEAD"), 0);
	assert_int_equal(ge_git_resolve(one, g, "main~1"), 0);
	assert_int_equal(ge_git_resolve(side, g, "side"), 0);
	assert_string_not_equal(one, head);
	assert_int_equal(ge_git_merge_base(mb, g, head, side), 0);
	assert_string_equal(mb, one);
	assert_int_equal(ge_git_commit_info(&subject, parent, g, head), 0);
	assert_string_equal(subject, "two");
	assert_string_equal(parent, one);
	free(subject);
	assert_int_equal(ge_git_commit_info(&subject, parent, g, one), 0);
	assert_string_equal(subject, "one");
	assert_string_equal(parent, "");
	free(subject);
	assert_int_equal(ge_git_resolve(head, g, "no-such-branch"), GE_ENOTFOUND);
	assert_non_null(strstr(ge_error_last(), "no-such-branch"));
	assert_int_equal(ge_git_object_is_commit(peeled, g, one), 1);
	assert_string_equal(peeled, one);
	assert_int_equal(
	    ge_git_object_is_commit(peeled, g, "0123456789012345678901234567890123456789"), 0);
	ge_git_free(g);
}

/* Only what the Go build reads makes the tree dirty. */
static void dirty_is_about_go(void **state)
{
	ge_git *g = NULL;
	ge_git_state before, after;
	int dirty = -1;
	(void)state;
	assert_true(ge_git_go_relevant("p/x.go"));
	assert_true(ge_git_go_relevant("go.mod"));
	assert_true(ge_git_go_relevant("sub/go.sum"));
	assert_false(ge_git_go_relevant("README.md"));
	assert_false(ge_git_go_relevant(".goescape/baseline.json"));
	assert_int_equal(ge_git_open(&g, repo), 0);
	assert_int_equal(ge_git_is_dirty(&dirty, g), 0);
	assert_int_equal(dirty, 0);
	assert_int_equal(ge_git_state_read(&before, g), 0);
	put("README.md", "not Go\n");
	assert_int_equal(ge_git_is_dirty(&dirty, g), 0);
	assert_int_equal(dirty, 0);
	put("c.go", "package m\n");
	assert_int_equal(ge_git_is_dirty(&dirty, g), 0);
	assert_int_equal(dirty, 1);
	assert_int_equal(ge_git_state_read(&after, g), 0);
	assert_false(ge_git_state_same(&before, &after));
	assert_true(ge_git_state_same(&after, &after));
	sh("rm -f '%s/c.go' '%s/README.md'", repo, repo);
	assert_int_equal(ge_git_is_dirty(&dirty, g), 0);
	assert_int_equal(dirty, 0);
	ge_git_free(g);
}

/*
 * What the state sees beyond git's status: a Go file that is a link (its
 * target, outside the work tree, edited) and an untracked directory that
 * is a repository of its own (listed by libgit2 as one entry).
 */
static void state_sees_links_and_nested_repos(void **state)
{
	ge_git *g = NULL;
	ge_git_state s0, s1, s2;
	(void)state;
	assert_int_equal(ge_git_open(&g, repo), 0);
	sh("printf 'package m\\n' >'%s/out.go' && ln -s ../out.go '%s/l.go'", top, repo);
	assert_int_equal(ge_git_state_read(&s0, g), 0);
	assert_int_equal(s0.dirty, 1);
	sh("printf '// x\\n' >>'%s/out.go'", top);
	assert_int_equal(ge_git_state_read(&s1, g), 0);
	assert_false(ge_git_state_same(&s0, &s1));
	/* Committed: the tree is clean, the target's edit still seen. */
	sh("cd '%s' && git add l.go && git commit -qm link", repo);
	assert_int_equal(ge_git_state_read(&s0, g), 0);
	assert_int_equal(s0.dirty, 0);
	sh("printf '// y\\n' >>'%s/out.go'", top);
	assert_int_equal(ge_git_state_read(&s1, g), 0);
	assert_int_equal(s1.dirty, 0);
	assert_false(ge_git_state_same(&s0, &s1));
	assert_int_equal(ge_git_state_read(&s2, g), 0);
	assert_true(ge_git_state_same(&s1, &s2));
	sh("cd '%s' && git reset -q --hard HEAD~1", repo);
	/* A nested repository holding Go files. */
	assert_int_equal(ge_git_state_read(&s0, g), 0);
	assert_int_equal(s0.dirty, 0);
	sh("git init -q '%s/nest' && printf 'package nest\\n' >'%s/nest/n.go'", repo, repo);
	assert_int_equal(ge_git_state_read(&s1, g), 0);
	assert_int_equal(s1.dirty, 1);
	sh("printf '// z\\n' >>'%s/nest/n.go'", repo);
	assert_int_equal(ge_git_state_read(&s2, g), 0);
	assert_false(ge_git_state_same(&s1, &s2));
	sh("rm -rf '%s/nest' '%s/out.go'", repo, top);
	ge_git_free(g);
}

static void notes(void **state)
{
	char head[GE_OID_HEX], one[GE_OID_HEX];
	ge_buf b = GE_BUF_INIT;
	ge_git *g = NULL;
	(void)state;
	assert_int_equal(ge_git_open(&g, repo), 0);
	assert_int_equal(ge_git_head(head, g), 0);
	assert_int_equal(ge_git_resolve(one, g, "HEAD~1"), 0);
	assert_int_equal(ge_git_note_read(&b, g, head), GE_ENOTFOUND);
	assert_int_equal(ge_git_note_write(g, head, "{\"first\":1}\n"), 0);
	assert_int_equal(ge_git_note_write(g, head, "{\"second\":2}\n"), 0); /* replaces */
	assert_int_equal(ge_git_note_write(g, one, "{\"one\":1}\n"), 0);
	ge_buf_release(&b);
	assert_int_equal(ge_git_note_read(&b, g, head), 0);
	assert_string_equal(ge_buf_cstr(&b), "{\"second\":2}\n");
	ge_buf_release(&b);
	ge_git_free(g);
	/* git itself sees them under refs/notes/goescape */
	sh("cd '%s' && test \"$(git notes --ref=goescape show HEAD~1)\" = '{\"one\":1}'", repo);
}

static void tree_files_and_checkout(void **state)
{
	char one[GE_OID_HEX], dir[PATH_MAX + 16];
	ge_buf b = GE_BUF_INIT;
	ge_git *g = NULL;
	(void)state;
	assert_int_equal(ge_git_open(&g, repo), 0);
	assert_int_equal(ge_git_resolve(one, g, "HEAD~1"), 0);
	assert_int_equal(ge_git_tree_file(&b, g, one, "a.go"), 0);
	assert_string_equal(ge_buf_cstr(&b), go_a);
	ge_buf_release(&b);
	assert_int_equal(ge_git_tree_file(&b, g, one, "b.go"), GE_ENOTFOUND);
	ge_buf_release(&b);
	snprintf(dir, sizeof(dir), "%s/co", top);
	assert_int_equal(ge_git_checkout_to(g, one, dir), 0);
	sh("test -f '%s/a.go' && test -f '%s/go.mod' && test ! -e '%s/b.go' && cmp -s '%s/a.go' "
	   "'%s/a.go'",
	   dir, dir, dir, dir, repo);
	sh("rm -rf '%s'", dir);
	ge_git_free(g);
}

/* A rename with an edit above the function: found as a rename, its old
 * blob the base's, lines after the edit mapped, the edited one not. */
static void diff_rename_and_map(void **state)
{
	char one[GE_OID_HEX];
	ge_git_diff d = GE_GIT_DIFF_INIT;
	ge_buf b = GE_BUF_INIT;
	ge_git *g = NULL;
	size_t i;
	const ge_git_delta *ren = NULL;
	(void)state;
	sh("cd '%s' && git mv a.go renamed.go", repo);
	put("renamed.go",
	    "package m\n\n// added\n// lines\nfunc A() *int {\n\tx := 1\n\treturn &x\n}\n");
	assert_int_equal(ge_git_open(&g, repo), 0);
	assert_int_equal(ge_git_resolve(one, g, "HEAD"), 0);
	assert_int_equal(ge_git_diff_load(&d, g, one, NULL), 0);
	for (i = 0; i < d.n; i++)
		if (d.d[i].kind == GE_DELTA_RENAMED)
			ren = &d.d[i];
	assert_non_null(ren);
	assert_string_equal(ren->old_path, "a.go");
	assert_string_equal(ren->new_path, "renamed.go");
	assert_int_equal(ge_git_blob_read(&b, g, ren->old_blob), 0);
	assert_string_equal(ge_buf_cstr(&b), go_a);
	assert_int_equal(ge_git_map_line(ren, 1), 1);
	assert_int_equal(ge_git_map_line(ren, 5), 7); /* return &x, two lines down */
	ge_git_diff_release(&d);
	ge_buf_release(&b);
	ge_git_free(g);
	sh("cd '%s' && git reset -q --hard && rm -f renamed.go", repo);
}

static void config_path(void **state)
{
	ge_git *g = NULL;
	char *p = NULL;
	(void)state;
	sh("cd '%s' && git config core.hooksPath '~/hooks'", repo);
	assert_int_equal(ge_git_open(&g, repo), 0);
	assert_int_equal(ge_git_config_path(&p, g, "core.hooksPath"), 0);
	assert_non_null(p);
	assert_non_null(strstr(p, top));
	assert_non_null(strstr(p, "/hooks"));
	free(p);
	p = NULL;
	assert_int_equal(ge_git_config_path(&p, g, "goescape.nosuchkey"), GE_ENOTFOUND);
	ge_git_free(g);
}

/*
 * lib/git's contract where libgit2 is built with mbedTLS: no certificate
 * authority is ever loaded (its two mbedtls_x509_crt_parse_* load nothing),
 * so TLS fails closed.  A local TLS server whose own certificate is named
 * as the only CA (GIT_OPT_SET_SSL_CERT_LOCATIONS): libgit2 refuses it as
 * not signed by a trusted CA.  With the real functions that CA is loaded,
 * the handshake passes and only the server's HTML answer fails.
 */
static void no_ca_tls_fails_closed(void **state)
{
	char dir[PATH_MAX + 16], path[PATH_MAX + 32], url[64];
	ge_buf out = GE_BUF_INIT;
	ge_git *g = NULL;
	git_remote *rem = NULL;
	int i, port = 0, rc;
	(void)state;
	if (!dlsym(RTLD_DEFAULT, "mbedtls_ssl_init") ||
	    system("command -v openssl >/dev/null 2>&1") != 0)
		skip(); /* another TLS library, or nothing to serve TLS with */
	assert_int_equal(ge_git_open(&g, repo), 0); /* libgit2's init */
	snprintf(dir, sizeof(dir), "%s/tls", top);
	sh("mkdir -p '%s' && cd '%s' && openssl req -x509 -newkey ec -pkeyopt "
	   "ec_paramgen_curve:prime256v1 -nodes -keyout key.pem -out cert.pem -days 2 "
	   "-subj /CN=localhost -addext subjectAltName=DNS:localhost 2>/dev/null && "
	   "{ timeout 60 openssl s_server -accept 127.0.0.1:0 -cert cert.pem -key key.pem "
	   "-www -naccept 1 >srv.out 2>&1 & echo $! >srv.pid; }",
	   dir, dir);
	snprintf(path, sizeof(path), "%s/srv.out", dir);
	for (i = 0; i < 200 && !port; i++) {
		const char *a;
		struct timespec ms = {0, 25000000};
		ge_buf_clear(&out);
		if (ge_file_read(&out, path) == 0 &&
		    (a = strstr(ge_buf_cstr(&out), "ACCEPT 127.0.0.1:")))
			port = atoi(a + 17);
		else
			nanosleep(&ms, NULL);
	}
	ge_buf_release(&out);
	assert_true(port > 0);
	snprintf(path, sizeof(path), "%s/cert.pem", dir);
	assert_int_equal(git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, path, NULL), 0);
	snprintf(url, sizeof(url), "https://localhost:%d/m.git", port);
	assert_int_equal(git_remote_create_detached(&rem, url), 0);
	rc = git_remote_connect(rem, GIT_DIRECTION_FETCH, NULL, NULL, NULL);
	git_remote_free(rem);
	ge_git_free(g);
	sh("kill $(cat '%s/srv.pid') 2>/dev/null; true", dir);
	assert_int_equal(rc, GIT_ECERTIFICATE);
}

/*
 * ge_git_adler32 is zlib's adler32 on any length, start and offset: the
 * 32-byte steps, the reduction after 173 of them (all 0xff bytes are the
 * largest sums) and the bytes left over.
 */
static void adler32_as_zlib(void **state)
{
	static unsigned char b[3 * 5552 + 200];
	size_t i, n, off;
	uint32_t x = 12345;
	(void)state;
	for (i = 0; i < sizeof(b); i++) {
		x = x * 1103515245u + 12345u;
		b[i] = (unsigned char)(x >> 16);
	}
	for (off = 0; off < 3; off++)
		for (n = 0; n + off <= sizeof(b); n += n < 200 ? 1 : 97)
			assert_int_equal(ge_git_adler32(1, b + off, n),
			                 (uint32_t)adler32(1, b + off, (uInt)n));
	assert_int_equal(ge_git_adler32(0xfff0fff0u, b, 4000),
	                 (uint32_t)adler32(0xfff0fff0u, b, 4000));
	memset(b, 0xff, sizeof(b));
	for (n = 5500; n <= sizeof(b); n += 31)
		assert_int_equal(ge_git_adler32(0xfff0fff0u, b, n),
		                 (uint32_t)adler32(0xfff0fff0u, b, (uInt)n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(open_head_branch),
	    cmocka_unit_test(revisions),
	    cmocka_unit_test(dirty_is_about_go),
	    cmocka_unit_test(notes),
	    cmocka_unit_test(tree_files_and_checkout),
	    cmocka_unit_test(diff_rename_and_map),
	    cmocka_unit_test(config_path),
	    cmocka_unit_test(no_ca_tls_fails_closed),
	    cmocka_unit_test(adler32_as_zlib),
	    cmocka_unit_test(state_sees_links_and_nested_repos),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
