// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* lib/out.h: one column table, rendered as aligned text or as NDJSON that
 * parses, whatever the strings hold. */
#include <errno.h>
#include <math.h>
#include <regex.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>
#include "lib/cgroup.h"
#include "lib/out.h"

/* Laid out like a tool's table (tools/execsnoop.c). */
enum { C_TIME, C_UID, C_COMM, C_PID, C_RET, C_BYTES, C_CGROUP, C_FLAGS, C_ARGS, C_TRUNC, NCOLS };

static const struct out_col cols[] = {
	[C_TIME] = OUT_COL_TIME,
	[C_UID] = { "UID", "uid", 6, OUT_WITH_UID },
	[C_COMM] = { "PCOMM", "comm", 16, 0 },
	[C_PID] = { "PID", "pid", 7, 0 },
	[C_RET] = { "RET", "ret", 4, 0 },
	[C_BYTES] = { "BYTES", "bytes", 8, OUT_RIGHT },
	[C_CGROUP] = OUT_COL_CGROUP,
	[C_FLAGS] = { "FLAGS", "flags", 5, OUT_HIDDEN },
	[C_ARGS] = { "ARGS", "args", 0, 0 },
	[C_TRUNC] = { NULL, "truncated", 0, 0 },
};

/* A cgroup ID no system has: kernfs IDs carry a small generation on top. */
#define NO_SUCH_CGROUP ((1ULL << 62) + 12345)

struct event {
	uint64_t ts_ns;
	uint32_t uid;
	char comm[16];
	uint32_t pid;
	int64_t ret;
	uint64_t bytes;
	uint64_t cgroup_id;
	uint32_t flags;
	const char *args; /* NUL-separated */
	size_t args_len;
	unsigned max_args;
	bool quote;
};

#define ARGS(s) .args = s, .args_len = sizeof(s) - 1

static const struct event cat_event = {
	.uid = 1000,
	.comm = "cat",
	.pid = 4242,
	.ret = -2,
	.bytes = 123456,
	.cgroup_id = NO_SUCH_CGROUP,
	.flags = 32768,
	ARGS("cat\0/etc/passwd\0"),
	.max_args = 20,
};

/* An out writing into memory. */
struct sink {
	char *buf;
	size_t len;
	FILE *f;
	struct out o;
};

static void sink_open_shown(struct sink *s, const struct out_col *c, unsigned n, uint64_t show,
			    const struct out_cfg *cfg)
{
	s->buf = NULL;
	s->len = 0;
	s->f = open_memstream(&s->buf, &s->len);
	assert_non_null(s->f);
	out_init(&s->o, s->f, c, n, show, cfg);
}

static void sink_open(struct sink *s, const struct out_col *c, unsigned n,
		      const struct out_cfg *cfg)
{
	sink_open_shown(s, c, n, 0, cfg);
}

/* Ends the output; s->buf then holds it, NUL-terminated. */
static void sink_close(struct sink *s)
{
	assert_int_equal(out_flush(&s->o), 0);
	assert_int_equal(fclose(s->f), 0);
	s->f = NULL;
}

static void sink_free(struct sink *s)
{
	free(s->buf);
	s->buf = NULL;
}

static bool write_event(struct out *o, const struct event *e)
{
	bool cut;

	out_row_begin(o);
	out_time(o, C_TIME, e->ts_ns);
	out_uint(o, C_UID, e->uid);
	out_str(o, C_COMM, e->comm, sizeof(e->comm));
	out_uint(o, C_PID, e->pid);
	out_int(o, C_RET, e->ret);
	out_uint(o, C_BYTES, e->bytes);
	out_cgroup(o, C_CGROUP, e->cgroup_id);
	out_uint(o, C_FLAGS, e->flags);
	cut = out_strv(o, C_ARGS, e->args, e->args_len, e->max_args, e->quote, false);
	out_bool(o, C_TRUNC, cut);
	out_row_end(o);
	return cut;
}

/* Renders the header and the events; the caller frees the result. */
static char *render(const struct out_cfg *cfg, const struct event *ev, unsigned n)
{
	struct sink s;

	sink_open(&s, cols, NCOLS, cfg);
	out_header(&s.o);
	for (unsigned i = 0; i < n; i++) {
		struct event e = ev[i];

		/* ts 0 stands for "now", so that the time columns are realistic. */
		if (!e.ts_ns)
			e.ts_ns = s.o.start_mono_ns;
		write_event(&s.o, &e);
	}
	sink_close(&s);
	return s.buf;
}

