#!/bin/bash
# t90_abuse: anonymous submissions are limited per client address (--submit-rate, a token bucket
# on the test clock) on the API and the form alike, answered 429 with Retry-After and nothing
# stored; the respond form's honeypot field; and a 10,000-submission burst from one address that
# is throttled and logged while the server stays responsive.
. "$(dirname "$0")/lib.sh"
FIX=$(cd "$(dirname "$0")" && pwd)/fixtures
JANE=$FIX/resp-jane.json
ROUND=multilingual-internet	# the open demo round
SUB=/api/v1/consultations/$ROUND/responses
FORM=/consultations/$ROUND/respond
RATE=5
init_data
CLOCK=$TMP/clock
echo "+0" >"$CLOCK"
start_server --submit-rate "$RATE" --trusted-proxies 127.0.0.1 --test-clock-file "$CLOCK" \
	--scheduler-tick-ms 50 --page-cache-ms 0

same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
matches() { [[ $1 =~ $2 ]] || { echo "# '$1' does not match $2"; return 1; }; }
rows() { sql 'SELECT COUNT(*) FROM responses'; }
blobs() { find "$DATA"/blobs/??/ -type f 2>/dev/null | wc -l; }
stored() { printf '%s/%s' "$(rows)" "$(blobs)"; }
# post_json [CURL ARGS...]: the fixture to the API
post_json() { req POST "$SUB" -H 'Content-Type: application/json' --data-binary @"$JANE" "$@"; }
# A browser's cookie jar and the csrf value of the respond form it was given (the form needs it).
JAR=$TMP/jar
CSRF=$(curl -s -b "$JAR" -c "$JAR" "$BASE$FORM" | grep -o 'name="csrf" value="[^"]*"' | head -1 | cut -d'"' -f4)
# post_form [CURL ARGS...]: a correct respond form, as the page sends it
post_form() {
	req POST "$FORM" -b "$JAR" --form-string "csrf=$CSRF" \
		--form-string "name=Jane Doe" --form-string "organization=Example Org" \
		--form-string "job_title=Head of Policy" --form-string "country=FR" \
		--form-string "stakeholder_type=civil_society" --form-string "email=jane@example.net" \
		--form-string "publish_as=name" --form-string "language=en" \
		--form-string "summary=Universal acceptance comes first." --form-string "consent=1" "$@"
}
throttle_lines() { grep -c "msg=\"submission throttled\" addr=$1 " "$TMP/serve.err"; }

# ---- The setting ------------------------------------------------------------------------------
check "config: submit-rate defaults to 30" matches "$("$AGORA" config check --data "$DATA" 2>&1 | grep '^submit-rate ')" '^submit-rate +30 +default +AGORA_SUBMIT_RATE$'
check "config: AGORA_SUBMIT_RATE is read" matches "$(AGORA_SUBMIT_RATE=0 "$AGORA" config check --data "$DATA" 2>&1 | grep '^submit-rate ')" '^submit-rate +0 +env '
out=$("$AGORA" config check --data "$DATA" --submit-rate 1000001 2>&1)
check "config: --submit-rate above 1000000 is refused" matches "$out" 'submit-rate: 1000001 is outside 0\.\.1000000'
check "--help names --submit-rate" matches "$("$AGORA" serve --help 2>&1 | grep -- '--submit-rate')" 'AGORA_SUBMIT_RATE +30 \(0\.\.1000000\)'

