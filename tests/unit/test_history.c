/*
 * lib/history: notes hold one report per build configuration, strict about
 * their commit; the work tree and a commit built with the real go, matched
 * across a line move, explained with -m=2; which builds are stored.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "history.h"

static const char go[] = "/usr/local/go/bin/go";

typedef struct fixture {
	char dir[64];
	char head[GE_OID_HEX], parent[GE_OID_HEX];
	ge_git *git;
	ge_modset mods;
	ge_history h;
	ge_buf warnings;
} fixture;

static void on_warning(const char *line, size_t len, void *ud)
{
	ge_buf *b = ud;
	(void)ge_buf_put(b, line, len);
	(void)ge_buf_putc(b, '\n');
}

/* A repository with two commits and a go.mod, and the history context on it. */
static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	char cmd[512];
	if (!f || access(go, X_OK) != 0)
		return -1;
	strcpy(f->dir, "/tmp/ge-history-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(cmd, sizeof(cmd),
	         "cd %s && git init -q && printf 'module example.com/h\\n\\ngo 1.21\\n' >go.mod && "
	         "git add go.mod && git -c user.name=t -c user.email=t@t commit -qm one && "
	         "git -c user.name=t -c user.email=t@t commit -q --allow-empty -m two",
	         f->dir);
	if (system(cmd) != 0)
		return -1;
	setenv("GOTOOLCHAIN", "local", 1);
	setenv("GOENV", "off", 1);
	unsetenv("GOFLAGS");
	if (ge_git_open(&f->git, f->dir) < 0 || ge_modset_find(&f->mods, f->dir, NULL) < 0 ||
	    ge_git_resolve(f->head, f->git, "HEAD") < 0 ||
	    ge_git_resolve(f->parent, f->git, "HEAD~1") < 0)
		return -1;
	f->h.git = f->git;
	f->h.build.go = go;
	f->h.build.cwd = f->dir;
	f->h.build.mods = &f->mods;
	f->h.on_warning = on_warning;
	f->h.warning_ud = &f->warnings;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	char cmd[128];
	ge_git_free(f->git);
	ge_modset_release(&f->mods);
	ge_buf_release(&f->warnings);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	(void)system(cmd);
	free(f);
	return 0;
}

/* A report of commit with n diagnostics, under cfg (NULL: no configuration). */
static ge_report *report(const char *commit, int n, const ge_goconfig *cfg)
{
	ge_report *r = NULL;
	int i;
	assert_int_equal(ge_report_new(&r), 0);
	assert_int_equal(ge_report_set_meta(r, cfg ? cfg->go : "go1.0", "example.com/h", commit, 0),
	                 0);
	for (i = 0; i < n; i++) {
		ge_diag d;
		memset(&d, 0, sizeof(d));
		d.package = "example.com/h";
		d.file = "h.go";
		d.function = "F";
		d.subject = "x";
		d.message = "moved to heap: x";
		d.line = (uint32_t)(i + 1);
		d.column = 2;
		d.kind = GE_KIND_MOVED;
		assert_int_equal(ge_report_add(r, &d), 0);
	}
	if (cfg)
		assert_int_equal(ge_goconfig_dup(&r->config, cfg), 0);
	return r;
}

/* The current configuration with one field changed. */
static ge_goconfig *other_config(ge_history *h)
{
	const ge_goconfig *cur;
	ge_goconfig *c = NULL;
	assert_int_equal(ge_history_config(&cur, h), 0);
	assert_int_equal(ge_goconfig_dup(&c, cur), 0);
	free(c->tags);
	c->tags = strdup("lean");
	assert_int_equal(ge_goconfig_finish(c), 0);
	return c;
}

static void put_note(fixture *f, const char *commit, ge_report *const *rs, size_t n)
{
	ge_buf b = GE_BUF_INIT;
	size_t i;
	for (i = 0; i < n; i++)
		assert_int_equal(ge_report_to_json(&b, rs[i]), 0);
	assert_int_equal(ge_git_note_write(f->git, commit, b.ptr), 0);
	ge_buf_release(&b);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (; (hay = strstr(hay, needle)); hay++)
		n++;
	return n;
}

