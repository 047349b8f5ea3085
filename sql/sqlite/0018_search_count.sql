-- 0018: every submission and moderation decision updates its round's published_responses, and
-- the search index holds nothing of that count: re-indexing the round (its texts in six
-- languages) for each of those updates cost the submissions about a sixth of the machine.
-- The count changes alone, in statements of its own (response_store.c), so an update that leaves
-- it as it was is one the index must see.
DROP TRIGGER search_consultation_upd;
CREATE TRIGGER search_consultation_upd AFTER UPDATE ON consultations
WHEN NEW.published_responses IS OLD.published_responses BEGIN
	INSERT INTO search_queue (thing, thing_id) VALUES ('consultation', NEW.id);
END;
