/* invitation.c: invitations (0007_accounts.sql). */
#include "invitation.h"

#include <stdio.h>
#include <string.h>

#include "../util/clock.h"
#include "../util/str.h"
#include "audit.h"
#include "session.h"
#include "state.h"

static const char SQL_EMAIL_TAKEN[] = "SELECT 1 FROM accounts WHERE lower(email) = lower($1)";
static const char SQL_FOCAL_TAKEN[] = "SELECT 1 FROM accounts WHERE role = 'focal_point' AND state_code = $1";
static const char SQL_INSERT[] =
    "INSERT INTO invitations (token_hash, email, role, state_code, invited_by, created_at, expires_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)";
#define INVITATION_COLS "i.id, i.invited_by, i.created_at, i.expires_at, COALESCE(i.used_at, 0), i.email, " \
			"i.role, COALESCE(i.state_code, ''), a.name"
static const char SQL_BY_TOKEN[] =
    "SELECT " INVITATION_COLS " FROM invitations i JOIN accounts a ON a.id = i.invited_by WHERE i.token_hash = $1";
static const char SQL_PENDING[] =
    "SELECT " INVITATION_COLS " FROM invitations i JOIN accounts a ON a.id = i.invited_by "
    "WHERE i.used_at IS NULL AND i.expires_at > $1 AND (CAST($2 AS TEXT) IS NULL OR i.state_code = $2) "
    "ORDER BY i.id DESC LIMIT $3";
static const char SQL_USE[] =
    "UPDATE invitations SET used_at = $2, account_id = $3 WHERE id = $1 AND used_at IS NULL";

int
invitation_may_invite(const char *inviter_role, const char *role)
{
	if (str_eq(inviter_role, "secretariat"))
		return str_eq(role, "secretariat") || str_eq(role, "chair") || str_eq(role, "focal_point") ||
		       str_eq(role, "delegate");
	if (str_eq(inviter_role, "focal_point"))
		return str_eq(role, "delegate");
	return 0;
}

/* 1 when the query with one text parameter finds a row, 0 when not, -1 with e. */
static int
exists(struct db *db, const char *sql, const char *v, struct err *e)
{
	struct db_stmt *st = db_prepare(db, sql);
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "invitation");
	db_bind_text(st, 1, v);
	rc = db_step(st);
	db_done(st);
	if (rc == DB_ROW || rc == DB_DONE)
		return rc == DB_ROW;
	return db_err(db, e, "invitation");
}

int
invitation_create_fn(struct db *db, void *arg, struct err *e)
{
	struct invitation_new *v = arg;
	struct audit_entry a = { 0, v->invited_by, v->address, "invite", v->email, NULL };
	const char *state = account_role_has_state(v->role) ? v->state_code : NULL;
	int64_t now = clock_now();
	struct db_stmt *st;
	char hex[65], detail[64];
	int found;

	if (!invitation_may_invite(v->inviter_role, v->role))
		return err_set_field(e, ERR_INVALID, "role", "you may not invite to this role");
	if (str_eq(v->inviter_role, "focal_point") && !str_eq(v->state_code, v->inviter_state))
		return err_set_field(e, ERR_INVALID, "state", "a focal point invites delegates of its own state");
	if (!account_email_valid(v->email))
		return err_set_field(e, ERR_INVALID, "email", "is not an email address");
	if (account_role_has_state(v->role)) {
		if (state == NULL || state[0] == '\0')
			return err_set_field(e, ERR_INVALID, "state", "a delegate or a focal point needs a Member State");
		if ((found = state_valid(db, state, e)) != 1)
			return found < 0 ? -1 : err_set_field(e, ERR_INVALID, "state", "is not a Member State");
	}
	if ((found = exists(db, SQL_EMAIL_TAKEN, v->email, e)) != 0)
		return found < 0 ? -1 : err_set_field(e, ERR_CONFLICT, "email", "an account with this email exists");
	if (str_eq(v->role, "focal_point") && (found = exists(db, SQL_FOCAL_TAKEN, state, e)) != 0)
		return found < 0 ? -1 : err_set_field(e, ERR_CONFLICT, "state", "this Member State already has a focal point");
	if ((st = db_prepare(db, SQL_INSERT)) == NULL)
		return db_err(db, e, "invitation");
	session_token_hash(v->token, hex);
	db_bind_text(st, 1, hex);
	db_bind_text(st, 2, v->email);
	db_bind_text(st, 3, v->role);
	db_bind_text(st, 4, state);
	db_bind_int64(st, 5, v->invited_by);
	db_bind_int64(st, 6, now);
	db_bind_int64(st, 7, now + v->link_s);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "invitation");
	v->id = db_last_insert_id(db);
	v->mail.to = v->email;
	if (outbox_queue(db, &v->mail, e) != 0)
		return -1;
	snprintf(detail, sizeof(detail), "invitation/%lld: %s%s%s", (long long)v->id, v->role, state ? " " : "",
		 state ? state : "");
	a.detail = detail;
	return audit_append(db, &a, e);
}

