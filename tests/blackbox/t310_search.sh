#!/bin/bash
# t310_search: the search page, GET /api/v1/search and `agora search` on a server whose index
# the server keeps (t320 tests the indexing). A query with a mistake or a bad filter is 422 with
# the message next to the field (page) or a problem naming the field (API), never 500; the
# snippet comes back escaped with <mark>; who finds what follows what each may read (anonymous,
# a delegate's and the secretariat's sessions, a secretariat token); facets link to filters;
# pages link to each other.
. "$(dirname "$0")/lib.sh"
FIX=$(cd "$(dirname "$0")" && pwd)/fixtures
EXT=${AGORA_FTS:-$(dirname "$AGORA")/agora_fts}
SEC=secretariat@agora.example
init_data
TOKEN=$("$AGORA" token create --data "$DATA" --email "$SEC")
AUTH="Authorization: Bearer $TOKEN"
start_server --submit-rate 0 --page-cache-ms 0

same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
idx() { sqlite3 "$DATA/search.db" ".load $EXT" "$1"; }
eventually() { for _ in $(seq 1 100); do "$@" >/dev/null 2>&1 && return 0; sleep 0.05; done; "$@"; }
pw_of() { awk -v e="$1" '$1 == e { print $2 }' "$DATA/demo-accounts.txt"; }
csrf_in() { grep -o 'name="csrf" value="[^"]*"' "$1" | head -1 | cut -d'"' -f4; }
login() {
	local jar=$TMP/jar.$1 email=$2 pw=$3
	curl -s -b "$jar" -c "$jar" -o "$TMP/login.html" "$BASE/login"
	req POST /login -b "$jar" -c "$jar" --data-urlencode "email=$email" --data-urlencode "password=$pw" \
		--data-urlencode "csrf=$(csrf_in "$TMP/login.html")"
	[ "$STATUS" = 303 ] || { echo "# $email cannot log in: $STATUS"; exit 1; }
}
as() { local who=$1; shift; local m=$1 p=$2; shift 2; req "$m" "$p" -b "$TMP/jar.$who" -c "$TMP/jar.$who" "$@"; }
post_response() {
	python3 -c "import json; r=json.load(open('$FIX/resp-jane.json')); $2; json.dump(r, open('$TMP/r.json', 'w'))"
	req POST "/api/v1/consultations/$1/responses" -H 'Content-Type: application/json' --data-binary @"$TMP/r.json"
	RID=$(json 'j["id"]')
}
api_total() { req GET "/api/v1/search?$1" "${@:2}"; json 'j["total"]'; }
alert() { grep -o 'role="alert">[^<]*' "$TMP/b" | head -1 | cut -d'>' -f2; }
problem_field() { json 'j["errors"][0]["field"]'; }

# ---- Data: a published response with markup in it, one waiting for moderation ------------------
post_response multilingual-internet "r['summary'] = 'Glockenspiel <script>alert(\"zq\")</script> & <b>bold</b> claims.'"
PUB=$RID
printf '{"slug":"search-pre","original_language":"en","opens_at":"2030-01-01T00:00:00Z","closes_at":"2040-01-01T00:00:00Z","moderation":"pre","texts":{"en":{"title":"Pre round","topic":"T","description":"D"}},"questions":[{"number":1,"text":{"en":"Q1?"}}]}' >"$TMP/spec.json"
req POST /api/v1/consultations -H "$AUTH" -H 'Content-Type: application/json' --data-binary @"$TMP/spec.json"
req POST /api/v1/consultations/search-pre/open -H "$AUTH"
post_response search-pre "r['summary'] = 'Pending thoughts about narwhalology.'; r['answers'] = [{'question': 1, 'text': 'One.'}]"
PEND=$RID
check "the published response is findable within 5 s" eventually sh -c "[ \"\$(curl -s '$BASE/api/v1/search?q=glockenspiel' | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"total\"])')\" = 1 ]"
check "the pending one is indexed" eventually sh -c "[ \"\$(curl -s -H '$AUTH' '$BASE/api/v1/search?q=narwhalology' | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"total\"])')\" = 1 ]"

