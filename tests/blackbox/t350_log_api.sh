#!/bin/bash
# t350_log_api: the public log over HTTP (docs/LEDGER-WEB.md). With the real server: the checkpoint
# grows as responses come in; the API's inclusion proof is the receipt's and leads to the signed
# root, recomputed here in Python from RFC 9162 and from every leaf the API lists; consistency
# proofs between checkpoints verify; tiles are the leaf hashes (partial tiles prefixes, full tiles
# immutable); entry bundles decode to the entries; bad parameters are 400 naming the field. The
# /receipts page passes a genuine receipt at every step and fails an altered one at the step that
# is wrong; a receipt from an older checkpoint passes the consistency step; garbage is 422.
# Witness cosignatures (tests/interop/cosign_gen.c, its own libsodium code) are stored and served
# when the witness is configured, refused otherwise (422) and for a body the log never signed (404).
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.." || exit 1
GEN=${B:-build}/tests/cosign_gen
check "the witness helper is built (make $GEN)" test -x "$GEN" || finish
W_SEED=$(printf '11%.0s' $(seq 32))
U_SEED=$(printf '22%.0s' $(seq 32))
WKEY=$("$GEN" key witness.example/w1 "$W_SEED")
UKEY=$("$GEN" key stranger.example/w9 "$U_SEED")
JANE=$(pwd)/tests/blackbox/fixtures/resp-jane.json
SUB=/api/v1/consultations/multilingual-internet/responses
init_data
start_server --submit-rate 0 --log-witnesses "other.example/w2+00000000+BAAA, $WKEY"

same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
contains() { case "$1" in *"$2"*) return 0 ;; esac; echo "# '$1' lacks '$2'"; return 1; }
field_is() { [ "$(json 'j["errors"][0]["field"]')" = "$1" ] || { echo "# $(cat "$TMP/b")"; return 1; }; }
cp_size() { curl -s "$BASE/api/v1/log/checkpoint" | sed -n 2p; }
submit() { req POST "$SUB" -H 'Content-Type: application/json' --data-binary @"$JANE"; }

# RFC 9162 in Python (tests/blackbox/rfc9162.py): the root of leaves, and the two proof checks.
py() { python3 -B -c "import sys; sys.path.insert(0, 'tests/blackbox'); from rfc9162 import *; $1"; }

# --- checkpoint and key ---------------------------------------------------------------------------
req GET /api/v1/log/checkpoint
check "GET /api/v1/log/checkpoint is 200" status_is 200
check "the checkpoint is text/plain" contains "$(header Content-Type)" "text/plain"
check "the checkpoint is not cached stale (no-cache)" same "$(header Cache-Control)" "no-cache"
cp "$TMP/b" "$TMP/cp0"
req GET /api/v1/log/key
KEY=$(cat "$TMP/b")
ORIGIN=$(head -1 "$TMP/cp0")
check "the key is the origin's, name+id+key" contains "$KEY" "$ORIGIN+"
check "the checkpoint is signed by that key's name" grep -q "^— $ORIGIN " "$TMP/cp0"
req GET /log/checkpoint
check "/log/checkpoint is the same checkpoint" cmp -s "$TMP/b" "$TMP/cp0"

