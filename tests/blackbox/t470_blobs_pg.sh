#!/bin/bash
# t470_blobs_pg: blobs in the database on PostgreSQL (docs/POSTGRES.md, "Blobs"): the demo's
# document files and a response's attachments stored in chunks before the answer; served
# byte for byte by a server whose cache lost them, by a second data folder on the same database
# and by `agora export`; a damaged chunk never served; the sweep removes an unreferenced blob from the
# database and its cached file, and keeps referenced and recent ones. PostgreSQL only: without
# AGORA_PG_URL it starts its own cluster (tests/pg.sh); a cluster that cannot start fails.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../pg.sh"
FIX=$(cd "$(dirname "$0")" && pwd)/fixtures
ROUND=multilingual-internet
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
sha() { sha256sum "$1" | cut -d' ' -f1; }
cached() { test -f "$1/blobs/${2:0:2}/$2"; }

init_data
check "agora init --demo on PostgreSQL: exit 0" same "$?" 0
check "the demo's documents were added" grep -q "document(s) added" "$TMP/init.out"
check "every blob the rows name is in the database (the demo's files)" \
	same "$(sql "SELECT COUNT(DISTINCT r.sha256) FROM blob_refs r JOIN blobs b ON b.sha256 = r.sha256")" \
	"$(sql "SELECT COUNT(DISTINCT sha256) FROM blob_refs")"
check "... and there are some" sh -c "[ $(sql "SELECT COUNT(*) FROM blobs") -ge 3 ]"
check "each stored blob's chunks add up to its size" \
	same "$(sql "SELECT COUNT(*) FROM blobs b WHERE size <> (SELECT COALESCE(SUM(length(data)), 0) FROM blob_chunks c WHERE c.sha256 = b.sha256)")" 0
check "each stored blob's chunks hash to its name" \
	same "$(sql "SELECT COUNT(*) FROM blobs b WHERE sha256 <> encode(sha256(COALESCE((SELECT string_agg(data, ''::bytea ORDER BY seq) FROM blob_chunks c WHERE c.sha256 = b.sha256), ''::bytea)), 'hex')")" 0

# The sweep (run once when a server starts): an unreferenced blob stored long ago goes from the
# database and from the cache; a referenced one as old stays, and so does an unreferenced one
# stored within the hour (a row may be about to name it).
printf 'an orphan nobody names\n' >"$TMP/orphan.txt"
printf 'a recent upload whose row is on its way\n' >"$TMP/recent.txt"
ORPHAN=$(sha "$TMP/orphan.txt")
RECENT=$(sha "$TMP/recent.txt")
DOC_SHA=$(sql "SELECT sha256 FROM document_revisions ORDER BY id LIMIT 1")
sql "INSERT INTO blobs VALUES ('$ORPHAN', $(stat -c %s "$TMP/orphan.txt"), 1000);
     INSERT INTO blob_chunks VALUES ('$ORPHAN', 0, decode('$(xxd -p "$TMP/orphan.txt" | tr -d '\n')', 'hex'));
     INSERT INTO blobs VALUES ('$RECENT', $(stat -c %s "$TMP/recent.txt"), $(date +%s));
     INSERT INTO blob_chunks VALUES ('$RECENT', 0, decode('$(xxd -p "$TMP/recent.txt" | tr -d '\n')', 'hex'));
     UPDATE blobs SET touched_at = 1000 WHERE sha256 = '$DOC_SHA'"
mkdir -p "$DATA/blobs/${ORPHAN:0:2}"
cp "$TMP/orphan.txt" "$DATA/blobs/${ORPHAN:0:2}/$ORPHAN"
touch -d '2 days ago' "$DATA/blobs/${ORPHAN:0:2}/$ORPHAN"

start_server --submit-rate 0
for _ in $(seq 1 200); do grep -q 'blob sweep done' "$TMP/serve.err" && break; sleep 0.05; done
check "the sweep ran at start-up" grep -q 'blob sweep done' "$TMP/serve.err"
check "the sweep removed the unreferenced old blob from the database, chunks and all" \
	same "$(sql "SELECT (SELECT COUNT(*) FROM blobs WHERE sha256 = '$ORPHAN') + (SELECT COUNT(*) FROM blob_chunks WHERE sha256 = '$ORPHAN')")" 0
