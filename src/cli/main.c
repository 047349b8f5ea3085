/* main.c: `agora COMMAND [OPTIONS]`: the command table, --help and --version. */
#include <stdlib.h>
#include <string.h>

#include "../util/i18n.h"
#include "../util/log.h"
#include "cli.h"

#ifndef AGORA_VERSION
#define AGORA_VERSION "0.1.0"
#endif

const struct command commands[] = {
	{ "init", cmd_init, "create a data folder and its secretariat account",
	  "agora init [--data DIR] [--demo]\n"
	  "  Creates DIR (database, blob store, signing key; modes 0700/0600) and a secretariat\n"
	  "  account, and prints its login. Refuses a folder that is already a data folder.\n"
	  "  --demo   also load the demo data set (and keep the login in DIR/demo-login.txt)\n" },
	{ "serve", cmd_serve, "serve the platform over HTTP until SIGTERM or SIGINT",
	  "agora serve [--data DIR] [--listen ADDR:PORT] [--threads N]\n"
	  "  Serves pages, the API, /healthz and /metrics. Stops cleanly on SIGTERM or SIGINT.\n"
	  "  With --smtp-url (and --smtp-from) it also sends the outbox through that relay, retrying\n"
	  "  with backoff; without it mail stays queued, listed by agora mail list (docs/MAIL.md).\n" },
	{ "consultation", cmd_consultation, "create, list, show, open, close or extend consultations",
	  "agora consultation create FILE.json [--draft]\n"
	  "agora consultation list\n"
	  "agora consultation show SLUG\n"
	  "agora consultation open SLUG [--at TIME]\n"
	  "agora consultation close SLUG\n"
	  "agora consultation extend SLUG --until TIME\n"
	  "  FILE.json is described in docs/CONSULTATIONS.md. TIME is RFC 3339 (2026-12-01T12:00:00Z).\n"
	  "  create publishes the round for its opens_at unless --draft; open without --at opens now.\n" },
	{ "demo", cmd_demo, "load the demo data set into a data folder",
	  "agora demo [--data DIR] [--responses N]\n"
	  "  Adds the working group's real rounds (OTT ... environmental impact) and one demo round\n"
	  "  open now. Rounds already present are left as they are.\n"
	  "  --responses N   also add N generated responses (0 to 1000000) from fictional\n"
	  "                  respondents in the six languages, spread over those rounds\n" },
	{ "user", cmd_user, "create an account",
	  "agora user create --email EMAIL --name NAME --role ROLE [--state CODE] [--mail-lang CODE]\n"
	  "  Creates an account and prints its random password once (only its argon2id hash is kept).\n"
	  "  ROLE: secretariat, chair, focal_point, delegate or stakeholder.\n"
	  "  --state CODE   the Member State (ISO 3166-1 alpha-2, such as CH) of a delegate or a\n"
	  "                 focal_point (one focal point per state); no other role takes one\n"
	  "  --mail-lang CODE  the language of the account's notices by mail: ar, zh, en, fr, ru\n"
	  "                 or es (default: that of the mail that confirmed or invited it, else en)\n" },
	{ "token", cmd_token, "create an API token for an account",
	  "agora token create --email EMAIL [--label TEXT] [--scope LIST]\n"
	  "  Prints a bearer token once; only its hash is stored.\n"
	  "  --scope LIST   what the token may do, names separated by commas: consultations\n"
	  "                 (create, open, extend, close), moderation (publish, withhold, redact).\n"
	  "                 Default: every scope the account's role allows (the secretariat: all;\n"
	  "                 other roles: none).\n" },
	{ "routes", cmd_routes, "print the route table: method, pattern, who may ask",
	  "agora routes\n"
	  "  One line per route: METHOD PATTERN ROLE NAME QUERY. ROLE is public, respondent (the\n"
	  "  manage token of the response), account (any session), focal (a focal point's or the\n"
	  "  secretariat's session) or secretariat; QUERY lists the\n"
	  "  query parameters it takes (- for none).\n" },
	{ "reindex", cmd_reindex, "rebuild the search index from the repository",
	  "agora reindex [--data DIR]\n"
	  "  Builds a new search index (DIR/search.db) from every consultation, response, outcome and\n"
	  "  document, with progress, then switches to it. Safe while the server runs.\n" },
	{ "mail", cmd_mail, "the outbox: each mail and its sending status; send a failed one again",
	  "agora mail list [--to EMAIL] [--status queued|sent|failed|suppressed] [--limit N]\n"
	  "agora mail retry ID\n"
	  "  list prints the newest mails (50 unless --limit), to one address with --to: confirmation and\n"
	  "  invitation links can be read here, and each mail's status, attempts and the relay's last\n"
	  "  answer. retry queues a failed or suppressed mail again and lifts the suppression of its\n"
	  "  address. Sending needs a relay: agora serve --smtp-url (docs/MAIL.md).\n" },
	{ "search", cmd_search, "search the index (DATA/search.db) as the search page does",
	  "agora search [--kind K] [--consultation SLUG] [--language L] [--order relevance|newest]\n"
	  "             [--page N] [--json] [--as public|members|secretariat] QUERY... [-- -WORD...]\n"
	  "  QUERY: words, \"phrases\", -word, OR, prefix* (docs/SEARCH.md). Words to leave out go\n"
	  "  after --. Searches as the public unless --as; --json prints what GET /api/v1/search\n"
	  "  answers. Exit 2 for a query with a mistake (the message says which).\n" },
	{ "worker", cmd_worker, "extract the text of one file, as the indexing job does", "agora worker extract --type MEDIA PATH\nagora worker render-pdf < MODEL.json > REPORT.pdf\n  extract writes the UTF-8 text of the file at PATH (MEDIA as sniffed: application/pdf, text/plain,\n  DOCX or ODT) to stdout. Exit status: 0 text, 11 no text layer (not searchable), 12 a type\n  without text, 13 unreadable. See docs/EXTRACTION.md. render-pdf draws the Chair's report (the model\n  agora report hands it) as a PDF; see docs/REPORTS.md.\n" },
	{ "log", cmd_log, "verify, witness and monitor the public log; make and rotate its key",
	  "agora log verify [--data DIR]\n"
	  "agora log verify --url URL --key VKEY --receipt FILE\n"
	  "agora log verify --archive FILE.zip [--key VKEY]\n"
	  "agora log witness --url URL --key VKEY --witness-key FILE --state FILE [--interval S] [--once]\n"
	  "agora log witness-keygen --name NAME --out FILE\n"
	  "agora log monitor --url URL --key VKEY --state DIR [--interval S] [--once]\n"
	  "agora log keygen --name NAME --out FILE\n"
	  "agora log rotate-key --new-key FILE [--data DIR]\n"
	  "  verify --data rebuilds the tree from the stored rows and checks every entry, tile and\n"
	  "  checkpoint; --url checks a receipt against a pinned verifier key VKEY; --archive checks\n"
	  "  a round's export archive (docs/EXPORTS.md). witness cosigns checkpoints it has checked;\n"
	  "  monitor follows the log and checks every entry. Exit status:\n"
	  "  0 all verified, 1 a check failed or the log could not be read. See docs/LEDGER.md.\n" },
	/* issue 8: summary, campaigns */
	{ "campaigns", cmd_campaigns, "list near-identical responses (campaigns); --rebuild recomputes them",
	  "agora campaigns [--data DIR] [--rebuild] [SLUG]\n"
	  "  Lists the campaigns of round SLUG (or of every round): \"N near-identical responses from K\n"
	  "  countries\", the representative (the earliest member) and the members. --rebuild recomputes\n"
	  "  them from scratch first (after a change of --campaign-threshold). See docs/CAMPAIGNS.md.\n" },
	/* end summary */
	/* issue 8: report */
	{ "report", cmd_report, "write the Chair's report for a period (HTML, PDF or DOCX)",
	  "agora report [--data DIR] --from YYYY-MM --to YYYY-MM --lang LANG --format html|pdf|docx [-o FILE]\n"
	  "  The Chair's report to the Council for the months FROM to TO (both included) in LANG (ar, zh,\n"
	  "  en, fr, ru, es): its texts as edited on /reports, one section per meeting held in the\n"
	  "  period with its lettered outcomes, and the rounds opened in it with their published\n"
	  "  summaries. Written to FILE, or to stdout. Exit 2 for a bad month, FROM after TO, or an\n"
	  "  unknown language or format. See docs/REPORTS.md.\n" },
	/* end report */
	/* issue 8: backup, restore */
	{ "backup", cmd_backup, "write the whole repository to one archive, while the server runs",
	  "agora backup [--data DIR] -o FILE.tar\n"
	  "agora backup [--data DIR] -o - > FILE.tar\n"
	  "  Writes a pax tar: a MANIFEST (the SHA-256 of every member, the schema version, the\n"
	  "  public log's tree size and root), a consistent snapshot of the database (SQLite's\n"
	  "  online backup: the server goes on serving and writing), every blob the snapshot names\n"
	  "  (each checked against its SHA-256) and DIR/keys. Private data included: keep it safe.\n"
	  "  The search index is left out (the server rebuilds it at start). See docs/BACKUP.md.\n"
	  "  On PostgreSQL (--db postgresql://...) the database is pg_dump's custom format, taken\n"
	  "  in a snapshot agora holds (the blobs are in it); the connection reaches pg_dump through\n"
	  "  its environment, never its command line. pg_dump: $AGORA_PG_BIN, else the one in\n"
	  "  /usr/lib/postgresql/N/bin or on PATH nearest the server's version, not older.\n"
	  "  -o FILE   where to write it (made beside as FILE.PID.tmp, renamed when complete);\n"
	  "            - for standard output\n" },
	{ "restore", cmd_restore, "restore a backup into an empty or new data folder",
	  "agora restore [--data DIR] FILE.tar\n"
	  "  Refuses (exit 2) a DIR that exists and is not empty. Unpacks into a folder beside DIR,\n"
	  "  checks every member against the MANIFEST (a damaged backup is refused, naming the\n"
	  "  member), syncs, checks the database (integrity_check) and the public log (as agora log\n"
	  "  verify --data), then renames the folder to DIR. A refused restore leaves nothing.\n"
	  "  FILE may be - (standard input), and gzip, xz or zstd compressed.\n"
	  "agora restore [--data DIR] --db URL FILE.tar\n"
	  "  A backup of a PostgreSQL store: --db URL names an empty database (one that is not is\n"
	  "  refused, exit 2); pg_restore loads the dump in one transaction, then the counts, the\n"
	  "  checkpoint and the log are checked against the MANIFEST; DIR gets the keys. No\n"
	  "  pg_restore fit for the server, or a damaged backup: refused, exit 1.\n" },
	/* end backup */
	/* export */
	{ "export", cmd_export, "export a round's public responses: CSV, XLSX, JSON or a verifiable ZIP",
	  "agora export [--data DIR] SLUG --format csv|xlsx|json|zip [-o FILE] [--lang L]\n"
	  "  Writes what GET /api/v1/consultations/SLUG/export.FORMAT answers (published responses\n"
	  "  only; the ZIP adds attachments, log entries, proofs and the signed checkpoint) to FILE,\n"
	  "  or to stdout without -o. --lang: the language of the question texts in the header\n"
	  "  (default en). Read-only: safe beside a running server. See docs/EXPORTS.md.\n" },
	/* end export */
	{ "migrate-store", cmd_migrate_store, "move a repository from SQLite into an empty PostgreSQL database",
	  "agora migrate-store --from sqlite:PATH --to postgres://...\n"
	  "  Applies the PostgreSQL schema, then copies every row of every table (foreign-key order)\n"
	  "  and every blob of PATH's folder (PATH/../blobs) in one transaction, resets the ids'\n"
	  "  sequences, and checks the row counts and the public log (as agora log verify). Refuses a\n"
	  "  target that is not empty. Stop the servers first. The search index is not copied (the\n"
	  "  indexer builds it). Exit 2 for a bad --from or --to. See docs/POSTGRES.md.\n" },
	{ "config", cmd_config, "print the effective settings",
	  "agora config check\n"
	  "  Prints each setting, its value and where it came from (default, env, flag).\n" },
	{ NULL, NULL, NULL, NULL },
};

