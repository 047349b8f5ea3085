#!/bin/bash
# t550_subscriptions: subscriptions to notices (docs/MAIL-SUBSCRIPTIONS.md), read from the outbox
# (no SMTP relay: mails stay there). Subscribing by the form and the API queues a confirmation
# mail in the chosen language; an unconfirmed subscription gets no opening notice, a confirmed
# one does, in its language, with HTML and its own one-click unsubscribe URL; the 7-day and
# 1-day closing notices fire once each as the test clock moves; a daily digest groups two
# notices in one mail at the next 00:00 UTC; unsubscribing by POST without login or CSRF token
# stops the mails; a published summary is announced once, to those who asked for summaries. Bad input, each a clear answer with nothing changed (rows counted): an
# invalid email, an unknown language or kind (form and API), a used or expired confirmation
# link, another subscription's or an invalid unsubscribe token.
. "$(dirname "$0")/lib.sh"
DATA=$TMP/data
if on_pg; then pg_new_db || exit 1; fi
"$AGORA" init --data "$DATA" >"$TMP/init.out" 2>"$TMP/init.err" || { cat "$TMP/init.err"; exit 1; }
CLOCK=$TMP/clock
echo "+0" >"$CLOCK"
T0=$(date -u +%s)
mail_round r1 $((T0 + 3600)) $((T0 + 10 * 86400))
mail_round r2 $((T0 + 7200)) $((T0 + 20 * 86400))
start_server --test-clock-file "$CLOCK" --scheduler-tick-ms 50 --submit-rate 0 --page-cache-ms 0 \
	--public-url http://agora.test

same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
eventually() { for _ in $(seq 1 100); do "$@" && return 0; sleep 0.05; done; "$@"; }
csrf_in() { grep -o 'name="csrf" value="[^"]*"' "$1" | head -1 | cut -d'"' -f4; }
mails() { sql "SELECT count(*) FROM outbox WHERE to_addr = '$1' ${2:-}"; }
subs() { sql "SELECT count(*) FROM subscriptions ${1:-}"; }
# subscribe EMAIL LANG FREQUENCY KIND...: the form, from a fresh browser
subscribe() {
	local email=$1 lang=$2 freq=$3 jar=$TMP/jar.$RANDOM args=()
	shift 3
	for k in "$@"; do args+=(--data-urlencode "kinds=$k"); done
	curl -s -c "$jar" -b "$jar" -o "$TMP/form.html" "$BASE/subscribe"
	req POST /subscribe -c "$jar" -b "$jar" --data-urlencode "email=$email" --data-urlencode "language=$lang" \
		--data-urlencode "frequency=$freq" --data-urlencode "csrf=$(csrf_in "$TMP/form.html")" "${args[@]}"
}
api_subscribe() { req POST /api/v1/subscriptions -H 'Content-Type: application/json' -d "$1"; }
confirm_path() {	# the newest confirmation link of EMAIL, without the site's address
	sql "SELECT body_text FROM outbox WHERE to_addr = '$1' AND kind = 'subscription_confirm' ORDER BY id DESC LIMIT 1" |
		grep -o 'http://agora.test/subscriptions/confirm/[^ ]*' | sed 's|http://agora.test||'
}
# confirm PATH: the link's GET (its page kept in confirm.html), then the button's POST with a
# CSRF token of this browser (from /subscribe when the link's page has no form)
confirm() {
	local jar=$TMP/cjar.$RANDOM
	req GET "$1" -c "$jar" -b "$jar"
	cp "$TMP/b" "$TMP/confirm.html"
	CONFIRM_GET=$STATUS
	grep -q 'name="csrf"' "$TMP/confirm.html" || curl -s -c "$jar" -b "$jar" -o "$TMP/confirm.html" "$BASE/subscribe"
	req POST "$1" -c "$jar" -b "$jar" --data-urlencode "csrf=$(csrf_in "$TMP/confirm.html")"
}
clock_to() { echo "+$1" >"$CLOCK"; }

