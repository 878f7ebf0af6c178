#!/usr/bin/env bash
# The fourth matching stage (lib/match.h): an escape the cascade leaves over,
# with the same kind, subject and source line text as one left over in base
# but in another function or file (a renamed function, a body moved to
# another file), is "moved": shown as such, status "moved" in JSON,
# baselineState "updated" in SARIF, and it never fails the check.  A new
# escape whose line text differs stays new.
. "$(dirname "$0")/lib.sh"

new_repo() {
	copy_example "$1" &&
	(cd "$1" && git init -q && git add . && git commit -qm shop)
}

# statuses FILE.json: "file:line function kind subject status [from]" per heap diagnostic.
statuses() {
	python3 - "$1" <<-\EOF
	import json, sys
	d = json.load(open(sys.argv[1]))
	for x in d["diagnostics"]:
	    if x["kind"] == "leak":
	        continue
	    f = x.get("moved_from")
	    print("%s:%d %s %s %s %s%s" % (x["file"], x["line"], x["function"], x["kind"], x["subject"],
	          x["status"], " <- %s %s" % (f["function"], f["file"]) if f else ""))
	EOF
}

test_expect_success 'a renamed function: 0 new, its escapes shown as moved, exit 0' '
	new_repo ren &&
	cd ren &&
	sed -i "s/Counter/Tally/g" cart/cart.go main.go &&
	git commit -qam "Counter is Tally" &&
	goescape check --base HEAD~1 >actual &&
	cat >expect <<-\EOF &&
	cart/cart.go:43:2: Tally: moved to heap: total  (moved from Counter in cart/cart.go)
	cart/cart.go:44:9: Tally: func literal escapes to heap  (moved from Counter in cart/cart.go)
	0 new heap escapes, 0 fixed, 2 moved with their code (of 8 in all)
	EOF
	test_cmp expect actual &&
	goescape check --base HEAD~1 --format json >check.json &&
	validate_json report-1 check.json &&
	statuses check.json | grep Tally >actual &&
	cat >expect <<-\EOF &&
	cart/cart.go:43 Tally moved total moved <- Counter cart/cart.go
	cart/cart.go:44 Tally escapes func literal moved <- Counter cart/cart.go
	EOF
	test_cmp expect actual &&
	test "$(json check.json "(d[\"summary\"][\"new\"], d[\"summary\"][\"fixed\"], len(d[\"fixed\"]))")" = "(0, 0, 0)"
'

test_expect_success 'a renamed function: no GitHub error annotation for moved code' '
	cd ren &&
	goescape check --base HEAD~1 --format github >gh &&
	test_cmp /dev/null gh
'

test_expect_success 'a renamed function in SARIF: baselineState updated, a note, valid' '
	cd ren &&
	goescape check --base HEAD~1 --format sarif -o check.sarif &&
	"$TOP/scripts/validate-sarif" check.sarif &&
	python3 - <<-\EOF
	import json
	res = json.load(open("check.sarif"))["runs"][0]["results"]
	got = sorted((r["level"], r["baselineState"], r["message"]["text"], json.dumps(r.get("properties")))
	             for r in res if r["baselineState"] == "updated")
	want = [("note", "updated", "func literal escapes to heap (in Tally; moved from Counter in cart/cart.go).",
	         json.dumps({"count": 1, "movedFrom": {"file": "cart/cart.go", "function": "Counter"}})),
	        ("note", "updated", "moved to heap: total (in Tally; moved from Counter in cart/cart.go).",
	         json.dumps({"count": 1, "movedFrom": {"file": "cart/cart.go", "function": "Counter"}}))]
	assert got == want, got
	assert not [r for r in res if r["baselineState"] in ("new", "absent")], res
	EOF
'

test_expect_success 'a body moved into another file: moved, exit 0' '
	new_repo mv &&
	cd mv &&
	python3 - <<-\EOF &&
	p = "cart/cart.go"
	s = open(p).read()
	i = s.index("// Label formats")
	j = s.index("// Counter returns")
	label, counter = s[i:j], s[j:]
	open(p, "w").write(s[:i].rstrip("\n") + "\n")
	open("cart/more.go", "w").write("package cart\n\nimport \"fmt\"\n\n" + counter + "\n" + label.rstrip("\n") + "\n")
	EOF
	sed -i "s/^\t\"fmt\"$//" cart/cart.go &&
	gofmt -w cart &&
	go vet ./cart &&
	git add . &&
	git commit -qm "Label and Counter live in more.go" &&
	goescape check --base HEAD~1 --format json >check.json &&
	statuses check.json | grep more.go >actual &&
	cat >expect <<-\EOF &&
	cart/more.go:7 Counter moved total moved <- Counter cart/cart.go
	cart/more.go:8 Counter escapes func literal moved <- Counter cart/cart.go
	cart/more.go:16 Label escapes n moved <- Label cart/cart.go
	EOF
	test_cmp expect actual &&
	goescape check --base HEAD~1 >actual &&
	tail -n 1 actual >summary &&
	echo "0 new heap escapes, 0 fixed, 3 moved with their code (of 8 in all)" >expect &&
	test_cmp expect summary
'

test_expect_success 'a new escape with the subject of a removed one but other line text: still new' '
	new_repo other &&
	cd other &&
	python3 - <<-\EOF &&
	p = "cart/cart.go"
	s = open(p).read()
	i = s.index("// Counter returns")
	s = s[:i] + """// Acc returns a closure that adds two each time.
	func Acc() func() int {
		var total int
		return func() int {
			total += 2
			return total
		}
	}
	"""
	open(p, "w").write(s)
	EOF
	sed -i "s/cart.Counter()/cart.Acc()/" main.go &&
	gofmt -w cart &&
	git commit -qam "Acc instead of Counter" &&
	test_expect_code 1 goescape check --base HEAD~1 >actual &&
	cat >expect <<-\EOF &&
	cart/cart.go:43:6: Acc: moved to heap: total
	cart/cart.go:44:9: Acc: func literal escapes to heap  (moved from Counter in cart/cart.go)
	1 new heap escape, 1 fixed, 1 moved with their code (of 8 in all)
	EOF
	test_cmp expect actual
'

test_done
