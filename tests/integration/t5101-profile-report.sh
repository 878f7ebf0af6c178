#!/usr/bin/env bash
# report --profile on a real module and a real benchmark profile: every
# diagnostic gets the bytes and objects the profile gives its line (the
# inlined `return &p` at its call site and nothing on the out-of-line copy,
# nothing on a boxed constant or a leaking param, strconv's string named
# via strconv.Itoa), lines with bytes and no escape are hot sites, text is
# ranked by bytes with --top, a shifted source gets the stale warning, and a
# profile that is not a heap profile exits 2 before anything is built.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-profile.sh"

test_expect_success 'setup: the profile module, committed, and its benchmark profile' '
	profile_module m &&
	cd m &&
	mem_profile mem.out
'

test_expect_success 'json: the profile object, its digest and no warning' '
	cd m &&
	goescape report --profile mem.out --format json >r.json 2>err &&
	validate_json report-1 r.json &&
	test ! -s err &&
	sum=$(sha256sum mem.out | cut -d" " -f1) &&
	hot_py r.json "
p = d[\"profile\"]
assert p[\"file\"] == \"mem.out\", p
assert p[\"sha256\"] == \"$sum\", p
assert p[\"sample_type\"] == \"alloc_space\" and p[\"period\"] == 1, p
assert p[\"warnings\"] == [], p
assert p[\"total_bytes\"] == p[\"matched_bytes\"] + p[\"via_bytes\"] + p[\"hot_bytes\"] + p[\"unmatched_bytes\"], p
assert p[\"total_objects\"] > 20000, p
assert p[\"inline_sites\"][\"checked\"] >= 2 and p[\"inline_sites\"][\"agree\"] == p[\"inline_sites\"][\"checked\"], p
assert all(\"cost\" in x for x in d[\"diagnostics\"])
"
'

test_expect_success 'json: exact counts, inlined allocations at the call site' '
	cd m &&
	hot_py r.json "
c = lambda l, t: diag(l, t)[\"cost\"]
# return &p inlined into Work: 1001 objects at the call site, none on the copy
assert c(142, \"moved to heap: p\")[\"objects\"] == 1001, c(142, \"moved to heap: p\")
assert c(42, \"moved to heap: p\")[\"bytes\"] == 0, c(42, \"moved to heap: p\")
# not inlined: its own line
assert c(48, \"moved to heap: p\")[\"objects\"] == 1001
# the chain of three: only its outermost site
assert c(145, \"moved to heap: q\")[\"objects\"] == 1001
for l in (65, 70, 74):
    assert c(l, \"moved to heap: q\")[\"bytes\"] == 0, l
# a boxed constant and a leaking param cost nothing
assert c(88, \"1000 escapes to heap\")[\"bytes\"] == 0
assert c(130, \"leaking param: p\")[\"bytes\"] == 0
# the closure, the method value, the generic make, &Point{}
for l, t in ((57, \"func literal\"), (111, \"a.Add\"), (98, \"make(\"), (154, \"&Point{\")):
    assert c(l, t)[\"objects\"] == 1001, (l, c(l, t))
# []byte(strconv.Itoa(n)): the conversion and strconv.Itoa s string
x = c(32, \"([]byte)(~r0)\")
assert x[\"objects\"] == 2002 and x[\"via_bytes\"] == 24024 and x[\"via_callee\"] == \"strconv.Itoa\", x
assert x[\"line_shared\"] is False
"
'

test_expect_success 'json: map growth and the long concatenation are hot sites' '
	cd m &&
	hot_py r.json "
h = d[\"hot_sites\"]
assert h == sorted(h, key=lambda x: -x[\"bytes\"]), h
m = [x for x in h if x[\"file\"] == \"hot/hot.go\" and x[\"line\"] == 118]
assert m and m[0][\"function\"] == \"MapGrow\" and m[0][\"bytes\"] > 900000, h
k = [x for x in h if x[\"line\"] == 125]
assert k and k[0][\"function\"] == \"Concat\" and \"does not escape\" in k[0][\"compiler\"], h
"
'

test_expect_success 'text: ranked by bytes with human units, --top cuts both lists' '
	cd m &&
	goescape report --profile mem.out --top 3 >out.txt &&
	sed -n 2,4p out.txt >top &&
	test $(wc -l <top) = 3 &&
	grep -q "hot/hot.go:81  Grow  append escapes to heap" top &&
	head -n 1 top | grep -q "kB  *[1-9][0-9]%  hot/hot.go:81" &&
	grep -q "hot/hot.go:32  ItoaBytes  (\[\]byte)(~r0) escapes to heap (23.5 kB via strconv.Itoa)" top &&
	grep -q "more (--top)" out.txt &&
	grep -q "^  1[0-9] heap escapes with no bytes in this profile" out.txt &&
	grep -q "hot/hot.go:118  MapGrow" out.txt &&
	grep -q "^profile: 2.[0-9] MB in " out.txt &&
	goescape report --profile mem.out >all.txt &&
	python3 -c "
import re, sys
u = {\"B\": 1, \"kB\": 1024, \"MB\": 1 << 20}
rows = []
for l in open(\"all.txt\"):
    if l.startswith(\"hot lines\"): break
    m = re.match(r\" *([0-9.]+) (B|kB|MB) \", l)
    if m: rows.append(float(m.group(1)) * u[m.group(2)])
assert len(rows) >= 10 and rows == sorted(rows, reverse=True), rows
"
'

test_expect_success 'alloc_objects: the share is by objects' '
	cd m &&
	goescape report --profile mem.out --profile-sample alloc_objects --format json >o.json &&
	hot_py o.json "
assert d[\"profile\"][\"sample_type\"] == \"alloc_objects\"
x = diag(142, \"moved to heap: p\")[\"cost\"]
assert x[\"objects\"] == 1001 and abs(x[\"share\"] - 1001 / d[\"profile\"][\"total_objects\"]) < 1e-3, x
"
'

test_expect_success 'a shifted source: one warning line, in JSON too' '
	cd m &&
	python3 -c "
p = \"hot/hot.go\"
s = open(p).read().split(\"\n\")
i = next(k for k, l in enumerate(s) if l.startswith(\"import\"))
while s[i] != \")\" and not s[i].startswith(\"import \\\"\"): i += 1
s[i + 1:i + 1] = [\"// shifted\", \"// by two lines\"]
open(p, \"w\").write(\"\n\".join(s))
" &&
	goescape report --profile mem.out --format json >s.json 2>err &&
	test $(wc -l <err) = 1 &&
	grep -q "^goescape: warning: profile .mem.out. does not match this source: 0 of [0-9]* inline sites agree; was it taken from another commit?\$" err &&
	hot_py s.json "assert len(d[\"profile\"][\"warnings\"]) == 1 and \"does not match\" in d[\"profile\"][\"warnings\"][0], d[\"profile\"]" &&
	git checkout -q hot/hot.go
'

# A go that says it ran: a bad profile must stop goescape before it.
test_expect_success 'setup: a go that leaves a mark' '
	printf "#!/bin/sh\ntouch \"%s/ran\"\nexec /usr/local/go/bin/go \"\$@\"\n" "$TRASH" >marking-go &&
	chmod +x marking-go
'

bad_profile() { # file
	rm -f "$TRASH/ran" &&
	GOESCAPE_GO="$TRASH/marking-go" test_expect_code 2 timeout 60 "$GOESCAPE_BIN" report --profile "$1" --format json >out 2>err &&
	test ! -s out &&
	test $(wc -l <err) = 1 &&
	grep -q "profile '$1'" err &&
	test ! -e "$TRASH/ran"
}

test_expect_success 'the marking go does mark' '
	cd m &&
	echo "// dirty" >>hot/hot.go &&
	GOESCAPE_GO="$TRASH/marking-go" "$GOESCAPE_BIN" report >/dev/null &&
	test -e "$TRASH/ran" &&
	git checkout -q hot/hot.go
'

test_expect_success 'a CPU profile exits 2 before any build' '
	cd m &&
	cpu_profile cpu.out &&
	echo "// dirty" >>hot/hot.go &&
	bad_profile cpu.out &&
	grep -q "not a heap profile" err &&
	git checkout -q hot/hot.go
'

test_expect_success 'a truncated profile, garbage, /dev/zero, a FIFO, a missing file: exit 2' '
	cd m &&
	echo "// dirty" >>hot/hot.go &&
	head -c 2000 mem.out >trunc.out &&
	bad_profile trunc.out && grep -q "truncated" err &&
	printf "hello, not a profile\n" >garbage.out &&
	bad_profile garbage.out &&
	bad_profile /dev/zero &&
	mkfifo fifo.out &&
	bad_profile fifo.out && grep -q "not a regular file" err &&
	bad_profile missing.out &&
	git checkout -q hot/hot.go
'

test_expect_success 'usage: an unknown sample type, --top without --profile' '
	cd m &&
	test_expect_code 2 goescape report --profile mem.out --profile-sample cpu 2>err &&
	grep -q "unknown profile sample type .cpu." err &&
	test_expect_code 2 goescape report --top 3 2>err &&
	grep -q "go with --profile" err
'

test_done
