#!/bin/bash
# t410_report: the Chair's report on the demo data (docs/REPORTS.md). Section II for February
# 2019 to January 2022 gives the 12th to 17th meetings in order, with the dates of
# ../shared/domain/README.md and each meeting's lettered outcomes as demo/meetings.json has them;
# a period without a meeting says so; a published summary replaces a round's figures line; the
# PDF in Chinese and Arabic embeds Noto Sans CJK SC and an Arabic Noto face and renders (a page
# of each kept in docs/ for a person to look at); the DOCX opens in LibreOffice with the meeting
# headings; bad arguments exit 2 with the reason; /reports and its download for the secretariat
# and the chair only; the texts form saves with an audit row and refuses a two-line symbol.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
init_data
PW=$(sed -n 's/^Password: //p' "$TMP/init.out")
SEC=secretariat@agora.example
report() { "$AGORA" report --data "$DATA" "$@"; }

# ---- section II on the demo data ----------------------------------------------------------
report --from 2019-02 --to 2022-01 --lang en --format html >"$TMP/r.html" 2>"$TMP/r.err"
check "agora report html exits 0" [ $? -eq 0 ]
cat >"$TMP/order.py" <<'PY'
import html, json, re, sys
doc = open(sys.argv[1], encoding="utf-8").read()
meetings = json.load(open(sys.argv[2]))["meetings"]
# the dates of ../shared/domain/README.md ("12th, 1 Feb 2019"...), in ICU's British form
dates = {12: "1 February 2019", 13: "19\u201320 September 2019", 14: "5\u20136 February 2020",
         15: "27\u201328 January 2021", 16: "23 September 2021", 17: "19\u201320 January 2022"}
# demo/meetings.json agrees with the README's dates and outcome counts
counts = {12: 3, 13: 2, 14: 2, 15: 5, 16: 3, 17: 3}
for m in meetings:
    n = m["number"]
    assert n in dates, n
    assert len(m["outcomes"]) == counts[n], (n, len(m["outcomes"]))
    start = m["starts_on"]
    assert dates[n].endswith(start[:4]), (n, start)
pos, want = 0, []
for m in sorted(meetings, key=lambda m: m["number"]):
    n = m["number"]
    ordinal = {12: "12th", 13: "13th", 14: "14th", 15: "15th", 16: "16th", 17: "17th"}[n]
    want.append("The main outcomes of the %s meeting, held on %s, were:" % (ordinal, dates[n]))
    for o in m["outcomes"]:
        want.append('<span class="label">%s)</span> <span>%s</span>' % (o["letter"], html.escape(o["texts"]["en"], quote=True).replace("&#x27;", "&#39;")))
for w in want:
    at = doc.find(w, pos)
    if at < 0:
        print("# missing or out of order: " + w[:120]); sys.exit(1)
    pos = at + len(w)
# nothing else is a meeting section
assert doc.count("The main outcomes of the") == 6, doc.count("The main outcomes of the")
PY
check "section II: meetings 12-17 in order, dates of domain/README.md, every lettered outcome of demo/meetings.json" \
	python3 "$TMP/order.py" "$TMP/r.html" "$ROOT/demo/meetings.json"
check "the report's texts: symbol, mandate, recommendations" \
	grep -q 'C22/xx' "$TMP/r.html"
grep -q '<h2>I Introduction</h2>' "$TMP/r.html" && grep -q '<h2>III Recommendations</h2>' "$TMP/r.html" &&
	grep -q 'identifies, studies and advances' "$TMP/r.html"
check "I Introduction (the mandate) and III Recommendations" [ $? -eq 0 ]
check "the rounds of the period without a summary: their figures" \
	grep -q $'Online consultation, 11 October\u2009\u2013\u200913 December 2021: 0 public responses.' "$TMP/r.html"
check "OTT (2017) and the demo round are not in the period" bash -c "! grep -q 'Over-the-top\|OTT)</h4>' '$TMP/r.html'"
# a published summary replaces the figures line
sql "INSERT INTO summaries (consultation_id, language, body, status, updated_at) SELECT id, 'en', 'Respondents **stressed** affordability <script>x</script>.', 'published', 0 FROM consultations WHERE slug LIKE 'expanding%'"
report --from 2020-02 --to 2020-02 --lang en --format html >"$TMP/r2.html"
grep -q 'Respondents <strong>stressed</strong> affordability' "$TMP/r2.html" && ! grep -q '<script>x' "$TMP/r2.html" &&
	! grep -q 'Online consultation, 17 February' "$TMP/r2.html"
