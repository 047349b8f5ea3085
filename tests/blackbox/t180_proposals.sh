#!/bin/bash
# t180_proposals: topics by consensus (docs/PROPOSALS.md). The demo's proposals (12th: no
# consensus; 17th: deferred; an open silence procedure with IN's and KE's positions); positions
# hidden from the public and stakeholders, shown to delegates (page and API) with every change;
# proposing through the form; who may record a position (the focal point of its own state only:
# 403 for a delegate and the secretariat), an objection without a statement (422, nothing
# stored); two silence procedures ended by the SCHEDULER once the test clock passes their
# deadline, without any page view (one reaches consensus, one is broken by an objection), each
# event and audit row written exactly once; a position after the deadline (409); the chair
# deferring at a meeting; the secretariat creating the consultation from a consensus proposal.
. "$(dirname "$0")/lib.sh"
SEC=secretariat@agora.example
init_data
PW=$(sed -n 's/^Password: //p' "$TMP/init.out")
"$AGORA" demo --data "$DATA" >"$TMP/demo2.out" 2>&1
check "the demo loads twice without doubling the proposals" grep -q "0 proposal(s) added, 4 already present" "$TMP/demo2.out"
pw_of() { awk -v e="$1" '$1 == e { print $2 }' "$DATA/demo-accounts.txt"; }
"$AGORA" user create --data "$DATA" --email stake@t180.example --name "T180 stakeholder" --role stakeholder >"$TMP/user.out" 2>&1
PW_STAKE=$(sed -n 's/^Password: //p' "$TMP/user.out")
CLOCK=$TMP/clock
echo "+0" >"$CLOCK"
start_server --test-clock-file "$CLOCK" --scheduler-tick-ms 50 --page-cache-ms 0 --submit-rate 0

same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
db() { sql "$1"; }
csrf_in() { grep -o 'name="csrf" value="[^"]*"' "$1" | head -1 | cut -d'"' -f4; }
login() {
	local jar=$TMP/jar.$1 email=$2 pw=$3
	curl -s -b "$jar" -c "$jar" -o "$TMP/login.html" "$BASE/login"
	req POST /login -b "$jar" -c "$jar" --data-urlencode "email=$email" --data-urlencode "password=$pw" \
		--data-urlencode "csrf=$(csrf_in "$TMP/login.html")"
	[ "$STATUS" = 303 ] || { echo "# $email cannot log in: $STATUS"; exit 1; }
}
# as WHO METHOD PATH [CURL ARGS]: a request with WHO's cookies
as() { local who=$1; shift; local m=$1 p=$2; shift 2; req "$m" "$p" -b "$TMP/jar.$who" -c "$TMP/jar.$who" "$@"; }
# post WHO PATH FIELD=VALUE...: a form posted with WHO's CSRF token
post() {
	local who=$1 path=$2; shift 2
	local args=() csrf
	csrf=$(curl -s -b "$TMP/jar.$who" -c "$TMP/jar.$who" "$BASE/account" | grep -o 'name="csrf" value="[^"]*"' | head -1 | cut -d'"' -f4)
	for kv in "$@"; do args+=(--data-urlencode "$kv"); done
	as "$who" POST "$path" --data-urlencode "csrf=$csrf" "${args[@]}"
}
clock_to() {
	echo "+$1" >"$CLOCK"
	for _ in $(seq 1 100); do
		[ "$(curl -s "$BASE/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["uptime_s"] >= '"$1"')')" = True ] && return 0
		sleep 0.05
	done
	return 1
}
positions() { db "SELECT COUNT(*) FROM proposal_positions WHERE proposal_id = $1"; }
status_db() { db "SELECT status FROM proposals WHERE id = $1"; }
audits() { db "SELECT COUNT(*) FROM audit_log WHERE action = '$1' AND object = 'proposal/$2'"; }

