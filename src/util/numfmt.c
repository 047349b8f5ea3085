/* numfmt.c: counts for people. ICU number formats are cached per thread and language (an
 * UNumberFormat is not thread-safe, and opening one costs tens of microseconds). */
#include "numfmt.h"
#include "thread.h"

#include <inttypes.h>
#include <stdio.h>
#include <unicode/unum.h>
#include <unicode/ustring.h>

static __thread UNumberFormat *num_cache[LANG_COUNT];
static __thread int num_failed[LANG_COUNT];	/* ICU refused once: do not retry every call */

const char *
numfmt_locale(enum lang l)
{
	return l == LANG_AR ? "ar@numbers=latn" : lang_code(l);
}

/* Closes this thread's formats (at thread exit). */
static void
formats_free(void)
{
	for (int i = 0; i < LANG_COUNT; i++) {
		if (num_cache[i] != NULL)
			unum_close(num_cache[i]);
		num_cache[i] = NULL;
		num_failed[i] = 0;
	}
}

static UNumberFormat *
format_of(enum lang l)
{
	UErrorCode status = U_ZERO_ERROR;

	if ((unsigned)l >= LANG_COUNT || num_failed[l])
		return NULL;
	if (num_cache[l] == NULL) {
		thread_atexit(formats_free);
		num_cache[l] = unum_open(UNUM_DECIMAL, NULL, 0, numfmt_locale(l), NULL, &status);
		if (U_FAILURE(status)) {
			if (num_cache[l] != NULL)
				unum_close(num_cache[l]);
			num_cache[l] = NULL;
			num_failed[l] = 1;
		}
	}
	return num_cache[l];
}

int
numfmt_int(int64_t n, enum lang l, char out[NUMFMT_LEN])
{
	UNumberFormat *f = format_of(l);
	UErrorCode status = U_ZERO_ERROR;
	UChar u[NUMFMT_LEN];
	int32_t len;

	if (f != NULL) {
		len = unum_formatInt64(f, n, u, NUMFMT_LEN, NULL, &status);
		if (U_SUCCESS(status) && len < NUMFMT_LEN) {
			u_strToUTF8(out, NUMFMT_LEN, NULL, u, len, &status);
			if (U_SUCCESS(status) && status != U_STRING_NOT_TERMINATED_WARNING)
				return 0;
		}
	}
	snprintf(out, NUMFMT_LEN, "%" PRId64, n);
	return -1;
}
