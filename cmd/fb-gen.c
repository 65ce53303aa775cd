/* fb-gen: write realistic customer feedback, reproducibly, with incidents. */
#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fb_cli.h"

/*
 * Everything printed comes from a PRNG seeded with --seed and from the
 * tables below: no wall clock, no locale, no $TZ but to read a local
 * --since (local times are China Standard Time, UTC+8 all year), so the
 * same options give the same bytes.  (--events reads the clock for "now"
 * unless --now gives it.)
 * Records are generated one at a time from per-record PRNG states, and the
 * streams that make up the output (background and each planted incident)
 * are merged in time order, so memory does not grow with --count.
 */

#define LOCAL_OFF_MS (8 * 3600 * 1000LL)
#define DAY_MS (86400 * 1000LL)
#define HOUR_MS (3600 * 1000LL)
#define TEXT_MAX 4096
#define MAX_DAYS 3660
#define MAX_REPEAT 20

/*---- PRNG: splitmix64 to seed, xoshiro256** to draw ----*/

struct rng {
	uint64_t s[4];
};

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
mix3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t x = a;

	x = splitmix64(&x) ^ b;
	x = splitmix64(&x) ^ c;
	return splitmix64(&x);
}

/* A generator for the item ('a', 'b', 'c'): the same item, the same draws. */
static void
rng_seed(struct rng *r, uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t x = mix3(a, b, c);
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
rng_next(struct rng *r)
{
	uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

/* Uniform in [0, 1). */
static double
rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform in [0, n). */
static uint32_t
rng_below(struct rng *r, uint32_t n)
{
	return n == 0 ? 0 : (uint32_t)(((rng_next(r) >> 32) * n) >> 32);
}

static long
rng_range(struct rng *r, long lo, long hi)
{
	return lo + (long)rng_below(r, (uint32_t)(hi - lo + 1));
}

static int
rng_chance(struct rng *r, double p)
{
	return rng_unit(r) < p;
}

/* An index into 'w' (n weights, not all zero) drawn by weight. */
static size_t
rng_weighted(struct rng *r, const double *w, size_t n)
{
	double sum = 0, x;
	size_t i;

	for (i = 0; i < n; i++)
		sum += w[i];
	x = rng_unit(r) * sum;
	for (i = 0; i + 1 < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

#define PICK(r, arr) ((arr)[rng_below((r), sizeof(arr) / sizeof((arr)[0]))])
#define NELEM(arr) (sizeof(arr) / sizeof((arr)[0]))

/*
 * exp() and log() of our own: the build links no libm, and these are
 * plenty for spending curves and growth rates.
 */
static double
xexp(double x)
{
	const double ln2 = 0.69314718055994530942;
	long k = (long)(x / ln2 + (x >= 0 ? 0.5 : -0.5)), i;
	double r = x - (double)k * ln2, term = 1, sum = 1;

	for (i = 1; i < 24; i++) {
		term *= r / (double)i;
		sum += term;
	}
	for (; k > 0; k--)
		sum *= 2;
	for (; k < 0; k++)
		sum /= 2;
	return sum;
}

static double
xlog(double x)
{
	double y, y2, term, sum = 0;
	int e = 0, i;

	if (x <= 0)
		return -1e300;
	while (x >= 2) {
		x /= 2;
		e++;
	}
	while (x < 1) {
		x *= 2;
		e--;
	}
	y = (x - 1) / (x + 1);
	y2 = y * y;
	term = y;
	for (i = 1; i < 60; i += 2) {
		sum += term / i;
		term *= y2;
	}
	return 2 * sum + e * 0.69314718055994530942;
}

/* A standard normal draw (Irwin-Hall: twelve uniforms, minus six). */
static double
rng_normal(struct rng *r)
{
	double s = 0;
	int i;

	for (i = 0; i < 12; i++)
		s += rng_unit(r);
	return s - 6;
}

/*---- Time ----*/

struct civil {
	int year, mon, day, hour, min, sec, ms, dow;
};

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Splits 't' shifted by 'off' ms (LOCAL_OFF_MS for China time). */
static void
civil_of(fb_time_t t, int64_t off, struct civil *c)
{
	int64_t ms = t + off, days = floor_div(ms, DAY_MS);
	int64_t rem = ms - days * DAY_MS, z = days + 719468;
	int64_t era, doe, yoe, doy, mp, y;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	c->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	c->mon = (int)(mp < 10 ? mp + 3 : mp - 9);
	c->year = (int)(y + (c->mon <= 2));
	c->hour = (int)(rem / HOUR_MS);
	c->min = (int)(rem / 60000 % 60);
	c->sec = (int)(rem / 1000 % 60);
	c->ms = (int)(rem % 1000);
	c->dow = (int)(((days % 7) + 11) % 7);	/* 1970-01-01 was a Thursday */
}

static const char *const mon_abbr[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};
static const char *const dow_abbr[] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
};

/* The start (UTC) of the China-time day holding 't'. */
static fb_time_t
local_midnight(fb_time_t t)
{
	return floor_div(t + LOCAL_OFF_MS, DAY_MS) * DAY_MS - LOCAL_OFF_MS;
}

/* Writes a finished buffer to stdout; a buffer that ran out of memory is fatal. */
static void
put_buf(const struct fb_buf *b)
{
	if (b->err)
		fb_diex("out of memory");
	fb_out_write(&fb_stdout, b->p, b->len);
}

/* Writes 'v' in decimal, zero-padded to 'width'; returns the end (a NUL). */
static char *
put_u(char *p, unsigned long long v, int width)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	while (n < width)
		tmp[n++] = '0';
	while (n > 0)
		*p++ = tmp[--n];
	*p = '\0';
	return p;
}

static char *
put_s(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n + 1);
	return p + n;
}

/*
 * Fixed-size text under construction: customer texts are short, and a
 * template that would overflow is cut at a character boundary.
 */
struct sbuf {
	size_t len;
	char p[TEXT_MAX];
};

static void
sb_put(struct sbuf *b, const char *s, size_t n)
{
	size_t room = sizeof(b->p) - 1 - b->len;

	/* NOLINTBEGIN(clang-analyzer-core.UndefinedBinaryOperatorResult) */
	if (n > room) {
		/*
		 * Cut before a continuation byte.  s[room] exists as n > room
		 * (the analyzer takes sb_puts' strlen for any size).
		 */
		n = room;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	/* NOLINTEND(clang-analyzer-core.UndefinedBinaryOperatorResult) */
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
sb_puts(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

/*---- JSON writing ----*/

/*
 * A small JSON writer, compact or indented by two spaces like jq and
 * json_dumps(JSON_INDENT(2)).  'base' is the indent of the object itself.
 */
struct jw {
	struct fb_buf *b;
	int pretty, base, depth;
	int count[8];
};

static void
jw_str(struct jw *w, const char *s, size_t n)
{
	fb_buf_json_str(w->b, s, n);
}

static void
jw_indent(struct jw *w, int level)
{
	int i;

	fb_buf_addc(w->b, '\n');
	for (i = 0; i < w->base + 2 * level; i++)
		fb_buf_addc(w->b, ' ');
}

static void
jw_open(struct jw *w, struct fb_buf *b, int pretty, int base)
{
	w->b = b;
	w->pretty = pretty;
	w->base = base;
	w->depth = 0;
	w->count[0] = 0;
	fb_buf_addc(b, '{');
}

static void
jw_key(struct jw *w, const char *key)
{
	if (w->count[w->depth]++ > 0)
		fb_buf_addc(w->b, ',');
	if (w->pretty)
		jw_indent(w, w->depth + 1);
	jw_str(w, key, strlen(key));
	fb_buf_adds(w->b, w->pretty ? ": " : ":");
}

static void
jw_kstr(struct jw *w, const char *key, const char *val)
{
	jw_key(w, key);
	jw_str(w, val, strlen(val));
}

static void
jw_kint(struct jw *w, const char *key, long long val)
{
	jw_key(w, key);
	fb_buf_addint(w->b, val);
}

/* A number with two decimals, trailing zeros dropped (23150.5, 980). */
static void
fmt_money(char buf[32], double v)
{
	long long cents = (long long)(v * 100 + (v < 0 ? -0.5 : 0.5));
	char *p = buf;
	size_t n;

	if (cents < 0) {
		*p++ = '-';
		cents = -cents;
	}
	p = put_u(p, (unsigned long long)cents / 100, 1);
	if (cents % 100 != 0) {
		*p++ = '.';
		put_u(p, (unsigned long long)cents % 100, 2);
		n = strlen(buf);
		if (buf[n - 1] == '0')
			buf[n - 1] = '\0';
	}
}

static void
jw_kmoney(struct jw *w, const char *key, double val)
{
	char buf[64];

	fmt_money(buf, val);
	jw_key(w, key);
	fb_buf_adds(w->b, buf);
}

/* Opens the object that is the value of 'key'. */
static void
jw_kobj(struct jw *w, const char *key)
{
	jw_key(w, key);
	fb_buf_addc(w->b, '{');
	w->count[++w->depth] = 0;
}

static void
jw_karr_str(struct jw *w, const char *key, const char *const *vals, int n)
{
	int i;

	jw_key(w, key);
	fb_buf_addc(w->b, '[');
	for (i = 0; i < n; i++) {
		if (i > 0)
			fb_buf_addc(w->b, ',');
		if (w->pretty)
			jw_indent(w, w->depth + 2);
		jw_str(w, vals[i], strlen(vals[i]));
	}
	if (w->pretty && n > 0)
		jw_indent(w, w->depth + 1);
	fb_buf_addc(w->b, ']');
}

static void
jw_close(struct jw *w)
{
	if (w->pretty && w->count[w->depth] > 0)
		jw_indent(w, w->depth);
	fb_buf_addc(w->b, '}');
	if (w->depth > 0)
		w->depth--;
}

/*---- The world: categories, products, regions, channels, customers ----*/

enum cat {
	C_APPAREL, C_ELECTRONICS, C_HOME, C_BEAUTY, C_FOOD, C_BOOKS, C_BABY,
	C_SPORTS, C_APPLIANCES, C_FRESH, C_DELIVERY, C_HOTEL, NCAT
};

#define B(c) (1u << (c))
#define M_ALL 0xfffu
#define M_SHIP (M_ALL & ~(B(C_DELIVERY) | B(C_HOTEL)))
#define M_DEV (B(C_ELECTRONICS) | B(C_APPLIANCES))
#define M_WEAR (B(C_APPAREL) | B(C_SPORTS))
#define M_EAT (B(C_FOOD) | B(C_FRESH) | B(C_DELIVERY))
#define M_GOODS (M_SHIP & ~(B(C_FOOD) | B(C_FRESH)))
#define M_DURABLE (B(C_APPAREL) | B(C_ELECTRONICS) | B(C_HOME) | \
	B(C_BABY) | B(C_SPORTS) | B(C_APPLIANCES))

struct pname {
	const char *zh, *en;
};

static const struct pname p_apparel[] = {
	{ "羽绒服", "down jacket" }, { "羊毛大衣", "wool coat" },
	{ "牛仔裤", "jeans" }, { "连衣裙", "dress" },
	{ "纯棉T恤", "cotton T-shirt" }, { "针织毛衣", "knit sweater" },
	{ "冲锋衣", "rain jacket" }, { "白衬衫", "white shirt" },
	{ "西装外套", "blazer" }, { "保暖内衣", "thermal underwear" },
	{ "加绒卫衣", "fleece hoodie" }, { "阔腿裤", "wide-leg trousers" },
};
static const struct pname p_electronics[] = {
	{ "蓝牙耳机", "Bluetooth earbuds" }, { "手机", "phone" },
	{ "平板电脑", "tablet" }, { "智能手表", "smartwatch" },
	{ "充电宝", "power bank" }, { "机械键盘", "mechanical keyboard" },
	{ "笔记本电脑", "laptop" }, { "移动硬盘", "external hard drive" },
	{ "无线路由器", "Wi-Fi router" },
	{ "快充数据线", "fast-charging cable" },
	{ "降噪耳机", "noise-cancelling headphones" },
	{ "投影仪", "projector" },
};
static const struct pname p_home[] = {
	{ "床上四件套", "bedding set" }, { "乳胶枕", "latex pillow" },
	{ "收纳箱", "storage box" }, { "不粘锅", "non-stick pan" },
	{ "保温杯", "thermos" }, { "护眼台灯", "desk lamp" },
	{ "遮光窗帘", "blackout curtains" }, { "沙发垫", "sofa cover" },
	{ "置物架", "shelf unit" }, { "记忆棉床垫", "memory foam mattress" },
	{ "餐具套装", "dinnerware set" }, { "电脑椅", "office chair" },
};
static const struct pname p_beauty[] = {
	{ "保湿面霜", "moisturiser" }, { "精华液", "serum" },
	{ "口红", "lipstick" }, { "防晒霜", "sunscreen" },
	{ "洗面奶", "facial cleanser" }, { "粉底液", "foundation" },
	{ "补水面膜", "sheet masks" }, { "香水", "perfume" },
	{ "卸妆油", "cleansing oil" }, { "眼霜", "eye cream" },
};
static const struct pname p_food[] = {
	{ "每日坚果", "mixed nuts" }, { "牛肉干", "beef jerky" },
	{ "螺蛳粉", "river snail noodles" }, { "挂耳咖啡", "drip coffee bags" },
	{ "月饼礼盒", "mooncake gift box" }, { "零食大礼包", "snack box" },
	{ "土蜂蜜", "raw honey" }, { "明前龙井", "Longjing tea" },
	{ "自热火锅", "self-heating hotpot" }, { "燕麦片", "oatmeal" },
};
static const struct pname p_books[] = {
	{ "精装版小说", "hardcover novel" },
	{ "考研英语真题", "exam prep book" },
	{ "儿童绘本", "picture book" },
	{ "编程入门教材", "programming textbook" },
	{ "历史丛书", "history box set" }, { "漫画全集", "manga box set" },
	{ "英汉词典", "English-Chinese dictionary" },
	{ "散文集", "essay collection" },
};
static const struct pname p_baby[] = {
	{ "纸尿裤", "nappies" }, { "婴儿奶粉", "infant formula" },
	{ "玻璃奶瓶", "glass baby bottle" }, { "婴儿推车", "pushchair" },
	{ "儿童安全座椅", "child car seat" }, { "婴儿湿巾", "baby wipes" },
	{ "辅食机", "baby food maker" }, { "爬行垫", "play mat" },
};
static const struct pname p_sports[] = {
	{ "跑步鞋", "running shoes" }, { "瑜伽垫", "yoga mat" },
	{ "可调节哑铃", "adjustable dumbbells" },
	{ "羽毛球拍", "badminton racket" },
	{ "骑行头盔", "cycling helmet" }, { "运动手环", "fitness band" },
	{ "登山包", "hiking backpack" }, { "防雾泳镜", "swim goggles" },
	{ "篮球鞋", "basketball shoes" },
	{ "速干运动服", "quick-dry sportswear" },
};
static const struct pname p_appliances[] = {
	{ "空气炸锅", "air fryer" }, { "扫地机器人", "robot vacuum" },
	{ "滚筒洗衣机", "washing machine" }, { "双开门冰箱", "fridge" },
	{ "变频空调", "air conditioner" }, { "电热水器", "water heater" },
	{ "无线吸尘器", "cordless vacuum" }, { "电饭煲", "rice cooker" },
	{ "洗碗机", "dishwasher" }, { "空气净化器", "air purifier" },
};
static const struct pname p_fresh[] = {
	{ "车厘子", "cherries" }, { "草莓", "strawberries" },
	{ "三文鱼", "salmon" }, { "眼肉牛排", "rib-eye steaks" },
	{ "大闸蟹", "hairy crabs" }, { "土鸡蛋", "free-range eggs" },
	{ "有机蔬菜", "organic vegetables" }, { "金枕榴莲", "durian" },
	{ "基围虾", "prawns" }, { "猕猴桃", "kiwi fruit" },
};
static const struct pname p_delivery[] = {
	{ "黄焖鸡米饭", "braised chicken rice" }, { "麻辣烫", "malatang" },
	{ "珍珠奶茶", "bubble tea" }, { "炸鸡套餐", "fried chicken combo" },
	{ "兰州牛肉面", "beef noodle soup" }, { "披萨", "pizza" },
	{ "寿司拼盘", "sushi platter" }, { "烤鱼", "grilled fish" },
	{ "轻食沙拉", "salad bowl" }, { "煲仔饭", "claypot rice" },
};
static const struct pname p_hotel[] = {
	{ "豪华大床房", "deluxe king room" },
	{ "标准双床房", "standard twin room" },
	{ "行政套房", "executive suite" }, { "亲子房", "family room" },
	{ "商务大床房", "business king room" }, { "江景房", "river-view room" },
};

static const struct category {
	/* zh names the id for a reader */
	/* cppcheck-suppress unusedStructMember */
	const char *id, *zh;
	double weight;
	int price_lo, price_hi;
	const struct pname *names;
	size_t nnames;
} cats[NCAT] = {
#define CAT(id, zh, w, lo, hi, arr) { id, zh, w, lo, hi, arr, NELEM(arr) }
	CAT("apparel", "服装", 16, 59, 899, p_apparel),
	CAT("electronics", "数码", 12, 49, 6999, p_electronics),
	CAT("home", "家居", 10, 19, 1299, p_home),
	CAT("beauty", "美妆", 8, 39, 899, p_beauty),
	CAT("food", "食品", 8, 9, 299, p_food),
	CAT("books", "图书", 3, 19, 199, p_books),
	CAT("baby", "母婴", 5, 29, 2999, p_baby),
	CAT("sports", "运动", 5, 29, 1999, p_sports),
	CAT("appliances", "家电", 7, 199, 8999, p_appliances),
	CAT("fresh", "生鲜", 8, 19, 399, p_fresh),
	CAT("food_delivery", "外卖", 12, 15, 89, p_delivery),
	CAT("hotel", "酒店", 6, 199, 1899, p_hotel),
#undef CAT
};

/* Catalogue size of each category; a SKU is (category, item). */
#define SKU_ITEMS 400

static const struct region {
	const char *province, *city, *district;
	double weight;
} regions[] = {
	{ "北京市", "北京市", "朝阳区", 5 },
	{ "北京市", "北京市", "海淀区", 4 },
	{ "北京市", "北京市", "丰台区", 2 },
	{ "上海市", "上海市", "浦东新区", 5 },
	{ "上海市", "上海市", "闵行区", 3 },
	{ "上海市", "上海市", "徐汇区", 2 },
	{ "广东省", "广州市", "天河区", 4 },
	{ "广东省", "广州市", "番禺区", 2 },
	{ "广东省", "深圳市", "南山区", 4 },
	{ "广东省", "深圳市", "龙岗区", 3 },
	{ "广东省", "佛山市", "南海区", 2 },
	{ "浙江省", "杭州市", "西湖区", 3 },
	{ "浙江省", "杭州市", "余杭区", 3 },
	{ "浙江省", "宁波市", "鄞州区", 2 },
	{ "浙江省", "温州市", "鹿城区", 1 },
	{ "江苏省", "南京市", "鼓楼区", 2 },
	{ "江苏省", "苏州市", "吴中区", 2 },
	{ "江苏省", "无锡市", "梁溪区", 1 },
	{ "四川省", "成都市", "武侯区", 3 },
	{ "四川省", "成都市", "锦江区", 2 },
	{ "重庆市", "重庆市", "渝北区", 3 },
	{ "湖北省", "武汉市", "洪山区", 3 },
	{ "湖北省", "武汉市", "江汉区", 1 },
	{ "湖南省", "长沙市", "岳麓区", 2 },
	{ "陕西省", "西安市", "雁塔区", 2 },
	{ "河南省", "郑州市", "金水区", 2 },
	{ "山东省", "济南市", "历下区", 1 },
	{ "山东省", "青岛市", "崂山区", 2 },
	{ "天津市", "天津市", "南开区", 2 },
	{ "福建省", "厦门市", "思明区", 2 },
	{ "福建省", "福州市", "鼓楼区", 1 },
	{ "安徽省", "合肥市", "蜀山区", 2 },
	{ "河北省", "石家庄市", "长安区", 1 },
	{ "辽宁省", "沈阳市", "和平区", 1 },
	{ "辽宁省", "大连市", "中山区", 1 },
	{ "黑龙江省", "哈尔滨市", "南岗区", 1 },
	{ "吉林省", "长春市", "朝阳区", 1 },
	{ "云南省", "昆明市", "五华区", 1 },
	{ "贵州省", "贵阳市", "观山湖区", 1 },
	{ "广西壮族自治区", "南宁市", "青秀区", 1 },
	{ "江西省", "南昌市", "红谷滩区", 1 },
	{ "山西省", "太原市", "小店区", 1 },
	{ "海南省", "海口市", "美兰区", 1 },
	{ "内蒙古自治区", "呼和浩特市", "赛罕区", 0.5 },
	{ "新疆维吾尔自治区", "乌鲁木齐市", "天山区", 0.5 },
	{ "甘肃省", "兰州市", "城关区", 0.5 },
	{ "宁夏回族自治区", "银川市", "兴庆区", 0.3 },
	{ "青海省", "西宁市", "城中区", 0.3 },
	{ "西藏自治区", "拉萨市", "城关区", 0.2 },
};
#define NREGION NELEM(regions)

enum chan {
	CH_APP, CH_WEB, CH_MINI, CH_EMAIL, CH_HOTLINE, CH_CHAT, CH_WEIBO,
	CH_DOUYIN, CH_REVIEW, NCHAN
};

enum kind { K_NEG, K_MIXED, K_PRAISE, K_SUGGEST, K_QUESTION, NKIND };

static const struct channel {
	const char *id, *zh;	/* zh: as Chinese exports name it */
	double share;
	double kinds[NKIND];	/* complaint, mixed, praise, suggestion, ask */
	double rated;		/* share of items with stars */
	double en;		/* share of English writers writing English */
	double emoji;
} chans[NCHAN] = {
	{ "app", "APP", 28, { 50, 8, 14, 14, 14 }, 0.6, 1.0, 0.15 },
	{ "web", "网站", 8, { 52, 8, 10, 14, 16 }, 0.4, 1.0, 0.05 },
	{ "miniprogram", "小程序", 14, { 48, 8, 16, 12, 16 }, 0.6, 0.9, 0.15 },
	{ "email", "邮件", 4, { 62, 6, 8, 8, 16 }, 0, 1.0, 0.03 },
	{ "hotline", "电话", 7, { 66, 4, 4, 4, 22 }, 0, 0.25, 0 },
	{ "chat", "在线客服", 12, { 60, 4, 6, 4, 26 }, 0.5, 1.0, 0.1 },
	{ "weibo", "微博", 4, { 62, 6, 22, 6, 4 }, 0, 0.3, 0.35 },
	{ "douyin", "抖音", 4, { 56, 6, 28, 6, 4 }, 0, 0.2, 0.45 },
	{ "review", "评价", 19, { 28, 14, 50, 4, 4 }, 1.0, 1.0, 0.2 },
};

static const char *const tiers[] = { "normal", "vip", "svip" };

static int
is_social(int chan)
{
	return chan == CH_WEIBO || chan == CH_DOUYIN;
}

static int
has_videos(int chan)
{
	return chan == CH_APP || chan == CH_MINI || chan == CH_REVIEW;
}

/* Local hour weights (China time): busy 10-12 and 20-23. */
static const double hour_w[24] = {
	0.45, 0.28, 0.16, 0.10, 0.08, 0.10, 0.22, 0.45, 0.75, 1.05, 1.55, 1.70,
	1.50, 1.10, 1.05, 1.05, 1.05, 1.00, 1.00, 1.20, 1.55, 1.75, 1.70, 1.05
};
/* Day-of-week weights, Sunday first: weekends are busier. */
static const double dow_w[7] = { 1.22, 0.96, 0.94, 0.95, 0.98, 1.04, 1.18 };

static const struct pname couriers[] = {
	{ "顺丰", "SF Express" }, { "中通", "ZTO" }, { "圆通", "YTO" },
	{ "韵达", "Yunda" }, { "申通", "STO" }, { "极兔", "J&T" },
	{ "京东物流", "JD Logistics" }, { "邮政EMS", "China Post EMS" },
	{ "德邦", "Deppon" },
};
static const struct pname devices[] = {
	{ "iPhone 15", "iPhone 15" }, { "iPhone 13", "iPhone 13" },
	{ "华为Mate 60", "Huawei Mate 60" }, { "华为P60", "Huawei P60" },
	{ "小米14", "Xiaomi 14" }, { "OPPO Reno11", "OPPO Reno11" },
	{ "vivo X100", "vivo X100" }, { "荣耀Magic6", "Honor Magic6" },
	{ "红米K70", "Redmi K70" }, { "iPad Air", "iPad Air" },
};
static const struct {
	int threshold, off;
} coupons[] = {
	{ 99, 10 }, { 199, 20 }, { 299, 30 }, { 299, 50 }, { 399, 50 },
	{ 599, 100 }, { 149, 15 }, { 59, 5 }, { 1000, 150 },
};

static const struct {
	const char *zh, *py;
} surnames[] = {
	{ "张", "zhang" }, { "王", "wang" }, { "李", "li" }, { "刘", "liu" },
	{ "陈", "chen" }, { "杨", "yang" }, { "赵", "zhao" }, { "黄", "huang" },
	{ "周", "zhou" }, { "吴", "wu" }, { "徐", "xu" }, { "孙", "sun" },
	{ "马", "ma" }, { "朱", "zhu" }, { "胡", "hu" }, { "郭", "guo" },
	{ "何", "he" }, { "林", "lin" }, { "罗", "luo" }, { "高", "gao" },
	{ "郑", "zheng" }, { "梁", "liang" }, { "谢", "xie" }, { "宋", "song" },
}, givennames[] = {
	{ "伟", "wei" }, { "芳", "fang" }, { "娜", "na" }, { "敏", "min" },
	{ "静", "jing" }, { "丽", "li" }, { "强", "qiang" }, { "磊", "lei" },
	{ "洋", "yang" }, { "艳", "yan" }, { "勇", "yong" }, { "军", "jun" },
	{ "杰", "jie" }, { "娟", "juan" }, { "涛", "tao" }, { "明", "ming" },
	{ "超", "chao" }, { "秀英", "xiuying" }, { "霞", "xia" },
	{ "平", "ping" },
	{ "子涵", "zihan" }, { "浩然", "haoran" }, { "欣怡", "xinyi" },
	{ "宇轩", "yuxuan" }, { "雨桐", "yutong" }, { "思远", "siyuan" },
};
static const char *const en_first[] = {
	"Emily", "David", "Sarah", "Michael", "Jessica", "Kevin", "Amy",
	"Daniel", "Grace", "Jason", "Olivia", "Ryan", "Chloe", "Eric",
};
static const char *const mail_domains[] = {
	"qq.com", "163.com", "126.com", "sina.com", "foxmail.com", "gmail.com",
	"outlook.com", "hotmail.com", "icloud.com", "yeah.net",
};

/*---- Tags and text templates ----*/

enum tag {
	T_NAD, T_DEFECT, T_FAKE, T_EXPIRED, T_VALUE,
	T_DELAY, T_DAMAGED, T_LOST, T_TRACKING, T_PICKUP, T_COURIER,
	T_SLOW, T_ATTITUDE, T_REFUND, T_BOT, T_AFTERSALES,
	T_WRONG, T_MISSING, T_CANCEL, T_PAYMENT, T_BILLING,
	T_COUPON, T_PROMO, T_PRICE, T_MISLEAD,
	T_CRASH, T_LOGIN, T_PERF, T_USABILITY, T_A11Y, T_SEARCH,
	T_PRIVACY, T_FRAUD, T_SECURITY, T_ILLEGAL,
	NCOMPLAINT,
	T_SUGGEST = NCOMPLAINT, T_PRAISE, T_QUESTION,
	T_PTAIL,		/* a praising second half of a mixed item */
	T_PLEAD,		/* a praising first half, then the complaint */
	T_BURST,		/* the base text of a social-media burst */
	NTAG
};

static const struct tagdef {
	const char *id, *zh, *en;
	double weight;		/* share among complaints */
	int goods;		/* items carry an order and a SKU */
} tags[NTAG] = {
	{ "product/not_as_described", "货不对板", "not as described", 6, 1 },
	{ "product/defective", "质量问题", "defective item", 12, 1 },
	{ "product/counterfeit", "疑似假货", "counterfeit item", 2, 1 },
	{ "product/expired", "过期变质", "expired item", 2, 1 },
	{ "product/value", "性价比低", "poor value", 4, 1 },
	{ "logistics/delay", "物流太慢", "late delivery", 12, 1 },
	{ "logistics/damaged", "运输破损", "damaged in transit", 4, 1 },
	{ "logistics/lost", "丢件", "lost parcel", 3, 1 },
	{ "logistics/tracking", "物流信息不更新", "no tracking", 3, 1 },
	{ "logistics/pickup_point", "驿站问题", "pickup point", 2, 1 },
	{ "logistics/courier", "快递员态度", "courier", 3, 1 },
	{ "service/slow_response", "客服响应慢", "slow response", 4, 0 },
	{ "service/attitude", "客服态度差", "rude staff", 3, 0 },
	{ "service/return_refund", "退款难", "refund problem", 8, 1 },
	{ "service/bot", "机器人客服", "chatbot", 2, 0 },
	{ "service/after_sales", "售后问题", "after-sales service", 3, 1 },
	{ "order/wrong_item", "错发", "wrong item", 3, 1 },
	{ "order/missing_item", "漏发", "missing item", 3, 1 },
	{ "order/cancel_modify", "取消订单难", "cannot cancel", 2, 1 },
	{ "order/payment", "支付失败", "payment failed", 2, 1 },
	{ "order/billing", "扣费异常", "wrong charge", 2, 1 },
	{ "marketing/coupon", "优惠券不能用", "coupon not working", 3, 1 },
	{ "marketing/promotion", "活动规则", "promotion", 2, 1 },
	{ "marketing/price", "价格问题", "price", 3, 1 },
	{ "marketing/misleading", "虚假宣传", "misleading ad", 1, 1 },
	{ "platform/crash", "App闪退", "app crash", 2, 0 },
	{ "platform/login", "登录问题", "login problem", 1.5, 0 },
	{ "platform/performance", "App卡顿", "slow app", 1.5, 0 },
	{ "platform/usability", "操作不便", "hard to use", 1.5, 0 },
	{ "platform/accessibility", "无障碍问题", "accessibility", 0.3, 0 },
	{ "platform/search", "搜索不准", "search", 1, 0 },
	{ "compliance/privacy", "隐私泄露", "privacy", 1, 0 },
	{ "compliance/fraud", "诈骗", "fraud", 1, 0 },
	{ "compliance/security", "账号安全", "account security", 1, 0 },
	{ "compliance/illegal_content", "违规内容", "illegal content", 0.5, 0 },
	{ "suggestion/feature", "建议", "suggestion", 0, 0 },
	{ "praise", "表扬", "praise", 0, 1 },
	{ "other", "咨询", "question", 0, 1 },
	{ "praise", "", "", 0, 0 },
	{ "praise", "", "", 0, 0 },
	{ "other", "", "", 0, 0 },
};

struct tpl {
	unsigned char tag, lang;	/* lang: 0 zh, 1 en */
	unsigned short mask;		/* categories it fits */
	const char *text;
};

/*
 * Slots: {p} product, {d} 2-9 days, {D} 7-30 days, {m} minutes, {n} 2-5,
 * {a} an amount fitting the category, {th}/{cp} a coupon's threshold and
 * value, {c} courier, {v} app version, {dev} phone, {o} order id, {city}.
 * Texts are written for this generator; none is copied from real data.
 */
#define Z(t, m, s) { t, 0, m, s }
#define E(t, m, s) { t, 1, m, s }
static const struct tpl tpls[] = {
	/* product/not_as_described */
	Z(T_NAD, M_SHIP & ~B(C_BOOKS),
	    "收到的{p}和详情页图片完全不一样，颜色差太多了，货不对板。"),
	Z(T_NAD, M_DURABLE, "{p}实物比图片小了一大圈，说好的尺寸根本不对。"),
	Z(T_NAD, B(C_APPAREL) | B(C_HOME),
	    "页面写的是\"纯棉\"，收到的{p}摸起来明显是化纤的，"
	    "与描述严重不符。"),
	Z(T_NAD, B(C_APPAREL) | B(C_HOME) | B(C_SPORTS) | B(C_ELECTRONICS),
	    "买的{p}色差很严重，图片是浅灰，到手是深灰。"),
	Z(T_NAD, B(C_APPAREL),
	    "尺码表写着M码胸围100，实际只有92，{p}根本穿不上。"),
	Z(T_NAD, M_SHIP, "标题写的是{n}件装，打开只有一件，这不是货不对板吗？"),
	Z(T_NAD, B(C_ELECTRONICS),
	    "详情页说{p}支持快充，实际用下来根本不支持，参数虚标。"),
	Z(T_NAD, B(C_HOTEL),
	    "订的{p}说有窗，入住才发现是内窗，对着走廊，和图片差太远。"),
	Z(T_NAD, B(C_DELIVERY),
	    "点的{p}和图片上根本不是一个东西，配菜也少了一半。"),
	Z(T_NAD, B(C_FRESH), "说是精品{p}，到手个头比图片小一半，跟描述不符。"),
	Z(T_NAD, B(C_BOOKS),
	    "页面写的是最新修订版，发来的{p}却是旧版，内容都对不上。"),
	Z(T_NAD, B(C_APPLIANCES),
	    "宣传写容量{n}升，实际量了一下差了不少，{p}跟描述不符。"),
	Z(T_NAD, B(C_BEAUTY),
	    "{p}的色号和试色图完全是两个颜色，涂上显得很黑。"),
	E(T_NAD, M_SHIP,
	    "The {p} I received looks nothing like the photos on the product "
	    "page."),
	E(T_NAD, M_DURABLE,
	    "Colour of the {p} is way off compared to the listing."),
	E(T_NAD, B(C_APPAREL) | B(C_HOME),
	    "Listing says \"100% cotton\" but this {p} is clearly polyester."),
	E(T_NAD, M_WEAR, "Size chart is wrong, the {p} runs two sizes small."),
	E(T_NAD, B(C_HOTEL),
	    "The {p} was nothing like the pictures, the window faces a wall."),

	/* product/defective */
	Z(T_DEFECT, M_DURABLE, "{p}用了不到{d}天就坏了，质量太差了。"),
	Z(T_DEFECT, M_DEV | B(C_HOME) | B(C_BABY) | B(C_SPORTS),
	    "刚拆开{p}就发现有裂痕，做工非常粗糙。"),
	Z(T_DEFECT, B(C_ELECTRONICS),
	    "{p}开机就黑屏，换了充电器也不行，明显是故障机。"),
	Z(T_DEFECT, B(C_APPAREL),
	    "{p}洗了一次就起球掉色，这质量对不起这个价格。"),
	Z(T_DEFECT, B(C_APPLIANCES),
	    "{p}通电后噪音特别大，还有一股焦糊味，不敢再用了。"),
	Z(T_DEFECT, B(C_FOOD), "{p}味道怪怪的，有一股哈喇味，感觉不新鲜。"),
	Z(T_DEFECT, B(C_FRESH), "送来的{p}有好几个烂的，还有一股酸味。"),
	Z(T_DEFECT, B(C_DELIVERY),
	    "送到的{p}已经凉透了，口感很差，像是隔夜的。"),
	Z(T_DEFECT, B(C_DELIVERY),
	    "{p}太咸了，根本没法吃，里面还吃出一根头发。"),
	Z(T_DEFECT, B(C_HOTEL), "房间卫生太差了，床单上有头发，卫生间有异味。"),
	Z(T_DEFECT, B(C_HOTEL),
	    "空调一晚上都不制冷，前台说修也没修好，根本睡不着。"),
	Z(T_DEFECT, B(C_BEAUTY), "{p}一上脸就过敏起红疹，是不是成分有问题？"),
	Z(T_DEFECT, B(C_APPAREL), "{p}的拉链第一次用就坏了。"),
	Z(T_DEFECT, B(C_BOOKS), "书里有好几页印刷模糊，还有十几页装订反了。"),
	Z(T_DEFECT, B(C_SPORTS) | B(C_APPAREL),
	    "{p}用了{d}次就开胶了，太不耐用了。"),
	Z(T_DEFECT, M_DEV, "{p}按键失灵，时好时坏，很影响使用。"),
	Z(T_DEFECT, B(C_ELECTRONICS),
	    "{p}充一次电只能用两个小时，电池明显有问题。"),
	E(T_DEFECT, M_DEV,
	    "The {p} stopped working after {d} days. Really poor quality."),
	E(T_DEFECT, B(C_APPAREL),
	    "The stitching on the {p} came apart after one wash."),
	E(T_DEFECT, M_DURABLE & ~M_DEV,
	    "The {p} broke within a week, really cheap materials."),
	E(T_DEFECT, B(C_ELECTRONICS),
	    "Screen on the {p} was dead out of the box."),
	E(T_DEFECT, B(C_APPLIANCES),
	    "The {p} smells burnt when I switch it on, I'm afraid to use it."),
	E(T_DEFECT, B(C_FRESH),
	    "Half of the {p} were rotten when they arrived."),
	E(T_DEFECT, B(C_HOTEL),
	    "Room was dirty, hair on the sheets and the bathroom smelled."),
	E(T_DEFECT, B(C_DELIVERY), "The {p} was cold and soggy, tasted awful."),
	E(T_DEFECT, B(C_FOOD),
	    "The {p} tastes stale, like it's been sitting in a warehouse for "
	    "months."),

	/* product/counterfeit */
	Z(T_FAKE, M_GOODS, "怀疑收到的{p}是假货，防伪码扫出来查无此码。"),
	Z(T_FAKE, B(C_BEAUTY) | B(C_ELECTRONICS) | M_WEAR,
	    "和专柜买的{p}对比，包装字体、颜色都不一样，肯定是假的。"),
	Z(T_FAKE, M_DEV,
	    "说是官方旗舰店正品，{p}的序列号在官网查不到，这是山寨货吧？"),
	Z(T_FAKE, B(C_BEAUTY),
	    "{p}味道和我一直用的完全不一样，质地也稀，严重怀疑不是正品。"),
	Z(T_FAKE, M_WEAR, "吊牌做工粗糙，线头很多，这{p}绝对不是正品。"),
	Z(T_FAKE, B(C_BABY),
	    "{p}包装上的批次号和官方查询对不上，这种东西也敢卖给宝宝用？"),
	Z(T_FAKE, B(C_BOOKS), "{p}是盗版书，纸张很薄，字迹模糊。"),
	Z(T_FAKE, M_GOODS, "花了{a}元买到假货，要求假一赔三！"),
	Z(T_FAKE, B(C_BEAUTY) | B(C_FOOD) | B(C_BABY),
	    "收到的{p}没有中文标签，也没有报关单，怀疑是假冒的。"),
	E(T_FAKE, M_GOODS,
	    "I think this {p} is fake, the anti-counterfeit code doesn't "
	    "verify."),
	E(T_FAKE, M_DEV,
	    "Serial number of the {p} isn't in the brand's database. "
	    "Counterfeit?"),
	E(T_FAKE, B(C_BOOKS),
	    "This is clearly a pirated copy, the print quality is terrible."),

	/* product/expired */
	Z(T_EXPIRED, B(C_FOOD) | B(C_BABY) | B(C_BEAUTY),
	    "收到的{p}已经过期{d}天了，这也能发货？"),
	Z(T_EXPIRED, B(C_FOOD) | B(C_BABY) | B(C_BEAUTY),
	    "{p}生产日期是一年多前的，离过期只剩半个月，临期也不标注。"),
	Z(T_EXPIRED, B(C_FOOD) | B(C_FRESH),
	    "打开{p}发现已经长毛了，明显变质。"),
	Z(T_EXPIRED, B(C_FRESH) | B(C_DELIVERY), "{p}有股馊味，肯定是放坏了。"),
	Z(T_EXPIRED, B(C_BABY),
	    "{p}保质期只剩一个月，宝宝根本用不完，卖临期货也不说一声。"),
	Z(T_EXPIRED, B(C_FOOD), "{p}包装都鼓起来了，是不是已经变质了？"),
	Z(T_EXPIRED, B(C_FRESH), "{p}闻着就不新鲜，冷链根本没做好。"),
	Z(T_EXPIRED, B(C_FOOD) | B(C_BEAUTY) | B(C_BABY),
	    "{p}的日期标签被撕掉了，怀疑是过期货重新贴的。"),
	Z(T_EXPIRED, B(C_BEAUTY),
	    "{p}开封就有一股油耗味，一查批号早就过期了。"),
	E(T_EXPIRED, B(C_FOOD) | B(C_BABY) | B(C_BEAUTY),
	    "The {p} expired {d} days before it even reached me."),
	E(T_EXPIRED, B(C_FOOD) | B(C_FRESH),
	    "Found mould on the {p} as soon as I opened it."),
	E(T_EXPIRED, B(C_FOOD) | B(C_BEAUTY) | B(C_BABY),
	    "Best-before label was torn off the {p}, looks like relabelled "
	    "old stock."),

	/* product/value */
	Z(T_VALUE, M_ALL, "{a}元买的{p}就这质量？性价比太低了。"),
	Z(T_VALUE, M_EAT, "{p}分量也太少了吧，打开才半盒。"),
	Z(T_VALUE, M_SHIP, "这个价位的{p}在别家能买到更好的，不值。"),
	Z(T_VALUE, B(C_DELIVERY),
	    "这份{p}要{a}块钱，打开只有几口的量，太坑了。"),
	Z(T_VALUE, B(C_HOTEL), "房价{a}元一晚，设施老旧，完全不值这个价。"),
	Z(T_VALUE, M_EAT, "说是大份，实际称了只有标称的七成。"),
	Z(T_VALUE, M_DURABLE | B(C_BEAUTY),
	    "{p}贵了一倍，用起来跟几十块的没区别。"),
	Z(T_VALUE, B(C_FOOD) | B(C_BEAUTY),
	    "一盒{p}里一半是填充物，实际东西很少，过度包装。"),
	Z(T_VALUE, M_ALL, "价格不便宜，品质却很一般，{p}不推荐。"),
	E(T_VALUE, M_ALL,
	    "Paid {a} yuan for this {p}, not worth the money at all."),
	E(T_VALUE, M_EAT, "Portion was tiny for the price."),
	E(T_VALUE, B(C_HOTEL),
	    "{a} yuan a night for a tired old room, poor value."),

	/* logistics/delay */
	Z(T_DELAY, M_SHIP, "下单{d}天了还没发货，说好的48小时发货呢？"),
	Z(T_DELAY, M_SHIP, "物流太慢了，{c}的件在中转站停了{d}天。"),
	Z(T_DELAY, M_SHIP, "承诺次日达，结果第{d}天才送到。"),
	Z(T_DELAY, M_SHIP, "{p}等了整整{D}天才到，早就不需要了。"),
	Z(T_DELAY, B(C_DELIVERY), "外卖超时{m}分钟才送到，饭都凉了。"),
	Z(T_DELAY, M_SHIP | B(C_DELIVERY),
	    "预计送达时间一改再改，{p}到现在还没送到。"),
	Z(T_DELAY, M_GOODS,
	    "买的{p}是送人的生日礼物，结果晚了{d}天，生日都过了。"),
	Z(T_DELAY, B(C_FRESH), "生鲜{p}路上走了{d}天，冰袋都化了。"),
	Z(T_DELAY, B(C_DELIVERY), "骑手接单后一直不动，等了一个多小时才取餐。"),
	Z(T_DELAY, M_SHIP, "大促买的{p}到现在还在路上，已经{D}天了。"),
	Z(T_DELAY, M_SHIP,
	    "显示\"派送中\"一整天，晚上又变成\"明日派送\"，到底什么时候能到？"),
	Z(T_DELAY, M_SHIP, "同城快递走了{d}天，{c}到底在干什么"),
	E(T_DELAY, M_SHIP, "Ordered {d} days ago and it still hasn't shipped."),
	E(T_DELAY, M_SHIP, "The {p} took {D} days to arrive. Way too slow."),
	E(T_DELAY, B(C_DELIVERY),
	    "Food arrived {m} minutes late and was cold."),
	E(T_DELAY, M_SHIP, "Promised next-day delivery, got it on day {d}."),
	E(T_DELAY, M_SHIP,
	    "My parcel has been stuck at the {c} hub for {d} days."),

	/* logistics/damaged */
	Z(T_DAMAGED, M_SHIP, "快递箱子被压扁了，里面的{p}也压坏了。"),
	Z(T_DAMAGED, M_SHIP, "收到的时候外包装破了个大洞，{p}有明显磕碰。"),
	Z(T_DAMAGED, B(C_DELIVERY),
	    "汤全洒了，袋子里都是汤汁，{p}根本没法吃。"),
	Z(T_DAMAGED, B(C_ELECTRONICS),
	    "{p}到手时屏幕碎了，明显是运输途中摔的。"),
	Z(T_DAMAGED, B(C_FRESH), "{p}压坏了一半，泡沫箱都湿透了。"),
	Z(T_DAMAGED, B(C_DELIVERY), "奶茶洒了一半，杯子都变形了。"),
	Z(T_DAMAGED, M_SHIP, "{c}暴力分拣，{p}的边角全磕坏了。"),
	Z(T_DAMAGED, B(C_APPLIANCES),
	    "{p}的玻璃面板运输中裂了，包装只有一层薄膜。"),
	Z(T_DAMAGED, B(C_BOOKS), "书角全折了，封面也压出了印子。"),
	Z(T_DAMAGED, B(C_BEAUTY) | B(C_FOOD),
	    "瓶子在路上漏了，整个盒子里都是{p}。"),
	E(T_DAMAGED, M_SHIP,
	    "The box was crushed and the {p} inside is damaged."),
	E(T_DAMAGED, B(C_DELIVERY), "Soup spilled all over the bag."),
	E(T_DAMAGED, B(C_ELECTRONICS),
	    "Screen cracked in transit, the packaging was flimsy."),

	/* logistics/lost */
	Z(T_LOST, M_SHIP, "物流显示已签收，但我根本没收到{p}。"),
	Z(T_LOST, M_SHIP, "快递丢了，{c}说在查，已经{d}天没有结果。"),
	Z(T_LOST, B(C_DELIVERY),
	    "外卖显示已送达，我在门口等了半天什么都没有。"),
	Z(T_LOST, M_SHIP,
	    "{p}到了{city}转运中心之后就没了消息，是不是丢件了？"),
	Z(T_LOST, M_SHIP, "包裹被别人签收了，问快递员也说不清楚。"),
	Z(T_LOST, M_SHIP,
	    "一个订单分了两个包裹，只收到一个，另一个显示签收但没见到。"),
	Z(T_LOST, M_SHIP, "快递柜里没有我的件，取件码也用不了，{p}去哪了？"),
	Z(T_LOST, M_SHIP, "丢件了还让我自己去找快递公司，平台不管吗？"),
	E(T_LOST, M_SHIP, "Tracking says delivered but I never got the {p}."),
	E(T_LOST, M_SHIP,
	    "My parcel has been lost for {d} days and nobody can tell me "
	    "where it is."),
	E(T_LOST, B(C_DELIVERY),
	    "The app says my food was delivered, but nothing arrived."),

	/* logistics/tracking */
	Z(T_TRACKING, M_SHIP, "物流信息{d}天没更新了，一直停在\"已揽收\"。"),
	Z(T_TRACKING, M_SHIP, "快递单号在{c}官网查不到，是不是假单号？"),
	Z(T_TRACKING, B(C_DELIVERY),
	    "地图上骑手位置半小时没动过，打电话也不接。"),
	Z(T_TRACKING, M_SHIP, "物流轨迹显示发往了别的城市，绕了一大圈。"),
	Z(T_TRACKING, M_SHIP, "订单显示已发货，但没有任何物流信息。"),
	Z(T_TRACKING, M_SHIP, "物流信息乱跳，一会在{city}一会又回到始发地。"),
	Z(T_TRACKING, M_SHIP, "查不到物流，客服也只会说请耐心等待。"),
	Z(T_TRACKING, M_SHIP,
	    "物流显示已签收，签收时间却是明天，信息明显是乱填的。"),
	E(T_TRACKING, M_SHIP, "Tracking hasn't updated in {d} days."),
	E(T_TRACKING, M_SHIP,
	    "The tracking number doesn't exist on the {c} website."),
	E(T_TRACKING, B(C_DELIVERY),
	    "The rider's location on the map hasn't moved for 30 minutes."),

	/* logistics/pickup_point */
	Z(T_PICKUP, M_SHIP,
	    "没经过我同意就放驿站了，离家两公里，{p}那么重怎么搬？"),
	Z(T_PICKUP, M_SHIP, "驿站取件还要收费，每件一块钱，这合理吗？"),
	Z(T_PICKUP, M_SHIP,
	    "驿站关门太早，下班过去已经关了，件放了{d}天被退回。"),
	Z(T_PICKUP, M_SHIP, "快递柜超时收费，我都不知道件放进去了。"),
	Z(T_PICKUP, M_SHIP, "代收点把我的件弄丢了，还说不归他们管。"),
	Z(T_PICKUP, M_SHIP, "驿站的人态度很差，找件要自己在一堆包裹里翻。"),
	Z(T_PICKUP, M_SHIP, "明明备注了不要放驿站，还是给放了。"),
	Z(T_PICKUP, M_SHIP,
	    "我人在家，快递却直接标记拒收退回了，我根本没拒收！"),
	E(T_PICKUP, M_SHIP,
	    "Dropped at a pickup point without asking me, it's 2 km away."),
	E(T_PICKUP, M_SHIP,
	    "The parcel locker charged me an overtime fee, I was never "
	    "notified."),
	E(T_PICKUP, M_SHIP,
	    "Parcel was marked as refused and sent back, I never refused it."),

	/* logistics/courier */
	Z(T_COURIER, M_SHIP, "快递员不送上门，打电话让我自己下楼拿。"),
	Z(T_COURIER, M_SHIP, "{c}快递员态度恶劣，说两句就挂电话。"),
	Z(T_COURIER, B(C_DELIVERY),
	    "骑手态度很差，嫌我下楼慢，一直骂骂咧咧的。"),
	Z(T_COURIER, M_SHIP, "快递员没打电话就直接扔在门口，{p}差点被人拿走。"),
	Z(T_COURIER, B(C_DELIVERY),
	    "骑手还没送到就让我点确认送达，不点就不给，这什么操作？"),
	Z(T_COURIER, M_SHIP, "快递员把件从院墙外扔进来，{p}都摔坏了。"),
	Z(T_COURIER, M_SHIP, "快递员私自签收，打电话还说是我让放的。"),
	Z(T_COURIER, B(C_APPLIANCES),
	    "送货师傅要额外加钱才肯搬上楼，{p}这么重我一个人根本搬不动。"),
	Z(T_COURIER, B(C_DELIVERY), "骑手送错楼栋，还让我自己过去拿。"),
	E(T_COURIER, M_SHIP,
	    "The courier refused to come to my door and told me to come down."),
	E(T_COURIER, B(C_DELIVERY), "The rider was rude and yelled at me."),
	E(T_COURIER, M_SHIP,
	    "Courier left the {p} outside without calling, it almost got "
	    "stolen."),

	/* service/slow_response */
	Z(T_SLOW, M_ALL, "客服排队排了{m}分钟都没人接。"),
	Z(T_SLOW, M_ALL, "给客服留言{d}天了，一直没人回复。"),
	Z(T_SLOW, M_ALL, "人工客服永远在忙，热线打了{n}次都没打通。"),
	Z(T_SLOW, M_ALL, "提交的工单{d}天没有任何进展，也没人联系我。"),
	Z(T_SLOW, M_ALL, "在线客服回一句话要等十几分钟，效率太低了。"),
	Z(T_SLOW, M_ALL, "说24小时内回电，到现在都{d}天了。"),
	Z(T_SLOW, M_ALL,
	    "问题反映了{n}次，每次都说会有专人跟进，然后就没有然后了。"),
	Z(T_SLOW, M_ALL, "晚上九点以后就找不到客服，出了问题只能干等。"),
	Z(T_SLOW, B(C_HOTEL), "酒店前台电话一直占线，想加床都联系不上。"),
	E(T_SLOW, M_ALL,
	    "Waited {m} minutes in the queue and nobody answered."),
	E(T_SLOW, M_ALL, "Left a message {d} days ago, still no reply."),
	E(T_SLOW, M_ALL, "My ticket has had no update for {d} days."),

	/* service/attitude */
	Z(T_ATTITUDE, M_ALL, "客服态度太差了，问两句就不耐烦。"),
	Z(T_ATTITUDE, M_ALL,
	    "客服一直推诿，说这是商家的问题，让我自己联系商家。"),
	Z(T_ATTITUDE, M_ALL,
	    "打电话投诉，客服说\"那你去告吧\"，这是什么态度？"),
	Z(T_ATTITUDE, M_ALL, "客服全程敷衍，一直复制粘贴同样的话术。"),
	Z(T_ATTITUDE, B(C_HOTEL),
	    "前台服务员态度冷漠，办入住等了半小时也没人理。"),
	Z(T_ATTITUDE, M_ALL, "问了几个问题，商家客服直接把我拉黑了。"),
	Z(T_ATTITUDE, M_ALL, "问个问题被客服阴阳怪气，体验极差。"),
	Z(T_ATTITUDE, M_ALL, "客服说话很冲，还说是我自己不会用。"),
	Z(T_ATTITUDE, M_ALL, "客服答应的补偿，换了个客服就不认了。"),
	E(T_ATTITUDE, M_ALL, "The agent was rude and impatient with me."),
	E(T_ATTITUDE, M_ALL,
	    "Customer service kept passing the buck to the seller."),
	E(T_ATTITUDE, B(C_HOTEL),
	    "Front desk staff ignored us for half an hour at check-in."),

	/* service/return_refund */
	Z(T_REFUND, M_ALL, "申请退货{d}天了，商家一直不同意。"),
	Z(T_REFUND, M_SHIP, "退货寄回去{D}天了，退款还没到账。"),
	Z(T_REFUND, M_SHIP, "七天无理由退货，商家却说拆封了不给退。"),
	Z(T_REFUND, M_ALL, "退款{a}元申请了{n}次都被驳回，理由都不说。"),
	Z(T_REFUND, M_SHIP, "换货换了两次还是有问题，要求直接退款。"),
	Z(T_REFUND, M_SHIP, "退货运费要我自己出，明明是质量问题。"),
	Z(T_REFUND, M_ALL, "说好的极速退款，审核了{d}天还在审核中。"),
	Z(T_REFUND, M_ALL, "订单取消了，钱还没退回原账户。"),
	Z(T_REFUND, B(C_HOTEL), "酒店订单取消后，房费{a}元一直没退。"),
	Z(T_REFUND, B(C_DELIVERY), "外卖没送到，申请退款被商家拒绝了。"),
	E(T_REFUND, M_SHIP,
	    "I returned the {p} {D} days ago and still haven't been refunded."),
	E(T_REFUND, M_ALL, "The seller keeps rejecting my return request."),
	E(T_REFUND, M_ALL,
	    "Refund of {a} yuan has been \"processing\" for {d} days."),

	/* service/bot */
	Z(T_BOT, M_ALL, "智能客服答非所问，一直让我\"请描述您的问题\"。"),
	Z(T_BOT, M_ALL, "机器人客服根本听不懂，转人工要绕好几层。"),
	Z(T_BOT, M_ALL, "问退款进度，机器人给我推荐商品，离谱。"),
	Z(T_BOT, M_ALL, "跟机器人说了{n}遍转人工，它还在发常见问题链接。"),
	Z(T_BOT, M_ALL, "智能客服只会说\"亲亲，您的问题已记录\"。"),
	Z(T_BOT, M_ALL, "电话语音助手听不懂我说什么，按键也转不到人工。"),
	Z(T_BOT, M_ALL, "机器人回复的内容和我的问题毫无关系。"),
	Z(T_BOT, M_ALL, "找不到人工客服入口，只有机器人在自说自话。"),
	E(T_BOT, M_ALL,
	    "The chatbot keeps giving answers that have nothing to do with "
	    "my question."),
	E(T_BOT, M_ALL,
	    "I typed \"human agent\" {n} times and the bot still won't "
	    "transfer me."),
	E(T_BOT, M_ALL, "The bot just loops back to the FAQ page."),

	/* service/after_sales */
	Z(T_AFTERSALES, M_DEV, "{p}还在保修期内，售后却说要收检测费。"),
	Z(T_AFTERSALES, B(C_APPLIANCES),
	    "预约了安装，师傅爽约{n}次，{p}一直装不上。"),
	Z(T_AFTERSALES, M_DEV, "送修{D}天了，{p}还没修好，也没人告知进度。"),
	Z(T_AFTERSALES, B(C_APPLIANCES), "安装师傅乱收费，材料费要了{a}元。"),
	Z(T_AFTERSALES, M_DURABLE, "售后电话打不通，{p}坏了不知道找谁。"),
	Z(T_AFTERSALES, M_DEV, "保修卡上写三年质保，售后说只保一年。"),
	Z(T_AFTERSALES, M_GOODS,
	    "售后让我自己拍视频证明{p}有问题，拍了又说不清楚。"),
	Z(T_AFTERSALES, M_DEV,
	    "维修后{p}同样的问题又出现了，第二次送修还要我付运费。"),
	Z(T_AFTERSALES, M_DEV, "说好上门取件维修，等了{d}天没人来。"),
	E(T_AFTERSALES, M_DEV,
	    "The {p} is under warranty but they want to charge an inspection "
	    "fee."),
	E(T_AFTERSALES, B(C_APPLIANCES),
	    "The installation technician didn't show up {n} times."),
	E(T_AFTERSALES, M_DEV,
	    "My {p} has been in repair for {D} days with no update."),

	/* order/wrong_item */
	Z(T_WRONG, M_SHIP, "买的是{p}，发来的却是别的东西。"),
	Z(T_WRONG, B(C_APPAREL) | B(C_ELECTRONICS) | B(C_HOME) | B(C_SPORTS),
	    "下单选的黑色，收到的是白色的{p}。"),
	Z(T_WRONG, M_WEAR, "尺码发错了，我买的L码，发来的是S码。"),
	Z(T_WRONG, B(C_DELIVERY), "点的是微辣，送来的是特辣，根本吃不了。"),
	Z(T_WRONG, B(C_DELIVERY),
	    "外卖送错了，我点的是{p}，拿到的是别人的餐。"),
	Z(T_WRONG, B(C_HOTEL), "订的是{p}，到店给安排的是普通房，还说没房了。"),
	Z(T_WRONG, M_DEV, "型号发错了，{p}跟我的设备不兼容。"),
	Z(T_WRONG, M_WEAR, "买的是成人款，发来的是儿童款的{p}。"),
	Z(T_WRONG, B(C_BOOKS), "订的中文版，发来的是英文原版。"),
	Z(T_WRONG, B(C_BABY), "奶粉段数发错了，宝宝一岁半，发来的是一段的。"),
	E(T_WRONG, M_SHIP,
	    "I ordered the {p} but received something completely different."),
	E(T_WRONG, M_WEAR, "Wrong size sent, I ordered L and got S."),
	E(T_WRONG, B(C_DELIVERY),
	    "Got someone else's order instead of my {p}."),

	/* order/missing_item */
	Z(T_MISSING, M_SHIP, "买了{n}件只收到一件，剩下的呢？"),
	Z(T_MISSING, M_GOODS, "说好的赠品没有发，{p}里也没有说明书。"),
	Z(T_MISSING, B(C_DELIVERY), "外卖没给餐具，汤也没放。"),
	Z(T_MISSING, B(C_DELIVERY), "套餐里的饮料漏送了。"),
	Z(T_MISSING, B(C_ELECTRONICS), "{p}缺配件，充电线都没有。"),
	Z(T_MISSING, B(C_APPLIANCES), "安装螺丝少了几颗，{p}装不起来。"),
	Z(T_MISSING, M_SHIP, "订单里的{p}少发了，包裹里只有另外两样。"),
	Z(T_MISSING, B(C_FRESH), "{p}少称了，标的两斤实际只有一斤半。"),
	Z(T_MISSING, B(C_HOTEL), "订的时候说含双早，退房时才知道早餐没订上。"),
	E(T_MISSING, M_SHIP, "Ordered {n} items and only one showed up."),
	E(T_MISSING, B(C_DELIVERY),
	    "No cutlery in the bag and the drink was missing."),
	E(T_MISSING, B(C_ELECTRONICS), "The {p} came without the charger."),

	/* order/cancel_modify */
	Z(T_CANCEL, M_ALL, "下单五分钟就想取消，系统显示无法取消。"),
	Z(T_CANCEL, M_SHIP | B(C_DELIVERY),
	    "想改收货地址，订单页面没有入口，客服也说改不了。"),
	Z(T_CANCEL, M_ALL, "取消订单要填一堆理由，最后还是提交失败。"),
	Z(T_CANCEL, M_SHIP, "商家还没发货，却不让我取消订单。"),
	Z(T_CANCEL, B(C_HOTEL), "酒店订单显示不可取消，预订的时候根本没提示。"),
	Z(T_CANCEL, B(C_DELIVERY),
	    "外卖商家接单后就不能取消了，等了{m}分钟还没出餐。"),
	Z(T_CANCEL, M_SHIP, "想改一下规格，只能取消重拍，优惠券还没了。"),
	Z(T_CANCEL, M_SHIP, "预售订单付了定金就不能取消，规则太霸王了。"),
	E(T_CANCEL, M_SHIP,
	    "I can't cancel my order even though it hasn't shipped."),
	E(T_CANCEL, M_SHIP | B(C_DELIVERY),
	    "There's no way to change the delivery address after ordering."),
	E(T_CANCEL, B(C_HOTEL),
	    "The booking says non-refundable, this wasn't shown when I "
	    "booked."),

	/* order/payment */
	Z(T_PAYMENT, M_ALL,
	    "付款一直失败，提示\"系统繁忙\"，换了{n}张卡都不行。"),
	Z(T_PAYMENT, M_ALL, "微信支付扣款成功了，订单却显示待付款。"),
	Z(T_PAYMENT, M_ALL, "支付宝付款时页面卡住，再打开订单已经被取消了。"),
	Z(T_PAYMENT, M_ALL, "用花呗付款提示额度不足，可我额度明明够。"),
	Z(T_PAYMENT, M_ALL, "银行卡支付老是收不到验证码。"),
	Z(T_PAYMENT, M_ALL, "支付页面一直转圈，等了半天提示超时。"),
	Z(T_PAYMENT, M_ALL, "付款的时候提示\"支付环境异常\"，什么意思？"),
	Z(T_PAYMENT, M_ALL, "先用后付开通不了，也不告诉我原因。"),
	E(T_PAYMENT, M_ALL, "Payment keeps failing with \"system busy\"."),
	E(T_PAYMENT, M_ALL, "I was charged but the order still says unpaid."),
	E(T_PAYMENT, M_ALL, "The payment page just spins and then times out."),

	/* order/billing */
	Z(T_BILLING, M_ALL, "同一个订单被扣了两次款，共{a}元，请尽快退回。"),
	Z(T_BILLING, M_ALL,
	    "莫名其妙被扣了{a}元会员费，我从没开通过自动续费。"),
	Z(T_BILLING, M_ALL, "申请开发票{d}天了还没开出来。"),
	Z(T_BILLING, M_ALL, "发票抬头开错了，要求重开一直没人处理。"),
	Z(T_BILLING, M_ALL, "账单里多了一笔{a}元的扣费，查不到对应的订单。"),
	Z(T_BILLING, M_ALL, "退款退回来少了{a}元，没有任何说明。"),
	Z(T_BILLING, M_SHIP, "运费险说是免费赠送，结果扣了我的钱。"),
	Z(T_BILLING, B(C_HOTEL), "酒店账单多收了一晚的房费。"),
	E(T_BILLING, M_ALL,
	    "I was charged twice for the same order ({a} yuan)."),
	E(T_BILLING, M_ALL,
	    "There's a {a} yuan charge on my account I don't recognise."),
	E(T_BILLING, M_ALL, "Still waiting for my invoice after {d} days."),

	/* marketing/coupon */
	Z(T_COUPON, M_ALL, "领的满{th}减{cp}的券，结算时提示不可用。"),
	Z(T_COUPON, M_ALL, "优惠券明明还没过期，下单就显示已失效。"),
	Z(T_COUPON, M_ALL, "新人券领了用不了，说我不是新用户。"),
	Z(T_COUPON, M_ALL,
	    "{cp}元无门槛券只能买指定商品，领券的时候根本没说。"),
	Z(T_COUPON, M_ALL, "会员专享券到账第二天就过期了。"),
	Z(T_COUPON, M_ALL, "红包提示已领取，我的卡包里却没有。"),
	Z(T_COUPON, M_ALL, "下单时忘了用券，客服说不能补。"),
	Z(T_COUPON, M_ALL, "优惠券和店铺满减不能同时用，页面上也没有提示。"),
	Z(T_COUPON, B(C_DELIVERY), "外卖红包显示可用，下单时却说不满足条件。"),
	E(T_COUPON, M_ALL,
	    "The {cp} yuan off coupon says it's invalid at checkout."),
	E(T_COUPON, M_ALL, "My coupon expired the day after I got it."),
	E(T_COUPON, M_ALL,
	    "New-user coupon won't apply, it says I'm not a new user."),

	/* marketing/promotion */
	Z(T_PROMO, M_ALL, "活动页写的满{th}减{cp}，结算的时候根本没减。"),
	Z(T_PROMO, M_SHIP, "说好的买一送一，赠品一直没发。"),
	Z(T_PROMO, M_SHIP, "秒杀抢到了，结果商家说库存不足直接取消订单。"),
	Z(T_PROMO, M_SHIP, "拼团成功了，却迟迟不发货，最后被取消了。"),
	Z(T_PROMO, M_ALL, "参加的抽奖活动中奖了，一直不给兑奖。"),
	Z(T_PROMO, M_ALL, "活动规则写得云里雾里，算下来根本没优惠。"),
	Z(T_PROMO, M_ALL, "签到{D}天攒的积分，活动结束后直接清零了。"),
	Z(T_PROMO, M_ALL, "邀请好友的奖励一直没到账。"),
	Z(T_PROMO, M_SHIP, "直播间说的福利价，下单又变成原价了。"),
	E(T_PROMO, M_SHIP, "The \"buy one get one free\" gift never arrived."),
	E(T_PROMO, M_ALL, "The promotion discount wasn't applied at checkout."),
	E(T_PROMO, M_SHIP,
	    "My flash sale order was cancelled for \"insufficient stock\"."),

	/* marketing/price */
	Z(T_PRICE, M_SHIP, "刚买完{p}第二天就降价{cp}元，申请价保被拒。"),
	Z(T_PRICE, M_SHIP, "大促前先涨价再打折，算下来比平时还贵。"),
	Z(T_PRICE, M_ALL, "购物车里的价格和结算价格不一样，多了{cp}块。"),
	Z(T_PRICE, M_SHIP, "同一个{p}，会员价居然比普通价还高。"),
	Z(T_PRICE, M_SHIP, "价保说只保七天，我第八天降价就不管了？"),
	Z(T_PRICE, B(C_DELIVERY), "外卖平台上的价格比店里贵了好几块。"),
	Z(T_PRICE, B(C_HOTEL), "同一天的房价，App上比前台贵{cp}元。"),
	Z(T_PRICE, M_ALL, "买完才发现新人价比我这个老会员便宜一半。"),
	E(T_PRICE, M_SHIP,
	    "Price dropped by {cp} yuan the day after I bought it, and price "
	    "protection was refused."),
	E(T_PRICE, M_SHIP,
	    "They raised the price before the sale and then \"discounted\" "
	    "it."),
	E(T_PRICE, M_ALL, "The price at checkout was higher than in the cart."),

	/* marketing/misleading */
	Z(T_MISLEAD, B(C_BEAUTY),
	    "广告说\"三天见效\"，用了一个月什么变化都没有，虚假宣传。"),
	Z(T_MISLEAD, M_SHIP, "标题写着\"全网最低价\"，别的平台便宜{cp}块。"),
	Z(T_MISLEAD, M_SHIP, "页面写包邮，结算时又加了运费。"),
	Z(T_MISLEAD, M_GOODS, "直播间说是原装进口，收到的{p}是国产的。"),
	Z(T_MISLEAD, B(C_FOOD) | B(C_BABY) | B(C_BEAUTY),
	    "宣传说\"零添加\"，配料表里一堆添加剂。"),
	Z(T_MISLEAD, B(C_HOTEL), "宣传的\"海景房\"只能从窗角看到一点海。"),
	Z(T_MISLEAD, M_SHIP, "说是\"官方授权\"，实际就是个小作坊。"),
	Z(T_MISLEAD, B(C_ELECTRONICS),
	    "详情页写续航{D}小时，实际不到一半，这是虚标。"),
	E(T_MISLEAD, B(C_BEAUTY),
	    "The ad promised results in three days, nothing after a month."),
	E(T_MISLEAD, M_SHIP,
	    "\"Free shipping\" on the page, then a shipping fee at checkout."),
	E(T_MISLEAD, B(C_FOOD) | B(C_BABY) | B(C_BEAUTY),
	    "Listing claims \"no additives\" but the ingredients say "
	    "otherwise."),

	/* platform/crash */
	Z(T_CRASH, M_ALL, "更新到{v}以后App一打开就闪退。"),
	Z(T_CRASH, M_ALL, "点进订单详情页就崩溃，{dev}上必现。"),
	Z(T_CRASH, M_ALL, "支付的时候App突然闪退，钱扣了订单却没生成。"),
	Z(T_CRASH, M_ALL, "小程序一直白屏，退出重进也不行。"),
	Z(T_CRASH, M_ALL,
	    "App频繁报错\"网络异常，请稍后再试\"，其他App网都正常。"),
	Z(T_CRASH, M_ALL,
	    "上传评价图片的时候App直接崩了，写了半天的评价全没了。"),
	Z(T_CRASH, M_ALL, "{dev}升级系统后，App启动就卡死然后闪退。"),
	Z(T_CRASH, M_ALL, "打开购物车就闪退，清了缓存也没用，版本{v}。"),
	Z(T_CRASH, M_ALL, "搜索商品时App崩溃，每次都这样。"),
	E(T_CRASH, M_ALL, "The app crashes on launch since updating to {v}."),
	E(T_CRASH, M_ALL,
	    "App crashes every time I open my order details on my {dev}."),
	E(T_CRASH, M_ALL, "The mini program just shows a blank white screen."),
	E(T_CRASH, M_ALL,
	    "App crashed during payment, money taken but no order created."),

	/* platform/login */
	Z(T_LOGIN, M_ALL, "收不到登录验证码，试了{n}次了。"),
	Z(T_LOGIN, M_ALL, "账号突然被登出，重新登录提示密码错误。"),
	Z(T_LOGIN, M_ALL, "换了手机号之后就登录不上了，申诉也没结果。"),
	Z(T_LOGIN, M_ALL, "微信授权登录一直失败。"),
	Z(T_LOGIN, M_ALL, "登录时提示\"账号存在风险\"，被限制登录了。"),
	Z(T_LOGIN, M_ALL, "人脸验证一直不通过，账号用不了。"),
	Z(T_LOGIN, M_ALL, "一天要重新登录好几次，非常烦。"),
	Z(T_LOGIN, M_ALL, "注销的账号重新注册不了，提示手机号已被占用。"),
	E(T_LOGIN, M_ALL, "I never receive the login verification code."),
	E(T_LOGIN, M_ALL,
	    "I keep getting logged out and now it says my password is wrong."),
	E(T_LOGIN, M_ALL,
	    "Face verification fails every time so I can't use my account."),

	/* platform/performance */
	Z(T_PERF, M_ALL, "App越来越卡，打开首页要转好几秒。"),
	Z(T_PERF, M_ALL, "商品详情页的图片加载特别慢。"),
	Z(T_PERF, M_ALL, "大促的时候页面卡得根本点不动。"),
	Z(T_PERF, M_ALL, "App太占内存了，{dev}用一会儿就发烫。"),
	Z(T_PERF, M_ALL, "小程序加载慢，经常转圈转半天。"),
	Z(T_PERF, M_ALL, "订单列表要加载十几秒才出来。"),
	Z(T_PERF, M_ALL, "滑动的时候一卡一卡的，体验很差。"),
	Z(T_PERF, M_ALL, "最新的{v}版本比以前慢多了。"),
	E(T_PERF, M_ALL,
	    "The app is really slow, the home page takes ages to load."),
	E(T_PERF, M_ALL, "Everything freezes during the big sale."),
	E(T_PERF, M_ALL, "Version {v} is much slower than before."),

	/* platform/usability */
	Z(T_USABILITY, M_ALL, "找了半天都找不到申请售后的入口。"),
	Z(T_USABILITY, M_ALL, "新版界面太乱了，常用功能藏得很深。"),
	Z(T_USABILITY, M_ALL, "开发票的流程太复杂了，要点七八步。"),
	Z(T_USABILITY, M_ALL, "字太小了，家里老人根本看不清。"),
	Z(T_USABILITY, M_ALL, "弹窗广告太多，关都关不掉。"),
	Z(T_USABILITY, M_ALL, "修改收货地址的按钮藏得太深了。"),
	Z(T_USABILITY, M_ALL, "首页改版后找不到我的订单了。"),
	Z(T_USABILITY, M_ALL, "退货流程要填的信息太多，很不友好。"),
	E(T_USABILITY, M_ALL, "Can't find where to request a return."),
	E(T_USABILITY, M_ALL,
	    "The new layout is confusing, everything is buried in menus."),
	E(T_USABILITY, M_ALL,
	    "Too many pop-up ads and the close button is tiny."),

	/* platform/accessibility */
	Z(T_A11Y, M_ALL,
	    "我是视障用户，读屏软件读不出商品按钮，只会读\"按钮\"两个字。"),
	Z(T_A11Y, M_ALL, "验证码只有图片，没有语音验证，盲人用户没法登录。"),
	Z(T_A11Y, M_ALL, "开了大字模式后页面排版全乱了，按钮点不到。"),
	Z(T_A11Y, M_ALL, "读屏模式下支付按钮无法聚焦，没法独立完成付款。"),
	Z(T_A11Y, M_ALL, "页面颜色对比度太低，弱视的人根本看不清价格。"),
	Z(T_A11Y, M_ALL, "长辈模式功能太少，很多入口都没有。"),
	Z(T_A11Y, M_ALL, "滑块验证对手抖的老人太难了，能不能换个方式？"),
	Z(T_A11Y, M_ALL,
	    "TalkBack读到商品图片时全是一串文件名，没有任何描述。"),
	Z(T_A11Y, M_ALL, "在线客服页面读屏读不出对话内容，视障用户没法沟通。"),
	E(T_A11Y, M_ALL,
	    "I'm blind and the screen reader just says \"button\" for every "
	    "button."),
	E(T_A11Y, M_ALL,
	    "Image-only CAPTCHA, no audio option, so I can't log in."),
	E(T_A11Y, M_ALL,
	    "Large text mode breaks the layout and I can't tap the checkout "
	    "button."),

	/* platform/search */
	Z(T_SEARCH, M_ALL, "搜\"{p}\"出来一堆不相关的东西。"),
	Z(T_SEARCH, M_ALL, "搜索结果全是广告，想要的商品翻好几页才找到。"),
	Z(T_SEARCH, M_ALL, "筛选价格区间没用，出来的还是贵的。"),
	Z(T_SEARCH, M_ALL, "搜索历史删不掉。"),
	Z(T_SEARCH, M_SHIP, "输入型号搜不到，明明店里有卖。"),
	Z(T_SEARCH, M_ALL, "搜索联想词太离谱了。"),
	Z(T_SEARCH, M_ALL, "按销量排序完全是乱的。"),
	Z(T_SEARCH, B(C_DELIVERY), "搜外卖店铺名搜不到，只能一页页翻。"),
	E(T_SEARCH, M_ALL,
	    "Searching for \"{p}\" returns a bunch of unrelated stuff."),
	E(T_SEARCH, M_ALL, "Search results are all ads."),
	E(T_SEARCH, M_ALL, "Sort by price doesn't work."),

	/* compliance/privacy */
	Z(T_PRIVACY, M_ALL,
	    "刚下单就接到推销电话，对方知道我买了什么，信息是不是泄露了？"),
	Z(T_PRIVACY, M_SHIP, "快递面单上的手机号和姓名都没有打码。"),
	Z(T_PRIVACY, M_ALL, "App要求获取通讯录权限，不给就不能用。"),
	Z(T_PRIVACY, M_ALL, "注销账号后还在收到你们的营销短信。"),
	Z(T_PRIVACY, M_ALL,
	    "我只是在App里看了{p}，别的App就开始给我推同款，太可怕了。"),
	Z(T_PRIVACY, M_ALL,
	    "客服在电话里把我的家庭住址念出来了，旁边还有别人。"),
	Z(T_PRIVACY, M_ALL,
	    "接到自称平台客服的电话，能准确说出我的订单号{o}。"),
	Z(T_PRIVACY, M_ALL, "隐私设置里关了个性化推荐，重启又自动打开了。"),
	E(T_PRIVACY, M_ALL,
	    "Got a sales call right after ordering, they knew exactly what I "
	    "bought. Was my data leaked?"),
	E(T_PRIVACY, M_ALL,
	    "The app won't work unless I grant access to my contacts."),
	E(T_PRIVACY, M_ALL,
	    "Still getting marketing texts after I deleted my account."),

	/* compliance/fraud */
	Z(T_FRAUD, M_ALL,
	    "有人冒充客服打电话说我的订单有问题，让我转账退款，差点被骗。"),
	Z(T_FRAUD, M_ALL, "我的账户被盗刷了{a}元，几笔订单都不是我下的。"),
	Z(T_FRAUD, M_SHIP, "商家让我加微信私下交易，付款后就把我拉黑了。"),
	Z(T_FRAUD, M_ALL, "收到短信说退款要点链接填银行卡，是不是诈骗？"),
	Z(T_FRAUD, M_ALL, "有人用我的账号下单买了{n}部手机。"),
	Z(T_FRAUD, M_SHIP,
	    "卖家发空包，物流一显示签收就自动确认收货了，钱要不回来。"),
	Z(T_FRAUD, M_ALL, "有人冒充平台发\"理赔\"短信，骗走了我{a}元。"),
	Z(T_FRAUD, M_ALL, "代付链接是骗子发的，平台也不提醒一下。"),
	E(T_FRAUD, M_ALL,
	    "Someone pretending to be customer service asked me to transfer "
	    "money for a \"refund\"."),
	E(T_FRAUD, M_ALL,
	    "My account was used to place orders worth {a} yuan that I never "
	    "made."),
	E(T_FRAUD, M_SHIP,
	    "The seller asked me to pay outside the platform and then "
	    "blocked me."),

	/* compliance/security */
	Z(T_SECURITY, M_ALL, "账号被盗了，绑定的手机号都被改了。"),
	Z(T_SECURITY, M_ALL, "收到异地登录提醒，不是我本人操作。"),
	Z(T_SECURITY, M_ALL,
	    "支付密码没输就直接扣款了，免密支付什么时候开的？"),
	Z(T_SECURITY, M_ALL, "账户里的余额和积分被人转走了。"),
	Z(T_SECURITY, M_ALL, "修改密码后另一台设备居然还能登录。"),
	Z(T_SECURITY, M_ALL, "收到陌生设备的登录验证码，有人在试我的账号。"),
	Z(T_SECURITY, M_ALL, "绑定的银行卡被别人解绑了。"),
	Z(T_SECURITY, M_ALL, "登录没有二次验证，账号安全太差了。"),
	E(T_SECURITY, M_ALL,
	    "My account was hacked and the phone number was changed."),
	E(T_SECURITY, M_ALL,
	    "Got a login alert from another city, it wasn't me."),
	E(T_SECURITY, M_ALL, "A payment went through without my password."),

	/* compliance/illegal_content */
	Z(T_ILLEGAL, M_ALL, "商品评论区有人发赌博网站广告。"),
	Z(T_ILLEGAL, M_ALL, "有店铺在卖处方药，没有任何资质，请平台处理。"),
	Z(T_ILLEGAL, M_ALL, "直播间主播说话很低俗，希望平台管一管。"),
	Z(T_ILLEGAL, M_ALL, "有商品图片涉黄，小孩也能看到。"),
	Z(T_ILLEGAL, M_ALL, "有店铺在卖仿真枪配件。"),
	Z(T_ILLEGAL, M_ALL, "评价里有人留联系方式引流，还发不雅内容。"),
	Z(T_ILLEGAL, M_ALL, "问答区有人发诈骗链接。"),
	Z(T_ILLEGAL, M_ALL, "有商家卖代写论文和假证服务。"),
	E(T_ILLEGAL, M_ALL, "There are gambling ads in the product reviews."),
	E(T_ILLEGAL, M_ALL,
	    "A shop is selling prescription drugs without a licence."),
	E(T_ILLEGAL, M_ALL,
	    "Some product photos are explicit and visible to kids."),

	/* suggestion/feature */
	Z(T_SUGGEST, M_ALL, "建议增加按订单号搜索的功能，找历史订单太麻烦了。"),
	Z(T_SUGGEST, M_SHIP, "希望能支持一个订单发到多个收货地址。"),
	Z(T_SUGGEST, M_SHIP, "能不能加个降价提醒？{p}降价了通知我一下。"),
	Z(T_SUGGEST, B(C_DELIVERY),
	    "建议外卖增加\"无需餐具\"的默认选项，环保一点。"),
	Z(T_SUGGEST, B(C_HOTEL), "希望酒店订单能提前在线选房。"),
	Z(T_SUGGEST, M_ALL, "建议售后进度能实时推送，不用每次都去问。"),
	Z(T_SUGGEST, M_ALL, "希望App出个深色模式，晚上看眼睛累。"),
	Z(T_SUGGEST, M_ALL, "能否增加视频客服？有些问题文字说不清楚。"),
	Z(T_SUGGEST, B(C_FOOD) | B(C_FRESH),
	    "建议{p}出个小包装，一个人吃不完。"),
	Z(T_SUGGEST, M_WEAR, "希望尺码推荐能参考我以前买过的衣服。"),
	Z(T_SUGGEST, M_ALL, "希望长辈模式能支持语音下单。"),
	Z(T_SUGGEST, M_SHIP, "建议快递能预约送达时间段，上班时间家里没人。"),
	E(T_SUGGEST, M_ALL, "Please add a dark mode to the app."),
	E(T_SUGGEST, M_SHIP,
	    "It would be great to get a notification when the {p} drops in "
	    "price."),
	E(T_SUGGEST, M_SHIP, "Let us choose a delivery time slot."),
	E(T_SUGGEST, B(C_DELIVERY),
	    "Please make \"no cutlery\" the default option."),
	E(T_SUGGEST, M_ALL, "Could you add video calls with customer service?"),

	/* praise */
	Z(T_PRAISE, M_SHIP, "{p}质量很好，做工精细，和描述一致，好评！"),
	Z(T_PRAISE, M_SHIP, "物流超快，昨天下单今天就到了。"),
	Z(T_PRAISE, M_ALL, "客服小姐姐很耐心，问题很快就解决了，点赞。"),
	Z(T_PRAISE, M_ALL, "{p}超出预期，已经回购第{n}次了。"),
	Z(T_PRAISE, M_SHIP, "快递小哥很负责，下雨天还专门送上楼。"),
	Z(T_PRAISE, B(C_DELIVERY), "骑手很准时，餐还是热的，{p}味道也不错。"),
	Z(T_PRAISE, B(C_HOTEL), "房间干净整洁，前台服务很热情，下次还住。"),
	Z(T_PRAISE, M_ALL, "退款很快，不到一小时就到账了，体验很好。"),
	Z(T_PRAISE, M_SHIP, "{p}包装很用心，送人很有面子。"),
	Z(T_PRAISE, B(C_FRESH), "新鲜度很好，{p}个个饱满，家里人都说好吃。"),
	Z(T_PRAISE,
	    B(C_ELECTRONICS) | B(C_APPLIANCES) | B(C_HOME) | B(C_SPORTS),
	    "用了一段时间再来评价，{p}一直很稳定，值得推荐。"),
	Z(T_PRAISE, M_ALL, "性价比很高，{a}元能买到这样的{p}很满意。"),
	Z(T_PRAISE, B(C_BABY), "宝宝很喜欢，{p}材质安全没有异味。"),
	Z(T_PRAISE, B(C_BOOKS), "纸张质量很好，印刷清晰，{p}值得收藏。"),
	Z(T_PRAISE, B(C_APPLIANCES), "安装师傅很专业，{p}装得又快又好。"),
	Z(T_PRAISE, B(C_BEAUTY), "上脸很舒服，{p}用完皮肤水水的。"),
	Z(T_PRAISE, B(C_APPAREL), "{p}上身效果很好，尺码标准，面料也舒服。"),
	E(T_PRAISE, M_SHIP, "Great {p}, exactly as described. Five stars!"),
	E(T_PRAISE, M_SHIP, "Super fast delivery, arrived the next day."),
	E(T_PRAISE, M_ALL,
	    "Customer service was patient and sorted out my problem quickly."),
	E(T_PRAISE, B(C_HOTEL),
	    "Clean room, friendly staff, would stay again."),
	E(T_PRAISE, B(C_DELIVERY),
	    "Food arrived hot and on time, the {p} was delicious."),
	E(T_PRAISE, M_ALL, "Refund came through in under an hour, impressive."),
	E(T_PRAISE, M_SHIP,
	    "Really happy with the {p}, great value for {a} yuan."),

	/* questions: neutral */
	Z(T_QUESTION, M_SHIP, "请问{p}什么时候补货？"),
	Z(T_QUESTION, M_ALL, "请问这个订单可以开增值税专用发票吗？"),
	Z(T_QUESTION, M_SHIP, "我想问一下{p}支持七天无理由退货吗？"),
	Z(T_QUESTION, M_ALL, "会员积分怎么兑换？在哪里能看到？"),
	Z(T_QUESTION, M_SHIP, "请问可以改成周末送货吗？"),
	Z(T_QUESTION, B(C_HOTEL), "请问可以延迟退房到下午两点吗？"),
	Z(T_QUESTION, B(C_DELIVERY), "外卖可以备注放在公司前台吗？"),
	Z(T_QUESTION, M_DEV, "{p}的保修期是多久？需要保留发票吗？"),
	Z(T_QUESTION, B(C_BABY), "请问{p}适合几个月的宝宝？"),
	Z(T_QUESTION, M_ALL, "请问怎么修改绑定的手机号？"),
	Z(T_QUESTION, M_ALL, "请问vip和svip会员有什么区别？"),
	Z(T_QUESTION, B(C_APPAREL), "{p}有没有大一码的？身高175穿什么码合适？"),
	E(T_QUESTION, M_SHIP, "When will the {p} be back in stock?"),
	E(T_QUESTION, M_ALL, "Can I get a VAT invoice for this order?"),
	E(T_QUESTION, M_ALL, "How do I change the phone number on my account?"),
	E(T_QUESTION, B(C_HOTEL), "Is late check-out possible?"),
	E(T_QUESTION, M_DEV, "How long is the warranty on the {p}?"),

	/* second halves of mixed items */
	Z(T_PTAIL, M_ALL, "不过{p}本身还不错。"),
	Z(T_PTAIL, M_ALL, "好在客服处理得很及时。"),
	Z(T_PTAIL, M_SHIP, "但东西质量确实没话说。"),
	Z(T_PTAIL, M_SHIP, "不过快递小哥态度很好。"),
	Z(T_PTAIL, M_EAT, "但味道还是可以的。"),
	Z(T_PTAIL, B(C_HOTEL), "房间本身还挺干净的。"),
	Z(T_PTAIL, M_ALL, "总体来说还算满意。"),
	Z(T_PTAIL, M_ALL, "别的都挺好，希望改进。"),
	E(T_PTAIL, M_ALL, "That said, the {p} itself is good."),
	E(T_PTAIL, M_ALL, "Customer service did sort it out quickly though."),
	E(T_PTAIL, M_ALL, "Otherwise happy with it."),
	/* first halves of mixed items */
	Z(T_PLEAD, M_SHIP, "东西不错，就是"),
	Z(T_PLEAD, M_ALL, "{p}挺好的，但是"),
	Z(T_PLEAD, M_ALL, "客服态度很好，可惜"),
	Z(T_PLEAD, M_ALL, "一直很喜欢你们家，这次"),
	Z(T_PLEAD, B(C_HOTEL), "位置很方便，可是"),
	Z(T_PLEAD, M_EAT, "味道没得说，就是"),
	E(T_PLEAD, M_ALL, "Love the {p}, but "),
	E(T_PLEAD, M_ALL, "Usually great service, but "),

	/* bases of a social-media burst */
	Z(T_BURST, M_SHIP,
	    "@商城客服 买的{p}{d}天了还不发货，问客服只会让等，大家千万别买！"),
	Z(T_BURST, M_GOODS,
	    "曝光一下：这家店的{p}用了{d}天就坏，申请售后一直被驳回，太坑了！"),
	Z(T_BURST, M_GOODS,
	    "在商城买到假{p}，防伪码根本查不到，退款还被拒，求扩散！"),
	Z(T_BURST, B(C_FOOD),
	    "{p}里吃出异物，联系客服{d}天没人理，这就是大平台？"),
	Z(T_BURST, M_SHIP, "大促买的{p}，付完款商家直接涨价砍单，欺骗消费者！"),
	Z(T_BURST, M_SHIP,
	    "说好的七天无理由，{p}拆了包装就不给退，什么霸王条款！"),
	Z(T_BURST, M_ALL,
	    "退款{d}天了还没到账，客服电话永远打不通，@商城客服 给个说法！"),
	Z(T_BURST, M_GOODS,
	    "@商城客服 {p}有严重质量问题，好多人都中招了，请尽快召回！"),
};
#undef Z
#undef E
#define NTPL NELEM(tpls)

/*---- Generator state ----*/

enum fmt { F_NDJSON, F_RECORD, F_CSV, F_TSV, F_MBOX, F_TEXT, F_JSON };
static const char *const fmt_names[] = {
	"ndjson", "record", "csv", "tsv", "mbox", "text", "json", NULL
};

enum inc { I_SKU, I_SURGE, I_BURST, I_GROWTH, I_REPEAT, NINC };
static const char *const inc_names[NINC] = {
	"sku", "surge", "burst", "growth", "repeat"
};

/* The streams merged into the output; also the PRNG domain of each. */
enum { S_BG, S_SKU, S_SURGE, S_BURST, S_GROWTH, S_REPEAT, NSTREAM };

/*
 * Draws times with a given density over [start, end): the cumulative
 * weight of each slot (an hour, or five minutes for a burst).  Its size
 * follows --days, never --count.
 */
struct sampler {
	fb_time_t start, end;
	int64_t slot;
	size_t n;
	double *cum;
};

struct repeat_item {
	fb_time_t t;
	int who, nth;
};

/* A planted repeat complainer. */
struct repeater {
	uint32_t cust;
	int tag, cat, count;
	uint32_t item;
	char order[24];
};

struct gen {
	uint64_t seed, count;
	fb_time_t since, end;
	long days;
	int fmt, gb18030;
	int events;		/* --events: read records, write events */
	unsigned incidents;
	uint32_t population;

	double cat_w[NCAT], chan_w[NCHAN], region_w[NREGION];
	double tag_w[NCOMPLAINT];
	/* Templates by (tag, language, category), as ranges of 'tix'. */
	uint16_t *tix;
	uint32_t tstart[NTAG][2][NCAT], tcount[NTAG][2][NCAT];

	struct sampler bg;
	uint64_t n_bg;
	int excluded_tag;	/* growth's tag, kept out of the background */

	struct {
		uint64_t n, nneg;
		int cat;
		uint32_t item;
		char sku[16];
	} sku;
	struct {
		uint64_t n;
		int region;
		fb_time_t since, until;
		struct sampler smp;
	} surge;
	struct {
		uint64_t n;
		int chan;
		fb_time_t since, until;
		struct sampler smp;
		char text[1024];
	} burst;
	struct {
		uint64_t n;
		int tag;
		double rate, per_day, months, total;
		fb_time_t since;	/* the rise starts; flat before */
		struct sampler smp;
	} growth;
	struct {
		int n, nitems;
		struct repeater who[MAX_REPEAT];
		struct repeat_item items[MAX_REPEAT * 3];
	} rep;

	iconv_t to_gb18030, to_gbk;
};

struct cust {
	uint32_t no;
	char id[16];
	int tier, a11y, en, region;
	double spend;
	/* name and e-mail, drawn with the rest, written out on demand */
	int sur, given, first, qq, domain, contact;
	long num;
	char name[48];		/* as the customer signs, zh or en */
	char email[64];
};

struct rec {
	uint64_t k;		/* position in the output */
	fb_time_t t;		/* as precise as the channel shows it */
	int chan, cat, kind, tag, lang, goods, rating, images, videos;
	struct cust cu;
	int region;
	const struct pname *prod;
	char order[24], sku[16], ref[64], appver[16];
	int dev, coupon, os, agent, duration, reposts, likes;
	char subject[256];
	struct sbuf text;
};

/* What a stream asks of a record; -1 (or 0, NULL) leaves it to chance. */
struct want {
	int chan, cat, kind, tag, lang, region, rated, nth;
	uint32_t cust;
	int has_item;
	uint32_t item;
	const char *order, *text;
};

static void
want_init(struct want *w)
{
	memset(w, 0, sizeof(*w));
	w->chan = w->cat = w->kind = w->tag = w->lang = w->region = -1;
	w->rated = -1;
}

/*---- Time samplers ----*/

typedef double weight_fn(const struct gen *g, fb_time_t slot);

static void
sampler_init(struct sampler *s, const struct gen *g, fb_time_t start,
    fb_time_t end, int64_t slot, weight_fn *fn)
{
	double acc = 0;
	size_t i;

	s->start = start;
	s->end = end;
	s->slot = slot;
	s->n = (size_t)((end - start + slot - 1) / slot);
	if (s->n == 0)
		s->n = 1;
	if ((s->cum = malloc(s->n * sizeof(*s->cum))) == NULL)
		fb_diex("out of memory");
	for (i = 0; i < s->n; i++) {
		fb_time_t a = start + (int64_t)i * slot;
		double w = fn(g, a);

		if (a + slot > end)
			w *= (double)(end - a) / (double)slot;
		acc += w > 0 ? w : 1e-9;
		s->cum[i] = acc;
	}
}

static fb_time_t
sampler_at(const struct sampler *s, double q)
{
	double target = q * s->cum[s->n - 1], prev, frac;
	size_t lo = 0, hi = s->n - 1;
	fb_time_t a, len, t;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->cum[mid] > target)
			hi = mid;
		else
			lo = mid + 1;
	}
	prev = lo > 0 ? s->cum[lo - 1] : 0;
	frac = s->cum[lo] > prev ? (target - prev) / (s->cum[lo] - prev) : 0;
	a = s->start + (int64_t)lo * s->slot;
	len = a + s->slot > s->end ? s->end - a : s->slot;
	t = a + (fb_time_t)(frac * (double)len);
	if (t >= s->end)
		t = s->end - 1;
	return t < s->start ? s->start : t;
}

static double
w_background(const struct gen *g, fb_time_t a)
{
	struct civil c;

	(void)g;
	civil_of(a, LOCAL_OFF_MS, &c);
	return hour_w[c.hour] * dow_w[c.dow];
}

static double
w_growth(const struct gen *g, fb_time_t a)
{
	if (a < g->growth.since)
		return w_background(g, a);
	return w_background(g, a) * xexp(g->growth.per_day *
	    (double)(a - g->growth.since) / (double)DAY_MS);
}

/* A surge rises and falls over its window, on top of the daily cycle. */
static double
w_surge(const struct gen *g, fb_time_t a)
{
	struct civil c;
	double x, span = (double)(g->surge.until - g->surge.since);

	civil_of(a, LOCAL_OFF_MS, &c);
	x = span > 0 ? (double)(a - g->surge.since) / span : 0.5;
	x = x > 0.5 ? 2 - 2 * x : 2 * x;	/* 0 at the ends, 1 midway */
	return hour_w[c.hour] * (1 + 3 * x);
}

/* A burst starts hard and fades: each five minutes 80% of the last. */
static double
w_burst(const struct gen *g, fb_time_t a)
{
	double w = 1;
	fb_time_t k;

	for (k = g->burst.since; k + 5 * 60000 <= a; k += 5 * 60000)
		w *= 0.8;
	return w;
}

/*---- Customers, products, orders ----*/

static uint32_t
in_repeat_set(const struct gen *g, uint32_t no)
{
	int i;

	for (i = 0; i < g->rep.n; i++)
		if (g->rep.who[i].cust == no)
			return 1;
	return 0;
}

/*
 * A customer number: a few frequent customers write often, most write
 * once or twice.  The planted repeat complainers are kept out, so what
 * --truth says about them stays exact.
 */
static uint32_t
pick_cust(const struct gen *g, struct rng *r)
{
	uint32_t no;

	do {
		if (rng_chance(r, 0.15))
			no = 1 + rng_below(r, g->population / 50 + 1);
		else
			no = 1 + rng_below(r, g->population);
	} while (in_repeat_set(g, no));
	return no;
}

static double
clampd(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Everything about customer 'no' follows from the seed and 'no'. */
static void
cust_make(const struct gen *g, uint32_t no, struct cust *c)
{
	static const double med[] = { 2600, 18000, 82000 };
	static const double sig[] = { 0.8, 0.4, 0.5 };
	static const double lo[] = { 30, 10000, 50000 };
	static const double hi[] = { 9999, 49999, 900000 };
	struct rng r;
	double u;

	rng_seed(&r, g->seed, 'C', no);
	c->no = no;
	put_u(put_s(c->id, "c-"), no, 6);
	u = rng_unit(&r);
	c->tier = u < 0.86 ? 0 : u < 0.97 ? 1 : 2;
	c->spend = clampd(med[c->tier] * xexp(sig[c->tier] * rng_normal(&r)),
	    lo[c->tier], hi[c->tier]);
	c->spend = (double)(long long)(c->spend * 100 + 0.5) / 100;
	c->a11y = rng_chance(&r, 0.01);
	c->en = rng_chance(&r, 0.2);
	c->region = (int)rng_weighted(&r, g->region_w, NREGION);
	c->sur = (int)rng_below(&r, NELEM(surnames));
	c->given = (int)rng_below(&r, NELEM(givennames));
	c->first = (int)rng_below(&r, NELEM(en_first));
	c->qq = !c->en && rng_chance(&r, 0.3);
	c->num = c->qq ? rng_range(&r, 10000000, 2999999999L) :
	    c->en ? (rng_chance(&r, 0.5) ? 0 : 88) : rng_range(&r, 1, 99);
	c->domain = (int)rng_below(&r, NELEM(mail_domains));
	c->contact = 0;
}

/* Writes out the customer's name and e-mail address. */
static void
cust_contact(struct cust *c)
{
	const char *first = en_first[c->first], *py = surnames[c->sur].py;

	if (c->contact)
		return;
	c->contact = 1;
	if (c->en) {
		snprintf(c->name, sizeof(c->name), "%s %c%s", first,
		    py[0] - 'a' + 'A', py + 1);
		snprintf(c->email, sizeof(c->email), "%c%s.%s%.0ld@%s",
		    first[0] - 'A' + 'a', first + 1, py, c->num,
		    mail_domains[c->domain]);
	} else {
		snprintf(c->name, sizeof(c->name), "%s%s", surnames[c->sur].zh,
		    givennames[c->given].zh);
		if (c->qq)
			snprintf(c->email, sizeof(c->email), "%ld@qq.com",
			    c->num);
		else
			snprintf(c->email, sizeof(c->email), "%s%s%ld@%s", py,
			    givennames[c->given].py, c->num,
			    mail_domains[c->domain]);
	}
}

/* SKU numbers look random but are fixed per seed: SKU-1xxxxxxx. */
static void
sku_name(const struct gen *g, int cat, uint32_t item, char out[16])
{
	uint32_t off = (uint32_t)(mix3(g->seed, 'K', (uint64_t)cat) % 1000000);

	put_u(put_s(out, "SKU-"), (10 + (unsigned)cat % 90) * 1000000u +
	    (item * 7919u + off) % 1000000u, 8);
}

static const struct pname *
sku_product(const struct gen *g, int cat, uint32_t item)
{
	uint64_t h = mix3(g->seed, 'P', (uint64_t)cat * 100000 + item);

	return &cats[cat].names[h % cats[cat].nnames];
}

/* A catalogue item, the popular ones far more often; never the planted SKU. */
static uint32_t
pick_item(const struct gen *g, int cat, struct rng *r)
{
	uint32_t item;

	do {
		double u = rng_unit(r);

		item = 1 + (uint32_t)(u * u * SKU_ITEMS);
	} while (g->sku.n > 0 && cat == g->sku.cat && item == g->sku.item);
	return item;
}

/* "O" and 15 digits: the local date the order was placed, then a serial. */
static void
order_id(fb_time_t placed, struct rng *r, char out[24])
{
	struct civil c;

	civil_of(placed, LOCAL_OFF_MS, &c);
	put_u(put_s(out, "O"), ((unsigned long long)(c.year % 100) * 10000 +
	    (unsigned long long)c.mon * 100 + (unsigned long long)c.day) *
	    1000000000ULL + rng_below(r, 1000000000), 15);
}

/* The app release a customer runs: one every two weeks, some lag behind. */
static void
app_version(fb_time_t t, struct rng *r, char out[16])
{
	long rel = (long)floor_div(t - 1704038400000LL, 14 * DAY_MS) -
	    (long)rng_below(r, 3);

	if (rel < 0)
		rel = 0;
	out = put_u(out, 7ULL + (unsigned long long)(rel / 26), 1);
	*out++ = '.';
	out = put_u(out, (unsigned long long)(rel % 26), 1);
	*out++ = '.';
	put_u(out, rng_below(r, 3), 1);
}

/*---- Texts ----*/

static void
index_templates(struct gen *g)
{
	size_t t, total = 0;
	int tag, lang, c;

	memset(g->tcount, 0, sizeof(g->tcount));
	for (t = 0; t < NTPL; t++)
		for (c = 0; c < NCAT; c++)
			if (tpls[t].mask & B(c)) {
				g->tcount[tpls[t].tag][tpls[t].lang][c]++;
				total++;
			}
	if ((g->tix = malloc((total + 1) * sizeof(*g->tix))) == NULL)
		fb_diex("out of memory");
	total = 0;
	for (tag = 0; tag < NTAG; tag++)
		for (lang = 0; lang < 2; lang++)
			for (c = 0; c < NCAT; c++) {
				g->tstart[tag][lang][c] = (uint32_t)total;
				total += g->tcount[tag][lang][c];
				g->tcount[tag][lang][c] = 0;
			}
	for (t = 0; t < NTPL; t++)
		for (c = 0; c < NCAT; c++)
			if (tpls[t].mask & B(c)) {
				int tg = tpls[t].tag, l = tpls[t].lang;
				uint32_t at = g->tstart[tg][l][c] +
				    g->tcount[tg][l][c]++;

				g->tix[at] = (uint16_t)t;
			}
}

static int
has_tpl(const struct gen *g, int tag, int lang, int cat)
{
	return g->tcount[tag][lang][cat] > 0;
}

/* A template for (tag, lang, cat), falling back to Chinese; NULL if none. */
static const char *
pick_tpl(const struct gen *g, int tag, int lang, int cat, struct rng *r)
{
	if (!has_tpl(g, tag, lang, cat))
		lang = 0;
	if (!has_tpl(g, tag, lang, cat))
		return NULL;
	return tpls[g->tix[g->tstart[tag][lang][cat] +
	    rng_below(r, g->tcount[tag][lang][cat])]].text;
}

/* A price that fits the category: 39.9, 129, 2499 ... */
static void
amount(int cat, struct rng *r, char *buf, size_t sz)
{
	double u = rng_unit(r);
	long v = cats[cat].price_lo +
	    (long)(u * u * (cats[cat].price_hi - cats[cat].price_lo));

	if (v < 100)
		snprintf(buf, sz, "%ld.9", v);
	else
		snprintf(buf, sz, "%ld", v / 10 * 10 + 9);
}

static void
expand(struct rec *rc, struct rng *r, struct sbuf *out, const char *tpl)
{
	const char *p = tpl, *q;
	char buf[64];

	if (p == NULL)
		return;
	while (*p != '\0') {
		size_t n;

		if (*p != '{' || (q = strchr(p, '}')) == NULL) {
			n = strcspn(p + 1, "{") + 1;
			sb_put(out, p, n);
			p += n;
			continue;
		}
		n = (size_t)(q - p - 1);
		buf[0] = '\0';
#define SLOT(name) (n == strlen(name) && memcmp(p + 1, name, n) == 0)
		if (SLOT("p"))
			sb_puts(out, rc->lang ? rc->prod->en : rc->prod->zh);
		else if (SLOT("d"))
			snprintf(buf, sizeof(buf), "%ld", rng_range(r, 2, 9));
		else if (SLOT("D"))
			snprintf(buf, sizeof(buf), "%ld", rng_range(r, 7, 30));
		else if (SLOT("m"))
			snprintf(buf, sizeof(buf), "%ld",
			    5 * rng_range(r, 6, 24));
		else if (SLOT("n"))
			snprintf(buf, sizeof(buf), "%ld", rng_range(r, 2, 5));
		else if (SLOT("a"))
			amount(rc->cat, r, buf, sizeof(buf));
		else if (SLOT("th") || SLOT("cp")) {
			if (rc->coupon < 0)
				rc->coupon = (int)rng_below(r, NELEM(coupons));
			snprintf(buf, sizeof(buf), "%d", SLOT("th") ?
			    coupons[rc->coupon].threshold :
			    coupons[rc->coupon].off);
		} else if (SLOT("c")) {
			const struct pname *c = &PICK(r, couriers);

			sb_puts(out, rc->lang ? c->en : c->zh);
		} else if (SLOT("v"))
			sb_puts(out, rc->appver);
		else if (SLOT("dev"))
			sb_puts(out, rc->lang ? devices[rc->dev].en :
			    devices[rc->dev].zh);
		else if (SLOT("o")) {
			if (rc->order[0] == '\0')
				order_id(rc->t - DAY_MS, r, buf);
			else
				snprintf(buf, sizeof(buf), "%s", rc->order);
		} else if (SLOT("city"))
			sb_puts(out, regions[rc->region].city);
#undef SLOT
		sb_puts(out, buf);
		p = q + 1;
	}
}

/* English sentences joined after a comma start lower case ("I" stays). */
static void
lower_first(char *s)
{
	if (s[0] >= 'A' && s[0] <= 'Z' &&
	    !(s[0] == 'I' && (s[1] == ' ' || s[1] == '\'')))
		s[0] = (char)(s[0] - 'A' + 'a');
}

static void
digits(struct rng *r, char *out, int n)
{
	int i;

	for (i = 0; i < n; i++)
		out[i] = (char)('0' + rng_below(r, 10));
	out[n] = '\0';
}

/* Personal data for --redact to find: all of it made up. */
static void
add_pii(struct rec *rc, struct rng *r, struct sbuf *b)
{
	static const char *const mob3[] = {
		"138", "139", "150", "151", "186", "187", "133", "177", "199",
		"159", "136", "189", "158", "135", "182"
	};
	static const char *const area[] = {
		"010", "021", "020", "0755", "0571", "028", "027", "025"
	};
	static const char *const idarea[] = {
		"110105", "310115", "440106", "440305", "330106", "510107",
		"420111", "320106"
	};
	static const int idw[17] = {
		7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2
	};
	char v[40], line[160];
	double u = rng_unit(r);
	int en = rc->lang;

	cust_contact(&rc->cu);
	if (u < 0.55) {
		snprintf(v, sizeof(v), "%s", PICK(r, mob3));
		digits(r, v + 3, 8);
		if (en)
			snprintf(line, sizeof(line), " Call me on %s.", v);
		else {
			static const char *const f[] = {
				"联系电话：%s", "我的手机号%s，请尽快联系我。",
				"有问题打我电话%s", "回电请打%s。"
			};
			snprintf(line, sizeof(line), PICK(r, f), v);
		}
	} else if (u < 0.70) {
		if (en)
			snprintf(line, sizeof(line), " Email me at %s.",
			    rc->cu.email);
		else
			snprintf(line, sizeof(line), rng_chance(r, 0.5) ?
			    "邮箱%s，请回复。" : "请发到我邮箱%s",
			    rc->cu.email);
	} else if (u < 0.85) {
		const char *a = PICK(r, area);

		snprintf(v, sizeof(v), "%s-%ld", a, rng_range(r, 2, 8));
		digits(r, v + strlen(v), strlen(a) == 3 ? 7 : 6);
		snprintf(line, sizeof(line), en ? " Office phone %s." :
		    "座机%s，白天都在。", v);
	} else if (u < 0.93) {
		int len = rng_chance(r, 0.7) ? 16 : 19, i, sum = 0;

		v[0] = '6';
		v[1] = '2';
		digits(r, v + 2, len - 3);
		/* Luhn check digit over the first len-1 digits */
		for (i = len - 2; i >= 0; i--) {
			int d = v[i] - '0';

			if ((len - 2 - i) % 2 == 0 && (d *= 2) > 9)
				d -= 9;
			sum += d;
		}
		v[len - 1] = (char)('0' + (10 - sum % 10) % 10);
		v[len] = '\0';
		snprintf(line, sizeof(line), en ? " Please refund to card %s." :
		    "退款请直接打到我的银行卡%s。", v);
	} else {
		int i, sum = 0;

		snprintf(v, sizeof(v), "%s%04ld%02ld%02ld", PICK(r, idarea),
		    rng_range(r, 1960, 2004), rng_range(r, 1, 12),
		    rng_range(r, 1, 28));
		digits(r, v + 14, 3);
		for (i = 0; i < 17; i++)
			sum += (v[i] - '0') * idw[i];
		v[17] = "10X98765432"[sum % 11];
		v[18] = '\0';
		snprintf(line, sizeof(line), en ? " My ID number is %s." :
		    "我的身份证号是%s，实名信息都对得上。", v);
	}
	sb_puts(b, line);
}

static const char *const emoji_neg[] = {
	"😡", "😤", "😭", "🤬", "💔", "👎", "🙄", "😓", "🤦‍♀️", "😠"
};
static const char *const emoji_pos[] = {
	"👍", "❤️", "😊", "🎉", "💯", "🥰", "👍🏻", "🌟", "😄"
};

/* A complaint tag that has a template for the item's language and category. */
static int
pick_complaint(const struct gen *g, const struct rec *rc, struct rng *r)
{
	int tries, tag;

	if (rc->cu.a11y && rng_chance(r, 0.3))
		return T_A11Y;
	for (tries = 0; tries < 60; tries++) {
		tag = (int)rng_weighted(r, g->tag_w, NCOMPLAINT);
		if (tag != g->excluded_tag &&
		    has_tpl(g, tag, rc->lang, rc->cat))
			return tag;
	}
	return T_SLOW;
}

static const char *const hotline_pre[] = {
	"客户来电反映：", "来电称：", "用户致电：", "客户来电，", ""
};
static const char *const hotline_note[] = {
	"诉求：尽快处理并回电。", "诉求：要求退款。", "诉求：要求补发。",
	"客户情绪激动，要求给个说法。", "已登记，转二线跟进。",
	"已安抚，承诺48小时内回复。"
};
static const char *const chat_hi[] = {
	"你好，", "在吗？", "客服你好，", "亲，", "您好，"
};
static const char *const mail_bye_zh[] = {
	"谢谢！", "盼复。", "请尽快处理，谢谢。", "麻烦尽快回复。"
};
static const char *const mail_bye_en[] = {
	"Thanks.", "Regards.", "Please get back to me soon."
};
static const char *const weibo_tags[] = { " #消费维权#", " #避雷#", " #差评#" };
static const char *const douyin_pre[] = {
	"家人们谁懂啊，", "真的会谢，", "姐妹们避雷！", "无语了，"
};

/* Writes 'words' into 'b' as the item's channel dresses them. */
static void
dress(struct rec *rc, struct rng *r, struct sbuf *words, struct sbuf *b)
{
	int zh = rc->lang == 0, neg = rc->kind == K_NEG || rc->kind == K_MIXED;

	b->len = 0;
	b->p[0] = '\0';
	switch (rc->chan) {
	case CH_HOTLINE:
		if (!zh)
			sb_puts(b, "Caller reports: ");
		else if (rc->kind == K_QUESTION)
			sb_puts(b, "客户咨询：");
		else
			sb_puts(b, PICK(r, hotline_pre));
		sb_puts(b, words->p);
		if (neg && zh && rng_chance(r, 0.3)) {
			sb_puts(b, "\n");
			sb_puts(b, PICK(r, hotline_note));
		}
		break;
	case CH_CHAT:
		if (rng_chance(r, 0.3)) {
			sb_puts(b, zh ? PICK(r, chat_hi) : "Hi, ");
			if (!zh)
				lower_first(words->p);
		}
		sb_puts(b, words->p);
		break;
	case CH_EMAIL:
		sb_puts(b, zh ? "您好：\n" : "Hello,\n\n");
		sb_puts(b, words->p);
		sb_puts(b, zh ? "\n" : "\n\n");
		sb_puts(b, zh ? PICK(r, mail_bye_zh) : PICK(r, mail_bye_en));
		break;
	case CH_WEIBO:
		if (zh && neg && rng_chance(r, 0.4))
			sb_puts(b, "@商城客服 ");
		sb_puts(b, words->p);
		if (zh && neg && rng_chance(r, 0.3))
			sb_puts(b, PICK(r, weibo_tags));
		else if (zh && rc->kind == K_PRAISE && rng_chance(r, 0.25))
			sb_puts(b, rng_chance(r, 0.5) ? " #好物分享#" :
			    " #真实测评#");
		break;
	case CH_DOUYIN:
		if (zh && rc->kind == K_NEG && rng_chance(r, 0.2))
			sb_puts(b, PICK(r, douyin_pre));
		sb_puts(b, words->p);
		break;
	case CH_REVIEW:
		sb_puts(b, words->p);
		if (zh && rc->kind == K_PRAISE && rng_chance(r, 0.1))
			sb_puts(b, rng_chance(r, 0.5) ?
			    "\n追评：用了一段时间，依然很满意。" :
			    "\n追评：回购了，品质稳定。");
		else if (zh && rc->kind == K_NEG && rng_chance(r, 0.1))
			sb_puts(b, "\n追评：联系商家也没解决，不会再买了。");
		break;
	default:
		sb_puts(b, words->p);
	}
}

static void
compose(const struct gen *g, struct rec *rc, struct rng *r,
    const struct want *w)
{
	struct sbuf *b = &rc->text, part;
	const char *t;
	int zh = rc->lang == 0, neg = rc->kind == K_NEG || rc->kind == K_MIXED;

	b->len = 0;
	b->p[0] = '\0';
	if (w->text != NULL) {
		sb_puts(b, w->text);
		return;
	}
	if (w->nth > 0) {
		static const char *const nth_zh[] = {
			"", "第二次", "第三次", "第四次"
		};

		if (zh)
			switch (rng_below(r, 3)) {
			case 0: sb_puts(b, "这是");
				sb_puts(b, nth_zh[w->nth > 3 ? 3 : w->nth]);
				sb_puts(b, "反映了，"); break;
			case 1: sb_puts(b, "上次投诉到现在还没解决，"); break;
			default: sb_puts(b, "又来反映同一个问题，"); break;
			}
		else
			sb_puts(b, rng_chance(r, 0.5) ?
			    "Second time reporting this: " :
			    "Still not resolved: ");
	}
	part.len = 0;
	part.p[0] = '\0';
	if (rc->kind == K_MIXED && rng_chance(r, 0.5) &&
	    (t = pick_tpl(g, T_PLEAD, rc->lang, rc->cat, r)) != NULL) {
		expand(rc, r, b, t);
		t = pick_tpl(g, rc->tag, rc->lang, rc->cat, r);
		expand(rc, r, &part, t);
		if (!zh)
			lower_first(part.p);
		sb_puts(b, part.p);
	} else {
		t = pick_tpl(g, rc->tag, rc->lang, rc->cat, r);
		expand(rc, r, b, t != NULL ? t : "……");
		if (rc->kind == K_MIXED &&
		    (t = pick_tpl(g, T_PTAIL, rc->lang, rc->cat, r)) != NULL) {
			if (!zh)
				sb_puts(b, " ");
			expand(rc, r, b, t);
		}
	}
	/* Some complaints name a second problem. */
	if (rc->kind == K_NEG && rng_chance(r, 0.1)) {
		int tag2 = (int)rng_weighted(r, g->tag_w, NCOMPLAINT);

		if (tag2 != rc->tag && tag2 != g->excluded_tag &&
		    tags[tag2].goods == tags[rc->tag].goods &&
		    (t = pick_tpl(g, tag2, rc->lang, rc->cat, r)) != NULL) {
			static const char *const join_zh[] = {
				"另外，", "还有，", "而且", "更离谱的是，", "\n"
			};
			static const char *const join_en[] = {
				" Also, ", " And ", "\n"
			};
			const char *j = zh ? PICK(r, join_zh) :
			    PICK(r, join_en);

			part.len = 0;
			part.p[0] = '\0';
			expand(rc, r, &part, t);
			if (!zh && j[0] != '\n')
				lower_first(part.p);
			sb_puts(b, j);
			sb_puts(b, part.p);
		}
	}
	{
		static const double pii[NCHAN] = {
			0.04, 0.04, 0.04, 0.08, 0.06, 0.08, 0.01, 0.01, 0.01
		};
		if (neg && rng_chance(r, pii[rc->chan]))
			add_pii(rc, r, b);
	}
	if (rng_chance(r, chans[rc->chan].emoji) &&
	    (rc->kind == K_NEG || rc->kind == K_PRAISE)) {
		const char *e = rc->kind == K_NEG ? PICK(r, emoji_neg) :
		    PICK(r, emoji_pos);

		sb_puts(b, e);
		if (rng_chance(r, 0.3))
			sb_puts(b, e);
	}

	/* How each channel dresses the words. */
	part = *b;
	dress(rc, r, &part, b);
}

/* The subject line of an e-mail. */
static void
make_subject(struct rec *rc, struct rng *r)
{
	const char *re = "", *what_zh = "消费维权";
	const char *what_en = "consumer complaint";
	int zh = rc->lang == 0;
	uint32_t k;

#define SUBJ(...) snprintf(rc->subject, sizeof(rc->subject), __VA_ARGS__)
	if (rc->tag < NCOMPLAINT) {
		what_zh = tags[rc->tag].zh;
		what_en = tags[rc->tag].en;
	}
	if (rng_chance(r, 0.1))
		re = zh ? "回复：" : "Re: ";
	switch (rc->kind) {
	case K_NEG:
	case K_MIXED:
		if (!zh) {
			if (rc->order[0] != '\0' && rng_chance(r, 0.5))
				SUBJ("%sProblem with order %s", re, rc->order);
			else
				SUBJ("%sComplaint: %s", re, what_en);
			break;
		}
		k = rng_below(r, 5);
		if (k == 1 && rc->order[0] == '\0')
			k = 2;
		switch (k) {
		case 0:
			SUBJ("%s投诉：%s", re, what_zh);
			break;
		case 1:
			SUBJ("%s订单%s%s", re, rc->order, what_zh);
			break;
		case 2:
			SUBJ("%s关于%s的投诉", re, rc->prod->zh);
			break;
		case 3:
			SUBJ("%s【紧急】%s，请尽快处理", re, what_zh);
			break;
		default:
			SUBJ("%s%s", re, what_zh);
		}
		break;
	case K_PRAISE:
		SUBJ("%s%s", re, !zh ? "Thank you!" :
		    rng_chance(r, 0.5) ? "表扬信" : "感谢你们的服务");
		break;
	case K_SUGGEST:
		SUBJ("%s%s", re, !zh ? "A suggestion" :
		    rng_chance(r, 0.5) ? "一点建议" : "产品改进建议");
		break;
	default:
		if (zh)
			SUBJ("%s咨询：%s", re, rc->prod->zh);
		else
			SUBJ("%sQuestion about %s", re, rc->prod->en);
	}
#undef SUBJ
}

/* Channel-side references: each channel numbers its items its own way. */
static void
make_ref(struct rec *rc, struct rng *r)
{
	unsigned long long k = rc->k, ymd;
	struct civil c;

	civil_of(rc->t, LOCAL_OFF_MS, &c);
	ymd = (unsigned long long)c.year * 10000 + (unsigned long long)c.mon *
	    100 + (unsigned long long)c.day;
	switch (rc->chan) {
	case CH_APP:
	case CH_WEB:
	case CH_MINI:
	case CH_CHAT:
		put_u(put_u(put_s(rc->ref, "TK"), ymd % 1000000, 6), k + 1, 8);
		break;
	case CH_HOTLINE:
		snprintf(rc->ref, sizeof(rc->ref), "CALL-%llu-%06llu", ymd,
		    k + 1);
		break;
	case CH_EMAIL:
		snprintf(rc->ref, sizeof(rc->ref),
		    "%llu%02d%02d%02d.%llu.%08x@%s", ymd, c.hour, c.min,
		    c.sec, k + 1, (unsigned)(rng_next(r) >> 32),
		    strchr(rc->cu.email, '@') + 1);
		break;
	case CH_WEIBO:
		put_u(rc->ref, 4800000000000000ULL + k * 1000 +
		    rng_below(r, 1000), 1);
		break;
	case CH_DOUYIN:
		put_u(rc->ref, 7300000000000000000ULL + k * 1000 +
		    rng_below(r, 1000), 1);
		break;
	default:
		put_u(rc->ref, 800000000000ULL + k * 11 + rng_below(r, 11), 1);
	}
}

static const struct pname *
any_product(int cat, struct rng *r)
{
	return &cats[cat].names[rng_below(r, (uint32_t)cats[cat].nnames)];
}

/*
 * Fills one record at time 't' from the PRNG 'r', as 'w' asks.  The order
 * of draws is fixed, so a record depends only on the seed, its stream and
 * its index there, and its place in the output.
 */
static void
fill_record(const struct gen *g, struct rec *rc, fb_time_t t, struct rng *r,
    const struct want *w)
{
	double u;

	rc->coupon = -1;
	cust_make(g, w->cust ? w->cust : pick_cust(g, r), &rc->cu);
	rc->chan = g->fmt == F_MBOX ? CH_EMAIL : w->chan >= 0 ? w->chan :
	    (int)rng_weighted(r, g->chan_w, NCHAN);
	/* Channels show time to the millisecond, second or minute. */
	switch (rc->chan) {
	case CH_APP:
	case CH_CHAT:
		rc->t = t;
		break;
	case CH_HOTLINE:
	case CH_REVIEW:
	case CH_WEIBO:
		rc->t = floor_div(t, 60000) * 60000;
		break;
	default:
		rc->t = floor_div(t, 1000) * 1000;
	}
	rc->lang = w->lang >= 0 ? w->lang :
	    rc->cu.en && rng_chance(r, chans[rc->chan].en) ? 1 : 0;
	rc->kind = w->kind >= 0 ? w->kind :
	    (int)rng_weighted(r, chans[rc->chan].kinds, NKIND);
	rc->cat = w->cat >= 0 ? w->cat : (int)rng_weighted(r, g->cat_w, NCAT);
	rc->region = w->region >= 0 ? w->region :
	    rng_chance(r, 0.9) ? rc->cu.region :
	    (int)rng_weighted(r, g->region_w, NREGION);
	rc->dev = (int)rng_below(r, NELEM(devices));
	app_version(rc->t, r, rc->appver);

	switch (rc->kind) {
	case K_NEG:
	case K_MIXED:
		rc->tag = w->tag >= 0 ? w->tag : pick_complaint(g, rc, r);
		break;
	case K_PRAISE: rc->tag = T_PRAISE; break;
	case K_SUGGEST: rc->tag = T_SUGGEST; break;
	default: rc->tag = T_QUESTION;
	}
	if (w->text != NULL)
		rc->tag = T_BURST;
	else if (!has_tpl(g, rc->tag, rc->lang, rc->cat))
		rc->lang = 0;	/* no English words for this one */
	if (w->has_item)
		rc->goods = 1;
	else if (w->text != NULL)
		rc->goods = 0;
	else {
		u = rng_unit(r);
		rc->goods = rc->kind == K_SUGGEST ? u < 0.3 :
		    rc->kind == K_PRAISE || rc->kind == K_QUESTION ? u < 0.85 :
		    tags[rc->tag].goods;
		if (is_social(rc->chan) && rng_chance(r, 0.65))
			rc->goods = 0;
		if (rc->chan == CH_REVIEW && rc->tag != T_A11Y)
			rc->goods = 1;
	}
	rc->order[0] = rc->sku[0] = '\0';
	if (rc->goods) {
		uint32_t item = w->has_item ? w->item :
		    pick_item(g, rc->cat, r);

		sku_name(g, rc->cat, item, rc->sku);
		rc->prod = sku_product(g, rc->cat, item);
		if (w->order != NULL)
			snprintf(rc->order, sizeof(rc->order), "%s", w->order);
		else
			order_id(rc->t - (rc->cat == C_DELIVERY ? 0 :
			    (int64_t)rng_below(r, 12) * DAY_MS), r, rc->order);
	} else
		rc->prod = any_product(rc->cat, r);

	compose(g, rc, r, w);

	rc->rating = 0;
	if (w->rated > 0 ? 1 : w->rated < 0 ?
	    rng_chance(r, chans[rc->chan].rated) : 0) {
		switch (rc->kind) {
		case K_NEG: rc->rating = rng_chance(r, 0.72) ? 1 : 2; break;
		case K_MIXED: rc->rating = 3; break;
		case K_PRAISE: rc->rating = rng_chance(r, 0.78) ? 5 : 4; break;
		case K_SUGGEST: rc->rating = (int)rng_range(r, 3, 4); break;
		default: rc->rating = (int)rng_range(r, 3, 5);
		}
	}
	rc->images = rc->videos = 0;
	if (rc->chan != CH_HOTLINE) {
		if (rc->kind == K_NEG && rc->goods && rng_chance(r, 0.35))
			rc->images = (int)rng_range(r, 1, 4);
		else if (rc->kind == K_PRAISE && rc->chan == CH_REVIEW &&
		    rng_chance(r, 0.3))
			rc->images = (int)rng_range(r, 1, 6);
		else if (rng_chance(r, 0.04))
			rc->images = 1;
		if (has_videos(rc->chan) && rng_chance(r, 0.03))
			rc->videos = 1;
	}
	rc->os = (int)rng_below(r, 3);
	rc->agent = (int)rng_range(r, 1, 240);
	rc->duration = (int)rng_range(r, 45, 1500);
	if (rc->kind == K_NEG) {
		u = rng_unit(r);
		rc->reposts = (int)(u * rng_unit(r) * 400);
	} else
		rc->reposts = (int)rng_below(r, 8);
	rc->likes = rc->reposts * 3 + (int)rng_below(r, 50);
	if (rc->chan == CH_EMAIL)
		cust_contact(&rc->cu);
	make_ref(rc, r);
	rc->subject[0] = '\0';
	if (rc->chan == CH_EMAIL)
		make_subject(rc, r);
}

/*---- The plan: what incidents to plant, where and how big ----*/

static void
fmt_dec(char *buf, size_t sz, double v, int decimals)
{
	size_t n;

	snprintf(buf, sz, "%.*f", decimals, v);
	if (strchr(buf, '.') == NULL)
		return;
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
}

static uint64_t
clampu(uint64_t v, uint64_t lo, uint64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/*
 * Sizes the incidents from --count: each a few percent of it with a floor
 * that makes it visible, all together at most a quarter of it.  They take
 * their records from --count; when the quarter is too small, they shrink
 * and the ones too small to find are left out.
 */
static void
plan_sizes(struct gen *g, int counts[MAX_REPEAT], int *ncust)
{
	uint64_t n = g->count, want[NINC] = { 0 }, total = 0, cap = n / 4, keep;
	double f = 1;
	struct rng r;
	int i;

	*ncust = 0;
	if (g->incidents & (1u << I_SKU))
		want[I_SKU] = n * 3 / 100 > 20 ? n * 3 / 100 : 20;
	if (g->incidents & (1u << I_SURGE))
		want[I_SURGE] = n * 25 / 1000 > 20 ? n * 25 / 1000 : 20;
	if (g->incidents & (1u << I_BURST))
		want[I_BURST] = clampu(n * 15 / 1000, 12, 300);
	if (g->incidents & (1u << I_GROWTH))
		want[I_GROWTH] = n * 3 / 100 > 20 ? n * 3 / 100 : 20;
	if (g->incidents & (1u << I_REPEAT)) {
		rng_seed(&r, g->seed, 'L', 100);
		*ncust = (int)clampu(n / 2000, 3, MAX_REPEAT);
		for (i = 0; i < *ncust; i++) {
			counts[i] = rng_chance(&r, 0.3) ? 3 : 2;
			want[I_REPEAT] += (uint64_t)counts[i];
		}
	}
	for (i = 0; i < NINC; i++)
		total += want[i];
	if (total > cap)
		f = total > 0 ? (double)cap / (double)total : 0;
	g->sku.n = (uint64_t)((double)want[I_SKU] * f);
	g->surge.n = (uint64_t)((double)want[I_SURGE] * f);
	g->burst.n = (uint64_t)((double)want[I_BURST] * f);
	g->growth.n = (uint64_t)((double)want[I_GROWTH] * f);
	if (g->sku.n < 8)
		g->sku.n = 0;
	if (g->surge.n < 8)
		g->surge.n = 0;
	if (g->burst.n < 4)
		g->burst.n = 0;
	if (g->growth.n < 8)
		g->growth.n = 0;
	keep = (uint64_t)((double)want[I_REPEAT] * f);
	for (total = 0, i = 0; i < *ncust; i++) {
		if (total + (uint64_t)counts[i] > keep)
			break;
		total += (uint64_t)counts[i];
	}
	*ncust = i;
}

static void
plan_sku(struct gen *g)
{
	static const int sku_cats[] = {
		C_ELECTRONICS, C_APPLIANCES, C_BEAUTY, C_BABY, C_HOME,
		C_APPAREL, C_SPORTS
	};
	struct rng r;

	rng_seed(&r, g->seed, 'L', I_SKU);
	g->sku.cat = PICK(&r, sku_cats);
	g->sku.item = 3 + rng_below(&r, 20);
	sku_name(g, g->sku.cat, g->sku.item, g->sku.sku);
	g->sku.nneg = (g->sku.n * 7 + 5) / 10;
}

/* 36 hours from 08:00 of a day in the middle three fifths of the span. */
static void
plan_surge(struct gen *g)
{
	struct rng r;
	fb_time_t s;
	long d;

	rng_seed(&r, g->seed, 'L', I_SURGE);
	do
		g->surge.region = (int)rng_weighted(&r, g->region_w, NREGION);
	while (regions[g->surge.region].weight < 2);
	g->surge.since = g->since;
	g->surge.until = g->end;
	if (g->days >= 3) {
		d = g->days / 5 +
		    (long)rng_below(&r, (uint32_t)(g->days * 3 / 5));
		s = local_midnight(g->since) + d * DAY_MS + 8 * HOUR_MS;
		if (s < g->since)
			s += DAY_MS;
		g->surge.since = s;
		if (s + 36 * HOUR_MS < g->end)
			g->surge.until = s + 36 * HOUR_MS;
	}
	sampler_init(&g->surge.smp, g, g->surge.since, g->surge.until,
	    HOUR_MS, w_surge);
}

/* An hour starting between 09:00 and 22:00 on some day of the span. */
static void
plan_burst(struct gen *g)
{
	struct rec *tmp;
	struct sbuf *sb;
	struct rng r;
	fb_time_t s;
	int cat;

	rng_seed(&r, g->seed, 'L', I_BURST);
	g->burst.chan = rng_chance(&r, 0.7) ? CH_WEIBO : CH_DOUYIN;
	s = local_midnight(g->since) +
	    (int64_t)rng_below(&r, (uint32_t)g->days) * DAY_MS +
	    (9 + (int64_t)rng_below(&r, 13)) * HOUR_MS +
	    (int64_t)rng_below(&r, 60) * 60000;
	if (s < g->since)
		s = floor_div(g->since + 59999, 60000) * 60000;
	if (s + HOUR_MS > g->end)
		s = g->end - HOUR_MS;
	g->burst.since = s;
	g->burst.until = s + HOUR_MS;
	if ((tmp = calloc(1, sizeof(*tmp))) == NULL ||
	    (sb = calloc(1, sizeof(*sb))) == NULL)
		fb_diex("out of memory");
	do
		cat = (int)rng_weighted(&r, g->cat_w, NCAT);
	while (!has_tpl(g, T_BURST, 0, cat));
	tmp->cat = cat;
	tmp->coupon = -1;
	tmp->prod = any_product(cat, &r);
	expand(tmp, &r, sb, pick_tpl(g, T_BURST, 0, cat, &r));
	sb->p[sizeof(g->burst.text) - 1] = '\0';
	memcpy(g->burst.text, sb->p, sizeof(g->burst.text));
	free(sb);
	free(tmp);
	sampler_init(&g->burst.smp, g, g->burst.since, g->burst.until,
	    5 * 60000, w_burst);
}

static void
plan_growth(struct gen *g)
{
	static const int growth_tags[] = {
		T_CRASH, T_PERF, T_LOGIN, T_COUPON, T_BOT
	};
	long days = g->days > 180 ? 180 : g->days;
	double rate;
	struct rng r;

	rng_seed(&r, g->seed, 'L', I_GROWTH);
	g->growth.tag = PICK(&r, growth_tags);
	/*
	 * The rise spans the last six months at most, flat before.  Spans
	 * shorter than three months rise as much as three months of 15%
	 * would (52%), so that the trend is there to find.
	 */
	g->growth.since = g->end - days * DAY_MS;
	g->growth.months = (double)days / 30.0;
	rate = days >= 90 ? 0.15 :
	    xexp(30.0 / (double)days * xlog(1.15 * 1.15 * 1.15)) - 1;
	g->growth.rate = (double)(long long)(rate * 1000 + 0.5) / 1000;
	g->growth.per_day = xlog(1 + g->growth.rate) / 30;
	g->growth.total = xexp(g->growth.months * xlog(1 + g->growth.rate)) - 1;
	g->excluded_tag = g->growth.tag;
	sampler_init(&g->growth.smp, g, g->since, g->end, HOUR_MS, w_growth);
}

/* Customer 'i' complains 'count' times about one order, days apart. */
static void
plan_repeater(struct gen *g, struct rng *r, int i, int count)
{
	static const int repeat_tags[] = {
		T_DELAY, T_LOST, T_REFUND, T_DEFECT, T_MISSING, T_BILLING,
		T_AFTERSALES
	};
	struct repeater *who = &g->rep.who[i];
	fb_time_t t, prev = 0;
	uint32_t no;
	int j;

	do
		no = 1 + rng_below(r, g->population);
	while (in_repeat_set(g, no));
	who->cust = no;
	who->tag = PICK(r, repeat_tags);
	do
		who->cat = (int)rng_weighted(r, g->cat_w, NCAT);
	while (!has_tpl(g, who->tag, 0, who->cat));
	who->item = pick_item(g, who->cat, r);
	who->count = count;
	t = sampler_at(&g->bg, rng_unit(r) * 0.75);
	t = floor_div(t, 1000) * 1000;
	order_id(t - (int64_t)rng_below(r, 5) * DAY_MS, r, who->order);
	for (j = 0; j < count; j++) {
		struct repeat_item *it = &g->rep.items[g->rep.nitems++];

		if (j > 0) {
			t = prev + (1 + (int64_t)rng_below(r, 3)) * DAY_MS +
			    (int64_t)rng_below(r, 12) * HOUR_MS;
			if (t >= g->end)
				t = floor_div(prev + (g->end - prev) / 2,
				    1000) * 1000;
		}
		it->t = prev = t;
		it->who = i;
		it->nth = j;
	}
	g->rep.n = i + 1;
}

static void
plan(struct gen *g)
{
	int counts[MAX_REPEAT], ncust, i, j;
	struct rng r;

	g->excluded_tag = -1;
	sampler_init(&g->bg, g, g->since, g->end, HOUR_MS, w_background);
	plan_sizes(g, counts, &ncust);
	/*
	 * Each incident draws from its own generator, so --incidents sku
	 * plants the same SKU as --incidents all.  The SKU comes first:
	 * pick_item() keeps everything else off it.
	 */
	if (g->sku.n > 0)
		plan_sku(g);
	if (g->surge.n > 0)
		plan_surge(g);
	if (g->burst.n > 0)
		plan_burst(g);
	if (g->growth.n > 0)
		plan_growth(g);
	rng_seed(&r, g->seed, 'L', I_REPEAT);
	for (i = 0; i < ncust; i++)
		plan_repeater(g, &r, i, counts[i]);
	/* in time order; insertion sort keeps ties as planned */
	for (i = 1; i < g->rep.nitems; i++) {
		struct repeat_item it = g->rep.items[i];

		for (j = i; j > 0 && g->rep.items[j - 1].t > it.t; j--)
			g->rep.items[j] = g->rep.items[j - 1];
		g->rep.items[j] = it;
	}
	g->n_bg = g->count - g->sku.n - g->surge.n - g->burst.n -
	    g->growth.n - (uint64_t)g->rep.nitems;
}

static void
jw_knum(struct jw *w, const char *key, double v, int decimals)
{
	char buf[64];

	fmt_dec(buf, sizeof(buf), v, decimals);
	jw_key(w, key);
	fb_buf_adds(w->b, buf);
}

static void
jw_kts(struct jw *w, const char *key, fb_time_t t)
{
	char buf[FB_TIME_BUFSZ];

	fb_time_format(t, buf);
	jw_kstr(w, key, buf);
}

/* One NDJSON line per planted incident. */
static void
write_truth(const struct gen *g, const char *path)
{
	struct fb_buf b = { NULL, 0, 0, 0 };
	struct jw w;
	FILE *fp;
	int i;

	if ((fp = fopen(path, "w")) == NULL)
		fb_die("cannot open '%s'", path);
	fb_buf_adds(&b, "");
	if (g->sku.n > 0) {
		jw_open(&w, &b, 0, 0);
		jw_kstr(&w, "incident", "sku");
		jw_kstr(&w, "sku", g->sku.sku);
		jw_kstr(&w, "product_category", cats[g->sku.cat].id);
		jw_kstr(&w, "product",
		    sku_product(g, g->sku.cat, g->sku.item)->zh);
		jw_knum(&w, "negative_rate",
		    (double)g->sku.nneg / (double)g->sku.n, 3);
		jw_kint(&w, "negative", (long long)g->sku.nneg);
		jw_kint(&w, "count", (long long)g->sku.n);
		jw_close(&w);
		fb_buf_addc(&b, '\n');
	}
	if (g->surge.n > 0) {
		jw_open(&w, &b, 0, 0);
		jw_kstr(&w, "incident", "surge");
		jw_kstr(&w, "province", regions[g->surge.region].province);
		jw_kstr(&w, "city", regions[g->surge.region].city);
		jw_kstr(&w, "category", "logistics");
		jw_kts(&w, "since", g->surge.since);
		jw_kts(&w, "until", g->surge.until);
		jw_kint(&w, "count", (long long)g->surge.n);
		jw_close(&w);
		fb_buf_addc(&b, '\n');
	}
	if (g->burst.n > 0) {
		jw_open(&w, &b, 0, 0);
		jw_kstr(&w, "incident", "burst");
		jw_kstr(&w, "channel", chans[g->burst.chan].id);
		jw_kts(&w, "since", g->burst.since);
		jw_kts(&w, "until", g->burst.until);
		jw_kint(&w, "count", (long long)g->burst.n);
		jw_kstr(&w, "text", g->burst.text);
		jw_close(&w);
		fb_buf_addc(&b, '\n');
	}
	if (g->growth.n > 0) {
		jw_open(&w, &b, 0, 0);
		jw_kstr(&w, "incident", "growth");
		jw_kstr(&w, "tag", tags[g->growth.tag].id);
		jw_knum(&w, "monthly_growth", g->growth.rate, 3);
		jw_knum(&w, "months", g->growth.months, 2);
		jw_knum(&w, "total_growth", g->growth.total, 3);
		jw_kts(&w, "since", g->growth.since);
		jw_kts(&w, "until", g->end);
		jw_kint(&w, "count", (long long)g->growth.n);
		jw_close(&w);
		fb_buf_addc(&b, '\n');
	}
	for (i = 0; i < g->rep.n; i++) {
		char id[16];
		int j;
		fb_time_t first = 0, last = 0;

		for (j = 0; j < g->rep.nitems; j++)
			if (g->rep.items[j].who == i) {
				if (g->rep.items[j].nth == 0)
					first = g->rep.items[j].t;
				last = g->rep.items[j].t;
			}
		put_u(put_s(id, "c-"), g->rep.who[i].cust, 6);
		jw_open(&w, &b, 0, 0);
		jw_kstr(&w, "incident", "repeat");
		jw_kstr(&w, "customer", id);
		jw_kstr(&w, "tag", tags[g->rep.who[i].tag].id);
		jw_kstr(&w, "order_id", g->rep.who[i].order);
		jw_kts(&w, "since", first);
		jw_kts(&w, "until", last);
		jw_kint(&w, "count", g->rep.who[i].count);
		jw_close(&w);
		fb_buf_addc(&b, '\n');
	}
	if (b.err)
		fb_diex("out of memory");
	if (fwrite(b.p, 1, b.len, fp) != b.len || fflush(fp) != 0)
		fb_die("cannot write '%s'", path);
	if (fclose(fp) != 0)
		fb_die("cannot write '%s'", path);
	fb_buf_release(&b);
}

/*---- Streams ----*/

struct stream {
	int kind;
	uint64_t n, i;
	const struct sampler *smp;
	fb_time_t t;
	struct rng rng;
};

/*
 * Stratified times: item i of n falls in the i-th n-quantile of the
 * stream's density, so each stream comes out in time order and the merge
 * needs no buffer.
 */
static void
stream_peek(const struct gen *g, struct stream *s)
{
	if (s->i >= s->n)
		return;
	rng_seed(&s->rng, g->seed, 0x100 + (uint64_t)s->kind, s->i);
	if (s->kind == S_REPEAT)
		s->t = g->rep.items[s->i].t;
	else
		s->t = sampler_at(s->smp, ((double)s->i + rng_unit(&s->rng)) /
		    (double)s->n);
}

/* Copy 'j' of the burst: the same words with a small edit or two. */
static void
burst_copy(const struct gen *g, uint64_t j, struct rng *r, char *out, size_t sz)
{
	static const char *const pre[] = {
		"转发微博：", "+1 ", "同样遇到了！", "我也是！", "【避雷】",
		"//"
	};
	static const char *const suf[] = {
		" #避雷#", " #消费维权#", "😡", "😡😡", "！！", " 求扩散",
		" 转起来"
	};
	const char *p = "", *s = "";
	char body[1024], *x;
	int e, nedit;
	size_t n;

	snprintf(body, sizeof(body), "%s", g->burst.text);
	if (j > 0)
		for (nedit = 1 + (int)rng_below(r, 2), e = 0; e < nedit; e++)
			switch (rng_below(r, 4)) {
			case 0: p = PICK(r, pre); break;
			case 1: s = PICK(r, suf); break;
			case 2:
				/* a full-width "！" (3 bytes) made "!" */
				if ((x = strstr(body, "！")) != NULL) {
					*x = '!';
					memmove(x + 1, x + 3,
					    strlen(x + 3) + 1);
				}
				break;
			default:
				n = strlen(body);
				if (n > 3 && strcmp(body + n - 3, "！") == 0)
					body[n - 3] = '\0';
			}
	snprintf(out, sz, "%s%s%s", p, body, s);
}

static void
make_record(const struct gen *g, struct stream *s, uint64_t k, struct rec *rc)
{
	static const double sku_tags_w[] = { 50, 25, 15, 10 };
	static const int sku_tags[] = {
		T_DEFECT, T_NAD, T_AFTERSALES, T_VALUE
	};
	static const double sku_kinds[NKIND] = { 0, 20, 70, 0, 10 };
	static const double surge_w[] = { 55, 15, 15, 10, 5 };
	static const int surge_tags[] = {
		T_DELAY, T_LOST, T_TRACKING, T_DAMAGED, T_COURIER
	};
	static const double surge_ch_w[] = { 35, 25, 25, 15 };
	static const int surge_ch[] = { CH_APP, CH_CHAT, CH_HOTLINE, CH_MINI };
	static const double growth_ch_w[] = { 50, 25, 10, 15 };
	static const int growth_ch[] = { CH_APP, CH_MINI, CH_WEB, CH_CHAT };
	static const int first_ch[] = { CH_APP, CH_CHAT, CH_MINI, CH_WEB };
	static const int again_ch[] = { CH_HOTLINE, CH_CHAT, CH_APP, CH_EMAIL };
	struct rng *r = &s->rng;
	char text[1200];
	struct want w;
	double u;

	want_init(&w);
	rc->k = k;
	switch (s->kind) {
	case S_SKU: {
		uint64_t j = s->i, n = g->sku.n, neg = g->sku.nneg;

		w.cat = g->sku.cat;
		w.has_item = 1;
		w.item = g->sku.item;
		w.rated = 1;
		u = rng_unit(r);
		w.chan = u < 0.7 ? CH_REVIEW : u < 0.9 ? CH_APP : CH_MINI;
		/* exactly 'neg' of the 'n' items are negative, spread evenly */
		w.kind = (j + 1) * neg / n > j * neg / n ? K_NEG :
		    (int)rng_weighted(r, sku_kinds, NKIND);
		if (w.kind == K_NEG || w.kind == K_MIXED)
			w.tag = sku_tags[rng_weighted(r, sku_tags_w,
			    NELEM(sku_tags_w))];
		break;
	}
	case S_SURGE: {
		int cand[NREGION], nc = 0;
		size_t i;

		const char *city = regions[g->surge.region].city;

		for (i = 0; i < NREGION; i++)
			if (strcmp(regions[i].city, city) == 0)
				cand[nc++] = (int)i;
		/* cppcheck-suppress uninitvar ; the surge city is a region's */
		w.region = cand[rng_below(r, (uint32_t)nc)];
		do
			w.cat = (int)rng_weighted(r, g->cat_w, NCAT);
		while (!(M_SHIP & B(w.cat)));
		w.kind = K_NEG;
		w.tag = surge_tags[rng_weighted(r, surge_w, NELEM(surge_w))];
		w.chan = surge_ch[rng_weighted(r, surge_ch_w,
		    NELEM(surge_ch_w))];
		break;
	}
	case S_BURST:
		burst_copy(g, s->i, r, text, sizeof(text));
		w.text = text;
		w.chan = g->burst.chan;
		w.kind = K_NEG;
		w.lang = 0;
		w.rated = 0;
		break;
	case S_GROWTH:
		w.kind = K_NEG;
		w.tag = g->growth.tag;
		w.chan = growth_ch[rng_weighted(r, growth_ch_w,
		    NELEM(growth_ch_w))];
		break;
	case S_REPEAT: {
		const struct repeat_item *it = &g->rep.items[s->i];

		w.cust = g->rep.who[it->who].cust;
		w.kind = K_NEG;
		w.tag = g->rep.who[it->who].tag;
		w.cat = g->rep.who[it->who].cat;
		w.has_item = 1;
		w.item = g->rep.who[it->who].item;
		w.order = g->rep.who[it->who].order;
		w.nth = it->nth;
		w.chan = it->nth == 0 ? PICK(r, first_ch) : PICK(r, again_ch);
		break;
	}
	default:
		break;
	}
	fill_record(g, rc, s->t, r, &w);
}

/*---- Output ----*/

struct out {
	struct gen *g;
	struct fb_buf line, conv, tmp, body, html;
	uint64_t written;
};

static const char *
ref_key(int chan)
{
	switch (chan) {
	case CH_HOTLINE: return "call_id";
	case CH_EMAIL: return "message_id";
	case CH_WEIBO:
	case CH_DOUYIN: return "id";
	case CH_REVIEW: return "review_id";
	default: return "ticket_id";
	}
}

enum { LT_SLASH, LT_DASH, LT_RFC3339, LT_RFC5322, LT_CHINESE, LT_DOT };

/* How each channel's export writes local times (not app, douyin, chat). */
static const int time_form[NCHAN] = {
	[CH_WEB] = LT_RFC3339, [CH_MINI] = LT_DASH, [CH_EMAIL] = LT_RFC5322,
	[CH_HOTLINE] = LT_SLASH, [CH_WEIBO] = LT_CHINESE, [CH_REVIEW] = LT_DOT,
};

/* China time in the forms exports use. */
static void
local_str(fb_time_t t, int form, char *buf, size_t sz)
{
	struct civil c;

	civil_of(t, LOCAL_OFF_MS, &c);
	switch (form) {
	case LT_SLASH:
	case LT_DASH: {
		char *p = buf, sep = form == LT_SLASH ? '/' : '-';

		p = put_u(p, (unsigned)c.year, 4);
		*p++ = sep;
		p = put_u(p, (unsigned)c.mon, 2);
		*p++ = sep;
		p = put_u(p, (unsigned)c.day, 2);
		*p++ = ' ';
		p = put_u(p, (unsigned)c.hour, 2);
		*p++ = ':';
		p = put_u(p, (unsigned)c.min, 2);
		if (form == LT_DASH) {
			*p++ = ':';
			put_u(p, (unsigned)c.sec, 2);
		}
		break;
	}
	case LT_RFC3339:
		snprintf(buf, sz, "%04d-%02d-%02dT%02d:%02d:%02d+08:00", c.year,
		    c.mon, c.day, c.hour, c.min, c.sec);
		break;
	case LT_RFC5322:
		snprintf(buf, sz, "%s, %d %s %04d %02d:%02d:%02d +0800",
		    dow_abbr[c.dow], c.day, mon_abbr[c.mon - 1], c.year, c.hour,
		    c.min, c.sec);
		break;
	case LT_CHINESE:
		snprintf(buf, sz, "%04d年%02d月%02d日 %02d:%02d", c.year, c.mon,
		    c.day, c.hour, c.min);
		break;
	default:
		snprintf(buf, sz, "%04d.%02d.%02d %02d:%02d", c.year, c.mon,
		    c.day, c.hour, c.min);
	}
}

/*
 * The text on one line, as fb-ingest stores it: line breaks and runs of
 * spaces made one space.
 */
static void
one_line(const char *s, struct fb_buf *o)
{
	int space = 0;

	o->len = 0;
	fb_buf_adds(o, "");
	while (*s != '\0') {
		size_t n = strcspn(s, "\n\r \t");

		if (n == 0) {
			space = o->len > 0;
			s++;
			continue;
		}
		if (space)
			fb_buf_addc(o, ' ');
		space = 0;
		fb_buf_add(o, s, n);
		s += n;
	}
}

static const char *const os_names[] = {
	"iOS 17.5", "Android 14", "HarmonyOS 4.2"
};

/* The raw object a channel's export holds (ndjson and json formats). */
static void
put_raw(const struct rec *rc, struct fb_buf *b, int pretty, int base)
{
	const struct region *rg = &regions[rc->region];
	static const char *const flags[] = { "accessibility" };
	char buf[96];
	struct jw w;

	jw_open(&w, b, pretty, base);
	jw_kstr(&w, ref_key(rc->chan), rc->ref);
	switch (rc->chan) {
	case CH_APP:
		jw_kint(&w, "created_at", (long long)rc->t);
		break;
	case CH_DOUYIN:
		jw_kint(&w, "created_at", (long long)(rc->t / 1000));
		break;
	case CH_CHAT:
		fb_time_format(rc->t, buf);
		jw_kstr(&w, "created_at", buf);
		break;
	default:
		local_str(rc->t, time_form[rc->chan], buf, sizeof(buf));
		jw_kstr(&w, "created_at", buf);
	}
	jw_kstr(&w, "channel", chans[rc->chan].id);
	jw_kstr(&w, "user_id", rc->cu.id);
	if (!is_social(rc->chan)) {
		jw_kstr(&w, "tier", tiers[rc->cu.tier]);
		jw_kmoney(&w, "annual_spend", rc->cu.spend);
		if (rc->cu.a11y)
			jw_karr_str(&w, "user_tags", flags, 1);
	}
	if (rc->goods) {
		jw_kstr(&w, "order_id", rc->order);
		jw_kstr(&w, "sku", rc->sku);
		jw_kstr(&w, "category", cats[rc->cat].id);
	}
	jw_kstr(&w, "province", rg->province);
	jw_kstr(&w, "city", rg->city);
	if (!is_social(rc->chan))
		jw_kstr(&w, "district", rg->district);
	if (rc->rating > 0)
		jw_kint(&w, "rating", rc->rating);
	if (rc->chan == CH_EMAIL) {
		jw_kstr(&w, "from", rc->cu.email);
		jw_kstr(&w, "subject", rc->subject);
	}
	jw_kstr(&w, "content", rc->text.p);
	if (rc->chan != CH_HOTLINE)
		jw_kint(&w, "images", rc->images);
	if (has_videos(rc->chan))
		jw_kint(&w, "videos", rc->videos);
	switch (rc->chan) {
	case CH_APP:
		jw_kstr(&w, "app_version", rc->appver);
		jw_kstr(&w, "os", os_names[rc->os]);
		break;
	case CH_HOTLINE:
		jw_kint(&w, "duration_s", rc->duration);
		/* FALLTHROUGH */
	case CH_CHAT:
		snprintf(buf, sizeof(buf), "a%03d", rc->agent);
		jw_kstr(&w, "agent", buf);
		break;
	case CH_WEIBO:
		jw_kint(&w, "reposts", rc->reposts);
		jw_kint(&w, "likes", rc->likes);
		break;
	case CH_DOUYIN:
		jw_kint(&w, "digg_count", rc->likes);
		break;
	}
	jw_close(&w);
}

/* The record fb-ingest would make of the item (DESIGN.md 2). */
static void
put_record(struct out *o, const struct rec *rc, struct fb_buf *b)
{
	const struct region *rg = &regions[rc->region];
	static const char *const flags[] = { "accessibility" };
	char buf[FB_TIME_BUFSZ + 8];
	struct jw w;

	/* the id fb-ingest gives the raw item: by channel and ref */
	fb_feedback_id(chans[rc->chan].id, rc->ref, NULL, NULL, NULL, 0, buf);
	jw_open(&w, b, 0, 0);
	jw_kstr(&w, "id", buf);
	fb_time_format(rc->t, buf);
	jw_kstr(&w, "ts", buf);
	jw_kstr(&w, "channel", chans[rc->chan].id);
	jw_kobj(&w, "source");
	jw_kstr(&w, "file", "fb-gen");
	jw_kint(&w, "line", (long long)rc->k + 1);
	jw_kstr(&w, "ref", rc->ref);
	jw_close(&w);
	jw_kobj(&w, "customer");
	jw_kstr(&w, "id", rc->cu.id);
	if (!is_social(rc->chan)) {
		jw_kstr(&w, "tier", tiers[rc->cu.tier]);
		jw_kmoney(&w, "annual_spend", rc->cu.spend);
		if (rc->cu.a11y)
			jw_karr_str(&w, "flags", flags, 1);
	}
	jw_close(&w);
	if (rc->goods) {
		jw_kstr(&w, "order_id", rc->order);
		jw_kstr(&w, "sku", rc->sku);
		jw_kstr(&w, "product_category", cats[rc->cat].id);
	}
	jw_kobj(&w, "region");
	jw_kstr(&w, "province", rg->province);
	jw_kstr(&w, "city", rg->city);
	if (!is_social(rc->chan))
		jw_kstr(&w, "district", rg->district);
	jw_close(&w);
	one_line(rc->text.p, &o->tmp);
	jw_key(&w, "text");
	jw_str(&w, o->tmp.p, o->tmp.len);
	jw_kstr(&w, "lang", rc->lang ? "en" : "zh");
	if (rc->rating > 0)
		jw_kint(&w, "rating", rc->rating);
	/* the counts the channel's export carries */
	if (rc->chan != CH_HOTLINE) {
		jw_kobj(&w, "attachments");
		jw_kint(&w, "images", rc->images);
		if (has_videos(rc->chan))
			jw_kint(&w, "videos", rc->videos);
		jw_close(&w);
	}
	jw_close(&w);
}

/* Converts 'n' bytes of UTF-8 with 'cd' into 'o'; returns -1 when it cannot. */
static int
conv(iconv_t cd, const char *s, size_t n, struct fb_buf *o)
{
	char *in = (char *)s, *outp;
	size_t inl = n, outl, rc;

	o->len = 0;
	fb_buf_grow(o, n * 2 + 16);
	iconv(cd, NULL, NULL, NULL, NULL);
	for (;;) {
		outp = o->p + o->len;
		outl = o->cap - o->len - 1;
		rc = iconv(cd, &in, &inl, &outp, &outl);
		o->len = (size_t)(outp - o->p);
		if (rc != (size_t)-1)
			break;
		if (errno != E2BIG)
			return -1;
		fb_buf_grow(o, o->cap);
	}
	o->p[o->len] = '\0';
	return 0;
}

/* RFC 4180: quote a field holding the separator, a quote, CR or LF. */
static void
csv_field(struct fb_buf *b, const char *s, char sep)
{
	if (strchr(s, sep) == NULL && strpbrk(s, "\"\r\n") == NULL) {
		fb_buf_adds(b, s);
		return;
	}
	fb_buf_addc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fb_buf_addc(b, '"');
		fb_buf_addc(b, *s);
	}
	fb_buf_addc(b, '"');
}

static const char *const csv_header[] = {
	"反馈编号", "提交时间", "用户ID", "会员等级", "订单号", "SKU", "品类",
	"省份", "城市", "区县", "渠道", "评分", "反馈内容", "图片数", NULL
};

static void
write_csv_line(struct out *o, struct fb_buf *b)
{
	const char *eol = o->g->fmt == F_TSV && !o->g->gb18030 ? "\n" : "\r\n";

	if (o->g->gb18030) {
		if (conv(o->g->to_gb18030, b->p, b->len, &o->conv) < 0)
			fb_diex("cannot convert a line to gb18030");
		put_buf(&o->conv);
	} else
		put_buf(b);
	fb_out_write(&fb_stdout, eol, strlen(eol));
}

static void
put_csv(struct out *o, const struct rec *rc)
{
	const struct region *rg = &regions[rc->region];
	char sep = o->g->fmt == F_TSV ? '\t' : ',', buf[64];
	struct fb_buf *b = &o->line;
	const char *f[14];
	char rating[8], images[16];
	int i;

	local_str(rc->t, LT_SLASH, buf, sizeof(buf));
	put_u(rating, (unsigned)rc->rating, 1);
	put_u(images, (unsigned)rc->images, 1);
	f[0] = rc->ref;
	f[1] = buf;
	f[2] = rc->cu.id;
	f[3] = is_social(rc->chan) ? "" : tiers[rc->cu.tier];
	f[4] = rc->order;
	f[5] = rc->sku;
	f[6] = rc->goods ? cats[rc->cat].id : "";
	f[7] = rg->province;
	f[8] = rg->city;
	f[9] = is_social(rc->chan) ? "" : rg->district;
	f[10] = chans[rc->chan].zh;
	f[11] = rc->rating > 0 ? rating : "";
	f[12] = rc->text.p;
	f[13] = images;
	b->len = 0;
	for (i = 0; i < 14; i++) {
		if (i > 0)
			fb_buf_addc(b, sep);
		csv_field(b, f[i], sep);
	}
	write_csv_line(o, b);
}

static void
put_csv_header(struct out *o)
{
	char sep = o->g->fmt == F_TSV ? '\t' : ',';
	int i;

	o->line.len = 0;
	/* Excel's "CSV UTF-8" starts with a BOM; GB18030 files have none. */
	if (o->g->fmt == F_CSV && !o->g->gb18030)
		fb_buf_adds(&o->line, "\xef\xbb\xbf");
	for (i = 0; csv_header[i] != NULL; i++) {
		if (i > 0)
			fb_buf_addc(&o->line, sep);
		fb_buf_adds(&o->line, csv_header[i]);
	}
	if (o->g->gb18030) {
		/* the BOM is not part of this line, so convert it all */
		write_csv_line(o, &o->line);
		return;
	}
	write_csv_line(o, &o->line);
}

/*---- E-mail ----*/

static void
b64(struct fb_buf *o, const unsigned char *s, size_t n, int wrap)
{
	static const char tb[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, col = 0;
	char q[4];

	for (i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		q[0] = tb[v >> 18];
		q[1] = tb[(v >> 12) & 63];
		q[2] = i + 1 < n ? tb[(v >> 6) & 63] : '=';
		q[3] = i + 2 < n ? tb[v & 63] : '=';
		fb_buf_add(o, q, 4);
		if (wrap && (col += 4) >= 76) {
			fb_buf_addc(o, '\n');
			col = 0;
		}
	}
	if (wrap && col > 0)
		fb_buf_addc(o, '\n');
}

/* Quoted-printable (RFC 2045), lines of at most 76 characters. */
static void
qp(struct fb_buf *o, const char *s, size_t n)
{
	size_t i, col = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int enc;

		if (c == '\n') {
			fb_buf_addc(o, '\n');
			col = 0;
			continue;
		}
		enc = c >= 0x7f || c == '=' || (c < 0x20 && c != '\t') ||
		    ((c == ' ' || c == '\t') &&
		    (i + 1 == n || s[i + 1] == '\n'));
		if (col + (enc ? 3 : 1) > 75) {
			fb_buf_adds(o, "=\n");
			col = 0;
		}
		/* never start a line with "From " or a lone dot */
		if (col == 0 && (c == 'F' || c == '.'))
			enc = 1;
		if (enc) {
			fb_buf_addc(o, '=');
			fb_buf_addc(o, "0123456789ABCDEF"[c >> 4]);
			fb_buf_addc(o, "0123456789ABCDEF"[c & 15]);
		} else
			fb_buf_addc(o, (int)c);
		col += enc ? 3 : 1;
	}
}

static size_t
utf8_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	return (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : 4;
}

static int
is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

enum { EW_B_UTF8, EW_B_GB18030, EW_Q_UTF8 };

/* A byte an RFC 2047 "Q" word may carry as it is (a space becomes '_'). */
static int
q_plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("!*+-/", c) != NULL);
}

