#!/bin/bash
# t170_documents: Member-State documents (docs/DOCUMENTS.md). The demo's members-only
# contribution refused to the public and to a stakeholder (404) and served to a delegate of any
# state, the chair and the secretariat; a draft seen only by its own state's delegates and focal
# point and the secretariat; a delegate creates for its own state (a forged author is ignored),
# revises (Rev.1 kept, both downloadable, same bytes) and submits; a delegate of another state
# cannot revise (404 while a draft, 403 once submitted); the secretariat publishes; a wrong type
# (415) and a file over the limit (413) store nothing; no CSRF token: 403; audit rows; symbols
# numbered per meeting; the meeting page and the API under the same rule.
. "$(dirname "$0")/lib.sh"
SEC=secretariat@agora.example
init_data
PW=$(sed -n 's/^Password: //p' "$TMP/init.out")
check "the demo loads the four documents" grep -q "4 document(s) added" "$TMP/init.out"
"$AGORA" demo --data "$DATA" >"$TMP/demo2.out" 2>&1
check "the demo loads twice without doubling them" grep -q "0 document(s) added, 4 already present" "$TMP/demo2.out"
declare -A PASS
mk() {	# mk NAME ROLE [STATE]
	"$AGORA" user create --data "$DATA" --email "$1@t170.example" --name "T170 $1" --role "$2" \
		${3:+--state "$3"} >"$TMP/user.out" 2>&1 || { cat "$TMP/user.out"; exit 1; }
	PASS[$1]=$(sed -n 's/^Password: //p' "$TMP/user.out")
}
mk stake stakeholder
mk chair chair
mk dch delegate CH
mk fch focal_point CH
mk dfr delegate FR
start_server --page-cache-ms 0 --attachment-max-bytes 4096

same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
db() { sql "$1"; }
csrf_in() { grep -o 'name="csrf" value="[^"]*"' "$1" | head -1 | cut -d'"' -f4; }
declare -A CSRF
login() {	# login NAME EMAIL PASSWORD
	local jar=$TMP/jar.$1
	curl -s -b "$jar" -c "$jar" -o "$TMP/login.html" "$BASE/login"
	req POST /login -b "$jar" -c "$jar" --data-urlencode "email=$2" --data-urlencode "password=$3" \
		--data-urlencode "csrf=$(csrf_in "$TMP/login.html")"
	[ "$STATUS" = 303 ] || { echo "# $1 cannot log in: $STATUS"; exit 1; }
	curl -s -b "$jar" -c "$jar" -o "$TMP/account.html" "$BASE/account"
	CSRF[$1]=$(csrf_in "$TMP/account.html")
}
for u in stake chair dch fch dfr; do login "$u" "$u@t170.example" "${PASS[$u]}"; done
login sec "$SEC" "$PW"
as() { local who=$1; shift; if [ "$who" = anon ]; then req "$@"; else req "$@" -b "$TMP/jar.$who"; fi; }
# code_for WHO METHOD PATH: the status only
code_for() { as "$@"; echo "$STATUS"; }
# upload WHO PATH FILE [FIELDS...]: a multipart POST with the visitor's CSRF token
upload() {
	local who=$1 path=$2 file=$3; shift 3
	local args=(-F "csrf=${CSRF[$who]}" -F "file=@$file")
	for f in "$@"; do args+=(-F "$f"); done
	as "$who" POST "$path" "${args[@]}"
}
ndocs() { db "SELECT count(*) FROM documents"; }
nblobs() { find "$DATA"/blobs/??/ -type f 2>/dev/null | wc -l; }
nrevs() { db "SELECT count(*) FROM document_revisions"; }
no_temp() {
	for _ in $(seq 1 40); do [ -z "$(ls -A "$DATA/blobs/tmp" 2>/dev/null)" ] && return 0; sleep 0.05; done
	ls "$DATA/blobs/tmp" | sed 's/^/# left: /'; return 1
}

