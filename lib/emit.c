/* Text, JSON and GitHub workflow-command renderings of a report. */
#include "emit.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

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

/* " via F" after the message of an inlined callee's escape: its two parts. */
static const char *via_sep(const ge_diag *d)
{
	return ge_diag_inlined_from(d) ? " via " : "";
}

static const char *via_name(const ge_diag *d)
{
	return ge_diag_inlined_from(d) ? ge_diag_inlined_from(d) : "";
}

/* "  (moved from F in FILE)" for an escape matched across functions or files. */
static int put_moved_from(ge_buf *out, const ge_diag *d)
{
	if (!ge_diag_from_file(d))
		return ge_buf_puts(out, "  (moved)");
	return ge_buf_printf(out, "  (moved from %s in %s)", fn_label(ge_diag_from_function(d)),
	                     ge_diag_from_file(d));
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
		                    via_sep(d), via_name(d));
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
		                   via_sep(d), via_name(d));
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

static int emit_report(ge_buf *out, const ge_report *r, ge_format fmt, const ge_emit_opts *o)
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

/* JSON: the report's object (from start) gets the "assertions" member last. */
static int asserts_json(ge_buf *out, size_t start, const ge_assert_result *a)
{
	if (out->len < start + 3 || memcmp(out->ptr + out->len - 3, "\n}\n", 3) != 0)
		return ge_error_set(GE_ERROR,
		                    "internal: the report's JSON does not end its object");
	ge_buf_truncate(out, out->len - 3);
	if (ge_assert_report_json(out, a) < 0 || ge_buf_puts(out, "\n}\n") < 0)
		return ge_error_set(GE_ENOMEM, "out of memory");
	return 0;
}

/* Prefix a SARIF location's artifactLocation.uri (module-relative) with prefix. */
static int sarif_prefix_uri(cJSON *loc, const char *prefix)
{
	cJSON *art =
	    cJSON_GetObjectItem(cJSON_GetObjectItem(loc, "physicalLocation"), "artifactLocation");
	cJSON *uri = cJSON_GetObjectItem(art, "uri");
	ge_buf b = GE_BUF_INIT;
	int rc = 0;
	if (!prefix || !*prefix || !cJSON_IsString(uri))
		return 0;
	/* uri is percent-encoded already (lib/asserts); prefix is a directory's name. */
	if (ge_sarif_put_uri_path(&b, prefix, 0) < 0 || ge_buf_puts(&b, uri->valuestring) < 0 ||
	    !cJSON_ReplaceItemInObject(art, "uri", cJSON_CreateString(ge_buf_cstr(&b))))
		rc = GE_ENOMEM;
	ge_buf_release(&b);
	return rc;
}

/*
 * SARIF: the assertions' rules and results join the report's one run (one
 * run per tool: code scanning does not take two runs of one tool in a
 * file); their ruleIndex moves past the report's rules, their URIs (module-
 * relative) get prefix, the module's directory under %SRCROOT%.
 */
static int asserts_sarif(ge_buf *out, size_t start, const ge_assert_result *a, const char *srcroot,
                         const char *prefix)
{
	ge_buf ab = GE_BUF_INIT;
	cJSON *log = NULL, *alog = NULL, *run, *arun, *rules, *results, *it;
	char *text = NULL;
	int nrules, rc = GE_ENOMEM;
	if (ge_assert_emit(&ab, a, "sarif", srcroot) < 0)
		goto done;
	log = cJSON_ParseWithLength(out->ptr + start, out->len - start);
	alog = cJSON_ParseWithLength(ab.ptr, ab.len);
	run = cJSON_GetArrayItem(cJSON_GetObjectItem(log, "runs"), 0);
	arun = cJSON_GetArrayItem(cJSON_GetObjectItem(alog, "runs"), 0);
	if (!run || !arun) {
		rc = ge_error_set(GE_ERROR, "internal: a SARIF log without a run");
		goto done;
	}
	rules = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(run, "tool"), "driver"),
	                            "rules");
	if (!rules &&
	    !(rules = cJSON_AddArrayToObject(
	          cJSON_GetObjectItem(cJSON_GetObjectItem(run, "tool"), "driver"), "rules")))
		goto done;
	if (!(results = cJSON_GetObjectItem(run, "results")) &&
	    !(results = cJSON_AddArrayToObject(run, "results")))
		goto done;
	nrules = cJSON_GetArraySize(rules);
	it = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(arun, "tool"), "driver"),
	                         "rules");
	for (it = it ? it->child : NULL; it; it = it->next)
		if (!cJSON_AddItemToArray(rules, cJSON_Duplicate(it, 1)))
			goto done;
	it = cJSON_GetObjectItem(arun, "results");
	for (it = it ? it->child : NULL; it; it = it->next) {
		cJSON *res = cJSON_Duplicate(it, 1), *ri, *loc;
		int bad = 0;
		if (!res)
			goto done;
		if ((ri = cJSON_GetObjectItem(res, "ruleIndex")) != NULL)
			cJSON_SetNumberValue(ri, ri->valueint + nrules);
		loc = cJSON_GetObjectItem(res, "locations");
		for (loc = loc ? loc->child : NULL; loc; loc = loc->next)
			bad |= sarif_prefix_uri(loc, prefix) < 0;
		loc = cJSON_GetObjectItem(res, "relatedLocations");
		for (loc = loc ? loc->child : NULL; loc; loc = loc->next)
			bad |= sarif_prefix_uri(loc, prefix) < 0;
		if (bad || !cJSON_AddItemToArray(results, res)) {
			cJSON_Delete(res);
			goto done;
		}
	}
	if (!(text = cJSON_PrintUnformatted(log)))
		goto done;
	ge_buf_truncate(out, start);
	if (ge_buf_puts(out, text) < 0 || ge_buf_putc(out, '\n') < 0)
		goto done;
	rc = 0;
