#!/bin/bash
# t200_authz: the authorization matrix. Every line of tests/policy/*.policy (written by hand,
# never derived from the route table) is requested as each kind of visitor (anonymous,
# stakeholder, delegate, focal point, chair, secretariat) and the status must be the one the
# policy names. Then the route table (`agora routes`) is compared with the policy: a route that
# no line mentions fails, and so does a line naming a route that does not exist.
. "$(dirname "$0")/lib.sh"
POLICY_DIR=$(cd "$(dirname "$0")/../policy" && pwd)
SEC=secretariat@agora.example
init_data
PW=$(sed -n 's/^Password: //p' "$TMP/init.out")
db() { sqlite3 "$DATA/agora.db" "$1"; }
csrf_in() { grep -o 'name="csrf" value="[^"]*"' "$1" | head -1 | cut -d'"' -f4; }

# The visitors' accounts; delegates and focal points belong to a Member State.
state_of() { "$AGORA" user --help 2>&1 | grep -q -- --state || return 0; case $1 in delegate|focal_point) echo "--state CH" ;; esac; }
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

# One request as visitor v; sets STATUS.
ask() {
	local v=$1 method=$2 path=$3 body=$4 jar=$TMP/jar.$1
	local args=(-b "$jar" -c "$TMP/jar.scratch")
	case $body in
	form:*) args+=(-H 'Content-Type: application/x-www-form-urlencoded' \
		--data-binary "${body#form:}&csrf=${CSRF[$v]}") ;;
	json:*) args+=(-H 'Content-Type: application/json' -H "X-CSRF-Token: ${CSRF[$v]}" \
		--data-binary "${body#json:}") ;;
	raw:*) args+=(-H 'Content-Type: application/x-www-form-urlencoded' --data-binary "${body#raw:}") ;;
	'') [ "$method" = POST ] && args+=(-H 'Content-Type: application/x-www-form-urlencoded' \
		--data-binary "csrf=${CSRF[$v]}") ;;
	esac
	req "$method" "$path" "${args[@]}"
}

declare -A COVERED
lines=0
for pf in "$POLICY_DIR"/*.policy; do
	lineno=0
	while IFS= read -r line || [ -n "$line" ]; do
		lineno=$((lineno + 1))
		line=${line%%#*}
		[[ $line =~ ^[[:space:]]*$ ]] && continue
		read -r method pattern path c1 c2 c3 c4 c5 c6 body <<<"$line"
		where="$(basename "$pf"):$lineno"
		if [ -z "$c6" ]; then not_ok "$where: six cells wanted" "$line"; continue; fi
		COVERED["$method $pattern"]=1
		lines=$((lines + 1))
		cells=("$c1" "$c2" "$c3" "$c4" "$c5" "$c6")
		i=0
		wrong=""
		for v in $VISITORS; do
			want=${cells[$i]}
			i=$((i + 1))
			ask "$v" "$method" "$(expand "$path" "$v")" "$(expand "${body:-}" "$v")"
			[[ "|$want|" == *"|$STATUS|"* ]] || wrong="$wrong $v:$STATUS(wanted $want)"
		done
		if [ -z "$wrong" ]; then ok "$where $method $path"; else not_ok "$where $method $path" "$wrong"; fi
	done <"$pf"
done

# Every route of the table is in the policy; every policy route is in the table.
"$AGORA" routes >"$TMP/routes"
missing=""
while read -r method pattern _; do
	[ -n "${COVERED["$method $pattern"]-}" ] || missing="$missing $method $pattern;"
done <"$TMP/routes"
check "every route of the table has a line in the policy" sh -c "[ -z '$missing' ] || { echo '# not in the policy:$missing'; exit 1; }"
declare -A TABLE
while read -r method pattern _; do TABLE["$method $pattern"]=1; done <"$TMP/routes"
extra=""
for k in "${!COVERED[@]}"; do [ -n "${TABLE[$k]-}" ] || extra="$extra $k;"; done
check "every policy line names a route of the table" sh -c "[ -z '$extra' ] || { echo '# not a route:$extra'; exit 1; }"
check "the policy has lines ($lines)" test "$lines" -gt 40
finish
