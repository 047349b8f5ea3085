#!/bin/bash
# t200_authz: the authorization matrix. Every line of tests/policy/*.policy (written by hand,
# never derived from the route table) is requested as each kind of visitor (anonymous,
# stakeholder, delegate, focal point, chair, secretariat) and the status must be the one the
# policy names. Then the route table (`agora routes`) is compared with the policy: a route that
# no line mentions fails, and so does a line naming a route that does not exist.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/visitors.sh"

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
