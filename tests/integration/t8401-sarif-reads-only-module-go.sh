#!/usr/bin/env bash
# SARIF snippets come only from the module's own Go files.  A committed
# baseline (or a fetched note) names the files of its "fixed" entries, and
# check's SARIF quotes the line of each one: an entry for '.git/config'
# (where CI checkouts keep the token header) or for a file reached through
# a committed symlink leaving the module must not put that file's text into
# the SARIF that is uploaded to code scanning.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lib-sarif.sh"

add_entry() { # file line: append a fixed-to-be entry to the baseline
	python3 - "$1" "$2" <<-'PY'
	import json, sys
	p = ".goescape/baseline.json"
	d = json.load(open(p))
	d["diagnostics"].append({"file": sys.argv[1], "line": int(sys.argv[2]), "column": 1,
	    "function": "X", "kind": "escapes", "subject": "x", "message": "x escapes to heap",
	    "package": "example.com/shop"})
	open(p, "w").write(json.dumps(d))
	PY
}

test_expect_success 'setup: a module with a baseline, a secret outside it, a token in .git/config' '
	copy_example shop &&
	echo "OUTSIDE_S3CRET_1" >secret.txt &&
	cd shop &&
	git init -q && git add . && git commit -qm shop &&
	git config http.extraheader "AUTHORIZATION: basic T0KEN_S3CRET_2" &&
	goescape baseline 2>/dev/null
'

test_expect_success 'a baseline entry for .git/config: the SARIF holds no line of it' '
	cd shop &&
	line=$(grep -n extraheader .git/config | cut -d: -f1) &&
	add_entry .git/config "$line" &&
	git add -A && git commit -qm "entry for .git/config" &&
	goescape check --format sarif -o ../a.sarif 2>/dev/null &&
	validate ../a.sarif &&
	grep -q "\"uri\":\".git/config\"" ../a.sarif &&
	! grep -q T0KEN_S3CRET_2 ../a.sarif
'

test_expect_success 'an entry through a committed symlink leaving the module: no line of the target' '
	cd shop &&
	ln -s .. up &&
	add_entry up/secret.txt 1 &&
	git add -A && git commit -qm "entry through a symlink" &&
	goescape check --format sarif -o ../b.sarif 2>/dev/null &&
	validate ../b.sarif &&
	grep -q "\"uri\":\"up/secret.txt\"" ../b.sarif &&
	! grep -q OUTSIDE_S3CRET_1 ../b.sarif &&
	! grep -q T0KEN_S3CRET_2 ../b.sarif
'

test_expect_success 'the module'"'"'s own Go files still give snippets' '
	grep -q "\"snippet\":{\"text\":\"&Cart{}\"}" b.sarif
'

test_done
