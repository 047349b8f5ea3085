/* summary.h: the summary of a round (docs/SUMMARIES.md): figures over its public responses,
 * the terms that distinguish each question's answers, the responses whose attachments could not
 * be read, the campaigns (read from the tables src/cluster fills), and the secretariat's written
 * summary per language with the responses it cites as [R-N]. Everything read here is public
 * (responses with status 'published') unless a function says otherwise. */
#ifndef AGORA_SUMMARY_H
#define AGORA_SUMMARY_H
#include <jansson.h>
#include <stdint.h>

#include "../store/db.h"
#include "../util/arena.h"
#include "consultation.h"

#define SUMMARY_TERMS 10		/* distinguishing terms shown per question */
#define SUMMARY_MAX_BODY_BYTES 200000	/* a written summary in one language */

/* One bar of a figure: a key (a stakeholder type, an ITU region's letter, a country code, a
 * language code, a day "YYYY-MM-DD") and how many public responses have it. */
struct summary_count {
	const char *key;
	int64_t n;
};
struct summary_figure {
	struct summary_count *items;
	int n;
};
/* The figures of a round: all in the order shown (largest first, then by key; days by date). */
struct summary_figures {
	int64_t total;			/* public responses */
	struct summary_figure by_type, by_region, by_country, by_language, by_day;
};
/* Counts the round's public responses (current versions). A response with no ITU region counts
 * under the key "" in by_region. The day is the UTC day it was received: created_at, or for
 * one entered on the respondent's behalf the day it was received. Returns 0 or -1 with e set. */
int summary_figures_get(struct db *db, struct arena *a, int64_t consultation_id,
			struct summary_figures *out, struct err *e);

/* A distinguishing term: the word as written most often (lower case), its TF-IDF score, and how
 * many times it occurs in the question's answers. */
struct summary_term {
	const char *word;
	double score;
	int64_t count;
};
struct summary_question_terms {
	int question;			/* 1.. */
	int n;
	struct summary_term terms[SUMMARY_TERMS];
};
/* For each question 1..nquestions of the round (out has room for nquestions), the top terms of
 * its public answers against the repository's other public answers (one document per question
 * of each round). Tokens are the search tokenizer's; stop words of the six languages and
 * one-letter tokens are left out. Returns 0 or -1 with e set. */
int summary_terms_get(struct db *db, struct arena *a, int64_t consultation_id, int nquestions,
		      struct summary_question_terms *out, struct err *e);

/* Counting a round's terms tokenizes its answers: seconds for a large round, so the web pages
 * have it done on a worker first. summary_terms_ready: 1 when every round's counts are current
 * (summary_terms_get will only read memory), 0 when some must be counted first or another
 * thread is counting (it never waits), -1 on a database error. summary_terms_warm: counts what
 * is not current, on a read-only connection of its own to db_url. Returns 0 or -1 with e set. */
int summary_terms_ready(struct db *db);
int summary_terms_warm(const char *db_url, struct err *e);

/* For the secretariat and the chair only: an attachment of a public or pending response of the
 * round whose text could not be read ('no_text', 'unsupported' or 'failed' in file_texts). */
struct summary_unreadable {
	const char *public_id, *response_status, *filename, *text_status;
	int64_t number;
};
int summary_unreadable_list(struct db *db, struct arena *a, int64_t consultation_id,
			    struct summary_unreadable **out, int *n, struct err *e);

/* A campaign as the public sees it: only its published members count. */
struct summary_campaign {
	int64_t size;			/* published members */
	int64_t countries;		/* distinct countries of those members */
	const char *rep_id;		/* the representative's public id ("" if not published) */
	int64_t rep_number;
	const char *rep_text;		/* its summary */
	const char **members;		/* public ids of the published members */
};
/* The round's campaigns with at least one published member, largest first. */
int summary_campaigns_get(struct db *db, struct arena *a, int64_t consultation_id,
			  struct summary_campaign **out, int *n, struct err *e);

/* The written summary in one language. */
struct summary_text {
	const char *language, *body, *status;	/* status "draft" or "published" */
	int64_t updated_at, published_at;	/* published_at 0 for a draft */
};
/* The round's written summaries in language order (ar zh en fr ru es); drafts too when
 * with_drafts. */
int summary_texts_get(struct db *db, struct arena *a, int64_t consultation_id, int with_drafts,
		      struct summary_text **out, int *n, struct err *e);

/* The numbers N of the [R-N] in body, in order of appearance, duplicates kept (N from 1 to
 * 999999999; a larger or malformed one is not a citation). *out is in a. Returns the count. */
int summary_citations_parse(struct arena *a, const char *body, int64_t **out);
/* 0 when every [R-N] of body names a response of the round with a public page (the rule of
 * summary_save_fn); else -1 with the first that does not in *bad. */
int summary_citations_check(struct db *db, struct arena *a, int64_t consultation_id, const char *body,
			    int64_t *bad);
/* body with every [R-N] that names a response of the round with a public page made a Markdown
 * link to /responses/{public_id} (for html_markdown). NULL when out of memory. */
char *summary_link_citations(struct db *db, struct arena *a, int64_t consultation_id, const char *body);

/* Writer closure: saves the summary of a round in one language, as draft or published, and
 * rewrites its citations (written for a published summary only). Every [R-N] must name a
 * response of the round with a public page (published, withheld, withdrawn, or erased after
 * it was published): otherwise ERR_INVALID on field "body" naming it, and nothing is stored.
 * Audited as summary_save. */
struct summary_save {
	int64_t consultation_id;
	const char *slug, *language, *body, *status;
	int64_t account_id;
	const char *address;
	int draft_only;		/* the chair: drafts only, and never over a published text
				 * (ERR_CONFLICT on field "body") */
	/* out */
	int ncited;
};
int summary_save_fn(struct db *db, void *arg, struct err *e);

/* The number of a response within its round (R-N), or 0. */
int64_t summary_response_number(struct db *db, int64_t response_id);
/* Where a response is cited: the published summaries (slug of the round, language). */
struct summary_citation {
	const char *slug, *language;
};
int summary_cited_in(struct db *db, struct arena *a, int64_t response_id,
		     struct summary_citation **out, int *n, struct err *e);
/* The same as JSON for a response's "cited_in": [{consultation, language, url}]; an
 * empty list when the lookup fails (the response is shown without it). */
json_t *summary_cited_json(struct db *db, struct arena *a, int64_t response_id);

#endif
