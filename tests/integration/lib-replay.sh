# The replay tests' tools (t7301, t7761): goescape traced with strace, and
# what the trace says it read or wrote.  Sourced after lib.sh.

command -v strace >/dev/null || skip_all "no strace"
strace -qq -o /dev/null true 2>/dev/null || skip_all "strace cannot trace here"
# LeakSanitizer cannot run under ptrace: a sanitizer build is traced with
# its leak check off (every other test checks leaks).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# traced NAME ARGS...: goescape ARGS in repo, its own opens (not go's: no -f)
# in NAME.trace, stderr in NAME.err, exit code in NAME.rc.
traced() {
	name=$1 && shift &&
	(cd repo && { strace -qq -e trace=openat,open,clone,clone3,vfork,fork -o "../$name.trace" \
		"$GOESCAPE_BIN" "$@" 2>"../$name.err"; echo $? >"../$name.rc"; })
}
# opens_go NAME: did goescape itself read a Go source file once go was
# started (attribution; the assertion summary reads only files attribution
# found directives in, t7401)?  Not libgit2's status before the build, which
# reads a racily clean file to compare it with the index (a file restored in
# the same second).
opens_go() { sed -n '/^clone\|^vfork\|^fork/,$p' "$1.trace" | grep -q '\.go", O_RDONLY'; }
# writes_git NAME: did goescape open anything under .git for writing?
writes_git() { grep '/\.git/' "$1.trace" | grep -q 'O_WRONLY\|O_RDWR\|O_CREAT'; }
notes_ref() { (cd repo && git rev-parse -q --verify refs/notes/goescape || echo none); }