static void
put_hex(struct fb_buf *b, unsigned char c)
{
	fb_buf_addc(b, '=');
	fb_buf_addc(b, "0123456789ABCDEF"[c >> 4]);
	fb_buf_addc(b, "0123456789ABCDEF"[c & 15]);
}

/*
 * The end of the next encoded word of 's' from 'i': whole characters, and
 * at most 75 characters once encoded (42 bytes in base64, 63 in "Q").
 */
static size_t
word_end(const char *s, size_t i, size_t n, int mode)
{
	size_t j = i, enc = 0;

	while (j < n) {
		size_t cl = utf8_len((unsigned char)s[j]), add = cl, k;

		if (mode == EW_Q_UTF8)
			for (add = 0, k = 0; k < cl; k++)
				add += q_plain((unsigned char)s[j + k]) ||
				    s[j + k] == ' ' ? 1 : 3;
		if (j > i && enc + add > (mode == EW_Q_UTF8 ? 63u : 42u))
			break;
		enc += add;
		j += cl;
	}
	return j;
}

/*
 * A header value as RFC 2047 encoded words, folded onto continuation
 * lines; ASCII goes as it is.
 */
static void
encoded_words(struct out *o, struct fb_buf *b, const char *s, int mode)
{
	size_t i = 0, j, k, n = strlen(s);

	if (is_ascii(s)) {
		fb_buf_adds(b, s);
		return;
	}
	for (; i < n; i = j) {
		j = word_end(s, i, n, mode);
		if (i > 0)
			fb_buf_adds(b, "\n ");
		if (mode == EW_Q_UTF8) {
			fb_buf_adds(b, "=?UTF-8?Q?");
			for (k = i; k < j; k++) {
				unsigned char c = (unsigned char)s[k];

				if (c == ' ')
					fb_buf_addc(b, '_');
				else if (q_plain(c))
					fb_buf_addc(b, c);
				else
					put_hex(b, c);
			}
		} else if (mode == EW_B_GB18030) {
			if (conv(o->g->to_gb18030, s + i, j - i, &o->conv) < 0)
				fb_diex("cannot convert a header to gb18030");
			fb_buf_adds(b, "=?gb18030?B?");
			b64(b, (const unsigned char *)o->conv.p, o->conv.len,
			    0);
		} else {
			fb_buf_adds(b, "=?UTF-8?B?");
			b64(b, (const unsigned char *)s + i, j - i, 0);
		}
		fb_buf_adds(b, "?=");
	}
}

