-- 0005: browser sessions (the cookie's token stored only as SHA-256) and the audit log: who did
-- what, when and from where. Failed logins in the audit log are what login throttling counts.
CREATE TABLE sessions (
	id INTEGER PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE,
	account_id INTEGER NOT NULL REFERENCES accounts (id),
	created_at INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	ended_at INTEGER,
	address TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_by_account ON sessions (account_id, id);

CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY,
	at INTEGER NOT NULL,
	account_id INTEGER REFERENCES accounts (id),
	address TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	object TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_by_account ON audit_log (account_id, id);
-- login throttling: failures by the email as typed, and by client address
CREATE INDEX audit_by_object ON audit_log (action, lower(object), at);
CREATE INDEX audit_by_address ON audit_log (address, action, at);
