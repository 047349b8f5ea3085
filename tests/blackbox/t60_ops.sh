#!/bin/bash
# t60_ops: operational behaviour: request ids in the log, log-line escaping, trusted proxies,
# the per-address connection limit, the idle timeout, the body-size limit, HEAD, junk input,
# /metrics. All traffic goes to 127.0.0.1; every wait is bounded.
. "$(dirname "$0")/lib.sh"
init_data
TOKEN=$("$AGORA" token create --data "$DATA" --email secretariat@agora.example)

# log_line ID: the server's log line(s) for request ID (waits up to 2 s: the line is written
# when the request completes, which may be just after curl has the answer)
log_line() {
	for _ in $(seq 1 40); do
		grep -F "msg=request id=$1 " "$TMP/serve.err" && return 0
		sleep 0.05
	done
	return 1
}
# logged_addr ID: the addr= of request ID's log line
logged_addr() { log_line "$1" | head -1 | sed -n 's/.* addr=\([^ ]*\).*/\1/p'; }
now_ms() { date +%s%3N; }
# one_of VALUE CHOICE...: VALUE is one of the choices
one_of() { v=$1; shift; for c in "$@"; do [ "$v" = "$c" ] && return 0; done; return 1; }
# all_of CMD... -- CMD...: every command succeeds
all_of() {
	a=()
	for w in "$@" --; do
		if [ "$w" = -- ]; then "${a[@]}" || return 1; a=(); else a+=("$w"); fi
	done
}
# not_answered CURL_RC HTTP_CODE: curl failed or got no HTTP status
not_answered() { [ "$1" != 0 ] || [ "$2" = 000 ]; }
# alive: the server process is still running and /healthz answers 200 (counted in HZ)
HZ=0
alive() {
	HZ=$((HZ + 1))
	kill -0 "$PID" 2>/dev/null || { echo "# the server process is gone"; return 1; }
	[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$BASE/healthz")" = 200 ]
}
restart() { stop_server; start_server "$@"; HZ=0; }

start_server

# --- Request ids: in the header, in the log line, unique.
req GET /consultations/ott
id1=$(header X-Request-Id)
check "a page answer has an X-Request-Id" [ -n "$id1" ]
line=$(log_line "$id1")
check "the request id appears in the log line of that request" [ -n "$line" ]
check "the log line has exactly one entry for that id" [ "$(printf '%s\n' "$line" | grep -c .)" = 1 ]
check "the log line names the route" sh -c "printf '%s' '$line' | grep -q ' route=consultation '"
check "the log line has the status" sh -c "printf '%s' '$line' | grep -q ' status=200 '"
check "the log line has the method and path" sh -c "printf '%s' '$line' | grep -qF 'method=GET path=\"/consultations/ott\"'"
req GET /nope/at/all
id2=$(header X-Request-Id)
check "two requests have different ids" all_of [ -n "$id2" ] -- [ "$id1" != "$id2" ]
line=$(log_line "$id2")
check "a 404 is logged with its id, route none and status 404" \
	sh -c "printf '%s' '$line' | grep -q ' route=none status=404 '"

# --- A control byte in the path cannot forge a log line.
req GET "/consultations/%0d%0aFAKE%20msg=request%20id=forged"
idc=$(header X-Request-Id)
line=$(log_line "$idc")
check "a path with CR LF is logged" [ -n "$line" ]
check "no log line starts with the injected text" sh -c "! grep -q '^FAKE' '$TMP/serve.err'"
check "the injected text stays on the request's own line" sh -c "printf '%s' '$line' | grep -qF 'FAKE msg=request id=forged'"
check "CR and LF are escaped as \\x0d\\x0a" sh -c "printf '%s' '$line' | grep -qF '\\x0d\\x0aFAKE'"
req GET "/consultations/a%1b%5b31mred%7f"
line=$(log_line "$(header X-Request-Id)")
check "ESC and DEL are escaped in the log" sh -c "printf '%s' '$line' | grep -qF 'a\\x1b[31mred\\x7f'"

