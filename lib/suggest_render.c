/* Output: the verified edits as a diff, JSON and SARIF. */
#include "suggest_int.h"

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

static int json_strv(ge_buf *b, char **v, size_t n)
{
	size_t i;
	int rc = ge_buf_putc(b, '[');
	for (i = 0; i < n && rc == 0; i++) {
		if (i)
			rc = ge_buf_putc(b, ',');
		if (rc == 0)
			rc = ge_buf_put_json(b, v[i]);
	}
	return rc ? rc : ge_buf_putc(b, ']');
}

static int json_field(ge_buf *b, const char *name, const char *value)
{
	int rc = ge_buf_printf(b, "\"%s\":", name);
	if (rc == 0)
		rc = value ? ge_buf_put_json(b, value) : ge_buf_puts(b, "null");
	return rc;
}

int ge_suggest_json(ge_buf *out, const ge_suggest_result *r)
{
	size_t i;
	int rc;
	rc = ge_buf_puts(out, "{\"schema\":\"goescape-suggest/1\",");
	if (rc == 0)
		rc = json_field(out, "go", r->go_version);
	if (rc == 0)
		rc = ge_buf_putc(out, ',');
	if (rc == 0)
		rc = json_field(out, "module", r->module);
	if (rc == 0)
		rc = ge_buf_printf(out,
		                   ",\n\"summary\":{\"candidates\":%zu,\"suggestions\":%zu,"
		                   "\"skipped\":%zu,\"files\":%zu,\"packages\":%zu,"
		                   "\"heap_before\":%zu,\"heap_after\":%zu,\"heap_delta\":%ld,"
		                   "\"go_invocations\":%u,\"gofmt_invocations\":%u,\"rounds\":%u,"
		                   "\"tested\":%s},\n\"suggestions\":[",
		                   r->candidates, r->nitems, r->nskipped, r->nfiles, r->packages,
		                   r->heap_before, r->heap_after,
		                   (long)r->heap_after - (long)r->heap_before, r->go_runs,
		                   r->gofmt_runs, r->rounds, r->tested ? "true" : "false");
	for (i = 0; i < r->nitems && rc == 0; i++) {
		const ge_suggestion *g = &r->items[i];
		rc = ge_buf_puts(out, i ? ",\n{" : "\n{");
		if (rc == 0)
			rc = json_field(out, "rule", g->rule);
		if (rc == 0)
			rc = ge_buf_putc(out, ',');
		if (rc == 0)
			rc = json_field(out, "package", g->package);
		if (rc == 0)
			rc = ge_buf_putc(out, ',');
		if (rc == 0)
			rc = json_field(out, "file", g->file);
		if (rc == 0)
			rc = ge_buf_printf(out, ",\"line\":%u,\"column\":%u,", g->line, g->column);
		if (rc == 0)
			rc = json_field(out, "function", g->function);
		if (rc == 0)
			rc = ge_buf_putc(out, ',');
		if (rc == 0)
			rc = json_field(out, "before", g->before);
		if (rc == 0)
			rc = ge_buf_putc(out, ',');
		if (rc == 0)
			rc = json_field(out, "after", g->after);
		if (rc == 0)
			rc = ge_buf_putc(out, ',');
		if (rc == 0)
			rc = json_field(out, "stack_buffer", g->decl);
		if (rc == 0)
			rc = ge_buf_puts(out, ",\"heap_before\":");
		if (rc == 0)
			rc = json_strv(out, g->heap_before, g->nheap_before);
		if (rc == 0)
			rc = ge_buf_puts(out, ",\"heap_after\":");
		if (rc == 0)
			rc = json_strv(out, g->heap_after, g->nheap_after);
		if (rc == 0)
			rc = ge_buf_printf(out, ",\"heap_delta\":%ld}",
			                   (long)g->nheap_after - (long)g->nheap_before);
	}
	if (rc == 0)
		rc = ge_buf_puts(out, "],\n\"skipped\":[");
	for (i = 0; i < r->nskipped && rc == 0; i++) {
		const ge_suggest_skip *k = &r->skipped[i];
		rc = ge_buf_puts(out, i ? ",\n{" : "\n{");
		if (rc == 0)
			rc = json_field(out, "rule", k->rule);
		if (rc == 0)
			rc = ge_buf_putc(out, ',');
		if (rc == 0)
			rc = json_field(out, "file", k->file);
		if (rc == 0)
			rc = ge_buf_printf(out, ",\"line\":%u,\"column\":%u,", k->line, k->column);
		if (rc == 0)
			rc = json_field(out, "reason", k->reason);
		if (rc == 0)
			rc = ge_buf_putc(out, '}');
	}
	if (rc == 0)
		rc = ge_buf_puts(out, "]}\n");
	return rc;
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
