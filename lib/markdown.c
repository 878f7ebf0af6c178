/* GitHub-flavoured markdown rendering of a report (see markdown.h). */
#include "markdown.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room kept below the limit for the note and the closing tags. */
#define RESERVE 4096

int ge_markdown_escape(ge_buf *out, const char *s)
{
	int rc = 0;
	for (; *s && rc == 0; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\n' || c == '\r' || c == '\t')
			rc = ge_buf_putc(out, ' ');
		else if (c < 0x20 || c == 0x7f)
			continue;
		else if (strchr("&<>|`*_[]~#!\\@$:", c))
			/* A numeric reference is text in every markdown context, and
			   ends no table cell (a bare or \-escaped | can). */
			rc = ge_buf_printf(out, "&#%u;", c);
		else
			rc = ge_buf_putc(out, (char)c);
	}
	return rc;
}

/* A link target: every byte but unreserved ones and '/' percent-encoded. */
static int put_url_path(ge_buf *out, const char *s)
{
	int rc = 0;
	for (; *s && rc == 0; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~/", c))
			rc = ge_buf_putc(out, (char)c);
		else
			rc = ge_buf_printf(out, "%%%02X", c);
	}
	return rc;
}

typedef struct md {
	ge_buf *out;
	const ge_markdown_opts *o;
	size_t limit;
	size_t omitted; /* rows left out for the limit */
	int rc;
} md;

static void put(md *m, const char *s)
{
	if (m->rc == 0)
		m->rc = ge_buf_puts(m->out, s);
}

/* Append a finished row, or count it as left out when it would pass the limit. */
static void put_row(md *m, ge_buf *row)
{
	if (m->rc)
		return;
	if (m->omitted || m->out->len + row->len + RESERVE > m->limit) {
		m->omitted++;
		return;
	}
	m->rc = ge_buf_put(m->out, row->ptr, row->len);
}

static const char *fn_label(const char *f)
{
	return f && *f ? f : "(package level)";
}

/* "[file:line](link#Lline)" into row. */
static int put_location(ge_buf *row, const ge_markdown_opts *o, const char *file, uint32_t line)
{
	int rc = ge_buf_putc(row, '[');
	rc |= ge_markdown_escape(row, file);
	rc |= ge_buf_printf(row, ":%u](", line);
	if (o->link)
		rc |= put_url_path(row, o->link);
	rc |= put_url_path(row, file);
	rc |= ge_buf_printf(row, "#L%u)", line);
	return rc;
}

static void row_of(md *m, const ge_diag *d, int suggest_col, int suggest, int moved)
{
	ge_buf row = GE_BUF_INIT;
	int rc = ge_buf_puts(&row, "| ");
	rc |= put_location(&row, m->o, d->file, d->line);
	rc |= ge_buf_puts(&row, " | ");
	rc |= ge_markdown_escape(&row, fn_label(d->function));
	rc |= ge_buf_puts(&row, " | ");
	rc |= ge_markdown_escape(&row, d->message);
	if (ge_diag_inlined_from(d)) {
		rc |= ge_buf_puts(&row, " via ");
		rc |= ge_markdown_escape(&row, ge_diag_inlined_from(d));
	}
	if (ge_diag_count(d) > 1)
		rc |= ge_buf_printf(&row, " \xc3\x97%u", ge_diag_count(d));
	if (moved) {
		rc |= ge_buf_puts(&row, " | ");
		if (ge_diag_from_file(d)) {
			rc |= ge_markdown_escape(&row, fn_label(ge_diag_from_function(d)));
			rc |= ge_buf_puts(&row, " in ");
			rc |= ge_markdown_escape(&row, ge_diag_from_file(d));
		}
	}
	if (suggest_col)
		rc |= ge_buf_puts(&row, suggest ? " | suggest available" : " | ");
	rc |= ge_buf_puts(&row, " |\n");
	if (rc)
		m->rc = GE_ENOMEM;
	else
		put_row(m, &row);
	ge_buf_release(&row);
}

static int any_suggest(const ge_report *r, const ge_markdown_opts *o)
{
	size_t i;
	for (i = 0; o->suggest && i < r->ndiags; i++)
		if (o->suggest[i] && r->diags[i].status == GE_STATUS_NEW)
			return 1;
	return 0;
}

