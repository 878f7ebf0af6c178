/*
 * Unit tests for lib/gopkg.
 *
 * The package-wide names are grounded in the real compiler: the package
 * tests/fixtures/gopkgmod/p has package-level closures and init functions
 * in three compiled files, one file excluded by a _windows suffix, one by
 * a build tag and one test file, and tests/fixtures/compiler-output holds
 * what go build -gcflags=-m=2 printed for it (go1.26.8 for linux/amd64,
 * with -tags gopkgextra, for GOOS=windows, and for the test variant with
 * go test -c; go1.19.8 for linux/amd64).
 * Every line there that names a function gives a (file, line, column,
 * name) the view must reproduce.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common.h"
#include "fixture.h"
#include "gopkg.h"

#define FIXDIR "../fixtures/gopkgmod/p"
#define OUTDIR "../fixtures/compiler-output/"

static char *fixture_dir(void)
{
	char *p = realpath(FIXDIR, NULL);
	assert_non_null(p);
	return p;
}

static ge_gopkg *open_dir(const char *dir, const ge_gopkg_build *b)
{
	ge_gopkg_source src;
	ge_gopkg *p = NULL;
	ge_gopkg_source_worktree(&src);
	assert_int_equal(ge_gopkg_open(&p, dir, &src, b), 0);
	return p;
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *temp_dir(void)
{
	char tmpl[] = "/tmp/test_gopkg.XXXXXX";
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	return strdup(d);
}

static void remove_dir(char *dir)
{
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(dir);
}

/*
 * Check every name in a capture against the view; go119 maps the old
 * "glob..funcN" to the "init.funcN" goescape uses for every version.
 * Returns the number of names compared.
 */
static int check_capture(const char *capture, const ge_gopkg_build *b, int go119)
{
	char *dir = fixture_dir();
	ge_gopkg *p = open_dir(dir, b);
	FILE *in = fopen(capture, "r");
	char line[8192];
	int checked = 0, bad = 0;
	assert_non_null(in);
	while (fgets(line, sizeof(line), in)) {
		char file[256], msg[7000];
		unsigned ln, col;
		int inl;
		char *want;
		const char *got;
		ge_gopkg_file *f = NULL;
		if (sscanf(line, "p/%255[^:]:%u:%u: %6999[^\n]", file, &ln, &col, msg) != 4)
			continue;
		if (!(want = fixture_compiler_name(msg, &inl)))
			continue;
		if (go119 && strncmp(want, "glob..func", 10) == 0) {
			char *w = malloc(strlen(want) + 1);
			assert_non_null(w);
			snprintf(w, strlen(want) + 1, "init.func%s", want + 10);
			free(want);
			want = w;
		}
		assert_int_equal(ge_gopkg_get(&f, p, file), 0);
		assert_true(ge_gopkg_file_compiled(f));
		if (inl) {
			/* "can inline" sits on a literal's "func", which belongs to
			 * the enclosing function: ask at its parameters. */
			size_t len;
			const char *t = ge_gopkg_line(f, ln, &len);
			if (t && col + 4 <= len && strncmp(t + col - 1, "func(", 5) == 0)
				col += 4;
		}
		got = ge_gopkg_func_at(f, ln, col);
		if (strcmp(got, want) != 0) {
			print_message("%s: %s:%u:%u: compiler says %s, view says %s\n", capture,
			              file, ln, col, want, got);
			bad++;
		}
		checked++;
		free(want);
	}
	fclose(in);
	ge_gopkg_free(p);
	free(dir);
	print_message("%s: %d names agree\n", capture, checked);
	assert_int_equal(bad, 0);
	return checked;
}

static void assert_files(const ge_gopkg_build *b, const char *const *want, size_t n)
{
	char *dir = fixture_dir();
	ge_gopkg *p = open_dir(dir, b);
	size_t i;
	assert_int_equal(ge_gopkg_nfiles(p), n);
	for (i = 0; i < n; i++)
		assert_string_equal(ge_gopkg_file_name(p, i), want[i]);
	ge_gopkg_free(p);
	free(dir);
}

/* ------------------------------------------------------------------ */

static void test_compile_order(void **state)
{
	ge_gopkg_build b = GE_GOPKG_BUILD_INIT;
	static const char *const linux_files[] = {"a.go", "b.go", "c.go"};
	static const char *const tagged[] = {"a.go", "b.go", "c.go", "e_tagged.go"};
	static const char *const windows[] = {"a.go", "b.go", "d_windows.go"};
	static const char *const tests[] = {"a.go", "b.go", "c.go", "p_test.go"};
	static const char *tag = "gopkgextra";
	(void)state;
	b.go_minor = 26;
	assert_files(&b, linux_files, 3);
	b.tags = &tag;
	b.ntags = 1;
	assert_files(&b, tagged, 4);
	b.ntags = 0;
	b.goos = "windows";
	assert_files(&b, windows, 3);
	b.goos = NULL;
	b.tests = 1;
	assert_files(&b, tests, 4);
}

