/* One captured build: run go, stream stderr through parse and attribution. */
#include "capture.h"
#include "cost.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attrib.h"
#include "goconfig.h"
#include "gopkg.h"
#include "parse.h"
#include "run.h"

/*
 * Per "# pkg" header: its -m lines and its positioned lines that are not -m
 * output (compile errors).  A package with errors and no -m line did not
 * compile: its escapes are unknown, not gone.
 */
struct pkg_lines {
	char *pkg;
	size_t m, errors;
};

/* The order-free hash of what go printed (ge_capture_replay.got). */
typedef struct out_hash {
	uint64_t h1, h2; /* two hashes of the block's whole 8-byte words so far */
	uint64_t pend;   /* the block's bytes after them (npend, little-endian) */
	uint64_t blen;   /* the block's bytes */
	unsigned npend;
	uint64_t sum[4]; /* the sums of both blocks' hashes, the bytes, the blocks */
	int bol;         /* the next byte starts a line */
} out_hash;

typedef struct cap_state {
	ge_parser *parser;
	ge_attrib *attrib;
	ge_report *report;
	ge_buf header;  /* a "# pkg" line not yet shown to the user */
	int header_hid; /* -m lines of the header's group were withheld */
	int show_m;
	ge_output_cb out;
	void *ud;
	int rc;
	size_t recognised; /* lines that were compiler -m output or headers */
	size_t nul_lines;
	size_t long_lines; /* longer than the parser keeps */
	size_t text_lines; /* not compiler output and not blank */
	/* The part of the current line beyond what the parser keeps, so that
	 * go's over-long lines (-x commands of big packages) reach the user
	 * whole; bounded by GE_CAPTURE_MAX_LINE. */
	size_t cur_len;
	ge_buf overflow;
	/*
	 * go build -json: a line that starts with '{' is kept whole (up to
	 * GE_CAPTURE_MAX_LINE) and decoded; a build event's Output goes through
	 * the parser, and what of it the user should see is collected in jout
	 * and handed on as an event of its own (on_json).
	 */
	int part_open; /* go's stream is inside a line (not a '{' one) */
	int in_json;
	int json_long;
	ge_buf jline;
	ge_buf jout;
	ge_buf *collect; /* show() appends here instead of calling out */
	char *json_pkg;  /* ImportPath of the last build-output event */
	int json_bol;    /* the Output so far ended at a line boundary */
	size_t json_events;
	ge_output_cb on_json;
	void *json_ud;
	ge_output_cb on_package; /* ge_capture_opts.on_package */
	void *package_ud;
	/* Compiler -m lines of the main modules' packages in scope. */
	size_t main_lines;
	/* Per "# pkg" header (pkg_lines); cur_pkg indexes the last one used.
	 * Counted by on_line only with count_pkgs: --input's checks read them
	 * (a package that did not compile, ge_capture_input_saw); a build has
	 * go's exit status instead, and its replay (5 M instructions of 3,000
	 * packages' lookups) has no use for them. */
	int count_pkgs;
	struct pkg_lines *pkgs;
	size_t npkgs, cur_pkg;
	/* cur_pkg is the parser's package (the last header's): no header has
	 * passed on_line since pkg_lines_of looked it up by name. */
	int cur_pkg_ok;
	/* An open-addressing index of pkgs by name (index + 1, 0 empty;
	 * pkg_slots a power of two at least twice npkgs): a module of
	 * thousands of packages is not searched once per package. */
	size_t *pkg_index, pkg_slots;
	/* The replay fast path: the output is hashed; with defer set, this
	 * state only shows it, and what go printed is held for work, the
	 * state that attributes (made when attribution starts). */
	int defer;
	ge_buf held;
	out_hash oh;
	struct cap_state *work;
	ge_capture_replay *replay;
	/* What work_start() sets the work state up from (borrowed). */
	const ge_capture_opts *o;
	const ge_goplan *plan;
	const char *acwd;
	/*
	 * --input only (nothing is shown): the lines of a group attribution
	 * keeps nothing of (ge_attrib_group_ignored) are passed over
	 * unparsed, from the line after its header (skip set) to the next
	 * line that starts with '#' or '{' (skip_lines).  skip_mid: inside
	 * such a line; skip_pkg: the group's import path, given its
	 * pkg_lines entry at its first line passed over (skip_seen), as
	 * on_line would.
	 */
	int skip_ok, skip, skip_mid, skip_seen;
	ge_buf skip_pkg;
	/* --input from a file: the lines of the buffer being fed that the
	 * reader thread classified (in order; ahead_at the next to look at). */
	const ge_parse_ahead *ahead;
	size_t nahead, ahead_at;
} cap_state;

#define GE_CAPTURE_MAX_LINE (16 * 1024 * 1024)

/* The packages whose blocks the last --input held (ge_capture_input_saw). */
static char **input_pkgs;
static size_t ninput_pkgs;

int ge_capture_input_saw(const char *pkg)
{
	size_t i;
	for (i = 0; i < ninput_pkgs; i++)
		if (strcmp(input_pkgs[i], pkg) == 0)
			return 1;
	return 0;
}

static void show(cap_state *s, const char *line, size_t len)
{
	if (s->collect) {
		if (s->header.len) {
			if (ge_buf_put(s->collect, s->header.ptr, s->header.len) < 0 ||
			    ge_buf_putc(s->collect, '\n') < 0)
				s->rc = GE_ENOMEM;
			ge_buf_clear(&s->header);
		}
		if (line &&
		    (ge_buf_put(s->collect, line, len) < 0 || ge_buf_putc(s->collect, '\n') < 0))
			s->rc = GE_ENOMEM;
		return;
	}
	if (!s->out)
		return;
	if (s->header.len) {
		s->out(s->header.ptr, s->header.len, s->ud);
		ge_buf_clear(&s->header);
	}
	if (line)
		s->out(line, len, s->ud);
}

/* The slot of name in s->pkg_index: where it is, or the empty one it would take. */
static size_t pkg_slot(const cap_state *s, const char *name)
{
	size_t mask = s->pkg_slots - 1, i = (size_t)ge_hash_bytes(GE_HASH_SEED, name, strlen(name));
	for (i &= mask; s->pkg_index[i]; i = (i + 1) & mask)
		if (strcmp(s->pkgs[s->pkg_index[i] - 1].pkg, name) == 0)
			break;
	return i;
}

/* The counts of package pkg (NUL-terminated), made when new; NULL when out of memory. */
static struct pkg_lines *pkg_lines_find(cap_state *s, const char *pkg)
{
	struct pkg_lines *n;
	size_t i, slot;
	s->cur_pkg_ok = 0; /* pkg may be another than the parser's */
	if (s->cur_pkg < s->npkgs && strcmp(s->pkgs[s->cur_pkg].pkg, pkg) == 0)
		return &s->pkgs[s->cur_pkg];
	if (s->pkg_slots && s->pkg_index[slot = pkg_slot(s, pkg)])
		return &s->pkgs[s->cur_pkg = s->pkg_index[slot] - 1];
	if ((s->npkgs + 1) * 2 > s->pkg_slots) {
		size_t ns = s->pkg_slots ? s->pkg_slots * 2 : 64, *ni = calloc(ns, sizeof(*ni));
		if (!ni)
			return NULL;
		free(s->pkg_index);
		s->pkg_index = ni;
		s->pkg_slots = ns;
		for (i = 0; i < s->npkgs; i++)
			s->pkg_index[pkg_slot(s, s->pkgs[i].pkg)] = i + 1;
	}
	if (!(n = realloc(s->pkgs, (s->npkgs + 1) * sizeof(*n))))
		return NULL;
	s->pkgs = n;
	memset(&n[s->npkgs], 0, sizeof(*n));
	if (!(n[s->npkgs].pkg = ge_strdup(pkg)))
		return NULL;
	s->pkg_index[pkg_slot(s, pkg)] = s->npkgs + 1;
	return &s->pkgs[s->cur_pkg = s->npkgs++];
}

/* The counts of l's package (the last header's), or NULL before any header. */
static struct pkg_lines *pkg_lines_of(cap_state *s, const ge_parse_line *l)
{
	struct pkg_lines *pl;
	if (!l->pkg)
		return NULL;
	if (s->cur_pkg_ok) /* the same header's package as the line before */
		return &s->pkgs[s->cur_pkg];
	pl = pkg_lines_find(s, l->pkg);
	s->cur_pkg_ok = pl != NULL;
	return pl;
}

