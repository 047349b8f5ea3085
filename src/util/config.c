/* config.c: the settings table and its parser. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum kind { STR, INT };

static const struct setting {
	const char *flag, *env;
	enum kind kind;
	size_t offset, size;
	const char *def;
	long long min, max;
	const char *help;
} settings[] = {
#define S(f, e, field, d, h) { f, e, STR, offsetof(struct config, field), \
	sizeof(((struct config *)0)->field), d, 0, 0, h }
#define I(f, e, field, d, lo, hi, h) { f, e, INT, offsetof(struct config, field), 0, d, lo, hi, h }
	S("data", "AGORA_DATA", data, "var", "data folder: database, blobs, keys"),
	S("db", "AGORA_DB", db, "", "database URL (sqlite:PATH); default sqlite:DATA/agora.db"),
	S("db-read", "AGORA_DB_READ", db_read, "", "a streaming replica of --db (postgres://...) for public pages and search; default: none, all reads from --db"),
	S("listen", "AGORA_LISTEN", listen, "127.0.0.1:8080", "address and port to serve on (port 0: any free port)"),
	I("threads", "AGORA_THREADS", threads, "2", 1, 256, "HTTP threads"),
	I("workers", "AGORA_WORKERS", workers, "2", 1, 64, "background job threads"),
	I("writer-queue", "AGORA_WRITER_QUEUE", writer_queue, "4096", 1, 1000000, "writes waiting before 503"),
	I("writer-batch", "AGORA_WRITER_BATCH", writer_batch, "512", 1, 100000, "writes per commit at most"),
	I("conn-timeout", "AGORA_CONN_TIMEOUT", conn_timeout_s, "30", 1, 3600, "idle connection timeout, seconds"),
	I("per-ip-connections", "AGORA_PER_IP_CONNECTIONS", per_ip_connections, "256", 0, 100000, "connections per client address (0: no limit)"),
	I("submit-rate", "AGORA_SUBMIT_RATE", submit_rate, "30", 0, 1000000, "submissions per client address per minute, burst as many (0: no limit)"),
	I("max-body-bytes", "AGORA_MAX_BODY_BYTES", max_body_bytes, "1048576", 1024, 1073741824, "largest request body, bytes"),
	S("trusted-proxies", "AGORA_TRUSTED_PROXIES", trusted_proxies, "", "comma-separated proxy addresses whose X-Forwarded-For is believed"),
	S("log-level", "AGORA_LOG_LEVEL", log_level, "info", "debug, info, warn or error"),
	S("locale-dir", "AGORA_LOCALE_DIR", locale_dir, "", "message catalogs; default: locale/ beside the program"),
	I("attachment-max-bytes", "AGORA_ATTACHMENT_MAX_BYTES", attachment_max_bytes, "10485760", 1024, 1073741824, "largest attachment, bytes (up to 10 per response)"),
	I("page-cache-ms", "AGORA_PAGE_CACHE_MS", page_cache_ms, "1000", 0, 60000, "how long a public page is reused per thread (0: never)"),
	I("session-idle-s", "AGORA_SESSION_IDLE_S", session_idle_s, "1800", 60, 2592000, "a login session ends after this many seconds without a request"),
	I("session-max-s", "AGORA_SESSION_MAX_S", session_max_s, "43200", 60, 7776000, "a login session ends this many seconds after the login, in use or not"),
	I("retention-days", "AGORA_RETENTION_DAYS", retention_days, "365", 1, 36500, "email and other unpublished personal data are removed this many days after a consultation closes"),
	I("confirm-link-s", "AGORA_CONFIRM_LINK_S", confirm_link_s, "172800", 300, 2592000, "an email confirmation link works this many seconds"),
	I("invite-link-s", "AGORA_INVITE_LINK_S", invite_link_s, "1209600", 300, 7776000, "an invitation link works this many seconds"),
	S("public-url", "AGORA_PUBLIC_URL", public_url, "", "the site's address in links sent by mail (https://agora.example); default: from the request's Host"),
	S("smtp-url", "AGORA_SMTP_URL", smtp_url, "", "the mail relay: smtp://HOST:PORT (STARTTLS when offered) or smtps://HOST:PORT; login from AGORA_SMTP_USER and AGORA_SMTP_PASSWORD; default: none, mail stays in the outbox (docs/MAIL.md)"),
	S("smtp-from", "AGORA_SMTP_FROM", smtp_from, "", "the sender of mail: agora@example.org or \"Agora <agora@example.org>\"; needed with --smtp-url"),
	S("log-key", "AGORA_LOG_KEY", log_key, "", "the public log's signing key file (signed-note form); default DATA/keys/log.key"),
	S("log-witnesses", "AGORA_LOG_WITNESSES", log_witnesses, "", "comma-separated verifier keys of the witnesses whose cosignatures the log accepts"),
	I("campaign-threshold", "AGORA_CAMPAIGN_THRESHOLD", campaign_threshold, "80", 50, 100, "responses at least this similar (Jaccard, percent) are one campaign"),
	I("scheduler-tick-ms", "AGORA_SCHEDULER_TICK_MS", scheduler_tick_ms, "1000", 10, 60000, "how often the scheduler looks for due events"),
	S("user", "AGORA_USER", user, "agora", "serve, started as root: the user to switch to after binding (root: stay root)"),
	S("seccomp", "AGORA_SECCOMP", seccomp, "on", "serve: the system call filter: on, off (debugging), check (install it, test it, exit)"),
	S("test-clock-file", "AGORA_TEST_CLOCK_FILE", test_clock_file, "", "tests only: file with a clock offset in seconds or an RFC 3339 time"),
	I("test-writer-delay-ms", "AGORA_TEST_WRITER_DELAY_MS", test_writer_delay_ms, "0", 0, 60000, "tests only: pause before each commit"),
#undef S
#undef I
};
#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))
_Static_assert(NSETTINGS <= sizeof(((struct config *)0)->source) / sizeof(const char *),
	       "struct config's source[] needs a slot per setting");

static int
apply(struct config *c, size_t idx, const char *value, const char *source, char *err, size_t errlen)
{
	const struct setting *s = &settings[idx];
	char *p = (char *)c + s->offset, *end;
	long long v;

	if (s->kind == STR) {
		if (strlen(value) >= s->size) {
			snprintf(err, errlen, "%s: value longer than %zu bytes", s->flag, s->size - 1);
			return -1;
		}
		memcpy(p, value, strlen(value) + 1);
	} else {
		errno = 0;
		v = strtoll(value, &end, 10);
		if (errno != 0 || end == value || *end != '\0') {
			snprintf(err, errlen, "%s: '%s' is not a whole number", s->flag, value);
			return -1;
		}
		if (v < s->min || v > s->max) {
			snprintf(err, errlen, "%s: %lld is outside %lld..%lld", s->flag, v, s->min, s->max);
			return -1;
		}
		memcpy(p, &v, sizeof(v));
	}
	c->source[idx] = source;
	return 0;
}

int
config_load(struct config *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < NSETTINGS; i++)
		if (apply(c, i, settings[i].def, "default", err, errlen) != 0)
			return -1;
	for (size_t i = 0; i < NSETTINGS; i++) {
		const char *v = getenv(settings[i].env);
		if (v != NULL && apply(c, i, v, "env", err, errlen) != 0)
			return -1;
	}
	return 0;
}

enum config_take
config_take_flag(struct config *c, int argc, char **argv, int *i, char *err, size_t errlen)
{
	const char *a = argv[*i], *eq;
	size_t n;

	if (strncmp(a, "--", 2) != 0)
		return CONFIG_NOT_MINE;
	a += 2;
	eq = strchr(a, '=');
	n = eq ? (size_t)(eq - a) : strlen(a);
	for (size_t k = 0; k < NSETTINGS; k++) {
		if (strlen(settings[k].flag) != n || strncmp(settings[k].flag, a, n) != 0)
			continue;
		if (eq == NULL && *i + 1 >= argc) {
			snprintf(err, errlen, "--%s needs a value", settings[k].flag);
			return CONFIG_BAD;
		}
		if (apply(c, k, eq ? eq + 1 : argv[*i + 1], "flag", err, errlen) != 0)
			return CONFIG_BAD;
		*i += eq ? 1 : 2;
		return CONFIG_TAKEN;
	}
	return CONFIG_NOT_MINE;
}

/* A database URL with its password, if any, shown as ***: in the authority (user:secret@host)
 * and as a query parameter (password=secret). out holds at least strlen(url) + 4 bytes. */
