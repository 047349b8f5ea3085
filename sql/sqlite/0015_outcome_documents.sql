-- 0015: the documents an outcome concerns (a chair's report that records it, a secretariat
-- report on what was done). Who may read a linked document is still the document's own rule
-- (document_visible): a link to a members-only document is not shown to the public at all.
-- created_by NULL: the command line or the demo loader.
CREATE TABLE outcome_documents (
	id INTEGER PRIMARY KEY,
	outcome_id INTEGER NOT NULL REFERENCES outcomes (id),
	document_id INTEGER NOT NULL REFERENCES documents (id),
	created_at INTEGER NOT NULL,
	created_by INTEGER REFERENCES accounts (id),
	UNIQUE (outcome_id, document_id)
);
CREATE INDEX outcome_documents_by_document ON outcome_documents (document_id);
