/*
 * SARIF 2.1.0 output (see lib/sarif.h for the contract).
 *
 * The log is written as text straight into the output buffer, one result a
 * line: a tree of 25,000 results with code flows would cost many times the
 * output's size.  Results are rendered twice, first only to measure them,
 * so the ones that fit GitHub's limits can be chosen before any is written.
 */
#include "sarif.h"
#include "cost.h"
#include "sarif_loc.h"

#include <zlib.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- rules ---------------------------------------------------------------- */

typedef struct rule {
	const char *id, *name, *level, *severity;
	const char *short_desc, *full_desc, *help_text, *help_md;
	const char *tags; /* JSON array body */
} rule;

/* Indexed by ge_kind; rewrite rules will follow as GE2xxx. */
static const rule rules[] = {
    {"GE1001", "MovedToHeap", "warning", "warning", "Local variable moved to the heap",
     "The Go compiler's escape analysis could not prove that this local variable is dead "
     "when its function returns, so the variable is allocated on the heap instead of in the "
     "stack frame.",
     "The compiler moved a local variable to the heap (go build -gcflags=-m says \"moved to "
     "heap: x\"). Why it costs: every call of the function now allocates, and the garbage "
     "collector has to find and free the variable later. Common causes: the variable's address "
     "is returned or stored in something that outlives the call, it is captured by a closure "
     "that escapes, or it is too large or variably sized for the stack. How to fix: return the "
     "value instead of a pointer to it, let the caller pass the memory in (a pointer "
     "parameter, a buffer), keep closures that capture it from escaping, or give it a constant "
     "size. goescape check shows the -m=2 explanation of a new one as a code flow.",
     "**Moved to heap.** The compiler's escape analysis could not prove that this local "
     "variable is dead when the function returns, so it is allocated on the heap "
     "(`go build -gcflags=-m` prints `moved to heap: x`).\n\n"
     "**Why it costs.** Every call of the function allocates, and the garbage collector has "
     "to scan and free the variable later: more CPU, more GC pauses, worse cache use.\n\n"
     "**Common causes.**\n\n"
     "- its address is returned or stored in a longer-lived value (a global, a field, a "
     "slice, a map, a channel);\n"
     "- a closure that escapes captures it;\n"
     "- it is too large, or variably sized, for the stack.\n\n"
     "**How to fix.** Return the value rather than a pointer to it; let the caller pass the "
     "memory in (a pointer parameter or a buffer it owns); keep closures that capture it "
     "local; give buffers a constant size. `go build -gcflags=-m=2` explains the flow that "
     "forced the move; goescape shows it as the result's code flow.",
     "\"performance\",\"go\",\"escape-analysis\",\"heap-allocation\""},
    {"GE1002", "EscapesToHeap", "warning", "warning", "Value escapes to the heap",
     "The Go compiler's escape analysis found that this value (a composite literal, a "
     "conversion, a closure, an interface box, an append) outlives its stack frame, so it is "
     "allocated on the heap.",
     "A value escapes to the heap (go build -gcflags=-m says \"X escapes to heap\"). Why it "
     "costs: the expression allocates every time it runs, and the garbage collector has to "
     "free it later. Common causes: the value is returned by pointer or stored in something "
     "that outlives the call; it is converted to an interface (fmt.Sprintf(\"%d\", n) boxes n); "
     "a []byte(string) or string([]byte) conversion whose result escapes; an append that "
     "grows a slice that escapes; a closure that is returned or stored. How to fix: keep the "
     "value local or pass the destination in; format integers with strconv.AppendInt into a "
     "stack buffer instead of fmt.Sprintf or []byte(strconv.Itoa(n)); preallocate slices "
     "with a constant capacity; avoid interface parameters on hot paths.",
     "**Escapes to heap.** The compiler's escape analysis found that this value outlives the "
     "function's stack frame, so the expression allocates on the heap "
     "(`go build -gcflags=-m` prints `X escapes to heap`).\n\n"
     "**Why it costs.** The allocation happens every time the expression runs, and the "
     "garbage collector has to scan and free the value later.\n\n"
     "**Common causes.**\n\n"
     "- the value (or a pointer to it) is returned or stored in a longer-lived value;\n"
     "- it is converted to an interface: `fmt.Sprintf(\"%d\", n)` boxes `n`;\n"
     "- a `[]byte(s)` / `string(b)` conversion or an `append` whose result escapes;\n"
     "- a closure (`func literal`) that is returned or stored.\n\n"
     "**How to fix.** Keep the value local, or let the caller pass the destination in. "
     "Format integers without boxing: `strconv.AppendInt(buf[:0], int64(n), 10)` with "
     "`var buf [20]byte` on the stack instead of `[]byte(strconv.Itoa(n))` or "
     "`fmt.Sprintf(\"%d\", n)`. Preallocate slices with a constant capacity. "
     "`go build -gcflags=-m=2` explains the flow; goescape shows it as the result's code flow.",
     "\"performance\",\"go\",\"escape-analysis\",\"heap-allocation\""},
    {"GE1003", "LeakingParam", "note", "recommendation", "Parameter leaks",
     "The Go compiler's escape analysis found that a parameter (or what it points to) flows "
     "to the heap or to a result, so arguments passed for it may have to be heap allocated "
     "by the callers.",
     "A parameter leaks (go build -gcflags=-m says \"leaking param: p\" or \"leaking param "
     "content: p\"). This is informational: it allocates nothing by itself, but an argument "
     "for p cannot stay on the caller's stack when the parameter leaks to the heap, so the "
     "cost shows up as heap escapes in the callers. A leak to a result only ties the "
     "argument's lifetime to the result's. How to fix, where a caller's escape matters: do "
     "not store the parameter in a global, a field or a channel, copy what you keep, or "
     "accept a value instead of a pointer.",
     "**Leaking param.** The compiler's escape analysis found that a parameter, or what it "
     "points to (`leaking param content`), flows to the heap or to a result.\n\n"
     "**Why it matters.** Informational: the function allocates nothing because of it, but "
     "an argument passed for the parameter cannot stay on the caller's stack when the "
     "parameter leaks to the heap, so the cost appears as heap escapes in the callers.\n\n"
     "**How to fix,** where a caller's escape matters: do not keep the parameter in a global, "
     "a field, a map or a channel; copy what you need to keep; take a value instead of a "
     "pointer.",
     "\"performance\",\"go\",\"escape-analysis\",\"informational\""},
    {"GE2001", "IntegerFormattingRewrite", "note", "recommendation",
     "Integer formatting that allocates, with a verified rewrite",
     "An integer is formatted through fmt or converted from a string to bytes, which "
     "allocates; goescape suggest found a strconv rewrite that compiles and removes heap "
     "escapes.",
     "goescape suggest rewrites []byte(strconv.Itoa(x)), fmt.Sprintf(\"%d\", x), fmt.Sprint(x) "
     "and their append forms into strconv.Itoa / FormatInt / FormatUint / AppendInt / "
     "AppendUint, over a stack buffer when the bytes are used at once. Why it costs: "
     "fmt boxes its argument into an interface and []byte(string) copies; both allocate. "
     "Every rewrite shown was built with the compiler and leaves its function with fewer "
     "heap escapes.",
     "**Integer formatting rewrite.** `fmt.Sprintf(\"%d\", x)` boxes `x` into an interface "
     "and `[]byte(strconv.Itoa(x))` copies a fresh string: both allocate. goescape suggest "
     "replaces them with `strconv.Itoa`, `strconv.FormatInt`/`FormatUint`, or "
     "`strconv.AppendInt`/`AppendUint` over `var buf [20]byte` on the stack.\n\n"
     "**Verified.** Each rewrite was compiled with the others of its package and leaves its "
     "function with fewer heap escapes and none it did not have.",
     "\"performance\",\"go\",\"escape-analysis\",\"fix\""},
};

