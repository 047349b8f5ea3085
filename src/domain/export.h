/* export.h: a round's public responses exported as CSV, XLSX, JSON or a verifiable ZIP archive
 * (docs/EXPORTS.md), streamed from one read snapshot in bounded memory. The same code serves
 * GET /api/v1/consultations/{slug}/export.* and `agora export`. */
#ifndef AGORA_EXPORT_H
#define AGORA_EXPORT_H
#include <jansson.h>
#include <stdint.h>
#include <sys/types.h>

#include "../store/blobs.h"
#include "../store/db.h"
#include "../util/buf.h"
#include "../util/i18n.h"
#include "consultation.h"
#include "response.h"

enum export_format { EXPORT_CSV, EXPORT_XLSX, EXPORT_JSON, EXPORT_ZIP };

/* "csv", "xlsx", "json", "zip" -> 0 and *f; -1 for anything else. */
int export_format_parse(const char *s, enum export_format *f);
const char *export_format_name(enum export_format f);		/* "csv" ... */
const char *export_media_type(enum export_format f);

struct export_job {
	const char *db_url;	/* the export opens its own read-only connection on it */
	struct blobs *blobs;	/* attachments, for the ZIP */
	const char *tmpdir;	/* work files (XLSX, the ZIP's manifest, the web's answer) */
	const char *slug;
	enum export_format format;
	enum lang lang;		/* question texts in the header; "Anonymous respondent" */
	int out_fd;		/* >= 0: written there; -1: into a new unlinked file in tmpdir */
	/* Progress (may be NULL): called every few thousand responses and at the end. */
	void (*progress)(void *ctx, const char *what, int64_t done, int64_t total);
	void *progress_ctx;
	/* out */
	int result_fd;		/* out_fd == -1: the file, at offset 0 (the caller closes it) */
	int64_t result_size;
	int64_t rows;		/* published responses exported */
};

/* Runs the export in one read transaction (one consistent snapshot). A draft or unknown round
 * is ERR_NOTFOUND. Returns 0, or -1 with e set (nothing useful was written). */
int export_run(struct export_job *j, struct err *e);

/* ---- shared by export.c, export_xlsx.c and export_zip.c ------------------------------ */

/* A byte sink that buffers and hands full blocks to flush (a file, the ZIP writer). */
struct export_out {
	struct buf b;
	int (*flush)(void *ctx, const void *p, size_t n);
	void *ctx;
	int failed;
	uint64_t bytes;
};
void export_out_init(struct export_out *o, int (*flush)(void *, const void *, size_t), void *ctx);
void export_out_add(struct export_out *o, const void *p, size_t n);
void export_out_puts(struct export_out *o, const char *s);
int export_out_finish(struct export_out *o);	/* flushes; 0 or -1; frees the buffer */
int export_fd_flush(void *fd_ptr, const void *p, size_t n);	/* ctx: int * */

/* The snapshot being exported. */
struct export_ctx {
	struct export_job *job;
	struct db *db;
	struct arena *a;	/* the round; rows use their own short-lived arenas */
	struct consultation c;
	int64_t total;		/* published responses */
};

/* Calls fn for each published response of the round, oldest first, with its number (R-n) and
 * the name as published; r and name live until fn returns. Stops at fn's first -1. */
typedef int (*export_row_fn)(struct export_ctx *x, const struct response *r, int64_t number,
			     const char *name, void *arg);
int export_each(struct export_ctx *x, export_row_fn fn, void *arg, struct err *e);

/* One response as GET /api/v1/responses/{id} answers it, plus "number". */
json_t *export_response_json(struct db *db, struct arena *a, const struct response *r, int64_t number);
/* The column headers: fixed names, then "Q<n> <question text>". Strings in x->a. */
int export_columns(struct export_ctx *x, const char **cols, int max);
/* One row's cells in the columns' order (strings in a); returns how many. */
int export_cells(struct arena *a, const struct export_ctx *x, const struct response *r, int64_t number,
		 const char *name, const char **cells, int max);
#define EXPORT_MAX_COLUMNS (9 + CONSULTATION_MAX_QUESTIONS)

int export_xlsx(struct export_ctx *x, int out_fd, int *result_fd, struct err *e);
int export_zip(struct export_ctx *x, int out_fd, struct err *e);
/* A new unlinked file in dir (mode 0600): its fd, or -1 with e set. */
int export_tmpfile(const char *dir, struct err *e);

#endif
