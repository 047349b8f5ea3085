#!/bin/bash
# t10_pages: the home page, the archive, a consultation page, languages, 404s, headers.
. "$(dirname "$0")/lib.sh"
init_data
start_server

req GET /
check "home answers 200" status_is 200
check "home is HTML" [ "$(header Content-Type)" = "text/html; charset=utf-8" ]
check "home lists the open demo round" body_has "Multilingual Internet: internationalized domain names"
check "home shows time left" body_has "days left"
check "home lists a recent closed round" body_has "Environmental impact and benefits of the Internet"
check "home has a Content-Length" [ "$(header Content-Length)" = "$(wc -c <"$TMP/b" | tr -d ' ')" ]

req GET /consultations
check "archive answers 200" status_is 200
order=$(grep -o 'href="/consultations/[a-z0-9-]*"' "$TMP/b" | sed 's/.*consultations\///; s/"//' | tr '\n' ' ')
check "archive lists all six rounds newest first" [ "$order" = "multilingual-internet environmental-impact covid-19-pandemics expanding-internet-connectivity emerging-ict-sustainable-development ott " ]

req GET /consultations/covid-19-pandemics
check "consultation page answers 200" status_is 200
check "consultation page has its title" body_has "mitigating the impact of COVID-19"
check "consultation page numbers its questions" body_has '<li id="q3">'
check "consultation page shows UTC times" body_has "UTC</time>"
check "consultation page shows Geneva time" body_has "Geneva time"
check "consultation page says closed" body_has 'state-closed'
check "consultation page counts responses" body_has "Responses</dt><dd>0</dd>"
check "consultation page says questions are illustrative" body_has "illustrative"
check "description Markdown is rendered" body_has "<p>"

req GET /consultations/no-such-round
check "unknown slug is a 404" status_is 404
check "404 is an HTML page" body_has "<h1>Page not found</h1>"
req GET "/consultations/Bad%20Slug"
check "an invalid slug is a 404" status_is 404
req GET /no/such/page
check "unknown path is a 404 page" status_is 404
check "unknown path page is HTML" [ "$(header Content-Type)" = "text/html; charset=utf-8" ]
req POST /consultations
check "wrong method is a 405" status_is 405
check "405 says what is allowed" [ "$(header Allow)" = "GET" ]

# Languages: the switch, the cookie, Accept-Language.
req GET "/?lang=fr"
check "?lang=fr makes a French page" body_has '<html lang="fr" dir="ltr">'
check "?lang=fr sets the cookie" sh -c "grep -qi '^Set-Cookie: lang=fr; Path=/' '$TMP/h'"
check "French interface text" body_has "Consultations"
req GET / -H "Cookie: lang=ar"
check "the lang cookie chooses Arabic, right to left" body_has '<html lang="ar" dir="rtl">'
check "Arabic consultation title from the text table" body_has "الإنترنت متعدد اللغات"
req GET / -H "Accept-Language: zh-CN,zh;q=0.9,en;q=0.5"
check "Accept-Language chooses Chinese" body_has '<html lang="zh" dir="ltr">'
req GET / -H "Accept-Language: de-DE"
check "an unsupported language falls back to English" body_has '<html lang="en" dir="ltr">'
req GET "/?lang=xx"
check "an unknown ?lang= is refused" status_is 400
req GET "/consultations/ott?lang=ru"
check "Russian title of the OTT round" body_has 'lang="ru"'
check "every language is offered in the switch" sh -c "grep -o '<nav class=\"langs\".*</nav>' '$TMP/b' | grep -o 'hreflang=' | wc -l | grep -qx 6"

# A consultation that exists only in English falls back to it, marked with its language.
"$AGORA" consultation create --data "$DATA" "$(dirname "$0")/fixtures/english-only.json" >/dev/null 2>&1
req GET "/consultations/english-only?lang=fr"
check "a text missing in French falls back to the original" body_has '<span lang="en" dir="ltr">An English-only round</span>'
check "the page says it is shown in the original language" body_has '<span class="fallback-note">'
check "raw HTML in Markdown is not passed through" body_lacks "<script>alert(1)"
check "javascript: links in Markdown are dropped" body_lacks 'href="javascript:'
check "Markdown emphasis is rendered" body_has "<em>Markdown</em>"

# A draft is not public.
"$AGORA" consultation create --data "$DATA" --draft "$(dirname "$0")/fixtures/draft.json" >/dev/null 2>&1
req GET /consultations/a-draft
check "a draft is a 404" status_is 404
req GET /consultations
check "a draft is not in the archive" body_lacks "a-draft"

req GET "/consultations?cursor=1600000000-3"
check "an archive page from a cursor lists older rounds only" body_has "/consultations/ott"
check "... and not newer ones" body_lacks "/consultations/multilingual-internet"
check "the language links keep the cursor" body_has 'href="/consultations?lang=fr&amp;cursor=1600000000-3"'
req GET "/consultations?cursor=nonsense"
check "a cursor this server never gave is a 400" status_is 400

req GET /static/agora.css
check "the style sheet is served" status_is 200
check "the style sheet is text/css" [ "$(header Content-Type)" = "text/css; charset=utf-8" ]
req GET /static/../agora.db
check "no path escapes /static" status_is 404

# Security headers on every kind of answer.
for p in / /consultations /consultations/ott /consultations/nope /nope /api/v1/consultations \
	/api/v1/consultations/nope /api/v1/openapi.json /healthz /metrics /static/agora.css "/?lang=zz"; do
	req GET "$p"
	csp=$(header Content-Security-Policy)
	good=1
	case "$csp" in *"frame-ancestors 'none'"*) ;; *) good=0 ;; esac
	case "$csp" in *unsafe-inline*) good=0 ;; esac
	[ "$(header X-Content-Type-Options)" = nosniff ] || good=0
	[ -n "$(header Referrer-Policy)" ] || good=0
	[ -n "$(header X-Request-Id)" ] || good=0
	check "security headers on $p ($STATUS)" [ $good = 1 ]
done

# Escaping: a hostile path comes back escaped in the language links.
req GET "/%3Cscript%3Ealert(1)%3C/script%3E"
check "a hostile path is escaped in the page" body_lacks "<script>"

stop_server
check "the server stops with status 0" [ "$STOP_RC" = 0 ]
finish