/* Line i of a buffer of whole lines, without its newline; the caller frees it. */
static char *line_at(const char *buf, unsigned i)
{
	const char *end;

	while (i--) {
		buf = strchr(buf, '\n');
		assert_non_null(buf);
		buf++;
	}
	end = strchr(buf, '\n');
	assert_non_null(end);
	return strndup(buf, end - buf);
}

static unsigned count_lines(const char *buf)
{
	unsigned n = 0;

	for (; *buf; buf++)
		n += *buf == '\n';
	return n;
}

static void assert_line(const char *buf, unsigned i, const char *want)
{
	char *line = line_at(buf, i);

	assert_string_equal(line, want);
	free(line);
}

/* Parses line i as a JSON object; the caller drops it with json_decref. */
static json_t *json_line(const char *buf, unsigned i)
{
	char *line = line_at(buf, i);
	json_error_t err;
	json_t *j = json_loads(line, JSON_REJECT_DUPLICATES, &err);

	if (!j)
		fail_msg("line %u does not parse (%s): %s", i, err.text, line);
	free(line);
	assert_true(json_is_object(j));
	return j;
}

static json_int_t json_int_of(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v))
		fail_msg("\"%s\" is not an integer", key);
	return json_integer_value(v);
}

static const char *json_str_of(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_string(v))
		fail_msg("\"%s\" is not a string", key);
	return json_string_value(v);
}

/* RFC 3339, UTC, microseconds; returns microseconds since the epoch. */
static int64_t rfc3339_us(const char *s)
{
	regex_t re;
	struct tm tm = { 0 };
	const char *rest;

	assert_int_equal(regcomp(&re,
				 "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
				 "\\.[0-9]{6}Z$",
				 REG_EXTENDED | REG_NOSUB),
			 0);
	if (regexec(&re, s, 0, NULL, 0))
		fail_msg("\"%s\" is not RFC 3339 UTC with microseconds", s);
	regfree(&re);
	rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	assert_non_null(rest);
	return (int64_t)timegm(&tm) * 1000000 + strtol(rest + 1, NULL, 10);
}

static void json_row_has_typed_keys(void **state)
{
	const struct out_cfg cfg = { .json = true };
	char *buf = render(&cfg, &cat_event, 1);
	json_t *j = json_line(buf, 0), *args;
	int64_t now_us = (int64_t)time(NULL) * 1000000;

	(void)state;
	/* No header in JSON: one object per event and nothing else. */
	assert_int_equal(count_lines(buf), 1);
	assert_int_equal(json_object_size(j), 10);
	assert_in_range(rfc3339_us(json_str_of(j, "time")), now_us - 5000000, now_us + 5000000);
	assert_int_equal(json_int_of(j, "uid"), 1000);
	assert_string_equal(json_str_of(j, "comm"), "cat");
	assert_int_equal(json_int_of(j, "pid"), 4242);
	assert_int_equal(json_int_of(j, "ret"), -2);
	assert_int_equal(json_int_of(j, "bytes"), 123456);
	assert_int_equal(json_int_of(j, "cgroup_id"), NO_SUCH_CGROUP);
	assert_int_equal(json_int_of(j, "flags"), 32768);
	assert_true(json_is_false(json_object_get(j, "truncated")));
	args = json_object_get(j, "args");
	assert_true(json_is_array(args));
	assert_int_equal(json_array_size(args), 2);
	assert_string_equal(json_string_value(json_array_get(args, 0)), "cat");
	assert_string_equal(json_string_value(json_array_get(args, 1)), "/etc/passwd");
	json_decref(j);
	free(buf);
}

/* Keys are the contract for jq users: text options must not change them. */
static void json_keys_ignore_text_options(void **state)
{
	const struct out_cfg plain = { .json = true };
	const struct out_cfg all = { .json = true, .show_uid = true, .time = OUT_TIME_ELAPSED };
	char *a = render(&plain, &cat_event, 1), *b = render(&all, &cat_event, 1);
	json_t *ja = json_line(a, 0), *jb = json_line(b, 0);

	(void)state;
	assert_int_equal(json_object_size(ja), json_object_size(jb));
	for (void *it = json_object_iter(ja); it; it = json_object_iter_next(ja, it))
		assert_non_null(json_object_get(jb, json_object_iter_key(it)));
	/* -t changes the text column only: JSON keeps the wall clock. */
	rfc3339_us(json_str_of(jb, "time"));
	json_decref(ja);
	json_decref(jb);
	free(a);
	free(b);
}

