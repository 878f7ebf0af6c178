/* libgit2: discovery, HEAD, dirty state, merge-base, notes, diffs, blobs. */
#include "git.h"

#include <git2.h>
#include <zlib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct ge_git {
	git_repository *repo;
	char *workdir;
	char *commondir;
};

static int lg_init_done;
/* When this process first opened a repository: the age a lock file is
 * measured against (see ge_git_note_write).  The coarse clock, which is
 * the one file times come from. */
static struct timespec run_start;

/*
 * No CA certificates, ever: goescape never uses the network (it reads and
 * writes a local repository; go itself fetches modules), yet Debian's
 * libgit2 1.5 is built with mbedTLS, whose stream init in
 * git_libgit2_init() parses the whole system CA bundle (about 56 M
 * instructions, most of a warm captured build) through these two
 * functions, which libgit2.so imports.  Defined here and exported from the
 * executable (the Makefile's -Wl,--dynamic-list=lib/git.dynlist), they are
 * what libgit2's calls bind to: each leaves the chain it is given as it
 * is, empty, and says every certificate in the file or directory was
 * read (0).  The contract: in a goescape process libgit2 trusts no
 * certificate authority, so any TLS connection it made would fail its
 * certificate check (closed, never open); none is made.  A libgit2 built
 * with OpenSSL, or without HTTPS, never calls them.
 */
int mbedtls_x509_crt_parse_file(void *chain, const char *path);
int mbedtls_x509_crt_parse_path(void *chain, const char *path);

int mbedtls_x509_crt_parse_file(void *chain, const char *path)
{
	(void)chain;
	(void)path;
	return 0;
}

int mbedtls_x509_crt_parse_path(void *chain, const char *path)
{
	(void)chain;
	(void)path;
	return 0;
}

/* Carry libgit2's last message into ours. */
static int lg_error(int code, const char *what)
{
	const git_error *e = git_error_last();
	return ge_error_set(code, "%s: %s", what, e && e->message ? e->message : "git error");
}

static char *strip_slash(const char *p)
{
	char *s = ge_strdup(p);
	size_t n;
	if (!s)
		return NULL;
	n = strlen(s);
	while (n > 1 && s[n - 1] == '/')
		s[--n] = '\0';
	return s;
}

/*
 * Could dir be inside a repository libgit2 would discover?  A ".git" in dir
 * or above, a directory that is itself a git directory (HEAD and objects),
 * or GIT_DIR set.  Only ever a reason to skip libgit2 (whose init parses the
 * system's CA bundle where it is built with mbedTLS: a quarter of a warm
 * captured build) when the answer is certainly no; discovery itself, with
 * GIT_CEILING_DIRECTORIES and the rest, stays libgit2's.
 */
static int maybe_repo(const char *dir)
{
	char path[PATH_MAX + 16];
	struct stat st;
	size_t n = strlen(dir);
	if (getenv("GIT_DIR") || dir[0] != '/' || n >= PATH_MAX)
		return 1;
	memcpy(path, dir, n + 1);
	for (;;) {
		size_t base;
		while (n > 1 && path[n - 1] == '/')
			n--;
		base = n == 1 ? 0 : n; /* the root: "/.git" */
		memcpy(path + base, "/.git", 6);
		if (lstat(path, &st) == 0)
			return 1;
		memcpy(path + base, "/objects", 9);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			memcpy(path + base, "/HEAD", 6);
			if (stat(path, &st) == 0)
				return 1;
		}
		if (n <= 1)
			return 0;
		while (n > 1 && path[n - 1] != '/')
			n--;
	}
}

int ge_git_open(ge_git **out, const char *dir)
{
	ge_git *g;
	int err;
	*out = NULL;
	if (!lg_init_done && !maybe_repo(dir))
		return ge_error_set(GE_ENOTFOUND, "'%s' is not inside a git repository", dir);
	if (!lg_init_done) {
		git_libgit2_init();
		/*
		 * Objects read are not re-hashed to check their id: a third of
		 * the CPU of a first log run went to SHA-1 over note blobs.  What
		 * goescape reads from a repository is untrusted input checked as
		 * such (a note is validated JSON), and a corrupt object is what
		 * git fsck, not every read, is for; zlib still checks the
		 * compressed stream.
		 */
		git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
		lg_init_done = 1;
		clock_gettime(CLOCK_REALTIME_COARSE, &run_start);
	}
	if (!(g = calloc(1, sizeof(*g))))
		return ge_error_set(GE_ENOMEM, "out of memory");
	err = git_repository_open_ext(&g->repo, dir, 0, NULL);
	if (err == GIT_ENOTFOUND) {
		free(g);
		return ge_error_set(GE_ENOTFOUND, "'%s' is not inside a git repository", dir);
	}
	if (err < 0) {
		free(g);
		return lg_error(GE_ERROR, "cannot open the git repository");
	}
	if (git_repository_workdir(g->repo) && !(g->workdir = strip_slash(git_repository_workdir(g->repo)))) {
		ge_git_free(g);
		return ge_error_set(GE_ENOMEM, "out of memory");
	}
	if (!(g->commondir = strip_slash(git_repository_commondir(g->repo)))) {
		ge_git_free(g);
		return ge_error_set(GE_ENOMEM, "out of memory");
	}
	*out = g;
	return 0;
}

void ge_git_free(ge_git *g)
{
	if (!g)
		return;
	git_repository_free(g->repo);
	free(g->workdir);
	free(g->commondir);
	free(g);
}

const char *ge_git_workdir(const ge_git *g)
{
	return g->workdir;
}

const char *ge_git_commondir(const ge_git *g)
{
	return g->commondir;
}

int ge_git_head(char out[GE_OID_HEX], ge_git *g)
{
	git_oid oid;
	int err = git_reference_name_to_id(&oid, g->repo, "HEAD");
	if (err == GIT_ENOTFOUND || err == GIT_EUNBORNBRANCH)
		return ge_error_set(GE_ENOTFOUND, "the repository has no commits yet");
	if (err < 0)
		return lg_error(GE_ERROR, "cannot read HEAD");
	git_oid_tostr(out, GE_OID_HEX, &oid);
	return 0;
}

char *ge_git_branch(ge_git *g)
{
	git_reference *ref = NULL;
	char *name = NULL;
	if (git_repository_head_detached(g->repo) == 1)
		return NULL;
	if (git_reference_lookup(&ref, g->repo, "HEAD") == 0) {
		const char *t = git_reference_symbolic_target(ref);
		if (t && strncmp(t, "refs/heads/", 11) == 0)
			name = ge_strdup(t + 11);
		git_reference_free(ref);
	}
	return name;
}

int ge_git_go_relevant(const char *path)
{
	const char *base = strrchr(path, '/'), *dot;
	base = base ? base + 1 : path;
	if (!strcmp(base, "go.mod") || !strcmp(base, "go.sum") || !strcmp(base, "go.work") ||
	    !strcmp(base, "go.work.sum"))
		return 1;
	dot = strrchr(base, '.');
	return dot && (!strcmp(dot, ".go") || !strcmp(dot, ".s") || !strcmp(dot, ".c") ||
		       !strcmp(dot, ".h") || !strcmp(dot, ".syso"));
}

