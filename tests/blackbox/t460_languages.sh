#!/bin/bash
# t460_languages: content in several languages (docs/LANGUAGES.md). Counts in each language's
# grouping on a page with more than a thousand responses (and no Arabic-Indic digit on an Arabic
# page); a round whose texts exist in English (original) and French (official) read in Arabic,
# French and English: the fallback note, lang/dir on the fallback, the status, the "Also in"
# links; a Spanish draft translation invisible to the public (and to the page cache) but shown
# to the secretariat with its badge; the secretariat's matrix with its missing summary and the
# notice beside the open form; GET /api/v1/consultations/{slug}/translations (401, 403, 404,
# token and session); country names in Chinese and Arabic on a response page.
# Assertions hold whatever the catalogs say: they look at markup, classes, codes and the
# languages' own names, never at translated sentences.
. "$(dirname "$0")/lib.sh"
SEC=secretariat@agora.example
init_data
PW=$(sed -n 's/^Password: //p' "$TMP/init.out")
TOKEN=$("$AGORA" token create --data "$DATA" --email "$SEC")
"$AGORA" user create --data "$DATA" --email stake@example.org --name "Stake Holder" --role stakeholder >"$TMP/user.out" 2>&1
PW2=$(sed -n 's/^Password: //p' "$TMP/user.out")
AUTH="Authorization: Bearer $TOKEN"
# Enough generated responses that some round has more than a thousand.
"$AGORA" demo --data "$DATA" --responses 6300 >"$TMP/demo.out" 2>&1 || { cat "$TMP/demo.out"; exit 1; }
start_server --submit-rate 0

same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
db() { sql "$1"; }
csrf_in() { grep -o 'name="csrf" value="[^"]*"' "$1" | head -1 | cut -d'"' -f4; }
login() {
	local jar=$1 email=$2 pw=$3
	curl -s -b "$jar" -c "$jar" -o "$TMP/login.html" "$BASE/login"
	req POST /login -b "$jar" -c "$jar" --data-urlencode "email=$email" --data-urlencode "password=$pw" \
		--data-urlencode "csrf=$(csrf_in "$TMP/login.html")"
}
J=$TMP/sec.jar
login "$J" "$SEC" "$PW"
check "the secretariat logs in" status_is 303
login "$TMP/stake.jar" stake@example.org "$PW2"
check "a stakeholder logs in" status_is 303

