/*
 * suggest --bench: a testing.B for the function of each kept rewrite, run
 * with -benchmem before and after the rewrites.  The benchmark file exists
 * only in go's -overlay (a name no file of the package has), so nothing is
 * written in the module.  The function is called through a package-level
 * variable, which the compiler does not inline, so its allocations stay
 * its own; arguments are constants of the parameters' types.
 */
#include "suggest_int.h"

#define BENCH_COUNT 5 /* runs per side; the median is reported */

typedef struct bfunc {
	size_t file;
	char *name;
	char *call; /* "(12345, \"goescape\")" */
	char *skip; /* why not, or NULL */
	double ns[2];
	double allocs[2], bytes[2];
	int done;
} bfunc;

/* A constant of type ty, or NULL when goescape cannot make one. */
static const char *value_of(const char *ty)
{
	static const struct {
		const char *ty, *v;
	} vals[] = {{"int", "12345"},    {"int8", "123"},
	            {"int16", "12345"},  {"int32", "12345"},
	            {"int64", "12345"},  {"uint", "12345"},
	            {"uint8", "123"},    {"byte", "123"},
	            {"uint16", "12345"}, {"uint32", "12345"},
	            {"uint64", "12345"}, {"uintptr", "12345"},
	            {"rune", "'g'"},     {"string", "\"goescape\""},
	            {"bool", "true"},    {"float64", "1.5"},
	            {"float32", "1.5"},  {"[]byte", "[]byte(\"goescape\")"}};
	size_t i;
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		if (strcmp(vals[i].ty, ty) == 0)
			return vals[i].v;
	return NULL;
}

/* The text of tokens [a, b] with no spaces ("[]byte", "*T"). */
static char *toks_text(const ge_gostmt_file *x, uint32_t a, uint32_t b)
{
	ge_buf t = GE_BUF_INIT;
	uint32_t k;
	for (k = a; k <= b; k++)
		if (ge_buf_put(&t, x->src + x->toks[k].off, x->toks[k].len) < 0) {
			ge_buf_release(&t);
			return NULL;
		}
	return t.ptr ? ge_buf_detach(&t) : ge_strdup("");
}

/*
 * The arguments for a call of the function declared at token k ("func"),
 * or a reason in *skip.  Parameters are "a, b int, s string" or "int,
 * string": a group's names take the type that ends it.
 */
static int synth_call(char **call, char **skip, const ge_gostmt_file *x, uint32_t k)
{
	uint32_t open = k + 2, close, p, start;
	ge_buf b = GE_BUF_INIT, why = GE_BUF_INIT;
	char *types[64];
	int named[64];
	size_t n = 0, i, anynamed = 0;
	int rc = 0;
	*call = *skip = NULL;
	if (tok_eq(x, open, "["))
		return (*skip =
		            ge_strdup("a generic function (its type arguments cannot be chosen)"))
		           ? 0
		           : oom();
	if (!tok_eq(x, open, "(") || (close = x->toks[open].match) == GE_GOX_NONE)
		return (*skip = ge_strdup("its parameters could not be read")) ? 0 : oom();
	for (start = p = open + 1; p <= close && n < 64; p++) {
		if ((tok_eq(x, p, "(") || tok_eq(x, p, "[") || tok_eq(x, p, "{")) &&
		    x->toks[p].match != GE_GOX_NONE && x->toks[p].match < close) {
			p = x->toks[p].match;
			continue;
		}
		if (!(tok_eq(x, p, ",") || p == close))
			continue;
		if (p == start)
			break; /* "()" or a trailing comma */
		/* NAME TYPE..., or TYPE... alone */
		named[n] = p - start >= 2 && x->toks[start].kind == GE_TOK_IDENT &&
		           !tok_eq(x, start + 1, ".");
		anynamed |= named[n];
		types[n] = toks_text(x, start + (uint32_t)named[n], p - 1);
		if (!types[n]) {
			rc = oom();
			goto done;
		}
		n++;
		start = p + 1;
	}
	/* With names, a lone identifier is a name whose type comes later. */
	for (i = n; i-- > 0;)
		if (anynamed && !named[i]) {
			size_t j;
			for (j = i + 1; j < n && !named[j]; j++)
				;
			free(types[i]);
			types[i] = ge_strdup(j < n ? types[j] : "?");
			if (!types[i]) {
				rc = oom();
				goto done;
			}
		}
	rc = ge_buf_putc(&b, '(');
	for (i = 0; i < n && rc == 0; i++) {
		const char *v = value_of(types[i]);
		if (!v) {
			if (ge_buf_printf(&why, "a parameter of type %s", types[i]) < 0)
				rc = oom();
			break;
		}
		rc = ge_buf_printf(&b, "%s%s", i ? ", " : "", v);
	}
	if (rc == 0 && why.len)
		*skip = ge_buf_detach(&why);
	else if (rc == 0 && (rc = ge_buf_putc(&b, ')')) == 0)
		*call = ge_buf_detach(&b);
done:
	for (i = 0; i < n; i++)
		free(types[i]);
	ge_buf_release(&b);
	ge_buf_release(&why);
	return rc < 0 ? oom() : 0;
}

