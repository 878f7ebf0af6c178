# Helpers shared by the pre-push hook tests (t3*): a bare remote and a clone
# with the hook installed, files that add or do not add an escape, and what
# the hook printed.  Sourced after lib.sh.

# The hook runs 'goescape' from PATH.
GOESCAPE_DIR=$(cd "$(dirname "$GOESCAPE_BIN")" && pwd)
export PATH="$GOESCAPE_DIR:$PATH"

# new_pair_unhooked NAME: NAME.git, a bare remote holding the example module
# on main, and NAME, a clone of it (so origin/HEAD is set), no hook installed.
new_pair_unhooked() {
	copy_example "$1.seed" &&
	(cd "$1.seed" && git init -q && git add . && git commit -qm shop) &&
	git clone -q --bare "$1.seed" "$1.git" &&
	rm -rf "$1.seed" &&
	git clone -q "$1.git" "$1"
}

# new_pair NAME: the same with the hook installed in NAME.
new_pair() {
	new_pair_unhooked "$1" &&
	(cd "$1" && goescape hook install 2>/dev/null)
}

# add_box NAME: a new file cart/NAME.go whose function Box<NAME> moves its
# parameter to the heap: "cart/NAME.go:4:<col>: BoxNAME: moved to heap: n".
add_box() {
	printf 'package cart\n\n// Box%s boxes n.\nfunc Box%s(n int) *int { return &n }\n' "$1" "$1" >"cart/$1.go"
}

# add_clean NAME: a new file with a function that allocates nothing.
add_clean() {
	printf 'package cart\n\n// Twice%s doubles n.\nfunc Twice%s(n int) int { return 2 * n }\n' "$1" "$1" >"cart/$1.go"
}

# hook_lines FILE: what the hook printed (goescape's lines and diagnostics).
hook_lines() {
	sed -n -e '/^goescape/p' -e '/^[a-z0-9_/]*\.go:[0-9]/p' "$1"
}

# remote_rev PAIR REF
remote_rev() {
	git --git-dir="$TRASH/$1.git" rev-parse --verify -q "$2"
}
