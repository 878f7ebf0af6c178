#!/usr/bin/env bash
# goescape log --html: one self-contained page drawn from the notes of a
# real repository -- heap escapes added in two packages, one fixed, one
# commit without a note, and a subject and a file name that try to break
# out of the HTML -- checked as text (no network reference, everything
# escaped, written atomically) and in headless Chromium (the DOM has the
# charts, every short sha, every package and HEAD's count; the screenshot
# is not blank).  Also log --format json against docs/schema/log-1.json,
# and log --build filling the gap.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lib-log.sh"

test_expect_success 'setup: six commits, escapes added in alpha and beta, one fixed, one without a note' '
	make_trend_repo repo
'

test_expect_success 'log --format json: the documented shape, gaps without counts, +new -fixed' '
	cd repo &&
	goescape log --format json >../log.json &&
	python3 - ../log.json "$TOP/docs/schema/log-1.json" <<-\EOF
	import json, sys
	d = json.load(open(sys.argv[1]))
	try:
	    import jsonschema
	    jsonschema.validate(d, json.load(open(sys.argv[2])))
	except ImportError:
	    pass
	assert d["schema"] == "goescape-log/1", d["schema"]
	assert d["module"] == "example.com/trend", d["module"]
	c = d["commits"]
	assert len(c) == 6, len(c)
	assert [x["note"] for x in c] == [True, True, True, True, False, True], c
	assert "heap" not in c[4] and "packages" not in c[4], c[4]
	assert c[5]["parent"] is None and c[5]["new"] is None, c[5]
	assert c[5]["author"] == "Test Author", c[5]
	# the fix: alpha loses its fmt.Sprint escape
	assert c[0]["fixed"] >= 1 and c[0]["new"] == 0, c[0]
	assert c[0]["subject"] == "alpha: label without fmt", c[0]
	# the evil commit: one new escape, in the evil file
	assert c[1]["new"] == 1 and c[1]["top_new"][0]["file"] == "beta/x<script>\"q\x27.go", c[1]
	assert c[1]["top_new"][0]["function"] == "Evil", c[1]
	# beta arrives with its escapes
	assert c[2]["new"] >= 1 and all(t["file"] == "beta/beta.go" for t in c[2]["top_new"]), c[2]
	# alpha grows, but its parent has no note: not compared
	assert c[3]["new"] is None and c[3]["fixed"] is None and c[3]["heap"] > c[5]["heap"], c[3]
	pk = {p["package"]: p["heap"] for p in c[0]["packages"]}
	assert set(pk) == {"example.com/trend/alpha", "example.com/trend/beta"}, pk
	assert c[0]["heap"] == sum(pk.values()), (c[0], pk)
	print(c[0]["heap"])
	EOF
'

test_expect_success 'log --html -o FILE: a page with no network reference' '
	cd repo &&
	goescape log --html -o ../page.html &&
	head -c 15 ../page.html | grep -qF "<!DOCTYPE html>" &&
	! grep -nE "http|//|src=|url\(|<link|@import" ../page.html &&
	grep -q "<svg" ../page.html
'

test_expect_success 'every repository string is escaped: no <script>, no early </svg>, no raw quote' '
	grep -F "&lt;script&gt;alert(1)&lt;/script&gt; &lt;/svg&gt; &quot;q&quot; &#39;s&#39; &amp; done" page.html &&
	grep -F "beta/x&lt;script&gt;&quot;q&#39;.go" page.html &&
	! grep -i "<script" page.html &&
	python3 - page.html <<-\EOF
	import sys
	from html.parser import HTMLParser
	allowed = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "code",
	           "div", "span", "svg", "g", "path", "circle", "rect", "line", "text", "figure",
	           "figcaption", "table", "thead", "tbody", "tr", "th", "td", "ul", "li"}
	class P(HTMLParser):
	    def __init__(self):
	        super().__init__()
	        self.stack = []
	    def handle_starttag(self, tag, attrs):
	        assert tag in allowed, tag
	        for k, v in attrs:
	            assert not k.startswith("on") and k not in ("href", "src", "xlink:href"), (tag, k)
	        if tag not in ("meta", "path", "circle", "line"):
	            self.stack.append(tag)
	    def handle_startendtag(self, tag, attrs):
	        assert tag in allowed, tag
	    def handle_endtag(self, tag):
	        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
	        self.stack.pop()
	p = P()
	p.feed(open(sys.argv[1]).read())
	assert not p.stack, p.stack
	EOF