static int on_line(const ge_parse_line *l, void *ud)
{
	cap_state *s = ud;
	struct pkg_lines *pl;
	if (l->type == GE_LINE_HEADER) /* the parser's package changes */
		s->cur_pkg_ok = 0;
	pl = l->type == GE_LINE_HEADER || !s->count_pkgs ? NULL : pkg_lines_of(s, l);
	int rc;
	if (!pl && l->pkg && l->type != GE_LINE_HEADER && s->count_pkgs)
		return s->rc = GE_ENOMEM;
	if (pl && l->type == GE_LINE_OTHER && l->path)
		pl->errors++;
	else if (pl && l->type != GE_LINE_OTHER)
		pl->m++;
	switch (l->type) {
	case GE_LINE_HEADER:
		s->recognised++;
		if (s->on_package && l->pkg)
			s->on_package(l->pkg, l->pkg_len, s->package_ud);
		ge_buf_clear(&s->header);
		s->header_hid = 0;
		if (ge_buf_put(&s->header, l->line, l->line_len) < 0)
			return s->rc = GE_ENOMEM;
		if (s->show_m)
			show(s, NULL, 0);
		break;
	case GE_LINE_OTHER:
		if (memchr(l->line, '\0', l->line_len))
			s->nul_lines++;
		if (l->truncated)
			s->long_lines++;
		{
			size_t k;
			for (k = 0; k < l->line_len; k++)
				if (l->line[k] != ' ' && l->line[k] != '\t' && l->line[k] != '\r') {
					s->text_lines++;
					break;
				}
		}
		/*
		 * go prints each action's output as one block: "# pkg", then its
		 * lines.  After withheld -m lines, a line with no position that is
		 * not indented is go's own (-v, -x) and the block is over: its
		 * header is not the user's to see.
		 */
		if (s->header.len && s->header_hid && !l->path && l->line_len &&
		    l->line[0] != '\t' && l->line[0] != ' ')
			ge_buf_clear(&s->header);
		if (l->truncated && s->overflow.len && s->out) {
			/* The parser kept the start; we kept the rest. */
			ge_buf whole = GE_BUF_INIT;
			if (ge_buf_put(&whole, l->line, l->line_len) < 0 ||
			    ge_buf_put(&whole, s->overflow.ptr, s->overflow.len) < 0) {
				ge_buf_release(&whole);
				return s->rc = GE_ENOMEM;
			}
			show(s, whole.ptr, whole.len);
			ge_buf_release(&whole);
			return 0;
		}
		show(s, l->line, l->line_len);
		return 0;
	default:
		s->recognised++;
		if (s->show_m)
			show(s, l->line, l->line_len);
		else
			s->header_hid = 1;
		break;
	}
	if (s->defer)
		return 0; /* shown only: s->work attributes */
	rc = ge_attrib_line(s->attrib, s->report, l);
	if (rc < 0)
		return s->rc = rc;
	if (l->type == GE_LINE_HEADER && s->skip_ok) {
		s->skip = ge_attrib_group_ignored(s->attrib);
		s->skip_seen = 0;
		ge_buf_clear(&s->skip_pkg);
		if (s->skip && ge_buf_put(&s->skip_pkg, l->pkg, l->pkg_len) < 0)
			return s->rc = GE_ENOMEM;
	}
	return 0;
}

/*
 * Pass over the lines of an ignored group (cap_state.skip) at the start of
 * buf, up to one that starts with '#' (a header, or a line that is not:
 * on_line tells) or '{' (a build event, whose Output may hold headers);
 * that line and the rest take the ordinary way.  The lines passed over are
 * ones on_line would only count, and only the counts of main-module
 * packages in scope are ever read; the group's package is noted as seen
 * (ge_capture_input_saw) as on_line would note it.  Returns the number of
 * bytes passed over (all of buf when it ends inside a line).
 */
static size_t skip_lines(cap_state *s, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *nl;
	if (s->skip_mid) { /* the rest of a line passed over */
		if (!(nl = memchr(p, '\n', len)))
			return len;
		s->skip_mid = 0;
		p = nl + 1;
	}
	if (p == end || *p == '#' || *p == '{')
		return (size_t)(p - buf);
	if (!s->skip_seen) {
		if (!pkg_lines_find(s, s->skip_pkg.ptr)) {
			s->rc = GE_ENOMEM;
			return (size_t)(p - buf);
		}
		s->skip_seen = 1;
	}
	/* The loop every line of the standard library's output goes through. */
	while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
		p = nl + 1;
		if (p == end || *p == '#' || *p == '{')
			return (size_t)(p - buf);
	}
	s->skip_mid = 1;
	return len;
}

static int feed_plain(cap_state *s, const char *buf, size_t len);

/*
 * Hand an event on to the user as go printed it, with only lines to show.
 * Written with ge_buf_put_json, the one JSON string policy (cJSON would
 * pass invalid UTF-8 through and so print invalid JSON).
 */
static void json_emit(cap_state *s, const ge_build_event *ev, const char *output, size_t n)
{
	ge_buf line = GE_BUF_INIT;
	char *o = NULL;
	int rc = 0;
	if (!s->on_json)
		return;
	if (output && !(o = ge_strndup(output, n))) {
		s->rc = GE_ENOMEM;
		return;
	}
	rc |= ge_buf_puts(&line, "{\"ImportPath\":");
	rc |= ge_buf_put_json(&line, ev->import_path);
	rc |= ge_buf_puts(&line, ",\"Action\":");
	rc |= ge_buf_put_json(&line, ev->action);
	if (o) {
		rc |= ge_buf_puts(&line, ",\"Output\":");
		rc |= ge_buf_put_json(&line, o);
	}
	rc |= ge_buf_putc(&line, '}');
	if (rc)
		s->rc = GE_ENOMEM;
	else
		s->on_json(line.ptr, line.len, s->json_ud);
	ge_buf_release(&line);
	free(o);
}

/* A whole line that started with '{' (no newline): a build event or not. */
static int json_line(cap_state *s)
{
	ge_build_event ev = GE_BUILD_EVENT_INIT;
	int rc;
	if (s->json_long) {
		s->long_lines++;
		return 0;
	}
	rc = ge_parse_build_event(&ev, s->jline.ptr, s->jline.len);
	if (rc < 0)
		return s->rc = rc;
	if (rc == 0) { /* some other line that starts with '{' */
		if (ge_buf_putc(&s->jline, '\n') < 0)
			return s->rc = GE_ENOMEM;
		return feed_plain(s, s->jline.ptr, s->jline.len);
	}
	s->json_events++;
	if (strcmp(ev.action, "build-output") != 0 || !ev.output_len) {
		json_emit(s, &ev, ev.output, ev.output_len);
		goto done;
	}
	ge_buf_clear(&s->jout);
	s->collect = &s->jout;
	/* Output of another package than the last that does not start with
	 * its header (interleaved events): the header it stands under. */
	if (s->json_bol && strncmp(ev.output, "# ", 2) != 0 &&
	    (!s->json_pkg || strcmp(s->json_pkg, ev.import_path) != 0)) {
		ge_buf h = GE_BUF_INIT;
		if (ge_buf_printf(&h, "# %s\n", ev.import_path) < 0)
			s->rc = GE_ENOMEM;
		else
			feed_plain(s, h.ptr, h.len);
		ge_buf_release(&h);
	}
	if (s->rc == 0)
		feed_plain(s, ev.output, ev.output_len);
	s->collect = NULL;
	free(s->json_pkg);
	if (!(s->json_pkg = ge_strdup(ev.import_path)))
		s->rc = GE_ENOMEM;
	s->json_bol = ev.output[ev.output_len - 1] == '\n';
	if (s->rc == 0 && s->jout.len)
		json_emit(s, &ev, s->jout.ptr, s->jout.len);
done:
	ge_build_event_release(&ev);
	return s->rc;
}

/* Keep the bytes of the current line beyond the parser's limit. */
static int keep_overflow(cap_state *s, const char *seg, size_t n)
{
	size_t skip, room;
	if (s->cur_len + n > GE_PARSE_MAX_LINE) {
		skip = s->cur_len < GE_PARSE_MAX_LINE ? GE_PARSE_MAX_LINE - s->cur_len : 0;
		room = GE_CAPTURE_MAX_LINE - s->overflow.len;
		if (n - skip < room)
			room = n - skip;
		if (room && ge_buf_put(&s->overflow, seg + skip, room) < 0)
			return GE_ENOMEM;
	}
	s->cur_len += n;
	return 0;
}

/*
 * Hand a chunk to the parser a line at a time, so that what is kept of an
 * over-long line (keep_overflow) belongs to the line the parser delivers.
 */
static int feed_plain(cap_state *s, const char *buf, size_t len)
{
	int rc = 0;
	while (len && rc == 0 && s->rc == 0) {
		const char *nl = memchr(buf, '\n', len);
		size_t n = nl ? (size_t)(nl - buf) : len;
		if ((rc = keep_overflow(s, buf, n)) < 0)
			break;
		if (nl)
			n++;
		rc = ge_parser_feed(s->parser, buf, n, on_line, s);
		if (nl) {
			s->cur_len = 0;
			ge_buf_clear(&s->overflow);
		}
		buf += n;
		len -= n;
	}
	if (rc != 0 && s->rc == 0)
		s->rc = rc < 0 ? rc : GE_ERROR;
	return s->rc != 0;
}

