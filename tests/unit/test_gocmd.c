/* lib/gocmd: -gcflags merging, go argv planning, go.mod / go.work discovery. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gocmd.h"

static ge_module mod1 = {(char *)"/src/m", (char *)"example.com/m"};
static ge_modset one = {.mods = &mod1, .n = 1, .top = (char *)"/src/m"};

/* Merge and compare with the expected list (NULL-terminated). */
static void check_merge(const ge_gcflag *e, const int *cmdline, size_t n, const char *cwd,
                        const char *const *want)
{
	char **out = NULL;
	size_t nout = 0, i, nwant = 0;
	assert_int_equal(ge_gcflags_merge(&out, &nout, e, cmdline, n, &one, cwd), 0);
	while (want[nwant])
		nwant++;
	for (i = 0; i < nout && i < nwant; i++)
		assert_string_equal(out[i], want[i]);
	assert_int_equal(nout, nwant);
	ge_strv_free(out, nout);
}

static void merge_nothing(void **state)
{
	static const char *const want[] = {"example.com/m/...=-m", NULL};
	(void)state;
	check_merge(NULL, NULL, 0, "/src/m", want);
}

static void merge_cmdline_packages(void **state)
{
	ge_gcflag e[] = {{(char *)"", (char *)"-N -l"}};
	int cl[] = {1};
	static const char *const want[] = {"example.com/m/...=-m", "-N -l -m", NULL};
	(void)state;
	check_merge(e, cl, 1, "/src/m", want);
}

static void merge_all_keeps_deps(void **state)
{
	/* all=-N -l must still reach the dependencies, and -m only the module. */
	ge_gcflag e[] = {{(char *)"all", (char *)"-N -l"}};
	int cl[] = {1};
	static const char *const want[] = {"example.com/m/...=-m", "all=-N -l",
	                                   "example.com/m/...=-N -l -m", NULL};
	(void)state;
	check_merge(e, cl, 1, "/src/m", want);
}

static void merge_goflags_then_cmdline(void **state)
{
	/* GOFLAGS entries are applied by go itself; we only re-state them for the module. */
	ge_gcflag e[] = {{(char *)"all", (char *)"-B"}, {(char *)"", (char *)"-N"}};
	int cl[] = {0, 1};
	static const char *const want[] = {"example.com/m/...=-m", "example.com/m/...=-B -m",
	                                   "-N -m", NULL};
	(void)state;
	check_merge(e, cl, 2, "/src/m", want);
}

static void merge_disjoint_untouched(void **state)
{
	ge_gcflag e[] = {{(char *)"std", (char *)"-B"}, {(char *)"golang.org/x/...", (char *)"-N"}};
	int cl[] = {1, 1};
	static const char *const want[] = {"example.com/m/...=-m", "std=-B", "golang.org/x/...=-N",
	                                   NULL};
	(void)state;
	check_merge(e, cl, 2, "/src/m", want);
}

static void merge_inside_patterns(void **state)
{
	ge_gcflag e[] = {{(char *)"./...", (char *)"-N"},
	                 {(char *)"example.com/m/sub", (char *)"-l"},
	                 {(char *)"example.com/...", (char *)"-B"}};
	int cl[] = {1, 1, 1};
	static const char *const want[] = {"example.com/m/...=-m",    "./...=-N -m",
	                                   "example.com/m/sub=-l -m", "example.com/...=-B",
	                                   "example.com/m/...=-B -m", NULL};
	(void)state;
	check_merge(e, cl, 3, "/src/m", want);
}

static void merge_user_m_not_doubled(void **state)
{
	/* -m twice would mean -m=2: never add a second one. */
	ge_gcflag e[] = {{(char *)"", (char *)"-m=2"}, {(char *)"all", (char *)"-m"}};
	int cl[] = {1, 1};
	static const char *const want[] = {"example.com/m/...=-m", "-m=2", "all=-m",
	                                   "example.com/m/...=-m", NULL};
	(void)state;
	check_merge(e, cl, 2, "/src/m", want);
}

static void plan_keeps_other_args(void **state)
{
	ge_goplan p = GE_GOPLAN_INIT;
	char *args[] = {(char *)"build",      (char *)"-C",        (char *)"sub",   (char *)"-o",
	                (char *)"../bin/app", (char *)"-gcflags",  (char *)"-N -l", (char *)"-v",
	                (char *)"./cmd/...",  (char *)"-gcflags=x"};
	static const char *const want[] = {
	    "/usr/bin/go",       "build", "-C",         "sub", "-gcflags=example.com/m/...=-m",
	    "-gcflags=-N -l -m", "-o",    "../bin/app", "-v",  "./cmd/...",
	    "-gcflags=x",        NULL};
	size_t i;
	(void)state;
	assert_int_equal(ge_goplan_build(&p, "/usr/bin/go", args, 10, NULL, &one, "/src/m"), 0);
	for (i = 0; want[i]; i++) {
		assert_non_null(p.argv[i]);
		assert_string_equal(p.argv[i], want[i]);
	}
	assert_null(p.argv[i]);
	assert_string_equal(p.chdir, "sub");
	assert_int_equal(p.user_m, 0);
	ge_goplan_release(&p);
}

