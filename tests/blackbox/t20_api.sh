#!/bin/bash
# t20_api: the JSON API: lists with cursors, one consultation, problems, the secretariat's writes,
# the OpenAPI document, /healthz and /metrics.
. "$(dirname "$0")/lib.sh"
init_data
TOKEN=$("$AGORA" token create --data "$DATA" --email secretariat@agora.example)
start_server

req GET /api/v1/consultations
check "list answers 200" status_is 200
check "list is JSON" [ "$(header Content-Type)" = "application/json" ]
check "list has the six demo rounds" [ "$(json 'len(j["items"])')" = 6 ]
check "list is newest first" [ "$(json 'j["items"][0]["slug"]+","+j["items"][-1]["slug"]')" = "multilingual-internet,ott" ]
check "no next cursor on the last page" [ "$(json 'j["next_cursor"]')" = None ]

# Follow the cursor two at a time: every round once, in order.
seen=""
cursor=""
for _ in 1 2 3 4 5; do
	req GET "/api/v1/consultations?limit=2${cursor:+&cursor=$cursor}"
	seen="$seen$(json '",".join(i["slug"] for i in j["items"])'),"
	cursor=$(json 'j["next_cursor"] or ""')
	[ -z "$cursor" ] && break
done
check "cursor pages cover every round once, in order" [ "$seen" = "multilingual-internet,environmental-impact,covid-19-pandemics,expanding-internet-connectivity,emerging-ict-sustainable-development,ott," ]

req GET "/api/v1/consultations?state=open"
check "state=open filters" [ "$(json '[i["slug"] for i in j["items"]]')" = "['multilingual-internet']" ]
req GET "/api/v1/consultations?limit=0"
check "limit=0 is a 400" status_is 400
check "the 400 is problem+json" [ "$(header Content-Type)" = "application/problem+json" ]
check "the problem names the field" [ "$(json 'j["errors"][0]["field"]')" = limit ]
req GET "/api/v1/consultations?cursor=abc"
check "a forged cursor is a 400" status_is 400
req GET "/api/v1/consultations?state=open&unknown=1"
check "undeclared parameters are dropped" status_is 200

req GET /api/v1/consultations/covid-19-pandemics
check "one consultation answers 200" status_is 200
check "it has its state" [ "$(json 'j["state"]')" = closed ]
check "it has its questions with texts" [ "$(json 'j["questions"][0]["number"]')" = 1 ]
check "question texts in six languages" [ "$(json 'len(j["questions"][0]["texts"])')" = 6 ]
check "titles in six languages" [ "$(json 'sorted(j["texts"].keys())')" = "['ar', 'en', 'es', 'fr', 'ru', 'zh']" ]
check "times are RFC 3339 UTC" [ "$(json 'j["opens_at"]')" = "2021-02-15T00:00:00Z" ]
check "it has a response count" [ "$(json 'j["counts"]["responses"]')" = 0 ]
req GET "/api/v1/consultations/covid-19-pandemics?lang=zh"
check "?lang=zh gives the Chinese title" [ "$(json 'j["title_language"]')" = zh ]
req GET /api/v1/consultations/nope
check "unknown slug is a 404" status_is 404
check "the 404 is problem+json" [ "$(header Content-Type)" = "application/problem+json" ]
check "the problem has status 404" [ "$(json 'j["status"]')" = 404 ]

