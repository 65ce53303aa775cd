/*
 * fuzz_mail.c: one message through the e-mail parser (fb_mail_parse:
 * headers, RFC 2047 words, MIME parts, quoted-printable, base64,
 * charsets by iconv) and the loose date parser on its Date header, as
 * fb-ingest reads a .eml file.
 *
 * Beyond "no crash" it checks what fb-ingest relies on: after success no
 * string is NULL and each is valid UTF-8 without NUL bytes (they become
 * record fields), the attachment counts are not negative, and after
 * failure the struct is zeroed with a reason given.
 */
#include "fuzz.h"
#include "fb.h"

static void
check_str(const char *s)
{
	size_t len;

	FUZZ_CHECK(s != NULL);
	len = strlen(s);
	FUZZ_CHECK(fb_utf8_check(s, len) == len);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (fb_tz_set("Asia/Shanghai", NULL) < 0 && fb_tz_set("UTC", NULL) < 0)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fb_mail mail;
	struct fb_error err;
	fb_time_t t;

	memset(&mail, 0xa5, sizeof(mail));
	err.msg[0] = '\0';
	if (fb_mail_parse((const char *)data, size, &mail, &err) < 0) {
		FUZZ_CHECK(err.msg[0] != '\0');
		FUZZ_CHECK(mail.from == NULL && mail.body == NULL &&
		    mail.subject == NULL && mail.date == NULL);
		fb_mail_release(&mail);
		return 0;
	}
	check_str(mail.from);
	check_str(mail.from_name);
	check_str(mail.date);
	check_str(mail.subject);
	check_str(mail.message_id);
	check_str(mail.body);
	FUZZ_CHECK(mail.images >= 0 && mail.videos >= 0 && mail.others >= 0);
	if (*mail.date != '\0')
		(void)fb_time_parse_loose(mail.date, &t, &err);
	fb_mail_release(&mail);
	FUZZ_CHECK(mail.body == NULL);
	return 0;
}
