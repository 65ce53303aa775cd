/*
 * fb-notify: alert records out to people: a mail through sendmail, a
 * JSON POST through curl, or a line of text for a chat bridge.
 *
 * Alerts ({"type":"alert", ...} from fb-sla --breaches and fb-anomaly)
 * are consumed; every other record passes through unchanged, so the tool
 * can end a pipeline.  An alert already sent by a channel within --window
 * is not sent by it again: --state keeps when each alert key went out,
 * per channel, so a failed webhook is retried on the next run without
 * mailing twice.  Programs run with execvp(), never through a shell, and
 * nothing from the data reaches a mail header with a line break in it.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fb.h"
#include "fb_cli.h"

enum {
	OPT_WEBHOOK = FB_OPT_TOOL,
	OPT_CHAT,
	OPT_STATE,
	OPT_WINDOW,
	OPT_MAX_PER_RUN,
	OPT_DRY_RUN,
	OPT_FROM,
	OPT_TIMEOUT,
};

static const struct fb_opt opts[] = {
	{ 'm', "mail", "ADDR", "mail each alert to ADDR (repeatable)" },
	{ OPT_FROM, "from", "ADDR", "the mail's From address" },
	{ OPT_WEBHOOK, "webhook", "URL", "POST each alert as JSON to URL" },
	{ OPT_TIMEOUT, "timeout", "DURATION",
	    "give up a POST after DURATION (default 10s)" },
	{ OPT_CHAT, "chat", NULL, "write each alert as a line of text" },
	{ OPT_STATE, "state", "FILE",
	    "remember in FILE what was sent when" },
	{ OPT_WINDOW, "window", "DURATION",
	    "send the same alert once within DURATION (default 1h)" },
	{ OPT_MAX_PER_RUN, "max-per-run", "N",
	    "send N alerts at most, then one summary" },
	{ OPT_DRY_RUN, "dry-run", NULL, "say what would be sent, send nothing" },
	FB_OPT_COMMON,
	FB_OPT_INPUT,
	FB_OPT_OUTPUT,
	FB_OPT_TIME,
	FB_OPT_END
};

static const char *const usage[] = {
	"fb-notify [-qv] [-m addr] [--webhook url] [--chat] [--state file] "
	    "[--window duration] [file ...]",
	NULL
};

static const struct fb_tool tool = {
	usage,
	"Send alert records by mail, webhook or chat line, each alert once "
	    "within a window; pass other records through.",
	opts, NULL,
	"fb-sla -b items.ndjson | fb-notify -m ops@example.com "
	    "--state notify.state"
};

enum channel { CH_MAIL, CH_WEBHOOK, CH_CHAT, NCHANNELS };

static const char *const channel_names[NCHANNELS] = {
	"mail", "webhook", "chat"
};

struct notify {
	const char **mail_to;
	size_t nmail;
	const char *from;
	const char *webhook;
	int chat;
	int dry_run;
	long timeout_s;
	int64_t window;
	long max_per_run;	/* -1: no cap */
	const char *state_path;
	int lock_fd;
	fb_time_t now;

	/*
	 * When each alert key last went out by each channel: the keys
	 * numbered in 'keys', the times in sent_at[k * NCHANNELS + ch],
	 * FB_TIME_MIN for never.  A hash, not a list: a day's window of
	 * breaches checked every five minutes holds thousands of keys.
	 */
	struct fb_pool keys;
	fb_time_t *sent_at;
	size_t sent_cap;	/* keys sent_at has room for */

	int enabled[NCHANNELS];
	int failed[NCHANNELS];	/* a sender failed: send no more by it */
	unsigned long unsent[NCHANNELS];
	unsigned long nsent_run, suppressed, held;
	int send_error;

	struct fb_buf key, text, msg;
};

/*---- Alert keys and state ----*/

/* When 'key' last went out by 'ch': FB_TIME_MIN for never. */
static fb_time_t
sent_when(struct notify *N, const char *key, enum channel ch)
{
	uint32_t k = fb_pool_find(&N->keys, key, strlen(key));

	if (k == FB_POOL_NOMEM)
		fb_diex("out of memory");
	return k == 0 ? FB_TIME_MIN : N->sent_at[k * NCHANNELS + ch];
}

