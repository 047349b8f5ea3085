/* server.c: libmicrohttpd glue: the request's lifecycle, the central checks, the answers, and
 * the HTTP threads' start (server_start.c starts and stops the rest). */
#include <netinet/in.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "server.h"

#include <jansson.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../util/clock.h"
#include "../util/log.h"
#include "auth.h"
#include "compress.h"
#include "csrf.h"
#include "metrics.h"
#include "reply.h"
#include "page_cache.h"
#include "ratelimit.h"
#include "route.h"
#include "server_int.h"
#include "upload.h"

#define CSP "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; " \
	    "base-uri 'none'; frame-ancestors 'none'"

static uint64_t id_prefix;
static atomic_ullong id_counter;


void
request_header(struct request *r, const char *name, const char *value)
{
	for (int i = 0; i < r->nheaders && strcasecmp(name, "Set-Cookie") != 0; i++)
		if (strcasecmp(r->header[i][0], name) == 0) {
			r->header[i][1] = value;
			return;
		}
	if (r->nheaders < REQUEST_MAX_HEADERS) {
		r->header[r->nheaders][0] = name;
		r->header[r->nheaders][1] = value;
		r->nheaders++;
	}
}

const char *
request_get_header(struct request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

void
request_suspend_until(struct request *r, int *finished)
{
	pthread_mutex_lock(&r->wlock);
	if (!*finished) {
		atomic_fetch_add(&r->srv->suspended, 1);
		r->suspended = 1;
		MHD_suspend_connection(r->conn);
	}
	pthread_mutex_unlock(&r->wlock);
}

void
request_wake(struct request *r, int *finished)
{
	struct MHD_Connection *conn = r->conn;
	struct server *srv = r->srv;
	int was_suspended;

	pthread_mutex_lock(&r->wlock);
	*finished = 1;
	was_suspended = r->suspended;
	r->suspended = 0;
	pthread_mutex_unlock(&r->wlock);
	if (was_suspended) {	/* nothing of r may be touched from here on */
		MHD_resume_connection(conn);
		atomic_fetch_sub(&srv->suspended, 1);	/* after: stop waits for this to reach 0 */
	}
}

/* On the writer thread, after the commit: the result, then the wake-up. */
static void
write_done(void *arg, int rc, const struct err *e)
{
	struct request *r = arg;

	pthread_mutex_lock(&r->wlock);
	r->write_rc = rc;
	if (rc != 0 && e != NULL)
		r->write_err = *e;
	pthread_mutex_unlock(&r->wlock);
	request_wake(r, &r->write_finished);
}

/* The writer hands one argument to both the closure and its done(): the request. */
static int
write_trampoline(struct db *db, void *arg, struct err *e)
{
	struct request *r = arg;

	return r->write_fn(db, r->write_arg, e);
}

int
request_write(struct request *r, write_fn fn, void *arg)
{
	struct err e;

	r->write_fn = fn;
	r->write_arg = arg;
	if (writer_submit(r->srv->writer, write_trampoline, write_done, r, &e) != 0) {
		request_header(r, "Retry-After", "1");
		return reply_problem(r, 503, NULL, e.msg, NULL);
	}
	r->write_queued = 1;
	request_suspend_until(r, &r->write_finished);
	return HANDLER_SUSPENDED;
}

static int
is_proxy(struct server *s, const char *addr)
{
	for (int i = 0; i < s->nproxies; i++)
		if (strcmp(s->proxies[i], addr) == 0)
			return 1;
	return 0;
}

/* The peer address, or for a trusted proxy the rightmost X-Forwarded-For entry that is not
 * itself a trusted proxy. */
static void
client_address(struct server *s, struct request *r)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	const char *xff;
	char *list, *tok, *save = NULL, best[64] = "";

	snprintf(r->client, sizeof(r->client), "unknown");
	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, r->client, sizeof(r->client));
	else if (sa != NULL && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, r->client, sizeof(r->client));
	if (!is_proxy(s, r->client))
		return;
	r->via_proxy = 1;
	if ((xff = request_get_header(r, "X-Forwarded-For")) == NULL)
		return;
	if ((list = arena_strdup(r->arena, xff)) == NULL)
		return;
	for (tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		struct in6_addr a6;
		struct in_addr a4;
		if (inet_pton(AF_INET, tok, &a4) != 1 && inet_pton(AF_INET6, tok, &a6) != 1)
			continue;	/* not an address: ignore it */
		if (!is_proxy(s, tok))
			snprintf(best, sizeof(best), "%s", tok);
	}
	if (best[0])
		snprintf(r->client, sizeof(r->client), "%s", best);
}

