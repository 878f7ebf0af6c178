/*
 * The Go compiler's -m / -m=2 output, classified one line at a time.
 *
 * Every line costs a memchr for its newline, a copy (so the callback gets
 * the NUL-terminated line parse.h promises), an anchored PCRE2 match for its
 * "path:line:col: " prefix and a few memcmp()s on the message.  The message
 * forms are told apart by their fixed words (a "moved to heap: " prefix, an
 * " escapes to heap" suffix ...); PCRE2 is used again only where the shape
 * is structured ("parameter p leaks to {storage for x} for F with
 * derefs=0:") or for the list of rarer notes.  A positioned line that has
 * none of the known -m shapes is a compile error and stays GE_LINE_OTHER, so
 * the caller shows it to the user unchanged.
 *
 * The shapes come from the compiler sources of Go 1.19 to 1.27
 * (cmd/compile/internal/{escape,inline,devirtualize,walk,bloop}) and are
 * checked against the captured output in tests/fixtures/compiler-output/.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "parse.h"

#include <cjson/cJSON.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

/*
 * One compiled pattern with its own match data.  JIT-compiled at its first
 * match (jit_tried), not when the parser is made: the JIT compile of the
 * notes is 0.9 M instructions, more than a replayed build of 200 packages
 * spends classifying all of go's lines, and most runs never match a note.
 */
typedef struct re {
	pcre2_code *code;
	pcre2_match_data *md;
	int jit, jit_tried;
} re;

struct ge_parser {
	re pos;   /* "path:line:col: " / "path:line: " */
	re leaks; /* -m=2 "parameter p leaks to T [for F] with derefs=N:" */
	re note;  /* the known positioned -m notes */
	pcre2_match_context *mctx;
	/*
	 * The start of a line that did not end inside the chunk it came in:
	 * at most GE_PARSE_MAX_LINE + 1 bytes are kept (one more than a line
	 * may have, so a trailing '\r' can still be told from an overlong
	 * line); part_total counts every byte seen, kept or not.
	 */
	ge_buf part;
	size_t part_total;
	ge_buf line; /* the NUL-terminated copy handed to the callback */
	ge_buf pkg;  /* import path of the last "# " header */
	int have_pkg;
};

/*
 * The position prefix.  The path is the shortest prefix followed by
 * ":line: " or ":line:col: " (as "^(.+?):(\d+)(?::(\d+))?: " would say), so
 * paths with spaces, and colons not followed by digits and ": ", are read
 * whole.  Written as possessive runs between colons so that PCRE2 without
 * JIT does not backtrack character by character (3x faster there).
 */
static const char pos_pattern[] =
    "^([^:]++(?::(?![0-9]{1,10}(?::[0-9]{1,10})?: )[^:]*+)*+):([0-9]{1,10})(?::([0-9]{1,10}))?: ";

/*
 * An -m=2 leak heading.  Go 1.19 to 1.24: "parameter p leaks to {heap}
 * with derefs=0:"; later: "... leaks to ~r0 for F with derefs=0:".  The
 * target is a word or a balanced {...} ("{storage for &T{...}}") that may
 * itself contain " for ".
 */
static const char leaks_pattern[] =
    "^parameter \\S+ leaks to (?:(\\{(?:[^{}]++|(?1))*\\})|[^{\\s]\\S*)(?: for (.+))? with "
    "derefs=-?[0-9]+:$";

/*
 * Positioned messages the compiler prints under -m or -m=2 that are
 * neither escapes, leaks nor inlining: GE_LINE_NOTE.  Anything not listed
 * here is treated as a compile error.  Forms printed only under other
 * debug flags (-d=loopvar, -d=escapemutationscalls ...) are left out on
 * purpose: a user who asked for them sees them.  The check_bce lines are
 * the exception: goescape asks for them itself (lib/asserts) and reads them
 * with ge_parse_bce().
 */
