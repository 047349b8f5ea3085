/* migrate.h: numbered schema migrations, applied at start-up and recorded in a table. */
#ifndef AGORA_MIGRATE_H
#define AGORA_MIGRATE_H
#include "db.h"

/* Applies every migration newer than the database's, each in its own transaction.
 * Returns the number applied, or -1. */
int migrate_up(struct db *db, struct err *e);
int migrate_version(struct db *db);	/* newest applied, 0 for none */

#endif
