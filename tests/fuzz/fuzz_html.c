/* fuzz_html.c: the escaping writers give back exactly their input once unescaped and contain no
 * markup; html_markdown (cmark, safe mode) writes only cmark's own tags, no script and no
 * dangerous link. */
#include <ctype.h>
#include <strings.h>

#include "fuzz.h"
#include "web/html.h"

static const struct {
	const char *entity;
	char c;
} entities[] = {
	{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&#39;", '\'' },
};

/* out (from html_text or html_attr) has no < > " ' and no bare &, and decodes back to in. */
static void
check_escaped(const char *fn, const char *out, size_t outlen, const char *in, size_t inlen)
{
	size_t i = 0, j = 0;

	while (i < outlen) {
		char c = out[i];
		FUZZ_CHECK(c != '<' && c != '>' && c != '"' && c != '\'',
			   "%s wrote '%c' at byte %zu", fn, c, i);
		if (c == '&') {
			size_t k, n = 0;
			for (k = 0; k < sizeof(entities) / sizeof(entities[0]); k++) {
				n = strlen(entities[k].entity);
				if (outlen - i >= n && memcmp(out + i, entities[k].entity, n) == 0)
					break;
			}
			FUZZ_CHECK(k < sizeof(entities) / sizeof(entities[0]),
				   "%s wrote a bare & at byte %zu", fn, i);
			c = entities[k].c;
			i += n;
		} else {
			i++;
		}
		FUZZ_CHECK(j < inlen && in[j] == c, "%s: output does not decode to the input (byte %zu)",
			   fn, j);
		j++;
	}
	FUZZ_CHECK(j == inlen, "%s: output decodes to %zu of the %zu input bytes", fn, j, inlen);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;	/* lower case is not what html_url writes */
}

/* out (from html_url) is only [A-Za-z0-9-._~] and %XX, and decodes back to in. */
static void
check_url(const char *out, size_t outlen, const char *in)
{
	size_t i = 0, j = 0, inlen = strlen(in);

	while (i < outlen) {
		unsigned char c = (unsigned char)out[i];
		if (c == '%') {
			FUZZ_CHECK(outlen - i >= 3 && hexval(out[i + 1]) >= 0 && hexval(out[i + 2]) >= 0,
				   "html_url wrote a bad %% escape at byte %zu", i);
			c = (unsigned char)(hexval(out[i + 1]) * 16 + hexval(out[i + 2]));
			i += 3;
		} else {
			FUZZ_CHECK(isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~',
				   "html_url wrote 0x%02x at byte %zu", c, i);
			i++;
		}
		FUZZ_CHECK(j < inlen && (unsigned char)in[j] == c,
			   "html_url: output does not decode to the input (byte %zu)", j);
		j++;
	}
	FUZZ_CHECK(j == inlen, "html_url: output decodes to %zu of the %zu input bytes", j, inlen);
}

static int
in_list(const char *name, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && memcmp(*list, name, n) == 0)
			return 1;
	return 0;
}

/* A URL in an href or src as a browser reads its scheme: entities decoded, leading spaces and
 * controls dropped, tabs and newlines removed, lower case. */
static void
check_link(const char *v, size_t n)
{
	char url[64];
	size_t i = 0, m = 0;

	while (i < n && m < sizeof(url) - 1) {
		char c = v[i];
		if (c == '&') {
			size_t k = 0, len = 0;
			static const char *const more[] = { "&#x27;", "&#39;" };
			for (k = 0; k < sizeof(entities) / sizeof(entities[0]); k++) {
				len = strlen(entities[k].entity);
				if (n - i >= len && memcmp(v + i, entities[k].entity, len) == 0)
					break;
			}
			if (k < sizeof(entities) / sizeof(entities[0])) {
				c = entities[k].c;
			} else {
				for (k = 0; k < 2; k++) {
					len = strlen(more[k]);
					if (n - i >= len && memcmp(v + i, more[k], len) == 0)
						break;
				}
				FUZZ_CHECK(k < 2, "an unexpected entity in a link: %.*s", (int)n, v);
				c = '\'';
			}
			i += len;
		} else {
			i++;
		}
		if ((m == 0 && (unsigned char)c <= ' ') || c == '\t' || c == '\n' || c == '\r')
			continue;
		url[m++] = (char)tolower((unsigned char)c);
	}
	url[m] = '\0';
	FUZZ_CHECK(strncmp(url, "javascript:", 11) != 0 && strncmp(url, "vbscript:", 9) != 0 &&
		       strncmp(url, "file:", 5) != 0,
		   "a dangerous link: %.*s", (int)n, v);
	FUZZ_CHECK(strncmp(url, "data:", 5) != 0 || strncmp(url, "data:image/png", 14) == 0 ||
		       strncmp(url, "data:image/gif", 14) == 0 ||
		       strncmp(url, "data:image/jpeg", 15) == 0 ||
		       strncmp(url, "data:image/webp", 15) == 0,
		   "a data: link that is not an image: %.*s", (int)n, v);
}

