/*
 * test_config: where fb_config_find() looks, in what order, and which
 * names it refuses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fb.h"
#include "tap.h"

static char tmpdir[] = "/tmp/fb-unit-config-XXXXXX";
static char *made[32];
static size_t nmade;

/* Remembers a path to remove at the end (files before their directories). */
static char *
remember(char *p)
{
	if (nmade == sizeof(made) / sizeof(made[0]))
		abort();
	made[nmade++] = p;
	return p;
}

static char *
mkpath(const char *dir, const char *name)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);

	if (p == NULL)
		abort();
	sprintf(p, "%s/%s", dir, name);
	return p;
}

static char *
mkdir_in(const char *dir, const char *name)
{
	char *p = mkpath(dir, name);

	if (mkdir(p, 0755) < 0)
		abort();
	return remember(p);
}

static char *
file_in(const char *dir, const char *name)
{
	char *p = mkpath(dir, name);
	FILE *f = fopen(p, "w");

	if (f == NULL)
		abort();
	fputs("# test\n", f);
	fclose(f);
	return remember(p);
}

static void
find_is(const char *name, const char *want, const char *what)
{
	char out[4096];
	int rc;

	strcpy(out, "untouched");
	rc = fb_config_find(name, out, sizeof(out));
	if (want == NULL)
		is_int(rc, -1, "%s: '%s' is not found", what, name);
	else if (ok(rc == 0, "%s: '%s' is found", what, name))
		is_str(out, want, "%s: path", what);
}

int
main(void)
{
	char *conf, *data, *home, *cfg, *sub, *both_c, *both_d, *only_c, *only_d,
	    *sub_f, *home_f, *dir_d, small[8];
	char name_both[64], name_conf[64], name_data[64], name_home[64],
	    name_sub[80], name_dir[64], name_secret[64], up[80];
	int pid = (int)getpid(), k;

	if (mkdtemp(tmpdir) == NULL)
		abort();
	/* Names nobody else has, so a real /etc/fb or DATADIR cannot answer. */
	snprintf(name_both, sizeof(name_both), "fb-unit-%d-both.conf", pid);
	snprintf(name_conf, sizeof(name_conf), "fb-unit-%d-conf.conf", pid);
	snprintf(name_data, sizeof(name_data), "fb-unit-%d-data.conf", pid);
	snprintf(name_home, sizeof(name_home), "fb-unit-%d-home.conf", pid);
	snprintf(name_dir, sizeof(name_dir), "fb-unit-%d-dir.conf", pid);
	snprintf(name_secret, sizeof(name_secret), "fb-unit-%d-secret.conf", pid);

	conf = mkdir_in(tmpdir, "conf");
	data = mkdir_in(tmpdir, "data");
	home = mkdir_in(tmpdir, "home");
	cfg = mkdir_in(home, ".config");
	cfg = mkdir_in(cfg, "fb");
	sub = mkdir_in(data, "rules");
	both_c = file_in(conf, name_both);
	both_d = file_in(data, name_both);
	only_c = file_in(conf, name_conf);
	only_d = file_in(data, name_data);
	snprintf(name_sub, sizeof(name_sub), "rules/%s", name_data);
	sub_f = file_in(sub, name_data);
	home_f = file_in(cfg, name_home);
	mkdir_in(conf, name_dir);		/* a directory is not a file */
	dir_d = file_in(data, name_dir);
	file_in(tmpdir, name_secret);

	setenv("FB_CONFIG_DIR", conf, 1);
	setenv("FB_DATADIR", data, 1);
	setenv("HOME", home, 1);

	find_is(name_both, both_c, "in both: FB_CONFIG_DIR wins");
	find_is(name_conf, only_c, "only in FB_CONFIG_DIR");
	find_is(name_data, only_d, "only in FB_DATADIR");
	find_is(name_sub, sub_f, "in a subdirectory of FB_DATADIR");
	find_is(name_dir, dir_d, "a directory in FB_CONFIG_DIR is skipped");
	find_is("fb-unit-absent.conf", NULL, "absent");
	find_is(name_home, NULL, "with FB_CONFIG_DIR set, ~/.config/fb is not searched");

	snprintf(up, sizeof(up), "../%s", name_secret);
	find_is(up, NULL, "'..' refused");
	snprintf(up, sizeof(up), "rules/../../%s", name_secret);
	find_is(up, NULL, "'..' inside the name refused");
	find_is(both_c, NULL, "an absolute name refused");

	is_int(fb_config_find(name_both, small, sizeof(small)), -1,
	    "a path longer than the buffer is not returned");

	unsetenv("FB_CONFIG_DIR");
	find_is(name_home, home_f, "without FB_CONFIG_DIR: ~/.config/fb");
	find_is(name_both, both_d, "without FB_CONFIG_DIR: FB_DATADIR");
	setenv("FB_CONFIG_DIR", "", 1);
	find_is(name_home, home_f, "an empty FB_CONFIG_DIR counts as unset");

	unsetenv("FB_DATADIR");
	setenv("FB_CONFIG_DIR", conf, 1);
	find_is(name_data, NULL, "without FB_DATADIR the data directory is not searched");

	for (k = (int)nmade - 1; k >= 0; k--) {
		if (remove(made[k]) < 0)
			diag("cannot remove %s", made[k]);
		free(made[k]);
	}
	rmdir(tmpdir);
	return done_testing();
}
