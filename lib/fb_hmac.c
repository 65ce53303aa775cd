/*
 * fb_hmac.c: SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104), written
 * here from the standards so that pseudonyms need no crypto library; the
 * NIST and RFC 4231 vectors in test/unit/test_hmac.c keep it honest.
 * Also the key file that fb-ingest, fb-rank and fb-store share, and the
 * pseudonyms made with it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fb.h"

#define KEY_MIN 16
#define KEY_MAX (1024 * 1024)

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

static inline uint32_t
ror(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static void
sha256_block(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, hh, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^
		    (w[i - 15] >> 3);
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^
		    (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = h[0]; b = h[1]; c = h[2]; d = h[3];
	e = h[4]; f = h[5]; g = h[6]; hh = h[7];
	for (i = 0; i < 64; i++) {
		t1 = hh + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) +
		    ((e & f) ^ (~e & g)) + K[i] + w[i];
		t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) +
		    ((a & b) ^ (a & c) ^ (b & c));
		hh = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d;
	h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

void
fb_sha256_init(struct fb_sha256 *c)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
	};

	memcpy(c->h, iv, sizeof(iv));
	c->len = 0;
	c->nbuf = 0;
}

void
fb_sha256_update(struct fb_sha256 *c, const void *data, size_t len)
{
	const unsigned char *p = data;

	c->len += len;
	if (c->nbuf > 0) {
		size_t n = 64 - c->nbuf < len ? 64 - c->nbuf : len;

		memcpy(c->buf + c->nbuf, p, n);
		c->nbuf += n;
		p += n;
		len -= n;
		if (c->nbuf < 64)
			return;
		sha256_block(c->h, c->buf);
		c->nbuf = 0;
	}
	for (; len >= 64; p += 64, len -= 64)
		sha256_block(c->h, p);
	memcpy(c->buf, p, len);
	c->nbuf = len;
}

void
fb_sha256_final(struct fb_sha256 *c, unsigned char out[FB_SHA256_LEN])
{
	uint64_t bits = c->len * 8;
	int i;

	c->buf[c->nbuf++] = 0x80;
	if (c->nbuf > 56) {
		memset(c->buf + c->nbuf, 0, 64 - c->nbuf);
		sha256_block(c->h, c->buf);
		c->nbuf = 0;
	}
	memset(c->buf + c->nbuf, 0, 56 - c->nbuf);
	for (i = 0; i < 8; i++)
		c->buf[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_block(c->h, c->buf);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(c->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)c->h[i];
	}
}

void
fb_sha256(const void *data, size_t len, unsigned char out[FB_SHA256_LEN])
{
	struct fb_sha256 c;

	fb_sha256_init(&c);
	fb_sha256_update(&c, data, len);
	fb_sha256_final(&c, out);
}

void
fb_hmac_init(struct fb_hmac *h, const void *key, size_t keylen)
{
	unsigned char k[64], pad[64];
	size_t i;

	/* RFC 2104: a key longer than the block is hashed first. */
	memset(k, 0, sizeof(k));
	if (keylen > sizeof(k))
		fb_sha256(key, keylen, k);
	else if (keylen > 0)
		memcpy(k, key, keylen);
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x36;
	fb_sha256_init(&h->inner);
	fb_sha256_update(&h->inner, pad, 64);
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x5c;
	fb_sha256_init(&h->outer);
	fb_sha256_update(&h->outer, pad, 64);
	fb_memzero(k, sizeof(k));
	fb_memzero(pad, sizeof(pad));
}

void
fb_hmac_sha256_keyed(const struct fb_hmac *h, const void *data, size_t len,
    unsigned char out[FB_SHA256_LEN])
{
	struct fb_sha256 c;
	unsigned char inner[FB_SHA256_LEN];

	c = h->inner;
	fb_sha256_update(&c, data, len);
	fb_sha256_final(&c, inner);
	c = h->outer;
	fb_sha256_update(&c, inner, sizeof(inner));
	fb_sha256_final(&c, out);
}

void
fb_hmac_sha256(const void *key, size_t keylen, const void *data, size_t len,
    unsigned char out[FB_SHA256_LEN])
{
	struct fb_hmac h;

	fb_hmac_init(&h, key, keylen);
	fb_hmac_sha256_keyed(&h, data, len, out);
	fb_memzero(&h, sizeof(h));
}

