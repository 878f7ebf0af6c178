#!/usr/bin/env bash
# goescape's own reader of loose note blobs (log, check, the hook) against
# hostile object files: what is not a well-formed blob is never taken as
# the note (log shows the commit without one), and a FIFO planted as the
# object (or a symlink to one) is not waited on, by goescape or by the
# libgit2 read it would fall back to; nor is a truncated zlib stream, a
# header that lies about the size or type, or a stream whose Adler-32 is
# wrong (libgit2 1.5 never returns from a truncated loose object).
. "$(dirname "$0")/lib.sh"

# obj_path REV: the loose object file of REV's goescape note.
obj_path() {
	b=$(git notes --ref=goescape list "$1") &&
	echo ".git/objects/$(echo "$b" | cut -c1-2)/$(echo "$b" | cut -c3-)"
}

# craft HOW OUT <content: a loose object file for content, made HOW.
craft() {
	python3 -c '
import sys, zlib
how, out = sys.argv[1], sys.argv[2]
c = sys.stdin.buffer.read()
n = len(c)
def obj(t, size): return t + b" " + str(size).encode() + b"\0" + c
z = {"good": lambda: zlib.compress(obj(b"blob", n)),
     "larger": lambda: zlib.compress(obj(b"blob", n + 1)),
     "smaller": lambda: zlib.compress(obj(b"blob", n - 1)),
     "tree": lambda: zlib.compress(obj(b"tree", n)),
     "overflow": lambda: zlib.compress(obj(b"blob", 2**64 + n)),
     "truncated": lambda: zlib.compress(obj(b"blob", n))[:-40],
     "bad-adler": lambda: zlib.compress(obj(b"blob", n), 0)}[how]()
if how == "bad-adler":
	i = z.index(b"\"line\":") + 7
	z = z[:i] + (b"9" if z[i:i+1] != b"9" else b"8") + z[i+1:]
open(out, "wb").write(z)
' "$@"
}

test_expect_success 'setup: two commits with notes' '
	example_repo repo &&
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

for how in larger smaller tree overflow truncated bad-adler; do
	test_expect_success "a loose note object made $how is read as no note, no hang" '
		cd repo &&
		p=$(obj_path HEAD) &&
		git notes --ref=goescape show HEAD >../note.txt &&
		mv "$p" ../saved &&
		craft good "$p" <../note.txt &&
		rm -rf .git/goescape/log &&
		goescape log --format json >again.json &&
		test_cmp ../good.json again.json &&
		rm -f "$p" &&
		craft '$how' "$p" <../note.txt &&
		rm -rf .git/goescape/log &&
		rc=0 && { timeout 20 "$GOESCAPE_BIN" log --format json >out 2>err || rc=$?; } &&
		rm -f "$p" && mv ../saved "$p" &&
		test $rc = 0 &&
		json out "[c[\"note\"] for c in d[\"commits\"]]" >notes &&
		echo "[False, True]" >expect &&
		test_cmp expect notes
	'
done

test_expect_success 'check: a truncated base note is rebuilt, not waited on' '
	cd repo &&
	p=$(obj_path HEAD~1) &&
	git notes --ref=goescape show HEAD~1 >../note.txt &&
	mv "$p" ../saved &&
	craft truncated "$p" <../note.txt &&
	rc=0 && { timeout 60 "$GOESCAPE_BIN" check --base HEAD~1 >out 2>err || rc=$?; } &&
	rm -f "$p" && mv ../saved "$p" &&
	cat out err &&
	test $rc = 0 &&
	grep "^0 new heap escapes" out
'

test_done
