/* page_feed_atom.c: the consultations as an Atom feed (RFC 4287) at /consultations.atom: one
 * entry per event of a public round (announced, opening, closing soon; consultation_feed.c),
 * newest first. libxml2's xmlTextWriter writes the XML, so escaping is its, never ours; we only
 * keep out the few characters XML 1.0 cannot carry at all. Texts are in the reader's language
 * (?lang=), else in the round's original language, marked with xml:lang. See docs/FEEDS.md. */
#include <libxml/xmlwriter.h>
#include <pthread.h>
#include <string.h>

#include "../domain/consultation_feed.h"
#include "../util/clock.h"
#include "../util/timefmt.h"
#include "form_account.h"
#include "handlers.h"
#include "reply.h"

#define FEED_ENTRIES_MAX 50
#define ATOM_NS "http://www.w3.org/2005/Atom"
#define XHTML_NS "http://www.w3.org/1999/xhtml"

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

/* libxml2 wants its globals made once, before threads share it. */
static void
xml_init(void)
{
	xmlInitParser();
}

/* The writer and whether any call failed (checked once, at the end). */
struct atom {
	struct request *r;
	xmlTextWriterPtr w;
	const char *base;	/* "https://host": absolute links */
	const char *tag_host;	/* "host": the authority of the entries' tag: ids */
	int failed;
};

static void
check(struct atom *a, int rc)
{
	if (rc < 0)
		a->failed = 1;
}

/* The length of a character XML 1.0 forbids at s[i] (C0 controls but tab, LF and CR; U+FFFE,
 * U+FFFF), 0 for any other. s is UTF-8 (checked when it was stored). */
