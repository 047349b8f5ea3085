-- 0003: responses as immutable versions, their answers and attachments, moderation events,
-- and uploads held for a form shown again.
CREATE TABLE responses (
	id INTEGER PRIMARY KEY,
	public_id TEXT NOT NULL UNIQUE,
	consultation_id INTEGER NOT NULL REFERENCES consultations (id),
	manage_token_hash TEXT NOT NULL UNIQUE,
	current_version INTEGER NOT NULL DEFAULT 1,
	-- what the public sees, derived from the moderation events and kept with them
	status TEXT NOT NULL CHECK (status IN ('published', 'pending', 'withheld', 'withdrawn')),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX responses_by_consultation ON responses (consultation_id, status, id);

CREATE TABLE response_versions (
	response_id INTEGER NOT NULL REFERENCES responses (id),
	version INTEGER NOT NULL,
	name TEXT NOT NULL,
	organization TEXT NOT NULL,
	job_title TEXT NOT NULL,
	country TEXT NOT NULL,
	stakeholder_type TEXT NOT NULL CHECK (stakeholder_type IN ('government', 'private_sector',
		'civil_society', 'academia', 'technical_community', 'international_organization', 'individual')),
	email TEXT NOT NULL,
	publish_as TEXT NOT NULL CHECK (publish_as IN ('name', 'organization', 'anonymous')),
	language TEXT NOT NULL,
	summary TEXT NOT NULL,
	content_sha256 TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (response_id, version)
);

CREATE TABLE response_answers (
	response_id INTEGER NOT NULL,
	version INTEGER NOT NULL,
	question INTEGER NOT NULL,
	body TEXT NOT NULL,
	PRIMARY KEY (response_id, version, question),
	FOREIGN KEY (response_id, version) REFERENCES response_versions (response_id, version)
);

CREATE TABLE response_attachments (
	response_id INTEGER NOT NULL,
	version INTEGER NOT NULL,
	position INTEGER NOT NULL,
	sha256 TEXT NOT NULL,
	filename TEXT NOT NULL,
	media_type TEXT NOT NULL,
	size_bytes INTEGER NOT NULL,
	PRIMARY KEY (response_id, version, position),
	FOREIGN KEY (response_id, version) REFERENCES response_versions (response_id, version)
);

CREATE TABLE moderation_events (
	id INTEGER PRIMARY KEY,
	response_id INTEGER NOT NULL REFERENCES responses (id),
	kind TEXT NOT NULL CHECK (kind IN ('submitted', 'published', 'revised', 'withheld', 'redacted',
		'erased', 'withdrawn')),
	version INTEGER NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	at INTEGER NOT NULL
);
CREATE INDEX moderation_by_response ON moderation_events (response_id, id);

-- Attachments of a form that came back with errors, kept for the retry under a random token.
CREATE TABLE held_uploads (
	id INTEGER PRIMARY KEY,
	token_hash TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	filename TEXT NOT NULL,
	media_type TEXT NOT NULL,
	size_bytes INTEGER NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX held_by_token ON held_uploads (token_hash);
