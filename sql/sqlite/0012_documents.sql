-- 0012: documents of the working group (Member States' contributions, the secretariat's and the
-- chair's reports...), numbered per meeting ("CWG-Internet 17/3"), with every revision kept.
-- Titles are multilingual: they live in texts (thing 'document', field 'title').
-- author_state NULL: the secretariat is the author; otherwise the Member State's code.
-- url_name is the symbol's form in addresses: 'cwg-internet-17-3'.
CREATE TABLE documents (
	id INTEGER PRIMARY KEY,
	symbol TEXT NOT NULL UNIQUE,
	url_name TEXT NOT NULL UNIQUE,
	meeting_id INTEGER NOT NULL REFERENCES meetings (id),
	seq INTEGER NOT NULL CHECK (seq BETWEEN 1 AND 9999),
	kind TEXT NOT NULL CHECK (kind IN ('contribution', 'secretariat_report', 'chair_report',
					   'consultation_summary', 'other')),
	author_state TEXT REFERENCES member_states (code),
	status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
	public INTEGER NOT NULL DEFAULT 0 CHECK (public IN (0, 1)),
	original_language TEXT NOT NULL DEFAULT 'en' CHECK (original_language IN ('ar', 'zh', 'en', 'fr', 'ru', 'es')),
	created_at INTEGER NOT NULL,
	created_by INTEGER REFERENCES accounts (id),	-- NULL: the command line or the demo loader
	submitted_at INTEGER,
	published_at INTEGER,
	UNIQUE (meeting_id, seq)
);
CREATE INDEX documents_by_author ON documents (author_state, status);

-- Every revision: 0 is the original, 1 is Rev.1... Each names a blob (blob_refs thing
-- 'document_revision', thing_id = the revision's id), kept for good.
CREATE TABLE document_revisions (
	id INTEGER PRIMARY KEY,
	document_id INTEGER NOT NULL REFERENCES documents (id),
	number INTEGER NOT NULL CHECK (number BETWEEN 0 AND 999),
	sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
	filename TEXT NOT NULL,
	media_type TEXT NOT NULL,
	size INTEGER NOT NULL CHECK (size >= 0),
	uploaded_at INTEGER NOT NULL,
	uploaded_by INTEGER REFERENCES accounts (id),
	UNIQUE (document_id, number)
);