static void test_names_go126(void **state)
{
	ge_gopkg_build b = GE_GOPKG_BUILD_INIT;
	(void)state;
	b.go_minor = 26;
	/* 34 names in a.go, b.go and c.go; init.func4 and init.3 only with
	 * the package base. */
	assert_true(check_capture(OUTDIR "go1.26.8-gopkgmod-m2.txt", &b, 0) == 34);
}

static void test_names_go126_tags(void **state)
{
	ge_gopkg_build b = GE_GOPKG_BUILD_INIT;
	static const char *tag = "gopkgextra";
	(void)state;
	b.go_minor = 26;
	b.tags = &tag;
	b.ntags = 1;
	assert_true(check_capture(OUTDIR "go1.26.8-gopkgmod-tags-m2.txt", &b, 0) == 38);
}

static void test_names_go126_windows(void **state)
{
	ge_gopkg_build b = GE_GOPKG_BUILD_INIT;
	(void)state;
	b.go_minor = 26;
	b.goos = "windows";
	assert_true(check_capture(OUTDIR "go1.26.8-gopkgmod-windows-m2.txt", &b, 0) == 32);
}

/* go test -c "-gcflags=example.com/gopkgmod/p=-m=2 -l" ./p (-l: no literal
 * copied into TestWork and renamed after it): the internal test
 * file is compiled after the package's files, and numbered after them. */
static void test_names_go126_test_variant(void **state)
{
	ge_gopkg_build b = GE_GOPKG_BUILD_INIT;
	(void)state;
	b.go_minor = 26;
	b.tests = 1;
	assert_true(check_capture(OUTDIR "go1.26.8-gopkgmod-test-m2l.txt", &b, 0) == 19);
}

static void test_names_go119(void **state)
{
	ge_gopkg_build b = GE_GOPKG_BUILD_INIT;
	(void)state;
	b.go_minor = 19;
	assert_true(check_capture(OUTDIR "go1.19.8-gopkgmod-m2.txt", &b, 1) == 15);
}

/* A file scanned alone numbers from the start: the bug the view fixes. */
static void test_alone_is_wrong(void **state)
{
	char *dir = fixture_dir(), path[4200];
	ge_gofile *g = NULL;
	ge_gopkg_build b = GE_GOPKG_BUILD_INIT;
	ge_gopkg *p = open_dir(dir, &b);
	ge_gopkg_file *f = NULL;
	(void)state;
	snprintf(path, sizeof(path), "%s/c.go", dir);
	assert_int_equal(ge_gofile_load(&g, path), 0);
	assert_string_equal(ge_gofile_func_at(g, 8, 2), "init.func1");
	assert_string_equal(ge_gofile_func_at(g, 17, 10), "init.0");
	assert_int_equal(ge_gopkg_get(&f, p, "c.go"), 0);
	assert_string_equal(ge_gopkg_func_at(f, 8, 2), "init.func4");
	assert_string_equal(ge_gopkg_func_at(f, 17, 10), "init.3");
	ge_gofile_free(g);
	ge_gopkg_free(p);
	free(dir);
}

/* Only the files up to the one asked for are read whole. */
static void test_lazy(void **state)
{
	char *dir = fixture_dir();
	ge_gopkg_build b = GE_GOPKG_BUILD_INIT;
	ge_gopkg *p = open_dir(dir, &b);
	ge_gopkg_file *f = NULL;
	ge_gopkg_stats st;
	const char *name;
	(void)state;
	ge_gopkg_stats_get(&st, p);
	/* d_windows.go is excluded by its name, unread; the tagged file by its
	 * header */
	assert_int_equal(st.candidates, 4);
	assert_int_equal(st.headers, 4);
	assert_int_equal(st.compiled, 3);
	assert_int_equal(st.scanned, 0);
	/* Getting a file scans it alone ... */
	assert_int_equal(ge_gopkg_get(&f, p, "b.go"), 0);
	ge_gopkg_stats_get(&st, p);
	assert_int_equal(st.scanned, 1);
	/* ... and the first name asked of a file with package-level closures
	 * or init functions scans the files before it, so no name handed out
	 * is renamed later. */
	name = ge_gopkg_func_at(f, 22, 3);
	assert_string_equal(name, "Other.func1");
	ge_gopkg_stats_get(&st, p);
	assert_int_equal(st.scanned, 2);
	assert_string_equal(ge_gopkg_func_at(f, 11, 3), "init.func3");
	assert_string_equal(name, "Other.func1");
	ge_gopkg_stats_get(&st, p);
	assert_int_equal(st.scanned, 2);
	assert_int_equal(ge_gopkg_get(&f, p, "c.go"), 0);
	assert_string_equal(ge_gopkg_func_at(f, 8, 2), "init.func4");
	ge_gopkg_stats_get(&st, p);
	assert_int_equal(st.scanned, 3);
	assert_int_equal(ge_gopkg_get(&f, p, "a.go"), 0); /* counted already: not read again */
	assert_string_equal(ge_gopkg_func_at(f, 38, 10), "init.1");
	ge_gopkg_stats_get(&st, p);
	assert_int_equal(st.scanned, 3);
	/* A file the build excludes is still answered, alone. */
	assert_int_equal(ge_gopkg_get(&f, p, "d_windows.go"), 0);
	assert_false(ge_gopkg_file_compiled(f));
	assert_int_equal(ge_gopkg_get(&f, p, "nosuch.go"), GE_ENOTFOUND);
	ge_gopkg_free(p);
	free(dir);
}