# --- Trusted proxies: X-Forwarded-For is believed only from one.
req GET /healthz -H "X-Forwarded-For: 203.0.113.7"
check "by default X-Forwarded-For is not believed" [ "$(logged_addr "$(header X-Request-Id)")" = 127.0.0.1 ]

restart --trusted-proxies 127.0.0.1
req GET /healthz
check "trusted proxy, no header: the peer address" [ "$(logged_addr "$(header X-Request-Id)")" = 127.0.0.1 ]
req GET /healthz -H "X-Forwarded-For: 203.0.113.7"
check "from a trusted proxy the forwarded address is logged" [ "$(logged_addr "$(header X-Request-Id)")" = 203.0.113.7 ]
req GET /healthz -H "X-Forwarded-For: 198.51.100.1, 203.0.113.7"
check "the rightmost forwarded address is used" [ "$(logged_addr "$(header X-Request-Id)")" = 203.0.113.7 ]
req GET /healthz -H "X-Forwarded-For: 198.51.100.1, 203.0.113.7, 127.0.0.1"
check "trusted proxies in the chain are skipped" [ "$(logged_addr "$(header X-Request-Id)")" = 203.0.113.7 ]
req GET /healthz -H "X-Forwarded-For: garbage"
check "a garbage X-Forwarded-For falls back to the peer" [ "$(logged_addr "$(header X-Request-Id)")" = 127.0.0.1 ]
req GET /healthz -H "X-Forwarded-For: 203.0.113.7 garbage\"x"
check "garbage after an address is ignored" [ "$(logged_addr "$(header X-Request-Id)")" = 203.0.113.7 ]

# --- Per-address connection limit.
restart --per-ip-connections 2
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
exec 4<>"/dev/tcp/127.0.0.1/$PORT"
sleep 0.2
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$BASE/healthz"); rc=$?
check "a third connection from the address gets no answer (curl $rc, status $code)" \
	not_answered "$rc" "$code"
exec 3>&- 4>&-
code=000
for _ in $(seq 1 40); do
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/healthz")
	[ "$code" = 200 ] && break
	sleep 0.1
done
check "once the idle connections close, requests are answered again" [ "$code" = 200 ]

# --- Idle connection timeout.
restart --conn-timeout 1
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
sleep 2.5
t0=$(now_ms)
got=$(timeout 2 cat <&3 | head -c 1000); rc=${PIPESTATUS[0]}
t1=$(now_ms)
exec 3>&-
check "an idle connection is closed by the server after --conn-timeout (read took $((t1 - t0)) ms)" \
	[ $((t1 - t0)) -lt 1000 ]
check "the read ends with EOF, not the 2 s timeout (rc $rc)" [ "$rc" = 0 ]
check "alive after the timeout" alive

# --- Body-size limit.
restart --max-body-bytes 2048
head -c 4096 /dev/zero | tr '\0' a >"$TMP/big"
AUTH="Authorization: Bearer $TOKEN"
req POST /api/v1/consultations -H "$AUTH" -H 'Content-Type: application/json' --data-binary @"$TMP/big"
check "a 4096-byte body over a 2048-byte limit is a 413" status_is 413
check "the 413 is problem+json" [ "$(header Content-Type)" = "application/problem+json" ]
check "the problem says 413" [ "$(json 'j["status"]')" = 413 ]
req POST /api/v1/consultations -H "$AUTH" -H 'Content-Type: application/json' \
	-H 'Transfer-Encoding: chunked' --data-binary @"$TMP/big"
check "the same body chunked (no Content-Length) is a 413 too" status_is 413
check "the chunked 413 is problem+json" [ "$(header Content-Type)" = "application/problem+json" ]
head -c 2000 /dev/zero | tr '\0' a >"$TMP/small"
req POST /api/v1/consultations -H "$AUTH" -H 'Content-Type: application/json' \
	-H 'Transfer-Encoding: chunked' --data-binary @"$TMP/small"
