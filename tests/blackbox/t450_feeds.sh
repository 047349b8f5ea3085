#!/bin/bash
# t450_feeds: the consultations' Atom feed (/consultations.atom) and the alternates every page
# announces. The feed is parsed as XML (python3's xml.etree): well-formed Atom with the required
# elements; a title with < & and quotes comes back as typed; each entry appears only once its
# event is due on the test clock (announced at once; opening when the round opens; closing soon
# exactly a week before it closes, not before); a draft never appears, and a draft published
# later is announced at its publication; ?lang= gives translated titles and falls back to the
# original language marked with xml:lang; ids stay the same across requests and languages;
# Content-Type. Every page type checked has both <link rel="alternate"> in its head, and their
# targets answer (the calendar with a meeting in it).
. "$(dirname "$0")/lib.sh"
init_data
PW=$(sed -n 's/^Password: //p' "$TMP/init.out")
SEC=secretariat@agora.example
TOKEN=$("$AGORA" token create --data "$DATA" --email "$SEC")
AUTH="Authorization: Bearer $TOKEN"
CLOCK=$TMP/clock
echo "+0" >"$CLOCK"
start_server --submit-rate 0 --page-cache-ms 0 --test-clock-file "$CLOCK" --scheduler-tick-ms 50

T0=$(date -u +%s)
at() { date -u -d "@$((T0 + $1))" +%Y-%m-%dT%H:%M:%SZ; }
HOUR=3600; DAY=86400
same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
# clock_to SECONDS: moves the server's clock to T0 + SECONDS and waits until it has read it
clock_to() {
	echo "+$1" >"$CLOCK"
	for _ in $(seq 1 100); do
		[ "$(curl -s "$BASE/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["uptime_s"] >= '"$1"')')" = True ] && return 0
		sleep 0.05
	done
	return 1
}
# wait_state SLUG STATE: until the scheduler has moved the round (bounded)
wait_state() {
	for _ in $(seq 1 100); do
		[ "$(curl -s "$BASE/api/v1/consultations/$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')" = "$2" ] && return 0
		sleep 0.05
	done
	return 1
}
create() { req POST /api/v1/consultations -H "$AUTH" -H 'Content-Type: application/json' --data-binary "$1"; }

# feed QUERY: fetches /consultations.atom?QUERY into $TMP/feed.xml
feed() { req GET "/consultations.atom$1"; cp "$TMP/b" "$TMP/feed.xml"; }
# atom EXPR: a Python expression over the last feed: F is the root, E(slug, event) the entry of
# that round and event (None when absent), ID(e), TITLE(e), LANG(el), A the Atom namespace
cat >"$TMP/atom.py" <<'PY'
import sys, xml.etree.ElementTree as ET
A = '{http://www.w3.org/2005/Atom}'
X = '{http://www.w3.org/1999/xhtml}'
XL = '{http://www.w3.org/XML/1998/namespace}lang'
F = ET.parse(sys.argv[1]).getroot()
ENTRIES = F.findall(A + 'entry')
def ID(e): return e.findtext(A + 'id')
def E(slug, event):
    m = [e for e in ENTRIES if ID(e).endswith(':consultation/%s/%s' % (slug, event))]
    return m[0] if m else None
def TITLE(e):
    t = e.find(A + 'title')
    return ''.join(t.itertext())
def T(e):
    import calendar, time
    return calendar.timegm(time.strptime(e.findtext(A + 'updated'), '%Y-%m-%dT%H:%M:%SZ'))
def LANG(el): return el.get(XL) if el is not None else None
def SPAN(e):
    d = e.find(A + 'title').find(X + 'div')
    return d.find(X + 'span') if d is not None else None
print(eval(sys.argv[2]))
PY
atom() { python3 "$TMP/atom.py" "$TMP/feed.xml" "$1"; }
is_true() { same "$(atom "$1")" True; }

# ---- the rounds -------------------------------------------------------------------------------
TRICKY='Tariffs <b> & "quotes" '"'"'apostrophes'"'"' </title>'
create "$(python3 -c 'import json,sys; print(json.dumps({"slug":"feed-future","original_language":"en",
 "opens_at":sys.argv[1],"closes_at":sys.argv[2],
 "texts":{"en":{"title":sys.argv[3],"topic":"Prices of international connections."},
          "fr":{"title":"Tarifs & <prix>","topic":"Les prix des connexions internationales."}},
 "questions":[{"number":1,"text":{"en":"Q?","fr":"Q ?"}}]}))' "$(at $((2 * DAY)))" "$(at $((30 * DAY)))" "$TRICKY")"
