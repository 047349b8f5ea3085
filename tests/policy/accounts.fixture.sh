# accounts.fixture.sh: live links for accounts.policy, written straight into the store (the
# tokens are random; the store keeps their SHA-256 as the server does):
#   $CONFIRM_TOKEN  the confirmation link of an unconfirmed stakeholder
#   $INVITE_TOKEN   an invitation (delegate of CH, by the secretariat, account 1)
# Both expire in 2100, so a moved test clock leaves them live. Only GETs and POSTs that fail
# validation use them, so they stay live for every visitor.
_acc_token() { python3 -c 'import base64,os; print(base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("="))'; }
_acc_hash() { printf %s "$1" | sha256sum | cut -d' ' -f1; }
CONFIRM_TOKEN=$(_acc_token)
INVITE_TOKEN=$(_acc_token)
sql "
INSERT INTO accounts (email, name, role, password_hash, created_at)
	VALUES ('policy.unconfirmed@example.org', 'Policy Unconfirmed', 'stakeholder', 'x', $(date +%s));
INSERT INTO email_confirmations (token_hash, account_id, created_at, expires_at)
	VALUES ('$(_acc_hash "$CONFIRM_TOKEN")',
		(SELECT id FROM accounts WHERE email = 'policy.unconfirmed@example.org'), $(date +%s), 4102444800);
INSERT INTO invitations (token_hash, email, role, state_code, invited_by, created_at, expires_at)
	VALUES ('$(_acc_hash "$INVITE_TOKEN")', 'policy.invited@example.org', 'delegate', 'CH', 1,
		$(date +%s), 4102444800);" >/dev/null
