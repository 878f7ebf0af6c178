/*
 * lib/asserts: the outputs of a result (text, json, sarif, github); see
 * ge_assert_emit() in assert.h.
 */
#include <stdio.h>
#include <string.h>

#include "asserts.h"
#include "sarif.h"

static int text(ge_buf *out, const ge_assert_result *r)
{
	size_t i;
	int rc = 0;
	for (i = 0; i < r->n && rc == 0; i++)
		rc = ge_buf_printf(out, "%s:%u: %s: %s\n", r->v[i].file, r->v[i].line,
		                   r->v[i].source, r->v[i].reason);
	return rc;
}

/* The violations as a JSON array, each element on its own line after indent. */
static int violations_json(ge_buf *out, const ge_assert_result *r, const char *indent)
{
	size_t i;
	int rc = ge_buf_putc(out, '[');
	for (i = 0; i < r->n; i++) {
		const ge_assert_violation *v = &r->v[i];
		rc |= ge_buf_printf(out, "%s\n%s  {\"file\": ", i ? "," : "", indent);
		rc |= ge_buf_put_json(out, v->file);
		rc |= ge_buf_printf(
		    out,
		    ", \"line\": %u, \"kind\": \"%s\", \"rule\": \"%s\", \"source\": ", v->line,
		    ge_assert_kind_name(v->kind), ge_assert_rule(v->kind));
		rc |= ge_buf_put_json(out, v->source);
		rc |= ge_buf_puts(out, ", \"reason\": ");
		rc |= ge_buf_put_json(out, v->reason);
		rc |= ge_buf_puts(out, ", \"directive\": {\"file\": ");
		rc |= ge_buf_put_json(out, v->dfile);
		rc |= ge_buf_printf(out, ", \"line\": %u, \"column\": %u}}", v->dline, v->dcol);
	}
	if (r->n)
		rc |= ge_buf_printf(out, "\n%s", indent);
	rc |= ge_buf_putc(out, ']');
	return rc;
}

static int json(ge_buf *out, const ge_assert_result *r)
{
	int rc = 0;
	rc |= ge_buf_printf(out,
	                    "{\n  \"version\": \"goescape-assert/1\",\n  \"assertions\": %zu,\n"
	                    "  \"violated\": %zu,\n  \"violations\": ",
	                    r->nassertions, r->n);
	rc |= violations_json(out, r, "  ");
	rc |= ge_buf_puts(out, "\n}\n");
	return rc ? GE_ENOMEM : 0;
}

int ge_assert_report_json(ge_buf *out, const ge_assert_result *r)
{
	int rc = ge_buf_printf(out,
	                       ",\n  \"assertions\": {\"checked\": %zu, \"violated\": %zu, "
	                       "\"violations\": ",
	                       r->nassertions, r->n);
	rc |= violations_json(out, r, "  ");
	rc |= ge_buf_putc(out, '}');
	return rc ? GE_ENOMEM : 0;
}

static const struct {
	const char *name, *desc, *help;
} rules[] = {
    {"BadDirective", "A goescape or gcassert directive that is not understood.",
     "Fix the directive: the names are noescape, inline and bce, and the comment goes at the end "
     "of the line or directly above the statement or declaration."},
    {"NoEscape", "A //goescape:noescape line has a heap escape.",
     "Keep the value on the stack (see goescape suggest), or remove the directive."},
    {"Inline", "A call on a //goescape:inline line is not inlined.",
     "Make the callee cheap enough to inline (go build -gcflags=-m=2 says why it is not), or "
     "remove the directive."},
    {"BoundsCheck", "A //goescape:bce line keeps a bounds check.",
     "Prove the index in range to the compiler (a length check before the loop), or remove the "
     "directive."}};

/* A module-relative file name as a JSON string holding its URI reference. */
static int put_uri(ge_buf *out, const char *file)
{
	ge_buf u = GE_BUF_INIT;
	int rc = ge_sarif_put_uri_path(&u, file, 0);
	rc |= ge_buf_put_json(out, ge_buf_cstr(&u));
	ge_buf_release(&u);
	return rc;
}

