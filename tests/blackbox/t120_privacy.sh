#!/bin/bash
# t120_privacy: personal data. The respond form's privacy notice (what is published, what is kept,
# for how long under --retention-days, who to ask) and its required consent checkbox (refused
# without it: 422, the error beside the box, the values kept, nothing stored); and the retention
# job: retention-days after a consultation closes, the email of every response and the name and
# job title of anonymous ones are emptied, published content untouched, rounds still open
# untouched, one audit row per consultation, and a second run changes nothing.
. "$(dirname "$0")/lib.sh"
FIX=$(cd "$(dirname "$0")" && pwd)/fixtures
ROUND=multilingual-internet	# the open demo round (closes about 30 days from now)
FORM=/consultations/$ROUND/respond
SUB=/api/v1/consultations/$ROUND/responses
init_data
# A round that stays open long after the demo round closes.
now=$(date -u +%s)
cat >"$TMP/long.json" <<JSON
{"slug": "long-round", "original_language": "en",
 "opens_at": "$(date -u -d "@$((now - 86400))" +%Y-%m-%dT%H:%M:%SZ)", "closes_at": "2099-12-31T00:00:00Z",
 "texts": {"en": {"title": "A long round"}},
 "questions": [{"number": 1, "text": {"en": "What do you think?"}}]}
JSON
"$AGORA" consultation create --data "$DATA" "$TMP/long.json" >"$TMP/create.out" 2>&1
CLOCK=$TMP/clock
echo "+0" >"$CLOCK"
start_server --test-clock-file "$CLOCK" --scheduler-tick-ms 50 --page-cache-ms 0 --submit-rate 0 --retention-days 1
DB=$DATA/agora.db
db() { sql "$1"; }

same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
matches() { [[ $1 =~ $2 ]] || { echo "# '$1' does not match $2"; return 1; }; }
rows() { db "SELECT COUNT(*) FROM responses"; }

# ---- The notice and the consent checkbox ------------------------------------------------------
JAR=$TMP/jar
CSRF=$(curl -s -b "$JAR" -c "$JAR" "$BASE$FORM" | grep -o 'name="csrf" value="[^"]*"' | head -1 | cut -d'"' -f4)
req GET "$FORM"
check "form: 200" status_is 200
check "notice: what is published (name and organization, organization only, or nothing identifying)" \
	body_has "as you choose above, your name and organization, your organization only, or nothing that identifies you; and your country, stakeholder type, summary, answers and attachments."
check "notice: what is kept privately (email; name of anonymous responses)" \
	body_has "your email address and, if you respond anonymously, your name and job title. They are never published."
check "notice: for how long, with --retention-days 1" \
	body_has "are removed 1 day after the consultation closes."
check "notice: who to ask, with the manage link" body_has "the secretariat. To correct or erase your response, write to it with the private manage link"
check "form: a required consent checkbox, not ticked, described by the notice" \
	body_has '<label><input id="f-consent" name="consent" type="checkbox" value="1" required aria-describedby="privacy-notice"> I agree that my response is published as I chose above.</label>'
check "form: the checkbox comes after the notice and before the submit button" \
	sh -c "tr -d '\n' <'$TMP/b' | grep -q 'id=\"privacy-notice\".*id=\"f-consent\".*<button type=\"submit\">'"

# post_form [CURL ARGS...]: a correct respond form (without consent), as the page sends it;
# the email is $F_EMAIL when set
post_form() {
	req POST "$FORM" -b "$JAR" --form-string "csrf=$CSRF" \
		--form-string "name=Jane Doe" --form-string "organization=Example Org" \
		--form-string "job_title=Head of Policy" --form-string "country=FR" \
		--form-string "stakeholder_type=civil_society" --form-string "email=${F_EMAIL:-jane.form@example.net}" \
		--form-string "publish_as=organization" --form-string "language=en" \
		--form-string "summary=Consent matters." "$@"
}
before=$(rows)
post_form
check "without consent: 422" status_is 422
check "422: the form again" body_has '<form class="respond"'
check "422: the only error is the consent one" same "$(grep -o '<p class="error" id="err-[a-z_0-9]*"' "$TMP/b" | cut -d'"' -f4 | xargs)" "err-consent"
check "422: the error is beside the checkbox" \
	sh -c "tr -d '\n' <'$TMP/b' | grep -q '<div class=\"field consent\"><p class=\"error\" id=\"err-consent\">Tick this box[^<]*</p><label><input id=\"f-consent\"'"
