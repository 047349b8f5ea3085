/* page_response.c: the contribution view of one response, its attachments (downloads) and
 * its receipt. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../domain/country.h"
#include "../domain/response.h"
#include "../domain/summary.h"
#include "../ledger/log.h"
#include "../util/str.h"
#include "../util/timefmt.h"
#include "csrf.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "reply.h"
#include "server.h"
#include "view.h"

/* Withdrawn, withheld or erased: a notice saying so, and when. */
static void
status_notice(struct request *r, const struct response *resp)
{
	struct buf *b = &r->out;

	H(b, "<p class=\"notice\">");
	if (str_eq(resp->status, "erased")) {	/* the stub: nothing else is left */
		html_text(b, _("Erased at the respondent's request,"));
		H(b, " ");
		view_date(r, resp->status_at);
		H(b, ".</p>\n");
		return;
	}
	if (str_eq(resp->status, "withdrawn"))
		html_text(b, _("This response was withdrawn by the respondent."));
	else
		html_text(b, _("This response is withheld by the secretariat."));
	if (resp->status_reason && resp->status_reason[0]) {
		H(b, " ");
		html_text(b, resp->status_reason);
	}
	H(b, " ");
	view_time(r, resp->status_at);
	H(b, "</p>\n");
}

/* summaries (issue 8): the response's number in its round (what summaries cite, R-N) and the
 * published summaries that cite it, each linked. */
static void
cited(struct request *r, const struct response *resp)
{
	struct buf *b = &r->out;
	struct summary_citation *in;
	int64_t number = summary_response_number(r->db, resp->id);
	struct err e;
	int n;

	if (number > 0) {
		H(b, "<p class=\"response-number\">");
		html_text(b, _("Response number:"));
		H(b, " <strong>");
		html_text(b, arena_printf(r->arena, "R-%lld", (long long)number));
		H(b, "</strong></p>\n");
	}
	if (summary_cited_in(r->db, r->arena, resp->id, &in, &n, &e) != 0 || n == 0)
		return;
	H(b, "<section class=\"cited-in\">\n<h2>");
	html_text(b, _("Cited in"));
	H(b, "</h2>\n<ul>\n");
	for (int i = 0; i < n; i++) {
		enum lang l = LANG_EN;
		lang_from_code(in[i].language, &l);
		H(b, "<li><a href=\"/consultations/");
		html_url(b, in[i].slug);
		H(b, "/summary#summary-");
		html_url(b, in[i].language);
		H(b, "\">");
		/* a summary cites the responses of its own round only: this consultation */
		html_text(b, arena_printf(r->arena, _("The summary of this consultation, in %s"), lang_native_name(l)));
		H(b, "</a></li>\n");
	}
	H(b, "</ul>\n</section>\n");
}
/* end summaries */

