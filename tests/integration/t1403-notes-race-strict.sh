#!/usr/bin/env bash
# A note is the report of the commit it is attached to, or it is nothing:
# a commit made while a build runs gets no note from that build; a note
# whose commit field names another commit is ignored with one warning;
# check --rebuild-base ignores stored notes; a baseline of another build
# configuration is refused (exit 2) unless --allow-config-mismatch.
. "$(dirname "$0")/lib.sh"

REALGO=$(command -v go)
# A go that runs the build, then (for builds, goescape's own "list -export"
# ones included) says so and waits: a commit
# made in that window lands after go read the tree, before goescape stores.
# A GOROOT-like directory (VERSION beside bin/go) so goescape asks it nothing.
mkdir -p "$TRASH/slow/bin"
cp "$(go env GOROOT)/VERSION" "$TRASH/slow/VERSION"
cat >"$TRASH/slow/bin/go" <<EOF
#!/bin/sh
"$REALGO" "\$@"
rc=\$?
if [ "\$1" = build ] || [ "\$1" = list ]; then
	touch "$TRASH/built"
	i=0
	while [ ! -e "$TRASH/go-on" ] && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i+1)); done
fi
exit \$rc
EOF
chmod +x "$TRASH/slow/bin/go"
SLOW_GO=$TRASH/slow/bin/go

BOX='package cart

// Box escapes.
func Box(n int) *int { return &n }'

new_repo() {
	copy_example "$1" && (cd "$1" && git init -q && git add . && git commit -qm shop)
}

# wait_built: until the slow go has finished its build.
wait_built() {
	i=0
	while [ ! -e "$TRASH/built" ]; do
		sleep 0.1
		i=$((i + 1))
		test $i -lt 300 || return 1
	done
}

test_expect_success 'a commit made while report runs: no note on it, none on the old HEAD' '
	new_repo race &&
	cd race &&
	old=$(git rev-parse HEAD) &&
	rm -f "$TRASH/built" "$TRASH/go-on" &&
	{ GOESCAPE_GO=$SLOW_GO goescape report --format json >r.json 2>err & } &&
	pid=$! &&
	wait_built &&
	echo "$BOX" >cart/box.go &&
	git add cart/box.go &&
	git commit -qm box &&
	touch "$TRASH/go-on" &&
	wait $pid &&
	test_cmp /dev/null err &&
	test_expect_code 1 git notes --ref=goescape show HEAD 2>/dev/null &&
	test_expect_code 1 git notes --ref=goescape show $old 2>/dev/null &&
	test "$(json r.json "d[\"summary\"][\"heap\"]")" = 8
'

test_expect_success 'the next check then gives the right answer: 1 new' '
	cd race &&
	test_expect_code 1 goescape check --base HEAD~1 >out &&
	tail -1 out >last &&
	echo "1 new heap escape, 0 fixed (of 9 in all)" >expect &&
	test_cmp expect last &&
	git notes --ref=goescape show HEAD >head.json &&
	test "$(json head.json "d[\"summary\"][\"heap\"]")" = 9
'

test_expect_success 'a commit during a captured goescape build: no note either' '
	new_repo race2 &&
	cd race2 &&
	rm -f "$TRASH/built" "$TRASH/go-on" &&
	{ GOESCAPE_GO=$SLOW_GO goescape build -o /dev/null ./... 2>err & } &&
	pid=$! &&
	wait_built &&
	echo "$BOX" >cart/box.go &&
	git add cart/box.go &&
	git commit -qm box &&
	touch "$TRASH/go-on" &&
	wait $pid &&
	test_expect_code 1 git rev-parse -q --verify refs/notes/goescape
'

test_expect_success 'a tree cleaned while report runs (git stash): no note' '
	new_repo stash &&
	cd stash &&
	echo "$BOX" >cart/box.go &&
	git add cart/box.go &&
	rm -f "$TRASH/built" "$TRASH/go-on" &&
	{ GOESCAPE_GO=$SLOW_GO goescape report >/dev/null 2>err & } &&
	pid=$! &&
	wait_built &&
	git stash -q &&
	touch "$TRASH/go-on" &&
	wait $pid &&
	test_expect_code 1 git rev-parse -q --verify refs/notes/goescape
