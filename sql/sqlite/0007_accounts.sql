-- 0007: accounts tied to Member States, email confirmation, invitations and the mail outbox.
-- The Member States of the ITU (the 193 of the United Nations and the Holy See) with their
-- ITU-D region; their names come from Debian's iso-codes at run time, in the reader's language.
CREATE TABLE member_states (
	code TEXT PRIMARY KEY CHECK (length(code) = 2 AND code = upper(code)),
	region TEXT NOT NULL CHECK (region IN ('africa', 'americas', 'arab_states', 'asia_pacific', 'cis', 'europe'))
);
-- africa: 44
INSERT INTO member_states (code, region) VALUES
	('AO', 'africa'), ('BF', 'africa'), ('BI', 'africa'), ('BJ', 'africa'), ('BW', 'africa'), ('CD', 'africa'),
	('CF', 'africa'), ('CG', 'africa'), ('CI', 'africa'), ('CM', 'africa'), ('CV', 'africa'), ('ER', 'africa'),
	('ET', 'africa'), ('GA', 'africa'), ('GH', 'africa'), ('GM', 'africa'), ('GN', 'africa'), ('GQ', 'africa'),
	('GW', 'africa'), ('KE', 'africa'), ('LR', 'africa'), ('LS', 'africa'), ('MG', 'africa'), ('ML', 'africa'),
	('MU', 'africa'), ('MW', 'africa'), ('MZ', 'africa'), ('NA', 'africa'), ('NE', 'africa'), ('NG', 'africa'),
	('RW', 'africa'), ('SC', 'africa'), ('SL', 'africa'), ('SN', 'africa'), ('SS', 'africa'), ('ST', 'africa'),
	('SZ', 'africa'), ('TD', 'africa'), ('TG', 'africa'), ('TZ', 'africa'), ('UG', 'africa'), ('ZA', 'africa'),
	('ZM', 'africa'), ('ZW', 'africa');
-- americas: 35
INSERT INTO member_states (code, region) VALUES
	('AG', 'americas'), ('AR', 'americas'), ('BB', 'americas'), ('BO', 'americas'), ('BR', 'americas'), ('BS', 'americas'),
	('BZ', 'americas'), ('CA', 'americas'), ('CL', 'americas'), ('CO', 'americas'), ('CR', 'americas'), ('CU', 'americas'),
	('DM', 'americas'), ('DO', 'americas'), ('EC', 'americas'), ('GD', 'americas'), ('GT', 'americas'), ('GY', 'americas'),
	('HN', 'americas'), ('HT', 'americas'), ('JM', 'americas'), ('KN', 'americas'), ('LC', 'americas'), ('MX', 'americas'),
	('NI', 'americas'), ('PA', 'americas'), ('PE', 'americas'), ('PY', 'americas'), ('SR', 'americas'), ('SV', 'americas'),
	('TT', 'americas'), ('US', 'americas'), ('UY', 'americas'), ('VC', 'americas'), ('VE', 'americas');
-- arab states: 21
INSERT INTO member_states (code, region) VALUES
	('AE', 'arab_states'), ('BH', 'arab_states'), ('DJ', 'arab_states'), ('DZ', 'arab_states'), ('EG', 'arab_states'), ('IQ', 'arab_states'),
	('JO', 'arab_states'), ('KM', 'arab_states'), ('KW', 'arab_states'), ('LB', 'arab_states'), ('LY', 'arab_states'), ('MA', 'arab_states'),
	('MR', 'arab_states'), ('OM', 'arab_states'), ('QA', 'arab_states'), ('SA', 'arab_states'), ('SD', 'arab_states'), ('SO', 'arab_states'),
	('SY', 'arab_states'), ('TN', 'arab_states'), ('YE', 'arab_states');
-- asia pacific: 39
INSERT INTO member_states (code, region) VALUES
	('AF', 'asia_pacific'), ('AU', 'asia_pacific'), ('BD', 'asia_pacific'), ('BN', 'asia_pacific'), ('BT', 'asia_pacific'), ('CN', 'asia_pacific'),
	('FJ', 'asia_pacific'), ('FM', 'asia_pacific'), ('ID', 'asia_pacific'), ('IN', 'asia_pacific'), ('IR', 'asia_pacific'), ('JP', 'asia_pacific'),
	('KH', 'asia_pacific'), ('KI', 'asia_pacific'), ('KP', 'asia_pacific'), ('KR', 'asia_pacific'), ('LA', 'asia_pacific'), ('LK', 'asia_pacific'),
	('MH', 'asia_pacific'), ('MM', 'asia_pacific'), ('MN', 'asia_pacific'), ('MV', 'asia_pacific'), ('MY', 'asia_pacific'), ('NP', 'asia_pacific'),
	('NR', 'asia_pacific'), ('NZ', 'asia_pacific'), ('PG', 'asia_pacific'), ('PH', 'asia_pacific'), ('PK', 'asia_pacific'), ('PW', 'asia_pacific'),
	('SB', 'asia_pacific'), ('SG', 'asia_pacific'), ('TH', 'asia_pacific'), ('TL', 'asia_pacific'), ('TO', 'asia_pacific'), ('TV', 'asia_pacific'),
	('VN', 'asia_pacific'), ('VU', 'asia_pacific'), ('WS', 'asia_pacific');
