#!/usr/bin/env bash
# A module that is not at the top of its repository (repo/svc/go.mod):
# report paths are relative to the module root, git paths to the
# repository; renames, line moves and in-place base builds must still line
# up.
. "$(dirname "$0")/lib.sh"

MAKE_GO='package cart

// Make returns a fresh cart.
func Make() *Cart {
	return &Cart{}
}'

test_expect_success 'setup: the example module under svc/, committed' '
	mkdir repo &&
	copy_example repo/svc &&
	cd repo &&
	echo "# a repository with a Go module in svc/" >README.md &&
	git init -q &&
	git add . &&
	git commit -qm base &&
	cd svc &&
	goescape report --format json >../../ref.json &&
	test "$(json ../../ref.json "\" \".join(sorted(set(x[\"file\"] for x in d[\"diagnostics\"])))")" = "cart/cart.go main.go" &&
	git notes --ref=goescape show HEAD >../../note.json &&
	test_cmp ../../ref.json ../../note.json &&
	git update-ref -d refs/notes/goescape
'

test_expect_success 'a rename and lines added above, committed: nothing new' '
	git clone -q repo mv &&
	cd mv/svc &&
	git mv cart/cart.go cart/basket.go &&
	sed -i "s|^// New returns|// (moved)\n//\n// New returns|" cart/basket.go &&
	echo "more" >>../README.md &&
	git commit -qam "rename" &&
	goescape check --base HEAD~1 >actual &&
	echo "0 new heap escapes, 0 fixed (of 8 in all)" >expect &&
	test_cmp expect actual &&
	git notes --ref=goescape show HEAD~1 >../../mv.base.json &&
	test_cmp ../../ref.json ../../mv.base.json
'

test_expect_success 'working-tree changes: the new escape by its module path, the base report the base'\''s' '
	git clone -q repo wt &&
	cd wt/svc &&
	echo "$MAKE_GO" >cart/make.go &&
	sed -i "s|^// New returns|// (moved)\n//\n// New returns|" cart/cart.go &&
	test_expect_code 1 goescape check --base HEAD >actual &&
	cat >expect <<-\EOF &&
	cart/make.go:5:9: Make: &Cart{} escapes to heap
	1 new heap escape, 0 fixed (of 9 in all)
	EOF
	test_cmp expect actual &&
	git notes --ref=goescape show HEAD >../../wt.base.json &&
	test_cmp ../../ref.json ../../wt.base.json
'

test_expect_success 'from a package directory inside the module: the same' '
	cd wt/svc/cart &&
	test_expect_code 1 goescape check --base HEAD >actual &&
	test_cmp ../expect actual
'

test_expect_success 'a removed escape in the subdirectory module is fixed' '
	git clone -q repo fx &&
	cd fx/svc &&
	label_without_fmt &&
	git commit -qam "label without fmt" &&
	goescape check --base HEAD~1 --format json >out.json &&
	json out.json "\"\\n\".join(\"%s:%d %s\" % (x[\"file\"], x[\"line\"], x[\"function\"]) for x in d[\"fixed\"])" >actual &&
	printf "cart/cart.go:38 Label\nmain.go:14 main\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'the fallback checkout builds the module in its subdirectory' '
	git clone -q repo co &&
	cd co/svc &&
	mkdir -p "$TRASH/no-overlay/bin" &&
	cp "$(go env GOROOT)/VERSION" "$TRASH/no-overlay/VERSION" &&
	printf "#!/bin/sh\nfor a in \"\$@\"; do case \"\$a\" in -overlay*) exit 7 ;; esac; done\nexec %s \"\$@\"\n" "$(command -v go)" >"$TRASH/no-overlay/bin/go" &&
	chmod +x "$TRASH/no-overlay/bin/go" &&
	echo "$MAKE_GO" >cart/make.go &&
	GOESCAPE_GO="$TRASH/no-overlay/bin/go" test_expect_code 1 goescape check --base HEAD >actual &&
	cat >expect <<-\EOF &&
	cart/make.go:5:9: Make: &Cart{} escapes to heap
	1 new heap escape, 0 fixed (of 9 in all)
	EOF
	test_cmp expect actual &&
	git notes --ref=goescape show HEAD >../../co.base.json &&
	test_cmp ../../ref.json ../../co.base.json
'

test_expect_success 'log from the subdirectory module' '
	cd mv/svc &&
	goescape log >out &&
	test "$(wc -l <out)" = 2 &&
	grep -q "^$(git rev-parse --short=7 HEAD) *8 *+0 -0 *rename$" out
'

test_done