int ge_git_is_dirty(int *dirty, ge_git *g)
{
	git_status_options so = GIT_STATUS_OPTIONS_INIT;
	git_status_list *list = NULL;
	size_t i, n;
	*dirty = 0;
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
		   GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (git_status_list_new(&list, g->repo, &so) < 0)
		return lg_error(GE_ERROR, "cannot read the working tree status");
	n = git_status_list_entrycount(list);
	for (i = 0; i < n && !*dirty; i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const git_diff_delta *d = e->index_to_workdir ? e->index_to_workdir : e->head_to_index;
		if (e->status == GIT_STATUS_CURRENT || e->status == GIT_STATUS_IGNORED || !d)
			continue;
		if ((d->old_file.path && ge_git_go_relevant(d->old_file.path)) ||
		    (d->new_file.path && ge_git_go_relevant(d->new_file.path)))
			*dirty = 1;
		if (e->head_to_index && e->index_to_workdir) {
			const git_diff_delta *d2 = e->head_to_index;
			if ((d2->old_file.path && ge_git_go_relevant(d2->old_file.path)) ||
			    (d2->new_file.path && ge_git_go_relevant(d2->new_file.path)))
				*dirty = 1;
		}
	}
	git_status_list_free(list);
	return 0;
}

int ge_git_resolve(char out[GE_OID_HEX], ge_git *g, const char *rev)
{
	git_object *obj = NULL, *commit = NULL;
	int err = git_revparse_single(&obj, g->repo, rev);
	if (err == 0)
		err = git_object_peel(&commit, obj, GIT_OBJECT_COMMIT);
	git_object_free(obj);
	if (err < 0) {
		if (git_repository_is_shallow(g->repo) == 1)
			return ge_error_set(GE_ENOTFOUND,
					    "unknown revision '%s' in a shallow clone: fetch more history "
					    "(git fetch --unshallow, or fetch-depth: 0 in actions/checkout)",
					    rev);
		if (git_repository_head_unborn(g->repo) == 1)
			return ge_error_set(GE_ENOTFOUND,
					    "unknown revision '%s' (the current branch has no commits yet)",
					    rev);
		return ge_error_set(GE_ENOTFOUND, "unknown revision '%s'", rev);
	}
	git_oid_tostr(out, GE_OID_HEX, git_object_id(commit));
	git_object_free(commit);
	return 0;
}

int ge_git_merge_base(char out[GE_OID_HEX], ge_git *g, const char *a, const char *b)
{
	git_oid oa, ob, base;
	int err;
	if (git_oid_fromstr(&oa, a) < 0 || git_oid_fromstr(&ob, b) < 0)
		return ge_error_set(GE_EUSAGE, "bad object id");
	err = git_merge_base(&base, g->repo, &oa, &ob);
	if (err < 0) {
		if (git_repository_is_shallow(g->repo) == 1)
			return ge_error_set(GE_ENOTFOUND,
					    "no common ancestor of %.12s and %.12s in this shallow clone: "
					    "fetch more history (git fetch --unshallow, or fetch-depth: 0 "
					    "in actions/checkout)",
					    a, b);
		return ge_error_set(GE_ENOTFOUND, "%.12s and %.12s have no common ancestor", a, b);
	}
	git_oid_tostr(out, GE_OID_HEX, &base);
	return 0;
}

int ge_git_commit_info(char **subject, char parent[GE_OID_HEX], ge_git *g, const char *commit)
{
	git_oid oid;
	git_commit *c = NULL;
	const char *s;
	*subject = NULL;
	parent[0] = '\0';
	if (git_oid_fromstr(&oid, commit) < 0 || git_commit_lookup(&c, g->repo, &oid) < 0)
		return ge_error_set(GE_ENOTFOUND, "unknown commit '%s'", commit);
	s = git_commit_summary(c);
	*subject = ge_strdup(s ? s : "");
	if (git_commit_parentcount(c) > 0)
		git_oid_tostr(parent, GE_OID_HEX, git_commit_parent_id(c, 0));
	git_commit_free(c);
	return *subject ? 0 : ge_error_set(GE_ENOMEM, "out of memory");
}

int ge_git_commit_author(char **name, int64_t *when, ge_git *g, const char *commit)
{
	git_oid oid;
	git_commit *c = NULL;
	const git_signature *sig;
	*name = NULL;
	*when = 0;
	if (git_oid_fromstr(&oid, commit) < 0 || git_commit_lookup(&c, g->repo, &oid) < 0)
		return ge_error_set(GE_ENOTFOUND, "unknown commit '%s'", commit);
	sig = git_commit_author(c);
	*name = ge_strdup(sig && sig->name ? sig->name : "");
	*when = sig ? (int64_t)sig->when.time : 0;
	git_commit_free(c);
	return *name ? 0 : ge_error_set(GE_ENOMEM, "out of memory");
}

/*
 * The id of the note blob on oid, looked up in the notes tree at every
 * fan-out git uses ("<40 hex>", "ab/<38>", "ab/cd/<36>" ...).  1 when
 * found, 0 when not.
 */
static int notes_tree_find(git_oid *out, git_tree *tree, const git_oid *oid);

/* The note blob of commit oid under the notes ref's tip: 1 and *out, or 0. */
static int note_blob_id(git_oid *out, ge_git *g, const git_oid *oid)
{
	git_oid tip;
	git_commit *c = NULL;
	git_tree *tree = NULL;
	int found = 0;
	if (git_reference_name_to_id(&tip, g->repo, GE_NOTES_REF) == 0 &&
	    git_commit_lookup(&c, g->repo, &tip) == 0 && git_commit_tree(&tree, c) == 0)
		found = notes_tree_find(out, tree, oid);
	git_tree_free(tree);
	git_commit_free(c);
	return found;
}

int ge_git_note_oid(char out[GE_OID_HEX], ge_git *g, const char *commit)
{
	git_oid oid, blob;
	out[0] = '\0';
	if (git_oid_fromstr(&oid, commit) < 0)
		return ge_error_set(GE_EUSAGE, "bad object id '%s'", commit);
	if (!note_blob_id(&blob, g, &oid))
		return GE_ENOTFOUND;
	git_oid_tostr(out, GE_OID_HEX, &blob);
	return 0;
}

static int commit_tree(git_tree **out, ge_git *g, const char *commit);

struct ge_git_notes {
	git_tree *tree;
};

int ge_git_notes_open(ge_git_notes **out, ge_git *g)
{
	git_oid tip;
	git_commit *c = NULL;
	ge_git_notes *n;
	int err;
	*out = NULL;
	if ((err = git_reference_name_to_id(&tip, g->repo, GE_NOTES_REF)) == GIT_ENOTFOUND)
		return ge_error_set(GE_ENOTFOUND, "no goescape notes");
	if (err < 0 || git_commit_lookup(&c, g->repo, &tip) < 0)
		return lg_error(GE_ERROR, "cannot read the goescape notes");
	if (!(n = calloc(1, sizeof(*n)))) {
		git_commit_free(c);
		return ge_error_set(GE_ENOMEM, "out of memory");
	}
	err = git_commit_tree(&n->tree, c);
	git_commit_free(c);
	if (err < 0) {
		free(n);
		return lg_error(GE_ERROR, "cannot read the goescape notes");
	}
	*out = n;
	return 0;
}

/* notes_tree_find, declared above note_blob_id. */
static int notes_tree_find(git_oid *out, git_tree *tree, const git_oid *oid)
{
	char hex[GIT_OID_HEXSZ + 1], path[GIT_OID_HEXSZ * 2];
	int level;
	git_oid_tostr(hex, sizeof(hex), oid);
	for (level = 0; level < GIT_OID_HEXSZ / 2; level++) {
		git_tree_entry *e = NULL;
		size_t o = 0;
		int k;
		for (k = 0; k < level; k++) {
			path[o++] = hex[2 * k];
			path[o++] = hex[2 * k + 1];
			path[o++] = '/';
		}
		memcpy(path + o, hex + 2 * level, sizeof(hex) - 2 * (size_t)level);
		if (git_tree_entry_bypath(&e, tree, path) < 0)
			continue;
		git_oid_cpy(out, git_tree_entry_id(e));
		git_tree_entry_free(e);
		return 1;
	}
	return 0;
}

