#!/bin/bash
# t190_registration: registration for the demo's open consultation meeting (9001): in person and
# remote, capacity reached (409, the form again, nothing stored), two racing registrations for
# the last seat (exactly one stored), refused after closing (the test clock moved), field errors
# next to their fields, cancelling with the token (another token 403), the secretariat's list
# with emails (CSV too; others 302/403), the speakers list and the record on the public page (a
# script in the record escaped), each audited; the iCalendar feeds parsed (CRLF, folded lines of
# at most 75 octets, one VEVENT per meeting, UID, DTSTART).
. "$(dirname "$0")/lib.sh"
SEC=secretariat@agora.example
M=9001
init_data
PW=$(sed -n 's/^Password: //p' "$TMP/init.out")
"$AGORA" user create --data "$DATA" --email stake@example.org --name "Stake Holder" --role stakeholder >"$TMP/user.out" 2>&1
PW2=$(sed -n 's/^Password: //p' "$TMP/user.out")
CLOCK=$TMP/clock
echo "+0" >"$CLOCK"
start_server --test-clock-file "$CLOCK" --submit-rate 0 --page-cache-ms 0

same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
db() { sql "$1"; }
csrf_in() { grep -o 'name="csrf" value="[^"]*"' "$1" | head -1 | cut -d'"' -f4; }
login() {
	local jar=$1 email=$2 pw=$3
	curl -s -b "$jar" -c "$jar" -o "$TMP/login.html" "$BASE/login"
	req POST /login -b "$jar" -c "$jar" --data-urlencode "email=$email" --data-urlencode "password=$pw" \
		--data-urlencode "csrf=$(csrf_in "$TMP/login.html")"
}
page_csrf() { curl -s -b "$1" -c "$1" "$BASE$2" -o "$TMP/page.html"; csrf_in "$TMP/page.html"; }
clock_to() {
	echo "+$1" >"$CLOCK"
	for _ in $(seq 1 100); do
		[ "$(curl -s "$BASE/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["uptime_s"] >= '"$1"')')" = True ] && return 0
		sleep 0.05
	done
	return 1
}
registered() { db "SELECT count(*) FROM registrations g JOIN meetings m ON m.id = g.meeting_id WHERE m.number = $M AND g.status = 'registered' $1"; }
# register JAR NAME EMAIL ATTENDANCE [MORE CURL ARGS]: the form's POST from a browser (its jar)
register() {
	local jar=$1 name=$2 email=$3 att=$4
	shift 4
	local csrf
	csrf=$(page_csrf "$jar" /meetings/$M/register)
	req POST "/meetings/$M/register${Q:-}" -b "$jar" -c "$jar" --data-urlencode "name=$name" \
		--data-urlencode "organization=Org of $name" --data-urlencode "country=FR" \
		--data-urlencode "stakeholder_type=civil_society" --data-urlencode "email=$email" \
		--data-urlencode "attendance=$att" --data-urlencode "publish_as=${PUBLISH:-name}" --data-urlencode "csrf=$csrf" "$@"
}
cancel_link() { grep -o 'class="secret-link" href="[^"]*"' "$TMP/b" | cut -d'"' -f4 | sed 's/&amp;/\&/g'; }

# ---- the meeting's page and the settings -----------------------------------------------------
req GET /meetings/$M
check "the demo's open consultation meeting: 200" status_is 200
check "its page links to the registration form while it is open" body_has "href=\"/meetings/$M/register\""
req GET /meetings/15/register
check "a working-group meeting takes no registrations: 404" status_is 404
req GET /meetings/$M/register
check "the form: 200, with every field" sh -c "[ $STATUS = 200 ] && grep -q 'name=\"country\"' '$TMP/b' && grep -q 'name=\"attendance\"' '$TMP/b' && grep -q 'name=\"wish_to_speak\"' '$TMP/b'"

