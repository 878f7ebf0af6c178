/*
 * lib/report: the set of heap-escape diagnostics of one build, and the
 * report JSON format of DESIGN.md ("goescape-report/1").
 *
 * A report owns every string it holds (in an arena freed with the report).
 * Diagnostics are kept in the order they were added until ge_report_sort()
 * puts them in canonical order (file, line, column, kind, subject) and
 * folds identical ones into one diagnostic with a count.
 *
 * Multiplicity: the compiler prints one line per allocation site, and
 * several sites can share a position (an inlined callee with two appends,
 * a range-over-func body copied once per yield, slices.Concat's two
 * appends).  Within one "# importpath" block of compiler output (one
 * compile of one package) identical lines are summed into count.  The same
 * package's block seen twice (a test variant, a replay read again,
 * concatenated captures) describes the same code again: for it the larger
 * of the blocks' counts is kept, never their sum.  Blocks of different
 * packages (a closure compiled again in an importing package) add up.
 */
#ifndef GE_REPORT_H
#define GE_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

typedef enum ge_kind { GE_KIND_MOVED = 0, GE_KIND_ESCAPES = 1, GE_KIND_LEAK = 2 } ge_kind;

typedef enum ge_status {
	GE_STATUS_NONE = 0, /* not compared with anything */
	GE_STATUS_NEW,
	GE_STATUS_EXISTING,
	GE_STATUS_FIXED, /* only in the fixed list */
	GE_STATUS_MOVED  /* matched to a base escape in another function or file */
} ge_status;

/*
 * What few diagnostics have, out of line: ge_diag holds one pointer to it
 * (NULL when all three are NULL) instead of three mostly NULL pointers, 16
 * bytes a diagnostic (a check at 10^7 lines holds 13.3 million).  Read
 * through ge_diag_inlined_from(), ge_diag_from_file(), ge_diag_from_function().
 * A report's diagnostic points into that report's arena; a diagnostic handed
 * to ge_report_add may point anywhere (its strings are copied, as the rest).
 */
typedef struct ge_diag_rare {
	/* F of the compiler's "inlining call to F" at this position, when the
	 * diagnostic's text is F's, not the source line's; NULL otherwise. */
	const char *inlined_from;
	const char *from_file;     /* GE_STATUS_MOVED: where base had it; else NULL */
	const char *from_function; /* likewise */
} ge_diag_rare;

typedef struct ge_diag {
	/* Pointers first, then the 64-bit hash, the 32-bit fields, the bytes:
	 * no padding between them (80 bytes on LP64; a check at 10^7 lines holds
	 * two reports of 6.7 million each). */
	const char *package;  /* import path */
	const char *file;     /* relative to the module root, '/'-separated */
	const char *function; /* gosrc notation; "" at package level */
	const char *subject;
	const char *message;      /* the compiler's message text */
	const ge_diag_rare *rare; /* inlined_from, from_file, from_function; NULL: none */
	uint64_t line_hash;        /* ge_hash_nospace of the source line; 0 if unknown */
	uint32_t line, column;
	uint32_t explain; /* index+1 into the report's explanations; 0 if none */
	uint32_t count;   /* allocation sites printed at this position; 0 is taken as 1 */
	uint32_t group;   /* which compiler output block it came from (see above); 0 if
	                     unknown.  Only ge_report_sort() reads it; never serialised */
	uint8_t kind;     /* a ge_kind */
	uint8_t status;   /* a ge_status */
	/* Attribution's answer for ge_config_filter, from the source it read
	 * anyway: GE_MARK_YES when a comment on the line or the one above
	 * holds "//goescape:ignore" (lib/gopkg's ge_gopkg_ignored), GE_MARK_NO
	 * when none does, GE_MARK_UNKNOWN (0: read back from JSON, or no
	 * source) to read the file again.  Never serialised. */
	uint8_t mark;
	/* Attribution's answer for the assertion summary after a build
	 * (lib/asserts), from the same bytes: GE_DIRS_NONE when the whole
	 * file holds neither "goescape:" nor "gcassert:"
	 * (ge_gopkg_may_have_directives), GE_DIRS_MAYBE when it may,
	 * GE_DIRS_UNKNOWN (0: read back from JSON, no source, an overlay) to
	 * read the file.  Never serialised. */
	uint8_t dirs;
} ge_diag;

static inline const char *ge_diag_inlined_from(const ge_diag *d)
{
	return d->rare ? d->rare->inlined_from : NULL;
}
static inline const char *ge_diag_from_file(const ge_diag *d)
{
	return d->rare ? d->rare->from_file : NULL;
}
static inline const char *ge_diag_from_function(const ge_diag *d)
{
	return d->rare ? d->rare->from_function : NULL;
}