int ge_git_notes_find(char out[GE_OID_HEX], const ge_git_notes *n, const char *commit)
{
	git_oid oid, blob;
	out[0] = '\0';
	if (git_oid_fromstr(&oid, commit) < 0)
		return ge_error_set(GE_EUSAGE, "bad object id '%s'", commit);
	if (!notes_tree_find(&blob, n->tree, &oid))
		return GE_ENOTFOUND;
	git_oid_tostr(out, GE_OID_HEX, &blob);
	return 0;
}

void ge_git_notes_free(ge_git_notes *n)
{
	if (!n)
		return;
	git_tree_free(n->tree);
	free(n);
}

/*
 * Adler-32 (RFC 1950) of n bytes at p, continuing from a (1 to start):
 * what zlib's adler32() gives, in a quarter of its instructions.  With SSE2 (every
 * x86-64) 32 bytes a step: the byte sums with psadbw, the weighted sums
 * (32 down to 1) with pmaddwd; at most 173 steps (NMAX = 5552 bytes, as
 * zlib) before both sums are reduced, so no 32-bit lane overflows.
 */
uint32_t ge_git_adler32(uint32_t a, const unsigned char *p, size_t n)
{
	enum { BASE = 65521, NMAX = 5552 };
	uint32_t s1 = a & 0xffff, s2 = a >> 16;
#ifdef __SSE2__
	const __m128i zero = _mm_setzero_si128();
	const __m128i w1 = _mm_setr_epi16(32, 31, 30, 29, 28, 27, 26, 25);
	const __m128i w2 = _mm_setr_epi16(24, 23, 22, 21, 20, 19, 18, 17);
	const __m128i w3 = _mm_setr_epi16(16, 15, 14, 13, 12, 11, 10, 9);
	const __m128i w4 = _mm_setr_epi16(8, 7, 6, 5, 4, 3, 2, 1);
	while (n >= 32) {
		size_t k = n / 32 < NMAX / 32 ? n / 32 : NMAX / 32;
		__m128i vps = _mm_cvtsi32_si128((int)(s1 * (uint32_t)k));
		__m128i vs2 = _mm_cvtsi32_si128((int)s2);
		__m128i vs1 = zero;
		uint32_t t[4];
		n -= k * 32;
		do {
			const __m128i b1 = _mm_loadu_si128((const __m128i *)(const void *)p);
			const __m128i b2 = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
			vps = _mm_add_epi32(vps, vs1);
			vs1 = _mm_add_epi32(vs1, _mm_sad_epu8(b1, zero));
			vs1 = _mm_add_epi32(vs1, _mm_sad_epu8(b2, zero));
			vs2 = _mm_add_epi32(vs2, _mm_madd_epi16(_mm_unpacklo_epi8(b1, zero), w1));
			vs2 = _mm_add_epi32(vs2, _mm_madd_epi16(_mm_unpackhi_epi8(b1, zero), w2));
			vs2 = _mm_add_epi32(vs2, _mm_madd_epi16(_mm_unpacklo_epi8(b2, zero), w3));
			vs2 = _mm_add_epi32(vs2, _mm_madd_epi16(_mm_unpackhi_epi8(b2, zero), w4));
			p += 32;
		} while (--k);
		vs2 = _mm_add_epi32(vs2, _mm_slli_epi32(vps, 5));
		_mm_storeu_si128((__m128i *)(void *)t, vs1);
		s1 += t[0] + t[2];
		_mm_storeu_si128((__m128i *)(void *)t, vs2);
		s2 = t[0] + t[1] + t[2] + t[3];
		s1 %= BASE;
		s2 %= BASE;
	}
#endif
	while (n) {
		size_t k = n < NMAX ? n : NMAX;
		n -= k;
		while (k--) {
			s1 += *p++;
			s2 += s1;
		}
		s1 %= BASE;
		s2 %= BASE;
	}
	return s2 << 16 | s1;
}

/*
 * A loose blob read straight from <commondir>/objects: the file read
 * whole, the zlib stream inflated directly into out.  1 when read; 0 when the object
 * is not there as a loose object (packed, an alternate, another object
 * directory; libgit2 reads it then) or is not a well-formed one; a
 * negative error when the blob is larger than max (*size set), when the
 * object file is there but is not a regular file or, past a zlib header,
 * not a whole, well-formed blob (its header, its size, its Adler-32), or
 * on memory.  The object header is checked before anything is allocated for
 * the content.
 */
static int loose_blob_read(ge_buf *out, size_t *size, ge_git *g, const char *hex, size_t max)
{
	char path[PATH_MAX];
	unsigned char *z = NULL, head[64];
	z_stream zs;
	struct stat st;
	size_t n = 0, hl, sz = 0, have;
	int fd, rc = 0, zr, inited = 0;
	*size = 0;
	if (getenv("GIT_OBJECT_DIRECTORY") || strlen(hex) != 40 ||
	    snprintf(path, sizeof(path), "%s/objects/%.2s/%s", g->commondir, hex, hex + 2) >=
	        (int)sizeof(path))
		return 0;
	/*
	 * O_NONBLOCK: a FIFO planted as the object is not waited on.  Nor is it
	 * left to libgit2, whose open would wait (a symlink is followed there):
	 * an object file that is there but not a regular file is refused.
	 */
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)) < 0) {
		if (errno == ELOOP && stat(path, &st) == 0 && !S_ISREG(st.st_mode))
			return ge_error_set(GE_EBADINPUT, "cannot read '%s': not a regular file",
			                    path);
		return 0;
	}
	if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
		rc = ge_error_set(GE_EBADINPUT, "cannot read '%s': not a regular file", path);
		goto done;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 2 ||
	    (uint64_t)st.st_size > (uint64_t)max + 4096 || !(z = malloc((size_t)st.st_size)))
		goto done;
	while (n < (size_t)st.st_size) {
		ssize_t r = read(fd, z + n, (size_t)st.st_size - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			goto done;
		n += (size_t)r;
	}
	/* The zlib header: deflate, a window zlib allows, no preset dictionary, its check bits. */
	if ((z[0] & 0x0f) != 8 || (z[0] >> 4) > 7 || (z[1] & 0x20) ||
	    ((unsigned)z[0] << 8 | z[1]) % 31)
		goto done;
	memset(&zs, 0, sizeof(zs));
	/*
	 * From here on the file is a zlib stream where a loose object should
	 * be, and what is not a whole, well-formed blob in it is refused, not
	 * left to libgit2: its read of a truncated loose object never returns
	 * (libgit2 1.5).  The deflate stream is inflated raw and the zlib
	 * wrapper's Adler-32 after it checked here (ge_git_adler32: zlib's own
	 * is a third of the read): it is the one check the content gets with
	 * strict hash verification off.
	 */
	if (inflateInit2(&zs, -15) != Z_OK)
		goto done;
	inited = 1;
	zs.next_in = z + 2;
	zs.avail_in = (uInt)(n - 2);
	zs.next_out = head;
	zs.avail_out = sizeof(head);
	zr = inflate(&zs, Z_SYNC_FLUSH);
	if (zr != Z_OK && zr != Z_STREAM_END)
		goto bad;
	have = sizeof(head) - zs.avail_out;
	/* "blob <decimal size>\0" */
	if (have < 7 || memcmp(head, "blob ", 5) != 0)
		goto bad;
	/* At most 19 digits: the size cannot wrap around. */
	for (hl = 5; hl < have && head[hl] >= '0' && head[hl] <= '9' && hl < 24; hl++)
		sz = sz * 10 + (size_t)(head[hl] - '0');
	if (hl == 5 || hl >= have || head[hl] != '\0' || (head[5] == '0' && hl > 6))
		goto bad;
	hl++;
	if (sz > max) {
		*size = sz;
		rc = -1;
		goto done;
	}
	if (have - hl > sz)
		goto bad;
	if (ge_buf_grow(out, sz + 1) < 0) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	memcpy(out->ptr + out->len, head + hl, have - hl);
	if (zr != Z_STREAM_END) {
		zs.next_out = (unsigned char *)out->ptr + out->len + (have - hl);
		zs.avail_out = (uInt)(sz - (have - hl));
		/* One more byte of room would show a longer stream: none is given. */
		zr = inflate(&zs, Z_FINISH);
		if (zr != Z_STREAM_END || zs.avail_out != 0)
			goto bad;
	} else if (have - hl != sz) {
		goto bad;
	}
	/* The Adler-32 of all that was inflated (header, content), big-endian after the stream. */
	if (zs.avail_in < 4 ||
	    ge_git_adler32(ge_git_adler32(1, head, hl), (const unsigned char *)out->ptr + out->len,
	                   sz) != ((uint32_t)zs.next_in[0] << 24 | (uint32_t)zs.next_in[1] << 16 |
	                           (uint32_t)zs.next_in[2] << 8 | zs.next_in[3]))
		goto bad;
	{
		/* A note is text: like git_note_message, it ends at a NUL. */
		const char *d = out->ptr + out->len;
		const char *nul = memchr(d, '\0', sz);
		out->len += nul ? (size_t)(nul - d) : sz;
		out->ptr[out->len] = '\0';
	}
	rc = 1;
	goto done;
bad:
	rc = ge_error_set(GE_EBADINPUT, "cannot read '%s': not a well-formed loose blob", path);
done:
	if (inited)
		inflateEnd(&zs);
	free(z);
	close(fd);
	return rc;
}