login "$TMP/sec" "$SEC" "$PW"
NOW=$(date -u +%s)
CLOSES=$(date -u -d "@$((NOW + 10 * 86400))" +%Y-%m-%dT%H:%M:%SZ)
csrf=$(page_csrf "$TMP/sec" /admin/meetings/$M/registrants)
req POST /admin/meetings/$M/registration -b "$TMP/sec" --data-urlencode "csrf=$csrf" -d capacity_in_person=abc \
	-d capacity_remote=1 --data-urlencode "closes_at=$CLOSES" -d starts_time= -d ends_time=
check "settings: a capacity that is not a number: 422 next to the field" sh -c "[ $STATUS = 422 ] && grep -q 'id=\"err-capacity_in_person\" role=\"alert\"' '$TMP/b'"
req POST /admin/meetings/$M/registration -b "$TMP/sec" --data-urlencode "csrf=$csrf" -d capacity_in_person=2 \
	-d capacity_remote=1 --data-urlencode "closes_at=$CLOSES" -d starts_time=09:30 -d ends_time=12:00
check "settings: 2 in person, 1 remote, closing in 10 days: 303" status_is 303
check "settings stored" same "$(db "SELECT capacity_in_person, capacity_remote, starts_min, ends_min FROM meeting_registration")" "2|1|570|720"
check "settings audited" same "$(db "SELECT count(*) FROM audit_log WHERE action = 'meeting_registration_settings' AND object = 'meeting/$M' AND detail LIKE 'in person 2, remote 1 %'")" 1
req POST /admin/meetings/15/registration -b "$TMP/sec" --data-urlencode "csrf=$csrf" -d capacity_in_person=2 \
	-d capacity_remote=1 --data-urlencode "closes_at=$CLOSES" -d starts_time= -d ends_time=
check "settings on a working-group meeting: 409" status_is 409

# ---- registering -----------------------------------------------------------------------------
register "$TMP/a" "Ada Lovelace" ada@example.org in_person -d wish_to_speak=1 -d "response="
check "in person: 201" status_is 201
check "the confirmation shows the cancel link once" sh -c "grep -c 'class=\"secret-link\"' '$TMP/b' | grep -qx 1"
CANCEL_A=$(cancel_link)
ID_A=$(db "SELECT id FROM registrations WHERE email = 'ada@example.org'")
check "stored: in person, wishes to speak, the token hashed (never the token)" same \
	"$(db "SELECT attendance, wish_to_speak, length(token_hash), CASE WHEN '$CANCEL_A' LIKE '%' || token_hash || '%' THEN 1 ELSE 0 END FROM registrations WHERE id = $ID_A")" "in_person|1|64|0"
check "a mail is queued to the registrant with the cancel link" contains \
	"$(db "SELECT body_text FROM outbox WHERE to_addr = 'ada@example.org' AND kind = 'meeting_registration'")" "$CANCEL_A"
check "registration audited" same "$(db "SELECT count(*) FROM audit_log WHERE action = 'meeting_registration' AND object = 'meeting/$M/registration/$ID_A'")" 1
# a published response of the demo round, which Jean will present
cat >"$TMP/resp.json" <<JSON
{"respondent":{"name":"Jean Dupont","organization":"Org of Jean Dupont","job_title":"Director","country":"FR",
 "stakeholder_type":"civil_society","email":"jean@example.org"},"publish_as":"organization","language":"fr",
 "summary":"Résumé.","answers":[{"question":1,"text":"Réponse."}]}
