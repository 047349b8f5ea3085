-- 0004: the number of published responses of each consultation, kept by the writer with every
-- change of a response's status, so pages and the API never count rows.
ALTER TABLE consultations ADD COLUMN published_responses INTEGER NOT NULL DEFAULT 0;
UPDATE consultations SET published_responses =
	(SELECT COUNT(*) FROM responses r WHERE r.consultation_id = consultations.id AND r.status = 'published');