static void json_time_keeps_microseconds(void **state)
{
	const struct out_cfg cfg = { .json = true };
	struct sink s;
	uint64_t t0;
	json_t *a, *b;

	(void)state;
	sink_open(&s, cols, NCOLS, &cfg);
	t0 = s.o.start_mono_ns;
	/* The second event is in another second: the cached date must move. */
	for (int i = 0; i < 2; i++) {
		out_row_begin(&s.o);
		out_time(&s.o, C_TIME, t0 + i * 1500250000ULL);
		out_row_end(&s.o);
	}
	sink_close(&s);
	a = json_line(s.buf, 0);
	b = json_line(s.buf, 1);
	assert_int_equal(rfc3339_us(json_str_of(b, "time")) - rfc3339_us(json_str_of(a, "time")),
			 1500250);
	json_decref(a);
	json_decref(b);
	sink_free(&s);
}

static void json_show_cgroup_adds_path(void **state)
{
	const struct out_cfg cfg = { .json = true, .show_cgroup = true };
	const char *mnt = cgroup2_mount();
	struct event ev[2] = { cat_event, cat_event };
	char *buf;
	json_t *j;

	(void)state;
	/* The root of the real cgroup2 mount is "/" (when there is one). */
	if (mnt)
		assert_int_equal(cgroup_id_of(mnt, &ev[1].cgroup_id), 0);
	buf = render(&cfg, ev, 2);
	j = json_line(buf, 0);
	assert_int_equal(json_int_of(j, "cgroup_id"), NO_SUCH_CGROUP);
	assert_true(json_is_null(json_object_get(j, "cgroup")));
	json_decref(j);
	if (mnt) {
		j = json_line(buf, 1);
		assert_string_equal(json_str_of(j, "cgroup"), "/");
		json_decref(j);
	}
	free(buf);
}

static const struct event hostile_event = {
	.comm = "\x1b[2J\r\n\"x\\\xff\x7f",
	.pid = 1,
	ARGS("a\nb\0\x1b]0;title\x07\0say \"hi\"\0\xff\xfe\0back\\slash\0"),
	.max_args = 20,
};

static void json_hostile_strings_parse(void **state)
{
	static const char *const want[] = { "a\nb", "\x1b]0;title\x07", "say \"hi\"",
					    "\xc3\xbf\xc3\xbe", "back\\slash" };
	const struct out_cfg cfg = { .json = true };
	char *buf = render(&cfg, &hostile_event, 1);
	json_t *j = json_line(buf, 0), *args;

	(void)state;
	assert_int_equal(count_lines(buf), 1);
	/* Invalid UTF-8 comes back as the code points of its bytes. */
	assert_string_equal(json_str_of(j, "comm"), "\x1b[2J\r\n\"x\\\xc3\xbf\x7f");
	args = json_object_get(j, "args");
	assert_int_equal(json_array_size(args), 5);
	for (unsigned i = 0; i < 5; i++)
		assert_string_equal(json_string_value(json_array_get(args, i)), want[i]);
	json_decref(j);
	free(buf);
}

static void text_hostile_strings_one_line(void **state)
{
	const struct out_cfg cfg = { 0 };
	char *buf = render(&cfg, &hostile_event, 1);

	(void)state;
	assert_int_equal(count_lines(buf), 2);
	for (const char *p = buf; *p; p++)
		assert_true(*p == '\n' || (*p >= 0x20 && *p <= 0x7e));
	/* The escaped comm is wider than its column: the next one just moves. */
	assert_line(buf, 1,
		    "\\x1b[2J\\x0d\\x0a\"x\\\\\\xff\\x7f 1       0           0 "
		    "a\\x0ab \\x1b]0;title\\x07 say \"hi\" \\xff\\xfe back\\\\slash");
	free(buf);
}