# --- receipts and growth --------------------------------------------------------------------------
submit
check "a response is submitted" status_is 201
json 'json.dumps(j["receipt"])' >"$TMP/ra.json"
RA_SIZE=$(python3 -c "import json; print(json.load(open('$TMP/ra.json'))['tree_size'])")
RA_IDX=$(python3 -c "import json; print(json.load(open('$TMP/ra.json'))['leaf_index'])")
S1=$(cp_size)
check "the receipt's tree is the checkpoint's" same "$RA_SIZE" "$S1"
curl -s "$BASE/api/v1/log/checkpoint" >"$TMP/cp1"
submit
json 'json.dumps(j["receipt"])' >"$TMP/rb.json"
S2=$(cp_size)
check "the checkpoint grows with each response ($S1 -> $S2)" test "$S2" -gt "$S1"
req GET "/api/v1/log/proof/inclusion?index=$RA_IDX&size=$RA_SIZE"
check "inclusion proof: 200" status_is 200
check "the API's inclusion proof is the receipt's" py "
a = json.load(open('$TMP/b')); r = json.load(open('$TMP/ra.json'))
assert a['proof'] == r['inclusion_proof'] and a['leaf_hash'] == r['leaf_hash'], (a, r)"
check "the proof leads to the signed root of that size (RFC 9162, in Python)" py "
a = json.load(open('$TMP/b'))
assert inclusion_root($RA_IDX, $RA_SIZE, h(a['leaf_hash']), [h(x) for x in a['proof']]) == root_of(open('$TMP/cp1').read())"
req GET "/api/v1/log/checkpoint?size=$S1"
check "?size= serves the checkpoint of that size" cmp -s "$TMP/b" "$TMP/cp1"
curl -s "$BASE/api/v1/log/checkpoint" >"$TMP/cp2"
req GET "/api/v1/log/proof/consistency?from=$S1&to=$S2"
check "consistency proof: 200" status_is 200
cp "$TMP/b" "$TMP/cons"
check "the consistency proof from $S1 to $S2 verifies between the signed roots" py "
a = json.load(open('$TMP/cons'))
assert a['from'] == $S1 and a['to'] == $S2 and a['proof']
assert consistency_ok($S1, $S2, [h(x) for x in a['proof']], root_of(open('$TMP/cp1').read()), root_of(open('$TMP/cp2').read()))"
check "a changed hash in it fails (the check can fail)" py "
a = json.load(open('$TMP/cons')); p = [h(x) for x in a['proof']]; p[0] = bytes(32)
assert not consistency_ok($S1, $S2, p, root_of(open('$TMP/cp1').read()), root_of(open('$TMP/cp2').read()))"
req GET "/api/v1/log/proof/consistency?from=0&to=$S2"
check "from=0 gives an empty proof" same "$(json 'j["proof"]')" "[]"
req GET "/api/v1/log/proof/consistency?from=$S2&to=$S2"
check "from=to gives an empty proof" same "$(json 'j["proof"]')" "[]"

# --- entries and tiles: past a full tile of 256 leaves --------------------------------------------
while [ "$(cp_size)" -lt 260 ]; do submit; [ "$STATUS" = 201 ] || break; done
SIZE=$(cp_size)
check "the log passed 256 entries ($SIZE)" test "$SIZE" -ge 260
curl -s "$BASE/api/v1/log/checkpoint" >"$TMP/cpn"
req GET "/api/v1/log/entries?start=0&end=5000"
check "entries: 200" status_is 200
cp "$TMP/b" "$TMP/entries"
check "end is clamped to the size: $SIZE entries" same "$(json 'len(j["entries"])'),$(json 'j["size"]')" "$SIZE,$SIZE"
check "every entry hashes to its leaf hash, and the leaves to the signed root" py "
import base64
a = json.load(open('$TMP/entries')); leaves = []
for i, e in enumerate(a['entries']):
    assert e['index'] == i
    b = base64.b64decode(e['entry']); lh = hashlib.sha256(b'\x00' + b).digest()
    assert lh.hex() == e['leaf_hash'] and e['inputs']['kind']
    leaves.append(lh)
assert mth(leaves) == root_of(open('$TMP/cpn').read())"
req GET "/api/v1/log/entries?start=250&end=255"
check "a range gives those entries" same "$(json '[e["index"] for e in j["entries"]]')" "[250, 251, 252, 253, 254]"
req GET /log/tile/0/000
check "full tile 0/000: 200" status_is 200
check "a full tile is immutable" same "$(header Cache-Control)" "public, max-age=31536000, immutable"
check "a full tile is application/octet-stream" same "$(header Content-Type)" "application/octet-stream"
cp "$TMP/b" "$TMP/tile0"
check "tile 0/000 is the first 256 leaf hashes" py "
a = json.load(open('$TMP/entries'))
assert open('$TMP/tile0', 'rb').read() == b''.join(h(e['leaf_hash']) for e in a['entries'][:256])"
W=$((SIZE - 256))
req GET "/log/tile/0/001.p/$W"
check "partial tile 0/001.p/$W: 200" status_is 200
check "a partial tile is not immutable" same "$(header Cache-Control)" "public, max-age=3600"
cp "$TMP/b" "$TMP/tile1"
check "it holds the leaf hashes past 256" py "
a = json.load(open('$TMP/entries'))
assert open('$TMP/tile1', 'rb').read() == b''.join(h(e['leaf_hash']) for e in a['entries'][256:])"
req GET "/log/tile/0/001.p/2"
check "a narrower partial tile is its prefix" py "assert open('$TMP/b', 'rb').read() == open('$TMP/tile1', 'rb').read()[:64]"
req GET "/log/tile/1/000.p/1"
check "tile 1/000.p/1 is the root of the first 256 leaves" py "
a = json.load(open('$TMP/entries'))
assert open('$TMP/b', 'rb').read() == mth([h(e['leaf_hash']) for e in a['entries'][:256]])"
req GET /log/tile/entries/000
check "entry bundle entries/000: 200" status_is 200
cp "$TMP/b" "$TMP/bundle"
check "the bundle decodes to the first 256 entries" py "
import base64
a = json.load(open('$TMP/entries')); b = open('$TMP/bundle', 'rb').read(); off = 0; got = []
while off < len(b):
    n = int.from_bytes(b[off:off + 2], 'big'); got.append(b[off + 2:off + 2 + n]); off += 2 + n
