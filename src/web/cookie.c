/* cookie.c: cookie names by scheme and Set-Cookie headers. */
#include <netinet/in.h>

#include "cookie.h"

#include <microhttpd.h>
#include <string.h>
#include <strings.h>

int
request_is_https(struct request *r)
{
	const char *proto;

	if (!r->via_proxy || (proto = request_get_header(r, "X-Forwarded-Proto")) == NULL)
		return 0;
	return strcasecmp(proto, "https") == 0;
}

static const char *
name_for(struct request *r, const char *base)
{
	return request_is_https(r) ? arena_printf(r->arena, "__Host-%s", base) : base;
}

const char *
cookie_get(struct request *r, const char *base)
{
	const char *name = name_for(r, base);

	return name ? MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name) : NULL;
}

static void
set(struct request *r, const char *base, const char *value, const char *extra)
{
	int https = request_is_https(r);
	const char *h = arena_printf(r->arena, "%s%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s",
				     https ? "__Host-" : "", base, value, https ? "; Secure" : "", extra);

	if (h != NULL)
		request_header(r, "Set-Cookie", h);
}

void
cookie_set(struct request *r, const char *base, const char *value)
{
	set(r, base, value, "");
}

void
cookie_clear(struct request *r, const char *base)
{
	set(r, base, "", "; Max-Age=0");
}
