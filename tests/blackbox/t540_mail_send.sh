#!/bin/bash
# t540_mail_send: the outbox sent through an SMTP relay (tests/mail/smtp_sink.py, Debian's
# python3-aiosmtpd). Without --smtp-url nothing is sent and mail stays queued, visible; with it a
# confirmation mail made by a real registration (in French) arrives with its stored Message-ID, its
# subject decoded, Date, Content-Language; a mail with HTML, an attachment and an unsubscribe URL
# arrives as multipart/mixed with multipart/alternative and the attachment's bytes, and RFC 8058's
# two headers; relay down: the attempt is recorded, the mail stays queued and arrives once the
# relay is up and the clock has passed the backoff; a 451 is retried; the server killed (-9) while
# the relay holds its answer to DATA sends the mail again after restarting, with the SAME
# Message-ID; a 550 to RCPT suppresses the address: a later mail to it is stored 'suppressed' and
# never sent, until `agora mail retry` lifts it; `agora mail list` shows each status; a bad
# --smtp-url or a missing --smtp-from stops the server at start with a clear message.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../mail/sink.sh"
trap 'stop_sink; cleanup' EXIT

init_data
CLOCK=$TMP/clock
echo "+0" >"$CLOCK"
OFF=0
RELAY=(--smtp-url "smtp://127.0.0.1:$SPORT" --smtp-from "Agora Secrétariat <agora@example.org>")
serve() { start_server --test-clock-file "$CLOCK" --scheduler-tick-ms 50 --submit-rate 0 "$@"; }

same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
db() { sql "$1"; }
csrf_in() { grep -o 'name="csrf" value="[^"]*"' "$1" | head -1 | cut -d'"' -f4; }
# clock_by SECONDS: the project clock moves on, and the server has seen it
clock_by() {
	OFF=$((OFF + $1))
	echo "+$OFF" >"$CLOCK"
	for _ in $(seq 1 100); do
		[ "$(curl -s "$BASE/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["uptime_s"] >= '"$OFF"')')" = True ] && return 0
		sleep 0.05
	done
	return 1
}
# register EMAIL [LANG]: a stakeholder registers (a real action that queues a mail)
register() {
	local jar=$TMP/jar.$RANDOM c
	curl -s -b "$jar" -c "$jar" -o "$TMP/reg.html" "$BASE/register"
	c=$(csrf_in "$TMP/reg.html")
	req POST "/register${2:+?lang=$2}" -b "$jar" -c "$jar" --data-urlencode "name=Someone" --data-urlencode "email=$1" \
		--data-urlencode "password=quiet river under seven bridges" --data-urlencode "csrf=$c"
}
# wait_sql SQL VALUE: until SQL answers VALUE (10 s at most)
wait_sql() { for _ in $(seq 1 200); do [ "$(db "$1")" = "$2" ] && return 0; sleep 0.05; done; echo "# '$(db "$1")', wanted '$2'"; return 1; }
login() {
	curl -s -b "$1" -c "$1" -o "$TMP/login.html" "$BASE/login"
	req POST /login -b "$1" -c "$1" --data-urlencode "email=secretariat@agora.example" --data-urlencode "password=$PW" \
		--data-urlencode "csrf=$(csrf_in "$TMP/login.html")"
}
PW=$(sed -n 's/^Password: //p' "$TMP/init.out")
mail_of() { db "SELECT $2 FROM outbox WHERE lower(to_addr) = '$1' ORDER BY id DESC LIMIT 1"; }

# ---- a relay set wrongly stops the server at start ----------------------------------------------
"$AGORA" serve --data "$DATA" --listen 127.0.0.1:0 --smtp-url "http://127.0.0.1:$SPORT" --smtp-from a@example.org >/dev/null 2>"$TMP/bad.err"
check "--smtp-url http://...: refused at start, saying smtp:// or smtps://" sh -c "[ $? != 0 ] && grep -q 'smtp://' '$TMP/bad.err'"
"$AGORA" serve --data "$DATA" --listen 127.0.0.1:0 --smtp-url "smtp://127.0.0.1:$SPORT" >/dev/null 2>"$TMP/bad.err"
check "--smtp-url without --smtp-from: refused at start, naming it" grep -q -- '--smtp-from' "$TMP/bad.err"
"$AGORA" serve --data "$DATA" --listen 127.0.0.1:0 --smtp-url "smtp://127.0.0.1:$SPORT" --smtp-from "not an address" >/dev/null 2>"$TMP/bad.err"
check "--smtp-from that is not an address: refused at start" grep -q 'is not an address' "$TMP/bad.err"

