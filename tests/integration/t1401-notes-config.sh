#!/usr/bin/env bash
# Notes carry their build configuration: a report made with -tags, GOOS,
# -gcflags=all=-l or another Go version is stored beside the others, never
# in their place, and check --base, report --commit and log use only the
# report of the configuration a build here has.
. "$(dirname "$0")/lib.sh"

GO119=/usr/lib/go-1.19/bin/go

# The shop, plus escapes that only some configurations compile: one file
# left out by -tags=lean, one left out on windows.
new_repo() {
	copy_example "$1" &&
	cat >"$1/cart/full.go" <<-\EOF &&
	//go:build !lean

	package cart

	// Full is compiled unless -tags=lean.
	func Full(n int) *int { return &n }
	EOF
	cat >"$1/cart/unix.go" <<-\EOF &&
	//go:build !windows

	package cart

	// Unix is compiled unless GOOS=windows.
	func Unix(s string) *string { return &s }
	EOF
	(cd "$1" && git init -q && git add . && git commit -qm shop)
}

# comment_commit: a commit that changes no escape.
comment_commit() {
	echo "// a comment" >>main.go && git commit -qam comment
}

# clean_check: check --base HEAD~1 in the default configuration finds
# nothing new and nothing fixed.
clean_check() {
	goescape check --base HEAD~1 --format json -o check.json &&
	test "$(json check.json "(d[\"summary\"][\"new\"], d[\"summary\"][\"fixed\"])")" = "(0, 0)"
}

test_expect_success 'setup: the configurations really differ' '
	new_repo probe &&
	cd probe &&
	goescape report --format json --output plain.json &&
	GOFLAGS="$GOFLAGS -tags=lean" goescape report --format json --output lean.json &&
	GOOS=windows goescape report --format json --output win.json &&
	GOFLAGS="$GOFLAGS -gcflags=all=-l" goescape report --format json --output nol.json &&
	GOESCAPE_GO=$GO119 goescape report --format json --output old.json &&
	for f in lean win nol old; do
		test "$(json plain.json "d[\"summary\"][\"heap\"]")" != "$(json $f.json "d[\"summary\"][\"heap\"]")" ||
		return 1
	done
'

test_expect_success 'a note made with -tags, then a comment-only commit: check --base HEAD~1 finds 0 new' '
	new_repo tags &&
	cd tags &&
	GOFLAGS="$GOFLAGS -tags=lean" goescape report >/dev/null &&
	comment_commit &&
	clean_check &&
	git notes --ref=goescape show HEAD~1 | grep -q "tags=lean"
'

test_expect_success 'a note made with GOOS=windows, then a comment-only commit: 0 new' '
	new_repo goos &&
	cd goos &&
	GOOS=windows goescape report >/dev/null &&
	comment_commit &&
	clean_check &&
	git notes --ref=goescape show HEAD~1 | grep -q "goos=windows"
'

test_expect_success 'a note made with GOFLAGS=-gcflags=all=-l, then a comment-only commit: 0 new' '
	new_repo nol &&
	cd nol &&
	GOFLAGS="$GOFLAGS -gcflags=all=-l" goescape report >/dev/null &&
	comment_commit &&
	clean_check &&
	git notes --ref=goescape show HEAD~1 | grep -q "gcflags=all=-l"
'

test_expect_success 'a note made by another Go version, then a comment-only commit: 0 new, no warning' '
	test -x "$GO119" &&
	new_repo old &&
	cd old &&
	GOESCAPE_GO=$GO119 goescape report >/dev/null &&
	comment_commit &&
	clean_check 2>err &&
	test_cmp /dev/null err &&
	git notes --ref=goescape show HEAD~1 | grep -q "go=go1.19"
'

test_expect_success 'the note now holds both reports, one per configuration, sorted by hash' '
	cd old &&
	git notes --ref=goescape show HEAD~1 >note &&
	python3 - note <<-\EOF
	import json, sys
	text = open(sys.argv[1]).read()
	dec, i, reps = json.JSONDecoder(), 0, []
	while i < len(text):
	    while i < len(text) and text[i].isspace():
	        i += 1
	    if i == len(text):
	        break
	    obj, i = dec.raw_decode(text, i)
	    reps.append(obj)
	assert len(reps) == 2, len(reps)
	hashes = [r["config"]["hash"] for r in reps]
	assert hashes == sorted(hashes) and len(set(hashes)) == 2, hashes
	assert sorted(r["go"][:6] for r in reps) == ["go1.19", "go1.26"], [r["go"] for r in reps]
	EOF
'

test_expect_success 'a second check uses the stored report of its own configuration: no base build' '
	cd old &&
	clean_check &&
	printf "#!/bin/sh\ncase \"\$*\" in *-overlay*) echo refused >&2; exit 7;; esac\nexec go \"\$@\"\n" >../no-overlay-go &&
	chmod +x ../no-overlay-go &&
	GOESCAPE_GO=$TRASH/no-overlay-go clean_check
'

test_expect_success 'report --commit shows only a report of the current configuration' '
	new_repo rc &&
	cd rc &&
	goescape report --format json >plain.json &&
	git notes --ref=goescape remove HEAD 2>/dev/null &&
	GOFLAGS="$GOFLAGS -tags=lean" goescape report --format json >lean.json &&
	goescape report --commit HEAD --format json >actual.json &&
	test "$(json actual.json "d[\"config\"]")" = "$(json plain.json "d[\"config\"]")" &&
	test "$(json actual.json "d[\"summary\"]")" = "$(json plain.json "d[\"summary\"]")" &&
	GOFLAGS="$GOFLAGS -tags=lean" goescape report --commit HEAD --format json >actual2.json &&
	test "$(json actual2.json "d[\"summary\"]")" = "$(json lean.json "d[\"summary\"]")"
'

test_expect_success 'log shows only reports of the current configuration' '
	new_repo log &&
	cd log &&
	GOFLAGS="$GOFLAGS -tags=lean" goescape report >/dev/null &&
	goescape log >out &&
	grep -q "^$(git rev-parse --short=7 HEAD) *? " out &&
	GOFLAGS="$GOFLAGS -tags=lean" goescape log >out2 &&
	lean=$(GOFLAGS="$GOFLAGS -tags=lean" goescape report --format json | python3 -c "import json,sys; print(json.load(sys.stdin)[\"summary\"][\"heap\"])") &&
	grep -q "^$(git rev-parse --short=7 HEAD) *$lean " out2
'

test_expect_success 'a captured goescape build -tags=lean ./... is stored under its configuration' '
	new_repo built &&
	cd built &&
	goescape build -tags=lean ./... 2>/dev/null &&
	git notes --ref=goescape show HEAD >note &&
	grep -q "tags=lean" note &&
	GOFLAGS="$GOFLAGS -tags=lean" goescape report --commit HEAD --format json >lean.json &&
	test_cmp note lean.json &&
	comment_commit &&
	clean_check
'

test_expect_success 'an older goescape note (no configuration) is used for no configuration' '
	new_repo legacy &&
	cd legacy &&
	goescape report --format json >plain.json &&
	python3 -c "import json; d=json.load(open(\"plain.json\")); del d[\"config\"]; d[\"diagnostics\"]=[]; d[\"summary\"][\"heap\"]=0; print(json.dumps(d, indent=2))" >legacy.json &&
	git notes --ref=goescape add -f -F legacy.json HEAD &&
	goescape log >out &&
	grep -q "^$(git rev-parse --short=7 HEAD) *? " out &&
	goescape report --commit HEAD --format json >actual.json &&
	test "$(json actual.json "d[\"summary\"][\"heap\"]")" = "$(json plain.json "d[\"summary\"][\"heap\"]")"
'

test_done
