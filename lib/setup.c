/*
 * lib/setup: see setup.h.
 */
#include "setup.h"

#include <stdlib.h>
#include <string.h>

#include "git.h"
#include "tidy.h"

int ge_setup_go(ge_setup *s)
{
	if (s->go)
		return 0;
	return ge_gocmd_find_go(&s->go, s->env_goescape_go, s->env_path, s->self);
}

int ge_setup_modules(ge_setup *s, const char *dir)
{
	char *gowork = NULL;
	int rc;
	if (s->mods.n)
		return 0;
	if ((rc = ge_goenv_lookup(&gowork, "GOWORK")) < 0)
		return rc;
	rc = ge_modset_find(&s->mods, dir ? dir : s->cwd, gowork);
	free(gowork);
	return rc;
}

int ge_setup_git(ge_setup *s, const char *dir)
{
	int rc;
	if (s->git_tried)
		return 0;
	s->git_tried = 1;
	rc = ge_git_open(&s->git, dir);
	if (rc < 0 && rc != GE_ENOTFOUND)
		return rc;
	/* Once per run, before anything is written there: what killed runs left. */
	if (s->git && ge_tidy_git(NULL, ge_git_commondir(s->git), &s->started) < 0)
		return GE_ENOMEM;
	return 0;
}

int ge_setup_history(ge_history *h, ge_setup *s, char **pkgs, size_t npkgs)
{
	int rc;
	memset(h, 0, sizeof(*h));
	if ((rc = ge_setup_go(s)) < 0 || (rc = ge_setup_modules(s, NULL)) < 0 ||
	    (rc = ge_setup_git(s, s->mods.top)) < 0)
		return rc;
	if (s->config_rc < 0)
		return ge_error_set(s->config_rc, "%s", s->config_problem ? s->config_problem : "");
	if (!s->config_loaded) {
		if ((rc = ge_config_load(&s->config, s->mods.top)) < 0) {
			/* Kept, message and all: the file is read once per run. */
			s->config_rc = rc;
			if (!(s->config_problem = ge_strdup(ge_error_last())))
				return ge_error_set(GE_ENOMEM, "out of memory");
			return rc;
		}
		s->config_loaded = 1;
	}
	if (!npkgs && s->config.npackages) {
		if (!s->config_pkgs) {
			static char dashdash[] = "--";
			s->config_pkgs = calloc(s->config.npackages + 1, sizeof(char *));
			if (!s->config_pkgs)
				return ge_error_set(GE_ENOMEM, "out of memory");
			s->config_pkgs[0] = dashdash;
			memcpy(s->config_pkgs + 1, s->config.packages,
			       s->config.npackages * sizeof(char *));
		}
		pkgs = s->config_pkgs;
		npkgs = s->config.npackages + 1;
	}
	h->git = s->git;
	h->build.go = s->go;
	h->build.cwd = s->cwd;
	h->build.mods = &s->mods;
	h->build.goflags = s->goflags;
	h->pkgs = pkgs;
	h->npkgs = npkgs;
	return 0;
}

const char *ge_setup_config_problem(const ge_setup *s)
{
	return s->config_rc < 0 ? s->config_problem : NULL;
}

void ge_setup_release(ge_setup *s)
{
	free(s->config_problem);
	s->config_problem = NULL;
	s->config_rc = 0;
	free(s->go);
	s->go = NULL;
	free(s->goflags);
	s->goflags = NULL;
	ge_git_free(s->git);
	s->git = NULL;
	free(s->config_pkgs);
	s->config_pkgs = NULL;
	ge_config_release(&s->config);
	s->config_loaded = 0;
	ge_modset_release(&s->mods);
}