int
page_response(struct request *r)
{
	struct response resp;
	struct consultation c;
	struct err e;
	struct buf *b = &r->out;
	const char *who;

	if (response_get(r->db, r->arena, r->param[1], &resp, &e) != 0 || response_never_public(&resp) ||
	    consultation_get(r->db, r->arena, resp.consultation_slug, &c, &e) != 0)
		return reply_error(r, 404, _("There is no response at this address."));
	who = str_eq(resp.status, "published") ? response_display_name(r->arena, &resp) : resp.public_id;
	layout_begin(r, who);
	H(b, "<article class=\"response\">\n<p class=\"meta\"><a href=\"/consultations/");
	html_url(b, c.slug);
	H(b, "\">");
	view_mtext(r, &c.title);
	H(b, "</a></p>\n<h1>");
	html_text(b, who);
	H(b, "</h1>\n");
	cited(r, &resp);	/* summaries (issue 8) */
	if (!str_eq(resp.status, "published")) {
		status_notice(r, &resp);
		H(b, "</article>\n");
		layout_end(r);
		return HANDLER_DONE;
	}
	H(b, "<dl class=\"respondent\">\n");
	if (str_eq(resp.publish_as, "name")) {
		view_row(r, 0, _("Name"), resp.name);
		view_row(r, 0, _("Job title"), resp.job_title);
	}
	if (!str_eq(resp.publish_as, "anonymous"))
		view_row(r, 0, _("Organization"), resp.organization);
	view_row(r, 0, _("Country"), country_name_local(resp.country));
	view_row(r, 0, _("Stakeholder type"), stakeholder_label(resp.stakeholder_type));
	H(b, "<dt>");
	html_text(b, _("Received"));
	H(b, "</dt><dd>");
	if (resp.received_on > 0) {	/* entered on the respondent's behalf */
		html_text(b, str_eq(resp.channel, "post")    ? _("Received by post on")
			     : str_eq(resp.channel, "email") ? _("Received by email on")
							     : _("Received on"));
		H(b, " ");
		view_date(r, resp.received_on);
		H(b, " ");
		html_text(b, _("and entered by the secretariat"));
	} else {
		view_time(r, resp.created_at);
	}
	H(b, "</dd>\n");
	if (resp.corrected) {
		H(b, "<dt>");
		html_text(b, _("Corrected"));
		H(b, "</dt><dd class=\"corrected\">");
		html_text(b, _("Corrected at the respondent's request on"));
		H(b, " ");
		view_date(r, resp.updated_at);
		H(b, "</dd>\n");
	}
	if (resp.version > 1) {
		H(b, "<dt>");
		html_text(b, _("Revised"));
		H(b, "</dt><dd>");
		view_time(r, resp.updated_at);
		H(b, "</dd>\n");
	}
	H(b, "</dl>\n<section lang=\"");
	html_attr(b, str_eq(resp.language, "und") ? "" : resp.language);
	H(b, "\">\n<h2>");
	html_text(b, _("Summary"));
	H(b, "</h2>\n<div class=\"summary\">");
	html_text(b, resp.summary);
	H(b, "</div>\n");
	for (int i = 0; i < resp.nanswers; i++) {
		int q = resp.answers[i].question;
		H(b, "<h3>");
		html_text(b, arena_printf(r->arena, _("Question %d"), q));
		H(b, "</h3>\n");
		if (q >= 1 && q <= c.nquestions) {
			H(b, "<p class=\"question\">");
			view_mtext(r, &c.question[q - 1]);
			H(b, "</p>\n");
		}
		H(b, "<div class=\"answer\">");
		html_text(b, resp.answers[i].text);
		H(b, "</div>\n");
	}
	H(b, "</section>\n");
	if (resp.nattachments > 0) {
		H(b, "<h2>");
		html_text(b, _("Attachments"));
		H(b, "</h2>\n<ul class=\"attachments\">\n");
		for (int i = 0; i < resp.nattachments; i++) {
			H(b, "<li><a href=\"/responses/");
			html_url(b, resp.public_id);
			H(b, "/attachments/");
			html_int(b, i + 1);
			H(b, "\" download>");
			html_text(b, resp.att[i].filename);
			H(b, "</a> <span class=\"size\">(");
			html_text(b, resp.att[i].media_type);
			H(b, ", ");
			view_number(r, (resp.att[i].size + 1023) / 1024);
			H(b, " KB)</span></li>\n");
		}
		H(b, "</ul>\n");
	}
	H(b, "<p class=\"receipt-link\"><a href=\"/receipts/");
	html_url(b, resp.public_id);
	H(b, "\">");
	html_text(b, _("Receipt: what was stored, and its SHA-256"));
	H(b, "</a></p>\n</article>\n");
	layout_end(r);
	return HANDLER_DONE;
}

