#!/bin/bash
# t330_search_languages: hidden words in the six languages, found through GET /api/v1/search
# from responses submitted a moment before (the background indexer): Chinese inside a sentence
# and a single character, Arabic with and without its article and diacritics, Russian case
# forms, French accents, English and Spanish stems; a phrase only inside a PDF attachment and
# one only inside a DOCX; the language detected when the respondent did not say; and who may
# find what (pending responses, members-only documents).
. "$(dirname "$0")/lib.sh"
FIX=$(cd "$(dirname "$0")" && pwd)/fixtures
XFIX=$(cd "$(dirname "$0")/.." && pwd)/fixtures/extract
SEC=secretariat@agora.example
ROUND=multilingual-internet
init_data
TOKEN=$("$AGORA" token create --data "$DATA" --email "$SEC")
AUTH="Authorization: Bearer $TOKEN"
start_server --submit-rate 0 --page-cache-ms 0

same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
# post LANGUAGE SUMMARY [CURL -F ARGS...]: a response in LANGUAGE ("" = another language) with
# SUMMARY, as multipart with any attachments given; sets RID
post() {
	local lang=$1 summary=$2
	shift 2
	python3 -c "import json,sys; r=json.load(open('$FIX/resp-jane.json')); r['language']=sys.argv[1]; r['summary']=sys.argv[2]; r['answers']=[{'question':1,'text':'-'}]; json.dump(r, open('$TMP/r.json','w'), ensure_ascii=False)" "$lang" "$summary"
	req POST "/api/v1/consultations/$ROUND/responses" -F "response=<$TMP/r.json;type=application/json" "$@"
	RID=$(json 'j["id"]')
}
# search QUERY [CURL ARGS...]: the urls of the results, space-separated
search() {
	local q=$1
	shift
	curl -s -G "$BASE/api/v1/search" --data-urlencode "q=$q" "$@" -o "$TMP/s.json"
	python3 -c "import json; print(' '.join(x['url'] for x in json.load(open('$TMP/s.json'))['results']))" 2>/dev/null
}
# finds QUERY ID: the search for QUERY returns the response ID (polls: indexing takes a moment)
finds() {
	for _ in $(seq 1 100); do case " $(search "$1") " in *" /responses/$2 "*) return 0 ;; esac; sleep 0.05; done
	echo "# '$1' did not find $2: $(head -c 400 "$TMP/s.json")"; return 1
}
misses() { case " $(search "$1" "${@:3}") " in *" /responses/$2 "*) echo "# '$1' found $2"; return 1 ;; esac; return 0; }

post zh "我们认为互联网接入是可持续发展的基础。"
ZH=$RID
check "Chinese: a two-character word inside a sentence (接入)" finds "接入" "$ZH"
check "Chinese: one character (网)" finds "网" "$ZH"
check "Chinese: across ICU's word boundary (续发)" finds "续发" "$ZH"
check "Chinese: a word the text does not have (电视) finds nothing" misses "电视" "$ZH"

post ar "ندعم تطوير البنية التحتية والاتصالات في المناطق الريفية."
AR=$RID
check "Arabic: without the article (اتصالات) finds والاتصالات" finds "اتصالات" "$AR"
check "Arabic: with the article (الاتصالات)" finds "الاتصالات" "$AR"
check "Arabic: with diacritics (الاتِّصالاتُ)" finds "الاتِّصالاتُ" "$AR"
check "Arabic: another proclitic (بالاتصالات)" finds "بالاتصالات" "$AR"

post ru "Мы поддерживаем развитие подключения сельских районов."
RU=$RID
check "Russian: another case (подключение) finds подключения" finds "подключение" "$RU"
check "Russian: районы finds районов" finds "районы" "$RU"

post fr "Les télécommunications et les réseaux communautaires sont essentiels."
FR=$RID
check "French: without accents (telecommunications)" finds "telecommunications" "$FR"
check "French: the singular (réseau) finds réseaux" finds "réseau" "$FR"
post fr "L'accès abordable et l’utilisation des données."
check "French: a word after an elided article (accès in L'accès)" finds "accès" "$RID"
check "French: after a typographic apostrophe (utilisation in l’utilisation)" finds "utilisation" "$RID"

post en "Universal connectivity requires affordable devices."
EN=$RID
check "English: connect finds connectivity (Snowball)" finds "connect" "$EN"
check "English: a prefix (afford*)" finds "afford*" "$EN"
check "English: a phrase (\"affordable devices\")" finds '"affordable devices"' "$EN"
check "English: a phrase in the wrong order finds nothing" misses '"devices affordable"' "$EN"
check "English: an excluded word (connectivity -universal)" misses "connectivity -universal" "$EN"

