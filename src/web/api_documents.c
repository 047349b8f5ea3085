/* api_documents.c: GET /api/v1/documents and /api/v1/documents/{symbol}, under the same rule
 * as the pages (document_visible): with a session cookie a member sees what the pages show it;
 * without one, only the public documents. A document the caller may not see is 404. */
#include <stdlib.h>
#include <string.h>

#include "../domain/document.h"
#include "../util/timefmt.h"
#include "handlers.h"
#include "reply.h"
#include "view_document.h"

static json_t *
document_json(struct request *r, const struct document *d, const char *lang_param)
{
	enum lang want = d->original;
	json_t *j;

	if (lang_param != NULL)
		lang_from_code(lang_param, &want);
	j = json_pack("{s:s, s:s, s:i, s:s?, s:o, s:s, s:s?, s:s, s:b, s:s, s:i, s:o}", "symbol", d->symbol, "id",
		      d->url, "meeting", d->meeting, "title", mtext_pick(&d->title, want, NULL), "titles",
		      mtext_json(&d->title), "kind", d->kind, "author_state",
		      d->author_state[0] ? d->author_state : NULL, "author",
		      d->author_state[0] ? "member_state" : "secretariat", "public", d->is_public, "status",
		      d->status, "latest_revision", d->latest, "updated_at", time_json(d->latest_at));
	if (j != NULL)
		json_object_set_new(j, "url", json_string(arena_printf(r->arena, "/documents/%s", d->url)));
	return j;
}

int
api_document_list(struct request *r)
{
	struct document *d = NULL;
	struct err e;
	json_t *items;
	int meeting = r->param[1] ? atoi(r->param[1]) : 0;
	int n = document_list(r->db, r->arena, r->role, r->state_code, meeting, DOCUMENTS_SHOWN, &d, &e);

	if (n < 0)
		return reply_err(r, &e);
	items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, document_json(r, &d[i], r->param[0]));
	if (r->session_id != 0)
		request_header(r, "Cache-Control", "no-store");
	return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

int
api_document_get(struct request *r)
{
	struct document d;
	struct document_revision *rv = NULL;
	struct err e;
	json_t *j, *revs;
	int n;

	if (document_get(r->db, r->arena, r->param[0], &d, &e) != 0 ||
	    !document_visible(d.status, d.is_public, d.author_state, r->role, r->state_code))
		return reply_problem(r, 404, NULL, "there is no document at this address", NULL);
	if ((n = document_revisions(r->db, r->arena, d.id, &rv, &e)) < 0)
		return reply_err(r, &e);
	revs = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(revs, json_pack("{s:i, s:s, s:s, s:s, s:I, s:s, s:o}", "number", rv[i].number,
						      "filename", rv[i].filename, "media_type", rv[i].media_type,
						      "sha256", rv[i].sha256, "size", (json_int_t)rv[i].size, "url",
						      arena_printf(r->arena, "/documents/%s/revisions/%d", d.url,
								   rv[i].number),
						      "uploaded_at", time_json(rv[i].uploaded_at)));
	j = document_json(r, &d, r->param[1]);
	if (j != NULL)
		json_object_set_new(j, "revisions", revs);
	else
		json_decref(revs);
	if (r->session_id != 0 || !d.is_public)
		request_header(r, "Cache-Control", "no-store");
	return reply_json(r, 200, j);
}