static void
sent_mark(struct notify *N, const char *key, enum channel ch, fb_time_t at)
{
	uint32_t k = fb_xintern(&N->keys, key, strlen(key));
	size_t i, old = N->sent_cap;

	if (k >= N->sent_cap) {
		N->sent_cap = k < 32 ? 64 : 2 * (size_t)k;
		N->sent_at = fb_xrealloc(N->sent_at, N->sent_cap * NCHANNELS,
		    sizeof(*N->sent_at));
		for (i = old * NCHANNELS; i < N->sent_cap * NCHANNELS; i++)
			N->sent_at[i] = FB_TIME_MIN;
	}
	if (at > N->sent_at[k * NCHANNELS + ch])
		N->sent_at[k * NCHANNELS + ch] = at;
}

/*
 * The state file is NDJSON, one {"key","via","sent"} per line, so a
 * person can read it and a key may hold any character.
 */
static void
state_read(struct notify *N)
{
	char lock_path[4096];
	struct fb_error err;
	struct fb_reader *r;
	struct fb_line line;
	struct fb_pos pos;
	int rc, ch;

	if (snprintf(lock_path, sizeof(lock_path), "%s.lock", N->state_path) >=
	    (int)sizeof(lock_path))
		fb_diex("--state: name too long");
	/* rename() replaces the state file, so the lock is a file beside it */
	N->lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (N->lock_fd < 0)
		fb_die("%s", lock_path);
	if (flock(N->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		if (fb_conf.verbose)
			fb_warnx("%s: waiting for another fb-notify",
			    lock_path);
		while (flock(N->lock_fd, LOCK_EX) < 0)
			if (errno != EINTR)
				fb_die("%s: lock", lock_path);
	}
	if (access(N->state_path, F_OK) < 0 && errno == ENOENT)
		return;
	if ((r = fb_reader_open(N->state_path, 64 * 1024, &err)) == NULL)
		fb_diex("%s: %s", N->state_path, err.msg);
	while ((rc = fb_reader_next(r, &line, &err)) > 0) {
		json_t *j, *jk, *jv, *js;
		fb_time_t at;

		pos = line.pos;
		j = json_loadb(line.data, line.len, 0, NULL);
		jk = json_object_get(j, "key");
		jv = json_object_get(j, "via");
		js = json_object_get(j, "sent");
		for (ch = 0; ch < NCHANNELS && json_is_string(jv); ch++)
			if (strcmp(json_string_value(jv),
			    channel_names[ch]) == 0)
				break;
		if (!json_is_string(jk) || !json_is_string(jv) ||
		    ch == NCHANNELS || !json_is_string(js) ||
		    fb_time_parse_rfc3339(json_string_value(js),
		    json_string_length(js), &at) < 0)
			fb_warning("%s:%lu: not a state line, ignored",
			    pos.file, pos.line);
		else
			sent_mark(N, json_string_value(jk), (enum channel)ch,
			    at);
		json_decref(j);
	}
	if (rc < 0)
		fb_diex("%s: %s", N->state_path, err.msg);
	fb_reader_close(r);
}

/*
 * Writes the keys still inside the window to a temporary file and
 * renames it over the state, so a crash leaves the old state or the new
 * one, never half of one.  Returns 0, or -1 after reporting.
 */
static int
state_write(struct notify *N)
{
	struct fb_buf b = { 0 }, tmp = { 0 };
	char tb[FB_TIME_BUFSZ];
	size_t k;
	int fd, ch, rc = -1;
	fb_time_t at;

	for (k = 1; k <= N->keys.n; k++)
		for (ch = 0; ch < NCHANNELS; ch++) {
			at = N->sent_at[k * NCHANNELS + ch];
			if (at <= N->now - N->window)
				continue;	/* it may go out again anyway */
			fb_buf_adds(&b, "{\"key\":");
			fb_buf_json_str(&b, fb_pool_str(&N->keys, (uint32_t)k),
			    fb_pool_len(&N->keys, (uint32_t)k));
			fb_time_format(at, tb);
			fb_buf_printf(&b, ",\"via\":\"%s\",\"sent\":\"%s\"}\n",
			    channel_names[ch], tb);
		}
	fb_buf_printf(&tmp, "%s.XXXXXX", N->state_path);
	if (b.err || tmp.err) {
		fb_warnx("out of memory");
		goto out;
	}
	if ((fd = mkstemp(tmp.p)) < 0) {
		fb_warn("%s", tmp.p);
		goto out;
	}
	if (fb_write_all(fd, b.p, b.len) < 0) {
		fb_warn("%s", tmp.p);
		close(fd);
		unlink(tmp.p);
		goto out;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fb_warn("%s", tmp.p);
		unlink(tmp.p);
		goto out;
	}
	if (rename(tmp.p, N->state_path) < 0) {
		fb_warn("%s", N->state_path);
		unlink(tmp.p);
		goto out;
	}
	rc = 0;
out:
	fb_buf_release(&b);
	fb_buf_release(&tmp);
	return rc;
}

/*
 * The alert's key: its id, else what raised it and what it is about, so
 * that the same breach found by two runs is one alert.
 */
static int
alert_key(struct fb_rec *rec, struct fb_buf *key)
{
	static const char *const about[] = {
		"item", "sku", "region", "province", "customer", "queue",
		"channel", "category", "clock"
	};
	const char *s;
	struct fb_span v;
	size_t i, len;

	key->len = 0;
	if ((s = fb_rec_get_str(rec, "id", &len)) != NULL && len > 0) {
		fb_buf_add(key, s, len);
		return key->err ? -1 : 0;
	}
	if ((s = fb_rec_get_str(rec, "kind", &len)) == NULL &&
	    (s = fb_rec_get_str(rec, "detector", &len)) == NULL)
		return -1;
	fb_buf_add(key, s, len);
	for (i = 0; i < sizeof(about) / sizeof(about[0]); i++) {
		if (!fb_rec_raw(rec, about[i], &v))
			continue;
		fb_buf_printf(key, " %s=", about[i]);
		fb_buf_add(key, v.p, v.len);
	}
	if (fb_rec_raw(rec, "key", &v)) {
		fb_buf_adds(key, " key=");
		fb_buf_add(key, v.p, v.len);
	}
	return key->err ? -1 : 0;
}

/*---- What an alert says ----*/

#define SHOWN_MAX 200	/* bytes of one piece of data in a headline */

/* Adds the string at 'path' for a person, controls removed; 0 if absent. */
static int
add_field(struct fb_rec *rec, struct fb_buf *b, const char *path)
{
	const char *s;
	size_t len;

	if ((s = fb_rec_get_str(rec, path, &len)) == NULL || len == 0)
		return 0;
	fb_buf_add_clean(b, s, len, SHOWN_MAX);
	return 1;
}

/*
 * "[P1] sla_breach item 8f2c queue vip": how bad, what, and about what,
 * one line with no control characters, for a chat line and a subject.
 */
static void
headline(struct fb_rec *rec, struct fb_buf *b)
{
	static const char *const about[] = {
		"item", "queue", "sku", "region", "customer", "policy", "clock"
	};
	const char *s;
	size_t i, len;

	fb_buf_addc(b, '[');
	if (!add_field(rec, b, "severity") && !add_field(rec, b, "priority"))
		fb_buf_adds(b, "alert");
	fb_buf_adds(b, "] ");
	if (!add_field(rec, b, "kind") && !add_field(rec, b, "detector"))
		fb_buf_adds(b, "alert");
	if ((s = fb_rec_get_str(rec, "summary", &len)) != NULL && len > 0) {
		fb_buf_adds(b, ": ");
		fb_buf_add_clean(b, s, len, SHOWN_MAX);
		return;
	}
	for (i = 0; i < sizeof(about) / sizeof(about[0]); i++) {
		if ((s = fb_rec_get_str(rec, about[i], &len)) == NULL ||
		    len == 0)
			continue;
		fb_buf_printf(b, " %s ", about[i]);
		fb_buf_add_clean(b, s, len, SHOWN_MAX);
	}
}

static void
add_base64(struct fb_buf *b, const unsigned char *s, size_t n)
{
	static const char digits[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;
	unsigned long v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned long)s[i] << 16 | (unsigned long)s[i + 1] << 8 |
		    s[i + 2];
		fb_buf_addc(b, digits[v >> 18 & 63]);
		fb_buf_addc(b, digits[v >> 12 & 63]);
		fb_buf_addc(b, digits[v >> 6 & 63]);
		fb_buf_addc(b, digits[v & 63]);
	}
	if (i < n) {
		v = (unsigned long)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)s[i + 1] << 8;
		fb_buf_addc(b, digits[v >> 18 & 63]);
		fb_buf_addc(b, digits[v >> 12 & 63]);
		fb_buf_addc(b, i + 1 < n ? digits[v >> 6 & 63] : '=');
		fb_buf_addc(b, '=');
	}
}

