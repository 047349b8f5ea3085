/* page_log.c: /log, the public log explained to the public: what it holds, its current signed
 * checkpoint (the key to pin, the witnesses that cosigned it), its entries decoded, newest first,
 * and where programs fetch the rest (docs/LEDGER-WEB.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/document.h"
#include "../ledger/entry.h"
#include "../ledger/log.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "reply.h"
#include "route.h"
#include "view.h"

#define LOG_PAGE 40	/* entries a page shows (fifty came within 700 bytes of a page's weight in Russian) */

static const char SQL_LATEST[] =
    "SELECT id, size, root, vkey, signed_at FROM log_checkpoints ORDER BY id DESC LIMIT 1";
static const char SQL_COSIGNERS[] =
    "SELECT witness, received_at FROM log_cosignatures WHERE checkpoint_id = $1 ORDER BY witness";
static const char SQL_ENTRIES[] =
    "SELECT idx, entry FROM log_entries WHERE idx < $1 ORDER BY idx DESC LIMIT $2";
static const char SQL_RESPONSE_PUBLIC[] =
    "SELECT 1 FROM responses WHERE public_id = $1 AND status = 'published'";
static const char SQL_CONSULTATION_PUBLIC[] =
    "SELECT 1 FROM consultations WHERE slug = $1 AND state IN ('open', 'closed')";

/* 1 when sql (one text parameter) finds a row. */
static int
exists(struct request *r, const char *sql, const char *v)
{
	struct db_stmt *st = db_prepare(r->db, sql);
	int found;

	if (st == NULL)
		return 0;
	db_bind_text(st, 1, v);
	found = db_step(st) == DB_ROW;
	db_done(st);
	return found;
}

static const char *
kind_label(int kind)
{
	switch (kind) {
	case LEDGER_RESPONSE_VERSION: return _("Response version");
	case LEDGER_MODERATION: return _("Moderation decision");
	case LEDGER_CONSULTATION: return _("Consultation round");
	case LEDGER_DOCUMENT_REVISION: return _("Document revision");
	case LEDGER_OUTCOME: return _("Outcome");
	case LEDGER_KEY_ROTATION: return _("Key rotation");
	}
	return _("Unknown");
}

static const char *
action_label(int action)
{
	switch (action) {
	case LEDGER_PUBLISHED: return _("Published");
	case LEDGER_WITHHELD: return _("Withheld");
	case LEDGER_REDACTED: return _("Redacted");
	case LEDGER_CORRECTED: return _("Corrected");
	case LEDGER_ERASED: return _("Erased");
	case LEDGER_WITHDRAWN: return _("Withdrawn");
	}
	return _("Unknown");
}

/* A link when the public may follow it, else the text alone. */
static void
link_or_text(struct buf *b, int linked, const char *href_prefix, const char *value, const char *text)
{
	if (linked) {
		buf_puts(b, "<a href=\"");
		buf_puts(b, href_prefix);	/* a literal of this file */
		html_url(b, value);
		H(b, "\">");
		html_text(b, text);
		H(b, "</a>");
	} else {
		html_text(b, text);
	}
}

/* What the entry is about, and what happened, as two cells. */
static void
entry_cells(struct request *r, const struct ledger_entry *en)
{
	struct buf *b = &r->out;
	int meeting, seq;
	char url[64];

	H(b, "<td>");
	switch (en->kind) {
	case LEDGER_RESPONSE_VERSION:
	case LEDGER_MODERATION:
		link_or_text(b, exists(r, SQL_CONSULTATION_PUBLIC, en->a), "/consultations/", en->a, en->a);
		H(b, "<br>");
		link_or_text(b, exists(r, SQL_RESPONSE_PUBLIC, en->b), "/responses/", en->b, en->b);
		H(b, "</td><td>");
		if (en->kind == LEDGER_MODERATION) {
			html_text(b, action_label(en->small));
			H(b, ", ");
		}
		html_text(b, arena_printf(r->arena, _("version %u"), (unsigned)en->number));
		break;
	case LEDGER_CONSULTATION:
		link_or_text(b, exists(r, SQL_CONSULTATION_PUBLIC, en->a), "/consultations/", en->a, en->a);
		H(b, "</td><td>");
		html_text(b, en->small == 1 ? _("Opened") : _("Closed"));
		break;
	case LEDGER_DOCUMENT_REVISION: {
		const char *sp = strrchr(en->a, ' ');
		char tail;
		/* the symbol "CWG-Internet 17/3" gives the document's address */
		if (sp != NULL && sscanf(sp + 1, "%d/%d%c", &meeting, &seq, &tail) == 2 && meeting > 0 && seq > 0) {
			document_symbol_url(meeting, seq, url, sizeof(url));
			link_or_text(b, 1, "/documents/", url, en->a);
		} else {
			html_text(b, en->a);
		}
		H(b, "</td><td>");
		html_text(b, arena_printf(r->arena, _("revision %u published"), (unsigned)en->number));
		break;
	}
	case LEDGER_OUTCOME:
		snprintf(url, sizeof(url), "%u", (unsigned)en->number);
		link_or_text(b, 1, "/meetings/", url, arena_printf(r->arena, _("Meeting %u"), (unsigned)en->number));
		H(b, "</td><td>");
		html_text(b, arena_printf(r->arena, _("outcome %s adopted"), en->b));
		break;
	case LEDGER_KEY_ROTATION:
		H(b, "<code>");
		html_text(b, en->b);
		H(b, "</code></td><td>");
		html_text(b, _("the log's signing key changed to this one"));
		break;
	default:
		H(b, "</td><td>");
	}
	H(b, "</td>");
}

