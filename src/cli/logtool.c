/* logtool.c: helpers of the outside log tools (logtool.h). */
#include "logtool.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../util/buf.h"

int
lt_read_file(const char *path, size_t max, char **out, size_t *len, struct err *e)
{
	struct buf b;
	char chunk[8192];
	size_t n;
	FILE *f;

	*out = NULL;
	if ((f = fopen(path, "rb")) == NULL)
		return err_set(e, ERR_NOTFOUND, "cannot read %s: %s", path, strerror(errno));
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b.len + n > max) {
			fclose(f);
			buf_free(&b);
			return err_set(e, ERR_INVALID, "%s is larger than %zu bytes", path, max);
		}
		buf_add(&b, chunk, n);
	}
	if (ferror(f) || b.failed) {
		fclose(f);
		buf_free(&b);
		return err_set(e, ERR_INTERNAL, "cannot read %s", path);
	}
	fclose(f);
	*out = buf_detach(&b, len);
	return *out ? 0 : err_set(e, ERR_INTERNAL, "out of memory");
}

int
lt_load_vkey(const char *arg, struct ledger_verifier *v, struct err *e)
{
	char *text = NULL;
	size_t len;
	int rc;

	if (strchr(arg, '+') != NULL && access(arg, R_OK) != 0)
		return ledger_verifier_parse(arg, v, e);
	if (lt_read_file(arg, 4096, &text, &len, e) != 0)
		return -1;
	text[strcspn(text, "\r\n")] = '\0';
	rc = ledger_verifier_parse(text, v, e);
	free(text);
	return rc;
}

int
lt_url(char out[LT_URL_MAX], const char *base, const char *fmt, ...)
{
	size_t n = strlen(base);
	va_list ap;
	int m;

	while (n > 0 && base[n - 1] == '/')
		n--;
	if (n >= LT_URL_MAX / 2)
		return -1;
	memcpy(out, base, n);
	va_start(ap, fmt);
	m = vsnprintf(out + n, LT_URL_MAX - n, fmt, ap);
	va_end(ap);
	return m < 0 || (size_t)m >= LT_URL_MAX - n ? -1 : 0;
}

int
lt_open_checkpoint(char *note, size_t len, const struct ledger_verifier *v, const char *origin,
    struct lt_checkpoint *cp, struct err *e)
{
	memset(cp, 0, sizeof(*cp));
	cp->note = note;
	cp->len = len;
	if (ledger_note_verify(note, len, v, &cp->body_len, e) != 0 ||
	    ledger_checkpoint_open(note, len, v, origin, &cp->c, e) != 0)
		return -1;
	return 0;
}

int
lt_fetch_checkpoint(const char *base, const struct ledger_verifier *v, const char *origin,
    struct lt_checkpoint *cp, struct err *e)
{
	struct http_resp r;
	char url[LT_URL_MAX];
	struct err ce;

	memset(cp, 0, sizeof(*cp));
	if (lt_url(url, base, "/api/v1/log/checkpoint") != 0)
		return err_set(e, ERR_INVALID, "the URL is too long");
	if (http_get_ok(url, LT_NOTE_MAX, LT_TIMEOUT_S, &r, e) != 0)
		return -1;
	if (lt_open_checkpoint(r.body, r.len, v, origin, cp, &ce) != 0) {
		lt_checkpoint_free(cp);
		return err_set(e, ERR_CONFLICT, "the log's checkpoint does not verify with the pinned key "
		    "%s+%08x: %s", v->name, (unsigned)v->key_id, ce.msg);
	}
	return 0;
}

void
lt_checkpoint_free(struct lt_checkpoint *cp)
{
	free(cp->note);
	memset(cp, 0, sizeof(*cp));
}

int
lt_proof_from_json(const json_t *list, struct ledger_proof *p, struct err *e)
{
	size_t i;
	json_t *h;

	if (!json_is_array(list) || json_array_size(list) > LEDGER_PROOF_MAX)
		return err_set(e, ERR_INVALID, "the proof is not a list of hashes");
	p->n = (int)json_array_size(list);
	json_array_foreach(list, i, h)
		if (!json_is_string(h) || ledger_unhex(json_string_value(h), p->hash[i]) != 0)
			return err_set(e, ERR_INVALID, "hash %zu of the proof is not 64 hex digits",
			    i + 1);
	return 0;
}

