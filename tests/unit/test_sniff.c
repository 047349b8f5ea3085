/* test_sniff.c: unit tests for content sniffing: each allowed type, its look-alikes, threads. */
#include "unit.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extract/sniff.h"

#define DOCX_MIME "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define ODT_MIME "application/vnd.oasis.opendocument.text"

static char dir[32];

static const char PDF[] =
	"%PDF-1.4\n"
	"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
	"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
	"trailer\n<< /Root 1 0 R >>\n%%EOF\n";

/* The signature and an IHDR chunk for a 1x1 RGBA image. */
static const unsigned char PNG[] = {
	0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
	0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0,
	0x1f, 0x15, 0xc4, 0x89,
};

/* SOI, a JFIF APP0 segment, EOI. */
static const unsigned char JPEG[] = {
	0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
	0xff, 0xd9,
};

static const unsigned char GIF[] = {
	'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0, 0, 0, ';',
};

/* A 64-byte ELF64 header: x86-64 executable, no program headers. */
static const unsigned char ELF[64] = {
	0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	2, 0, 0x3e, 0, 1, 0, 0, 0, 0, 0x10, 0x40, 0, 0, 0, 0, 0,
	64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 64, 0, 56, 0, 0, 0, 64, 0, 0, 0, 0, 0,
};

static const char UTF8_TEXT[] =
	"A consultation response.\n"
	/* مرحبا بالعالم */
	"\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7 "
	"\xd8\xa8\xd8\xa7\xd9\x84\xd8\xb9\xd8\xa7\xd9\x84\xd9\x85\n"
	/* 你好，世界 */
	"\xe4\xbd\xa0\xe5\xa5\xbd\xef\xbc\x8c\xe4\xb8\x96\xe7\x95\x8c\n";

static const char LATIN1_TEXT[] = "caf\xe9 au lait, cr\xe8me br\xfbl\xe9" "e\n";

