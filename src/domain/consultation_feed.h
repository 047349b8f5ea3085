/* consultation_feed.h: what the consultations feed announces: the events of the public rounds
 * (announced, opening, closing soon), each at its own time, newest first (docs/FEEDS.md). */
#ifndef AGORA_CONSULTATION_FEED_H
#define AGORA_CONSULTATION_FEED_H
#include <stdint.h>

#include "../store/db.h"
#include "../util/arena.h"
#include "text.h"

#define FEED_CLOSING_SOON_S (7 * 86400)	/* "closing soon" comes this long before closes_at */

enum feed_event_kind { FEED_ANNOUNCED, FEED_OPENING, FEED_CLOSING_SOON };

struct feed_event {
	enum feed_event_kind kind;
	int64_t at;		/* when the event happened: the entry's time */
	int64_t consultation_id, created_at, opens_at, closes_at;
	const char *slug;
	struct mtext title, topic;	/* public texts only (no draft translations) */
};

/* "announced", "opening", "closing-soon": the kind's name in ids and categories. */
const char *feed_event_name(enum feed_event_kind k);

/* The newest events due at or before now, at most limit, newest first, with the titles and
 * topics of their rounds (in the arena). Drafts have none. Returns the count, or -1 with e. */
int feed_events(struct db *db, struct arena *a, int64_t now, int limit, struct feed_event **out,
		struct err *e);

#endif