/*
 * Adds header text already free of controls: as it is when ASCII, else
 * as RFC 2047 encoded words of whole characters, each on a line of its
 * own under 76 columns; the first starts at column 'col'.
 */
static void
add_header_text(struct fb_buf *b, const char *s, size_t n, size_t col)
{
	size_t i, start, k, max;
	uint32_t cp;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			break;
	if (i == n) {
		fb_buf_add(b, s, n);
		return;
	}
	for (start = 0; start < n; start = i) {
		/* 45 bytes are 60 of base64; with =?UTF-8?B??= 72 */
		max = 45;
		if (start == 0)
			max = col + 12 + 8 < 76 ? (76 - col - 12) / 4 * 3 : 6;
		for (i = start; i < n; i += k) {
			k = fb_utf8_next(s, n, i, &cp);
			/* a character longer than 'max' goes whole */
			if (i + k - start > max && i > start)
				break;
		}
		if (start > 0)
			fb_buf_adds(b, "\n ");
		fb_buf_adds(b, "=?UTF-8?B?");
		add_base64(b, (const unsigned char *)s + start, i - start);
		fb_buf_adds(b, "?=");
	}
}

/* "Sun, 22 Nov 2026 02:15:00 +0000" (RFC 5322 3.3), not the locale's. */
static void
add_mail_date(struct fb_buf *b, fb_time_t t)
{
	static const char *const wday[] = {
		"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"
	};
	static const char *const mon[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
		"Oct", "Nov", "Dec"
	};
	int64_t secs = t / 1000 - (t % 1000 < 0), days, y, rem;
	int m, d;

	days = secs / 86400 - (secs % 86400 < 0);
	rem = secs - days * 86400;
	fb_civil_from_days(days, &y, &m, &d);
	fb_buf_printf(b, "%s, %02d %s %lld %02d:%02d:%02d +0000",
	    wday[((days % 7) + 7) % 7], d, mon[m - 1], (long long)y,
	    (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
}

/* The mail for one alert, or for 'held' alerts held back when 'rec' is NULL. */
static void
build_mail(struct notify *N, struct fb_rec *rec, unsigned long held)
{
	struct fb_buf *m = &N->msg;
	char *val = NULL;
	size_t i, col, cap = 0;
	long len;
	const char *s;

	m->len = 0;
	if (N->from != NULL)
		fb_buf_printf(m, "From: %s\n", N->from);
	fb_buf_adds(m, "To: ");
	for (i = 0; i < N->nmail; i++)
		fb_buf_printf(m, "%s%s", i > 0 ? ",\n " : "", N->mail_to[i]);
	fb_buf_adds(m, "\nSubject: fb: ");
	col = strlen("Subject: fb: ");
	N->text.len = 0;
	if (rec != NULL)
		headline(rec, &N->text);
	else
		fb_buf_printf(&N->text, "%lu more alerts held back by "
		    "--max-per-run", held);
	add_header_text(m, N->text.p, N->text.len, col);
	fb_buf_adds(m, "\nDate: ");
	add_mail_date(m, N->now);
	fb_buf_adds(m, "\nMIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=UTF-8\n"
	    "Content-Transfer-Encoding: 8bit\n"
	    "Auto-Submitted: auto-generated\n\n");
	fb_buf_add(m, N->text.p, N->text.len);
	fb_buf_adds(m, "\n\n");
	if (rec == NULL) {
		fb_buf_printf(m, "fb-notify sent %lu alerts in this run and "
		    "held back %lu more.\nThey go out on the next run.\n",
		    N->nsent_run, held);
		return;
	}
	/* every field, one per line, each cut short of the 998-byte limit */
	for (i = 0; i < rec->nmembers; i++) {
		struct fb_member *f = &rec->members[i];

		fb_buf_add_clean(m, f->key.p, f->key.len, 100);
		fb_buf_adds(m, ": ");
		if (f->val.len > 0 && f->val.p[0] == '"') {
			if (f->val.len > cap) {
				cap = f->val.len;
				val = fb_xrealloc(val, cap, 1);
			}
			if ((len = fb_json_string(f->val, val, cap, &s)) >= 0)
				fb_buf_add_clean(m, s, (size_t)len, 800);
		} else {
			fb_buf_add_clean(m, f->val.p, f->val.len, 800);
		}
		fb_buf_addc(m, '\n');
	}
	free(val);
}

/*---- Senders ----*/

/* Whether an executable 'name' is on $PATH. */
static int
on_path(const char *name)
{
	const char *path = getenv("PATH"), *p, *end;
	char buf[4096];

	if (path == NULL)
		return 0;
	for (p = path; ; p = end + 1) {
		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		if (end > p && snprintf(buf, sizeof(buf), "%.*s/%s",
		    (int)(end - p), p, name) < (int)sizeof(buf) &&
		    access(buf, X_OK) == 0)
			return 1;
		if (*end == '\0')
			return 0;
	}
}

static const char *
sendmail_program(void)
{
	const char *s = getenv("FB_SENDMAIL");

	if (s != NULL && *s != '\0')
		return s;
	if (on_path("sendmail"))
		return "sendmail";
	return "/usr/sbin/sendmail";
}

/*
 * Runs argv[0] (execvp: no shell) with 'data' on its standard input and
 * its standard output on our standard error, which keeps the record
 * stream clean.  Returns 0 when it read everything and exited 0; else
 * reports what went wrong, naming 'what', and returns -1.
 */
static int
run(const char *what, char *const argv[], const char *data, size_t len)
{
	int fds[2], st, write_err = 0;
	pid_t pid;

	if (pipe(fds) < 0) {
		fb_warn("%s: pipe", what);
		return -1;
	}
	if ((pid = fork()) < 0) {
		fb_warn("%s: fork", what);
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		if (dup2(fds[0], 0) < 0 || dup2(2, 1) < 0)
			_exit(126);
		close(fds[0]);
		close(fds[1]);
		execvp(argv[0], argv);
		fprintf(stderr, "%s: %s: cannot run %s: %s\n", fb_progname,
		    what, argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[0]);
	if (fb_write_all(fds[1], data, len) < 0)
		write_err = errno;
	close(fds[1]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			fb_warn("%s: wait", what);
			return -1;
		}
	if (WIFSIGNALED(st)) {
		fb_warnx("%s failed: %s killed by signal %d", what, argv[0],
		    WTERMSIG(st));
		return -1;
	}
	if (WEXITSTATUS(st) != 0) {
		fb_warnx("%s failed: %s exit status %d", what, argv[0],
		    WEXITSTATUS(st));
		return -1;
	}
	if (write_err != 0) {
		fb_warnx("%s failed: %s did not read the message: %s", what,
		    argv[0], strerror(write_err));
		return -1;
	}
	return 0;
}

static int
send_mail(struct notify *N, struct fb_rec *rec, unsigned long held)
{
	char *argv[4];

	build_mail(N, rec, held);
	if (N->msg.err)
		fb_diex("out of memory");
	argv[0] = (char *)sendmail_program();
	argv[1] = "-t";
	argv[2] = "-i";
	argv[3] = NULL;
	if (N->dry_run) {
		/* the message is clean already: fb_warnx() would join its lines */
		fb_warnx("dry run: would pipe to %s -t -i:", argv[0]);
		fputs(N->msg.p, stderr);
		return 0;
	}
	return run("mail", argv, N->msg.p, N->msg.len);
}

static int
send_webhook(struct notify *N, const char *body, size_t len)
{
	char timeout[32], *argv[20];
	const char *curl = getenv("FB_CURL");
	int i = 0;

	snprintf(timeout, sizeof(timeout), "%ld", N->timeout_s);
	argv[i++] = (char *)(curl != NULL && *curl != '\0' ? curl : "curl");
	argv[i++] = "-q";	/* no ~/.curlrc: it could send elsewhere */
	argv[i++] = "-sS";
	argv[i++] = "--fail";
	argv[i++] = "--proto";
	argv[i++] = "=http,https";
	argv[i++] = "--max-time";
	argv[i++] = timeout;
	argv[i++] = "-o";
	argv[i++] = "/dev/null";
	argv[i++] = "--data-binary";
	argv[i++] = "@-";
	argv[i++] = "-H";
	argv[i++] = "Content-Type: application/json";
	argv[i++] = "--url";
	argv[i++] = (char *)N->webhook;
	argv[i] = NULL;
	if (N->dry_run) {
		fb_warnx("dry run: would POST to %s: %.*s", N->webhook,
		    (int)len, body);
		return 0;
	}
	return run("webhook", argv, body, len);
}

static int
send_chat(struct notify *N, const char *line, size_t len)
{
	if (N->dry_run) {
		fb_warnx("dry run: would write: %.*s", (int)len, line);
		return 0;
	}
	if (fb_out_write(&fb_stdout, line, len) < 0 ||
	    fb_out_end_record(&fb_stdout) < 0)
		return -1;	/* fb_cli_finish() reports it */
	return 0;
}

/* Sends 'rec' (or the held-back summary when NULL) by channel 'ch'. */
static int
send_by(struct notify *N, enum channel ch, struct fb_rec *rec,
    unsigned long held)
{
	struct fb_buf body = { 0 };
	int rc;

	switch (ch) {
	case CH_MAIL:
		return send_mail(N, rec, held);
	case CH_WEBHOOK:
		if (rec != NULL)
			return send_webhook(N, rec->line, rec->len);
		fb_buf_printf(&body, "{\"type\":\"alert_summary\",\"held\":%lu,"
		    "\"sent\":%lu}", held, N->nsent_run);
		if (body.err)
			fb_diex("out of memory");
		rc = send_webhook(N, body.p, body.len);
		fb_buf_release(&body);
		return rc;
	default:
		N->text.len = 0;
		if (rec != NULL)
			headline(rec, &N->text);
		else
			fb_buf_printf(&N->text, "[fb] %lu more alerts held "
			    "back by --max-per-run", held);
		if (N->text.err)
			fb_diex("out of memory");
		return send_chat(N, N->text.p, N->text.len);
	}
}

/*---- Reading ----*/

static int
on_record(struct fb_rec *rec, const struct fb_pos *pos, void *arg)
{
	struct notify *N = arg;
	const char *type;
	int ch, due = 0;
	size_t len;

	type = fb_rec_get_str(rec, "type", &len);
	if (type == NULL || len != 5 || memcmp(type, "alert", 5) != 0)
		return FB_EMIT;
	if (alert_key(rec, &N->key) < 0) {
		if (N->key.err)
			fb_diex("out of memory");
		return fb_bad(pos, "an alert needs an id, a kind or a "
		    "detector");
	}
	for (ch = 0; ch < NCHANNELS; ch++) {
		if (!N->enabled[ch])
			continue;
		if (sent_when(N, N->key.p, (enum channel)ch) <=
		    N->now - N->window)
			due = 1;
	}
	if (!due) {
		N->suppressed++;
		if (fb_conf.verbose)
			fb_warnx("%s:%lu: %s sent within --window already",
			    pos->file, pos->line, N->key.p);
		return FB_DROP;
	}
	if (N->max_per_run >= 0 && N->nsent_run >= (unsigned long)
	    N->max_per_run) {
		N->held++;
		return FB_DROP;
	}
	N->nsent_run++;
	for (ch = 0; ch < NCHANNELS; ch++) {
		if (!N->enabled[ch])
			continue;
		if (sent_when(N, N->key.p, (enum channel)ch) >
		    N->now - N->window)
			continue;
		if (N->failed[ch]) {
			N->unsent[ch]++;
			continue;
		}
		if (fb_conf.verbose)
			fb_warnx("%s:%lu: sending %s by %s", pos->file,
			    pos->line, N->key.p, channel_names[ch]);
		if (send_by(N, (enum channel)ch, rec, 0) < 0) {
			/* not marked: the next run tries again */
			N->failed[ch] = 1;
			N->unsent[ch]++;
			N->send_error = 1;
			continue;
		}
		if (!N->dry_run)
			sent_mark(N, N->key.p, (enum channel)ch, N->now);
	}
	return FB_DROP;
}

/* An address for a header: no spaces, controls, commas or brackets. */
static const char *
check_addr(const char *s, const char *opt)
{
	const char *p;

	if (*s == '\0' || *s == '-')
		fb_diex("%s: not an address: '%s'", opt, s);
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f ||
		    strchr(",;:<>()[]\"\\", *p) != NULL)
			fb_diex("%s: not an address: '%s'", opt, s);
	return s;
}

int
main(int argc, char *argv[])
{
	static struct notify note;
	struct notify *N = &note;
	const char *arg;
	int opt, status, ch;

	fb_cli_init("fb-notify");
	N->window = 3600 * 1000LL;
	N->max_per_run = -1;
	N->timeout_s = 10;
	N->lock_fd = -1;
	while ((opt = fb_getopt(argc, argv, &tool, &arg)) != -1) {
		switch (opt) {
		case 'm':
			N->mail_to = fb_xrealloc(N->mail_to, N->nmail + 1,
			    sizeof(*N->mail_to));
			N->mail_to[N->nmail++] = check_addr(arg, "--mail");
			break;
		case OPT_FROM:
			N->from = check_addr(arg, "--from");
			break;
		case OPT_WEBHOOK:
			if (strncmp(arg, "http://", 7) != 0 &&
			    strncmp(arg, "https://", 8) != 0)
				fb_diex("--webhook: an http:// or https:// "
				    "URL, not '%s'", arg);
			N->webhook = arg;
			break;
		case OPT_TIMEOUT:
			N->timeout_s = (long)((fb_parse_duration(arg,
			    "--timeout") + 999) / 1000);
			if (N->timeout_s <= 0)
				fb_diex("--timeout: a duration of more than "
				    "0");
			break;
		case OPT_CHAT:
			N->chat = 1;
			break;
		case OPT_STATE:
			N->state_path = arg;
			break;
		case OPT_WINDOW:
			N->window = fb_parse_duration(arg, "--window");
			if (N->window < 0)
				fb_diex("--window: a duration of 0 or more");
			break;
		case OPT_MAX_PER_RUN:
			N->max_per_run = fb_parse_long(arg, 0, 1000000,
			    "--max-per-run");
			break;
		case OPT_DRY_RUN:
			N->dry_run = 1;
			break;
		default:
			fb_usage(&tool);
		}
	}
	N->enabled[CH_MAIL] = N->nmail > 0;
	N->enabled[CH_WEBHOOK] = N->webhook != NULL;
	N->enabled[CH_CHAT] = N->chat;
	if (!N->enabled[CH_MAIL] && !N->enabled[CH_WEBHOOK] && !N->chat)
		fb_diex("nothing to send by: give --mail, --webhook or "
		    "--chat");
	if (N->from != NULL && N->nmail == 0)
		fb_diex("--from goes with --mail");
	N->now = fb_time_now();
	if (N->state_path != NULL)
		state_read(N);

	status = fb_each_record(argc - optind, argv + optind, on_record, N);

	if (N->held > 0) {
		if (!fb_conf.quiet)
			fb_warnx("%lu alerts held back by --max-per-run %ld",
			    N->held, N->max_per_run);
		for (ch = 0; ch < NCHANNELS; ch++)
			if (N->enabled[ch] && !N->failed[ch] &&
			    send_by(N, (enum channel)ch, NULL, N->held) < 0)
				N->send_error = 1;
	}
	for (ch = 0; ch < NCHANNELS; ch++)
		if (N->unsent[ch] > 0)
			fb_warnx("%lu alerts not sent by %s; the next run "
			    "tries again", N->unsent[ch], channel_names[ch]);
	if (fb_conf.verbose)
		fb_warnx("%lu alerts sent, %lu suppressed within the window, "
		    "%lu held back", N->nsent_run, N->suppressed, N->held);
	if (N->state_path != NULL && !N->dry_run && state_write(N) < 0)
		status = FB_EXIT_ERROR;
	if (N->send_error)
		status = FB_EXIT_ERROR;

	if (N->lock_fd >= 0)
		close(N->lock_fd);
	fb_pool_release(&N->keys);
	free(N->sent_at);
	free(N->mail_to);
	fb_buf_release(&N->key);
	fb_buf_release(&N->text);
	fb_buf_release(&N->msg);
	return fb_cli_finish(status);
}