static const char CONTENT_TYPES[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
	"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	"<Default Extension=\"rels\" "
	"ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	"<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	"<Override PartName=\"/word/document.xml\" "
	"ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml"
	".document.main+xml\"/>"
	"</Types>";

static const char RELS[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" "
	"Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	"/officeDocument\" "
	"Target=\"word/document.xml\"/></Relationships>";

static const char DOCUMENT[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
	"<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
	"<w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p></w:body></w:document>";

static const char MANIFEST[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" "
	"manifest:version=\"1.2\">"
	"<manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"" ODT_MIME "\"/>"
	"<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>"
	"</manifest:manifest>";

static const char CONTENT[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
	"xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">"
	"<office:body><office:text><text:p>Hello</text:p></office:text></office:body>"
	"</office:document-content>";

struct zip_entry {
	const char *name;
	const char *data;
};

static void
path_in_dir(char *path, size_t n, const char *name)
{
	snprintf(path, n, "%s/%s", dir, name);
}

static void
write_file(const char *name, const void *data, size_t len)
{
	char path[128];
	FILE *f;

	path_in_dir(path, sizeof(path), name);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static uint32_t
crc32(const char *data, size_t len)
{
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i < len; i++) {
		crc ^= (unsigned char)data[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

static void
put16(FILE *f, unsigned v)
{
	fputc(v & 0xff, f);
	fputc((v >> 8) & 0xff, f);
}

static void
put32(FILE *f, uint32_t v)
{
	put16(f, v & 0xffff);
	put16(f, v >> 16);
}

/* Writes a zip of stored (uncompressed) entries, in order, as Python's zipfile would. */
static void
write_zip(const char *name, const struct zip_entry *entries, size_t count)
{
	uint32_t offsets[16], cd_start, cd_end;
	char path[128];
	FILE *f;

	assert_true(count <= 16);
	path_in_dir(path, sizeof(path), name);
	assert_non_null(f = fopen(path, "wb"));
	for (size_t i = 0; i < count; i++) {
		size_t nlen = strlen(entries[i].name), dlen = strlen(entries[i].data);

		offsets[i] = (uint32_t)ftell(f);
		put32(f, 0x04034b50);
		put16(f, 20);	/* version needed */
		put16(f, 0);	/* flags */
		put16(f, 0);	/* stored */
		put16(f, 0);	/* time */
		put16(f, 0x21);	/* 1980-01-01 */
		put32(f, crc32(entries[i].data, dlen));
		put32(f, (uint32_t)dlen);
		put32(f, (uint32_t)dlen);
		put16(f, (unsigned)nlen);
		put16(f, 0);
		fwrite(entries[i].name, 1, nlen, f);
		fwrite(entries[i].data, 1, dlen, f);
	}
	cd_start = (uint32_t)ftell(f);
	for (size_t i = 0; i < count; i++) {
		size_t nlen = strlen(entries[i].name), dlen = strlen(entries[i].data);

		put32(f, 0x02014b50);
		put16(f, 20);	/* made by */
		put16(f, 20);	/* needed */
		put16(f, 0);
		put16(f, 0);
		put16(f, 0);
		put16(f, 0x21);
		put32(f, crc32(entries[i].data, dlen));
		put32(f, (uint32_t)dlen);
		put32(f, (uint32_t)dlen);
		put16(f, (unsigned)nlen);
		put16(f, 0);	/* extra */
		put16(f, 0);	/* comment */
		put16(f, 0);	/* disk */
		put16(f, 0);	/* internal attributes */
		put32(f, 0);	/* external attributes */
		put32(f, offsets[i]);
		fwrite(entries[i].name, 1, nlen, f);
	}
	cd_end = (uint32_t)ftell(f);
	put32(f, 0x06054b50);
	put16(f, 0);
	put16(f, 0);
	put16(f, (unsigned)count);
	put16(f, (unsigned)count);
	put32(f, cd_end - cd_start);
	put32(f, cd_start);
	put16(f, 0);
	assert_false(ferror(f));
	assert_int_equal(fclose(f), 0);
}

/* Sniffs name in the test folder, checks the type, the media type and what libmagic said. */
static void
check(const char *name, enum sniff_type want, const char *want_mime)
{
	char path[128], mime[128];
	enum sniff_type got;

	path_in_dir(path, sizeof(path), name);
	memset(mime, 'x', sizeof(mime));
	got = sniff_file(path, mime, sizeof(mime));
	if (got != want || strcmp(mime, want_mime) != 0)
		print_error("%s: got type %d mime %s\n", name, (int)got, mime);
	assert_int_equal(got, want);
	assert_string_equal(mime, want_mime);
	if (want == SNIFF_OTHER) {
		assert_null(sniff_media_type(got));
		assert_null(sniff_extension(got));
	}
}

static int
setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/agora-sniff-XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	sniff_thread_end();
	unit_rm_rf(dir);
	return 0;
}

static void
test_pdf(void **state)
{
	write_file("response.pdf", PDF, sizeof(PDF) - 1);
	check("response.pdf", SNIFF_PDF, "application/pdf");
	assert_string_equal(sniff_media_type(SNIFF_PDF), "application/pdf");
	assert_string_equal(sniff_extension(SNIFF_PDF), "pdf");
}

static void
test_png_named_pdf(void **state)
{
	write_file("scan.pdf", PNG, sizeof(PNG));
	check("scan.pdf", SNIFF_PNG, "image/png");
	assert_string_equal(sniff_media_type(SNIFF_PNG), "image/png");
	assert_string_equal(sniff_extension(SNIFF_PNG), "png");
}

static void
test_jpeg(void **state)
{
	write_file("photo", JPEG, sizeof(JPEG));
	check("photo", SNIFF_JPEG, "image/jpeg");
	assert_string_equal(sniff_media_type(SNIFF_JPEG), "image/jpeg");
	assert_string_equal(sniff_extension(SNIFF_JPEG), "jpg");
}

static void
test_text_utf8(void **state)
{
	write_file("note.txt", UTF8_TEXT, sizeof(UTF8_TEXT) - 1);
	check("note.txt", SNIFF_TXT, "text/plain");
	assert_string_equal(sniff_media_type(SNIFF_TXT), "text/plain; charset=utf-8");
	assert_string_equal(sniff_extension(SNIFF_TXT), "txt");
}

/* libmagic says text/plain for Latin-1 and UTF-16 too; only UTF-8 is TXT. */
static void
test_text_not_utf8(void **state)
{
	static const char utf16[] = "\xff\xfeh\0i\0\n\0";

	write_file("latin1.txt", LATIN1_TEXT, sizeof(LATIN1_TEXT) - 1);
	check("latin1.txt", SNIFF_OTHER, "text/plain");
	write_file("utf16.txt", utf16, sizeof(utf16) - 1);
	check("utf16.txt", SNIFF_OTHER, "text/plain");
}

/* The limit is inclusive: exactly SNIFF_TEXT_MAX_BYTES is TXT, one byte more is not. */
static void
test_text_size_limit(void **state)
{
	char *big = malloc(SNIFF_TEXT_MAX_BYTES + 1);

	assert_non_null(big);
	for (size_t i = 0; i < SNIFF_TEXT_MAX_BYTES + 1; i++)
		big[i] = (i % 64 == 63) ? '\n' : 'a';
	write_file("max.txt", big, SNIFF_TEXT_MAX_BYTES);
	check("max.txt", SNIFF_TXT, "text/plain");
	write_file("over.txt", big, SNIFF_TEXT_MAX_BYTES + 1);
	check("over.txt", SNIFF_OTHER, "text/plain");
	free(big);
}

static void
test_shell_script(void **state)
{
	static const char script[] = "#!/bin/sh\necho hello\n";

	write_file("script.txt", script, sizeof(script) - 1);
	check("script.txt", SNIFF_OTHER, "text/x-shellscript");
}

static void
test_elf(void **state)
{
	write_file("program.pdf", ELF, sizeof(ELF));
	check("program.pdf", SNIFF_OTHER, "application/x-executable");
}

static void
test_empty(void **state)
{
	write_file("empty.txt", "", 0);
	check("empty.txt", SNIFF_OTHER, "inode/x-empty");
}

static void
test_gif(void **state)
{
	write_file("image.png", GIF, sizeof(GIF));
	check("image.png", SNIFF_OTHER, "image/gif");
}

static void
test_zip_not_document(void **state)
{
	static const struct zip_entry plain[] = { { "hello.txt", "hello\n" } };

	write_zip("archive.docx", plain, 1);
	check("archive.docx", SNIFF_OTHER, "application/zip");
}

static void
test_docx(void **state)
{
	static const struct zip_entry docx[] = {
		{ "[Content_Types].xml", CONTENT_TYPES },
		{ "_rels/.rels", RELS },
		{ "word/document.xml", DOCUMENT },
	};

	write_zip("response.bin", docx, 3);
	check("response.bin", SNIFF_DOCX, DOCX_MIME);
	assert_string_equal(sniff_media_type(SNIFF_DOCX), DOCX_MIME);
	assert_string_equal(sniff_extension(SNIFF_DOCX), "docx");
}

/*
 * The same parts with _rels/.rels first: a valid package, but file 5.44 only says
 * application/zip, and we accept only what libmagic names. A newer libmagic may recognise it.
 */
static void
test_docx_unrecognised_order(void **state)
{
	static const struct zip_entry docx[] = {
		{ "_rels/.rels", RELS },
		{ "[Content_Types].xml", CONTENT_TYPES },
		{ "word/document.xml", DOCUMENT },
	};

	write_zip("rels-first.docx", docx, 3);
	check("rels-first.docx", SNIFF_OTHER, "application/zip");
}

static void
test_xlsx_is_other(void **state)
{
	static const struct zip_entry xlsx[] = {
		{ "[Content_Types].xml", CONTENT_TYPES },
		{ "_rels/.rels", RELS },
		{ "xl/workbook.xml", "<workbook/>" },
	};

	write_zip("sheet.docx", xlsx, 3);
	check("sheet.docx", SNIFF_OTHER,
	    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
}

static void
test_odt(void **state)
{
	static const struct zip_entry odt[] = {
		{ "mimetype", ODT_MIME },
		{ "META-INF/manifest.xml", MANIFEST },
		{ "content.xml", CONTENT },
	};

	write_zip("response.zip", odt, 3);
	check("response.zip", SNIFF_ODT, ODT_MIME);
	assert_string_equal(sniff_media_type(SNIFF_ODT), ODT_MIME);
	assert_string_equal(sniff_extension(SNIFF_ODT), "odt");
}

/*
 * Other OpenDocument kinds name themselves in the same place; only text is ODT. A text template's
 * type starts with the ODT type, so a prefix match would wrongly accept it.
 */
static void
test_other_opendocument(void **state)
{
	static const struct zip_entry ods[] = {
		{ "mimetype", "application/vnd.oasis.opendocument.spreadsheet" },
		{ "content.xml", CONTENT },
	};
	static const struct zip_entry ott[] = {
		{ "mimetype", ODT_MIME "-template" },
		{ "content.xml", CONTENT },
	};

	write_zip("sheet.odt", ods, 2);
	check("sheet.odt", SNIFF_OTHER, "application/vnd.oasis.opendocument.spreadsheet");
	write_zip("template.odt", ott, 2);
	check("template.odt", SNIFF_OTHER, ODT_MIME "-template");
}

static void
test_not_regular(void **state)
{
	char path[128], target[128];

	path_in_dir(path, sizeof(path), "folder");
	assert_int_equal(mkdir(path, 0700), 0);
	check("folder", SNIFF_OTHER, "inode/directory");

	write_file("real.pdf", PDF, sizeof(PDF) - 1);
	path_in_dir(target, sizeof(target), "real.pdf");
	path_in_dir(path, sizeof(path), "link.pdf");
	assert_int_equal(symlink(target, path), 0);
	check("link.pdf", SNIFF_OTHER, "inode/symlink");
}

static void
test_missing_file(void **state)
{
	check("no-such-file", SNIFF_OTHER, "");
}

static void
test_mime_buffer(void **state)
{
	char path[128], small[6];

	write_file("doc.pdf", PDF, sizeof(PDF) - 1);
	path_in_dir(path, sizeof(path), "doc.pdf");
	assert_int_equal(sniff_file(path, NULL, 0), SNIFF_PDF);
	assert_int_equal(sniff_file(path, small, sizeof(small)), SNIFF_PDF);
	assert_string_equal(small, "appli");
	assert_null(sniff_media_type(SNIFF_OTHER));
	assert_null(sniff_media_type((enum sniff_type)99));
	assert_null(sniff_extension((enum sniff_type)99));
}

/* Ending the handle twice is safe, and the next sniff opens a new one. */
static void
test_thread_end_reopens(void **state)
{
	write_file("again.pdf", PDF, sizeof(PDF) - 1);
	check("again.pdf", SNIFF_PDF, "application/pdf");
	sniff_thread_end();
	sniff_thread_end();
	check("again.pdf", SNIFF_PDF, "application/pdf");
}

struct worker {
	pthread_t id;
	int failures;
};

static void *
worker_run(void *arg)
{
	static const struct {
		const char *name;
		enum sniff_type want;
	} files[] = {
		{ "t.pdf", SNIFF_PDF }, { "t.png", SNIFF_PNG }, { "t.jpg", SNIFF_JPEG },
		{ "t.txt", SNIFF_TXT }, { "t.gif", SNIFF_OTHER },
	};
	struct worker *w = arg;
	char path[128];

	for (int round = 0; round < 20; round++) {
		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			path_in_dir(path, sizeof(path), files[i].name);
			if (sniff_file(path, NULL, 0) != files[i].want)
				w->failures++;
		}
	}
	sniff_thread_end();
	return NULL;
}

static void
test_threads(void **state)
{
	struct worker workers[4] = { 0 };

	write_file("t.pdf", PDF, sizeof(PDF) - 1);
	write_file("t.png", PNG, sizeof(PNG));
	write_file("t.jpg", JPEG, sizeof(JPEG));
	write_file("t.txt", UTF8_TEXT, sizeof(UTF8_TEXT) - 1);
	write_file("t.gif", GIF, sizeof(GIF));
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&workers[i].id, NULL, worker_run, &workers[i]), 0);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(workers[i].id, NULL), 0);
		assert_int_equal(workers[i].failures, 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pdf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_png_named_pdf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jpeg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_not_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_size_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shell_script, setup, teardown),
		cmocka_unit_test_setup_teardown(test_elf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gif, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zip_not_document, setup, teardown),
		cmocka_unit_test_setup_teardown(test_docx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_docx_unrecognised_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xlsx_is_other, setup, teardown),
		cmocka_unit_test_setup_teardown(test_odt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_opendocument, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_regular, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mime_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thread_end_reopens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