# ---- The page --------------------------------------------------------------------------------------
req GET /search
check "/search: 200" status_is 200
check "... the box with its label and the syntax" sh -c "grep -q '<label for=\"f-q\">' '$TMP/b' && grep -q 'id=\"hint-q\"' '$TMP/b' && grep -q 'OR in capitals' '$TMP/b'"
check "... the filters" sh -c "grep -q 'name=\"kind\"' '$TMP/b' && grep -q 'name=\"region\"' '$TMP/b' && grep -q 'value=\"arab_states\"' '$TMP/b' && grep -q 'name=\"from\" type=\"date\"' '$TMP/b'"
check "... no results, no error without a query" sh -c "! grep -q 'results-count' '$TMP/b' && ! grep -q 'role=\"alert\"' '$TMP/b'"
check "... a Search link in the navigation" body_has '<a href="/search" aria-current="page">'

req GET "/search?q=glockenspiel"
check "a search: 200" status_is 200
check "... one result" body_has '<h2 id="results-count">1 result</h2>'
check "... linked to the response" body_has "href=\"/responses/$PUB\""
check "... the snippet escaped, the word marked" body_has '<mark>Glockenspiel</mark> &lt;script&gt;alert(&quot;zq&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;'
check "... no markup of the text gets through" body_lacks '<script>alert'
check "... the query kept in the box" body_has 'name="q" type="search" maxlength="512" value="glockenspiel"'
check "... facets link to filters" body_has 'href="/search?q=glockenspiel&amp;kind=response"'

req GET "/api/v1/search?q=glockenspiel"
check "API: 200 JSON" status_is 200
check "... the result's url, kind and country" same "$(json 'j["results"][0]["url"], j["results"][0]["kind"], j["results"][0]["country"], j["results"][0]["stakeholder_type"]')" "/responses/$PUB response FR civil_society"
check "... the snippet HTML-escaped with <mark>" same "$(json 'j["results"][0]["snippet"].split("\n")[0]')" '<mark>Glockenspiel</mark> &lt;script&gt;alert(&quot;zq&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt; claims.'
check "... an RFC 3339 date, not_searchable false" same "$(json 'len(j["results"][0]["date"]) == 20 and j["results"][0]["date"].endswith("Z"), j["results"][0]["not_searchable"]')" "True False"
check "... facets with counts" same "$(json 'j["facets"]["kind"]')" "[{'value': 'response', 'count': 1}]"
check "... total_capped, fell_back, page, per_page" same "$(json 'j["total_capped"], j["fell_back"], j["page"], j["per_page"]')" "False False 1 20"

# ---- Who finds what ------------------------------------------------------------------------------
login delegate delegate.in@agora.example "$(pw_of delegate.in@agora.example)"
login sec "$SEC" "$(awk '{ print $2 }' "$DATA/demo-login.txt")"
check "anonymous: the pending response is not found (API)" same "$(api_total 'q=narwhalology')" 0
check "... nor on the page" sh -c "curl -s '$BASE/search?q=narwhalology' | grep -q '<h2 id=\"results-count\">0 results</h2>'"
check "a secretariat token finds it" same "$(api_total 'q=narwhalology' -H "$AUTH")" 1
as delegate GET "/search?q=narwhalology"
check "a delegate's session does not find it" body_has '<h2 id="results-count">0 results</h2>'
as sec GET "/search?q=narwhalology"
check "the secretariat's session finds it" body_has "href=\"/responses/$PEND\""
check "an unknown token: 401, not the public's results" sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer nope' '$BASE/api/v1/search?q=narwhalology')\" = 401 ]"
# members-only documents: the public finds only the public ones, a delegate and the secretariat all
# (counted in the index itself: the SQLite file, or on PostgreSQL the store's search_docs, where
# CAST('cwg' AS tsquery) is the lexeme cwg as the tokenizer makes it, no parser involved)
if on_pg; then
	ALLDOCS=$(sql "SELECT COUNT(*) FROM search_docs WHERE words @@ CAST('cwg' AS tsquery) AND kind = 'document' AND access <= 1")
	PUBDOCS=$(sql "SELECT COUNT(*) FROM search_docs WHERE words @@ CAST('cwg' AS tsquery) AND kind = 'document' AND access = 0")
