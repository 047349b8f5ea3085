/* report.h: the Chair's report to the Council for a period of months, in one language: its
 * editable texts (report_texts, 0021), section II made from the meetings held in the period
 * with their lettered outcomes and the rounds opened in it with their published summaries, and
 * the same model as JSON for the PDF worker. Every sentence is translated when the model is
 * built, so the renderers (src/render/) write what they are given and call no gettext. */
#ifndef AGORA_REPORT_H
#define AGORA_REPORT_H
#include <jansson.h>
#include <stdint.h>

#include "../store/db.h"
#include "../util/arena.h"
#include "../util/err.h"
#include "../util/i18n.h"

/* The editable texts, in the order the report shows them. */
enum report_field {
	REPORT_SYMBOL, REPORT_TITLE, REPORT_SUMMARY, REPORT_ACTION, REPORT_REFERENCES,
	REPORT_MANDATE, REPORT_RECOMMENDATIONS, REPORT_FIELDS
};
#define REPORT_TEXT_MAX_CHARS 50000	/* one Markdown text */
#define REPORT_LINE_MAX_CHARS 300	/* the symbol and the title */
#define REPORT_MAX_BLOCKS 4000

/* "symbol", "title", "summary", ... (the column value); NULL past the end. */
const char *report_field_name(enum report_field f);
/* A field's label for people (translated in the calling thread's language). */
const char *report_field_label(enum report_field f);
/* 1 when the field is one line of plain text (symbol, title), 0 when it is Markdown. */
int report_field_is_line(enum report_field f);

/* A month "YYYY-MM" (1970-01..9999-12) as the time of its first instant (UTC). 0, or -1. */
int report_month_parse(const char *s, int64_t *start);
/* The first instant of the month after the one starting at start. */
int64_t report_month_next(int64_t start);

enum report_block_kind {
	RB_TITLE,	/* the document's title */
	RB_SUBTITLE,	/* the period line under it */
	RB_H1,		/* Summary, I Introduction, II Activities... */
	RB_H2,		/* a meeting; the consultations */
	RB_H3,		/* a round */
	RB_PARA,	/* plain text */
	RB_MARKDOWN,	/* Markdown (cmark; raw HTML dropped) */
	RB_ITEM,	/* a lettered outcome: label "a)" and its text */
	RB_NOTE,	/* a plain remark in italics (nothing in the period) */
};

struct report_block {
	enum report_block_kind kind;
	const char *text;
	const char *label;	/* RB_ITEM: "a)"; else NULL */
	enum lang lang;		/* the text's language (a fallback may differ from the report's) */
};

struct report {
	enum lang lang;
	const char *symbol;	/* shown in every page's header */
	const char *title;
	const char *page_label;	/* "Page {page} of {pages}", translated */
	int nblocks, cap;
	struct report_block *blocks;
};

/* The report for the months from..to (starts of months, from <= to, inclusive) in lang, read
 * from db, built in a. Also gives the counts (for the log and tests; NULL is fine). 0, or -1. */
int report_build(struct db *db, struct arena *a, int64_t from, int64_t to, enum lang lang,
		 struct report *rp, int *nmeetings, struct err *e);

/* The editable texts of one language as stored (NULL where none): for the edit form. */
int report_texts_get(struct db *db, struct arena *a, enum lang lang, const char *out[REPORT_FIELDS],
		     struct err *e);

/* Writer closure (arg: struct report_texts_save *): the texts of one language, replaced as a
 * whole (an empty text removes its row), with one audit row (action report_texts, object
 * "report/LANG"). Checks lengths and UTF-8: ERR_INVALID with the field named. */
struct report_texts_save {
	enum lang lang;
	const char *text[REPORT_FIELDS];
	int64_t account_id;	/* 0: the command line or the demo loader */
	const char *address;	/* NULL: "cli" */
	int only_if_empty;	/* the demo loader: write nothing when the language has texts */
	/* out */
	int written;
};
int report_texts_save_fn(struct db *db, void *arg, struct err *e);
/* Checks one text of a save (also used by the form, to put the error by its field). 0 or -1. */
int report_text_check(enum report_field f, const char *value, struct err *e);

/* The model as JSON (for the worker) and back. report_from_json keeps pointers into j. */
json_t *report_to_json(const struct report *rp);
int report_from_json(json_t *j, struct arena *a, struct report *rp, struct err *e);

#endif