/* A file without init functions or package-level closures is named alone. */
static void test_lazy_plain_file(void **state)
{
	char *dir = temp_dir();
	ge_gopkg_build b = GE_GOPKG_BUILD_INIT;
	ge_gopkg *p;
	ge_gopkg_file *f = NULL;
	ge_gopkg_stats st;
	(void)state;
	write_file(dir, "a.go", "package q\n\nvar A = func() {}\n\nfunc init() {}\n");
	write_file(dir, "b.go", "package q\n\nfunc G() {\n\tf := func() {}\n\tf()\n}\n");
	p = open_dir(dir, &b);
	assert_int_equal(ge_gopkg_get(&f, p, "b.go"), 0);
	assert_string_equal(ge_gopkg_func_at(f, 4, 14), "G.func1");
	assert_int_equal(ge_gopkg_ignored(f, 4), 0);
	ge_gopkg_stats_get(&st, p);
	assert_int_equal(st.scanned, 1);
	ge_gopkg_free(p);
	remove_dir(dir);
}

static void test_constraints(void **state)
{
	ge_gopkg_build b = GE_GOPKG_BUILD_INIT;
	static const char *tags[] = {"foo", "bar_baz"};
	static const char *exps[] = {"rangefunc"};
#define EV(s) ge_gopkg_eval_constraint((s), strlen(s), &b)
	(void)state;
	b.go_minor = 21;
	b.tags = tags;
	b.ntags = 2;
	b.experiments = exps;
	b.nexperiments = 1;
	assert_int_equal(EV(" linux"), 1);
	assert_int_equal(EV(" !linux"), 0);
	assert_int_equal(EV(" linux && amd64"), 1);
	assert_int_equal(EV(" linux && !amd64"), 0);
	assert_int_equal(EV(" windows || darwin"), 0);
	assert_int_equal(EV(" windows || (unix && foo)"), 1);
	assert_int_equal(EV(" !(windows || plan9) && bar_baz"), 1);
	assert_int_equal(EV(" go1.21"), 1);
	assert_int_equal(EV(" go1.22"), 0);
	assert_int_equal(EV(" gc && !gccgo"), 1);
	assert_int_equal(EV(" cgo"), 0);
	assert_int_equal(EV(" goexperiment.rangefunc"), 1);
	assert_int_equal(EV(" goexperiment.arenas"), 0);
	assert_int_equal(EV(" ignore"), 0);
	assert_int_equal(EV(" linux &&"), GE_EBADINPUT);
	assert_int_equal(EV(" (linux"), GE_EBADINPUT);
	assert_int_equal(EV(" linux amd64"), GE_EBADINPUT);
	assert_int_equal(EV(" linux & amd64"), GE_EBADINPUT);
	assert_int_equal(EV(""), GE_EBADINPUT);
	b.cgo = 1;
	assert_int_equal(EV(" cgo"), 1);
	b.goos = "android";
	assert_int_equal(EV(" linux && unix"), 1);
	b.goos = "windows";
	assert_int_equal(EV(" unix"), 0);
#undef EV
}

static void test_file_names(void **state)
{
	ge_gopkg_build b = GE_GOPKG_BUILD_INIT;
	(void)state;
	assert_true(ge_gopkg_name_ok("a.go", &b));
	assert_true(ge_gopkg_name_ok("x_linux.go", &b));
	assert_true(ge_gopkg_name_ok("x_linux_amd64.go", &b));
	assert_true(ge_gopkg_name_ok("x_amd64.go", &b));
	assert_true(ge_gopkg_name_ok("x_linux_test.go", &b));
	assert_true(ge_gopkg_name_ok("linux.go", &b)); /* no '_': no suffix */
	assert_true(ge_gopkg_name_ok("x_foo.go", &b));
	assert_false(ge_gopkg_name_ok("x_windows.go", &b));
	assert_false(ge_gopkg_name_ok("x_linux_arm64.go", &b));
	assert_false(ge_gopkg_name_ok("x_arm64.go", &b));
	assert_false(ge_gopkg_name_ok("x_windows_test.go", &b));
	assert_false(ge_gopkg_name_ok("_x.go", &b));
	assert_false(ge_gopkg_name_ok(".x.go", &b));
	assert_false(ge_gopkg_name_ok("x.c", &b));
	b.goos = "windows";
	b.goarch = "arm64";
	assert_true(ge_gopkg_name_ok("x_windows_arm64.go", &b));
	assert_false(ge_gopkg_name_ok("x_linux.go", &b));
}

