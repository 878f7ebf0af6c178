/*
 * lib/cost's output: the JSON pieces, the ranked text, the report JSON with
 * costs, check's failing count and the sizes a person types and reads.
 * Everything here reads a finished ge_cost (lib/cost.c makes it) and
 * touches no profile.
 */
#include "cost.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Sums wrap instead of overflowing, as in the join. */
static int64_t add64(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a + (uint64_t)b);
}

/* ---- output pieces ---- */

static int put_str_or_null(ge_buf *out, const char *s)
{
	return s ? ge_buf_put_json(out, s) : ge_buf_puts(out, "null");
}

int ge_cost_json_profile(ge_buf *out, const ge_cost *c, const char *file, const char *sha256)
{
	size_t i;
	if (ge_buf_puts(out, "{\"file\": ") < 0 || ge_buf_put_json(out, file) < 0 ||
	    ge_buf_puts(out, ", \"sha256\": ") < 0 || put_str_or_null(out, sha256) < 0 ||
	    ge_buf_puts(out, ", \"sample_type\": ") < 0 ||
	    ge_buf_put_json(out, c->sample_type) < 0 || ge_buf_puts(out, ", \"commit\": ") < 0 ||
	    put_str_or_null(out, c->commit) < 0 ||
	    ge_buf_printf(out, ", \"period\": %" PRId64 ", \"period_unit\": ", c->period) < 0 ||
	    ge_buf_put_json(out, c->period_unit) < 0 ||
	    ge_buf_printf(out,
	                  ", \"total_bytes\": %" PRId64 ", \"total_objects\": %" PRId64
	                  ", \"matched_bytes\": %" PRId64 ", \"via_bytes\": %" PRId64
	                  ", \"hot_bytes\": %" PRId64 ", \"unmatched_bytes\": %" PRId64
	                  ", \"changed_bytes\": %" PRId64
	                  ", \"inline_sites\": {\"checked\": %zu, \"agree\": %zu}"
	                  ", \"start_lines\": {\"checked\": %zu, \"agree\": %zu}, \"warnings\": [",
	                  c->total_bytes, c->total_objects, c->matched_bytes, c->via_bytes,
	                  c->hot_bytes, c->unmatched_bytes, c->changed_bytes, c->inline_checked,
	                  c->inline_agree, c->start_checked, c->start_agree) < 0)
		return GE_ENOMEM;
	for (i = 0; i < c->nwarnings; i++)
		if ((i && ge_buf_puts(out, ", ") < 0) || ge_buf_put_json(out, c->warnings[i]) < 0)
			return GE_ENOMEM;
	return ge_buf_puts(out, "]}") < 0 ? GE_ENOMEM : 0;
}

int ge_cost_json_diag(ge_buf *out, const ge_diag_cost *dc)
{
	if (ge_buf_printf(out,
	                  "{\"bytes\": %" PRId64 ", \"objects\": %" PRId64 ", \"share\": %.4f"
	                  ", \"via_bytes\": %" PRId64 ", \"via_callee\": ",
	                  dc->bytes, dc->objects, dc->share, dc->via_bytes) < 0 ||
	    put_str_or_null(out, dc->via_callee) < 0 ||
	    ge_buf_printf(out, ", \"line_shared\": %s}", dc->line_shared ? "true" : "false") < 0)
		return GE_ENOMEM;
	return 0;
}

int ge_cost_json_hot_sites(ge_buf *out, const ge_cost *c, size_t max)
{
	size_t i, n = max && max < c->nhot ? max : c->nhot;
	if (ge_buf_putc(out, '[') < 0)
		return GE_ENOMEM;
	for (i = 0; i < n; i++) {
		const ge_hot_site *h = &c->hot[i];
		if (ge_buf_puts(out, i ? ",\n  {\"file\": " : "\n  {\"file\": ") < 0 ||
		    ge_buf_put_json(out, h->file) < 0 ||
		    ge_buf_printf(out, ", \"line\": %u, \"function\": ", h->line) < 0 ||
		    ge_buf_put_json(out, h->function) < 0 ||
		    ge_buf_printf(out,
		                  ", \"bytes\": %" PRId64 ", \"objects\": %" PRId64
		                  ", \"share\": %.4f, \"via_bytes\": %" PRId64 ", \"via_callee\": ",
		                  h->bytes, h->objects, h->share, h->via_bytes) < 0 ||
		    put_str_or_null(out, h->via_callee) < 0 ||
		    ge_buf_puts(out, ", \"compiler\": ") < 0 || put_str_or_null(out, h->note) < 0 ||
		    ge_buf_putc(out, '}') < 0)
			return GE_ENOMEM;
	}
	return ge_buf_puts(out, n ? "\n]" : "]") < 0 ? GE_ENOMEM : 0;
}

void ge_cost_human_bytes(char out[32], int64_t bytes)
{
	static const char *const units[] = {"kB", "MB", "GB", "TB", "PB", "EB"};
	double v = (double)bytes;
	int u = -1;
	if (bytes > -1024 && bytes < 1024) {
		snprintf(out, 32, "%" PRId64 " B", bytes);
		return;
	}
	while ((v >= 1024 || v <= -1024) && u < 5) {
		v /= 1024;
		u++;
	}
	snprintf(out, 32, "%.1f %s", v, units[u]);
}