static void
html_escape(struct fb_buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '&': fb_buf_adds(b, "&amp;"); break;
		case '<': fb_buf_adds(b, "&lt;"); break;
		case '>': fb_buf_adds(b, "&gt;"); break;
		case '"': fb_buf_adds(b, "&quot;"); break;
		case '\n': fb_buf_adds(b, "<br>\n"); break;
		default: fb_buf_addc(b, *s);
		}
}

#define CT_UTF8 "Content-Type: text/plain; charset=utf-8\n"
#define CTE "Content-Transfer-Encoding: "

/* The text part, in one of four dresses taken in turn. */
static void
mail_text_part(struct out *o, struct fb_buf *m, const char *text, int variant,
    unsigned long long k)
{
	size_t n = strlen(text);

	switch (variant) {
	case 0:
		fb_buf_adds(m, CT_UTF8 CTE "8bit\n\n");
		fb_buf_adds(m, text);
		break;
	case 1:
		fb_buf_adds(m, CT_UTF8 CTE "quoted-printable\n\n");
		qp(m, text, n);
		break;
	case 2:
		/* GBK, as Chinese mail clients send it; it has no emoji */
		if (conv(o->g->to_gbk, text, n, &o->conv) == 0)
			fb_buf_adds(m, "Content-Type: text/plain; charset=gbk\n");
		else if (conv(o->g->to_gb18030, text, n, &o->conv) == 0)
			fb_buf_adds(m, "Content-Type: text/plain; "
			    "charset=gb18030\n");
		else
			fb_diex("cannot convert a message to gb18030");
		fb_buf_adds(m, CTE "base64\n\n");
		b64(m, (const unsigned char *)o->conv.p, o->conv.len, 1);
		break;
	default:
		fb_buf_printf(m, "Content-Type: multipart/alternative; "
		    "boundary=\"=_alt_%llu\"\n\n--=_alt_%llu\n", k, k);
		fb_buf_adds(m, CT_UTF8 CTE "base64\n\n");
		b64(m, (const unsigned char *)text, n, 1);
		fb_buf_printf(m, "\n--=_alt_%llu\n", k);
		fb_buf_adds(m, "Content-Type: text/html; charset=utf-8\n"
		    CTE "quoted-printable\n\n");
		o->html.len = 0;
		fb_buf_adds(&o->html, "<html><head><meta charset=\"utf-8\"></head>"
		    "<body>\n<p>");
		html_escape(&o->html, text);
		fb_buf_adds(&o->html, "</p>\n</body></html>\n");
		qp(m, o->html.p, o->html.len);
		fb_buf_printf(m, "\n--=_alt_%llu--\n", k);
	}
	if (m->len > 0 && m->p[m->len - 1] != '\n')
		fb_buf_addc(m, '\n');
}

