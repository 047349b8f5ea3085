#!/bin/bash
# t420_exports: a round's exports (docs/EXPORTS.md). A pre-moderated round with published (one by
# name with an attachment and awkward answers, one anonymous), withheld, pending and erased
# responses. CSV: BOM, header, one row per published response, quoting that round-trips through
# Python's csv module, formulas neutralised, nothing of the others. XLSX: the same rows in the
# sheet's XML, header bold and frozen. JSON: the same ids, each with its number. ZIP: the manifest
# checks with sha256sum, `agora log verify --archive` passes, and fails naming what was changed
# (a byte of responses.json, content re-hashed into the manifest, an entry); withheld and erased
# content nowhere in the archive while their entries are. Unknown and draft rounds: 404.
# `agora export` gives the same CSV as the API.
. "$(dirname "$0")/lib.sh"
SEC=secretariat@agora.example
ROUND=exp-round
init_data
PW=$(sed -n 's/^Password: //p' "$TMP/init.out")
TOKEN=$("$AGORA" token create --data "$DATA" --email "$SEC")
"$AGORA" consultation create --data "$DATA" --draft "$(dirname "$0")/fixtures/draft.json" >/dev/null 2>&1
DRAFT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["slug"])' "$(dirname "$0")/fixtures/draft.json")
start_server --submit-rate 0 --page-cache-ms 0
AUTH="Authorization: Bearer $TOKEN"

same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
db() { sql "$1"; }
csrf_in() { grep -o 'name="csrf" value="[^"]*"' "$1" | head -1 | cut -d'"' -f4; }
moderate() { req POST /api/v1/responses/$1/moderation -H "$AUTH" -H 'Content-Type: application/json' --data "$2"; }
py() { python3 -c "$@"; }

# ---- The round and its responses ---------------------------------------------------------------
printf '{"slug":"%s","original_language":"en","opens_at":"2030-01-01T00:00:00Z","closes_at":"2040-01-01T00:00:00Z","moderation":"pre","texts":{"en":{"title":"Export round","topic":"T","description":"D"}},"questions":[{"number":1,"text":{"en":"What, in \\"your\\" view?"}},{"number":2,"text":{"en":"Second question?"}}]}' "$ROUND" >"$TMP/spec.json"
req POST /api/v1/consultations -H "$AUTH" -H 'Content-Type: application/json' --data-binary @"$TMP/spec.json"
check "create a pre-moderated round: 201" status_is 201
req POST /api/v1/consultations/$ROUND/open -H "$AUTH"
check "open it: 200" status_is 200

# submit NAME PUBLISH_AS ANSWER1 ANSWER2 [CURL ARGS]: sets RID and RTOKEN
submit() {
	py 'import json,sys
print(json.dumps({"respondent":{"name":sys.argv[1],"organization":"Org of "+sys.argv[1],"job_title":"Analyst",
 "country":"FR","stakeholder_type":"academia","email":"x@example.net"},"publish_as":sys.argv[2],"language":"en",
 "summary":"Summary by "+sys.argv[1],"answers":[{"question":1,"text":sys.argv[3]},{"question":2,"text":sys.argv[4]}]}))' \
		"$1" "$2" "$3" "$4" >"$TMP/r.json"
	req POST /api/v1/consultations/$ROUND/responses -F "response=<$TMP/r.json;type=application/json" "${@:5}"
	RID=$(json 'j["id"]')
	RTOKEN=$(json 'j["manage_url"]' | sed 's/.*token=//')
}
AWKWARD=$'He said "yes, now",\nthen left; a second line.'
FORMULA='=HYPERLINK("http://evil.example","click")'
printf 'the attachment of the named response %s\n' "$(date +%s%N)" >"$TMP/note.txt"
submit "Ada Lovelace" name "$AWKWARD" "$FORMULA" -F "attachments=@$TMP/note.txt;filename=note.txt"
check "A (by name, an attachment): 201" status_is 201
A=$RID
submit "Nemo Hidden" anonymous "+SUM(1,2) is not a formula here" "@alias and -minus"
B=$RID
submit "Wanda Withheld" name "WITHHELD-SECRET-7731 answer" "plain"
W=$RID
submit "Pat Pending" name "PENDING-SECRET-4410 answer" "plain"
P=$RID
submit "Eve Erased" name "ERASED-SECRET-9902 answer" "plain"
E=$RID; E_TOKEN=$RTOKEN
check "five responses stored" same "$(db "SELECT COUNT(*) FROM responses r JOIN consultations c ON c.id = r.consultation_id WHERE c.slug = '$ROUND'")" 5
for id in $A $B $E; do moderate $id '{"action":"publish"}'; done
check "publish A, B and E: 200" status_is 200
moderate $W '{"action":"publish"}'
moderate $W '{"action":"withhold","reason":"Off topic"}'
check "withhold W: 200" status_is 200
# E is erased at its respondent's request, as the secretariat does it
J=$TMP/jar.sec
curl -s -b "$J" -c "$J" -o "$TMP/login.html" "$BASE/login"
req POST /login -b "$J" -c "$J" --data-urlencode "email=$SEC" --data-urlencode "password=$PW" \
	--data-urlencode "csrf=$(csrf_in "$TMP/login.html")"
