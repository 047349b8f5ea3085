#!/bin/bash
# t530_backup_pg: the restore drill on PostgreSQL (docs/BACKUP.md, "On PostgreSQL"). agora backup
# runs pg_dump in a snapshot it holds while a server serves and two clients keep submitting; the
# MANIFEST describes that snapshot; no password reaches pg_dump's command line. agora restore
# loads the archive into a new, empty database and a new folder: every response acknowledged
# before the backup began is there, the log's checkpoint is the MANIFEST's and the log verifies,
# an attachment comes back byte for byte from a server on the restored store. Refusals: a
# database that is not empty, no --db, no pg_restore, a damaged member, a dump pg_restore
# rejects (the database left empty), a MANIFEST the loaded rows contradict. PostgreSQL only:
# without AGORA_PG_URL it starts its own cluster (tests/pg.sh); a cluster that cannot start fails.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../pg.sh"
cd "$(dirname "$0")/../.." || exit 1
FIX=$(pwd)/tests/blackbox/fixtures
ROUND=multilingual-internet	# the open demo round, post-moderation: published at once
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
manifest() { tar -xOf "$1" MANIFEST | sed -n "s/^$2: //p"; }
# empty_db: a new database with nothing in it (dropped at the end with the test's others)
empty_db() {
	local name
	name="t_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
	psql -q -v ON_ERROR_STOP=1 "$AGORA_PG_URL" -c "CREATE DATABASE $name" >/dev/null || return 1
	PG_DBS="$PG_DBS $name"
	pg_url_of "$name"
}
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$1" -c "$2"; }
tables() { q "$1" "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'"; }

check "agora backup --help names pg_dump" sh -c "'$AGORA' backup --help | grep -q pg_dump"
check "agora restore --help describes --db" sh -c "'$AGORA' restore --help | grep -q -- '--db URL'"

init_data
SRC_DB=$AGORA_DB
SRC_DATA=$DATA
start_server --submit-rate 0

printf 'A position paper kept in the backup: caf\xc3\xa9, \xe2\x82\xac, \xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a.\n' >"$TMP/paper.txt"
head -c 300000 /dev/urandom | base64 >>"$TMP/paper.txt"
req POST "/api/v1/consultations/$ROUND/responses" -F "response=<$FIX/resp-jane.json;type=application/json" \
	-F "attachments=@$TMP/paper.txt"
check "a response with an attachment: 201" status_is 201
ID_ATT=$(json 'j["id"]')

# pg_dump seen through a wrapper that records its command line and the password it was given.
mkdir "$TMP/bin"
cat >"$TMP/bin/pg_dump" <<EOF
#!/bin/sh
[ "\$1" = --version ] || { echo "\$*" >"$TMP/dump.args"; echo "\${PGPASSWORD:-}" >"$TMP/dump.pw"; }
exec $PG_BIN/pg_dump "\$@"
EOF
chmod +x "$TMP/bin/pg_dump"

python3 bench/backup_load.py "$PORT" "$ROUND" 2 "$TMP/load.txt" "$TMP/stop" &
LOAD=$!
for _ in $(seq 1 200); do [ "$(cat "$TMP/load.txt" 2>/dev/null | grep -c ' 201 ')" -ge 20 ] && break; sleep 0.05; done
cp "$TMP/load.txt" "$TMP/before.txt"	# every line here was acknowledged before the backup began
B0=$(date +%s.%N)
# The snapshot held 1.5 s before pg_dump runs in it (tests only): submissions go on meanwhile.
# The password in the URL is one the trust-authenticated test cluster ignores.
AGORA_TEST_BACKUP_STEP_MS=15 AGORA_PG_BIN=$TMP/bin "$AGORA" backup --data "$DATA" \
	--db "$SRC_DB&password=hunter2" -o "$TMP/b.tar" >"$TMP/backup.out" 2>"$TMP/backup.err"