/* Bytes as go wrote them: lines that start with '{' are held for json_line. */
static int feed(const char *buf, size_t len, void *ud)
{
	cap_state *s = ud;
	while (len && s->rc == 0) {
		const char *nl;
		size_t n;
		if (s->skip && !s->in_json && !s->part_open) {
			n = skip_lines(s, buf, len);
			buf += n;
			if (!(len -= n) || s->rc)
				break;
		}
		nl = memchr(buf, '\n', len);
		n = nl ? (size_t)(nl - buf) : len;
		if (!s->in_json && !s->part_open && buf[0] == '{')
			s->in_json = 1;
		if (s->in_json) {
			if (s->jline.len + n > GE_CAPTURE_MAX_LINE)
				s->json_long = 1;
			else if (ge_buf_put(&s->jline, buf, n) < 0)
				return (s->rc = GE_ENOMEM) != 0;
			if (nl) {
				json_line(s);
				s->in_json = s->json_long = 0;
				ge_buf_clear(&s->jline);
				n++;
			}
		} else if (nl && s->cur_len == 0 && !s->overflow.len && n <= GE_PARSE_MAX_LINE) {
			/* A whole line of ordinary length: what feed_plain would do
			 * (nothing to keep beyond the parser's limit), without its
			 * and the parser's search for the newline found here. */
			const ge_parse_ahead *pre = NULL;
			int rc;
			while (s->ahead_at < s->nahead && s->ahead[s->ahead_at].start < buf)
				s->ahead_at++;
			if (s->ahead_at < s->nahead && s->ahead[s->ahead_at].start == buf)
				pre = &s->ahead[s->ahead_at++];
			rc = ge_parser_feed_line_ahead(s->parser, buf, n, pre, on_line, s);
			if (rc != 0 && s->rc == 0)
				s->rc = rc < 0 ? rc : GE_ERROR;
			if (s->rc)
				break;
			s->part_open = 0;
			n++;
		} else {
			if (nl)
				n++;
			if (feed_plain(s, buf, n))
				break;
			s->part_open = !nl;
		}
		buf += n;
		len -= n;
	}
	return s->rc != 0;
}

/* The end of the stream: a last line without its newline. */
static int feed_end(cap_state *s)
{
	int rc;
	if (s->in_json && s->rc == 0) {
		json_line(s);
		s->in_json = 0;
		ge_buf_clear(&s->jline);
	}
	if (s->rc == 0 && (rc = ge_parser_finish(s->parser, on_line, s)) != 0 && s->rc == 0)
		s->rc = rc < 0 ? rc : GE_ERROR;
	return s->rc;
}

/* Does the Go file name in dir declare a function?  Asked of a one-file gopkg view. */
static int file_has_func(const char *dir, const char *name)
{
	ge_gopkg_source src;
	ge_gopkg *view = NULL;
	ge_gopkg_file *f = NULL;
	int found = 0;
	ge_gopkg_source_worktree(&src);
	if (ge_gopkg_open_files(&view, dir, &src) == 0 && ge_gopkg_get(&f, view, name) == 0)
		found = ge_gopkg_file_has_func(f);
	ge_gopkg_free(view);
	return found;
}

/*
 * Find a package below dir (import path imp) in scope whose non-test .go
 * files declare a function: go's rules for what is a package directory
 * (no "vendor", "testdata", ".x" or "_x" directories, no nested modules, no
 * symbolic links followed).  1 and *pkg (malloc'd) when found.
 */
static int find_code(char **pkg, const char *dir, const char *imp, char *const *scope,
                     size_t nscope, int depth)
{
	DIR *d;
	struct dirent *e;
	int found = 0, in = ge_gocmd_scope_match(scope, nscope, imp);
	if (depth > 64 || !(d = opendir(dir)))
		return 0;
	while (!found && (e = readdir(d))) {
		const char *n = e->d_name;
		size_t len = strlen(n);
		struct stat st;
		char *p;
		if (n[0] == '.' || n[0] == '_')
			continue;
		if (!(p = ge_path_join(dir, n)))
			break;
		/* stat, not lstat: go compiles a .go link to a file as a file */
		if (in && len > 3 && strcmp(n + len - 3, ".go") == 0 &&
		    !(len > 8 && strcmp(n + len - 8, "_test.go") == 0) && stat(p, &st) == 0 &&
		    S_ISREG(st.st_mode))
			found = file_has_func(dir, n);
		free(p);
	}
	if (found && !(*pkg = ge_strdup(imp)))
		found = 0;
	rewinddir(d);
	while (!found && (e = readdir(d))) {
		const char *n = e->d_name;
		struct stat st;
		char *p, *sub, *gomod;
		if (n[0] == '.' || n[0] == '_' || strcmp(n, "vendor") == 0 ||
		    strcmp(n, "testdata") == 0)
			continue;
		if (!(p = ge_path_join(dir, n)))
			break;
		gomod = ge_path_join(p, "go.mod");
		sub = NULL;
		if (gomod && lstat(p, &st) == 0 && S_ISDIR(st.st_mode) &&
		    access(gomod, F_OK) != 0) {
			/* module std's packages have no prefix: "strconv", not "std/strconv" */
			if ((sub = ge_gocmd_module_import(imp, n)))
				found = find_code(pkg, p, sub, scope, nscope, depth + 1);
		}
		free(sub);
		free(gomod);
		free(p);
	}
	closedir(d);
	return found;
}

static int control_name(const char *n)
{
	for (; *n; n++)
		if ((unsigned char)*n < 0x20 || *n == 0x7f)
			return 1;
	return 0;
}

/* A directory's entries as one read took them: names back to back, each NUL-ended. */
struct walk_dir {
	ge_buf names;
	struct walk_ent {
		size_t at; /* into names */
		unsigned char type;
	} * v;
	size_t n, cap;
};

/* The deepest directory the walk enters (each one below holds a descriptor). */
#define WALK_DEPTH_MAX 64
/* find_control_name's answers besides 1 (found), 0 and -1 (no memory). */
#define WALK_TOO_DEEP 2
#define WALK_UNREAD 3