R=$TMP/jar.r
req GET "/responses/$E/requests?token=$E_TOKEN" -b "$R" -c "$R"
req POST "/responses/$E/requests?token=$E_TOKEN" -b "$R" --data-urlencode "csrf=$(csrf_in "$TMP/b")" --data kind=erasure
NE=$(db "SELECT id FROM response_requests WHERE response_id = (SELECT id FROM responses WHERE public_id = '$E')")
curl -s -b "$J" -c "$J" -o "$TMP/page.html" "$BASE/admin/requests/$NE"
req POST /admin/requests/$NE/erase -b "$J" --data-urlencode "csrf=$(csrf_in "$TMP/page.html")" --data confirm=1
check "E erased" same "$(db "SELECT status FROM responses WHERE public_id = '$E'")" erased
check "statuses: A, B published, W withheld, P pending" same \
	"$(db "SELECT group_concat(status, ',') FROM (SELECT status FROM responses WHERE public_id IN ('$A','$B','$W','$P') ORDER BY id) AS x")" \
	"published,published,withheld,pending"
NUM_A=$(db "SELECT number FROM response_numbers WHERE response_id = (SELECT id FROM responses WHERE public_id = '$A')")
NUM_B=$(db "SELECT number FROM response_numbers WHERE response_id = (SELECT id FROM responses WHERE public_id = '$B')")
SECRETS="WITHHELD-SECRET-7731 PENDING-SECRET-4410 ERASED-SECRET-9902 Wanda Pat Eve"

# ---- CSV ---------------------------------------------------------------------------------------
curl -s -o "$TMP/e.csv" -D "$TMP/h" "$BASE/api/v1/consultations/$ROUND/export.csv"
check "CSV: 200, text/csv, a download named for the round" sh -c "head -1 '$TMP/h' | grep -q ' 200' && grep -qi '^Content-Type: text/csv; charset=utf-8' '$TMP/h' && grep -qi 'Content-Disposition: attachment; filename=\"$ROUND-responses.csv\"' '$TMP/h'"
check "CSV: starts with the UTF-8 byte order mark" same "$(head -c 3 "$TMP/e.csv" | od -An -tx1 | tr -d ' ')" efbbbf
cat >"$TMP/readcsv.py" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
what = sys.argv[2]
if what == "header": print("|".join(rows[0]))
elif what == "ids": print(" ".join(r[0] for r in rows[1:]))
elif what == "ncols": print(" ".join(str(len(r)) for r in rows))
else:
    row = [r for r in rows[1:] if r[0] == what][0]
    print(row[int(sys.argv[3])], end="")
PY
check "CSV: the header" same "$(python3 "$TMP/readcsv.py" "$TMP/e.csv" header)" \
	'id|number|date|name|organization|country|stakeholder_type|language|summary|Q1 What, in "your" view?|Q2 Second question?'