static const char *const note_shapes[] = {
    "devirtualizing \\S.* to \\S.*",           /* devirtualize */
    "partially devirtualizing \\S.* to \\S.*", /* promoted from an embedded interface */
    "failed to devirtualize \\S.* \\(\\S+\\)", /* Go 1.19 */
    "cannot devirtualize \\S.*: shaped (?:receiver|interface) \\S.*",
    "PGO devirtualizing (?:function|interface) call \\S.* to \\S.*",
    "should not PGO devirtualize \\S.*: .+",
    "\\S.* capturing by (?:ref|value): \\S.* \\(addr=(?:true|false) assign=(?:true|false) "
    "width=[0-9]+\\)",
    "\\S.* ignoring self-assignment in \\S.*",
    "assuming \\S.* is unsafe uintptr",
    "marking \\S.* as escaping (?:\\.\\.\\.)?uintptr",
    "imprecise interface call",
    "index bounds check elided",
    "zero-copy string->\\[\\]byte conversion",
    "function \\S.* considered 'big'; reducing max cost of inlinees",
    "(?:\\S+|function arg|function results?) will be kept alive", /* b.Loop, -m=2 */
    "expr is unknown to bloop pass",
    "Found Is(?:Slice)?InBounds", /* -d=ssa/check_bce/debug=1: the bce assertions' build */
    "  warning: truncated explanation due to assignment cycle; see golang.org/issue/\\d+",
};

static int re_compile(re *r, const char *pattern)
{
	int err = 0;
	PCRE2_SIZE off = 0;
	PCRE2_UCHAR msg[256];

	r->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL);
	if (!r->code) {
		pcre2_get_error_message(err, msg, sizeof(msg));
		return ge_error_set(GE_ERROR, "cannot compile pattern '%s' at offset %zu: %s",
		                    pattern, (size_t)off, (const char *)msg);
	}
	r->md = pcre2_match_data_create_from_pattern(r->code, NULL);
	if (!r->md)
		return ge_error_set(GE_ENOMEM, "out of memory");
	return 0;
}

static void re_release(re *r)
{
	pcre2_match_data_free(r->md);
	pcre2_code_free(r->code);
	memset(r, 0, sizeof(*r));
}

/*
 * The ovector of a match, or NULL when s does not match (or the match failed).
 * r is the parser's own (never const): its first match JIT-compiles it, which,
 * like the match data, makes a parser one thread's (parse.h).
 */
static const PCRE2_SIZE *re_match(const ge_parser *p, const re *cr, const char *s, size_t n)
{
	re *r = (re *)cr;
	int rc;
	if (!r->jit_tried) {
		/* Without JIT (not built in, or no executable memory) the
		 * interpreter does: the same answers, more slowly. */
		r->jit_tried = 1;
		r->jit = pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE) == 0;
	}
	if (r->jit)
		rc = pcre2_jit_match(r->code, (PCRE2_SPTR)s, n, 0, 0, r->md, p->mctx);
	else
		rc = pcre2_match(r->code, (PCRE2_SPTR)s, n, 0, 0, r->md, p->mctx);
	return rc > 0 ? pcre2_get_ovector_pointer(r->md) : NULL;
}

int ge_parser_new(ge_parser **out)
{
	ge_parser *p = NULL;
	ge_buf notes = GE_BUF_INIT;
	size_t i;
	int rc = 0;

	assert(out);
	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (!p) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	rc = ge_buf_puts(&notes, "^(?:");
	for (i = 0; rc == 0 && i < sizeof(note_shapes) / sizeof(note_shapes[0]); i++)
		rc = ge_buf_printf(&notes, "%s(?:%s)", i ? "|" : "", note_shapes[i]);
	if (rc == 0)
		rc = ge_buf_puts(&notes, ")$");
	if (rc < 0)
		goto done;
	if ((rc = re_compile(&p->pos, pos_pattern)) < 0 ||
	    (rc = re_compile(&p->leaks, leaks_pattern)) < 0 ||
	    (rc = re_compile(&p->note, notes.ptr)) < 0)
		goto done;
	/* A pathological 64 KiB line must not make a match take seconds. */
	p->mctx = pcre2_match_context_create(NULL);
	if (!p->mctx) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	pcre2_set_match_limit(p->mctx, 1000000);
	/* Sized once, so feeding never allocates. */
	if ((rc = ge_buf_grow(&p->part, GE_PARSE_MAX_LINE + 1)) < 0 ||
	    (rc = ge_buf_grow(&p->line, GE_PARSE_MAX_LINE)) < 0 ||
	    (rc = ge_buf_grow(&p->pkg, GE_PARSE_MAX_LINE)) < 0)
		goto done;
	*out = p;
	p = NULL;
done:
	ge_buf_release(&notes);
	ge_parser_free(p);
	return rc;
}

