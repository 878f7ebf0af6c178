#!/usr/bin/env bash
# baseline: a deterministic, sorted, line-per-entry file without absolute
# paths, written atomically; check --baseline against it agrees with
# check --base at the commit the baseline was made from.
. "$(dirname "$0")/lib.sh"

new_repo() {
	copy_example "$1" || return 1
	(cd "$1" && git init -q && git add . && git commit -qm "shop") || return 1
}

# Fixed dates: the same tree committed twice gives the same commit id.
export GIT_AUTHOR_DATE="2024-01-02T03:04:05Z" GIT_COMMITTER_DATE="2024-01-02T03:04:05Z"

GOVERSION=$(go env GOVERSION)

# The new and fixed diagnostics of a check --format json, one a line.
statuses() {
	json "$1" "\"\\n\".join(\"%s %s:%d:%d %s: %s\" % (x[\"status\"], x[\"file\"], x[\"line\"], x[\"column\"], x[\"function\"], x[\"message\"]) for x in d[\"diagnostics\"] + d[\"fixed\"] if x[\"status\"] != \"existing\")"
}

test_expect_success 'baseline writes .goescape/baseline.json at the module root' '
	new_repo one &&
	cd one/cart &&
	goescape baseline 2>err &&
	echo "goescape: wrote 8 heap escapes to '\''.goescape/baseline.json'\''" >expect &&
	test_cmp expect err &&
	test -f ../.goescape/baseline.json &&
	! test -e .goescape
'

