#!/bin/bash
# t70_responses: the responses API: submit (JSON and multipart with attachments sniffed by
# content), what the public sees (never an email), refusals that store nothing, revise and
# withdraw with the manage token, the deadline on the test clock, cursor pages, and
# acknowledged responses surviving a kill -9.
. "$(dirname "$0")/lib.sh"
FIX=$(cd "$(dirname "$0")" && pwd)/fixtures
JANE=$FIX/resp-jane.json	# publish_as "name", answers to questions 1 and 3
EMAIL=jane.private-7f3a@example.net
ROUND=multilingual-internet	# the open demo round: 4 questions, post-moderation
SUB=/api/v1/consultations/$ROUND/responses
init_data
CLOCK=$TMP/clock
echo "+0" >"$CLOCK"
# --submit-rate 0: this test sends far more than 30 responses a minute from 127.0.0.1 (t90 tests the limit).
SERVE_ARGS=(--test-clock-file "$CLOCK" --scheduler-tick-ms 50 --submit-rate 0)
start_server "${SERVE_ARGS[@]}"

# variant OUT PYTHON: the fixture as r (a dict), changed by PYTHON, written to OUT
variant() { python3 -c "import json; r=json.load(open('$JANE')); $2; json.dump(r, open('$1', 'w'))"; }
post_json() { req POST "$SUB" -H 'Content-Type: application/json' --data-binary @"$1"; }
# post_form [CURL ARGS...]: multipart, the fixture as the part "response", then the files
post_form() { req POST "$SUB" -F "response=<$JANE;type=application/json" "$@"; }
matches() { [[ $1 =~ $2 ]] || { echo "# '$1' does not match $2"; return 1; }; }
contains() { case "$1" in *"$2"*) return 0 ;; esac; echo "# '$1' lacks '$2'"; return 1; }
same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
status_in() { for s in "$@"; do [ "$STATUS" = "$s" ] && return 0; done; echo "# status $STATUS, wanted one of $*"; return 1; }
fields() { json '",".join(sorted(e["field"] for e in j.get("errors", [])))'; }
# stored: published total / response rows / version rows / blob files: what a refusal must not change
stored() {
	printf '%s/%s/%s' "$(curl -s "$BASE$SUB?limit=200" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')" \
		"$(sql 'SELECT (SELECT COUNT(*) FROM responses), (SELECT COUNT(*) FROM response_versions)')" \
		"$(find "$DATA"/blobs/??/ -type f 2>/dev/null | wc -l)"
}
unchanged() { now=$(stored); [ "$now" = "$before" ] || { echo "# stored (total/responses/versions/blobs) $before -> $now"; return 1; }; }
# no_temp: no upload left in blobs/tmp (polls: a request's cleanup runs after its answer)
no_temp() {
	for _ in $(seq 1 40); do [ -z "$(ls -A "$DATA/blobs/tmp" 2>/dev/null)" ] && return 0; sleep 0.05; done
	ls "$DATA/blobs/tmp" | sed 's/^/# left: /'; return 1
}
ids() { curl -s "$BASE$SUB?limit=200" | python3 -c 'import json,sys; print(" ".join(i["id"] for i in json.load(sys.stdin)["items"]))'; }
responses_count() { curl -s "$BASE/api/v1/consultations/$ROUND" | python3 -c 'import json,sys; print(json.load(sys.stdin)["counts"]["responses"])'; }