static int sarif(ge_buf *out, const ge_assert_result *r, const char *srcroot)
{
	size_t i;
	int rc = 0;
	rc |= ge_buf_puts(out, GE_SARIF_LOG_HEAD);
	rc |= ge_sarif_put_tool_head(out);
	rc |= ge_buf_puts(out, ",\n\"rules\":[");
	for (i = 0; i < 4; i++) {
		rc |= ge_buf_printf(out, "%s{\"id\":\"%s\",\"name\":", i ? ",\n" : "\n",
		                    ge_assert_rule((ge_assert_kind)i));
		rc |= ge_buf_put_json(out, rules[i].name);
		rc |= ge_buf_puts(out, ",\"shortDescription\":{\"text\":");
		rc |= ge_buf_put_json(out, rules[i].desc);
		rc |= ge_buf_puts(out, "},\"fullDescription\":{\"text\":");
		rc |= ge_buf_put_json(out, rules[i].desc);
		rc |= ge_buf_puts(out, "},\"help\":{\"text\":");
		rc |= ge_buf_put_json(out, rules[i].help);
		rc |= ge_buf_puts(out, ",\"markdown\":");
		rc |= ge_buf_put_json(out, rules[i].help);
		rc |= ge_buf_puts(out,
		                  "},\"defaultConfiguration\":{\"level\":\"error\"},"
		                  "\"properties\":{\"tags\":[\"performance\"],"
		                  "\"precision\":\"very-high\",\"problem.severity\":\"error\"}}");
	}
	rc |= ge_buf_puts(out, "]}},\n\"originalUriBaseIds\":{\"%SRCROOT%\":{\"uri\":");
	{
		/* Percent-encoded: a root with a space, '#' or '%' is still one URI. */
		ge_buf u = GE_BUF_INIT;
		rc |= ge_buf_puts(&u, "file://");
		rc |= ge_sarif_put_uri_path(&u, srcroot ? srcroot : "", 1);
		if (!srcroot || strcmp(srcroot, "/") != 0)
			rc |= ge_buf_putc(&u, '/');
		rc |= ge_buf_put_json(out, ge_buf_cstr(&u));
		ge_buf_release(&u);
	}
	rc |= ge_buf_printf(out,
	                    "}},\n\"invocations\":[{\"executionSuccessful\":true,"
	                    "\"exitCode\":%d}],\n\"results\":[",
	                    r->n ? 1 : 0);
	for (i = 0; i < r->n; i++) {
		const ge_assert_violation *v = &r->v[i];
		ge_buf msg = GE_BUF_INIT;
		rc |= ge_buf_printf(out,
		                    "%s{\"ruleId\":\"%s\",\"ruleIndex\":%d,\"level\":\"error\","
		                    "\"message\":{\"text\":",
		                    i ? ",\n" : "\n", ge_assert_rule(v->kind), (int)v->kind);
		rc |= ge_buf_printf(&msg, "%s: %s.", v->source, v->reason);
		rc |= ge_buf_put_json(out, ge_buf_cstr(&msg));
		ge_buf_release(&msg);
		rc |=
		    ge_buf_puts(out, "},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":"
		                     "{\"uri\":");
		rc |= put_uri(out, v->file);
		rc |= ge_buf_printf(
		    out, ",\"uriBaseId\":\"%%SRCROOT%%\"},\"region\":{\"startLine\":%u}}}]",
		    v->line);
		if (strcmp(v->file, v->dfile) != 0 || v->line != v->dline) {
			rc |= ge_buf_puts(out,
			                  ",\"relatedLocations\":[{\"id\":0,\"message\":{\"text\":"
			                  "\"The directive.\"},\"physicalLocation\":"
			                  "{\"artifactLocation\":{\"uri\":");
			rc |= put_uri(out, v->dfile);
			rc |= ge_buf_printf(
			    out,
			    ",\"uriBaseId\":\"%%SRCROOT%%\"},\"region\":{\"startLine\":%u"
			    ",\"startColumn\":%u}}}]",
			    v->dline, v->dcol ? v->dcol : 1);
		}
		rc |= ge_buf_puts(out, ",\"partialFingerprints\":{\"goescapeAssert/v1\":");
		{
			ge_buf fp = GE_BUF_INIT;
			rc |= ge_buf_printf(&fp, "%s:%s:%s:%s", ge_assert_rule(v->kind), v->file,
			                    v->source, v->reason);
			rc |= ge_buf_printf(
			    out, "\"%016llx\"",
			    (unsigned long long)ge_hash_nospace(ge_buf_cstr(&fp), fp.len));
			ge_buf_release(&fp);
		}
		rc |= ge_buf_puts(out, "}}");
	}
	rc |= ge_buf_puts(out, "]}]}\n");
	return rc ? GE_ENOMEM : 0;
}

