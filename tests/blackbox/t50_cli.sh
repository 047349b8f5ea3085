#!/bin/bash
# t50_cli: the command line: help and version, flags and settings, init, demo,
# consultation create/list/show/open/close/extend, tokens, and serve on a busy port.
. "$(dirname "$0")/lib.sh"

# run ARGS...: runs agora; sets RC, stdout in $TMP/o, stderr in $TMP/e
run() { "$AGORA" "$@" >"$TMP/o" 2>"$TMP/e"; RC=$?; }
rc_is() { [ "$RC" = "$1" ] || { echo "# exit $RC, wanted $1"; head -c 300 "$TMP/e"; return 1; }; }
out_has() { grep -qF -- "$1" "$TMP/o"; }
err_has() { grep -qF -- "$1" "$TMP/e"; }
out_line() { grep -qE -- "$1" "$TMP/o"; }
mode_is() { [ "$(stat -c %a "$1")" = "$2" ] || { echo "# $1 is mode $(stat -c %a "$1"), wanted $2"; return 1; }; }
size_is() { [ "$(stat -c %s "$1")" = "$2" ] || { echo "# $1 is $(stat -c %s "$1") bytes, wanted $2"; return 1; }; }
# field KEY: a top-level field of the JSON `consultation show` printed in $TMP/o
field() { python3 -c "import json,sys; print(json.load(open('$TMP/o'))['$1'])" 2>/dev/null; }
# state_of SLUG: the state `consultation show` reports
state_of() { "$AGORA" consultation show --data "$D" "$1" >"$TMP/o" 2>"$TMP/e" && field state; }

COMMANDS="init serve consultation demo token config"

# --- Help and version -------------------------------------------------------------------
for h in --help help; do
	run $h
	check "agora $h exits 0" rc_is 0
	all=1
	for c in $COMMANDS; do grep -qE "^  $c " "$TMP/o" || { echo "# $c missing"; all=0; }; done
	check "agora $h lists every command" [ $all = 1 ]
done
run --version
check "agora --version exits 0" rc_is 0
check "agora --version prints agora X.Y.Z" grep -qxE 'agora [0-9]+\.[0-9]+\.[0-9]+' "$TMP/o"
run
check "no arguments exits 2" rc_is 2
check "no arguments prints the usage on stderr" err_has "Usage: agora COMMAND"
run frobnicate
check "an unknown command exits 2" rc_is 2
check "an unknown command is named on stderr" err_has "unknown command 'frobnicate'"
for c in $COMMANDS; do
	run $c --help
	check "agora $c --help exits 0" rc_is 0
	check "agora $c --help shows its usage line" out_has "Usage: agora $c"
	check "agora $c --help shows the settings table" out_has "AGORA_LISTEN"
done

# --- Options and settings ---------------------------------------------------------------
run demo --bogus
check "an unknown option exits 2" rc_is 2
check "an unknown option is named" err_has "'--bogus'"
for v in 0 999 abc; do
	run config check --threads $v
	check "--threads $v exits 2" rc_is 2
	check "--threads $v is explained" err_has "threads"
done
AGORA_THREADS=0 "$AGORA" config check >"$TMP/o" 2>"$TMP/e"; RC=$?
check "AGORA_THREADS=0 exits 2" rc_is 2
check "AGORA_THREADS=0 is explained" err_has "outside 1..256"