# ---- Submit as JSON -------------------------------------------------------------------------
count0=$(responses_count)
post_json "$JANE"
check "submit JSON: 201" status_is 201
ID=$(json 'j["id"]')
SHA1=$(json 'j["receipt"]["sha256"]')
MANAGE=$(json 'j["manage_url"]')
TOKEN=${MANAGE#*token=}
check "submit: a 12-character public id" matches "$ID" '^[a-z0-9]{12}$'
check "submit: Location names the response" same "$(header Location)" "/api/v1/responses/$ID"
check "submit: url" same "$(json 'j["url"]')" "/responses/$ID"
check "receipt: response, consultation, version" same "$(json '[j["receipt"][k] for k in ("response","consultation","version")]')" "['$ID', '$ROUND', 1]"
check "receipt: received_at is RFC 3339 UTC" matches "$(json 'j["receipt"]["received_at"]')" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'
check "receipt: sha256 is 64 hex digits" matches "$SHA1" '^[0-9a-f]{64}$'
check "receipt: url and receipt_url" same "$(json 'j["receipt"]["url"]+" "+j["receipt"]["receipt_url"]')" "/responses/$ID /receipts/$ID"
check "submit: a manage_url with a manage token" matches "$MANAGE" "^/responses/$ID/manage\\?token=manage_[A-Za-z0-9_-]{20,}\$"

req GET "/api/v1/responses/$ID"
check "GET response: 200" status_is 200
check "GET response: the respondent as sent" same "$(json '[j["respondent"][k] for k in ("publish_as","name","organization","job_title","country","stakeholder_type")]')" "['name', 'Jane Doe', 'Example Org', 'Head of Policy', 'FR', 'civil_society']"
check "GET response: summary" same "$(json 'j["summary"]')" "Internationalized domain names need universal acceptance."
check "GET response: the answers to questions 1 and 3" same "$(json '[(a["question"], a["text"]) for a in j["answers"]]')" "[(1, 'Registries should offer IDNs at no extra cost.'), (3, 'Local content grows with local hosting.')]"
check "GET response: published, version 1, language en" same "$(json '[j["status"], j["version"], j["language"], j["consultation"]]')" "['published', 1, 'en', '$ROUND']"
check "GET response: display_name 'DOE, Jane - Example Org'" same "$(json 'j["display_name"]')" "DOE, Jane - Example Org"
check "GET response: sha256 is the receipt's" same "$(json 'j["sha256"]')" "$SHA1"
check "GET response: no email, no email key" sh -c "! grep -qF '$EMAIL' '$TMP/b' && ! grep -q '\"email\"' '$TMP/b'"
req GET "/api/v1/responses/$ID/receipt"
check "GET receipt: 200" status_is 200
check "GET receipt: version 1 and the same sha256" same "$(json '[j["response"], j["version"], j["sha256"]]')" "['$ID', 1, '$SHA1']"
check "GET receipt: no email" body_lacks "$EMAIL"
req GET "$SUB"
check "list: 200" status_is 200
check "list: has the response with its display name" same "$(json '[i["display_name"] for i in j["items"] if i["id"] == "'"$ID"'"]')" "['DOE, Jane - Example Org']"
check "list: no email" body_lacks "$EMAIL"
req GET "/api/v1/consultations/$ROUND"
check "consultation: no email" body_lacks "$EMAIL"
check "consultation: counts.responses went up by one" same "$(json 'j["counts"]["responses"]')" "$((count0 + 1))"
check "the email is kept for the secretariat" same "$(sql "SELECT v.email FROM response_versions v JOIN responses r ON r.id = v.response_id WHERE r.public_id = '$ID'")" "$EMAIL"

variant "$TMP/org.json" 'r["publish_as"] = "organization"'
post_json "$TMP/org.json"
check "publish_as organization: 201" status_is 201
ID_ORG=$(json 'j["id"]')
M=$(json 'j["manage_url"]')
TOKEN_ORG=${M#*token=}
req GET "/api/v1/responses/$ID_ORG"
check "organization: only organization, country and type shown" same "$(json 'sorted(j["respondent"])')" "['country', 'organization', 'publish_as', 'stakeholder_type']"
check "organization: display_name is the organization" same "$(json 'j["display_name"]')" "Example Org"
check "organization: no name, job title or email anywhere" sh -c "! grep -qF -e 'Jane Doe' -e 'Head of Policy' -e '$EMAIL' '$TMP/b'"

variant "$TMP/anon.json" 'r["publish_as"] = "anonymous"'
post_json "$TMP/anon.json"
check "publish_as anonymous: 201" status_is 201
ID_ANON=$(json 'j["id"]')
req GET "/api/v1/responses/$ID_ANON"
check "anonymous: no name, organization or job title key" same "$(json 'sorted(j["respondent"])')" "['country', 'publish_as', 'stakeholder_type']"
check "anonymous: display_name 'Anonymous respondent'" same "$(json 'j["display_name"]')" "Anonymous respondent"
check "anonymous: no name, organization, job title or email anywhere" sh -c "! grep -qF -e 'Jane' -e 'Example Org' -e 'Head of Policy' -e '$EMAIL' '$TMP/b'"
req GET "$SUB?limit=200"
check "list: the organization item names only the organization" same "$(json '[(i["display_name"], sorted(i["respondent"])) for i in j["items"] if i["id"] == "'"$ID_ORG"'"]')" "[('Example Org', ['country', 'organization', 'publish_as', 'stakeholder_type'])]"
check "list: the anonymous item names no one" same "$(json '[(i["display_name"], sorted(i["respondent"])) for i in j["items"] if i["id"] == "'"$ID_ANON"'"]')" "[('Anonymous respondent', ['country', 'publish_as', 'stakeholder_type'])]"
check "list: no email in any item" body_lacks "$EMAIL"
check "counts.responses counts all three" same "$(responses_count)" "$((count0 + 3))"

# ---- Refusals: each answers with a problem and stores nothing ---------------------------------
req GET /api/v1/consultations/ott
OTT_CLOSED=$(json 'j["closes_at"]')
before=$(stored)
req POST /api/v1/consultations/ott/responses -H 'Content-Type: application/json' --data-binary @"$JANE"
check "closed round (ott): 409" status_is 409
check "closed round: the detail says when it closed ($OTT_CLOSED)" contains "$(json 'j["detail"]')" "$OTT_CLOSED"
check "closed round: nothing stored" unchanged
req POST /api/v1/consultations/no-such-round/responses -H 'Content-Type: application/json' --data-binary @"$JANE"
check "unknown slug: 404" status_is 404
check "unknown slug: nothing stored" unchanged

req POST "$SUB" -H 'Content-Type: application/json' --data-binary '{"respondent":{},"answers":[]}'
check "missing fields: 422" status_is 422
check "missing fields: problem+json" same "$(header Content-Type)" application/problem+json
check "missing fields: every required field is listed" same "$(json 'sorted({"respondent.name","respondent.organization","respondent.job_title","respondent.country","respondent.stakeholder_type","respondent.email","publish_as","summary"} - {e["field"] for e in j["errors"]})')" "[]"
check "missing fields: nothing stored" unchanged
variant "$TMP/noemail.json" 'del r["respondent"]["email"]'
post_json "$TMP/noemail.json"
check "no email: 422 naming respondent.email only" same "$STATUS $(fields)" "422 respondent.email"
variant "$TMP/blank.json" 'r["summary"] = " \n "'
post_json "$TMP/blank.json"
check "a blank summary: 422 naming summary only" same "$STATUS $(fields)" "422 summary"
variant "$TMP/q9.json" 'r["answers"].append({"question": 9, "text": "No such question."})'
post_json "$TMP/q9.json"
check "question 9 of 4: 422 naming answers.9" same "$STATUS $(fields)" "422 answers.9"
python3 -c "d = open('$JANE', 'rb').read().replace(b'need universal', b'need \xff universal'); assert b'\xff' in d; open('$TMP/badutf8.json', 'wb').write(d)"
post_json "$TMP/badutf8.json"
check "a raw 0xff byte in the summary: 400 or 422" status_in 400 422
variant "$TMP/xx.json" 'r["respondent"]["country"] = "XX"'
post_json "$TMP/xx.json"
check "country XX: 422 naming respondent.country" same "$STATUS $(fields)" "422 respondent.country"
variant "$TMP/type.json" 'r["respondent"]["stakeholder_type"] = "lobbyist"'
post_json "$TMP/type.json"
check "an unknown stakeholder type: 422 naming respondent.stakeholder_type" same "$STATUS $(fields)" "422 respondent.stakeholder_type"
req POST "$SUB" -H 'Content-Type: application/json' --data-binary '{"respondent": {"name": "Jane'
check "malformed JSON: 400" status_is 400
req POST "$SUB" -H 'Content-Type: text/plain' --data-binary @"$JANE"
check "JSON sent as text/plain: 400" status_is 400
check "none of these stored anything" unchanged
variant "$TMP/big.json" 'r["summary"] = "x" * 2000000'
post_json "$TMP/big.json"
check "a JSON body over --max-body-bytes (2 MB > 1 MiB): 413" status_is 413
check "the big body stored nothing" unchanged

# Attachments are typed by their content, never by their name.
python3 - "$TMP" <<'PY'
import struct, sys, zlib
d = sys.argv[1]
def chunk(t, b): return struct.pack('>I', len(b)) + t + b + struct.pack('>I', zlib.crc32(t + b) & 0xffffffff)
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 1, 1, 8, 2, 0, 0, 0)) + \
    chunk(b'IDAT', zlib.compress(b'\x00\xff\x00\x00')) + chunk(b'IEND', b'')
