/* fb-ingest: turn feedback from every channel's export into one clean NDJSON record per item. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <csv.h>
#include <zlib.h>

#include "fb_cli.h"

enum {
	OPT_ENCODING = FB_OPT_TOOL,
	OPT_REDACT,
	OPT_MAX_PER_DAY,
	OPT_STORE,
	OPT_PSEUDONYMIZE,
};

static const struct fb_opt opts[] = {
	{ 'f', "format", "FORMAT",
	    "ndjson, json, csv, tsv, eml, mbox or text" },
	{ 'c', "channel", "NAME", "the channel the items came from" },
	{ 'm', "map", "FIELD=COLUMN,...", "read FIELD from COLUMN (repeatable)" },
	{ OPT_ENCODING, "encoding", "ENC",
	    "the input's charset (utf-8, gb18030, gbk, big5)" },
	{ OPT_REDACT, "redact", NULL,
	    "mask phone, e-mail, ID and bank card numbers" },
	{ OPT_MAX_PER_DAY, "max-per-customer-day", "N",
	    "flag items past N a customer a day rate_limited" },
	{ OPT_STORE, "store", "DIR", "drop items already in the store DIR" },
	{ OPT_PSEUDONYMIZE, "pseudonymize", "KEYFILE",
	    "replace customer ids, e-mail, phone by hashes" },
	FB_OPT_COMMON,
	FB_OPT_INPUT,
	FB_OPT_OUTPUT,
	FB_OPT_TIME,
	FB_OPT_END
};

static const char *const usage[] = {
	"fb-ingest [-qv] [--redact] [-c channel] [-f format] [-m map] "
	    "[--encoding enc] [--reject file] [file ...]",
	NULL
};

static const struct fb_tool tool = {
	usage,
	"Read feedback exports (NDJSON, JSON, CSV, TSV, e-mail, mbox, text) "
	    "and write one record per item.",
	opts, NULL,
	"fb-ingest -c hotline --encoding gb18030 calls.csv | fb-store append"
};

/*---- Fields ----*/

enum field {
	F_REF, F_TS, F_TEXT, F_CHANNEL, F_CUST_ID, F_CUST_TIER, F_CUST_SPEND,
	F_ORDER, F_SKU, F_PCAT, F_PROVINCE, F_CITY, F_DISTRICT, F_RATING,
	F_LANG, F_IMAGES, F_VIDEOS, NFIELDS
};

/*
 * Each field's name for --map, the path it has in fb's own record shape
 * (read first from JSON input), and the column names exports use for it.
 */
static const struct {
	const char *name, *path;
	const char *names[26];
} fields[NFIELDS] = {
	[F_REF] = { "ref", "source.ref", { "编号", "工单号", "单号", "反馈编号",
	    "评论id", "评论编号", "ref", "ticket", "ticket_id", "review_id",
	    "message_id", "call_id", "id", NULL } },
	[F_TS] = { "ts", "ts", { "时间", "日期", "提交时间", "创建时间",
	    "评论时间", "反馈时间", "来电时间", "created_at", "created", "date",
	    "time", "timestamp", "submitted_at", NULL } },
	[F_TEXT] = { "text", "text", { "内容", "评论", "反馈内容", "反馈", "评价",
	    "评价内容", "留言", "问题描述", "描述", "comment", "comments",
	    "review", "body", "content", "message", "feedback", "description",
	    NULL } },
	[F_CHANNEL] = { "channel", "channel", { "渠道", "来源", NULL } },
	[F_CUST_ID] = { "customer.id", "customer.id", { "用户id", "客户id",
	    "会员id", "用户", "客户编号", "customer_id", "user_id", "customer",
	    "user", "uid", NULL } },
	[F_CUST_TIER] = { "customer.tier", "customer.tier", { "会员等级",
	    "客户等级", "等级", "tier", "level", "vip_level", NULL } },
	[F_CUST_SPEND] = { "customer.annual_spend", "customer.annual_spend",
	    { "年消费", "年消费额", "annual_spend", "spend", NULL } },
	[F_ORDER] = { "order_id", "order_id", { "订单号", "订单编号", "order",
	    "order_no", NULL } },
	[F_SKU] = { "sku", "sku", { "商品编号", "商品id", "sku_id",
	    "product_id", NULL } },
	[F_PCAT] = { "product_category", "product_category", { "品类",
	    "商品类目", "类目", "category", NULL } },
	[F_PROVINCE] = { "region.province", "region.province", { "省", "省份",
	    "province", NULL } },
	[F_CITY] = { "region.city", "region.city", { "市", "城市", "city",
	    NULL } },
	[F_DISTRICT] = { "region.district", "region.district", { "区", "区县",
	    "district", NULL } },
	[F_RATING] = { "rating", "rating", { "评分", "星级", "打分", "stars",
	    "score", NULL } },
	[F_LANG] = { "lang", "lang", { "语言", "language", NULL } },
	[F_IMAGES] = { "attachments.images", "attachments.images", { "图片数",
	    "图片", "images", "image_count", NULL } },
	[F_VIDEOS] = { "attachments.videos", "attachments.videos", { "视频数",
	    "视频", "videos", "video_count", NULL } },
};

/* The channels of DESIGN.md 2, and what exports call them. */
static const struct {
	const char *alias, *channel;
} channel_names[] = {
	{ "app", "app" }, { "web", "web" }, { "miniprogram", "miniprogram" },
	{ "email", "email" }, { "hotline", "hotline" }, { "chat", "chat" },
	{ "weibo", "weibo" }, { "douyin", "douyin" }, { "review", "review" },
	{ "other", "other" },
	{ "微博", "weibo" }, { "抖音", "douyin" }, { "小程序", "miniprogram" },
	{ "微信小程序", "miniprogram" }, { "电话", "hotline" },
	{ "热线", "hotline" }, { "客服热线", "hotline" }, { "call", "hotline" },
	{ "phone", "hotline" }, { "邮件", "email" }, { "mail", "email" },
	{ "e-mail", "email" }, { "在线客服", "chat" }, { "客服", "chat" },
	{ "im", "chat" }, { "网站", "web" }, { "官网", "web" }, { "pc", "web" },
	{ "APP", "app" }, { "客户端", "app" }, { "评价", "review" },
	{ "商品评价", "review" }, { "tiktok", "douyin" },
};

static const char *
channel_of(const char *s)
{
	size_t k;

	for (k = 0; k < sizeof(channel_names) / sizeof(channel_names[0]); k++)
		if (strcasecmp(s, channel_names[k].alias) == 0)
			return channel_names[k].channel;
	return NULL;
}

enum format { FMT_DETECT, FMT_NDJSON, FMT_JSON, FMT_CSV, FMT_TSV, FMT_EML,
    FMT_MBOX, FMT_TEXT };

static const char *const format_names[] = {
	"detect", "ndjson", "json", "csv", "tsv", "eml", "mbox", "text", NULL
};

/*---- Configuration and run state ----*/

/* A seen id: 96 bits of its hash; 0 marks an empty slot. */
struct seen {
	uint64_t h1;
	uint32_t h2;
};

struct day_count {
	uint64_t key;		/* hash of customer and local day */
	uint32_t n;
};

struct conf {
	enum format format;
	const char *channel;
	const char *encoding;	/* NULL: UTF-8 */
	const char *map[NFIELDS];	/* column names from --map */
	int redact;
	long max_per_day;
	const char *store_dir;
	struct fb_store *store;
	const char *key_file;		/* --pseudonymize */
	struct fb_hmac key;
	struct fb_buf decoded;		/* a member's value, decoded */
	/* the run */
	struct seen_set {
		struct seen *slots;
		size_t cap, n;
	} seen[2];		/* this generation, the one before */
	struct day_count *days;
	size_t days_cap, days_n;
	unsigned long dropped;
	struct fb_buf out;	/* the output line being built */
};

/*---- One item ----*/

/*
 * An item as read from its source: the value of each field as UTF-8
 * text (offsets into 'buf'), plus what the source adds.
 */
struct item {
	char *buf;
	size_t len, cap;
	size_t off[NFIELDS], vlen[NFIELDS];
	unsigned char set[NFIELDS];
	unsigned char raw_json[NFIELDS];	/* value is a JSON number text */
	const char *default_channel;
	struct fb_pos pos;
	json_t *extra;			/* unmapped CSV columns; owned */
	struct fb_rec *rec;		/* JSON input: the object itself */
	unsigned char *consumed;	/* its top-level members read as fields */
	const char *flags_json;		/* customer.flags from JSON input */
	size_t flags_len;
	const char *keep_id;		/* an fb id the input already carries */
	size_t keep_id_len;
	const char *top_flags;		/* the input's own "flags" array */
	size_t top_flags_len;
	struct fb_span source;		/* an fb record's own "source", kept */
};

static void
item_reset(struct item *it)
{
	it->len = 0;
	memset(it->set, 0, sizeof(it->set));
	memset(it->raw_json, 0, sizeof(it->raw_json));
	json_decref(it->extra);
	it->extra = NULL;
	it->rec = NULL;
	it->consumed = NULL;
	it->flags_json = NULL;
	it->top_flags = NULL;
	it->source.p = NULL;
	it->keep_id = NULL;
	it->default_channel = NULL;
}

