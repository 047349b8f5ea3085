/* meeting_ics.h: meetings as iCalendar (RFC 5545), composed once for the calendar pages
 * (web/page_meetings_ics.c) and the registrants' reminder mail (notice_sched.c). */
#ifndef AGORA_MEETING_ICS_H
#define AGORA_MEETING_ICS_H
#include "../store/db.h"
#include "../util/arena.h"
#include "meeting.h"

/* A VCALENDAR with one VEVENT per meeting, titles in lang (else the best there is), each URL
 * base_url + "/meetings/N" (base_url absolute, without a trailing slash). A heap string (the
 * caller frees it), or NULL when out of memory. */
char *meeting_ics(struct db *db, struct arena *a, const struct meeting *m, int n, enum lang lang,
		  const char *base_url);

#endif
