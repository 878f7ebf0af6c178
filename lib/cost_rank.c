/*
 * suggest --profile's ranking of rewrites: each position as a heap
 * diagnostic of a report of its own, joined with the profile (lib/cost's
 * join, through its public functions only), largest cost first.  A client
 * of the join, so it is a file of its own beside cost.c.
 */
#include "cost.h"

#include <stdlib.h>
#include <string.h>

/* Positions by their cost, largest first; ties keep the given order. */
typedef struct rank_ent {
	size_t i;
	int64_t v;
} rank_ent;

static int cmp_rank(const void *pa, const void *pb)
{
	const rank_ent *a = pa, *b = pb;
	if (a->v != b->v)
		return a->v > b->v ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

int ge_cost_rank(ge_cost **cost_out, size_t **order_out, const ge_pprof *p, const ge_cost_pos *pos,
                 size_t n, const ge_cost_opts *o)
{
	ge_report *r = NULL;
	ge_cost *c = NULL;
	ge_cost_opts oo;
	rank_ent *v = NULL;
	size_t *order = NULL, i;
	int rc;
	*cost_out = NULL;
	*order_out = NULL;
	if ((rc = ge_report_new(&r)) < 0)
		return rc;
	if (o->mods && o->mods->n &&
	    (rc = ge_report_set_meta(r, NULL, o->mods->mods[0].path, NULL, 0)) < 0)
		goto done;
	/* Each position as a heap diagnostic, in the given order (unsorted:
	 * the join keeps r->diags' order, so diags[i] is pos[i]). */
	for (i = 0; i < n; i++) {
		ge_diag d;
		memset(&d, 0, sizeof(d));
		d.package = "";
		d.file = pos[i].file;
		d.line = pos[i].line;
		d.column = 1;
		d.kind = GE_KIND_ESCAPES;
		d.subject = "";
		d.message = pos[i].label ? pos[i].label : "";
		d.function = "";
		if ((rc = ge_report_add(r, &d)) < 0)
			goto done;
	}
	oo = *o;
	oo.source_lines = 1;
	if ((rc = ge_cost_join(&c, p, r, &oo)) < 0)
		goto done;
	if (!(v = calloc(n ? n : 1, sizeof(*v))) || !(order = calloc(n ? n : 1, sizeof(*order)))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		v[i].i = i;
		v[i].v = c->diags[i].bytes;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_rank);
	for (i = 0; i < n; i++)
		order[i] = v[i].i;
	*cost_out = c;
	*order_out = order;
	c = NULL;
	order = NULL;
done:
	free(v);
	free(order);
	ge_cost_free(c);
	ge_report_free(r);
	return rc;
}
