# visitors.sh: sourced by t200_authz and t210_xss after lib.sh. A server with the demo data and
# the fixtures the policy files name (tests/policy/README.md), six visitors logged in (a cookie
# jar and the CSRF value of each in $TMP/jar.VISITOR and ${CSRF[VISITOR]}), and expand().
POLICY_DIR=$(cd "$(dirname "$0")/../policy" && pwd)
SEC=secretariat@agora.example
init_data
PW=$(sed -n 's/^Password: //p' "$TMP/init.out")
db() { sql "$1"; }
csrf_in() { grep -o 'name="csrf" value="[^"]*"' "$1" | head -1 | cut -d'"' -f4; }

# The visitors' accounts; delegates and focal points belong to a Member State.
state_of() { case $1 in delegate|focal_point) echo "--state CH" ;; esac; }
declare -A PASS EMAIL
for v in stakeholder delegate focal_point chair; do
	EMAIL[$v]="$v@authz.example"
	# shellcheck disable=SC2046
	"$AGORA" user create --data "$DATA" --email "${EMAIL[$v]}" --name "Visitor $v" --role "$v" \
		$(state_of "$v") >"$TMP/user.out" 2>&1 || { cat "$TMP/user.out"; exit 1; }
	PASS[$v]=$(sed -n 's/^Password: //p' "$TMP/user.out")
done
EMAIL[secretariat]=$SEC
PASS[secretariat]=$PW
"$AGORA" user create --data "$DATA" --email other@authz.example --name "Not a visitor" --role stakeholder >/dev/null 2>&1
TOKEN=$("$AGORA" token create --data "$DATA" --email "$SEC")
"$AGORA" token create --data "$DATA" --email other@authz.example >/dev/null
OTHER_TOKEN_ID=$(db "SELECT t.id FROM api_tokens t JOIN accounts a ON a.id = t.account_id WHERE a.email = 'other@authz.example'")
declare -A MY_TOKEN_ID
for v in stakeholder delegate focal_point chair secretariat; do
	"$AGORA" token create --data "$DATA" --email "${EMAIL[$v]}" --label authz >/dev/null
	MY_TOKEN_ID[$v]=$(db "SELECT max(t.id) FROM api_tokens t JOIN accounts a ON a.id = t.account_id WHERE a.email = '${EMAIL[$v]}'")
done
MY_TOKEN_ID[anon]=${MY_TOKEN_ID[stakeholder]}
"$AGORA" consultation create --data "$DATA" --draft "$(dirname "$0")/fixtures/draft.json" >/dev/null
DRAFT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["slug"])' "$(dirname "$0")/fixtures/draft.json")
OPEN=multilingual-internet
CLOSED=ott
start_server --submit-rate 0 --page-cache-ms 0
AUTH="Authorization: Bearer $TOKEN"

# Two published responses of the open round (one is $PUB, the other only lends its token), and
# a pending one in a pre-moderated round.
submit() {
	req POST "/api/v1/consultations/$1/responses" -H 'Content-Type: application/json' \
		--data-binary @"$(dirname "$0")/fixtures/resp-jane.json"
	[ "$STATUS" = 201 ] || { echo "# submit to $1: $STATUS"; cat "$TMP/b"; exit 1; }
}
submit "$OPEN"; PUB=$(json 'j["id"]'); PUB_TOKEN=$(json "j['manage_url'].split('token=')[1]")
submit "$OPEN"; OTHER_TOKEN=$(json "j['manage_url'].split('token=')[1]")
printf '{"slug":"authz-pre","original_language":"en","opens_at":"2030-01-01T00:00:00Z","closes_at":"2040-01-01T00:00:00Z","moderation":"pre","texts":{"en":{"title":"Pre","topic":"T","description":"D"}},"questions":[{"number":1,"text":{"en":"Q1?"}},{"number":2,"text":{"en":"Q2?"}},{"number":3,"text":{"en":"Q3?"}}]}' >"$TMP/pre.json"
req POST /api/v1/consultations -H "$AUTH" -H 'Content-Type: application/json' --data-binary @"$TMP/pre.json"
[ "$STATUS" = 201 ] || { echo "# create authz-pre: $STATUS"; cat "$TMP/b"; exit 1; }
req POST /api/v1/consultations/authz-pre/open -H "$AUTH"
submit authz-pre; PENDING=$(json 'j["id"]')
[ "$(db "SELECT status FROM responses WHERE public_id = '$PENDING'")" = pending ] || { echo "# no pending response"; exit 1; }

# Each visitor's browser: a cookie jar, logged in, and the CSRF value of its forms.
VISITORS="anon stakeholder delegate focal_point chair secretariat"
declare -A CSRF
for v in $VISITORS; do
	jar=$TMP/jar.$v
	curl -s -b "$jar" -c "$jar" -o "$TMP/login.html" "$BASE/login"
	if [ "$v" = anon ]; then
		CSRF[$v]=$(csrf_in "$TMP/login.html")
		continue
	fi
	req POST /login -b "$jar" -c "$jar" --data-urlencode "email=${EMAIL[$v]}" \
		--data-urlencode "password=${PASS[$v]}" --data-urlencode "csrf=$(csrf_in "$TMP/login.html")"
	[ "$STATUS" = 303 ] || { echo "# $v cannot log in: $STATUS"; exit 1; }
	curl -s -b "$jar" -c "$jar" -o "$TMP/account.html" "$BASE/account"
	CSRF[$v]=$(csrf_in "$TMP/account.html")
	[ -n "${CSRF[$v]}" ] || { echo "# no csrf for $v"; exit 1; }
done

for f in "$POLICY_DIR"/*.fixture.sh; do
	[ -e "$f" ] || continue
	# shellcheck disable=SC1090
	. "$f"
done

# expand TEXT VISITOR: $NAME replaced by the fixture's value ($MY_TOKEN_ID by the visitor's own)
expand() {
	local rest=$1 v=$2 out="" name val
	while [[ $rest =~ ^([^$]*)\$([A-Z][A-Z0-9_]*)(.*)$ ]]; do
		out+=${BASH_REMATCH[1]}
		name=${BASH_REMATCH[2]}
		rest=${BASH_REMATCH[3]}
		if [ "$name" = MY_TOKEN_ID ]; then val=${MY_TOKEN_ID[$v]}; else val=${!name-}; fi
		[ -n "$val" ] || { echo "# policy names \$$name, which no fixture sets" >&2; val=UNSET; }
		out+=$val
	done
	printf '%s' "$out$rest"
}