login delegate delegate.in@agora.example "$(pw_of delegate.in@agora.example)"
login focal_in focal.in@agora.example "$(pw_of focal.in@agora.example)"
login focal_ke focal.ke@agora.example "$(pw_of focal.ke@agora.example)"
login chair chair@agora.example "$(pw_of chair@agora.example)"
login sec "$SEC" "$PW"
login stake stake@t180.example "$PW_STAKE"

# ---- The demo's proposals; the outcome is public, positions are not ----------------------------
req GET /proposals
check "/proposals: 200 for anyone" status_is 200
check "four demo proposals, newest first" same "$(grep -o 'id="p-[0-9]*"' "$TMP/b" | tr -dc '0-9 \n' | tr '\n' ' ')" "4 3 2 1 "
check "the 17th meeting's topics are deferred" same "$(grep -c 'proposal-status status-deferred' "$TMP/b")" 2
check "the 12th meeting's topic: no consensus" body_has 'status-no_consensus">No consensus'
check "the silence procedure is open, with its deadline" sh -c "grep 'id=\"p-4\"' '$TMP/b' | grep -q 'status-open.*Silence procedure until'"
check "the public list has no counts of positions" body_lacks '<th scope="col" class="count">'
DEMO=4
req GET /proposals/$DEMO
check "the public page of the silence procedure: 200" status_is 200
check "the public sees no positions" sh -c "! grep -q 'id=\"positions\"' '$TMP/b' && ! grep -q 'pos-IN' '$TMP/b'"
as stake GET /proposals/$DEMO
check "a stakeholder sees no positions" sh -c "! grep -q 'id=\"positions\"' '$TMP/b' && ! grep -q 'pos-KE' '$TMP/b'"
as stake GET /proposals
check "a stakeholder's list has no counts" body_lacks '<th scope="col" class="count">'
as delegate GET /proposals/$DEMO
check "a delegate sees India's support" sh -c "grep 'id=\"pos-IN\"' '$TMP/b' | grep -q 'position-support'"
check "a delegate sees Kenya's current position: no objection" sh -c "grep 'id=\"pos-KE\"' '$TMP/b' | grep -q 'position-no_objection'"
check "the history keeps Kenya's abstention and its change" sh -c "sed -n '/position-history/,/<\/details>/p' '$TMP/b' | grep -c 'Kenya (KE) — ' | grep -qx 2"
check "a delegate gets no position form" body_lacks "/proposals/$DEMO/position"
as delegate GET /proposals
check "a delegate's list counts the current positions (1 support, 1 no objection)" \
	sh -c "grep 'id=\"p-4\"' '$TMP/b' | grep -q '<td class=\"count\">1</td><td class=\"count\">1</td><td class=\"count\">0</td><td class=\"count\">0</td>'"
req GET /api/v1/proposals/$DEMO
check "API, anonymous: the status, no positions" same "$(json '(j["status"], "positions" in j, "position_history" in j, "position_counts" in j)')" "('open', False, False, False)"
as delegate GET /api/v1/proposals/$DEMO
check "API, a delegate's session: current positions and history" \
	same "$(json '([(p["state"], p["position"]) for p in j["positions"]], len(j["position_history"]))')" "([('IN', 'support'), ('KE', 'no_objection')], 3)"
req GET /api/v1/proposals
check "API list: four, the 17th's deferred" same "$(json '[p["status"] for p in j["items"]]')" "['open', 'deferred', 'deferred', 'no_consensus']"

# ---- Proposing ---------------------------------------------------------------------------------
as stake GET /proposals/new
check "a stakeholder may not propose: 403" status_is 403
req GET /proposals/new
check "anonymous: to the login page" status_is 302
T0=$(date +%s)
DEADLINE=$(date -u -d "@$((T0 + 600))" +%Y-%m-%dT%H:%M:%SZ)
post delegate /proposals/new original_language=en "title=Agreed topic" "topic=A topic all agree on." "q1=First question?" \
	"q2=Second question?" procedure=silence "deadline=$DEADLINE"
check "a delegate proposes a silence procedure: 303" status_is 303
A=$(header Location | sed 's|/proposals/||')
post delegate /proposals/new original_language=en "title=Contested topic" "topic=A topic one state objects to." \
	"q1=Only question?" procedure=silence "deadline=$DEADLINE"
