#!/usr/bin/env bash
# goescape suggest on the example module: the returned []byte gets nil (a
# stack buffer would escape), fmt.Sprintf("%d") becomes strconv.Itoa and
# fmt goes; main's conversion has no heap diagnostic and is left alone.
. "$(dirname "$0")/lib.sh"

cat >"$TRASH/expect.diff" <<-\EOF
diff --git a/cart/cart.go b/cart/cart.go
--- a/cart/cart.go
+++ b/cart/cart.go
@@ -3,7 +3,6 @@
 package cart
 
 import (
-	"fmt"
 	"strconv"
 )
 
@@ -30,12 +29,12 @@
 
 // CountBytes formats a count the expensive way: a string, then a copy.
 func CountBytes(n int) []byte {
-	return []byte(strconv.Itoa(n))
+	return strconv.AppendInt(nil, int64(n), 10)
 }
 
 // Label formats through fmt: n is boxed into an interface.
 func Label(n int) string {
-	return fmt.Sprintf("%d", n)
+	return strconv.Itoa(n)
 }
 
 // Counter returns a closure that captures total, moving it to the heap.
EOF

test_expect_success 'the shop diff' '
	copy_example shop &&
	cd shop &&
	goescape suggest >../actual 2>../err &&
	test_cmp ../expect.diff ../actual &&
	grep "^goescape: 2 suggestions verified (3 candidates, 1 left alone); heap escapes 8 -> 5; 8 go runs, 1 round$" ../err &&
	: 4 of them build for linux/386 and windows/amd64, without and with the rewrites, 1 is the behaviour check
'

test_expect_success 'applied: same program output, three heap escapes fewer' '
	copy_example applied &&
	cd applied &&
	go run . >../before.out &&
	goescape suggest --apply >/dev/null 2>&1 &&
	go run . >../after.out &&
	test_cmp ../before.out ../after.out &&
	go vet ./... &&
	goescape report >../report &&
	tail -1 ../report | grep "^5 heap escapes" &&
	gofmt -l . >../unformatted &&
	test_cmp /dev/null ../unformatted
'

test_expect_success 'module in a subdirectory of its repository: paths from the top' '
	mkdir repo &&
	cd repo &&
	git init -q &&
	copy_example "repo/shop" &&
	git add . &&
	git commit -qm shop &&
	cd shop &&
	goescape suggest >../../sub.diff 2>/dev/null &&
	sed -e "s#^diff --git a/cart/cart.go b/cart/cart.go#diff --git a/shop/cart/cart.go b/shop/cart/cart.go#" \
	    -e "s#^--- a/cart#--- a/shop/cart#" -e "s#^+++ b/cart#+++ b/shop/cart#" ../../expect.diff >../../expect.sub &&
	test_cmp ../../expect.sub ../../sub.diff &&
	(cd .. && patch -p1 --dry-run <../sub.diff >/dev/null) &&
	git apply ../../sub.diff &&
	git diff --stat >../../stat &&
	grep "shop/cart/cart.go | 5 ++---" ../../stat &&
	go build ./... &&
	test ! -e "$(git rev-parse --git-common-dir)/goescape/suggest"
'

test_expect_success 'a second run finds nothing more to do' '
	cd applied &&
	goescape suggest >../again 2>../err2 &&
	test_cmp /dev/null ../again &&
	grep "^goescape: 0 suggestions verified (1 candidate, 1 left alone)" ../err2
'

test_done
