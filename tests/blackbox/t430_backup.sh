#!/bin/bash
# t430_backup: agora backup while a server serves and responses keep arriving, and agora restore
# of it into an empty folder: every response acknowledged before the backup began is there, the
# log's checkpoint is the MANIFEST's and `agora log verify --data` agrees, an attachment comes
# back byte for byte from a server on the restored folder. Refusals: a folder that is not
# empty (left untouched), a backup with one flipped byte in a blob (named, nothing left behind),
# a data folder whose blob is missing (no archive written).
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.." || exit 1
FIX=$(pwd)/tests/blackbox/fixtures
ROUND=multilingual-internet	# the open demo round, post-moderation: published at once
same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
contains() { case "$1" in *"$2"*) return 0 ;; esac; echo "# '$1' lacks '$2'"; return 1; }
manifest() { tar -xOf "$1" MANIFEST | sed -n "s/^$2: //p"; }
# tree DIR: every file under DIR with its mode and SHA-256 (what "untouched" compares)
tree() { (cd "$1" && find . -type f -printf '%m %p\n' | sort && find . -type f -exec sha256sum {} + | sort); }

check "agora backup --help describes -o" sh -c "'$AGORA' backup --help | grep -q -- '-o FILE'"
check "agora restore --help describes the refusals" sh -c "'$AGORA' restore --help | grep -q 'exit 2'"

init_data
start_server --submit-rate 0

# One response with an attachment, whose bytes must come back from the restored folder.
printf 'A position paper kept in the backup: caf\xc3\xa9, \xe2\x82\xac, \xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a.\n' >"$TMP/paper.txt"
head -c 100000 /dev/urandom | base64 >>"$TMP/paper.txt"
req POST "/api/v1/consultations/$ROUND/responses" -F "response=<$FIX/resp-jane.json;type=application/json" \
	-F "attachments=@$TMP/paper.txt"
check "a response with an attachment: 201" status_is 201
ID_ATT=$(json 'j["id"]')

# Submissions keep arriving from two clients during the whole backup.
python3 bench/backup_load.py "$PORT" "$ROUND" 2 "$TMP/load.txt" "$TMP/stop" &
LOAD=$!
for _ in $(seq 1 200); do [ "$(cat "$TMP/load.txt" 2>/dev/null | grep -c ' 201 ')" -ge 20 ] && break; sleep 0.05; done
cp "$TMP/load.txt" "$TMP/before.txt"	# every line here was acknowledged before the backup began
B0=$(date +%s.%N)
# The copy stretched to one page per step and 15 ms after each (tests only), so it overlaps
# the submissions for a good second.
AGORA_TEST_BACKUP_STEP_MS=15 "$AGORA" backup --data "$DATA" -o "$TMP/b.tar" >"$TMP/backup.out" 2>"$TMP/backup.err"
BRC=$?
B1=$(date +%s.%N)
sleep 0.3
touch "$TMP/stop"
wait "$LOAD"
check "agora backup succeeds while the server serves and writes" same "$BRC" 0
[ "$BRC" = 0 ] || cat "$TMP/backup.err"
ACKED=$(awk '$3 == 201 { print $4 }' "$TMP/before.txt" | sort)
DURING=$(awk -v b0="$B0" -v b1="$B1" '$3 == 201 && $1 >= b0 && $1 + $2 <= b1' "$TMP/load.txt" | wc -l)
check "submissions were acknowledged while the backup ran ($DURING): the writer was not held up" \
	sh -c "[ $DURING -ge 5 ]"
check "every submission was acknowledged (201)" sh -c "! awk '\$3 != 201' '$TMP/load.txt' | grep -q ."
stop_server
check "the server stopped cleanly" same "$STOP_RC" 0

check "the archive is a pax tar whose first member is the MANIFEST" same "$(tar -tf "$TMP/b.tar" | head -1)" MANIFEST
check "the archive has the database and the log's key" sh -c "tar -tf '$TMP/b.tar' | grep -qx agora.db && tar -tf '$TMP/b.tar' | grep -qx keys/log.key"
check "the search index is not in the archive" sh -c "! tar -tf '$TMP/b.tar' | grep -q search"
check "the log's key keeps its mode (0600)" sh -c "tar -tvf '$TMP/b.tar' keys/log.key | grep -q '^-rw-------'"
mkdir "$TMP/unpacked"
tar -xf "$TMP/b.tar" -C "$TMP/unpacked"
check "sha256sum agrees with every member of the MANIFEST" \
	sh -c "cd '$TMP/unpacked' && sed '1,/^\$/d' MANIFEST | sha256sum -c --quiet"