/* A JPEG's markers around noise: enough for a mail reader to count it. */
static void
mail_image(struct fb_buf *m, struct rng *r, const struct civil *l,
    unsigned long long k, int i)
{
	unsigned char img[128];
	char name[64];
	size_t j;

	memcpy(img, "\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01"
	    "\x00\x01\x00\x00", 20);
	for (j = 20; j < sizeof(img) - 2; j++)
		img[j] = (unsigned char)rng_below(r, 256);
	img[sizeof(img) - 2] = 0xff;
	img[sizeof(img) - 1] = 0xd9;
	snprintf(name, sizeof(name), "IMG_%04d%02d%02d_%02d%02d%d.jpg",
	    l->year, l->mon, l->day, l->hour, l->min, i);
	fb_buf_printf(m, "\n--=_mix_%llu\nContent-Type: image/jpeg; "
	    "name=\"%s\"\n" CTE "base64\nContent-Disposition: attachment; "
	    "filename=\"%s\"\n\n", k, name, name);
	b64(m, img, sizeof(img), 1);
}

/* The body text: the words, maybe the order, maybe a quoted answer. */
static void
mail_body(struct fb_buf *bt, const struct rec *rc, struct rng *r)
{
	int zh = rc->lang == 0;
	struct civil l;

	bt->len = 0;
	fb_buf_adds(bt, rc->text.p);
	if (rc->order[0] != '\0' && rng_chance(r, 0.4))
		fb_buf_printf(bt, zh ? "\n\n订单号：%s" : "\n\nOrder: %s",
		    rc->order);
	if (strncmp(rc->subject, "Re: ", 4) == 0 ||
	    strncmp(rc->subject, "回复：", strlen("回复：")) == 0) {
		civil_of(rc->t - (1 + (int64_t)rng_below(r, 3)) * DAY_MS,
		    LOCAL_OFF_MS, &l);
		if (zh)
			fb_buf_printf(bt, "\n\n在 %d年%d月%d日 %02d:%02d，"
			    "商城客服中心 写道：\n"
			    "> 您好，您反馈的问题我们已经收到，"
			    "正在为您核实处理。\n"
			    "> 如有其他问题请随时联系我们。",
			    l.year, l.mon, l.day, l.hour, l.min);
		else
			fb_buf_printf(bt, "\n\nOn %s %d, %d at %02d:%02d, "
			    "Customer Service wrote:\n"
			    "> Thank you for contacting us. "
			    "We are looking into it.\n"
			    "> Please let us know if there is anything else.",
			    mon_abbr[l.mon - 1], l.day, l.year, l.hour, l.min);
	}
	fb_buf_addc(bt, '\n');
}