static void
choose_language(struct request *r)
{
	const char *c;

	c = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "lang");
	if (c != NULL && lang_from_code(c, &r->lang) == 0 && strlen(c) == 2) {
		r->lang_chosen = 1;
		return;
	}
	c = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "lang");
	if (c != NULL && lang_from_code(c, &r->lang) == 0)
		return;
	r->lang = lang_negotiate(request_get_header(r, "Accept-Language"));
}

struct param_walk {
	struct request *r;
	const char *bad, *why;
};

static enum MHD_Result
take_param(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct param_walk *w = cls;
	const struct route *rt = w->r->route;

	for (int i = 0; i < ROUTE_MAX_PARAMS && rt->params[i].name; i++) {
		if (rt->params[i].where != IN_QUERY || strcmp(rt->params[i].name, key) != 0)
			continue;
		if (value == NULL || route_param_check(&rt->params[i], value, &w->why) != 0) {
			if (value == NULL)
				w->why = "needs a value";
			w->bad = rt->params[i].name;
			return MHD_NO;
		}
		w->r->param[i] = value;
	}
	return MHD_YES;	/* undeclared parameters are dropped */
}

/* 413: a page says it in the reader's words (a browser shows the page), the API as a problem. */
static int
too_large(struct server *s, struct request *r)
{
	if (r->route->flags & ROUTE_PAGE)
		return reply_error(r, 413, arena_printf(r->arena, _("What was sent is too large: each file may be at "
								    "most %lld MB. Go back, choose smaller files and "
								    "send the form again; nothing was stored."),
						   (long long)(s->cfg->attachment_max_bytes / 1000000)));
	return reply_problem(r, 413, NULL, "the request body is too large", NULL);
}

/* r's handler, or its page from the page cache (ROUTE_CACHE, for a visitor without a session;
 * read from it only with cache_read: a visitor who just wrote sees the page made afresh). */
static int
run_handler(struct server *s, struct request *r, int cache_read)
{
	char key[256];
	int rc;

	if ((r->route->flags & ROUTE_CACHE) && r->session_id == 0 && s->cfg->page_cache_ms > 0 &&
	    cache_key(r, key, sizeof(key)) == 0) {	/* a session's pages name its account */
		if (cache_read && cache_get(r, key) == 0) {
			metrics_page_cache(1);
			return HANDLER_DONE;
		}
		metrics_page_cache(0);
		rc = r->route->handler(r);
		if (rc == HANDLER_DONE)
			cache_put(r, key, s->cfg->page_cache_ms);
		return rc;
	}
	return r->route->handler(r);
}

/* Forgets what a handler answered, so that it can run again (from the primary); the headers
 * set before it ran (the first nheaders) stay. */
static void
answer_reset(struct request *r, int nheaders)
{
	buf_reset(&r->out);
	r->out.failed = 0;
	r->status = 0;
	r->content_type = NULL;
	r->nheaders = nheaders;
	r->etag[0] = '\0';
	r->gz = NULL;
	r->gz_len = 0;
	r->state = NULL;
	if (r->file_fd > 0)
		close(r->file_fd);
	r->file_fd = 0;
}

/* Central checks, then the handler: on the replica when the request suits it (replica_suits),
 * and again on the primary when the replica failed it or found nothing (404): what the replica
 * lacks may be what the primary committed a moment ago. */