static void
item_set(struct item *it, enum field f, const char *s, size_t n)
{
	if (it->len + n + 1 > it->cap) {
		size_t ncap = (it->len + n + 1) * 2;
		char *p = realloc(it->buf, ncap);

		if (p == NULL)
			fb_diex("out of memory");
		it->buf = p;
		it->cap = ncap;
	}
	memcpy(it->buf + it->len, s, n);
	it->buf[it->len + n] = '\0';
	it->off[f] = it->len;
	it->vlen[f] = n;
	it->set[f] = 1;
	it->len += n + 1;
}

static const char *
item_get(const struct item *it, enum field f, size_t *n)
{
	if (!it->set[f])
		return NULL;
	if (n != NULL)
		*n = it->vlen[f];
	return it->buf + it->off[f];
}

/*---- Building the output line ----*/

/* Copies JSON text without the whitespace between its tokens. */
static void
out_compact(struct conf *c, const char *s, size_t n)
{
	size_t k, from = 0;
	int in_str = 0;

	for (k = 0; k < n; k++) {
		char ch = s[k];

		if (in_str) {
			if (ch == '\\')
				k++;
			else if (ch == '"')
				in_str = 0;
			continue;
		}
		if (ch == '"') {
			in_str = 1;
			continue;
		}
		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
			fb_buf_add(&c->out, s + from, k - from);
			from = k + 1;
		}
	}
	fb_buf_add(&c->out, s + from, n - from);
}

/* ',"key":' (or '"key":' first in its object). */
static void
out_key(struct conf *c, int *first, const char *key)
{
	if (!*first)
		fb_buf_add(&c->out, ",", 1);
	*first = 0;
	fb_buf_json_str(&c->out, key, strlen(key));
	fb_buf_add(&c->out, ":", 1);
}

static void
out_field_str(struct conf *c, int *first, const char *key, const char *s,
    size_t n)
{
	out_key(c, first, key);
	fb_buf_json_str(&c->out, s, n);
}

/*---- Normalisation ----*/

/* A rating 1-5 from "4", "4.0", "★★★★" or "4星"; 0 when there is none. */
static double
parse_rating(const char *s)
{
	const char *star = "\xe2\x98\x85";	/* U+2605 BLACK STAR */
	double v;
	char *end;
	int stars = 0;

	while (strncmp(s, star, 3) == 0) {
		stars++;
		s += 3;
	}
	if (stars > 0)
		return *s == '\0' || strncmp(s, "\xe2\x98\x86", 3) == 0 ? stars : 0;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno != 0)
		return 0;
	while (*end == ' ')
		end++;
	if (*end != '\0' && strcmp(end, "星") != 0 && strcmp(end, "分") != 0 &&
	    strcasecmp(end, "stars") != 0 && strcmp(end, "/5") != 0)
		return 0;
	return v >= 1 && v <= 5 ? v : 0;
}

static int
parse_number(const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	while (*end == ' ')
		end++;
	return end != s && *end == '\0' && errno == 0 ? 0 : -1;
}

static void
out_number(struct conf *c, double v)
{
	char num[64];

	if (v == (double)(long long)v && v > -1e15 && v < 1e15)
		snprintf(num, sizeof(num), "%lld", (long long)v);
	else
		snprintf(num, sizeof(num), "%.15g", v);
	fb_buf_adds(&c->out, num);
}

static int
has_bytes(const char *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle), k;

	for (k = 0; k + m <= n; k++)
		if (memcmp(hay + k, needle, m) == 0)
			return 1;
	return 0;
}

/*
 * The ids seen in this run, in two generations so memory stays bounded
 * (DESIGN.md 6: per-record stages stream in constant memory): a table
 * grows to SEEN_MAX slots; when that fills, it becomes the old generation
 * and the one before it is dropped.  Every duplicate among the last
 * 3/4 SEEN_MAX items is caught; ones farther apart are left for --store
 * and fb-store append --dedup, whose index is on disk.
 */
#define SEEN_MAX (1u << 19)	/* 8 MiB a generation */

static int
seen_has(const struct seen_set *t, uint64_t h1, uint32_t h2, size_t *slot)
{
	size_t i;

	if (t->cap == 0)
		return 0;
	for (i = h1 & (t->cap - 1); t->slots[i].h1 || t->slots[i].h2;
	    i = (i + 1) & (t->cap - 1))
		if (t->slots[i].h1 == h1 && t->slots[i].h2 == h2)
			return 1;
	if (slot != NULL)
		*slot = i;
	return 0;
}

static void
seen_grow(struct seen_set *t, size_t ncap)
{
	struct seen *ns = calloc(ncap, sizeof(*ns));
	size_t k, i;

	if (ns == NULL)
		fb_diex("out of memory");
	for (k = 0; k < t->cap; k++) {
		if (t->slots[k].h1 == 0 && t->slots[k].h2 == 0)
			continue;
		for (i = t->slots[k].h1 & (ncap - 1); ns[i].h1 || ns[i].h2;
		    i = (i + 1) & (ncap - 1))
			;
		ns[i] = t->slots[k];
	}
	free(t->slots);
	t->slots = ns;
	t->cap = ncap;
}

/* Adds an id to the run's set; returns 0 if it was there already. */
static int
seen_add(struct conf *c, const char *id)
{
	struct seen_set *cur = &c->seen[0], *old = &c->seen[1];
	uint64_t h[2];
	size_t slot = 0;

	fb_hash128(id, strlen(id), 5, h);
	if (h[0] == 0 && (uint32_t)h[1] == 0)
		h[0] = 1;
	if (seen_has(old, h[0], (uint32_t)h[1], NULL) ||
	    seen_has(cur, h[0], (uint32_t)h[1], NULL))
		return 0;
	if ((cur->n + 1) * 4 > cur->cap * 3) {
		if (cur->cap < SEEN_MAX)
			seen_grow(cur, cur->cap ? cur->cap * 2 : 4096);
		else {
			/* The older generation goes; the full one takes its place. */
			struct seen_set t = *old;

			*old = *cur;
			*cur = t;
			if (cur->cap != SEEN_MAX) {
				free(cur->slots);
				cur->slots = calloc(SEEN_MAX, sizeof(*cur->slots));
				if (cur->slots == NULL)
					fb_diex("out of memory");
				cur->cap = SEEN_MAX;
			} else
				memset(cur->slots, 0, SEEN_MAX * sizeof(*cur->slots));
			cur->n = 0;
		}
	}
	seen_has(cur, h[0], (uint32_t)h[1], &slot);
	cur->slots[slot].h1 = h[0];
	cur->slots[slot].h2 = (uint32_t)h[1];
	cur->n++;
	return 1;
}

/*---- --pseudonymize ----*/

/*
 * Fields besides customer.id that name a person outright: CSV columns
 * kept in "extra", the display name of a mail's sender, and members of
 * JSON input that pass through.  Their values become pseudonyms too.
 */
static const char *const identifying_names[] = {
	"email", "e-mail", "mail", "phone", "mobile", "tel", "telephone",
	"name", "from_name", "contact", "手机", "手机号", "手机号码",
	"电话", "联系电话", "联系方式", "邮箱", "电子邮箱",
	"姓名", "联系人", NULL
};

static int
identifying_name(const char *name, size_t len)
{
	size_t k;

	for (k = 0; identifying_names[k] != NULL; k++)
		if (strlen(identifying_names[k]) == len &&
		    strncasecmp(identifying_names[k], name, len) == 0)
			return 1;
	return 0;
}

static int
identifying_member(const struct fb_member *m)
{
	return !m->key_escaped && identifying_name(m->key.p, m->key.len) &&
	    (m->val.p[0] == '"' || m->val.p[0] == '-' ||
	    (m->val.p[0] >= '0' && m->val.p[0] <= '9'));
}

/* Writes ',"key":"h:..."' for a JSON member whose value names a person. */
static void
out_pseudonym_member(struct conf *c, const struct fb_member *m)
{
	char ps[FB_PSEUDONYM_LEN + 1];
	const char *s = m->val.p;
	long n = (long)m->val.len;

	if (m->val.p[0] == '"') {
		if (fb_buf_grow(&c->decoded, m->val.len) < 0)
			fb_diex("out of memory");
		n = fb_json_string(m->val, c->decoded.p, m->val.len, &s);
	}
	fb_buf_add(&c->out, ",\"", 2);
	fb_buf_add(&c->out, m->key.p, m->key.len);
	fb_buf_add(&c->out, "\":", 2);
	if (n > 0) {
		fb_pseudonym(&c->key, s, (size_t)n, ps);
		fb_buf_json_str(&c->out, ps, FB_PSEUDONYM_LEN);
	} else
		fb_buf_add(&c->out, "\"\"", 2);
}

static void
pseudonymize_extra(struct conf *c, json_t *extra)
{
	char ps[FB_PSEUDONYM_LEN + 1], num[32];
	const char *key;
	json_t *v;

	json_object_foreach(extra, key, v) {
		const char *s = NULL;
		size_t n = 0;

		if (!identifying_name(key, strlen(key)))
			continue;
		if (json_is_string(v)) {
			s = json_string_value(v);
			n = json_string_length(v);
		} else if (json_is_integer(v)) {
			snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
			    json_integer_value(v));
			s = num;
			n = strlen(num);
		}
		if (s == NULL || n == 0)
			continue;
		fb_pseudonym(&c->key, s, n, ps);
		/* Replacing the value of the key being visited is allowed. */
		if (json_object_set_new(extra, key, json_string(ps)) < 0)
			fb_diex("out of memory");
	}
}