# ---- subscribing: the form, the confirmation mail in the chosen language ----------------------
req GET /subscribe
check "/subscribe: 200, a form with email, language, kinds and frequency" sh -c "[ $STATUS = 200 ] && grep -q 'name=\"email\"' '$TMP/b' && grep -q 'name=\"language\"' '$TMP/b' && grep -q 'value=\"outcomes_published\"' '$TMP/b' && grep -q 'value=\"weekly\"' '$TMP/b'"
req GET /consultations
check "every page's footer links to /subscribe" body_has 'href="/subscribe"'
subscribe a@example.org fr immediate round_opened round_closing
check "subscribing: 200, check your mail" sh -c "[ $STATUS = 200 ] && grep -q 'Check your mail' '$TMP/b'"
cp "$TMP/b" "$TMP/answer_new.html"
check "one unconfirmed subscription stored" same "$(subs "WHERE email = 'a@example.org' AND confirmed_at IS NULL")" 1
row=$(sql "SELECT lang || '|' || subject FROM outbox WHERE to_addr = 'a@example.org' AND kind = 'subscription_confirm'")
check "the confirmation mail is in French, the chosen language" same "$row" "fr|Confirmez votre abonnement aux avis d'Agora"
sql "SELECT body_html FROM outbox WHERE to_addr = 'a@example.org'" >"$TMP/mail.html"
check "it has an HTML part, in French, with the link as a link" sh -c "grep -q '<html lang=\"fr\"' '$TMP/mail.html' && grep -q '<a href=\"http://agora.test/subscriptions/confirm/' '$TMP/mail.html'"
A_TOKEN1=$(confirm_path a@example.org | cut -d/ -f4 | cut -d'?' -f1)
check "the token is stored as its hash only" same "${#A_TOKEN1} $(sql "SELECT count(*) FROM subscriptions WHERE confirm_hash = '$A_TOKEN1'")" "43 0"
A_CONFIRM=$(confirm_path a@example.org)
confirm "$A_CONFIRM"
check "the link's GET showed a button, not a change" grep -q 'Confirm my subscription\|Confirmer mon abonnement' "$TMP/confirm.html"
check "its POST confirms: 200" status_is 200
check "a@ is live" same "$(subs "WHERE email = 'a@example.org' AND confirmed_at IS NOT NULL AND unsubscribed_at IS NULL")" 1
# used again: a clear answer, nothing changed
before=$(sql "SELECT confirmed_at FROM subscriptions WHERE email = 'a@example.org'")
confirm "$A_CONFIRM"
check "a used confirmation link: 410 and says so (GET and POST)" sh -c "[ $CONFIRM_GET = 410 ] && [ $STATUS = 410 ] && grep -q 'lien a déjà été utilisé' '$TMP/b'"
check "... nothing changed" same "$(sql "SELECT confirmed_at FROM subscriptions WHERE email = 'a@example.org'")" "$before"
req GET /subscriptions/confirm/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
check "an unknown confirmation link: 404" status_is 404

subscribe b@example.org en immediate round_opened
check "b@ subscribes and never confirms" same "$(subs "WHERE email = 'b@example.org' AND confirmed_at IS NULL")" 1
api_subscribe '{"email":"c@example.org","language":"zh","kinds":["round_opened"],"frequency":"daily"}'
check "the API: 202" status_is 202
check "the API's confirmation mail is in Chinese" same "$(sql "SELECT lang FROM outbox WHERE to_addr = 'c@example.org'")" zh
confirm "$(confirm_path c@example.org)"
check "c@ (daily digest) is live" same "$(subs "WHERE email = 'c@example.org' AND confirmed_at IS NOT NULL")" 1
api_subscribe '{"email":"d@example.org","language":"en","kinds":["round_opened"]}'
D_CONFIRM=$(confirm_path d@example.org)
check "d@ gets a link it will not use in time" [ -n "$D_CONFIRM" ]
api_subscribe '{"email":"e@example.org","language":"es","kinds":["summary_published"],"frequency":"immediate"}'
confirm "$(confirm_path e@example.org)"
check "e@ (summaries, in Spanish) is live" same "$(subs "WHERE email = 'e@example.org' AND confirmed_at IS NOT NULL")" 1