/* Writes 'm' with mboxrd quoting: a body line ">*From " gets one more '>'. */
static void
write_mboxrd(const struct fb_buf *m)
{
	const char *p = m->p, *end = m->p + m->len, *nl, *q;
	size_t len;

	for (; p < end; p += len) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = nl != NULL ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		for (q = p; q < p + len && *q == '>'; q++)
			;
		if (p != m->p && (size_t)(p + len - q) >= 5 &&
		    memcmp(q, "From ", 5) == 0)
			fb_out_putc(&fb_stdout, '>');
		fb_out_write(&fb_stdout, p, len);
	}
}

/* One message of the mbox. */
static void
put_mail(struct out *o, const struct rec *rc)
{
	struct fb_buf *m = &o->line;
	int variant = (int)(rc->k % 4), mode = (int)(rc->k % 3);
	int nimg = rc->images > 3 ? 3 : rc->images, i;
	unsigned long long k = rc->k;
	struct civil u, l;
	struct rng r;

	rng_seed(&r, o->g->seed, 'M', rc->k);
	civil_of(rc->t, 0, &u);
	civil_of(rc->t, LOCAL_OFF_MS, &l);
	mail_body(&o->body, rc, &r);

	m->len = 0;
	fb_buf_printf(m, "From %s %s %s %2d %02d:%02d:%02d %d\nFrom: ",
	    rc->cu.email, dow_abbr[u.dow], mon_abbr[u.mon - 1], u.day, u.hour,
	    u.min, u.sec, u.year);
	encoded_words(o, m, rc->cu.name, EW_B_UTF8);
	fb_buf_printf(m, " <%s>\nTo: ", rc->cu.email);
	encoded_words(o, m, "商城客服中心", mode);
	fb_buf_printf(m, " <service@shop.example.com>\nDate: %s, %d %s %04d "
	    "%02d:%02d:%02d +0800\nSubject: ", dow_abbr[l.dow], l.day,
	    mon_abbr[l.mon - 1], l.year, l.hour, l.min, l.sec);
	encoded_words(o, m, rc->subject, mode);
	fb_buf_printf(m, "\nMessage-ID: <%s>\nMIME-Version: 1.0\n", rc->ref);
	if (nimg > 0) {
		fb_buf_printf(m, "Content-Type: multipart/mixed; "
		    "boundary=\"=_mix_%llu\"\n\n"
		    "This is a multi-part message in MIME format.\n\n"
		    "--=_mix_%llu\n", k, k);
		mail_text_part(o, m, o->body.p, variant, k);
		for (i = 0; i < nimg; i++)
			mail_image(m, &r, &l, k, i);
		fb_buf_printf(m, "\n--=_mix_%llu--\n", k);
	} else
		mail_text_part(o, m, o->body.p, variant, k);
	fb_buf_addc(m, '\n');
	write_mboxrd(m);
}