check "422: the checkbox points to its error and is marked invalid" \
	body_has 'id="f-consent" name="consent" type="checkbox" value="1" required aria-describedby="err-consent privacy-notice" aria-invalid="true">'
check "422: the error summary lists it" sh -c "grep -A3 'role=\"alert\"' '$TMP/b' | grep -q '<li><a href=\"#f-consent\">[^<]*Tick this box'"
check "422: the values typed are kept" \
	sh -c "grep -q 'id=\"f-name\"[^>]*value=\"Jane Doe\"' '$TMP/b' && grep -q 'id=\"f-email\"[^>]*value=\"jane.form@example.net\"' '$TMP/b' && grep -q 'name=\"publish_as\" value=\"organization\" checked' '$TMP/b' && grep -q '>Consent matters.</textarea>' '$TMP/b'"
check "422: nothing stored" same "$(rows)" "$before"
post_form --form-string "consent="
check "consent empty: 422, nothing stored" sh -c "[ $STATUS = 422 ] && [ $(rows) = $before ]"
F_EMAIL=bad post_form --form-string "consent=1"
check "consent ticked but another error: 422, the box stays ticked, no consent error, nothing stored" \
	sh -c "[ $STATUS = 422 ] && [ $(rows) = $before ] && grep -q 'id=\"err-email\"' '$TMP/b' && grep -q 'id=\"f-consent\"[^>]*checked>' '$TMP/b' && ! grep -q 'err-consent' '$TMP/b'"
post_form --form-string "consent=1"
check "with consent: 201" status_is 201
check "with consent: one response stored" same "$(rows)" "$((before + 1))"
FORM_ID=$(grep -o 'href="/responses/[a-z0-9]\{12\}"' "$TMP/b" | head -1 | cut -d/ -f3 | tr -d '"')
check "the receipt names the response" matches "$FORM_ID" '^[a-z0-9]{12}$'
MANAGE=$(grep -o 'href="[^"]*/manage?token=[^"]*"' "$TMP/b" | head -1 | cut -d'"' -f2)
req GET "$MANAGE"
check "the manage page (a revision) has no consent checkbox" sh -c "[ $STATUS = 200 ] && ! grep -q 'name=\"consent\"' '$TMP/b'"
req POST "$SUB" -H 'Content-Type: application/json' --data-binary @"$FIX/resp-jane.json"
check "the API needs no consent field: 201" status_is 201

# ---- Retention --------------------------------------------------------------------------------
# submit JSON_EDIT: the API submission of resp-jane.json changed by a Python statement on r
submit() {
	python3 -c "import json,sys; r=json.load(open('$FIX/resp-jane.json')); $2; json.dump(r, open('$TMP/r.json','w'))"
	req POST "$1" -H 'Content-Type: application/json' --data-binary @"$TMP/r.json"
	json 'j["id"]'
}
ID_NAME=$(submit "$SUB" 'r["respondent"]["email"]="keep.name@example.net"')
ID_ANON=$(submit "$SUB" 'r["publish_as"]="anonymous"; r["respondent"]["name"]="Ana Nonymous"; r["respondent"]["job_title"]="Secret Title"; r["respondent"]["email"]="anon@example.net"')
ID_ORG=$(submit "$SUB" 'r["publish_as"]="organization"; r["respondent"]["email"]="org@example.net"')
ID_LONG=$(submit /api/v1/consultations/long-round/responses 'r["respondent"]["email"]="long@example.net"; r["answers"]=[{"question":1,"text":"Still open."}]')
check "four API responses (3 on the demo round, 1 on the long round)" \
	sh -c "echo '$ID_NAME $ID_ANON $ID_ORG $ID_LONG' | grep -qE '^[a-z0-9]{12} [a-z0-9]{12} [a-z0-9]{12} [a-z0-9]{12}\$'"
