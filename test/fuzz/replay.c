/*
 * replay.c: runs a fuzz target's LLVMFuzzerTestOneInput() on each file
 * named, and on every file inside each directory named, without
 * libFuzzer.  Linked with each target by the normal compiler, it lets
 * make check replay the seed corpora and every input that once found a
 * bug (test/fuzz/regress/), with SANITIZE=1 under ASan and UBSan too.
 * A broken invariant aborts; a clean run prints how many inputs it ran.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional in a target: weak, so that a target without it links. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static unsigned long replayed;

static int
replay_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (fp == NULL) {
		fprintf(stderr, "replay: cannot open '%s': %s\n", path,
		    strerror(errno));
		return -1;
	}
	do {
		if (len + 65536 > cap) {
			cap = (len + 65536) * 2;
			if ((buf = realloc(buf, cap)) == NULL) {
				fprintf(stderr, "replay: out of memory\n");
				exit(2);
			}
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
	} while (n > 0);
	if (ferror(fp)) {
		fprintf(stderr, "replay: cannot read '%s': %s\n", path,
		    strerror(errno));
		fclose(fp);
		free(buf);
		return -1;
	}
	fclose(fp);
	/* An exact-size copy, so ASan sees a read past the input's end. */
	{
		unsigned char *in = malloc(len ? len : 1);

		if (in == NULL) {
			fprintf(stderr, "replay: out of memory\n");
			exit(2);
		}
		memcpy(in, buf, len);
		free(buf);
		LLVMFuzzerTestOneInput(in, len);
		free(in);
	}
	replayed++;
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, k;
	int rc = 0;

	if (d == NULL) {
		fprintf(stderr, "replay: cannot open '%s': %s\n", dir,
		    strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(dir) + strlen(de->d_name) + 2;

		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = realloc(names, cap * sizeof(*names));
			if (names == NULL) {
				fprintf(stderr, "replay: out of memory\n");
				exit(2);
			}
		}
		if ((names[n] = malloc(len)) == NULL) {
			fprintf(stderr, "replay: out of memory\n");
			exit(2);
		}
		snprintf(names[n++], len, "%s/%s", dir, de->d_name);
	}
	closedir(d);
	/* Sorted, so a failure reproduces in the same order. */
	qsort(names, n, sizeof(*names), by_name);
	for (k = 0; k < n; k++) {
		struct stat sb;

		if (stat(names[k], &sb) == 0 && S_ISREG(sb.st_mode) &&
		    replay_file(names[k]) < 0)
			rc = -1;
		free(names[k]);
	}
	free(names);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct stat sb;
	int k, rc = 0;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (k = 1; k < argc; k++) {
		if (stat(argv[k], &sb) < 0) {
			/* A target with no regression input has no folder. */
			if (errno == ENOENT)
				continue;
			fprintf(stderr, "replay: cannot stat '%s': %s\n",
			    argv[k], strerror(errno));
			rc = 1;
		} else if (S_ISDIR(sb.st_mode) ? replay_dir(argv[k]) < 0 :
		    replay_file(argv[k]) < 0)
			rc = 1;
	}
	printf("%lu inputs\n", replayed);
	return rc;
}
