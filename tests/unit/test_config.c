/* lib/config: parsing .goescape.json, globs, filtering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

static void parse_full(void **state)
{
	ge_config c;
	static const char text[] = "{\"baseline\":\"ci/escapes.json\",\"packages\":[\"./cmd/...\"],"
	                           "\"ignore\":{\"paths\":[\"gen/**\"],\"functions\":[\"init\"]},"
	                           "\"fail_on\":[\"moved\"]}";
	(void)state;
	ge_config_init(&c);
	assert_int_equal(ge_config_parse(&c, text, sizeof(text) - 1, "c.json"), 0);
	assert_string_equal(c.baseline, "ci/escapes.json");
	assert_int_equal(c.npackages, 1);
	assert_string_equal(c.ignore_functions[0], "init");
	assert_int_equal(c.fail_on[GE_KIND_MOVED], 1);
	assert_int_equal(c.fail_on[GE_KIND_ESCAPES], 0);
	assert_true(c.fail_min_share == 0);
	ge_config_release(&c);
}

static void refused(const char *text, const char *const *want);

/* "fail_min_share": a number in (0, 1], 1 included; unset is 0. */
static void fail_min_share(void **state)
{
	static const char *const good[] = {"{\"fail_min_share\":0.05}", "{\"fail_min_share\":1}",
	                                   "{\"fail_min_share\":1e-3}"};
	static const double want[] = {0.05, 1, 0.001};
	size_t i;
	(void)state;
	for (i = 0; i < 3; i++) {
		ge_config c;
		ge_config_init(&c);
		assert_int_equal(ge_config_parse(&c, good[i], strlen(good[i]), "c.json"), 0);
		assert_true(c.fail_min_share == want[i]);
		ge_config_release(&c);
		assert_true(c.fail_min_share == 0);
	}
	refused("{\"fail_min_share\":0}",
	        (const char *const[]){"'c.json'", "\"fail_min_share\"", "(0, 1]", NULL});
}

static void suggest_platforms(void **state)
{
	static const char good[] =
	    "{\"suggest\":{\"platforms\":[\"linux/386\",\"windows/arm64\"]}}";
	static const char none[] = "{\"suggest\":{\"platforms\":[]}}";
	ge_config c;
	(void)state;
	ge_config_init(&c);
	assert_int_equal(ge_config_parse(&c, good, strlen(good), "c.json"), 0);
	assert_int_equal(c.nsuggest_platforms, 2);
	assert_string_equal(c.suggest_platforms[1], "windows/arm64");
	assert_true(c.suggest_platforms_set);
	ge_config_release(&c);
	ge_config_init(&c);
	assert_int_equal(ge_config_parse(&c, none, strlen(none), "c.json"), 0);
	assert_int_equal(c.nsuggest_platforms, 0);
	assert_true(c.suggest_platforms_set);
	ge_config_release(&c);
	assert_null(ge_config_platform_problem("darwin/arm64"));
	assert_string_equal(ge_config_platform_problem("linux"), "want GOOS/GOARCH");
	assert_string_equal(ge_config_platform_problem("linu/386"), "unknown GOOS");
	assert_string_equal(ge_config_platform_problem("/386"), "unknown GOOS");
	assert_string_equal(ge_config_platform_problem("linux/386 "), "unknown GOARCH");
	assert_string_equal(ge_config_platform_problem("linux/386/x"), "unknown GOARCH");
	refused(
	    "{\"suggest\":{\"platforms\":[\"linux/-toolexec=x\"]}}",
	    (const char *const[]){"'c.json'", "\"suggest.platforms\"[0]", "unknown GOARCH", NULL});
	refused("{\"suggest\":{\"x\":1}}",
	        (const char *const[]){"'c.json'", "unknown key \"suggest.x\"", NULL});
	refused("{\"suggest\":1}", (const char *const[]){"\"suggest\" must be an object", NULL});
}

