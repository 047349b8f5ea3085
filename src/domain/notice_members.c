/* notice_members.c: notices to the members (notice_members.h). Recipients are the confirmed
 * accounts of the member roles, each in its own language (notice_account_lang); the account that
 * did the write is not told of its own act. */
#include "notice_members.h"

#include <string.h>

#include "../util/i18n.h"
#include "../util/str.h"
#include "document.h"
#include "notice.h"
#include "proposal.h"

/* Who reads submitted documents and answers proposals: delegates, focal points, the chair. */
static const char SQL_MEMBERS[] =
    "SELECT id, email FROM accounts WHERE role IN ('delegate', 'focal_point', 'chair') "
    "AND confirmed_at IS NOT NULL ORDER BY id";

struct doc_ctx {
	struct document d;
	int revision;	/* 0: newly submitted */
};

static enum lang
lang_of(const char *code)
{
	enum lang l;

	return lang_from_code(code, &l) == 0 ? l : LANG_EN;
}

static int
compose_document(struct arena *a, const char *lang, void *arg, struct notice *n)
{
	struct doc_ctx *c = arg;
	const char *title = mtext_pick(&c->d.title, lang_of(lang), NULL);

	if (title == NULL)
		title = "";
	if (c->revision > 0) {
		n->subject = arena_printf(a, _("%s: revision %d"), c->d.symbol, c->revision);
		n->text = arena_printf(a, _("A revision (Rev.%d) of %s \"%s\" for meeting %d was uploaded."),
				       c->revision, c->d.symbol, title, c->d.meeting);
	} else {
		n->subject = arena_printf(a, _("New document for meeting %d: %s"), c->d.meeting, c->d.symbol);
		n->text = arena_printf(a, _("%s \"%s\" was submitted for meeting %d."), c->d.symbol, title,
				       c->d.meeting);
	}
	n->link = arena_printf(a, "%s/documents/%s", notice_base_url(), c->d.url);
	return n->subject && n->text && n->link ? 0 : -1;
}

/* The document by URL form, told to the members when it is submitted. */
static int
tell_document(struct db *db, const char *url, int revision, int64_t actor, struct err *e)
{
	struct arena *a = arena_new();
	struct doc_ctx c = { .revision = revision };
	int rc = -1;

	if (a == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	if (document_get(db, a, url, &c.d, e) != 0)
		goto out;
	rc = !str_eq(c.d.status, "submitted")
		 ? 0	/* a draft is its own state's business */
		 : notice_to_accounts(db, SQL_MEMBERS, NULL, actor, "contribution", compose_document, &c, e);
out:
	arena_free(a);
	return rc;
}

int
notice_document_create_fn(struct db *db, void *arg, struct err *e)
{
	struct document_new *x = arg;

	if (document_create_fn(db, x, e) != 0)
		return -1;
	return x->existed ? 0 : tell_document(db, x->url, 0, x->who.account_id, e);
}

int
notice_document_submit_fn(struct db *db, void *arg, struct err *e)
{
	struct document_change *c = arg;
	char url[DOCUMENT_SYMBOL_MAX];
	int meeting, seq;

	if (document_submit_fn(db, c, e) != 0)
		return -1;
	/* c->url is what the visitor asked for; the symbol is the document's own */
	if (sscanf(c->symbol, DOCUMENT_SYMBOL_PREFIX " %d/%d", &meeting, &seq) != 2)
		return 0;
	document_symbol_url(meeting, seq, url, sizeof(url));
	return tell_document(db, url, 0, c->who.account_id, e);
}

int
notice_document_revise_fn(struct db *db, void *arg, struct err *e)
{
	struct document_change *c = arg;
	char url[DOCUMENT_SYMBOL_MAX];
	int meeting, seq;

	if (document_revise_fn(db, c, e) != 0)
		return -1;
	if (sscanf(c->symbol, DOCUMENT_SYMBOL_PREFIX " %d/%d", &meeting, &seq) != 2)
		return 0;
	document_symbol_url(meeting, seq, url, sizeof(url));
	return tell_document(db, url, c->number, c->who.account_id, e);
}

static int
compose_proposal(struct arena *a, const char *lang, void *arg, struct notice *n)
{
	struct proposal *p = arg;
	const char *title = mtext_pick(&p->title, lang_of(lang), NULL);

	if (title == NULL)
		title = "";
	n->link = arena_printf(a, "%s/proposals/%lld", notice_base_url(), (long long)p->id);
	if (str_eq(p->status, "open")) {
		n->subject = arena_printf(a, _("Topic proposal %lld: your state's position is needed"), (long long)p->id);
		n->text = arena_printf(
		    a, "%s\n\n%s", arena_printf(a, _("A consultation topic is proposed: \"%s\"."), title),
		    p->silence_deadline
			? arena_printf(a, _("It is decided by silence procedure: unless a Member State objects by %s, "
					    "it is agreed. Your state's focal point records its position."),
				       notice_time(a, p->silence_deadline, lang, 1))
		    : p->meeting_number
			? arena_printf(a, _("It is decided at meeting %d. Your state's focal point records its "
					    "position before then."),
				       p->meeting_number)
			: _("It is decided at a meeting. Your state's focal point records its position."));
	} else {
		n->subject = arena_printf(a, _("Topic proposal %lld: the silence procedure has ended"), (long long)p->id);
		n->text = arena_printf(
		    a, "%s\n\n%s", arena_printf(a, _("The silence procedure on \"%s\" ended on %s."), title,
						notice_time(a, p->silence_deadline, lang, 1)),
		    str_eq(p->status, "consensus") ? _("Result: consensus. No Member State objected.")
						   : _("Result: no consensus. At least one Member State objected."));
	}
	return n->subject && n->text && n->link ? 0 : -1;
}

static int
tell_proposal(struct db *db, int64_t id, int64_t actor, struct err *e)
{
	struct arena *a = arena_new();
	struct proposal p;
	int rc = -1;

	if (a == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	if (proposal_get(db, a, id, &p, e) == 0)
		rc = notice_to_accounts(db, SQL_MEMBERS, NULL, actor, "proposal", compose_proposal, &p, e);
	arena_free(a);
	return rc;
}

int
notice_proposal_create_fn(struct db *db, void *arg, struct err *e)
{
	struct proposal_new *n = arg;

	if (proposal_create_fn(db, n, e) != 0)
		return -1;
	return tell_proposal(db, n->id, n->account_id, e);
}

int
notice_silence_apply(struct db *db, int64_t id, int64_t now, struct err *e)
{
	if (proposal_apply_silence(db, id, now, e) != 0)
		return -1;
	return tell_proposal(db, id, 0, e);
}
