/*
 * lib/pprof: a bounded decoder for Go heap profiles (profile.proto, as in
 * github.com/google/pprof/proto/profile.proto), gzipped or not.
 *
 * It reads what `go test -memprofile`, runtime/pprof.WriteHeapProfile and
 * net/http/pprof's /debug/pprof/heap and /debug/pprof/allocs write, and
 * keeps what a join with compiler diagnostics needs: the sample types, the
 * samples (their locations and values), the locations (their inline chain
 * of lines, innermost first), the functions (name, file, start line), the
 * period and its type.  Mappings, addresses, labels and comments are
 * skipped, as are fields this decoder does not know.
 *
 * The input is untrusted.  Bounds: at most GE_PPROF_MAX_INPUT bytes are
 * read and at most GE_PPROF_MAX_INFLATED bytes inflated; varints longer
 * than 10 bytes, lengths past the end of their message, groups (wire types
 * 3 and 4) and wire types 6 and 7 are refused; every string index, function
 * id and location id must name something the profile defines (ids need not
 * be dense, string_table[0] must be "").  Repeated scalars may come packed
 * or unpacked (Go packs only when there are more than two values).
 *
 * Anything that is not a heap profile (a CPU profile, the legacy text form
 * that ?debug=1 prints, a truncated gzip stream, garbage) is GE_EBADINPUT
 * with one message naming the file and the problem.
 */
#ifndef GE_PPROF_H
#define GE_PPROF_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

/* Bytes read from a profile file, and inflated from a gzipped one. */
#define GE_PPROF_MAX_INPUT    (64u << 20)
#define GE_PPROF_MAX_INFLATED (256u << 20)

/* "no function" / "no location" in the index fields below. */
#define GE_PPROF_NONE UINT32_MAX

typedef struct ge_pprof_valuetype {
	const char *type; /* "alloc_space"; "" when unset */
	const char *unit; /* "bytes" */
} ge_pprof_valuetype;

typedef struct ge_pprof_function {
	uint64_t id;
	const char *name;     /* "example.com/m/pkg.(*T).M", as the runtime names it */
	const char *filename; /* absolute build path, or importpath/file.go with -trimpath */
	int64_t start_line;   /* 0 when unknown (merged profiles may drop it) */
} ge_pprof_function;

/* One frame of a location: a function (index into functions) and a line. */
typedef struct ge_pprof_line {
	uint32_t function; /* GE_PPROF_NONE when the profile names none */
	int64_t line;
} ge_pprof_line;

/*
 * A location: lines[first .. first+nlines) of the profile's line array.
 * Several lines are an inline chain, innermost first: the last one is the
 * outermost frame, the function that was really compiled.
 */
typedef struct ge_pprof_location {
	uint64_t id;
	uint32_t first_line, nlines;
} ge_pprof_location;

/*
 * A sample: locs[first .. first+nlocs) of the profile's location-index
 * array, leaf first; values[index * nsample_types ..] one per sample type.
 */
typedef struct ge_pprof_sample {
	uint32_t first_loc, nlocs;
} ge_pprof_sample;

typedef struct ge_pprof {
	ge_pprof_valuetype *sample_types;
	size_t nsample_types;
	const char *default_sample_type; /* NULL when unset (WriteHeapProfile, deltas) */
	ge_pprof_valuetype period_type;
	int64_t period; /* the sampling rate for heap profiles (bytes); 0 if unset */
	int64_t time_nanos, duration_nanos;
	ge_pprof_sample *samples;
	size_t nsamples;
	int64_t *values; /* nsamples * nsample_types */
	uint32_t *locs;  /* location indices of all samples */
	size_t nlocs;
	ge_pprof_location *locations;
	size_t nlocations;
	ge_pprof_line *lines;
	size_t nlines;
	ge_pprof_function *functions;
	size_t nfunctions;
	char *strings;   /* every string above points in here (owned) */
	char sha256[65]; /* of the bytes as given (the file), lowercase hex */
} ge_pprof;

/*
 * Decode a profile held in memory (gzipped when it starts with the gzip
 * magic, else raw profile.proto); name is the file name for messages.
 * The result belongs to the caller: free it with ge_pprof_free().
 * GE_EBADINPUT when the data is not a Go heap profile, GE_ENOMEM.
 */
int ge_pprof_parse(ge_pprof **out, const void *data, size_t len, const char *name);

/*
 * Read and decode the profile at path (at most GE_PPROF_MAX_INPUT bytes).
 * GE_ENOTFOUND when the file does not exist; otherwise as ge_pprof_parse().
 */
int ge_pprof_load(ge_pprof **out, const char *path);

void ge_pprof_free(ge_pprof *p);

/* Index of the sample type called name ("alloc_space"), or -1. */
int ge_pprof_sample_index(const ge_pprof *p, const char *name);

/* Sum of one sample type's values over all samples (index from above). */
int64_t ge_pprof_total(const ge_pprof *p, int index);

#endif
