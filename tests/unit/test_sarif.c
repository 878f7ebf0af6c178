/*
 * lib/sarif: GitHub's line hash, repository URIs, and logs rendered from
 * synthetic reports: rules, levels, baselineState, columns in UTF-16 code
 * units, code flows from a real -m=2 explanation, and the result limits.
 *
 * With GOESCAPE_SARIF_OUT set, every log rendered here is also written
 * there as NAME.sarif, for the validator (tests/integration/t2099).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <zlib.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "sarif.h"

/* ---- helpers -------------------------------------------------------------- */

static void save(const char *name, const ge_buf *b)
{
	const char *dir = getenv("GOESCAPE_SARIF_OUT");
	char path[PATH_MAX];
	FILE *f;
	if (!dir || !*dir)
		return;
	snprintf(path, sizeof(path), "%s/%s.sarif", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(b->ptr, 1, b->len, f), b->len);
	assert_int_equal(fclose(f), 0);
}

/* Render, keep a copy for the validator, and parse back. */
static cJSON *render(const char *name, const ge_report *r, const ge_sarif_opts *o)
{
	ge_buf b = GE_BUF_INIT;
	cJSON *j;
	assert_int_equal(ge_sarif_render(&b, r, o), 0);
	save(name, &b);
	j = cJSON_Parse(b.ptr);
	if (!j)
		fail_msg("not JSON: %s", b.ptr);
	ge_buf_release(&b);
	return j;
}

static cJSON *at(cJSON *j, const char *path)
{
	/* "runs.0.results.1.ruleId": object keys and array indexes. */
	char buf[256], *tok, *save_ptr = NULL;
	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save_ptr); tok && j; tok = strtok_r(NULL, ".", &save_ptr))
		j = (*tok >= '0' && *tok <= '9') ? cJSON_GetArrayItem(j, atoi(tok))
		                                 : cJSON_GetObjectItemCaseSensitive(j, tok);
	return j;
}

static const char *str_at(cJSON *j, const char *path)
{
	cJSON *v = at(j, path);
	if (!cJSON_IsString(v))
		fail_msg("no string at %s", path);
	return v->valuestring;
}

static int int_at(cJSON *j, const char *path)
{
	cJSON *v = at(j, path);
	if (!cJSON_IsNumber(v))
		fail_msg("no number at %s", path);
	return v->valueint;
}

static ge_diag mk(const char *file, uint32_t line, uint32_t col, ge_kind k, ge_status st,
                  const char *subject, const char *message)
{
	ge_diag d;
	memset(&d, 0, sizeof(d));
	d.package = "example.com/m/p";
	d.file = file;
	d.line = line;
	d.column = col;
	d.kind = k;
	d.status = st;
	d.subject = subject;
	d.function = "F";
	d.message = message;
	return d;
}

static void add_explain(ge_report *r, ge_diag *d, const char *text)
{
	char **p = realloc(r->explain, (r->nexplain + 1) * sizeof(*p));
	assert_non_null(p);
	r->explain = p;
	r->explain_alloc = r->nexplain + 1;
	assert_non_null(r->explain[r->nexplain] = strdup(text));
	d->explain = (uint32_t)++r->nexplain;
}