/* Headers: //go:build wins over // +build; +build needs a blank line after;
 * a file importing "C" counts only with cgo. */
static void test_headers(void **state)
{
	char *dir = temp_dir();
	ge_gopkg_build b = GE_GOPKG_BUILD_INIT;
	ge_gopkg *p;
	char big[20000];
	(void)state;
	write_file(dir, "a.go", "// +build windows\n\npackage q\n");
	write_file(dir, "b.go", "// +build linux,amd64 plan9\n\npackage q\n");
	write_file(dir, "c.go", "// +build windows\npackage q\n"); /* no blank line: a comment */
	write_file(dir, "d.go", "//go:build linux\n// +build windows\n\npackage q\n");
	write_file(dir, "e.go", "/*\n//go:build windows\n*/\npackage q\n");
	write_file(dir, "f.go", "package q\n\n// +build windows\n\nfunc F() {}\n");
	write_file(dir, "g.go", "package q\n\nimport (\n\t\"fmt\"\n\t\"C\"\n)\n");
	write_file(dir, "h.go", "package q\n\nimport \"C\"\n");
	/* A header longer than the prefix the view reads first. */
	memset(big, ' ', sizeof(big));
	memcpy(big, "/*", 2);
	memcpy(big + sizeof(big) - 40, "*/\n//go:build windows\n\npackage q\n", 34);
	big[sizeof(big) - 6] = '\0';
	write_file(dir, "i.go", big);
	write_file(dir, "j.go", "\xef\xbb\xbf//go:build windows\n\npackage q\n");
	p = open_dir(dir, &b);
	assert_int_equal(ge_gopkg_nfiles(p), 5);
	assert_string_equal(ge_gopkg_file_name(p, 0), "b.go");
	assert_string_equal(ge_gopkg_file_name(p, 1), "c.go");
	assert_string_equal(ge_gopkg_file_name(p, 2), "d.go");
	assert_string_equal(ge_gopkg_file_name(p, 3), "e.go");
	assert_string_equal(ge_gopkg_file_name(p, 4), "f.go");
	ge_gopkg_free(p);
	b.cgo = 1;
	p = open_dir(dir, &b);
	/* the cgo files come last */
	assert_int_equal(ge_gopkg_nfiles(p), 7);
	assert_string_equal(ge_gopkg_file_name(p, 4), "f.go");
	assert_string_equal(ge_gopkg_file_name(p, 5), "g.go");
	assert_string_equal(ge_gopkg_file_name(p, 6), "h.go");
	ge_gopkg_free(p);
	/* A constraint that does not parse is an error naming the file. */
	write_file(dir, "k.go", "//go:build linux &&\n\npackage q\n");
	{
		ge_gopkg_source src;
		ge_gopkg_source_worktree(&src);
		p = NULL;
		assert_int_equal(ge_gopkg_open(&p, dir, &src, &b), GE_EBADINPUT);
		assert_null(p);
		assert_non_null(strstr(ge_error_last(), "k.go"));
		assert_non_null(strstr(ge_error_last(), "cannot parse build constraint"));
	}
	remove_dir(dir);
}

