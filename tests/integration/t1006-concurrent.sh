#!/usr/bin/env bash
# Concurrent checks on one repository without notes: each builds the base
# in place (writing the same base blob, its own overlay file) and stores
# notes; all must succeed, agree, and leave a valid notes ref with every
# note any of them wrote.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a base, a head with one new escape, reference reports' '
	copy_example repo &&
	cd repo &&
	git init -q &&
	git add . &&
	git commit -qm base &&
	goescape report --format json >../base.json &&
	printf "package cart\n\n// Make returns a fresh cart.\nfunc Make() *Cart {\n\treturn &Cart{}\n}\n" >cart/make.go &&
	echo "// The end." >>cart/cart.go &&
	git add . &&
	git commit -qm make &&
	goescape report --format json >../head.json &&
	git update-ref -d refs/notes/goescape &&
	rm -rf .git/goescape &&
	cat >../expect <<-\EOF
	cart/make.go:5:9: Make: &Cart{} escapes to heap
	1 new heap escape, 0 fixed (of 9 in all)
	EOF
'

# round N: N checks at once; each must exit 1 with the expected output.
round() {
	local n=$1 i pids=() rc=0
	for i in $(seq "$n"); do
		goescape check --base HEAD~1 >"../out.$i" 2>"../err.$i" &
		pids+=($!)
	done
	for i in $(seq "$n"); do
		local got=0
		wait "${pids[$((i - 1))]}" || got=$?
		if [ "$got" != 1 ]; then
			echo "check $i exited $got" >&2
			cat "../err.$i" >&2
			rc=1
		fi
		test_cmp ../expect "../out.$i" >&2 || rc=1
		test_cmp /dev/null "../err.$i" >&2 || rc=1
	done
	return $rc
}

# notes_ok: the notes ref holds exactly the two reference reports.
notes_ok() {
	git notes --ref=goescape show HEAD~1 >../note.base &&
	test_cmp ../base.json ../note.base &&
	git notes --ref=goescape show HEAD >../note.head &&
	test_cmp ../head.json ../note.head &&
	test "$(git notes --ref=goescape list | wc -l)" = 2 &&
	! test -e .git/refs/notes/goescape.lock &&
	git fsck --no-progress --no-dangling 2>&1 >/dev/null | { ! grep .; }
}

test_expect_success 'two concurrent checks --base HEAD~1 without notes both succeed' '
	cd repo &&
	round 2 &&
	notes_ok
'

test_expect_success 'four concurrent checks, three times over, without notes' '
	cd repo &&
	for r in 1 2 3; do
		git update-ref -d refs/notes/goescape &&
		rm -rf .git/goescape &&
		round 4 &&
		notes_ok || exit 1
	done
'

test_expect_success 'concurrent checks leave no overlay or checkout files behind' '
	cd repo &&
	ls .git/goescape >../left &&
	echo blobs >../expect.left &&
	test_cmp ../expect.left ../left &&
	git status --porcelain >../status &&
	test_cmp /dev/null ../status
'

test_expect_success 'concurrent checks with the notes present agree too' '
	cd repo &&
	round 3 &&
	notes_ok
'

# The checkout fallback (overlay builds refused) uses one directory per
# commit: concurrent checks must not remove it under each other's build.
test_expect_success 'concurrent checks through the checkout fallback all succeed' '
	mkdir -p "$TRASH/no-overlay/bin" &&
	cp "$(go env GOROOT)/VERSION" "$TRASH/no-overlay/VERSION" &&
	printf "#!/bin/sh\nfor a in \"\$@\"; do case \"\$a\" in -overlay*) exit 7 ;; esac; done\nexec %s \"\$@\"\n" "$(command -v go)" >"$TRASH/no-overlay/bin/go" &&
	chmod +x "$TRASH/no-overlay/bin/go" &&
	cd repo &&
	export GOESCAPE_GO="$TRASH/no-overlay/bin/go" &&
	for r in 1 2 3; do
		git update-ref -d refs/notes/goescape &&
		round 4 &&
		notes_ok || exit 1
	done &&
	find .git/goescape -name "checkout-*" -type d >../dirs &&
	test_cmp /dev/null ../dirs
'

# Notes on different commits written at once: none may be lost when the
# notes ref moves under a writer.
test_expect_success 'concurrent reports of different commits: every note is kept' '
	cd repo &&
	for i in 1 2 3 4 5; do
		echo "// commit $i" >>main.go &&
		git commit -qam "commit $i" || exit 1
	done &&
	for r in 1 2 3; do
		git update-ref -d refs/notes/goescape &&
		pids="" &&
		for i in 0 1 2 3 4 5; do
			goescape report --commit HEAD~$i --format json >"../rep.$i" 2>"../rerr.$i" &
			pids="$pids $!"
		done &&
		for p in $pids; do
			wait $p || { echo "round $r: a report failed"; cat ../rerr.*; exit 1; }
		done &&
		git notes --ref=goescape list >../notes.list &&
		{ test "$(wc -l <../notes.list)" = 6 || { echo "round $r: notes lost"; cat ../notes.list; exit 1; }; } &&
		for i in 0 1 2 3 4 5; do
			git notes --ref=goescape show HEAD~$i >../note.$i &&
			test_cmp "../rep.$i" ../note.$i &&
			test_cmp /dev/null ../rerr.$i || exit 1
		done
	done
'

test_done