B=$(header Location | sed 's|/proposals/||')
check "two proposals made ($A, $B), audited" same "$(audits proposal_create "$A")$(audits proposal_create "$B")" "11"
check "the proposer's state is recorded from the session" same "$(db "SELECT proposed_state FROM proposals WHERE id = $A")" IN
post delegate /proposals/new original_language=en 'title=<script>alert(1)</script>' 'topic=<img src=x onerror=alert(2)>' \
	'q1="><b>q</b>' procedure=meeting
X=$(header Location | sed 's|/proposals/||')
req GET "/proposals/$X"
check "markup in a proposal's texts is shown as text" sh -c "grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' '$TMP/b' && ! grep -q '<script>alert' '$TMP/b' && ! grep -q '<img src=x' '$TMP/b' && ! grep -q '<b>q</b>' '$TMP/b'"
before=$(db "SELECT COUNT(*) FROM proposals")
post delegate /proposals/new original_language=en "title=" "topic=x" procedure=silence "deadline=2001-01-01T00:00:00Z"
check "no title, no question, a past deadline: 422" status_is 422
check "each error next to its field" sh -c "grep -q 'id=\"err-title\"' '$TMP/b' && grep -q 'id=\"err-q1\"' '$TMP/b' && grep -q 'id=\"err-deadline\"' '$TMP/b'"
check "nothing stored" same "$(db "SELECT COUNT(*) FROM proposals")" "$before"

# ---- Positions: who may, and what ----------------------------------------------------------------
as focal_in GET /proposals/$A
check "a focal point gets the form for its own state" sh -c "grep -q 'action=\"/proposals/$A/position\"' '$TMP/b' && grep -q 'The position of India (IN)' '$TMP/b'"
post delegate /proposals/$A/position position=support
check "a position from a delegate: 403" status_is 403
post sec /proposals/$A/position position=support
check "a position from the secretariat: 403" status_is 403
post stake /proposals/$A/position position=support
check "a position from a stakeholder: 403" status_is 403
check "none stored" same "$(positions "$A")" 0
post focal_in /proposals/$B/position position=objection "statement=   "
check "an objection without a statement: 422" status_is 422
check "the error is next to the statement" sh -c "grep -q '<p class=\"error\" role=\"alert\" id=\"err-statement\">' '$TMP/b' && grep -q 'aria-describedby=\"err-statement\"' '$TMP/b'"
check "nothing stored, nothing audited" same "$(positions "$B")$(audits proposal_position "$B")" "00"
post focal_in /proposals/$A/position position=support state_code=KE
check "India supports A: 303" status_is 303
check "the state is the session's, whatever the form says" same "$(db "SELECT state_code FROM proposal_positions WHERE proposal_id = $A")" IN
post focal_in /proposals/$A/position position=no_objection
check "India changes its position" status_is 303
post focal_ke /proposals/$A/position position=support
post focal_ke /proposals/$B/position position=objection "statement=We prefer another topic."
check "Kenya objects to B with a statement: 303" status_is 303
as delegate GET /proposals/$A
check "A's history shows both of India's positions" sh -c "sed -n '/position-history/,/<\/details>/p' '$TMP/b' | grep -q 'India (IN) — Support' && sed -n '/position-history/,/<\/details>/p' '$TMP/b' | grep -q 'India (IN) — No objection'"
as focal_in GET /proposals/$A
check "India's form starts from its current position" body_has 'value="no_objection" checked'
as delegate GET /proposals/$A
check "A's current position of India: no objection" sh -c "grep 'id=\"pos-IN\"' '$TMP/b' | grep -q 'position-no_objection'"
check "positions are appended, never changed: 3 rows for A, 3 audit rows" same "$(positions "$A") $(audits proposal_position "$A")" "3 3"
check "the rows cannot be changed" refused "UPDATE proposal_positions SET position = 'support' WHERE proposal_id = $A"

