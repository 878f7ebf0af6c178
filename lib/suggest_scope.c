/*
 * The verification build's scope: only the packages a round changes and
 * the ones that depend on them are compiled under the overlay; every other
 * package's -m output is the base build's, kept as go printed it.
 *
 * Why that is the same as building the whole module: go's -m output of a
 * package is a function of its own files and of the export data of what it
 * imports, transitively (cross-package inlining and the escape tags of
 * exported functions travel in it).  A package none of whose imports,
 * transitively, holds a rewritten file compiles under the overlay exactly
 * as without it, so its block of output is the base build's block.  The
 * report of a build is a fold of its blocks (lib/report: counts sum within
 * a block, the larger of two blocks of one package wins, packages add up),
 * and the blocks of the rebuilt packages and of the others name disjoint
 * packages, so the report of the rebuilt ones plus the report of the
 * others' base blocks, sorted together, is the report of the whole build.
 *
 * The import graph comes from one "go list -e -deps [-test]" of the
 * packages the user named, before the first round (rewrites only ever add
 * the standard library's strconv, so the graph stays valid).  With --tests
 * the test variants and test-only dependencies are in it, and a test
 * variant ("p [p.test]", "p_test [p.test]", the test main "p.test") counts
 * as its package p: p is rebuilt, tests and all, when any of them depends
 * on a rewrite.
 *
 * When anything does not fit (no graph, the base output not kept whole,
 * files named on the command line, a changed file outside the main
 * modules, every named package affected anyway) the round builds the
 * whole module as before.
 */
#include "suggest_int.h"

#include <fcntl.h>

#include "capture.h"
#include "cost.h"
#include "parse.h"

/* go list's line per package: "+" named or "-" a dependency only, the
 * import path, then each import, space-separated. */
static const char graph_format[] =
    "-f={{if .DepOnly}}-{{else}}+{{end}}{{.ImportPath}}{{range .Imports}} {{.}}{{end}}";

struct sgraph {
	char **name; /* import path as go lists it ("p [p.test]" for a test variant) */
	char **key;  /* the package it counts as: p for p's test variants */
	unsigned char *named;
	unsigned char *testmain; /* "p.test": not a package to name */
	size_t n;
	/* Edges from importer to import, by index into name. */
	size_t *efrom, *eto;
	size_t ne;
	size_t *order; /* indexes by name, for find_name */
};

static void graph_free(sgraph *g)
{
	size_t i;
	if (!g)
		return;
	for (i = 0; i < g->n; i++) {
		free(g->name[i]);
		free(g->key[i]);
	}
	free(g->name);
	free(g->key);
	free(g->named);
	free(g->testmain);
	free(g->efrom);
	free(g->eto);
	free(g->order);
	free(g);
}

void ge_suggest__scope_release(sctx *s)
{
	graph_free(s->graph);
	s->graph = NULL;
	ge_buf_release(&s->base_raw);
}

/*
 * The package a listed name or a "# " header's text counts as: the import
 * path before " [", without "_test" for an external test package
 * ("p_test [p.test]") and without ".test" for a test main ("p.test" when
 * testmain).  *out is malloc'd.
 */
static int key_of(char **out, const char *name, size_t len, int testmain)
{
	size_t sp = 0;
	while (sp < len && name[sp] != ' ')
		sp++;
	if (sp < len && sp > 5 && memcmp(name + sp - 5, "_test", 5) == 0 && len > sp + 2 &&
	    name[sp + 1] == '[')
		sp -= 5;
	else if (testmain && sp > 5 && memcmp(name + sp - 5, ".test", 5) == 0)
		sp -= 5;
	return (*out = ge_strndup(name, sp)) ? 0 : oom();
}

/* strcmp's order for name[0..len) against a NUL-terminated b. */
static int cmp_len(const char *name, size_t len, const char *b)
{
	int c = strncmp(name, b, len);
	return c ? c : b[len] ? -1 : 0;
}

static const sgraph *sorting;

static int cmp_order(const void *a, const void *b)
{
	return strcmp(sorting->name[*(const size_t *)a], sorting->name[*(const size_t *)b]);
}

