#!/bin/bash
# t475_migrate_store: `agora migrate-store --from sqlite:PATH --to postgres://...`: a demo folder
# on SQLite with responses, attachments and moderation moves into a fresh PostgreSQL database;
# a server on it shows the same responses, withheld stays withheld, attachments come back byte
# for byte, receipts verify, `agora log verify` passes, new submissions get new ids and log
# entries; a non-empty target is refused; a damaged blob refuses the move and leaves nothing; bad
# --from and --to are clear errors. The source is always SQLite (its own folder); without
# AGORA_PG_URL the test starts its own PostgreSQL cluster (tests/pg.sh): never skipped.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../pg.sh"
FIX=$(cd "$(dirname "$0")" && pwd)/fixtures
ROUND=multilingual-internet
SEC=secretariat@agora.example
unset AGORA_DB	# the source is SQLite whatever the tier
OWN_CLUSTER=0
if [ -z "${AGORA_PG_URL:-}" ]; then
	if ! pg_start; then
		not_ok "PostgreSQL starts for this test (tests/pg.sh)"
		finish
	fi
	OWN_CLUSTER=1
fi
trap 'cleanup; [ "$OWN_CLUSTER" = 1 ] && pg_stop' EXIT
same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
# new_db: a fresh database on the cluster, its URL in NEW_URL (dropped by lib.sh's cleanup)
new_db() {
	local name
	name="t_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
	psql -q -v ON_ERROR_STOP=1 "$AGORA_PG_URL" -c "CREATE DATABASE $name" >/dev/null || return 1
	PG_DBS="$PG_DBS $name"
	NEW_URL=$(printf '%s' "$AGORA_PG_URL" | sed "s|^postgresql:///postgres?|postgresql:///$name?|")
}
pgsql() { psql -X -q -At -F '|' -v ON_ERROR_STOP=1 "$1" -c "$2"; }
migrate() { "$AGORA" migrate-store --from "sqlite:$1" --to "$2" >"$TMP/m.out" 2>"$TMP/m.err"; }
submit() {	# submit [CURL ARGS...]: a response from the fixture, with the files given
	req POST "/api/v1/consultations/$ROUND/responses" -F "response=<$FIX/resp-jane.json;type=application/json" "$@"
}

# ---- The SQLite repository --------------------------------------------------------------------
SRC=$TMP/src
"$AGORA" init --data "$SRC" --demo >"$TMP/init.out" 2>"$TMP/init.err"
check "agora init --demo on SQLite: exit 0" same "$?" 0
DATA=$SRC
start_server --submit-rate 0
head -c 1500000 /dev/urandom | base64 -w 76 >"$TMP/paper.txt"	# two chunks on PostgreSQL
printf 'Annex: caf\xc3\xa9, \xe2\x82\xac, \xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a.\n' >"$TMP/annex.txt"
submit -F "attachments=@$TMP/paper.txt" -F "attachments=@$TMP/annex.txt"
check "a response with two attachments: 201" status_is 201
A=$(json 'j["id"]')
json 'json.dumps(j["receipt"])' >"$TMP/receipt_a.json"
for i in 1 2 3 4; do
	submit
	[ "$STATUS" = 201 ] || break
	eval "R$i=\$(json 'j[\"id\"]')"
done
check "four more responses: 201" status_is 201
TOKEN=$("$AGORA" token create --data "$SRC" --email "$SEC")
req POST "/api/v1/responses/$R2/moderation" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	--data '{"action":"withhold","reason":"off topic"}'
check "one response withheld through the API: 200" status_is 200
req GET "/api/v1/consultations/$ROUND/responses?limit=200"
json '"\n".join(sorted(r["id"] for r in j["items"]))' >"$TMP/public_src.txt"
check "the withheld response is not public on SQLite" sh -c "! grep -qx '$R2' '$TMP/public_src.txt'"
req GET "/api/v1/responses/$A"
cp "$TMP/b" "$TMP/a_src.json"
stop_server
SRC_LOG=$(sqlite3 "$SRC/agora.db" "SELECT COUNT(*) FROM log_entries")

