/* api_translations.c: GET /api/v1/consultations/{slug}/translations: for the secretariat,
 * which texts of a round exist in which language and with what status (docs/LANGUAGES.md). */
#include "../domain/consultation.h"
#include "handlers.h"
#include "reply.h"
#include "view_translations.h"

int
api_consultation_translations(struct request *r)
{
	struct consultation c;
	struct err e;
	json_t *j;

	if (consultation_get_admin(r->db, r->arena, r->param[0], &c, &e) != 0) {
		if (e.kind == ERR_NOTFOUND)
			return reply_problem(r, 404, NULL, "there is no consultation with this slug", NULL);
		return reply_err(r, &e);
	}
	if ((j = translations_json(&c)) == NULL)
		return reply_problem(r, 503, NULL, "out of memory", NULL);
	request_header(r, "Cache-Control", "no-store");
	return reply_json(r, 200, j);
}