static size_t find_name(const sgraph *g, const char *name, size_t len)
{
	size_t lo = 0, hi = g->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_len(name, len, g->name[g->order[mid]]);
		if (c == 0)
			return g->order[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (size_t)-1;
}

/* Parse go list's lines into *out; GE_EBADINPUT (no message) when a line is not one. */
static int graph_parse(sgraph **out, const char *text, size_t len)
{
	sgraph *g = calloc(1, sizeof(*g));
	const char *p = text, *end = text + len;
	size_t cap = 0, ecap = 0, i, nlines = 0;
	int rc = 0;
	*out = NULL;
	if (!g)
		return oom();
	/* First the names (imports may come before the package that is them). */
	for (p = text; p < end;) {
		const char *le = memchr(p, '\n', (size_t)(end - p)), *ne;
		if (!le)
			le = end;
		nlines++;
		if (le - p < 2 || (p[0] != '+' && p[0] != '-')) {
			rc = GE_EBADINPUT;
			goto done;
		}
		ne = memchr(p, ' ', (size_t)(le - p));
		/* "p [p.test]": the name runs to the ']'. */
		if (ne && ne + 1 < le && ne[1] == '[') {
			const char *rb = memchr(ne, ']', (size_t)(le - ne));
			ne = rb ? rb + 1 : NULL;
			if (!ne) {
				rc = GE_EBADINPUT;
				goto done;
			}
		}
		if (!ne)
			ne = le;
		if (g->n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			char **a = realloc(g->name, nc * sizeof(*a)), **b;
			unsigned char *c, *d;
			if (a)
				g->name = a;
			b = realloc(g->key, nc * sizeof(*b));
			if (b)
				g->key = b;
			c = realloc(g->named, nc);
			if (c)
				g->named = c;
			d = realloc(g->testmain, nc);
			if (d)
				g->testmain = d;
			if (!a || !b || !c || !d) {
				rc = oom();
				goto done;
			}
			cap = nc;
		}
		g->key[g->n] = NULL;
		g->named[g->n] = p[0] == '+';
		g->testmain[g->n] = 0;
		if (!(g->name[g->n] = ge_strndup(p + 1, (size_t)(ne - p - 1)))) {
			rc = oom();
			goto done;
		}
		g->n++;
		p = le < end ? le + 1 : le;
	}
	if (!(g->order = calloc(g->n + 1, sizeof(*g->order)))) {
		rc = oom();
		goto done;
	}
	for (i = 0; i < g->n; i++)
		g->order[i] = i;
	sorting = g;
	qsort(g->order, g->n, sizeof(*g->order), cmp_order);
	sorting = NULL;
	/* Then the edges, and which names are test mains (they import "x [NAME]"). */
	for (p = text, i = 0; p < end; i++) {
		const char *le = memchr(p, '\n', (size_t)(end - p)), *q;
		size_t nl = strlen(g->name[i]);
		if (!le)
			le = end;
		q = p + 1 + nl;
		while (q < le) {
			const char *ie;
			size_t to;
			if (*q == ' ')
				q++;
			ie = memchr(q, ' ', (size_t)(le - q));
			if (!ie)
				ie = le;
			if (ie + 1 < le && ie[1] == '[') {
				const char *rb = memchr(ie, ']', (size_t)(le - ie));
				if (!rb) {
					rc = GE_EBADINPUT;
					goto done;
				}
				/* "x [NAME]" imported by NAME itself: NAME is a test main. */
				if ((size_t)(rb - ie - 2) == nl &&
				    memcmp(ie + 2, g->name[i], nl) == 0)
					g->testmain[i] = 1;
				ie = rb + 1;
			}
			if (ie > q && (to = find_name(g, q, (size_t)(ie - q))) != (size_t)-1) {
				if (g->ne == ecap) {
					size_t nc = ecap ? ecap * 2 : 256;
					size_t *a = realloc(g->efrom, nc * sizeof(*a)), *b;
					if (a)
						g->efrom = a;
					b = realloc(g->eto, nc * sizeof(*b));
					if (b)
						g->eto = b;
					if (!a || !b) {
						rc = oom();
						goto done;
					}
					ecap = nc;
				}
				g->efrom[g->ne] = i;
				g->eto[g->ne] = to;
				g->ne++;
			}
			q = ie;
		}
		p = le < end ? le + 1 : le;
	}
	for (i = 0; i < g->n; i++)
		if ((rc = key_of(&g->key[i], g->name[i], strlen(g->name[i]), g->testmain[i])) < 0)
			goto done;
	if (!nlines)
		rc = GE_EBADINPUT;
done:
	if (rc < 0) {
		graph_free(g);
		return rc;
	}
	*out = g;
	return 0;
}

/*
 * The graph, once: "go list -e -deps [-test] -f=... PKGS" in the build's
 * directory, stdout only.  Not counted among the result's go invocations:
 * it compiles nothing (like the go env the build configuration comes from),
 * and the result stays the one of a whole-module verification.  A failure
 * leaves s->graph NULL and scope_state -1: every round builds everything.
 */
static int graph_load(sctx *s)
{
	ge_run_opts ro = GE_RUN_OPTS_INIT;
	ge_buf out = GE_BUF_INIT;
	char **argv = NULL, **owned = NULL;
	size_t argc = 0, nowned = 0, i;
	int rc = 0, status = 0;
	s->scope_state = -1;
	if (!(argv = calloc(s->o->npkgs + s->mods->n + 8, sizeof(*argv))) ||
	    !(owned = calloc(s->mods->n + 1, sizeof(*owned)))) {
		rc = oom();
		goto done;
	}
	argv[argc++] = (char *)s->o->build.go;
	argv[argc++] = (char *)"list";
	argv[argc++] = (char *)"-e";
	argv[argc++] = (char *)"-deps";
	if (s->o->tests)
		argv[argc++] = (char *)"-test";
	argv[argc++] = (char *)graph_format;
	for (i = 0; i < s->o->npkgs; i++) {
		/* Files named on the command line make "command-line-arguments". */
		size_t n = strlen(s->o->pkgs[i]);
		if (n > 3 && strcmp(s->o->pkgs[i] + n - 3, ".go") == 0)
			goto done;
		argv[argc++] = s->o->pkgs[i];
	}
	if (!s->o->npkgs)
		for (i = 0; i < s->mods->n; i++) {
			if (!(owned[nowned] = ge_module_all_pattern(&s->mods->mods[i]))) {
				rc = oom();
				goto done;
			}
			argv[argc++] = owned[nowned++];
		}
	ro.dir = s->o->build.cwd;
	ro.out = &out;
	ro.quiet_stderr = 1;
	if ((rc = ge_run(&status, argv, &ro)) < 0)
		goto done;
	if (!ge_suggest__exited_ok(status))
		goto done;
	rc = graph_parse(&s->graph, ge_buf_cstr(&out), out.len);
	if (rc == GE_EBADINPUT) {
		rc = 0;
		goto done;
	}
	if (rc < 0)
		goto done;
	for (i = 0; i < s->graph->n; i++)
		if (strcmp(s->graph->key[i], "command-line-arguments") == 0) {
			graph_free(s->graph);
			s->graph = NULL;
			goto done;
		}
	s->scope_state = 1;
done:
	ge_buf_release(&out);
	ge_strv_free(owned, nowned);
	free(argv);
	return rc;
}

/* ---- the base build's output, kept as printed --------------------------------- */

/*
 * With verbose set the base build hands every line to ge_suggest__base_line,
 * which keeps it and passes on to the user's callback exactly the lines a
 * build without verbose shows (lib/capture's rule: go's own lines and the
 * compiler's errors, a "# pkg" header before the first of them in its
 * block; a header whose -m lines were withheld is dropped at a line of go's
 * own that has no position and no indent).  The classification is lib/parse's.
 */
typedef struct baseview {
	sctx *s;
	ge_output_cb out;
	void *ud;
	const char *line; /* the line being classified, as received */
	size_t len;
	ge_buf header;
	int header_hid;
} baseview;

static int base_classified(const ge_parse_line *l, void *ud)
{
	baseview *v = ud;
	switch (l->type) {
	case GE_LINE_HEADER:
		ge_buf_clear(&v->header);
		v->header_hid = 0;
		return ge_buf_put(&v->header, v->line, v->len) < 0 ? oom() : 0;
	case GE_LINE_OTHER:
		if (v->header.len && v->header_hid && !l->path && l->line_len &&
		    l->line[0] != '\t' && l->line[0] != ' ')
			ge_buf_clear(&v->header);
		if (!v->out)
			return 0;
		if (v->header.len) {
			v->out(v->header.ptr, v->header.len, v->ud);
			ge_buf_clear(&v->header);
		}
		v->out(v->line, v->len, v->ud);
		return 0;
	default:
		v->header_hid = 1;
		return 0;
	}
}

struct sbase {
	baseview v;
	ge_parser *p;
	ge_buf scratch; /* the line and its newline, for ge_parser_feed_line */
	int rc;
};

static void base_line(const char *line, size_t len, void *ud)
{
	sbase *b = ud;
	sctx *s = b->v.s;
	if (s->base_raw_ok &&
	    (s->base_raw.len + len + 1 > MAX_OUTPUT || ge_buf_put(&s->base_raw, line, len) < 0 ||
	     ge_buf_putc(&s->base_raw, '\n') < 0)) {
		s->base_raw_ok = 0;
		ge_buf_release(&s->base_raw);
	}
	if (b->rc < 0)
		return;
	b->v.line = line;
	b->v.len = len;
	ge_buf_clear(&b->scratch);
	if (ge_buf_put(&b->scratch, line, len) < 0 || ge_buf_putc(&b->scratch, '\n') < 0) {
		b->rc = oom();
		return;
	}
	/* One line at a time: lib/parse classifies it before feed_line returns. */
	b->rc = ge_parser_feed_line(b->p, b->scratch.ptr, len, base_classified, &b->v);
}

int ge_suggest__base_build(sctx *s, int *status, const ge_capture_opts *o)
{
	ge_capture_opts co = *o;
	sbase b;
	int rc;
	memset(&b, 0, sizeof(b));
	b.v.s = s;
	b.v.out = o->on_output;
	b.v.ud = o->ud;
	/* The user sees the -m lines anyway (verbose, or -gcflags of their own in
	   GOFLAGS that may ask for -m), or no parser: as before, nothing kept. */
	if (o->verbose || o->on_json || (o->goflags && strstr(o->goflags, "gcflags")) ||
	    (rc = ge_parser_new(&b.p)) < 0) {
		s->base_raw_ok = 0;
		return ge_capture_packages(&s->base, status, o, s->o->pkgs, s->o->npkgs, NULL);
	}
	s->base_raw_ok = 1;
	co.verbose = 1;
	co.on_output = base_line;
	co.ud = &b;
	rc = ge_capture_packages(&s->base, status, &co, s->o->pkgs, s->o->npkgs, NULL);
	if (b.rc == 0)
		b.rc = ge_parser_finish(b.p, base_classified, &b.v);
	ge_parser_free(b.p);
	ge_buf_release(&b.v.header);
	ge_buf_release(&b.scratch);
	if (b.rc < 0) {
		s->base_raw_ok = 0;
		ge_buf_release(&s->base_raw);
		if (rc == 0)
			rc = b.rc;
	}
	return rc;
}

/* ---- a round's packages ------------------------------------------------------ */

/* Is k among keys? */
static int has_key(char *const *keys, size_t n, const char *k)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (strcmp(keys[i], k) == 0)
			return 1;
	return 0;
}