assert off == len(b) and got == [base64.b64decode(e['entry']) for e in a['entries'][:256]]"
for p in /log/tile/0/002 "/log/tile/0/001.p/$((W + 1))" /log/tile/0/001 /log/tile/5/000 /log/tile/0/x000/000 \
	/log/tile/0/000.p/256 /log/tile/0/000.p/0 /log/tile/0/0 /log/tile/00/000 /log/tile/entries/001 \
	/log/tile/0/x999/x999/x999/x999/x999/x999/x999/999 /log/tile/x/000 "/log/tile/0/000/../000" /log/tile/ "/log/tile/0/000%2F"; do
	req GET "$p" --path-as-is
	check "unknown tile $p: 404" status_is 404
done

# --- bad parameters: 400 naming the field ---------------------------------------------------------
bad() {	# bad PATH FIELD
	req GET "$1"
	if [ "$STATUS" = 400 ] && field_is "$2" && contains "$(header Content-Type)" "application/problem+json"; then
		ok "$1: 400 on $2"
	else
		not_ok "$1: 400 on $2" "status $STATUS: $(head -c 300 "$TMP/b")"
	fi
}
bad "/api/v1/log/entries" start
bad "/api/v1/log/entries?start=0" end
bad "/api/v1/log/entries?start=-1&end=3" start
bad "/api/v1/log/entries?start=abc&end=3" start
bad "/api/v1/log/entries?start=99999999999999999999&end=3" start
bad "/api/v1/log/entries?start=9223372036854775808&end=3" start
bad "/api/v1/log/entries?start=01&end=3" start
bad "/api/v1/log/entries?start=5&end=3" start
bad "/api/v1/log/proof/inclusion?index=3&size=3" index
bad "/api/v1/log/proof/inclusion?index=0&size=$((SIZE + 1))" size
bad "/api/v1/log/proof/inclusion?index=0&size=9223372036854775807" size
bad "/api/v1/log/proof/inclusion?size=3" index
bad "/api/v1/log/proof/inclusion?index=1e3&size=3" index
bad "/api/v1/log/proof/consistency?from=4&to=3" from
bad "/api/v1/log/proof/consistency?from=1&to=$((SIZE + 1))" to
bad "/api/v1/log/proof/consistency?from=%2B1&to=3" from
bad "/api/v1/log/checkpoint?size=x" size
req GET "/api/v1/log/entries?start=9223372036854775807&end=9223372036854775807"
check "entries far past the end: 200, none" same "$STATUS $(json 'len(j["entries"])')" "200 0"
req GET "/api/v1/log/checkpoint?size=$((SIZE + 100))"
check "a size the log never signed: 404 problem" same "$STATUS $(header Content-Type)" "404 application/problem+json"

