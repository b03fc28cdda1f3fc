// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* lib/escape.h: whatever bytes the kernel hands us, text output stays one
 * line of printable ASCII and JSON output parses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>
#include <jansson.h>
#include "lib/escape.h"

/* Output of one escape call, captured through a memstream. */
struct esc {
	char *buf;
	size_t len; /* bytes in buf */
	size_t ret; /* what the function returned */
};

static void esc_free(struct esc *e)
{
	free(e->buf);
	e->buf = NULL;
}

static struct esc run_escape(size_t (*fn)(FILE *, const char *, size_t), const char *s, size_t len)
{
	struct esc e = { 0 };
	FILE *f = open_memstream(&e.buf, &e.len);

	assert_non_null(f);
	e.ret = fn(f, s, len);
	assert_int_equal(fclose(f), 0);
	/* The return value is what callers pad columns with: it must be exact. */
	assert_int_equal(e.ret, e.len);
	return e;
}

static struct esc text_of(const char *s, size_t len)
{
	struct esc e = run_escape(escape_text, s, len);

	assert_int_equal(escape_text_len(s, len), e.len);
	return e;
}

static struct esc json_of(const char *s, size_t len)
{
	return run_escape(escape_json, s, len);
}

/* The text escape of one byte, as the output contract spells it. */
static void text_expect_byte(unsigned char c, char *out)
{
	if (c == '\\')
		strcpy(out, "\\\\");
	else if (c >= 0x20 && c <= 0x7e)
		sprintf(out, "%c", c);
	else
		sprintf(out, "\\x%02x", c);
}

/* What a JSON reader gets back for one byte on its own: the byte when it is
 * ASCII, else the code point U+00XX (written as UTF-8). */
static size_t json_decoded_byte(unsigned char c, char *out)
{
	if (c < 0x80) {
		out[0] = c;
		return 1;
	}
	out[0] = 0xc0 | c >> 6;
	out[1] = 0x80 | (c & 0x3f);
	return 2;
}

static void assert_printable_line(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			fail_msg("byte 0x%02x at offset %zu of text output", (unsigned char)s[i],
				 i);
}

/* Parses escape_json() output; the caller frees the result with json_decref. */
static json_t *json_parse(const struct esc *e)
{
	json_error_t err;
	json_t *j = json_loadb(e->buf, e->len, JSON_DECODE_ANY, &err);

	if (!j)
		fail_msg("jansson rejects %.*s: %s", (int)e->len, e->buf, err.text);
	if (!json_is_string(j))
		fail_msg("not a JSON string: %.*s", (int)e->len, e->buf);
	return j;
}

static void assert_json_decodes_to(const char *in, size_t in_len, const char *want, size_t want_len)
{
	struct esc e = json_of(in, in_len);
	json_t *j = json_parse(&e);

	assert_int_equal(json_string_length(j), want_len);
	assert_memory_equal(json_string_value(j), want, want_len);
	json_decref(j);
	esc_free(&e);
}

static void assert_json_raw(const char *in, size_t in_len, const char *want)
{
	struct esc e = json_of(in, in_len);

	assert_int_equal(e.len, strlen(want));
	/* \u00XX: the hex case is not part of the contract. */
	if (strncasecmp(e.buf, want, e.len))
		fail_msg("escape_json gave %.*s, want %s", (int)e.len, e.buf, want);
	json_decref(json_parse(&e));
	esc_free(&e);
}

static void text_each_byte_alone(void **state)
{
	(void)state;
	for (int c = 1; c < 256; c++) {
		char in[1] = { (char)c }, want[8];
		struct esc e = text_of(in, 1);

		text_expect_byte(c, want);
		assert_int_equal(e.len, strlen(want));
		assert_memory_equal(e.buf, want, e.len);
		assert_printable_line(e.buf, e.len);
		esc_free(&e);
	}
}