# ---- The deadline passes: the scheduler decides, no page is viewed ------------------------------
clock_to 700
for _ in $(seq 1 100); do
	[ "$(status_db "$A")" != open ] && [ "$(status_db "$B")" != open ] && break
	sleep 0.05
done
check "with no page viewed, the scheduler ended A in consensus" same "$(status_db "$A")" consensus
check "and B, broken by Kenya's objection, in no consensus" same "$(status_db "$B")" no_consensus
sleep 0.3	# more scheduler passes: still exactly once
check "one silence_ended event for each" same "$(db "SELECT COUNT(*) FROM events WHERE kind = 'silence_ended' AND thing = 'proposal' AND thing_id IN ($A, $B)")" 2
check "one decision audit row for each, by the scheduler" \
	same "$(db "SELECT COUNT(*) FROM audit_log WHERE action = 'proposal_decision' AND address = 'scheduler' AND object IN ('proposal/$A', 'proposal/$B')")" 2
check "the demo's silence procedure (deadline in 14 days) is still open" same "$(status_db "$DEMO")" open
req GET /api/v1/proposals/$A
check "API: A reached consensus, decided at the end of the silence procedure" \
	same "$(json '(j["status"], j["decided_at"] is not None, j["decided_at_meeting"])')" "('consensus', True, None)"
req GET /proposals/$B
check "the public page of B says no consensus" body_has 'status-no_consensus">No consensus'
post focal_ke /proposals/$A/position position=objection "statement=Too late."
check "a position after the deadline: 409" status_is 409
check "not stored" same "$(positions "$A")" 3

# ---- At a meeting: the chair defers --------------------------------------------------------------
post sec /proposals/new original_language=en "title=Meeting topic" "topic=Decided at a meeting." "q1=Q?" procedure=meeting meeting=17
C=$(header Location | sed 's|/proposals/||')
post delegate /proposals/$C/decision decision=deferred meeting=17
check "a delegate may not record a decision: 403" status_is 403
post chair /proposals/$C/decision decision=deferred meeting=99
check "a meeting that does not exist: 422" status_is 422
check "the error next to the meeting field" body_has 'id="err-meeting"'
post chair /proposals/$C/decision decision=deferred meeting=17 "note=Deferred to the next meeting."
check "the chair defers at the 17th meeting: 303" status_is 303
check "stored: deferred, at meeting 17, by the chair" same "$(db "SELECT p.status || ' ' || p.decided_meeting || ' ' || a.email FROM proposals p JOIN accounts a ON a.id = p.decided_by WHERE p.id = $C")" "deferred 17 chair@agora.example"
check "audited once" same "$(audits proposal_decision "$C")" 1
post focal_in /proposals/$C/position position=support
check "no position on a deferred proposal: 409" status_is 409
req GET /api/v1/proposals/$C
check "the deferral is public" same "$(json '(j["status"], j["decided_at_meeting"])')" "('deferred', 17)"

# ---- The consultation from a consensus proposal ---------------------------------------------------
as sec GET /proposals/$A
check "the secretariat gets the form to create the consultation" body_has "action=\"/proposals/$A/consultation\""
post chair /proposals/$A/consultation slug=agreed-topic
check "the chair may not create it: 403" status_is 403
post sec /proposals/$B/consultation slug=contested-topic
check "not from a proposal without consensus: 409" status_is 409
post sec /proposals/$A/consultation slug=agreed-topic
check "the secretariat creates it: 303 to its edit page" same "$STATUS $(header Location)" "303 /admin/consultations/agreed-topic/edit"
check "a consultation from a silence procedure names no meeting" same "$(db "SELECT meeting FROM consultations WHERE slug = 'agreed-topic'")" ""
check "a draft consultation with the proposal's title and questions" \
	same "$(db "SELECT c.state || '|' || (SELECT body FROM texts WHERE thing = 'consultation' AND thing_id = c.id AND field = 'title') || '|' || (SELECT COUNT(*) FROM questions WHERE consultation_id = c.id) FROM consultations c WHERE slug = 'agreed-topic'")" "draft|Agreed topic|2"
