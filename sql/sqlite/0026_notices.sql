-- 0026: per-address opt-outs of personal notices (issue 13, docs/MAIL-NOTICES.md). Every notice
-- queued with an unsubscribe link gets one row here: the address, the kind of notice the link
-- stops and the SHA-256 of the link's token (the token is in the mail only). opted_out_at is set
-- when the link is used; a notice of that kind to that address is then no longer queued. Rows
-- are kept: they are the record of what each address asked.
CREATE TABLE mail_optouts (
	id INTEGER PRIMARY KEY,
	address TEXT NOT NULL,
	kind TEXT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	created_at INTEGER NOT NULL,
	opted_out_at INTEGER
);
CREATE INDEX mail_optouts_by_address ON mail_optouts (address, kind);
-- The language an account's notices are written in; NULL: the language of the mail that
-- confirmed or invited the account, else English.
ALTER TABLE accounts ADD COLUMN mail_lang TEXT CHECK (mail_lang IN ('ar', 'zh', 'en', 'fr', 'ru', 'es'));
