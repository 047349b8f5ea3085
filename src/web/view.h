/* view.h: pieces of pages that show a consultation, shared by several pages. */
#ifndef AGORA_VIEW_H
#define AGORA_VIEW_H
#include "../domain/consultation.h"
#include "request.h"

/* "1 October 2019 at 00:00 UTC (02:00 Geneva time)" in the request's language. */
void view_time(struct request *r, int64_t t);
/* "1 October 2019" (UTC), in the request's language. */
void view_date(struct request *r, int64_t t);
/* A count for people in the request's language ("1,234" in English, "1 234" in French), escaped
 * into the page. JSON, CSV and SVG geometry keep plain digits. */
void view_number(struct request *r, int64_t n);
/* The same as a string in the request's arena (for a translated sentence's %s); "" when the
 * arena is full. */
const char *view_num(struct request *r, int64_t n);
/* <dt>label</dt><dd>value</dd>, escaped; an empty or NULL value writes nothing unless
 * show_empty (the secretariat's view shows that a field is empty). */
void view_row(struct request *r, int show_empty, const char *label, const char *value);
/* A notice naming the attachments of resp whose text could not be read (a PDF without a text
 * layer, a damaged file): their content cannot be found by search. Nothing when there are none. */
struct response;
void view_unsearchable(struct request *r, const struct response *resp);
/* Rows of a receipt's <dl>: the response's id as a link to its page; its SHA-256. */
void view_receipt_id_row(struct request *r, const char *public_id);
void view_receipt_hash_row(struct request *r, const char *sha256);
/* The private manage link of a new response, shown once in a notice: title, the link, advice. */
void view_manage_link(struct request *r, const char *public_id, const char *token, const char *title,
		      const char *advice);
/* The state as a badge: Open, Upcoming, Closed. */
void view_state(struct request *r, const struct consultation *c);
/* "12 days left" / "5 hours left" for an open consultation. */
void view_time_left(struct request *r, const struct consultation *c);
/* The count view_time_left shows for left seconds (> 0), rounded up, and its unit. */
enum time_unit { TIME_DAYS, TIME_HOURS, TIME_MINUTES };
long view_time_left_count(int64_t left, enum time_unit *unit);
/* One consultation in a list: title link, state, period, topic. */
void view_consultation_item(struct request *r, const struct consultation *c);
/* A text in the page's language or its fallback, marked with its language. */
void view_mtext(struct request *r, const struct mtext *t);
/* "Original", "Official translation", "Draft translation", "Missing", translated. */
const char *view_text_status_label(enum text_status s);
/* Under a text shown by view_mtext: the status of the version shown, a note when it is not in
 * the reader's language, and "Also in:" links to this page in each other language the text
 * exists in (drafts only where t holds them, i.e. for the secretariat, with a badge). */
void view_text_versions(struct request *r, const struct mtext *t);

#endif
