/*
 * fuzz_table.c: a table file (customers, agents: CSV with a header, TSV,
 * or NDJSON when it starts with '{'; plain or gzip) through fb_table_load
 * and fb_customers_load, as fb-rank --customers and fb-route's agent
 * list read them.  The first byte picks the file's suffix.
 *
 * Beyond "no crash" it checks that each row handed out is an object at a
 * line that counts up, that a failure names the file, and that every
 * customer the table knows is found again with a tier that is a string
 * and flags that are an array.
 */
#include "fuzz.h"
#include "fb.h"

struct rows {
	unsigned long last;
	size_t n;
};

static int
row(json_t *r, const struct fb_pos *pos, void *arg, struct fb_error *err)
{
	static const char *const names[] = {
		"id", "customer_id", "name", NULL
	};
	struct rows *rs = arg;
	char buf[64];

	(void)err;
	FUZZ_CHECK(json_is_object(r));
	FUZZ_CHECK(pos->line > rs->last);
	rs->last = pos->line;
	rs->n++;
	(void)fb_table_str(r, names, buf, sizeof(buf));
	return 0;
}

static void
lookup(const struct fb_customers *cs, const char *id, size_t len)
{
	struct fb_customer c;

	if (fb_customers_find(cs, id, len, &c)) {
		FUZZ_CHECK(c.tier == NULL || fb_utf8_check(c.tier,
		    strlen(c.tier)) == strlen(c.tier));
		FUZZ_CHECK(c.flags == NULL || json_is_array(c.flags));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {
		"table.csv", "table.tsv", "table.ndjson", "table.csv.gz",
	};
	struct fb_customers *cs;
	struct fb_error err;
	struct rows rs = { 0, 0 };
	const char *path, *name;
	size_t k;

	if (size < 1)
		return 0;
	name = names[data[0] % 4];
	path = fuzz_file(name, data + 1, size - 1);
	err.msg[0] = '\0';
	if (fb_table_load(path, row, &rs, &err) < 0)
		FUZZ_CHECK(strstr(err.msg, name) != NULL);
	if ((cs = fb_customers_load(path, &err)) == NULL) {
		FUZZ_CHECK(err.msg[0] != '\0');
		return 0;
	}
	FUZZ_CHECK(fb_customers_count(cs) <= rs.n);
	lookup(cs, "c-1", 3);
	lookup(cs, "", 0);
	/* Each short run of the input's bytes, as an id. */
	for (k = 1; k + 4 <= size && k < 64; k += 4)
		lookup(cs, (const char *)data + k, 4);
	fb_customers_free(cs);
	return 0;
}
