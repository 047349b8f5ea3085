/* proposal_json.c: a proposal as the API answers it (docs/API.md): its texts in each language
 * given, its questions, the decision, and the Member States' positions when asked for. */
#include "proposal.h"

#include "../util/timefmt.h"

static json_t *
positions_json(const struct proposal_position *v, int n)
{
	json_t *arr = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:o}", "state", v[i].state_code, "position",
						     v[i].position, "statement", v[i].statement, "at",
						     time_json(v[i].at)));
	return arr;
}

json_t *
proposal_to_json(const struct proposal *p, const struct proposal_position *cur, int ncur,
		 const struct proposal_position *hist, int nhist, int counts)
{
	json_t *o = json_object(), *qs = json_array();

	json_object_set_new(o, "id", json_integer(p->id));
	json_object_set_new(o, "status", json_string(p->status));
	json_object_set_new(o, "procedure", json_string(p->procedure));
	json_object_set_new(o, "silence_deadline", time_json(p->silence_deadline));
	json_object_set_new(o, "meeting", p->meeting_number ? json_integer(p->meeting_number) : json_null());
	json_object_set_new(o, "proposed_by_state",
			    p->proposed_state[0] ? json_string(p->proposed_state) : json_null());
	json_object_set_new(o, "original_language", json_string(lang_code(p->original)));
	json_object_set_new(o, "title", mtext_json(&p->title));
	json_object_set_new(o, "topic", mtext_json(&p->topic));
	for (int i = 0; i < p->nquestions; i++)
		json_array_append_new(qs, json_pack("{s:i, s:o}", "number", i + 1, "text", mtext_json(&p->question[i])));
	json_object_set_new(o, "questions", qs);
	json_object_set_new(o, "decided_at", time_json(p->decided_at));
	json_object_set_new(o, "decided_at_meeting", p->decided_meeting ? json_integer(p->decided_meeting) : json_null());
	json_object_set_new(o, "decision_note", json_string(p->decision_note));
	json_object_set_new(o, "consultation", p->consultation_slug[0] ? json_string(p->consultation_slug) : json_null());
	json_object_set_new(o, "created_at", time_json(p->created_at));
	if (counts) {
		json_t *c = json_object();
		for (int k = 0; k < POS_COUNT; k++)
			json_object_set_new(c, proposal_position_names[k], json_integer(p->count[k]));
		json_object_set_new(o, "position_counts", c);
	}
	if (ncur >= 0)
		json_object_set_new(o, "positions", positions_json(cur, ncur));
	if (nhist >= 0)
		json_object_set_new(o, "position_history", positions_json(hist, nhist));
	return o;
}