/* Every < and > of out belongs to a tag cmark itself writes, with only cmark's attributes. */
static void
check_markdown(const char *out, size_t len)
{
	static const char *const tags[] = { "p", "a", "img", "em", "strong", "code", "pre",
					    "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4",
					    "h5", "h6", "hr", "br", NULL };
	static const char *const attrs[] = { "href", "title", "src", "alt", "class", "start", NULL };
	static const char omitted[] = "<!-- raw HTML omitted -->";
	size_t i = 0;

	for (size_t k = 0; k + 7 <= len; k++)
		FUZZ_CHECK(strncasecmp(out + k, "<script", 7) != 0, "html_markdown wrote <script");
	while (i < len) {
		size_t p, name;
		FUZZ_CHECK(out[i] != '>', "html_markdown wrote a bare > at byte %zu", i);
		if (out[i] != '<') {
			i++;
			continue;
		}
		if (len - i >= sizeof(omitted) - 1 && memcmp(out + i, omitted, sizeof(omitted) - 1) == 0) {
			i += sizeof(omitted) - 1;
			continue;
		}
		p = i + 1;
		if (p < len && out[p] == '/')
			p++;
		for (name = p; p < len && (islower((unsigned char)out[p]) || isdigit((unsigned char)out[p])); p++)
			;
		FUZZ_CHECK(in_list(out + name, p - name, tags), "html_markdown wrote a tag <%.*s",
			   (int)(p - name), out + name);
		for (;;) {
			size_t an, anl, vs;
			FUZZ_CHECK(p < len, "html_markdown left a tag open");
			if (out[p] == '>')
				break;
			if (len - p >= 3 && memcmp(out + p, " />", 3) == 0) {
				p += 2;
				break;
			}
			FUZZ_CHECK(out[p] == ' ', "html_markdown wrote '%c' inside a tag", out[p]);
			for (an = ++p; p < len && islower((unsigned char)out[p]); p++)
				;
			anl = p - an;
			FUZZ_CHECK(in_list(out + an, p - an, attrs),
				   "html_markdown wrote an attribute %.*s", (int)(p - an), out + an);
			FUZZ_CHECK(len - p >= 2 && out[p] == '=' && out[p + 1] == '"',
				   "html_markdown wrote an attribute without a quoted value");
			for (vs = p += 2; p < len && out[p] != '"'; p++)
				FUZZ_CHECK(out[p] != '<' && out[p] != '>', "a < or > in an attribute");
			FUZZ_CHECK(p < len, "html_markdown left an attribute value open");
			if ((anl == 4 && memcmp(out + an, "href", 4) == 0) ||
			    (anl == 3 && memcmp(out + an, "src", 3) == 0))
				check_link(out + vs, p - vs);
			p++;	/* the closing quote */
		}
		i = p + 1;
	}
}

static void
run(const char *fn, void (*write)(struct buf *, const char *), const char *s, struct buf *b)
{
	buf_reset(b);
	write(b, s);
	FUZZ_CHECK(!b->failed, "%s: the buffer failed", fn);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	struct buf b;

	buf_init(&b);
	/* html_textn takes every byte, NUL included. */
	html_textn(&b, (const char *)data, size);
	FUZZ_CHECK(!b.failed, "html_textn: the buffer failed");
	check_escaped("html_textn", b.data, b.len, (const char *)data, size);
	run("html_text", html_text, s, &b);
	check_escaped("html_text", b.data, b.len, s, strlen(s));
	run("html_attr", html_attr, s, &b);
	check_escaped("html_attr", b.data, b.len, s, strlen(s));
	run("html_url", html_url, s, &b);
	check_url(b.data, b.len, s);
	run("html_markdown", html_markdown, s, &b);
	check_markdown(b.data, b.len);
	buf_free(&b);
	free(s);
	return 0;
}