check "a chunked body under the limit is not refused as too large ($STATUS)" one_of "$STATUS" 400 422
t0=$(now_ms)
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST -H 'Content-Length: 99999999999' "$BASE/no/such/path")
t1=$(now_ms)
check "a huge Content-Length to an unknown path: 404 or 413 ($code)" one_of "$code" 404 413
check "... answered at once, no hang ($((t1 - t0)) ms)" [ $((t1 - t0)) -lt 2000 ]
check "alive after the big bodies" alive

# --- HEAD.
req GET /consultations/ott
get_len=$(header Content-Length)
STATUS=$(curl -s -I -o "$TMP/hh" -w '%{http_code}' --max-time 5 "$BASE/consultations/ott")
check "HEAD answers 200" [ "$STATUS" = 200 ]
head_len=$(grep -i '^Content-Length:' "$TMP/hh" | head -1 | cut -d' ' -f2- | tr -d '\r')
check "HEAD has the Content-Length of the GET ($head_len vs $get_len)" all_of [ -n "$get_len" ] -- [ "$head_len" = "$get_len" ]
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
printf 'HEAD /consultations/ott HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
timeout 3 cat <&3 >"$TMP/raw"
exec 3>&-
check "HEAD on the wire: status 200" sh -c "head -1 '$TMP/raw' | grep -q '^HTTP/1.1 200'"
check "HEAD on the wire: nothing after the headers" python3 -c "
import sys; d=open('$TMP/raw','rb').read(); i=d.find(b'\r\n\r\n')
sys.exit(0 if i >= 0 and d[i+4:] == b'' else 1)"

# --- Junk does not crash the server.
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
printf 'GARBAGE\r\n\r\n' >&3
timeout 3 cat <&3 >"$TMP/raw"
exec 3>&-
check "a malformed request line gets a 400 or a close" sh -c "[ ! -s '$TMP/raw' ] || head -1 '$TMP/raw' | grep -q '^HTTP/1.1 4'"
check "alive after a malformed request line" alive
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
printf 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX: \001\002\r\n\r\n' >&3
timeout 3 cat <&3 >/dev/null
exec 3>&-
check "alive after a header with control bytes" alive
big=$(head -c 10240 /dev/zero | tr '\0' b)
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "X-Big: $big" "$BASE/consultations/ott")
check "a 10 KB header value gets an answer ($code)" [ "$code" != 000 ]
check "alive after a 10 KB header" alive
long=$(head -c 5000 /dev/zero | tr '\0' a)
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$BASE/$long")
check "a 5000-character path is a 404 or 414 ($code)" one_of "$code" 404 414
check "alive after a long path" alive
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$BASE/consultations/a%00b")
check "a NUL byte in the path is refused ($code)" one_of "$code" 404 400
check "alive after a NUL byte in the path" alive
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$BASE/api/v1/consultations/a%00b")
check "a NUL byte in an API path is refused ($code)" one_of "$code" 404 400
check "alive after a NUL byte in an API path" alive

# --- /metrics.
req GET /metrics
check "/metrics answers 200" status_is 200
check "/metrics is the Prometheus text format" sh -c "case '$(header Content-Type)' in 'text/plain; version=0.0.4'*) exit 0;; *) exit 1;; esac"
check "/metrics counts HTTP requests" body_has "agora_http_requests_total{"
hz=$(sed -n 's/^agora_http_requests_total{route="healthz",status="200"} \([0-9]*\)$/\1/p' "$TMP/b")
check "/metrics counted every healthz call of this server (${hz:-none}, wanted $HZ)" [ "${hz:-0}" = "$HZ" ]
check "/metrics shows the slow pool, idle: 0 queued, 0 running" sh -c "grep -qx 'agora_slow_jobs{state=\"queued\"} 0' '$TMP/b' && grep -qx 'agora_slow_jobs{state=\"running\"} 0' '$TMP/b'"
check "/metrics counted a 413" sh -c "grep -q '^agora_http_requests_total{route=\"api_consultation_create\",status=\"413\"} [1-9]' '$TMP/b'"

stop_server
check "the server stops with status 0" [ "$STOP_RC" = 0 ]
finish
