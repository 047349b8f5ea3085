-- 0023: what a queued mail carries besides its plain text (issue 13). Every mail gets a stable
-- Message-ID when it is queued, so a copy sent again after a crash mid-send is the same message
-- to mail clients. body_html is the simple HTML alternative (NULL: text only); unsubscribe_url
-- is the one-click link of RFC 8058 (List-Unsubscribe and List-Unsubscribe-Post), NULL when
-- the mail is not to a list; one attachment at most (a receipt's JSON, a meeting's iCalendar).
ALTER TABLE outbox ADD COLUMN message_id TEXT;
ALTER TABLE outbox ADD COLUMN body_html TEXT;
ALTER TABLE outbox ADD COLUMN unsubscribe_url TEXT;
ALTER TABLE outbox ADD COLUMN attach_name TEXT;
ALTER TABLE outbox ADD COLUMN attach_type TEXT;
ALTER TABLE outbox ADD COLUMN attach_data BYTEA;
UPDATE outbox SET message_id = '<outbox.' || id || '.' || created_at || '@agora.invalid>' WHERE message_id IS NULL;
CREATE UNIQUE INDEX outbox_message_id ON outbox (message_id);