static void text_default_columns(void **state)
{
	const struct out_cfg cfg = { 0 };
	char *buf = render(&cfg, &cat_event, 1);

	(void)state;
	/* No TIME, UID, CGROUP (not asked for), FLAGS (hidden) or truncated (JSON only). */
	assert_int_equal(count_lines(buf), 2);
	assert_line(buf, 0, "PCOMM            PID     RET     BYTES ARGS");
	assert_line(buf, 1, "cat              4242    -2     123456 cat /etc/passwd");
	free(buf);
}

static void text_optional_columns(void **state)
{
	const struct out_cfg cfg = { .show_uid = true,
				     .show_cgroup = true,
				     .time = OUT_TIME_ELAPSED };
	struct event e = cat_event;
	struct sink s;

	(void)state;
	sink_open(&s, cols, NCOLS, &cfg);
	out_header(&s.o);
	e.ts_ns = s.o.start_mono_ns + 1500000000ULL;
	write_event(&s.o, &e);
	sink_close(&s);
	assert_line(s.buf, 0,
		    "TIME(s)  UID    PCOMM            PID     RET     BYTES "
		    "CGROUP                   ARGS");
	/* A cgroup without a path is shown by its ID. */
	assert_line(s.buf, 1,
		    "1.500    1000   cat              4242    -2     123456 "
		    "#4611686018427400249     cat /etc/passwd");
	sink_free(&s);
}

static void text_clock_time_column(void **state)
{
	const struct out_cfg cfg = { .time = OUT_TIME_CLOCK };
	char *buf = render(&cfg, &cat_event, 1), *row;
	regex_t re;

	(void)state;
	assert_line(buf, 0, "TIME     PCOMM            PID     RET     BYTES ARGS");
	row = line_at(buf, 1);
	assert_int_equal(regcomp(&re, "^[0-2][0-9]:[0-5][0-9]:[0-6][0-9] cat ", REG_NOSUB), 0);
	assert_int_equal(regexec(&re, row, 0, NULL, 0), 0);
	regfree(&re);
	free(row);
	free(buf);
}

static void text_cgroup_path_column(void **state)
{
	const struct out_cfg cfg = { .show_cgroup = true };
	const char *mnt = cgroup2_mount();
	struct event e = cat_event;
	char *buf;

	(void)state;
	if (!mnt)
		skip();
	assert_int_equal(cgroup_id_of(mnt, &e.cgroup_id), 0);
	buf = render(&cfg, &e, 1);
	assert_line(buf, 1,
		    "cat              4242    -2     123456 /                        "
		    "cat /etc/passwd");
	free(buf);
}

/* Two outs of one const table at once (a tool with two runs' worth of
 * columns, a test beside a tool): each shows what its own init asked for. */
static void text_show_mask_per_out(void **state)
{
	const struct out_cfg cfg = { 0 };
	struct sink shown, plain;

	(void)state;
	/* A JSON-only column has no text form to show; -U still rules UID. */
	sink_open_shown(&shown, cols, NCOLS,
			OUT_SHOW(C_FLAGS, true) | OUT_SHOW(C_TRUNC, true) | OUT_SHOW(C_UID, true) |
			    OUT_SHOW(C_PID, false),
			&cfg);
	sink_open(&plain, cols, NCOLS, &cfg);
	out_header(&shown.o);
	out_header(&plain.o);
	write_event(&shown.o, &cat_event);
	write_event(&plain.o, &cat_event);
	sink_close(&shown);
	sink_close(&plain);
	assert_string_equal(shown.buf,
			    "PCOMM            PID     RET     BYTES FLAGS ARGS\n"
			    "cat              4242    -2     123456 32768 cat /etc/passwd\n");
	assert_string_equal(plain.buf, "PCOMM            PID     RET     BYTES ARGS\n"
				       "cat              4242    -2     123456 cat /etc/passwd\n");
	sink_free(&shown);
	sink_free(&plain);
}

static void json_show_mask_changes_no_key(void **state)
{
	const struct out_cfg cfg = { .json = true };
	struct sink shown, plain;

	(void)state;
	sink_open_shown(&shown, cols, NCOLS, ~0ULL, &cfg);
	sink_open(&plain, cols, NCOLS, &cfg);
	/* One clock for both, so that "time" is the same to the microsecond. */
	shown.o.mono_to_real_ns = plain.o.mono_to_real_ns;
	write_event(&shown.o, &cat_event);
	write_event(&plain.o, &cat_event);
	sink_close(&shown);
	sink_close(&plain);
	assert_string_equal(shown.buf, plain.buf);
	sink_free(&shown);
	sink_free(&plain);
}

