/*
 * fb.h: libfb, the code every fb tool shares.
 *
 * Nothing declared here writes to stderr or exits; failures return -1 (or
 * NULL) and describe themselves in a struct fb_error.  The command-line layer
 * that prints and exits is fb_cli.h.
 *
 * Ownership follows jansson's words: a function "returns a new reference"
 * that the caller must json_decref(), "returns a borrowed reference" that
 * lives as long as its owner, or "steals" an argument.  Functions that steal
 * a json_t end in _new.
 */
#ifndef FB_H
#define FB_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define FB_VERSION "0.1.0"

/*---- Errors ----*/

struct fb_error {
	char msg[256];
	long line;		/* 1-based, 0 when not known */
	long col;		/* 1-based byte within the line, 0 when not known */
};

/* Sets 'err' (which may be NULL) to the printf-style message; returns -1. */
int fb_error_set(struct fb_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#ifdef __clang_analyzer__
/* The analyzer reads one file at a time: let it see the -1 of a failure. */
#define fb_error_set(...) (fb_error_set(__VA_ARGS__), -1)
#endif

/*---- UTF-8 (fb_util.c) ----*/

/*
 * Returns the offset of the first byte of 's' that is not part of valid
 * UTF-8 (overlong forms, surrogates and code points past U+10FFFF are
 * invalid), or 'len' when all of it is valid.
 */
size_t fb_utf8_check(const char *s, size_t len);

/*
 * Decodes the character at 's[i]' ('i' < 'len') into '*cp' and returns
 * its length in bytes.  A byte that starts no well-formed character (as
 * fb_utf8_check() sees it) is one byte of U+FFFD.
 */
size_t fb_utf8_next(const char *s, size_t len, size_t i, uint32_t *cp);

/*---- Display width (fb_width.c) ----*/

/*
 * The terminal columns 'len' bytes of UTF-8 take: East Asian Wide and
 * Fullwidth characters (CJK, Hangul, fullwidth forms, most emoji) 2,
 * combining marks, zero-width and format characters (U+200B-200F,
 * bidi controls, U+FEFF) and control characters 0, the rest 1; each
 * byte of ill-formed UTF-8 counts 1.  Fixed tables (Unicode 14), not
 * wcwidth(3): the result does not depend on the locale.
 */
size_t fb_utf8_width(const char *s, size_t len);

/* The columns of one code point, by the same rules: 0, 1 or 2. */
int fb_cp_width(uint32_t cp);

/*
 * How many bytes of 's' fit in 'cols' columns without splitting a
 * character; zero-width characters after the last one that fits (a
 * combining accent) are kept with it.
 */
size_t fb_utf8_fit(const char *s, size_t len, size_t cols);

/*---- Hashing (fb_hash.c) ----*/

/* 128-bit MurmurHash3 (x64) of 'data' with 'seed'; used for id fingerprints. */
void fb_hash128(const void *data, size_t len, uint32_t seed, uint64_t out[2]);

/*---- SHA-256, HMAC and pseudonyms (fb_hmac.c) ----*/

#define FB_SHA256_LEN 32
/* "h:" and 32 lowercase hex digits: the first 128 bits of the HMAC. */
#define FB_PSEUDONYM_LEN 34

/* SHA-256 (FIPS 180-4), fed in pieces of any size. */
struct fb_sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t nbuf;
};

void fb_sha256_init(struct fb_sha256 *c);
void fb_sha256_update(struct fb_sha256 *c, const void *data, size_t len);
void fb_sha256_final(struct fb_sha256 *c, unsigned char out[FB_SHA256_LEN]);
void fb_sha256(const void *data, size_t len, unsigned char out[FB_SHA256_LEN]);

/* HMAC-SHA-256 (RFC 2104) with its key already mixed in, for many messages. */
struct fb_hmac {
	struct fb_sha256 inner, outer;
};

void fb_hmac_init(struct fb_hmac *h, const void *key, size_t keylen);
void fb_hmac_sha256_keyed(const struct fb_hmac *h, const void *data,
    size_t len, unsigned char out[FB_SHA256_LEN]);
void fb_hmac_sha256(const void *key, size_t keylen, const void *data,
    size_t len, unsigned char out[FB_SHA256_LEN]);

/* Zeroes 'len' bytes of 'p' in a way the compiler may not leave out. */
void fb_memzero(void *p, size_t len);
/* Writes 'n' bytes as 2n lowercase hex digits and a NUL into 'out'. */
void fb_hex(const unsigned char *bytes, size_t n, char *out);

/*
 * Loads the pseudonymisation key: the raw bytes of the file 'path' (16
 * bytes to 1M; binary is fine, nothing is stripped) into 'key'.  A key
 * file that group or others may access is refused, as ssh refuses such a
 * private key; the message says "chmod 600".  Make one with
 *   head -c 32 /dev/urandom > fb.key && chmod 600 fb.key
 * Returns 0, or -1 with 'err' set (the tools then exit 2).
 */
int fb_hmac_key_load(const char *path, struct fb_hmac *key,
    struct fb_error *err);

/* Whether 's' already is a pseudonym: "h:" and 32 lowercase hex digits. */
int fb_is_pseudonym(const char *s, size_t len);

/*
 * Writes the pseudonym of the customer id 'id' into 'out' (NUL-terminated):
 * "h:" and the first 128 bits of HMAC-SHA-256(key, id) in hex.  An 'id'
 * that already is a pseudonym is copied as it is, so pseudonymizing twice
 * changes nothing.  Returns the length (FB_PSEUDONYM_LEN).
 */
size_t fb_pseudonym(const struct fb_hmac *key, const char *id, size_t len,
    char out[FB_PSEUDONYM_LEN + 1]);

/*
 * Whether the file 'path' (which need not exist) lies inside the
 * directory 'dir', symbolic links resolved; 0 when 'dir' does not exist.
 */
int fb_path_inside(const char *path, const char *dir);

/*---- Growable buffers (fb_buf.c) ----*/

/*
 * Bytes built up in memory, NUL-terminated after every call.  Running out
 * of memory sets 'err' (ENOMEM) and makes later calls do nothing, so a
 * writer checks 'err' once when the piece is done.  Zero it to start.
 */
struct fb_buf {
	char *p;
	size_t len, cap;
	int err;
};