# --- /receipts -----------------------------------------------------------------------------------
JAR=$TMP/jar
CSRF=$(curl -s -b "$JAR" -c "$JAR" "$BASE/receipts" | grep -o 'name="csrf" value="[^"]*"' | head -1 | cut -d'"' -f4)
check "the receipt form has a csrf token" test -n "$CSRF"
check_receipt() { req POST /receipts -b "$JAR" --form-string "csrf=$CSRF" -F "receipt=<$1"; }
passed() { grep -o 'data-step="passed"' "$TMP/b" | wc -l; }
failed_step() {	# the title of the step that failed
	python3 -c "
import re; s = open('$TMP/b').read()
m = re.search(r'<li><p><strong>([^<]*)</strong> <span class=\"state [^\"]*\" data-step=\"failed\"', s)
print(m.group(1) if m else '-')"
}
check_receipt "$TMP/ra.json"
check "a genuine receipt: 200" status_is 200
check "a genuine receipt passes all six steps" same "$(passed)" 6
check "it says genuine" body_has "This receipt is genuine"
check "the older receipt passes the consistency step to today's tree" body_has "$S1 -&gt; $SIZE"
req POST /receipts -b "$JAR" --form-string "csrf=$CSRF" -F "file=@$TMP/ra.json;type=application/json"
check "the same receipt uploaded as a file passes" same "$STATUS $(passed)" "200 6"
python3 -c "import json; print(json.dumps({'id': 'x', 'receipt': json.load(open('$TMP/ra.json'))}))" >"$TMP/wrapped.json"
check_receipt "$TMP/wrapped.json"
check "the submission's whole answer is taken too" same "$(passed)" 6
# altered: CHANGE is Python over r, the receipt; STEP the step that must fail; MSG what it says
altered() {
	python3 -c "import json; r = json.load(open('$TMP/ra.json')); $1; json.dump(r, open('$TMP/alt.json', 'w'))"
	check_receipt "$TMP/alt.json"
	if [ "$STATUS" = 200 ] && [ "$(failed_step)" = "$2" ] && body_has "$3" && body_lacks "This receipt is genuine"; then
		ok "$4 fails at \"$2\""
	else
		not_ok "$4 fails at \"$2\"" "status $STATUS, failed step '$(failed_step)'"
	fi
}
flip() { echo "(lambda s: s[:-1] + ('0' if s[-1] != '0' else '1'))($1)"; }
altered "r['entry']['commitment'] = $(flip "r['entry']['commitment']")" "The entry" \
	"do not hash to the receipt&#39;s leaf_hash" "a changed byte in the entry"
altered "r['entry']['version'] = 2" "The entry" "do not hash" "a changed version in the entry"
altered "r['version'] = 7" "The receipt&#39;s details" "differ from its entry" "a changed version in the receipt"
altered "r['salt'] = $(flip "r['salt']")" "Your content" "do not give the entry&#39;s commitment" "a changed salt"
altered "r['inclusion_proof'][1] = $(flip "r['inclusion_proof'][1]")" "Inclusion" "does not lead from the leaf" \
	"a changed proof hash"
altered "r['inclusion_proof'].pop()" "Inclusion" "does not lead from the leaf" "a shortened proof"
altered "c = r['checkpoint']; i = c.index('— ') + len('— $ORIGIN ') + 10; r['checkpoint'] = c[:i] + ('A' if c[i] != 'A' else 'B') + c[i + 1:]" \
	"The log&#39;s signature" "does not verify" "a changed checkpoint signature"
altered "r['checkpoint'] = r['checkpoint'].replace('\n$S1\n', '\n$((S1 + 1))\n', 1)" "The log&#39;s signature" \
	"does not verify" "a changed checkpoint size"
