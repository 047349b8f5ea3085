/* report_docx.c: the Chair's report as a DOCX that translators and editors open in their word
 * processor: hand-written WordprocessingML in a ZIP (libzip), with real Title and Heading
 * styles (the navigation pane and a table of contents find them), the page's header carrying
 * the document symbol and its footer the page number, w:lang on every run, and w:bidi / w:rtl
 * for right-to-left text. Every text is XML-escaped. */
#include "render.h"

#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define W_NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" " \
	     "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define XML_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define FONTS "<w:rFonts w:ascii=\"Noto Sans\" w:hAnsi=\"Noto Sans\" w:eastAsia=\"Noto Sans CJK SC\" " \
	      "w:cs=\"Noto Naskh Arabic\"/>"

static const char CONTENT_TYPES[] = XML_HEAD
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    "<Override PartName=\"/word/styles.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
    "<Override PartName=\"/word/header1.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
    "<Override PartName=\"/word/footer1.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>"
    "</Types>";

static const char RELS[] = XML_HEAD
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
    "Target=\"word/document.xml\"/></Relationships>";

static const char DOC_RELS[] = XML_HEAD
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
    "Target=\"styles.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" "
    "Target=\"header1.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" "
    "Target=\"footer1.xml\"/></Relationships>";

/* The BCP 47 tag Word expects for each language (w:lang takes region tags). */
static const char *
word_lang(enum lang l)
{
	static const char *const tags[LANG_COUNT] = {
		[LANG_AR] = "ar-SA", [LANG_ZH] = "zh-CN", [LANG_EN] = "en-GB",
		[LANG_FR] = "fr-FR", [LANG_RU] = "ru-RU", [LANG_ES] = "es-ES",
	};
	return tags[l];
}

static void
xml_text(struct buf *b, const char *s)
{
	for (; s != NULL && *s; s++) {
		switch (*s) {
		case '&':
			buf_puts(b, "&amp;");
			break;
		case '<':
			buf_puts(b, "&lt;");
			break;
		case '>':
			buf_puts(b, "&gt;");
			break;
		case '"':
			buf_puts(b, "&quot;");
			break;
		default:
			/* XML 1.0 takes no control characters but tab, newline and return */
			if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n' && *s != '\r')
				buf_putc(b, ' ');
			else
				buf_putc(b, *s);
		}
	}
}

/* The run properties of text in l with style (enum md_style). */
static void
run_props(struct buf *b, enum lang l, unsigned style)
{
	buf_puts(b, "<w:rPr>");
	if (style & MD_CODE)
		buf_puts(b, "<w:rFonts w:ascii=\"Noto Sans Mono\" w:hAnsi=\"Noto Sans Mono\"/>");
	if (style & MD_BOLD)
		buf_puts(b, "<w:b/><w:bCs/>");
	if (style & MD_ITALIC)
		buf_puts(b, "<w:i/><w:iCs/>");
	if (lang_is_rtl(l))
		buf_puts(b, "<w:rtl/>");
	buf_printf(b, "<w:lang w:val=\"%s\" w:eastAsia=\"%s\" w:bidi=\"%s\"/>", word_lang(l),
		   l == LANG_ZH ? "zh-CN" : word_lang(l), lang_is_rtl(l) ? word_lang(l) : "ar-SA");
	buf_puts(b, "</w:rPr>");
}

/* One run; a newline in text becomes a line break. */
static void
run(struct buf *b, enum lang l, unsigned style, const char *text)
{
	const char *nl;

	buf_puts(b, "<w:r>");
	run_props(b, l, style);
	while ((nl = strchr(text, '\n')) != NULL) {
		char *part = strndup(text, (size_t)(nl - text));

		if (part == NULL) {
			b->failed = 1;
			break;
		}
		buf_puts(b, "<w:t xml:space=\"preserve\">");
		xml_text(b, part);
		buf_puts(b, "</w:t><w:br/>");
		free(part);
		text = nl + 1;
	}
	buf_puts(b, "<w:t xml:space=\"preserve\">");
	xml_text(b, text);
	buf_puts(b, "</w:t></w:r>");
}

/* A paragraph's opening: its style, indentation (in twentieths of a point) and direction. */
static void
par_open(struct buf *b, const char *style, int indent_twips, int hanging_twips, enum lang l)
{
	buf_puts(b, "<w:p><w:pPr>");
	if (style != NULL)
		buf_printf(b, "<w:pStyle w:val=\"%s\"/>", style);
	if (lang_is_rtl(l))
		buf_puts(b, "<w:bidi/>");
	if (indent_twips > 0)
		buf_printf(b, "<w:ind w:left=\"%d\" w:hanging=\"%d\"/>", indent_twips, hanging_twips);
	buf_puts(b, "</w:pPr>");
}

static void
plain_par(struct buf *b, const char *style, enum lang l, unsigned run_style, const char *text)
{
	par_open(b, style, 0, 0, l);
	run(b, l, run_style, text);
	buf_puts(b, "</w:p>");
}

