#!/usr/bin/env bash
# A base without a note is built in place: the files that differ from the
# base are replaced through go -overlay by the base's blobs.  Whatever the
# working tree holds (edits, untracked files, deletions, renames), the base
# report is the base's.  When the overlay build fails, a checkout under
# .git/goescape/ is built instead.
. "$(dirname "$0")/lib.sh"

# Logs "cwd: arguments" of each invocation to $GOLOG.
fake_go logging 'printf "%s: %s\n" "$PWD" "$*" >>"$GOLOG"'
LOGGING_GO=$TRASH/logging/bin/go
# Logs like the above, and refuses -overlay builds.
fake_go no-overlay 'printf "%s: %s\n" "$PWD" "$*" >>"$GOLOG"; for a in "$@"; do case "$a" in -overlay*) exit 7 ;; esac; done'
NO_OVERLAY_GO=$TRASH/no-overlay/bin/go

# The base: the example module plus cart/old.go, one more escape.
test_expect_success 'setup: a base commit and its reference report' '
	copy_example base &&
	cd base &&
	printf "package cart\n\n// Old returns a fresh cart.\nfunc Old() *Cart {\n\treturn &Cart{}\n}\n" >cart/old.go &&
	git init -q &&
	git add . &&
	git commit -qm base &&
	goescape report --format json >../ref.json &&
	test "$(json ../ref.json "d[\"summary\"][\"heap\"], d[\"dirty\"]")" = "(9, False)" &&
	git notes --ref=goescape show HEAD >note.json &&
	test_cmp ../ref.json note.json &&
	git update-ref -d refs/notes/goescape &&
	rm note.json
'

# fresh DIR: a clone of the base with no notes.
fresh() {
	rm -rf "$TRASH/$1" &&
	git clone -q "$TRASH/base" "$TRASH/$1" &&
	cd "$TRASH/$1" &&
	test_expect_code 1 git rev-parse -q --verify refs/notes/goescape
}

# base_note_is_ref: the note stored on HEAD (the base) is the reference.
# (Written beside the repository, so git status stays as it was.)
base_note_is_ref() {
	git notes --ref=goescape show HEAD >"../$(basename "$PWD").note.json" &&
	test_cmp "$TRASH/ref.json" "../$(basename "$PWD").note.json"
}

test_expect_success 'the base is built with -overlay, in place, and its note stored' '
	fresh edit &&
	sed -i "s|^// New returns|// (moved)\n//\n// New returns|" cart/cart.go &&
	printf "\n// Two makes an item.\nfunc Two() *Item { return &Item{SKU: \"two\"} }\n" >>cart/cart.go &&
	git status --porcelain >../edit.status.before &&
	cp cart/cart.go ../edit.cart.go &&
	rm -f "$TRASH/edit.log" &&
	GOLOG="$TRASH/edit.log" GOESCAPE_GO="$LOGGING_GO" \
		test_expect_code 1 goescape check --base HEAD >../edit.actual &&
	cat >../edit.expect <<-\EOF &&
	cart/cart.go:53:27: Two: &Item{...} escapes to heap
	1 new heap escape, 0 fixed (of 10 in all)
	EOF
	test_cmp ../edit.expect ../edit.actual &&
	test "$(grep -c ": list " "$TRASH/edit.log")" = 2 &&
	test "$(grep -c -e "-overlay $PWD/.git/goescape/overlay-[0-9]*\.json " "$TRASH/edit.log")" = 1 &&
	test "$(grep -c "^$PWD: list " "$TRASH/edit.log")" = 2 &&
	base_note_is_ref &&
	git status --porcelain >../edit.status.after &&
	test_cmp ../edit.status.before ../edit.status.after &&
	cmp ../edit.cart.go cart/cart.go
'

test_expect_success 'the backing file is the base blob, named by its id; no overlay file is left' '
	cd edit &&
	blob=$(git rev-parse HEAD:cart/cart.go) &&
	git cat-file blob "$blob" >expect &&
	test_cmp expect ".git/goescape/blobs/$blob/cart.go" &&
	ls .git/goescape >../edit.left &&
	echo blobs >../edit.expect.left &&
	test_cmp ../edit.expect.left ../edit.left
'

