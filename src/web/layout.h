/* layout.h: the frame of every page: head, banner, navigation, language switch, footer. */
#ifndef AGORA_LAYOUT_H
#define AGORA_LAYOUT_H
#include "request.h"

/* Starts r->out as text/html with the page title (plain text, escaped here). */
void layout_begin(struct request *r, const char *title);
void layout_end(struct request *r);
/* <span lang=".." dir="..">text</span> when the text's language differs from the page's. */
void layout_text_in(struct request *r, const char *text, enum lang text_lang);

#endif
