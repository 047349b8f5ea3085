/* events.c: the domain's scheduled events. Order matters: a round due to open and to close in
 * one pass does both. */
#include "events.h"

#include "consultation.h"
#include "notice_members.h"
#include "notice_sched.h"
#include "proposal.h"

const struct sched_source domain_events[] = {
	{ "opened", "consultation", consultation_opened_due_sql, consultation_apply_opened },
	{ "closed", "consultation", consultation_closed_due_sql, consultation_apply_closed },
	{ "silence_ended", "proposal", proposal_silence_due_sql, notice_silence_apply },	/* issue 13: and tells */
	/* issue 13: personal notices (docs/MAIL-NOTICES.md) */
	{ "outcome_notice", "outcome", notice_outcome_due_sql, notice_outcome_apply },
	{ "overdue_notice", "meeting", notice_overdue_due_sql, notice_overdue_apply },
	{ "meeting_reminder", "meeting", notice_reminder_due_sql, notice_reminder_apply },
};
const int domain_nevents = sizeof(domain_events) / sizeof(domain_events[0]);