check "a published summary replaces the round's figures (Markdown, raw HTML dropped)" [ $? -eq 0 ]
report --from 2018-03 --to 2018-06 --lang en --format html >"$TMP/r3.html"
check "a period without a meeting says so" grep -q 'No meeting of the working group was held in this period.' "$TMP/r3.html"
check "... and without a round too" grep -q 'No open consultation was opened in this period.' "$TMP/r3.html"
report --from 2019-02 --to 2022-01 --lang ar --format html >"$TMP/ar.html"
check "Arabic HTML: lang and dir" grep -q '<html lang="ar" dir="rtl">' "$TMP/ar.html"
check "Arabic HTML: the English fallback outcomes marked lang=en dir=ltr" grep -q '<span lang="en" dir="ltr">Member States' "$TMP/ar.html"

# ---- PDF: fonts, shaping (looked at by a person) ----------------------------------------------
for l in zh ar en; do
	report --from 2019-02 --to 2022-01 --lang $l --format pdf -o "$TMP/r-$l.pdf" 2>"$TMP/pdf-$l.err"
	check "PDF in $l written" [ -s "$TMP/r-$l.pdf" ]
done
pdffonts "$TMP/r-zh.pdf" >"$TMP/fonts-zh"
check "zh PDF embeds Noto Sans CJK SC" grep -q 'NotoSansCJKsc' "$TMP/fonts-zh"
pdffonts "$TMP/r-ar.pdf" >"$TMP/fonts-ar"
check "ar PDF embeds an Arabic Noto face" grep -q 'NotoNaskhArabic\|NotoSansArabic\|NotoKufiArabic' "$TMP/fonts-ar"
check "ar PDF: no DejaVu (plain sans-serif would send Arabic there)" bash -c "! grep -q DejaVu '$TMP/fonts-ar'"
pdftotext "$TMP/r-en.pdf" "$TMP/r-en.txt"
check "PDF text: the 17th meeting's sentence" grep -q 'The main outcomes of the 17th meeting' "$TMP/r-en.txt"
check "PDF: page numbers and the symbol in the header" bash -c "grep -q 'Page 1 of' '$TMP/r-en.txt' && [ \$(grep -c 'C22/xx' '$TMP/r-en.txt') -ge 2 ]"
pdftotext "$TMP/r-zh.pdf" - | grep -q '理事会国际互联网相关公共政策问题工作组主席的报告'
check "zh PDF text: the Chinese title" [ $? -eq 0 ]
for l in ar zh; do
	pdftoppm -png -r 60 -f 1 -l 1 "$TMP/r-$l.pdf" "$TMP/page-$l"
	check "a page of the $l PDF renders to PNG" [ -s "$TMP/page-$l-1.png" ]
	[ -n "${KEEP_REPORT_PNG:-}" ] && cp "$TMP/page-$l-1.png" "$ROOT/docs/report-$l.png"
done

# ---- DOCX in LibreOffice ----------------------------------------------------------------
report --from 2019-02 --to 2022-01 --lang en --format docx -o "$TMP/r.docx" 2>/dev/null
check "DOCX is a ZIP with the document, styles and headings" bash -c \
	"unzip -p '$TMP/r.docx' word/styles.xml | grep -q 'w:styleId=\"Heading1\"' && unzip -p '$TMP/r.docx' word/document.xml | grep -q 'Heading2'"
mkdir -p "$TMP/lo-home" "$TMP/lo-out"
HOME="$TMP/lo-home" timeout 120 soffice --headless "-env:UserInstallation=file://$TMP/lo-home/profile" \
	--convert-to pdf --outdir "$TMP/lo-out" "$TMP/r.docx" >"$TMP/lo.log" 2>&1