# ---- The limit: RATE submissions, then 429 -------------------------------------------------------
before=$(stored)
codes=""
for i in $(seq 1 "$RATE"); do post_json; codes="$codes $STATUS"; done
check "the first $RATE submissions from 127.0.0.1: 201" same "$codes" "$(printf ' 201%.0s' $(seq 1 "$RATE"))"
check "they are stored ($RATE rows)" same "$(rows)" "$((${before%/*} + RATE))"
before=$(stored)
post_json
check "submission $((RATE + 1)): 429" status_is 429
check "429: application/problem+json" same "$(header Content-Type)" "application/problem+json"
check "429: the problem says 429 and why" same "$(json 'j["status"], j["title"], "too many submissions" in j["detail"]')" "429 Too Many Requests True"
retry=$(header Retry-After)
check "429: Retry-After is the seconds until a token (1..12 at 5 a minute): $retry" matches "$retry" '^([1-9]|1[0-2])$'
check "429: the detail gives the same wait" same "$(json 'j["detail"]')" "too many submissions from this address: try again in $retry seconds"
check "429: security headers as on every answer" matches "$(header X-Content-Type-Options)/$(header X-Request-Id)" '^nosniff/[0-9a-f]{16}$'
req POST "$SUB" -F "response=<$JANE;type=application/json" -F "attachments=@$FIX/page-notes.txt"
check "a multipart submission with a file: 429 too" status_is 429
post_form
check "the respond form from the same address: 429 (one bucket per address)" status_is 429
check "form 429: an HTML page" matches "$(header Content-Type)" '^text/html'
check "form 429: Retry-After" matches "$(header Retry-After)" '^([1-9]|1[0-2])$'
check "form 429: says to wait" body_has "Please wait a minute"
check "nothing stored for the 429s (rows/blobs $before)" same "$(stored)" "$before"
check "the log has the throttle line (addr, route)" grep -q 'warn msg="submission throttled" addr=127.0.0.1 route=api_response_submit ' "$TMP/serve.err"
check "the log names the form's route too" grep -q 'msg="submission throttled" addr=127.0.0.1 route=respond_post ' "$TMP/serve.err"
req GET /api/v1/consultations/$ROUND/responses
check "reading is not limited: GET responses 200" status_is 200
req GET "$FORM"
check "reading is not limited: the form 200" status_is 200

# ---- Another address (through the trusted proxy) is not throttled ------------------------------
post_json -H "X-Forwarded-For: 203.0.113.9"
check "another address (X-Forwarded-For 203.0.113.9 from a trusted proxy): 201" status_is 201
post_json
check "127.0.0.1 itself still 429" status_is 429

# ---- Time refills the bucket --------------------------------------------------------------------
echo "+60" >"$CLOCK"
for _ in $(seq 1 100); do
	[ "$(curl -s "$BASE/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["uptime_s"] >= 60)')" = True ] && break
	sleep 0.05
done
post_json
check "a minute later on the test clock 127.0.0.1 gets 201 again" status_is 201

# ---- The honeypot --------------------------------------------------------------------------------
req GET "$FORM"
check "the form has the honeypot input, inside the hidden wrapper" body_has '<div class="hp" aria-hidden="true">
<label for="f-website">Leave this empty</label>
<input id="f-website" name="website" type="text" tabindex="-1" autocomplete="off" value="">
</div>'
check "no inline style (CSP forbids it)" body_lacks 'style='
req GET /static/agora.css
check "agora.css puts .hp off screen" matches "$(grep -o '}\.hp{[^}]*}' "$TMP/b")" 'position:absolute;inset-inline-start:-10000px;'
before=$(stored)
post_form -H "X-Forwarded-For: 203.0.113.20" --form-string "website=http://spam.example/"
check "a form with the honeypot filled in: 400" status_is 400
check "400: an HTML page saying why" body_has "The form was not filled in by a person."
check "the honeypot refusal stores nothing" same "$(stored)" "$before"
check "the honeypot refusal is logged" grep -q 'warn msg="honeypot filled in: refused" addr=203.0.113.20 ' "$TMP/serve.err"
post_form -H "X-Forwarded-For: 203.0.113.20" --form-string "website="
check "the same form with the honeypot empty: 201" status_is 201
req POST "$SUB" -H "X-Forwarded-For: 203.0.113.21" -F "response=<$JANE;type=application/json" --form-string "website=x"
check "the API has no honeypot: 201" status_is 201

# ---- A 10,000-submission burst from one address ----------------------------------------------
cat >"$TMP/burst.py" <<'PY'
import http.client, json, sys, threading, time
port, body_file, total, conns, rate = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
body = open(body_file, 'rb').read()
path = '/api/v1/consultations/multilingual-internet/responses'
hdrs = {'Content-Type': 'application/json', 'X-Forwarded-For': '198.51.100.77'}
lock = threading.Lock()
counts, bad_retry, errors = {}, [], []
sent = [0]
stop = [False]
deadline = time.time() + 60