else
	ALLDOCS=$(idx "SELECT COUNT(*) FROM fts JOIN docs d ON d.id = fts.rowid WHERE fts MATCH 'cwg' AND d.kind = 'document' AND d.access <= 1")
	PUBDOCS=$(idx "SELECT COUNT(*) FROM fts JOIN docs d ON d.id = fts.rowid WHERE fts MATCH 'cwg' AND d.kind = 'document' AND d.access = 0")
fi
check "the demo has members-only documents to hide ($PUBDOCS public of $ALLDOCS)" [ "$ALLDOCS" -gt "$PUBDOCS" ]
check "anonymous: only the public documents" same "$(api_total 'q=cwg&kind=document')" "$PUBDOCS"
as delegate GET "/api/v1/search?q=cwg&kind=document"
check "a delegate's session: the members' documents too" same "$(json 'j["total"]')" "$ALLDOCS"
check "anonymous facets count only what it may see" same "$(api_total 'q=cwg' >/dev/null; json 'sum(v["count"] for v in j["facets"]["kind"] if v["value"] == "document")')" "$PUBDOCS"

# ---- Mistakes: 422 with the message, never 500 -------------------------------------------------
page_422() {	# QUERY-STRING MESSAGE-PART FIELD
	req GET "/search?$1"
	status_is 422 && alert | grep -qF -- "$2" && grep -q "aria-describedby=\"err-$3" "$TMP/b"
}
api_422() {	# QUERY-STRING FIELD
	req GET "/api/v1/search?$1"
	status_is 422 && [ "$(header Content-Type)" = "application/problem+json" ] && same "$(problem_field)" "$2"
}
check "page: unclosed quote" page_422 'q=%22internet+access' 'quotation mark is not closed' q
check "page: OR at the start" page_422 'q=OR+internet' 'OR must stand between' q
check "page: OR at the end" page_422 'q=internet+OR' 'OR must stand between' q
check "page: OR doubled" page_422 'q=a+OR+OR+b' 'OR must stand between' q
check "page: only exclusions" page_422 'q=-draft' 'Add a word to search for' q
check "page: a lone *" page_422 'q=*' 'A * must end' q
check "page: a lone -" page_422 'q=internet+-' 'A - must be followed' q
check "page: empty" page_422 'q=' 'Type a word' q
check "page: too long" page_422 "q=$(printf 'a%.0s' $(seq 1 600))" 'too long' q
check "page: bad kind, next to the kind" page_422 'q=internet&kind=meeting' 'Choose what to search' kind
check "page: bad country" page_422 'q=internet&country=fr' 'two-letter code' country
check "page: bad date" page_422 'q=internet&from=2020-13-01' 'YYYY-MM-DD' from
check "page: dates the wrong way round" page_422 'q=internet&from=2021-01-01&to=2020-01-01' 'before the start' to
check "page: bad order" page_422 'q=internet&order=oldest' 'relevance or newest' order
check "page: a page too far (said at the box)" page_422 'q=internet&page=51' 'page from 1 to 50' q
check "page: the query is kept after a mistake" body_has 'value="internet"'
check "API: unclosed quote" api_422 'q=%22open' q
check "API: no q" api_422 '' q
check "API: bad region" api_422 'q=internet&region=oceania' region
check "API: bad language" api_422 'q=internet&language=de' language
check "API: bad stakeholder type" api_422 'q=internet&stakeholder_type=lobby' stakeholder_type
check "API: bad consultation" api_422 'q=internet&consultation=Not%20A%20Slug' consultation
check "API: per_page 1000" api_422 'q=internet&per_page=1000' per_page
check "API: page 0" api_422 'q=internet&page=0' page
for q in 'title%3Ax' 'NEAR(a+b)' 'a+AND+b' '%5Ex' '%22%22' 'x+%22%22%22' '%E4%BA%92' '%FF%FE' 'a*b*' '(' '%7B' ; do
	req GET "/api/v1/search?q=$q"
	case $STATUS in 200|422) ok "API q=$q: $STATUS" ;; *) not_ok "API q=$q: $STATUS" ;; esac
done

