/*
 * tests/unit/fixture: see fixture.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "common.h"
#include "fixture.h"
#include "gocmd.h"

int fixture_input(ge_report **out, const char *capture, const char *module, char *const *pkgs,
                  size_t npkgs)
{
	char dir[PATH_MAX], path[PATH_MAX];
	ge_modset mods = GE_MODSET_INIT;
	int fd = -1, rc;
	*out = NULL;
	if (!realpath(module, dir))
		return ge_error_set(GE_ENOTFOUND, "fixture: module '%s': %s", module,
		                    strerror(errno));
	if ((rc = ge_modset_find(&mods, dir, "off")) < 0)
		goto done;
	snprintf(path, sizeof(path), FIXTURE_OUTPUT "%s", capture);
	if ((fd = open(path, O_RDONLY)) < 0) {
		rc = ge_error_set(GE_ENOTFOUND, "fixture: '%s': %s", path, strerror(errno));
		goto done;
	}
	rc = ge_capture_input_pkgs(out, fd, capture, &mods, dir, pkgs, npkgs, 0);
done:
	if (fd >= 0)
		close(fd);
	ge_modset_release(&mods);
	return rc;
}

ge_report *fixture_parsemod(void)
{
	ge_report *r = NULL;
	if (fixture_input(&r, "go1.26.8-m.txt", "../fixtures/parsemod", NULL, 0) < 0) {
		ge_report_free(r);
		return NULL;
	}
	return r;
}

char *fixture_compiler_name(const char *msg, int *is_inline)
{
	const char *s = NULL, *e = NULL;
	*is_inline = 0;
	if ((s = strstr(msg, " escapes to heap in ")) != NULL) {
		s += strlen(" escapes to heap in ");
		e = strrchr(s, ':');
	} else if (strncmp(msg, "parameter ", 10) == 0 &&
	           (e = strstr(msg, " with derefs")) != NULL) {
		/* "for F" after the location ("{storage for s}"); go1.19 has none */
		for (s = e; s > msg && s[-1] != '}' && strncmp(s, " for ", 5) != 0; s--)
			;
		if (strncmp(s, " for ", 5) != 0)
			return NULL;
		s += 5;
	} else if (strncmp(msg, "can inline ", 11) == 0) {
		s = msg + 11;
		e = strstr(s, " with cost");
		*is_inline = 1;
	} else if (strncmp(msg, "cannot inline ", 14) == 0) {
		s = msg + 14;
		e = strchr(s, ':');
		*is_inline = 1;
	}
	if (!s || !e || e <= s)
		return NULL;
	return strndup(s, (size_t)(e - s));
}

int fixture_write(const char *dir, const char *rel, const char *text)
{
	char path[PATH_MAX];
	FILE *f;
	int rc;
	if (snprintf(path, sizeof(path), "%s/%s", dir, rel) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (!(f = fopen(path, "w")))
		return -1;
	rc = fputs(text, f) < 0 ? -1 : 0;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}