'

test_expect_success 'the page is written atomically: a new file, not through a link; nothing left on failure' '
	cd repo &&
	echo keep >../other &&
	ln -f ../other ../linked.html &&
	goescape log --html -o ../linked.html &&
	test "$(cat ../other)" = keep &&
	grep -q "<svg" ../linked.html &&
	cp ../page.html ../before.html &&
	test_expect_code 2 goescape log --html -o ../page.html nosuchrev 2>err &&
	test "$(wc -l <err)" = 1 &&
	cmp ../page.html ../before.html &&
	test_expect_code 2 goescape log --html -o ../nodir/page.html 2>err &&
	test "$(wc -l <err)" = 1 &&
	test ! -e ../nodir &&
	ls -a .. | { grep -v -E "^(\.|\.\.|\.out\..*|repo|home|\.gitconfig|shas|log\.json|page\.html|before\.html|other|linked\.html)$" || true; } >left &&
	test_cmp /dev/null left
'

test_expect_success 'the page says how to fill the gap and shows HEAD totals' '
	grep -F "1 of 6 commits have no stored report" page.html &&
	grep -F "goescape log --build" page.html &&
	grep -F "goescape report --commit $(cd repo && git rev-parse --short=12 HEAD~4)" page.html &&
	heap=$(json log.json "d[\"commits\"][0][\"heap\"]") &&
	grep -F "id=\"head-heap\">$heap<" page.html
'

test_expect_success 'a second log reads its cache; a cache file that does not parse or lies about its commit is not believed' '
	cd repo &&
	goescape log --format json >first.json &&
	ls .git/goescape/log/*.json >files &&
	test "$(wc -l <files)" = 5 &&
	goescape log --format json >second.json &&
	test_cmp first.json second.json &&
	set -- $(cat files) &&
	echo "{not json" >"$1" &&
	sed "s/\"commit\": \"[0-9a-f]*\"/\"commit\": \"0000000000000000000000000000000000000000\"/; s/\"heap\": [0-9]*/\"heap\": 999/" "$2" >tmp && mv tmp "$2" &&
	goescape log --format json >third.json &&
	test_cmp first.json third.json &&
	! grep -q "\"heap\": 999" third.json
'

test_expect_success 'a temp file a killed log left in its cache is removed by the next run' '
	cd repo &&
	dead=$(sh -c "echo \$\$") &&
	f=.git/goescape/log/0123456789abcdef.json.goescape-tmp-$dead-0123456789abcdef &&
	echo "{" >$f &&
	touch -d "1 hour ago" $f &&
	goescape log >/dev/null &&
	test ! -e $f
'

test_expect_success 'log --build builds the commit without a note, with a progress line' '
	cd repo &&
	GOESCAPE_VERBOSE=1 goescape log --build >out 2>err &&
	grep -F "log --build: building $(git rev-parse --short=12 HEAD~4) (1 of 1 without a note)" err &&
	test "$(git notes --ref=goescape list | wc -l)" = 6 &&
	! grep -F " ? " out &&
	goescape log --html -o ../full.html &&
	! grep -F "have no stored report" ../full.html
'

test_expect_success 'log: a bad format or two revisions is a usage error' '
	cd repo &&
	test_expect_code 2 goescape log --format xml 2>err &&
	grep -F "xml" err &&
	test_expect_code 2 goescape log --html --format json 2>err &&
	test_expect_code 2 goescape log HEAD HEAD~1 2>err
'

test_done