static size_t
forbidden(const unsigned char *s, size_t i, size_t n)
{
	if (s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
		return 1;
	if (s[i] == 0xEF && i + 2 < n && s[i + 1] == 0xBF && s[i + 2] >= 0xBE)
		return 3;
	return 0;
}

/* s without the characters XML cannot carry at all, which a stored title may hold: a
 * well-formed feed matters more than an invisible character. NULL (out of memory) fails. */
static const char *
xml_chars(struct atom *a, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n, o = 0, i, k;
	char *t;

	if (s == NULL) {
		a->failed = 1;
		return "";
	}
	n = strlen(s);
	for (i = 0; i < n && forbidden(u, i, n) == 0; i++)
		;
	if (i == n)
		return s;	/* the usual case: nothing to take out */
	if ((t = arena_alloc(a->r->arena, n + 1)) == NULL) {
		a->failed = 1;
		return "";
	}
	for (i = 0; i < n; i += k ? k : 1)
		if ((k = forbidden(u, i, n)) == 0)
			t[o++] = s[i];
	t[o] = '\0';
	return t;
}

static void
start(struct atom *a, const char *name)
{
	check(a, xmlTextWriterStartElement(a->w, BAD_CAST name));
}

static void
end(struct atom *a)
{
	check(a, xmlTextWriterEndElement(a->w));
}

static void
attr(struct atom *a, const char *name, const char *value)
{
	check(a, xmlTextWriterWriteAttribute(a->w, BAD_CAST name, BAD_CAST xml_chars(a, value)));
}

static void
text(struct atom *a, const char *s)
{
	check(a, xmlTextWriterWriteString(a->w, BAD_CAST xml_chars(a, s)));
}

/* <name>s</name> */
static void
element(struct atom *a, const char *name, const char *s)
{
	start(a, name);
	text(a, s);
	end(a);
}

static void
element_time(struct atom *a, const char *name, int64_t t)
{
	char iso[TIME_RFC3339_LEN];

	time_format_rfc3339(t, iso);
	element(a, name, iso);
}

/* <link rel= type= href=> */
static void
link_to(struct atom *a, const char *rel, const char *type, const char *href)
{
	start(a, "link");
	attr(a, "rel", rel);
	attr(a, "type", type);
	attr(a, "href", href);
	end(a);
}

/* xml:lang (and, in XHTML, dir) for a text in l on a page in the reader's language. */
static void
lang_attrs(struct atom *a, enum lang l, int xhtml)
{
	attr(a, "xml:lang", lang_code(l));
	if (xhtml)
		attr(a, "dir", lang_is_rtl(l) ? "rtl" : "ltr");
}

/* An XHTML <span> holding s in language l, marked when l is not the reader's. */
static void
span_in(struct atom *a, const char *s, enum lang l)
{
	if (l == a->r->lang) {
		text(a, s);
		return;
	}
	start(a, "span");
	lang_attrs(a, l, 1);
	text(a, s);
	end(a);
}

/* fmt (a translated "...%s...") around s: fmt's words in the reader's language, s in l. */
static void
around(struct atom *a, const char *fmt, const char *s, enum lang l)
{
	const char *at = strstr(fmt, "%s"), *numbered = strstr(fmt, "%1$s");
	size_t skip = 2;

	if (at == NULL && numbered != NULL)	/* a translation may number its one argument */
		at = numbered, skip = 4;
	if (at == NULL) {	/* a translation that lost its %s: keep the text all the same */
		text(a, fmt);
		text(a, " ");
		span_in(a, s, l);
		return;
	}
	text(a, arena_strndup(a->r->arena, fmt, (size_t)(at - fmt)));
	span_in(a, s, l);
	text(a, at + skip);
}

/* A date and time for people in the reader's language, e.g. "1 December 2026, 12:00". */
static const char *
human_time(struct atom *a, int64_t t)
{
	char *out = arena_alloc(a->r->arena, 128);

	if (out == NULL) {
		a->failed = 1;
		return "";
	}
	time_format_human(t, lang_code(a->r->lang), TZ_UTC, 1, out, 128);
	return out;
}

static const char *
entry_title_format(enum feed_event_kind k)
{
	switch (k) {
	case FEED_ANNOUNCED:
		/* TRANSLATORS: a feed entry; %s is the consultation's title */
		return _("New consultation: %s");
	case FEED_OPENING:
		/* TRANSLATORS: a feed entry; %s is the consultation's title */
		return _("Open for responses: %s");
	case FEED_CLOSING_SOON:
		/* TRANSLATORS: a feed entry a week before the consultation closes; %s is its title */
		return _("Closing soon: %s");
	}
	return "%s";
}

/* What the event means, with its dates, in the reader's language. */
static const char *
entry_sentence(struct atom *a, const struct feed_event *ev)
{
	const char *closes = human_time(a, ev->closes_at);

	switch (ev->kind) {
	case FEED_ANNOUNCED:
		/* TRANSLATORS: the two %s are a date and time, e.g. "1 December 2026, 12:00" */
		return arena_printf(a->r->arena, _("Opens on %s and closes on %s (UTC)."),
				    human_time(a, ev->opens_at), closes);
	case FEED_OPENING:
		/* TRANSLATORS: %s is a date and time, e.g. "1 December 2026, 12:00" */
		return arena_printf(a->r->arena, _("Open for responses until %s (UTC)."), closes);
	case FEED_CLOSING_SOON:
		/* TRANSLATORS: %s is a date and time, e.g. "1 December 2026, 12:00" */
		return arena_printf(a->r->arena, _("Responses are welcome until %s (UTC): one week left."),
				    closes);
	}
	return "";
}

/* The entry's id: a tag: URI (RFC 4151) per round and event, dated by the round's creation,
 * so it stays the same however often the feed is read, in every language, over http or https. */
static const char *
entry_id(struct atom *a, const struct feed_event *ev)
{
	char day[TIME_RFC3339_LEN];

	time_format_rfc3339(ev->created_at, day);
	day[10] = '\0';
	return arena_printf(a->r->arena, "tag:%s,%s:consultation/%s/%s", a->tag_host, day, ev->slug,
			    feed_event_name(ev->kind));
}

static void
entry(struct atom *a, const struct feed_event *ev)
{
	struct request *r = a->r;
	enum lang title_lang, topic_lang;
	const char *title = mtext_pick(&ev->title, r->lang, &title_lang);
	const char *topic = mtext_pick(&ev->topic, r->lang, &topic_lang);
	const char *fmt = entry_title_format(ev->kind);

	if (title == NULL)
		title = ev->slug, title_lang = r->lang;
	start(a, "entry");
	element(a, "id", entry_id(a, ev));
	start(a, "title");
	if (title_lang == r->lang) {
		attr(a, "type", "text");
		text(a, arena_printf(r->arena, fmt, title));
	} else {	/* two languages in one title: XHTML marks the part in the other */
		attr(a, "type", "xhtml");
		check(a, xmlTextWriterStartElementNS(a->w, NULL, BAD_CAST "div", BAD_CAST XHTML_NS));
		around(a, fmt, title, title_lang);
		end(a);
	}
	end(a);
	element_time(a, "updated", ev->at);
	element_time(a, "published", ev->at);
	link_to(a, "alternate", "text/html",
		form_account_link(r, arena_printf(r->arena, "/consultations/%s?lang=%s", ev->slug,
						  lang_code(r->lang))));
	start(a, "category");
	attr(a, "term", feed_event_name(ev->kind));
	end(a);
	if (topic != NULL) {
		start(a, "summary");
		attr(a, "type", "text");
		if (topic_lang != r->lang)
			lang_attrs(a, topic_lang, 0);
		text(a, topic);
		end(a);
	}
	start(a, "content");
	attr(a, "type", "xhtml");
	check(a, xmlTextWriterStartElementNS(a->w, NULL, BAD_CAST "div", BAD_CAST XHTML_NS));
	element(a, "p", entry_sentence(a, ev));
	if (topic != NULL) {
		start(a, "p");
		if (topic_lang != r->lang)
			lang_attrs(a, topic_lang, 1);
		text(a, topic);
		end(a);
	}
	end(a);
	end(a);
	end(a);
}

static void
feed(struct atom *a, const struct feed_event *ev, int n)
{
	struct request *r = a->r;
	const char *lang = lang_code(r->lang);

	check(a, xmlTextWriterStartDocument(a->w, NULL, "UTF-8", NULL));
	check(a, xmlTextWriterStartElementNS(a->w, NULL, BAD_CAST "feed", BAD_CAST ATOM_NS));
	attr(a, "xml:lang", lang);
	element(a, "id", arena_printf(r->arena, "%s/consultations.atom", a->base));
	element(a, "title", _("Agora: consultations of the working group"));
	/* the latest entry's time; an empty feed was last changed now, as far as anyone can tell */
	element_time(a, "updated", n > 0 ? ev[0].at : clock_now());
	link_to(a, "self", "application/atom+xml",
		arena_printf(r->arena, "%s/consultations.atom?lang=%s", a->base, lang));
	link_to(a, "alternate", "text/html", arena_printf(r->arena, "%s/consultations?lang=%s", a->base, lang));
	start(a, "author");
	element(a, "name", _("Council Working Group on International Internet-related Public Policy Issues"));
	element(a, "uri", arena_printf(r->arena, "%s/", a->base));
	end(a);
	element(a, "generator", "Agora");
	for (int i = 0; i < n; i++)
		entry(a, &ev[i]);
	end(a);
	check(a, xmlTextWriterEndDocument(a->w));
}

/* "host" of "scheme://host:port/...", lower case, for a tag: URI's authority (no port). */
static const char *
tag_host(struct request *r, const char *base)
{
	const char *h = strstr(base, "://");
	char *out;
	size_t n;

	h = h ? h + 3 : base;
	if (h[0] == '[')	/* an IPv6 literal keeps its colons */
		n = strcspn(h, "]/?#") + (h[strcspn(h, "]/?#")] == ']');
	else
		n = strcspn(h, "/?#:");
	if (n == 0)
		return "localhost";
	if ((out = arena_strndup(r->arena, h, n)) == NULL)
		return NULL;
	for (char *p = out; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return out;
}

int
page_feed_atom(struct request *r)
{
	struct feed_event *ev = NULL;
	struct err e;
	struct atom a = { r, NULL, form_account_link(r, ""), NULL, 0 };
	xmlBufferPtr xb;
	int n;

	if ((n = feed_events(r->db, r->arena, clock_now(), FEED_ENTRIES_MAX, &ev, &e)) < 0)
		return reply_err(r, &e);
	if (a.base == NULL || (a.tag_host = tag_host(r, a.base)) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	pthread_once(&xml_once, xml_init);
	if ((xb = xmlBufferCreate()) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	if ((a.w = xmlNewTextWriterMemory(xb, 0)) == NULL) {
		xmlBufferFree(xb);
		return reply_error(r, 503, _("The service is busy; try again."));
	}
	feed(&a, ev, n);
	xmlFreeTextWriter(a.w);	/* flushes into xb */
	if (a.failed) {
		xmlBufferFree(xb);
		return reply_error(r, 503, _("The service is busy; try again."));
	}
	buf_reset(&r->out);
	buf_add(&r->out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
	xmlBufferFree(xb);
	r->content_type = "application/atom+xml; charset=utf-8";
	return HANDLER_DONE;
}