open(d + '/pixel.png', 'wb').write(png)
open(d + '/pixel.pdf', 'wb').write(png)
open(d + '/picture.pdf', 'wb').write(b'GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04'
    b'\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;')
PY
printf 'Notes in UTF-8: caf\xc3\xa9, 20 \xe2\x82\xac.\n' >"$TMP/notes.txt"
printf '#!/bin/sh\necho hello\n' >"$TMP/script.txt"
cp /bin/true "$TMP/program.pdf"
post_form -F "attachments=@$TMP/picture.pdf"
check "a GIF named .pdf: 415" status_is 415
check "the 415 names the attachments field" same "$(fields)" attachments
check "the GIF: nothing stored" unchanged
post_form -F "attachments=@$TMP/program.pdf"
check "an ELF program named .pdf: 415" status_is 415
check "the program: nothing stored" unchanged
post_form -F "attachments=@$TMP/script.txt"
check "a shell script named .txt: 415" status_is 415
check "the script: nothing stored" unchanged
post_form -F "attachments=@$TMP/notes.txt" -F "attachments=@$TMP/picture.pdf"
check "a good text with a GIF: 415" status_is 415
check "the good text is not stored either" unchanged
head -c $((10 * 1024 * 1024 + 1)) /dev/zero | tr '\0' 'a' >"$TMP/over.txt"
post_form -F "attachments=@$TMP/over.txt"
check "an attachment of 10 MiB + 1 byte: 413" status_is 413
check "the 413 names the attachments field" same "$(fields)" attachments
check "the oversized attachment: nothing stored" unchanged
eleven=()
for i in $(seq 1 11); do printf 'note %d\n' "$i" >"$TMP/n$i.txt"; eleven+=(-F "attachments=@$TMP/n$i.txt"); done
post_form "${eleven[@]}"
check "11 attachments: 413" status_is 413
check "11 attachments: nothing stored" unchanged
# A body announcing more than the upload limit (1 MiB + 10 x (10 MiB + 4 KiB)) is refused at once.
req POST "$SUB" -H "Content-Type: multipart/form-data; boundary=x" -H "Content-Length: 200000000" --data-binary 'x'
check "a body announced over the upload limit: 413" status_is 413
check "the announced body: nothing stored" unchanged
check "no temporary upload is left behind" no_temp

