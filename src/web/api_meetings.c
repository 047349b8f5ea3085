/* api_meetings.c: GET /api/v1/meetings and /api/v1/meetings/{number}: the meetings, and one
 * with its outcomes (letter order) and the open items carried onto it; each outcome names the
 * documents it concerns that the caller may read. */
#include <stdlib.h>
#include <string.h>

#include "../domain/meeting.h"
#include "../domain/outcome.h"
#include "../util/timefmt.h"
#include "handlers.h"
#include "reply.h"

#define MEETINGS_MAX 500

/* "2021-01-27": a meeting's day. */
static json_t *
day_json(int64_t t)
{
	char iso[TIME_RFC3339_LEN];

	time_format_rfc3339(t, iso);
	iso[10] = '\0';
	return json_string(iso);
}

/* The language of "title": ?lang=, else the original. */
static enum lang
want_lang(const char *param, enum lang original)
{
	enum lang l;

	return param != NULL && lang_from_code(param, &l) == 0 ? l : original;
}

static json_t *
meeting_json(const struct meeting *m, const char *lang_param)
{
	const char *title = mtext_pick(&m->title, want_lang(lang_param, m->original), NULL);

	return json_pack("{s:i, s:s, s:s?, s:o, s:o, s:o, s:s, s:s, s:s, s:o, s:{s:i, s:i}}",
			 "number", m->number, "url", "", "title", title,
			 "titles", mtext_json(&m->title), "starts_on", day_json(m->starts_on),
			 "ends_on", day_json(m->ends_on), "place", m->place, "kind", m->kind, "mode", m->mode,
			 "agenda", mtext_json(&m->agenda),
			 "counts", "outcomes", m->noutcomes, "open", m->nopen);
}

/* The outcome's documents the caller may see (the documents' own rule); no other is named. */
static json_t *
documents_json(struct request *r, const struct outcome *o)
{
	json_t *docs = json_array();

	for (int i = 0; i < o->ndocs; i++) {
		const struct document *d = &o->docs[i];
		if (!outcome_document_visible(d, r->role, r->state_code))
			continue;
		json_array_append_new(docs, json_pack("{s:s, s:s, s:s, s:o, s:b}", "symbol", d->symbol, "url",
						      arena_printf(r->arena, "/documents/%s", d->url), "kind",
						      d->kind, "titles", mtext_json(&d->title), "public",
						      d->is_public));
	}
	return docs;
}

static json_t *
outcome_json(struct request *r, const struct outcome *o)
{
	json_t *links = json_array(), *j;
	char ref[16];

	snprintf(ref, sizeof(ref), "%d(%s)", o->meeting_number, o->letter);
	for (int i = 0; i < o->nlinks; i++)
		json_array_append_new(links, json_pack("{s:s, s:s}", "slug", o->links[i].slug, "relation",
						       o->links[i].launched ? "launched" : "concerns"));
	j = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "meeting", o->meeting_number,
		      "letter", o->letter, "ref", ref, "kind", o->kind, "addressee", o->addressee,
		      "status", o->status, "text", mtext_json(&o->text), "consultations", links,
		      "documents", documents_json(r, o), "updated_at", time_json(o->updated_at));
	if (j != NULL && o->done_note[0])
		json_object_set_new(j, "done", json_pack("{s:s, s:o}", "note", o->done_note, "at",
							 time_json(o->done_at)));
	return j;
}

/* Sets "url" (the page of the meeting), which json_pack cannot format. */
static void
set_url(struct request *r, json_t *j, int number)
{
	if (j != NULL)
		json_object_set_new(j, "url", json_string(arena_printf(r->arena, "/meetings/%d", number)));
}

int
api_meeting_list(struct request *r)
{
	struct meeting *m = NULL;
	struct err e;
	json_t *items = json_array();
	int n = meeting_list(r->db, r->arena, MEETINGS_MAX, &m, &e);

	if (n < 0) {
		json_decref(items);
		return reply_err(r, &e);
	}
	for (int i = 0; i < n; i++) {
		json_t *j = meeting_json(&m[i], r->param[0]);
		set_url(r, j, m[i].number);
		json_array_append_new(items, j);
	}
	return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

int
api_meeting_get(struct request *r)
{
	struct meeting m;
	struct outcome *o = NULL, *c = NULL;
	struct err e;
	json_t *j, *outs, *carried;
	int n, nc;

	if (meeting_get(r->db, r->arena, atoi(r->param[0]), &m, &e) != 0 ||
	    (n = outcome_list(r->db, r->arena, &m, &o, &e)) < 0 ||
	    (nc = outcome_carried(r->db, r->arena, &m, &c, &e)) < 0)
		return reply_err(r, &e);
	outs = json_array();
	carried = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(outs, outcome_json(r, &o[i]));
	for (int i = 0; i < nc; i++)
		json_array_append_new(carried, outcome_json(r, &c[i]));
	j = meeting_json(&m, r->param[1]);
	set_url(r, j, m.number);
	if (j != NULL) {
		json_object_set_new(j, "outcomes", outs);
		json_object_set_new(j, "carried", carried);
	} else {
		json_decref(outs);
		json_decref(carried);
	}
	return reply_json(r, 200, j);
}