/* Makes room for 'more' bytes (and the NUL); returns 0 or -1. */
int fb_buf_grow(struct fb_buf *b, size_t more);
void fb_buf_add(struct fb_buf *b, const void *s, size_t n);
void fb_buf_adds(struct fb_buf *b, const char *s);
void fb_buf_addc(struct fb_buf *b, int c);
void fb_buf_addint(struct fb_buf *b, long long v);
void fb_buf_printf(struct fb_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Adds 's' as a JSON string: UTF-8 kept, quotes, backslashes, controls escaped. */
void fb_buf_json_str(struct fb_buf *b, const char *s, size_t n);

/*
 * Adds 'n' bytes of 's' for a person to read on a terminal, each
 * character as fb_text_shown() says (controls and bidi controls dropped,
 * breaks as spaces), cut on a character boundary after 'max' bytes with
 * "..." (SIZE_MAX for no cut).  For record data in --explain and text
 * reports (DESIGN.md 7).
 */
void fb_buf_add_clean(struct fb_buf *b, const char *s, size_t n, size_t max);
/*
 * Adds 'x' as a JSON number with at most 'digits' (<= 9) decimals and no
 * trailing zeros ("0.25", "-1", "12860.5"); NaN becomes null.
 */
void fb_buf_addnum(struct fb_buf *b, double x, int digits);
void fb_buf_release(struct fb_buf *b);

/*---- Output (fb_out.c) ----*/

/*
 * A buffered writer on a file descriptor that remembers the first write
 * error, so a tool can report EPIPE or ENOSPC once and exit.
 */
struct fb_out {
	int fd;
	int unbuffered;		/* flush after each fb_out_end_record() */
	int err;		/* errno of the first failed write, 0 if none */
	uint64_t records;	/* lines ended by fb_out_end_record() */
	size_t len, cap;
	char *buf;
};

/* write(2) until all of 'p' is written, again after EINTR; -1 with errno. */
int fb_write_all(int fd, const char *p, size_t len);

void fb_out_init(struct fb_out *out, int fd);
void fb_out_release(struct fb_out *out);
/* These return 0, or -1 with out->err set; later calls keep failing. */
int fb_out_write(struct fb_out *out, const void *data, size_t len);
int fb_out_putc(struct fb_out *out, int c);
int fb_out_flush(struct fb_out *out);
/* Ends one record's line: writes '\n' and flushes when unbuffered. */
int fb_out_end_record(struct fb_out *out);

/*---- JSON text (fb_json.c) ----*/

/* The bytes of one value inside a JSON text. */
struct fb_span {
	const char *p;
	size_t len;
};

/* A member of a JSON object: raw key bytes (without quotes) and value. */
struct fb_member {
	struct fb_span key;
	struct fb_span val;
	int key_escaped;	/* the raw key holds backslash escapes */
};

/* Deepest nesting fb_json_scan() accepts; deeper input is rejected. */
#define FB_JSON_MAX_DEPTH 512

/*
 * Validates 's' as one JSON text (RFC 8259; UTF-8 is assumed checked) with
 * optional surrounding whitespace.  When the text is an object and 'members'
 * is not NULL, its top-level members are stored in '*members' (grown with
 * realloc, '*cap' its capacity, owned by the caller) and their number in
 * '*nmembers'.  Returns the JSON type (JSON_OBJECT, JSON_ARRAY, ...) or -1
 * with 'err' (col = 1-based byte offset) set.
 */
int fb_json_scan(const char *s, size_t len, struct fb_member **members,
    size_t *nmembers, size_t *cap, struct fb_error *err);

/*
 * Finds the member 'key' (a plain UTF-8 name) in the already validated
 * object text 'obj'; when the key repeats, the last one wins, as in jq.
 * When 'obj' is an array, 'key' is a 0-based index ("2").  Returns 1 and
 * sets 'val', or 0 when absent.
 */
int fb_json_member(struct fb_span obj, const char *key, size_t keylen,
    struct fb_span *val);

/*
 * Steps through the elements of the validated array text 'arr': '*pos'
 * starts at 0; each call sets 'elem' and returns 1, or 0 after the last.
 */
int fb_json_array_next(struct fb_span arr, size_t *pos, struct fb_span *elem);

/* Compares a raw key (escaped or not) with the plain name 'key'. */
int fb_json_key_eq(const struct fb_member *m, const char *key, size_t keylen);

/*
 * Decodes the validated JSON value 'v' into a jansson value.  Integers that
 * do not fit 64 bits become reals.  Returns a new reference, or NULL on
 * allocation failure.
 */
json_t *fb_json_decode(struct fb_span v);

/*
 * Decodes the validated JSON string token 'v' (with its quotes) into 'buf'
 * of 'cap' bytes, or points '*out' into 'v' without copying when it has no
 * escapes (then not NUL-terminated).  Decoding never lengthens a string,
 * so 'cap' = v.len always suffices.  Returns the decoded length, or -1 if
 * 'v' is not a string or does not fit.
 */
long fb_json_string(struct fb_span v, char *buf, size_t cap, const char **out);

/* Sets '*num' from the JSON number token 'v'; returns 0, or -1 if 'v' is no number. */
int fb_json_number(struct fb_span v, double *num);

/* Writes the validated JSON text 's' indented by two spaces, bytes kept. */
int fb_json_write_pretty(struct fb_out *out, const char *s, size_t len);

/*---- Records (fb_rec.c) ----*/

/*
 * One NDJSON record.  The line it was parsed from is borrowed, not copied:
 * it must stay unchanged until the next fb_rec_parse() or fb_rec_release().
 * Getters decode only the fields asked for; setters record edits that
 * fb_rec_write() splices into the original bytes, so key order, escapes and
 * numbers of every other field come out exactly as they came in.
 */
struct fb_rec_edit;
struct fb_rec_cached;

struct fb_rec {
	const char *line;
	size_t len;
	struct fb_member *members;
	size_t nmembers, members_cap;
	struct fb_rec_edit *edits;
	size_t nedits, edits_cap;
	struct fb_rec_cached *cache;
	size_t ncache, cache_cap;
	struct fb_buf out;	/* the record with its edits, when written */
	struct fb_buf strs;	/* strings decoded by fb_rec_get_str() */
};

void fb_rec_init(struct fb_rec *rec);
void fb_rec_release(struct fb_rec *rec);

/*
 * Parses 'line' (UTF-8 already checked) as a JSON object.  Returns 0, or -1
 * with 'err' set when it is not valid JSON or not an object.
 */
int fb_rec_parse(struct fb_rec *rec, const char *line, size_t len,
    struct fb_error *err);

/*
 * Finds the raw value at 'path' (dot-separated member names or array
 * indexes, e.g. "customer.tier", "tags.0") as it stands in the input line; fields set with
 * fb_rec_set*() are not seen here.  Returns 1 and sets 'val', or 0.
 */
int fb_rec_raw(struct fb_rec *rec, const char *path, struct fb_span *val);

/*
 * Returns the value at 'path' decoded, or NULL when absent.  Returns a
 * borrowed reference, valid while 'rec' holds the same line.
 */
json_t *fb_rec_get(struct fb_rec *rec, const char *path);

/*
 * Returns the string at 'path' (NUL-terminated, length in '*len' if not
 * NULL), or NULL when absent or not a string.  The string is borrowed from
 * 'rec' like fb_rec_get().
 */
const char *fb_rec_get_str(struct fb_rec *rec, const char *path, size_t *len);

/* Sets '*num' to the number at 'path'; returns 0, or -1 if absent or not a number. */
int fb_rec_get_num(struct fb_rec *rec, const char *path, double *num);

#define FB_TAG_MAX	128	/* bytes of a tag, its NUL included */

/*
 * The strings of the record's "tags" array, decoded and NUL-terminated
 * into 'tags', 'max' at most (longer tags and non-strings are skipped).
 * Returns how many.
 */
size_t fb_rec_get_tags(struct fb_rec *rec, char tags[][FB_TAG_MAX],
    size_t max);

/*
 * Sets the top-level field 'key' (which a tool owns) to 'val', replacing
 * every existing occurrence in place or adding it at the end.  Steals
 * 'val'.  Returns 0, or -1 on allocation failure.
 */
int fb_rec_set_new(struct fb_rec *rec, const char *key, json_t *val);

/* Like fb_rec_set_new() with a JSON text that the caller guarantees valid; copies it. */
int fb_rec_set_raw(struct fb_rec *rec, const char *key, const char *json,
    size_t len);

/* Removes the top-level field 'key'.  Returns 0, or -1 on allocation failure. */
int fb_rec_del(struct fb_rec *rec, const char *key);

/*
 * Whether the record is a feedback item: no "type" (or null), or
 * "feedback".  Lifecycle events and alerts are not, and stages that only
 * work on items pass them through.
 */
int fb_rec_is_feedback(struct fb_rec *rec);

enum fb_rec_write_flags {
	FB_REC_PRETTY = 1 << 0,	/* indent for people (--pretty) */
};

/* Writes the record, edits spliced in, and a newline.  Returns 0 or -1. */
int fb_rec_write(struct fb_rec *rec, struct fb_out *out, int flags);

/*---- Line reader (fb_reader.c) ----*/

/* Where a line came from, for FILE:LINE diagnostics. */
struct fb_pos {
	const char *file;	/* "<stdin>" for standard input */
	unsigned long line;	/* 1-based */
};

enum fb_line_status {
	FB_LINE_OK,
	FB_LINE_TOO_LONG,	/* 'data' holds the first 'max_line' bytes */
};

struct fb_line {
	char *data;		/* NUL-terminated; valid until the next read */
	size_t len;		/* without the '\n' and a trailing '\r' */
	size_t raw_len;		/* the bytes as read, '\r' included */
	enum fb_line_status status;
	struct fb_pos pos;
};

struct fb_reader;

/*
 * Opens 'path' ("-" or NULL for stdin) for reading lines; gzip input is
 * recognised by its magic bytes and inflated.  Lines longer than 'max_line'
 * bytes are reported as FB_LINE_TOO_LONG.  Returns NULL with 'err' set.
 */
struct fb_reader *fb_reader_open(const char *path, size_t max_line,
    struct fb_error *err);

/* Like fb_reader_open() on a descriptor the reader takes over; 'name' is copied. */
struct fb_reader *fb_reader_fdopen(int fd, const char *name, size_t max_line,
    struct fb_error *err);

/* Reads the next line: returns 1, 0 at end of input, or -1 with 'err' set. */
int fb_reader_next(struct fb_reader *r, struct fb_line *line,
    struct fb_error *err);

/*
 * After FB_LINE_TOO_LONG, hands the rest of that line (without the '\n')
 * to 'sink' in pieces ('sink' may be NULL to skip it).  Returns 0, or -1
 * with 'err' set on a read error or when 'sink' returns -1.
 */
int fb_reader_rest(struct fb_reader *r,
    int (*sink)(void *arg, const char *data, size_t len), void *arg,
    struct fb_error *err);

/* The input's name as diagnostics give it ("<stdin>"). */
const char *fb_reader_name(const struct fb_reader *r);

/* Bytes consumed so far from the decompressed input. */
uint64_t fb_reader_offset(const struct fb_reader *r);

/*
 * Bytes consumed so far from the file itself (compressed, for gzip), for
 * progress against its size; the bytes handed out when it cannot tell (a
 * pipe).  A system call: ask now and then, not per line.
 */
uint64_t fb_reader_raw_offset(const struct fb_reader *r);

void fb_reader_close(struct fb_reader *r);

/*---- Time (fb_time.c) ----*/

/* Milliseconds since 1970-01-01T00:00:00Z. */
typedef int64_t fb_time_t;

#define FB_TIME_MIN INT64_MIN
#define FB_TIME_MAX INT64_MAX
#define FB_TIME_BUFSZ 40

/*
 * Sets the zone that local times are read in ("Asia/Shanghai", "UTC", or
 * any IANA name found in the system's zoneinfo).  Returns 0 or -1.
 */
int fb_tz_set(const char *zone, struct fb_error *err);
const char *fb_tz_get(void);

/* The current time, or the one fixed with fb_time_set_now(). */
fb_time_t fb_time_now(void);
void fb_time_set_now(fb_time_t now);
/* Whether "now" was fixed (--now), so a tool can tell it from the clock's. */
int fb_time_now_fixed(void);

/*
 * Parses an RFC 3339 date-time with a 'Z' or numeric offset, as the records
 * carry it.  Returns 0 or -1.
 */
int fb_time_parse_rfc3339(const char *s, size_t len, fb_time_t *t);

/*
 * Parses a time as users type it: RFC 3339; "YYYY-MM-DD[ HH:MM[:SS]]" (or
 * with 'T') in the zone of fb_tz_set(); epoch seconds ("1763777700" or
 * "@1763777700"); "now"; or relative to fb_time_now(): "-7d", "-36h",
 * "+30m", "-2w", "-90s".  Returns 0, or -1 with 'err' set.
 */
int fb_time_parse(const char *s, fb_time_t *t, struct fb_error *err);

/*
 * Parses a duration "180d", "36h", "30m", "90s", "2w", or several amounts
 * in falling units "1h30m", into milliseconds.
 */
int fb_duration_parse(const char *s, int64_t *ms, struct fb_error *err);

/*
 * Writes 'ms' as people write it: "15m", "1d", "1h30m" (largest units
 * first, weeks as days; below a second "250ms").  Returns the length.
 */
size_t fb_duration_format(int64_t ms, char *buf, size_t size);

/* Parses a size "16M", "512k", "1G", "4096" into bytes. */
int fb_size_parse(const char *s, uint64_t *bytes, struct fb_error *err);

/* Formats 't' as RFC 3339 UTC, with milliseconds only when not zero. */
size_t fb_time_format(fb_time_t t, char buf[FB_TIME_BUFSZ]);

/* Formats 't' as "20261122T021500Z", for file names. */
size_t fb_time_format_compact(fb_time_t t, char buf[FB_TIME_BUFSZ]);

/*
 * Days since 1970-01-01 of a proleptic Gregorian date (month 1-12), and
 * back; valid for any year an int64_t of days holds.
 */
int64_t fb_days_from_civil(int64_t year, int mon, int day);
void fb_civil_from_days(int64_t days, int64_t *year, int *mon, int *day);

/* Converts a civil UTC date and time to fb_time_t (any range, no libc). */
fb_time_t fb_time_from_civil(long year, int mon, int day, int hour, int min,
    int sec, int ms);

/*---- Text (fb_iconv.c, fb_text.c) ----*/

/*
 * Converts 'len' bytes of 'in' from 'charset' ("gb18030", "gbk", "big5",
 * "iso-8859-1", "utf-8", ... as iconv(3) names them) to UTF-8 in a new
 * NUL-terminated buffer '*out' ('*outlen' bytes), which the caller frees.
 * Invalid or incomplete input is an error naming the byte offset, never
 * replaced silently.  Returns 0, or -1 with 'err' set.
 */
int fb_to_utf8(const char *charset, const char *in, size_t len, char **out,
    size_t *outlen, struct fb_error *err);

/*
 * Cleans customer text in place for storing: control characters (C0, DEL,
 * C1) and invisible format characters (zero-width spaces, bidi controls,
 * BOM; not the zero-width joiner inside emoji) removed, every run of
 * whitespace (ASCII and Unicode spaces, U+3000 included, and line breaks)
 * made one ASCII space (VT, FF and NEL count as whitespace), leading and
 * trailing space trimmed; a shortened result is NUL-terminated.  'text'
 * must be valid UTF-8.  Returns the new length.
 */
size_t fb_text_clean(char *text, size_t len);

/*
 * The language of 'text' (UTF-8): "zh" when Han characters make up a fair
 * share of its letters, "en" when Latin letters dominate, "other" for
 * other scripts (also when Kana or Hangul make a quarter of the letters:
 * Japanese has Han too), and "" when it has no letters at all.
 */
const char *fb_text_lang(const char *text, size_t len);

/*
 * How a character of untrusted text is shown to people, in a terminal,
 * Markdown or HTML alike (DESIGN.md 7): tabs, line and page breaks
 * (U+2028-2029 too) as a space; other controls (C0, DEL, C1) and the
 * bidi marks, embeddings, overrides and isolates, which reorder what
 * follows them, dropped; the rest kept.
 */
enum fb_shown { FB_SHOWN_KEEP, FB_SHOWN_SPACE, FB_SHOWN_DROP };
enum fb_shown fb_text_shown(uint32_t cp);

enum fb_redact_kinds {
	FB_REDACT_MOBILE = 1 << 0,	/* mainland mobile numbers */
	FB_REDACT_LANDLINE = 1 << 1,	/* 0xx(x)-xxxxxxx(x) */
	FB_REDACT_EMAIL = 1 << 2,
	FB_REDACT_IDCARD = 1 << 3,	/* 18-character resident ID numbers */
	FB_REDACT_BANKCARD = 1 << 4,	/* 13-19 digits passing Luhn */
	FB_REDACT_ALL = 0x1f
};

/*
 * Masks personal data in 'text' (UTF-8) with '*', keeping the last four
 * digits of numbers and the domain of e-mail addresses.  Returns a new
 * NUL-terminated string of the same length ('*outlen' bytes) that the
 * caller frees, or NULL on allocation failure; '*found' (if not NULL)
 * gets the number masked.  ID-card numbers need a valid checksum and a
 * plausible birth date, so most order numbers are left alone.
 */
char *fb_text_redact(const char *text, size_t len, int kinds, size_t *outlen,
    int *found);

/*---- E-mail (fb_mail.c) ----*/

/* One e-mail message, decoded to UTF-8. */
struct fb_mail {
	char *from;		/* the address, e.g. "li.wei@example.com" */
	char *from_name;	/* the display name, decoded, or "" */
	char *date;		/* the Date header as written, or "" */
	char *subject;		/* decoded (RFC 2047), unfolded, or "" */
	char *message_id;	/* without the angle brackets, or "" */
	char *body;		/* the text/plain part (or text/html made plain), decoded */
	int images, videos, others;	/* attachments by kind */
};

/*
 * Parses one RFC 5322 message of 'len' bytes: unfolds headers, decodes
 * encoded words (RFC 2047, B and Q, any charset iconv knows), picks the
 * text/plain part of a multipart message (else the text/html part with
 * its tags stripped), undoes quoted-printable and base64, converts the
 * part's charset to UTF-8, and counts attachments.  Returns 0, or -1
 * with 'err' set when the message has no header or cannot be decoded.
 */
int fb_mail_parse(const char *msg, size_t len, struct fb_mail *mail,
    struct fb_error *err);

/*
 * Frees the strings of 'mail' and zeroes it; safe on a zeroed struct.
 * After fb_mail_parse() succeeds no string is NULL ("" when absent);
 * after it fails the struct is zeroed.  Notes on the choices made:
 * GB2312/GBK names are read as GB18030, US-ASCII and no charset as UTF-8;
 * raw 8-bit header bytes that are not UTF-8 are read in the message's
 * charset, else GB18030; NUL bytes are dropped from the body; only parts
 * that are not the chosen text part and not inline text alternatives
 * count as attachments.  Not thread-safe (fb_to_utf8 keeps a converter).
 */
void fb_mail_release(struct fb_mail *mail);

/*
 * Parses the date forms feedback exports use, beyond fb_time_parse():
 * "2026/11/22 10:15", "2026.11.22", "2026年11月22日 10:15", "Nov 22 2026",
 * "22 Nov 2026 10:15", "Nov 22, 2026 10:15:00", RFC 5322 dates ("Sun, 22
 * Nov 2026 10:15:00 +0800"), epoch seconds or milliseconds, and Excel
 * serial dates (days since 1899-12-30, e.g. "46348.427").  Times without
 * a zone are read in the zone of fb_tz_set().  "CST" is US Central time,
 * as RFC 5322 says; mail from China writes "+0800 (CST)", which is read
 * right.  Day-month and month-day orders with slashes and two-digit years
 * are ambiguous and refused.  Returns 0, or -1 with 'err'.
 */
int fb_time_parse_loose(const char *s, fb_time_t *t, struct fb_error *err);

/*---- Identity (fb_id.c) ----*/

/*
 * Writes the stable id of a feedback item, "fb-" and 16 hex digits: a
 * hash of 'channel' and the channel's own 'ref' when there is one, else of
 * 'channel', 'customer', 'ts' as the source wrote it and the cleaned
 * 'text' (and the input 'line' when there is neither customer nor ts).
 * NULL counts as "".
 */
void fb_feedback_id(const char *channel, const char *ref, const char *customer,
    const char *ts, const char *text, unsigned long line, char id[24]);

/*---- Multi-pattern matching (fb_ac.c) ----*/

struct fb_ac;

/* An empty automaton; NULL when out of memory. */
struct fb_ac *fb_ac_new(void);

/*
 * Adds the pattern 'cps' (n code points, n >= 1) with the caller's 'value'.
 * The same pattern may be added several times with different values; a scan
 * reports each.  Returns 0, or -1 when out of memory or n == 0, or when called
 * after fb_ac_build().
 */
int fb_ac_add(struct fb_ac *ac, const uint32_t *cps, size_t n, uint32_t value);

/* Computes failure and output links; after it, only scans.  0 or -1 (ENOMEM). */
int fb_ac_build(struct fb_ac *ac);

/*
 * Called for every occurrence of every pattern in the text, in order of
 * 'end' (exclusive end index in code points), longest pattern first among
 * those ending at the same place; the pattern starts at end - len.  A
 * nonzero return stops the scan and is returned by fb_ac_scan().
 */
typedef int fb_ac_fn(void *arg, size_t end, uint32_t len, uint32_t value);

/*
 * Finds every pattern in the 'n' code points of 'text', calling 'fn' for
 * each occurrence; values added for one pattern come in the order added.
 * Returns 0, fn's nonzero return, or -1 when 'ac' has not been built.
 */
int fb_ac_scan(const struct fb_ac *ac, const uint32_t *text, size_t n,
    fb_ac_fn *fn, void *arg);

size_t fb_ac_patterns(const struct fb_ac *ac);	/* number added */
void fb_ac_free(struct fb_ac *ac);

/*---- Phrase rules and text analysis (fb_phrase.c) ----*/

/*
 * What a rule section means (the format is in fb-tag(1)): tag and emotion
 * sections are evidence for a label, the others shape sentiment.
 */
enum fb_phrase_kind {
	FB_PHRASE_TAG,		/* [category/subcategory], [praise], [other] */
	FB_PHRASE_EMOTION,	/* [emotion/NAME] */
	FB_PHRASE_POSITIVE,
	FB_PHRASE_NEGATIVE,
	FB_PHRASE_NEGATION,
	FB_PHRASE_NONNEGATION,
	FB_PHRASE_DEGREE,
	FB_PHRASE_CONTRAST,
};

/* One phrase as the rule files give it. */
struct fb_phrase {
	char *text;		/* as written, without weight and comment */
	uint32_t *cps;		/* normalised code points */
	uint32_t ncps;
	uint32_t section;	/* index into the set's sections */
	float weight;
	unsigned bound;		/* FB_BOUND_* for Latin phrases */
	const char *file;	/* where it was defined, for --explain */
	long line;
};

enum fb_bound {
	FB_BOUND_LEFT = 1 << 0,	/* needs a non-letter before it */
	FB_BOUND_RIGHT = 1 << 1,	/* needs a non-letter after it */
};

struct fb_section {
	char *name;		/* "logistics/delay", "emotion/anger", "positive" */
	enum fb_phrase_kind kind;
};

/*
 * A set of phrase rules: the files are loaded in turn (a phrase repeated in
 * a section replaces the earlier one, weight 0 removes it), then compiled
 * into one Aho–Corasick automaton.
 */
struct fb_phrases {
	struct fb_phrase *phrases;
	size_t nphrases, phrases_cap;
	struct fb_section *sections;
	size_t nsections, sections_cap;
	char **files;		/* names, owned, for struct fb_phrase.file */
	size_t nfiles;
	struct fb_ac *ac;	/* NULL until fb_phrases_compile() */
	uint64_t lexicon_hash;	/* of all phrases and weights, once compiled */
};

void fb_phrases_init(struct fb_phrases *ps);
void fb_phrases_release(struct fb_phrases *ps);

/*
 * Adds the rules of the file 'path'.  Returns 0, or -1 with 'err' holding
 * "PATH:LINE: reason" (an unknown tag, a phrase too long, bad UTF-8, ...).
 */
int fb_phrases_load(struct fb_phrases *ps, const char *path,
    struct fb_error *err);

/* The same for rules held in memory, 'name' standing for the file. */
int fb_phrases_load_mem(struct fb_phrases *ps, const char *name,
    const char *text, size_t len, struct fb_error *err);

/* The rule files fb ships, in the order they load, NULL-terminated. */
extern const char *const fb_phrase_files[];

/* Loads each of fb_phrase_files as fb_config_find() finds it. */
int fb_phrases_load_defaults(struct fb_phrases *ps, struct fb_error *err);

/*
 * What fb-tag and fb-train read: fb_phrase_files, then the 'extra' files
 * (--rules) in order, compiled.  Initialises 'ps'; the caller releases it
 * also after a failure.  0, or -1 with 'err' set.
 */
int fb_phrases_setup(struct fb_phrases *ps, const char *const *extra,
    size_t nextra, struct fb_error *err);

/* Builds the matcher; no more loading after it.  0, or -1 with 'err'. */
int fb_phrases_compile(struct fb_phrases *ps, struct fb_error *err);

/* The index of the section 'name', or -1. */
long fb_phrases_section(const struct fb_phrases *ps, const char *name);

/* Whether 'name' is a tag of TAXONOMY.md ("logistics/delay", "praise"). */
int fb_taxonomy_has(const char *name);

/*
 * Whether 'tag' ("logistics/delay", or a category alone) is a complaint's:
 * product, logistics, service, order, marketing, platform or compliance,
 * not suggestion, praise or other.
 */
int fb_taxonomy_problem(const char *tag);

/*
 * Whether an item is a complaint, as fb-report and fb-anomaly count them:
 * its sentiment label is "negative" (NULL: none), or one of its 'n'
 * tags is a problem's.
 */
int fb_is_complaint(const char *sentiment, char tags[][FB_TAG_MAX],
    size_t n);

/* The taxonomy's top-level categories, in order, NULL-terminated. */
extern const char *const fb_taxonomy_categories[];

/*
 * Text as fb matches it: code points with full-width ASCII folded to ASCII,
 * ASCII letters lowercased, U+3000 and U+2019 to space and apostrophe.
 * Invalid UTF-8 becomes U+FFFD.
 */
struct fb_cps {
	uint32_t *cp;
	size_t n, cap;
};

int fb_cps_set(struct fb_cps *t, const char *s, size_t len);
void fb_cps_release(struct fb_cps *t);

/* A phrase found in a text. */
struct fb_hit {
	uint32_t start, end;	/* code points, end exclusive */
	uint32_t phrase;	/* index into fb_phrases.phrases */
	float mult;		/* degree word before it (1 if none) */
	unsigned char negated;	/* inside a live negator's scope */
	unsigned char live;	/* 0: covered by a longer phrase, or a cancelled negator */
	unsigned char focus;	/* after the last contrast word */
	unsigned char degree_too;	/* a sentiment word that is a degree word too */
	unsigned char tag_live;	/* a negator that negates tags and emotions */
};

/*
 * The sentiment-lexicon side of an analysis, the dense features of the
 * sentiment model.
 */
enum fb_lex_feature {
	FB_LEX_POS,		/* log1p of positive strength */
	FB_LEX_NEG,
	FB_LEX_POS_FOCUS,	/* the same after the last contrast word */
	FB_LEX_NEG_FOCUS,
	FB_LEX_BALANCE,		/* (pos - neg) / (pos + neg + 1) */
	FB_LEX_NEGATED_POS,	/* positive words under negation */
	FB_LEX_NEGATED_NEG,
	FB_LEX_EXCLAIM,		/* '!' marks, capped */
	FB_LEX_QUESTION,
	FB_LEX_CONTRAST,	/* 1 when a contrast word splits the text */
	FB_LEX_LENGTH,		/* log1p(code points) / 8 */
	FB_LEX_NFEATURES
};

/* What fb_analyze() found; reused from text to text. */
struct fb_analysis {
	struct fb_cps text;
	struct fb_hit *hits;
	size_t nhits, hits_cap;
	double *score;		/* per section: evidence (tags, emotions) */
	uint32_t *counted;	/* per phrase: counted in generation 'gen' */
	size_t ncounted;
	uint32_t gen;
	size_t nscore;
	double lex[FB_LEX_NFEATURES];
	size_t focus;		/* where the text after the last contrast starts */
};

void fb_analysis_init(struct fb_analysis *a);
void fb_analysis_release(struct fb_analysis *a);

/*
 * A text's first FB_ANALYZE_MAX_CPS characters say what it is about and
 * how it feels; the rest of a longer one (a pasted log, a spammer) would
 * only cost memory, so fb_analyze() reads no further.
 */
#define FB_ANALYZE_MAX_CPS	20000

/* Analyses the UTF-8 text; 0, or -1 when out of memory. */
int fb_analyze(const struct fb_phrases *ps, const char *text, size_t len,
    struct fb_analysis *a);

/*---- Sentiment model (fb_model.c) ----*/

enum fb_model_flags {
	FB_MODEL_WORDS = 1 << 0,	/* English words and word pairs */
	FB_MODEL_CATEGORY = 1 << 1,	/* n-grams joined with product_category */
	FB_MODEL_FOCUS = 1 << 2,	/* n-grams after the last contrast word */
	FB_MODEL_PHRASES = 1 << 3,	/* rule phrases found, with negation */
};

/* A trained sentiment model: fb_model_load() or fb-train. */
struct fb_model {
	char lang[8];		/* "zh", "en": the texts it was trained on */
	unsigned bits;		/* 2^bits hashed weights */
	unsigned nmin, nmax;	/* character n-gram lengths */
	unsigned flags;		/* FB_MODEL_* */
	uint64_t lexicon_hash;	/* of the rules it was trained with */
	uint64_t ndocs;		/* texts it was trained on */
	float bias;
	float scale;		/* a weight is w[i] * scale */
	float dense[FB_LEX_NFEATURES];
	int16_t *w;
};

/* Returns the model in 'path', or NULL with 'err' set. */
struct fb_model *fb_model_load(const char *path, struct fb_error *err);

/* Writes the model to 'path' atomically (a temporary file, then rename). */
int fb_model_save(const struct fb_model *m, const char *path,
    struct fb_error *err);

void fb_model_free(struct fb_model *m);

enum fb_feature_kind {
	FB_FEATURE_NGRAM,
	FB_FEATURE_WORD,
	FB_FEATURE_CATEGORY,
	FB_FEATURE_FOCUS,
	FB_FEATURE_PHRASE,
};

/*
 * The hashed features of one text, each once.  origin[i] says where
 * feature i came from: start code point << 12 | length << 4 | kind.
 */
struct fb_features {
	uint32_t *idx;
	uint32_t *origin;
	size_t n, cap;
	uint32_t *set;		/* open-addressing set for the once-only rule */
	uint32_t *set_gen;	/* a slot is taken when it holds 'gen' */
	uint32_t gen;
	size_t set_cap;
};

void fb_features_init(struct fb_features *f);
void fb_features_release(struct fb_features *f);

/*
 * Extracts the features 'm' uses (bits, n-grams, flags) from the analysed
 * text and its product category (may be NULL).  0, or -1 out of memory.
 */
int fb_features_extract(const struct fb_model *m, const struct fb_analysis *a,
    const char *category, size_t catlen, struct fb_features *f);

/* The model's log-odds that the text is positive. */
double fb_model_logit(const struct fb_model *m, const struct fb_analysis *a,
    const struct fb_features *f);

/*---- Configuration (fb_config.c) ----*/

/*
 * Finds the data or configuration file 'name' (e.g. "routes.conf"):
 * $FB_CONFIG_DIR (else /etc/fb, then ~/.config/fb), then $FB_DATADIR, then
 * share/fb beside the running binary (../share/fb), then the compiled
 * FB_DATADIR.  Writes the path into 'out'; returns 0, or -1 when not found.
 */
int fb_config_find(const char *name, char *out, size_t outsz);

/*
 * Sets 'err' to "cannot find WHAT 'NAME' in DIR, ..., DIR": the
 * directories fb_config_find() looked in, as they are on this machine.
 */
void fb_config_not_found(struct fb_error *err, const char *what,
    const char *name);

/*---- Store (fb_store.c) ----*/

struct fb_store;

enum fb_store_flags {
	FB_STORE_WRITE = 1 << 0,	/* create the directory; writers' lock */
	FB_STORE_DEDUP = 1 << 1,	/* drop records whose key is stored */
};

/*
 * What the store tells its caller about (repairs, problems found): 'name'
 * is the file concerned, or NULL when 'msg' names it itself.
 */
typedef void fb_store_note_fn(void *arg, const char *name, const char *msg);

struct fb_store_limits {
	uint64_t max_size;	/* seal the open segment past this many bytes */
	int64_t max_age;	/* ... or when older than this (ms) */
	int level;		/* gzip level of sealed segments, 1-9; 0: FB_STORE_LEVEL */
};

/*
 * The default gzip level of sealed segments.  Measured on routed records
 * (bench/all): level 3 compresses half again as fast as 6 for 14% more
 * bytes, the knee of the curve; archives can ask for more.
 */
#define FB_STORE_LEVEL	3

/*
 * Opens the store in 'dir'.  'note' (may be NULL) hears of warnings such as
 * a repaired torn tail.  Returns NULL with 'err' set.
 */
struct fb_store *fb_store_open(const char *dir, int flags,
    const struct fb_store_limits *limits, fb_store_note_fn *note,
    void *note_arg, struct fb_error *err);

/*
 * Queues one record (a parsed line; it must carry an RFC 3339 "ts") to be
 * stored byte for byte; records are written in batches, and duplicates
 * (FB_STORE_DEDUP) are found then and counted by fb_store_dropped().
 * Returns 1 if queued, 0 with 'err' saying why when the record has no
 * valid ts, -1 on error.
 */
int fb_store_append(struct fb_store *st, struct fb_rec *rec,
    struct fb_error *err);

/*
 * Writes what is queued and makes it durable (data, index, directory).
 * Only after it returns 0 may the caller report success.
 */
int fb_store_commit(struct fb_store *st, struct fb_error *err);

/* Number of records dropped as duplicates since open. */
uint64_t fb_store_dropped(const struct fb_store *st);

/* Seals the open segment now, if it holds records. */
int fb_store_rotate(struct fb_store *st, struct fb_error *err);

/*
 * Who is told how fb_store_cat() reads: the command-line layer's progress
 * meter (fb_cli_init() sets it; NULL, nobody).  'input': one more segment
 * of 'bytes' to read; 'open' and 'done': its reading starts (through 'r',
 * or NULL) and ends, 'bytes' of it read; 'record': one handed out.
 */
struct fb_read_watch {
	void (*input)(uint64_t bytes);
	void (*open)(const char *name, const struct fb_reader *r);
	void (*done)(const struct fb_reader *r, uint64_t bytes);
	void (*record)(void);
};
extern const struct fb_read_watch *fb_read_watch;

/*
 * Streams the records with since <= ts < until in time order to 'fn',
 * which returns 0 to go on or -1 to stop.  Segments wholly outside the
 * window are not opened.  A damaged segment is reported through 'note' and
 * skipped past its damage; the call then returns 1.  Returns 0, 1, or -1.
 */
int fb_store_cat(struct fb_store *st, fb_time_t since, fb_time_t until,
    int (*fn)(void *arg, const char *line, size_t len), void *arg,
    struct fb_error *err);

/*
 * Checks every segment and the index, reporting each problem through
 * 'note'; with 'repair', fixes what it finds.  Returns the number of
 * problems found, or -1 on a fatal error.
 */
long fb_store_verify(struct fb_store *st, int repair, struct fb_error *err);

struct fb_store_pruned {
	uint64_t segments, records;
};

/*
 * Removes sealed segments whose newest record is older than 'cutoff'
 * (only names them through 'note' when 'dry_run').
 */
int fb_store_prune(struct fb_store *st, fb_time_t cutoff, int dry_run,
    struct fb_store_pruned *pruned, struct fb_error *err);

/* Describes the store as a JSON object.  Returns a new reference, or NULL. */
json_t *fb_store_stats(struct fb_store *st, struct fb_error *err);

/* What fb_store_forget() is asked to do, and what it did. */
struct fb_forget {
	/*
	 * the customers: SHA-256 of each id as stored (raw, or its
	 * pseudonym)
	 */
	const unsigned char (*customers)[FB_SHA256_LEN];
	size_t ncustomers;
	/* remove items and events instead of redacting */
	int drop;
	int dry_run;		/* count only; change nothing */
	/* results */
	uint64_t records;	/* their feedback items erased */
	uint64_t events;	/* events of those items erased or stripped */
	/* other lines naming them (alerts), removed */
	uint64_t other;
	/* segments and quarantine files rewritten */
	uint64_t files;
	size_t ncustomers_run;	/* customers, a resumed run's included */
	/* a run a crash cut short was finished too */
	int resumed;
	char *ids;		/* the items' ids, ", "-separated; owned */
	size_t nids;
};

/*
 * Erases the customers' feedback items from every segment, sealed and
 * open, and from quarantine/, under the writers' lock: each item becomes
 * a skeleton that keeps what reports count (id, ts, channel, category,
 * tags, sentiment, priority, urgency, route.queue, region.province and
 * city, customer.tier, sku, product_category and the SLA times) with
 * "forgotten": true, or goes ('drop'); their events keep only type, id,
 * event, ts, agent, score and nps (or go); other lines that name them go.
 * Each file changed is rewritten to a temporary file, fsynced and renamed
 * over the old one; sealed segments keep their names, so the id index
 * stays valid (it keeps the ids; rewritten events' new keys are added).
 * A run a crash interrupted is finished by the next one (forget.pending);
 * each run appends one line to forget.log with digests, never ids.
 * Returns 0 (see 'f' for what was done), or -1 with 'err' set.
 */
int fb_store_forget(struct fb_store *st, struct fb_forget *f,
    struct fb_error *err);
void fb_forget_release(struct fb_forget *f);

/*
 * Whether a feedback item with this id is in the store's index (opened
 * read-only on first use).  An index that lags behind a crash may miss
 * the newest records; fb_store_append() with FB_STORE_DEDUP never does.
 * Returns 1, 0, or -1 with 'err' set.
 */
int fb_store_has_id(struct fb_store *st, const char *id, size_t len,
    struct fb_error *err);

/* The same for any record, by the key FB_STORE_DEDUP uses (events: the whole line). */
int fb_store_has_record(struct fb_store *st, struct fb_rec *rec,
    struct fb_error *err);

/* Closes the store; queued records that were not committed are discarded. */
void fb_store_close(struct fb_store *st);

/*---- Words of a policy or rule line (fb_words.c) ----*/

/*
 * Splits 'line' in place into words separated by blanks or commas;
 * "double quoted" words keep both and take \" and \\ as escapes, and '#'
 * outside quotes starts a comment; a UTF-8 BOM at the start (a file's first
 * line as Notepad saves it) is skipped.  Stores up to 'max' pointers into
 * 'words'.  Returns the number of words, or -1 with 'err' set (an
 * unterminated quote, more than 'max' words).
 */
int fb_words_split(char *line, char **words, int max, struct fb_error *err);

/*---- Tables: customers, agents (fb_table.c, fb_customers.c) ----*/

/*
 * Called with each row of a table as a JSON object (borrowed: incref to
 * keep it) and where it stands.  Returns 0, or -1 after setting 'err'
 * (with FILE:LINE: in the message).
 */
typedef int fb_table_row_fn(json_t *row, const struct fb_pos *pos, void *arg,
    struct fb_error *err);

/*
 * Reads the table 'path': NDJSON when its first non-blank byte is '{',
 * else CSV with a header line (tab-separated for .tsv), gzip or plain.  A
 * CSV row becomes an object of strings keyed by the header's names, empty
 * cells left out.  Returns 0, or -1 with 'err' naming FILE:LINE.
 */
int fb_table_load(const char *path, fb_table_row_fn *fn, void *arg,
    struct fb_error *err);

/*
 * The first of the members 'names' (NULL-terminated) that 'row' has as a
 * non-empty string, or as a number printed into 'buf'.  NULL when none.
 */
const char *fb_table_str(json_t *row, const char *const *names, char *buf,
    size_t bufsz);

/* What the customer table knows of one customer. */
struct fb_customer {
	const char *tier;	/* NULL when not known */
	double annual_spend;	/* NaN when not known */
	json_t *flags;		/* array of strings, or NULL; borrowed */
};

struct fb_customers;

/*
 * Loads a customer table keyed by id (a column id, customer_id or
 * user_id; tier; annual_spend; flags as an array or "a;b").  A later row
 * for the same id replaces an earlier one.  Returns NULL with 'err' set.
 */
struct fb_customers *fb_customers_load(const char *path,
    struct fb_error *err);

/*
 * The same, each id replaced by its pseudonym under 'key' (borrowed; it
 * must outlive the table) as it is read, so the table matches records
 * from fb-ingest --pseudonymize with the same key.
 */
struct fb_customers *fb_customers_load_keyed(const char *path,
    const struct fb_hmac *key, struct fb_error *err);

/* Fills 'out' (borrowed from 'cs') and returns 1, or returns 0 when unknown. */
int fb_customers_find(const struct fb_customers *cs, const char *id,
    size_t len, struct fb_customer *out);
size_t fb_customers_count(const struct fb_customers *cs);
void fb_customers_free(struct fb_customers *cs);

/*---- Local time (fb_time.c) ----*/

/* The civil time of 't' in the zone of fb_tz_set(); 0, or -1 when out of range. */
struct tm;
int fb_time_local(fb_time_t t, struct tm *tm);

/*---- Taxonomy (fb_phrase.c) ----*/

#define FB_TAXONOMY_NTAGS 38

/* The index (0..FB_TAXONOMY_NTAGS-1) of the tag 'name', or -1. */
int fb_taxonomy_index(const char *name, size_t len);

/* The tag at 'index'. */
const char *fb_taxonomy_tag(int index);

/*---- Recent events by key (fb_recent.c) ----*/

/*
 * A memory of the last 'cap' events, each under a 64-bit key with a time
 * and 'payload' bytes of the caller's; older events are forgotten as new
 * ones come, so its size (fb_recent_bytes()) is fixed at creation.
 */
struct fb_recent;

/* Returns NULL when out of memory or 'cap' is 0. */
struct fb_recent *fb_recent_create(size_t cap, size_t payload);

/*
 * Records an event, forgetting the oldest when full.  Returns its payload
 * (zeroed, 8-byte aligned) for the caller to fill, valid until the event
 * is forgotten, or NULL when out of memory.
 */
void *fb_recent_add(struct fb_recent *r, uint64_t key, fb_time_t ts);

/*
 * Asks the processor to fetch where 'key' starts, ahead of
 * fb_recent_first(): the table is large, and a lookup is a cache miss
 * that other work can hide.
 */
void fb_recent_prefetch(const struct fb_recent *r, uint64_t key);

/*
 * Steps through the remembered events of 'key', newest first: '*it' is
 * the caller's cursor.  Each returns the payload and sets '*ts', or NULL
 * after the last.
 */
const void *fb_recent_first(const struct fb_recent *r, uint64_t key,
    uint64_t *it, fb_time_t *ts);
const void *fb_recent_next(const struct fb_recent *r, uint64_t *it,
    fb_time_t *ts);

size_t fb_recent_bytes(const struct fb_recent *r);
void fb_recent_free(struct fb_recent *r);

/*---- Interned strings (fb_pool.c) ----*/

/*
 * Strings numbered 1, 2, ... in the order they were first interned; 0
 * stands for NULL.  Zero it to start; fb_pool_release() frees it.  The
 * bytes may hold NULs: lengths are kept.
 */
struct fb_pool {
	char **s;
	size_t *len;
	size_t n, cap;
	uint32_t *slot;		/* open addressing: number, or 0 */
	size_t nslot;
};

#define FB_POOL_NOMEM	UINT32_MAX	/* out of memory */

/* The number of 's' (added when new), 0 for NULL, or FB_POOL_NOMEM. */
uint32_t fb_pool_intern(struct fb_pool *pl, const char *s, size_t len);

/* The number of 's' when interned already, else 0 (or FB_POOL_NOMEM). */
uint32_t fb_pool_find(struct fb_pool *pl, const char *s, size_t len);

/* The string numbered 'k' (NUL-terminated) and its length; NULL for 0. */
const char *fb_pool_str(const struct fb_pool *pl, uint32_t k);
size_t fb_pool_len(const struct fb_pool *pl, uint32_t k);

void fb_pool_release(struct fb_pool *pl);

/*---- Time zones (fb_zone.c) ----*/

/*
 * An IANA time zone read from its own file, apart from TZ and
 * fb_tz_set(), so that several can be used at once.  A loaded zone never
 * changes, so threads may share one.
 */
struct fb_zone;

/* A local civil time, as struct tm holds it but with the year itself. */
struct fb_civil {
	int year;
	int mon;		/* 1-12 */
	int day;		/* 1-31 */
	int hour, min, sec;
	int wday;		/* 0 = Sunday */
	int yday;		/* 0 = 1 January */
	int offset;		/* seconds east of UTC */
};

/*
 * Loads the zone 'name' ("Asia/Shanghai", "America/New_York") from
 * $TZDIR or /usr/share/zoneinfo: TZif versions 1 to 4, the 64-bit data
 * when present, and the POSIX TZ rule of the footer for the times after
 * the last transition the file lists (2037 or earlier).  "UTC" and "Z"
 * need no file.  As with TZ, a leading ':' is dropped, ":/path" and
 * "/etc/localtime" name a zone file itself, and a name no file has may be
 * a POSIX TZ string itself ("CST-8", "EST5EDT,M3.2.0,M11.1.0").  Returns
 * a new zone for fb_zone_free(), or NULL with 'err' set: "unknown time
 * zone 'X'" (also for another name that starts with '/' or holds ".."),
 * an unreadable or invalid file, a zone that counts leap seconds
 * (right/...).
 */
struct fb_zone *fb_zone_load(const char *name, struct fb_error *err);
void fb_zone_free(struct fb_zone *z);

/* The name it was loaded by, borrowed from 'z'. */
const char *fb_zone_name(const struct fb_zone *z);

/* The UTC offset in seconds (east positive) at the instant 't'. */
int fb_zone_offset(const struct fb_zone *z, fb_time_t t);

/* Fills 'c' with the local time of 't' (milliseconds dropped); returns 0. */
int fb_zone_civil(const struct fb_zone *z, fb_time_t t, struct fb_civil *c);

/*
 * Sets '*t' to the instant of a local time.  In a gap (spring forward)
 * the time is read with the offset before the gap, so 02:30 on the
 * spring-forward night in New York is 03:30 EDT; in an overlap (fall
 * back) it is the earlier instant, 01:30 EDT rather than EST.  Fields
 * past their range carry over as in mktime(): 32 January is 1 February,
 * hour 24 the next midnight, and (1970, 1, 1 + n, 0, 0, 0) the start of
 * local day n after 1970-01-01.  Returns 0, or -1 when 'mon' is not 1-12
 * or 'year' is beyond +-1,000,000.
 */
int fb_zone_instant(const struct fb_zone *z, int year, int mon, int day,
    int hour, int min, int sec, fb_time_t *t);

/*---- Business calendars (fb_calendar.c) ----*/

/*
 * When an SLA clock runs: working hours per weekday in one time zone,
 * minus holidays, plus make-up working days (调休: a Saturday worked with
 * a weekday's hours), or 24x7.  Hours are local wall-clock hours, so
 * 09:00-18:00 is 9 hours on a daylight-saving day too, while time between
 * instants is real time (a 24x7 day in spring is 23 hours).  A calendar
 * is built with the calls below and then queried; queries do not change
 * it, so threads may share a finished one.
 *
 * The queries look at most FB_CALENDAR_MAX_SPAN (ten years) past their
 * first instant, and take instants beyond +-2^52 ms (142,000 years) as
 * those limits: a loop over days must end.
 */
struct fb_calendar;

#define FB_CALENDAR_MAX_SPAN	(3660LL * 86400000)

/*
 * A calendar named 'name' (copied; NULL for "") in the zone 'zone'
 * (loaded with fb_zone_load(); NULL for "UTC"), with no working time
 * until fb_calendar_hours() gives some.  Returns a new calendar for
 * fb_calendar_free(), or NULL with 'err' set.
 */
struct fb_calendar *fb_calendar_create(const char *name, const char *zone,
    struct fb_error *err);

/*
 * The calendar "24x7" in UTC, on which the clock always runs (it may
 * still be given holidays, which are then UTC days).  Returns a new
 * calendar, or NULL when out of memory.
 */
struct fb_calendar *fb_calendar_always(void);

void fb_calendar_free(struct fb_calendar *cal);

/* Both borrowed from 'cal'. */
const char *fb_calendar_name(const struct fb_calendar *cal);
const struct fb_zone *fb_calendar_zone(const struct fb_calendar *cal);

/*
 * Sets the working hours of the weekdays 'days' ("mon-fri", "sat",
 * "mon,wed,fri", "fri-mon", "mon-sun"; full names too), replacing what
 * they had, to 'hours': up to 16 local intervals separated by blanks or
 * commas ("09:00-12:00 13:30-18:00", "24:00" allowed as an end), or
 * "closed".  An interval that ends at or before its start crosses
 * midnight ("22:00-06:00") and belongs to the day it starts: it does not
 * run when that day is a holiday, and does run into the morning of one.
 * The intervals of a day may not overlap.  On the nights the clocks
 * change, a bound in the skipped hour is the instant of the jump (so
 * "02:30-03:15" is the 15 minutes from 03:00), and one in the repeated
 * hour is its first pass.  Returns 0, or -1 with 'err'.
 */
int fb_calendar_hours(struct fb_calendar *cal, const char *days,
    const char *hours, struct fb_error *err);

/*
 * Makes the local days 'from' to 'to' ("2026-10-01", "2026-10-07", both
 * included; 'to' NULL for one day; at most 366 days) holidays, reported
 * by fb_calendar_excluded() as "holiday NAME" ("holiday" when 'name' is
 * NULL or "").  A day made a holiday twice keeps its first name.
 * Returns 0, or -1 with 'err' set.
 */
int fb_calendar_holiday(struct fb_calendar *cal, const char *from,
    const char *to, const char *name, struct fb_error *err);

/*
 * Makes 'date' ("2026-10-10") a make-up working day with the hours of the
 * weekday 'as' ("mon", ...; NULL for Monday), whatever its own weekday,
 * and even when it is also a holiday.  Returns 0, or -1 with 'err' set.
 */
int fb_calendar_workday(struct fb_calendar *cal, const char *date,
    const char *as, struct fb_error *err);

/*
 * Adds the days of the iCalendar file 'path' (RFC 5545, folded lines
 * unfolded): each VEVENT covers the dates from DTSTART to DTEND
 * (exclusive), or DURATION ("P3D", "P1W"), or one day.  An event
 * whose SUMMARY contains "补班" or "调休上班", or whose CATEGORIES
 * list WORKDAY, makes make-up working days with Monday's hours; any
 * other makes holidays named by its SUMMARY.  A DTSTART with a time
 * ("20261001T000000", with or without TZID or Z) is read as that date,
 * and a DTEND with a time after midnight includes its date.  Cancelled
 * events are skipped; RRULE and RDATE are refused, since one occurrence
 * would count for all.  The whole file is checked before the calendar
 * changes.  Returns 0, or -1 with 'err' naming FILE:LINE.
 */
int fb_calendar_ics(struct fb_calendar *cal, const char *path,
    struct fb_error *err);

/*
 * The working time in [a, b), in ms: 0 when b <= a.  Of a span longer
 * than FB_CALENDAR_MAX_SPAN only the first FB_CALENDAR_MAX_SPAN counts.
 */
int64_t fb_calendar_elapsed(const struct fb_calendar *cal, fb_time_t a,
    fb_time_t b);

/*
 * The earliest instant t with fb_calendar_elapsed(cal, start, t) == ms:
 * when 'start' is outside working hours the count begins at the next
 * opening, and a target that ends with a day's hours is due at their
 * close (Friday 18:00), not at the next opening.  Returns 'start' when
 * ms <= 0, and FB_TIME_MAX when t would be more than FB_CALENDAR_MAX_SPAN
 * after 'start' (a calendar with no working time) or 'start' is beyond
 * +-2^52 ms.
 */
fb_time_t fb_calendar_add(const struct fb_calendar *cal, fb_time_t start,
    int64_t ms);

/*
 * Calls 'fn', in order, with each maximal span of [a, b) that is not
 * working time and why: "holiday NAME", "weekend" (a day with no hours)
 * or "outside working hours".  A span is cut where its reason changes,
 * so a weekend is one span and the evenings either side are two more.
 * 'why' is borrowed from 'cal'.  The spans add up to (b - a) -
 * fb_calendar_elapsed(cal, a, b), capped the same way.  Returns 0, or the
 * first nonzero value 'fn' returns, which stops the calls.
 */
int fb_calendar_excluded(const struct fb_calendar *cal, fb_time_t a,
    fb_time_t b, int (*fn)(void *arg, fb_time_t from, fb_time_t to,
    const char *why), void *arg);

/*---- SLA policies and clocks (fb_sla.c) ----*/

/*
 * A policy file (share/fb/sla.conf), line by line, words split by
 * fb_words_split() and '#' starting a comment:
 *
 *   calendar NAME [ZONE]         a calendar (IANA ZONE, default UTC)
 *     hours DAYS INTERVALS...    fb_calendar_hours()
 *     holiday FROM [TO] [NAME]   fb_calendar_holiday()
 *     workday DATE [WEEKDAY]     fb_calendar_workday()
 *     ics FILE                   fb_calendar_ics(), FILE relative to the
 *                                policy file's directory
 *   policy NAME                  a policy; tried in file order
 *     when FIELD VALUE...        FIELD (priority, channel, category,
 *                                province, tier, queue) equals one of the
 *                                VALUEs; every `when` must hold
 *     first-response DURATION    targets: fb_duration_parse(), > 0
 *     next-response DURATION
 *     resolution DURATION
 *     update-after DURATION      a customer update is due when open this
 *                                long (wall-clock)
 *     time business|calendar     count the calendar's working time, or
 *                                wall-clock time (the default, unless
 *                                the policy names a calendar)
 *     calendar NAME              default the built-in 24x7 "always"
 *     at-risk PERCENT%           default 20%
 *
 * A calendar with no `hours` runs all week.  Calendars are defined before
 * the policies that name them: inside a policy `calendar` names one.  A
 * policy with no `when` matches everything; each policy sets at least one
 * of first-response, next-response and resolution, and each setting but
 * `when` at most once.
 */
struct fb_sla;
struct fb_sla_policy;

/*
 * Loads the policy file 'path'.  Returns a new object for fb_sla_free(),
 * or NULL with 'err' set to "FILE:LINE: message" (and err->line): an
 * unknown keyword, a line outside a block, an unknown calendar, a
 * duplicate calendar or policy name or setting, a bad duration or
 * percentage, a calendar error, a policy with no target, a file with no
 * policy.  An unreadable file gives the reader's message.
 */
struct fb_sla *fb_sla_load(const char *path, struct fb_error *err);
void fb_sla_free(struct fb_sla *s);

/* What policies match on; NULL when the item lacks it (`when` on it fails). */
struct fb_sla_keys {
	const char *priority, *channel, *category, *province, *tier, *queue;
};

/*
 * The first policy whose `when` lines all hold for 'k' (values compared
 * exactly), or NULL when none does.  Borrowed from 's'.
 */
const struct fb_sla_policy *fb_sla_match(const struct fb_sla *s,
    const struct fb_sla_keys *k);

/* The policy's name, borrowed. */
const char *fb_sla_policy_name(const struct fb_sla_policy *p);

/*
 * The calendar whose working time the policy counts (borrowed), or NULL
 * when it counts wall-clock time; for explaining excluded time with
 * fb_calendar_excluded().
 */
const struct fb_calendar *fb_sla_policy_calendar(
    const struct fb_sla_policy *p);

/* The lifecycle events of an item, named as in DESIGN.md 2. */
enum fb_sla_event {
	FB_SLA_ASSIGNED,	/* "assigned" */
	FB_SLA_FIRST_RESPONSE,	/* "first_response" */
	FB_SLA_RESPONSE,	/* "response": a later agent answer */
	FB_SLA_CUSTOMER_REPLY,	/* "customer_reply" */
	FB_SLA_PENDING,		/* "pending": waiting on the customer */
	FB_SLA_RESUMED,		/* "resumed" */
	FB_SLA_RESOLVED,	/* "resolved" */
	FB_SLA_REOPENED,	/* "reopened" */
	FB_SLA_CLOSED,		/* "closed" */
	FB_SLA_CSAT		/* "csat" */
};

/* Sets '*ev' from its name; returns 0, or -1 when unknown. */
int fb_sla_event_parse(const char *name, enum fb_sla_event *ev);

/* The name of 'ev' ("first_response"), or "unknown". */
const char *fb_sla_event_name(enum fb_sla_event ev);

struct fb_sla_ev {
	fb_time_t ts;
	enum fb_sla_event kind;
};

/* Ordered by severity: an item's state is the greatest of its clocks'. */
enum fb_sla_state {
	FB_SLA_NONE,		/* no target, or no cycle of it yet */
	FB_SLA_MET,		/* stopped by its due time */
	FB_SLA_OK,		/* running, more than at-risk% left */
	FB_SLA_AT_RISK,		/* running, little left or due soon */
	FB_SLA_BREACHED		/* stopped late, or running past due */
};

/* "none", "met", "ok", "at_risk", "breached". */
const char *fb_sla_state_name(int state);

/* One clock: its latest cycle, as of 'now'. */
struct fb_sla_target {
	int present;		/* the policy sets this target */
	int state;		/* enum fb_sla_state */
	fb_time_t due;		/* FB_TIME_MAX when never (or no cycle) */
	fb_time_t stopped;	/* when stopped, else FB_TIME_MIN */
	int64_t elapsed;	/* counted time (ms) of the latest cycle */
	int64_t total;		/* of all cycles: resolution's, else = elapsed */
	int64_t target;		/* ms */
	int cycles, late;	/* cycles started, those breached */
};

enum fb_sla_span_what {
	FB_SLA_RUNNING,		/* open, not pending: clocks count */
	FB_SLA_PAUSED,		/* pending */
	FB_SLA_STOPPED		/* resolved or closed */
};

struct fb_sla_span {
	fb_time_t from, to;
	int what;		/* enum fb_sla_span_what */
	enum fb_sla_event cause;	/* the event that started it ... */
	int cause_is_creation;	/* ... unless it started at creation */
};

/* What became of one event, for explaining a clock. */
enum fb_sla_outcome {
	FB_SLA_APPLIED,		/* changed the state or a clock */
	FB_SLA_NO_EFFECT,	/* assigned, csat, a proactive response */
	FB_SLA_DUPLICATE,	/* the same kind at the same instant again */
	FB_SLA_OUT_OF_PLACE,	/* made no sense then (pending while pending) */
	FB_SLA_AFTER_NOW	/* later than now: left out */
};

/* "applied", "no effect", "duplicate", "out of place", "after now". */
const char *fb_sla_outcome_name(int outcome);

struct fb_sla_clock {
	struct fb_sla_target first_response, next_response, resolution;
	fb_time_t first_response_at;	/* the first agent answer, or FB_TIME_MIN */
	fb_time_t update_due;	/* FB_TIME_MAX without update-after */
	int update_state;	/* enum fb_sla_state */
	int state;		/* the worst of the three targets */
	int open, pending;	/* as of now */
	unsigned ignored;	/* duplicates and events out of place */
	struct fb_sla_span *spans;	/* in order; the last ends at now */
	size_t nspans, spans_cap;	/* owned: fb_sla_clock_release() */
	/*
	 * When not NULL, the caller's array of one enum fb_sla_outcome per
	 * event given to fb_sla_clock(), in the caller's order; kept across
	 * calls like the span buffer.
	 */
	unsigned char *outcome;
};

/*
 * Works out the clocks of an item created at 'created' under 'p' from its
 * events 'ev' (any order; a sorted copy is used: by time, then by kind in the
 * order of enum fb_sla_event, so equal times give one result whatever
 * their order),
 * as of 'now', into 'out' (set up with fb_sla_clock_init(); its span
 * buffer is reused).  'within' (ms, >= 0) makes a clock due that soon
 * at_risk.  Returns 0, or -1 with 'err' set (out of memory, an event kind
 * out of range).
 *
 * Clocks run while the item is open and not pending, counting wall-clock
 * ms or, with `time business`, fb_calendar_elapsed() on the policy's
 * calendar.  PENDING pauses them; RESUMED or CUSTOMER_REPLY resumes them.
 *
 *  - First response runs from creation to the first FIRST_RESPONSE or
 *    RESPONSE.
 *  - Next response: a CUSTOMER_REPLY after the first response, while
 *    open and none is waiting, starts a cycle that the next RESPONSE or
 *    FIRST_RESPONSE ends; further replies join the waiting cycle.
 *  - Resolution runs from creation to RESOLVED or CLOSED; REOPENED
 *    starts a new cycle with the full target.  The cycles counted and the
 *    late ones include the current cycle.
 *  - RESOLVED or CLOSED stops every running clock, a first response not
 *    yet given and a waiting next response included (they are then met or
 *    breached by the time they had).
 *  - A clock's due time is the instant its counted time reaches the
 *    target: past instants exactly, future ones as if it ran on from now
 *    (a paused clock from now, a stopped one from its stop).  It is
 *    breached when it stopped, or still runs, after that instant; met
 *    when it stopped at or before it; at_risk when running with at most
 *    at-risk% of the target left or due within 'within'; else ok.
 *  - Update due: created + update-after, wall-clock.  Met by a RESPONSE
 *    or FIRST_RESPONSE at or after that instant, or when the item is not
 *    open as of now; breached when open past it; at_risk and ok as above.
 *    It is not part of 'state'.
 *  - Events before creation count as at creation; events after 'now'
 *    are left out and not counted anywhere (a 'now' before creation is
 *    taken as creation).  Events of one instant apply in the order given.
 *  - These change nothing and are counted in 'ignored': a repeated event
 *    (same kind and time), PENDING while pending or not open, RESUMED
 *    while not pending, RESOLVED when not open, CLOSED when closed,
 *    REOPENED while open, a FIRST_RESPONSE that answers nothing, and
 *    after CLOSED every event but CSAT: closing is final, as in most
 *    helpdesks (a follow-up is a new item).  A RESPONSE that answers no
 *    reply is a proactive update: not counted.  ASSIGNED and CSAT change
 *    no clock.
 */
int fb_sla_clock(const struct fb_sla_policy *p, fb_time_t created,
    const struct fb_sla_ev *ev, size_t n, fb_time_t now, int64_t within,
    struct fb_sla_clock *out, struct fb_error *err);

void fb_sla_clock_init(struct fb_sla_clock *c);
void fb_sla_clock_release(struct fb_sla_clock *c);

/*---- Quantile sketches (fb_sketch.c) ----*/

/*
 * A log-histogram of non-negative integers (durations in ms): exact count,
 * sum, min and max, and quantiles within about 1% of a value added.  Zero
 * it with fb_sketch_init(); it allocates its bins on the first value >= 1.
 */
struct fb_sketch {
	uint64_t n, zeros;	/* values added; of them, those below 1 */
	int64_t sum, min, max;	/* sum saturates at INT64_MAX */
	uint64_t *bins;		/* counts of bins lo .. lo + len - 1 */
	int lo, len;
};

void fb_sketch_init(struct fb_sketch *s);
void fb_sketch_release(struct fb_sketch *s);

/* Adds 'v' (negative counts as 0).  Returns 0, or -1 when out of memory. */
int fb_sketch_add(struct fb_sketch *s, int64_t v);

/* Adds every value of 'from' to 'into'.  Returns 0 or -1 (memory). */
int fb_sketch_merge(struct fb_sketch *into, const struct fb_sketch *from);

/*
 * The nearest-rank 'q' quantile (0 < q <= 1: 0.5 the median, 0.9 the
 * 90th percentile), within about 1%, never outside [min, max]; -1 when
 * empty.
 */
int64_t fb_sketch_quantile(const struct fb_sketch *s, double q);

/*
 * The sketch as {"n","sum","min","max","zeros","bins":[[k,count]...]}
 * (a new reference, NULL when out of memory), and back: fb_sketch_from_json()
 * replaces 's', or returns -1 with 'err' set when 'j' is not such an
 * object or its counts do not agree.
 */
json_t *fb_sketch_to_json(const struct fb_sketch *s);
int fb_sketch_from_json(struct fb_sketch *s, json_t *j, struct fb_error *err);

/*---- What summaries count of SLA clocks (fb_sla_stats.c) ----*/

/* One clock over many items. */
struct fb_sla_tally {
	uint64_t met, breached, running;
	struct fb_sketch times;	/* ms to the first answer, to resolution */
};

/* Zero it to start; fb_sla_stats_release() frees its sketches. */
struct fb_sla_stats {
	uint64_t open, pending;
	struct fb_sla_tally fr, res;
	uint64_t nr_cycles, nr_late;	/* next-response cycles, late ones */
	uint64_t eligible, closed_in;	/* the closure window */
	uint64_t closed_loop;	/* answered by an agent and no longer open */
	uint64_t update_due;	/* open and owed a customer update */
};

/*
 * Counts the clock 'c' of an item made at 'created', as of 'now', with
 * the closure window 'close_within' (ms).  Returns 0, or -1 when out of
 * memory.
 */
int fb_sla_stats_add(struct fb_sla_stats *s, const struct fb_sla_clock *c,
    fb_time_t created, fb_time_t now, int64_t close_within);
int fb_sla_stats_merge(struct fb_sla_stats *into,
    const struct fb_sla_stats *from);
void fb_sla_stats_release(struct fb_sla_stats *s);

/*
 * Sets the members open, pending, first_response, resolution, nr_cycles,
 * nr_late, eligible, closed_in, closed_loop and update_due of 'o' (in
 * that order), for partial states; -1 when out of memory.  And back:
 * fb_sla_stats_from_json() replaces 's', or returns -1 with 'err' set.
 */
int fb_sla_stats_to_json(const struct fb_sla_stats *s, json_t *o);
int fb_sla_stats_from_json(struct fb_sla_stats *s, json_t *o,
    struct fb_error *err);

#endif /* FB_H */