static void wanted_follows_format_and_mode(void **state)
{
	const struct out_cfg text = { 0 }, text_u = { .show_uid = true }, json = { .json = true };
	FILE *f = fopen("/dev/null", "w");
	struct out o;

	(void)state;
	assert_non_null(f);
	out_init(&o, f, cols, NCOLS, 0, &text);
	assert_true(out_wanted(&o, C_PID));
	assert_false(out_wanted(&o, C_FLAGS)); /* hidden */
	assert_false(out_wanted(&o, C_TRUNC)); /* JSON only */
	assert_false(out_wanted(&o, C_UID));   /* without -U */
	assert_false(out_wanted(&o, C_TIME));  /* without -T/-t */
	assert_false(out_wanted(&o, NCOLS));
	out_init(&o, f, cols, NCOLS, OUT_SHOW(C_FLAGS, true), &text_u);
	assert_true(out_wanted(&o, C_FLAGS));
	assert_true(out_wanted(&o, C_UID));
	/* JSON: every column with a key, whatever the text options. */
	out_init(&o, f, cols, NCOLS, 0, &json);
	for (unsigned i = 0; i < NCOLS; i++)
		assert_true(out_wanted(&o, i) == (cols[i].key != NULL));
	assert_true(out_wanted(&o, C_FLAGS));
	assert_true(out_wanted(&o, C_TRUNC));
	fclose(f);
}

/* Renders a header and one row of a (pid, comm) table whose columns are in the given order. */
static char *render_pid_comm(const struct out_col *c, unsigned pid_col)
{
	const struct out_cfg cfg = { 0 };
	struct sink s;

	sink_open(&s, c, 2, &cfg);
	out_header(&s.o);
	out_row_begin(&s.o);
	for (unsigned i = 0; i < 2; i++) {
		if (i == pid_col)
			out_uint(&s.o, i, 1);
		else
			out_str(&s.o, i, "init", 16);
	}
	out_row_end(&s.o);
	sink_close(&s);
	return s.buf;
}

/* Trailing blanks would make `grep 'x$'` miss and `cut` count wrong. */
static void text_no_trailing_blanks(void **state)
{
	static const struct out_col pid_comm[] = { { "PID", "pid", 7, 0 },
						   { "COMM", "comm", 16, 0 } };
	static const struct out_col comm_pid[] = { { "COMM", "comm", 16, 0 },
						   { "PID", "pid", 7, 0 } };
	char *buf;

	(void)state;
	buf = render_pid_comm(pid_comm, 0);
	assert_string_equal(buf, "PID     COMM\n1       init\n");
	free(buf);
	buf = render_pid_comm(comm_pid, 1);
	assert_string_equal(buf, "COMM             PID\ninit             1\n");
	free(buf);
}

static const struct event five_args = {
	.comm = "sh",
	.pid = 7,
	ARGS("a\0b\0c\0d\0e\0"),
};

static void strv_max_items_cuts(void **state)
{
	const struct out_cfg text = { 0 }, json = { .json = true };
	struct event e = five_args;
	char *t, *jbuf;
	json_t *j, *args;

	(void)state;
	e.max_args = 3;
	t = render(&text, &e, 1);
	jbuf = render(&json, &e, 1);
	assert_line(t, 1, "sh               7       0           0 a b c ...");
	j = json_line(jbuf, 0);
	args = json_object_get(j, "args");
	assert_int_equal(json_array_size(args), 3);
	assert_string_equal(json_string_value(json_array_get(args, 2)), "c");
	assert_true(json_is_true(json_object_get(j, "truncated")));
	json_decref(j);
	free(t);
	free(jbuf);
}

