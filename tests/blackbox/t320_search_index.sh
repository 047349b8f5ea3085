#!/bin/bash
# t320_search_index: the search index is kept by the server from the repository. A new response
# is in it within seconds; who may see each thing follows moderation (pending and withheld:
# the secretariat only); an anonymous respondent's name is nowhere in it; `agora reindex`
# rebuilds it while the server runs and the server switches to the new one; an index that was
# deleted is rebuilt whole at start. Looked at with the sqlite3 shell and build/agora_fts.so.
# On PostgreSQL (AGORA_PG_URL) the index is tables of the store: the rows are looked at through a
# view named docs over search_docs (same columns), words through agora search as the
# secretariat (a tsquery of the tokenizer's stems cannot be written by hand here), and the checks
# about the SQLite file itself (its generations, links, build marker) are the SQLite pass's.
. "$(dirname "$0")/lib.sh"
FIX=$(cd "$(dirname "$0")" && pwd)/fixtures
EXT=${AGORA_FTS:-$(dirname "$AGORA")/agora_fts}
SEC=secretariat@agora.example
ROUND=search-pre
init_data
TOKEN=$("$AGORA" token create --data "$DATA" --email "$SEC")
AUTH="Authorization: Bearer $TOKEN"
start_server --submit-rate 0 --page-cache-ms 0

same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
db() { sql "$1"; }
if on_pg; then
	sql "CREATE VIEW docs AS SELECT * FROM search_docs" >/dev/null
	idx() { sql "$1"; }
	# found WORD [KIND]: the urls of the things the secretariat finds with WORD
	found() {
		"$AGORA" search --data "$DATA" --as secretariat --json ${2:+--kind "$2"} "$1" 2>/dev/null |
			python3 -c 'import json,sys; print("\n".join(sorted(r["url"] for r in json.load(sys.stdin)["results"])))'
	}
else
	idx() { sqlite3 "$DATA/search.db" ".load $EXT" "$1"; }
	# found WORD [KIND]: the urls of the index rows whose text matches WORD
	found() { idx "SELECT d.url FROM fts JOIN docs d ON d.id = fts.rowid WHERE fts MATCH '$1' ${2:+AND d.kind = '$2'} ORDER BY d.url"; }
fi
# eventually COMMAND...: polls COMMAND for up to 5 s (the indexer looks every 250 ms)
eventually() { for _ in $(seq 1 100); do "$@" >/dev/null 2>&1 && return 0; sleep 0.05; done; "$@"; }
# ... for up to 60 s: thousands of things to index (slower under the sanitizers)
eventually_long() { for _ in $(seq 1 600); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done; "$@"; }
has_row() { [ "$(idx "SELECT COUNT(*) FROM docs WHERE url = '$1'")" = 1 ]; }
access_is() { [ "$(idx "SELECT access FROM docs WHERE url = '$1'")" = "$2" ]; }
no_row() { [ "$(idx "SELECT COUNT(*) FROM docs WHERE url = '$1'")" = 0 ]; }
# post_response ROUND JSON-PYTHON: the fixture changed by the Python, posted; sets RID
post_response() {
	python3 -c "import json; r=json.load(open('$FIX/resp-jane.json')); $2; json.dump(r, open('$TMP/r.json', 'w'))"
	req POST "/api/v1/consultations/$1/responses" -H 'Content-Type: application/json' --data-binary @"$TMP/r.json"
	RID=$(json 'j["id"]')
}

# count_is SQL N: the index's answer to SQL is N
count_is() { [ "$(idx "$1")" = "$2" ]; }
# the index's version, as the server writes it
VERSION=$(sed -n 's/^#define SEARCH_SCHEMA_VERSION \([0-9]*\).*/\1/p' src/search/index.h)
[ -n "$VERSION" ] || { echo "no SEARCH_SCHEMA_VERSION in src/search/index.h"; exit 1; }
count_is_db() { [ "$(db "$1")" = "$2" ]; }
if on_pg; then
	check "the server built the index in the store at start" eventually count_is "SELECT value FROM search_meta WHERE key = 'version'" "$VERSION"
