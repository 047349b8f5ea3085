#!/bin/bash
# t440_http: the weight and transfer of pages (docs/WEB.md). gzip when asked (and only then; a
# q of 0 refuses it), the same bytes once decoded, Vary: Accept-Encoding, never on a zip
# export; strong ETags (the gzip variant its own), If-None-Match as one tag, a list, W/ or *,
# 304 without a body, a new tag after a change; HEAD like GET; the style sheet's hashed address
# cached a year, its plain one revalidated; and every page type, public, secretariat and focal
# point, in the six languages, at most 40,960 bytes of HTML plus CSS on demo data.
. "$(dirname "$0")/lib.sh"
init_data
"$AGORA" demo --data "$DATA" --responses 600 >/dev/null 2>&1 || { echo "# agora demo failed"; exit 1; }
start_server --submit-rate 0 --page-cache-ms 300
OPEN=/consultations/multilingual-internet
BUDGET=40960

same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
differ() { [ "$1" != "$2" ] || { echo "# both '$1'"; return 1; }; }
has() { case $1 in *"$2"*) return 0 ;; esac; echo "# '$1' lacks '$2'"; return 1; }
lacks() { case $1 in *"$2"*) echo "# '$1' has '$2'"; return 1 ;; esac; return 0; }
size() { wc -c <"$1" | tr -d ' '; }
empty_body() { [ ! -s "$TMP/b" ] || { echo "# a body of $(size "$TMP/b") bytes"; return 1; }; }
strong_tag() { [[ $1 =~ ^\"[0-9a-f]{32}\"$ ]] || { echo "# '$1' is not a strong tag"; return 1; }; }
# creq: req, with no body left from the request before (curl writes no file for an empty body)
creq() { rm -f "$TMP/b"; req "$@"; }

# ---- gzip ----------------------------------------------------------------------------------------
req GET "$OPEN"
cp "$TMP/b" "$TMP/plain.html"
check "no Accept-Encoding: 200, no Content-Encoding" sh -c "[ $STATUS = 200 ] && [ -z '$(header Content-Encoding)' ]"
check "... Vary names Accept-Encoding" has "$(header Vary)" "Accept-Encoding"
check "... and still the language and cookie" has "$(header Vary)" "Accept-Language, Cookie"
req GET "$OPEN" -H "Accept-Encoding: gzip"
check "Accept-Encoding gzip: Content-Encoding gzip" same "$(header Content-Encoding)" gzip
check "... Vary names Accept-Encoding" has "$(header Vary)" "Accept-Encoding"
check "... Content-Length is the compressed size" same "$(header Content-Length)" "$(size "$TMP/b")"
check "... much smaller than the page" [ "$(size "$TMP/b")" -lt $(($(size "$TMP/plain.html") / 2)) ]
check "... gunzip gives the same bytes as the identity answer" sh -c "gunzip -c <'$TMP/b' | cmp -s - '$TMP/plain.html'"
curl -s --compressed "$BASE$OPEN" -o "$TMP/curl.html"
check "curl --compressed: the same body" cmp -s "$TMP/curl.html" "$TMP/plain.html"
for ae in "gzip;q=0" "gzip; q=0.000" "identity" "br" "*;q=1, gzip;q=0" "gzip;q=2"; do
	req GET "$OPEN" -H "Accept-Encoding: $ae"
	check "Accept-Encoding '$ae': identity, the plain bytes" sh -c "[ -z '$(header Content-Encoding)' ] && cmp -s '$TMP/b' '$TMP/plain.html'"
done
for ae in "deflate, gzip;q=0.5" "*" "x-gzip" "br;q=1.0, gzip;q=0.8, *;q=0.1"; do
	req GET "$OPEN" -H "Accept-Encoding: $ae"
	check "Accept-Encoding '$ae': gzip" same "$(header Content-Encoding)" gzip
done
req GET /api/v1/consultations -H "Accept-Encoding: gzip"
check "the API's JSON is compressed too" sh -c "[ '$(header Content-Encoding)' = gzip ] && gunzip -c <'$TMP/b' | python3 -c 'import json,sys; json.load(sys.stdin)'"
req GET /consultations/nope/summary -H "Accept-Encoding: gzip"
check "an error page is compressed and says Vary" sh -c "[ $STATUS = 404 ] && [ '$(header Content-Encoding)' = gzip ]"
req GET /healthz -H "Accept-Encoding: gzip"
check "a small answer (under 1 KB) is sent as it is" sh -c "[ -z '$(header Content-Encoding)' ] && [ $(size "$TMP/b") -lt 1024 ]"
req GET /api/v1/consultations/ott/export.zip -H "Accept-Encoding: gzip"
check "a zip export: 200 application/zip" sh -c "[ $STATUS = 200 ] && [ '$(header Content-Type)' = application/zip ]"
check "... never gzip-encoded" same "$(header Content-Encoding)" ""
check "... a zip as it is (PK header)" same "$(head -c 2 "$TMP/b")" "PK"
req GET /api/v1/consultations/ott/export.xlsx -H "Accept-Encoding: gzip"
check "an xlsx export: never gzip-encoded" sh -c "[ $STATUS = 200 ] && [ -z '$(header Content-Encoding)' ]"
req GET /api/v1/consultations/ott/export.csv -H "Accept-Encoding: gzip"
check "a CSV export (a download): never gzip-encoded" sh -c "[ $STATUS = 200 ] && [ -z '$(header Content-Encoding)' ]"

# ---- ETag and 304 --------------------------------------------------------------------------------
req GET "$OPEN"
TAG=$(header ETag)
check "a page has a strong ETag (quoted, no W/)" strong_tag "$TAG"
check "... and Cache-Control no-cache (revalidate)" same "$(header Cache-Control)" no-cache
req GET "$OPEN" -H "Accept-Encoding: gzip"
GZTAG=$(header ETag)
check "the gzip representation has its own strong tag" same "$GZTAG" "${TAG%\"}-gz\""
creq GET "$OPEN" -H "If-None-Match: $TAG"
check "If-None-Match with the tag: 304" status_is 304
check "... with no body" empty_body
check "... the ETag, Cache-Control and Vary" sh -c "[ '$(header ETag)' = '$TAG' ] && [ '$(header Cache-Control)' = no-cache ] && [ -n '$(header Vary)' ]"
req GET "$OPEN" -H "If-None-Match: W/$TAG"
check "the weak form W/\"...\": 304 (weak comparison for GET)" status_is 304
req GET "$OPEN" -H "If-None-Match: \"nope\", W/\"other\", $TAG"
check "a list holding the tag: 304" status_is 304
req GET "$OPEN" -H "If-None-Match: *"
check "*: 304" status_is 304
req GET "$OPEN" -H "If-None-Match: \"nope\", W/\"other\""
check "a list without it: 200 with the page" sh -c "[ $STATUS = 200 ] && cmp -s '$TMP/b' '$TMP/plain.html'"
req GET "$OPEN" -H "If-None-Match: garbage, $TAG"
check "a malformed list: 200 (the full answer is always safe)" status_is 200
creq GET "$OPEN" -H "If-None-Match: $GZTAG" -H "Accept-Encoding: gzip"
check "the gzip tag, asking gzip: 304" sh -c "[ $STATUS = 304 ] && [ '$(header ETag)' = '$GZTAG' ] && [ ! -s '$TMP/b' ]"
req GET "$OPEN" -H "If-None-Match: $GZTAG"
check "the gzip tag, not asking gzip: 200 (another representation)" sh -c "[ $STATUS = 200 ] && [ '$(header ETag)' = '$TAG' ]"
req GET "$OPEN" -H "If-None-Match: $TAG" -H "Accept-Encoding: gzip"
check "the identity tag, asking gzip: 200 gzip" sh -c "[ $STATUS = 200 ] && [ '$(header Content-Encoding)' = gzip ]"

# ---- HEAD ----------------------------------------------------------------------------------------
creq HEAD "$OPEN" -I
# (curl -I writes the headers where the body would go: no body means no markup there)
check "HEAD: 200, the GET's ETag and length, no body" sh -c "[ $STATUS = 200 ] && [ '$(header ETag)' = '$TAG' ] && [ '$(header Content-Length)' = $(size "$TMP/plain.html") ] && ! grep -q '<html' '$TMP/b'"
req HEAD "$OPEN" -I -H "Accept-Encoding: gzip"
check "HEAD with gzip: the gzip GET's headers" sh -c "[ '$(header Content-Encoding)' = gzip ] && [ '$(header ETag)' = '$GZTAG' ]"
req HEAD "$OPEN" -I -H "If-None-Match: $TAG"
check "HEAD with If-None-Match: 304" status_is 304

# ---- a change makes a new tag ----------------------------------------------------------------------
req POST /api/v1/consultations/multilingual-internet/responses -H 'Content-Type: application/json' \
	--data-binary @"$(dirname "$0")/fixtures/resp-jane.json"
check "a new response (published at once in this round): 201" status_is 201
sleep 0.4	# the page cache keeps a page 300 ms here
req GET "$OPEN" -H "If-None-Match: $TAG"
check "the consultation page afterwards: 200, not 304" status_is 200
NEWTAG=$(header ETag)
check "... with a new ETag" differ "$NEWTAG" "$TAG"
req GET "$OPEN" -H "If-None-Match: $NEWTAG"
check "... which then gives 304" status_is 304
# a text the secretariat edits
SEC_PW=$(sed -n 's/^Password: //p' "$TMP/init.out")
csrf_in() { grep -o 'name="csrf" value="[^"]*"' "$1" | head -1 | cut -d'"' -f4; }
login() {	# login JAR EMAIL PASSWORD
	curl -s -b "$1" -c "$1" -o "$TMP/login.html" "$BASE/login"
	curl -s -b "$1" -c "$1" -o /dev/null "$BASE/login" --data-urlencode "email=$2" \
		--data-urlencode "password=$3" --data-urlencode "csrf=$(csrf_in "$TMP/login.html")"
}
SEC=$TMP/jar.sec
login "$SEC" secretariat@agora.example "$SEC_PW"
req GET /consultations/ott
OTT_TAG=$(header ETag)
curl -s -b "$SEC" -o "$TMP/edit.html" "$BASE/admin/consultations/ott/edit?text=en"
# the English form's fields as the browser would send them, the topic edited (one file each)
mkdir -p "$TMP/form"
python3 - "$TMP/edit.html" "$TMP/form" <<'EOF'
import sys
from html.parser import HTMLParser
class Form(HTMLParser):
    def __init__(self):
        super().__init__(); self.inside = False; self.area = None; self.select = None; self.fields = {}
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and a.get("id") == "lang-en": self.inside = True
        if not self.inside: return
        if tag == "input" and a.get("name"): self.fields[a["name"]] = a.get("value") or ""
        if tag == "textarea": self.area = a["name"]; self.fields[self.area] = ""
        if tag == "select": self.select = a["name"]
        if tag == "option" and "selected" in a and self.select: self.fields[self.select] = a.get("value", "")
    def handle_endtag(self, tag):
        if tag == "textarea": self.area = None
        if tag == "form": self.inside = False
    def handle_data(self, d):
        if self.area: self.fields[self.area] += d
f = Form()
f.feed(open(sys.argv[1]).read())
f.fields["topic"] = f.fields.get("topic", "") + " (edited)"
for k, v in f.fields.items():
    open(sys.argv[2] + "/" + k, "w").write(v)
EOF
args=()
for f in "$TMP"/form/*; do args+=(--data-urlencode "$(basename "$f")@$f"); done
req POST /admin/consultations/ott/edit -b "$SEC" "${args[@]}"
check "the secretariat edits the English topic: 303" status_is 303
sleep 0.4
req GET /consultations/ott -H "If-None-Match: $OTT_TAG"
check "the edited consultation's page: 200 with a new ETag" sh -c "[ $STATUS = 200 ] && [ '$(header ETag)' != '$OTT_TAG' ] && grep -q '(edited)' '$TMP/b'"

# ---- pages of a session, pages not to keep, the style sheet ------------------------------------------
req GET /consultations/ott -b "$SEC"
check "a page seen in a session: Cache-Control private (never in a shared cache)" has "$(header Cache-Control)" private
STAG=$(header ETag)
req GET /consultations/ott -b "$SEC" -H "If-None-Match: $STAG"
check "... its ETag still gives 304 to its own browser" status_is 304
req GET /admin/consultations -b "$SEC"
check "a no-store page has no ETag" sh -c "[ '$(header Cache-Control)' = no-store ] && [ -z '$(header ETag)' ]"
req GET /
CSS=$(grep -o '/static/agora\.[0-9a-f]\{16\}\.css' "$TMP/b" | head -1)
check "pages link the style sheet by a hashed address" [ -n "$CSS" ]
req GET "$CSS"
cp "$TMP/b" "$TMP/css"
check "the hashed address: 200 text/css, kept a year" sh -c "[ $STATUS = 200 ] && [ '$(header Content-Type)' = 'text/css; charset=utf-8' ] && [ '$(header Cache-Control)' = 'public, max-age=31536000, immutable' ]"
check "... minified: no comments" body_lacks "/*"
req GET /static/agora.css
check "the plain address: the same sheet, revalidated (no-cache + ETag)" sh -c "cmp -s '$TMP/b' '$TMP/css' && [ '$(header Cache-Control)' = no-cache ] && [ -n '$(header ETag)' ]"
CSSTAG=$(header ETag)
req GET /static/agora.css -H "If-None-Match: $CSSTAG"
check "... 304 when unchanged" status_is 304
req GET /static/agora.0123456789abcdef.css
check "an older hash: today's sheet, not kept a year" sh -c "[ $STATUS = 200 ] && cmp -s '$TMP/b' '$TMP/css' && [ '$(header Cache-Control)' = no-cache ]"
req GET /static/agora.css -H "Accept-Encoding: gzip"
check "the sheet gzipped, with Vary" sh -c "[ '$(header Content-Encoding)' = gzip ] && gunzip -c <'$TMP/b' | cmp -s - '$TMP/css'"
req GET /static/nope.css
check "an unknown sheet: 404" status_is 404

# ---- the page cache keeps the compressed bytes --------------------------------------------------------
curl -s -H "Accept-Encoding: gzip" -o "$TMP/g1" -D "$TMP/h1" "$BASE/consultations"
curl -s -H "Accept-Encoding: gzip" -o "$TMP/g2" -D "$TMP/h2" "$BASE/consultations"
check "a cached page: the same gzip bytes and tag twice" sh -c "cmp -s '$TMP/g1' '$TMP/g2' && [ \"\$(grep -i ^etag '$TMP/h1')\" = \"\$(grep -i ^etag '$TMP/h2')\" ]"

# ---- weight: every page type in the six languages -------------------------------------------------------
FP=$TMP/jar.fp
read -r fp_email fp_pw _ < <(grep ' focal_point ' "$DATA/demo-accounts.txt" | head -1)
login "$FP" "$fp_email" "$fp_pw"
RESP=$(curl -s "$BASE/api/v1/consultations/ott/responses?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
DOC=$(curl -s "$BASE/documents" | grep -o 'href="/documents/[a-z0-9-]*"' | head -1 | cut -d/ -f3 | tr -d '"')
PROP=$(curl -s "$BASE/api/v1/proposals" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
CSS_BYTES=$(size "$TMP/css")
PAGES="anon /
anon /consultations
anon $OPEN
anon $OPEN/respond
anon $OPEN/summary
anon /consultations/ott
anon /consultations/ott/summary
anon /responses/$RESP
anon /receipts/$RESP
anon /search
anon /search?q=internet
anon /search?q=internet&page=2
anon /meetings
anon /meetings/12
anon /meetings/9001/register
anon /documents
anon /documents/$DOC
anon /proposals
anon /proposals/$PROP
anon /log
anon /receipts
anon /login
anon /register
sec /account
sec /admin/moderation
sec /admin/responses/$RESP
sec /admin/audit
sec /admin/accounts
sec /admin/consultations
sec /admin/consultations/new
sec /admin/consultations/multilingual-internet/edit
sec /admin/consultations/multilingual-internet/edit?text=ru
sec /admin/consultations/multilingual-internet/responses/new
sec /admin/requests
sec /admin/mail
sec /admin/meetings/9001/registrants
sec /reports
sec /documents/new
sec /proposals/new
sec /search?q=internet
fp /account
fp /account/delegates
fp /proposals/$PROP
fp /documents"
heaviest=0
heaviest_page=""
over=""
unfetched=""
npages=0
while read -r who page; do
	for l in ar zh en fr ru es; do
		sep='?'; case $page in *\?*) sep='&' ;; esac
		jar=()
		[ "$who" != anon ] && jar=(-b "$TMP/jar.$who")
		code=$(curl -s "${jar[@]}" -o "$TMP/p" -w '%{http_code}' "$BASE$page${sep}lang=$l")
		[ "$code" = 200 ] || unfetched="$unfetched $page($l):$code"
		total=$(($(size "$TMP/p") + CSS_BYTES))
		npages=$((npages + 1))
		[ $total -gt $BUDGET ] && over="$over $page($l):$total"
		[ $total -gt $heaviest ] && { heaviest=$total; heaviest_page="$page ($l, $who)"; }
	done
done <<<"$PAGES"
echo "# $npages pages; the style sheet $CSS_BYTES bytes; the heaviest: $heaviest_page, $heaviest bytes with the sheet"
check "every page type fetched (200) in the six languages" same "$unfetched" ""
check "every page type in every language: HTML + CSS at most $BUDGET bytes" same "$over" ""
check "the style sheet served stays small (at most 14 KB)" [ "$CSS_BYTES" -le 14336 ]
# ---- long figures: a round of 63 days and 35 countries keeps its summary short -----------------------
# The demo's round "ott" has answers on more than 31 days and from more than 30 countries: the page
# groups the days into weeks from Monday and sums the countries past the thirtieth in one row; the
# API keeps every day and country. Both must add up to the same total.
curl -s "$BASE/api/v1/consultations/ott/summary" >"$TMP/sj"
req GET "/consultations/ott/summary?lang=en"
check "long figures: the API has more than 31 days and 30 countries (the premise)" python3 - "$TMP/sj" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))["figures"]
sys.exit(not (len(f["day"]) > 31 and len(f["country"]) > 30))
PY
check "the page groups the days by week: the weeks add up to the API's days, each a Monday" python3 - "$TMP/sj" "$TMP/b" <<'PY'
import datetime, json, re, sys
days = json.load(open(sys.argv[1]))["figures"]["day"]
t = open(sys.argv[2], encoding="utf-8").read()
sec = t[t.index('id="by-day-h"'):]
sec = sec[:sec.index("</table>")]
assert "Responses by week received" in sec
rows = re.findall(r'<tr><th scope="row">(\d{4}-\d\d-\d\d)</th><td>([\d,]+)</td></tr>', sec)
want = {}
for d in days:
    day = datetime.date.fromisoformat(d["key"])
    monday = day - datetime.timedelta(days=day.weekday())
    want[monday.isoformat()] = want.get(monday.isoformat(), 0) + d["count"]
got = {k: int(v.replace(",", "")) for k, v in rows}
assert got == want, (got, want)
PY
check "the country table: thirty rows and one row adding up the others" python3 - "$TMP/sj" "$TMP/b" <<'PY'
import json, re, sys
countries = json.load(open(sys.argv[1]))["figures"]["country"]
t = open(sys.argv[2], encoding="utf-8").read()
sec = t[t.index('id="by-country-h"'):]
sec = sec[sec.index("<tbody>"):sec.index("</table>")]
rows = re.findall(r'<tr><th scope="row">[^<]*</th><td>([\d,]+)</td></tr>', sec)
other = re.findall(r'<tr class="others"><th scope="row">([\d,]+) others</th><td>([\d,]+)</td></tr>', sec)
assert len(rows) == 30, len(rows)
assert [int(x) for x in rows] == [c["count"] for c in countries[:30]], rows
assert other and int(other[0][0]) == len(countries) - 30, other
assert int(other[0][1].replace(",", "")) == sum(c["count"] for c in countries[30:]), other
PY
finish
