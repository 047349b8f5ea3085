/* numfmt.h: counts written for people in one of the six languages (ICU), e.g. 1,234,567 in
 * English, 1 234 567 in French, 1.234.567 in Spanish. Never for JSON, CSV or SVG geometry. */
#ifndef AGORA_NUMFMT_H
#define AGORA_NUMFMT_H
#include <stddef.h>
#include <stdint.h>

#include "i18n.h"

#define NUMFMT_LEN 64	/* enough for any int64 with separators of up to 3 bytes each */

/* The ICU locale numbers are written in for l: the language's code, except Arabic, whose
 * default numbering system is Arabic-Indic digits: "ar@numbers=latn" keeps Western digits, as
 * the UN's Arabic documents do. */
const char *numfmt_locale(enum lang l);
/* Writes n with the grouping of language l into out (NUL-terminated). Returns 0, or -1 when
 * ICU failed (out then holds plain digits, which still reads correctly). */
int numfmt_int(int64_t n, enum lang l, char out[NUMFMT_LEN]);

#endif