# ---- no relay: nothing is sent, the mail stays queued and visible ------------------------------
start_sink
serve
register ada@example.org fr
check "a registration in French: 200" status_is 200
check "its confirmation mail is queued" same "$(mail_of ada@example.org "kind || ' ' || lang || ' ' || status || ' ' || attempts")" "confirm fr queued 0"
sleep 2
check "without --smtp-url nothing reached the relay" same "$(msgs)" 0
check "... no attempt was made" same "$(db "SELECT COUNT(*) FROM outbox_attempts")" 0
check "agora mail list shows it queued, not tried yet" sh -c "'$AGORA' mail list --data '$DATA' --to ada@example.org | grep -qx 'Status: queued, not tried yet'"
req GET /admin/mail
check "/admin/mail without a login: 302 to /login" sh -c "[ $STATUS = 302 ] && grep -qi '^Location: /login' '$TMP/h'"
login "$TMP/sec"
req GET /admin/mail -b "$TMP/sec"
check "/admin/mail for the secretariat: 200" status_is 200
check "... says no relay is set, mail stays queued" body_has "No mail relay is set"
check "... lists the mail, queued" sh -c "grep -q '<tr class=\"queued\"><td>[0-9]*</td><td>.*ada@example.org' '$TMP/b' && grep -qF 'Queued (1)' '$TMP/b'"
stop_server

# ---- with the relay: it arrives, as stored -----------------------------------------------------
serve "${RELAY[@]}"
check "with --smtp-url the queued mail arrives" wait_msgs 1
M=$(last_msg)
check "Message-ID: the one stored at queue time" same "$(eml "$M" "m['Message-ID']")" "$(mail_of ada@example.org message_id)"
check "Subject decoded: the French subject stored" same "$(eml "$M" "m['Subject']")" "$(mail_of ada@example.org subject)"
check "the subject travels RFC 2047-encoded (UTF-8)" grep -q '^Subject: =?UTF-8?B?' "$M"
check "To, From (its name encoded), Content-Language, Date, MIME-Version" same \
	"$(eml "$M" "m['To'], m['From'], m['Content-Language'], bool(m['Date'].datetime), m['MIME-Version']")" \
	"ada@example.org Agora Secrétariat <agora@example.org> fr True 1.0"
check "the text part is the stored body (its link included)" same "$(eml "$M" "m.get_body(('plain',)).get_content().replace(chr(13), '')")" "$(mail_of ada@example.org body_text)"
check "a mail without an unsubscribe URL has no List-Unsubscribe" same "$(eml "$M" "m['List-Unsubscribe']")" None
check "status sent, one attempt, sent_at set" wait_sql "SELECT status || ' ' || attempts || ' ' || (sent_at IS NOT NULL) FROM outbox WHERE to_addr = 'ada@example.org'" "sent 1 1"
check "the attempt recorded with the relay's reply" same "$(db "SELECT result || ' ' || smtp_code || ' ' || (reply LIKE '250 %') FROM outbox_attempts")" "sent 250 1"
check "agora mail list: sent" sh -c "'$AGORA' mail list --data '$DATA' --to ada@example.org | grep -q '^Status: sent '"

# ---- HTML, attachment, unsubscribe (as outbox_queue stores them) -------------------------------
if on_pg; then BLOB="'\\x7b2272223a2031207d'::bytea"; else BLOB="X'7B2272223A2031207D'"; fi
db "INSERT INTO outbox (created_at, to_addr, lang, kind, subject, body_text, message_id, body_html, unsubscribe_url,
	attach_name, attach_type, attach_data, status, next_attempt_at) VALUES ($(date +%s), 'ru@example.org', 'ru',
	'notice', 'Консультация открыта', 'Текст', '<t540.1@agora>', '<p>Текст <b>HTML</b></p>',
	'https://agora.example/unsubscribe?t=abc', 'receipt.json', 'application/json', $BLOB, 'queued', 0)"
check "a mail with HTML and an attachment arrives" wait_msgs 2
M=$(last_msg)
check "multipart/mixed holding multipart/alternative (text, html) and the attachment" same \
	"$(eml "$M" "[p.get_content_type() for p in m.walk()]")" \
	"['multipart/mixed', 'multipart/alternative', 'text/plain', 'text/html', 'application/json']"
check "the HTML part" same "$(eml "$M" "m.get_body(('html',)).get_content().strip()")" "<p>Текст <b>HTML</b></p>"
check "the attachment: its name and bytes" same "$(eml "$M" "[(a.get_filename(), a.get_content()) for a in m.iter_attachments()]")" "[('receipt.json', b'{\"r\": 1 }')]"
check "List-Unsubscribe and List-Unsubscribe-Post (RFC 8058)" same \
	"$(eml "$M" "m['List-Unsubscribe'], m['List-Unsubscribe-Post']")" "<https://agora.example/unsubscribe?t=abc> List-Unsubscribe=One-Click"