int ge_git_note_blob_read_loose(ge_buf *out, ge_git *g, const char *blob, size_t max)
{
	size_t size;
	int rc =
	    loose_blob_read(out, &size, g, blob, max < GE_NOTE_MAX_BYTES ? max : GE_NOTE_MAX_BYTES);
	if (rc != 1)
		ge_error_clear();
	return rc == 1;
}

int ge_git_note_blob_read(ge_buf *out, ge_git *g, const char *blob, const char *commit)
{
	git_oid oid;
	git_odb *odb = NULL;
	git_odb_object *obj = NULL;
	git_object_t type;
	size_t size = 0;
	int rc;
	if (git_oid_fromstr(&oid, blob) < 0)
		return ge_error_set(GE_EUSAGE, "bad object id '%s'", blob);
	if ((rc = loose_blob_read(out, &size, g, blob, GE_NOTE_MAX_BYTES)) == 1)
		return 0;
	if (rc < 0 && size > GE_NOTE_MAX_BYTES) {
		char t[64];
		return ge_error_set(GE_EBADINPUT,
		                    "the goescape note on %.12s is larger than the limit of %s",
		                    commit, ge_size_text(t, sizeof(t), GE_NOTE_MAX_BYTES));
	}
	if (rc < 0)
		return rc;
	if (git_repository_odb(&odb, g->repo) < 0)
		return lg_error(GE_ERROR, "cannot read the goescape note");
	if (git_odb_read_header(&size, &type, odb, &oid) == 0 && size > GE_NOTE_MAX_BYTES) {
		char t[64];
		rc = ge_error_set(GE_EBADINPUT,
		                  "the goescape note on %.12s is larger than the limit of %s",
		                  commit, ge_size_text(t, sizeof(t), GE_NOTE_MAX_BYTES));
		goto done;
	}
	if (git_odb_read(&obj, odb, &oid) < 0 || git_odb_object_type(obj) != GIT_OBJECT_BLOB) {
		rc = obj ? ge_error_set(GE_EBADINPUT, "the goescape note on %.12s is not a blob",
		                        commit)
		         : lg_error(GE_ERROR, "cannot read the goescape note");
		goto done;
	}
	/* A note is text: like git_note_message, it ends at a NUL. */
	size = git_odb_object_size(obj);
	{
		const char *d = git_odb_object_data(obj);
		const char *nul = memchr(d, '\0', size);
		rc = ge_buf_put(out, d, nul ? (size_t)(nul - d) : size);
	}
done:
	git_odb_object_free(obj);
	git_odb_free(odb);
	return rc;
}

/* keeps_paths on two trees; 1 kept, 0 not, -1 on a read error. */
static int trees_keep_paths(git_repository *repo, const git_tree *bt, const git_tree *ht,
                            unsigned depth)
{
	size_t i, nb = git_tree_entrycount(bt), nh = git_tree_entrycount(ht);
	if (depth > 4096)
		return -1;
	for (i = 0; i < nb; i++) {
		const git_tree_entry *be = git_tree_entry_byindex(bt, i);
		const char *name = git_tree_entry_name(be);
		/* The same place first (trees that differ in a few ids): no search then. */
		const git_tree_entry *he = i < nh ? git_tree_entry_byindex(ht, i) : NULL;
		if (!he || strcmp(git_tree_entry_name(he), name) != 0)
			he = git_tree_entry_byname(ht, name);
		git_tree *bs = NULL, *hs = NULL;
		int k;
		if (!he || git_tree_entry_type(be) != git_tree_entry_type(he))
			return 0;
		if (git_tree_entry_type(be) != GIT_OBJECT_TREE ||
		    git_oid_equal(git_tree_entry_id(be), git_tree_entry_id(he)))
			continue;
		if (git_tree_lookup(&bs, repo, git_tree_entry_id(be)) < 0 ||
		    git_tree_lookup(&hs, repo, git_tree_entry_id(he)) < 0)
			k = -1;
		else
			k = trees_keep_paths(repo, bs, hs, depth + 1);
		git_tree_free(bs);
		git_tree_free(hs);
		if (k <= 0)
			return k;
	}
	return 1;
}

int ge_git_tree_keeps_paths(int *keeps, ge_git *g, const char *base, const char *head)
{
	git_tree *bt = NULL, *ht = NULL;
	int rc, k;
	*keeps = 0;
	if ((rc = commit_tree(&bt, g, base)) < 0 || (rc = commit_tree(&ht, g, head)) < 0)
		goto done;
	if ((k = trees_keep_paths(g->repo, bt, ht, 0)) < 0)
		rc = lg_error(GE_ERROR, "cannot read a tree");
	else
		*keeps = k;
done:
	git_tree_free(bt);
	git_tree_free(ht);
	return rc;
}

int ge_git_note_read(ge_buf *out, ge_git *g, const char *commit)
{
	git_oid oid, blob;
	char hex[GE_OID_HEX];
	if (git_oid_fromstr(&oid, commit) < 0)
		return ge_error_set(GE_EUSAGE, "bad object id '%s'", commit);
	/* The blob found once, read once (git_note_read would find it again). */
	if (!note_blob_id(&blob, g, &oid))
		return ge_error_set(GE_ENOTFOUND, "no goescape note on %.12s", commit);
	git_oid_tostr(hex, sizeof(hex), &blob);
	return ge_git_note_blob_read(out, g, hex, commit);
}