int
lt_check_consistency(const char *base, const struct ledger_checkpoint *old,
    const struct ledger_checkpoint *new_cp, int *fork, struct err *e)
{
	char url[LT_URL_MAX], hex_old[65], hex_new[65];
	struct ledger_proof p;
	struct http_resp r;
	struct err pe;
	json_t *j;
	int rc;

	*fork = 0;
	ledger_hex(old->root, hex_old);
	ledger_hex(new_cp->root, hex_new);
	if (new_cp->size < old->size) {
		*fork = 1;
		return err_set(e, ERR_CONFLICT, "the log shrank: its checkpoint has %llu leaves, an "
		    "earlier one %llu (a rollback)", (unsigned long long)new_cp->size,
		    (unsigned long long)old->size);
	}
	if (new_cp->size == old->size) {
		if (memcmp(old->root, new_cp->root, LEDGER_HASH_BYTES) == 0)
			return 0;
		*fork = 1;
		return err_set(e, ERR_CONFLICT, "the log forked: two signed checkpoints of %llu leaves "
		    "with different roots (%s and %s)", (unsigned long long)old->size, hex_old, hex_new);
	}
	if (old->size == 0)
		return 0;	/* the empty tree is a prefix of every tree */
	if (lt_url(url, base, "/api/v1/log/proof/consistency?from=%llu&to=%llu",
	    (unsigned long long)old->size, (unsigned long long)new_cp->size) != 0)
		return err_set(e, ERR_INVALID, "the URL is too long");
	if (http_get_ok(url, LT_NOTE_MAX, LT_TIMEOUT_S, &r, e) != 0)
		return -1;
	j = json_loadb(r.body, r.len, 0, NULL);
	http_free(&r);
	if (j == NULL || lt_proof_from_json(json_object_get(j, "proof"), &p, &pe) != 0) {
		json_decref(j);
		*fork = 1;
		return err_set(e, ERR_CONFLICT, "the consistency proof from %llu to %llu is not a list "
		    "of hashes", (unsigned long long)old->size, (unsigned long long)new_cp->size);
	}
	json_decref(j);
	rc = ledger_verify_consistency(old->size, new_cp->size, &p, old->root, new_cp->root, &pe);
	if (rc != 0) {
		*fork = 1;
		return err_set(e, ERR_CONFLICT, "the consistency proof from %llu leaves (root %s) to "
		    "%llu leaves (root %s) does not verify: the log forked or rewrote its history",
		    (unsigned long long)old->size, hex_old, (unsigned long long)new_cp->size, hex_new);
	}
	return 0;
}

int
lt_write_atomic(const char *path, const void *data, size_t len, struct err *e)
{
	char tmp[4096], dir[4096];
	const char *slash = strrchr(path, '/');
	int fd, dfd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp))
		return err_set(e, ERR_INVALID, "the path %s is too long", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		return err_set(e, ERR_INTERNAL, "cannot write %s: %s", tmp, strerror(errno));
	for (size_t off = 0; off < len; ) {
		ssize_t n = write(fd, (const char *)data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err_set(e, ERR_INTERNAL, "cannot write %s: %s", tmp, strerror(errno));
			goto fail;
		}
		off += (size_t)n;
	}
	if (fsync(fd) != 0) {
		err_set(e, ERR_INTERNAL, "cannot sync %s: %s", tmp, strerror(errno));
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		err_set(e, ERR_INTERNAL, "cannot write %s: %s", tmp, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		err_set(e, ERR_INTERNAL, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
		goto fail;
	}
	/* the rename itself is durable once the folder is synced */
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) + (slash == path) : 1,
	    slash ? path : ".");
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
}

int64_t
lt_now(void)
{
	return (int64_t)time(NULL);
}

int
lt_interval(const char *s, const char *cmd, long *out)
{
	char *end;

	*out = 60;
	if (s == NULL)
		return 0;
	errno = 0;
	*out = strtol(s, &end, 10);
	if (errno || *end || end == s || *out < 1 || *out > 86400) {
		fprintf(stderr, "agora log %s: --interval is seconds, 1 to 86400\n", cmd);
		return 2;	/* EXIT_USAGE */
	}
	return 0;
}
