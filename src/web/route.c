/* route.c: the route table, matching and parameter checks. */
#include "route.h"

#include <stdlib.h>
#include <string.h>

#include "../domain/document.h"
#include "../util/log.h"
#include "../util/str.h"
#include "handlers.h"
#include "handlers_subscriptions.h"

#define LANG_Q { "lang", P_LANG, IN_QUERY }
#define SLUG_P { "slug", P_SLUG, IN_PATH }
#define ID_P { "id", P_RESPONSE_ID, IN_PATH }
#define TOKEN_Q { "token", P_TOKEN, IN_QUERY }
#define SYMBOL_P { "symbol", P_SYMBOL, IN_PATH }
#define NUMBER_P { "number", P_NUMBER, IN_PATH }

const struct route routes[] = {
	{ "GET", "/", page_home, ROLE_PUBLIC | ROUTE_PAGE | ROUTE_CACHE | ROUTE_REPLICA, "home", { LANG_Q } },
	{ "GET", "/consultations", page_consultation_list, ROLE_PUBLIC | ROUTE_PAGE | ROUTE_CACHE | ROUTE_REPLICA,
	  "consultations", { LANG_Q, { "cursor", P_CURSOR, IN_QUERY } } },
	{ "GET", "/consultations/{slug}", page_consultation, ROLE_PUBLIC | ROUTE_PAGE | ROUTE_CACHE | ROUTE_REPLICA,
	  "consultation", { LANG_Q, SLUG_P, { "after", P_CURSOR, IN_QUERY } } },
	{ "GET", "/consultations/{slug}/respond", page_respond, ROLE_PUBLIC | ROUTE_PAGE, "respond",
	  { LANG_Q, SLUG_P } },
	{ "POST", "/consultations/{slug}/respond", page_respond_post,
	  ROLE_PUBLIC | ROUTE_PAGE | ROUTE_UPLOAD | RATE_SUBMIT, "respond_post", { LANG_Q, SLUG_P } },
	{ "GET", "/responses/{id}", page_response, ROLE_PUBLIC | ROUTE_PAGE | ROUTE_REPLICA,
	  "response", { LANG_Q, ID_P } },
	{ "GET", "/responses/{id}/attachments/{n}", page_attachment, ROLE_PUBLIC, "attachment",
	  { ID_P, { "n", P_INDEX, IN_PATH } } },
	{ "GET", "/receipts/{id}", page_receipt, ROLE_PUBLIC | ROUTE_PAGE, "receipt", { LANG_Q, ID_P } },
	{ "GET", "/responses/{id}/manage", page_manage, ROLE_RESPONDENT | ROUTE_PAGE, "manage",
	  { LANG_Q, ID_P, TOKEN_Q } },
	{ "POST", "/responses/{id}/manage", page_manage_post,
	  ROLE_RESPONDENT | ROUTE_PAGE | ROUTE_UPLOAD, "manage_post", { LANG_Q, ID_P, TOKEN_Q } },
	{ "GET", "/static/{name}", page_static, ROLE_PUBLIC, "static", { { "name", P_NAME, IN_PATH } } },
	{ "GET", "/login", page_login, ROLE_PUBLIC | ROUTE_PAGE, "login", { LANG_Q } },
	{ "POST", "/login", page_login_post, ROLE_PUBLIC | ROUTE_PAGE | ROUTE_FORM, "login_post", { LANG_Q } },
	{ "POST", "/logout", page_logout, ROLE_PUBLIC | ROUTE_PAGE | ROUTE_FORM, "logout", { LANG_Q } },
	{ "GET", "/account", page_account, ROLE_ACCOUNT | ROUTE_PAGE, "account", { LANG_Q } },
	{ "POST", "/account/tokens", page_account_token_create, ROLE_ACCOUNT | ROUTE_PAGE | ROUTE_FORM,
	  "account_token_create", { LANG_Q } },
	{ "POST", "/account/tokens/{id}/revoke", page_account_token_revoke,
	  ROLE_ACCOUNT | ROUTE_PAGE | ROUTE_FORM, "account_token_revoke", { LANG_Q, { "id", P_ID, IN_PATH } } },
	{ "GET", "/admin/moderation", page_admin_moderation, ROLE_SECRETARIAT | ROUTE_PAGE, "admin_moderation",
	  { LANG_Q } },
	{ "GET", "/admin/responses/{id}", page_admin_response, ROLE_SECRETARIAT | ROUTE_PAGE, "admin_response",
	  { LANG_Q, ID_P } },
	{ "POST", "/admin/responses/{id}/publish", page_admin_publish, ROLE_SECRETARIAT | ROUTE_PAGE | ROUTE_FORM,
	  "admin_publish", { LANG_Q, ID_P } },
	{ "POST", "/admin/responses/{id}/withhold", page_admin_withhold,
	  ROLE_SECRETARIAT | ROUTE_PAGE | ROUTE_FORM, "admin_withhold", { LANG_Q, ID_P } },
	{ "POST", "/admin/responses/{id}/redact", page_admin_redact, ROLE_SECRETARIAT | ROUTE_PAGE | ROUTE_FORM,
	  "admin_redact", { LANG_Q, ID_P } },
	{ "GET", "/admin/audit", page_admin_audit, ROLE_SECRETARIAT | ROUTE_PAGE, "admin_audit",
	  { LANG_Q, { "action", P_NAME, IN_QUERY }, { "account", P_ID, IN_QUERY },
	    { "before", P_ID, IN_QUERY } } },
	{ "GET", "/admin/mail", page_admin_mail, ROLE_SECRETARIAT | ROUTE_PAGE, "admin_mail",
	  { LANG_Q, { "status", P_NAME, IN_QUERY }, { "before", P_ID, IN_QUERY } } },
	/* accounts, registration, invitations (0007) */
	{ "GET", "/register", page_register, ROLE_PUBLIC | ROUTE_PAGE, "register", { LANG_Q } },
	{ "POST", "/register", page_register_post, ROLE_PUBLIC | ROUTE_PAGE | ROUTE_FORM | RATE_SUBMIT,
	  "register_post", { LANG_Q } },
	{ "GET", "/register/confirm", page_register_confirm, ROLE_PUBLIC | ROUTE_PAGE, "register_confirm",
	  { LANG_Q, { "token", P_CURSOR, IN_QUERY } } },
	{ "POST", "/register/confirm", page_register_confirm_post, ROLE_PUBLIC | ROUTE_PAGE | ROUTE_FORM,
	  "register_confirm_post", { LANG_Q } },
	{ "GET", "/invitations/{token}", page_invitation, ROLE_PUBLIC | ROUTE_PAGE, "invitation",
	  { LANG_Q, { "token", P_CURSOR, IN_PATH } } },
	{ "POST", "/invitations/{token}", page_invitation_post, ROLE_PUBLIC | ROUTE_PAGE | ROUTE_FORM,
	  "invitation_post", { LANG_Q, { "token", P_CURSOR, IN_PATH } } },
	/* personal notices' one-click unsubscribe (issue 13, docs/MAIL-NOTICES.md): the POST is not
	 * a ROUTE_PAGE, so a mail provider's RFC 8058 POST needs no CSRF token (a session's does) */
	{ "GET", "/mail/unsubscribe/{token}", page_mail_unsubscribe, ROLE_PUBLIC | ROUTE_PAGE, "mail_unsubscribe",
	  { LANG_Q, { "token", P_CURSOR, IN_PATH } } },
	{ "POST", "/mail/unsubscribe/{token}", page_mail_unsubscribe_post, ROLE_PUBLIC | ROUTE_FORM,
	  "mail_unsubscribe_post", { LANG_Q, { "token", P_CURSOR, IN_PATH } } },
	{ "GET", "/account/delegates", page_account_delegates, ROLE_FOCAL | ROUTE_PAGE, "account_delegates",
	  { LANG_Q } },
	{ "POST", "/account/delegates/invite", page_account_delegates_invite, ROLE_FOCAL | ROUTE_PAGE | ROUTE_FORM,
	  "account_delegates_invite", { LANG_Q } },
	{ "GET", "/admin/accounts", page_admin_accounts, ROLE_SECRETARIAT | ROUTE_PAGE, "admin_accounts",
	  { LANG_Q, { "before", P_ID, IN_QUERY } } },
	{ "POST", "/admin/accounts/invite", page_admin_invite, ROLE_SECRETARIAT | ROUTE_PAGE | ROUTE_FORM,
	  "admin_invite", { LANG_Q } },
	{ "POST", "/admin/accounts/{id}/role", page_admin_account_role, ROLE_SECRETARIAT | ROUTE_PAGE | ROUTE_FORM,
	  "admin_account_role", { LANG_Q, { "id", P_ID, IN_PATH } } },
	/* end accounts */

	/* consultation administration (0008) */
	{ "GET", "/admin/consultations", page_admin_consultations, ROLE_SECRETARIAT | ROUTE_PAGE,
	  "admin_consultations", { LANG_Q } },
	{ "GET", "/admin/consultations/new", page_admin_consultation_new, ROLE_SECRETARIAT | ROUTE_PAGE,
	  "admin_consultation_new", { LANG_Q } },
	{ "POST", "/admin/consultations/new", page_admin_consultation_create,
	  ROLE_SECRETARIAT | ROUTE_PAGE | ROUTE_FORM, "admin_consultation_create", { LANG_Q } },
	{ "GET", "/admin/consultations/{slug}/edit", page_admin_consultation_edit, ROLE_SECRETARIAT | ROUTE_PAGE,
	  "admin_consultation_edit", { LANG_Q, SLUG_P, { "text", P_LANG, IN_QUERY } } },
	{ "POST", "/admin/consultations/{slug}/edit", page_admin_consultation_save,
	  ROLE_SECRETARIAT | ROUTE_PAGE | ROUTE_FORM, "admin_consultation_save", { LANG_Q, SLUG_P } },
	{ "POST", "/admin/consultations/{slug}/open", page_admin_consultation_open,
	  ROLE_SECRETARIAT | ROUTE_PAGE | ROUTE_FORM, "admin_consultation_open", { LANG_Q, SLUG_P } },
	{ "POST", "/admin/consultations/{slug}/close", page_admin_consultation_close,
	  ROLE_SECRETARIAT | ROUTE_PAGE | ROUTE_FORM, "admin_consultation_close", { LANG_Q, SLUG_P } },
	{ "POST", "/admin/consultations/{slug}/extend", page_admin_consultation_extend,
	  ROLE_SECRETARIAT | ROUTE_PAGE | ROUTE_FORM, "admin_consultation_extend", { LANG_Q, SLUG_P } },
	/* end consultation administration */

	/* personal data: entry on behalf, correction, erasure (0009) */
	{ "GET", "/admin/consultations/{slug}/responses/new", page_admin_enter, ROLE_SECRETARIAT | ROUTE_PAGE,
	  "admin_enter", { LANG_Q, SLUG_P } },
	{ "POST", "/admin/consultations/{slug}/responses/new", page_admin_enter_post,
	  ROLE_SECRETARIAT | ROUTE_PAGE | ROUTE_UPLOAD, "admin_enter_post", { LANG_Q, SLUG_P } },
	{ "GET", "/responses/{id}/requests", page_manage_requests, ROLE_RESPONDENT | ROUTE_PAGE, "manage_requests",
	  { LANG_Q, ID_P, TOKEN_Q } },
	{ "POST", "/responses/{id}/requests", page_manage_request, ROLE_RESPONDENT | ROUTE_PAGE | ROUTE_FORM,
	  "manage_request", { LANG_Q, ID_P, TOKEN_Q } },
	{ "GET", "/admin/requests", page_admin_requests, ROLE_SECRETARIAT | ROUTE_PAGE, "admin_requests",
	  { LANG_Q } },
	{ "GET", "/admin/requests/{n}", page_admin_request, ROLE_SECRETARIAT | ROUTE_PAGE, "admin_request",
	  { LANG_Q, { "n", P_ID, IN_PATH } } },
	{ "POST", "/admin/requests/{n}/correct", page_admin_request_correct,
	  ROLE_SECRETARIAT | ROUTE_PAGE | ROUTE_FORM, "admin_request_correct", { LANG_Q, { "n", P_ID, IN_PATH } } },
	{ "POST", "/admin/requests/{n}/erase", page_admin_request_erase, ROLE_SECRETARIAT | ROUTE_PAGE | ROUTE_FORM,
	  "admin_request_erase", { LANG_Q, { "n", P_ID, IN_PATH } } },
	{ "POST", "/admin/requests/{n}/decline", page_admin_request_decline,
	  ROLE_SECRETARIAT | ROUTE_PAGE | ROUTE_FORM, "admin_request_decline", { LANG_Q, { "n", P_ID, IN_PATH } } },
	/* end personal data */

	/* meetings and outcomes (0011) */
	{ "GET", "/meetings", page_meeting_list, ROLE_PUBLIC | ROUTE_PAGE | ROUTE_CACHE | ROUTE_REPLICA,
	  "meetings", { LANG_Q } },
	{ "GET", "/meetings/{number}", page_meeting, ROLE_PUBLIC | ROUTE_PAGE | ROUTE_CACHE | ROUTE_REPLICA,
	  "meeting", { LANG_Q, { "number", P_NUMBER, IN_PATH } } },
	/* ROLE_ACCOUNT, not a new role flag: who may change which outcome depends on the outcome
	 * (the chair those addressed to the chair), so the handler checks it and answers 403. */
	{ "POST", "/meetings/{number}/outcomes/{letter}/status", page_outcome_status,
	  ROLE_ACCOUNT | ROUTE_PAGE | ROUTE_FORM, "outcome_status",
	  { LANG_Q, { "number", P_NUMBER, IN_PATH }, { "letter", P_LETTER, IN_PATH } } },
	{ "GET", "/api/v1/meetings", api_meeting_list, ROLE_PUBLIC | ROUTE_API | ROUTE_REPLICA,
	  "api_meetings", { LANG_Q } },
	{ "GET", "/api/v1/meetings/{number}", api_meeting_get, ROLE_PUBLIC | ROUTE_API | ROUTE_REPLICA,
	  "api_meeting", { { "number", P_NUMBER, IN_PATH }, LANG_Q } },
	{ "POST", "/meetings/{number}/outcomes/{letter}/documents", page_outcome_document,
	  ROLE_SECRETARIAT | ROUTE_PAGE | ROUTE_FORM, "outcome_document",
	  { LANG_Q, { "number", P_NUMBER, IN_PATH }, { "letter", P_LETTER, IN_PATH } } },
	/* end meetings */

	/* documents and contributions (0012) */
	/* The pages take any visitor (ROLE_PUBLIC) or any account (ROLE_ACCOUNT): who may read or
	 * change which document depends on the document (document_visible, document_may_write),
	 * so the handlers decide, answering 404 for a document the visitor may not see. */
	{ "GET", "/documents", page_document_list, ROLE_PUBLIC | ROUTE_PAGE | ROUTE_REPLICA, "documents",
	  { LANG_Q, { "meeting", P_NUMBER, IN_QUERY } } },
	{ "GET", "/documents/new", page_document_new, ROLE_ACCOUNT | ROUTE_PAGE, "document_new",
	  { LANG_Q, { "meeting", P_NUMBER, IN_QUERY } } },
	{ "POST", "/documents/new", page_document_create, ROLE_ACCOUNT | ROUTE_PAGE | ROUTE_UPLOAD,
	  "document_create", { LANG_Q } },
	{ "GET", "/documents/{symbol}", page_document, ROLE_PUBLIC | ROUTE_PAGE | ROUTE_REPLICA, "document",
	  { LANG_Q, SYMBOL_P } },
	/* {n}: 0 is the original; P_NAME lets 0 through, the handler takes digits only */
	{ "GET", "/documents/{symbol}/revisions/{n}", page_document_download, ROLE_PUBLIC, "document_download",
	  { SYMBOL_P, { "n", P_NAME, IN_PATH } } },
	{ "POST", "/documents/{symbol}/revisions", page_document_revise, ROLE_ACCOUNT | ROUTE_PAGE | ROUTE_UPLOAD,
	  "document_revise", { LANG_Q, SYMBOL_P } },
	{ "POST", "/documents/{symbol}/submit", page_document_submit, ROLE_ACCOUNT | ROUTE_PAGE | ROUTE_FORM,
	  "document_submit", { LANG_Q, SYMBOL_P } },
	{ "POST", "/documents/{symbol}/publish", page_document_publish, ROLE_SECRETARIAT | ROUTE_PAGE | ROUTE_FORM,
	  "document_publish", { LANG_Q, SYMBOL_P } },
	{ "GET", "/api/v1/documents", api_document_list, ROLE_PUBLIC | ROUTE_API | ROUTE_REPLICA,
	  "api_documents", { LANG_Q, { "meeting", P_NUMBER, IN_QUERY } } },
	{ "GET", "/api/v1/documents/{symbol}", api_document_get, ROLE_PUBLIC | ROUTE_API | ROUTE_REPLICA,
	  "api_document", { SYMBOL_P, LANG_Q } },
	/* end documents */

	/* topic proposals by consensus (0013) */
	{ "GET", "/proposals", page_proposal_list, ROLE_PUBLIC | ROUTE_PAGE | ROUTE_REPLICA,
	  "proposals", { LANG_Q } },
	/* Proposing takes a member's session; the handlers refuse stakeholders (403). Listed before
	 * /proposals/{id}, which "new" would otherwise match. */
	{ "GET", "/proposals/new", page_proposal_new, ROLE_ACCOUNT | ROUTE_PAGE, "proposal_new", { LANG_Q } },
	{ "POST", "/proposals/new", page_proposal_new_post, ROLE_ACCOUNT | ROUTE_PAGE | ROUTE_FORM,
	  "proposal_new_post", { LANG_Q } },
	/* Public, not cached: members see positions on the same address. */
	{ "GET", "/proposals/{id}", page_proposal, ROLE_PUBLIC | ROUTE_PAGE | ROUTE_REPLICA, "proposal",
	  { LANG_Q, { "id", P_ID, IN_PATH }, { "edit", P_LANG, IN_QUERY } } },
	/* ROLE_FOCAL lets only focal points (and the secretariat) reach the handler, which then
	 * refuses all but a focal point: a state speaks through its focal point alone. */
	{ "POST", "/proposals/{id}/position", page_proposal_position, ROLE_FOCAL | ROUTE_PAGE | ROUTE_FORM,
	  "proposal_position", { LANG_Q, { "id", P_ID, IN_PATH } } },
	/* ROLE_ACCOUNT: the chair or the secretariat, decided by the handler (403 for the others). */
	{ "POST", "/proposals/{id}/decision", page_proposal_decision, ROLE_ACCOUNT | ROUTE_PAGE | ROUTE_FORM,
	  "proposal_decision", { LANG_Q, { "id", P_ID, IN_PATH } } },
	{ "POST", "/proposals/{id}/consultation", page_proposal_consultation,
	  ROLE_SECRETARIAT | ROUTE_PAGE | ROUTE_FORM, "proposal_consultation", { LANG_Q, { "id", P_ID, IN_PATH } } },
	/* ROLE_ACCOUNT: the proposing state's delegates and focal point, the chair and the
	 * secretariat, decided by the handler (403 for the others). */
	{ "POST", "/proposals/{id}/texts", page_proposal_texts, ROLE_ACCOUNT | ROUTE_PAGE | ROUTE_FORM,
	  "proposal_texts", { LANG_Q, { "id", P_ID, IN_PATH } } },
	{ "GET", "/api/v1/proposals", api_proposal_list, ROLE_PUBLIC | ROUTE_API | ROUTE_REPLICA,
	  "api_proposals", { { 0 } } },
	{ "GET", "/api/v1/proposals/{id}", api_proposal_get, ROLE_PUBLIC | ROUTE_API | ROUTE_REPLICA,
	  "api_proposal", { { "id", P_ID, IN_PATH } } },
	/* end proposals */

	/* open consultation meetings: registration (0014) */
	{ "GET", "/meetings.ics", page_meetings_ics, ROLE_PUBLIC | ROUTE_PAGE | ROUTE_REPLICA,
	  "meetings_ics", { LANG_Q } },
	{ "GET", "/meetings/{number}/calendar.ics", page_meeting_ics, ROLE_PUBLIC | ROUTE_PAGE | ROUTE_REPLICA,
	  "meeting_ics", { LANG_Q, NUMBER_P } },
	{ "GET", "/meetings/{number}/register", page_meeting_register, ROLE_PUBLIC | ROUTE_PAGE, "meeting_register",
	  { LANG_Q, NUMBER_P } },
	{ "POST", "/meetings/{number}/register", page_meeting_register_post,
	  ROLE_PUBLIC | ROUTE_PAGE | ROUTE_FORM | RATE_SUBMIT, "meeting_register_post", { LANG_Q, NUMBER_P } },
	/* the cancel token, not a role: the handler checks it (403 for another token) */
	{ "GET", "/meetings/{number}/registrations/{id}/cancel", page_registration_cancel, ROLE_PUBLIC | ROUTE_PAGE,
	  "registration_cancel", { LANG_Q, NUMBER_P, { "id", P_ID, IN_PATH }, { "token", P_CURSOR, IN_QUERY } } },
	{ "POST", "/meetings/{number}/registrations/{id}/cancel", page_registration_cancel_post,
	  ROLE_PUBLIC | ROUTE_PAGE | ROUTE_FORM, "registration_cancel_post",
	  { LANG_Q, NUMBER_P, { "id", P_ID, IN_PATH } } },
	{ "GET", "/admin/meetings/{number}/registrants", page_admin_registrants, ROLE_SECRETARIAT | ROUTE_PAGE,
	  "admin_registrants", { LANG_Q, NUMBER_P } },
	{ "GET", "/admin/meetings/{number}/registrants.csv", page_admin_registrants_csv,
	  ROLE_SECRETARIAT | ROUTE_PAGE, "admin_registrants_csv", { LANG_Q, NUMBER_P } },
	{ "POST", "/admin/meetings/{number}/registration", page_admin_registration_settings,
	  ROLE_SECRETARIAT | ROUTE_PAGE | ROUTE_FORM, "admin_registration_settings", { LANG_Q, NUMBER_P } },
	{ "POST", "/admin/meetings/{number}/speakers", page_admin_speakers, ROLE_SECRETARIAT | ROUTE_PAGE | ROUTE_FORM,
	  "admin_speakers", { LANG_Q, NUMBER_P } },
	{ "POST", "/admin/meetings/{number}/record", page_admin_record, ROLE_SECRETARIAT | ROUTE_PAGE | ROUTE_FORM,
	  "admin_record", { LANG_Q, NUMBER_P } },
	/* end registration */

	/* subscriptions to notices (issue 13, docs/MAIL-SUBSCRIPTIONS.md) */
	{ "GET", "/subscribe", page_subscribe, ROLE_PUBLIC | ROUTE_PAGE, "subscribe", { LANG_Q } },
	{ "POST", "/subscribe", page_subscribe_post, ROLE_PUBLIC | ROUTE_PAGE | ROUTE_FORM | RATE_SUBMIT,
	  "subscribe_post", { LANG_Q } },
	{ "GET", "/subscriptions/confirm/{token}", page_subscription_confirm, ROLE_PUBLIC | ROUTE_PAGE,
	  "subscription_confirm", { LANG_Q, { "token", P_CURSOR, IN_PATH } } },
	{ "POST", "/subscriptions/confirm/{token}", page_subscription_confirm_post,
	  ROLE_PUBLIC | ROUTE_PAGE | ROUTE_FORM, "subscription_confirm_post", { LANG_Q, { "token", P_CURSOR, IN_PATH } } },
	{ "GET", "/subscriptions/{id}/unsubscribe/{token}", page_unsubscribe, ROLE_PUBLIC | ROUTE_PAGE, "unsubscribe",
	  { LANG_Q, { "id", P_ID, IN_PATH }, { "token", P_CURSOR, IN_PATH } } },
	/* RFC 8058 one-click: not ROUTE_PAGE, so a mail client's POST needs no session and no CSRF
	 * token (the token in the path is the authority); a session's POST still needs its token */
	{ "POST", "/subscriptions/{id}/unsubscribe/{token}", page_unsubscribe_post, ROLE_PUBLIC | ROUTE_FORM,
	  "unsubscribe_post", { LANG_Q, { "id", P_ID, IN_PATH }, { "token", P_CURSOR, IN_PATH } } },
	{ "POST", "/api/v1/subscriptions", api_subscription_create,
	  ROLE_PUBLIC | ROUTE_API | ROUTE_BODY_JSON | RATE_SUBMIT, "api_subscriptions", { { 0 } } },
	/* end subscriptions */

	/* search (issue 6) */
	/* Their other parameters (q, the filters, from, to, order, page, per_page) are more than a
	 * route declares: search_params.c reads them, and search_run checks each, answering 422 with
	 * the field named instead of 400. */
	{ "GET", "/search", page_search, ROLE_PUBLIC | ROUTE_PAGE | ROUTE_REPLICA, "search", { LANG_Q } },
	{ "GET", "/api/v1/search", api_search, ROLE_PUBLIC | ROUTE_API | ROUTE_REPLICA,
	  "api_search", { LANG_Q } },
	/* end search */

	/* public log (issue 7) */
	{ "GET", "/log", page_log, ROLE_PUBLIC | ROUTE_PAGE, "log",
	  { LANG_Q, { "before", P_ID, IN_QUERY } } },
	{ "GET", "/log/checkpoint", page_log_checkpoint, ROLE_PUBLIC, "log_checkpoint", { { 0 } } },
	{ "GET", "/log/tile/*", page_log_tile, ROLE_PUBLIC, "log_tile", { { 0 } } },
	{ "GET", "/receipts", page_receipts, ROLE_PUBLIC | ROUTE_PAGE, "receipts_check", { LANG_Q } },
	{ "POST", "/receipts", page_receipts_post, ROLE_PUBLIC | ROUTE_PAGE | ROUTE_UPLOAD, "receipts_check_post",
	  { LANG_Q } },
	/* the API's numbers (start, size...) run to 2^63-1: the handlers read and check them */
	{ "GET", "/api/v1/log/checkpoint", api_log_checkpoint, ROLE_PUBLIC | ROUTE_API, "api_log_checkpoint",
	  { { 0 } } },
	{ "GET", "/api/v1/log/key", api_log_key, ROLE_PUBLIC | ROUTE_API, "api_log_key", { { 0 } } },
	{ "GET", "/api/v1/log/entries", api_log_entries, ROLE_PUBLIC | ROUTE_API, "api_log_entries", { { 0 } } },
	{ "GET", "/api/v1/log/proof/inclusion", api_log_inclusion, ROLE_PUBLIC | ROUTE_API, "api_log_inclusion",
	  { { 0 } } },
	{ "GET", "/api/v1/log/proof/consistency", api_log_consistency, ROLE_PUBLIC | ROUTE_API,
	  "api_log_consistency", { { 0 } } },
	{ "POST", "/api/v1/log/cosignatures", api_log_cosignatures, ROLE_PUBLIC | ROUTE_API,
	  "api_log_cosignatures", { { 0 } } },
	/* end public log */

	/* summaries of rounds (issue 8) */
	/* Public, not cached: the secretariat and the chair see drafts and the form on the same
	 * address. ?edit= picks the language the form shows. */
	{ "GET", "/consultations/{slug}/summary", page_summary, ROLE_PUBLIC | ROUTE_PAGE | ROUTE_REPLICA,
	  "summary", { LANG_Q, SLUG_P, { "edit", P_LANG, IN_QUERY } } },
	/* ROLE_ACCOUNT: the secretariat or the chair, decided by the handler (403 for the others). */
	{ "POST", "/consultations/{slug}/summary", page_summary_post, ROLE_ACCOUNT | ROUTE_PAGE | ROUTE_FORM,
	  "summary_post", { LANG_Q, SLUG_P } },
	{ "GET", "/api/v1/consultations/{slug}/summary", api_summary, ROLE_PUBLIC | ROUTE_API | ROUTE_REPLICA,
	  "api_summary", { SLUG_P } },
	/* end summaries */

	/* Chair's reports (issue 8) */
	/* ROLE_ACCOUNT, not a new role flag: the secretariat and the chair only, which the handlers
	 * check (403 for any other account); the public and anonymous visitors get nothing here. */
	{ "GET", "/reports", page_reports, ROLE_ACCOUNT | ROUTE_PAGE, "reports",
	  { LANG_Q, { "texts", P_LANG, IN_QUERY }, { "saved", P_INDEX, IN_QUERY } } },
	{ "POST", "/reports/texts", page_reports_texts, ROLE_ACCOUNT | ROUTE_PAGE | ROUTE_FORM, "reports_texts",
	  { LANG_Q } },
	/* from and to are months (YYYY-MM), format a name: the handler checks them and shows the
	 * form again with the error by the field */
	{ "GET", "/reports/download", page_reports_download, ROLE_ACCOUNT | ROUTE_PAGE, "reports_download",
	  { LANG_Q, { "from", P_CURSOR, IN_QUERY }, { "to", P_CURSOR, IN_QUERY },
	    { "language", P_LANG, IN_QUERY }, { "format", P_NAME, IN_QUERY } } },
	/* end reports */

	/* exports and open data (issue 8) */
	{ "GET", "/api/v1/consultations/{slug}/export.csv", api_export_csv, ROLE_PUBLIC | ROUTE_API, "api_export_csv",
	  { LANG_Q, SLUG_P } },
	{ "GET", "/api/v1/consultations/{slug}/export.xlsx", api_export_xlsx, ROLE_PUBLIC | ROUTE_API,
	  "api_export_xlsx", { LANG_Q, SLUG_P } },
	{ "GET", "/api/v1/consultations/{slug}/export.json", api_export_json, ROLE_PUBLIC | ROUTE_API,
	  "api_export_json", { LANG_Q, SLUG_P } },
	{ "GET", "/api/v1/consultations/{slug}/export.zip", api_export_zip, ROLE_PUBLIC | ROUTE_API, "api_export_zip",
	  { LANG_Q, SLUG_P } },
	/* end exports */

	/* feeds (issue 9) */
	/* Not ROUTE_CACHE: the page cache answers text/html, and the links are absolute from the
	 * request's Host when public-url is unset; /meetings.ics is not cached either. */
	{ "GET", "/consultations.atom", page_feed_atom, ROLE_PUBLIC | ROUTE_PAGE | ROUTE_REPLICA,
	  "consultations_atom", { LANG_Q } },
	/* end feeds */

	/* languages of content (issue 9) */
	{ "GET", "/api/v1/consultations/{slug}/translations", api_consultation_translations,
	  ROLE_SECRETARIAT | ROUTE_API | SCOPE_CONSULTATIONS, "api_consultation_translations", { SLUG_P } },
	/* end languages */

	{ "GET", "/api/v1/consultations", api_consultation_list, ROLE_PUBLIC | ROUTE_API | ROUTE_REPLICA,
	  "api_consultations", { { "state", P_STATE, IN_QUERY }, { "cursor", P_CURSOR, IN_QUERY },
	    { "limit", P_LIMIT, IN_QUERY }, LANG_Q } },
	{ "POST", "/api/v1/consultations", api_consultation_create,
	  ROLE_SECRETARIAT | ROUTE_API | ROUTE_BODY_JSON | SCOPE_CONSULTATIONS, "api_consultation_create", { { 0 } } },
	{ "GET", "/api/v1/consultations/{slug}", api_consultation_get, ROLE_PUBLIC | ROUTE_API | ROUTE_REPLICA,
	  "api_consultation", { SLUG_P, LANG_Q } },
	{ "POST", "/api/v1/consultations/{slug}/open", api_consultation_open,
	  ROLE_SECRETARIAT | ROUTE_API | ROUTE_BODY_JSON | SCOPE_CONSULTATIONS, "api_consultation_open", { SLUG_P } },
	{ "POST", "/api/v1/consultations/{slug}/close", api_consultation_close,
	  ROLE_SECRETARIAT | ROUTE_API | ROUTE_BODY_JSON | SCOPE_CONSULTATIONS, "api_consultation_close", { SLUG_P } },
	{ "POST", "/api/v1/consultations/{slug}/extend", api_consultation_extend,
	  ROLE_SECRETARIAT | ROUTE_API | ROUTE_BODY_JSON | SCOPE_CONSULTATIONS, "api_consultation_extend", { SLUG_P } },
	{ "POST", "/api/v1/consultations/{slug}/responses", api_response_submit,
	  ROLE_PUBLIC | ROUTE_API | ROUTE_UPLOAD | RATE_SUBMIT, "api_response_submit", { SLUG_P } },
	{ "GET", "/api/v1/consultations/{slug}/responses", api_response_list, ROLE_PUBLIC | ROUTE_API | ROUTE_REPLICA,
	  "api_responses", { SLUG_P, { "cursor", P_CURSOR, IN_QUERY }, { "limit", P_LIMIT, IN_QUERY } } },
	{ "GET", "/api/v1/responses/{id}", api_response_get, ROLE_PUBLIC | ROUTE_API | ROUTE_REPLICA,
	  "api_response", { ID_P } },
	{ "GET", "/api/v1/responses/{id}/receipt", api_response_receipt, ROLE_PUBLIC | ROUTE_API,
	  "api_receipt", { ID_P } },
	{ "POST", "/api/v1/responses/{id}/revise", api_response_revise,
	  ROLE_RESPONDENT | ROUTE_API | ROUTE_UPLOAD, "api_response_revise", { ID_P, TOKEN_Q } },
	{ "POST", "/api/v1/responses/{id}/withdraw", api_response_withdraw,
	  ROLE_RESPONDENT | ROUTE_API, "api_response_withdraw", { ID_P, TOKEN_Q } },
	{ "POST", "/api/v1/responses/{id}/moderation", api_response_moderate,
	  ROLE_SECRETARIAT | ROUTE_API | ROUTE_BODY_JSON | SCOPE_MODERATION, "api_response_moderate", { ID_P } },
	{ "GET", "/api/v1/openapi.json", api_openapi, ROLE_PUBLIC | ROUTE_API, "openapi", { { 0 } } },
	{ "GET", "/healthz", api_healthz, ROLE_PUBLIC | ROUTE_API, "healthz", { { 0 } } },
	{ "GET", "/metrics", api_metrics, ROLE_PUBLIC, "metrics", { { 0 } } },
};
const int nroutes = sizeof(routes) / sizeof(routes[0]);

