#!/bin/bash
# t160_meetings: the six real meetings (12th to 17th) of the demo data: the list newest first,
# each meeting's outcomes in letter order with kind, addressee and status, the rounds they
# launched, the open items carried forward ("carried from 15(c)") until the secretariat marks
# them done through the form (CSRF, a note, the history and an audit row kept), who may not
# (anonymous, a stakeholder, the chair for an outcome not addressed to it), bad addresses and
# bad form input, a note that tries markup, the API, and the archive grouped by meeting.
. "$(dirname "$0")/lib.sh"
SEC=secretariat@agora.example
init_data
PW=$(sed -n 's/^Password: //p' "$TMP/init.out")
"$AGORA" demo --data "$DATA" >"$TMP/demo2.out" 2>&1
check "the demo loads twice without doubling the meetings" grep -q "0 meeting(s) added, 6 already present" "$TMP/demo2.out"
for v in stakeholder chair; do
	"$AGORA" user create --data "$DATA" --email "$v@t160.example" --name "T160 $v" --role "$v" >"$TMP/user.out" 2>&1
	eval "PW_$v=\$(sed -n 's/^Password: //p' \"\$TMP/user.out\")"
done
start_server --page-cache-ms 0

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
letters() { grep -o '<span class="letter">[a-z])' "$TMP/b" | sed 's/.*>//' | tr '\n' ' ' | sed 's/ $//'; }
carried() { grep -o 'carried from [0-9]*([a-z])' "$TMP/b" | sed 's/carried from //' | tr '\n' ' ' | sed 's/ $//'; }
status_of() { db "SELECT o.status FROM outcomes o JOIN meetings m ON m.id = o.meeting_id WHERE m.number = $1 AND o.letter = '$2'"; }
events_of() { db "SELECT group_concat(from_status || '>' || to_status, ',') FROM (SELECT e.from_status, e.to_status FROM outcome_events e JOIN outcomes o ON o.id = e.outcome_id JOIN meetings m ON m.id = o.meeting_id WHERE m.number = $1 AND o.letter = '$2' ORDER BY e.id) AS x"; }

# ---- The list -----------------------------------------------------------------------------------
req GET /meetings
check "/meetings: 200" status_is 200
check "/meetings links the calendar feed" body_has 'href="/meetings.ics" type="text/calendar"'
check "the six meetings and the demo's open consultation meeting (9001), newest first" same "$(grep -o 'id="m-[0-9]*"' "$TMP/b" | tr -dc '0-9 \n' | tr '\n' ' ')" "9001 17 16 15 14 13 12 "
check "the 15th was virtual, on 27-28 January 2021" sh -c "grep 'id=\"m-15\"' '$TMP/b' | grep -q 'datetime=\"2021-01-27T00:00:00Z\".*datetime=\"2021-01-28T00:00:00Z\".*Virtual'"
check "the 12th was in person, on 1 February 2019, with 3 outcomes and none open" \
	sh -c "grep 'id=\"m-12\"' '$TMP/b' | grep -q '2019-02-01T00:00:00Z.*In person</td><td class=\"count\">3</td><td class=\"count\">0</td>'"
check "the 17th: 3 outcomes, 3 open or in progress" sh -c "grep 'id=\"m-17\"' '$TMP/b' | grep -q '<td class=\"count\">3</td><td class=\"count\">3</td>'"
check "the navigation links the meetings, current" body_has '<a href="/meetings" aria-current="page">Meetings</a>'

# ---- Every meeting's outcomes, in letter order --------------------------------------------------
for spec in "12:a) b) c)" "13:a) b)" "14:a) b)" "15:a) b) c) d) e)" "16:a) b) c)" "17:a) b) c)"; do
	req GET "/meetings/${spec%%:*}"
	check "meeting ${spec%%:*}: outcomes ${spec#*:}" same "$(letters)" "${spec#*:}"
done
req GET /meetings/15
check "15(d) is an invitation to the Bureau Directors" \
	sh -c "sed -n '/id=\"o-d\"/,/<\/li>/p' '$TMP/b' | grep -q 'Invitation</span> <span class=\"addressee\">Addressed to: Bureau Directors'"