# ---- The demo's members-only contribution (Kenya, 17/2) -----------------------------------------
check "17/2 is Kenya's, submitted, members only" same "$(db "SELECT author_state, status, public FROM documents WHERE symbol = 'CWG-Internet 17/2'")" "KE|submitted|0"
for who in anon stake; do
	check "17/2 refused to $who: 404" same "$(code_for $who GET /documents/cwg-internet-17-2)" 404
	check "17/2's original refused to $who: 404" same "$(code_for $who GET /documents/cwg-internet-17-2/revisions/0)" 404
	check "17/2 in the API refused to $who: 404" same "$(code_for $who GET /api/v1/documents/cwg-internet-17-2)" 404
done
as anon GET /documents/cwg-internet-17-2
check "the 404 does not name the document" body_lacks "Kenya"
for who in dch dfr fch chair sec; do
	check "17/2 served to $who: 200" same "$(code_for $who GET /documents/cwg-internet-17-2)" 200
done
as dfr GET /documents/cwg-internet-17-2
check "the page: symbol, title, author, Rev.1 and the original listed" sh -c "grep -q 'CWG-Internet 17/2' '$TMP/b' && grep -q 'Contribution from Kenya' '$TMP/b' && grep -q 'Kenya' '$TMP/b' && grep -q 'href=\"/documents/cwg-internet-17-2/revisions/1\"' '$TMP/b' && grep -q 'href=\"/documents/cwg-internet-17-2/revisions/0\"' '$TMP/b'"
check "the page says members only" body_has '<span class="doc-badge doc-members">Members only</span>'
check "the page is not cached" same "$(header Cache-Control)" "no-store"
check "a delegate of another state gets no revision form for 17/2" body_lacks 'action="/documents/cwg-internet-17-2/revisions"'
as dfr GET /documents/cwg-internet-17-2/revisions/1
check "Rev.1 of 17/2 downloads for a delegate" status_is 200
check "as an attachment" sh -c "grep -qi '^Content-Disposition: attachment; filename=\"cwg-internet-17-2-kenya-rev1.txt\"' '$TMP/h'"
check "with the sniffed type" same "$(header Content-Type)" "text/plain; charset=utf-8"
check "and nosniff" same "$(header X-Content-Type-Options)" "nosniff"
check "Rev.1's text" body_has "community networks"
check "a revision that does not exist: 404" same "$(code_for dfr GET /documents/cwg-internet-17-2/revisions/2)" 404
check "a revision number with a leading zero: 404" same "$(code_for dfr GET /documents/cwg-internet-17-2/revisions/01)" 404
check "a symbol of another form: 404" same "$(code_for dfr GET /documents/CWG-Internet-17-2)" 404
check "a symbol that does not exist: 404" same "$(code_for sec GET /documents/cwg-internet-17-99)" 404