JSON
req POST /api/v1/consultations/multilingual-internet/responses -H 'Content-Type: application/json' --data-binary @"$TMP/resp.json"
RESP=$(json 'j["id"]')
Q="?lang=fr" PUBLISH=organization register "$TMP/f" "Jean Dupont" jean@example.org remote -d wish_to_speak=1 -d "response=$RESP"
check "remote, in French: 201" status_is 201
check "the mail is in the registrant's language" same "$(db "SELECT lang FROM outbox WHERE to_addr = 'jean@example.org' AND kind = 'meeting_registration'")" fr
ID_J=$(db "SELECT id FROM registrations WHERE email = 'jean@example.org'")
check "the response to present is linked" same "$(db "SELECT p.public_id FROM registrations g JOIN responses p ON p.id = g.response_id WHERE g.id = $ID_J")" "$RESP"
register "$TMP/c" "Carl Remote" carl@example.org remote
check "remote capacity (1) reached: 409" status_is 409
check "409: the form again, the error at the attendance" sh -c "grep -q 'id=\"err-attendance\" role=\"alert\"' '$TMP/b' && grep -q 'name=\"name\"' '$TMP/b'"
check "409: nothing stored" same "$(registered "AND attendance = 'remote'")" 1
check "409: no mail queued" same "$(db "SELECT count(*) FROM outbox WHERE to_addr = 'carl@example.org'")" 0

# two browsers race for the last seat in person
c1=$(page_csrf "$TMP/r1" /meetings/$M/register)
c2=$(page_csrf "$TMP/r2" /meetings/$M/register)
race() {
	curl -s -o /dev/null -w '%{http_code}\n' -b "$1" "$BASE/meetings/$M/register" -d "name=Racer $3" -d "organization=Race" \
		-d country=DE -d stakeholder_type=academia -d "email=racer$3@example.org" -d attendance=in_person \
		-d publish_as=name -d "csrf=$2" >"$TMP/race.$3"
}
race "$TMP/r1" "$c1" 1 &
p1=$!
race "$TMP/r2" "$c2" 2 &
p2=$!
wait "$p1" "$p2"	# not a bare wait: the server is a child too
check "the race for the last seat: one 201 and one 409" same "$(cat "$TMP/race.1" "$TMP/race.2" | sort | tr '\n' ' ')" "201 409 "
check "the race: exactly one stored, the seats not exceeded" same "$(registered "AND attendance = 'in_person'")" 2

# ---- bad input: errors next to the fields, nothing stored ------------------------------------
before=$(db "SELECT count(*) FROM registrations")
csrf=$(page_csrf "$TMP/x" /meetings/$M/register)
req POST /meetings/$M/register -b "$TMP/x" -d "name=" -d organization=Org -d country=XX -d stakeholder_type=civil_society \
	-d "email=not-an-email" -d attendance=remote -d publish_as=name -d "csrf=$csrf"
check "missing name, bad country, bad email: 422" status_is 422
for f in name country email; do
	check "the error next to $f, tied to it" sh -c "grep -q 'id=\"err-$f\" role=\"alert\"' '$TMP/b' && grep -q 'id=\"f-$f\"[^>]*aria-describedby=\"err-$f\"' '$TMP/b'"
done
check "the other values are shown again" body_has 'value="not-an-email"'
req POST /meetings/$M/register -b "$TMP/x" -d "name=Val Id" -d organization=Org -d country=FR -d stakeholder_type=civil_society \
	-d "email=val@example.org" -d attendance=remote -d publish_as=name -d response=abcdefghjkmn -d "csrf=$csrf"
check "a response number that is no published response: 422 next to it" sh -c "[ $STATUS = 422 ] && grep -q 'id=\"err-response\" role=\"alert\"' '$TMP/b'"
req POST /meetings/$M/register -b "$TMP/x" -d "name=Val Id" -d organization=Org -d country=FR -d stakeholder_type=civil_society \
	-d "email=val@example.org" -d attendance=remote -d publish_as=name
check "without the CSRF token: 403" status_is 403
check "bad input stored nothing" same "$(db "SELECT count(*) FROM registrations")" "$before"

