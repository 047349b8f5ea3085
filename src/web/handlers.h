/* handlers.h: every handler the route table names; each lives in its page_ or api_ file. */
#ifndef AGORA_HANDLERS_H
#define AGORA_HANDLERS_H
#include "request.h"

int page_home(struct request *r);			/* page_home.c */
int page_consultation_list(struct request *r);		/* page_consultations.c */
int page_consultation(struct request *r);
int page_static(struct request *r);			/* page_static.c */
int page_response(struct request *r);			/* page_response.c */
int page_attachment(struct request *r);
int page_receipt(struct request *r);
int page_respond(struct request *r);			/* page_respond.c */
int page_respond_post(struct request *r);
int page_manage(struct request *r);			/* page_manage.c */
int page_manage_post(struct request *r);
int page_login(struct request *r);			/* page_login.c */
int page_login_post(struct request *r);
int page_logout(struct request *r);
int page_account(struct request *r);			/* page_account.c */
int page_account_token_create(struct request *r);
int page_account_token_revoke(struct request *r);
int page_admin_moderation(struct request *r);		/* page_admin.c */
int page_admin_response(struct request *r);
int page_admin_publish(struct request *r);
int page_admin_withhold(struct request *r);
int page_admin_redact(struct request *r);
int page_admin_audit(struct request *r);		/* page_audit.c */
/* accounts, registration, invitations */
int page_register(struct request *r);			/* page_register.c */
int page_register_post(struct request *r);
int page_register_confirm(struct request *r);
int page_register_confirm_post(struct request *r);
int page_invitation(struct request *r);			/* page_invite.c */
int page_invitation_post(struct request *r);
int page_mail_unsubscribe(struct request *r);		/* page_mail_unsubscribe.c (issue 13) */
int page_mail_unsubscribe_post(struct request *r);
int page_account_delegates(struct request *r);
int page_account_delegates_invite(struct request *r);
/* The invitations not yet accepted, as a table (all of them when state is NULL). */
void page_invitations_pending(struct request *r, const char *state);
int page_admin_accounts(struct request *r);		/* page_admin_accounts.c */
int page_admin_invite(struct request *r);
int page_admin_account_role(struct request *r);
/* end accounts */

/* consultation administration */
int page_admin_consultations(struct request *r);	/* page_admin_consultations.c */
int page_admin_consultation_new(struct request *r);
int page_admin_consultation_create(struct request *r);
int page_admin_consultation_edit(struct request *r);
int page_admin_consultation_save(struct request *r);
int page_admin_consultation_open(struct request *r);	/* page_admin_consultation_state.c */
int page_admin_consultation_close(struct request *r);
int page_admin_consultation_extend(struct request *r);
/* end consultation administration */

/* personal data */
int page_manage_requests(struct request *r);		/* page_manage.c */
int page_manage_request(struct request *r);
int page_admin_enter(struct request *r);		/* page_admin_enter.c */
int page_admin_enter_post(struct request *r);
int page_admin_requests(struct request *r);		/* page_admin_requests.c */
int page_admin_mail(struct request *r);			/* page_admin_mail.c */
int page_admin_request(struct request *r);
int page_admin_request_correct(struct request *r);
int page_admin_request_erase(struct request *r);
int page_admin_request_decline(struct request *r);
/* end personal data */

/* meetings and outcomes */
int page_meeting_list(struct request *r);		/* page_meetings.c */
int page_meeting(struct request *r);
int page_outcome_status(struct request *r);
int api_meeting_list(struct request *r);		/* api_meetings.c */
int api_meeting_get(struct request *r);
int page_outcome_document(struct request *r);		/* page_meetings.c */
/* end meetings */

/* documents and contributions */
int page_document_list(struct request *r);		/* page_documents.c */
int page_document(struct request *r);
int page_document_download(struct request *r);
int page_document_submit(struct request *r);
int page_document_publish(struct request *r);
int page_document_revise(struct request *r);
/* The documents of meeting number the visitor may see, as a section of the meeting's page. */
void page_meeting_documents(struct request *r, int number);
int page_document_new(struct request *r);		/* page_document_new.c */
int page_document_create(struct request *r);
int api_document_list(struct request *r);		/* api_documents.c */
int api_document_get(struct request *r);
/* end documents */

