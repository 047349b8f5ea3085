-- 0022: nothing on SQLite. PostgreSQL keeps the change to a round's count of published
-- responses in a table of its own until the writer's batch ends (sql/postgres/0022_published_deltas.sql);
-- SQLite updates consultations.published_responses in place, which costs it nothing.
SELECT 1;
