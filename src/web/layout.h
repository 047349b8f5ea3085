/* layout.h: the frame of every page: head, banner, navigation, language switch, footer. */
#ifndef AGORA_LAYOUT_H
#define AGORA_LAYOUT_H
#include "request.h"

/* Starts r->out as text/html with the page title (plain text, escaped here). */
void layout_begin(struct request *r, const char *title);
void layout_end(struct request *r);
/* <span lang=".." dir="..">text</span> when the text's language differs from the page's. */
void layout_text_in(struct request *r, const char *text, enum lang text_lang);

/* A short page of its own (a confirmation, a refusal): r->out emptied and started with the title
 * as its heading and text as its paragraph. The page goes on with what the caller adds, and
 * layout_message_end() closes it as not to be stored by any cache, with status. */
void layout_message_begin(struct request *r, const char *title, const char *text);
int layout_message_end(struct request *r, int status);
/* The whole short page, with one link under the paragraph when href is not NULL. Returns
 * HANDLER_DONE. */
int layout_message(struct request *r, int status, const char *title, const char *text,
		   const char *href, const char *link);

#endif
