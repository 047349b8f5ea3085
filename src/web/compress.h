/* compress.h: the weight of an answer on the wire: gzip when the client accepts it (zlib), a
 * strong ETag of the body and If-None-Match (docs/WEB.md). No HTTP library in here: server.c
 * asks these and builds the libmicrohttpd response. */
#ifndef AGORA_COMPRESS_H
#define AGORA_COMPRESS_H
#include <stddef.h>

#include "../util/buf.h"

/* Bodies smaller than this are sent as they are: gzip's header and the packet would eat it. */
#define COMPRESS_MIN_BYTES 1024
/* '"' + 32 hex digits + "-gz" + '"' + NUL, with room to spare. */
#define COMPRESS_ETAG_MAX 48

/* 1 when the Accept-Encoding value (NULL: none sent) accepts gzip with a q-value above 0:
 * "gzip", "x-gzip" or "*" not refused by an explicit "gzip;q=0". */
int compress_accepts_gzip(const char *accept_encoding);
/* 1 when a body of this Content-Type is text worth compressing (HTML, CSS, JSON, XML, Atom,
 * iCalendar, plain text, SVG, CSV); 0 for everything else (already compressed formats). */
int compress_type_ok(const char *content_type);
/* The strong entity tag of the identity body, quoted: "<32 hex digits of BLAKE2b-128>". The
 * gzip variant is another representation, so it gets another strong tag: the same hex with
 * "-gz" before the closing quote (gz != 0). */
void compress_etag(const void *body, size_t len, int gz, char out[COMPRESS_ETAG_MAX]);
/* 1 when If-None-Match (a list of entity tags, or "*") matches etag under the weak
 * comparison RFC 9110 13.1.2 asks for GET and HEAD: W/ prefixes are ignored on both sides. A
 * malformed list matches nothing. */
int compress_etag_match(const char *if_none_match, const char *etag);
/* Appends the gzip encoding (RFC 1952) of in to out; 0 on success, -1 on failure (out is then
 * left as it was). */
int compress_gzip(const void *in, size_t len, struct buf *out);

#endif
