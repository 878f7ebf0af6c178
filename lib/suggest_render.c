/* Output: the verified edits as a diff, JSON and SARIF. */
#include "suggest_int.h"

#include <cjson/cJSON.h>

#include "cost.h"

/* ---- output -------------------------------------------------------------------- */

int ge_suggest_diff(ge_buf *out, const ge_suggest_result *r, const char *prefix)
{
	ge_buf path = GE_BUF_INIT;
	size_t i;
	int rc = 0;
	for (i = 0; i < r->nfiles && rc == 0; i++) {
		ge_buf_clear(&path);
		if ((rc = ge_buf_printf(&path, "%s%s", prefix ? prefix : "", r->files[i].path)) ==
		    0)
			rc =
			    ge_udiff_write(out, path.ptr, r->files[i].old_text, r->files[i].old_len,
			                   r->files[i].new_text, r->files[i].new_len, 3);
	}
	ge_buf_release(&path);
	return rc;
}

/* name: value, or null; 0, or -1 when memory ran out. */
static int add_str(cJSON *o, const char *name, const char *value)
{
	return (value ? cJSON_AddStringToObject(o, name, value) : cJSON_AddNullToObject(o, name))
	           ? 0
	           : -1;
}

static int add_num(cJSON *o, const char *name, double v)
{
	return cJSON_AddNumberToObject(o, name, v) ? 0 : -1;
}

static int add_strv(cJSON *o, const char *name, char **v, size_t n)
{
	cJSON *a = cJSON_AddArrayToObject(o, name);
	size_t i;
	if (!a)
		return -1;
	for (i = 0; i < n; i++) {
		cJSON *s = cJSON_CreateString(v[i]);
		if (!s || !cJSON_AddItemToArray(a, s)) {
			cJSON_Delete(s);
			return -1;
		}
	}
	return 0;
}

/* An object appended to array a, or NULL. */
static cJSON *add_object(cJSON *a)
{
	cJSON *o = cJSON_CreateObject();
	if (o && !cJSON_AddItemToArray(a, o)) {
		cJSON_Delete(o);
		o = NULL;
	}
	return o;
}

/* --profile: lib/cost's "cost" object of a diagnostic, as o's "cost"; dc NULL: nothing. */
static int add_cost(cJSON *o, const ge_diag_cost *dc)
{
	ge_buf b = GE_BUF_INIT;
	cJSON *c = NULL;
	if (!dc)
		return 0;
	if (ge_cost_json_diag(&b, dc) == 0)
		c = cJSON_Parse(b.ptr);
	ge_buf_release(&b);
	if (!c || !cJSON_AddItemToObject(o, "cost", c)) {
		cJSON_Delete(c);
		return -1;
	}
	return 0;
}

/* --bench: what its function's testing.B measured, before and after (medians), or why not. */
static int add_bench(cJSON *o, const ge_suggestion *g)
{
	cJSON *b = cJSON_AddObjectToObject(o, "bench");
	if (!b)
		return 1;
	if (!g->benched)
		return add_str(b, "skipped", g->bench_skip ? g->bench_skip : "not benchmarked");
	return add_num(b, "allocs_before", g->bench_allocs[0]) ||
	       add_num(b, "allocs_after", g->bench_allocs[1]) ||
	       add_num(b, "bytes_before", g->bench_bytes[0]) ||
	       add_num(b, "bytes_after", g->bench_bytes[1]) ||
	       add_num(b, "ns_before", g->bench_ns[0]) || add_num(b, "ns_after", g->bench_ns[1]);
}

int ge_suggest_json(ge_buf *out, const ge_suggest_result *r)
{
	return ge_suggest_json_cost(out, r, NULL);
}