static void picks_its_configuration(void **state)
{
	fixture *f = *state;
	const ge_goconfig *cur;
	ge_goconfig *other = other_config(&f->h);
	ge_report *rs[3], *got = NULL;
	assert_int_equal(ge_history_config(&cur, &f->h), 0);
	rs[0] = report(f->head, 1, other);
	rs[1] = report(f->head, 3, cur);
	rs[2] = report(f->head, 5, NULL); /* an older goescape's */
	put_note(f, f->head, rs, 3);
	assert_int_equal(ge_history_note(&got, &f->h, f->head), 0);
	assert_int_equal(got->ndiags, 3);
	assert_string_equal(got->config->canonical, cur->canonical);
	ge_report_free(got);
	/* Only other configurations: nothing. */
	put_note(f, f->head, rs, 1);
	assert_int_equal(ge_history_note(&got, &f->h, f->head), GE_ENOTFOUND);
	put_note(f, f->head, rs + 2, 1);
	assert_int_equal(ge_history_note(&got, &f->h, f->head), GE_ENOTFOUND);
	/* rebuild: never read. */
	put_note(f, f->head, rs, 2);
	f->h.rebuild = 1;
	assert_int_equal(ge_history_note(&got, &f->h, f->head), GE_ENOTFOUND);
	f->h.rebuild = 0;
	assert_int_equal(f->warnings.len, 0);
	ge_report_free(rs[0]);
	ge_report_free(rs[1]);
	ge_report_free(rs[2]);
	ge_goconfig_free(other);
}

static void strict_commit(void **state)
{
	fixture *f = *state;
	const ge_goconfig *cur;
	ge_report *r, *got = NULL;
	assert_int_equal(ge_history_config(&cur, &f->h), 0);
	r = report(f->parent, 2, cur); /* names the parent, attached to HEAD */
	put_note(f, f->head, &r, 1);
	assert_int_equal(ge_history_note(&got, &f->h, f->head), GE_ENOTFOUND);
	assert_int_equal(count(ge_buf_cstr(&f->warnings), "\n"), 1);
	assert_non_null(strstr(ge_buf_cstr(&f->warnings), "it names commit"));
	assert_non_null(strstr(ge_buf_cstr(&f->warnings), f->parent));
	ge_buf_clear(&f->warnings);
	ge_report_free(r);
}

static void union_merged_note(void **state)
{
	fixture *f = *state;
	const ge_goconfig *cur;
	ge_report *rs[2], *got = NULL;
	ge_buf b = GE_BUF_INIT;
	assert_int_equal(ge_history_config(&cur, &f->h), 0);
	rs[0] = report(f->head, 4, cur);
	rs[1] = report(f->head, 6, cur);
	/* What "git notes merge -s union" makes: both, a newline between; then junk. */
	assert_int_equal(ge_report_to_json(&b, rs[0]), 0);
	assert_int_equal(ge_buf_puts(&b, "\n"), 0);
	assert_int_equal(ge_report_to_json(&b, rs[1]), 0);
	assert_int_equal(ge_buf_puts(&b, "not json"), 0);
	assert_int_equal(ge_git_note_write(f->git, f->head, b.ptr), 0);
	assert_int_equal(ge_history_note(&got, &f->h, f->head), 0);
	assert_int_equal(got->ndiags, 4); /* the first */
	ge_report_free(got);
	ge_buf_release(&b);
	ge_report_free(rs[0]);
	ge_report_free(rs[1]);
}

