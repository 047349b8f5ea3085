/* api_summary.c: GET /api/v1/consultations/{slug}/summary (docs/SUMMARIES.md): the figures, the
 * distinguishing terms per question, the campaigns (published members only) and the written
 * summaries published in each language. Public: the same for everyone, drafts never. */
#include <string.h>

#include "../domain/summary.h"
#include "../util/str.h"
#include "../util/timefmt.h"
#include "handlers.h"
#include "reply.h"

static json_t *
figure_json(const struct summary_figure *f)
{
	json_t *a = json_array();

	for (int i = 0; a != NULL && i < f->n; i++)
		json_array_append_new(a, json_pack("{s:s, s:I}", "key", f->items[i].key, "count",
						   (json_int_t)f->items[i].n));
	return a;
}

static json_t *
figures_json(const struct summary_figures *f)
{
	return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o}", "total", (json_int_t)f->total,
			 "stakeholder_type", figure_json(&f->by_type), "itu_region", figure_json(&f->by_region),
			 "country", figure_json(&f->by_country), "language", figure_json(&f->by_language),
			 "day", figure_json(&f->by_day));
}

static json_t *
terms_json(const struct summary_question_terms *t, int nq)
{
	json_t *a = json_array();

	for (int q = 0; a != NULL && q < nq; q++) {
		json_t *list = json_array();
		for (int i = 0; list != NULL && i < t[q].n; i++)
			json_array_append_new(list, json_pack("{s:s, s:f, s:I}", "term", t[q].terms[i].word, "score",
							      t[q].terms[i].score, "count",
							      (json_int_t)t[q].terms[i].count));
		json_array_append_new(a, json_pack("{s:i, s:o}", "question", t[q].question ? t[q].question : q + 1,
						   "terms", list));
	}
	return a;
}

static json_t *
campaigns_json(const struct summary_campaign *cs, int n)
{
	json_t *a = json_array();

	for (int i = 0; a != NULL && i < n; i++) {
		json_t *members = json_array();
		for (int64_t m = 0; members != NULL && m < cs[i].size; m++)
			json_array_append_new(members, json_string(cs[i].members[m]));
		json_array_append_new(a, json_pack("{s:I, s:I, s:{s:s, s:I, s:s}, s:o}", "size", (json_int_t)cs[i].size,
						   "countries", (json_int_t)cs[i].countries, "representative", "id",
						   cs[i].rep_id, "number", (json_int_t)cs[i].rep_number, "text",
						   cs[i].rep_text, "members", members));
	}
	return a;
}

static json_t *
texts_json(const struct summary_text *t, int n)
{
	json_t *a = json_array();
	char at[TIME_RFC3339_LEN];

	for (int i = 0; a != NULL && i < n; i++) {
		time_format_rfc3339(t[i].published_at, at);
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "language", t[i].language, "body", t[i].body,
						   "published_at", at));
	}
	return a;
}

int
api_summary(struct request *r)
{
	struct consultation c;
	struct summary_figures f;
	struct summary_question_terms *qt;
	struct summary_campaign *cs;
	struct summary_text *texts;
	int ncs, ntexts;
	struct err e;
	json_t *j;

	if (consultation_get(r->db, r->arena, r->param[0], &c, &e) != 0)
		return reply_err(r, &e);
	if (str_eq(c.state, "draft"))	/* the same answer as for a slug that does not exist */
		return reply_problem(r, 404, NULL, arena_printf(r->arena, "no consultation '%s'", r->param[0]), NULL);
	if ((ncs = summary_terms_first(r)) >= 0)
		return ncs;
	if ((qt = arena_alloc(r->arena, (size_t)(c.nquestions + 1) * sizeof(*qt))) == NULL)
		return reply_problem(r, 503, NULL, "out of memory", NULL);
	if (summary_figures_get(r->db, r->arena, c.id, &f, &e) != 0 ||
	    summary_terms_get(r->db, r->arena, c.id, c.nquestions, qt, &e) != 0 ||
	    summary_campaigns_get(r->db, r->arena, c.id, &cs, &ncs, &e) != 0 ||
	    summary_texts_get(r->db, r->arena, c.id, 0, &texts, &ntexts, &e) != 0)
		return reply_err(r, &e);
	j = json_pack("{s:s, s:o, s:o, s:o, s:o}", "consultation", c.slug, "figures", figures_json(&f), "terms",
		      terms_json(qt, c.nquestions), "campaigns", campaigns_json(cs, ncs), "summaries",
		      texts_json(texts, ntexts));
	if (j == NULL)
		return reply_problem(r, 503, NULL, "out of memory", NULL);
	return reply_json(r, 200, j);
}