/* What getdents64 writes an entry as (linux/dirent.h's linux_dirent64). */
struct walk_dirent {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/*
 * fd's entries, and whether it holds a go.mod (as access(F_OK) would find
 * one: a dangling link is none): one read, where asking for dir/go.mod by
 * name was one more path walk a directory (3,000 of them in the bench's
 * module).  getdents64 itself: fdopendir cost a stat and two fcntl a
 * directory.  0; 1 when a read failed part way (the entries are not all
 * there); -1 out of memory.
 */
static int walk_read(struct walk_dir *w, int fd, int *gomod)
{
	char buf[8192] __attribute__((aligned(8)));
	long got = 0, at = 0;
	int rc = 0;
	*gomod = 0;
	for (;;) {
		const struct walk_dirent *e;
		const char *n;
		if (at >= got) {
			if ((got = syscall(SYS_getdents64, fd, buf, sizeof(buf))) < 0)
				rc = 1; /* a read error: what was read is not the whole */
			if (got <= 0)
				break;
			at = 0;
		}
		e = (const struct walk_dirent *)(buf + at);
		at += e->d_reclen;
		n = e->d_name;
		if (n[0] == '.' && (!n[1] || (n[1] == '.' && !n[2])))
			continue;
		if (strcmp(n, "go.mod") == 0)
			*gomod |= (e->d_type != DT_LNK && e->d_type != DT_UNKNOWN) ||
			          faccessat(fd, n, F_OK, 0) == 0;
		if (w->n == w->cap) {
			size_t nc = w->cap ? 2 * w->cap : 32;
			struct walk_ent *nv = realloc(w->v, nc * sizeof(*nv));
			if (!nv) {
				rc = -1;
				break;
			}
			w->v = nv;
			w->cap = nc;
		}
		w->v[w->n].at = w->names.len;
		w->v[w->n].type = e->d_type;
		if (ge_buf_put(&w->names, n, strlen(n) + 1) < 0) {
			rc = -1;
			break;
		}
		w->n++;
	}
	return rc;
}

/*
 * Find a Go file below dir (rel: its path from the module root, "" at the
 * root) whose path holds a control byte: the compiler prints the name as it
 * is, so a newline in it splits each of its -m lines in two and its escapes
 * would be lost (a gate that passes on them).  Walks what find_code walks.
 * 1 and *bad (malloc'd, the path from the module root) when found, -1 out
 * of memory; WALK_TOO_DEEP or WALK_UNREAD and *bad (the directory) when a
 * directory lies deeper than WALK_DEPTH_MAX or could not be read whole:
 * its names are unchecked, which is an error, never a pass.  With lst,
 * each directory listed whole is recorded there as the package views would
 * list it (ge_gopkg_listing), so that attribution lists none again.  fd is
 * open on dir (taken and closed).  Below the root, a directory that holds
 * a go.mod is another module's: nothing of it is walked or recorded.
 * Subdirectories open by name from their parent's descriptor, never
 * following a link (one path step each, not the whole path).  (Two threads
 * sharing the root's subdirectories walked no faster: 24 ms for 3,000
 * packages either way.)
 */
static int find_control_name(char **bad, int fd, const char *dir, const char *rel, int depth,
                             ge_gopkg_listing *lst)
{
	struct walk_dir w;
	int found = 0, whole = lst != NULL, gomod, isgo;
	char **names = NULL;
	size_t nnames = 0, capnames = 0, i;
	memset(&w, 0, sizeof(w));
	ge_buf_init(&w.names, 0);
	if (depth > WALK_DEPTH_MAX) {
		/* go walks ./... to any depth: what lies below is not passed unseen */
		found = (*bad = ge_strdup(rel)) ? WALK_TOO_DEEP : -1;
		goto done;
	}
	switch (walk_read(&w, fd, &gomod)) {
	case -1:
		found = -1; /* out of memory: no directory left unwalked by accident */
		goto done;
	case 1:
		/* A read that failed part way: the names not read are not checked. */
		found = (*bad = ge_strdup(*rel ? rel : ".")) ? WALK_UNREAD : -1;
		goto done;
	}
	if (depth > 0 && gomod)
		goto done;
	for (i = 0; !found && i < w.n; i++) {
		const char *n = w.names.ptr + w.v[i].at;
		unsigned char type = w.v[i].type;
		size_t len = strlen(n);
		struct stat st;
		char *p, *sub = NULL;
		ge_buf b = GE_BUF_INIT;
		int go = whole ? ge_gopkg_listed_entry(dir, n, type) : 0;
		if (go > 0 && nnames == capnames) {
			size_t nc = capnames ? capnames * 2 : 8;
			char **nv = realloc(names, nc * sizeof(*nv));
			if (nv) {
				names = nv;
				capnames = nc;
			}
		}
		if (go > 0 && nnames < capnames && (names[nnames] = ge_strdup(n)))
			nnames++;
		else if (go)
			whole = 0; /* out of memory: the views list it themselves */
		if (n[0] == '.' || n[0] == '_' || strcmp(n, "vendor") == 0 ||
		    strcmp(n, "testdata") == 0)
			continue;
		/* The entry's type is lstat's when the file system gives it. */
		if (type == DT_REG || type == DT_DIR)
			st.st_mode = type == DT_REG ? S_IFREG : S_IFDIR;
		else if (fstatat(fd, n, &st, AT_SYMLINK_NOFOLLOW) != 0)
			st.st_mode = 0;
		/* Directories are walked (never through a link); a .go name of
		 * anything else is checked: go compiles a link to a file as a file. */
		isgo = len > 3 && strcmp(n + len - 3, ".go") == 0;
		if (!S_ISDIR(st.st_mode) && !isgo)
			continue;
		/* rel/n, joined by hand (a printf a entry was half the walk) */
		if (ge_buf_put(&b, rel, strlen(rel)) < 0 || (*rel && ge_buf_putc(&b, '/') < 0) ||
		    ge_buf_put(&b, n, len) < 0 || !(sub = ge_buf_detach(&b))) {
			found = -1;
		} else if (!S_ISDIR(st.st_mode) && control_name(sub)) {
			found = 1;
			*bad = sub;
			sub = NULL;
		} else if (S_ISDIR(st.st_mode) && !(p = ge_path_join(dir, n))) {
			found = -1;
		} else if (S_ISDIR(st.st_mode)) {
			int cfd = openat(fd, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (cfd >= 0)
				found = find_control_name(bad, cfd, p, sub, depth + 1, lst);
			free(p);
		}
		ge_buf_release(&b);
		free(sub);
	}
	if (whole && !found && ge_gopkg_listing_add(lst, dir, names, nnames) < 0)
		ge_error_clear(); /* only a saving lost */
done:
	close(fd);
	ge_buf_release(&w.names);
	free(w.v);
	ge_strv_free(names, nnames);
	return found;
}

/* GE_EBADINPUT naming a Go file of a main module whose name holds a control byte;
 * the directories listed recorded in lst when not NULL. */
static int check_file_names(const ge_modset *mods, ge_gopkg_listing *lst)
{
	char *bad = NULL;
	size_t i;
	int rc = 0, found = 0;
	for (i = 0; mods && i < mods->n && !found; i++) {
		int fd = open(mods->mods[i].root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0)
			found = find_control_name(&bad, fd, mods->mods[i].root, "", 0, lst);
	}
	if (found < 0)
		return ge_error_set(GE_ENOMEM, "out of memory");
	if (bad) {
		/* The name as one line: control bytes (and backslashes) escaped. */
		ge_buf q = GE_BUF_INIT;
		const char *c;
		for (c = bad; *c && rc == 0; c++)
			rc = (unsigned char)*c < 0x20 || *c == 0x7f || *c == '\\'
			         ? ge_buf_printf(&q, "\\x%02x", (unsigned char)*c)
			         : ge_buf_putc(&q, *c);
		if (rc < 0)
			rc = ge_error_set(GE_ENOMEM, "out of memory");
		else if (found == WALK_TOO_DEEP)
			rc = ge_error_set(GE_EBADINPUT,
			                  "'%s': directories nested more than %d deep: the Go file "
			                  "names below cannot be checked",
			                  q.ptr, WALK_DEPTH_MAX);
		else if (found == WALK_UNREAD)
			rc = ge_error_set(GE_ERROR, "cannot read directory '%s' whole", q.ptr);
		else
			rc = ge_error_set(GE_EBADINPUT,
			                  "'%s': a Go file name with a control character: the "
			                  "compiler's lines for it cannot be read",
			                  q.ptr);
		ge_buf_release(&q);
	}
	free(bad);
	return rc;
}

/*
 * Reading nothing is never a pass: when the output held no -m line for a
 * main-module package in scope although one of them declares a function
 * (every such package prints at least "can inline" or a "does not escape"
 * under -m, in practice), the output is not what was asked for.
 */
/* The last check_read_something() failed; a verification build is running. */
static int nothing_read, verifying;

static int check_read_something(const cap_state *s, const ge_modset *mods, char *const *scope,
                                size_t nscope, const char *what)
{
	char *pkg = NULL;
	size_t i;
	int rc = 0;
	if (ge_attrib_main_lines(s->attrib) > 0)
		return 0;
	for (i = 0; i < mods->n && !pkg; i++)
		find_code(&pkg, mods->mods[i].root, mods->mods[i].path, scope, nscope, 0);
	if (pkg) {
		nothing_read = 1;
		rc = ge_error_set(GE_EBADINPUT,
		                  "no compiler output for %s %s: was it built with -gcflags=-m?",
		                  scope ? pkg : ge_modset_lookup_import(mods, pkg)->path, what);
	}
	free(pkg);
	return rc;
}

/*
 * Do the planned -gcflags turn inlining off (-l) anywhere?  Then a package
 * of functions that take no pointers prints nothing under -m (no "can
 * inline" lines), and silence proves nothing.
 */
static int inlining_off(const ge_goplan *plan)
{
	size_t i, j, n;
	int off = 0;
	for (i = 0; i < plan->argc && !off; i++) {
		const char *a = plan->argv[i], *v;
		char **w = NULL;
		if (strncmp(a, "-gcflags=", 9) != 0)
			continue;
		v = a + 9;
		if (*v != '-' && strchr(v, '='))
			v = strchr(v, '=') + 1;
		if (ge_goflags_split(&w, &n, v) < 0)
			return 1;
		for (j = 0; j < n; j++)
			if (strcmp(w[j], "-l") == 0 || strncmp(w[j], "-l=", 3) == 0 ||
			    strcmp(w[j], "--l") == 0)
				off = 1;
		ge_strv_free(w, n);
	}
	return off;
}

/* Is -trimpath on for the planned build (GOFLAGS, then the command line)? */
static int wants_trimpath(const ge_goplan *plan, const char *goflags)
{
	char **v = NULL;
	size_t n = 0, i;
	int on = 0;
	if (goflags && ge_goflags_split(&v, &n, goflags) == 0) {
		for (i = 0; i < n; i++)
			if (strcmp(v[i], "-trimpath") == 0 || strcmp(v[i], "--trimpath") == 0 ||
			    strcmp(v[i], "-trimpath=true") == 0)
				on = 1;
			else if (strcmp(v[i], "-trimpath=false") == 0)
				on = 0;
		ge_strv_free(v, n);
	}
	for (i = 2; i < plan->argc; i++) {
		const char *a = plan->argv[i];
		if (a[0] != '-' || strcmp(a, "--") == 0)
			break;
		if (strcmp(a, "-trimpath") == 0 || strcmp(a, "--trimpath") == 0 ||
		    strcmp(a, "-trimpath=true") == 0)
			on = 1;
		else if (strcmp(a, "-trimpath=false") == 0)
			on = 0;
	}
	return on;
}

/*
 * Each block (a "# pkg" line and what follows, up to the next line that
 * starts with '#') is hashed as a stream of little-endian 8-byte words,
 * whatever the writes' boundaries (a word may span two writes: its bytes
 * wait in pend), with two word hashes of different constants and
 * rotations, each closed with the block's length and a final mix.  Not a
 * cryptographic hash: it keys a cache (docs/DESIGN-NOTES.md).
 */
#define OH_SEED1 0x243f6a8885a308d3ULL
#define OH_SEED2 0x2545f4914f6cdd1dULL

static void oh_init(out_hash *h)
{
	memset(h, 0, sizeof(*h));
	h->h1 = OH_SEED1;
	h->h2 = OH_SEED2;
	h->bol = 1;
}

static uint64_t oh_rotl(uint64_t x, unsigned r)
{
	return (x << r) | (x >> (64 - r));
}

static void oh_word(out_hash *h, uint64_t w)
{
	h->h1 = oh_rotl(h->h1 ^ (w * 0x87c37b91114253d5ULL), 31) * 0x9e3779b97f4a7c15ULL;
	h->h2 =
	    oh_rotl(h->h2 + (w ^ (w >> 29)) * 0x4cf5ad432745937fULL, 27) * 0xff51afd7ed558ccdULL;
}

static uint64_t oh_fmix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

static uint64_t oh_load(const char *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof(w));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

/* n bytes of the current block. */
static void oh_bytes(out_hash *h, const char *p, size_t n)
{
	h->blen += n;
	while (h->npend && n) {
		h->pend |= (uint64_t)(unsigned char)*p++ << (8 * h->npend);
		n--;
		if (++h->npend == 8) {
			oh_word(h, h->pend);
			h->pend = 0;
			h->npend = 0;
		}
	}
	for (; n >= 8; p += 8, n -= 8)
		oh_word(h, oh_load(p));
	while (n--)
		h->pend |= (uint64_t)(unsigned char)*p++ << (8 * h->npend++);
}

/* The block so far into the sums. */
static void oh_close(out_hash *h)
{
	if (!h->blen)
		return;
	if (h->npend)
		oh_word(h, h->pend);
	h->sum[0] += oh_fmix(h->h1 ^ h->blen);
	h->sum[1] += oh_fmix(h->h2 ^ oh_rotl(h->blen, 32));
	h->sum[3]++;
	h->h1 = OH_SEED1;
	h->h2 = OH_SEED2;
	h->pend = h->blen = 0;
	h->npend = 0;
}

static void oh_feed(out_hash *h, const char *buf, size_t len)
{
	h->sum[2] += len;
	while (len) {
		const char *p = buf, *hash;
		size_t n = len;
		if (h->bol && buf[0] == '#')
			oh_close(h);
		/* To the next '#' that starts a line, or the end. */
		while ((hash = memchr(p + 1, '#', (size_t)(buf + len - p - 1)))) {
			if (hash[-1] == '\n') {
				n = (size_t)(hash - buf);
				break;
			}
			p = hash;
		}
		oh_bytes(h, buf, n);
		h->bol = buf[n - 1] == '\n';
		buf += n;
		len -= n;
	}
}

static int state_init(cap_state *s, const ge_modset *mods, const char *cwd)
{
	int rc;
	memset(s, 0, sizeof(*s));
	ge_buf_init(&s->header, 0);
	ge_buf_init(&s->overflow, 0);
	ge_buf_init(&s->jline, 0);
	ge_buf_init(&s->jout, 0);
	ge_buf_init(&s->held, 0);
	ge_buf_init(&s->skip_pkg, 0);
	s->json_bol = 1;
	if ((rc = ge_parser_new(&s->parser)) < 0 ||
	    (rc = ge_attrib_new(&s->attrib, mods, cwd)) < 0 || (rc = ge_report_new(&s->report)) < 0)
		return rc;
	if (mods->n && (rc = ge_report_set_meta(s->report, NULL, mods->mods[0].path, NULL, 0)) < 0)
		return rc;
	return 0;
}

static void state_release(cap_state *s)
{
	ge_parser_free(s->parser);
	ge_attrib_free(s->attrib);
	ge_report_free(s->report);
	ge_buf_release(&s->header);
	ge_buf_release(&s->overflow);
	ge_buf_release(&s->jline);
	ge_buf_release(&s->jout);
	free(s->json_pkg);
	ge_buf_release(&s->held);
	ge_buf_release(&s->skip_pkg);
	if (s->work) {
		state_release(s->work);
		free(s->work);
		s->work = NULL;
	}
	while (s->npkgs)
		free(s->pkgs[--s->npkgs].pkg);
	free(s->pkgs);
	free(s->pkg_index);
}

/* Attribution as o and plan ask for; cfg NULL: the platform from the environment. */
static int attrib_setup(cap_state *s, const ge_capture_opts *o, const ge_goplan *plan,
                        const ge_goconfig *cfg)
{
	const char *cgo = getenv("CGO_ENABLED");
	if (o->nov)
		ge_attrib_set_overlay(s->attrib, o->ov_real, o->ov_backing, o->nov);
	ge_attrib_set_scope(s->attrib, plan->scope, plan->nscope);
	ge_attrib_set_trimpath(s->attrib, wants_trimpath(plan, o->goflags));
	ge_attrib_set_vendored(s->attrib, o->vendored);
	if (o->sites) /* --profile: the join's sites, placed by the same attrib */
		ge_attrib_set_sites(s->attrib, ge_cost_sites_take, o->sites);
	if (cfg)
		return ge_attrib_set_build(s->attrib, cfg->goos, cfg->goarch,
		                           strcmp(cfg->cgo, "1") == 0, cfg->tags, cfg->go);
	return ge_attrib_set_build(s->attrib, getenv("GOOS"), getenv("GOARCH"),
	                           !cgo || strcmp(cgo, "0") != 0, NULL, NULL);
}

/*
 * The fast path is off (held output too big, or not what the stored
 * report came from): a state that attributes, fed what was held; it shows
 * nothing (s did).
 */
static int work_start(cap_state *s)
{
	cap_state *w = malloc(sizeof(*w));
	int rc;
	if (!w)
		return s->rc = ge_error_set(GE_ENOMEM, "out of memory");
	if ((rc = state_init(w, s->o->mods, s->acwd)) < 0 ||
	    (rc = attrib_setup(w, s->o, s->plan, s->report->config)) < 0) {
		state_release(w);
		free(w);
		return s->rc = rc;
	}
	s->work = w;
	if (s->held.len && feed(s->held.ptr, s->held.len, w))
		rc = s->rc = w->rc;
	ge_buf_release(&s->held);
	return rc;
}

/* What go wrote: hashed for the fast path, held or handed to work, shown. */
static int feed_top(const char *buf, size_t len, void *ud)
{
	cap_state *s = ud;
	if (s->replay)
		oh_feed(&s->oh, buf, len);
	if (s->defer && !s->work) {
		if (s->held.len + len > GE_CAPTURE_REPLAY_MAX) {
			if (work_start(s) < 0)
				return 1;
		} else if (ge_buf_put(&s->held, buf, len) < 0) {
			s->rc = ge_error_set(GE_ENOMEM, "out of memory");
			return 1;
		}
	}
	if (s->work && feed(buf, len, s->work)) {
		s->rc = s->work->rc;
		return 1;
	}
	return feed(buf, len, s);
}

int ge_capture_build(ge_report **out, int *status, const ge_capture_opts *o)
{
	cap_state s;
	ge_goplan plan = GE_GOPLAN_INIT;
	ge_run_opts ro = GE_RUN_OPTS_INIT;
	char *ver = NULL, *godir = NULL;
	int rc;

	*out = NULL;
	memset(&s, 0, sizeof(s));
	if ((rc = (o->named ? ge_goplan_build_named : ge_goplan_build)(
	         &plan, o->go, o->args, o->nargs, o->goflags, o->mods, o->cwd)) < 0)
		goto done;
	/* With -C DIR, go prints what it compiles afresh relative to DIR. */
	if (plan.chdir && !(godir = ge_path_join(o->cwd, plan.chdir))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	if ((o->named && (rc = check_file_names(o->mods, NULL)) < 0) ||
	    (rc = state_init(&s, o->mods, godir ? godir : o->cwd)) < 0)
		goto done;
	s.show_m = o->verbose || plan.user_m;
	s.out = o->on_output;
	s.ud = o->ud;
	s.on_json = o->on_json;
	s.json_ud = o->ud;
	s.on_package = o->on_package;
	s.package_ud = o->package_ud;
	/*
	 * The configuration first when it costs no go process: it decides
	 * which files each package has, which attribution needs for
	 * package-wide names.  A wrapper go is asked after the build, as
	 * before (no go runs before the user's build, none after a signal);
	 * attribution then takes GOOS, GOARCH and CGO_ENABLED from the
	 * environment.
	 */
	if (!ge_goconfig_spawns(o->go) &&
	    (rc = ge_goconfig_compute(&s.report->config, o->go, o->args, o->nargs, o->goflags,
	                              o->mods, o->cwd)) < 0)
		goto done;
	if ((rc = attrib_setup(&s, o, &plan, s.report->config)) < 0)
		goto done;
	s.o = o;
	s.plan = &plan;
	s.acwd = godir ? godir : o->cwd;
	if ((s.replay = o->replay)) {
		s.replay->hit = 0;
		oh_init(&s.oh);
		/* Held to decide after go exits: the configuration is known now. */
		s.defer = s.replay->have && s.report->config;
	}
	ro.dir = o->cwd;
	ro.on_stderr = feed_top;
	ro.ud = &s;
	/* With -json the compiler's output comes as events on stdout. */
	ro.stdout_to_stderr = ge_gocmd_json(o->args, o->nargs);
	/* A compile-only build prints nothing on stdout; keep it so. */
	ro.quiet_stdout = ge_gocmd_is_compile_only(o->args, o->nargs);
	if ((rc = ge_run(status, plan.argv, &ro)) < 0)
		goto done;
	if ((rc = feed_end(&s)) < 0)
		goto done;
	if (s.replay) {
		oh_close(&s.oh);
		memcpy(s.replay->got, s.oh.sum, sizeof(s.replay->got));
		if (s.replay->settle)
			s.replay->settle(s.replay, s.replay->settle_ud);
	}
	if (s.defer) {
		cap_state *w, tmp;
		/* What HEAD's stored report came from, printed again: nothing to do. */
		if (!s.work && s.replay->have && WIFEXITED(*status) && WEXITSTATUS(*status) == 0 &&
		    !ge_run_signalled() &&
		    memcmp(s.replay->got, s.replay->expect, sizeof(s.replay->got)) == 0) {
			s.replay->hit = 1;
			goto done;
		}
		if ((!s.work && (rc = work_start(&s)) < 0) || (rc = feed_end(s.work)) < 0)
			goto done;
		/* From here on the state that attributed is the build's. */
		w = s.work;
		s.work = NULL;
		w->report->config = s.report->config;
		s.report->config = NULL;
		tmp = s;
		s = *w;
		*w = tmp;
		state_release(w);
		free(w);
	}
	if (o->named && WIFEXITED(*status) && WEXITSTATUS(*status) == 0 && !ge_run_signalled() &&
	    !inlining_off(&plan) &&
	    (rc = check_read_something(&s, o->mods, plan.scope, plan.nscope, "from 'go build'")) <
	        0)
		goto done;
	/* Interrupted: no more go processes (the configuration may need one). */
	if (!ge_run_signalled() && !WIFSIGNALED(*status)) {
		if (!s.report->config &&
		    (rc = ge_goconfig_compute(&s.report->config, o->go, o->args, o->nargs,
		                              o->goflags, o->mods, o->cwd)) < 0)
			goto done;
		if (!(ver = ge_strdup(s.report->config->go))) {
			rc = ge_error_set(GE_ENOMEM, "out of memory");
			goto done;
		}
	}
	free(s.report->go_version);
	s.report->go_version = ver;
	ge_report_sort(s.report);
	*out = s.report;
	s.report = NULL;
done:
	state_release(&s);
	ge_goplan_release(&plan);
	free(godir);
	return rc;
}

int ge_capture_input(ge_report **out, int fd, const char *name, const ge_modset *mods,
                     const char *cwd)
{
	return ge_capture_input_pkgs(out, fd, name, mods, cwd, NULL, 0, 0);
}

int ge_capture_input_pkgs(ge_report **out, int fd, const char *name, const ge_modset *mods,
                          const char *cwd, char *const *pkgs, size_t npkgs, int vendored)
{
	return ge_capture_input_sites(out, fd, name, mods, cwd, pkgs, npkgs, vendored, NULL);
}

/*
 * The second core on --input from a file: a reader thread reads the file
 * into a ring of AHEAD_SLOTS buffers and classifies their whole lines
 * with a parser of its own (ge_parse_ahead_line) while this thread feeds
 * the buffer before, taking each line's classification instead of making
 * it (ge_parser_feed_line_ahead; the same line records).  Slot k % SLOTS
 * is the reader's until `filled` (under mu) has passed k, this thread's
 * until `used` has: the reader fills slot k only once `used` is
 * k - SLOTS + 1 or more.  Only for a regular file, whose reads end: a
 * stop never waits on a pipe's writer.  No thread (a pipe, no memory, no
 * parser, pthread_create failing): read() here, as before.
 */
#define AHEAD_SLOTS 8
#define AHEAD_BYTES 65536
#define AHEAD_LINES 4096 /* lines classified a slot at most; the rest this thread does */
#define AHEAD_VIEWS 16   /* package views made a slot at most; the rest this thread makes */
/* How far past the report's last diagnostic the reader faults its array in. */
#define AHEAD_PREFAULT ((size_t)1 << 20)
/* Views attribution is done with, waiting for the reader to free them
 * (ahead_drop); past this many the other thread frees them itself. */
#define AHEAD_DEAD 64

/* How many slots filled and not yet fed let the reader make the next
 * one's views (ge_capture__ahead_lead). */
static int ahead_lead = 2;

typedef struct ahead_slot {
	char buf[AHEAD_BYTES];
	ssize_t n; /* bytes read; 0 at the end of the file; -1 a read error (err) */
	int err;
	size_t nrec;
	ge_parse_ahead rec[AHEAD_LINES];
	/* The views of the attributed groups headed in this slot, made by the
	 * reader (ge_attrib_view_make), for attribution to adopt. */
	ge_attrib_view *views[AHEAD_VIEWS];
	size_t nviews;
} ahead_slot;

typedef struct ahead_reader {
	pthread_t t;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int fd, running;
	ge_parser *parser;
	/* What a header is tested against (ge_attrib_import_in_scope): read
	 * only while the reader runs. */
	const ge_modset *mods;
	char *const *scope;
	size_t nscope;
	/* Attribution's sources and build, for the views made here (NULL:
	 * none made), and the import path of the last one made. */
	ge_attrib_viewer *viewer;
	char last[512];
	size_t nlast;
	int views_now; /* this slot's views are made here (ahead_lead) */
	ahead_slot *slots;
	size_t filled, used;
	/* A thread that waits says so: the reader for `used` to reach
	 * wake_at (half the ring free, so it is woken once for SLOTS/2
	 * buffers, not once a buffer), this thread for `filled` to pass the
	 * slot it wants.  Only a waiting thread is woken. */
	size_t wake_at;
	int reader_waits, main_waits;
	int stop;
	size_t classified; /* lines classified, all slots (the reader's until joined) */
	size_t made;       /* views made, all slots (likewise) */
	/* The report's diagnostic array as this thread last left it
	 * (ge_report_spare, under mu), and how far the reader has faulted
	 * it in (the reader's): a page faulted in costs 3 us in a virtual
	 * machine, 13,000 of them at 10^6 lines, which the reader, ahead
	 * and idle most of the time, takes off this thread. */
	uintptr_t spare_base;
	size_t spare_used, spare_cap;
	uintptr_t pf_base;
	size_t pf_off, prefaulted;
	int pf_refused; /* the kernel does not know the advice (before 5.14) */
	/* The views made here that attribution is done with (ahead_drop,
	 * under mu), freed by this thread, whose heap they are from. */
	ge_gopkg *dead[AHEAD_DEAD];
	size_t ndead, freed;
} ahead_reader;

/* Does classified line r head a group whose lines this thread passes over? */
static int ahead_passes(const ahead_reader *a, const ge_parse_ahead *r)
{
	return r->l.type == GE_LINE_HEADER && r->l.pkg &&
	       !ge_attrib_import_in_scope(a->mods, a->scope, a->nscope, r->l.pkg, r->l.pkg_len);
}

/*
 * Header r classified in sl: the view of its package's directory made
 * here, ahead of the other thread, which would make it on the group's
 * first line (its files' listing, reads and scans; a sixth of that
 * thread's time at 10^6 lines).  Not for a group passed over, nor for the
 * next group of the same package (a test variant: its view is kept).
 */
static void ahead_view(ahead_reader *a, ahead_slot *sl, const ge_parse_ahead *r)
{
	size_t sp;
	if (!a->viewer || !a->views_now || sl->nviews == AHEAD_VIEWS ||
	    r->l.type != GE_LINE_HEADER || !r->l.pkg)
		return;
	for (sp = 0; sp < r->l.pkg_len && r->l.pkg[sp] != ' '; sp++)
		;
	if (sp >= sizeof(a->last) || (sp == a->nlast && memcmp(a->last, r->l.pkg, sp) == 0))
		return;
	memcpy(a->last, r->l.pkg, sp);
	a->nlast = sp;
	if ((sl->views[sl->nviews] = ge_attrib_view_make(a->viewer, r->l.pkg, r->l.pkg_len))) {
		sl->nviews++;
		a->made++;
	}
}

/*
 * The report's array faulted in from what it holds up to AHEAD_PREFAULT
 * past that (pages wholly inside what is allocated), where not done yet.
 * MADV_POPULATE_WRITE changes no byte, so a range gone stale (the array
 * moved since it was published) harms nothing; after a move it starts
 * again from the array's end (pages moved with it kept theirs).
 */
static void ahead_prefault(ahead_reader *a, uintptr_t base, size_t used, size_t cap)
{
#ifdef MADV_POPULATE_WRITE
	const uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t lo, hi;
	size_t from;
	if (!base || a->pf_refused || pg == 0 || (pg & (pg - 1)) != 0)
		return;
	if (base != a->pf_base) {
		a->pf_base = base;
		a->pf_off = 0;
	}
	from = a->pf_off > used ? a->pf_off : used;
	lo = (base + from + pg - 1) & ~(pg - 1);
	hi = (base + (cap < used + AHEAD_PREFAULT ? cap : used + AHEAD_PREFAULT)) & ~(pg - 1);
	if (hi <= lo)
		return;
	if (madvise((void *)lo, (size_t)(hi - lo), MADV_POPULATE_WRITE) == 0)
		a->prefaulted += (size_t)(hi - lo);
	else if (errno == EINVAL)
		a->pf_refused = 1; /* otherwise a stale range: nothing done, no harm */
	a->pf_off = (size_t)(hi - base);
#else
	(void)a, (void)base, (void)used, (void)cap;
#endif
}

static void *ahead_run(void *arg)
{
	ahead_reader *a = arg;
	size_t k;
	int bol = 1; /* the file so far ends at a line's end */
	/* In a group this thread's header test says is not attributed: its
	 * lines are not classified, up to one that starts with '#' or '{', as
	 * the other thread passes over them (skip_lines).  Only work saved: a
	 * line without a record is classified there, one with a record it
	 * passes over takes no time. */
	int passing = 0;
	for (k = 0;; k++) {
		ahead_slot *sl = &a->slots[k % AHEAD_SLOTS];
		const char *p, *end;
		uintptr_t base;
		size_t used, cap, ndead;
		ge_gopkg *dead[AHEAD_DEAD];
		int stop;
		pthread_mutex_lock(&a->mu);
		if (!a->stop && k >= a->used + AHEAD_SLOTS) {
			a->wake_at = k + 1 - AHEAD_SLOTS + AHEAD_SLOTS / 2;
			a->reader_waits = 1;
			while (!a->stop && a->used < a->wake_at)
				pthread_cond_wait(&a->cv, &a->mu);
			a->reader_waits = 0;
		}
		/* Views only while this thread is ahead: when the other
		 * thread waits on it, it reads and classifies, and the other
		 * makes its views itself. */
		a->views_now = k >= a->used + (size_t)ahead_lead;
		stop = a->stop;
		base = a->spare_base;
		used = a->spare_used;
		cap = a->spare_cap;
		ndead = a->ndead;
		memcpy(dead, a->dead, ndead * sizeof(*dead));
		a->ndead = 0;
		pthread_mutex_unlock(&a->mu);
		a->freed += ndead;
		while (ndead)
			ge_gopkg_free(dead[--ndead]);
		if (stop)
			break;
		if (a->views_now)
			ahead_prefault(a, base, used, cap);
		do
			sl->n = read(a->fd, sl->buf, sizeof(sl->buf));
		while (sl->n < 0 && errno == EINTR);
		sl->err = sl->n < 0 ? errno : 0;
		sl->nrec = 0;
		if (sl->n > 0) {
			p = sl->buf;
			end = p + sl->n;
			if (!bol) {
				p = memchr(p, '\n', (size_t)sl->n);
				p = p ? p + 1 : end;
			}
			while (p < end && sl->nrec < AHEAD_LINES) {
				const char *nl = memchr(p, '\n', (size_t)(end - p));
				ge_parse_ahead *r = &sl->rec[sl->nrec];
				if (!nl)
					break;
				if (passing && *p != '#' && *p != '{') {
					p = nl + 1;
					continue;
				}
				passing = 0;
				if (ge_parse_ahead_line(a->parser, r, p, (size_t)(nl - p))) {
					sl->nrec++;
					a->classified++;
					if (!(passing = ahead_passes(a, r)))
						ahead_view(a, sl, r);
				}
				p = nl + 1;
			}
			/* Past AHEAD_LINES: these lines are the other thread's, but a
			 * header among them says whether the next slot's lines are
			 * passed over (the cap-th line an ignored group's header, an
			 * attributed group's after it: not its lines too). */
			while (p < end) {
				const char *nl = memchr(p, '\n', (size_t)(end - p));
				ge_parse_ahead r;
				if (!nl)
					break;
				if (*p == '#' || *p == '{')
					passing = ge_parse_ahead_line(a->parser, &r, p, (size_t)(nl - p)) &&
					          ahead_passes(a, &r);
				p = nl + 1;
			}
			if (p < end && (*p == '#' || *p == '{'))
				passing = 0; /* a line the next slot ends: not classified */
			bol = sl->buf[sl->n - 1] == '\n';
		}
		pthread_mutex_lock(&a->mu);
		a->filled = k + 1;
		if (a->main_waits)
			pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
		if (sl->n <= 0)
			break;
	}
	return NULL;
}

void ge_capture__ahead_lead(int slots)
{
	ahead_lead = slots;
}

/* For tests: the lines the last reader classified (ge_capture__ahead_classified),
 * the views it made and those attribution took (ge_capture__ahead_views). */
static size_t ahead_classified, ahead_made, ahead_taken, ahead_prefaulted, ahead_freed;

size_t ge_capture__ahead_prefaulted(void)
{
	return ahead_prefaulted;
}

size_t ge_capture__ahead_freed(void)
{
	return ahead_freed;
}

size_t ge_capture__ahead_classified(void)
{
	return ahead_classified;
}

void ge_capture__ahead_views(size_t *made, size_t *taken)
{
	*made = ahead_made;
	*taken = ahead_taken;
}

/* Start the reader on fd if it is a regular file; best effort (a->running). */
static void ahead_start(ahead_reader *a, int fd, const ge_modset *mods, char *const *scope,
                        size_t nscope, const ge_attrib *attrib)
{
	struct stat st;
	size_t i;
	memset(a, 0, sizeof(*a));
	ahead_classified = ahead_made = ahead_taken = ahead_prefaulted = ahead_freed = 0;
	a->fd = fd;
	a->mods = mods;
	a->scope = scope;
	a->nscope = nscope;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return;
	if (!(a->slots = malloc(AHEAD_SLOTS * sizeof(*a->slots))))
		return;
	for (i = 0; i < AHEAD_SLOTS; i++)
		a->slots[i].nviews = 0;
	a->viewer = ge_attrib_viewer_new(attrib);
	if (ge_parser_new(&a->parser) < 0)
		goto fail;
	if (pthread_mutex_init(&a->mu, NULL) != 0)
		goto fail;
	if (pthread_cond_init(&a->cv, NULL) != 0) {
		pthread_mutex_destroy(&a->mu);
		goto fail;
	}
	if (ge_thread_start(&a->t, ahead_run, a) != 0) {
		pthread_cond_destroy(&a->cv);
		pthread_mutex_destroy(&a->mu);
		goto fail;
	}
	a->running = 1;
	return;
fail:
	ge_error_clear();
	ge_parser_free(a->parser);
	a->parser = NULL;
	ge_attrib_viewer_free(a->viewer);
	a->viewer = NULL;
	free(a->slots);
	a->slots = NULL;
}

/* Attribution's ge_attrib_set_view_drop while the reader runs: the view
 * waits for the reader to free it, or is freed here when too many wait. */
static void ahead_drop(void *ud, ge_gopkg *p)
{
	ahead_reader *a = ud;
	int kept = 0;
	pthread_mutex_lock(&a->mu);
	if (a->ndead < AHEAD_DEAD) {
		a->dead[a->ndead++] = p;
		kept = 1;
	}
	pthread_mutex_unlock(&a->mu);
	if (!kept)
		ge_gopkg_free(p);
}

/* Slot k once the reader has filled it. */
static ahead_slot *ahead_wait(ahead_reader *a, size_t k)
{
	pthread_mutex_lock(&a->mu);
	if (a->filled <= k) {
		a->main_waits = 1;
		while (a->filled <= k)
			pthread_cond_wait(&a->cv, &a->mu);
		a->main_waits = 0;
	}
	pthread_mutex_unlock(&a->mu);
	return &a->slots[k % AHEAD_SLOTS];
}

/* Slot k back to the reader, with where report's array now stands. */
static void ahead_done(ahead_reader *a, size_t k, const ge_report *report)
{
	uintptr_t base;
	size_t used, cap;
	ge_report_spare(report, &base, &used, &cap);
	pthread_mutex_lock(&a->mu);
	a->spare_base = base;
	a->spare_used = used;
	a->spare_cap = cap;
	a->used = k + 1;
	if (a->reader_waits && a->used >= a->wake_at)
		pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
}

static void ahead_stop(ahead_reader *a)
{
	size_t i;
	if (!a->running)
		return;
	pthread_mutex_lock(&a->mu);
	a->stop = 1;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->t, NULL);
	ahead_classified = a->classified;
	ahead_made = a->made;
	ahead_prefaulted = a->prefaulted;
	ahead_freed = a->freed;
	while (a->ndead) /* dropped after the reader's last look */
		ge_gopkg_free(a->dead[--a->ndead]);
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mu);
	ge_parser_free(a->parser);
	for (i = 0; i < AHEAD_SLOTS; i++) /* views of slots never fed */
		while (a->slots[i].nviews)
			ge_attrib_view_free(a->slots[i].views[--a->slots[i].nviews]);
	ge_attrib_viewer_free(a->viewer);
	free(a->slots);
	memset(a, 0, sizeof(*a));
}

int ge_capture_input_sites(ge_report **out, int fd, const char *name, const ge_modset *mods,
                           const char *cwd, char *const *pkgs, size_t npkgs, int vendored,
                           struct ge_cost_sites *sites)
{
	cap_state s;
	char buf[65536];
	char **scope = NULL;
	size_t total = 0, nscope = 0, k;
	ahead_reader ahead;
	char last = 0;
	size_t vi;
	ge_gopkg_listing *lst = NULL;
	struct stat st;
	int rc, whole;
	*out = NULL;
	memset(&s, 0, sizeof(s));
	memset(&ahead, 0, sizeof(ahead));
	/* The file-name walk's listings serve the package views: no directory
	 * is listed twice (its names as they were when the walk began).  Only
	 * for a regular file, written whole by a build that has ended: a pipe's
	 * writer may still be creating files (go generate, then the build)
	 * whose escapes a listing taken before them would drop. */
	whole = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	if ((rc = ge_gocmd_scope(&scope, &nscope, pkgs, npkgs, mods, cwd)) < 0 ||
	    (whole && (rc = ge_gopkg_listing_new(&lst)) < 0) ||
	    (rc = check_file_names(mods, lst)) < 0 || (rc = state_init(&s, mods, cwd)) < 0)
		goto done;
	ge_attrib_set_listing(s.attrib, lst);
	ge_attrib_set_scope(s.attrib, scope, nscope);
	ge_attrib_set_vendored(s.attrib, vendored);
	if (sites) /* the positioned lines besides diagnostics, placed by the same attrib */
		ge_attrib_set_sites(s.attrib, ge_cost_sites_take, sites);
	s.skip_ok = 1; /* nothing is shown: ignored groups need not be parsed */
	s.count_pkgs = 1;
	ahead_start(&ahead, fd, mods, scope, nscope, s.attrib);
	if (ahead.running)
		ge_attrib_set_view_drop(s.attrib, ahead_drop, &ahead);
	for (k = 0; ahead.running; k++) {
		ahead_slot *sl = ahead_wait(&ahead, k);
		int failed;
		if (sl->n < 0) {
			errno = sl->err;
			rc = ge_error_errno(GE_ERROR, "cannot read '%s'", name);
			goto done;
		}
		if (sl->n == 0)
			break;
		total += (size_t)sl->n;
		last = sl->buf[sl->n - 1];
		for (vi = 0; vi < sl->nviews; vi++)
			ge_attrib_view_adopt(s.attrib, sl->views[vi]);
		sl->nviews = 0;
		s.ahead = sl->rec;
		s.nahead = sl->nrec;
		s.ahead_at = 0;
		failed = feed(sl->buf, (size_t)sl->n, &s);
		s.ahead = NULL;
		s.nahead = 0;
		ahead_done(&ahead, k, s.report);
		if (failed) {
			rc = s.rc;
			goto done;
		}
	}
	while (!ahead.running) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = ge_error_errno(GE_ERROR, "cannot read '%s'", name);
			goto done;
		}
		if (n == 0)
			break;
		total += (size_t)n;
		last = buf[n - 1];
		if (feed(buf, (size_t)n, &s)) {
			rc = s.rc;
			goto done;
		}
	}
	if ((rc = feed_end(&s)) < 0)
		goto done;
	if (total && !s.recognised && s.nul_lines) {
		rc = ge_error_set(GE_EBADINPUT, "'%s': not go compiler output (binary data)", name);
		goto done;
	}
	if (total && !s.recognised && s.long_lines) {
		rc = ge_error_set(GE_EBADINPUT,
		                  "'%s': not go compiler output (a line longer than %d bytes)",
		                  name, GE_PARSE_MAX_LINE);
		goto done;
	}
	if (total && !s.recognised && s.text_lines) {
		rc = ge_error_set(GE_EBADINPUT,
		                  "'%s': not go compiler output (no '# package' header or -m line)",
		                  name);
		goto done;
	}
	/*
	 * Output cut short (a killed build, a full disk) or of a build that
	 * failed is not a report: its missing escapes would count as fixed.
	 * go ends every line it prints, and a package that did not compile
	 * prints its errors and no -m line.
	 */
	if (total && last != '\n') {
		rc = ge_error_set(GE_EBADINPUT,
		                  "'%s' ends inside a line: the compiler output was cut short",
		                  name);
		goto done;
	}
	{
		size_t i;
		for (i = 0; i < s.npkgs; i++)
			if (s.pkgs[i].errors && !s.pkgs[i].m &&
			    ge_modset_lookup_import(mods, s.pkgs[i].pkg) &&
			    ge_gocmd_scope_match(scope, nscope, s.pkgs[i].pkg)) {
				rc = ge_error_set(GE_EBADINPUT,
				                  "'%s': %s did not compile (errors and no -m "
				                  "output): its escapes are unknown",
				                  name, s.pkgs[i].pkg);
				goto done;
			}
	}
	{
		ge_buf what = GE_BUF_INIT;
		if (ge_buf_printf(&what, "in '%s'", name) < 0) {
			rc = ge_error_set(GE_ENOMEM, "out of memory");
			goto done;
		}
		rc = check_read_something(&s, mods, scope, nscope, what.ptr);
		ge_buf_release(&what);
		if (rc < 0)
			goto done;
	}
	ge_report_sort(s.report);
	*out = s.report;
	s.report = NULL;
	/* Kept for ge_capture_input_saw(): the names move, the counts go. */
	{
		char **names = calloc(s.npkgs + 1, sizeof(*names));
		size_t i;
		if (names) {
			for (i = 0; i < s.npkgs; i++) {
				names[i] = s.pkgs[i].pkg;
				s.pkgs[i].pkg = NULL;
			}
			ge_strv_free(input_pkgs, ninput_pkgs);
			input_pkgs = names;
			ninput_pkgs = s.npkgs;
		}
	}
