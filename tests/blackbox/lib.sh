# lib.sh: black-box test helpers. Each test starts build/agora on a free port with a fresh
# data folder, talks HTTP to it with curl, and stops it by its process id.
set -u
AGORA=${AGORA_BIN:-$(pwd)/build/agora}
# The suite runs as root: its servers keep root (t520 tests the switch to another user).
export AGORA_USER=${AGORA_USER:-root}
TMP=$(mktemp -d /tmp/agora-test.XXXXXX)
PID=""
PORT=""
BASE=""
n=0
fails=0

cleanup() {
	# A failing test shows what the server said: sanitizer reports, errors.
	if [ "$fails" -gt 0 ] && [ -s "$TMP/serve.err" ]; then
		echo "# last lines of the server's log:"
		grep -v ' info ' "$TMP/serve.err" | tail -40 | sed 's/^/# /'
	fi
	if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
		kill -TERM "$PID" 2>/dev/null
		for _ in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.05; done
		kill -KILL "$PID" 2>/dev/null
	fi
	pg_drop_dbs
	rm -rf "$TMP"
}
trap cleanup EXIT

# On PostgreSQL (tests/run.sh blackbox-pg starts a throwaway cluster and sets AGORA_PG_URL), each
# data folder gets a fresh database, named by AGORA_DB for every agora command the test runs.
PG_DBS=""
pg_new_db() {
	local name
	name="t_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
	psql -q -v ON_ERROR_STOP=1 "$AGORA_PG_URL" -c "CREATE DATABASE $name" >/dev/null || return 1
	PG_DBS="$PG_DBS $name"
	# the tests' own SQL uses SQLite's group_concat: the same aggregate for their queries (the
	# application's SQL never uses it on PostgreSQL)
	psql -q -v ON_ERROR_STOP=1 "$(pg_url_of "$name")" >/dev/null <<'EOF' || return 1
CREATE FUNCTION test_gc(acc text, v text, sep text) RETURNS text LANGUAGE sql IMMUTABLE AS
	$$ SELECT CASE WHEN v IS NULL THEN acc WHEN acc IS NULL THEN v ELSE acc || sep || v END $$;
CREATE FUNCTION test_gc1(acc text, v text) RETURNS text LANGUAGE sql IMMUTABLE AS
	$$ SELECT test_gc(acc, v, ',') $$;
CREATE FUNCTION test_gcn(acc text, v bigint) RETURNS text LANGUAGE sql IMMUTABLE AS
	$$ SELECT test_gc(acc, v::text, ',') $$;
CREATE AGGREGATE group_concat(text, text) (SFUNC = test_gc, STYPE = text);
CREATE AGGREGATE group_concat(text) (SFUNC = test_gc1, STYPE = text);
CREATE AGGREGATE group_concat(bigint) (SFUNC = test_gcn, STYPE = text);
EOF
	AGORA_DB=$(pg_url_of "$name")
	export AGORA_DB
}
pg_url_of() { printf '%s' "$AGORA_PG_URL" | sed "s|^postgresql:///postgres?|postgresql:///$1?|"; }
pg_drop_dbs() {
	local d
	[ -n "${AGORA_PG_URL:-}" ] || return 0
	for d in $PG_DBS; do
		psql -q "$AGORA_PG_URL" -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1
	done
}
on_pg() { [ -n "${AGORA_PG_URL:-}" ]; }
# sql STATEMENT: runs it on the test's store (SQLite file or PostgreSQL database); rows as
# sqlite3 prints them (columns joined by |, booleans 1 and 0, also where a test's SQL joined one
# into a string: PostgreSQL writes true). DB names the SQLite file, else
# $DATA/agora.db.
sql() {
	if on_pg; then
		local out rc
		out=$(psql -X -q -At -F '|' -v ON_ERROR_STOP=1 "$AGORA_DB" -c "$1")
		rc=$?	# the store's answer, not sed's
		[ -z "$out" ] || printf '%s\n' "$out" |
			sed -E ':a; s/(^|\|)t(\||$)/\11\2/; s/(^|\|)f(\||$)/\10\2/; ta
				:b; s/(^|[| ])true([| ]|$)/\11\2/; s/(^|[| ])false([| ]|$)/\10\2/; tb'
		return $rc
	else
		sqlite3 -cmd '.timeout 5000' "${DB:-$DATA/agora.db}" "$1"
	fi
}
# sql_dump: the whole store as SQL text
sql_dump() { if on_pg; then pg_dump "$AGORA_DB"; else sqlite3 "${DB:-$DATA/agora.db}" .dump; fi; }
# refused STATEMENT: the store says no to it
refused() { ! sql "$1" >/dev/null 2>&1; }
# contains TEXT PART: TEXT has PART in it
contains() { case $1 in *"$2"*) return 0 ;; esac; echo "# '$2' not in: $(printf '%s' "$1" | head -c 300)"; return 1; }

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; [ $# -gt 1 ] && echo "# $2"; return 0; }
# check DESC COMMAND...: passes when COMMAND succeeds
check() { d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
finish() { [ "$fails" -eq 0 ]; exit $?; }

# init_data [DIR]: a fresh data folder with the demo set
init_data() {
	DATA=${1:-$TMP/data}
	if on_pg; then pg_new_db || return 1; fi
	"$AGORA" init --data "$DATA" --demo >"$TMP/init.out" 2>"$TMP/init.err"
}

# start_server [ARGS...]: serves $DATA (init_data first) on a free port
start_server() {
	: >"$TMP/serve.out"
	"$AGORA" serve --data "$DATA" --listen 127.0.0.1:0 "$@" >"$TMP/serve.out" 2>>"$TMP/serve.err" &
	PID=$!
	for _ in $(seq 1 200); do
		PORT=$(sed -n 's|^Agora is serving http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$TMP/serve.out")
		[ -n "$PORT" ] && break
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.05
	done
	[ -n "$PORT" ] || { echo "# server did not start"; cat "$TMP/serve.err"; exit 1; }
	BASE="http://127.0.0.1:$PORT"
}

# stop_server: SIGTERM, wait; sets STOP_RC
stop_server() {
	kill -TERM "$PID"
	STOP_RC=0
	for _ in $(seq 1 200); do kill -0 "$PID" 2>/dev/null || break; sleep 0.05; done
	wait "$PID" || STOP_RC=$?
	PID=""
}

# req METHOD PATH [CURL ARGS...]: sets STATUS; headers in $TMP/h, body in $TMP/b
req() {
	m=$1; p=$2; shift 2
	STATUS=$(curl -s -o "$TMP/b" -D "$TMP/h" -w '%{http_code}' -X "$m" --max-time 20 "$@" "$BASE$p")
}
# header NAME: the value of a response header of the last req
header() { grep -i "^$1:" "$TMP/h" | head -1 | cut -d' ' -f2- | tr -d '\r'; }
body_has() { grep -qF -- "$1" "$TMP/b"; }
body_lacks() { ! grep -qF -- "$1" "$TMP/b"; }
# json EXPR: evaluates a Python expression over the last body parsed as j
json() { python3 -c "import json,sys; j=json.load(open('$TMP/b')); print($1)"; }
status_is() { [ "$STATUS" = "$1" ] || { echo "# status $STATUS, wanted $1"; head -c 300 "$TMP/b"; echo; return 1; }; }

# mail_round SLUG OPENS CLOSES: a round created with agora consultation create, opening and closing
# at those Unix times, titled in English ("Round SLUG"), French ("Consultation SLUG") and Chinese
# ("磋商 SLUG"), for the mail tests' notices in each language
iso_utc() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
mail_round() {
	cat >"$TMP/$1.json" <<JSON
{"slug":"$1","original_language":"en","opens_at":"$(iso_utc "$2")","closes_at":"$(iso_utc "$3")",
 "texts":{"en":{"title":"Round $1"},"fr":{"title":"Consultation $1"},"zh":{"title":"磋商 $1"}},
 "questions":[{"number":1,"text":{"en":"Q?"}}]}
JSON
	"$AGORA" consultation create --data "$DATA" "$TMP/$1.json" >/dev/null
}