# The secretariat's writes: bearer token, JSON, through the writer.
spec() {	# spec SLUG OPENS CLOSES
	printf '{"slug":"%s","original_language":"en","opens_at":"%s","closes_at":"%s","moderation":"post",' "$1" "$2" "$3"
	printf '"texts":{"en":{"title":"Round %s","topic":"T","description":"D"},"fr":{"title":"Consultation %s"}},' "$1" "$1"
	printf '"questions":[{"number":1,"text":{"en":"Q1?"}},{"number":2,"text":{"en":"Q2?"}}]}'
}
spec api-round 2030-01-01T00:00:00Z 2030-02-01T00:00:00Z >"$TMP/spec.json"
req POST /api/v1/consultations -H 'Content-Type: application/json' --data-binary @"$TMP/spec.json"
check "no token: 401" status_is 401
check "401 says how to authenticate" [ -n "$(header WWW-Authenticate)" ]
req POST /api/v1/consultations -H "Authorization: Bearer agora_wrong" -H 'Content-Type: application/json' --data-binary @"$TMP/spec.json"
check "a wrong token: 401" status_is 401
AUTH="Authorization: Bearer $TOKEN"
req POST /api/v1/consultations -H "$AUTH" -H 'Content-Type: text/plain' --data-binary @"$TMP/spec.json"
check "not application/json: 415" status_is 415
req POST /api/v1/consultations -H "$AUTH" -H 'Content-Type: application/json' --data-binary '{"slug": '
check "malformed JSON: 400" status_is 400
req POST /api/v1/consultations -H "$AUTH" -H 'Content-Type: application/json' --data-binary '{"slug":"x","original_language":"en","opens_at":"2030-01-01T00:00:00Z","closes_at":"2029-01-01T00:00:00Z","texts":{"en":{"title":"t"}},"questions":[{"number":1,"text":{"en":"q"}}]}'
check "closes before it opens: 422" status_is 422
check "the 422 names closes_at" [ "$(json 'j["errors"][0]["field"]')" = closes_at ]
req POST /api/v1/consultations -H "$AUTH" -H 'Content-Type: application/json' --data-binary '{"slug":"x","original_language":"en","opens_at":"2030-01-01T00:00:00Z","closes_at":"2031-01-01T00:00:00Z","texts":{"en":{"title":"t"}},"questions":[{"number":2,"text":{"en":"q"}}]}'
check "questions not numbered from 1: 422" status_is 422
req POST /api/v1/consultations -H "$AUTH" -H 'Content-Type: application/json' --data-binary "$(printf '{"slug":"x","original_language":"en","opens_at":"2030-01-01T00:00:00Z","closes_at":"2031-01-01T00:00:00Z","texts":{"en":{"title":"\\u0000"}},"questions":[{"number":1,"text":{"en":"q"}}]}')"
check "a NUL in a text: 422 or 400" sh -c "[ $STATUS = 422 ] || [ $STATUS = 400 ]"
head -c 2000000 /dev/zero | tr '\0' 'a' >"$TMP/big"
req POST /api/v1/consultations -H "$AUTH" -H 'Content-Type: application/json' --data-binary @"$TMP/big"
check "a body over the limit: 413" status_is 413
req POST /api/v1/consultations -H "$AUTH" -H 'Content-Type: application/json' --data-binary @"$TMP/spec.json"
check "create: 201" status_is 201
check "create: Location" [ "$(header Location)" = /api/v1/consultations/api-round ]
req POST /api/v1/consultations -H "$AUTH" -H 'Content-Type: application/json' --data-binary @"$TMP/spec.json"
check "the same slug again: 409" status_is 409
req GET /api/v1/consultations/api-round
check "the new round is scheduled" [ "$(json 'j["state"]')" = scheduled ]
check "its French title is kept" [ "$(json 'j["texts"]["fr"]["title"]')" = "Consultation api-round" ]
req POST /api/v1/consultations/api-round/extend -H "$AUTH" -H 'Content-Type: application/json' --data-binary '{"until":"2029-01-01T00:00:00Z"}'
check "extend to an earlier time: 422" status_is 422
req POST /api/v1/consultations/api-round/extend -H "$AUTH" -H 'Content-Type: application/json' --data-binary '{"until":"2030-03-01T00:00:00Z"}'
check "extend: 200" status_is 200
check "extend moved closes_at" [ "$(json 'j["closes_at"]')" = "2030-03-01T00:00:00Z" ]
req POST /api/v1/consultations/api-round/close -H "$AUTH"
check "close a round that is not open: 409" status_is 409
req POST /api/v1/consultations/api-round/open -H "$AUTH"
check "open now: 200" status_is 200
check "open now opens it at once" [ "$(json 'j["state"]')" = open ]
req POST /api/v1/consultations/api-round/close -H "$AUTH"
check "close: 200" status_is 200
check "close closes it at once" [ "$(json 'j["state"]')" = closed ]
req POST /api/v1/consultations/api-round/extend -H "$AUTH" -H 'Content-Type: application/json' --data-binary '{"until":"2031-03-01T00:00:00Z"}'
check "extend a closed round: 409" status_is 409
req POST /api/v1/consultations/nope/open -H "$AUTH"
check "open an unknown slug: 404" status_is 404