/*
 * One attempt: a notes commit on top of the ref's current tip, and the ref
 * moved to it only if it still points at that tip (created only if it
 * still does not exist).  git_note_create() moves the ref by force, so two
 * writers at once lose one note; this gives GIT_EMODIFIED / GIT_ELOCKED
 * instead, and the caller tries again on the new tip.
 */
static int note_write_once(ge_git *g, const git_signature *author,
			   const git_signature *committer, const git_oid *oid, const char *text)
{
	git_reference *ref = NULL;
	git_commit *parent = NULL;
	git_oid tip, notes_commit, notes_blob;
	int err, have_tip;
	err = git_reference_name_to_id(&tip, g->repo, GE_NOTES_REF);
	if (err < 0 && err != GIT_ENOTFOUND)
		return err;
	have_tip = err == 0;
	if (have_tip && (err = git_commit_lookup(&parent, g->repo, &tip)) < 0)
		return err;
	/*
	 * No tip: the zero id as the expected old value, which libgit2
	 * compares under the ref's lock (GIT_EMODIFIED when the ref exists by
	 * then).  git_reference_create(force=0) looks for the ref before it
	 * takes the lock, so two first writers could both create it and one
	 * note was lost.
	 */
	if (!have_tip)
		git_oid_fromstr(&tip, "0000000000000000000000000000000000000000");
	err = git_note_commit_create(&notes_commit, &notes_blob, g->repo, parent, author, committer,
				     oid, text, 1);
	if (err == 0)
		err = git_reference_create_matching(&ref, g->repo, GE_NOTES_REF, &notes_commit, 1,
						    &tip, "goescape: note");
	git_reference_free(ref);
	git_commit_free(parent);
	return err;
}

/*
 * The identity git itself would use: GIT_<WHO>_NAME / GIT_<WHO>_EMAIL, then
 * user.name / user.email, each part on its own (libgit2's
 * git_signature_default() reads only the configuration).  CI machines often
 * have neither: a fixed identity then, so that storing a note never fails.
 */
static int signature(git_signature **out, ge_git *g, const char *who)
{
	char ename[32], eemail[32];
	const char *name, *email, *v = NULL;
	git_config *cfg = NULL;
	int err;
	snprintf(ename, sizeof(ename), "GIT_%s_NAME", who);
	snprintf(eemail, sizeof(eemail), "GIT_%s_EMAIL", who);
	name = getenv(ename);
	email = getenv(eemail);
	if ((!name || !*name || !email || !*email) &&
	    git_repository_config_snapshot(&cfg, g->repo) == 0) {
		if ((!name || !*name) && git_config_get_string(&v, cfg, "user.name") == 0)
			name = v;
		if ((!email || !*email) && git_config_get_string(&v, cfg, "user.email") == 0)
			email = v;
	}
	err = git_signature_now(out, name && *name ? name : "goescape",
				email && *email ? email : "goescape@localhost");
	git_config_free(cfg);
	return err;
}

/* How long a note write waits for a lock that is younger than the run. */
#define NOTE_LOCK_WAIT_MS 3000

/* s as a single-quoted shell word, for a command a person may copy. */
static int put_shell_word(ge_buf *b, const char *s)
{
	int rc = ge_buf_putc(b, '\'');
	for (; rc == 0 && *s; s++)
		rc = *s == '\'' ? ge_buf_puts(b, "'\\''") : ge_buf_putc(b, *s);
	return rc ? rc : ge_buf_putc(b, '\'');
}

/*
 * The notes ref's lock file is there (GIT_ELOCKED): GE_ELOCKED with a
 * message for a person when it is older than this run, 0 when it is young
 * (or gone) and worth waiting for.
 *
 * A lock older than the run was most likely left by a git or goescape that
 * was killed while it wrote (libgit2 lock files, like git's, carry no pid
 * to check).  goescape does not remove it itself, as git does not: the
 * lock may still belong to a live process that is slow (a network
 * filesystem, a stopped job), and breaking it would let two writers
 * overwrite each other's ref.  Saying so at once, with the command that
 * removes it, costs the user one line instead of a silent wait on every
 * run; a note is only a cache, so the run goes on without storing it.
 */
static int stale_lock(const char *lock)
{
	struct stat st;
	char cwd[4096];
	const char *shown = lock, *rel;
	ge_buf cmd = GE_BUF_INIT;
	int rc;
	if (stat(lock, &st) < 0)
		return 0;
	if (st.st_mtim.tv_sec > run_start.tv_sec ||
	    (st.st_mtim.tv_sec == run_start.tv_sec && st.st_mtim.tv_nsec >= run_start.tv_nsec))
		return 0;
	if (getcwd(cwd, sizeof(cwd)) && (rel = ge_path_within(lock, cwd)))
		shown = rel;
	if (put_shell_word(&cmd, shown) < 0)
		return ge_error_set(GE_ENOMEM, "out of memory");
	rc = ge_error_set(GE_ELOCKED,
	                  "'%s' is older than this run (a git or goescape process was killed?); "
	                  "if no git process is running, remove it: rm %s",
	                  shown, cmd.ptr);
	ge_buf_release(&cmd);
	return rc;
}

