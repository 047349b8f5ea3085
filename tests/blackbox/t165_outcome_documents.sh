#!/bin/bash
# t165_outcome_documents: outcomes link to the documents they concern (docs/MEETINGS.md). The
# demo links 16(b) to the chair's report CWG-Internet 16/1 and 17(c) to the secretariat report
# 17/1 (both public); the secretariat links the members-only contribution 16/2 to 16(b) through
# the meeting page's form. The public (page and API) sees the public document's link and not a
# word of the members-only one; a delegate sees both. The form is the secretariat's only (403
# for the others and without CSRF), an unknown or empty symbol is 422 with the error next to the
# field and nothing stored, a link made twice is stored once, each link is audited.
. "$(dirname "$0")/lib.sh"
SEC=secretariat@agora.example
init_data
PW=$(sed -n 's/^Password: //p' "$TMP/init.out")
"$AGORA" demo --data "$DATA" >"$TMP/demo2.out" 2>&1
declare -A PASS
mk() {	# mk NAME ROLE [STATE]
	"$AGORA" user create --data "$DATA" --email "$1@t165.example" --name "T165 $1" --role "$2" \
		${3:+--state "$3"} >"$TMP/user.out" 2>&1 || { cat "$TMP/user.out"; exit 1; }
	PASS[$1]=$(sed -n 's/^Password: //p' "$TMP/user.out")
}
mk stake stakeholder
mk chair chair
mk dch delegate CH
start_server --page-cache-ms 0

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
for u in stake chair dch; do login "$u" "$u@t165.example" "${PASS[$u]}"; done
login sec "$SEC" "$PW"
as() { local who=$1; shift; if [ "$who" = anon ]; then req "$@"; else req "$@" -b "$TMP/jar.$who"; fi; }
link() {	# link WHO LETTER-PATH SYMBOL: the form's POST with the visitor's CSRF token
	as "$1" POST "$2" --data-urlencode "csrf=${CSRF[$1]}" --data-urlencode "document=$3"
}
# the links under outcome LETTER of the last page fetched
under() { sed -n "/id=\"o-$1\"/,/^<\/li>\$/p" "$TMP/b" | grep -o 'Concerns the document: <a href="/documents/[a-z0-9-]*"' | sed 's/.*documents\///; s/"//' | tr '\n' ' ' | sed 's/ $//'; }
nlinks() { db "SELECT count(*) FROM outcome_documents"; }
api_docs() { json "' '.join(d['symbol'] for o in j['outcomes'] if o['letter'] == '$1' for d in o['documents'])"; }

# ---- The demo's links ---------------------------------------------------------------------------
check "the demo links two documents, once though loaded twice" same "$(nlinks)" 2
as anon GET /meetings/16
check "the public sees 16(b)'s chair's report" same "$(under b)" "cwg-internet-16-1"
check "the link gives the symbol and the kind" body_has ">CWG-Internet 16/1</a>"
check "16(a) concerns no document" same "$(under a)" ""
as anon GET /meetings/17
check "the public sees 17(c)'s secretariat report" same "$(under c)" "cwg-internet-17-1"
as anon GET /api/v1/meetings/16
check "API: 16(b) names 16/1" same "$(api_docs b)" "CWG-Internet 16/1"
check "API: with its page and kind" same "$(json "[o for o in j['outcomes'] if o['letter']=='b'][0]['documents'][0]['url'] + ' ' + [o for o in j['outcomes'] if o['letter']=='b'][0]['documents'][0]['kind']")" "/documents/cwg-internet-16-1 chair_report"

# ---- The form: who may link, bad input ----------------------------------------------------------
as anon GET /meetings/16
check "the public gets no link form" body_lacks 'outcome-document-form'
as sec GET /meetings/16
check "the secretariat gets the link form under each outcome" same "$(grep -c 'class="outcome-document-form"' "$TMP/b")" 3
as chair GET /meetings/16
check "the chair gets no link form" body_lacks 'outcome-document-form'
as anon POST /meetings/16/outcomes/b/documents --data-urlencode "document=cwg-internet-16-2"
check "anonymous: 403" same "$STATUS" 403
for u in stake dch chair; do
	link "$u" /meetings/16/outcomes/b/documents cwg-internet-16-2
	check "$u: 403" same "$STATUS" 403
done
as sec POST /meetings/16/outcomes/b/documents --data-urlencode "document=cwg-internet-16-2"
check "the secretariat without the CSRF token: 403" same "$STATUS" 403
check "nothing linked by the refused posts" same "$(nlinks)" 2
link sec /meetings/16/outcomes/b/documents "cwg-internet-16-99"
check "an unknown symbol: 422" same "$STATUS" 422
check "the error next to the field" sh -c "grep -q 'id=\"err-document-b\" role=\"alert\">There is no document with this symbol.' '$TMP/b' && grep -q 'aria-describedby=\"err-document-b\"' '$TMP/b'"
check "what was typed is kept in the field" body_has 'value="cwg-internet-16-99"'
check "the summary says the document was not linked" body_has 'The document was not linked'
link sec /meetings/16/outcomes/b/documents "not a symbol at all, not at all, no"
check "a text too long to be a symbol: 422" same "$STATUS" 422
link sec /meetings/16/outcomes/b/documents "   "
check "an empty symbol: 422" same "$STATUS" 422
check "the empty one asks for a symbol" body_has "Give the document&#39;s symbol" || body_has "Give the document's symbol"
link sec /meetings/16/outcomes/z/documents cwg-internet-16-2
check "an outcome the meeting does not have: 404" same "$STATUS" 404
link sec /meetings/99/outcomes/a/documents cwg-internet-16-2
check "a meeting that does not exist: 404" same "$STATUS" 404
check "nothing linked by the bad input" same "$(nlinks)" 2

# ---- Linking a members-only document ------------------------------------------------------------
link sec /meetings/16/outcomes/b/documents "CWG-Internet 16/2"
check "the secretariat links 16/2 (written as a symbol): 303" same "$STATUS" 303
check "back to the outcome" same "$(header Location)" "/meetings/16#o-b"
check "one more link" same "$(nlinks)" 3
AUDIT_Q="SELECT count(*) FROM audit_log a JOIN accounts u ON u.id = a.account_id WHERE a.action = 'outcome_document' AND a.object = 'outcome/16b' AND a.detail = 'CWG-Internet 16/2' AND u.email = '$SEC'"
check "audited as outcome_document, by the secretariat, with the symbol" same "$(db "$AUDIT_Q")" 1
link sec /meetings/16/outcomes/b/documents cwg-internet-16-2
check "linked again: 303" same "$STATUS" 303
check "stored once" same "$(nlinks)" 3
check "not audited twice" same "$(db "$AUDIT_Q")" 1
for u in anon stake; do
	as "$u" GET /meetings/16
	check "$u sees 16(b)'s public document only" same "$(under b)" "cwg-internet-16-1"
	check "$u: the members-only symbol is not on the page" body_lacks "CWG-Internet 16/2"
	as "$u" GET /api/v1/meetings/16
	check "$u in the API: 16(b) names 16/1 only" same "$(api_docs b)" "CWG-Internet 16/1"
	check "$u in the API: no word of 16/2" body_lacks "16-2"
done
for u in dch chair sec; do
	as "$u" GET /meetings/16
	check "$u sees both of 16(b)'s documents" same "$(under b)" "cwg-internet-16-1 cwg-internet-16-2"
	as "$u" GET /api/v1/meetings/16
	check "$u in the API: both" same "$(api_docs b)" "CWG-Internet 16/1 CWG-Internet 16/2"
done
finish
