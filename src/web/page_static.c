/* page_static.c: the style sheet and other embedded files, cacheable. */
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

int
page_static(struct request *r)
{
	const char *name = r->param[0];
	const struct embedded *a;
	size_t n = strlen(name);

	if (n < 5 || strcmp(name + n - 4, ".css") != 0 || (a = asset_find(name)) == NULL)
		return reply_problem(r, 404, NULL, "there is nothing at this address", NULL);
	r->content_type = "text/css; charset=utf-8";
	request_header(r, "Cache-Control", "public, max-age=3600");
	buf_add(&r->out, a->data, a->len);
	return HANDLER_DONE;
}