/* Matches one pattern; captures {name} segments into r->param by declared index. */
static int
pattern_match(struct request *r, const struct route *rt, const char *path, int capture)
{
	const char *p = rt->pattern, *u = path;

	while (*p && *u) {
		if (p[0] == '*' && p[1] == '\0')
			return 1;	/* a final '*' matches the rest of the path, which is not empty */
		if (*p == '{') {
			const char *pend = strchr(p, '}'), *uend = strchr(u, '/');
			size_t ulen = uend ? (size_t)(uend - u) : strlen(u);
			if (ulen == 0)
				return 0;
			if (capture) {
				size_t nlen = (size_t)(pend - p - 1);
				for (int i = 0; i < ROUTE_MAX_PARAMS && rt->params[i].name; i++)
					if (rt->params[i].where == IN_PATH &&
					    strlen(rt->params[i].name) == nlen &&
					    strncmp(rt->params[i].name, p + 1, nlen) == 0)
						r->param[i] = arena_strndup(r->arena, u, ulen);
			}
			p = pend + 1;
			u += ulen;
		} else if (*p == *u) {
			p++;
			u++;
		} else {
			return 0;
		}
	}
	return *p == '\0' && *u == '\0';
}

int
route_match(struct request *r, const char *method, const char *path, const char **allow)
{
	int found = -1;
	int is_head = strcmp(method, "HEAD") == 0;

	*allow = NULL;
	for (int i = 0; i < nroutes; i++) {
		if (!pattern_match(r, &routes[i], path, 0))
			continue;
		if (strcmp(routes[i].method, method) == 0 ||
		    (is_head && strcmp(routes[i].method, "GET") == 0)) {
			pattern_match(r, &routes[i], path, 1);
			return i;
		}
		*allow = *allow ? arena_printf(r->arena, "%s, %s", *allow, routes[i].method)
				: routes[i].method;
		found = -2;
	}
	return found;
}

