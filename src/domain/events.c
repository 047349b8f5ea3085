/* events.c: the domain's scheduled events. Order matters: a round due to open and to close in
 * one pass does both. */
#include "events.h"

#include "consultation.h"
#include "notice_members.h"
#include "notice_sched.h"
#include "proposal.h"
#include "subscription.h"

const struct sched_source domain_events[] = {
	/* opening also tells the subscribers (subscription_notice.c) */
	{ "opened", "consultation", consultation_opened_due_sql, notice_apply_opened },
	{ "closed", "consultation", consultation_closed_due_sql, consultation_apply_closed },
	{ "silence_ended", "proposal", proposal_silence_due_sql, notice_silence_apply },	/* issue 13: and tells */
	/* issue 13: personal notices (docs/MAIL-NOTICES.md) */
	{ "outcome_notice", "outcome", notice_outcome_due_sql, notice_outcome_apply },
	{ "overdue_notice", "meeting", notice_overdue_due_sql, notice_overdue_apply },
	{ "meeting_reminder", "meeting", notice_reminder_due_sql, notice_reminder_apply },
	/* subscriptions (issue 13): closing reminders and digests */
	{ "closing_7d", "consultation", notice_closing_7d_sql, notice_apply_closing_7d },
	{ "closing_1d", "consultation", notice_closing_1d_sql, notice_apply_closing_1d },
	{ "digest", "subscription_digest", notice_digest_due_sql, notice_apply_digest },
};
const int domain_nevents = sizeof(domain_events) / sizeof(domain_events[0]);
