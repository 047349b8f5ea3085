/* state.h: the Member States (0007_accounts.sql): ISO 3166-1 alpha-2 code and ITU-D region.
 * Names are not stored: they come from Debian's iso-codes (country.h) in the reader's language. */
#ifndef AGORA_STATE_H
#define AGORA_STATE_H
#include "../store/db.h"
#include "../util/arena.h"

struct member_state {
	const char *code;	/* "CH" */
	const char *region;	/* africa, americas, arab_states, asia_pacific, cis, europe */
	const char *name;	/* in the calling thread's language; the code when iso-codes lacks it */
};

/* 1 when code has the form of a code: two ASCII capital letters. */
int state_code_form(const char *code);
/* Is code a Member State? Returns 1, 0 (no, or not even the form of a code), or -1 with e. */
int state_valid(struct db *db, const char *code, struct err *e);
/* The region of a Member State into *region (in the arena). Returns 0, or -1 (ERR_NOTFOUND). */
int state_region(struct db *db, struct arena *a, const char *code, const char **region, struct err *e);
/* Every Member State, sorted by name in the calling thread's language. Returns the count, or -1. */
int state_list(struct db *db, struct arena *a, struct member_state **out, struct err *e);
/* "Asia-Pacific", ... in the calling thread's language; the key itself when unknown. */
const char *state_region_label(const char *region);
/* The name in the calling thread's language; the code when iso-codes lacks it; "" for NULL. */
const char *state_name(const char *code);

#endif
