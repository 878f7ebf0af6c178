/* Text, JSON and GitHub workflow-command renderings of a report. */
#include "emit.h"

#include <inttypes.h>
#include <string.h>

#include "asserts.h"
#include "cost.h"

int ge_format_parse(ge_format *out, const char *s)
{
	static const char *const names[] = {"text", "json", "sarif", "github", "markdown"};
	int i;
	for (i = 0; i < 5; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (ge_format)i;
			return 0;
		}
	return ge_error_set(GE_EUSAGE, "unknown format '%s' (want text, json, sarif, github or markdown)", s);
}

#define C(o, code) ((o)->color ? "\033[" code "m" : "")

static const char *fn_label(const char *f)
{
	return f && *f ? f : "(package level)";
}

/* " ×N" when the compiler printed N allocation sites at the position. */
static int put_count(ge_buf *out, const ge_diag *d)
{
	return ge_diag_count(d) > 1 ? ge_buf_printf(out, " \xc3\x97%u", ge_diag_count(d)) : 0;
}

/* "  (moved from F in FILE)" for an escape matched across functions or files. */
static int put_moved_from(ge_buf *out, const ge_diag *d)
{
	if (!d->from_file)
		return ge_buf_puts(out, "  (moved)");
	return ge_buf_printf(out, "  (moved from %s in %s)", fn_label(d->from_function),
	                     d->from_file);
}

static int text_grouped(ge_buf *out, const ge_report *r, const ge_emit_opts *o)
{
	const char *file = NULL, *func = NULL;
	size_t i;
	int rc = 0;
	for (i = 0; i < r->ndiags && rc == 0; i++) {
		const ge_diag *d = &r->diags[i];
		if (d->file != file) {
			rc |= ge_buf_printf(out, "%s%s%s%s\n", file ? "\n" : "", C(o, "1"), d->file,
					    C(o, "0"));
			file = d->file;
			func = NULL;
		}
		if (d->function != func) {
			rc |= ge_buf_printf(out, "  %s%s%s\n", C(o, "36"), fn_label(d->function),
					    C(o, "0"));
			func = d->function;
		}
		rc |= ge_buf_printf(out, "    %u:%u\t%s%-7s%s  %s%s%s", d->line, d->column,
		                    d->kind == GE_KIND_LEAK      ? C(o, "2")
		                    : d->status == GE_STATUS_NEW ? C(o, "31")
		                                                 : C(o, "33"),
		                    ge_kind_name(d->kind), C(o, "0"), d->message,
		                    d->inlined_from ? " via " : "", d->inlined_from ? d->inlined_from : "");
		rc |= put_count(out, d);
		if (d->status == GE_STATUS_NEW)
			rc |= ge_buf_puts(out, "  (new)");
		else if (d->status == GE_STATUS_MOVED)
			rc |= put_moved_from(out, d);
		rc |= ge_buf_putc(out, '\n');
	}
	return rc ? GE_ENOMEM : 0;
}

static int text_summary(ge_buf *out, const ge_report *r, const ge_emit_opts *o)
{
	ge_summary s;
	ge_report_summary(r, &s);
	if (o->only_new && s.relocated)
		return ge_buf_printf(out,
		                     "%s%zu new heap escape%s%s, %zu fixed, %zu moved with their "
		                     "code (of %zu in all)\n",
		                     s.new_ ? C(o, "1;31") : C(o, "1;32"), s.new_,
		                     s.new_ == 1 ? "" : "s", C(o, "0"), s.fixed, s.relocated,
		                     s.heap);
	if (o->only_new)
		return ge_buf_printf(out, "%s%zu new heap escape%s%s, %zu fixed (of %zu in all)\n",
				     s.new_ ? C(o, "1;31") : C(o, "1;32"), s.new_,
				     s.new_ == 1 ? "" : "s", C(o, "0"), s.fixed, s.heap);
	return ge_buf_printf(out,
			     "%s%zu heap escape%s%s (%zu moved to heap, %zu escapes) in %zu "
			     "package%s; %zu leaking param%s\n",
			     C(o, "1"), s.heap, s.heap == 1 ? "" : "s", C(o, "0"), s.moved,
			     s.escapes, s.packages, s.packages == 1 ? "" : "s", s.leaks,
			     s.leaks == 1 ? "" : "s");
}

