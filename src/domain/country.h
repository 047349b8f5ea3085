/* country.h: ISO 3166-1 alpha-2 countries from Debian's iso-codes, with names in the
 * interface language (iso-codes' own gettext catalogs). */
#ifndef AGORA_COUNTRY_H
#define AGORA_COUNTRY_H
#include "../util/err.h"

#define COUNTRY_JSON "/usr/share/iso-codes/json/iso_3166-1.json"

/* Loads the list once (thread-safe). Returns 0, or -1 when iso-codes is missing. */
int country_load(const char *path, struct err *e);
/* 1 when code is a known alpha-2 code ("FR"), else 0. */
int country_valid(const char *code);
/* The English name, or NULL. */
const char *country_name(const char *code);
/* The name in the calling thread's message language (see i18n_use), or NULL. */
const char *country_name_local(const char *code);
int country_count(void);
const char *country_code_at(int i);	/* sorted by code */

#endif
