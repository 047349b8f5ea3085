#!/bin/bash
# t110_moderation: the secretariat's moderation of a pre-moderated round: a pending response is
# not public; publish, withhold (the reason in place of the content) and redact (the public sees
# the new text, the original stays in the store), each with a moderation event and an audit row;
# the count of published responses in step; /admin closed to anonymous and other accounts, and
# to a POST without its CSRF token; the email only on the secretariat's page; the audit log
# filtered by action; the moderation API with a bearer token.
. "$(dirname "$0")/lib.sh"
SEC=secretariat@agora.example
ROUND=pre-round
EMAIL=private-mail-91c2@example.net
init_data
PW=$(sed -n 's/^Password: //p' "$TMP/init.out")
TOKEN=$("$AGORA" token create --data "$DATA" --email "$SEC")
"$AGORA" user create --data "$DATA" --email stake@example.org --name "Stake Holder" --role stakeholder >"$TMP/user.out" 2>&1
PW2=$(sed -n 's/^Password: //p' "$TMP/user.out")
start_server --submit-rate 0 --page-cache-ms 0
AUTH="Authorization: Bearer $TOKEN"

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
count() { curl -s "$BASE/api/v1/consultations/$ROUND" | python3 -c 'import json,sys; print(json.load(sys.stdin)["counts"]["responses"])'; }
listed() { curl -s "$BASE/api/v1/consultations/$ROUND/responses" | python3 -c 'import json,sys; print(" ".join(i["id"] for i in json.load(sys.stdin)["items"]))'; }
stored_count() { db "SELECT published_responses FROM consultations WHERE slug = '$ROUND'"; }
events() { db "SELECT group_concat(kind, ',') FROM (SELECT kind FROM moderation_events WHERE response_id = (SELECT id FROM responses WHERE public_id = '$ID') ORDER BY id) AS x"; }
audits() { db "SELECT COUNT(*) FROM audit_log WHERE action = '$1' AND object = 'response/$ID'"; }
status_of() { db "SELECT status FROM responses WHERE public_id = '$ID'"; }
status_in() { for s in "$@"; do [ "$STATUS" = "$s" ] && return 0; done; echo "# status $STATUS, wanted one of $*"; return 1; }

# ---- A pre-moderated round, open now ----------------------------------------------------------
printf '{"slug":"%s","original_language":"en","opens_at":"2030-01-01T00:00:00Z","closes_at":"2040-01-01T00:00:00Z","moderation":"pre","texts":{"en":{"title":"Pre round","topic":"T","description":"D"}},"questions":[{"number":1,"text":{"en":"Q1?"}},{"number":2,"text":{"en":"Q2?"}}]}' "$ROUND" >"$TMP/spec.json"
req POST /api/v1/consultations -H "$AUTH" -H 'Content-Type: application/json' --data-binary @"$TMP/spec.json"
check "create a pre-moderated round: 201" status_is 201
req POST /api/v1/consultations/$ROUND/open -H "$AUTH"
check "open it now: 200" status_is 200
cat >"$TMP/resp.json" <<JSON
{"respondent":{"name":"Ada Original","organization":"Original Org","job_title":"Director","country":"FR",
 "stakeholder_type":"civil_society","email":"$EMAIL"},"publish_as":"name","language":"en",
 "summary":"Original summary with a private phone 555-0199.",
 "answers":[{"question":1,"text":"Original answer one."}]}
JSON
req POST /api/v1/consultations/$ROUND/responses -H 'Content-Type: application/json' --data-binary @"$TMP/resp.json"
check "submit: 201" status_is 201
ID=$(json 'j["id"]')
check "the response is pending" same "$(status_of)" pending
check "pending: not in the public list" same "$(listed)" ""
check "pending: not counted" same "$(count)" 0
req GET /responses/$ID
check "pending: its public page is 404" status_is 404
req GET /api/v1/responses/$ID
check "pending: the API says 404" status_is 404

# ---- Who may not moderate ---------------------------------------------------------------------
for p in /admin/moderation /admin/responses/$ID /admin/audit; do
	req GET "$p"
	check "anonymous GET $p: 302 to /login" sh -c "[ $STATUS = 302 ] && [ '$(header Location)' = /login ]"