static void write_file(const char *dir, const char *rel, const char *text)
{
	char path[PATH_MAX];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* ---- GitHub's line hash --------------------------------------------------- */

static void check_hashes(const char *text, size_t len, const char *want)
{
	ge_buf b = GE_BUF_INIT;
	assert_int_equal(ge_sarif_line_hashes(&b, text, len), 0);
	assert_string_equal(b.ptr, want);
	ge_buf_release(&b);
}

#define CHECK_HASHES(lit, want) check_hashes(lit, sizeof(lit) - 1, want)

static void line_hash_vectors(void **state)
{
	/*
	 * Expected values from github/codeql-action src/fingerprints.test.ts,
	 * the upload action's own test of the hash it puts in
	 * primaryLocationLineHash.
	 */
	static const char ended[] = "e9496ae3ebfced30:1\nfb7c023a8b9ccb3f:1\nce8ba1a563dcdaca:1\n"
	                            "e20e36e16fcb0cc8:1\nb3edc88f2938467e:1\nc8e28b0b4002a3a0:1\n"
	                            "c129715d7a2bc9a3:1\n";
	char lorem[512] = "";
	int i;
	(void)state;
	CHECK_HASHES("", "c129715d7a2bc9a3:1\n");
	CHECK_HASHES(
	    " a\nb\n  \t\tc\n d",
	    "271789c17abda88f:1\n54703d4cd895b18:1\n180aee12dab6264:1\na23a3dc5e078b07b:1\n");
	CHECK_HASHES(" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
	             "8b7cf3e952e7aeb2:1\nb1ae1287ec4718d9:1\nbff680108adb0fcc:1\n"
	             "c6805c5e1288b612:1\nb86d3392aea1be30:1\ne6ceba753e1a442:1\n");
	/* CR, CRLF and LF all end a line, and give the same hashes. */
	CHECK_HASHES(" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n", ended);
	CHECK_HASHES(" hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r", ended);
	CHECK_HASHES(" hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n", ended);
	CHECK_HASHES(" hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n", ended);
	/* Equal hashes are told apart by their occurrence. */
	for (i = 0; i < 10; i++)
		strcat(lorem, "Lorem ipsum dolor sit amet.\n");
	check_hashes(lorem, strlen(lorem),
	             "a7f2ff13bc495cf2:1\na7f2ff13bc495cf2:2\na7f2ff13bc495cf2:3\n"
	             "a7f2ff13bc495cf2:4\na7f2ff13bc495cf2:5\na7f2ff13bc495cf2:6\n"
	             "a7f2ff1481e87703:1\na9cf91f7bbf1862b:1\n55ec222b86bcae53:1\n"
	             "cc97dc7b1d7d8f7b:1\nc129715d7a2bc9a3:1\n");
	CHECK_HASHES("x = 2\nx = 1\nprint(x)\nx = 3\nprint(x)\nx = 4\nprint(x)\n",
	             "e54938cc54b302f1:1\nbb609acbe9138d60:1\n1131fd5871777f34:1\n"
	             "5c482a0f8b35ea28:1\n54517377da7028d2:1\n2c644846cb18d53e:1\n"
	             "f1b89f20de0d133:1\nc129715d7a2bc9a3:1\n");
}

static void line_hash_utf16(void **state)
{
	/*
	 * The action hashes UTF-16 code units of node's decoding: a BOM, two-
	 * and three-byte characters, an astral one (two units), and invalid
	 * bytes (U+FFFD each maximal invalid sequence).  Expected values from
	 * node 20 running the action's algorithm over these bytes read with
	 * fs.createReadStream(path, "utf8").
	 */
	(void)state;
	CHECK_HASHES(
	    "\xef\xbb\xbfpackage main\n\tx := \"\xc3\xa9\xe6\x97\xa5\xe6\x9c\xac\" + s "
	    "\xf0\x9f\x98\x80 \n bad \xff\xfe \xe6\x97 z\xc3\n\xed\xa0\x80 \xf4\x90\x80\x80 end",
	    "c59c0e17b7d96068:1\n92c1198cdece2a16:1\n910a53def4dfa6e4:1\n"
	    "9764a46c6790e135:1\n");
}

/* ---- repository URIs ------------------------------------------------------ */

static void check_uri(const char *in, const char *want)
{
	char *got = ge_sarif_repo_uri(in);
	if (!want) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void repo_uris(void **state)
{
	(void)state;
	check_uri("git@github.com:org/repo.git", "https://github.com/org/repo.git");
	check_uri("github.com:org/repo", "https://github.com/org/repo");
	check_uri("ssh://git@github.com:22/org/repo.git", "https://github.com/org/repo.git");
	check_uri("git://example.com/r.git", "https://example.com/r.git");
	check_uri("https://github.com/org/repo.git", "https://github.com/org/repo.git");
	/* Credentials never reach the log. */
	check_uri("https://x-access-token:s3cret@github.com/org/repo",
	          "https://github.com/org/repo");
	check_uri("http://gitea.local:3000/o/r", "http://gitea.local:3000/o/r");
	check_uri("/srv/git/my repo.git", "file:///srv/git/my%20repo.git");
	check_uri("file:///srv/git/r.git", "file:///srv/git/r.git");
	/* No credential in any form reaches the log (lib/url; its table is test_url.c). */
	check_uri("https://u:p@ss@host/x", "https://host/x");
	check_uri("user:tok3n@host:o/r.git", "https://host/o/r.git");
	check_uri("https://host/o/r.git?access_token=abc#f", "https://host/o/r.git");
	check_uri("ssh://me:pw@[::1]:2222/srv/r.git", "https://[::1]/srv/r.git");
	check_uri("git@[::1]:o/r", "https://[::1]/o/r");
	check_uri("https://u:pa/ss@host/x", NULL);
	/* A host that is no host name is left out, not encoded. */
	check_uri("git@bad host:o/r", NULL);
	check_uri("../other", NULL);
	check_uri("repo", NULL);
}

/* ---- rendering ------------------------------------------------------------ */

typedef struct fixture_dir {
	char root[64]; /* the work tree */
	char mod[96];  /* the module, a subdirectory */
} fixture_dir;

/*
 * A module "mod" in a work tree (a directory with .git), with a file whose
 * line 3 has non-ASCII text before the escaping expression.
 */
static void make_tree(fixture_dir *t)
{
	char p[160];
	snprintf(t->root, sizeof(t->root), "/tmp/ge-sarif-XXXXXX");
	assert_non_null(mkdtemp(t->root));
	snprintf(p, sizeof(p), "%s/.git", t->root);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(t->mod, sizeof(t->mod), "%s/mod", t->root);
	assert_int_equal(mkdir(t->mod, 0755), 0);
	snprintf(p, sizeof(p), "%s/p", t->mod);
	assert_int_equal(mkdir(p, 0755), 0);
	write_file(t->mod, "p/u.go",
	           "package p\n\n"
	           "\tx := \"\xe6\x97\xa5\xe6\x9c\xac\xc3\xa9\xf0\x9f\x98\x80\"; y := &T{}\n"
	           "func G() *int { v := 1; return &v }\n");
}

static void remove_tree(const fixture_dir *t)
{
	char p[160];
	snprintf(p, sizeof(p), "%s/p/u.go", t->mod);
	unlink(p);
	snprintf(p, sizeof(p), "%s/p", t->mod);
	rmdir(p);
	rmdir(t->mod);
	snprintf(p, sizeof(p), "%s/.git", t->root);
	rmdir(p);
	rmdir(t->root);
}

static const char line3[] =
    "\tx := \"\xe6\x97\xa5\xe6\x9c\xac\xc3\xa9\xf0\x9f\x98\x80\"; y := &T{}";

static void columns_in_utf16(void **state)
{
	fixture_dir t = {"", ""};
	ge_report *r = NULL;
	ge_sarif_opts o = GE_SARIF_OPTS_INIT;
	/* '&' is byte 28: a tab, `x := "` (6), 日本 (6), é (2), 😀 (4), `"; y := ` (8). */
	ge_diag d =
	    mk("p/u.go", 3, 28, GE_KIND_ESCAPES, GE_STATUS_NONE, "&T{}", "&T{} escapes to heap");
	ge_diag stale = mk("p/u.go", 4, 22, GE_KIND_MOVED, GE_STATUS_NONE, "v", "moved to heap: v");
	cJSON *j;
	(void)state;
	make_tree(&t);
	d.line_hash = ge_hash_nospace(line3, sizeof(line3) - 1);
	stale.line_hash = 42; /* the file changed since the compiler saw it */
	assert_int_equal(ge_report_new(&r), 0);
	assert_int_equal(ge_report_add(r, &d), 0);
	assert_int_equal(ge_report_add(r, &stale), 0);
	o.srcroot = t.mod;
	j = render("columns", r, &o);
	/* Characters before '&' in UTF-16: 1 + 6 + 2 + 1 + 2 (a surrogate pair) + 8. */
	assert_string_equal(str_at(j, "runs.0.columnKind"), "utf16CodeUnits");
	assert_int_equal(
	    int_at(j, "runs.0.results.0.locations.0.physicalLocation.region.startColumn"), 21);
	assert_int_equal(
	    int_at(j, "runs.0.results.0.locations.0.physicalLocation.region.endColumn"), 25);
	assert_string_equal(
	    str_at(j, "runs.0.results.0.locations.0.physicalLocation.region.snippet.text"), "&T{}");
	/* The work tree above the module is %SRCROOT%: paths say where the module is. */
	assert_string_equal(
	    str_at(j, "runs.0.results.0.locations.0.physicalLocation.artifactLocation.uri"),
	    "mod/p/u.go");
	assert_string_equal(
	    str_at(j, "runs.0.results.0.locations.0.physicalLocation.artifactLocation.uriBaseId"),
	    "%SRCROOT%");
	assert_non_null(strstr(str_at(j, "runs.0.originalUriBaseIds.%SRCROOT%.uri"), t.root));
	assert_non_null(at(j, "runs.0.results.0.partialFingerprints.primaryLocationLineHash"));
	/* A line that no longer hashes as it did: no line hash, bytes as they are. */
	assert_null(at(j, "runs.0.results.1.partialFingerprints.primaryLocationLineHash"));
	assert_non_null(at(j, "runs.0.results.1.partialFingerprints.goescape/v1"));
	assert_int_equal(
	    int_at(j, "runs.0.results.1.locations.0.physicalLocation.region.startColumn"), 22);
	/* report output: no baseline, heap escapes are warnings. */
	assert_null(at(j, "runs.0.results.0.baselineState"));
	assert_string_equal(str_at(j, "runs.0.results.0.level"), "warning");
	cJSON_Delete(j);
	ge_report_free(r);
	remove_tree(&t);
}

/* The explanation of devirt/devirt.go:47:30 as lib/attrib keeps it. */
static char *fixture_explanation(void)
{
	static const char prefix[] = "devirt/devirt.go:47:30: ";
	ge_buf in = GE_BUF_INIT, ex = GE_BUF_INIT;
	const char *p;
	int in_block = 0;
	assert_int_equal(ge_file_read(&in, "../fixtures/compiler-output/go1.26.8-m2.txt"), 0);
	for (p = in.ptr; *p;) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		if (n > sizeof(prefix) - 1 && memcmp(p, prefix, sizeof(prefix) - 1) == 0) {
			const char *text = p + sizeof(prefix) - 1;
			size_t tl = n - (sizeof(prefix) - 1);
			if (!in_block &&
			    strncmp(text, "Square{...} escapes to heap in Partial:", tl) == 0)
				in_block = 1;
			else if (in_block && text[0] != ' ')
				break;
			if (in_block) {
				assert_int_equal(ge_buf_put(&ex, text, tl), 0);
				assert_int_equal(ge_buf_putc(&ex, '\n'), 0);
			}
		}
		p = eol ? eol + 1 : p + n;
	}
	ge_buf_release(&in);
	assert_true(ex.len > 0);
	return ge_buf_detach(&ex);
}

static void check_output(void **state)
{
	ge_report *r = NULL;
	ge_sarif_opts o = GE_SARIF_OPTS_INIT;
	char root[PATH_MAX], *ex = fixture_explanation();
	ge_diag nw = mk("devirt/devirt.go", 47, 30, GE_KIND_ESCAPES, GE_STATUS_NEW, "Square{...}",
	                "Square{...} escapes to heap");
	ge_diag old = mk("devirt/devirt.go", 47, 23, GE_KIND_MOVED, GE_STATUS_EXISTING, "s",
	                 "moved to heap: s");
	ge_diag leak =
	    mk("devirt/devirt.go", 18, 7, GE_KIND_LEAK, GE_STATUS_NEW, "s", "leaking param: s");
	ge_diag gone = mk("devirt/devirt.go", 9, 2, GE_KIND_ESCAPES, GE_STATUS_FIXED, "x",
	                  "x escapes to heap");
	cJSON *j, *res, *tfl;
	const char *msg;
	(void)state;
	assert_non_null(realpath("../fixtures/parsemod", root));
	assert_int_equal(ge_report_new(&r), 0);
	nw.function = "Partial";
	add_explain(r, &nw, ex);
	free(ex);
	assert_int_equal(ge_report_add(r, &nw), 0);
	assert_int_equal(ge_report_add(r, &old), 0);
	assert_int_equal(ge_report_add(r, &leak), 0);
	assert_int_equal(ge_report_add_fixed(r, &gone), 0);
	o.srcroot = root;
	o.repo_root = root;
	o.check = 1;
	o.exit_code = 1;
	o.repo_uri = "git@github.com:example/parsemod.git";
	o.revision = "0123456789abcdef0123456789abcdef01234567";
	o.branch = "feature";
	o.command_line = "goescape check --base origin/main --format sarif";
	j = render("check", r, &o);

	assert_string_equal(str_at(j, "version"), "2.1.0");
	assert_string_equal(str_at(j, "runs.0.tool.driver.name"), "goescape");
	assert_string_equal(str_at(j, "runs.0.tool.driver.semanticVersion"), GOESCAPE_VERSION);
	assert_string_equal(str_at(j, "runs.0.tool.driver.rules.0.id"), "GE1001");
	assert_string_equal(str_at(j, "runs.0.tool.driver.rules.1.id"), "GE1002");
	assert_string_equal(str_at(j, "runs.0.tool.driver.rules.2.id"), "GE1003");
	assert_non_null(at(j, "runs.0.tool.driver.rules.1.help.markdown"));
	assert_string_equal(str_at(j, "runs.0.tool.driver.rules.2.defaultConfiguration.level"),
	                    "note");
	assert_string_equal(str_at(j, "runs.0.versionControlProvenance.0.repositoryUri"),
	                    "https://github.com/example/parsemod.git");
	assert_string_equal(str_at(j, "runs.0.versionControlProvenance.0.branch"), "feature");
	assert_int_equal(int_at(j, "runs.0.invocations.0.exitCode"), 1);
	assert_true(cJSON_IsTrue(at(j, "runs.0.invocations.0.executionSuccessful")));
	assert_null(at(j, "runs.0.invocations.0.toolExecutionNotifications"));

	res = at(j, "runs.0.results");
	assert_int_equal(cJSON_GetArraySize(res), 4);
	/* The new escape: error, new, rule and index agree, the code flow. */
	assert_string_equal(str_at(res, "0.ruleId"), "GE1002");
	assert_int_equal(int_at(res, "0.ruleIndex"), 1);
	assert_string_equal(str_at(res, "0.level"), "error");
	assert_string_equal(str_at(res, "0.baselineState"), "new");
	assert_string_equal(str_at(res, "0.message.text"),
	                    "Square{...} escapes to heap (in Partial).");
	assert_int_equal(int_at(res, "0.locations.0.physicalLocation.region.startLine"), 47);
	assert_string_equal(str_at(res, "0.locations.0.physicalLocation.region.snippet.text"),
	                    "{Side: n}"); /* a composite literal is at its brace */
	assert_string_equal(str_at(res, "0.codeFlows.0.message.text"),
	                    "Square{...} escapes to heap in Partial");
	tfl = at(res, "0.codeFlows.0.threadFlows.0.locations");
	assert_int_equal(cJSON_GetArraySize(tfl), 8);
	msg = str_at(tfl, "0.location.message.text");
	assert_non_null(strstr(msg, "flow: {storage for wrapped{...}}"));
	assert_non_null(strstr(msg, "from Square{...} (spill)"));
	assert_string_equal(str_at(tfl, "0.location.physicalLocation.artifactLocation.uri"),
	                    "devirt/devirt.go");
	assert_int_equal(int_at(tfl, "5.location.physicalLocation.region.startLine"), 48);
	assert_int_equal(int_at(tfl, "5.location.physicalLocation.region.startColumn"), 15);
	assert_string_equal(str_at(tfl, "7.location.message.text"),
	                    "from s.(wrapped).Shape.Area() (call parameter)");
	/* Existing heap escape and a leak (new or not): notes. */
	assert_string_equal(str_at(res, "1.level"), "note");
	assert_string_equal(str_at(res, "1.baselineState"), "unchanged");
	assert_null(at(res, "1.codeFlows"));
	assert_string_equal(str_at(res, "2.ruleId"), "GE1003");
	assert_string_equal(str_at(res, "2.level"), "note");
	assert_string_equal(str_at(res, "2.baselineState"), "new");
	/* The fixed one: absent, suppressed so GitHub shows no open alert. */
	assert_string_equal(str_at(res, "3.baselineState"), "absent");
	assert_string_equal(str_at(res, "3.suppressions.0.kind"), "external");
	assert_non_null(at(res, "3.partialFingerprints.goescape/v1"));
	cJSON_Delete(j);
	ge_report_free(r);
}

/* s with every occurrence of from replaced by to; s is freed, the result malloc'd. */
static char *replace_all(char *s, const char *from, const char *to)
{
	ge_buf b = GE_BUF_INIT;
	const char *p = s, *hit;
	while ((hit = strstr(p, from))) {
		assert_int_equal(ge_buf_put(&b, p, (size_t)(hit - p)), 0);
		assert_int_equal(ge_buf_puts(&b, to), 0);
		p = hit + strlen(from);
	}
	assert_int_equal(ge_buf_puts(&b, p), 0);
	free(s);
	return ge_buf_detach(&b);
}

/*
 * Where the steps of a flow are: the same explanation with its paths as
 * go prints them in other cases -- absolute outside the module (GOROOT) and
 * relative to another directory (output replayed from the build cache).
 */
static void flow_paths(void **state)
{
	ge_report *r = NULL;
	ge_sarif_opts o = GE_SARIF_OPTS_INIT;
	char root[PATH_MAX], *ex = fixture_explanation();
	ge_diag nw = mk("devirt/devirt.go", 47, 30, GE_KIND_ESCAPES, GE_STATUS_NONE, "Square{...}",
	                "Square{...} escapes to heap");
	cJSON *j, *tfl;
	(void)state;
	ex = replace_all(ex, "at devirt/devirt.go:48:", "at /usr/go/src/x.go:48:");
	ex = replace_all(ex, "at devirt/devirt.go:47:23", "at ../a/devirt/devirt.go:47:23");
	assert_non_null(realpath("../fixtures/parsemod", root));
	assert_int_equal(ge_report_new(&r), 0);
	add_explain(r, &nw, ex);
	free(ex);
	assert_int_equal(ge_report_add(r, &nw), 0);
	o.srcroot = root;
	o.repo_root = root;
	j = render("flow-paths", r, &o);
	tfl = at(j, "runs.0.results.0.codeFlows.0.threadFlows.0.locations");
	assert_int_equal(cJSON_GetArraySize(tfl), 8);
	/* Replayed: found as a file of the diagnostic's own directory. */
	assert_string_equal(str_at(tfl, "1.location.physicalLocation.artifactLocation.uri"),
	                    "devirt/devirt.go");
	assert_int_equal(int_at(tfl, "1.location.physicalLocation.region.startColumn"), 23);
	/* Outside the module: the step keeps its message, loses its place. */
	assert_null(at(tfl, "5.location.physicalLocation"));
	assert_string_equal(str_at(tfl, "5.location.message.text"),
	                    "flow: {heap} ← *s: from s.(wrapped) (dot)");
	cJSON_Delete(j);
	ge_report_free(r);
}

/* A report with more results than the limit: the most important ones stay. */
static ge_report *many(void)
{
	ge_report *r = NULL;
	static const char *const subj[] = {"a", "b", "c", "d", "e", "f", "g", "h"};
	int i;
	assert_int_equal(ge_report_new(&r), 0);
	for (i = 0; i < 8; i++) {
		/* Leaks first in the file, then existing, then the two new ones last. */
		ge_kind k = i < 3 ? GE_KIND_LEAK : GE_KIND_ESCAPES;
		ge_status st = i < 6 ? GE_STATUS_EXISTING : GE_STATUS_NEW;
		ge_diag d = mk("p/x.go", (uint32_t)(i + 1), 2, k, st, subj[i],
		               k == GE_KIND_LEAK ? "leaking param: p" : "x escapes to heap");
		assert_int_equal(ge_report_add(r, &d), 0);
	}
	{
		ge_diag f =
		    mk("p/x.go", 20, 2, GE_KIND_ESCAPES, GE_STATUS_FIXED, "z", "z escapes to heap");
		assert_int_equal(ge_report_add_fixed(r, &f), 0);
	}
	return r;
}

static void limit_results(void **state)
{
	ge_report *r = many();
	ge_sarif_opts o = GE_SARIF_OPTS_INIT;
	cJSON *j, *res;
	const char *note;
	(void)state;
	o.check = 1;
	o.max_results = 3;
	o.exit_code = 1;
	j = render("limit-results", r, &o);
	res = at(j, "runs.0.results");
	assert_int_equal(cJSON_GetArraySize(res), 3);
	/* Both new heap escapes, then the first existing one; in file order. */
	assert_int_equal(int_at(res, "0.locations.0.physicalLocation.region.startLine"), 4);
	assert_int_equal(int_at(res, "1.locations.0.physicalLocation.region.startLine"), 7);
	assert_int_equal(int_at(res, "2.locations.0.physicalLocation.region.startLine"), 8);
	assert_string_equal(str_at(res, "0.baselineState"), "unchanged");
	assert_string_equal(str_at(res, "1.baselineState"), "new");
	assert_string_equal(str_at(res, "2.baselineState"), "new");
	note = str_at(j, "runs.0.invocations.0.toolExecutionNotifications.0.message.text");
	assert_non_null(strstr(note, "found 9 results but wrote only the 3 most important"));
	assert_non_null(strstr(note, "2 of 3 heap escapes"));
	assert_non_null(strstr(note, "3 of 3 leaking params"));
	assert_non_null(strstr(note, "1 of 1 fixed heap escapes"));
	assert_string_equal(
	    str_at(j, "runs.0.invocations.0.toolExecutionNotifications.0.descriptor.id"), "GE9001");
	assert_string_equal(str_at(j, "runs.0.tool.driver.notifications.0.id"), "GE9001");
	cJSON_Delete(j);
	ge_report_free(r);
}

static void limit_bytes(void **state)
{
	ge_report *r = many();
	ge_sarif_opts o = GE_SARIF_OPTS_INIT;
	ge_buf full = GE_BUF_INIT, small = GE_BUF_INIT;
	cJSON *j;
	int n;
	(void)state;
	o.check = 1;
	assert_int_equal(ge_sarif_render(&full, r, &o), 0);
	/* Room for about two results beyond the fixed part of the log. */
	o.max_bytes = full.len - 6 * 400;
	assert_int_equal(ge_sarif_render(&small, r, &o), 0);
	assert_true(small.len < full.len);
	assert_true(small.len <= o.max_bytes);
	save("limit-bytes", &small);
	j = cJSON_Parse(small.ptr);
	assert_non_null(j);
	n = cJSON_GetArraySize(at(j, "runs.0.results"));
	assert_true(n >= 1 && n < 9);
	assert_string_equal(str_at(j, "runs.0.results.0.baselineState"), "new");
	assert_non_null(at(j, "runs.0.invocations.0.toolExecutionNotifications.0.message.text"));
	/* Nothing fits: still a log, with no results and the notification. */
	o.max_bytes = 1;
	ge_buf_clear(&small);
	assert_int_equal(ge_sarif_render(&small, r, &o), 0);
	save("limit-nothing", &small);
	cJSON_Delete(j);
	j = cJSON_Parse(small.ptr);
	assert_non_null(j);
	assert_int_equal(cJSON_GetArraySize(at(j, "runs.0.results")), 0);
	cJSON_Delete(j);
	ge_buf_release(&full);
	ge_buf_release(&small);
	ge_report_free(r);
}

/* The gzipped limit: measured with zlib, the log re-rendered to fit. */
static size_t gz_len(const ge_buf *b)
{
	static unsigned char z[1 << 20];
	uLongf zn = sizeof(z);
	assert_int_equal(compress2(z, &zn, (const unsigned char *)b->ptr, b->len, 6), Z_OK);
	return (size_t)zn;
}

/* A report big enough that its results, not its rules, dominate the log. */
static ge_report *big(void)
{
	ge_report *r = NULL;
	char subj[64], file[64];
	uint32_t i;
	assert_int_equal(ge_report_new(&r), 0);
	for (i = 0; i < 3000; i++) {
		ge_diag d;
		snprintf(subj, sizeof(subj), "v%u_%u", i * 2654435761u, i);
		snprintf(file, sizeof(file), "p%u/f%u.go", i % 37, i % 11);
		d = mk(file, i + 1, 2 + i % 7, GE_KIND_ESCAPES,
		       i % 3 ? GE_STATUS_EXISTING : GE_STATUS_NEW, subj, subj);
		assert_int_equal(ge_report_add(r, &d), 0);
	}
	ge_report_sort(r);
	return r;
}

static void limit_gzip(void **state)
{
	ge_report *r = big();
	ge_sarif_opts o = GE_SARIF_OPTS_INIT;
	ge_buf full = GE_BUF_INIT, none = GE_BUF_INIT, small = GE_BUF_INIT;
	size_t limit;
	cJSON *j;
	int n;
	(void)state;
	o.check = 1;
	assert_int_equal(ge_sarif_render(&full, r, &o), 0);
	o.max_bytes = 1;
	assert_int_equal(ge_sarif_render(&none, r, &o), 0);
	/* A gzipped limit between "no results" and "all results". */
	o.max_bytes = 0;
	limit = (gz_len(&none) + gz_len(&full)) / 2;
	o.max_gzip = limit;
	assert_int_equal(ge_sarif_render(&small, r, &o), 0);
	assert_true(gz_len(&small) <= limit + 12); /* zlib vs gzip framing */
	save("limit-gzip", &small);
	j = cJSON_Parse(small.ptr);
	assert_non_null(j);
	n = cJSON_GetArraySize(at(j, "runs.0.results"));
	assert_true(n >= 100 && n < 3000);
	assert_non_null(at(j, "runs.0.invocations.0.toolExecutionNotifications.0.message.text"));
	cJSON_Delete(j);
	/* A limit nothing fits under: still a valid log, with no results. */
	o.max_gzip = 10;
	ge_buf_clear(&small);
	assert_int_equal(ge_sarif_render(&small, r, &o), 0);
	j = cJSON_Parse(small.ptr);
	assert_non_null(j);
	assert_int_equal(cJSON_GetArraySize(at(j, "runs.0.results")), 0);
	cJSON_Delete(j);
	ge_buf_release(&full);
	ge_buf_release(&none);
	ge_buf_release(&small);
	ge_report_free(r);
}

/* No srcroot (emit's defaults): paths as they are, nothing read. */
static void without_srcroot(void **state)
{
	ge_report *r = many();
	ge_sarif_opts o = GE_SARIF_OPTS_INIT;
	cJSON *j;
	(void)state;
	j = render("no-srcroot", r, &o);
	assert_int_equal(cJSON_GetArraySize(at(j, "runs.0.results")), 8);
	assert_non_null(at(j, "runs.0.originalUriBaseIds.%SRCROOT%.description.text"));
	assert_null(at(j, "runs.0.versionControlProvenance"));
	assert_null(at(j, "runs.0.results.0.partialFingerprints.primaryLocationLineHash"));
	assert_string_equal(str_at(j, "runs.0.results.0.level"), "note");
	assert_string_equal(str_at(j, "runs.0.results.7.level"), "warning");
	cJSON_Delete(j);
	ge_report_free(r);
}

/*
 * Every string of the log goes through the one JSON writer (common.h):
 * invalid UTF-8 and control bytes in a subject, a message or the source
 * line of a snippet give valid JSON, one U+FFFD per maximal invalid
 * subpart, as node decodes the file (so the snippet and its columns agree).
 */
static void strings_invalid_utf8_and_control_bytes(void **state)
{
	fixture_dir t = {"", ""};
	ge_report *r = NULL;
	ge_sarif_opts o = GE_SARIF_OPTS_INIT;
	static const char vline[] = "var s = \"\xe2\x82\"; var y = &T{\"\xff\x01\"}";
	/* '&' is byte 23 of line 3: column 22 in UTF-16, after one U+FFFD. */
	ge_diag d = mk("p/v.go", 3, 23, GE_KIND_ESCAPES, GE_STATUS_NONE, "&T{\"\xff\x01\"}",
	               "&T{\"\xff\x01\"} escapes to heap \x1b\xf0\x9f\x98");
	char p[200];
	cJSON *j;
	const char *msg;
	(void)state;
	make_tree(&t);
	write_file(t.mod, "p/v.go",
	           "package p\n\nvar s = \"\xe2\x82\"; var y = &T{\"\xff\x01\"}\n");
	d.line_hash = ge_hash_nospace(vline, sizeof(vline) - 1);
	d.function = "F\xe2\x82";
	assert_int_equal(ge_report_new(&r), 0);
	assert_int_equal(ge_report_add(r, &d), 0);
	o.srcroot = t.mod;
	o.command_line = "goescape report \x01\xc0";
	j = render("strings", r, &o);
	msg = str_at(j, "runs.0.results.0.message.text");
	assert_non_null(msg);
	assert_non_null(strstr(msg, "&T{\"\xef\xbf\xbd\x01\"} escapes to heap \x1b\xef\xbf\xbd ("));
	assert_null(strstr(msg, "\xff"));
	assert_string_equal(str_at(j, "runs.0.invocations.0.commandLine"),
	                    "goescape report \x01\xef\xbf\xbd");
	assert_int_equal(
	    int_at(j, "runs.0.results.0.locations.0.physicalLocation.region.startColumn"), 22);
	assert_int_equal(
	    int_at(j, "runs.0.results.0.locations.0.physicalLocation.region.endColumn"), 30);
	assert_string_equal(
	    str_at(j, "runs.0.results.0.locations.0.physicalLocation.region.snippet.text"),
	    "&T{\"\xef\xbf\xbd\x01\"}");
	assert_string_equal(
	    str_at(j, "runs.0.results.0.locations.0.physicalLocation.contextRegion.snippet.text"),
	    "var s = \"\xef\xbf\xbd\"; var y = &T{\"\xef\xbf\xbd\x01\"}");
	assert_string_equal(str_at(j, "runs.0.results.0.locations.0.logicalLocations.0.name"),
	                    "F\xef\xbf\xbd");
	cJSON_Delete(j);
	ge_report_free(r);
	snprintf(p, sizeof(p), "%s/p/v.go", t.mod);
	unlink(p);
	remove_tree(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(line_hash_vectors),
	    cmocka_unit_test(line_hash_utf16),
	    cmocka_unit_test(repo_uris),
	    cmocka_unit_test(columns_in_utf16),
	    cmocka_unit_test(strings_invalid_utf8_and_control_bytes),
	    cmocka_unit_test(check_output),
	    cmocka_unit_test(flow_paths),
	    cmocka_unit_test(limit_results),
	    cmocka_unit_test(limit_bytes),
	    cmocka_unit_test(limit_gzip),
	    cmocka_unit_test(without_srcroot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
