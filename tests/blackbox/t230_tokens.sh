#!/bin/bash
# t230_tokens: API tokens are scoped. A token holds the scopes it was made with (CLI --scope, or
# the account page's checkboxes) and each secretariat route of the API needs its own: a
# moderation token cannot close a round (403, WWW-Authenticate insufficient_scope). Only the
# secretariat's accounts hold scopes; a forged scope from another account is refused and nothing
# stored. Revoked tokens get 401, the last use is noted, and pages never take a bearer token.
. "$(dirname "$0")/lib.sh"
SEC=secretariat@agora.example
ROUND=multilingual-internet
init_data
PW=$(sed -n 's/^Password: //p' "$TMP/init.out")
"$AGORA" user create --data "$DATA" --email stake@example.org --name "Stake Holder" --role stakeholder >"$TMP/user.out" 2>&1
PW2=$(sed -n 's/^Password: //p' "$TMP/user.out")
same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
db() { sql "$1"; }
csrf_in() { grep -o 'name="csrf" value="[^"]*"' "$1" | head -1 | cut -d'"' -f4; }
login() {
	curl -s -b "$1" -c "$1" -o "$TMP/login.html" "$BASE/login"
	req POST /login -b "$1" -c "$1" --data-urlencode "email=$2" --data-urlencode "password=$3" \
		--data-urlencode "csrf=$(csrf_in "$TMP/login.html")"
}
tokens() { db "SELECT COUNT(*) FROM api_tokens"; }

# ---- the CLI ----------------------------------------------------------------------------------
ALL=$("$AGORA" token create --data "$DATA" --email "$SEC" --label all)
MOD=$("$AGORA" token create --data "$DATA" --email "$SEC" --label mod --scope moderation)
CON=$("$AGORA" token create --data "$DATA" --email "$SEC" --scope consultations)
check "default scopes of a secretariat token: all" same "$(db "SELECT scopes FROM api_tokens WHERE label = 'all'")" "consultations moderation"
check "--scope moderation is stored as such" same "$(db "SELECT scopes FROM api_tokens WHERE label = 'mod'")" moderation
out=$("$AGORA" token create --data "$DATA" --email "$SEC" --scope moderation,publishing 2>&1); rc=$?
named() { [ "$rc" = "$1" ] && grep -qF -- "$2" <<<"$out" || { echo "# exit $rc: $out"; return 1; }; }
check "an unknown scope: exit 2, named" named 2 "'publishing' is not a scope"
before=$(tokens)
out=$("$AGORA" token create --data "$DATA" --email stake@example.org --scope moderation 2>&1); rc=$?
check "a stakeholder cannot hold moderation: exit 1, said why" named 1 "cannot hold the scope moderation"
check "and nothing was stored" same "$(tokens)" "$before"
STAKE=$("$AGORA" token create --data "$DATA" --email stake@example.org)
check "a stakeholder's default token has no scope" same "$(db "SELECT scopes FROM api_tokens a JOIN accounts b ON b.id = a.account_id WHERE b.email = 'stake@example.org'")" ""

start_server --submit-rate 0 --page-cache-ms 0
req POST /api/v1/consultations/$ROUND/responses -H 'Content-Type: application/json' --data-binary @"$(dirname "$0")/fixtures/resp-jane.json"
ID=$(json 'j["id"]')

