#!/usr/bin/env bash
# The Go version a report records is the toolchain go really runs, after
# go's toolchain selection: GOTOOLCHAIN in the environment or in the go env
# file, go.mod's toolchain and go lines with GOTOOLCHAIN=auto or
# <name>+auto, go.work's lines.  Checked against "go env GOVERSION" run the
# same way (go selects its toolchain for that too).
. "$(dirname "$0")/lib.sh"

LOCAL=$(go env GOVERSION)
NEW=go1.27.3

# recorded: the "go" of a report, and the go= of its configuration, must
# both be $1.
recorded() {
	goescape report --format json >r.json &&
	test "$(json r.json "d[\"go\"]")" = "$1" &&
	test "$(json r.json "d[\"config\"][\"canonical\"].split()[0]")" = "go=$1"
}

test_expect_success 'setup: the newer toolchain is in the module cache' '
	copy_example shop &&
	cd shop &&
	test "$(GOTOOLCHAIN=$NEW go env GOVERSION)" = $NEW
'

test_expect_success 'GOTOOLCHAIN=local: the local toolchain' '
	cd shop &&
	recorded "$LOCAL"
'

test_expect_success 'GOTOOLCHAIN=go1.27.3 in the environment' '
	cd shop &&
	GOTOOLCHAIN=$NEW recorded $NEW
'

test_expect_success 'GOTOOLCHAIN=go1.27.3 in the go env file, not the environment' '
	cd shop &&
	(
		unset GOTOOLCHAIN &&
		go env -w GOTOOLCHAIN=$NEW &&
		test "$(go env GOVERSION)" = $NEW &&
		recorded $NEW &&
		go env -u GOTOOLCHAIN
	)
'

test_expect_success 'go.mod "toolchain go1.27.3" with GOTOOLCHAIN=auto' '
	cp -R shop tc &&
	cd tc &&
	echo "toolchain $NEW" >>go.mod &&
	test "$(GOTOOLCHAIN=auto go env GOVERSION)" = $NEW &&
	GOTOOLCHAIN=auto recorded $NEW &&
	GOTOOLCHAIN=local recorded "$LOCAL"
'

test_expect_success 'go.mod "go 1.27.3" with GOTOOLCHAIN=auto, and with go1.22.0+auto' '
	cp -R shop goline &&
	cd goline &&
	sed -i "s/^go 1.19$/go 1.27.3/" go.mod &&
	grep -q "^go 1.27.3$" go.mod &&
	GOTOOLCHAIN=auto recorded $NEW &&
	test "$(GOTOOLCHAIN=go1.22.0+auto go env GOVERSION)" = $NEW &&
	GOTOOLCHAIN=go1.22.0+auto recorded $NEW
'

test_expect_success 'a go.work toolchain line wins over the go.mod it uses' '
	mkdir ws &&
	cp -R shop ws/shop &&
	printf "go 1.19\n\ntoolchain %s\n\nuse ./shop\n" $NEW >ws/go.work &&
	cd ws/shop &&
	test "$(GOTOOLCHAIN=auto go env GOVERSION)" = $NEW &&
	GOTOOLCHAIN=auto recorded $NEW
'

test_expect_success 'a note made with go1.27.3 is not used by a check under the local go' '
	cp -R shop n &&
	cd n &&
	git init -q && git add . && git commit -qm n &&
	GOTOOLCHAIN=$NEW goescape report >/dev/null &&
	echo "// c" >>main.go && git commit -qam c &&
	goescape check --base HEAD~1 --format json -o c.json &&
	test "$(json c.json "d[\"go\"]")" = "$LOCAL" &&
	git notes --ref=goescape show HEAD~1 >note &&
	test "$(grep -c "\"schema\"" note)" = 2 &&
	grep -q "go=$NEW " note &&
	grep -q "go=$LOCAL " note
'

test_done
