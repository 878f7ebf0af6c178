#!/usr/bin/env bash
# Parity with the compiler on real modules from the module proxy (chi,
# cobra): for every main-module position, the count goescape reports is the
# number of times the compiler printed that line, counted within each
# "# importpath" block (the same package's block seen twice counts once) and
# added up over packages.  Each module is built in a git repository the test
# makes, by goescape and by plain go, and the two are compared position by
# position.  The test prints how many lines one-per-position would collapse.
. "$(dirname "$0")/lib.sh"

# parity RAW REPORT.json: the comparison; prints one summary line, and the
# positions that differ (exit 1) if any.
cat >"$TRASH/parity.py" <<\PY
import json, re, sys, collections
# parity.py RAW REPORT.json : compare goescape's counts with the compiler's.
raw, rep = sys.argv[1], sys.argv[2]
blocks = {}
pkg, cur = None, None
lines_total = 0
def flush():
    if pkg is not None:
        best = blocks.setdefault(pkg, collections.Counter())
        for k, n in cur.items():
            best[k] = max(best[k], n)
pos = re.compile(r"^(?:\./)?([^/<][^:]*\.go):(\d+):(\d+): (.*)$")
for line in open(raw, errors="replace"):
    line = line.rstrip("\n")
    if line.startswith("# "):
        flush()
        pkg, cur = line[2:].split(" ")[0], collections.Counter()
        continue
    m = pos.match(line)
    if not m or pkg is None:
        continue
    msg = m.group(4)
    if not (msg.endswith("escapes to heap") or msg.startswith("moved to heap: ") or msg.startswith("leaking param")):
        continue
    cur[(m.group(1), int(m.group(2)), int(m.group(3)), msg)] += 1
    lines_total += 1
flush()
want = collections.Counter()
for b in blocks.values():
    want.update(b)
d = json.load(open(rep))
got = collections.Counter()
for x in d["diagnostics"]:
    got[(x["file"], x["line"], x["column"], x["message"])] += x.get("count", 1)
bad = [(k, want.get(k, 0), got.get(k, 0)) for k in set(want) | set(got) if want.get(k, 0) != got.get(k, 0)]
dup = sum(n - 1 for n in want.values())
print("lines %d positions %d printed-more-than-once %d collapsed-before %d collapsed-after %d mismatches %d"
      % (sum(want.values()), len(want), sum(1 for n in want.values() if n > 1), dup,
         sum(want.values()) - sum(got.values()), len(bad)))
heap = [k for k in want if not k[3].startswith("leaking")]
hl = sum(want[k] for k in heap)
print("heap lines %d heap positions %d collapsed-before %d (%.1f%%)" % (hl, len(heap), hl - len(heap), 100.0 * (hl - len(heap)) / max(hl, 1)))
for k, w, g in sorted(bad)[:20]:
    print("MISMATCH %s:%d:%d: %s compiler %d goescape %d" % (k[0], k[1], k[2], k[3], w, g))
sys.exit(1 if bad or not want else 0)
PY

# setup NAME MODULE@VERSION: the module's source, committed in NAME.
setup() {
	go mod download -json "$2" >"$1.download.json" &&
	dir=$(json "$1.download.json" "d[\"Dir\"]") &&
	cp -R "$dir" "$1" &&
	chmod -R u+w "$1" &&
	(cd "$1" && git init -q && git add . && git commit -qm "$2")
}

for spec in chi:github.com/go-chi/chi/v5@v5.5.0 cobra:github.com/spf13/cobra@v1.10.2; do
	name=${spec%%:*} modver=${spec#*:}
	test_expect_success "$name: setup, and the compiler's own -m output" '
		setup '"$name $modver"' &&
		cd '"$name"' &&
		mod=$(sed -n "s/^module //p" go.mod) &&
		go build -gcflags="$mod/...=-m" ./... 2>raw.txt &&
		grep -q "escapes to heap$" raw.txt
	'
	test_expect_success "$name: every position counts what the compiler printed there" '
		cd '"$name"' &&
		goescape report --format json -o report.json &&
		python3 ../parity.py raw.txt report.json >../'"$name"'.parity &&
		grep -q " collapsed-after 0 mismatches 0$" ../'"$name"'.parity
	'
	test_expect_success "$name: the output read twice (two captures at once) counts the same" '
		cd '"$name"' &&
		cat raw.txt raw.txt >twice.txt &&
		goescape report --input twice.txt --format json -o twice.json &&
		python3 ../parity.py raw.txt twice.json >twice.parity &&
		grep -q " collapsed-after 0 mismatches 0$" twice.parity
	'
	[ -f "$TRASH/$name.parity" ] && sed "s/^/# $name: /" "$TRASH/$name.parity"
done

test_done
