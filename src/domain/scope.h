/* scope.h: what an API bearer token may do. A token holds a set of scopes, fixed when it is
 * made; each secretariat route of the API names the one scope it needs (route.h SCOPE_*), so a
 * token made for a moderation script cannot close a consultation. Only the secretariat's
 * accounts may hold scopes; a token of another account can do what the public can. */
#ifndef AGORA_SCOPE_H
#define AGORA_SCOPE_H
#include <stddef.h>

enum scope {
	SCOPE_CONSULTATIONS_BIT = 1 << 0,	/* create, open, close, extend consultations */
	SCOPE_MODERATION_BIT = 1 << 1,		/* publish, withhold, redact responses */
};
#define SCOPE_NONE 0u
#define SCOPE_ALL (SCOPE_CONSULTATIONS_BIT | SCOPE_MODERATION_BIT)
#define SCOPE_ROLE_DEFAULT (~0u)	/* token_new: every scope the account's role allows */
#define SCOPES_TEXT_MAX 64		/* "consultations moderation" and room to grow */

struct scope_def {
	unsigned bit;
	const char *name;	/* stored and typed: "consultations" */
	const char *what;	/* for people, translatable (N_) */
};
extern const struct scope_def scope_defs[];	/* ends with { 0, NULL, NULL } */

/* Parses names separated by commas or spaces ("consultations,moderation"). Returns 0, or -1
 * with *bad the first unknown name (in a static buffer; NULL for an empty name). */
int scope_parse(const char *list, unsigned *out, const char **bad);
/* The names of set, separated by single spaces, into out (empty for none). */
void scope_format(unsigned set, char *out, size_t n);
/* The scopes an account of role may hold. */
unsigned scope_allowed(const char *role);
/* The name of the one bit in set, or NULL. */
const char *scope_name(unsigned bit);

#endif
