/*
 * test_hmac.c: SHA-256 against the NIST example messages, HMAC-SHA-256
 * against RFC 4231's test cases 1-7, the key file's rules and the
 * pseudonyms made with it (fb_hmac.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fb.h"
#include "tap.h"

static const char *
sha_hex(const void *data, size_t len)
{
	static char hex[2 * FB_SHA256_LEN + 1];
	unsigned char d[FB_SHA256_LEN];

	fb_sha256(data, len, d);
	fb_hex(d, sizeof(d), hex);
	return hex;
}

static const char *
hmac_hex(const void *key, size_t keylen, const void *data, size_t len,
    size_t outlen)
{
	static char hex[2 * FB_SHA256_LEN + 1];
	unsigned char d[FB_SHA256_LEN];

	fb_hmac_sha256(key, keylen, data, len, d);
	fb_hex(d, outlen, hex);
	return hex;
}

static void
test_sha256(void)
{
	static const char m448[] =
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	static const char m896[] =
	    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
	    "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	static const size_t chunks[] = { 1, 3, 63, 64, 65, 127, 1000, 7 };
	struct fb_sha256 c;
	unsigned char d[FB_SHA256_LEN];
	char hex[2 * FB_SHA256_LEN + 1], *a;
	size_t done = 0, k = 0;

	is_str(sha_hex("", 0),
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	    "SHA-256 of the empty message");
	is_str(sha_hex("abc", 3),
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    "SHA-256 of \"abc\"");
	is_str(sha_hex(m448, strlen(m448)),
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
	    "SHA-256 of the 448-bit message");
	is_str(sha_hex(m896, strlen(m896)),
	    "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
	    "SHA-256 of the 896-bit message");

	/* A million 'a' in odd-sized pieces: every buffering path is taken. */
	if ((a = malloc(1000000)) == NULL)
		abort();
	memset(a, 'a', 1000000);
	fb_sha256_init(&c);
	while (done < 1000000) {
		size_t n = chunks[k++ % (sizeof(chunks) / sizeof(chunks[0]))];

		if (n > 1000000 - done)
			n = 1000000 - done;
		fb_sha256_update(&c, a + done, n);
		done += n;
	}
	fb_sha256_final(&c, d);
	fb_hex(d, sizeof(d), hex);
	is_str(hex,
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
	    "SHA-256 of a million 'a' fed in odd-sized chunks");
	is_str(sha_hex(a, 1000000),
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
	    "SHA-256 of a million 'a' in one piece");
	free(a);

	/*
	 * Lengths around the padding boundary (55, 56, 64 bytes) agree in one
	 * piece and bytewise.
	 */
	for (k = 54; k <= 66; k++) {
		char msg[80];
		size_t i;

		memset(msg, 'x', k);
		fb_sha256_init(&c);
		for (i = 0; i < k; i++)
			fb_sha256_update(&c, msg + i, 1);
		fb_sha256_final(&c, d);
		fb_hex(d, sizeof(d), hex);
		is_str(hex, sha_hex(msg, k),
		    "SHA-256 of %zu bytes, byte by byte", k);
	}
}

static void
test_rfc4231(void)
{
	unsigned char key[131], data[50];
	static const char big_key_msg[] =
	    "Test Using Larger Than Block-Size Key - Hash Key First";
	static const char big_data_msg[] =
	    "This is a test using a larger than block-size key and a larger "
	    "than block-size data. The key needs to be hashed before being "
	    "used by the HMAC algorithm.";
	size_t i;

	memset(key, 0x0b, 20);
	is_str(hmac_hex(key, 20, "Hi There", 8, 32),
	    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
	    "RFC 4231 test case 1");
	is_str(hmac_hex("Jefe", 4, "what do ya want for nothing?", 28, 32),
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
	    "RFC 4231 test case 2");
	memset(key, 0xaa, 20);
	memset(data, 0xdd, 50);
	is_str(hmac_hex(key, 20, data, 50, 32),
	    "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
	    "RFC 4231 test case 3");
	for (i = 0; i < 25; i++)
		key[i] = (unsigned char)(i + 1);
	memset(data, 0xcd, 50);
	is_str(hmac_hex(key, 25, data, 50, 32),
	    "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
	    "RFC 4231 test case 4");
	memset(key, 0x0c, 20);
	is_str(hmac_hex(key, 20, "Test With Truncation", 20, 16),
	    "a3b6167473100ee06e0c796c2955552b",
	    "RFC 4231 test case 5 (truncated to 128 bits)");
	memset(key, 0xaa, 131);
	is_str(hmac_hex(key, 131, big_key_msg, strlen(big_key_msg), 32),
	    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
	    "RFC 4231 test case 6 (key larger than a block)");
	is_str(hmac_hex(key, 131, big_data_msg, strlen(big_data_msg), 32),
	    "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
	    "RFC 4231 test case 7 (key and data larger than a block)");
}

