/* events.h: every kind of event the scheduler fires, in the order a pass fires them. The store's
 * scheduler knows nothing of them; the server, the command line and the writes that change a time
 * hand it this table. */
#ifndef AGORA_EVENTS_H
#define AGORA_EVENTS_H
#include "../store/scheduler.h"

extern const struct sched_source domain_events[];
extern const int domain_nevents;

#endif
