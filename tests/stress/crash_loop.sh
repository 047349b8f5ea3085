#!/bin/bash
# crash_loop.sh [N]: kill -9 of the server at random moments, N times (default 50), under
# continuous submission load from several clients; the server is restarted on the same data
# folder each time. After each restart: every submission acknowledged so far (201, its id
# recorded by the client) is in the store exactly once, by its id and its content; no content is
# stored twice; PRAGMA integrity_check says ok (SQLite); `agora log verify --data` passes. At
# the end a summary line: submissions sent, acknowledged, found, time. TAP lines, lib.sh's
# helpers: run from tests/blackbox/t500_crash_loop.sh (small N) and `make stress` (N=50).
# Works on both stores (AGORA_PG_URL set: PostgreSQL, without the integrity_check).
. "$(dirname "$0")/../blackbox/lib.sh"
cd "$(dirname "$0")/../.." || exit 1
ROUNDS=${1:-50}
CLIENTS=${CRASH_CLIENTS:-4}
ROUND=multilingual-internet	# the open demo round, post-moderation
T0=$(date +%s)

# client C: submits one response after another until $TMP/stop exists, to whichever server is
# up ($TMP/base); each 201 appends "ID TAG" to $TMP/acks-C in one write. Every attempt appends
# a line to $TMP/sent-C. Unique contents: "CL C-I" in the summary, "Answer C-I" in the answer.
client() {
	local c=$1 i=0 code base id
	while [ ! -e "$TMP/stop" ]; do
		i=$((i + 1))
		base=$(cat "$TMP/base" 2>/dev/null)
		printf '{"respondent":{"name":"C%s","organization":"Org","job_title":"T","country":"KE","stakeholder_type":"academia","email":"c@example.org"},"publish_as":"name","language":"en","summary":"CL %s-%s","answers":[{"question":1,"text":"Answer %s-%s"}]}' \
			"$c" "$c" "$i" "$c" "$i" >"$TMP/req-$c.json"
		echo "$i" >>"$TMP/sent-$c"
		code=$(curl -s -o "$TMP/ans-$c.json" -w '%{http_code}' --max-time 10 -X POST \
			-H 'Content-Type: application/json' --data-binary @"$TMP/req-$c.json" \
			"$base/api/v1/consultations/$ROUND/responses" 2>/dev/null)
		if [ "$code" = 201 ]; then
			id=$(sed -n 's/^{"id":"\([^"]*\)".*/\1/p' "$TMP/ans-$c.json")
			printf '%s %s-%s\n' "${id:-NOID}" "$c" "$i" >>"$TMP/acks-$c"
		else
			sleep 0.05	# the server is down or restarting
		fi
	done
}

# verify WHEN: the store against every acknowledgement recorded so far
verify() {
	local when=$1 out
	cat "$TMP"/acks-* 2>/dev/null | grep -E '^[^ ]+ [0-9]+-[0-9]+$' >"$TMP/acks.now"
	if ! sql "SELECT r.public_id || ' ' || v.summary || ' ' || a.body FROM responses r
		JOIN response_versions v ON v.response_id = r.id AND v.version = 1
		JOIN response_answers a ON a.response_id = r.id AND a.version = 1 AND a.question = 1
		WHERE v.summary LIKE 'CL %'" >"$TMP/rows.now" 2>"$TMP/sql.err"; then
		not_ok "$when: the store answers" "$(head -3 "$TMP/sql.err")"
		return
	fi
	out=$(python3 - "$TMP/acks.now" "$TMP/rows.now" <<'EOF'
import sys
acks = [l.split() for l in open(sys.argv[1]) if l.strip()]
rows = {}
for l in open(sys.argv[2]):
    p = l.rstrip("\n").split(" ")
    if len(p) == 5 and p[1] == "CL" and p[3] == "Answer":
        rows.setdefault(p[2], []).append((p[0], p[4]))
bad = []
for rid, tag in acks:
    got = rows.get(tag, [])
    if len(got) != 1 or got[0][0] != rid or got[0][1] != tag:
        bad.append("%s %s: %s" % (rid, tag, got or "missing"))
dups = [t for t, v in rows.items() if len(v) > 1]
print(len(acks), len(rows), len(bad), len(dups), len(acks) - len(bad), "; ".join(bad[:3] + dups[:3]))
EOF
)
	set -- $out
	ACKED=$1 STORED=$2 FOUND=$5
	if [ "${3:-1}" = 0 ] && [ "${4:-1}" = 0 ]; then
		ok "$when: all $1 acknowledged submissions are there exactly once, by id and content ($2 stored)"
	else
		not_ok "$when: every acknowledged submission is there exactly once" "$out"
	fi
	if ! on_pg; then
		out=$(sqlite3 -cmd '.timeout 5000' "$DATA/agora.db" 'PRAGMA integrity_check' 2>&1)
		check "$when: PRAGMA integrity_check: ok" [ "$out" = ok ]
		[ "$out" = ok ] || echo "# $out" | head -5
	fi
	if "$AGORA" log verify --data "$DATA" >"$TMP/verify.out" 2>&1; then
		ok "$when: agora log verify --data passes"
	else
		not_ok "$when: agora log verify --data passes" "$(tail -3 "$TMP/verify.out")"
	fi
}

init_data || { not_ok "a fresh data folder"; finish; }
start_server --submit-rate 0
echo "$BASE" >"$TMP/base"
CLIENT_PIDS=""
trap '[ -z "$CLIENT_PIDS" ] || kill $CLIENT_PIDS 2>/dev/null; cleanup' EXIT
for c in $(seq 1 "$CLIENTS"); do client "$c" & CLIENT_PIDS="$CLIENT_PIDS $!"; done
kills=0
for k in $(seq 1 "$ROUNDS"); do
	# a random moment: 0.4 to 1.6 s of load on this server
	sleep "$(awk -v s="$RANDOM" 'BEGIN { srand(s); printf "%.2f", 0.4 + rand() * 1.2 }')"
	before=$(cat "$TMP"/acks-* 2>/dev/null | wc -l)
	kill -KILL "$PID"
	wait "$PID" 2>/dev/null
	PID=""
	kills=$((kills + 1))
	: >"$TMP/base"
	start_server --submit-rate 0
	echo "$BASE" >"$TMP/base"
	sleep 0.2	# a client that had its 201 just before the kill has written it down
	verify "restart $k/$ROUNDS ($before acknowledged before the kill)"
done
# Some load on the last server, then a clean stop, and once more on the stopped folder.
sleep 1
touch "$TMP/stop"
wait $CLIENT_PIDS 2>/dev/null
stop_server
check "the last server stops cleanly" [ "$STOP_RC" = 0 ]
verify "after the clean stop"
SENT=$(cat "$TMP"/sent-* | wc -l)
check "acknowledgements came from more than one server life ($ACKED of $SENT)" \
	sh -c "[ $ACKED -gt $((kills * 2)) ]"
echo "# crash loop: kills=$kills clients=$CLIENTS submissions=$SENT acknowledged=$ACKED found=$FOUND stored=$STORED seconds=$(($(date +%s) - T0))"
finish