post_form -F "attachments=@$TMP/pixel.pdf"
check "a PNG named .pdf: 201" status_is 201
ID_PNG=$(json 'j["id"]')
req GET "/api/v1/responses/$ID_PNG"
check "a PNG named .pdf is stored as image/png" same "$(json '[(a["filename"], a["media_type"]) for a in j["attachments"]]')" "[('pixel.pdf', 'image/png')]"

# ---- Attachments stored -----------------------------------------------------------------------
post_form -F "attachments=@$TMP/notes.txt" -F "attachments=@$TMP/pixel.png"
check "a text and a PNG: 201" status_is 201
ID_ATT=$(json 'j["id"]')
req GET "/api/v1/responses/$ID_ATT"
sha_txt=$(sha256sum "$TMP/notes.txt" | cut -d' ' -f1)
sha_png=$(sha256sum "$TMP/pixel.png" | cut -d' ' -f1)
check "both attachments listed with type, size and sha256" same "$(json '[(a["filename"], a["media_type"], a["size_bytes"], a["sha256"]) for a in j["attachments"]]')" \
	"[('notes.txt', 'text/plain; charset=utf-8', $(stat -c %s "$TMP/notes.txt"), '$sha_txt'), ('pixel.png', 'image/png', $(stat -c %s "$TMP/pixel.png"), '$sha_png')]"