done:
	if (ahead.running)
		ahead_taken = ge_attrib_views_taken(s.attrib);
	if (s.attrib) /* NULL when it failed before state_init */
		ge_attrib_set_view_drop(s.attrib, NULL, NULL); /* s.attrib frees them from now on */
	ahead_stop(&ahead);
	state_release(&s);
	ge_gopkg_listing_free(lst);
	ge_strv_free(scope, nscope);
	return rc;
}

/*
 * A build that printed no -m line for packages with functions, while
 * inlining was on: a package whose functions are all too big to inline and
 * take no pointers is quiet under -m, but -m=2 names every function it
 * considers for inlining ("cannot inline F: function too complex").  So
 * build once more with -m=2 for the packages in scope: when that speaks,
 * the quiet was real and its report (no heap lines either) is the answer;
 * when it does not, the error stands.  Only ever in that rare case.
 */
static int verify_quiet(ge_report **out, int *status, const ge_capture_opts *o, char *const *pkgs,
                        size_t npkgs, const char *overlay_file)
{
	ge_capture_opts co = *o;
	ge_report *r = NULL;
	char **scope = NULL, **args = NULL, *msg = ge_strdup(ge_error_last());
	size_t nscope = 0, nargs = 0, i, j, lead;
	int rc, st = 0;
	if (!msg)
		return ge_error_set(GE_ENOMEM, "out of memory");
	if ((rc = ge_gocmd_scope(&scope, &nscope, pkgs, npkgs, o->mods, o->cwd)) < 0)
		goto done;
	if (!(args = calloc(o->nargs + nscope + o->mods->n + 1, sizeof(*args)))) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	/* The subcommand (with compile-only's flags), then -m=2, then the rest. */
	lead = ge_gocmd_is_compile_only(o->args, o->nargs) ? GE_GOCMD_COMPILE_N : 1;
	for (i = 0; i < lead; i++)
		args[nargs++] = ge_strdup(o->args[i]);
	for (j = 0; j < (scope ? nscope : o->mods->n); j++) {
		ge_buf b = GE_BUF_INIT;
		char *all = scope ? NULL : ge_module_all_pattern(&o->mods->mods[j]);
		if (scope ? ge_buf_printf(&b, "-gcflags=%s=-m=2", scope[j]) < 0
		          : !all || ge_buf_printf(&b, "-gcflags=%s=-m=2", all) < 0) {
			free(all);
			break;
		}
		free(all);
		args[nargs++] = ge_buf_detach(&b);
	}
	for (i = lead; i < o->nargs; i++)
		args[nargs++] = ge_strdup(o->args[i]);
	for (i = 0; i < nargs; i++)
		if (!args[i]) {
			rc = ge_error_set(GE_ENOMEM, "out of memory");
			goto done;
		}
	co.args = args;
	co.nargs = nargs;
	co.on_output = NULL; /* the first build showed go's messages */
	co.on_json = NULL;
	co.verbose = 0;
	verifying = 1;
	rc = ge_capture_build(&r, &st, &co);
	verifying = 0;
	if (rc == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		ge_report_free(*out);
		*out = r;
		*status = st;
		r = NULL;
	} else {
		rc = ge_error_set(GE_EBADINPUT, "%s", msg);
	}
done:
	(void)overlay_file; /* already among o->args */
	ge_report_free(r);
	ge_strv_free(scope, nscope);
	ge_strv_free(args, nargs);
	free(msg);
	return rc;
}

