/*
 * fuzz.h: what the fuzz targets share: the libFuzzer entry points, a
 * check that names the broken invariant before aborting, and a private
 * scratch directory for the parsers that read files by name.
 *
 * Each target is one translation unit, so the helpers are static inline:
 * a target that does not use one pays nothing.
 */
#ifndef FUZZ_H
#define FUZZ_H

/* nftw(); fuzz.h comes before any other header in a target. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/*
 * An invariant that must hold whatever the input: a broken one is a
 * finding, reported like a crash (libFuzzer saves the input).
 */
#define FUZZ_CHECK(cond) \
	((cond) ? (void)0 : fuzz_fail(__FILE__, __LINE__, #cond))

__attribute__((noreturn)) static inline void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
	abort();
}

static char fuzz_scratch[4096];

static inline int
fuzz_rm_one(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static inline void
fuzz_rm_scratch(void)
{
	if (fuzz_scratch[0] != '\0')
		nftw(fuzz_scratch, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * The scratch directory of this process, made on first use, gone at
 * exit: in $TMPDIR, else in /dev/shm when there is one (the store's
 * fsyncs cost nothing on tmpfs), else in /tmp.
 */
static inline const char *
fuzz_dir(void)
{
	if (fuzz_scratch[0] == '\0') {
		const char *tmp = getenv("TMPDIR");

		if (tmp == NULL || *tmp == '\0')
			tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" :
			    "/tmp";
		snprintf(fuzz_scratch, sizeof(fuzz_scratch),
		    "%s/fb-fuzz-XXXXXX", tmp);
		if (mkdtemp(fuzz_scratch) == NULL) {
			perror("fuzz: mkdtemp");
			abort();
		}
		atexit(fuzz_rm_scratch);
	}
	return fuzz_scratch;
}

/* The path of 'name' in the scratch directory, in a static buffer. */
static inline const char *
fuzz_path(const char *name)
{
	static char path[4096 + 256];

	snprintf(path, sizeof(path), "%s/%s", fuzz_dir(), name);
	return path;
}

/* Writes 'size' bytes to the scratch file 'name'; returns its path. */
static inline const char *
fuzz_file(const char *name, const void *data, size_t size)
{
	const char *path = fuzz_path(name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || (size > 0 && write(fd, data, size) != (ssize_t)size) ||
	    close(fd) < 0) {
		perror(path);
		abort();
	}
	return path;
}

/*
 * Splits the input at the first occurrence of 'sep' (a separator the
 * corpus and dictionary use, e.g. "\n--fuzz--\n"): '*a' before it, '*b'
 * after; without it all is '*a' and '*b' is empty.
 */
static inline void
fuzz_split(const uint8_t *data, size_t size, const char *sep,
    const uint8_t **a, size_t *alen, const uint8_t **b, size_t *blen)
{
	size_t n = strlen(sep), i;

	for (i = 0; i + n <= size; i++)
		if (memcmp(data + i, sep, n) == 0) {
			*a = data;
			*alen = i;
			*b = data + i + n;
			*blen = size - i - n;
			return;
		}
	*a = data;
	*alen = size;
	*b = data + size;
	*blen = 0;
}

#endif /* FUZZ_H */