int ge_suggest_json_cost(ge_buf *out, const ge_suggest_result *r, const ge_diag_cost *cost)
{
	cJSON *root = cJSON_CreateObject(), *sum, *items, *skipped;
	char *text = NULL;
	size_t i;
	int bad = !root;
	bad = bad || add_str(root, "schema", "goescape-suggest/1") ||
	      add_str(root, "go", r->go_version) || add_str(root, "module", r->module) ||
	      !(sum = cJSON_AddObjectToObject(root, "summary"));
	bad = bad || add_num(sum, "candidates", (double)r->candidates) ||
	      add_num(sum, "suggestions", (double)r->nitems) ||
	      add_num(sum, "skipped", (double)r->nskipped) ||
	      add_num(sum, "files", (double)r->nfiles) ||
	      add_num(sum, "packages", (double)r->packages) ||
	      add_num(sum, "heap_before", (double)r->heap_before) ||
	      add_num(sum, "heap_after", (double)r->heap_after) ||
	      add_num(sum, "heap_delta", (double)r->heap_after - (double)r->heap_before) ||
	      add_num(sum, "go_invocations", r->go_runs) ||
	      add_num(sum, "gofmt_invocations", r->gofmt_runs) ||
	      add_num(sum, "rounds", r->rounds) ||
	      add_num(sum, "behaviour_pairs", (double)r->behaviour_pairs) ||
	      !cJSON_AddBoolToObject(sum, "tested", r->tested) ||
	      add_strv(sum, "platforms", r->platforms, r->nplatforms) ||
	      add_strv(sum, "platforms_unbuildable", r->platforms_unbuildable,
	               r->nplatforms_unbuildable) ||
	      !(items = cJSON_AddArrayToObject(root, "suggestions"));
	for (i = 0; i < r->nitems && !bad; i++) {
		const ge_suggestion *g = &r->items[i];
		cJSON *o = add_object(items);
		bad = !o || add_str(o, "rule", g->rule) || add_str(o, "package", g->package) ||
		      add_str(o, "file", g->file) || add_num(o, "line", g->line) ||
		      add_num(o, "column", g->column) || add_str(o, "function", g->function) ||
		      add_str(o, "before", g->before) || add_str(o, "after", g->after) ||
		      add_str(o, "stack_buffer", g->decl) ||
		      add_strv(o, "heap_before", g->heap_before, g->nheap_before) ||
		      add_strv(o, "heap_after", g->heap_after, g->nheap_after) ||
		      add_num(o, "heap_delta", (double)g->nheap_after - (double)g->nheap_before) ||
		      add_num(o, "allocs_before", (double)g->nheap_before) ||
		      add_num(o, "allocs_after", (double)g->nheap_after) ||
		      add_num(o, "allocs_hidden", (double)g->hidden);
		bad = bad || add_cost(o, cost ? &cost[i] : NULL);
		bad = bad || (r->benched && add_bench(o, g));
	}
	bad = bad || !(skipped = cJSON_AddArrayToObject(root, "skipped"));
	for (i = 0; i < r->nskipped && !bad; i++) {
		const ge_suggest_skip *k = &r->skipped[i];
		cJSON *o = add_object(skipped);
		bad = !o || add_str(o, "rule", k->rule) || add_str(o, "file", k->file) ||
		      add_num(o, "line", k->line) || add_num(o, "column", k->column) ||
		      add_str(o, "reason", k->reason);
	}
	if (!bad)
		bad = !(text = cJSON_PrintUnformatted(root));
	cJSON_Delete(root);
	if (bad) {
		free(text);
		return ge_error_set(GE_ENOMEM, "out of memory");
	}
	bad = ge_buf_puts(out, text) < 0 || ge_buf_putc(out, '\n') < 0;
	free(text);
	return bad ? GE_ENOMEM : 0;
}

/* Where each line of a text starts; idx[n] is the end.  malloc'd. */
static size_t *line_starts(const char *t, size_t len, size_t *n)
{
	size_t i, k = 0, cnt = 0;
	size_t *idx;
	for (i = 0; i < len; i++)
		cnt += t[i] == '\n';
	cnt += len && t[len - 1] != '\n';
	if (!(idx = malloc((cnt + 1) * sizeof(*idx))))
		return NULL;
	idx[k++] = 0;
	for (i = 0; i < len && k <= cnt; i++)
		if (t[i] == '\n' && k <= cnt)
			idx[k++] = i + 1;
	idx[cnt] = len;
	*n = cnt;
	return idx;
}