/* The rules that describe diagnostics, indexed by ge_kind. */
#define RULE_REWRITE 3

#define NOTIFY_ID "GE9001"

int ge_sarif_put_tool_head(ge_buf *b)
{
	int rc = 0;
	rc |= ge_buf_printf(b,
	                    "\"tool\":{\"driver\":{\"name\":\"goescape\",\"version\":\"%s\","
	                    "\"semanticVersion\":\"%s\"",
	                    ge_version(), ge_version());
	if (ge_sarif_info_uri[0]) {
		rc |= ge_buf_puts(b, ",\"informationUri\":");
		rc |= ge_buf_put_json(b, ge_sarif_info_uri);
	}
	return rc ? GE_ENOMEM : 0;
}

static int put_driver(ge_buf *b)
{
	size_t i;
	int rc = 0;
	rc |= ge_sarif_put_tool_head(b);
	rc |= ge_buf_puts(b, ",\n\"rules\":[");
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const rule *u = &rules[i];
		rc |= ge_buf_puts(b, i ? ",\n{\"id\":" : "\n{\"id\":");
		rc |= ge_buf_put_json(b, u->id);
		rc |= ge_buf_puts(b, ",\"name\":");
		rc |= ge_buf_put_json(b, u->name);
		rc |= ge_buf_puts(b, ",\"shortDescription\":{\"text\":");
		rc |= ge_buf_put_json(b, u->short_desc);
		rc |= ge_buf_puts(b, "},\"fullDescription\":{\"text\":");
		rc |= ge_buf_put_json(b, u->full_desc);
		rc |= ge_buf_puts(b, "},\"help\":{\"text\":");
		rc |= ge_buf_put_json(b, u->help_text);
		rc |= ge_buf_puts(b, ",\"markdown\":");
		rc |= ge_buf_put_json(b, u->help_md);
		rc |= ge_buf_puts(b, "},\"helpUri\":\"" GE_SARIF_HELP_URI "\"");
		rc |= ge_buf_printf(b,
		                    ",\"defaultConfiguration\":{\"level\":\"%s\"},"
		                    "\"properties\":{\"tags\":[%s],\"precision\":\"very-high\","
		                    "\"problem.severity\":\"%s\"}}",
		                    u->level, u->tags, u->severity);
	}
	rc |= ge_buf_puts(
	    b, "],\n\"notifications\":[{\"id\":\"" NOTIFY_ID "\","
	       "\"name\":\"ResultsLimited\",\"shortDescription\":{\"text\":"
	       "\"Results left out to stay within GitHub's limits.\"},"
	       "\"fullDescription\":{\"text\":\"GitHub code scanning accepts at most "
	       "25,000 results per run and 10 MB of gzipped SARIF; goescape keeps the "
	       "most important results and leaves out the rest.\"},"
	       "\"help\":{\"text\":\"Too many results for one upload: look at the "
	       "whole report with --format text or json, or fix or baseline the "
	       "existing escapes.\",\"markdown\":\"Too many results for one upload: "
	       "look at the whole report with `--format text` or `--format json`, or fix "
	       "or baseline the existing escapes.\"},"
	       "\"defaultConfiguration\":{\"level\":\"warning\"}}]}}");
	return rc ? GE_ENOMEM : 0;
}

