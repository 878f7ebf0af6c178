# The repository the log tests (t1901, t1902) draw: six commits of a real
# module whose notes differ -- heap escapes added in two packages (alpha,
# beta), one fixed, the second commit without a note, and a subject and a
# file name that try to break out of HTML.  Sourced after lib.sh.

EVIL_SUBJECT='beta: <script>alert(1)</script> </svg> "q" '"'s'"' & done'
EVIL_FILE="beta/x<script>\"q'.go"

# make_trend_repo DIR: the repository, with notes on all commits but HEAD~4,
# and DIR/../shas holding the short shas, newest first.
make_trend_repo() {
	mkdir "$1" && (
		cd "$1" &&
		git init -q &&
		printf "module example.com/trend\n\ngo 1.19\n" >go.mod &&
		mkdir alpha beta &&
		printf "package alpha\n\ntype T struct{ n int }\n\n// New returns a fresh T.\nfunc New() *T { return &T{} }\n" >alpha/alpha.go &&
		printf "package main\n\nimport \"example.com/trend/alpha\"\n\nfunc main() { _ = alpha.New() }\n" >main.go &&
		git add . && git commit -qm "start: alpha" &&
		echo "// docs only" >>main.go &&
		git commit -qam "docs: nothing analysed" &&
		printf "package alpha\n\nimport \"fmt\"\n\n// Label formats n.\nfunc Label(n int) string { return fmt.Sprint(n) }\n" >alpha/label.go &&
		git add . && git commit -qm "alpha: label allocates" &&
		printf "package beta\n\ntype B struct{ s []int }\n\n// Make returns a B.\nfunc Make(n int) *B { b := B{s: make([]int, n)}; return &b }\n" >beta/beta.go &&
		git add . && git commit -qm "beta: new package" &&
		printf "package beta\n\ntype E struct{ n int }\n\n// Evil returns an E.\nfunc Evil() *E { return &E{} }\n" >"$EVIL_FILE" &&
		git add . && git commit -qm "$EVIL_SUBJECT" &&
		printf "package alpha\n\nimport \"strconv\"\n\n// Label formats n.\nfunc Label(n int) string { return strconv.Itoa(n) }\n" >alpha/label.go &&
		git commit -qam "alpha: label without fmt" &&
		for rev in HEAD~5 HEAD~3 HEAD~2 HEAD~1 HEAD; do
			goescape report --commit $rev --format json >/dev/null || exit 1
		done &&
		test "$(git notes --ref=goescape list | wc -l)" = 5 &&
		git log --format=%h --abbrev=7 >../shas
	)
}