/* The table of r's heap diagnostics of status want (GE_STATUS_NONE: all). */
static void table(md *m, const ge_report *r, ge_status want)
{
	int sc = want == GE_STATUS_NEW && any_suggest(r, m->o), mv = want == GE_STATUS_MOVED;
	size_t i;
	put(m, mv ? "| Location | Function | Message | Moved from |"
	          : "| Location | Function | Message |");
	put(m, sc ? " Suggest |\n" : "\n");
	put(m, mv ? "|---|---|---|---|" : "|---|---|---|");
	put(m, sc ? "---|\n" : "\n");
	for (i = 0; i < r->ndiags && m->rc == 0; i++) {
		const ge_diag *d = &r->diags[i];
		if (!ge_kind_is_heap(d->kind) || (want != GE_STATUS_NONE && d->status != want))
			continue;
		row_of(m, d, sc, sc && m->o->suggest[i], mv);
	}
}

static void fixed_table(md *m, const ge_report *r)
{
	size_t i;
	put(m, "| Location | Function | Message |\n|---|---|---|\n");
	for (i = 0; i < r->nfixed && m->rc == 0; i++)
		if (ge_kind_is_heap(r->fixed[i].kind))
			row_of(m, &r->fixed[i], 0, 0, 0);
}

typedef struct pkgcount {
	const char *package;
	size_t heap, new_, fixed;
} pkgcount;

static pkgcount *pkg_slot(pkgcount **v, size_t *n, size_t *cap, const char *p)
{
	size_t i;
	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i].package, p) == 0)
			return &(*v)[i];
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		pkgcount *nv = realloc(*v, nc * sizeof(*nv));
		if (!nv)
			return NULL;
		*v = nv;
		*cap = nc;
	}
	memset(&(*v)[*n], 0, sizeof(**v));
	(*v)[*n].package = p;
	return &(*v)[(*n)++];
}

static int cmp_pkg(const void *a, const void *b)
{
	return strcmp(((const pkgcount *)a)->package, ((const pkgcount *)b)->package);
}

static void packages(md *m, const ge_report *r)
{
	pkgcount *v = NULL, *p;
	size_t n = 0, cap = 0, i;
	for (i = 0; i < r->ndiags; i++) {
		const ge_diag *d = &r->diags[i];
		if (!ge_kind_is_heap(d->kind))
			continue;
		if (!(p = pkg_slot(&v, &n, &cap, d->package ? d->package : ""))) {
			m->rc = GE_ENOMEM;
			goto done;
		}
		p->heap += ge_diag_count(d);
		if (d->status == GE_STATUS_NEW)
			p->new_ += ge_diag_count(d);
	}
	for (i = 0; m->o->only_new && i < r->nfixed; i++) {
		const ge_diag *d = &r->fixed[i];
		if (!ge_kind_is_heap(d->kind))
			continue;
		if (!(p = pkg_slot(&v, &n, &cap, d->package ? d->package : ""))) {
			m->rc = GE_ENOMEM;
			goto done;
		}
		p->fixed += ge_diag_count(d);
	}
	if (!n)
		goto done;
	qsort(v, n, sizeof(*v), cmp_pkg);
	put(m, "<details><summary>Heap escapes per package</summary>\n\n");
	put(m, m->o->only_new ? "| Package | Heap escapes | New | Fixed |\n|---|--:|--:|--:|\n"
	                      : "| Package | Heap escapes |\n|---|--:|\n");
	for (i = 0; i < n && m->rc == 0; i++) {
		ge_buf row = GE_BUF_INIT;
		int rc = ge_buf_puts(&row, "| ");
		rc |= ge_markdown_escape(&row, v[i].package);
		if (m->o->only_new)
			rc |= ge_buf_printf(&row, " | %zu | %zu | %zu |\n", v[i].heap, v[i].new_,
			                    v[i].fixed);
		else
			rc |= ge_buf_printf(&row, " | %zu |\n", v[i].heap);
		if (rc)
			m->rc = GE_ENOMEM;
		else
			put_row(m, &row);
		ge_buf_release(&row);
	}
	put(m, "\n</details>\n\n");
done:
	free(v);
}

static size_t count_status(const ge_report *r, ge_status st)
{
	size_t i, n = 0;
	for (i = 0; i < r->ndiags; i++)
		if (ge_kind_is_heap(r->diags[i].kind) && r->diags[i].status == st)
			n++;
	return n;
}

