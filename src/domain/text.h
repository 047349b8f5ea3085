/* text.h: texts that exist in several languages: (thing, id, field, language) -> body,
 * with a status (original, official translation, draft) and fallback to the original. */
#ifndef AGORA_TEXT_H
#define AGORA_TEXT_H
#include <jansson.h>
#include <stdint.h>

#include "../store/db.h"
#include "../util/arena.h"
#include "../util/i18n.h"

/* How a text in one language came to be. TEXT_NONE (zero) also stands for "not recorded": a
 * loader that does not read the statuses leaves them zero and mtext_status() derives them. */
enum text_status { TEXT_NONE, TEXT_ORIGINAL, TEXT_OFFICIAL, TEXT_DRAFT };

struct mtext {
	const char *body[LANG_COUNT];	/* NULL where there is no text in that language */
	enum lang original;
	enum text_status status[LANG_COUNT];	/* as stored; zero where not loaded */
};

/* Inserts or replaces one text; call inside a writer closure. */
int text_put(struct db *db, const char *thing, int64_t id, const char *field, enum lang l,
	     const char *body, const char *status, struct err *e);

/* Loads every text of (thing, id) the public may read (not draft translations): calls
 * found(field, lang, body, ctx) for each row. body is copied into the arena. Returns 0 or -1. */
int text_load(struct db *db, struct arena *a, const char *thing, int64_t id,
	      void (*found)(const char *field, enum lang l, const char *body, void *ctx), void *ctx,
	      struct err *e);

/* The same for the secretariat: draft translations too, with each row's status ("original",
 * "official", "draft"; copied into the arena). */
int text_load_all(struct db *db, struct arena *a, const char *thing, int64_t id,
		  void (*found)(const char *field, enum lang l, const char *body, const char *status,
				void *ctx),
		  void *ctx, struct err *e);

/* Removes one text (l = LANG_COUNT: in every language); call inside a writer closure. */
int text_delete(struct db *db, const char *thing, int64_t id, const char *field, enum lang l,
		struct err *e);
/* Sets the status of every text of (thing, id) in language l. */
int text_set_status(struct db *db, const char *thing, int64_t id, enum lang l, const char *status,
		    struct err *e);

/* The text in want, or else in the original language, or else in any language.
 * *got says which language it is in. NULL when there is no text at all. */
const char *mtext_pick(const struct mtext *t, enum lang want, enum lang *got);

/* "original", "official", "draft" -> the enum; anything else TEXT_NONE. */
enum text_status text_status_parse(const char *s);
/* The word stored and shown in the API ("original", "official", "draft"; "missing" for none). */
const char *text_status_code(enum text_status s);
/* The status of t's text in l: as loaded, or, where not loaded, original for the original
 * language and official for the others (what the public reads is never a draft); TEXT_NONE
 * where there is no text in l. */
enum text_status mtext_status(const struct mtext *t, enum lang l);
/* {"en": "...", "fr": "..."}: every language t has a text in (a new reference). */
json_t *mtext_json(const struct mtext *t);
/* Puts body and its status (a stored word, or NULL: not recorded) into t's language l. */
void mtext_set(struct mtext *t, enum lang l, const char *body, const char *status);

#endif