/* Counts an item for its customer and local day; returns the count so far. */
static uint32_t
day_count(struct conf *c, const char *customer, fb_time_t ts)
{
	char day[64];
	uint64_t h[2];
	size_t i;
	time_t secs = (time_t)(ts / 1000);
	struct tm tm;

	localtime_r(&secs, &tm);
	snprintf(day, sizeof(day), "%04d-%02d-%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday);
	fb_hash128(customer, strlen(customer), (uint32_t)(tm.tm_year * 400 +
	    tm.tm_yday), h);
	if (h[0] == 0)
		h[0] = 1;
	if ((c->days_n + 1) * 2 > c->days_cap) {
		size_t ncap = c->days_cap ? c->days_cap * 2 : 1024, k;
		struct day_count *nd = calloc(ncap, sizeof(*nd));

		if (nd == NULL)
			fb_diex("out of memory");
		for (k = 0; k < c->days_cap; k++) {
			if (c->days[k].key == 0)
				continue;
			for (i = c->days[k].key & (ncap - 1); nd[i].key;
			    i = (i + 1) & (ncap - 1))
				;
			nd[i] = c->days[k];
		}
		free(c->days);
		c->days = nd;
		c->days_cap = ncap;
	}
	for (i = h[0] & (c->days_cap - 1); c->days[i].key != 0;
	    i = (i + 1) & (c->days_cap - 1))
		if (c->days[i].key == h[0])
			return ++c->days[i].n;
	c->days[i].key = h[0];
	c->days[i].n = 1;
	c->days_n++;
	return 1;
}

/*
 * Turns an item into a record on stdout.  Returns FB_DROP (written or
 * dropped as a duplicate), FB_REJECT after reporting why, or FB_FATAL.
 */
static int
emit(struct conf *c, struct item *it)
{
	char id[24], tsbuf[FB_TIME_BUFSZ], *text, *red = NULL;
	const char *channel = c->channel, *s, *lang;
	struct fb_error err;
	fb_time_t ts;
	size_t n, k, tlen;
	int first = 1;
	double v;

	/* text: required, cleaned, redacted */
	s = item_get(it, F_TEXT, &n);
	if (s == NULL || n == 0) {
		fb_warnat(&it->pos, "no text");
		return FB_REJECT;
	}
	/* An owned copy: the item's buffer may move as fields are set. */
	if ((text = malloc(n + 1)) == NULL)
		fb_diex("out of memory");
	memcpy(text, s, n + 1);
	tlen = fb_text_clean(text, n);
	text[tlen] = '\0';
	if (tlen == 0) {
		fb_warnat(&it->pos, "no text");
		free(text);
		return FB_REJECT;
	}
	if (c->redact) {
		if ((red = fb_text_redact(text, tlen, FB_REDACT_ALL, &tlen,
		    NULL)) == NULL)
			fb_diex("out of memory");
		free(text);
		text = red;
	}
	red = text;	/* freed on every way out below */
	/* ts: read in --tz when it has no zone; the time of the run when absent */
	if ((s = item_get(it, F_TS, NULL)) != NULL && *s != '\0') {
		if (fb_time_parse_loose(s, &ts, &err) < 0) {
			fb_warnat(&it->pos, "cannot read time '%s'", s);
			free(red);
			return FB_REJECT;
		}
	} else
		ts = fb_time_now();
	fb_time_format(ts, tsbuf);
	/* channel: --channel, else the item's own, else the format's */
	if (channel == NULL && (s = item_get(it, F_CHANNEL, NULL)) != NULL)
		channel = channel_of(s);
	if (channel == NULL)
		channel = it->default_channel ? it->default_channel : "other";
	/*
	 * --pseudonymize: the id below hashes the pseudonym, never the raw
	 * customer id, or the unkeyed id hash would let anyone who knows the
	 * text and time try customer ids until one fits.
	 */
	if (c->key_file != NULL && (s = item_get(it, F_CUST_ID, &n)) != NULL &&
	    n > 0) {
		char ps[FB_PSEUDONYM_LEN + 1];

		fb_pseudonym(&c->key, s, n, ps);
		item_set(it, F_CUST_ID, ps, FB_PSEUDONYM_LEN);
		it->raw_json[F_CUST_ID] = 0;
	}
	/* id: kept when the input is already an fb record */
	if (it->keep_id != NULL && it->keep_id_len < sizeof(id)) {
		memcpy(id, it->keep_id, it->keep_id_len);
		id[it->keep_id_len] = '\0';
	} else {
		/* The id hashes the text as stored, so --redact runs agree with each other. */
		item_set(it, F_TEXT, text, tlen);
		fb_feedback_id(channel, item_get(it, F_REF, NULL),
		    item_get(it, F_CUST_ID, NULL), item_get(it, F_TS, NULL),
		    item_get(it, F_TEXT, NULL), it->pos.line, id);
	}
	if (!seen_add(c, id)) {
		c->dropped++;
		free(red);
		return FB_DROP;
	}
	if (c->store != NULL) {
		int rc = fb_store_has_id(c->store, id, strlen(id), &err);

		if (rc < 0) {
			fb_warnx("%s: %s", c->store_dir, err.msg);
			free(red);
			return FB_FATAL;
		}
		if (rc == 1) {
			c->dropped++;
			free(red);
			return FB_DROP;
		}
	}

	c->out.len = 0;
	fb_buf_add(&c->out, "{", 1);
	out_field_str(c, &first, "id", id, strlen(id));
	out_field_str(c, &first, "ts", tsbuf, strlen(tsbuf));
	out_field_str(c, &first, "channel", channel, strlen(channel));
	out_key(c, &first, "source");
	if (it->source.p != NULL)
		fb_buf_add(&c->out, it->source.p, it->source.len);
	else {
		int f2 = 1;
		char line[32];

		fb_buf_add(&c->out, "{", 1);
		out_field_str(c, &f2, "file", it->pos.file, strlen(it->pos.file));
		out_key(c, &f2, "line");
		snprintf(line, sizeof(line), "%lu", it->pos.line);
		fb_buf_adds(&c->out, line);
		if ((s = item_get(it, F_REF, &n)) != NULL)
			out_field_str(c, &f2, "ref", s, n);
		fb_buf_add(&c->out, "}", 1);
	}
	if (it->set[F_CUST_ID] || it->set[F_CUST_TIER] || it->set[F_CUST_SPEND] ||
	    it->flags_json != NULL) {
		int f2 = 1;

		out_key(c, &first, "customer");
		fb_buf_add(&c->out, "{", 1);
		if ((s = item_get(it, F_CUST_ID, &n)) != NULL)
			out_field_str(c, &f2, "id", s, n);
		if ((s = item_get(it, F_CUST_TIER, &n)) != NULL)
			out_field_str(c, &f2, "tier", s, n);
		if ((s = item_get(it, F_CUST_SPEND, &n)) != NULL) {
			if (parse_number(s, &v) == 0) {
				out_key(c, &f2, "annual_spend");
				if (it->raw_json[F_CUST_SPEND])
					fb_buf_add(&c->out, s, n);
				else
					out_number(c, v);
			} else
				fb_warning("%s:%lu: annual spend '%s' is not a "
				    "number; left out", it->pos.file,
				    it->pos.line, s);
		}
		if (it->flags_json != NULL) {
			out_key(c, &f2, "flags");
			fb_buf_add(&c->out, it->flags_json, it->flags_len);
		}
		fb_buf_add(&c->out, "}", 1);
	}
	if ((s = item_get(it, F_ORDER, &n)) != NULL && n > 0)
		out_field_str(c, &first, "order_id", s, n);
	if ((s = item_get(it, F_SKU, &n)) != NULL && n > 0)
		out_field_str(c, &first, "sku", s, n);
	if ((s = item_get(it, F_PCAT, &n)) != NULL && n > 0)
		out_field_str(c, &first, "product_category", s, n);
	if (it->set[F_PROVINCE] || it->set[F_CITY] || it->set[F_DISTRICT]) {
		int f2 = 1;

		out_key(c, &first, "region");
		fb_buf_add(&c->out, "{", 1);
		if ((s = item_get(it, F_PROVINCE, &n)) != NULL)
			out_field_str(c, &f2, "province", s, n);
		if ((s = item_get(it, F_CITY, &n)) != NULL)
			out_field_str(c, &f2, "city", s, n);
		if ((s = item_get(it, F_DISTRICT, &n)) != NULL)
			out_field_str(c, &f2, "district", s, n);
		fb_buf_add(&c->out, "}", 1);
	}
	out_field_str(c, &first, "text", text, tlen);
	lang = item_get(it, F_LANG, NULL);
	if (lang == NULL || *lang == '\0')
		lang = fb_text_lang(text, tlen);
	if (*lang != '\0')
		out_field_str(c, &first, "lang", lang, strlen(lang));
	if ((s = item_get(it, F_RATING, NULL)) != NULL && *s != '\0') {
		if ((v = parse_rating(s)) > 0) {
			out_key(c, &first, "rating");
			out_number(c, v);
		} else
			fb_warning("%s:%lu: rating '%s' is not 1 to 5; left out",
			    it->pos.file, it->pos.line, s);
	}
	if (it->set[F_IMAGES] || it->set[F_VIDEOS]) {
		int f2 = 1;

		out_key(c, &first, "attachments");
		fb_buf_add(&c->out, "{", 1);
		for (k = F_IMAGES; k <= F_VIDEOS; k++) {
			double cnt = 0;

			if ((s = item_get(it, (enum field)k, NULL)) != NULL &&
			    parse_number(s, &cnt) == 0 && cnt >= 0) {
				out_key(c, &f2, k == F_IMAGES ? "images" : "videos");
				out_number(c, cnt);
			}
		}
		fb_buf_add(&c->out, "}", 1);
	}
	if (c->max_per_day > 0 && it->set[F_CUST_ID] &&
	    day_count(c, item_get(it, F_CUST_ID, NULL), ts) >
	    (uint32_t)c->max_per_day) {
		out_key(c, &first, "flags");
		if (it->top_flags == NULL || it->top_flags_len < 2)
			fb_buf_adds(&c->out, "[\"rate_limited\"]");
		else if (has_bytes(it->top_flags, it->top_flags_len,
		    "\"rate_limited\""))
			fb_buf_add(&c->out, it->top_flags, it->top_flags_len);
		else {
			/* the input's flags, and ours after them */
			const char *end = it->top_flags + it->top_flags_len - 1;
			int empty = 1;

			for (const char *q = it->top_flags + 1; q < end; q++)
				if (!isspace((unsigned char)*q))
					empty = 0;
			fb_buf_add(&c->out, it->top_flags, it->top_flags_len - 1);
			fb_buf_adds(&c->out, empty ? "\"rate_limited\"]" :
			    ",\"rate_limited\"]");
		}
	} else if (it->top_flags != NULL) {
		out_key(c, &first, "flags");
		fb_buf_add(&c->out, it->top_flags, it->top_flags_len);
	}
	if (it->extra != NULL && json_object_size(it->extra) > 0) {
		char *x;

		if (c->key_file != NULL)
			pseudonymize_extra(c, it->extra);
		x = json_dumps(it->extra, JSON_COMPACT | JSON_PRESERVE_ORDER);

		if (x == NULL)
			fb_diex("out of memory");
		out_key(c, &first, "extra");
		fb_buf_adds(&c->out, x);
		free(x);
	}
	/* JSON input: every member not read as a field, bytes as they came */
	if (it->rec != NULL)
		for (k = 0; k < it->rec->nmembers; k++) {
			const struct fb_member *m = &it->rec->members[k];
			const char *from = m->key.p - 1;
			size_t len = (size_t)(m->val.p + m->val.len - from);

			if (it->consumed[k])
				continue;
			if (c->key_file != NULL && identifying_member(m)) {
				out_pseudonym_member(c, m);
				continue;
			}
			fb_buf_add(&c->out, ",", 1);
			/* A pretty-printed JSON file's line breaks would split the record. */
			if (memchr(from, '\n', len) != NULL ||
			    memchr(from, '\r', len) != NULL)
				out_compact(c, from, len);
			else
				fb_buf_add(&c->out, from, len);
		}
	fb_buf_add(&c->out, "}", 1);
	free(red);

	if (c->out.err)
		fb_diex("out of memory");
	if (fb_conf.pretty) {
		if (fb_json_write_pretty(&fb_stdout, c->out.p, c->out.len) < 0)
			return FB_FATAL;
	} else if (fb_out_write(&fb_stdout, c->out.p, c->out.len) < 0)
		return FB_FATAL;
	return fb_out_end_record(&fb_stdout) < 0 ? FB_FATAL : FB_DROP;
}

/*
 * Emits an item whose source bytes are 'raw': a rejected item's bytes go
 * to --reject.  Returns 0, or -1 to stop (--strict, a fatal error).
 */
static int
emit_raw(struct conf *c, struct item *it, const char *raw, size_t len)
{
	switch (emit(c, it)) {
	case FB_REJECT:
		return fb_reject_more(raw, len) < 0 ? -1 : fb_reject_end();
	case FB_FATAL:
		return -1;
	default:
		return 0;
	}
}

/*---- JSON and NDJSON ----*/

/* An id fb made: "fb-" and 8 to 32 lowercase hex digits, as a JSON string. */
static int
is_fb_id(struct fb_span v)
{
	size_t k;

	if (v.len < 2 + 3 + 8 || v.len > 2 + 3 + 32 || strncmp(v.p, "\"fb-", 4) != 0)
		return 0;
	for (k = 4; k < v.len - 1; k++)
		if (!isdigit((unsigned char)v.p[k]) && (v.p[k] < 'a' || v.p[k] > 'f'))
			return 0;
	return v.p[v.len - 1] == '"';
}

/*
 * Export names of every field, sorted, so a record's keys are matched in
 * one look-up each rather than against every name of every field.
 */
struct synonym {
	const char *name;
	unsigned char field, rank;	/* NFIELDS: no field */
};

static struct synonym synonyms[NFIELDS * 26];
static size_t nsynonyms;

static int
synonym_cmp(const void *a, const void *b)
{
	return strcmp(((const struct synonym *)a)->name,
	    ((const struct synonym *)b)->name);
}

static void
synonyms_init(void)
{
	size_t f, k;

	for (f = 0; f < NFIELDS; f++)
		for (k = 0; fields[f].names[k] != NULL; k++)
			synonyms[nsynonyms++] = (struct synonym){
			    fields[f].names[k], (unsigned char)f,
			    (unsigned char)k };
	qsort(synonyms, nsynonyms, sizeof(*synonyms), synonym_cmp);
}

/* The field a top-level key names as an export would (ASCII case ignored). */
static struct synonym
synonym_of(const struct fb_member *m)
{
	struct synonym key = { NULL, NFIELDS, 0 }, *hit;
	char lower[64];
	size_t k;

	if (m->key_escaped || m->key.len >= sizeof(lower))
		return key;
	for (k = 0; k < m->key.len; k++)
		lower[k] = (char)tolower((unsigned char)m->key.p[k]);
	lower[k] = '\0';
	key.name = lower;
	hit = bsearch(&key, synonyms, nsynonyms, sizeof(*synonyms),
	    synonym_cmp);
	if (hit == NULL)
		return (struct synonym){ NULL, NFIELDS, 0 };
	return *hit;
}

/* The fields a JSON object gives: fb's own paths first, then export names. */
static void
item_from_object(struct conf *c, struct item *it, struct fb_rec *rec)
{
	static unsigned char *consumed;
	static size_t consumed_cap, syn_cap;
	static struct synonym *syn;
	char small[256], *dec;
	const char *s;
	size_t k, f, best;
	long n;

	/* memset(NULL, 0, 0) is undefined: a record with no members too */
	if (consumed == NULL || rec->nmembers > consumed_cap) {
		consumed_cap = rec->nmembers * 2;
		consumed = fb_xrealloc(consumed, consumed_cap, 1);
	}
	memset(consumed, 0, rec->nmembers);
	it->rec = rec;
	it->consumed = consumed;
	if (rec->nmembers > syn_cap) {
		syn_cap = rec->nmembers * 2;
		syn = fb_xrealloc(syn, syn_cap, sizeof(*syn));
	}
	for (k = 0; k < rec->nmembers; k++)
		syn[k] = synonym_of(&rec->members[k]);
	for (f = 0; f < NFIELDS; f++) {
		struct fb_span v;
		const char *path = NULL, *top;
		char alt[64];
		size_t toplen;
		int found = 0;

		if (c->map[f] != NULL)
			found = fb_rec_raw(rec, path = c->map[f], &v);
		else {
			found = fb_rec_raw(rec, path = fields[f].path, &v);
			/* The export name earliest in the field's list wins; then the last such key. */
			for (k = 0, best = SIZE_MAX; !found && k < rec->nmembers; k++)
				if (syn[k].field == f && (best == SIZE_MAX ||
				    syn[k].rank <= syn[best].rank))
					best = k;
			if (!found && best != SIZE_MAX) {
				const struct fb_member *mb = &rec->members[best];

				snprintf(alt, sizeof(alt), "%.*s", (int)mb->key.len,
				    mb->key.p);
				path = alt;
				v = mb->val;
				found = 1;
			}
		}
		if (!found)
			continue;
		/* An id of fb's own making is kept, not taken as the channel's reference. */
		if (f == F_REF && strcmp(path, "id") == 0 && is_fb_id(v)) {
			it->keep_id = v.p + 1;
			it->keep_id_len = v.len - 2;
			found = 0;
		}
		top = path;
		toplen = strcspn(path, ".");
		for (k = 0; k < rec->nmembers; k++)
			if (fb_json_key_eq(&rec->members[k], top, toplen))
				consumed[k] = 1;
		if (!found)
			continue;
		if (v.p[0] == '"') {
			dec = v.len <= sizeof(small) ? small : malloc(v.len);
			if (dec == NULL)
				fb_diex("out of memory");
			n = fb_json_string(v, dec, v.len <= sizeof(small) ?
			    sizeof(small) : v.len, &s);
			if (n >= 0)
				item_set(it, (enum field)f, s, (size_t)n);
			if (dec != small)
				free(dec);
		} else if (v.p[0] == '-' || (v.p[0] >= '0' && v.p[0] <= '9')) {
			item_set(it, (enum field)f, v.p, v.len);
			it->raw_json[f] = 1;
		}
	}
	/* customer.flags rides along with the customer object */
	{
		struct fb_span v;

		if (fb_rec_raw(rec, "customer.flags", &v) && v.p[0] == '[') {
			it->flags_json = v.p;
			it->flags_len = v.len;
		}
	}
	/* a record of fb's shape: its id, and the objects rebuilt above */
	{
		struct fb_span v;

		if (it->keep_id == NULL && fb_rec_raw(rec, "id", &v) &&
		    is_fb_id(v)) {
			it->keep_id = v.p + 1;
			it->keep_id_len = v.len - 2;
		}
		if (fb_rec_raw(rec, "flags", &v) && v.p[0] == '[') {
			it->top_flags = v.p;
			it->top_flags_len = v.len;
		}
		/* Re-ingesting fb's own output keeps where the item first came from. */
		if (it->keep_id != NULL && fb_rec_raw(rec, "source", &v) &&
		    v.p[0] == '{')
			it->source = v;
		/* An export's own "source" that is not fb's object is kept in extra. */
		if (fb_rec_raw(rec, "source", &v) && v.p[0] != '{') {
			json_t *val = fb_json_decode(v);

			if (it->extra == NULL && (it->extra = json_object()) == NULL)
				fb_diex("out of memory");
			if (val == NULL || json_object_set_new(it->extra, "source",
			    val) < 0)
				fb_diex("out of memory");
		}
		for (k = 0; k < rec->nmembers; k++) {
			const struct fb_member *m = &rec->members[k];

			if (fb_json_key_eq(m, "id", 2)) {
				/* Neither ours nor the ref: kept in extra, never twice. */
				if (!consumed[k] && it->keep_id == NULL) {
					json_t *val = fb_json_decode(m->val);

					if (it->extra == NULL &&
					    (it->extra = json_object()) == NULL)
						fb_diex("out of memory");
					if (val == NULL || json_object_set_new(
					    it->extra, "id", val) < 0)
						fb_diex("out of memory");
				}
				consumed[k] = 1;
			} else if (fb_json_key_eq(m, "source", 6) ||
			    fb_json_key_eq(m, "customer", 8) ||
			    fb_json_key_eq(m, "region", 6) ||
			    fb_json_key_eq(m, "attachments", 11) ||
			    fb_json_key_eq(m, "flags", 5))
				consumed[k] = 1;
		}
	}
}

struct json_ctx {
	struct conf *c;
	struct item *it;
};

/*
 * Lifecycle events and alerts share the stream: they pass through as they
 * are, unless --store already holds them.  Returns 1 when 'rec' was one,
 * 0 when it is a feedback item, -1 on a fatal error.
 */
static int
pass_typed(struct conf *c, struct fb_rec *rec)
{
	struct fb_error err;
	struct fb_span v;
	int rc;

	if (!fb_rec_raw(rec, "type", &v))
		return 0;
	if (c->store != NULL) {
		if ((rc = fb_store_has_record(c->store, rec, &err)) < 0) {
			fb_warnx("%s: %s", c->store_dir, err.msg);
			return -1;
		}
		if (rc == 1) {
			c->dropped++;
			return 1;
		}
	}
	if (fb_rec_write(rec, &fb_stdout, fb_conf.pretty ? FB_REC_PRETTY : 0) < 0)
		return -1;
	return 1;
}

static int
ndjson_one(struct fb_rec *rec, const struct fb_pos *pos, void *arg)
{
	struct json_ctx *jc = arg;

	switch (pass_typed(jc->c, rec)) {
	case 1:
		return FB_DROP;
	case -1:
		return FB_FATAL;
	}
	item_reset(jc->it);
	jc->it->pos = *pos;
	item_from_object(jc->c, jc->it, rec);
	return emit(jc->c, jc->it);
}

/* Reads a whole input (gzip or plain) into memory. */
static char *
read_all(const char *path, size_t *len)
{
	gzFile gz;
	char *buf = NULL;
	size_t cap = 0, n = 0;
	int fd, got, errnum;

	fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) :
	    open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fb_warn("cannot open '%s'", path);
		return NULL;
	}
	if ((gz = gzdopen(fd, "rb")) == NULL)
		fb_diex("out of memory");
	do {
		if (n + 65536 + 1 > cap) {
			cap = (n + 65536 + 1) * 2;
			buf = fb_xrealloc(buf, cap, 1);
		}
		got = gzread(gz, buf + n, 65536);
		if (got > 0)
			n += (size_t)got;
	} while (got > 0);
	gzerror(gz, &errnum);
	gzclose(gz);
	if (got < 0 || (errnum != Z_OK && errnum != Z_STREAM_END)) {
		fb_warnx("cannot read '%s'", path);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static unsigned long
lines_between(const char *from, const char *to)
{
	unsigned long n = 0;

	for (; from < to; from++)
		if (*from == '\n')
			n++;
	return n;
}

/* A JSON file: one object, or an array of objects. */
static int
read_json(struct conf *c, struct item *it, const char *path, const char *name)
{
	struct fb_error err;
	struct fb_rec rec;
	struct fb_span all, elem;
	size_t len, pos = 0, bad;
	unsigned long line = 1, index = 0;
	const char *last;
	char *buf = read_all(path, &len);
	int type = -1, rc = 0;

	if (buf == NULL)
		return 1;
	fb_progress_open(name, NULL);
	fb_progress_bytes(len);
	if (c->encoding != NULL) {
		char *conv;
		size_t clen;

		if (fb_to_utf8(c->encoding, buf, len, &conv, &clen, &err) < 0) {
			rc = fb_rejectf(&(struct fb_pos){ name, 1 }, buf, len, "%s",
			    err.msg);
			free(buf);
			return rc < 0 ? -1 : 0;
		}
		free(buf);
		buf = conv;
		len = clen;
	}
	all.p = buf;
	all.len = len;
	/* Windows tools start files with a byte order mark. */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		all.p += 3;
		all.len -= 3;
	}
	if ((bad = fb_utf8_check(all.p, all.len)) != all.len ||
	    (type = fb_json_scan(all.p, all.len, NULL, NULL, NULL, &err)) < 0 ||
	    (type != JSON_OBJECT && type != JSON_ARRAY)) {
		struct fb_pos p = { name, 1 + lines_between(all.p, all.p +
		    (bad != all.len ? bad : err.col > 0 ? (size_t)err.col - 1 :
		    0)) };

		if (bad != all.len)
			rc = fb_rejectf(&p, buf, len, "invalid UTF-8");
		else if (type < 0)
			rc = fb_rejectf(&p, buf, len, "invalid JSON: %s", err.msg);
		else
			rc = fb_rejectf(&p, buf, len, "not a JSON object or array");
		free(buf);
		return rc < 0 ? -1 : 0;
	}
	fb_rec_init(&rec);
	last = all.p;
	if (type == JSON_OBJECT) {
		elem = all;
		goto one;
	}
	while (fb_json_array_next(all, &pos, &elem)) {
one:
		index++;
		fb_progress_record();
		line += lines_between(last, elem.p);
		last = elem.p;
		item_reset(it);
		it->pos.file = name;
		it->pos.line = line;
		if (fb_rec_parse(&rec, elem.p, elem.len, &err) < 0) {
			if (fb_rejectf(&it->pos, elem.p, elem.len, "array element "
			    "%lu is not an object", index) < 0) {
				rc = -1;
				break;
			}
			continue;
		}
		if ((rc = pass_typed(c, &rec)) != 0) {
			if (rc < 0)
				break;
			rc = 0;
			if (type == JSON_OBJECT)
				break;
			continue;
		}
		item_from_object(c, it, &rec);
		rc = emit_raw(c, it, elem.p, elem.len);
		if (rc < 0 || type == JSON_OBJECT)
			break;
	}
	item_reset(it);
	fb_rec_release(&rec);
	free(buf);
	return rc;
}

