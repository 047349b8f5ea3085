#!/bin/bash
# t140_admin_consultations: the secretariat's consultation pages and the audit of every
# consultation change. The list (drafts only to the secretariat), create (original language)
# then translations one language at a time (official or draft: a draft is not public), every
# bad input back next to its field with nothing stored, the questions reordered, removed and
# added before the opening and their numbering frozen after it, open / extend / close (with its
# confirmation) from the pages, CSRF, escaping; and an audit row for each change whatever made
# it: the pages, the JSON API, the CLI and the scheduler on the test clock.
. "$(dirname "$0")/lib.sh"
SEC=secretariat@agora.example
init_data
PW=$(sed -n 's/^Password: //p' "$TMP/init.out")
TOKEN=$("$AGORA" token create --data "$DATA" --email "$SEC")
"$AGORA" user create --data "$DATA" --email stake@example.org --name "Stake Holder" --role stakeholder >"$TMP/user.out" 2>&1
PW2=$(sed -n 's/^Password: //p' "$TMP/user.out")
AUTH="Authorization: Bearer $TOKEN"
t() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }
OPENS=$(t '+1 hour'); CLOSES=$(t '+30 days')

# Two rounds made with the CLI before the server starts: a draft, and one the scheduler opens.
printf '{"slug":"cli-draft","original_language":"fr","opens_at":"%s","closes_at":"%s","texts":{"fr":{"title":"Brouillon CLI"}},"questions":[{"number":1,"text":{"fr":"Q?"}}]}' \
	"$OPENS" "$CLOSES" >"$TMP/draft.json"
"$AGORA" consultation create --data "$DATA" --draft "$TMP/draft.json" >/dev/null 2>&1
printf '{"slug":"clocked","original_language":"en","opens_at":"%s","closes_at":"%s","texts":{"en":{"title":"Clocked"}},"questions":[{"number":1,"text":{"en":"Q?"}}]}' \
	"$(t '+2 hours')" "$CLOSES" >"$TMP/clocked.json"
"$AGORA" consultation create --data "$DATA" "$TMP/clocked.json" >/dev/null 2>&1
CLOCK=$TMP/clock
echo "+0" >"$CLOCK"
start_server --submit-rate 0 --page-cache-ms 0 --test-clock-file "$CLOCK" --scheduler-tick-ms 50

same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
db() { sql "$1"; }
csrf_in() { grep -o 'name="csrf" value="[^"]*"' "$1" | head -1 | cut -d'"' -f4; }
login() {
	local jar=$1 email=$2 pw=$3
	curl -s -b "$jar" -c "$jar" -o "$TMP/login.html" "$BASE/login"
	req POST /login -b "$jar" -c "$jar" --data-urlencode "email=$email" --data-urlencode "password=$pw" \
		--data-urlencode "csrf=$(csrf_in "$TMP/login.html")"
}
clock_to() {
	echo "+$1" >"$CLOCK"
	for _ in $(seq 1 100); do
		[ "$(curl -s "$BASE/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["uptime_s"] >= '"$1"')')" = True ] && return 0
		sleep 0.05
	done
	return 1
}
J=$TMP/sec.jar
login "$J" "$SEC" "$PW"
check "the secretariat logs in: 303" status_is 303
CSRF=$(curl -s -b "$J" -c "$J" "$BASE/admin/consultations" | grep -o 'name="csrf" value="[^"]*"' | head -1 | cut -d'"' -f4)
# post PATH [--data-urlencode ...]: a form of the secretariat's session, with its CSRF token
post() { p=$1; shift; req POST "$p" -b "$J" -c "$J" --data-urlencode "csrf=$CSRF" "$@"; }
SEC_ID=$(db "SELECT id FROM accounts WHERE email = '$SEC'")
ncons() { db "SELECT COUNT(*) FROM consultations"; }
naudit() { db "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'consultation_%'"; }
audit_of() { db "SELECT COALESCE(CAST(account_id AS TEXT), '-') || ' ' || address || ' ' || detail FROM audit_log WHERE action = '$1' AND object = 'consultation/$2' ORDER BY id DESC LIMIT 1"; }
# err KEY: the error shown next to field KEY, and the field points at it
err() { grep -q "aria-describedby=\"err-$1\"" "$TMP/b" && grep -o "<p class=\"error\" role=\"alert\" id=\"err-$1\">[^<]*</p>" "$TMP/b" | sed 's/<[^>]*>//g'; }
api() { curl -s "$BASE/api/v1/consultations/$1" | python3 -c "import json,sys; j=json.load(sys.stdin); print($2)"; }

