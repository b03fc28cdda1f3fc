// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "lib/cgroup.h"
#include "lib/escape.h"
#include "lib/log.h"
#include "lib/names.h"
#include "lib/out.h"
#include "lib/prom.h"

#define NSEC_PER_SEC 1000000000LL
/* The widest padding written in one fixed-size copy. */
#define OUT_PAD_FAST 32

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
 * of events, and with --line-buffered a batch is what came since the last
 * one, down to one event); a terminal stays line-buffered. Before stdout's
 * first write. */
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
	for (unsigned i = 0; i < o->ncols; i++) {
		if (text_column_on(&cols[i], show & (1ULL << i), cfg))
			o->text_on |= 1ULL << i;
		if (cfg->json ? cols[i].key != NULL : !!(o->text_on & (1ULL << i)))
			o->want |= 1ULL << i;
		if (cols[i].key && strlen(cols[i].key) + 4 < OUT_KEY_ROOM)
			o->key_json_len[i] =
			    snprintf(o->key_json[i], OUT_KEY_ROOM, ",\"%s\":", cols[i].key);
	}
	clock_gettime(CLOCK_REALTIME, &real);
	o->start_mono_ns = mono_now_ns();
	o->mono_to_real_ns = real.tv_sec * NSEC_PER_SEC + real.tv_nsec - (int64_t)o->start_mono_ns;
}

/* ------------------------------------------------------------ the line --- */

void out_push(struct out *o)
{
	if (o->len)
		fwrite_unlocked(o->line, 1, o->len, o->f);
	o->len = 0;
}

/* Room for n more bytes at the end of the line (what it holds goes to the
 * stream first when it lacks it); NULL when n is more than a line holds:
 * then the caller writes to the stream itself, the line being empty. */
static inline char *room(struct out *o, size_t n)
{
	if (n <= sizeof(o->line) - o->len)
		return o->line + o->len;
	out_push(o);
	return n <= sizeof(o->line) ? o->line : NULL;
}

static inline void grow(struct out *o, const char *end)
{
	o->len = end - o->line;
}

static inline void put(struct out *o, const char *s, size_t n)
{
	char *d = room(o, n);

	if (!d) {
		fwrite_unlocked(s, 1, n, o->f);
		return;
	}
	memcpy(d, s, n);
	o->len += n;
}

static inline void put_c(struct out *o, char c)
{
	char *d = room(o, 1);

	*d = c;
	o->len++;
}

static void pad(struct out *o, int n)
{
	char *d;

	if (n <= 0)
		return;
	/* Columns are narrower than this: one copy of a fixed size. */
	if (n <= OUT_PAD_FAST) {
		d = room(o, OUT_PAD_FAST);
		memset(d, ' ', OUT_PAD_FAST);
		o->len += n;
		return;
	}
	d = room(o, n);
	if (!d) {
		while (n-- > 0)
			putc_unlocked(' ', o->f);
		return;
	}
	memset(d, ' ', n);
	o->len += n;
}

/* ----------------------------------------------------------- structure --- */

static bool text_on(const struct out *o, unsigned col)
{
	return col < o->ncols && (o->text_on & (1ULL << col));
}

bool out_wanted(const struct out *o, unsigned col)
{
	return col < o->ncols && (o->want & (1ULL << col));
}

static bool is_last_text_col(const struct out *o, unsigned col)
{
	return col + 1 >= OUT_MAX_COLS || !(o->text_on >> (col + 1));
}

