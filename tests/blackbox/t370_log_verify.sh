#!/bin/bash
# t370_log_verify: the public log kept in the database. Every accepted response version and
# moderation decision becomes an entry in the same transaction; the answer carries its receipt;
# `agora log verify --data` rebuilds the tree from the stored rows and agrees, and names the
# response, tile, checkpoint or event when the database is edited behind the platform's back
# (content, content hash, reason, a missing entry, a tile, a checkpoint, a row written with the
# log's trigger removed). A key rotation is an entry signed by both keys; the old key is then
# refused and the write it carried is not stored; verify accepts the two keys in order. A data
# folder from before the log gets everything logged when it is first opened.
. "$(dirname "$0")/lib.sh"
SEC=secretariat@agora.example
ROUND=multilingual-internet
init_data
TOKEN=$("$AGORA" token create --data "$DATA" --email "$SEC")
start_server --submit-rate 0
AUTH="Authorization: Bearer $TOKEN"
db() { sqlite3 "$1/agora.db" "$2"; }
same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
verify() { "$AGORA" log verify --data "$1" >"$TMP/v.out" 2>"$TMP/v.err"; }
says() { grep -qF -- "$1" "$TMP/v.out" || { echo "# verify said:"; sed 's/^/#   /' "$TMP/v.out" | head -8; return 1; }; }

submit() {
	printf '{"respondent":{"name":"%s","organization":"Org","job_title":"Officer","country":"FR","stakeholder_type":"civil_society","email":"x@example.org"},"publish_as":"name","language":"en","summary":"Summary %s","answers":[{"question":2,"text":"Second %s"},{"question":1,"text":"First %s"},{"question":3,"text":""}]}' \
		"$1" "$1" "$1" "$1" >"$TMP/r.json"
	req POST /api/v1/consultations/$ROUND/responses -H 'Content-Type: application/json' --data-binary @"$TMP/r.json"
}

# ---- Responses and moderation become entries; the receipt names its leaf --------------------
for who in Ana Ben Chen Dana; do submit "$who"; cp "$TMP/b" "$TMP/receipt-$who.json"; done
check "submission: 201" status_is 201
IDX=$(json 'j["receipt"]["leaf_index"]')
A_ID=$(python3 -c "import json; print(json.load(open('$TMP/receipt-Ana.json'))['id'])")
D_ID=$(json 'j["id"]')
check "the receipt's leaf is the version's entry" \
	same "$(db "$DATA" "SELECT kind || ' ' || ref2 FROM log_entries WHERE idx = $IDX")" "response_version 1"
check "the receipt's leaf hash is the stored one" \
	same "$(db "$DATA" "SELECT lower(hex(leaf_hash)) FROM log_entries WHERE idx = $IDX")" "$(json 'j["receipt"]["leaf_hash"]')"
check "the receipt's checkpoint is the one signed by the batch" \
	same "$(json 'j["receipt"]["tree_size"]')" "$(db "$DATA" "SELECT size FROM log_checkpoints ORDER BY id DESC LIMIT 1")"
check "the receipt has the salt and content hash" \
	sh -c "[ \$(python3 -c \"import json; r=json.load(open('$TMP/b'))['receipt']; print(len(r['salt'])+len(r['content_sha256']))\") = 128 ]"
req POST /api/v1/responses/$D_ID/moderation -H "$AUTH" -H 'Content-Type: application/json' \
	--data '{"action":"withhold","reason":"Off topic for this round."}'
check "withhold: 200" status_is 200
check "the withholding is an entry" \
	same "$(db "$DATA" "SELECT COUNT(*) FROM log_entries e JOIN moderation_events m ON m.id = e.ref WHERE e.kind = 'moderation' AND m.kind = 'withheld'")" 1
req GET /api/v1/responses/$D_ID/receipt
check "a withheld response's public receipt: the leaf, without salt or content hash" \
	sh -c "grep -q '\"leaf_index\"' '$TMP/b' && ! grep -q '\"salt\"' '$TMP/b'"
req GET /api/v1/responses/$A_ID/receipt
check "a published response's public receipt carries the salt" body_has '"salt"'
check "the queue is empty after every batch" same "$(db "$DATA" "SELECT COUNT(*) FROM log_pending")" 0
stop_server

