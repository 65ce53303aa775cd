/*
 * fuzz_sla.c: an SLA policy file (sla.conf: calendars, hours, holidays,
 * make-up days, policies) through fb_sla_load, then the clocks of one
 * item under each policy it can match, with a fixed list of lifecycle
 * events, as fb-sla runs them.  An `ics` line may name the file itself.
 *
 * Beyond "no crash" (and no endless loop over the calendar's days) it
 * checks the clock's documented promises: its state is the worst of its
 * targets, time counted is never negative, spans come in order and end
 * at "now".
 */
#include "fuzz.h"
#include "fb.h"

static const struct fb_sla_ev events[] = {
	{ 1795313700000LL + 600000, FB_SLA_ASSIGNED },
	{ 1795313700000LL + 3600000, FB_SLA_FIRST_RESPONSE },
	{ 1795313700000LL + 7200000, FB_SLA_CUSTOMER_REPLY },
	{ 1795313700000LL + 9000000, FB_SLA_PENDING },
	{ 1795313700000LL + 86400000, FB_SLA_RESUMED },
	{ 1795313700000LL + 90000000, FB_SLA_RESPONSE },
	{ 1795313700000LL + 172800000, FB_SLA_RESOLVED },
	{ 1795313700000LL + 180000000, FB_SLA_REOPENED },
	{ 1795313700000LL + 180000000, FB_SLA_REOPENED },
	{ 1795313700000LL + 259200000, FB_SLA_CLOSED },
};

static void
check_target(const struct fb_sla_target *t, int worst)
{
	if (!t->present)
		return;
	FUZZ_CHECK(t->state <= worst);
	FUZZ_CHECK(t->elapsed >= 0 && t->total >= 0 && t->target > 0);
	FUZZ_CHECK(t->cycles >= 0 && t->late >= 0 && t->late <= t->cycles);
}

static void
clocks(const struct fb_sla *s, const struct fb_sla_keys *k, fb_time_t now)
{
	const struct fb_sla_policy *p = fb_sla_match(s, k);
	struct fb_sla_clock c;
	struct fb_error err;
	size_t i;

	if (p == NULL)
		return;
	(void)fb_sla_policy_name(p);
	fb_sla_clock_init(&c);
	if (fb_sla_clock(p, 1795313700000LL, events,
	    sizeof(events) / sizeof(events[0]), now, 1800000, &c, &err) == 0) {
		check_target(&c.first_response, c.state);
		check_target(&c.next_response, c.state);
		check_target(&c.resolution, c.state);
		for (i = 0; i < c.nspans; i++) {
			FUZZ_CHECK(c.spans[i].from <= c.spans[i].to);
			if (i > 0)
				FUZZ_CHECK(c.spans[i - 1].to <=
				    c.spans[i].from);
		}
	}
	fb_sla_clock_release(&c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fb_sla_keys keys[] = {
		{ "P0", "app", "logistics", "广东", "vip", "logistics" },
		{ "P1", "email", "product", NULL, NULL, "quality" },
		{ "P2", "hotline", "service", "北京", "normal", "general" },
		{ NULL, NULL, NULL, NULL, NULL, NULL },
	};
	struct fb_error err;
	struct fb_sla *s;
	size_t k;

	s = fb_sla_load(fuzz_file("sla.conf", data, size), &err);
	if (s == NULL) {
		FUZZ_CHECK(err.msg[0] != '\0');
		return 0;
	}
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		clocks(s, &keys[k], 1795313700000LL + 100000000);
		clocks(s, &keys[k], 1795313700000LL + 400000000);
	}
	fb_sla_free(s);
	return 0;
}
