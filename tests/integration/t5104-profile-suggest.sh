#!/usr/bin/env bash
# suggest --profile: the verified rewrites ranked by the bytes of a real
# benchmark profile they remove (direct and via strconv/fmt on their line;
# the rewrite inside an always-inlined function gets its call site's
# bytes), to stderr, with the patch on stdout unchanged; a profile that is
# not a heap profile exits 2 before any build.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-profile.sh"

test_expect_success 'setup: the profile module and its benchmark profile' '
	profile_module m &&
	cd m &&
	mem_profile mem.out &&
	cpu_profile cpu.out
'

test_expect_success 'rewrites ranked by bytes on stderr, the same patch on stdout' '
	cd m &&
	goescape suggest >plain.diff 2>plain.err &&
	goescape suggest --profile mem.out >ranked.diff 2>err &&
	test_cmp plain.diff ranked.diff &&
	grep -q "^rewrites by the bytes they remove (alloc_space):\$" err &&
	sed -n "/^rewrites by/,\$p" err >rank &&
	test $(wc -l <rank) = 5 &&
	sed -n 2p rank | grep -q "^   46.9 kB  *2%  hot/hot.go:25  ItoaBytesInl  itoa-bytes (23.5 kB via strconv.Itoa)\$" &&
	sed -n 3p rank | grep -q "^   46.9 kB  *2%  hot/hot.go:32  ItoaBytes  itoa-bytes (23.5 kB via strconv.Itoa)\$" &&
	sed -n 4p rank | grep -q "  hot/hot.go:37  Sprintf  sprintf-d (.* via fmt.Sprintf)\$" &&
	sed -n 5p rank | grep -q "of the profile.s 2.[0-9] MB on the rewritten lines\$" &&
	! grep -q warning err
'

test_expect_success 'alloc_objects: the same order, the share by objects' '
	cd m &&
	goescape suggest --profile mem.out --profile-sample alloc_objects >/dev/null 2>err &&
	grep -q "^rewrites by the bytes they remove (alloc_objects):\$" err &&
	grep -q "hot/hot.go:25  ItoaBytesInl" err
'

test_expect_success 'a CPU profile, a truncated one, ?debug=1 text: exit 2 before any build' '
	cd m &&
	printf "#!/bin/sh\ntouch \"%s/ran\"\nexec /usr/local/go/bin/go \"\$@\"\n" "$TRASH" >../marking-go &&
	chmod +x ../marking-go &&
	rm -f "$TRASH/ran" &&
	GOESCAPE_GO="$TRASH/marking-go" test_expect_code 2 "$GOESCAPE_BIN" suggest --profile cpu.out >out 2>err &&
	test ! -s out && test $(wc -l <err) = 1 && grep -q "profile .cpu.out.: not a heap profile" err &&
	head -c 1500 mem.out >trunc.out &&
	GOESCAPE_GO="$TRASH/marking-go" test_expect_code 2 "$GOESCAPE_BIN" suggest --profile trunc.out >out 2>err &&
	test $(wc -l <err) = 1 && grep -q "trunc.out" err &&
	cp "$TOP/tests/fixtures/profiles/go1.26.8-heap-debug1.txt" debug1.out &&
	GOESCAPE_GO="$TRASH/marking-go" test_expect_code 2 "$GOESCAPE_BIN" suggest --profile debug1.out >out 2>err &&
	test $(wc -l <err) = 1 && grep -q "profile .debug1.out." err &&
	test ! -e "$TRASH/ran" &&
	test_expect_code 2 goescape suggest --profile-sample alloc_space 2>err &&
	grep -q "go with --profile" err
'

test_done