/*---- CSV and TSV ----*/

struct csv_state {
	struct conf *c;
	struct item *it;
	const char *name;
	int header_done;
	char **cols;		/* header names */
	size_t ncols;
	int colfield[512];	/* field of each column, or -1 for extra */
	/* the row being parsed */
	char **vals;
	size_t *vlens, nvals, vals_cap;
	int row_done;
};

static int
col_match(const char *col, const char *name)
{
	return strcasecmp(col, name) == 0;
}

/*
 * Decides which column feeds which field.  Returns 0, or -1 after saying
 * why when a --map column or the text column is missing: the caller
 * stops with status 2 (not exit(), so the fuzz target can go on).
 */
static int
map_columns(struct csv_state *cs)
{
	struct conf *c = cs->c;
	size_t k, f, j;
	int have_text = 0;

	for (k = 0; k < cs->ncols && k < 512; k++)
		cs->colfield[k] = -1;
	for (f = 0; f < NFIELDS; f++) {
		int col = -1;

		if (c->map[f] != NULL) {
			for (k = 0; k < cs->ncols && col < 0; k++)
				if (col_match(cs->cols[k], c->map[f]))
					col = (int)k;
			if (col < 0) {
				fb_warnx("%s: no column '%s' for %s in the "
				    "header", cs->name, c->map[f],
				    fields[f].name);
				return -1;
			}
		} else {
			/* fb's own path first ("text", "customer.id"), then export names. */
			for (j = 0; col < 0 && (j == 0 || fields[f].names[j - 1]); j++) {
				const char *want = j == 0 ? fields[f].path : fields[f].names[j - 1];

				for (k = 0; k < cs->ncols && col < 0; k++)
					if (cs->colfield[k] < 0 &&
					    col_match(cs->cols[k], want))
						col = (int)k;
			}
		}
		if (col >= 0 && col < 512) {
			cs->colfield[col] = (int)f;
			if (f == F_TEXT)
				have_text = 1;
		}
	}
	if (!have_text) {
		fb_warnx("%s: no text column in the header (use --map "
		    "text=COLUMN)", cs->name);
		return -1;
	}
	return 0;
}