(unset AGORA_THREADS; "$AGORA" config check >"$TMP/o" 2>"$TMP/e"); RC=$?
check "config check exits 0" rc_is 0
check "config check: threads 2 from default" out_line '^threads +2 +default +AGORA_THREADS$'
check "config check: listen default" out_line '^listen +127\.0\.0\.1:8080 +default +AGORA_LISTEN$'
nsettings=$("$AGORA" --help | grep -c '^  --.* AGORA_')
check "config check lists every setting ($nsettings)" [ "$(grep -c ' AGORA_' "$TMP/o")" = "$nsettings" ]
AGORA_THREADS=5 "$AGORA" config check >"$TMP/o" 2>"$TMP/e"; RC=$?
check "config check with AGORA_THREADS=5 exits 0" rc_is 0
check "config check: threads 5 from env" out_line '^threads +5 +env +AGORA_THREADS$'
(unset AGORA_THREADS; "$AGORA" config check --threads 7 >"$TMP/o" 2>"$TMP/e"); RC=$?
check "config check --threads 7 exits 0" rc_is 0
check "config check: threads 7 from flag" out_line '^threads +7 +flag +AGORA_THREADS$'
AGORA_THREADS=5 "$AGORA" config check --threads=9 >"$TMP/o" 2>"$TMP/e"; RC=$?
check "a flag beats an env var" out_line '^threads +9 +flag +AGORA_THREADS$'
run config
check "config without check exits 2" rc_is 2

# --- init -------------------------------------------------------------------------------
# on PostgreSQL each folder has its own database (lib.sh); D's is the one used from here on
D=$TMP/plain
if on_pg; then pg_new_db; D_DB=$AGORA_DB; fi
run init --data "$D"
check "init exits 0" rc_is 0
check "init prints the secretariat login" out_has "secretariat@agora.example"
PW=$(sed -n 's/^Password: //p' "$TMP/o")
check "init prints a password" [ "${#PW}" -ge 12 ]
check "the data folder is mode 700" mode_is "$D" 700
if on_pg; then
	check "PostgreSQL: no agora.db in the data folder" [ ! -e "$D/agora.db" ]
else
	check "agora.db is mode 600" mode_is "$D/agora.db" 600
fi
check "keys/ is mode 700" mode_is "$D/keys" 700
check "the log's signing key keys/log.key is mode 600" mode_is "$D/keys/log.key" 600
check "log.key is a signed-note signing key named for the site" grep -q '^PRIVATE+KEY+agora.localhost/log+[0-9a-f]\{8\}+A' "$D/keys/log.key"
if on_pg; then pg_new_db; fi
run init --data "$TMP/named" --public-url https://agora.example.org/
check "with --public-url the key is named for its host" grep -q '^PRIVATE+KEY+agora.example.org/log+' "$TMP/named/keys/log.key"
if on_pg; then
	# a database holds one repository: init with a new folder on D's database refuses
	AGORA_DB=$D_DB
	run init --data "$TMP/second"
	check "PostgreSQL: init on a database that holds a repository exits 1" rc_is 1
	check "... says so" err_has "already holds a repository"
	check "... and made no folder" [ ! -e "$TMP/second" ]
fi
check "plain init writes no demo login" [ ! -e "$D/demo-login.txt" ]
store_sum() { if on_pg; then sql_dump | grep -v -e '^--' -e '^[\\]' | sha256sum; else sha256sum <"$D/agora.db"; fi; }
sum=$(DATA=$D store_sum)
run init --data "$D"
check "a second init exits 1" rc_is 1
check "a second init says it is already a data folder" err_has "already a data folder"
check "a second init leaves the store unchanged" [ "$(DATA=$D store_sum)" = "$sum" ]

DD=$TMP/withdemo
if on_pg; then pg_new_db; fi
run init --data "$DD" --demo
check "init --demo exits 0" rc_is 0
DPW=$(sed -n 's/^Password: //p' "$TMP/o")
check "init --demo writes demo-login.txt" [ -f "$DD/demo-login.txt" ]
check "demo-login.txt is mode 600" mode_is "$DD/demo-login.txt" 600
check "demo-login.txt holds the printed password" \
	[ -n "$DPW" -a "$(cat "$DD/demo-login.txt" 2>/dev/null)" = "secretariat@agora.example $DPW" ]
check "two inits make different passwords" [ "$DPW" != "$PW" ]
if on_pg; then AGORA_DB=$D_DB; fi