check "... and said so" grep -q "blob swept from the database.*sha256=$ORPHAN" "$TMP/serve.err"
check "... and its cached file" sh -c "! test -e '$DATA/blobs/${ORPHAN:0:2}/$ORPHAN'"
check "the sweep kept a referenced blob stored as long ago" same "$(sql "SELECT COUNT(*) FROM blobs WHERE sha256 = '$DOC_SHA'")" 1
check "the sweep kept an unreferenced blob stored within the hour" same "$(sql "SELECT COUNT(*) FROM blobs WHERE sha256 = '$RECENT'")" 1

# ---- A response with attachments: in the database before the 201 ------------------------------
# 3 MiB and 17 bytes of text: three whole chunks and a short one.
head -c 2400000 /dev/urandom | base64 -w 100 | head -c $((3 * 1048576 + 17)) >"$TMP/big.txt"
printf 'Notes: caf\xc3\xa9, \xe2\x82\xac, \xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a.\n' >"$TMP/notes.txt"
BIG=$(sha "$TMP/big.txt")
NOTES=$(sha "$TMP/notes.txt")
req POST "/api/v1/consultations/$ROUND/responses" -F "response=<$FIX/resp-jane.json;type=application/json" \
	-F "attachments=@$TMP/big.txt" -F "attachments=@$TMP/notes.txt"
check "a response with two attachments: 201" status_is 201
ID=$(json 'j["id"]')
check "the big attachment is in the database as 4 chunks: 1 MiB, 1 MiB, 1 MiB, 17 bytes" \
	same "$(sql "SELECT string_agg(length(data)::text, ',' ORDER BY seq) FROM blob_chunks WHERE sha256 = '$BIG'")" \
	"1048576,1048576,1048576,17"
check "its row has its size" same "$(sql "SELECT size FROM blobs WHERE sha256 = '$BIG'")" "$(stat -c %s "$TMP/big.txt")"
check "the small one as one chunk" same "$(sql "SELECT COUNT(*) FROM blob_chunks WHERE sha256 = '$NOTES'")" 1
check "the uploading server keeps a copy in its cache" cached "$DATA" "$BIG"
req GET "/responses/$ID/attachments/1"
check "the big attachment downloads: 200" status_is 200
check "... byte for byte" cmp -s "$TMP/b" "$TMP/big.txt"

# The same content again: stored once, its row touched, not a second set of chunks.
sql "UPDATE blobs SET touched_at = 1000 WHERE sha256 = '$NOTES'"
req POST "/api/v1/consultations/$ROUND/responses" -F "response=<$FIX/resp-jane.json;type=application/json" \
	-F "attachments=@$TMP/notes.txt"
check "the same attachment in another response: 201" status_is 201
check "stored once: one row, one chunk" \
	same "$(sql "SELECT (SELECT COUNT(*) FROM blobs WHERE sha256 = '$NOTES') || '/' || (SELECT COUNT(*) FROM blob_chunks WHERE sha256 = '$NOTES')")" "1/1"
check "its time refreshed, so the sweep's grace period covers the new row" \
	sh -c "[ $(sql "SELECT touched_at FROM blobs WHERE sha256 = '$NOTES'") -gt $(( $(date +%s) - 600 )) ]"

# ---- The cache lost: every file comes back from the database ----------------------------------
stop_server
rm -rf "$DATA"/blobs/??
start_server --submit-rate 0
req GET "/responses/$ID/attachments/1"
check "with the cache emptied, the big attachment downloads: 200" status_is 200
check "... byte for byte" cmp -s "$TMP/b" "$TMP/big.txt"
check "... and is cached again" cached "$DATA" "$BIG"
req GET "/responses/$ID/attachments/2"
check "the second attachment too, byte for byte" sh -c "[ '$STATUS' = 200 ] && cmp -s '$TMP/b' '$TMP/notes.txt'"
req GET /documents/cwg-internet-16-1/revisions/0
check "a document revision's file downloads from the database: 200" status_is 200
check "... and hashes to the SHA-256 its row names" same "$(sha "$TMP/b")" \
	"$(sql "SELECT r.sha256 FROM document_revisions r JOIN documents d ON d.id = r.document_id WHERE d.url_name = 'cwg-internet-16-1' AND r.number = 0")"