static int
markdown(struct buf *b, const char *md, enum lang l)
{
	struct arena *a = arena_new();
	struct md_par *pars = NULL;
	int n;

	if (a == NULL)
		return -1;
	if ((n = md_flatten(a, md, &pars)) < 0) {
		arena_free(a);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const struct md_par *p = &pars[i];
		const char *style = p->kind == MD_HEADING ? "Heading4" : p->kind == MD_CODE_BLOCK ? "Code" : NULL;

		par_open(b, style, p->indent * 567, p->prefix ? 340 : 0, l);
		if (p->prefix != NULL) {
			run(b, l, 0, p->prefix);
			buf_puts(b, "<w:r><w:tab/></w:r>");
		}
		for (int k = 0; k < p->nruns; k++)
			run(b, l, p->runs[k].style, p->runs[k].text);
		buf_puts(b, "</w:p>");
	}
	arena_free(a);
	return 0;
}

static int
document(struct buf *b, const struct report *rp)
{
	buf_puts(b, XML_HEAD "<w:document " W_NS "><w:body>");
	for (int i = 0; i < rp->nblocks; i++) {
		const struct report_block *k = &rp->blocks[i];

		switch (k->kind) {
		case RB_TITLE:
			plain_par(b, "Title", k->lang, 0, k->text);
			break;
		case RB_SUBTITLE:
			plain_par(b, "Subtitle", k->lang, 0, k->text);
			break;
		case RB_H1:
			plain_par(b, "Heading1", k->lang, 0, k->text);
			break;
		case RB_H2:
			plain_par(b, "Heading2", k->lang, 0, k->text);
			break;
		case RB_H3:
			plain_par(b, "Heading3", k->lang, 0, k->text);
			break;
		case RB_PARA:
			plain_par(b, NULL, k->lang, 0, k->text);
			break;
		case RB_NOTE:
			plain_par(b, NULL, k->lang, MD_ITALIC, k->text);
			break;
		case RB_ITEM:
			par_open(b, "Outcome", 0, 0, k->lang);
			run(b, k->lang, 0, k->label ? k->label : "");
			buf_puts(b, "<w:r><w:tab/></w:r>");
			run(b, k->lang, 0, k->text);
			buf_puts(b, "</w:p>");
			break;
		case RB_MARKDOWN:
			if (markdown(b, k->text, k->lang) != 0)
				return -1;
			break;
		}
	}
	/* A4, 2 cm margins, with the header and footer below */
	buf_puts(b, "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rId2\"/>"
		    "<w:footerReference w:type=\"default\" r:id=\"rId3\"/>");
	if (lang_is_rtl(rp->lang))
		buf_puts(b, "<w:bidi/>");
	buf_puts(b, "<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"
		    "<w:pgMar w:top=\"1134\" w:right=\"1134\" w:bottom=\"1134\" w:left=\"1134\" w:header=\"567\" "
		    "w:footer=\"567\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>");
	return b->failed ? -1 : 0;
}

static void
styles(struct buf *b, const struct report *rp)
{
	static const struct { const char *id, *name; int size, outline; } heads[] = {
		{ "Title", "Title", 36, -1 }, { "Subtitle", "Subtitle", 24, -1 },
		{ "Heading1", "heading 1", 30, 0 }, { "Heading2", "heading 2", 26, 1 },
		{ "Heading3", "heading 3", 23, 2 }, { "Heading4", "heading 4", 22, 3 },
	};
	const char *lang = word_lang(rp->lang);

	buf_puts(b, XML_HEAD "<w:styles " W_NS "><w:docDefaults><w:rPrDefault><w:rPr>" FONTS);
	buf_printf(b, "<w:sz w:val=\"22\"/><w:szCs w:val=\"22\"/><w:lang w:val=\"%s\" w:eastAsia=\"zh-CN\" "
		      "w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"120\" "
		      "w:line=\"276\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>",
		   lang);
	buf_puts(b, "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/>"
		    "<w:qFormat/></w:style>");
	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		buf_printf(b, "<w:style w:type=\"paragraph\" w:styleId=\"%s\"><w:name w:val=\"%s\"/>"
			      "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/>"
			      "<w:spacing w:before=\"240\" w:after=\"120\"/>",
			   heads[i].id, heads[i].name);
		if (heads[i].outline >= 0)
			buf_printf(b, "<w:outlineLvl w:val=\"%d\"/>", heads[i].outline);
		buf_printf(b, "</w:pPr><w:rPr><w:b/><w:bCs/><w:sz w:val=\"%d\"/><w:szCs w:val=\"%d\"/></w:rPr></w:style>",
			   heads[i].size, heads[i].size);
	}
	buf_puts(b, "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"Outcome\"><w:name w:val=\"Outcome\"/>"
		    "<w:basedOn w:val=\"Normal\"/><w:pPr><w:ind w:left=\"567\" w:hanging=\"567\"/></w:pPr></w:style>"
		    "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"Code\"><w:name w:val=\"Code\"/>"
		    "<w:basedOn w:val=\"Normal\"/><w:rPr><w:rFonts w:ascii=\"Noto Sans Mono\" w:hAnsi=\"Noto Sans Mono\"/>"
		    "<w:sz w:val=\"20\"/></w:rPr></w:style>"
		    "<w:style w:type=\"paragraph\" w:styleId=\"Header\"><w:name w:val=\"header\"/>"
		    "<w:basedOn w:val=\"Normal\"/></w:style>"
		    "<w:style w:type=\"paragraph\" w:styleId=\"Footer\"><w:name w:val=\"footer\"/>"
		    "<w:basedOn w:val=\"Normal\"/></w:style></w:styles>");
}

