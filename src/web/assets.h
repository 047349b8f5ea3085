/* assets.h: files embedded in the program at build time (static/, the OpenAPI document). */
#ifndef AGORA_ASSETS_H
#define AGORA_ASSETS_H
#include <stddef.h>

struct embedded {
	const char *path, *data;
	size_t len;
};
/* The embedded file named name (its base name), or NULL. */
const struct embedded *asset_find(const char *name);
/* The style sheet's address with its content's hash in it (page_static.c): cacheable for a year. */
const char *static_css_href(void);

#endif
