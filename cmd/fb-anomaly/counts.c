/*
 * counts.c: how unusual a count is, for the detectors that model counts
 * (volume, burst): the upper tail of the negative binomial and of the
 * Poisson, in logs so that the tiny probabilities of a real surge keep
 * their size.
 */
#include <math.h>

#include "anomaly.h"

/* Lentz's continued fraction for the incomplete beta (Numerical Recipes). */
static double
betacf(double a, double b, double x)
{
	double qab = a + b, qap = a + 1, qam = a - 1, c = 1, d, h, aa, del;
	int m, m2;

	d = 1 - qab * x / qap;
	if (fabs(d) < 1e-300)
		d = 1e-300;
	d = 1 / d;
	h = d;
	for (m = 1; m <= 300; m++) {
		m2 = 2 * m;
		aa = m * (b - m) * x / ((qam + m2) * (a + m2));
		d = 1 + aa * d;
		if (fabs(d) < 1e-300)
			d = 1e-300;
		c = 1 + aa / c;
		if (fabs(c) < 1e-300)
			c = 1e-300;
		d = 1 / d;
		h *= d * c;
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
		d = 1 + aa * d;
		if (fabs(d) < 1e-300)
			d = 1e-300;
		c = 1 + aa / c;
		if (fabs(c) < 1e-300)
			c = 1e-300;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-12)
			break;
	}
	return h;
}

/* log I_x(a, b), the regularized incomplete beta: logs keep tiny tails. */
static double
log_betai(double a, double b, double x)
{
	double lbt;

	if (x <= 0)
		return -INFINITY;
	if (x >= 1)
		return 0;
	lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) +
	    b * log1p(-x);
	if (x < (a + 1) / (a + b + 2))
		return lbt + log(betacf(a, b, x)) - log(a);
	return log1p(-fmin(1, exp(lbt + log(betacf(b, a, 1 - x)) - log(b))));
}

/* log of the regularized lower incomplete gamma P(a, x). */
static double
log_gammap(double a, double x)
{
	double sum, del, ap, b, c, d, h, an;
	int n;

	if (x <= 0)
		return -INFINITY;
	if (x < a + 1) {
		ap = a;
		sum = del = 1 / a;
		for (n = 0; n < 1000; n++) {
			ap += 1;
			del *= x / ap;
			sum += del;
			if (fabs(del) < fabs(sum) * 1e-14)
				break;
		}
		return log(sum) - x + a * log(x) - lgamma(a);
	}
	b = x + 1 - a;
	c = 1 / 1e-300;
	d = 1 / b;
	h = d;
	for (n = 1; n < 1000; n++) {
		an = -n * (n - a);
		b += 2;
		d = an * d + b;
		if (fabs(d) < 1e-300)
			d = 1e-300;
		c = b + an / c;
		if (fabs(c) < 1e-300)
			c = 1e-300;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-14)
			break;
	}
	/* P = 1 - Q */
	return log1p(-fmin(1, exp(-x + a * log(x) - lgamma(a)) * h));
}

/*
 * -log10 P(X >= x) for X negative binomial with mean 'mu' and shape 'r'
 * (variance mu + mu^2 / r; Poisson as r grows): P(X >= x) =
 * I_q(x, r) with q = mu / (mu + r).
 */
double
an_tail_score(double x, double mu, double r)
{
	double lp;

	if (x <= 0)
		return 0;
	if (mu < 1e-6)
		mu = 1e-6;
	if (r > 1e7)
		lp = log_gammap(x, mu);
	else
		lp = log_betai(x, r, mu / (mu + r));
	return lp >= 0 ? 0 : -lp / log(10);
}