/*
 * The named packages to build this round (*names, borrowed from the graph,
 * in go list's order) and the keys of every affected package (*keys,
 * borrowed): the packages of the overlay's files and all that import them,
 * transitively.  *whole set: build everything (see the top of the file).
 */
static int round_scope(sctx *s, const char ***names, size_t *nnames, char ***keys, size_t *nkeys,
                       int *whole)
{
	sgraph *g = s->graph;
	unsigned char *hit = NULL;
	const char **nm = NULL;
	char **ks = NULL;
	size_t i, nk = 0, nn = 0, named = 0;
	int rc = 0, more = 1;
	*names = NULL;
	*keys = NULL;
	*nnames = *nkeys = 0;
	*whole = 1;
	if (!(hit = calloc(g->n + 1, 1)) || !(nm = calloc(g->n + 1, sizeof(*nm))) ||
	    !(ks = calloc(g->n + s->ov.n + 1, sizeof(*ks)))) {
		rc = oom();
		goto done;
	}
	for (i = 0; i < s->ov.n; i++) {
		char *pkg = NULL;
		if ((rc = ge_suggest__file_package(&pkg, s->mods, s->ov.real[i])) < 0)
			goto done;
		if (!pkg)
			goto done; /* outside the main modules: everything */
		if (has_key(ks, nk, pkg))
			free(pkg);
		else
			ks[nk++] = pkg;
	}
	for (i = 0; i < g->n; i++)
		hit[i] = has_key(ks, nk, g->key[i]);
	while (more) {
		size_t e;
		more = 0;
		for (e = 0; e < g->ne; e++)
			if (hit[g->eto[e]] && !hit[g->efrom[e]]) {
				size_t j;
				/* A package is hit as a whole, test variants and all. */
				for (j = 0; j < g->n; j++)
					if (!hit[j] && strcmp(g->key[j], g->key[g->efrom[e]]) == 0)
						hit[j] = 1;
				more = 1;
			}
	}
	for (i = 0; i < g->n; i++) {
		int plain = !strchr(g->name[i], ' ') && !g->testmain[i];
		if (!g->named[i] || !plain)
			continue;
		named++;
		if (hit[i])
			nm[nn++] = g->name[i];
	}
	for (i = 0; i < g->n; i++)
		if (hit[i] && !has_key(ks, nk, g->key[i])) {
			if (!(ks[nk] = ge_strdup(g->key[i]))) {
				rc = oom();
				goto done;
			}
			nk++;
		}
	if (nn == 0 || nn == named)
		goto done;
	*whole = 0;
	*names = nm;
	*nnames = nn;
	*keys = ks;
	*nkeys = nk;
	nm = NULL;
	ks = NULL;
done:
	free(hit);
	free(nm);
	ge_strv_free(ks, nk);
	return rc;
}