check "a round opening in two days is created: 201" status_is 201
create "$(printf '{"slug":"feed-fallback","original_language":"fr","opens_at":"%s","closes_at":"%s","texts":{"fr":{"title":"Titre seulement en français","topic":"Un sujet en français."}},"questions":[{"number":1,"text":{"fr":"Q ?"}}]}' \
	"$(at $HOUR)" "$(at $((10 * DAY)))")"
check "a round only in French, opening in an hour, closing in ten days: 201" status_is 201
create "$(printf '{"slug":"feed-draft","original_language":"en","publish":false,"opens_at":"%s","closes_at":"%s","texts":{"en":{"title":"Secret draft round"}},"questions":[{"number":1,"text":{"en":"Q?"}}]}' \
	"$(at $HOUR)" "$(at $((20 * DAY)))")"
check "a draft: 201" status_is 201
create "$(printf '{"slug":"feed-later","original_language":"en","publish":false,"opens_at":"%s","closes_at":"%s","texts":{"en":{"title":"Published later"}},"questions":[{"number":1,"text":{"en":"Q?"}}]}' \
	"$(at $((5 * DAY)))" "$(at $((20 * DAY)))")"
check "a draft to publish later: 201" status_is 201
create "$(printf '{"slug":"feed-control","original_language":"en","opens_at":"%s","closes_at":"%s","texts":{"en":{"title":"Control\\u0001char\\uffff"}},"questions":[{"number":1,"text":{"en":"Q?"}}]}' \
	"$(at $((3 * DAY)))" "$(at $((20 * DAY)))")"
check "a round whose title holds characters XML cannot carry: 201" status_is 201

# ---- the feed now -----------------------------------------------------------------------------
feed "?lang=en"
check "the feed answers 200" status_is 200
check "Content-Type application/atom+xml; charset=utf-8" same "$(header Content-Type)" "application/atom+xml; charset=utf-8"
check "it is well-formed XML with an Atom <feed> root" same "$(atom 'F.tag')" "{http://www.w3.org/2005/Atom}feed"
check "the feed has an id, a title and an updated time" same "$(atom 'all((F.findtext(A + k) or "").strip() for k in ("id", "title", "updated"))')" True
check "its xml:lang is the language asked for" same "$(atom 'LANG(F)')" en
check "rel=self points at the feed in that language" \
	same "$(atom '[l.get("href") for l in F.findall(A + "link") if l.get("rel") == "self"][0]')" "$BASE/consultations.atom?lang=en"
check "rel=alternate points at the HTML page" \
	same "$(atom '[(l.get("href"), l.get("type")) for l in F.findall(A + "link") if l.get("rel") == "alternate"][0]')" "('$BASE/consultations?lang=en', 'text/html')"
check "the author is the working group" is_true 'F.find(A + "author").findtext(A + "name").startswith("Council Working Group")'
check "every entry has an id, a title, an updated time and a link" \
	same "$(atom 'all(ID(e) and e.find(A + "title") is not None and e.findtext(A + "updated") and e.find(A + "link").get("href").startswith("'"$BASE"'/consultations/") for e in ENTRIES)')" True