check "the fetches were logged" grep -q "blob fetched from the database.*sha256=$BIG" "$TMP/serve.err"
check "no temporary file is left in the cache" sh -c "[ -z \"\$(ls -A '$DATA/blobs/tmp')\" ]"
stop_server

# ---- A second application server: another data folder, the same database ----------------------
DATA1=$DATA
DATA=$TMP/data2
mkdir -m 700 "$DATA"
cp -a "$DATA1/keys" "$DATA/keys"
start_server --submit-rate 0
req GET "/responses/$ID/attachments/1"
check "a second data folder on the same database serves the attachment: 200" status_is 200
check "... byte for byte" cmp -s "$TMP/b" "$TMP/big.txt"
check "... from its own cache now" cached "$DATA" "$BIG"
req GET /documents/cwg-internet-16-1/revisions/0
check "and the document revision: 200" status_is 200
# a response submitted through this server is served by the first one's folder
printf 'Submitted through the second server.\n' >"$TMP/second.txt"
req POST "/api/v1/consultations/$ROUND/responses" -F "response=<$FIX/resp-jane.json;type=application/json" \
	-F "attachments=@$TMP/second.txt"
check "a response with an attachment through the second server: 201" status_is 201
ID2=$(json 'j["id"]')
stop_server

# ---- A damaged chunk is never served ----------------------------------------------------------
sql "CREATE TABLE t470_saved AS SELECT * FROM blob_chunks WHERE sha256 = '$BIG' AND seq = 2"
sql "UPDATE blob_chunks SET data = overlay(data placing '\\x00'::bytea from 5 for 1) WHERE sha256 = '$BIG' AND seq = 2"
DATA=$TMP/data3
mkdir -m 700 "$DATA"
cp -a "$DATA1/keys" "$DATA/keys"
start_server --submit-rate 0
req GET "/responses/$ID/attachments/1"
check "a blob whose chunk was damaged: not served (500: the store is at fault, the file is not missing), never the wrong bytes" status_is 500
check "... the answer is an error page, not the file (under 64 KB)" sh -c "[ \$(stat -c %s '$TMP/b') -lt 65536 ]"
check "... the damage logged" grep -q "cannot fetch a blob from the database.*damaged" "$TMP/serve.err"
check "... and nothing cached" sh -c "! test -e '$DATA/blobs/${BIG:0:2}/$BIG' && [ -z \"\$(ls -A '$DATA/blobs/tmp')\" ]"
stop_server
sql "UPDATE blob_chunks c SET data = s.data FROM t470_saved s WHERE c.sha256 = s.sha256 AND c.seq = s.seq; DROP TABLE t470_saved"

DATA=$DATA1
start_server --submit-rate 0
req GET "/responses/$ID2/attachments/1"
check "the first folder serves what the second server stored: 200, byte for byte" \
	sh -c "[ '$STATUS' = 200 ] && cmp -s '$TMP/b' '$TMP/second.txt'"
stop_server

# ---- The command line: an export reads the blobs through the database -------------------------
rm -rf "$DATA"/blobs/??
"$AGORA" export --data "$DATA" "$ROUND" --format zip -o "$TMP/x.zip" 2>"$TMP/x.err"
check "agora export --format zip with the cache emptied: exit 0" same "$?" 0
mkdir "$TMP/x" && (cd "$TMP/x" && unzip -q "$TMP/x.zip")
check "... the big attachment in the archive, byte for byte" cmp -s "$TMP/x/attachments/$BIG-big.txt" "$TMP/big.txt"
check "... and the small one" cmp -s "$TMP/x/attachments/$NOTES-notes.txt" "$TMP/notes.txt"
finish