/* The base output's blocks of packages not among keys, as go printed them. */
static int others_text(ge_buf *out, const sctx *s, char *const *keys, size_t nkeys)
{
	const char *p = ge_buf_cstr(&s->base_raw), *end = p + s->base_raw.len;
	int keep = 0, rc = 0;
	while (p < end && rc == 0) {
		const char *le = memchr(p, '\n', (size_t)(end - p));
		size_t len;
		if (!le)
			le = end;
		len = (size_t)(le - p);
		if (len > 2 && p[0] == '#' && p[1] == ' ') {
			/* "# NAME" with NAME as go list names it ("p [p.test]"). */
			const char *rb = memchr(p, ']', len);
			size_t nl = rb ? (size_t)(rb + 1 - p - 2) : len - 2,
			       at = find_name(s->graph, p + 2, nl);
			char *k = NULL;
			if (at != (size_t)-1)
				keep = !has_key(keys, nkeys, s->graph->key[at]);
			else if ((rc = key_of(&k, p + 2, len - 2, 0)) < 0)
				break;
			else
				keep = !has_key(keys, nkeys, k);
			free(k);
		}
		/* Lines before any header are go's own: no package's output. */
		if (keep && (ge_buf_put(out, p, len) < 0 || ge_buf_putc(out, '\n') < 0))
			rc = oom();
		p = le < end ? le + 1 : le;
	}
	return rc;
}

