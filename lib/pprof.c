/* Go heap profiles: gzip, the protobuf wire format, profile.proto's messages. */
#include "pprof.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* The decoder's state: everything as the wire gave it, resolved at the end. */
typedef struct span {
	uint32_t off, len;
} span;

typedef struct tmp_vt {
	uint64_t type, unit;
} tmp_vt;

typedef struct tmp_sample {
	uint32_t first_loc, nlocs;
	uint32_t first_val, nvals;
} tmp_sample;

typedef struct tmp_line {
	uint64_t function_id;
	int64_t line;
} tmp_line;

typedef struct tmp_func {
	uint64_t id, name, filename;
	int64_t start_line;
} tmp_func;

typedef struct dec {
	const char *name;
	const uint8_t *base; /* the decoded profile.proto */
	span *str;
	size_t nstr, capstr;
	tmp_vt *vt;
	size_t nvt, capvt;
	tmp_vt period_type;
	uint64_t default_sample_type;
	int64_t period, time_nanos, duration_nanos;
	tmp_sample *samples;
	size_t nsamples, capsamples;
	uint64_t *locids;
	size_t nlocids, caplocids;
	int64_t *values;
	size_t nvalues, capvalues;
	ge_pprof_location *locations;
	size_t nlocations, caplocations;
	tmp_line *lines;
	size_t nlines, caplines;
	tmp_func *funcs;
	size_t nfuncs, capfuncs;
} dec;

typedef struct rd {
	const uint8_t *p, *end;
} rd;

/* A message about the data at p; every decode failure goes through here. */
static int bad(const dec *d, const uint8_t *p, const char *what)
{
	return ge_error_set(GE_EBADINPUT, "cannot read profile '%s': %s at byte %zu", d->name, what,
	                    (size_t)(p - d->base));
}

static int grow(void **ptr, size_t *cap, size_t need, size_t elem)
{
	size_t nc;
	void *np;
	if (need <= *cap)
		return 0;
	nc = *cap ? *cap : 16;
	while (nc < need) {
		if (nc > SIZE_MAX / 2 / elem)
			return ge_error_set(GE_ENOMEM, "out of memory");
		nc *= 2;
	}
	np = realloc(*ptr, nc * elem);
	if (!np)
		return ge_error_set(GE_ENOMEM, "out of memory");
	*ptr = np;
	*cap = nc;
	return 0;
}
#define GROW(arr, n, cap, extra) grow((void **)&(arr), &(cap), (n) + (extra), sizeof(*(arr)))

/* A varint of at most 10 bytes whose value fits 64 bits. */
static int varint(const dec *d, rd *r, uint64_t *v)
{
	uint64_t x = 0;
	unsigned shift = 0;
	const uint8_t *start = r->p;
	while (r->p < r->end) {
		uint8_t b = *r->p++;
		if (shift == 63 && b > 1)
			return bad(d, start, "varint overflows 64 bits");
		x |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = x;
			return 0;
		}
		shift += 7;
		if (shift > 63)
			return bad(d, start, "varint longer than 10 bytes");
	}
	return bad(d, start, "varint runs past the end");
}

/* The next field's number and wire type; groups and unknown types refused. */
static int tag(const dec *d, rd *r, uint32_t *field, unsigned *wt)
{
	uint64_t t;
	const uint8_t *at = r->p;
	int rc = varint(d, r, &t);
	if (rc < 0)
		return rc;
	*wt = (unsigned)(t & 7);
	if (t >> 3 == 0 || t >> 3 > 0x1fffffff)
		return bad(d, at, "invalid field number");
	*field = (uint32_t)(t >> 3);
	if (*wt == 3 || *wt == 4)
		return bad(d, at, "protobuf groups are not supported");
	if (*wt > 5)
		return bad(d, at, "invalid wire type");
	return 0;
}

/* A length-delimited payload as a sub-reader. */
static int bytes_field(const dec *d, rd *r, rd *sub)
{
	uint64_t n;
	const uint8_t *at = r->p;
	int rc = varint(d, r, &n);
	if (rc < 0)
		return rc;
	if (n > (uint64_t)(r->end - r->p))
		return bad(d, at, "length runs past the end of its message");
	sub->p = r->p;
	sub->end = r->p + n;
	r->p += n;
	return 0;
}

