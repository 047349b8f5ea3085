/* i18n.c: per-thread message locales; LC_NUMERIC and the rest stay "C.UTF-8". */
#include "i18n.h"
#include "log.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *code, *locale, *native;
	int rtl;
} langs[LANG_COUNT] = {
	[LANG_AR] = { "ar", "ar_SA.UTF-8", "العربية", 1 },
	[LANG_ZH] = { "zh", "zh_CN.UTF-8", "中文", 0 },
	[LANG_EN] = { "en", "en_US.UTF-8", "English", 0 },
	[LANG_FR] = { "fr", "fr_FR.UTF-8", "Français", 0 },
	[LANG_RU] = { "ru", "ru_RU.UTF-8", "Русский", 0 },
	[LANG_ES] = { "es", "es_ES.UTF-8", "Español", 0 },
};

static locale_t locales[LANG_COUNT];

int
i18n_init(const char *locale_dir)
{
	locale_t base;
	int rc = 0;

	unsetenv("LANGUAGE");	/* it would override every thread's locale */
	setlocale(LC_ALL, "C.UTF-8");
	bindtextdomain("agora", locale_dir);
	bind_textdomain_codeset("agora", "UTF-8");
	for (int i = 0; i < LANG_COUNT; i++) {
		if (locales[i] != (locale_t)0)
			continue;
		base = newlocale(LC_ALL_MASK, "C.UTF-8", (locale_t)0);
		if (base == (locale_t)0)
			base = newlocale(LC_ALL_MASK, "C", (locale_t)0);
		locales[i] = newlocale(LC_MESSAGES_MASK, langs[i].locale, base);
		if (locales[i] == (locale_t)0) {
			log_warn("msg=\"locale missing, language falls back to English\" locale=%s",
				 langs[i].locale);
			locales[i] = base;
			rc = -1;
		}
	}
	return rc;
}

void
i18n_use(enum lang l)
{
	if (l < LANG_COUNT && locales[l] != (locale_t)0)
		uselocale(locales[l]);
}

const char *
lang_code(enum lang l)
{
	return l < LANG_COUNT ? langs[l].code : "en";
}

const char *
lang_native_name(enum lang l)
{
	return l < LANG_COUNT ? langs[l].native : "English";
}

int
lang_is_rtl(enum lang l)
{
	return l < LANG_COUNT && langs[l].rtl;
}

int
lang_from_code(const char *code, enum lang *out)
{
	if (code == NULL)
		return -1;
	for (int i = 0; i < LANG_COUNT; i++)
		if (strcasecmp(code, langs[i].code) == 0) {
			*out = (enum lang)i;
			return 0;
		}
	return -1;
}

enum lang
lang_negotiate(const char *h)
{
	enum lang best = LANG_EN;
	double best_q = 0.0;

	while (h != NULL && *h) {
		char tag[16];
		size_t n = 0;
		double q = 1.0;
		enum lang l;

		while (*h == ' ' || *h == ',')
			h++;
		while (*h && *h != ',' && *h != ';' && *h != ' ' && n < sizeof(tag) - 1)
			tag[n++] = *h++;
		tag[n] = '\0';
		while (*h && *h != ',') {
			if (strncmp(h, ";q=", 3) == 0)
				q = strtod(h + 3, NULL);
			h++;
		}
		tag[strcspn(tag, "-_")] = '\0';
		if (lang_from_code(tag, &l) == 0 && q > best_q) {
			best = l;
			best_q = q;
		}
	}
	return best;
}

const char *
i18n_pgettext(const char *key, const char *msgid)
{
	const char *t = dgettext("agora", key);

	return t == key ? msgid : t;	/* untranslated: the string without its context */
}