static void parse_errors(void **state)
{
	static const char *const bad[] = {"{",
	                                  "[]",
	                                  "{\"baselin\":\"x\"}",
	                                  "{\"baseline\":\"/etc/passwd\"}",
	                                  "{\"baseline\":\"../../x\"}",
	                                  "{\"packages\":\"./...\"}",
	                                  "{\"packages\":[1]}",
	                                  "{\"ignore\":{\"files\":[]}}",
	                                  "{\"fail_on\":[\"everything\"]}",
	                                  "{\"run\":\"rm -rf /\"}",
	                                  "{\"fail_min_share\":0}",
	                                  "{\"fail_min_share\":1.5}",
	                                  "{\"fail_min_share\":-0.1}",
	                                  "{\"fail_min_share\":\"0.5\"}",
	                                  "{\"fail_min_share\":true}",
	                                  "{\"fail_min_share\":null}",
	                                  NULL};
	size_t i;
	(void)state;
	for (i = 0; bad[i]; i++) {
		ge_config c;
		ge_config_init(&c);
		assert_int_equal(ge_config_parse(&c, bad[i], strlen(bad[i]), "c.json"),
		                 GE_EBADINPUT);
		assert_non_null(strstr(ge_error_last(), "'c.json'"));
		ge_config_release(&c);
	}
}

/* Parse text; expect GE_EBADINPUT with a message holding every want[]. */
static void refused(const char *text, const char *const *want)
{
	ge_config c;
	ge_config_init(&c);
	assert_int_equal(ge_config_parse(&c, text, strlen(text), "c.json"), GE_EBADINPUT);
	for (; *want; want++)
		if (!strstr(ge_error_last(), *want))
			fail_msg("message '%s' lacks '%s' (config %s)", ge_error_last(), *want,
			         text);
	assert_null(strchr(ge_error_last(), '\n'));
	ge_config_release(&c);
}

/* before + v as a JSON string + after, into out. */
static void json_with(char *out, size_t n, const char *before, const char *v, const char *after)
{
	size_t o = (size_t)snprintf(out, n, "%s\"", before);
	for (; *v && o + 8 < n; v++) {
		unsigned char c = (unsigned char)*v;
		if (c < 0x20 || c == '"' || c == '\\')
			o += (size_t)snprintf(out + o, n - o, "\\u%04x", c);
		else
			out[o++] = (char)c;
	}
	snprintf(out + o, n - o, "\"%s", after);
}

static void packages_are_patterns(void **state)
{
	static const char *const bad[] = {"-toolexec=sh -c 'touch /tmp/x'",
	                                  "-exec=/bin/sh",
	                                  "-overlay=/tmp/o.json",
	                                  "-modfile=/tmp/go.mod",
	                                  "--toolexec",
	                                  "-",
	                                  "-a",
	                                  "./...\n-toolexec=x",
	                                  "./a b",
	                                  "./a\tb",
	                                  "./a\rb",
	                                  "\x01./...",
	                                  "./a\\b",
	                                  "/abs/dir",
	                                  "../other/...",
	                                  "./../x",
	                                  "cmd/../../x",
	                                  "..",
	                                  "",
	                                  NULL};
	static const char *const good[] = {
	    "./...",  "./cmd/x", "cmd/...", "example.com/m/x/...", "all", ".", "./a-b_c.d/...",
	    "x/...y", "a..b",    NULL};
	static const char *const want[] = {"'c.json'", "\"packages\"[1]",
	                                   "is not a package pattern", NULL};
	size_t i;
	char text[1024];
	(void)state;
	for (i = 0; bad[i]; i++) {
		json_with(text, sizeof(text), "{\"packages\":[\"./...\",", bad[i], "]}");
		refused(text, want);
	}
	for (i = 0; good[i]; i++) {
		ge_config c;
		json_with(text, sizeof(text), "{\"packages\":[\"./...\",", good[i], "]}");
		ge_config_init(&c);
		if (ge_config_parse(&c, text, strlen(text), "c.json") != 0)
			fail_msg("'%s' refused: %s", good[i], ge_error_last());
		assert_int_equal(c.npackages, 2);
		assert_string_equal(c.packages[1], good[i]);
		ge_config_release(&c);
	}
}

