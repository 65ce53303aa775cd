/*
 * fuzz_model.c: a sentiment model file through fb_model_load (header
 * fields, sizes, the hashed weights).  The first byte is not part of the
 * file: when odd, the target writes the right CRC-32 over the file's last
 * four bytes, so that mutations get past the checksum to the fields.
 *
 * Beyond "no crash" it checks that a model that loads has its header in
 * the documented ranges (2^10 to 2^26 weights, n-grams 1 to 8, a
 * language name that is a C string) and that a failure names the file.
 */
#include "fuzz.h"

#include <zlib.h>

#include "fb.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fb_error err;
	struct fb_model *m;

	unsigned char *file;
	size_t len;

	if (size < 1)
		return 0;
	len = size - 1;
	if ((file = malloc(len + 1)) == NULL)
		abort();
	memcpy(file, data + 1, len);
	if ((data[0] & 1) && len >= 4) {
		uLong crc = crc32(0, file, (uInt)(len - 4));

		file[len - 4] = (unsigned char)crc;
		file[len - 3] = (unsigned char)(crc >> 8);
		file[len - 2] = (unsigned char)(crc >> 16);
		file[len - 1] = (unsigned char)(crc >> 24);
	}
	err.msg[0] = '\0';
	m = fb_model_load(fuzz_file("fuzz.model", file, len), &err);
	free(file);
	if (m == NULL) {
		FUZZ_CHECK(strstr(err.msg, "fuzz.model") != NULL);
		return 0;
	}
	FUZZ_CHECK(m->bits >= 10 && m->bits <= 26);
	FUZZ_CHECK(m->nmin >= 1 && m->nmin <= m->nmax && m->nmax <= 8);
	FUZZ_CHECK(memchr(m->lang, '\0', sizeof(m->lang)) != NULL);
	FUZZ_CHECK(m->w != NULL);
	fb_model_free(m);
	return 0;
}
