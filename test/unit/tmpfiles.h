/*
 * tmpfiles.h: a scratch directory of files for the unit tests that read
 * files (the line reader, tables): paths in it, plain and gzip writers,
 * and the cleaning up.
 */
#ifndef FB_TEST_TMPFILES_H
#define FB_TEST_TMPFILES_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

static char tmp_dir[64];
static char *tmp_made[256];
static size_t tmp_nmade;

/* Makes the directory /tmp/fb-unit-NAME-XXXXXX; aborts when it cannot. */
static inline void
tmp_init(const char *name)
{
	snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/fb-unit-%s-XXXXXX", name);
	if (mkdtemp(tmp_dir) == NULL)
		abort();
}

/* A path in the directory, remembered for tmp_cleanup(); the same name gives the same path. */
static inline const char *
tpath(const char *name)
{
	char *p = malloc(strlen(tmp_dir) + strlen(name) + 2);
	size_t i;

	if (p == NULL)
		abort();
	sprintf(p, "%s/%s", tmp_dir, name);
	for (i = 0; i < tmp_nmade; i++)
		if (strcmp(tmp_made[i], p) == 0) {
			free(p);
			return tmp_made[i];
		}
	if (tmp_nmade == sizeof(tmp_made) / sizeof(tmp_made[0]))
		abort();
	tmp_made[tmp_nmade++] = p;
	return p;
}

static inline void
write_plain(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len || close(fd) < 0)
		abort();
}

/* Writes 'data' gzip-compressed; 'mode' "ab" adds a second gzip member. */
static inline void
write_gz(const char *path, const char *mode, const char *data, size_t len)
{
	gzFile gz = gzopen(path, mode);

	if (gz == NULL)
		abort();
	while (len > 0) {
		unsigned n = len > (1u << 20) ? (1u << 20) : (unsigned)len;

		if (gzwrite(gz, data, n) != (int)n)
			abort();
		data += n;
		len -= n;
	}
	if (gzclose(gz) != Z_OK)
		abort();
}

/* Removes every file tpath() named, and the directory. */
static inline void
tmp_cleanup(void)
{
	size_t i;

	for (i = 0; i < tmp_nmade; i++) {
		unlink(tmp_made[i]);
		free(tmp_made[i]);
	}
	rmdir(tmp_dir);
}

#endif /* FB_TEST_TMPFILES_H */
