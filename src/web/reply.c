/* reply.c: JSON bodies, problems and error pages. */
#include "reply.h"

#include <stdlib.h>

#include "../util/log.h"
#include "html.h"
#include "layout.h"
#include "route.h"

int
reply_json(struct request *r, int status, json_t *j)
{
	char *s;

	buf_reset(&r->out);
	if (j == NULL || (s = json_dumps(j, JSON_COMPACT)) == NULL) {
		json_decref(j);
		r->status = 503;
		r->content_type = "application/problem+json";
		buf_puts(&r->out, "{\"type\":\"about:blank\",\"title\":\"Service Unavailable\",\"status\":503}");
		return HANDLER_DONE;
	}
	buf_puts(&r->out, s);
	buf_putc(&r->out, '\n');
	free(s);
	json_decref(j);
	r->status = status;
	if (r->content_type == NULL)
		r->content_type = "application/json";
	return HANDLER_DONE;
}

static const char *
status_title(int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

int
reply_problem(struct request *r, int status, const char *title, const char *detail, json_t *errors)
{
	json_t *j = json_pack("{s:s, s:s, s:i, s:s, s:s}", "type", "about:blank", "title",
			      title ? title : status_title(status), "status", status, "detail",
			      detail ? detail : "", "instance", r->path);

	if (j != NULL && errors != NULL)
		json_object_set_new(j, "errors", errors);
	else
		json_decref(errors);
	if (j != NULL)
		json_object_set_new(j, "request_id", json_string(r->id));
	r->content_type = "application/problem+json";
	return reply_json(r, status, j);
}

int
reply_redirect(struct request *r, int status, const char *location)
{
	buf_reset(&r->out);
	request_header(r, "Location", location);
	r->content_type = "text/html; charset=utf-8";
	H(&r->out, "<!DOCTYPE html>\n<a href=\"");
	html_attr(&r->out, location);
	H(&r->out, "\">");
	html_text(&r->out, location);
	H(&r->out, "</a>\n");
	r->status = status;
	return HANDLER_DONE;
}

static const char *
page_heading(int status)
{
	switch (status) {
	case 403: return _("Not allowed");
	case 404: return _("Page not found");
	case 400: return _("This request is not valid");
	case 405: return _("This method is not allowed here");
	case 429: return _("Too many submissions");
	case 503: return _("The service is busy");
	default: return _("Something went wrong");
	}
}

int
reply_error(struct request *r, int status, const char *detail)
{
	struct buf *b = &r->out;

	if (status == 503)
		request_header(r, "Retry-After", "2");
	if (r->route == NULL || (r->route->flags & ROUTE_PAGE) == 0)
		return reply_problem(r, status, NULL, detail, NULL);
	buf_reset(b);
	layout_begin(r, page_heading(status));
	H(b, "<h1>");
	html_text(b, page_heading(status));
	H(b, "</h1>\n<p>");
	html_text(b, detail);
	H(b, "</p>\n<p><a href=\"/consultations\">");
	html_text(b, _("See all consultations"));
	H(b, "</a></p>");
	layout_end(r);
	r->status = status;
	return HANDLER_DONE;
}

int
reply_err(struct request *r, const struct err *e)
{
	int status;

	switch (e->kind) {
	case ERR_INVALID: status = 422; break;
	case ERR_NOTFOUND: status = 404; break;
	case ERR_CONFLICT: status = 409; break;
	case ERR_BUSY:
	case ERR_FULL: status = 503; break;
	default: status = 500; break;
	}
	if (status == 500) {
		log_error("msg=\"internal error\" id=%s error=\"%s\"", r->id, e->msg);
		return reply_error(r, 500, _("An internal error occurred; it has been logged."));
	}
	if (e->field[0] && (r->route->flags & ROUTE_API)) {
		if (status == 503)
			request_header(r, "Retry-After", "2");
		return reply_problem(r, status, NULL, e->msg, reply_field_error(e->field, e->msg));
	}
	return reply_error(r, status, e->msg);
}

json_t *
reply_field_error(const char *field, const char *message)
{
	return json_pack("[{s:s, s:s}]", "field", field, "message", message);
}