static void store_keeps_other_configurations(void **state)
{
	fixture *f = *state;
	const ge_goconfig *cur;
	ge_goconfig *other = other_config(&f->h);
	ge_report *rs[3], *got = NULL;
	ge_git_state before;
	ge_buf note = GE_BUF_INIT, again = GE_BUF_INIT;
	assert_int_equal(ge_history_config(&cur, &f->h), 0);
	rs[0] = report(f->head, 1, other);
	rs[1] = report(f->parent, 2, cur); /* a stale report naming another commit */
	rs[2] = report(f->head, 7, NULL);
	put_note(f, f->head, rs, 3);
	ge_report_free(rs[1]);
	rs[1] = report(f->head, 3, cur);
	assert_int_equal(ge_git_state_read(&before, f->git), 0);
	assert_int_equal(before.dirty, 0);
	assert_int_equal(ge_history_store_build(&f->h, rs[1], &before), 1); /* stored */
	assert_int_equal(ge_git_note_read(&note, f->git, f->head), 0);
	/* Two reports: the other configuration's and the new one, sorted by hash. */
	assert_int_equal(count(note.ptr, "\"schema\""), 2);
	{
		const char *a = strstr(note.ptr, cur->hash), *o = strstr(note.ptr, other->hash);
		assert_non_null(a);
		assert_non_null(o);
		assert_true((strcmp(cur->hash, other->hash) < 0) == (a < o));
	}
	assert_int_equal(ge_history_note(&got, &f->h, f->head), 0);
	assert_int_equal(got->ndiags, 3);
	ge_report_free(got);
	/* Storing the same again leaves the note as it is. */
	assert_int_equal(ge_history_store_build(&f->h, rs[1], &before), 1); /* held */
	assert_int_equal(ge_git_note_read(&again, f->git, f->head), 0);
	assert_string_equal(note.ptr, again.ptr);
	ge_buf_release(&note);
	ge_buf_release(&again);
	ge_report_free(rs[0]);
	ge_report_free(rs[1]);
	ge_report_free(rs[2]);
	ge_goconfig_free(other);
}

static void store_refuses_a_moved_state(void **state)
{
	fixture *f = *state;
	const ge_goconfig *cur;
	ge_git_state before;
	ge_report *r;
	ge_buf note = GE_BUF_INIT;
	char cmd[256];
	assert_int_equal(ge_history_config(&cur, &f->h), 0);
	assert_int_equal(ge_git_state_read(&before, f->git), 0);
	snprintf(cmd, sizeof(cmd),
	         "cd %s && git -c user.name=t -c user.email=t@t commit -q --allow-empty -m three",
	         f->dir);
	assert_int_equal(system(cmd), 0);
	r = report(before.head, 1, cur);
	assert_int_equal(ge_history_store_build(&f->h, r, &before), 0);
	{
		char now[GE_OID_HEX];
		assert_int_equal(ge_git_head(now, f->git), 0);
		assert_string_not_equal(now, before.head);
		assert_int_equal(ge_git_note_read(&note, f->git, now), GE_ENOTFOUND);
	}
	ge_report_free(r);
	ge_buf_release(&note);
}

/* ---- builds with the real go ---------------------------------------------- */

static void git_in(fixture *f, const char *cmd)
{
	char buf[1024];
	snprintf(buf, sizeof(buf), "cd %s && %s", f->dir, cmd);
	assert_int_equal(system(buf), 0);
}

static void write_go(fixture *f, const char *name, const char *text)
{
	char path[128];
	FILE *o;
	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	assert_non_null(o = fopen(path, "w"));
	fputs(text, o);
	fclose(o);
}

static const ge_diag *heap_in(const ge_report *r, const char *function)
{
	size_t i;
	for (i = 0; i < r->ndiags; i++)
		if (ge_kind_is_heap(r->diags[i].kind) && !strcmp(r->diags[i].function, function))
			return &r->diags[i];
	return NULL;
}

#define COMMIT "git -c user.name=t -c user.email=t@t commit -q"

/*
 * A commit "three" with F (one heap escape), then "four" adding G in
 * another file and moving F two lines down.  The work tree's report is
 * stored as four's note; three, without a note, is built in place (and
 * then stored); matching follows F's move, so only G is new; the -m=2
 * explanation is attached to G.
 */