static void test_overlay(void **state)
{
	char *dir = fixture_dir(), *tmp = temp_dir();
	char real[2][4200], back[2][4200];
	char *rv[2], *bv[2];
	ge_gopkg_overlay ov;
	ge_gopkg_source src;
	ge_gopkg_build b = GE_GOPKG_BUILD_INIT;
	ge_gopkg *p = NULL;
	ge_gopkg_file *f = NULL;
	(void)state;
	/* b.go deleted, aa.go added (backed by a temp file). */
	snprintf(real[0], sizeof(real[0]), "%s/b.go", dir);
	back[0][0] = '\0';
	snprintf(real[1], sizeof(real[1]), "%s/aa.go", dir);
	write_file(tmp, "aa.go", "package p\n\nvar Z = func() *int { z := 1; return &z }\n");
	snprintf(back[1], sizeof(back[1]), "%s/aa.go", tmp);
	rv[0] = real[0];
	rv[1] = real[1];
	bv[0] = back[0];
	bv[1] = back[1];
	ov.real = rv;
	ov.backing = bv;
	ov.n = 2;
	ge_gopkg_source_overlay(&src, &ov);
	assert_int_equal(ge_gopkg_open(&p, dir, &src, &b), 0);
	assert_int_equal(ge_gopkg_nfiles(p), 3);
	assert_string_equal(ge_gopkg_file_name(p, 0), "a.go");
	assert_string_equal(ge_gopkg_file_name(p, 1), "aa.go");
	assert_string_equal(ge_gopkg_file_name(p, 2), "c.go");
	assert_int_equal(ge_gopkg_get(&f, p, "aa.go"), 0);
	assert_string_equal(ge_gopkg_func_at(f, 3, 23), "init.func2");
	assert_int_equal(ge_gopkg_get(&f, p, "c.go"), 0);
	assert_string_equal(ge_gopkg_func_at(f, 8, 2), "init.func3"); /* b.go's two are gone */
	assert_int_equal(ge_gopkg_get(&f, p, "b.go"), GE_ENOTFOUND);
	ge_gopkg_free(p);
	remove_dir(tmp);
	free(dir);
}

static void test_ignore_comments(void **state)
{
	static const char src[] = "package p\n"                                    /* 1 */
	                          "\n"                                             /* 2 */
	                          "func F() {\n"                                   /* 3 */
	                          "\ts := \"//goescape:ignore\"\n"                 /* 4 */
	                          "\tt := new(int) //goescape:ignore\n"            /* 5 */
	                          "\tu := `\n"                                     /* 6 */
	                          "//goescape:ignore\n"                            /* 7 */
	                          "`\n"                                            /* 8 */
	                          "\tv := new(int)\n"                              /* 9 */
	                          "\t/* //goescape:ignore */\n"                    /* 10 */
	                          "\tw := new(int)\n"                              /* 11 */
	                          "\tr := '/'; x := new(int) // goescape:ignore\n" /* 12 */
	                          "\t_, _, _, _, _, _ = s, t, u, v, w, r, x\n"     /* 13 */
	                          "}\n";
	size_t n = sizeof(src) - 1;
	(void)state;
	assert_int_equal(ge_gopkg_text_ignored(src, n, 4), 0); /* in a string */
	assert_int_equal(ge_gopkg_text_ignored(src, n, 5), 1); /* on the line */
	assert_int_equal(ge_gopkg_text_ignored(src, n, 6), 1); /* the line above */
	assert_int_equal(ge_gopkg_text_ignored(src, n, 8), 0); /* in a raw string */
	assert_int_equal(ge_gopkg_text_ignored(src, n, 9), 0);
	assert_int_equal(ge_gopkg_text_ignored(src, n, 10), 1); /* in a general comment */
	assert_int_equal(ge_gopkg_text_ignored(src, n, 11), 1);
	assert_int_equal(ge_gopkg_text_ignored(src, n, 12), 0); /* "// goescape" is not it */
	assert_int_equal(ge_gopkg_text_ignored(src, n, 0), 0);
	assert_int_equal(ge_gopkg_text_ignored(src, n, 99), 0);
	{
		/* A general comment holding a newline after an operand: golex puts
		 * the inserted semicolon inside it; the mark is still its line's. */
		static const char c2[] = "package p\n"
		                         "var x = 1 /* a\n"
		                         "//goescape:ignore */\n"
		                         "\n"
		                         "var y = 2\n"
		                         "var z = \"\" /* \"//goescape:ignore\" */\n";
		size_t n2 = sizeof(c2) - 1;
		assert_int_equal(ge_gopkg_text_ignored(c2, n2, 2), 0);
		assert_int_equal(ge_gopkg_text_ignored(c2, n2, 3), 1);
		assert_int_equal(ge_gopkg_text_ignored(c2, n2, 4), 1);
		assert_int_equal(ge_gopkg_text_ignored(c2, n2, 5), 0);
		assert_int_equal(ge_gopkg_text_ignored(c2, n2, 6),
		                 1); /* quoted, but in a comment */
	}
}

/* The fixture's c.go: the string on line 7 does not suppress line 7 or 8. */
static void test_ignore_in_view(void **state)
{
	char *dir = fixture_dir();
	ge_gopkg_build b = GE_GOPKG_BUILD_INIT;
	ge_gopkg *p = open_dir(dir, &b);
	ge_gopkg_file *f = NULL;
	ge_gopkg_stats st;
	(void)state;
	assert_int_equal(ge_gopkg_get(&f, p, "c.go"), 0);
	assert_int_equal(ge_gopkg_ignored(f, 7), 0);
	assert_int_equal(ge_gopkg_ignored(f, 8), 0);
	assert_int_equal(ge_gopkg_ignored(f, 6), 1); /* line 5's comment quotes the mark */
	/* The directive needs the file alone, not the package base. */
	ge_gopkg_stats_get(&st, p);
	assert_int_equal(st.scanned, 1);
	ge_gopkg_free(p);
	free(dir);
}

