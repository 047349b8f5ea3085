#!/bin/bash
# t130_accounts: self-registration with email confirmation (the GET shows a button, the POST
# confirms; used and expired links answer 410, unknown ones 404; login refused until confirmed;
# an email that has an account gets the same answer and a reminder mail), invitations (the
# secretariat invites a focal point, who accepts and invites a delegate of its own state whatever
# the form says; a delegate cannot invite; an expired invitation), the password policy on both
# forms, role changes audited, CSRF on every form, the Member States table, `agora user --state`
# and `agora mail list`.
. "$(dirname "$0")/lib.sh"
SEC=secretariat@agora.example
init_data
PW=$(sed -n 's/^Password: //p' "$TMP/init.out")
people() { awk -v e="$1" '$1 == e { print $2 }' "$DATA/demo-accounts.txt"; }
CLOCK=$TMP/clock
echo "+0" >"$CLOCK"
start_server --test-clock-file "$CLOCK" --scheduler-tick-ms 50 --submit-rate 0 \
	--confirm-link-s 600 --invite-link-s 1200

same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
matches() { [[ $1 =~ $2 ]] || { echo "# '$1' does not match $2"; return 1; }; }
db() { sql "$1"; }
csrf_in() { grep -o 'name="csrf" value="[^"]*"' "$1" | head -1 | cut -d'"' -f4; }
login() {
	local jar=$1 email=$2 pw=$3
	shift 3
	curl -s -b "$jar" -c "$jar" "$@" -o "$TMP/login.html" "$BASE/login"
	req POST /login -b "$jar" -c "$jar" --data-urlencode "email=$email" --data-urlencode "password=$pw" \
		--data-urlencode "csrf=$(csrf_in "$TMP/login.html")" "$@"
}
# page_csrf JAR PATH: the csrf value of PATH's forms for that browser
page_csrf() { curl -s -b "$1" -c "$1" "$BASE$2" -o "$TMP/page.html"; csrf_in "$TMP/page.html"; }
clock_to() {
	echo "+$1" >"$CLOCK"
	for _ in $(seq 1 100); do
		[ "$(curl -s "$BASE/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["uptime_s"] >= '"$1"')')" = True ] && return 0
		sleep 0.05
	done
	return 1
}
count() { db "SELECT COUNT(*) FROM $1"; }
audit_count() { db "SELECT COUNT(*) FROM audit_log WHERE action = '$1'"; }
# last_link TO PATTERN: the newest link matching PATTERN in a mail to TO
last_link() { db "SELECT body_text FROM outbox WHERE to_addr = '$1' ORDER BY id DESC LIMIT 1" | grep -o "$2" | head -1; }
field_error() { grep -o "<p class=\"error\" id=\"err-$1\" role=\"alert\">[^<]*</p>" "$TMP/b"; }
described_by() { grep -q "id=\"f-$1\"[^>]*aria-invalid=\"true\" aria-describedby=\"err-$1\"" "$TMP/b"; }
# register JAR NAME EMAIL PASSWORD [CURL ARGS]: the form, then its POST
register() {
	local jar=$1 name=$2 email=$3 pw=$4
	shift 4
	local c
	c=$(page_csrf "$jar" /register)
	req POST "${REG_PATH:-/register}" -b "$jar" -c "$jar" --data-urlencode "name=$name" --data-urlencode "email=$email" \
		--data-urlencode "password=$pw" --data-urlencode "csrf=$c" "$@"
}
GOOD='quiet river under seven bridges'

# ---- Member States and settings ----------------------------------------------------------------
check "194 Member States" same "$(count member_states)" 194
check "six ITU-D regions with their counts" same "$(db "SELECT group_concat(region || '=' || n, ' ') FROM (SELECT region, COUNT(*) n FROM member_states GROUP BY region ORDER BY region) AS x")" \
	"africa=44 americas=35 arab_states=21 asia_pacific=39 cis=9 europe=46"
check "CH is in Europe, KE in Africa, EG in the Arab States, VA (the Holy See) is there" \
	same "$(db "SELECT group_concat(region, ' ') FROM (SELECT region FROM member_states WHERE code IN ('CH','KE','EG','VA') ORDER BY code) AS x")" "europe arab_states africa europe"