static void
put_one(struct out *o, const struct rec *rc)
{
	struct fb_buf *b = &o->line;

	switch (o->g->fmt) {
	case F_NDJSON:
		b->len = 0;
		put_raw(rc, b, 0, 0);
		fb_buf_addc(b, '\n');
		put_buf(b);
		break;
	case F_JSON:
		b->len = 0;
		fb_buf_adds(b, o->written > 0 ? ",\n  " : "\n  ");
		put_raw(rc, b, 1, 2);
		put_buf(b);
		break;
	case F_RECORD:
		b->len = 0;
		put_record(o, rc, b);
		fb_buf_addc(b, '\n');
		put_buf(b);
		break;
	case F_CSV:
	case F_TSV:
		put_csv(o, rc);
		break;
	case F_MBOX:
		put_mail(o, rc);
		break;
	default:
		one_line(rc->text.p, &o->tmp);
		fb_buf_addc(&o->tmp, '\n');
		put_buf(&o->tmp);
	}
	o->written++;
}

/*---- Lifecycle events (--events) ----*/

/*
 * With --events fb-gen reads records and follows each feedback item with
 * the lifecycle events fb-sla folds: a plausible life drawn from a PRNG
 * seeded with --seed and a hash of the item's id, so an item gets the
 * same events wherever it stands in the input and whatever else is there.
 * Events later than "now" are left out: the item is still open then.
 */

