#!/bin/bash
# t150_personal_data: responses entered by the secretariat on a respondent's behalf (channel and
# day shown on the public page and in the API; the after-close rule; a future date refused; no one
# else may enter one); correction and erasure at the respondent's request: the request filed with
# the manage link (CSRF, another response's token refused), the secretariat carrying out a
# correction (a new version marked corrected, the old text no longer public but kept), an erasure
# (a stub with its date on the page, in the lists and the API; the content, name and email gone
# from the database; the attachment's blob swept; the manage link can no longer revise), a
# decline whose reason the respondent sees; every step audited.
. "$(dirname "$0")/lib.sh"
SEC=secretariat@agora.example
ROUND=pd-round
LATE=pd-late
init_data
PW=$(sed -n 's/^Password: //p' "$TMP/init.out")
TOKEN=$("$AGORA" token create --data "$DATA" --email "$SEC")
"$AGORA" user create --data "$DATA" --email stake@example.org --name "Stake Holder" --role stakeholder >"$TMP/user.out" 2>&1
PW2=$(sed -n 's/^Password: //p' "$TMP/user.out")
CLOCK=$TMP/clock
echo "+0" >"$CLOCK"
start_server --test-clock-file "$CLOCK" --scheduler-tick-ms 50 --submit-rate 0 --page-cache-ms 0
AUTH="Authorization: Bearer $TOKEN"
DB=$DATA/agora.db

same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
db() { sql "$1"; }
csrf_in() { grep -o 'name="csrf" value="[^"]*"' "$1" | head -1 | cut -d'"' -f4; }
login() {
	local jar=$1 email=$2 pw=$3
	rm -f "$jar"
	curl -s -b "$jar" -c "$jar" -o "$TMP/login.html" "$BASE/login"
	req POST /login -b "$jar" -c "$jar" --data-urlencode "email=$email" --data-urlencode "password=$pw" \
		--data-urlencode "csrf=$(csrf_in "$TMP/login.html")"
}
page_csrf() { curl -s -b "$1" -c "$1" "$BASE$2" -o "$TMP/page.html"; csrf_in "$TMP/page.html"; }
rid() { db "SELECT id FROM responses WHERE public_id = '$1'"; }
audits() { db "SELECT COUNT(*) FROM audit_log WHERE action = '$1' AND object = 'response/$2'"; }
requests_of() { db "SELECT COUNT(*) FROM response_requests WHERE response_id = $(rid "$1")"; }
day() { date -u -d "@$1" +%Y-%m-%d; }

# ---- Two rounds, open now ----------------------------------------------------------------------
for slug in $ROUND $LATE; do
	printf '{"slug":"%s","original_language":"en","opens_at":"2030-01-01T00:00:00Z","closes_at":"2040-01-01T00:00:00Z","moderation":"post","texts":{"en":{"title":"PD round","topic":"T","description":"D"}},"questions":[{"number":1,"text":{"en":"Q1?"}},{"number":2,"text":{"en":"Q2?"}}]}' "$slug" >"$TMP/spec.json"
	req POST /api/v1/consultations -H "$AUTH" -H 'Content-Type: application/json' --data-binary @"$TMP/spec.json"
	check "create $slug: 201" status_is 201
	req POST /api/v1/consultations/$slug/open -H "$AUTH"
	check "open $slug now: 200" status_is 200
done
NEW=/admin/consultations/$ROUND/responses/new
TODAY=$(day "$(date -u +%s)")
TOMORROW=$(day "$(($(date -u +%s) + 86400))")
printf 'A letter, typed in.\n' >"$TMP/letter.txt"