verify "$DATA"
check "verify: exit 0 on the untouched folder" same "$?" 0
check "verify: counts the entries by kind" says "4 response versions, 5 moderation decisions"
check "verify: says the rows agree" says "OK: the log and the stored rows agree"

# ---- Tampering: each edit is found and named ------------------------------------------------
tamper() {	# tamper NAME SQL: a copy of the folder with SQL applied
	rm -rf "$TMP/$1"; cp -r "$DATA" "$TMP/$1"
	sqlite3 "$TMP/$1/agora.db" "$2"
}
RID=$(db "$DATA" "SELECT id FROM responses WHERE public_id = '$A_ID'")
tamper t1 "UPDATE response_answers SET body = 'Something else' WHERE response_id = $RID AND question = 1"
verify "$TMP/t1"
check "an edited answer: exit 1" same "$?" 1
check "... named by response and consultation" says "response $A_ID version 1 (consultation $ROUND): the stored content differs"
tamper t2 "UPDATE response_versions SET summary = 'x', content_sha256 = '$(printf '0%.0s' $(seq 64))' WHERE response_id = $RID"
verify "$TMP/t2"
check "an edited content hash: named" says "response $A_ID version 1: the stored content hash is not the one logged"
tamper t3 "UPDATE moderation_events SET reason = 'Another reason' WHERE kind = 'withheld'"
verify "$TMP/t3"
check "an edited withholding reason: named" says "the reason stored for the withheld of response $D_ID"
LAST=$(db "$DATA" "SELECT MAX(idx) FROM log_entries")
tamper t4 "DELETE FROM log_entries WHERE idx = $LAST"
verify "$TMP/t4"
check "a deleted entry: the event is stored but not in the log" says "the withheld of response $D_ID version 1 is stored but not in the log"
check "... and the last checkpoint covers more than the log" says "the last checkpoint covers $((LAST + 1)) entries of $LAST"
tamper t5 "UPDATE log_tiles SET data = zeroblob(length(data)) WHERE level = 0 AND idx = 0"
verify "$TMP/t5"
check "a zeroed tile: named" says "tile 0/0, hash 0, differs from the tree rebuilt from the entries"
tamper t6 "UPDATE log_checkpoints SET note = replace(note, char(10) || size || char(10), char(10) || (size + 1) || char(10)) WHERE id = (SELECT MAX(id) FROM log_checkpoints)"
verify "$TMP/t6"
check "a checkpoint note edited: its signature does not verify" says "its signature does not verify"
tamper t7 "DROP TRIGGER log_response_version; INSERT INTO response_versions (response_id, version, name, organization, job_title, country, stakeholder_type, email, publish_as, language, summary, content_sha256, created_at) SELECT response_id, 2, name, organization, job_title, country, stakeholder_type, email, publish_as, language, 'Slipped in', content_sha256, created_at FROM response_versions WHERE response_id = $RID"
verify "$TMP/t7"
check "a version written past the log: stored but not in the log" says "response $A_ID version 2 is stored but not in the log"
tamper t8 "UPDATE log_entries SET entry = entry || x'00' WHERE idx = $IDX"
verify "$TMP/t8"
check "an entry's bytes changed: they no longer hash to its leaf" says "entry $IDX: its bytes do not hash to its stored leaf hash"

