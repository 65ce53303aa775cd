/*
 * fb_id.c: the stable id of a feedback item, shared by fb-ingest (which
 * gives it) and fb-gen (which writes records as fb-ingest would).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb.h"

void
fb_feedback_id(const char *channel, const char *ref, const char *customer,
    const char *ts, const char *text, unsigned long line, char id[24])
{
	static const char hex[] = "0123456789abcdef";
	const char *parts[4];
	char small[1024], *key = small, where[32];
	size_t n = 0, k, total = 0;
	uint64_t h[2];
	int i, by_ref = ref != NULL && *ref != '\0';

	parts[0] = channel;
	if (by_ref) {
		parts[1] = ref;
		parts[2] = parts[3] = "";
	} else {
		parts[1] = customer != NULL ? customer : "";
		parts[2] = ts != NULL ? ts : "";
		parts[3] = text != NULL ? text : "";
		/*
		 * A bare line of text has nothing but its place to tell it
		 * from the same words on another line.
		 */
		if (*parts[1] == '\0' && *parts[2] == '\0') {
			snprintf(where, sizeof(where), "line %lu", line);
			parts[1] = where;
		}
	}
	for (k = 0; k < 4; k++)
		total += strlen(parts[k]) + 1;
	if (total > sizeof(small) && (key = malloc(total)) == NULL) {
		/* Without memory the text's first kilobyte still tells items apart. */
		key = small;
		total = sizeof(small);
	}
	for (k = 0; k < 4 && n < total; k++) {
		size_t l = strlen(parts[k]);

		if (l > total - n - 1)
			l = total - n - 1;
		memcpy(key + n, parts[k], l);
		n += l;
		key[n++] = '\0';	/* keeps "ab"+"c" apart from "a"+"bc" */
	}
	fb_hash128(key, n, by_ref ? 11 : 12, h);
	if (key != small)
		free(key);
	memcpy(id, "fb-", 3);
	for (i = 0; i < 16; i++)
		id[3 + i] = hex[(h[0] >> (60 - 4 * i)) & 15];
	id[19] = '\0';
}
