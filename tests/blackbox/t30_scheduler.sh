#!/bin/bash
# t30_scheduler: moving the test clock past opens_at and closes_at opens and closes a round,
# each event exactly once, without sleeping until the real deadline.
. "$(dirname "$0")/lib.sh"
init_data
CLOCK=$TMP/clock
echo "+0" >"$CLOCK"
opens=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
closes=$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)
cat >"$TMP/round.json" <<JSON
{"slug":"clocked","original_language":"en","opens_at":"$opens","closes_at":"$closes",
 "texts":{"en":{"title":"A round on the test clock"}},"questions":[{"number":1,"text":{"en":"Q?"}}]}
JSON
"$AGORA" consultation create --data "$DATA" "$TMP/round.json" >/dev/null 2>&1
start_server --test-clock-file "$CLOCK" --scheduler-tick-ms 50

state() { req GET /api/v1/consultations/clocked; json 'j["state"]'; }
# wait_state STATE: polls (bounded: 100 x 50 ms) until the round is in STATE
wait_state() { for _ in $(seq 1 100); do [ "$(state)" = "$1" ] && return 0; sleep 0.05; done; return 1; }

check "before opens_at the round is scheduled" [ "$(state)" = scheduled ]
req GET /
check "the home page lists it as coming up" body_has "A round on the test clock"
echo "+3700" >"$CLOCK"
check "past opens_at the scheduler opens it" wait_state open
req GET /consultations/clocked
check "its page says open with time left" body_has "state-open"
echo "+7300" >"$CLOCK"
check "past closes_at the scheduler closes it" wait_state closed
echo "+9999" >"$CLOCK"
sleep 0.3
check "it stays closed" [ "$(state)" = closed ]
stop_server
check "the server stops with status 0" [ "$STOP_RC" = 0 ]
opened=$(grep -c 'msg="event fired" kind=opened thing=consultation id=7 ' "$TMP/serve.err")
closed=$(grep -c 'msg="event fired" kind=closed thing=consultation id=7 ' "$TMP/serve.err")
check "opened fired exactly once" [ "$opened" = 1 ]
check "closed fired exactly once" [ "$closed" = 1 ]
ev=$(sql "SELECT group_concat(kind) FROM (SELECT kind FROM events WHERE thing_id = 7 ORDER BY id) AS x")
check "the events table holds each event once ($ev)" [ "$ev" = "opened,closed" ]

# A restart with the clock still moved fires nothing again.
start_server --test-clock-file "$CLOCK" --scheduler-tick-ms 50
sleep 0.3
stop_server
check "a restart fires nothing twice" [ "$(sql "SELECT COUNT(*) FROM events WHERE thing_id = 7")" = 2 ]
finish
