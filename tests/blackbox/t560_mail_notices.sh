#!/bin/bash
# t560_mail_notices: personal notices queued in the outbox (docs/MAIL-NOTICES.md), read from the
# store (no SMTP server): a respondent's receipt (the attachment is the receipt the API answered,
# without the manage token, which is in the body only) and the moderation decision; delegates'
# mails for a submitted contribution and its revision, a silence procedure with its deadline and
# its result; the secretariat's outcome and overdue items, each once as the test clock passes; a
# registrant's confirmation (HTML, unsubscribe link) and the reminder the day before with a valid
# iCalendar attachment, once; every mail in its recipient's language; the one-click unsubscribe
# without login stopping that kind, and bad tokens changing nothing.
. "$(dirname "$0")/lib.sh"
same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
FIX=$(cd "$(dirname "$0")" && pwd)/fixtures
SEC=secretariat@agora.example
SITE=http://agora.t560
export AGORA_PUBLIC_URL=$SITE
init_data
declare -A PASS
mk() {	# mk NAME ROLE STATE [MAIL-LANG]
	"$AGORA" user create --data "$DATA" --email "$1@t560.example" --name "T560 $1" --role "$2" \
		--state "$3" ${4:+--mail-lang "$4"} >"$TMP/user.out" 2>&1 || { cat "$TMP/user.out"; exit 1; }
	PASS[$1]=$(sed -n 's/^Password: //p' "$TMP/user.out")
}
mk dch delegate CH
mk ffr focal_point FR fr
mk dru delegate RU ru
"$AGORA" user create --data "$DATA" --email bad@t560.example --name Bad --role delegate --state DE --mail-lang de >/dev/null 2>&1
check "--mail-lang takes only the six languages (exit 2)" same "$?" 2
check "... and makes no account" same "$(sql "SELECT count(*) FROM accounts WHERE email = 'bad@t560.example'")" 0
sql "UPDATE accounts SET mail_lang = 'es' WHERE email = '$SEC'"	# the demo's account (no command sets it)
API_TOKEN=$("$AGORA" token create --data "$DATA" --email "$SEC")
AUTH="Authorization: Bearer $API_TOKEN"
CLOCK=$TMP/clock
echo "+0" >"$CLOCK"
T0=$(date +%s)
DAY0=$((T0 / 86400 * 86400))	# today 00:00 UTC
start_server --test-clock-file "$CLOCK" --scheduler-tick-ms 50 --submit-rate 0 --page-cache-ms 0

