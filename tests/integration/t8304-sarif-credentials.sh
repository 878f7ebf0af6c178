#!/usr/bin/env bash
# SARIF never carries credentials: with the origin remote's URL holding a
# password or token in every form people and CI systems write, the SARIF of
# check, report and suggest contains none of it, names the host where it
# can, and still validates.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lib-sarif.sh"

# URL | what must not appear (|-separated) | the repositoryUri wanted ("-": none)
cat >"$TRASH/urls" <<'EOF'
https://x-access-token:ghs_S3CRETa@github.com/org/shop.git|ghs_S3CRETa|x-access-token|https://github.com/org/shop.git
https://u:pa55@wordS3CRETb@git.example.com/org/shop.git|pa55|wordS3CRETb|https://git.example.com/org/shop.git
https://git.example.com/org/shop.git?access_token=S3CRETc#fragS3CRETd|S3CRETc|S3CRETd|access_token|https://git.example.com/org/shop.git
user:tokS3CRETe@git.example.com:org/shop.git|tokS3CRETe|user:|https://git.example.com/org/shop.git
ssh://deploy:S3CRETf@git.example.com:2222/org/shop.git|S3CRETf|deploy|https://git.example.com/org/shop.git
ssh://git@[::1]:2222/srv/shop.git?S3CRETg|S3CRETg|https://[::1]/srv/shop.git
http://me%40corp.example:S3CRETh@gitea.local:3000/o/shop|S3CRETh|me%40corp|me@corp|http://gitea.local:3000/o/shop
https://ciS3CRETi%40git.example.com/org/shop.git|ciS3CRETi|https://git.example.com/org/shop.git
git://anon:S3CRETj@git.example.com/shop.git|S3CRETj|anon|https://git.example.com/shop.git
file://u:S3CRETk@nas/share/shop.git|S3CRETk|file://nas/share/shop.git
https://u:pa/S3CRETl@git.example.com/org/shop.git|S3CRETl|pa/S3|-
u:to/S3CRETm@git.example.com:org/shop.git|S3CRETm|to/S3|-
EOF

test_expect_success 'setup: a module with a baseline, then a new escape' '
	committed_example shop &&
	cd shop &&
	goescape baseline 2>/dev/null &&
	printf "package cart\n\n// Box boxes n.\nfunc Box(n int) *int { return &n }\n" >cart/box.go
'

n=0
while IFS= read -r line; do
	n=$((n + 1))
	url=${line%%|*}
	want=${line##*|}
	# suggest writes its SARIF the same way: once is enough (form 2).
	also=
	[ $n != 2 ] || also=" and suggest"
	test_expect_success "origin form $n: no secret in the SARIF of check, report$also" '
		cd shop &&
		rm -f suggest.sarif &&
		git remote remove origin 2>/dev/null || : &&
		git remote add origin '"'$url'"' &&
		test "$(git remote get-url origin)" = '"'$url'"' &&
		test_expect_code 1 goescape check --format sarif -o check.sarif 2>/dev/null &&
		goescape report --format sarif -o report.sarif 2>/dev/null &&
		if test '$n' = 2; then goescape suggest --format sarif -o suggest.sarif 2>/dev/null; fi &&
		for f in check.sarif report.sarif $(ls suggest.sarif 2>/dev/null); do
			validate $f >/dev/null || exit 1
			echo '"'$line'"' | tr "|" "\n" | sed "1d;\$d" | while IFS= read -r secret; do
				if grep -qF -- "$secret" $f; then
					echo "$f holds $secret"; exit 1
				fi
			done || exit 1
		done &&
		json check.sarif "[v.get(\"repositoryUri\") for v in d[\"runs\"][0].get(\"versionControlProvenance\", [])]" >got &&
		if test '"'$want'"' = -; then echo "[]"; else echo "['"'$want'"']"; fi >expect &&
		test_cmp expect got
	'
done <"$TRASH/urls"

test_done