static void worktree_commit_match_explain(void **state)
{
	fixture *f = *state;
	ge_report *head = NULL, *base = NULL, *again = NULL;
	char three[GE_OID_HEX], four[GE_OID_HEX];
	int status = -1, from_note = -1;
	const ge_diag *d;
	write_go(f, "h.go", "package h\n\nvar sink *int\n\nfunc F(n int) { sink = &n }\n");
	git_in(f, "git add h.go && " COMMIT " -m three");
	write_go(f, "h.go",
	         "package h\n\nvar sink *int\n\n// F\n//\nfunc F(n int) { sink = &n }\n");
	write_go(f, "g.go",
	         "package h\n\nvar out []*string\n\nfunc G(s string) { out = append(out, &s) }\n");
	git_in(f, "git add . && " COMMIT " -m four");
	assert_int_equal(ge_git_resolve(three, f->git, "HEAD~1"), 0);
	assert_int_equal(ge_git_resolve(four, f->git, "HEAD"), 0);

	assert_int_equal(ge_history_worktree(&head, &status, &f->h), 0);
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_string_equal(head->commit, four);
	assert_false(head->dirty);
	assert_non_null(d = heap_in(head, "F"));
	assert_int_equal(d->line, 7);
	assert_non_null(heap_in(head, "G"));
	assert_int_equal(ge_history_note(&again, &f->h, four), 0); /* stored */
	assert_int_equal(again->ndiags, head->ndiags);
	ge_report_free(again);
	again = NULL;

	assert_int_equal(ge_history_commit(&base, &status, &f->h, three, &from_note), 0);
	assert_int_equal(from_note, 0);
	assert_non_null(d = heap_in(base, "F"));
	assert_int_equal(d->line, 5);
	assert_null(heap_in(base, "G"));
	assert_int_equal(ge_history_commit(&again, &status, &f->h, three, &from_note), 0);
	assert_int_equal(from_note, 1); /* the build was stored */
	ge_report_free(again);

	assert_int_equal(ge_history_match(head, base, &f->h, three, NULL), 0);
	assert_int_equal(heap_in(head, "F")->status, GE_STATUS_EXISTING);
	assert_int_equal(heap_in(head, "G")->status, GE_STATUS_NEW);

	assert_int_equal(ge_history_explain(&f->h, head), 0);
	d = heap_in(head, "G");
	assert_true(d->explain > 0 && d->explain <= head->nexplain);
	assert_int_equal(heap_in(head, "F")->explain, 0); /* only new escapes */
	ge_report_free(head);
	ge_report_free(base);
}

/* Only a build of exactly the whole module, in a repository, is stored. */
static void build_storable(void **state)
{
	fixture *f = *state;
	char *const whole[] = {(char *)"build", (char *)"./..."};
	char *const bymod[] = {(char *)"build", (char *)"-tags", (char *)"x",
	                       (char *)"example.com/h/..."};
	char *const part[] = {(char *)"build", (char *)"./sub/..."};
	char *const two[] = {(char *)"build", (char *)"./...", (char *)"./..."};
	char *const nflag[] = {(char *)"build", (char *)"-gcflags=-N", (char *)"./..."};
	assert_int_equal(ge_history_build_storable(&f->h, whole, 2), 1);
	assert_int_equal(ge_history_build_storable(&f->h, bymod, 4), 1);
	assert_int_equal(ge_history_build_storable(&f->h, part, 2), 0);
	assert_int_equal(ge_history_build_storable(&f->h, two, 3), 0);
	assert_int_equal(ge_history_build_storable(&f->h, nflag, 3), 0);
	assert_int_equal(ge_history_build_storable(&f->h, whole, 1), 0); /* no package */
	f->h.no_store = 1;
	assert_int_equal(ge_history_build_storable(&f->h, whole, 2), 0);
	f->h.no_store = 0;
	f->h.git = NULL;
	assert_int_equal(ge_history_build_storable(&f->h, whole, 2), 0);
	f->h.git = f->git;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(picks_its_configuration, setup, teardown),
	    cmocka_unit_test_setup_teardown(strict_commit, setup, teardown),
	    cmocka_unit_test_setup_teardown(union_merged_note, setup, teardown),
	    cmocka_unit_test_setup_teardown(store_keeps_other_configurations, setup, teardown),
	    cmocka_unit_test_setup_teardown(store_refuses_a_moved_state, setup, teardown),
	    cmocka_unit_test_setup_teardown(worktree_commit_match_explain, setup, teardown),
	    cmocka_unit_test_setup_teardown(build_storable, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