void
fb_memzero(void *p, size_t len)
{
	/*
	 * A volatile pointer: the compiler may not drop stores to dying
	 * memory.
	 */
	volatile unsigned char *v = p;

	while (len-- > 0)
		*v++ = 0;
}

void
fb_hex(const unsigned char *bytes, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[2 * n] = '\0';
}

int
fb_hmac_key_load(const char *path, struct fb_hmac *key, struct fb_error *err)
{
	unsigned char *buf;
	struct stat sb;
	size_t len = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return fb_error_set(err, "cannot open key file '%s': %s", path,
		    strerror(errno));
	if (fstat(fd, &sb) < 0) {
		close(fd);
		return fb_error_set(err, "cannot read key file '%s': %s", path,
		    strerror(errno));
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		return fb_error_set(err, "key file '%s' is not a regular file",
		    path);
	}
	/* As ssh does with private keys: a key others can read is no secret. */
	if (sb.st_mode & 077) {
		close(fd);
		return fb_error_set(err, "key file '%s' is accessible by group "
		    "or others (mode %03o); run: chmod 600 '%s'", path,
		    (unsigned)(sb.st_mode & 0777), path);
	}
	if ((buf = malloc(KEY_MAX + 1)) == NULL) {
		close(fd);
		return fb_error_set(err, "out of memory");
	}
	while (len <= KEY_MAX &&
	    (n = read(fd, buf + len, KEY_MAX + 1 - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fb_error_set(err, "cannot read key file '%s': %s", path,
			    strerror(errno));
			goto fail;
		}
		len += (size_t)n;
	}
	if (len < KEY_MIN) {
		fb_error_set(err, "key file '%s' holds %zu bytes; a key needs "
		    "at least %d (head -c 32 /dev/urandom > KEYFILE)", path,
		    len, KEY_MIN);
		goto fail;
	}
	if (len > KEY_MAX) {
		fb_error_set(err, "key file '%s' is larger than 1M; not a key",
		    path);
		goto fail;
	}
	/* The bytes as they are: a newline at the end is part of the key. */
	fb_hmac_init(key, buf, len);
	fb_memzero(buf, len);
	free(buf);
	close(fd);
	return 0;
fail:
	fb_memzero(buf, len);
	free(buf);
	close(fd);
	return -1;
}

int
fb_is_pseudonym(const char *s, size_t len)
{
	size_t i;

	if (len != FB_PSEUDONYM_LEN || s[0] != 'h' || s[1] != ':')
		return 0;
	for (i = 2; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

size_t
fb_pseudonym(const struct fb_hmac *key, const char *id, size_t len,
    char out[FB_PSEUDONYM_LEN + 1])
{
	unsigned char mac[FB_SHA256_LEN];

	/* Already one: a second pass (ingest of ingest's output) keeps it. */
	if (fb_is_pseudonym(id, len)) {
		memcpy(out, id, len);
		out[len] = '\0';
		return len;
	}
	fb_hmac_sha256_keyed(key, id, len, mac);
	out[0] = 'h';
	out[1] = ':';
	fb_hex(mac, 16, out + 2);
	return FB_PSEUDONYM_LEN;
}

int
fb_path_inside(const char *path, const char *dir)
{
	char *rp, *rd, *slash, *parent;
	size_t n;
	int inside = 0;

	/* A file not there yet is judged by the directory it would be in. */
	if ((rp = realpath(path, NULL)) == NULL) {
		n = strlen(path);
		if ((parent = malloc(n + 2)) == NULL)	/* room for "." */
			return 0;
		memcpy(parent, path, n + 1);
		if ((slash = strrchr(parent, '/')) == NULL)
			strcpy(parent, ".");
		else if (slash == parent)
			parent[1] = '\0';
		else
			*slash = '\0';
		rp = realpath(parent, NULL);
		free(parent);
		if (rp == NULL)
			return 0;
	}
	if ((rd = realpath(dir, NULL)) != NULL) {
		n = strlen(rd);
		inside = strncmp(rp, rd, n) == 0 &&
		    (rp[n] == '/' || rp[n] == '\0' || strcmp(rd, "/") == 0);
	}
	free(rp);
	free(rd);
	return inside;
}