# ---- who may see the list ----------------------------------------------------------------------
req GET /admin/consultations
{ [ "$STATUS" = 302 ] && header Location | grep -q '^/login'; }; check "anonymous: 302 to the login" [ $? = 0 ]
login "$TMP/stake.jar" stake@example.org "$PW2"
req GET /admin/consultations -b "$TMP/stake.jar"
check "a stakeholder's session: 403" status_is 403
req GET /admin/consultations -b "$J"
check "the secretariat: 200" status_is 200
{ body_has 'id="c-cli-draft"' && body_has 'state-draft'; }; check "the list shows the CLI's draft with its state" [ $? = 0 ]
check "and the demo's rounds" body_has 'id="c-multilingual-internet"'
check "the translation column says which languages are missing" \
	grep -q '<li class="t-missing">zh <span>missing</span></li>' "$TMP/b"
req GET /consultations
check "the draft is not on the public list" body_lacks 'Brouillon CLI'
req GET /api/v1/consultations/cli-draft
check "the audit: the CLI's create, no account, from cli" same "$(audit_of consultation_create cli-draft)" "- cli draft; languages fr; 1 questions"

# ---- create: bad input comes back next to its field, nothing stored ----------------------------
N0=$(ncons); A0=$(naudit)
base=(--data-urlencode "opens_at=$OPENS" --data-urlencode "closes_at=$CLOSES" --data-urlencode original_language=en
      --data-urlencode moderation=post --data-urlencode "title=Six languages" --data-urlencode "q1=First?")
post /admin/consultations/new --data-urlencode "slug=Bad Slug!" "${base[@]}"
check "a bad slug: 422" status_is 422
check "its error is next to the slug field" same "$(err slug)" "Use 1 to 64 of a-z, 0-9 and -, not starting or ending with -."
check "the form keeps what was typed" body_has 'value="Six languages"'
post /admin/consultations/new --data-urlencode slug=ott "${base[@]}"
check "a slug in use: 422" status_is 422
check "its error is next to the slug field" same "$(err slug)" "A consultation has this address already."
post /admin/consultations/new --data-urlencode slug=backwards --data-urlencode "opens_at=$OPENS" --data-urlencode "closes_at=$(t '-1 day')" \
	--data-urlencode original_language=en --data-urlencode moderation=post --data-urlencode "title=T" --data-urlencode "q1=Q?"
check "closing before opening: 422" status_is 422
check "its error is next to the closing time" same "$(err closes_at)" "It must close after it opens."
post /admin/consultations/new --data-urlencode slug=untitled --data-urlencode "opens_at=$OPENS" --data-urlencode "closes_at=$CLOSES" \
	--data-urlencode original_language=en --data-urlencode moderation=post --data-urlencode "q1=First?"
check "no title in the original language: 422" status_is 422
check "its error is next to the title" same "$(err title)" "This is required."
LONG=$(python3 -c 'print("x" * 301)')
post /admin/consultations/new --data-urlencode slug=long --data-urlencode "opens_at=$OPENS" --data-urlencode "closes_at=$CLOSES" \
	--data-urlencode original_language=en --data-urlencode moderation=post --data-urlencode "title=$LONG" --data-urlencode "q1=First?"
check "a title of 301 characters: 422" status_is 422
check "its error is next to the title" same "$(err title)" "This is longer than 300 characters."
post /admin/consultations/new --data-urlencode slug=noq --data-urlencode "opens_at=tomorrow" --data-urlencode "closes_at=$CLOSES" \
	--data-urlencode original_language=en --data-urlencode moderation=post --data-urlencode "title=T"
{ [ "$(err q1)" = "Give at least one question." ] && err opens_at | grep -q 2027-01-31T12:00:00Z; }
check "no question and a bad time: both errors at once" [ $? = 0 ]
check "nothing was stored" same "$(ncons)" "$N0"
check "nothing was audited" same "$(naudit)" "$A0"