static int
charset_ok(const char *v, const char *extra, size_t max)
{
	size_t n = strlen(v);

	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') || strchr(extra, v[i])))
			return 0;
	return 1;
}

int
route_param_check(const struct param *p, const char *v, const char **why)
{
	enum lang l;
	size_t n;

	switch (p->kind) {
	case P_SLUG:
		if (slug_valid(v))
			return 0;
		*why = "must be 1-64 of a-z, 0-9 and '-'";
		return -1;
	case P_LANG:
		if (lang_from_code(v, &l) == 0)
			return 0;
		*why = "must be one of ar, zh, en, fr, ru, es";
		return -1;
	case P_CURSOR:
		if (charset_ok(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_-", 64))
			return 0;
		*why = "is not a cursor this server gave";
		return -1;
	case P_LIMIT:
		n = strlen(v);
		if (n >= 1 && n <= 3 && strspn(v, "0123456789") == n && atoi(v) >= 1 && atoi(v) <= 200)
			return 0;
		*why = "must be a whole number from 1 to 200";
		return -1;
	case P_STATE:
		if (str_eq(v, "scheduled") || str_eq(v, "open") || str_eq(v, "closed"))
			return 0;
		*why = "must be scheduled, open or closed";
		return -1;
	case P_RESPONSE_ID:
		if (strlen(v) == 12 && strspn(v, "23456789abcdefghjkmnpqrstuvwxyz") == 12)
			return 0;
		*why = "is not a response id";
		return -1;
	case P_INDEX:
		n = strlen(v);
		if (n >= 1 && n <= 2 && strspn(v, "0123456789") == n && atoi(v) >= 1)
			return 0;
		*why = "must be a whole number from 1 to 99";
		return -1;
	case P_TOKEN:
		if (strncmp(v, "manage_", 7) == 0 && strlen(v) == 50 &&
		    strspn(v + 7, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == strlen(v + 7))
			return 0;
		*why = "is not a manage token";
		return -1;
	case P_ID:
		n = strlen(v);
		if (n >= 1 && n <= 12 && strspn(v, "0123456789") == n && v[0] != '0')
			return 0;
		*why = "is not a number this server gave";
		return -1;
	case P_NUMBER:
		n = strlen(v);
		if (n >= 1 && n <= 4 && strspn(v, "0123456789") == n && v[0] != '0')
			return 0;
		*why = "must be a whole number from 1 to 9999";
		return -1;
	case P_LETTER:
		if (strlen(v) == 1 && v[0] >= 'a' && v[0] <= 'z')
			return 0;
		*why = "must be one letter from a to z";
		return -1;
	case P_SYMBOL:
		if (document_url_parse(v, &(int){ 0 }, &(int){ 0 }) == 0)
			return 0;
		*why = "is not a document symbol (cwg-internet-17-3)";
		return -1;
	case P_NAME:
		if (charset_ok(v, "_.-", 64) && v[0] != '.')
			return 0;
		*why = "is not a valid name";
		return -1;
	}
	*why = "is not valid";
	return -1;
}

void
route_table_check(void)
{
	if (nroutes > ROUTES_MAX)
		fatal("msg=\"more routes than ROUTES_MAX\" routes=%d max=%d", nroutes, ROUTES_MAX);
	for (int i = 0; i < nroutes; i++) {
		unsigned roles = routes[i].flags & ROUTE_ROLES;
		if (roles == 0 || (roles & (roles - 1)) != 0)
			fatal("msg=\"route needs exactly one role\" route=%s", routes[i].pattern);
		unsigned scopes = routes[i].flags & ROUTE_SCOPES;
		int needs = (routes[i].flags & ROLE_SECRETARIAT) && (routes[i].flags & ROUTE_API);
		if (needs ? scopes == 0 || (scopes & (scopes - 1)) != 0 : scopes != 0)
			fatal("msg=\"a secretariat API route needs exactly one scope, no other route any\" route=%s",
			      routes[i].pattern);
		if ((routes[i].flags & ROUTE_REPLICA) &&
		    (strcmp(routes[i].method, "GET") != 0 || !(routes[i].flags & ROLE_PUBLIC)))
			fatal("msg=\"ROUTE_REPLICA is for public GETs only\" route=%s", routes[i].pattern);
		if (routes[i].handler == NULL || routes[i].name == NULL)
			fatal("msg=\"route incomplete\" route=%s", routes[i].pattern);
	}
}
