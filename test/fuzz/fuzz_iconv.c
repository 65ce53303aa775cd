/*
 * fuzz_iconv.c: bytes in a charset that exports use (the first byte
 * picks GB18030, GBK, Big5, Latin-1, Windows-1252, Shift_JIS, UTF-16 or
 * UTF-8) through fb_to_utf8, as fb-ingest --encoding and the mail parser
 * call it, then through the text cleaner (fb_text_clean) and the
 * redactor (fb_text_redact) as fb-ingest treats customer text.
 *
 * Beyond "no crash" it checks that a conversion that succeeds gives
 * valid, NUL-terminated UTF-8; that one that fails says where; that
 * cleaning never lengthens the text and keeps it valid UTF-8 with no
 * controls left; and that redaction keeps the length.
 */
#include "fuzz.h"
#include "fb.h"

static const char *const charsets[] = {
	"gb18030", "gbk", "big5", "iso-8859-1", "windows-1252", "shift_jis",
	"utf-16", "utf-8", "gb2312", "utf-16le",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fb_error err;
	char *out, *red;
	size_t outlen, len, redlen, k;
	int found;

	if (size < 1)
		return 0;
	err.msg[0] = '\0';
	if (fb_to_utf8(charsets[data[0] % (sizeof(charsets) /
	    sizeof(charsets[0]))], (const char *)data + 1, size - 1, &out,
	    &outlen, &err) < 0) {
		FUZZ_CHECK(err.msg[0] != '\0');
		return 0;
	}
	FUZZ_CHECK(out[outlen] == '\0');
	FUZZ_CHECK(fb_utf8_check(out, outlen) == outlen);
	/* Record text holds no NUL: fb-ingest cuts there, as strlen does. */
	len = fb_text_clean(out, strlen(out));
	FUZZ_CHECK(len <= outlen && out[len] == '\0');
	FUZZ_CHECK(fb_utf8_check(out, len) == len);
	for (k = 0; k < len; k++)
		FUZZ_CHECK((unsigned char)out[k] >= 0x20 && out[k] != 0x7f);
	FUZZ_CHECK(len == 0 || (out[0] != ' ' && out[len - 1] != ' '));
	red = fb_text_redact(out, len, FB_REDACT_ALL, &redlen, &found);
	FUZZ_CHECK(red != NULL && redlen == len && red[redlen] == '\0');
	FUZZ_CHECK(fb_utf8_check(red, redlen) == redlen);
	FUZZ_CHECK(found >= 0);
	(void)fb_text_lang(out, len);
	(void)fb_utf8_width(out, len);
	free(red);
	free(out);
	return 0;
}
