#!/usr/bin/env bash
# A go that is not a GOROOT's bin/go (a wrapper script) is asked its version
# once per run, not once per build: check without notes builds the head and
# the base, yet runs "go env GOVERSION" a single time.
. "$(dirname "$0")/lib.sh"

test_expect_success 'check through a wrapper go: one version question' '
	real=$(command -v go) &&
	printf "#!/bin/sh\necho \"\$*\" >>%s/go.log\nexec %s \"\$@\"\n" "$TRASH" "$real" >gowrap &&
	chmod +x gowrap &&
	copy_example shop &&
	cd shop &&
	git init -q && git add . && git commit -qm shop &&
	printf "package cart\n\nfunc Box(n int) *int { return &n }\n" >cart/box.go &&
	git add cart && git commit -qm box &&
	code=0 &&
	{ GOESCAPE_GO=$TRASH/gowrap goescape check --base HEAD~1 --format json -o ../c.json || code=$?; } &&
	test $code = 1 &&
	test "$(grep -c "^list .*-export " ../go.log)" -ge 2 &&
	test "$(grep -c "^env GOVERSION" ../go.log)" = 1 &&
	test "$(json ../c.json "d[\"go\"]")" = "$(go env GOVERSION)"
'

test_done
