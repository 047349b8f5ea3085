/* fuzz_office.c: the DOCX and ODT text extractor (src/extract/office.c) on any bytes, through
 * extract_file, the function `agora worker extract` runs in its sandboxed child. The first byte
 * picks the case: 0 the rest is a .docx file, 1 a .odt file (zip parsing, the size and ratio caps),
 * 2 the rest is word/document.xml and 3 content.xml inside a zip the harness makes (the XML walk).
 * What comes out is valid UTF-8 without NUL; a file refused says why. */
#include <fcntl.h>
#include <unistd.h>
#include <zip.h>

#include "extract/extract.h"
#include "fuzz.h"
#include "fuzz_dir.h"
#include "util/err.h"
#include "util/str.h"

#define DOCX "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define ODT "application/vnd.oasis.opendocument.text"

static char path[96];	/* the file extract_file reads */
static int out_fd = -1;	/* where it writes the text */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = fuzz_dir("fuzz_office");
	char out[96];

	snprintf(path, sizeof(path), "%s/in", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	if ((out_fd = open(out, O_RDWR | O_CREAT | O_TRUNC, 0600)) < 0)
		abort();
	return 0;
}

/* Writes len bytes to path as they are. */
static void
write_raw(const uint8_t *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || (len > 0 && write(fd, data, len) != (ssize_t)len) || close(fd) != 0)
		abort();
}

/* Writes a zip holding member (the len bytes, deflated) to path. */
static void
write_zip(const char *member, const uint8_t *data, size_t len)
{
	zip_source_t *src;
	zip_t *z;
	int zerr;

	unlink(path);
	if ((z = zip_open(path, ZIP_CREATE | ZIP_EXCL, &zerr)) == NULL ||
	    (src = zip_source_buffer(z, len ? data : (const uint8_t *)"", len, 0)) == NULL)
		abort();
	if (zip_file_add(z, member, src, ZIP_FL_ENC_UTF_8) < 0) {
		zip_source_free(src);
		abort();
	}
	if (zip_close(z) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum extract_status s;
	const char *type;
	char *text;
	off_t n;
	struct err e;

	if (size < 1)
		return 0;
	switch (data[0] & 3) {
	case 0: type = DOCX; write_raw(data + 1, size - 1); break;
	case 1: type = ODT; write_raw(data + 1, size - 1); break;
	case 2: type = DOCX; write_zip("word/document.xml", data + 1, size - 1); break;
	default: type = ODT; write_zip("content.xml", data + 1, size - 1); break;
	}
	if (ftruncate(out_fd, 0) != 0 || lseek(out_fd, 0, SEEK_SET) != 0)
		abort();
	memset(&e, 0, sizeof(e));
	s = extract_file(path, type, out_fd, &e);
	FUZZ_CHECK(s == EXTRACT_OK || s == EXTRACT_FAILED, "status %d for %s", (int)s, type);
	if ((n = lseek(out_fd, 0, SEEK_CUR)) < 0)
		abort();
	FUZZ_CHECK((size_t)n <= EXTRACT_MAX_TEXT, "%lld bytes of text", (long long)n);
	if (s == EXTRACT_FAILED)
		FUZZ_CHECK(e.msg[0] != '\0', "a refused file has no message");
	if ((text = malloc((size_t)n + 1)) == NULL || pread(out_fd, text, (size_t)n, 0) != n)
		abort();
	FUZZ_CHECK(n == 0 || utf8_valid(text, (size_t)n), "the text (%lld bytes) is not valid UTF-8 "
		   "without NUL", (long long)n);
	free(text);
	return 0;
}