req POST /api/v1/consultations -H "$AUTH" -H 'Content-Type: application/json' --data-binary '{"slug":"y","original_language":"en","opens_at":"2030-01-01T00:00:00Z","closes_at":"2031-01-01T00:00:00Z","texts":{"日本語日本":{"title":"t"}},"questions":[{"number":1,"text":{"en":"q"}}]}'
check "an unknown language key: 422 with a readable problem" [ "$STATUS:$(json 'j["errors"][0]["field"]')" = "422:texts" ]
spec draft-round 2030-01-01T00:00:00Z 2030-02-01T00:00:00Z | sed 's/^{/{"publish":"yes",/' >"$TMP/draft.json"
req POST /api/v1/consultations -H "$AUTH" -H 'Content-Type: application/json' --data-binary @"$TMP/draft.json"
check "publish must be a boolean: 422" status_is 422
spec draft-round 2030-01-01T00:00:00Z 2030-02-01T00:00:00Z | sed 's/^{/{"publish":false,/' >"$TMP/draft.json"
req POST /api/v1/consultations -H "$AUTH" -H 'Content-Type: application/json' --data-binary @"$TMP/draft.json"
check "publish:false makes a draft" [ "$(json 'j["state"]')" = draft ]
req GET /api/v1/consultations/draft-round
draft_detail=$(json 'j["detail"]')
req GET /api/v1/consultations/never-was
check "a draft answers like an unknown slug" [ "$draft_detail" = "no consultation 'draft-round'" ]
check "an unknown slug answers the same way" [ "$(json 'j["detail"]')" = "no consultation 'never-was'" ]
req GET "/api/v1/consultations?lang=fr"
check "the API sets no language cookie" sh -c "! grep -qi '^Set-Cookie' '$TMP/h'"

req GET /api/v1/openapi.json
check "openapi.json answers 200" status_is 200
check "openapi.json is OpenAPI 3" [ "$(json 'j["openapi"][:2]')" = "3." ]
# Every route in the table is described, and nothing else.
routes=$(grep -o '{ "\(GET\|POST\)", "/[^"]*"' "$(dirname "$0")/../../src/web/route.c" | sed 's/{ "\([A-Z]*\)", "\(.*\)"/\1 \2/' | sort)
documented=$(json '"\n".join(sorted(m.upper()+" "+p for p,v in j["paths"].items() for m in v if m in ("get","post","put","delete","patch")))' | sort)
check "openapi.json describes exactly the routes that exist" [ "$routes" = "$documented" ]
[ "$routes" = "$documented" ] || diff <(echo "$routes") <(echo "$documented") | sed 's/^/# /'

# The page micro-cache: a second view within page-cache-ms is a hit; it never outlives it.
# (each HTTP thread has its own cache: five views put two on one thread)
for _ in 1 2 3 4 5; do req GET /consultations/api-round; done
req GET /metrics
hits=$(sed -n 's/^agora_page_cache_total{result="hit"} //p' "$TMP/b")
check "a second view of a page comes from the page cache ($hits hits)" [ "${hits:-0}" -ge 1 ]
sleep 1.1
req GET /consultations/api-round
check "after the cache window the page shows the round closed" body_has "state-closed"

req GET /healthz
check "healthz answers 200" status_is 200
check "healthz says ok" [ "$(json 'j["status"]')" = ok ]

req GET /metrics
check "metrics answers 200" status_is 200
check "metrics count requests by route and status" body_has 'agora_http_requests_total{route="api_consultations",status="200"}'
check "metrics count 404s" body_has 'agora_http_requests_total{route="api_consultation",status="404"} 3'
check "metrics have a latency histogram" body_has 'agora_http_request_duration_seconds_bucket{route="api_consultations",le="+Inf"}'
check "metrics have the writer queue depth" body_has "agora_writer_queue_depth 0"
check "metrics have the writer batch sizes" body_has "agora_writer_batch_size_count"
check "metrics have the pending jobs" body_has "agora_jobs_pending"

stop_server
check "the server stops with status 0" [ "$STOP_RC" = 0 ]
finish
