-- 0020: campaigns, near-identical responses of a round (MinHash over word shingles, LSH
-- banding; src/cluster). What readers use is these two tables; the index that finds the
-- candidates is below them.
CREATE TABLE campaigns (
	id INTEGER PRIMARY KEY,
	consultation_id INTEGER NOT NULL REFERENCES consultations (id),
	-- the member whose text stands for the campaign
	representative INTEGER NOT NULL REFERENCES responses (id),
	updated_at INTEGER NOT NULL
);
CREATE INDEX campaigns_by_consultation ON campaigns (consultation_id);
CREATE TABLE campaign_members (
	response_id INTEGER PRIMARY KEY REFERENCES responses (id),
	campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
	-- estimated Jaccard similarity to the representative, 0 to 1
	similarity REAL NOT NULL
);
CREATE INDEX campaign_members_by_campaign ON campaign_members (campaign_id);