done
for a in publish withhold redact; do
	req POST /admin/responses/$ID/$a --data reason=x
	check "anonymous POST $a: 403" status_is 403
done
S=$TMP/jar.s
login "$S" stake@example.org "$PW2"
check "a stakeholder logs in: 303" status_is 303
req GET / -b "$S"
check "a stakeholder has no Administration link" body_lacks 'href="/admin/'
for p in /admin/moderation /admin/responses/$ID /admin/audit; do
	req GET "$p" -b "$S"
	check "stakeholder GET $p: 403" status_is 403
done
SC=$(page_csrf "$S" /account)
for a in publish withhold redact; do
	req POST /admin/responses/$ID/$a -b "$S" --data-urlencode "csrf=$SC" --data reason=x
	check "stakeholder POST $a (with its csrf): 403" status_is 403
done
req POST /api/v1/responses/$ID/moderation -H 'Content-Type: application/json' --data '{"action":"publish"}'
check "API without a token: 401" status_is 401
check "nothing changed for them" same "$(status_of)/$(events)" "pending/submitted"

# ---- The secretariat logs in and sees the queue ------------------------------------------------
J=$TMP/jar.sec
login "$J" "$SEC" "$PW"
check "the secretariat logs in: 303" status_is 303
req GET / -b "$J"
check "the secretariat has an Administration link" body_has '<a href="/admin/consultations">Administration</a>'
check "... but no section links outside /admin" body_lacks 'class="admin-nav"'
req GET /admin/moderation -b "$J"
check "the queue: 200" status_is 200
check "the admin sections are linked, Moderation the current one" \
	sh -c "grep -q '<nav class=\"admin-nav\"' $TMP/b && grep -q '<a href=\"/admin/moderation\" aria-current=\"page\">Moderation</a>' $TMP/b && grep -q '<a href=\"/admin/audit\">' $TMP/b"
check "the queue lists the pending response" body_has "id=\"r-$ID\" class=\"pending\""
check "the queue names the consultation" body_has "/consultations/$ROUND"
check "the queue shows the display name" body_has "ORIGINAL, Ada - Original Org"
check "the queue has a publish form" body_has "action=\"/admin/responses/$ID/publish\""
check "the queue has a withhold form with a required reason" body_has 'name="reason" type="text" maxlength="1000" required'
check "the queue links to redact" body_has "/admin/responses/$ID#redact"
CSRF=$(csrf_in "$TMP/b")
req GET /admin/responses/$ID -b "$J"
check "the secretariat's page of the response: 200" status_is 200
check "it shows the email" body_has "$EMAIL"
check "it has the redact form" body_has "action=\"/admin/responses/$ID/redact\""

# ---- CSRF: a POST without the token changes nothing -------------------------------------------
req POST /admin/responses/$ID/publish -b "$J"
check "publish without csrf: 403" status_is 403
req POST /admin/responses/$ID/publish -b "$J" --data csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
check "publish with a wrong csrf: 403" status_is 403
check "still pending, no event" same "$(status_of)/$(events)" "pending/submitted"

# ---- Publish ----------------------------------------------------------------------------------
req POST /admin/responses/$ID/publish -b "$J" --data-urlencode "csrf=$CSRF"
check "publish: 303 to the response's admin page" sh -c "[ $STATUS = 303 ] && [ '$(header Location)' = /admin/responses/$ID ]"
check "published: in the public list" same "$(listed)" "$ID"
check "published: counted" same "$(count)/$(stored_count)" "1/1"
req GET /responses/$ID
check "published: the public page shows the content" body_has "Original answer one."
check "the public page never shows the email" body_lacks "$EMAIL"
req GET /consultations/$ROUND
check "the consultation page never shows the email" body_lacks "$EMAIL"
req GET /api/v1/responses/$ID
check "the API never shows the email" body_lacks "$EMAIL"
check "a publish event" same "$(events)" "submitted,published"
check "a publish audit row, with the account and the address" same "$(db "SELECT COUNT(*) FROM audit_log WHERE action = 'response_publish' AND object = 'response/$ID' AND account_id = (SELECT id FROM accounts WHERE email = '$SEC') AND address = '127.0.0.1'")" 1
req POST /admin/responses/$ID/publish -b "$J" --data-urlencode "csrf=$CSRF"
check "publish again: 409" status_is 409
check "the count did not move" same "$(count)" 1