int out_label_add(struct out_labels *l, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t k = eq ? (size_t)(eq - arg) : 0, v = eq ? strlen(eq + 1) : 0, w, t;
	bool ok = k && k < sizeof(l->key[0]) && v < sizeof(l->val[0]) && islower(arg[0]) &&
		  l->n < OUT_MAX_LABELS;

	for (size_t i = 0; ok && i < k; i++)
		ok = islower(arg[i]) || isdigit(arg[i]) || arg[i] == '_';
	if (!ok) {
		log_err("invalid value '%s' for --label: expected KEY=VALUE, KEY of lower-case "
			"letters, digits and '_' (up to 63), VALUE up to 255 bytes, at most %d",
			arg, OUT_MAX_LABELS);
		return -EINVAL;
	}
	memcpy(l->key[l->n], arg, k);
	memcpy(l->val[l->n], eq + 1, v);
	l->json_len += snprintf(l->json + l->json_len, sizeof(l->json) - l->json_len,
				"%s\"%s\":", l->n ? "," : "", l->key[l->n]);
	l->json_len += escape_json_mem(l->json + l->json_len, l->val[l->n], v);
	t = escape_text_mem(l->text + l->text_len, l->val[l->n], v);
	/* A column as wide as its header or its value. */
	w = t > k ? t : k;
	memset(l->text + l->text_len + t, ' ', w - t + 1);
	l->text_len += w + 1;
	for (size_t i = 0; i < k; i++)
		l->head[l->head_len + i] = (char)toupper(arg[i]);
	memset(l->head + l->head_len + k, ' ', w - k + 1);
	l->head_len += w + 1;
	l->n++;
	return 0;
}

void out_header(struct out *o)
{
	bool first = true;

	if (o->cfg.json)
		return;
	if (o->cfg.labels)
		put(o, o->cfg.labels->head, o->cfg.labels->head_len);
	for (unsigned i = 0; i < o->ncols; i++) {
		const struct out_col *c = &o->cols[i];
		const char *head = c->head;
		int n;

		if (!text_on(o, i))
			continue;
		if ((c->flags & OUT_WITH_TIME) && o->cfg.time == OUT_TIME_ELAPSED)
			head = "TIME(s)";
		if (!first)
			put_c(o, ' ');
		first = false;
		n = strlen(head);
		if (c->flags & OUT_RIGHT)
			pad(o, c->width - n);
		put(o, head, n);
		if (!(c->flags & OUT_RIGHT) && !is_last_text_col(o, i))
			pad(o, c->width - n);
	}
	put_c(o, '\n');
	out_push(o);
}

void out_row_begin(struct out *o)
{
	const struct out_labels *l = o->cfg.labels;

	if (o->prom)
		prom_row_begin(o->prom);
	o->fields = 0;
	if (l && !o->cfg.json)
		put(o, l->text, l->text_len);
	if (!o->cfg.json)
		return;
	put_c(o, '{');
	if (l) {
		put(o, l->json, l->json_len);
		o->fields = l->n;
	}
}

void out_row_end(struct out *o)
{
	char *d = room(o, 2);

	if (o->prom)
		prom_row_end(o->prom);
	if (o->cfg.json)
		*d++ = '}';
	*d++ = '\n';
	grow(o, d);
	out_push(o);
}

/* ,"key": */
static void json_key(struct out *o, const char *key, size_t len)
{
	if (o->fields++)
		put_c(o, ',');
	put_c(o, '"');
	put(o, key, len);
	put(o, "\":", 2);
}

/* Column col's key, from its ,"key": made by out_init(): one copy of a
 * fixed size, which the compiler makes two moves. */
static void json_col_key(struct out *o, unsigned col)
{
	size_t n = o->key_json_len[col], first;
	char *d;

	if (!n) {
		json_key(o, o->cols[col].key, strlen(o->cols[col].key));
		return;
	}
	first = !o->fields++;
	d = room(o, OUT_KEY_ROOM);
	memcpy(d, o->key_json[col] + first, OUT_KEY_ROOM - 1);
	grow(o, d + n - first);
}

/* Starts a field; false when the column is not part of this format. */
static inline bool field(struct out *o, unsigned col)
{
	if (col >= o->ncols || !(o->want & (1ULL << col)))
		return false;
	if (o->cfg.json)
		json_col_key(o, col);
	else if (o->fields++)
		put_c(o, ' ');
	return true;
}

bool out_key(struct out *o, unsigned col)
{
	bool on = field(o, col);

	/* What the caller writes next goes to the stream itself. */
	out_push(o);
	return on;
}