void ge_parser_free(ge_parser *p)
{
	if (!p)
		return;
	re_release(&p->pos);
	re_release(&p->leaks);
	re_release(&p->note);
	pcre2_match_context_free(p->mctx);
	ge_buf_release(&p->part);
	ge_buf_release(&p->line);
	ge_buf_release(&p->pkg);
	free(p);
}

static int has_prefix(const char *s, size_t n, const char *lit, size_t litlen)
{
	return n >= litlen && memcmp(s, lit, litlen) == 0;
}

static int has_suffix(const char *s, size_t n, const char *lit, size_t litlen)
{
	return n >= litlen && memcmp(s + n - litlen, lit, litlen) == 0;
}

#define PREFIX(s, n, lit) has_prefix((s), (n), lit, sizeof(lit) - 1)
#define SUFFIX(s, n, lit) has_suffix((s), (n), lit, sizeof(lit) - 1)

/* The last occurrence of lit in s[0..n), or NULL. */
static const char *find_last(const char *s, size_t n, const char *lit, size_t litlen)
{
	const char *q;
	if (n < litlen)
		return NULL;
	for (q = s + n - litlen;; q--) {
		if (*q == *lit && memcmp(q, lit, litlen) == 0)
			return q;
		if (q == s)
			return NULL;
	}
}

/* The first occurrence of lit in s[0..n), or NULL (memmem() is not in C11 or POSIX). */
static const char *find_first(const char *s, size_t n, const char *lit, size_t litlen)
{
	const char *end = s + n, *q = s;
	if (litlen == 0 || n < litlen)
		return NULL;
	while ((q = memchr(q, lit[0], (size_t)(end - q) - litlen + 1))) {
		if (memcmp(q, lit, litlen) == 0)
			return q;
		q++;
		if ((size_t)(end - q) < litlen)
			break;
	}
	return NULL;
}

static void set_subject(ge_parse_line *out, const char *s, size_t n)
{
	out->subject = s;
	out->subject_len = n;
}

/*
 * The level-1 forms and the -m=2 headings: a message that starts at the
 * position (no indent).  m is the message, n its length.
 */
static ge_line_type classify_top(const ge_parser *p, ge_parse_line *out, const char *m, size_t n)
{
	const char *q;
	const PCRE2_SIZE *ov;

	switch (m[0]) {
	case 'm':
		if (PREFIX(m, n, "moved to heap: ") && n > 15) {
			set_subject(out, m + 15, n - 15);
			return GE_LINE_MOVED;
		}
		break;
	case 'l':
		if (PREFIX(m, n, "leaking param content: ") && n > 23) {
			set_subject(out, m + 23, n - 23);
			out->leak_form = GE_LEAK_CONTENT;
			return GE_LINE_LEAK;
		}
		if (PREFIX(m, n, "leaking param: ") && n > 15) {
			/* "leaking param: p to result ~r0 level=0" */
			const char *s = m + 15;
			size_t sn = n - 15;
			if ((q = find_first(s, sn, " to result ", 11)) &&
			    find_last(s, sn, " level=", 7)) {
				set_subject(out, s, (size_t)(q - s));
				out->leak_form = GE_LEAK_RESULT;
			} else {
				set_subject(out, s, sn);
				out->leak_form = GE_LEAK_PARAM;
			}
			return GE_LINE_LEAK;
		}
		break;
	case 'c':
		if (PREFIX(m, n, "can inline ") && n > 11) {
			/* "can inline F" or, under -m=2, "can inline F with cost N as: ..." */
			q = find_first(m + 11, n - 11, " with cost ", 11);
			set_subject(out, m + 11, q ? (size_t)(q - m - 11) : n - 11);
			return GE_LINE_INLINE;
		}
		if (PREFIX(m, n, "cannot inline ") && (q = find_first(m, n, ": ", 2))) {
			/* "cannot inline F: why", "cannot inline F into G: repeated ..." */
			const char *into = find_first(m + 14, (size_t)(q - m - 14), " into ", 6);
			set_subject(out, m + 14, (size_t)((into ? into : q) - m - 14));
			return GE_LINE_INLINE;
		}
		break;
	case 'i':
		if (PREFIX(m, n, "inlining call to ") && n > 17) {
			/* GOEXPERIMENT=newinliner appends " with score N" */
			q = find_last(m + 17, n - 17, " with score ", 12);
			set_subject(out, m + 17, q ? (size_t)(q - m - 17) : n - 17);
			return GE_LINE_INLINE;
		}
		break;
	case 'p':
		if (PREFIX(m, n, "parameter ") && m[n - 1] == ':' &&
		    (q = find_first(m + 10, n - 10, " leaks to ", 10)) && q > m + 10 &&
		    find_last(q, (size_t)(m + n - q), " with derefs=", 13)) {
			set_subject(out, m + 10, (size_t)(q - m - 10));
			/*
			 * Only the pattern knows where a {storage for ...} target
			 * ends; should it fail (braces unbalanced by a string
			 * literal), the heading stands without its function.
			 */
			if ((ov = re_match(p, &p->leaks, m, n)) && ov[4] != PCRE2_UNSET) {
				out->func = m + ov[4];
				out->func_len = ov[5] - ov[4];
			}
			return GE_LINE_EXPLAIN;
		}
		break;
	}

	if (SUFFIX(m, n, " escapes to heap") && n > 16) {
		set_subject(out, m, n - 16);
		return GE_LINE_ESCAPES;
	}
	if (SUFFIX(m, n, " does not escape") && n > 16) {
		set_subject(out, m, n - 16);
		return GE_LINE_NOESCAPE;
	}
	if (m[n - 1] == ':') {
		if (SUFFIX(m, n, " escapes to heap:") && n > 17) {
			set_subject(out, m, n - 17);
			return GE_LINE_EXPLAIN;
		}
		/* The function name never holds the phrase; the subject might. */
		q = find_last(m, n - 1, " escapes to heap in ", 20);
		if (q && q > m && q + 20 < m + n - 1) {
			set_subject(out, m, (size_t)(q - m));
			out->func = q + 20;
			out->func_len = (size_t)(m + n - 1 - out->func);
			return GE_LINE_EXPLAIN;
		}
	}
	out->subject = NULL;
	out->subject_len = 0;
	return GE_LINE_OTHER;
}