# ---- Withhold ---------------------------------------------------------------------------------
req POST /admin/responses/$ID/withhold -b "$J" --data-urlencode "csrf=$CSRF" --data-urlencode "reason=   "
check "withhold without a reason: 422" status_is 422
check "still published" same "$(status_of)" published
REASON='Defamatory <b>content</b> & more'
req POST /admin/responses/$ID/withhold -b "$J" --data-urlencode "csrf=$CSRF" --data-urlencode "reason=$REASON"
check "withhold: 303" status_is 303
check "withheld: stored" same "$(status_of)" withheld
check "withheld: the count decreases" same "$(count)/$(stored_count)" "0/0"
check "withheld: not in the public list" same "$(listed)" ""
req GET /responses/$ID
check "withheld: the public page says so" body_has "withheld by the secretariat"
check "withheld: the public page shows the reason, escaped" body_has 'Defamatory &lt;b&gt;content&lt;/b&gt; &amp; more'
check "withheld: the public page hides the content" body_lacks "Original answer one."
check "a withheld event with the reason" same "$(db "SELECT reason FROM moderation_events WHERE kind = 'withheld'")" "$REASON"
check "a withhold audit row" same "$(audits response_withhold)" 1
req POST /admin/responses/$ID/withhold -b "$J" --data-urlencode "csrf=$CSRF" --data-urlencode "reason=again"
check "withhold again: 409" status_is 409

# ---- Redact (then publish again to see it) ----------------------------------------------------
req POST /admin/responses/$ID/redact -b "$J" --data-urlencode "csrf=$CSRF" \
	--data-urlencode "summary=Summary with the phone number removed." \
	--data-urlencode "answer_1=[redacted by the secretariat]" --data-urlencode "reason=personal data"
check "redact: 303" status_is 303
check "redact keeps the status" same "$(status_of)" withheld
check "redacted: a new version flagged redacted" same "$(db "SELECT current_version || '/' || (SELECT redacted FROM response_versions v WHERE v.response_id = r.id AND v.version = r.current_version) FROM responses r WHERE public_id = '$ID'")" "2/1"
check "the original stays in the store" same "$(db "SELECT summary FROM response_versions WHERE version = 1 AND redacted = 0 AND response_id = (SELECT id FROM responses WHERE public_id = '$ID')")" "Original summary with a private phone 555-0199."
check "the original answer stays in the store" same "$(db "SELECT body FROM response_answers WHERE version = 1 AND response_id = (SELECT id FROM responses WHERE public_id = '$ID')")" "Original answer one."
check "a redacted event" same "$(events)" "submitted,published,withheld,redacted"
check "a redact audit row" same "$(audits response_redact)" 1
req POST /admin/responses/$ID/redact -b "$J" --data-urlencode "csrf=$CSRF" --data-urlencode "summary=Summary with the phone number removed."
check "a redaction that changes nothing: 422" status_is 422
req POST /admin/responses/$ID/publish -b "$J" --data-urlencode "csrf=$CSRF"
check "publish the withheld response again: 303" status_is 303
check "counted again" same "$(count)/$(stored_count)" "1/1"
req GET /responses/$ID
check "the public page shows the redacted summary" body_has "Summary with the phone number removed."
check "the public page shows the redacted answer" body_has "[redacted by the secretariat]"
check "the public page no longer shows the original" body_lacks "555-0199"
check "nor the original answer" body_lacks "Original answer one."
req GET /api/v1/responses/$ID
check "the API shows the redacted version" sh -c "grep -q 'phone number removed' '$TMP/b' && ! grep -q 555-0199 '$TMP/b'"
req GET /admin/responses/$ID -b "$J"
check "the secretariat's page marks the version redacted" body_has "2 (redacted)"
check "the secretariat's page shows the history" body_has 'class="event-redacted"'

