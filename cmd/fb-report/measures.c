/*
 * The measures a report can show: their names in the model, their column
 * heads, and how people read their values.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

const struct report_measure report_measures[] = {
	{ "items", "items", "Items", REPORT_COUNT },
	{ "complaints", "compl", "Complaints", REPORT_COUNT },
	{ "complaint_rate", "compl%", "Complaint rate", REPORT_RATE },
	{ "negative", "neg", "Negative", REPORT_COUNT },
	{ "neutral", "neu", "Neutral", REPORT_COUNT },
	{ "positive", "pos", "Positive", REPORT_COUNT },
	{ "no_sentiment", "no snt", "No sentiment", REPORT_COUNT },
	{ "negative_rate", "neg%", "Negative share", REPORT_RATE },
	{ "open", "open", "Open", REPORT_COUNT },
	{ "fr_met", "FR met", "First response met", REPORT_COUNT },
	{ "fr_breached", "FR late", "First response late", REPORT_COUNT },
	{ "fr_running", "FR run", "First response running", REPORT_COUNT },
	{ "fr_in_target", "FR ok%", "Answered in target", REPORT_RATE },
	{ "fr_n", "FR n", "Answered", REPORT_COUNT },
	{ "fr_mean", "FR avg", "First response, mean", REPORT_SECONDS },
	{ "fr_median", "FR med", "First response, median", REPORT_SECONDS },
	{ "fr_p90", "FR p90", "First response, p90", REPORT_SECONDS },
	{ "res_met", "res met", "Resolution met", REPORT_COUNT },
	{ "res_breached", "res lt", "Resolution late", REPORT_COUNT },
	{ "res_running", "res run", "Resolution running", REPORT_COUNT },
	{ "res_in_target", "res ok%", "Resolved in target", REPORT_RATE },
	{ "res_n", "res n", "Resolved", REPORT_COUNT },
	{ "res_mean", "res avg", "Resolution, mean", REPORT_SECONDS },
	{ "res_median", "res med", "Resolution, median", REPORT_SECONDS },
	{ "res_p90", "res p90", "Resolution, p90", REPORT_SECONDS },
	{ "closed_within_n", "closed", "Closed in window", REPORT_COUNT },
	{ "closed_within_eligible", "elig", "Closure eligible",
	    REPORT_COUNT },
	{ "closed_within_rate", "closed%", "Closed in window (rate)",
	    REPORT_RATE },
	{ "closed_loop_n", "loop", "Closed loop", REPORT_COUNT },
	{ "closed_loop_rate", "loop%", "Closed-loop rate", REPORT_RATE },
	{ "csat_n", "CSAT n", "CSAT responses", REPORT_COUNT },
	{ "csat_mean", "CSAT", "CSAT (1-5)", REPORT_SCORE },
	{ "csat_rate", "CSAT%", "Satisfied (4-5)", REPORT_RATE },
	{ "nps_n", "NPS n", "NPS responses", REPORT_COUNT },
	{ "nps_promoters", "promo", "Promoters", REPORT_COUNT },
	{ "nps_passives", "passive", "Passives", REPORT_COUNT },
	{ "nps_detractors", "detract", "Detractors", REPORT_COUNT },
	{ "nps", "NPS", "NPS", REPORT_NPS },
	{ NULL, NULL, NULL, REPORT_COUNT }
};

const struct report_measure *
report_measure_find(const char *name)
{
	const struct report_measure *m;

	for (m = report_measures; m->name != NULL; m++)
		if (strcmp(m->name, name) == 0)
			return m;
	return NULL;
}

/* A duration in at most 7 columns, its two largest units. */
static size_t
format_seconds(double s, char *buf, size_t size)
{
	long long t = llround(s);

	if (t < 60)
		return (size_t)snprintf(buf, size, "%llds", t);
	if (t < 3600)
		return (size_t)snprintf(buf, size, "%lldm%02llds", t / 60,
		    t % 60);
	if (t < 86400)
		return (size_t)snprintf(buf, size, "%lldh%02lldm", t / 3600,
		    t % 3600 / 60);
	return (size_t)snprintf(buf, size, "%lldd%02lldh", t / 86400,
	    t % 86400 / 3600);
}

size_t
report_format_value(const struct report_measure *m, const json_t *v,
    char *buf, size_t size)
{
	double x;

	if (v == NULL || !json_is_number(v))
		return (size_t)snprintf(buf, size, "-");
	x = json_number_value(v);
	switch (m->kind) {
	case REPORT_COUNT:
		return (size_t)snprintf(buf, size, "%.0f", x);
	case REPORT_RATE:
		return (size_t)snprintf(buf, size, "%.1f%%", x * 100);
	case REPORT_SECONDS:
		return format_seconds(x, buf, size);
	case REPORT_SCORE:
		return (size_t)snprintf(buf, size, "%.2f", x);
	case REPORT_NPS:
		return (size_t)snprintf(buf, size, "%+.1f", x);
	}
	return 0;
}

size_t
report_format_percent(double pct, char *buf, size_t size)
{
	/* a count that grew from 1 to 50000 must not push a column off */
	if (pct >= 999999.5)
		return (size_t)snprintf(buf, size, ">+999999%%");
	if (fabs(pct) < 0.05)
		pct = 0;	/* no "-0.0%" */
	return (size_t)snprintf(buf, size, fabs(pct) >= 999.95 ? "%+.0f%%" :
	    "%+.1f%%", pct);
}

size_t
report_format_change(const struct report_measure *m, const json_t *cur,
    const json_t *prev, char *buf, size_t size)
{
	double a, b, d;

	buf[0] = '\0';
	if (!json_is_number(cur) || !json_is_number(prev))
		return 0;
	a = json_number_value(cur);
	b = json_number_value(prev);
	d = a - b;
	switch (m->kind) {
	case REPORT_COUNT:
	case REPORT_SECONDS:
		if (b == 0)
			return (size_t)snprintf(buf, size, a == 0 ? "+0.0%%" :
			    "new");
		return report_format_percent((a / b - 1) * 100, buf, size);
	case REPORT_RATE:
		d *= 100;
		return (size_t)snprintf(buf, size, "%+.1fpp",
		    fabs(d) < 0.05 ? 0 : d);
	case REPORT_SCORE:
		return (size_t)snprintf(buf, size, "%+.2f",
		    fabs(d) < 0.005 ? 0 : d);
	case REPORT_NPS:
		break;
	}
	return (size_t)snprintf(buf, size, "%+.1f", fabs(d) < 0.05 ? 0 : d);
}

/* Appends 's', cut at a character boundary when it does not fit. */
static void
key_part(const char *s, char **p, const char *end)
{
	size_t len = strlen(s);

	if (len > (size_t)(end - *p)) {
		len = (size_t)(end - *p);
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(*p, s, len);
	*p += len;
}

static const char *
key_string(const json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : "(none)";
}

const char *
report_key_label(const json_t *key, char *buf, size_t size)
{
	char *p = buf, *end = buf + size - 1;
	size_t i;

	if (json_is_array(key)) {
		for (i = 0; i < json_array_size(key); i++) {
			if (i > 0)
				key_part(" / ", &p, end);
			key_part(key_string(json_array_get(key, i)), &p, end);
		}
	} else {
		key_part(key_string(key), &p, end);
	}
	*p = '\0';
	return buf;
}
