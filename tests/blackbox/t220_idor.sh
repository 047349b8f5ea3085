#!/bin/bash
# t220_idor: changing an id in a URL never reveals another person's data. Secrets are planted
# (a respondent's email, the text of a response awaiting moderation, another account's token
# label and each response's manage token), then every GET of the policy files is asked by every
# visitor but the secretariat with every response id, every account and token number substituted
# in turn; no answer may carry a secret, and a manage link opens only its own response.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/visitors.sh"

SECRET_TEXT="pending-secret-text-$RANDOM$RANDOM"
SECRET_LABEL="token-label-secret-$RANDOM$RANDOM"
HIDDEN_EMAIL="hidden-$RANDOM@example.net"
sed "s/Internationalized domain names need universal acceptance\./$SECRET_TEXT/; s/jane\.private-7f3a@example\.net/$HIDDEN_EMAIL/" \
	"$(dirname "$0")/fixtures/resp-jane.json" >"$TMP/secret.json"
req POST /api/v1/consultations/authz-pre/responses -H 'Content-Type: application/json' --data-binary @"$TMP/secret.json"
check "a pending response with a secret text is stored" status_is 201
HIDDEN=$(json 'j["id"]')
HIDDEN_TOKEN=$(json "j['manage_url'].split('token=')[1]")
"$AGORA" token create --data "$DATA" --email other@authz.example --label "$SECRET_LABEL" >/dev/null
check "the other account's labelled token is stored" test "$(db "SELECT COUNT(*) FROM api_tokens WHERE label = '$SECRET_LABEL'")" = 1
EMAIL_SECRET=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["respondent"]["email"])' "$(dirname "$0")/fixtures/resp-jane.json")
printf '%s\n' "$SECRET_TEXT" "$SECRET_LABEL" "$EMAIL_SECRET" "$HIDDEN_EMAIL" "$PUB_TOKEN" "$OTHER_TOKEN" "$HIDDEN_TOKEN" >"$TMP/secrets"

# Every id the store holds, to put in every place an id goes.
RIDS=$(db "SELECT public_id FROM responses")
NIDS=$(seq 1 6)
: >"$TMP/urls"
for pf in "$POLICY_DIR"/*.policy; do
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%%#*}
		read -r method pattern path _ <<<"$line"
		[ "$method" = GET ] || continue
		echo "$path" >>"$TMP/urls"
		case $pattern in
		*"{id}"*) # the same page for every response id, or every number
			for id in $RIDS $NIDS; do
				echo "$pattern" | sed "s|{id}|$id|; s|{n}|1|; s|{slug}|\$OPEN|" >>"$TMP/urls"
			done ;;
		esac
		case $path in
		*'?'*) ;;
		*) for id in $NIDS; do echo "$path?account=$id&before=$id"; done >>"$TMP/urls" ;;
		esac
	done <"$pf"
done
sort -u "$TMP/urls" -o "$TMP/urls"

leaks=""
asked=0
for v in anon stakeholder delegate focal_point chair; do
	# one curl for all of a visitor's pages (a process per page made this test take minutes),
	# then one grep over them all; only a page with a secret in it is looked at closely
	mkdir -p "$TMP/pages.$v"
	: >"$TMP/curl.$v"
	i=0
	while IFS= read -r u; do
		i=$((i + 1))
		url=$(expand "$u" "$v")
		printf '%s\n' "$url" >"$TMP/pages.$v/$i.url"
		printf 'url = "%s"\noutput = "%s"\n' "$BASE$url" "$TMP/pages.$v/$i.page" >>"$TMP/curl.$v"
	done <"$TMP/urls"
	curl -s -b "$TMP/jar.$v" -K "$TMP/curl.$v" -w '%{http_code}\n' >"$TMP/codes.$v"
	asked=$((asked + $(grep -c . "$TMP/codes.$v")))
	for page in $(grep -lF -f "$TMP/secrets" "$TMP/pages.$v"/*.page); do
		url=$(cat "${page%.page}.url")
		# a manage page shows its owner their own token and email (all the responses
		# but the hidden one came from the same person), nothing else
		own=$(sed -n 's/.*token=\(manage_[A-Za-z0-9_-]*\).*/\1/p' <<<"$url")
		mine=$EMAIL_SECRET
		[ "$own" = "$HIDDEN_TOKEN" ] && mine=$HIDDEN_EMAIL
		if [ -z "$own" ] || grep -F -f "$TMP/secrets" "$page" -o | grep -vxF -e "$own" -e "$mine" | grep -q .; then
			leaks="$leaks $v:$url"
		fi
	done