static void plan_goflags(void **state)
{
	ge_goplan p = GE_GOPLAN_INIT;
	char *args[] = {(char *)"install", (char *)"./..."};
	(void)state;
	assert_int_equal(ge_goplan_build(&p, "go", args, 2,
	                                 "-mod=mod '-gcflags=all=-N -l' -trimpath", &one, "/src/m"),
	                 0);
	assert_int_equal(p.argc, 5);
	assert_string_equal(p.argv[2], "-gcflags=example.com/m/...=-m");
	assert_string_equal(p.argv[3], "-gcflags=example.com/m/...=-N -l -m");
	assert_string_equal(p.argv[4], "./...");
	ge_goplan_release(&p);
}

static void split_quotes(void **state)
{
	char **v = NULL;
	size_t n = 0;
	(void)state;
	assert_int_equal(ge_goflags_split(&v, &n, "  -a '-b=c d'\t\"-e\" "), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0], "-a");
	assert_string_equal(v[1], "-b=c d");
	assert_string_equal(v[2], "-e");
	ge_strv_free(v, n);
	assert_int_equal(ge_goflags_split(&v, &n, "-a 'open"), GE_EBADINPUT);
}

static void gomod_path(void **state)
{
	char *p = NULL;
	static const char text[] =
	    "// comment\nmodule   \"example.com/q\" // trailing\n\ngo 1.21\n";
	(void)state;
	assert_int_equal(ge_gomod_module_path(&p, text, sizeof(text) - 1), 0);
	assert_string_equal(p, "example.com/q");
	free(p);
	assert_int_equal(ge_gomod_module_path(&p, "go 1.21\n", 8), GE_EBADINPUT);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void modset_workspace(void **state)
{
	char tmpl[] = "/tmp/ge-gocmd-XXXXXX", buf[512];
	char *dir = mkdtemp(tmpl);
	ge_modset m = GE_MODSET_INIT;
	(void)state;
	assert_non_null(dir);
	snprintf(buf, sizeof(buf), "mkdir -p %s/a/x %s/b", dir, dir);
	assert_int_equal(system(buf), 0);
	snprintf(buf, sizeof(buf), "%s/a/go.mod", dir);
	write_file(buf, "module example.com/a\n\ngo 1.21\n");
	snprintf(buf, sizeof(buf), "%s/b/go.mod", dir);
	write_file(buf, "module example.com/b\n");
	/* Without go.work: the nearest go.mod. */
	snprintf(buf, sizeof(buf), "%s/a/x", dir);
	assert_int_equal(ge_modset_find(&m, buf, NULL), 0);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.mods[0].path, "example.com/a");
	assert_string_equal(m.go_version, "1.21");
	ge_modset_release(&m);
	/* With go.work above: every used module is main. */
	snprintf(buf, sizeof(buf), "%s/go.work", dir);
	write_file(buf, "go 1.22\n\nuse (\n\t./a\n\t./b // the other\n)\n");
	snprintf(buf, sizeof(buf), "%s/a/x", dir);
	assert_int_equal(ge_modset_find(&m, buf, NULL), 0);
	assert_int_equal(m.n, 2);
	assert_string_equal(m.mods[1].path, "example.com/b");
	assert_non_null(ge_modset_lookup_import(&m, "example.com/b/z"));
	assert_null(ge_modset_lookup_import(&m, "example.com/bz"));
	ge_modset_release(&m);
	/* GOWORK=off ignores it. */
	assert_int_equal(ge_modset_find(&m, buf, "off"), 0);
	assert_int_equal(m.n, 1);
	ge_modset_release(&m);
	/* A workspace using a module from outside its directory: paths need no "..". */
	snprintf(buf, sizeof(buf), "mkdir -p %s/w", dir);
	assert_int_equal(system(buf), 0);
	snprintf(buf, sizeof(buf), "%s/w/go.work", dir);
	write_file(buf, "go 1.22\n\nuse ../a\n");
	snprintf(buf, sizeof(buf), "%s/w", dir);
	assert_int_equal(ge_modset_find(&m, buf, NULL), 0);
	assert_string_equal(m.top, dir);
	ge_modset_release(&m);
	/* Outside any module. */
	assert_int_equal(ge_modset_find(&m, "/proc", NULL), GE_ENOTFOUND);
	snprintf(buf, sizeof(buf), "rm -rf %s", dir);
	assert_int_equal(system(buf), 0);
}