static int text_new(ge_buf *out, const ge_report *r, const ge_emit_opts *o)
{
	size_t i;
	int rc = 0;
	for (i = 0; i < r->ndiags && rc == 0; i++) {
		const ge_diag *d = &r->diags[i];
		if (d->status != GE_STATUS_NEW || !ge_kind_is_heap(d->kind))
			continue;
		rc = ge_buf_printf(out, "%s%s:%u:%u:%s %s: %s%s%s", C(o, "1"), d->file, d->line,
		                   d->column, C(o, "0"), fn_label(d->function), d->message,
		                   d->inlined_from ? " via " : "", d->inlined_from ? d->inlined_from : "");
		rc |= put_count(out, d);
		rc |= ge_buf_putc(out, '\n');
	}
	/* Moved escapes after the new ones: not failing, but said. */
	for (i = 0; i < r->ndiags && rc == 0; i++) {
		const ge_diag *d = &r->diags[i];
		if (d->status != GE_STATUS_MOVED || !ge_kind_is_heap(d->kind))
			continue;
		rc = ge_buf_printf(out, "%s:%u:%u: %s: %s", d->file, d->line, d->column,
		                   fn_label(d->function), d->message);
		rc |= put_count(out, d);
		rc |= put_moved_from(out, d);
		rc |= ge_buf_putc(out, '\n');
	}
	return rc ? GE_ENOMEM : 0;
}

/* GitHub workflow command escaping: data escapes %, CR, LF; properties also : and ,. */
static int gh_escape(ge_buf *out, const char *s, int property)
{
	int rc = 0;
	for (; *s && rc == 0; s++) {
		switch (*s) {
		case '%':
			rc = ge_buf_puts(out, "%25");
			break;
		case '\r':
			rc = ge_buf_puts(out, "%0D");
			break;
		case '\n':
			rc = ge_buf_puts(out, "%0A");
			break;
		case ':':
			rc = property ? ge_buf_puts(out, "%3A") : ge_buf_putc(out, ':');
			break;
		case ',':
			rc = property ? ge_buf_puts(out, "%2C") : ge_buf_putc(out, ',');
			break;
		default:
			rc = ge_buf_putc(out, *s);
		}
	}
	return rc;
}

static int github(ge_buf *out, const ge_report *r, const char *prefix, const ge_cost *cost)
{
	size_t i;
	int rc = 0, any_status = 0;
	for (i = 0; i < r->ndiags; i++)
		if (r->diags[i].status != GE_STATUS_NONE)
			any_status = 1;
	for (i = 0; i < r->ndiags && rc == 0; i++) {
		const ge_diag *d = &r->diags[i];
		ge_buf title = GE_BUF_INIT;
		if (!ge_kind_is_heap(d->kind) || (any_status && d->status != GE_STATUS_NEW))
			continue;
		rc |= ge_buf_printf(&title, "%s in %s", d->kind == GE_KIND_MOVED ? "moved to heap" : "escapes to heap",
				    fn_label(d->function));
		rc |= ge_buf_puts(out, any_status ? "::error file=" : "::warning file=");
		if (prefix)
			rc |= gh_escape(out, prefix, 1);
		rc |= gh_escape(out, d->file, 1);
		rc |= ge_buf_printf(out, ",line=%u,col=%u,title=", d->line, d->column);
		rc |= gh_escape(out, title.ptr, 1);
		rc |= ge_buf_puts(out, "::");
		rc |= gh_escape(out, d->message, 0);
		rc |= put_count(out, d);
		if (cost && i < cost->ndiags) {
			char h[32];
			ge_cost_human_bytes(h, cost->diags[i].bytes);
			rc |= ge_buf_printf(out, " (%s, %" PRId64 " objects in the profile)", h,
			                    cost->diags[i].objects);
		}
		rc |= ge_buf_putc(out, '\n');
		ge_buf_release(&title);
	}
	return rc ? GE_ENOMEM : 0;
}

