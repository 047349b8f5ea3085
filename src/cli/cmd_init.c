/* cmd_init.c: `agora init`: a new data folder (database, blobs, signing key) and the
 * secretariat account. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../domain/account.h"
#include "cli.h"
#include "../store/migrate.h"

#define SECRETARIAT_EMAIL "secretariat@agora.example"

static int
write_private(const char *path, const void *data, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, data, n) == (ssize_t)n && fsync(fd) == 0;
	return close(fd) == 0 && ok ? 0 : -1;
}

/* DIR/keys: the public log's signing key (log.key, made when the store opens: ledger/log.c)
 * and the CSRF key. */
static int
make_keys_dir(const char *data)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/keys", data);
	return mkdir(path, 0700);
}

/* A PostgreSQL database is shared by every server of a repository: a second init on it would
 * make a second secretariat and other keys. 0 when the store holds no repository yet. */
static int
store_in_use(struct config *c)
{
	char url[600];
	struct db *db;
	struct err e;
	int version;

	config_db_url(c, url, sizeof(url));
	if (strncmp(url, "sqlite:", 7) == 0)
		return 0;	/* a new folder's file: cli_is_data_folder said it is not there */
	if (db_open(url, DB_READONLY, &db, &e) != 0) {
		fprintf(stderr, "agora init: %s\n", e.msg);
		return -1;
	}
	version = migrate_version(db);
	db_close(db);
	if (version > 0) {
		fprintf(stderr, "agora init: the database already holds a repository; nothing changed (another "
			"server of it needs a copy of the first one's data folder keys/, docs/DEPLOY.md)\n");
		return -1;
	}
	return 0;
}

int
cmd_init(int argc, char **argv, struct config *c)
{
	static const char *const flags[] = { "--demo", NULL };
	int demo = 0, rc = cli_parse(argc, argv, c, "init", flags, &demo, NULL, NULL, NULL, 0);
	struct cli_store s;
	struct account_new a;
	struct err e;
	char password[21], path[600], blobs[600];
	char *people = NULL;
	size_t people_len = 0;
	FILE *mem = NULL;

	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (sodium_init() < 0)
		return 1;
	if (cli_is_data_folder(c->data)) {
		fprintf(stderr, "agora init: %s is already a data folder; nothing changed\n", c->data);
		return 1;
	}
	if (store_in_use(c) != 0)
		return 1;
	if (mkdir(c->data, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "agora init: cannot create %s: %s\n", c->data, strerror(errno));
		return 1;
	}
	chmod(c->data, 0700);
	snprintf(blobs, sizeof(blobs), "%s/blobs", c->data);
	if (mkdir(blobs, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "agora init: cannot create %s: %s\n", blobs, strerror(errno));
		return 1;
	}
	if (make_keys_dir(c->data) != 0) {
		fprintf(stderr, "agora init: cannot create %s/keys: %s\n", c->data,
			strerror(errno));
		return 1;
	}
	/* a SQLite store is made private before SQLite creates it; PostgreSQL has none here */
	config_db_url(c, path, sizeof(path));
	if (strncmp(path, "sqlite:", 7) == 0)
		close(open(path + 7, O_WRONLY | O_CREAT | O_EXCL, 0600));
	if (cli_store_open(c, &s) != 0)
		return 1;
	account_random_password(password, 20);
	memset(&a, 0, sizeof(a));
	a.email = SECRETARIAT_EMAIL;
	a.name = "Secretariat";
	a.role = "secretariat";
	a.password = password;
	if (writer_run(s.writer, account_create_fn, &a, &e) != 0) {
		fprintf(stderr, "agora init: %s\n", e.msg);
		cli_store_close(&s);
		return 1;
	}
	if (demo && cli_demo_load(&s) != 0) {
		cli_store_close(&s);
		return 1;
	}
	if (demo && ((mem = open_memstream(&people, &people_len)) == NULL || cli_demo_accounts(&s, mem) != 0 ||
		     fclose(mem) != 0)) {
		fprintf(stderr, "agora init: cannot make the demo accounts\n");
		cli_store_close(&s);
		return 1;
	}
	cli_store_close(&s);
	if (demo) {
		char login[128];
		int n = snprintf(login, sizeof(login), "%s %s\n", SECRETARIAT_EMAIL, password);
		snprintf(path, sizeof(path), "%s/demo-login.txt", c->data);
		write_private(path, login, (size_t)n);
	}
	printf("Created the data folder %s\n", c->data);
	printf("Secretariat login: %s\nPassword: %s\n(shown once; keep it safe)\n", SECRETARIAT_EMAIL,
	       password);
	sodium_memzero(password, sizeof(password));
	if (people != NULL) {
		/* One "email password role state" line each, also kept for the tests and `make run`. */
		snprintf(path, sizeof(path), "%s/demo-accounts.txt", c->data);
		write_private(path, people, people_len);
		printf("Demo logins (email, password, role, state; also in %s):\n%s", path, people);
		sodium_memzero(people, people_len);
		free(people);
	}
	return 0;
}