/* topic proposals */
int page_proposal_list(struct request *r);		/* page_proposals.c */
int page_proposal(struct request *r);
int page_proposal_new(struct request *r);		/* page_proposal_new.c */
int page_proposal_new_post(struct request *r);
int page_proposal_position(struct request *r);
int page_proposal_decision(struct request *r);
int page_proposal_consultation(struct request *r);
int page_proposal_texts(struct request *r);
int api_proposal_list(struct request *r);		/* api_proposals.c */
int api_proposal_get(struct request *r);
/* end proposals */

/* registration */
int page_meetings_ics(struct request *r);
int page_meeting_ics(struct request *r);
int page_meeting_register(struct request *r);
int page_meeting_register_post(struct request *r);
int page_registration_cancel(struct request *r);
int page_registration_cancel_post(struct request *r);
int page_admin_registrants(struct request *r);		/* page_admin_registrants.c */
int page_admin_registrants_csv(struct request *r);
int page_admin_registration_settings(struct request *r);
int page_admin_speakers(struct request *r);
int page_admin_record(struct request *r);
/* end registration */

/* search (issue 6) */
int page_search(struct request *r);			/* page_search.c */
int api_search(struct request *r);			/* api_search.c */
/* end search */

int api_consultation_list(struct request *r);		/* api_consultations.c */
int api_consultation_get(struct request *r);
/* The consultation as the secretariat sees it (drafts too), after a write. */
int api_consultation_answer(struct request *r, const char *slug, int status);
int api_consultation_create(struct request *r);		/* api_consultation_admin.c */
int api_consultation_open(struct request *r);
int api_consultation_close(struct request *r);
int api_consultation_extend(struct request *r);
int api_response_submit(struct request *r);		/* api_responses.c */
int api_response_list(struct request *r);
int api_response_get(struct request *r);
int api_response_receipt(struct request *r);
int api_response_revise(struct request *r);
int api_response_withdraw(struct request *r);
int api_response_moderate(struct request *r);		/* api_moderation.c */
int api_openapi(struct request *r);			/* api_ops.c */
int api_healthz(struct request *r);
int api_metrics(struct request *r);

/* public log */
int page_log(struct request *r);			/* page_log.c */
int page_log_checkpoint(struct request *r);		/* api_log.c */
int page_log_tile(struct request *r);
int api_log_checkpoint(struct request *r);
int api_log_key(struct request *r);
int api_log_entries(struct request *r);
int api_log_inclusion(struct request *r);
int api_log_consistency(struct request *r);
int api_log_cosignatures(struct request *r);
int page_receipts(struct request *r);			/* page_receipts.c */
int page_receipts_post(struct request *r);
/* end public log */

/* summaries */
int page_summary(struct request *r);
int page_summary_post(struct request *r);
int api_summary(struct request *r);
/* Not a handler: for the two GET handlers. When the terms are not counted yet, has them counted
 * on a worker (the connection suspended) and returns HANDLER_SUSPENDED, or HANDLER_DONE with a
 * 503 written; -1 when the handler can go on (counted, or this is the call after the worker). */
int summary_terms_first(struct request *r);
/* end summaries */

/* reports */
int page_reports(struct request *r);			/* page_reports.c */
int page_reports_texts(struct request *r);
int page_reports_download(struct request *r);
/* end reports */

/* exports */
int api_export_csv(struct request *r);			/* api_export.c */
int api_export_xlsx(struct request *r);
int api_export_json(struct request *r);
int api_export_zip(struct request *r);
/* end exports */

/* feeds */
int page_feed_atom(struct request *r);	/* /consultations.atom (page_feed_atom.c) */
/* end feeds */

/* languages */
/* GET /api/v1/consultations/{slug}/translations: the secretariat's translation matrix. */
int api_consultation_translations(struct request *r);
/* end languages */

#endif
