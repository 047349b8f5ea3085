-- 0021: the editable texts of the Chair's report (docs/REPORTS.md), one row per field and
-- language: the document symbol ("C22/xx"), the title, and the Markdown of Summary, Action
-- required, References, the mandate (I Introduction) and the Recommendations (III). Section II
-- is never stored: it is made from the meetings, their outcomes and the rounds' summaries.
CREATE TABLE report_texts (
	language TEXT NOT NULL CHECK (language IN ('ar', 'zh', 'en', 'fr', 'ru', 'es')),
	field TEXT NOT NULL CHECK (field IN ('symbol', 'title', 'summary', 'action', 'references',
					     'mandate', 'recommendations')),
	body TEXT NOT NULL,
	updated_at INTEGER NOT NULL,
	updated_by INTEGER REFERENCES accounts (id),
	PRIMARY KEY (language, field)
);