check "the store refuses a delegate without a state (CHECK)" refused "INSERT INTO accounts (email, name, role, password_hash, created_at) VALUES ('x@y.z', 'x', 'delegate', 'h', 0)"
check "the store refuses a second focal point for IN (unique index)" refused "INSERT INTO accounts (email, name, role, password_hash, created_at, state_code) VALUES ('x@y.z', 'x', 'focal_point', 'h', 0, 'IN')"
check "config: confirm-link-s defaults to 172800" matches "$(env -u AGORA_CONFIRM_LINK_S "$AGORA" config check 2>&1 | grep '^confirm-link-s ')" '^confirm-link-s +172800 +default +AGORA_CONFIRM_LINK_S$'
check "config: invite-link-s defaults to 1209600" matches "$(env -u AGORA_INVITE_LINK_S "$AGORA" config check 2>&1 | grep '^invite-link-s ')" '^invite-link-s +1209600 +default +AGORA_INVITE_LINK_S$'
check "demo: six people besides the secretariat, with states" same "$(db "SELECT group_concat(role || ':' || COALESCE(state_code, '-'), ' ') FROM (SELECT role, state_code FROM accounts WHERE id > 1 ORDER BY id) AS x")" \
	"chair:- focal_point:IN delegate:IN focal_point:KE delegate:KE stakeholder:-"
check "demo-accounts.txt is mode 600" same "$(stat -c %a "$DATA/demo-accounts.txt")" 600

# ---- Registration: the form, CSRF, the password policy -----------------------------------------
V=$TMP/jar.v
req GET /register
check "GET /register: 200" status_is 200
check "register form: name, email, password, csrf" same "$(grep -o 'name="[a-z]*"' "$TMP/b" | grep -v viewport | sort -u | cut -d'"' -f2 | xargs)" "csrf email name password"
a0=$(count accounts); o0=$(count outbox)
req POST /register --data-urlencode "name=No Csrf" --data-urlencode "email=nocsrf@example.org" --data-urlencode "password=$GOOD"
check "POST /register without csrf: 403, no account, no mail" sh -c "[ $STATUS = 403 ] && [ $(count accounts) = $a0 ] && [ $(count outbox) = $o0 ]"
register "$V" "Short" short@example.org "elevenchars"
check "password of 11 characters: 422" status_is 422
check "its error next to the password field" same "$(field_error password)" '<p class="error" id="err-password" role="alert">A password has at least 12 characters: a few words make a good one.</p>'
check "the field points at its error (aria-describedby, aria-invalid)" described_by password
check "the email and name are kept, the password is not sent back" sh -c "grep -qF 'value=\"short@example.org\"' '$TMP/b' && ! grep -qF 'value=\"elevenchars\"' '$TMP/b'"
register "$V" "Long" long@example.org "$(printf 'a%.0s' $(seq 1 100))bcdefghijklmnopqrstuvwxyz12345"
check "password of 129 characters: 422, error next to the field" sh -c "[ $STATUS = 422 ] && grep -qF 'A password has at most 128 characters.' '$TMP/b'"
register "$V" "Common" common@example.org "Password1234"
check "a common password (Password1234): 422" sh -c "[ $STATUS = 422 ] && grep -qF 'too common or too easy to guess' '$TMP/b'"
register "$V" "Common" common@example.org "abcdefghijklmnop"
check "an alphabet run: 422" status_is 422
register "$V" "Common" common@example.org "common@example.org"
check "the email as password: 422" sh -c "[ $STATUS = 422 ] && grep -qF 'must not be your email address' '$TMP/b'"
register "$V" "Bad email" "not an email" "$GOOD"
check "a bad email: 422, error next to the email field" sh -c "[ $STATUS = 422 ] && grep -qF 'id=\"err-email\"' '$TMP/b'"
check "none of these made an account or a mail" sh -c "[ $(count accounts) = $a0 ] && [ $(count outbox) = $o0 ]"
# 12 and 128 characters are allowed (a passphrase of any script counts in characters).
register "$V" "Twelve" twelve@example.org "ok-Zq9!vR2#m"
check "12 characters are enough: 200" status_is 200
register "$V" "Max" max@example.org "$(printf 'ü%.0s' $(seq 1 64))$(printf 'x%.0s' $(seq 1 63))Q"
check "128 characters (half of them two-byte): 200" status_is 200

