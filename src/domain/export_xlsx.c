/* export_xlsx.c: the XLSX export through libxlsxwriter in constant_memory mode (each row is
 * written to its work file as it comes; nothing is kept per row), into a file in tmpdir. */
#include "export.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

/* A cell holds at most 32,767 characters: a longer answer is cut there, with a mark saying
 * so (the CSV, JSON and archive keep it whole). Counted in UTF-16 units, as Excel does. */
#define XLSX_CELL_MAX 32767
#define CUT_MARK " [...]"

struct xlsx_state {
	lxw_worksheet *ws;
	lxw_row_t row;
	lxw_error failed;
};

static const char *
fit_cell(struct arena *a, const char *s)
{
	size_t units = 0, keep = 0, i = 0;

	while (s[i]) {
		unsigned char c = (unsigned char)s[i];
		size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4, k = 1;

		while (k < len && s[i + k])	/* stored texts are UTF-8; never run past the end */
			k++;
		units += len == 4 ? 2 : 1;
		if (units > XLSX_CELL_MAX)
			return arena_printf(a, "%.*s%s", (int)keep, s, CUT_MARK);
		i += k;
		if (units <= XLSX_CELL_MAX - (sizeof(CUT_MARK) - 1))
			keep = i;
	}
	return s;
}

static int
xlsx_one(struct export_ctx *x, const struct response *r, int64_t number, const char *name, void *arg)
{
	struct xlsx_state *s = arg;
	const char *cells[EXPORT_MAX_COLUMNS];
	struct arena *a = arena_new();
	int n = a ? export_cells(a, x, r, number, name, cells, EXPORT_MAX_COLUMNS) : -1;

	s->row++;
	for (int i = 0; i < n && s->failed == LXW_NO_ERROR; i++) {
		const char *v = fit_cell(a, cells[i]);
		/* a string cell, never a formula: nothing a respondent writes is evaluated */
		if (v != NULL && v[0] != '\0')
			s->failed = worksheet_write_string(s->ws, s->row, (lxw_col_t)i, v, NULL);
	}
	arena_free(a);
	return n < 0 || s->failed != LXW_NO_ERROR ? -1 : 0;
}

/* Copies the file fd to out_fd from the start. */
static int
copy_fd(int fd, int out_fd)
{
	char block[64 * 1024];
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) != 0)
		return -1;
	while ((n = read(fd, block, sizeof(block))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || export_fd_flush(&out_fd, block, (size_t)n) != 0)
			return -1;
	}
	return 0;
}

int
export_xlsx(struct export_ctx *x, int out_fd, int *result_fd, struct err *e)
{
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE, .tmpdir = (char *)x->job->tmpdir };
	const char *cols[EXPORT_MAX_COLUMNS];
	struct xlsx_state s = { NULL, 0, LXW_NO_ERROR };
	char path[1024];
	lxw_workbook *wb;
	lxw_format *bold;
	lxw_error closed;
	int n = export_columns(x, cols, EXPORT_MAX_COLUMNS), fd, rc;

	if (n < 0)
		return err_set(e, ERR_BUSY, "out of memory");
	if (mkdir(x->job->tmpdir, 0700) != 0 && errno != EEXIST)
		return err_set(e, ERR_INTERNAL, "cannot create the folder %s: %s", x->job->tmpdir, strerror(errno));
	if ((size_t)snprintf(path, sizeof(path), "%s/export-xlsx-XXXXXX", x->job->tmpdir) >= sizeof(path))
		return err_set(e, ERR_INTERNAL, "the temporary folder's name is too long");
	if ((fd = mkstemp(path)) < 0)
		return err_set(e, ERR_FULL, "cannot create a temporary file: %s", strerror(errno));
	close(fd);	/* the name is ours; libxlsxwriter writes the file by name */
	if ((wb = workbook_new_opt(path, &opt)) == NULL || (s.ws = workbook_add_worksheet(wb, "Responses")) == NULL ||
	    (bold = workbook_add_format(wb)) == NULL) {
		if (wb != NULL)
			workbook_close(wb);
		unlink(path);
		return err_set(e, ERR_BUSY, "cannot start the workbook");
	}
	format_set_bold(bold);
	worksheet_freeze_panes(s.ws, 1, 0);
	for (int i = 0; i < n && s.failed == LXW_NO_ERROR; i++)
		s.failed = worksheet_write_string(s.ws, 0, (lxw_col_t)i, fit_cell(x->a, cols[i]), bold);
	rc = s.failed == LXW_NO_ERROR ? export_each(x, xlsx_one, &s, e) : -1;
	if (rc != 0 && e->kind == ERR_NONE)
		err_set(e, ERR_INTERNAL, "cannot write the workbook: %s", lxw_strerror(s.failed));
	closed = workbook_close(wb);	/* writes the file and removes its work files */
	if (rc == 0 && closed != LXW_NO_ERROR)
		rc = err_set(e, ERR_FULL, "cannot write the workbook: %s", lxw_strerror(closed));
	fd = rc == 0 ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	unlink(path);
	if (rc != 0)
		return -1;
	if (fd < 0)
		return err_set(e, ERR_INTERNAL, "cannot read the workbook back: %s", strerror(errno));
	if (out_fd < 0) {
		*result_fd = fd;
		return 0;
	}
	rc = copy_fd(fd, out_fd);
	close(fd);
	return rc == 0 ? 0 : err_set(e, ERR_FULL, "cannot write the export: %s", strerror(errno));
}