/* A preformatted, already safe text value, padded to the column. */
static void text_value(struct out *o, unsigned col, const char *s, size_t n)
{
	const struct out_col *c = &o->cols[col];

	if (c->flags & OUT_RIGHT)
		pad(o, c->width - (int)n);
	put(o, s, n);
	if (!(c->flags & OUT_RIGHT) && !is_last_text_col(o, col))
		pad(o, c->width - (int)n);
}

/* ------------------------------------------------------------- numbers --- */

static const char digits2[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static const uint64_t pow10[20] = {
	1ULL,
	10ULL,
	100ULL,
	1000ULL,
	10000ULL,
	100000ULL,
	1000000ULL,
	10000000ULL,
	100000000ULL,
	1000000000ULL,
	10000000000ULL,
	100000000000ULL,
	1000000000000ULL,
	10000000000000ULL,
	100000000000000ULL,
	1000000000000000ULL,
	10000000000000000ULL,
	100000000000000000ULL,
	1000000000000000000ULL,
	10000000000000000000ULL,
};

/* Decimal digits of v: from its bits (1233 / 4096 is about log10(2)). */
static inline unsigned ndigits(uint64_t v)
{
	unsigned t = ((64 - __builtin_clzll(v | 1)) * 1233) >> 12;

	return t + ((v | 1) >= pow10[t]);
}

/* v in decimal at d (room for 20 bytes); returns where it ends. Two digits
 * at a time, from the end, into their place: no copy. */
static inline char *dec_at(char *d, uint64_t v)
{
	char *end = d + ndigits(v), *p = end;

	while (v >= 100) {
		p -= 2;
		memcpy(p, digits2 + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10)
		memcpy(p - 2, digits2 + 2 * v, 2);
	else
		p[-1] = (char)('0' + v);
	return end;
}

/* -v when neg: the number, in JSON or padded to its text column. */
static void number(struct out *o, unsigned col, uint64_t v, bool neg)
{
	const struct out_col *c = &o->cols[col];
	int n = (int)ndigits(v) + neg;
	char *d;

	if (!o->cfg.json && (c->flags & OUT_RIGHT))
		pad(o, c->width - n);
	d = room(o, 21);
	if (neg)
		*d++ = '-';
	grow(o, dec_at(d, v));
	if (!o->cfg.json && !(c->flags & OUT_RIGHT) && !is_last_text_col(o, col))
		pad(o, c->width - n);
}

static ssize_t discard(void *cookie, const char *buf, size_t n)
{
	(void)cookie;
	(void)buf;
	return (ssize_t)n;
}

/* --prometheus: a label column's value, as text shows it, for the row's
 * series (lib/prom.h). */
static bool is_label(const struct out *o, unsigned col)
{
	return o->prom && col < o->ncols && (o->cols[col].flags & OUT_LABEL);
}

static void label(struct out *o, unsigned col, const char *s, size_t n)
{
	if (is_label(o, col))
		prom_label(o->prom, o->cols[col].key, s, n);
}

static void label_number(struct out *o, unsigned col, uint64_t v, bool neg)
{
	char buf[24];

	buf[0] = '-';
	if (is_label(o, col))
		label(o, col, buf + !neg, dec_at(buf + 1, v) - buf - !neg);
}

/* An OUT_COUNTER column's value: the counter <key>_total of the row. */
static void counter(struct out *o, unsigned col, uint64_t v)
{
	char name[64];

	if (!o->prom || col >= o->ncols || !(o->cols[col].flags & OUT_COUNTER))
		return;
	snprintf(name, sizeof(name), "%s_total", o->cols[col].key);
	prom_counter(o->prom, name, "Counted by the tool since it started.", v, 1);
}

void out_no_series(struct out *o)
{
	if (o->prom)
		prom_row_drop(o->prom);
}

FILE *out_nowhere(void)
{
	static FILE *f;

	if (!f)
		f = fopencookie(NULL, "w", (cookie_io_functions_t){ .write = discard });
	return f;
}

void out_uint(struct out *o, unsigned col, uint64_t v)
{
	label_number(o, col, v, false);
	counter(o, col, v);
	if (field(o, col))
		number(o, col, v, false);
}

void out_int(struct out *o, unsigned col, int64_t v)
{
	label_number(o, col, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0);
	if (field(o, col))
		number(o, col, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0);
}

void out_errno(struct out *o, unsigned col, int64_t err)
{
	const char *name = err > 0 && err <= 4095 && !o->cfg.json ? errno_name((int)err) : NULL;

	if (name)
		out_name(o, col, name);
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
		put(o, v ? "true" : "false", v ? 4 : 5);
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
		put(o, "null", 4);
		return;
	}
	n = snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	if (o->cfg.json)
		put(o, buf, n);
	else
		text_value(o, col, buf, n);
}

/* ------------------------------------------------------------- strings --- */

/* The first n bytes of s (no NUL among them) escaped as JSON, in quotes. */
static void json_string(struct out *o, const char *s, size_t n)
{
	char *d = room(o, ESCAPE_JSON_ROOM(n));

	if (d)
		o->len += escape_json_mem(d, s, n);
	else
		escape_json(o->f, s, n);
}

/* The first n bytes of s escaped as text; returns the bytes written. */
static size_t text_string(struct out *o, const char *s, size_t n)
{
	char *d = room(o, ESCAPE_TEXT_ROOM(n));
	size_t w;

	if (!d)
		return escape_text(o->f, s, n);
	w = escape_text_mem(d, s, n);
	o->len += w;
	return w;
}

/* A text string in its column: padded after it, or before it (right
 * aligned: it is moved right once its escaped length is known). */
static void text_column(struct out *o, unsigned col, const char *s, size_t n)
{
	const struct out_col *c = &o->cols[col];
	size_t start = o->len, w;
	int gap;

	if (!(c->flags & OUT_RIGHT)) {
		w = text_string(o, s, n);
		if (!is_last_text_col(o, col))
			pad(o, c->width - (int)w);
		return;
	}
	gap = c->width - (int)escape_text_len(s, n);
	if (gap <= 0 || ESCAPE_TEXT_ROOM(n) + gap > sizeof(o->line) - o->len) {
		pad(o, gap);
		text_string(o, s, n);
		return;
	}
	w = text_string(o, s, n);
	memmove(o->line + start + gap, o->line + start, w);
	memset(o->line + start, ' ', gap);
	o->len += gap;
}

void out_str(struct out *o, unsigned col, const char *s, size_t maxlen)
{
	size_t n = strnlen(s, maxlen);

	label(o, col, s, n);
	if (!field(o, col))
		return;
	if (o->cfg.json)
		json_string(o, s, n);
	else
		text_column(o, col, s, n);
}

void out_mem(struct out *o, unsigned col, const void *s, size_t n)
{
	if (!field(o, col))
		return;
	if (n > OUT_MEM_MAX)
		n = OUT_MEM_MAX;
	if (o->cfg.json)
		json_string(o, s, n);
	else
		text_column(o, col, s, n);
}

/* out_name() but for the label: out_null()'s text in text. */
static void name_field(struct out *o, unsigned col, const char *name)
{
	size_t n = strlen(name);
	char *d;

	if (!field(o, col))
		return;
	if (!o->cfg.json) {
		text_value(o, col, name, n);
		return;
	}
	d = room(o, n + 2);
	if (!d) {
		json_string(o, name, n);
		return;
	}
	*d++ = '"';
	/* With its NUL, which the quote then takes the place of. */
	memcpy(d, name, n + 1);
	d[n] = '"';
	grow(o, d + n + 1);
}

void out_name(struct out *o, unsigned col, const char *name)
{
	label(o, col, name, strlen(name));
	name_field(o, col, name);
}

void out_names(struct out *o, unsigned col, const char *buf, size_t len, char sep)
{
	char text[OUT_NAMES_MAX];

	if (!field(o, col))
		return;
	if (!o->cfg.json) {
		len = len < sizeof(text) ? len : sizeof(text);
		for (size_t i = 0; i < len; i++)
			text[i] = buf[i] ? buf[i] : sep;
		/* Not the NUL that ends the last one. */
		text_value(o, col, text, len && !buf[len - 1] ? len - 1 : len);
		return;
	}
	put_c(o, '[');
	for (const char *s = buf, *end = buf + len; s < end;) {
		size_t n = strnlen(s, end - s);
		char *d;

		if (s != buf)
			put_c(o, ',');
		d = room(o, n + 2);
		if (d) {
			*d++ = '"';
			memcpy(d, s, n);
			d[n] = '"';
			grow(o, d + n + 1);
		} else {
			json_string(o, s, n);
		}
		s += n + 1;
	}
	put_c(o, ']');
}

/* ---------------------------------------------------------------- time --- */

/* "2026-11-25T09:18:05.414417Z", quoted: the date and time to the second
 * are built once a second, the microseconds written into a copy. */
static void json_time(struct out *o, int64_t sec, int64_t ns)
{
	uint32_t us = (uint32_t)(ns / 1000);
	char *d;

	if (sec != o->cached_sec) {
		char prefix[32];
		time_t t = sec;
		struct tm tm;
		size_t n;

		gmtime_r(&t, &tm);
		n = strftime(prefix, sizeof(prefix), "%Y-%m-%dT%H:%M:%S", &tm);
		o->cached_time[0] = '"';
		memcpy(o->cached_time + 1, prefix, n);
		o->cached_time[n + 1] = '.';
		o->cached_len = n + 2;
		o->cached_sec = sec;
	}
	d = room(o, o->cached_len + 8);
	memcpy(d, o->cached_time, o->cached_len);
	d += o->cached_len;
	memcpy(d, digits2 + 2 * (size_t)(us / 10000), 2);
	memcpy(d + 2, digits2 + 2 * (size_t)(us / 100 % 100), 2);
	memcpy(d + 4, digits2 + 2 * (size_t)(us % 100), 2);
	d[6] = 'Z';
	d[7] = '"';
	grow(o, d + 8);
}

/* -T: the local time to the second, built once a second. */
static void clock_time(struct out *o, unsigned col, int64_t sec)
{
	if (sec != o->cached_sec) {
		time_t t = sec;
		struct tm tm;

		localtime_r(&t, &tm);
		o->cached_len = strftime(o->cached_time, sizeof(o->cached_time), "%H:%M:%S", &tm);
		o->cached_sec = sec;
	}
	text_value(o, col, o->cached_time, o->cached_len);
}

/* -t: seconds since the start, to the millisecond, as "%.3f" of the
 * nanoseconds as a double shows them. In integers, far from a tie (half a
 * millisecond, give or take a microsecond, which is more than the double's
 * error below 2^52 ns), where the two round alike. */
static void elapsed_time(struct out *o, unsigned col, uint64_t mono_ns)
{
	int64_t d = (int64_t)(mono_ns - o->start_mono_ns);
	int64_t sub = d % 1000000;
	uint64_t ms;
	char buf[48];
	size_t n;

	if (d < 0 || d >= (1LL << 52) || (sub >= 499000 && sub <= 501000)) {
		n = snprintf(buf, sizeof(buf), "%.3f", (double)d / NSEC_PER_SEC);
		text_value(o, col, buf, n);
		return;
	}
	ms = (uint64_t)(d + 500000) / 1000000;
	n = dec_at(buf, ms / 1000) - buf;
	buf[n] = '.';
	memcpy(buf + n + 1, digits2 + 2 * (ms % 1000 / 10), 2);
	buf[n + 3] = (char)('0' + ms % 10);
	text_value(o, col, buf, n + 4);
}

void out_time(struct out *o, unsigned col, uint64_t mono_ns)
{
	/* Whatever 64 bits an event holds, its time has the one width: the
	 * sum wraps (as unsigned numbers do, not into undefined behaviour),
	 * and a time before 1970 is rounded down to its second, so that its
	 * microseconds are not negative. */
	int64_t real = (int64_t)(mono_ns + (uint64_t)o->mono_to_real_ns);
	int64_t sec = real / NSEC_PER_SEC, ns = real % NSEC_PER_SEC;

	if (!field(o, col))
		return;
	if (ns < 0) {
		sec--;
		ns += NSEC_PER_SEC;
	}
	if (o->cfg.json)
		json_time(o, sec, ns);
	else if (o->cfg.time == OUT_TIME_ELAPSED)
		elapsed_time(o, col, mono_ns);
	else
		clock_time(o, col, sec);
}

/* ------------------------------------------------------------- the rest --- */

/* -C in JSON, after cgroup_id: the cgroup's path and its container
 * (lib/cgroup.h), or nulls: every line has the same keys. */
static void json_cgroup_keys(struct out *o, const char *path)
{
	struct cgroup_container c;
	bool ct = path && cgroup_container_of(path, &c);

	json_key(o, "cgroup", 6);
	if (path)
		json_string(o, path, strlen(path));
	else
		put(o, "null", 4);
	json_key(o, "container_id", 12);
	if (ct)
		json_string(o, c.id, CGROUP_CONTAINER_ID_LEN);
	else
		put(o, "null", 4);
	json_key(o, "container_runtime", 17);
	if (ct)
		json_string(o, c.runtime, strlen(c.runtime));
	else
		put(o, "null", 4);
}

void out_cgroup(struct out *o, unsigned col, uint64_t id)
{
	bool lbl = is_label(o, col);
	const char *path = o->cfg.show_cgroup || lbl ? cgroup_path_of(id) : NULL;
	char buf[PATH_MAX + 32];

	/* The series of a cgroup that is gone are no longer written. */
	if (lbl && path)
		prom_label(o->prom, "cgroup", path, strlen(path));
	else if (lbl)
		prom_row_drop(o->prom);
	if (!o->cfg.show_cgroup)
		path = NULL;

	if (!field(o, col))
		return;
	if (o->cfg.json) {
		grow(o, dec_at(room(o, 20), id));
		if (o->cfg.show_cgroup)
			json_cgroup_keys(o, path);
		return;
	}
	if (path) {
		/* A container's by its runtime and short ID. */
		size_t n = text_string(o, buf, strlen(cgroup_display_name(path, buf, sizeof(buf))));

		if (!is_last_text_col(o, col))
			pad(o, o->cols[col].width - (int)n);
	} else {
		/* A cgroup that is gone (or never had a path we can see): its ID. */
		buf[0] = '#';
		text_value(o, col, buf, dec_at(buf + 1, id) - buf);
	}
}

static void text_strv_item(struct out *o, const char *s, size_t len, bool quote)
{
	size_t i, run = 0;

	if (!quote) {
		text_string(o, s, strnlen(s, len));
		return;
	}
	put_c(o, '"');
	for (i = 0; i < len && s[i]; i++) {
		if (s[i] != '"')
			continue;
		text_string(o, s + run, i - run);
		put(o, "\\\"", 2);
		run = i + 1;
	}
	text_string(o, s + run, i - run);
	put_c(o, '"');
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
		put_c(o, '[');
	while (off < len) {
		size_t n = strnlen(buf + off, len - off);

		if (items == max_items) {
			cut = true;
			break;
		}
		if (items++)
			put_c(o, o->cfg.json ? ',' : ' ');
		if (o->cfg.json)
			json_string(o, buf + off, n);
		else
			text_strv_item(o, buf + off, n, quote);
		off += n + 1;
	}
	if (o->cfg.json)
		put_c(o, ']');
	else if (cut)
		put(o, " ...", 4);
	return cut;
}

void out_null(struct out *o, unsigned col, const char *text)
{
	if (!o->cfg.json) {
		name_field(o, col, text);
		return;
	}
	if (!field(o, col))
		return;
	put(o, "null", 4);
	/* A cgroup column has its path too with -C (out_cgroup()): every
	 * line keeps the same keys. */
	if ((o->cols[col].flags & OUT_WITH_CGROUP) && o->cfg.show_cgroup)
		json_cgroup_keys(o, NULL);
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

	out_push(o);
	if (!fflush(o->f) && !ferror(o->f))
		return 0;
	err = errno ? -errno : -EIO;
	/* A reader that went away is the normal end of `tool | head`. */
	if (err != -EPIPE)
		log_err("writing output: %s", strerror(-err));
	return err;
}
