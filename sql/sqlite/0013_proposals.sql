-- 0013: consultation topics proposed to the Member States, decided by consensus.
-- Title, topic and draft questions are multilingual: they live in texts (thing 'proposal':
-- fields 'title', 'topic', 'question:1'..'question:10').
-- A proposal runs at a meeting (procedure 'meeting': the chair or the secretariat records the
-- decision) or as a silence procedure (procedure 'silence': at silence_deadline the scheduler's
-- event 'silence_ended' decides it: consensus unless an objection stands).
CREATE TABLE proposals (
	id INTEGER PRIMARY KEY,
	proposed_by INTEGER REFERENCES accounts (id),	-- NULL: the demo loader
	proposed_state TEXT NOT NULL DEFAULT '',	-- the proposer's Member State ('' for the chair, the secretariat)
	meeting_number INTEGER CHECK (meeting_number IS NULL OR meeting_number BETWEEN 1 AND 9999),
	procedure TEXT NOT NULL CHECK (procedure IN ('meeting', 'silence')),
	silence_deadline INTEGER CHECK ((procedure = 'silence') = (silence_deadline IS NOT NULL)),
	status TEXT NOT NULL DEFAULT 'open'
		CHECK (status IN ('open', 'consensus', 'no_consensus', 'deferred', 'withdrawn')),
	original_language TEXT NOT NULL DEFAULT 'en' CHECK (original_language IN ('ar', 'zh', 'en', 'fr', 'ru', 'es')),
	nquestions INTEGER NOT NULL DEFAULT 0 CHECK (nquestions BETWEEN 0 AND 10),
	decided_at INTEGER,
	decided_by INTEGER REFERENCES accounts (id),	-- NULL with decided_at: the scheduler
	decided_meeting INTEGER,			-- the meeting that decided it, if one did
	decision_note TEXT NOT NULL DEFAULT '',
	consultation_slug TEXT,				-- the consultation created from it
	created_at INTEGER NOT NULL
);
CREATE INDEX proposals_by_status ON proposals (status, silence_deadline);
CREATE UNIQUE INDEX proposals_by_consultation ON proposals (consultation_slug) WHERE consultation_slug IS NOT NULL;

-- Positions, append-only: the current position of a state is its latest row; every change kept.
CREATE TABLE proposal_positions (
	id INTEGER PRIMARY KEY,
	proposal_id INTEGER NOT NULL REFERENCES proposals (id),
	state_code TEXT NOT NULL,
	position TEXT NOT NULL CHECK (position IN ('support', 'no_objection', 'objection', 'abstain')),
	statement TEXT NOT NULL DEFAULT '' CHECK (position <> 'objection' OR length(trim(statement)) > 0),
	recorded_by INTEGER REFERENCES accounts (id),	-- NULL: the demo loader
	address TEXT NOT NULL DEFAULT '',
	at INTEGER NOT NULL
);
CREATE INDEX proposal_positions_by_state ON proposal_positions (proposal_id, state_code, id);
CREATE TRIGGER proposal_positions_append_only_u BEFORE UPDATE ON proposal_positions
BEGIN SELECT RAISE(ABORT, 'proposal positions are append-only'); END;
CREATE TRIGGER proposal_positions_append_only_d BEFORE DELETE ON proposal_positions
BEGIN SELECT RAISE(ABORT, 'proposal positions are append-only'); END;
