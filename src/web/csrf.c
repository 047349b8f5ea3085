/* csrf.c: CSRF tokens (libsodium crypto_auth, HMAC-SHA-512-256) and the central check. */
#include "csrf.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../domain/session.h"
#include "../util/log.h"
#include "cookie.h"
#include "html.h"
#include "reply.h"
#include "route.h"
#include "server.h"
#include "upload.h"

static int
read_key(const char *path, unsigned char key[CSRF_KEY_BYTES])
{
	int fd = open(path, O_RDONLY);
	ssize_t n;
	char extra;

	if (fd < 0)
		return -1;
	n = read(fd, key, CSRF_KEY_BYTES);
	if (n == CSRF_KEY_BYTES && read(fd, &extra, 1) != 0)
		n = -1;	/* longer than a key */
	close(fd);
	return n == CSRF_KEY_BYTES ? 0 : -2;
}

int
csrf_key_load(const char *data_dir, unsigned char key[CSRF_KEY_BYTES], struct err *e)
{
	char dir[600], path[620];
	int fd, rc, ok;

	snprintf(dir, sizeof(dir), "%s/keys", data_dir);
	snprintf(path, sizeof(path), "%s/csrf.key", dir);
	if ((rc = read_key(path, key)) == 0)
		return 0;
	if (rc == -2)
		return err_set(e, ERR_INTERNAL, "%s is not a key of %d bytes", path, CSRF_KEY_BYTES);
	if (errno != ENOENT)
		return err_set(e, ERR_INTERNAL, "cannot read %s: %s", path, strerror(errno));
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return err_set(e, ERR_INTERNAL, "cannot create %s: %s", dir, strerror(errno));
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0) {
		if (errno == EEXIST && read_key(path, key) == 0)
			return 0;	/* another process made it first */
		return err_set(e, ERR_INTERNAL, "cannot create %s: %s", path, strerror(errno));
	}
	randombytes_buf(key, CSRF_KEY_BYTES);
	ok = write(fd, key, CSRF_KEY_BYTES) == CSRF_KEY_BYTES && fsync(fd) == 0;
	if (close(fd) != 0 || !ok) {
		unlink(path);
		return err_set(e, ERR_INTERNAL, "cannot write %s", path);
	}
	return 0;
}

