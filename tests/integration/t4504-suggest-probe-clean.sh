#!/usr/bin/env bash
# A package whose only probes are an append's destination ([]byte, so every
# probe line compiles) prints nothing under go list -export: that silence
# with exit 0 means every probe compiled, not "could not be probed" (seen
# on github.com/jackc/pgx/v5's pgproto3: dst = append(dst, strconv.Itoa(n)...)).
. "$(dirname "$0")/lib.sh"

test_expect_success 'an append whose destination probes all compile is rewritten' '
	mkdir -p m/p &&
	printf "module example.com/t\n\ngo 1.22\n" >m/go.mod &&
	cat >m/p/p.go <<-\EOF &&
	package p

	import "strconv"

	type Msg struct{ Line int32 }

	func (src *Msg) Encode(dst []byte) []byte {
		dst = append(dst, 76)
		dst = append(dst, strconv.Itoa(int(src.Line))...)
		return append(dst, 0)
	}
	EOF
	(cd m && gofmt -w . && git init -q && git add . && git commit -qm base) &&
	cd m &&
	goescape suggest --format json -o ../s.json ./... 2>/dev/null &&
	json ../s.json "\"\\n\".join([\"%d %s\" % (s[\"line\"], s[\"after\"]) for s in d[\"suggestions\"]] + [\"%d %s\" % (s[\"line\"], s[\"reason\"]) for s in d[\"skipped\"]])" >../out &&
	cat ../out &&
	echo "9 strconv.AppendInt(dst, int64(int(src.Line)), 10)" >../want &&
	test_cmp ../want ../out
'

test_done
