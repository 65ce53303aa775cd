/*
 * fb-anomaly's parts: main.c reads items and the policy and writes
 * alerts; each detector (sku.c, volume.c, burst.c, trend.c, repeat.c)
 * sees every item in the window and raises alerts through an_emit().
 */
#ifndef FB_ANOMALY_H
#define FB_ANOMALY_H

#include <jansson.h>

#include "fb.h"

#define AN_MAX_TAGS	16

/*
 * One feedback item: the fields detectors read.  Strings are borrowed
 * for the call only (copy what you keep), NULL when the record lacks
 * them.
 */
struct an_item {
	const char *id;
	fb_time_t ts;
	const char *channel, *category, *sku, *product_category;
	const char *province, *city, *customer, *order_id;
	const char *text;	/* the customer's words */
	size_t text_len;
	const char *sentiment;	/* "negative", "neutral", "positive" */
	double sentiment_score;	/* -1..1; 0 when absent */
	double urgency;		/* 0..1; 0 when absent */
	const char *tags[AN_MAX_TAGS];	/* "logistics/delay" ... */
	size_t ntags;
	int complaint;		/* negative, or a problem tag (fb-report's rule) */
	int social;		/* channel weibo or douyin */
	int local_hour;		/* 0-23 in --tz */
	int local_wday;		/* 0 = Monday .. 6 = Sunday, in --tz */
	int local_day;		/* days since 1970-01-01, local, in --tz */
};

/* The policy file: "[section]" lines, then "key value ..." lines. */
struct an_conf;

/* The number 'key' of 'section', else 'dflt'; exit 2 when not a number. */
double an_conf_num(const struct an_conf *c, const char *section,
    const char *key, double dflt);

/* The words after 'key' of 'section' (NULL-ended, borrowed), or NULL. */
const char *const *an_conf_words(const struct an_conf *c,
    const char *section, const char *key);

/* What a detector raises; main.c writes it as one alert line. */
struct an_alert {
	const char *detector;	/* "sku", "volume", ... */
	json_t *key;		/* an object: {"sku":..,"product_category":..}; stolen */
	fb_time_t since, until;	/* the window the alert is about */
	double observed;	/* what was seen (a rate, a count, a growth) */
	double expected;	/* what the baseline says */
	double spread;		/* the baseline's standard deviation */
	double score;		/* how unusual: a z-score or -log10(p) */
	const char *severity;	/* "low", "medium", "high", "critical" */
	const char *const *evidence;	/* ids of example items, most telling first */
	size_t nevidence;	/* at most 10 are written */
	const char *summary;	/* one line for people */
	json_t *extra;		/* more members, or NULL; stolen */
};

struct an_run;

/* Writes 'a'; 0, or -1 on a write error (stop). */
int an_emit(struct an_run *run, const struct an_alert *a);

/* The run's --now and --tz. */
fb_time_t an_now(const struct an_run *run);
const struct fb_zone *an_zone(const struct an_run *run);

/*
 * -log10 P(X >= x) for X negative binomial with mean 'mu' and shape 'r'
 * (variance mu + mu^2 / r), Poisson when r is INFINITY (counts.c).
 */
double an_tail_score(double x, double mu, double r);

struct an_detector {
	const char *name;
	/* its state, from the policy's [name] section */
	void *(*create)(const struct an_conf *conf, struct an_run *run);
	/* every item in the window, in input order: 0, or -1 to stop */
	int (*item)(void *state, const struct an_item *it);
	/* the input has ended: raises what is left; 0 or -1 */
	int (*finish)(void *state);
	void (*destroy)(void *state);
};

extern const struct an_detector an_sku, an_volume, an_burst, an_trend,
    an_repeat;

#endif /* FB_ANOMALY_H */