static void
mac(const unsigned char key[CSRF_KEY_BYTES], const char *context, const char *secret,
    unsigned char out[crypto_auth_BYTES])
{
	crypto_auth_hmacsha512256_state st;

	crypto_auth_hmacsha512256_init(&st, key, CSRF_KEY_BYTES);
	crypto_auth_hmacsha512256_update(&st, (const unsigned char *)context, strlen(context) + 1);
	crypto_auth_hmacsha512256_update(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha512256_final(&st, out);
}

void
csrf_make(const unsigned char key[CSRF_KEY_BYTES], const char *context, const char *secret,
	  char out[CSRF_TOKEN_LEN])
{
	unsigned char m[crypto_auth_BYTES];

	mac(key, context, secret, m);
	sodium_bin2base64(out, CSRF_TOKEN_LEN, m, sizeof(m), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int
csrf_verify(const unsigned char key[CSRF_KEY_BYTES], const char *context, const char *secret,
	    const char *token)
{
	char want[CSRF_TOKEN_LEN];

	if (token == NULL || secret == NULL || strlen(token) != CSRF_TOKEN_LEN - 1)
		return 0;
	csrf_make(key, context, secret, want);
	return sodium_memcmp(want, token, CSRF_TOKEN_LEN - 1) == 0;
}

/* host without a default port (":80" for http, ":443" for https), into out. */
static void
host_norm(const char *host, const char *scheme, char *out, size_t n)
{
	size_t len = strlen(host);

	snprintf(out, n, "%s", host);
	len = strlen(out);
	if (strcasecmp(scheme, "http") == 0 && len > 3 && strcmp(out + len - 3, ":80") == 0)
		out[len - 3] = '\0';
	else if (strcasecmp(scheme, "https") == 0 && len > 4 && strcmp(out + len - 4, ":443") == 0)
		out[len - 4] = '\0';
}

int
csrf_same_origin(const char *origin, const char *scheme, const char *host)
{
	size_t sl = strlen(scheme);
	char a[300], b[300];

	if (origin == NULL || host == NULL || host[0] == '\0' || strlen(origin) >= sizeof(a) ||
	    strlen(host) >= sizeof(b))
		return 0;
	if (strncasecmp(origin, scheme, sl) != 0 || strncmp(origin + sl, "://", 3) != 0)
		return 0;
	host_norm(origin + sl + 3, scheme, a, sizeof(a));
	host_norm(host, scheme, b, sizeof(b));
	return a[0] != '\0' && strcasecmp(a, b) == 0;
}

const char *
csrf_token(struct request *r)
{
	char t[CSRF_TOKEN_LEN], secret[SESSION_TOKEN_LEN];
	const char *c;

	if (r->csrf != NULL)
		return r->csrf;
	if (r->session_id != 0 && r->session_token != NULL) {
		csrf_make(r->srv->csrf_key, "session", r->session_token, t);
	} else {
		c = cookie_get(r, COOKIE_CSRF);
		if (!session_token_valid(c)) {
			session_token_new(secret);
			if ((c = arena_strdup(r->arena, secret)) == NULL)
				return NULL;
			cookie_set(r, COOKIE_CSRF, c);
		}
		csrf_make(r->srv->csrf_key, "browser", c, t);
	}
	r->csrf = arena_strdup(r->arena, t);
	return r->csrf;
}

void
csrf_input(struct request *r)
{
	const char *t = csrf_token(r);

	if (t == NULL) {
		r->out.failed = 1;	/* answered 503: a form without its token would only fail */
		return;
	}
	H(&r->out, "<input type=\"hidden\" name=\"csrf\" value=\"");
	html_attr(&r->out, t);
	H(&r->out, "\">\n");
}

static int
state_changing(const char *m)
{
	return strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0 || strcmp(m, "PATCH") == 0 ||
	       strcmp(m, "DELETE") == 0;
}

static int
refuse(struct request *r, const char *why)
{
	log_warn("msg=\"cross-site request refused\" why=%s addr=%s route=%s id=%s", why, r->client,
		 r->route->name, r->id);
	if (r->route->flags & ROUTE_API)
		reply_problem(r, 403, NULL, "refused as a possible cross-site request: send requests from this "
			      "site only, and with a session cookie the X-CSRF-Token header (the csrf value of "
			      "its pages' forms); nothing was changed", NULL);
	else
		reply_error(r, 403, _("This form has expired or did not come from this site: nothing was "
				      "changed. Open the page again and resend it."));
	return -1;
}

int
csrf_check(struct request *r)
{
	const char *origin, *site, *auth, *token = NULL, *c;
	int ok;

	if (!state_changing(r->method))
		return 0;
	if ((origin = request_get_header(r, "Origin")) != NULL &&
	    !csrf_same_origin(origin, request_is_https(r) ? "https" : "http", request_get_header(r, "Host")))
		return refuse(r, "origin");
	if ((site = request_get_header(r, "Sec-Fetch-Site")) != NULL && strcasecmp(site, "cross-site") == 0)
		return refuse(r, "sec-fetch-site");
	if (r->session_id == 0 && !(r->route->flags & ROUTE_PAGE))
		return 0;	/* an API call that no session cookie speaks for */
	auth = request_get_header(r, "Authorization");
	if (r->session_id == 0 && cookie_get(r, COOKIE_SESSION) == NULL &&
	    ((auth != NULL && strncasecmp(auth, "Bearer ", 7) == 0) ||
	     request_get_header(r, "X-Manage-Token") != NULL))
		return 0;	/* a browser cannot send these across sites */
	if (r->upload != NULL)
		token = upload_field(r, "csrf");
	if (token == NULL)
		token = request_get_header(r, "X-CSRF-Token");
	if (r->session_id != 0) {
		ok = csrf_verify(r->srv->csrf_key, "session", r->session_token, token);
	} else {
		c = cookie_get(r, COOKIE_CSRF);
		ok = session_token_valid(c) && csrf_verify(r->srv->csrf_key, "browser", c, token);
		/* A form shown to a session that has ended since (idle while a long response was
		 * written): its token still proves the page came from this site to this browser. */
		c = cookie_get(r, COOKIE_SESSION);
		ok = ok || (session_token_valid(c) && csrf_verify(r->srv->csrf_key, "session", c, token));
	}
	return ok ? 0 : refuse(r, token == NULL ? "no-token" : "bad-token");
}
