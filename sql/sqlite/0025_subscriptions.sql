-- 0025: subscriptions to the working group's notices, for anyone, with or without an account
-- (issue 13, docs/MAIL-SUBSCRIPTIONS.md). Double opt-in: a row is live once confirmed_at is set
-- and until unsubscribed_at is. Subscribing again makes a new row; confirming it ends the
-- address's live row (ended = 'replaced'), so one address has at most one live subscription.
-- Tokens are stored as SHA-256 only: the confirmation link's on the row, and every mail's own
-- unsubscribe link in subscription_tokens (a stored hash cannot be put back into the next mail).
CREATE TABLE subscriptions (
	id INTEGER PRIMARY KEY,
	email TEXT NOT NULL,
	account_id INTEGER REFERENCES accounts (id),
	language TEXT NOT NULL CHECK (language IN ('ar', 'zh', 'en', 'fr', 'ru', 'es')),
	kinds TEXT NOT NULL,	-- comma list of round_opened, round_closing, summary_published, report_published, outcomes_published
	frequency TEXT NOT NULL CHECK (frequency IN ('immediate', 'daily', 'weekly')),
	confirm_hash TEXT NOT NULL UNIQUE,
	confirm_expires_at INTEGER NOT NULL,
	confirmed_at INTEGER,
	unsubscribed_at INTEGER,
	ended TEXT CHECK (ended IN ('unsubscribed', 'replaced')),
	last_digest_at INTEGER,
	created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX subscriptions_live ON subscriptions (lower(email))
	WHERE confirmed_at IS NOT NULL AND unsubscribed_at IS NULL;
CREATE INDEX subscriptions_by_email ON subscriptions (lower(email), id);
CREATE TABLE subscription_tokens (
	token_hash TEXT PRIMARY KEY,
	subscription_id INTEGER NOT NULL REFERENCES subscriptions (id),
	created_at INTEGER NOT NULL
);
-- What was announced, once each (about: "consultation/SLUG/opened", "document/URL", ...).
CREATE TABLE announcements (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('round_opened', 'round_closing', 'summary_published',
					   'report_published', 'outcomes_published')),
	about TEXT NOT NULL UNIQUE,
	created_at INTEGER NOT NULL
);
-- A digest waiting (sent_at NULL: at most one a subscription) or sent.
CREATE TABLE subscription_digests (
	id INTEGER PRIMARY KEY,
	subscription_id INTEGER NOT NULL REFERENCES subscriptions (id),
	due_at INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	sent_at INTEGER,
	outcome TEXT CHECK (outcome IN ('sent', 'ended'))
);
CREATE UNIQUE INDEX subscription_digests_waiting ON subscription_digests (subscription_id)
	WHERE sent_at IS NULL;
CREATE INDEX subscription_digests_due ON subscription_digests (sent_at, due_at);
-- One announcement for one subscription, composed in its language; mailed_at NULL while it
-- waits for its digest.
CREATE TABLE subscription_notices (
	id INTEGER PRIMARY KEY,
	subscription_id INTEGER NOT NULL REFERENCES subscriptions (id),
	announcement_id INTEGER NOT NULL REFERENCES announcements (id),
	title TEXT NOT NULL,
	detail TEXT NOT NULL,
	url TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	digest_id INTEGER REFERENCES subscription_digests (id),
	mailed_at INTEGER,
	UNIQUE (subscription_id, announcement_id)
);
CREATE INDEX subscription_notices_by_digest ON subscription_notices (digest_id);