check "entries are newest first" same "$(atom '[e.findtext(A + "updated") for e in ENTRIES] == sorted([e.findtext(A + "updated") for e in ENTRIES], reverse=True)')" True
check "the feed's updated is its newest entry's" same "$(atom 'F.findtext(A + "updated") == ENTRIES[0].findtext(A + "updated")')" True
check "ids are unique" same "$(atom 'len(set(map(ID, ENTRIES))) == len(ENTRIES)')" True
check "the new round is announced" same "$(atom 'E("feed-future", "announced") is not None')" True
check "a title with < & and quotes comes back as typed" same "$(atom 'TITLE(E("feed-future", "announced"))')" "New consultation: $TRICKY"
check "its summary is the round's topic" same "$(atom 'E("feed-future", "announced").findtext(A + "summary")')" "Prices of international connections."
check "its link is the round's page" same "$(atom 'E("feed-future", "announced").find(A + "link").get("href")')" "$BASE/consultations/feed-future?lang=en"
check "its updated is when it was published (now)" is_true 'abs(T(E("feed-future", "announced")) - '"$T0"') < 60'
check "no opening entry before it opens" same "$(atom 'E("feed-future", "opening")')" None
check "no closing-soon entry either" same "$(atom 'E("feed-future", "closing-soon")')" None
check "the drafts do not appear" same "$(atom '[ID(e) for e in ENTRIES if "feed-draft" in ID(e) or "feed-later" in ID(e)]')" "[]"
check "nor their titles anywhere" grep -vq "Secret draft round\|Published later" "$TMP/feed.xml"
check "characters XML cannot carry are left out, the rest kept" same "$(atom 'TITLE(E("feed-control", "announced"))')" "New consultation: Controlchar"
check "at most 50 entries" same "$(atom 'len(ENTRIES) <= 50')" True
IDS1=$(atom 'sorted(map(ID, ENTRIES))')
ID_FUT=$(atom 'ID(E("feed-future", "announced"))')
check "an entry's id is a tag: URI naming the round and the event" \
	same "$(echo "$ID_FUT" | sed 's/,[0-9-]*:/,DATE:/')" "tag:127.0.0.1,DATE:consultation/feed-future/announced"

# ---- languages --------------------------------------------------------------------------------
feed "?lang=fr"
check "in French the title is the French one, unmarked" \
	same "$(atom '(TITLE(E("feed-future", "announced")).endswith("Tarifs & <prix>"), LANG(E("feed-future", "announced").find(A + "title")))')" "(True, None)"
check "the French feed says so" same "$(atom 'LANG(F)')" fr
check "a French-only round in French: plain text title" \
	same "$(atom 'E("feed-fallback", "announced").find(A + "title").get("type")')" text
check "ids are the same in every language" same "$(atom 'sorted(map(ID, ENTRIES))')" "$IDS1"
feed "?lang=en"
check "ids are the same on the next request" same "$(atom 'sorted(map(ID, ENTRIES))')" "$IDS1"
check "in English the French-only title falls back to French" \
	same "$(atom 'SPAN(E("feed-fallback", "announced")).text')" "Titre seulement en français"
check "marked xml:lang=fr on the span that holds it" same "$(atom 'LANG(SPAN(E("feed-fallback", "announced")))')" fr
check "the rest of the title is in English" is_true 'TITLE(E("feed-fallback", "announced")).startswith("New consultation: ")'
check "its summary falls back too, marked xml:lang=fr" \
	same "$(atom '(E("feed-fallback", "announced").findtext(A + "summary"), LANG(E("feed-fallback", "announced").find(A + "summary")))')" "('Un sujet en français.', 'fr')"
check "the English topic of a translated round has no xml:lang" same "$(atom 'LANG(E("feed-future", "announced").find(A + "summary"))')" None
feed "?lang=ar"
check "in Arabic (no Arabic texts) both rounds fall back to their originals" \
	same "$(atom '(LANG(SPAN(E("feed-future", "announced"))), LANG(SPAN(E("feed-fallback", "announced"))))')" "('en', 'fr')"