# ---- Registration and confirmation -------------------------------------------------------------
register "$V" "New <Stakeholder>" new@example.org "$GOOD"
check "registration: 200" status_is 200
check "it says to check the mail" body_has "Check your mail"
cp "$TMP/b" "$TMP/new.html"
check "an unconfirmed stakeholder account" same "$(db "SELECT role || ' ' || (confirmed_at IS NULL) || ' ' || (state_code IS NULL) FROM accounts WHERE email = 'new@example.org'")" "stakeholder 1 1"
check "the password is stored as argon2id" matches "$(db "SELECT password_hash FROM accounts WHERE email = 'new@example.org'")" '^\$argon2id\$'
check "a confirmation mail in the outbox, in English, not sent" same "$(db "SELECT kind || ' ' || lang || ' ' || (sent_at IS NULL) FROM outbox WHERE to_addr = 'new@example.org'")" "confirm en 1"
LINK=$(last_link new@example.org 'http://127.0.0.1:[0-9]*/register/confirm?token=[A-Za-z0-9_-]*')
TOKEN=${LINK##*token=}
check "the mail holds the link, to this site" matches "$LINK" '^http://127\.0\.0\.1:[0-9]+/register/confirm\?token=[A-Za-z0-9_-]{43}$'
check "the store keeps only the token's SHA-256" same "$(db "SELECT COUNT(*) FROM email_confirmations WHERE token_hash = '$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)'")/$(db "SELECT COUNT(*) FROM email_confirmations WHERE token_hash = '$TOKEN'")" "1/0"
check "audited: register" same "$(db "SELECT object FROM audit_log WHERE action = 'register' ORDER BY id DESC LIMIT 1")" new@example.org
check "agora mail list --to shows the mail with its link" sh -c "'$AGORA' mail list --data '$DATA' --to NEW@example.org 2>&1 | grep -qF '$LINK'"
check "agora mail list --to another address does not" sh -c "! '$AGORA' mail list --data '$DATA' --to nobody@example.org 2>&1 | grep -qF 'token='"
REG_PATH=/register?lang=fr register "$TMP/jar.fr" "Francophone" fr@example.org "$GOOD"
check "registering in French: the mail is marked French (composed in the visitor's language)" same "$(db "SELECT lang FROM outbox WHERE to_addr = 'fr@example.org'")" "fr"

login "$TMP/jar.new" new@example.org "$GOOD"
check "login before confirmation: 403" status_is 403
check "with a clear message" body_has "Confirm your email address first"
check "no session was made" same "$(db "SELECT COUNT(*) FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.email = 'new@example.org'")" 0
login "$TMP/jar.new" new@example.org "wrong password here"
check "a wrong password of an unconfirmed account: the usual 422 (nothing told)" status_is 422

# An email that has an account: the same answer, a reminder instead, nothing made.
a1=$(count accounts); c1=$(count email_confirmations)
register "$V" "New <Stakeholder>" new2@example.org "$GOOD"
cp "$TMP/b" "$TMP/new2.html"
register "$V" "Someone" "$SEC" "$GOOD"
check "registering an email that has an account: 200" status_is 200
check "the same page as a new registration" cmp -s "$TMP/b" "$TMP/new2.html"
check "the same page as the first registration too" cmp -s "$TMP/b" "$TMP/new.html"
check "no account and no link made for it" sh -c "[ $(count accounts) = $((a1 + 1)) ] && [ $(count email_confirmations) = $((c1 + 1)) ]"
check "the outbox has an 'already registered' mail to it, without a link token" same "$(db "SELECT kind || ' ' || (body_text LIKE '%token=%') FROM outbox WHERE to_addr = '$SEC'")" "already_registered 0"
login "$TMP/jar.x" "$SEC" "$PW"
check "the secretariat still logs in with its own password" status_is 303

# The link: GET shows a button and changes nothing; the POST confirms.
req GET "/register/confirm?token=$TOKEN" -b "$V" -c "$V"
check "GET the confirmation link: 200, a button" sh -c "[ $STATUS = 200 ] && grep -qF 'action=\"/register/confirm\"' '$TMP/b'"
check "the GET confirmed nothing (mail scanners prefetch links)" same "$(db "SELECT confirmed_at IS NULL FROM accounts WHERE email = 'new@example.org'")" 1
C=$(csrf_in "$TMP/b")
req POST /register/confirm -b "$V" --data-urlencode "token=$TOKEN"
check "POST confirm without csrf: 403, still unconfirmed" sh -c "[ $STATUS = 403 ] && [ $(db "SELECT confirmed_at IS NULL FROM accounts WHERE email = 'new@example.org'") = 1 ]"
req POST /register/confirm -b "$V" --data-urlencode "token=$TOKEN" --data-urlencode "csrf=$C"
check "POST confirm: 200" status_is 200
check "the account is confirmed" same "$(db "SELECT confirmed_at IS NOT NULL FROM accounts WHERE email = 'new@example.org'")" 1
check "audited: confirm" same "$(db "SELECT COUNT(*) FROM audit_log a JOIN accounts c ON a.account_id = c.id WHERE a.action = 'confirm' AND c.email = 'new@example.org'")" 1
req POST /register/confirm -b "$V" --data-urlencode "token=$TOKEN" --data-urlencode "csrf=$C"
check "the used link again (POST): 410" sh -c "[ $STATUS = 410 ] && grep -qF 'This link was used already' '$TMP/b'"
req GET "/register/confirm?token=$TOKEN"
check "the used link again (GET): 410" status_is 410
req GET "/register/confirm?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
check "an unknown token: 404" status_is 404
req GET "/register/confirm?token=%3Cscript%3E"
check "a token that is no token: 400" status_is 400
login "$TMP/jar.new" new@example.org "$GOOD"
check "confirmed, the stakeholder logs in: 303" status_is 303

# ---- Invitations: the secretariat invites a focal point ---------------------------------------
S=$TMP/jar.s
login "$S" "$SEC" "$PW"
req GET /admin/accounts -b "$S"
check "GET /admin/accounts: 200" status_is 200
check "the accounts with role, state and region" sh -c "grep -qF '<td>Demo Focal Point (India)</td>' '$TMP/b' && grep -qF '<td>India</td><td>Asia-Pacific</td>' '$TMP/b' && grep -qF '<td>Kenya</td><td>Africa</td>' '$TMP/b'"
check "names are escaped" body_has "New &lt;Stakeholder&gt;"
check "unconfirmed accounts say so" body_has "Not yet"
SC=$(csrf_in "$TMP/b")
i0=$(count invitations)
req POST /admin/accounts/invite -b "$S" --data-urlencode "email=focal.fr@example.org" --data-urlencode "role=focal_point" --data-urlencode "state=FR"
check "invite without csrf: 403, nothing stored" sh -c "[ $STATUS = 403 ] && [ $(count invitations) = $i0 ]"
req POST /admin/accounts/invite -b "$S" --data-urlencode "email=focal2.in@example.org" --data-urlencode "role=focal_point" --data-urlencode "state=IN" --data-urlencode "csrf=$SC"
check "a second focal point for IN: 409, said next to the state" sh -c "[ $STATUS = 409 ] && grep -qF 'id=\"err-state\" role=\"alert\">This Member State has a focal point already.' '$TMP/b'"
req POST /admin/accounts/invite -b "$S" --data-urlencode "email=d@example.org" --data-urlencode "role=delegate" --data-urlencode "state=" --data-urlencode "csrf=$SC"
check "a delegate without a state: 422" sh -c "[ $STATUS = 422 ] && grep -qF 'id=\"err-state\"' '$TMP/b'"
req POST /admin/accounts/invite -b "$S" --data-urlencode "email=d@example.org" --data-urlencode "role=delegate" --data-urlencode "state=XX" --data-urlencode "csrf=$SC"
check "a state that is no Member State (XX): 422" status_is 422
req POST /admin/accounts/invite -b "$S" --data-urlencode "email=d@example.org" --data-urlencode "role=stakeholder" --data-urlencode "csrf=$SC"
check "inviting a stakeholder: 422 (they register)" sh -c "[ $STATUS = 422 ] && grep -qF 'id=\"err-role\"' '$TMP/b'"
req POST /admin/accounts/invite -b "$S" --data-urlencode "email=$SEC" --data-urlencode "role=chair" --data-urlencode "csrf=$SC"
check "an email that has an account: 409" status_is 409
check "none of these stored an invitation" same "$(count invitations)" "$i0"
req POST /admin/accounts/invite -b "$S" --data-urlencode "email=focal.fr@example.org" --data-urlencode "role=focal_point" --data-urlencode "state=FR" --data-urlencode "csrf=$SC"
check "invite a focal point for FR: 201" status_is 201
check "the page says it is in the outbox" body_has "The invitation to focal.fr@example.org is in the outbox."
check "the invitation: focal_point of FR, by the secretariat" same "$(db "SELECT role || ' ' || state_code || ' ' || invited_by || ' ' || (used_at IS NULL) FROM invitations WHERE email = 'focal.fr@example.org'")" "focal_point FR 1 1"
check "audited: invite" same "$(db "SELECT object FROM audit_log WHERE action = 'invite' ORDER BY id DESC LIMIT 1")" focal.fr@example.org
check "the pending invitation is listed" sh -c "curl -s -b '$S' '$BASE/admin/accounts' | grep -qF '<td class=\"email\">focal.fr@example.org</td><td>Focal point of France</td>'"
ILINK=$(last_link focal.fr@example.org 'http://127.0.0.1:[0-9]*/invitations/[A-Za-z0-9_-]*')
ITOKEN=${ILINK##*/}
check "the invitation mail holds its link" matches "$ILINK" '^http://127\.0\.0\.1:[0-9]+/invitations/[A-Za-z0-9_-]{43}$'
check "the mail says who invites to what" same "$(db "SELECT kind || ' ' || (body_text LIKE '%Secretariat invites you to Agora%as Focal point of France%') FROM outbox WHERE to_addr = 'focal.fr@example.org'")" "invitation 1"

# ---- The focal point accepts ---------------------------------------------------------------
F=$TMP/jar.f
req GET "/invitations/$ITOKEN" -b "$F" -c "$F"
check "GET the invitation: 200, says what it is for" sh -c "[ $STATUS = 200 ] && grep -qF 'Secretariat invites you to Agora as Focal point of France.' '$TMP/b' && grep -qF 'focal.fr@example.org' '$TMP/b'"
FC=$(csrf_in "$TMP/b")
a2=$(count accounts)
req POST "/invitations/$ITOKEN" -b "$F" --data-urlencode "name=Focal France" --data-urlencode "password=$GOOD"
check "accept without csrf: 403, no account" sh -c "[ $STATUS = 403 ] && [ $(count accounts) = $a2 ]"
req POST "/invitations/$ITOKEN" -b "$F" --data-urlencode "name=Focal France" --data-urlencode "password=too short" --data-urlencode "csrf=$FC"
check "accept with a short password: 422, next to the field" sh -c "[ $STATUS = 422 ] && grep -qF 'id=\"err-password\" role=\"alert\"' '$TMP/b'"
req POST "/invitations/$ITOKEN" -b "$F" --data-urlencode "name=Focal France" --data-urlencode "password=qwertyuiop123" --data-urlencode "csrf=$FC"
check "accept with a common password: 422" status_is 422
req POST "/invitations/$ITOKEN" -b "$F" --data-urlencode "name=Focal France" --data-urlencode "password=$(printf 'abc%.0s' $(seq 1 43))" --data-urlencode "csrf=$FC"
check "accept with a 129-character password: 422" status_is 422
check "no account yet" same "$(count accounts)" "$a2"
req POST "/invitations/$ITOKEN" -b "$F" --data-urlencode "name=Focal France" --data-urlencode "password=$GOOD" --data-urlencode "csrf=$FC" --data-urlencode "role=secretariat" --data-urlencode "state=CH"
check "accept: 201" status_is 201
check "the account: focal point of FR, confirmed, whatever the form added" same "$(db "SELECT role || ' ' || state_code || ' ' || (confirmed_at IS NOT NULL) FROM accounts WHERE email = 'focal.fr@example.org'")" "focal_point FR 1"
check "the invitation is used and names the account" same "$(db "SELECT used_at IS NOT NULL AND account_id = (SELECT id FROM accounts WHERE email = 'focal.fr@example.org') FROM invitations WHERE email = 'focal.fr@example.org'")" 1
check "audited: invitation_accept" same "$(audit_count invitation_accept)" 1
req POST "/invitations/$ITOKEN" -b "$F" --data-urlencode "name=Again" --data-urlencode "password=$GOOD" --data-urlencode "csrf=$FC"
check "the used invitation again (POST): 410" status_is 410
req GET "/invitations/$ITOKEN"
check "the used invitation again (GET): 410" status_is 410
req GET "/invitations/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
check "an unknown invitation: 404" status_is 404
# A path parameter named token is logged by its pattern, even for a request refused before the
# handler (the CSRF check): no line of the log holds the token.
check "the server's log never holds the invitation token" sh -c "! grep -qF -- '$ITOKEN' '$TMP/serve.err'"
check "the request refused by the CSRF check is logged by its pattern" grep -qF 'path="/invitations/{token}" route=invitation_post status=403' "$TMP/serve.err"
check "but logs the invitation requests, by their pattern" grep -qF 'path="/invitations/{token}" route=invitation_post status=201' "$TMP/serve.err"

# ---- The focal point invites a delegate of its own state ----------------------------------
login "$F" focal.fr@example.org "$GOOD"
check "the new focal point logs in" status_is 303
req GET /account/delegates -b "$F"
check "GET /account/delegates: 200, its state and region" sh -c "[ $STATUS = 200 ] && grep -qF '<dd>France</dd>' '$TMP/b' && grep -qF '<dd>Europe</dd>' '$TMP/b'"
check "it lists its state's people only" sh -c "grep -qF 'Focal France' '$TMP/b' && ! grep -qF 'India' '$TMP/b'"
check "the form has no state or role to choose" sh -c "! grep -q 'name=\"state\"' '$TMP/b' && ! grep -q 'name=\"role\"' '$TMP/b'"
FC=$(csrf_in "$TMP/b")
i1=$(count invitations)
req POST /account/delegates/invite -b "$F" --data-urlencode "email=deleg.fr@example.org"
check "a focal point's invite without csrf: 403, nothing stored" sh -c "[ $STATUS = 403 ] && [ $(count invitations) = $i1 ]"
req POST /account/delegates/invite -b "$F" --data-urlencode "email=deleg.fr@example.org" --data-urlencode "state=CH" --data-urlencode "role=secretariat" --data-urlencode "csrf=$FC"
check "invite a delegate (with a forged state and role in the form): 201" status_is 201
check "the invitation is for a delegate of FR: the form's state and role were ignored" same "$(db "SELECT role || ' ' || state_code FROM invitations WHERE email = 'deleg.fr@example.org'")" "delegate FR"
req GET /admin/accounts -b "$F"
check "a focal point on /admin/accounts: 403" status_is 403

# ---- Who may not invite --------------------------------------------------------------------
D=$TMP/jar.d
login "$D" delegate.in@agora.example "$(people delegate.in@agora.example)"
check "the demo delegate logs in" status_is 303
req GET /account/delegates -b "$D"
check "a delegate on /account/delegates: 403" status_is 403
DC=$(page_csrf "$D" /account)
req POST /account/delegates/invite -b "$D" --data-urlencode "email=x@example.org" --data-urlencode "csrf=$DC"
check "a delegate cannot invite: 403" status_is 403
req POST /admin/accounts/invite -b "$D" --data-urlencode "email=x@example.org" --data-urlencode "role=delegate" --data-urlencode "state=CH" --data-urlencode "csrf=$DC"
check "nor through the secretariat's form: 403" status_is 403
check "no invitation made" same "$(db "SELECT COUNT(*) FROM invitations WHERE email = 'x@example.org'")" 0
req GET /account/delegates
check "anonymous GET /account/delegates: 302 to /login" sh -c "[ $STATUS = 302 ] && [ \"\$(grep -i '^Location:' '$TMP/h' | tr -d '\r' | cut -d' ' -f2)\" = /login ]"
req POST /account/delegates/invite --data-urlencode "email=x@example.org"
check "anonymous POST: 403" status_is 403
N=$TMP/jar.new
req GET /admin/accounts -b "$N"
check "a stakeholder on /admin/accounts: 403" status_is 403

# ---- Role changes --------------------------------------------------------------------------
NEW_ID=$(db "SELECT id FROM accounts WHERE email = 'new@example.org'")
SC=$(page_csrf "$S" /admin/accounts)
r0=$(audit_count role_change)
req POST "/admin/accounts/$NEW_ID/role" -b "$S" --data-urlencode "role=delegate" --data-urlencode "state=KE"
check "role change without csrf: 403, unchanged" sh -c "[ $STATUS = 403 ] && [ $(db "SELECT role FROM accounts WHERE id = $NEW_ID") = stakeholder ]"
req POST "/admin/accounts/$NEW_ID/role" -b "$S" --data-urlencode "role=delegate" --data-urlencode "state=" --data-urlencode "csrf=$SC"
check "a delegate without a state: 422, said on its row" sh -c "[ $STATUS = 422 ] && grep -qF 'id=\"err-role-$NEW_ID\" role=\"alert\"' '$TMP/b'"
req POST "/admin/accounts/$NEW_ID/role" -b "$S" --data-urlencode "role=focal_point" --data-urlencode "state=KE" --data-urlencode "csrf=$SC"
check "a second focal point for KE: 409" status_is 409
req POST "/admin/accounts/$NEW_ID/role" -b "$S" --data-urlencode "role=chair" --data-urlencode "state=KE" --data-urlencode "csrf=$SC"
check "a chair with a state: 422" status_is 422
req POST "/admin/accounts/1/role" -b "$S" --data-urlencode "role=stakeholder" --data-urlencode "csrf=$SC"
check "one's own role: 409" status_is 409
req POST "/admin/accounts/999999/role" -b "$S" --data-urlencode "role=chair" --data-urlencode "csrf=$SC"
check "an unknown account: 404" status_is 404
check "none of these changed a role or were audited" sh -c "[ $(db "SELECT role FROM accounts WHERE id = $NEW_ID") = stakeholder ] && [ $(db "SELECT role FROM accounts WHERE id = 1") = secretariat ] && [ $(audit_count role_change) = $r0 ]"
req POST "/admin/accounts/$NEW_ID/role" -b "$S" --data-urlencode "role=delegate" --data-urlencode "state=KE" --data-urlencode "csrf=$SC"
check "make the stakeholder a delegate of KE: 303 back to its row (on the page that starts with it)" sh -c "[ $STATUS = 303 ] && grep -qi '^Location: /admin/accounts?before=$((NEW_ID + 1))#account-$NEW_ID' '$TMP/h'"
check "the role and state changed" same "$(db "SELECT role || ' ' || state_code FROM accounts WHERE id = $NEW_ID")" "delegate KE"
check "audited: role_change, by the secretariat, with old and new" same "$(db "SELECT account_id || ' ' || object || ' ' || detail FROM audit_log WHERE action = 'role_change' ORDER BY id DESC LIMIT 1")" "1 account/$NEW_ID stakeholder -> delegate KE"
req GET /account -b "$N"
check "the session sees the new role at once" body_has "<dd>Delegate</dd>"

# ---- CLI -------------------------------------------------------------------------------------
"$AGORA" user create --data "$DATA" --email d1@example.org --name D1 --role delegate >/dev/null 2>&1
check "agora user create --role delegate without --state: exit 2" same "$?" 2
"$AGORA" user create --data "$DATA" --email d1@example.org --name D1 --role chair --state CH >/dev/null 2>&1
check "--state for a chair: exit 2" same "$?" 2
"$AGORA" user create --data "$DATA" --email d1@example.org --name D1 --role delegate --state XX >"$TMP/u.out" 2>&1
check "--state XX: exit 1, said" sh -c "[ $? = 1 ] && grep -qF \"'XX' is not a Member State\" '$TMP/u.out'"
"$AGORA" user create --data "$DATA" --email f2@example.org --name F2 --role focal_point --state KE >"$TMP/u.out" 2>&1
check "a second focal point for KE: exit 1" sh -c "[ $? = 1 ] && grep -qF 'already has a focal point' '$TMP/u.out'"
"$AGORA" user create --data "$DATA" --email d1@example.org --name D1 --role delegate --state BR >"$TMP/u.out" 2>&1
check "a delegate of BR: exit 0" same "$?" 0
check "made, confirmed" same "$(db "SELECT role || ' ' || state_code || ' ' || (confirmed_at IS NOT NULL) FROM accounts WHERE email = 'd1@example.org'")" "delegate BR 1"

# ---- Expiry, on the test clock ---------------------------------------------------------------
register "$V" "Late" late@example.org "$GOOD"
LTOKEN=$(last_link late@example.org 'token=[A-Za-z0-9_-]*'); LTOKEN=${LTOKEN#token=}
req POST /admin/accounts/invite -b "$S" --data-urlencode "email=late.chair@example.org" --data-urlencode "role=chair" --data-urlencode "csrf=$SC"
check "invite a chair: 201" status_is 201
LITOKEN=$(last_link late.chair@example.org '/invitations/[A-Za-z0-9_-]*'); LITOKEN=${LITOKEN##*/}
check "the confirmation link works before it expires" sh -c "curl -s -o /dev/null -w '%{http_code}' '$BASE/register/confirm?token=$LTOKEN' | grep -qx 200"
clock_to 601
req GET "/register/confirm?token=$LTOKEN" -b "$V" -c "$V"
check "the confirmation link after confirm-link-s: 410" sh -c "[ $STATUS = 410 ] && grep -qF 'This link has expired' '$TMP/b'"
VC=$(page_csrf "$V" /register)
req POST /register/confirm -b "$V" --data-urlencode "token=$LTOKEN" --data-urlencode "csrf=$VC"
check "POST with it: 410, still unconfirmed" sh -c "[ $STATUS = 410 ] && [ $(db "SELECT confirmed_at IS NULL FROM accounts WHERE email = 'late@example.org'") = 1 ]"
register "$V" "Late Again" late@example.org "$GOOD"
L2=$(last_link late@example.org 'token=[A-Za-z0-9_-]*'); L2=${L2#token=}
check "registering again before confirming sends a new link" sh -c "[ -n '$L2' ] && [ '$L2' != '$LTOKEN' ]"
check "which works" sh -c "curl -s -o /dev/null -w '%{http_code}' '$BASE/register/confirm?token=$L2' | grep -qx 200"
check "still one account for the address" same "$(db "SELECT COUNT(*) FROM accounts WHERE email = 'late@example.org'")" 1
req GET "/invitations/$LITOKEN"
check "the invitation still works at 601 s" status_is 200
clock_to 1201
req GET "/invitations/$LITOKEN"
check "the invitation after invite-link-s: 410" sh -c "[ $STATUS = 410 ] && grep -qF 'This invitation has expired' '$TMP/b'"
LC=$(page_csrf "$TMP/jar.l" /register)
req POST "/invitations/$LITOKEN" -b "$TMP/jar.l" --data-urlencode "name=Late Chair" --data-urlencode "password=$GOOD" --data-urlencode "csrf=$LC"
check "accepting it: 410, no account" sh -c "[ $STATUS = 410 ] && [ $(db "SELECT COUNT(*) FROM accounts WHERE email = 'late.chair@example.org'") = 0 ]"
req GET /admin/accounts -b "$S"
check "an expired invitation is no longer listed as pending" sh -c "! grep -qF 'late.chair@example.org' '$TMP/b'"

# ---- The accounts page pages: 10 accounts, newest first, then "Older accounts" --------------------
# Thirty stakeholders more (written straight into the database, as a registration would leave them),
# so the list is longer than a page.
db "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30)
    INSERT INTO accounts (email, name, role, password_hash, created_at)
    SELECT 'many' || i || '@example.org', 'Many ' || i, 'stakeholder', 'x', 1 FROM n" >/dev/null
TOTAL=$(db "SELECT COUNT(*) FROM accounts")
req GET /admin/accounts -b "$S"
grep -o '<tr id="account-[0-9]*"' "$TMP/b" | grep -o '[0-9]*' >"$TMP/page1"
check "the first page: the 10 newest accounts, newest first" same "$(tr '\n' ' ' <"$TMP/page1")" \
	"$(db "SELECT id FROM accounts ORDER BY id DESC LIMIT 10" | tr '\n' ' ')"
LAST=$(tail -1 "$TMP/page1")
check "... and a link to the older ones, from its last" body_has "<a href=\"/admin/accounts?before=$LAST\" rel=\"next\">Older accounts</a>"
ROWS=10
BEFORE=$LAST
pages=1
while [ -n "$BEFORE" ] && [ $pages -lt 20 ]; do	# a page that ignored ?before would loop: stop
	pages=$((pages + 1))
	req GET "/admin/accounts?before=$BEFORE" -b "$S"
	here=$(grep -c '<tr id="account-' "$TMP/b")
	ROWS=$((ROWS + here))
	BEFORE=$(grep -o 'href="/admin/accounts?before=[0-9]*" rel="next"' "$TMP/b" | grep -o '[0-9]*' | head -1)
	[ "$here" -eq 0 ] && break
done
check "following 'Older accounts' to the end lists every account once" same "$ROWS" "$TOTAL"
check "an older page links back to the newest" body_has '<a href="/admin/accounts">Newest accounts</a>'
OLD=$(db "SELECT id FROM accounts WHERE email = 'new@example.org'")
SC=$(page_csrf "$S" /admin/accounts)
req POST "/admin/accounts/$OLD/role" -b "$S" --data-urlencode "role=chair" --data-urlencode "state=KE" --data-urlencode "csrf=$SC"
check "an error on an account past the first page: shown on the page that has its row" sh -c \
	"[ $STATUS = 422 ] && grep -qF 'id=\"err-role-$OLD\" role=\"alert\"' '$TMP/b' && ! grep -q 'account-$((OLD + 10))\"' '$TMP/b'"
req GET "/admin/accounts?before=0" -b "$S"
check "before=0 is not an account: 400" status_is 400

finish