check "LibreOffice converts the DOCX" [ -s "$TMP/lo-out/r.pdf" ]
pdftotext "$TMP/lo-out/r.pdf" "$TMP/lo.txt" 2>/dev/null
ok_headings=1
for mt in 12th 13th 14th 15th 16th 17th; do grep -q "$mt meeting of the CWG-Internet" "$TMP/lo.txt" || ok_headings=0; done
check "the converted DOCX has the six meeting headings" [ $ok_headings -eq 1 ]
report --from 2019-02 --to 2022-01 --lang ar --format docx -o "$TMP/ar.docx" 2>/dev/null
check "Arabic DOCX: w:bidi and w:rtl" bash -c "unzip -p '$TMP/ar.docx' word/document.xml | grep -q '<w:bidi/>' && unzip -p '$TMP/ar.docx' word/document.xml | grep -q '<w:rtl/>'"

# ---- bad arguments ----------------------------------------------------------------------
bad() {	# bad DESC MESSAGE ARGS...
	local d=$1 m=$2; shift 2
	report "$@" >/dev/null 2>"$TMP/bad.err"; local rc=$?
	if [ $rc -eq 2 ] && grep -q -- "$m" "$TMP/bad.err"; then ok "$d"; else not_ok "$d" "rc $rc: $(cat "$TMP/bad.err")"; fi
}
bad "a bad month: exit 2" "is not a month" --from 2019-13 --to 2022-01 --lang en --format html
bad "a month not YYYY-MM: exit 2" "is not a month" --from 2019-2 --to 2022-01 --lang en --format html
bad "from after to: exit 2" "comes after" --from 2022-02 --to 2022-01 --lang en --format html
bad "an unknown language: exit 2" "unknown language 'de'" --from 2019-02 --to 2022-01 --lang de --format html
bad "an unknown format: exit 2" "unknown format 'odt'" --from 2019-02 --to 2022-01 --lang en --format odt
bad "a missing option: exit 2" "say --from" --from 2019-02 --lang en --format html

# ---- the pages ----------------------------------------------------------------------------
"$AGORA" user create --data "$DATA" --email chair2@example.org --name "Chair Two" --role chair >"$TMP/u1" 2>&1
"$AGORA" user create --data "$DATA" --email del2@example.org --name "Del Two" --role delegate --state CH >"$TMP/u2" 2>&1
CPW=$(sed -n 's/^Password: //p' "$TMP/u1")
DPW=$(sed -n 's/^Password: //p' "$TMP/u2")
start_server --page-cache-ms 0
csrf_in() { grep -o 'name="csrf" value="[^"]*"' "$1" | head -1 | cut -d'"' -f4; }
login() {
	curl -s -b "$1" -c "$1" -o "$TMP/login.html" "$BASE/login"
	req POST /login -b "$1" -c "$1" --data-urlencode "email=$2" --data-urlencode "password=$3" \
		--data-urlencode "csrf=$(csrf_in "$TMP/login.html")"
}
login "$TMP/sec" "$SEC" "$PW"
login "$TMP/chair" chair2@example.org "$CPW"
login "$TMP/del" del2@example.org "$DPW"
req GET /reports
check "/reports: anonymous is sent to log in or refused" bash -c "[ '$STATUS' = 302 ] || [ '$STATUS' = 403 ]"
req GET /reports -b "$TMP/del"
check "/reports: a delegate is refused (403)" status_is 403
req GET "/reports/download?from=2019-02&to=2022-01&language=en&format=html" -b "$TMP/del"
check "download: a delegate is refused (403)" status_is 403
req GET "/reports/download?from=2019-02&to=2022-01&language=en&format=html"
check "download: anonymous is refused" bash -c "[ '$STATUS' = 302 ] || [ '$STATUS' = 403 ]"
req GET /reports -b "$TMP/chair"
check "/reports: the chair (200)" status_is 200
req GET /reports -b "$TMP/sec"
check "/reports: the secretariat (200), the two forms" bash -c "[ '$STATUS' = 200 ] && grep -q 'action=\"/reports/download\"' '$TMP/b' && grep -q 'action=\"/reports/texts\"' '$TMP/b'"
check "/reports is not cached" bash -c "grep -qi '^cache-control: no-store' '$TMP/h'"
req GET "/reports/download?from=2019-02&to=2022-01&language=zh&format=pdf" -b "$TMP/chair"
cp "$TMP/b" "$TMP/dl.pdf"
check "download: the chair gets the zh PDF as an attachment" bash -c \
	"[ '$STATUS' = 200 ] && grep -qi '^content-type: application/pdf' '$TMP/h' && grep -qi '^content-disposition: attachment; filename=\"chair-report-2019-02-2022-01-zh.pdf\"' '$TMP/h'"