# ---- the same answer whether or not an address is subscribed ----------------------------------
subscribe a@example.org fr weekly round_opened
check "subscribing a live address again: the same answer as a new one" \
	same "$(grep -v csrf "$TMP/b" | md5sum)" "$(grep -v csrf "$TMP/answer_new.html" | md5sum)"
check "... and until that link is confirmed the live subscription stays as it was" \
	same "$(sql "SELECT frequency FROM subscriptions WHERE email = 'a@example.org' AND confirmed_at IS NOT NULL AND unsubscribed_at IS NULL")" immediate

# ---- bad input: a clear answer, nothing stored --------------------------------------------------
n_subs=$(subs)
n_mail=$(sql "SELECT count(*) FROM outbox")
subscribe not-an-email fr immediate round_opened
check "an invalid email: the form again (422) with the error by the field" sh -c "[ $STATUS = 422 ] && grep -q 'id=\"err-email\"' '$TMP/b'"
subscribe e@example.org xx immediate round_opened
check "an unknown language: 422, the error by the language" sh -c "[ $STATUS = 422 ] && grep -q 'id=\"err-language\"' '$TMP/b'"
subscribe e@example.org fr immediate round_opened weather_report
check "an unknown kind: 422, the error by the kinds" sh -c "[ $STATUS = 422 ] && grep -q 'id=\"err-kinds\"' '$TMP/b'"
subscribe e@example.org fr immediate
check "no kind at all: 422" sh -c "[ $STATUS = 422 ] && grep -q 'id=\"err-kinds\"' '$TMP/b'"
subscribe e@example.org fr hourly round_opened
check "an unknown frequency: 422" sh -c "[ $STATUS = 422 ] && grep -q 'id=\"err-frequency\"' '$TMP/b'"
api_subscribe '{"email":"bad","language":"xx","kinds":["nope"],"frequency":"hourly"}'
check "the API: 422 problem+json naming email, language, kinds and frequency" same "$STATUS $(header Content-Type) $(json '",".join(x["field"] for x in j["errors"])')" "422 application/problem+json email,language,kinds,frequency"
api_subscribe '{"email":"e@example.org","language":"fr","kinds":["round_opened","weather_report"]}'
check "the API: an unknown kind among good ones: 422 on kinds" same "$STATUS $(json 'j["errors"][0]["field"]')" "422 kinds"
api_subscribe '{"email":"e@example.org",'
check "the API: malformed JSON: 400" status_is 400
api_subscribe '{"email":"e@example.org","language":"fr","kinds":"round_opened"}'
check "the API: kinds not an array: 400" status_is 400
check "none of these stored a subscription" same "$(subs)" "$n_subs"
check "... or queued a mail" same "$(sql "SELECT count(*) FROM outbox")" "$n_mail"

# ---- a round opens: the confirmed subscriber hears of it, the unconfirmed one does not -----------
clock_to 10800	# both rounds open
opened() { [ "$(mails a@example.org "AND kind = 'notice'")" = 2 ]; }
check "both rounds open: a@ gets two opening notices" eventually opened
check "b@ (unconfirmed) gets nothing but its confirmation mail" same "$(mails b@example.org)" 1
row=$(sql "SELECT lang || '|' || subject FROM outbox WHERE to_addr = 'a@example.org' AND kind = 'notice' ORDER BY id LIMIT 1")
check "the notice is in French, with the round's French title" sh -c "echo '$row' | grep -q '^fr|Ouverte aux réponses.*: Consultation r1\$'"
url=$(sql "SELECT unsubscribe_url FROM outbox WHERE to_addr = 'a@example.org' AND kind = 'notice' ORDER BY id LIMIT 1")
check "it carries a one-click unsubscribe URL (absolute, public-url)" sh -c "echo '$url' | grep -q '^http://agora.test/subscriptions/[0-9]*/unsubscribe/'"
sql "SELECT body_text FROM outbox WHERE unsubscribe_url = '$url'" >"$TMP/notice.txt"
sql "SELECT body_html FROM outbox WHERE unsubscribe_url = '$url'" >"$TMP/notice.html"
check "... which its text names too" grep -qF "$url" "$TMP/notice.txt"
check "and HTML with the round's link" grep -q '<a href="http://agora.test/consultations/r1">' "$TMP/notice.html"
check "each mail its own unsubscribe token" same "$(sql "SELECT count(DISTINCT unsubscribe_url) FROM outbox WHERE to_addr = 'a@example.org' AND kind = 'notice'")" 2
check "c@ (daily) has no mail yet: its notices wait" same "$(mails c@example.org "AND kind <> 'subscription_confirm'")" 0
check "... two of them, for one digest" same "$(sql "SELECT count(*) FROM subscription_notices n JOIN subscriptions s ON s.id = n.subscription_id WHERE s.email = 'c@example.org' AND n.mailed_at IS NULL")" 2

