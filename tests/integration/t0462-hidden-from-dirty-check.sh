#!/usr/bin/env bash
# Files git's status does not show are still read by go: an ignored .go
# file (or one in an ignored directory), and a tracked one edited under 'git update-index --assume-unchanged'
# or '--skip-worktree'.  A build with any of them is a dirty tree's build:
# HEAD's note is neither replayed for it nor stored from it.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: the shop committed, its note stored by a clean build' '
	copy_example repo &&
	(cd repo && git init -q && git add . && git commit -qm shop &&
		goescape build -o /dev/null ./... 2>../clean.err &&
		git notes --ref=goescape show HEAD >../note.want &&
		goescape build -o /dev/null ./... 2>../replay.err &&
		test_cmp ../clean.err ../replay.err)
'

# hide HOW: a function whose x escapes, where git status does not show it.
hide() {
	case "$1" in
	ignored)
		echo "cart/extra.go" >>.git/info/exclude &&
		printf "package cart\n\nfunc Leak() *int { x := 7; return &x }\n" >cart/extra.go &&
		test -z "$(git status --porcelain)" ;;
	ignored-dir) # git lists the directory, not the files in it
		echo "extra/" >>.git/info/exclude &&
		mkdir -p extra/deep && : >extra/notes.txt &&
		printf "package deep\n\nfunc Leak() *int { x := 7; return &x }\n" >extra/deep/deep.go &&
		test -z "$(git status --porcelain)" ;;
	assume-unchanged|skip-worktree)
		git update-index --$1 cart/cart.go &&
		printf "\nfunc Leak() *int { x := 7; return &x }\n" >>cart/cart.go &&
		test -z "$(git status --porcelain)" ;;
	esac
}

for how in ignored ignored-dir assume-unchanged skip-worktree; do
	test_expect_success "an edit git does not show ($how): not replayed, no note stored" '
		(cd repo && hide '"$how"' &&
		goescape build -o /dev/null ./... 2>../'"$how"'.err &&
		! test_cmp ../clean.err ../'"$how"'.err >/dev/null &&
		git notes --ref=goescape show HEAD >../note.got &&
		test_cmp ../note.want ../note.got &&
		git notes --ref=goescape remove HEAD 2>/dev/null &&
		goescape build -o /dev/null ./... 2>../'"$how"'.2.err &&
		test_cmp ../'"$how"'.err ../'"$how"'.2.err &&
		! git notes --ref=goescape show HEAD 2>/dev/null)
	'
	test_expect_success "undo $how: the clean build stores the note again" '
		(cd repo && rm -rf cart/extra.go extra && : >.git/info/exclude &&
		git update-index --no-assume-unchanged cart/cart.go &&
		git update-index --no-skip-worktree cart/cart.go &&
		git checkout -q cart/cart.go &&
		goescape build -o /dev/null ./... 2>../undo.err &&
		test_cmp ../clean.err ../undo.err &&
		git notes --ref=goescape show HEAD >../note.got &&
		test_cmp ../note.want ../note.got)
	'
done

test_done
