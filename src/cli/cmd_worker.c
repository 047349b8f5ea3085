/* cmd_worker.c: `agora worker extract --type MEDIA PATH`: the text of one untrusted file on
 * stdout. extract_run starts it under resource limits; an operator can run it by hand to see what
 * the index gets from a file. The exit status says the outcome (EXTRACT_EXIT in extract.h). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../extract/extract.h"
#include "cli.h"
/* issue 8: report */
#include "../render/render.h"

/* `agora worker render-pdf`: the report model (JSON) on stdin, its PDF on stdout. Started by
 * report_pdf_run under limits; exit 0, or 1 with the reason on stderr. */
static int
render_pdf(void)
{
	json_error_t je;
	json_t *j = json_loadf(stdin, JSON_REJECT_DUPLICATES, &je);
	struct arena *a = arena_new();
	struct report rp;
	struct err e;
	int rc = 1;

	if (j == NULL)
		fprintf(stderr, "agora worker: the report model is not JSON: %s (line %d)\n", je.text, je.line);
	else if (a == NULL)
		fprintf(stderr, "agora worker: out of memory\n");
	else if (report_from_json(j, a, &rp, &e) != 0 || report_render_pdf(&rp, STDOUT_FILENO, &e) != 0)
		fprintf(stderr, "agora worker: %s\n", e.msg);
	else
		rc = 0;
	json_decref(j);
	arena_free(a);
	return rc;
}
/* end report */

static const char *const outcome[] = {
	[EXTRACT_OK] = "text extracted",
	[EXTRACT_NO_TEXT] = "no text layer: the file is not searchable",
	[EXTRACT_UNSUPPORTED] = "no text is extracted from this type",
	[EXTRACT_FAILED] = "the file could not be read",
};

int
cmd_worker(int argc, char **argv, struct config *c)
{
	static const char *const opts[] = { "--type", NULL };
	const char *vals[1] = { NULL }, *pos[2] = { NULL, NULL };
	enum extract_status s;
	struct err e;
	int rc = cli_parse(argc, argv, c, "worker", NULL, NULL, opts, vals, pos, 2);

	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (pos[0] != NULL && strcmp(pos[0], "render-pdf") == 0 && pos[1] == NULL)	/* issue 8: report */
		return render_pdf();
	if (pos[0] == NULL || strcmp(pos[0], "extract") != 0 || pos[1] == NULL || vals[0] == NULL) {
		fprintf(stderr, "agora worker: say 'agora worker extract --type MEDIA PATH' or 'agora worker render-pdf'\n");
		return EXIT_USAGE;
	}
	s = extract_file(pos[1], vals[0], STDOUT_FILENO, &e);
	if (s == EXTRACT_OK || isatty(STDERR_FILENO) || e.msg[0] != '\0')
		fprintf(stderr, "agora worker: %s%s%s\n", outcome[s], e.msg[0] != '\0' ? ": " : "", e.msg);
	return EXTRACT_EXIT(s);
}
