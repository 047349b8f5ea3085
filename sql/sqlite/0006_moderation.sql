-- 0006: moderation by the secretariat. A redaction is a new version flagged redacted, whose
-- content the public sees; the version before it keeps the original, privately.
ALTER TABLE response_versions ADD COLUMN redacted INTEGER NOT NULL DEFAULT 0;
CREATE INDEX moderation_by_kind ON moderation_events (kind, id);
CREATE INDEX audit_by_action ON audit_log (action, id);
