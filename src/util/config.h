/* config.h: every setting in one declarative table (flag, AGORA_* variable, default, bounds). */
#ifndef AGORA_CONFIG_H
#define AGORA_CONFIG_H
#include <stdio.h>

struct config {
	char data[512];
	char db[512];
	char db_read[512];	/* a read replica of db (PostgreSQL), "" for none */
	char listen[128];
	char trusted_proxies[512];
	char log_level[16];
	char locale_dir[512];
	char test_clock_file[512];
	char public_url[256];
	char log_key[512];
	char log_witnesses[2048];
	char user[64];		/* serve: started as root, run as this user */
	char seccomp[8];	/* serve: on, off, check */
	char smtp_url[512];	/* mail relay (docs/MAIL.md), "" for none: mail stays queued */
	char smtp_from[512];
	long long threads;
	long long workers;
	long long writer_queue;
	long long writer_batch;
	long long conn_timeout_s;
	long long per_ip_connections;
	long long submit_rate;
	long long max_body_bytes;
	long long scheduler_tick_ms;
	long long test_writer_delay_ms;
	long long page_cache_ms;
	long long attachment_max_bytes;
	long long session_idle_s;
	long long session_max_s;
	long long retention_days;
	long long confirm_link_s;
	long long invite_link_s;
	long long campaign_threshold;	/* percent Jaccard */
	/* where each value came from, by table index: "default", "env", "flag" */
	const char *source[48];
};

enum config_take { CONFIG_NOT_MINE, CONFIG_TAKEN, CONFIG_BAD };

/* Fills defaults, then AGORA_* variables. Returns 0, or -1 with a message in err. */
int config_load(struct config *c, char *err, size_t errlen);
/* If argv[*i] is a setting's flag ("--name VALUE" or "--name=VALUE"), applies it and
 * advances *i past it. */
enum config_take config_take_flag(struct config *c, int argc, char **argv, int *i, char *err,
				  size_t errlen);
void config_print(const struct config *c, FILE *out);	/* agora config check */
void config_print_help(FILE *out);			/* the table, for --help */
/* Where a setting's value came from: "default", "env" or "flag" (NULL: no such setting). */
const char *config_source(const struct config *c, const char *flag);
/* The database URL: --db, or sqlite:DATA/agora.db. */
const char *config_db_url(const struct config *c, char *out, size_t outlen);

#endif
