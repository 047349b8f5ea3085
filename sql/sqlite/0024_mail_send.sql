-- 0024: sending the outbox (issue 13). Each mail has a status: queued (waiting, or waiting for a
-- retry at next_attempt_at), sent (the relay accepted it; sent_at), failed (refused, or given up
-- after retrying), suppressed (its address is on the suppression list: never sent, kept visible).
-- Every attempt is a row of its own; an attempt the server did not live to finish stays
-- 'sending' until the next one marks it 'interrupted'. An address a relay refused for good (5xx
-- on RCPT or after DATA) is suppressed until the secretariat lifts it (lifted_at: kept, not deleted).
ALTER TABLE outbox ADD COLUMN status TEXT NOT NULL DEFAULT 'queued'
	CHECK (status IN ('queued', 'sent', 'failed', 'suppressed'));
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
UPDATE outbox SET status = 'sent' WHERE sent_at IS NOT NULL;
UPDATE outbox SET next_attempt_at = created_at;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at, id);

CREATE TABLE outbox_attempts (
	id INTEGER PRIMARY KEY,
	outbox_id INTEGER NOT NULL REFERENCES outbox (id),
	started_at INTEGER NOT NULL,
	result TEXT NOT NULL CHECK (result IN ('sending', 'sent', 'retry', 'refused', 'failed', 'interrupted')),
	smtp_code INTEGER NOT NULL DEFAULT 0,	-- the relay's last reply code, 0: none (no connection)
	reply TEXT NOT NULL DEFAULT ''		-- the relay's last reply, or what went wrong before one
);
CREATE INDEX outbox_attempts_by_mail ON outbox_attempts (outbox_id, id);

CREATE TABLE mail_suppressed (
	id INTEGER PRIMARY KEY,
	addr TEXT NOT NULL,			-- lower case
	reason TEXT NOT NULL,			-- the relay's refusal
	outbox_id INTEGER REFERENCES outbox (id),	-- the mail that was refused
	suppressed_at INTEGER NOT NULL,
	lifted_at INTEGER			-- NULL: in force
);
CREATE UNIQUE INDEX mail_suppressed_active ON mail_suppressed (addr) WHERE lifted_at IS NULL;
