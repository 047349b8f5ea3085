#!/bin/bash
# t545_mail_end_to_end: issue 13's mail as it arrives, through an SMTP relay (tests/mail/sink.sh),
# from real actions only. A subscriber confirms by the link in the mail that reached them; when a
# round opens, the confirmed subscriber receives the notice, in French, with RFC 8058's headers,
# and an unconfirmed one receives nothing but their confirmation; a daily-digest subscriber receives
# one message grouping both rounds that opened, in Chinese, after the next 00:00 UTC; a respondent
# who gave an email receives their receipt, the attachment equal to the receipt the API answered
# and without the manage token, the manage link in the body; the List-Unsubscribe URL of a
# received notice, POSTed one-click without login, ends the subscription: the next closing notice
# is not sent. (t540 covers the transport: relay down, retries, a resend after a crash with the
# same Message-ID, refusals; t550 and t560 each kind of mail and bad input, from the outbox.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../mail/sink.sh"
trap 'stop_sink; cleanup' EXIT
start_sink || exit 1
init_data || exit 1
CLOCK=$TMP/clock
echo "+0" >"$CLOCK"
T0=$(date -u +%s)
mail_round e1 $((T0 + 3600)) $((T0 + 10 * 86400))
mail_round e2 $((T0 + 7200)) $((T0 + 20 * 86400))
SITE=http://agora.test
start_server --test-clock-file "$CLOCK" --scheduler-tick-ms 50 --submit-rate 0 --public-url "$SITE" \
	--smtp-url "smtp://127.0.0.1:$SPORT" --smtp-from "Agora <agora@example.org>"

same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
csrf_in() { grep -o 'name="csrf" value="[^"]*"' "$1" | head -1 | cut -d'"' -f4; }
clock_to() { echo "+$1" >"$CLOCK"; }
# subscribe EMAIL LANG FREQUENCY KIND...: the form, from a fresh browser
subscribe() {
	local email=$1 lang=$2 freq=$3 jar=$TMP/jar.$RANDOM args=()
	shift 3
	for k in "$@"; do args+=(--data-urlencode "kinds=$k"); done
	curl -s -c "$jar" -b "$jar" -o "$TMP/form.html" "$BASE/subscribe"
	req POST /subscribe -c "$jar" -b "$jar" --data-urlencode "email=$email" --data-urlencode "language=$lang" \
		--data-urlencode "frequency=$freq" --data-urlencode "csrf=$(csrf_in "$TMP/form.html")" "${args[@]}"
}
# text FILE: the message's plain text part
text() { eml "$1" "m.get_body(preferencelist=('plain',)).get_content()" 2>/dev/null; }
# confirm_from_mail EMAIL: follows the confirmation link of the mail EMAIL received (GET, then
# the page's button)
confirm_from_mail() {
	local f link jar=$TMP/cjar.$RANDOM
	f=$(msgs_to "$1" | head -1)
	link=$(text "$f" | grep -o "$SITE/subscriptions/confirm/[A-Za-z0-9_?=&.-]*" | head -1 | sed "s|$SITE||")
	[ -n "$link" ] || { echo "# no confirmation link in $f"; return 1; }
	req GET "$link" -c "$jar" -b "$jar"
	cp "$TMP/b" "$TMP/confirm.html"
	grep -q 'name="csrf"' "$TMP/confirm.html" || curl -s -c "$jar" -b "$jar" -o "$TMP/confirm.html" "$BASE/subscribe"
	req POST "$link" -c "$jar" -b "$jar" --data-urlencode "csrf=$(csrf_in "$TMP/confirm.html")"
	[ "$STATUS" = 200 ] || { echo "# confirming: $STATUS"; return 1; }
}

# ---- subscribing: the confirmation arrives, its link confirms ----------------------------------
subscribe fr.reader@example.org fr immediate round_opened round_closing
subscribe never.confirms@example.org en immediate round_opened
subscribe zh.digest@example.org zh daily round_opened
confirmations() { wait_to fr.reader@example.org 1 && wait_to never.confirms@example.org 1 && wait_to zh.digest@example.org 1; }
check "each subscriber's confirmation mail arrives" confirmations
F=$(msgs_to fr.reader@example.org | head -1)
check "in the subscriber's language (Content-Language, subject)" \
	same "$(eml "$F" 'm["Content-Language"] + "|" + str(m["Subject"])')" "fr|Confirmez votre abonnement aux avis d'Agora"
check "the link in the mail that arrived confirms (fr.reader)" confirm_from_mail fr.reader@example.org
check "... and zh.digest" confirm_from_mail zh.digest@example.org

