# Helpers shared by the assertion tests (t6002, t6102, t6203): a small module
# with one inline assertion.  Sourced after lib.sh.

# write_inline_module NAME [LINE]: in the current directory, the module
# example.com/NAME: go.mod and p/p.go, whose one assertion holds (Twice is
# inlined into Use, at p/p.go:10), with LINE, when given, appended to p/p.go
# after a blank line (at line 12).
write_inline_module() {
	mkdir -p p &&
	printf "module example.com/%s\n\ngo 1.19\n" "$1" >go.mod &&
	cat >p/p.go <<-\EOF &&
	package p

	func Twice(n int) int { return 2 * n }

	//go:noinline
	func Slow(n int) int { return 3 * n }

	func Use(n int) int {
		return Twice(n) //goescape:inline
	}
	EOF
	if test $# -gt 1; then
		printf "\n%s\n" "$2" >>p/p.go
	fi
}

# write_key_module: in the current directory, the module example.com/sg
# whose p.Key has inlining cost 79 (a Sprintf rewrite raises it to 82) and
# whose Use pins the call of Key with //goescape:inline; Other has the same
# rewrite with no assertion involved (t6206, t0502).
write_key_module() {
	mkdir -p p &&
	printf "module example.com/sg\n\ngo 1.21\n" >go.mod &&
	cat >p/p.go <<-\EOF
	package p

	import "fmt"

	func Key(n int) []byte {
		m := n*3 + n*5 + 7
		return []byte(fmt.Sprintf("%d", m))
	}

	func Use(n int) int {
		return len(Key(n)) //goescape:inline
	}

	func Other(n int) []byte {
		return []byte(fmt.Sprintf("%d", n))
	}
	EOF
}