static void strv_return_value(void **state)
{
	const struct out_cfg cfg = { 0 };
	struct sink s;

	(void)state;
	sink_open(&s, cols, NCOLS, &cfg);
	out_row_begin(&s.o);
	assert_false(out_strv(&s.o, C_ARGS, five_args.args, five_args.args_len, 5, false, false));
	out_row_end(&s.o);
	out_row_begin(&s.o);
	assert_true(out_strv(&s.o, C_ARGS, five_args.args, five_args.args_len, 4, false, false));
	out_row_end(&s.o);
	/* Cut by the kernel already: every item shown, still marked. */
	out_row_begin(&s.o);
	assert_true(out_strv(&s.o, C_ARGS, five_args.args, five_args.args_len, 5, false, true));
	out_row_end(&s.o);
	/* The last string may lack its NUL. */
	out_row_begin(&s.o);
	assert_false(out_strv(&s.o, C_ARGS, "x\0yz", 4, 2, false, false));
	out_row_end(&s.o);
	sink_close(&s);
	assert_string_equal(s.buf, "a b c d e\na b c d ...\na b c d e ...\nx yz\n");
	sink_free(&s);
}

/* A column the text output does not show must still tell whether it cut. */
static void strv_hidden_column_reports_cut(void **state)
{
	static const struct out_col hidden[] = { { "ARGS", "args", 0, OUT_HIDDEN } };
	const struct out_cfg cfg = { 0 };
	struct sink s;

	(void)state;
	sink_open(&s, hidden, 1, &cfg);
	assert_false(out_strv(&s.o, 0, five_args.args, five_args.args_len, 5, false, false));
	assert_true(out_strv(&s.o, 0, five_args.args, five_args.args_len, 4, false, false));
	assert_true(out_strv(&s.o, 0, five_args.args, five_args.args_len, 5, false, true));
	sink_close(&s);
	assert_int_equal(s.len, 0);
	sink_free(&s);
}

static void strv_quote_mode(void **state)
{
	static const struct out_col c[] = { { "ARGS", "args", 0, 0 } };
	const char args[] = "a\"b\0c d\0x\\y\0\0new\nline\0";
	const struct out_cfg cfg = { 0 };
	struct sink s;

	(void)state;
	sink_open(&s, c, 1, &cfg);
	out_row_begin(&s.o);
	out_strv(&s.o, 0, args, sizeof(args) - 1, 20, true, false);
	out_row_end(&s.o);
	sink_close(&s);
	/* Each argument in quotes, so spaces and empty arguments stay visible. */
	assert_string_equal(s.buf, "\"a\\\"b\" \"c d\" \"x\\\\y\" \"\" \"new\\x0aline\"\n");
	sink_free(&s);
}

static void write_int(struct out *o, int64_t v)
{
	out_row_begin(o);
	out_int(o, 0, v);
	out_row_end(o);
}

static void int_negative_numbers(void **state)
{
	static const struct out_col c[] = { { "N", "n", 20, OUT_RIGHT } };
	static const int64_t values[] = { INT64_MIN, -1, 0, 1, INT64_MAX, -4095 };
	const struct out_cfg text = { 0 }, json = { .json = true };
	struct sink st, sj;

	(void)state;
	sink_open(&st, c, 1, &text);
	sink_open(&sj, c, 1, &json);
	for (unsigned i = 0; i < 6; i++) {
		write_int(&st.o, values[i]);
		write_int(&sj.o, values[i]);
	}
	sink_close(&st);
	sink_close(&sj);
	assert_string_equal(st.buf, "-9223372036854775808\n                  -1\n"
				    "                   0\n                   1\n"
				    " 9223372036854775807\n               -4095\n");
	for (unsigned i = 0; i < 6; i++) {
		json_t *j = json_line(sj.buf, i);

		assert_true(json_int_of(j, "n") == values[i]);
		json_decref(j);
	}
	sink_free(&st);
	sink_free(&sj);
}

/* A failed call's return: its errno's name in text, the number in JSON;
 * success, and a negative number no errno has, as numbers in both. */
