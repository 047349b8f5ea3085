-- 0019: responses numbered within their round (R-1, R-2...: what a summary cites), the
-- secretariat's written summary of a round in one or more languages, and where it cites.

-- The number is given by a trigger, so every path that stores a response numbers it, and in
-- the same transaction. A separate table, so that numbering touches no trigger on responses.
CREATE TABLE response_numbers (
	response_id INTEGER PRIMARY KEY REFERENCES responses (id),
	consultation_id INTEGER NOT NULL REFERENCES consultations (id),
	number INTEGER NOT NULL CHECK (number >= 1),
	UNIQUE (consultation_id, number)
);
INSERT INTO response_numbers (response_id, consultation_id, number)
	SELECT id, consultation_id, row_number() OVER (PARTITION BY consultation_id ORDER BY id)
	FROM responses;
CREATE TRIGGER response_number_ins AFTER INSERT ON responses BEGIN
	INSERT INTO response_numbers (response_id, consultation_id, number)
		SELECT NEW.id, NEW.consultation_id, COALESCE(MAX(number), 0) + 1
		FROM response_numbers WHERE consultation_id = NEW.consultation_id;
END;

-- The written summary (Markdown), one row per language; 'published' is what the public and
-- the Chair's report read, 'draft' only the secretariat and the chair.
CREATE TABLE summaries (
	consultation_id INTEGER NOT NULL REFERENCES consultations (id),
	language TEXT NOT NULL CHECK (language IN ('ar', 'zh', 'en', 'fr', 'ru', 'es')),
	body TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('draft', 'published')),
	updated_at INTEGER NOT NULL,
	updated_by INTEGER REFERENCES accounts (id),
	published_at INTEGER,
	PRIMARY KEY (consultation_id, language)
);

-- Which response each published summary cites ([R-N] in its text), rewritten with the summary.
CREATE TABLE summary_citations (
	response_id INTEGER NOT NULL REFERENCES responses (id),
	consultation_id INTEGER NOT NULL REFERENCES consultations (id),
	language TEXT NOT NULL,
	PRIMARY KEY (response_id, consultation_id, language)
);