BRC=$?
B1=$(date +%s.%N)
sleep 0.3
touch "$TMP/stop"
wait "$LOAD"
check "agora backup on PostgreSQL succeeds while the server serves and writes" same "$BRC" 0
[ "$BRC" = 0 ] || cat "$TMP/backup.err"
ACKED=$(awk '$3 == 201 { print $4 }' "$TMP/before.txt" | sort)
DURING=$(awk -v b0="$B0" -v b1="$B1" '$3 == 201 && $1 >= b0 && $1 + $2 <= b1' "$TMP/load.txt" | wc -l)
AT_END=$(awk -v b1="$B1" '$3 == 201 && $1 + $2 <= b1' "$TMP/load.txt" | wc -l)
check "submissions were acknowledged while the backup ran ($DURING): the writer was not held up" \
	sh -c "[ $DURING -ge 5 ]"
check "every submission was acknowledged (201)" sh -c "! awk '\$3 != 201' '$TMP/load.txt' | grep -q ."
check "pg_dump ran in the exported snapshot, custom format" grep -q -- "--format=custom --snapshot=" "$TMP/dump.args"
check "the password is not on pg_dump's command line" sh -c "! grep -q hunter2 '$TMP/dump.args'"
check "... it is in pg_dump's environment (PGPASSWORD)" same "$(cat "$TMP/dump.pw")" hunter2
check "... and in no message" sh -c "! grep -q hunter2 '$TMP/backup.out' '$TMP/backup.err'"
stop_server

check "the archive's first member is the MANIFEST" same "$(tar -tf "$TMP/b.tar" | head -1)" MANIFEST
check "the MANIFEST names the store and the pg_dump that made it" \
	sh -c "tar -xOf '$TMP/b.tar' MANIFEST | grep -qx 'store: postgresql' && tar -xOf '$TMP/b.tar' MANIFEST | grep -q '^dump: pg_dump (PostgreSQL) '"
check "the archive holds the dump and the keys, no blob files (they are in the dump)" \
	same "$(tar -tf "$TMP/b.tar" | grep -v '^keys/' | sort | tr '\n' ' ')" "MANIFEST agora.pgdump "
check "... the log's key among them, mode 0600" sh -c "tar -tvf '$TMP/b.tar' keys/log.key | grep -q '^-rw-------'"
mkdir "$TMP/unpacked"
tar -xf "$TMP/b.tar" -C "$TMP/unpacked"
check "sha256sum agrees with every member of the MANIFEST" \
	sh -c "cd '$TMP/unpacked' && sed '1,/^\$/d' MANIFEST | sha256sum -c --quiet"
check "the dump is one pg_restore reads, with the blobs' chunks" \
	sh -c "$PG_BIN/pg_restore -l '$TMP/unpacked/agora.pgdump' | grep -q 'TABLE DATA public blob_chunks'"
M_SIZE=$(manifest "$TMP/b.tar" log_tree_size)
M_ROOT=$(manifest "$TMP/b.tar" log_tree_root)
M_RESP=$(manifest "$TMP/b.tar" responses)
check "the backup's output names the MANIFEST's tree size and root" grep -q "tree size $M_SIZE, root $M_ROOT" "$TMP/backup.out"
check "the MANIFEST is the snapshot at the start: fewer responses ($M_RESP) than acknowledged when the backup ended ($AT_END + 1)" \
	sh -c "[ '$M_RESP' -lt $((AT_END + 1)) ] && [ '$M_RESP' -ge $(($(echo "$ACKED" | wc -l) + 1)) ]"

