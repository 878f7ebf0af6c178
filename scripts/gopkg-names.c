/*
 * scripts/gopkg-names: compare the function names lib/gopkg gives with
 * the ones the compiler prints, for one package of a real module.
 *
 *   make && cc -std=c11 -D_DEFAULT_SOURCE -Ilib -Iinclude -Itests/unit \
 *       scripts/gopkg-names.c tests/unit/fixture.c build/libgoescape.a \
 *       $(pkg-config --libs libgit2 libpcre2-8 zlib libcjson) -o /tmp/gopkg-names
 *   (cd PKGDIR && go build -gcflags=-m=2 . 2>/tmp/m2.txt)
 *   /tmp/gopkg-names PKGDIR /tmp/m2.txt
 *
 * Reads the "escapes to heap in F", "leaks ... for F with derefs",
 * "can inline F" and "cannot inline F" lines of files in PKGDIR (the names
 * as test_gopkg reads them: tests/unit/fixture.c), and prints
 * how many names agree with the package view and with each file scanned
 * alone (what attribution does today), then every disagreement.  With
 * GOPKG_MEASURE set it only asks the function of each heap line of a -m
 * capture and prints what the view read.  A
 * development tool: nothing in the build or the tests runs it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "gopkg.h"

/* The compiler's name with generic shapes dropped ("F[go.shape.int]" -> "F"). */
static void strip_shapes(char *s)
{
	char *w = s;
	int depth = 0;
	for (; *s; s++) {
		if (*s == '[')
			depth++;
		else if (*s == ']' && depth)
			depth--;
		else if (!depth)
			*w++ = *s;
	}
	*w = '\0';
}

int main(int argc, char **argv)
{
	ge_gopkg_source src;
	ge_gopkg_build b = GE_GOPKG_BUILD_INIT;
	ge_gopkg *p = NULL;
	ge_gopkg_stats st;
	FILE *in;
	char line[65536];
	int total = 0, agree = 0, alone_agree = 0, pkgwide = 0, pkgwide_agree = 0,
	    pkgwide_alone = 0;
	if (argc < 3) {
		fprintf(stderr, "usage: gopkg-names PKGDIR CAPTURE [go119]\n");
		return 2;
	}
	b.go_minor = 26;
	ge_gopkg_source_worktree(&src);
	if (ge_gopkg_open(&p, argv[1], &src, &b) < 0) {
		fprintf(stderr, "%s\n", ge_error_last());
		return 2;
	}
	if (!(in = fopen(argv[2], "r"))) {
		perror(argv[2]);
		return 2;
	}
	while (fgets(line, sizeof(line), in)) {
		char file[1024], msg[60000], path[2200];
		unsigned ln, col;
		int inl, pw;
		char *want;
		const char *got, *fn = file, *t;
		ge_gopkg_file *f = NULL;
		ge_gofile *g = NULL;
		size_t len;
		if (sscanf(line, "%1023[^:]:%u:%u: %59999[^\n]", file, &ln, &col, msg) != 4)
			continue;
		if (strncmp(fn, "./", 2) == 0)
			fn += 2;
		if (strchr(fn, '/'))
			continue;
		if (getenv("GOPKG_MEASURE")) {
			/* What attribution would ask: the function of each heap line. */
			if ((strstr(msg, "escapes to heap") || strstr(msg, "moved to heap")) &&
			    ge_gopkg_get(&f, p, fn) == 0 && !ge_gopkg_func_at(f, ln, col))
				fprintf(stderr, "%s\n", ge_error_last());
			continue;
		}
		if (!(want = fixture_compiler_name(msg, &inl)))
			continue;
		if (argc > 3 && strncmp(want, "glob..func", 10) == 0)
			memmove(want, "init.func", 9),
			    memmove(want + 9, want + 10, strlen(want + 9));
		strip_shapes(want);
		if (ge_gopkg_get(&f, p, fn) < 0) {
			free(want);
			continue;
		}
		t = ge_gopkg_line(f, ln, &len);
		if (inl && t && col + 4 <= len && strncmp(t + col - 1, "func(", 5) == 0)
			col += 4;
		if (!(got = ge_gopkg_func_at(f, ln, col))) {
			fprintf(stderr, "%s\n", ge_error_last());
			got = "";
		}
		snprintf(path, sizeof(path), "%s/%s", argv[1], fn);
		total++;
		pw = strncmp(want, "init.", 5) == 0;
		pkgwide += pw;
		if (strcmp(got, want) == 0) {
			agree++;
			pkgwide_agree += pw;
		} else {
			printf("disagree %s:%u:%u compiler %s gopkg %s\n", fn, ln, col, want, got);
		}
		if (ge_gofile_load(&g, path) == 0) {
			int ok = strcmp(ge_gofile_func_at(g, ln, col), want) == 0;
			alone_agree += ok;
			pkgwide_alone += ok && pw;
			ge_gofile_free(g);
		}
		free(want);
	}
	fclose(in);
	if (getenv("GOPKG_LIST")) {
		size_t i;
		for (i = 0; i < ge_gopkg_nfiles(p); i++)
			printf("compiled %s\n", ge_gopkg_file_name(p, i));
	}
	ge_gopkg_stats_get(&st, p);
	printf("names %d: gopkg agrees %d, per-file agrees %d; init.* names %d: gopkg %d, per-file "
	       "%d\n",
	       total, agree, alone_agree, pkgwide, pkgwide_agree, pkgwide_alone);
	printf("files: %zu candidates, %zu headers read (%zu bytes), %zu compiled, %zu scanned, "
	       "%zu bytes in all\n",
	       st.candidates, st.headers, st.header_bytes, st.compiled, st.scanned, st.bytes);
	ge_gopkg_free(p);
	return 0;
}