done:
	if (rc == GE_ENOMEM)
		rc = ge_error_set(GE_ENOMEM, "out of memory");
	free(text);
	cJSON_Delete(log);
	cJSON_Delete(alog);
	ge_buf_release(&ab);
	return rc;
}

/*
 * Markdown: a table of the broken assertions, for the report's lead (right
 * after its headline, inside its size limit: they fail the check, so they
 * are never what the limit cuts).  The table stays under budget bytes;
 * rows past it are counted in a note.
 */
static int asserts_markdown(ge_buf *out, const ge_assert_result *a, size_t budget)
{
	size_t i, start = out->len, omitted = 0;
	ge_buf row = GE_BUF_INIT;
	int rc = 0;
	if (!a->n)
		return 0;
	rc |= ge_buf_printf(
	    out,
	    "### Broken assertions\n\n%zu of %zu `//goescape:` assertion%s "
	    "violated (a broken assertion fails the check whatever the base says):\n\n"
	    "| Location | Rule | Source | Reason |\n|---|---|---|---|\n",
	    a->n, a->nassertions, a->nassertions == 1 ? "" : "s");
	for (i = 0; i < a->n && rc == 0; i++) {
		const ge_assert_violation *v = &a->v[i];
		ge_buf loc = GE_BUF_INIT;
		ge_buf_truncate(&row, 0);
		rc |= ge_buf_printf(&loc, "%s:%u", v->file, v->line);
		rc |= ge_buf_puts(&row, "| ");
		rc |= ge_markdown_escape(&row, ge_buf_cstr(&loc));
		rc |= ge_buf_printf(&row, " | %s %s | ", ge_assert_rule(v->kind),
		                    ge_assert_kind_name(v->kind));
		rc |= ge_markdown_escape(&row, v->source);
		rc |= ge_buf_puts(&row, " | ");
		rc |= ge_markdown_escape(&row, v->reason);
		rc |= ge_buf_puts(&row, " |\n");
		ge_buf_release(&loc);
		/* 256: room for the note. */
		if (omitted || out->len - start + row.len + 256 > budget)
			omitted++;
		else
			rc |= ge_buf_put(out, row.ptr, row.len);
	}
	if (omitted)
		rc |=
		    ge_buf_printf(out,
		                  "\n> **Note:** %zu broken assertion%s left out to stay under the "
		                  "size limit; 'goescape assert' lists them all.\n",
		                  omitted, omitted == 1 ? "" : "s");
	rc |= ge_buf_putc(out, '\n');
	ge_buf_release(&row);
	return rc ? ge_error_set(GE_ENOMEM, "out of memory") : 0;
}

/* Markdown with the broken assertions as the report's lead (see above). */
static int markdown_with_asserts(ge_buf *out, const ge_report *r, const ge_emit_opts *o,
                                 const ge_assert_result *a)
{
	ge_markdown_opts mo = GE_MARKDOWN_OPTS_INIT;
	ge_buf lead = GE_BUF_INIT;
	int rc;
	if (o->markdown)
		mo = *o->markdown;
	else
		mo.only_new = o->only_new;
	rc = asserts_markdown(&lead, a, (mo.limit ? mo.limit : GE_MARKDOWN_LIMIT) / 2);
	mo.lead = lead.len ? ge_buf_cstr(&lead) : NULL;
	if (rc == 0)
		rc = ge_markdown_render(out, r, &mo);
	ge_buf_release(&lead);
	return rc;
}

