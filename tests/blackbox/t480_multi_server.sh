#!/bin/bash
# t480_multi_server: several application servers on one PostgreSQL (issue 10, docs/DEPLOY.md).
# A primary and a streaming replica made by pg_basebackup (tests/pg.sh), two `agora serve` on
# free ports sharing the primary (--db) and the replica (--db-read), behind nginx (daemon off,
# its config in the test's folder, stopped by PID) with the servers' trusted-proxies on for
# 127.0.0.1. Checks: nginx spreads requests over both and the client address comes from
# X-Forwarded-For; submissions directly to each server and through nginx all get receipts, each
# readable at once through the other server; public reads come from the replica (its replay
# paused: a new response is not there) except for the visitor who just wrote (agora_rw cookie),
# the receipt, and a signed-in member; a session started on one server is valid on the other (and
# a logout on one ends it on both); a response withheld through one server disappears through the
# other at once, page, page cache and API (with the replica synchronous, remote_apply: the
# setting docs/DEPLOY.md gives for that); a replica that stops is replaced by the primary for
# the request, and logged; a server refuses to start with a replica it cannot open, with a
# database that is not a replica of --db, and with SQLite; the log verifies, and so does every
# receipt.
#
# This test is about PostgreSQL, so it always starts its own primary and replica, also in the
# SQLite pass of the suite (tests/run.sh blackbox), and is listed in tests/blackbox/sqlite-only so
# that the blackbox-pg pass does not run it a second time for nothing. PostgreSQL or nginx that
# cannot start is a failure, never a skip.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../pg.sh"
ROUND=multilingual-internet	# the demo's open round, published without moderation
SEC=secretariat@agora.example
RECEIPTS=$TMP/receipts
mkdir -p "$RECEIPTS"
PID_A="" PID_B="" PID_N=""

