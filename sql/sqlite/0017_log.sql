-- 0017: the public log (issue 7; docs/LEDGER.md). What happens to a response, a round, a document
-- or an outcome is queued in log_pending by the triggers below, in the transaction that makes it
-- happen; at the end of every writer batch, still inside that transaction, the log turns the
-- queue into entries (log_entries), appends their leaf hashes to the tree (log_tiles, C2SP
-- tlog-tiles) and signs a checkpoint (log_checkpoints). No write path can forget an entry, and
-- none is acknowledged before its entry and checkpoint are committed with it.
CREATE TABLE log_pending (
	id INTEGER PRIMARY KEY,		-- emptied by every seal: ids may start again
	kind TEXT NOT NULL CHECK (kind IN ('response_version', 'moderation', 'consultation',
		'document_revision', 'outcome', 'key_rotation')),
	ref INTEGER NOT NULL,		-- the row: response id, event id, consultation id...
	ref2 INTEGER NOT NULL DEFAULT 0,	-- version (response_version), state 1 opened 2 closed
	payload BLOB			-- key_rotation: the entry's bytes, made by `agora log rotate-key`
);

-- Entry idx is leaf idx of the tree; entry holds its canonical bytes (src/ledger/entry.h); salt
-- the random salt of its commitment (empty when it has none); never updated, never deleted.
CREATE TABLE log_entries (
	idx INTEGER PRIMARY KEY,
	kind TEXT NOT NULL,
	ref INTEGER NOT NULL,
	ref2 INTEGER NOT NULL DEFAULT 0,
	entry BLOB NOT NULL,
	salt BLOB NOT NULL,
	leaf_hash BLOB NOT NULL,
	logged_at INTEGER NOT NULL
);
CREATE INDEX log_entries_by_ref ON log_entries (kind, ref, ref2);

-- Tile (level, idx) at its widest so far: width hashes of 32 bytes. A narrower (partial) version
-- a client asks for is a prefix of it.
CREATE TABLE log_tiles (
	level INTEGER NOT NULL,
	idx INTEGER NOT NULL,
	width INTEGER NOT NULL CHECK (width BETWEEN 1 AND 256),
	data BLOB NOT NULL,
	PRIMARY KEY (level, idx)
);

-- Every checkpoint signed, with the verifier key that signed it.
CREATE TABLE log_checkpoints (
	id INTEGER PRIMARY KEY,
	size INTEGER NOT NULL,
	root BLOB NOT NULL,
	vkey TEXT NOT NULL,
	note TEXT NOT NULL,
	signed_at INTEGER NOT NULL
);
CREATE INDEX log_checkpoints_by_size ON log_checkpoints (size, id);

-- The log's keys in the order they signed: the first, then one per rotation entry.
CREATE TABLE log_keys (
	id INTEGER PRIMARY KEY,
	vkey TEXT NOT NULL UNIQUE,
	from_size INTEGER NOT NULL,
	added_at INTEGER NOT NULL
);

-- Witnesses' cosignatures of checkpoints (the line as the witness wrote it).
CREATE TABLE log_cosignatures (
	checkpoint_id INTEGER NOT NULL REFERENCES log_checkpoints (id),
	witness TEXT NOT NULL,
	line TEXT NOT NULL,
	received_at INTEGER NOT NULL,
	PRIMARY KEY (checkpoint_id, witness)
);

CREATE TRIGGER log_response_version AFTER INSERT ON response_versions BEGIN
	INSERT INTO log_pending (kind, ref, ref2) VALUES ('response_version', NEW.response_id, NEW.version);
END;
-- 'submitted' and 'revised' are the version entries themselves.
CREATE TRIGGER log_moderation AFTER INSERT ON moderation_events
WHEN NEW.kind IN ('published', 'withheld', 'redacted', 'corrected', 'erased', 'withdrawn') BEGIN
	INSERT INTO log_pending (kind, ref) VALUES ('moderation', NEW.id);
END;
CREATE TRIGGER log_consultation_new AFTER INSERT ON consultations
WHEN NEW.state IN ('open', 'closed') BEGIN
	INSERT INTO log_pending (kind, ref, ref2)
	VALUES ('consultation', NEW.id, CASE NEW.state WHEN 'open' THEN 1 ELSE 2 END);
END;
CREATE TRIGGER log_consultation_state AFTER UPDATE OF state ON consultations
WHEN NEW.state IN ('open', 'closed') AND NEW.state <> OLD.state BEGIN
	INSERT INTO log_pending (kind, ref, ref2)
	VALUES ('consultation', NEW.id, CASE NEW.state WHEN 'open' THEN 1 ELSE 2 END);
END;
CREATE TRIGGER log_document_published AFTER UPDATE OF public ON documents
WHEN NEW.public = 1 AND OLD.public = 0 BEGIN
	INSERT INTO log_pending (kind, ref)
	SELECT 'document_revision', id FROM document_revisions WHERE document_id = NEW.id ORDER BY number;
END;
CREATE TRIGGER log_document_revision AFTER INSERT ON document_revisions
WHEN (SELECT public FROM documents WHERE id = NEW.document_id) = 1 BEGIN
	INSERT INTO log_pending (kind, ref) VALUES ('document_revision', NEW.id);
END;
CREATE TRIGGER log_outcome AFTER INSERT ON outcomes BEGIN
	INSERT INTO log_pending (kind, ref) VALUES ('outcome', NEW.id);
END;

-- A data folder from before the log: everything already there is logged by the first batch,
-- oldest first (a closed round as opened, then closed).
INSERT INTO log_pending (kind, ref, ref2)
SELECT kind, ref, ref2 FROM (
	SELECT 'consultation' AS kind, id AS ref, 1 AS ref2, opens_at AS t, 0 AS o FROM consultations
		WHERE state IN ('open', 'closed')
	UNION ALL SELECT 'consultation', id, 2, closes_at, 0 FROM consultations WHERE state = 'closed'
	UNION ALL SELECT 'response_version', response_id, version, created_at, 1 FROM response_versions
	UNION ALL SELECT 'moderation', id, 0, at, 2 FROM moderation_events
		WHERE kind IN ('published', 'withheld', 'redacted', 'corrected', 'erased', 'withdrawn')
	UNION ALL SELECT 'document_revision', r.id, 0, r.uploaded_at, 3 FROM document_revisions r
		JOIN documents d ON d.id = r.document_id WHERE d.public = 1
	UNION ALL SELECT 'outcome', id, 0, created_at, 4 FROM outcomes
) ORDER BY t, o, ref, ref2;
