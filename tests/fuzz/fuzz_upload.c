/* fuzz_upload.c: request bodies as the server reads them: multipart/form-data and
 * application/x-www-form-urlencoded through libmicrohttpd's PostProcessor and our glue
 * (src/web/upload.c: fields, attachments streamed to temporary blobs, the limits), then
 * submit_read and submit_attachments (src/web/submit.c: the response from its fields, a
 * "response" part, or a JSON body; attachments sniffed and stored), as POST
 * /api/v1/consultations/{slug}/responses and the respond form do.
 *
 * The input's first line is the Content-Type (with "form-only " in front: a form that takes no
 * files); the rest is the body. Each input is one HTTP/1.1 request on a socket pair given to an
 * in-process daemon (no listening socket, no thread of its own: this thread runs it with
 * MHD_run_wait until the answer and the request's completion). Properties: a body is taken or refused with a status
 * and a reason; what is taken keeps the limits of upload.h (fields, their size, no NUL; files,
 * their size); an attachment kept has a safe file name. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "fuzz.h"
#include "fuzz_dir.h"
#include "store/blobs.h"
#include "util/str.h"
#include "web/submit.h"
#include "web/upload.h"

#define FILE_MAX_BYTES 4096	/* small, so the fuzzer reaches the limit */

static struct MHD_Daemon *daemon_;
static struct blobs *blobs;
static int started, completed;

/* A request as the handlers see it, and what this one's form takes. */
struct fuzz_request {
	struct request r;	/* first: the daemon's con_cls points at it */
	int64_t max_file_bytes;
};	/* requests the handler began and the daemon completed */

/* Checks what upload_end left, rc its result. */
static void
check_upload(struct request *r, int rc, int64_t max_file_bytes)
{
	struct upload *u = r->upload;

	FUZZ_CHECK(rc == 0 ? u->status == 0 : u->status != 0, "upload_end %d with status %d", rc,
		   u->status);
	if (rc != 0) {
		FUZZ_CHECK(u->status == 400 || u->status == 413 || u->status == 422 || u->status == 503,
			   "refused with status %d", u->status);
		FUZZ_CHECK(u->why != NULL && u->why[0] != '\0', "refused (%d) without a reason",
			   u->status);
		FUZZ_CHECK(u->why_field == NULL || u->why_field[0] != '\0', "an empty field name");
	}
	FUZZ_CHECK(u->nfields >= 0 && u->nfields <= UPLOAD_MAX_FIELDS, "%d fields", u->nfields);
	FUZZ_CHECK(u->nfiles >= 0 && u->nfiles <= UPLOAD_MAX_FILES, "%d files", u->nfiles);
	for (int i = 0; i < u->nfiles; i++) {
		FUZZ_CHECK(u->file[i].field != NULL && u->file[i].filename != NULL &&
			       u->file[i].filename[0] != '\0', "file %d has no name", i);
		FUZZ_CHECK(u->file[i].size >= 0 && u->file[i].size <= max_file_bytes,
			   "file %d has %lld bytes (at most %lld)", i, (long long)u->file[i].size,
			   (long long)max_file_bytes);
	}
	if (rc != 0)
		return;
	for (int i = 0; i < u->nfields; i++) {
		const struct buf *v = &u->field[i].value;
		const char *got = upload_field(r, u->field[i].name);
		FUZZ_CHECK(v->len <= UPLOAD_FIELD_MAX_BYTES, "field %s has %zu bytes",
			   u->field[i].name, v->len);
		FUZZ_CHECK(v->len == 0 || memchr(v->data, '\0', v->len) == NULL,
			   "field %s holds a NUL", u->field[i].name);
		FUZZ_CHECK(got != NULL, "field %s is not found by its name", u->field[i].name);
		if (got == (v->data ? v->data : got))	/* the first of that name */
			FUZZ_CHECK(strlen(got) == v->len, "field %s reads as %zu of its %zu bytes",
				   u->field[i].name, strlen(got), v->len);
	}
}