static void text_each_byte_embedded(void **state)
{
	char all[256], want_all[256 * 4 + 1] = "";
	struct esc e;

	(void)state;
	for (int c = 1; c < 256; c++) {
		char in[3] = { 'a', (char)c, 'z' }, want[16] = "a";
		struct esc e = text_of(in, 3);

		text_expect_byte(c, want + 1);
		strcat(want, "z");
		assert_int_equal(e.len, strlen(want));
		assert_memory_equal(e.buf, want, e.len);
		esc_free(&e);
		all[c - 1] = c;
		text_expect_byte(c, want_all + strlen(want_all));
	}
	/* All 255 bytes in one string: plain runs and escapes interleave. */
	e = text_of(all, 255);

	assert_int_equal(e.len, strlen(want_all));
	assert_memory_equal(e.buf, want_all, e.len);
	assert_printable_line(e.buf, e.len);
	esc_free(&e);
}

static void text_stops_at_nul_and_len(void **state)
{
	struct esc e;

	(void)state;
	e = text_of("ab\0\ncd", 6);
	assert_int_equal(e.len, 2);
	assert_memory_equal(e.buf, "ab", 2);
	esc_free(&e);

	e = text_of("abc\n", 3);
	assert_int_equal(e.len, 3);
	assert_memory_equal(e.buf, "abc", 3);
	esc_free(&e);

	e = text_of("\n", 0);
	assert_int_equal(e.len, 0);
	esc_free(&e);
}

static void text_terminal_escape_is_inert(void **state)
{
	const char in[] = "\x1b]0;owned\x07\x1b[2J\r\nrm -rf /\x9b";
	struct esc e = text_of(in, sizeof(in) - 1);
	const char want[] = "\\x1b]0;owned\\x07\\x1b[2J\\x0d\\x0arm -rf /\\x9b";

	(void)state;
	assert_int_equal(e.len, strlen(want));
	assert_memory_equal(e.buf, want, e.len);
	esc_free(&e);
}

static void json_each_byte_alone(void **state)
{
	(void)state;
	for (int c = 1; c < 256; c++) {
		char in[1] = { (char)c }, want[16], dec[2];

		if (c == '"' || c == '\\')
			sprintf(want, "\"\\%c\"", c);
		else if (c >= 0x20 && c < 0x7f)
			sprintf(want, "\"%c\"", c);
		else /* controls, DEL, and any byte >= 0x80 alone is invalid UTF-8 */
			sprintf(want, "\"\\u%04x\"", c);
		assert_json_raw(in, 1, want);
		assert_json_decodes_to(in, 1, dec, json_decoded_byte(c, dec));
	}
}

static void json_each_byte_embedded(void **state)
{
	char all[255], want_all[255 * 2];
	size_t n_all = 0;

	(void)state;
	for (int c = 1; c < 256; c++) {
		char in[3] = { 'a', (char)c, 'z' }, want[4] = "a";
		size_t n = 1 + json_decoded_byte(c, want + 1);

		want[n++] = 'z';
		assert_json_decodes_to(in, 3, want, n);
		all[c - 1] = c;
		/* In ascending order no byte >= 0x80 starts a valid sequence. */
		n_all += json_decoded_byte(c, want_all + n_all);
	}
	assert_json_decodes_to(all, sizeof(all), want_all, n_all);
}

static void json_valid_utf8_passes(void **state)
{
	static const char *const valid[] = {
		"\xc3\xa9",	    /* é */
		"\xe2\x82\xac",	    /* € */
		"\xf0\x9f\x98\x80", /* 😀 */
		"\xc2\xa0",	    /* U+00A0, the first after the C1 controls */
		"\xdf\xbf",	    /* U+07FF */
		"\xe0\xa0\x80",	    /* U+0800, shortest 3-byte form */
		"\xed\x9f\xbf",	    /* U+D7FF, below the surrogates */
		"\xee\x80\x80",	    /* U+E000, above the surrogates */
		"\xef\xbf\xbf",	    /* U+FFFF */
		"\xf0\x90\x80\x80", /* U+10000, shortest 4-byte form */
		"\xf4\x8f\xbf\xbf", /* U+10FFFF, the last code point */
		("na\xc3\xafve caf\xc3\xa9 \xe2\x82\xac"
		 "5 \xf0\x9f\x98\x80!"), /* split: \xac5 would be one escape */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		size_t n = strlen(valid[i]);
		char want[64];

		snprintf(want, sizeof(want), "\"%s\"", valid[i]);
		assert_json_raw(valid[i], n, want);
		assert_json_decodes_to(valid[i], n, valid[i], n);
	}
}

