/* fuzz_dir.h: a fresh folder for a harness's files, under /dev/shm when there is one (a blob's
 * fsync costs nothing there), removed with its contents when the process exits. */
#ifndef AGORA_FUZZ_DIR_H
#define AGORA_FUZZ_DIR_H
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char fuzz_dir_path[64];

/* Removes path and, when it is a folder, everything in it (symbolic links are not followed). */
static void
fuzz_dir_rm(const char *path)
{
	struct stat st;
	struct dirent *d;
	DIR *dir;

	if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && (dir = opendir(path)) != NULL) {
		while ((d = readdir(dir)) != NULL) {
			char sub[4096];
			if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0 &&
			    snprintf(sub, sizeof(sub), "%s/%s", path, d->d_name) < (int)sizeof(sub))
				fuzz_dir_rm(sub);
		}
		closedir(dir);
	}
	remove(path);
}

static void
fuzz_dir_remove(void)
{
	fuzz_dir_rm(fuzz_dir_path);
}

/* Makes the folder (name.XXXXXX) and returns its path (static); aborts when it cannot. */
static const char *
fuzz_dir(const char *name)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

	snprintf(fuzz_dir_path, sizeof(fuzz_dir_path), "%s/%s.XXXXXX", base, name);
	if (mkdtemp(fuzz_dir_path) == NULL)
		abort();
	atexit(fuzz_dir_remove);
	return fuzz_dir_path;
}

#endif
