/* str.h: small string checks shared by every layer. */
#ifndef AGORA_STR_H
#define AGORA_STR_H
#include <stddef.h>
#include <stdint.h>

int utf8_valid(const char *s, size_t len);	/* 1 when s is well-formed UTF-8 without NUL */
size_t utf8_chars(const char *s, size_t len);	/* code points in valid UTF-8 */
int slug_valid(const char *s);	/* 1 for [a-z0-9-]{1,64}, not starting or ending with '-' */
int str_eq(const char *a, const char *b);	/* NULL-safe equality */
int str_has_prefix(const char *s, const char *prefix);
/* The 64-bit FNV-1a hash of s: for hash tables, not for anything an attacker must not steer. */
uint64_t str_hash(const char *s);

#endif