# --- Not a data folder ------------------------------------------------------------------
run consultation list --data /nonexistent
check "consultation list on a non-data folder exits 1" rc_is 1
check "it says to run agora init" err_has "agora init"
run demo --data "$TMP"
check "demo on a non-data folder exits 1" rc_is 1
check "demo on a non-data folder says to run agora init" err_has "agora init"
check "demo did not make a database in a non-data folder" [ ! -e "$TMP/agora.db" ]
run token create --email secretariat@agora.example --data /nonexistent
check "token create on a non-data folder exits 1" rc_is 1
check "token on a non-data folder says to run agora init" err_has "agora init"
timeout 10 "$AGORA" serve --data /nonexistent --listen 127.0.0.1:0 >"$TMP/o" 2>"$TMP/e"; RC=$?
check "serve on a non-data folder exits 1" rc_is 1
check "serve on a non-data folder says to run agora init" err_has "agora init"

# --- demo -------------------------------------------------------------------------------
run demo --data "$D"
check "demo exits 0" rc_is 0
check "demo adds 6 consultations" out_has "6 consultation(s) added"
run demo --data "$D"
check "a second demo exits 0" rc_is 0
check "a second demo adds none" out_has "0 consultation(s) added, 6 already present"
run demo --data "$D" --responses 30
check "demo --responses 30 exits 0 (as make run calls it)" rc_is 0
check "demo --responses 30 says it added 30" out_has "30 response(s) added"
check "... and the store holds them" [ "$(DATA=$D sql 'SELECT COUNT(*) FROM responses')" -ge 30 ]
run consultation list --data "$D"
check "consultation list exits 0" rc_is 0
rows=$(tail -n +2 "$TMP/o")
check "list shows 6 rows" [ "$(printf '%s\n' "$rows" | grep -c .)" = 6 ]
check "list shows 5 closed rounds" [ "$(printf '%s\n' "$rows" | awk '$2 == "closed"' | wc -l)" = 5 ]
check "list shows 1 open round" [ "$(printf '%s\n' "$rows" | awk '$2 == "open"' | wc -l)" = 1 ]
check "the open round is the demo round" sh -c "printf '%s\n' \"\$1\" | grep -qE '^multilingual-internet +open '" _ "$rows"

# --- consultation create ----------------------------------------------------------------
# round FILE SLUG OPENS CLOSES: writes a consultation file
round() {
	cat >"$1" <<EOF
{
  "slug": "$2",
  "original_language": "en",
  "opens_at": "$3",
  "closes_at": "$4",
  "texts": {"en": {"title": "CLI test round $2"}},
  "questions": [{"number": 1, "text": {"en": "What do you think?"}}]
}
EOF
}
round "$TMP/r1.json" cli-one 2030-01-10T00:00:00Z 2030-03-10T00:00:00Z
round "$TMP/r2.json" cli-two 2030-01-10T00:00:00Z 2030-03-10T00:00:00Z
round "$TMP/r3.json" cli-three 2030-01-10T00:00:00Z 2030-03-10T00:00:00Z
round "$TMP/draft.json" cli-draft 2030-01-10T00:00:00Z 2030-03-10T00:00:00Z
round "$TMP/backwards.json" cli-backwards 2030-03-10T00:00:00Z 2030-01-10T00:00:00Z
printf '{\n  "slug": "cli-broken",\n  "original_language": "en",\n  "opens_at": "2030-01-10T00:00:00Z"\n  "closes_at": "2030-03-10T00:00:00Z"\n}\n' >"$TMP/broken.json"