int ge_git_note_write(ge_git *g, const char *commit, const char *text)
{
	git_signature *author = NULL, *committer = NULL;
	git_oid oid;
	ge_buf lock = GE_BUF_INIT;
	struct timespec t0, now;
	long waited_ms = 0;
	int err = 0, attempt, rc = 0;
	if (git_oid_fromstr(&oid, commit) < 0)
		return ge_error_set(GE_EUSAGE, "bad object id '%s'", commit);
	if (ge_buf_printf(&lock, "%s/%s.lock", g->commondir, GE_NOTES_REF) < 0)
		return ge_error_set(GE_ENOMEM, "out of memory");
	if (signature(&author, g, "AUTHOR") < 0 || signature(&committer, g, "COMMITTER") < 0) {
		git_signature_free(author);
		ge_buf_release(&lock);
		return lg_error(GE_ERROR, "cannot make a signature for the note");
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (attempt = 0;; attempt++) {
		err = note_write_once(g, author, committer, &oid, text);
		if (err != GIT_ELOCKED && err != GIT_EMODIFIED && err != GIT_EEXISTS)
			break;
		if (err == GIT_ELOCKED && (rc = stale_lock(lock.ptr)) < 0)
			goto done;
		clock_gettime(CLOCK_MONOTONIC, &now);
		waited_ms =
		    (long)(now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000;
		if (waited_ms >= NOTE_LOCK_WAIT_MS)
			break;
		/* Another process holds the lock or moved the ref: wait a little, redo on top. */
		{
			long ms = 5 + attempt * 7 > 100 ? 100 : 5 + attempt * 7;
			struct timespec ts = {0, ms * 1000000L};
			nanosleep(&ts, NULL);
		}
	}
	if (err == GIT_ELOCKED)
		rc = ge_error_set(
		    GE_ELOCKED,
		    "'%s' has been held by another process for over %ld ms; the note on "
		    "%.12s was not stored",
		    lock.ptr, waited_ms, commit);
	else if (err == GIT_EMODIFIED || err == GIT_EEXISTS)
		rc = ge_error_set(GE_ECONFLICT,
		                  "the goescape notes kept moving for %ld ms; the "
		                  "note on %.12s was not stored",
		                  waited_ms, commit);
	else if (err < 0)
		rc = lg_error(GE_ERROR, "cannot write the goescape note");
done:
	git_signature_free(author);
	git_signature_free(committer);
	ge_buf_release(&lock);
	return rc;
}

/* ---- diffs ------------------------------------------------------------- */

typedef struct diff_ctx {
	ge_git_diff *out;
} diff_ctx;

static int file_cb(const git_diff_delta *delta, float progress, void *payload)
{
	diff_ctx *c = payload;
	ge_git_delta *d, *arr;
	(void)progress;
	arr = realloc(c->out->d, (c->out->n + 1) * sizeof(*arr));
	if (!arr)
		return -1;
	c->out->d = arr;
	d = &arr[c->out->n++];
	memset(d, 0, sizeof(*d));
	switch (delta->status) {
	case GIT_DELTA_ADDED:
	case GIT_DELTA_UNTRACKED:
		d->kind = GE_DELTA_ADDED;
		break;
	case GIT_DELTA_DELETED:
		d->kind = GE_DELTA_DELETED;
		break;
	case GIT_DELTA_RENAMED:
		d->kind = GE_DELTA_RENAMED;
		break;
	default:
		d->kind = GE_DELTA_MODIFIED;
	}
	if (d->kind != GE_DELTA_ADDED) {
		if (!(d->old_path = ge_strdup(delta->old_file.path)))
			return -1;
		git_oid_tostr(d->old_blob, GE_OID_HEX, &delta->old_file.id);
	}
	if (d->kind != GE_DELTA_DELETED && !(d->new_path = ge_strdup(delta->new_file.path)))
		return -1;
	return 0;
}

static int hunk_cb(const git_diff_delta *delta, const git_diff_hunk *h, void *payload)
{
	diff_ctx *c = payload;
	ge_git_delta *d = &c->out->d[c->out->n - 1];
	ge_git_hunk *hs;
	(void)delta;
	hs = realloc(d->hunks, (d->nhunks + 1) * sizeof(*hs));
	if (!hs)
		return -1;
	d->hunks = hs;
	hs[d->nhunks].old_start = (uint32_t)h->old_start;
	hs[d->nhunks].old_lines = (uint32_t)h->old_lines;
	hs[d->nhunks].new_start = (uint32_t)h->new_start;
	hs[d->nhunks].new_lines = (uint32_t)h->new_lines;
	d->nhunks++;
	return 0;
}

static int commit_tree(git_tree **out, ge_git *g, const char *commit)
{
	git_oid oid;
	git_commit *c = NULL;
	int err;
	if (git_oid_fromstr(&oid, commit) < 0 || git_commit_lookup(&c, g->repo, &oid) < 0)
		return ge_error_set(GE_ENOTFOUND, "unknown commit '%s'", commit);
	err = git_commit_tree(out, c);
	git_commit_free(c);
	return err < 0 ? lg_error(GE_ERROR, "cannot read a commit's tree") : 0;
}

int ge_git_diff_load(ge_git_diff *out, ge_git *g, const char *base, const char *head)
{
	git_diff_options o = GIT_DIFF_OPTIONS_INIT;
	git_diff_find_options fo = GIT_DIFF_FIND_OPTIONS_INIT;
	git_tree *bt = NULL, *ht = NULL;
	git_diff *diff = NULL;
	diff_ctx c = {out};
	int rc;
	memset(out, 0, sizeof(*out));
	o.context_lines = 0;
	o.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS |
		  GIT_DIFF_SHOW_UNTRACKED_CONTENT | GIT_DIFF_IGNORE_SUBMODULES;
	if ((rc = commit_tree(&bt, g, base)) < 0)
		goto done;
	if (head) {
		if ((rc = commit_tree(&ht, g, head)) < 0)
			goto done;
		rc = git_diff_tree_to_tree(&diff, g->repo, bt, ht, &o);
	} else {
		rc = git_diff_tree_to_workdir_with_index(&diff, g->repo, bt, &o);
	}
	if (rc < 0) {
		rc = lg_error(GE_ERROR, "cannot diff against the base");
		goto done;
	}
	fo.flags = GIT_DIFF_FIND_RENAMES | GIT_DIFF_FIND_FOR_UNTRACKED;
	if (git_diff_find_similar(diff, &fo) < 0) {
		rc = lg_error(GE_ERROR, "cannot find renames");
		goto done;
	}
	if (git_diff_foreach(diff, file_cb, NULL, hunk_cb, NULL, &c) < 0) {
		rc = ge_error_set(GE_ENOMEM, "out of memory");
		goto done;
	}
	rc = 0;
done:
	git_diff_free(diff);
	git_tree_free(bt);
	git_tree_free(ht);
	if (rc < 0)
		ge_git_diff_release(out);
	return rc;
}

void ge_git_diff_release(ge_git_diff *d)
{
	size_t i;
	if (!d)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->d[i].old_path);
		free(d->d[i].new_path);
		free(d->d[i].hunks);
	}
	free(d->d);
	d->d = NULL;
	d->n = 0;
}

uint32_t ge_git_map_line(const ge_git_delta *d, uint32_t old_line)
{
	/*
	 * Hunks have no context.  old [os, os+ol) became new [ns, ns+nl); an
	 * empty side sits after line os (ns).  Lines after a hunk move by the
	 * difference of the first unchanged line on each side.
	 */
	int64_t shift = 0;
	size_t i;
	for (i = 0; i < d->nhunks; i++) {
		const ge_git_hunk *h = &d->hunks[i];
		int64_t old_end = h->old_lines ? (int64_t)h->old_start + h->old_lines
					       : (int64_t)h->old_start + 1;
		int64_t new_end = h->new_lines ? (int64_t)h->new_start + h->new_lines
					       : (int64_t)h->new_start + 1;
		if (h->old_lines && old_line >= h->old_start && old_line < old_end)
			return 0;
		if (old_line < old_end)
			break;
		shift = new_end - old_end;
	}
	return (uint32_t)((int64_t)old_line + shift);
}

int ge_git_blob_read(ge_buf *out, ge_git *g, const char *blob)
{
	git_oid oid;
	git_blob *b = NULL;
	int rc;
	if (git_oid_fromstr(&oid, blob) < 0 || git_blob_lookup(&b, g->repo, &oid) < 0)
		return ge_error_set(GE_ENOTFOUND, "missing blob %s", blob);
	rc = ge_buf_put(out, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b));
	git_blob_free(b);
	return rc;
}

int ge_git_tree_file(ge_buf *out, ge_git *g, const char *commit, const char *path)
{
	git_tree *t = NULL;
	git_tree_entry *e = NULL;
	char hex[GE_OID_HEX];
	int rc;
	if ((rc = commit_tree(&t, g, commit)) < 0)
		return rc;
	if (git_tree_entry_bypath(&e, t, path) < 0) {
		git_tree_free(t);
		return ge_error_set(GE_ENOTFOUND, "'%s' is not in %.12s", path, commit);
	}
	git_oid_tostr(hex, sizeof(hex), git_tree_entry_id(e));
	rc = ge_git_blob_read(out, g, hex);
	git_tree_entry_free(e);
	git_tree_free(t);
	return rc;
}

int ge_git_checkout_to(ge_git *g, const char *commit, const char *dir)
{
	git_checkout_options o = GIT_CHECKOUT_OPTIONS_INIT;
	git_oid oid;
	git_commit *c = NULL;
	int err;
	if (git_oid_fromstr(&oid, commit) < 0 || git_commit_lookup(&c, g->repo, &oid) < 0)
		return ge_error_set(GE_ENOTFOUND, "unknown commit '%s'", commit);
	o.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DONT_UPDATE_INDEX;
	o.target_directory = dir;
	o.disable_filters = 0;
	err = git_checkout_tree(g->repo, (git_object *)c, &o);
	git_commit_free(c);
	return err < 0 ? lg_error(GE_ERROR, "cannot check out the base revision") : 0;
}