#define MIN_MS (60 * 1000LL)
#define LIFE_MAX 16
#define AUTO_CLOSE_MS (72 * HOUR_MS)

/* First-response and resolution targets by priority, as share/fb/sla.conf. */
static const struct {
	char name[3];
	int64_t first, resolve;
} targets[] = {
	{ "P0", 15 * MIN_MS, 4 * HOUR_MS },
	{ "P1", HOUR_MS, 24 * HOUR_MS },
	{ "P2", 2 * HOUR_MS, 48 * HOUR_MS },
	{ "P3", 24 * HOUR_MS, 72 * HOUR_MS },
};
#define PRIO_DEFAULT 2	/* no or unknown priority: as P2 */

struct life_ev {
	fb_time_t t;
	enum fb_sla_event kind;
	int score;		/* csat's, 1..5 */
};

/* One item's events, in time order, and its agent (1..40). */
struct life {
	struct life_ev ev[LIFE_MAX];
	int n, agent;
};

struct evgen {
	uint64_t seed;
	fb_time_t now;
	struct fb_buf line, id;
	unsigned long items, events;
};

/* Uniform in whole seconds between 'lo' and 'hi' ms. */
static int64_t
rng_ms(struct rng *r, int64_t lo, int64_t hi)
{
	return (int64_t)rng_range(r, (long)(lo / 1000), (long)(hi / 1000)) *
	    1000;
}