# ---- each route needs its scope ---------------------------------------------------------------
api() { req POST "$2" -H "Authorization: Bearer $1" -H 'Content-Type: application/json' --data-binary "$3"; }
api "$MOD" /api/v1/consultations/$ROUND/extend '{}'
check "a moderation token cannot extend a round: 403" status_is 403
check "WWW-Authenticate says insufficient_scope, consultations" sh -c "grep -i '^WWW-Authenticate:' $TMP/h | grep -q 'error=\"insufficient_scope\", scope=\"consultations\"'"
check "the problem names the missing scope" body_has "lacks the scope 'consultations'"
api "$MOD" /api/v1/responses/$ID/moderation '{"action":"withhold","reason":"Off topic."}'
check "the moderation token moderates: 200" status_is 200
api "$CON" /api/v1/responses/$ID/moderation '{"action":"publish"}'
check "a consultations token cannot moderate: 403" status_is 403
check "... and WWW-Authenticate names moderation" sh -c "grep -i '^WWW-Authenticate:' $TMP/h | grep -q 'scope=\"moderation\"'"
check "the refused call changed nothing" same "$(db "SELECT status FROM responses WHERE public_id = '$ID'")" withheld
api "$CON" /api/v1/consultations/$ROUND/extend '{"until":"2099-01-01T00:00:00Z"}'
check "the consultations token extends: 200" status_is 200
api "$ALL" /api/v1/responses/$ID/moderation '{"action":"publish"}'
check "the all-scopes token moderates too" status_is 200
api "$STAKE" /api/v1/responses/$ID/moderation '{"action":"withhold","reason":"x"}'
check "a stakeholder's token: 403, only the secretariat" sh -c "[ $STATUS = 403 ] && grep -q 'only the secretariat' $TMP/b"
check "last use noted for a used token" test "$(db "SELECT COALESCE(last_used_at, 0) FROM api_tokens WHERE label = 'mod'")" -gt 0
check "never used: no last use" same "$(db "SELECT COALESCE(last_used_at, 0) FROM api_tokens WHERE label = 'all' AND 0")$(db "SELECT COUNT(*) FROM api_tokens WHERE last_used_at IS NULL AND label = ''")" 1

# ---- pages take sessions only -----------------------------------------------------------------
req GET /admin/moderation -H "Authorization: Bearer $ALL"
check "a bearer token on a page: 302 to /login" sh -c "[ $STATUS = 302 ] && [ '$(header Location)' = /login ]"

# ---- the account page -------------------------------------------------------------------------
S=$TMP/jar.sec
login "$S" "$SEC" "$PW"
req GET /account -b "$S"
check "the account page offers the scopes as checkboxes" sh -c "grep -q 'name=\"scope_consultations\"' $TMP/b && grep -q 'name=\"scope_moderation\"' $TMP/b"
check "... and shows what each token may do" body_has "publish, withhold and redact responses"
CS=$(csrf_in "$TMP/b")
before=$(tokens)
req POST /account/tokens -b "$S" --data-urlencode "csrf=$CS" --data-urlencode "label=none chosen"
check "no scope chosen: 422" status_is 422
check "... the error next to the scopes" sh -c "grep -q 'id=\"err-scope\" role=\"alert\"' $TMP/b && grep -q 'aria-describedby=\"err-scope\"' $TMP/b"
check "... the label kept in the form" body_has 'value="none chosen"'
check "... nothing stored" same "$(tokens)" "$before"
req POST /account/tokens -b "$S" --data-urlencode "csrf=$CS" --data-urlencode "label=from page" --data-urlencode scope_moderation=1
check "a moderation token from the page: 201" status_is 201
PAGE_TOKEN=$(grep -o 'agora_[A-Za-z0-9_-]*' "$TMP/b" | head -1)
check "stored with the moderation scope only" same "$(db "SELECT scopes FROM api_tokens WHERE label = 'from page'")" moderation
api "$PAGE_TOKEN" /api/v1/consultations/$ROUND/close '{}'
check "it cannot close the round" status_is 403
T=$TMP/jar.stake
login "$T" stake@example.org "$PW2"
req GET /account -b "$T"
check "a stakeholder's form has no scopes" body_lacks 'name="scope_moderation"'
before=$(tokens)
req POST /account/tokens -b "$T" --data-urlencode "csrf=$(csrf_in "$TMP/b")" --data-urlencode "label=forged" --data-urlencode scope_moderation=1
check "a forged scope from a stakeholder: 422" status_is 422
check "... nothing stored" same "$(tokens)" "$before"

# ---- revoked ------------------------------------------------------------------------------------
MODID=$(db "SELECT id FROM api_tokens WHERE label = 'mod'")
"$AGORA" token create --data "$DATA" --email "$SEC" >/dev/null
req POST "/account/tokens/$MODID/revoke" -b "$S" --data-urlencode "csrf=$CS"
check "revoke the moderation token: 303" status_is 303
api "$MOD" /api/v1/responses/$ID/moderation '{"action":"publish"}'
check "a revoked token: 401 invalid_token" sh -c "[ $STATUS = 401 ] && grep -qi 'error=\"invalid_token\"' $TMP/h"
finish