/* ---- results -------------------------------------------------------------- */

enum { PRIO_NEW_HEAP, PRIO_HEAP, PRIO_LEAK, PRIO_FIXED, NPRIO };

typedef struct entry {
	const ge_diag *d;
	size_t size;
	unsigned char prio, fixed, keep;
} entry;

static int put_message(ge_buf *b, const ge_diag *d, int fixed)
{
	ge_buf m = GE_BUF_INIT;
	int rc = 0;
	if (fixed)
		rc |= ge_buf_puts(&m, "Fixed: ");
	rc |= ge_buf_puts(&m, d->message && *d->message ? d->message : ge_kind_name(d->kind));
	if (ge_diag_count(d) > 1)
		rc |= ge_buf_printf(&m, " \xc3\x97%u", ge_diag_count(d)); /* N allocation sites */
	if (d->function && *d->function)
		rc |= ge_buf_printf(&m, " (in %s", d->function);
	else
		rc |= ge_buf_puts(&m, " (at package level");
	if (!fixed && d->status == GE_STATUS_MOVED && ge_diag_from_file(d))
		rc |= ge_buf_printf(&m, "; moved from %s in %s",
		                    ge_diag_from_function(d) && *ge_diag_from_function(d)
		                        ? ge_diag_from_function(d)
		                        : "package level",
		                    ge_diag_from_file(d));
	rc |= ge_buf_puts(&m, ").");
	rc |= ge_buf_puts(b, "\"message\":{\"text\":");
	rc |= ge_buf_put_json(b, m.ptr);
	rc |= ge_buf_putc(b, '}');
	ge_buf_release(&m);
	return rc ? GE_ENOMEM : 0;
}

/*
 * Where an explanation's "at FILE:LINE:COL" is: FILE as the compiler printed
 * it, relative to the directory go ran in (the module root) or, replayed from
 * the build cache, to another one; tried as it stands, then as a file of the
 * diagnostic's own directory.  Sets *rel (malloc'd, relative to srcroot) or
 * leaves it NULL when the file is not inside srcroot.
 */