check "linked to the proposal" same "$(db "SELECT consultation_slug FROM proposals WHERE id = $A")" agreed-topic
check "audited" same "$(audits proposal_consultation "$A")" 1
req GET /api/v1/proposals/$A
check "the API names the consultation" same "$(json 'j["consultation"]')" agreed-topic
post sec /proposals/$A/consultation slug=agreed-again
check "only once: 409" status_is 409
check "no second consultation" same "$(db "SELECT COUNT(*) FROM consultations WHERE slug = 'agreed-again'")" 0

# ---- Bad addresses -----------------------------------------------------------------------------------
req GET /proposals/999
check "no such proposal: 404" status_is 404
req GET /api/v1/proposals/999
check "API: no such proposal: 404 problem+json" sh -c "[ '$STATUS' = 404 ] && grep -qi 'content-type: application/problem+json' '$TMP/h'"
req GET /proposals/abc
check "a proposal number that is not one: 404" status_is 404
# ---- The consultation linked to the meeting outcome that launched it -----------------------------
# C, deferred at the 17th, reaches consensus at the 17th; the secretariat creates its consultation
# choosing 17(b) as the launching outcome: the round's launching outcome, an outcome_links row,
# the audit row names it, and once open the archive lists the round under the 17th meeting.
post chair /proposals/$C/decision decision=consensus meeting=17 "note=Agreed at the 17th meeting."
check "the chair records consensus at the 17th on the deferred topic: 303" status_is 303
as sec GET /proposals/$C
check "the form offers the launching outcome" body_has '<select id="f-outcome" name="outcome"'
check "none is chosen by default" body_has '<option value="" selected>'
check "the outcomes of the meeting that decided come first (17(a) after none)" \
	same "$(grep -o '<option value="[^"]*"' "$TMP/b" | sed -n '/value=""/{n;p;q}' | cut -d'"' -f2)" "17(a)"
check "every meeting's outcomes are offered (15(c) among them)" body_has '<option value="15(c)">15(c) '
launched_of() { db "SELECT COALESCE(m.number || o.letter, '') FROM consultations c LEFT JOIN outcomes o ON o.id = c.launched_by_outcome LEFT JOIN meetings m ON m.id = o.meeting_id WHERE c.slug = '$1'"; }
post sec /proposals/$C/consultation slug=meeting-topic "outcome=17(z)"
check "an outcome the meeting does not have: 422" status_is 422
check "the error next to the outcome field" sh -c "grep -q 'id=\"err-outcome\"' '$TMP/b' && grep -q 'aria-describedby=\"err-outcome\"' '$TMP/b'"
post sec /proposals/$C/consultation slug=meeting-topic "outcome=17b; DROP TABLE x"
check "an outcome reference that is not one: 422" status_is 422
check "nothing created by the refused posts" same "$(db "SELECT COUNT(*) FROM consultations WHERE slug = 'meeting-topic'") $(db "SELECT COALESCE(consultation_slug, '') FROM proposals WHERE id = $C")" "0 "
post sec /proposals/$C/consultation slug=meeting-topic "outcome=17(b)"
check "created with 17(b): 303 to its edit page" same "$STATUS $(header Location)" "303 /admin/consultations/meeting-topic/edit"
check "17(b) is the round's launching outcome" same "$(launched_of meeting-topic)" 17b
check "and 17(b) names it in outcome_links" \
	same "$(db "SELECT COUNT(*) FROM outcome_links l JOIN consultations c ON c.id = l.consultation_id JOIN outcomes o ON o.id = l.outcome_id JOIN meetings m ON m.id = o.meeting_id WHERE c.slug = 'meeting-topic' AND m.number = 17 AND o.letter = 'b'")" 1
check "the consultation carries the 17th meeting's label" same "$(db "SELECT meeting FROM consultations WHERE slug = 'meeting-topic'")" "CWG-Internet 17"
check "the audit row names the launching outcome" \
	same "$(db "SELECT detail FROM audit_log WHERE action = 'proposal_consultation' AND object = 'proposal/$C'")" "consultation/meeting-topic (draft), launched by 17(b)"
check "the consultation made without an outcome has none" same "$(launched_of agreed-topic)" ""
post sec /admin/consultations/meeting-topic/open
check "the secretariat opens it: 303" status_is 303
req GET /consultations
check "the archive lists it under the 17th meeting" \
	same "$(awk '/class="launched-by"/ { h = $0 } /href="\/consultations\/meeting-topic"/ { print h; exit }' "$TMP/b" | grep -o 'href="/meetings/[0-9]*"')" 'href="/meetings/17"'
req GET /meetings/17
check "the 17th meeting's page: 17(b) launched it, listed once" \
	same "$(sed -n '/id="o-b"/,/^<\/li>$/p' "$TMP/b" | grep -c 'href="/consultations/meeting-topic"')" 1
check "as launched" sh -c "sed -n '/id=\"o-b\"/,/^<\\/li>\$/p' '$TMP/b' | grep -q 'Launched the consultation: <a href=\"/consultations/meeting-topic\"'"
# ---- Texts in another language ---------------------------------------------------------------------
# A delegate of the proposing state (IN) adds the French texts of an open proposal; readers in
# French read them (marked lang="fr" where the page is not French), the English reader still reads
# English; those of another state and stakeholders are refused; bad input is shown again.
login delegate_ke delegate.ke@agora.example "$(pw_of delegate.ke@agora.example)"
post delegate /proposals/new original_language=en "title=Multilingual topic" "topic=Written in English." \
	"q1=First question?" "q2=Second question?" procedure=meeting
D=$(header Location | sed 's|/proposals/||')
as delegate GET /proposals/$D
check "the proposer's delegate gets the texts form" sh -c "grep -q 'action=\"/proposals/$D/texts\"' '$TMP/b' && grep -q 'Add or edit the text in another language' '$TMP/b'"
check "the form offers no English (the original)" sh -c "sed -n '/id=\"f-text_lang\"/,/<\/select>/p' '$TMP/b' | grep -q 'value=\"fr\"' && ! sed -n '/id=\"f-text_lang\"/,/<\/select>/p' '$TMP/b' | grep -q 'value=\"en\"'"
as stake GET /proposals/$D
check "a stakeholder gets no texts form" body_lacks "/proposals/$D/texts"
as delegate_ke GET /proposals/$D
check "a delegate of another state gets no texts form" body_lacks "/proposals/$D/texts"
post stake /proposals/$D/texts text_lang=fr "title=Sujet" "topic=En français." "q1=Q1 ?" "q2=Q2 ?"
check "texts from a stakeholder: 403" status_is 403
post delegate_ke /proposals/$D/texts text_lang=fr "title=Sujet" "topic=En français." "q1=Q1 ?" "q2=Q2 ?"
check "texts from a delegate of another state: 403" status_is 403
post delegate /proposals/$D/texts text_lang=fr "title=" "topic=En français." "q1=Q1 ?" "q2="
check "no title, a question missing: 422" status_is 422
check "each error next to its field" sh -c "grep -q '<p class=\"error\" role=\"alert\" id=\"err-title\">' '$TMP/b' && grep -q 'aria-describedby=\"err-q2\"' '$TMP/b'"
check "what was typed is kept" body_has 'En français.'
post delegate /proposals/$D/texts text_lang=en "title=Other" "topic=T" "q1=a" "q2=b"
check "the original language: 422, next to the language" sh -c "[ '$STATUS' = 422 ] && grep -q 'id=\"err-text_lang\"' '$TMP/b'"
as delegate POST /proposals/$D/texts --data-urlencode text_lang=fr --data-urlencode "title=Sujet" \
	--data-urlencode "topic=En français." --data-urlencode "q1=Q1 ?" --data-urlencode "q2=Q2 ?"
check "without the CSRF token: 403" status_is 403
check "nothing stored by the refused posts" same "$(db "SELECT COUNT(*) FROM texts WHERE thing = 'proposal' AND thing_id = $D AND language <> 'en'") $(audits proposal_texts "$D")" "0 0"
post delegate /proposals/$D/texts text_lang=fr "title=Sujet multilingue" "topic=Rédigé en français." \
	"q1=Première question ?" "q2=Deuxième question ?"
check "the proposer's delegate adds the French texts: 303 to the French page" same "$STATUS $(header Location)" "303 /proposals/$D?lang=fr"
check "stored as official French texts: title, topic, two questions" \
	same "$(db "SELECT COUNT(*) || ' ' || MIN(status) || ' ' || MAX(status) FROM texts WHERE thing = 'proposal' AND thing_id = $D AND language = 'fr'")" "4 official official"
check "audited once, naming the language" same "$(db "SELECT COUNT(*) || ' ' || MAX(detail) FROM audit_log WHERE action = 'proposal_texts' AND object = 'proposal/$D'")" "1 fr (official): title, topic, 2 draft questions"
req GET "/proposals/$D?lang=fr"
check "the French reader reads the French title" sh -c "grep -q '<h1>Sujet multilingue</h1>' '$TMP/b' && grep -q '<html lang=\"fr\"' '$TMP/b'"
check "and the French topic and questions" sh -c "grep -q 'class=\"topic\" lang=\"fr\"' '$TMP/b' && grep -q 'Rédigé en français.' '$TMP/b' && grep -q 'Deuxième question ?' '$TMP/b' && ! grep -q 'Second question?' '$TMP/b'"
check "the original is one click away" body_has "href=\"/proposals/$D?lang=en\" hreflang=\"en\""
req GET "/proposals/$D?lang=en"
check "the English reader still reads English" sh -c "grep -q '<h1>Multilingual topic</h1>' '$TMP/b' && ! grep -q 'Sujet multilingue' '$TMP/b' && ! grep -q 'Read the original' '$TMP/b'"
req GET "/proposals/$D?lang=ru"
check "a Russian reader (no Russian text) reads the original, marked lang=\"en\"" body_has '<h1><span lang="en" dir="ltr">Multilingual topic</span></h1>'
as delegate GET "/proposals/$D?edit=fr"
check "the form for French is prefilled with the French texts" sh -c "grep -q 'value=\"Sujet multilingue\"' '$TMP/b' && grep -q '<option value=\"fr\" selected>' '$TMP/b'"
req GET /api/v1/proposals/$D
check "the API gives the title in both languages" same "$(json '(j["title"]["en"], j["title"]["fr"], j["questions"][1]["text"]["fr"], j["original_language"])')" "('Multilingual topic', 'Sujet multilingue', 'Deuxième question ?', 'en')"
post chair /proposals/$D/texts text_lang=es "title=Tema" "topic=En español." "q1=¿Uno?" "q2=¿Dos?"
check "the chair adds Spanish: 303" status_is 303
post sec /proposals/$D/texts text_lang=fr "title=Sujet révisé" "topic=Rédigé en français." "q1=Première question ?" "q2=Deuxième question ?"
check "the secretariat edits the French: 303, replaced not added" \
	same "$STATUS $(db "SELECT COUNT(*) FROM texts WHERE thing = 'proposal' AND thing_id = $D AND language = 'fr'") $(db "SELECT body FROM texts WHERE thing = 'proposal' AND thing_id = $D AND language = 'fr' AND field = 'title'")" "303 4 Sujet révisé"
post chair /proposals/$D/decision decision=consensus meeting=17
as delegate GET /proposals/$D
check "a decided proposal offers no texts form" body_lacks "/proposals/$D/texts"
post delegate /proposals/$D/texts text_lang=ru "title=Тема" "topic=По-русски." "q1=1?" "q2=2?"
check "texts on a decided proposal: 409" status_is 409
check "no Russian stored" same "$(db "SELECT COUNT(*) FROM texts WHERE thing = 'proposal' AND thing_id = $D AND language = 'ru'")" 0
finish