# ---- cancelling ------------------------------------------------------------------------------
OTHER=$(db "SELECT 'x'") ; OTHER_LINK="/meetings/$M/registrations/$ID_A/cancel?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
req GET "$OTHER_LINK"
check "cancel page with another token: 403" status_is 403
PATH_A=${CANCEL_A#*//*/}; PATH_A=/$PATH_A
TOKEN_A=${CANCEL_A##*token=}
J_TOKEN=$(grep -o 'registrations/[0-9]*/cancel?token=[A-Za-z0-9_-]*' <<<"$(db "SELECT body_text FROM outbox WHERE to_addr = 'jean@example.org'")" | sed 's/.*token=//')
req GET "/meetings/$M/registrations/$ID_A/cancel?token=$J_TOKEN"
check "the token of another registration: 403" status_is 403
req GET "$PATH_A" -c "$TMP/a" -b "$TMP/a"
check "cancel page with its token: 200, a button" sh -c "[ $STATUS = 200 ] && grep -q 'name=\"token\"' '$TMP/b'"
check "a GET cancels nothing" same "$(db "SELECT status FROM registrations WHERE id = $ID_A")" registered
csrf=$(csrf_in "$TMP/b")
req POST /meetings/$M/registrations/$ID_A/cancel -b "$TMP/a" -d "csrf=$csrf" -d "token=$J_TOKEN"
check "POST with another registration's token: 403" status_is 403
req POST /meetings/$M/registrations/$ID_A/cancel -b "$TMP/a" -d "csrf=$csrf" -d "token=$TOKEN_A"
check "POST with its token: 200" status_is 200
check "cancelled" same "$(db "SELECT status, cancelled_at IS NOT NULL FROM registrations WHERE id = $ID_A")" "cancelled|1"
check "cancellation audited" same "$(db "SELECT count(*) FROM audit_log WHERE action = 'meeting_registration_cancel' AND object = 'meeting/$M/registration/$ID_A'")" 1
register "$TMP/d" "Dora Seat" dora@example.org in_person -d wish_to_speak=1
check "the freed seat can be taken: 201" status_is 201
ID_D=$(db "SELECT id FROM registrations WHERE email = 'dora@example.org'")

# ---- the secretariat's list ------------------------------------------------------------------
req GET /admin/meetings/$M/registrants -b "$TMP/sec"
check "the secretariat's list: 200 with the emails" sh -c "[ $STATUS = 200 ] && grep -q 'dora@example.org' '$TMP/b' && grep -q 'jean@example.org' '$TMP/b'"
check "counts by attendance" body_has "Registered: 2 in person, 1 remote."
req GET /admin/meetings/$M/registrants
check "anonymous: sent to log in (302)" status_is 302
login "$TMP/stake" stake@example.org "$PW2"
req GET /admin/meetings/$M/registrants -b "$TMP/stake"
check "a stakeholder: 403" status_is 403
req GET /admin/meetings/$M/registrants.csv -b "$TMP/stake"
check "the CSV to a stakeholder: 403" status_is 403
req GET /admin/meetings/$M/registrants.csv -b "$TMP/sec"
check "the CSV: text/csv with the emails" sh -c "[ $STATUS = 200 ] && grep -qi '^content-type: text/csv' '$TMP/h' && grep -q '\"dora@example.org\"' '$TMP/b'"
req GET /meetings/$M
check "emails are never on the public page" sh -c "! grep -q '@example.org' '$TMP/b'"

# ---- the speakers list -----------------------------------------------------------------------
csrf=$(page_csrf "$TMP/sec" /admin/meetings/$M/registrants)
req POST /admin/meetings/$M/speakers -b "$TMP/sec" -d "csrf=$csrf" -d "pos_$ID_D=1" -d "pos_$ID_J=1"
check "two speakers at one position: 422" sh -c "[ $STATUS = 422 ] && grep -q 'id=\"err-order\" role=\"alert\"' '$TMP/b'"
req POST /admin/meetings/$M/speakers -b "$TMP/sec" -d "csrf=$csrf" -d "pos_$ID_D=2" -d "pos_$ID_J=1" -d "pos_$ID_A=3"
check "the order: 303 (a cancelled registrant's position is ignored)" status_is 303
check "stored in order" same "$(db "SELECT group_concat(registration_id) FROM (SELECT registration_id FROM speakers ORDER BY position) AS x")" "$ID_J,$ID_D"
check "speakers_order audited" same "$(db "SELECT detail FROM audit_log WHERE action = 'speakers_order' AND object = 'meeting/$M'")" "order: $ID_J $ID_D"
req GET /meetings/$M
check "the public speakers list, in order, named as chosen" same \
	"$(sed -n '/<ol class="speakers">/,/<\/ol>/p' "$TMP/b" | grep -o '<li>[^<]*' | sed 's/<li>//; s/ ($//' | tr '\n' '|')" "Org of Jean Dupont|SEAT, Dora - Org of Dora Seat|"
check "the speakers list links the response presented" body_has "<a href=\"/responses/$RESP\">"

# ---- the record ------------------------------------------------------------------------------
req POST /admin/meetings/$M/record -b "$TMP/sec" -d "csrf=$csrf" -d record_lang=en \
	--data-urlencode $'record=## Summary\n\nThe Chair opened the meeting.<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>'
check "the record: 303" status_is 303
check "meeting_record audited" same "$(db "SELECT detail FROM audit_log WHERE action = 'meeting_record' AND object = 'meeting/$M'")" "en: written"
req GET /meetings/$M
check "the record on the public page" sh -c "grep -q 'id=\"record\"' '$TMP/b' && grep -q 'The Chair opened the meeting.' '$TMP/b'"
check "the record's script, javascript: link and handler are not markup" sh -c \
	"! grep -q '<script>alert' '$TMP/b' && ! grep -q 'javascript:alert' '$TMP/b' && ! grep -q '<img src=x' '$TMP/b'"
req POST /admin/meetings/$M/record -b "$TMP/stake" -d "csrf=$(page_csrf "$TMP/stake" /account)" -d record_lang=en -d record=x
check "a stakeholder cannot write the record: 403" status_is 403

# ---- iCalendar -------------------------------------------------------------------------------
cat >"$TMP/ics.py" <<'PY'
import json, sys
raw = open(sys.argv[1], 'rb').read()
want = int(sys.argv[2])
assert raw.startswith(b'BEGIN:VCALENDAR\r\n'), 'BEGIN:VCALENDAR first'
assert raw.endswith(b'END:VCALENDAR\r\n'), 'END:VCALENDAR last'
lines = raw.split(b'\r\n')[:-1]
assert all(b'\n' not in l and b'\r' not in l for l in lines), 'CRLF line ends only'
assert all(len(l) <= 75 for l in lines), 'lines of at most 75 octets'
unfolded = []
for l in lines:
    if l[:1] in (b' ', b'\t'):
        unfolded[-1] += l[1:]
    else:
        unfolded.append(l)
text = [l.decode('utf-8') for l in unfolded]
events, cur = [], None
for l in text:
    if l == 'BEGIN:VEVENT': cur = {}
    elif l == 'END:VEVENT': events.append(cur); cur = None
    elif cur is not None:
        k, v = l.split(':', 1)
        cur[k.split(';')[0]] = (k, v)
assert len(events) == want, 'VEVENTs: %d, wanted %d' % (len(events), want)
uids = [e['UID'][1] for e in events]
assert len(set(uids)) == len(uids), 'UIDs unique'
for e in events:
    for k in ('UID', 'DTSTAMP', 'DTSTART', 'DTEND', 'SUMMARY', 'LOCATION', 'URL'):
        assert k in e, 'missing ' + k
print(json.dumps({e['URL'][1].rsplit('/', 1)[1]: {k: v for k, v in e.items()} for e in events}))
PY
NM=$(curl -s "$BASE/api/v1/meetings" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
req GET "/meetings.ics?lang=ar"
check "meetings.ics: text/calendar; charset=utf-8" same "$(header Content-Type)" "text/calendar; charset=utf-8"
check "meetings.ics parses: CRLF, folded at 75 octets, one VEVENT per meeting ($NM), UID, DTSTART" \
	sh -c "python3 '$TMP/ics.py' '$TMP/b' $NM >'$TMP/ics.json'"
check "a long Arabic summary was folded and unfolds to the title" sh -c \
	"grep -q '^ ' '$TMP/b' && python3 -c 'import json; j=json.load(open(\"$TMP/ics.json\")); assert \"الإنترنت المتعدد اللغات\" in j[\"$M\"][\"SUMMARY\"][1]'"
UID1=$(python3 -c "import json; print(json.load(open('$TMP/ics.json'))['$M']['UID'][1])")
req GET /meetings/$M/calendar.ics
check "one meeting's calendar: one VEVENT" sh -c "python3 '$TMP/ics.py' '$TMP/b' 1 >'$TMP/ics1.json'"
check "the UID is stable across feeds" same "$(python3 -c "import json; print(json.load(open('$TMP/ics1.json'))['$M']['UID'][1])")" "$UID1"
DAY=$(date -u -d "@$(db "SELECT starts_on FROM meetings WHERE number = $M")" +%Y%m%d)
check "known times: DTSTART and DTEND in UTC" same "$(python3 -c "import json; e=json.load(open('$TMP/ics1.json'))['$M']; print(e['DTSTART'][1], e['DTEND'][1], e['LOCATION'][1])")" "${DAY}T093000Z ${DAY}T120000Z Geneva"
req GET /meetings/17/calendar.ics
check "a two-day meeting without times: whole days, DTEND the day after the last" sh -c \
	"python3 '$TMP/ics.py' '$TMP/b' 1 | python3 -c 'import json,sys; e=json.load(sys.stdin)[\"17\"]; assert e[\"DTSTART\"]==[\"DTSTART;VALUE=DATE\",\"20220119\"], e; assert e[\"DTEND\"][1]==\"20220121\", e'"
req GET /meetings/99/calendar.ics
check "an unknown meeting's calendar: 404" status_is 404

# ---- the privacy notice of the form (before closing) -------------------------------------------
req GET /meetings/$M/register
check "the notice: what is published (the speakers list, as chosen)" \
	body_has "the list shows your name and organization, or your organization only, as you choose below. Nothing else about you is published."
check "the notice: what is kept privately (the email, the cancel link)" \
	body_has "your email address, seen only by the secretariat, and the private link to cancel your registration."
check "the notice: for how long, with the default --retention-days 365" \
	body_has "your email address and the cancel link are removed 365 days after the meeting ends."

# ---- after closing ---------------------------------------------------------------------------
before=$(db "SELECT count(*) FROM registrations")
csrf=$(page_csrf "$TMP/late" /meetings/$M/register)
clock_to $((10 * 86400 + 60))
req POST /meetings/$M/register -b "$TMP/late" -d "name=Late Comer" -d organization=Org -d country=FR \
	-d stakeholder_type=civil_society -d "email=late@example.org" -d attendance=remote -d publish_as=name -d "csrf=$csrf"
check "after the closing date: 409 with the reason" sh -c "[ $STATUS = 409 ] && grep -q 'Registration for this meeting is closed.' '$TMP/b'"
check "after closing: nothing stored" same "$(db "SELECT count(*) FROM registrations")" "$before"
req GET /meetings/$M
check "after closing: no Register link, the page says closed" sh -c "! grep -q 'href=\"/meetings/$M/register\"' '$TMP/b' && grep -q 'Registration is closed.' '$TMP/b'"
# ---- retention: the registrants' emails removed --retention-days (365) after the meeting ends ---
# retention_ran N: waits until N retention jobs are done (the daily job runs at start, then again
# whenever the clock moves by a day or more)
retention_ran() {
	for _ in $(seq 1 100); do
		[ "$(db "SELECT COUNT(*) FROM jobs WHERE kind = 'retention' AND state = 'done'")" -ge "$1" ] && return 0
		sleep 0.1
	done
	echo "# $(db "SELECT COUNT(*) FROM jobs WHERE kind = 'retention' AND state = 'done'") retention jobs done, wanted $1"; return 1
}
# everything of the registrations but the email and the cancel token, the speakers list, the record
kept() {
	db "SELECT id, meeting_id, name, organization, country, stakeholder_type, language, attendance, wish_to_speak, publish_as, COALESCE(CAST(response_id AS TEXT), ''), status, created_at, COALESCE(CAST(cancelled_at AS TEXT), '') FROM registrations ORDER BY id"
	db "SELECT * FROM speakers ORDER BY meeting_id, position"
	db "SELECT thing, thing_id, field, language, body FROM texts WHERE thing = 'meeting' ORDER BY 1, 2, 3, 4"
}
speakers_html() { sed -n '/<ol class="speakers">/,/<\/ol>/p' "$TMP/b"; }
NREG=$(db "SELECT count(*) FROM registrations g JOIN meetings m ON m.id = g.meeting_id WHERE m.number = $M")
kept >"$TMP/kept.before"
req GET /meetings/$M
speakers_html >"$TMP/speakers.before"
check "before: the speakers list is on the page" test -s "$TMP/speakers.before"
check "before: every registration keeps its email" same "$(db "SELECT count(*) FROM registrations WHERE email <> ''")" "$NREG"
ENDS=$(db "SELECT ends_on + 86400 FROM meetings WHERE number = $M")	# the end of its last day
jobs=$(db "SELECT COUNT(*) FROM jobs WHERE kind = 'retention' AND state = 'done'")
clock_to $((ENDS + 364 * 86400 - $(date -u +%s)))
check "364 days after the meeting: the job ran" retention_ran $((jobs + 1))
check "364 days after the meeting: the emails are kept" same "$(db "SELECT count(*) FROM registrations WHERE email <> ''")" "$NREG"
check "364 days after: no retention audit for the meeting" same "$(db "SELECT COUNT(*) FROM audit_log WHERE action = 'retention' AND object = 'meeting/$M'")" 0
clock_to $((ENDS + 365 * 86400 + 3600 - $(date -u +%s)))
for _ in $(seq 1 100); do
	[ "$(db "SELECT COUNT(*) FROM audit_log WHERE action = 'retention' AND object = 'meeting/$M'")" = 1 ] && break
	sleep 0.1
done
check "365 days after the meeting: every registrant's email removed ('', not NULL)" \
	same "$(db "SELECT count(*) FROM registrations WHERE email = ''")/$(db "SELECT count(*) FROM registrations")" "$NREG/$NREG"
check "and the cancel token hashes" same "$(db "SELECT count(*) FROM registrations WHERE token_hash = 'removed:' || id")" "$NREG"
check "one audit row, by the job: 'retention: $NREG registrations, emails removed'" \
	same "$(db "SELECT COUNT(*) || '|' || max(detail) || '|' || max(address) FROM audit_log WHERE action = 'retention' AND object = 'meeting/$M'")" \
	"1|retention: $NREG registrations, emails removed|job"
check "names, organizations, countries, attendance, statuses, the speakers list and the record unchanged" \
	cmp -s "$TMP/kept.before" <(kept)
req GET /meetings/$M
check "the public speakers list unchanged" cmp -s "$TMP/speakers.before" <(speakers_html)
login "$TMP/sec" "$SEC" "$PW"	# a year later: a new session
req GET /admin/meetings/$M/registrants -b "$TMP/sec"
check "the secretariat's list: 200, no email left" sh -c "[ $STATUS = 200 ] && ! grep -q '@example.org' '$TMP/b'"
audits=$(db "SELECT COUNT(*) FROM audit_log WHERE action = 'retention'")
jobs=$(db "SELECT COUNT(*) FROM jobs WHERE kind = 'retention' AND state = 'done'")
clock_to $((ENDS + 367 * 86400 - $(date -u +%s)))
check "another day later the job runs again" retention_ran $((jobs + 1))
check "and writes no audit row" same "$(db "SELECT COUNT(*) FROM audit_log WHERE action = 'retention'")" "$audits"
check "and changes nothing" cmp -s "$TMP/kept.before" <(kept)
check "no retention job failed" same "$(db "SELECT COUNT(*) FROM jobs WHERE kind = 'retention' AND state = 'failed'")" 0
finish
