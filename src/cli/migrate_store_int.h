/* migrate_store_int.h: what cmd_migrate_store.c and migrate_store_blobs.c share (agora
 * migrate-store: the tables of both databases, and the move's state). */
#ifndef AGORA_MIGRATE_STORE_INT_H
#define AGORA_MIGRATE_STORE_INT_H
#include <limits.h>
#include <stdint.h>

#include "../store/db.h"

#define MAX_TABLES 128
#define MAX_COLS 64
#define NAME_MAX_LEN 63		/* PostgreSQL's identifier length */

enum col_type { COL_INT, COL_BYTES, COL_TEXT };

struct table {
	char name[NAME_MAX_LEN + 1];
	int ncols;
	char col[MAX_COLS][NAME_MAX_LEN + 1];
	enum col_type type[MAX_COLS];
	int identity[MAX_COLS];	/* GENERATED ... AS IDENTITY: its sequence is reset after */
	int in_source;		/* 0: a table only PostgreSQL has (left empty) */
	int ndeps;
	int dep[MAX_TABLES];	/* indexes of the tables its foreign keys name */
	int64_t rows;		/* copied */
};

struct migration {
	struct db *src, *dst;
	struct table *t;	/* in foreign-key order once sorted */
	int nt;
	char **sql;		/* statements built from the catalog's names; alive until both close */
	int nsql;
	int tty;
	char data[PATH_MAX];	/* the SQLite store's folder */
	char blobdir[PATH_MAX + 8];
	int64_t blobs, blob_bytes;
};

/* Every blob file of the data folder (DIR/blobs/ab/<hex>) into the target, inside the move's
 * transaction, each checked against its name; then a check that every blob a row names
 * arrived. 0 or -1 (printed). */
int migrate_store_copy_blobs(struct migration *m);

#endif