# ---- the daily digest: after the next 00:00 UTC, one mail with both --------------------------------
midnight=$(( ((T0 + 10800) / 86400 + 1) * 86400 ))
clock_to $((midnight + 600 - T0))
digest() { [ "$(mails c@example.org "AND kind = 'digest'")" = 1 ]; }
check "past 00:00 UTC: one digest to c@" eventually digest
body=$(sql "SELECT body_text FROM outbox WHERE to_addr = 'c@example.org' AND kind = 'digest'")
check "it groups both rounds, with their Chinese titles" sh -c "echo '$body' | grep -q '磋商 r1' && echo '$body' | grep -q '磋商 r2'"
check "its subject is Chinese" same "$(sql "SELECT subject FROM outbox WHERE to_addr = 'c@example.org' AND kind = 'digest'")" "来自 Agora 的 2 条通知"
check "the notices are marked mailed, the digest sent" same "$(sql "SELECT count(*) FROM subscription_notices n JOIN subscriptions s ON s.id = n.subscription_id WHERE s.email = 'c@example.org' AND n.mailed_at IS NULL")" 0
check "c@ gets no closing notices (it did not ask for them)" same "$(mails c@example.org "AND kind <> 'subscription_confirm'")" 1

# ---- closing in 7 days and in 1 day: once each ------------------------------------------------------
clock_to $((3 * 86400 + 600))
closing7() { [ "$(mails a@example.org "AND subject LIKE '%r1' AND kind = 'notice'")" = 2 ]; }
check "7 days before r1 closes: a closing notice" eventually closing7
clock_to $((3 * 86400 + 1200))
sleep 0.3
check "moving on a little fires nothing again" same "$(mails a@example.org "AND subject LIKE '%r1'")" 2
clock_to $((9 * 86400 + 600))
closing1() { [ "$(mails a@example.org "AND subject LIKE '%r1' AND kind = 'notice'")" = 3 ]; }
check "1 day before r1 closes: another" eventually closing1
clock_to $((9 * 86400 + 1200))
sleep 0.3
check "each fired once (events)" same "$(sql "SELECT kind || ':' || count(*) FROM events e JOIN consultations c ON c.id = e.thing_id WHERE e.thing = 'consultation' AND c.slug = 'r1' AND e.kind LIKE 'closing%' GROUP BY e.kind ORDER BY e.kind" | tr '\n' ' ')" "closing_1d:1 closing_7d:1 "
check "and a@ got exactly one of each" same "$(mails a@example.org "AND subject LIKE '%r1'")" 3

