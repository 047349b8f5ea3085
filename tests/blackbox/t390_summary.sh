#!/bin/bash
# t390_summary: the summary of a round (docs/SUMMARIES.md). A hand-made set of responses sent
# through the API and the secretariat's entry form on four days of the test clock, one of them
# withheld; every figure of the API and the page checked against counts written here by hand; the
# terms of a question about spectrum; the written summary: [R-2] linked and shown on R-2's page,
# [R-999] refused beside the field with nothing stored, a draft not public, who may save; the
# campaigns read from the 0020 tables (published members only); an attachment without a text layer
# listed for the secretariat only; charts as inline SVG with their tables, no style attribute.
. "$(dirname "$0")/lib.sh"
SEC=secretariat@agora.example
ROUND=sum-round
XFIX=$(pwd)/tests/fixtures/extract
init_data
PW=$(sed -n 's/^Password: //p' "$TMP/init.out")
TOKEN=$("$AGORA" token create --data "$DATA" --email "$SEC")
"$AGORA" user create --data "$DATA" --email chair@example.org --name "The Chair" --role chair >"$TMP/u1.out" 2>&1
PW_CHAIR=$(sed -n 's/^Password: //p' "$TMP/u1.out")
"$AGORA" user create --data "$DATA" --email delegate@example.org --name "A Delegate" --role delegate --state CH >"$TMP/u2.out" 2>&1
PW_DEL=$(sed -n 's/^Password: //p' "$TMP/u2.out")
CLOCK=$TMP/clock
echo "+0" >"$CLOCK"
T0=$(date -u +%s)
start_server --test-clock-file "$CLOCK" --scheduler-tick-ms 50 --submit-rate 0 --page-cache-ms 0
AUTH="Authorization: Bearer $TOKEN"

