#!/usr/bin/env bash
# Multiplicity: the compiler prints one line per allocation site, and several
# sites can share a position (an inlined callee with two appends,
# slices.Concat, a range-over-func body copied per yield, a generic function
# compiled once per shape).  A position printed N times counts N in every
# output, and one more site in a commit is exactly one new escape.
. "$(dirname "$0")/lib.sh"

# countmod (tests/fixtures) plus a generic function instantiated with three
# shapes: "moved to heap: v" is printed three times at gen/gen.go:5:18.
new_repo() {
	copy_module countmod "$1" &&
	mkdir -p "$1/gen" &&
	cat >"$1/gen/gen.go" <<-\EOF &&
	package gen

	//go:noinline
	func Keep[T any](v T) *T {
		return &v
	}

	func A() *int     { return Keep(1) }
	func B() *string  { return Keep("s") }
	func C() *float64 { return Keep(2.5) }
	EOF
	(cd "$1" && git init -q && git add . && git commit -qm countmod)
}

# positions FILE.json: "file:line:col kind subject xCOUNT status" per diagnostic.
positions() {
	python3 - "$1" <<-\EOF
	import json, sys
	d = json.load(open(sys.argv[1]))
	for x in d["diagnostics"]:
	    if x["kind"] == "leak":
	        continue
	    print("%s:%d:%d %s %s x%d %s" % (x["file"], x["line"], x["column"], x["kind"],
	          x["subject"], x.get("count", 1), x.get("status", "-")))
	EOF
}

# raw_counts OUTPUT: the compiler's own count per main-module heap position,
# counted within each "# importpath" block (a block seen twice counts once).
raw_counts() {
	python3 - "$1" <<-\EOF
	import re, sys, collections
	blocks = collections.defaultdict(collections.Counter)  # package -> best block
	pkg, cur = None, None
	def flush():
	    if pkg is not None:
	        best = blocks[pkg]
	        for k, n in cur.items():
	            best[k] = max(best[k], n)
	for line in open(sys.argv[1]):
	    line = line.rstrip("\n")
	    if line.startswith("# "):
	        flush()
	        pkg, cur = line[2:].split(" ")[0], collections.Counter()
	        continue
	    m = re.match(r"^(?:\./)?([a-z]+/[a-z]+\.go):(\d+):(\d+): (.*)$", line)
	    if not m or not (m.group(4).endswith("escapes to heap") or m.group(4).startswith("moved to heap:")):
	        continue
	    cur[(m.group(1), int(m.group(2)), int(m.group(3)), m.group(4))] += 1
	flush()
	total = collections.Counter()
	for best in blocks.values():
	    total.update(best)
	for (f, l, c, msg), n in sorted(total.items()):
	    print("%s:%d:%d %s x%d" % (f, l, c, msg, n))
	EOF
}

test_expect_success 'report: each position counts the sites the compiler printed there' '
	new_repo rep &&
	cd rep &&
	goescape report --format json >r.json &&
	positions r.json >actual &&
	cat >expect <<-\EOF &&
	cat/cat.go:7:22 escapes "cannot be negative" x1 -
	cat/cat.go:7:22 escapes "len out of range" x1 -
	cat/cat.go:7:22 escapes append x2 -
	gen/gen.go:4:18 moved v x3 -
	inl/inl.go:6:12 escapes append x1 -
	inl/inl.go:7:15 escapes append x1 -
	seq/seq.go:15:2 moved x x2 -
	seq/seq.go:15:2 escapes append x2 -
	use/use.go:8:16 escapes append x2 -
	EOF
	test_cmp expect actual &&
	test "$(json r.json "d[\"summary\"][\"heap\"]")" = 15 &&
	test "$(json r.json "d[\"counts\"]")" = True
'

test_expect_success 'report: the counts are the compiler'"'"'s, from a cold and a warm build' '
	cd rep &&
	GOCACHE="$TRASH/cold-cache" go build -gcflags=example.com/countmod/...=-m ./... 2>raw.txt &&
	raw_counts raw.txt >expect &&
	GOCACHE="$TRASH/cold-cache" goescape report --format json >cold.json &&
	python3 -c "
