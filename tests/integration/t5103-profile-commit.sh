#!/usr/bin/env bash
# --profile-commit REV: a profile taken at another commit is joined through
# the same line maps check follows (lib/history), so a source shifted by two
# lines since gets the profile's bytes on the right lines and no stale
# warning; a line changed since gets nothing (its bytes are "changed");
# a bad REV exits 2 before anything is built.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-profile.sh"

test_expect_success 'setup: profile at commit A, then B inserts two lines' '
	profile_module m A &&
	cd m &&
	printf "*.json\n*.txt\n" >>.git/info/exclude &&
	mem_profile mem.out &&
	git rev-parse HEAD >A &&
	python3 -c "
p = \"hot/hot.go\"
s = open(p).read().split(\"\n\")
i = s.index(\")\")  # the end of the import block
s[i + 1:i + 1] = [\"// shifted\", \"// by two lines\"]
open(p, \"w\").write(\"\n\".join(s))
" &&
	grep -n "SinkP = NewPointInl(i)" hot/hot.go | grep -q "^144:" &&
	git commit -qam B
'

test_expect_success 'without --profile-commit: the stale warning' '
	cd m &&
	goescape report --profile mem.out --format json >stale.json 2>err &&
	grep -q "does not match this source: 0 of [0-9]* inline sites agree" err &&
	hot_py stale.json "assert diag(144, \"moved to heap: p\")[\"cost\"][\"objects\"] == 0"
'

test_expect_success '--profile-commit A: exact counts on the shifted lines, no warning' '
	cd m &&
	goescape report --profile mem.out --profile-commit HEAD~1 --format json >r.json 2>err &&
	test ! -s err &&
	hot_py r.json "
p = d[\"profile\"]
assert p[\"commit\"] == \"$(cat A)\", p
assert p[\"warnings\"] == [] and p[\"changed_bytes\"] == 0, p
assert p[\"inline_sites\"][\"checked\"] >= 2 and p[\"inline_sites\"][\"agree\"] == p[\"inline_sites\"][\"checked\"], p
assert p[\"start_lines\"][\"checked\"] >= 2 and p[\"start_lines\"][\"agree\"] == p[\"start_lines\"][\"checked\"], p
c = lambda l, t: diag(l, t)[\"cost\"]
assert c(144, \"moved to heap: p\")[\"objects\"] == 1001, c(144, \"moved to heap: p\")
assert c(44, \"moved to heap: p\")[\"bytes\"] == 0
assert c(50, \"moved to heap: p\")[\"objects\"] == 1001
assert c(147, \"moved to heap: q\")[\"objects\"] == 1001
x = c(34, \"([]byte)(~r0)\")
assert x[\"objects\"] == 2002 and x[\"via_callee\"] == \"strconv.Itoa\", x
h = [x for x in d[\"hot_sites\"] if x[\"line\"] == 120]
assert h and h[0][\"function\"] == \"MapGrow\", d[\"hot_sites\"]
"
'

test_expect_success 'a line changed since A gets nothing: its bytes are changed_bytes' '
	cd m &&
	sed -i "s/^\tSinkP = NewPointInl(i)\$/\tSinkP = NewPointInl(i + 0)/" hot/hot.go &&
	grep -q "NewPointInl(i + 0)" hot/hot.go &&
	goescape report --profile mem.out --profile-commit "$(cat A)" --format json >c.json 2>err &&
	test ! -s err &&
	hot_py c.json "
p = d[\"profile\"]
assert diag(144, \"moved to heap: p\")[\"cost\"][\"bytes\"] == 0
was = json.load(open(\"r.json\"))
b = [x[\"cost\"][\"bytes\"] for x in was[\"diagnostics\"] if x[\"line\"] == 144 and \"moved to heap: p\" in x[\"message\"]]
assert b[0] > 16000 and p[\"changed_bytes\"] == b[0], (p, b)
assert diag(50, \"moved to heap: p\")[\"cost\"][\"objects\"] == 1001
" &&
	git checkout -q hot/hot.go
'

test_expect_success 'check --profile-commit: ranked by the mapped bytes' '
	cd m &&
	goescape check --base HEAD~1 --profile mem.out --profile-commit HEAD~1 >out.txt 2>err &&
	test ! -s err &&
	grep -q "^profile: 2.[0-9] MB in " out.txt
'

test_expect_success 'a bad REV, no --profile, no repository: exit 2 before any build' '
	cd m &&
	printf "#!/bin/sh\ntouch \"%s/ran\"\nexec /usr/local/go/bin/go \"\$@\"\n" "$TRASH" >../marking-go &&
	chmod +x ../marking-go &&
	echo "// dirty" >>hot/hot.go &&
	rm -f "$TRASH/ran" &&
	GOESCAPE_GO="$TRASH/marking-go" test_expect_code 2 "$GOESCAPE_BIN" report --profile mem.out --profile-commit no-such-rev >out 2>err &&
	test $(wc -l <err) = 1 && grep -q "no-such-rev" err &&
	test ! -e "$TRASH/ran" &&
	test_expect_code 2 goescape report --profile-commit HEAD~1 2>err &&
	grep -q "go with --profile" err &&
	git checkout -q hot/hot.go &&
	cp -r . ../norepo && rm -rf ../norepo/.git &&
	(cd ../norepo && test_expect_code 2 "$GOESCAPE_BIN" report --profile mem.out --profile-commit HEAD 2>err &&
	 grep -q "needs a git repository" err)
'

test_done