# what is published: the API's JSON of every response of the round, and their receipts
published() {
	for id in $(db "SELECT r.public_id FROM responses r JOIN consultations c ON c.id = r.consultation_id WHERE c.slug = '$ROUND' ORDER BY r.id"); do
		curl -s "$BASE/api/v1/responses/$id"; echo
		# The proof and checkpoint lead to the log's latest tree, which grows (the close is an
		# entry); the entry itself, its leaf and its salt must not change.
		curl -s "$BASE/api/v1/responses/$id/receipt" | python3 -c 'import json,sys; r=json.load(sys.stdin); [r.pop(k, None) for k in ("inclusion_proof", "checkpoint", "tree_size")]; print(json.dumps(r, sort_keys=True))'; echo
	done
}
req GET "/responses/$ID_ANON"
cp "$TMP/b" "$TMP/anon_page.before"
published >"$TMP/published.before"
# the round's rows without the personal data the job removes
kept() {
	db "SELECT r.public_id, v.version, v.organization, v.country, v.stakeholder_type, v.publish_as, v.language, v.summary, v.content_sha256, CASE WHEN v.publish_as = 'anonymous' THEN '-' ELSE v.name || '/' || v.job_title END FROM response_versions v JOIN responses r ON r.id = v.response_id JOIN consultations c ON c.id = r.consultation_id WHERE c.slug = '$ROUND' ORDER BY r.id, v.version"
}
kept >"$TMP/kept.before"
answers_before=$(db "SELECT COUNT(*), group_concat(body, '|') FROM response_answers")
N_ROUND=$(db "SELECT COUNT(*) FROM responses r JOIN consultations c ON c.id = r.consultation_id WHERE c.slug = '$ROUND'")
check "before: the round's responses have their emails ($N_ROUND)" \
	same "$(db "SELECT COUNT(*) FROM response_versions v JOIN responses r ON r.id = v.response_id JOIN consultations c ON c.id = r.consultation_id WHERE c.slug = '$ROUND' AND v.email <> ''")" \
	"$(db "SELECT COUNT(*) FROM response_versions v JOIN responses r ON r.id = v.response_id JOIN consultations c ON c.id = r.consultation_id WHERE c.slug = '$ROUND'")"
check "before: no retention audit for the round" same "$(db "SELECT COUNT(*) FROM audit_log WHERE action = 'retention' AND object = 'consultation/$ROUND'")" 0

req GET "/api/v1/consultations/$ROUND"
CLOSES=$(date -u -d "$(json 'j["closes_at"]')" +%s)
# Past the close, but less than a day after it: nothing due yet.
# retention_ran N: waits until N retention jobs are done (the daily job runs at start, then
# again whenever the clock moves by a day or more)
retention_ran() {
	for _ in $(seq 1 100); do
		[ "$(db "SELECT COUNT(*) FROM jobs WHERE kind = 'retention' AND state = 'done'")" -ge "$1" ] && return 0
		sleep 0.1
	done
	echo "# $(db "SELECT COUNT(*) FROM jobs WHERE kind = 'retention' AND state = 'done'") retention jobs done, wanted $1"; return 1
}
check "the retention job ran at start" retention_ran 1
echo "+$((CLOSES - $(date -u +%s) + 3600))" >"$CLOCK"
check "the retention job ran again once the clock moved" retention_ran 2
req GET "/api/v1/consultations/$ROUND"
check "the clock moved past the close: closed" same "$(json 'j["state"]')" closed
check "closed less than retention-days ago: emails kept" same "$(db "SELECT email FROM response_versions v JOIN responses r ON r.id = v.response_id WHERE r.public_id = '$ID_NAME'")" keep.name@example.net

# Closed more than a day ago (+ a margin): the daily job runs again on the moved clock.
echo "+$((CLOSES - $(date -u +%s) + 86400 + 7200))" >"$CLOCK"
for _ in $(seq 1 100); do
	[ "$(db "SELECT COUNT(*) FROM audit_log WHERE action = 'retention' AND object = 'consultation/$ROUND'")" = 1 ] && break
	sleep 0.1
done
check "the job removed every email of the round" \
	same "$(db "SELECT COUNT(*) FROM response_versions v JOIN responses r ON r.id = v.response_id JOIN consultations c ON c.id = r.consultation_id WHERE c.slug = '$ROUND' AND v.email <> ''")" 0
