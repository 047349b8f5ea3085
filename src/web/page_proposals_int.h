/* page_proposals_int.h: what page_proposals.c (the pages) and page_proposal_post.c (what their
 * forms post) share. */
#ifndef AGORA_PAGE_PROPOSALS_INT_H
#define AGORA_PAGE_PROPOSALS_INT_H

#include <stdint.h>

#include "../domain/proposal.h"
#include "handlers.h"
#include "upload.h"

/* What a refused form left: which form, its errors by field, and what was posted. */
struct refused {
	const char *form;	/* "position", "decision", "consultation" */
	struct field_errors fe;
	const char *position, *statement, *decision, *meeting, *note, *slug, *outcome;
	/* "texts": another language's texts */
	const char *tlang, *ttitle, *ttopic, *tq[PROPOSAL_MAX_QUESTIONS];
};

/* The page of proposal id, with the refused form x (NULL: none) shown again, as status http. */
int proposals_show(struct request *r, int64_t id, const struct refused *x, int http);
/* The proposal id in the request's path. */
int64_t proposals_path_id(struct request *r);
/* "16(b)" into number and letter. 0, or -1 when it is not one. */
int proposals_outcome_ref(const char *s, int *number, char *letter);

#endif