static void
csv_field_cb(void *data, size_t len, void *arg)
{
	struct csv_state *cs = arg;

	if (cs->nvals == cs->vals_cap) {
		size_t ncap = cs->vals_cap ? cs->vals_cap * 2 : 32;

		cs->vals = realloc(cs->vals, ncap * sizeof(*cs->vals));
		cs->vlens = realloc(cs->vlens, ncap * sizeof(*cs->vlens));
		if (cs->vals == NULL || cs->vlens == NULL)
			fb_diex("out of memory");
		for (size_t k = cs->vals_cap; k < ncap; k++)
			cs->vals[k] = NULL;
		cs->vals_cap = ncap;
	}
	free(cs->vals[cs->nvals]);
	if ((cs->vals[cs->nvals] = malloc(len + 1)) == NULL)
		fb_diex("out of memory");
	if (len > 0)
		memcpy(cs->vals[cs->nvals], data, len);
	cs->vals[cs->nvals][len] = '\0';
	cs->vlens[cs->nvals] = len;
	cs->nvals++;
}

static void
csv_row_cb(int ch, void *arg)
{
	struct csv_state *cs = arg;

	(void)ch;
	cs->row_done = 1;
}

static void
trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (isspace((unsigned char)s[i]))
		i++;
	memmove(s, s + i, n - i + 1);
}

