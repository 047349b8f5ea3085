-- 0009: personal data. Responses entered by the secretariat on a respondent's behalf (how and
-- when they were received, and who entered them); requests for correction or erasure filed with
-- the manage link; the states and events these add: a response may be 'erased', a version may
-- be a correction, and moderation has 'corrected' events.
--
-- SQLite cannot change a CHECK constraint in place, so responses and moderation_events are
-- copied, dropped and made again. Rows of response_versions and moderation_events name
-- responses: the foreign keys are deferred to the commit, by which time every parent row is
-- back (re-inserting a parent settles the violations its drop counted).
PRAGMA defer_foreign_keys = ON;

CREATE TABLE responses_0009 AS SELECT * FROM responses;
DROP TABLE responses;
CREATE TABLE responses (
	id INTEGER PRIMARY KEY,
	public_id TEXT NOT NULL UNIQUE,
	consultation_id INTEGER NOT NULL REFERENCES consultations (id),
	manage_token_hash TEXT NOT NULL UNIQUE,
	current_version INTEGER NOT NULL DEFAULT 1,
	-- what the public sees, derived from the moderation events and kept with them
	status TEXT NOT NULL CHECK (status IN ('published', 'pending', 'withheld', 'withdrawn', 'erased')),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	-- how it came: 'online' (the respondent, by the form or the API), or entered by the
	-- secretariat from 'email', 'post' or 'other'
	channel TEXT NOT NULL DEFAULT 'online' CHECK (channel IN ('online', 'email', 'post', 'other')),
	-- entered on behalf: the day it was received (midnight UTC) and who entered it
	received_at INTEGER,
	entered_by INTEGER REFERENCES accounts (id),
	-- erased: the state it was erased from. A response that was never public (pending) stays
	-- unlisted and without a page; one that was published keeps its place in the lists as a stub.
	erased_from TEXT NOT NULL DEFAULT ''
);
INSERT INTO responses (id, public_id, consultation_id, manage_token_hash, current_version, status,
	created_at, updated_at)
	SELECT id, public_id, consultation_id, manage_token_hash, current_version, status, created_at,
	updated_at FROM responses_0009;
DROP TABLE responses_0009;
CREATE INDEX responses_by_consultation ON responses (consultation_id, status, id);

CREATE TABLE moderation_events_0009 AS SELECT * FROM moderation_events;
DROP TABLE moderation_events;
CREATE TABLE moderation_events (
	id INTEGER PRIMARY KEY,
	response_id INTEGER NOT NULL REFERENCES responses (id),
	kind TEXT NOT NULL CHECK (kind IN ('submitted', 'published', 'revised', 'withheld', 'redacted',
		'corrected', 'erased', 'withdrawn')),
	version INTEGER NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	at INTEGER NOT NULL
);
INSERT INTO moderation_events (id, response_id, kind, version, reason, at)
	SELECT id, response_id, kind, version, reason, at FROM moderation_events_0009;
DROP TABLE moderation_events_0009;
CREATE INDEX moderation_by_response ON moderation_events (response_id, id);
CREATE INDEX moderation_by_kind ON moderation_events (kind, id);

-- A version made at the respondent's request (the one before it stays, private).
ALTER TABLE response_versions ADD COLUMN corrected INTEGER NOT NULL DEFAULT 0;

-- What a respondent asks of the secretariat with the manage link. One open request per
-- response at a time; 'done' or 'declined' (with the reason the respondent is shown) once
-- the secretariat has acted.
CREATE TABLE response_requests (
	id INTEGER PRIMARY KEY,
	response_id INTEGER NOT NULL REFERENCES responses (id),
	kind TEXT NOT NULL CHECK (kind IN ('correction', 'erasure')),
	message TEXT NOT NULL,
	state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'declined')),
	created_at INTEGER NOT NULL,
	decided_at INTEGER,
	decided_by INTEGER REFERENCES accounts (id),
	decline_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX requests_by_response ON response_requests (response_id, id);
CREATE INDEX requests_by_state ON response_requests (state, id);
