#!/usr/bin/env bash
# goescape log --html in a real browser: headless Chromium (Debian's
# chromium, which scripts/bootstrap installs) loads the page from file://
# with networking off; the DOM it builds has the svg charts, every
# commit's short sha, every package and HEAD's count, and a screenshot of
# it is not blank.  Without chromium the whole script is skipped.
# GOESCAPE_LOG_SCREENSHOT=FILE keeps the screenshot (docs/log-html.png).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-log.sh"

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
test -n "$CHROMIUM" || skip_all "no chromium (scripts/bootstrap installs it)"

test_expect_success 'setup: the repository and its page' '
	make_trend_repo repo &&
	(cd repo && goescape log --html -o ../page.html && goescape log --format json >../log.json)
'

test_expect_success 'in headless Chromium: svg charts, every short sha, every package, HEAD count' '
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
		--user-data-dir="$TRASH/chrome" --dump-dom "file://$TRASH/page.html" >dom.html 2>chrome.err &&
	grep -q "<svg" dom.html &&
	test "$(grep -o "<svg" dom.html | wc -l)" -ge 3 &&
	while read sha; do grep -q ">$sha<" dom.html || { echo "missing $sha"; exit 1; }; done <shas &&
	grep -F "example.com/trend/alpha" dom.html &&
	grep -F "example.com/trend/beta" dom.html &&
	heap=$(json log.json "d[\"commits\"][0][\"heap\"]") &&
	grep -F "id=\"head-heap\">$heap<" dom.html &&
	! grep -i "<script" dom.html
'

test_expect_success 'in headless Chromium: the screenshot is not blank' '
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
		--user-data-dir="$TRASH/chrome" --hide-scrollbars --window-size=1100,1700 \
		--screenshot="$TRASH/shot.png" "file://$TRASH/page.html" >/dev/null 2>chrome.err &&
	python3 - shot.png <<-\EOF
	import struct, sys, zlib
	data = open(sys.argv[1], "rb").read()
	assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
	pos, idat, w = 8, b"", 0
	while pos < len(data):
	    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
	    body = data[pos + 8:pos + 8 + n]
	    if kind == b"IHDR":
	        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
	        assert depth == 8 and ctype in (2, 6), (depth, ctype)
	        bpp = 3 if ctype == 2 else 4
	    elif kind == b"IDAT":
	        idat += body
	    pos += 12 + n
	raw = zlib.decompress(idat)
	stride = w * bpp
	prev = bytearray(stride)
	colours, dark, total = set(), 0, 0
	for y in range(h):
	    f = raw[y * (stride + 1)]
	    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
	    for i in range(stride):
	        a = line[i - bpp] if i >= bpp else 0
	        b = prev[i]
	        c = prev[i - bpp] if i >= bpp else 0
	        if f == 1: line[i] = (line[i] + a) & 255
	        elif f == 2: line[i] = (line[i] + b) & 255
	        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
	        elif f == 4:
	            p = a + b - c
	            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
	            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
	    prev = line
	    if y % 4 == 0:
	        for x in range(0, w, 4):
	            px = tuple(line[x * bpp:x * bpp + 3])
	            colours.add(px)
	            total += 1
	            dark += sum(px) < 600
	print(w, h, len(colours), dark, total)
	assert len(colours) >= 8, "too few colours: %d" % len(colours)
	assert dark > total // 200, "almost all white: %d of %d" % (dark, total)
	EOF
	if test -n "${GOESCAPE_LOG_SCREENSHOT:-}"; then cp shot.png "$GOESCAPE_LOG_SCREENSHOT"; fi
'

test_done