def worker():
    c = http.client.HTTPConnection('127.0.0.1', port, timeout=10)
    while True:
        with lock:
            if sent[0] >= total or time.time() > deadline:
                break
            sent[0] += 1
        try:
            c.request('POST', path, body, hdrs)
            r = c.getresponse()
            r.read()
            st = r.status
            ra = r.getheader('Retry-After')
        except Exception as e:
            with lock:
                errors.append(repr(e))
            c.close()
            c = http.client.HTTPConnection('127.0.0.1', port, timeout=10)
            continue
        with lock:
            counts[st] = counts.get(st, 0) + 1
            if st == 429 and not (ra and ra.isdigit() and 1 <= int(ra) <= 60 // rate):
                bad_retry.append(ra)
    c.close()

health = []	# (status, seconds) of each GET /healthz during the burst
def prober():
    while not stop[0]:
        t = time.time()
        try:
            c = http.client.HTTPConnection('127.0.0.1', port, timeout=5)
            c.request('GET', '/healthz')
            r = c.getresponse()
            r.read()
            health.append((r.status, time.time() - t))
            c.close()
        except Exception as e:
            health.append((repr(e), time.time() - t))
        time.sleep(0.05)

t0 = time.time()
ws = [threading.Thread(target=worker) for _ in range(conns)]
p = threading.Thread(target=prober)
p.start()
for w in ws: w.start()
for w in ws: w.join()
stop[0] = True
p.join()
print(json.dumps({'counts': counts, 'seconds': time.time() - t0, 'bad_retry': bad_retry[:5],
                  'errors': errors[:5], 'nerrors': len(errors), 'health': health}))
PY
rows0=$(rows)
throttled0=$(throttle_lines 198.51.100.77)
python3 "$TMP/burst.py" "$PORT" "$JANE" 10000 4 "$RATE" >"$TMP/burst.json"
cp "$TMP/burst.json" "$TMP/b"
secs=$(json '"%.1f" % j["seconds"]')
n201=$(json 'j["counts"].get("201", 0)')
n429=$(json 'j["counts"].get("429", 0)')
echo "# burst: $(json 'j["counts"]') in ${secs}s; /healthz $(json 'len(j["health"])') times, slowest $(json '"%.3f" % max(h[1] for h in j["health"])')s"
check "burst: 10,000 answers, no connection errors" same "$(json 'sum(j["counts"].values()), j["nerrors"]')" "10000 0"
# A token comes every 60/RATE s of real time: a burst that took longer may see one more 201 for each.
between() { [ "$1" -ge "$2" ] && [ "$1" -le "$3" ] || { echo "# $1 is not in $2..$3"; return 1; }; }
check "burst: only the first $RATE are 201 (plus one per $((60 / RATE)) s it took: ${secs}s): $n201" \
	between "$n201" "$RATE" "$(json "$RATE + int(j['seconds'] // (60 / $RATE))")"
check "burst: all the rest are 429" same "$n429" "$((10000 - n201))"
check "burst: no 5xx" same "$(json 'sum(v for k, v in j["counts"].items() if int(k) >= 500)')" 0
check "burst: every 429 has a Retry-After of 1..12 s" same "$(json 'j["bad_retry"]')" "[]"
check "burst: GET /healthz answered 200 throughout (at least 5 probes)" same "$(json 'len(j["health"]) >= 5 and all(h[0] == 200 for h in j["health"])')" True
check "burst: each /healthz within 1 s" same "$(json 'max(h[1] for h in j["health"]) < 1.0')" True
check "burst: rows stored equal the 201s" same "$(($(rows) - rows0))" "$n201"
check "burst: each 429 logged as throttled" same "$(($(throttle_lines 198.51.100.77) - throttled0))" "$n429"
req GET /healthz
check "after the burst the server answers" status_is 200
post_json -H "X-Forwarded-For: 198.51.100.78"
check "after the burst another address still gets 201" status_is 201

stop_server
check "the server stops cleanly after the burst" same "$STOP_RC" 0
finish
