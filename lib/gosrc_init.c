/*
 * lib/gosrc: the initialisation order of package-level variables, which
 * numbers package-level closures as the compiler does (see lib/gosrc.h).
 * Moved out of gosrc.c as it was; the parser's types are in gosrc_int.h.
 */
#include "gosrc.h"

#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "golex.h"
#include "gosrc_int.h"

/* Bound on identifier visits when ordering package-level initialisers. */
#define INIT_WORK_LIMIT (1u << 24)

/* ------------------------------------------------------------------ */
/* Initialisation order of package-level variables                      */

typedef struct heap {
	uint32_t *v;
	uint32_t n;
} heap;

static void heap_push(heap *h, uint32_t x)
{
	uint32_t i = h->n++;
	while (i && h->v[(i - 1) / 2] > x) {
		h->v[i] = h->v[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->v[i] = x;
}

static uint32_t heap_pop(heap *h)
{
	uint32_t top = h->v[0], x = h->v[--h->n], i = 0;
	for (;;) {
		uint32_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1] < h->v[c])
			c++;
		if (h->v[c] >= x)
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n)
		h->v[i] = x;
	return top;
}

/*
 * Rank the specs in the order Go initialises them: repeatedly the earliest
 * in declaration order whose dependencies (package-level variables named
 * in its initialiser, directly or through the bodies of functions it
 * names) are initialised.  Only this file is known; shadowing and method
 * references are not resolved.  On too much work, source order.
 */
static int init_order(parser *p, uint32_t *rank)
{
	uint32_t S = p->nspecs, g, i, nedges = 0, capedges = 0, nstack = 0, capstack = 0, work = 0,
	         next = 0;
	uint32_t(*edges)[2] = NULL, (*stack)[2] = NULL;
	uint32_t *fmark = NULL, *smark = NULL, *pending = NULL, *first = NULL, *dep = NULL;
	heap h = {NULL, 0};
	int rc = GE_ENOMEM;

	for (g = 0; g < S; g++)
		rank[g] = g;
	fmark = calloc((size_t)p->nfuncs + 1, sizeof(*fmark));
	smark = calloc((size_t)S + 1, sizeof(*smark));
	pending = calloc((size_t)S + 1, sizeof(*pending));
	first = calloc((size_t)S + 2, sizeof(*first));
	h.v = malloc(((size_t)S + 1) * sizeof(*h.v));
	if (!fmark || !smark || !pending || !first || !h.v)
		goto done;

	for (g = 0; g < S; g++) {
		if (p->specs[g].init == NONE)
			continue;
		if (ge_gosrc__grow(&stack, &capstack, 1, sizeof(*stack)) < 0)
			goto done;
		stack[0][0] = p->specs[g].init;
		stack[0][1] = p->specs[g].e;
		nstack = 1;
		while (nstack) {
			uint32_t s = stack[nstack - 1][0], e = stack[nstack - 1][1], t;
			nstack--;
			for (t = s; t < e; t++) {
				const ident *x;
				if (p->tok[t].kind != GE_GOLEX_IDENT ||
				    (t && p->tok[t - 1].kind == GE_GOLEX_PERIOD))
					continue;
				if (++work > INIT_WORK_LIMIT) {
					rc = 0; /* keep source order */
					for (i = 0; i < S; i++)
						rank[i] = i;
					goto done;
				}
				x = ge_gosrc__ident_find(p->globals, p->nglobals, p, t);
				if (!x)
					continue;
				if (x->isfunc) {
					if (fmark[x->val] == g + 1)
						continue;
					fmark[x->val] = g + 1;
					if (ge_gosrc__grow(&stack, &capstack, nstack + 1,
					                   sizeof(*stack)) < 0)
						goto done;
					stack[nstack][0] = p->funcs[x->val][0];
					stack[nstack][1] = p->funcs[x->val][1];
					nstack++;
				} else if (x->val != g && smark[x->val] != g + 1) {
					smark[x->val] = g + 1;
					if (ge_gosrc__grow(&edges, &capedges, nedges + 1,
					                   sizeof(*edges)) < 0)
						goto done;
					edges[nedges][0] = g;      /* depends */
					edges[nedges][1] = x->val; /* on */
					nedges++;
					pending[g]++;
				}
			}
		}
	}
	/* dependents of d: dep[first[d] .. first[d + 1]) */
	dep = malloc(((size_t)nedges + 1) * sizeof(*dep));
	if (!dep)
		goto done;
	for (i = 0; i < nedges; i++)
		first[edges[i][1] + 2]++;
	for (g = 0; g < S; g++)
		first[g + 2] += first[g + 1];
	for (i = 0; i < nedges; i++)
		dep[first[edges[i][1] + 1]++] = edges[i][0];

	memset(smark, 0, ((size_t)S + 1) * sizeof(*smark)); /* now: ranked */
	for (g = 0; g < S; g++)
		if (!pending[g])
			heap_push(&h, g);
	for (i = 0; i < S; i++) {
		uint32_t d;
		if (!h.n) {
			/* A cycle (not valid Go): take the earliest left. */
			while (smark[next])
				next++;
			heap_push(&h, next);
			pending[next] = 0;
		}
		g = heap_pop(&h);
		smark[g] = 1;
		rank[g] = i;
		for (d = first[g]; d < first[g + 1]; d++) {
			uint32_t w = dep[d];
			if (pending[w] && !--pending[w] && !smark[w])
				heap_push(&h, w);
		}
	}
	rc = 0;
done:
	free(edges);
	free(stack);
	free(fmark);
	free(smark);
	free(pending);
	free(first);
	free(dep);
	free(h.v);
	return rc;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Number the package-level closures: by initialiser rank, then source. */
int ge_gosrc__number_globals(parser *p)
{
	ge_gofile *f = p->f;
	uint32_t *rank = NULL, i, n = 0, groups = 0;
	uint64_t *keys = NULL;
	int rc = GE_ENOMEM;

	for (i = 0; i < p->nspecs; i++)
		groups += p->specs[i].nclos != 0;
	for (i = 0; i < f->nnodes; i++)
		n += f->nodes[i].kind == N_CLOSURE && f->nodes[i].parent == NONE;
	f->nglob = n;
	if (!n)
		return 0;
	rank = malloc(((size_t)p->nspecs + 1) * sizeof(*rank));
	keys = malloc((size_t)n * sizeof(*keys));
	if (!rank || !keys)
		goto done;
	if (groups > 1) {
		if (init_order(p, rank) < 0)
			goto done;
	} else {
		for (i = 0; i < p->nspecs; i++)
			rank[i] = i;
	}
	n = 0;
	for (i = 0; i < f->nnodes; i++) {
		node *x = &f->nodes[i];
		if (x->kind == N_CLOSURE && x->parent == NONE)
			keys[n++] = (uint64_t)(x->group == NONE ? 0 : rank[x->group]) << 32 | i;
	}
	qsort(keys, n, sizeof(*keys), cmp_u64);
	for (i = 0; i < n; i++)
		f->nodes[keys[i] & 0xffffffffu].num = i + 1;
	rc = 0;
done:
	free(rank);
	free(keys);
	return rc;
}
