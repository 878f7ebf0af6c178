#!/usr/bin/env bash
# The compiler's -m=2 explanations reach the diagnostics they explain, also
# when one function has several escapes (go prints all of its explanation
# blocks before its "moved to heap" lines).
. "$(dirname "$0")/lib.sh"

test_expect_success 'every heap escape of -m=2 output carries its own explanation' '
	copy_example shop &&
	cd shop &&
	cat >>cart/cart.go <<-\EOF &&

	var kept []*int

	// Two moves two parameters to the heap.
	func Two(a, b int) *int {
		kept = append(kept, &a)
		return &b
	}
	EOF
	go build -gcflags=example.com/shop/cart=-m=2 ./cart 2>m2.txt &&
	goescape report --input m2.txt --format json -o r.json &&
	validate_json report-1 r.json &&
	json r.json "\"\\n\".join(\"%s %s\" % (x[\"subject\"], x[\"explanation\"].splitlines()[0]) for x in d[\"diagnostics\"] if x[\"kind\"] != \"leak\" and x[\"function\"] in (\"Two\", \"Counter\"))" >actual &&
	cat >expect <<-\EOF &&
	total total escapes to heap in Counter:
	func literal func literal escapes to heap in Counter:
	a a escapes to heap in Two:
	b b escapes to heap in Two:
	append append(kept, &a) escapes to heap in Two:
	EOF
	test_cmp expect actual
'

test_done