/* The top-level "func NAME(" of f, or GE_GOX_NONE. */
static uint32_t find_func(const sfile *f, const char *name)
{
	const ge_gostmt_file *x = f->x;
	uint32_t k;
	for (k = 0; k + 2 < x->ntoks; k++)
		if (x->toks[k].kind == GE_TOK_KEYWORD && tok_eq(x, k, "func") &&
		    x->toks[k].stmt != GE_GOX_NONE &&
		    x->stmts[x->toks[k].stmt].kind == GE_STMT_DECL &&
		    x->stmts[x->toks[k].stmt].first == k && is_ident(x, k + 1, name))
			return k;
	return GE_GOX_NONE;
}

static int plan(sctx *s, bfunc *bf, const ge_suggestion *g)
{
	size_t fi;
	const sfile *f = NULL;
	const ge_gostmt_file *x;
	uint32_t k;
	const char *fn = g->function;
	for (fi = 0; fi < s->nfiles && strcmp(s->files[fi].rel, g->file) != 0; fi++)
		;
	if (fi == s->nfiles)
		return (bf->skip = ge_strdup("its file is not known")) ? 0 : oom();
	f = &s->files[fi];
	x = f->x;
	bf->file = fi;
	if (!fn || !*fn)
		return (bf->skip = ge_strdup("not in a function")) ? 0 : oom();
	if (!(bf->name = ge_strdup(fn)))
		return oom();
	if (strpbrk(fn, ".()[*"))
		return (bf->skip = ge_strdup("a method or a function literal (no receiver or "
		                             "enclosing call to make)"))
		           ? 0
		           : oom();
	if (x->ntoks < 2 || !tok_eq(x, 0, "package") ||
	    (x->toks[1].len > 5 &&
	     memcmp(x->src + x->toks[1].off + x->toks[1].len - 5, "_test", 5) == 0))
		return (bf->skip = ge_strdup("in an external test package")) ? 0 : oom();
	if ((k = find_func(f, fn)) == GE_GOX_NONE)
		return (bf->skip = ge_strdup("its declaration was not found")) ? 0 : oom();
	return synth_call(&bf->call, &bf->skip, x, k);
}

