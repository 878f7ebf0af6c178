#!/usr/bin/env bash
# A module in a subdirectory of its repository: %SRCROOT% is the work tree,
# so result paths start with the module's directory, as GitHub needs them
# to find the files; line hashes are those of the files themselves.
#
# Bodies are &&-chained: lib.sh runs them as an if-condition, where set -e
# has no effect.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lib-sarif.sh"

test_expect_success 'setup: the example as services/shop of a repository' '
	mkdir repo &&
	cd repo &&
	git init -q &&
	mkdir services &&
	copy_example repo/services/shop &&
	git remote add origin https://ci-bot:t0ken@git.example.com/team/mono.git &&
	git add . &&
	git commit -qm shop &&
	add_hold services/shop/cart/cart.go &&
	git commit -qam hold
'

test_expect_success 'check from the module directory: paths from the work tree' '
	cd repo/services/shop &&
	test_expect_code 1 goescape check --base HEAD~1 --format sarif -o "$TRASH/check.sarif" &&
	validate "$TRASH/check.sarif" &&
	cd "$TRASH" &&
	sarif check.sarif "sorted(set(x[\"locations\"][0][\"physicalLocation\"][\"artifactLocation\"][\"uri\"] for x in res))" >actual &&
	printf "%s\n" services/shop/cart/cart.go services/shop/main.go >expect &&
	test_cmp expect actual &&
	sarif check.sarif "r[\"originalUriBaseIds\"][\"%SRCROOT%\"][\"uri\"]" >actual &&
	echo "file://$TRASH/repo/" >expect &&
	test_cmp expect actual &&
	sarif check.sarif "[\"%s:%d\" % (x[\"locations\"][0][\"physicalLocation\"][\"artifactLocation\"][\"uri\"], x[\"locations\"][0][\"physicalLocation\"][\"region\"][\"startLine\"]) for x in res if x[\"baselineState\"] == \"new\"]" >actual &&
	echo services/shop/cart/cart.go:52 >expect &&
	test_cmp expect actual
'

test_expect_success 'the repository URI without its credentials' '
	sarif check.sarif "r[\"versionControlProvenance\"][0][\"repositoryUri\"]" >actual &&
	echo https://git.example.com/team/mono.git >expect &&
	test_cmp expect actual &&
	! grep -q t0ken check.sarif
'

# The same lines hashed from the work tree root: one module file, found
# under the uri, gives every result on it the hash of its own line.
test_expect_success 'line hashes follow the file, not the directory' '
	cd repo/services/shop &&
	goescape report --format sarif -o "$TRASH/sub.sarif" &&
	cd "$TRASH" &&
	committed_example flat &&
	(cd flat &&
	 add_hold &&
	 goescape report --format sarif -o "$TRASH/flat.sarif") &&
	sarif sub.sarif "sorted(\"%s %s\" % (x[\"message\"][\"text\"], x[\"partialFingerprints\"][\"primaryLocationLineHash\"]) for x in res)" >expect &&
	sarif flat.sarif "sorted(\"%s %s\" % (x[\"message\"][\"text\"], x[\"partialFingerprints\"][\"primaryLocationLineHash\"]) for x in res)" >actual &&
	test_cmp expect actual
'

test_done
