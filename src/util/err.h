/* err.h: an error out-parameter with a message fit for a user. */
#ifndef AGORA_ERR_H
#define AGORA_ERR_H

enum err_kind {
	ERR_NONE = 0,
	ERR_INVALID,	/* bad input: 400/422 */
	ERR_NOTFOUND,	/* 404 */
	ERR_CONFLICT,	/* state forbids it: 409 */
	ERR_BUSY,	/* try again later: 503 with Retry-After */
	ERR_FULL,	/* disk full: 503 */
	ERR_INTERNAL	/* a bug or the system failed: 500 */
};

struct err {
	enum err_kind kind;
	char field[64];		/* the input field at fault, or "" */
	char msg[256];
};

/* Sets *e (when e is not NULL) and returns -1, so "return err_set(...)" reads well. */
int err_set(struct err *e, enum err_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int err_set_field(struct err *e, enum err_kind kind, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void err_clear(struct err *e);

#endif