static int skip(const dec *d, rd *r, unsigned wt)
{
	uint64_t v;
	rd sub;
	const uint8_t *at = r->p;
	switch (wt) {
	case 0:
		return varint(d, r, &v);
	case 1:
	case 5:
		if ((size_t)(r->end - r->p) < (wt == 1 ? 8u : 4u))
			return bad(d, at, "fixed-size field runs past the end");
		r->p += wt == 1 ? 8 : 4;
		return 0;
	default:
		return bytes_field(d, r, &sub);
	}
}

/* A scalar field that must be a varint. */
static int want_varint(const dec *d, rd *r, unsigned wt, uint64_t *v)
{
	if (wt != 0)
		return bad(d, r->p, "integer field with the wrong wire type");
	return varint(d, r, v);
}

/*
 * A repeated varint field, packed (wire type 2) or not (0): each value is
 * appended through add(ctx, value).
 */
typedef int (*add_fn)(dec *d, uint64_t v);

static int repeated(dec *d, rd *r, unsigned wt, add_fn add)
{
	uint64_t v;
	int rc;
	if (wt == 0) {
		if ((rc = varint(d, r, &v)) < 0)
			return rc;
		return add(d, v);
	}
	if (wt == 2) {
		rd sub;
		if ((rc = bytes_field(d, r, &sub)) < 0)
			return rc;
		while (sub.p < sub.end) {
			if ((rc = varint(d, &sub, &v)) < 0 || (rc = add(d, v)) < 0)
				return rc;
		}
		return 0;
	}
	return bad(d, r->p, "repeated integer field with the wrong wire type");
}

static int add_locid(dec *d, uint64_t v)
{
	if (d->nlocids >= UINT32_MAX - 1)
		return ge_error_set(GE_EBADINPUT, "cannot read profile '%s': too many location ids",
		                    d->name);
	if (GROW(d->locids, d->nlocids, d->caplocids, 1) < 0)
		return GE_ENOMEM;
	d->locids[d->nlocids++] = v;
	return 0;
}

static int add_value(dec *d, uint64_t v)
{
	if (d->nvalues >= UINT32_MAX - 1)
		return ge_error_set(GE_EBADINPUT, "cannot read profile '%s': too many values",
		                    d->name);
	if (GROW(d->values, d->nvalues, d->capvalues, 1) < 0)
		return GE_ENOMEM;
	d->values[d->nvalues++] = (int64_t)v;
	return 0;
}

