// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <math.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "lib/cgroup.h"
#include "lib/escape.h"
#include "lib/log.h"
#include "lib/names.h"
#include "lib/out.h"

#define NSEC_PER_SEC 1000000000LL

uint64_t mono_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static bool text_column_on(const struct out_col *c, bool shown, const struct out_cfg *cfg)
{
	if (!c->head || ((c->flags & OUT_HIDDEN) && !shown))
		return false;
	if ((c->flags & OUT_WITH_UID) && !cfg->show_uid)
		return false;
	if ((c->flags & OUT_WITH_CGROUP) && !cfg->show_cgroup)
		return false;
	if ((c->flags & OUT_WITH_TIME) && cfg->time == OUT_TIME_NONE)
		return false;
	return true;
}

/* Big blocks for pipes and files (the event loop flushes after every batch
 * of events); a terminal stays line-buffered. Before stdout's first write. */
static void stdout_buffer(void)
{
	static char block[1 << 16];
	static bool done;

	if (!done && !isatty(STDOUT_FILENO))
		setvbuf(stdout, block, _IOFBF, sizeof(block));
	done = true;
}

void out_init(struct out *o, FILE *f, const struct out_col *cols, unsigned ncols, uint64_t show,
	      const struct out_cfg *cfg)
{
	struct timespec real;

	memset(o, 0, sizeof(*o));
	if (f == stdout)
		stdout_buffer();
	o->f = f;
	o->cols = cols;
	o->ncols = ncols < OUT_MAX_COLS ? ncols : OUT_MAX_COLS;
	o->cfg = *cfg;
	/* No second: -1 is one (1969-12-31T23:59:59Z), which out_time() can show. */
	o->cached_sec = INT64_MIN;
	for (unsigned i = 0; i < o->ncols; i++)
		if (text_column_on(&cols[i], show & (1ULL << i), cfg))
			o->text_on |= 1ULL << i;
	clock_gettime(CLOCK_REALTIME, &real);
	o->start_mono_ns = mono_now_ns();
	o->mono_to_real_ns = real.tv_sec * NSEC_PER_SEC + real.tv_nsec - (int64_t)o->start_mono_ns;
}

static bool text_on(const struct out *o, unsigned col)
{
	return col < o->ncols && (o->text_on & (1ULL << col));
}

bool out_wanted(const struct out *o, unsigned col)
{
	if (col >= o->ncols)
		return false;
	return o->cfg.json ? o->cols[col].key != NULL : text_on(o, col);
}

static void pad(struct out *o, int n)
{
	while (n-- > 0)
		putc_unlocked(' ', o->f);
}

static bool is_last_text_col(const struct out *o, unsigned col)
{
	return col + 1 >= OUT_MAX_COLS || !(o->text_on >> (col + 1));
}

void out_header(struct out *o)
{
	bool first = true;

	if (o->cfg.json)
		return;
	for (unsigned i = 0; i < o->ncols; i++) {
		const struct out_col *c = &o->cols[i];
		const char *head = c->head;
		int n;

		if (!text_on(o, i))
			continue;
		if ((c->flags & OUT_WITH_TIME) && o->cfg.time == OUT_TIME_ELAPSED)
			head = "TIME(s)";
		if (!first)
			putc_unlocked(' ', o->f);
		first = false;
		n = strlen(head);
		if (c->flags & OUT_RIGHT)
			pad(o, c->width - n);
		fputs_unlocked(head, o->f);
		if (!(c->flags & OUT_RIGHT) && !is_last_text_col(o, i))
			pad(o, c->width - n);
	}
	putc_unlocked('\n', o->f);
}

void out_row_begin(struct out *o)
{
	o->fields = 0;
	if (o->cfg.json)
		putc_unlocked('{', o->f);
}

void out_row_end(struct out *o)
{
	if (o->cfg.json)
		putc_unlocked('}', o->f);
	putc_unlocked('\n', o->f);
}

static void json_key(struct out *o, const char *key)
{
	if (o->fields++)
		putc_unlocked(',', o->f);
	putc_unlocked('"', o->f);
	fputs_unlocked(key, o->f);
	fputs_unlocked("\":", o->f);
}

/* Starts a field; false when the column is not part of this format. */
static bool field(struct out *o, unsigned col)
{
	if (!out_wanted(o, col))
		return false;
	if (o->cfg.json)
		json_key(o, o->cols[col].key);
	else if (o->fields++)
		putc_unlocked(' ', o->f);
	return true;
}