/* A positioned message m of n bytes (indent already skipped). */
static ge_line_type classify_msg(const ge_parser *p, ge_parse_line *out, const char *m, size_t n)
{
	ge_line_type t = GE_LINE_OTHER;

	if (n == 0)
		return GE_LINE_OTHER;
	if (out->indent == 0) {
		t = classify_top(p, out, m, n);
	} else if (out->indent == 2) {
		/* "  flow: a = b:" (Go 1.19 to 1.24), "  flow: a ← b:" */
		if (PREFIX(m, n, "flow: ") && n > 7 && m[n - 1] == ':') {
			set_subject(out, m + 6, n - 7);
			t = GE_LINE_FLOW;
		}
	} else if (out->indent == 4) {
		/* "    from X (why) at POS" */
		if (PREFIX(m, n, "from ") && find_last(m, n, ") at ", 5)) {
			set_subject(out, m + 5, n - 5);
			t = GE_LINE_FROM;
		}
	}
	if (t == GE_LINE_OTHER && out->indent <= 2 &&
	    re_match(p, &p->note, m - out->indent, n + (size_t)out->indent))
		t = GE_LINE_NOTE;
	return t;
}

/* An OTHER line keeps its position but nothing a message form would set. */
static void clear_fields(ge_parse_line *out)
{
	out->subject = NULL;
	out->subject_len = 0;
	out->func = NULL;
	out->func_len = 0;
	out->leak_form = GE_LEAK_PARAM;
}

/*
 * The length of the run of ASCII digits at s[0..n), at most 11 looked at,
 * and in *v their value (11 digits fit in 64 bits).
 */
static size_t digit_run(const char *s, size_t n, uint64_t *v)
{
	size_t k = 0;
	uint64_t x = 0;
	while (k < n && k < 11 && s[k] >= '0' && s[k] <= '9')
		x = x * 10 + (uint64_t)(s[k++] - '0');
	*v = x;
	return k;
}

/*
 * pos_pattern by hand (the same answer, without PCRE2 for every line): the
 * path is the shortest non-empty prefix before a colon that is followed by
 * "L: " or "L:C: ", L and C runs of 1 to 10 digits (a longer run of
 * digits is no position).  1 and the offsets as PCRE2 would give them in
 * ov[0..7] (ov[6] PCRE2_UNSET without a column), else 0.
 */