check "Subject in Cyrillic decoded" same "$(eml "$M" "m['Subject']")" "Консультация открыта"

# ---- relay down: recorded, retried after the backoff -------------------------------------------
stop_sink
register bob@example.org
check "relay down: the attempt is recorded as a retry, no reply code" wait_sql \
	"SELECT a.result || ' ' || a.smtp_code FROM outbox_attempts a JOIN outbox o ON o.id = a.outbox_id WHERE o.to_addr = 'bob@example.org'" "retry 0"
check "... the mail stays queued, 1 attempt, the next one a minute later" same \
	"$(mail_of bob@example.org "status || ' ' || attempts || ' ' || (next_attempt_at - (SELECT started_at FROM outbox_attempts a WHERE a.outbox_id = outbox.id) BETWEEN 60 AND 62)")" "queued 1 1"
check "... its last error says it could not connect" same "$(mail_of bob@example.org "last_error LIKE '%connect%'")" 1
start_sink
sleep 1.5
check "relay up again, backoff not passed: not sent yet" same "$(msgs)" 2
clock_by 90
check "clock past the backoff: it arrives" wait_msgs 3
check "... with its stored Message-ID" same "$(eml "$(last_msg)" "m['Message-ID']")" "$(mail_of bob@example.org message_id)"
check "... sent after 2 attempts (retry, sent)" wait_sql \
	"SELECT o.status || ' ' || o.attempts || ' ' || (SELECT group_concat(result, ',') FROM (SELECT result FROM outbox_attempts a WHERE a.outbox_id = o.id ORDER BY a.id) x) FROM outbox o WHERE to_addr = 'bob@example.org'" "sent 2 retry,sent"

# ---- a 451: try again later --------------------------------------------------------------------
echo tempfail >"$SINK/control"
register carol@example.org
check "451 to RCPT: a retry, the reply kept" wait_sql \
	"SELECT status || ' ' || attempts || ' ' || (last_error LIKE '451 %') FROM outbox WHERE to_addr = 'carol@example.org'" "queued 1 1"
: >"$SINK/control"
clock_by 90
check "after the backoff it is sent" wait_sql "SELECT status FROM outbox WHERE to_addr = 'carol@example.org'" sent

# ---- killed mid-send: sent again, the same Message-ID ------------------------------------------
echo hang >"$SINK/control"
N0=$(msgs)
register dan@example.org
for _ in $(seq 1 200); do [ -e "$SINK/hanging" ] && break; sleep 0.05; done
check "the relay has the message and holds back its 250" test -e "$SINK/hanging"
kill -KILL "$PID"; wait "$PID" 2>/dev/null; PID=""
check "killed mid-send: the mail is still queued (never marked sent before the relay's 250)" same "$(mail_of dan@example.org "status || ' ' || attempts")" "queued 1"
check "... its attempt is left 'sending'" same "$(db "SELECT result FROM outbox_attempts a JOIN outbox o ON o.id = a.outbox_id WHERE o.to_addr = 'dan@example.org'")" sending
: >"$SINK/control"
serve "${RELAY[@]}"
clock_by 400
check "restarted, the lease passed: the message arrives again" wait_msgs $((N0 + 2))
FIRST=$(ls "$SINK"/msg-*.eml | sed -n "$((N0 + 1))p")
SECOND=$(ls "$SINK"/msg-*.eml | sed -n "$((N0 + 2))p")
check "both copies carry the SAME Message-ID, the stored one" same "$(eml "$FIRST" "m['Message-ID']") $(eml "$SECOND" "m['Message-ID']")" \
	"$(mail_of dan@example.org message_id) $(mail_of dan@example.org message_id)"
check "... marked sent; attempts: interrupted, sent" wait_sql \
	"SELECT o.status || ' ' || (SELECT group_concat(result, ',') FROM (SELECT result FROM outbox_attempts a WHERE a.outbox_id = o.id ORDER BY a.id) x) FROM outbox o WHERE to_addr = 'dan@example.org'" "sent interrupted,sent"

# ---- SIGTERM while the relay holds its answer: a clean stop at once, the attempt a retry ---------
echo hang >"$SINK/control"
N0=$(msgs)
register erin@example.org
for _ in $(seq 1 200); do [ -e "$SINK/hanging" ] && break; sleep 0.05; done
T0=$(date +%s%N)
stop_server
check "SIGTERM mid-send: the server stops cleanly (0) within 3 s, not after the relay's timeout" \
	sh -c "[ $STOP_RC = 0 ] && [ $((($(date +%s%N) - T0) / 1000000)) -lt 3000 ]"
