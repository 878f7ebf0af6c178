#!/usr/bin/env bash
# //goescape:ignore suppresses a diagnostic only from a comment on its line
# or the line above: the same text inside a string literal is data, not a
# directive (report's filter, and the pre-push hook through a real push).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-hook.sh"

test_expect_success 'report: a marker in a string does not suppress; one in a comment does' '
	copy_example shop &&
	cd shop && git init -q && git add . && git commit -qm shop &&
	printf "package cart\n\nvar Mark = \"//goescape:ignore\"\nfunc Str(n int) *int { return &n }\n\n// real\n//goescape:ignore\nfunc Com(n int) *int { return &n }\n" >cart/mark.go &&
	goescape report --format json -o r.json &&
	json r.json "\"\\n\".join(\"%s %s\" % (d[\"function\"], d[\"message\"]) for d in d[\"diagnostics\"] if d[\"file\"] == \"cart/mark.go\")" >actual &&
	echo "Str moved to heap: n" >expect &&
	test_cmp expect actual
'

test_expect_success 'a marker in a string on the line above does not suppress either' '
	cd shop &&
	printf "package cart\n\nfunc Str2(n int) (*int, string) { s := \"//goescape:ignore\"\n\treturn &n, s }\n" >cart/mark2.go &&
	goescape report --format json -o r.json &&
	test "$(json r.json "len([d for d in d[\"diagnostics\"] if d[\"file\"] == \"cart/mark2.go\" and d[\"kind\"] == \"moved\"])")" = 1
'

test_expect_success 'the hook: a marker in a string of the pushed commit does not suppress' '
	new_pair strmark &&
	cd strmark &&
	printf "package cart\n\n// Box boxes n.\nfunc Box(n int) (*int, string) { return &n, \"//goescape:ignore\" }\n" >cart/box.go &&
	git add cart && git commit -qm "escape with a string" &&
	test_expect_code 1 git push origin main 2>err &&
	hook_lines err >actual &&
	grep -q "cart/box.go:4:.*Box: moved to heap: n" actual &&
	printf "package cart\n\n// Box boxes n.\nfunc Box(n int) (*int, string) { return &n, \"x\" } //goescape:ignore\n" >cart/box.go &&
	git commit -qam "ignored for real" &&
	git push origin main 2>err &&
	test "$(remote_rev strmark main)" = "$(git rev-parse HEAD)"
'

test_done
