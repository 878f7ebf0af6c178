/*
 * lib/log_html: `goescape log --html`, one self-contained page.
 *
 * The page holds inline CSS and inline SVG drawn here, and no script: the
 * tables read without JavaScript, the charts' hover text is SVG <title>,
 * and nothing refers to anything outside the file (no links, no fonts, no
 * images, no url() in CSS), so it works from file:// and as a CI
 * artifact.  Colours are the Okabe-Ito palette, which colour-blind
 * readers tell apart, and every series is also named in a legend and
 * drawn with its own dash pattern.
 *
 * Every string from the repository (subjects, authors, packages, files,
 * functions, messages) goes through ge_log_html_escape.
 */
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Okabe-Ito */
#define C_TOTAL   "#000000"
#define C_ESCAPES "#E69F00"
#define C_MOVED   "#0072B2"
#define C_NEW     "#D55E00"
#define C_FIXED   "#009E73"

int ge_log_html_escape(ge_buf *out, const char *s)
{
	int rc = 0;
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '&':
			rc |= ge_buf_puts(out, "&amp;");
			break;
		case '<':
			rc |= ge_buf_puts(out, "&lt;");
			break;
		case '>':
			rc |= ge_buf_puts(out, "&gt;");
			break;
		case '"':
			rc |= ge_buf_puts(out, "&quot;");
			break;
		case '\'':
			rc |= ge_buf_puts(out, "&#39;");
			break;
		default:
			if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
				rc |= ge_buf_puts(out, "&#xFFFD;");
			else
				rc |= ge_buf_putc(out, (char)c);
		}
	}
	return rc < 0 ? GE_ENOMEM : 0;
}

static void day(char out[16], int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(out, 16, "%Y-%m-%d", &tm))
		snprintf(out, 16, "?");
}

/* A step of 1, 2 or 5 times a power of ten giving at most 6 ticks up to max. */
static size_t tick_step(size_t max)
{
	size_t step = 1;
	for (;;) {
		if (max / step <= 5)
			return step;
		if (max / (step * 2) <= 5)
			return step * 2;
		if (max / (step * 5) <= 5)
			return step * 5;
		step *= 10;
	}
}

typedef struct chart {
	double x0, y0, w, h; /* the plot area */
	size_t n;            /* commits, oldest at x0 */
	size_t ymax;
} chart;

static double cx(const chart *c, size_t j)
{
	return c->n < 2 ? c->x0 + c->w / 2 : c->x0 + c->w * (double)j / (double)(c->n - 1);
}

static double cy(const chart *c, size_t v)
{
	return c->y0 + c->h - (c->ymax ? c->h * (double)v / (double)c->ymax : 0);
}

/* The entry drawn at column j (oldest first). */
static const ge_log_entry *col(const ge_log *l, size_t j)
{
	return &l->v[l->n - 1 - j];
}

typedef size_t (*value_fn)(const ge_log_entry *e, const void *ud);

