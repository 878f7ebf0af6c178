# Helpers shared by the profile tests (t0302, t5101-t5104): the profile
# module committed in a repository, a real benchmark heap profile of it, and
# a query over a report's diagnostics in hot/hot.go.  Sourced after lib.sh.

# profile_module DIR [MESSAGE]: tests/fixtures/profilemod in $TRASH/DIR
# (without a test binary a previous run left), a git repository with it
# committed as MESSAGE ("profilemod") and a .gitignore for the test binary
# and the profiles.
profile_module() {
	copy_module profilemod "$1" &&
	rm -f "$TRASH/$1/hot/hot.test" &&
	(
		cd "$TRASH/$1" &&
		printf "hot/hot.test\n*.out\n" >.gitignore &&
		git init -q && git add . && git commit -qm "${2:-profilemod}"
	)
}

# mem_profile OUT: run the benchmarks of hot/ in the module in the current
# directory, 1000 times each with every allocation sampled, and write their
# heap profile to OUT (relative to the module); fails when OUT is empty.
mem_profile() {
	(cd hot && go test -run '^$' -bench . -benchtime=1000x -memprofilerate=1 \
		-memprofile "../$1" >/dev/null) &&
	test -s "$1"
}

# cpu_profile OUT: the same benchmarks' CPU profile (not a heap profile).
cpu_profile() {
	(cd hot && go test -run '^$' -bench . -benchtime=1000x -cpuprofile "../$1" >/dev/null) &&
	test -s "$1"
}

# hot_py FILE CODE: CODE in python with d the JSON of FILE and
# diag(line, text) the one diagnostic at hot/hot.go:line whose message
# contains text (an assertion error when there is not exactly one).
hot_py() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
def diag(line, text):
    m = [x for x in d["diagnostics"] if x["file"] == "hot/hot.go" and x["line"] == line and text in x["message"]]
    assert len(m) == 1, (line, text, m)
    return m[0]
exec(sys.argv[2])
' "$@"
}