# ---- Entry on behalf: who may not --------------------------------------------------------------
req GET $NEW
check "anonymous GET the entry form: 302 to /login" sh -c "[ $STATUS = 302 ] && [ '$(header Location)' = /login ]"
S=$TMP/jar.s
login "$S" stake@example.org "$PW2"
check "a stakeholder logs in" status_is 303
req GET $NEW -b "$S"
check "stakeholder GET the entry form: 403" status_is 403
SC=$(page_csrf "$S" /account)
before=$(db "SELECT COUNT(*) FROM responses")
req POST $NEW -b "$S" --form-string "csrf=$SC" --form-string channel=post --form-string "received_on=$TODAY" \
	--form-string "name=Sneaky Entry" --form-string organization=O --form-string job_title=J --form-string country=FR \
	--form-string stakeholder_type=academia --form-string email=s@example.org --form-string publish_as=name \
	--form-string summary=S
check "stakeholder POST an entry (with its csrf): 403" status_is 403
check "nothing stored for them" same "$(db "SELECT COUNT(*) FROM responses")" "$before"

# ---- Entry on behalf: the secretariat --------------------------------------------------------
J=$TMP/jar.sec
login "$J" "$SEC" "$PW"
check "the secretariat logs in" status_is 303
SEC_ID=$(db "SELECT id FROM accounts WHERE email = '$SEC'")
req GET $NEW -b "$J"
check "the entry form: 200" status_is 200
check "the entry form asks how it was received" body_has '<select id="f-channel" name="channel" required>'
check "... by post, email or other" sh -c "grep -q '<option value=\"post\">post</option>' '$TMP/b' && grep -q '<option value=\"email\">email</option>' '$TMP/b' && grep -q '<option value=\"other\">other</option>' '$TMP/b'"
check "... and on which day" body_has 'id="f-received_on" name="received_on" type="date"'
check "the entry form takes attachments and posts to itself" \
	sh -c "grep -q 'enctype=\"multipart/form-data\" action=\"$NEW\"' '$TMP/b' && grep -q 'name=\"attachments\" type=\"file\"' '$TMP/b'"
CSRF=$(csrf_in "$TMP/b")
# enter [CURL ARGS...]: posts a letter's response to $NEW_PATH (default $NEW) as the secretariat
enter() {
	req POST "${NEW_PATH:-$NEW}" -b "$J" --form-string "csrf=${E_CSRF-$CSRF}" \
		--form-string "name=Paul Letter" --form-string "organization=Post Office Society" \
		--form-string "job_title=Clerk" --form-string country=BE --form-string stakeholder_type=civil_society \
		--form-string "email=paul.letter@example.net" --form-string publish_as=name --form-string language=en \
		--form-string "summary=Sent by post, in time." --form-string "answer_1=A handwritten answer." "$@"
}
E_CSRF="" enter --form-string channel=post --form-string "received_on=$TODAY"
check "entry without the CSRF token: 403" status_is 403
enter --form-string channel=post --form-string "received_on=$TOMORROW"
check "a received date in the future: 422" status_is 422
check "... the error beside the date" sh -c "tr -d '\\n' <'$TMP/b' | grep -q '<p class=\"error\" id=\"err-received_on\">This date is in the future.</p><input id=\"f-received_on\"'" 
check "... the date field points to it" body_has 'aria-invalid="true" aria-describedby="err-received_on"'
check "... the values are kept" sh -c "grep -q 'value=\"Paul Letter\"' '$TMP/b' && grep -q '<option value=\"post\" selected>' '$TMP/b'"
enter --form-string "received_on=$TODAY"
check "no channel: 422 with the error beside it" sh -c "[ $STATUS = 422 ] && grep -q 'id=\"err-channel\"' '$TMP/b'"
enter --form-string channel=pigeon --form-string "received_on=$TODAY"
check "an unknown channel: 422" status_is 422
enter --form-string channel=post --form-string "received_on=28/11/2026"
check "a date not in YYYY-MM-DD: 422" sh -c "[ $STATUS = 422 ] && grep -q 'Give the date as YYYY-MM-DD.' '$TMP/b'"
check "none of these stored anything" same "$(db "SELECT COUNT(*) FROM responses")" "$before"
enter --form-string channel=post --form-string "received_on=$TODAY" -F "attachments=@$TMP/letter.txt;filename=letter.txt"
check "a letter received today: 201" status_is 201
check "the page says it is entered" body_has "The response is entered"
ENTERED=$(grep -o 'href="/responses/[a-z0-9]*"' "$TMP/b" | head -1 | cut -d/ -f3 | tr -d '"')
check "the manage link is shown once, to forward" \
	sh -c "grep -q 'href=\"/responses/$ENTERED/manage?token=manage_' '$TMP/b' && grep -q 'Forward it to the respondent' '$TMP/b'"