check "CSV: one row per published response, oldest first" same "$(python3 "$TMP/readcsv.py" "$TMP/e.csv" ids)" "$A $B"
check "CSV: every row has the 11 columns" same "$(python3 "$TMP/readcsv.py" "$TMP/e.csv" ncols)" "11 11 11"
check "CSV: a comma, quotes and a line break round-trip" same "$(python3 "$TMP/readcsv.py" "$TMP/e.csv" $A 9)" "$AWKWARD"
check "CSV: a cell starting with = gets an apostrophe" same "$(python3 "$TMP/readcsv.py" "$TMP/e.csv" $A 10)" "'$FORMULA"
check "CSV: so do + and @ (and - is guarded too)" sh -c "[ \"\$(python3 '$TMP/readcsv.py' '$TMP/e.csv' $B 9)\" = \"'+SUM(1,2) is not a formula here\" ] && [ \"\$(python3 '$TMP/readcsv.py' '$TMP/e.csv' $B 10)\" = \"'@alias and -minus\" ]"
check "CSV: the number is R-n" same "$(python3 "$TMP/readcsv.py" "$TMP/e.csv" $A 1) $(python3 "$TMP/readcsv.py" "$TMP/e.csv" $B 1)" "R-$NUM_A R-$NUM_B"
check "CSV: the named respondent as the public page shows it" same "$(python3 "$TMP/readcsv.py" "$TMP/e.csv" $A 3)" "LOVELACE, Ada - Org of Ada Lovelace"
check "CSV: the anonymous one is not named, nor its organization" sh -c "[ \"\$(python3 '$TMP/readcsv.py' '$TMP/e.csv' $B 3)\" = 'Anonymous respondent' ] && [ -z \"\$(python3 '$TMP/readcsv.py' '$TMP/e.csv' $B 4)\" ] && ! grep -q 'Org of Nemo' '$TMP/e.csv'"
for s in $SECRETS; do
	check "CSV: nothing of the withheld, pending or erased responses ($s)" sh -c "! grep -q '$s' '$TMP/e.csv'"
done
check "CSV: three records, each ending in CRLF (the line break inside a field stays as stored)" same \
	"$(py 'import sys; d=open(sys.argv[1],"rb").read(); print(d.count(b"\r\n"), d.endswith(b"\r\n"))' "$TMP/e.csv")" "3 True"

# ---- XLSX --------------------------------------------------------------------------------------
req GET /api/v1/consultations/$ROUND/export.xlsx
check "XLSX: 200 with the spreadsheet type" sh -c "[ $STATUS = 200 ] && [ '$(header Content-Type)' = application/vnd.openxmlformats-officedocument.spreadsheetml.sheet ]"
cp "$TMP/b" "$TMP/e.xlsx"
cat >"$TMP/xlsx.py" <<'PY'
import re, sys, zipfile, xml.etree.ElementTree as ET
z = zipfile.ZipFile(sys.argv[1])
ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
sheet = z.read("xl/worksheets/sheet1.xml").decode()
root = ET.fromstring(sheet)
shared = []
if "xl/sharedStrings.xml" in z.namelist():
    for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns):
        shared.append("".join(t.text or "" for t in si.iter("{%s}t" % ns["m"])))
rows = []
for row in root.find("m:sheetData", ns).findall("m:row", ns):
    cells = {}
    for c in row.findall("m:c", ns):
        col = re.match(r"[A-Z]+", c.get("r")).group(0)
        idx = sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed(col))) - 1
        if c.get("t") == "s":
            v = shared[int(c.find("m:v", ns).text)]
        else:
            v = "".join(t.text or "" for t in c.iter("{%s}t" % ns["m"]))
        cells[idx] = v
    rows.append([cells.get(i, "") for i in range(max(cells) + 1 if cells else 0)])
what = sys.argv[2]
if what == "ids": print(" ".join(r[0] for r in rows[1:]))
elif what == "header": print("|".join(rows[0]))
elif what == "frozen": print('ySplit="1"' in sheet and 'state="frozen"' in sheet)
elif what == "bold": print("<b/>" in z.read("xl/styles.xml").decode() and ' s="1"' in sheet.split("</row>")[0])
elif what == "formula": print("<f>" in sheet)
else: print([r for r in rows[1:] if r[0] == what][0][int(sys.argv[3])], end="")
PY
check "XLSX: the same rows as the CSV" same "$(python3 "$TMP/xlsx.py" "$TMP/e.xlsx" ids)" "$A $B"
check "XLSX: the same header" same "$(python3 "$TMP/xlsx.py" "$TMP/e.xlsx" header)" \
	'id|number|date|name|organization|country|stakeholder_type|language|summary|Q1 What, in "your" view?|Q2 Second question?'