/* The header: the symbol at the end of the line; the footer: the page number, centred. */
static void
header(struct buf *b, const struct report *rp)
{
	buf_puts(b, XML_HEAD "<w:hdr " W_NS "><w:p><w:pPr><w:pStyle w:val=\"Header\"/>");
	if (lang_is_rtl(rp->lang))
		buf_puts(b, "<w:bidi/>");
	buf_puts(b, "<w:jc w:val=\"right\"/></w:pPr>");
	run(b, LANG_EN, MD_BOLD, rp->symbol);
	buf_puts(b, "</w:p></w:hdr>");
}

static void
footer(struct buf *b)
{
	buf_puts(b, XML_HEAD "<w:ftr " W_NS "><w:p><w:pPr><w:pStyle w:val=\"Footer\"/><w:jc w:val=\"center\"/>"
		    "</w:pPr><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\">"
		    " PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t>"
		    "</w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p></w:ftr>");
}

/* Adds a part from a buffer libzip frees (it takes data's ownership on success). */
static int
part(zip_t *z, const char *name, char *data, size_t len, struct err *e)
{
	zip_source_t *s = zip_source_buffer(z, data, len, 1);

	if (s == NULL) {
		free(data);
		return err_set(e, ERR_INTERNAL, "cannot add %s to the DOCX", name);
	}
	if (zip_file_add(z, name, s, ZIP_FL_ENC_UTF_8) < 0) {
		zip_source_free(s);
		return err_set(e, ERR_INTERNAL, "cannot add %s to the DOCX", name);
	}
	return 0;
}

static int
part_const(zip_t *z, const char *name, const char *text, struct err *e)
{
	char *copy = strdup(text);

	if (copy == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	return part(z, name, copy, strlen(copy), e);
}

static int
part_buf(zip_t *z, const char *name, struct buf *b, struct err *e)
{
	size_t len;
	char *data;

	if (b->failed) {
		buf_free(b);
		return err_set(e, ERR_BUSY, "out of memory");
	}
	data = buf_detach(b, &len);
	return part(z, name, data, len, e);
}

int
report_render_docx(const struct report *rp, struct buf *out, struct err *e)
{
	zip_error_t ze;
	zip_source_t *src = NULL;
	zip_t *z = NULL;
	struct buf b;
	zip_stat_t st;
	char chunk[16384];
	zip_int64_t got;
	int rc = -1;

	zip_error_init(&ze);
	if ((src = zip_source_buffer_create(NULL, 0, 0, &ze)) == NULL ||
	    (z = zip_open_from_source(src, ZIP_TRUNCATE, &ze)) == NULL) {
		err_set(e, ERR_INTERNAL, "cannot make the DOCX: %s", zip_error_strerror(&ze));
		goto out;
	}
	zip_source_keep(src);	/* read back after zip_close */
	buf_init(&b);
	if (part_const(z, "[Content_Types].xml", CONTENT_TYPES, e) != 0 || part_const(z, "_rels/.rels", RELS, e) != 0 ||
	    part_const(z, "word/_rels/document.xml.rels", DOC_RELS, e) != 0)
		goto out;
	if (document(&b, rp) != 0) {
		buf_free(&b);
		err_set(e, ERR_BUSY, "out of memory");
		goto out;
	}
	if (part_buf(z, "word/document.xml", &b, e) != 0)
		goto out;
	styles(&b, rp);
	if (part_buf(z, "word/styles.xml", &b, e) != 0)
		goto out;
	header(&b, rp);
	if (part_buf(z, "word/header1.xml", &b, e) != 0)
		goto out;
	footer(&b);
	if (part_buf(z, "word/footer1.xml", &b, e) != 0)
		goto out;
	if (zip_close(z) != 0) {
		err_set(e, ERR_INTERNAL, "cannot make the DOCX: %s", zip_strerror(z));
		goto out;
	}
	z = NULL;
	if (zip_source_stat(src, &st) != 0 || zip_source_open(src) != 0) {
		err_set(e, ERR_INTERNAL, "cannot read the DOCX back");
		goto out;
	}
	while ((got = zip_source_read(src, chunk, sizeof(chunk))) > 0)
		buf_add(out, chunk, (size_t)got);
	zip_source_close(src);
	if (got < 0 || out->failed) {
		err_set(e, ERR_BUSY, "cannot read the DOCX back");
		goto out;
	}
	rc = 0;
out:
	if (z != NULL)
		zip_discard(z);
	if (src != NULL)
		zip_source_free(src);
	zip_error_fini(&ze);
	return rc;
}
