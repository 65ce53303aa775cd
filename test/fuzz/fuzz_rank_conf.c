/*
 * fuzz_rank_conf.c: a priority policy (rank.conf: weights, severity
 * patterns, thresholds, named score tables, spend curve, history and
 * burst settings) through fb-rank's policy_load.  The loader is static
 * in cmd/fb-rank.c, so this target includes that file with its main()
 * renamed.
 *
 * Beyond "no crash" it checks that a failure names the file, and that a
 * policy that loads is usable as fb-rank assumes: its weights are not
 * negative and add up to 1, its thresholds fall from P0 to P2, each
 * tag's rule is one of the severity lines, and the spend curve grows.
 */
#include "fuzz.h"

#include <math.h>

#define main fb_rank_main
int fb_rank_main(int argc, char *argv[]);
#include "../../cmd/fb-rank.c"
#undef main

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy p;
	struct fb_error err;
	double sum = 0;
	size_t k;
	int i;

	err.msg[0] = '\0';
	if (policy_load(&p, fuzz_file("rank.conf", data, size), &err) < 0) {
		FUZZ_CHECK(strstr(err.msg, "rank.conf") != NULL);
		policy_release(&p);
		return 0;
	}
	for (i = 0; i < NFACTORS; i++) {
		FUZZ_CHECK(p.weight[i] >= 0);
		sum += p.weight[i];
	}
	FUZZ_CHECK(fabs(sum - 1) < 1e-9);
	FUZZ_CHECK(p.threshold[0] > p.threshold[1] &&
	    p.threshold[1] > p.threshold[2]);
	for (i = 0; i < FB_TAXONOMY_NTAGS; i++)
		FUZZ_CHECK(p.tag_rule[i] < (long)p.nsev);
	for (k = 1; k < p.nspend; k++)
		FUZZ_CHECK(p.spend[k].spend > p.spend[k - 1].spend);
	FUZZ_CHECK(p.history_size >= 16 && p.burst >= 1);
	policy_release(&p);
	return 0;
}
