/* i18n.h: the six interface languages and per-thread gettext (STACK-NOTES.md). */
#ifndef AGORA_I18N_H
#define AGORA_I18N_H
#include <libintl.h>

enum lang { LANG_AR, LANG_ZH, LANG_EN, LANG_FR, LANG_RU, LANG_ES, LANG_COUNT };

#define _(s) dgettext("agora", s)
#define N_(s) (s)
#define P_(s, p, n) dngettext("agora", s, p, n)
/* A string whose translation depends on what it qualifies ("Open" for a proposal is neuter in
 * Russian, for a request feminine): gettext's message context. */
#define C_(ctx, s) i18n_pgettext(ctx "\004" s, s)
const char *i18n_pgettext(const char *key, const char *msgid);

/* Binds the catalog folder and makes the six per-language locales.
 * Returns 0, or -1 when a locale is missing (the language then shows English). */
int i18n_init(const char *locale_dir);
/* Makes lang the message language of the calling thread. */
void i18n_use(enum lang l);

const char *lang_code(enum lang l);	/* "ar", "zh", ... */
const char *lang_native_name(enum lang l);	/* "العربية", "中文", ... */
int lang_is_rtl(enum lang l);
int lang_from_code(const char *code, enum lang *out);	/* 0, or -1 for other codes */
/* Picks the best of the six from an Accept-Language header; LANG_EN when none fits. */
enum lang lang_negotiate(const char *accept_language);

#endif