-- cis: 9
INSERT INTO member_states (code, region) VALUES
	('AM', 'cis'), ('AZ', 'cis'), ('BY', 'cis'), ('KG', 'cis'), ('KZ', 'cis'), ('RU', 'cis'),
	('TJ', 'cis'), ('TM', 'cis'), ('UZ', 'cis');
-- europe: 46
INSERT INTO member_states (code, region) VALUES
	('AD', 'europe'), ('AL', 'europe'), ('AT', 'europe'), ('BA', 'europe'), ('BE', 'europe'), ('BG', 'europe'),
	('CH', 'europe'), ('CY', 'europe'), ('CZ', 'europe'), ('DE', 'europe'), ('DK', 'europe'), ('EE', 'europe'),
	('ES', 'europe'), ('FI', 'europe'), ('FR', 'europe'), ('GB', 'europe'), ('GE', 'europe'), ('GR', 'europe'),
	('HR', 'europe'), ('HU', 'europe'), ('IE', 'europe'), ('IL', 'europe'), ('IS', 'europe'), ('IT', 'europe'),
	('LI', 'europe'), ('LT', 'europe'), ('LU', 'europe'), ('LV', 'europe'), ('MC', 'europe'), ('MD', 'europe'),
	('ME', 'europe'), ('MK', 'europe'), ('MT', 'europe'), ('NL', 'europe'), ('NO', 'europe'), ('PL', 'europe'),
	('PT', 'europe'), ('RO', 'europe'), ('RS', 'europe'), ('SE', 'europe'), ('SI', 'europe'), ('SK', 'europe'),
	('SM', 'europe'), ('TR', 'europe'), ('UA', 'europe'), ('VA', 'europe');

-- Before 0007 a delegate or focal point had no state and cannot be given one here: such an
-- account becomes a stakeholder, written in the audit log, and the secretariat sets its role
-- and state again on /admin/accounts.
INSERT INTO audit_log (at, account_id, address, action, object, detail)
	SELECT CAST(strftime('%s', 'now') AS INTEGER), NULL, 'migration', 'role_change', 'account/' || id,
	       role || ' -> stakeholder: a Member State is now required for this role'
	FROM accounts WHERE role IN ('delegate', 'focal_point');
UPDATE accounts SET role = 'stakeholder' WHERE role IN ('delegate', 'focal_point');

-- A delegate and a focal point belong to one Member State; no other role has one.
ALTER TABLE accounts ADD COLUMN state_code TEXT REFERENCES member_states (code)
	CHECK ((role IN ('delegate', 'focal_point')) = (state_code IS NOT NULL));
-- NULL: the email address is not confirmed yet (a self-registered stakeholder); such an
-- account cannot log in. Every account made before 0007 was made by the operator: confirmed.
ALTER TABLE accounts ADD COLUMN confirmed_at INTEGER;
UPDATE accounts SET confirmed_at = created_at;
-- One focal point per Member State.
CREATE UNIQUE INDEX accounts_one_focal_point ON accounts (state_code) WHERE role = 'focal_point';
CREATE INDEX accounts_by_state ON accounts (state_code, role);

-- Links sent by mail: the token is in the link only; the store keeps its SHA-256.
CREATE TABLE email_confirmations (
	id INTEGER PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE,
	account_id INTEGER NOT NULL REFERENCES accounts (id),
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at INTEGER
);

CREATE TABLE invitations (
	id INTEGER PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE,
	email TEXT NOT NULL,
	role TEXT NOT NULL CHECK (role IN ('secretariat', 'chair', 'focal_point', 'delegate')),
	state_code TEXT REFERENCES member_states (code)
		CHECK ((role IN ('delegate', 'focal_point')) = (state_code IS NOT NULL)),
	invited_by INTEGER NOT NULL REFERENCES accounts (id),
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at INTEGER,
	account_id INTEGER REFERENCES accounts (id)	-- the account made by accepting it
);
CREATE INDEX invitations_by_state ON invitations (state_code, id);

-- Mail is only queued here; a later issue sends it (sent_at NULL: not yet sent).
CREATE TABLE outbox (
	id INTEGER PRIMARY KEY,
	created_at INTEGER NOT NULL,
	to_addr TEXT NOT NULL,
	lang TEXT NOT NULL CHECK (lang IN ('ar', 'zh', 'en', 'fr', 'ru', 'es')),
	kind TEXT NOT NULL,
	subject TEXT NOT NULL,
	body_text TEXT NOT NULL,
	sent_at INTEGER
);
CREATE INDEX outbox_unsent ON outbox (sent_at, id);
CREATE INDEX outbox_by_to ON outbox (lower(to_addr), id);
