/* notice_sched.h: notices fired by the scheduler (notice_sched.c; the table in events.c): an
 * outcome addressed to the secretariat, the items still open a week before the next
 * working-group meeting, the registrants' reminder the day before an open consultation meeting
 * with its iCalendar event attached. */
#ifndef AGORA_NOTICE_SCHED_H
#define AGORA_NOTICE_SCHED_H
#include <stdint.h>

#include "../store/db.h"

extern const char notice_outcome_due_sql[];
extern const char notice_overdue_due_sql[];
extern const char notice_reminder_due_sql[];
int notice_outcome_apply(struct db *db, int64_t id, int64_t now, struct err *e);
int notice_overdue_apply(struct db *db, int64_t id, int64_t now, struct err *e);
int notice_reminder_apply(struct db *db, int64_t id, int64_t now, struct err *e);

#endif
