/* api_proposals.c: GET /api/v1/proposals and /api/v1/proposals/{id}. Status and texts are
 * public; the counts of positions, each state's current position and the history of changes
 * only for a member's session (delegate, focal point, chair, secretariat). */
#include <stdlib.h>

#include "../domain/proposal.h"
#include "handlers.h"
#include "reply.h"

#define PROPOSALS_MAX 500
#define HISTORY_MAX 2000

static int
member(struct request *r)
{
	return r->session_id != 0 && proposal_is_member(r->role);
}

static void
set_url(struct request *r, json_t *j, int64_t id)
{
	if (j != NULL)
		json_object_set_new(j, "url", json_string(arena_printf(r->arena, "/proposals/%lld", (long long)id)));
}

int
api_proposal_list(struct request *r)
{
	struct proposal *p = NULL;
	struct err e;
	json_t *items;
	int n = proposal_list(r->db, r->arena, PROPOSALS_MAX, &p, &e), m = member(r);

	if (n < 0)
		return reply_err(r, &e);
	items = json_array();
	for (int i = 0; i < n; i++) {
		json_t *j = proposal_to_json(&p[i], NULL, -1, NULL, -1, m);
		set_url(r, j, p[i].id);
		json_array_append_new(items, j);
	}
	if (r->session_id != 0)
		request_header(r, "Cache-Control", "no-store");
	return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

int
api_proposal_get(struct request *r)
{
	struct proposal p;
	struct proposal_position *cur = NULL, *hist = NULL;
	struct err e;
	int64_t id = strtoll(r->param[0], NULL, 10);
	int ncur = -1, nhist = -1, m = member(r);
	json_t *j;

	if (proposal_get(r->db, r->arena, id, &p, &e) != 0)
		return reply_err(r, &e);
	if (m && ((ncur = proposal_positions(r->db, r->arena, id, &cur, &e)) < 0 ||
		  (nhist = proposal_history(r->db, r->arena, id, HISTORY_MAX, &hist, &e)) < 0))
		return reply_err(r, &e);
	j = proposal_to_json(&p, cur, ncur, hist, nhist, m);
	set_url(r, j, id);
	if (r->session_id != 0)
		request_header(r, "Cache-Control", "no-store");
	return reply_json(r, 200, j);
}