# ---- counts in the reader's language -----------------------------------------------------------
read -r BIG N <<<"$(db "SELECT c.slug || ' ' || COUNT(*) FROM responses r JOIN consultations c ON c.id = r.consultation_id WHERE r.status = 'published' GROUP BY c.id ORDER BY COUNT(*) DESC LIMIT 1")"
check "a round has more than a thousand published responses ($BIG: $N)" [ "${N:-0}" -ge 1000 ]
# What ICU 72 writes: French groups with U+202F, Russian with U+00A0, Spanish with '.',
# English and Chinese with ','; Arabic with Western digits (ar@numbers=latn) and ','.
grouped() { python3 -c "import sys; print('{:,}'.format(int(sys.argv[1])).replace(',', sys.argv[2]))" "$1" "$2"; }
for pair in "en|," "fr|$(printf '\u202f')" "ru|$(printf '\u00a0')" "es|." "zh|," "ar|,"; do
	l=${pair%%|*}; sep=${pair#*|}
	want=$(grouped "$N" "$sep")
	req GET "/consultations/$BIG?lang=$l"
	check "$l: the count of responses reads '$want'" body_has "<dd>$want</dd>"
	check "$l: and the responses' heading too" body_has "($want)</h2>"
done
req GET "/consultations/$BIG?lang=ar"
check "ar: no Arabic-Indic digit anywhere on the page (counts and dates)" \
	python3 -c "import sys; t=open(sys.argv[1], encoding='utf-8').read(); sys.exit(any('\u0660' <= ch <= '\u0669' for ch in t))" "$TMP/b"
check "ar: dates carry Western digits" grep -q '<time datetime="[^"]*">[0-9]' "$TMP/b"
req GET "/consultations/$BIG/summary?lang=fr"
FR=$(grouped "$N" "$(printf '\u202f')")
check "fr summary: the total in French grouping" body_has "$FR"
check "fr summary: each chart's value label is its table's figure" python3 - "$TMP/b" <<'PY'
import re, sys
t = open(sys.argv[1], encoding='utf-8').read()
charts = re.findall(r'<svg.*?</svg>\s*(?:<p[^>]*>.*?</p>\s*)?</div>\s*<table class="figure-data">(.*?)</table>', t, re.S)
assert charts, 'no chart'
for c in re.findall(r'(<svg.*?</svg>).*?<table class="figure-data">(.*?)</table>', t, re.S):
    group = re.search(r'<g class="chart-value"[^>]*>(.*?)</g>', c[0], re.S)
    assert group, 'no value group'
    labels = re.findall(r'<text[^>]*>([^<]*)</text>', group.group(1))
    cells = re.findall(r'</th><td>([^<]*)</td>', c[1])
    assert labels == cells[:len(labels)], (labels, cells)
PY
check "fr summary: the chart's geometry keeps plain integers" bash -c "! grep -o 'width=\"[^\"]*\"' '$TMP/b' | grep -q '[^0-9\"a-z=]'"
req GET "/api/v1/consultations/$BIG"
check "the API keeps plain numbers" same "$(json 'j["counts"]["responses"]')" "$N"

# ---- a round in English and French, a Spanish draft --------------------------------------------
t() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }
cat >"$TMP/round.json" <<JSON
{"slug":"two-langs","original_language":"en","opens_at":"$(t '+1 day')","closes_at":"$(t '+30 days')",
 "texts":{"en":{"title":"Bridges of words","topic":"How languages meet","description":"Original description."},
          "fr":{"title":"Ponts de mots","topic":"La rencontre des langues","description":"Description traduite."}},
 "questions":[{"number":1,"text":{"en":"First question?","fr":"Première question ?"}},
              {"number":2,"text":{"en":"Second question?","fr":"Deuxième question ?"}}]}
JSON
req POST /api/v1/consultations -H "$AUTH" -H 'Content-Type: application/json' --data-binary @"$TMP/round.json"
check "the round is created (scheduled)" status_is 201
CSRF=$(curl -s -b "$J" -c "$J" "$BASE/admin/consultations/two-langs/edit" | grep -o 'name="csrf" value="[^"]*"' | head -1 | cut -d'"' -f4)
req POST /admin/consultations/two-langs/edit -b "$J" -c "$J" --data-urlencode "csrf=$CSRF" \
	--data-urlencode part=es --data-urlencode status=draft --data-urlencode "title=Puentes de palabras BORRADOR" \
	--data-urlencode "q1=¿Primera pregunta?"
check "a Spanish draft translation is saved" status_is 303

# The secretariat's matrix before the opening.
req GET "/admin/consultations/two-langs/edit?lang=en" -b "$J"
check "the edit page: 200" status_is 200
ROW='<tr><th scope="row">[^<]*</th><td class="tr-missing">[^<]*</td><td class="tr-missing">[^<]*</td><td class="tr-original">[^<]*</td><td class="tr-official">[^<]*</td><td class="tr-missing">[^<]*</td>'
check "the title's row: ar zh missing, en original, fr official, ru missing, es draft" \
	grep -q "${ROW}<td class=\"tr-draft\">[^<]*</td></tr>" "$TMP/b"
check "every cell says its status in words (no empty cell)" bash -c "! grep -q '<td class=\"tr-[a-z]*\"></td>' '$TMP/b'"
check "six rows: title, topic, description, two questions" same "$(grep -c '<tr><th scope="row">' "$TMP/b")" 5
check "... the topic's Spanish cell is missing (the draft has no topic)" \
	grep -q "${ROW}<td class=\"tr-missing\">[^<]*</td></tr>" "$TMP/b"
