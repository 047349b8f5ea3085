/* view_translations.c: the translation state of a round's texts, as a table for the
 * secretariat and as JSON. A text of the round is its title, each question, and its topic and
 * description where the original has them (an optional field the original leaves empty is no
 * text to translate). */
#include "view_translations.h"

#include <stdio.h>
#include <stdlib.h>

#include "../util/str.h"
#include "html.h"
#include "view.h"

#define MAX_ROWS (3 + CONSULTATION_MAX_QUESTIONS)

struct row {
	char field[24];			/* "title", "question:2" (the stored field names) */
	const struct mtext *t;
};

/* The texts of c in order; returns their count. */
static int
rows_of(const struct consultation *c, struct row rows[MAX_ROWS])
{
	int n = 0;

	snprintf(rows[n].field, sizeof(rows[n].field), "title");
	rows[n++].t = &c->title;
	if (c->topic.body[c->original] != NULL) {
		snprintf(rows[n].field, sizeof(rows[n].field), "topic");
		rows[n++].t = &c->topic;
	}
	if (c->description.body[c->original] != NULL) {
		snprintf(rows[n].field, sizeof(rows[n].field), "description");
		rows[n++].t = &c->description;
	}
	for (int i = 0; i < c->nquestions; i++) {
		snprintf(rows[n].field, sizeof(rows[n].field), "question:%d", i + 1);
		rows[n++].t = &c->question[i];
	}
	return n;
}

/* What the row is called in the table. */
static const char *
row_label(struct request *r, const struct row *w)
{
	if (str_eq(w->field, "title"))
		return _("Title");
	if (str_eq(w->field, "topic"))
		return _("Topic");
	if (str_eq(w->field, "description"))
		return _("Description");
	return arena_printf(r->arena, _("Question %d"), atoi(w->field + sizeof("question:") - 1));
}

/* The short word of a cell: the status in words, never by colour alone. */
static const char *
cell_label(enum text_status s)
{
	switch (s) {
	case TEXT_ORIGINAL:
		return C_("translation cell", "Original");
	case TEXT_OFFICIAL:
		return C_("translation cell", "Official");
	case TEXT_DRAFT:
		return C_("translation cell", "Draft");
	default:
		return C_("translation cell", "Missing");
	}
}

/* How many texts of c lack language l (a draft counts as present but not shown). */
static int
missing_in(const struct row *rows, int n, enum lang l)
{
	int k = 0;

	for (int i = 0; i < n; i++)
		if (mtext_status(rows[i].t, l) == TEXT_NONE)
			k++;
	return k;
}

/* "Draft translations, not shown to the public: Español", when some language has a draft. */
static void
drafts_line(struct request *r, const struct row *rows, int n)
{
	struct buf *b = &r->out;
	int any = 0;

	for (int l = 0; l < LANG_COUNT; l++) {
		int draft = 0;
		for (int i = 0; i < n; i++)
			draft |= mtext_status(rows[i].t, (enum lang)l) == TEXT_DRAFT;
		if (!draft)
			continue;
		if (!any++) {
			H(b, "<p class=\"translations-drafts\"><strong>");
			html_text(b, _("Draft translations, not shown to the public:"));
			H(b, "</strong> ");
		} else {
			H(b, ", ");
		}
		H(b, "<span lang=\"");
		html_raw_trusted(b, lang_code((enum lang)l));
		H(b, "\">");
		html_text(b, lang_native_name((enum lang)l));
		H(b, "</span>");
	}
	if (any)
		H(b, "</p>\n");
}

const char *
view_translations_missing(struct request *r, const struct consultation *c)
{
	struct row rows[MAX_ROWS];
	int n = rows_of(c, rows);
	const char *out = NULL;

	for (int l = 0; l < LANG_COUNT; l++) {
		if (missing_in(rows, n, (enum lang)l) == 0)
			continue;
		out = out == NULL ? lang_native_name((enum lang)l)
				  : arena_printf(r->arena, "%s, %s", out, lang_native_name((enum lang)l));
	}
	return out;
}

