#!/usr/bin/env bash
# The CLI is tables: every synopsis (goescape --help and each command's
# --help) is generated from the option rows, so they agree; an unknown
# goescape-looking option or command gets goescape's own one-line error
# (exit 2, "did you mean" when close) while go's commands pass through;
# 'goescape help' lists goescape's commands, then hands over to 'go help'.
. "$(dirname "$0")/lib.sh"
SQ="'"
REAL_GO=$(command -v go)

test_expect_success 'setup: a go that logs its arguments' '
	mkdir -p logging &&
	printf "#!/bin/sh\necho \"\$*\" >>\"$TRASH/go.log\"\nexec \"$REAL_GO\" \"\$@\"\n" >logging/go &&
	chmod +x logging/go
'

commands="report baseline check log hook suggest completion"

test_expect_success 'each command: the top-level synopsis is its own --help usage' '
	goescape --help >top &&
	for c in $commands; do
		goescape $c --help >own &&
		sed -n "/^usage: goescape $c /,/^\$/p" own | sed "/^\$/d; s/^.\{7\}//" >expect &&
		awk -v c="$c" "
			/^       goescape / { on = (\$2 == c) }
			/^\$/ { on = 0 }
			on { print substr(\$0, 8) }" top >actual &&
		test -s expect &&
		test_cmp expect actual || return 1
	done
'

test_expect_success 'each option a command lists is in its synopsis, and parsed' '
	for c in $commands; do
		goescape $c --help >own &&
		sed -n "/^usage:/,/^\$/p" own >syn &&
		sed -n "/^options:/,\$p" own | grep -o -- "--[a-z][a-z-]*" | sort -u >opts &&
		while read -r o; do
			[ "$o" = --help ] && continue
			# As --name, or as its short -x where the help row gives one.
			short=$(grep -o -- "-[a-z], $o\b" own | cut -c1-2) &&
			{ grep -q -- "\[$o[] ]" syn ||
			  { [ -n "$short" ] && grep -q -- "\[$short[] ]" syn; }; } ||
			{ echo "$c: $o not in the synopsis"; return 1; }
			# Known to the parser: never "unknown option".
			(goescape $c $o >/dev/null 2>err </dev/null; true) &&
			! grep -q "unknown option" err || { echo "$c: $o unknown"; return 1; }
		done <opts
	done
'

test_expect_success 'goescape --versio: goescape says what it meant, exit 2, go not run' '
	rm -f go.log &&
	GOESCAPE_GO="$TRASH/logging/go" test_expect_code 2 goescape --versio >out 2>err &&
	test ! -s out &&
	test $(wc -l <err) = 1 &&
	grep "^goescape: unknown option ${SQ}--versio${SQ}; did you mean ${SQ}--version${SQ}?$" err &&
	test ! -e go.log
'

test_expect_success 'goescape reprot: did you mean report, exit 2, go not run' '
	rm -f go.log &&
	GOESCAPE_GO="$TRASH/logging/go" test_expect_code 2 goescape reprot >out 2>err &&
	test ! -s out &&
	test $(wc -l <err) = 1 &&
	grep "^goescape: unknown command ${SQ}reprot${SQ}; did you mean ${SQ}report${SQ}?" err &&
	test ! -e go.log
'

test_expect_success 'a command option typo: did you mean, exit 2' '
	test_expect_code 2 goescape check --formt json 2>err &&
	test $(wc -l <err) = 1 &&
	grep "^goescape: check: unknown option ${SQ}--formt${SQ}; did you mean ${SQ}--format${SQ}?$" err
'

test_expect_success 'go commands and go typos still reach go untouched' '
	rm -f go.log &&
	GOESCAPE_GO="$TRASH/logging/go" goescape version >out &&
	grep "^go version go" out &&
	GOESCAPE_GO="$TRASH/logging/go" goescape -C "$TRASH" env GOROOT >out &&
	test -s out &&
	(GOESCAPE_GO="$TRASH/logging/go" goescape biuld >out 2>err; true) &&
	grep "go biuld: unknown command" err &&
	printf "version\n-C $TRASH env GOROOT\nbiuld\n" >expect &&
	test_cmp expect go.log
'

test_expect_success 'goescape help: goescape commands first, then go help' '
	GOESCAPE_GO="$TRASH/logging/go" goescape help >out &&
	grep -n "^  check " out | cut -d: -f1 >line.check &&
	grep -n "Go is a tool for managing Go source code" out | cut -d: -f1 >line.go &&
	test -s line.check && test -s line.go &&
	test $(cat line.check) -lt $(cat line.go) &&
	goescape help check >out &&
	goescape check --help >expect &&
	test_cmp expect out &&
	GOESCAPE_GO="$TRASH/logging/go" goescape help build >out &&
	grep "^usage: go build" out
'

test_done