else
	check "the server made the index file at start" test -f "$DATA/search.db"
fi
check "the demo rounds, outcomes and documents are indexed" eventually count_is "SELECT COUNT(*) FROM docs" \
	"$(db "SELECT (SELECT COUNT(*) FROM consultations) + (SELECT COUNT(*) FROM outcomes) + (SELECT COUNT(*) FROM documents) + (SELECT COUNT(*) FROM responses)")"
check "a consultation's questions are in its text (every language)" [ -n "$(found multilingualism consultation)" ]
check "members-only documents are indexed as members-only" \
	same "$(idx "SELECT COUNT(*) FROM docs WHERE kind = 'document' AND access = 1")" \
	"$(db "SELECT COUNT(*) FROM documents WHERE public = 0 AND status = 'submitted'")"

# ---- A new response is findable within seconds --------------------------------------------------
post_response multilingual-internet "r['summary'] = 'Community networks need spectrum: quetzalcoatl.'"
check "a response: 201" status_is 201
check "... is in the index within 5 s" eventually has_row "/responses/$RID"
check "... found by its words" same "$(found quetzalcoatl)" "/responses/$RID"
check "... for everyone (published)" access_is "/responses/$RID" 0
check "... with its published name as the title" same "$(idx "SELECT title FROM docs WHERE url = '/responses/$RID'")" "DOE, Jane - Example Org"
check "... its consultation, country, region and stakeholder type" \
	same "$(idx "SELECT consultation || ' ' || country || ' ' || region || ' ' || stakeholder_type || ' ' || language FROM docs WHERE url = '/responses/$RID'")" \
	"multilingual-internet $(db "SELECT v.country || ' ' || COALESCE(m.region, '') || ' ' || v.stakeholder_type || ' ' || v.language FROM responses r JOIN response_versions v ON v.response_id = r.id LEFT JOIN member_states m ON m.code = v.country WHERE r.public_id = '$RID'")"
check "... and nothing of the email" same "$(found '"7f3a"'; found '"jane.private"')" ""
check "... nor the job title" same "$(found '"head of policy"')" ""

post_response multilingual-internet "r['publish_as'] = 'anonymous'; r['respondent']['name'] = 'Zebulon Hiddenname'; r['respondent']['organization'] = 'Secretorg Unlisted'; r['summary'] = 'Anonymous views on xylophonic matters.'"
ANON=$RID
check "an anonymous response is indexed" eventually has_row "/responses/$ANON"
check "... by its words" same "$(found xylophonic)" "/responses/$ANON"
check "... but not by its respondent's name" same "$(found hiddenname)" ""
check "... nor organization" same "$(found secretorg)" ""
check "... with an empty title (the page says 'Anonymous respondent' in the reader's language)" \
	same "$(idx "SELECT length(title) FROM docs WHERE url = '/responses/$ANON'")" 0
check "... which the API gives as 'Anonymous respondent'" same "$(curl -s "$BASE/api/v1/search?q=xylophonic" | python3 -c 'import json,sys; print(json.load(sys.stdin)["results"][0]["title"])')" "Anonymous respondent"
check "... and the page, in the reader's language" sh -c "curl -s '$BASE/search?q=xylophonic&lang=fr' | grep -q '>Répondant anonyme<'"

# ---- A surge of submissions: indexing waits for it, then catches up -----------------------------
# 400 responses, 32 at a time: the writer's batches hold more than one, so the indexer takes one
# batch a second while they last (docs/PERFORMANCE.md, "Profile"); every one is indexed after.
python3 -c "import json; r=json.load(open('$FIX/resp-jane.json')); r['summary'] = 'A surge of answers: axolotl.'; json.dump(r, open('$TMP/surge.json', 'w'))"
BEFORE=$(db "SELECT COUNT(*) FROM responses WHERE status = 'published'")
seq 400 | xargs -P 32 -I{} curl -s -o /dev/null -w '%{http_code}\n' --max-time 60 -X POST \
	-H 'Content-Type: application/json' --data-binary @"$TMP/surge.json" \
	"$BASE/api/v1/consultations/multilingual-internet/responses" >"$TMP/surge.codes"