/* GitHub's workflow-command escaping: %, CR, LF; in properties also : and ,. */
static int gh(ge_buf *out, const char *s, int property)
{
	int rc = 0;
	for (; *s && rc == 0; s++) {
		if (*s == '%')
			rc = ge_buf_puts(out, "%25");
		else if (*s == '\r')
			rc = ge_buf_puts(out, "%0D");
		else if (*s == '\n')
			rc = ge_buf_puts(out, "%0A");
		else if (property && *s == ':')
			rc = ge_buf_puts(out, "%3A");
		else if (property && *s == ',')
			rc = ge_buf_puts(out, "%2C");
		else
			rc = ge_buf_putc(out, *s);
	}
	return rc;
}

int ge_assert_github(ge_buf *out, const ge_assert_result *r, const char *prefix)
{
	size_t i;
	int rc = 0;
	for (i = 0; i < r->n; i++) {
		const ge_assert_violation *v = &r->v[i];
		rc |= ge_buf_puts(out, "::error file=");
		if (prefix)
			rc |= gh(out, prefix, 1);
		rc |= gh(out, v->file, 1);
		rc |= ge_buf_printf(out, ",line=%u,title=goescape %s %s::", v->line,
		                    ge_assert_rule(v->kind), ge_assert_kind_name(v->kind));
		rc |= gh(out, v->source, 0);
		rc |= ge_buf_puts(out, ": ");
		rc |= gh(out, v->reason, 0);
		rc |= ge_buf_putc(out, '\n');
	}
	return rc ? GE_ENOMEM : 0;
}

int ge_assert_emit(ge_buf *out, const ge_assert_result *r, const char *format, const char *srcroot)
{
	if (!format || strcmp(format, "text") == 0)
		return text(out, r);
	if (strcmp(format, "json") == 0)
		return json(out, r);
	if (strcmp(format, "sarif") == 0)
		return sarif(out, r, srcroot);
	if (strcmp(format, "github") == 0)
		return ge_assert_github(out, r, NULL);
	return ge_error_set(GE_EUSAGE, "unknown format '%s' (want text, json, sarif or github)",
	                    format);
}

void ge_assert_opts_off(ge_assert_opts *o, const int assert_off[3])
{
	o->off[GE_ASSERT_NOESCAPE] = assert_off[0];
	o->off[GE_ASSERT_INLINE] = assert_off[1];
	o->off[GE_ASSERT_BCE] = assert_off[2];
}

int ge_assert_gate_text(ge_buf *out, const ge_assert_result *r)
{
	if (!r || !r->n)
		return 0;
	if (ge_buf_printf(out, "goescape: %zu of %zu assertion%s violated:\n", r->n, r->nassertions,
	                  r->nassertions == 1 ? "" : "s") < 0)
		return GE_ENOMEM;
	return text(out, r);
}

int ge_assert_build_summary(ge_buf *out, ge_history *h, const ge_report *r, const int assert_off[3])
{
	ge_assert_result *res = NULL;
	ge_assert_opts ao = GE_ASSERT_OPTS_INIT;
	size_t i, n = 0;
	int rc = 0;
	ge_assert_opts_off(&ao, assert_off);
	ao.head = r;
	ao.heap_files_only = 1;
	ao.off[GE_ASSERT_INLINE] = ao.off[GE_ASSERT_BCE] = 1;
	if (ge_assert_run(&res, h, &ao) == 0)
		for (i = 0; i < res->n; i++)
			n += res->v[i].kind == GE_ASSERT_NOESCAPE;
	if (n)
		rc = ge_buf_printf(out,
		                   "goescape: %zu noescape assertion%s violated (see 'goescape "
		                   "assert', which checks inline and bce too)\n",
		                   n, n == 1 ? "" : "s");
	ge_assert_result_free(res);
	ge_error_clear();
	return rc;
}