done
check "no visitor but the secretariat sees a secret on any of $asked pages" \
	sh -c "[ -z '$leaks' ] || { echo '# leaked:$leaks'; exit 1; }"
check "enough pages were asked" test "$asked" -gt 500
check "every one was answered (no connection failed)" sh -c "! cat '$TMP'/codes.* | grep -qv '^[1-5][0-9][0-9]\$'"

# A manage link opens its own response and no other.
pairs_ok=1
for t in "$PUB_TOKEN" "$OTHER_TOKEN" "$HIDDEN_TOKEN"; do
	for id in $RIDS; do
		code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/responses/$id/manage?token=$t")
		owner=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Manage-Token: $t" "$BASE/responses/$id/manage")
		if [ "$code" = 200 ] || [ "$owner" = 200 ]; then
			[ "$(db "SELECT COUNT(*) FROM responses WHERE public_id = '$id'")" = 1 ] || pairs_ok=0
			# the token's own response is the only one it opens
			opened=$(curl -s "$BASE/responses/$id/manage?token=$t" | grep -c "$id")
			[ "$opened" -gt 0 ] || pairs_ok=0
			echo "$t $id" >>"$TMP/opened"
		fi
	done
done
check "each manage token opens exactly one response" test "$(sort -u "$TMP/opened" | wc -l)" = 3 -a "$pairs_ok" = 1
check "and never the same one" test "$(cut -d' ' -f2 "$TMP/opened" | sort -u | wc -l)" = 3

# The secretariat, by contrast, does see the pending text and the email (the secrets are real).
req GET "/admin/responses/$HIDDEN" -b "$TMP/jar.secretariat"
check "the secretariat sees the pending text" body_has "$SECRET_TEXT"
check "the secretariat sees the email" body_has "$HIDDEN_EMAIL"

# ---- Documents: another state's draft (docs/DOCUMENTS.md) --------------------------------------------
# A draft of FR (no visitor's state: theirs is CH) with a secret title and a secret in its file,
# then every documents page and API answer, with every document's symbol and revision number
# in place, asked by the five visitors: none may carry the secret; the secretariat sees it.
DOC_SECRET="doc-draft-secret-$RANDOM$RANDOM"
printf 'Draft of France: %s\n' "$DOC_SECRET" >"$TMP/doc-secret.txt"
req POST /documents/new -b "$TMP/jar.secretariat" -F "csrf=${CSRF[secretariat]}" -F meeting=17 -F kind=contribution \
	-F author=FR -F "title=Title $DOC_SECRET" -F language=en -F "file=@$TMP/doc-secret.txt"
check "a draft of FR with a secret title is stored" status_is 303
SECRET_DOC=$(header Location | sed 's|^/documents/||')
check "it is FR's draft" test "$(db "SELECT author_state || status FROM documents WHERE url_name = '$SECRET_DOC'")" = FRdraft
: >"$TMP/doc-urls"
for m in "" $(db "SELECT number FROM meetings"); do
	echo "/documents${m:+?meeting=$m}" >>"$TMP/doc-urls"
	echo "/api/v1/documents${m:+?meeting=$m}" >>"$TMP/doc-urls"
	[ -n "$m" ] && echo "/meetings/$m" >>"$TMP/doc-urls"
done
for d in $(db "SELECT url_name FROM documents"); do
	for u in "/documents/$d" "/api/v1/documents/$d" "/documents/$d/revisions/0" "/documents/$d/revisions/1"; do
		echo "$u" >>"$TMP/doc-urls"
	done
done
doc_leaks=""
doc_asked=0
for v in anon stakeholder delegate focal_point chair; do
	while IFS= read -r u; do
		curl -s -o "$TMP/page" -b "$TMP/jar.$v" "$BASE$u"
		doc_asked=$((doc_asked + 1))
		grep -qF "$DOC_SECRET" "$TMP/page" && doc_leaks="$doc_leaks $v:$u"
	done <"$TMP/doc-urls"
done
check "no visitor but the secretariat sees another state's draft on any of $doc_asked documents pages" \
	sh -c "[ -z '$doc_leaks' ] || { echo '# leaked:$doc_leaks'; exit 1; }"
check "enough documents pages were asked" test "$doc_asked" -gt 100
req GET "/documents/$SECRET_DOC" -b "$TMP/jar.secretariat"
check "the secretariat sees the draft's title" body_has "$DOC_SECRET"
req GET "/documents/$SECRET_DOC/revisions/0" -b "$TMP/jar.secretariat"
check "the secretariat downloads its file" body_has "$DOC_SECRET"
finish