static size_t count_fixed_rows(const ge_report *r)
{
	size_t i, n = 0;
	for (i = 0; i < r->nfixed; i++)
		if (ge_kind_is_heap(r->fixed[i].kind))
			n++;
	return n;
}

int ge_markdown_render(ge_buf *out, const ge_report *r, const ge_markdown_opts *o)
{
	md m, pm;
	ge_summary s;
	ge_buf pk = GE_BUF_INIT;
	char num[64];
	size_t limit = o->limit ? o->limit : GE_MARKDOWN_LIMIT;
	ge_report_summary(r, &s);
	/* The counts per package first, aside: a quarter of the room at most,
	   and the rows get what is left, so a long table never hides them. */
	memset(&pm, 0, sizeof(pm));
	pm.out = &pk;
	pm.o = o;
	pm.limit = limit / 4;
	packages(&pm, r);
	memset(&m, 0, sizeof(m));
	m.out = out;
	m.o = o;
	m.limit = out->len + limit - pk.len;
	m.rc = pm.rc;
	if (!o->only_new) {
		snprintf(num, sizeof(num), "%zu heap escape%s in %zu package%s", s.heap,
		         s.heap == 1 ? "" : "s", s.packages, s.packages == 1 ? "" : "s");
		put(&m, "### goescape: ");
		put(&m, num);
		put(&m, "\n\n");
		if (r->commit && m.rc == 0) {
			/* A stored note's commit is the repository's text too. */
			char c[13];
			snprintf(c, sizeof(c), "%s", r->commit);
			put(&m, "At commit ");
			if (m.rc == 0)
				m.rc = ge_markdown_escape(out, c);
			put(&m, r->dirty ? " (with uncommitted changes).\n\n" : ".\n\n");
		}
		if (o->lead)
			put(&m, o->lead);
		if (s.heap)
			table(&m, r, GE_STATUS_NONE);
		put(&m, "\n");
	} else {
		if (m.rc == 0)
			m.rc =
			    ge_buf_printf(out, "### goescape: %s %zu new heap escape%s, %zu fixed",
			                  s.new_ ? "\xe2\x9d\x8c" : "\xe2\x9c\x85", s.new_,
			                  s.new_ == 1 ? "" : "s", s.fixed);
		if (s.relocated && m.rc == 0)
			m.rc = ge_buf_printf(out, ", %zu moved with their code", s.relocated);
		if (m.rc == 0)
			m.rc = ge_buf_printf(out, " (of %zu in all)\n\n", s.heap);
		if (o->base) {
			put(&m, "Compared with ");
			if (m.rc == 0)
				m.rc = ge_markdown_escape(out, o->base);
			put(&m, ".\n\n");
		}
		if (o->lead)
			put(&m, o->lead);
		if (count_status(r, GE_STATUS_NEW)) {
			put(&m, "#### New heap escapes\n\n");
			table(&m, r, GE_STATUS_NEW);
			put(&m, "\n");
		}
		if (count_status(r, GE_STATUS_MOVED) && m.rc == 0) {
			m.rc = ge_buf_printf(out,
			                     "<details><summary>%zu heap escape%s moved with "
			                     "%s code</summary>\n\n",
			                     s.relocated, s.relocated == 1 ? "" : "s",
			                     s.relocated == 1 ? "its" : "their");
			table(&m, r, GE_STATUS_MOVED);
			put(&m, "\n</details>\n\n");
		}
		if (count_fixed_rows(r) && m.rc == 0) {
			m.rc = ge_buf_printf(out, "<details><summary>%zu fixed</summary>\n\n",
			                     s.fixed);
			fixed_table(&m, r);
			put(&m, "\n</details>\n\n");
		}
	}
	if (m.rc == 0)
		m.rc = ge_buf_put(out, pk.ptr, pk.len);
	m.omitted += pm.omitted;
	if (m.omitted && m.rc == 0)
		m.rc = ge_buf_printf(out,
		                     "> **Note:** %zu row%s left out to stay under GitHub's %s "
		                     "step-summary limit; the SARIF or JSON output has them all.\n",
		                     m.omitted, m.omitted == 1 ? "" : "s",
		                     ge_size_text(num, sizeof(num), limit));
	ge_buf_release(&pk);
	return m.rc ? GE_ENOMEM : 0;
}
