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

-- The index behind them (src/cluster/campaign.c), derived from the responses and rebuilt at
-- will by `agora campaigns --rebuild`; deleting its rows deletes nothing of the repository.
-- LSH band buckets: key is a hash of (round, band number, the band's MinHash values); anchor
-- is a response (a single one, or one that has since joined a campaign) or, negative, a
-- campaign (-campaigns.id). A bucket is only a hint: every candidate is checked against the
-- campaign's representative (or the single response) before anything joins.
CREATE TABLE campaign_buckets (
	key INTEGER NOT NULL,
	anchor INTEGER NOT NULL,
	PRIMARY KEY (key, anchor)
) WITHOUT ROWID;
-- What is still to cluster, filled by triggers in the writer's own transaction, so nothing
-- that was stored can be missed: a new version (a new response or a revision), and a change
-- of status (published, withheld, withdrawn, erased). AUTOINCREMENT: ids never come back
-- once the rows before them are pruned (the worker's position is an id).
CREATE TABLE campaign_queue (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	response_id INTEGER NOT NULL
);
CREATE TRIGGER campaign_version_ins AFTER INSERT ON response_versions BEGIN
	INSERT INTO campaign_queue (response_id) VALUES (NEW.response_id);
END;
CREATE TRIGGER campaign_status_upd AFTER UPDATE OF status ON responses
	WHEN NEW.status IS NOT OLD.status BEGIN
	INSERT INTO campaign_queue (response_id) VALUES (NEW.id);
END;
-- How the buckets were built (one row, made by the first rebuild): another threshold means
-- another banding, so a rebuild. position: the queue row clustered last; floor: while a
-- rebuild runs, the queue row it started from (rows after it are kept for after it).
CREATE TABLE campaign_params (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	threshold INTEGER NOT NULL,
	rows INTEGER NOT NULL,
	bands INTEGER NOT NULL,
	position INTEGER NOT NULL,
	floor INTEGER,
	built_at INTEGER NOT NULL
);
