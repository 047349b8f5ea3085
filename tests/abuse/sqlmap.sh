#!/bin/bash
# sqlmap.sh: make sqlmap. sqlmap (Debian), in batch mode, against every operation with a
# parameter: each operation of src/web/openapi.json and each route of `agora routes` with a path
# or query parameter or a body (tests/abuse/sqlmap_targets.py), on a fresh demo server (SQLite
# store, or PostgreSQL when AGORA_PG_URL is set: tests/pg.sh). Pages are called with a logged-in
# secretariat session and its CSRF token (X-CSRF-Token header), the API with a secretariat bearer
# token. SQLMAP_LEVEL (default 1) and SQLMAP_RISK (default 1) are sqlmap's --level and --risk;
# the DBMS is named (--dbms), every technique (BEUSTQ) is tried; a 404 is compared like any
# other page (--ignore-code 404): some path values name nothing in the demo. Fails when sqlmap reports an
# injection point on any of them. The verdict per operation: build/abuse/sqlmap.txt. SQLMAP_ONLY
# (an extended regular expression over the path) keeps some operations only. POST /logout is
# left out: it would end the session the others use (its only parameter, lang, is tested on /).
cd "$(dirname "$0")/../.."
. tests/blackbox/lib.sh
ABUSE=$(pwd)/tests/abuse
OUT=$(pwd)/build/abuse
LEVEL=${SQLMAP_LEVEL:-1}
RISK=${SQLMAP_RISK:-1}
mkdir -p "$OUT"
REPORT=$OUT/sqlmap.txt
command -v sqlmap >/dev/null || { echo "not ok 1 - sqlmap is not installed (sh scripts/deps.sh --abuse)"; exit 1; }
if on_pg; then DBMS=PostgreSQL; else DBMS=SQLite; fi
init_data
TOKEN=$("$AGORA" token create --data "$DATA" --email secretariat@agora.example)
"$AGORA" user create --data "$DATA" --email sqlmap@example.org --name "Sql Map" --role secretariat >"$TMP/user.out" 2>&1
PW=$(sed -n 's/^Password: //p' "$TMP/user.out")
# Each sqlmap request comes from a random address (its xforwardedfor tamper script, believed from
# 127.0.0.1): the login throttle by address would otherwise answer 429 to most of them.
start_server --submit-rate 0 --page-cache-ms 0 --trusted-proxies 127.0.0.1
JAR=$TMP/jar
curl -s -b "$JAR" -c "$JAR" -o "$TMP/login.html" "$BASE/login"
csrf_in() { grep -o 'name="csrf" value="[^"]*"' "$1" | head -1 | cut -d'"' -f4; }
req POST /login -b "$JAR" -c "$JAR" --data-urlencode "email=sqlmap@example.org" --data-urlencode "password=$PW" \
	--data-urlencode "csrf=$(csrf_in "$TMP/login.html")"
check "logged in as a secretariat (303)" [ "$STATUS" = 303 ]
SESSION=$(awk '$6 == "agora_session" { print $7 }' "$JAR")
curl -s -b "$JAR" -o "$TMP/account.html" "$BASE/account"
CSRF=$(csrf_in "$TMP/account.html")
check "a session cookie and its CSRF token" [ -n "$SESSION" ] && [ -n "$CSRF" ]
# Sample values: real rows of the demo where a path names one, so that the handlers get past
# their lookups and run their queries with what sqlmap puts there.
printf 'a note\n' >"$TMP/note.txt"
req POST /api/v1/consultations/multilingual-internet/responses -F "response=<tests/blackbox/fixtures/resp-jane.json;type=application/json" \
	-F "attachments=@$TMP/note.txt"
RID=$(json 'j["id"]')
check "a response to aim at ($RID)" [ "$STATUS" = 201 ]
cat >"$TMP/values.json" <<JSON
{"slug": "multilingual-internet", "id": "$RID", "lang": "en", "language": "en", "name": "agora.css",
 "q": "internet", "n": 1, "number": 1, "letter": "a", "limit": 10, "per_page": 10, "page": 1,
 "country": "FR", "region": "1", "stakeholder_type": "civil_society", "format": "json", "csrf": "$CSRF",
 "meetings.number": 9001, "proposals.id": 4, "documents.symbol": "cwg-internet-17-1"}
