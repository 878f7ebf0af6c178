#!/usr/bin/env bash
# Issue 13, done means: the report's closure and init names equal the
# compiler's own ("escapes to heap in F" of go build -gcflags=-m=2) on a
# module whose package-level closures and init functions stand in several
# files, and suggest names its rewrites as the report does (package-wide,
# through lib/gopkg), not per file.
#
# The module is generated: three packages, each with package-level
# closures (var f = func(){...}, closures in a composite literal), init
# functions with and without closures of their own, and ordinary
# functions with closures, spread over four files in a varying order.
# Every position the compiler names a function at ("X escapes to heap in
# F:") is looked up in goescape's report at the same file:line:column.
. "$(dirname "$0")/lib.sh"

# gen_module DIR: the generated module, committed.
gen_module() {
	mkdir -p "$1" &&
	cd "$1" &&
	printf 'module example.com/pc\n\ngo 1.22\n' >go.mod &&
	python3 - <<-\PY &&
	import os
	# One file: a mix of declarations whose order varies with k.
	def decls(pkg, f, k):
	    d = []
	    d.append("var V%s%d = func() *int { v := %d; return &v }" % (f, k, k))
	    d.append("func init() { Sink = new([%d]int) }" % (k + 2))
	    d.append("var L%s%d = []func() *int{\n\tfunc() *int { a := 1; return &a },\n\tfunc() *int { b := 2; return &b },\n}" % (f, k))
	    d.append("func init() {\n\tx := %d\n\tSink = &x\n\tSink = func() *int { y := x; return &y }\n}" % k)
	    d.append("func F%s%d(n int) func() *string {\n\treturn func() *string { s := \"x\"; _ = n; return &s }\n}" % (f, k))
	    d.append("var W%s%d = func(n int) []int { return make([]int, n) }" % (f, k))
	    # rotate so that init functions and closures interleave differently
	    r = k % len(d)
	    return d[r:] + d[:r]
	for pi, pkg in enumerate(["p", "q", "r"]):
	    os.makedirs(pkg, exist_ok=True)
	    for fi, f in enumerate(["a", "b", "c", "d"]):
	        body = ["package " + pkg, ""]
	        if fi == 0:
	            body += ["var Sink any", ""]
	        for k in range(2 + (pi + fi) % 2):
	            body += decls(pkg, f, k + fi + pi)
	        with open(os.path.join(pkg, f + ".go"), "w") as fh:
	            fh.write("\n\n".join(body) + "\n")
	PY
	gofmt -w . &&
	git init -q && git add . && git commit -qm generated
}

# names FILE: "file:line:col function" of each "escapes to heap in F:" line.
compiler_names() {
	sed -n 's|^\./||; s|^\([^:]*\.go:[0-9]*:[0-9]*\): .* escapes to heap in \(.*\):$|\1 \2|p' "$1" | sort -u
}

test_expect_success 'report: every closure and init name is the compiler'\''s' '
	(gen_module mod) &&
	cd mod &&
	go build -gcflags=-m=2 ./... 2>m2.txt &&
	compiler_names m2.txt >expect &&
	test "$(grep -c " init\.func" expect)" -ge 30 &&
	test "$(grep -c " init\.[0-9]" expect)" -ge 20 &&
	goescape report --format json >r.json &&
	python3 - r.json expect >actual <<-\PY &&
	import json, sys
	r = json.load(open(sys.argv[1]))
	at = {}
	for d in r["diagnostics"]:
	    at.setdefault("%s:%d:%d" % (d["file"], d["line"], d["column"]), set()).add(d["function"])
	for line in open(sys.argv[2]):
	    pos, fn = line.split()
	    got = at.get(pos, set())
	    print(pos, fn if fn in got else "MISSING(" + fn + ") got " + ",".join(sorted(got)))
	PY
	test_cmp expect actual
'

test_expect_success 'suggest: a rewrite in a package-level closure of a later file has the report'\''s name' '
	mkdir -p sg/p &&
	cd sg &&
	printf "module example.com/sg\n\ngo 1.22\n" >go.mod &&
	cat >p/a.go <<-\GO &&
	package p

	var Sink any

	var A = func() *int { a := 1; return &a }

	var A2 = func() *int { a := 2; return &a }
	GO
	cat >p/b.go <<-\GO &&
	package p

	import "fmt"

	var Label = func(n int) string {
		return fmt.Sprintf("%d", n)
	}
	GO
	git init -q && git add . && git commit -qm two &&
	go build -gcflags=-m=2 ./p 2>m2.txt &&
	grep "^p/b.go:6:.*escapes to heap in init.func3:$" m2.txt &&
	goescape report --format json >r.json &&
	test "$(json r.json "sorted(set(d[\"function\"] for d in d[\"diagnostics\"] if d[\"file\"] == \"p/b.go\" and d[\"line\"] == 6)) == [\"init.func3\"]")" = True &&
	goescape suggest --format json -o s.json 2>err &&
	test "$(json s.json "[(g[\"file\"], g[\"line\"], g[\"function\"]) for g in d[\"suggestions\"]] == [(\"p/b.go\", 6, \"init.func3\")]")" = True
'

test_done
