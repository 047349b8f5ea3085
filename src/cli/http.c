/* http.c: the log tools' HTTP client over libcurl (http.h). */
#include "http.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"

struct sink {
	struct buf b;
	size_t max;
	int too_big;
};

static size_t
on_data(char *p, size_t size, size_t n, void *ctx)
{
	struct sink *s = ctx;

	if (s->b.len + n > s->max) {
		s->too_big = 1;
		return 0;	/* stops the transfer */
	}
	buf_add(&s->b, p, n);
	return s->b.failed ? 0 : n;
	(void)size;
}

static long
perform(const char *url, const char *post, size_t post_len, size_t max, long timeout_s,
    struct http_resp *r, struct err *e)
{
	static int started;
	struct curl_slist *hdr = NULL;
	struct sink s = { .max = max };
	char errbuf[CURL_ERROR_SIZE] = "";
	CURLcode rc;
	CURL *c;

	memset(r, 0, sizeof(*r));
	if (!started) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
			return err_set(e, ERR_INTERNAL, "libcurl could not start");
		started = 1;
	}
	if ((c = curl_easy_init()) == NULL)
		return err_set(e, ERR_INTERNAL, "libcurl could not start");
	buf_init(&s.b);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, timeout_s < 10 ? timeout_s : 10L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "agora-log-tools/1");
	if (post != NULL) {
		hdr = curl_slist_append(hdr, "Content-Type: text/plain; charset=utf-8");
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, post);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)post_len);
	}
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_cleanup(c);
	curl_slist_free_all(hdr);
	if (rc != CURLE_OK || s.b.failed) {
		buf_free(&s.b);
		if (s.too_big)
			return err_set(e, ERR_INVALID, "the answer from %s is larger than %zu bytes", url,
			    max);
		if (rc == CURLE_COULDNT_CONNECT)
			return err_set(e, ERR_BUSY, "could not connect to %s: connection refused", url);
		if (rc == CURLE_OPERATION_TIMEDOUT)
			return err_set(e, ERR_BUSY, "no answer from %s within %ld s", url, timeout_s);
		if (rc == CURLE_COULDNT_RESOLVE_HOST)
			return err_set(e, ERR_BUSY, "could not resolve the host of %s", url);
		if (rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL)
			return err_set(e, ERR_INVALID, "%s is not an http:// or https:// URL", url);
		return err_set(e, ERR_BUSY, "could not fetch %s: %s", url,
		    errbuf[0] ? errbuf : curl_easy_strerror(rc));
	}
	/* a buf's data is NUL-terminated, and an empty one detaches as "" */
	if ((r->body = buf_detach(&s.b, &r->len)) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	return r->status;
}

long
http_get(const char *url, size_t max, long timeout_s, struct http_resp *r, struct err *e)
{
	return perform(url, NULL, 0, max, timeout_s, r, e);
}

long
http_post_text(const char *url, const char *body, size_t len, size_t max, long timeout_s,
    struct http_resp *r, struct err *e)
{
	return perform(url, body, len, max, timeout_s, r, e);
}

int
http_status_error(const char *url, const struct http_resp *r, struct err *e)
{
	json_t *j = r->body ? json_loadb(r->body, r->len, 0, NULL) : NULL;
	const char *detail = json_string_value(json_object_get(j, "detail"));
	int n;

	if (detail == NULL)
		detail = json_string_value(json_object_get(j, "title"));
	if (detail != NULL) {
		err_set(e, ERR_INVALID, "%s answered %ld: %s", url, r->status, detail);
	} else {
		n = r->body ? (int)strcspn(r->body, "\n") : 0;
		err_set(e, ERR_INVALID, "%s answered %ld%s%.*s", url, r->status, n ? ": " : "",
		    n > 120 ? 120 : n, r->body ? r->body : "");
	}
	json_decref(j);
	return -1;
}

int
http_get_ok(const char *url, size_t max, long timeout_s, struct http_resp *r, struct err *e)
{
	if (http_get(url, max, timeout_s, r, e) < 0)
		return -1;
	if (r->status != 200) {
		http_status_error(url, r, e);
		http_free(r);
		return -1;
	}
	return 0;
}

void
http_free(struct http_resp *r)
{
	free(r->body);
	r->body = NULL;
	r->len = 0;
}
