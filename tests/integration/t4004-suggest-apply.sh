#!/usr/bin/env bash
# suggest --apply writes only verified files inside the module, atomically,
# keeping their modes; a file that resolves outside the module stops it
# before anything is written.
. "$(dirname "$0")/lib.sh"

# make_mod DIR: two packages, each with one fmt.Sprintf("%d") to rewrite,
# and a file without any.
make_mod() {
	mkdir -p "$1/a" "$1/b" &&
	printf "module example.com/m\n\ngo 1.22\n" >"$1/go.mod" &&
	printf "package a\n\nimport \"fmt\"\n\nfunc A(n int) string {\n\treturn fmt.Sprintf(\"%%d\", n)\n}\n" >"$1/a/a.go" &&
	printf "package a\n\nfunc P() *int {\n\tx := 1\n\treturn &x\n}\n" >"$1/a/p.go" &&
	printf "package b\n\nimport \"fmt\"\n\nfunc B(n uint) string {\n\treturn fmt.Sprint(n)\n}\n" >"$1/b/b.go"
}

test_expect_success 'modes kept, untouched files not rewritten' '
	make_mod modes &&
	cd modes &&
	chmod 0640 a/a.go &&
	chmod 0604 b/b.go &&
	ls -i a/p.go >../inode.before &&
	goescape suggest --apply >/dev/null 2>&1 &&
	test "$(stat -c %a a/a.go)" = 640 &&
	test "$(stat -c %a b/b.go)" = 604 &&
	ls -i a/p.go >../inode.after &&
	test_cmp ../inode.before ../inode.after &&
	grep -q "return strconv.Itoa(n)" a/a.go &&
	grep -q "return strconv.FormatUint(uint64(n), 10)" b/b.go &&
	ls a b >../files &&
	printf "a:\na.go\np.go\n\nb:\nb.go\n" >../expect.files &&
	test_cmp ../expect.files ../files &&
	go build ./...
'

test_expect_success 'a file outside the module: refused, nothing written' '
	make_mod linked &&
	mkdir outside &&
	mv linked/b/b.go outside/b.go &&
	ln -s ../../outside/b.go linked/b/b.go &&
	cp linked/a/a.go a.go.before &&
	cp outside/b.go b.go.before &&
	cd linked &&
	test_expect_code 2 goescape suggest --apply >../out 2>../err &&
	grep "b/b.go.: .b/b.go. is a symlink leaving the module; not written" ../err &&
	test_cmp ../a.go.before a/a.go &&
	test_cmp ../b.go.before ../outside/b.go &&
	test -L b/b.go
'

test_expect_success 'without --apply nothing is written' '
	make_mod dry &&
	cd dry &&
	find . -type f | sort | xargs md5sum >../sums.before &&
	goescape suggest >../out 2>/dev/null &&
	test -s ../out &&
	find . -type f | sort | xargs md5sum >../sums.after &&
	test_cmp ../sums.before ../sums.after
'

test_done