# ---- the clock moves: opening, publication of a draft, closing soon ---------------------------
clock_to $((2 * HOUR))
check "two hours on, the French-only round opens" wait_state feed-fallback open
feed "?lang=en"
check "its opening entry appears" same "$(atom 'E("feed-fallback", "opening") is not None')" True
check "dated at its opening time" same "$(atom 'E("feed-fallback", "opening").findtext(A + "updated")')" "$(at $HOUR)"
check "the opening entry's id differs from the announcement's" \
	same "$(atom 'ID(E("feed-fallback", "opening")) != ID(E("feed-fallback", "announced"))')" True
check "newest first: the opening comes before older announcements" same "$(atom 'ID(ENTRIES[0]) == ID(E("feed-fallback", "opening"))')" True
check "no closing-soon entry ten days before it closes" same "$(atom 'E("feed-fallback", "closing-soon")')" None
check "the round opening in two days still has no opening entry" same "$(atom 'E("feed-future", "opening")')" None
req POST /api/v1/consultations/feed-later/open -H "$AUTH" -H 'Content-Type: application/json' --data-binary "{\"at\":\"$(at $((5 * DAY)))\"}"
check "the second draft is published, to open in five days" status_is 200
feed "?lang=en"
check "it is announced now" same "$(atom 'E("feed-later", "announced") is not None')" True
check "dated at its publication, not its creation" is_true 'T(E("feed-later", "announced")) >= '"$((T0 + 2 * HOUR))"
check "the other draft still does not appear" same "$(atom '[ID(e) for e in ENTRIES if "feed-draft" in ID(e)]')" "[]"

clock_to $((2 * DAY + HOUR))
check "two days on, the other round opens" wait_state feed-future open
feed "?lang=en"
check "its opening entry appears with its title intact" same "$(atom 'TITLE(E("feed-future", "opening"))')" "Open for responses: $TRICKY"
check "its announcement is still there, same id" same "$(atom 'ID(E("feed-future", "announced"))')" "$ID_FUT"
check "a minute short of a week before closing: no closing-soon yet" same "$(atom 'E("feed-fallback", "closing-soon")')" None
clock_to $((3 * DAY - 60))
feed "?lang=en"
check "still none one minute before" same "$(atom 'E("feed-fallback", "closing-soon")')" None
clock_to $((3 * DAY))
feed "?lang=en"
check "a week before it closes, the closing-soon entry appears" same "$(atom 'E("feed-fallback", "closing-soon") is not None')" True
check "dated exactly a week before closes_at" same "$(atom 'E("feed-fallback", "closing-soon").findtext(A + "updated")')" "$(at $((3 * DAY)))"
check "it is the newest entry" same "$(atom 'ID(ENTRIES[0])')" "$(atom 'ID(E("feed-fallback", "closing-soon"))')"
check "its title falls back to French, marked" same "$(atom 'LANG(SPAN(E("feed-fallback", "closing-soon")))')" fr
check "the draft never appeared" same "$(atom '[ID(e) for e in ENTRIES if "feed-draft" in ID(e)]')" "[]"
IDS2=$(atom 'sorted(map(ID, ENTRIES))')
feed "?lang=en"
check "the ids stay the same when nothing happened in between" same "$(atom 'sorted(map(ID, ENTRIES))')" "$IDS2"
clock_to $((10 * DAY))
req POST /api/v1/consultations/feed-future/close -H "$AUTH"
check "ten days on, the round open until day 30 is closed early by hand" status_is 200
feed "?lang=en"
check "it never gets a closing-soon entry (a week before its new close lies in the past)" \
	same "$(atom 'E("feed-future", "closing-soon")')" None
check "its earlier entries stay" same "$(atom '(E("feed-future", "announced") is not None, E("feed-future", "opening") is not None)')" "(True, True)"
req GET "/consultations.atom?lang=xx"
check "an unknown language: 400" status_is 400