void
view_translations_matrix(struct request *r, const struct consultation *c)
{
	struct buf *b = &r->out;
	struct row rows[MAX_ROWS];
	int n = rows_of(c, rows), any = 0;

	H(b, "<section id=\"translations\">\n<h2>");
	html_text(b, _("Translations"));
	H(b, "</h2>\n<div class=\"table-scroll\"><table class=\"translations\">\n<caption>");
	html_text(b, _("Each text of the round in the six languages: Original, Official (an official "
		       "translation), Draft (not shown to the public) or Missing."));
	H(b, "</caption>\n<thead><tr><th scope=\"col\">");
	html_text(b, _("Text"));
	H(b, "</th>");
	for (int l = 0; l < LANG_COUNT; l++) {
		H(b, "<th scope=\"col\" lang=\"");
		html_raw_trusted(b, lang_code((enum lang)l));
		H(b, "\">");
		html_text(b, lang_native_name((enum lang)l));
		H(b, "</th>");
	}
	H(b, "</tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++) {
		H(b, "<tr><th scope=\"row\">");
		html_text(b, row_label(r, &rows[i]));
		H(b, "</th>");
		for (int l = 0; l < LANG_COUNT; l++) {
			enum text_status s = mtext_status(rows[i].t, (enum lang)l);
			H(b, "<td class=\"tr-");
			html_raw_trusted(b, text_status_code(s));
			H(b, "\">");
			html_text(b, cell_label(s));
			H(b, "</td>");
		}
		H(b, "</tr>\n");
	}
	H(b, "</tbody></table></div>\n<p class=\"translations-missing\"><strong>");
	html_text(b, str_eq(c->state, "draft") || str_eq(c->state, "scheduled") ? _("Missing before opening:")
										 : _("Missing:"));
	H(b, "</strong> ");
	for (int l = 0; l < LANG_COUNT; l++) {
		int k = missing_in(rows, n, (enum lang)l);
		if (k == 0)
			continue;
		if (any++)
			H(b, ", ");
		H(b, "<span lang=\"");
		html_raw_trusted(b, lang_code((enum lang)l));
		H(b, "\">");
		html_text(b, lang_native_name((enum lang)l));
		H(b, "</span> ");
		/* TRANSLATORS: after a language's name: how many texts it lacks */
		html_text(b, arena_printf(r->arena, P_("(%s text)", "(%s texts)", (unsigned long)k),
					  view_num(r, k)));
	}
	if (!any)
		html_text(b, _("none: every text is in all six languages."));
	H(b, "</p>\n");
	drafts_line(r, rows, n);
	H(b, "</section>\n");
}

json_t *
translations_json(const struct consultation *c)
{
	struct row rows[MAX_ROWS];
	int n = rows_of(c, rows);
	json_t *o = json_object(), *texts = json_array(), *missing = json_object(),
	       *drafts = json_array(), *langs = json_array();

	if (o == NULL || texts == NULL || missing == NULL || drafts == NULL || langs == NULL)
		goto fail;
	for (int l = 0; l < LANG_COUNT; l++)
		json_array_append_new(langs, json_string(lang_code((enum lang)l)));
	for (int i = 0; i < n; i++) {
		json_t *st = json_object();
		if (st == NULL)
			goto fail;
		for (int l = 0; l < LANG_COUNT; l++)
			json_object_set_new(st, lang_code((enum lang)l),
					    json_string(text_status_code(mtext_status(rows[i].t, (enum lang)l))));
		json_array_append_new(texts, json_pack("{s:s, s:o}", "field", rows[i].field, "status", st));
	}
	for (int l = 0; l < LANG_COUNT; l++) {
		json_t *fields = NULL;
		int draft = 0;
		for (int i = 0; i < n; i++) {
			enum text_status s = mtext_status(rows[i].t, (enum lang)l);
			draft |= s == TEXT_DRAFT;
			if (s != TEXT_NONE)
				continue;
			if (fields == NULL && (fields = json_array()) == NULL)
				goto fail;
			json_array_append_new(fields, json_string(rows[i].field));
		}
		if (fields != NULL)
			json_object_set_new(missing, lang_code((enum lang)l), fields);
		if (draft)
			json_array_append_new(drafts, json_string(lang_code((enum lang)l)));
	}
	json_object_set_new(o, "slug", json_string(c->slug));
	json_object_set_new(o, "state", json_string(c->state));
	json_object_set_new(o, "original_language", json_string(lang_code(c->original)));
	json_object_set_new(o, "languages", langs);
	json_object_set_new(o, "texts", texts);
	json_object_set_new(o, "missing", missing);
	json_object_set_new(o, "draft_languages", drafts);
	return o;
fail:
	json_decref(o);
	json_decref(texts);
	json_decref(missing);
	json_decref(drafts);
	json_decref(langs);
	return NULL;
}