# ---- Restore into a new database and a new folder -----------------------------------------------
NEW=$(empty_db)
R=$TMP/restored
"$AGORA" restore --data "$R" --db "$NEW" "$TMP/b.tar" >"$TMP/restore.out" 2>"$TMP/restore.err"
RRC=$?
check "agora restore into an empty database and a new folder: exit 0" same "$RRC" 0
[ "$RRC" = 0 ] || cat "$TMP/restore.err"
check "restore prints the MANIFEST's tree size and root" grep -q "tree size $M_SIZE, root $M_ROOT (as in the MANIFEST)" "$TMP/restore.out"
check "restore printed the log's verification" grep -q "OK: the log and the stored rows agree" "$TMP/restore.out"
RESTORED=$(q "$NEW" "SELECT public_id FROM responses" | sort)
missing=$(comm -23 <(echo "$ACKED") <(echo "$RESTORED") | wc -l)
check "every response acknowledged before the backup began is restored ($(echo "$ACKED" | wc -l) of them; $missing missing)" \
	sh -c "[ $missing -eq 0 ] && [ $(echo "$ACKED" | wc -l) -ge 20 ]"
check "the restored database holds the MANIFEST's responses, not those written after its snapshot" \
	same "$(q "$NEW" "SELECT COUNT(*) FROM responses")" "$M_RESP"
check "the restored log's latest checkpoint is the MANIFEST's" \
	same "$(q "$NEW" "SELECT size || ' ' || encode(root, 'hex') FROM log_checkpoints ORDER BY id DESC LIMIT 1")" "$M_SIZE $M_ROOT"
"$AGORA" log verify --data "$R" --db "$NEW" >"$TMP/verify.out" 2>&1
check "agora log verify on the restored store: exit 0" same "$?" 0
check "the restored keys/log.key is the original, mode 0600" \
	sh -c "cmp -s '$DATA/keys/log.key' '$R/keys/log.key' && [ \$(stat -c %a '$R/keys/log.key') = 600 ]"
check "the dump is not left in the folder, nor an unfinished folder beside it" \
	sh -c "[ ! -e '$R/agora.pgdump' ] && ! ls -a '$TMP' | grep -q restore-"

DATA=$R
AGORA_DB=$NEW start_server
req GET "/responses/$ID_ATT/attachments/1"
check "the attachment downloads from a server on the restored store (empty cache): 200" status_is 200
check "with the same bytes" cmp -s "$TMP/b" "$TMP/paper.txt"
req GET "/api/v1/responses/$ID_ATT"
check "the response reads back through the API" sh -c "[ '$STATUS' = 200 ] && grep -q 'Example Org' '$TMP/b'"
stop_server

# ---- Refusals ---------------------------------------------------------------------------------
N_BEFORE=$(q "$NEW" "SELECT COUNT(*) FROM responses")
"$AGORA" restore --data "$TMP/r2" --db "$NEW" "$TMP/b.tar" >"$TMP/out" 2>"$TMP/err"
check "restore into a database that is not empty: exit 2" same "$?" 2
check "the refusal says the database is not empty" grep -q "is not empty" "$TMP/err"
check "and leaves it and the folder untouched" \
	sh -c "[ '$(q "$NEW" "SELECT COUNT(*) FROM responses")' = '$N_BEFORE' ] && [ ! -e '$TMP/r2' ]"

EMPTY=$(empty_db)
env -u AGORA_DB "$AGORA" restore --data "$TMP/r3" "$TMP/b.tar" >"$TMP/out" 2>"$TMP/err"
check "a PostgreSQL backup restored without --db: exit 2, asking for --db" \
	sh -c "[ $? = 2 ] && grep -q 'backup of a PostgreSQL store.*--db' '$TMP/err' && [ ! -e '$TMP/r3' ]"
AGORA_PG_BIN=$TMP/nowhere "$AGORA" restore --data "$TMP/r4" --db "$EMPTY" "$TMP/b.tar" >"$TMP/out" 2>"$TMP/err"
check "no pg_restore: refused (exit 1), saying what to install" \
	sh -c "[ $? = 1 ] && grep -q 'pg_restore was not found.*postgresql-client-' '$TMP/err' && [ ! -e '$TMP/r4' ]"