# ---- Key rotation ---------------------------------------------------------------------------
"$AGORA" log keygen --name agora.test/log2 --out "$TMP/new.key" >"$TMP/newkey.out" 2>&1
check "keygen: prints the verifier key" grep -q '^agora.test/log2+[0-9a-f]\{8\}+A' "$TMP/newkey.out"
check "keygen: the key file is 0600" same "$(stat -c %a "$TMP/new.key")" 600
"$AGORA" log keygen --name agora.test/log2 --out "$TMP/new.key" >/dev/null 2>&1
check "keygen: never overwrites a key file" same "$?" 1
"$AGORA" log rotate-key --data "$DATA" --new-key "$TMP/new.key" >"$TMP/rot.out" 2>&1
check "rotate-key: exit 0" same "$?" 0
check "rotate-key: says which entry" grep -q "Logged the rotation as entry" "$TMP/rot.out"
check "the rotation entry is in the log" same "$(db "$DATA" "SELECT kind FROM log_entries ORDER BY idx DESC LIMIT 1")" key_rotation
"$AGORA" consultation close $ROUND --data "$DATA" >"$TMP/close.out" 2>&1
check "a write signed with the old key: refused" same "$?" 1
check "... saying the key is not the announced one" grep -q "is not the log's announced key" "$TMP/close.out"
check "... and nothing of it stored" same "$(db "$DATA" "SELECT state FROM consultations WHERE slug = '$ROUND'")" open
"$AGORA" consultation close $ROUND --data "$DATA" --log-key "$TMP/new.key" >/dev/null 2>&1
check "with the new key: the write is stored" same "$(db "$DATA" "SELECT state FROM consultations WHERE slug = '$ROUND'")" closed
check "... and logged" same "$(db "$DATA" "SELECT kind || ' ' || ref2 FROM log_entries ORDER BY idx DESC LIMIT 1")" "consultation 2"
check "... its checkpoint signed by the new key" \
	same "$(db "$DATA" "SELECT vkey FROM log_checkpoints ORDER BY id DESC LIMIT 1")" "$(cat "$TMP/newkey.out")"
verify "$DATA"
check "verify after a rotation: exit 0" same "$?" 0
check "... two keys, one rotation" sh -c "grep -q 'signed by 2 keys' '$TMP/v.out' && grep -q '1 key rotations' '$TMP/v.out'"
tamper t9 "UPDATE log_checkpoints SET vkey = (SELECT vkey FROM log_keys ORDER BY id LIMIT 1), note = (SELECT note FROM log_checkpoints WHERE vkey = (SELECT vkey FROM log_keys ORDER BY id LIMIT 1) ORDER BY id DESC LIMIT 1) WHERE id = (SELECT MAX(id) FROM log_checkpoints)"
verify "$TMP/t9"
check "an old checkpoint passed off as the latest: found" same "$?" 1
"$AGORA" serve --data "$DATA" --listen 127.0.0.1:0 --log-key "$TMP/nonexistent.key" >/dev/null 2>"$TMP/badkey.err"
check "serve with a missing key file: refuses to start" same "$?" 1
check "... naming the file" grep -q "nonexistent.key" "$TMP/badkey.err"

# ---- A data folder from before the log -------------------------------------------------------
init_data "$TMP/old"
OLD="$TMP/old"
"$AGORA" consultation close $ROUND --data "$OLD" >/dev/null 2>&1
N_BEFORE=$(db "$OLD" "SELECT COUNT(*) FROM log_entries")
# Back to the schema of version 16: drop what the migrations from 0017 on created (newest first).
python3 - "$(pwd)/sql/sqlite" <<'PY' | sqlite3 "$OLD/agora.db"
import glob, os, re, sys
names, old = [], set()
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*.sql"))):
	made = re.findall(r"CREATE\s+(?:UNIQUE\s+)?(TABLE|TRIGGER|INDEX|VIEW)\s+(?:IF NOT EXISTS\s+)?(\w+)", open(f).read())
	if int(os.path.basename(f)[:4]) >= 17:
		names += made
	else:
		old |= set(name for kind, name in made)
for kind, name in reversed(names):
	if name not in old:	# made again by a later migration (0018's trigger): keep it
		print("DROP %s IF EXISTS %s;" % (kind, name))
# and the columns they added to older tables (0023, 0024: the outbox), once their indexes are gone
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*.sql")), reverse=True):
	if int(os.path.basename(f)[:4]) >= 17:
		for table, column in reversed(re.findall(r"ALTER\s+TABLE\s+(\w+)\s+ADD\s+COLUMN\s+(\w+)", open(f).read())):
			if table not in [n for k, n in names]:
				print("ALTER TABLE %s DROP COLUMN %s;" % (table, column))
print("DELETE FROM schema_migrations WHERE version >= 17;")
PY
"$AGORA" consultation list --data "$OLD" >/dev/null 2>&1
check "an old folder: everything it had is logged when it is opened" same "$(db "$OLD" "SELECT COUNT(*) FROM log_entries")" "$N_BEFORE"
verify "$OLD"
check "... and verifies" same "$?" 0
finish
