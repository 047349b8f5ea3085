-- 0011: the working group's meetings and their lettered outcomes, tracked to completion.
-- Titles, agendas (Markdown) and outcome texts are multilingual: they live in texts
-- (thing 'meeting': fields 'title', 'agenda'; thing 'outcome': field 'text').
-- Dates are whole seconds, 00:00:00 UTC of the first and the last day.
CREATE TABLE meetings (
	id INTEGER PRIMARY KEY,
	number INTEGER NOT NULL UNIQUE CHECK (number BETWEEN 1 AND 9999),
	kind TEXT NOT NULL CHECK (kind IN ('working_group', 'open_consultation')),
	starts_on INTEGER NOT NULL,
	ends_on INTEGER NOT NULL CHECK (ends_on >= starts_on),
	place TEXT NOT NULL DEFAULT '',
	mode TEXT NOT NULL CHECK (mode IN ('in_person', 'virtual', 'hybrid')),
	original_language TEXT NOT NULL DEFAULT 'en' CHECK (original_language IN ('ar', 'zh', 'en', 'fr', 'ru', 'es')),
	created_at INTEGER NOT NULL
);
CREATE INDEX meetings_by_start ON meetings (starts_on, number);

-- A lettered outcome (a, b, c...) of a meeting: whom it addresses and how far it has come.
-- done_note, done_at, done_by: the last closure (done or superseded); empty while open.
CREATE TABLE outcomes (
	id INTEGER PRIMARY KEY,
	meeting_id INTEGER NOT NULL REFERENCES meetings (id),
	letter TEXT NOT NULL CHECK (length(letter) = 1 AND letter BETWEEN 'a' AND 'z'),
	kind TEXT NOT NULL CHECK (kind IN ('decision', 'request', 'invitation')),
	addressee TEXT NOT NULL CHECK (addressee IN ('secretariat', 'bureau_directors', 'member_states', 'chair')),
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'done', 'superseded')),
	done_note TEXT NOT NULL DEFAULT '',
	done_at INTEGER,
	done_by INTEGER REFERENCES accounts (id),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (meeting_id, letter)
);
CREATE INDEX outcomes_by_status ON outcomes (status, meeting_id);

-- What an outcome concerns besides what it launched: consultations now; documents will add
-- their own column (document_id) here.
CREATE TABLE outcome_links (
	id INTEGER PRIMARY KEY,
	outcome_id INTEGER NOT NULL REFERENCES outcomes (id),
	consultation_id INTEGER REFERENCES consultations (id),
	created_at INTEGER NOT NULL,
	UNIQUE (outcome_id, consultation_id)
);
CREATE INDEX outcome_links_by_consultation ON outcome_links (consultation_id);

-- Every status change of an outcome, kept: who (NULL: the command line or the demo loader),
-- from where, when, and the note given.
CREATE TABLE outcome_events (
	id INTEGER PRIMARY KEY,
	outcome_id INTEGER NOT NULL REFERENCES outcomes (id),
	from_status TEXT NOT NULL,
	to_status TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	account_id INTEGER REFERENCES accounts (id),
	address TEXT NOT NULL DEFAULT '',
	at INTEGER NOT NULL
);
CREATE INDEX outcome_events_by_outcome ON outcome_events (outcome_id, id);

-- The outcome that launched a consultation round (the archive groups rounds by its meeting).
ALTER TABLE consultations ADD COLUMN launched_by_outcome INTEGER REFERENCES outcomes (id);
CREATE INDEX consultations_by_launch ON consultations (launched_by_outcome);