db() { sql "$1"; }
# mails TO KIND: how many mails of KIND are queued for TO
mails() { db "SELECT count(*) FROM outbox WHERE lower(to_addr) = lower('$1') AND kind = '$2'"; }
# last TO KIND COLUMN: that column of the newest such mail
last() { db "SELECT $3 FROM outbox WHERE lower(to_addr) = lower('$1') AND kind = '$2' ORDER BY id DESC LIMIT 1"; }
attachment() {
	if on_pg; then db "SELECT convert_from(attach_data, 'UTF8') FROM outbox WHERE id = $1"
	else db "SELECT CAST(attach_data AS TEXT) FROM outbox WHERE id = $1"; fi
}
# wait_for 'SHELL EXPR' VALUE: polls until the expression prints VALUE (the scheduler ticks every 50 ms)
wait_for() {
	for _ in $(seq 1 100); do [ "$(eval "$1")" = "$2" ] && return 0; sleep 0.05; done
	echo "# waited for $1 = $2, got $(eval "$1")"; return 1
}
# clock_at T: the test clock at the absolute time T (an offset from the real now)
clock_at() { echo "+$(($1 - $(date +%s)))" >"$CLOCK"; }
csrf_in() { grep -o 'name="csrf" value="[^"]*"' "$1" | head -1 | cut -d'"' -f4; }
declare -A CSRF
login() {	# login NAME EMAIL PASSWORD
	local jar=$TMP/jar.$1
	curl -s -b "$jar" -c "$jar" -o "$TMP/login.html" "$BASE/login"
	req POST /login -b "$jar" -c "$jar" --data-urlencode "email=$2" --data-urlencode "password=$3" \
		--data-urlencode "csrf=$(csrf_in "$TMP/login.html")"
	[ "$STATUS" = 303 ] || { echo "# $1 cannot log in: $STATUS"; exit 1; }
	curl -s -b "$jar" -c "$jar" -o "$TMP/account.html" "$BASE/account"
	CSRF[$1]=$(csrf_in "$TMP/account.html")
}
as() { local who=$1; shift; req "$@" -b "$TMP/jar.$who" -c "$TMP/jar.$who"; }
post() {	# post WHO PATH FIELD=VALUE...
	local who=$1 path=$2 args=(); shift 2
	for kv in "$@"; do args+=(--data-urlencode "$kv"); done
	as "$who" POST "$path" --data-urlencode "csrf=${CSRF[$who]}" "${args[@]}"
}
upload() {	# upload WHO PATH FILE FIELD=VALUE...
	local who=$1 path=$2 file=$3 args=(); shift 3
	for f in "$@"; do args+=(-F "$f"); done
	as "$who" POST "$path" -F "csrf=${CSRF[$who]}" -F "file=@$file" "${args[@]}"
}
# optouts: how many (address, kind) pairs opted out (every token of the pair is marked)
lacks() { case $1 in *"$2"*) echo "# '$2' in: $(printf '%s' "$1" | head -c 300)"; return 1 ;; esac; }
optouts() { db "SELECT count(DISTINCT address || '/' || kind) FROM mail_optouts WHERE opted_out_at IS NOT NULL"; }