static size_t v_heap(const ge_log_entry *e, const void *ud)
{
	(void)ud;
	return e->heap;
}
static size_t v_moved(const ge_log_entry *e, const void *ud)
{
	(void)ud;
	return e->moved;
}
static size_t v_escapes(const ge_log_entry *e, const void *ud)
{
	(void)ud;
	return e->escapes;
}
/* ud: the package's name */
static size_t v_pkg(const ge_log_entry *e, const void *ud)
{
	size_t lo = 0, hi = e->npkgs;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(e->pkgs[mid].package, (const char *)ud);
		if (c == 0)
			return e->pkgs[mid].heap;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* One series as a path broken at every commit without a note. */
static int series(ge_buf *b, const ge_log *l, const chart *c, value_fn f, const void *ud,
                  const char *color, const char *dash, double width)
{
	size_t j;
	int rc = 0, pen = 0;
	rc |= ge_buf_printf(b, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\"%s%s%s d=\"",
	                    color, width, dash ? " stroke-dasharray=\"" : "", dash ? dash : "",
	                    dash ? "\"" : "");
	for (j = 0; j < c->n; j++) {
		const ge_log_entry *e = col(l, j);
		if (!e->has_note) {
			pen = 0;
			continue;
		}
		rc |= ge_buf_printf(b, "%c%.1f %.1f ", pen ? 'L' : 'M', cx(c, j), cy(c, f(e, ud)));
		pen = 1;
	}
	rc |= ge_buf_puts(b, "\"/>\n");
	/* A point per commit, so that a lone commit between two gaps shows. */
	for (j = 0; j < c->n; j++) {
		const ge_log_entry *e = col(l, j);
		if (e->has_note)
			rc |= ge_buf_printf(
			    b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"/>\n",
			    cx(c, j), cy(c, f(e, ud)), width + 0.8, color);
	}
	return rc;
}

/* The grey band and "no note" mark behind each commit without a note. */
static int gaps(ge_buf *b, const ge_log *l, const chart *c, int label)
{
	double step = c->n < 2 ? c->w : c->w / (double)(c->n - 1);
	size_t j;
	int rc = 0;
	for (j = 0; j < c->n; j++) {
		if (col(l, j)->has_note)
			continue;
		rc |= ge_buf_printf(b,
		                    "<rect class=\"gap\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		                    "height=\"%.1f\"/>\n",
		                    cx(c, j) - step / 2, c->y0, step, c->h);
		if (label)
			rc |= ge_buf_printf(b,
			                    "<text class=\"gapl\" x=\"%.1f\" y=\"%.1f\" "
			                    "text-anchor=\"middle\">no note</text>\n",
			                    cx(c, j), c->y0 + 12);
	}
	return rc;
}

static int commit_title(ge_buf *b, const ge_log_entry *e)
{
	char d[16];
	int rc = 0;
	day(d, e->time);
	rc |= ge_buf_printf(b, "<title>%.7s %s ", e->commit, d);
	rc |= ge_log_html_escape(b, e->subject);
	if (e->has_note)
		rc |= ge_buf_printf(b, ": heap %zu (escapes %zu, moved %zu)", e->heap, e->escapes,
		                    e->moved);
	else
		rc |= ge_buf_puts(b, ": no note");
	rc |= ge_buf_puts(b, "</title>");
	return rc;
}

static int trend_chart(ge_buf *b, const ge_log *l)
{
	chart c = {70, 30, 860, 230, l->n, 0};
	size_t j, v, step, label_every;
	int rc = 0;
	for (j = 0; j < l->n; j++)
		if (l->v[j].has_note && l->v[j].heap > c.ymax)
			c.ymax = l->v[j].heap;
	step = tick_step(c.ymax);
	c.ymax = c.ymax ? (c.ymax + step - 1) / step * step : 1;
	rc |= ge_buf_puts(b, "<svg class=\"chart\" viewBox=\"0 0 960 360\" role=\"img\" "
	                     "aria-labelledby=\"trend-t\"><title id=\"trend-t\">Heap escapes per "
	                     "commit, oldest to newest</title>\n");
	rc |= gaps(b, l, &c, l->n <= 40);
	for (v = 0; v <= c.ymax; v += step) {
		rc |= ge_buf_printf(b,
		                    "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" "
		                    "y2=\"%.1f\"/><text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
		                    "text-anchor=\"end\">%zu</text>\n",
		                    c.x0, c.x0 + c.w, cy(&c, v), cy(&c, v), c.x0 - 6, cy(&c, v) + 4,
		                    v);
	}
	rc |= ge_buf_printf(
	    b,
	    "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>"
	    "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n",
	    c.x0, c.x0, c.y0, c.y0 + c.h, c.x0, c.x0 + c.w, c.y0 + c.h, c.y0 + c.h);
	label_every = l->n <= 40 ? 1 : (l->n + 39) / 40;
	for (j = 0; j < l->n; j++) {
		const ge_log_entry *e = col(l, j);
		if (j % label_every && j + 1 != l->n)
			continue;
		rc |= ge_buf_printf(b,
		                    "<text class=\"tick sha\" transform=\"translate(%.1f %.1f) "
		                    "rotate(-55)\" text-anchor=\"end\">%.7s",
		                    cx(&c, j) + 3, c.y0 + c.h + 12, e->commit);
		rc |= commit_title(b, e);
		rc |= ge_buf_puts(b, "</text>\n");
	}
	rc |= series(b, l, &c, v_heap, NULL, C_TOTAL, NULL, 2.0);
	rc |= series(b, l, &c, v_escapes, NULL, C_ESCAPES, "6 3", 2.0);
	rc |= series(b, l, &c, v_moved, NULL, C_MOVED, "2 2", 2.0);
	/* Hover targets over the whole column. */
	for (j = 0; j < l->n; j++) {
		double w = l->n < 2 ? c.w : c.w / (double)(l->n - 1);
		rc |= ge_buf_printf(b,
		                    "<rect class=\"hover\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		                    "height=\"%.1f\">",
		                    cx(&c, j) - w / 2, c.y0, w, c.h);
		rc |= commit_title(b, col(l, j));
		rc |= ge_buf_puts(b, "</rect>\n");
	}
	rc |= ge_buf_printf(
	    b,
	    "<text class=\"label\" transform=\"translate(18 %.1f) rotate(-90)\" "
	    "text-anchor=\"middle\">heap escapes (allocation sites)</text>\n"
	    "<text class=\"label\" x=\"%.1f\" y=\"354\" text-anchor=\"middle\">commit "
	    "(oldest to newest)</text>\n",
	    c.y0 + c.h / 2, c.x0 + c.w / 2);
	/* The legend, above the plot on the right. */
	rc |= ge_buf_printf(b,
	                    "<g class=\"legend\" transform=\"translate(%.1f 8)\">"
	                    "<line x1=\"0\" x2=\"24\" y1=\"8\" y2=\"8\" stroke=\"" C_TOTAL
	                    "\" stroke-width=\"2\"/><text x=\"30\" y=\"12\">heap (total)</text>"
	                    "<line x1=\"130\" x2=\"154\" y1=\"8\" y2=\"8\" stroke=\"" C_ESCAPES
	                    "\" stroke-width=\"2\" stroke-dasharray=\"6 3\"/><text x=\"160\" "
	                    "y=\"12\">escapes to heap</text>"
	                    "<line x1=\"290\" x2=\"314\" y1=\"8\" y2=\"8\" stroke=\"" C_MOVED
	                    "\" stroke-width=\"2\" stroke-dasharray=\"2 2\"/><text x=\"320\" "
	                    "y=\"12\">moved to heap</text>"
	                    "<rect class=\"gap\" x=\"430\" y=\"0\" width=\"16\" height=\"14\"/>"
	                    "<text x=\"452\" y=\"12\">no note (gap)</text></g>\n",
	                    c.x0 + c.w - 540);
	rc |= ge_buf_puts(b, "</svg>\n");
	return rc;
}

/* Every package of the range, the largest (most heap escapes at any commit) first. */
typedef struct pkg_row {
	const char *package;
	size_t max, min, first, last;
	int seen_first, seen_last;
} pkg_row;

static int cmp_row(const void *a, const void *b)
{
	const pkg_row *x = a, *y = b;
	if (x->max != y->max)
		return x->max < y->max ? 1 : -1;
	return strcmp(x->package, y->package);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int collect_packages(pkg_row **out, size_t *nout, const ge_log *l)
{
	const char **all = NULL;
	pkg_row *rows = NULL;
	size_t n = 0, total = 0, i, k, r;
	*out = NULL;
	*nout = 0;
	for (i = 0; i < l->n; i++)
		total += l->v[i].npkgs;
	if (!total)
		return 0;
	if (!(all = calloc(total, sizeof(*all))) || !(rows = calloc(total, sizeof(*rows)))) {
		free(all);
		return ge_error_set(GE_ENOMEM, "out of memory");
	}
	for (i = 0, k = 0; i < l->n; i++)
		for (r = 0; r < l->v[i].npkgs; r++)
			all[k++] = l->v[i].pkgs[r].package;
	qsort(all, total, sizeof(*all), cmp_str);
	for (k = 0; k < total; k++)
		if (!n || strcmp(rows[n - 1].package, all[k]) != 0)
			rows[n++].package = all[k];
	free(all);
	for (r = 0; r < n; r++) {
		rows[r].min = (size_t)-1;
		for (i = l->n; i-- > 0;) { /* oldest first */
			const ge_log_entry *e = &l->v[i];
			size_t v;
			if (!e->has_note)
				continue;
			v = v_pkg(e, rows[r].package);
			if (!rows[r].seen_first) {
				rows[r].first = v;
				rows[r].seen_first = 1;
			}
			rows[r].last = v;
			rows[r].seen_last = 1;
			if (v > rows[r].max)
				rows[r].max = v;
			if (v < rows[r].min)
				rows[r].min = v;
		}
		if (rows[r].min == (size_t)-1)
			rows[r].min = 0;
	}
	qsort(rows, n, sizeof(*rows), cmp_row);
	*out = rows;
	*nout = n;
	return 0;
}

#define MULTIPLES_MAX 24

static int small_multiples(ge_buf *b, const ge_log *l, const pkg_row *rows, size_t nrows)
{
	size_t r, shown = nrows < MULTIPLES_MAX ? nrows : MULTIPLES_MAX;
	int rc = 0;
	rc |= ge_buf_puts(b, "<div class=\"multiples\">\n");
	for (r = 0; r < shown; r++) {
		chart c = {34, 8, 190, 62, l->n, rows[r].max ? rows[r].max : 1};
		rc |= ge_buf_puts(b, "<figure class=\"multiple\"><figcaption>");
		rc |= ge_log_html_escape(b, rows[r].package);
		rc |= ge_buf_printf(b, " <span class=\"num\">%zu &#8594; %zu</span></figcaption>\n",
		                    rows[r].first, rows[r].last);
		rc |= ge_buf_puts(b, "<svg viewBox=\"0 0 232 92\" role=\"img\"><title>");
		rc |= ge_log_html_escape(b, rows[r].package);
		rc |= ge_buf_printf(b, ": heap escapes per commit, %zu at most</title>\n",
		                    rows[r].max);
		rc |= gaps(b, l, &c, 0);
		rc |= ge_buf_printf(b,
		                    "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" "
		                    "y2=\"%.1f\"/><line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" "
		                    "y1=\"%.1f\" y2=\"%.1f\"/>\n"
		                    "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
		                    "text-anchor=\"end\">%zu</text><text class=\"tick\" x=\"%.1f\" "
		                    "y=\"%.1f\" text-anchor=\"end\">0</text>\n"
		                    "<text class=\"tick\" x=\"%.1f\" y=\"88\">oldest</text><text "
		                    "class=\"tick\" x=\"%.1f\" y=\"88\" "
		                    "text-anchor=\"end\">newest</text>\n",
		                    c.x0, c.x0, c.y0, c.y0 + c.h, c.x0, c.x0 + c.w, c.y0 + c.h,
		                    c.y0 + c.h, c.x0 - 4, c.y0 + 8, c.ymax, c.x0 - 4, c.y0 + c.h,
		                    c.x0, c.x0 + c.w);
		rc |= series(b, l, &c, v_pkg, rows[r].package, C_MOVED, NULL, 1.5);
		rc |= ge_buf_puts(b, "</svg></figure>\n");
	}
	rc |= ge_buf_puts(b, "</div>\n");
	if (nrows > shown)
		rc |= ge_buf_printf(b,
		                    "<p class=\"note\">The %zu smaller packages are in the table "
		                    "below.</p>\n",
		                    nrows - shown);
	return rc;
}

static int package_table(ge_buf *b, const ge_log *l, const pkg_row *rows, size_t nrows)
{
	size_t r;
	int rc = 0;
	(void)l;
	rc |= ge_buf_puts(
	    b, "<table><thead><tr><th>package</th><th class=\"num\">oldest "
	       "note</th><th class=\"num\">newest note</th><th class=\"num\">change</th>"
	       "<th class=\"num\">min</th><th class=\"num\">max</th></tr></thead><tbody>\n");
	for (r = 0; r < nrows; r++) {
		const pkg_row *p = &rows[r];
		long long d = (long long)p->last - (long long)p->first;
		rc |= ge_buf_puts(b, "<tr><td class=\"pkg\">");
		rc |= ge_log_html_escape(b, p->package);
		rc |= ge_buf_printf(b,
		                    "</td><td class=\"num\">%zu</td><td class=\"num\">%zu</td><td "
		                    "class=\"num %s\">%s%lld</td><td class=\"num\">%zu</td><td "
		                    "class=\"num\">%zu</td></tr>\n",
		                    p->first, p->last,
		                    d > 0   ? "up"
		                    : d < 0 ? "down"
		                            : "",
		                    d > 0 ? "+" : "", d, p->min, p->max);
	}
	rc |= ge_buf_puts(b, "</tbody></table>\n");
	return rc;
}

static int how_to_fill(ge_buf *b, const ge_log *l, size_t missing)
{
	if (!missing)
		return 0;
	return ge_buf_printf(
	    b,
	    "<p class=\"fill\">%zu of %zu commits have no stored report and are "
	    "shown as gaps, not zeros. Fill them with <code>goescape log --build -n "
	    "%zu</code>, or one at a time with <code>goescape report --commit "
	    "REV</code>.</p>\n",
	    missing, l->n, l->n);
}

static int totals(ge_buf *b, const ge_log *l, size_t npkgs)
{
	const ge_log_entry *h = l->n ? &l->v[0] : NULL;
	int rc = 0;
	if (!h)
		return ge_buf_puts(b, "<p>No commits in the range.</p>\n");
	rc |= ge_buf_printf(b, "<h2>Newest commit <code>%.7s</code></h2>\n", h->commit);
	if (!h->has_note) {
		rc |= ge_buf_printf(b,
		                    "<p class=\"fill\">It has no stored report: run <code>goescape "
		                    "report --commit %.12s</code> or <code>goescape log "
		                    "--build</code>.</p>\n",
		                    h->commit);
		return rc;
	}
	rc |=
	    ge_buf_printf(b,
	                  "<div class=\"cards\">"
	                  "<div class=\"card\"><span class=\"big\" id=\"head-heap\">%zu</span>heap "
	                  "escapes</div>"
	                  "<div class=\"card\"><span class=\"big\">%zu</span>escapes to heap</div>"
	                  "<div class=\"card\"><span class=\"big\">%zu</span>moved to heap</div>"
	                  "<div class=\"card\"><span class=\"big\">%zu</span>packages with heap "
	                  "escapes</div>",
	                  h->heap, h->escapes, h->moved, h->npkgs);
	(void)npkgs;
	if (h->compared)
		rc |= ge_buf_printf(
		    b,
		    "<div class=\"card\"><span class=\"big\"><span class=\"up\">+%zu"
		    "</span> <span class=\"down\">&#8722;%zu</span></span>against its "
		    "parent</div>",
		    h->new_, h->fixed);
	rc |= ge_buf_puts(b, "</div>\n<p class=\"note\">Counts are allocation sites the compiler "
	                     "reports (goescape's notes carry no heap profile, so no bytes are "
	                     "shown).</p>\n");
	return rc;
}

static int commit_cell(ge_buf *b, const ge_log_entry *e)
{
	char d[16];
	int rc = 0;
	day(d, e->time);
	rc |= ge_buf_printf(
	    b, "<td><code class=\"sha\">%.7s</code></td><td class=\"date\">%s</td><td>", e->commit,
	    d);
	rc |= ge_log_html_escape(b, e->author);
	rc |= ge_buf_puts(b, "</td><td class=\"subject\">");
	rc |= ge_log_html_escape(b, e->subject);
	rc |= ge_buf_puts(b, "</td>");
	return rc;
}

static int delta_cell(ge_buf *b, const ge_log_entry *e)
{
	if (e->has_note && e->compared)
		return ge_buf_printf(b,
		                     "<td class=\"num\"><span class=\"up\">+%zu</span> <span "
		                     "class=\"down\">&#8722;%zu</span></td>",
		                     e->new_, e->fixed);
	return ge_buf_printf(b, "<td class=\"num\">%s</td>",
	                     !e->has_note   ? ""
	                     : e->parent[0] ? "?"
	                                    : "first");
}

static int cmp_mover(const void *a, const void *b)
{
	const ge_log_entry *x = *(const ge_log_entry *const *)a,
	                   *y = *(const ge_log_entry *const *)b;
	size_t mx = x->new_ + x->fixed, my = y->new_ + y->fixed;
	if (mx != my)
		return mx < my ? 1 : -1;
	return x < y ? -1 : x > y; /* newest first */
}

#define MOVERS_MAX 10

static int movers(ge_buf *b, const ge_log *l)
{
	const ge_log_entry **m = NULL;
	size_t i, k, n = 0;
	int rc = 0;
	if (l->n && !(m = calloc(l->n, sizeof(*m))))
		return ge_error_set(GE_ENOMEM, "out of memory");
	for (i = 0; i < l->n; i++)
		if (l->v[i].has_note && l->v[i].compared && l->v[i].new_ + l->v[i].fixed)
			m[n++] = &l->v[i];
	if (n)
		qsort(m, n, sizeof(*m), cmp_mover);
	if (!n) {
		rc |=
		    ge_buf_puts(b, "<p>No commit in the range added or fixed a heap escape (among "
		                   "those compared with their parent).</p>\n");
		goto done;
	}
	rc |=
	    ge_buf_puts(b, "<table><thead><tr><th>commit</th><th>date</th><th>author</th>"
	                   "<th>subject</th><th class=\"num\">+new &#8722;fixed</th><th>first new "
	                   "heap escapes</th></tr></thead><tbody>\n");
	for (i = 0; i < n && i < MOVERS_MAX; i++) {
		const ge_log_entry *e = m[i];
		rc |= ge_buf_puts(b, "<tr>");
		rc |= commit_cell(b, e);
		rc |= delta_cell(b, e);
		rc |= ge_buf_puts(b, "<td><ul class=\"diags\">");
		for (k = 0; k < e->ntop; k++) {
			rc |= ge_buf_puts(b, "<li><code>");
			rc |= ge_log_html_escape(b, e->top[k].file);
			rc |= ge_buf_printf(b, ":%u</code> ", e->top[k].line);
			if (e->top[k].function[0]) {
				rc |= ge_buf_puts(b, "<code>");
				rc |= ge_log_html_escape(b, e->top[k].function);
				rc |= ge_buf_puts(b, "</code>: ");
			}
			rc |= ge_log_html_escape(b, e->top[k].message);
			rc |= ge_buf_puts(b, "</li>");
		}
		if (e->new_ > e->ntop)
			rc |= ge_buf_printf(b, "<li>&#8230; and %zu more</li>", e->new_ - e->ntop);
		rc |= ge_buf_puts(b, "</ul></td></tr>\n");
	}
	rc |= ge_buf_puts(b, "</tbody></table>\n");
done:
	free(m);
	return rc;
}

static int commits_table(ge_buf *b, const ge_log *l)
{
	size_t i;
	int rc = 0;
	rc |= ge_buf_puts(
	    b, "<table><thead><tr><th>commit</th><th>date</th><th>author</th>"
	       "<th>subject</th><th class=\"num\">heap</th><th class=\"num\">escapes</th>"
	       "<th class=\"num\">moved</th><th class=\"num\">+new &#8722;fixed</th>"
	       "</tr></thead><tbody>\n");
	for (i = 0; i < l->n; i++) {
		const ge_log_entry *e = &l->v[i];
		rc |= ge_buf_printf(b, "<tr%s>", e->has_note ? "" : " class=\"nonote\"");
		rc |= commit_cell(b, e);
		if (e->has_note) {
			rc |=
			    ge_buf_printf(b,
			                  "<td class=\"num\">%zu</td><td class=\"num\">%zu</td><td "
			                  "class=\"num\">%zu</td>",
			                  e->heap, e->escapes, e->moved);
			rc |= delta_cell(b, e);
		} else {
			rc |= ge_buf_printf(b,
			                    "<td colspan=\"4\">no note: <code>goescape report "
			                    "--commit %.12s</code></td>",
			                    e->commit);
		}
		rc |= ge_buf_puts(b, "</tr>\n");
	}
	rc |= ge_buf_puts(b, "</tbody></table>\n");
	return rc;
}

static const char css[] =
    "<style>\n"
    ":root{color-scheme:light}\n"
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:24px "
    "auto;max-width:1000px;padding:0 16px;color:#111;background:#fff;line-height:1.4}\n"
    "h1{font-size:1.5em;margin-bottom:0}h2{font-size:1.15em;margin-top:1.8em;border-bottom:1px "
    "solid #ccc;padding-bottom:4px}\n"
    ".sub{color:#444;margin-top:4px}\n"
    "code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.92em}\n"
    "svg{display:block;width:100%;height:auto;font-size:12px;font-family:inherit}\n"
    ".grid{stroke:#e3e3e3;stroke-width:1}.axis{stroke:#555;stroke-width:1}\n"
    ".tick{fill:#333;font-size:11px}.sha{font-family:ui-monospace,Menlo,monospace}\n"
    ".label{fill:#111;font-size:12px}.legend text{font-size:12px;fill:#111}\n"
    ".gap{fill:#bbb;fill-opacity:.35}.gapl{fill:#666;font-size:10px}\n"
    ".hover{fill:transparent}.hover:hover{fill:#000;fill-opacity:.05}\n"
    ".multiples{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:"
    "12px}\n"
    ".multiple{margin:0;border:1px solid #ddd;border-radius:4px;padding:6px}\n"
    ".multiple figcaption{font-size:12px;font-family:ui-monospace,Menlo,monospace;"
    "overflow-wrap:anywhere}\n"
    "table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0}\n"
    "th,td{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}\n"
    "th{background:#f3f3f3}.num{text-align:right;white-space:nowrap}\n"
    ".pkg,.subject{overflow-wrap:anywhere}.date{white-space:nowrap}\n"
    ".up{color:" C_NEW "}.down{color:" C_FIXED "}\n"
    "tr.nonote td{color:#666;background:#fafafa}\n"
    ".cards{display:flex;flex-wrap:wrap;gap:12px}\n"
    ".card{border:1px solid #ccc;border-radius:6px;padding:8px 14px;min-width:120px}\n"
    ".big{display:block;font-size:1.8em;font-weight:600}\n"
    ".fill{background:#fff7e0;border-left:4px solid " C_ESCAPES ";padding:6px 10px}\n"
    ".note{color:#555;font-size:.9em}\n"
    "ul.diags{margin:0;padding-left:1.1em}\n"
    "@media print{body{margin:0;max-width:none}*{-webkit-print-color-adjust:exact;"
    "print-color-adjust:exact}svg,table,figure,tr{break-inside:avoid}.hover{display:none}}\n"
    "</style>\n";

int ge_log_html(ge_buf *out, const ge_log *l)
{
	pkg_row *rows = NULL;
	size_t nrows = 0, i, missing = 0;
	char first[16] = "", last[16] = "";
	int rc;
	for (i = 0; i < l->n; i++)
		missing += !l->v[i].has_note;
	if ((rc = collect_packages(&rows, &nrows, l)) < 0)
		return rc;
	if (l->n) {
		day(first, l->v[l->n - 1].time);
		day(last, l->v[0].time);
	}
	rc = 0;
	rc |= ge_buf_puts(out,
	                  "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
	                  "charset=\"utf-8\">\n<meta name=\"viewport\" "
	                  "content=\"width=device-width,initial-scale=1\">\n<title>goescape log");
	if (l->module) {
		rc |= ge_buf_puts(out, ": ");
		rc |= ge_log_html_escape(out, l->module);
	}
	rc |= ge_buf_puts(out, "</title>\n");
	rc |= ge_buf_puts(out, css);
	rc |= ge_buf_puts(out, "</head>\n<body>\n<h1>Heap escapes");
	if (l->module) {
		rc |= ge_buf_puts(out, " in <code>");
		rc |= ge_log_html_escape(out, l->module);
		rc |= ge_buf_puts(out, "</code>");
	}
	rc |=
	    ge_buf_printf(out, "</h1>\n<p class=\"sub\">%zu commit%s", l->n, l->n == 1 ? "" : "s");
	if (l->n)
		rc |= ge_buf_printf(out, ", <code>%.7s</code> (%s) to <code>%.7s</code> (%s)",
		                    l->v[l->n - 1].commit, first, l->v[0].commit, last);
	rc |= ge_buf_puts(out, ", from the reports goescape stored in "
	                       "<code>refs/notes/goescape</code>.</p>\n");
	rc |= how_to_fill(out, l, missing);
	rc |= totals(out, l, nrows);
	if (l->n) {
		rc |= ge_buf_puts(out, "<h2>Per commit</h2>\n");
		rc |= trend_chart(out, l);
		rc |= ge_buf_printf(
		    out,
		    "<h2>Per package</h2>\n<p class=\"note\">Heap escapes of each "
		    "package over the same commits (oldest &#8594; newest value in the "
		    "caption), the largest first; %zu package%s.</p>\n",
		    nrows, nrows == 1 ? "" : "s");
		rc |= small_multiples(out, l, rows, nrows);
		rc |= package_table(out, l, rows, nrows);
		rc |= ge_buf_puts(out, "<h2>Biggest movers</h2>\n");
		rc |= movers(out, l);
		rc |= ge_buf_puts(out, "<h2>All commits</h2>\n");
		rc |= commits_table(out, l);
	}
	rc |= ge_buf_puts(out, "<p class=\"note\">Made by <code>goescape log --html</code>. "
	                       "+new &#8722;fixed compare a commit with its first parent, "
	                       "following renames and moved lines.</p>\n</body>\n</html>\n");
	free(rows);
	return rc < 0 ? ge_error_set(GE_ENOMEM, "out of memory") : 0;
}
