/* lib/goconfig: toolchain selection, version order, canonical configurations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "goconfig.h"

static void gover_order(void **state)
{
	(void)state;
	/* gover's documented order: 1.21 < 1.21rc1 < 1.21.0 */
	assert_true(ge_gover_compare("1.21", "1.21rc1") < 0);
	assert_true(ge_gover_compare("1.21rc1", "1.21.0") < 0);
	assert_true(ge_gover_compare("1.21beta1", "1.21rc1") < 0);
	assert_true(ge_gover_compare("1.21rc1", "1.21rc2") < 0);
	assert_true(ge_gover_compare("1.9", "1.10") < 0);
	assert_true(ge_gover_compare("1.27.3", "1.27.10") < 0);
	assert_int_equal(ge_gover_compare("1.20", "1.20.0"), 0); /* before 1.21, no patch is .0 */
	assert_true(ge_gover_compare("1.21", "1.21.0") < 0); /* from 1.21 on it is the language */
	assert_int_equal(ge_gover_compare("1.26.8", "1.26.8"), 0);
	assert_true(ge_gover_compare("junk", "1.2") < 0);
	assert_int_equal(ge_gover_compare("junk", "1.2.3.4"), 0);
	assert_true(ge_gover_compare("1.02", "1.1") < 0); /* a leading zero is malformed */
}

struct sel {
	const char *local, *gotoolchain, *go_line, *tc_line, *want;
};

static void toolchain_selection(void **state)
{
	static const struct sel cases[] = {
	    {"go1.26.8", NULL, "1.27.3", NULL, "go1.26.8"},
	    {"go1.26.8", "", "1.27.3", NULL, "go1.26.8"},
	    {"go1.26.8", "local", "1.30", "go1.30.0", "go1.26.8"},
	    {"go1.26.8", "go1.27.3", NULL, NULL, "go1.27.3"},
	    {"go1.26.8", "go1.22.0", NULL, NULL, "go1.22.0"},   /* a name runs, even older */
	    {"go1.26.8", "go1.27.3", "1.30", NULL, "go1.27.3"}, /* no +auto: no switching */
	    {"go1.26.8", "go1.27.3-bigcorp", NULL, NULL, "go1.27.3-bigcorp"},
	    {"go1.26.8", "go1.26.8", NULL, NULL, "go1.26.8"},
	    {"go1.26.8", "auto", "1.19", NULL, "go1.26.8"},
	    {"go1.26.8", "auto", "1.27.3", NULL, "go1.27.3"},
	    {"go1.26.8", "auto", "1.27", NULL, "go1.27.0"}, /* a language version: its .0 */
	    {"go1.26.8", "auto", "1.26.8", NULL, "go1.26.8"},
	    {"go1.26.8", "auto", "1.21", "go1.27.3", "go1.27.3"},
	    {"go1.26.8", "auto", "1.28", "go1.27.3", "go1.28.0"}, /* the go line is newer */
	    {"go1.26.8", "auto", "1.21", "go1.25.0", "go1.26.8"}, /* never below the minimum */
	    {"go1.26.8", "auto", "1.27.3", "default", "go1.26.8"},
	    {"go1.26.8", "path", "1.21", "go1.27.3", "go1.27.3"},
	    {"go1.26.8", "local+auto", "1.27.3", NULL, "go1.27.3"},
	    {"go1.26.8", "local+path", "1.27.3", NULL, "go1.27.3"},
	    {"go1.26.8", "go1.22.0+auto", "1.19", NULL, "go1.22.0"},
	    {"go1.26.8", "go1.22.0+auto", "1.27.3", NULL, "go1.27.3"},
	    {"go1.26.8", "go1.28.0+auto", "1.27.3", NULL, "go1.28.0"},
	    {"go1.26.8", "go1.28.0+path", "1.27.3", "default", "go1.28.0"},
	    {"go1.26.8", "go1.22.0+auto", "1.21", "go1.23.1", "go1.23.1"},
	    {"go1.19.8", "go1.27.3", NULL, NULL, "go1.19.8"}, /* before 1.21: no switching */
	    {"go1.19.8", "auto", "1.27.3", NULL, "go1.19.8"},
	    {"go1.21.0", "auto", "1.21rc1", NULL, "go1.21.0"},
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = NULL;
		int rc = ge_toolchain_select(&out, cases[i].local, cases[i].gotoolchain,
		                             cases[i].go_line, cases[i].tc_line);
		if (rc != 0 || strcmp(out, cases[i].want) != 0)
			fail_msg(
			    "case %zu (GOTOOLCHAIN=%s go=%s toolchain=%s): got %s (rc %d), want "
			    "%s",
			    i, cases[i].gotoolchain ? cases[i].gotoolchain : "(unset)",
			    cases[i].go_line ? cases[i].go_line : "-",
			    cases[i].tc_line ? cases[i].tc_line : "-", out ? out : "NULL", rc,
			    cases[i].want);
		free(out);
	}
}