test_expect_success 'an untracked new file: the base report is the base'\''s' '
	fresh untracked &&
	printf "package cart\n\n// Make returns a fresh cart.\nfunc Make() *Cart {\n\treturn &Cart{}\n}\n" >cart/make.go &&
	test_expect_code 1 goescape check --base HEAD >actual &&
	cat >expect <<-\EOF &&
	cart/make.go:5:9: Make: &Cart{} escapes to heap
	1 new heap escape, 0 fixed (of 10 in all)
	EOF
	test_cmp expect actual &&
	base_note_is_ref
'

test_expect_success 'an untracked new package: the base report is the base'\''s' '
	fresh newpkg &&
	mkdir -p extra &&
	printf "package extra\n\n// P returns a pointer.\nfunc P() *int {\n\tx := 1\n\treturn &x\n}\n" >extra/extra.go &&
	test_expect_code 1 goescape check --base HEAD >actual &&
	cat >expect <<-\EOF &&
	extra/extra.go:5:2: P: moved to heap: x
	1 new heap escape, 0 fixed (of 10 in all)
	EOF
	test_cmp expect actual &&
	base_note_is_ref
'

test_expect_success 'a deleted file: the base report is the base'\''s, its escape fixed' '
	fresh deleted &&
	rm cart/old.go &&
	goescape check --base HEAD --format json >out.json &&
	test "$(json out.json "\" \".join(x[\"file\"] + \":\" + x[\"function\"] for x in d[\"fixed\"])")" = "cart/old.go:Old" &&
	base_note_is_ref
'

test_expect_success 'a renamed file (mv, not staged): the base report is the base'\''s' '
	fresh mv &&
	mv cart/cart.go cart/basket.go &&
	goescape check --base HEAD >actual &&
	echo "0 new heap escapes, 0 fixed (of 9 in all)" >expect &&
	test_cmp expect actual &&
	base_note_is_ref
'

test_expect_success 'a renamed file (git mv, staged): the base report is the base'\''s' '
	fresh gitmv &&
	git mv cart/cart.go cart/basket.go &&
	goescape check --base HEAD >actual &&
	echo "0 new heap escapes, 0 fixed (of 9 in all)" >expect &&
	test_cmp expect actual &&
	base_note_is_ref
'

test_expect_success 'a deleted package directory: the base report is the base'\''s' '
	fresh deldir &&
	mkdir extra &&
	printf "package extra\n\n// P returns a pointer.\nfunc P() *int {\n\tx := 1\n\treturn &x\n}\n" >extra/extra.go &&
	git add extra &&
	git commit -qm extra &&
	goescape report --format json >../deldir.ref.json &&
	git update-ref -d refs/notes/goescape &&
	rm -r extra &&
	goescape check --base HEAD >actual &&
	echo "0 new heap escapes, 1 fixed (of 9 in all)" >expect &&
	test_cmp expect actual &&
	git notes --ref=goescape show HEAD >../deldir.note.json &&
	test_cmp ../deldir.ref.json ../deldir.note.json
'

test_expect_success 'a renamed package directory: nothing new, the base report the base'\''s' '
	cd deldir &&
	git checkout -q extra &&
	git update-ref -d refs/notes/goescape &&
	git mv extra extra2 &&
	goescape check --base HEAD >actual &&
	echo "0 new heap escapes, 0 fixed (of 10 in all)" >expect &&
	test_cmp expect actual &&
	git notes --ref=goescape show HEAD >../deldir.note.json &&
	test_cmp ../deldir.ref.json ../deldir.note.json
'

test_expect_success 'all at once, plus a changed go.mod: the base report is the base'\''s' '
	fresh all &&
	git mv cart/cart.go cart/basket.go &&
	sed -i "s|^// New returns|// (moved)\n//\n// New returns|" cart/basket.go &&
	git rm -q cart/old.go &&
	printf "package cart\n\n// Make returns a fresh cart.\nfunc Make() *Cart {\n\treturn &Cart{}\n}\n" >cart/make.go &&
	sed -i "s/^go 1.19$/go 1.21/" go.mod &&
	echo "// staged and then changed again" >>main.go &&
	git add main.go &&
	echo "// a second change" >>main.go &&
	git status --porcelain -- cart main.go go.mod >status.before &&
	goescape check --base HEAD >actual &&
	cat >expect <<-\EOF &&
	cart/make.go:5:9: Make: &Cart{} escapes to heap  (moved from Old in cart/old.go)
	0 new heap escapes, 0 fixed, 1 moved with their code (of 9 in all)
	EOF
	test_cmp expect actual &&
	base_note_is_ref &&
	git status --porcelain -- cart main.go go.mod >status.after &&
	test_cmp status.before status.after &&
	grep -q "^go 1.21$" go.mod