static int pos_match(const char *line, size_t len, PCRE2_SIZE ov[8], uint64_t val[2])
{
	size_t i;
	if (len == 0 || line[0] == ':')
		return 0;
	for (i = 1; i < len; i++) {
		const char *c = memchr(line + i, ':', len - i);
		size_t l0, ln, c0, cn, e;
		if (!c)
			return 0;
		i = (size_t)(c - line);
		l0 = i + 1;
		ln = digit_run(line + l0, len - l0, &val[0]);
		if (ln == 0 || ln > 10)
			continue;
		e = l0 + ln;
		if (e + 1 < len && line[e] == ':' && line[e + 1] >= '0' && line[e + 1] <= '9') {
			c0 = e + 1;
			cn = digit_run(line + c0, len - c0, &val[1]);
			if (cn <= 10 && c0 + cn + 1 < len && line[c0 + cn] == ':' &&
			    line[c0 + cn + 1] == ' ') {
				ov[0] = 0;
				ov[1] = c0 + cn + 2;
				ov[2] = 0;
				ov[3] = i;
				ov[4] = l0;
				ov[5] = e;
				ov[6] = c0;
				ov[7] = c0 + cn;
				return 1;
			}
			continue;
		}
		if (e + 1 < len && line[e] == ':' && line[e + 1] == ' ') {
			ov[0] = 0;
			ov[1] = e + 2;
			ov[2] = 0;
			ov[3] = i;
			ov[4] = l0;
			ov[5] = e;
			ov[6] = ov[7] = PCRE2_UNSET;
			val[1] = 0;
			return 1;
		}
	}
	return 0;
}

int ge_parse__jit_tried(const ge_parser *p)
{
	return p->pos.jit_tried + p->leaks.jit_tried + p->note.jit_tried;
}

int ge_parse__pos_same(const ge_parser *p, const char *line, size_t len)
{
	PCRE2_SIZE ov[8];
	uint64_t val[2];
	const PCRE2_SIZE *want = re_match(p, &p->pos, line, len);
	int got = pos_match(line, len, ov, val), i, n;
	if (!want || !got)
		return !want && !got;
	/* The column group unset in both, or set at the same place. */
	n = want[6] == PCRE2_UNSET ? 6 : 8;
	if ((want[6] == PCRE2_UNSET) != (ov[6] == PCRE2_UNSET))
		return 0;
	for (i = 0; i < n; i++)
		if (want[i] != ov[i])
			return 0;
	/* And the values read with the digits are those of the pattern's groups. */
	for (i = 0; i < 2; i++) {
		uint64_t v = 0;
		size_t k;
		if (want[4 + 2 * i] != PCRE2_UNSET)
			for (k = want[4 + 2 * i]; k < want[5 + 2 * i]; k++)
				v = v * 10 + (uint64_t)(line[k] - '0');
		if (v != val[i])
			return 0;
	}
	return 1;
}

/*
 * Not safe to call on one parser from two threads at once: the match data
 * the patterns write into belongs to the parser.
 */
ge_line_type ge_parse_classify(const ge_parser *p, ge_parse_line *out, const char *line, size_t len)
{
	PCRE2_SIZE ov[8];
	uint64_t val[2];
	const char *m;
	size_t n;

	assert(p && out && (line || len == 0));
	memset(out, 0, sizeof(*out));
	if (len && line[len - 1] == '\r')
		len--;
	out->line = line;
	out->line_len = len;
	out->text = line;
	out->text_len = len;
	out->type = GE_LINE_OTHER;

	if (len >= 2 && line[0] == '#' && line[1] == ' ') {
		/* Header state is the feeder's; the import path is still handy here. */
		out->pkg = line + 2;
		out->pkg_len = len - 2;
		return out->type = GE_LINE_HEADER;
	}
	if (len >= 4 && pos_match(line, len, ov, val)) {
		/* The digits' values, read as they were matched: out of range, no position. */
		if (val[0] > UINT32_MAX || val[1] > UINT32_MAX)
			return GE_LINE_OTHER;
		out->lineno = (uint32_t)val[0];
		out->col = (uint32_t)val[1];
		out->path = line + ov[2];
		out->path_len = ov[3] - ov[2];
		m = line + ov[1];
		n = len - ov[1];
	} else if (PREFIX(line, len, "<unknown line number>: ")) {
		/* -m=2 about a variable the compiler made up (range-over-func's #next) */
		m = line + 23;
		n = len - 23;
	} else if (len && line[0] != ' ' && line[0] != '\t') {
		/*
		 * The same variables get level-1 messages with no position at all
		 * ("moved to heap: #next").  They are told by their wording alone;
		 * the text is the whole line.
		 */
		out->type = classify_msg(p, out, line, len);
		if (out->type == GE_LINE_OTHER)
			clear_fields(out);
		return out->type;
	} else {
		return GE_LINE_OTHER;
	}
	while (n && *m == ' ') {
		m++;
		n--;
		out->indent++;
	}
	out->text = m;
	out->text_len = n;
	out->type = classify_msg(p, out, m, n);
	if (out->type == GE_LINE_OTHER)
		clear_fields(out);
	return out->type;
}