MISSING=$(grep -o '<p class="translations-missing">.*</p>' "$TMP/b")
check "the missing summary names العربية, 中文, Русский and Español (the draft lacks texts)" \
	bash -c "grep -q 'lang=\"ar\">العربية' <<<'$MISSING' && grep -q 'lang=\"zh\">中文' <<<'$MISSING' && grep -q 'lang=\"ru\">Русский' <<<'$MISSING' && grep -q 'lang=\"es\">Español' <<<'$MISSING'"
check "... and not Français nor English" bash -c "! grep -q 'Français\|English' <<<'$MISSING'"
check "a line names the draft languages: Español only" \
	same "$(grep -o '<p class="translations-drafts">.*</p>' "$TMP/b" | grep -o 'lang="[a-z]*"' | tr '\n' ' ')" 'lang="es" '
NOTICE=$(grep -o '<p class="notice" role="status">[^<]*' "$TMP/b")
check "beside the open form, a notice lists the missing languages" \
	bash -c "grep -q 'العربية, 中文, Русский, Español' <<<'$NOTICE'"
check "the open form is still there (opening is not blocked)" body_has '/admin/consultations/two-langs/open'
req GET "/admin/consultations/two-langs/edit?lang=fr" -b "$J"
check "in French the matrix keeps its statuses" grep -q "${ROW}<td class=\"tr-draft\">" "$TMP/b"

# The API of the matrix.
req GET /api/v1/consultations/two-langs/translations
check "API, anonymous: 401" status_is 401
req GET /api/v1/consultations/two-langs/translations -b "$TMP/stake.jar"
check "API, a stakeholder's session: 403" status_is 403
req GET /api/v1/consultations/no-such-round/translations -H "$AUTH"
check "API, an unknown round: 404" status_is 404
req GET /api/v1/consultations/two-langs/translations -b "$J"
check "API, the secretariat's session: 200" status_is 200
req GET /api/v1/consultations/two-langs/translations -H "$AUTH"
check "API, the secretariat's token: 200" status_is 200
check "API: the fields in order" same "$(json '[t["field"] for t in j["texts"]]')" \
	"['title', 'topic', 'description', 'question:1', 'question:2']"
check "API: the title's statuses" same "$(json 'j["texts"][0]["status"]')" \
	"{'ar': 'missing', 'zh': 'missing', 'en': 'original', 'fr': 'official', 'ru': 'missing', 'es': 'draft'}"
check "API: what each language lacks" same "$(json 'sorted(j["missing"].items())')" \
	"[('ar', ['title', 'topic', 'description', 'question:1', 'question:2']), ('es', ['topic', 'description', 'question:2']), ('ru', ['title', 'topic', 'description', 'question:1', 'question:2']), ('zh', ['title', 'topic', 'description', 'question:1', 'question:2'])]"
check "API: the draft languages" same "$(json 'j["draft_languages"]')" "['es']"

# Opened anyway; the notice then says which languages are still missing.
req POST /api/v1/consultations/two-langs/open -H "$AUTH"
check "opened with languages missing: 200, nothing blocked" status_is 200
req GET "/admin/consultations/two-langs/edit" -b "$J"
check "after the opening the notice still lists them" \
	bash -c "grep -o '<p class=\"notice\" role=\"status\">[^<]*' '$TMP/b' | grep -q 'العربية, 中文, Русский, Español'"

# ---- the public reads it in Arabic, French, English --------------------------------------------
req GET "/consultations/two-langs?lang=ar"
check "ar: 200" status_is 200
check "ar: the title falls back to English, marked lang=en dir=ltr" \
	body_has '<h1><span lang="en" dir="ltr">Bridges of words</span></h1>'
check "ar: the status of what is shown: original" body_has '<span class="text-badge text-original">'
check "ar: the fallback note names both languages" \
	bash -c "grep -o '<span class=\"fallback-note\">[^<]*</span>' '$TMP/b' | grep 'العربية' | grep -q 'English'"