check "stored: channel post, the day at midnight UTC, entered by the secretariat" \
	same "$(db "SELECT channel || ' ' || received_at || ' ' || entered_by FROM responses WHERE public_id = '$ENTERED'")" \
	"post $(date -u -d "$TODAY" +%s) $SEC_ID"
check "stored through the same closure: a submitted and a published event" \
	same "$(db "SELECT group_concat(kind) FROM moderation_events WHERE response_id = $(rid "$ENTERED")")" "submitted,published"
check "audited as response_enter, by the secretariat" \
	same "$(db "SELECT COUNT(*) FROM audit_log WHERE action = 'response_enter' AND object = 'response/$ENTERED' AND account_id = $SEC_ID")" 1
ENTERED_BLOB=$(db "SELECT sha256 FROM response_attachments WHERE response_id = $(rid "$ENTERED")")
req GET /responses/$ENTERED
check "public page: 200" status_is 200
check "public page: received by post on DATE and entered by the secretariat" \
	sh -c "grep -q 'Received by post on <time[^>]*>[^<]*</time> and entered by the secretariat' '$TMP/b' || grep -q 'Received by post on [^<]* and entered by the secretariat' '$TMP/b'"
req GET /api/v1/responses/$ENTERED
check "API: channel post" same "$(json 'j["channel"]')" post
check "API: received_at is the day it was received" same "$(json 'j["received_at"]')" "${TODAY}T00:00:00Z"
req GET /api/v1/consultations/$ROUND/responses
check "API list: the entry has its channel" same "$(json '[i["channel"] for i in j["items"]]')" "['post']"