static void key_is(const char *func, const char *want)
{
	ge_buf b = GE_BUF_INIT;
	assert_int_equal(ge_gopkg_match_key(&b, func), 0);
	assert_string_equal(b.ptr, want);
	ge_buf_release(&b);
}

static void test_match_key_pure(void **state)
{
	(void)state;
	key_is("F", "F");
	key_is("", "");
	key_is("(*T).M", "(*T).M");
	key_is("F.func3", "F.func*");
	key_is("F.func12.3", "F.func*.*");
	key_is("F.func1.2.10", "F.func*.*.*");
	key_is("(*T).M.func2", "(*T).M.func*");
	key_is("init.func4", "init.func*");
	key_is("init.func1.1", "init.func*.*");
	key_is("init.3", "init.*");
	key_is("init.1.func2", "init.*.func*");
	key_is("init", "init");
	key_is("T.init", "T.init");
	key_is("F.funcx", "F.funcx");
	key_is("F.func", "F.func");
	key_is("Gen.func1x", "Gen.func1x");
	key_is("(*T).func.M", "(*T).func.M");
}

/* Keys of every closure of a source, by the line of a marker comment. */
typedef struct keyed {
	const char *marker;
	char name[128];
	char key[128];
	char hkey[128];
} keyed;

static void keys_of(const char *text, keyed *k, size_t n)
{
	char *dir = temp_dir();
	ge_gopkg_build b = GE_GOPKG_BUILD_INIT;
	ge_gopkg *p;
	ge_gopkg_file *f = NULL;
	size_t i;
	write_file(dir, "x.go", text);
	p = open_dir(dir, &b);
	assert_int_equal(ge_gopkg_get(&f, p, "x.go"), 0);
	for (i = 0; i < n; i++) {
		const char *at = strstr(text, k[i].marker), *q, *bol;
		uint32_t line = 1, col = 3;
		ge_buf kb = GE_BUF_INIT, hb = GE_BUF_INIT;
		assert_non_null(at);
		for (q = text; q < at; q++)
			line += *q == '\n';
		for (bol = at; bol > text && bol[-1] != '\n'; bol--)
			;
		/* A literal within the line: ask inside its body. */
		if ((q = strstr(bol, "{ ")) != NULL && q < at)
			col = (uint32_t)(q - bol) + 3;
		snprintf(k[i].name, sizeof(k[i].name), "%s", ge_gopkg_func_at(f, line, col));
		assert_int_equal(ge_gopkg_match_key(&kb, k[i].name), 0);
		assert_int_equal(ge_gopkg_file_match_key(&hb, f, k[i].name), 0);
		snprintf(k[i].key, sizeof(k[i].key), "%s", kb.ptr);
		snprintf(k[i].hkey, sizeof(k[i].hkey), "%s", hb.ptr);
		ge_buf_release(&kb);
		ge_buf_release(&hb);
	}
	ge_gopkg_free(p);
	remove_dir(dir);
}