check "a surge: 400 submissions, each answered 201" same "$(grep -c '^201$' "$TMP/surge.codes")" 400
AFTER=$(db "SELECT COUNT(*) FROM responses WHERE status = 'published'")
check "... and stored" same "$((AFTER - BEFORE))" 400
check "... every one indexed once it is over" eventually_long count_is "SELECT COUNT(*) FROM docs WHERE kind = 'response'" \
	"$(db "SELECT COUNT(*) FROM responses WHERE status <> 'erased'")"

# ---- Who may see it follows moderation ----------------------------------------------------------
printf '{"slug":"%s","original_language":"en","opens_at":"2030-01-01T00:00:00Z","closes_at":"2040-01-01T00:00:00Z","moderation":"pre","texts":{"en":{"title":"Pre round","topic":"T","description":"D"}},"questions":[{"number":1,"text":{"en":"Q1?"}}]}' "$ROUND" >"$TMP/spec.json"
req POST /api/v1/consultations -H "$AUTH" -H 'Content-Type: application/json' --data-binary @"$TMP/spec.json"
check "a pre-moderated round: 201" status_is 201
req POST /api/v1/consultations/$ROUND/open -H "$AUTH"
post_response $ROUND "r['summary'] = 'Pending thoughts about narwhalology.'; r['answers'] = [{'question': 1, 'text': 'One.'}]"
PEND=$RID
check "a response waiting for moderation is indexed" eventually has_row "/responses/$PEND"
check "... for the secretariat only" access_is "/responses/$PEND" 2
req POST /api/v1/responses/$PEND/moderation -H "$AUTH" -H 'Content-Type: application/json' --data '{"action":"publish"}'
check "published: 200" status_is 200
check "... then for everyone" eventually access_is "/responses/$PEND" 0
req POST /api/v1/responses/$PEND/moderation -H "$AUTH" -H 'Content-Type: application/json' --data '{"action":"withhold","reason":"Off topic"}'
check "withheld: 200" status_is 200
check "... then for the secretariat only again" eventually access_is "/responses/$PEND" 2

# ---- agora reindex while the server runs --------------------------------------------------------
BEFORE=$(idx "SELECT kind || ' ' || thing_id || ' ' || access || ' ' || url FROM docs ORDER BY kind, thing_id")
"$AGORA" reindex --data "$DATA" >"$TMP/reindex.out" 2>"$TMP/reindex.err"
check "agora reindex: exit 0" test $? -eq 0
check "... says so" grep -q "^Search index rebuilt in" "$TMP/reindex.out"
check "... with its progress (not a terminal: one line a phase and a tenth)" \
	sh -c "grep -q '^Reading the repository' '$TMP/reindex.err' && grep -q '^Indexing: [0-9]*/[0-9]* (100%)' '$TMP/reindex.err'"
on_pg || check "search.db is now a link to the new generation" test -L "$DATA/search.db"
check "... the same things, with the same access" same "$(idx "SELECT kind || ' ' || thing_id || ' ' || access || ' ' || url FROM docs ORDER BY kind, thing_id")" "$BEFORE"
check "... newer things have higher rowids (oldest first)" \
	same "$(idx "SELECT COUNT(*) FROM docs a JOIN docs b ON b.id = a.id + 1 WHERE b.at < a.at")" 0
on_pg || check "... no build marker left" test ! -e "$DATA/search.db.build"
post_response multilingual-internet "r['summary'] = 'After the rebuild: ornithopter.'"
ORN=$RID
ornithopter_found() { [ "$(found ornithopter)" = "/responses/$ORN" ]; }
check "the server indexes into the new index" eventually ornithopter_found
if on_pg; then
	check "... and deletes the queue rows behind its position with it" \
		count_is "SELECT COUNT(*) FROM search_queue WHERE xact < CAST(CAST((SELECT value FROM search_meta WHERE key = 'queue_xact') AS TEXT) AS xid8)" 0
