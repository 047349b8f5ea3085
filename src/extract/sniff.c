/* sniff.c: an attachment's type from libmagic's MIME type, one libmagic handle per thread. */
#include "sniff.h"

#include "../util/thread.h"

#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/log.h"
#include "../util/str.h"

/* Indexed by enum sniff_type. magic is what libmagic must report, exactly. */
static const struct {
	const char *magic;
	const char *media;
	const char *ext;
} types[] = {
	[SNIFF_OTHER] = { NULL, NULL, NULL },
	[SNIFF_PDF] = { "application/pdf", "application/pdf", "pdf" },
	[SNIFF_DOCX] = { "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx" },
	[SNIFF_ODT] = { "application/vnd.oasis.opendocument.text",
	    "application/vnd.oasis.opendocument.text", "odt" },
	[SNIFF_TXT] = { "text/plain", "text/plain; charset=utf-8", "txt" },
	[SNIFF_PNG] = { "image/png", "image/png", "png" },
	[SNIFF_JPEG] = { "image/jpeg", "image/jpeg", "jpg" },
};

#define TYPE_COUNT (sizeof(types) / sizeof(types[0]))

/* libmagic handles are not thread-safe: each thread opens its own on first use. */
static __thread magic_t thread_magic;

/* This thread's handle, opened and loaded on first use; NULL (logged) when libmagic fails. */
static magic_t
magic_handle(void)
{
	magic_t m;

	if (thread_magic != NULL)
		return thread_magic;
	if ((m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR)) == NULL) {
		log_error("msg=\"cannot open libmagic\" error=\"%s\"", strerror(errno));
		return NULL;
	}
	if (magic_load(m, NULL) != 0) {
		log_error("msg=\"cannot load the magic database\" error=\"%s\"", magic_error(m));
		magic_close(m);
		return NULL;
	}
	thread_magic = m;
	thread_atexit(sniff_thread_end);
	return m;
}

/* 1 when the regular file at path holds at most SNIFF_TEXT_MAX_BYTES of valid UTF-8, else 0. */
static int
text_utf8(const char *path)
{
	char *text = NULL;
	size_t len = 0, cap;
	struct stat st;
	ssize_t got;
	int fd, ok = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)) < 0)
		return 0;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > SNIFF_TEXT_MAX_BYTES)
		goto out;
	/* One byte more than fstat says, so a file that grew since is refused, not half read. */
	cap = (size_t)st.st_size + 1;
	if ((text = malloc(cap)) == NULL)
		goto out;
	while (len < cap) {
		got = read(fd, text + len, cap - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			goto out;
		if (got == 0)
			break;
		len += (size_t)got;
	}
	ok = len < cap && utf8_valid(text, len);
out:
	free(text);
	close(fd);
	return ok;
}

enum sniff_type
sniff_file(const char *path, char *mime, size_t n)
{
	const char *reported;
	magic_t m;
	size_t t;

	if (mime != NULL && n > 0)
		mime[0] = '\0';
	if ((m = magic_handle()) == NULL)
		return SNIFF_OTHER;
	if ((reported = magic_file(m, path)) == NULL) {
		log_warn("msg=\"cannot sniff a file\" path=\"%s\" error=\"%s\"", path, magic_error(m));
		return SNIFF_OTHER;
	}
	if (mime != NULL && n > 0)
		snprintf(mime, n, "%s", reported);
	for (t = 1; t < TYPE_COUNT; t++) {
		if (strcmp(reported, types[t].magic) != 0)
			continue;
		if (t == SNIFF_TXT && !text_utf8(path))
			return SNIFF_OTHER;
		return (enum sniff_type)t;
	}
	return SNIFF_OTHER;
}

const char *
sniff_media_type(enum sniff_type t)
{
	return (size_t)t < TYPE_COUNT ? types[t].media : NULL;
}

const char *
sniff_extension(enum sniff_type t)
{
	return (size_t)t < TYPE_COUNT ? types[t].ext : NULL;
}

void
sniff_thread_end(void)
{
	if (thread_magic != NULL)
		magic_close(thread_magic);
	thread_magic = NULL;
}