static void test_match_key_insert(void **state)
{
	static const char before[] = "package x\n"
	                             "\n"
	                             "var A = func() *int { a := 1; return &a } // pA\n"
	                             "\n"
	                             "func init() {\n"
	                             "\t_ = new(int) // i0\n"
	                             "}\n"
	                             "\n"
	                             "func F(n int) (r []*int) {\n"
	                             "\tf1 := func() {\n"
	                             "\t\tx := n // c1\n"
	                             "\t\tr = append(r, &x)\n"
	                             "\t\tg := func() { y := n; r = append(r, &y) } // n1\n"
	                             "\t\tg()\n"
	                             "\t}\n"
	                             "\tf2 := func(k int) {\n"
	                             "\t\tz := k // c2\n"
	                             "\t\tr = append(r, &z)\n"
	                             "\t}\n"
	                             "\tgo func() {\n"
	                             "\t\tw := n // c3\n"
	                             "\t\tr = append(r, &w)\n"
	                             "\t}()\n"
	                             "\tf1()\n"
	                             "\tf2(n)\n"
	                             "\treturn r\n"
	                             "}\n";
	static const char after[] = "package x\n"
	                            "\n"
	                            "var B = func() *int { b := 2; return &b }\n"
	                            "var A = func() *int { a := 1; return &a } // pA\n"
	                            "\n"
	                            "func init() {\n"
	                            "\t_ = new(byte)\n"
	                            "}\n"
	                            "\n"
	                            "func init() {\n"
	                            "\t_ = new(int) // i0\n"
	                            "}\n"
	                            "\n"
	                            "func F(n int) (r []*int) {\n"
	                            "\tdefer func() {\n"
	                            "\t\t_ = recover()\n"
	                            "\t}()\n"
	                            "\tf1 := func() {\n"
	                            "\t\tx := n // c1\n"
	                            "\t\tr = append(r, &x)\n"
	                            "\t\th := func() {}\n"
	                            "\t\th()\n"
	                            "\t\tg := func() { y := n; r = append(r, &y) } // n1\n"
	                            "\t\tg()\n"
	                            "\t}\n"
	                            "\tf2 := func(k int) {\n"
	                            "\t\tz := k // c2\n"
	                            "\t\tr = append(r, &z)\n"
	                            "\t}\n"
	                            "\tgo func() {\n"
	                            "\t\tw := n // c3\n"
	                            "\t\tr = append(r, &w)\n"
	                            "\t}()\n"
	                            "\tf1()\n"
	                            "\tf2(n)\n"
	                            "\treturn r\n"
	                            "}\n";
	keyed kb[] = {{"// c1", "", "", ""}, {"// c2", "", "", ""}, {"// c3", "", "", ""},
	              {"// n1", "", "", ""}, {"// pA", "", "", ""}, {"// i0", "", "", ""}};
	keyed ka[6];
	size_t i, n = sizeof(kb) / sizeof(kb[0]);
	(void)state;
	memcpy(ka, kb, sizeof(ka));
	keys_of(before, kb, n);
	keys_of(after, ka, n);
	/* The compiler's names shift ... */
	assert_string_equal(kb[0].name, "F.func1");
	assert_string_equal(ka[0].name, "F.func2");
	assert_string_equal(kb[1].name, "F.func2");
	assert_string_equal(ka[1].name, "F.func3");
	assert_string_equal(kb[2].name, "F.func3");
	assert_string_equal(ka[2].name, "F.func4");
	assert_string_equal(kb[3].name, "F.func1.1");
	assert_string_equal(ka[3].name, "F.func2.2");
	/* (the scanner's numbering of package-level literals: B first) */
	assert_string_equal(kb[4].name, "init.func1");
	assert_string_equal(ka[4].name, "init.func2");
	assert_string_equal(kb[5].name, "init.0");
	assert_string_equal(ka[5].name, "init.1");
	/* ... the keys do not. */
	for (i = 0; i < n; i++) {
		assert_string_equal(kb[i].key, ka[i].key);
		assert_string_equal(kb[i].hkey, ka[i].hkey);
	}
	assert_string_equal(kb[0].key, "F.func*");
	assert_string_equal(kb[3].key, "F.func*.*");
	assert_string_equal(kb[4].key, "init.func*");
	assert_string_equal(kb[5].key, "init.*");
	/* The hashed keys still tell the closures of F apart. */
	assert_string_not_equal(kb[0].hkey, kb[1].hkey);
	assert_string_not_equal(kb[1].hkey, kb[2].hkey);
	assert_non_null(strstr(kb[0].hkey, "F.func#"));
	assert_non_null(strstr(kb[3].hkey, ".#"));
}

/*
 * A one-file view (sarif's): lists nothing, reads no header, reads only
 * the file asked for; its text, lines and expression ends come from it.
 */
static void test_open_files(void **state)
{
	char *dir = temp_dir();
	ge_gopkg_source src;
	ge_gopkg *p = NULL;
	ge_gopkg_file *f = NULL;
	ge_gopkg_stats st;
	const char *t, *l;
	size_t n;
	uint32_t end = 0;
	(void)state;
	write_file(dir, "a.go", "package q\r\n\r\nvar X = &T{1}\r\n");
	write_file(dir, "b.go", "//go:build (\npackage q\n"); /* would not parse */
	ge_gopkg_source_worktree(&src);
	assert_int_equal(ge_gopkg_open_files(&p, dir, &src), 0);
	assert_int_equal(ge_gopkg_nfiles(p), 0);
	assert_int_equal(ge_gopkg_get(&f, p, "a.go"), 0);
	t = ge_gopkg_text(f, &n);
	assert_int_equal(n, strlen("package q\r\n\r\nvar X = &T{1}\r\n"));
	assert_memory_equal(t, "package q\r\n", 11);
	l = ge_gopkg_line(f, 3, &n);
	assert_int_equal(n, 13);
	assert_memory_equal(l, "var X = &T{1}", 13);
	assert_int_equal(ge_gopkg_expr_end(&end, f, 3, 9), 0);
	assert_int_equal(end, 14);
	assert_int_equal(ge_gopkg_expr_end(&end, f, 3, 14), GE_ENOTFOUND); /* the '\r' */
	assert_int_equal(ge_gopkg_expr_end(&end, f, 9, 1), GE_ENOTFOUND);
	assert_int_equal(ge_gopkg_get(&f, p, "none.go"), GE_ENOTFOUND);
	ge_gopkg_stats_get(&st, p);
	assert_int_equal(st.headers, 0);
	assert_int_equal(st.scanned, 1);
	ge_gopkg_free(p);
	remove_dir(dir);
}