# ---- A respondent's responses ------------------------------------------------------------------
# submit NAME EMAIL [CURL ARGS]: a response through the API; sets RID and RTOKEN
submit() {
	cat >"$TMP/r.json" <<JSON
{"respondent":{"name":"$1","organization":"Org of ${1%% *}","job_title":"Analyst","country":"FR",
 "stakeholder_type":"academia","email":"$2"},"publish_as":"name","language":"en",
 "summary":"Summary by ${1%% *}.","answers":[{"question":1,"text":"Original answer by ${1%% *}."}]}
JSON
	if [ $# -gt 2 ]; then
		req POST /api/v1/consultations/$ROUND/responses -F "response=<$TMP/r.json;type=application/json" "${@:3}"
	else
		req POST /api/v1/consultations/$ROUND/responses -H 'Content-Type: application/json' --data-binary @"$TMP/r.json"
	fi
	RID=$(json 'j["id"]')
	RTOKEN=$(json 'j["manage_url"]' | sed 's/.*token=//')
}
submit "Ada Mistake" ada.private@example.net
check "response A: 201" status_is 201
A=$RID; A_TOKEN=$RTOKEN
submit "Bob Decline" bob.private@example.net
B=$RID; B_TOKEN=$RTOKEN
printf 'attachment to erase %s\n' "$(date +%s%N)" >"$TMP/erase-me.txt"
submit "Eve Erase" eve.private@example.net -F "attachments=@$TMP/erase-me.txt;filename=erase-me.txt"
check "response E with an attachment: 201" status_is 201
E=$RID; E_TOKEN=$RTOKEN
E_BLOB=$(db "SELECT sha256 FROM response_attachments WHERE response_id = $(rid "$E")")
check "E's attachment is in the blob store" test -f "$DATA/blobs/${E_BLOB:0:2}/$E_BLOB"

# ---- Filing a request with the manage link -----------------------------------------------------
MA=/responses/$A/manage?token=$A_TOKEN
P=$TMP/jar.p
req GET "$MA" -b "$P" -c "$P"
check "manage page: 200" status_is 200
check "manage page: the requests section" body_has "Ask the secretariat to correct or erase this response"
check "manage page: a link to the request form, with the token" body_has "href=\"/responses/$A/requests?token=$A_TOKEN\""
req GET "/responses/$A/requests?token=$A_TOKEN" -b "$P" -c "$P"
check "the request form: 200" status_is 200
check "the request form posts to itself with the token" body_has "action=\"/responses/$A/requests?token=$A_TOKEN\""
check "... a choice of correction or erasure, and a message" \
	sh -c "grep -q 'name=\"kind\" value=\"correction\" checked' '$TMP/b' && grep -q 'name=\"kind\" value=\"erasure\"' '$TMP/b' && grep -q 'id=\"f-message\" name=\"message\"' '$TMP/b'"
PC=$(csrf_in "$TMP/b")
req GET "/responses/$A/requests?token=$B_TOKEN"
check "A's request form with B's token: 403" status_is 403
req GET "/responses/$A/requests"
check "A's request form without a token: 403" status_is 403
req POST "/responses/$A/requests?token=$A_TOKEN" -b "$P" --data kind=correction --data-urlencode "message=My name is misspelt."
check "request without the CSRF token: 403" status_is 403
check "... nothing stored" same "$(requests_of "$A")" 0
req POST "/responses/$A/requests?token=$B_TOKEN" -b "$P" --data-urlencode "csrf=$PC" --data kind=correction --data-urlencode "message=x"
check "request on A with B's token: 403" status_is 403
req GET "/responses/$A/manage?token=$B_TOKEN"
check "A's manage page with B's token: 403" status_is 403
check "... nothing of A shown" body_lacks "Ada Mistake"
req POST "/responses/$A/requests" -b "$P" --data-urlencode "csrf=$PC" --data kind=erasure
check "request without any token: 403" status_is 403
check "none of these stored a request" same "$(requests_of "$A")" 0
req POST "/responses/$A/requests?token=$A_TOKEN" -b "$P" --data-urlencode "csrf=$PC" --data kind=correction --data-urlencode "message=   "
check "a correction without a message: 422" status_is 422
check "... the error beside the message" sh -c "tr -d '\\n' <'$TMP/b' | grep -q '<p class=\"error\" id=\"err-message\" role=\"alert\">Say what should be corrected, and how.</p><textarea id=\"f-message\" name=\"message\" rows=\"5\" maxlength=\"5000\" aria-invalid=\"true\" aria-describedby=\"err-message\">'"
req POST "/responses/$A/requests?token=$A_TOKEN" -b "$P" --data-urlencode "csrf=$PC" --data kind=rename --data-urlencode "message=x"
check "an unknown kind: 422, the error beside the choice" sh -c "[ $STATUS = 422 ] && grep -q 'id=\"err-kind\"' '$TMP/b'"
check "none stored" same "$(requests_of "$A")" 0
req POST "/responses/$A/requests?token=$A_TOKEN" -b "$P" --data-urlencode "csrf=$PC" --data kind=correction \
	--data-urlencode "message=My name is Ada Corrected, and answer 1 should read: Corrected answer."
check "a correction request: 200" status_is 200
check "... the page says it is sent" body_has "Your request is sent to the secretariat."
check "... it is shown as waiting" body_has "Waiting for the secretariat."
check "... one open request stored" same "$(db "SELECT kind || ' ' || state FROM response_requests WHERE response_id = $(rid "$A")")" "correction open"
check "... audited as request_file" same "$(audits request_file "$A")" 1
req POST "/responses/$A/requests?token=$A_TOKEN" -b "$P" --data-urlencode "csrf=$PC" --data kind=erasure
check "a second request while one is open: 409" status_is 409
check "... not stored" same "$(requests_of "$A")" 1
req GET "$MA"
check "the manage page shows the request waiting, and no link to ask again" \
	sh -c "grep -q 'Waiting for the secretariat.' '$TMP/b' && ! grep -q 'href=\"/responses/$A/requests' '$TMP/b'"
NA=$(db "SELECT id FROM response_requests WHERE response_id = $(rid "$A")")

# ---- The secretariat's requests pages ----------------------------------------------------------
req GET /admin/requests
check "anonymous GET /admin/requests: 302 to /login" sh -c "[ $STATUS = 302 ] && [ '$(header Location)' = /login ]"
req GET /admin/requests -b "$S"
check "stakeholder GET /admin/requests: 403" status_is 403
req GET /admin/requests/$NA -b "$S"
check "stakeholder GET /admin/requests/N: 403" status_is 403
req POST /admin/requests/$NA/correct -b "$S" --data-urlencode "csrf=$SC" --data-urlencode "name=Hacked"
check "stakeholder POST correct (with its csrf): 403" status_is 403
req GET /admin/requests -b "$J"
check "the secretariat's list: 200" status_is 200
check "... lists the open request" body_has "href=\"/admin/requests/$NA\""
req GET /admin/requests/$NA -b "$J"
check "the request page: 200" status_is 200
check "... shows the respondent's message" body_has "My name is Ada Corrected, and answer 1 should read: Corrected answer."
check "... and a correction form" body_has "action=\"/admin/requests/$NA/correct\""
req POST /admin/requests/$NA/correct -b "$J" --data-urlencode "name=Ada Corrected"
check "correct without the CSRF token: 403" status_is 403
req POST /admin/requests/$NA/correct -b "$J" --data-urlencode "csrf=$CSRF"
check "a correction that changes nothing: 422" sh -c "[ $STATUS = 422 ] && grep -q 'This correction changes nothing' '$TMP/b'"
req POST /admin/requests/$NA/correct -b "$J" --data-urlencode "csrf=$CSRF" --data-urlencode "email=not-an-email"
check "a correction with a bad email: 422, the error beside the email" sh -c "[ $STATUS = 422 ] && grep -q 'id=\"err-email\"' '$TMP/b'"
req POST /admin/requests/$NA/erase -b "$J" --data-urlencode "csrf=$CSRF" --data confirm=1
check "erasing for a correction request: 409" status_is 409
check "none of these changed A" same "$(db "SELECT current_version FROM responses WHERE public_id = '$A'")" 1
req POST /admin/requests/$NA/correct -b "$J" --data-urlencode "csrf=$CSRF" --data-urlencode "name=Ada Corrected" \
	--data-urlencode "answer_1=Corrected answer."
check "the correction carried out: 303 to the request" sh -c "[ $STATUS = 303 ] && [ '$(header Location)' = /admin/requests/$NA ]"
check "a new version 2, marked corrected" same "$(db "SELECT current_version || ' ' || (SELECT corrected FROM response_versions WHERE response_id = r.id AND version = 2) FROM responses r WHERE public_id = '$A'")" "2 1"
check "the old version is kept, privately" same "$(db "SELECT body FROM response_answers WHERE response_id = $(rid "$A") AND version = 1")" "Original answer by Ada."
check "a corrected moderation event" same "$(db "SELECT COUNT(*) FROM moderation_events WHERE response_id = $(rid "$A") AND kind = 'corrected' AND version = 2")" 1
check "audited as correction, by the secretariat" same "$(db "SELECT COUNT(*) FROM audit_log WHERE action = 'correction' AND object = 'response/$A' AND account_id = $SEC_ID")" 1
check "the audit row names the fields, not the values" same "$(db "SELECT detail FROM audit_log WHERE action = 'correction'")" "request $NA: version 2 changes name answer 1"
check "the request is done" same "$(db "SELECT state FROM response_requests WHERE id = $NA")" done
req GET /responses/$A
check "public page: the corrected name and answer" sh -c "grep -q 'Ada Corrected' '$TMP/b' && grep -q 'Corrected answer.' '$TMP/b'"
check "public page: marked corrected at the respondent's request" body_has "Corrected at the respondent&#39;s request on <time"
check "public page: the old text is not public" sh -c "! grep -q 'Ada Mistake' '$TMP/b' && ! grep -q 'Original answer by Ada' '$TMP/b'"
req GET /api/v1/responses/$A
check "API: corrected, the new text, not the old" sh -c "[ \"\$(python3 -c \"import json; j=json.load(open('$TMP/b')); print(j['corrected'], j['answers'][0]['text'], j['respondent']['name'])\")\" = 'True Corrected answer. Ada Corrected' ] && ! grep -q 'Mistake' '$TMP/b'"
req GET "$MA"
check "the manage page says it is carried out" body_has "Carried out: your response is corrected."
req POST /admin/requests/$NA/correct -b "$J" --data-urlencode "csrf=$CSRF" --data-urlencode "name=Ada Again"
check "a request carried out is closed: 409" status_is 409

# ---- Declining ---------------------------------------------------------------------------------
MB=/responses/$B/manage?token=$B_TOKEN
req POST "/responses/$B/requests?token=$B_TOKEN" -b "$P" --data-urlencode "csrf=$PC" --data kind=erasure
check "an erasure request (no message needed): 200" status_is 200
NB=$(db "SELECT id FROM response_requests WHERE response_id = $(rid "$B")")
req GET /admin/requests/$NB -b "$J"
check "an erasure request's page: an erase form and a decline form" \
	sh -c "grep -q 'action=\"/admin/requests/$NB/erase\"' '$TMP/b' && grep -q 'action=\"/admin/requests/$NB/decline\"' '$TMP/b'"
req POST /admin/requests/$NB/decline -b "$J" --data-urlencode "csrf=$CSRF" --data-urlencode "reason=  "
check "a decline without a reason: 422 beside the reason" sh -c "[ $STATUS = 422 ] && grep -q 'id=\"err-reason\"' '$TMP/b'"
check "... still open" same "$(db "SELECT state FROM response_requests WHERE id = $NB")" open
req POST /admin/requests/$NB/decline -b "$J" --data-urlencode "csrf=$CSRF" --data-urlencode "reason=We need a <b>signed</b> letter."
check "declined: 303" status_is 303
check "... stored with its reason" same "$(db "SELECT state || ': ' || decline_reason FROM response_requests WHERE id = $NB")" "declined: We need a <b>signed</b> letter."
check "... audited as request_decline" same "$(audits request_decline "$B")" 1
check "... B untouched" same "$(db "SELECT status || ' ' || current_version FROM responses WHERE public_id = '$B'")" "published 1"
req GET "$MB"
check "the respondent sees the reason, escaped" body_has "Declined by the secretariat: We need a &lt;b&gt;signed&lt;/b&gt; letter."
check "... and may ask again" body_has "href=\"/responses/$B/requests?token=$B_TOKEN\""

# ---- Erasure -----------------------------------------------------------------------------------
req POST "/responses/$E/requests?token=$E_TOKEN" -b "$P" --data-urlencode "csrf=$PC" --data kind=erasure \
	--data-urlencode "message=Please erase everything about Eve Erase."
check "E asks for erasure: 200" status_is 200
NE=$(db "SELECT id FROM response_requests WHERE response_id = $(rid "$E")")
req POST /admin/requests/$NE/erase -b "$J" --data-urlencode "csrf=$CSRF"
check "erase without confirming: 422 beside the box" sh -c "[ $STATUS = 422 ] && grep -q 'id=\"err-confirm\"' '$TMP/b'"
check "... nothing erased" same "$(db "SELECT status FROM responses WHERE public_id = '$E'")" published
req POST /admin/requests/$NE/correct -b "$J" --data-urlencode "csrf=$CSRF" --data-urlencode "name=X Y"
check "correcting for an erasure request: 409" status_is 409
count_before=$(curl -s "$BASE/api/v1/consultations/$ROUND" | python3 -c 'import json,sys; print(json.load(sys.stdin)["counts"]["responses"])')
req POST /admin/requests/$NE/erase -b "$J" --data-urlencode "csrf=$CSRF" --data confirm=1
check "the erasure carried out: 303" status_is 303
ERASED_DAY=$(day "$(db "SELECT updated_at FROM responses WHERE public_id = '$E'")")
EID=$(rid "$E")
check "state erased" same "$(db "SELECT status FROM responses WHERE id = $EID")" erased
check "every version emptied: name, organization, job title, email, country, summary" \
	same "$(db "SELECT COUNT(*) FROM response_versions WHERE response_id = $EID AND (name <> '' OR organization <> '' OR job_title <> '' OR email <> '' OR country <> '' OR summary <> '')")" 0
check "no answers left" same "$(db "SELECT COUNT(*) FROM response_answers WHERE response_id = $EID")" 0
check "no attachments left" same "$(db "SELECT COUNT(*) FROM response_attachments WHERE response_id = $EID")" 0
check "no blob reference left" same "$(db "SELECT COUNT(*) FROM blob_refs WHERE thing = 'response' AND thing_id = $EID")" 0
check "the request's message is emptied too" same "$(db "SELECT message FROM response_requests WHERE id = $NE")" ""
check "nowhere in the database: the email or the name" \
	same "$(sql_dump | grep -c -e 'eve.private@example.net' -e 'Eve Erase')" 0
check "the receipt mail's row stays, without the address, the text or the receipt attached" \
	same "$(db "SELECT COUNT(*) FROM outbox WHERE attach_name = 'receipt-$E.json' AND to_addr = '' AND body_text = '' AND attach_data IS NULL")" 1
check "an erased moderation event" same "$(db "SELECT COUNT(*) FROM moderation_events WHERE response_id = $EID AND kind = 'erased'")" 1
check "audited as erasure" same "$(audits erasure "$E")" 1
check "the id stays: the row is there" same "$(db "SELECT COUNT(*) FROM responses WHERE public_id = '$E'")" 1
check "the published count drops by one" \
	same "$(curl -s "$BASE/api/v1/consultations/$ROUND" | python3 -c 'import json,sys; print(json.load(sys.stdin)["counts"]["responses"])')" "$((count_before - 1))"
req GET /responses/$E
check "public page: 200, the stub with its date" sh -c "[ $STATUS = 200 ] && grep -q \"Erased at the respondent&#39;s request,\" '$TMP/b'"
check "... the date of the erasure" body_has "Erased at the respondent&#39;s request, <time datetime=\"$ERASED_DAY"
check "... no name, summary, answer or attachment" sh -c "! grep -q -e 'Eve' -e 'Summary by' -e 'Original answer' -e 'erase-me' '$TMP/b'"
req GET /api/v1/responses/$E
check "API: status erased, erased_at, no content" \
	same "$(json 'j["status"], "erased_at" in j, "respondent" in j, "summary" in j, "answers" in j')" "erased True False False False"
req GET /api/v1/consultations/$ROUND/responses
check "API list: the stub is listed" same "$(json "[i['display_name'] for i in j['items'] if i['id'] == '$E']")" "[\"Erased at the respondent's request, $ERASED_DAY\"]"
req GET /consultations/$ROUND
check "the consultation page lists the stub" body_has "Erased at the respondent&#39;s request, $ERASED_DAY"
req GET /responses/$E/attachments/1
check "the attachment is gone: 404" status_is 404
req GET "/responses/$E/manage?token=$E_TOKEN" -b "$P"
check "manage page of an erased response: 200, says it is erased" sh -c "[ $STATUS = 200 ] && grep -q 'This response was erased at your request on' '$TMP/b'"
check "... no revise form, no way to a new request" sh -c "! grep -q 'class=\"respond\"' '$TMP/b' && ! grep -q '/responses/$E/requests' '$TMP/b'"
req POST "/responses/$E/manage?token=$E_TOKEN" -b "$P" --form-string "csrf=$PC" --form-string "name=Eve Back" \
	--form-string organization=O --form-string job_title=J --form-string country=FR --form-string stakeholder_type=academia \
	--form-string email=e@example.org --form-string publish_as=name --form-string summary=S
check "revise through the manage link: 410, saying why" sh -c "[ $STATUS = 410 ] && grep -q 'erased at your request: it cannot be revised' '$TMP/b'"
req POST "/api/v1/responses/$E/revise" -H "X-Manage-Token: $E_TOKEN" -H 'Content-Type: application/json' --data-binary @"$TMP/r.json"
check "API revise: 410" status_is 410
req POST "/api/v1/responses/$E/withdraw" -H "X-Manage-Token: $E_TOKEN"
check "API withdraw: 410" status_is 410
check "still nothing of Eve stored" same "$(db "SELECT COUNT(*) FROM response_versions WHERE response_id = $EID AND name <> ''")" 0
req POST "/responses/$E/requests?token=$E_TOKEN" -b "$P" --data-urlencode "csrf=$PC" --data kind=erasure
check "no request on an erased response: 409" status_is 409

# ---- The sweep reclaims the erased attachment --------------------------------------------------
sweeps() { db "SELECT COUNT(*) FROM jobs WHERE kind = 'blob_sweep' AND state = 'done'"; }
wait_sweeps() { for _ in $(seq 1 100); do [ "$(sweeps)" -ge "$1" ] && return 0; sleep 0.1; done; echo "# $(sweeps) sweeps done"; return 1; }
wait_sweeps 1
echo "+$((2 * 86400))" >"$CLOCK"
check "the sweep runs once the clock moved" wait_sweeps 2
check "the erased attachment's blob is swept" test ! -f "$DATA/blobs/${E_BLOB:0:2}/$E_BLOB"
check "the entered letter's attachment stays" test -f "$DATA/blobs/${ENTERED_BLOB:0:2}/$ENTERED_BLOB"

# ---- After the close: only a letter received by then -------------------------------------------
req POST /api/v1/consultations/$LATE/close -H "$AUTH"
check "close $LATE: 200" status_is 200
echo "+$((4 * 86400))" >"$CLOCK"	# two days after the close
sleep 0.2
login "$J" "$SEC" "$PW"
CLOSED_AT=$(db "SELECT closes_at FROM consultations WHERE slug = '$LATE'")
CLOSE_DAY=$(day "$CLOSED_AT")
AFTER_DAY=$(day "$((CLOSED_AT + 86400))")
NEW_PATH=/admin/consultations/$LATE/responses/new
CSRF=$(page_csrf "$J" $NEW_PATH)
before=$(db "SELECT COUNT(*) FROM responses")
enter --form-string channel=email --form-string "received_on=$AFTER_DAY"
check "closed, received the day after the close: 409" status_is 409
check "... the error beside the date, naming the close" sh -c "grep -q 'id=\"err-received_on\">The consultation closed on $CLOSE_DAY' '$TMP/b'"
check "... nothing stored" same "$(db "SELECT COUNT(*) FROM responses")" "$before"
enter --form-string channel=email --form-string "received_on=$CLOSE_DAY"
check "closed, received on the closing day: 201" status_is 201
LATE_ID=$(grep -o 'href="/responses/[a-z0-9]*"' "$TMP/b" | head -1 | cut -d/ -f3 | tr -d '"')
req GET /api/v1/responses/$LATE_ID
check "API: by email, received on the closing day" same "$(json 'j["channel"], j["received_at"]')" "email ${CLOSE_DAY}T00:00:00Z"
req GET /responses/$LATE_ID
check "public page: received by email and entered by the secretariat" body_has "Received by email on"
check "audited: two entries in all" same "$(db "SELECT COUNT(*) FROM audit_log WHERE action = 'response_enter'")" 2
req GET /admin/consultations/no-such-round/responses/new -b "$J"
check "an unknown consultation: 404" status_is 404
req GET /admin/requests/999999 -b "$J"
check "an unknown request: 404" status_is 404
# The public log (issue 7): every decision above is an entry that agrees with the stored rows.
log_ok() { "$AGORA" log verify --data "$DATA" >"$TMP/logv.out" 2>&1 || { sed 's/^/# /' "$TMP/logv.out" | head -5; return 1; }; }
check "agora log verify: the log agrees with every stored row" log_ok
finish