check "the text is stored as blobs/${sha_txt:0:2}/<sha256>, byte for byte" cmp -s "$DATA/blobs/${sha_txt:0:2}/$sha_txt" "$TMP/notes.txt"
check "the PNG is stored as blobs/${sha_png:0:2}/<sha256>, byte for byte" cmp -s "$DATA/blobs/${sha_png:0:2}/$sha_png" "$TMP/pixel.png"
head -c $((10 * 1024 * 1024)) /dev/zero | tr '\0' 'b' >"$TMP/exact.txt"
post_form -F "attachments=@$TMP/exact.txt"
check "an attachment of exactly 10 MiB: 201" status_is 201
req GET "/api/v1/responses/$(json 'j["id"]')"
check "the 10 MiB attachment is text of 10485760 bytes" same "$(json '[(a["media_type"], a["size_bytes"]) for a in j["attachments"]]')" "[('text/plain; charset=utf-8', 10485760)]"

# ---- Revise and withdraw with the manage token ------------------------------------------------
variant "$TMP/rev.json" 'r["summary"] = "A revised summary: acceptance first."'
before=$(stored)
req POST "/api/v1/responses/$ID/revise" -H 'Content-Type: application/json' --data-binary @"$TMP/rev.json"
check "revise without a token: 403" status_is 403
req POST "/api/v1/responses/$ID/revise" -H "X-Manage-Token: manage_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" -H 'Content-Type: application/json' --data-binary @"$TMP/rev.json"
check "revise with a wrong token: 403" status_is 403
req POST "/api/v1/responses/$ID/revise" -H "X-Manage-Token: $TOKEN_ORG" -H 'Content-Type: application/json' --data-binary @"$TMP/rev.json"
check "revise with another response's token: 403" status_is 403
req POST "/api/v1/responses/$ID/withdraw" -H "X-Manage-Token: $TOKEN_ORG"
check "withdraw with another response's token: 403" status_is 403
check "the refused revisions stored nothing" unchanged
req GET "/api/v1/responses/$ID"
check "the response is still version 1, published" same "$(json '[j["version"], j["status"]]')" "[1, 'published']"

req POST "/api/v1/responses/$ID/revise" -H "X-Manage-Token: $TOKEN" -H 'Content-Type: application/json' --data-binary @"$TMP/rev.json"
check "revise with the token: 200" status_is 200
SHA2=$(json 'j["receipt"]["sha256"]')
check "revise: receipt version 2" same "$(json '[j["id"], j["receipt"]["version"]]')" "['$ID', 2]"
check "revise: the receipt sha256 changes" sh -c "[ '$SHA2' != '$SHA1' ] && echo '$SHA2' | grep -qE '^[0-9a-f]{64}\$'"
req GET "/api/v1/responses/$ID"
check "GET after revise: version 2 with the new summary" same "$(json '[j["version"], j["summary"], j["sha256"]]')" "[2, 'A revised summary: acceptance first.', '$SHA2']"
req GET "/api/v1/responses/$ID/receipt"
check "the receipt after revise: version 2, new sha256" same "$(json '[j["version"], j["sha256"]]')" "[2, '$SHA2']"
req POST "/api/v1/responses/$ID/revise?token=$TOKEN" -H 'Content-Type: application/json' --data-binary @"$JANE"
check "revise with the token of the manage link (?token=): 200, version 3" same "$STATUS $(json 'j["receipt"]["version"]')" "200 3"