# ---- unsubscribing: one click, no login, no CSRF token ------------------------------------------
A_ID=$(sql "SELECT id FROM subscriptions WHERE email = 'a@example.org' AND confirmed_at IS NOT NULL")
C_ID=$(sql "SELECT id FROM subscriptions WHERE email = 'c@example.org' AND confirmed_at IS NOT NULL")
A_UNSUB=$(echo "$url" | sed 's|http://agora.test||')
A_TOKEN=$(echo "$A_UNSUB" | sed 's|.*/unsubscribe/||; s|?.*||')
n_ended=$(subs "WHERE unsubscribed_at IS NOT NULL")
req POST "/subscriptions/$C_ID/unsubscribe/$A_TOKEN" -d 'List-Unsubscribe=One-Click'
check "another subscription's token: 403, says the link is not valid" sh -c "[ $STATUS = 403 ] && grep -q 'not valid' '$TMP/b'"
req POST "/subscriptions/$A_ID/unsubscribe/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" -d 'List-Unsubscribe=One-Click'
check "an invalid token: 403" status_is 403
req GET "/subscriptions/$C_ID/unsubscribe/$A_TOKEN"
check "... its GET too" status_is 403
check "none of these ended a subscription" same "$(subs "WHERE unsubscribed_at IS NOT NULL")" "$n_ended"
req GET "$A_UNSUB"
check "the link's GET shows a button and changes nothing" same "$STATUS $(grep -c 'List-Unsubscribe' "$TMP/b") $(subs "WHERE id = $A_ID AND unsubscribed_at IS NULL")" "200 1 1"
req POST "$A_UNSUB" -H 'Content-Type: application/x-www-form-urlencoded' -d 'List-Unsubscribe=One-Click'
check "RFC 8058 one-click POST, no cookie, no CSRF token: 200" status_is 200
check "a@ is unsubscribed" same "$(sql "SELECT ended FROM subscriptions WHERE id = $A_ID")" unsubscribed
req POST "$A_UNSUB" -d 'List-Unsubscribe=One-Click'
check "the same link again: 410, already unsubscribed" status_is 410
n_a=$(mails a@example.org)
clock_to $((13 * 86400 + 600))	# r2 closes in 7 days
sleep 0.5
check "after unsubscribing, a@ gets no more mail" same "$(mails a@example.org)" "$n_a"

# ---- a summary published: its subscriber hears of it once ----------------------------------------
SEC=secretariat@agora.example
PW=$(sed -n 's/^Password: //p' "$TMP/init.out")
J=$TMP/sec.jar
curl -s -c "$J" -b "$J" -o "$TMP/login.html" "$BASE/login"
req POST /login -c "$J" -b "$J" --data-urlencode "email=$SEC" --data-urlencode "password=$PW" --data-urlencode "csrf=$(csrf_in "$TMP/login.html")"
publish_summary() {
	curl -s -c "$J" -b "$J" -o "$TMP/summary.html" "$BASE/consultations/r1/summary"
	req POST /consultations/r1/summary -c "$J" -b "$J" --data-urlencode "csrf=$(csrf_in "$TMP/summary.html")" \
		--data-urlencode "language=$1" --data-urlencode "status=published" --data-urlencode "body=The summary, in $1."
}
publish_summary en
check "the secretariat publishes r1's summary" sh -c "[ $STATUS = 200 ] || [ $STATUS = 303 ]"
summary_mail() { [ "$(mails e@example.org "AND kind = 'notice'")" = 1 ]; }
check "e@ gets one notice of it" summary_mail
row=$(sql "SELECT lang || '|' || subject FROM outbox WHERE to_addr = 'e@example.org' AND kind = 'notice'")
check "in Spanish, with the round's title in its original language (no Spanish title)" same "$row" "es|Resumen publicado: Round r1"
publish_summary fr
check "published again in French: no second notice" same "$(mails e@example.org "AND kind = 'notice'")" 1
check "c@ (who did not ask for summaries) gets none" same "$(mails c@example.org "AND subject LIKE '%r1%' AND kind = 'notice'")" 0

# ---- an expired confirmation link --------------------------------------------------------------------
confirm "$D_CONFIRM"
check "an expired confirmation link (2 days later): 410, says it expired (GET and POST)" sh -c "[ $CONFIRM_GET = 410 ] && [ $STATUS = 410 ] && grep -q 'expired' '$TMP/b'"
check "... nothing changed" same "$(subs "WHERE email = 'd@example.org' AND confirmed_at IS NULL")" 1
stop_server
check "the server stops with status 0" [ "$STOP_RC" = 0 ]
finish
