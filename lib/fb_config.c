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

/* The directory of the running binary, into 'exe'; 0, or -1. */
static int
exe_dir(char *exe, size_t size)
{
	ssize_t n;
	char *slash;

	n = readlink("/proc/self/exe", exe, size - 1);
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return -1;
	*slash = '\0';
	return 0;
}

int
fb_config_find(const char *name, char *out, size_t outsz)
{
	const char *env = getenv("FB_CONFIG_DIR");
	char exe[PATH_MAX];

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
	if (exe_dir(exe, sizeof(exe)) == 0 &&
	    try_dir(exe, "/../share/fb", name, out, outsz) == 0)
		return 0;
	return try_dir(FB_DATADIR, "", name, out, outsz);
}

void
fb_config_not_found(struct fb_error *err, const char *what, const char *name)
{
	const char *env = getenv("FB_CONFIG_DIR"), *home = getenv("HOME");
	const char *datadir = getenv("FB_DATADIR");
	char exe[PATH_MAX], dirs[1024], *slash;
	size_t n = 0;

	if (env != NULL && *env != '\0')
		n += (size_t)snprintf(dirs, sizeof(dirs), "%s", env);
	else
		n += (size_t)snprintf(dirs, sizeof(dirs), "/etc/fb, %s/.config/fb",
		    home != NULL ? home : "~");
	if (n < sizeof(dirs) && datadir != NULL && *datadir != '\0')
		n += (size_t)snprintf(dirs + n, sizeof(dirs) - n, ", %s",
		    datadir);
	/* bin/../share/fb as a person would write it */
	if (n < sizeof(dirs) && exe_dir(exe, sizeof(exe)) == 0 &&
	    (slash = strrchr(exe, '/')) != NULL) {
		*slash = '\0';
		n += (size_t)snprintf(dirs + n, sizeof(dirs) - n,
		    ", %s/share/fb", exe);
	}
	if (n < sizeof(dirs))
		snprintf(dirs + n, sizeof(dirs) - n, " or %s", FB_DATADIR);
	fb_error_set(err, "cannot find %s '%s' in %s", what, name, dirs);
}
