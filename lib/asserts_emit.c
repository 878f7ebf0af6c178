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

static int json(ge_buf *out, const ge_assert_result *r)
{
	size_t i;
	int rc = 0;
	rc |= ge_buf_printf(out,
	                    "{\n  \"version\": \"goescape-assert/1\",\n  \"assertions\": %zu,\n"
	                    "  \"violated\": %zu,\n  \"violations\": [",
	                    r->nassertions, r->n);
	for (i = 0; i < r->n; i++) {
		const ge_assert_violation *v = &r->v[i];
		rc |= ge_buf_puts(out, i ? ",\n    {\"file\": " : "\n    {\"file\": ");
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
	rc |= ge_buf_puts(out, r->n ? "\n  ]\n}\n" : "]\n}\n");
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
		ge_buf u = GE_BUF_INIT;
		rc |= ge_buf_printf(&u, "file://%s/", srcroot ? srcroot : "");
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
		rc |= ge_buf_put_json(out, v->file);
		rc |= ge_buf_printf(
		    out, ",\"uriBaseId\":\"%%SRCROOT%%\"},\"region\":{\"startLine\":%u}}}]",
		    v->line);
		if (strcmp(v->file, v->dfile) != 0 || v->line != v->dline) {
			rc |= ge_buf_puts(out,
			                  ",\"relatedLocations\":[{\"id\":0,\"message\":{\"text\":"
			                  "\"The directive.\"},\"physicalLocation\":"
			                  "{\"artifactLocation\":{\"uri\":");
			rc |= ge_buf_put_json(out, v->dfile);
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

static int github(ge_buf *out, const ge_assert_result *r)
{
	size_t i;
	int rc = 0;
	for (i = 0; i < r->n; i++) {
		const ge_assert_violation *v = &r->v[i];
		rc |= ge_buf_puts(out, "::error file=");
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
		return github(out, r);
	return ge_error_set(GE_EUSAGE, "unknown format '%s' (want text, json, sarif or github)",
	                    format);
}