/* ---- what the CLI calls ---------------------------------------------------- */

int ge_cost_parse_bytes(int64_t *out, const char *s, const char *what)
{
	char *end = NULL;
	long long v;
	int shift = 0;
	*out = 0;
	if (!s || !(*s >= '0' && *s <= '9'))
		goto bad;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno)
		goto bad;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10, end++;
		break;
	case 'm':
	case 'M':
		shift = 20, end++;
		break;
	case 'g':
	case 'G':
		shift = 30, end++;
		break;
	default:
		break;
	}
	if (shift && *end == 'i')
		end++;
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end || v < 0 || v > (INT64_MAX >> 30))
		goto bad;
	*out = (int64_t)v << shift;
	return 0;
bad:
	return ge_error_set(GE_EUSAGE, "%s wants a size in bytes (1000, 64K, 1M, 2G), not '%s'",
	                    what, s ? s : "");
}

/* Heap diagnostic indices by bytes (largest first), then file, line, column. */
typedef struct ranked {
	const ge_diag *d;
	const ge_diag_cost *dc;
} ranked;

static int cmp_ranked(const void *pa, const void *pb)
{
	const ranked *a = pa, *b = pb;
	int c;
	if (a->dc->bytes != b->dc->bytes)
		return a->dc->bytes > b->dc->bytes ? -1 : 1;
	if ((c = strcmp(a->d->file, b->d->file)) != 0)
		return c;
	if (a->d->line != b->d->line)
		return a->d->line < b->d->line ? -1 : 1;
	return a->d->column < b->d->column ? -1 : a->d->column > b->d->column;
}

static int put_share(ge_buf *out, double share)
{
	double pct = share * 100;
	if (pct > 0 && pct < 1)
		return ge_buf_puts(out, "  <1%");
	return ge_buf_printf(out, "%4.0f%%", pct);
}

int ge_cost_text(ge_buf *out, const ge_report *r, const ge_cost *c, size_t top, int only_new)
{
	ranked *v = NULL;
	size_t i, n = 0, shown = 0, free_ = 0;
	char h[32];
	int rc = 0;
	if (r->ndiags && !(v = calloc(r->ndiags, sizeof(*v))))
		return ge_error_set(GE_ENOMEM, "out of memory");
	for (i = 0; i < r->ndiags && i < c->ndiags; i++) {
		const ge_diag *d = &r->diags[i];
		if (!ge_kind_is_heap(d->kind) || (only_new && d->status != GE_STATUS_NEW))
			continue;
		if (c->diags[i].bytes <= 0 && !only_new) { /* a check lists every new one */
			free_++;
			continue;
		}
		v[n].d = d;
		v[n++].dc = &c->diags[i];
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_ranked);
	rc |= ge_buf_printf(out, "%sheap escapes by bytes (%s):\n", only_new ? "new " : "",
	                    c->sample_type);
	for (i = 0; i < n && (!top || shown < top) && rc == 0; i++, shown++) {
		const ge_diag *d = v[i].d;
		const ge_diag_cost *dc = v[i].dc;
		ge_cost_human_bytes(h, dc->bytes);
		rc |= ge_buf_printf(out, "%10s  ", h);
		rc |= put_share(out, dc->share);
		rc |= ge_buf_printf(out, "  %s:%u  %s  %s", d->file, d->line,
		                    d->function && *d->function ? d->function : "(package)",
		                    d->message);
		if (dc->via_callee) {
			ge_cost_human_bytes(h, dc->via_bytes);
			rc |= ge_buf_printf(out, " (%s via %s)", h, dc->via_callee);
		}
		if (dc->line_shared)
			rc |= ge_buf_puts(out, " [line shared]");
		rc |= ge_buf_putc(out, '\n');
	}
	if (n > shown)
		rc |= ge_buf_printf(out, "  ... %zu more (--top)\n", n - shown);
	if (free_)
		rc |= ge_buf_printf(out, "  %zu heap escape%s with no bytes in this profile\n",
		                    free_, free_ == 1 ? "" : "s");
	if (c->nhot) {
		size_t nh = top && top < c->nhot ? top : c->nhot;
		rc |= ge_buf_puts(out, "\nhot lines with no heap escape:\n");
		for (i = 0; i < nh && rc == 0; i++) {
			const ge_hot_site *hs = &c->hot[i];
			ge_cost_human_bytes(h, hs->bytes);
			rc |= ge_buf_printf(out, "%10s  ", h);
			rc |= put_share(out, hs->share);
			rc |= ge_buf_printf(out, "  %s:%u  %s", hs->file, hs->line,
			                    hs->function && *hs->function ? hs->function
			                                                  : "(package)");
			if (hs->note)
				rc |= ge_buf_printf(out, "  (%s)", hs->note);
			if (hs->via_callee)
				rc |= ge_buf_printf(out, "  via %s", hs->via_callee);
			rc |= ge_buf_putc(out, '\n');
		}
		if (c->nhot > nh)
			rc |= ge_buf_printf(out, "  ... %zu more\n", c->nhot - nh);
	}
	ge_cost_human_bytes(h, c->total_bytes);
	rc |= ge_buf_printf(out, "\nprofile: %s in %" PRId64 " objects", h, c->total_objects);
	if (c->total_bytes > 0) {
		double t = (double)c->total_bytes;
		rc |= ge_buf_printf(out,
		                    "; %.0f%% on heap escapes (%.0f%% via callees), %.0f%% on "
		                    "other module lines, %.0f%% outside the module\n",
		                    100.0 * (double)(c->matched_bytes + c->via_bytes) / t,
		                    100.0 * (double)c->via_bytes / t,
		                    100.0 * (double)c->hot_bytes / t,
		                    100.0 * (double)c->unmatched_bytes / t);
	} else {
		rc |= ge_buf_putc(out, '\n');
	}
	free(v);
	return rc ? ge_error_set(GE_ENOMEM, "out of memory") : 0;
}