/* "BenchmarkGoescapeN[-P]  iters  X ns/op  Y B/op  Z allocs/op" lines of the last run. */
static void parse_bench(const sctx *s, size_t nb, double (*acc)[3], size_t *cnt)
{
	const char *p = ge_buf_cstr(&s->out);
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		unsigned long idx;
		char *q;
		if (len > 17 && strncmp(p, "BenchmarkGoescape", 17) == 0) {
			idx = strtoul(p + 17, &q, 10);
			if (idx < nb) {
				double ns = 0, by = 0, al = 0;
				const char *ns_at = strstr(q, " ns/op"), *b_at = strstr(q, " B/op"),
				           *a_at = strstr(q, " allocs/op");
				const char *lim = p + len;
				if (ns_at && ns_at < lim && b_at && b_at < lim && a_at &&
				    a_at < lim) {
					const char *t;
					for (t = ns_at; t > q && t[-1] != '\t' && t[-1] != ' '; t--)
						;
					ns = strtod(t, NULL);
					for (t = b_at; t > q && t[-1] != '\t' && t[-1] != ' '; t--)
						;
					by = strtod(t, NULL);
					for (t = a_at; t > q && t[-1] != '\t' && t[-1] != ' '; t--)
						;
					al = strtod(t, NULL);
					if (cnt[idx] < BENCH_COUNT) {
						acc[idx * BENCH_COUNT + cnt[idx]][0] = ns;
						acc[idx * BENCH_COUNT + cnt[idx]][1] = by;
						acc[idx * BENCH_COUNT + cnt[idx]][2] = al;
						cnt[idx]++;
					}
				}
			}
		}
		p += len + (e != NULL);
	}
}

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double (*acc)[3], size_t idx, size_t n, int k)
{
	double v[BENCH_COUNT] = {0};
	size_t i;
	for (i = 0; i < n; i++)
		v[i] = acc[idx * BENCH_COUNT + i][k];
	qsort(v, n, sizeof(v[0]), dcmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One package's benchmarks on one side (0 before, 1 after the rewrites). */
static int run_side(sctx *s, bfunc *bfs, size_t nb, const char *pkg, char **bench_real,
                    char **bench_backing, int side)
{
	char *argv[16];
	size_t argc = 0, i, cnt[64] = {0};
	double(*acc)[3] = calloc(nb * BENCH_COUNT, sizeof(*acc));
	int rc = 0, status = 0;
	char line[200];
	if (!acc)
		return oom();
	ge_overlay_clear(&s->ov);
	for (i = 0; i < s->nfiles && rc == 0 && side == 1; i++)
		if (s->files[i].backing && s->files[i].round_text)
			rc = ge_overlay_add(&s->ov, s->files[i].abs, s->files[i].backing);
	for (i = 0; i < s->nfiles && rc == 0; i++)
		if (bench_real[i] && strcmp(s->files[i].pkg, pkg) == 0)
			rc = ge_overlay_add(&s->ov, bench_real[i], bench_backing[i]);
	if (rc < 0 || (rc = ge_suggest__overlay_write(s)) < 0)
		goto done;
	argv[argc++] = (char *)s->o->build.go;
	argv[argc++] = (char *)"test";
	argv[argc++] = (char *)"-run=^$";
	argv[argc++] = (char *)"-bench=^BenchmarkGoescape[0-9]+$";
	argv[argc++] = (char *)"-benchmem";
	argv[argc++] = (char *)"-benchtime=100ms";
	argv[argc++] = (char *)"-count=5"; /* BENCH_COUNT */
	argv[argc++] = (char *)"-overlay";
	argv[argc++] = s->ovfile;
	argv[argc++] = (char *)pkg;
	argv[argc] = NULL;
	if ((rc = ge_suggest__run_tool(s, &status, argv, s->top)) < 0)
		goto done;
	s->res->go_runs++;
	parse_bench(s, nb, acc, cnt);
	for (i = 0; i < nb; i++) {
		bfunc *bf = &bfs[i];
		if (bf->skip || !bf->call || strcmp(s->files[bf->file].pkg, pkg) != 0)
			continue;
		if (!cnt[i]) {
			ge_buf why = GE_BUF_INIT;
			if (ge_buf_printf(&why, "go test -bench failed %s the rewrites: %s",
			                  side ? "with" : "without",
			                  ge_suggest__first_line(s, line, sizeof(line))) < 0)
				rc = oom();
			bf->skip = ge_buf_detach(&why);
			continue;
		}
		bf->ns[side] = median(acc, i, cnt[i], 0);
		bf->bytes[side] = median(acc, i, cnt[i], 1);
		bf->allocs[side] = median(acc, i, cnt[i], 2);
		bf->done |= 1 << side;
	}
done:
	free(acc);
	return rc;
}

int ge_suggest__bench(sctx *s)
{
	ge_suggest_result *r = s->res;
	bfunc *bfs = NULL;
	char **bench_real = NULL, **bench_backing = NULL;
	size_t nb = 0, i, j;
	int rc = 0;
	if (!r->nitems)
		return 0;
	if (!(bfs = calloc(r->nitems, sizeof(*bfs))) ||
	    !(bench_real = calloc(s->nfiles, sizeof(char *))) ||
	    !(bench_backing = calloc(s->nfiles, sizeof(char *)))) {
		rc = oom();
		goto done;
	}
	/* One benchmark per function (the first rewrite in it names it). */
	for (i = 0; i < r->nitems && nb < 64; i++) {
		ge_suggestion *g = &r->items[i];
		for (j = 0; j < i; j++)
			if (r->items[j].bench_index >= 0 &&
			    strcmp(r->items[j].file, g->file) == 0 && r->items[j].function &&
			    g->function && strcmp(r->items[j].function, g->function) == 0)
				break;
		if (j < i) {
			g->bench_index = r->items[j].bench_index;
			continue;
		}
		g->bench_index = (int)nb;
		if ((rc = plan(s, &bfs[nb], g)) < 0)
			goto done;
		nb++;
	}
	for (; i < r->nitems; i++)
		r->items[i].bench_index = -1;
	/* Each package's benchmark file: every planned function of it. */
	for (i = 0; i < s->nfiles && rc == 0; i++) {
		sfile *f = &s->files[i];
		ge_buf t = GE_BUF_INIT, real = GE_BUF_INIT;
		const char *slash = strrchr(f->abs, '/');
		int any = 0, seen = 0;
		for (j = 0; j < i; j++)
			seen |= bench_real[j] && strcmp(s->files[j].pkg, f->pkg) == 0;
		if (seen || !slash)
			continue;
		for (j = 0; j < nb; j++)
			any |= bfs[j].call && !bfs[j].skip &&
			       strcmp(s->files[bfs[j].file].pkg, f->pkg) == 0;
		if (!any)
			continue;
		rc = ge_buf_printf(&t, "package %.*s\n\nimport \"testing\"\n",
		                   (int)f->x->toks[1].len, f->x->src + f->x->toks[1].off);
		for (j = 0; j < nb && rc == 0; j++) {
			bfunc *bf = &bfs[j];
			if (!bf->call || bf->skip || strcmp(s->files[bf->file].pkg, f->pkg) != 0)
				continue;
			rc = ge_buf_printf(&t,
			                   "\nvar goescapeBench%zu = %s\n\n"
			                   "func BenchmarkGoescape%zu(b *testing.B) {\n"
			                   "\tfor i := 0; i < b.N; i++ {\n"
			                   "\t\tgoescapeBench%zu%s\n\t}\n}\n",
			                   j, bf->name, j, j, bf->call);
		}
		/* A name the package's directory does not have. */
		for (j = 0; rc == 0; j++) {
			struct stat st;
			ge_buf_clear(&real);
			if ((rc = ge_buf_printf(&real, "%.*s/goescape_bench%zu_test.go",
			                        (int)(slash - f->abs), f->abs, j)) < 0)
				break;
			if (lstat(real.ptr, &st) < 0 && errno == ENOENT)
				break;
		}
		if (rc == 0)
			rc = ge_suggest__write_backing(&bench_backing[i], s, real.ptr,
			                               ge_buf_cstr(&t), t.len);
		if (rc == 0)
			bench_real[i] = ge_buf_detach(&real);
		ge_buf_release(&t);
		ge_buf_release(&real);
	}
	for (i = 0; i < s->nfiles && rc == 0; i++) {
		if (!bench_real[i])
			continue;
		if (s->o->on_progress) {
			ge_buf line = GE_BUF_INIT;
			if (ge_buf_printf(&line, "goescape: suggest: benchmarking %s",
			                  s->files[i].pkg) == 0)
				s->o->on_progress(line.ptr, line.len, s->o->progress_ud);
			ge_buf_release(&line);
		}
		if ((rc = run_side(s, bfs, nb, s->files[i].pkg, bench_real, bench_backing, 0)) <
		        0 ||
		    (rc = run_side(s, bfs, nb, s->files[i].pkg, bench_real, bench_backing, 1)) < 0)
			break;
	}
	/* Into the result. */
	for (i = 0; i < r->nitems && rc == 0; i++) {
		ge_suggestion *g = &r->items[i];
		bfunc *bf;
		if (g->bench_index < 0)
			continue;
		bf = &bfs[g->bench_index];
		g->benched = bf->done == 3;
		if (g->benched) {
			g->bench_ns[0] = bf->ns[0];
			g->bench_ns[1] = bf->ns[1];
			g->bench_allocs[0] = bf->allocs[0];
			g->bench_allocs[1] = bf->allocs[1];
			g->bench_bytes[0] = bf->bytes[0];
			g->bench_bytes[1] = bf->bytes[1];
		} else if (!(g->bench_skip =
		                 ge_strdup(bf->skip ? bf->skip : "no benchmark result")))
			rc = oom();
	}
	r->benched = 1;
done:
	for (i = 0; bfs && i < nb; i++) {
		free(bfs[i].name);
		free(bfs[i].call);
		free(bfs[i].skip);
	}
	for (i = 0; i < s->nfiles; i++) {
		if (bench_real)
			free(bench_real[i]);
		if (bench_backing)
			free(bench_backing[i]);
	}
	free(bench_real);
	free(bench_backing);
	free(bfs);
	return rc;
}

int ge_suggest_bench_text(ge_buf *out, const ge_suggest_result *r)
{
	size_t i, j;
	int rc = 0;
	for (i = 0; i < r->nitems && rc == 0 && r->benched; i++) {
		const ge_suggestion *g = &r->items[i];
		for (j = 0; j < i && r->items[j].bench_index != g->bench_index; j++)
			;
		if (g->bench_index < 0 || j < i)
			continue; /* one line per function */
		if (g->benched)
			rc = ge_buf_printf(
			    out,
			    "goescape: bench: %s %s: %g -> %g allocs/op, %g -> %g B/op, "
			    "%.1f -> %.1f ns/op\n",
			    g->package ? g->package : "?", g->function, g->bench_allocs[0],
			    g->bench_allocs[1], g->bench_bytes[0], g->bench_bytes[1],
			    g->bench_ns[0], g->bench_ns[1]);
		else
			rc = ge_buf_printf(out, "goescape: bench: %s %s: not benchmarked: %s\n",
			                   g->package ? g->package : "?",
			                   g->function ? g->function : "?",
			                   g->bench_skip ? g->bench_skip : "?");
	}
	return rc;
}
