#!/bin/bash
# t515_overload: submissions beyond what the writer can take (a queue of 8, one write a commit,
# 100 ms a commit) are answered 503 problem+json with Retry-After; every 201 is stored, whole,
# and survives a SIGKILL of the server right after the burst; nothing answered 503 is stored.
# Never an acknowledgement followed by a loss.
. "$(dirname "$0")/lib.sh"
ABUSE=$(cd "$(dirname "$0")/../abuse" && pwd)
FIX=$(cd "$(dirname "$0")" && pwd)/fixtures
N=60
init_data
same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
# The demo documents' text is read by background jobs at the first start, through the writer:
# let them finish first, so that the burst is alone in the queue.
start_server
for _ in $(seq 1 200); do
	[ "$(sql "SELECT COUNT(*) FROM jobs WHERE state IN ('pending', 'running')")" = 0 ] && break
	sleep 0.05
done
stop_server
start_server --writer-queue 8 --writer-batch 1 --test-writer-delay-ms 100 --submit-rate 0
rows0=$(sql "SELECT COUNT(*) FROM responses")
t0=$(date +%s%N)
python3 "$ABUSE/overload.py" "$PORT" "$FIX/resp-jane.json" "$N" t515-burst >"$TMP/b"
ms=$((($(date +%s%N) - t0) / 1000000))
n201=$(json 'sum(1 for x in j if x["status"] == 201)')
n503=$(json 'sum(1 for x in j if x["status"] == 503)')
echo "# $N submissions at once: $n201 201, $n503 503, in $ms ms"
check "every submission got 201 or 503, nothing else (no error, no reset)" same "$((n201 + n503))" "$N"
check "the writer took some ($n201 >= 2)" same "$((n201 >= 2))" 1
check "beyond its capacity, 503 ($n503 >= $((N / 2)))" same "$((n503 >= N / 2))" 1
check "every 503 is application/problem+json with status 503" \
	same "$(json 'all(x["type"] == "application/problem+json" and x["problem_status"] == 503 for x in j if x["status"] == 503)')" True
check "every 503 has Retry-After: a whole number of seconds, 1..60" \
	same "$(json 'all((x["retry_after"] or "").isdigit() and 1 <= int(x["retry_after"]) <= 60 for x in j if x["status"] == 503)')" True
json '"\n".join(x["id"] + " " + x["summary"] for x in j if x["status"] == 201)' >"$TMP/acked"
check "the 201s name distinct responses" same "$(cut -d' ' -f1 "$TMP/acked" | sort -u | wc -l)" "$n201"
# SIGKILL at once: an acknowledged submission was committed before its 201.
kill -KILL "$PID"
wait "$PID" 2>/dev/null
PID=""
check "after SIGKILL: the store holds exactly the 201s ($n201 new rows), none of the 503s" same "$(($(sql "SELECT COUNT(*) FROM responses") - rows0))" "$n201"
start_server
lost=0
while read -r id summary; do
	req GET "/api/v1/responses/$id"
	[ "$STATUS" = 200 ] && [ "$(json 'j["summary"]')" = "$summary" ] || { lost=$((lost + 1)); echo "# lost: $id ($summary): $STATUS"; }
done <"$TMP/acked"
check "after the restart every acknowledged response is served with its own summary ($n201)" same "$lost" 0
req POST /api/v1/consultations/multilingual-internet/responses -H 'Content-Type: application/json' --data-binary @"$FIX/resp-jane.json"
check "the restarted server takes a submission: 201" status_is 201
stop_server
check "it stops cleanly" same "$STOP_RC" 0
finish