# ---- Bad arguments, and targets that are refused ----------------------------------------------
new_db
GOOD_URL=$NEW_URL
"$AGORA" migrate-store --from "$SRC/agora.db" --to "$GOOD_URL" >/dev/null 2>"$TMP/e"
check "--from without sqlite: is a usage error (exit 2)" same "$?" 2
check "... saying what it must be" grep -q "from must be sqlite:PATH" "$TMP/e"
"$AGORA" migrate-store --from "sqlite:$TMP/nowhere/agora.db" --to "$GOOD_URL" >/dev/null 2>"$TMP/e"
check "--from a file that does not exist: exit 1" same "$?" 1
check "... naming it" grep -q "$TMP/nowhere/agora.db: No such file" "$TMP/e"
"$AGORA" migrate-store --from "sqlite:$FIX/resp-jane.json" --to "$GOOD_URL" >/dev/null 2>"$TMP/e"
check "--from a file that is not a database: exit 1, said" sh -c "[ $? = 1 ] && grep -q 'not a database' '$TMP/e'"
"$AGORA" migrate-store --from "sqlite:$SRC/agora.db" --to "sqlite:$TMP/other.db" >/dev/null 2>"$TMP/e"
check "--to that is not PostgreSQL: exit 2" same "$?" 2
check "... saying what it must be" grep -q "to must be a PostgreSQL URL" "$TMP/e"
"$AGORA" migrate-store --from "sqlite:$SRC/agora.db" >/dev/null 2>"$TMP/e"
check "no --to: exit 2" same "$?" 2
"$AGORA" migrate-store --from "sqlite:$SRC/agora.db" --to "postgresql:///nodb?host=$TMP&port=1" >/dev/null 2>"$TMP/e"
check "a PostgreSQL that is not there: exit 1, cannot connect" sh -c "[ $? = 1 ] && grep -q 'cannot connect' '$TMP/e'"
new_db
pgsql "$NEW_URL" "CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('someone else''s')"
migrate "$SRC/agora.db" "$NEW_URL"
check "a database with someone else's tables: refused (exit 1)" same "$?" 1
check "... as not empty" grep -q "target database is not empty: it has 1 tables and no Agora schema" "$TMP/m.err"
check "... and left as it was" same "$(pgsql "$NEW_URL" "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'")" 1

# A blob whose content is not its name: the move is refused and nothing is copied; the same
# target then takes the sound repository (a failed move leaves only the empty schema).
BAD=$TMP/bad
cp -a "$SRC" "$BAD"
SHA_ANNEX=$(sha256sum "$TMP/annex.txt" | cut -d' ' -f1)
printf 'tampered' >>"$BAD/blobs/${SHA_ANNEX:0:2}/$SHA_ANNEX"
new_db
RETRY_URL=$NEW_URL
migrate "$BAD/agora.db" "$RETRY_URL"
check "a blob whose content is not its name: refused (exit 1)" same "$?" 1
check "... naming the blob" grep -q "$SHA_ANNEX.*is not that blob" "$TMP/m.err"
check "... nothing copied: no account, no entry, no blob" \
	same "$(pgsql "$RETRY_URL" "SELECT (SELECT COUNT(*) FROM accounts) + (SELECT COUNT(*) FROM log_entries) + (SELECT COUNT(*) FROM blobs)")" 0
rm "$BAD/blobs/${SHA_ANNEX:0:2}/$SHA_ANNEX"
migrate "$BAD/agora.db" "$RETRY_URL"
check "a blob a row names, missing from the folder: refused" \
	sh -c "[ $? = 1 ] && grep -q 'blob $SHA_ANNEX, named by the database, is missing' '$TMP/m.err'"
migrate "$SRC/agora.db" "$RETRY_URL"
check "the same target then takes the sound repository: exit 0" same "$?" 0

# ---- The move -----------------------------------------------------------------------------------
migrate "$SRC/agora.db" "$GOOD_URL"
RC=$?
check "agora migrate-store into a fresh database: exit 0" same "$RC" 0
[ "$RC" = 0 ] || sed 's/^/# /' "$TMP/m.err"
check "it prints rows per table" grep -qE "^  responses +[0-9]+ rows" "$TMP/m.out"
check "... and the blobs" grep -qE "^  blobs +[0-9]+ files" "$TMP/m.out"
check "it compares the row counts of every table" grep -q "the same counts on both sides" "$TMP/m.out"
check "it verifies the public log on the target" grep -q "OK: the log and the stored rows agree" "$TMP/m.out"
check "it says the search index is not copied" grep -q "search index was not copied" "$TMP/m.out"
for t in responses response_versions response_attachments moderation_events log_entries log_checkpoints accounts blob_refs; do
	check "$t: the same number of rows" same "$(pgsql "$GOOD_URL" "SELECT COUNT(*) FROM $t")" "$(sqlite3 "$SRC/agora.db" "SELECT COUNT(*) FROM $t")"