post es "Las conexiones de banda ancha deben ser asequibles."
ES=$RID
check "Spanish: conexión finds conexiones" finds "conexión" "$ES"

# ---- The language, detected when the respondent did not say -------------------------------------
post "" "Nous pensons que les politiques publiques doivent favoriser l'accès universel et abordable à l'Internet dans toutes les régions du monde."
UND=$RID
check "a response in 'another language' is found" finds "abordable" "$UND"
search "abordable" --data-urlencode language=fr >/dev/null
check "... and its language is detected as French" same "$(python3 -c "import json; print(' '.join(x['language'] for x in json.load(open('$TMP/s.json'))['results'] if x['url'] == '/responses/$UND'))")" fr

# ---- Inside attachments ------------------------------------------------------------------------
post en "See the attached paper." -F "attachments=@$XFIX/multi-chromium.pdf"
PDF=$RID
check "a phrase only inside a PDF attachment" finds '"rural areas remains a priority"' "$PDF"
check "... an Arabic phrase inside it, in logical order" finds '"الاتصالات في المناطق الريفية"' "$PDF"
check "... a Chinese word inside it" finds "宽带接入" "$PDF"
post en "See the attached paper (cairo)." -F "attachments=@$XFIX/multi-cairo.pdf"
check "an Arabic phrase inside a PDF from another producer (cairo)" finds '"تحسين الاتصالات"' "$RID"
post en "See the attached note." -F "attachments=@$XFIX/split-runs.docx"
DOCX=$RID
check "a phrase only inside a DOCX attachment (split across runs)" finds '"connectivity of rural schools"' "$DOCX"
post en "See the attached text." -F "attachments=@$XFIX/sample.odt"
check "a phrase only inside an ODT attachment" finds '"rural connectivity"' "$RID"
post en "See the attached scan." -F "attachments=@$XFIX/scan.pdf"
SCAN=$RID
check "a PDF without a text layer: the receipt says it cannot be searched" sh -c \
	"for _ in \$(seq 1 100); do curl -s '$BASE/api/v1/responses/$SCAN/receipt' | grep -q '\"reason\": *\"no_text\"' && exit 0; sleep 0.05; done; exit 1"
req GET /receipts/$SCAN
check "... and so does the receipt page" body_has "no text layer"

# ---- Inside documents' files -------------------------------------------------------------------
# polls: the demo documents' files are read by jobs at the server's first start
doc_found() { for _ in $(seq 1 100); do curl -s -G "$BASE/api/v1/search" --data-urlencode "q=$1" "${@:3}" | grep -q "\"/documents/$2\"" && return 0; sleep 0.05; done; return 1; }
check "a public document, by a phrase only in its file" doc_found '"held virtually"' cwg-internet-16-1
check "a members-only contribution, by a word only in its file: the secretariat finds it" doc_found footprint cwg-internet-16-2 -H "$AUTH"
check "... the public does not" sh -c "! curl -s -G '$BASE/api/v1/search' --data-urlencode q=footprint | grep -q cwg-internet-16-2"
check "a revised document is found by its latest revision's words" doc_found '"remote areas"' cwg-internet-17-2 -H "$AUTH"

# ---- Who may find what --------------------------------------------------------------------------
printf '{"slug":"search-pre","original_language":"en","opens_at":"2030-01-01T00:00:00Z","closes_at":"2040-01-01T00:00:00Z","moderation":"pre","texts":{"en":{"title":"Pre round","topic":"T","description":"D"}},"questions":[{"number":1,"text":{"en":"Q1?"}}]}' >"$TMP/spec.json"
req POST /api/v1/consultations -H "$AUTH" -H 'Content-Type: application/json' --data-binary @"$TMP/spec.json"
req POST /api/v1/consultations/search-pre/open -H "$AUTH"
ROUND=search-pre post en "Pending words about archipelagos."
PEND=$RID
check "a pending response: the secretariat finds it" sh -c \
	"for _ in \$(seq 1 100); do curl -s -G '$BASE/api/v1/search' --data-urlencode q=archipelagos -H '$AUTH' | grep -q '/responses/$PEND' && exit 0; sleep 0.05; done; exit 1"
check "... the public does not" misses "archipelagos" "$PEND"
check "... nor is it counted for the public" same "$(python3 -c "import json; print(json.load(open('$TMP/s.json'))['total'])")" 0
finish
