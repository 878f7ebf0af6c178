/*
 * lib/setup: what a command starts from, in real directories: a module with
 * .goescape.json outside any repository (its packages reach go behind
 * "--", given patterns win, each thing found once), the same module made a
 * git repository (the history's git is the setup's), and a directory in no
 * module (GE_ENOTFOUND, nothing else touched).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "setup.h"

static char top[PATH_MAX];

static int make_module(void **state)
{
	char tmpl[] = "/tmp/test_setup.XXXXXX";
	(void)state;
	if (!mkdtemp(tmpl) || !realpath(tmpl, top))
		return -1;
	if (fixture_write(top, "go.mod", "module example.com/s\n\ngo 1.19\n") < 0)
		return -1;
	return fixture_write(top, ".goescape.json", "{\"packages\": [\"./a/...\", \"./c\"]}\n");
}

static int remove_module(void **state)
{
	char cmd[PATH_MAX + 32];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd) == 0 ? 0 : -1;
}

static void setup_for(ge_setup *s, const char *cwd)
{
	memset(s, 0, sizeof(*s));
	s->cwd = cwd;
	s->self = "/nonexistent/goescape";
	s->env_goescape_go = "/usr/local/go/bin/go";
	s->env_path = "/usr/bin:/bin";
}

static void history_from_config(void **state)
{
	ge_setup s;
	ge_history h;
	char *given[] = {(char *)"./b"};
	const char *go;
	(void)state;
	if (access("/usr/local/go/bin/go", X_OK) != 0)
		skip();
	setup_for(&s, top);
	assert_int_equal(ge_setup_history(&h, &s, NULL, 0), 0);
	assert_null(h.git); /* /tmp is in no repository */
	assert_string_equal(h.build.go, "/usr/local/go/bin/go");
	assert_string_equal(h.build.cwd, top);
	assert_ptr_equal(h.build.mods, &s.mods);
	assert_string_equal(s.mods.top, top);
	/* the repository's patterns behind "--": go takes none as a flag */
	assert_int_equal(h.npkgs, 3);
	assert_string_equal(h.pkgs[0], "--");
	assert_string_equal(h.pkgs[1], "./a/...");
	assert_string_equal(h.pkgs[2], "./c");
	assert_null(h.on_warning);
	/* given patterns win; what was found is not looked for again */
	go = s.go;
	assert_int_equal(ge_setup_history(&h, &s, given, 1), 0);
	assert_int_equal(h.npkgs, 1);
	assert_string_equal(h.pkgs[0], "./b");
	assert_ptr_equal(s.go, go);
	ge_setup_release(&s);
	assert_null(s.go);
}

static void history_in_repository(void **state)
{
	ge_setup s;
	ge_history h;
	char cmd[PATH_MAX + 64];
	(void)state;
	if (access("/usr/local/go/bin/go", X_OK) != 0)
		skip();
	snprintf(cmd, sizeof(cmd), "git init -q '%s'", top);
	assert_int_equal(system(cmd), 0);
	setup_for(&s, top);
	assert_int_equal(ge_setup_history(&h, &s, NULL, 0), 0);
	assert_non_null(s.git);
	assert_ptr_equal(h.git, s.git);
	ge_setup_release(&s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/.git'", top);
	assert_int_equal(system(cmd), 0);
}

static void no_module(void **state)
{
	ge_setup s;
	ge_history h;
	(void)state;
	setup_for(&s, "/");
	assert_int_equal(ge_setup_modules(&s, NULL), GE_ENOTFOUND);
	assert_int_equal(ge_setup_history(&h, &s, NULL, 0), GE_ENOTFOUND);
	assert_null(s.git);
	ge_setup_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(history_from_config),
	    cmocka_unit_test(history_in_repository),
	    cmocka_unit_test(no_module),
	};
	return cmocka_run_group_tests(tests, make_module, remove_module);
}