# ---- Lists -----------------------------------------------------------------------------------------
as anon GET /documents
check "/documents for the public: the public reports" sh -c "grep -q 'CWG-Internet 17/1' '$TMP/b' && grep -q 'CWG-Internet 16/1' '$TMP/b'"
check "... and not the contributions" sh -c "! grep -q 'CWG-Internet 17/2' '$TMP/b' && ! grep -q 'CWG-Internet 16/2' '$TMP/b'"
check "... newest meeting first" same "$(grep -o 'id="m-[0-9]*"' "$TMP/b" | tr -dc '0-9 \n' | tr '\n' ' ')" "17 16 "
check "... with the public badge" body_has '<span class="doc-badge doc-public">Public</span>'
check "... no upload link for the public" body_lacks 'href="/documents/new"'
as dfr GET /documents
check "/documents for a delegate of FR: all four" same "$(grep -o 'CWG-Internet 1[67]/[0-9]' "$TMP/b" | sort -u | tr '\n' ' ')" "CWG-Internet 16/1 CWG-Internet 16/2 CWG-Internet 17/1 CWG-Internet 17/2 "
check "... the author's name localized" body_has "<td>India</td>"
check "... with the upload link" body_has 'href="/documents/new"'
as anon GET "/documents?lang=fr"
check "the author in French for the secretariat" body_has "Secrétariat" 
as anon GET /meetings/17
check "the meeting page lists its public documents" body_has 'href="/documents/cwg-internet-17-1"'
check "... not the members-only ones to the public" body_lacks 'cwg-internet-17-2'
as chair GET /meetings/17
check "... and those too for the chair" body_has 'href="/documents/cwg-internet-17-2"'
as anon GET /api/v1/documents
check "API list for the public: the two public reports" same "$(json '" ".join(d["id"] for d in j["items"])')" "cwg-internet-17-1 cwg-internet-16-1"
as dch GET /api/v1/documents?meeting=17
check "API list with a delegate's session, meeting 17" same "$(json '" ".join(d["id"]+":"+str(d["public"]) for d in j["items"])')" "cwg-internet-17-2:False cwg-internet-17-1:True"
as sec GET /api/v1/documents/cwg-internet-17-2
check "API document: revisions 0 and 1, author KE" same "$(json '" ".join(str(r["number"]) for r in j["revisions"])+" "+j["author_state"]')" "0 1 KE"

# ---- Who may open the form -----------------------------------------------------------------------
check "the form: a delegate 200" same "$(code_for dch GET /documents/new)" 200
check "the form: the secretariat 200" same "$(code_for sec GET /documents/new)" 200
check "the form: a stakeholder 403" same "$(code_for stake GET /documents/new)" 403
check "the form: the chair 403" same "$(code_for chair GET /documents/new)" 403
check "the form: anonymous to /login" same "$(code_for anon GET /documents/new)" 302
as dch GET /documents/new
check "a delegate's form has no author field" body_lacks 'name="author"'
as sec GET /documents/new
check "the secretariat's form has the author field" body_has 'name="author"'

# ---- A delegate of CH creates a draft; a forged author is ignored ----------------------------------
printf 'Contribution of Switzerland\nOriginal text. \xc3\xa9\n' >"$TMP/orig.txt"
blobs0=$(nblobs)
upload dch /documents/new "$TMP/orig.txt" meeting=17 kind=contribution author=FR "title=Swiss contribution on IDNs" language=en
check "created: 303 to the new document's page" sh -c "[ '$STATUS' = 303 ] && grep -qi '^Location: /documents/cwg-internet-17-3' '$TMP/h'"
check "the next symbol of meeting 17, the session's state (not the form's FR), a draft" \
	same "$(db "SELECT symbol, author_state, status, public FROM documents WHERE url_name = 'cwg-internet-17-3'")" "CWG-Internet 17/3|CH|draft|0"
check "the title kept in texts" same "$(db "SELECT body FROM texts WHERE thing = 'document' AND field = 'title' AND thing_id = (SELECT id FROM documents WHERE url_name = 'cwg-internet-17-3')")" "Swiss contribution on IDNs"
check "the original stored and referenced" same "$(db "SELECT count(*) FROM document_revisions r JOIN blob_refs b ON b.thing = 'document_revision' AND b.thing_id = r.id AND b.sha256 = r.sha256 WHERE r.document_id = (SELECT id FROM documents WHERE url_name = 'cwg-internet-17-3')")" 1
check "one blob more" same "$(nblobs)" "$((blobs0 + 1))"
check "audit: document_create by the delegate" same "$(db "SELECT a.action || ' ' || a.object || ' ' || acc.email FROM audit_log a JOIN accounts acc ON acc.id = a.account_id WHERE a.action = 'document_create' ORDER BY a.id DESC LIMIT 1")" "document_create document/CWG-Internet 17/3 dch@t170.example"