# ---- every page announces both feeds ------------------------------------------------------------
# alternates FILE LANG: the <head> of FILE links the Atom feed in LANG and the calendar, each titled
cat >"$TMP/head.py" <<'PY'
import re, sys
html = open(sys.argv[1], encoding='utf-8').read()
head = html.split('</head>', 1)[0] if '</head>' in html else ''
links = re.findall(r'<link rel="alternate"[^>]*>', head)
def has(t, href):
    return any('type="%s"' % t in l and 'href="%s"' % href in l and re.search(r'title="[^"]+"', l) for l in links)
ok = has('application/atom+xml', '/consultations.atom?lang=' + sys.argv[2]) and has('text/calendar', '/meetings.ics')
print('yes' if ok else 'no: %s' % links)
PY
alternates() { same "$(python3 "$TMP/head.py" "$TMP/b" "$1")" yes; }
for p in "/" "/consultations" "/consultations/feed-future" "/meetings" "/meetings/15" "/documents" \
	"/proposals" "/search?q=internet" "/login" "/consultations/multilingual-internet/respond"; do
	req GET "$p"
	{ status_is 200 && alternates en; }; check "$p: both alternates in its head" [ $? = 0 ]
done
req GET "/consultations?lang=zh"
check "a page in Chinese announces the Chinese feed" alternates zh
req GET "/meetings?lang=ar"
check "a page in Arabic announces the Arabic feed" alternates ar
req GET "/nothing-here"
check "even a 404 page announces both" alternates en
# a secretariat page
JAR=$TMP/sec.jar
curl -s -b "$JAR" -c "$JAR" -o "$TMP/login.html" "$BASE/login"
CSRF=$(grep -o 'name="csrf" value="[^"]*"' "$TMP/login.html" | head -1 | cut -d'"' -f4)
req POST /login -b "$JAR" -c "$JAR" --data-urlencode "email=$SEC" --data-urlencode "password=$PW" --data-urlencode "csrf=$CSRF"
check "the secretariat logs in: 303" status_is 303
req GET /admin/consultations -b "$JAR"
{ status_is 200 && alternates en; }; check "/admin/consultations: both alternates in its head" [ $? = 0 ]

# ---- visible links and the targets --------------------------------------------------------------
req GET "/consultations?lang=fr"
check "/consultations shows a link to the feed in its language, in its body" \
	same "$(python3 -c 'import sys; h=open(sys.argv[1]).read(); print("href=\"/consultations.atom?lang=fr\" type=\"application/atom+xml\"" in h.split("<main",1)[1])' "$TMP/b")" True
req GET /meetings
check "/meetings shows a link to the calendar in its body" \
	same "$(python3 -c 'import sys; h=open(sys.argv[1]).read(); print("href=\"/meetings.ics\"" in h.split("<main",1)[1])' "$TMP/b")" True
req GET "/consultations.atom?lang=zh"
check "the head's Atom target answers in that language" \
	same "$STATUS $(header Content-Type) $(python3 "$TMP/atom.py" "$TMP/b" 'LANG(F)')" "200 application/atom+xml; charset=utf-8 zh"
req GET /meetings.ics
check "the head's calendar target answers text/calendar" same "$STATUS $(header Content-Type)" "200 text/calendar; charset=utf-8"
check "it is a calendar with a meeting in it (VEVENT with UID, DTSTART and SUMMARY, CRLF lines)" python3 - "$TMP/b" <<'PY'
import sys
raw = open(sys.argv[1], 'rb').read()
assert raw.startswith(b'BEGIN:VCALENDAR\r\n') and raw.rstrip().endswith(b'END:VCALENDAR'), raw[:80]
lines = raw.decode('utf-8').split('\r\n')
assert 'VERSION:2.0' in lines
ev = raw.decode('utf-8').split('BEGIN:VEVENT\r\n')[1].split('END:VEVENT')[0]
for k in ('UID:', 'DTSTART', 'SUMMARY:', 'DTSTAMP:'):
    assert k in ev, k
PY
finish