static int
dispatch(struct server *s, struct request *r)
{
	const struct route *rt = r->route;
	struct param_walk w = { r, NULL, NULL };
	struct db *primary = r->db, *replica;
	const char *ct;
	int rc, own_write, nheaders;

	i18n_use(r->lang);
	auth_session_load(r);
	/* A secret in the path (an invitation link's token) never reaches the log: log the pattern. */
	for (int i = 0; i < ROUTE_MAX_PARAMS && rt->params[i].name; i++)
		if (rt->params[i].where == IN_PATH && strcmp(rt->params[i].name, "token") == 0)
			r->path = rt->pattern;
	if (r->out_of_memory)
		return reply_error(r, 503, "out of memory; try again shortly");
	for (int i = 0; i < ROUTE_MAX_PARAMS && rt->params[i].name; i++) {
		/* a path segment always matched something: NULL is its copy that found no memory */
		if (rt->params[i].where == IN_PATH && r->param[i] == NULL)
			return reply_error(r, 503, "out of memory; try again shortly");
		if (rt->params[i].where == IN_PATH && route_param_check(&rt->params[i], r->param[i], &w.why) != 0)
			return reply_error(r, 404, _("There is nothing at this address."));
	}
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, take_param, &w);
	if (w.bad != NULL) {
		char *msg = arena_printf(r->arena, "%s %s", w.bad, w.why);
		if (rt->flags & ROUTE_API)
			return reply_problem(r, 400, NULL, msg, reply_field_error(w.bad, w.why));
		return reply_error(r, 400, msg);
	}
	if (auth_check(r) != 0)
		return HANDLER_DONE;	/* auth_check answered (302, 401 or 403) */
	if (csrf_check(r) != 0)
		return HANDLER_DONE;	/* 403 answered */
	if ((rt->flags & RATE_SUBMIT) && ratelimit_request(s->submit_limit, r) != 0)
		return HANDLER_DONE;	/* 429 answered */
	if (r->body_too_large)
		return too_large(s, r);
	if ((rt->flags & ROUTE_BODY_JSON) && r->upload == NULL) {
		ct = request_get_header(r, "Content-Type");
		if (r->body_in.len > 0 && (ct == NULL || strncasecmp(ct, "application/json", 16) != 0))
			return reply_problem(r, 415, NULL, "send the body as application/json", NULL);
	}
	i18n_use(r->lang);
	own_write = s->db_read_url[0] != '\0' && server_own_write_recent(r);
	if (server_replica_suits(s, r) && (replica = server_replica_db(s)) != NULL) {
		r->db = replica;
		r->db_replica = REPLICA_ANSWERED;
	}
	nheaders = r->nheaders;
	rc = run_handler(s, r, !own_write);
	if (r->db_replica && rc == HANDLER_DONE && (r->status == 404 || server_replica_failed(r))) {
		if (server_replica_failed(r)) {
			log_warn("msg=\"the read replica failed: answering from the primary\" id=%s status=%d "
				 "error=\"%s\"", r->id, r->status, db_errmsg(r->db));
			server_replica_drop();
			r->db_replica = 0;
		} else {	/* 404: perhaps not replayed yet (a link shared the moment it was made) */
			r->db_replica = REPLICA_MISSED;
		}
		answer_reset(r, nheaders);
		r->db = primary;
		rc = run_handler(s, r, !own_write);
	}
	return rc;
}

/* A response header r's handler set, or NULL. */
static const char *
reply_header(const struct request *r, const char *name)
{
	for (int i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->header[i][0], name) == 0)
			return r->header[i][1];
	return NULL;
}

/* How r's body goes on the wire (docs/WEB.md). Text types vary on Accept-Encoding (*vary_ae).
 * A 200 to GET or HEAD built in memory gets a strong entity tag of its identity body (*etag,
 * "" for none), and a 304 with no body when If-None-Match matches it. Text of at least
 * COMPRESS_MIN_BYTES is gzipped for a client that accepts it, unless it is a download
 * (Content-Disposition); its tag is then the "-gz" variant, a different representation.
 * Returns the body to send, malloc'd, its length in *len; NULL for a 304 (no body) and when
 * memory ran out. */
static char *
representation(struct request *r, int *vary_ae, int *gz, char etag[COMPRESS_ETAG_MAX], size_t *len)
{
	const char *cc = reply_header(r, "Cache-Control");
	int get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
	struct buf z;

	*gz = 0;
	etag[0] = '\0';
	*vary_ae = compress_type_ok(r->content_type);
	if (*vary_ae && r->out.len >= COMPRESS_MIN_BYTES && !reply_header(r, "Content-Disposition") &&
	    !reply_header(r, "Content-Encoding"))
		*gz = compress_accepts_gzip(request_get_header(r, "Accept-Encoding"));
	if (get && r->status == 200 && (cc == NULL || strstr(cc, "no-store") == NULL)) {
		if (r->etag[0] == '\0')
			compress_etag(r->out.data, r->out.len, 0, r->etag);
		snprintf(etag, COMPRESS_ETAG_MAX, *gz ? "%.33s-gz\"" : "%s", r->etag);
		if (compress_etag_match(request_get_header(r, "If-None-Match"), etag)) {
			r->status = 304;	/* libmicrohttpd 0.9.75 writes Content-Length: 0 on it */
			*gz = 0;
			*len = 0;
			return NULL;
		}
	}
	if (*gz && r->gz == NULL) {
		buf_init(&z);
		if (compress_gzip(r->out.data, r->out.len, &z) == 0)
			return buf_detach(&z, len);
		buf_free(&z);
		*gz = 0;
		etag[0] = '\0';	/* the identity body after all: its own tag */
		if (r->etag[0])
			snprintf(etag, COMPRESS_ETAG_MAX, "%s", r->etag);
	}
	if (*gz) {	/* the page cache's bytes */
		char *copy = malloc(r->gz_len ? r->gz_len : 1);
		if (copy != NULL)
			memcpy(copy, r->gz, r->gz_len);
		*len = r->gz_len;
		return copy;
	}
	return buf_detach(&r->out, len);
}

