/* state.c: the Member States table, their regions, and their names from iso-codes. */
#include "state.h"

#include <stdlib.h>
#include <string.h>

#include "../util/i18n.h"
#include "../util/str.h"
#include "country.h"

static const char SQL_STATE[] = "SELECT region FROM member_states WHERE code = $1";
static const char SQL_STATES[] = "SELECT code, region FROM member_states ORDER BY code";

int
state_code_form(const char *code)
{
	return code != NULL && strlen(code) == 2 && code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A' &&
	       code[1] <= 'Z';
}

int
state_region(struct db *db, struct arena *a, const char *code, const char **region, struct err *e)
{
	struct db_stmt *st;
	enum db_rc rc;

	if (!state_code_form(code))
		return err_set_field(e, ERR_NOTFOUND, "state", "is not a Member State");
	if ((st = db_prepare(db, SQL_STATE)) == NULL)
		return db_err(db, e, "member state");
	db_bind_text(st, 1, code);
	if ((rc = db_step(st)) == DB_ROW && (*region = arena_strdup(a, db_col_text(st, 0))) == NULL)
		rc = DB_ERROR;
	db_done(st);
	if (rc == DB_DONE)
		return err_set_field(e, ERR_NOTFOUND, "state", "is not a Member State");
	return rc == DB_ROW ? 0 : db_err(db, e, "member state");
}

int
state_valid(struct db *db, const char *code, struct err *e)
{
	struct db_stmt *st;
	enum db_rc rc;

	if (!state_code_form(code))
		return 0;
	if ((st = db_prepare(db, SQL_STATE)) == NULL)
		return db_err(db, e, "member state");
	db_bind_text(st, 1, code);
	rc = db_step(st);
	db_done(st);
	if (rc == DB_ROW || rc == DB_DONE)
		return rc == DB_ROW;
	return db_err(db, e, "member state");
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct member_state *)a)->name, ((const struct member_state *)b)->name);
}

int
state_list(struct db *db, struct arena *a, struct member_state **out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_STATES);
	struct member_state *list;
	int n = 0, cap = 256;
	enum db_rc rc = DB_DONE;

	if (st == NULL)
		return db_err(db, e, "member state");
	if ((list = arena_alloc(a, sizeof(*list) * (size_t)cap)) == NULL) {
		db_done(st);
		return err_set(e, ERR_BUSY, "out of memory");
	}
	while (n < cap && (rc = db_step(st)) == DB_ROW) {
		list[n].code = arena_strdup(a, db_col_text(st, 0));
		list[n].region = arena_strdup(a, db_col_text(st, 1));
		if (list[n].code == NULL || list[n].region == NULL) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
		list[n].name = state_name(list[n].code);
		n++;
	}
	db_done(st);
	if (n < cap && rc != DB_DONE)
		return db_err(db, e, "member state");
	qsort(list, (size_t)n, sizeof(*list), by_name);
	*out = list;
	return n;
}

const char *
state_region_label(const char *region)
{
	if (str_eq(region, "africa"))
		return _("Africa");
	if (str_eq(region, "americas"))
		return _("Americas");
	if (str_eq(region, "arab_states"))
		return _("Arab States");
	if (str_eq(region, "asia_pacific"))
		return _("Asia-Pacific");
	if (str_eq(region, "cis"))
		return _("CIS");
	if (str_eq(region, "europe"))
		return _("Europe");
	return region ? region : "";
}

const char *
state_name(const char *code)
{
	const char *name;

	if (code == NULL || code[0] == '\0')
		return "";
	name = country_name_local(code);
	return name ? name : code;
}
