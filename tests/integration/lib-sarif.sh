# Helpers shared by the SARIF tests (t20*, t3102, t4008, t5102, t8304,
# t8401 ...): Microsoft's validator, a query over a log, and the committed
# example most of them start from.  Sourced after lib.sh.

# validate FILE...: every SARIF log passes scripts/validate-sarif (GitHub's
# and the spec's rules); its findings are printed when one does not.
validate() { "$TOP/scripts/validate-sarif" "$@"; }

# sarif FILE EXPR: EXPR in python, with d the log, r its first run and res
# that run's results; a list prints one item a line.
sarif() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
r = d["runs"][0]
res = r["results"]
v = eval(sys.argv[2])
print("\n".join(map(str, v)) if isinstance(v, list) else v)
' "$@"
}

# committed_example NAME: the example module in $TRASH/NAME, a git
# repository with it committed ("shop") on main.
committed_example() {
	copy_example "$1" &&
	(cd "$TRASH/$1" && git init -q && git add . && git commit -qm shop)
}

# add_hold [FILE]: the example's FILE (cart/cart.go) gains Hold, whose
# new(int) escapes through its result: one new heap escape, at the end of
# the file ("new(int) escapes to heap" on Hold's second line).
add_hold() {
	cat >>"${1:-cart/cart.go}" <<\EOF

// Hold returns a fresh pointer: new(int) escapes through the result.
func Hold(n int) *int {
	p := new(int)
	*p = n
	return p
}
EOF
}