test_expect_success 'the baseline records the commit, the Go version and the module' '
	cd one &&
	validate_json baseline-1 .goescape/baseline.json &&
	json .goescape/baseline.json "d[\"schema\"], d[\"commit\"], d[\"go\"], d[\"module\"], d[\"dirty\"]" >actual &&
	echo "(\"goescape-baseline/1\", \"$(git rev-parse HEAD)\", \"$GOVERSION\", \"example.com/shop\", False)" | tr "\"" "\047" >expect &&
	test_cmp expect actual &&
	test "$(json .goescape/baseline.json "len(d[\"diagnostics\"])")" = 10 &&
	test "$(json .goescape/baseline.json "d[\"summary\"][\"heap\"]")" = 8
'

test_expect_success 'one entry per line, sorted, no statuses' '
	cd one &&
	grep -c "^{\"file\":" .goescape/baseline.json >count &&
	echo 10 >expect &&
	test_cmp expect count &&
	grep "^{\"file\":" .goescape/baseline.json >entries &&
	python3 -c "
import json, sys
rows = [json.loads(l.rstrip().rstrip(\",\")) for l in open(\"entries\")]
keys = [(r[\"file\"], r[\"line\"], r[\"column\"]) for r in rows]
assert keys == sorted(keys), keys
assert all(\"status\" not in r for r in rows)
assert all(r[\"line_hash\"] for r in rows)
" &&
	! grep -q "\"fixed\"" .goescape/baseline.json
'

test_expect_success 'no absolute paths in the baseline' '
	cd one &&
	! grep -F "$TRASH" .goescape/baseline.json &&
	! grep -F "\"/" .goescape/baseline.json &&
	! grep -F "$HOME" .goescape/baseline.json &&
	json .goescape/baseline.json "\" \".join(sorted(set(x[\"file\"] for x in d[\"diagnostics\"])))" >files &&
	echo "cart/cart.go main.go" >expect &&
	test_cmp expect files
'

test_expect_success 'the same tree gives a byte-identical file' '
	cd one &&
	cp .goescape/baseline.json first.json &&
	touch cart/cart.go main.go &&
	goescape baseline 2>/dev/null &&
	cmp first.json .goescape/baseline.json &&
	goescape baseline -o second.json 2>/dev/null &&
	cmp first.json second.json
'

test_expect_success 'the same tree in another directory (cache replay) gives the same file' '
	new_repo two &&
	(cd one && git rev-parse HEAD) >one.head &&
	(cd two && git rev-parse HEAD) >two.head &&
	test_cmp one.head two.head &&
	(cd two && goescape baseline 2>/dev/null) &&
	cmp one/.goescape/baseline.json two/.goescape/baseline.json
'

test_expect_success 'the baseline file does not make the tree dirty' '
	cd one &&
	test "$(git status --porcelain --untracked-files=all | grep -c baseline.json)" = 1 &&
	goescape report --format json >r.json &&
	test "$(json r.json "d[\"dirty\"]")" = False
'

test_expect_success 'check --baseline: clean against the default baseline, exit 0' '
	cd one &&
	goescape check >actual &&
	echo "0 new heap escapes, 0 fixed (of 8 in all)" >expect &&
	test_cmp expect actual &&
	goescape check --baseline .goescape/baseline.json >actual &&
	test_cmp expect actual
'

test_expect_success 'check --baseline: a new escape, exit 1' '
	cd one &&
	printf "package cart\n\n// Make returns a fresh cart.\nfunc Make() *Cart {\n\treturn &Cart{}\n}\n" >cart/make.go &&
	test_expect_code 1 goescape check >actual &&
	cat >expect <<-\EOF &&
	cart/make.go:5:9: Make: &Cart{} escapes to heap
	1 new heap escape, 0 fixed (of 9 in all)
	EOF
	test_cmp expect actual &&
	rm cart/make.go
'

test_expect_success 'a failed build leaves the baseline as it was (exit 3)' '
	cd one &&
	cp .goescape/baseline.json before.json &&
	echo "func Broken( {" >>cart/cart.go &&
	test_expect_code 3 goescape baseline 2>err &&
	cmp before.json .goescape/baseline.json &&
	git checkout -q cart/cart.go &&
	ls -a .goescape >files &&
	printf ".\n..\nbaseline.json\n" >expect &&
	test_cmp expect files
'

test_expect_success 'baseline -o creates missing directories and leaves no temporary file' '
	cd one &&
	goescape baseline -o out/deeper/bl.json 2>err &&
	echo "goescape: wrote 8 heap escapes to '\''out/deeper/bl.json'\''" >expect &&
	test_cmp expect err &&
	cmp before.json out/deeper/bl.json &&
	ls out/deeper >files &&
	echo bl.json >expect &&
	test_cmp expect files
'

test_expect_success 'check without a baseline file: exit 2, one line naming it' '
	new_repo nobl &&
	cd nobl &&
	test_expect_code 2 goescape check >out 2>err &&
	test_cmp /dev/null out &&
	test "$(wc -l <err)" = 1 &&
	grep -F "baseline.json" err &&
	grep -F "goescape baseline" err
'

test_expect_success 'a corrupt baseline: exit 2, one line naming the file' '
	cd nobl &&
	printf "{\"schema\": \"goescape-baseline/1\", \"diagnostics\": [\n" >bad.json &&
	test_expect_code 2 goescape check --baseline bad.json >out 2>err &&
	test_cmp /dev/null out &&
	test "$(wc -l <err)" = 1 &&
	grep -F "bad.json" err
'

# Commit A; a baseline made there; commit B with refactors, new escapes and
# a fixed one.  --baseline and --base A must give the same new/fixed set.
test_expect_success 'a baseline made at an old commit agrees with --base at that commit' '
	new_repo agree &&
	cd agree &&
	printf "package cart\n\n// Make returns a fresh cart.\nfunc Make() *Cart {\n\treturn &Cart{}\n}\n" >cart/make.go &&
	git add . &&
	git commit -qm make &&
	goescape baseline -o ../agree-A.json 2>/dev/null &&
	git mv cart/cart.go cart/basket.go &&
	sed -i "s|^// New returns|// (two lines)\n//\n// New returns|" cart/basket.go &&
	label_without_fmt cart/basket.go &&
	printf "package cart\n\nimport \"fmt\"\n\n// Two formats n twice.\nfunc Two(n int) (string, string) { return fmt.Sprint(n), fmt.Sprint(n) }\n" >cart/two.go &&
	git rm -q cart/make.go &&
	git add . &&
	git commit -qm "B" &&
	test_expect_code 1 goescape check --baseline ../agree-A.json --format json >bl.json &&
	test_expect_code 1 goescape check --base HEAD~1 --format json >base.json &&
	statuses bl.json >bl.set &&
	statuses base.json >base.set &&
	cat >expect <<-\EOF &&
	new cart/two.go:6:54 Two: n escapes to heap
	new cart/two.go:6:69 Two: n escapes to heap
	fixed cart/cart.go:38:27 Label: n escapes to heap
	fixed cart/make.go:5:9 Make: &Cart{} escapes to heap
	fixed main.go:14:35 main: 7 escapes to heap
	EOF
	test_cmp expect base.set &&
	test_cmp base.set bl.set &&
	test_expect_code 1 goescape check --baseline ../agree-A.json >bl.txt &&
	test_expect_code 1 goescape check --base HEAD~1 >base.txt &&
	test_cmp base.txt bl.txt
'

test_expect_success 'a baseline made in the working tree before the commit agrees too' '
	cd agree &&
	git checkout -q HEAD~1 &&
	goescape baseline -o ../agree-A2.json 2>/dev/null &&
	cmp ../agree-A.json ../agree-A2.json &&
	git checkout -q main
'

test_done
