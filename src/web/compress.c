/* compress.c: gzip (zlib), entity tags and the parsing of Accept-Encoding and If-None-Match. */
#include "compress.h"

#include <sodium.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

static const char *
skip_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* A qvalue (RFC 9110 12.4.2) in thousandths, 0..1000, or -1 when malformed. */
static int
parse_qvalue(const char *p, size_t n)
{
	int q, scale = 100;
	size_t i;

	if (n == 0 || (p[0] != '0' && p[0] != '1'))
		return -1;
	q = (p[0] - '0') * 1000;
	if (n == 1)
		return q;
	if (p[1] != '.' || n > 5)
		return -1;
	for (i = 2; i < n; i++, scale /= 10) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		q += (p[i] - '0') * scale;
	}
	return q > 1000 ? -1 : q;
}

/* The weight of one list element's parameters ("; q=0.5"): 1000 without q, -1 malformed. */
static int
element_weight(const char *p, const char *end)
{
	int q = 1000;

	while (p < end) {
		const char *semi, *eq, *v, *vend;
		p = skip_ows(p);
		if (p >= end)
			break;
		if (*p != ';')
			return -1;
		p = skip_ows(p + 1);
		semi = memchr(p, ';', (size_t)(end - p));
		vend = semi ? semi : end;
		eq = memchr(p, '=', (size_t)(vend - p));
		if (eq != NULL && eq - p == 1 && (*p == 'q' || *p == 'Q')) {
			v = skip_ows(eq + 1);
			while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t'))
				vend--;
			if ((q = parse_qvalue(v, (size_t)(vend - v))) < 0)
				return -1;
		}
		p = semi ? semi : end;	/* other parameters: ignored */
	}
	return q;
}

int
compress_accepts_gzip(const char *ae)
{
	int gzip_q = -1, star_q = -1;
	const char *p = ae;

	if (ae == NULL)
		return 0;
	while (*p) {
		const char *comma = strchr(p, ','), *end = comma ? comma : p + strlen(p), *tok;
		size_t n;
		int q;
		p = skip_ows(p);
		tok = p;
		while (p < end && *p != ';' && *p != ' ' && *p != '\t')
			p++;
		n = (size_t)(p - tok);
		q = element_weight(p, end);
		if (n > 0 && q >= 0) {
			if ((n == 4 && strncasecmp(tok, "gzip", 4) == 0) || (n == 6 && strncasecmp(tok, "x-gzip", 6) == 0))
				gzip_q = q > gzip_q ? q : gzip_q;
			else if (n == 1 && *tok == '*')
				star_q = q;
		}
		p = comma ? comma + 1 : end;
	}
	return gzip_q >= 0 ? gzip_q > 0 : star_q > 0;
}

int
compress_type_ok(const char *ct)
{
	static const char *const types[] = {
		"text/html", "text/css", "text/plain", "text/calendar", "text/csv", "text/xml",
		"application/json", "application/problem+json", "application/xml", "application/atom+xml",
		"image/svg+xml",
	};
	size_t n;

	if (ct == NULL)
		return 0;
	n = strcspn(ct, "; ");
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strlen(types[i]) == n && strncasecmp(ct, types[i], n) == 0)
			return 1;
	return 0;
}

void
compress_etag(const void *body, size_t len, int gz, char out[COMPRESS_ETAG_MAX])
{
	unsigned char h[16];
	char hex[33];

	crypto_generichash(h, sizeof(h), body, len, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	out[0] = '"';
	memcpy(out + 1, hex, 32);
	strcpy(out + 33, gz ? "-gz\"" : "\"");
}

/* The opaque part of a tag (between the quotes, W/ dropped); NULL when it is not a tag. */
static const char *
opaque(const char *t, size_t *n)
{
	const char *end;

	if (t[0] == 'W' && t[1] == '/')
		t += 2;
	if (*t != '"' || (end = strchr(t + 1, '"')) == NULL)
		return NULL;
	*n = (size_t)(end - t - 1);
	return t + 1;
}

int
compress_etag_match(const char *inm, const char *etag)
{
	const char *mine, *p;
	size_t mine_n, n;

	if (inm == NULL || (mine = opaque(etag, &mine_n)) == NULL)
		return 0;
	p = skip_ows(inm);
	if (*p == '*')
		return *skip_ows(p + 1) == '\0';
	while (*p) {
		const char *o = opaque(p, &n);
		if (o == NULL)
			return 0;	/* malformed: no match, the full answer is always safe */
		if (n == mine_n && memcmp(o, mine, n) == 0)
			return 1;
		p = skip_ows(o + n + 1);
		if (*p != ',' && *p != '\0')
			return 0;
		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
	}
	return 0;
}

int
compress_gzip(const void *in, size_t len, struct buf *out)
{
	z_stream z;
	size_t start = out->len, bound;
	int rc;

	if (len > (size_t)1 << 30)
		return -1;	/* pages are kilobytes: this is not one */
	memset(&z, 0, sizeof(z));
	/* windowBits 15 + 16: a gzip wrapper (RFC 1952), not zlib's; level 6, zlib's default. */
	if (deflateInit2(&z, 6, Z_DEFLATED, MAX_WBITS + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	bound = deflateBound(&z, (uLong)len);
	if (buf_reserve(out, bound + 1) != 0 || out->failed) {
		deflateEnd(&z);
		return -1;
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out->data + start;
	z.avail_out = (uInt)bound;
	rc = deflate(&z, Z_FINISH);
	if (rc != Z_STREAM_END) {
		deflateEnd(&z);
		return -1;
	}
	out->len = start + z.total_out;
	out->data[out->len] = '\0';
	deflateEnd(&z);
	return 0;
}
