/* Myers line diff, unified output and line maps. */
#include "udiff.h"

#include <stdlib.h>
#include <string.h>

/* Beyond this many differences the middle is replaced whole. */
#define MAX_D 1000

typedef struct line {
	const char *p;
	uint32_t len; /* with the newline, when there is one */
	uint64_t h;
} line;

typedef struct side {
	line *l;
	size_t n;
} side;

/* An edit script: for each step, 0 keep (a and b), 1 delete (a), 2 insert (b). */
typedef struct script {
	unsigned char *op;
	size_t n, cap;
} script;

static int split(side *s, const char *t, size_t len)
{
	size_t i, n = 0, start = 0;
	for (i = 0; i < len; i++)
		if (t[i] == '\n')
			n++;
	if (len && t[len - 1] != '\n')
		n++;
	s->n = 0;
	if (!(s->l = calloc(n ? n : 1, sizeof(*s->l))))
		return ge_error_set(GE_ENOMEM, "out of memory");
	for (i = 0; i < len; i++)
		if (t[i] == '\n' || i + 1 == len) {
			line *l = &s->l[s->n++];
			l->p = t + start;
			l->len = (uint32_t)(i + 1 - start);
			l->h = ge_hash_bytes(GE_HASH_SEED, l->p, l->len);
			start = i + 1;
		}
	return 0;
}

static int same(const line *x, const line *y)
{
	return x->h == y->h && x->len == y->len && memcmp(x->p, y->p, x->len) == 0;
}

static int put_op(script *s, unsigned char op, size_t count)
{
	if (!count)
		return 0;
	if (s->n + count > s->cap) {
		size_t nc = s->cap ? s->cap : 64;
		unsigned char *np;
		while (nc < s->n + count)
			nc *= 2;
		if (!(np = realloc(s->op, nc)))
			return ge_error_set(GE_ENOMEM, "out of memory");
		s->op = np;
		s->cap = nc;
	}
	memset(s->op + s->n, op, count);
	s->n += count;
	return 0;
}

/*
 * The shortest edit script of a[0..n) into b[0..m), appended to s.  The
 * trace keeps V for each d (only its 2d+1 live entries).
 */
