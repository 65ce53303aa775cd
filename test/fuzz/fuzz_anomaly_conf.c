/*
 * fuzz_anomaly_conf.c: an alarm policy (anomaly.conf: "[detector]"
 * sections and "key value ..." lines, as fb_words_split reads them)
 * through fb-anomaly's load_policy.  The loader is static in
 * cmd/fb-anomaly/main.c, so this target includes that file with its
 * main() renamed and links the detectors beside it.
 *
 * Beyond "no crash" it checks that a failure names the file, and that
 * each setting loaded belongs to a known detector, has a value and is
 * found again by an_conf_words().
 */
#include "fuzz.h"

#define main fb_anomaly_main
int fb_anomaly_main(int argc, char *argv[]);
#include "../../cmd/fb-anomaly/main.c"
#undef main

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct an_conf c;
	struct fb_error err;
	size_t i;

	memset(&c, 0, sizeof(c));
	err.msg[0] = '\0';
	if (load_policy(&c, fuzz_file("anomaly.conf", data, size), &err) < 0) {
		FUZZ_CHECK(strstr(err.msg, "anomaly.conf") != NULL);
		conf_release(&c);
		return 0;
	}
	for (i = 0; i < c.n; i++) {
		const char *const *w;

		FUZZ_CHECK(known_detector(c.v[i].section));
		FUZZ_CHECK(c.v[i].words[0] != NULL);
		w = an_conf_words(&c, c.v[i].section, c.v[i].key);
		FUZZ_CHECK(w != NULL && w[0] != NULL);
	}
	conf_release(&c);
	return 0;
}
