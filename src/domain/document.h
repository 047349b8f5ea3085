/* document.h: the working group's documents: symbols numbered per meeting ("CWG-Internet 17/3"),
 * a kind, an author (a Member State or the secretariat), revisions that are all kept, and the
 * one rule of who may read them (document_visible) and who may write them (document_may_write).
 * docs/DOCUMENTS.md. */
#ifndef AGORA_DOCUMENT_H
#define AGORA_DOCUMENT_H
#include <stdint.h>

#include "../store/db.h"
#include "../util/arena.h"
#include "text.h"

#define DOCUMENT_SYMBOL_PREFIX "CWG-Internet"
#define DOCUMENT_URL_PREFIX "cwg-internet-"
#define DOCUMENT_SYMBOL_MAX 32		/* "CWG-Internet 9999/9999" and its URL form fit */
#define DOCUMENT_TITLE_MAX_CHARS 300
#define DOCUMENT_MAX_REVISIONS 999
#define DOCUMENT_FILENAME_MAX_BYTES 200

struct document {
	int64_t id;
	const char *symbol;		/* "CWG-Internet 17/3" */
	const char *url;		/* "cwg-internet-17-3" */
	int meeting;			/* the meeting's number */
	int seq;			/* 3 */
	const char *kind;		/* contribution, secretariat_report, chair_report, ... */
	const char *author_state;	/* "IN"; "" when the secretariat is the author */
	const char *status;		/* draft, submitted */
	int is_public;
	enum lang original;
	struct mtext title;
	int64_t created_at, created_by;
	int latest;			/* the latest revision's number (0: the original) */
	int64_t latest_at;		/* when it was uploaded */
};

struct document_revision {
	int number;			/* 0: the original, 1: Rev.1 */
	const char *sha256, *filename, *media_type;
	int64_t size, uploaded_at;
	const char *uploaded_by;	/* the uploader's name ("" when the command line) */
};

/* The access rule, in one place. Who may read a document of that status, public flag and
 * author (author_state "" or NULL: the secretariat), being of role and state (role "" for an
 * anonymous visitor; state "" unless a delegate or focal point):
 * - a public document: everyone;
 * - the secretariat: every document;
 * - a submitted document: delegates (of any state), focal points and the chair;
 * - a draft: the delegates and the focal point of its author state.
 * Returns 1 or 0. */
int document_visible(const char *status, int is_public, const char *author_state, const char *role,
		     const char *state);
/* Who may revise and submit a document of author_state: the secretariat any; a delegate or
 * focal point those of its own state. 1 or 0. */
int document_may_write(const char *author_state, const char *role, const char *state);
/* Who may create documents at all: the secretariat, delegates and focal points. 1 or 0. */
int document_may_create(const char *role);
/* 1 when kind is one of the five kinds. */
int document_kind_valid(const char *kind);

/* "CWG-Internet 17/3" into out (n bytes). */
void document_symbol(int meeting, int seq, char *out, size_t n);
/* "cwg-internet-17-3" into out (n bytes). */
void document_symbol_url(int meeting, int seq, char *out, size_t n);
/* Parses a URL form ("cwg-internet-17-3": numbers 1-9999 without leading zeros). 0, or -1. */
int document_url_parse(const char *url, int *meeting, int *seq);

/* Every document the visitor (role, state) may read, of meeting (0: every meeting), newest
 * meeting first then by number descending, at most n. Returns the count, or -1 with e set. */
int document_list(struct db *db, struct arena *a, const char *role, const char *state, int meeting, int n,
		  struct document **out, struct err *e);
/* One document by its URL form, whatever its visibility (the caller asks document_visible).
 * Returns 0, or -1 with ERR_NOTFOUND. */
int document_get(struct db *db, struct arena *a, const char *url, struct document *d, struct err *e);
/* Its revisions, oldest first. Returns the count, or -1. */
int document_revisions(struct db *db, struct arena *a, int64_t document_id, struct document_revision **out,
		       struct err *e);

/* An uploaded file already finished into the blob store. */
struct document_file {
	const char *sha256, *filename, *media_type;
	int64_t size;
};

/* Who does a write, from where: the rule is checked again inside the transaction. */
struct document_actor {
	int64_t account_id;	/* 0: the command line or the demo loader (the rule is not asked) */
	const char *role, *state, *address;
};

/* Writer closure: creates a document with its original (revision 0). seq 0 takes the next
 * number of the meeting in this same transaction; a given seq that exists is ERR_CONFLICT.
 * author_state NULL or "": the secretariat. Fills symbol and url. Audited (document_create). */
struct document_new {
	struct document_actor who;
	int meeting, seq;
	const char *kind, *author_state, *title;
	enum lang original;
	int submitted, is_public;	/* the demo loader's shortcut; the pages start as drafts */
	struct document_file file;
	/* out */
	char symbol[DOCUMENT_SYMBOL_MAX], url[DOCUMENT_SYMBOL_MAX];
	int existed;		/* with exists_ok: the symbol was taken, nothing written */
	int exists_ok;
};
int document_create_fn(struct db *db, void *arg, struct err *e);

/* Writer closures on one document (by URL form). revise adds the next revision (number out);
 * submit turns a draft into a submitted document (a submitted one: ERR_CONFLICT); publish
 * makes a submitted document public (secretariat only; a draft or a public one: ERR_CONFLICT).
 * A document the actor may not see is ERR_NOTFOUND, one it may see but not write ERR_INVALID
 * with field "permission". Audited (document_revise, document_submit, document_publish). */
struct document_change {
	struct document_actor who;
	const char *url;
	struct document_file file;	/* revise only */
	int number;			/* out: the new revision */
	char symbol[DOCUMENT_SYMBOL_MAX];	/* out */
};
int document_revise_fn(struct db *db, void *arg, struct err *e);
int document_submit_fn(struct db *db, void *arg, struct err *e);
int document_publish_fn(struct db *db, void *arg, struct err *e);

#endif