SHA_ATT=$(sha256sum "$TMP/paper.txt" | cut -d' ' -f1)
check "the attachment is in the archive under its SHA-256" sh -c "tar -tf '$TMP/b.tar' | grep -qx 'blobs/${SHA_ATT:0:2}/$SHA_ATT'"
M_SIZE=$(manifest "$TMP/b.tar" log_tree_size)
M_ROOT=$(manifest "$TMP/b.tar" log_tree_root)
check "the backup's output names the MANIFEST's tree size and root" \
	grep -q "tree size $M_SIZE, root $M_ROOT" "$TMP/backup.out"

# ---- Restore into a folder that does not exist yet ---------------------------------------------
R=$TMP/restored
"$AGORA" restore --data "$R" "$TMP/b.tar" >"$TMP/restore.out" 2>"$TMP/restore.err"
RRC=$?
check "agora restore into a new folder: exit 0" same "$RRC" 0
[ "$RRC" = 0 ] || cat "$TMP/restore.err"
check "restore prints the MANIFEST's tree size and root" grep -q "tree size $M_SIZE, root $M_ROOT (as in the MANIFEST)" "$TMP/restore.out"
RESTORED=$(sqlite3 "$R/agora.db" "SELECT public_id FROM responses" | sort)
missing=$(comm -23 <(echo "$ACKED") <(echo "$RESTORED") | wc -l)
check "every response acknowledged before the backup began is restored ($(echo "$ACKED" | wc -l) of them; $missing missing)" \
	sh -c "[ $missing -eq 0 ] && [ $(echo "$ACKED" | wc -l) -ge 20 ]"
check "the response with the attachment is restored" sh -c "echo '$RESTORED' | grep -qx '$ID_ATT'"
R_CP=$(sqlite3 "$R/agora.db" "SELECT size || ' ' || lower(hex(root)) FROM log_checkpoints ORDER BY id DESC LIMIT 1")
check "the restored log's latest checkpoint is the MANIFEST's" same "$R_CP" "$M_SIZE $M_ROOT"
"$AGORA" log verify --data "$R" >"$TMP/verify.out" 2>&1
check "agora log verify --data on the restored folder: exit 0" same "$?" 0
check "the restored keys/log.key is the original, mode 0600" \
	sh -c "cmp -s '$DATA/keys/log.key' '$R/keys/log.key' && [ \$(stat -c %a '$R/keys/log.key') = 600 ]"
check "folders are 0700" same "$(stat -c %a "$R" "$R/blobs" "$R/keys" | sort -u)" 700
check "no unfinished folder is left beside it" sh -c "! ls -a '$TMP' | grep -q restore-"

DATA=$R
start_server
req GET "/responses/$ID_ATT/attachments/1"
check "the attachment downloads from a server on the restored folder: 200" status_is 200
check "with the same bytes" cmp -s "$TMP/b" "$TMP/paper.txt"
req GET "/api/v1/responses/$ID_ATT"
check "the response reads back through the API" sh -c "[ '$STATUS' = 200 ] && grep -q 'Example Org' '$TMP/b'"
for _ in $(seq 1 100); do [ -e "$R/search.db" ] && break; sleep 0.05; done
check "the server makes the search index the backup left out" test -e "$R/search.db"
stop_server

# ---- Refusals ---------------------------------------------------------------------------------
mkdir "$TMP/full"
echo "someone's notes" >"$TMP/full/notes.txt"
before=$(tree "$TMP/full")
"$AGORA" restore --data "$TMP/full" "$TMP/b.tar" >"$TMP/out" 2>"$TMP/err"
check "restore into a folder that is not empty: exit 2" same "$?" 2
check "the refusal says the folder is not empty" grep -q "is not empty" "$TMP/err"
check "and leaves it untouched" same "$(tree "$TMP/full")" "$before"
"$AGORA" restore --data "$R" "$TMP/b.tar" >"$TMP/out" 2>"$TMP/err"
check "restore over a data folder: exit 2" same "$?" 2

# One flipped byte in the attachment's member, the tar rewritten.
BLOB=blobs/${SHA_ATT:0:2}/$SHA_ATT
python3 - "$TMP/b.tar" "$TMP/bad.tar" "$BLOB" <<'PY'
import io, sys, tarfile
src, dst, name = sys.argv[1], sys.argv[2], sys.argv[3]
with tarfile.open(src) as t, tarfile.open(dst, "w", format=tarfile.PAX_FORMAT) as out:
    for m in t.getmembers():
        data = t.extractfile(m).read()
        if m.name == name:
            data = data[:5000] + bytes([data[5000] ^ 0x01]) + data[5001:]
        out.addfile(m, io.BytesIO(data))
