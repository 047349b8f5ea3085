-- 0016: search. The index itself is another file (DATA/search.db, src/search/index.h); here is
-- what tells it what to look at again, and the text taken out of attached files.
--
-- search_queue: every change to something searchable adds a row, in the same transaction as
-- the change (the triggers below, so no path that writes can forget it). The indexer reads
-- the rows after the position it stored in the index file, indexes those things again from
-- their current state, and stores the new position with them; rows behind it are deleted.
-- AUTOINCREMENT: ids are never reused, even after every row was deleted; a reused id would be
-- at or behind the index's position and never indexed.
CREATE TABLE search_queue (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	thing TEXT NOT NULL CHECK (thing IN ('consultation', 'response', 'outcome', 'document')),
	thing_id INTEGER NOT NULL
);

-- The text of a file (an attachment or a document revision), by content: extracted once per
-- distinct file by the 'extract' job in an `agora worker` subprocess.
-- status: ok (text found), no_text (a PDF without a text layer: "not searchable"),
-- unsupported (an image), failed (damaged, too big, too slow).
CREATE TABLE file_texts (
	sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
	status TEXT NOT NULL CHECK (status IN ('ok', 'no_text', 'unsupported', 'failed')),
	body TEXT NOT NULL DEFAULT '',
	error TEXT NOT NULL DEFAULT '',
	extracted_at INTEGER NOT NULL
);

CREATE TRIGGER search_consultation_ins AFTER INSERT ON consultations BEGIN
	INSERT INTO search_queue (thing, thing_id) VALUES ('consultation', NEW.id);
END;
CREATE TRIGGER search_consultation_upd AFTER UPDATE ON consultations BEGIN
	INSERT INTO search_queue (thing, thing_id) VALUES ('consultation', NEW.id);
END;
CREATE TRIGGER search_text_ins AFTER INSERT ON texts
	WHEN NEW.thing IN ('consultation', 'outcome', 'document') BEGIN
	INSERT INTO search_queue (thing, thing_id) VALUES (NEW.thing, NEW.thing_id);
END;
CREATE TRIGGER search_text_upd AFTER UPDATE ON texts
	WHEN NEW.thing IN ('consultation', 'outcome', 'document') BEGIN
	INSERT INTO search_queue (thing, thing_id) VALUES (NEW.thing, NEW.thing_id);
END;
CREATE TRIGGER search_text_del AFTER DELETE ON texts
	WHEN OLD.thing IN ('consultation', 'outcome', 'document') BEGIN
	INSERT INTO search_queue (thing, thing_id) VALUES (OLD.thing, OLD.thing_id);
END;
CREATE TRIGGER search_response_ins AFTER INSERT ON responses BEGIN
	INSERT INTO search_queue (thing, thing_id) VALUES ('response', NEW.id);
END;
CREATE TRIGGER search_response_upd AFTER UPDATE ON responses BEGIN
	INSERT INTO search_queue (thing, thing_id) VALUES ('response', NEW.id);
END;
-- Answers and attachments are written after the response row: index again once they are in.
CREATE TRIGGER search_version_ins AFTER INSERT ON response_versions BEGIN
	INSERT INTO search_queue (thing, thing_id) VALUES ('response', NEW.response_id);
END;
CREATE TRIGGER search_outcome_ins AFTER INSERT ON outcomes BEGIN
	INSERT INTO search_queue (thing, thing_id) VALUES ('outcome', NEW.id);
END;
CREATE TRIGGER search_outcome_upd AFTER UPDATE ON outcomes BEGIN
	INSERT INTO search_queue (thing, thing_id) VALUES ('outcome', NEW.id);
END;
CREATE TRIGGER search_document_ins AFTER INSERT ON documents BEGIN
	INSERT INTO search_queue (thing, thing_id) VALUES ('document', NEW.id);
END;
CREATE TRIGGER search_document_upd AFTER UPDATE ON documents BEGIN
	INSERT INTO search_queue (thing, thing_id) VALUES ('document', NEW.id);
END;
CREATE TRIGGER search_revision_ins AFTER INSERT ON document_revisions BEGIN
	INSERT INTO search_queue (thing, thing_id) VALUES ('document', NEW.document_id);
END;

-- A file's text: extracted once per distinct file (run_at 0: due at once, whatever the clock).
CREATE TRIGGER extract_attachment AFTER INSERT ON response_attachments
	WHEN NOT EXISTS (SELECT 1 FROM file_texts WHERE sha256 = NEW.sha256)
	 AND NOT EXISTS (SELECT 1 FROM jobs WHERE kind = 'extract' AND payload = NEW.sha256
			 AND state IN ('pending', 'running')) BEGIN
	INSERT INTO jobs (kind, payload, run_at, created_at, updated_at)
	VALUES ('extract', NEW.sha256, 0, 0, 0);
END;
CREATE TRIGGER extract_revision AFTER INSERT ON document_revisions
	WHEN NOT EXISTS (SELECT 1 FROM file_texts WHERE sha256 = NEW.sha256)
	 AND NOT EXISTS (SELECT 1 FROM jobs WHERE kind = 'extract' AND payload = NEW.sha256
			 AND state IN ('pending', 'running')) BEGIN
	INSERT INTO jobs (kind, payload, run_at, created_at, updated_at)
	VALUES ('extract', NEW.sha256, 0, 0, 0);
END;
-- Once a file's text is known, everything that carries the file is indexed again.
CREATE TRIGGER search_file_text AFTER INSERT ON file_texts BEGIN
	INSERT INTO search_queue (thing, thing_id)
		SELECT DISTINCT 'response', response_id FROM response_attachments WHERE sha256 = NEW.sha256;
	INSERT INTO search_queue (thing, thing_id)
		SELECT DISTINCT 'document', document_id FROM document_revisions WHERE sha256 = NEW.sha256;
END;
CREATE INDEX attachments_by_sha ON response_attachments (sha256);
CREATE INDEX revisions_by_sha ON document_revisions (sha256);
CREATE INDEX jobs_by_payload ON jobs (kind, payload);