altered "del r['leaf_index']" "The entry" "no &quot;leaf_index&quot;" "a receipt without the log"
altered "r['leaf_index'] = 'x'" "The entry" "leaf_index" "a leaf index that is not a number"
altered "r['inclusion_proof'] = 'x' * 100000" "Inclusion" "not a list" "a proof that is not a list"
check_receipt "$TMP/rb.json"
check "a second genuine receipt passes" same "$(passed)" 6
garbage() {	# garbage DESC BODY-ARGS...
	d=$1; shift
	req POST /receipts -b "$JAR" --form-string "csrf=$CSRF" "$@"
	if [ "$STATUS" = 422 ] && body_has 'role="alert"' && body_has 'id="f-receipt"' && body_has 'aria-describedby="hint-receipt err-receipt"'; then
		ok "$d: 422, the form again with the error"
	else
		not_ok "$d: 422, the form again with the error" "status $STATUS"
	fi
}
garbage "text that is not JSON" --form-string "receipt=hello {"
garbage "nothing" --form-string "receipt= "
garbage "a JSON list" --form-string "receipt=[1,2]"
garbage "a JSON string" --form-string 'receipt="x"'
printf '\x00\xff\xfe{' >"$TMP/bin"
garbage "a binary file" -F "file=@$TMP/bin"
req POST /receipts -b "$JAR" --form-string "receipt=hello"
check "without the csrf token: 403" status_is 403
RID=$(python3 -c "import json; print(json.load(open('$TMP/ra.json'))['response'])")
req GET "/receipts/$RID"
check "the receipt page shows the leaf index" body_has "<dt>Leaf index</dt><dd>$RA_IDX</dd>"
check "the receipt page offers to check it" body_has 'action="/receipts"'
FORM_RECEIPT=$(python3 -c "
import html, re; s = open('$TMP/b').read()
print(html.unescape(re.search(r'name=\"receipt\" value=\"([^\"]*)\"', s).group(1)))")
printf '%s' "$FORM_RECEIPT" >"$TMP/fromform.json"
CSRF_PAGE=$(grep -o 'name="csrf" value="[^"]*"' "$TMP/b" | head -1 | cut -d'"' -f4)
req POST /receipts -b "$JAR" -c "$JAR" --form-string "csrf=$CSRF" -F "receipt=<$TMP/fromform.json"
check "its 'Check this receipt' form passes every step" same "$(passed)" 6

# --- cosignatures --------------------------------------------------------------------------------
curl -s "$BASE/api/v1/log/checkpoint" >"$TMP/cpw"
CPW_SIZE=$(sed -n 2p "$TMP/cpw")
"$GEN" sign witness.example/w1 "$W_SEED" 1795000000 <"$TMP/cpw" >"$TMP/cosigned"
req POST /api/v1/log/cosignatures -H 'Content-Type: text/plain' --data-binary @"$TMP/cosigned"
check "a configured witness's cosignature: 201" status_is 201
check "the answer names the size and the witness" same "$(json 'j["size"], j["witnesses"]')" "$CPW_SIZE ['witness.example/w1']"
check "it is stored, once" same "$(sql 'SELECT COUNT(*) FROM log_cosignatures')" 1
check "it is in the audit log" same "$(sql "SELECT COUNT(*) FROM audit_log WHERE action = 'log_cosignature'")" 1
req GET /api/v1/log/checkpoint
check "the checkpoint is served with the cosignature after the log's line" cmp -s "$TMP/b" "$TMP/cosigned"
req GET /log/checkpoint
check "/log/checkpoint too" cmp -s "$TMP/b" "$TMP/cosigned"
req GET /log
check "/log names the witness that cosigned" body_has "<code>witness.example/w1</code>"
req POST /api/v1/log/cosignatures -H 'Content-Type: text/plain' --data-binary @"$TMP/cosigned"
check "posting it again: 201, still one row" same "$STATUS $(sql 'SELECT COUNT(*) FROM log_cosignatures')" "201 1"
"$GEN" sign stranger.example/w9 "$U_SEED" 1795000000 <"$TMP/cpw" >"$TMP/stranger"
req POST /api/v1/log/cosignatures -H 'Content-Type: text/plain' --data-binary @"$TMP/stranger"
check "an unconfigured witness: 422" status_is 422
"$GEN" sign witness.example/w1 "$U_SEED" 1795000000 <"$TMP/cpw" >"$TMP/wrongkey"
req POST /api/v1/log/cosignatures -H 'Content-Type: text/plain' --data-binary @"$TMP/wrongkey"
check "the witness's name with another key: 422" status_is 422
"$GEN" sign witness.example/w1 "$W_SEED" 1795000001 <"$TMP/cpw" | sed '$ s/.....$/AAAA=/' >"$TMP/badsig"
req POST /api/v1/log/cosignatures -H 'Content-Type: text/plain' --data-binary @"$TMP/badsig"
check "a cosignature that does not verify: 422" status_is 422
python3 -c "
s = open('$TMP/cpw').read().split('\n'); s[1] = str(int(s[1]) + 1000); open('$TMP/unsigned', 'w').write('\n'.join(s))"
"$GEN" sign witness.example/w1 "$W_SEED" 1795000000 <"$TMP/unsigned" >"$TMP/cos-unsigned"
req POST /api/v1/log/cosignatures -H 'Content-Type: text/plain' --data-binary @"$TMP/cos-unsigned"
check "a body the log never signed: 404" same "$STATUS $(header Content-Type)" "404 application/problem+json"
req POST /api/v1/log/cosignatures -H 'Content-Type: text/plain' --data-binary 'not a note'
check "a body that is not a note: 422" status_is 422
req POST /api/v1/log/cosignatures -H 'Content-Type: text/plain' --data-binary ''
check "an empty body: 400" status_is 400
req POST /api/v1/log/cosignatures -H 'Content-Type: application/json' --data-binary @"$TMP/cosigned"
check "a JSON content type: 415" status_is 415
check "refusals stored nothing" same "$(sql 'SELECT COUNT(*) FROM log_cosignatures')" 1
submit
"$GEN" sign witness.example/w1 "$W_SEED" 1795000000 <"$TMP/cpw" >/dev/null
req GET "/api/v1/log/checkpoint?size=$CPW_SIZE"
check "the older checkpoint keeps its cosignature" cmp -s "$TMP/b" "$TMP/cosigned"
req GET /api/v1/log/checkpoint
check "the new checkpoint has none yet" body_lacks "witness.example/w1"
check "the server is still up" kill -0 "$PID"
finish