static void
mask_password(const char *url, char *out, size_t outlen)
{
	const char *auth = strstr(url, "://"), *end, *at, *colon, *q;

	snprintf(out, outlen, "%s", url);
	if (auth == NULL)
		return;
	auth += 3;
	end = auth + strcspn(auth, "/?");
	at = memchr(auth, '@', (size_t)(end - auth));
	colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (colon != NULL)
		snprintf(out, outlen, "%.*s***%s", (int)(colon + 1 - url), url, at);
	if ((q = strstr(out, "password=")) != NULL && (q == out || q[-1] == '?' || q[-1] == '&')) {
		char rest[1024];
		const char *amp = strchr(q, '&');

		snprintf(rest, sizeof(rest), "%s", amp ? amp : "");
		snprintf((char *)q + 9, outlen - (size_t)(q + 9 - out), "***%s", rest);
	}
}

void
config_print(const struct config *c, FILE *out)
{
	for (size_t i = 0; i < NSETTINGS; i++) {
		const struct setting *s = &settings[i];
		const char *p = (const char *)c + s->offset;
		if (s->kind == STR && strstr(p, "://") != NULL) {
			char masked[1100];

			mask_password(p, masked, sizeof(masked));
			fprintf(out, "%-22s %-28s %-8s %s\n", s->flag, masked, c->source[i], s->env);
		} else if (s->kind == STR)
			fprintf(out, "%-22s %-28s %-8s %s\n", s->flag, p[0] ? p : "\"\"", c->source[i], s->env);
		else
			fprintf(out, "%-22s %-28lld %-8s %s\n", s->flag, *(const long long *)(const void *)p,
				c->source[i], s->env);
	}
}

void
config_print_help(FILE *out)
{
	fprintf(out, "Settings (flag, environment variable, default):\n");
	for (size_t i = 0; i < NSETTINGS; i++) {
		const struct setting *s = &settings[i];
		if (s->kind == INT)
			fprintf(out, "  --%-20s %-26s %s (%lld..%lld): %s\n", s->flag, s->env, s->def,
				s->min, s->max, s->help);
		else
			fprintf(out, "  --%-20s %-26s \"%s\": %s\n", s->flag, s->env, s->def, s->help);
	}
}

const char *
config_db_url(const struct config *c, char *out, size_t outlen)
{
	if (c->db[0])
		snprintf(out, outlen, "%s", c->db);
	else
		snprintf(out, outlen, "sqlite:%s/agora.db", c->data);
	return out;
}

const char *
config_source(const struct config *c, const char *flag)
{
	for (size_t i = 0; i < NSETTINGS; i++)
		if (strcmp(settings[i].flag, flag) == 0)
			return c->source[i];
	return NULL;
}
