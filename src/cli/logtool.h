/* logtool.h: what the outside log tools share (verify --url, witness, monitor): the pinned key,
 * the log's checkpoint and consistency proofs over HTTP, files written atomically. */
#ifndef AGORA_CLI_LOGTOOL_H
#define AGORA_CLI_LOGTOOL_H
#include <stddef.h>
#include <stdint.h>

#include "../ledger/merkle.h"
#include "../ledger/note.h"
#include "http.h"

#define LT_TIMEOUT_S 30
#define LT_NOTE_MAX (64 * 1024)		/* a checkpoint with its cosignatures */
#define LT_JSON_MAX (64 * 1024 * 1024)	/* 1,000 entries of up to 64 KiB, base64, and more */
#define LT_URL_MAX 2048

/* Reads a whole file (at most max bytes) into a malloc'd NUL-terminated string. 0 or -1. */
int lt_read_file(const char *path, size_t max, char **out, size_t *len, struct err *e);
/* The pinned log key: arg is the verifier key text, or a file holding it on its first line. */
int lt_load_vkey(const char *arg, struct ledger_verifier *v, struct err *e);
/* out = base URL (without its final '/') followed by the formatted path. 0, or -1 when too long. */
int lt_url(char out[LT_URL_MAX], const char *base, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A checkpoint fetched and opened with the pinned key: note is the whole text as served
 * (malloc'd: c.ext points into it), c its parsed body. */
struct lt_checkpoint {
	char *note;
	size_t len, body_len;
	struct ledger_checkpoint c;
};
/* GET /api/v1/log/checkpoint, then ledger_checkpoint_open with v (and origin when not NULL). The
 * failure says whether the log could not be read or the checkpoint did not verify (ERR_CONFLICT);
 * cp then holds nothing. */
int lt_fetch_checkpoint(const char *base, const struct ledger_verifier *v, const char *origin,
    struct lt_checkpoint *cp, struct err *e);
/* Opens a checkpoint note already in memory (a state file): takes note (malloc'd), which cp owns
 * even on failure (lt_checkpoint_free it either way). */
int lt_open_checkpoint(char *note, size_t len, const struct ledger_verifier *v, const char *origin,
    struct lt_checkpoint *cp, struct err *e);
void lt_checkpoint_free(struct lt_checkpoint *cp);
/* Checks that the tree old is a prefix of the tree new (both opened with the pinned key):
 * same size needs the same root; a smaller new size is a rollback; otherwise it fetches
 * /api/v1/log/proof/consistency?from=&to= and verifies it. Returns 0, or -1 with e set; *fork is
 * set to 1 when the log itself is proven inconsistent (shrank, forked, proof does not verify)
 * rather than unreachable. */
int lt_check_consistency(const char *base, const struct ledger_checkpoint *old,
    const struct ledger_checkpoint *new_cp, int *fork, struct err *e);
/* Parses a JSON list of hex hashes into p. 0 or -1. */
struct json_t;
int lt_proof_from_json(const struct json_t *list, struct ledger_proof *p, struct err *e);

/* Writes data to path atomically: a temporary file in the same folder, fsync, rename, fsync of
 * the folder. 0 or -1 (e set; the old file is then untouched). */
int lt_write_atomic(const char *path, const void *data, size_t len, struct err *e);
/* UTC now, for cosignatures and the monitor's clock check. */
int64_t lt_now(void);

/* --interval's value: seconds, 1 to 86400 (60 when s is NULL). 0, or EXIT_USAGE after saying
 * so as `agora log CMD`. */
int lt_interval(const char *s, const char *cmd, long *out);

#endif