# ---- The draft: its state's delegates and focal point and the secretariat only --------------------
for who in dch fch sec; do
	check "the draft: $who 200" same "$(code_for $who GET /documents/cwg-internet-17-3)" 200
done
for who in dfr chair stake anon; do
	check "the draft: $who 404" same "$(code_for $who GET /documents/cwg-internet-17-3)" 404
	check "the draft's file: $who 404" same "$(code_for $who GET /documents/cwg-internet-17-3/revisions/0)" 404
	check "the draft in the API: $who 404" same "$(code_for $who GET /api/v1/documents/cwg-internet-17-3)" 404
done
as dfr GET /documents
check "the draft is not in FR's list" body_lacks "17/3"
as dfr GET /api/v1/documents
check "nor in FR's API list" body_lacks "cwg-internet-17-3"
as fch GET /documents
check "it is in CH's focal point's list, marked draft" sh -c "grep -q 'CWG-Internet 17/3' '$TMP/b' && grep -q 'doc-draft' '$TMP/b'"

# ---- Revisions --------------------------------------------------------------------------------------
printf 'Contribution of Switzerland\nRevised text.\n' >"$TMP/rev1.txt"
upload dfr /documents/cwg-internet-17-3/revisions "$TMP/rev1.txt"
check "a delegate of FR cannot revise CH's draft: 404 (it may not see it)" status_is 404
upload dch /documents/cwg-internet-17-3/revisions "$TMP/rev1.txt"
check "the CH delegate revises: 303" status_is 303
check "Rev.1 stored, the original kept" same "$(db "SELECT group_concat(number || ':' || filename, ' ') FROM (SELECT number, filename FROM document_revisions WHERE document_id = (SELECT id FROM documents WHERE url_name = 'cwg-internet-17-3') ORDER BY number) AS x")" "0:orig.txt 1:rev1.txt"
curl -s -b "$TMP/jar.dch" -o "$TMP/got0" "$BASE/documents/cwg-internet-17-3/revisions/0"
curl -s -b "$TMP/jar.dch" -o "$TMP/got1" "$BASE/documents/cwg-internet-17-3/revisions/1"
check "the original downloads with the same bytes" cmp -s "$TMP/orig.txt" "$TMP/got0"
check "Rev.1 downloads with the same bytes" cmp -s "$TMP/rev1.txt" "$TMP/got1"
check "audit: document_revise" same "$(db "SELECT object FROM audit_log WHERE action = 'document_revise' ORDER BY id DESC LIMIT 1")" "document/CWG-Internet 17/3"
as dch GET /documents/cwg-internet-17-3
check "the page lists Rev.1 and the original" sh -c "grep -q '>Rev.1<' '$TMP/b' && grep -q '>Original<' '$TMP/b'"