# ---- The moderation API -----------------------------------------------------------------------
req POST /api/v1/responses/$ID/moderation -H "$AUTH" -H 'Content-Type: application/json' --data '{"action":"withhold"}'
check "API withhold without a reason: 422" status_is 422
req POST /api/v1/responses/$ID/moderation -H "$AUTH" -H 'Content-Type: application/json' --data '{"action":"erase"}'
check "API unknown action: 422" status_is 422
req POST /api/v1/responses/$ID/moderation -H "$AUTH" -H 'Content-Type: application/json' --data '{"action":"withhold","reason":"by API"}'
check "API withhold: 200" status_is 200
check "API withhold answers the new status" same "$(json 'j["status"]')" withheld
check "API withhold: not counted" same "$(count)" 0
req POST /api/v1/responses/$ID/moderation -H "$AUTH" -H 'Content-Type: application/json' --data '{"action":"publish"}'
check "API publish: 200, counted" sh -c "[ $STATUS = 200 ] && [ $(count) = 1 ]"
req POST /api/v1/responses/$ID/moderation -H "$AUTH" -H 'Content-Type: application/json' --data '{"action":"redact","name":"A. O.","answers":[{"question":1,"text":"API redacted."}]}'
check "API redact: 200, version 3" sh -c "[ $STATUS = 200 ] && [ \"\$(python3 -c 'import json; print(json.load(open(\"$TMP/b\"))[\"version\"])')\" = 3 ]"
req POST /api/v1/responses/zzzzzzzzzzzz/moderation -H "$AUTH" -H 'Content-Type: application/json' --data '{"action":"publish"}'
check "API: an unknown response: 404" status_is 404

# ---- A withdrawn response cannot be published --------------------------------------------------
req POST /api/v1/consultations/$ROUND/responses -H 'Content-Type: application/json' --data-binary @"$TMP/resp.json"
ID2=$(json 'j["id"]')
MANAGE=$(json 'j["manage_url"]')
req POST "/api/v1/responses/$ID2/withdraw?token=${MANAGE#*token=}"
check "the respondent withdraws a pending response" status_in 200 204
req POST /admin/responses/$ID2/publish -b "$J" --data-urlencode "csrf=$CSRF"
check "publish a withdrawn response: 409" status_is 409
req POST /admin/responses/$ID2/withhold -b "$J" --data-urlencode "csrf=$CSRF" --data reason=x
check "withhold a withdrawn response: 409" status_is 409
check "the count is still 1" same "$(count)/$(stored_count)" "1/1"

# ---- The audit log ----------------------------------------------------------------------------
req GET /admin/audit -b "$J"
check "the audit log: 200" status_is 200
check "it lists the publish decisions" body_has '<td class="action">response_publish</td>'
check "it lists the withhold decisions, the reason escaped" body_has 'Defamatory &lt;b&gt;content&lt;/b&gt;'
check "it lists the redactions" body_has '<td class="action">response_redact</td>'
check "it lists logins" body_has '<td class="action">login</td>'
req GET "/admin/audit?action=response_withhold" -b "$J"
check "filtered by action: only withholds" sh -c "grep -q '>response_withhold<' '$TMP/b' && ! grep -q '>response_publish<' '$TMP/b' && ! grep -q '>login<' '$TMP/b'"
SEC_ID=$(db "SELECT id FROM accounts WHERE email = '$SEC'")
req GET "/admin/audit?account=$SEC_ID&action=login" -b "$J"
check "filtered by account and action" sh -c "[ \$(grep -c '<td class=\"action\">' '$TMP/b') = 1 ]"
req GET "/admin/audit?action=<script>" -b "$J"
check "an action that is not a name: 400" status_is 400
req GET "/admin/audit?account=abc" -b "$J"
check "an account that is not a number: 400" status_is 400

# The public log (issue 7): every decision above is an entry that agrees with the stored rows.
log_ok() { "$AGORA" log verify --data "$DATA" >"$TMP/logv.out" 2>&1 || { sed 's/^/# /' "$TMP/logv.out" | head -5; return 1; }; }
check "agora log verify: the log agrees with every stored row" log_ok
finish