run consultation create --data "$D" "$TMP/r1.json"
check "create exits 0" rc_is 0
run consultation show --data "$D" cli-one
check "show exits 0" rc_is 0
check "show prints JSON with state scheduled" [ "$(field state)" = scheduled ]
check "show prints the slug" [ "$(field slug)" = cli-one ]
check "show prints closes_at" [ "$(field closes_at)" = 2030-03-10T00:00:00Z ]
run consultation create --data "$D" --draft "$TMP/draft.json"
check "create --draft exits 0" rc_is 0
check "create --draft makes a draft" [ "$(state_of cli-draft)" = draft ]
run consultation create --data "$D" "$TMP/broken.json"
check "malformed JSON exits 1" rc_is 1
check "malformed JSON: stderr names the line" err_has "line 5"
run consultation create --data "$D" "$TMP/backwards.json"
check "closes before opens exits 1" rc_is 1
check "closes before opens: stderr mentions closes_at" err_has "closes_at"
run consultation show --data "$D" cli-backwards
check "an invalid round is not created" rc_is 1
run consultation create --data "$D" "$TMP/r1.json"
check "a duplicate slug exits 1" rc_is 1
check "a duplicate slug says it exists" sh -c "grep -q 'cli-one' '$TMP/e' && grep -qi 'exist' '$TMP/e'"
run consultation create --data "$D"
check "create without FILE exits 2" rc_is 2
run consultation create --data "$D" "$TMP/no-such-file.json"
check "create with a file that does not exist exits 1" rc_is 1
run consultation create --data "$D" "$TMP/r2.json"
check "a second round is created" rc_is 0
run consultation create --data "$D" "$TMP/r3.json"
check "a third round is created" rc_is 0

# --- State changes ----------------------------------------------------------------------
run consultation open --data "$D" cli-one
check "open exits 0" rc_is 0
check "open prints the round, now open" [ "$(field state)" = open ]
check "show says open after open" [ "$(state_of cli-one)" = open ]
run consultation extend --data "$D" cli-one --until 2030-02-01T00:00:00Z
check "extend to an earlier time exits 1" rc_is 1
check "an earlier extend leaves closes_at" sh -c "\"\$0\" consultation show --data '$D' cli-one | grep -q '\"closes_at\": \"2030-03-10T00:00:00Z\"'" "$AGORA"
run consultation extend --data "$D" cli-one --until 2031-06-30T12:00:00Z
check "extend to a later time exits 0" rc_is 0
run consultation show --data "$D" cli-one
check "extend moves closes_at" [ "$(field closes_at)" = 2031-06-30T12:00:00Z ]
check "extend keeps the round open" [ "$(field state)" = open ]
run consultation extend --data "$D" cli-one
check "extend without --until exits 2" rc_is 2
run consultation close --data "$D" cli-one
check "close exits 0" rc_is 0
check "show says closed after close" [ "$(state_of cli-one)" = closed ]
run consultation close --data "$D" cli-one
check "closing a closed round exits 1" rc_is 1
check "closing a closed round says not open" err_has "not open"
run consultation extend --data "$D" cli-one --until 2032-01-01T00:00:00Z
check "extending a closed round exits 1" rc_is 1
check "a closed round stays closed" [ "$(state_of cli-one)" = closed ]
run consultation open --data "$D" cli-one
check "reopening a closed round exits 1" rc_is 1
run consultation open --data "$D" cli-two --at 2020-01-01T00:00:00Z
check "open --at a past time exits 1" rc_is 1
check "open --at a past time leaves it scheduled" [ "$(state_of cli-two)" = scheduled ]
run consultation open --data "$D" cli-two --at garbage
check "open --at garbage exits 2" rc_is 2
check "open --at garbage names the value" err_has "'garbage'"
run consultation open --data "$D" cli-three --at 2029-06-01T00:00:00Z
check "open --at a future time exits 0" rc_is 0
run consultation show --data "$D" cli-three
check "open --at moves opens_at" [ "$(field opens_at)" = 2029-06-01T00:00:00Z ]
check "open --at keeps it scheduled" [ "$(field state)" = scheduled ]
run consultation open --data "$D" nope
check "open of an unknown slug exits 1" rc_is 1
check "open of an unknown slug says no consultation" err_has "no consultation"
run consultation show --data "$D" nope
check "show of an unknown slug exits 1" rc_is 1
run consultation frob --data "$D" cli-one
check "an unknown action exits 2" rc_is 2