static void json_invalid_utf8_escapes_each_byte(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		const char *want;
	} cases[] = {
		{ "\x80", 1, "\"\\u0080\"" }, /* lone continuation */
		{ "\xbf", 1, "\"\\u00bf\"" },
		{ "\xc0\xaf", 2, "\"\\u00c0\\u00af\"" },		       /* overlong '/' */
		{ "\xc1\xbf", 2, "\"\\u00c1\\u00bf\"" },		       /* overlong */
		{ "\xe0\x80\x80", 3, "\"\\u00e0\\u0080\\u0080\"" },	       /* overlong NUL */
		{ "\xe0\x9f\xbf", 3, "\"\\u00e0\\u009f\\u00bf\"" },	       /* overlong */
		{ "\xed\xa0\x80", 3, "\"\\u00ed\\u00a0\\u0080\"" },	       /* surrogate */
		{ "\xed\xbf\xbf", 3, "\"\\u00ed\\u00bf\\u00bf\"" },	       /* surrogate */
		{ "\xf0\x80\x80\x80", 4, "\"\\u00f0\\u0080\\u0080\\u0080\"" }, /* overlong */
		{ "\xf4\x90\x80\x80", 4, "\"\\u00f4\\u0090\\u0080\\u0080\"" }, /* > U+10FFFF */
		{ "\xf5\x80\x80\x80", 4, "\"\\u00f5\\u0080\\u0080\\u0080\"" },
		{ "\xff\xfe", 2, "\"\\u00ff\\u00fe\"" },
		{ "a\xc3", 2, "\"a\\u00c3\"" }, /* truncated at the end */
		{ "\xe2\x82", 2, "\"\\u00e2\\u0082\"" },
		{ "\xf0\x9f\x98", 3, "\"\\u00f0\\u009f\\u0098\"" },
		{ "\xe2\x82\xac", 2, "\"\\u00e2\\u0082\"" },		 /* cut by len */
		{ "\xe2\x82\0\xac", 4, "\"\\u00e2\\u0082\"" },		 /* cut by a NUL */
		{ "\xe2\x82\xc3\xa9", 4, "\"\\u00e2\\u0082\xc3\xa9\"" }, /* then valid */
		{ "\xc3\x28", 2, "\"\\u00c3(\"" },			 /* bad continuation */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_json_raw(cases[i].in, cases[i].len, cases[i].want);
}

static void json_c1_controls_escaped(void **state)
{
	(void)state;
	/* U+0080-U+009F are terminal controls (CSI is U+009B) even in UTF-8. */
	for (int c = 0x80; c <= 0x9f; c++) {
		char in[2] = { (char)0xc2, (char)c }, want[16];

		sprintf(want, "\"\\u%04x\"", c);
		assert_json_raw(in, 2, want);
		/* The reader still gets the same code point back. */
		assert_json_decodes_to(in, 2, in, 2);
	}
}

static void json_quotes_backslash_controls(void **state)
{
	const char in[] = "say \"hi\"\\\n\t\x1b[0m\x7f";

	(void)state;
	assert_json_raw(in, sizeof(in) - 1,
			"\"say \\\"hi\\\"\\\\\\u000a\\u0009\\u001b[0m\\u007f\"");
	assert_json_decodes_to(in, sizeof(in) - 1, in, sizeof(in) - 1);
}

static void json_stops_at_nul_and_len(void **state)
{
	(void)state;
	assert_json_raw("ab\0cd", 5, "\"ab\"");
	assert_json_raw("abcdef", 3, "\"abc\"");
	assert_json_raw("abc", 0, "\"\"");
	assert_json_raw("\0abc", 4, "\"\"");
}

