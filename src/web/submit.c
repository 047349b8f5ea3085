/* submit.c: a response from a request: JSON, multipart or form; attachments by content. */
#include "submit.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../extract/sniff.h"
#include "../util/str.h"
#include "server.h"
#include "upload.h"

static const char *
field_or_null(struct request *r, const char *name)
{
	const char *v = upload_field(r, name);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

int
submit_read(struct request *r, struct response_input *in, struct field_errors *fe, json_t **keep,
	    int *status, const char **why)
{
	const char *doc = NULL, *ct;
	size_t len = 0;
	json_error_t je;

	*keep = NULL;
	memset(in, 0, sizeof(*in));
	if (r->upload != NULL && (doc = upload_field(r, "response")) != NULL) {
		len = strlen(doc);
	} else if (r->upload == NULL) {
		ct = request_get_header(r, "Content-Type");
		if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0) {
			*status = 400;	/* as the responses issue asks: a body we cannot read */
			*why = "send the response as application/json, multipart/form-data or a form";
			return -1;
		}
		doc = r->body_in.data ? r->body_in.data : "";
		len = r->body_in.len;
	}
	if (doc != NULL) {
		if ((*keep = json_loadb(doc, len, JSON_REJECT_DUPLICATES, &je)) == NULL) {
			*status = 400;
			*why = arena_printf(r->arena, "malformed JSON at line %d, column %d: %s", je.line,
					    je.column, je.text);
			return -1;
		}
		response_input_from_json(*keep, in, fe);
		return 0;
	}
	in->name = field_or_null(r, "name");
	in->organization = field_or_null(r, "organization");
	in->job_title = field_or_null(r, "job_title");
	in->country = field_or_null(r, "country");
	in->stakeholder_type = field_or_null(r, "stakeholder_type");
	in->email = field_or_null(r, "email");
	in->publish_as = field_or_null(r, "publish_as");
	in->language = field_or_null(r, "language");
	in->summary = field_or_null(r, "summary");
	for (int q = 1; q <= CONSULTATION_MAX_QUESTIONS; q++) {
		char name[24];
		const char *v;
		snprintf(name, sizeof(name), "answer_%d", q);
		if ((v = field_or_null(r, name)) != NULL) {
			in->answers[in->nanswers].question = q;
			in->answers[in->nanswers].text = v;
			in->nanswers++;
		}
	}
	return 0;
}

/* A file name kept as the client sent it: valid UTF-8 of at most 200 bytes, no path (slashes,
 * backslashes, "." or ".."), no quote, no control character. Others are replaced by
 * attachment-N.ext. */
static int
filename_safe(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > 200 || !utf8_valid(name, len) || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 0;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\' || *p == '"')
			return 0;
	return 1;
}

int
submit_attachments(struct request *r, struct response_input *in, int *status, const char **why)
{
	struct upload *u = r->upload;
	enum sniff_type types[UPLOAD_MAX_FILES];
	char mime[128];
	struct err e;

	if (u == NULL)
		return 0;
	/* A part named attachments without a file name libmicrohttpd could read (a NUL byte or an
	 * unclosed quote in filename="..."): refused, never taken as a text field and dropped. */
	if (upload_field(r, "attachments") != NULL) {
		*status = 400;
		*why = "an attachment has no readable file name: send each as a file part with filename=\"...\"";
		return -1;
	}
	for (int i = 0; i < u->nfiles; i++) {
		types[i] = sniff_file(blob_temp_path(u->file[i].w), mime, sizeof(mime));
		if (types[i] == SNIFF_OTHER) {
			*status = 415;
			*why = arena_printf(r->arena, "%s is %s: attachments may be PDF, DOCX, ODT, "
					    "plain text (UTF-8), PNG or JPEG",
					    u->file[i].filename, mime[0] ? mime : "of an unknown type");
			return -1;
		}
	}
	for (int i = 0; i < u->nfiles; i++) {
		struct attachment *a = &in->att[in->nattachments];
		int64_t size;
		if (blob_finish(u->file[i].w, a->sha256, &size, &e) != 0) {
			u->file[i].w = NULL;
			*status = 503;
			*why = e.kind == ERR_FULL ? UPLOAD_DISK_FULL : "cannot store the attachment now";
			return -1;
		}
		u->file[i].w = NULL;
		a->size = size;
		a->media_type = sniff_media_type(types[i]);
		a->filename = u->file[i].filename;
		if (!filename_safe(a->filename))
			a->filename = arena_printf(r->arena, "attachment-%d.%s", i + 1,
						   sniff_extension(types[i]));
		in->nattachments++;
	}
	return 0;
}