# ---- A respondent's receipt ----------------------------------------------------------------------
EMAIL=ana.t560@example.net
python3 -c "import json; r=json.load(open('$FIX/resp-jane.json')); r['respondent']['email']='$EMAIL'; r['language']='es'; json.dump(r, open('$TMP/resp.json', 'w'))"
req POST /api/v1/consultations/multilingual-internet/responses -H 'Content-Type: application/json' --data-binary @"$TMP/resp.json"
check "a response with an email: 201" status_is 201
cp "$TMP/b" "$TMP/submitted.json"
ID=$(json 'j["id"]')
MANAGE=$(json 'j["manage_url"]')
MTOKEN=${MANAGE##*token=}
check "one receipt queued for it in the same write, in the response's language (es)" \
	same "$(db "SELECT count(*), min(lang) FROM outbox WHERE to_addr = '$EMAIL' AND kind = 'receipt'")" "1|es"
RID=$(db "SELECT id FROM outbox WHERE to_addr = '$EMAIL' AND kind = 'receipt'")
attachment "$RID" >"$TMP/att.json"
check "the attachment is the receipt the API answered (same JSON, the log's proof included)" python3 -c "
import json; a = json.load(open('$TMP/att.json')); s = json.load(open('$TMP/submitted.json'))
assert a == s['receipt'], (a, s['receipt']); assert 'inclusion_proof' in a and 'checkpoint' in a"
check "... byte for byte: the writer composed it once, for the mail and the answer" \
	grep -q -F -e "\"receipt\":$(cat "$TMP/att.json")," "$TMP/submitted.json"
check "the attachment holds no manage token nor link" sh -c "! grep -q -e '$MTOKEN' -e manage '$TMP/att.json'"
check "... as application/json, receipt-ID.json" same "$(db "SELECT attach_type, attach_name FROM outbox WHERE id = $RID")" "application/json|receipt-$ID.json"
check "the plain body has the absolute manage link" contains "$(db "SELECT body_text FROM outbox WHERE id = $RID")" "$SITE$MANAGE"
check "the HTML body links it, escaped" contains "$(db "SELECT body_html FROM outbox WHERE id = $RID")" "<a href=\"$SITE/responses/$ID/manage?token=$MTOKEN\">"
check "the subject is in Spanish" contains "$(db "SELECT subject FROM outbox WHERE id = $RID")" "recibo"
check "the HTML says its language" contains "$(db "SELECT body_html FROM outbox WHERE id = $RID")" '<html lang="es">'
UNSUB=$(db "SELECT unsubscribe_url FROM outbox WHERE id = $RID")
check "a one-click unsubscribe URL from public-url" sh -c "case '$UNSUB' in $SITE/mail/unsubscribe/???????????????????????????????????????????) exit 0;; esac; exit 1"
check "its token is stored hashed, for moderation notices" same "$(db "SELECT kind, opted_out_at IS NULL FROM mail_optouts WHERE address = '$EMAIL'")" "moderation|1"

# ---- The moderation decision ---------------------------------------------------------------------
req POST /api/v1/responses/$ID/moderation -H "$AUTH" -H 'Content-Type: application/json' \
	--data '{"action":"withhold","reason":"It gives a private phone number."}'
check "the secretariat withholds it: 200" status_is 200
check "the respondent is told, in Spanish, with the reason" \
	sh -c "[ '$(mails "$EMAIL" moderation)' = 1 ] && [ '$(last "$EMAIL" moderation lang)' = es ]"
check "... the reason in the body" contains "$(last "$EMAIL" moderation body_text)" "It gives a private phone number."

# ---- Unsubscribing: bad tokens change nothing ---------------------------------------------------
before=$(optouts)
rows=$(db "SELECT count(*) FROM mail_optouts")
FAKE=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
req GET /mail/unsubscribe/$FAKE
check "an unknown token: 404 with a clear page" sh -c "[ $STATUS = 404 ] && grep -q 'Nothing was changed' '$TMP/b'"
req POST /mail/unsubscribe/$FAKE -d 'List-Unsubscribe=One-Click'
check "... its POST: 404" status_is 404
req POST "/mail/unsubscribe/$MTOKEN" -d 'List-Unsubscribe=One-Click'
check "a manage token is no unsubscribe token: 404" status_is 404
req POST "/mail/unsubscribe/bad%21token" -d 'List-Unsubscribe=One-Click'
check "a malformed token: 404" status_is 404
check "nothing changed (opt-outs $before, rows $rows)" same "$(optouts)/$(db "SELECT count(*) FROM mail_optouts")" "$before/$rows"
UT=${UNSUB##*/}
req GET /mail/unsubscribe/$UT
check "GET: a page with a button, and nothing changed" sh -c "[ $STATUS = 200 ] && grep -q '<button' '$TMP/b' && [ $(optouts) = $before ]"
req POST /mail/unsubscribe/$UT -d 'List-Unsubscribe=One-Click'
check "RFC 8058 one-click POST, no login, no CSRF token: 200" status_is 200
check "the address opted out of moderation notices, nothing else" \
	same "$(db "SELECT DISTINCT address, kind FROM mail_optouts WHERE opted_out_at IS NOT NULL")" "$EMAIL|moderation"
req POST /mail/unsubscribe/$UT -d 'List-Unsubscribe=One-Click'
check "a second click: 200, nothing more" sh -c "[ $STATUS = 200 ] && [ $(optouts) = $((before + 1)) ]"
req POST /api/v1/responses/$ID/moderation -H "$AUTH" -H 'Content-Type: application/json' --data '{"action":"publish"}'
check "published later: 200, and no moderation mail any more" sh -c "[ $STATUS = 200 ] && [ $(mails "$EMAIL" moderation) = 1 ]"
req POST /api/v1/consultations/multilingual-internet/responses -H 'Content-Type: application/json' --data-binary @"$TMP/resp.json"
check "a receipt is still sent (the respondent's proof)" same "$(mails "$EMAIL" receipt)" 2

# ---- Delegates: a contribution and its revision -------------------------------------------------
login dch dch@t560.example "${PASS[dch]}"
login ffr ffr@t560.example "${PASS[ffr]}"
printf 'Contribution of Switzerland\n' >"$TMP/orig.txt"
upload dch /documents/new "$TMP/orig.txt" meeting=17 kind=contribution "title=Swiss <b>contribution</b> on IDNs & more" language=en
DOC=$(header Location | sed 's|^/documents/||')
check "a delegate creates a draft ($DOC): no mail while a draft" sh -c "[ $STATUS = 303 ] && [ $(db "SELECT count(*) FROM outbox WHERE kind = 'contribution'") = 0 ]"
post dch /documents/$DOC/submit
check "submitted: 303" status_is 303
check "the other members are told, each once, not the submitter" \
	same "$(mails ffr@t560.example contribution)/$(mails dru@t560.example contribution)/$(mails dch@t560.example contribution)" "1/1/0"
check "... in French for the French focal point" same "$(last ffr@t560.example contribution lang)" fr
check "... its subject in French" contains "$(last ffr@t560.example contribution subject)" "Nouveau document"
check "... in Russian for the Russian delegate" same "$(last dru@t560.example contribution lang)" ru
check "... with the document's link" contains "$(last dru@t560.example contribution body_text)" "$SITE/documents/$DOC"
check "... its title as typed in the text" contains "$(last dru@t560.example contribution body_text)" "Swiss <b>contribution</b> on IDNs & more"
check "... and escaped in the HTML" contains "$(last dru@t560.example contribution body_html)" "Swiss &lt;b&gt;contribution&lt;/b&gt; on IDNs &amp; more"
check "... no markup of the title's own in the HTML" lacks "$(last dru@t560.example contribution body_html)" "<b>contribution"
printf 'Contribution of Switzerland, revised\n' >"$TMP/rev1.txt"
upload dch /documents/$DOC/revisions "$TMP/rev1.txt"
check "a revision: each member told again" same "$(mails ffr@t560.example contribution)/$(mails dru@t560.example contribution)" "2/2"
check "... with Rev.1" contains "$(last dru@t560.example contribution body_text)" "Rev.1"

# ---- A silence procedure: its deadline, then its result ------------------------------------------
DEADLINE_T=$(( (T0 / 60 + 60) * 60 ))	# a whole minute about an hour ahead
DEADLINE=$(date -u -d "@$DEADLINE_T" +%Y-%m-%dT%H:%M:%SZ)
HHMM=$(date -u -d "@$DEADLINE_T" +%H:%M)
DAY_EN=$(date -u -d "@$DEADLINE_T" '+%B %-d, %Y')
post ffr /proposals/new original_language=en "title=Mail topic" "topic=A topic proposed by France." \
	"q1=A question?" procedure=silence "deadline=$DEADLINE"
check "the French focal point proposes: 303" status_is 303
PID_=$(header Location | sed 's|/proposals/||')
check "each other member is told, not the proposer" \
	same "$(mails dch@t560.example proposal)/$(mails dru@t560.example proposal)/$(mails ffr@t560.example proposal)" "1/1/0"
check "... in English for an account without a language" same "$(last dch@t560.example proposal lang)" en
check "... with the deadline ($DAY_EN)" contains "$(last dch@t560.example proposal body_text)" "unless a Member State objects by $DAY_EN"
check "... and in Russian, with the deadline" same "$(last dru@t560.example proposal lang)" ru
check "... the Russian text" contains "$(last dru@t560.example proposal body_text)" "процедуре отсутствия возражений"
check "... the deadline in it ($HHMM UTC)" contains "$(last dru@t560.example proposal body_text)" "$HHMM (UTC)"
check "... linking the proposal" contains "$(last dch@t560.example proposal body_text)" "$SITE/proposals/$PID_"
clock_at $((DEADLINE_T + 5))
check "the deadline passes: the result told by the scheduler" wait_for "mails dch@t560.example proposal" 2
check "... consensus, no one objected" contains "$(last dch@t560.example proposal body_text)" "consensus"
check "... to the proposer too" same "$(mails ffr@t560.example proposal)" 1

# ---- The secretariat: an outcome addressed to it, items overdue at the next meeting ------------
NOW=$((DEADLINE_T + 5))
sql "INSERT INTO meetings (number, kind, starts_on, ends_on, place, mode, original_language, created_at)
	VALUES (18, 'working_group', $((DAY0 - 2 * 86400)), $((DAY0 - 86400)), 'Geneva', 'hybrid', 'en', $NOW)"
# the outcomes and their texts in one transaction, as a meeting's creation writes them
sql "BEGIN;
INSERT INTO outcomes (meeting_id, letter, kind, addressee, status, created_at, updated_at)
	SELECT id, 'a', 'request', 'secretariat', 'open', $NOW, $NOW FROM meetings WHERE number = 18;
INSERT INTO outcomes (meeting_id, letter, kind, addressee, status, created_at, updated_at)
	SELECT id, 'b', 'request', 'chair', 'open', $NOW, $NOW FROM meetings WHERE number = 18;
INSERT INTO texts (thing, thing_id, field, language, body, status)
	SELECT 'outcome', o.id, 'text', 'en', 'Prepare the T560 report.', 'original' FROM outcomes o JOIN meetings m ON m.id = o.meeting_id WHERE m.number = 18 AND o.letter = 'a';
COMMIT;"
check "an outcome addressed to the secretariat: told once, in Spanish" wait_for "mails $SEC outcome" 1
check "... its text" contains "$(last $SEC outcome body_text)" "Prepare the T560 report."
check "... its number, in Spanish" contains "$(last $SEC outcome subject)" "El resultado 18(a)"
check "no mail for the chair's outcome nor for the demo's old ones" same "$(db "SELECT count(*) FROM outbox WHERE kind = 'outcome'")" 1
sql "INSERT INTO meetings (number, kind, starts_on, ends_on, place, mode, original_language, created_at)
	VALUES (19, 'working_group', $((DAY0 + 10 * 86400)), $((DAY0 + 11 * 86400)), 'Geneva', 'hybrid', 'en', $NOW)"
sleep 0.3
check "the next meeting is 10 days away: no overdue mail yet" same "$(mails $SEC overdue)" 0
clock_at $((DAY0 + 4 * 86400))
check "a week before it: the secretariat is told of the items still open" wait_for "mails $SEC overdue" 1
check "... 18(a) among them" contains "$(last $SEC overdue body_text)" "18(a)"
clock_at $((DAY0 + 5 * 86400))
sleep 0.3
check "... exactly once (a day later, still one; one event)" \
	same "$(mails $SEC overdue)/$(db "SELECT count(*) FROM events WHERE kind = 'overdue_notice'")" "1/1"

# ---- Registrants: confirmation, and the reminder the day before ---------------------------------
M=9100
NOW=$((DAY0 + 5 * 86400))
sql "INSERT INTO meetings (number, kind, starts_on, ends_on, place, mode, original_language, created_at)
	VALUES ($M, 'open_consultation', $((DAY0 + 8 * 86400)), $((DAY0 + 8 * 86400)), 'Geneva', 'hybrid', 'en', $NOW)"
sql "INSERT INTO meeting_registration (meeting_id, capacity_in_person, capacity_remote, closes_at, starts_min, ends_min, updated_at)
	SELECT id, 10, 0, $((DAY0 + 7 * 86400)), 600, 720, $NOW FROM meetings WHERE number = $M"
sql "INSERT INTO texts (thing, thing_id, field, language, body, status)
	SELECT 'meeting', id, 'title', 'en', 'T560 open consultation meeting', 'original' FROM meetings WHERE number = $M"
register() {	# register JAR EMAIL LANG
	curl -s -b "$1" -c "$1" -o "$TMP/page.html" "$BASE/meetings/$M/register?lang=$3"
	req POST "/meetings/$M/register?lang=$3" -b "$1" -c "$1" --data-urlencode "name=Reg $2" \
		--data-urlencode "organization=Org" --data-urlencode "country=FR" --data-urlencode "stakeholder_type=civil_society" \
		--data-urlencode "email=$2" --data-urlencode "attendance=in_person" --data-urlencode "publish_as=name" \
		--data-urlencode "csrf=$(csrf_in "$TMP/page.html")"
}
R1=reg.ar@t560.example
R2=reg.fr@t560.example
register "$TMP/r1" $R1 ar
check "a registrant in Arabic: registered" status_is 201
check "the confirmation in Arabic" same "$(last $R1 meeting_registration lang)" ar
check "... with HTML, right to left" contains "$(last $R1 meeting_registration body_html)" '<html lang="ar" dir="rtl">'
check "... with an unsubscribe link (for reminders)" contains "$(last $R1 meeting_registration unsubscribe_url)" "$SITE/mail/unsubscribe/"
register "$TMP/r2" $R2 fr
U2=$(last $R2 meeting_registration unsubscribe_url)
req POST "/mail/unsubscribe/${U2##*/}" -d 'List-Unsubscribe=One-Click'
check "the second registrant stops reminders from the confirmation's link" \
	same "$STATUS/$(db "SELECT DISTINCT kind FROM mail_optouts WHERE address = '$R2' AND opted_out_at IS NOT NULL")" "200/meeting_reminder"
clock_at $((DAY0 + 7 * 86400 + 9 * 3600))
sleep 0.3
check "25 hours before the meeting: no reminder yet" same "$(mails $R1 meeting_reminder)" 0
clock_at $((DAY0 + 7 * 86400 + 10 * 3600 + 60))
check "the day before (23 h 59 before): the reminder" wait_for "mails $R1 meeting_reminder" 1
RM=$(db "SELECT id FROM outbox WHERE to_addr = '$R1' AND kind = 'meeting_reminder'")
check "... in Arabic, with meeting-$M.ics as text/calendar" \
	same "$(db "SELECT lang, attach_name, attach_type FROM outbox WHERE id = $RM")" "ar|meeting-$M.ics|text/calendar"
attachment "$RM" >"$TMP/m.ics"
DTSTART=$(date -u -d "@$((DAY0 + 8 * 86400 + 600 * 60))" +%Y%m%dT%H%M%SZ)
check "... a valid VCALENDAR with the meeting's event at 10:00 UTC" python3 -c "
t = open('$TMP/m.ics', newline='').read()
lines = t.split('\r\n')
assert lines[0] == 'BEGIN:VCALENDAR' and 'END:VCALENDAR' in lines and 'BEGIN:VEVENT' in lines, lines[:3]
assert 'VERSION:2.0' in lines and 'DTSTART:$DTSTART' in lines, lines
assert any(l.startswith('UID:meeting-$M-') for l in lines)
assert all(len(l.encode()) <= 75 for l in lines)"
check "the registrant who unsubscribed gets none" same "$(mails $R2 meeting_reminder)" 0
clock_at $((DAY0 + 7 * 86400 + 11 * 3600))
sleep 0.3
check "... exactly once" same "$(mails $R1 meeting_reminder)/$(db "SELECT count(*) FROM events WHERE kind = 'meeting_reminder' AND thing_id = (SELECT id FROM meetings WHERE number = $M)")" "1/1"
check "nobody else's opt-out was touched" same "$(db "SELECT count(*) FROM mail_optouts WHERE opted_out_at IS NOT NULL AND address NOT IN ('$EMAIL', '$R2')")" 0

finish