/* The current checkpoint: size, root, time, the key to pin and who cosigned it. */
static void
checkpoint_section(struct request *r)
{
	struct buf *b = &r->out;
	struct db_stmt *st = db_prepare(r->db, SQL_LATEST);
	char hex[2 * LEDGER_HASH_BYTES + 1];
	int64_t id = 0, signed_at = 0;
	const char *vkey = "";
	size_t len = 0;
	const void *root;
	int64_t size = 0;
	int n = 0;

	H(b, "<h2>");
	html_text(b, _("Current checkpoint"));
	H(b, "</h2>\n");
	if (st != NULL && db_step(st) == DB_ROW) {
		id = db_col_int64(st, 0);
		size = db_col_int64(st, 1);
		root = db_col_blob(st, 2, &len);
		if (root != NULL && len == LEDGER_HASH_BYTES)
			ledger_hex(root, hex);
		else
			hex[0] = '\0';
		vkey = arena_strdup(r->arena, db_col_text(st, 3));
		signed_at = db_col_int64(st, 4);
	}
	if (st != NULL)
		db_done(st);
	if (id == 0) {
		H(b, "<p>");
		html_text(b, _("The log has not signed a checkpoint yet."));
		H(b, "</p>\n");
		return;
	}
	H(b, "<dl class=\"receipt\">\n");
	view_row(r, 0, _("Entries"), arena_printf(r->arena, "%lld", (long long)size));
	H(b, "<dt>");
	html_text(b, _("Root hash"));
	H(b, "</dt><dd><code>");
	html_text(b, hex);
	H(b, "</code></dd>\n<dt>");
	html_text(b, _("Signed"));
	H(b, "</dt><dd>");
	view_time(r, signed_at);
	H(b, "</dd>\n<dt>");
	html_text(b, _("The log's key (pin it)"));
	H(b, "</dt><dd><code>");
	html_text(b, vkey ? vkey : "");
	H(b, "</code></dd>\n<dt>");
	html_text(b, _("Cosigned by witnesses"));
	H(b, "</dt><dd>");
	if ((st = db_prepare(r->db, SQL_COSIGNERS)) != NULL) {
		db_bind_int64(st, 1, id);
		while (db_step(st) == DB_ROW) {
			if (n++ > 0)
				H(b, ", ");
			H(b, "<code>");
			html_text(b, db_col_text(st, 0));
			H(b, "</code>");
		}
		db_done(st);
	}
	if (n == 0)
		html_text(b, _("none yet"));
	H(b, "</dd>\n</dl>\n<p><a href=\"/log/checkpoint\">");
	html_text(b, _("The signed checkpoint, as text"));
	H(b, "</a></p>\n");
}