check "XLSX: the awkward answer whole" same "$(python3 "$TMP/xlsx.py" "$TMP/e.xlsx" $A 9)" "$AWKWARD"
check "XLSX: a formula is stored as text, not as a formula" sh -c "[ \"\$(python3 '$TMP/xlsx.py' '$TMP/e.xlsx' $A 10)\" = '$FORMULA' ] && [ \"\$(python3 '$TMP/xlsx.py' '$TMP/e.xlsx' formula)\" = False ]"
check "XLSX: the first row frozen" same "$(python3 "$TMP/xlsx.py" "$TMP/e.xlsx" frozen)" True
check "XLSX: the header bold" same "$(python3 "$TMP/xlsx.py" "$TMP/e.xlsx" bold)" True
check "XLSX: nothing of the withheld response" sh -c "! unzip -p '$TMP/e.xlsx' | grep -q WITHHELD-SECRET"

# ---- JSON --------------------------------------------------------------------------------------
req GET /api/v1/consultations/$ROUND/export.json
check "JSON: 200 application/json" sh -c "[ $STATUS = 200 ] && [ '$(header Content-Type)' = application/json ]"
check "JSON: the same ids" same "$(json '" ".join(r["id"] for r in j)')" "$A $B"
check "JSON: each with its number" same "$(json '" ".join(str(r["number"]) for r in j)')" "$NUM_A $NUM_B"
check "JSON: objects as GET /api/v1/responses/{id} answers them" same \
	"$(json 'sorted(j[0])')" \
	"$(curl -s "$BASE/api/v1/responses/$A" | python3 -c 'import json,sys; print(sorted(json.load(sys.stdin)))')"
check "JSON: the answer with its line break whole" same "$(json 'j[0]["answers"][0]["text"]')" "$AWKWARD"
check "JSON: the X-Agora-Responses header" same "$(header X-Agora-Responses)" 2
check "JSON: nothing of the withheld, pending or erased responses" sh -c "! grep -qE 'WITHHELD-SECRET|PENDING-SECRET|ERASED-SECRET' '$TMP/b'"

# ---- ZIP ---------------------------------------------------------------------------------------
VKEY=$(curl -s "$BASE/api/v1/log/key")
req GET /api/v1/consultations/$ROUND/export.zip
check "ZIP: 200 application/zip" sh -c "[ $STATUS = 200 ] && [ '$(header Content-Type)' = application/zip ]"
cp "$TMP/b" "$TMP/e.zip"
mkdir "$TMP/z"
( cd "$TMP/z" && unzip -q ../e.zip )
check "ZIP: the files" sh -c "cd '$TMP/z' && test -f responses.json && test -f entries/entries.jsonl && test -f checkpoint && test -f log.vkey && test -f README.txt && test -f MANIFEST.sha256"
ASHA=$(sha256sum "$TMP/note.txt" | cut -d' ' -f1)
check "ZIP: the published response's attachment, named by its SHA-256" test -f "$TMP/z/attachments/$ASHA-note.txt"
check "ZIP: sha256sum -c MANIFEST.sha256 passes" sh -c "cd '$TMP/z' && sha256sum --quiet -c MANIFEST.sha256"
check "ZIP: the manifest covers every other file" same "$(cd "$TMP/z" && find . -type f ! -name MANIFEST.sha256 | sed 's|^\./||' | sort | tr '\n' ' ')" \
	"$(cut -c67- "$TMP/z/MANIFEST.sha256" | sort | tr '\n' ' ')"
check "ZIP: the README names the key to check it with" grep -qF "$VKEY" "$TMP/z/README.txt"
check "ZIP: responses.json holds the published ones" same "$(py 'import json; print(" ".join(r["id"] for r in json.load(open("'"$TMP/z/responses.json"'"))))')" "$A $B"
"$AGORA" log verify --archive "$TMP/e.zip" --key "$VKEY" >"$TMP/v.out" 2>"$TMP/v.err"
check "agora log verify --archive --key: exit 0" same "$?" 0
check "... OK, 2 responses, A checked against its content" grep -q "^OK: 2 responses (1 checked against their content, 1 whose" "$TMP/v.out"
"$AGORA" log verify --archive "$TMP/e.zip" >"$TMP/v.out" 2>"$TMP/v.err"
check "without --key: exit 0 with a warning that the key is not pinned" sh -c "[ $? = 0 ] && grep -q 'not pinned\|pin the log' '$TMP/v.err'"
"$AGORA" log keygen --name agora.localhost/log --out "$TMP/other.key" >"$TMP/other.vkey" 2>/dev/null
OTHER=$(grep -o 'agora.localhost/log+[0-9a-f]*+[A-Za-z0-9+/=]*' "$TMP/other.vkey" | head -1)
"$AGORA" log verify --archive "$TMP/e.zip" --key "$OTHER" >"$TMP/v.out" 2>&1
check "another key of the same name: exit 1, the checkpoint named" sh -c "[ $? = 1 ] && grep -q '^MISMATCH: checkpoint' '$TMP/v.out'"