check "... the attempt recorded as a retry, saying why" same "$(mail_of erin@example.org "status || ' ' || last_error")" \
	"queued the server stopped during the attempt"
: >"$SINK/control"
serve "${RELAY[@]}"
clock_by 90
check "... restarted, it is sent again, the same Message-ID" wait_msgs $((N0 + 2))
check "... both copies: the stored Message-ID" same "$(for f in $(ls "$SINK"/msg-*.eml | tail -2); do eml "$f" "m['Message-ID']"; done | sort -u)" \
	"$(mail_of erin@example.org message_id)"

# ---- 550: the address is suppressed ------------------------------------------------------------
echo "refuse bad@example.org" >"$SINK/control"
N0=$(msgs)
register bad@example.org
check "550 to RCPT: the mail failed, the refusal kept" wait_sql \
	"SELECT status || ' ' || attempts || ' ' || (last_error LIKE '550 %') FROM outbox WHERE to_addr = 'bad@example.org'" "failed 1 1"
check "... the attempt: refused 550" same "$(db "SELECT a.result || ' ' || a.smtp_code FROM outbox_attempts a JOIN outbox o ON o.id = a.outbox_id WHERE o.to_addr = 'bad@example.org'")" "refused 550"
check "... the address is suppressed, with the reason" same "$(db "SELECT addr || ' ' || (reason LIKE '550 %') || ' ' || (lifted_at IS NULL) FROM mail_suppressed")" "bad@example.org 1 1"
register BAD@example.org
check "registering that address again queues a new mail, stored 'suppressed'" same \
	"$(db "SELECT status, last_error LIKE 'not sent: the address is suppressed (550 %' FROM outbox WHERE lower(to_addr) = 'bad@example.org' ORDER BY id")" "$(printf 'failed|0\nsuppressed|1')"
clock_by 90
sleep 1.5
check "... and never sent" same "$(msgs)" "$N0"
check "agora mail list --status suppressed shows it" sh -c "'$AGORA' mail list --data '$DATA' --status suppressed | grep -q '^Status: suppressed (attempts: 0): not sent: the address is suppressed'"
check "agora mail list --status bogus: a usage error" sh -c "'$AGORA' mail list --data '$DATA' --status bogus 2>/dev/null; [ \$? = 2 ]"
: >"$SINK/control"
ID=$(mail_of bad@example.org id)
"$AGORA" mail retry --data "$DATA" "$(mail_of ada@example.org id)" >"$TMP/retry.out" 2>&1
check "agora mail retry on a sent mail: refused (1), says why" sh -c "[ $? = 1 ] && grep -q 'only a failed or suppressed mail' '$TMP/retry.out'"
"$AGORA" mail retry --data "$DATA" --test-clock-file "$CLOCK" "$ID" >"$TMP/retry.out" 2>&1
check "agora mail retry ID: queued again" grep -q "Mail $ID was suppressed; it is queued again" "$TMP/retry.out"
check "... the suppression lifted (kept, with lifted_at)" same "$(db "SELECT COUNT(*) || ' ' || COUNT(lifted_at) FROM mail_suppressed")" "1 1"
check "... and it arrives" wait_msgs $((N0 + 1))
check "... sent" wait_sql "SELECT status FROM outbox WHERE id = $ID" sent

login "$TMP/sec2"
req GET "/admin/mail?status=suppressed" -b "$TMP/sec2"
check "/admin/mail?status=suppressed: only suppressed mail (none left after the retry)" sh -c "[ $STATUS = 200 ] && grep -qF 'No mail.' '$TMP/b'"
req GET "/admin/mail?status=failed" -b "$TMP/sec2"
check "/admin/mail?status=failed: the refused mail with the relay's 550, escaped" sh -c "grep -q '<tr class=\"failed\">.*bad@example.org.*550 5.1.1 &lt;bad@example.org&gt;: Recipient address rejected' '$TMP/b' && ! grep -q 'ada@example.org' '$TMP/b'"
req GET "/admin/mail?status=bogus" -b "$TMP/sec2"
check "/admin/mail?status=bogus: 400" status_is 400
req GET /admin/mail -b "$TMP/sec2"
check "/admin/mail with a relay says mail is sent through it" body_has "Mail is sent through the relay"

stop_server
check "the server stops cleanly with the mail worker" same "$STOP_RC" 0
finish