done
check "the log's entries are the same bytes" \
	same "$(pgsql "$GOOD_URL" "SELECT md5(string_agg(encode(entry, 'hex'), '' ORDER BY idx)) FROM log_entries")" \
	"$(sqlite3 "$SRC/agora.db" "SELECT lower(hex(entry)) FROM log_entries ORDER BY idx" | tr -d '\n' | md5sum | cut -d' ' -f1)"
check "every blob file is in the database" same "$(pgsql "$GOOD_URL" "SELECT COUNT(*) FROM blobs")" "$(find "$SRC/blobs" -mindepth 2 -path '*/??/*' -type f | wc -l)"
"$AGORA" migrate-store --from "sqlite:$SRC/agora.db" --to "$GOOD_URL" >"$TMP/m2.out" 2>"$TMP/m2.err"
check "a second move into the same database: refused (exit 1)" same "$?" 1
check "... as not empty, naming a table" grep -q "target database is not empty: table .* has [0-9]* rows" "$TMP/m2.err"
check "... and nothing doubled" same "$(pgsql "$GOOD_URL" "SELECT COUNT(*) FROM log_entries")" "$SRC_LOG"

AGORA_DB=$GOOD_URL "$AGORA" log verify --data "$SRC" >"$TMP/v.out" 2>&1
check "agora log verify --db the target: exit 0" same "$?" 0

# ---- A server on PostgreSQL ---------------------------------------------------------------------
export AGORA_DB=$GOOD_URL
DATA=$TMP/pgdata
mkdir -m 700 "$DATA"
cp -a "$SRC/keys" "$DATA/keys"
start_server --submit-rate 0
req GET "/api/v1/consultations/$ROUND/responses?limit=200"
json '"\n".join(sorted(r["id"] for r in j["items"]))' >"$TMP/public_pg.txt"
check "the same public responses on PostgreSQL" cmp -s "$TMP/public_pg.txt" "$TMP/public_src.txt"
check "... the withheld one still withheld" sh -c "! grep -qx '$R2' '$TMP/public_pg.txt'"
req GET "/api/v1/responses/$A"
check "the response with attachments reads back the same through the API" cmp -s "$TMP/b" "$TMP/a_src.json"
req GET "/responses/$A/attachments/1"
check "its first attachment downloads from the database, byte for byte" sh -c "[ '$STATUS' = 200 ] && cmp -s '$TMP/b' '$TMP/paper.txt'"
req GET "/responses/$A/attachments/2"
check "its second attachment too" sh -c "[ '$STATUS' = 200 ] && cmp -s '$TMP/b' '$TMP/annex.txt'"
req GET /documents/cwg-internet-16-1/revisions/0
check "a demo document's file downloads" status_is 200
CSRF=$(curl -s -b "$TMP/jar" -c "$TMP/jar" "$BASE/receipts" | grep -o 'name="csrf" value="[^"]*"' | head -1 | cut -d'"' -f4)
req POST /receipts -b "$TMP/jar" --form-string "csrf=$CSRF" -F "receipt=<$TMP/receipt_a.json"
check "a receipt handed out on SQLite verifies on PostgreSQL (all six steps)" \
	sh -c "[ '$STATUS' = 200 ] && [ \$(grep -o 'data-step=\"passed\"' '$TMP/b' | wc -l) = 6 ]"
submit -F "attachments=@$TMP/annex.txt"
check "a new response on PostgreSQL: 201" status_is 201
NEW=$(json 'j["id"]')
json 'json.dumps(j["receipt"])' >"$TMP/receipt_new.json"
check "... with a new log entry after the copied ones" same "$(python3 -c "import json; print(json.load(open('$TMP/receipt_new.json'))['leaf_index'] >= $SRC_LOG)")" True
check "... and a new id past the copied ones" \
	same "$(pgsql "$GOOD_URL" "SELECT id > (SELECT MAX(id) FROM responses WHERE public_id <> '$NEW') FROM responses WHERE public_id = '$NEW'")" t
req POST /receipts -b "$TMP/jar" --form-string "csrf=$CSRF" -F "receipt=<$TMP/receipt_new.json"
check "its receipt verifies" sh -c "[ '$STATUS' = 200 ] && [ \$(grep -o 'data-step=\"passed\"' '$TMP/b' | wc -l) = 6 ]"
stop_server
"$AGORA" log verify --data "$DATA" >"$TMP/v2.out" 2>&1
check "agora log verify after new submissions on PostgreSQL: exit 0" same "$?" 0
finish