# ---- a round opens: to the confirmed subscriber, not to the unconfirmed one --------------------
clock_to 10800	# e1 and e2 open
check "fr.reader receives two opening notices" wait_to fr.reader@example.org 3
N=$(msgs_to fr.reader@example.org | tail -1)
names_round() { [ "$(eml "$1" 'm["Content-Language"]')" = "$2" ] && text "$1" | grep -q "$3"; }
check "the notice is in French and names the round" names_round "$N" fr 'Consultation e[12]'
UNSUB=$(eml "$N" 'm["List-Unsubscribe"]' | tr -d '<>')
rfc8058() { echo "$UNSUB" | grep -q "^$SITE/subscriptions/[0-9]*/unsubscribe/" && same "$(eml "$N" 'm["List-Unsubscribe-Post"]')" 'List-Unsubscribe=One-Click'; }
check "it carries List-Unsubscribe (its own URL, on the site) and List-Unsubscribe-Post" rfc8058
check "and a text and an HTML part" same "$(eml "$N" 'm.get_body(preferencelist=("html",)).get_content_type()')" text/html
# the unconfirmed subscriber: the scheduler has fired both openings and the notices are sent, yet
# nothing more reached them than their confirmation
# eventually SQL VALUE: until SQL answers VALUE (10 s at most)
eventually() { for _ in $(seq 1 200); do [ "$(sql "$1")" = "$2" ] && return 0; sleep 0.05; done; echo "# '$(sql "$1")', wanted '$2'"; return 1; }
check "every opening notice queued is sent" eventually "SELECT count(*) FROM outbox WHERE kind = 'notice' AND status <> 'sent'" 0
check "never.confirms received only its confirmation" same "$(msgs_to never.confirms@example.org | wc -l)" 1
check "zh.digest (daily) received nothing yet" same "$(msgs_to zh.digest@example.org | wc -l)" 1

# ---- the daily digest: after the next 00:00 UTC, one message with both rounds -------------------
midnight=$(( (T0 + 10800) / 86400 * 86400 + 86400 ))
clock_to $((midnight + 600 - T0))
check "past 00:00 UTC, zh.digest receives one digest" wait_to zh.digest@example.org 2
D=$(msgs_to zh.digest@example.org | tail -1)
both_rounds() { names_round "$D" zh '磋商 e1' && names_round "$D" zh '磋商 e2'; }
check "in Chinese, grouping both rounds" both_rounds
sleep 1
check "and only one" same "$(msgs_to zh.digest@example.org | wc -l)" 2

# ---- a respondent's receipt ----------------------------------------------------------------------
FIX=$(cd "$(dirname "$0")" && pwd)/fixtures
EMAIL=respondent.t545@example.net
python3 -c "import json; r=json.load(open('$FIX/resp-jane.json')); r['respondent']['email']='$EMAIL'; r['language']='es'; json.dump(r, open('$TMP/resp.json', 'w'))"
req POST /api/v1/consultations/multilingual-internet/responses -H 'Content-Type: application/json' --data-binary @"$TMP/resp.json"
check "a response with an email: 201" status_is 201
cp "$TMP/b" "$TMP/submitted.json"
MANAGE=$(json 'j["manage_url"]')
MTOKEN=${MANAGE##*token=}
check "the receipt arrives" wait_to "$EMAIL" 1
R=$(msgs_to "$EMAIL" | head -1)
eml "$R" '[p for p in m.iter_attachments()][0].get_content().decode() if isinstance([p for p in m.iter_attachments()][0].get_content(), bytes) else [p for p in m.iter_attachments()][0].get_content()' >"$TMP/att.json"
check "its attachment is the receipt the API answered" python3 -c "
import json; a = json.load(open('$TMP/att.json')); s = json.load(open('$TMP/submitted.json'))
assert a == s['receipt'], (a, s['receipt'])"
check "the attachment holds no manage token" sh -c "! grep -q -e '$MTOKEN' '$TMP/att.json'"
has_manage() { text "$R" | grep -qF -- "$MTOKEN"; }
check "the body holds the manage link" has_manage
check "in the response's language (es)" same "$(eml "$R" 'm["Content-Language"]')" es

# ---- one click in the mail client: the subscription ends ----------------------------------------
before=$(msgs_to fr.reader@example.org | wc -l)
req POST "${UNSUB#"$SITE"}" --data 'List-Unsubscribe=One-Click'
check "the List-Unsubscribe URL, POSTed one-click without login or cookie: 200" status_is 200
check "the subscription is ended" same "$(sql "SELECT count(*) FROM subscriptions WHERE email = 'fr.reader@example.org' AND unsubscribed_at IS NOT NULL")" 1
clock_to $((3 * 86400 + 600))	# e1 closes in 7 days
check "the 7-day closing reminder fires" eventually "SELECT count(*) FROM events WHERE kind = 'closing_7d' AND thing_id = (SELECT id FROM consultations WHERE slug = 'e1')" 1
sleep 1.5	# the mail worker's tick: what it would send, it would have sent
check "... and nothing reaches the unsubscribed reader" same "$(msgs_to fr.reader@example.org | wc -l)" "$before"
check "... nor is queued for them" same "$(sql "SELECT count(*) FROM outbox WHERE to_addr = 'fr.reader@example.org' AND kind = 'notice' AND subject LIKE '%7%'")" 0

stop_server
check "the server stops cleanly" same "$STOP_RC" 0
finish
