/* upload.h: form and multipart bodies parsed as they arrive (libmicrohttpd's PostProcessor):
 * fields into the request, files streamed into temporary blobs while being hashed. */
#ifndef AGORA_UPLOAD_H
#define AGORA_UPLOAD_H
#include <stdint.h>

#include "../store/blobs.h"
#include "request.h"

#define UPLOAD_MAX_FIELDS 48
#define UPLOAD_MAX_FILES 10
#define UPLOAD_FIELD_MAX_BYTES (256 * 1024)
/* The detail of a 503 when an attachment met a full disk (blobs.c: ENOSPC or EDQUOT). */
#define UPLOAD_DISK_FULL "the disk is full: the attachment cannot be stored now"

struct upload_file {
	char *field, *filename;
	struct blob_writer *w;	/* until finished or aborted */
	int64_t size;
};

struct upload {
	struct MHD_PostProcessor *pp;
	struct blobs *blobs;
	int64_t max_file_bytes;
	struct {
		char *name;
		struct buf value;
	} field[UPLOAD_MAX_FIELDS];
	int nfields;
	struct upload_file file[UPLOAD_MAX_FILES];
	int nfiles;
	/* what went wrong, if anything: the status to answer and why */
	int status;
	const char *why;
	const char *why_field;
};

/* Starts parsing r's body when its Content-Type is multipart/form-data or
 * application/x-www-form-urlencoded. Returns 1 when it did, 0 when the type is another.
 * max_file_bytes 0: the form takes no files (a file part is a 400). */
int upload_begin(struct request *r, struct blobs *blobs, int64_t max_file_bytes);
void upload_feed(struct request *r, const char *data, size_t size);
/* The body is complete. Returns 0, or -1 with u->status set (400 malformed, 413 too large). */
int upload_end(struct request *r);
/* A field's value, or NULL. */
const char *upload_field(struct request *r, const char *name);
/* Removes every temporary file not finished: called when the request ends. */
void upload_cleanup(struct request *r);

#endif