"$AGORA" log verify --archive "$TMP/e.zip" --key "not-a-key" >"$TMP/v.out" 2>&1
check "a key that is not a verifier key: exit 1, said so, no OK" sh -c "[ $? = 1 ] && grep -q 'not a verifier key' '$TMP/v.out' && ! grep -q '^OK' '$TMP/v.out'"
"$AGORA" log verify --archive "$TMP/note.txt" --key "$VKEY" >"$TMP/v.out" 2>&1
check "a file that is not a ZIP archive: exit 1" same "$?" 1

# Withheld and erased content: nowhere in the archive, but their entries are.
for s in WITHHELD-SECRET-7731 PENDING-SECRET-4410 ERASED-SECRET-9902 "Wanda Withheld" "Eve Erased"; do
	check "ZIP: '$s' appears in no file" sh -c "! grep -rqF '$s' '$TMP/z' && ! unzip -p '$TMP/e.zip' | grep -qF '$s'"
done
cat >"$TMP/entries.py" <<'PY'
import base64, json, sys
rid = sys.argv[2].encode()
kinds = []
for line in open(sys.argv[1]):
    e = json.loads(line)
    b = base64.b64decode(e["entry"])
    if rid in b:
        kinds.append("%s%s" % (e["kind"], "+salt" if "salt" in e else ""))
print(" ".join(kinds))
PY
check "ZIP: the withheld response's entries are there, without a salt" same \
	"$(python3 "$TMP/entries.py" "$TMP/z/entries/entries.jsonl" $W)" "response_version moderation moderation"
check "ZIP: the erased response's entries too, without a salt" same \
	"$(python3 "$TMP/entries.py" "$TMP/z/entries/entries.jsonl" $E)" "response_version moderation moderation"
check "ZIP: the pending response's entry, without a salt" same "$(python3 "$TMP/entries.py" "$TMP/z/entries/entries.jsonl" $P)" "response_version"
check "ZIP: the published one's version with its salt" same "$(python3 "$TMP/entries.py" "$TMP/z/entries/entries.jsonl" $A)" "response_version+salt moderation"