/* Content-Disposition with an ASCII fallback and the UTF-8 name (RFC 6266). */
static const char *
disposition(struct request *r, const char *filename)
{
	struct buf b;
	char *out;

	buf_init(&b);
	buf_puts(&b, "attachment; filename=\"");
	for (const char *p = filename; *p; p++)
		buf_putc(&b, (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\') ? *p : '_');
	buf_puts(&b, "\"; filename*=UTF-8''");
	html_url(&b, filename);
	out = b.failed ? NULL : arena_strdup(r->arena, b.data);
	buf_free(&b);
	return out ? out : "attachment";
}

int
page_attachment(struct request *r)
{
	struct response resp;
	struct err e;
	char path[600];
	struct stat st;
	int n = atoi(r->param[1]), fd;

	if (response_get(r->db, r->arena, r->param[0], &resp, &e) != 0 || !str_eq(resp.status, "published") ||
	    n < 1 || n > resp.nattachments)
		return reply_problem(r, 404, NULL, "there is no attachment at this address", NULL);
	if (blob_path_e(r->srv->blobs, resp.att[n - 1].sha256, path, sizeof(path), &e) != 0)
		return reply_err(r, &e);	/* the database unreachable (503) or the blob damaged (500) */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return reply_problem(r, 404, NULL, "this attachment is missing from the store", NULL);
	if (fstat(fd, &st) != 0) {
		close(fd);
		return reply_problem(r, 503, NULL, "cannot read the attachment", NULL);
	}
	r->file_fd = fd;
	r->file_size = st.st_size;
	r->content_type = resp.att[n - 1].media_type;
	request_header(r, "Content-Disposition", disposition(r, resp.att[n - 1].filename));
	request_header(r, "Cache-Control", "public, max-age=3600");
	return HANDLER_DONE;
}

/* The receipt: public id, time, consultation, SHA-256. Safe to share: no manage link. */
/* The public log's part of the receipt (docs/LEDGER-WEB.md): where the version is in the log, the
 * signed checkpoint, and a form that sends the whole receipt (what the API answers) to /receipts
 * to be checked. */
static void
receipt_log(struct request *r, const struct response *resp)
{
	struct buf *b = &r->out;
	int with_secret = str_eq(resp->status, "published");
	json_t *receipt = response_receipt_json(resp->public_id, resp->consultation_slug, resp->version,
						resp->updated_at, resp->sha256);
	json_t *log;
	const char *cp;
	char *text;
	struct err e;

	if (receipt == NULL)
		return;
	if ((log = ledger_receipt_json(r->db, resp->public_id, resp->version, with_secret, &e)) == NULL) {
		json_decref(receipt);
		H(b, "<p>");
		html_text(b, _("This version is not in the public log yet."));
		H(b, "</p>\n");
		return;
	}
	json_object_update(receipt, log);
	H(b, "<h2>");
	html_text(b, _("In the public log"));
	H(b, "</h2>\n<dl class=\"receipt\">\n");
	view_row(r, 0, _("Leaf index"),
		 arena_printf(r->arena, "%lld", (long long)json_integer_value(json_object_get(log, "leaf_index"))));
	view_row(r, 0, _("Tree size"),
		 arena_printf(r->arena, "%lld", (long long)json_integer_value(json_object_get(log, "tree_size"))));
	H(b, "<dt>");
	html_text(b, _("Checkpoint"));
	H(b, "</dt><dd><pre>");
	cp = json_string_value(json_object_get(log, "checkpoint"));
	html_text(b, cp ? cp : "");
	H(b, "</pre></dd>\n</dl>\n");
	json_decref(log);
	text = json_dumps(receipt, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(receipt);
	if (text == NULL)
		return;
	H(b, "<form method=\"post\" action=\"/receipts\">\n");
	csrf_input(r);
	H(b, "<input type=\"hidden\" name=\"receipt\" value=\"");
	html_attr(b, text);
	free(text);
	H(b, "\">\n<p><button type=\"submit\">");
	html_text(b, _("Check this receipt"));
	H(b, "</button> <a href=\"/receipts\">");
	html_text(b, _("Check another receipt"));
	H(b, "</a></p>\n</form>\n");
}

int
page_receipt(struct request *r)
{
	struct response resp;
	struct err e;
	struct buf *b = &r->out;

	if (response_get(r->db, r->arena, r->param[1], &resp, &e) != 0)
		return reply_error(r, 404, _("There is no response at this address."));
	layout_begin(r, _("Receipt"));
	H(b, "<h1>");
	html_text(b, _("Receipt"));
	H(b, "</h1>\n<dl class=\"receipt\">\n");
	view_row(r, 0, _("Response"), resp.public_id);
	view_row(r, 0, _("Consultation"), resp.consultation_slug);
	view_row(r, 0, _("Version"), arena_printf(r->arena, "%d", resp.version));
	H(b, "<dt>");
	html_text(b, _("Stored"));
	H(b, "</dt><dd>");
	view_time(r, resp.updated_at);
	H(b, "</dd>\n<dt>SHA-256</dt><dd><code>");
	html_text(b, resp.sha256);
	H(b, "</code></dd>\n</dl>\n");
	view_unsearchable(r, &resp);
	H(b, "<p>");
	html_text(b, _("The SHA-256 is computed over the stored content of this version (without the "
		       "email address). Keep this receipt: it lets anyone check later that the response was "
		       "kept unaltered."));
	H(b, "</p>\n");
	receipt_log(r, &resp);
	H(b, "<p><a href=\"/api/v1/responses/");
	html_url(b, resp.public_id);
	H(b, "/receipt\">JSON</a></p>\n");
	layout_end(r);
	return HANDLER_DONE;
}