same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
db() { sql "$1"; }
csrf_in() { grep -o 'name="csrf" value="[^"]*"' "$1" | head -1 | cut -d'"' -f4; }
login() {
	local jar=$1 email=$2 pw=$3
	curl -s -b "$jar" -c "$jar" -o "$TMP/login.html" "$BASE/login"
	req POST /login -b "$jar" -c "$jar" --data-urlencode "email=$email" --data-urlencode "password=$pw" \
		--data-urlencode "csrf=$(csrf_in "$TMP/login.html")"
}
page_csrf() { curl -s -b "$1" -c "$1" "$BASE$2" -o "$TMP/page.html"; csrf_in "$TMP/page.html"; }
# clock_at RFC3339: sets the server's clock to that time and waits until it has read it
clock_at() {
	local want
	want=$(($(date -u -d "$1" +%s) - T0 - 5))
	echo "$1" >"$CLOCK"
	for _ in $(seq 1 100); do
		[ "$(curl -s "$BASE/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["uptime_s"] >= '"$want"')')" = True ] && return 0
		sleep 0.05
	done
	echo "# the server did not take the clock $1"
	return 1
}
# submit COUNTRY TYPE LANGUAGE SUMMARY ANSWER1 ANSWER2 [CURL ARGS...]: a response through the API;
# its public id in RID. With curl arguments (an attachment) it is sent as multipart.
submit() {
	python3 - "$@" >"$TMP/r.json" <<'PY'
import json, sys
country, kind, lang, summary, a1, a2 = sys.argv[1:7]
print(json.dumps({"respondent": {"name": "Resp " + country, "organization": "Org " + country,
	"job_title": "Officer", "country": country, "stakeholder_type": kind,
	"email": "r@example.net"}, "publish_as": "organization", "language": lang, "summary": summary,
	"answers": [{"question": 1, "text": a1}, {"question": 2, "text": a2}]}, ensure_ascii=False))
PY
	shift 6
	if [ $# -gt 0 ]; then
		req POST /api/v1/consultations/$ROUND/responses -F "response=<$TMP/r.json;type=application/json" "$@"
	else
		req POST /api/v1/consultations/$ROUND/responses -H 'Content-Type: application/json' --data-binary @"$TMP/r.json"
	fi
	RID=$(json 'j["id"]' 2>/dev/null)
}
api_summary() { curl -s "$BASE/api/v1/consultations/$ROUND/summary" -o "$TMP/s.json"; }
# sj EXPR: a Python expression over the last API summary (j)
sj() { python3 -c "import json; j=json.load(open('$TMP/s.json')); print($1)"; }
figure() { sj "json.dumps({x['key']: x['count'] for x in j['figures']['$1']}, sort_keys=True)"; }
terms_of() { sj "' '.join(t['term'] for t in j['terms'][$1 - 1]['terms'])"; }

# ---- The round, on the first day -------------------------------------------------------------
check "the clock moves to 1 March 2031" clock_at 2031-03-01T10:00:00Z
printf '{"slug":"%s","original_language":"en","opens_at":"2031-01-01T00:00:00Z","closes_at":"2040-01-01T00:00:00Z","moderation":"post","texts":{"en":{"title":"Summary round","topic":"T","description":"D"}},"questions":[{"number":1,"text":{"en":"How should spectrum be shared?"}},{"number":2,"text":{"en":"How to connect schools?"}}]}' "$ROUND" >"$TMP/spec.json"
req POST /api/v1/consultations -H "$AUTH" -H 'Content-Type: application/json' --data-binary @"$TMP/spec.json"
check "create the round: 201" status_is 201
# opened by the scheduler (it opens on 1 January), or now by the secretariat: either way, open
req POST /api/v1/consultations/$ROUND/open -H "$AUTH"
check "open it: 200, or 409 when the scheduler was first" sh -c "[ $STATUS = 200 ] || [ $STATUS = 409 ]"
check "... it is open" sh -c "curl -s '$BASE/api/v1/consultations/$ROUND' | grep -q '\"state\": *\"open\"'"
api_summary
check "no responses yet: total 0" same "$(sj "j['figures']['total']")" 0
check "... no campaigns" same "$(sj "len(j['campaigns'])")" 0
check "... no terms for question 1" same "$(terms_of 1)" ""

# Question 1: every answer speaks of spectrum (in whichever language); question 2 never does.
submit FR government en "Share the spectrum." "The spectrum should be shared and the spectrum licences should be open." "Schools need broadband and teachers."
check "R-1 (FR, government, en): 201" status_is 201; R1=$RID
submit KE civil_society fr "Partager." "Le spectrum doit être partagé entre les opérateurs." "Les écoles ont besoin de connexions."
check "R-2 (KE, civil society, fr): 201" status_is 201; R2=$RID
submit BR academia es "Compartir." "El spectrum es un bien público para los ciudadanos." "Las escuelas rurales necesitan conexión."
check "R-3 (BR, academia, es): 201" status_is 201; R3=$RID
check "the clock moves to 2 March" clock_at 2031-03-02T10:00:00Z
submit FR government en "Spectrum again." "The spectrum auctions were too expensive for the rural operators." "Connect the schools with fibre and broadband."
check "R-4 (FR, government, en): 201" status_is 201; R4=$RID
submit JP private_sector zh "频谱" "spectrum 频谱 应该 共享 spectrum" "学校 需要 宽带"
check "R-5 (JP, private sector, zh): 201" status_is 201; R5=$RID
submit RU government ru "Спектр." "Этот spectrum должен быть доступен." "Школам нужен интернет."
check "R-6 (RU, government, ru): 201" status_is 201; R6=$RID
check "the clock moves to 4 March" clock_at 2031-03-04T10:00:00Z
submit DE technical_community en "Withheld later." "The spectrum is fine as it is, unique-withheld-word." "Nothing to add about schools."
check "R-7 (DE, technical community, en), to be withheld: 201" status_is 201; R7=$RID
req POST /api/v1/responses/$R7/moderation -H "$AUTH" -H 'Content-Type: application/json' --data-binary '{"action":"withhold","reason":"Off topic."}'
check "the secretariat withholds R-7: 200" status_is 200
# R-8: entered by the secretariat from a letter received on 3 March (its day is that day).
J=$TMP/jar.sec
login "$J" "$SEC" "$PW"
check "the secretariat logs in" status_is 303
SC=$(page_csrf "$J" /admin/consultations/$ROUND/responses/new)
req POST /admin/consultations/$ROUND/responses/new -b "$J" --form-string "csrf=$SC" --form-string channel=post \
	--form-string received_on=2031-03-03 --form-string "name=Paul Letter" --form-string "organization=Post Society" \
	--form-string job_title=Clerk --form-string country=BE --form-string stakeholder_type=civil_society \
	--form-string email=paul@example.net --form-string publish_as=organization --form-string language=en \
	--form-string "summary=By post." --form-string "answer_1=The spectrum must serve the public." \
	--form-string "answer_2=Schools first."
check "R-8 (BE, civil society, en), entered on behalf, received 3 March: 201" status_is 201
R8=$(db "SELECT public_id FROM responses WHERE channel = 'post'")
submit IN individual en "See the scan." "Spectrum for community networks." "Schools in villages." -F "attachments=@$XFIX/scan.pdf"
check "R-9 (IN, individual, en) with a scanned PDF: 201" status_is 201; R9=$RID
check "the numbers R-1 to R-9 follow the order of arrival" same \
	"$(db "SELECT group_concat(r.public_id, ' ') FROM (SELECT r.public_id FROM responses r JOIN response_numbers n ON n.response_id = r.id JOIN consultations c ON c.id = r.consultation_id WHERE c.slug = '$ROUND' ORDER BY n.number) r")" \
	"$R1 $R2 $R3 $R4 $R5 $R6 $R7 $R8 $R9"

# ---- Figures, counted by hand -----------------------------------------------------------------
# Public: R-1..R-6, R-8, R-9 (R-7 withheld) = 8.
api_summary
check "total: 8 public responses (the withheld one not counted)" same "$(sj "j['figures']['total']")" 8
check "by stakeholder type" same "$(figure stakeholder_type)" \
	'{"academia": 1, "civil_society": 2, "government": 3, "individual": 1, "private_sector": 1}'
check "by country" same "$(figure country)" '{"BE": 1, "BR": 1, "FR": 2, "IN": 1, "JP": 1, "KE": 1, "RU": 1}'
check "by ITU region (FR FR BE: B; JP IN: E; BR: A; RU: C; KE: D)" same "$(figure itu_region)" \
	'{"A": 1, "B": 3, "C": 1, "D": 1, "E": 2}'
check "by language" same "$(figure language)" '{"en": 4, "es": 1, "fr": 1, "ru": 1, "zh": 1}'
check "by day (R-8 on the day it was received, R-7 not counted)" same "$(figure day)" \
	'{"2031-03-01": 3, "2031-03-02": 3, "2031-03-03": 1, "2031-03-04": 1}'
check "days in date order" same "$(sj "' '.join(x['key'] for x in j['figures']['day'])")" \
	"2031-03-01 2031-03-02 2031-03-03 2031-03-04"
check "largest first: B leads the regions" same "$(sj "j['figures']['itu_region'][0]['key']")" B

# ---- Terms ------------------------------------------------------------------------------------
check "question 1: 'spectrum' is its first term" same "$(sj "j['terms'][0]['terms'][0]['term']")" spectrum
check "... counted in the public answers only: 10 occurrences (2 in R-1 and R-5, 1 in six others)" same "$(sj "j['terms'][0]['terms'][0]['count']")" 10
check "question 2: 'spectrum' is not among its terms" sh -c "! echo ' $(terms_of 2) ' | grep -q ' spectrum '"
check "question 2: 'schools' is" sh -c "echo ' $(terms_of 2) ' | grep -q ' schools '"
for w in the and should be les los для must; do
	check "the stop word '$w' is no term" sh -c "! echo ' $(terms_of 1) $(terms_of 2) ' | grep -q ' $w '"
done
check "the withheld response's words are not counted" sh -c "! grep -q unique-withheld-word '$TMP/s.json'"
check "at most 10 terms per question" same "$(sj "max(len(t['terms']) for t in j['terms'])<=10")" True

# ---- The page: charts and tables --------------------------------------------------------------
req GET /consultations/$ROUND/summary
check "the summary page: 200" status_is 200
check "five charts" same "$(grep -c '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"' "$TMP/b")" 5
check "each chart is named by its title" body_has '<title id="by-region-title">Responses by ITU region</title>'
check "no style attribute anywhere (the CSP allows none)" body_lacks 'style='
check "the region table: Western Europe 3" body_has '<tr><th scope="row">Western Europe</th><td>3</td></tr>'
check "the day table: 3 March 1" body_has '<tr><th scope="row">2031-03-03</th><td>1</td></tr>'
check "the type table: Government 3" body_has '<tr><th scope="row">Government</th><td>3</td></tr>'
check "the tables have captions and column headers" body_has '<caption>Responses by country</caption>'
check "a bar of the chart with its value" sh -c "sed -n '/<g class=\"chart-value\"/,/<\\/g>/p' '$TMP/b' | grep -q '<text [^>]*>3</text>'"
check "the terms are listed" body_has '<span class="term">spectrum</span>'
check "the public sees no list of unreadable attachments" body_lacks 'id="unreadable"'
check "... and no form" body_lacks 'name="body"'
req GET /consultations/$ROUND
check "the consultation page links to the summary" body_has "href=\"/consultations/$ROUND/summary\""
req GET "/consultations/$ROUND/summary?lang=ar"
check "in Arabic too: the numbers stay ASCII digits in the chart" sh -c "sed -n '/<g class=\"chart-value\"/,/<\\/g>/p' '$TMP/b' | grep -q '<text [^>]*>3</text>'"

# ---- Unreadable attachments: the secretariat -------------------------------------------------
scan_read() {
	for _ in $(seq 1 200); do
		[ "$(db "SELECT f.status FROM file_texts f JOIN response_attachments a ON a.sha256 = f.sha256")" = no_text ] && return 0
		sleep 0.05
	done
	return 1
}
check "the scan is read by the extraction job (no text layer)" scan_read
req GET /consultations/$ROUND/summary -b "$J"
check "the secretariat sees the list" body_has 'id="unreadable"'
check "... naming the scan and R-9" sh -c "tr -d '\\n' <'$TMP/b' | grep -q 'R-9</a></td><td>scan.pdf</td><td>A PDF without a text layer'"
check "... and the form" body_has '<textarea id="f-body" name="body"'

# ---- The written summary ----------------------------------------------------------------------
SC=$(page_csrf "$J" /consultations/$ROUND/summary)
audits() { db "SELECT COUNT(*) FROM audit_log WHERE action = 'summary_save'"; }
req POST /consultations/$ROUND/summary -b "$J" --data-urlencode "csrf=$SC" --data-urlencode language=fr \
	--data-urlencode "body=Comme le dit [R-2] et [R-999]." --data-urlencode status=published
check "[R-999] refused: 422" status_is 422
check "... the error beside the field" sh -c "tr -d '\\n' <'$TMP/b' | grep -q '<p class=\"error\" role=\"alert\" id=\"err-body\">\[R-999\] is not a public response of this consultation'"
check "... the field points to it" body_has 'id="f-body" name="body" aria-invalid="true" aria-describedby="err-body"'
check "... the text kept in the form" body_has 'Comme le dit [R-2] et [R-999].</textarea>'
check "... nothing stored" same "$(db "SELECT COUNT(*) FROM summaries")/$(db "SELECT COUNT(*) FROM summary_citations")/$(audits)" 0/0/0
req POST /consultations/$ROUND/summary -b "$J" --data-urlencode "csrf=$SC" --data-urlencode language=en \
	--data-urlencode "body=## Findings
Most respondents want the spectrum shared, as [R-2] says." --data-urlencode status=published
check "the secretariat publishes an English summary citing [R-2]: 303" status_is 303
check "... audited" same "$(audits)" 1
check "... its citation stored" same "$(db "SELECT r.public_id || ' ' || sc.language FROM summary_citations sc JOIN responses r ON r.id = sc.response_id")" "$R2 en"
req GET /consultations/$ROUND/summary
check "the public page shows it" body_has '<h2>Findings</h2>'
check "... [R-2] is a link to R-2's page" body_has "<a href=\"/responses/$R2\">R-2</a>"
req GET /responses/$R2
check "R-2's page gives its number" body_has '<strong>R-2</strong>'
check "... and where it is cited" sh -c "tr -d '\\n' <'$TMP/b' | grep -q 'Cited in</h2><ul><li><a href=\"/consultations/$ROUND/summary#summary-en\">'"
req GET /responses/$R3
check "R-3's page: not cited" body_lacks 'Cited in'
req GET /api/v1/responses/$R2
check "the API: number 2" same "$(json 'j["number"]')" 2
check "... cited in the English summary" same "$(json '[(c["consultation"], c["language"]) for c in j["cited_in"]]')" "[('$ROUND', 'en')]"
api_summary
check "the API has the published summary" same "$(sj "[s['language'] for s in j['summaries']]")" "['en']"

# A draft by the chair is not public.
C=$TMP/jar.chair
login "$C" chair@example.org "$PW_CHAIR"
check "the chair logs in" status_is 303
CC=$(page_csrf "$C" /consultations/$ROUND/summary)
check "the chair sees the form" grep -qF '<textarea id="f-body" name="body"' "$TMP/page.html"
req POST /consultations/$ROUND/summary -b "$C" --data-urlencode "csrf=$CC" --data-urlencode language=fr \
	--data-urlencode "body=Brouillon secret-draft-91 citant [R-3]." --data-urlencode status=draft
check "the chair saves a French draft: 303" status_is 303
check "... stored as a draft, without citations" same "$(db "SELECT status FROM summaries WHERE language = 'fr'")/$(db "SELECT COUNT(*) FROM summary_citations WHERE language = 'fr'")" draft/0
req GET /consultations/$ROUND/summary
check "the public page does not show the draft" body_lacks 'secret-draft-91'
api_summary
check "... nor the API" sh -c "! grep -q secret-draft-91 '$TMP/s.json'"
req GET /consultations/$ROUND/summary -b "$J"
check "the secretariat sees the draft, marked" sh -c "grep -q 'secret-draft-91' '$TMP/b' && grep -q 'state-draft' '$TMP/b'"
req GET /responses/$R3
check "a draft's citation is not shown on the response page" body_lacks 'Cited in'
check "the chair's form offers no 'Published'" sh -c "! grep -q 'name=\"status\" value=\"published\"' '$TMP/page.html'"
req POST /consultations/$ROUND/summary -b "$C" --data-urlencode "csrf=$CC" --data-urlencode language=fr \
	--data-urlencode "body=Publier." --data-urlencode status=published
check "the chair may not publish: 422" status_is 422
check "... the error beside the status" body_has '<p class="error" role="alert" id="err-status">Only the secretariat publishes'
check "... the French text still the draft" same "$(db "SELECT status || ' ' || body FROM summaries WHERE language = 'fr'")" "draft Brouillon secret-draft-91 citant [R-3]."
req POST /consultations/$ROUND/summary -b "$C" --data-urlencode "csrf=$CC" --data-urlencode language=en \
	--data-urlencode "body=A chair's draft over the published text." --data-urlencode status=draft
check "the chair may not save a draft over the published English text: 409" status_is 409
check "... the English summary still published, unchanged" same "$(db "SELECT status FROM summaries WHERE language = 'en'")/$(db "SELECT COUNT(*) FROM summaries WHERE body LIKE '%chair''s draft%'")" published/0
check "... two saves audited in all (the secretariat's and the chair's draft)" same "$(audits)" 2
D=$TMP/jar.del
login "$D" delegate@example.org "$PW_DEL"
DC=$(page_csrf "$D" /account)
req POST /consultations/$ROUND/summary -b "$D" --data-urlencode "csrf=$DC" --data-urlencode language=es \
	--data-urlencode "body=No." --data-urlencode status=published
check "a delegate may not save a summary: 403" status_is 403
req POST /consultations/$ROUND/summary -b "$J" --data-urlencode language=es --data-urlencode "body=No." --data-urlencode status=published
check "without the CSRF token: 403" status_is 403
check "... nothing stored for either" same "$(db "SELECT COUNT(*) FROM summaries WHERE language = 'es'")" 0
req POST /consultations/$ROUND/summary -b "$J" --data-urlencode "csrf=$SC" --data-urlencode language=en \
	--data-urlencode "body=   " --data-urlencode status=maybe
check "an empty body and a bad status: 422" status_is 422
check "... both errors beside their fields" sh -c "grep -q 'id=\"err-body\"' '$TMP/b' && grep -q 'id=\"err-status\"' '$TMP/b'"
check "... the published English summary unchanged" same "$(db "SELECT status FROM summaries WHERE language = 'en'")" published

# ---- Campaigns (the 0020 tables, filled here by hand) ----------------------------------------
rowid() { db "SELECT id FROM responses WHERE public_id = '$1'"; }
CID=$(db "SELECT id FROM consultations WHERE slug = '$ROUND'")
# Campaign 1: R-1 (representative), R-4, R-3, all published. Campaign 2: R-7 (withheld, its
# representative) and R-6. Campaign 3: no published member (its representative withheld, no
# other member): not shown.
db "INSERT INTO campaigns (id, consultation_id, representative, updated_at) VALUES (1, $CID, $(rowid "$R1"), 0), (2, $CID, $(rowid "$R7"), 0), (3, $CID, $(rowid "$R7"), 0);
INSERT INTO campaign_members (response_id, campaign_id, similarity) VALUES
 ($(rowid "$R1"), 1, 1.0), ($(rowid "$R4"), 1, 0.9), ($(rowid "$R3"), 1, 0.85),
 ($(rowid "$R7"), 2, 1.0), ($(rowid "$R6"), 2, 0.9);"
api_summary
check "two campaigns with public members (not the third, which has none)" same "$(sj "len(j['campaigns'])")" 2
check "the first: 3 published members" same "$(sj "j['campaigns'][0]['size']")" 3
check "... from 2 countries (FR, FR, BR)" same "$(sj "j['campaigns'][0]['countries']")" 2
check "... its members, R-1 R-3 R-4" same "$(sj "' '.join(sorted(j['campaigns'][0]['members']))")" "$(printf '%s\n' "$R1" "$R3" "$R4" | sort | tr '\n' ' ' | sed 's/ $//')"
check "... its representative R-1 with its text" same "$(sj "(j['campaigns'][0]['representative']['id'], j['campaigns'][0]['representative']['number'], j['campaigns'][0]['representative']['text'])")" "('$R1', 1, 'Share the spectrum.')"
check "the second: size 1, R-7 withheld not counted; its representative gives way to R-6" same \
	"$(sj "(j['campaigns'][1]['size'], j['campaigns'][1]['representative']['id'], j['campaigns'][1]['members'])")" "(1, '$R6', ['$R6'])"
check "no withheld id anywhere in the campaigns" sh -c "! sj \"j['campaigns']\" | grep -q '$R7'"
req GET /consultations/$ROUND/summary
check "the page: '3 near-identical responses from 2 countries'" body_has '3 near-identical responses from 2 countries'

# ---- Bad addresses ----------------------------------------------------------------------------
req GET /consultations/no-such-round/summary
check "an unknown round: 404" status_is 404
req GET /api/v1/consultations/no-such-round/summary
check "... the API: 404 problem" sh -c "[ $STATUS = 404 ] && grep -qi 'application/problem+json' '$TMP/h'"
req GET "/consultations/$ROUND/summary?edit=xx" -b "$J"
check "?edit= not a language: 400" status_is 400
finish
