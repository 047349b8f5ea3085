/* replay.c: a main() for the fuzz harnesses without libFuzzer, so the normal build (gcc, no
 * sanitizer runtime needed) replays their seed corpora in `make test`. Each argument is a file
 * or a folder whose regular files are read (not recursively, in name order); every file is given
 * once to LLVMFuzzerTestOneInput. A broken property aborts (FUZZ_CHECK), which fails the run.
 * Prints "replayed N inputs" and exits 0, or 2 when an argument cannot be read or names no input.
 * LLVMFuzzerInitialize is weak: a harness need not define it. */
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

#include "fuzz.h"

__attribute__((weak)) int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* Reads the file at path into a buffer of exactly its size (so an over-read is caught under a
 * sanitizer) and gives it to the harness. Returns 0, or -1 when the file cannot be read. */
static int
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	long size;
	int rc = -1;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		goto out;
	/* at least one byte so malloc(0) is never asked; the harness sees size bytes */
	if ((data = malloc((size_t)size > 0 ? (size_t)size : 1)) == NULL)
		goto out;
	if (size > 0 && fread(data, 1, (size_t)size, f) != (size_t)size)
		goto out;
	LLVMFuzzerTestOneInput(data, (size_t)size);
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "replay: cannot read %s: %s\n", path, strerror(errno));
	free(data);
	if (f != NULL)
		fclose(f);
	return rc;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Replays every regular file in dir; adds their count to *n. Returns 0 or -1. */
static int
replay_dir(const char *dir, int *n)
{
	struct dirent **names = NULL;
	int count = scandir(dir, &names, NULL, by_name), rc = 0;

	if (count < 0) {
		fprintf(stderr, "replay: cannot list %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < count; i++) {
		char path[4096];
		struct stat st;
		if (names[i]->d_name[0] != '.' &&
		    snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name) < (int)sizeof(path) &&
		    stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(path) != 0)
				rc = -1;
			else
				(*n)++;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	struct stat st;
	int n = 0, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE-OR-FOLDER...\n", argv[0]);
		return 2;
	}
	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			if (replay_dir(argv[i], &n) != 0)
				rc = -1;
		} else if (replay_file(argv[i]) == 0) {
			n++;
		} else {
			rc = -1;
		}
	}
	printf("replayed %d inputs\n", n);
	return rc == 0 && n > 0 ? 0 : 2;
}