static int
row(struct db_stmt *st, struct arena *a, struct invitation *i)
{
	i->id = db_col_int64(st, 0);
	i->invited_by = db_col_int64(st, 1);
	i->created_at = db_col_int64(st, 2);
	i->expires_at = db_col_int64(st, 3);
	i->used_at = db_col_int64(st, 4);
	i->email = arena_strdup(a, db_col_text(st, 5));
	i->role = arena_strdup(a, db_col_text(st, 6));
	i->state_code = arena_strdup(a, db_col_text(st, 7));
	i->inviter_name = arena_strdup(a, db_col_text(st, 8));
	return i->email && i->role && i->state_code && i->inviter_name ? 0 : -1;
}

int
invitation_by_token(struct db *db, struct arena *a, const char *token, struct invitation *out, struct err *e)
{
	struct db_stmt *st;
	char hex[65];
	enum db_rc rc;
	int bad = 0;

	if (!session_token_valid(token))
		return err_set(e, ERR_NOTFOUND, "no such invitation");
	if ((st = db_prepare(db, SQL_BY_TOKEN)) == NULL)
		return db_err(db, e, "invitation");
	session_token_hash(token, hex);
	db_bind_text(st, 1, hex);
	if ((rc = db_step(st)) == DB_ROW)
		bad = row(st, a, out);
	db_done(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOTFOUND, "no such invitation");
	if (rc != DB_ROW)
		return db_err(db, e, "invitation");
	return bad ? err_set(e, ERR_BUSY, "out of memory") : 0;
}

enum link_state
invitation_state(const struct invitation *i, int64_t now)
{
	if (i->used_at != 0)
		return LINK_USED;
	return now >= i->expires_at ? LINK_EXPIRED : LINK_OK;
}

int
invitation_pending(struct db *db, struct arena *a, const char *state_code, int64_t now, int n,
		   struct invitation **out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_PENDING);
	struct invitation *list;
	enum db_rc rc = DB_DONE;
	int got = 0;

	if (st == NULL)
		return db_err(db, e, "invitation");
	if ((list = arena_alloc(a, sizeof(*list) * (size_t)(n > 0 ? n : 1))) == NULL) {
		db_done(st);
		return err_set(e, ERR_BUSY, "out of memory");
	}
	db_bind_int64(st, 1, now);
	db_bind_text(st, 2, state_code);
	db_bind_int64(st, 3, n);
	while (got < n && (rc = db_step(st)) == DB_ROW)
		if (row(st, a, &list[got++]) != 0) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
	db_done(st);
	if (got < n && rc != DB_DONE)
		return db_err(db, e, "invitation");
	*out = list;
	return got;
}

int
invitation_accept_fn(struct db *db, void *arg, struct err *e)
{
	struct invitation_accept *x = arg;
	struct audit_entry a = { 0, 0, x->address, "invitation_accept", NULL, NULL };
	struct account_new n;
	struct invitation i;
	struct arena *ar = arena_new();
	struct db_stmt *st;
	char object[48];
	int rc = -1;

	x->state = LINK_UNKNOWN;
	if (ar == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	if (invitation_by_token(db, ar, x->token, &i, e) != 0) {
		rc = e->kind == ERR_NOTFOUND ? 0 : -1;
		goto out;
	}
	if ((x->state = invitation_state(&i, clock_now())) != LINK_OK) {
		rc = 0;
		goto out;
	}
	n = (struct account_new){ i.email, x->name, i.role, NULL, x->password_hash,
				  i.state_code[0] ? i.state_code : NULL, 0, 0 };
	if (account_create_fn(db, &n, e) != 0)
		goto out;
	if ((st = db_prepare(db, SQL_USE)) == NULL) {
		db_err(db, e, "invitation");
		goto out;
	}
	db_bind_int64(st, 1, i.id);
	db_bind_int64(st, 2, clock_now());
	db_bind_int64(st, 3, n.id);
	if (db_run(st) != DB_DONE) {
		db_err(db, e, "invitation");
		goto out;
	}
	x->account_id = a.account_id = n.id;
	snprintf(object, sizeof(object), "invitation/%lld", (long long)i.id);
	a.object = object;
	a.detail = i.state_code[0] ? arena_printf(ar, "%s %s", i.role, i.state_code) : i.role;
	rc = audit_append(db, &a, e);
out:
	if (rc != 0)
		x->state = LINK_UNKNOWN;
	arena_free(ar);
	return rc;
}