int ge_emit(ge_buf *out, const ge_report *r, ge_format fmt, const ge_emit_opts *o)
{
	const ge_assert_result *a = o->asserts;
	size_t start = out->len;
	int rc;
	if (fmt == GE_FMT_MARKDOWN && a && a->n)
		return markdown_with_asserts(out, r, o, a);
	rc = emit_report(out, r, fmt, o);
	if (rc < 0 || !a || !a->nassertions)
		return rc;
	switch (fmt) {
	case GE_FMT_JSON:
		return asserts_json(out, start, a);
	case GE_FMT_SARIF:
		return asserts_sarif(out, start, a, o->sarif ? o->sarif->srcroot : NULL,
		                     o->repo_prefix);
	case GE_FMT_GITHUB:
		return ge_assert_github(out, a, o->repo_prefix) < 0
		           ? ge_error_set(GE_ENOMEM, "out of memory")
		           : 0;
	case GE_FMT_MARKDOWN: /* violations go first, above; none: nothing to add */
	case GE_FMT_TEXT:
	default:
		return 0;
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

/*
 * Whether ge_emit streams fmt with o: every renderer whose output grows
 * with the report and that only ever reopens its last few bytes (see
 * GE_BUF_KEEP_BYTES).  SARIF (bounded; measured whole under gzip, merged
 * with assertions as a tree) and markdown (bounded, a lead inserted) are
 * rendered whole, as before.
 */
static int emit_streams(ge_format fmt)
{
	return fmt == GE_FMT_JSON || fmt == GE_FMT_TEXT || fmt == GE_FMT_GITHUB;
}

/*
 * See emit.h: each file output rendered straight into a temp file beside
 * its target (streamed, so a report of any size holds about a megabyte of
 * each rendering), then the files renamed into place, all or none; the
 * standard output rendered last, once the files are in place.
 */
int ge_emit_outputs(ge_buf *to_stdout, const ge_report *r, const ge_emit_output *v, size_t n,
                    const ge_emit_opts *o)
{
	ge_out *f = NULL;
	ge_format *fmt = NULL;
	ge_stage st = GE_STAGE_INIT;
	ge_emit_opts eo = *o;
	size_t i, nfiles = 0;
	int rc = 0;
	if (n && (!(f = calloc(n, sizeof(*f))) || !(fmt = calloc(n, sizeof(*fmt))))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < n && rc == 0; i++) {
		fmt[i] = GE_FMT_TEXT;
		if (v[i].format)
			rc = ge_format_parse(&fmt[i], v[i].format);
		nfiles += v[i].file != NULL;
	}
	for (i = 0; i < n && rc == 0; i++) {
		ge_buf whole = GE_BUF_INIT;
		if (!v[i].file)
			continue;
		/* One output, to a file: replaced atomically (a device written
		   through); with others, staged (and a regular file), as before. */
		if ((rc = ge_out_open(&f[i], v[i].file, NULL, 0644, n > 1)) < 0)
			break;
		eo.color = v[i].color;
		if (emit_streams(fmt[i])) {
			rc = ge_emit(&f[i].buf, r, fmt[i], &eo);
		} else if ((rc = ge_emit(&whole, r, fmt[i], &eo)) == 0 &&
		           ge_buf_put(&f[i].buf, whole.ptr, whole.len) < 0) {
			rc = ge_error_set(GE_ENOMEM, "out of memory");
		}
		ge_buf_release(&whole);
		if (rc == 0)
			rc = ge_out_finish(&f[i]);
	}
	if (rc == 0 && nfiles == 1 && n == 1) {
		for (i = 0; i < n && rc == 0; i++)
			if (v[i].file)
				rc = ge_out_commit(&f[i]);
	} else if (rc == 0 && nfiles) {
		for (i = 0; i < n && rc == 0; i++)
			if (v[i].file)
				rc = ge_out_stage(&f[i], &st);
		if (rc == 0)
			rc = ge_stage_commit(&st);
	}
	for (i = 0; i < n && rc == 0; i++)
		if (!v[i].file) {
			eo.color = v[i].color;
			rc = ge_emit(to_stdout, r, fmt[i], &eo);
		}
done:
	ge_stage_abort(&st);
	for (i = 0; f && i < n; i++)
		ge_out_abort(&f[i]);
	free(f);
	free(fmt);
	return rc;
}

/* See emit.h. */
int ge_emit_outputs_check(const ge_emit_output *v, size_t n)
{
	size_t i, j, nstdout = 0;
	for (i = 0; i < n; i++) {
		if (!v[i].file && ++nstdout > 1)
			return ge_error_set(GE_EUSAGE, "only one output can go to standard output "
			                               "(give the others -o FILE)");
		for (j = 0; v[i].file && j < i; j++)
			if (v[j].file && strcmp(v[i].file, v[j].file) == 0)
				return ge_error_set(GE_EUSAGE, "two outputs to '%s'", v[i].file);
	}
	return 0;
}
