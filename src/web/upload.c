/* upload.c: the PostProcessor glue: fields in buffers, files in temporary blobs. */
#include <netinet/in.h>

#include "upload.h"

#include <microhttpd.h>
#include <string.h>
#include <strings.h>

#include "../util/log.h"

static enum MHD_Result
iterate(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
	const char *content_type, const char *transfer_encoding, const char *data, uint64_t off,
	size_t size)
{
	struct request *r = cls;
	struct upload *u = r->upload;
	struct err e = { 0 };

	if (u->status != 0)
		return MHD_YES;	/* already failed: read the rest, store nothing */
	if (key == NULL)
		return MHD_YES;
	if (filename != NULL) {
		struct upload_file *f = u->nfiles ? &u->file[u->nfiles - 1] : NULL;
		if (filename[0] == '\0' && size == 0)
			return MHD_YES;	/* a file input left empty */
		if (u->max_file_bytes == 0) {
			u->status = 400;
			u->why = "this form takes no files";
			return MHD_YES;
		}
		if (off == 0 || f == NULL || f->w == NULL || strcmp(f->field, key) != 0) {
			if (u->nfiles == UPLOAD_MAX_FILES) {
				u->status = 413;
				u->why = "at most 10 attachments";
				u->why_field = "attachments";
				return MHD_YES;
			}
			f = &u->file[u->nfiles];
			f->field = arena_strdup(r->arena, key);
			f->filename = arena_strdup(r->arena, filename[0] ? filename : "attachment");
			if (f->field == NULL || f->filename == NULL || blob_begin(u->blobs, &f->w, &e) != 0) {
				u->status = 503;
				u->why = e.kind == ERR_FULL ? UPLOAD_DISK_FULL : "cannot store the attachment now";
				return MHD_YES;
			}
			u->nfiles++;
		}
		if (f->size + (int64_t)size > u->max_file_bytes) {
			u->status = 413;
			u->why = "an attachment is larger than the limit";
			u->why_field = "attachments";
			return MHD_YES;
		}
		if (size > 0 && blob_write(f->w, data, size, &e) != 0) {
			u->status = 503;
			u->why = e.kind == ERR_FULL ? UPLOAD_DISK_FULL : "cannot store the attachment now";
			return MHD_YES;
		}
		f->size += (int64_t)size;
		return MHD_YES;
	}
	for (int i = u->nfields - 1; i >= 0; i--) {
		if (off > 0 && strcmp(u->field[i].name, key) == 0) {
			if (u->field[i].value.len + size > UPLOAD_FIELD_MAX_BYTES) {
				u->status = 413;
				u->why = "a field is too long";
				u->why_field = u->field[i].name;
				return MHD_YES;
			}
			buf_add(&u->field[i].value, data, size);
			return MHD_YES;
		}
	}
	if (u->nfields == UPLOAD_MAX_FIELDS) {
		u->status = 400;
		u->why = "too many fields";
		return MHD_YES;
	}
	if ((u->field[u->nfields].name = arena_strdup(r->arena, key)) == NULL) {
		u->status = 503;
		u->why = "out of memory";
		return MHD_YES;
	}
	buf_init(&u->field[u->nfields].value);
	buf_add(&u->field[u->nfields].value, data, size);
	u->nfields++;
	return MHD_YES;
}

int
upload_begin(struct request *r, struct blobs *blobs, int64_t max_file_bytes)
{
	const char *ct = request_get_header(r, "Content-Type");
	struct upload *u;

	if (ct == NULL || (strncasecmp(ct, "multipart/form-data", 19) != 0 &&
			   strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0))
		return 0;
	if ((u = arena_alloc(r->arena, sizeof(*u))) == NULL) {
		r->out_of_memory = 1;	/* not "not a form": a 503 */
		return 0;
	}
	u->blobs = blobs;
	u->max_file_bytes = max_file_bytes;
	r->upload = u;
	u->pp = MHD_create_post_processor(r->conn, 16 * 1024, iterate, r);
	if (u->pp == NULL) {
		u->status = 400;
		u->why = "the form body cannot be read (a multipart body needs a boundary)";
	}
	return 1;
}

void
upload_feed(struct request *r, const char *data, size_t size)
{
	struct upload *u = r->upload;

	if (u->pp != NULL && u->status == 0 && MHD_post_process(u->pp, data, size) != MHD_YES)
		if (u->status == 0) {
			u->status = 400;
			u->why = "the form body is malformed";
		}
}

int
upload_end(struct request *r)
{
	struct upload *u = r->upload;

	if (u->pp != NULL) {
		if (MHD_destroy_post_processor(u->pp) != MHD_YES && u->status == 0) {
			u->status = 400;
			u->why = "the form body ends too early";
		}
		u->pp = NULL;
	}
	for (int i = 0; i < u->nfields && u->status == 0; i++) {
		if (u->field[i].value.failed) {
			u->status = 503;
			u->why = "out of memory";
		} else if (u->field[i].value.len > 0 &&
			   memchr(u->field[i].value.data, 0, u->field[i].value.len) != NULL) {
			u->status = 422;
			u->why = "a field contains a NUL character";
			u->why_field = u->field[i].name;
		}
	}
	return u->status == 0 ? 0 : -1;
}

const char *
upload_field(struct request *r, const char *name)
{
	struct upload *u = r->upload;

	if (u == NULL)
		return NULL;
	for (int i = 0; i < u->nfields; i++)
		if (strcmp(u->field[i].name, name) == 0)
			return u->field[i].value.data ? u->field[i].value.data : "";
	return NULL;
}

void
upload_cleanup(struct request *r)
{
	struct upload *u = r->upload;

	if (u == NULL)
		return;
	if (u->pp != NULL)
		MHD_destroy_post_processor(u->pp);
	u->pp = NULL;
	for (int i = 0; i < u->nfiles; i++) {
		blob_abort(u->file[i].w);
		u->file[i].w = NULL;
	}
	for (int i = 0; i < u->nfields; i++)
		buf_free(&u->field[i].value);
}