# rezip DIR OUT: the folder as a ZIP again; manifest DIR: rewrite MANIFEST.sha256 for its files
rezip() { ( cd "$1" && rm -f "$2" && zip -qr "$2" . ); }
manifest() { ( cd "$1" && find . -type f ! -name MANIFEST.sha256 | sed 's|^\./||' | sort | xargs sha256sum >MANIFEST.sha256 ); }
fresh() { rm -rf "$TMP/t"; mkdir "$TMP/t"; ( cd "$TMP/t" && unzip -q ../e.zip ); }
verify_fails() {	# verify_fails DESC PATTERN: exit 1 and a MISMATCH line matching PATTERN
	rezip "$TMP/t" "$TMP/t.zip"
	"$AGORA" log verify --archive "$TMP/t.zip" --key "$VKEY" >"$TMP/v.out" 2>&1
	local rc=$?
	check "$1: exit 1" same "$rc" 1
	check "$1: names it" grep -q "^MISMATCH: .*$2" "$TMP/v.out"
}
fresh; rezip "$TMP/t" "$TMP/t.zip"
"$AGORA" log verify --archive "$TMP/t.zip" --key "$VKEY" >"$TMP/v.out" 2>&1
check "the archive unzipped and zipped again still verifies" same "$?" 0
fresh; py 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); i=b.index(b"yes, now"); b[i]^=1; open(p,"wb").write(b)' "$TMP/t/responses.json"
verify_fails "one byte of responses.json flipped" "responses.json: its SHA-256 is not the one in MANIFEST"
fresh; py 'import sys; p=sys.argv[1]; s=open(p).read(); open(p,"w").write(s.replace("yes, now","yes, later"))' "$TMP/t/responses.json"; manifest "$TMP/t"
verify_fails "an answer changed and the manifest made again" "response $A: its content in responses.json does not hash to its sha256"
fresh; py 'import sys,json; p=sys.argv[1]; L=open(p).read().split("\n"); e=json.loads(L[1]); h=e["leaf_hash"]; e["leaf_hash"]=("0" if h[0]!="0" else "1")+h[1:]; L[1]=json.dumps(e); open(p,"w").write("\n".join(L))' "$TMP/t/entries/entries.jsonl"; manifest "$TMP/t"
verify_fails "an entry's leaf hash changed" "entry [0-9]*: its bytes do not hash to its leaf hash"
fresh; py 'import sys,json,base64; p=sys.argv[1]; L=open(p).read().split("\n"); e=json.loads(L[1]); b=bytearray(base64.b64decode(e["entry"])); b[3]^=1; e["entry"]=base64.b64encode(bytes(b)).decode(); L[1]=json.dumps(e); open(p,"w").write("\n".join(L))' "$TMP/t/entries/entries.jsonl"; manifest "$TMP/t"
verify_fails "one byte of an entry flipped" "entry [0-9]*: its bytes do not hash"
fresh; py 'import sys,json; p=sys.argv[1]; L=[l for l in open(p).read().split("\n") if l]; out=[l for l in L if not ("salt" in json.loads(l))]; open(p,"w").write("\n".join(out)+"\n")' "$TMP/t/entries/entries.jsonl"; manifest "$TMP/t"
verify_fails "the public entries removed" "response $A (version 1): no entry with its salt"
fresh; py 'import sys; p=sys.argv[1]; L=open(p).read().split("\n"); L=[l for l in L if "'$B'" not in l]; L[-3]=L[-3].rstrip(","); open(p,"w").write("\n".join(L))' "$TMP/t/responses.json"; manifest "$TMP/t"
verify_fails "a published response dropped from responses.json" "response $B version 1 is public .* but not in responses.json"
fresh; rm "$TMP/t/attachments/$ASHA-note.txt"
verify_fails "an attachment removed" "attachments/$ASHA-note.txt, which is not in the archive"

# ---- Refusals ----------------------------------------------------------------------------------
for f in csv xlsx json zip; do
	req GET /api/v1/consultations/no-such-round/export.$f
	check "unknown round, .$f: 404 problem+json" sh -c "[ $STATUS = 404 ] && [ '$(header Content-Type)' = application/problem+json ]"
	req GET /api/v1/consultations/$DRAFT/export.$f
	check "a draft round, .$f: 404" status_is 404
done
req GET /api/v1/consultations/$ROUND/export.pdf
check "an unknown format: 404" status_is 404

# ---- agora export ------------------------------------------------------------------------------
"$AGORA" export --data "$DATA" $ROUND --format csv -o "$TMP/cli.csv" 2>"$TMP/cli.err"
check "agora export --format csv: exit 0, the same bytes as the API" sh -c "[ $? = 0 ] && cmp -s '$TMP/cli.csv' '$TMP/e.csv'"
"$AGORA" export --data "$DATA" $ROUND --format zip -o "$TMP/cli.zip" 2>"$TMP/cli.err"
"$AGORA" log verify --archive "$TMP/cli.zip" --key "$VKEY" >/dev/null 2>&1
check "agora export --format zip: an archive that verifies" same "$?" 0
"$AGORA" export --data "$DATA" $ROUND --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' >"$TMP/n"
check "agora export --format json to stdout: 2 responses" same "$(cat "$TMP/n")" 2
"$AGORA" export --data "$DATA" no-such-round --format csv -o "$TMP/none.csv" 2>"$TMP/cli.err"
check "agora export of an unknown round: exit 1, no file left" sh -c "[ $? = 1 ] && [ ! -e '$TMP/none.csv' ] && grep -q 'no consultation' '$TMP/cli.err'"
"$AGORA" export --data "$DATA" $ROUND --format pdf 2>/dev/null
check "agora export --format pdf: usage error (2)" same "$?" 2
check "no work file left in DATA/tmp" same "$(ls -A "$DATA/tmp" 2>/dev/null | wc -l)" 0
finish