JSON
"$AGORA" routes >"$TMP/routes.txt"
python3 "$ABUSE/sqlmap_targets.py" src/web/openapi.json "$TMP/routes.txt" "$TMP/values.json" |
	grep -E -- "\"path\": \"${SQLMAP_ONLY:-.*}\"" | grep -v '"path": "/logout"' >"$TMP/all.jsonl"
# Those that close the open round go last: after them a submission is refused (409) before its
# queries run.
CLOSING='"path": "[^"]*/close"'
{ grep -v -E "$CLOSING" "$TMP/all.jsonl"; grep -E "$CLOSING" "$TMP/all.jsonl"; } >"$TMP/targets.jsonl"
total=$(wc -l <"$TMP/targets.jsonl")
echo "# sqlmap $(sqlmap --version 2>/dev/null | grep -o '^[0-9][0-9.#a-z]*' | head -1): $total operations, --level $LEVEL --risk $RISK --dbms $DBMS, $(date -u +%FT%TZ)" | tee "$REPORT"
t0=$(date +%s)
injectable=0 clean=0 other=0 k=0
rm -rf "$OUT/sqlmap"
mkdir -p "$OUT/sqlmap"
while IFS= read -r line; do
	eval "$(printf '%s' "$line" | python3 -c '
import json, shlex, sys
t = json.loads(sys.stdin.read())
for k in ("method", "path", "url", "data", "type"):
    print("T_%s=%s" % (k, shlex.quote(t.get(k) or "")))')"
	args=(-u "$BASE$T_url" --method "$T_method" --batch --level "$LEVEL" --risk "$RISK" --dbms "$DBMS"
		--technique BEUSTQ --time-sec 2 --timeout 15 --retries 1 --threads 1 --disable-coloring
		--output-dir "$TMP/sqlmap" --flush-session --skip-waf --ignore-code 404 --tamper xforwardedfor)
	# lang is tested once, on the home page: the same code reads it everywhere. csrf and the
	# honeypot (website) are checked before any query.
	if [ "$T_path" = / ]; then args+=(--skip csrf,website); else args+=(--skip csrf,website,lang); fi
	[ -n "$T_data" ] && args+=(--data "$T_data")
	case $T_path in
	/api/*) args+=(-H "Authorization: Bearer $TOKEN") ;;
	*) args+=(--cookie "agora_session=$SESSION" -H "X-CSRF-Token: $CSRF") ;;
	esac
	[ "$T_type" = json ] && args+=(-H "Content-Type: application/json")
	start=$(date +%s)
	k=$((k + 1))
	sqlmap "${args[@]}" >"$OUT/sqlmap/$k.out" 2>&1 </dev/null
	cp "$OUT/sqlmap/$k.out" "$TMP/one.out"
	secs=$(($(date +%s) - start))
	errs=$(sed -n '/HTTP error codes detected during run:/{n;p}' "$TMP/one.out" | head -1)
	if grep -qE 'identified the following injection point|is vulnerable\. Do you want' "$TMP/one.out"; then
		verdict="INJECTABLE"; injectable=$((injectable + 1)); cp "$TMP/one.out" "$OUT/sqlmap-injectable-$injectable.log"
	elif grep -q 'all tested parameters do not appear to be injectable' "$TMP/one.out"; then
		verdict="not injectable"; clean=$((clean + 1))
	else
		verdict="no verdict: $(grep -E '\[(CRITICAL|ERROR)\]' "$TMP/one.out" | head -1 | sed 's/^.*\] //')"
		other=$((other + 1))
	fi
	printf '%-6s %-60s %-16s %4ss%s\n' "$T_method" "$T_path" "$verdict" "$secs" "${errs:+  HTTP errors: $errs}" | tee -a "$REPORT"
done <"$TMP/targets.jsonl"
echo "# each operation's sqlmap output: build/abuse/sqlmap/N.out (N: its line above)" >>"$REPORT"
echo "# $total operations in $(($(date +%s) - t0)) s: $injectable injectable, $clean not injectable, $other without a verdict" | tee -a "$REPORT"
check "sqlmap found no injection in $total operations" [ "$injectable" = 0 ]
check "sqlmap gave a verdict on every operation ($other without one)" [ "$other" = 0 ]
check "the server is still running" kill -0 "$PID"
grep -E ' (error|crit) ' "$TMP/serve.err" | grep -v 'internal error' | head -5 | sed 's/^/# /'
check "no internal error (500) in the server's log" sh -c "! grep -q 'msg=\"internal error\"' '$TMP/serve.err'"
stop_server
finish