/* Writes 'len' bytes to a new file with 'mode'; returns its path. */
static const char *
key_file(const char *dir, const char *name, const void *data, size_t len,
    mode_t mode)
{
	static char path[4][256];
	static int slot;
	char *p = path[slot++ % 4];
	FILE *f;

	snprintf(p, 256, "%s/%s", dir, name);
	if ((f = fopen(p, "wb")) == NULL || fwrite(data, 1, len, f) != len ||
	    fclose(f) != 0 || chmod(p, mode) < 0)
		abort();
	return p;
}

static void
test_key_file(void)
{
	char dir[] = "/tmp/fb-unit-hmac-XXXXXX", pseud[FB_PSEUDONYM_LEN + 1];
	char again[FB_PSEUDONYM_LEN + 1], path[300];
	unsigned char raw[32], mac[FB_SHA256_LEN];
	char want[FB_PSEUDONYM_LEN + 1];
	struct fb_error err;
	struct fb_hmac key;
	const char *p;
	char *big;
	size_t i;

	if (mkdtemp(dir) == NULL)
		abort();
	for (i = 0; i < sizeof(raw); i++)
		/* NUL, newline and high bytes */
		raw[i] = (unsigned char)(i * 37);
	raw[5] = '\n';
	p = key_file(dir, "good.key", raw, sizeof(raw), 0600);
	ok(fb_hmac_key_load(p, &key, &err) == 0,
	    "a 32-byte binary key in a 0600 file loads");

	fb_hmac_sha256(raw, sizeof(raw), "c-1001", 6, mac);
	want[0] = 'h';
	want[1] = ':';
	fb_hex(mac, 16, want + 2);
	is_int((intmax_t)fb_pseudonym(&key, "c-1001", 6, pseud),
	    FB_PSEUDONYM_LEN, "a pseudonym is 34 characters");
	is_str(pseud, want, "the pseudonym is h: and the first 128 bits of the "
	    "HMAC of the raw id with every key byte");
	fb_pseudonym(&key, "c-1001", 6, again);
	is_str(again, pseud, "same key, same id: same pseudonym");
	fb_pseudonym(&key, pseud, strlen(pseud), again);
	is_str(again, pseud, "a pseudonym is left as it is");
	fb_pseudonym(&key, "c-1002", 6, again);
	ok(strcmp(again, pseud) != 0, "another id, another pseudonym");
	ok(fb_is_pseudonym(pseud, strlen(pseud)), "fb_is_pseudonym knows one");
	ok(!fb_is_pseudonym("h:0123456789ABCDEF0123456789abcdef", 34),
	    "upper-case hex is no pseudonym (so it is hashed)");
	ok(!fb_is_pseudonym("h:0123", 6), "a short h: value is no pseudonym");

	p = key_file(dir, "open.key", raw, sizeof(raw), 0640);
	ok(fb_hmac_key_load(p, &key, &err) < 0 && strstr(err.msg, "chmod 600")
	    != NULL, "a key the group can read is refused, saying chmod 600");
	diag("%s", err.msg);
	p = key_file(dir, "world.key", raw, sizeof(raw), 0604);
	ok(fb_hmac_key_load(p, &key, &err) < 0,
	    "a key others can read is refused");
	p = key_file(dir, "short.key", raw, 15, 0600);
	ok(fb_hmac_key_load(p, &key, &err) < 0 && strstr(err.msg, "16") != NULL,
	    "a key of 15 bytes is refused");
	p = key_file(dir, "sixteen.key", raw, 16, 0600);
	ok(fb_hmac_key_load(p, &key, &err) == 0, "a key of 16 bytes loads");
	if ((big = calloc(1, 1024 * 1024 + 1)) == NULL)
		abort();
	p = key_file(dir, "mega.key", big, 1024 * 1024, 0600);
	ok(fb_hmac_key_load(p, &key, &err) == 0, "a key of 1M loads");
	p = key_file(dir, "huge.key", big, 1024 * 1024 + 1, 0600);
	ok(fb_hmac_key_load(p, &key, &err) < 0, "a key over 1M is refused");
	free(big);
	snprintf(path, sizeof(path), "%s/none.key", dir);
	ok(fb_hmac_key_load(path, &key, &err) < 0 &&
	    strstr(err.msg, "none.key") != NULL, "a missing key file is named");
	ok(fb_hmac_key_load(dir, &key, &err) < 0, "a directory is no key file");

	/* The store and the key */
	snprintf(path, sizeof(path), "%s/good.key", dir);
	ok(fb_path_inside(path, dir), "a file in the directory is inside it");
	snprintf(path, sizeof(path), "%s/./x.key", dir);
	ok(fb_path_inside(path, dir),
	    "a file not yet made is judged by its directory");
	ok(!fb_path_inside(path, "/nonexistent-fb-store"),
	    "no directory, nothing inside");
	ok(!fb_path_inside("/etc/passwd", dir),
	    "a file elsewhere is not inside");

	{
		static const char *const names[] = { "good.key", "open.key",
		    "world.key", "short.key", "sixteen.key", "mega.key",
		    "huge.key", NULL };

		for (i = 0; names[i] != NULL; i++) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
			unlink(path);
		}
	}
	rmdir(dir);
}

int
main(void)
{
	test_sha256();
	test_rfc4231();
	test_key_file();
	return done_testing();
}