import json, sys
for x in json.load(open(\"cold.json\"))[\"diagnostics\"]:
    if x[\"kind\"] != \"leak\":
        print(\"%s:%d:%d %s x%d\" % (x[\"file\"], x[\"line\"], x[\"column\"], x[\"message\"], x.get(\"count\", 1)))
" | sort >actual &&
	sort -o expect expect &&
	test_cmp expect actual &&
	goescape report --format json >warm.json &&
	test_cmp cold.json warm.json
'

test_expect_success 'report --input: the same output read twice does not double the counts' '
	cd rep &&
	cat raw.txt raw.txt >twice.txt &&
	goescape report --input twice.txt --format json >twice.json &&
	validate_json report-1 twice.json &&
	positions twice.json >actual &&
	positions r.json >expect &&
	test_cmp expect actual
'

test_expect_success 'text shows xN, and the summary counts every site' '
	cd rep &&
	goescape report >actual &&
	grep -F "4:18	moved    moved to heap: v ×3" actual &&
	grep -F "8:16	escapes  append escapes to heap via inl.Two ×2" actual &&
	grep -F "6:12	escapes  append escapes to heap" actual >one &&
	! grep -F "×" one &&
	tail -n 1 actual >summary &&
	echo "15 heap escapes (5 moved to heap, 10 escapes) in 5 packages; 1 leaking param" >expect &&
	test_cmp expect summary
'

test_expect_success 'a fourth site at a position printed three times: exactly one new' '
	new_repo four &&
	cd four &&
	echo "func D() *[2]int { return Keep([2]int{}) }" >>gen/gen.go &&
	git commit -qam "a fourth shape" &&
	goescape report --format json >head.json &&
	grep -F "gen/gen.go:4:18 moved v x4" <(positions head.json) &&
	test_expect_code 1 goescape check --base HEAD~1 >actual &&
	cat >expect <<-\EOF &&
	gen/gen.go:4:18: Keep: moved to heap: v
	1 new heap escape, 0 fixed (of 16 in all)
	EOF
	test_cmp expect actual &&
	test_expect_code 1 goescape check --base HEAD~1 --format json >check.json &&
	positions check.json | grep "^gen/" >actual &&
	cat >expect <<-\EOF &&
	gen/gen.go:4:18 moved v x1 new
	gen/gen.go:4:18 moved v x3 existing
	EOF
	test_cmp expect actual &&
	test "$(json check.json "d[\"summary\"][\"new\"]")" = 1
'

test_expect_success 'a site removed from a position: one fixed, nothing new' '
	cd four &&
	git checkout -q -b fewer &&
	sed -i "/^func D/d" gen/gen.go &&
	git commit -qam "three shapes again" &&
	goescape check --base HEAD~1 >actual &&
	echo "0 new heap escapes, 1 fixed (of 15 in all)" >expect &&
	test_cmp expect actual &&
	goescape check --base HEAD~1 --format json >back.json &&
	test "$(json back.json "[(x[\"file\"], x[\"line\"], x.get(\"count\", 1)) for x in d[\"fixed\"]]")" = "[('"'"'gen/gen.go'"'"', 4, 1)]" &&
	git checkout -q main
'

test_expect_success 'the baseline keeps counts; a check against it sees the fourth site' '
	new_repo base &&
	cd base &&
	goescape baseline &&
	grep -F "\"counts\": true," .goescape/baseline.json &&
	grep "\"subject\":\"v\"" .goescape/baseline.json | grep -F "\"count\":3," &&
	grep "inl/inl.go\",\"line\":6," .goescape/baseline.json >one &&
	! grep -F "\"count\"" one &&
	echo "func D() *[2]int { return Keep([2]int{}) }" >>gen/gen.go &&
	test_expect_code 1 goescape check >actual &&
	cat >expect <<-\EOF &&
	gen/gen.go:4:18: Keep: moved to heap: v
	1 new heap escape, 0 fixed (of 16 in all)
	EOF
	test_cmp expect actual
'

test_expect_success 'a baseline from before counts is read as it was meant: nothing new' '
	cd base &&
	git checkout -q gen/gen.go &&
	python3 - <<-\EOF &&
	import re
	p = ".goescape/baseline.json"
	s = open(p).read()
	s = s.replace("\"counts\": true,\n", "")
	s = re.sub(r",\"count\":\d+", "", s)
	open(p, "w").write(s)
	EOF
	! grep -F "\"count" .goescape/baseline.json &&
	goescape check >actual &&
	echo "0 new heap escapes, 0 fixed (of 15 in all)" >expect &&
	test_cmp expect actual
'

test_expect_success 'a note keeps counts: check --base against a stored note sees the fourth site' '
	new_repo note &&
	cd note &&
	goescape report >/dev/null &&
	git notes --ref=goescape show HEAD >note.json &&
	grep "\"subject\":\"v\"" note.json | grep -F "\"count\":3," &&
	echo "func D() *[2]int { return Keep([2]int{}) }" >>gen/gen.go &&
	git commit -qam "a fourth shape" &&
	test_expect_code 1 goescape check --base HEAD~1 >actual &&
	cat >expect <<-\EOF &&
	gen/gen.go:4:18: Keep: moved to heap: v
	1 new heap escape, 0 fixed (of 16 in all)
	EOF
	test_cmp expect actual
'

test_expect_success 'github annotations and SARIF carry the count' '
	cd four &&
	test_expect_code 1 goescape check --base HEAD~1 --format github >gh &&
	echo "::error file=gen/gen.go,line=4,col=18,title=moved to heap in Keep::moved to heap: v" >expect &&
	test_cmp expect gh &&
	goescape report --format github >gh.all &&
	grep -F "::warning file=gen/gen.go,line=4,col=18,title=moved to heap in Keep::moved to heap: v ×4" gh.all &&
	test_expect_code 1 goescape check --base HEAD~1 --format sarif -o check.sarif &&
	"$TOP/scripts/validate-sarif" check.sarif &&
	python3 - <<-\EOF
	import json
	rs = [r for r in json.load(open("check.sarif"))["runs"][0]["results"]
	      if r["locations"][0]["physicalLocation"]["region"]["startLine"] == 4
	      and r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("gen/gen.go")]
	got = sorted((r["baselineState"], r.get("properties", {}).get("count", 1), r["message"]["text"]) for r in rs)
	want = [("new", 1, "moved to heap: v (in Keep)."),
	        ("unchanged", 3, "moved to heap: v \u00d73 (in Keep).")]
	assert got == want, got
	EOF
'

test_done