char *ge_git_origin_url(ge_git *g)
{
	git_remote *r = NULL;
	char *url = NULL;
	if (git_remote_lookup(&r, g->repo, "origin") == 0) {
		if (git_remote_url(r))
			url = ge_strdup(git_remote_url(r));
		git_remote_free(r);
	}
	return url;
}

/* Commit time of a commit id; 0 when unknown. */
static int64_t commit_time(ge_git *g, const git_oid *oid)
{
	git_commit *c = NULL;
	int64_t t = 0;
	if (git_commit_lookup(&c, g->repo, oid) == 0) {
		t = (int64_t)git_commit_time(c);
		git_commit_free(c);
	}
	return t;
}

int ge_git_remote_base(char out[GE_OID_HEX], ge_git *g, const char *remote, const char *commit)
{
	git_oid head, other, base, best;
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	ge_buf glob = GE_BUF_INIT;
	int64_t best_time = -1;
	int found = 0;
	if (git_oid_fromstr(&head, commit) < 0)
		return ge_error_set(GE_EUSAGE, "bad object id '%s'", commit);
	/* The remote's default branch first. */
	if (ge_buf_printf(&glob, "refs/remotes/%s/HEAD", remote) < 0)
		return GE_ENOMEM;
	if (git_reference_name_to_id(&other, g->repo, glob.ptr) == 0 &&
	    git_merge_base(&base, g->repo, &head, &other) == 0) {
		git_oid_tostr(out, GE_OID_HEX, &base);
		ge_buf_release(&glob);
		return 0;
	}
	/* Else the newest merge-base with anything already on the remote. */
	ge_buf_clear(&glob);
	if (ge_buf_printf(&glob, "refs/remotes/%s/*", remote) < 0)
		return GE_ENOMEM;
	if (git_reference_iterator_glob_new(&it, g->repo, glob.ptr) == 0) {
		while (git_reference_next(&ref, it) == 0) {
			git_object *peeled = NULL;
			if (git_reference_peel(&peeled, ref, GIT_OBJECT_COMMIT) == 0) {
				if (git_merge_base(&base, g->repo, &head, git_object_id(peeled)) == 0) {
					/*
					 * All these merge-bases lie on the pushed commit's
					 * history: the newest is the one descending from the
					 * others.  Commit time only breaks ties between
					 * unrelated ones (it can lie: equal or skewed clocks).
					 */
					int64_t t = commit_time(g, &base);
					int better = !found;
					if (found && !git_oid_equal(&base, &best)) {
						if (git_graph_descendant_of(g->repo, &base, &best) == 1)
							better = 1;
						else if (git_graph_descendant_of(g->repo, &best, &base) != 1 &&
							 t > best_time)
							better = 1;
					}
					if (better) {
						best_time = t;
						best = base;
						found = 1;
					}
				}
				git_object_free(peeled);
			}
			git_reference_free(ref);
		}
		git_reference_iterator_free(it);
	}
	ge_buf_release(&glob);
	if (!found)
		return ge_error_set(GE_ENOTFOUND, "nothing of %.12s is on remote '%s' yet", commit,
				    remote);
	git_oid_tostr(out, GE_OID_HEX, &best);
	return 0;
}

int ge_git_config_path(char **out, ge_git *g, const char *key)
{
	git_config *cfg = NULL, *snap = NULL;
	git_buf b = GIT_BUF_INIT;
	int rc = GE_ENOTFOUND;
	*out = NULL;
	if (git_repository_config(&cfg, g->repo) < 0)
		return lg_error(GE_ERROR, "cannot read the git configuration");
	if (git_config_snapshot(&snap, cfg) == 0 && git_config_get_path(&b, snap, key) == 0) {
		*out = ge_strdup(b.ptr);
		rc = *out ? 0 : ge_error_set(GE_ENOMEM, "out of memory");
	}
	git_buf_dispose(&b);
	git_config_free(snap);
	git_config_free(cfg);
	return rc;
}

int ge_git_object_is_commit(char out[GE_OID_HEX], ge_git *g, const char *oid_hex)
{
	git_oid oid;
	git_object *obj = NULL, *c = NULL;
	int ok = 0;
	if (git_oid_fromstr(&oid, oid_hex) < 0 || git_object_lookup(&obj, g->repo, &oid, GIT_OBJECT_ANY) < 0)
		return 0;
	if (git_object_peel(&c, obj, GIT_OBJECT_COMMIT) == 0) {
		git_oid_tostr(out, GE_OID_HEX, git_object_id(c));
		ok = 1;
		git_object_free(c);
	}
	git_object_free(obj);
	return ok;
}

/* ---- the state a build saw ------------------------------------------------ */

static uint64_t mix_stat(uint64_t h, const struct stat *st)
{
	uint64_t f[5];
	f[0] = (uint64_t)st->st_mtim.tv_sec;
	f[1] = (uint64_t)st->st_mtim.tv_nsec;
	f[2] = (uint64_t)st->st_size;
	f[3] = (uint64_t)st->st_ino;
	f[4] = (uint64_t)st->st_ctim.tv_nsec;
	return ge_hash_bytes(h, (const char *)f, sizeof(f));
}

/*
 * Mix one status path into h: its path, its status and its file's stat.
 * go reads a symbolic link's target, which may be outside the work tree
 * (git sees no change when it is edited): a link's target's stat data is
 * mixed in too.
 */
static uint64_t mix_path(uint64_t h, const char *workdir, const char *path, unsigned status)
{
	char full[4096];
	struct stat st;
	h = ge_hash_bytes(h, path, strlen(path) + 1);
	h = ge_hash_bytes(h, (const char *)&status, sizeof(status));
	if (workdir &&
	    (size_t)snprintf(full, sizeof(full), "%s/%s", workdir, path) < sizeof(full) &&
	    lstat(full, &st) == 0) {
		h = mix_stat(h, &st);
		if (S_ISLNK(st.st_mode) && stat(full, &st) == 0)
			h = mix_stat(h, &st);
	}
	return h;
}

/*
 * Is the index's tree the tree tree_hex, known without reading a tree?  The
 * index's cache of tree ids (its TREE extension, which git commit, checkout
 * and reset leave complete) answers when it is valid for the root;
 * git_index_write_tree_to returns that id without writing anything.  When
 * it is not valid it would compute the trees and write them: it is handed
 * a repository over an empty object database, so that such a write fails
 * (and so does this: 0, the caller diffs HEAD against the index).
 */
static int index_is_tree(ge_git *g, const char *tree_hex)
{
	git_index *idx = NULL;
	git_odb *odb = NULL;
	git_repository *none = NULL;
	git_oid oid;
	char hex[GE_OID_HEX];
	int same = 0;
	/* The index as it is on disk now: the repository keeps the one an
	 * earlier look loaded (the state before a build), whose cached tree
	 * may be HEAD's still when a change was staged since. */
	if (!tree_hex[0] || git_repository_index(&idx, g->repo) < 0 || git_index_read(idx, 0) < 0 ||
	    git_odb_new(&odb) < 0 || git_repository_wrap_odb(&none, odb) < 0)
		goto done;
	if (git_index_write_tree_to(&oid, idx, none) == 0) {
		git_oid_tostr(hex, sizeof(hex), &oid);
		same = strcmp(hex, tree_hex) == 0;
	}
done:
	git_error_clear();
	git_repository_free(none);
	git_odb_free(odb);
	git_index_free(idx);
	return same;
}

