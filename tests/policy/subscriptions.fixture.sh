# subscriptions.fixture.sh: two subscriptions written straight into the store with known tokens
# (the store keeps their SHA-256, as the server does), for subscriptions.policy:
#   $SUB_CONFIRM   the confirmation token of an unconfirmed subscription
#   $SUB_ID        a live subscription's id, $SUB_UNSUB one of its unsubscribe tokens
#   $SUB_OTHER_ID  another live subscription's id (whose tokens $SUB_UNSUB is not one of)
#   $SUB_WRONG     a well-formed token that is no token at all
# Only GETs and POSTs that must be refused use them, so nothing changes.
_sub_token() { python3 -c 'import base64,os; print(base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("="))'; }
_sub_hash() { printf %s "$1" | sha256sum | cut -d' ' -f1; }
SUB_CONFIRM=$(_sub_token)
SUB_UNSUB=$(_sub_token)
SUB_WRONG=$(_sub_token)
_now=$(date +%s)
sql "INSERT INTO subscriptions (email, language, kinds, frequency, confirm_hash, confirm_expires_at, created_at)
	VALUES ('policy.pending@example.org', 'en', 'round_opened', 'immediate', '$(_sub_hash "$SUB_CONFIRM")',
		$((_now + 86400)), $_now)" >/dev/null
SUB_ID=$(sql "INSERT INTO subscriptions (email, language, kinds, frequency, confirm_hash, confirm_expires_at,
	confirmed_at, created_at) VALUES ('policy.live@example.org', 'en', 'round_opened', 'immediate',
	'$(_sub_hash "$(_sub_token)")', $_now, $_now, $_now) RETURNING id")
SUB_OTHER_ID=$(sql "INSERT INTO subscriptions (email, language, kinds, frequency, confirm_hash, confirm_expires_at,
	confirmed_at, created_at) VALUES ('policy.other@example.org', 'fr', 'round_opened', 'daily',
	'$(_sub_hash "$(_sub_token)")', $_now, $_now, $_now) RETURNING id")
sql "INSERT INTO subscription_tokens (token_hash, subscription_id, created_at)
	VALUES ('$(_sub_hash "$SUB_UNSUB")', $SUB_ID, $_now)" >/dev/null