/* The message quotes the entry on one line, control bytes escaped. */
static void packages_message(void **state)
{
	static const char text[] = "{\"packages\":[\"-toolexec=x\\ny\"]}";
	static const char *const want[] = {
	    "'c.json': \"packages\"[0] '-toolexec=x\\x0ay' is not a package pattern", NULL};
	(void)state;
	refused(text, want);
}

static void limits(void **state)
{
	char *text = malloc(200000);
	size_t o, i;
	static const char *const many[] = {"\"packages\" has more than 256 entries", NULL};
	static const char *const longglob[] = {"\"ignore.paths\"[0]", "longer than 256 bytes",
	                                       NULL};
	static const char *const budget[] = {"\"ignore.paths\" holds", "limit of 4096", NULL};
	static const char *const stars[] = {"\"ignore.paths\"[0] 'a/***/b' is not a glob", NULL};
	static const char *const fn[] = {"\"ignore.functions\"[0]", "control character", NULL};
	static const char *const nul[] = {"'c.json'", "NUL", NULL};
	(void)state;
	assert_non_null(text);
	/* 257 packages */
	o = (size_t)sprintf(text, "{\"packages\":[");
	for (i = 0; i < 257; i++)
		o += (size_t)sprintf(text + o, "%s\"./p%zu\"", i ? "," : "", i);
	sprintf(text + o, "]}");
	refused(text, many);
	/* a glob of 257 bytes; one of 256 is fine */
	o = (size_t)sprintf(text, "{\"ignore\":{\"paths\":[\"");
	memset(text + o, 'a', 257);
	sprintf(text + o + 257, "\"]}}");
	refused(text, longglob);
	{
		ge_config c;
		memmove(text + o + 256, text + o + 257, strlen(text + o + 257) + 1);
		ge_config_init(&c);
		assert_int_equal(ge_config_parse(&c, text, strlen(text), "c.json"), 0);
		ge_config_release(&c);
	}
	/* 17 globs of 256 bytes: over the total */
	o = (size_t)sprintf(text, "{\"ignore\":{\"paths\":[");
	for (i = 0; i < 17; i++) {
		o += (size_t)sprintf(text + o, "%s\"", i ? "," : "");
		memset(text + o, '*', 256);
		for (size_t k = 2; k < 256; k += 2)
			text[o + k] = 'a';
		o += 256;
		text[o++] = '"';
	}
	sprintf(text + o, "]}}");
	refused(text, budget);
	refused("{\"ignore\":{\"paths\":[\"a/***/b\"]}}", stars);
	refused("{\"ignore\":{\"functions\":[\"F\\u001b[31m\"]}}", fn);
	refused("{\"packages\":[\"./...\\u0000-toolexec=x\"]}", nul);
	free(text);
}

/*
 * ge_glob_match, with the compiled set (alone and among other patterns that
 * match nothing) giving the same answer.
 */
static int glob_both(const char *pattern, const char *path)
{
	char *pats[3];
	ge_globset *g = NULL;
	int one = ge_glob_match(pattern, path), set, mixed;
	pats[0] = (char *)"zz/never/**/q";
	pats[1] = (char *)pattern;
	pats[2] = (char *)"nomatch*x";
	assert_int_equal(ge_globset_new(&g, pats + 1, 1), 0);
	set = ge_globset_match(g, path);
	ge_globset_free(g);
	assert_int_equal(ge_globset_new(&g, pats, 3), 0);
	mixed = ge_globset_match(g, path);
	ge_globset_free(g);
	if (set != one || mixed != one)
		fail_msg("'%s' on '%s': glob %d, set %d, mixed %d", pattern, path, one, set, mixed);
	return one;
}

#define ge_glob_match glob_both

