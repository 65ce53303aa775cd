/*
 * fuzz_phrases.c: a rule file (tags, emotions, lexicon sections with
 * weights, as tags.*.rules and lexicon.*.rules hold them) through
 * fb_phrases_load_mem and fb_phrases_compile (the Aho-Corasick
 * automaton), then the analysis of a few texts and of the rule text
 * itself, as fb-tag runs it.
 *
 * Beyond "no crash" it checks that a failure says where (line > 0 in a
 * "NAME:LINE:" message), that every phrase loaded belongs to a section,
 * and that every hit lies inside its text and names a loaded phrase.
 */
#include "fuzz.h"
#include "fb.h"

static void
analyze(const struct fb_phrases *ps, struct fb_analysis *a, const char *text,
    size_t len)
{
	size_t k;

	FUZZ_CHECK(fb_analyze(ps, text, len, a) == 0);
	for (k = 0; k < a->nhits; k++) {
		FUZZ_CHECK(a->hits[k].start < a->hits[k].end);
		FUZZ_CHECK(a->hits[k].end <= a->text.n);
		FUZZ_CHECK(a->hits[k].phrase < ps->nphrases);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const texts[] = {
		"包装没有破损，但是送得太慢了，汤都洒了！不是很满意",
		"The delivery was NOT slow at all, but the app crashes!!",
		"一点也不好用 very very good 非常 不 ",
		"",
	};
	struct fb_phrases ps;
	struct fb_analysis a;
	struct fb_error err;
	size_t k;

	fb_phrases_init(&ps);
	err.msg[0] = '\0';
	if (fb_phrases_load_mem(&ps, "fuzz.rules", (const char *)data, size,
	    &err) < 0) {
		FUZZ_CHECK(strncmp(err.msg, "fuzz.rules", 10) == 0);
		goto done;
	}
	for (k = 0; k < ps.nphrases; k++)
		FUZZ_CHECK(ps.phrases[k].section < ps.nsections);
	if (fb_phrases_compile(&ps, &err) < 0)
		goto done;
	fb_analysis_init(&a);
	for (k = 0; k < sizeof(texts) / sizeof(texts[0]); k++)
		analyze(&ps, &a, texts[k], strlen(texts[k]));
	analyze(&ps, &a, (const char *)data, size);
	fb_analysis_release(&a);
done:
	fb_phrases_release(&ps);
	return 0;
}