/*
 * Index entries the status walk does not look at: assume-unchanged
 * (CE_VALID) and skip-worktree ones, whose files git does not compare
 * with the index, so an edit to them is invisible to it.  Any such entry
 * the Go build reads makes the tree dirty (a build of it may not be
 * HEAD's), its path and stat data mixed into *h.  So are the path and
 * stat data (the link's and its target's) of every symbolic link the Go
 * build reads, which does not make the tree dirty.  One pass over the
 * index's entries, no file read.
 */
static int hidden_entries(int *dirty, uint64_t *h, ge_git *g)
{
	git_index *idx = NULL;
	size_t i, n;
	if (git_repository_index(&idx, g->repo) < 0 || git_index_read(idx, 0) < 0) {
		git_index_free(idx);
		return lg_error(GE_ERROR, "cannot read the index");
	}
	n = git_index_entrycount(idx);
	for (i = 0; i < n; i++) {
		const git_index_entry *e = git_index_get_byindex(idx, i);
		if (!e)
			continue;
		/* A committed link the build reads: its target is not HEAD's to
		 * tell (clean or not), its stat data is part of the state. */
		if (e->mode == GIT_FILEMODE_LINK && ge_git_go_relevant(e->path))
			*h = mix_path(*h, g->workdir, e->path, 0x20000u);
		if (!((e->flags & GIT_INDEX_ENTRY_VALID) ||
		      (e->flags_extended & GIT_INDEX_ENTRY_SKIP_WORKTREE)))
			continue;
		if (ge_git_go_relevant(e->path)) {
			*dirty = 1;
			*h = mix_path(*h, g->workdir, e->path, 0x10000u | e->flags_extended);
		}
	}
	git_index_free(idx);
	return 0;
}

/*
 * The files the Go build reads under an ignored directory (rel, relative
 * to the work tree, ending in '/'), found by reading the directories: git
 * would match every file against the ignore rules only to say "ignored".
 * Symbolic links are not followed, nested repositories (.git) not entered.
 * Each file found makes the tree dirty, its path and stat data mixed into *h.
 */
static void ignored_dir_scan(int *dirty, uint64_t *h, const char *workdir, char *rel, size_t len,
                             size_t cap, int depth)
{
	char full[4096];
	DIR *dir;
	struct dirent *de;
	if (depth > 64 ||
	    (size_t)snprintf(full, sizeof(full), "%s/%s", workdir, rel) >= sizeof(full) ||
	    !(dir = opendir(full)))
		return;
	while ((de = readdir(dir)) != NULL) {
		size_t nl = strlen(de->d_name);
		int isdir = 0, isreg = 0;
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, ".git") || len + nl + 2 > cap)
			continue;
		memcpy(rel + len, de->d_name, nl + 1);
		if (de->d_type == DT_DIR)
			isdir = 1;
		else if (de->d_type == DT_REG || de->d_type == DT_LNK)
			isreg = 1; /* a link to a .go file is read by go: counted, not followed */
		else if (de->d_type == DT_UNKNOWN &&
		         (size_t)snprintf(full, sizeof(full), "%s/%s", workdir, rel) <
		             sizeof(full) &&
		         lstat(full, &st) == 0) {
			isdir = S_ISDIR(st.st_mode);
			isreg = S_ISREG(st.st_mode) || S_ISLNK(st.st_mode);
		}
		if (isdir) {
			rel[len + nl] = '/';
			rel[len + nl + 1] = '\0';
			ignored_dir_scan(dirty, h, workdir, rel, len + nl + 1, cap, depth + 1);
		} else if (isreg && ge_git_go_relevant(rel)) {
			*dirty = 1;
			*h = mix_path(*h, workdir, rel, (unsigned)GIT_STATUS_IGNORED);
		}
	}
	closedir(dir);
	rel[len] = '\0';
}

int ge_git_state_read(ge_git_state *out, ge_git *g)
{
	git_status_options so = GIT_STATUS_OPTIONS_INIT;
	git_status_list *list = NULL;
	git_commit *c = NULL;
	git_oid oid;
	size_t i, n;
	uint64_t h = GE_HASH_SEED;
	char rel[4096];
	int k0;
	memset(out, 0, sizeof(*out));
	if (git_reference_name_to_id(&oid, g->repo, "HEAD") == 0) {
		git_oid_tostr(out->head, GE_OID_HEX, &oid);
		if (git_commit_lookup(&c, g->repo, &oid) == 0) {
			git_oid_tostr(out->tree, GE_OID_HEX, git_commit_tree_id(c));
			git_commit_free(c);
		}
	}
	/* HEAD's tree against the index reads every tree of HEAD: skipped
	 * when the index's cached tree id already says they are the same. */
	so.show = index_is_tree(g, out->tree) ? GIT_STATUS_SHOW_WORKDIR_ONLY
	                                      : GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	/* Ignored files too; an ignored directory is one entry, read below. */
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
	           GIT_STATUS_OPT_INCLUDE_IGNORED | GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if ((k0 = hidden_entries(&out->dirty, &h, g)) < 0)
		return k0;
	if (git_status_list_new(&list, g->repo, &so) < 0)
		return lg_error(GE_ERROR, "cannot read the working tree status");
	n = git_status_list_entrycount(list);
	for (i = 0; i < n; i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const git_diff_delta *ds[2];
		int k;
		if (e->status == GIT_STATUS_CURRENT)
			continue;
		if (e->status == GIT_STATUS_IGNORED) {
			/* go compiles an ignored file all the same */
			const char *p =
			    e->index_to_workdir ? e->index_to_workdir->new_file.path : NULL;
			size_t pl = p ? strlen(p) : 0;
			if (pl && p[pl - 1] == '/' && pl < sizeof(rel)) {
				memcpy(rel, p, pl + 1);
				ignored_dir_scan(&out->dirty, &h, g->workdir, rel, pl, sizeof(rel),
				                 0);
			} else if (pl && ge_git_go_relevant(p)) {
				out->dirty = 1;
				h = mix_path(h, g->workdir, p, (unsigned)e->status);
			}
			continue;
		}
		if (e->status == GIT_STATUS_WT_NEW && e->index_to_workdir &&
		    e->index_to_workdir->new_file.path) {
			/* An untracked directory listed whole is a repository of its
			 * own (libgit2 does not recurse into one): go compiles its
			 * files all the same when it holds no go.mod. */
			const char *p = e->index_to_workdir->new_file.path;
			size_t pl = strlen(p);
			if (pl && p[pl - 1] == '/' && pl < sizeof(rel)) {
				memcpy(rel, p, pl + 1);
				ignored_dir_scan(&out->dirty, &h, g->workdir, rel, pl, sizeof(rel),
				                 0);
				continue;
			}
		}
		ds[0] = e->head_to_index;
		ds[1] = e->index_to_workdir;
		for (k = 0; k < 2; k++) {
			const git_diff_delta *d = ds[k];
			if (!d)
				continue;
			if (d->old_file.path && ge_git_go_relevant(d->old_file.path)) {
				out->dirty = 1;
				h = mix_path(h, g->workdir, d->old_file.path, (unsigned)e->status);
			}
			if (d->new_file.path && ge_git_go_relevant(d->new_file.path) &&
			    (!d->old_file.path || strcmp(d->old_file.path, d->new_file.path))) {
				out->dirty = 1;
				h = mix_path(h, g->workdir, d->new_file.path, (unsigned)e->status);
			}
		}
	}
	git_status_list_free(list);
	out->hash = h;
	return 0;
}

int ge_git_state_same(const ge_git_state *a, const ge_git_state *b)
{
	return strcmp(a->head, b->head) == 0 && strcmp(a->tree, b->tree) == 0 &&
	       a->dirty == b->dirty && a->hash == b->hash;
}