/* The response from the request, as submit.c takes it; stored attachments are removed. */
static void
check_submit(struct request *r)
{
	struct response_input in;
	struct field_errors fe;
	const char *why = NULL;
	json_t *keep = NULL;
	int status = 0;

	memset(&fe, 0, sizeof(fe));
	if (submit_read(r, &in, &fe, &keep, &status, &why) != 0) {
		FUZZ_CHECK(status == 400 && why != NULL && why[0] != '\0',
			   "submit_read refused with %d and no reason", status);
		goto out;
	}
	FUZZ_CHECK(in.nanswers >= 0 && in.nanswers <= CONSULTATION_MAX_QUESTIONS, "%d answers",
		   in.nanswers);
	FUZZ_CHECK(fe.n >= 0 && fe.n <= RESPONSE_MAX_ERRORS, "%d errors", fe.n);
	if (r->upload == NULL)
		goto out;
	status = 0;
	why = NULL;
	if (submit_attachments(r, &in, &status, &why) != 0) {
		FUZZ_CHECK((status == 415 || status == 503) && why != NULL && why[0] != '\0',
			   "submit_attachments refused with %d and no reason", status);
		goto out;
	}
	FUZZ_CHECK(in.nattachments == r->upload->nfiles, "%d attachments of %d files",
		   in.nattachments, r->upload->nfiles);
	for (int i = 0; i < in.nattachments; i++) {
		const struct attachment *a = &in.att[i];
		char path[4096];
		FUZZ_CHECK(a->media_type != NULL, "attachment %d has no type", i);
		FUZZ_CHECK(utf8_valid(a->filename, strlen(a->filename)) && strlen(a->filename) <= 200 &&
			       strpbrk(a->filename, "/\\\"\r\n") == NULL,
			   "attachment %d is named \"%s\"", i, a->filename);
		if (blob_path(blobs, a->sha256, path, sizeof(path)) == 0)
			unlink(path);
	}
out:
	json_decref(keep);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	   const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct request *r = *con_cls;
	struct fuzz_request *fr = (struct fuzz_request *)r;
	struct MHD_Response *resp;
	enum MHD_Result rc;

	if (r == NULL) {
		if ((fr = calloc(1, sizeof(*fr))) == NULL || (fr->r.arena = arena_new()) == NULL)
			abort();
		r = &fr->r;
		r->conn = conn;
		r->method = method;
		r->path = url;
		buf_init(&r->body_in);
		buf_init(&r->out);
		*con_cls = r;
		started++;
		fr->max_file_bytes =
		    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Form-Only") ? 0 : FILE_MAX_BYTES;
		upload_begin(r, blobs, fr->max_file_bytes);
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (r->upload != NULL)
			upload_feed(r, upload_data, *upload_size);
		else
			buf_add(&r->body_in, upload_data, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->upload == NULL || upload_end(r) == 0) {
		if (r->upload != NULL)
			check_upload(r, 0, fr->max_file_bytes);
		check_submit(r);
	} else {
		check_upload(r, -1, fr->max_file_bytes);
	}
	resp = MHD_create_response_from_buffer(2, (void *)"ok", MHD_RESPMEM_PERSISTENT);
	rc = MHD_queue_response(conn, 200, resp);
	MHD_destroy_response(resp);
	return rc;
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
	     enum MHD_RequestTerminationCode toe)
{
	struct request *r = *con_cls;

	if (r == NULL)
		return;
	upload_cleanup(r);
	buf_free(&r->body_in);
	buf_free(&r->out);
	arena_free(r->arena);
	free((struct fuzz_request *)r);
	*con_cls = NULL;
	completed++;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct err e;

	signal(SIGPIPE, SIG_IGN);	/* the daemon may answer and close before the body is sent */
	if (blobs_open(fuzz_dir("fuzz_upload"), NULL, &blobs, &e) != 0)
		abort();
	daemon_ = MHD_start_daemon(MHD_USE_NO_LISTEN_SOCKET,
				   0, NULL, NULL, on_request, NULL, MHD_OPTION_NOTIFY_COMPLETED,
				   on_completed, NULL, MHD_OPTION_CONNECTION_TIMEOUT, 5u, MHD_OPTION_END);
	if (daemon_ == NULL)
		abort();
	return 0;
}

/* Sends all of p (len bytes) on fd (non-blocking), running the daemon while the socket is
 * full; stops quietly when the daemon closed it. */
static void
send_all(int fd, const void *p, size_t len)
{
	const char *c = p;

	while (len > 0) {
		ssize_t n = write(fd, c, len);
		if (n < 0 && errno == EAGAIN) {
			MHD_run_wait(daemon_, 10);
			continue;
		}
		if (n <= 0)
			return;
		c += n;
		len -= (size_t)n;
	}
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t ct_len = nl ? (size_t)(nl - data) : size, body_len = nl ? size - ct_len - 1 : 0;
	const uint8_t *body = nl ? nl + 1 : data + size;
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001) };
	char head[512], junk[4096];
	int sv[2], form_only = 0, n;
	int64_t deadline = now_ms() + 10000;

	if (ct_len >= 10 && memcmp(data, "form-only ", 10) == 0) {
		form_only = 1;
		data += 10;
		ct_len -= 10;
	}
	if (ct_len > 300)
		return 0;	/* a header line that long is another test */
	if (ct_len > 0 && data[ct_len - 1] == '\r')
		ct_len--;
	n = snprintf(head, sizeof(head),
		     "POST /api/v1/consultations/fuzz/responses HTTP/1.1\r\nHost: fuzz\r\n"
		     "Content-Type: %.*s\r\nContent-Length: %zu\r\n%sConnection: close\r\n\r\n",
		     (int)ct_len, (const char *)data, body_len, form_only ? "X-Form-Only: 1\r\n" : "");
	if (n < 0 || n >= (int)sizeof(head))
		abort();
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0 ||
	    fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK) != 0)
		abort();
	if (MHD_add_connection(daemon_, sv[1], (struct sockaddr *)&addr, sizeof(addr)) != MHD_YES)
		abort();
	send_all(sv[0], head, (size_t)n);
	send_all(sv[0], body, body_len);
	/* run the daemon until it has answered and closed, and completed the request: passes that
	 * do not wait first (a closed connection is cleaned up by the pass after), then 1 ms waits */
	for (int pass = 0;; pass++) {
		while ((n = (int)read(sv[0], junk, sizeof(junk))) > 0)
			;
		if (n == 0 && completed == started)
			break;
		FUZZ_CHECK(n == 0 || errno == EAGAIN, "reading the answer: %s", strerror(errno));
		FUZZ_CHECK(now_ms() < deadline, "no answer within 10 s (%d of %d requests completed)",
			   completed, started);
		if (pass < 8)
			MHD_run(daemon_);
		else
			MHD_run_wait(daemon_, 1);
	}
	close(sv[0]);
	return 0;
}
