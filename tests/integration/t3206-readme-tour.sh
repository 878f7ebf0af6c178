#!/usr/bin/env bash
# README's "5-minute tour", run as written (its install line aside: the
# goescape under test is already built): report, baseline, a new escape that
# check catches (exit 1) and suggest removes (check exits 0 after --apply).
. "$(dirname "$0")/lib.sh"

test_expect_success 'the tour in README, after its install line, runs as written' '
	python3 - "$TOP/README.md" >tour.sh <<-\PY &&
	import sys
	s = open(sys.argv[1]).read()
	a = s.index("## A 5-minute tour")
	b = s.index("```sh", a) + len("```sh\n")
	lines = s[b:s.index("```", b)].splitlines()
	assert lines[0].startswith("make && make install"), lines[0]
	print("\n".join(lines[1:]))
	PY
	mkdir bin && ln -s "$GOESCAPE_BIN" bin/goescape &&
	(cd "$TOP" && PATH="$TRASH/bin:$PATH" TMPDIR="$TRASH" bash "$TRASH/tour.sh") >out 2>err &&
	grep -x "exit 1" out &&
	grep "cart/key.go:6:[0-9]*: Key: (\[\]byte)(~r0) escapes to heap" out &&
	grep "^+	return strconv.AppendInt(nil, int64(n), 10)" out &&
	grep -x "0 new heap escapes, 3 fixed (of [0-9]* in all)" out &&
	tail -n 1 out | grep -x "exit 0" &&
	test -z "$(cd "$TOP" && git status --porcelain -- examples)"
'

test_done
