/* unit.h: what every cmocka unit test includes. */
#ifndef AGORA_UNIT_H
#define AGORA_UNIT_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Removes a folder the test made, and everything in it. */
static void
unit_rm_rf(const char *path)
{
	struct dirent *de;
	struct stat st;
	char p[512];
	DIR *d;

	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", path, de->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			unit_rm_rf(p);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(path);
}
#endif
