/* langid.c: which of the six languages a text is in.
 *
 * A text's script decides first, cheaply: mostly Han is "zh", mostly Arabic script "ar", mostly
 * Cyrillic "ru" (textcat's Chinese fingerprints are weak on short texts, and among our six each of
 * these scripts has one language). Latin text goes to libexttextcat, whose best guess among
 * English, French and Spanish wins; any other answer is "und".
 *
 * textcat compares a text with every fingerprint it loaded, and Debian's list has 179, most of
 * them of scripts that never reach it here: with all of them, language detection was a quarter
 * of the server's CPU under a surge of submissions (docs/PERFORMANCE.md, "Profile"). It loads
 * only the Latin-script languages of LATIN below: our three, and those a Latin text in another
 * language would most likely be, so that such a text still answers "und" rather than the
 * nearest of our three. */
#define _GNU_SOURCE	/* memfd_create */
#include "extract.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
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

/* The fingerprints loaded (file stems of libexttextcat-data): the Latin-script languages with
 * the most speakers and those of Europe, Africa and the Americas that Latin text most often is. */
static const char *const LATIN[] = {
	"en", "fr", "es", "pt", "it", "de", "nl", "ca", "gl", "eu", "ro", "pl", "cs", "sk", "sl", "hr",
	"bs", "sq", "hu", "fi", "et", "lv", "lt", "sv", "da", "nb", "nn", "is", "ga", "cy", "mt", "la",
	"eo", "tr", "az", "id", "ms", "vi", "tl", "sw", "yo", "zu", "xh", "af", "so", "rw", "ht",
};

/* textcat reads its list of fingerprints from a file: ours is written to a memory file. NULL
 * when that fails (then Debian's whole list is used: slower, the same answers). */
static void *
init_latin(void)
{
	char path[64];
	void *h = NULL;
	FILE *f;
	int fd = memfd_create("agora-textcat", MFD_CLOEXEC);

	if (fd < 0)
		return NULL;
	if ((f = fdopen(dup(fd), "w")) != NULL) {
		for (size_t i = 0; i < sizeof(LATIN) / sizeof(LATIN[0]); i++)
			fprintf(f, "%s.lm %s--utf8\n", LATIN[i], LATIN[i]);
		if (fclose(f) == 0) {
			snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
			h = special_textcat_Init(path, TEXTCAT_DATA);
		}
	}
	close(fd);
	return h;
}

static void
init_textcat(void)
{
	if ((textcat = init_latin()) != NULL) {
		log_debug("msg=\"language fingerprints loaded\" count=%zu", sizeof(LATIN) / sizeof(LATIN[0]));
		return;
	}
	log_warn("msg=\"language fingerprints: loading all of them (slower)\" conf=\"%s\"", TEXTCAT_DATA "fpdb.conf");
	textcat = special_textcat_Init(TEXTCAT_DATA "fpdb.conf", TEXTCAT_DATA);
	if (textcat == NULL)
		log_error("msg=\"cannot load the language fingerprints\" conf=\"%s\"", TEXTCAT_DATA "fpdb.conf");
}

void
langid_init(void)
{
	pthread_once(&once, init_textcat);
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