AGORA_PG_BIN=$TMP/nowhere "$AGORA" backup --data "$SRC_DATA" --db "$SRC_DB" -o "$TMP/none.tar" >"$TMP/out" 2>"$TMP/err"
check "no pg_dump: the backup fails (exit 1), naming it, no archive" \
	sh -c "[ $? = 1 ] && grep -q 'pg_dump was not found' '$TMP/err' && ! ls '$TMP' | grep -q '^none\.tar'"

# Damaged archives, the tar rewritten: flip (one byte of the dump flipped, the MANIFEST as it
# was), cut (the dump cut in half, the MANIFEST's hash made to agree), size (the dump as it
# was, the MANIFEST's log_tree_size one more).
cat >"$TMP/mangle.py" <<'PY'
import hashlib, io, sys, tarfile
src, dst, how = sys.argv[1], sys.argv[2], sys.argv[3]
with tarfile.open(src) as t:
    members = [(m, t.extractfile(m).read()) for m in t.getmembers()]
dump = next(d for m, d in members if m.name == "agora.pgdump")
new = {"flip": dump[:3000] + bytes([dump[3000] ^ 1]) + dump[3001:], "cut": dump[:len(dump) // 2],
       "size": dump}[how]
out = tarfile.open(dst, "w", format=tarfile.PAX_FORMAT)
for m, d in members:
    if m.name == "agora.pgdump":
        d = new
    elif m.name == "MANIFEST" and how == "cut":
        d = d.replace(hashlib.sha256(dump).hexdigest().encode(), hashlib.sha256(new).hexdigest().encode())
    elif m.name == "MANIFEST" and how == "size":
        lines = d.decode().split("\n")
        lines = ["log_tree_size: %d" % (int(l[15:]) + 1) if l.startswith("log_tree_size: ") else l for l in lines]
        d = "\n".join(lines).encode()
    m.size = len(d)
    out.addfile(m, io.BytesIO(d))
out.close()
PY
python3 "$TMP/mangle.py" "$TMP/b.tar" "$TMP/bad.tar" flip
"$AGORA" restore --data "$TMP/r5" --db "$EMPTY" "$TMP/bad.tar" >"$TMP/out" 2>"$TMP/err"
check "one flipped byte in the dump: refused (exit 1), naming the member" \
	sh -c "[ $? = 1 ] && grep -q 'the member agora.pgdump is damaged' '$TMP/err'"
check "... nothing in the database, no folder" sh -c "[ '$(tables "$EMPTY")' = 0 ] && [ ! -e '$TMP/r5' ]"

python3 "$TMP/mangle.py" "$TMP/b.tar" "$TMP/cut.tar" cut
"$AGORA" restore --data "$TMP/r6" --db "$EMPTY" "$TMP/cut.tar" >"$TMP/out" 2>"$TMP/err"
check "a dump cut short, its MANIFEST agreeing: pg_restore refuses it (exit 1)" \
	sh -c "[ $? = 1 ] && grep -q 'pg_restore.* failed' '$TMP/err' && grep -q 'nothing was put in the database' '$TMP/err'"
check "... its one transaction left the database empty, and no folder" \
	sh -c "[ '$(tables "$EMPTY")' = 0 ] && [ ! -e '$TMP/r6' ]"

python3 "$TMP/mangle.py" "$TMP/b.tar" "$TMP/size.tar" size
"$AGORA" restore --data "$TMP/r7" --db "$EMPTY" "$TMP/size.tar" >"$TMP/out" 2>"$TMP/err"
check "a MANIFEST whose tree size the loaded rows contradict: refused (exit 1)" \
	sh -c "[ $? = 1 ] && grep -q 'is not what the MANIFEST says' '$TMP/err' && [ ! -e '$TMP/r7' ]"
check "... saying the database must be made empty again" grep -q "drop it and create it empty again" "$TMP/err"

finish
