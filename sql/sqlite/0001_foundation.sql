-- 0001: accounts, consultations with their texts and questions, events, jobs, blob references.
-- Times are whole seconds since the epoch, UTC. Written to run on PostgreSQL with BIGINT.
CREATE TABLE accounts (
	id INTEGER PRIMARY KEY,
	email TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	role TEXT NOT NULL CHECK (role IN ('secretariat', 'chair', 'focal_point', 'delegate', 'stakeholder')),
	password_hash TEXT NOT NULL,
	created_at INTEGER NOT NULL
);

CREATE TABLE consultations (
	id INTEGER PRIMARY KEY,
	slug TEXT NOT NULL UNIQUE,
	original_language TEXT NOT NULL CHECK (original_language IN ('ar', 'zh', 'en', 'fr', 'ru', 'es')),
	opens_at INTEGER NOT NULL,
	closes_at INTEGER NOT NULL CHECK (closes_at >= opens_at),
	state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'scheduled', 'open', 'closed')),
	moderation TEXT NOT NULL CHECK (moderation IN ('post', 'pre')),
	meeting TEXT NOT NULL DEFAULT '',
	illustrative_questions INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX consultations_by_opens ON consultations (opens_at DESC, id DESC);
CREATE INDEX consultations_by_state ON consultations (state, opens_at);

CREATE TABLE questions (
	consultation_id INTEGER NOT NULL REFERENCES consultations (id),
	number INTEGER NOT NULL CHECK (number BETWEEN 1 AND 10),
	PRIMARY KEY (consultation_id, number)
);

-- Texts that exist in several languages: (thing, id, field, language) -> body.
CREATE TABLE texts (
	thing TEXT NOT NULL,
	thing_id INTEGER NOT NULL,
	field TEXT NOT NULL,
	language TEXT NOT NULL CHECK (language IN ('ar', 'zh', 'en', 'fr', 'ru', 'es')),
	body TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('original', 'official', 'draft')),
	PRIMARY KEY (thing, thing_id, field, language)
);

-- What the scheduler fired: each (kind, thing, id) at most once.
CREATE TABLE events (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL,
	thing TEXT NOT NULL,
	thing_id INTEGER NOT NULL,
	due_at INTEGER NOT NULL,
	fired_at INTEGER NOT NULL,
	UNIQUE (kind, thing, thing_id)
);

CREATE TABLE jobs (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL,
	payload TEXT NOT NULL DEFAULT '',
	state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	max_attempts INTEGER NOT NULL DEFAULT 5,
	run_at INTEGER NOT NULL,
	last_error TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs (state, run_at);

-- Every row that names a blob says so here, in the same transaction; the sweep keeps these.
CREATE TABLE blob_refs (
	sha256 TEXT NOT NULL,
	thing TEXT NOT NULL,
	thing_id INTEGER NOT NULL,
	PRIMARY KEY (sha256, thing, thing_id)
);