# ---- create with six languages and 3 questions --------------------------------------------------
post /admin/consultations/new --data-urlencode slug=six-lang --data-urlencode "opens_at=$OPENS" --data-urlencode "closes_at=$CLOSES" \
	--data-urlencode original_language=en --data-urlencode moderation=pre --data-urlencode publish=1 \
	--data-urlencode "title=Six languages" --data-urlencode "topic=A topic" --data-urlencode "description=**Bold** text" \
	--data-urlencode "q1=First?" --data-urlencode "q2=Second?" --data-urlencode "q3=Third?"
{ [ "$STATUS" = 303 ] && same "$(header Location)" /admin/consultations/six-lang/edit; }; check "create: 303 to its edit page" [ $? = 0 ]
check "create audited with the account and the address" same "$(audit_of consultation_create six-lang)" \
	"$SEC_ID 127.0.0.1 scheduled; languages en; 3 questions"
for l in fr es ru ar zh; do
	st=official; [ $l = zh ] && st=draft
	post /admin/consultations/six-lang/edit --data-urlencode part=$l --data-urlencode status=$st \
		--data-urlencode "title=Title $l" --data-urlencode "description=Desc $l" \
		--data-urlencode "q1=Q1 $l" --data-urlencode "q2=Q2 $l" --data-urlencode "q3=Q3 $l"
	check "the $l texts saved ($st): 303" [ "$STATUS" = 303 ]
done
check "the API: scheduled, 3 questions" same "$(api six-lang 'j["state"], len(j["questions"])')" "scheduled 3"
check "the API: every official language's title" same "$(api six-lang '" ".join(sorted(j["texts"]))')" "ar en es fr ru"
check "the API: question 2 in Russian" same "$(api six-lang 'j["questions"][1]["texts"]["ru"]')" "Q2 ru"
check "the draft (zh) is not public" same "$(api six-lang '"zh" in j["questions"][0]["texts"]')" False
check "each language's save audited, with what changed" same "$(audit_of consultation_edit six-lang | cut -d' ' -f1-)" \
	"$SEC_ID 127.0.0.1 zh: title, description, question 1, question 2, question 3, status draft"
check "five edit rows" same "$(db "SELECT COUNT(*) FROM audit_log WHERE action = 'consultation_edit' AND object = 'consultation/six-lang'")" 5
req GET /admin/consultations -b "$J"
check "the list: zh is a draft, fr complete" grep -q '<li class="t-draft">zh <span>draft</span></li><li class="t-complete">en <span class="original">' "$TMP/b"
check "the list counts responses" body_has '0 awaiting moderation'

# ---- edit texts and status ----------------------------------------------------------------------
post /admin/consultations/six-lang/edit --data-urlencode part=fr --data-urlencode status=draft \
	--data-urlencode "title=Titre fr" --data-urlencode "description=Desc fr" \
	--data-urlencode "q1=Q1 fr" --data-urlencode "q2=Q2 fr" --data-urlencode "q3=Q3 fr"
check "fr made a draft with a new title: 303" [ "$STATUS" = 303 ]
check "the audit says what changed" same "$(audit_of consultation_edit six-lang)" "$SEC_ID 127.0.0.1 fr: title, status official -> draft"
check "fr is no longer public" same "$(api six-lang '"fr" in j["texts"]')" False
post /admin/consultations/six-lang/edit --data-urlencode part=fr --data-urlencode status=official \
	--data-urlencode "title=Titre fr" --data-urlencode "description=Desc fr" \
	--data-urlencode "q1=Q1 fr" --data-urlencode "q2=Q2 fr" --data-urlencode "q3=Q3 fr"
check "fr official again: public again" same "$(api six-lang 'j["texts"]["fr"]["title"]')" "Titre fr"
A1=$(naudit)
post /admin/consultations/six-lang/edit --data-urlencode part=en --data-urlencode "title=" \
	--data-urlencode "q1=First?" --data-urlencode "q2=" --data-urlencode "q3=Third?"
check "the original's title and a question emptied: 422" status_is 422
check "the title's error is in the English form" same "$(err en-title)" "This is required."
check "and question 2's" same "$(err en-q2)" "This is required."
post /admin/consultations/six-lang/edit --data-urlencode part=es --data-urlencode status=official --data-urlencode "title=$LONG"
{ [ "$STATUS" = 422 ] && same "$(err es-title)" "This is longer than 300 characters."; }; check "a Spanish title too long: 422, next to it" [ $? = 0 ]
post /admin/consultations/six-lang/edit --data-urlencode part=de --data-urlencode "title=x"
check "a language that is not one of the six: 422" status_is 422
check "nothing stored, nothing audited" same "$(api six-lang 'j["texts"]["en"]["title"], j["texts"]["es"]["title"]')|$(naudit)" "Six languages Title es|$A1"