check "the downloaded PDF embeds Noto Sans CJK SC" bash -c "pdffonts '$TMP/dl.pdf' | grep -q NotoSansCJKsc"
req GET "/reports/download?from=2019-02&to=2022-01&language=en&format=docx" -b "$TMP/sec"
check "download: the secretariat gets the DOCX" bash -c "[ '$STATUS' = 200 ] && unzip -l '$TMP/b' | grep -q word/document.xml"
req GET "/reports/download?from=2019-02&to=2022-01&language=en&format=html" -b "$TMP/sec"
check "download: HTML with section II" bash -c "[ '$STATUS' = 200 ] && grep -q 'The main outcomes of the 15th meeting' '$TMP/b'"
req GET "/reports/download?from=2019-14&to=2022-01&language=en&format=html" -b "$TMP/sec"
check "download: a bad month is 422 with the error by the field" bash -c \
	"[ '$STATUS' = 422 ] && grep -q 'id=\"err-from\" role=\"alert\"' '$TMP/b' && grep -q 'aria-describedby=\"err-from\"' '$TMP/b'"
req GET "/reports/download?from=2022-02&to=2022-01&language=en&format=html" -b "$TMP/sec"
check "download: from after to is 422 (to)" bash -c "[ '$STATUS' = 422 ] && grep -q 'id=\"err-to\"' '$TMP/b'"
req GET "/reports/download?from=2019-02&to=2022-01&language=en&format=odt" -b "$TMP/sec"
check "download: an unknown format is 422 (format)" bash -c "[ '$STATUS' = 422 ] && grep -q 'id=\"err-format\"' '$TMP/b'"
# the texts form
curl -s -b "$TMP/sec" -c "$TMP/sec" -o "$TMP/p.html" "$BASE/reports?texts=fr"
TOK=$(csrf_in "$TMP/p.html")
check "the texts form in French shows the stored French title" grep -q 'Rapport du Président' "$TMP/p.html"
req POST /reports/texts -b "$TMP/sec" --data-urlencode "csrf=$TOK" --data-urlencode language=fr \
	--data-urlencode $'symbol=C22/1\nX' --data-urlencode "title=T"
check "a two-line symbol is refused (422, by the field)" bash -c "[ '$STATUS' = 422 ] && grep -q 'id=\"err-symbol\"' '$TMP/b'"
req POST /reports/texts -b "$TMP/sec" --data-urlencode "csrf=$TOK" --data-urlencode language=fr \
	--data-urlencode "symbol=C22/99" --data-urlencode "title=Rapport <b>édité</b>" \
	--data-urlencode "mandate=Le *mandat* du groupe."
check "saving the French texts: 303 back to the form" bash -c "[ '$STATUS' = 303 ] && grep -qi '^location: /reports?texts=fr&saved=1' '$TMP/h'"
check "one audit row: who, from where, the language and the fields changed" [ "$(sql "SELECT COUNT(*) || ' ' || group_concat(detail) FROM audit_log WHERE action = 'report_texts' AND object = 'report/fr' AND address = '127.0.0.1' AND account_id = (SELECT id FROM accounts WHERE email = '$SEC')")" = "1 symbol title summary action mandate" ]
req GET "/reports/download?from=2019-02&to=2022-01&language=fr&format=html" -b "$TMP/sec"
check "the French report has the new texts, escaped" bash -c \
	"grep -q 'C22/99' '$TMP/b' && grep -q 'Rapport &lt;b&gt;édité&lt;/b&gt;' '$TMP/b' && grep -q 'Le <em>mandat</em> du groupe.' '$TMP/b'"
check "a French text left empty falls back to English (recommendations)" grep -q 'The Chair thanks the vice-chairs' "$TMP/b"
req POST /reports/texts -b "$TMP/del" --data-urlencode "csrf=$TOK" --data-urlencode language=fr --data-urlencode "symbol=X"
check "a delegate cannot save texts" bash -c "[ '$STATUS' = 403 ]"
req POST /reports/texts -b "$TMP/sec" --data-urlencode language=fr --data-urlencode "symbol=X"
check "without the CSRF token: refused" status_is 403
finish