int ge_capture_packages(ge_report **out, int *status, const ge_capture_opts *o, char *const *pkgs,
                        size_t npkgs, const char *overlay_file)
{
	ge_capture_opts co = *o;
	char **args = NULL;
	size_t nargs = 0, i;
	int rc;
	args = calloc(npkgs + o->mods->n + 8, sizeof(*args));
	if (!args)
		return ge_error_set(GE_ENOMEM, "out of memory");
	for (i = 0; i < GE_GOCMD_COMPILE_N; i++)
		args[nargs++] = ge_strdup(ge_gocmd_compile_args[i]);
	if (o->tests)
		args[nargs++] = ge_strdup("-test");
	if (overlay_file) {
		args[nargs++] = ge_strdup("-overlay");
		args[nargs++] = ge_strdup(overlay_file);
	}
	for (i = 0; i < npkgs; i++)
		args[nargs++] = ge_strdup(pkgs[i]);
	if (!npkgs)
		for (i = 0; i < o->mods->n; i++)
			args[nargs++] = ge_module_all_pattern(&o->mods->mods[i]);
	for (i = 0; i < nargs; i++)
		if (!args[i]) {
			rc = ge_error_set(GE_ENOMEM, "out of memory");
			goto done;
		}
	co.args = args;
	co.nargs = nargs;
	co.named = 1; /* -m for the packages named, a failure if nothing comes back */
	nothing_read = 0;
	rc = ge_capture_build(out, status, &co);
	if (rc == GE_EBADINPUT && nothing_read && !verifying)
		rc = verify_quiet(out, status, &co, pkgs, npkgs, overlay_file);
done:
	ge_strv_free(args, nargs);
	return rc;
}

int ge_capture_keep_named(ge_report *r, char *const *pkgs, size_t npkgs, const ge_modset *mods,
                          const char *cwd)
{
	char **scope = NULL;
	size_t nscope = 0, i, o = 0;
	int rc;
	if ((rc = ge_gocmd_scope(&scope, &nscope, pkgs, npkgs, mods, cwd)) < 0 || !scope)
		return rc;
	for (i = 0; i < r->ndiags; i++)
		if (ge_gocmd_scope_match(scope, nscope, r->diags[i].package))
			r->diags[o++] = r->diags[i];
	r->ndiags = o;
	ge_strv_free(scope, nscope);
	return 0;
}