count1=$(responses_count)
req POST "/api/v1/responses/$ID/withdraw"
check "withdraw without a token: 403" status_is 403
req POST "/api/v1/responses/$ID/withdraw" -H "X-Manage-Token: $TOKEN"
check "withdraw with the token: 200, withdrawn" same "$STATUS $(json 'j["status"]')" "200 withdrawn"
req GET "/api/v1/responses/$ID"
check "GET after withdraw: status withdrawn" same "$STATUS $(json 'j["status"]')" "200 withdrawn"
check "GET after withdraw: no content" same "$(json '[k for k in ("respondent", "summary", "answers", "attachments", "display_name", "language") if k in j]')" "[]"
check "GET after withdraw: no name, text or email" sh -c "! grep -qF -e 'Jane' -e 'Registries' -e '$EMAIL' '$TMP/b'"
check "the list no longer has it" sh -c "! echo ' $(ids) ' | grep -q ' $ID '"
check "counts.responses went down by one" same "$(responses_count)" "$((count1 - 1))"
req POST "/api/v1/responses/$ID/revise" -H "X-Manage-Token: $TOKEN" -H 'Content-Type: application/json' --data-binary @"$TMP/rev.json"
check "revise after withdraw: 409" status_is 409
printf 'Withdrawn evidence, %s.\n' "$(date +%s%N)" >"$TMP/gone.txt"
before=$(stored)
req POST "/api/v1/responses/$ID/revise" -H "X-Manage-Token: $TOKEN" -F "response=<$TMP/rev.json;type=application/json" -F "attachments=@$TMP/gone.txt"
check "revise after withdraw with an attachment: 409, no blob stored" sh -c "[ $STATUS = 409 ] && [ '$(stored)' = '$before' ]"
req POST "/api/v1/responses/$ID/withdraw" -H "X-Manage-Token: $TOKEN"
check "withdraw twice: 409" status_is 409
req GET "/api/v1/responses/$ID"
check "still withdrawn, version 3" same "$(json '[j["status"], j["version"]]')" "['withdrawn', 3]"

# ---- Cursor pages -----------------------------------------------------------------------------
python3 -c "
import json
r = json.load(open('$JANE'))
for name, n in (('p', 5), ('d', 20)):
    for i in range(1, n + 1):
        r['summary'] = '%s test %d.' % (name, i)
        json.dump(r, open('$TMP/%s%d.json' % (name, i), 'w'))"
new_id() { grep -o '"id":"[a-z0-9]*"' "$TMP/b" | head -1 | cut -d'"' -f4; }
five=""
for i in 1 2 3 4 5; do
	post_json "$TMP/p$i.json"
	five="$five $(new_id)"