# ---- Filters, order, pages -----------------------------------------------------------------------
check "kind=outcome: only outcomes" same "$(api_total 'q=internet&kind=outcome' >/dev/null; json 'sorted(set(r["kind"] for r in j["results"]))')" "['outcome']"
check "language=en and a date range" same "$(api_total 'q=internet&language=en&from=2020-01-01&to=2020-12-31' >/dev/null; json 'all(r["date"][:4] == "2020" for r in j["results"]) and len(j["results"]) > 0')" True
check "order=newest: newest first" same "$(api_total 'q=internet&order=newest' >/dev/null; json '[r["date"] for r in j["results"]] == sorted([r["date"] for r in j["results"]], reverse=True)')" True
P1=$(api_total 'q=internet&per_page=2&order=newest' >/dev/null; json '[r["url"] for r in j["results"]]')
P2=$(api_total 'q=internet&per_page=2&order=newest&page=2' >/dev/null; json '[r["url"] for r in j["results"]]')
check "page 2 is not page 1 ($P2)" [ "$P1" != "$P2" ]
req GET "/search?q=internet&per_page=2"
check "page 1 links to page 2 (rel=next), keeping the query" body_has 'rel="next" href="/search?q=internet&amp;per_page=2&amp;page=2"'
check "... and has no previous" body_lacks 'rel="prev"'
req GET "/search?q=internet&per_page=2&page=2"
check "page 2 links back (rel=prev)" body_has 'rel="prev" href="/search?q=internet&amp;per_page=2"'
check "... numbered from 3" body_has '<ol class="results" start="3">'
req GET "/search?q=internet&kind=outcome"
check "a filter chosen is shown, with a link to remove it" sh -c "grep -q '<strong>Outcomes</strong>' '$TMP/b' && grep -q 'href=\"/search?q=internet\">Remove this filter' '$TMP/b'"
req GET "/search?q=internet&lang=ar"
check "the page in Arabic is right to left" body_has '<html lang="ar" dir="rtl">'

# ---- agora search ----------------------------------------------------------------------------------
"$AGORA" search --data "$DATA" glockenspiel >"$TMP/s.out" 2>&1
check "agora search: exit 0, the url, the marks, the total" sh -c "[ $? = 0 ] && grep -q '/responses/$PUB' '$TMP/s.out' && grep -q '\[Glockenspiel\]' '$TMP/s.out' && grep -q '^1 result$' '$TMP/s.out'"
"$AGORA" search --data "$DATA" narwhalology >"$TMP/s.out" 2>&1
check "agora search as the public: not the pending response" grep -q '^0 results$' "$TMP/s.out"
"$AGORA" search --data "$DATA" --as secretariat narwhalology >"$TMP/s.out" 2>&1
check "agora search --as secretariat: found" grep -q "/responses/$PEND" "$TMP/s.out"
"$AGORA" search --data "$DATA" --json --kind response glockenspiel >"$TMP/b" 2>&1
check "agora search --json: the API's shape" same "$(json 'j["total"], j["results"][0]["url"]')" "1 /responses/$PUB"
"$AGORA" search --data "$DATA" glockenspiel -- -claims >"$TMP/s.out" 2>&1
check "agora search: words after -- may be exclusions" grep -q '^0 results$' "$TMP/s.out"
"$AGORA" search --data "$DATA" '"open' >"$TMP/s.out" 2>&1
check "agora search with a mistake: exit 2 and the message" sh -c "[ $? = 2 ] && grep -q 'quotation mark is not closed' '$TMP/s.out'"
if on_pg; then
	# The index is in the store AGORA_DB names, not in the data folder: a store whose index was
	# never built (its position gone, and no server to build it) is what has no index.
	stop_server
	sql "DELETE FROM search_meta" >/dev/null
	"$AGORA" search --data "$DATA" x >"$TMP/s.out" 2>&1
else
	"$AGORA" search --data "$TMP/nothing" x >"$TMP/s.out" 2>&1
fi
check "agora search without an index: exit 1, says to reindex" sh -c "[ $? = 1 ] && grep -q 'agora reindex' '$TMP/s.out'"
if on_pg; then
	"$AGORA" reindex --data "$DATA" >/dev/null 2>&1
	"$AGORA" search --data "$DATA" glockenspiel >"$TMP/s.out" 2>&1
	check "... and after agora reindex it has one" grep -q '^1 result$' "$TMP/s.out"
fi
finish