'

test_expect_success 'a committed head on top: --base HEAD~1 builds HEAD~1 in place' '
	fresh committed &&
	printf "package cart\n\n// Make returns a fresh cart.\nfunc Make() *Cart {\n\treturn &Cart{}\n}\n" >cart/make.go &&
	git rm -q cart/old.go &&
	git add cart/make.go &&
	git commit -qm "make, not old" &&
	rm -f "$TRASH/committed.log" &&
	GOLOG="$TRASH/committed.log" GOESCAPE_GO="$LOGGING_GO" \
		goescape check --base HEAD~1 >actual &&
	cat >expect <<-\EOF &&
	cart/make.go:5:9: Make: &Cart{} escapes to heap  (moved from Old in cart/old.go)
	0 new heap escapes, 0 fixed, 1 moved with their code (of 9 in all)
	EOF
	test_cmp expect actual &&
	test "$(grep -c -e "-overlay " "$TRASH/committed.log")" = 1 &&
	git notes --ref=goescape show HEAD~1 >base-note.json &&
	test_cmp "$TRASH/ref.json" base-note.json
'

test_expect_success 'when the overlay build fails, a checkout under .git/goescape/ is built' '
	fresh fallback &&
	rm cart/old.go &&
	echo "// changed" >>cart/cart.go &&
	rm -f "$TRASH/fallback.log" &&
	GOLOG="$TRASH/fallback.log" GOESCAPE_GO="$NO_OVERLAY_GO" \
		goescape check --base HEAD >actual &&
	echo "0 new heap escapes, 1 fixed (of 8 in all)" >expect &&
	test_cmp expect actual &&
	test "$(grep -c -e "-overlay " "$TRASH/fallback.log")" = 1 &&
	grep -q "^$PWD/.git/goescape/checkout-$(git rev-parse HEAD): list " "$TRASH/fallback.log" &&
	base_note_is_ref &&
	find .git/goescape -name "checkout-*" -type d >../fallback.dirs &&
	test_cmp /dev/null ../fallback.dirs &&
	test -f cart/cart.go &&
	! test -e cart/old.go
'

test_expect_success 'the checkout fallback, run from a directory the base does not have' '
	fresh fallback2 &&
	mkdir -p extra &&
	printf "package extra\n\n// P returns a pointer.\nfunc P() *int {\n\tx := 1\n\treturn &x\n}\n" >extra/extra.go &&
	cd extra &&
	GOLOG="$TRASH/fallback2.log" GOESCAPE_GO="$NO_OVERLAY_GO" \
		test_expect_code 1 goescape check --base HEAD >../../fallback2.actual &&
	cat >../../fallback2.expect <<-\EOF &&
	extra/extra.go:5:2: P: moved to heap: x
	1 new heap escape, 0 fixed (of 10 in all)
	EOF
	test_cmp ../../fallback2.expect ../../fallback2.actual &&
	grep -q "^$(cd .. && pwd)/.git/goescape/checkout-$(git rev-parse HEAD): list " "$TRASH/fallback2.log" &&
	cd .. &&
	base_note_is_ref
'

test_expect_success 'a base that does not build: exit 3, the tree untouched' '
	fresh broken &&
	echo "func Broken( {" >>cart/old.go &&
	git commit -qam "broken" &&
	git rm -q cart/old.go &&
	git commit -qm "fixed" &&
	test_expect_code 3 goescape check --base HEAD~1 >../broken.out 2>../broken.err &&
	test_cmp /dev/null ../broken.out &&
	grep -q "go build failed" ../broken.err &&
	test_expect_code 1 git notes --ref=goescape show HEAD~1 2>/dev/null &&
	find .git/goescape -name "checkout-*" -type d >../broken.dirs &&
	test_cmp /dev/null ../broken.dirs &&
	git status --porcelain >../broken.status &&
	test_cmp /dev/null ../broken.status
'

test_done
