-- 0022: the count of published responses, kept per batch on PostgreSQL.
-- A response that is published added one to its round's row in consultations at once: every
-- submission of a writer batch updated the same row, each in its own savepoint, so the row grew
-- a chain of versions (and a multixact of lockers) that every later statement of the batch
-- walked: 40% of a submission's time (docs/PERFORMANCE.md). Now each change of status adds a row
-- here, and the writer applies the sum to consultations once, before the batch commits, and
-- deletes the rows (src/store/writer.c). A savepoint rolled back takes its row with it. The
-- table is empty outside a transaction, so nothing is lost by UNLOGGED (not written to the WAL,
-- emptied after a crash) and a replica needs nothing of it. SQLite updates the row in place and
-- has no such table (sql/sqlite/0022_published_deltas.sql).
CREATE UNLOGGED TABLE published_deltas (
	consultation_id BIGINT NOT NULL,
	n INTEGER NOT NULL
);
