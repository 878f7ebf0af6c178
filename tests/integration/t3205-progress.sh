#!/usr/bin/env bash
# On a terminal a captured build shows one status line on stderr,
# "goescape: compiling N/M packages…", from go's own package headers, and
# clears it when done.  Off a terminal nothing, unless GOESCAPE_PROGRESS=1.
. "$(dirname "$0")/lib.sh"

command -v script >/dev/null 2>&1 || skip_all "script(1) is not installed"
ESC=$(printf "\033")

# A module of 12 packages whose code no build cache has seen.
make_module() {
	mkdir -p "$1" && (cd "$1" && printf "module example.com/prog\n\ngo 1.19\n" >go.mod &&
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		mkdir -p "p$i" &&
		printf "package p%s\n\nvar Tag = \"%s\"\n\nfunc New(n int) *[]int { s := make([]int, n); return &s }\n" \
			"$i" "$2-$i" >"p$i/p.go"
	done && mkdir -p p1/testdata && printf "package x\n" >p1/testdata/x.go)
}

test_expect_success 'on a terminal: N/M while go builds, cleared at the end' '
	make_module cold "$(date +%s%N)-$$" &&
	(cd cold && script -qfec "$GOESCAPE_BIN build ./..." ../typescript >/dev/null) &&
	grep -a "goescape: compiling [0-9]*/12 packages" typescript >seen &&
	grep -a -o "compiling [0-9]*/12" typescript | sort -u >counts &&
	test $(wc -l <counts) -ge 2 &&
	grep -a -q "compiling 12/12" counts &&
	python3 - typescript <<-\EOS
	import re, sys
	t = open(sys.argv[1], "rb").read()
	# The status is erased before the build summary, which stands alone.
	m = re.search(rb"\r\x1b\[Kgoescape: [0-9]+ heap escapes? in", t)
	assert m, t
	assert b"compiling" not in t[m.start() + 4:], t
	EOS
'

test_expect_success 'off a terminal: no status line' '
	make_module cold2 "$(date +%s%N)-off-$$" &&
	(cd cold2 && goescape build ./... 2>../err.txt) &&
	! grep -a "compiling" err.txt &&
	! grep -a -q "$ESC" err.txt &&
	grep "heap escape" err.txt
'

test_expect_success 'GOESCAPE_PROGRESS=1 asks for it off a terminal; =0 turns it off on one' '
	(cd cold2 && GOESCAPE_PROGRESS=1 goescape build ./... 2>../err1.txt) &&
	grep -a -q "goescape: compiling [0-9]*/12 packages" err1.txt &&
	(cd cold2 && GOESCAPE_PROGRESS=0 script -qfec "$GOESCAPE_BIN build ./..." ../ts0 >/dev/null) &&
	! grep -a "compiling" ts0
'

test_expect_success 'report and check show it too, and the base build says what it does' '
	(cd cold2 && git init -q && git add . && git commit -qm one &&
	 printf "package p1\n\nfunc G() *int { x := 1; return &x }\n" >p1/g.go &&
	 git add . && git commit -qm two &&
	 script -qfec "$GOESCAPE_BIN check --base HEAD~1" ../ts.check >/dev/null; true) &&
	grep -a -q "goescape: compiling [0-9]*/12 packages" ts.check &&
	grep -a "building it in place" ts.check
'

test_expect_success 'suggest says what each verification round does, on a terminal only' '
	mkdir -p sug && (cd sug && printf "module example.com/sug\n\ngo 1.19\n" >go.mod &&
	printf "package sug\n\nimport \"strconv\"\n\nfunc B(x int) []byte { return []byte(strconv.Itoa(x)) }\n" >s.go &&
	script -qfec "$GOESCAPE_BIN suggest" ../ts.sug >/dev/null &&
	goescape suggest >../sug.diff 2>../sug.err) &&
	grep -a "goescape: suggest: round 1: verifying 1 rewrite with go build" ts.sug &&
	grep "strconv.AppendInt" sug.diff &&
	! grep "verifying" sug.err
'

test_done
