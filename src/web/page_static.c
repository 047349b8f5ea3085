/* page_static.c: the style sheet and other embedded files, cacheable. */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "assets.h"
#include "handlers.h"
#include "reply.h"

extern const struct embedded assets[];

const struct embedded *
asset_find(const char *name)
{
	for (const struct embedded *a = assets; a->path != NULL; a++)
		if (strcmp(a->path, name) == 0)
			return a;
	return NULL;
}

/* The style sheet's address names its content: "/static/agora.<16 hex>.css". */
static char css_href[64];
static pthread_once_t css_once = PTHREAD_ONCE_INIT;

static void
css_href_make(void)
{
	const struct embedded *a = asset_find("agora.css");
	unsigned char h[8] = { 0 };
	char hex[17];

	if (a != NULL)
		crypto_generichash(h, sizeof(h), (const unsigned char *)a->data, a->len, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(css_href, sizeof(css_href), "/static/agora.%s.css", hex);
}

const char *
static_css_href(void)
{
	pthread_once(&css_once, css_href_make);
	return css_href;
}

/* /static/agora.css, and /static/agora.<hash>.css: the address pages link to. That one never
 * changes while its content stays, so it may be kept a year; an address with an older hash (a
 * page kept from before an upgrade) gets today's sheet, revalidated like the plain name. */
int
page_static(struct request *r)
{
	const char *name = r->param[0];
	const struct embedded *a;
	size_t n = strlen(name);
	int versioned = strcmp(name, static_css_href() + 8) == 0;
	const char *dot;

	if (n < 5 || strcmp(name + n - 4, ".css") != 0)
		return reply_problem(r, 404, NULL, "there is nothing at this address", NULL);
	if ((dot = strchr(name, '.')) != NULL && dot + 21 == name + n &&
	    strspn(dot + 1, "0123456789abcdef") == 16)
		name = arena_printf(r->arena, "%.*s.css", (int)(dot - name), name);	/* drop the hash */
	if (name == NULL || (a = asset_find(name)) == NULL)
		return reply_problem(r, 404, NULL, "there is nothing at this address", NULL);
	r->content_type = "text/css; charset=utf-8";
	request_header(r, "Cache-Control", versioned ? "public, max-age=31536000, immutable" : "no-cache");
	buf_add(&r->out, a->data, a->len);
	return HANDLER_DONE;
}