int ge_emit(ge_buf *out, const ge_report *r, ge_format fmt, const ge_emit_opts *o)
{
	int rc;
	switch (fmt) {
	case GE_FMT_JSON:
		if (o->cost)
			return ge_cost_report_json(out, r, o->cost, o->profile_file,
			                           o->profile_sha256, o->top);
		return ge_report_to_json(out, r);
	case GE_FMT_GITHUB:
		return github(out, r, o->repo_prefix, o->cost);
	case GE_FMT_MARKDOWN: {
		ge_markdown_opts def = GE_MARKDOWN_OPTS_INIT;
		def.only_new = o->only_new;
		return ge_markdown_render(out, r, o->markdown ? o->markdown : &def);
	}
	case GE_FMT_SARIF: {
		ge_sarif_opts def = GE_SARIF_OPTS_INIT;
		return ge_sarif_render(out, r, o->sarif ? o->sarif : &def);
	}
	case GE_FMT_TEXT:
	default:
		if (o->cost) {
			rc = ge_cost_text(out, r, o->cost, o->top, o->only_new);
			return rc ? rc : text_summary(out, r, o);
		}
		rc = o->only_new ? text_new(out, r, o) : text_grouped(out, r, o);
		if (rc == 0 && !o->only_new && r->ndiags)
			rc = ge_buf_putc(out, '\n');
		return rc ? rc : text_summary(out, r, o);
	}
}

int ge_emit_build_summary(ge_buf *out, const ge_report *r)
{
	ge_summary s;
	ge_report_summary(r, &s);
	return ge_buf_printf(out, "goescape: %zu heap escape%s in %zu package%s", s.heap,
			     s.heap == 1 ? "" : "s", s.packages, s.packages == 1 ? "" : "s");
}

int ge_emit_refusal(ge_buf *out, const ge_report *r, const char *ref, const char *base,
                    size_t nfailing, const int fail_on[3])
{
	size_t i;
	int rc = ge_buf_printf(out, "goescape: %s adds %zu heap escape%s (against %.12s):\n", ref,
	                       nfailing, nfailing == 1 ? "" : "s", base);
	for (i = 0; i < r->ndiags && rc == 0; i++) {
		const ge_diag *d = &r->diags[i];
		if (d->status != GE_STATUS_NEW || !fail_on[d->kind])
			continue;
		rc = ge_buf_printf(out, "%s:%u:%u: %s: %s", d->file, d->line, d->column,
		                   fn_label(d->function), d->message);
		rc |= put_count(out, d);
		rc |= ge_buf_putc(out, '\n');
	}
	return rc ? GE_ENOMEM : 0;
}

int ge_emit_assert_refusal(ge_buf *out, const struct ge_assert_result *r, const char *ref)
{
	if (!r || !r->n)
		return 0;
	if (ge_assert_gate_text(out, r) < 0 ||
	    ge_buf_printf(out, "goescape: %s breaks %zu assertion%s\n", ref, r->n,
	                  r->n == 1 ? "" : "s") < 0)
		return ge_error_set(GE_ENOMEM, "out of memory");
	return 0;
}

int ge_emit_color(int *out, const char *mode, const char *no_color, const char *force, int tty)
{
	*out = 0;
	if (mode && strcmp(mode, "always") == 0) {
		*out = 1;
		return 0;
	}
	if (mode && strcmp(mode, "never") == 0)
		return 0;
	if (mode && strcmp(mode, "auto") != 0)
		return ge_error_set(GE_EUSAGE, "unknown --color '%s' (want auto, always or never)",
		                    mode);
	if (no_color && *no_color)
		return 0;
	*out = (force && *force && strcmp(force, "0") != 0) || tty;
	return 0;
}
