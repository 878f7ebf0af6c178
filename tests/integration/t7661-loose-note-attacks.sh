#!/usr/bin/env bash
# goescape's own reader of loose note blobs (log, check, the hook) against
# hostile object files: what is not a well-formed blob is never taken as
# the note (log shows the commit without one), and a FIFO planted as the
# object (or a symlink to one) is not waited on, by goescape or by the
# libgit2 read it would fall back to.
. "$(dirname "$0")/lib.sh"

# obj_path REV: the loose object file of REV's goescape note.
obj_path() {
	b=$(git notes --ref=goescape list "$1") &&
	echo ".git/objects/$(echo "$b" | cut -c1-2)/$(echo "$b" | cut -c3-)"
}

test_expect_success 'setup: two commits with notes' '
	copy_example repo &&
	cd repo &&
	git init -q &&
	git add . &&
	git commit -qm "start" &&
	f=$(git ls-files "*.go" | head -n 1) &&
	echo "// one" >>"$f" && git commit -qam "comment one" &&
	goescape report --commit HEAD~1 --format json >/dev/null &&
	goescape report --commit HEAD --format json >/dev/null &&
	test -f "$(obj_path HEAD)" &&
	goescape log --format json >../good.json
'

for how in fifo symlink-to-fifo directory; do
	test_expect_success "a $how where the note object should be: read as no note, no hang" '
		cd repo &&
		p=$(obj_path HEAD) &&
		mv "$p" ../saved &&
		case '$how' in
		fifo) mkfifo "$p" ;;
		symlink-to-fifo) mkfifo ../fifo && ln -s "$PWD/../fifo" "$p" ;;
		directory) mkdir "$p" ;;
		esac &&
		rm -rf .git/goescape/log &&
		rc=0 && { timeout 20 "$GOESCAPE_BIN" log --format json >out 2>err || rc=$?; } &&
		rm -rf "$p" ../fifo && mv ../saved "$p" &&
		test $rc = 0 &&
		json out "[c[\"note\"] for c in d[\"commits\"]]" >notes &&
		echo "[False, True]" >expect &&
		test_cmp expect notes &&
		goescape log --format json >again.json &&
		test_cmp ../good.json again.json
	'
done

test_done
