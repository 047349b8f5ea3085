#!/bin/bash
# t80_respond_pages: the HTML side of responses: the respond form (every field, countries in the
# reader's language, no JavaScript), the form shown again with each error beside its field and
# the values typed kept (escaped), attachments kept across that retry, refused types storing
# nothing, the receipt (the manage link only once, never on the shareable receipt), the public
# response page (never the email), the manage page (token, revise, withdraw, closed), and the
# consultation page's list of responses in pages of 50.
. "$(dirname "$0")/lib.sh"
FIX=$(cd "$(dirname "$0")" && pwd)/fixtures
NOTES=$FIX/page-notes.txt	# a UTF-8 text attachment
JOSE=$FIX/page-jose.json	# an API response from "José García"
EMAIL=jane.private-9b2e@example.net
ROUND=multilingual-internet	# the open demo round: 4 questions, post-moderation
FORM=/consultations/$ROUND/respond
init_data
"$AGORA" consultation create --data "$DATA" --draft "$FIX/draft.json" >/dev/null 2>&1	# slug a-draft
# 700 generated responses over the 6 demo rounds: about 115 on the open round, 3 pages of 50.
# (120, as the brief first had it, gives only about 20 a round: never a second page.)
"$AGORA" demo --data "$DATA" --responses 700 >/dev/null 2>&1
CLOCK=$TMP/clock
echo "+0" >"$CLOCK"
# --submit-rate 0: this test sends far more than 30 forms a minute from 127.0.0.1 (t90 tests the limit).
start_server --test-clock-file "$CLOCK" --scheduler-tick-ms 50 --page-cache-ms 0 --submit-rate 0

same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
matches() { [[ $1 =~ $2 ]] || { echo "# '$1' does not match $2"; return 1; }; }
contains() { case "$1" in *"$2"*) return 0 ;; esac; echo "# '$1' lacks '$2'"; return 1; }
is_html() { case "$(header Content-Type)" in text/html*) return 0 ;; esac; echo "# Content-Type $(header Content-Type)"; return 1; }
# count TEXT: how many times TEXT occurs in the last body
count() { grep -oF -- "$1" "$TMP/b" | wc -l; }
responses_count() { curl -s "$BASE/api/v1/consultations/$ROUND" | python3 -c 'import json,sys; print(json.load(sys.stdin)["counts"]["responses"])'; }
blobs() { find "$DATA"/blobs/??/ -type f 2>/dev/null | wc -l; }
# stored: counts.responses / response rows / blob files: what a refusal must not change
stored() { printf '%s/%s/%s' "$(responses_count)" "$(sql 'SELECT COUNT(*) FROM responses')" "$(blobs)"; }
unchanged() { now=$(stored); [ "$now" = "$before" ] || { echo "# stored (count/rows/blobs) $before -> $now"; return 1; }; }
no_temp() {
	for _ in $(seq 1 40); do [ -z "$(ls -A "$DATA/blobs/tmp" 2>/dev/null)" ] && return 0; sleep 0.05; done
	ls "$DATA/blobs/tmp" | sed 's/^/# left: /'; return 1
}

# html FUNCTION [ARGS]: reads the last body as HTML (see the functions below)
cat >"$TMP/page_html.py" <<'PY'
import html, re, sys
b = open(sys.argv[1], encoding='utf-8').read()
fn, args = sys.argv[2], sys.argv[3:]
def tag(id_):	# the opening tag of the element with this id
    m = re.search(r'<(?:input|select|textarea)\b[^>]*\bid="%s"[^>]*>' % re.escape(id_), b)
    return m.group(0) if m else ''
def field(name):	# the <div class="field"> (or publish_as fieldset) that holds a form field
    for m in re.finditer(r'<div class="field">(.*?)</div>', b, re.S):
        if 'id="f-%s"' % name in m.group(1):
            return m.group(1)
    return ''
def select(name):
    m = re.search(r'<select id="f-%s"[^>]*>(.*?)</select>' % re.escape(name), b, re.S)
    return m.group(1) if m else ''