'

test_expect_success 'without a race the same slow go stores the note' '
	new_repo calm &&
	cd calm &&
	touch "$TRASH/go-on" &&
	GOESCAPE_GO=$SLOW_GO goescape report >/dev/null &&
	git notes --ref=goescape show HEAD >/dev/null
'

test_expect_success 'a note naming another commit is ignored, with one warning, and replaced' '
	new_repo strict &&
	cd strict &&
	goescape report --format json >right.json &&
	echo "$BOX" >cart/box.go &&
	git add cart/box.go &&
	git commit -qm box &&
	git notes --ref=goescape add -f -C "$(git notes --ref=goescape list HEAD~1)" HEAD &&
	goescape report --commit HEAD --format json >r.json 2>err &&
	test "$(json r.json "d[\"commit\"]")" = "$(git rev-parse HEAD)" &&
	test "$(json r.json "d[\"summary\"][\"heap\"]")" = 9 &&
	echo "goescape: warning: ignoring the stored report on $(git rev-parse --short=12 HEAD): it names commit '\''$(git rev-parse HEAD~1)'\''" >expect &&
	test_cmp expect err &&
	git notes --ref=goescape show HEAD >note &&
	test "$(grep -c "\"schema\"" note)" = 1 &&
	test "$(json note "d[\"commit\"]")" = "$(git rev-parse HEAD)" &&
	goescape report --commit HEAD >/dev/null 2>err2 &&
	test_cmp /dev/null err2
'

test_expect_success 'check --rebuild-base builds the base although a (wrong) note is stored' '
	cd strict &&
	git notes --ref=goescape show HEAD~1 >base.json &&
	python3 -c "import json; d=json.load(open(\"base.json\")); d[\"diagnostics\"]=d[\"diagnostics\"][1:]; print(json.dumps(d, indent=2))" >wrong.json &&
	git notes --ref=goescape add -f -F wrong.json HEAD~1 &&
	test_expect_code 1 goescape check --base HEAD~1 --format json -o from-note.json &&
	test "$(json from-note.json "d[\"summary\"][\"new\"]")" = 2 &&
	test_expect_code 1 goescape check --base HEAD~1 --rebuild-base --format json -o rebuilt.json &&
	test "$(json rebuilt.json "d[\"summary\"][\"new\"]")" = 1 &&
	git notes --ref=goescape show HEAD~1 >again.json &&
	test "$(json again.json "len(d[\"diagnostics\"])")" = "$(json base.json "len(d[\"diagnostics\"])")"
'

test_expect_success '--rebuild-base goes with --base only' '
	cd strict &&
	test_expect_code 2 goescape check --rebuild-base 2>err &&
	grep -q "rebuild-base" err
'

test_expect_success 'a baseline of another configuration: exit 2, one line; --allow-config-mismatch compares' '
	new_repo bl &&
	cd bl &&
	GOFLAGS="$GOFLAGS -tags=lean" goescape baseline 2>/dev/null &&
	grep -q "tags=lean" .goescape/baseline.json &&
	cp .goescape/baseline.json before.json &&
	test_expect_code 2 goescape check >out 2>err &&
	test_cmp /dev/null out &&
	echo "goescape: the baseline '\''.goescape/baseline.json'\'' was recorded under another build configuration (tags: lean, now none): record it again with '\''goescape baseline'\'', or compare anyway with --allow-config-mismatch" >expect &&
	test_cmp expect err &&
	goescape check --allow-config-mismatch >out 2>err &&
	echo "goescape: warning: the baseline '\''.goescape/baseline.json'\'' was recorded under another build configuration (tags: lean, now none)" >expect &&
	test_cmp expect err &&
	GOFLAGS="$GOFLAGS -tags=lean" goescape check >out 2>err &&
	test_cmp /dev/null err &&
	test_cmp before.json .goescape/baseline.json
'

test_expect_success 'a baseline of the same configuration: no line at all' '
	cd bl &&
	goescape baseline 2>/dev/null &&
	goescape check >out 2>err &&
	test_cmp /dev/null err
'

test_done