# quoted as SQLite's quote() does, in SQL both stores run: 'text', or NULL
quoted() { printf "COALESCE('''' || %s || '''', 'NULL')" "$1"; }
check "the emails are '' (not NULL)" same "$(db "SELECT $(quoted email) FROM response_versions v JOIN responses r ON r.id = v.response_id WHERE r.public_id IN ('$ID_NAME', '$ID_ORG', '$FORM_ID') ORDER BY r.id" | tr '\n' ' ')" "'' '' '' "
check "anonymous: name and job title removed" same "$(db "SELECT $(quoted name) || $(quoted job_title) FROM response_versions v JOIN responses r ON r.id = v.response_id WHERE r.public_id = '$ID_ANON'")" "''''"
check "published as name: name and job title kept" same "$(db "SELECT name || '/' || job_title FROM response_versions v JOIN responses r ON r.id = v.response_id WHERE r.public_id = '$ID_NAME'")" "Jane Doe/Head of Policy"
check "organization, country, type, language, summary, hashes, and names of non-anonymous responses unchanged" \
	cmp -s "$TMP/kept.before" <(kept)
check "answers unchanged" same "$(db "SELECT COUNT(*), group_concat(body, '|') FROM response_answers")" "$answers_before"
published >"$TMP/published.after"
check "everything published (API JSON and receipts of every response) unchanged" cmp -s "$TMP/published.before" "$TMP/published.after"
req GET "/responses/$ID_ANON"
check "the anonymous response's page unchanged" cmp -s "$TMP/anon_page.before" "$TMP/b"
check "the round still open keeps its email" same "$(db "SELECT email FROM response_versions v JOIN responses r ON r.id = v.response_id WHERE r.public_id = '$ID_LONG'")" long@example.net
check "one audit row for the round: 'retention: $N_ROUND responses, emails removed'" \
	same "$(db "SELECT COUNT(*) || '|' || max(detail) || '|' || max(address) FROM audit_log WHERE action = 'retention' AND object = 'consultation/$ROUND'")" \
	"1|retention: $N_ROUND responses, emails removed|job"
check "no retention audit row for the long round" same "$(db "SELECT COUNT(*) FROM audit_log WHERE action = 'retention' AND object = 'consultation/long-round'")" 0
check "the retention job is recorded done" same "$(db "SELECT COUNT(*) FROM jobs WHERE kind = 'retention' AND state = 'failed'")/$(db "SELECT COUNT(*) > 0 FROM jobs WHERE kind = 'retention' AND state = 'done'")" "0/1"

# Idempotent: another day later the job runs again and changes nothing, audits nothing.
audits=$(db "SELECT COUNT(*) FROM audit_log WHERE action = 'retention'")
done_jobs=$(db "SELECT COUNT(*) FROM jobs WHERE kind = 'retention' AND state = 'done'")
echo "+$((CLOSES - $(date -u +%s) + 3 * 86400))" >"$CLOCK"
check "a second run took place" retention_ran $((done_jobs + 1))
check "a second run adds no audit row" same "$(db "SELECT COUNT(*) FROM audit_log WHERE action = 'retention'")" "$audits"
check "a second run changes nothing" cmp -s "$TMP/kept.before" <(kept)
check "the long round still keeps its email" same "$(db "SELECT email FROM response_versions v JOIN responses r ON r.id = v.response_id WHERE r.public_id = '$ID_LONG'")" long@example.net

stop_server
check "the server stops with status 0" [ "$STOP_RC" = 0 ]
"$AGORA" serve --help >"$TMP/help" 2>&1
check "--help lists --retention-days (AGORA_RETENTION_DAYS, 365, 1..36500)" grep -q -- '--retention-days *AGORA_RETENTION_DAYS *365 (1..36500)' "$TMP/help"
"$AGORA" serve --data "$DATA" --listen 127.0.0.1:0 --retention-days 0 >"$TMP/o" 2>&1
check "--retention-days 0 is refused" grep -q 'retention-days: 0 is outside 1..36500' "$TMP/o"
# The public log: retention removed an anonymous respondent's name; verify says so and agrees.
"$AGORA" log verify --data "$DATA" >"$TMP/logv.out" 2>&1
check "agora log verify after retention: exit 0" same "$?" 0
check "... counting the anonymous versions retention changed" grep -q "anonymous versions whose name the retention rule removed" "$TMP/logv.out"
finish