static int value_type(dec *d, rd *r, tmp_vt *vt)
{
	uint32_t f;
	unsigned wt;
	int rc;
	memset(vt, 0, sizeof(*vt));
	while (r->p < r->end) {
		if ((rc = tag(d, r, &f, &wt)) < 0)
			return rc;
		if (f == 1)
			rc = want_varint(d, r, wt, &vt->type);
		else if (f == 2)
			rc = want_varint(d, r, wt, &vt->unit);
		else
			rc = skip(d, r, wt);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int sample(dec *d, rd *r)
{
	tmp_sample *s;
	uint32_t f;
	unsigned wt;
	int rc;
	if (d->nsamples >= UINT32_MAX - 1)
		return ge_error_set(GE_EBADINPUT, "cannot read profile '%s': too many samples",
		                    d->name);
	if (GROW(d->samples, d->nsamples, d->capsamples, 1) < 0)
		return GE_ENOMEM;
	s = &d->samples[d->nsamples++];
	s->first_loc = (uint32_t)d->nlocids;
	s->first_val = (uint32_t)d->nvalues;
	while (r->p < r->end) {
		if ((rc = tag(d, r, &f, &wt)) < 0)
			return rc;
		if (f == 1)
			rc = repeated(d, r, wt, add_locid);
		else if (f == 2)
			rc = repeated(d, r, wt, add_value);
		else
			rc = skip(d, r, wt); /* labels */
		if (rc < 0)
			return rc;
	}
	s = &d->samples[d->nsamples - 1];
	s->nlocs = (uint32_t)d->nlocids - s->first_loc;
	s->nvals = (uint32_t)d->nvalues - s->first_val;
	return 0;
}

static int line(dec *d, rd *r)
{
	tmp_line *l;
	uint32_t f;
	unsigned wt;
	uint64_t v;
	int rc;
	if (d->nlines >= UINT32_MAX - 1)
		return ge_error_set(GE_EBADINPUT, "cannot read profile '%s': too many lines",
		                    d->name);
	if (GROW(d->lines, d->nlines, d->caplines, 1) < 0)
		return GE_ENOMEM;
	l = &d->lines[d->nlines++];
	memset(l, 0, sizeof(*l));
	while (r->p < r->end) {
		if ((rc = tag(d, r, &f, &wt)) < 0)
			return rc;
		if (f == 1) {
			rc = want_varint(d, r, wt, &l->function_id);
		} else if (f == 2) {
			if ((rc = want_varint(d, r, wt, &v)) == 0)
				l->line = (int64_t)v;
		} else {
			rc = skip(d, r, wt); /* column */
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int location(dec *d, rd *r)
{
	ge_pprof_location *loc;
	uint32_t f;
	unsigned wt;
	int rc;
	if (d->nlocations >= UINT32_MAX - 1)
		return ge_error_set(GE_EBADINPUT, "cannot read profile '%s': too many locations",
		                    d->name);
	if (GROW(d->locations, d->nlocations, d->caplocations, 1) < 0)
		return GE_ENOMEM;
	loc = &d->locations[d->nlocations++];
	memset(loc, 0, sizeof(*loc));
	loc->first_line = (uint32_t)d->nlines;
	while (r->p < r->end) {
		if ((rc = tag(d, r, &f, &wt)) < 0)
			return rc;
		if (f == 1) {
			rc = want_varint(d, r, wt, &loc->id);
		} else if (f == 4) {
			rd sub;
			if (wt != 2)
				return bad(d, r->p, "location line with the wrong wire type");
			if ((rc = bytes_field(d, r, &sub)) == 0)
				rc = line(d, &sub);
		} else {
			rc = skip(d, r, wt); /* mapping_id, address, is_folded */
		}
		if (rc < 0)
			return rc;
	}
	loc = &d->locations[d->nlocations - 1];
	loc->nlines = (uint32_t)d->nlines - loc->first_line;
	return 0;
}

static int function(dec *d, rd *r)
{
	tmp_func *fn;
	uint32_t f;
	unsigned wt;
	uint64_t v;
	int rc;
	if (d->nfuncs >= UINT32_MAX - 1)
		return ge_error_set(GE_EBADINPUT, "cannot read profile '%s': too many functions",
		                    d->name);
	if (GROW(d->funcs, d->nfuncs, d->capfuncs, 1) < 0)
		return GE_ENOMEM;
	fn = &d->funcs[d->nfuncs++];
	memset(fn, 0, sizeof(*fn));
	while (r->p < r->end) {
		if ((rc = tag(d, r, &f, &wt)) < 0)
			return rc;
		switch (f) {
		case 1:
			rc = want_varint(d, r, wt, &fn->id);
			break;
		case 2:
			rc = want_varint(d, r, wt, &fn->name);
			break;
		case 4:
			rc = want_varint(d, r, wt, &fn->filename);
			break;
		case 5:
			if ((rc = want_varint(d, r, wt, &v)) == 0)
				fn->start_line = (int64_t)v;
			break;
		default:
			rc = skip(d, r, wt); /* system_name */
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int profile(dec *d, rd *r)
{
	uint32_t f;
	unsigned wt;
	uint64_t v;
	int rc;
	while (r->p < r->end) {
		rd sub;
		const uint8_t *at = r->p;
		if ((rc = tag(d, r, &f, &wt)) < 0)
			return rc;
		if (f >= 1 && f <= 6 && f != 3) {
			if (wt != 2)
				return bad(d, at, "message field with the wrong wire type");
			if ((rc = bytes_field(d, r, &sub)) < 0)
				return rc;
		}
		switch (f) {
		case 1:
			if ((rc = GROW(d->vt, d->nvt, d->capvt, 1)) < 0)
				return rc;
			rc = value_type(d, &sub, &d->vt[d->nvt++]);
			break;
		case 2:
			rc = sample(d, &sub);
			break;
		case 4:
			rc = location(d, &sub);
			break;
		case 5:
			rc = function(d, &sub);
			break;
		case 6:
			if (d->nstr >= UINT32_MAX - 1)
				return bad(d, at, "too many strings");
			if ((rc = GROW(d->str, d->nstr, d->capstr, 1)) < 0)
				return rc;
			d->str[d->nstr].off = (uint32_t)(sub.p - d->base);
			d->str[d->nstr].len = (uint32_t)(sub.end - sub.p);
			d->nstr++;
			break;
		case 9:
		case 10:
		case 12:
			if ((rc = want_varint(d, r, wt, &v)) == 0)
				*(f == 9    ? &d->time_nanos
				  : f == 10 ? &d->duration_nanos
				            : &d->period) = (int64_t)v;
			break;
		case 11:
			if (wt != 2)
				return bad(d, at, "message field with the wrong wire type");
			if ((rc = bytes_field(d, r, &sub)) == 0)
				rc = value_type(d, &sub, &d->period_type);
			break;
		case 14:
			rc = want_varint(d, r, wt, &d->default_sample_type);
			break;
		default:
			rc = skip(d, r, wt); /* mapping, drop/keep_frames, comment */
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* id -> index, open addressing (ids need not be dense). */
typedef struct idmap {
	uint64_t *keys; /* 0 = empty (0 is no valid id) */
	uint32_t *vals;
	size_t mask;
} idmap;

static size_t idhash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (size_t)k;
}

static int idmap_init(idmap *m, size_t n)
{
	size_t cap = 16;
	while (cap < n * 2)
		cap *= 2;
	m->keys = calloc(cap, sizeof(*m->keys));
	m->vals = malloc(cap * sizeof(*m->vals));
	m->mask = cap - 1;
	if (!m->keys || !m->vals)
		return ge_error_set(GE_ENOMEM, "out of memory");
	return 0;
}

static void idmap_release(idmap *m)
{
	free(m->keys);
	free(m->vals);
}

/* 1 when the key was already there. */
static int idmap_put(idmap *m, uint64_t k, uint32_t v)
{
	size_t j = idhash(k) & m->mask;
	while (m->keys[j]) {
		if (m->keys[j] == k)
			return 1;
		j = (j + 1) & m->mask;
	}
	m->keys[j] = k;
	m->vals[j] = v;
	return 0;
}

static uint32_t idmap_get(const idmap *m, uint64_t k)
{
	size_t j = idhash(k) & m->mask;
	while (m->keys[j]) {
		if (m->keys[j] == k)
			return m->vals[j];
		j = (j + 1) & m->mask;
	}
	return GE_PPROF_NONE;
}

static int str_of(const dec *d, const ge_pprof *p, uint64_t idx, const char **out, const char *what)
{
	if (idx >= d->nstr)
		return ge_error_set(GE_EBADINPUT,
		                    "cannot read profile '%s': %s names string %llu of %zu",
		                    d->name, what, (unsigned long long)idx, d->nstr);
	*out = p->strings + d->str[idx].off;
	return 0;
}

static const char *const heap_types[] = {"alloc_objects", "alloc_space", "inuse_objects",
                                         "inuse_space"};

/*
 * Turn the wire's ids and string indices into a ge_pprof, checking each.
 * *raw (the inflated data, or NULL) is freed as soon as the strings are
 * copied out of it, to keep the peak memory down.
 */
static int resolve(ge_pprof **out, dec *d, uint8_t **raw)
{
	ge_pprof *p = calloc(1, sizeof(*p));
	idmap fm = {NULL, NULL, 0}, lm = {NULL, NULL, 0};
	size_t i, total = 0, pos = 0;
	int rc = 0, heap = 0, fdense, ldense;
	ge_buf types = GE_BUF_INIT;

	if (!p)
		return ge_error_set(GE_ENOMEM, "out of memory");
	/* Strings: one block, each NUL-terminated; offsets rewritten into it. */
	for (i = 0; i < d->nstr; i++)
		total += d->str[i].len + 1;
	if (d->nstr == 0 || d->str[0].len != 0) {
		rc = ge_error_set(
		    GE_EBADINPUT,
		    "cannot read profile '%s': string_table[0] is not the empty string", d->name);
		goto done;
	}
	if (!(p->strings = malloc(total ? total : 1))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < d->nstr; i++) {
		memcpy(p->strings + pos, d->base + d->str[i].off, d->str[i].len);
		p->strings[pos + d->str[i].len] = '\0';
		d->str[i].off = (uint32_t)pos;
		pos += d->str[i].len + 1;
	}
	free(*raw);
	*raw = NULL;
	d->base = NULL;

	if (d->nvt == 0) {
		rc = ge_error_set(GE_EBADINPUT,
		                  "cannot read profile '%s': no sample types (not a profile.proto)",
		                  d->name);
		goto done;
	}
	if (!(p->sample_types = calloc(d->nvt, sizeof(*p->sample_types)))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	p->nsample_types = d->nvt;
	for (i = 0; i < d->nvt; i++) {
		size_t k;
		if ((rc = str_of(d, p, d->vt[i].type, &p->sample_types[i].type, "a sample type")) <
		        0 ||
		    (rc = str_of(d, p, d->vt[i].unit, &p->sample_types[i].unit, "a sample type")) <
		        0)
			goto done;
		for (k = 0; k < sizeof(heap_types) / sizeof(heap_types[0]); k++)
			heap |= strcmp(p->sample_types[i].type, heap_types[k]) == 0;
		if ((rc = ge_buf_printf(&types, "%s%s/%s", i ? ", " : "", p->sample_types[i].type,
		                        p->sample_types[i].unit)) < 0)
			goto done;
	}
	if (!heap) {
		rc = ge_error_set(
		    GE_EBADINPUT,
		    "cannot read profile '%s': not a heap profile (its sample types are %s)",
		    d->name, types.ptr);
		goto done;
	}
	if ((rc = str_of(d, p, d->period_type.type, &p->period_type.type, "the period type")) < 0 ||
	    (rc = str_of(d, p, d->period_type.unit, &p->period_type.unit, "the period type")) < 0)
		goto done;
	if (d->default_sample_type) {
		if ((rc = str_of(d, p, d->default_sample_type, &p->default_sample_type,
		                 "default_sample_type")) < 0)
			goto done;
	}
	p->period = d->period;
	p->time_nanos = d->time_nanos;
	p->duration_nanos = d->duration_nanos;

	/*
	 * Functions.  Go numbers functions and locations 1, 2, 3 ... in the
	 * order it writes them: then an id is its index plus one and no map
	 * is needed (and no id can repeat).
	 */
	for (i = 0; i < d->nfuncs && d->funcs[i].id == i + 1; i++)
		;
	fdense = i == d->nfuncs;
	if (!fdense && (rc = idmap_init(&fm, d->nfuncs)) < 0)
		goto done;
	if (d->nfuncs && !(p->functions = calloc(d->nfuncs, sizeof(*p->functions)))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	p->nfunctions = d->nfuncs;
	for (i = 0; i < d->nfuncs; i++) {
		ge_pprof_function *f = &p->functions[i];
		const tmp_func *t = &d->funcs[i];
		if (!fdense && (t->id == 0 || idmap_put(&fm, t->id, (uint32_t)i))) {
			rc = ge_error_set(GE_EBADINPUT,
			                  "cannot read profile '%s': function id %llu is %s",
			                  d->name, (unsigned long long)t->id,
			                  t->id ? "defined twice" : "invalid");
			goto done;
		}
		f->id = t->id;
		f->start_line = t->start_line;
		if ((rc = str_of(d, p, t->name, &f->name, "a function")) < 0 ||
		    (rc = str_of(d, p, t->filename, &f->filename, "a function")) < 0)
			goto done;
	}
	/* Lines. */
	if (d->nlines && !(p->lines = malloc(d->nlines * sizeof(*p->lines)))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	p->nlines = d->nlines;
	for (i = 0; i < d->nlines; i++) {
		p->lines[i].line = d->lines[i].line;
		p->lines[i].function = GE_PPROF_NONE;
		if (d->lines[i].function_id) {
			uint64_t id = d->lines[i].function_id;
			p->lines[i].function = !fdense           ? idmap_get(&fm, id)
			                       : id <= d->nfuncs ? (uint32_t)(id - 1)
			                                         : GE_PPROF_NONE;
			if (p->lines[i].function == GE_PPROF_NONE) {
				rc = ge_error_set(GE_EBADINPUT,
				                  "cannot read profile '%s': a line names function "
				                  "%llu, which the profile does not define",
				                  d->name,
				                  (unsigned long long)d->lines[i].function_id);
				goto done;
			}
		}
	}
	/* Locations (moved, not copied). */
	for (i = 0; i < d->nlocations && d->locations[i].id == i + 1; i++)
		;
	ldense = i == d->nlocations;
	if (!ldense && (rc = idmap_init(&lm, d->nlocations)) < 0)
		goto done;
	for (i = 0; !ldense && i < d->nlocations; i++) {
		uint64_t id = d->locations[i].id;
		if (id == 0 || idmap_put(&lm, id, (uint32_t)i)) {
			rc = ge_error_set(
			    GE_EBADINPUT, "cannot read profile '%s': location id %llu is %s",
			    d->name, (unsigned long long)id, id ? "defined twice" : "invalid");
			goto done;
		}
	}
	p->locations = d->locations;
	p->nlocations = d->nlocations;
	d->locations = NULL;
	/*
	 * Samples.  Location indices are written over the ids in place (the
	 * i-th 32-bit slot ends before the (i+1)-th 64-bit one begins), then
	 * the array is shrunk: the ids are the bulk of a large profile.
	 */
	p->locs = (uint32_t *)(void *)d->locids;
	p->nlocs = d->nlocids;
	d->locids = NULL;
	for (i = 0; i < p->nlocs; i++) {
		uint64_t id;
		memcpy(&id, (const char *)p->locs + i * sizeof(uint64_t), sizeof(id));
		p->locs[i] = !ldense                  ? idmap_get(&lm, id)
		             : id - 1 < d->nlocations ? (uint32_t)(id - 1)
		                                      : GE_PPROF_NONE;
		if (p->locs[i] == GE_PPROF_NONE) {
			rc = ge_error_set(GE_EBADINPUT,
			                  "cannot read profile '%s': a sample names location %llu, "
			                  "which the profile does not define",
			                  d->name, (unsigned long long)id);
			goto done;
		}
	}
	if (d->nsamples && !(p->samples = malloc(d->nsamples * sizeof(*p->samples)))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	p->nsamples = d->nsamples;
	for (i = 0; i < d->nsamples; i++) {
		const tmp_sample *t = &d->samples[i];
		if (t->nvals != d->nvt || t->first_val != i * d->nvt) {
			rc = ge_error_set(
			    GE_EBADINPUT,
			    "cannot read profile '%s': sample %zu has %u values for %zu "
			    "sample types",
			    d->name, i + 1, t->nvals, d->nvt);
			goto done;
		}
		p->samples[i].first_loc = t->first_loc;
		p->samples[i].nlocs = t->nlocs;
	}
	if (p->nlocs) {
		uint32_t *shrunk = realloc(p->locs, p->nlocs * sizeof(*p->locs));
		if (shrunk)
			p->locs = shrunk;
	}
	p->values = d->values;
	d->values = NULL;
done:
	idmap_release(&fm);
	idmap_release(&lm);
	ge_buf_release(&types);
	if (rc < 0) {
		ge_pprof_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

/*
 * Inflate a gzip stream (one or more members) into *out, at most
 * GE_PPROF_MAX_INFLATED bytes.  The result is malloc'd.
 */
static int gunzip(uint8_t **out, size_t *outlen, const uint8_t *in, size_t len, const char *name)
{
	z_stream z;
	uint8_t *buf = NULL;
	/* Go's profiles compress about 4:1; start there, grow by doubling. */
	size_t cap = len < GE_PPROF_MAX_INFLATED / 4 ? len * 4 : GE_PPROF_MAX_INFLATED;
	int zr, rc = 0;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return ge_error_set(GE_ENOMEM, "out of memory");
	if (cap < (1u << 16))
		cap = 1u << 16;
	if (!(buf = malloc(cap))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	for (;;) {
		if (z.total_out == cap) {
			uint8_t *nb;
			if (cap >= GE_PPROF_MAX_INFLATED) {
				rc = ge_error_set(
				    GE_EBADINPUT,
				    "cannot read profile '%s': inflates to more than %u MiB", name,
				    GE_PPROF_MAX_INFLATED >> 20);
				goto done;
			}
			cap = cap * 2 < GE_PPROF_MAX_INFLATED ? cap * 2 : GE_PPROF_MAX_INFLATED;
			if (!(nb = realloc(buf, cap))) {
				rc = ge_error_set(GE_ENOMEM, "out of memory");
				goto done;
			}
			buf = nb;
		}
		z.next_out = buf + z.total_out;
		z.avail_out = (uInt)(cap - z.total_out);
		zr = inflate(&z, Z_NO_FLUSH);
		if (zr == Z_STREAM_END) {
			/* Another member may follow (gzip allows concatenation). */
			if (z.avail_in == 0)
				break;
			if (z.avail_in >= 2 && z.next_in[0] == 0x1f && z.next_in[1] == 0x8b) {
				uLong keep = z.total_out;
				if (inflateReset(&z) != Z_OK) {
					rc = ge_error_set(GE_ENOMEM, "out of memory");
					goto done;
				}
				z.total_out = keep;
				continue;
			}
			rc = ge_error_set(
			    GE_EBADINPUT,
			    "cannot read profile '%s': data after the end of the gzip stream",
			    name);
			goto done;
		}
		if (zr == Z_OK)
			continue;
		if (zr == Z_BUF_ERROR && z.avail_in == 0) {
			rc = ge_error_set(GE_EBADINPUT,
			                  "cannot read profile '%s': truncated gzip data", name);
			goto done;
		}
		if (zr == Z_BUF_ERROR && z.avail_out != 0) {
			rc = ge_error_set(GE_EBADINPUT,
			                  "cannot read profile '%s': truncated gzip data", name);
			goto done;
		}
		if (zr == Z_MEM_ERROR) {
			rc = ge_error_set(GE_ENOMEM, "out of memory");
			goto done;
		}
		if (zr != Z_BUF_ERROR) {
			rc = ge_error_set(GE_EBADINPUT,
			                  "cannot read profile '%s': bad gzip data (%s)", name,
			                  z.msg ? z.msg : "corrupt stream");
			goto done;
		}
	}
	*out = buf;
	*outlen = z.total_out;
	buf = NULL;
done:
	inflateEnd(&z);
	free(buf);
	return rc;
}

/* ---- SHA-256 (FIPS 180-4) of the input, to name the profile in reports ---- */

static const uint32_t sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha_block(uint32_t h[8], const uint8_t *b)
{
	uint32_t w[64], a, bb, c, d, e, f, g, hh, t1, t2;
	int i;
	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 |
		       (uint32_t)b[4 * i + 2] << 8 | b[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = (ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10)) + w[i - 7] +
		       (ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3)) + w[i - 16];
	a = h[0], bb = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
	for (i = 0; i < 64; i++) {
		t1 = hh + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + sha_k[i] +
		     w[i];
		t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & bb) ^ (a & c) ^ (bb & c));
		hh = g, g = f, f = e, e = d + t1, d = c, c = bb, bb = a, a = t1 + t2;
	}
	h[0] += a, h[1] += bb, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
}

static void sha256_hex(char out[65], const uint8_t *data, size_t len)
{
	uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	uint8_t last[128];
	size_t i, rest = len % 64, nlast = rest < 56 ? 64 : 128;
	uint64_t bits = (uint64_t)len * 8;
	static const char hex[] = "0123456789abcdef";
	for (i = 0; i + 64 <= len; i += 64)
		sha_block(h, data + i);
	memset(last, 0, sizeof(last));
	if (rest)
		memcpy(last, data + len - rest, rest);
	last[rest] = 0x80;
	for (i = 0; i < 8; i++)
		last[nlast - 1 - i] = (uint8_t)(bits >> (8 * i));
	sha_block(h, last);
	if (nlast == 128)
		sha_block(h, last + 64);
	for (i = 0; i < 32; i++) {
		uint8_t byte = (uint8_t)(h[i / 4] >> (24 - 8 * (i % 4)));
		out[2 * i] = hex[byte >> 4];
		out[2 * i + 1] = hex[byte & 15];
	}
	out[64] = '\0';
}

static int starts_with(const uint8_t *d, size_t len, const char *s)
{
	size_t n = strlen(s);
	return len >= n && memcmp(d, s, n) == 0;
}

int ge_pprof_parse(ge_pprof **out, const void *data, size_t len, const char *name)
{
	const uint8_t *in = data;
	uint8_t *raw = NULL;
	size_t rawlen = len;
	dec d;
	rd r;
	int rc;

	assert(out && name && (data || len == 0));
	*out = NULL;
	memset(&d, 0, sizeof(d));
	d.name = name;
	if (len == 0)
		return ge_error_set(GE_EBADINPUT, "cannot read profile '%s': the file is empty",
		                    name);
	if (starts_with(in, len, "heap profile:") || starts_with(in, len, "--- ") ||
	    starts_with(in, len, "goroutine profile:"))
		return ge_error_set(GE_EBADINPUT,
		                    "cannot read profile '%s': this is the legacy text form "
		                    "(?debug=1), not profile.proto; fetch it without debug=1",
		                    name);
	if (len > GE_PPROF_MAX_INFLATED)
		return ge_error_set(GE_EBADINPUT, "cannot read profile '%s': larger than %u MiB",
		                    name, GE_PPROF_MAX_INFLATED >> 20);
	if (len >= 2 && in[0] == 0x1f && in[1] == 0x8b) {
		if ((rc = gunzip(&raw, &rawlen, in, len, name)) < 0)
			return rc;
		in = raw;
	}
	d.base = in;
	r.p = in;
	r.end = in + rawlen;
	if ((rc = profile(&d, &r)) == 0 && (rc = resolve(out, &d, &raw)) == 0)
		sha256_hex((*out)->sha256, data, len);
	free(d.str);
	free(d.vt);
	free(d.samples);
	free(d.locids);
	free(d.values);
	free(d.locations);
	free(d.lines);
	free(d.funcs);
	free(raw);
	return rc;
}

int ge_pprof_load(ge_pprof **out, const char *path)
{
	int fd, rc = 0;
	struct stat st;
	uint8_t *buf = NULL;
	size_t len = 0;

	assert(out && path);
	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
		if (errno == ENOENT)
			return ge_error_set(GE_ENOTFOUND, "cannot read profile '%s': no such file",
			                    path);
		return ge_error_errno(GE_ERROR, "cannot read profile '%s'", path);
	}
	if (fstat(fd, &st) < 0) {
		rc = ge_error_errno(GE_ERROR, "cannot read profile '%s'", path);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = ge_error_set(GE_EBADINPUT, "cannot read profile '%s': not a regular file",
		                  path);
		goto done;
	}
	if ((uint64_t)st.st_size > GE_PPROF_MAX_INPUT) {
		rc = ge_error_set(GE_EBADINPUT, "cannot read profile '%s': larger than %u MiB",
		                  path, GE_PPROF_MAX_INPUT >> 20);
		goto done;
	}
	if (!(buf = malloc(st.st_size ? (size_t)st.st_size : 1))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = ge_error_errno(GE_ERROR, "cannot read profile '%s'", path);
			goto done;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	rc = ge_pprof_parse(out, buf, len, path);
done:
	close(fd);
	free(buf);
	return rc;
}

void ge_pprof_free(ge_pprof *p)
{
	if (!p)
		return;
	free(p->sample_types);
	free(p->samples);
	free(p->values);
	free(p->locs);
	free(p->locations);
	free(p->lines);
	free(p->functions);
	free(p->strings);
	free(p);
}

int ge_pprof_sample_index(const ge_pprof *p, const char *name)
{
	size_t i;
	for (i = 0; i < p->nsample_types; i++)
		if (strcmp(p->sample_types[i].type, name) == 0)
			return (int)i;
	return -1;
}

int64_t ge_pprof_total(const ge_pprof *p, int index)
{
	size_t i;
	uint64_t t = 0; /* wraps instead of overflowing on hostile values */
	assert(index >= 0 && (size_t)index < p->nsample_types);
	for (i = 0; i < p->nsamples; i++)
		t += (uint64_t)p->values[i * p->nsample_types + (size_t)index];
	return (int64_t)t;
}
