#!/usr/bin/env bash
# go build -json output is read: the compiler's lines come inside the build
# events' Output strings (go help buildjson), and --input takes them as it
# takes plain output.  Go 1.19 has no go build -json: go's own refusal is
# passed on unchanged.
. "$(dirname "$0")/lib.sh"

GO119=/usr/lib/go-1.19/bin/go
diags() { json "$1" "json.dumps(d[\"diagnostics\"], sort_keys=True, indent=1)"; }

test_expect_success 'setup: the example in a git repository' '
	copy_example shop &&
	(cd shop && git init -q && git add . && git commit -qm shop)
'

test_expect_success 'check --input of go build -json piped in: the same as plain output, exit 0' '
	(cd shop && go build -gcflags=-m ./... 2>../plain.txt) &&
	(cd shop && go build -json -gcflags=-m ./... >../json.txt) &&
	grep -q "\"Action\":\"build-output\"" json.txt &&
	(cd shop && goescape report --format json --input ../plain.txt >../plain.json) &&
	(cd shop && go build -json -gcflags=-m ./... | goescape report --format json --input - >../json.json) &&
	diags plain.json >expect &&
	diags json.json >actual &&
	test_cmp expect actual &&
	test "$(json json.json "d[\"summary\"][\"heap\"]")" = 8 &&
	(cd shop && go build -json -gcflags=-m ./... | goescape check --base main --input - >../out) &&
	grep -q "^0 new heap escapes, 0 fixed (of 8 in all)" out
'

test_expect_success 'a new escape in -json output is new: exit 1' '
	cp -R shop inj &&
	printf "package cart\n\nfunc Leak(n int) *int { return &n }\n" >inj/cart/leak.go &&
	(cd inj && go build -json -gcflags=-m ./... >../inj.json 2>&1) &&
	(cd inj && test_expect_code 1 goescape check --base main --input ../inj.json --format json >../new.json) &&
	json new.json "[(x[\"file\"], x[\"subject\"]) for x in d[\"diagnostics\"] if x[\"status\"] == \"new\"]" >actual &&
	echo "[('"'"'cart/leak.go'"'"', '"'"'n'"'"')]" >expect &&
	test_cmp expect actual
'

test_expect_success '-json events without -gcflags=-m: exit 2, no compiler output' '
	(cd shop && go build -json ./... >../nom.json) &&
	(cd shop && test_expect_code 2 goescape check --base main --input ../nom.json 2>../err) &&
	grep -q "no compiler output for example.com/shop in" err
'

test_expect_success 'baseline from -json input equals baseline from plain input' '
	(cd shop && goescape baseline --input ../plain.txt -o ../b1.json 2>/dev/null &&
	 goescape baseline --input ../json.txt -o ../b2.json 2>/dev/null) &&
	cmp b1.json b2.json
'

# Context that spans lines of one package (inlined_from, -m=2 explanations)
# is kept per run of consecutive events; go prints an action's output at once.
test_expect_success 'events of two packages interleaved line by line: each line under its own package' '
	python3 - json.txt inter.json <<\EOF &&
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
per = {}
for e in evs:
    if e.get("Action") == "build-output":
        per.setdefault(e["ImportPath"], []).extend(
            {"ImportPath": e["ImportPath"], "Action": "build-output", "Output": l}
            for l in e["Output"].splitlines(True))
queues = list(per.values())
assert len(queues) >= 2
with open(sys.argv[2], "w") as f:
    while any(queues):
        for q in queues:
            if q:
                f.write(json.dumps(q.pop(0)) + "\n")
EOF
	test "$(head -c 40 inter.json | grep -c "ImportPath")" = 1 &&
	(cd shop && goescape report --format json --input ../inter.json >../inter.out.json) &&
	heap() { json "$1" "\"\\n\".join(\"%s %s:%d:%d %s %s\" % (x[\"package\"], x[\"file\"], x[\"line\"], x[\"column\"], x[\"function\"], x[\"message\"]) for x in d[\"diagnostics\"])"; } &&
	heap plain.json >expect &&
	heap inter.out.json >actual &&
	test_cmp expect actual
'

test_expect_success 'go 1.19 has no go build -json: goescape build -json fails as that go does' '
	test -x "$GO119" &&
	(cd shop && test_expect_code 2 env GOTOOLCHAIN=local "$GO119" build -json ./... >../g.out 2>../g.err) &&
	(cd shop && GOESCAPE_GO="$GO119" test_expect_code 2 goescape build -json ./... >../e.out 2>../e.err) &&
	grep -q "json" g.err &&
	test_cmp g.err e.err &&
	test_cmp g.out e.out
'

test_done