same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
csrf_in() { grep -o 'name="csrf" value="[^"]*"' "$1" | head -1 | cut -d'"' -f4; }
# stop_pid PID: SIGTERM, then SIGKILL after 5 s
stop_pid() {
	[ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 0
	kill -TERM "$1" 2>/dev/null
	for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done
	kill -KILL "$1" 2>/dev/null
}
cleanup_all() {
	if [ "$fails" -gt 0 ]; then
		for f in A B nginx/error; do
			[ -s "$TMP/$f.err" ] || [ -s "$TMP/$f.log" ] || continue
			echo "# last lines of $f's log:"
			grep -hv ' info ' "$TMP/$f.err" "$TMP/$f.log" 2>/dev/null | tail -15 | sed 's/^/# /'
		done
	fi
	stop_pid "$PID_N"
	stop_pid "$PID_A"
	stop_pid "$PID_B"
	# a synchronous standby that is gone would hold every commit, DROP DATABASE included
	[ -n "${AGORA_PG_URL:-}" ] && psql -X -q "$AGORA_PG_URL" -c "ALTER SYSTEM RESET synchronous_standby_names" \
		-c "ALTER SYSTEM RESET synchronous_commit" -c "SELECT pg_reload_conf()" >/dev/null 2>&1
	cleanup
	pg_stop_replica
	pg_stop
}
trap cleanup_all EXIT

# serve NAME DATA [ARGS...]: agora serve for DATA on a free port, its output in $TMP/NAME.out
# and .err; sets PID_NAME and PORT_NAME; fails if it did not start
serve() {
	local name=$1 data=$2 port="" pid
	shift 2
	"$AGORA" serve --data "$data" --listen 127.0.0.1:0 "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	pid=$!
	for _ in $(seq 1 400); do
		port=$(sed -n 's|^Agora is serving http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$TMP/$name.out")
		[ -n "$port" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	eval "PID_$name=$pid PORT_$name=$port"
	[ -n "$port" ] || { echo "# $name did not start:"; tail -5 "$TMP/$name.err" | sed 's/^/# /'; return 1; }
}
# at BASE METHOD PATH [CURL ARGS...]: req against another base address
at() { local b=$1; shift; BASE=$b req "$@"; }
# submit BASE TAG: one response through BASE; its answer kept as $RECEIPTS/TAG.json on 201
submit() {
	printf '{"respondent":{"name":"Multi %s","organization":"Org","job_title":"T","country":"KE","stakeholder_type":"academia","email":"m@example.org"},"publish_as":"name","language":"en","summary":"Summary %s of the multi-server test","answers":[{"question":1,"text":"Answer %s"}]}' \
		"$2" "$2" "$2" >"$TMP/resp.json"
	at "$1" POST /api/v1/consultations/$ROUND/responses -H 'Content-Type: application/json' \
		--data-binary @"$TMP/resp.json" "${@:3}"
	[ "$STATUS" = 201 ] && cp "$TMP/b" "$RECEIPTS/$2.json"
}
has_receipt() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if j.get('id') and j.get('receipt', {}).get('leaf_hash') else 1)" "$1"; }
id_of() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['id'])" "$1"; }
# listed / not_listed BASE ID [CURL ARGS...]: the round's public list (API) through BASE names
# response ID, or answers 200 without it (the round has no other response: one page holds all)
list_through() { at "$1" GET "/api/v1/consultations/$ROUND/responses?limit=200" "${@:3}"; [ "$STATUS" = 200 ]; }
list_has() { python3 -c "import json,sys; sys.exit(0 if sys.argv[2] in [i['id'] for i in json.load(open(sys.argv[1]))['items']] else 1)" "$TMP/b" "$1"; }
listed() { list_through "$@" && list_has "$2"; }
not_listed() { list_through "$@" && ! list_has "$2"; }
pg_primary() { psql -X -q -At -v ON_ERROR_STOP=1 "$AGORA_PG_URL" "$@"; }
pg_replica() { psql -X -q -At -v ON_ERROR_STOP=1 "$AGORA_PG_REPLICA_URL" "$@"; }
# log_has NAME TEXT: the server's log has a line with TEXT
log_has() { grep -qF -- "$2" "$TMP/$1.err" || { echo "# no '$2' in $1's log"; return 1; }; }
# eventually COMMAND...: COMMAND succeeds within 2 s (a request's log line is written once its
# answer has gone, so a moment after curl has it)
eventually() { for _ in $(seq 1 40); do "$@" >/dev/null 2>&1 && return 0; sleep 0.05; done; "$@"; }

# ---- PostgreSQL: a primary and a streaming replica ---------------------------------------------
if pg_start; then ok "the PostgreSQL primary starts"; else not_ok "the PostgreSQL primary starts"; finish; fi
if pg_start_replica; then
	ok "a streaming replica made by pg_basebackup -R starts and streams"
else
	not_ok "a streaming replica made by pg_basebackup -R starts and streams"; finish
fi
check "the replica is a hot standby (in recovery)" same "$(pg_replica -c 'SELECT pg_is_in_recovery()')" t
NGINX=$(command -v nginx || echo /usr/sbin/nginx)	# /usr/sbin is not on every user's PATH
[ -x "$NGINX" ] || { not_ok "nginx is installed (scripts/deps.sh)"; finish; }

init_data || { not_ok "agora init --demo on PostgreSQL" "$(tail -3 "$TMP/init.err")"; finish; }
ok "agora init --demo on PostgreSQL"
PW=$(sed -n 's/^Password: //p' "$TMP/init.out")
DBNAME=$(printf '%s' "$AGORA_DB" | sed 's|^postgresql:///\([^?]*\)?.*|\1|')
REPLICA_DB="postgresql:///$DBNAME?host=$PG_REPLICA_DIR&port=$PG_REPLICA_PORT&user=postgres"
# Every server of a site has the same keys (docs/DEPLOY.md): the log's signing key and the CSRF
# key, made here before the copy (serve would make a different one in each folder).
head -c 32 /dev/urandom >"$DATA/keys/csrf.key" && chmod 600 "$DATA/keys/csrf.key"
DATA_B=$TMP/data-b
cp -a "$DATA" "$DATA_B"

# One HTTP thread each, and a page cache of a minute: a cached page that outlives a change
# through the other server cannot hide behind a short cache or another thread.
COMMON=(--db-read "$REPLICA_DB" --trusted-proxies 127.0.0.1 --submit-rate 0 --threads 1 --page-cache-ms 60000)
serve A "$DATA" "${COMMON[@]}" || { not_ok "server A starts with --db and --db-read"; finish; }
serve B "$DATA_B" "${COMMON[@]}" || { not_ok "server B starts with --db and --db-read"; finish; }
ok "two servers start on the primary and the replica (ports $PORT_A and $PORT_B)"
A=http://127.0.0.1:$PORT_A
B=http://127.0.0.1:$PORT_B
check "server A says it reads public pages from the replica" log_has A 'public reads from the read replica'

# ---- nginx in front of both -----------------------------------------------------------------------
NGX=$TMP/nginx
mkdir -p "$NGX"
PORT_N=$(pg_free_port)
# daemon off and one process (master_process off): a child of this test, stopped by its PID,
# running as the user running the test (so its temporary folders here are its own).
cat >"$NGX/nginx.conf" <<EOF
daemon off;
master_process off;
pid $NGX/nginx.pid;
error_log $NGX/error.log warn;
events { worker_connections 256; }
http {
	access_log $NGX/access.log;
	client_body_temp_path $NGX/body;
	proxy_temp_path $NGX/proxy;
	fastcgi_temp_path $NGX/fastcgi;
	uwsgi_temp_path $NGX/uwsgi;
	scgi_temp_path $NGX/scgi;
	client_max_body_size 102m;	# as contrib/nginx-agora.conf
	upstream agora {
		server 127.0.0.1:$PORT_A;
		server 127.0.0.1:$PORT_B;
		keepalive 8;
	}
	server {
		listen 127.0.0.1:$PORT_N;
		location / {
			proxy_pass http://agora;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
			proxy_set_header Host \$host;
			proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
			proxy_set_header X-Forwarded-Proto \$scheme;
		}
	}
}
EOF
"$NGINX" -e "$NGX/error.log" -p "$NGX" -c "$NGX/nginx.conf" >"$NGX/stdout" 2>&1 &
PID_N=$!
N=http://127.0.0.1:$PORT_N
for _ in $(seq 1 100); do
	[ "$(curl -s -o /dev/null -w '%{http_code}' "$N/healthz")" = 200 ] && break
	kill -0 "$PID_N" 2>/dev/null || break
	sleep 0.05
done
if [ "$(curl -s -o /dev/null -w '%{http_code}' "$N/healthz")" = 200 ]; then
	ok "nginx starts in front of the two servers (port $PORT_N)"
else
	not_ok "nginx starts in front of the two servers" "$(cat "$NGX/stdout" "$NGX/error.log" 2>/dev/null | tail -5)"
	finish
fi
for _ in $(seq 1 8); do curl -s -o /dev/null "$N/healthz"; done
check "nginx sends requests to both servers" \
	eventually sh -c "grep -q 'route=healthz' '$TMP/A.err' && grep -q 'route=healthz' '$TMP/B.err'"
curl -s -o /dev/null -H 'X-Forwarded-For: 203.0.113.7' "$N/api/v1/openapi.json"
check "behind nginx (a trusted proxy) the client address is the one X-Forwarded-For names" \
	eventually sh -c "grep -h 'route=openapi' '$TMP/A.err' '$TMP/B.err' | grep -q 'addr=203.0.113.7'"

# ---- Submissions through each server and through nginx: every one gets a receipt ---------------
got=0
for i in 1 2 3 4; do submit "$A" "a$i" && got=$((got + 1)); done
for i in 1 2 3 4; do submit "$B" "b$i" && got=$((got + 1)); done
for i in 1 2 3 4 5 6; do submit "$N" "n$i" && got=$((got + 1)); done
check "14 submissions (4 to A, 4 to B, 6 through nginx): all 201" same "$got" 14
bad=0
for f in "$RECEIPTS"/*.json; do has_receipt "$f" || { bad=$((bad + 1)); echo "# no receipt in $f"; }; done
check "every answer carries its receipt" same "$bad" 0
check "the answer to a write sets the agora_rw cookie (own writes read from the primary)" \
	sh -c "grep -qi '^Set-Cookie: agora_rw=[0-9]*; Path=/; Max-Age=10; HttpOnly; SameSite=Lax' '$TMP/h'"
# The receipt never comes from the replica: through the other server, at once.
bad=0
for s in A B; do
	other=$B; [ $s = B ] && other=$A
	for f in "$RECEIPTS"/$(echo $s | tr AB ab)*.json; do
		id=$(id_of "$f")
		c1=$(curl -s -o /dev/null -w '%{http_code}' "$other/receipts/$id")
		c2=$(curl -s -o /dev/null -w '%{http_code}' "$other/api/v1/responses/$id/receipt")
		[ "$c1$c2" = 200200 ] || { bad=$((bad + 1)); echo "# $id through the other server: $c1 $c2"; }
	done
done
check "each receipt (page and API) is there at once through the other server" same "$bad" 0

# ---- The replica serves public reads; own writes, receipts and members read the primary --------
pg_replica -c 'SELECT pg_wal_replay_pause()' >/dev/null
for _ in $(seq 1 100); do
	[ "$(pg_replica -c 'SELECT pg_get_wal_replay_pause_state()')" = paused ] && break
	sleep 0.05
done
check "the replica's replay is paused" same "$(pg_replica -c 'SELECT pg_get_wal_replay_pause_state()')" paused
JAR=$TMP/jar.visitor
submit "$N" paused -c "$JAR"
check "a submission while the replica is paused: 201 (the primary does not wait for it)" status_is 201
PID_PAUSED=$(id_of "$RECEIPTS/paused.json")
check "its answer set the agora_rw cookie" sh -c "grep -q 'agora_rw' '$JAR'"
check "another visitor: the public list reads the replica, which has not replayed it: not listed" \
	not_listed "$A" "$PID_PAUSED"
check "the server logs the request as read from the replica" \
	eventually sh -c "grep 'route=api_responses ' '$TMP/A.err' | tail -1 | grep -q 'status=200 .*replica=1$'"
check "the visitor who wrote it (agora_rw): the list reads the primary: listed" listed "$A" "$PID_PAUSED" -b "$JAR"
check "an agora_rw deadline in the past counts for nothing: not listed" \
	not_listed "$B" "$PID_PAUSED" -H "Cookie: agora_rw=1000000000"
at "$N" GET /responses/$PID_PAUSED -b "$JAR"
check "the visitor who wrote it: its public page through nginx: 200" status_is 200
check "... and shows it" body_has "Summary paused of the multi-server test"
at "$B" GET /responses/$PID_PAUSED
check "another visitor given its link at once: the replica's 404 is asked again of the primary: 200" status_is 200
check "... logged as a replica miss" \
	eventually sh -c "grep 'route=response ' '$TMP/B.err' | tail -1 | grep -q 'status=200 .*replica=miss$'"
at "$A" GET /api/v1/responses/$PID_PAUSED
check "... and the same through the API: 200" status_is 200
at "$A" GET /api/v1/responses/zzzzzzzzzzzz
check "a response that exists nowhere: still 404" status_is 404
at "$B" GET /receipts/$PID_PAUSED
check "the receipt page reads the primary: 200 for anyone" status_is 200
at "$A" GET /api/v1/responses/$PID_PAUSED/receipt
check "the receipt API reads the primary: 200 for anyone" status_is 200

# A session started on A, used on B and through nginx
SJAR=$TMP/jar.sec
curl -s -b "$SJAR" -c "$SJAR" -o "$TMP/login.html" "$A/login"
at "$A" POST /login -b "$SJAR" -c "$SJAR" --data-urlencode "email=$SEC" --data-urlencode "password=$PW" \
	--data-urlencode "csrf=$(csrf_in "$TMP/login.html")"
check "the secretariat logs in on A: 303" status_is 303
at "$B" GET /admin/moderation -b "$SJAR"
check "the session started on A is valid on B: /admin/moderation 200" status_is 200
at "$N" GET /admin/moderation -b "$SJAR"
check "... and through nginx: 200" status_is 200
at "$B" GET /consultations/$ROUND -b "$SJAR"
check "a signed-in member reads the primary: the consultation page lists it" body_has "/responses/$PID_PAUSED"
at "$B" GET /consultations/$ROUND
check "... which another visitor's (from the replica) does not" body_lacks "/responses/$PID_PAUSED"

pg_replica -c 'SELECT pg_wal_replay_resume()' >/dev/null
for _ in $(seq 1 200); do listed "$A" "$PID_PAUSED" >/dev/null 2>&1 && break; sleep 0.05; done
check "replay resumed: the replica lists it for everyone" listed "$A" "$PID_PAUSED"

# ---- Withheld through one server, gone through the other at once -------------------------------
# With an asynchronous replica a change reaches it a moment after the commit; "at once" through
# a replica takes the primary waiting for the replica to apply each commit (docs/DEPLOY.md).
pg_primary -c "ALTER SYSTEM SET synchronous_standby_names = 'agora_replica'" \
	-c "ALTER SYSTEM SET synchronous_commit = 'remote_apply'" -c "SELECT pg_reload_conf()" >/dev/null
for _ in $(seq 1 100); do
	[ "$(pg_primary -c "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'agora_replica'")" = sync ] && break
	sleep 0.05
done
check "the replica is now synchronous (remote_apply)" \
	same "$(pg_primary -c "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'agora_replica'")" sync
WID=$(id_of "$RECEIPTS/b1.json")
at "$B" GET /consultations/$ROUND
check "before: B's consultation page (now in B's page cache) lists the response" body_has "/responses/$WID"
at "$B" GET /responses/$WID
check "before: its page on B shows it" body_has "Summary b1 of the multi-server test"
at "$B" GET /api/v1/responses/$WID
check "before: the API on B shows it" body_has "Summary b1 of the multi-server test"
# the form from B's page, posted to A: the two servers share the CSRF key
at "$B" GET /admin/responses/$WID -b "$SJAR"
CSRF=$(csrf_in "$TMP/b")
at "$A" POST /admin/responses/$WID/withhold -b "$SJAR" --data-urlencode "csrf=$CSRF" \
	--data-urlencode "reason=Withheld through server A"
check "withheld through A (the form B showed): 303" status_is 303
at "$B" GET /responses/$WID
check "at once through B: its page says it is withheld" body_has "withheld by the secretariat"
check "at once through B: its page no longer shows it" body_lacks "Summary b1 of the multi-server test"
at "$B" GET /api/v1/responses/$WID
check "at once through B: the API no longer shows it" body_lacks "Summary b1 of the multi-server test"
at "$B" GET /consultations/$ROUND
check "at once through B: B's cached consultation page no longer lists it" body_lacks "/responses/$WID"
at "$N" GET /responses/$WID
check "at once through nginx: gone" body_lacks "Summary b1 of the multi-server test"
pg_primary -c "ALTER SYSTEM RESET synchronous_standby_names" -c "ALTER SYSTEM RESET synchronous_commit" \
	-c "SELECT pg_reload_conf()" >/dev/null

# A logout on B ends the session on A too
at "$B" GET /admin/moderation -b "$SJAR"
at "$B" POST /logout -b "$SJAR" -c "$SJAR" --data-urlencode "csrf=$(csrf_in "$TMP/b")"
check "logout on B: 303" status_is 303
at "$A" GET /admin/moderation -b "$SJAR"
check "the session ended on B is gone on A: /admin/moderation sends to the login" status_is 302

# ---- The log and every receipt verify -----------------------------------------------------------
VKEY=$(curl -s "$N/api/v1/log/key")
"$AGORA" log verify --data "$DATA" >"$TMP/verify.out" 2>&1
check "agora log verify --data (the primary): the log verifies" same "$?" 0
bad=0
for f in "$RECEIPTS"/*.json; do
	"$AGORA" log verify --url "$N" --key "$VKEY" --receipt "$f" >"$TMP/rv.out" 2>&1 ||
		{ bad=$((bad + 1)); echo "# $(basename "$f"): $(grep -v '^ok' "$TMP/rv.out" | head -2)"; }
done
check "every receipt ($(ls "$RECEIPTS" | wc -l)) verifies through nginx against the log's key" same "$bad" 0

# ---- The replica stops: the primary answers, and the server says so -----------------------------
as_pg "$PG_BIN/pg_ctl" -D "$PG_REPLICA_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1
at "$A" GET /api/v1/responses/$(id_of "$RECEIPTS/a1.json")
check "replica stopped: a public read is answered from the primary: 200" status_is 200
at "$B" GET /consultations
check "replica stopped: a public page through B: 200" status_is 200
check "A logs that it read from the primary instead" log_has A "read replica"

# ---- Start-up refuses a replica it cannot use ---------------------------------------------------
timeout 60 "$AGORA" serve --data "$DATA" --listen 127.0.0.1:0 --db-read "$REPLICA_DB&password=Secret-91c2" \
	>/dev/null 2>"$TMP/c.err"
rc=$?
check "a replica that cannot be reached at start-up: serve refuses to start (exit 1)" same "$rc" 1
check "... saying so" grep -q 'cannot open the read replica (--db-read)' "$TMP/c.err"
check "... without the URL's password in the message" sh -c "! grep -qF 'Secret-91c2' '$TMP/c.err'"
timeout 60 "$AGORA" serve --data "$DATA" --listen 127.0.0.1:0 --db-read "$AGORA_PG_URL" >/dev/null 2>"$TMP/c.err"
rc=$?
check "a database that is not a replica of --db (no schema): refused (exit 1)" same "$rc" 1
check "... naming the schema versions" grep -q 'has schema version 0 and the primary' "$TMP/c.err"
env -u AGORA_DB "$AGORA" init --data "$TMP/sq" >/dev/null 2>&1
timeout 60 env -u AGORA_DB "$AGORA" serve --data "$TMP/sq" --listen 127.0.0.1:0 --db-read "$REPLICA_DB" >/dev/null 2>"$TMP/c.err"
rc=$?
check "SQLite with --db-read: refused (exit 1)" same "$rc" 1
check "... saying SQLite has no replica" grep -q 'SQLite (--db sqlite:...) has none' "$TMP/c.err"
AGORA_DB_READ="mysql://x" timeout 60 "$AGORA" serve --data "$DATA" --listen 127.0.0.1:0 >/dev/null 2>"$TMP/c.err"
rc=$?
check "AGORA_DB_READ that is not postgres://: refused (exit 1)" same "$rc" 1
check "... saying what it wants" grep -q 'wants the postgres://... URL of a streaming replica' "$TMP/c.err"

finish