static void ret_errno_by_name_in_text(void **state)
{
	static const struct out_col c[] = { { "RET", "ret", 10, OUT_RIGHT } };
	static const int64_t values[] = { 0, 3, -2, -98, -4095, INT64_MIN };
	const struct out_cfg text = { 0 }, json = { .json = true };
	struct sink st, sj;

	(void)state;
	sink_open(&st, c, 1, &text);
	sink_open(&sj, c, 1, &json);
	for (unsigned i = 0; i < 6; i++) {
		out_row_begin(&st.o);
		out_ret(&st.o, 0, values[i]);
		out_row_end(&st.o);
		out_row_begin(&sj.o);
		out_ret(&sj.o, 0, values[i]);
		out_row_end(&sj.o);
	}
	out_row_begin(&st.o);
	out_errno(&st.o, 0, 13);
	out_row_end(&st.o);
	sink_close(&st);
	sink_close(&sj);
	assert_string_equal(st.buf, "         0\n         3\n    ENOENT\nEADDRINUSE\n"
				    "     -4095\n-9223372036854775808\n    EACCES\n");
	assert_true(strstr(sj.buf, "{\"ret\":-2}\n{\"ret\":-98}\n") != NULL);
	sink_free(&st);
	sink_free(&sj);
}

static void double_is_a_json_number(void **state)
{
	static const struct out_col c[] = { { "LAT(ms)", "lat_ms", 8, OUT_RIGHT } };
	static const double values[] = { 1.5, -0.25, 0, NAN, INFINITY, -INFINITY };
	const struct out_cfg json = { .json = true };
	struct sink s;

	(void)state;
	sink_open(&s, c, 1, &json);
	for (unsigned i = 0; i < 6; i++) {
		out_row_begin(&s.o);
		out_double(&s.o, 0, values[i], 3);
		out_row_end(&s.o);
	}
	sink_close(&s);
	for (unsigned i = 0; i < 6; i++) {
		json_t *j = json_line(s.buf, i), *v = json_object_get(j, "lat_ms");

		/* A ratio over an empty interval must not break the line for jq. */
		if (isfinite(values[i]))
			assert_float_equal(json_real_value(v), values[i], 1e-9);
		else
			assert_true(json_is_null(v));
		json_decref(j);
	}
	sink_free(&s);
}

/* A JSON out into a pipe whose reader goes away (`| head`) before `rows`
 * rows are written, or after them (reader_first false): out_flush() reports
 * -EPIPE either way. */
static void check_flush_epipe(int rows, bool reader_first)
{
	const struct out_cfg cfg = { .json = true };
	struct out o;
	int fds[2];
	FILE *f;

	assert_int_equal(pipe(fds), 0);
	f = fdopen(fds[1], "w");
	assert_non_null(f);
	if (reader_first)
		close(fds[0]);
	out_init(&o, f, cols, NCOLS, 0, &cfg);
	for (int i = 0; i < rows; i++)
		write_event(&o, &cat_event);
	if (!reader_first)
		close(fds[0]);
	errno = 0;
	assert_int_equal(out_flush(&o), -EPIPE);
	fclose(f);
}

static void flush_reports_epipe(void **state)
{
	(void)state;
	/* Nothing has reached the pipe yet when the reader goes away. */
	check_flush_epipe(1, false);
}

static void flush_reports_epipe_after_full_buffer(void **state)
{
	(void)state;
	/* Far more than stdio buffers: the failed write happens inside a row. */
	check_flush_epipe(2000, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_row_has_typed_keys),
		cmocka_unit_test(json_keys_ignore_text_options),
		cmocka_unit_test(json_time_keeps_microseconds),
		cmocka_unit_test(json_show_cgroup_adds_path),
		cmocka_unit_test(json_hostile_strings_parse),
		cmocka_unit_test(text_hostile_strings_one_line),
		cmocka_unit_test(text_default_columns),
		cmocka_unit_test(text_optional_columns),
		cmocka_unit_test(text_clock_time_column),
		cmocka_unit_test(text_cgroup_path_column),
		cmocka_unit_test(text_show_mask_per_out),
		cmocka_unit_test(json_show_mask_changes_no_key),
		cmocka_unit_test(wanted_follows_format_and_mode),
		cmocka_unit_test(text_no_trailing_blanks),
		cmocka_unit_test(strv_max_items_cuts),
		cmocka_unit_test(strv_return_value),
		cmocka_unit_test(strv_hidden_column_reports_cut),
		cmocka_unit_test(strv_quote_mode),
		cmocka_unit_test(int_negative_numbers),
		cmocka_unit_test(ret_errno_by_name_in_text),
		cmocka_unit_test(double_is_a_json_number),
		cmocka_unit_test(flush_reports_epipe),
		cmocka_unit_test(flush_reports_epipe_after_full_buffer),
	};

	/* A closed pipe must show up as -EPIPE, not kill the test. */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
