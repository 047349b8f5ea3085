/* Placeholder until the language detection (src/extract/langid.c) lands on this branch: it is
 * removed in the same merge. Every response counts as the language it declared. */
#include "extract.h"
const char *
langid_detect(const char *text, size_t len)
{
	(void)text;
	(void)len;
	return "und";
}