/* A fixed-seed generator, so a failure is reproducible. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state >> 32;
}

/* Uniform bytes rarely form multi-byte UTF-8; bias towards the bytes that do. */
static unsigned char random_byte(void)
{
	static const unsigned char lead[] = { 0xc2, 0xc3, 0xdf, 0xe0, 0xe2, 0xed,
					      0xef, 0xf0, 0xf4, 0xf5, 0xc0, 0xff };

	switch (rng() % 4) {
	case 0:
		return rng();
	case 1:
		return 0x80 + rng() % 0x40; /* continuation */
	case 2:
		return lead[rng() % sizeof(lead)];
	default:
		return 0x20 + rng() % 0x60; /* ASCII, with '"', '\\' and DEL */
	}
}

/* Appends one random code point as UTF-8 (surrogates excluded); returns its length. */
static size_t random_utf8(char *out, size_t room)
{
	static const uint32_t top[] = { 0x80, 0x800, 0x10000, 0x110000 };
	size_t n = 1 + rng() % 4;
	uint32_t cp = rng() % top[n - 1];

	if (n > room)
		return 0;
	if (cp >= 0xd800 && cp <= 0xdfff)
		cp -= 0x800;
	if (n == 1)
		cp = cp ? cp : 'x';
	/* Shortest form only: the length follows from the value. */
	n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	if (n == 1) {
		out[0] = cp;
		return 1;
	}
	for (size_t i = n - 1; i > 0; i--, cp >>= 6)
		out[i] = 0x80 | (cp & 0x3f);
	out[0] = (0xf00 >> n) | cp;
	return n;
}

static size_t random_string(char *in, size_t cap)
{
	size_t len = rng() % (cap + 1), n = 0, k;

	/* Half the strings are valid UTF-8, so that "valid passes" gets exercised. */
	if (rng() % 2) {
		while ((k = random_utf8(in + n, len - n)))
			n += k;
		return n;
	}
	for (n = 0; n < len; n++)
		in[n] = random_byte();
	return n;
}

/* Undoes the text escaping: the text form loses nothing. */
static size_t text_unescape(const char *s, size_t len, char *out)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] != '\\') {
			out[n++] = s[i];
		} else if (s[i + 1] == '\\') {
			out[n++] = '\\';
			i++;
		} else {
			assert_int_equal(s[i + 1], 'x');
			out[n++] = strtoul((char[]){ s[i + 2], s[i + 3], 0 }, NULL, 16);
			i += 3;
		}
	}
	return n;
}

static void check_random_text(const char *in, size_t len, size_t end)
{
	struct esc e = text_of(in, len);
	char back[300];

	assert_printable_line(e.buf, e.len);
	assert_int_equal(text_unescape(e.buf, e.len, back), end);
	assert_memory_equal(back, in, end);
	esc_free(&e);
}

/* Returns whether the input was valid UTF-8. */
static bool check_random_json(const char *in, size_t len, size_t end)
{
	struct esc e = json_of(in, len);
	json_t *j = json_parse(&e), *valid;
	bool is_valid;

	for (size_t i = 0; i < e.len; i++) {
		unsigned char c = e.buf[i];

		assert_true(c >= 0x20 && c != 0x7f);
		/* No raw C1 control either. */
		assert_false(c == 0xc2 && i + 1 < e.len && (unsigned char)e.buf[i + 1] < 0xa0);
	}
	/* jansson's own UTF-8 check is the reference: valid input is kept as is. */
	valid = json_stringn(in, end);
	is_valid = valid != NULL;
	if (valid) {
		assert_int_equal(json_string_length(j), end);
		assert_memory_equal(json_string_value(j), in, end);
		json_decref(valid);
	}
	json_decref(j);
	esc_free(&e);
	return is_valid;
}

static void random_bytes_property(void **state)
{
	char in[300];
	unsigned valid = 0;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t len = random_string(in, sizeof(in)), end;

		/* Most strings run to len; one in eight also holds a NUL. */
		if (len && rng() % 8 == 0)
			in[rng() % len] = '\0';
		end = strnlen(in, len);
		check_random_text(in, len, end);
		valid += check_random_json(in, len, end);
	}
	/* Both halves of the property were really exercised. */
	assert_in_range(valid, 5000, 15000);
}

