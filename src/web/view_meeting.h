/* view_meeting.h: pieces of pages that show meetings and outcomes, shared by the meeting pages
 * and the consultation archive: labels of the stored values, ordinals, status badges. */
#ifndef AGORA_VIEW_MEETING_H
#define AGORA_VIEW_MEETING_H
#include "../domain/consultation.h"
#include "../domain/outcome.h"
#include "request.h"

/* The ordinal of a meeting: "15th", "15e", "15.ª" (feminine in French and Spanish, as réunion
 * and reunión are) in the request's language (ICU's ordinal rules), in r's arena. */
const char *view_ordinal(struct request *r, int n);
/* Translated labels of the stored values (the value itself when unknown). */
const char *view_meeting_kind(const char *kind);
const char *view_meeting_mode(const char *mode);
const char *view_outcome_kind(const char *kind);
const char *view_outcome_addressee(const char *addressee);
const char *view_outcome_status(const char *status);
/* The status as a badge: <span class="outcome-status status-done">Done</span>. */
void view_outcome_badge(struct request *r, const char *status);
/* "15(c)": an outcome's reference. */
const char *view_outcome_ref(struct request *r, int number, const char *letter);
/* The meeting's dates: one day, or "first day – last day". */
void view_meeting_dates(struct request *r, const struct meeting *m);

/* The archive's rounds (newest first) grouped under the meeting that launched each ("Launched
 * by the 15th meeting"), or the meeting text the round carries, or "Other rounds"; a new
 * heading wherever the group changes. Without launch data it lists them ungrouped. */
void view_consultations_by_meeting(struct request *r, const struct consultation *items, int n);

#endif