/* A complete row: the header, or an item.  Returns 0, or -1 to stop. */
static int
csv_row(struct csv_state *cs, const char *raw, size_t rawlen,
    unsigned long line)
{
	struct item *it = cs->it;
	struct fb_pos pos = { cs->name, line };
	size_t k;
	int rc;

	if (!cs->header_done) {
		cs->cols = calloc(cs->nvals + 1, sizeof(*cs->cols));
		if (cs->cols == NULL)
			fb_diex("out of memory");
		for (k = 0; k < cs->nvals; k++) {
			cs->cols[k] = cs->vals[k];
			cs->vals[k] = NULL;
			trim(cs->cols[k]);
		}
		cs->ncols = cs->nvals;
		cs->header_done = 1;
		return map_columns(cs);
	}
	if (cs->nvals != cs->ncols)
		return fb_rejectf(&pos, raw, rawlen, "row has %zu fields, the "
		    "header has %zu", cs->nvals, cs->ncols);
	item_reset(it);
	it->pos = pos;
	for (k = 0; k < cs->nvals; k++) {
		int f = k < 512 ? cs->colfield[k] : -1;

		if (f >= 0) {
			trim(cs->vals[k]);
			item_set(it, (enum field)f, cs->vals[k], strlen(cs->vals[k]));
			continue;
		}
		if (cs->vlens[k] == 0)
			continue;
		if (it->extra == NULL && (it->extra = json_object()) == NULL)
			fb_diex("out of memory");
		if (fb_utf8_check(cs->cols[k], strlen(cs->cols[k])) ==
		    strlen(cs->cols[k]))
			json_object_set_new(it->extra, cs->cols[k],
			    json_stringn(cs->vals[k], cs->vlens[k]));
	}
	rc = emit_raw(cs->c, it, raw, rawlen);
	item_reset(it);
	return rc;
}

static int
reject_piece(void *arg, const char *data, size_t len)
{
	(void)arg;
	return fb_reject_more(data, len);
}

/*
 * After a line past --max-line, sends the rest of it to --reject (or
 * skips it), so the line is rejected whole, not its first SIZE bytes.
 */
static int
reject_rest(struct fb_reader *r)
{
	struct fb_error err;

	if (fb_reader_rest(r, reject_piece, NULL, &err) < 0) {
		fb_warnx("%s", err.msg);
		return -1;
	}
	return 0;
}

