#!/usr/bin/env bash
# A real third-party module, fetched from the module proxy: its heap
# diagnostics in 'report --format json' are exactly the compiler's, from
# any directory and through the build cache, and each is attributed to the
# declaration that go/parser says encloses it.
#
# Bodies are &&-chained: lib.sh runs them as an if-condition, where set -e
# has no effect.
. "$(dirname "$0")/lib.sh"

MOD=github.com/valyala/fastjson
VER=v1.6.10
# A cache only ever filled by go runs at a module root: what it replays is
# printed relative to the module root, exactly as a fresh run prints it.
ROOTCACHE="$TOP/build/test-gocache-rootrun"

# The declaration part of each diagnostic's function: closures
# (F.func1, F.func1.2) are reported in F; package level as "".
decl_lines() {
	python3 -c '
import json, re, sys
d = json.load(open(sys.argv[1]))
for x in d["diagnostics"]:
    f = x["function"]
    while True:
        g = re.sub(r"\.func\d+(\.\d+)*$", "", f)
        if g == f:
            break
        f = g
    if f.startswith("glob."):
        f = ""
    print("%s:%d:%d: %s" % (x["file"], x["line"], x["column"], f))
' "$1" | LC_ALL=C sort -u
}

# declcheck REPORT ROOT: the enclosing declaration per go/parser.
make_declcheck() {
	mkdir -p declcheck &&
	printf "module declcheck\n\ngo 1.22\n" >declcheck/go.mod &&
	cat >declcheck/main.go <<\EOF &&
// declcheck prints, for each diagnostic of a goescape JSON report, the
// function or method declaration that encloses its position, in the
// compiler's notation: F, T.M, (*T).M; "" outside any.
package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
)

func main() {
	var rep struct {
		Diagnostics []struct {
			File   string
			Line   int
			Column int
		}
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		panic(err)
	}
	fset := token.NewFileSet()
	files := map[string]*ast.File{}
	for _, d := range rep.Diagnostics {
		f, ok := files[d.File]
		if !ok {
			f, err = parser.ParseFile(fset, filepath.Join(os.Args[2], d.File), nil, 0)
			if err != nil {
				panic(err)
			}
			files[d.File] = f
		}
		name := ""
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok {
				continue
			}
			if atOrBefore(fset.Position(fd.Pos()), d.Line, d.Column) &&
				!atOrBefore(fset.Position(fd.End()), d.Line, d.Column) {
				name = declName(fd)
			}
		}
		fmt.Printf("%s:%d:%d: %s\n", d.File, d.Line, d.Column, name)
	}
}

func atOrBefore(p token.Position, line, col int) bool {
	return p.Line < line || p.Line == line && p.Column <= col
}

func declName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	t := fd.Recv.List[0].Type
	if st, ok := t.(*ast.StarExpr); ok {
		return "(*" + typeName(st.X) + ")." + fd.Name.Name
	}
	return typeName(t) + "." + fd.Name.Name
}

func typeName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.Ident:
		return t.Name
	case *ast.IndexExpr:
		return typeName(t.X)
	case *ast.IndexListExpr:
		return typeName(t.X)
	}
	return "?"
}
EOF
	(cd declcheck && go build -o ../declcheck.bin .)
}

test_expect_success "setup: $MOD@$VER from the module proxy" '
	go mod download -json $MOD@$VER >download.json &&
	dir=$(json download.json "d[\"Dir\"]") &&
	test -f "$dir/go.mod" &&
	cp -R "$dir" fj &&
	chmod -R u+w fj &&
	grep -q "^module $MOD$" fj/go.mod &&
	test -d fj/fastfloat
'

test_expect_success 'setup: the compiler'"'"'s heap lines, printed at the module root' '
	(cd fj && GOCACHE="$ROOTCACHE" go build -gcflags=$MOD/...=-m ./... >../compiler.out 2>&1) &&
	grep -E "escapes to heap|moved to heap" compiler.out | grep -v "^/" |
		sed "s|^\./||" | LC_ALL=C sort -u >compiler.heap &&
	test $(wc -l <compiler.heap) -gt 100 &&
	grep -q "^fastfloat/" compiler.heap &&
	! grep "^\.\./" compiler.heap
'

test_expect_success 'report --format json at the root: exactly the compiler'"'"'s heap diagnostics' '
	(cd fj && goescape report --format json >../root.json 2>../err) &&
	test ! -s err &&
	heap_lines root.json >actual &&
	test_cmp compiler.heap actual &&
	json root.json "d[\"summary\"][\"heap\"]" >actual &&
	wc -l <compiler.heap >expect &&
	test_cmp expect actual &&
	json root.json "d[\"module\"]" >actual &&
	echo $MOD >expect &&
	test_cmp expect actual
'

# fj-u is a copy made unique by a comment at the end of each .go file
# (line numbers do not move), so its first run compiles afresh.
test_expect_success 'fresh from a subdirectory, then the cache from the root: identical JSON' '
	cp -R fj fj-u &&
	for f in $(find fj-u -name "*.go"); do printf "\n// %s\n" "$TRASH" >>"$f" || exit 1; done &&
	(cd fj-u/fastfloat && goescape report --format json >../../sub.json) &&
	test_cmp root.json sub.json &&
	(cd fj-u && goescape report --format json >../sub-root.json) &&
	test_cmp root.json sub-root.json
'

test_expect_success 'a copy of the module elsewhere, run from its testdata directory' '
	mkdir -p other/place &&
	cp -R fj-u other/place/fj-copy &&
	(cd other/place/fj-copy/testdata && goescape report --format json >../../../../copy.json) &&
	test_cmp root.json copy.json
'

test_expect_success 'the same through goescape build, and its summary line' '
	(cd fj && GOESCAPE_VERBOSE=1 goescape build ./... 2>../build.err) &&
	pkgs=$(json root.json "len(set(x[\"package\"] for x in d[\"diagnostics\"] if x[\"kind\"] != \"leak\"))") &&
	echo "goescape: $(wc -l <compiler.heap) heap escapes in $pkgs packages" >expect &&
	tail -n 1 build.err >actual &&
	test_cmp expect actual
'

test_expect_success 'report --input of go build -gcflags=-m piped in' '
	(cd fj && go build -gcflags=-m ./... 2>../piped.out) &&
	(cd fj/fastfloat && goescape report --format json --input - <../../piped.out >../../piped.json) &&
	heap_lines piped.json >actual &&
	test_cmp compiler.heap actual
'

test_expect_success 'every diagnostic is in the declaration go/parser finds around it' '
	make_declcheck &&
	./declcheck.bin root.json fj | LC_ALL=C sort -u >expect &&
	decl_lines root.json >actual &&
	test_cmp expect actual &&
	! grep ": $" expect
'

test_done