static void
usage(FILE *out)
{
	fprintf(out, "Usage: agora COMMAND [OPTIONS]\n\nAgora: open consultations of an "
		     "intergovernmental working group.\n\nCommands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(out, "  %-14s %s\n", c->name, c->summary);
	fprintf(out, "\n'agora COMMAND --help' tells more. Options: --help, --version.\n\n");
	config_print_help(out);
}

void
cli_usage(FILE *out, const char *cmd)
{
	for (const struct command *c = commands; c->name; c++)
		if (strcmp(c->name, cmd) == 0) {
			fprintf(out, "Usage: %s\n", c->usage);
			config_print_help(out);
			return;
		}
}

int
main(int argc, char **argv)
{
	struct config cfg;
	char err[256];
	enum log_level lvl;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("agora %s\n", AGORA_VERSION);
		return 0;
	}
	if (config_load(&cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "agora: %s\n", err);
		return EXIT_USAGE;
	}
	for (const struct command *c = commands; c->name; c++) {
		if (strcmp(c->name, argv[1]) != 0)
			continue;
		if (log_level_parse(cfg.log_level, &lvl) != 0)
			lvl = LOG_INFO;
		log_init(lvl, stderr);
		return c->run(argc - 1, argv + 1, &cfg);
	}
	fprintf(stderr, "agora: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
