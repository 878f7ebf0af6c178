/*
 * Fuzz target: the heap-profile decoder, and the join of whatever it
 * accepts with a small report of the profilemod fixture (so mapping,
 * inline chains and the staleness check see hostile profiles too).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cost.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
	const char *file, *function, *subject;
	uint32_t line;
	ge_kind kind;
} diags[] = {
    {"hot/hot.go", "Work", "p", 142, GE_KIND_MOVED},
    {"hot/hot.go", "Work", "x", 142, GE_KIND_ESCAPES},
    {"hot/hot.go", "ItoaBytes", "([]byte)(~r0)", 32, GE_KIND_ESCAPES},
    {"hot/hot.go", "Keep", "p", 130, GE_KIND_LEAK},
    {"cmd/serve/main.go", "main", "stop", 32, GE_KIND_MOVED},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ge_pprof *p = NULL;
	ge_report *r = NULL;
	ge_cost_sites *s = NULL;
	ge_cost *c = NULL;
	ge_cost_opts o = GE_COST_OPTS_INIT;
	ge_cost_site site;
	size_t i, n = 0;

	if (ge_pprof_parse(&p, data, size, "fuzz") < 0)
		return 0;
	/* Touch every string and index so the sanitizers see bad ones. */
	for (i = 0; i < p->nfunctions; i++)
		n += strlen(p->functions[i].name) + strlen(p->functions[i].filename);
	for (i = 0; i < p->nlocs; i++)
		n += p->locations[p->locs[i]].nlines;
	for (i = 0; i < p->nlines; i++)
		if (p->lines[i].function != GE_PPROF_NONE)
			n += (size_t)p->functions[p->lines[i].function].start_line;
	if (ge_report_new(&r) < 0 ||
	    ge_report_set_meta(r, "go1.26.8", "example.com/profilemod", NULL, 0) < 0)
		goto done;
	for (i = 0; i < sizeof(diags) / sizeof(diags[0]); i++) {
		ge_diag d;
		memset(&d, 0, sizeof(d));
		d.package = "example.com/profilemod/hot";
		d.file = diags[i].file;
		d.function = diags[i].function;
		d.subject = diags[i].subject;
		d.message = "m";
		d.line = diags[i].line;
		d.column = 2;
		d.kind = diags[i].kind;
		if (ge_report_add(r, &d) < 0)
			goto done;
	}
	if (ge_cost_sites_new(&s) < 0)
		goto done;
	memset(&site, 0, sizeof(site));
	site.file = "hot/hot.go";
	site.function = "Work";
	site.line = 145;
	site.column = 15;
	site.kind = GE_SITE_INLINED;
	site.text = "inlining call to Chain";
	if (ge_cost_sites_add(s, &site) < 0)
		goto done;
	site.line = 64;
	site.kind = GE_SITE_CAN_INLINE;
	site.text = "can inline Deep";
	if (ge_cost_sites_add(s, &site) < 0)
		goto done;
	site.line = 118;
	site.kind = GE_SITE_NOESCAPE;
	site.text = "m does not escape";
	if (ge_cost_sites_add(s, &site) < 0)
		goto done;
	o.profile_name = "fuzz";
	o.module_root = "/nonexistent/goescape-fuzz/profilemod"; /* no source read */
	o.sites = s;
	if (ge_cost_join(&c, p, r, &o) == 0) {
		for (i = 0; i < c->nhot; i++)
			n += strlen(c->hot[i].file) + strlen(c->hot[i].function) +
			     (c->hot[i].note ? strlen(c->hot[i].note) : 0);
		for (i = 0; i < c->ndiags; i++)
			n += c->diags[i].via_callee ? strlen(c->diags[i].via_callee) : 0;
	}
done:
	ge_cost_free(c);
	ge_cost_sites_free(s);
	ge_report_free(r);
	ge_pprof_free(p);
	return (int)(n & 0);
}