int ge_suggest_sarif(ge_buf *out, const ge_suggest_result *r, const ge_sarif_opts *o)
{
	ge_sarif_fix *fixes = NULL;
	ge_sarif_replacement *repl = NULL;
	size_t *owner = NULL, nrepl = 0, i, f;
	char **msgs = NULL;
	int rc = 0;
	if (r->nitems && (!(fixes = calloc(r->nitems, sizeof(*fixes))) ||
	                  !(msgs = calloc(2 * r->nitems, sizeof(*msgs)))))
		goto oom;
	for (i = 0; i < r->nitems; i++) {
		const ge_suggestion *s = &r->items[i];
		ge_buf m = GE_BUF_INIT, d = GE_BUF_INIT;
		if (ge_buf_printf(&m,
		                  "%s: `%s` allocates; `%s` does not (heap diagnostics on its "
		                  "lines: %zu -> %zu)",
		                  s->function && *s->function ? s->function : "package level",
		                  s->before, s->after, s->nheap_before, s->nheap_after) < 0 ||
		    ge_buf_printf(&d, "Replace `%s` with `%s`%s%s", s->before, s->after,
		                  s->decl ? " over " : "", s->decl ? s->decl : "") < 0) {
			ge_buf_release(&m);
			ge_buf_release(&d);
			goto oom;
		}
		msgs[2 * i] = ge_buf_detach(&m);
		msgs[2 * i + 1] = ge_buf_detach(&d);
		fixes[i].file = s->file;
		fixes[i].line = s->line;
		fixes[i].column = s->column;
		fixes[i].message = msgs[2 * i];
		fixes[i].description = msgs[2 * i + 1];
	}
	/* Replacements file by file, each given to one suggestion of that file. */
	for (f = 0; f < r->nfiles; f++) {
		const ge_suggest_file *sf = &r->files[f];
		uint32_t *map = NULL;
		size_t nold = 0, nnew = 0, *nidx = NULL, L;
		uint32_t prev_old = 0, prev_new = 0;
		if (ge_udiff_linemap(&map, &nold, sf->old_text, sf->old_len, sf->new_text,
		                     sf->new_len) < 0 ||
		    !(nidx = line_starts(sf->new_text, sf->new_len, &nnew))) {
			free(map);
			goto oom;
		}
		/* Walk kept lines; the gap between two kept lines is a replacement. */
		for (L = 1; L <= nold + 1; L++) {
			uint32_t nl = L <= nold ? map[L - 1] : (uint32_t)nnew + 1;
			ge_sarif_replacement *nr;
			size_t best = SIZE_MAX, k, *no;
			if (L <= nold && !nl)
				continue;
			if (L - 1 == prev_old && nl - 1 == prev_new) {
				prev_old = (uint32_t)L;
				prev_new = nl;
				continue;
			}
			nr = realloc(repl, (nrepl + 1) * sizeof(*nr));
			if (nr)
				repl = nr;
			no = nr ? realloc(owner, (nrepl + 1) * sizeof(*no)) : NULL;
			if (no)
				owner = no;
			if (!nr || !no) {
				free(map);
				free(nidx);
				goto oom;
			}
			/* Old lines (prev_old, L) became new lines (prev_new, nl). */
			repl[nrepl].start_line = prev_old + 1;
			repl[nrepl].end_line = (uint32_t)(L <= nold ? L : nold + 1);
			repl[nrepl].text = sf->new_text + nidx[prev_new];
			repl[nrepl].len = nidx[nl - 1 <= nnew ? nl - 1 : nnew] - nidx[prev_new];
			/* Its suggestion: the first one at or below the gap, else the last. */
			for (k = 0; k < r->nitems; k++) {
				if (strcmp(r->items[k].file, sf->path) != 0)
					continue;
				if (best == SIZE_MAX || r->items[k].line >= repl[nrepl].start_line)
					best = k;
				if (r->items[k].line >= repl[nrepl].start_line)
					break;
			}
			owner[nrepl++] = best;
			prev_old = (uint32_t)L;
			prev_new = nl;
		}
		free(map);
		free(nidx);
	}
	/* Each fix's replacements are a contiguous run: sort by owner, stable. */
	{
		ge_sarif_replacement *sorted = nrepl ? malloc(nrepl * sizeof(*sorted)) : NULL;
		size_t o2 = 0;
		if (nrepl && !sorted)
			goto oom;
		for (i = 0; i < r->nitems; i++) {
			size_t k, first = o2;
			for (k = 0; k < nrepl; k++)
				if (owner[k] == i)
					sorted[o2++] = repl[k];
			fixes[i].repl = sorted ? sorted + first : NULL;
			fixes[i].nrepl = o2 - first;
		}
		rc = ge_sarif_render_fixes(out, fixes, r->nitems, o);
		free(sorted);
	}
	goto done;
oom:
	rc = ge_error_set(GE_ENOMEM, "out of memory");
done:
	for (i = 0; msgs && i < 2 * r->nitems; i++)
		free(msgs[i]);
	free(msgs);
	free(fixes);
	free(repl);
	free(owner);
	return rc;
}