# --- token ------------------------------------------------------------------------------
run token create --data "$D" --email secretariat@agora.example
check "token create exits 0" rc_is 0
TOKEN=$(cat "$TMP/o")
check "token create prints one line" [ "$(wc -l <"$TMP/o")" = 1 ]
check "the token starts with agora_" [ "${TOKEN#agora_}" != "$TOKEN" ]
check "the token is 49 characters" [ "${#TOKEN}" = 49 ]
run token create --data "$D" --email nobody@agora.example
check "token for an unknown email exits 1" rc_is 1
check "token for an unknown email prints no token" [ ! -s "$TMP/o" ]
run token create --data "$D"
check "token create without --email exits 2" rc_is 2

DATA=$D
start_server
req POST /api/v1/consultations -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" --data '{}'
check "the CLI token is accepted by the API (422 for an empty round)" status_is 422
req POST /api/v1/consultations -H "Authorization: Bearer agora_${TOKEN:6:20}xxxxxxxxxxxxxxxxxxxxxxx" \
	-H "Content-Type: application/json" --data '{}'
check "a forged token is refused" [ "$STATUS" = 401 -o "$STATUS" = 403 ]

# --- serve on a busy port ---------------------------------------------------------------
t0=$(date +%s)
timeout 10 "$AGORA" serve --data "$DATA" --listen "127.0.0.1:$PORT" >"$TMP/o" 2>"$TMP/e"; RC=$?
t1=$(date +%s)
check "serve on a busy port exits 1" rc_is 1
check "serve on a busy port exits promptly" [ $((t1 - t0)) -le 3 ]
check "serve on a busy port says why" [ -s "$TMP/e" ]
check "serve on a busy port does not claim to serve" [ ! -s "$TMP/o" ]
req GET /healthz
check "the first server still answers" status_is 200
stop_server
check "the server stops with status 0" [ "$STOP_RC" = 0 ]

# --- the store's URL ------------------------------------------------------------------------
"$AGORA" init --data "$TMP/nostore" --db 'mysql://someone:hunter2@db/agora' >"$TMP/o" 2>"$TMP/e"; RC=$?
check "an unsupported store URL: exit 1" rc_is 1
check "... says which kinds are taken" grep -qF "expected sqlite:PATH or postgres://" "$TMP/e"
check "... and never repeats a password" sh -c "! grep -q hunter2 '$TMP/e' '$TMP/o'"
"$AGORA" config check --db 'postgresql://agora:hunter2@db/agora?sslmode=require&password=hunter3' >"$TMP/o" 2>&1
check "config check shows a database URL with its passwords masked" \
	sh -c "grep -q '^db  *postgresql://agora:\*\*\*@db/agora?sslmode=require&password=\*\*\* ' '$TMP/o' && ! grep -q hunter '$TMP/o'"
if on_pg; then
	# on PostgreSQL backup runs pg_dump, and restore wants an empty database (t530_backup_pg.sh)
	"$AGORA" backup --data "$DATA" -o "$TMP/b.tar" >"$TMP/o" 2>"$TMP/e"; RC=$?
	check "PostgreSQL: agora backup writes pg_dump's archive" sh -c "[ $RC -eq 0 ] && tar -xOf '$TMP/b.tar' MANIFEST | grep -qx 'store: postgresql'"
	env -u AGORA_DB "$AGORA" restore --data "$TMP/restored" "$TMP/b.tar" >"$TMP/o" 2>"$TMP/e"; RC=$?
	check "PostgreSQL: agora restore without --db refuses, asking for it" sh -c "[ $RC -eq 2 ] && grep -qF -- --db '$TMP/e' && [ ! -e '$TMP/restored' ]"
fi
finish