check "15(c) is an open request to the secretariat" \
	sh -c "sed -n '/id=\"o-c\"/,/<\/li>/p' '$TMP/b' | grep -q 'Request</span> <span class=\"addressee\">Addressed to: Secretariat</span> <span class=\"outcome-status status-open\">Open'"
check "15(c)'s text" body_has "develop the repository of consultations further"
check "the agenda is rendered from Markdown" sh -c "grep -q '<div class=\"agenda\" lang=\"en\">' '$TMP/b' && grep -q '<li>Adoption of the agenda</li>' '$TMP/b'"
req GET /meetings/13
check "13(a) launched the emerging-ICT round" \
	sh -c "sed -n '/id=\"o-a\"/,/<\/li>/p' '$TMP/b' | grep -q 'Launched the consultation: <a href=\"/consultations/emerging-ict-sustainable-development\">'"
check "13(b) is superseded, with its note" sh -c "sed -n '/id=\"o-b\"/,/<\/ul>/p' '$TMP/b' | grep -q 'status-superseded' && grep -q 'Superseded by 14(a)' '$TMP/b'"
req GET /meetings/17
check "17(c) names Resolution 133" body_has "Resolution 133"

# ---- Carried forward ----------------------------------------------------------------------------
req GET /meetings/16
check "16 shows 15(c) carried" same "$(carried)" "15(c)"
req GET /meetings/17
check "17 shows 15(c) carried (not its own open items)" same "$(carried)" "15(c)"
check "the carried item links to where it was decided" body_has '<a href="/meetings/15#o-c">carried from 15(c)</a>'
req GET /meetings/15
check "15 carries nothing of its own" same "$(carried)" ""
req GET /meetings/12
check "12 carries nothing" body_lacks 'id="carried"'

# ---- The API ------------------------------------------------------------------------------------
req GET /api/v1/meetings
check "API list: 200, newest first" same "$(json '" ".join(str(m["number"]) for m in j["items"])')" "9001 17 16 15 14 13 12"
check "API list: the 16th's mode and dates" same "$(json 'j["items"][2]["mode"]+" "+j["items"][2]["starts_on"]+" "+j["items"][2]["ends_on"]')" "virtual 2021-09-23 2021-09-23"
req GET /api/v1/meetings/15
check "API 15: outcomes a-e" same "$(json '"".join(o["letter"] for o in j["outcomes"])')" "abcde"
check "API 15: 15(a) launched the COVID-19 round" same "$(json 'j["outcomes"][0]["consultations"]')" "[{'slug': 'covid-19-pandemics', 'relation': 'launched'}]"
req GET /api/v1/meetings/13
check "API 13: 13(a) launched the emerging-ICT round" same "$(json 'j["outcomes"][0]["consultations"][0]["slug"]+" "+j["outcomes"][0]["consultations"][0]["relation"]')" "emerging-ict-sustainable-development launched"
req GET /api/v1/meetings/17
check "API 17: carries 15(c)" same "$(json '" ".join(o["ref"] for o in j["carried"])')" "15(c)"
req GET /api/v1/meetings/99
check "API: an unknown meeting is a 404 problem" sh -c "[ $STATUS = 404 ] && grep -qi 'problem+json' '$TMP/h'"

# ---- Bad addresses ------------------------------------------------------------------------------
for p in /meetings/99 /meetings/0 /meetings/abc /meetings/12345 /meetings/-1 /api/v1/meetings/abc; do
	req GET "$p"
	check "GET $p: 404" status_is 404
done

# ---- Who may not change a status -----------------------------------------------------------------
req POST /meetings/15/outcomes/c/status --data status=done --data note=x
check "anonymous: 403" status_is 403
S=$TMP/jar.s
login "$S" stakeholder@t160.example "$PW_stakeholder"
check "a stakeholder logs in" status_is 303
req GET /meetings/15 -b "$S"
check "a stakeholder sees no status form" body_lacks 'action="/meetings/15/outcomes/'
SC=$(page_csrf "$S" /account)
req POST /meetings/15/outcomes/c/status -b "$S" --data-urlencode "csrf=$SC" --data status=done --data note=x
check "a stakeholder, with its CSRF token: 403" status_is 403
C=$TMP/jar.c
login "$C" chair@t160.example "$PW_chair"
CC=$(page_csrf "$C" /meetings/15)
req GET /meetings/15 -b "$C"
check "the chair has a form for 15(b), addressed to the chair" body_has 'action="/meetings/15/outcomes/b/status"'
check "... and none for 15(c), addressed to the secretariat" body_lacks 'action="/meetings/15/outcomes/c/status"'
req POST /meetings/15/outcomes/c/status -b "$C" --data-urlencode "csrf=$CC" --data status=done --data note=x
check "the chair on 15(c): 403" status_is 403
check "nothing changed for them" same "$(status_of 15 c)/$(events_of 15 c)" "open/>open"