# ---- questions before the opening: reorder, add, remove ------------------------------------------
gen=(--data-urlencode part=general --data-urlencode "opens_at=$OPENS" --data-urlencode "closes_at=$CLOSES"
     --data-urlencode original_language=en --data-urlencode moderation=pre)
post /admin/consultations/six-lang/edit "${gen[@]}" --data-urlencode pos1=2 --data-urlencode pos2=1 --data-urlencode pos3=3 \
	--data-urlencode "new_question=Fourth?"
check "reorder and add: 303" [ "$STATUS" = 303 ]
check "question 1 is the old 2nd, with its translations" same "$(api six-lang 'j["questions"][0]["texts"]["en"], j["questions"][0]["texts"]["fr"], len(j["questions"])')" "Second? Q2 fr 4"
check "question 4 is the new one" same "$(api six-lang 'j["questions"][3]["texts"]["en"]')" "Fourth?"
check "audited" same "$(audit_of consultation_edit six-lang)" "$SEC_ID 127.0.0.1 questions 2,1,3 of 3, question 4 added"
post /admin/consultations/six-lang/edit "${gen[@]}" --data-urlencode pos1=1 --data-urlencode pos2=2 --data-urlencode pos3=3 \
	--data-urlencode pos4=4 --data-urlencode remove4=1
check "remove the 4th: 3 again" same "$(api six-lang 'len(j["questions"])')" 3
post /admin/consultations/six-lang/edit "${gen[@]}" --data-urlencode pos1=x
{ [ "$STATUS" = 422 ] && same "$(err pos1)" "Give a position from 1 to 99."; }; check "a bad position: 422 next to it" [ $? = 0 ]
post /admin/consultations/cli-draft/edit --data-urlencode part=general --data-urlencode "opens_at=$OPENS" \
	--data-urlencode "closes_at=$CLOSES" --data-urlencode original_language=en --data-urlencode moderation=post --data-urlencode pos1=1
{ [ "$STATUS" = 422 ] && same "$(err original_language)" "there is no title in en: translate it first"; }; check "an original language with no title in it: 422 next to it" [ $? = 0 ]

# ---- open, numbering frozen, extend, close --------------------------------------------------------
post /admin/consultations/six-lang/open --data-urlencode at=garbage
{ [ "$STATUS" = 422 ] && err at | grep -q 2027-01-31; }; check "open with a bad time: 422 next to it" [ $? = 0 ]
post /admin/consultations/six-lang/open --data-urlencode at=
check "open now: 303" status_is 303
check "it is open" same "$(api six-lang 'j["state"]')" open
check "the opening audited once, by the secretariat" same \
	"$(db "SELECT COUNT(*) || ' ' || MAX(COALESCE(CAST(account_id AS TEXT), '-')) FROM audit_log WHERE action = 'consultation_open' AND object = 'consultation/six-lang'")" "1 $SEC_ID"
req GET /admin/consultations/six-lang/edit -b "$J"
check "the edit page says the numbering is frozen" body_has "the numbering of its questions is frozen"
check "and offers no position field" body_lacks 'name="pos1"'
A2=$(naudit)
post /admin/consultations/six-lang/edit "${gen[@]}" --data-urlencode pos1=2 --data-urlencode pos2=1
check "reordering once open: 409" status_is 409
check "nothing changed" same "$(api six-lang 'j["questions"][0]["texts"]["en"]')|$(naudit)" "Second?|$A2"
post /admin/consultations/six-lang/edit --data-urlencode part=en --data-urlencode "title=Six languages" \
	--data-urlencode "q1=Second, reworded?" --data-urlencode "q2=First?" --data-urlencode "q3=Third?"
