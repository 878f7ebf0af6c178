#!/usr/bin/env bash
# suggest --format sarif: one GE2001 result per verified rewrite, each with
# a fix whose replacements, applied, give exactly what --apply writes; the
# log passes Microsoft's validator.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sarif.sh"

test_expect_success 'setup' '
	committed_example shop &&
	cp -R shop applied
'

test_expect_success 'a valid log, one result per suggestion' '
	cd shop &&
	goescape suggest --format sarif -o ../s.sarif 2>../err &&
	validate ../s.sarif &&
	json ../s.sarif "\"\\n\".join(\"%s %s:%d\" % (r[\"ruleId\"], r[\"locations\"][0][\"physicalLocation\"][\"artifactLocation\"][\"uri\"], r[\"locations\"][0][\"physicalLocation\"][\"region\"][\"startLine\"]) for r in d[\"runs\"][0][\"results\"])" >../actual &&
	printf "%s\n" "GE2001 cart/cart.go:33" "GE2001 cart/cart.go:38" >../expect &&
	test_cmp ../expect ../actual &&
	git status --porcelain >../changed &&
	test_cmp /dev/null ../changed
'

test_expect_success 'the fixes, applied, are what --apply writes' '
	(cd applied && goescape suggest --apply >/dev/null 2>&1) &&
	python3 - shop/cart/cart.go s.sarif >fixed.go <<-\PY &&
	import json, sys
	lines = open(sys.argv[1]).read().splitlines(True)
	reps = [r for res in json.load(open(sys.argv[2]))["runs"][0]["results"]
	        for f in res["fixes"] for c in f["artifactChanges"] for r in c["replacements"]]
	for r in sorted(reps, key=lambda r: -r["deletedRegion"]["startLine"]):
	    s, e = r["deletedRegion"]["startLine"], r["deletedRegion"]["endLine"]
	    lines[s - 1:e - 1] = r.get("insertedContent", {}).get("text", "").splitlines(True)
	sys.stdout.write("".join(lines))
	PY
	test_cmp applied/cart/cart.go fixed.go
'

test_done