enum { GE_MARK_UNKNOWN = 0, GE_MARK_YES = 1, GE_MARK_NO = 2 };
enum { GE_DIRS_UNKNOWN = 0, GE_DIRS_MAYBE = 1, GE_DIRS_NONE = 2 };

typedef struct ge_report {
	char *go_version; /* "go1.26.8"; NULL when unknown */
	char *module;     /* main module path (first one of a workspace) */
	char *commit;     /* hex object id; NULL when not in git */
	int dirty;
	/*
	 * 1 when counts are allocation sites (every report goescape makes now;
	 * "counts": true in JSON).  0 for a report, baseline or note written
	 * before counts existed, which kept one diagnostic per position: its
	 * count 1 means "one or more", and ge_match() compares with it as it
	 * did then, so an upgrade reports nothing new by itself.
	 */
	int counted;
	ge_diag *diags;
	size_t ndiags, diags_alloc;
	ge_diag *fixed;
	size_t nfixed, fixed_alloc;
	struct ge_arena *arena;
	char **explain; /* -m=2 explanation text per index, owned */
	size_t nexplain, explain_alloc;
	/* The build configuration (lib/goconfig), owned; NULL when unknown
	   (compiler output read with --input, a report of an older goescape). */
	struct ge_goconfig *config;
} ge_report;

/* An empty report; free with ge_report_free(). */
int ge_report_new(ge_report **out);
void ge_report_free(ge_report *r);

/* Copy a string into the report's arena (interned: equal strings share). */
const char *ge_report_intern(ge_report *r, const char *s, size_t len);

/* Append a diagnostic; its strings are copied into the report: package,
 * file, function and the rest interned (equal strings share one copy),
 * subject and message shared only with an equal one seen recently. */
int ge_report_add(ge_report *r, const ge_diag *d);
int ge_report_add_fixed(ge_report *r, const ge_diag *d);
/* d->rare set to rare's strings copied into r (NULL when rare sets none);
 * for a diagnostic of r whose rare fields change (match's moved ones). */
int ge_report_set_rare(ge_report *r, ge_diag *d, const ge_diag_rare *rare);
/*
 * ge_report_add for a producer that holds r's strings already: d's package,
 * file and function (never NULL) are ge_report_intern(r, ...) results
 * (d->rare's strings are copied as ge_report_add copies them), and the subject and message are
 * counted bytes (NUL-ended or not; read up to a NUL, as a NUL-ended copy
 * of them would be) in place of d->subject and d->message.  Stores what
 * ge_report_add of the same strings would, without looking them up.
 */
int ge_report_add_interned(ge_report *r, const ge_diag *d, const char *subject, size_t subject_len,
                           const char *message, size_t message_len);
int ge_report_set_meta(ge_report *r, const char *go_version, const char *module, const char *commit,
                       int dirty);

/*
 * The diagnostic array's room past its last diagnostic: the array at
 * *base, *used bytes of it holding diagnostics, *cap allocated.  For a
 * helper thread to fault the room in ahead of the adds (madvise
 * MADV_POPULATE_WRITE, which changes no byte: a range gone stale by the
 * time it runs, the array moved, harms nothing).
 */
void ge_report_spare(const ge_report *r, uintptr_t *base, size_t *used, size_t *cap);
/* Canonical order; identical diagnostics folded into one with a count. */
void ge_report_sort(ge_report *r);
/* ge_report_sort by qsort() alone: the reference its radix sort must
 * match, for tests. */
void ge_report_sort_qsort(ge_report *r);

const char *ge_kind_name(ge_kind k);
int ge_kind_parse(ge_kind *out, const char *s);
const char *ge_status_name(ge_status s);
/* d->count, with 0 (not set) read as 1. */
uint32_t ge_diag_count(const ge_diag *d);
/* moved/escapes, which are what "heap" counts and what fails a check. */
int ge_kind_is_heap(ge_kind k);

/*
 * Totals count allocation sites: a diagnostic with count N counts N.
 * relocated is the heap escapes of status GE_STATUS_MOVED.
 */
typedef struct ge_summary {
	size_t heap, moved, escapes, leaks, new_, fixed, packages, relocated;
} ge_summary;
void ge_report_summary(const ge_report *r, ge_summary *out);

/* The stable identity of a diagnostic as 16 hex digits plus NUL. */
void ge_diag_fingerprint(const ge_diag *d, char out[17]);

/*
 * Appends the members that place and describe a diagnostic, without braces:
 * "file", "line", "column", "function", "kind", "subject", "message", in
 * that order, as the report and the baseline files both write them.
 */
int ge_diag_put_json_site(ge_buf *b, const ge_diag *d);

