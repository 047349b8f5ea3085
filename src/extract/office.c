/* office.c: the text of DOCX (word/document.xml) and ODT (content.xml) with libzip and libxml2.
 *
 * Both are zip files of untrusted XML. The XML part is inflated only after zip_stat says how big
 * it is, into a buffer of that size (never more: a lying header is caught, not obeyed); a part too
 * large, or inflating too much from too little, is refused as a zip bomb before anything is
 * inflated. libxml2 parses with XML_PARSE_NONET and without XML_PARSE_NOENT or XML_PARSE_DTDLOAD:
 * entities are not expanded (an entity reference is skipped, so "billion laughs" stays small) and
 * nothing is fetched; the worker also installs an entity loader that refuses every URL. */
#include "extract_int.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define TEXT_NS "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define RATIO_FLOOR (1u << 20)	/* parts below this size are not judged by their ratio */
#define ODT_MAX_SPACES 64	/* text:s c="N" is honoured up to this */

/* Refuses every external entity or DTD: nothing is read from the network or the disk. */
static xmlParserInputPtr
refuse_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

static void
quiet_errors(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* Reads the zip member name into a malloc'd buffer (*len bytes), within the caps. */
static int
zip_member(const char *path, const char *name, char **data, size_t *len, struct err *e)
{
	zip_t *z;
	zip_file_t *f = NULL;
	zip_stat_t st;
	char *buf = NULL, extra;
	zip_int64_t got;
	size_t n = 0;
	int zerr = 0, rc = -1;

	if ((z = zip_open(path, ZIP_RDONLY, &zerr)) == NULL)
		return err_set(e, ERR_INVALID, "not a readable zip file (libzip error %d)", zerr);
	zip_stat_init(&st);
	if (zip_stat(z, name, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE)) {
		err_set(e, ERR_INVALID, "the file has no %s", name);
		goto out;
	}
	if (st.size > OFFICE_MAX_XML) {
		err_set(e, ERR_INVALID, "%s would inflate to %llu bytes (at most %u)", name,
			(unsigned long long)st.size, OFFICE_MAX_XML);
		goto out;
	}
	if (st.size > RATIO_FLOOR && st.size / (st.comp_size > 0 ? st.comp_size : 1) > OFFICE_MAX_RATIO) {
		err_set(e, ERR_INVALID, "%s inflates %llu times: refused as a zip bomb", name,
			(unsigned long long)(st.size / (st.comp_size > 0 ? st.comp_size : 1)));
		goto out;
	}
	if ((buf = malloc((size_t)st.size + 1)) == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	if ((f = zip_fopen(z, name, 0)) == NULL) {
		err_set(e, ERR_INVALID, "cannot open %s: %s", name, zip_strerror(z));
		goto out;
	}
	while (n < st.size) {
		if ((got = zip_fread(f, buf + n, st.size - n)) < 0) {
			err_set(e, ERR_INVALID, "damaged %s: %s", name, zip_file_strerror(f));
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	/* More data than the header said: a lie, refused rather than followed. */
	if (n != st.size || zip_fread(f, &extra, 1) != 0) {
		err_set(e, ERR_INVALID, "%s is not the size its header says", name);
		goto out;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	buf = NULL;
	rc = 0;
out:
	if (f != NULL)
		zip_fclose(f);
	zip_discard(z);
	free(buf);
	return rc;
}

static xmlDocPtr
parse_xml(const char *data, size_t len, const char *name, struct err *e)
{
	xmlDocPtr doc;

	xmlSetExternalEntityLoader(refuse_loader);
	xmlSetGenericErrorFunc(NULL, quiet_errors);
	/* NONET; no NOENT (entities stay references), no DTDLOAD, no HUGE (libxml2's size limits). */
	doc = xmlReadMemory(data, (int)len, name, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL)
		err_set(e, ERR_INVALID, "%s is not well-formed XML", name);
	return doc;
}

static int
is_elem(const xmlNode *n, const char *ns, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns != NULL && n->ns->href != NULL &&
	       strcmp((const char *)n->ns->href, ns) == 0 && strcmp((const char *)n->name, name) == 0;
}

/* The text children of n (text and CDATA; entity references are skipped, never expanded). */
static int
write_text_children(const xmlNode *n, struct xout *o)
{
	for (const xmlNode *c = n->children; c != NULL; c = c->next)
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content != NULL &&
		    xout_puts(o, (const char *)c->content) != 0)
			return -1;
	return 0;
}

/* What a DOCX element adds when it opens: its text or a separator. -1 when the output is full. */
static int
docx_open(const xmlNode *n, struct xout *o, int *descend)
{
	*descend = 1;
	if (is_elem(n, W_NS, "t")) {
		*descend = 0;
		return write_text_children(n, o);
	}
	/* Deleted text and field codes are not what the document says. */
	if (is_elem(n, W_NS, "delText") || is_elem(n, W_NS, "instrText")) {
		*descend = 0;
		return 0;
	}
	if (is_elem(n, W_NS, "tab"))
		return xout_write(o, "\t", 1);
	if (is_elem(n, W_NS, "br") || is_elem(n, W_NS, "cr"))
		return xout_write(o, "\n", 1);
	return 0;
}

static int
docx_close(const xmlNode *n, struct xout *o)
{
	return is_elem(n, W_NS, "p") ? xout_write(o, "\n", 1) : 0;
}

static int
odt_open(const xmlNode *n, struct xout *o, int *descend)
{
	*descend = 1;
	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		/* Only text inside a paragraph or heading: the rest is styles and declarations. */
		for (const xmlNode *p = n->parent; p != NULL; p = p->parent)
			if (is_elem(p, TEXT_NS, "p") || is_elem(p, TEXT_NS, "h"))
				return n->content != NULL ? xout_puts(o, (const char *)n->content) : 0;
		return 0;
	}
	/* Tracked changes hold deleted text; notes' citations are only numbers. */
	if (is_elem(n, TEXT_NS, "tracked-changes") || is_elem(n, TEXT_NS, "note-citation")) {
		*descend = 0;
		return 0;
	}
	if (is_elem(n, TEXT_NS, "tab"))
		return xout_write(o, "\t", 1);
	if (is_elem(n, TEXT_NS, "line-break"))
		return xout_write(o, "\n", 1);
	if (is_elem(n, TEXT_NS, "s")) {
		xmlChar *c = xmlGetNsProp(n, (const xmlChar *)"c", (const xmlChar *)TEXT_NS);
		long k = c != NULL ? strtol((const char *)c, NULL, 10) : 1;

		xmlFree(c);
		if (k < 1)
			k = 1;
		if (k > ODT_MAX_SPACES)
			k = ODT_MAX_SPACES;
		for (long i = 0; i < k; i++)
			if (xout_write(o, " ", 1) != 0)
				return -1;
	}
	return 0;
}

static int
odt_close(const xmlNode *n, struct xout *o)
{
	return is_elem(n, TEXT_NS, "p") || is_elem(n, TEXT_NS, "h") ? xout_write(o, "\n", 1) : 0;
}

/* Walks the tree without recursion (a deep document cannot exhaust the stack). */
static void
walk(const xmlNode *root, struct xout *o, int (*open_fn)(const xmlNode *, struct xout *, int *),
     int (*close_fn)(const xmlNode *, struct xout *))
{
	const xmlNode *n = root;
	int descend;

	while (n != NULL) {
		if (open_fn(n, o, &descend) != 0)
			return;
		if (descend && n->type == XML_ELEMENT_NODE && n->children != NULL) {
			n = n->children;
			continue;
		}
		/* Leave n, and every ancestor whose last child this was. */
		for (;;) {
			if (n->type == XML_ELEMENT_NODE && close_fn(n, o) != 0)
				return;
			if (n == root)
				return;
			if (n->next != NULL) {
				n = n->next;
				break;
			}
			n = n->parent;
			if (n == NULL)
				return;
		}
	}
}

static enum extract_status
office_extract(const char *path, const char *member, struct xout *o, struct err *e,
	       int (*open_fn)(const xmlNode *, struct xout *, int *), int (*close_fn)(const xmlNode *, struct xout *))
{
	xmlDocPtr doc;
	char *data = NULL;
	size_t len = 0;
	xmlNodePtr root;

	if (zip_member(path, member, &data, &len, e) != 0)
		return EXTRACT_FAILED;
	doc = parse_xml(data, len, member, e);
	free(data);
	if (doc == NULL)
		return EXTRACT_FAILED;
	if ((root = xmlDocGetRootElement(doc)) != NULL)
		walk(root, o, open_fn, close_fn);
	xmlFreeDoc(doc);
	if (o->failed) {
		err_set(e, ERR_INTERNAL, "cannot write the text");
		return EXTRACT_FAILED;
	}
	return EXTRACT_OK;
}

enum extract_status
docx_extract(const char *path, struct xout *o, struct err *e)
{
	return office_extract(path, "word/document.xml", o, e, docx_open, docx_close);
}

enum extract_status
odt_extract(const char *path, struct xout *o, struct err *e)
{
	return office_extract(path, "content.xml", o, e, odt_open, odt_close);
}
