/* registration_meeting.h: registration for open consultation meetings (0014_registrations.sql):
 * the settings (capacities, closing), registering and cancelling with the cancel token, the
 * secretariat's list, the ordered speakers list and the meeting's record. Not to be confused
 * with registration.h, which is self-registration for accounts. */
#ifndef AGORA_REGISTRATION_MEETING_H
#define AGORA_REGISTRATION_MEETING_H
#include <stdint.h>

#include "../store/db.h"
#include "../util/arena.h"
#include "outbox.h"
#include "session.h"
#include "text.h"

#define MREG_NAME_MAX 200
#define MREG_ORG_MAX 200
#define MREG_CAPACITY_MAX 100000
#define MREG_RECORD_MAX_CHARS 100000
#define MREG_SPEAKERS_MAX 500

/* A meeting with what registration needs. */
struct mreg_meeting {
	int64_t id;
	int number;
	const char *kind;		/* "working_group", "open_consultation" */
	const char *original_language;	/* "en"... */
	int64_t starts_on, ends_on;	/* 00:00 UTC of the first and the last day */
	int has_registration;		/* a meeting_registration row exists */
	int capacity_in_person;		/* 0: no one in person */
	int capacity_remote;		/* 0: unlimited */
	int64_t closes_at;
	int starts_min, ends_min;	/* minutes after 00:00 UTC; -1 when not known */
	int n_in_person, n_remote;	/* registered (not cancelled) */
};

/* Why a registration is refused (or MREG_OK). */
enum mreg_verdict {
	MREG_OK = 0,
	MREG_NO_REGISTRATION,	/* not an open consultation meeting, or no settings */
	MREG_CLOSED,		/* now is at or after closes_at */
	MREG_NOT_OFFERED,	/* in person asked for, but the meeting has no seats */
	MREG_FULL,		/* the capacity of that attendance is reached */
};
/* The capacity and closing rule, pure: may one more register with this attendance now? */
enum mreg_verdict mreg_judge(const struct mreg_meeting *m, const char *attendance, int64_t now);
/* Is registration open at all now (for the "Register" link): some attendance is not refused. */
int mreg_open(const struct mreg_meeting *m, int64_t now);

/* The meeting by number with its settings and counts. Returns 0, or -1 (ERR_NOTFOUND). */
int mreg_meeting_get(struct db *db, struct arena *a, int number, struct mreg_meeting *m, struct err *e);

/* Writer closure (arg: struct mreg_settings *): creates or replaces the settings of an open
 * consultation meeting (ERR_CONFLICT for a working-group meeting; ERR_NOTFOUND). Audited as
 * meeting_registration_settings. */
struct mreg_settings {
	int number;
	int capacity_in_person, capacity_remote;
	int64_t closes_at;
	int starts_min, ends_min;	/* -1: not known */
	int64_t account_id;		/* 0: the command line or the demo loader */
	const char *address;
};
int mreg_settings_fn(struct db *db, void *arg, struct err *e);

/* A registration to store. The caller checks the fields (mreg_check) and makes the token; the
 * closure checks the rule again against the stored counts, inside the write, so two racing
 * registrations for the last seat cannot both get it. The mail is composed around the cancel
 * link, which needs the new row's id: mail_head + link_base + id + link_tail + mail_foot. */
struct mreg_new {
	int number;
	const char *name, *organization, *country, *stakeholder_type, *email, *lang;
	const char *attendance, *publish_as;
	const char *response;		/* a response's public id, or NULL / "" */
	int wish_to_speak;
	char token[SESSION_TOKEN_LEN];
	const char *address;
	const char *mail_subject, *mail_head, *link_base, *link_tail, *mail_foot;
	/* out */
	int64_t id;
	enum mreg_verdict verdict;	/* not MREG_OK: refused (ERR_CONFLICT), nothing stored */
};
int mreg_register_fn(struct db *db, void *arg, struct err *e);

/* Field checks for a registration; each failing field gets its message (translated) in the
 * matching pointer. Returns the number of errors. The response is only checked for its form
 * here; whether it exists and is published is checked in the write (field "response"). */
struct mreg_errors {
	const char *name, *organization, *country, *stakeholder_type, *email, *attendance, *publish_as,
	    *response;
};
int mreg_check(const struct mreg_new *n, struct mreg_errors *x);

/* Writer closure (arg: struct mreg_cancel *): cancels registration id of meeting number when
 * token is its cancel token (else ERR_INVALID with "forbidden" in e->field: the caller answers
 * 403), and takes it off the speakers list. Cancelling twice is not an error (was_cancelled). */
struct mreg_cancel {
	int number;
	int64_t id;
	const char *token, *address;
	int was_cancelled;	/* out */
};
int mreg_cancel_fn(struct db *db, void *arg, struct err *e);
/* Is token the cancel token of registration id of meeting number? 1 yes, 0 no, -1 error. */
int mreg_token_ok(struct db *db, int number, int64_t id, const char *token);

/* One registrant, for the secretariat. */
struct mreg_registrant {
	int64_t id;
	const char *name, *organization, *country, *stakeholder_type, *email, *language;
	const char *attendance, *publish_as, *status, *response;	/* response: public id or "" */
	int wish_to_speak;
	int position;		/* on the speakers list, 0 when not on it */
	int64_t created_at, cancelled_at;
};
/* Every registration of the meeting (cancelled too), oldest first. Returns the count or -1. */
int mreg_list(struct db *db, struct arena *a, int64_t meeting_id, struct mreg_registrant **out, struct err *e);

/* One entry of the public speakers list. */
struct mreg_speaker {
	int position;
	const char *display;	/* "SURNAME, Given - Organization" or "Organization" */
	const char *response;	/* the response presented (public id) or "" */
};
/* The speakers in order (registered ones only). Returns the count or -1. */
int mreg_speakers(struct db *db, struct arena *a, int64_t meeting_id, struct mreg_speaker **out, struct err *e);
/* How a registrant is named in public, as responses are. */
const char *mreg_display_name(struct arena *a, const char *name, const char *organization, const char *publish_as);

/* Writer closure (arg: struct mreg_order *): replaces the speakers list with ids in order;
 * each must be a registered registration of the meeting (else ERR_INVALID, field "order").
 * Audited as speakers_order. */
struct mreg_order {
	int number;
	int n;
	int64_t ids[MREG_SPEAKERS_MAX];
	int64_t account_id;
	const char *address;
};
int mreg_order_fn(struct db *db, void *arg, struct err *e);

/* Writer closure (arg: struct mreg_record *): writes the record in one language (an empty
 * body removes that language). Audited as meeting_record. */
struct mreg_record {
	int number;
	enum lang lang;
	const char *body;
	int64_t account_id;
	const char *address;
};
int mreg_record_fn(struct db *db, void *arg, struct err *e);
/* The record in every language there is. Returns 0 or -1. */
int mreg_record_get(struct db *db, struct arena *a, int64_t meeting_id, enum lang original, struct mtext *out,
		    struct err *e);

#endif