PY
"$AGORA" restore --data "$TMP/from-bad" "$TMP/bad.tar" >"$TMP/out" 2>"$TMP/err"
check "a backup with one flipped byte in a blob: refused (exit 1)" same "$?" 1
check "the refusal names the member" grep -q "the member $BLOB is damaged" "$TMP/err"
check "no data folder is left behind" test ! -e "$TMP/from-bad"
check "nor an unfinished one" sh -c "! ls -a '$TMP' | grep -q restore-"

head -c 20000 "$TMP/b.tar" >"$TMP/cut.tar"
"$AGORA" restore --data "$TMP/from-cut" "$TMP/cut.tar" >"$TMP/out" 2>"$TMP/err"
check "a backup cut short: refused (exit 1), nothing left" sh -c "[ $? = 1 ] && [ ! -e '$TMP/from-cut' ]"
tar -cf "$TMP/other.tar" -C "$TMP" paper.txt
"$AGORA" restore --data "$TMP/from-other" "$TMP/other.tar" >"$TMP/out" 2>"$TMP/err"
check "a tar that is not a backup: refused, saying why" sh -c "[ $? = 1 ] && grep -q 'not an Agora backup' '$TMP/err'"

# Damage anywhere: 40 archives with random bytes changed (mostly in the headers and the MANIFEST),
# some cut short. Each is refused (exit 1) or, when the change hit only padding, restored; never
# a crash, never a folder left behind, and messages stay printable text.
python3 - "$AGORA" "$TMP/b.tar" "$TMP" <<'PY' >"$TMP/mutants.out"
import os, random, shutil, subprocess, sys
agora, src, tmp = sys.argv[1], sys.argv[2], sys.argv[3]
random.seed(430)
data, problems = open(src, "rb").read(), []
for i in range(40):
    d = bytearray(data)
    for _ in range(random.randint(1, 4)):
        pos = random.randrange(8192) if random.random() < .7 else random.randrange(len(d))
        d[pos] = random.randrange(256)
    if random.random() < .2:
        d = d[:random.randrange(len(d))]
    open(tmp + "/mutant.tar", "wb").write(d)
    target = tmp + "/from-mutant"
    p = subprocess.run([agora, "restore", "--data", target, tmp + "/mutant.tar"], capture_output=True)
    if p.returncode not in (0, 1):
        problems.append("exit %d" % p.returncode)
    if p.returncode == 1 and os.path.exists(target):
        problems.append("a folder left behind")
    if any(b >= 0x7f or (b < 0x20 and b != 10) for b in p.stderr):
        problems.append("unprintable message %r" % p.stderr[:120])
    shutil.rmtree(target, ignore_errors=True)
print("\n".join(problems) if problems else "ok")
PY
check "40 damaged archives: each refused cleanly or restored, nothing left, printable messages" \
	same "$(cat "$TMP/mutants.out")" ok
check "no unfinished folder is left by any of them" sh -c "! ls -a '$TMP' | grep -q restore-"

# A data folder that lost a blob: the backup fails before writing anything.
cp -a "$DATA" "$TMP/broken"
rm "$TMP/broken/$BLOB"
"$AGORA" backup --data "$TMP/broken" -o "$TMP/broken.tar" >"$TMP/out" 2>"$TMP/err"
check "a backup of a folder whose blob is missing: exit 1" same "$?" 1
check "the message names the missing blob" grep -q "the blob $SHA_ATT, named by the database, is missing" "$TMP/err"
check "no archive is left, finished or not" sh -c "! ls '$TMP' | grep -q '^broken\.tar'"
"$AGORA" backup --data "$DATA" >"$TMP/out" 2>"$TMP/err"
check "agora backup without -o: exit 2" same "$?" 2

# The archive on standard output, restored from standard input.
NOW_CP=$(sqlite3 "$DATA/agora.db" "SELECT 'tree size ' || size || ', root ' || lower(hex(root)) FROM log_checkpoints ORDER BY id DESC LIMIT 1")
"$AGORA" backup --data "$DATA" -o - 2>/dev/null | "$AGORA" restore --data "$TMP/piped" - >"$TMP/out" 2>"$TMP/err"
check "backup -o - | restore -: the same log" grep -q "$NOW_CP (as in the MANIFEST)" "$TMP/out"
finish