static int map_path(char **rel, const ge_sarif__ctx *c, const ge_diag *d, const char *file,
                    size_t n)
{
	char *printed = NULL, *abs = NULL;
	const char *in;
	int rc = 0;
	*rel = NULL;
	if (!c->srcroot || n == 0 || file[0] == '<')
		return 0;
	if (!(printed = ge_strndup(file, n)))
		return ge_error_set(GE_ENOMEM, "out of memory");
	if (!(abs = ge_path_join(c->srcroot, printed))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	in = ge_path_within(abs, c->srcroot);
	if (in && access(abs, R_OK) == 0) {
		if (!(*rel = ge_strdup(in)))
			rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	if (printed[0] != '/') {
		const char *base = strrchr(printed, '/'), *dslash = strrchr(d->file, '/');
		ge_buf alt = GE_BUF_INIT;
		base = base ? base + 1 : printed;
		free(abs);
		abs = NULL;
		if (ge_buf_put(&alt, d->file, dslash ? (size_t)(dslash - d->file + 1) : 0) < 0 ||
		    ge_buf_puts(&alt, base) < 0 || !(abs = ge_path_join(c->srcroot, alt.ptr))) {
			ge_buf_release(&alt);
			rc = ge_error_set(GE_ENOMEM, "out of memory");
			goto done;
		}
		ge_buf_release(&alt);
		in = ge_path_within(abs, c->srcroot);
		if (in && access(abs, R_OK) == 0 && !(*rel = ge_strdup(in)))
			rc = ge_error_set(GE_ENOMEM, "out of memory");
	}
done:
	free(printed);
	free(abs);
	return rc;
}

/* Parse "from X (why) at FILE:LINE[:COL]" into its parts; 0 if not one. */
static int parse_from(const char *s, size_t n, const char **what, size_t *what_len,
                      const char **file, size_t *file_len, uint32_t *line, uint32_t *col)
{
	const char *at = NULL, *p, *end = s + n, *c1, *c2;
	unsigned long v1, v2 = 0;
	char *e;
	for (p = s; p + 4 <= end; p++)
		if (memcmp(p, " at ", 4) == 0)
			at = p;
	if (!at)
		return 0;
	*what = s;
	*what_len = (size_t)(at - s);
	p = at + 4;
	/* FILE:LINE:COL, FILE may hold ':' itself: take numbers from the end. */
	c2 = NULL;
	for (c1 = end; c1 > p; c1--)
		if (c1[-1] == ':')
			break;
	if (c1 <= p)
		return 0;
	c1--;
	v1 = strtoul(c1 + 1, &e, 10);
	if (e != end || e == c1 + 1)
		return 0;
	for (c2 = c1; c2 > p; c2--)
		if (c2[-1] == ':')
			break;
	if (c2 > p) {
		const char *num = c2;
		c2--;
		v2 = v1;
		v1 = strtoul(num, &e, 10);
		if (e != c1 || e == num) {
			/* Only FILE:LINE. */
			v1 = v2;
			v2 = 0;
			c2 = c1;
		}
	} else {
		c2 = c1;
	}
	*file = p;
	*file_len = (size_t)(c2 - p);
	*line = (uint32_t)v1;
	*col = (uint32_t)v2;
	return *file_len > 0 && v1 > 0;
}

/* One threadFlowLocation: message, and where it is when that can be said. */
static int put_flow_location(ge_buf *b, ge_sarif__ctx *c, const ge_diag *d, const char *file,
                             size_t file_len, uint32_t line, uint32_t col, const char *msg,
                             int first)
{
	char *rel = NULL;
	int rc = 0;
	if (file && (rc = map_path(&rel, c, d, file, file_len)) < 0)
		return rc;
	rc |= ge_buf_puts(b, first ? "{\"location\":{" : ",{\"location\":{");
	if (rel) {
		ge_sarif__file *f = ge_sarif__file_get(c, rel);
		const char *text = NULL;
		size_t len = 0;
		if (!f) {
			free(rel);
			return GE_ENOMEM;
		}
		text = ge_sarif__file_line(f, line, &len);
		rc |= ge_buf_puts(b, "\"physicalLocation\":{");
		rc |= ge_sarif__put_artifact(b, c, rel);
		rc |= ge_buf_putc(b, ',');
		rc |= ge_sarif__put_region(b, f, text, len, line, col, 0);
		rc |= ge_buf_puts(b, "},");
	}
	rc |= ge_buf_puts(b, "\"message\":{\"text\":");
	rc |= ge_buf_put_json(b, msg);
	rc |= ge_buf_puts(b, "}}}");
	free(rel);
	return rc ? GE_ENOMEM : 0;
}

/*
 * codeFlows from an -m=2 explanation: a heading ("x escapes to heap in F:"),
 * then "flow: a ← b:" lines, each followed by "from X (why) at FILE:L:C"
 * steps.  Every step is a threadFlowLocation; a flow line is said in the
 * message of the step after it.
 */
static int put_code_flows(ge_buf *b, ge_sarif__ctx *c, const ge_diag *d, const char *ex)
{
	ge_buf flow = GE_BUF_INIT, msg = GE_BUF_INIT, body = GE_BUF_INIT, head = GE_BUF_INIT;
	const char *p = ex;
	size_t nloc = 0;
	int rc = 0;
	while (*p && rc == 0) {
		const char *eol = strchr(p, '\n'), *s = p;
		size_t n;
		if (!eol)
			eol = p + strlen(p);
		while (s < eol && (*s == ' ' || *s == '\t'))
			s++;
		n = (size_t)(eol - s);
		if (p == ex) {
			/* The heading, without its colon. */
			rc = ge_buf_put(&head, s, n && s[n - 1] == ':' ? n - 1 : n);
		} else if (n > 6 && memcmp(s, "flow: ", 6) == 0) {
			if (flow.len)
				rc |= ge_buf_puts(&flow, "; ");
			rc |= ge_buf_put(&flow, s, s[n - 1] == ':' ? n - 1 : n);
		} else if (n > 5 && memcmp(s, "from ", 5) == 0 && nloc < 1000) {
			const char *what, *file;
			size_t wl, fl;
			uint32_t line, col;
			ge_buf_clear(&msg);
			if (flow.len) {
				rc |= ge_buf_put(&msg, flow.ptr, flow.len);
				rc |= ge_buf_puts(&msg, ": ");
				ge_buf_clear(&flow);
			}
			if (parse_from(s + 5, n - 5, &what, &wl, &file, &fl, &line, &col)) {
				rc |= ge_buf_puts(&msg, "from ");
				rc |= ge_buf_put(&msg, what, wl);
				if (rc == 0)
					rc = put_flow_location(&body, c, d, file, fl, line, col,
					                       msg.ptr, nloc == 0);
			} else {
				rc |= ge_buf_put(&msg, s, n);
				if (rc == 0)
					rc = put_flow_location(&body, c, d, NULL, 0, 0, 0, msg.ptr,
					                       nloc == 0);
			}
			nloc++;
		}
		p = *eol ? eol + 1 : eol;
	}
	if (rc == 0 && flow.len && nloc < 1000) {
		rc = put_flow_location(&body, c, d, NULL, 0, 0, 0, flow.ptr, nloc == 0);
		nloc++;
	}
	if (rc == 0 && nloc) {
		rc |= ge_buf_puts(b, ",\"codeFlows\":[{\"message\":{\"text\":");
		rc |= ge_buf_put_json(b, head.len ? head.ptr : "how the value reaches the heap");
		rc |= ge_buf_puts(b, "},\"threadFlows\":[{\"locations\":[");
		rc |= ge_buf_put(b, body.ptr, body.len);
		rc |= ge_buf_puts(b, "]}]}]");
	}
	ge_buf_release(&flow);
	ge_buf_release(&msg);
	ge_buf_release(&body);
	ge_buf_release(&head);
	return rc ? (rc < 0 ? rc : GE_ENOMEM) : 0;
}

static const char *result_level(const ge_sarif__ctx *c, const ge_diag *d, int fixed)
{
	if (!ge_kind_is_heap(d->kind))
		return "note";
	if (!c->o->check)
		return "warning";
	return !fixed && d->status == GE_STATUS_NEW ? "error" : "note";
}

/* --profile: result.rank, the share of the profile's bytes as 0 to 100. */
static int put_rank(ge_buf *b, const ge_diag_cost *dc)
{
	return ge_buf_printf(b, ",\"rank\":%.1f", dc->share * 100 > 100 ? 100.0 : dc->share * 100);
}

static int put_result(ge_buf *b, ge_sarif__ctx *c, const ge_diag *d, int fixed)
{
	const rule *u = &rules[(unsigned)d->kind < 3 ? d->kind : GE_KIND_ESCAPES];
	ge_sarif__file *f = ge_sarif__file_get(c, d->file);
	const char *text = NULL;
	const ge_diag_cost *dc;
	size_t len = 0;
	char fp[17];
	int rc = 0;
	if (!f)
		return GE_ENOMEM;
	text = ge_sarif__diag_line(f, d, &len);
	rc |= ge_buf_printf(b, "{\"ruleId\":\"%s\",\"ruleIndex\":%u,\"level\":\"%s\",", u->id,
	                    (unsigned)(u - rules), result_level(c, d, fixed));
	rc |= put_message(b, d, fixed);
	rc |= ge_buf_puts(b, ",\"locations\":[{\"physicalLocation\":{");
	rc |= ge_sarif__put_artifact(b, c, d->file);
	rc |= ge_buf_putc(b, ',');
	rc |= ge_sarif__put_region(b, f, text, len, d->line, d->column, 1);
	rc |= ge_buf_putc(b, '}');
	if (d->function && *d->function) {
		rc |= ge_buf_puts(b, ",\"logicalLocations\":[{\"name\":");
		rc |= ge_buf_put_json(b, d->function);
		if (d->package && *d->package) {
			ge_buf fq = GE_BUF_INIT;
			rc |= ge_buf_printf(&fq, "%s.%s", d->package, d->function);
			rc |= ge_buf_puts(b, ",\"fullyQualifiedName\":");
			rc |= ge_buf_put_json(b, fq.ptr);
			ge_buf_release(&fq);
		}
		rc |= ge_buf_puts(b, ",\"kind\":\"function\"}]");
	}
	rc |= ge_buf_puts(b, "}],\"partialFingerprints\":{");
	if (text && ge_sarif__put_line_hash(b, f, d->line) < 0)
		return GE_ENOMEM;
	ge_diag_fingerprint(d, fp);
	rc |= ge_buf_printf(b, "\"goescape/v1\":\"%s\"}", fp);
	if (c->o->check)
		rc |= ge_buf_printf(b, ",\"baselineState\":\"%s\"",
		                    fixed                          ? "absent"
		                    : d->status == GE_STATUS_NEW   ? "new"
		                    : d->status == GE_STATUS_MOVED ? "updated"
		                                                   : "unchanged");
	/* --profile: the rank from the share of the bytes, and the bytes. */
	dc = !fixed && c->o->cost && d >= c->r->diags && d < c->r->diags + c->r->ndiags &&
	             (size_t)(d - c->r->diags) < c->o->ncost
	         ? &c->o->cost[d - c->r->diags]
	         : NULL;
	if (dc)
		rc |= put_rank(b, dc);
	/* The allocation sites at the position, and where moved code was. */
	if (dc) {
		rc |= ge_buf_printf(b,
		                    ",\"properties\":{\"bytes\":%" PRId64 ",\"objects\":%" PRId64
		                    ",\"viaBytes\":%" PRId64 ",\"count\":%u",
		                    dc->bytes, dc->objects, dc->via_bytes, ge_diag_count(d));
		if (dc->via_callee) {
			rc |= ge_buf_puts(b, ",\"viaCallee\":");
			rc |= ge_buf_put_json(b, dc->via_callee);
		}
		if (d->status == GE_STATUS_MOVED && ge_diag_from_file(d)) {
			rc |= ge_buf_puts(b, ",\"movedFrom\":{\"file\":");
			rc |= ge_buf_put_json(b, ge_diag_from_file(d));
			rc |= ge_buf_puts(b, ",\"function\":");
			rc |= ge_buf_put_json(b, ge_diag_from_function(d) ? ge_diag_from_function(d)
			                                                  : "");
			rc |= ge_buf_putc(b, '}');
		}
		rc |= ge_buf_putc(b, '}');
	} else if (ge_diag_count(d) > 1 ||
	           (!fixed && d->status == GE_STATUS_MOVED && ge_diag_from_file(d))) {
		rc |= ge_buf_printf(b, ",\"properties\":{\"count\":%u", ge_diag_count(d));
		if (!fixed && d->status == GE_STATUS_MOVED && ge_diag_from_file(d)) {
			rc |= ge_buf_puts(b, ",\"movedFrom\":{\"file\":");
			rc |= ge_buf_put_json(b, ge_diag_from_file(d));
			rc |= ge_buf_puts(b, ",\"function\":");
			rc |= ge_buf_put_json(b, ge_diag_from_function(d) ? ge_diag_from_function(d)
			                                                  : "");
			rc |= ge_buf_putc(b, '}');
		}
		rc |= ge_buf_putc(b, '}');
	}
	if (fixed)
		rc |= ge_buf_puts(b, ",\"suppressions\":[{\"kind\":\"external\",\"status\":"
		                     "\"accepted\",\"justification\":\"Fixed: the base "
		                     "revision has it, this one does not.\"}]");
	if (rc == 0 && !fixed && d->explain && d->explain <= c->r->nexplain &&
	    ge_kind_is_heap(d->kind) && (!c->o->check || d->status == GE_STATUS_NEW))
		rc = put_code_flows(b, c, d, c->r->explain[d->explain - 1]);
	if (rc == 0)
		rc = ge_buf_putc(b, '}');
	return rc ? (rc < 0 ? rc : GE_ENOMEM) : 0;
}

/* ---- the run -------------------------------------------------------------- */

/* The nearest directory at or above dir that holds .git; malloc'd, or NULL. */
static char *find_work_tree(const char *dir)
{
	char *d = ge_strdup(dir), *slash;
	ge_buf probe = GE_BUF_INIT;
	if (!d)
		return NULL;
	for (;;) {
		ge_buf_clear(&probe);
		if (ge_buf_printf(&probe, "%s/.git", strcmp(d, "/") ? d : "") < 0)
			break;
		if (access(probe.ptr, F_OK) == 0) {
			ge_buf_release(&probe);
			return d;
		}
		slash = strrchr(d, '/');
		if (!slash || slash == d)
			break;
		*slash = '\0';
	}
	ge_buf_release(&probe);
	free(d);
	return NULL;
}

static int ctx_init(ge_sarif__ctx *c, const ge_report *r, const ge_sarif_opts *o)
{
	const char *in;
	memset(c, 0, sizeof(*c));
	c->r = r;
	c->o = o;
	if (o->srcroot && o->srcroot[0] == '/') {
		if (!(c->srcroot = ge_strdup(o->srcroot)))
			goto nomem;
		ge_path_clean(c->srcroot);
		if (o->repo_root && o->repo_root[0] == '/') {
			if (!(c->root = ge_strdup(o->repo_root)))
				goto nomem;
			ge_path_clean(c->root);
		} else {
			c->root = find_work_tree(c->srcroot);
		}
		if (c->root && strcmp(c->root, c->srcroot) != 0) {
			in = ge_path_within(c->srcroot, c->root);
			if (!in) {
				free(c->root);
				c->root = NULL;
			} else {
				ge_buf p = GE_BUF_INIT;
				if (ge_sarif__put_uri_part(&p, in, strlen(in), 0) < 0 ||
				    ge_buf_putc(&p, '/') < 0) {
					ge_buf_release(&p);
					goto nomem;
				}
				c->prefix = ge_buf_detach(&p);
			}
		}
		if (!c->root && !(c->root = ge_strdup(c->srcroot)))
			goto nomem;
	}
	if (!c->prefix && !(c->prefix = ge_strdup("")))
		goto nomem;
	return 0;
nomem:
	return ge_error_set(GE_ENOMEM, "out of memory");
}

static void ctx_release(ge_sarif__ctx *c)
{
	size_t i;
	for (i = 0; i < NCACHE; i++)
		ge_sarif__file_release(&c->cache[i]);
	free(c->srcroot);
	free(c->root);
	free(c->prefix);
}

/* Everything of the run before "results", without the invocation. */
static int put_run_head(ge_buf *b, const ge_sarif__ctx *c)
{
	const ge_sarif_opts *o = c->o;
	char *repo = o->repo_uri ? ge_sarif_repo_uri(o->repo_uri) : NULL;
	int rc = 0;
	rc |= put_driver(b);
	rc |= ge_buf_puts(b, ",\n\"originalUriBaseIds\":{\"%SRCROOT%\":{");
	if (c->root) {
		rc |= ge_buf_puts(b, "\"uri\":\"file://");
		rc |= ge_sarif__put_uri_part(b, c->root, strlen(c->root), 1);
		rc |= ge_buf_puts(b, strcmp(c->root, "/") ? "/\"}}" : "\"}}");
	} else {
		rc |= ge_buf_puts(b, "\"description\":{\"text\":\"The directory that report paths "
		                     "are relative to.\"}}}");
	}
	if (repo) {
		rc |= ge_buf_puts(b, ",\n\"versionControlProvenance\":[{\"repositoryUri\":");
		rc |= ge_buf_put_json(b, repo);
		if (o->revision && *o->revision) {
			rc |= ge_buf_puts(b, ",\"revisionId\":");
			rc |= ge_buf_put_json(b, o->revision);
		}
		if (o->branch && *o->branch) {
			rc |= ge_buf_puts(b, ",\"branch\":");
			rc |= ge_buf_put_json(b, o->branch);
		}
		if (c->root)
			rc |= ge_buf_puts(b, ",\"mappedTo\":{\"uriBaseId\":\"%SRCROOT%\"}");
		rc |= ge_buf_puts(b, "}]");
	}
	rc |= ge_buf_puts(b, ",\n\"columnKind\":\"utf16CodeUnits\"");
	free(repo);
	return rc ? GE_ENOMEM : 0;
}

static const char *const prio_names[NPRIO] = {"new heap escapes", "heap escapes", "leaking params",
                                              "fixed heap escapes"};

static int put_invocation(ge_buf *b, const ge_sarif__ctx *c, const size_t total[NPRIO],
                          const size_t kept[NPRIO], size_t max_results, size_t max_bytes)
{
	const ge_sarif_opts *o = c->o;
	size_t all = 0, in = 0, i;
	int rc = 0, first = 1;
	for (i = 0; i < NPRIO; i++) {
		all += total[i];
		in += kept[i];
	}
	rc |=
	    ge_buf_printf(b, ",\n\"invocations\":[{\"executionSuccessful\":%s,\"exitCode\":%d",
	                  o->exit_code == 0 || o->exit_code == 1 ? "true" : "false", o->exit_code);
	if (o->command_line) {
		rc |= ge_buf_puts(b, ",\"commandLine\":");
		rc |= ge_buf_put_json(b, o->command_line);
	}
	if (in < all) {
		ge_buf m = GE_BUF_INIT;
		rc |= ge_buf_printf(
		    &m,
		    "goescape found %zu results but wrote only the %zu most important, "
		    "to stay within GitHub code scanning's limits: at most %zu results "
		    "per run, and here at most %zu bytes of SARIF (GitHub takes 10 MB "
		    "gzipped). Left out:",
		    all, in, max_results, max_bytes);
		for (i = 0; i < NPRIO; i++) {
			if (kept[i] == total[i])
				continue;
			rc |= ge_buf_printf(&m, "%s %zu of %zu %s", first ? "" : ",",
			                    total[i] - kept[i], total[i], prio_names[i]);
			first = 0;
		}
		rc |= ge_buf_puts(&m, ". Run goescape check or report with --format text or json "
		                      "for all of them.");
		rc |= ge_buf_puts(
		    b, ",\"toolExecutionNotifications\":[{\"descriptor\":{\"id\":\"" NOTIFY_ID
		       "\",\"index\":0},\"level\":\"warning\",\"message\":{\"text\":");
		rc |= ge_buf_put_json(b, m.ptr);
		rc |= ge_buf_puts(b, "}}]");
		ge_buf_release(&m);
	}
	rc |= ge_buf_puts(b, "}]");
	return rc ? GE_ENOMEM : 0;
}

static unsigned char prio_of(const ge_diag *d, int fixed)
{
	if (fixed)
		return PRIO_FIXED;
	if (!ge_kind_is_heap(d->kind))
		return PRIO_LEAK;
	return d->status == GE_STATUS_NEW ? PRIO_NEW_HEAP : PRIO_HEAP;
}

static int render_once(ge_buf *out, const ge_report *r, const ge_sarif_opts *o)
{
	ge_sarif__ctx c;
	ge_buf scratch = GE_BUF_INIT, head = GE_BUF_INIT;
	entry *e = NULL;
	size_t n, i, count = 0, bytes, budget, max_results, max_bytes;
	size_t total[NPRIO] = {0}, kept[NPRIO] = {0};
	int rc, p, full = 0, first = 1;
	assert(out && r && o);

	max_results = o->max_results ? o->max_results : GE_SARIF_MAX_RESULTS;
	max_bytes = o->max_bytes ? o->max_bytes : GE_SARIF_MAX_BYTES;
	if ((rc = ctx_init(&c, r, o)) < 0)
		goto done;
	n = r->ndiags + (o->check ? r->nfixed : 0);
	if (n && !(e = calloc(n, sizeof(*e)))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		e[i].fixed = i >= r->ndiags;
		e[i].d = e[i].fixed ? &r->fixed[i - r->ndiags] : &r->diags[i];
		e[i].prio = prio_of(e[i].d, e[i].fixed);
		total[e[i].prio]++;
	}

	/* Measure: what the log costs without results, then each result. */
	rc = ge_buf_puts(&head, GE_SARIF_LOG_HEAD);
	if (rc == 0)
		rc = put_run_head(&head, &c);
	if (rc < 0)
		goto done;
	for (i = 0; i < n; i++) {
		ge_buf_clear(&scratch);
		if ((rc = put_result(&scratch, &c, e[i].d, e[i].fixed)) < 0)
			goto done;
		e[i].size = scratch.len + 2;
	}
	/* Room for the invocation and its notification, and the closing. */
	bytes = head.len + 1024 + (o->command_line ? 2 * strlen(o->command_line) : 0);
	budget = max_bytes > bytes ? max_bytes - bytes : 0;
	bytes = 0;
	for (p = 0; p < NPRIO && !full; p++)
		for (i = 0; i < n && !full; i++) {
			if (e[i].prio != p)
				continue;
			if (count == max_results || bytes + e[i].size > budget) {
				full = 1;
				break;
			}
			e[i].keep = 1;
			count++;
			bytes += e[i].size;
			kept[p]++;
		}

	rc = ge_buf_grow(out, head.len + bytes + 4096);
	if (rc == 0)
		rc = ge_buf_put(out, head.ptr, head.len);
	if (rc == 0)
		rc = put_invocation(out, &c, total, kept, max_results, max_bytes);
	if (rc == 0)
		rc = ge_buf_puts(out, ",\n\"results\":[");
	for (i = 0; i < n && rc == 0; i++) {
		if (!e[i].keep)
			continue;
		rc = ge_buf_puts(out, first ? "\n" : ",\n");
		first = 0;
		if (rc == 0)
			rc = put_result(out, &c, e[i].d, e[i].fixed);
	}
	if (rc == 0)
		rc = ge_buf_puts(out, "]}]}\n");
done:
	free(e);
	ge_buf_release(&scratch);
	ge_buf_release(&head);
	ctx_release(&c);
	return rc < 0 ? rc : 0;
}

/* Size of data gzipped (deflate at the default level, gzip framing). */
static int gzip_size(size_t *out, const char *data, size_t len)
{
	z_stream z;
	unsigned char buf[65536];
	int zr;
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		return ge_error_set(GE_ENOMEM, "cannot start zlib");
	*out = 0;
	z.next_in = (unsigned char *)(uintptr_t)data;
	z.avail_in = (uInt)0;
	do {
		size_t chunk = len > (1u << 30) ? (1u << 30) : len;
		if (z.avail_in == 0 && len) {
			z.avail_in = (uInt)chunk;
			len -= chunk;
		}
		z.next_out = buf;
		z.avail_out = sizeof(buf);
		zr = deflate(&z, len || z.avail_in ? Z_NO_FLUSH : Z_FINISH);
		*out += sizeof(buf) - z.avail_out;
	} while (zr == Z_OK || (zr == Z_BUF_ERROR && (len || z.avail_in)));
	deflateEnd(&z);
	return zr == Z_STREAM_END ? 0 : ge_error_set(GE_ERROR, "zlib failed");
}

int ge_sarif_render(ge_buf *out, const ge_report *r, const ge_sarif_opts *o)
{
	ge_sarif_opts tight = *o;
	size_t max_gzip = o->max_gzip ? o->max_gzip : GE_SARIF_MAX_GZIP, gz = 0, start = out->len;
	size_t lo = 1, hi, best = 1, len;
	int step, rc;
	if ((rc = render_once(out, r, &tight)) < 0)
		return rc;
	len = out->len - start;
	/* JSON never grows under gzip: a log under the limit needs no measuring. */
	if (len <= max_gzip)
		return 0;
	if ((rc = gzip_size(&gz, out->ptr + start, len)) < 0)
		return rc;
	if (gz <= max_gzip)
		return 0;
	/*
	 * Too big once compressed: search the uncompressed bound that fits.
	 * Each step renders and measures again, so the search is short; the
	 * last resort is the log without results, which says why.
	 */
	hi = len;
	for (step = 0; step < 8 && lo + 1 < hi; step++) {
		size_t mid = lo + (hi - lo) / 2;
		ge_buf_truncate(out, start);
		tight.max_bytes = mid;
		if ((rc = render_once(out, r, &tight)) < 0)
			return rc;
		if ((rc = gzip_size(&gz, out->ptr + start, out->len - start)) < 0)
			return rc;
		if (gz <= max_gzip) {
			best = mid;
			lo = mid;
		} else {
			hi = mid;
		}
	}
	ge_buf_truncate(out, start);
	tight.max_bytes = best;
	return render_once(out, r, &tight);
}

/*
 * Lines of a replacement's region: SARIF wants an end it can point at.
 * dc: the bytes the rewrite removes (suggest --profile), or NULL.
 */
static int put_fix_result(ge_buf *b, const ge_sarif__ctx *c, const ge_sarif_fix *f,
                          const ge_diag_cost *dc)
{
	size_t i;
	int rc = 0;
	rc |= ge_buf_printf(b, "{\"ruleId\":\"%s\",\"ruleIndex\":%d,\"level\":\"note\","
			       "\"message\":{\"text\":",
			    rules[RULE_REWRITE].id, RULE_REWRITE);
	rc |= ge_buf_put_json(b, f->message);
	rc |= ge_buf_puts(b, "},\"locations\":[{\"physicalLocation\":{");
	rc |= ge_sarif__put_artifact(b, c, f->file);
	rc |= ge_buf_printf(b, ",\"region\":{\"startLine\":%u,\"startColumn\":%u}}}]",
			    f->line ? f->line : 1, f->column ? f->column : 1);
	if (dc) {
		rc |= put_rank(b, dc);
		rc |= ge_buf_printf(b,
		                    ",\"properties\":{\"bytes\":%" PRId64 ",\"objects\":%" PRId64
		                    ",\"viaBytes\":%" PRId64 ",\"lineShared\":%s",
		                    dc->bytes, dc->objects, dc->via_bytes,
		                    dc->line_shared ? "true" : "false");
		if (dc->via_callee) {
			rc |= ge_buf_puts(b, ",\"viaCallee\":");
			rc |= ge_buf_put_json(b, dc->via_callee);
		}
		rc |= ge_buf_putc(b, '}');
	}
	rc |= ge_buf_puts(b, ",\"fixes\":[{\"description\":{\"text\":");
	rc |= ge_buf_put_json(b, f->description);
	rc |= ge_buf_puts(b, "},\"artifactChanges\":[{");
	rc |= ge_sarif__put_artifact(b, c, f->file);
	rc |= ge_buf_puts(b, ",\"replacements\":[");
	for (i = 0; i < f->nrepl; i++) {
		const ge_sarif_replacement *p = &f->repl[i];
		ge_buf t = GE_BUF_INIT;
		rc |= ge_buf_printf(b,
				    "%s{\"deletedRegion\":{\"startLine\":%u,\"startColumn\":1,"
				    "\"endLine\":%u,\"endColumn\":1}",
				    i ? "," : "", p->start_line, p->end_line);
		if (p->len) {
			rc |= ge_buf_put(&t, p->text, p->len);
			rc |= ge_buf_puts(b, ",\"insertedContent\":{\"text\":");
			rc |= ge_buf_put_json(b, t.ptr);
			rc |= ge_buf_putc(b, '}');
		}
		rc |= ge_buf_putc(b, '}');
		ge_buf_release(&t);
	}
	rc |= ge_buf_puts(b, "]}]}]}");
	return rc ? GE_ENOMEM : 0;
}

int ge_sarif_render_fixes(ge_buf *out, const ge_sarif_fix *fixes, size_t n,
			  const ge_sarif_opts *o)
{
	ge_report *empty = NULL;
	size_t total[NPRIO] = {0}, kept[NPRIO] = {0}, i;
	ge_sarif__ctx c;
	int rc;
	if ((rc = ge_report_new(&empty)) < 0)
		return rc;
	if ((rc = ctx_init(&c, empty, o)) < 0)
		goto done;
	rc = ge_buf_puts(out, GE_SARIF_LOG_HEAD);
	if (rc == 0)
		rc = put_run_head(out, &c);
	if (rc == 0)
		rc = put_invocation(out, &c, total, kept, GE_SARIF_MAX_RESULTS, GE_SARIF_MAX_BYTES);
	if (rc == 0)
		rc = ge_buf_puts(out, ",\n\"results\":[");
	for (i = 0; i < n && rc == 0; i++) {
		rc = ge_buf_puts(out, i ? ",\n" : "\n");
		if (rc == 0)
			rc = put_fix_result(out, &c, &fixes[i],
			                    o->cost && i < o->ncost ? &o->cost[i] : NULL);
	}
	if (rc == 0)
		rc = ge_buf_puts(out, "]}]}\n");
	ctx_release(&c);
done:
	ge_report_free(empty);
	return rc;
}