/* Serialise as DESIGN.md's report JSON (pretty, one diagnostic per line). */
int ge_report_to_json(ge_buf *out, const ge_report *r);
/*
 * The same, with more: diag_extra (when set) appends members to diagnostic
 * index's object (",\"cost\": {...}"), top_extra (when set) after the
 * last top-level member (",\n  \"profile\": {...}").
 */
int ge_report_to_json_extra(ge_buf *out, const ge_report *r,
                            int (*diag_extra)(ge_buf *out, size_t index, void *ud),
                            const char *top_extra, void *ud);
/*
 * For tests: the "diagnostics" array's elements of r's JSON, rendered by
 * this thread alone (two 0) or with a second one (two 1; large reports
 * take that way in ge_report_to_json).  The same bytes either way.
 */
int ge_report__diags_json(ge_buf *out, const ge_report *r, int two);
/*
 * For tests: how the sort applies its permutation (ge_report_sort).  0, the
 * default: into a new array when what that adds stays within its budget
 * (a quarter of the array, and at least 32 MiB); 1: always in place; 2:
 * always into a new array, whatever it adds; 3: as 0 without the 32 MiB.
 * ge_report__sort_gathered: whether the last one took a new array.
 */
void ge_report__sort_gather(int mode);
int ge_report__sort_gathered(void);
/* For tests: the extra bytes the last gather counted it would hold at most,
 * and what it held at most (written, not yet given back). */
void ge_report__sort_gather_peaks(size_t *counted, size_t *held);
/* For tests: the bytes the last gather gave back by moving its pages into
 * the new array, in how many stretches, and whether a move failed (then it
 * used madvise); and the most stretches a gather moves (0: the default,
 * 4,096). */
void ge_report__sort_gather_moved(size_t *moved, size_t *moves, int *refused);
void ge_report__sort_gather_moves_max(size_t max);
/* For tests: the radix sort's elements 16 bytes (key and index apart) even
 * where 8 would hold both (on 1); which way the last sort took: 0 none
 * (qsort), 1 wide, 2 packed. */
void ge_report__sort_radix_wide(int on);
int ge_report__sort_radix_path(void);
/* For tests: the radix sort shared by two threads at any size (on 1; by
 * default from 65,536 diagnostics); how many parts the last one had (0
 * when qsort sorted). */
void ge_report__sort_radix_split(int on);
int ge_report__sort_radix_parts(void);
/* Where the last radix sort's fold began: the first diagnostic, in sorted
 * order, of a run of equal ones (the number sorted when none was). */
size_t ge_report__sort_fold_at(void);
/* Parse report JSON; name is used in messages.  GE_EBADINPUT on bad input. */
int ge_report_from_json(ge_report **out, const char *json, size_t len, const char *name);
/*
 * The report at the start of json (len bytes; what follows it is not read):
 * *stop is set after it.  What ge_report_from_json gives for those bytes
 * alone, without a scan for their end first (a note is several reports in a
 * row).  GE_EBADINPUT on bad input.
 */
int ge_report_from_json_first(ge_report **out, const char **stop, const char *json, size_t len,
                              const char *name);
/*
 * ge_report_from_json's streaming reader alone (no tree of the whole
 * document): 0 with *out set, or 1 when it declines and leaves the document
 * to the whole-tree reader (which then gives the message).  For tests.
 */
int ge_report_from_json_streamed(ge_report **out, const char *json, size_t len);
/*
 * ge_report_from_json's streaming reader over a file read in pieces (fd,
 * from where it is to its end; name for messages), so a baseline of any
 * size is never held whole: at most one top-level value or list element
 * (value_max bytes; longer, it declines) plus a chunk.  0 with *out set;
 * 1 when it declines, exactly where ge_report_from_json's streaming reader
 * would (the caller reads the file whole for the whole-tree reader's
 * message); GE_EBADINPUT when more than file_max bytes are read; GE_ERROR
 * on a read error; GE_ENOMEM.  A limit left 0 is the default.
 */
#define GE_JSON_CHUNK_BYTES     ((size_t)1024 * 1024)
#define GE_JSON_VALUE_MAX_BYTES ((size_t)64 * 1024 * 1024)
typedef struct ge_json_chunks {
	size_t chunk;     /* bytes per read */
	size_t value_max; /* one step's bytes at most */
	size_t file_max;  /* the file's bytes at most (0: no bound) */
} ge_json_chunks;
int ge_report_from_json_fd(ge_report **out, int fd, const char *name, const ge_json_chunks *lim);

/*
 * Where the JSON value starting at p ends (brackets matched, strings
 * skipped; what is inside is not checked), or NULL when it does not end
 * before end.  For a valid value it is where a JSON parser stops.
 */
const char *ge_report_json_end(const char *p, const char *end);

#endif