bool out_key(struct out *o, unsigned col)
{
	return field(o, col);
}

/* A preformatted, already safe text value, padded to the column. */
static void text_value(struct out *o, unsigned col, const char *s, size_t n)
{
	const struct out_col *c = &o->cols[col];
	bool last = is_last_text_col(o, col);

	if (c->flags & OUT_RIGHT)
		pad(o, c->width - (int)n);
	fwrite_unlocked(s, 1, n, o->f);
	if (!(c->flags & OUT_RIGHT) && !last)
		pad(o, c->width - (int)n);
}

static size_t fmt_u64(char *buf, uint64_t v)
{
	char tmp[24];
	size_t n = 0, i = 0;

	do {
		tmp[n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (n)
		buf[i++] = tmp[--n];
	return i;
}

static void number(struct out *o, unsigned col, const char *s, size_t n)
{
	if (o->cfg.json)
		fwrite_unlocked(s, 1, n, o->f);
	else
		text_value(o, col, s, n);
}

void out_uint(struct out *o, unsigned col, uint64_t v)
{
	char buf[24];

	if (field(o, col))
		number(o, col, buf, fmt_u64(buf, v));
}

void out_int(struct out *o, unsigned col, int64_t v)
{
	char buf[24];
	size_t n = 0;

	if (!field(o, col))
		return;
	if (v < 0)
		buf[n++] = '-';
	n += fmt_u64(buf + n, v < 0 ? -(uint64_t)v : (uint64_t)v);
	number(o, col, buf, n);
}

void out_errno(struct out *o, unsigned col, int64_t err)
{
	const char *name = err > 0 && err <= 4095 && !o->cfg.json ? errno_name((int)err) : NULL;

	if (name)
		out_str(o, col, name, strlen(name));
	else
		out_int(o, col, err);
}

void out_ret(struct out *o, unsigned col, int64_t ret)
{
	if (ret < 0 && ret >= -4095 && !o->cfg.json && errno_name((int)-ret))
		out_errno(o, col, -ret);
	else
		out_int(o, col, ret);
}

void out_bool(struct out *o, unsigned col, bool v)
{
	if (!field(o, col))
		return;
	if (o->cfg.json)
		fputs_unlocked(v ? "true" : "false", o->f);
	else
		text_value(o, col, v ? "yes" : "no", v ? 3 : 2);
}

void out_double(struct out *o, unsigned col, double v, int decimals)
{
	char buf[64];
	int n;

	if (!field(o, col))
		return;
	/* "nan" and "inf" are not JSON: jq would reject the whole line. */
	if (o->cfg.json && !isfinite(v)) {
		fputs_unlocked("null", o->f);
		return;
	}
	n = snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	number(o, col, buf, n);
}

void out_str(struct out *o, unsigned col, const char *s, size_t maxlen)
{
	const struct out_col *c;
	size_t n;

	if (!field(o, col))
		return;
	if (o->cfg.json) {
		escape_json(o->f, s, maxlen);
		return;
	}
	c = &o->cols[col];
	if (c->flags & OUT_RIGHT)
		pad(o, c->width - (int)escape_text_len(s, maxlen));
	n = escape_text(o->f, s, maxlen);
	if (!(c->flags & OUT_RIGHT) && !is_last_text_col(o, col))
		pad(o, c->width - (int)n);
}

void out_time(struct out *o, unsigned col, uint64_t mono_ns)
{
	/* Whatever 64 bits an event holds, its time has the one width: the
	 * sum wraps (as unsigned numbers do, not into undefined behaviour),
	 * and a time before 1970 is rounded down to its second, so that its
	 * microseconds are not negative. */
	int64_t real = (int64_t)(mono_ns + (uint64_t)o->mono_to_real_ns);
	int64_t sec = real / NSEC_PER_SEC, ns = real % NSEC_PER_SEC;
	char buf[48];
	struct tm tm;
	time_t t;
	int n;

	if (!field(o, col))
		return;
	if (ns < 0) {
		sec--;
		ns += NSEC_PER_SEC;
	}
	t = sec;
	if (o->cfg.json) {
		/* RFC 3339, UTC, microseconds; the date part is cached per second. */
		if (sec != o->cached_sec) {
			gmtime_r(&t, &tm);
			strftime(o->cached_prefix, sizeof(o->cached_prefix), "%Y-%m-%dT%H:%M:%S",
				 &tm);
			o->cached_sec = sec;
		}
		n = snprintf(buf, sizeof(buf), "\"%s.%06lldZ\"", o->cached_prefix,
			     (long long)ns / 1000);
		fwrite_unlocked(buf, 1, n, o->f);
		return;
	}
	if (o->cfg.time == OUT_TIME_ELAPSED) {
		n = snprintf(buf, sizeof(buf), "%.3f",
			     (double)(int64_t)(mono_ns - o->start_mono_ns) / NSEC_PER_SEC);
	} else {
		localtime_r(&t, &tm);
		n = strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
	}
	text_value(o, col, buf, n);
}

void out_cgroup(struct out *o, unsigned col, uint64_t id)
{
	const char *path = o->cfg.show_cgroup ? cgroup_path_of(id) : NULL;
	char buf[32];

	if (!field(o, col))
		return;
	if (o->cfg.json) {
		fwrite_unlocked(buf, 1, fmt_u64(buf, id), o->f);
		if (o->cfg.show_cgroup) {
			json_key(o, "cgroup");
			if (path)
				escape_json(o->f, path, strlen(path));
			else
				fputs_unlocked("null", o->f);
		}
		return;
	}
	if (path) {
		const struct out_col *c = &o->cols[col];
		size_t n = escape_text(o->f, path, strlen(path));

		if (!is_last_text_col(o, col))
			pad(o, c->width - (int)n);
	} else {
		/* A cgroup that is gone (or never had a path we can see): its ID. */
		int n = snprintf(buf, sizeof(buf), "#%llu", (unsigned long long)id);

		text_value(o, col, buf, n);
	}
}

static void text_strv_item(struct out *o, const char *s, size_t len, bool quote)
{
	size_t i, run = 0;

	if (!quote) {
		escape_text(o->f, s, len);
		return;
	}
	putc_unlocked('"', o->f);
	for (i = 0; i < len && s[i]; i++) {
		if (s[i] != '"')
			continue;
		escape_text(o->f, s + run, i - run);
		fputs_unlocked("\\\"", o->f);
		run = i + 1;
	}
	escape_text(o->f, s + run, i - run);
	putc_unlocked('"', o->f);
}

bool out_strv(struct out *o, unsigned col, const char *buf, size_t len, unsigned max_items,
	      bool quote, bool cut)
{
	unsigned items = 0;
	size_t off = 0;

	if (!field(o, col)) {
		/* Still tell the caller whether the list was cut. */
		for (off = 0; off < len && items <= max_items; items++)
			off += strnlen(buf + off, len - off) + 1;
		return cut || items > max_items;
	}
	if (o->cfg.json)
		putc_unlocked('[', o->f);
	while (off < len) {
		size_t n = strnlen(buf + off, len - off);

		if (items == max_items) {
			cut = true;
			break;
		}
		if (items++)
			putc_unlocked(o->cfg.json ? ',' : ' ', o->f);
		if (o->cfg.json)
			escape_json(o->f, buf + off, n);
		else
			text_strv_item(o, buf + off, n, quote);
		off += n + 1;
	}
	if (o->cfg.json)
		putc_unlocked(']', o->f);
	else if (cut)
		fputs_unlocked(" ...", o->f);
	return cut;
}

void out_null(struct out *o, unsigned col, const char *text)
{
	if (!o->cfg.json) {
		out_str(o, col, text, strlen(text));
		return;
	}
	if (!out_key(o, col))
		return;
	fputs_unlocked("null", o->f);
	/* A cgroup column has its path too with -C (out_cgroup()): every
	 * line keeps the same keys. */
	if ((o->cols[col].flags & OUT_WITH_CGROUP) && o->cfg.show_cgroup) {
		json_key(o, "cgroup");
		fputs_unlocked("null", o->f);
	}
}

void out_str_cut(struct out *o, unsigned col, const char *s, size_t maxlen, bool cut)
{
	char buf[OUT_CUT_MAX + 4];
	size_t n = strnlen(s, maxlen);

	if (!cut || o->cfg.json || n > OUT_CUT_MAX) {
		out_str(o, col, s, maxlen);
		return;
	}
	/* "..." is printable ASCII: escaping leaves it as it is. */
	snprintf(buf, sizeof(buf), "%.*s...", (int)n, s);
	out_str(o, col, buf, n + 3);
}

int out_flush(struct out *o)
{
	int err;

	if (!fflush(o->f) && !ferror(o->f))
		return 0;
	err = errno ? -errno : -EIO;
	/* A reader that went away is the normal end of `tool | head`. */
	if (err != -EPIPE)
		log_err("writing output: %s", strerror(-err));
	return err;
}
