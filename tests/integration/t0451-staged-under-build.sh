#!/usr/bin/env bash
# A change staged while go builds (the work tree then matches the index, the
# index no longer HEAD) moves the tree under the build: no note is stored
# for HEAD.  The state after the build must be read from the index as it is
# on disk then, not as goescape's first look at it left it in memory (its
# cached tree id still said "HEAD's tree").
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: the shop committed; a go that stages a change first' '
	copy_example repo &&
	(cd repo && git init -q && git add . && git commit -qm shop) &&
	fake_go stager "if [ \"\$1\" = build ] && [ -f \"$TRASH/stage-now\" ]; then
		rm \"$TRASH/stage-now\"
		(cd \"$TRASH/repo\" && printf \"\\nfunc Leak() *int { x := 7; return &x }\\n\" >>cart/cart.go && git add cart/cart.go)
	fi"
'

test_expect_success 'a change staged under the build: no note for HEAD' '
	touch stage-now &&
	(cd repo && GOESCAPE_GO="$TRASH/stager/bin/go" goescape build -o /dev/null ./... 2>../err) &&
	! test -f stage-now &&
	(cd repo && git diff --cached --quiet && exit 1; git diff --quiet) &&
	(cd repo && ! git notes --ref=goescape show HEAD 2>/dev/null)
'

test_expect_success 'the same build without the change stores the note' '
	(cd repo && git reset -q --hard &&
		GOESCAPE_GO="$TRASH/stager/bin/go" goescape build -o /dev/null ./... &&
		git notes --ref=goescape show HEAD >/dev/null)
'

# The index's cached tree is HEAD's in each of these: the work tree side is
# still looked at.
for how in untracked intent-to-add; do
	test_expect_success "a new .go file ($how): no note for HEAD, none replayed" '
		(cd repo && git reset -q --hard && { git notes --ref=goescape remove HEAD 2>/dev/null || :; } &&
		printf "package cart\n\nfunc Extra() *int { y := 8; return &y }\n" >cart/extra.go &&
		if test '"$how"' = intent-to-add; then git add -N cart/extra.go; fi &&
		goescape build -o /dev/null ./... 2>../new.err &&
		! git notes --ref=goescape show HEAD 2>/dev/null &&
		rm cart/extra.go && git reset -q)
	'
done

test_expect_success 'a file changed after a stored build: not replayed, not stored' '
	(cd repo && git reset -q --hard &&
		goescape build -o /dev/null ./... 2>../a.err &&
		goescape build -o /dev/null ./... 2>../b.err && test_cmp ../a.err ../b.err &&
		git notes --ref=goescape show HEAD >../note1 &&
		printf "\nfunc Leak() *int { x := 7; return &x }\n" >>cart/cart.go &&
		goescape build -o /dev/null ./... 2>../c.err &&
		! test_cmp ../a.err ../c.err >/dev/null &&
		git notes --ref=goescape show HEAD >../note2 && test_cmp ../note1 ../note2 &&
		git checkout -q cart/cart.go)
'

test_done
