# personal_data.fixture.sh: an open correction request, filed through the request page with the
# manage token of the "other" response (never $PUB's), for the lines on /admin/requests/{n}.
# Sets PD_REQ (its number) and PD_NO_REQ (a number no request has).
PD_OTHER=$(db "SELECT public_id FROM responses WHERE manage_token_hash = '$(printf %s "$OTHER_TOKEN" | sha256sum | cut -d' ' -f1)'")
PD_JAR=$TMP/jar.pd-fixture
curl -s -c "$PD_JAR" -b "$PD_JAR" -o "$TMP/pd.html" "$BASE/responses/$PD_OTHER/requests?token=$OTHER_TOKEN"
PD_CSRF=$(grep -o 'name="csrf" value="[^"]*"' "$TMP/pd.html" | head -1 | cut -d'"' -f4)
req POST "/responses/$PD_OTHER/requests?token=$OTHER_TOKEN" -b "$PD_JAR" --data-urlencode "csrf=$PD_CSRF" \
	--data kind=correction --data-urlencode "message=Please correct my organization."
[ "$STATUS" = 200 ] || { echo "# personal_data fixture: filing a request answered $STATUS"; exit 1; }
PD_REQ=$(db "SELECT MAX(id) FROM response_requests")
PD_NO_REQ=999999