static int json_diag_extra(ge_buf *out, size_t i, void *ud)
{
	const ge_cost *c = ud;
	if (i >= c->ndiags)
		return 0;
	if (ge_buf_puts(out, ",\"cost\":") < 0)
		return GE_ENOMEM;
	return ge_cost_json_diag(out, &c->diags[i]);
}

int ge_cost_report_json(ge_buf *out, const ge_report *r, const ge_cost *c, const char *file,
                        const char *sha256, size_t top)
{
	ge_buf extra = GE_BUF_INIT;
	int rc = 0;
	if (ge_buf_puts(&extra, ",\n  \"profile\": ") < 0 ||
	    ge_cost_json_profile(&extra, c, file, sha256) < 0 ||
	    ge_buf_puts(&extra, ",\n  \"hot_sites\": ") < 0 ||
	    ge_cost_json_hot_sites(&extra, c, top) < 0)
		rc = ge_error_set(GE_ENOMEM, "out of memory");
	else
		rc = ge_report_to_json_extra(out, r, json_diag_extra, ge_buf_cstr(&extra),
		                             (void *)c);
	ge_buf_release(&extra);
	return rc;
}

size_t ge_cost_failing(const ge_report *r, const ge_cost *c, const int fail_on[3],
                       int64_t min_bytes, double min_share)
{
	size_t i, n = 0;
	for (i = 0; i < r->ndiags; i++) {
		const ge_diag *d = &r->diags[i];
		if (d->status != GE_STATUS_NEW || !fail_on[d->kind])
			continue;
		if ((min_bytes > 0 || min_share > 0) &&
		    (i >= c->ndiags || c->diags[i].bytes < min_bytes ||
		     c->diags[i].share < min_share || c->diags[i].bytes <= 0))
			continue;
		n += ge_diag_count(d);
	}
	return n;
}

int ge_cost_rank_text(ge_buf *out, const ge_cost *c, const size_t *order, const ge_cost_pos *pos,
                      size_t n, size_t top)
{
	size_t k, shown = 0, i;
	int64_t sum = 0;
	char h[32];
	int rc = 0;
	rc |= ge_buf_printf(out, "rewrites by the bytes they remove (%s):\n", c->sample_type);
	for (k = 0; k < n && k < c->ndiags; k++) {
		const ge_diag_cost *dc = &c->diags[order[k]];
		size_t j = 0;
		i = order[k];
		/* A line counts once in the sum, whatever shares it. */
		if (dc->line_shared)
			for (j = 0; j < k; j++)
				if (pos[order[j]].line == pos[i].line &&
				    strcmp(pos[order[j]].file, pos[i].file) == 0)
					break;
		if (!dc->line_shared || j == k)
			sum = add64(sum, dc->bytes);
		if (top && shown >= top)
			continue;
		shown++;
		ge_cost_human_bytes(h, dc->bytes);
		rc |= ge_buf_printf(out, "%10s  ", h);
		rc |= put_share(out, dc->share);
		rc |= ge_buf_printf(out, "  %s:%u  %s", pos[i].file, pos[i].line,
		                    pos[i].label ? pos[i].label : "");
		if (dc->via_callee) {
			ge_cost_human_bytes(h, dc->via_bytes);
			rc |= ge_buf_printf(out, " (%s via %s)", h, dc->via_callee);
		}
		if (dc->line_shared)
			rc |= ge_buf_puts(out, " [line shared]");
		rc |= ge_buf_putc(out, '\n');
	}
	if (n > shown)
		rc |= ge_buf_printf(out, "  ... %zu more (--top)\n", n - shown);
	ge_cost_human_bytes(h, sum);
	rc |= ge_buf_printf(out, "%s of the profile's ", h);
	ge_cost_human_bytes(h, c->total_bytes);
	rc |= ge_buf_printf(out, "%s on the rewritten lines\n", h);
	return rc ? ge_error_set(GE_ENOMEM, "out of memory") : 0;
}