static void find_go_skips_self(void **state)
{
	char tmpl[] = "/tmp/ge-findgo-XXXXXX", buf[512], path[1200], self[600];
	char *dir = mkdtemp(tmpl), *go = NULL;
	(void)state;
	snprintf(buf, sizeof(buf),
	         "mkdir -p %s/a %s/b && printf '#!/bin/sh\\n' > %s/b/go && chmod +x %s/b/go && "
	         "printf x > %s/self && chmod +x %s/self && ln -s ../self %s/a/go",
	         dir, dir, dir, dir, dir, dir, dir);
	assert_int_equal(system(buf), 0);
	snprintf(path, sizeof(path), "%s/a:%s/b", dir, dir);
	snprintf(self, sizeof(self), "%s/self", dir);
	assert_int_equal(ge_gocmd_find_go(&go, NULL, path, self), 0);
	snprintf(buf, sizeof(buf), "%s/b/go", dir);
	assert_string_equal(go, buf);
	free(go);
	assert_int_equal(ge_gocmd_find_go(&go, "/nonexistent/go", path, self), GE_ENOTFOUND);
	assert_int_equal(ge_gocmd_find_go(&go, NULL, "/nonexistent", self), GE_ENOTFOUND);
	snprintf(buf, sizeof(buf), "rm -rf %s", dir);
	assert_int_equal(system(buf), 0);
}

/* Named packages: the patterns become import paths of the main module. */
static void scope_of_patterns(void **state)
{
	char *const pk[] = {(char *)"./api", (char *)"./store/...", (char *)"example.com/m/x",
	                    (char *)"golang.org/x/text/...", (char *)"../m/y"};
	char *const all[] = {(char *)"./api", (char *)"all"};
	char *const outside[] = {(char *)"fmt"};
	char **sc = NULL;
	size_t n = 0;
	(void)state;
	assert_int_equal(ge_gocmd_scope(&sc, &n, pk, 5, &one, "/src/m"), 0);
	assert_int_equal(n, 4);
	assert_string_equal(sc[0], "example.com/m/api");
	assert_string_equal(sc[1], "example.com/m/store/...");
	assert_string_equal(sc[2], "example.com/m/x");
	assert_string_equal(sc[3], "example.com/m/y");
	assert_true(ge_gocmd_scope_match(sc, n, "example.com/m/store"));
	assert_true(ge_gocmd_scope_match(sc, n, "example.com/m/store/sub"));
	assert_false(ge_gocmd_scope_match(sc, n, "example.com/m/storex"));
	assert_false(ge_gocmd_scope_match(sc, n, "example.com/m"));
	ge_strv_free(sc, n);
	assert_int_equal(ge_gocmd_scope(&sc, &n, all, 2, &one, "/src/m"), 0);
	assert_null(sc);
	assert_int_equal(ge_gocmd_scope(&sc, &n, pk, 0, &one, "/src/m"), 0);
	assert_null(sc);
	assert_true(ge_gocmd_scope_match(NULL, 0, "anything"));
	assert_int_equal(ge_gocmd_scope(&sc, &n, outside, 1, &one, "/src/m"), 0);
	assert_non_null(sc);
	assert_int_equal(n, 0);
	assert_false(ge_gocmd_scope_match(sc, n, "example.com/m"));
	ge_strv_free(sc, n);
	assert_int_equal(ge_gocmd_scope(&sc, &n, pk, 1, &one, "/src/m/sub"), 0);
	assert_string_equal(sc[0], "example.com/m/sub/api");
	ge_strv_free(sc, n);
}

/* -m for the named packages only, whatever the user's entries say. */
static void merge_scoped(void **state)
{
	char *const scope[] = {(char *)"example.com/m/api"};
	ge_gcflag e[] = {{(char *)"all", (char *)"-l"},
	                 {(char *)"example.com/m/...", (char *)"-N"},
	                 {(char *)"./store", (char *)"-B"}};
	int cl[] = {0, 1, 1};
	static const char *const want[] = {"example.com/m/api=-m", "example.com/m/api=-l -m",
	                                   "example.com/m/...=-N", "example.com/m/api=-N -m",
	                                   "./store=-B",           NULL};
	char **out = NULL;
	size_t nout = 0, i;
	(void)state;
	assert_int_equal(ge_gcflags_merge_scoped(&out, &nout, e, cl, 3, &one, "/src/m", scope, 1),
	                 0);
	for (i = 0; want[i]; i++) {
		assert_true(i < nout);
		assert_string_equal(out[i], want[i]);
	}
	assert_int_equal(nout, i);
	ge_strv_free(out, nout);
}