/* Blocks of the base build's -m output at which listing the graph pays (suggest.h). */
#define SCOPE_MIN_DEFAULT 256

/*
 * Did the base build print -m output for at least min blocks of packages
 * no file of the overlay is in?  Below that the round builds everything:
 * go's cache answers those packages faster than the graph is listed.
 */
static int others_printed(const sctx *s, unsigned min)
{
	const char *p = ge_buf_cstr(&s->base_raw), *end = p + s->base_raw.len;
	unsigned n = 0;
	while (p < end && n < min) {
		const char *le = memchr(p, '\n', (size_t)(end - p));
		size_t len, i;
		if (!le)
			le = end;
		len = (size_t)(le - p);
		if (len > 2 && p[0] == '#' && p[1] == ' ') {
			char *k = NULL, *pkg = NULL;
			int mine = 0;
			if (key_of(&k, p + 2, len - 2, 1) < 0)
				return 1; /* out of memory: let the graph's load say so */
			for (i = 0; i < s->ov.n && !mine; i++) {
				if (ge_suggest__file_package(&pkg, s->mods, s->ov.real[i]) < 0) {
					free(k);
					return 1;
				}
				mine = pkg && strcmp(pkg, k) == 0;
				free(pkg);
			}
			free(k);
			n += !mine;
		}
		p = le < end ? le + 1 : le;
	}
	return n >= min;
}

