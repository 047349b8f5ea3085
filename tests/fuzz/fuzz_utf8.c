/* fuzz_utf8.c: utf8_valid and utf8_chars against a decoder written here from RFC 3629. */
#include "fuzz.h"
#include "util/str.h"

/* 1 when s[0..len) is well-formed UTF-8 without NUL: no overlong forms, no surrogates, nothing
 * above U+10FFFF, no stray or missing continuation bytes. *chars gets the code points. */
static int
reference_valid(const unsigned char *s, size_t len, size_t *chars)
{
	size_t i = 0, n = 0;

	while (i < len) {
		unsigned char b = s[i];
		uint32_t cp, min;
		size_t extra;

		if (b == 0)
			return 0;
		if (b < 0x80)
			cp = b, extra = 0, min = 0;
		else if ((b & 0xe0) == 0xc0)
			cp = b & 0x1f, extra = 1, min = 0x80;
		else if ((b & 0xf0) == 0xe0)
			cp = b & 0x0f, extra = 2, min = 0x800;
		else if ((b & 0xf8) == 0xf0)
			cp = b & 0x07, extra = 3, min = 0x10000;
		else
			return 0;	/* a continuation byte first, or 5- and 6-byte forms */
		if (len - i - 1 < extra)
			return 0;
		for (size_t k = 1; k <= extra; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += extra + 1;
		n++;
	}
	*chars = n;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;	/* exactly size bytes: ASan sees any over-read */
	size_t want_chars = 0;
	int want = reference_valid(data, size, &want_chars);
	int got = utf8_valid(s, size);

	FUZZ_CHECK(got == want, "utf8_valid says %d, the reference %d, on %zu bytes", got, want,
		   size);
	if (want) {
		size_t n = utf8_chars(s, size);
		FUZZ_CHECK(n == want_chars, "utf8_chars says %zu, the reference %zu", n, want_chars);
	}
	return 0;
}