# ---- Wrong type and too large: nothing stored ------------------------------------------------------
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\1\1\0\5\x18\xd8N\0\0\0\0IEND\xaeB`\x82' >"$TMP/img.txt"
head -c 3000 /dev/urandom >"$TMP/bin.pdf"
before="$(ndocs) $(nrevs) $(nblobs)"
upload dch /documents/new "$TMP/bin.pdf" meeting=17 kind=contribution "title=Binary" language=en
check "a file of no allowed type (named .pdf): 415" status_is 415
check "the form again, the error next to the file field" sh -c "grep -q 'id=\"err-file\" role=\"alert\"' '$TMP/b' && grep -q 'aria-describedby=\"err-file\"' '$TMP/b' && grep -q 'not a PDF, DOCX, ODT' '$TMP/b'"
check "the title is kept in the form" body_has 'value="Binary"'
upload dch /documents/cwg-internet-17-3/revisions "$TMP/img.txt"
check "a PNG as a revision: 415" status_is 415
check "the document's page again with the error next to the file" sh -c "grep -q 'id=\"err-file\" role=\"alert\"' '$TMP/b' && grep -q 'The revision was not stored' '$TMP/b'"
head -c 5000 /dev/zero | tr '\0' 'a' >"$TMP/big.txt"
upload dch /documents/new "$TMP/big.txt" meeting=17 kind=contribution "title=Big" language=en
check "a file over --attachment-max-bytes: 413" status_is 413
check "413: a page in the reader's words, saying nothing was stored" sh -c "grep -qi '^Content-Type: text/html' '$TMP/h' && grep -q 'nothing was stored' '$TMP/b'"
upload dch /documents/cwg-internet-17-3/revisions "$TMP/big.txt"
check "a revision over the limit: 413" status_is 413
upload dch /documents/new "$TMP/orig.txt" meeting=99 kind=contribution "title=No meeting" language=en
check "a meeting that does not exist: 422, the error next to the meeting" sh -c "[ '$STATUS' = 422 ] && grep -q 'id=\"err-meeting\"' '$TMP/b'"
upload dch /documents/new "$TMP/orig.txt" meeting=17 kind=poem "title=T" language=en
check "a kind that does not exist: 422" sh -c "[ '$STATUS' = 422 ] && grep -q 'id=\"err-kind\"' '$TMP/b'"
upload dch /documents/new "$TMP/orig.txt" meeting=17 kind=contribution "title=" language=en
check "no title: 422" sh -c "[ '$STATUS' = 422 ] && grep -q 'id=\"err-title\"' '$TMP/b'"
as dch POST /documents/new -F "file=@$TMP/orig.txt" -F meeting=17 -F kind=contribution -F title=NoCsrf -F language=en
check "no CSRF token: 403" status_is 403
as dch POST /documents/cwg-internet-17-3/submit
check "submit without a CSRF token: 403" status_is 403
as stake POST /documents/new -F "csrf=${CSRF[stake]}" -F "file=@$TMP/orig.txt" -F meeting=17 -F kind=contribution -F title=Stake -F language=en
check "a stakeholder cannot create: 403" status_is 403
check "nothing stored by any of these" same "$(ndocs) $(nrevs) $(nblobs)" "$before"
check "no upload left in the temporary folder" no_temp
check "the draft is still a draft" same "$(db "SELECT status FROM documents WHERE url_name = 'cwg-internet-17-3'")" draft

# ---- Submit, then the other state's delegate sees it but cannot change it ---------------------------
as dfr POST /documents/cwg-internet-17-3/submit --data-urlencode "csrf=${CSRF[dfr]}"
check "FR cannot submit CH's draft: 404" status_is 404
as dch POST /documents/cwg-internet-17-3/submit --data-urlencode "csrf=${CSRF[dch]}"
check "CH submits: 303" status_is 303
check "submitted" same "$(db "SELECT status FROM documents WHERE url_name = 'cwg-internet-17-3'")" submitted
check "audit: document_submit" same "$(db "SELECT object FROM audit_log WHERE action = 'document_submit' ORDER BY id DESC LIMIT 1")" "document/CWG-Internet 17/3"
as dch POST /documents/cwg-internet-17-3/submit --data-urlencode "csrf=${CSRF[dch]}"
check "submitting again: 409" status_is 409
for who in dfr chair; do
	check "submitted: $who 200" same "$(code_for $who GET /documents/cwg-internet-17-3)" 200
done
for who in stake anon; do
	check "submitted, members only: $who 404" same "$(code_for $who GET /documents/cwg-internet-17-3)" 404
done
upload dfr /documents/cwg-internet-17-3/revisions "$TMP/rev1.txt"
check "FR cannot revise CH's submitted document: 403 (it may see it, not change it)" status_is 403
as chair POST /documents/cwg-internet-17-3/publish --data-urlencode "csrf=${CSRF[chair]}"
check "the chair cannot publish: 403" status_is 403
as dch POST /documents/cwg-internet-17-3/publish --data-urlencode "csrf=${CSRF[dch]}"
check "the author's delegate cannot publish: 403" status_is 403
check "still members only" same "$(db "SELECT public FROM documents WHERE url_name = 'cwg-internet-17-3'")" 0

# ---- Publish ---------------------------------------------------------------------------------------
as sec GET /documents/cwg-internet-17-3
check "the secretariat's page has the publish form" body_has 'action="/documents/cwg-internet-17-3/publish"'
as sec POST /documents/cwg-internet-17-3/publish --data-urlencode "csrf=${CSRF[sec]}"
check "the secretariat publishes: 303" status_is 303
check "public" same "$(db "SELECT public FROM documents WHERE url_name = 'cwg-internet-17-3'")" 1
check "audit: document_publish by the secretariat" same "$(db "SELECT acc.email FROM audit_log a JOIN accounts acc ON acc.id = a.account_id WHERE a.action = 'document_publish' ORDER BY a.id DESC LIMIT 1")" "$SEC"
for who in anon stake; do
	check "public: $who 200" same "$(code_for $who GET /documents/cwg-internet-17-3)" 200
done
curl -s -o "$TMP/pub1" "$BASE/documents/cwg-internet-17-3/revisions/1"
check "public: Rev.1 downloads anonymously, same bytes" cmp -s "$TMP/rev1.txt" "$TMP/pub1"
as sec POST /documents/cwg-internet-17-3/publish --data-urlencode "csrf=${CSRF[sec]}"
check "publishing again: 409" status_is 409

# ---- Symbols per meeting; the secretariat writes for any author ------------------------------------
upload sec /documents/new "$TMP/orig.txt" meeting=16 kind=secretariat_report author= "title=Secretariat note" language=fr
check "the secretariat, meeting 16: CWG-Internet 16/3" sh -c "[ '$STATUS' = 303 ] && grep -qi '^Location: /documents/cwg-internet-16-3' '$TMP/h'"
upload sec /documents/new "$TMP/orig.txt" meeting=12 kind=other author=FR "title=For France" language=en
check "meeting 12 starts at 1: CWG-Internet 12/1, authored by FR" sh -c "[ '$STATUS' = 303 ] && grep -qi '^Location: /documents/cwg-internet-12-1' '$TMP/h'"
check "FR is its author" same "$(db "SELECT author_state FROM documents WHERE url_name = 'cwg-internet-12-1'")" FR
upload dch /documents/new "$TMP/orig.txt" meeting=17 kind=contribution "title=Second" language=en
check "meeting 17 goes on: CWG-Internet 17/4" sh -c "[ '$STATUS' = 303 ] && grep -qi '^Location: /documents/cwg-internet-17-4' '$TMP/h'"
check "the secretariat's own draft: secretariat 200" same "$(code_for sec GET /documents/cwg-internet-16-3)" 200
for who in dch chair; do
	check "the secretariat's own draft: $who 404" same "$(code_for $who GET /documents/cwg-internet-16-3)" 404
done
check "FR's draft made by the secretariat: the FR delegate sees it" same "$(code_for dfr GET /documents/cwg-internet-12-1)" 200
upload dfr /documents/cwg-internet-12-1/revisions "$TMP/rev1.txt"
check "... and revises it" status_is 303
check "the CH delegate does not see it" same "$(code_for dch GET /documents/cwg-internet-12-1)" 404
check "titles of any language: the French one kept as the original" same "$(db "SELECT language FROM texts WHERE thing = 'document' AND thing_id = (SELECT id FROM documents WHERE url_name = 'cwg-internet-16-3')")" fr

# The public log (issue 7): every decision above is an entry that agrees with the stored rows.
log_ok() { "$AGORA" log verify --data "$DATA" >"$TMP/logv.out" 2>&1 || { sed 's/^/# /' "$TMP/logv.out" | head -5; return 1; }; }
check "agora log verify: the log agrees with every stored row" log_ok
finish