static void globs(void **state)
{
	(void)state;
	assert_true(ge_glob_match("gen/**", "gen/a/b.go"));
	assert_true(ge_glob_match("**/zz_*.go", "a/b/zz_x.go"));
	assert_true(ge_glob_match("*_gen.go", "deep/dir/x_gen.go"));
	assert_true(ge_glob_match("cart/*.go", "cart/cart.go"));
	assert_false(ge_glob_match("cart/*.go", "cart/sub/cart.go"));
	assert_false(ge_glob_match("gen/**", "other/gen/x.go"));
	assert_true(ge_glob_match("a/?.go", "a/b.go"));
	/* "**" + "/" is zero or more whole segments, "**" alone any run. */
	assert_true(ge_glob_match("**/zz_*.go", "zz_x.go"));
	assert_true(ge_glob_match("a/**/b.go", "a/b.go"));
	assert_true(ge_glob_match("a/**/b.go", "a/x/y/b.go"));
	assert_false(ge_glob_match("a/**/b.go", "a/xb.go"));
	assert_false(ge_glob_match("**/zz_*.go", "a/xzz_x.go"));
	assert_true(ge_glob_match("a/**.go", "a/x/y.go"));
	assert_true(ge_glob_match("gen/**/**/x.go", "gen/x.go"));
	assert_false(ge_glob_match("a/?.go", "a//.go"));
	assert_false(ge_glob_match("a*", "a/b"));
	assert_true(ge_glob_match("*", "x.go"));
	assert_false(ge_glob_match("", "x.go"));
	assert_true(ge_glob_match("x.go", "a/b/x.go"));
	assert_false(ge_glob_match("b/x.go", "a/b/x.go"));
}

#undef ge_glob_match

/* The adversarial shape of the issue: many stars against long paths, fast. */
static void glob_bomb(void **state)
{
	char p[GE_GLOB_MAX + 1], s[4097];
	size_t i;
	(void)state;
	for (i = 0; i < GE_GLOB_MAX; i++)
		p[i] = i % 2 ? 'a' : '*';
	p[GE_GLOB_MAX - 1] = 'b';
	p[GE_GLOB_MAX] = '\0';
	memset(s, 'a', 4096);
	s[4096] = '\0';
	for (i = 0; i < 50; i++)
		assert_false(ge_glob_match(p, s));
	s[4095] = 'b';
	assert_true(ge_glob_match(p, s));
	/* Longer than any config may hold: matches nothing. */
	memset(s, '*', 4096);
	assert_false(ge_glob_match(s, "x"));
}

static void filter_paths_and_functions(void **state)
{
	ge_config c;
	ge_report *r;
	ge_diag d;
	static const char text[] = "{\"ignore\":{\"paths\":[\"gen/**\"],\"functions\":[\"init\"]}}";
	(void)state;
	ge_config_init(&c);
	assert_int_equal(ge_config_parse(&c, text, sizeof(text) - 1, "c.json"), 0);
	ge_report_new(&r);
	memset(&d, 0, sizeof(d));
	d.package = "p";
	d.subject = d.message = "x";
	d.line = 1;
	d.kind = GE_KIND_MOVED;
	d.file = "gen/a.go";
	d.function = "F";
	ge_report_add(r, &d);
	d.file = "a.go";
	d.function = "init";
	ge_report_add(r, &d);
	d.function = "F";
	d.status = GE_STATUS_NEW;
	ge_report_add(r, &d);
	assert_int_equal(ge_config_filter(&c, r, NULL), 2);
	assert_int_equal(r->ndiags, 1);
	assert_int_equal(ge_config_failing(&c, r), 1);
	ge_report_free(r);
	ge_config_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parse_full),
	    cmocka_unit_test(parse_errors),
	    cmocka_unit_test(fail_min_share),
	    cmocka_unit_test(suggest_platforms),
	    cmocka_unit_test(packages_are_patterns),
	    cmocka_unit_test(packages_message),
	    cmocka_unit_test(limits),
	    cmocka_unit_test(globs),
	    cmocka_unit_test(glob_bomb),
	    cmocka_unit_test(filter_paths_and_functions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
