/* events.c: the domain's scheduled events. Order matters: a round due to open and to close in
 * one pass does both. */
#include "events.h"

#include "consultation.h"
#include "proposal.h"

const struct sched_source domain_events[] = {
	{ "opened", "consultation", consultation_opened_due_sql, consultation_apply_opened },
	{ "closed", "consultation", consultation_closed_due_sql, consultation_apply_closed },
	{ "silence_ended", "proposal", proposal_silence_due_sql, proposal_apply_silence },
};
const int domain_nevents = sizeof(domain_events) / sizeof(domain_events[0]);
