/*
 * Fuzz target: the Go lexer.  Beyond not crashing, every scan must keep
 * golex.h's promises on any input: tokens in source order inside the
 * input, positions that agree with the line table, one EOF token at the
 * end, and bracket partners that name each other.  A broken promise
 * aborts, so libFuzzer reports it like a crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "golex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ge_golex lx = GE_GOLEX_INIT;
	uint32_t i, end = 0;
	if (ge_golex_scan(&lx, (const char *)data, size) < 0)
		return 0;
	check(lx.ntoks >= 1 && lx.toks[lx.ntoks - 1].kind == GE_GOLEX_EOF);
	check(lx.toks[lx.ntoks - 1].off == size);
	check(lx.nlines >= 1 && lx.lines[0] == 0);
	for (i = 0; i < lx.ntoks; i++) {
		const ge_golex_tok *t = &lx.toks[i];
		check(t->kind < GE_GOLEX_NKINDS);
		check(t->off + (size_t)t->len <= size);
		check(t->off >= end || t->len == 0);
		check(t->line >= 1 && t->line <= lx.nlines);
		check(lx.lines[t->line - 1] <= t->off);
		check(t->col == t->off - lx.lines[t->line - 1] + 1);
		check(t->len > 0 || t->kind == GE_GOLEX_SEMICOLON || t->kind == GE_GOLEX_EOF);
		check(ge_golex_line_at(lx.lines, lx.nlines, t->off) == t->line ||
		      (t->off == size && t->line < lx.nlines));
		if (t->len)
			end = t->off + t->len;
		if (t->match != GE_GOLEX_NONE) {
			check(t->match < lx.ntoks);
			if (!(t->flags & GE_GOLEX_F_UNPAIRED))
				check(lx.toks[t->match].match == i);
			else
				check(t->match > i);
		}
	}
	ge_golex_release(&lx);
	return 0;
}
