/* fuzz.h: what the libFuzzer harnesses share: the entry points, a NUL-terminated copy of the
 * input, and FUZZ_CHECK, which names the broken property and aborts (libFuzzer keeps the input). */
#ifndef AGORA_FUZZ_H
#define AGORA_FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond, ...)                                                              \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz: property broken at %s:%d: %s: ", __FILE__,   \
				__LINE__, #cond);                                          \
			fprintf(stderr, __VA_ARGS__);                                      \
			fputc('\n', stderr);                                               \
			abort();                                                           \
		}                                                                          \
	} while (0)

/* The input as a C string of exactly size + 1 bytes (so ASan sees any over-read); it ends at
 * the first NUL of the input, if any. The caller frees it. */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
