#!/usr/bin/env bash
# A build that fails: goescape build shows go's errors unchanged, with the
# "# importpath" header before them, and exits with go's status; report
# exits 3 and writes nothing.  A go killed by a signal is re-raised.
#
# Bodies are &&-chained: lib.sh runs them as an if-condition, where set -e
# has no effect.
. "$(dirname "$0")/lib.sh"
SQ="'"

test_expect_success 'setup: tests/fixtures/brokenmod and what go says about it' '
	copy_module brokenmod &&
	(cd brokenmod && test_expect_code 1 go build ./... 2>../go.err) &&
	grep -q "^# example.com/brokenmod/bad$" go.err &&
	grep -q "^bad/bad.go:17:13: undefined: undefinedName$" go.err
'

test_expect_success 'goescape build: go'"'"'s exit status and exactly go'"'"'s stderr' '
	(cd brokenmod && test_expect_code 1 goescape build ./... 2>../ge.err >../ge.out) &&
	test_cmp go.err ge.err &&
	test ! -s ge.out
'

test_expect_success 'the header comes right before the compile errors' '
	h=$(grep -n "^# example.com/brokenmod/bad$" ge.err | cut -d: -f1) &&
	e=$(grep -n "^bad/bad.go:[0-9]*:[0-9]*: " ge.err | head -n 1 | cut -d: -f1) &&
	test "$((h + 1))" = "$e" &&
	! grep "goescape:" ge.err
'

test_expect_success 'GOESCAPE_VERBOSE=1: the good package'"'"'s -m lines too, errors still under their header' '
	(cd brokenmod && GOESCAPE_VERBOSE=1 test_expect_code 1 goescape build ./... 2>../v.err) &&
	grep -q "^# example.com/brokenmod/good$" v.err &&
	grep -q "^good/good.go:[0-9]*:[0-9]*: moved to heap: x$" v.err &&
	sed -n "/^# example.com\/brokenmod\/bad$/,\$p" v.err >bad-part &&
	test_cmp go.err bad-part
'

test_expect_success 'several broken packages: errors in go'"'"'s order (-p 1)' '
	mkdir -p brokenmod/bad2 &&
	printf "package bad2\n\nfunc F() int { return undefinedToo }\n" >brokenmod/bad2/bad2.go &&
	(cd brokenmod && test_expect_code 1 go build -p 1 ./... 2>../go2.err) &&
	grep -q "^# example.com/brokenmod/bad2$" go2.err &&
	(cd brokenmod && test_expect_code 1 goescape build -p 1 ./... 2>../ge2.err) &&
	test_cmp go2.err ge2.err &&
	rm -r brokenmod/bad2
'

test_expect_success 'goescape install of a broken package: go'"'"'s status and errors' '
	(cd brokenmod && GOBIN="$TRASH/gobin" test_expect_code 1 goescape install ./bad 2>../inst.err) &&
	(cd brokenmod && GOBIN="$TRASH/gobin" test_expect_code 1 go install ./bad 2>../inst-go.err) &&
	test_cmp inst-go.err inst.err
'

test_expect_success 'goescape report on a broken module exits 3, nothing on stdout' '
	(cd brokenmod && test_expect_code 3 goescape report >../r.out 2>../r.err) &&
	test ! -s r.out &&
	grep -q "^bad/bad.go:17:13: undefined: undefinedName$" r.err &&
	tail -n 1 r.err >actual &&
	echo "goescape: go build failed (exit status 1)" >expect &&
	test_cmp expect actual &&
	(cd brokenmod && test_expect_code 3 goescape report --format json >../r.out 2>/dev/null) &&
	test ! -s r.out
'

test_expect_success 'report -o FILE on a broken module leaves FILE as it was' '
	echo sentinel >keep.json &&
	(cd brokenmod && test_expect_code 3 goescape report --format json -o ../keep.json 2>/dev/null) &&
	echo sentinel >expect &&
	test_cmp expect keep.json &&
	(cd brokenmod && test_expect_code 3 goescape report --format json -o ../new.json 2>/dev/null) &&
	test ! -e new.json
'

test_expect_success 'report on the good package alone works' '
	(cd brokenmod && goescape report --format json ./good >../good.json) &&
	json good.json "[(x[\"file\"], x[\"function\"], x[\"message\"]) for x in d[\"diagnostics\"] if x[\"kind\"] == \"moved\"]" >actual &&
	echo "[(${SQ}good/good.go${SQ}, ${SQ}Keep${SQ}, ${SQ}moved to heap: x${SQ})]" >expect &&
	test_cmp expect actual
'

# A go killed by a signal: goescape dies of the same signal.
test_expect_success 'go killed by SIGTERM: goescape build is killed by it too' '
	printf "#!/bin/sh\nkill -TERM \$\$\nsleep 5\n" >killed-go &&
	chmod +x killed-go &&
	(cd brokenmod && GOESCAPE_GO="$TRASH/killed-go" test_expect_code 143 goescape build ./good)
'

# SIGTERM to goescape while go runs: go gets it, goescape dies of it, and
# no other go is started after it (the slow go below logs every start).
test_expect_success 'goescape build interrupted by SIGTERM: forwarded, re-raised, nothing more run' '
	cat >slow-go <<-EOF &&
	#!/bin/sh
	sleep 30 &
	child=\$!
	trap "echo got-TERM >>$TRASH/slow.log; kill \$child; exit 143" TERM
	echo "start \$1" >>"$TRASH/slow.log"
	wait
	EOF
	chmod +x slow-go &&
	cd brokenmod &&
	{ GOESCAPE_GO="$TRASH/slow-go" "$GOESCAPE_BIN" build ./good & } &&
	pid=$! &&
	cd .. &&
	for i in $(seq 100); do grep -q "^start" slow.log 2>/dev/null && break; sleep 0.1; done &&
	kill -TERM $pid &&
	{ wait $pid; rc=$?; } &&
	test $rc = 143 &&
	printf "start build\ngot-TERM\n" >expect &&
	test_cmp expect slow.log
'

test_done
