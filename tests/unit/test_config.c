/* lib/config: parsing .goescape.json, globs, filtering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
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
	ge_config_release(&c);
}

static void parse_errors(void **state)
{
	static const char *const bad[] = {
		"{", "[]", "{\"baselin\":\"x\"}", "{\"baseline\":\"/etc/passwd\"}",
		"{\"baseline\":\"../../x\"}", "{\"packages\":\"./...\"}", "{\"packages\":[1]}",
		"{\"ignore\":{\"files\":[]}}", "{\"fail_on\":[\"everything\"]}",
		"{\"run\":\"rm -rf /\"}", NULL};
	size_t i;
	(void)state;
	for (i = 0; bad[i]; i++) {
		ge_config c;
		ge_config_init(&c);
		assert_int_equal(ge_config_parse(&c, bad[i], strlen(bad[i]), "c.json"), GE_EBADINPUT);
		assert_non_null(strstr(ge_error_last(), "'c.json'"));
		ge_config_release(&c);
	}
}

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
		cmocka_unit_test(globs),
		cmocka_unit_test(filter_paths_and_functions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