/*
 * Classify and deliver one line: line[0..len) with no newline, total the
 * length it really had (more than len when the start was kept and the rest
 * dropped).  The callback gets a NUL-terminated copy: lines of a chunk are
 * copied into p->line (a cache-hot memcpy; measured on 150 MB of -m=2
 * output it does not change the throughput), lines kept in p->part are
 * terminated where they lie.
 */
static int emit(ge_parser *p, const char *line, size_t len, size_t total, const ge_parse_line *pre,
                ge_parse_cb cb, void *ud)
{
	ge_parse_line l;
	int truncated;
	char *own;

	if (total > len || len > GE_PARSE_MAX_LINE + 1) {
		truncated = 1;
	} else {
		if (len && line[len - 1] == '\r')
			len--;
		truncated = len > GE_PARSE_MAX_LINE;
	}
	if (truncated)
		len = GE_PARSE_MAX_LINE;
	if (line == p->part.ptr) {
		own = p->part.ptr;
	} else {
		own = p->line.ptr;
		memcpy(own, line, len);
	}
	own[len] = '\0';

	if (truncated) {
		/* Too long to be compiler output: the user gets the start of it. */
		memset(&l, 0, sizeof(l));
		l.type = GE_LINE_OTHER;
		l.line = l.text = own;
		l.line_len = l.text_len = len;
		l.truncated = 1;
	} else {
		if (pre && line != own) {
			/* Classified ahead from these bytes where they lie: the
			 * same answer, its pointers moved to the copy. */
			l = *pre;
#define GE_REBASE(f) ((f) = (f) ? own + ((f)-line) : NULL)
			GE_REBASE(l.line);
			GE_REBASE(l.text);
			GE_REBASE(l.path);
			GE_REBASE(l.subject);
			GE_REBASE(l.func);
			GE_REBASE(l.pkg);
#undef GE_REBASE
		} else {
			ge_parse_classify(p, &l, own, len);
		}
		if (l.type == GE_LINE_HEADER) {
			ge_buf_truncate(&p->pkg, 0);
			if (ge_buf_put(&p->pkg, l.pkg, l.pkg_len) < 0)
				return GE_ENOMEM; /* cannot happen: sized in ge_parser_new() */
			p->have_pkg = 1;
		}
	}
	if (p->have_pkg) {
		l.pkg = p->pkg.ptr;
		l.pkg_len = p->pkg.len;
	}
	return cb(&l, ud);
}

/* Keep the start of a line that continues in the next chunk. */
static void keep_part(ge_parser *p, const char *s, size_t n)
{
	size_t room = GE_PARSE_MAX_LINE + 1 - p->part.len;
	size_t keep = n < room ? n : room;
	if (keep) {
		memcpy(p->part.ptr + p->part.len, s, keep);
		p->part.len += keep;
		p->part.ptr[p->part.len] = '\0';
	}
	p->part_total += n;
}

/*
 * Lines are cut out of buf where they lie; only a line split across chunks
 * is gathered in p->part.  When the callback stops the parse, the rest of
 * buf is dropped and the next feed starts a new line.
 */