/* A log-normal delay with median 'median' ms, in whole seconds, >= 1 s. */
static int64_t
rng_lognormal(struct rng *r, double median, double sigma)
{
	double s = median * xexp(sigma * rng_normal(r)) / 1000;

	return s < 1 ? 1000 : (int64_t)s * 1000;
}

/* Appends an event; a time not after the last one's moves a second past it. */
static fb_time_t
life_add(struct life *l, enum fb_sla_event kind, fb_time_t t, int score)
{
	if (l->n > 0 && t <= l->ev[l->n - 1].t)
		t = l->ev[l->n - 1].t + 1000;
	if (l->n < LIFE_MAX) {
		l->ev[l->n].t = t;
		l->ev[l->n].kind = kind;
		l->ev[l->n].score = score;
		l->n++;
	}
	return t;
}

/*
 * Draws the life of an item created at 'ts' with the targets of
 * 'prio': assigned, a first response around 0.4 of its target (about one
 * in eight late), maybe a wait on the customer, maybe a further question
 * and answer, resolved around 0.35 of its target, rarely reopened, and
 * auto-closed 72 hours after the last resolution, with a satisfaction
 * score in between for three items in ten.  Every draw is made whatever
 * "now" is, so cutting at now never changes what comes before it.
 */
static void
life_plan(struct rng *r, fb_time_t ts, int prio, struct life *l)
{
	/* csat scores 1..5: skewed high, lower after a late resolution */
	static const double csat_ok[5] = { 10, 8, 12, 25, 45 };
	static const double csat_late[5] = { 25, 15, 22, 20, 18 };
	int64_t first = targets[prio].first, resolve = targets[prio].resolve;
	fb_time_t t, last, resolved, reopened;
	int late;

	l->n = 0;
	l->agent = (int)rng_range(r, 1, 40);
	t = ts + rng_ms(r, MIN_MS, (prio == 0 ? 3 : 10) * MIN_MS);
	last = life_add(l, FB_SLA_ASSIGNED, t, 0);
	t = ts + rng_lognormal(r, 0.4 * (double)first, 0.8);
	if (t <= last)
		t = last + rng_ms(r, MIN_MS, 5 * MIN_MS);
	last = life_add(l, FB_SLA_FIRST_RESPONSE, t, 0);

	/* waiting on the customer, who comes back or just answers */
	if (rng_chance(r, 0.25)) {
		t = life_add(l, FB_SLA_PENDING,
		    last + rng_ms(r, 5 * MIN_MS, 2 * HOUR_MS), 0);
		t += rng_lognormal(r, 6.0 * HOUR_MS, 0.8);
		if (rng_chance(r, 0.5))
			last = life_add(l, FB_SLA_RESUMED, t, 0);
		else {
			t = life_add(l, FB_SLA_CUSTOMER_REPLY, t, 0);
			last = life_add(l, FB_SLA_RESPONSE, t +
			    rng_lognormal(r, 0.5 * (double)first, 0.8), 0);
		}
	}
	/* a further question, after any wait so the two do not overlap */
	if (rng_chance(r, 0.2)) {
		t = life_add(l, FB_SLA_CUSTOMER_REPLY,
		    last + rng_lognormal(r, 3.0 * HOUR_MS, 1.0), 0);
		last = life_add(l, FB_SLA_RESPONSE, t +
		    rng_lognormal(r, 0.5 * (double)first, 0.8), 0);
	}

	resolved = ts + rng_lognormal(r, 0.35 * (double)resolve, 0.9);
	if (resolved <= last)
		resolved = last + rng_ms(r, 2 * MIN_MS, 30 * MIN_MS);
	resolved = life_add(l, FB_SLA_RESOLVED, resolved, 0);
	late = resolved - ts > resolve;

	/* reopened before the auto-close could come */
	if (rng_chance(r, 0.05)) {
		reopened = life_add(l, FB_SLA_REOPENED,
		    resolved + rng_ms(r, HOUR_MS, AUTO_CLOSE_MS - HOUR_MS), 0);
		t = life_add(l, FB_SLA_RESPONSE, reopened +
		    (int64_t)((0.2 + 0.9 * rng_unit(r)) * (double)first) /
		    1000 * 1000, 0);
		resolved = reopened + rng_ms(r, 2 * HOUR_MS, 24 * HOUR_MS);
		if (resolved <= t)
			resolved = t + rng_ms(r, 2 * MIN_MS, 30 * MIN_MS);
		resolved = life_add(l, FB_SLA_RESOLVED, resolved, 0);
		late = 1;
	}

	if (rng_chance(r, 0.3))
		life_add(l, FB_SLA_CSAT, resolved + rng_ms(r, MIN_MS,
		    AUTO_CLOSE_MS - MIN_MS), 1 + (int)rng_weighted(r,
		    late ? csat_late : csat_ok, 5));
	life_add(l, FB_SLA_CLOSED, resolved + AUTO_CLOSE_MS, 0);
}

/* Who acts: customers reply, wait and score, the system closes. */
static int
has_agent(enum fb_sla_event kind)
{
	return kind != FB_SLA_CUSTOMER_REPLY && kind != FB_SLA_PENDING &&
	    kind != FB_SLA_RESUMED && kind != FB_SLA_CSAT &&
	    kind != FB_SLA_CLOSED;
}

/* Writes one event line; 'id' is the item's "id" as it came, quotes and all. */
static void
put_event(struct evgen *e, struct fb_span id, const struct life_ev *ev,
    int agent)
{
	struct fb_buf *b = &e->line;
	char ts[FB_TIME_BUFSZ];

	fb_time_format(ev->t, ts);
	b->len = 0;
	fb_buf_adds(b, "{\"type\":\"event\",\"id\":");
	fb_buf_add(b, id.p, id.len);
	fb_buf_printf(b, ",\"event\":\"%s\",\"ts\":\"%s\"",
	    fb_sla_event_name(ev->kind), ts);
	if (has_agent(ev->kind))
		fb_buf_printf(b, ",\"agent\":\"a%02d\"", agent);
	if (ev->kind == FB_SLA_CSAT) {
		/*
		 * "How likely are you to recommend us?" 0-10, in line with
		 * the score; from the event's time, not a draw, so that the
		 * rest of the lifecycle stays as it was
		 */
		static const int nps_of[5][4] = {
			{ 0, 1, 2, 3 }, { 2, 4, 5, 6 }, { 5, 6, 7, 7 },
			{ 7, 8, 8, 9 }, { 9, 10, 10, 8 }
		};

		fb_buf_printf(b, ",\"score\":%d,\"nps\":%d", ev->score,
		    nps_of[ev->score - 1][(uint64_t)ev->t / 1000 % 4]);
	}
	fb_buf_addc(b, '}');
	put_buf(b);
	fb_out_end_record(&fb_stdout);
	e->events++;
}

/*
 * Sets 'id' (decoded into e->id, for the hash), 'ts' and 'prio' from the
 * item; returns 0, or -1 after a warning when it cannot have events.
 */
static int
item_fields(struct fb_rec *rec, const struct fb_pos *pos, struct evgen *e,
    const char **id, size_t *idlen, fb_time_t *ts, int *prio)
{
	struct fb_span v;
	const char *s;
	char buf[64];
	long n;
	size_t k;

	if (!fb_rec_raw(rec, "id", &v) || fb_buf_grow(&e->id, v.len) < 0 ||
	    (n = fb_json_string(v, e->id.p, e->id.cap, &s)) < 0) {
		if (e->id.err)
			fb_diex("out of memory");
		fb_warning("%s:%lu: field 'id' is %s; no events", pos->file,
		    pos->line, fb_rec_raw(rec, "id", &v) ? "not a string" :
		    "missing");
		return -1;
	}
	*id = s;
	*idlen = (size_t)n;
	if (!fb_rec_raw(rec, "ts", &v) ||
	    (n = fb_json_string(v, buf, sizeof(buf), &s)) < 0 ||
	    fb_time_parse_rfc3339(s, (size_t)n, ts) < 0) {
		fb_warning("%s:%lu: field 'ts' is %s; no events", pos->file,
		    pos->line, fb_rec_raw(rec, "ts", &v) ?
		    "not a valid time" : "missing");
		return -1;
	}
	*prio = PRIO_DEFAULT;
	if (fb_rec_raw(rec, "priority", &v) &&
	    fb_json_string(v, buf, sizeof(buf), &s) == 2)
		for (k = 0; k < NELEM(targets); k++)
			if (memcmp(s, targets[k].name, 2) == 0)
				*prio = (int)k;
	return 0;
}

/* fb_each_record's callback: the line as it came, then the item's events. */
static int
on_record(struct fb_rec *rec, const struct fb_pos *pos, void *arg)
{
	struct evgen *e = arg;
	struct fb_span idraw;
	struct life l;
	struct rng r;
	const char *id;
	size_t idlen;
	uint64_t h[2];
	fb_time_t ts;
	int prio, i;

	/*
	 * fb_each_record() writes an FB_EMIT record after we return, too late
	 * for the events to follow it.  fb-gen has no --pretty: compact.
	 */
	if (fb_rec_write(rec, &fb_stdout, 0) < 0)
		return FB_FATAL;	/* fb_cli_finish() reports it */
	if (!fb_rec_is_feedback(rec))
		return FB_DROP;
	e->items++;
	if (item_fields(rec, pos, e, &id, &idlen, &ts, &prio) < 0)
		return FB_DROP;
	fb_hash128(id, idlen, 0, h);
	rng_seed(&r, e->seed, 'E', h[0]);
	life_plan(&r, ts, prio, &l);
	fb_rec_raw(rec, "id", &idraw);
	for (i = 0; i < l.n && l.ev[i].t <= e->now; i++)
		put_event(e, idraw, &l.ev[i], l.agent);
	return fb_stdout.err != 0 ? FB_FATAL : FB_DROP;
}

/* Runs --events over the operands; returns the exit status. */
static int
run_events(uint64_t seed, int nfiles, char *files[])
{
	struct evgen e;
	int status;

	memset(&e, 0, sizeof(e));
	e.seed = seed;
	e.now = fb_time_now();
	status = fb_each_record(nfiles, files, on_record, &e);
	if (fb_conf.verbose && fb_stdout.err == 0)
		fb_warnx("wrote %lu events for %lu items", e.events, e.items);
	fb_buf_release(&e.line);
	fb_buf_release(&e.id);
	return status;
}

/*---- main ----*/

enum {
	OPT_DAYS = FB_OPT_TOOL,
	OPT_ENCODING,
	OPT_EVENTS,
	OPT_INCIDENTS,
	OPT_SINCE,
	OPT_TRUTH,
};

static const struct fb_opt opts[] = {
	{ 's', "seed", "SEED", "seed of the generator (default 1)" },
	{ 'n', "count", "N", "write N items (default 1000)" },
	{ 'f', "format", "FORMAT",
	    "ndjson (default), record, csv, tsv, mbox, text, json" },
	{ OPT_DAYS, "days", "N", "spread the items over N days (default 30)" },
	{ OPT_ENCODING, "encoding", "ENC",
	    "csv and tsv: utf-8 (default) or gb18030" },
	{ OPT_INCIDENTS, "incidents", "LIST",
	    "sku,surge,burst,growth,repeat, all (default), none" },
	{ OPT_SINCE, "since", "TIME",
	    "the span starts at TIME (default 2026-10-01T00:00:00Z)" },
	{ OPT_TRUTH, "truth", "FILE",
	    "describe the planted incidents in FILE" },
	{ OPT_EVENTS, "events", NULL,
	    "read records, write each one's lifecycle events" },
	FB_OPT_COMMON,
	FB_OPT_INPUT,
	FB_OPT_TIME,
	FB_OPT_END
};

static const char *const usage[] = {
	"fb-gen [-s seed] [-n count] [-f format] [--days n] [--encoding enc] "
	    "[--incidents list] [--since time] [--truth file]",
	"fb-gen --events [--strict] [-s seed] [--max-line size] [--now time] "
	    "[--reject file] [--tz zone] [file ...]",
	NULL
};

static const struct fb_tool tool = {
	usage,
	"Write realistic raw customer feedback, the same for the same seed, "
	    "with planted incidents for later stages to find.",
	opts, NULL,
	"fb-gen -s 7 -n 100000 -f csv --truth truth.ndjson > calls.csv"
};

static unsigned
parse_incidents(const char *arg)
{
	unsigned set = 0;
	const char *p = arg;
	size_t n, i;

	if (strcmp(arg, "none") == 0)
		return 0;
	for (; *p != '\0'; p += n + (p[n] == ',')) {
		n = strcspn(p, ",");
		for (i = 0; i < NINC; i++)
			if (strlen(inc_names[i]) == n &&
			    memcmp(p, inc_names[i], n) == 0)
				break;
		if (i < NINC)
			set |= 1u << i;
		else if (n == 3 && memcmp(p, "all", 3) == 0)
			set |= (1u << NINC) - 1;
		else
			fb_diex("unknown incident '%.*s' for --incidents "
			    "(sku, surge, burst, growth, repeat, all, none)",
			    (int)n, p);
	}
	return set;
}

static int
ci_eq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		int x = (unsigned char)*a, y = (unsigned char)*b;

		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (x != y)
			return 0;
	}
	return *a == *b;
}

/* The long name of option 'id', for messages. */
static const char *
opt_name(int id)
{
	const struct fb_opt *o;

	for (o = opts; o->name != NULL; o++)
		if (o->id == id)
			return o->name;
	return "?";
}

/*
 * With --events only --seed of fb-gen's own options applies; without it
 * the options of the record loop have nothing to read.
 */
static void
check_mode(const struct gen *g, int gen_only, int argc, char *argv[])
{
	if (g->events) {
		if (gen_only != 0)
			fb_diex("--%s does not apply with --events",
			    opt_name(gen_only));
		return;
	}
	if (optind < argc) {
		fb_warnx("unexpected operand '%s'", argv[optind]);
		fb_usage(&tool);
	}
	if (fb_conf.reject != NULL)
		fb_diex("--reject applies only with --events");
	if (fb_conf.strict)
		fb_diex("--strict applies only with --events");
	if (fb_conf.max_line != FB_MAX_LINE_DEFAULT)
		fb_diex("--max-line applies only with --events");
}

/* Sets up 'g' from the command line; usage errors exit 2. */
static void
parse_args(struct gen *g, int argc, char *argv[], const char **truth)
{
	const char *arg, *since = NULL, *enc = NULL;
	int opt, i, gen_only = 0;

	g->seed = 1;
	g->count = 1000;
	g->days = 30;
	g->fmt = F_NDJSON;
	g->incidents = (1u << NINC) - 1;
	while ((opt = fb_getopt(argc, argv, &tool, &arg)) != -1) {
		if (opt != 's' && opt != OPT_EVENTS && gen_only == 0)
			gen_only = opt;
		switch (opt) {
		case 's':
			g->seed = (uint64_t)fb_parse_long(arg, 0, LONG_MAX,
			    "--seed");
			break;
		case 'n':
			g->count = (uint64_t)fb_parse_long(arg, 0, 1000000000L,
			    "--count");
			break;
		case 'f':
			for (i = 0; fmt_names[i] != NULL; i++)
				if (strcmp(arg, fmt_names[i]) == 0)
					break;
			if (fmt_names[i] == NULL)
				fb_diex("unknown format '%s' for --format "
				    "(ndjson, record, csv, tsv, mbox, text, "
				    "json)", arg);
			g->fmt = i;
			break;
		case OPT_DAYS:
			g->days = fb_parse_long(arg, 1, MAX_DAYS, "--days");
			break;
		case OPT_ENCODING: enc = arg; break;
		case OPT_INCIDENTS: g->incidents = parse_incidents(arg); break;
		case OPT_SINCE: since = arg; break;
		case OPT_TRUTH: *truth = arg; break;
		case OPT_EVENTS: g->events = 1; break;
		default: fb_usage(&tool);
		}
	}
	check_mode(g, gen_only, argc, argv);
	if (enc != NULL) {
		if (ci_eq(enc, "gb18030"))
			g->gb18030 = 1;
		else if (!ci_eq(enc, "utf-8") && !ci_eq(enc, "utf8"))
			fb_diex("unknown encoding '%s' for --encoding "
			    "(utf-8, gb18030)", enc);
		if (g->gb18030 && g->fmt != F_CSV && g->fmt != F_TSV)
			fb_diex("--encoding gb18030 applies only to csv and "
			    "tsv");
	}
	g->since = since != NULL ? fb_parse_time(since, "--since") :
	    fb_time_from_civil(2026, 10, 1, 0, 0, 0, 0);
	g->end = g->since + (fb_time_t)g->days * DAY_MS;
}

/* Writes the items of all streams, merged in time order. */
static void
generate(struct gen *g, struct out *o, struct rec *rc)
{
	struct stream st[NSTREAM];
	uint64_t idx;
	int i, best;

	memset(st, 0, sizeof(st));
	st[S_BG].n = g->n_bg;
	st[S_BG].smp = &g->bg;
	st[S_SKU].n = g->sku.n;
	st[S_SKU].smp = &g->bg;
	st[S_SURGE].n = g->surge.n;
	st[S_SURGE].smp = &g->surge.smp;
	st[S_BURST].n = g->burst.n;
	st[S_BURST].smp = &g->burst.smp;
	st[S_GROWTH].n = g->growth.n;
	st[S_GROWTH].smp = &g->growth.smp;
	st[S_REPEAT].n = (uint64_t)g->rep.nitems;
	for (i = 0; i < NSTREAM; i++) {
		st[i].kind = i;
		stream_peek(g, &st[i]);
	}
	if (g->fmt == F_CSV || g->fmt == F_TSV)
		put_csv_header(o);
	else if (g->fmt == F_JSON)
		fb_out_write(&fb_stdout, "[", 1);
	/* a closed pipe or a full disk ends the loop; fb_cli_finish says so */
	for (idx = 0; fb_stdout.err == 0; idx++) {
		for (best = -1, i = 0; i < NSTREAM; i++)
			if (st[i].i < st[i].n &&
			    (best < 0 || st[i].t < st[best].t))
				best = i;
		if (best < 0)
			break;
		make_record(g, &st[best], idx, rc);
		put_one(o, rc);
		fb_progress_wrote();
		st[best].i++;
		stream_peek(g, &st[best]);
	}
	if (g->fmt == F_JSON && o->written > 0)
		fb_out_write(&fb_stdout, "\n]\n", 3);
	else if (g->fmt == F_JSON)
		fb_out_write(&fb_stdout, "]\n", 2);
}

int
main(int argc, char *argv[])
{
	const char *truth = NULL;
	struct gen *g;
	struct rec *rc;
	struct out o;
	size_t k;

	fb_cli_init("fb-gen");
	g = calloc(1, sizeof(*g));
	rc = calloc(1, sizeof(*rc));
	if (g == NULL || rc == NULL)
		fb_diex("out of memory");
	parse_args(g, argc, argv, &truth);
	if (g->events) {
		int status = run_events(g->seed, argc - optind, argv + optind);

		free(rc);
		free(g);
		return fb_cli_finish(status);
	}
	g->population = (uint32_t)(g->count * 4 / 5 + 50);
	g->to_gb18030 = iconv_open("GB18030", "UTF-8");
	g->to_gbk = iconv_open("GBK", "UTF-8");
	if (g->to_gb18030 == (iconv_t)-1 || g->to_gbk == (iconv_t)-1)
		fb_die("cannot convert to gb18030");
	for (k = 0; k < NCAT; k++)
		g->cat_w[k] = cats[k].weight;
	for (k = 0; k < NCHAN; k++)
		g->chan_w[k] = chans[k].share;
	for (k = 0; k < NREGION; k++)
		g->region_w[k] = regions[k].weight;
	for (k = 0; k < NCOMPLAINT; k++)
		g->tag_w[k] = tags[k].weight;
	index_templates(g);
	plan(g);
	if (truth != NULL)
		write_truth(g, truth);

	memset(&o, 0, sizeof(o));
	o.g = g;
	fb_progress_goal(g->count);
	generate(g, &o, rc);
	fb_progress_written(o.written, o.written == 1 ? "record written" :
	    "records written");
	if (fb_conf.verbose && fb_stdout.err == 0) {
		char a[FB_TIME_BUFSZ], b[FB_TIME_BUFSZ];

		fb_time_format(g->since, a);
		fb_time_format(g->end, b);
		fb_warnx("wrote %llu items (%llu planted) from %s to %s",
		    (unsigned long long)o.written,
		    (unsigned long long)(g->count - g->n_bg), a, b);
	}

	iconv_close(g->to_gb18030);
	iconv_close(g->to_gbk);
	free(g->bg.cum);
	free(g->surge.smp.cum);
	free(g->burst.smp.cum);
	free(g->growth.smp.cum);
	free(g->tix);
	free(o.line.p);
	free(o.conv.p);
	free(o.tmp.p);
	free(o.body.p);
	free(o.html.p);
	free(rc);
	free(g);
	return fb_cli_finish(FB_EXIT_OK);
}