/* The report of text, compiler output, read as --input reads it (with the round's sites). */
static int others_report(ge_report **out, sctx *s, const ge_buf *text)
{
	ge_buf path = GE_BUF_INIT;
	int rc, fd = -1;
	*out = NULL;
	if ((rc = ge_buf_printf(&path, "%s/others-%ld.txt", s->workdir, (long)getpid())) < 0 ||
	    (rc = ge_suggest__write_plain(s, path.ptr, ge_buf_cstr(text), text->len)) < 0)
		goto done;
	if ((fd = open(path.ptr, O_RDONLY | O_CLOEXEC)) < 0) {
		rc = ge_error_errno(GE_ERROR, "cannot read '%s'", path.ptr);
		goto done;
	}
	rc = ge_capture_input_sites(out, fd, path.ptr, s->mods, s->o->build.cwd, s->o->pkgs,
	                            s->o->npkgs, s->o->build.vendored,
	                            s->asserts == 3 ? s->asites : NULL);
done:
	if (fd >= 0)
		close(fd);
	ge_buf_release(&path);
	return rc;
}

/*
 * One round's build when only some packages need it: those packages under
 * the overlay, the others' base output read back, the two reports sorted
 * into one.  *done 0: not possible here, the caller builds everything
 * (nothing was run or counted).
 */
int ge_suggest__verify_scoped(sctx *s, ge_report **rep, int *status, ge_capture_opts *co, int *done)
{
	const char **names = NULL;
	char **keys = NULL;
	size_t nnames = 0, nkeys = 0, i;
	ge_report *part = NULL, *others = NULL;
	ge_buf text = GE_BUF_INIT;
	int rc = 0, whole = 1;
	*done = 0;
	*rep = NULL;
	if (!s->ov.n || !s->base_raw_ok)
		return 0;
	if (!s->scope_state &&
	    !others_printed(s, s->o->scope_min ? s->o->scope_min : SCOPE_MIN_DEFAULT))
		return 0; /* little -m output besides the rewritten packages': not worth a graph */
	if (!s->scope_state && (rc = graph_load(s)) < 0)
		return rc;
	if (s->scope_state < 0)
		return 0;
	if ((rc = round_scope(s, &names, &nnames, &keys, &nkeys, &whole)) < 0 || whole)
		goto done;
	/* The others first: a surprise there leaves the round to the whole build. */
	if ((rc = others_text(&text, s, keys, nkeys)) < 0)
		goto done;
	if (text.len) {
		rc = others_report(&others, s, &text);
		if (rc == GE_EBADINPUT || (rc == 0 && others->nexplain)) {
			rc = 0;
			goto fallback;
		}
		if (rc < 0)
			goto done;
	}
	ge_buf_clear(&s->out);
	rc = ge_capture_packages(&part, status, co, (char *const *)names, nnames, s->ovfile);
	if (rc == GE_EBADINPUT) {
		rc = 0;
		goto fallback;
	}
	if (rc < 0)
		goto done;
	*done = 1;
	s->res->go_runs++;
	if (!ge_suggest__exited_ok(*status))
		goto done; /* the errors in s->out are the rebuilt packages' */
	for (i = 0; others && i < others->ndiags && rc == 0; i++)
		rc = ge_report_add(part, &others->diags[i]);
	if (rc < 0)
		goto done;
	ge_report_sort(part);
	*rep = part;
	part = NULL;
	goto done;
fallback:
	/* The sites collected so far are the part's or the others': start again. */
	if (s->asserts == 3) {
		ge_cost_sites_free(s->asites);
		s->asites = NULL;
		if ((rc = ge_cost_sites_new(&s->asites)) < 0)
			goto done;
		co->sites = s->asites;
	}
done:
	ge_report_free(part);
	ge_report_free(others);
	ge_buf_release(&text);
	free(names);
	ge_strv_free(keys, nkeys);
	return rc;
}