else
	check "... and said it switched" grep -q 'search index replaced' "$TMP/serve.err"
	GEN1=$(readlink "$DATA/search.db")
	"$AGORA" reindex --data "$DATA" >/dev/null 2>&1
	check "a second reindex removes the previous generation" sh -c "[ ! -e '$DATA/$GEN1' ] && [ ! -e '$DATA/$GEN1-wal' ] && [ \"\$(readlink '$DATA/search.db')\" != '$GEN1' ]"
fi
check "agora reindex on a folder that is not a data folder: exit 1" sh -c "! '$AGORA' reindex --data '$TMP/nothing' 2>/dev/null"

# ---- A deleted index is rebuilt whole at start ---------------------------------------------------
ALL=$(idx "SELECT kind || ' ' || thing_id || ' ' || access FROM docs ORDER BY kind, thing_id")
stop_server
if on_pg; then
	sql "DELETE FROM search_meta; DELETE FROM search_bodies; DELETE FROM search_docs" >/dev/null
else
	rm -f "$DATA"/search*
fi
start_server --submit-rate 0
check "a deleted index is rebuilt at start, whole" eventually count_is \
	"SELECT kind || ' ' || thing_id || ' ' || access FROM docs ORDER BY kind, thing_id" "$ALL"

# ---- An index built by another version is rebuilt at start, beside the old one -------------------
stop_server
if on_pg; then
	sql "UPDATE search_meta SET value = 1 WHERE key = 'version'" >/dev/null
	start_server --submit-rate 0
	check "an index of another version is rebuilt at start" eventually count_is "SELECT value FROM search_meta WHERE key = 'version'" "$VERSION"
else
	sqlite3 "$DATA/search.db" "DELETE FROM meta WHERE key = 'version'"
	OLDGEN=$(readlink "$DATA/search.db" || echo plain)
	start_server --submit-rate 0
	check "an index of another version is rebuilt at start" eventually sh -c \
		"[ \"\$(sqlite3 '$DATA/search.db' \"SELECT value FROM meta WHERE key = 'version'\")\" = $VERSION ]"
	check "... as a new generation (searches kept their answers meanwhile)" sh -c "[ \"\$(readlink '$DATA/search.db')\" != '$OLDGEN' ]"
fi
check "... whole" same "$(idx "SELECT kind || ' ' || thing_id || ' ' || access FROM docs ORDER BY kind, thing_id")" "$ALL"
check "... and the server said so" grep -q 'search index of another version' "$TMP/serve.err"

# ---- The queue is pruned behind the index, and what comes after is still indexed ---------------
stop_server
FT=$(db "SELECT COUNT(*) FROM file_texts")
check "the demo documents' files were read (text files)" test "$FT" -ge 4
db "DELETE FROM file_texts"	# as in a data folder from before extraction
"$AGORA" reindex --data "$DATA" >/dev/null 2>"$TMP/reindex2.err"
check "agora reindex queues the files whose text is not known" grep -q "^Files whose text is still to be read: $FT " "$TMP/reindex2.err"
"$AGORA" demo --data "$DATA" --responses 6000 >/dev/null 2>&1	# 2 queue rows a response
check "6,000 generated responses queue more than 10,000 rows" test "$(db "SELECT COUNT(*) FROM search_queue")" -gt 10000
start_server --submit-rate 0
check "the server indexes them all" eventually_long count_is "SELECT COUNT(*) FROM docs WHERE kind = 'response'" \
	"$(db "SELECT COUNT(*) FROM responses WHERE status <> 'erased'")"
queue_short() { [ "$(db 'SELECT COUNT(*) FROM search_queue')" -lt 10000 ]; }
check "... and deletes the queue rows behind it" eventually_long queue_short
check "... which the server reads again" eventually count_is_db "SELECT COUNT(*) FROM file_texts" "$FT"
post_response multilingual-internet "r['summary'] = 'After the pruning: thylacine.'"
check "a response after the pruning is indexed (queue ids are never reused)" eventually has_row "/responses/$RID"
finish