static void toolchain_refused(void **state)
{
	static const char *const bad[] = {"bash",   "gox+auto",   "go1.27.3+foo",
	                                  "1.27.3", "go1.27.3/x", NULL};
	char *out = NULL;
	size_t i;
	(void)state;
	for (i = 0; bad[i]; i++) {
		assert_int_equal(ge_toolchain_select(&out, "go1.26.8", bad[i], NULL, NULL),
		                 GE_EBADINPUT);
		assert_null(out);
		assert_non_null(strstr(ge_error_last(), "invalid GOTOOLCHAIN"));
	}
	/* A toolchain line go cannot read stops go too, but only when it looks. */
	assert_int_equal(ge_toolchain_select(&out, "go1.26.8", "auto", "1.21", "banana"),
	                 GE_EBADINPUT);
	assert_int_equal(ge_toolchain_select(&out, "go1.26.8", "local", "1.21", "banana"), 0);
	assert_string_equal(out, "go1.26.8");
	free(out);
}

static void gomod_lookup(void **state)
{
	static const char text[] = "module example.com/m\n\ngo 1.27.3 // the go line\n"
	                           "gofoo 1\ntoolchain\tgo1.28.0\r\ntoolchain go1.0\n";
	char *v;
	(void)state;
	v = ge_gomod_lookup(text, strlen(text), "go");
	assert_string_equal(v, "1.27.3");
	free(v);
	v = ge_gomod_lookup(text, strlen(text), "toolchain");
	assert_string_equal(v, "go1.28.0");
	free(v);
	assert_null(ge_gomod_lookup(text, strlen(text), "godebug"));
}

static ge_goconfig *make(const char *go, const char *tags, const char *gcflags)
{
	ge_goconfig *c = calloc(1, sizeof(*c));
	assert_non_null(c);
	c->go = strdup(go);
	c->goos = strdup("linux");
	c->goarch = strdup("amd64");
	c->cgo = strdup("1");
	c->tags = strdup(tags);
	c->gcflags = strdup(gcflags);
	c->build = strdup("");
	c->goexperiment = strdup("");
	assert_int_equal(ge_goconfig_finish(c), 0);
	return c;
}

static void canonical_round_trip(void **state)
{
	ge_goconfig *c = make("go1.26.8", "a,b", "all=-N -l,example.com/m/...=-d=ssa/x 100%"),
	            *p = NULL;
	(void)state;
	assert_string_equal(c->canonical, "go=go1.26.8 goos=linux goarch=amd64 cgo=1 tags=a,b "
	                                  "gcflags=all=-N%20-l,example.com/m/...=-d=ssa/x%20100%25 "
	                                  "build= goexperiment=");
	assert_int_equal(strlen(c->hash), 16);
	assert_int_equal(ge_goconfig_parse(&p, c->canonical, c->hash), 0);
	assert_string_equal(p->gcflags, "all=-N -l,example.com/m/...=-d=ssa/x 100%");
	assert_string_equal(p->tags, "a,b");
	assert_string_equal(p->hash, c->hash);
	ge_goconfig_free(p);
	/* A wrong hash, a field missing, a field out of order, trailing text. */
	assert_int_equal(ge_goconfig_parse(&p, c->canonical, "0000000000000000"), GE_EBADINPUT);
	assert_int_equal(ge_goconfig_parse(&p, "go=go1.26.8 goos=linux", NULL), GE_EBADINPUT);
	assert_int_equal(ge_goconfig_parse(&p,
	                                   "goos=linux go=go1.26.8 goarch=amd64 cgo=1 tags= "
	                                   "gcflags= build= goexperiment=",
	                                   NULL),
	                 GE_EBADINPUT);
	assert_int_equal(ge_goconfig_parse(&p,
	                                   "go=go1.26.8 goos=linux goarch=amd64 cgo=1 tags= "
	                                   "gcflags= build= goexperiment= x=1",
	                                   NULL),
	                 GE_EBADINPUT);
	assert_int_equal(ge_goconfig_parse(&p,
	                                   "go=go1.26.8 goos=linux goarch=amd64 cgo=1 tags=%4 "
	                                   "gcflags= build= goexperiment=",
	                                   NULL),
	                 GE_EBADINPUT);
	assert_null(p);
	ge_goconfig_free(c);
}