check "a question's text once open: 303" status_is 303
check "changed" same "$(api six-lang 'j["questions"][0]["texts"]["en"]')" "Second, reworded?"
post /admin/consultations/six-lang/extend --data-urlencode until=
{ [ "$STATUS" = 422 ] && same "$(err until)" "Give the new closing time."; }; check "extend without a time: 422 next to it" [ $? = 0 ]
post /admin/consultations/six-lang/extend --data-urlencode "until=$(t '+1 day')"
{ [ "$STATUS" = 422 ] && err until | grep -q 'must be later than the current closing time'; }; check "extend to an earlier time: 422 next to it" [ $? = 0 ]
NEW=$(t '+60 days')
post /admin/consultations/six-lang/extend --data-urlencode "until=$NEW"
check "extend: 303" status_is 303
check "the new closing time" same "$(api six-lang 'j["closes_at"]')" "$NEW"
check "audited" same "$(audit_of consultation_extend six-lang)" "$SEC_ID 127.0.0.1 closes at $NEW (was $CLOSES)"
post /admin/consultations/six-lang/close
{ [ "$STATUS" = 200 ] && body_has 'name="confirm" value="yes"' && body_has "Closing is final"; }; check "close without confirming: the confirmation page" [ $? = 0 ]
check "still open" same "$(api six-lang 'j["state"]')" open
req POST /admin/consultations/six-lang/close -b "$J" --data-urlencode confirm=yes
check "close without the CSRF token: 403" status_is 403
check "still open" same "$(api six-lang 'j["state"]')" open
post /admin/consultations/six-lang/close --data-urlencode confirm=yes
check "close, confirmed: 303" status_is 303
check "closed" same "$(api six-lang 'j["state"]')" closed
check "audited once, by the secretariat" same "$(db "SELECT COUNT(*) || ' ' || MAX(account_id) FROM audit_log WHERE action = 'consultation_close' AND object = 'consultation/six-lang'")" "1 $SEC_ID"
post /admin/consultations/six-lang/close --data-urlencode confirm=yes
check "closing a closed one: 409" status_is 409

# ---- CSRF ---------------------------------------------------------------------------------------
N1=$(ncons)
req POST /admin/consultations/new -b "$J" --data-urlencode slug=no-csrf "${base[@]}"
check "create without the CSRF token: 403" status_is 403
check "nothing created" same "$(ncons)" "$N1"
req POST /admin/consultations/new --data-urlencode slug=no-session "${base[@]}"
check "create without a session: 403" status_is 403
req POST /admin/consultations/cli-draft/open -b "$TMP/stake.jar" --data-urlencode "csrf=$(csrf_in "$TMP/login.html")"
check "open by a stakeholder: 403" status_is 403
check "the draft is still a draft" same "$(db "SELECT state FROM consultations WHERE slug = 'cli-draft'")" draft

# ---- escaping -----------------------------------------------------------------------------------
XSS='<script>alert(1)</script>"><img src=x onerror=alert(2)>'
post /admin/consultations/new --data-urlencode slug=xss --data-urlencode "opens_at=$OPENS" --data-urlencode "closes_at=$CLOSES" \
	--data-urlencode original_language=en --data-urlencode moderation=post --data-urlencode "title=$XSS" --data-urlencode "q1=$XSS"
check "a title with markup is stored: 303" status_is 303
req GET /admin/consultations -b "$J"
{ body_has '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img' && body_lacks '<script>alert(1)' && body_lacks '<img src=x'; }; check "the list escapes it" [ $? = 0 ]
req GET /admin/consultations/xss/edit -b "$J"
{ body_has '&lt;script&gt;alert(1)' && body_lacks '<script>alert(1)' && body_lacks '<img src=x'; }; check "the edit page escapes it" [ $? = 0 ]
req GET /admin/audit?action=consultation_create -b "$J"
{ body_has 'consultation/xss' && body_has 'consultation/six-lang'; }; check "the audit page lists the creations" [ $? = 0 ]
# ---- the JSON API and the scheduler are audited too ----------------------------------------------
req POST /api/v1/consultations/cli-draft/extend -H "$AUTH" -H 'Content-Type: application/json' --data-binary "{\"until\":\"$NEW\"}"
check "an extension through the API: 200" status_is 200
check "audited with the token's account" same "$(audit_of consultation_extend cli-draft)" "$SEC_ID 127.0.0.1 closes at $NEW (was $CLOSES)"
check "before its time, clocked is scheduled" same "$(api clocked 'j["state"]')" scheduled
clock_to 7300
for _ in $(seq 1 100); do [ "$(api clocked 'j["state"]')" = open ] && break; sleep 0.05; done
check "past its opening time the scheduler opens it" same "$(api clocked 'j["state"]')" open
check "audited as the scheduler, no account" same "$(audit_of consultation_open clocked | cut -d' ' -f1-3)" "- scheduler opened"

finish