static int myers(script *s, const line *a, size_t n, const line *b, size_t m)
{
	long N = (long)n, M = (long)m, max = N + M, d, k, x, y;
	long **trace = NULL;
	long *v = NULL;
	unsigned char *rev = NULL;
	size_t nrev = 0;
	long found = -1;
	int rc = 0;
	if (max == 0)
		return 0;
	if (max > MAX_D)
		max = MAX_D;
	if (!(trace = calloc((size_t)max + 1, sizeof(*trace))) ||
	    !(v = calloc((size_t)(2 * max + 3), sizeof(*v)))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
#define V(i) v[(i) + max + 1]
	for (d = 0; d <= max && found < 0; d++) {
		for (k = -d; k <= d; k += 2) {
			if (k == -d || (k != d && V(k - 1) < V(k + 1)))
				x = V(k + 1);
			else
				x = V(k - 1) + 1;
			y = x - k;
			while (x < N && y < M && same(&a[x], &b[y])) {
				x++;
				y++;
			}
			V(k) = x;
			if (x >= N && y >= M) {
				found = d;
				break;
			}
		}
		if (!(trace[d] = malloc((size_t)(2 * d + 1) * sizeof(long)))) {
			rc = ge_error_set(GE_ENOMEM, "out of memory");
			goto done;
		}
		for (k = -d; k <= d; k++)
			trace[d][k + d] = V(k);
	}
	if (found < 0) {
		/* Too different: replace the whole middle. */
		if ((rc = put_op(s, 1, n)) < 0 || (rc = put_op(s, 2, m)) < 0)
			goto done;
		goto done;
	}
	if (!(rev = malloc((size_t)(N + M) + 1))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	x = N;
	y = M;
	for (d = found; d > 0; d--) {
		long *pv = trace[d - 1], pk, px, py;
		k = x - y;
		if (k == -d || (k != d && pv[k - 1 + d - 1] < pv[k + 1 + d - 1]))
			pk = k + 1;
		else
			pk = k - 1;
		px = pv[pk + d - 1];
		py = px - pk;
		while (x > px && y > py) {
			rev[nrev++] = 0;
			x--;
			y--;
		}
		if (x == px) {
			rev[nrev++] = 2;
			y--;
		} else {
			rev[nrev++] = 1;
			x--;
		}
	}
	while (x > 0 && y > 0) {
		rev[nrev++] = 0;
		x--;
		y--;
	}
	while (nrev > 0)
		if ((rc = put_op(s, rev[--nrev], 1)) < 0)
			goto done;
#undef V
done:
	if (trace)
		for (d = 0; d <= max; d++)
			free(trace[d]);
	free(trace);
	free(v);
	free(rev);
	return rc;
}

/* The whole script: common prefix and suffix kept, Myers in between. */
static int diff(script *s, const side *a, const side *b)
{
	size_t pre = 0, suf = 0;
	int rc;
	while (pre < a->n && pre < b->n && same(&a->l[pre], &b->l[pre]))
		pre++;
	while (suf < a->n - pre && suf < b->n - pre &&
	       same(&a->l[a->n - 1 - suf], &b->l[b->n - 1 - suf]))
		suf++;
	if ((rc = put_op(s, 0, pre)) < 0)
		return rc;
	if ((rc = myers(s, a->l + pre, a->n - pre - suf, b->l + pre, b->n - pre - suf)) < 0)
		return rc;
	return put_op(s, 0, suf);
}

int ge_udiff_linemap(uint32_t **out, size_t *nout, const char *a, size_t alen, const char *b,
                     size_t blen)
{
	side sa = {NULL, 0}, sb = {NULL, 0};
	script s = {NULL, 0, 0};
	uint32_t *map = NULL;
	size_t i, ia = 0, ib = 0;
	int rc;
	*out = NULL;
	*nout = 0;
	if ((rc = split(&sa, a, alen)) < 0 || (rc = split(&sb, b, blen)) < 0 ||
	    (rc = diff(&s, &sa, &sb)) < 0)
		goto done;
	if (!(map = calloc(sa.n ? sa.n : 1, sizeof(*map)))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < s.n; i++) {
		if (s.op[i] == 0)
			map[ia++] = (uint32_t)++ib;
		else if (s.op[i] == 1)
			ia++;
		else
			ib++;
	}
	*out = map;
	*nout = sa.n;
	map = NULL;
done:
	free(map);
	free(sa.l);
	free(sb.l);
	free(s.op);
	return rc;
}

static int put_line(ge_buf *out, char mark, const line *l)
{
	int rc = ge_buf_putc(out, mark);
	if (rc == 0)
		rc = ge_buf_put(out, l->p, l->len);
	if (rc == 0 && (l->len == 0 || l->p[l->len - 1] != '\n'))
		rc = ge_buf_puts(out, "\n\\ No newline at end of file\n");
	return rc;
}

/* "start,count" as diff writes it: an empty range names the line before it. */
static int put_range(ge_buf *out, size_t start, size_t count)
{
	if (count == 1)
		return ge_buf_printf(out, "%zu", start + 1);
	return ge_buf_printf(out, "%zu,%zu", count ? start + 1 : start, count);
}

int ge_udiff_write(ge_buf *out, const char *path, const char *a, size_t alen, const char *b,
                   size_t blen, unsigned ctx)
{
	side sa = {NULL, 0}, sb = {NULL, 0};
	script s = {NULL, 0, 0};
	size_t i, *pa = NULL, *pb = NULL;
	int rc, header = 0;
	if ((rc = split(&sa, a, alen)) < 0 || (rc = split(&sb, b, blen)) < 0 ||
	    (rc = diff(&s, &sa, &sb)) < 0)
		goto done;
	/* Positions in a and b before each step. */
	if (!(pa = malloc((s.n + 1) * sizeof(*pa))) || !(pb = malloc((s.n + 1) * sizeof(*pb)))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	pa[0] = pb[0] = 0;
	for (i = 0; i < s.n; i++) {
		pa[i + 1] = pa[i] + (s.op[i] != 2);
		pb[i + 1] = pb[i] + (s.op[i] != 1);
	}
	i = 0;
	while (i < s.n) {
		size_t start, end, j, last_change;
		if (s.op[i] == 0) {
			i++;
			continue;
		}
		/* A hunk: from ctx kept lines before this change to ctx after the last
		 * change that is no more than 2*ctx kept lines from the previous one. */
		start = i >= ctx ? i - ctx : 0;
		while (start < i && s.op[start] != 0)
			start++;
		last_change = i;
		for (j = i; j < s.n; j++) {
			if (s.op[j] != 0)
				last_change = j;
			else if (j - last_change > 2 * (size_t)ctx)
				break;
		}
		end = last_change + 1 + ctx;
		if (end > s.n)
			end = s.n;
		if (!header) {
			header = 1;
			if ((rc = ge_buf_printf(out, "diff --git a/%s b/%s\n--- a/%s\n+++ b/%s\n",
			                        path, path, path, path)) < 0)
				goto done;
		}
		if ((rc = ge_buf_puts(out, "@@ -")) < 0 ||
		    (rc = put_range(out, pa[start], pa[end] - pa[start])) < 0 ||
		    (rc = ge_buf_puts(out, " +")) < 0 ||
		    (rc = put_range(out, pb[start], pb[end] - pb[start])) < 0 ||
		    (rc = ge_buf_puts(out, " @@\n")) < 0)
			goto done;
		for (j = start; j < end; j++) {
			if (s.op[j] == 0)
				rc = put_line(out, ' ', &sa.l[pa[j]]);
			else if (s.op[j] == 1)
				rc = put_line(out, '-', &sa.l[pa[j]]);
			else
				rc = put_line(out, '+', &sb.l[pb[j]]);
			if (rc < 0)
				goto done;
		}
		i = end;
	}
done:
	free(pa);
	free(pb);
	free(sa.l);
	free(sb.l);
	free(s.op);
	return rc;
}