# ---- The secretariat --------------------------------------------------------------------------
J=$TMP/jar.sec
login "$J" "$SEC" "$PW"
check "the secretariat logs in" status_is 303
req GET /meetings/15 -b "$J"
check "the secretariat has a form on every outcome of 15" same "$(grep -c 'class="outcome-status-form"' "$TMP/b")" 5
check "the form is not cached" same "$(header Cache-Control)" no-store
CSRF=$(csrf_in "$TMP/b")
req GET /meetings/13 -b "$J"
check "no form for a superseded outcome" body_lacks 'action="/meetings/13/outcomes/b/status"'

req POST /meetings/15/outcomes/c/status -b "$J" --data status=done --data note=x
check "without the CSRF token: 403" status_is 403
req POST /meetings/15/outcomes/z/status -b "$J" --data-urlencode "csrf=$CSRF" --data status=done --data note=x
check "an outcome the meeting does not have: 404" status_is 404
req POST /meetings/15/outcomes/cc/status -b "$J" --data-urlencode "csrf=$CSRF" --data status=done --data note=x
check "a letter that is not one: 404" status_is 404
req POST /meetings/99/outcomes/a/status -b "$J" --data-urlencode "csrf=$CSRF" --data status=done --data note=x
check "a meeting that does not exist: 404" status_is 404
req POST /meetings/15/outcomes/c/status -b "$J" --data-urlencode "csrf=$CSRF" --data status=done --data-urlencode "note=   "
check "no note: 422" status_is 422
check "... the error next to the note field" sh -c "grep -q 'id=\"err-note-c\" role=\"alert\"' '$TMP/b' && grep -q 'aria-describedby=\"err-note-c\"' '$TMP/b'"
req POST /meetings/15/outcomes/c/status -b "$J" --data-urlencode "csrf=$CSRF" --data status=closed --data note=x
check "an unknown status: 422, next to the status field" sh -c "[ $STATUS = 422 ] && grep -q 'id=\"err-status-c\"' '$TMP/b'"
req POST /meetings/15/outcomes/c/status -b "$J" --data-urlencode "csrf=$CSRF" --data status=done \
	--data-urlencode "note=$(head -c 2001 /dev/zero | tr '\0' x)"
check "a note over 2000 characters: 422" status_is 422
check "nothing changed by refused forms" same "$(status_of 15 c)/$(events_of 15 c)" "open/>open"

NOTE='Started <script>alert(1)</script> & "more"'
req POST /meetings/15/outcomes/c/status -b "$J" --data-urlencode "csrf=$CSRF" --data status=in_progress --data-urlencode "note=$NOTE"
check "in progress: 303 back to the outcome" sh -c "[ $STATUS = 303 ] && [ '$(header Location)' = '/meetings/15#o-c' ]"
check "stored in progress" same "$(status_of 15 c)" in_progress
req GET /meetings/15 -b "$J"
check "the note is escaped in the history" sh -c "grep -qF 'Started &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;more&quot;' '$TMP/b' && ! grep -qF '<script>alert(1)' '$TMP/b'"
req GET /meetings/16
check "in progress: still carried onto 16" same "$(carried)" "15(c)"
req GET /api/v1/meetings/15
check "the API returns the note as it was given" same "$(json 'j["outcomes"][2]["status"]')" in_progress

req POST /meetings/15/outcomes/c/status -b "$J" --data-urlencode "csrf=$CSRF" --data status=done --data-urlencode "note=The repository now keeps every round and response."
check "done: 303" status_is 303
check "stored done, with the closure's note and account" same "$(db "SELECT o.status || '|' || o.done_note || '|' || (o.done_by = (SELECT id FROM accounts WHERE email = '$SEC')) || '|' || (o.done_at > 0) FROM outcomes o JOIN meetings m ON m.id = o.meeting_id WHERE m.number = 15 AND o.letter = 'c'")" "done|The repository now keeps every round and response.|1|1"
for m in 16 17; do
	req GET /meetings/$m
	check "done: no longer carried onto $m" same "$(carried)" ""