check "ar: 'Also in' links to French (hreflang, lang)" \
	body_has '<a href="/consultations/two-langs?lang=fr" hreflang="fr" lang="fr">Français</a>'
check "ar: 'Also in' has no link to English (shown) nor to Arabic (missing)" \
	bash -c "! grep -q 'ul class=\"also-in\".*\\(lang=en\\|lang=ar\\)\"' '$TMP/b'"
check "ar: the questions fall back with their language" body_has '<span lang="en" dir="ltr">First question?</span>'
req GET "/consultations/two-langs?lang=fr"
check "fr: the French title, unmarked" body_has '<h1>Ponts de mots</h1>'
check "fr: an official translation" body_has '<span class="text-badge text-official">'
check "fr: no fallback note" body_lacks 'fallback-note'
check "fr: also in English" body_has '<a href="/consultations/two-langs?lang=en" hreflang="en" lang="en">English</a>'
req GET "/consultations/two-langs?lang=en"
check "en: the original" body_has '<span class="text-badge text-original">'
check "en: also in French, and not in Spanish (a draft)" \
	bash -c "grep -q 'hreflang=\"fr\" lang=\"fr\">Français</a>' '$TMP/b' && ! grep -q 'two-langs?lang=es\" hreflang' '$TMP/b'"
req GET "/consultations/two-langs/respond?lang=ar"
check "the respond page shows the fallback note too" body_has 'class="fallback-note"'

# The Spanish draft: the secretariat first (never cached), then the public.
req GET "/consultations/two-langs?lang=es" -b "$J"
check "es, secretariat: the draft title" body_has '<h1>Puentes de palabras BORRADOR</h1>'
check "es, secretariat: with the draft badge" body_has '<span class="text-badge text-draft">'
req GET "/consultations/two-langs?lang=en" -b "$J"
check "en, secretariat: the Spanish link carries a draft badge" \
	grep -q 'lang="es">Español</a> <span class="text-badge text-draft">' "$TMP/b"
for i in 1 2; do
	req GET "/consultations/two-langs?lang=es"
	check "es, public (request $i, cache or not): the draft is not shown" body_lacks 'BORRADOR'
	check "es, public (request $i): English instead, with the note" \
		bash -c "grep -q '<span lang=\"en\" dir=\"ltr\">Bridges of words</span>' '$TMP/b' && grep -q 'fallback-note' '$TMP/b'"
done
req GET /api/v1/consultations/two-langs
check "the public API has no Spanish draft either" bash -c "! grep -q BORRADOR '$TMP/b'"

# ---- country names in the reader's language ----------------------------------------------------
read -r PUBID CC <<<"$(db "SELECT r.public_id || ' ' || v.country FROM responses r JOIN response_versions v ON v.response_id = r.id AND v.version = r.current_version WHERE r.status = 'published' AND v.country IN ('CN', 'FR', 'DE', 'BR', 'EG', 'IN', 'JP', 'KE') ORDER BY r.id LIMIT 1")"
check "a published response from a country ($PUBID, $CC)" [ -n "$CC" ]
EN_NAME=$(python3 -c "import json,sys; print([c['name'] for c in json.load(open('/usr/share/iso-codes/json/iso_3166-1.json'))['3166-1'] if c['alpha_2'] == sys.argv[1]][0])" "$CC")
local_name() { python3 -c "import gettext,sys; print(gettext.translation('iso_3166-1', '/usr/share/locale', [sys.argv[1]]).gettext(sys.argv[2]))" "$1" "$EN_NAME"; }
for pair in zh:zh_CN ar:ar; do
	l=${pair%%:*}; want=$(local_name "${pair#*:}")
	req GET "/responses/$PUBID?lang=$l"
	check "$l: the country reads '$want' (not '$EN_NAME')" bash -c "[ '$want' != '$EN_NAME' ] && grep -qF '<dd>$want</dd>' '$TMP/b'"
done
finish
