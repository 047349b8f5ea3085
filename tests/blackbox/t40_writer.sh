#!/bin/bash
# t40_writer: a full writer queue answers 503 with Retry-After and stores nothing half-way;
# a clean shutdown under load answers every request and exits 0.
. "$(dirname "$0")/lib.sh"
init_data
TOKEN=$("$AGORA" token create --data "$DATA" --email secretariat@agora.example)
# The demo documents' text is read by background jobs at the first start, through the writer:
# let them finish first, so that the burst below is alone in the queue.
start_server
for _ in $(seq 1 200); do
	[ "$(sql "SELECT COUNT(*) FROM jobs WHERE state IN ('pending', 'running')")" = 0 ] && break
	sleep 0.05
done
stop_server
# One slot in the queue and a slow disk: the writer holds one batch, the queue one more.
start_server --writer-queue 1 --writer-batch 1 --test-writer-delay-ms 1500
post() {	# post SLUG: creates a round, prints the status
	printf '{"slug":"%s","original_language":"en","opens_at":"2030-01-01T00:00:00Z","closes_at":"2030-02-01T00:00:00Z","texts":{"en":{"title":"T %s"}},"questions":[{"number":1,"text":{"en":"Q"}}]}' "$1" "$1" >"$TMP/$1.json"
	curl -s -o "$TMP/$1.body" -D "$TMP/$1.h" -w '%{http_code}' --max-time 30 -X POST \
		-H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
		--data-binary @"$TMP/$1.json" "$BASE/api/v1/consultations" >"$TMP/$1.status"
}
pids=""
for i in 1 2 3 4 5 6; do post "burst-$i" & pids="$pids $!"; done
wait $pids
created=0; busy=0; other=0
for i in 1 2 3 4 5 6; do
	case $(cat "$TMP/burst-$i.status") in
	201) created=$((created + 1)) ;;
	503) busy=$((busy + 1)); grep -qi '^Retry-After:' "$TMP/burst-$i.h" || other=$((other + 100)) ;;
	*) other=$((other + 1)) ;;
	esac
done
check "some writes were accepted ($created)" [ "$created" -ge 1 ]
check "a full queue answered 503 ($busy)" [ "$busy" -ge 1 ]
check "every 503 had Retry-After, and no other status" [ "$other" = 0 ]
check "503 is problem+json" sh -c "grep -l '503' $TMP/burst-*.status | head -1 | sed 's/status\$/body/' | xargs grep -q '\"status\":503'"
req GET /metrics
check "metrics show the queue depth gauge" body_has "agora_writer_queue_depth"
req GET /api/v1/consultations?limit=200
stored=$(json 'len([i for i in j["items"] if i["slug"].startswith("burst-")])')
check "every 201 is stored, nothing else ($stored of $created)" [ "$stored" = "$created" ]
stop_server
check "the server stops with status 0" [ "$STOP_RC" = 0 ]

# Shutdown under load: readers and writers in flight when SIGTERM arrives.
start_server --test-writer-delay-ms 300
pids=""
for k in 1 2 3 4; do
	( for i in $(seq 1 400); do curl -s -o /dev/null --max-time 5 "$BASE/consultations/ott" || break; done ) &
	pids="$pids $!"
done
for i in 1 2 3; do post "late-$i" & pids="$pids $!"; done
sleep 0.15
t0=$(date +%s%N)
stop_server
ms=$((($(date +%s%N) - t0) / 1000000))
wait $pids
check "SIGTERM under load exits 0" [ "$STOP_RC" = 0 ]
check "it stopped in bounded time (${ms} ms)" [ "$ms" -lt 8000 ]
check "the log says it stopped" grep -q 'msg=stopped' "$TMP/serve.err"
check "no connection was left suspended" sh -c "! grep -q 'still suspended' '$TMP/serve.err'"
answered=0
for i in 1 2 3; do
	s=$(cat "$TMP/late-$i.status")
	[ "$s" = 201 ] || [ "$s" = 503 ] && answered=$((answered + 1))
done
check "writes in flight at shutdown got 201 or 503" [ "$answered" = 3 ]
start_server
req GET /api/v1/consultations?limit=200
for i in 1 2 3; do
	if [ "$(cat "$TMP/late-$i.status")" = 201 ]; then
		check "acknowledged write late-$i survived the restart" body_has "\"late-$i\""
	fi
done
stop_server
finish