static void
csv_reset(struct csv_parser *p, int tsv)
{
	csv_free(p);
	if (csv_init(p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		fb_diex("out of memory");
	if (tsv)
		csv_set_delim(p, '\t');
}

/*
 * Feeds the file to libcsv a line at a time, so each row knows the line
 * it starts on and its raw bytes can go to --reject whole.
 */
static int
read_csv(struct conf *c, struct item *it, const char *path, const char *name,
    int tsv)
{
	struct csv_state cs;
	struct csv_parser p;
	struct fb_error err;
	struct fb_reader *r;
	struct fb_line line;
	char *raw = NULL, *conv = NULL, poison[256] = "";
	struct fb_pos poison_pos = { name, 0 };
	size_t rawlen = 0, rawcap = 0, k;
	unsigned long start = 0;
	int n, rc = 0, first = 1, hinted = 0;

	memset(&cs, 0, sizeof(cs));
	cs.c = c;
	cs.it = it;
	cs.name = name;
	if ((r = fb_reader_open(path, fb_conf.max_line, &err)) == NULL) {
		fb_warnx("%s", err.msg);
		return 1;
	}
	fb_progress_open(name, r);
	memset(&p, 0, sizeof(p));
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		fb_diex("out of memory");
	if (tsv)
		csv_set_delim(&p, '\t');
	while ((n = fb_reader_next(r, &line, &err)) > 0) {
		const char *data = line.data;
		size_t len = line.raw_len, bad;

		if (line.status == FB_LINE_TOO_LONG) {
			fb_progress_record();
			fb_warnat(&line.pos, "line longer than %llu bytes",
			    (unsigned long long)fb_conf.max_line);
			rc = fb_reject_more(raw, rawlen) < 0 ||
			    fb_reject_more(line.data, line.raw_len) < 0 ||
			    reject_rest(r) < 0 ? -1 : 0;
			if (rc == 0)
				rc = fb_reject_end();
			rawlen = 0;
			poison[0] = '\0';
			csv_reset(&p, tsv);
			cs.nvals = 0;
			if (rc < 0)
				break;
			continue;
		}
		/* The raw bytes, as read, for --reject. */
		if (rawlen == 0)
			start = line.pos.line;
		/* room for len and a '\n' */
		if (rawcap - rawlen <= len) {
			rawcap = (rawlen + len + 1) * 2;
			raw = fb_xrealloc(raw, rawcap, 1);
		}
		if (rawlen > 0)
			raw[rawlen++] = '\n';
		memcpy(raw + rawlen, data, len);
		rawlen += len;
		/*
		 * A line that does not convert still goes to the parser as it
		 * is (quotes and commas are the same bytes in GB18030 and
		 * Big5), so the row it belongs to is found whole and rejected
		 * whole when it ends.
		 */
		if (c->encoding != NULL) {
			size_t clen;

			free(conv);
			conv = NULL;
			if (fb_to_utf8(c->encoding, data, len, &conv, &clen,
			    &err) < 0) {
				if (poison[0] == '\0') {
					snprintf(poison, sizeof(poison), "%s", err.msg);
					poison_pos = line.pos;
				}
			} else {
				data = conv;
				len = clen;
			}
		}
		if (first && len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
			data += 3;
			len -= 3;
		}
		first = 0;
		if (poison[0] == '\0' && ((bad = fb_utf8_check(data, len)) != len ||
		    memchr(data, '\0', len) != NULL)) {
			/* a GB18030 export read as UTF-8: say so, once */
			if (bad != len && c->encoding == NULL && !hinted++)
				snprintf(poison, sizeof(poison),
				    "invalid UTF-8 at byte %zu (another "
				    "charset? say which: --encoding "
				    "gb18030)", bad + 1);
			else if (bad != len)
				snprintf(poison, sizeof(poison),
				    "invalid UTF-8 at byte %zu", bad + 1);
			else
				snprintf(poison, sizeof(poison), "NUL byte in line");
			poison_pos = line.pos;
		}
		/* Blank lines between rows are not rows. */
		if (cs.nvals == 0 && rawlen == len && strspn(data, " \t\r") == len) {
			rawlen = 0;
			continue;
		}
		cs.row_done = 0;
		if (csv_parse(&p, data, len, csv_field_cb, csv_row_cb, &cs) != len ||
		    csv_parse(&p, "\n", 1, csv_field_cb, csv_row_cb, &cs) != 1) {
			fb_progress_record();
			rc = fb_rejectf(&(struct fb_pos){ name, start }, raw, rawlen,
			    "malformed quoted field");
			rawlen = 0;
			poison[0] = '\0';
			csv_reset(&p, tsv);
			cs.nvals = 0;
			if (rc < 0)
				break;
			continue;
		}
		if (cs.row_done) {
			if (cs.header_done)	/* the header is no record */
				fb_progress_record();
			if (poison[0] != '\0')
				rc = fb_rejectf(&poison_pos, raw, rawlen, "%s", poison);
			else
				rc = csv_row(&cs, raw, rawlen, start);
			poison[0] = '\0';
			cs.nvals = 0;
			rawlen = 0;
			if (rc < 0)
				break;
		}
	}
	if (n < 0) {
		fb_warnx("%s", err.msg);
		if (rc == 0)
			rc = 1;
	}
	if (rc >= 0 && rawlen > 0) {
		/* An unterminated quoted field ran to the end of the input. */
		if (fb_rejectf(poison[0] ? &poison_pos : &(struct fb_pos){ name,
		    start }, raw, rawlen, "%s", poison[0] ? poison :
		    "quoted field not closed before the end of the input") < 0)
			rc = -1;
	}
	csv_free(&p);
	fb_progress_close(r);
	fb_reader_close(r);
	for (k = 0; k < cs.vals_cap; k++)
		free(cs.vals[k]);
	for (k = 0; k < cs.ncols; k++)
		free(cs.cols[k]);
	free(cs.cols);
	free(cs.vals);
	free(cs.vlens);
	free(raw);
	free(conv);
	return rc;
}

/*---- E-mail ----*/

/* Drops quoted reply lines ("> ...") from a mail body, in place. */
static void
drop_quoted(char *body)
{
	char *src = body, *dst = body;

	while (*src != '\0') {
		char *nl = strchr(src, '\n');
		size_t n = nl ? (size_t)(nl - src + 1) : strlen(src);

		if (*src != '>') {
			memmove(dst, src, n);
			dst += n;
		}
		src += n;
	}
	*dst = '\0';
}

static int
mail_item(struct conf *c, struct item *it, const char *msg, size_t len,
    struct fb_pos pos)
{
	struct fb_mail mail;
	struct fb_error err;
	char *text;
	int rc;

	if (fb_mail_parse(msg, len, &mail, &err) < 0)
		return fb_rejectf(&pos, msg, len, "%s", err.msg);
	drop_quoted(mail.body);
	item_reset(it);
	it->pos = pos;
	it->default_channel = "email";
	if ((text = malloc(strlen(mail.subject) + strlen(mail.body) + 2)) == NULL)
		fb_diex("out of memory");
	sprintf(text, "%s%s%s", mail.subject, *mail.subject ? " " : "", mail.body);
	item_set(it, F_TEXT, text, strlen(text));
	free(text);
	if (*mail.date)
		item_set(it, F_TS, mail.date, strlen(mail.date));
	if (*mail.message_id)
		item_set(it, F_REF, mail.message_id, strlen(mail.message_id));
	if (*mail.from)
		item_set(it, F_CUST_ID, mail.from, strlen(mail.from));
	if (mail.images > 0 || mail.videos > 0) {
		char num[16];

		snprintf(num, sizeof(num), "%d", mail.images);
		item_set(it, F_IMAGES, num, strlen(num));
		snprintf(num, sizeof(num), "%d", mail.videos);
		item_set(it, F_VIDEOS, num, strlen(num));
	}
	if (*mail.subject) {
		if ((it->extra = json_object()) == NULL)
			fb_diex("out of memory");
		json_object_set_new(it->extra, "subject", json_string(mail.subject));
		if (*mail.from_name)
			json_object_set_new(it->extra, "from_name",
			    json_string(mail.from_name));
	}
	fb_mail_release(&mail);
	rc = emit_raw(c, it, msg, len);
	item_reset(it);
	return rc;
}

/* One message of read_mail(), as it is read. */
struct mail_msg {
	struct fb_buf buf;	/* its bytes so far */
	/* the line it starts on, 0 before it starts */
	unsigned long line;
	/* had a line past --max-line: goes to --reject */
	int rejected;
};

/* Ends the message in 'm': parses it, or closes its --reject line. */
static int
mail_end(struct conf *c, struct item *it, struct mail_msg *m,
    const char *name)
{
	int rc = 0;

	if (m->rejected || m->line > 0)
		fb_progress_record();
	if (m->rejected)
		rc = fb_reject_end();
	else if (m->line > 0)
		rc = mail_item(c, it, m->buf.p != NULL ? m->buf.p : "",
		    m->buf.len, (struct fb_pos){ name, m->line });
	m->buf.len = 0;
	m->line = 0;
	m->rejected = 0;
	return rc;
}

/*
 * An e-mail, or an mbox: messages start at "From " lines; ">From " lines
 * lose one '>' (mboxrd).  Read a line at a time, so memory holds one
 * message, not the mailbox; a message with a line past --max-line (a
 * 100 MB header) is rejected whole, streamed to --reject as it is read.
 */
static int
read_mail(struct conf *c, struct item *it, const char *path, const char *name,
    int mbox)
{
	struct fb_reader *r;
	struct fb_line line;
	struct fb_error err;
	struct mail_msg m;
	int n, rc = 0;

	if ((r = fb_reader_open(path, fb_conf.max_line, &err)) == NULL) {
		fb_warnx("%s", err.msg);
		return 1;
	}
	fb_progress_open(name, r);
	memset(&m, 0, sizeof(m));
	while (rc >= 0 && (n = fb_reader_next(r, &line, &err)) > 0) {
		const char *data = line.data;
		size_t len = line.raw_len;
		int whole = line.status == FB_LINE_OK;

		if (mbox && whole && m.line > 0 &&
		    strncmp(data, "From ", 5) == 0 &&
		    (rc = mail_end(c, it, &m, name)) < 0)
			break;
		if (m.line == 0) {
			/*
			 * Blank lines before the first "From " line are not a
			 * message.
			 */
			if (mbox && whole && strspn(data, "\r") == len)
				continue;
			m.line = line.pos.line;
		}
		if (!m.rejected && !whole) {
			fb_warnat(&line.pos, "line longer than %llu bytes",
			    (unsigned long long)fb_conf.max_line);
			m.rejected = 1;
			if (fb_reject_more(m.buf.p, m.buf.len) < 0) {
				rc = -1;
				break;
			}
		}
		if (m.rejected) {
			if (fb_reject_more(data, len) < 0 ||
			    (!whole && reject_rest(r) < 0) ||
			    fb_reject_more("\n", 1) < 0) {
				rc = -1;
				break;
			}
			continue;
		}
		/* Un-escape ">From " lines of the message body. */
		if (mbox && data[0] == '>' &&
		    strncmp(data + strspn(data, ">"), "From ", 5) == 0) {
			data++;
			len--;
		}
		fb_buf_add(&m.buf, data, len);
		fb_buf_addc(&m.buf, '\n');
		if (m.buf.err)
			fb_diex("out of memory");
	}
	if (rc >= 0 && n < 0) {
		fb_warnx("%s", err.msg);
		rc = 1;
	}
	/* An empty e-mail file is still a message, which has no header. */
	if (!mbox && m.line == 0)
		m.line = 1;
	if (rc >= 0 && mail_end(c, it, &m, name) < 0)
		rc = -1;
	fb_buf_release(&m.buf);
	fb_progress_close(r);
	fb_reader_close(r);
	return rc;
}

/*---- Plain text ----*/

static int
read_text(struct conf *c, struct item *it, const char *path)
{
	struct fb_error err;
	struct fb_reader *r;
	struct fb_line line;
	int n, rc = 0;

	if ((r = fb_reader_open(path, fb_conf.max_line, &err)) == NULL) {
		fb_warnx("%s", err.msg);
		return 1;
	}
	fb_progress_open(fb_reader_name(r), r);
	while ((n = fb_reader_next(r, &line, &err)) > 0) {
		char *conv = NULL;
		int res;

		fb_progress_record();
		if (line.status == FB_LINE_TOO_LONG) {
			fb_warnat(&line.pos, "line longer than %llu bytes",
			    (unsigned long long)fb_conf.max_line);
			if (fb_reject_more(line.data, line.raw_len) < 0 ||
			    reject_rest(r) < 0 || fb_reject_end() < 0) {
				rc = -1;
				break;
			}
			continue;
		}
		if (strspn(line.data, " \t\r") == line.len)
			continue;
		if (c->encoding != NULL) {
			size_t clen;

			if (fb_to_utf8(c->encoding, line.data, line.len, &conv,
			    &clen, &err) < 0) {
				if (fb_rejectf(&line.pos, line.data, line.raw_len,
				    "%s", err.msg) < 0) {
					rc = -1;
					break;
				}
				continue;
			}
		}
		if (conv == NULL &&
		    (fb_utf8_check(line.data, line.len) != line.len ||
		    memchr(line.data, '\0', line.len) != NULL)) {
			if (fb_rejectf(&line.pos, line.data, line.raw_len,
			    "invalid UTF-8 or NUL byte") < 0) {
				rc = -1;
				break;
			}
			continue;
		}
		item_reset(it);
		it->pos = line.pos;
		if (conv != NULL)
			item_set(it, F_TEXT, conv, strlen(conv));
		else
			item_set(it, F_TEXT, line.data, line.len);
		free(conv);
		res = emit_raw(c, it, line.data, line.raw_len);
		item_reset(it);
		if (res < 0) {
			rc = -1;
			break;
		}
	}
	if (n < 0 && rc == 0) {
		fb_warnx("%s", err.msg);
		rc = 1;
	}
	fb_progress_close(r);
	fb_reader_close(r);
	return rc;
}

/*---- Formats ----*/

static enum format
format_by_name(const char *path)
{
	static const struct {
		const char *ext;
		enum format f;
	} exts[] = {
		{ ".ndjson", FMT_NDJSON }, { ".jsonl", FMT_NDJSON },
		{ ".json", FMT_JSON }, { ".csv", FMT_CSV }, { ".tsv", FMT_TSV },
		{ ".tab", FMT_TSV }, { ".eml", FMT_EML }, { ".mbox", FMT_MBOX },
		{ ".mbx", FMT_MBOX }, { ".txt", FMT_TEXT },
	};
	char name[4096];
	size_t n, k;

	snprintf(name, sizeof(name), "%s", path);
	n = strlen(name);
	if (n > 3 && strcasecmp(name + n - 3, ".gz") == 0)
		name[n -= 3] = '\0';
	for (k = 0; k < sizeof(exts) / sizeof(exts[0]); k++) {
		size_t e = strlen(exts[k].ext);

		if (n > e && strcasecmp(name + n - e, exts[k].ext) == 0)
			return exts[k].f;
	}
	return FMT_DETECT;
}

/* Guesses a format from the first bytes of an input. */
static enum format
format_by_content(const char *path)
{
	char head[4096];
	gzFile gz;
	int fd, n;
	const char *p, *nl;

	if (strcmp(path, "-") == 0)
		return FMT_NDJSON;	/* stdin cannot be read twice: the pipeline's format */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return FMT_NDJSON;	/* the reader reports it */
	if ((gz = gzdopen(fd, "rb")) == NULL) {
		close(fd);
		return FMT_NDJSON;
	}
	n = gzread(gz, head, sizeof(head) - 1);
	gzclose(gz);
	if (n <= 0)
		return FMT_NDJSON;
	head[n] = '\0';
	p = head;
	if (strncmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (isspace((unsigned char)*p))
		p++;
	if (strncmp(p, "From ", 5) == 0)
		return FMT_MBOX;
	if (*p == '[')
		return FMT_JSON;
	if (*p == '{') {
		/* One object per line, or one object spread over lines? */
		const char *e;

		nl = strchr(p, '\n');
		if (nl == NULL)
			return FMT_NDJSON;
		for (e = nl; e > p && isspace((unsigned char)e[-1]); e--)
			;
		return e > p && e[-1] == '}' ? FMT_NDJSON : FMT_JSON;
	}
	nl = strchr(p, '\n');
	if (nl == NULL)
		nl = p + strlen(p);
	/* RFC 5322 headers: "Name: value" lines with Date or From among them. */
	if ((strncasecmp(p, "received:", 9) == 0 || strncasecmp(p, "from:", 5) == 0 ||
	    strncasecmp(p, "date:", 5) == 0 || strncasecmp(p, "return-path:", 12) == 0 ||
	    strncasecmp(p, "message-id:", 11) == 0 || strncasecmp(p, "subject:", 8) == 0 ||
	    strncasecmp(p, "mime-version:", 13) == 0))
		return FMT_EML;
	if (memchr(p, '\t', (size_t)(nl - p)) != NULL)
		return FMT_TSV;
	if (memchr(p, ',', (size_t)(nl - p)) != NULL)
		return FMT_CSV;
	return FMT_TEXT;
}

static int
read_input(struct conf *c, struct item *it, struct fb_rec *rec,
    const char *path)
{
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	enum format f = c->format;
	struct json_ctx jc = { c, it };

	if (f == FMT_DETECT && strcmp(path, "-") != 0)
		f = format_by_name(path);
	if (f == FMT_DETECT)
		f = format_by_content(path);
	switch (f) {
	case FMT_JSON:
		return read_json(c, it, path, name);
	case FMT_CSV:
	case FMT_TSV:
		return read_csv(c, it, path, name, f == FMT_TSV);
	case FMT_EML:
	case FMT_MBOX:
		return read_mail(c, it, path, name, f == FMT_MBOX);
	case FMT_TEXT:
		return read_text(c, it, path);
	default:
		if (c->encoding != NULL)
			fb_diex("--encoding applies to csv, tsv and text input; "
			    "'%s' is NDJSON", name);
		return fb_each_record_file(path, rec, ndjson_one, &jc);
	}
}

/* "text=反馈内容,ts=提交时间" */
static void
parse_map(struct conf *c, char *spec)
{
	char *save = NULL, *pair;

	for (pair = strtok_r(spec, ",", &save); pair != NULL;
	    pair = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(pair, '=');
		size_t f;

		if (eq == NULL || eq == pair || eq[1] == '\0')
			fb_diex("invalid --map '%s' (use FIELD=COLUMN)", pair);
		*eq = '\0';
		for (f = 0; f < NFIELDS; f++)
			if (strcmp(pair, fields[f].name) == 0)
				break;
		if (f == NFIELDS)
			fb_diex("unknown field '%s' in --map (fields: ref, ts, "
			    "text, channel, customer.id, customer.tier, "
			    "customer.annual_spend, order_id, sku, "
			    "product_category, region.province, region.city, "
			    "region.district, rating, lang, attachments.images, "
			    "attachments.videos)", pair);
		c->map[f] = eq + 1;
	}
}

int
main(int argc, char *argv[])
{
	static char *stdin_only[] = { "-", NULL };
	struct conf c;
	struct item it;
	struct fb_rec rec;
	const char *arg;
	char **files;
	int opt, nfiles, k, status = FB_EXIT_OK;

	fb_cli_init("fb-ingest");
	synonyms_init();
	memset(&c, 0, sizeof(c));
	memset(&it, 0, sizeof(it));
	while ((opt = fb_getopt(argc, argv, &tool, &arg)) != -1) {
		switch (opt) {
		case 'f':
			for (k = 1; format_names[k] != NULL; k++)
				if (strcmp(arg, format_names[k]) == 0)
					break;
			if (format_names[k] == NULL)
				fb_diex("unknown format '%s' (ndjson, json, csv, "
				    "tsv, eml, mbox or text)", arg);
			c.format = (enum format)k;
			break;
		case 'c':
			if ((c.channel = channel_of(arg)) == NULL)
				fb_diex("unknown channel '%s' (app, web, "
				    "miniprogram, email, hotline, chat, weibo, "
				    "douyin, review, other)", arg);
			break;
		case 'm':
			parse_map(&c, (char *)(uintptr_t)arg);
			break;
		case OPT_ENCODING:
			if (strcasecmp(arg, "utf-8") != 0 &&
			    strcasecmp(arg, "utf8") != 0) {
				char *probe;
				size_t plen;
				struct fb_error err;

				if (fb_to_utf8(arg, "", 0, &probe, &plen, &err) < 0)
					fb_diex("%s", err.msg);
				free(probe);
				c.encoding = arg;
			}
			break;
		case OPT_REDACT:
			c.redact = 1;
			break;
		case OPT_MAX_PER_DAY:
			c.max_per_day = fb_parse_long(arg, 1, 1000000,
			    "--max-per-customer-day");
			break;
		case OPT_STORE:
			c.store_dir = arg;
			break;
		case OPT_PSEUDONYMIZE:
			c.key_file = arg;
			break;
		default:
			fb_usage(&tool);
		}
	}
	if (c.key_file != NULL) {
		struct fb_error err;

		/* A key kept with the data would undo the pseudonyms. */
		if (c.store_dir != NULL &&
		    fb_path_inside(c.key_file, c.store_dir))
			fb_diex("key file '%s' is inside the store '%s'; keep "
			    "the key apart from the data", c.key_file,
			    c.store_dir);
		if (fb_hmac_key_load(c.key_file, &c.key, &err) < 0)
			fb_diex("%s", err.msg);
	}
	if (c.store_dir != NULL) {
		struct fb_error err;

		/*
		 * A store not made yet holds nothing: the first run of a cron
		 * job.  One that appeared since we looked is being made by the
		 * fb-store downstream of us: open it again.
		 */
		c.store = fb_store_open(c.store_dir, 0, NULL, NULL, NULL, &err);
		if (c.store == NULL && access(c.store_dir, F_OK) == 0) {
			c.store = fb_store_open(c.store_dir, 0, NULL, NULL,
			    NULL, &err);
			if (c.store == NULL)
				fb_diex("%s", err.msg);
		}
	}
	nfiles = argc - optind;
	files = argv + optind;
	if (nfiles == 0) {
		nfiles = 1;
		files = stdin_only;
	}
	fb_reject_open();
	fb_progress_inputs(nfiles, files);
	fb_rec_init(&rec);
	for (k = 0; k < nfiles; k++) {
		int rc = read_input(&c, &it, &rec, files[k]);

		if (rc != 0)
			status = FB_EXIT_ERROR;
		if (rc < 0)
			break;
	}
	fb_rec_release(&rec);
	item_reset(&it);
	free(it.buf);
	if (fb_reject_close() != 0)
		status = FB_EXIT_ERROR;
	if (status == FB_EXIT_OK && fb_reject_count() > 0)
		status = FB_EXIT_REJECTED;
	if (c.dropped > 0 && !fb_conf.quiet)
		fb_warnx("dropped %lu duplicate items", c.dropped);
	fb_store_close(c.store);
	free(c.seen[0].slots);
	free(c.seen[1].slots);
	free(c.days);
	fb_buf_release(&c.out);
	fb_buf_release(&c.decoded);
	return fb_cli_finish(status);
}
