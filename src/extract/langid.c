/* langid.c: which of the six languages a text is in.
 *
 * A text's script decides first, cheaply: mostly Han is "zh", mostly Arabic script "ar", mostly
 * Cyrillic "ru" (textcat's Chinese fingerprints are weak on short texts, and among our six each of
 * these scripts has one language). Latin text goes to libexttextcat, whose best guess among
 * English, French and Spanish wins; any other answer is "und". */
#include "extract.h"

#include <pthread.h>
#include <string.h>
#include <textcat.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include "../util/log.h"

#ifndef TEXTCAT_DATA
#define TEXTCAT_DATA "/usr/share/libexttextcat/"	/* libexttextcat-data's fingerprints */
#endif

#define LANGID_SAMPLE 4096	/* bytes looked at: a few hundred suffice, says textcat */
#define MIN_LETTERS 4		/* fewer letters than this cannot tell a language */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;	/* a textcat handle is not thread-safe */
static void *textcat;

static void
init_textcat(void)
{
	textcat = special_textcat_Init(TEXTCAT_DATA "fpdb.conf", TEXTCAT_DATA);
	if (textcat == NULL)
		log_error("msg=\"cannot load the language fingerprints\" conf=\"%s\"", TEXTCAT_DATA "fpdb.conf");
}

/* textcat's answer, "[en--utf8][fr--utf8]" best first, as the first of our Latin three it names. */
static const char *
from_textcat(const char *answer)
{
	static const char *const codes[] = { "en", "fr", "es" };
	const char *p = answer;

	while ((p = strchr(p, '[')) != NULL) {
		p++;
		for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
			if (strncmp(p, codes[i], 2) == 0 && p[2] == '-')
				return codes[i];
	}
	return "und";
}

const char *
langid_detect(const char *text, size_t len)
{
	int32_t i = 0, n, han = 0, arabic = 0, cyrillic = 0, latin = 0, letters = 0;
	UErrorCode st;
	const char *lang;
	UChar32 c;

	if (text == NULL)
		return "und";
	if (len > LANGID_SAMPLE) {	/* cut at a character */
		len = LANGID_SAMPLE;
		while (len > 0 && ((unsigned char)text[len] & 0xc0) == 0x80)
			len--;
	}
	n = (int32_t)len;
	while (i < n) {
		U8_NEXT(text, i, n, c);
		if (c < 0 || !u_isalpha(c))
			continue;
		letters++;
		st = U_ZERO_ERROR;
		switch (uscript_getScript(c, &st)) {
		case USCRIPT_HAN:
			han++;
			break;
		case USCRIPT_ARABIC:
			arabic++;
			break;
		case USCRIPT_CYRILLIC:
			cyrillic++;
			break;
		case USCRIPT_LATIN:
			latin++;
			break;
		default:
			break;
		}
	}
	if (letters < MIN_LETTERS)
		return "und";
	if (han * 2 > letters)
		return "zh";
	if (arabic * 2 > letters)
		return "ar";
	if (cyrillic * 2 > letters)
		return "ru";
	if (latin * 2 <= letters)
		return "und";
	pthread_once(&once, init_textcat);
	if (textcat == NULL)
		return "und";
	pthread_mutex_lock(&lock);
	lang = from_textcat(textcat_Classify(textcat, text, len));
	pthread_mutex_unlock(&lock);
	return lang;
}
