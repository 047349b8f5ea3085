/* view_registration_meeting.h: what an open consultation meeting's page shows of its
 * registration (page_registration_meeting.c). */
#ifndef AGORA_VIEW_REGISTRATION_MEETING_H
#define AGORA_VIEW_REGISTRATION_MEETING_H
#include "../domain/meeting.h"
#include "request.h"

/* For an open consultation meeting: the Register link while registration is open (or why it is
 * not), the speakers list in order, and the record once written; nothing for other meetings. */
void view_meeting_registration(struct request *r, const struct meeting *m);

#endif
