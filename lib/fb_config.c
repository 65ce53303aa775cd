/*
 * fb_config.c: where rule files, policies and models are found.
 *
 * Users override what the package ships: $FB_CONFIG_DIR (else /etc/fb,
 * then ~/.config/fb) beats $FB_DATADIR, which beats share/fb beside the
 * binary (so bin/fb-x finds the source tree's data before `make install`),
 * which beats the DATADIR compiled in.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fb.h"

#ifndef FB_DATADIR
#define FB_DATADIR "/usr/local/share/fb"
#endif

static int
try_dir(const char *dir, const char *sub, const char *name, char *out,
    size_t outsz)
{
	struct stat sb;
	int n;

	if (dir == NULL || *dir == '\0')
		return -1;
	n = snprintf(out, outsz, "%s%s/%s", dir, sub, name);
	if (n < 0 || (size_t)n >= outsz)
		return -1;
	if (stat(out, &sb) != 0 || !S_ISREG(sb.st_mode))
		return -1;
	/* "bin/../share/fb/x" reads badly in FILE:LINE messages */
	if (strstr(out, "/../") != NULL) {
		char canon[PATH_MAX];

		if (realpath(out, canon) != NULL && strlen(canon) < outsz)
			strcpy(out, canon);
	}
	return 0;
}

int
fb_config_find(const char *name, char *out, size_t outsz)
{
	const char *env = getenv("FB_CONFIG_DIR");
	char exe[PATH_MAX];
	ssize_t n;

	/* A name from the user never climbs out of the directories searched. */
	if (strstr(name, "..") != NULL || name[0] == '/')
		return -1;
	if (env != NULL && *env != '\0') {
		if (try_dir(env, "", name, out, outsz) == 0)
			return 0;
	} else if (try_dir("/etc/fb", "", name, out, outsz) == 0 ||
	    try_dir(getenv("HOME"), "/.config/fb", name, out, outsz) == 0)
		return 0;
	if (try_dir(getenv("FB_DATADIR"), "", name, out, outsz) == 0)
		return 0;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			if (try_dir(exe, "/../share/fb", name, out, outsz) == 0)
				return 0;
		}
	}
	return try_dir(FB_DATADIR, "", name, out, outsz);
}