/* The statement view is parsed once and kept; the text provider is one file. */
static void test_gostmt_and_text(void **state)
{
	static const char text[] = "package q\n\nimport s \"strconv\"\n\n"
	                           "var F = func(n int) string { return s.Itoa(n) }\n";
	ge_gopkg_text_file tf = {"/m/q/x.go", text, sizeof(text) - 1};
	ge_gopkg_source src;
	ge_gopkg_build b = GE_GOPKG_BUILD_INIT;
	ge_gopkg *p = NULL;
	ge_gopkg_file *f = NULL;
	const ge_gostmt_file *x1 = NULL, *x2 = NULL;
	ge_gopkg_stats st;
	const char *t;
	size_t n;
	(void)state;
	ge_gopkg_source_text(&src, &tf);
	assert_int_equal(ge_gopkg_open(&p, "/m/q", &src, &b), 0);
	assert_int_equal(ge_gopkg_nfiles(p), 1);
	assert_string_equal(ge_gopkg_file_name(p, 0), "x.go");
	assert_int_equal(ge_gopkg_get(&f, p, "x.go"), 0);
	assert_int_equal(ge_gopkg_get(&f, p, "y.go"), GE_ENOTFOUND);
	assert_int_equal(ge_gopkg_get(&f, p, "x.go"), 0);
	t = ge_gopkg_text(f, &n);
	assert_int_equal(n, sizeof(text) - 1);
	assert_memory_equal(t, text, n);
	assert_int_equal(ge_gopkg_gostmt(&x1, f), 0);
	assert_int_equal(ge_gopkg_gostmt(&x2, f), 0);
	assert_ptr_equal(x1, x2);
	assert_string_equal(ge_gostmt_import_name(x1, "strconv", NULL), "s");
	assert_string_equal(ge_gopkg_func_at(f, 5, 30), "init.func1");
	ge_gopkg_stats_get(&st, p);
	assert_int_equal(st.scanned, 1);
	ge_gopkg_free(p);
	/* Another directory lists nothing. */
	assert_int_equal(ge_gopkg_open(&p, "/m/r", &src, &b), 0);
	assert_int_equal(ge_gopkg_nfiles(p), 0);
	ge_gopkg_free(p);
}

/* A build in go's words: tags split, the Go minor read, strings owned. */
static void test_build_set(void **state)
{
	ge_gopkg_build b;
	(void)state;
	assert_int_equal(ge_gopkg_build_set(&b, "windows", "", 0, "a,bb", "go1.26.8"), 0);
	assert_string_equal(b.goos, "windows");
	assert_null(b.goarch);
	assert_int_equal(b.cgo, 0);
	assert_int_equal(b.go_minor, 26);
	assert_int_equal(b.ntags, 2);
	assert_string_equal(b.tags[0], "a");
	assert_string_equal(b.tags[1], "bb");
	assert_int_equal(ge_gopkg_name_ok("x_windows.go", &b), 1);
	assert_int_equal(ge_gopkg_eval_constraint("bb && !linux", 12, &b), 1);
	ge_gopkg_build_release(&b);
	assert_int_equal(ge_gopkg_build_set(&b, NULL, NULL, 1, "", "devel"), 0);
	assert_null(b.goos);
	assert_int_equal(b.ntags, 0);
	assert_int_equal(b.go_minor, 0);
	assert_int_equal(b.cgo, 1);
	ge_gopkg_build_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_compile_order),
	    cmocka_unit_test(test_open_files),
	    cmocka_unit_test(test_gostmt_and_text),
	    cmocka_unit_test(test_build_set),
	    cmocka_unit_test(test_names_go126),
	    cmocka_unit_test(test_names_go126_tags),
	    cmocka_unit_test(test_names_go126_windows),
	    cmocka_unit_test(test_names_go126_test_variant),
	    cmocka_unit_test(test_names_go119),
	    cmocka_unit_test(test_alone_is_wrong),
	    cmocka_unit_test(test_lazy),
	    cmocka_unit_test(test_lazy_plain_file),
	    cmocka_unit_test(test_constraints),
	    cmocka_unit_test(test_file_names),
	    cmocka_unit_test(test_headers),
	    cmocka_unit_test(test_overlay),
	    cmocka_unit_test(test_ignore_comments),
	    cmocka_unit_test(test_ignore_in_view),
	    cmocka_unit_test(test_match_key_pure),
	    cmocka_unit_test(test_match_key_insert),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
