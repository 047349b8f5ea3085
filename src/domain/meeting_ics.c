/* meeting_ics.c: meetings as iCalendar (meeting_ics.h). libical writes the text, so escaping,
 * line folding at 75 octets and CRLF endings are its, never ours. Each meeting is one VEVENT whose
 * UID stays the same for as long as the meeting exists; DTSTAMP is the project clock. A meeting
 * whose times of day are not known (0014's starts_min/ends_min) is an all-day event over its days. */
#include "meeting_ics.h"

#include <libical/ical.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../util/clock.h"
#include "../util/str.h"
#include "registration_meeting.h"

static pthread_once_t utc_once = PTHREAD_ONCE_INIT;
static icaltimezone *utc;

/* libical builds its UTC zone on first use: once, before any thread shares it. */
static void
utc_init(void)
{
	utc = icaltimezone_get_utc_timezone();
}

static struct icaltimetype
utc_time(int64_t t, int is_date)
{
	return icaltime_from_timet_with_zone((time_t)t, is_date, utc);
}

/* One meeting as a VEVENT. Returns 0, or -1 when out of memory. */
static int
add_event(struct db *db, struct arena *a, icalcomponent *cal, const struct meeting *m, enum lang lang,
	  const char *base_url)
{
	struct mreg_meeting g;
	struct err e;
	const char *title = mtext_pick(&m->title, lang, NULL);
	const char *url = arena_printf(a, "%s/meetings/%d", base_url, m->number);
	const char *uid = arena_printf(a, "meeting-%d-%lld@agora", m->number, (long long)m->created_at);
	const char *place = m->place != NULL && m->place[0] != '\0' && !str_eq(m->mode, "virtual") ? m->place : "Online";
	icalcomponent *ev;
	int timed;

	if (url == NULL || uid == NULL)
		return -1;
	if (mreg_meeting_get(db, a, m->number, &g, &e) != 0)
		memset(&g, 0, sizeof(g)), g.starts_min = g.ends_min = -1;
	timed = g.has_registration && g.starts_min >= 0 && g.ends_min >= 0;
	if ((ev = icalcomponent_new(ICAL_VEVENT_COMPONENT)) == NULL)
		return -1;
	icalcomponent_add_property(ev, icalproperty_new_uid(uid));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(utc_time(clock_now(), 0)));
	if (timed) {
		icalcomponent_add_property(ev, icalproperty_new_dtstart(utc_time(m->starts_on + g.starts_min * 60LL, 0)));
		icalcomponent_add_property(ev, icalproperty_new_dtend(utc_time(m->ends_on + g.ends_min * 60LL, 0)));
	} else {	/* whole days: DTEND is the day after the last (exclusive) */
		icalcomponent_add_property(ev, icalproperty_new_dtstart(utc_time(m->starts_on, 1)));
		icalcomponent_add_property(ev, icalproperty_new_dtend(utc_time(m->ends_on + 86400, 1)));
	}
	icalcomponent_add_property(ev, icalproperty_new_summary(
					   title ? title : arena_printf(a, "Meeting %d", m->number)));
	icalcomponent_add_property(ev, icalproperty_new_location(place));
	icalcomponent_add_property(ev, icalproperty_new_url(url));
	icalcomponent_add_property(ev, icalproperty_new_transp(ICAL_TRANSP_OPAQUE));
	icalcomponent_add_component(cal, ev);
	return 0;
}

char *
meeting_ics(struct db *db, struct arena *a, const struct meeting *m, int n, enum lang lang, const char *base_url)
{
	icalcomponent *cal;
	char *text;

	pthread_once(&utc_once, utc_init);
	if ((cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT)) == NULL)
		return NULL;
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_prodid("-//Agora//Meetings//EN"));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	icalcomponent_add_property(cal, icalproperty_new_method(ICAL_METHOD_PUBLISH));
	for (int i = 0; i < n; i++)
		if (add_event(db, a, cal, &m[i], lang, base_url) != 0) {
			icalcomponent_free(cal);
			return NULL;
		}
	text = icalcomponent_as_ical_string_r(cal);
	icalcomponent_free(cal);
	return text;
}