done
all=$(ids)
seen=""
cursor=""
pages=0
for _ in $(seq 1 100); do
	req GET "$SUB?limit=2${cursor:+&cursor=$cursor}"
	page=$(json '" ".join(i["id"] for i in j["items"][:2]) + ("" if len(j["items"]) <= 2 else " TOO-MANY") + "|" + (j["next_cursor"] or "")')
	seen="$seen ${page%|*}"
	pages=$((pages + 1))
	cursor=${page#*|}
	[ -z "$cursor" ] && break
done
check "limit=2 pages cover the whole list once, in order ($pages pages)" same "$(echo $seen)" "$(echo $all)"
check "no id twice" same "$(echo $seen | tr ' ' '\n' | sort | uniq -d)" ""
check "the five new responses come last, in the order sent" same "$(echo $all | tr ' ' '\n' | tail -5 | xargs)" "$(echo $five)"
req GET "$SUB?limit=200"
check "total counts the published responses" same "$(json 'j["total"] == len(j["items"])')" True

# ---- Durability: acknowledged responses survive kill -9 ---------------------------------------
before_total=$(json 'j["total"]')
acked=""
for i in $(seq 1 20); do
	post_json "$TMP/d$i.json"
	[ "$STATUS" = 201 ] && acked="$acked $(new_id)"
done
nacked=$(echo $acked | wc -w)
check "20 submissions acknowledged ($nacked)" same "$nacked" 20
kill -KILL "$PID"
wait "$PID" 2>/dev/null
PID=""
start_server "${SERVE_ARGS[@]}"
missing=""
for id in $acked; do
	req GET "/api/v1/responses/$id"
	[ "$STATUS" = 200 ] || missing="$missing $id:$STATUS"
done
check "after kill -9 every acknowledged response answers 200" same "$missing" ""
after=$(ids)
dups=""
for id in $acked; do
	k=$(echo $after | tr ' ' '\n' | grep -cx "$id")
	[ "$k" = 1 ] || dups="$dups $id:$k"
done
check "after kill -9 each acknowledged response is listed exactly once" same "$dups" ""
req GET "$SUB?limit=200"
check "after kill -9 the total is the count before plus the acknowledged" same "$(json 'j["total"]')" "$((before_total + nacked))"

# ---- The deadline: the time a request starts decides -----------------------------------------
req GET "/api/v1/consultations/$ROUND"
CLOSES=$(json 'j["closes_at"]')
date -u -d "@$(($(date -u -d "$CLOSES" +%s) - 1))" +%Y-%m-%dT%H:%M:%SZ >"$CLOCK"	# 1 s before the close
sleep 0.3
head -c 150000 /dev/zero | tr '\0' 'c' >"$TMP/slow.txt"
t0=$(date +%s%N)
post_form --limit-rate 100K -F "attachments=@$TMP/slow.txt"
ms=$((($(date +%s%N) - t0) / 1000000))
check "an upload that starts before the close and ends after it ($ms ms): 201" status_is 201
post_json "$JANE"
check "a submission that starts after the close: 409" status_is 409

echo "+3000000" >"$CLOCK"	# past closes_at (~30 days ahead)
sleep 0.5
before=$(stored)
req POST "/api/v1/responses/$ID_ORG/revise" -H "X-Manage-Token: $TOKEN_ORG" -H 'Content-Type: application/json' --data-binary @"$TMP/rev.json"
check "revise after the close: 409" status_is 409
check "the 409 says when it closed" contains "$(json 'j["detail"]')" "$CLOSES"
req POST "/api/v1/responses/$ID_ORG/withdraw" -H "X-Manage-Token: $TOKEN_ORG"
check "withdraw after the close: 409" status_is 409
post_json "$JANE"
check "submit after the close: 409" status_is 409
post_form -F "attachments=@$TMP/notes.txt"
check "submit with an attachment after the close: 409" status_is 409
check "after the close: nothing stored" unchanged
printf 'Late evidence, %s.\n' "$(date +%s%N)" >"$TMP/late.txt"
req POST "/api/v1/responses/$ID_ORG/revise" -H "X-Manage-Token: $TOKEN_ORG" -F "response=<$TMP/rev.json;type=application/json" -F "attachments=@$TMP/late.txt"
check "revise with a new attachment after the close: 409" status_is 409
check "the refused late revision stores no blob" unchanged
req GET "/api/v1/responses/$ID_ORG"
check "the response is unchanged: version 1, published" same "$(json '[j["version"], j["status"]]')" "[1, 'published']"

stop_server
check "the server stops with status 0" [ "$STOP_RC" = 0 ]
finish