static void compare_configs(void **state)
{
	ge_goconfig *a = make("go1.26.8", "", ""), *b = make("go1.26.7", "", "");
	ge_goconfig *c = make("go1.19.8", "lean", ""), *d = make("go1.26.8", "", "");
	ge_buf what = GE_BUF_INIT;
	(void)state;
	assert_int_equal(ge_goconfig_compare(a, d, NULL), 0);
	assert_string_equal(a->hash, d->hash);
	assert_int_equal(ge_goconfig_compare(b, a, &what), 1);
	assert_string_equal(what.ptr, "go: go1.26.7, now go1.26.8");
	ge_buf_clear(&what);
	assert_int_equal(ge_goconfig_compare(c, a, &what), 2);
	assert_string_equal(what.ptr, "go: go1.19.8, now go1.26.8; tags: lean, now none");
	assert_string_not_equal(c->hash, a->hash);
	ge_buf_release(&what);
	ge_goconfig_free(a);
	ge_goconfig_free(b);
	ge_goconfig_free(c);
	ge_goconfig_free(d);
}

/* The whole computation with the real toolchain at /usr/local/go. */
static void compute_from_env_and_flags(void **state)
{
	static const char go[] = "/usr/local/go/bin/go";
	char *args[] = {(char *)"build",    (char *)"-o",     (char *)"/dev/null",
	                (char *)"-tags",    (char *)"b,a,b",  (char *)"-race",
	                (char *)"-gcflags", (char *)"-l  -N", (char *)"./..."};
	ge_goconfig *c = NULL;
	ge_modset none = GE_MODSET_INIT;
	(void)state;
	if (access(go, X_OK) != 0)
		skip();
	setenv("GOENV", "off", 1);
	unsetenv("CGO_ENABLED");
	setenv("GOOS", "windows", 1);
	setenv("GOTOOLCHAIN", "go1.27.3", 1);
	assert_int_equal(ge_goconfig_compute(&c, go, args, 9,
	                                     "-tags=x -gcflags=all=-l -mod=mod -pgo=off", &none,
	                                     "/"),
	                 0);
	assert_string_equal(c->go, "go1.27.3");
	assert_string_equal(c->goos, "windows");
	assert_string_equal(c->cgo, "0");    /* cross-compiling */
	assert_string_equal(c->tags, "a,b"); /* the command line's -tags wins */
	assert_string_equal(c->gcflags, "all=-l,=-l -N");
	assert_string_equal(c->build, "-pgo=off,-race");
	ge_goconfig_free(c);
	setenv("CGO_ENABLED", "1", 1);
	setenv("GOTOOLCHAIN", "local", 1);
	unsetenv("GOOS");
	assert_int_equal(ge_goconfig_compute(&c, go, NULL, 0, NULL, &none, "/"), 0);
	assert_int_equal(strncmp(c->go, "go1.", 4), 0);
	assert_string_equal(c->cgo, "1");
	assert_string_equal(c->tags, "");
	assert_string_equal(c->build, "");
	ge_goconfig_free(c);
	unsetenv("CGO_ENABLED");
	unsetenv("GOTOOLCHAIN");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(gover_order),
	    cmocka_unit_test(toolchain_selection),
	    cmocka_unit_test(toolchain_refused),
	    cmocka_unit_test(gomod_lookup),
	    cmocka_unit_test(canonical_round_trip),
	    cmocka_unit_test(compare_configs),
	    cmocka_unit_test(compute_from_env_and_flags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