int ge_parser_feed(ge_parser *p, const char *buf, size_t len, ge_parse_cb cb, void *ud)
{
	const char *s = buf, *end = buf + len, *nl;
	int rc;

	assert(p && cb && (buf || len == 0));
	while (s < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl) {
			keep_part(p, s, (size_t)(end - s));
			break;
		}
		if (p->part_total == 0) {
			rc = emit(p, s, (size_t)(nl - s), (size_t)(nl - s), NULL, cb, ud);
		} else {
			keep_part(p, s, (size_t)(nl - s));
			rc = emit(p, p->part.ptr, p->part.len, p->part_total, NULL, cb, ud);
			ge_buf_truncate(&p->part, 0);
			p->part_total = 0;
		}
		if (rc != 0)
			return rc;
		s = nl + 1;
	}
	return 0;
}

int ge_parser_feed_line(ge_parser *p, const char *line, size_t len, ge_parse_cb cb, void *ud)
{
	assert(p && cb && line && line[len] == '\n');
	/* ge_parser_feed would find the newline at len and emit just this. */
	if (p->part_total == 0)
		return emit(p, line, len, len, NULL, cb, ud);
	return ge_parser_feed(p, line, len + 1, cb, ud);
}

int ge_parse_ahead_line(const ge_parser *p, ge_parse_ahead *out, const char *line, size_t len)
{
	size_t n = len;
	assert(p && out && line);
	/* emit's own preparation: one '\r' off, too long is not classified. */
	if (n && line[n - 1] == '\r')
		n--;
	if (len > GE_PARSE_MAX_LINE + 1 || n > GE_PARSE_MAX_LINE)
		return 0;
	out->start = line;
	out->raw_len = len;
	ge_parse_classify(p, &out->l, line, n);
	return 1;
}

int ge_parser_feed_line_ahead(ge_parser *p, const char *line, size_t len, const ge_parse_ahead *pre,
                              ge_parse_cb cb, void *ud)
{
	assert(p && cb && line && line[len] == '\n');
	if (p->part_total == 0)
		return emit(p, line, len, len,
		            pre && pre->start == line && pre->raw_len == len ? &pre->l : NULL, cb,
		            ud);
	return ge_parser_feed(p, line, len + 1, cb, ud);
}

int ge_parser_finish(ge_parser *p, ge_parse_cb cb, void *ud)
{
	int rc = 0;
	assert(p && cb);
	if (p->part_total) {
		rc = emit(p, p->part.ptr, p->part.len, p->part_total, NULL, cb, ud);
		ge_buf_truncate(&p->part, 0);
		p->part_total = 0;
	}
	return rc;
}

void ge_build_event_release(ge_build_event *e)
{
	if (!e)
		return;
	free(e->import_path);
	free(e->action);
	free(e->output);
	memset(e, 0, sizeof(*e));
}

int ge_parse_build_event(ge_build_event *out, const char *line, size_t len)
{
	cJSON *j = NULL;
	const cJSON *ip, *act, *o;
	int rc = 0;
	memset(out, 0, sizeof(*out));
	while (len && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
		len--;
	if (len < 2 || line[0] != '{' || line[len - 1] != '}')
		return 0;
	if (!(j = cJSON_ParseWithLength(line, len)))
		return 0; /* not JSON (or no memory: then the line is shown as it is) */
	ip = cJSON_GetObjectItemCaseSensitive(j, "ImportPath");
	act = cJSON_GetObjectItemCaseSensitive(j, "Action");
	o = cJSON_GetObjectItemCaseSensitive(j, "Output");
	if (!cJSON_IsObject(j) || !cJSON_IsString(ip) || !cJSON_IsString(act) ||
	    (o && !cJSON_IsString(o)) ||
	    (strcmp(act->valuestring, "build-output") != 0 &&
	     strcmp(act->valuestring, "build-fail") != 0))
		goto done;
	if (!(out->import_path = ge_strdup(ip->valuestring)) ||
	    !(out->action = ge_strdup(act->valuestring)) ||
	    (o && !(out->output = ge_strdup(o->valuestring)))) {
		ge_build_event_release(out);
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	out->output_len = out->output ? strlen(out->output) : 0;
	rc = 1;
done:
	cJSON_Delete(j);
	return rc;
}

int ge_parse_bce(const char *text, size_t len)
{
	static const char in[] = "Found IsInBounds", sl[] = "Found IsSliceInBounds";
	if (len == sizeof(in) - 1 && memcmp(text, in, len) == 0)
		return 1;
	if (len == sizeof(sl) - 1 && memcmp(text, sl, len) == 0)
		return 2;
	return 0;
}