/* Entries below before (0: the newest), newest first, with a link to older ones. */
static void
entries_section(struct request *r, int64_t before)
{
	struct buf *b = &r->out;
	struct db_stmt *st = db_prepare(r->db, SQL_ENTRIES);
	int64_t last = -1;
	int n = 0, more = 0;

	H(b, "<h2 id=\"entries\">");
	html_text(b, before > 0 ? _("Earlier entries") : _("Latest entries"));
	H(b, "</h2>\n");
	if (st == NULL)
		return;
	db_bind_int64(st, 1, before > 0 ? before : INT64_MAX);
	db_bind_int64(st, 2, LOG_PAGE + 1);
	while (db_step(st) == DB_ROW) {
		struct ledger_entry en;
		struct err e;
		size_t len = 0;
		const unsigned char *p = db_col_blob(st, 1, &len);

		if (n == LOG_PAGE) {
			more = 1;
			break;
		}
		if (n++ == 0) {
			H(b, "<table class=\"audit\">\n<thead><tr><th scope=\"col\">");
			html_text(b, _("Entry"));
			H(b, "</th><th scope=\"col\">");
			html_text(b, _("Kind"));
			H(b, "</th><th scope=\"col\">");
			html_text(b, _("Logged"));
			H(b, "</th><th scope=\"col\">");
			html_text(b, _("About"));
			H(b, "</th><th scope=\"col\">");
			html_text(b, _("What happened"));
			H(b, "</th></tr></thead>\n<tbody>\n");
		}
		last = db_col_int64(st, 0);
		H(b, "<tr><td>");
		html_int(b, last);
		H(b, "</td>");
		if (p == NULL || ledger_entry_decode(p, len, &en, &e) != 0) {
			H(b, "<td colspan=\"4\">");
			html_text(b, _("This entry cannot be decoded."));
			H(b, "</td></tr>\n");
			continue;
		}
		H(b, "<td>");
		html_text(b, kind_label(en.kind));
		H(b, "</td><td>");
		view_time(r, en.time);
		H(b, "</td>");
		entry_cells(r, &en);
		H(b, "</tr>\n");
	}
	db_done(st);
	if (n == 0) {
		H(b, "<p>");
		html_text(b, _("No entries."));
		H(b, "</p>\n");
		return;
	}
	H(b, "</tbody>\n</table>\n");
	if (more) {
		H(b, "<p><a rel=\"next\" href=\"/log?before=");
		html_int(b, last);
		H(b, "#entries\">");
		html_text(b, _("Earlier entries"));
		H(b, "</a></p>\n");
	}
	if (before > 0) {
		H(b, "<p><a href=\"/log#entries\">");
		html_text(b, _("Latest entries"));
		H(b, "</a></p>\n");
	}
}

int
page_log(struct request *r)
{
	struct buf *b = &r->out;
	int64_t before = r->param[1] ? strtoll(r->param[1], NULL, 10) : 0;

	layout_begin(r, _("Public log"));
	H(b, "<h1>");
	html_text(b, _("Public log"));
	H(b, "</h1>\n<p class=\"lead\">");
	html_text(b, _("Everything that happens to a consultation is written in this public log: every "
		       "version of a response, every moderation decision, every round opened or closed, every "
		       "published document revision and every outcome. Each is an entry of a Merkle tree that "
		       "the server signs."));
	H(b, "</p>\n<p>");
	html_text(b, _("An entry cannot be dropped or altered afterwards without the proofs failing: your "
		       "receipt proves that your response is in the log, and anyone can check that today's log "
		       "still contains yesterday's. Entries show what happened, never the text of a response or "
		       "a reason: those are sealed in a hash only their holder can open."));
	H(b, "</p>\n<p><a href=\"/receipts\">");
	html_text(b, _("Check a receipt"));
	H(b, "</a></p>\n");
	checkpoint_section(r);
	entries_section(r, before);
	H(b, "<h2>");
	html_text(b, _("For programs"));
	H(b, "</h2>\n<p>");
	html_text(b, _("Witnesses, monitors and verification tools read the log here. The signed checkpoint, "
		       "the tiles and the entries follow the C2SP tlog-checkpoint and tlog-tiles formats; every "
		       "address is described in the API reference."));
	H(b, "</p>\n<ul>\n<li><a href=\"/api/v1/log/checkpoint\"><code>/api/v1/log/checkpoint</code></a></li>\n"
	     "<li><a href=\"/api/v1/log/key\"><code>/api/v1/log/key</code></a></li>\n"
	     "<li><a href=\"/api/v1/log/entries?start=0&amp;end=100\"><code>/api/v1/log/entries</code></a></li>\n"
	     "<li><code>/api/v1/log/proof/inclusion</code>, <code>/api/v1/log/proof/consistency</code></li>\n"
	     "<li><code>/log/tile/</code></li>\n"
	     "<li><a href=\"/api/v1/openapi.json\">");
	html_text(b, _("API reference (OpenAPI)"));
	H(b, "</a></li>\n</ul>\n");
	layout_end(r);
	return HANDLER_DONE;
}