def options(name):	# value=label for every non-empty option
    return ['%s=%s' % (v, html.unescape(l)) for v, l in re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', select(name))]
if fn == 'names':	# the distinct field names of the form
    print(' '.join(sorted(set(re.findall(r'\bname="([a-z_0-9]+)"', b)) - {'viewport'})))
elif fn == 'options':
    print('\n'.join(options(args[0])))
elif fn == 'option':	# the label of one option
    print(''.join(o.split('=', 1)[1] for o in options(args[0]) if o.split('=', 1)[0] == args[1]))
elif fn == 'selected':
    print(' '.join(re.findall(r'<option value="([^"]*)" selected>', select(args[0]))))
elif fn == 'textareas':
    print(' '.join(re.findall(r'<textarea id="f-([a-z_0-9]+)"', b)))
elif fn == 'textarea':	# the raw (still escaped) content
    m = re.search(r'<textarea id="f-%s"[^>]*>(.*?)</textarea>' % re.escape(args[0]), b, re.S)
    print(m.group(1) if m else '<none>')
elif fn == 'value':	# the raw (still escaped) value attribute
    m = re.search(r'\bvalue="([^"]*)"', tag('f-' + args[0]))
    print(m.group(1) if m else '<none>')
elif fn == 'beside':	# ok when the field's block has p.error#err-NAME and the field points to it
    f, t = field(args[0]), tag('f-' + args[0])
    e = re.search(r'<p class="error" id="err-%s">([^<]+)</p>' % re.escape(args[0]), f)
    print('ok' if e and 'aria-describedby="err-%s"' % args[0] in t and 'aria-invalid="true"' in t
          else 'error here: %s; field tag: %s' % (bool(e), t))
elif fn == 'errors':	# the p.error ids, in order
    print(' '.join(re.findall(r'<p class="error" id="err-([a-z_0-9]+)"', b)))
elif fn == 'summary_matches':	# the role=alert summary lists exactly the messages beside the fields, each a link to its field
    m = re.search(r'<div class="error-summary" role="alert">(.*?)</div>', b, re.S)
    listed = re.findall(r'<li><a href="#f-([a-z_0-9]+)">([^<]*)</a></li>', m.group(1)) if m else None
    beside = dict(re.findall(r'<p class="error" id="err-([a-z_0-9]+)">([^<]*)</p>', b))
    good = listed and len(listed) == len(beside) and all(f in beside and t.endswith(beside[f]) and ('id="f-%s"' % f) in b for f, t in listed)
    print('ok' if good else 'summary %s, beside fields %s' % (listed, beside))
elif fn == 'held':	# the file names listed as kept
    m = re.search(r'<ul class="held">(.*?)</ul>', b, re.S)
    print(' '.join(html.unescape(x) for x in re.findall(r'<li>([^<]*)</li>', m.group(1))) if m else '')
elif fn == 'held_token':
    m = re.search(r'<input type="hidden" name="held" value="([^"]+)">', b)
    print(m.group(1) if m else '')
elif fn == 'receipt_id':	# the public id linked on the receipt
    m = re.search(r'<dl class="receipt">.*?<a href="/responses/([a-z0-9]+)">', b, re.S)
    print(m.group(1) if m else '')
elif fn == 'code':
    m = re.search(r'<dt>SHA-256</dt><dd><code>([^<]*)</code>', b)
    print(m.group(1) if m else '')
elif fn == 'manage_hrefs':
    print(' '.join(re.findall(r'href="([^"]*/manage\?token=[^"]*)"', b)))
elif fn == 'dd':	# the value of a <dt>LABEL</dt><dd>VALUE</dd> row
    m = re.search(r'<dt>%s</dt><dd>(.*?)</dd>' % re.escape(args[0]), b)
    print(html.unescape(m.group(1)) if m else '<none>')
elif fn == 'h1':
    m = re.search(r'<h1>(.*?)</h1>', b, re.S)
    print(html.unescape(m.group(1)) if m else '')
elif fn == 'answer':	# the question text and the answer shown under "Question N"
    m = re.search(r'<h3>Question %s</h3>\n<p class="question">(.*?)</p>\n<div class="answer">(.*?)</div>' % args[0], b, re.S)
    print(html.unescape(m.group(1)) + '|' + html.unescape(m.group(2)) if m else '<none>')
elif fn == 'summary':
    m = re.search(r'<div class="summary">(.*?)</div>', b, re.S)
    print(html.unescape(m.group(1)) if m else '<none>')
elif fn == 'attachments':	# href=name of each download link
    print(' '.join('%s=%s' % (h, html.unescape(n)) for h, n in re.findall(r'<a href="(/responses/[a-z0-9]+/attachments/[0-9]+)" download>([^<]*)</a>', b)))
elif fn == 'list':	# the response list: id=display name, one a line
    m = re.search(r'<ol class="response-list">(.*?)</ol>', b, re.S)
    print('\n'.join('%s=%s' % (i, html.unescape(n)) for i, n in re.findall(r'<li><a href="/responses/([a-z0-9]+)">([^<]*)</a>', m.group(1))) if m else '')
elif fn == 'next':
    m = re.search(r'<a rel="next" href="([^"]*)"', b)
    print(html.unescape(m.group(1)) if m else '')
elif fn == 'heading_count':
    m = re.search(r'<h2>Responses \(([0-9]+)\)</h2>', b)
    print(m.group(1) if m else '')
PY
html() { python3 "$TMP/page_html.py" "$TMP/b" "$@"; }

# The form's fields: F is the next POST; form_reset fills it correctly, tests change it.
declare -A F
form_reset() {
	F=([name]="Jane Doe" [organization]="Example Org" [job_title]="Head of Policy" [country]=FR
	   [stakeholder_type]=civil_society [email]=$EMAIL [publish_as]=name [language]=en
	   [summary]="Universal acceptance comes first." [answer_1]="Registries should offer IDNs at no extra cost."
	   [answer_3]="Local content grows with local hosting." [consent]=1)
}
# A browser: the cookie jar keeps its agora_csrf cookie; every form POST sends the cookie and the
# csrf value of the page's form, as the browser would (a form without it is refused: t100).
JAR=$TMP/jar
csrf_of() { curl -s -b "$JAR" -c "$JAR" "$BASE$1" | grep -o 'name="csrf" value="[^"]*"' | head -1 | cut -d'"' -f4; }
CSRF=$(csrf_of "$FORM")
check "the form has a csrf token" matches "$CSRF" '^[A-Za-z0-9_-]{43}$'
# as_browser: the curl arguments of a form POST from that browser
as_browser=(-b "$JAR" --form-string "csrf=$CSRF")
# post_page PATH [CURL ARGS...]: F as multipart text parts (--form-string: no @ or < magic), then the args
post_page() {
	local a=() k
	for k in "${!F[@]}"; do a+=(--form-string "$k=${F[$k]}"); done
	req POST "$1" "${as_browser[@]}" "${a[@]}" "${@:2}"
}

# ---- The form ---------------------------------------------------------------------------------
req GET "$FORM"
check "form: 200" status_is 200
check "form: HTML" is_html
check "form: every field" same "$(html names)" "answer_1 answer_2 answer_3 answer_4 attachments consent country csrf email job_title language name organization publish_as stakeholder_type summary website"
check "form: posts multipart/form-data to itself" body_has "<form class=\"respond\" method=\"post\" enctype=\"multipart/form-data\" action=\"$FORM\">"
check "form: works without JavaScript (no <script>)" body_lacks "<script"
ncountries=$(html options country | wc -l)
check "form: a country select of 249 countries ($ncountries)" same "$ncountries" 249
check "form: countries are ISO 3166-1 codes, each once" same "$(html options country | cut -d= -f1 | grep -cvE '^[A-Z]{2}$')/$(html options country | cut -d= -f1 | sort | uniq -d | wc -l)" "0/0"
check "form: in English DE is Germany" same "$(html option country DE)" "Germany"
check "form: the 7 stakeholder types" same "$(html options stakeholder_type | tr '\n' '|')" \
	"government=Government|private_sector=Private sector|civil_society=Civil society|academia=Academia|technical_community=Technical community|international_organization=International organization|individual=Individual|"
check "form: one answer textarea per question (4), after the summary" same "$(html textareas)" "summary answer_1 answer_2 answer_3 answer_4"
check "form: publish_as offers name, organization, anonymous" same "$(grep -o 'name="publish_as" value="[a-z]*"' "$TMP/b" | cut -d'"' -f4 | xargs)" "name organization anonymous"
check "form: no error shown on a fresh form" same "$(html errors)/$(count 'role="alert"')" "/0"
req GET "$FORM?lang=fr"
check "form in French: 200" status_is 200
check "form in French: FR is France" same "$(html option country FR)" "France"
check "form in French: DE is Allemagne" same "$(html option country DE)" "Allemagne"
check "form in French: US is États-Unis" same "$(html option country US)" "États-Unis"
check "form in French: still 249 countries" same "$(html options country | wc -l)" 249

req GET /api/v1/consultations/ott
OTT_CLOSED=$(json 'j["closes_at"]')
req GET /consultations/ott/respond
check "form of a closed round (ott): 409" status_is 409
check "closed round: an HTML page" is_html
check "closed round: says it is closed" body_has "This consultation is closed"
check "closed round: says when it closed ($OTT_CLOSED)" body_has "It closed on <time datetime=\"$OTT_CLOSED\">August 29, 2017"
check "closed round: no form" body_lacks "<form class=\"respond\""
req POST /consultations/ott/respond "${as_browser[@]}" -F "name=Jane Doe"
check "POST to a closed round: 409" status_is 409
req GET /consultations/a-draft/respond
check "form of a draft: 404" status_is 404
check "form of a draft: does not show the draft" body_lacks "Un brouillon"
req GET /consultations/no-such-round/respond
check "form of an unknown slug: 404" status_is 404

# ---- Errors: the form again, each error beside its field, the values kept ---------------------
before=$(stored)
form_reset
F[email]="not-an-email"
F[country]=XX
F[organization]='<b>"x"&'
F[answer_2]='Answer two, kept: 1 < 2 & "quoted"'
unset 'F[summary]'
post_page "$FORM" -F "attachments=@$NOTES"
check "bad email, no summary, country XX: 422" status_is 422
check "422: an HTML page" is_html
check "422: the name typed is kept" same "$(html value name)" "Jane Doe"
check "422: the organization is kept, escaped" same "$(html value organization)" '&lt;b&gt;&quot;x&quot;&amp;'
check "422: no raw <b> from the organization" body_lacks '<b>'
check "422: the bad email is kept" same "$(html value email)" "not-an-email"
check "422: answer 2 is kept, escaped" same "$(html textarea answer_2)" 'Answer two, kept: 1 &lt; 2 &amp; &quot;quoted&quot;'
check "422: answer 1 is kept" same "$(html textarea answer_1)" "Registries should offer IDNs at no extra cost."
check "422: the stakeholder type stays selected" same "$(html selected stakeholder_type)" civil_society
check "422: errors for exactly email, summary and country" same "$(html errors | tr ' ' '\n' | sort | xargs)" "country email summary"
check "422: the email error beside the email field (err-email, aria-describedby)" same "$(html beside email)" ok
check "422: the summary error beside the summary (err-summary, aria-describedby)" same "$(html beside summary)" ok
check "422: the country error beside the country select (err-country, aria-describedby)" same "$(html beside country)" ok
check "422: an error summary (role=alert) lists the same errors" same "$(html summary_matches)" ok
check "422: the name field is not marked invalid" sh -c "! grep -q 'id=\"f-name\"[^>]*aria-invalid' '$TMP/b'"
check "422: the attachment is listed as kept" same "$(html held)" "page-notes.txt"
HELD=$(html held_token)
check "422: a hidden held token" matches "$HELD" '^[A-Za-z0-9_-]{43}$'
check "422: no response stored" same "$(responses_count)/$(sql 'SELECT COUNT(*) FROM responses')" "${before%/*}"

form_reset
F[email]="still-not-an-email"
F[summary]='<script>alert(1)</script> & "views"'
F[held]=$HELD
post_page "$FORM"
check "only a bad email (with the held token): 422" status_is 422
check "422: the summary typed is kept, escaped" same "$(html textarea summary)" '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;views&quot;'
check "422: no raw <script> from the summary" body_lacks '<script'
check "422: only the email error" same "$(html errors)" email
check "422 again: the held file is still listed, with the same token" same "$(html held) $(html held_token)" "page-notes.txt $HELD"

# ---- The retry with the held attachment, and the receipt --------------------------------------
form_reset
F[held]=$HELD
post_page "$FORM"
check "retry fixed, with the held token and no file: 201" status_is 201
check "201: an HTML page" is_html
ID=$(html receipt_id)
SHA=$(html code)
MANAGE=$(html manage_hrefs)
TOKEN=${MANAGE#*token=}
check "201: shows the public id" matches "$ID" '^[a-z0-9]{12}$'
check "201: shows a SHA-256 of 64 hex digits" matches "$SHA" '^[0-9a-f]{64}$'
check "201: links the receipt /receipts/$ID" same "$(count "href=\"/receipts/$ID\"")" 1
check "201: the manage link exactly once" same "$(count 'class="manage"')/$(echo "$MANAGE" | wc -w)" "1/1"
check "201: the manage link is this response's" matches "$MANAGE" "^/responses/$ID/manage\\?token=manage_[A-Za-z0-9_-]{20,}\$"
check "201: no email" body_lacks "$EMAIL"
req GET "/api/v1/responses/$ID/receipt"
check "201: the SHA-256 is the API receipt's" same "$SHA" "$(json 'j["sha256"]')"
SHA1=$SHA
req GET "/receipts/$ID"
check "receipt page: 200" status_is 200
check "receipt page: the id" same "$(html dd Response)" "$ID"
check "receipt page: the SHA-256" same "$(html code)" "$SHA1"
check "receipt page: version 1" same "$(html dd Version)" 1
check "receipt page: no manage link, no token" sh -c "! grep -qi -e manage -e 'token=' '$TMP/b'"
check "receipt page: no email" body_lacks "$EMAIL"

# ---- The public response page and the attachment ----------------------------------------------
req GET "/api/v1/consultations/$ROUND"
Q1=$(json 'j["questions"][0]["texts"]["en"]')
Q3=$(json 'j["questions"][2]["texts"]["en"]')
req GET "/responses/$ID"
check "response page: 200" status_is 200
check "response page: 'DOE, Jane - Example Org'" same "$(html h1)" "DOE, Jane - Example Org"
check "response page: the country name" same "$(html dd Country)" France
check "response page: the stakeholder type label" same "$(html dd 'Stakeholder type')" "Civil society"
check "response page: the summary" same "$(html summary)" "Universal acceptance comes first."
check "response page: answer 1 under question 1" same "$(html answer 1)" "$Q1|Registries should offer IDNs at no extra cost."
check "response page: answer 3 under question 3" same "$(html answer 3)" "$Q3|Local content grows with local hosting."
check "response page: no email" body_lacks "$EMAIL"
check "response page: no manage link" body_lacks "token="
check "response page: the held attachment is listed" same "$(html attachments)" "/responses/$ID/attachments/1=page-notes.txt"
req GET "/responses/$ID/attachments/1"
check "download: 200" status_is 200
check "download: the same bytes" cmp -s "$TMP/b" "$NOTES"
check "download: Content-Disposition attachment with the file name" matches "$(header Content-Disposition)" '^attachment; filename="page-notes\.txt"'
check "download: the sniffed Content-Type" same "$(header Content-Type)" "text/plain; charset=utf-8"
check "download: X-Content-Type-Options nosniff" same "$(header X-Content-Type-Options)" nosniff
req GET "/responses/$ID/attachments/2"
check "download of attachment 2 of 1: 404" status_is 404
check "the held blob is stored once, byte for byte" cmp -s "$DATA/blobs/$(sha256sum "$NOTES" | cut -c1-2)/$(sha256sum "$NOTES" | cut -d' ' -f1)" "$NOTES"

form_reset
F[publish_as]=anonymous
post_page "$FORM"
check "publish_as anonymous: 201" status_is 201
ID_ANON=$(html receipt_id)
M=$(html manage_hrefs)
TOKEN_ANON=${M#*token=}
req GET "/responses/$ID_ANON"
check "anonymous page: 'Anonymous respondent'" same "$(html h1)" "Anonymous respondent"
check "anonymous page: no name, job title, organization or email" sh -c "! grep -qF -e 'Jane' -e 'DOE' -e 'Head of Policy' -e 'Example Org' -e '$EMAIL' '$TMP/b'"
check "anonymous page: still the country and type" same "$(html dd Country)/$(html dd 'Stakeholder type')" "France/Civil society"

# ---- A refused type on the form stores nothing ------------------------------------------------
python3 -c "open('$TMP/picture.pdf', 'wb').write(b'GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04'
    b'\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;')"
before=$(stored)
form_reset
post_page "$FORM" -F "attachments=@$TMP/picture.pdf"
check "a GIF (named .pdf) on the form: 415" status_is 415
check "415: the form again, as HTML" sh -c "grep -qF '<form class=\"respond\"' '$TMP/b' && case '$(header Content-Type)' in text/html*) ;; *) exit 1;; esac"
check "415: only the attachments field has an error" same "$(html errors)" attachments
check "415: the error beside the attachments field says image/gif" body_has '<p class="error" id="err-attachments">picture.pdf is image/gif'
check "415: the file input points to its error (aria-describedby=err-attachments)" same "$(html beside attachments)" ok
check "415: the error summary lists it" same "$(html summary_matches)" ok
check "415: the values typed are kept" same "$(html value name)|$(html textarea summary)" "Jane Doe|Universal acceptance comes first."
check "415: no held token (nothing kept)" same "$(html held_token)" ""
check "415: nothing stored (count, rows, blobs)" unchanged
check "415: no temporary upload left" no_temp

# ---- The manage page --------------------------------------------------------------------------
req GET "$MANAGE"
check "manage: 200 with the token" status_is 200
check "manage: the values prefilled" same "$(html value name)|$(html value organization)|$(html value job_title)|$(html selected country)|$(html selected stakeholder_type)" \
	"Jane Doe|Example Org|Head of Policy|FR|civil_society"
check "manage: the email prefilled (the respondent's own page)" same "$(html value email)" "$EMAIL"
check "manage: the summary and answers prefilled" same "$(html textarea summary)|$(html textarea answer_1)|$(html textarea answer_3)" \
	"Universal acceptance comes first.|Registries should offer IDNs at no extra cost.|Local content grows with local hosting."
check "manage: publish_as name checked" body_has 'name="publish_as" value="name" checked'
check "manage: a withdraw form with action=withdraw" body_has '<input type="hidden" name="action" value="withdraw">'
check "manage: no <script>" body_lacks "<script"
req GET "/responses/$ID/manage"
check "manage without a token: 403" status_is 403
check "manage without a token: no email" body_lacks "$EMAIL"
req GET "/responses/$ID/manage?token=manage_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
check "manage with a wrong token: 403" status_is 403
check "manage with a wrong token: no email" body_lacks "$EMAIL"
req GET "/responses/$ID/manage?token=$TOKEN_ANON"
check "manage with another response's token: 403" status_is 403
req POST "/responses/$ID/manage" "${as_browser[@]}" -F "action=withdraw"
check "withdraw without a token: 403" status_is 403
req POST "/responses/$ID/manage?token=manage_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" "${as_browser[@]}" -F "action=withdraw"
check "withdraw with a wrong token: 403" status_is 403
req GET "/api/v1/responses/$ID"
check "the refused requests changed nothing: published, version 1" same "$(json '[j["status"], j["version"]]')" "['published', 1]"

form_reset
F[summary]="A revised summary: acceptance first, then content."
post_page "$MANAGE"
check "revise on the manage page: 200" status_is 200
check "revise: a 'new version' notice" body_has '<p class="notice" role="status">Your new version is saved.</p>'
check "revise: the page says version 2" body_has "Response $ID, version 2."
check "revise: the form shows the new summary" same "$(html textarea summary)" "A revised summary: acceptance first, then content."
req GET "/responses/$ID"
check "public page after revise: the new summary" same "$(html summary)" "A revised summary: acceptance first, then content."
check "public page after revise: the old summary is gone" body_lacks "Universal acceptance comes first."
check "public page after revise: the attachment is kept" same "$(html attachments)" "/responses/$ID/attachments/1=page-notes.txt"
req GET "/receipts/$ID"
check "receipt after revise: version 2" same "$(html dd Version)" 2
SHA2=$(html code)
check "receipt after revise: a new SHA-256" sh -c "[ '$SHA2' != '$SHA1' ] && echo '$SHA2' | grep -qE '^[0-9a-f]{64}\$'"
req GET "/api/v1/responses/$ID/receipt"
check "receipt after revise: the API's version and SHA-256" same "$(json '[j["version"], j["sha256"]]')" "[2, '$SHA2']"

# all_pages: walks the consultation page's response list; ids in $TMP/list.ids, pages in $TMP/pages
all_pages() {
	local p="/consultations/$ROUND" i=0
	: >"$TMP/list.ids"; : >"$TMP/pages"
	while [ -n "$p" ] && [ $i -lt 20 ]; do
		req GET "$p"
		i=$((i + 1))
		echo "$p $STATUS $(html list | grep -c .) $(html heading_count)" >>"$TMP/pages"
		html list | cut -d= -f1 >>"$TMP/list.ids"
		cp "$TMP/b" "$TMP/page$i.html"
		p=$(html next | sed 's/#.*//')
	done
}
all_pages
check "the consultation page lists the response before the withdrawal" grep -qx "$ID" "$TMP/list.ids"
req POST "$MANAGE" "${as_browser[@]}" -F "action=withdraw"
check "withdraw on the manage page: 200" status_is 200
check "withdraw: a 'withdrawn' notice" body_has '<p class="notice" role="status">Your response is withdrawn.</p>'
check "withdraw: no form any more" body_lacks '<form'
req GET "/responses/$ID"
check "public page after withdraw: says withdrawn" body_has "This response was withdrawn by the respondent."
check "public page after withdraw: no name, text or attachment" sh -c "! grep -qF -e 'Jane' -e 'A revised summary' -e 'page-notes.txt' -e '$EMAIL' '$TMP/b'"
req GET "$MANAGE"
check "manage page after withdraw: says withdrawn, no form" sh -c "grep -qF 'This response is withdrawn.' '$TMP/b' && ! grep -qF '<form' '$TMP/b'"
req POST "$MANAGE" "${as_browser[@]}" -F "action=withdraw"
check "withdraw twice: 409" status_is 409

# ---- Names in capitals in any script ----------------------------------------------------------
req POST "/api/v1/consultations/$ROUND/responses" -H 'Content-Type: application/json' --data-binary @"$JOSE"
check "José García via the API: 201" status_is 201
ID_JOSE=$(json 'j["id"]')
req GET "/responses/$ID_JOSE"
check "his page: 'GARCÍA, José - Ejemplo Telecom'" same "$(html h1)" "GARCÍA, José - Ejemplo Telecom"
check "his page: Spain, Private sector" same "$(html dd Country)/$(html dd 'Stakeholder type')" "Spain/Private sector"

# ---- The consultation page's list, 50 a page --------------------------------------------------
all_pages
API_COUNT=$(responses_count)
curl -s "$BASE/api/v1/consultations/$ROUND/responses?limit=200" >"$TMP/api.json"
python3 -c "import json; print('\n'.join(i['id'] for i in json.load(open('$TMP/api.json'))['items']))" >"$TMP/api.ids"
sed 's/^/# /' "$TMP/pages"
page1=$(sed -n 1p "$TMP/pages")
check "page 1: 200, 50 responses" same "$(echo "$page1" | cut -d' ' -f2,3)" "200 50"
check "page 1: a rel=next link with ?after=" matches "$(python3 "$TMP/page_html.py" "$TMP/page1.html" next)" "^/consultations/$ROUND\\?after=[0-9]+#responses\$"
check "page 2: 200, the next responses" same "$(sed -n 2p "$TMP/pages" | cut -d' ' -f2)" 200
check "pages 1 and 2 do not overlap" same "$(python3 "$TMP/page_html.py" "$TMP/page1.html" list | cut -d= -f1 | sort >"$TMP/p1"; python3 "$TMP/page_html.py" "$TMP/page2.html" list | cut -d= -f1 | sort >"$TMP/p2"; comm -12 "$TMP/p1" "$TMP/p2" | wc -l)" 0
check "every page but the last has 50, the last has 1 to 50 and no next" sh -c "awk 'NR>1{if(prev!=50)bad=1} {prev=\$3} END{exit bad || prev<1 || prev>50}' '$TMP/pages' && [ -z \"\$(python3 '$TMP/page_html.py' '$TMP/page$(wc -l <"$TMP/pages").html' next)\" ]"
check "no response listed twice" same "$(sort "$TMP/list.ids" | uniq -d | wc -l)" 0
check "the pages list every published response, in order (as the API)" same "$(xargs <"$TMP/list.ids")" "$(xargs <"$TMP/api.ids")"
check "the heading count equals the API's counts.responses ($API_COUNT)" same "$(cut -d' ' -f4 "$TMP/pages" | sort -u | xargs)" "$API_COUNT"
check "the count equals the responses listed" same "$(wc -l <"$TMP/list.ids")" "$API_COUNT"
check "more than 100 responses: a third page was walked" [ "$(wc -l <"$TMP/pages")" -ge 3 ]
check "the withdrawn response is no longer listed" sh -c "! grep -qx '$ID' '$TMP/list.ids'"
for f in "$TMP"/page[0-9]*.html; do python3 "$TMP/page_html.py" "$f" list; done >"$TMP/list.names"
check "the anonymous response is listed as 'Anonymous respondent'" grep -qx "$ID_ANON=Anonymous respondent" "$TMP/list.names"
check "José is listed as 'GARCÍA, José - Ejemplo Telecom'" grep -qx "$ID_JOSE=GARCÍA, José - Ejemplo Telecom" "$TMP/list.names"
check "no email on any page of the list" sh -c "! grep -qF -e '$EMAIL' -e 'jose.private-3c1d@example.net' '$TMP'/page*.html"
req GET "/consultations/$ROUND?after=abc"
check "?after= not a number: 400" status_is 400

# ---- After the close the manage page refuses changes ------------------------------------------
req GET "/api/v1/consultations/$ROUND"
CLOSES=$(json 'j["closes_at"]')
echo "+3000000" >"$CLOCK"	# past closes_at (~30 days ahead)
sleep 0.5
req GET "/api/v1/consultations/$ROUND"
check "the test clock moved past the close (state closed)" same "$(json 'j["state"]')" closed
held_left() { sql "SELECT (SELECT COUNT(*) FROM held_uploads) + (SELECT COUNT(*) FROM blob_refs WHERE thing = 'held')"; }
for _ in $(seq 1 100); do [ "$(held_left)" = 0 ] && break; sleep 0.05; done
check "a day later the held uploads and their blob references are gone" same "$(held_left)" 0
check "... and the response that used the held file still has it" test "$(sql "SELECT COUNT(*) FROM blob_refs WHERE thing != 'held'")" -gt 0
MANAGE_ANON="/responses/$ID_ANON/manage?token=$TOKEN_ANON"
req GET "$MANAGE_ANON"
check "manage after the close: 200" status_is 200
check "manage after the close: says it can no longer be changed" body_has "The consultation is closed: the response can no longer be changed."
check "manage after the close: no revise or withdraw form" body_lacks "<form"
form_reset
F[publish_as]=anonymous
F[summary]="Too late."
post_page "$MANAGE_ANON"
check "revise after the close: 409" status_is 409
check "the 409 page says it can no longer be changed" body_has "can no longer be changed"
req POST "$MANAGE_ANON" "${as_browser[@]}" -F "action=withdraw"
check "withdraw after the close: 409" status_is 409
req GET "/api/v1/responses/$ID_ANON"
check "after the close the response is unchanged: published, version 1" same "$(json '[j["status"], j["version"], j["summary"]]')" "['published', 1, 'Universal acceptance comes first.']"
req GET "$FORM"
check "the form after the close: 409" status_is 409
check "the form after the close: says when it closed ($CLOSES)" body_has "It closed on <time datetime=\"$CLOSES\">"

stop_server
check "the server stops with status 0" [ "$STOP_RC" = 0 ]
finish