/* The contract one byte (or one UTF-8 sequence) at a time, the way the
 * escaping was first written: what the word-at-a-time forms must match. */
static size_t json_bytewise(char *out, const unsigned char *s, size_t end)
{
	size_t n = 0, i = 0;

	out[n++] = '"';
	while (i < end) {
		unsigned char c = s[i];
		size_t seq = c >= 0x80 ? utf8_seq_len(s + i, end - i) : 0;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			out[n++] = c;
			i++;
		} else if (seq > 1 && !(c == 0xc2 && s[i + 1] < 0xa0)) {
			memcpy(out + n, s + i, seq);
			n += seq;
			i += seq;
		} else if (c == '"' || c == '\\') {
			out[n++] = '\\';
			out[n++] = c;
			i++;
		} else {
			n += sprintf(out + n, "\\u00%02x", seq == 2 ? s[i + 1] : c);
			i += seq == 2 ? 2 : 1;
		}
	}
	out[n++] = '"';
	return n;
}

/* Mostly plain ASCII, long enough to span words and the FILE forms' chunks
 * of 1024 bytes, with a byte to escape or a UTF-8 sequence here and there:
 * every path through the word-at-a-time loops, and sequences cut by a chunk. */
static size_t mostly_plain(char *in, size_t cap)
{
	size_t len = rng() % cap, every = 1 + rng() % 64;

	for (size_t i = 0; i < len; i++)
		in[i] = rng() % every ? (char)(0x20 + rng() % 95) : (char)random_byte();
	return len;
}

/* Both forms of one escaping (FILE through a memstream, memory) wrote want. */
static void assert_forms(struct esc e, size_t (*mem)(char *, const char *, size_t), const char *in,
			 size_t end, const char *want, size_t n)
{
	static char got[ESCAPE_JSON_ROOM(3000)];

	assert_int_equal(e.len, n);
	assert_memory_equal(e.buf, want, n);
	esc_free(&e);
	assert_int_equal(mem(got, in, end), n);
	assert_memory_equal(got, want, n);
}

static void word_forms_match_bytewise(void **state)
{
	static char in[3000], want[6 * sizeof(in) + 2];

	(void)state;
	for (int round = 0; round < 3000; round++) {
		size_t len = mostly_plain(in, sizeof(in)), end = strnlen(in, len), n = 0;

		for (size_t i = 0; i < end; i++)
			text_expect_byte(in[i], want + n), n += strlen(want + n);
		assert_forms(text_of(in, len), escape_text_mem, in, end, want, n);
		n = json_bytewise(want, (const unsigned char *)in, end);
		assert_forms(json_of(in, len), escape_json_mem, in, end, want, n);
	}
}

static void utf8_seq_len_bounds(void **state)
{
	const unsigned char euro[] = { 0xe2, 0x82, 0xac };

	(void)state;
	assert_int_equal(utf8_seq_len((const unsigned char *)"a", 1), 1);
	assert_int_equal(utf8_seq_len(euro, 3), 3);
	/* Never reads past avail. */
	assert_int_equal(utf8_seq_len(euro, 2), 0);
	assert_int_equal(utf8_seq_len(euro + 1, 2), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_each_byte_alone),
		cmocka_unit_test(text_each_byte_embedded),
		cmocka_unit_test(text_stops_at_nul_and_len),
		cmocka_unit_test(text_terminal_escape_is_inert),
		cmocka_unit_test(json_each_byte_alone),
		cmocka_unit_test(json_each_byte_embedded),
		cmocka_unit_test(json_valid_utf8_passes),
		cmocka_unit_test(json_invalid_utf8_escapes_each_byte),
		cmocka_unit_test(json_c1_controls_escaped),
		cmocka_unit_test(json_quotes_backslash_controls),
		cmocka_unit_test(json_stops_at_nul_and_len),
		cmocka_unit_test(utf8_seq_len_bounds),
		cmocka_unit_test(word_forms_match_bytewise),
		cmocka_unit_test(random_bytes_property),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