done
req GET /api/v1/meetings/17
check "done: the API carries nothing onto 17" same "$(json 'len(j["carried"])')" 0
req GET /meetings
check "the list counts 15 with no open item" sh -c "grep 'id=\"m-15\"' '$TMP/b' | grep -q '<td class=\"count\">5</td><td class=\"count\">0</td>'"
check "the history keeps every change" same "$(events_of 15 c)" ">open,open>in_progress,in_progress>done"
check "the history names the account" same "$(db "SELECT COUNT(*) FROM outcome_events e JOIN accounts a ON a.id = e.account_id WHERE a.email = '$SEC' AND e.address = '127.0.0.1'")" 2
check "two audit rows outcome_status on outcome/15c, with the account and address" \
	same "$(db "SELECT COUNT(*) FROM audit_log WHERE action = 'outcome_status' AND object = 'outcome/15c' AND account_id = (SELECT id FROM accounts WHERE email = '$SEC') AND address = '127.0.0.1'")" 2
check "the audit detail says what changed" same "$(db "SELECT detail FROM audit_log WHERE action = 'outcome_status' ORDER BY id DESC LIMIT 1")" "in_progress -> done: The repository now keeps every round and response."
req POST /meetings/15/outcomes/c/status -b "$J" --data-urlencode "csrf=$CSRF" --data status=done --data note=again
check "done again: 409, said next to the field" sh -c "[ $STATUS = 409 ] && grep -q 'id=\"err-status-c\"' '$TMP/b'"
req POST /meetings/13/outcomes/b/status -b "$J" --data-urlencode "csrf=$CSRF" --data status=done --data note=x
check "a superseded outcome stays superseded: 409" status_is 409
check "... unchanged" same "$(status_of 13 b)" superseded

# ---- The chair on an outcome addressed to the chair ---------------------------------------------
req POST /meetings/14/outcomes/b/status -b "$C" --data-urlencode "csrf=$CC" --data status=in_progress --data-urlencode "note=Reopened to add the figures."
check "the chair reopens 14(b): 303" status_is 303
req GET /meetings/17
check "14(b) in progress is carried onto 17" same "$(carried)" "14(b)"
req GET /meetings/14
check "14 does not carry its own item" same "$(carried)" ""
check "a reopened outcome shows no closure note" sh -c "! sed -n '/id=\"o-b\"/,/<\/li>/p' '$TMP/b' | grep -q 'class=\"done-note\"'"

# ---- The archive grouped by meeting -------------------------------------------------------------
req GET /consultations
check "the archive: the 13th's round under its heading" \
	sh -c "grep -A3 '<a href=\"/meetings/13\">Launched by the 13th meeting</a>' '$TMP/b' | grep -q 'emerging-ict-sustainable-development'"
check "the archive: the 15th's round under its heading" \
	sh -c "grep -A3 'Launched by the 15th meeting' '$TMP/b' | grep -q 'covid-19-pandemics'"
check "the archive: five headings, newest round first" same "$(grep -o '<h2 class="launched-by">[^<]*\(<a href="/meetings/[0-9]*"\)\?' "$TMP/b" | sed 's/.*meetings\///; s/<h2 class="launched-by">//; s/"$//' | tr '\n' '|')" "Demonstration round|16|15|14|13|CWG-Internet 9|"
req GET "/consultations?lang=fr"
check "the heading's ordinal in French" sh -c "grep -q 'href=\"/meetings/16\">[^<]*16e' '$TMP/b'"
req GET "/consultations?lang=es"
check "the heading's ordinal in Spanish, feminine as reunión is (16.ª)" grep -q 'href="/meetings/16">[^<]*16\.ª reunión' "$TMP/b"
# The public log (issue 7): every decision above is an entry that agrees with the stored rows.
log_ok() { "$AGORA" log verify --data "$DATA" >"$TMP/logv.out" 2>&1 || { sed 's/^/# /' "$TMP/logv.out" | head -5; return 1; }; }
check "agora log verify: the log agrees with every stored row" log_ok
finish