/* What a request that found no memory gets, its own arena included. */
#define PROBLEM_NO_MEMORY "{\"type\":\"about:blank\",\"title\":\"Service Unavailable\",\"status\":503," \
			  "\"detail\":\"out of memory; try again shortly\"}\n"

/* 503 without a request (its arena could not be made): a static body, no arena needed. */
static enum MHD_Result
reply_no_memory(struct MHD_Connection *conn)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(strlen(PROBLEM_NO_MEMORY),
								    (void *)PROBLEM_NO_MEMORY,
								    MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", "application/problem+json");
	MHD_add_response_header(resp, "Retry-After", "2");
	ret = MHD_queue_response(conn, 503, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result
send_reply(struct request *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t len = 0;
	char *body, etag[COMPRESS_ETAG_MAX] = "", vary[64] = "";
	int vary_ae = 0, gz = 0;

	if (r->status == 0)
		r->status = 200;
	if (r->out.failed) {
		buf_reset(&r->out);
		r->out.failed = 0;
		r->status = 503;
		r->content_type = "application/problem+json";
		buf_puts(&r->out, PROBLEM_NO_MEMORY);
		request_header(r, "Retry-After", "2");
	}
	if (r->file_fd > 0) {
		resp = MHD_create_response_from_fd64((uint64_t)r->file_size, r->file_fd);
		if (resp == NULL) {
			close(r->file_fd);
			return MHD_NO;
		}
		r->file_fd = 0;	/* libmicrohttpd closes it */
	} else {
		body = representation(r, &vary_ae, &gz, etag, &len);
		if (body == NULL && r->status != 304)
			return MHD_NO;	/* out of memory */
		resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
		if (resp == NULL) {
			free(body);
			return MHD_NO;
		}
	}
	MHD_add_response_header(resp, "Content-Type", r->content_type ? r->content_type : "text/plain; charset=utf-8");
	MHD_add_response_header(resp, "Content-Security-Policy", CSP);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "X-Request-Id", r->id);
	if (r->route == NULL || (r->route->flags & ROUTE_PAGE))
		snprintf(vary, sizeof(vary), "Accept-Language, Cookie");
	if (vary_ae)
		snprintf(vary + strlen(vary), sizeof(vary) - strlen(vary), "%sAccept-Encoding", vary[0] ? ", " : "");
	if (vary[0])
		MHD_add_response_header(resp, "Vary", vary);
	if (gz)
		MHD_add_response_header(resp, "Content-Encoding", "gzip");
	if (etag[0])
		MHD_add_response_header(resp, "ETag", etag);
	if (r->lang_chosen && r->route != NULL && (r->route->flags & ROUTE_PAGE)) {
		char cookie[96];
		snprintf(cookie, sizeof(cookie), "lang=%s; Path=/; Max-Age=31536000; SameSite=Lax",
			 lang_code(r->lang));
		MHD_add_response_header(resp, "Set-Cookie", cookie);
	}
	for (int i = 0; i < r->nheaders; i++)
		MHD_add_response_header(resp, r->header[i][0], r->header[i][1]);
	/* A page made for a session names its account: never in a shared cache. */
	if (!MHD_get_response_header(resp, "Cache-Control"))
		MHD_add_response_header(resp, "Cache-Control", r->session_id != 0 ? "private, no-cache" : "no-cache");
	ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* The largest body a route takes: uploads may carry ten attachments. */
static int64_t
body_limit(struct server *s, struct request *r)
{
	if (r->upload != NULL && (r->route->flags & ROUTE_UPLOAD))
		return s->cfg->max_body_bytes + UPLOAD_MAX_FILES * (s->cfg->attachment_max_bytes + 4096);
	return s->cfg->max_body_bytes;
}

static int
method_has_body(const char *m)
{
	return strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0 || strcmp(m, "PATCH") == 0 ||
	       strcmp(m, "DELETE") == 0;
}

static struct request *
request_new(struct server *s, struct MHD_Connection *conn, const char *url, const char *method)
{
	struct arena *a = arena_new();
	struct request *r;

	if (a == NULL || (r = arena_alloc(a, sizeof(*r))) == NULL) {
		arena_free(a);
		return NULL;
	}
	r->arena = a;
	r->srv = s;
	r->conn = conn;
	r->started_ms = clock_now_ms();
	r->method = arena_strdup(a, method);
	r->path = arena_strdup(a, url);
	r->route_index = -1;
	pthread_mutex_init(&r->wlock, NULL);
	snprintf(r->id, sizeof(r->id), "%08llx%08llx", (unsigned long long)id_prefix,
		 (unsigned long long)atomic_fetch_add(&id_counter, 1) & 0xffffffffULL);
	if (r->method == NULL || r->path == NULL) {
		arena_free(a);
		return NULL;
	}
	return r;
}

/* A request's framing headers: its Content-Length values (do they disagree?), and whether it has
 * Transfer-Encoding too. */
struct framing {
	const char *length;
	int lengths, differ, chunked;
};

static enum MHD_Result
take_framing(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct framing *f = cls;

	(void)kind;
	if (strcasecmp(key, "Content-Length") == 0) {
		if (f->lengths++ > 0 && strcmp(f->length, value != NULL ? value : "") != 0)
			f->differ = 1;
		f->length = value != NULL ? value : "";
	} else if (strcasecmp(key, "Transfer-Encoding") == 0) {
		f->chunked = 1;
	}
	return MHD_YES;
}

/* A request whose length two parsers could read differently (RFC 9112 6.3: Content-Length
 * headers that disagree, or Content-Length with Transfer-Encoding): a proxy in front might take
 * what follows as a second request of its own. Answered 400 and the connection closed, so that
 * nothing after it on the connection is read as a request. Equal Content-Lengths are one. */
static int
framing_ambiguous(struct MHD_Connection *conn)
{
	struct framing f = { "", 0, 0, 0 };

	MHD_get_connection_values(conn, MHD_HEADER_KIND, take_framing, &f);
	return f.differ || (f.chunked && f.lengths > 0);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	   const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct server *s = cls;
	struct request *r = *con_cls;
	const char *cl;
	int rc;

	if (r == NULL) {
		if ((r = request_new(s, conn, url, method)) == NULL)
			return reply_no_memory(conn);
		*con_cls = r;
		atomic_fetch_add(&s->inflight, 1);
		client_address(s, r);
		choose_language(r);
		r->db = server_read_db(s);
		r->route_index = route_match(r, method, url, &r->allow);
		if (r->route_index >= 0)
			r->route = &routes[r->route_index];
		if (framing_ambiguous(conn)) {
			log_warn("msg=\"ambiguous request length: refused\" addr=%s id=%s", r->client, r->id);
			reply_problem(r, 400, NULL, "the request's length is ambiguous: Content-Length headers that "
				      "disagree, or Content-Length with Transfer-Encoding", NULL);
			request_header(r, "Connection", "close");
			return send_reply(r);
		}
		if (method_has_body(method)) {
			cl = request_get_header(r, "Content-Length");
			if (r->route != NULL && (r->route->flags & ROUTE_UPLOAD))
				upload_begin(r, s->blobs, s->cfg->attachment_max_bytes);
			else if (r->route != NULL && (r->route->flags & ROUTE_FORM))
				upload_begin(r, s->blobs, 0);	/* fields only */
			if (cl != NULL && strtoull(cl, NULL, 10) > (unsigned long long)body_limit(s, r)) {
				r->body_too_large = 1;
				if (r->route != NULL) {
					i18n_use(r->lang);
					too_large(s, r);
				} else {
					reply_problem(r, 404, NULL, "there is nothing at this address", NULL);
				}
				return send_reply(r);
			}
		}
		/* Never answer on the first call: libmicrohttpd would close the connection
		 * (STACK-NOTES.md); the next call comes at once for a request without a body. */
		return MHD_YES;
	}
	if (*upload_size > 0) {
		r->body_bytes += *upload_size;
		if (r->body_bytes > (uint64_t)body_limit(s, r))
			r->body_too_large = 1;
		else if (r->upload != NULL)
			upload_feed(r, upload_data, *upload_size);
		else
			buf_add(&r->body_in, upload_data, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->upload != NULL && !r->write_queued && !r->slow_queued && !r->body_too_large && upload_end(r) != 0) {
		struct upload *u = r->upload;
		if (u->status == 413 && (r->route->flags & ROUTE_PAGE)) {
			i18n_use(r->lang);
			too_large(s, r);
		} else {
			rc = reply_problem(r, u->status, NULL, u->why,
					   u->why_field ? reply_field_error(u->why_field, u->why) : NULL);
		}
		return send_reply(r);
	}
	if (r->db == NULL) {
		request_header(r, "Retry-After", "2");
		reply_problem(r, 503, NULL, "the database is not available", NULL);
		return send_reply(r);
	}
	if (r->write_queued || r->slow_queued) {
		i18n_use(r->lang);
		if (r->db_replica == REPLICA_ANSWERED)	/* the connection may have been replaced meanwhile */
			r->db = server_thread_db();
		rc = r->route->handler(r);	/* answers from the write's or the slow work's result */
	} else if (r->route_index == -1) {
		r->route = NULL;
		rc = reply_problem(r, 404, NULL, "there is nothing at this address", NULL);
		if (strncmp(url, "/api/", 5) != 0 && strcmp(url, "/healthz") != 0) {
			static const struct route page404 = { "GET", "", NULL, ROUTE_PAGE, "none", { { 0 } } };
			r->route = &page404;
			i18n_use(r->lang);
			buf_reset(&r->out);
			r->nheaders = 0;
			rc = reply_error(r, 404, _("There is nothing at this address."));
			r->route = NULL;
		}
	} else if (r->route_index == -2) {
		request_header(r, "Allow", r->allow);
		rc = reply_problem(r, 405, NULL, "this method is not allowed here", NULL);
	} else {
		rc = dispatch(s, r);
	}
	if (rc == HANDLER_SUSPENDED)
		return MHD_YES;
	if (r->write_queued && s->db_read_url[0] != '\0')
		server_own_write_mark(r);
	return send_reply(r);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct server *s = cls;
	struct request *r = *con_cls;
	int64_t us;

	if (r == NULL)
		return;
	us = (clock_now_ms() - r->started_ms) * 1000;
	metrics_observe(r->route_index, r->status, us);
	log_info("msg=request id=%s method=%s path=\"%s\" route=%s status=%d ms=%lld addr=%s lang=%s%s%s",
		 r->id, r->method, r->path, r->route ? r->route->name : "none", r->status,
		 (long long)(us / 1000), r->client, lang_code(r->lang),
		 r->db_replica == REPLICA_ANSWERED ? " replica=1" : r->db_replica == REPLICA_MISSED ? " replica=miss" : "",
		 toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=1");
	upload_cleanup(r);
	json_decref(r->json_body);
	if (r->file_fd > 0)
		close(r->file_fd);
	buf_free(&r->body_in);
	buf_free(&r->out);
	pthread_mutex_destroy(&r->wlock);
	arena_free(r->arena);
	*con_cls = NULL;
	atomic_fetch_sub(&s->inflight, 1);
}

/* New connections once the server is stopping: refused (accepted and closed at once).
 * libmicrohttpd 0.9.75's MHD_quiesce_daemon() races its own epoll workers over the listening
 * socket and aborts the process when it loses ("Failed to remove listen FD from epoll set"),
 * so stopping does not quiesce; MHD_stop_daemon() closes the socket at the end. */
static enum MHD_Result
on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	struct server *s = cls;

	(void)addr;
	(void)addrlen;
	return atomic_load(&s->stopping) ? MHD_NO : MHD_YES;
}

/* libmicrohttpd's own messages, as log lines (its text for a busy port names port 0: our
 * start-up error says more). */
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_warn("msg=\"libmicrohttpd\" detail=\"%s\"", msg);
}

/* Serves on lfd (bound and listening): libmicrohttpd's threads, with the callbacks above. */
int
server_http_start(struct server *s, int lfd, struct err *e)
{
	const struct config *cfg = s->cfg;

	randombytes_buf(&id_prefix, sizeof(id_prefix));	/* request ids: this process's prefix */
	id_prefix &= 0xffffffffULL;
	s->mhd = MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME |
		MHD_USE_ITC,
	    0, on_accept, s, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_LISTEN_SOCKET, lfd,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads, MHD_OPTION_NOTIFY_COMPLETED,
	    on_completed, s, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->conn_timeout_s,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg->per_ip_connections,
	    MHD_OPTION_CONNECTION_LIMIT, 4096u, MHD_OPTION_END);
	if (s->mhd == NULL) {
		close(lfd);
		return err_set(e, ERR_INTERNAL, "cannot start the HTTP server on %s", cfg->listen);
	}
	return 0;
}
