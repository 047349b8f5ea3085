-- 0028 (as sql/sqlite/0028_retention_clean.sql): consultations.retention_clean is 1 once the retention job has gone through a closed
-- round and left no personal data in its responses (docs/RESPONSES.md, "Retention"). The job
-- then skips the round: it used to read every response of every closed round each day to find
-- none left (about 1 s of the writer at 1,000,000 responses; docs/PERFORMANCE.md). A new version
-- of one of the round's responses (an entry on a respondent's behalf after the close, a round
-- opened again) sets it back to 0 in the same write (src/domain/response_store.c).
ALTER TABLE consultations ADD COLUMN retention_clean INTEGER NOT NULL DEFAULT 0
	CHECK (retention_clean = 0 OR retention_clean = 1);