/* An entry whose packages are all named reaches go once, with -m: never again without. */
static void merge_scoped_whole(void **state)
{
	char *const scope[] = {(char *)"example.com/m/api", (char *)"example.com/m/db/..."};
	ge_gcflag e[] = {{(char *)"example.com/m/api", (char *)"-d=ssa/check_bce/debug=1"},
	                 {(char *)"./db/x", (char *)"-B"},
	                 {(char *)"./...", (char *)"-N"}};
	int cl[] = {0, 1, 1};
	static const char *const want[] = {"example.com/m/api=-m",
	                                   "example.com/m/db/...=-m",
	                                   "example.com/m/api=-d=ssa/check_bce/debug=1 -m",
	                                   "example.com/m/db/x=-B -m",
	                                   "./...=-N",
	                                   "example.com/m/api=-N -m",
	                                   "example.com/m/db/...=-N -m",
	                                   NULL};
	char **out = NULL;
	size_t nout = 0, i;
	(void)state;
	assert_int_equal(ge_gcflags_merge_scoped(&out, &nout, e, cl, 3, &one, "/src/m", scope, 2),
	                 0);
	for (i = 0; want[i]; i++) {
		assert_true(i < nout);
		assert_string_equal(out[i], want[i]);
	}
	assert_int_equal(nout, i);
	ge_strv_free(out, nout);
}

/* Import paths and -trimpath paths of a module's files; module std has no prefix. */
static void module_imports_and_trimmed_files(void **state)
{
	ge_module std = {.root = (char *)"/go/src", .path = (char *)"std"};
	ge_module m = {.root = (char *)"/m", .path = (char *)"example.com/m"};
	char *ip;
	(void)state;
	assert_string_equal(ip = ge_gocmd_module_import("std", "strconv"), "strconv");
	free(ip);
	assert_string_equal(ip = ge_gocmd_module_import("std", "unicode/utf8"), "unicode/utf8");
	free(ip);
	assert_string_equal(ip = ge_gocmd_module_import("std", ""), "std");
	free(ip);
	assert_string_equal(ip = ge_gocmd_module_import("example.com/m", "a/b"),
	                    "example.com/m/a/b");
	free(ip);
	assert_string_equal(ip = ge_gocmd_module_import("example.com/m", NULL), "example.com/m");
	free(ip);
	assert_string_equal(ge_module_trimmed_file(&std, "unicode/utf8/utf8.go"),
	                    "unicode/utf8/utf8.go");
	assert_string_equal(ge_module_trimmed_file(&std, "vendor/golang.org/x/a/a.go"),
	                    "vendor/golang.org/x/a/a.go");
	assert_null(ge_module_trimmed_file(&std, "cmd/go/main.go"));      /* module cmd's */
	assert_null(ge_module_trimmed_file(&std, "golang.org/x/a/a.go")); /* a dependency's */
	assert_null(ge_module_trimmed_file(&std, "x.go"));                /* no package directory */
	assert_null(ge_module_trimmed_file(&std, "./utf8.go")); /* relative, not trimmed */
	assert_string_equal(ge_module_trimmed_file(&m, "example.com/m/a/x.go"), "a/x.go");
	assert_null(ge_module_trimmed_file(&m, "example.com/mm/x.go"));
	assert_null(ge_module_trimmed_file(&m, "example.com/m/"));
	assert_null(ge_module_trimmed_file(&m, "slices/slices.go"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(merge_nothing),
	    cmocka_unit_test(scope_of_patterns),
	    cmocka_unit_test(merge_scoped),
	    cmocka_unit_test(merge_scoped_whole),
	    cmocka_unit_test(merge_cmdline_packages),
	    cmocka_unit_test(merge_all_keeps_deps),
	    cmocka_unit_test(merge_goflags_then_cmdline),
	    cmocka_unit_test(merge_disjoint_untouched),
	    cmocka_unit_test(merge_inside_patterns),
	    cmocka_unit_test(merge_user_m_not_doubled),
	    cmocka_unit_test(plan_keeps_other_args),
	    cmocka_unit_test(plan_goflags),
	    cmocka_unit_test(split_quotes),
	    cmocka_unit_test(gomod_path),
	    cmocka_unit_test(module_imports_and_trimmed_files),
	    cmocka_unit_test(modset_workspace),
	    cmocka_unit_test(find_go_skips_self),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
