# registration.fixture.sh: a registration for the demo's open consultation meeting (9001), written
# straight into the store with a known cancel token (the store keeps its SHA-256, as the server
# does), for registration.policy:
#   $REG_ID     the registration's id
#   $REG_TOKEN  its cancel token
#   $REG_WRONG  a well-formed token that is not its token
# Only GETs and POSTs with a wrong token use them, so the registration stays registered.
_reg_token() { python3 -c 'import base64,os; print(base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("="))'; }
REG_TOKEN=$(_reg_token)
REG_WRONG=$(_reg_token)
REG_ID=$(sql "
INSERT INTO registrations (meeting_id, name, organization, country, stakeholder_type, email, language, attendance,
	wish_to_speak, publish_as, token_hash, created_at)
	VALUES ((SELECT id FROM meetings WHERE number = 9001), 'Policy Registrant', 'Policy Org', 'FR', 'academia',
		'policy.registrant@example.org', 'en', 'remote', 1, 'name',
		'$(printf %s "$REG_TOKEN" | sha256sum | cut -d' ' -f1)', $(date +%s))
	RETURNING id")
